/*
 * eap_proxy.c - sstpc as the PPP authenticator's peer (--eap-auth); see
 * eap_proxy.h.
 *
 * Frames from each side are dispatched by protocol:
 *   LCP          -> lcp_mediate.c (both ways; pppd never sees auth)
 *   EAP, CHAP    -> eap_peer.c (server only; answers go to the server)
 *   CCP          -> ccp.c from the server (MPPE); from pppd: refused with
 *                   an LCP Protocol-Reject, pppd never compresses/encrypts
 *   MPPE 0x00FD  -> mppe.c decrypt, the plain frame goes to pppd
 *   IPCP/IPV6CP  -> held (latest of each) until authentication succeeded
 *   IP, IPv6     -> dropped before authentication; MPPE-encrypted when
 *                   MPPE is up; dropped while MPPE is being negotiated
 * Authentication success (S= verified, EAP Success) hands the HLAK to the
 * owner, which sends Call Connected (MS-SSTP 3.2.5.2).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "crypto/crypto.h"
#include "ppp/eap_proxy.h"
#include "util/log.h"
#include "crypto/ms_funcs.h"
#include "ppp/ccp.h"
#include "ppp/eap_peer.h"
#include "ppp/lcp_mediate.h"
#include "ppp/mppe.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"

#define PX_NAK_WAIT_MS		2000	/* server's time to follow our Nak */
#define PX_FRAME_BUF		(PPP_FRAME_MAX + 16)
#define PX_HELD_IPCP		0
#define PX_HELD_IPV6CP		1
#define PX_NHELD		2

enum px_phase {
	PX_ESTABLISH = 0,	/* LCP with the server */
	PX_AUTH,		/* sstpc authenticating */
	PX_NETWORK,		/* authenticated: NCPs and data pass */
	PX_FAILED
};

struct px_held {
	size_t		len;
	uint8_t		f[PPP_FRAME_MAX];
};

struct eap_proxy {
	const struct eap_proxy_ops	*ops;
	void				*arg;
	enum px_phase			 phase;
	bool				 auth_ok;
	struct lcp_med			 lcp;
	struct eap_peer			 peer;
	struct ccp_neg			 ccp;
	bool				 mppe_up;
	struct mppe_ctx			 tx;
	struct mppe_ctx			 rx;
	uint64_t			 nak_deadline;
	struct px_held			 held[PX_NHELD];
	uint64_t			 dropped_pppd;
	uint64_t			 dropped_server;
	bool				 warned_plain;
	uint8_t				 buf[PX_FRAME_BUF];
};

/* Level-4 trace of one frame (STYLE.md 8.14). */
static void
px_trace(const char *dir, const uint8_t *f, size_t len)
{
	char d[256];

	if (!log_enabled(LOG_LVL_CTRL))
		return;
	(void)ppp_dissect(f, len, d, sizeof d);
	log_ctrl("eap-auth %s %s", dir, d);
}

static void
px_to_server(void *arg, const uint8_t *f, size_t len)
{
	struct eap_proxy *p = arg;

	px_trace("sstpc>server", f, len);
	p->ops->to_server(p->arg, f, len);
}

static void
px_to_pppd(void *arg, const uint8_t *f, size_t len)
{
	struct eap_proxy *p = arg;

	px_trace("sstpc>pppd", f, len);
	p->ops->to_pppd(p->arg, f, len);
}

static const struct lcp_med_ops px_lcp_ops = {
	.to_server = px_to_server,
	.to_pppd = px_to_pppd,
};

