/*
 * lcp_mediate.c - LCP mediation between pppd and the server (see
 * lcp_mediate.h).  RFC 1661 5.1-5.4 (Configure-*: an Ack carries the
 * Request's options unchanged, a Nak only the unacceptable ones, a Reject
 * the rejected ones in order), 5.5-5.8, 6.2 (Authentication-Protocol);
 * PROTOCOL.md 5.3 and 7.4 for the options Windows servers send.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "ppp/lcp_mediate.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"

#define FRAME_BUF	(PPP_FRAME_MAX + 8)

/* Set up the mediator; see lcp_mediate.h. */
void
lcp_med_init(struct lcp_med *m, const struct lcp_med_ops *ops, void *arg,
    uint8_t id0)
{
	memset(m, 0, sizeof *m);
	m->ops = ops;
	m->arg = arg;
	m->next_id = id0;
	m->replay_deadline = UINT64_MAX;
}

/* Why LCP_MED_FAIL was returned. */
const char *
lcp_med_reason(const struct lcp_med *m)
{
	return m->reason;
}

/* Name of an lcp_auth for messages. */
const char *
lcp_auth_name(enum lcp_auth a)
{
	switch (a) {
	case LCP_AUTH_NONE:	return "none";
	case LCP_AUTH_EAP:	return "EAP";
	case LCP_AUTH_MSCHAPV2:	return "MS-CHAPv2";
	default:		return "an unsupported protocol";
	}
}

/* Classify an Authentication-Protocol value (RFC 1661 6.2). */
enum lcp_auth
lcp_auth_classify(struct bcur val)
{
	uint16_t proto;
	uint8_t alg;

	if (bcur_get_be16(&val, &proto) < 0)
		return LCP_AUTH_OTHER;
	if (proto == PPP_PROTO_EAP && bcur_left(&val) == 0)
		return LCP_AUTH_EAP;
	if (proto == PPP_PROTO_CHAP && bcur_get_u8(&val, &alg) == 0 &&
	    alg == CHAP_ALG_MSCHAPV2 && bcur_left(&val) == 0)
		return LCP_AUTH_MSCHAPV2;
	return LCP_AUTH_OTHER;
}

/* Words for an Authentication-Protocol value, for messages. */
static void
med_auth_words(struct bcur val, char *out, size_t outsz)
{
	uint16_t proto = 0;
	uint8_t alg = 0;

	(void)bcur_get_be16(&val, &proto);
	(void)bcur_get_u8(&val, &alg);
	if (proto == PPP_PROTO_PAP)
		snprintf(out, outsz, "PAP");
	else if (proto == PPP_PROTO_CHAP && alg == 5)
		snprintf(out, outsz, "CHAP-MD5");
	else if (proto == PPP_PROTO_CHAP && alg == 0x80)
		snprintf(out, outsz, "MS-CHAP (v1)");
	else
		snprintf(out, outsz, "protocol 0x%04x", proto);
}

/* Build one LCP frame with @data and send it on. */
static void
med_send(struct lcp_med *m, bool to_server, uint8_t code, uint8_t id,
    const void *data, size_t len)
{
	uint8_t f[FRAME_BUF];
	struct wbuf w;

	wbuf_init(&w, f, sizeof f);
	if (ppp_cp_build(&w, PPP_PROTO_LCP, code, id, data, len) != 0) {
		log_warn("LCP: %s too large, not sent", ppp_code_name(code));
		return;
	}
	if (to_server)
		m->ops->to_server(m->arg, f, w.len);
	else
		m->ops->to_pppd(m->arg, f, w.len);
}

/* Copy a view into fixed storage. */
static int
med_store(uint8_t *dst, size_t cap, size_t *dlen, struct bcur src)
{
	if (bcur_left(&src) > cap)
		return -EMSGSIZE;
	*dlen = bcur_left(&src);
	return bcur_get_bytes(&src, dst, *dlen);
}

/*
 * Is every option of @opts also in @acked with the same bytes?  The magic
 * number may differ: it is the server's own business (RFC 1661 6.4).
 */
