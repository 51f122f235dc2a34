/*
 * ppp_lcp.c - LCP options and extra codes of the engine, client role
 * (RFC 1661 5.6-5.8, 6; PROTOCOL.md 5.3 and 7.4 for what Windows sends):
 * MRU (ours within SSTP's 4087, the peer's acked and capped), Magic-Number
 * with loop-back detection (6.4), the authentication protocol the server
 * asks for (accepted if allowed, else a Nak toward the preferred allowed
 * one), ACCM/PFC/ACFC accepted (the permission to compress is not used:
 * ppp_engine_output), everything else Rejected; Echo-Request /
 * Reply / Discard-Request, Protocol-Reject and Code-Reject.
 *
 * Server role (sstpd): our request adds the Authentication-Protocol of
 * the first method of conf.auth_offer in the order MS-CHAPv2 > EAP > PAP
 * (6.2); a Nak steers to the client's suggestion when we offer it, else
 * to our next method; a Reject, or no method left, ends PPP (AUTH) unless
 * PPP_AUTH_ALLOW_NONE is offered too.  The client's own
 * Authentication-Protocol (it wants to authenticate us) is Rejected.
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

/* Fresh non-zero magic number (RFC 1661 6.4). */
static uint32_t
lcp_new_magic(struct ppp_engine *e, uint32_t avoid)
{
	uint32_t m = 0;
	int i;

	for (i = 0; i < 16 && (m == 0 || m == avoid); i++)
		e->g->rand(e, &m, sizeof m);
	if (m == 0 || m == avoid)
		m = avoid + 0x9e3779b9u ? avoid + 0x9e3779b9u : 1;
	return m;
}

/* The Authentication-Protocol option's value as a protocol, or NONE. */
static enum ppp_auth_proto
lcp_auth_kind(struct bcur val)
{
	uint16_t proto;
	uint8_t alg;

	if (bcur_get_be16(&val, &proto) < 0)
		return PPP_AUTHP_NONE;
	if (proto == PPP_PROTO_PAP && bcur_left(&val) == 0)
		return PPP_AUTHP_PAP;
	if (proto == PPP_PROTO_EAP && bcur_left(&val) == 0)
		return PPP_AUTHP_EAP;
	if (proto == PPP_PROTO_CHAP && bcur_get_u8(&val, &alg) == 0 &&
	    bcur_left(&val) == 0) {
		if (alg == 5)
			return PPP_AUTHP_CHAP_MD5;	/* RFC 1994 */
		if (alg == CHAP_ALG_MSCHAPV2)
			return PPP_AUTHP_MSCHAPV2;
	}
	return PPP_AUTHP_NONE;
}

/* Is an authentication protocol allowed by the configuration? */
static bool
lcp_auth_allowed(const struct ppp_engine *e, enum ppp_auth_proto p)
{
	static const unsigned bit[] = {
		[PPP_AUTHP_NONE] = 0,
		[PPP_AUTHP_PAP] = PPP_AUTH_ALLOW_PAP,
		[PPP_AUTHP_CHAP_MD5] = PPP_AUTH_ALLOW_CHAP_MD5,
		[PPP_AUTHP_MSCHAPV2] = PPP_AUTH_ALLOW_MSCHAPV2,
		[PPP_AUTHP_EAP] = PPP_AUTH_ALLOW_EAP,
	};

	return p != PPP_AUTHP_NONE && (e->conf.auth_allow & bit[p]) != 0;
}

/* The PPP_AUTH_ALLOW_* bit of a protocol (0 for NONE). */
static unsigned
lcp_auth_bit(enum ppp_auth_proto p)
{
	switch (p) {
	case PPP_AUTHP_PAP:		return PPP_AUTH_ALLOW_PAP;
	case PPP_AUTHP_CHAP_MD5:	return PPP_AUTH_ALLOW_CHAP_MD5;
	case PPP_AUTHP_MSCHAPV2:	return PPP_AUTH_ALLOW_MSCHAPV2;
	case PPP_AUTHP_EAP:		return PPP_AUTH_ALLOW_EAP;
	default:			return 0;
	}
}

