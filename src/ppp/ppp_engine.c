/*
 * ppp_engine.c - sstpc's own PPP (see ppp_engine.h): the phases of RFC
 * 1661 3.2 around the automata of ppp_fsm.c, authentication through
 * ppp_auth.h, CCP/MPPE through ccp.c and mppe.c (RFC 1962, RFC 3078, RFC
 * 3079) when the server insists on it, and the data path: IP packets to
 * the host without a copy, from the host wrapped in place.
 *
 * Server role (sstpd): the same phases with the server's option judges
 * (ppp_lcp.c, ppp_ipcp.c), the authenticator through ppp_srvauth.c, the
 * peer's address from ops.peer_addr once authenticated, and CCP always
 * Protocol-Rejected (MS-SSTP: no MPPE inside SSTP).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/nelem.h"
#include "crypto/crypto.h"
#include "ppp/ppp_engine.h"
#include "ppp/ppp_engine_int.h"
#include "ppp/proto.h"

_Static_assert(PPP_ENGINE_HEADROOM == PPP_HDR_LEN + MPPE_OVERHEAD,
    "headroom: FF 03, protocol, MPPE header, inner protocol");

static void engine_end(struct ppp_engine *);
static void engine_net_check(struct ppp_engine *);

/* The other end, for the log: the client sstpd serves, or our server. */
static const char *
engine_peer(const struct ppp_engine *e)
{
	return e->conf.role == PPP_ROLE_SERVER ? "client" : "server";
}

/* Random octets: the test hook, else the kernel's. */
void
ppp_engine_rand(struct ppp_engine *e, void *buf, size_t len)
{
	if (e->conf.rand_hook != NULL)
		e->conf.rand_hook(buf, len);
	else if (crypto_random(buf, len) != 0)
		memset(buf, 0, len);	/* callers replace zero values */
}

/*
 * A frame (protocol first) for the server, counted: FF 03 in front (RFC
 * 1662 3.1-3.2).  We never use the permission to omit it that an Ack of
 * the peer's ACFC gives (RFC 1661 6.6).  XX: SoftEther drops frames
 * without FF 03 (test server scenario require-ff03).
 */
void
ppp_engine_output(struct ppp_engine *e, const uint8_t *frame, size_t len)
{
	uint8_t buf[PPP_FRAME_MAX];
	struct wbuf w;

	if (e->ended || e->phase == PPP_PHASE_DEAD)
		return;
	wbuf_init(&w, buf, sizeof buf);
	wbuf_put_u8(&w, PPP_ADDR_ALL);
	wbuf_put_u8(&w, PPP_CTRL_UI);
	wbuf_put_bytes(&w, frame, len);
	if (wbuf_error(&w) != 0) {
		log_warn_c(e->conf.log_ctx,
		    "PPP: a frame of %zu octets is too large, not sent",
		    len);
		return;
	}
	e->out_octets += w.len;
	e->ops->output(e->arg, buf, w.len);
}

/* Skip the FF 03 a frame may start with (its writer's choice). */
static struct bcur
engine_skip_ac(const uint8_t *frame, size_t len)
{
	struct bcur c = bcur_make(frame, len);

	if (bcur_starts_with(&c, "\xff\x03", 2))
		(void)bcur_skip(&c, 2);
	return c;
}

/* ccp.c writes FF 03 itself; ppp_engine_output() is the one place. */
static void
engine_ccp_send(void *arg, const uint8_t *frame, size_t len)
{
	struct bcur c = engine_skip_ac(frame, len);

	ppp_engine_output(arg, bcur_ptr(&c), bcur_left(&c));
}

/* Remember the first reason PPP ends and close LCP (RFC 1661 3.7). */
void
ppp_engine_fail(struct ppp_engine *e, enum ppp_end code, const char *fmt, ...)
{
	va_list ap;

	if (!e->end_set) {
		e->end_set = true;
		e->end_code = code;
		va_start(ap, fmt);
		vsnprintf(e->end_why, sizeof e->end_why, fmt, ap);
		va_end(ap);
		log_info_c(e->conf.log_ctx, "PPP: %s", e->end_why);
	}
	if (e->phase != PPP_PHASE_DEAD)
		e->phase = PPP_PHASE_TERMINATE;
	ppp_fsm_close(&e->lcp, e->now);
	/* Closed from Initial/Starting needs no Terminate exchange. */
	if (e->lcp.state == PPP_ST_INITIAL || e->lcp.state == PPP_ST_CLOSED)
		engine_end(e);
}

/* ended(), exactly once. */
static void
engine_end(struct ppp_engine *e)
{
	if (e->ended)
		return;
	if (e->net_is_up) {
		e->net_is_up = false;
		if (e->ops->net_down != NULL)
			e->ops->net_down(e->arg);
	}
	e->phase = PPP_PHASE_DEAD;
	e->ended = true;
	if (!e->end_set) {
		e->end_set = true;
		e->end_code = PPP_END_OK;
		snprintf(e->end_why, sizeof e->end_why, "PPP terminated");
	}
	if (e->ops->ended != NULL)
		e->ops->ended(e->arg, e->end_code, e->end_why);
}

static const struct ppp_engine_glue engine_glue = {
	.rand = ppp_engine_rand,
	.output = ppp_engine_output,
	.fail = ppp_engine_fail,
	.lcp_up = ppp_engine_lcp_up,
	.lcp_down = ppp_engine_lcp_down,
	.lcp_finished = ppp_engine_lcp_finished,
	.ncp_up = ppp_engine_ncp_up,
	.ncp_down = ppp_engine_ncp_down,
	.ncp_finished = ppp_engine_ncp_finished,
	.proto_rejected = ppp_engine_proto_rejected,
};

