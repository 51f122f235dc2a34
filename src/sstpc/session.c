/*
 * session.c - one SSTP session: connect (directly or through an HTTP
 * proxy), TLS with verification before any HTTP byte, SSTP_DUPLEX_POST,
 * then the SSTP stream: framing, the control state machine, PPP data
 * to and from the bridge.  Every way out records one reason and one exit
 * status (session_set_reason), logged once by main.
 *
 * Callbacks only move bytes and record facts; decisions are taken by the
 * state machine in sstp_ctrl.c (STYLE.md 8.7).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "crypto/crypto.h"
#include "util/log.h"
#include "net/connect.h"
#include "ppp/ppp_cp.h"
#include "sys/priv.h"
#include "wire/sstp_wire.h"
#include "sstpc/sstpc.h"
#include "net/tls_stream.h"

#define SESSION_PTY_GRACE_MS	2000	/* pppd's LCP Terminate, pty mode */

static void	session_grace_cb(evutil_socket_t, short, void *);

static const char *const session_phase_name[] = {
	"start", "connect", "proxy", "tls", "http", "sstp", "done"
};

static size_t	session_proxy_input(struct sstpc *, const uint8_t *, size_t);
static void	session_sstp_begin(struct sstpc *);

uint64_t
session_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
session_set_reason(struct sstpc *s, int exit_code, const char *fmt, ...)
{
	va_list ap;

	if (s->have_reason)
		return;
	s->have_reason = true;
	s->exit_code = exit_code;
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof s->reason, fmt, ap);
	va_end(ap);
	log_debug("session end reason (exit %d): %s", exit_code, s->reason);
}

/* End the loop once the server side and the PPP side are both finished. */
static void
session_maybe_finish(struct sstpc *s)
{
	if (s->st != NULL || s->nc != NULL)
		return;
	if (s->br != NULL && !bridge_done(s->br)) {
		bridge_stop(s->br, true);	/* the server side is gone */
		return;
	}
	s->phase = PHASE_DONE;
	event_base_loopexit(s->base, NULL);
}

/* Point the one control timer at the state machine's next deadline. */
static void
session_ctrl_sync(struct sstpc *s)
{
	uint64_t dl, now;
	struct timeval tv;

	if (s->ctrl_timer == NULL)
		return;
	dl = sstp_ctrl_deadline(&s->ctrl);
	if (dl == UINT64_MAX) {
		evtimer_del(s->ctrl_timer);
		return;
	}
	now = session_now();
	dl = dl > now ? dl - now : 0;
	tv.tv_sec = (time_t)(dl / 1000);
	tv.tv_usec = (suseconds_t)((dl % 1000) * 1000);
	evtimer_add(s->ctrl_timer, &tv);
}

static void
session_ctrl_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sstpc *s = arg;

	sstp_ctrl_timer(&s->ctrl, session_now());
	session_ctrl_sync(s);
}

/* Close the server connection at once (no more bytes either way). */
static void
session_drop_server(struct sstpc *s, bool graceful)
{
	if (s->nc != NULL) {
		net_connect_cancel(s->nc);
		s->nc = NULL;
	}
	if (s->st != NULL) {
		s->tls_in += stream_bytes_in(s->st);
		s->tls_out += stream_bytes_out(s->st);
		stream_free(s->st, graceful);
		s->st = NULL;
		if (s->established && s->t_end == 0)
			s->t_end = session_now();
	}
	if (s->phase_timer != NULL)
		evtimer_del(s->phase_timer);
}

/* A failure before the SSTP phase: record it and wind down. */
static void
session_fail(struct sstpc *s, int exit_code, const char *msg)
{
	session_set_reason(s, exit_code, "%s", msg);
	session_drop_server(s, false);
	session_maybe_finish(s);
}

/* --- the SSTP control machine's outputs -------------------------------- */

static void
session_ctrl_send(void *arg, const uint8_t *pkt, size_t len)
{
	struct sstpc *s = arg;
	char d[256];

	if (log_enabled(LOG_LVL_CTRL)) {
		sstp_wire_describe(pkt, len, d, sizeof d);
		log_ctrl("SSTP send %s", d);
	}
	log_hex("SSTP out", pkt, len);
	if (s->st != NULL && stream_write(s->st, pkt, len) < 0)
		log_warn("cannot queue an SSTP control packet");
}

static void
session_ctrl_ppp_start(void *arg)
{
	struct sstpc *s = arg;

	log_info("SSTP call connect acknowledged; crypto binding hash %s",
	    sstp_hash_name((uint8_t)sstp_ctrl_hash(&s->ctrl)));
	if (s->br != NULL)
		bridge_ppp_start(s->br);
}

