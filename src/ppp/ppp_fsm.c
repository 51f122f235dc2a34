/*
 * ppp_fsm.c - the RFC 1661 4 automaton (see ppp_fsm.h).  The decisions
 * are the table below, transcribed from RFC 1661 4.1; the code only
 * classifies packets into events (5.1-5.7) and performs the actions
 * (4.4) of the cell it looks up.  Options: the restart option (3r/5r,
 * 9r) and the passive option (3p) are not used: the cell's state is kept.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "ppp/ppp_fsm.h"
#include "ppp/proto.h"

#define X	{ PPP_A_ILLEGAL, 0 }	/* "-" */
#define C(a, s)	{ (a), PPP_ST_ ## s }

#define TLU	PPP_A_TLU
#define TLD	PPP_A_TLD
#define TLS	PPP_A_TLS
#define TLF	PPP_A_TLF
#define IRC	PPP_A_IRC
#define ZRC	PPP_A_ZRC
#define SCR	PPP_A_SCR
#define SCA	PPP_A_SCA
#define SCN	PPP_A_SCN
#define STR	PPP_A_STR
#define STA	PPP_A_STA
#define SCJ	PPP_A_SCJ
#define SER	PPP_A_SER

/*
 * RFC 1661 4.1, one row per state (the RFC prints one column per state):
 * events Up Down Open Close TO+ TO- RCR+ RCR- RCA RCN RTR RTA RUC RXJ+
 * RXJ- RXR.
 */
const struct ppp_fsm_cell ppp_fsm_table[PPP_ST_COUNT][PPP_EV_COUNT] = {
	[PPP_ST_INITIAL] = {
		C(0, CLOSED), X, C(TLS, STARTING), C(0, INITIAL),
		X, X, X, X, X, X, X, X, X, X, X, X },
	[PPP_ST_STARTING] = {
		C(IRC | SCR, REQ_SENT), X, C(0, STARTING), C(TLF, INITIAL),
		X, X, X, X, X, X, X, X, X, X, X, X },
	[PPP_ST_CLOSED] = {
		X, C(0, INITIAL), C(IRC | SCR, REQ_SENT), C(0, CLOSED),
		X, X,
		C(STA, CLOSED), C(STA, CLOSED), C(STA, CLOSED), C(STA, CLOSED),
		C(STA, CLOSED), C(0, CLOSED), C(SCJ, CLOSED), C(0, CLOSED),
		C(TLF, CLOSED), C(0, CLOSED) },
	[PPP_ST_STOPPED] = {
		X, C(TLS, STARTING), C(0, STOPPED), C(0, CLOSED),
		X, X,
		C(IRC | SCR | SCA, ACK_SENT), C(IRC | SCR | SCN, REQ_SENT),
		C(STA, STOPPED), C(STA, STOPPED),
		C(STA, STOPPED), C(0, STOPPED), C(SCJ, STOPPED),
		C(0, STOPPED), C(TLF, STOPPED), C(0, STOPPED) },
	[PPP_ST_CLOSING] = {
		X, C(0, INITIAL), C(0, STOPPING), C(0, CLOSING),
		C(STR, CLOSING), C(TLF, CLOSED),
		C(0, CLOSING), C(0, CLOSING), C(0, CLOSING), C(0, CLOSING),
		C(STA, CLOSING), C(TLF, CLOSED), C(SCJ, CLOSING),
		C(0, CLOSING), C(TLF, CLOSED), C(0, CLOSING) },
	[PPP_ST_STOPPING] = {
		X, C(0, STARTING), C(0, STOPPING), C(0, CLOSING),
		C(STR, STOPPING), C(TLF, STOPPED),
		C(0, STOPPING), C(0, STOPPING), C(0, STOPPING),
		C(0, STOPPING),
		C(STA, STOPPING), C(TLF, STOPPED), C(SCJ, STOPPING),
		C(0, STOPPING), C(TLF, STOPPED), C(0, STOPPING) },
	[PPP_ST_REQ_SENT] = {
		X, C(0, STARTING), C(0, REQ_SENT), C(IRC | STR, CLOSING),
		C(SCR, REQ_SENT), C(TLF, STOPPED),
		C(SCA, ACK_SENT), C(SCN, REQ_SENT), C(IRC, ACK_RCVD),
		C(IRC | SCR, REQ_SENT),
		C(STA, REQ_SENT), C(0, REQ_SENT), C(SCJ, REQ_SENT),
		C(0, REQ_SENT), C(TLF, STOPPED), C(0, REQ_SENT) },
	[PPP_ST_ACK_RCVD] = {
		X, C(0, STARTING), C(0, ACK_RCVD), C(IRC | STR, CLOSING),
		C(SCR, REQ_SENT), C(TLF, STOPPED),
		C(SCA | TLU, OPENED), C(SCN, ACK_RCVD), C(SCR, REQ_SENT),
		C(SCR, REQ_SENT),
		C(STA, REQ_SENT), C(0, REQ_SENT), C(SCJ, ACK_RCVD),
		C(0, REQ_SENT), C(TLF, STOPPED), C(0, ACK_RCVD) },
	[PPP_ST_ACK_SENT] = {
		X, C(0, STARTING), C(0, ACK_SENT), C(IRC | STR, CLOSING),
		C(SCR, ACK_SENT), C(TLF, STOPPED),
		C(SCA, ACK_SENT), C(SCN, REQ_SENT), C(IRC | TLU, OPENED),
		C(IRC | SCR, ACK_SENT),
		C(STA, REQ_SENT), C(0, ACK_SENT), C(SCJ, ACK_SENT),
		C(0, ACK_SENT), C(TLF, STOPPED), C(0, ACK_SENT) },
	[PPP_ST_OPENED] = {
		X, C(TLD, STARTING), C(0, OPENED), C(TLD | IRC | STR, CLOSING),
		X, X,
		C(TLD | SCR | SCA, ACK_SENT), C(TLD | SCR | SCN, REQ_SENT),
		C(TLD | SCR, REQ_SENT), C(TLD | SCR, REQ_SENT),
		C(TLD | ZRC | STA, STOPPING), C(TLD | SCR, REQ_SENT),
		C(SCJ, OPENED),
		C(0, OPENED), C(TLD | IRC | STR, STOPPING), C(SER, OPENED) },
};

