/*
 * ppp_auth_hook.h - test hooks of ppp/ppp_auth.c, for the unit tests and
 * the fuzzer only (kept out of ppp_auth.h so that the engine's interface
 * stays as it is).  The program never calls them.
 */
#ifndef SSTPC_PPP_AUTH_HOOK_H
#define SSTPC_PPP_AUTH_HOOK_H

#include <stdint.h>

#include "crypto/ms_funcs.h"

/* ppp/ppp_auth.h (not included: ppp_auth.c includes this file). */
struct ppp_auth_client;

/*
 * ppp_auth_client_fix_peer_challenge - MS-CHAPv2 and EAP-MSCHAPv2 use
 * @ch (copied) as the Peer-Challenge instead of random octets, so that
 * the RFC 2759 9.2 vector can be replayed.
 */
void	ppp_auth_client_fix_peer_challenge(struct ppp_auth_client *,
	    const uint8_t ch[MS_CHALLENGE_LEN]);

#endif /* SSTPC_PPP_AUTH_HOOK_H */