static void
session_ctrl_established(void *arg)
{
	struct sstpc *s = arg;

	s->established = true;
	s->t_established = session_now();
	log_info("SSTP call connected after %llu ms",
	    (unsigned long long)(s->t_established - s->t_start));
}

/* Map the state machine's quit reason onto an exit status. */
static int
session_quit_exit(struct sstpc *s, enum sstp_quit q)
{
	switch (q) {
	case SSTP_QUIT_LOCAL_DISCONNECT:
		return SSTPC_EXIT_OK;
	case SSTP_QUIT_PEER_DISCONNECT:
	case SSTP_QUIT_HELLO_TIMEOUT:
	case SSTP_QUIT_LOWER_DOWN:
		return SSTPC_EXIT_PEER;
	case SSTP_QUIT_PEER_ABORT:
		/*
		 * An Abort answering our Call Connected, before any IP
		 * traffic came back, means the server refused the crypto
		 * binding (MS-SSTP 3.3.5.2.3: verification failure -> Abort).
		 */
		if (s->auth_sent && !s->stopping && !s->data_rx &&
		    session_now() - s->t_established < 3000)
			return SSTPC_EXIT_AUTH;
		return SSTPC_EXIT_SSTP;
	case SSTP_QUIT_AUTH_TIMEOUT:
		return SSTPC_EXIT_AUTH;
	case SSTP_QUIT_INTERNAL:
		return SSTPC_EXIT_FAILURE;
	default:
		return SSTPC_EXIT_SSTP;
	}
}

static void
session_ctrl_close(void *arg)
{
	struct sstpc *s = arg;
	enum sstp_quit q = sstp_ctrl_quit(&s->ctrl);
	char msg[384];
	int code = session_quit_exit(s, q);

	sstp_ctrl_quit_message(&s->ctrl, msg, sizeof msg);
	if (code == SSTPC_EXIT_AUTH && q == SSTP_QUIT_PEER_ABORT)
		session_set_reason(s, code, "server aborted the call right "
		    "after Call Connected: crypto binding refused (%s)", msg);
	else
		session_set_reason(s, code, "%s", msg);
	log_debug("SSTP closed: %s", sstp_quit_name(q));
	session_drop_server(s, true);
	if (s->br != NULL)
		bridge_stop(s->br, true);
	session_maybe_finish(s);
}

static const struct sstp_ctrl_ops session_ctrl_ops = {
	.send = session_ctrl_send,
	.ppp_start = session_ctrl_ppp_start,
	.established = session_ctrl_established,
	.close = session_ctrl_close,
};

/* --- PPP side entry points ----------------------------------------------- */

int
session_send_ppp(struct sstpc *s, const uint8_t *frame, size_t len)
{
	struct wbuf w;
	uint16_t proto = 0;
	uint8_t *p;
	int ctl;

	if (s->st == NULL || s->phase != PHASE_SSTP)
		return -ENOTCONN;
	ctl = sstp_wire_ppp_classify(frame, len, &proto, NULL);
	if (log_enabled(LOG_LVL_CTRL) && ctl == 1) {
		char d[256];

		ppp_dissect(frame, len, d, sizeof d);
		log_ctrl("PPP send %s", d);
	}
	log_trace("PPP out: protocol 0x%04x, %zu bytes", proto, len);
	if (ctl < 0 || !sstp_ctrl_tx_data_ok(&s->ctrl, ctl == 1))
		return -EAGAIN;		/* gated: dropped (PROTOCOL.md 3.2) */
	if (len > SSTP_MAX_PAYLOAD)
		return -EMSGSIZE;
	p = stream_reserve(s->st, SSTP_HDR_LEN + len);
	if (p == NULL)
		return -ENOBUFS;
	wbuf_init(&w, p, SSTP_HDR_LEN + len);
	sstp_wire_put_data_hdr(&w, len);
	wbuf_put_bytes(&w, frame, len);
	return 0;
}

void
session_auth_done(struct sstpc *s, const uint8_t hlak[32], const char *how)
{
	if (s->auth_sent || s->phase != PHASE_SSTP)
		return;
	if (sstp_ctrl_state(&s->ctrl) != SSTP_CS_ACK_RECEIVED)
		return;
	s->auth_sent = true;
	log_info("PPP authentication done (%s): sending Call Connected", how);
	sstp_ctrl_auth_done(&s->ctrl, session_now(), hlak);
	session_ctrl_sync(s);
}

void
session_ppp_gone(struct sstpc *s, int exit_code, const char *why)
{
	if (s->grace_timer != NULL)
		evtimer_del(s->grace_timer);
	session_set_reason(s, exit_code, "%s", why);
	if (s->phase == PHASE_SSTP && s->st != NULL &&
	    sstp_ctrl_state(&s->ctrl) < SSTP_CS_ABORT_PENDING) {
		/* Graceful path: Call Disconnect, wait for the Ack. */
		sstp_ctrl_disconnect(&s->ctrl, session_now());
		session_ctrl_sync(s);
		return;
	}
	if (s->phase != PHASE_SSTP)
		session_drop_server(s, false);
	session_maybe_finish(s);
}