/* Set up a new engine; see ppp_engine.h. */
struct ppp_engine *
ppp_engine_new(const struct ppp_engine_conf *conf,
    const struct ppp_engine_ops *ops, void *arg)
{
	struct ppp_engine *e;
	uint8_t id0;
	bool srv;

	if ((e = calloc(1, sizeof *e)) == NULL)
		return NULL;
	e->g = &engine_glue;
	e->conf = *conf;
	e->user = strdup(conf->user != NULL ? conf->user : "");
	e->password = strdup(conf->password != NULL ? conf->password : "");
	if (e->user == NULL || e->password == NULL) {
		ppp_engine_free(e);
		return NULL;
	}
	e->conf.user = e->user;
	e->conf.password = e->password;
	e->ops = ops;
	e->arg = arg;
	e->our_mru = conf->mru != 0 ? conf->mru : PPP_MRU_DEFAULT;
	/* PROTOCOL.md 5.3: never ask for more than SSTP can carry. */
	if (e->our_mru > PPP_MAX_INFO)
		e->our_mru = PPP_MAX_INFO;
	if (e->our_mru < PPP_MRU_MIN)
		e->our_mru = PPP_MRU_MIN;
	e->peer_mru = PPP_MRU_DEFAULT;
	e->auth_name = "";
	srv = conf->role == PPP_ROLE_SERVER;
	if (srv) {
		/* No MPPE inside SSTP (MS-SSTP 1.3): CCP is refused. */
		e->conf.require_mppe = false;
		e->conf.refuse_mppe = true;
		e->auth_want = ppp_lcp_srv_first(e);
	}
	ppp_engine_rand(e, &id0, 1);
	ppp_fsm_init(&e->lcp, srv ? &ppp_lcp_server_ops : &ppp_lcp_client_ops,
	    e, PPP_PROTO_LCP, "LCP", id0);
	ppp_fsm_init(&e->ipcp, srv ? &ppp_ipcp_server_ops :
	    &ppp_ipcp_client_ops, e, PPP_PROTO_IPCP, "IPCP", 1);
	ppp_fsm_init(&e->ipv6cp, &ppp_ipv6cp_client_ops, e, PPP_PROTO_IPV6CP,
	    "IPV6CP", 1);
	e->lcp.log_ctx = e->ipcp.log_ctx = e->ipv6cp.log_ctx = conf->log_ctx;
	ppp_fsm_limits(&e->lcp, conf->restart_ms, conf->max_configure,
	    conf->max_terminate, conf->max_failure);
	ppp_fsm_limits(&e->ipcp, conf->restart_ms, conf->max_configure,
	    conf->max_terminate, conf->max_failure);
	ppp_fsm_limits(&e->ipv6cp, conf->restart_ms, conf->max_configure,
	    conf->max_terminate, conf->max_failure);
	ccp_init(&e->ccp, engine_ccp_send, e, 1);
	return e;
}

/* Lower layer up and Open (RFC 1661 3.2 Establish). */
void
ppp_engine_start(struct ppp_engine *e, uint64_t now)
{
	e->now = now;
	if (e->phase != PPP_PHASE_DEAD || e->ended)
		return;
	e->phase = PPP_PHASE_ESTABLISH;
	if (e->conf.role == PPP_ROLE_SERVER &&
	    e->auth_want == PPP_AUTHP_NONE &&
	    (e->conf.auth_offer & PPP_AUTH_ALLOW_NONE) == 0) {
		ppp_engine_fail(e, PPP_END_AUTH, "no authentication method "
		    "to offer (PAP, MS-CHAPv2 or EAP; or none)");
		return;
	}
	ppp_fsm_open(&e->lcp, now);
	ppp_fsm_up(&e->lcp, now);
}

/* Send what the authentication module wrote. */
static void
engine_auth_out(struct ppp_engine *e, struct wbuf *w)
{
	struct bcur c;

	if (wbuf_error(w) != 0 || w->len == 0)
		return;
	/* ppp_auth.h: protocol first, no FF 03; accept either. */
	c = engine_skip_ac(w->p, w->len);
	ppp_engine_output(e, bcur_ptr(&c), bcur_left(&c));
}

/*
 * Server role: the client's IPv4 address, asked of ops.peer_addr once per
 * session (the caller releases it at free) with the secrets line's fixed
 * address.  False when there is none: PPP ends, NEGOTIATION, unless IPv6
 * is on: then the link is IPv6 only (IPCP is not opened; a client that
 * insists on IPCP sees it closed and decides).
 */
static bool
engine_srv_peer4(struct ppp_engine *e)
{
	uint32_t a = 0;
	int r;

	if (e->peer4_asked)
		return e->peer4 != 0;
	e->peer4_asked = true;
	r = e->ops->peer_addr != NULL ? e->ops->peer_addr(e->arg,
	    e->peer_user, ppp_srvauth_addr4(e), &a) : -ENOSYS;
	if ((r < 0 || a == 0) && e->conf.ipv6) {
		log_info_c(e->conf.log_ctx,
		    "IPCP: no IPv4 address for the client%s%s%s (%s): "
		    "IPv6 only", e->peer_user[0] != '\0' ? " \"" : "",
		    e->peer_user, e->peer_user[0] != '\0' ? "\"" : "",
		    r < 0 ? strerror(-r) : "address 0.0.0.0");
		return false;
	}
	if (r < 0 || a == 0) {
		ppp_engine_fail(e, PPP_END_NEGOTIATION, "IPCP: no IPv4 address "
		    "for the client%s%s%s (%s)", e->peer_user[0] != '\0' ?
		    " \"" : "", e->peer_user, e->peer_user[0] != '\0' ? "\"" :
		    "", r < 0 ? strerror(-r) : "address 0.0.0.0");
		return false;
	}
	e->peer4 = a;
	return true;
}

/*
 * Server role: may IPV6CP open (ops.peer_ipv6, once per session)?  False
 * when the backend has no IPv6 left for the client: IPV6CP is not opened
 * (a client that insists sees it closed), the link is IPv4 only.
 */
static bool
engine_srv_peer6(struct ppp_engine *e)
{
	int r;

	if (e->conf.role != PPP_ROLE_SERVER || e->ops->peer_ipv6 == NULL)
		return true;
	if (e->peer6_asked)
		return e->peer6_ok;
	e->peer6_asked = true;
	r = e->ops->peer_ipv6(e->arg, e->peer_user);
	e->peer6_ok = r == 0;
	if (r < 0)
		log_info_c(e->conf.log_ctx,
		    "IPV6CP: no IPv6 for the client%s%s%s (%s): %s",
		    e->peer_user[0] != '\0' ? " \"" : "", e->peer_user,
		    e->peer_user[0] != '\0' ? "\"" : "", strerror(-r),
		    e->ipcp.state >= PPP_ST_REQ_SENT ? "IPv4 only" :
		    "no IP at all");
	return e->peer6_ok;
}

