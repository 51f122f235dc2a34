/*
 * session.c - one SSTP session: connect (directly or through an HTTP
 * proxy), TLS with verification before any HTTP byte, SSTP_DUPLEX_POST,
 * then the SSTP stream: framing, the control state machine, PPP data
 * to and from the link (link/link.h: the session knows nothing else of
 * the PPP side).  Every way out records one reason and one exit
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

#include <event2/event.h>

#include "crypto/crypto.h"
#include "link/link.h"
#include "link/pppd/pppd_link.h"
#include "link/tun/tun_link.h"
#include "net/connect.h"
#include "net/dns.h"
#include "net/proxy.h"
#include "net/tls_stream.h"
#include "session/chan_loop.h"
#include "session/sstp_chan.h"
#include "sstpc/persist.h"
#include "sstpc/sstpc.h"
#include "sys/priv.h"
#include "sys/tun.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/nelem.h"

/* The bound on an orderly PPP end of the built-in link (ms). */
#define SESSION_PPP_STOP_MS	2000

static const char *const session_phase_name[] = {
	"start", "connect", "proxy", "tls", "http", "sstp", "done"
};

static void	session_sstp_begin(struct sstpc *);

/* Record the first reason the session ends, with its exit status. */
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

/* The exit status for the way the PPP side ended. */
static int
session_link_exit(enum link_end end)
{
	switch (end) {
	case LINK_END_OK:
		return SSTPC_EXIT_OK;
	case LINK_END_AUTH:
		return SSTPC_EXIT_AUTH;
	case LINK_END_PPP:
		return SSTPC_EXIT_PPPD;
	case LINK_END_PEER:
		return SSTPC_EXIT_PEER;
	default:
		return SSTPC_EXIT_FAILURE;
	}
}

