/*
 * ccp.c - MPPE negotiation over CCP with the server (see ccp.h).
 * RFC 1962 (CCP, Reset-Request/Ack codes 14/15), RFC 3078 2 (option 18,
 * one strength bit in the agreed value, H for stateless).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "ppp/ccp.h"
#include "ppp/mppe.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"

#define FRAME_BUF	(PPP_FRAME_MAX + 8)

/* Set up CCP toward the server; see ccp.h. */
void
ccp_init(struct ccp_neg *c, void (*send)(void *, const uint8_t *, size_t),
    void *arg, uint8_t id0)
{
	memset(c, 0, sizeof *c);
	c->send = send;
	c->arg = arg;
	c->next_id = id0;
	c->deadline = UINT64_MAX;
}

/* Why CCP_EV_FAIL was returned. */
const char *
ccp_reason(const struct ccp_neg *c)
{
	return c->reason;
}

/* Strongest MPPE strength offered, H kept (RFC 3078 2). */
uint32_t
ccp_mppe_choose(uint32_t offer)
{
	uint32_t s;

	if (offer & MPPE_OPT_S)
		s = MPPE_OPT_S;
	else if (offer & MPPE_OPT_M)
		s = MPPE_OPT_M;
	else if (offer & MPPE_OPT_L)
		s = MPPE_OPT_L;
	else
		return 0;
	return s | (offer & MPPE_OPT_H);
}

static int
ccp_fail(struct ccp_neg *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
ccp_fail(struct ccp_neg *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof c->reason, fmt, ap);
	va_end(ap);
	c->deadline = UINT64_MAX;
	c->up = false;
	return CCP_EV_FAIL;
}

/* Send one CCP packet whose data is an MPPE option (or raw data). */
static void
ccp_send(struct ccp_neg *c, uint8_t code, uint8_t id, const void *data,
    size_t len)
{
	uint8_t f[FRAME_BUF];
	struct wbuf w;

	wbuf_init(&w, f, sizeof f);
	if (ppp_cp_build(&w, PPP_PROTO_CCP, code, id, data, len) == 0)
		c->send(c->arg, f, w.len);
}

static void
ccp_put_mppe(uint8_t opt[6], uint32_t bits)
{
	struct wbuf w;

	wbuf_init(&w, opt, 6);
	wbuf_put_u8(&w, CCP_OPT_MPPE);
	wbuf_put_u8(&w, 6);
	wbuf_put_be32(&w, bits);
}

/* (Re)send our Configure-Request. */
static void
ccp_send_req(struct ccp_neg *c, uint64_t now)
{
	uint8_t opt[6];

	ccp_put_mppe(opt, c->rx_bits);
	c->tries++;
	c->deadline = now + CCP_RESTART_MS;
	ccp_send(c, PPP_CONF_REQ, c->our_id, opt, sizeof opt);
}

static void
ccp_new_req(struct ccp_neg *c, uint64_t now, uint32_t bits)
{
	c->rx_bits = bits;
	c->req_sent = true;
	c->they_acked = false;
	c->our_id = c->next_id++;
	c->tries = 0;
	ccp_send_req(c, now);
}

static int
ccp_check_up(struct ccp_neg *c)
{
	if (c->up || !c->we_acked || !c->they_acked)
		return 0;
	c->up = true;
	c->deadline = UINT64_MAX;
	return CCP_EV_UP;
}