/* Leave Authenticate for Network: the NCPs start (RFC 1661 3.5). */
static void
engine_network(struct ppp_engine *e)
{
	e->phase = PPP_PHASE_NETWORK;
	if (e->conf.require_mppe)
		e->mppe_deadline = e->now + (uint64_t)e->lcp.restart_ms *
		    e->lcp.max_configure;
	if (e->conf.ipv4 && e->conf.role == PPP_ROLE_SERVER) {
		if (!engine_srv_peer4(e)) {
			if (e->phase != PPP_PHASE_NETWORK)
				return;		/* failed: PPP ends */
			goto ipv6;		/* IPv6 only */
		}
		/* Our address; none configured: not asked (RFC 1332 3.3). */
		e->ipcp_want = e->conf.local4 != 0 ? IPCP_W_ADDR : 0;
		e->ip_local = e->conf.local4;
		e->ip_peer = e->peer4;
		e->ip4_noaddr = false;
		e->ipcp_protrej = false;
		memset(e->dns, 0, sizeof e->dns);
		memset(e->nbns, 0, sizeof e->nbns);
		ppp_fsm_open(&e->ipcp, e->now);
		ppp_fsm_up(&e->ipcp, e->now);
	} else if (e->conf.ipv4) {
		e->ipcp_want = IPCP_W_ADDR;
		if (e->conf.usepeerdns)
			e->ipcp_want |= IPCP_W_DNS1 | IPCP_W_DNS2 |
			    IPCP_W_NBNS1 | IPCP_W_NBNS2;
		e->ip_local = e->conf.want_ip4;
		e->ip4_noaddr = false;
		e->ipcp_protrej = false;
		e->ip_peer = 0;
		memset(e->dns, 0, sizeof e->dns);
		memset(e->nbns, 0, sizeof e->nbns);
		ppp_fsm_open(&e->ipcp, e->now);
		ppp_fsm_up(&e->ipcp, e->now);
	}
ipv6:
	if (e->conf.ipv6 && e->phase == PPP_PHASE_NETWORK &&
	    engine_srv_peer6(e)) {
		ppp_ipv6cp_reset(e);
		ppp_fsm_open(&e->ipv6cp, e->now);
		ppp_fsm_up(&e->ipv6cp, e->now);
	} else if (e->conf.ipv6 && e->phase == PPP_PHASE_NETWORK &&
	    e->ipcp.state < PPP_ST_REQ_SENT) {
		ppp_engine_fail(e, PPP_END_NEGOTIATION, "neither an IPv4 "
		    "address nor IPv6 for the client");
		return;
	}
	if (!e->conf.ipv4 && !e->conf.ipv6)
		ppp_engine_fail(e, PPP_END_NEGOTIATION, "neither IPv4 nor "
		    "IPv6 is enabled");
}

/*
 * Server role: keep the authenticated name.  LCP renegotiated (RFC 1661
 * 3.2) must authenticate the same user: the address ops.peer_addr gave
 * is that user's.
 */
static bool
engine_srv_authed(struct ppp_engine *e)
{
	const char *u = ppp_srvauth_user(e);

	if (e->peer_user[0] != '\0' && strcmp(e->peer_user, u) != 0) {
		ppp_engine_fail(e, PPP_END_AUTH, "the client authenticated "
		    "again as another user (\"%s\", was \"%s\")", u,
		    e->peer_user);
		return false;
	}
	snprintf(e->peer_user, sizeof e->peer_user, "%s", u);
	return true;
}

/* Act on the flags of a ppp_auth_client_* / ppp_srvauth_* call. */
static void
engine_auth_result(struct ppp_engine *e, int r, struct wbuf *w)
{
	const bool srv = e->conf.role == PPP_ROLE_SERVER;
	const char *how;

	if (r < 0) {
		ppp_engine_fail(e, PPP_END_INTERNAL, "authentication: "
		    "internal error %d", r);
		return;
	}
	if (r & PPP_AUTH_SEND)
		engine_auth_out(e, w);
	if (srv)
		e->auth_deadline = ppp_srvauth_wants_timer(e) ?
		    e->now + e->lcp.restart_ms : 0;
	else
		e->auth_deadline = ppp_auth_client_wants_timer(e->auth) ?
		    e->now + e->lcp.restart_ms : 0;
	if (r & PPP_AUTH_FAIL) {
		ppp_engine_fail(e, PPP_END_AUTH, "authentication failed: %s",
		    srv ? ppp_srvauth_reason(e) :
		    ppp_auth_client_reason(e->auth));
		return;
	}
	if ((r & PPP_AUTH_OK) == 0 || e->auth_ok)
		return;
	if (srv && !engine_srv_authed(e))
		return;
	e->auth_ok = true;
	e->auth_deadline = 0;
	e->auth_limit = 0;
	ppp_auth_keys_clear(&e->keys);
	if ((srv ? ppp_srvauth_keys(e, &e->keys) :
	    ppp_auth_client_keys(e->auth, &e->keys)) < 0)
		ppp_auth_keys_clear(&e->keys);
	how = ppp_auth_proto_name(e->auth_proto);
	e->auth_name = how;
	if (srv)
		log_info_c(e->conf.log_ctx,
		    "PPP: the client \"%s\" authenticated with %s",
		    e->peer_user, how);
	else
		log_info_c(e->conf.log_ctx, "PPP: authenticated with %s", how);
	if (e->ops->auth_done != NULL)
		e->ops->auth_done(e->arg, &e->keys, how);
	if (e->phase == PPP_PHASE_AUTHENTICATE)
		engine_network(e);
}

/* LCP opened: Authenticate (RFC 1661 3.4). */
void
ppp_engine_lcp_up(struct ppp_engine *e)
{
	uint8_t buf[PPP_FRAME_MAX];
	struct wbuf w;

	/* Client: what the server asked for; server: what the client Acked. */
	e->auth_proto = e->conf.role == PPP_ROLE_SERVER ? e->auth_want :
	    e->auth_offer;
	e->ccp_refused = false;
	if (e->conf.echo_interval > 0) {
		e->echo_pending = 0;
		e->echo_deadline = e->now + (uint64_t)e->conf.echo_interval *
		    1000;
	}
	e->phase = PPP_PHASE_AUTHENTICATE;
	e->auth_ok = false;
	if (e->auth_proto == PPP_AUTHP_NONE) {
		if (e->conf.role == PPP_ROLE_SERVER) {
			/* Only offered with PPP_AUTH_ALLOW_NONE (ppp_lcp.c). */
			e->auth_ok = true;
			e->auth_name = "none";
			ppp_auth_keys_clear(&e->keys);
			if (e->ops->auth_done != NULL)
				e->ops->auth_done(e->arg, &e->keys, "none");
			engine_network(e);
			return;
		}
		if ((e->conf.auth_allow & PPP_AUTH_ALLOW_NONE) == 0) {
			ppp_engine_fail(e, PPP_END_AUTH, "the server asked "
			    "for no authentication, which is not allowed");
			return;
		}
		e->auth_ok = true;
		e->auth_name = "none";
		ppp_auth_keys_clear(&e->keys);
		if (e->ops->auth_done != NULL)
			e->ops->auth_done(e->arg, &e->keys, "none");
		engine_network(e);
		return;
	}
	if (e->conf.role == PPP_ROLE_SERVER) {
		/* RFC 1994 4.1, RFC 3748 4.3: the authenticator starts. */
		e->auth_limit = e->now + (e->conf.auth_timeout_ms != 0 ?
		    e->conf.auth_timeout_ms : PPP_AUTHSRV_LIMIT_MS);
		wbuf_init(&w, buf, sizeof buf);
		engine_auth_result(e, ppp_srvauth_start(e, &w), &w);
		return;
	}
	ppp_auth_client_free(e->auth);
	e->auth_limit = e->now + PPP_AUTH_LIMIT_MS;
	e->auth = ppp_auth_client_new(e->auth_proto, e->user, e->password);
	if (e->auth == NULL) {
		ppp_engine_fail(e, PPP_END_INTERNAL, "out of memory");
		return;
	}
	wbuf_init(&w, buf, sizeof buf);
	engine_auth_result(e, ppp_auth_client_start(e->auth, &w), &w);
}

