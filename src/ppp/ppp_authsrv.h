/*
 * ppp_authsrv.h - the authenticator side of PPP authentication, server
 * role (sstpd, issue 13): PAP (RFC 1334 2: the peer's Authenticate-Request
 * checked against the secret), MS-CHAPv2 (RFC 2759: our Challenge, the
 * peer's NT-Response checked, the Authenticator Response "S=" sent in the
 * Success) and EAP (RFC 3748: Identity, then EAP-MSCHAPv2 as in
 * draft-kamath-pppext-eap-mschapv2, the way Windows clients do it).  The
 * mirror of ppp/ppp_auth.h: frames in, frames out (into a wbuf, protocol
 * first, no FF 03), no I/O, no clock.
 *
 * Secrets are compared in constant time (crypto_memeq) and wiped after
 * use; an unknown user fails exactly like a wrong password (same reply,
 * same timing path), so a client cannot enumerate users.
 */
#ifndef SSTPC_PPP_AUTHSRV_H
#define SSTPC_PPP_AUTHSRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "ppp/auth_keys.h"
#include "ppp/ppp_auth.h"		/* enum ppp_auth_proto */
#include "ppp/ppp_engine.h"		/* struct ppp_secret */

/* Result flags of ppp_auth_server_start/_input/_timeout. */
#define PPP_AUTHSRV_SEND	0x01	/* out holds a frame for the peer */
#define PPP_AUTHSRV_OK		0x02	/* peer authenticated */
#define PPP_AUTHSRV_FAIL	0x04	/* refused: see ppp_auth_server_reason */

/* How the authenticator finds a user's secret (the engine's lookup). */
typedef int (*ppp_authsrv_lookup)(void *arg, const char *user,
	    struct ppp_secret *out);

struct ppp_auth_server;

/*
 * ppp_auth_server_new - for the protocol LCP agreed on (PAP, MS-CHAPv2 or
 * EAP; CHAP-MD5 and NONE are refused with NULL).  @name is our name in
 * the Challenge (copied).  @rand: test hook for the challenges, NULL for
 * crypto_random.  NULL when out of memory or refused.
 */
struct ppp_auth_server *ppp_auth_server_new(enum ppp_auth_proto,
	    const char *name, ppp_authsrv_lookup lookup, void *lookup_arg,
	    void (*rand)(void *buf, size_t len));
/* Before each log line ("session ID"; util/log.h), kept; NULL none. */
void	ppp_auth_server_set_log_ctx(struct ppp_auth_server *,
	    const char *ctx);
/*
 * Begin: MS-CHAPv2 sends its Challenge, EAP its Request/Identity; PAP
 * waits for the peer's Authenticate-Request.
 */
int	ppp_auth_server_start(struct ppp_auth_server *, struct wbuf *out);
/* One frame of @proto (PAP/CHAP/EAP) from the peer. */
int	ppp_auth_server_input(struct ppp_auth_server *, uint16_t proto,
	    struct bcur info, struct wbuf *out);
/*
 * The restart timer fired: resend the Challenge/Request (RFC 1994 4.1,
 * RFC 3748 4.3) up to a bound, then FAIL.
 */
int	ppp_auth_server_timeout(struct ppp_auth_server *, struct wbuf *out);
/* True while a Challenge/Request waits for its answer. */
bool	ppp_auth_server_wants_timer(const struct ppp_auth_server *);
/*
 * The keys once OK, in the CLIENT's orientation (ppp/auth_keys.h):
 * MS-CHAPv2 and EAP-MSCHAPv2 give the client's MasterSendKey and
 * MasterReceiveKey, 16 octets each (RFC 3079 3.4); PAP none.
 */
int	ppp_auth_server_keys(const struct ppp_auth_server *,
	    struct ppp_auth_keys *);
/* The authenticated peer's name ("" before OK); printable. */
const char *ppp_auth_server_user(const struct ppp_auth_server *);
/* The fixed address of the peer's secrets line (0: none), once OK. */
uint32_t ppp_auth_server_addr4(const struct ppp_auth_server *);
/* Why it failed, one line ("" when it did not), never the secret. */
const char *ppp_auth_server_reason(const struct ppp_auth_server *);
void	ppp_auth_server_free(struct ppp_auth_server *);

#endif /* SSTPC_PPP_AUTHSRV_H */