static bool
med_subset(struct bcur opts, struct bcur acked)
{
	struct ppp_opt o, a;
	struct bcur walk;
	bool found;

	while (ppp_opt_next(&opts, &o) == 1) {
		found = false;
		walk = acked;
		while (!found && ppp_opt_next(&walk, &a) == 1) {
			if (a.type != o.type)
				continue;
			found = o.type == LCP_OPT_MAGIC ?
			    bcur_left(&a.raw) == bcur_left(&o.raw) :
			    ppp_opts_equal(a.raw, o.raw);
		}
		if (!found)
			return false;
	}
	return true;
}

/* Send our replay of pppd's last Configure-Request. */
static void
med_replay_send(struct lcp_med *m, uint64_t now)
{
	m->replay_tries++;
	m->replay_deadline = now + LCP_MED_REPLAY_MS;
	med_send(m, true, PPP_CONF_REQ, m->replay_id, m->pppd_opts,
	    m->pppd_len);
}

static void
med_replay_start(struct lcp_med *m, uint64_t now)
{
	m->replay_pending = true;
	m->replay_id = m->next_id++;
	/* Not one of pppd's identifiers, so no answer is mistaken. */
	if (m->replay_id == m->pppd_id)
		m->replay_id = m->next_id++;
	m->replay_tries = 0;
	m->they_acked = false;
	med_replay_send(m, now);
}

/* Opened when both Configure-Requests have been acknowledged. */
static int
med_check_open(struct lcp_med *m)
{
	if (m->opened || !m->we_acked || !m->they_acked)
		return 0;
	m->opened = true;
	m->auth = m->acked_auth;
	log_debug("LCP with the server is open (authentication: %s)",
	    lcp_auth_name(m->auth));
	return LCP_MED_OPENED;
}

/* Leave Opened; returns LCP_MED_DOWN if we were. */
static int
med_down(struct lcp_med *m)
{
	if (!m->opened)
		return 0;
	m->opened = false;
	return LCP_MED_DOWN;
}

static int
med_fail(struct lcp_med *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
med_fail(struct lcp_med *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->reason, sizeof m->reason, fmt, ap);
	va_end(ap);
	return LCP_MED_FAIL;
}

/*
 * The server's Configure-Request: reject what pppd must not see, Nak an
 * authentication we cannot do, answer alone when only the authentication
 * changed since pppd's last Ack, else pass it to pppd without auth.
 */