/* Leave Network: the NCPs and CCP go down with LCP. */
static void
engine_network_down(struct ppp_engine *e)
{
	ppp_fsm_down(&e->ipcp, e->now);
	ppp_fsm_down(&e->ipv6cp, e->now);
	ppp_fsm_close(&e->ipcp, e->now);
	ppp_fsm_close(&e->ipv6cp, e->now);
	if (e->net_is_up) {
		e->net_is_up = false;
		if (e->ops->net_down != NULL)
			e->ops->net_down(e->arg);
	}
	e->mppe_up = false;
	e->ccp_on = false;
	e->ccp_seen = 0;
	e->mppe_deadline = 0;
	mppe_clear(&e->mtx);
	mppe_clear(&e->mrx);
	ccp_init(&e->ccp, engine_ccp_send, e, e->ccp.next_id);
}

/*
 * Why LCP is leaving Opened or finishing, from the packet being handled
 * (none: a timer or our own Close, whose reason is already set).  The
 * classes of enum ppp_end: the server's Terminate-Request is PPP_END_OK,
 * but during Authenticate PPP_END_AUTH (servers refuse that way too); a
 * Code-Reject or Protocol-Reject of LCP itself is PPP_END_NEGOTIATION.
 */
static void
engine_lcp_cause(struct ppp_engine *e)
{
	const char *code;

	if (e->end_set)
		return;
	switch (e->lcp.rx_code) {
	case PPP_TERM_REQ:
		e->end_set = true;
		if (e->phase == PPP_PHASE_AUTHENTICATE) {
			e->end_code = PPP_END_AUTH;
			snprintf(e->end_why, sizeof e->end_why, "the %s "
			    "terminated PPP during authentication (%s)%s",
			    engine_peer(e), ppp_auth_proto_name(e->auth_proto),
			    e->conf.role == PPP_ROLE_SERVER ? "" :
			    ": refused?");
		} else {
			e->end_code = PPP_END_OK;
			snprintf(e->end_why, sizeof e->end_why, "the %s "
			    "terminated PPP%s", engine_peer(e),
			    e->ccp_refused && e->conf.role != PPP_ROLE_SERVER ?
			    " (after sstpc refused CCP: does it require "
			    "MPPE?)" : "");
		}
		break;
	case PPP_CODE_REJ:
	case PPP_PROTO_REJ:
		code = e->lcp.rx_code == PPP_CODE_REJ ? "Code-Reject" :
		    "Protocol-Reject";
		e->end_set = true;
		e->end_code = PPP_END_NEGOTIATION;
		snprintf(e->end_why, sizeof e->end_why, "LCP: the %s "
		    "cannot do LCP (a %s of what LCP needs)", engine_peer(e),
		    code);
		break;
	default:
		return;
	}
	log_info_c(e->conf.log_ctx, "PPP: %s", e->end_why);
}

/* LCP left Opened (renegotiation, termination). */
void
ppp_engine_lcp_down(struct ppp_engine *e)
{
	engine_lcp_cause(e);
	engine_network_down(e);
	ppp_auth_client_free(e->auth);
	e->auth = NULL;
	if (e->conf.role == PPP_ROLE_SERVER) {
		/* A new LCP negotiation asks for authentication anew. */
		ppp_srvauth_free(e);
		e->auth_naked = 0;
		e->auth_want = ppp_lcp_srv_first(e);
	}
	e->auth_deadline = 0;
	e->auth_limit = 0;
	e->auth_ok = false;
	e->echo_deadline = 0;
	if (e->phase == PPP_PHASE_DEAD)
		return;
	/* Closing/Stopping: terminating; else renegotiating (3.2). */
	e->phase = e->lcp.state == PPP_ST_CLOSING ||
	    e->lcp.state == PPP_ST_STOPPING ? PPP_PHASE_TERMINATE :
	    PPP_PHASE_ESTABLISH;
}

/* LCP finished: PPP is over (RFC 1661 3.7 -> Dead). */
void
ppp_engine_lcp_finished(struct ppp_engine *e)
{
	if (!e->end_set && e->lcp.rcn_gave_up) {
		e->end_set = true;
		e->end_code = PPP_END_NEGOTIATION;
		snprintf(e->end_why, sizeof e->end_why, "LCP: the %s %s "
		    "every request (%u times)", engine_peer(e),
		    e->lcp.rcn_last == PPP_CONF_NAK ? "Naks" : "Rejects",
		    e->lcp.rcn_run);
	}
	engine_lcp_cause(e);
	if (!e->end_set && e->phase == PPP_PHASE_ESTABLISH) {
		/* TO- in Req-Sent, Ack-Rcvd or Ack-Sent (RFC 1661 4.6). */
		e->end_set = true;
		e->end_code = PPP_END_NEGOTIATION;
		snprintf(e->end_why, sizeof e->end_why, "LCP negotiation "
		    "failed (no agreement after %u requests)",
		    e->lcp.max_configure);
	}
	/* Else engine_end(): PPP_END_OK "PPP terminated". */
	engine_end(e);
}

/* How long net_up waits for IPV6CP once IPCP is up (ms). */
#define PPP_NET_SETTLE_MS	1000

/* Tell the host what the NCPs gave, when ready (and MPPE if needed). */
static void
engine_net_check(struct ppp_engine *e)
{
	struct ppp_ip_info *i = &e->info;
	bool v4 = e->ipcp.state == PPP_ST_OPENED;
	bool v6 = e->ipv6cp.state == PPP_ST_OPENED;
	uint16_t mtu;

	if (e->phase != PPP_PHASE_NETWORK || (!v4 && !v6) ||
	    (e->conf.require_mppe && !e->mppe_up))
		return;
	/*
	 * Tell the host once, when the Network phase has settled: IPv4 is
	 * required unless --noip (IPCP failing ends PPP), and IPV6CP still
	 * negotiating gets up to PPP_NET_SETTLE_MS more.  Every net_up is a
	 * new host configuration (and a script's disconnect + connect), so
	 * one per NCP opening would flap it.
	 */
	if (e->conf.ipv4 && !v4 && (e->conf.role != PPP_ROLE_SERVER ||
	    e->ipcp.state > PPP_ST_STOPPED))
		return;
	if (!e->net_is_up && e->conf.ipv6 && !v6 &&
	    e->ipv6cp.state >= PPP_ST_REQ_SENT) {
		if (e->net_settle == 0) {
			e->net_settle = e->now + PPP_NET_SETTLE_MS;
			return;
		}
		if (e->now < e->net_settle)
			return;
	}
	e->net_settle = 0;
	memset(i, 0, sizeof *i);
	i->have_ip4 = v4;
	if (v4) {
		i->local4 = e->ip_local;
		i->peer4 = e->ip_peer;
		memcpy(i->dns4, e->dns, sizeof i->dns4);
		memcpy(i->nbns4, e->nbns, sizeof i->nbns4);
	}
	i->have_ip6 = v6;
	if (v6) {
		memcpy(i->local_ifid, e->ifid_local, 8);
		memcpy(i->peer_ifid, e->ifid_peer, 8);
	}
	mtu = e->peer_mru < PPP_MAX_INFO ? e->peer_mru : PPP_MAX_INFO;
	if (e->conf.mtu != 0 && e->conf.mtu < mtu)
		mtu = e->conf.mtu;
	if (e->mppe_up)
		mtu -= MPPE_OVERHEAD;
	i->mtu = mtu;
	e->net_is_up = true;
	if (e->ops->net_up != NULL)
		e->ops->net_up(e->arg, i);
}

