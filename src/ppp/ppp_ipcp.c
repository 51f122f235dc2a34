/*
 * ppp_ipcp.c - the engine's network control protocols for IP, client
 * role: IPCP (RFC 1332: IP-Address 3, IP-Compression-Protocol 2 refused;
 * RFC 1877: DNS 129/131, NBNS 130/132 asked as zeros and taken from the
 * Nak) and IPV6CP (RFC 5072: a random non-zero Interface-Identifier that
 * differs from the peer's, compression refused).  The peer's own address
 * and identifier come from its Configure-Request.
 *
 * Server role (sstpd): our request carries our own address (conf.local4);
 * the client's IP-Address is Nak'ed with the one ops.peer_addr gave (0.0.0.0
 * or any other, RFC 1332 3.3) and Acked when equal; DNS and NBNS (RFC 1877)
 * are Nak'ed with conf.dns4/nbns4 when configured and Rejected when not;
 * compression and the rest Rejected.  IPV6CP is the same in both roles.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/nelem.h"
#include "ppp/ppp_engine.h"
#include "ppp/ppp_engine_int.h"
#include "ppp/proto.h"

#define ENG(f)	((struct ppp_engine *)(f)->arg)

#define IPCP_OPT_ADDRS		1	/* RFC 1332 (deprecated) */
#define IPCP_OPT_COMP		2
#define IPCP_OPT_ADDR		3
#define IPCP_OPT_DNS1		129	/* RFC 1877 */
#define IPCP_OPT_NBNS1		130
#define IPCP_OPT_DNS2		131
#define IPCP_OPT_NBNS2		132
#define IPV6CP_OPT_IFID		1	/* RFC 5072 4.1 */

/* The IPCP options we ask for, with where their value lives. */
struct ipcp_want {
	unsigned	bit;
	uint8_t		type;
};

static const struct ipcp_want ipcp_wants[] = {
	{ IPCP_W_ADDR,	IPCP_OPT_ADDR },
	{ IPCP_W_DNS1,	IPCP_OPT_DNS1 },
	{ IPCP_W_NBNS1,	IPCP_OPT_NBNS1 },
	{ IPCP_W_DNS2,	IPCP_OPT_DNS2 },
	{ IPCP_W_NBNS2,	IPCP_OPT_NBNS2 },
};

/* Storage of an asked option's value (network byte order). */
static uint32_t *
ipcp_slot(struct ppp_engine *e, uint8_t type)
{
	switch (type) {
	case IPCP_OPT_ADDR:	return &e->ip_local;
	case IPCP_OPT_DNS1:	return &e->dns[0];
	case IPCP_OPT_DNS2:	return &e->dns[1];
	case IPCP_OPT_NBNS1:	return &e->nbns[0];
	case IPCP_OPT_NBNS2:	return &e->nbns[1];
	default:		return NULL;
	}
}

/* The want bit of an option type, or 0. */
static unsigned
ipcp_bit(uint8_t type)
{
	size_t i;

	for (i = 0; i < NELEM(ipcp_wants); i++)
		if (ipcp_wants[i].type == type)
			return ipcp_wants[i].bit;
	return 0;
}

/* Our request: address (0.0.0.0 or want_ip4), DNS/NBNS when asked. */
static void
ipcp_addci(struct ppp_fsm *f, struct wbuf *w)
{
	struct ppp_engine *e = f->arg;
	size_t i;

	for (i = 0; i < NELEM(ipcp_wants); i++) {
		if ((e->ipcp_want & ipcp_wants[i].bit) == 0)
			continue;
		wbuf_put_u8(w, ipcp_wants[i].type);
		wbuf_put_u8(w, 6);
		/* Kept in network byte order: copied as is. */
		wbuf_put_bytes(w, ipcp_slot(e, ipcp_wants[i].type), 4);
	}
}

