/*
 * secrets.h - pppd's chap-secrets format (pppd(8) AUTHENTICATION):
 *   client  server  secret  [addresses ...]
 * one entry per line, '#' comments, words in double quotes with
 * backslash escapes, '*' as a wildcard for client or server, '-' for no
 * address.  sstpd takes lines whose server is '*' or its --name, the
 * first address that is a literal IPv4 address (or '*' = pool).
 * Pure and bounded: the caller reads the file (root-only permissions
 * checked there) and passes its octets; every secret is wiped at free.
 */
#ifndef SSTPD_SECRETS_H
#define SSTPD_SECRETS_H

#include <stddef.h>
#include <stdint.h>

#include "ppp/ppp_engine.h"	/* struct ppp_secret */

#define SECRETS_MAX_FILE	(1024 * 1024)
#define SECRETS_MAX_WORD	255

struct secrets;

/*
 * secrets_parse - NULL with one line "FILE:LINE: cause" in @err for a
 * bad line (unterminated quote, word too long, bad address), an empty
 * table is valid.
 */
struct secrets *secrets_parse(const uint8_t *text, size_t len,
	    const char *fname, const char *server_name, char *err,
	    size_t errlen);
/* Number of usable entries. */
size_t	secrets_count(const struct secrets *);
/*
 * secrets_lookup - the entry of @user (exact, else '*'): 0 and *out, or
 * -ENOENT.  The comparison does not shortcut on the first differing
 * octet of a name (constant time per entry).
 */
int	secrets_lookup(const struct secrets *, const char *user,
	    struct ppp_secret *out);
void	secrets_free(struct secrets *);

#endif /* SSTPD_SECRETS_H */
