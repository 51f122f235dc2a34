/*
 * test_ppp_fsm.c - the RFC 1661 automaton (src/ppp/ppp_fsm.c): all 160
 * state x event cells against RFC 1661 4.1's table, copied below as the
 * RFC prints it (text, parsed here: not the implementation's table),
 * checking the next state, the packets sent, the layer up-calls and the
 * restart counter; then the restart timer with Max-Configure and
 * Max-Terminate, Max-Failure turning Naks into Rejects, the bound on
 * Naks received in a row, and the Identifier rules (RFC 1661 5.2-5.4).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "ppp/ppp_fsm.h"
#include "ppp/proto.h"
#include "harness.h"

/* RFC 1661 4.1, verbatim but for the column alignment. */
static const char *const rfc_part1[] = {
	"Up   |    2     irc,scr/6     -         -         -         -",
	"Down |    -         -         0       tls/1       0         1",
	"Open |  tls/1       1     irc,scr/6     3r        5r        5r",
	"Close|    0       tlf/0       2         2         4         4",
	"TO+  |    -         -         -         -       str/4     str/5",
	"TO-  |    -         -         -         -       tlf/2     tlf/3",
	"RCR+ |    -         -       sta/2 irc,scr,sca/8   4         5",
	"RCR- |    -         -       sta/2 irc,scr,scn/6   4         5",
	"RCA  |    -         -       sta/2     sta/3       4         5",
	"RCN  |    -         -       sta/2     sta/3       4         5",
	"RTR  |    -         -       sta/2     sta/3     sta/4     sta/5",
	"RTA  |    -         -         2         3       tlf/2     tlf/3",
	"RUC  |    -         -       scj/2     scj/3     scj/4     scj/5",
	"RXJ+ |    -         -         2         3         4         5",
	"RXJ- |    -         -       tlf/2     tlf/3     tlf/2     tlf/3",
	"RXR  |    -         -         2         3         4         5",
};
static const char *const rfc_part2[] = {
	"Up   |    -         -         -           -",
	"Down |    1         1         1         tld/1",
	"Open |    6         7         8           9r",
	"Close|irc,str/4 irc,str/4 irc,str/4 tld,irc,str/4",
	"TO+  |  scr/6     scr/6     scr/8         -",
	"TO-  |  tlf/3p    tlf/3p    tlf/3p        -",
	"RCR+ |  sca/8   sca,tlu/9   sca/8   tld,scr,sca/8",
	"RCR- |  scn/6     scn/7     scn/6   tld,scr,scn/6",
	"RCA  |  irc/7     scr/6x    irc,tlu/9   tld,scr/6x",
	"RCN  |irc,scr/6   scr/6x  irc,scr/8   tld,scr/6x",
	"RTR  |  sta/6     sta/6     sta/6   tld,zrc,sta/5",
	"RTA  |    6         6         8       tld,scr/6",
	"RUC  |  scj/6     scj/7     scj/8       scj/9",
	"RXJ+ |    6         6         8           9",
	"RXJ- |  tlf/3     tlf/3     tlf/3   tld,irc,str/5",
	"RXR  |    6         7         8       ser/9",
};

/* What the ops saw. */
struct seen {
	int	tlu, tld, tls, tlf;
	int	sent[16];	/* by code */
	int	nsent;
	int	reqci_answer;	/* PPP_CONF_ACK / NAK */
	int	reqci_calls;
	bool	last_nak_ok;
	uint8_t	last_id[16];
};

static struct seen S;

static int
t_reqci(struct ppp_fsm *f, struct bcur opts, struct wbuf *reply, bool nak_ok)
{
	(void)f; (void)opts;
	S.reqci_calls++;
	S.last_nak_ok = nak_ok;
	if (S.reqci_answer == PPP_CONF_ACK)
		return PPP_CONF_ACK;
	wbuf_put_u8(reply, 1);
	wbuf_put_u8(reply, 4);
	wbuf_put_be16(reply, 1500);
	return nak_ok ? S.reqci_answer : PPP_CONF_REJ;
}