void
session_pause_server(struct sstpc *s, bool pause)
{
	if (s->st != NULL)
		stream_pause_input(s->st, pause);
}

bool
session_server_full(struct sstpc *s)
{
	return s->st == NULL || stream_tx_full(s->st);
}

int
session_signal_pppd(struct sstpc *s, pid_t pid, int sig)
{
	if (s->mon.pid > 0)
		return monitor_signal_pppd(&s->mon, sig);
	return kill(pid, sig) < 0 ? -errno : 0;
}

void
session_stop(struct sstpc *s)
{
	if (s->stopping) {
		/* Second request: do not wait for anybody. */
		log_warn("second stop request: closing at once");
		session_drop_server(s, false);
		if (s->br != NULL)
			bridge_stop(s->br, true);
		event_base_loopexit(s->base, NULL);
		return;
	}
	s->stopping = true;
	/*
	 * pppd first: its LCP Terminate still travels over SSTP, and when it
	 * is gone session_ppp_gone() sends Call Disconnect.  In pty mode (or
	 * before pppd runs) disconnect SSTP directly.
	 */
	if (s->br != NULL && !bridge_done(s->br)) {
		/* Hang up at once if the server link is not up (yet). */
		bridge_stop(s->br, s->phase != PHASE_SSTP || s->st == NULL);
		return;
	}
	if (s->br != NULL && bridge_pty_open(s->br) && s->phase == PHASE_SSTP &&
	    s->st != NULL && (sstp_ctrl_state(&s->ctrl) == SSTP_CS_ACK_RECEIVED ||
	    sstp_ctrl_state(&s->ctrl) == SSTP_CS_CALL_CONNECTED)) {
		/*
		 * pty mode: pppd got the signal too (it passes it to its pty
		 * command's group).  Give its LCP Terminate a moment to cross
		 * before the Call Disconnect; pppd closing the pty ends the
		 * wait early (session_ppp_gone()).
		 */
		struct timeval tv = { SESSION_PTY_GRACE_MS / 1000,
		    (SESSION_PTY_GRACE_MS % 1000) * 1000 };

		evtimer_add(s->grace_timer, &tv);
		return;
	}
	session_ppp_gone(s, s->exit_code, s->reason);
}

static void
session_grace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sstpc *s = arg;

	session_ppp_gone(s, s->exit_code, s->reason);
}

/* --- SSTP stream ---------------------------------------------------------- */

/* Parse as many whole SSTP packets as buf holds; return bytes consumed. */
static size_t
session_sstp_input(struct sstpc *s, const uint8_t *buf, size_t len)
{
	struct sstp_frame fr;
	struct bcur pl;
	size_t off = 0;
	uint64_t now = session_now();
	uint16_t proto = 0;
	char d[256];
	int r, ctl;

	while (s->st != NULL && s->phase == PHASE_SSTP) {
		r = sstp_wire_frame(buf + off, len - off, &fr);
		if (r == 0)
			break;
		if (r < 0) {
			log_hex("SSTP framing error at", buf + off,
			    len - off < 16 ? len - off : 16);
			sstp_ctrl_framing_error(&s->ctrl);
			session_ctrl_sync(s);
			return len;
		}
		if (off == 0)
			sstp_ctrl_rx_any(&s->ctrl, now);	/* once a batch */
		if (fr.control) {
			if (log_enabled(LOG_LVL_CTRL)) {
				sstp_wire_describe(buf + off, fr.len, d,
				    sizeof d);
				log_ctrl("SSTP recv %s", d);
			}
			log_hex("SSTP in", buf + off, fr.len);
			sstp_ctrl_input(&s->ctrl, now, buf + off, fr.len);
			session_ctrl_sync(s);
		} else if (sstp_wire_data_payload(buf + off, fr.len, &pl) ==
		    0 && bcur_left(&pl) > 0) {
			ctl = sstp_wire_ppp_classify(bcur_ptr(&pl),
			    bcur_left(&pl), &proto, NULL);
			if (log_enabled(LOG_LVL_CTRL) && ctl == 1) {
				ppp_dissect(bcur_ptr(&pl), bcur_left(&pl), d,
				    sizeof d);
				log_ctrl("PPP recv %s", d);
			}
			log_trace("PPP in: protocol 0x%04x, %zu bytes", proto,
			    bcur_left(&pl));
			if (ctl >= 0 && sstp_ctrl_rx_data_ok(&s->ctrl,
			    ctl == 1) && s->br != NULL) {
				if (ctl == 0)
					s->data_rx = true;
				bridge_from_server(s->br, bcur_ptr(&pl),
				    bcur_left(&pl));
			} else
				log_trace("dropped a PPP frame from the server "
				    "(state %s)", sstp_ctrl_state_name(
				    sstp_ctrl_state(&s->ctrl)));
		}
		off += fr.len;
		/* The bridge may have asked us to stop reading. */
		if (s->st != NULL && s->paused_by_bridge)
			break;
	}
	if (off > 0)
		session_ctrl_sync(s);	/* the Hello deadline moved */
	return off;
}

