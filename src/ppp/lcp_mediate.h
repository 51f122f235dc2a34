/*
 * lcp_mediate.h - LCP between pppd and the server when sstpc authenticates
 * (--eap-auth).
 *
 * Two LCP conversations are stitched together.  pppd's Configure-Requests
 * go to the server unchanged and the server's answers come back unchanged,
 * so magic numbers, MRU and LCP echo work end to end.  The server's
 * Configure-Requests are filtered: sstpc itself rejects the options pppd
 * must not see (Callback, MRRU, Endpoint Discriminator, PFC/ACFC, unknown),
 * Naks an Authentication-Protocol it cannot do (suggesting MS-CHAPv2), and
 * passes the rest to pppd without the Authentication-Protocol option; pppd's
 * Configure-Ack of that is turned back into a Configure-Ack of the server's
 * original request, so every Ack matches the Request it acknowledges on
 * both sides (RFC 1661 5.2).  If the server renegotiates only its
 * authentication protocol, sstpc answers alone and replays pppd's last
 * Configure-Request, so pppd never notices.
 *
 * Pure: frames in, frames out through the ops, time passed in.
 */
#ifndef SSTPC_LCP_MEDIATE_H
#define SSTPC_LCP_MEDIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "ppp/ppp_cp.h"

/* The Authentication-Protocol the server asks for. */
enum lcp_auth {
	LCP_AUTH_NONE = 0,
	LCP_AUTH_EAP,			/* C2 27 */
	LCP_AUTH_MSCHAPV2,		/* C2 23 81 */
	LCP_AUTH_OTHER			/* PAP, CHAP-MD5, MS-CHAPv1, ... */
};

/* Event bits returned by the lcp_med_* calls. */
#define LCP_MED_OPENED		0x01	/* link to the server opened */
#define LCP_MED_DOWN		0x02	/* it left Opened (renegotiation) */
#define LCP_MED_TERMINATE	0x04	/* a Terminate-Request passed */
#define LCP_MED_FAIL		0x08	/* cannot go on: lcp_med_reason() */
#define LCP_MED_PROTREJ		0x10	/* server rejected a protocol of ours */

#define LCP_MED_REPLAY_MS	3000	/* retransmit our replayed request */
#define LCP_MED_REPLAY_TRIES	5
#define LCP_MED_AUTH_NAKS	3	/* Naks of an auth before giving up */

/* Where frames go (raw PPP frames, FF 03 + protocol). */
struct lcp_med_ops {
	void	(*to_server)(void *arg, const uint8_t *frame, size_t len);
	void	(*to_pppd)(void *arg, const uint8_t *frame, size_t len);
};

struct lcp_med {
	const struct lcp_med_ops *ops;
	void			*arg;
	/* The server's Configure-Request being answered through pppd. */
	bool			 srv_pending;
	uint8_t			 srv_id;
	enum lcp_auth		 srv_auth;
	uint8_t			 srv_opts[PPP_MAX_INFO];
	size_t			 srv_len;
	uint8_t			 fwd_opts[PPP_MAX_INFO];	/* no auth */
	size_t			 fwd_len;
	/* What pppd last acknowledged (to answer a renegotiation alone). */
	bool			 acked_valid;
	uint8_t			 acked_opts[PPP_MAX_INFO];
	size_t			 acked_len;
	/* pppd's last Configure-Request. */
	bool			 pppd_valid;
	uint8_t			 pppd_id;
	uint8_t			 pppd_opts[PPP_MAX_INFO];
	size_t			 pppd_len;
	/* Our replay of pppd's request to the server. */
	bool			 replay_pending;
	uint8_t			 replay_id;
	unsigned		 replay_tries;
	uint64_t		 replay_deadline;
	/* Link state toward the server. */
	bool			 we_acked;	/* we acked the server */
	bool			 they_acked;	/* the server acked pppd/us */
	bool			 opened;
	enum lcp_auth		 auth;		/* agreed, valid once opened */
	enum lcp_auth		 acked_auth;
	bool			 avoid_eap;	/* Nak EAP, prefer MS-CHAPv2 */
	bool			 first_seen;	/* 1st request seen */
	unsigned		 auth_naks;
	uint8_t			 next_id;
	uint16_t		 rejected_proto;	/* LCP_MED_PROTREJ */
	char			 reason[200];
};

/* Set up the mediator (first identifier @id0 for frames sstpc makes). */
void	lcp_med_init(struct lcp_med *, const struct lcp_med_ops *, void *arg,
	    uint8_t id0);
/* One LCP packet (Information of a 0xC021 frame) from the server. */
int	lcp_med_from_server(struct lcp_med *, uint64_t now, struct bcur info);
/* One LCP packet from pppd. */
int	lcp_med_from_pppd(struct lcp_med *, uint64_t now, struct bcur info);
/*
 * lcp_med_renegotiate - restart LCP with the server from sstpc's side (the
 * server stalled in EAP): replay pppd's last Configure-Request and, if
 * @avoid_eap, Nak EAP in favour of MS-CHAPv2.  pppd is not involved.
 * Returns 0 or -EAGAIN (nothing to replay yet).
 */
int	lcp_med_renegotiate(struct lcp_med *, uint64_t now, bool avoid_eap);
/* Send a Terminate-Request to the server (sstpc gives up). */
void	lcp_med_terminate(struct lcp_med *, const char *why);
/* Send a Protocol-Reject of @proto for @info to pppd. */
void	lcp_med_protocol_reject_pppd(struct lcp_med *, uint16_t proto,
	    struct bcur info);
/* Timer: deadline (UINT64_MAX = none) and expiry; expiry returns events. */
uint64_t lcp_med_deadline(const struct lcp_med *);
int	lcp_med_timer(struct lcp_med *, uint64_t now);
/* Why LCP_MED_FAIL was returned. */
const char *lcp_med_reason(const struct lcp_med *);
/* Name of an lcp_auth for messages. */
const char *lcp_auth_name(enum lcp_auth);
/* Classify the value of an Authentication-Protocol option. */
enum lcp_auth lcp_auth_classify(struct bcur val);

#endif /* SSTPC_LCP_MEDIATE_H */