/* An NCP opened. */
void
ppp_engine_ncp_up(struct ppp_engine *e, struct ppp_fsm *f)
{
	if (f == &e->ipcp && e->ip_local == 0 &&
	    e->conf.role != PPP_ROLE_SERVER) {
		log_warn_c(e->conf.log_ctx,
		    "IPCP: the server gave no IPv4 address");
		e->ip4_noaddr = true;
		ppp_fsm_close(f, e->now);
		return;
	}
	log_info_c(e->conf.log_ctx, "%s is up", f->name);
	engine_net_check(e);
}

/* An NCP left Opened. */
void
ppp_engine_ncp_down(struct ppp_engine *e, struct ppp_fsm *f)
{
	bool other = (f == &e->ipcp ? e->ipv6cp.state : e->ipcp.state) ==
	    PPP_ST_OPENED;

	if (!e->net_is_up)
		return;
	e->net_is_up = false;
	if (e->ops->net_down != NULL)
		e->ops->net_down(e->arg);
	if (other)
		engine_net_check(e);
}

/*
 * An NCP gave up (RFC 1661 3.7).  IPv4 is wanted unless --noip: IPCP
 * finishing without opening ends PPP even while IPV6CP is up, since a
 * link without the IPv4 the user expects is a failure, not a session
 * (PPP_END_NEGOTIATION).  IPv6 stays optional: servers often Reject or
 * Protocol-Reject IPV6CP, and IPv4 alone is a good link.  When neither
 * is left (IPv6 only, --noip), PPP is of no use either.
 */
void
ppp_engine_ncp_finished(struct ppp_engine *e, struct ppp_fsm *f)
{
	bool v4 = e->conf.ipv4 && e->ipcp.state > PPP_ST_STOPPED;
	bool v6 = e->conf.ipv6 && e->ipv6cp.state > PPP_ST_STOPPED;
	bool ip4 = f == &e->ipcp;
	/*
	 * The server role serves an IPv6-only peer too: a client that
	 * Protocol-Rejects or gives up IPCP keeps its link while IPV6CP
	 * lives (RFC 5072 runs independently of IPCP).
	 */
	bool need4 = e->conf.ipv4 && e->conf.role != PPP_ROLE_SERVER;
	char cause[128];

	log_info_c(e->conf.log_ctx, "%s finished", f->name);
	/* Not when LCP going down took the NCPs with it (RFC 1661 3.7). */
	if (e->phase != PPP_PHASE_NETWORK || e->lcp.state != PPP_ST_OPENED)
		return;
	if (!(ip4 && need4) && (v4 || v6)) {
		engine_net_check(e);	/* net_up may have waited for it */
		return;
	}
	if (f->rcn_gave_up)
		snprintf(cause, sizeof cause, "%s: the server %s every "
		    "request (%u times)", f->name, f->rcn_last ==
		    PPP_CONF_NAK ? "Naks" : "Rejects", f->rcn_run);
	else if (ip4 && e->ip4_noaddr)
		snprintf(cause, sizeof cause, "IPCP: the server gave no IPv4 "
		    "address");
	else if (ip4 && e->ipcp_protrej)
		snprintf(cause, sizeof cause, "IPCP: the server rejects the "
		    "protocol (Protocol-Reject)");
	else if (ip4)
		snprintf(cause, sizeof cause, "IPCP: no agreement (no "
		    "Configure-Ack in %u requests, or the server closed it)",
		    f->max_configure);
	else
		snprintf(cause, sizeof cause, "no network protocol could be "
		    "negotiated (%s gave up last)", f->name);
	if (ip4 && e->conf.ipv6)
		ppp_engine_fail(e, PPP_END_NEGOTIATION, "%s; use --noip for "
		    "an IPv6-only link", cause);
	else
		ppp_engine_fail(e, PPP_END_NEGOTIATION, "%s", cause);
}

/* The server Protocol-Rejected one of ours (RFC 1661 5.7). */
void
ppp_engine_proto_rejected(struct ppp_engine *e, uint16_t proto)
{
	struct ppp_fsm *f = proto == PPP_PROTO_IPCP ? &e->ipcp :
	    proto == PPP_PROTO_IPV6CP ? &e->ipv6cp : NULL;

	log_info_c(e->conf.log_ctx,
	    "PPP: the server rejects protocol 0x%04x", proto);
	if (f == &e->ipcp)
		e->ipcp_protrej = true;
	if (f != NULL) {
		/* Treated as RXJ- of that protocol: it stops. */
		ppp_fsm_event(f, e->now, PPP_EV_RXJ_MINUS);
	}
}

/* Results of ccp.c. */
static void
engine_ccp_events(struct ppp_engine *e, int ev)
{
	enum ms_mppe_bits bits;
	bool stateless;

	if (ev & CCP_EV_DOWN) {
		e->mppe_up = false;
		mppe_clear(&e->mtx);
		mppe_clear(&e->mrx);
	}
	if (ev & CCP_EV_FAIL) {
		if (e->conf.require_mppe)
			ppp_engine_fail(e, PPP_END_NEGOTIATION, "MPPE: %s",
			    ccp_reason(&e->ccp));
		else
			log_info_c(e->conf.log_ctx,
			    "MPPE: %s; going on without",
			    ccp_reason(&e->ccp));
		return;
	}
	if (ev & CCP_EV_UP) {
		bits = mppe_opt_bits(e->ccp.tx_bits & MPPE_OPT_STRENGTHS);
		stateless = (e->ccp.tx_bits & MPPE_OPT_H) != 0;
		if (bits == 0 || mppe_init(&e->mtx, e->keys.send, bits,
		    stateless) != 0 || mppe_init(&e->mrx, e->keys.recv, bits,
		    stateless) != 0) {
			ppp_engine_fail(e, PPP_END_INTERNAL, "MPPE: cannot "
			    "set up the keys");
			return;
		}
		e->mppe_up = true;
		e->mppe_deadline = 0;
		log_info_c(e->conf.log_ctx,
		    "MPPE is up (%s)", stateless ? "stateless" :
		    "stateful");
		if (!e->net_is_up)
			engine_net_check(e);
	}
	if ((ev & CCP_EV_RESET) && e->mppe_up)
		mppe_reset_request(&e->mtx);
}

