/*
 * ppp_fsm.h - the option negotiation automaton of RFC 1661 4, as a table:
 * ten states x sixteen events -> actions + next state (RFC 1661 4.1),
 * the restart timer and its counter (4.6: Max-Terminate, Max-Configure),
 * Max-Failure (a Nak becomes a Reject) and the Identifier rules of 5.1-5.4.
 *
 * The automaton is role-free: what a protocol (LCP, IPCP, IPV6CP) offers
 * and accepts comes from a const struct ppp_fsm_ops, so the server role
 * (issue 13) reuses it with its own option judges.  Pure: frames out
 * through ops->send (protocol first, no FF 03), the time passed in,
 * ppp_fsm_deadline() says when to call ppp_fsm_tick() next.
 */
#ifndef SSTPC_PPP_FSM_H
#define SSTPC_PPP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "ppp/ppp_cp.h"

/* RFC 1661 4.2 states, numbered as in the table of 4.1. */
enum ppp_fsm_state {
	PPP_ST_INITIAL = 0,
	PPP_ST_STARTING,
	PPP_ST_CLOSED,
	PPP_ST_STOPPED,
	PPP_ST_CLOSING,
	PPP_ST_STOPPING,
	PPP_ST_REQ_SENT,
	PPP_ST_ACK_RCVD,
	PPP_ST_ACK_SENT,
	PPP_ST_OPENED,
	PPP_ST_COUNT
};

/* RFC 1661 4.3 events, in the order of the table of 4.1. */
enum ppp_fsm_event {
	PPP_EV_UP = 0,
	PPP_EV_DOWN,
	PPP_EV_OPEN,
	PPP_EV_CLOSE,
	PPP_EV_TO_PLUS,
	PPP_EV_TO_MINUS,
	PPP_EV_RCR_PLUS,
	PPP_EV_RCR_MINUS,
	PPP_EV_RCA,
	PPP_EV_RCN,
	PPP_EV_RTR,
	PPP_EV_RTA,
	PPP_EV_RUC,
	PPP_EV_RXJ_PLUS,
	PPP_EV_RXJ_MINUS,
	PPP_EV_RXR,
	PPP_EV_COUNT
};

/* RFC 1661 4.4 actions (bit mask). */
#define PPP_A_TLU	0x0001	/* This-Layer-Up */
#define PPP_A_TLD	0x0002	/* This-Layer-Down */
#define PPP_A_TLS	0x0004	/* This-Layer-Started */
#define PPP_A_TLF	0x0008	/* This-Layer-Finished */
#define PPP_A_IRC	0x0010	/* Initialize-Restart-Count */
#define PPP_A_ZRC	0x0020	/* Zero-Restart-Count */
#define PPP_A_SCR	0x0040	/* Send-Configure-Request */
#define PPP_A_SCA	0x0080	/* Send-Configure-Ack */
#define PPP_A_SCN	0x0100	/* Send-Configure-Nak/Rej */
#define PPP_A_STR	0x0200	/* Send-Terminate-Request */
#define PPP_A_STA	0x0400	/* Send-Terminate-Ack */
#define PPP_A_SCJ	0x0800	/* Send-Code-Reject */
#define PPP_A_SER	0x1000	/* Send-Echo-Reply */
#define PPP_A_ILLEGAL	0x8000	/* "-": cannot happen, nothing done */

/* One cell of the table. */
struct ppp_fsm_cell {
	uint16_t	actions;
	uint8_t		next;		/* enum ppp_fsm_state */
};

/* The table itself (RFC 1661 4.1), [state][event]. */
extern const struct ppp_fsm_cell ppp_fsm_table[PPP_ST_COUNT][PPP_EV_COUNT];

/* Defaults of RFC 1661 4.6. */
#define PPP_FSM_RESTART_MS	3000
#define PPP_FSM_MAX_CONFIGURE	10
#define PPP_FSM_MAX_TERMINATE	2
#define PPP_FSM_MAX_FAILURE	5
/*
 * RFC 1661 4.1 restarts the counter on every Nak received (RCN: irc, scr
 * in Req-Sent and Ack-Sent), so a peer that Naks or Rejects every request
 * would keep us negotiating forever.  Ours: after this many times
 * Max-Configure answers in a row that are Naks or Rejects (no Ack), the
 * automaton gives up as if the restart counter ran out (TO-: tlf, Stopped)
 * and sets rcn_gave_up.
 */
#define PPP_FSM_RCN_FACTOR	2

/* Extra-code results (ops->extcode). */
#define PPP_FSM_X_UNKNOWN	(-1)	/* RUC: Code-Reject it */
#define PPP_FSM_X_DONE		(-2)	/* handled, no event */

struct ppp_fsm;

