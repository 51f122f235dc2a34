/*
 * ccp.h - CCP (RFC 1962) toward the server, for MPPE only (RFC 3078 2,
 * RFC 3079): sstpc negotiates MPPE itself when the server asks for it and
 * offers nothing else.  Each direction is configured by the Request of the
 * side that receives it: the server's Request sets what sstpc sends, ours
 * what the server sends.
 *
 * Pure: packets in, frames out through a send callback, time passed in.
 */
#ifndef SSTPC_CCP_H
#define SSTPC_CCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define CCP_EV_UP		0x01	/* both Requests acknowledged */
#define CCP_EV_DOWN		0x02	/* CCP closed (Terminate) */
#define CCP_EV_RESET		0x04	/* Reset-Request: flush our sending */
#define CCP_EV_FAIL		0x08	/* no MPPE agreement: ccp_reason() */

#define CCP_RESTART_MS		3000
#define CCP_MAX_TRIES		10

struct ccp_neg {
	void		(*send)(void *arg, const uint8_t *frame, size_t len);
	void		*arg;
	bool		 active;	/* the server started CCP */
	bool		 up;
	bool		 we_acked;
	bool		 they_acked;
	uint32_t	 tx_bits;	/* server's Request, acked by us */
	uint32_t	 rx_bits;	/* our Request */
	bool		 req_sent;
	uint8_t		 our_id;
	unsigned	 tries;
	uint64_t	 deadline;
	unsigned	 naks;
	uint8_t		 next_id;
	char		 reason[160];
};

/* Set up; @send gets whole PPP frames for the server. */
void	ccp_init(struct ccp_neg *, void (*send)(void *, const uint8_t *,
	    size_t), void *arg, uint8_t id0);
/* One CCP packet (Information of a 0x80FD frame) from the server. */
int	ccp_from_server(struct ccp_neg *, uint64_t now, struct bcur info);
/* Our receiver lost MPPE sync: send a Reset-Request (RFC 3078 8.2). */
void	ccp_send_reset_request(struct ccp_neg *);
/* Timer (UINT64_MAX = none) and its expiry. */
uint64_t ccp_deadline(const struct ccp_neg *);
int	ccp_timer(struct ccp_neg *, uint64_t now);
/*
 * ccp_mppe_choose - what sstpc accepts of an offered Supported Bits word:
 * the strongest of 128/56/40-bit offered, with H kept if offered;
 * 0 if no strength sstpc can do is offered.
 */
uint32_t ccp_mppe_choose(uint32_t offer);
/* Why CCP_EV_FAIL was returned. */
const char *ccp_reason(const struct ccp_neg *);

#endif /* SSTPC_CCP_H */