static const char *const state_names[PPP_ST_COUNT] = {
	"Initial", "Starting", "Closed", "Stopped", "Closing", "Stopping",
	"Req-Sent", "Ack-Rcvd", "Ack-Sent", "Opened",
};

static const char *const event_names[PPP_EV_COUNT] = {
	"Up", "Down", "Open", "Close", "TO+", "TO-", "RCR+", "RCR-", "RCA",
	"RCN", "RTR", "RTA", "RUC", "RXJ+", "RXJ-", "RXR",
};

/* Name of a state. */
const char *
ppp_fsm_state_name(unsigned s)
{
	return s < PPP_ST_COUNT ? state_names[s] : "?";
}

/* Name of an event. */
const char *
ppp_fsm_event_name(unsigned e)
{
	return e < PPP_EV_COUNT ? event_names[e] : "?";
}

/* Set up in Initial. */
void
ppp_fsm_init(struct ppp_fsm *f, const struct ppp_fsm_ops *ops, void *arg,
    uint16_t proto, const char *name, uint8_t id0)
{
	memset(f, 0, sizeof *f);
	f->ops = ops;
	f->arg = arg;
	f->proto = proto;
	f->name = name;
	f->state = PPP_ST_INITIAL;
	f->next_id = id0;
	f->peer_mru = 1500;
	ppp_fsm_limits(f, 0, 0, 0, 0);
}