static int
med_server_req(struct lcp_med *m, uint64_t now, const struct ppp_cp_pkt *pkt)
{
	uint8_t rej[PPP_MAX_INFO], fwd[PPP_MAX_INFO], nak[8];
	struct wbuf wr, wf;
	struct bcur opts = pkt->data, fwd_view;
	struct ppp_opt o, auth_opt;
	enum lcp_auth auth = LCP_AUTH_NONE;
	bool magic = false;
	char words[48];
	int ev = 0;

	if (ppp_opts_check(&ppp_lcp_ops, opts) < 0) {
		log_debug("LCP: malformed Configure-Request from the server "
		    "dropped");
		return 0;
	}
	wbuf_init(&wr, rej, sizeof rej);
	wbuf_init(&wf, fwd, sizeof fwd);
	memset(&auth_opt, 0, sizeof auth_opt);
	while (ppp_opt_next(&opts, &o) == 1) {
		switch (o.type) {
		case LCP_OPT_AUTH:
			auth = lcp_auth_classify(o.val);
			auth_opt = o;
			break;
		case LCP_OPT_MAGIC:
			magic = true;
			ppp_put_raw_opt(&wf, &o);
			break;
		case LCP_OPT_MRU:
		case LCP_OPT_ACCM:
			ppp_put_raw_opt(&wf, &o);
			break;
		default:
			/*
			 * XX: Windows 2016 sends Callback 06, MRRU 1614 and an
			 * Endpoint Discriminator (PROTOCOL.md 7.4); pppd could
			 * accept multilink, so sstpc rejects these itself.
			 * PFC/ACFC too: frames stay FF 03 + 2-octet protocol.
			 */
			ppp_put_raw_opt(&wr, &o);
			break;
		}
	}
	if (wbuf_error(&wr) != 0 || wbuf_error(&wf) != 0)
		return 0;
	if (!m->first_seen && wr.len == 0) {
		m->first_seen = true;
		/*
		 * XX: SoftEther asks for EAP with a request holding nothing
		 * but the Authentication-Protocol (no Magic-Number), offers
		 * only EAP-TLS inside EAP, and once EAP was agreed it never
		 * starts MS-CHAPv2 in that session.  Such a server gets a
		 * Nak toward MS-CHAPv2 first; one that insists keeps EAP.
		 */
		if (auth == LCP_AUTH_EAP && !magic) {
			log_info("the server asks for EAP without a magic "
			    "number (SoftEther?): asking for MS-CHAPv2 first");
			m->avoid_eap = true;
		}
	}
	/* The server restarted negotiation: we are no longer Opened. */
	m->we_acked = false;
	if (m->opened) {
		ev |= med_down(m);
		log_info("the server renegotiates LCP");
	}
	if (wr.len > 0) {
		med_send(m, true, PPP_CONF_REJ, pkt->id, rej, wr.len);
		return ev;
	}
	if (auth == LCP_AUTH_OTHER || (auth == LCP_AUTH_EAP && m->avoid_eap)) {
		if (auth == LCP_AUTH_EAP && m->auth_naks >= 2) {
			/* RFC 1661 5.3: proposing it again means it insists. */
			log_info("the server insists on EAP: accepting it");
			m->avoid_eap = false;
		} else if (auth == LCP_AUTH_OTHER &&
		    m->auth_naks >= LCP_MED_AUTH_NAKS) {
			med_auth_words(auth_opt.val, words, sizeof words);
			return ev | med_fail(m, "the server insists on %s "
			    "authentication, which --eap-auth cannot do (only "
			    "EAP-MSCHAPv2 and MS-CHAPv2); run sstpc without "
			    "--eap-auth and let pppd authenticate", words);
		}
		if (auth == LCP_AUTH_OTHER || m->avoid_eap) {
			m->auth_naks++;
			med_auth_words(auth_opt.val, words, sizeof words);
			log_info("server proposes %s authentication: asking "
			    "for MS-CHAPv2 instead", auth == LCP_AUTH_EAP ?
			    "EAP" : words);
			nak[0] = LCP_OPT_AUTH;
			nak[1] = 5;
			store_be16(nak + 2, PPP_PROTO_CHAP);
			nak[4] = CHAP_ALG_MSCHAPV2;
			med_send(m, true, PPP_CONF_NAK, pkt->id, nak, 5);
			return ev;
		}
	}
	fwd_view = bcur_make(fwd, wf.len);
	if (m->acked_valid && ((ev & LCP_MED_DOWN) != 0 || m->replay_pending) &&
	    med_subset(fwd_view, bcur_make(m->acked_opts, m->acked_len))) {
		/* Only the authentication changed: answer alone. */
		med_send(m, true, PPP_CONF_ACK, pkt->id, bcur_ptr(&pkt->data),
		    bcur_left(&pkt->data));
		m->we_acked = true;
		m->acked_auth = auth;
		m->srv_pending = false;
		if (!m->replay_pending && m->pppd_valid)
			med_replay_start(m, now);
		return ev | med_check_open(m);
	}
	/* Pass it to pppd; remember the original for the Ack. */
	if (med_store(m->srv_opts, sizeof m->srv_opts, &m->srv_len,
	    pkt->data) < 0 ||
	    med_store(m->fwd_opts, sizeof m->fwd_opts, &m->fwd_len,
	    fwd_view) < 0)
		return ev;
	m->srv_pending = true;
	m->srv_id = pkt->id;
	m->srv_auth = auth;
	/* pppd will renegotiate on its own: our replay is not needed. */
	m->replay_pending = false;
	m->replay_deadline = UINT64_MAX;
	if (ev & LCP_MED_DOWN)
		m->they_acked = false;
	med_send(m, false, PPP_CONF_REQ, pkt->id, fwd, wf.len);
	return ev;
}

