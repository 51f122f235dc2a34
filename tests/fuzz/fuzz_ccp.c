/*
 * fuzz_ccp.c - MPPE negotiation over CCP with the server (src/ppp/ccp.h;
 * RFC 1962, RFC 3078 2 and 8.2) with a fake clock.
 *
 * Input:	byte 0		the first identifier sstpc uses (ccp_init)
 *		then records	u8 event, u16 big-endian length, that many
 *				bytes (a short last record takes what is left)
 *
 * Events (event byte modulo CC_EV_COUNT):
 *	PKT		the bytes are the Information of a CCP frame from
 *			the server: ccp_from_server()
 *	ADVANCE		the clock moves by the u32 in the bytes (ms)
 *	TO_DEADLINE	the clock jumps to the deadline + the first byte
 *	RESET		our receiver lost sync: ccp_send_reset_request()
 * After every event, due timers fire (ccp_timer) as the owner's would.
 * Every record's first four bytes also go through ccp_mppe_choose().
 *
 * Invariants: every frame sent is FF 03 80 FD with a control packet whose
 * Length is exactly its size and whose code is one sstpc may send; its
 * Configure options pass the CCP table; our Configure-Request carries
 * exactly one MPPE option with one strength (H allowed) and our current
 * identifier; Ack, Nak and Reject answer the server's packet with its
 * identifier, an Ack echoes the server's options byte for byte, a
 * Reject only holds options of the request; only known event bits are
 * returned; UP comes with both sides acknowledged and one strength in
 * each direction, and not twice without DOWN or FAIL between; FAIL
 * leaves no timer and a printable reason; a deadline, if any, is in the
 * future after the timers ran; ccp_mppe_choose() returns 0 or one
 * strength of the offer with the offer's H.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "ppp/ccp.h"
#include "ppp/mppe.h"
#include "ppp/ppp_cp.h"

enum cc_ev {
	CC_PKT = 0,
	CC_ADVANCE,
	CC_TO_DEADLINE,
	CC_RESET,
	CC_EV_COUNT
};

#define CC_T0		100000ULL	/* fake clock origin, ms */
#define CC_EV_ALL	(CCP_EV_UP | CCP_EV_DOWN | CCP_EV_RESET | CCP_EV_FAIL)

struct cc {
	struct ccp_neg	 ccp;
	uint64_t	 now;
	bool		 in_pkt;	/* a server packet is being handled */
	struct ppp_cp_pkt srv;		/* ... this one */
	bool		 up;		/* UP reported, no DOWN/FAIL since */
	unsigned	 n_sent;
};

/* Is v one strength bit, perhaps with H, and nothing else? */
static int
cc_one_strength(uint32_t v)
{
	return (v & ~(MPPE_OPT_STRENGTHS | MPPE_OPT_H)) == 0 &&
	    mppe_opt_bits(v) != 0;
}

/* Is the option o one of the options of the server's request? */
static int
cc_in_request(const struct cc *cv, const struct ppp_opt *o)
{
	struct bcur opts = cv->srv.data;
	struct ppp_opt q;

	while (ppp_opt_next(&opts, &q) == 1)
		if (ppp_opts_equal(q.raw, o->raw))
			return 1;
	return 0;
}

static void
cc_send_cb(void *arg, const uint8_t *frame, size_t len)
{
	struct cc *cv = arg;
	struct ppp_frame f;
	struct ppp_cp_pkt pkt;
	struct ppp_opt o;
	struct bcur opts, v;
	uint32_t bits;
	int n, r;

	cv->n_sent++;
	FUZZ_CHECK(frame != NULL && len >= PPP_HDR_LEN + PPP_CP_HDR_LEN);
	FUZZ_CHECK(ppp_frame_parse(frame, len, &f) == 0);
	FUZZ_CHECK(f.proto == PPP_PROTO_CCP);
	FUZZ_CHECK(bcur_left(&f.info) == len - PPP_HDR_LEN);
	FUZZ_CHECK(ppp_cp_parse(f.info, &pkt) == 0);
	FUZZ_CHECK(bcur_left(&pkt.data) + PPP_CP_HDR_LEN ==
	    bcur_left(&f.info));
	switch (pkt.code) {
	case PPP_CONF_REQ:
		FUZZ_CHECK(pkt.id == cv->ccp.our_id);
		opts = pkt.data;
		n = 0;
		while ((r = ppp_opt_next(&opts, &o)) == 1) {
			FUZZ_CHECK(o.type == CCP_OPT_MPPE);
			v = o.val;
			FUZZ_CHECK(bcur_get_be32(&v, &bits) == 0);
			FUZZ_CHECK(cc_one_strength(bits));
			FUZZ_CHECK(bits == cv->ccp.rx_bits);
			n++;
		}
		FUZZ_CHECK(r == 0 && n == 1);
		break;
	case PPP_CONF_ACK:
	case PPP_CONF_NAK:
	case PPP_CONF_REJ:
		FUZZ_CHECK(cv->in_pkt && cv->srv.code == PPP_CONF_REQ);
		FUZZ_CHECK(pkt.id == cv->srv.id);
		FUZZ_CHECK(ppp_opts_check(&ppp_ccp_ops, pkt.data) == 0);
		if (pkt.code == PPP_CONF_ACK)
			FUZZ_CHECK(ppp_opts_equal(pkt.data, cv->srv.data));
		opts = pkt.data;
		while (ppp_opt_next(&opts, &o) == 1) {
			if (pkt.code == PPP_CONF_REJ) {
				FUZZ_CHECK(cc_in_request(cv, &o));
			} else if (pkt.code == PPP_CONF_NAK) {
				/* A Nak suggests one usable MPPE value. */
				FUZZ_CHECK(o.type == CCP_OPT_MPPE);
				v = o.val;
				FUZZ_CHECK(bcur_get_be32(&v, &bits) == 0);
				FUZZ_CHECK(cc_one_strength(bits));
			}
		}
		FUZZ_CHECK(pkt.code != PPP_CONF_REJ ||
		    bcur_left(&pkt.data) > 0);
		break;
	case PPP_TERM_ACK:
	case PPP_RESET_ACK:
		FUZZ_CHECK(cv->in_pkt && pkt.id == cv->srv.id);
		FUZZ_CHECK(cv->srv.code == pkt.code - 1);
		FUZZ_CHECK(bcur_left(&pkt.data) == 0);
		break;
	case PPP_RESET_REQ:
		FUZZ_CHECK(!cv->in_pkt);
		FUZZ_CHECK(bcur_left(&pkt.data) == 0);
		break;
	default:
		fuzz_fail(__FILE__, __LINE__, "sstpc sent an odd CCP code");
	}
}

