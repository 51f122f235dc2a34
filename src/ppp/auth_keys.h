/*
 * auth_keys.h - the key material a PPP authentication leaves behind, as the
 * PPP side reports it for the SSTP crypto binding (MS-SSTP 3.2.5.2.2,
 * PROTOCOL.md 4.1):
 *   MS-CHAPv2, EAP-MSCHAPv2   MPPE MasterSendKey and MasterReceiveKey of
 *                             the client (RFC 3079 3.3), 16 octets each;
 *   other EAP methods         the first octets of the MSK in send
 *                             (send_len >= 32), recv empty;
 *   PAP, CHAP-MD5             nothing (send_len == 0): a zero HLAK.
 * The HLAK itself is derived from this in one place, by the session
 * (crypto/sstp_bind.h: sstp_bind_hlak).
 *
 * Orientation: always the CLIENT's view, whichever side reports it.  A
 * server-side PPP (sstpd's engine in its server role, or pppd with the
 * plugin on the server) swaps its own send and receive keys before it
 * reports them, so that send is the client's MasterSendKey and the HLAK
 * comes out the same on both ends (MS-SSTP 3.2.5.2.2, 3.3.5.2.3).
 */
#ifndef SSTPC_PPP_AUTH_KEYS_H
#define SSTPC_PPP_AUTH_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PPP_AUTH_KEY_MAX	64	/* octets, each direction */

struct ppp_auth_keys {
	size_t	send_len;
	size_t	recv_len;
	uint8_t	send[PPP_AUTH_KEY_MAX];
	uint8_t	recv[PPP_AUTH_KEY_MAX];
};

/* Zeroize (the keys are secrets). */
static inline void
ppp_auth_keys_clear(struct ppp_auth_keys *k)
{
	explicit_bzero(k, sizeof *k);
}

#endif /* SSTPC_PPP_AUTH_KEYS_H */
