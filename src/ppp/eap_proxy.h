/*
 * eap_proxy.h - sstpc as the PPP authenticator's peer (--eap-auth).
 *
 * With --eap-auth, sstpc sits in the middle of the PPP link: toward the
 * server it negotiates the authentication protocol the server wants
 * (EAP with EAP-MSCHAPv2, or plain MS-CHAPv2), answers it itself, verifies
 * the server's authenticator response, and derives the HLAK for the SSTP
 * crypto binding; toward pppd it presents a link that needs neither
 * authentication nor encryption.  If the server requires MPPE, sstpc
 * negotiates it with the server and encrypts/decrypts pppd's frames.
 *
 * The proxy is pure: it sees raw PPP frames (with or without FF 03) from
 * each side and answers through the ops; time is passed in, timers are a
 * deadline the owner polls.  Owner: link/pppd/pppd_link.c.
 */
#ifndef SSTPC_EAP_PROXY_H
#define SSTPC_EAP_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include "ppp/auth_keys.h"

struct eap_proxy;

/* Why the proxy gave up; the owner maps it onto its exit status. */
enum eap_proxy_fail {
	EAP_PROXY_FAIL_AUTH = 1,	/* refused, or no method both accept */
	EAP_PROXY_FAIL_INTERNAL		/* key derivation or MPPE failed */
};

struct eap_proxy_ops {
	/* Send one raw PPP frame (FF 03 + protocol + information) on. */
	void	(*to_server)(void *arg, const uint8_t *frame, size_t len);
	void	(*to_pppd)(void *arg, const uint8_t *frame, size_t len);
	/*
	 * Authentication succeeded: the keys it left (none when the server
	 * asked for no authentication) for the crypto binding.
	 */
	void	(*auth_done)(void *arg, const struct ppp_auth_keys *keys);
	/* Authentication failed or cannot proceed: the class and a line. */
	void	(*fail)(void *arg, enum eap_proxy_fail why, const char *msg);
};

/*
 * Create the proxy for user/password (UTF-8; copied and zeroized at free).
 * Returns NULL on allocation failure.
 */
struct eap_proxy *eap_proxy_new(const char *user, const char *password,
	    const struct eap_proxy_ops *, void *arg);
/* A frame pppd sent (after HDLC decoding). */
void	eap_proxy_from_pppd(struct eap_proxy *, uint64_t now_ms,
	    const uint8_t *frame, size_t len);
/* A frame the server sent (already gated by the SSTP state machine). */
void	eap_proxy_from_server(struct eap_proxy *, uint64_t now_ms,
	    const uint8_t *frame, size_t len);
/* Call when now >= eap_proxy_deadline(); UINT64_MAX = no timer. */
void	eap_proxy_timer(struct eap_proxy *, uint64_t now_ms);
uint64_t eap_proxy_deadline(const struct eap_proxy *);
void	eap_proxy_free(struct eap_proxy *);

#endif /* SSTPC_EAP_PROXY_H */