/*
 * Server role: the methods we ask for, best first (ppp_authsrv.h has no
 * CHAP-MD5: it would need the plain secret's MD5, and sstpd offers it not).
 */
static const enum ppp_auth_proto lcp_srv_order[] = {
	PPP_AUTHP_MSCHAPV2, PPP_AUTHP_EAP, PPP_AUTHP_PAP
};

/* Server role: do we still offer @p (configured, not Nak'ed yet)? */
static bool
lcp_srv_offers(const struct ppp_engine *e, enum ppp_auth_proto p)
{
	size_t i;

	for (i = 0; i < NELEM(lcp_srv_order); i++)
		if (lcp_srv_order[i] == p)
			return (e->conf.auth_offer & lcp_auth_bit(p)) != 0 &&
			    (e->auth_naked & lcp_auth_bit(p)) == 0;
	return false;
}

/* Server role: the best method still offered, or NONE. */
enum ppp_auth_proto
ppp_lcp_srv_first(const struct ppp_engine *e)
{
	size_t i;

	for (i = 0; i < NELEM(lcp_srv_order); i++)
		if (lcp_srv_offers(e, lcp_srv_order[i]))
			return lcp_srv_order[i];
	return PPP_AUTHP_NONE;
}

/* Write the Authentication-Protocol option of @p (RFC 1661 6.2). */
static void
lcp_put_auth(struct wbuf *w, enum ppp_auth_proto p)
{
	switch (p) {
	case PPP_AUTHP_MSCHAPV2:
		wbuf_put_bytes(w, "\x03\x05\xc2\x23\x81", 5);
		break;
	case PPP_AUTHP_EAP:
		wbuf_put_bytes(w, "\x03\x04\xc2\x27", 4);
		break;
	case PPP_AUTHP_CHAP_MD5:
		wbuf_put_bytes(w, "\x03\x05\xc2\x23\x05", 5);
		break;
	case PPP_AUTHP_PAP:
		wbuf_put_bytes(w, "\x03\x04\xc0\x23", 4);
		break;
	default:
		break;
	}
}

/* Write the Authentication-Protocol option of the preferred allowed one. */
static bool
lcp_put_preferred_auth(const struct ppp_engine *e, struct wbuf *w)
{
	/* MS-CHAPv2 > EAP > CHAP-MD5 > PAP (the brief of issue 12). */
	static const uint8_t mschap[] = { LCP_OPT_AUTH, 5, 0xc2, 0x23, 0x81 };
	static const uint8_t eap[] = { LCP_OPT_AUTH, 4, 0xc2, 0x27 };
	static const uint8_t md5[] = { LCP_OPT_AUTH, 5, 0xc2, 0x23, 0x05 };
	static const uint8_t pap[] = { LCP_OPT_AUTH, 4, 0xc0, 0x23 };

	if (lcp_auth_allowed(e, PPP_AUTHP_MSCHAPV2))
		wbuf_put_bytes(w, mschap, sizeof mschap);
	else if (lcp_auth_allowed(e, PPP_AUTHP_EAP))
		wbuf_put_bytes(w, eap, sizeof eap);
	else if (lcp_auth_allowed(e, PPP_AUTHP_CHAP_MD5))
		wbuf_put_bytes(w, md5, sizeof md5);
	else if (lcp_auth_allowed(e, PPP_AUTHP_PAP))
		wbuf_put_bytes(w, pap, sizeof pap);
	else
		return false;
	return true;
}

/* Our Configure-Request: MRU and Magic-Number (RFC 1661 6.1, 6.4). */
static void
lcp_addci(struct ppp_fsm *f, struct wbuf *w)
{
	struct ppp_engine *e = f->arg;
	uint8_t v[4];

	if (!e->mru_rej) {
		store_be16(v, e->our_mru);
		ppp_put_opt(w, LCP_OPT_MRU, v, 2);
	}
	if (!e->magic_rej) {
		if (e->our_magic == 0)
			e->our_magic = lcp_new_magic(e, 0);
		wbuf_put_u8(w, LCP_OPT_MAGIC);
		wbuf_put_u8(w, 6);
		wbuf_put_be32(w, e->our_magic);
	}
}