/* The server's Nak (values to take) or Reject (stop asking). */
static int
ipcp_nakci(struct ppp_fsm *f, struct bcur opts, bool rej)
{
	struct ppp_engine *e = f->arg;
	struct ppp_opt o;
	uint32_t *slot;
	unsigned bit;
	int r;

	while ((r = ppp_opt_next(&opts, &o)) == 1) {
		bit = ipcp_bit(o.type);
		slot = ipcp_slot(e, o.type);
		if (bit == 0 || (e->ipcp_want & bit) == 0) {
			if (rej)
				return -EBADMSG;	/* not ours (5.4) */
			continue;
		}
		if (rej) {
			e->ipcp_want &= ~bit;
			*slot = 0;
			continue;
		}
		if (bcur_left(&o.val) != 4)
			return -EBADMSG;
		(void)bcur_get_bytes(&o.val, slot, 4);
	}
	return r < 0 ? -EBADMSG : 0;
}

/* The server's request: its address; no compression (RFC 1332 3). */
static int
ipcp_reqci(struct ppp_fsm *f, struct bcur opts, struct wbuf *reply,
    bool nak_ok)
{
	struct ppp_engine *e = f->arg;
	uint8_t rb[PPP_MAX_INFO];
	struct wbuf wr;
	struct ppp_opt o;
	uint32_t peer = 0;

	(void)nak_ok;
	if (ppp_opts_check(&ppp_ipcp_ops, opts) < 0)
		return -EBADMSG;
	wbuf_init(&wr, rb, sizeof rb);
	while (ppp_opt_next(&opts, &o) == 1) {
		if (o.type == IPCP_OPT_ADDR) {
			(void)bcur_get_bytes(&o.val, &peer, 4);
			if (peer != 0)
				continue;
			/* It wants us to give it one: we do not. */
		}
		/* VJ compression (2), DNS for the server, the rest. */
		ppp_put_raw_opt(&wr, &o);
	}
	if (wbuf_error(&wr) != 0)
		return -EBADMSG;
	if (wr.len > 0) {
		wbuf_put_bytes(reply, rb, wr.len);
		return PPP_CONF_REJ;
	}
	e->ip_peer = peer;
	return PPP_CONF_ACK;
}

/* Server role: what we give for an option of the client's (0: Reject). */
static uint32_t
ipcp_srv_value(const struct ppp_engine *e, uint8_t type)
{
	switch (type) {
	case IPCP_OPT_ADDR:	return e->ip_peer;
	case IPCP_OPT_DNS1:	return e->conf.dns4[0];
	case IPCP_OPT_DNS2:	return e->conf.dns4[1];
	case IPCP_OPT_NBNS1:	return e->conf.nbns4[0];
	case IPCP_OPT_NBNS2:	return e->conf.nbns4[1];
	default:		return 0;	/* VJ (2), Addresses (1) */
	}
}

/*
 * Server role: judge the client's request (RFC 1332 3.3, RFC 1877 1.1):
 * each value we give must be asked for exactly; a differing one (0.0.0.0
 * in the first request, the usual case) gets a Nak with ours, an option
 * we do not give a Reject.  Rejects win over Naks (RFC 1661 5.4); past
 * Max-Failure the Naks become Rejects (4.6).
 */