/* The server's Configure-Request: only MPPE is acceptable. */
static int
ccp_server_req(struct ccp_neg *c, uint64_t now, const struct ppp_cp_pkt *pkt)
{
	uint8_t rej[PPP_MAX_INFO], opt[6];
	struct bcur opts = pkt->data, v;
	struct ppp_opt o;
	struct wbuf w;
	uint32_t offer = 0, want;
	bool have = false;
	int ev = 0;

	if (ppp_opts_check(&ppp_ccp_ops, opts) < 0)
		return 0;
	c->active = true;
	if (c->up) {
		/* Renegotiation (RFC 1661 state Opened + RCR). */
		c->up = false;
		c->they_acked = false;
		c->req_sent = false;
		ev |= CCP_EV_DOWN;
	}
	c->we_acked = false;
	wbuf_init(&w, rej, sizeof rej);
	while (ppp_opt_next(&opts, &o) == 1) {
		v = o.val;
		if (o.type == CCP_OPT_MPPE && !have &&
		    bcur_get_be32(&v, &offer) == 0) {
			have = true;
			continue;
		}
		ppp_put_raw_opt(&w, &o);	/* compression: not ours */
	}
	if (w.len > 0) {
		ccp_send(c, PPP_CONF_REJ, pkt->id, rej, w.len);
		return ev;
	}
	if (!have) {
		/* Nothing to agree on: nothing will be encrypted. */
		ccp_send(c, PPP_CONF_ACK, pkt->id, bcur_ptr(&pkt->data),
		    bcur_left(&pkt->data));
		return ev;
	}
	want = ccp_mppe_choose(offer);
	if (want == 0)
		want = MPPE_OPT_S | (offer & MPPE_OPT_H);
	if (offer != want) {
		if (++c->naks > CCP_MAX_TRIES)
			return ev | ccp_fail(c, "the server's MPPE offer "
			    "0x%08x has no strength sstpc can use", offer);
		ccp_put_mppe(opt, want);
		ccp_send(c, PPP_CONF_NAK, pkt->id, opt, sizeof opt);
		return ev;
	}
	ccp_send(c, PPP_CONF_ACK, pkt->id, bcur_ptr(&pkt->data),
	    bcur_left(&pkt->data));
	c->we_acked = true;
	c->tx_bits = want;
	/* Ask for the same in the other direction. */
	if (!c->req_sent || (c->rx_bits != want && !c->they_acked))
		ccp_new_req(c, now, want);
	return ev | ccp_check_up(c);
}

/* One CCP packet from the server (RFC 1962, RFC 3078). */
int
ccp_from_server(struct ccp_neg *c, uint64_t now, struct bcur info)
{
	struct ppp_cp_pkt pkt;
	struct ppp_opt o;
	struct bcur v;
	uint32_t offer, want;

	if (ppp_cp_parse(info, &pkt) < 0)
		return 0;
	switch (pkt.code) {
	case PPP_CONF_REQ:
		return ccp_server_req(c, now, &pkt);
	case PPP_CONF_ACK:
		if (!c->req_sent || pkt.id != c->our_id)
			return 0;
		c->they_acked = true;
		c->deadline = UINT64_MAX;
		return ccp_check_up(c);
	case PPP_CONF_NAK:
		if (!c->req_sent || pkt.id != c->our_id)
			return 0;
		if (ppp_opt_next(&pkt.data, &o) == 1 &&
		    o.type == CCP_OPT_MPPE) {
			v = o.val;
			if (bcur_get_be32(&v, &offer) == 0 &&
			    (want = ccp_mppe_choose(offer)) != 0 &&
			    ++c->naks <= CCP_MAX_TRIES) {
				ccp_new_req(c, now, want);
				return 0;
			}
		}
		return ccp_fail(c, "the server refuses every MPPE setting "
		    "sstpc offers");
	case PPP_CONF_REJ:
		if (!c->req_sent || pkt.id != c->our_id)
			return 0;
		return ccp_fail(c, "the server rejected MPPE in CCP");
	case PPP_TERM_REQ:
		ccp_send(c, PPP_TERM_ACK, pkt.id, NULL, 0);
		c->we_acked = c->they_acked = c->req_sent = false;
		c->deadline = UINT64_MAX;
		if (!c->up)
			return 0;
		c->up = false;
		return CCP_EV_DOWN;
	case PPP_RESET_REQ:
		/* RFC 1962 2 / RFC 3078 8.2: flush and acknowledge. */
		ccp_send(c, PPP_RESET_ACK, pkt.id, NULL, 0);
		return CCP_EV_RESET;
	default:
		/* Term-Ack, Reset-Ack, Code-Reject: nothing to do. */
		return 0;
	}
}

/* Ask the server to flush its MPPE state (RFC 3078 8.2). */
void
ccp_send_reset_request(struct ccp_neg *c)
{
	ccp_send(c, PPP_RESET_REQ, c->next_id++, NULL, 0);
}

/* Retransmission deadline of our Configure-Request. */
uint64_t
ccp_deadline(const struct ccp_neg *c)
{
	return c->req_sent && !c->they_acked ? c->deadline : UINT64_MAX;
}

/* Retransmit our Configure-Request, or give up. */
int
ccp_timer(struct ccp_neg *c, uint64_t now)
{
	if (!c->req_sent || c->they_acked || now < c->deadline)
		return 0;
	if (c->tries >= CCP_MAX_TRIES)
		return ccp_fail(c, "the server does not answer sstpc's CCP "
		    "Configure-Request");
	ccp_send_req(c, now);
	return 0;
}