/* End the loop once the server side and the PPP side are both finished. */
static void
session_maybe_finish(struct sstpc *s)
{
	if (s->st != NULL || s->nc != NULL)
		return;
	if (s->link != NULL && !link_done(s->link)) {
		link_stop(s->link, LINK_STOP_HANGUP);	/* the server is gone */
		return;
	}
	s->phase = PHASE_DONE;
	event_base_loopexit(s->base, NULL);
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
			s->t_end = clock_now_ms();
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

/* --- the SSTP channel's reports (session/sstp_chan.h) -------------------- */

static uint64_t
session_chan_now(void *arg)
{
	return clock_now_ms();
}

/* Call Connected sent: the tunnel is up. */
static void
session_chan_established(void *arg)
{
	struct sstpc *s = arg;

	s->established = true;
	s->ever_established = true;
	s->t_established = clock_now_ms();
	log_info("SSTP call connected after %llu ms",
	    (unsigned long long)(s->t_established - s->t_start));
}

/* Map the control machine's quit reason onto an exit status. */
static int
session_quit_exit(enum sstp_quit q)
{
	switch (q) {
	case SSTP_QUIT_LOCAL_DISCONNECT:
		return SSTPC_EXIT_OK;
	case SSTP_QUIT_PEER_DISCONNECT:
	case SSTP_QUIT_HELLO_TIMEOUT:
	case SSTP_QUIT_LOWER_DOWN:
		return SSTPC_EXIT_PEER;
	case SSTP_QUIT_AUTH_TIMEOUT:
		return SSTPC_EXIT_AUTH;
	case SSTP_QUIT_INTERNAL:
		return SSTPC_EXIT_FAILURE;
	default:
		return SSTPC_EXIT_SSTP;
	}
}

/*
 * The SSTP call is over (the machine closed): one reason and exit status,
 * then the stream goes and the link is hung up.
 */
static void
session_chan_closed(void *arg, enum sstp_quit q, bool binding_refused,
    const char *msg)
{
	struct sstpc *s = arg;

	if (binding_refused && !s->stopping)
		session_set_reason(s, SSTPC_EXIT_AUTH, "server aborted the call "
		    "right after Call Connected: crypto binding refused (%s)",
		    msg);
	else
		session_set_reason(s, session_quit_exit(q), "%s", msg);
	session_drop_server(s, true);
	if (s->link != NULL)
		link_stop(s->link, LINK_STOP_HANGUP);
	session_maybe_finish(s);
}

/* Point the one control timer at the channel's next deadline. */
static void
session_chan_timer_changed(void *arg)
{
	struct sstpc *s = arg;

	sstp_chan_timer_arm(&s->chan, s->ctrl_timer);
}

/* The PPP side is gone (pppd exited / pty closed): orderly shutdown. */
static void
session_ppp_gone(struct sstpc *s, int exit_code, const char *why)
{
	session_set_reason(s, exit_code, "%s", why);
	/* Graceful path: Call Disconnect, wait for the Ack. */
	if (s->phase == PHASE_SSTP && s->st != NULL &&
	    sstp_chan_disconnect(&s->chan, clock_now_ms()))
		return;
	if (s->phase != PHASE_SSTP)
		session_drop_server(s, false);
	session_maybe_finish(s);
}

static void
session_chan_link_gone(void *arg, enum link_end end, const char *why)
{
	session_ppp_gone(arg, session_link_exit(end), why);
}

/* The link gives up (e.g. --eap-auth refused): stop with its reason. */
static void
session_chan_link_fail(void *arg, enum link_end end, const char *msg)
{
	struct sstpc *s = arg;

	session_set_reason(s, session_link_exit(end), "%s", msg);
	session_stop(s);
}

/* Signal the link's child, through the monitor once privileges dropped. */
static int
session_chan_signal_child(void *arg, pid_t pid, int sig)
{
	struct sstpc *s = arg;

	if (s->mon.pid > 0)
		return monitor_signal_pppd(&s->mon, sig);
	return kill(pid, sig) < 0 ? -errno : 0;
}

static int
session_chan_server_addr(void *arg, const char **name,
    const struct sockaddr **sa, socklen_t *salen)
{
	struct sstpc *s = arg;

	if (s->peer_salen == 0)
		return -ENOTCONN;
	*name = s->cfg->server.host;
	*sa = (const struct sockaddr *)&s->peer_sa;
	*salen = s->peer_salen;
	return 0;
}

/* A built-in link's Network phase: configure the host (session_host.c). */
static void
session_chan_net_up(void *arg, const struct link_net *n)
{
	struct sstpc *s = arg;
	char err[512];

	err[0] = '\0';
	s->net_was_up = true;		/* --persist: not a failed attempt */
	if (session_host_net_up(s, n, err, sizeof err) != 0) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "host configuration: "
		    "%s", err);
		session_stop(s);
	}
}

static void
session_chan_net_down(void *arg, const struct link_net *n)
{
	session_host_net_down(arg, n);
}

static const struct sstp_chan_ops session_chan_ops = {
	.now = session_chan_now,
	.established = session_chan_established,
	.closed = session_chan_closed,
	.timer_changed = session_chan_timer_changed,
	.link_gone = session_chan_link_gone,
	.link_fail = session_chan_link_fail,
	.signal_child = session_chan_signal_child,
	.server_addr = session_chan_server_addr,
	.net_up = session_chan_net_up,
	.net_down = session_chan_net_down,
};

/*
 * Stop: the PPP side first, while the server link can still carry its LCP
 * Terminate; when it is gone, session_ppp_gone() sends Call Disconnect.
 */
void
session_stop(struct sstpc *s)
{
	bool sstp_up = s->phase == PHASE_SSTP && s->st != NULL;

	if (s->stopping) {
		/* Second request: do not wait for anybody. */
		log_warn("second stop request: closing at once");
		session_drop_server(s, false);
		if (s->link != NULL)
			link_stop(s->link, LINK_STOP_HANGUP);
		event_base_loopexit(s->base, NULL);
		return;
	}
	s->stopping = true;
	if (s->link != NULL && !link_done(s->link)) {
		/* Hang up at once if the server link is not up (yet). */
		link_stop(s->link, sstp_up ? LINK_STOP_ORDERLY :
		    LINK_STOP_HANGUP);
		return;
	}
	session_ppp_gone(s, s->exit_code, s->reason);
}

/* --- SSTP stream ---------------------------------------------------------- */