/* Counters and timer of RFC 1661 4.6. */
void
ppp_fsm_limits(struct ppp_fsm *f, unsigned restart_ms, unsigned max_configure,
    unsigned max_terminate, unsigned max_failure)
{
	f->restart_ms = restart_ms ? restart_ms : PPP_FSM_RESTART_MS;
	f->max_configure = max_configure ? max_configure :
	    PPP_FSM_MAX_CONFIGURE;
	f->max_terminate = max_terminate ? max_terminate :
	    PPP_FSM_MAX_TERMINATE;
	f->max_failure = max_failure ? max_failure : PPP_FSM_MAX_FAILURE;
	f->rcn_max = PPP_FSM_RCN_FACTOR * f->max_configure;
}

/* Send one packet: protocol, code, id, length, data (RFC 1661 5). */
void
ppp_fsm_send(struct ppp_fsm *f, uint8_t code, uint8_t id, const void *data,
    size_t len)
{
	uint8_t buf[2 + PPP_CP_HDR_LEN + PPP_MAX_INFO];
	struct wbuf w;

	if (len > PPP_MAX_INFO - PPP_CP_HDR_LEN) {
		log_warn_c(f->log_ctx, "%s: %s too large, not sent", f->name,
		    ppp_code_name(code));
		return;
	}
	wbuf_init(&w, buf, sizeof buf);
	wbuf_put_be16(&w, f->proto);
	wbuf_put_u8(&w, code);
	wbuf_put_u8(&w, id);
	wbuf_put_be16(&w, (uint16_t)(len + PPP_CP_HDR_LEN));
	if (len > 0)
		wbuf_put_bytes(&w, data, len);
	if (wbuf_error(&w) == 0 && f->ops->send != NULL)
		f->ops->send(f, buf, w.len);
}

/* scr: build and send a fresh Configure-Request (RFC 1661 5.1). */
static void
fsm_scr(struct ppp_fsm *f, uint64_t now)
{
	struct wbuf w;

	wbuf_init(&w, f->req, sizeof f->req);
	if (f->ops->addci != NULL)
		f->ops->addci(f, &w);
	f->req_len = wbuf_error(&w) == 0 ? w.len : 0;
	f->req_id = f->next_id++;
	f->req_valid = true;
	ppp_fsm_send(f, PPP_CONF_REQ, f->req_id, f->req, f->req_len);
	if (f->restart_count > 0)
		f->restart_count--;
	f->deadline = now + f->restart_ms;
}

/* str: send a Terminate-Request (RFC 1661 5.5). */
static void
fsm_str(struct ppp_fsm *f, uint64_t now)
{
	f->term_id = f->next_id++;
	ppp_fsm_send(f, PPP_TERM_REQ, f->term_id, NULL, 0);
	if (f->restart_count > 0)
		f->restart_count--;
	f->deadline = now + f->restart_ms;
}

/* scj: Code-Reject the packet, cut to the peer's MRU (RFC 1661 5.6). */
static void
fsm_scj(struct ppp_fsm *f)
{
	size_t n = bcur_left(&f->rx_raw);
	size_t cap = f->peer_mru > PPP_CP_HDR_LEN + 2 ?
	    f->peer_mru - PPP_CP_HDR_LEN - 2 : 0;

	if (n > cap)
		n = cap;
	ppp_fsm_send(f, PPP_CODE_REJ, f->next_id++, bcur_ptr(&f->rx_raw), n);
}