/* Bytes from the server: proxy reply, HTTP reply or SSTP. */
static size_t
session_stream_input(void *arg, const uint8_t *buf, size_t len)
{
	struct sstpc *s = arg;
	size_t used = 0;
	int r;

	switch (s->phase) {
	case PHASE_PROXY:
		return session_proxy_input(s, buf, len);
	case PHASE_HTTP:
		r = http_resp_feed(s->http, buf, len, &used);
		if (r == 0)
			return len;
		if (r < 0) {
			char m[300];

			snprintf(m, sizeof m, "bad HTTP response from the "
			    "server: %s", s->http->error);
			session_fail(s, SSTPC_EXIT_HTTP, m);
			return len;
		}
		if (s->http->status != 200) {
			char m[900];

			snprintf(m, sizeof m, "server refused the SSTP "
			    "connection: HTTP %d%s%s%s%s", s->http->status,
			    s->http->reason[0] ? " " : "", s->http->reason,
			    s->http->location[0] ? " (Location: " : "",
			    s->http->location[0] ? s->http->location : "");
			if (s->http->location[0])
				strncat(m, ")", sizeof m - strlen(m) - 1);
			session_fail(s, SSTPC_EXIT_HTTP, m);
			return len;
		}
		log_info("HTTP %d %s: SSTP_DUPLEX_POST accepted%s%s",
		    s->http->status, s->http->reason,
		    s->http->server[0] ? " by " : "", s->http->server);
		free(s->http);
		s->http = NULL;
		evtimer_del(s->phase_timer);
		s->phase = PHASE_SSTP;
		session_sstp_begin(s);
		if (s->st == NULL)
			return len;
		/* Bytes after the header block are the SSTP stream (row 8). */
		return used + session_sstp_input(s, buf + used, len - used);
	case PHASE_SSTP:
		return session_sstp_input(s, buf, len);
	default:
		return len;
	}
}

/* HTTP 200: start the SSTP control machine with the certificate hashes. */
static void
session_sstp_begin(struct sstpc *s)
{
	struct sstp_ctrl_conf cc;

	sstp_ctrl_conf_defaults(&cc);
	cc.cert_sha1 = s->peer.cert_sha1;
	cc.cert_sha256 = s->peer.cert_sha256;
	cc.require_sha256 = s->cfg->require_sha256;
	cc.hello_ms = s->cfg->hello_interval * 1000U;
	if (sstp_ctrl_init(&s->ctrl, &cc, &session_ctrl_ops, s) < 0) {
		session_fail(s, SSTPC_EXIT_FAILURE, "cannot start the SSTP "
		    "state machine");
		return;
	}
	s->ctrl_timer = evtimer_new(s->base, session_ctrl_timer_cb, s);
	sstp_ctrl_start(&s->ctrl, session_now());
	session_ctrl_sync(s);
}

/* Send the SSTP_DUPLEX_POST request (MS-SSTP 3.2.4.1). */
static void
session_send_http(struct sstpc *s)
{
	uint8_t req[HTTP_REQ_MAX];
	char guid[HTTP_GUID_LEN + 1];
	uint8_t rnd[16];
	const char *corr = s->cfg->uuid;
	struct wbuf w;

	if (corr == NULL) {
		crypto_random(rnd, sizeof rnd);
		http_guid_format(rnd, guid);
		corr = guid;
	}
	wbuf_init(&w, req, sizeof req);
	if (http_sstp_request(&w, s->cfg->name, corr) < 0 ||
	    wbuf_error(&w) != 0) {
		session_fail(s, SSTPC_EXIT_FAILURE, "cannot build the HTTP "
		    "request");
		return;
	}
	log_debug("sending SSTP_DUPLEX_POST (Host: %s, SSTPCORRELATIONID: %s)",
	    s->cfg->name, corr);
	s->http = calloc(1, sizeof *s->http);
	if (s->http == NULL) {
		session_fail(s, SSTPC_EXIT_FAILURE, "out of memory");
		return;
	}
	http_resp_init(s->http, HTTP_RESP_SSTP);
	s->phase = PHASE_HTTP;
	stream_write(s->st, req, w.len);
}