/* Parse as many whole SSTP packets as buf holds; return bytes consumed. */
static size_t
session_sstp_input(struct sstpc *s, const uint8_t *buf, size_t len)
{
	if (s->st == NULL || s->phase != PHASE_SSTP)
		return len;
	return sstp_chan_input(&s->chan, clock_now_ms(), buf, len);
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
		return proxy_input(s->proxy, buf, len);
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
	s->ctrl_timer = evtimer_new(s->base, sstp_chan_timer_cb, &s->chan);
	if (s->ctrl_timer == NULL || sstp_chan_begin(&s->chan, &cc,
	    &sstp_chan_stream_io, &s->st, clock_now_ms()) < 0)
		session_fail(s, SSTPC_EXIT_FAILURE, "cannot start the SSTP "
		    "state machine");
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

static void	session_connect(struct sstpc *);

/* The CONNECT client asks for a new connection to the proxy (a 407). */
static void
session_proxy_reconnect(void *arg)
{
	struct sstpc *s = arg;

	session_drop_server(s, false);
	session_connect(s);
}

/* The tunnel through the proxy is up: TLS to the server through it. */
static void
session_proxy_up(void *arg)
{
	session_start_tls(arg);
}

/* No tunnel: the server cannot be reached. */
static void
session_proxy_failed(void *arg, const char *msg)
{
	session_fail(arg, SSTPC_EXIT_CONNECT, msg);
}

static const struct proxy_ops session_proxy_ops = {
	.reconnect = session_proxy_reconnect,
	.up = session_proxy_up,
	.failed = session_proxy_failed,
};

/* Connected to the proxy: the CONNECT client takes the stream. */
static void
session_proxy_start(struct sstpc *s)
{
	struct proxy_conf pc;

	if (s->proxy == NULL) {
		memset(&pc, 0, sizeof pc);
		pc.host = s->cfg->server.host;
		pc.port = s->cfg->server.port;
		if (s->cfg->proxy.has_user) {
			pc.user = s->cfg->proxy.user;
			pc.pass = s->cfg->proxy.pass;
		}
		if ((s->proxy = proxy_new(&pc, &session_proxy_ops, s)) ==
		    NULL) {
			session_fail(s, SSTPC_EXIT_FAILURE, "out of memory");
			return;
		}
	}
	s->phase = PHASE_PROXY;
	proxy_start(s->proxy, s->st);
}

/* The TLS output fell below its low mark: the link may read again. */
static void
session_stream_drained(void *arg)
{
	struct sstpc *s = arg;

	if (s->link != NULL)
		link_server_drained(s->link);
}

/* The server connection ended (EOF or error): what it means by phase. */
static void
session_stream_closed(void *arg, int err, const char *msg)
{
	struct sstpc *s = arg;
	char m[400];

	switch (s->phase) {
	case PHASE_PROXY:
		proxy_closed(s->proxy, msg);
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
		if (sstp_chan_closing(&s->chan))
			log_debug("%s (during teardown)", m);
		else
			session_set_reason(s, s->stopping ? s->exit_code :
			    SSTPC_EXIT_PEER, "%s", m);
		session_drop_server(s, false);
		sstp_chan_lower_down(&s->chan);
		if (s->link != NULL)
			link_stop(s->link, LINK_STOP_HANGUP);
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
	if (!s->cfg->tun) {
		stream_set_tx_marks(s->st, PPPD_LINK_SERVER_TX_HIGH,
		    PPPD_LINK_SERVER_TX_LOW);
		/* Memory, not speed: pppd paces the link (tls_stream.h). */
		(void)stream_set_rx_size(s->st, STREAM_RX_MIN);
	}
	if (s->cfg->has_proxy)
		session_proxy_start(s);
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
	s->t_start = clock_now_ms();
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

/* SIGINT, SIGTERM, SIGHUP: an orderly stop; a second one closes at once. */
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
	    sstp_ctrl_state_name(sstp_chan_state(&s->chan)),
	    (unsigned long long)(s->established ? (clock_now_ms() -
	    s->t_established) / 1000 : 0), ru.ru_maxrss, session_count_fds(),
	    event_base_get_num_events(s->base, EVENT_BASE_COUNT_ADDED),
	    (unsigned long long)in, (unsigned long long)out,
	    s->chan.ctrl.echo_rx);
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
	if (session_host_handover(s, err, sizeof err) < 0) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "%s", err);
		return -1;
	}
	/* --tun: the server's name checks the gateway of net_up too. */
	r = monitor_handover(&s->mon, link_sock_path(s->link),
	    link_child_pid(s->link), !c->save_server_route && !c->tun ? NULL :
	    c->has_proxy ? c->proxy.host : c->server.host, err, sizeof err);
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