/* Perform the actions of a cell, in a fixed safe order (RFC 1661 4.4). */
static void
fsm_actions(struct ppp_fsm *f, uint64_t now, uint16_t a, enum ppp_fsm_event ev)
{
	if (a & PPP_A_TLD && f->ops->down != NULL)
		f->ops->down(f);
	if (a & PPP_A_IRC)
		f->restart_count = (a & PPP_A_STR) ? f->max_terminate :
		    f->max_configure;
	if (a & PPP_A_ZRC) {
		/* RFC 1661 4.4: zero, and the timer still runs once. */
		f->restart_count = 0;
		f->deadline = now + f->restart_ms;
	}
	if (a & PPP_A_SCR)
		fsm_scr(f, now);
	if (a & PPP_A_SCA) {
		f->naks_sent = 0;
		ppp_fsm_send(f, PPP_CONF_ACK, f->rx_id, bcur_ptr(&f->rx_data),
		    bcur_left(&f->rx_data));
	}
	if (a & PPP_A_SCN) {
		f->naks_sent++;
		ppp_fsm_send(f, f->rx_reply_code, f->rx_id,
		    bcur_ptr(&f->rx_reply), bcur_left(&f->rx_reply));
	}
	if (a & PPP_A_STR)
		fsm_str(f, now);
	if (a & PPP_A_STA)
		ppp_fsm_send(f, PPP_TERM_ACK, f->rx_id, NULL, 0);
	if (a & PPP_A_SCJ)
		fsm_scj(f);
	if (a & PPP_A_SER && f->rx_code == PPP_ECHO_REQ &&
	    f->ops->echo_reply != NULL)
		f->ops->echo_reply(f, f->rx_id, f->rx_data);
	/* The restart timer runs only in the states that send (4.6). */
	switch (f->state) {
	case PPP_ST_CLOSING:
	case PPP_ST_STOPPING:
	case PPP_ST_REQ_SENT:
	case PPP_ST_ACK_RCVD:
	case PPP_ST_ACK_SENT:
		break;
	default:
		f->deadline = 0;
		break;
	}
	(void)ev;
	if (a & PPP_A_TLU && f->ops->up != NULL)
		f->ops->up(f);
	if (a & PPP_A_TLS && f->ops->started != NULL)
		f->ops->started(f);
	if (a & PPP_A_TLF && f->ops->finished != NULL)
		f->ops->finished(f);
}

/* One event through the table. */
void
ppp_fsm_event(struct ppp_fsm *f, uint64_t now, enum ppp_fsm_event ev)
{
	const struct ppp_fsm_cell *c;
	uint8_t from = f->state;

	if (from >= PPP_ST_COUNT || (unsigned)ev >= PPP_EV_COUNT)
		return;
	c = &ppp_fsm_table[from][ev];
	f->last_actions = c->actions;
	if (c->actions & PPP_A_ILLEGAL) {
		log_debug_c(f->log_ctx,
		    "%s: event %s in state %s ignored", f->name,
		    event_names[ev], state_names[from]);
		return;
	}
	f->state = c->next;
	/* A new negotiation: a Nak loop of the last one is forgotten. */
	if ((from <= PPP_ST_STOPPED || from == PPP_ST_OPENED) &&
	    (c->next == PPP_ST_REQ_SENT || c->next == PPP_ST_ACK_SENT)) {
		f->rcn_run = 0;
		f->rcn_gave_up = false;
	}
	if (from != c->next)
		log_debug_c(f->log_ctx,
		    "%s: %s -> %s (%s)", f->name, state_names[from],
		    state_names[c->next], event_names[ev]);
	fsm_actions(f, now, c->actions, ev);
}

/* Lower layer up. */
void
ppp_fsm_up(struct ppp_fsm *f, uint64_t now)
{
	ppp_fsm_event(f, now, PPP_EV_UP);
}

/* Lower layer down. */
void
ppp_fsm_down(struct ppp_fsm *f, uint64_t now)
{
	ppp_fsm_event(f, now, PPP_EV_DOWN);
}

/* Administrative Open. */
void
ppp_fsm_open(struct ppp_fsm *f, uint64_t now)
{
	ppp_fsm_event(f, now, PPP_EV_OPEN);
}

/* Administrative Close. */
void
ppp_fsm_close(struct ppp_fsm *f, uint64_t now)
{
	ppp_fsm_event(f, now, PPP_EV_CLOSE);
}

/* Restart timer deadline. */
uint64_t
ppp_fsm_deadline(const struct ppp_fsm *f)
{
	return f->deadline;
}