/* Server role: MRU, Magic-Number and the Authentication-Protocol (6.2). */
static void
lcp_srv_addci(struct ppp_fsm *f, struct wbuf *w)
{
	struct ppp_engine *e = f->arg;

	lcp_addci(f, w);
	lcp_put_auth(w, e->auth_want);
}

/*
 * Judge the peer's Configure-Request (RFC 1661 5.1-5.4, 6); @server: the
 * peer is the client, whose Authentication-Protocol is Rejected (sstpd
 * does not authenticate itself inside PPP: the TLS certificate does).
 */
static int
lcp_judge(struct ppp_fsm *f, struct bcur opts, struct wbuf *reply,
    bool nak_ok, bool server)
{
	struct ppp_engine *e = f->arg;
	uint8_t rb[PPP_MAX_INFO], nb[PPP_MAX_INFO], ob[PPP_MAX_INFO];
	struct wbuf wr, wn, wo;	/* rejects, naks, the naked originals */
	enum ppp_auth_proto auth = PPP_AUTHP_NONE, a;
	uint16_t mru = PPP_MRU_DEFAULT, v16;
	uint32_t magic = 0, v32;
	struct ppp_opt o, auth_o = { 0 };
	bool has_magic = false;
	struct bcur v;

	if (ppp_opts_check(&ppp_lcp_ops, opts) < 0) {
		log_debug_c(f->log_ctx,
		    "LCP: malformed Configure-Request dropped");
		return -EBADMSG;
	}
	wbuf_init(&wr, rb, sizeof rb);
	wbuf_init(&wn, nb, sizeof nb);
	wbuf_init(&wo, ob, sizeof ob);
	while (ppp_opt_next(&opts, &o) == 1) {
		v = o.val;
		switch (o.type) {
		case LCP_OPT_MRU:
			(void)bcur_get_be16(&v, &v16);
			if (v16 < PPP_MRU_MIN) {
				ppp_put_raw_opt(&wo, &o);
				wbuf_put_u8(&wn, LCP_OPT_MRU);
				wbuf_put_u8(&wn, 4);
				wbuf_put_be16(&wn, PPP_MRU_MIN);
			} else
				mru = v16;	/* capped when sending */
			break;
		case LCP_OPT_ACCM:	/* no HDLC on SSTP: ignored */
		case LCP_OPT_PFC:	/* RFC 1661 6.5/6.6: the server can */
		case LCP_OPT_ACFC:	/* receive them; we still send FF 03 */
			break;		/* and 2-octet protocols (engine) */
		case LCP_OPT_AUTH:
			if (server) {
				ppp_put_raw_opt(&wr, &o);
				break;
			}
			a = lcp_auth_kind(o.val);
			if (lcp_auth_allowed(e, a)) {
				auth = a;
				auth_o = o;
				break;
			}
			/* Remembered for a Terminate-Request that follows. */
			e->auth_refused = true;
			e->auth_refused_proto = 0;
			e->auth_refused_alg = 0;
			(void)bcur_get_be16(&v, &e->auth_refused_proto);
			(void)bcur_get_u8(&v, &e->auth_refused_alg);
			ppp_put_raw_opt(&wo, &o);
			if (!lcp_put_preferred_auth(e, &wn))
				ppp_put_raw_opt(&wr, &o);
			break;
		case LCP_OPT_MAGIC:
			has_magic = true;
			(void)bcur_get_be32(&v, &v32);
			if (v32 != 0 && (e->magic_rej || v32 != e->our_magic)) {
				magic = v32;
				break;
			}
			if (v32 != 0 && ++e->loops >= f->max_failure) {
				e->g->fail(e, PPP_END_NEGOTIATION, "LCP: "
				    "the link is looped back (our own magic "
				    "number came back %u times)", e->loops);
				return -EBADMSG;
			}
			if (v32 != 0) {
				/* RFC 1661 6.4: maybe looped back; new ones. */
				log_info_c(f->log_ctx,
				    "LCP: the %s's magic number is ours: "
				    "looped back?", server ? "client" :
				    "server");
				e->our_magic = lcp_new_magic(e, v32);
			}
			ppp_put_raw_opt(&wo, &o);
			wbuf_put_u8(&wn, LCP_OPT_MAGIC);
			wbuf_put_u8(&wn, 6);
			wbuf_put_be32(&wn, lcp_new_magic(e, e->our_magic));
			break;
		default:
			/*
			 * XX: Windows 2016 asks for Callback 06, MRRU 1614
			 * and an Endpoint Discriminator (PROTOCOL.md 7.4):
			 * no callback, no multilink here.
			 */
			ppp_put_raw_opt(&wr, &o);
			break;
		}
	}
	/*
	 * XX: SoftEther asks for EAP in requests without a Magic-Number,
	 * offers only EAP-TLS inside it, and after our Nak of EAP-TLS it
	 * renegotiates LCP for MS-CHAPv2 but never sends the Challenge.  Such
	 * a request gets a Nak toward MS-CHAPv2 (as --eap-auth does, see
	 * lcp_mediate.c); a server that asks for EAP a third time gets it.
	 */
	if (auth == PPP_AUTHP_EAP && !has_magic && nak_ok && e->eap_naks < 2 &&
	    lcp_auth_allowed(e, PPP_AUTHP_MSCHAPV2)) {
		e->eap_naks++;
		log_info_c(f->log_ctx,
		    "LCP: the server asks for EAP without a magic "
		    "number (SoftEther?): asking for MS-CHAPv2 instead");
		ppp_put_raw_opt(&wo, &auth_o);
		(void)lcp_put_preferred_auth(e, &wn);
		auth = PPP_AUTHP_NONE;
	}
	if (wbuf_error(&wr) || wbuf_error(&wn) || wbuf_error(&wo))
		return -EBADMSG;
	if (wr.len > 0 || (wn.len > 0 && !nak_ok)) {
		/* RFC 1661 4.6 Max-Failure: Naks become Rejects. */
		wbuf_put_bytes(reply, rb, wr.len);
		if (!nak_ok)
			wbuf_put_bytes(reply, ob, wo.len);
		return PPP_CONF_REJ;
	}
	if (wn.len > 0) {
		wbuf_put_bytes(reply, nb, wn.len);
		return PPP_CONF_NAK;
	}
	e->peer_mru = mru;
	e->peer_magic = magic;
	e->auth_offer = auth;
	e->auth_refused = false;
	return PPP_CONF_ACK;
}