/* TLS handshake done: verify before any HTTP byte leaves (S3). */
static void
session_stream_connected(void *arg)
{
	struct sstpc *s = arg;
	char err[512];

	if (tls_check_peer(stream_ssl(s->st), &s->tls, &s->peer, err,
	    sizeof err) < 0) {
		session_fail(s, SSTPC_EXIT_TLS, err);
		return;
	}
	log_info("TLS %s (%s) with %s: certificate %s", s->peer.version,
	    s->peer.cipher, s->conn_host, s->peer.verified ? "verified" :
	    "NOT verified");
	log_debug("server certificate: %s", s->peer.subject);
	session_send_http(s);
}

/* Switch the connected socket to TLS. */
static void
session_start_tls(struct sstpc *s)
{
	char err[256];
	SSL *ssl;

	ssl = tls_ssl_new(s->ssl_ctx, &s->tls, stream_fd(s->st), err,
	    sizeof err);
	if (ssl == NULL) {
		session_fail(s, SSTPC_EXIT_TLS, err);
		return;
	}
	s->phase = PHASE_TLS;
	stream_start_tls(s->st, ssl);
}

/* Build and queue the proxy CONNECT (with credentials once challenged). */
static void
session_send_connect(struct sstpc *s)
{
	uint8_t req[HTTP_REQ_MAX];
	struct http_cred cred = { 0 };
	char cnonce[33];
	uint8_t rnd[16];
	struct wbuf w;
	size_t i;
	int r;

	cred.user = s->cfg->proxy.user;
	cred.pass = s->cfg->proxy.pass;
	if (s->proxy_auth && s->proxy_ch.scheme == HTTP_AUTH_DIGEST) {
		crypto_random(rnd, sizeof rnd);
		for (i = 0; i < sizeof rnd; i++)
			snprintf(cnonce + 2 * i, 3, "%02x", rnd[i]);
		cred.cnonce = cnonce;
		cred.nc = 1;
	}
	wbuf_init(&w, req, sizeof req);
	r = http_connect_request(&w, s->cfg->server.host, s->cfg->server.port,
	    s->proxy_auth ? &s->proxy_ch : NULL, &cred);
	if (r < 0 || wbuf_error(&w) != 0) {
		explicit_bzero(req, sizeof req);
		session_fail(s, SSTPC_EXIT_CONNECT, "cannot build the proxy "
		    "CONNECT request");
		return;
	}
	log_debug("proxy: CONNECT %s:%u%s", s->cfg->server.host,
	    s->cfg->server.port, s->proxy_auth ? " with credentials" : "");
	stream_write(s->st, req, w.len);
	explicit_bzero(req, sizeof req);
	s->http = calloc(1, sizeof *s->http);
	if (s->http == NULL) {
		session_fail(s, SSTPC_EXIT_FAILURE, "out of memory");
		return;
	}
	http_resp_init(s->http, HTTP_RESP_PROXY);
	s->phase = PHASE_PROXY;
}

static void	session_connect(struct sstpc *);

/* The proxy's answer to CONNECT. */
static size_t
session_proxy_input(struct sstpc *s, const uint8_t *buf, size_t len)
{
	struct http_resp *h = s->http;
	size_t used = 0;
	char m[700];
	int r;

	r = http_resp_feed(h, buf, len, &used);
	if (r == 0)
		return len;
	if (r < 0) {
		snprintf(m, sizeof m, "bad reply from the proxy: %s", h->error);
		session_fail(s, SSTPC_EXIT_CONNECT, m);
		return len;
	}
	if (h->status == 407 && s->cfg->proxy.has_user && !s->proxy_auth) {
		r = http_challenge_select(h, &s->proxy_ch);
		if (r < 0) {
			session_fail(s, SSTPC_EXIT_CONNECT, "proxy requires "
			    "an authentication scheme sstpc does not support "
			    "(Basic and Digest are supported)");
			return len;
		}
		log_info("proxy asks for %s authentication; retrying with "
		    "credentials", s->proxy_ch.scheme == HTTP_AUTH_DIGEST ?
		    "Digest" : "Basic");
		s->proxy_auth = true;
		free(s->http);
		s->http = NULL;
		/* The proxy may close after a 407: always reconnect. */
		session_drop_server(s, false);
		session_connect(s);
		return len;
	}
	if (h->status / 100 != 2) {
		snprintf(m, sizeof m, "proxy refused CONNECT %s:%u: HTTP %d %s%s",
		    s->cfg->server.host, s->cfg->server.port, h->status,
		    h->reason, h->status == 407 ? (s->proxy_auth ?
		    " (credentials rejected)" : " (give user:password in "
		    "--proxy)") : "");
		session_fail(s, SSTPC_EXIT_CONNECT, m);
		return len;
	}
	if (used != len) {
		session_fail(s, SSTPC_EXIT_CONNECT, "proxy sent data after its "
		    "CONNECT reply");
		return len;
	}
	log_info("proxy: tunnel to %s:%u established", s->cfg->server.host,
	    s->cfg->server.port);
	free(s->http);
	s->http = NULL;
	session_start_tls(s);
	return len;
}