/* Give up: LCP Terminate toward the server, then tell the owner. */
static void
px_fail(struct eap_proxy *p, enum eap_proxy_fail why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
px_fail(struct eap_proxy *p, enum eap_proxy_fail why, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	if (p->phase == PX_FAILED)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p->phase = PX_FAILED;
	p->nak_deadline = UINT64_MAX;
	log_err("%s", msg);
	lcp_med_terminate(&p->lcp, why == EAP_PROXY_FAIL_AUTH ?
	    "Authentication failed" : "Giving up");
	p->ops->fail(p->arg, why, msg);
}

/* Authentication done: keys to the owner, release what pppd sent. */
static void
px_auth_ok(struct eap_proxy *p, const char *how)
{
	struct ppp_auth_keys k;
	size_t i;
	int r;

	/*
	 * Once only: the binding was sent with the first keys.  A server that
	 * first asked for no authentication and authenticates later (or a
	 * re-challenge) cannot be bound again: tolerated, not re-announced.
	 */
	if (p->auth_ok) {
		log_debug("authentication repeated after the binding: ignored");
		return;
	}
	memset(&k, 0, sizeof k);
	if (how != NULL) {
		/*
		 * MS-SSTP 3.2.5.2.2 / PROTOCOL.md 4.1: the EAP-MSCHAPv2 MSK
		 * starts MasterSendKey | MasterReceiveKey, the same octets as
		 * plain MS-CHAPv2's keys.
		 */
		r = eap_peer_mppe_keys(&p->peer, k.send, k.recv);
		if (r != 0) {
			ppp_auth_keys_clear(&k);
			px_fail(p, EAP_PROXY_FAIL_INTERNAL, "cannot derive "
			    "the MPPE keys: %s", strerror(-r));
			return;
		}
		k.send_len = k.recv_len = 16;
	}
	log_info("%s", how != NULL ? how : "the server asks for no "
	    "authentication: zero HLAK");
	p->auth_ok = true;
	p->phase = PX_NETWORK;
	p->nak_deadline = UINT64_MAX;
	p->ops->auth_done(p->arg, &k);
	ppp_auth_keys_clear(&k);
	/* pppd's NCP requests held so far (RFC 1661 3.5: after auth). */
	for (i = 0; i < PX_NHELD; i++) {
		if (p->held[i].len == 0)
			continue;
		px_to_server(p, p->held[i].f, p->held[i].len);
		p->held[i].len = 0;
	}
}

/* Handle the result bits of the EAP/CHAP peer. */
static void
px_peer_result(struct eap_proxy *p, uint64_t now, int r, struct wbuf *w,
    const char *method)
{
	char how[120];

	if (r < 0) {
		log_debug("%s: malformed packet from the server dropped",
		    method);
		return;
	}
	if (r & EAP_PEER_SEND)
		px_to_server(p, w->p, w->len);
	if (r & EAP_PEER_NAKED)
		p->nak_deadline = now + PX_NAK_WAIT_MS;
	if (r & EAP_PEER_FAIL) {
		px_fail(p, EAP_PROXY_FAIL_AUTH, "authentication failed: %s",
		    eap_peer_reason(&p->peer));
		return;
	}
	if (r & EAP_PEER_OK) {
		snprintf(how, sizeof how, "%s authentication succeeded "
		    "(server's authenticator response verified)", method);
		px_auth_ok(p, how);
	}
}

/* A Terminate-Request from the server before we authenticated. */
static void
px_server_terminate(struct eap_proxy *p, struct bcur info)
{
	struct ppp_cp_pkt pkt;
	char text[100];
	size_t n;

	if (p->auth_ok || ppp_cp_parse(info, &pkt) < 0)
		return;
	n = bcur_get_printable(&pkt.data, text, sizeof text);
	px_fail(p, EAP_PROXY_FAIL_AUTH, "the server ended PPP before "
	    "authentication completed%s%s", n > 0 ? ": " : "", text);
}

/* React to what the LCP mediator reports. */
static void
px_lcp_events(struct eap_proxy *p, uint64_t now, int ev)
{
	/* Failure is final (eap_proxy.h): LCP may still answer, no more. */
	if (p->phase == PX_FAILED)
		return;
	if (ev & LCP_MED_FAIL) {
		px_fail(p, EAP_PROXY_FAIL_AUTH, "%s", lcp_med_reason(&p->lcp));
		return;
	}
	if (ev & LCP_MED_PROTREJ) {
		if (p->lcp.rejected_proto == PPP_PROTO_EAP) {
			/*
			 * XX: SoftEther abandons EAP after our Nak by
			 * Protocol-Rejecting it and renegotiating LCP with
			 * MS-CHAPv2; give it the usual time to do so.
			 */
			log_info("the server gave up EAP (Protocol-Reject)");
			p->nak_deadline = now + PX_NAK_WAIT_MS;
		} else if (p->lcp.rejected_proto == PPP_PROTO_CCP) {
			log_info("the server rejected CCP: no MPPE");
		} else if (!p->auth_ok) {
			px_fail(p, EAP_PROXY_FAIL_AUTH, "the server rejected "
			    "the authentication protocol it asked for");
			return;
		}
	}
	if (ev & LCP_MED_DOWN) {
		if (p->phase == PX_AUTH)
			p->phase = PX_ESTABLISH;
	}
	if ((ev & LCP_MED_OPENED) && !p->auth_ok) {
		p->nak_deadline = UINT64_MAX;
		eap_peer_restart(&p->peer);
		if (p->lcp.auth == LCP_AUTH_NONE) {
			log_warn("the server does not ask for authentication");
			px_auth_ok(p, NULL);
			return;
		}
		p->phase = PX_AUTH;
		log_info("authenticating to the server with %s (sstpc "
		    "--eap-auth)", p->lcp.auth == LCP_AUTH_EAP ?
		    "EAP-MSCHAPv2" : "MS-CHAPv2");
	}
}

/* MPPE up: keys from the MS-CHAPv2 exchange (RFC 3079 3.3). */
static void
px_mppe_up(struct eap_proxy *p)
{
	uint8_t send[16], recv[16];
	enum ms_mppe_bits tb = mppe_opt_bits(p->ccp.tx_bits);
	enum ms_mppe_bits rb = mppe_opt_bits(p->ccp.rx_bits);
	int r;

	r = eap_peer_mppe_keys(&p->peer, send, recv);
	if (r == 0)
		r = mppe_init(&p->tx, send, tb,
		    (p->ccp.tx_bits & MPPE_OPT_H) != 0);
	if (r == 0)
		r = mppe_init(&p->rx, recv, rb,
		    (p->ccp.rx_bits & MPPE_OPT_H) != 0);
	explicit_bzero(send, sizeof send);
	explicit_bzero(recv, sizeof recv);
	if (r != 0) {
		px_fail(p, EAP_PROXY_FAIL_INTERNAL, "cannot set up MPPE: %s",
		    strerror(-r));
		return;
	}
	p->mppe_up = true;
	log_info("MPPE-%d %s negotiated with the server: sstpc encrypts "
	    "for pppd", (int)tb, (p->ccp.tx_bits & MPPE_OPT_H) ?
	    "stateless" : "stateful");
}

static void
px_mppe_down(struct eap_proxy *p)
{
	if (!p->mppe_up)
		return;
	p->mppe_up = false;
	mppe_clear(&p->tx);
	mppe_clear(&p->rx);
}

static void
px_ccp_events(struct eap_proxy *p, int ev)
{
	if (ev & CCP_EV_DOWN)
		px_mppe_down(p);
	if (ev & CCP_EV_FAIL) {
		px_mppe_down(p);
		px_fail(p, EAP_PROXY_FAIL_INTERNAL, "MPPE: %s",
		    ccp_reason(&p->ccp));
		return;
	}
	if (ev & CCP_EV_UP)
		px_mppe_up(p);
	if ((ev & CCP_EV_RESET) && p->mppe_up)
		mppe_reset_request(&p->tx);
}

static void
px_ccp_send(void *arg, const uint8_t *f, size_t len)
{
	px_to_server(arg, f, len);
}

/* Create the proxy; see eap_proxy.h. */
struct eap_proxy *
eap_proxy_new(const char *user, const char *password,
    const struct eap_proxy_ops *ops, void *arg)
{
	struct eap_proxy *p;
	uint8_t ids[2] = { 0x40, 0xc0 };

	p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;
	if (eap_peer_init(&p->peer, user, password) != 0) {
		log_err("--eap-auth: user name or password too long");
		eap_proxy_free(p);
		return NULL;
	}
	(void)crypto_random(ids, sizeof ids);
	p->ops = ops;
	p->arg = arg;
	p->nak_deadline = UINT64_MAX;
	lcp_med_init(&p->lcp, &px_lcp_ops, p, ids[0]);
	ccp_init(&p->ccp, px_ccp_send, p, ids[1]);
	return p;
}

/* Wipe the credentials and keys and free the proxy. */
void
eap_proxy_free(struct eap_proxy *p)
{
	if (p == NULL)
		return;
	eap_peer_clear(&p->peer);
	mppe_clear(&p->tx);
	mppe_clear(&p->rx);
	explicit_bzero(p, sizeof *p);
	free(p);
}

/* A data frame from pppd: encrypted, plain or dropped. */
static void
px_pppd_data(struct eap_proxy *p, const uint8_t *f, size_t len,
    const struct ppp_frame *fr)
{
	struct wbuf w;
	size_t start;

	if (!p->auth_ok) {
		p->dropped_pppd++;
		return;
	}
	if (!p->mppe_up) {
		if (p->ccp.active) {
			/* Never plain text while MPPE is being agreed. */
			p->dropped_pppd++;
			return;
		}
		px_to_server(p, f, len);
		return;
	}
	wbuf_init(&w, p->buf, sizeof p->buf);
	ppp_put_hdr(&w, PPP_PROTO_MPPE);
	start = w.len;
	if (bcur_left(&fr->info) + MPPE_OVERHEAD > PPP_MAX_INFO ||
	    mppe_encrypt(&p->tx, fr->proto, bcur_ptr(&fr->info),
	    bcur_left(&fr->info), &w) != 0 || w.len <= start) {
		p->dropped_pppd++;
		return;
	}
	p->ops->to_server(p->arg, w.p, w.len);
}

/* Dispatch one frame from pppd by protocol (see the top of the file). */
void
eap_proxy_from_pppd(struct eap_proxy *p, uint64_t now, const uint8_t *f,
    size_t len)
{
	struct ppp_frame fr;
	int slot;

	if (ppp_frame_parse(f, len, &fr) < 0) {
		p->dropped_pppd++;
		return;
	}
	if (fr.proto != PPP_PROTO_IP && fr.proto != PPP_PROTO_IPV6)
		px_trace("pppd>sstpc", f, len);
	if (fr.proto == PPP_PROTO_LCP) {
		px_lcp_events(p, now, lcp_med_from_pppd(&p->lcp, now, fr.info));
		return;
	}
	if (p->phase == PX_FAILED)
		return;
	switch (fr.proto) {
	case PPP_PROTO_CCP:
		/* pppd neither compresses nor encrypts: sstpc does MPPE. */
		lcp_med_protocol_reject_pppd(&p->lcp, fr.proto, fr.info);
		return;
	case PPP_PROTO_EAP:
	case PPP_PROTO_CHAP:
	case PPP_PROTO_PAP:
		log_debug("pppd sent an authentication packet: dropped "
		    "(pppd needs 'noauth' and no auth with --eap-auth)");
		return;
	case PPP_PROTO_IPCP:
	case PPP_PROTO_IPV6CP:
		if (p->auth_ok)
			break;
		/* Keep the latest: pppd's retransmissions replace it. */
		slot = fr.proto == PPP_PROTO_IPCP ? PX_HELD_IPCP :
		    PX_HELD_IPV6CP;
		if (len <= sizeof p->held[slot].f) {
			memcpy(p->held[slot].f, f, len);
			p->held[slot].len = len;
		}
		return;
	default:
		if (fr.proto < 0x4000) {
			px_pppd_data(p, f, len, &fr);
			return;
		}
		/*
		 * RFC 1661 3.5: before authentication only LCP, the
		 * authentication protocols and Link Quality Report pass;
		 * everything else is silently discarded.
		 */
		if (!p->auth_ok && fr.proto != PPP_PROTO_LQR) {
			p->dropped_pppd++;
			return;
		}
		break;
	}
	px_to_server(p, f, len);
}

/* An MPPE packet from the server: decrypt and pass on. */
static void
px_server_mppe(struct eap_proxy *p, uint64_t now, const struct ppp_frame *fr)
{
	struct ppp_frame inner;
	struct wbuf w;
	int r;

	if (!p->mppe_up) {
		p->dropped_server++;
		return;
	}
	wbuf_init(&w, p->buf, sizeof p->buf);
	wbuf_put_u8(&w, 0xff);
	wbuf_put_u8(&w, 0x03);
	r = mppe_decrypt(&p->rx, now, fr->info, &w);
	if (r == MPPE_LOST) {
		log_debug("MPPE: packets lost, sending CCP Reset-Request");
		ccp_send_reset_request(&p->ccp);
	}
	if (r != 0) {
		p->dropped_server++;
		return;
	}
	/*
	 * RFC 1962 1 / RFC 3078: only data protocols travel encrypted.  An
	 * LCP, EAP or CCP frame inside MPPE would slip past the mediator,
	 * and RC4 without integrity can yield any octets: drop what is not
	 * a well-formed data frame.
	 */
	if (ppp_frame_parse(w.p, w.len, &inner) != 0 ||
	    inner.proto >= 0x4000 || inner.proto == PPP_PROTO_MPPE ||
	    inner.proto == PPP_PROTO_CCP_INNER) {
		log_debug("MPPE: dropped a decrypted frame with protocol "
		    "0x%04x", inner.proto);
		p->dropped_server++;
		return;
	}
	p->ops->to_pppd(p->arg, w.p, w.len);
}

/* Dispatch one frame from the server by protocol. */
void
eap_proxy_from_server(struct eap_proxy *p, uint64_t now, const uint8_t *f,
    size_t len)
{
	struct ppp_frame fr;
	struct ppp_cp_pkt pkt;
	uint8_t out[EAP_PEER_REPLY_MAX + 16];
	struct wbuf w;
	int r;

	if (ppp_frame_parse(f, len, &fr) < 0) {
		p->dropped_server++;
		return;
	}
	if (fr.proto != PPP_PROTO_MPPE && fr.proto != PPP_PROTO_IP &&
	    fr.proto != PPP_PROTO_IPV6)
		px_trace("server>sstpc", f, len);
	if (fr.proto == PPP_PROTO_LCP) {
		if (ppp_cp_parse(fr.info, &pkt) == 0 &&
		    pkt.code == PPP_TERM_REQ && p->phase != PX_FAILED) {
			px_lcp_events(p, now, lcp_med_from_server(&p->lcp,
			    now, fr.info));
			px_server_terminate(p, fr.info);
			return;
		}
		px_lcp_events(p, now, lcp_med_from_server(&p->lcp, now,
		    fr.info));
		return;
	}
	if (p->phase == PX_FAILED)
		return;
	wbuf_init(&w, out, sizeof out);
	switch (fr.proto) {
	case PPP_PROTO_EAP:
		if (p->phase != PX_AUTH || p->lcp.auth != LCP_AUTH_EAP) {
			log_debug("EAP packet outside EAP authentication "
			    "dropped");
			return;
		}
		p->nak_deadline = UINT64_MAX;
		r = eap_peer_eap_input(&p->peer, fr.info, &w);
		px_peer_result(p, now, r, &w, "EAP-MSCHAPv2");
		return;
	case PPP_PROTO_CHAP:
		if (p->lcp.auth != LCP_AUTH_MSCHAPV2 ||
		    (p->phase != PX_AUTH && p->phase != PX_NETWORK)) {
			log_debug("CHAP packet outside MS-CHAPv2 dropped");
			return;
		}
		r = eap_peer_chap_input(&p->peer, fr.info, &w);
		px_peer_result(p, now, r, &w, "MS-CHAPv2");
		return;
	case PPP_PROTO_PAP:
		return;
	case PPP_PROTO_CCP:
		if (!p->auth_ok) {
			p->dropped_server++;
			return;
		}
		px_ccp_events(p, ccp_from_server(&p->ccp, now, fr.info));
		return;
	case PPP_PROTO_MPPE:
		px_server_mppe(p, now, &fr);
		return;
	default:
		if (p->mppe_up && fr.proto < 0x4000) {
			/* RFC 3078 4: plain data while MPPE is on. */
			if (!p->warned_plain)
				log_warn("MPPE is on but the server sent an "
				    "unencrypted packet: dropped");
			p->warned_plain = true;
			p->dropped_server++;
			return;
		}
		break;
	}
	p->ops->to_pppd(p->arg, f, len);
}

/* Earliest of the Nak wait, the LCP replay and the CCP timers. */
uint64_t
eap_proxy_deadline(const struct eap_proxy *p)
{
	uint64_t d = p->nak_deadline, x;

	if (p->phase == PX_FAILED)
		return UINT64_MAX;
	x = lcp_med_deadline(&p->lcp);
	if (x < d)
		d = x;
	x = ccp_deadline(&p->ccp);
	if (x < d)
		d = x;
	return d;
}

/* Timers: EAP-stall fallback, LCP replay, CCP retransmission. */
void
eap_proxy_timer(struct eap_proxy *p, uint64_t now)
{
	if (p->phase == PX_FAILED)
		return;
	if (now >= p->nak_deadline) {
		p->nak_deadline = UINT64_MAX;
		/*
		 * XX: SoftEther offers only EAP-TLS inside EAP and then
		 * stalls after our Nak; restart LCP and Nak EAP so that it
		 * falls back to MS-CHAPv2 (PROTOCOL.md 7.2).
		 */
		if (!p->auth_ok && p->lcp.auth == LCP_AUTH_EAP) {
			log_info("the server did not go on after sstpc's EAP "
			    "Nak: renegotiating LCP for MS-CHAPv2");
			if (lcp_med_renegotiate(&p->lcp, now, true) < 0) {
				px_fail(p, EAP_PROXY_FAIL_AUTH, "the server "
				    "offers no EAP method sstpc can do");
				return;
			}
			p->phase = PX_ESTABLISH;
		}
	}
	px_lcp_events(p, now, lcp_med_timer(&p->lcp, now));
	if (p->phase != PX_FAILED)
		px_ccp_events(p, ccp_timer(&p->ccp, now));
}