static int
ipcp_srv_reqci(struct ppp_fsm *f, struct bcur opts, struct wbuf *reply,
    bool nak_ok)
{
	struct ppp_engine *e = f->arg;
	uint8_t rb[PPP_MAX_INFO], nb[PPP_MAX_INFO], ob[PPP_MAX_INFO];
	struct wbuf wr, wn, wo;	/* rejects, naks, the naked originals */
	struct ppp_opt o;
	uint32_t give, v;

	if (ppp_opts_check(&ppp_ipcp_ops, opts) < 0)
		return -EBADMSG;
	wbuf_init(&wr, rb, sizeof rb);
	wbuf_init(&wn, nb, sizeof nb);
	wbuf_init(&wo, ob, sizeof ob);
	while (ppp_opt_next(&opts, &o) == 1) {
		give = ipcp_srv_value(e, o.type);
		if (give == 0 || bcur_left(&o.val) != 4) {
			ppp_put_raw_opt(&wr, &o);
			continue;
		}
		(void)bcur_get_bytes(&o.val, &v, 4);
		if (v == give)
			continue;
		ppp_put_raw_opt(&wo, &o);
		wbuf_put_u8(&wn, o.type);
		wbuf_put_u8(&wn, 6);
		/* Kept in network byte order: copied as is. */
		wbuf_put_bytes(&wn, &give, 4);
	}
	if (wbuf_error(&wr) != 0 || wbuf_error(&wn) != 0 ||
	    wbuf_error(&wo) != 0)
		return -EBADMSG;
	if (wr.len > 0 || (wn.len > 0 && !nak_ok)) {
		wbuf_put_bytes(reply, rb, wr.len);
		if (wr.len == 0)
			wbuf_put_bytes(reply, ob, wo.len);
		return PPP_CONF_REJ;
	}
	if (wn.len > 0) {
		wbuf_put_bytes(reply, nb, wn.len);
		return PPP_CONF_NAK;
	}
	return PPP_CONF_ACK;
}

/*
 * Server role: the client's Nak of our address is not followed (ours is
 * configured; the request goes out again, and a client that Naks every
 * one ends IPCP by PPP_FSM_RCN_FACTOR); a Reject of it stops sending it.
 */
static int
ipcp_srv_nakci(struct ppp_fsm *f, struct bcur opts, bool rej)
{
	struct ppp_engine *e = f->arg;
	struct ppp_opt o;
	int r;

	while ((r = ppp_opt_next(&opts, &o)) == 1) {
		if (o.type != IPCP_OPT_ADDR ||
		    (e->ipcp_want & IPCP_W_ADDR) == 0) {
			if (rej)
				return -EBADMSG;	/* not ours (5.4) */
			continue;
		}
		if (rej)
			e->ipcp_want &= ~IPCP_W_ADDR;
	}
	return r < 0 ? -EBADMSG : 0;
}

/* Through the engine's output. */
static void
ncp_send(struct ppp_fsm *f, const uint8_t *frame, size_t len)
{
	ENG(f)->g->output(ENG(f), frame, len);
}

static void
ncp_up(struct ppp_fsm *f)
{
	ENG(f)->g->ncp_up(ENG(f), f);
}

static void
ncp_down(struct ppp_fsm *f)
{
	ENG(f)->g->ncp_down(ENG(f), f);
}

static void
ncp_finished(struct ppp_fsm *f)
{
	ENG(f)->g->ncp_finished(ENG(f), f);
}

const struct ppp_fsm_ops ppp_ipcp_client_ops = {
	.addci = ipcp_addci,
	.reqci = ipcp_reqci,
	.nakci = ipcp_nakci,
	.up = ncp_up,
	.down = ncp_down,
	.finished = ncp_finished,
	.send = ncp_send,
};

const struct ppp_fsm_ops ppp_ipcp_server_ops = {
	.addci = ipcp_addci,
	.reqci = ipcp_srv_reqci,
	.nakci = ipcp_srv_nakci,
	.up = ncp_up,
	.down = ncp_down,
	.finished = ncp_finished,
	.send = ncp_send,
};

/* A random identifier, non-zero and unlike @avoid (RFC 5072 4.1). */
static void
ipv6cp_new_ifid(struct ppp_engine *e, uint8_t id[8], const uint8_t *avoid)
{
	static const uint8_t zero[8];
	int i;

	for (i = 0; i < 16; i++) {
		e->g->rand(e, id, 8);
		if (memcmp(id, zero, 8) != 0 &&
		    (avoid == NULL || memcmp(id, avoid, 8) != 0))
			return;
	}
	/* A broken random source: still non-zero and different. */
	memset(id, 0, 8);
	id[7] = avoid != NULL && avoid[7] == 1 && memcmp(avoid, zero, 7) == 0
	    ? 2 : 1;
}

static void
ipv6cp_addci(struct ppp_fsm *f, struct wbuf *w)
{
	struct ppp_engine *e = f->arg;

	if (!e->ifid_rej)
		ppp_put_opt(w, IPV6CP_OPT_IFID, e->ifid_local, 8);
}