/*
 * CCP from the server (RFC 1962): Protocol-Rejected the first time unless
 * MPPE is required; negotiated through ccp.c when it is, or when the
 * server insists (CCP again after the Protocol-Reject).  When MPPE cannot
 * be had (refused by configuration, no keys) but is required or insisted
 * on, PPP ends: PPP_END_NEGOTIATION.
 */
static void
engine_ccp_input(struct ppp_engine *e, const uint8_t *info, size_t len)
{
	bool keys = e->keys.send_len >= MS_MPPE_KEY_MAX &&
	    e->keys.recv_len >= MS_MPPE_KEY_MAX;
	const char *no = e->conf.refuse_mppe ? "it is refused by "
	    "configuration" : !keys ? "the authentication gave no keys "
	    "(MPPE needs MS-CHAPv2 or EAP-MSCHAPv2)" : NULL;
	bool insists;

	if (e->conf.role == PPP_ROLE_SERVER) {
		/* No MPPE inside SSTP (MS-SSTP 1.3): RFC 1661 5.7. */
		ppp_lcp_protocol_reject(e, PPP_PROTO_CCP, info, len);
		return;
	}
	if (!e->ccp_on) {
		/* XX: CCP again after our Protocol-Reject: it insists. */
		insists = e->ccp_seen++ >= 1;
		if (no != NULL && (e->conf.require_mppe || insists)) {
			ppp_engine_fail(e, PPP_END_NEGOTIATION, "MPPE: %s, "
			    "but %s", e->conf.require_mppe ? "required" :
			    "the server insists on it", no);
			return;
		}
		if (no != NULL || (!e->conf.require_mppe && !insists)) {
			e->ccp_refused = true;
			ppp_lcp_protocol_reject(e, PPP_PROTO_CCP, info, len);
			return;
		}
		e->ccp_on = true;
		e->ccp_refused = false;
	}
	engine_ccp_events(e, ccp_from_server(&e->ccp, e->now,
	    bcur_make(info, len)));
}

/* An MPPE packet (RFC 3078): decrypt, then deliver what it carries. */
static int
engine_mppe_input(struct ppp_engine *e, struct bcur info)
{
	struct wbuf w;
	struct bcur c;
	uint16_t proto;
	int r;

	if (!e->mppe_up)
		return -EBADMSG;
	wbuf_init(&w, e->scratch, sizeof e->scratch);
	r = mppe_decrypt(&e->mrx, e->now, info, &w);
	if (r == MPPE_LOST) {
		ccp_send_reset_request(&e->ccp);
		return 0;
	}
	if (r != 0)
		return r == MPPE_DISCARD ? 0 : -EBADMSG;
	c = bcur_make(e->scratch, w.len);
	if (bcur_get_be16(&c, &proto) < 0 || (proto != PPP_PROTO_IP &&
	    proto != PPP_PROTO_IPV6) || !ppp_engine_ip_open(e, proto))
		return -EBADMSG;
	e->ops->deliver(e->arg, proto, bcur_ptr(&c), bcur_left(&c));
	return 0;
}

/* Data from the server for the host: no copy (RFC 1332, RFC 5072). */
static int
engine_ip_input(struct ppp_engine *e, uint16_t proto, struct bcur info)
{
	if (!ppp_engine_ip_open(e, proto)) {
		log_debug_c(e->conf.log_ctx,
		    "PPP: %s packet while its NCP is not open dropped",
		    proto == PPP_PROTO_IP ? "IPv4" : "IPv6");
		return -EBADMSG;
	}
	if (e->conf.require_mppe) {
		log_debug_c(e->conf.log_ctx,
		    "PPP: unencrypted packet dropped (MPPE required)");
		return -EBADMSG;
	}
	/*
	 * Server role: not before net_up (IPCP open, IPV6CP may still be
	 * settling): the caller checks the source against the address
	 * net_up gives, and has none before it.
	 */
	if (e->conf.role == PPP_ROLE_SERVER && !e->net_is_up) {
		log_debug_c(e->conf.log_ctx,
		    "PPP: IP packet before the Network phase settled "
		    "dropped");
		return -EBADMSG;
	}
	e->ops->deliver(e->arg, proto, bcur_ptr(&info), bcur_left(&info));
	return 0;
}

/* Authentication frames (PAP, CHAP, EAP). */
static int
engine_auth_input(struct ppp_engine *e, uint16_t proto, struct bcur info)
{
	uint8_t buf[PPP_FRAME_MAX];
	struct wbuf w;

	if (e->phase != PPP_PHASE_AUTHENTICATE && e->phase != PPP_PHASE_NETWORK)
		return -EBADMSG;
	wbuf_init(&w, buf, sizeof buf);
	if (e->conf.role == PPP_ROLE_SERVER) {
		/* After OK: retransmissions get the same answer again. */
		if (e->authsrv == NULL)
			return -EBADMSG;
		engine_auth_result(e, ppp_srvauth_input(e, proto, info, &w),
		    &w);
		return 0;
	}
	if (e->auth == NULL)
		return -EBADMSG;
	engine_auth_result(e, ppp_auth_client_input(e->auth, proto, info,
	    &w), &w);
	return 0;
}

/* The --refuse-* option that takes @p away, for the reason's hint. */
static const char *
engine_refuse_hint(const struct ppp_engine *e, enum ppp_auth_proto p)
{
	const unsigned methods = PPP_AUTH_ALLOW_PAP | PPP_AUTH_ALLOW_CHAP_MD5 |
	    PPP_AUTH_ALLOW_MSCHAPV2 | PPP_AUTH_ALLOW_EAP;

	/* --require-mschap-v2 leaves MS-CHAPv2 alone (sstpc.8). */
	if ((e->conf.auth_allow & methods) == PPP_AUTH_ALLOW_MSCHAPV2)
		return "--require-mschap-v2";
	switch (p) {
	case PPP_AUTHP_PAP:
		return "--refuse-pap";
	case PPP_AUTHP_CHAP_MD5:
		return "--refuse-chap";
	case PPP_AUTHP_MSCHAPV2:
		return "--refuse-mschap-v2";
	case PPP_AUTHP_EAP:
		return "--refuse-eap";
	default:
		return "the configuration";
	}
}

/*
 * The server's Terminate-Request in the Establish phase after we Nak'ed or
 * Rejected its Authentication-Protocol (RFC 1661 6.2; we sent our
 * Terminate-Ack already): it has no method we take, and it is leaving.
 * PPP ends now, PPP_END_AUTH, before the SSTP Call Disconnect that
 * follows can make it look like a hangup.  No Terminate-Request of ours:
 * the server closed the link itself.
 */