static int
t_extcode(struct ppp_fsm *f, uint8_t code, uint8_t id, struct bcur d)
{
	(void)f; (void)id; (void)d;
	if (code == PPP_ECHO_REQ)
		return PPP_EV_RXR;
	return PPP_FSM_X_UNKNOWN;
}

static void
t_echo(struct ppp_fsm *f, uint8_t id, struct bcur d)
{
	ppp_fsm_send(f, PPP_ECHO_REP, id, bcur_ptr(&d), bcur_left(&d));
}

static void t_up(struct ppp_fsm *f) { (void)f; S.tlu++; }
static void t_down(struct ppp_fsm *f) { (void)f; S.tld++; }
static void t_started(struct ppp_fsm *f) { (void)f; S.tls++; }
static void t_finished(struct ppp_fsm *f) { (void)f; S.tlf++; }

static void
t_send(struct ppp_fsm *f, const uint8_t *frame, size_t len)
{
	(void)f;
	if (len >= 4 && frame[2] < 16) {
		S.sent[frame[2]]++;
		S.last_id[frame[2]] = frame[3];
	}
	S.nsent++;
}

static const struct ppp_fsm_ops t_ops = {
	.reqci = t_reqci, .up = t_up, .down = t_down, .started = t_started,
	.finished = t_finished, .extcode = t_extcode, .echo_reply = t_echo,
	.send = t_send,
};

/* Expected cell, parsed from the RFC text. */
struct cell {
	bool		illegal;
	int		next;
	bool		tlu, tld, tls, tlf, irc, zrc, scr, sca, scn, str, sta,
			scj, ser;
};

static int
parse_cell(const char *tok, struct cell *c)
{
	char buf[64], *slash, *a, *save = NULL;

	memset(c, 0, sizeof *c);
	if (strcmp(tok, "-") == 0) {
		c->illegal = true;
		return 0;
	}
	snprintf(buf, sizeof buf, "%s", tok);
	slash = strchr(buf, '/');
	if (slash == NULL) {
		c->next = buf[0] - '0';
		return 0;
	}
	*slash = '\0';
	c->next = slash[1] - '0';
	for (a = strtok_r(buf, ",", &save); a != NULL;
	    a = strtok_r(NULL, ",", &save)) {
#define ACT(n) if (strcmp(a, #n) == 0) { c->n = true; continue; }
		ACT(tlu) ACT(tld) ACT(tls) ACT(tlf) ACT(irc) ACT(zrc)
		ACT(scr) ACT(sca) ACT(scn) ACT(str) ACT(sta) ACT(scj) ACT(ser)
#undef ACT
		return -1;
	}
	return 0;
}

/* Cell [state][event] of the RFC text. */
static int
rfc_cell(int st, int ev, struct cell *c)
{
	const char *line = st < 6 ? rfc_part1[ev] : rfc_part2[ev];
	int col = st < 6 ? st : st - 6;
	char buf[128], *tok, *save = NULL;
	int i;

	snprintf(buf, sizeof buf, "%s", strchr(line, '|') + 1);
	tok = strtok_r(buf, " ", &save);
	for (i = 0; i < col && tok != NULL; i++)
		tok = strtok_r(NULL, " ", &save);
	if (tok == NULL)
		return -1;
	return parse_cell(tok, c);
}

/* Feed one control packet (code, id, data) to the automaton. */
static int
feed(struct ppp_fsm *f, uint64_t now, uint8_t code, uint8_t id,
    const uint8_t *data, size_t n)
{
	uint8_t b[64];
	struct wbuf w;

	wbuf_init(&w, b, sizeof b);
	wbuf_put_u8(&w, code);
	wbuf_put_u8(&w, id);
	wbuf_put_be16(&w, (uint16_t)(4 + n));
	if (n > 0)
		wbuf_put_bytes(&w, data, n);
	return ppp_fsm_input(f, now, bcur_make(b, w.len));
}