/* Judge the server's Configure-Request (client role). */
static int
lcp_reqci(struct ppp_fsm *f, struct bcur opts, struct wbuf *reply,
    bool nak_ok)
{
	return lcp_judge(f, opts, reply, nak_ok, false);
}

/* Judge the client's Configure-Request (server role). */
static int
lcp_srv_reqci(struct ppp_fsm *f, struct bcur opts, struct wbuf *reply,
    bool nak_ok)
{
	return lcp_judge(f, opts, reply, nak_ok, true);
}

/*
 * Server role: the client's Nak (o.val its suggestion) or Reject of our
 * Authentication-Protocol (RFC 1661 6.2).  -EBADMSG when PPP ends or the
 * packet is bogus (a Reject of an option we did not send, 5.4).
 */
static int
lcp_srv_auth_nak(struct ppp_engine *e, struct bcur val, bool rej)
{
	enum ppp_auth_proto was = e->auth_want, sug;
	const bool none_ok = (e->conf.auth_offer & PPP_AUTH_ALLOW_NONE) != 0;

	if (was == PPP_AUTHP_NONE)
		return rej ? -EBADMSG : 0;	/* not in our request */
	if (rej) {
		if (none_ok) {
			log_info_c(e->conf.log_ctx,
			    "LCP: the client rejects authentication "
			    "(%s); going on without", ppp_auth_proto_name(was));
			e->auth_want = PPP_AUTHP_NONE;
			return 0;
		}
		e->g->fail(e, PPP_END_AUTH, "LCP: the client refuses to "
		    "authenticate (Configure-Reject of %s)",
		    ppp_auth_proto_name(was));
		return -EBADMSG;
	}
	e->auth_naked |= lcp_auth_bit(was);
	sug = lcp_auth_kind(val);
	e->auth_want = lcp_srv_offers(e, sug) ? sug : ppp_lcp_srv_first(e);
	if (e->auth_want != PPP_AUTHP_NONE) {
		log_info_c(e->conf.log_ctx,
		    "LCP: the client Naks %s: asking for %s",
		    ppp_auth_proto_name(was),
		    ppp_auth_proto_name(e->auth_want));
		return 0;
	}
	if (none_ok) {
		log_info_c(e->conf.log_ctx,
		    "LCP: no common authentication protocol; going on "
		    "without");
		return 0;
	}
	e->g->fail(e, PPP_END_AUTH, "LCP: no common authentication protocol: "
	    "the client Naks %s and wants %s", ppp_auth_proto_name(was),
	    sug != PPP_AUTHP_NONE ? ppp_auth_proto_name(sug) :
	    "one sstpd does not offer");
	return -EBADMSG;
}

