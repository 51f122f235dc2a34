/*
 * ppp_auth.h - the authenticating side of PPP authentication, client
 * role (issue 12): PAP (RFC 1334 2), CHAP-MD5 (RFC 1994), MS-CHAPv2
 * (RFC 2759, the server's authenticator response verified) and EAP
 * (RFC 3748: Identity, EAP-MSCHAPv2 via ppp/eap_peer.c).  Pure: frames in,
 * frames out (into a wbuf, protocol first, no FF 03), no I/O, no clock.
 */
#ifndef SSTPC_PPP_AUTH_H
#define SSTPC_PPP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "ppp/auth_keys.h"

/* The protocol LCP agreed on (RFC 1661 6.2). */
enum ppp_auth_proto {
	PPP_AUTHP_NONE = 0,
	PPP_AUTHP_PAP,
	PPP_AUTHP_CHAP_MD5,
	PPP_AUTHP_MSCHAPV2,
	PPP_AUTHP_EAP
};

/* Result flags of ppp_auth_client_start/_input/_timeout. */
#define PPP_AUTH_SEND		0x01	/* out holds a frame for the server */
#define PPP_AUTH_OK		0x02	/* authenticated (and verified) */
#define PPP_AUTH_FAIL		0x04	/* refused: see ppp_auth_client_reason */

struct ppp_auth_client;

/*
 * ppp_auth_client_new - for the protocol LCP agreed on; @user and
 * @password are copied (wiped at free).  NULL when out of memory.
 */
struct ppp_auth_client *ppp_auth_client_new(enum ppp_auth_proto,
	    const char *user, const char *password);
/* Begin: PAP sends its Authenticate-Request; the others wait. */
int	ppp_auth_client_start(struct ppp_auth_client *, struct wbuf *out);
/* One frame of @proto (PAP/CHAP/EAP) from the server. */
int	ppp_auth_client_input(struct ppp_auth_client *, uint16_t proto,
	    struct bcur info, struct wbuf *out);
/* The restart timer fired: PAP resends (RFC 1334 2.2.1), or FAIL. */
int	ppp_auth_client_timeout(struct ppp_auth_client *, struct wbuf *out);
/* True while the method waits for the server with a timer (PAP). */
bool	ppp_auth_client_wants_timer(const struct ppp_auth_client *);
/*
 * The keys for the crypto binding and MPPE once OK: MS-CHAPv2 and
 * EAP-MSCHAPv2 give MasterSendKey/MasterReceiveKey, 16 octets each
 * (RFC 3079 3.4, client view; PROTOCOL.md 4.1); PAP and CHAP-MD5 none.
 */
int	ppp_auth_client_keys(const struct ppp_auth_client *,
	    struct ppp_auth_keys *);
/* Human text for the log: "MS-CHAPv2", "PAP", ... */
const char *ppp_auth_proto_name(enum ppp_auth_proto);
/* Why it failed, one line ("" when it did not). */
const char *ppp_auth_client_reason(const struct ppp_auth_client *);
void	ppp_auth_client_free(struct ppp_auth_client *);

#endif /* SSTPC_PPP_AUTH_H */