/* Cause event @ev the way the world would. */
static void
cause(struct ppp_fsm *f, int ev)
{
	static const uint8_t rej_conf[] = { PPP_CONF_REQ, 9, 0, 4 };
	static const uint8_t rej_other[] = { 12, 9, 0, 4 };
	static const uint8_t echo[] = { 0, 0, 0, 0 };

	switch (ev) {
	case PPP_EV_UP:		ppp_fsm_up(f, 1000); break;
	case PPP_EV_DOWN:	ppp_fsm_down(f, 1000); break;
	case PPP_EV_OPEN:	ppp_fsm_open(f, 1000); break;
	case PPP_EV_CLOSE:	ppp_fsm_close(f, 1000); break;
	case PPP_EV_TO_PLUS:
	case PPP_EV_TO_MINUS:
		f->deadline = 500;
		f->restart_count = ev == PPP_EV_TO_PLUS ? 3 : 0;
		ppp_fsm_tick(f, 1000);
		break;
	case PPP_EV_RCR_PLUS:
		S.reqci_answer = PPP_CONF_ACK;
		feed(f, 1000, PPP_CONF_REQ, 40, NULL, 0);
		break;
	case PPP_EV_RCR_MINUS:
		S.reqci_answer = PPP_CONF_NAK;
		feed(f, 1000, PPP_CONF_REQ, 40, NULL, 0);
		break;
	case PPP_EV_RCA:	feed(f, 1000, PPP_CONF_ACK, 7, NULL, 0); break;
	case PPP_EV_RCN:	feed(f, 1000, PPP_CONF_NAK, 7, NULL, 0); break;
	case PPP_EV_RTR:	feed(f, 1000, PPP_TERM_REQ, 41, NULL, 0); break;
	case PPP_EV_RTA:	feed(f, 1000, PPP_TERM_ACK, 8, NULL, 0); break;
	case PPP_EV_RUC:	feed(f, 1000, 99, 42, NULL, 0); break;
	case PPP_EV_RXJ_PLUS:
		feed(f, 1000, PPP_CODE_REJ, 43, rej_other, sizeof rej_other);
		break;
	case PPP_EV_RXJ_MINUS:
		feed(f, 1000, PPP_CODE_REJ, 43, rej_conf, sizeof rej_conf);
		break;
	case PPP_EV_RXR:
		feed(f, 1000, PPP_ECHO_REQ, 44, echo, sizeof echo);
		break;
	}
}