/*
 * --tun: open the TUN device (or take --tun-fd's) while still privileged,
 * and the built-in link on it, its PPP engine set from the pppd-named
 * options.  The device is the session's (s->tun), not the link's: it stays
 * across a reconnect.  NULL with the reason set.
 */
static struct link *
session_tun_link_new(struct sstpc *s)
{
	const struct sstpc_config *c = s->cfg;
	struct tun_link_conf tc;
	struct link *l;
	char err[512];
	int r;

	if (s->tun.fd < 0) {
		r = c->tun_fd >= 0 ? tun_adopt_fd(&s->tun, c->tun_fd, err,
		    sizeof err) : tun_open(&s->tun, c->tun_name, err,
		    sizeof err);
		if (r < 0) {
			session_set_reason(s, SSTPC_EXIT_FAILURE, "%s", err);
			return NULL;
		}
		log_info("%s TUN device %s (ifindex %d)", s->tun.adopted ?
		    "using the --tun-fd" : s->tun.created ? "created the" :
		    "attached to the", s->tun.name, s->tun.ifindex);
	}
	memset(&tc, 0, sizeof tc);
	tc.fd = s->tun.fd;
	tc.ifname = s->tun.name;
	tc.ifindex = s->tun.ifindex;
	tc.vnet_hdr = s->tun.vnet_hdr;		/* (i12-vnet) */
	tc.vnet_le = s->tun.vnet_le;
	tc.no_gro = s->tun.no_gro;
	tc.engine.user = c->user;
	tc.engine.password = c->has_password ? c->password : NULL;
	tc.engine.auth_allow = c->auth_allow;
	tc.engine.mru = (uint16_t)c->mru;
	tc.engine.mtu = (uint16_t)c->mtu;
	tc.engine.ipv4 = !c->noip;
	tc.engine.ipv6 = !c->noipv6;
	tc.engine.usepeerdns = c->usepeerdns;
	tc.engine.require_mppe = c->require_mppe;
	tc.engine.refuse_mppe = c->nomppe;
	tc.engine.echo_interval = c->lcp_echo_interval;
	tc.engine.echo_failure = c->lcp_echo_failure;
	/*
	 * A stop (SIGTERM) waits this long for the LCP Terminate-Ack (RFC
	 * 1661 3.7): a live server acks within a round trip, and one that
	 * ignores LCP must not hold the exit past a few seconds.
	 */
	tc.stop_guard_ms = SESSION_PPP_STOP_MS;
	/* A reconnect asks for the link-local address in place. */
	if (s->host.ip.have_ip6)
		memcpy(tc.engine.want_ifid, s->host.ip.local_ifid,
		    sizeof tc.engine.want_ifid);
	l = tun_link_new(s->base, &tc, &sstp_chan_link_up, &s->chan);
	if (l == NULL)
		session_set_reason(s, SSTPC_EXIT_FAILURE, "out of memory");
	return l;
}

/*
 * The PPP side: pppd, launched or (--nolaunchpppd) our parent.  The plugin
 * socket and pppd are set up while we still hold the privileges for them,
 * and before any byte from the network is parsed (STYLE.md 8.24).
 */
static struct link *
session_link_new(struct sstpc *s)
{
	const struct sstpc_config *c = s->cfg;
	struct pppd_link_conf pc;

	if (c->tun)
		return session_tun_link_new(s);
	memset(&pc, 0, sizeof pc);
	pc.launch = !c->nolaunchpppd;
	pc.pppd_path = c->pppd_path;
	pc.pppd_args = (const char * const *)c->pppd_args;
	pc.n_pppd_args = c->n_pppd_args;
	pc.user = c->user;
	pc.password = c->has_password ? c->password : NULL;
	pc.eap_auth = c->eap_auth;
	pc.ipparam = c->ipparam;
	return pppd_link_new(s->base, &pc, &sstp_chan_link_up, &s->chan);
}

