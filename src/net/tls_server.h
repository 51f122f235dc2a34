/*
 * tls_server.h - sstpd's TLS: one SSL_CTX (TLS 1.2+, the full chain of
 * --cert served, --key) that SIGHUP replaces.  A session takes its SSL
 * and the leaf's hashes when it is accepted, so a renewed certificate
 * changes what NEW sessions bind to (MS-SSTP 3.3.5.2.3: the hash of the
 * certificate this connection used) and live ones keep theirs.  With
 * --no-tls the hashes come from --cert-hash-sha256/-sha1 instead.
 */
#ifndef SSTPD_TLS_SERVER_H
#define SSTPD_TLS_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include <openssl/ssl.h>

struct tls_server;

/* Load @cert (PEM chain) and @key.  NULL with one line in @err. */
struct tls_server *tls_server_new(const char *cert, const char *key,
	    char *err, size_t errlen);
/*
 * Load them again; on failure the old context stays and @err says why.
 * 0 or -errno.
 */
int	tls_server_reload(struct tls_server *, char *err, size_t errlen);
/* A new SSL in accept state on the current context, and its leaf hashes. */
SSL	*tls_server_ssl(struct tls_server *, uint8_t sha1[20],
	    uint8_t sha256[32]);
/* The current leaf's subject and expiry, for the log. */
const char *tls_server_describe(const struct tls_server *);
void	tls_server_free(struct tls_server *);

#endif /* SSTPD_TLS_SERVER_H */