/* Every cell of RFC 1661 4.1. */
static void
test_table(void)
{
	struct ppp_fsm f;
	struct cell c;
	char name[80];
	int st, ev, rows = 0;
	unsigned cnt0, want;

	for (st = 0; st < PPP_ST_COUNT; st++) {
		for (ev = 0; ev < PPP_EV_COUNT; ev++) {
			snprintf(name, sizeof name, "RFC 1661 4.1: %s x %s",
			    ppp_fsm_state_name(st), ppp_fsm_event_name(ev));
			TEST_START(name);
			ASSERT_INT_EQ(rfc_cell(st, ev, &c), 0);
			ppp_fsm_init(&f, &t_ops, NULL, PPP_PROTO_LCP, "T", 7);
			memset(&S, 0, sizeof S);
			f.state = (uint8_t)st;
			f.restart_count = 4;
			f.req_valid = true;
			f.req_id = 7;
			f.next_id = 8;
			cause(&f, ev);
			cnt0 = ev == PPP_EV_TO_PLUS ? 3 :
			    ev == PPP_EV_TO_MINUS ? 0 : 4;
			if (c.illegal) {
				ASSERT_INT_EQ(f.state, st);
				ASSERT_INT_EQ(S.nsent, 0);
				ASSERT_INT_EQ(S.tlu + S.tld + S.tls + S.tlf, 0);
				ASSERT_INT_EQ(f.restart_count, cnt0);
				TEST_DONE();
				rows++;
				continue;
			}
			ASSERT_INT_EQ(f.state, c.next);
			ASSERT_INT_EQ(S.tlu, c.tlu);
			ASSERT_INT_EQ(S.tld, c.tld);
			ASSERT_INT_EQ(S.tls, c.tls);
			ASSERT_INT_EQ(S.tlf, c.tlf);
			ASSERT_INT_EQ(S.sent[PPP_CONF_REQ], c.scr);
			ASSERT_INT_EQ(S.sent[PPP_CONF_ACK], c.sca);
			ASSERT_INT_EQ(S.sent[PPP_CONF_NAK], c.scn);
			ASSERT_INT_EQ(S.sent[PPP_TERM_REQ], c.str);
			ASSERT_INT_EQ(S.sent[PPP_TERM_ACK], c.sta);
			ASSERT_INT_EQ(S.sent[PPP_CODE_REJ], c.scj);
			ASSERT_INT_EQ(S.sent[PPP_ECHO_REP], c.ser);
			ASSERT_INT_EQ(S.nsent, c.scr + c.sca + c.scn + c.str +
			    c.sta + c.scj + c.ser);
			/* Identifiers: replies echo the request's (5.2-5.7). */
			if (c.sca)
				ASSERT_INT_EQ(S.last_id[PPP_CONF_ACK], 40);
			if (c.sta && ev == PPP_EV_RTR)
				ASSERT_INT_EQ(S.last_id[PPP_TERM_ACK], 41);
			if (c.ser)
				ASSERT_INT_EQ(S.last_id[PPP_ECHO_REP], 44);
			/* The restart counter (RFC 1661 4.4, 4.6). */
			want = cnt0;
			if (c.irc)
				want = c.str ? PPP_FSM_MAX_TERMINATE :
				    PPP_FSM_MAX_CONFIGURE;
			if (c.zrc)
				want = 0;
			if ((c.scr || c.str) && want > 0)
				want--;
			ASSERT_INT_EQ(f.restart_count, want);
			TEST_DONE();
			rows++;
		}
	}
	TEST_START("all 160 cells were checked");
	ASSERT_INT_EQ(rows, 160);
	TEST_DONE();
}

/* Max-Configure: 10 requests 3 s apart, then TO- (RFC 1661 4.6). */
static void
test_max_configure(void)
{
	struct ppp_fsm f;
	uint64_t t = 1000;
	int i;

	TEST_START("restart timer and Max-Configure");
	memset(&S, 0, sizeof S);
	ppp_fsm_init(&f, &t_ops, NULL, PPP_PROTO_LCP, "T", 1);
	ppp_fsm_open(&f, t);
	ppp_fsm_up(&f, t);
	ASSERT_INT_EQ(f.state, PPP_ST_REQ_SENT);
	ASSERT_INT_EQ(S.sent[PPP_CONF_REQ], 1);
	ASSERT_INT_EQ(ppp_fsm_deadline(&f), t + 3000);
	/* Nothing before the deadline. */
	ppp_fsm_tick(&f, t + 2999);
	ASSERT_INT_EQ(S.sent[PPP_CONF_REQ], 1);
	for (i = 0; i < 20 && f.state == PPP_ST_REQ_SENT; i++) {
		t = ppp_fsm_deadline(&f);
		ppp_fsm_tick(&f, t);
	}
	ASSERT_INT_EQ(S.sent[PPP_CONF_REQ], PPP_FSM_MAX_CONFIGURE);
	ASSERT_INT_EQ(f.state, PPP_ST_STOPPED);
	ASSERT_INT_EQ(S.tlf, 1);
	ASSERT_INT_EQ(ppp_fsm_deadline(&f), 0);
	ASSERT_INT_EQ(t, 1000 + 3000 * PPP_FSM_MAX_CONFIGURE);
	TEST_DONE();

	TEST_START("limits from the configuration");
	memset(&S, 0, sizeof S);
	ppp_fsm_init(&f, &t_ops, NULL, PPP_PROTO_LCP, "T", 1);
	ppp_fsm_limits(&f, 500, 3, 1, 2);
	ppp_fsm_open(&f, 0);
	ppp_fsm_up(&f, 0);
	ASSERT_INT_EQ(ppp_fsm_deadline(&f), 500);
	for (i = 0; i < 10 && f.state == PPP_ST_REQ_SENT; i++)
		ppp_fsm_tick(&f, ppp_fsm_deadline(&f));
	ASSERT_INT_EQ(S.sent[PPP_CONF_REQ], 3);
	TEST_DONE();
}