/*
 * A new link on the channel, started: before the drop for the first
 * connection, after it for a reconnect (the TUN is open already).  0, or
 * -1 with the reason set.
 */
static int
session_link_setup(struct sstpc *s)
{
	enum link_end end;
	char err[512];

	s->link = session_link_new(s);
	sstp_chan_set_link(&s->chan, s->link);
	if (s->link == NULL) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "out of memory");
		return -1;
	}
	end = link_start(s->link, err, sizeof err);
	if (end != LINK_END_OK) {
		/* pppd cannot run: 9; the plugin socket or memory: 1. */
		session_set_reason(s, session_link_exit(end), "%s", err);
		return -1;
	}
	return 0;
}

/*
 * What one connection leaves behind goes: the stream, the link (its byte
 * counts kept), the proxy client, the SSTP channel and its timer.  What
 * the run holds stays: the TUN, the monitor, the host configuration.
 */
static void
session_conn_reset(struct sstpc *s)
{
	uint64_t out = 0, in = 0;

	session_drop_server(s, false);
	if (s->link != NULL) {
		link_stats(s->link, &out, &in);
		s->ppp_out += out;
		s->ppp_in += in;
		link_free(s->link);
		s->link = NULL;
	}
	free(s->http);
	s->http = NULL;
	proxy_free(s->proxy);
	s->proxy = NULL;
	if (s->ctrl_timer != NULL) {
		event_free(s->ctrl_timer);
		s->ctrl_timer = NULL;
	}
	explicit_bzero(&s->chan, sizeof s->chan);
	sstp_chan_init(&s->chan, &session_chan_ops, s);
	if (s->established) {
		if (s->t_end == 0)
			s->t_end = clock_now_ms();
		s->up_ms += s->t_end - s->t_established;
	}
	s->established = false;
	s->t_end = 0;
	memset(&s->peer, 0, sizeof s->peer);
	s->phase = PHASE_START;
}

/* The back-off is over: leave the loop for the next attempt. */
static void
session_retry_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sstpc *s = arg;

	event_base_loopexit(s->base, NULL);
}

/*
 * --persist: a connection ended.  Retry or not (persist.h); on a retry
 * wait out the back-off in the loop (a signal ends the run there too),
 * run the script's attempt-reconnect and set up the next link.  False:
 * the run ends with the reason recorded.
 */
static bool
session_persist_next(struct sstpc *s)
{
	const struct sstpc_config *c = s->cfg;
	char loss[sizeof s->reason];
	unsigned n = 0, d = 0;
	struct timeval tv;

	if (!c->persist || s->stopping)
		return false;
	switch (persist_end(&s->persist, c->maxfail, c->holdoff, s->exit_code,
	    s->net_was_up, &n, &d)) {
	case PERSIST_FINAL:
		log_info("--persist: not reconnecting: %s (exit %d) is not "
		    "retried", s->exit_code == SSTPC_EXIT_AUTH ?
		    "authentication refused" : "a local failure",
		    s->exit_code);
		return false;
	case PERSIST_GIVE_UP:
		log_info("--persist: giving up after %u failed attempt%s in a "
		    "row (--maxfail %u)", s->persist.fails,
		    s->persist.fails == 1 ? "" : "s", c->maxfail);
		return false;
	default:
		break;
	}
	snprintf(loss, sizeof loss, "%s", s->reason);
	session_conn_reset(s);
	s->have_reason = false;
	s->exit_code = SSTPC_EXIT_OK;
	s->reason[0] = '\0';
	s->net_was_up = false;
	log_info("reconnect attempt %u in %u s (%s)", n, d, loss);
	tv.tv_sec = (time_t)d;
	tv.tv_usec = 0;
	evtimer_add(s->retry_timer, &tv);
	/* A loop exit still queued from the connection must not cut it. */
	while (!s->stopping && !s->have_reason &&
	    evtimer_pending(s->retry_timer, NULL))
		event_base_dispatch(s->base);
	evtimer_del(s->retry_timer);
	if (s->stopping || s->have_reason)
		return false;
	s->host.reconnect_due = true;
	session_host_event(s, "attempt-reconnect");
	return session_link_setup(s) == 0;
}