/* Drop Authentication-Protocol options from a Nak/Rej for pppd. */
static size_t
med_strip_auth(struct bcur opts, uint8_t *out, size_t cap)
{
	struct ppp_opt o;
	struct wbuf w;

	wbuf_init(&w, out, cap);
	while (ppp_opt_next(&opts, &o) == 1)
		if (o.type != LCP_OPT_AUTH)
			ppp_put_raw_opt(&w, &o);
	return wbuf_error(&w) == 0 ? w.len : 0;
}

/* One LCP packet from the server. */
int
lcp_med_from_server(struct lcp_med *m, uint64_t now, struct bcur info)
{
	uint8_t buf[PPP_MAX_INFO];
	struct ppp_cp_pkt pkt;
	struct bcur d;
	uint16_t proto;
	size_t n;
	int ev = 0;

	if (ppp_cp_parse(info, &pkt) < 0)
		return 0;
	switch (pkt.code) {
	case PPP_CONF_REQ:
		return med_server_req(m, now, &pkt);
	case PPP_CONF_ACK:
		if (m->replay_pending && pkt.id == m->replay_id) {
			if (!ppp_opts_equal(pkt.data,
			    bcur_make(m->pppd_opts, m->pppd_len)))
				return 0;
			/* Ours: pppd never sent it, so it never sees this. */
			m->replay_pending = false;
			m->replay_deadline = UINT64_MAX;
			m->they_acked = true;
			return med_check_open(m);
		}
		if (m->pppd_valid && pkt.id == m->pppd_id &&
		    ppp_opts_equal(pkt.data,
		    bcur_make(m->pppd_opts, m->pppd_len)))
			m->they_acked = true;
		med_send(m, false, PPP_CONF_ACK, pkt.id, bcur_ptr(&pkt.data),
		    bcur_left(&pkt.data));
		return med_check_open(m);
	case PPP_CONF_NAK:
	case PPP_CONF_REJ:
		if (m->replay_pending && pkt.id == m->replay_id)
			return med_fail(m, "the server refused sstpc's LCP "
			    "renegotiation (%s)", ppp_code_name(pkt.code));
		n = med_strip_auth(pkt.data, buf, sizeof buf);
		if (n == 0 && bcur_left(&pkt.data) > 0)
			return 0;
		med_send(m, false, pkt.code, pkt.id, buf, n);
		return 0;
	case PPP_TERM_REQ:
		m->we_acked = m->they_acked = false;
		m->srv_pending = false;
		m->replay_pending = false;
		m->replay_deadline = UINT64_MAX;
		ev = med_down(m) | LCP_MED_TERMINATE;
		break;
	case PPP_PROTO_REJ:
		d = pkt.data;
		if (bcur_get_be16(&d, &proto) == 0 &&
		    (proto == PPP_PROTO_EAP || proto == PPP_PROTO_CHAP ||
		    proto == PPP_PROTO_CCP)) {
			/* A protocol sstpc speaks: not pppd's business. */
			m->rejected_proto = proto;
			return LCP_MED_PROTREJ;
		}
		break;
	default:
		break;
	}
	/* Echo, Discard, Terminate, Code-Reject ...: end to end. */
	med_send(m, false, pkt.code, pkt.id, bcur_ptr(&pkt.data),
	    bcur_left(&pkt.data));
	return ev;
}