/* Reach Opened through the real exchange. */
static void
to_opened(struct ppp_fsm *f)
{
	ppp_fsm_init(f, &t_ops, NULL, PPP_PROTO_LCP, "T", 1);
	ppp_fsm_open(f, 0);
	ppp_fsm_up(f, 0);
	S.reqci_answer = PPP_CONF_ACK;
	ASSERT_INT_EQ(feed(f, 10, PPP_CONF_REQ, 200, NULL, 0), 0);
	ASSERT_INT_EQ(feed(f, 20, PPP_CONF_ACK, f->req_id, NULL, 0), 0);
	ASSERT_INT_EQ(f->state, PPP_ST_OPENED);
}

/* Max-Terminate: 2 Terminate-Requests, then tlf (RFC 1661 4.6). */
static void
test_max_terminate(void)
{
	struct ppp_fsm f;
	int i;

	TEST_START("Max-Terminate");
	memset(&S, 0, sizeof S);
	to_opened(&f);
	ASSERT_INT_EQ(S.tlu, 1);
	ASSERT_INT_EQ(ppp_fsm_deadline(&f), 0);
	ppp_fsm_close(&f, 100);
	ASSERT_INT_EQ(f.state, PPP_ST_CLOSING);
	ASSERT_INT_EQ(S.tld, 1);
	for (i = 0; i < 10 && f.state == PPP_ST_CLOSING; i++)
		ppp_fsm_tick(&f, ppp_fsm_deadline(&f));
	ASSERT_INT_EQ(S.sent[PPP_TERM_REQ], PPP_FSM_MAX_TERMINATE);
	ASSERT_INT_EQ(f.state, PPP_ST_CLOSED);
	ASSERT_INT_EQ(S.tlf, 1);
	TEST_DONE();

	TEST_START("RTR in Opened: zrc, one restart time, then tlf");
	memset(&S, 0, sizeof S);
	to_opened(&f);
	ASSERT_INT_EQ(feed(&f, 100, PPP_TERM_REQ, 9, NULL, 0), 0);
	ASSERT_INT_EQ(f.state, PPP_ST_STOPPING);
	ASSERT_INT_EQ(ppp_fsm_deadline(&f), 3100);
	ppp_fsm_tick(&f, 3100);
	ASSERT_INT_EQ(f.state, PPP_ST_STOPPED);
	ASSERT_INT_EQ(S.sent[PPP_TERM_REQ], 0);
	ASSERT_INT_EQ(S.tlf, 1);
	TEST_DONE();
}