/* Per-protocol behaviour; NULL members do nothing. */
struct ppp_fsm_ops {
	/* Our Configure-Request options (RFC 1661 5.1). */
	void	(*addci)(struct ppp_fsm *, struct wbuf *opts);
	/*
	 * Judge the peer's Configure-Request: return PPP_CONF_ACK, or
	 * PPP_CONF_NAK / PPP_CONF_REJ with the reply options in @reply.
	 * With !nak_ok (Max-Failure reached) a Nak must become a Reject.
	 */
	int	(*reqci)(struct ppp_fsm *, struct bcur opts, struct wbuf *reply,
		    bool nak_ok);
	/* The peer acked our request (bytes already checked equal). */
	void	(*ackci)(struct ppp_fsm *, struct bcur opts);
	/* Nak (rej false) or Reject of our request: -1 to drop it. */
	int	(*nakci)(struct ppp_fsm *, struct bcur opts, bool rej);
	void	(*up)(struct ppp_fsm *);	/* tlu */
	void	(*down)(struct ppp_fsm *);	/* tld */
	void	(*started)(struct ppp_fsm *);	/* tls */
	void	(*finished)(struct ppp_fsm *);	/* tlf */
	/*
	 * Codes beyond 7 (LCP: 8 Protocol-Reject, 9-11 Echo/Discard):
	 * return a PPP_EV_RXJ_* / PPP_EV_RXR event, PPP_FSM_X_DONE, or
	 * PPP_FSM_X_UNKNOWN.  Code-Reject (7) goes here too, with
	 * PPP_FSM_X_UNKNOWN meaning "decide by the rejected code".
	 */
	int	(*extcode)(struct ppp_fsm *, uint8_t code, uint8_t id,
		    struct bcur data);
	/* ser: answer an Echo-Request (LCP only). */
	void	(*echo_reply)(struct ppp_fsm *, uint8_t id, struct bcur data);
	/* A whole frame for the peer. */
	void	(*send)(struct ppp_fsm *, const uint8_t *frame, size_t len);
};

struct ppp_fsm {
	const struct ppp_fsm_ops *ops;
	void		*arg;		/* the owner's */
	uint16_t	 proto;
	const char	*name;
	uint8_t		 state;		/* enum ppp_fsm_state */
	unsigned	 restart_count;
	unsigned	 restart_ms;
	unsigned	 max_configure;
	unsigned	 max_terminate;
	unsigned	 max_failure;
	unsigned	 naks_sent;	/* since the last Ack we sent */
	unsigned	 rcn_run;	/* Naks/Rejects received in a row */
	unsigned	 rcn_max;	/* give up at this many (see above) */
	bool		 rcn_gave_up;	/* ... and did */
	uint8_t		 rcn_last;	/* PPP_CONF_NAK or PPP_CONF_REJ */
	uint64_t	 deadline;	/* restart timer, 0: stopped */
	uint8_t		 next_id;
	uint8_t		 req_id;	/* our outstanding Configure-Request */
	uint8_t		 term_id;	/* our outstanding Terminate-Request */
	bool		 req_valid;
	size_t		 req_len;
	uint8_t		 req[PPP_MAX_INFO];	/* its options */
	const char	*log_ctx;	/* the owner's (util/log.h), or NULL */
	uint16_t	 peer_mru;	/* cap for Code-Reject copies */
	uint16_t	 last_actions;	/* of the last event, for tracing */
	/* the packet being handled (for sca/scn/sta/scj/ser) */
	uint8_t		 rx_code, rx_id;
	struct bcur	 rx_data, rx_raw;
	struct bcur	 rx_reply;
	uint8_t		 rx_reply_code;
};

/* Set up in state Initial; @name is for the log. */
void	ppp_fsm_init(struct ppp_fsm *, const struct ppp_fsm_ops *, void *arg,
	    uint16_t proto, const char *name, uint8_t id0);
/* Limits; 0 keeps the RFC 1661 4.6 default. */
void	ppp_fsm_limits(struct ppp_fsm *, unsigned restart_ms,
	    unsigned max_configure, unsigned max_terminate,
	    unsigned max_failure);
/* Run one event through the table (Up, Down, Open, Close; tests). */
void	ppp_fsm_event(struct ppp_fsm *, uint64_t now, enum ppp_fsm_event);
void	ppp_fsm_up(struct ppp_fsm *, uint64_t now);
void	ppp_fsm_down(struct ppp_fsm *, uint64_t now);
void	ppp_fsm_open(struct ppp_fsm *, uint64_t now);
void	ppp_fsm_close(struct ppp_fsm *, uint64_t now);
/*
 * ppp_fsm_input - one control packet (the Information field of a frame
 * of this protocol).  Returns 0, or -EBADMSG when it was discarded
 * (malformed, stale identifier, an Ack not matching our request).
 */
int	ppp_fsm_input(struct ppp_fsm *, uint64_t now, struct bcur info);
/* The restart timer: absolute ms, 0 when stopped. */
uint64_t ppp_fsm_deadline(const struct ppp_fsm *);
/* Fire the restart timer if due (TO+ / TO-). */
void	ppp_fsm_tick(struct ppp_fsm *, uint64_t now);
/* Send a packet of this protocol (code, fresh or given id, data). */
void	ppp_fsm_send(struct ppp_fsm *, uint8_t code, uint8_t id,
	    const void *data, size_t len);
/* Names for the log. */
const char *ppp_fsm_state_name(unsigned);
const char *ppp_fsm_event_name(unsigned);

#endif /* SSTPC_PPP_FSM_H */