/* Bookkeeping of the event bits returned by a call. */
static void
cc_events(struct cc *cv, int ev)
{
	FUZZ_CHECK(ev >= 0 && (ev & ~CC_EV_ALL) == 0);
	if (ev & (CCP_EV_DOWN | CCP_EV_FAIL))
		cv->up = false;
	if (ev & CCP_EV_FAIL) {
		FUZZ_CHECK(!cv->ccp.up);
		FUZZ_CHECK(cv->ccp.deadline == UINT64_MAX);
		FUZZ_CHECK(fuzz_str_ok(ccp_reason(&cv->ccp),
		    sizeof cv->ccp.reason, 1));
		FUZZ_CHECK(ccp_reason(&cv->ccp)[0] != '\0');
	}
	if (ev & CCP_EV_UP) {
		FUZZ_CHECK(!(ev & CCP_EV_FAIL));
		FUZZ_CHECK(!cv->up);
		FUZZ_CHECK(cv->ccp.up && cv->ccp.we_acked &&
		    cv->ccp.they_acked);
		FUZZ_CHECK(cc_one_strength(cv->ccp.tx_bits));
		FUZZ_CHECK(cc_one_strength(cv->ccp.rx_bits));
		cv->up = true;
	}
	FUZZ_CHECK(cv->up == cv->ccp.up);
}

/* Fire due timers, as the owner's event loop would. */
static void
cc_timers(struct cc *cv)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (ccp_deadline(&cv->ccp) > cv->now)
			return;
		cc_events(cv, ccp_timer(&cv->ccp, cv->now));
	}
	fuzz_fail(__FILE__, __LINE__, "deadline does not move on");
}

static void
cc_choose(struct bcur rec)
{
	uint32_t offer, r;

	offer = fuzz_be32(&rec);
	r = ccp_mppe_choose(offer);
	if ((offer & MPPE_OPT_STRENGTHS) == 0) {
		FUZZ_CHECK(r == 0);
		return;
	}
	FUZZ_CHECK(cc_one_strength(r));
	FUZZ_CHECK((r & offer) == r);
	FUZZ_CHECK((r & MPPE_OPT_H) == (offer & MPPE_OPT_H));
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), rec;
	struct cc cv;
	uint64_t dl;
	uint8_t ev;

	memset(&cv, 0, sizeof cv);
	ccp_init(&cv.ccp, cc_send_cb, &cv, fuzz_u8(&in, 0x20));
	cv.now = CC_T0;
	FUZZ_CHECK(ccp_deadline(&cv.ccp) == UINT64_MAX);
	while (bcur_left(&in) > 0) {
		rec = fuzz_record(&in, &ev);
		cc_choose(rec);
		switch (ev % CC_EV_COUNT) {
		case CC_PKT:
			cv.in_pkt = ppp_cp_parse(rec, &cv.srv) == 0;
			cc_events(&cv, ccp_from_server(&cv.ccp, cv.now, rec));
			cv.in_pkt = false;
			break;
		case CC_ADVANCE:
			cv.now += fuzz_be32(&rec);
			break;
		case CC_TO_DEADLINE:
			dl = ccp_deadline(&cv.ccp);
			if (dl != UINT64_MAX && dl > cv.now)
				cv.now = dl + fuzz_u8(&rec, 0);
			break;
		case CC_RESET:
			ccp_send_reset_request(&cv.ccp);
			break;
		}
		cc_timers(&cv);
		dl = ccp_deadline(&cv.ccp);
		FUZZ_CHECK(dl == UINT64_MAX || (dl > cv.now &&
		    dl - cv.now <= CCP_RESTART_MS));
	}
	return 0;
}