/* Nak: take the suggested identifier if usable; Reject: stop sending. */
static int
ipv6cp_nakci(struct ppp_fsm *f, struct bcur opts, bool rej)
{
	static const uint8_t zero[8];
	struct ppp_engine *e = f->arg;
	struct ppp_opt o;
	uint8_t id[8];
	int r;

	while ((r = ppp_opt_next(&opts, &o)) == 1) {
		if (o.type != IPV6CP_OPT_IFID) {
			if (rej)
				return -EBADMSG;
			continue;
		}
		if (rej) {
			e->ifid_rej = true;
			continue;
		}
		if (bcur_get_bytes(&o.val, id, 8) < 0 ||
		    bcur_left(&o.val) != 0)
			return -EBADMSG;
		if (memcmp(id, zero, 8) != 0 && (!e->have_peer_ifid ||
		    memcmp(id, e->ifid_peer, 8) != 0))
			memcpy(e->ifid_local, id, 8);
		else
			ipv6cp_new_ifid(e, e->ifid_local, e->have_peer_ifid ?
			    e->ifid_peer : NULL);
	}
	return r < 0 ? -EBADMSG : 0;
}

/* The server's identifier: non-zero and unlike ours, else a Nak. */
static int
ipv6cp_reqci(struct ppp_fsm *f, struct bcur opts, struct wbuf *reply,
    bool nak_ok)
{
	static const uint8_t zero[8];
	struct ppp_engine *e = f->arg;
	uint8_t rb[PPP_MAX_INFO], id[8], sug[8];
	struct wbuf wr;
	struct ppp_opt o, bad;
	bool have = false, nak = false;

	if (ppp_opts_check(&ppp_ipv6cp_ops, opts) < 0)
		return -EBADMSG;
	wbuf_init(&wr, rb, sizeof rb);
	memset(&bad, 0, sizeof bad);
	while (ppp_opt_next(&opts, &o) == 1) {
		if (o.type == IPV6CP_OPT_IFID && !have) {
			(void)bcur_get_bytes(&o.val, id, 8);
			have = true;
			if (memcmp(id, zero, 8) == 0 ||
			    memcmp(id, e->ifid_local, 8) == 0) {
				nak = true;
				bad = o;
			}
			continue;
		}
		ppp_put_raw_opt(&wr, &o);	/* compression (2), others */
	}
	if (wbuf_error(&wr) != 0)
		return -EBADMSG;
	if (wr.len > 0 || (nak && !nak_ok)) {
		wbuf_put_bytes(reply, rb, wr.len);
		if (wr.len == 0)
			ppp_put_raw_opt(reply, &bad);
		return PPP_CONF_REJ;
	}
	if (nak) {
		ipv6cp_new_ifid(e, sug, e->ifid_local);
		ppp_put_opt(reply, IPV6CP_OPT_IFID, sug, 8);
		return PPP_CONF_NAK;
	}
	e->have_peer_ifid = have;
	if (have)
		memcpy(e->ifid_peer, id, 8);
	return PPP_CONF_ACK;
}

const struct ppp_fsm_ops ppp_ipv6cp_client_ops = {
	.addci = ipv6cp_addci,
	.reqci = ipv6cp_reqci,
	.nakci = ipv6cp_nakci,
	.up = ncp_up,
	.down = ncp_down,
	.finished = ncp_finished,
	.send = ncp_send,
};

static const uint8_t zero8[8];

/* Reset IPV6CP's identifiers. */
void
ppp_ipv6cp_reset(struct ppp_engine *e)
{
	e->ifid_rej = false;
	e->have_peer_ifid = false;
	memset(e->ifid_peer, 0, 8);
	/* --persist: the identifier of the lost session (RFC 5072 4.1). */
	if (memcmp(e->conf.want_ifid, zero8, 8) != 0)
		memcpy(e->ifid_local, e->conf.want_ifid, 8);
	else
		ipv6cp_new_ifid(e, e->ifid_local, NULL);
}