static void
session_stream_drained(void *arg)
{
	struct sstpc *s = arg;

	if (s->br != NULL)
		bridge_server_drained(s->br);
}

static void
session_stream_closed(void *arg, int err, const char *msg)
{
	struct sstpc *s = arg;
	char m[400];

	switch (s->phase) {
	case PHASE_PROXY:
		snprintf(m, sizeof m, "proxy closed the connection: %s", msg);
		session_fail(s, SSTPC_EXIT_CONNECT, m);
		break;
	case PHASE_TLS:
		session_fail(s, SSTPC_EXIT_TLS, msg);
		break;
	case PHASE_HTTP:
		snprintf(m, sizeof m, "no HTTP response from the server: %s",
		    msg);
		session_fail(s, SSTPC_EXIT_HTTP, m);
		break;
	case PHASE_SSTP:
		/* Row 38: PPP lower-down, clean up, send nothing. */
		snprintf(m, sizeof m, "connection to the server lost: %s", msg);
		if (sstp_ctrl_state(&s->ctrl) >= SSTP_CS_ABORT_PENDING)
			log_debug("%s (during teardown)", m);
		else
			session_set_reason(s, s->stopping ? s->exit_code :
			    SSTPC_EXIT_PEER, "%s", m);
		session_drop_server(s, false);
		sstp_ctrl_lower_down(&s->ctrl);
		session_ctrl_sync(s);
		if (s->br != NULL)
			bridge_stop(s->br, true);
		session_maybe_finish(s);
		break;
	default:
		session_fail(s, SSTPC_EXIT_FAILURE, msg);
		break;
	}
}

static const struct stream_ops session_stream_ops = {
	.connected = session_stream_connected,
	.input = session_stream_input,
	.drained = session_stream_drained,
	.closed = session_stream_closed,
};

/* --save-server-route: a host route to what we connected to. */
static void
session_save_route(struct sstpc *s)
{
	char err[256];
	int r;

	if (s->mon.pid > 0)
		r = monitor_route_add(&s->mon, (struct sockaddr *)&s->peer_sa,
		    s->peer_salen, err, sizeof err);
	else {
		r = route_save((struct sockaddr *)&s->peer_sa, s->peer_salen,
		    &s->route, err, sizeof err);
		if (r >= 0)
			snprintf(err, sizeof err, "%s", s->route.desc);
	}
	if (r < 0)
		log_warn("--save-server-route: %s", err);
	else if (r == 0)
		log_info("added the host route %s (removed at exit)", err);
	else
		log_debug("--save-server-route: no route needed (%s)", err);
}

/* TCP connected (or failed) to the server or the proxy. */
static void
session_connected_cb(int fd, int err, const char *msg,
    const struct sockaddr *sa, socklen_t salen, void *arg)
{
	struct sstpc *s = arg;
	char a[80];

	s->nc = NULL;
	if (fd < 0) {
		session_fail(s, SSTPC_EXIT_CONNECT, msg);
		return;
	}
	net_addr_string(sa, a, sizeof a);
	if (salen <= sizeof s->peer_sa) {
		memcpy(&s->peer_sa, sa, salen);
		s->peer_salen = salen;
	}
	log_info("connected to %s (%s)", s->conn_host, a);
	if (s->cfg->save_server_route)
		session_save_route(s);
	s->st = stream_new(s->base, fd, &session_stream_ops, s);
	if (s->st == NULL) {
		close(fd);
		session_fail(s, SSTPC_EXIT_FAILURE, "out of memory");
		return;
	}
	if (s->cfg->has_proxy)
		session_send_connect(s);
	else
		session_start_tls(s);
}

/* Bound on TCP + TLS + HTTP (MS-SSTP 4.1: 60 s for the HTTP reply). */
static void
session_phase_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sstpc *s = arg;
	char m[200];

	snprintf(m, sizeof m, "timed out during the %s phase after %u s",
	    session_phase_name[s->phase], s->cfg->handshake_timeout);
	session_fail(s, s->phase == PHASE_HTTP ? SSTPC_EXIT_HTTP :
	    s->phase == PHASE_TLS ? SSTPC_EXIT_TLS : SSTPC_EXIT_CONNECT, m);
}