/* Restart timer expiry: TO+ while the counter lasts, else TO-. */
void
ppp_fsm_tick(struct ppp_fsm *f, uint64_t now)
{
	if (f->deadline == 0 || now < f->deadline)
		return;
	f->deadline = 0;
	memset(&f->rx_raw, 0, sizeof f->rx_raw);
	ppp_fsm_event(f, now, f->restart_count > 0 ? PPP_EV_TO_PLUS :
	    PPP_EV_TO_MINUS);
}

/* The peer's Configure-Request: RCR+ or RCR- (RFC 1661 5.1-5.4). */
static int
fsm_rcr(struct ppp_fsm *f, uint64_t now)
{
	uint8_t reply[PPP_MAX_INFO];
	struct wbuf w;
	int r = PPP_CONF_ACK;

	wbuf_init(&w, reply, sizeof reply);
	if (f->ops->reqci != NULL)
		r = f->ops->reqci(f, f->rx_data, &w,
		    f->naks_sent < f->max_failure);
	if (r != PPP_CONF_ACK && (wbuf_error(&w) != 0 ||
	    (r != PPP_CONF_NAK && r != PPP_CONF_REJ))) {
		log_debug_c(f->log_ctx,
		    "%s: cannot answer a Configure-Request", f->name);
		return -EBADMSG;
	}
	f->rx_reply = bcur_make(reply, w.len);
	f->rx_reply_code = (uint8_t)r;
	ppp_fsm_event(f, now, r == PPP_CONF_ACK ? PPP_EV_RCR_PLUS :
	    PPP_EV_RCR_MINUS);
	memset(&f->rx_reply, 0, sizeof f->rx_reply);
	return 0;
}

/* Does a reply answer our outstanding Configure-Request? (5.2-5.4) */
static bool
fsm_is_ours(const struct ppp_fsm *f, uint8_t id)
{
	return f->req_valid && id == f->req_id;
}

/*
 * A valid Nak or Reject of our request: RCN, unless the peer has answered
 * every request so rcn_max times in a row; then give up as TO- does
 * (see PPP_FSM_RCN_FACTOR; RFC 1661 sets no bound here).
 */
static int
fsm_rcn(struct ppp_fsm *f, uint64_t now, uint8_t code)
{
	f->rcn_last = code;
	if (++f->rcn_run >= f->rcn_max && (f->state == PPP_ST_REQ_SENT ||
	    f->state == PPP_ST_ACK_RCVD || f->state == PPP_ST_ACK_SENT)) {
		log_info_c(f->log_ctx,
		    "%s: the peer %s every request (%u times): giving up",
		    f->name, code == PPP_CONF_NAK ? "Naks" : "Rejects",
		    f->rcn_run);
		f->rcn_gave_up = true;
		ppp_fsm_event(f, now, PPP_EV_TO_MINUS);
		return 0;
	}
	ppp_fsm_event(f, now, PPP_EV_RCN);
	return 0;
}

/* Code-Reject: of a code we need (1-7) is fatal, else not (5.6). */
static int
fsm_code_rej(struct ppp_fsm *f, uint64_t now)
{
	struct bcur d = f->rx_data;
	uint8_t code;
	int ev;

	if (f->ops->extcode != NULL) {
		ev = f->ops->extcode(f, PPP_CODE_REJ, f->rx_id, f->rx_data);
		if (ev == PPP_FSM_X_DONE)
			return 0;
		if (ev == PPP_EV_RXJ_PLUS || ev == PPP_EV_RXJ_MINUS) {
			ppp_fsm_event(f, now, ev);
			return 0;
		}
	}
	if (bcur_get_u8(&d, &code) < 0)
		return -EBADMSG;
	ppp_fsm_event(f, now, code >= PPP_CONF_REQ && code <= PPP_CODE_REJ ?
	    PPP_EV_RXJ_MINUS : PPP_EV_RXJ_PLUS);
	return 0;
}