/*
 * One run: the link first (privileged), the monitor and the privilege drop,
 * then connect and the event loop until both sides are finished; with
 * --persist again for every lost connection (session_persist_next).
 */
/*
 * libevent's own messages ("[msg] All nameservers have failed" from evdns
 * when no server answers) would go to stderr as they are, beside sstpc's
 * one line on the failure: they go to the log instead, with its prefix,
 * warnings as warnings, the rest at debug level.
 */
static void
session_libevent_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warn("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

int
session_run(struct sstpc *s, const struct sstpc_config *cfg)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	char err[512];
	const char *dns_host;
	size_t i;

	s->cfg = cfg;
	s->mon.fd = -1;
	tun_init(&s->tun);
	s->t_start = clock_now_ms();
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
	event_set_log_callback(session_libevent_log);
	s->base = event_base_new();
	if (s->base == NULL) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "cannot create the "
		    "event loop");
		return s->exit_code;
	}
	/* A literal needs no resolver (its library is not loaded, dns.h). */
	dns_host = s->cfg->has_proxy ? s->cfg->proxy.host :
	    s->cfg->server.host;
	if (!net_host_is_literal(dns_host)) {
		s->dns = net_dns_new(s->base, err, sizeof err);
		if (s->dns == NULL) {
			session_set_reason(s, SSTPC_EXIT_FAILURE, "%s", err);
			goto out;
		}
	}
	s->phase_timer = evtimer_new(s->base, session_phase_timer_cb, s);
	s->retry_timer = evtimer_new(s->base, session_retry_timer_cb, s);
	for (i = 0; i < NELEM(sigs); i++) {
		s->sig_ev[i] = evsignal_new(s->base, sigs[i], session_signal_cb,
		    s);
		if (s->sig_ev[i] != NULL)
			evsignal_add(s->sig_ev[i], NULL);
	}
	s->sig_ev[i] = evsignal_new(s->base, SIGUSR1, session_stats_cb, s);
	if (s->sig_ev[i] != NULL)
		evsignal_add(s->sig_ev[i], NULL);
	if (s->phase_timer == NULL || s->retry_timer == NULL) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "cannot set up the "
		    "event loop's timers");
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
	if (session_host_init(s, err, sizeof err) < 0) {
		session_set_reason(s, SSTPC_EXIT_FAILURE, "%s", err);
		goto out;
	}
	sstp_chan_init(&s->chan, &session_chan_ops, s);
	if (session_link_setup(s) < 0)
		goto out;

	if (session_drop_privileges(s) < 0)
		goto out;

	do {
		session_connect(s);
		if (!s->have_reason || s->nc != NULL)
			event_base_dispatch(s->base);
	} while (session_persist_next(s));
out:
	session_drop_server(s, false);
	session_host_end(s);
	session_conn_reset(s);
	tun_close(&s->tun);
	/* The monitor removes the route and the socket as it exits. */
	monitor_stop(&s->mon);
	route_restore(&s->route);
	if (s->phase_timer != NULL)
		event_free(s->phase_timer);
	if (s->retry_timer != NULL)
		event_free(s->retry_timer);
	for (i = 0; i < NELEM(s->sig_ev); i++)
		if (s->sig_ev[i] != NULL)
			event_free(s->sig_ev[i]);
	if (s->ssl_ctx != NULL)
		SSL_CTX_free(s->ssl_ctx);
	net_dns_free(s->dns);
	if (s->base != NULL)
		event_base_free(s->base);
	if (s->ever_established)
		log_info("session summary: connected %.1f s; PPP %llu bytes sent, "
		    "%llu received; TLS %llu bytes out, %llu in",
		    (double)s->up_ms / 1000.0,
		    (unsigned long long)s->ppp_out,
		    (unsigned long long)s->ppp_in,
		    (unsigned long long)s->tls_out,
		    (unsigned long long)s->tls_in);
	return s->exit_code;
}