static void
engine_no_common_auth(struct ppp_engine *e)
{
	enum ppp_auth_proto p;
	char what[48];

	if (e->end_set || e->ended)
		return;
	p = PPP_AUTHP_NONE;
	if (e->auth_refused_proto == PPP_PROTO_PAP)
		p = PPP_AUTHP_PAP;
	else if (e->auth_refused_proto == PPP_PROTO_EAP)
		p = PPP_AUTHP_EAP;
	else if (e->auth_refused_proto == PPP_PROTO_CHAP)
		p = e->auth_refused_alg == CHAP_ALG_MSCHAPV2 ?
		    PPP_AUTHP_MSCHAPV2 : e->auth_refused_alg == 5 ?
		    PPP_AUTHP_CHAP_MD5 : PPP_AUTHP_NONE;
	if (p != PPP_AUTHP_NONE)
		snprintf(what, sizeof what, "%s", ppp_auth_proto_name(p));
	else if (e->auth_refused_proto == PPP_PROTO_CHAP)
		snprintf(what, sizeof what, "CHAP with algorithm 0x%02x",
		    e->auth_refused_alg);
	else
		snprintf(what, sizeof what, "authentication protocol 0x%04x",
		    e->auth_refused_proto);
	e->end_set = true;
	e->end_code = PPP_END_AUTH;
	if (p != PPP_AUTHP_NONE)
		snprintf(e->end_why, sizeof e->end_why, "no common "
		    "authentication protocol: the server offers %s, refused "
		    "by %s", what, engine_refuse_hint(e, p));
	else
		snprintf(e->end_why, sizeof e->end_why, "no common "
		    "authentication protocol: the server offers %s, which "
		    "sstpc does not support", what);
	log_info_c(e->conf.log_ctx, "PPP: %s", e->end_why);
	e->phase = PPP_PHASE_DEAD;	/* nothing more to send */
	ppp_fsm_down(&e->lcp, e->now);
	engine_end(e);
}

/* One frame from the server. */
int
ppp_engine_input(struct ppp_engine *e, uint64_t now, const uint8_t *frame,
    size_t len)
{
	struct ppp_frame fr;

	e->now = now;
	if (e->ended || e->phase == PPP_PHASE_DEAD)
		return -EBADMSG;
	if (ppp_frame_parse(frame, len, &fr) < 0) {
		log_debug_c(e->conf.log_ctx, "PPP: malformed frame dropped");
		return -EBADMSG;
	}
	e->in_octets += len;
	/* RFC 1661 3.4-3.5: only LCP before the phases that allow more. */
	if (fr.proto == PPP_PROTO_LCP) {
		uint8_t code = 0;
		int r;

		(void)bcur_peek_u8(&fr.info, 0, &code);
		r = ppp_fsm_input(&e->lcp, now, fr.info);
		if (r == 0 && code == PPP_TERM_REQ && e->auth_refused &&
		    e->phase == PPP_PHASE_ESTABLISH && !e->ended)
			engine_no_common_auth(e);
		return r;
	}
	if (e->phase == PPP_PHASE_ESTABLISH || e->lcp.state != PPP_ST_OPENED) {
		log_debug_c(e->conf.log_ctx,
		    "PPP: protocol 0x%04x before LCP is open dropped",
		    fr.proto);
		return -EBADMSG;
	}
	switch (fr.proto) {
	case PPP_PROTO_PAP:
	case PPP_PROTO_CHAP:
	case PPP_PROTO_EAP:
		return engine_auth_input(e, fr.proto, fr.info);
	case PPP_PROTO_LQR:
		break;	/* Link Quality Reports are not ours: rejected */
	default:
		if (e->phase != PPP_PHASE_NETWORK) {
			log_debug_c(e->conf.log_ctx,
			    "PPP: protocol 0x%04x before the Network "
			    "phase dropped", fr.proto);
			return -EBADMSG;
		}
		break;
	}
	switch (fr.proto) {
	case PPP_PROTO_IP:
	case PPP_PROTO_IPV6:
		return engine_ip_input(e, fr.proto, fr.info);
	case PPP_PROTO_MPPE:
		return engine_mppe_input(e, fr.info);
	case PPP_PROTO_IPCP:
		if (!e->conf.ipv4)
			break;
		return ppp_fsm_input(&e->ipcp, now, fr.info);
	case PPP_PROTO_IPV6CP:
		if (!e->conf.ipv6)
			break;
		return ppp_fsm_input(&e->ipv6cp, now, fr.info);
	case PPP_PROTO_CCP:
		engine_ccp_input(e, bcur_ptr(&fr.info), bcur_left(&fr.info));
		return 0;
	default:
		break;
	}
	/* RFC 1661 5.7: a protocol we do not run. */
	ppp_lcp_protocol_reject(e, fr.proto, bcur_ptr(&fr.info),
	    bcur_left(&fr.info));
	return 0;
}

/* Make an IP packet a PPP frame in place (see ppp_engine.h). */
uint8_t *
ppp_engine_wrap_ip(struct ppp_engine *e, uint8_t *pkt, size_t len,
    size_t *framelen)
{
	struct bcur c = bcur_make(pkt, len);
	uint16_t proto, hlen, max;
	uint8_t v;
	struct wbuf w;

	*framelen = 0;
	if (bcur_peek_u8(&c, 0, &v) < 0)
		return NULL;
	switch (v >> 4) {
	case 4:		/* RFC 791: Total Length at offset 2 */
		proto = PPP_PROTO_IP;
		if (len < 20 || bcur_peek_be16(&c, 2, &hlen) < 0 ||
		    hlen != len)
			return NULL;
		break;
	case 6:		/* RFC 8200: Payload Length at offset 4 */
		proto = PPP_PROTO_IPV6;
		if (len < 40 || bcur_peek_be16(&c, 4, &hlen) < 0 ||
		    (size_t)hlen + 40 != len)
			return NULL;
		break;
	default:
		return NULL;
	}
	if (!ppp_engine_ip_open(e, proto))
		return NULL;
	max = e->peer_mru < PPP_MAX_INFO ? e->peer_mru : PPP_MAX_INFO;
	if (e->conf.mtu != 0 && e->conf.mtu < max)
		max = e->conf.mtu;
	if (e->mppe_up) {
		if (len + MPPE_OVERHEAD > max)
			return NULL;
		/*
		 * FF 03 00 FD, MPPE header, then the encrypted protocol and
		 * packet (RFC 3078 3), the whole headroom.
		 */
		wbuf_init(&w, pkt - MPPE_OVERHEAD, len + MPPE_OVERHEAD);
		if (mppe_encrypt(&e->mtx, proto, pkt, len, &w) != 0)
			return NULL;
		proto = PPP_PROTO_MPPE;
		pkt -= MPPE_OVERHEAD;
		len += MPPE_OVERHEAD;
	} else if (e->conf.require_mppe || len > max)
		return NULL;
	/* The Address and Control fields, always (see ppp_engine_output). */
	pkt[-PPP_HDR_LEN] = PPP_ADDR_ALL;
	pkt[-PPP_HDR_LEN + 1] = PPP_CTRL_UI;
	store_be16(pkt - 2, proto);
	*framelen = len + PPP_HDR_LEN;
	e->out_octets += *framelen;
	return pkt - PPP_HDR_LEN;
}