/* One control packet of this protocol (the body of ppp_fsm_input). */
static int
fsm_input(struct ppp_fsm *f, uint64_t now, struct bcur info)
{
	struct ppp_cp_pkt pkt;
	int ev;

	if (ppp_cp_parse(info, &pkt) < 0) {
		log_debug_c(f->log_ctx,
		    "%s: malformed packet dropped", f->name);
		return -EBADMSG;
	}
	f->rx_code = pkt.code;
	f->rx_id = pkt.id;
	f->rx_data = pkt.data;
	/* What a Code-Reject carries: the packet as received (5.6). */
	f->rx_raw = bcur_make(bcur_ptr(&info), PPP_CP_HDR_LEN +
	    bcur_left(&pkt.data));
	/* RFC 1661 4.1: in Initial and Starting no packet is expected. */
	if (f->state == PPP_ST_INITIAL || f->state == PPP_ST_STARTING) {
		log_debug_c(f->log_ctx, "%s: %s in state %s dropped", f->name,
		    ppp_code_name(pkt.code) ? ppp_code_name(pkt.code) : "packet",
		    state_names[f->state]);
		return -EBADMSG;
	}
	switch (pkt.code) {
	case PPP_CONF_REQ:
		return fsm_rcr(f, now);
	case PPP_CONF_ACK:
		if (!fsm_is_ours(f, pkt.id) || !ppp_opts_equal(pkt.data,
		    bcur_make(f->req, f->req_len))) {
			log_debug_c(f->log_ctx,
			    "%s: Configure-Ack id %u not for our request "
			    "dropped", f->name, pkt.id);
			return -EBADMSG;
		}
		if (f->ops->ackci != NULL)
			f->ops->ackci(f, pkt.data);
		f->req_valid = false;
		f->rcn_run = 0;
		ppp_fsm_event(f, now, PPP_EV_RCA);
		return 0;
	case PPP_CONF_NAK:
	case PPP_CONF_REJ:
		if (!fsm_is_ours(f, pkt.id)) {
			log_debug_c(f->log_ctx,
			    "%s: stale %s id %u dropped", f->name,
			    ppp_code_name(pkt.code), pkt.id);
			return -EBADMSG;
		}
		if (f->ops->nakci != NULL &&
		    f->ops->nakci(f, pkt.data, pkt.code == PPP_CONF_REJ) < 0) {
			log_debug_c(f->log_ctx, "%s: bad %s dropped", f->name,
			    ppp_code_name(pkt.code));
			return -EBADMSG;
		}
		f->req_valid = false;
		return fsm_rcn(f, now, pkt.code);
	case PPP_TERM_REQ:
		ppp_fsm_event(f, now, PPP_EV_RTR);
		return 0;
	case PPP_TERM_ACK:
		/* RFC 1661 5.5: an unelicited Ack is RTA all the same. */
		ppp_fsm_event(f, now, PPP_EV_RTA);
		return 0;
	case PPP_CODE_REJ:
		return fsm_code_rej(f, now);
	default:
		ev = f->ops->extcode != NULL ? f->ops->extcode(f, pkt.code,
		    pkt.id, pkt.data) : PPP_FSM_X_UNKNOWN;
		if (ev == PPP_FSM_X_DONE)
			return 0;
		if (ev == PPP_FSM_X_UNKNOWN)
			ev = PPP_EV_RUC;
		if (ev < 0 || ev >= PPP_EV_COUNT)
			return -EBADMSG;
		ppp_fsm_event(f, now, (enum ppp_fsm_event)ev);
		return 0;
	}
}

/* One control packet; the views into it do not outlive the call. */
int
ppp_fsm_input(struct ppp_fsm *f, uint64_t now, struct bcur info)
{
	int r = fsm_input(f, now, info);

	f->rx_code = 0;
	memset(&f->rx_data, 0, sizeof f->rx_data);
	memset(&f->rx_raw, 0, sizeof f->rx_raw);
	return r;
}