/* The peer's Nak or Reject of our request (RFC 1661 5.3, 5.4). */
static int
lcp_nak_common(struct ppp_fsm *f, struct bcur opts, bool rej, bool server)
{
	struct ppp_engine *e = f->arg;
	struct ppp_opt o;
	struct bcur v;
	uint16_t v16;
	uint32_t v32;
	int r;

	while ((r = ppp_opt_next(&opts, &o)) == 1) {
		v = o.val;
		switch (o.type) {
		case LCP_OPT_MRU:
			if (rej) {
				e->mru_rej = true;
				e->our_mru = PPP_MRU_DEFAULT;
			} else if (bcur_get_be16(&v, &v16) == 0 &&
			    v16 >= PPP_MRU_MIN && v16 <= PPP_MAX_INFO)
				e->our_mru = v16;	/* an MRU offered back */
			break;
		case LCP_OPT_MAGIC:
			if (rej)
				e->magic_rej = true;
			else if (bcur_get_be32(&v, &v32) == 0)
				e->our_magic = lcp_new_magic(e, v32);
			break;
		case LCP_OPT_AUTH:
			if (server) {
				if (lcp_srv_auth_nak(e, v, rej) < 0)
					return -EBADMSG;
				break;
			}
			/* FALLTHROUGH */
		default:
			/* A Reject of what we never sent is invalid (5.4). */
			if (rej)
				return -EBADMSG;
			break;	/* a Nak may hint at more options: ignored */
		}
	}
	return r < 0 ? -EBADMSG : 0;
}

/* The server's Nak or Reject of our request (client role). */
static int
lcp_nakci(struct ppp_fsm *f, struct bcur opts, bool rej)
{
	return lcp_nak_common(f, opts, rej, false);
}

/* The client's Nak or Reject of our request (server role). */
static int
lcp_srv_nakci(struct ppp_fsm *f, struct bcur opts, bool rej)
{
	return lcp_nak_common(f, opts, rej, true);
}

/* Protocol-Reject, Echo, Discard (RFC 1661 5.7, 5.8). */
static int
lcp_extcode(struct ppp_fsm *f, uint8_t code, uint8_t id, struct bcur data)
{
	struct ppp_engine *e = f->arg;
	uint16_t proto;
	uint32_t magic;

	(void)id;
	switch (code) {
	case PPP_PROTO_REJ:
		if (bcur_get_be16(&data, &proto) < 0)
			return PPP_FSM_X_DONE;
		if (proto == PPP_PROTO_LCP)
			return PPP_EV_RXJ_MINUS;
		if (f->state == PPP_ST_OPENED)
			e->g->proto_rejected(e, proto);
		return PPP_EV_RXJ_PLUS;
	case PPP_ECHO_REQ:
	case PPP_DISCARD_REQ:
		return PPP_EV_RXR;
	case PPP_ECHO_REP:
		if (bcur_get_be32(&data, &magic) == 0 && f->state ==
		    PPP_ST_OPENED && (magic == 0 || magic != e->our_magic ||
		    e->magic_rej))
			e->echo_pending = 0;
		return PPP_EV_RXR;
	case PPP_CODE_REJ:
		return PPP_FSM_X_UNKNOWN;	/* by the rejected code */
	default:
		return PPP_FSM_X_UNKNOWN;
	}
}