/* Dial the proxy or the server. */
static void
session_connect(struct sstpc *s)
{
	const struct url *u = s->cfg->has_proxy ? &s->cfg->proxy :
	    &s->cfg->server;
	struct timeval tv = { (time_t)s->cfg->handshake_timeout, 0 };

	snprintf(s->conn_host, sizeof s->conn_host, "%s", u->host);
	s->conn_port = u->port;
	s->phase = PHASE_CONNECT;
	log_info("connecting to %s port %u%s", u->host, u->port,
	    s->cfg->has_proxy ? " (HTTP proxy)" : "");
	s->nc = net_connect_start(s->base, s->dns, u->host, u->port,
	    s->cfg->connect_timeout * 1000U, session_connected_cb, s);
	if (s->nc == NULL) {
		session_fail(s, SSTPC_EXIT_FAILURE, "cannot start connecting");
		return;
	}
	evtimer_add(s->phase_timer, &tv);
}

static void
session_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct sstpc *s = arg;

	const char *name = sigabbrev_np((int)sig);

	log_info("SIG%s received: disconnecting", name != NULL ? name : "?");
	s->signo = (int)sig;
	session_set_reason(s, SSTPC_EXIT_SIGNAL, "terminated by SIG%s",
	    name != NULL ? name : "?");
	session_stop(s);
}

/* Count our open file descriptors (for the SIGUSR1 report). */
static int
session_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;		/* the directory's own fd */
}

/* SIGUSR1: one line of health figures (used by tests/soak). */
static void
session_stats_cb(evutil_socket_t sig, short what, void *arg)
{
	struct sstpc *s = arg;
	struct rusage ru;
	uint64_t in = s->tls_in, out = s->tls_out;

	getrusage(RUSAGE_SELF, &ru);
	if (s->st != NULL) {
		in += stream_bytes_in(s->st);
		out += stream_bytes_out(s->st);
	}
	log_info("stats: state %s, up %llu s, maxrss %ld KiB, fds %d, events "
	    "%d, TLS %llu bytes in, %llu out, echo requests answered %u",
	    sstp_ctrl_state_name(sstp_ctrl_state(&s->ctrl)),
	    (unsigned long long)(s->established ? (session_now() -
	    s->t_established) / 1000 : 0), ru.ru_maxrss, session_count_fds(),
	    event_base_get_num_events(s->base, EVENT_BASE_COUNT_ADDED),
	    (unsigned long long)in, (unsigned long long)out,
	    s->ctrl.echo_rx);
}

/* Fill the TLS settings from the configuration. */
static void
session_tls_conf(struct sstpc *s)
{
	const struct sstpc_config *c = s->cfg;

	memset(&s->tls, 0, sizeof s->tls);
	s->tls.ca_file = c->ca_cert;
	s->tls.ca_path = c->ca_path;
	s->tls.crl_file = c->crl_file;
	s->tls.crl_path = c->crl_path;
	s->tls.verify_name = c->name;
	s->tls.sni = c->sni[0] != '\0' ? c->sni : NULL;
	s->tls.cert_warn = c->cert_warn;
	s->tls.have_pin = c->has_pin;
	memcpy(s->tls.pin_sha256, c->pin_sha256, sizeof s->tls.pin_sha256);
	s->tls.min_version = c->tls_min;
	s->tls.max_version = c->tls_max;
}

/*
 * As root: hand the privileged monitor (started first thing) what it may
 * act on — the plugin socket, pppd, the name dialled for the route — and
 * drop to the unprivileged user before the first network byte is parsed
 * (STYLE.md 8.24).  Fails closed: an explicitly named user that does not
 * exist is an error.
 */
static int
session_drop_privileges(struct sstpc *s)
{
	const struct sstpc_config *c = s->cfg;
	unsigned int flags = 0;
	char err[512];
	int r;

	if (geteuid() != 0)
		return 0;
	r = monitor_handover(&s->mon, s->api != NULL ? api_srv_path(s->api) :
	    NULL, s->br != NULL ? bridge_pid(s->br) : 0, !c->save_server_route ?
	    NULL : c->has_proxy ? c->proxy.host : c->server.host, err,
	    sizeof err);
	if (r < 0) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "%s", err);
		return -1;
	}
	if (!c->priv_user_given)
		flags |= PRIV_USER_IS_DEFAULT;
	if (!c->priv_group_given)
		flags |= PRIV_GROUP_IS_DEFAULT;
	if (c->allow_root)
		flags |= PRIV_ALLOW_ROOT;
	r = priv_drop(c->priv_user, c->priv_group, c->priv_dir, flags, err,
	    sizeof err);
	if (r < 0) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "cannot drop "
		    "privileges: %s", err);
		return -1;
	}
	s->dropped = r == 0;
	return 0;
}