/* One LCP packet from pppd. */
int
lcp_med_from_pppd(struct lcp_med *m, uint64_t now, struct bcur info)
{
	uint8_t buf[PPP_MAX_INFO];
	struct ppp_cp_pkt pkt;
	struct ppp_opt o;
	struct bcur opts;
	struct wbuf w;
	size_t n;
	int ev = 0;

	if (ppp_cp_parse(info, &pkt) < 0)
		return 0;
	switch (pkt.code) {
	case PPP_CONF_REQ:
		if (ppp_opts_check(&ppp_lcp_ops, pkt.data) < 0)
			return 0;
		/* pppd wants the server to authenticate itself: impossible. */
		wbuf_init(&w, buf, sizeof buf);
		opts = pkt.data;
		while (ppp_opt_next(&opts, &o) == 1)
			if (o.type == LCP_OPT_AUTH)
				ppp_put_raw_opt(&w, &o);
		if (w.len > 0) {
			log_warn("pppd asks the server to authenticate itself "
			    "(pppd option 'auth'?); with --eap-auth give pppd "
			    "'noauth': rejected");
			med_send(m, false, PPP_CONF_REJ, pkt.id, buf, w.len);
			return 0;
		}
		if (med_store(m->pppd_opts, sizeof m->pppd_opts, &m->pppd_len,
		    pkt.data) < 0)
			return 0;
		m->pppd_valid = true;
		m->pppd_id = pkt.id;
		m->replay_pending = false;
		m->replay_deadline = UINT64_MAX;
		m->they_acked = false;
		ev = med_down(m);
		break;
	case PPP_CONF_ACK:
		if (!m->srv_pending || pkt.id != m->srv_id ||
		    !ppp_opts_equal(pkt.data,
		    bcur_make(m->fwd_opts, m->fwd_len))) {
			log_debug("LCP: stale Configure-Ack from pppd dropped");
			return 0;
		}
		/* RFC 1661 5.2: the Ack repeats the server's own options. */
		med_send(m, true, PPP_CONF_ACK, m->srv_id, m->srv_opts,
		    m->srv_len);
		memcpy(m->acked_opts, m->fwd_opts, m->fwd_len);
		m->acked_len = m->fwd_len;
		m->acked_valid = true;
		m->acked_auth = m->srv_auth;
		m->we_acked = true;
		return med_check_open(m);
	case PPP_CONF_NAK:
	case PPP_CONF_REJ:
		if (!m->srv_pending || pkt.id != m->srv_id)
			return 0;
		n = med_strip_auth(pkt.data, buf, sizeof buf);
		if (n == 0 && bcur_left(&pkt.data) > 0)
			return 0;
		med_send(m, true, pkt.code, pkt.id, buf, n);
		return 0;
	case PPP_TERM_REQ:
		m->we_acked = m->they_acked = false;
		ev = med_down(m) | LCP_MED_TERMINATE;
		break;
	default:
		break;
	}
	med_send(m, true, pkt.code, pkt.id, bcur_ptr(&pkt.data),
	    bcur_left(&pkt.data));
	return ev;
}

/* Restart LCP with the server without pppd. */
int
lcp_med_renegotiate(struct lcp_med *m, uint64_t now, bool avoid_eap)
{
	if (!m->pppd_valid)
		return -EAGAIN;
	m->avoid_eap = avoid_eap;
	m->auth_naks = 0;
	m->we_acked = false;
	(void)med_down(m);
	med_replay_start(m, now);
	return 0;
}

/* Send an LCP Terminate-Request to the server. */
void
lcp_med_terminate(struct lcp_med *m, const char *why)
{
	med_send(m, true, PPP_TERM_REQ, m->next_id++, why,
	    why != NULL ? strlen(why) : 0);
}

/* Protocol-Reject a frame of pppd (RFC 1661 5.7). */
void
lcp_med_protocol_reject_pppd(struct lcp_med *m, uint16_t proto,
    struct bcur info)
{
	uint8_t buf[PPP_MAX_INFO];
	size_t n = bcur_left(&info);
	struct wbuf w;

	/* RFC 1661 5.7: the rejected protocol, then its Information. */
	if (n > sizeof buf - 2)
		n = sizeof buf - 2;
	wbuf_init(&w, buf, sizeof buf);
	wbuf_put_be16(&w, proto);
	wbuf_put_bytes(&w, bcur_ptr(&info), n);
	med_send(m, false, PPP_PROTO_REJ, m->next_id++, buf, w.len);
}

/* Deadline of the replay retransmission, if any. */
uint64_t
lcp_med_deadline(const struct lcp_med *m)
{
	return m->replay_pending ? m->replay_deadline : UINT64_MAX;
}

/* Retransmit the replayed request, or give up. */
int
lcp_med_timer(struct lcp_med *m, uint64_t now)
{
	if (!m->replay_pending || now < m->replay_deadline)
		return 0;
	if (m->replay_tries >= LCP_MED_REPLAY_TRIES) {
		m->replay_pending = false;
		m->replay_deadline = UINT64_MAX;
		return med_fail(m, "the server does not answer sstpc's LCP "
		    "renegotiation");
	}
	med_replay_send(m, now);
	return 0;
}