/* ser: Echo-Reply with our magic and the request's data (5.8). */
static void
lcp_echo_reply(struct ppp_fsm *f, uint8_t id, struct bcur data)
{
	struct ppp_engine *e = f->arg;
	uint8_t b[PPP_MAX_INFO];
	struct wbuf w;
	size_t n;

	if (bcur_skip(&data, 4) < 0)
		return;
	n = bcur_left(&data);
	if (n > (size_t)e->peer_mru - PPP_CP_HDR_LEN - 4)
		n = (size_t)e->peer_mru - PPP_CP_HDR_LEN - 4;
	wbuf_init(&w, b, sizeof b);
	wbuf_put_be32(&w, e->magic_rej ? 0 : e->our_magic);
	wbuf_put_bytes(&w, bcur_ptr(&data), n);
	if (wbuf_error(&w) == 0)
		ppp_fsm_send(f, PPP_ECHO_REP, id, b, w.len);
}

/* Send an Echo-Request (keep-alive, dead-peer detection). */
void
ppp_lcp_send_echo(struct ppp_engine *e)
{
	uint8_t m[4];

	store_be16(m, (uint16_t)((e->magic_rej ? 0 : e->our_magic) >> 16));
	store_be16(m + 2, (uint16_t)(e->magic_rej ? 0 : e->our_magic));
	ppp_fsm_send(&e->lcp, PPP_ECHO_REQ, e->lcp.next_id++, m, sizeof m);
}

/* Protocol-Reject a frame of a protocol we do not run (RFC 1661 5.7). */
void
ppp_lcp_protocol_reject(struct ppp_engine *e, uint16_t proto,
    const uint8_t *info, size_t len)
{
	uint8_t b[PPP_MAX_INFO];
	size_t cap = (size_t)e->peer_mru - PPP_CP_HDR_LEN - 2;
	struct wbuf w;

	/* Only in Opened (5.7). */
	if (e->lcp.state != PPP_ST_OPENED)
		return;
	if (len > cap)
		len = cap;
	wbuf_init(&w, b, sizeof b);
	wbuf_put_be16(&w, proto);
	wbuf_put_bytes(&w, info, len);
	if (wbuf_error(&w) == 0)
		ppp_fsm_send(&e->lcp, PPP_PROTO_REJ, e->lcp.next_id++, b,
		    w.len);
}

static void
lcp_up(struct ppp_fsm *f)
{
	ENG(f)->g->lcp_up(ENG(f));
}

static void
lcp_down(struct ppp_fsm *f)
{
	ENG(f)->g->lcp_down(ENG(f));
}

static void
lcp_finished(struct ppp_fsm *f)
{
	ENG(f)->g->lcp_finished(ENG(f));
}

/* Through the engine's output. */
static void
lcp_send(struct ppp_fsm *f, const uint8_t *frame, size_t len)
{
	ENG(f)->g->output(ENG(f), frame, len);
}

const struct ppp_fsm_ops ppp_lcp_client_ops = {
	.addci = lcp_addci,
	.reqci = lcp_reqci,
	.nakci = lcp_nakci,
	.up = lcp_up,
	.down = lcp_down,
	.finished = lcp_finished,
	.extcode = lcp_extcode,
	.echo_reply = lcp_echo_reply,
	.send = lcp_send,
};

const struct ppp_fsm_ops ppp_lcp_server_ops = {
	.addci = lcp_srv_addci,
	.reqci = lcp_srv_reqci,
	.nakci = lcp_srv_nakci,
	.up = lcp_up,
	.down = lcp_down,
	.finished = lcp_finished,
	.extcode = lcp_extcode,
	.echo_reply = lcp_echo_reply,
	.send = lcp_send,
};