/* The earliest of the armed timers (0: none). */
uint64_t
ppp_engine_next_timer(const struct ppp_engine *e)
{
	uint64_t t[9], best = 0, c;
	size_t i;

	if (e->ended)
		return 0;
	t[0] = ppp_fsm_deadline(&e->lcp);
	t[1] = ppp_fsm_deadline(&e->ipcp);
	t[2] = ppp_fsm_deadline(&e->ipv6cp);
	t[3] = e->auth_deadline;
	t[4] = e->echo_deadline;
	c = e->ccp_on ? ccp_deadline(&e->ccp) : UINT64_MAX;
	t[5] = c == UINT64_MAX ? 0 : c;
	t[6] = e->mppe_deadline;
	t[7] = e->auth_limit;
	t[8] = e->net_settle;
	for (i = 0; i < NELEM(t); i++)
		if (t[i] != 0 && (best == 0 || t[i] < best))
			best = t[i];
	return best;
}

/* Run the timers that are due. */
void
ppp_engine_tick(struct ppp_engine *e, uint64_t now)
{
	uint8_t buf[PPP_FRAME_MAX];
	struct wbuf w;

	e->now = now;
	if (e->ended)
		return;
	ppp_fsm_tick(&e->lcp, now);
	ppp_fsm_tick(&e->ipcp, now);
	ppp_fsm_tick(&e->ipv6cp, now);
	if (e->ended)
		return;
	if (e->auth != NULL && e->auth_deadline != 0 &&
	    now >= e->auth_deadline) {
		e->auth_deadline = 0;
		wbuf_init(&w, buf, sizeof buf);
		engine_auth_result(e, ppp_auth_client_timeout(e->auth, &w),
		    &w);
	}
	if (e->authsrv != NULL && e->auth_deadline != 0 &&
	    now >= e->auth_deadline && !e->ended) {
		e->auth_deadline = 0;
		wbuf_init(&w, buf, sizeof buf);
		engine_auth_result(e, ppp_srvauth_timeout(e, &w), &w);
	}
	if (e->auth_limit != 0 && now >= e->auth_limit && !e->ended) {
		e->auth_limit = 0;
		if (!e->auth_ok && e->conf.role == PPP_ROLE_SERVER) {
			ppp_engine_fail(e, PPP_END_AUTH, "the client did not "
			    "authenticate (%s) within %u ms",
			    ppp_auth_proto_name(e->auth_proto),
			    e->conf.auth_timeout_ms != 0 ?
			    e->conf.auth_timeout_ms : PPP_AUTHSRV_LIMIT_MS);
			return;
		}
		if (!e->auth_ok) {
			ppp_engine_fail(e, PPP_END_AUTH, "authentication (%s) "
			    "did not finish within %u s",
			    ppp_auth_proto_name(e->auth_proto),
			    PPP_AUTH_LIMIT_MS / 1000);
			return;
		}
	}
	if (e->echo_deadline != 0 && now >= e->echo_deadline &&
	    e->lcp.state == PPP_ST_OPENED) {
		if (e->conf.echo_failure != 0 &&
		    e->echo_pending >= e->conf.echo_failure) {
			e->echo_deadline = 0;
			ppp_engine_fail(e, PPP_END_DEAD_PEER, "the %s did "
			    "not answer %u LCP Echo-Requests",
			    engine_peer(e), e->echo_pending);
			return;
		}
		e->echo_pending++;
		ppp_lcp_send_echo(e);
		e->echo_deadline = now + (uint64_t)e->conf.echo_interval *
		    1000;
	}
	if (e->ccp_on && !e->ended)
		engine_ccp_events(e, ccp_timer(&e->ccp, now));
	if (e->net_settle != 0 && now >= e->net_settle && !e->ended)
		engine_net_check(e);	/* IPV6CP did not settle in time */
	if (e->mppe_deadline != 0 && now >= e->mppe_deadline && !e->ended) {
		e->mppe_deadline = 0;
		if (!e->mppe_up)
			ppp_engine_fail(e, PPP_END_NEGOTIATION, "MPPE is "
			    "required but the server did not negotiate it");
	}
}

/* Administrative Close: Terminate-Request, then ended(). */
void
ppp_engine_close(struct ppp_engine *e, uint64_t now, const char *why)
{
	e->now = now;
	if (e->ended)
		return;
	if (!e->end_set) {
		e->end_set = true;
		e->end_code = PPP_END_OK;
		snprintf(e->end_why, sizeof e->end_why, "%s",
		    why != NULL ? why : "closed");
	}
	ppp_engine_fail(e, e->end_code, "%s", e->end_why);
}

/* The lower layer went away (RFC 1661 Down): ended() now. */
void
ppp_engine_lower_down(struct ppp_engine *e, uint64_t now)
{
	e->now = now;
	if (e->ended)
		return;
	if (!e->end_set) {
		e->end_set = true;
		e->end_code = PPP_END_OK;
		snprintf(e->end_why, sizeof e->end_why, "the server link "
		    "went down");
	}
	/* No more output from here on. */
	e->phase = PPP_PHASE_DEAD;
	ppp_fsm_down(&e->lcp, now);
	engine_end(e);
}

/* Is the NCP of an IP version open in the Network phase? */
bool
ppp_engine_ip_open(const struct ppp_engine *e, uint16_t proto)
{
	if (e->phase != PPP_PHASE_NETWORK)
		return false;
	if (proto == PPP_PROTO_IP)
		return e->ipcp.state == PPP_ST_OPENED;
	if (proto == PPP_PROTO_IPV6)
		return e->ipv6cp.state == PPP_ST_OPENED;
	return false;
}

/* Octets each way. */
void
ppp_engine_stats(const struct ppp_engine *e, uint64_t *out_octets,
    uint64_t *in_octets)
{
	if (out_octets != NULL)
		*out_octets = e->out_octets;
	if (in_octets != NULL)
		*in_octets = e->in_octets;
}

/* Server role: the authenticated peer's name ("" before). */
const char *
ppp_engine_peer_user(const struct ppp_engine *e)
{
	return e->peer_user;
}

/* The protocol that authenticated ("" before, "none" without). */
const char *
ppp_engine_auth_name(const struct ppp_engine *e)
{
	return e->auth_name;
}

/* Wipe and free. */
void
ppp_engine_free(struct ppp_engine *e)
{
	if (e == NULL)
		return;
	ppp_auth_client_free(e->auth);
	ppp_srvauth_free(e);
	if (e->password != NULL) {
		explicit_bzero(e->password, strlen(e->password));
		free(e->password);
	}
	free(e->user);
	mppe_clear(&e->mtx);
	mppe_clear(&e->mrx);
	ppp_auth_keys_clear(&e->keys);
	explicit_bzero(e, sizeof *e);
	free(e);
}