/* Max-Failure: after 5 Naks without an Ack, Reject (RFC 1661 4.6). */
static void
test_max_failure(void)
{
	struct ppp_fsm f;
	int i;

	TEST_START("Max-Failure turns Nak into Reject");
	memset(&S, 0, sizeof S);
	ppp_fsm_init(&f, &t_ops, NULL, PPP_PROTO_LCP, "T", 1);
	ppp_fsm_open(&f, 0);
	ppp_fsm_up(&f, 0);
	S.reqci_answer = PPP_CONF_NAK;
	for (i = 0; i < PPP_FSM_MAX_FAILURE; i++) {
		ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_REQ, (uint8_t)(50 + i),
		    NULL, 0), 0);
		ASSERT_TRUE(S.last_nak_ok);
	}
	ASSERT_INT_EQ(S.sent[PPP_CONF_NAK], PPP_FSM_MAX_FAILURE);
	ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_REQ, 60, NULL, 0), 0);
	ASSERT_FALSE(S.last_nak_ok);
	ASSERT_INT_EQ(S.sent[PPP_CONF_REJ], 1);
	ASSERT_INT_EQ(S.last_id[PPP_CONF_REJ], 60);
	/* An Ack resets the count. */
	S.reqci_answer = PPP_CONF_ACK;
	ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_REQ, 61, NULL, 0), 0);
	S.reqci_answer = PPP_CONF_NAK;
	ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_REQ, 62, NULL, 0), 0);
	ASSERT_TRUE(S.last_nak_ok);
	TEST_DONE();
}

/*
 * A peer that Naks (or Rejects) every request: RCN restarts the counter
 * each time (irc, scr), so only our bound (PPP_FSM_RCN_FACTOR x
 * Max-Configure in a row) ends it, like TO-: tlf, Stopped.
 */
static void
test_rcn_loop(void)
{
	const unsigned max = PPP_FSM_RCN_FACTOR * PPP_FSM_MAX_CONFIGURE;
	struct ppp_fsm f;
	unsigned i;
	int code;

	for (code = PPP_CONF_NAK; code <= PPP_CONF_REJ; code++) {
		TEST_START(code == PPP_CONF_NAK ? "a Nak loop ends" :
		    "a Reject loop ends");
		memset(&S, 0, sizeof S);
		ppp_fsm_init(&f, &t_ops, NULL, PPP_PROTO_IPCP, "T", 1);
		ppp_fsm_open(&f, 0);
		ppp_fsm_up(&f, 0);
		for (i = 0; i < 3 * max && f.state == PPP_ST_REQ_SENT; i++) {
			ASSERT_INT_EQ(feed(&f, 10 + i, (uint8_t)code, f.req_id,
			    NULL, 0), 0);
			/* The counter restarts: the RFC alone never ends. */
			if (f.state == PPP_ST_REQ_SENT)
				ASSERT_INT_EQ(f.restart_count,
				    PPP_FSM_MAX_CONFIGURE - 1);
		}
		ASSERT_INT_EQ(i, max);
		ASSERT_INT_EQ(S.sent[PPP_CONF_REQ], max);
		ASSERT_INT_EQ(f.state, PPP_ST_STOPPED);
		ASSERT_INT_EQ(S.tlf, 1);
		ASSERT_TRUE(f.rcn_gave_up);
		ASSERT_INT_EQ(f.rcn_last, code);
		ASSERT_INT_EQ(ppp_fsm_deadline(&f), 0);
		/* A new negotiation from the peer starts afresh. */
		S.reqci_answer = PPP_CONF_ACK;
		ASSERT_INT_EQ(feed(&f, 100, PPP_CONF_REQ, 9, NULL, 0), 0);
		ASSERT_INT_EQ(f.state, PPP_ST_ACK_SENT);
		ASSERT_FALSE(f.rcn_gave_up);
		ASSERT_INT_EQ(f.rcn_run, 0);
		TEST_DONE();
	}

	TEST_START("Naks up to the bound, then an Ack: opened");
	memset(&S, 0, sizeof S);
	ppp_fsm_init(&f, &t_ops, NULL, PPP_PROTO_IPCP, "T", 1);
	ppp_fsm_limits(&f, 0, 3, 0, 0);
	ppp_fsm_open(&f, 0);
	ppp_fsm_up(&f, 0);
	for (i = 0; i < PPP_FSM_RCN_FACTOR * 3 - 1; i++)
		ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_NAK, f.req_id, NULL, 0), 0);
	ASSERT_INT_EQ(f.state, PPP_ST_REQ_SENT);
	ASSERT_INT_EQ(feed(&f, 20, PPP_CONF_ACK, f.req_id, NULL, 0), 0);
	ASSERT_INT_EQ(f.state, PPP_ST_ACK_RCVD);
	/* The Ack ended the run: as many Naks again are fine. */
	ppp_fsm_tick(&f, ppp_fsm_deadline(&f));
	ASSERT_INT_EQ(f.state, PPP_ST_REQ_SENT);
	for (i = 0; i < PPP_FSM_RCN_FACTOR * 3 - 1; i++)
		ASSERT_INT_EQ(feed(&f, 30, PPP_CONF_NAK, f.req_id, NULL, 0), 0);
	ASSERT_INT_EQ(f.state, PPP_ST_REQ_SENT);
	S.reqci_answer = PPP_CONF_ACK;
	ASSERT_INT_EQ(feed(&f, 40, PPP_CONF_REQ, 9, NULL, 0), 0);
	ASSERT_INT_EQ(feed(&f, 50, PPP_CONF_ACK, f.req_id, NULL, 0), 0);
	ASSERT_INT_EQ(f.state, PPP_ST_OPENED);
	ASSERT_INT_EQ(S.tlu, 1);
	ASSERT_INT_EQ(S.tlf, 0);
	TEST_DONE();
}