int
session_run(struct sstpc *s, const struct sstpc_config *cfg)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	char err[512];
	size_t i;

	s->cfg = cfg;
	s->mon.fd = -1;
	s->t_start = session_now();
	s->exit_code = SSTPC_EXIT_OK;
	signal(SIGPIPE, SIG_IGN);
	/*
	 * The monitor first, before libevent and OpenSSL set up: what is on
	 * the heap at the fork is shared copy-on-write with it, and every
	 * page written later is copied (bench/README.md, memory).
	 */
	if (geteuid() == 0 && monitor_start(&s->mon, err, sizeof err) < 0) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "%s", err);
		return s->exit_code;
	}
	s->base = event_base_new();
	if (s->base == NULL) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "cannot create the "
		    "event loop");
		return s->exit_code;
	}
	s->dns = evdns_base_new(s->base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (s->dns == NULL) {
		/* No resolv.conf: names from /etc/hosts and literals only. */
		s->dns = evdns_base_new(s->base, 0);
		if (s->dns != NULL)
			evdns_base_load_hosts(s->dns, NULL);
	}
	s->phase_timer = evtimer_new(s->base, session_phase_timer_cb, s);
	s->grace_timer = evtimer_new(s->base, session_grace_cb, s);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		s->sig_ev[i] = evsignal_new(s->base, sigs[i], session_signal_cb,
		    s);
		if (s->sig_ev[i] != NULL)
			evsignal_add(s->sig_ev[i], NULL);
	}
	s->sig_ev[i] = evsignal_new(s->base, SIGUSR1, session_stats_cb, s);
	if (s->sig_ev[i] != NULL)
		evsignal_add(s->sig_ev[i], NULL);
	if (s->dns == NULL || s->phase_timer == NULL) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "cannot set up the "
		    "resolver");
		goto out;
	}
	session_tls_conf(s);
	s->ssl_ctx = tls_ctx_new(&s->tls, err, sizeof err);
	if (s->ssl_ctx == NULL) {
		session_set_reason(s, SSTPC_EXIT_TLS, "%s", err);
		goto out;
	}

	/*
	 * The PPP side comes first: the sstp-api socket and pppd are set up
	 * while we still hold the privileges for them, and before any byte
	 * from the network is parsed (STYLE.md 8.24).
	 */
	s->br = bridge_new(s);
	if (s->br == NULL) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "out of memory");
		goto out;
	}
	if (!cfg->has_password || cfg->nolaunchpppd) {
		s->api = api_srv_new(s, err, sizeof err);
		if (s->api == NULL) {
			session_set_reason(s, SSTPC_EXIT_FAILURE, "%s", err);
			goto out;
		}
	}
	if ((cfg->nolaunchpppd ? bridge_attach_stdio(s->br, err, sizeof err) :
	    bridge_launch(s->br, err, sizeof err)) < 0) {
		session_set_reason(s, SSTPC_EXIT_PPPD, "%s", err);
		goto out;
	}

	if (session_drop_privileges(s) < 0)
		goto out;

	session_connect(s);
	if (!s->have_reason || s->nc != NULL)
		event_base_dispatch(s->base);
out:
	session_drop_server(s, false);
	if (s->br != NULL) {
		bridge_stats(s->br, &s->ppp_out, &s->ppp_in);
		bridge_free(s->br);
		s->br = NULL;
	}
	if (s->api != NULL) {
		api_srv_free(s->api);
		s->api = NULL;
	}
	/* The monitor removes the route and the socket as it exits. */
	monitor_stop(&s->mon);
	route_restore(&s->route);
	free(s->http);
	s->http = NULL;
	if (s->ctrl_timer != NULL)
		event_free(s->ctrl_timer);
	if (s->phase_timer != NULL)
		event_free(s->phase_timer);
	if (s->grace_timer != NULL)
		event_free(s->grace_timer);
	for (i = 0; i < sizeof s->sig_ev / sizeof s->sig_ev[0]; i++)
		if (s->sig_ev[i] != NULL)
			event_free(s->sig_ev[i]);
	if (s->ssl_ctx != NULL)
		SSL_CTX_free(s->ssl_ctx);
	if (s->dns != NULL)
		evdns_base_free(s->dns, 0);
	if (s->base != NULL)
		event_base_free(s->base);
	if (s->established)
		log_info("session summary: connected %.1f s; PPP %llu bytes sent, "
		    "%llu received; TLS %llu bytes out, %llu in",
		    (double)(s->t_end - s->t_established) / 1000.0,
		    (unsigned long long)s->ppp_out,
		    (unsigned long long)s->ppp_in,
		    (unsigned long long)s->tls_out,
		    (unsigned long long)s->tls_in);
	return s->exit_code;
}