/* Replies must carry the outstanding request's id (5.2-5.4). */
static void
test_identifiers(void)
{
	static const uint8_t other[] = { 1, 4, 5, 220 };
	struct ppp_fsm f;
	uint8_t id;

	TEST_START("stale or foreign replies are dropped");
	memset(&S, 0, sizeof S);
	ppp_fsm_init(&f, &t_ops, NULL, PPP_PROTO_LCP, "T", 1);
	ppp_fsm_open(&f, 0);
	ppp_fsm_up(&f, 0);
	id = f.req_id;
	ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_ACK, (uint8_t)(id + 1), NULL, 0),
	    -EBADMSG);
	ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_NAK, (uint8_t)(id - 1), NULL, 0),
	    -EBADMSG);
	ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_REJ, (uint8_t)(id + 7), NULL, 0),
	    -EBADMSG);
	/* Right id, but not the options we sent. */
	ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_ACK, id, other, sizeof other),
	    -EBADMSG);
	ASSERT_INT_EQ(f.state, PPP_ST_REQ_SENT);
	ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_ACK, id, NULL, 0), 0);
	ASSERT_INT_EQ(f.state, PPP_ST_ACK_RCVD);
	/* The same Ack again is stale now. */
	ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_ACK, id, NULL, 0), -EBADMSG);
	/* A retransmission uses a new id; the old one is stale. */
	ppp_fsm_tick(&f, ppp_fsm_deadline(&f));
	ASSERT_INT_EQ(f.state, PPP_ST_REQ_SENT);
	ASSERT_INT_NE(f.req_id, id);
	ASSERT_INT_EQ(feed(&f, 10, PPP_CONF_NAK, id, NULL, 0), -EBADMSG);
	TEST_DONE();

	TEST_START("malformed packets are dropped");
	{
		static const uint8_t shortlen[] = { 1, 1, 0, 3 };
		static const uint8_t longlen[] = { 1, 1, 0, 9, 0 };

		ASSERT_INT_EQ(ppp_fsm_input(&f, 10, bcur_make(shortlen, 4)),
		    -EBADMSG);
		ASSERT_INT_EQ(ppp_fsm_input(&f, 10, bcur_make(longlen, 5)),
		    -EBADMSG);
		ASSERT_INT_EQ(ppp_fsm_input(&f, 10, bcur_make(NULL, 0)),
		    -EBADMSG);
	}
	TEST_DONE();
}

int
main(void)
{
	test_table();
	test_max_configure();
	test_max_terminate();
	test_max_failure();
	test_rcn_loop();
	test_identifiers();
	return test_exit();
}
