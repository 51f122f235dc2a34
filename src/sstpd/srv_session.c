/*
 * srv_session.c - one client of sstpd (srv_session.h): the PROXY header
 * (before TLS, raw from the socket, never a byte past it), the TLS
 * accept, the HTTP request head (MS-SSTP 3.3.5.1; wire/http_req.c judges
 * it), then the SSTP channel in the server role (MS-SSTP 3.3) with the
 * link of the configured backend.  Callbacks record facts and hand
 * decisions to the channel's machine; every way out records one reason,
 * logged once in the end line.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "crypto/crypto.h"
#include "link/link.h"
#include "link/pppdsrv/pppdsrv.h"
#include "link/tunsrv/tunsrv.h"
#include "net/tls_server.h"
#include "net/tls_stream.h"
#include "session/chan_loop.h"
#include "sstpd/control.h"
#include "sstpd/pool.h"
#include "sstpd/secrets.h"
#include "sstpd/srv_ctx.h"
#include "sstpd/srv_session.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "wire/http_req.h"
#include "wire/proxy_hdr.h"

/* How long a hung-up link may take to report its end (ms). */
#define SRV_LINK_STOP_MS	3000
/* How long an HTTP error answer may take to drain before the close. */
#define SRV_LINGER_MS		1000
/* The Server header of our HTTP answers. */
#define SRV_HTTP_SERVER		"sstpd"
/* Octets peeked at a time while reading a PROXY header. */
#define SRV_PROXY_PEEK		256
/*
 * XX: how long the ClientHello waits before the TLS handshake starts (ms).
 * sstp-client 1.0.18 runs its whole TLS handshake inside the SSL_write of
 * its HTTP request, and arms the read of our 200 only from that write's
 * asynchronous completion.  When the first read() after its ClientHello
 * already finds our whole flight in the socket, the write completes at
 * once, no read is ever armed and 1.0.18 waits forever (its epoll holds the
 * plugin socket only).  Its write-to-read gap is a fraction of a
 * millisecond, so only a server that answers faster than that provokes it:
 * on loopback sstpd did in 13 connects of 20, the Python test server in 2
 * of 20 (a Windows server over a network never can).  Holding the flight
 * this long makes the client's first read find nothing, whatever its speed.
 */
#define SRV_TLS_HOLD_MS		20

static const char *const srv_phase_name[] = {
	"proxy", "tls", "http", "sstp", "done"
};

static void	srv_drop_stream(struct srv_session *, bool graceful);
static void	srv_maybe_finish(struct srv_session *);
static void	srv_start_stream(struct srv_session *);
static void	srv_start_tls(struct srv_session *);
static void	srv_tls_hold_cb(evutil_socket_t, short, void *);

/* The client's address as comparable octets (IPv4-mapped as IPv4). */
static size_t
srv_addr_key(const struct sockaddr *sa, uint8_t key[17])
{
	if (sa->sa_family == AF_INET) {
		key[0] = 4;
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 5;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
		    &((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			key[0] = 4;
			memcpy(key + 1, &a->s6_addr[12], 4);
			return 5;
		}
		key[0] = 6;
		memcpy(key + 1, a, 16);
		return 17;
	}
	key[0] = 0;
	return 1;
}

unsigned
srv_session_count_addr(const struct sstpd_server *srv,
    const struct sockaddr *sa, const struct srv_session *except)
{
	uint8_t k[17], k2[17];
	size_t n = srv_addr_key(sa, k), n2;
	const struct srv_session *s;
	unsigned count = 0;

	TAILQ_FOREACH(s, &srv->sessions, entry) {
		if (s == except || s->phase == SRV_DONE)
			continue;
		n2 = srv_addr_key((const struct sockaddr *)&s->client, k2);
		if (n2 == n && memcmp(k, k2, n) == 0)
			count++;
	}
	return count;
}

/* Out of the table; the last one out of a stopping server ends the loop. */
static void
srv_table_remove(struct sstpd_server *srv, struct srv_session *s)
{
	TAILQ_REMOVE(&srv->sessions, s, entry);
	s->entry.tqe_prev = NULL;
	srv->n_sessions--;
	if (srv->stopping && srv->n_sessions == 0)
		event_base_loopexit(srv->base, NULL);
}

/* Record the first reason the session ends. */
static void
srv_set_reason(struct srv_session *s, const char *fmt, ...)
{
	va_list ap;

	if (s->have_reason)
		return;
	s->have_reason = true;
	s->end_phase = s->phase;
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof s->reason, fmt, ap);
	va_end(ap);
}

void
srv_addr_text(const struct sockaddr *sa, char *buf, size_t len,
    bool with_port)
{
	char a[INET6_ADDRSTRLEN];
	unsigned port = 0;

	buf[0] = '\0';
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
		port = ntohs(in->sin_port);
		if (with_port)
			snprintf(buf, len, "%s:%u", a, port);
		else
			snprintf(buf, len, "%s", a);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)sa;

		port = ntohs(in6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], a,
			    sizeof a);
			if (with_port)
				snprintf(buf, len, "%s:%u", a, port);
			else
				snprintf(buf, len, "%s", a);
			return;
		}
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
		if (with_port)
			snprintf(buf, len, "[%s]:%u", a, port);
		else
			snprintf(buf, len, "%s", a);
	} else
		snprintf(buf, len, "(family %d)", sa->sa_family);
}

/* Leave the count of handshakes in flight (once). */
static void
srv_handshake_done(struct srv_session *s)
{
	if (s->in_handshake) {
		s->in_handshake = false;
		s->srv->n_handshakes--;
	}
}

void
srv_log_refusal(struct sstpd_server *srv, const char *fmt, ...)
{
	uint64_t now = clock_now_ms();
	struct timeval tv;
	va_list ap;
	char m[512];

	if (!ratelimit_take(&srv->refusals, now)) {
		if (srv->refusal_timer != NULL &&
		    !evtimer_pending(srv->refusal_timer, NULL)) {
			tv = clock_until(now + ratelimit_wait_ms(&srv->refusals,
			    now), now);
			evtimer_add(srv->refusal_timer, &tv);
		}
		return;
	}
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	log_warn("%s", m);
}

/* The refusals held back by the limit, in one line (fd -1: at exit). */
void
srv_refusal_timer_cb(int fd, short what, void *arg)
{
	struct sstpd_server *srv = arg;
	uint64_t now = clock_now_ms(), n;
	struct timeval tv;

	if (fd == -1)
		now += srv->refusals.window_ms;	/* whatever is held */
	n = ratelimit_due(&srv->refusals, now);
	if (n == 0) {
		/* A new window began before this ran: its end then. */
		if (srv->refusals.held != 0 && fd != -1) {
			tv = clock_until(now + ratelimit_wait_ms(&srv->refusals,
			    now), now);
			evtimer_add(srv->refusal_timer, &tv);
		}
		return;
	}
	log_warn("refused %llu more connection(s), not logged one by one "
	    "(over %u lines a second); refused in all: %llu over "
	    "--max-sessions, %llu over --max-per-address, %llu over "
	    "--max-handshakes", (unsigned long long)n, srv->refusals.max,
	    (unsigned long long)srv->stats.refused_sessions,
	    (unsigned long long)srv->stats.refused_per_addr,
	    (unsigned long long)srv->stats.refused_handshakes);
}

/*
 * The end line, once: everything an operator asks about a session.  A
 * connection that never had its start line (refused in the PROXY phase)
 * gets one refusal line instead, as those refused at accept.
 */
void
srv_session_log_end(struct srv_session *s)
{
	char a4[INET_ADDRSTRLEN] = "-";
	uint64_t now = clock_now_ms();

	if (s->ended)
		return;
	s->ended = true;
	if (!s->started) {
		srv_log_refusal(s->srv, "refused connection from %s (session "
		    "%s): %s", s->client_text, s->id,
		    s->have_reason ? s->reason : "closed");
		return;
	}
	if (s->assigned4 != 0)
		inet_ntop(AF_INET, &s->assigned4, a4, sizeof a4);
	log_info("session %s: end user=%s client=%s address=%s%s%s "
	    "duration=%llu.%03llus in=%llu out=%llu phase=%s reason: %s",
	    s->id, s->user[0] ? s->user : "-", s->client_text, a4,
	    s->prefix6[0] != '\0' ? " prefix6=" : "", s->prefix6,
	    (unsigned long long)((now - s->t_start) / 1000),
	    (unsigned long long)((now - s->t_start) % 1000),
	    (unsigned long long)s->bytes_in, (unsigned long long)s->bytes_out,
	    srv_phase_name[s->have_reason ? s->end_phase : s->phase],
	    s->have_reason ? s->reason : "closed");
}

/* Deferred free: never from inside a stream's or link's callback. */
static void
srv_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct srv_session *s = arg;

	srv_session_log_end(s);
	s->srv->stats.ended++;
	srv_session_free(s);
}

/* Both sides finished: log and schedule the free. */
static void
srv_end(struct srv_session *s)
{
	struct timeval tv = { 0, 0 };

	srv_handshake_done(s);
	s->phase = SRV_DONE;
	srv_session_log_end(s);
	if (s->reap != NULL)
		evtimer_add(s->reap, &tv);
}

/* Done once the stream is gone and the link has reported its end. */
static void
srv_maybe_finish(struct srv_session *s)
{
	struct timeval tv = { SRV_LINK_STOP_MS / 1000, 0 };

	if (s->st != NULL || s->pev != NULL)
		return;
	if (s->link != NULL && !link_done(s->link)) {
		link_stop(s->link, LINK_STOP_HANGUP);
		if (!link_done(s->link)) {
			/* Bounded: the phase timer forces the end. */
			s->phase = SRV_DONE;
			evtimer_add(s->phase_timer, &tv);
			return;
		}
	}
	srv_end(s);
}

static void
srv_drop_stream(struct srv_session *s, bool graceful)
{
	if (s->pev != NULL) {
		event_free(s->pev);
		s->pev = NULL;
	}
	free(s->pbuf);
	s->pbuf = NULL;
	if (s->st != NULL) {
		s->bytes_in += stream_bytes_in(s->st);
		s->bytes_out += stream_bytes_out(s->st);
		stream_free(s->st, graceful);	/* closes the fd */
		s->st = NULL;
		s->fd = -1;
	} else if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	evtimer_del(s->phase_timer);
}

/* A failure before or outside the call: one reason, close at once. */
static void
srv_fail(struct srv_session *s, const char *fmt, ...)
{
	va_list ap;
	char m[256];

	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	srv_set_reason(s, "%s", m);
	srv_drop_stream(s, false);
	srv_maybe_finish(s);
}

/* --- the SSTP channel's reports (session/sstp_chan.h) -------------------- */

static uint64_t
srv_chan_now(void *arg)
{
	return clock_now_ms();
}

/*
 * The peer's name, from the link that authenticated it: the engine's, or
 * with --pppd the name the client gave once pppd accepted it.
 */
static void
srv_take_user(struct srv_session *s)
{
	const char *u;

	if (s->user[0] != '\0' || s->link == NULL)
		return;
	u = s->srv->conf->backend == SSTPD_BACKEND_TUN ?
	    tunsrv_link_user(s->link) : pppdsrv_link_user(s->link);
	if (u != NULL)
		snprintf(s->user, sizeof s->user, "%s", u);
}

/* Call Connected verified (MS-SSTP 3.3.5.2.3): the call is up. */
static void
srv_chan_established(void *arg)
{
	struct srv_session *s = arg;

	s->established = true;
	s->t_up = clock_now_ms();
	srv_handshake_done(s);		/* --max-handshakes: up to here */
	evtimer_del(s->phase_timer);
	srv_take_user(s);
	/*
	 * The pppd backend reports no net_up: pppd gets the pool's address
	 * on its command line ("<local>:<remote>", after the options file),
	 * the one it gives the client (for --list and the end line).
	 */
	if (s->assigned4 == 0 &&
	    s->srv->conf->backend == SSTPD_BACKEND_PPPD)
		s->assigned4 = s->pool_addr;
	log_info("session %s: call connected user=%s client=%s after %llu ms"
	    "%s%s", s->id, s->user[0] ? s->user : "-", s->client_text,
	    (unsigned long long)(s->t_up - s->t_start),
	    s->correlation[0] ? " correlation=" : "", s->correlation);
}

/* The control machine closed: the stream goes, the link is hung up. */
static void
srv_chan_closed(void *arg, enum sstp_quit q, bool binding_refused,
    const char *msg)
{
	struct srv_session *s = arg;

	srv_take_user(s);
	srv_set_reason(s, "%s", msg);
	srv_drop_stream(s, true);
	if (s->link != NULL)
		link_stop(s->link, LINK_STOP_HANGUP);
	srv_maybe_finish(s);
}

/* Point the one control timer at the channel's next deadline. */
static void
srv_chan_timer_changed(void *arg)
{
	struct srv_session *s = arg;

	sstp_chan_timer_arm(&s->chan, s->ctrl_timer);
}

/* The PPP side ended: Call Disconnect (MS-SSTP 3.3.5.2.5) if we can. */
static void
srv_chan_link_gone(void *arg, enum link_end end, const char *why)
{
	struct srv_session *s = arg;

	srv_take_user(s);
	/*
	 * A refused login is the cause, whatever came first: a client told
	 * of the failure (CHAP Failure) sends its Call Disconnect while pppd
	 * is still exiting with status 11.
	 */
	if (end == LINK_END_AUTH && !s->established && s->have_reason)
		snprintf(s->reason, sizeof s->reason, "%s", why);
	else
		srv_set_reason(s, "%s", why);
	if (s->st != NULL && s->phase == SRV_SSTP) {
		if (sstp_chan_closing(&s->chan))
			return;		/* the Ack or the timer ends it */
		if (sstp_chan_disconnect(&s->chan, clock_now_ms()))
			return;
	}
	srv_drop_stream(s, false);
	srv_maybe_finish(s);
}

/* The link gives up: disconnect the call, hang the link up. */
static void
srv_chan_link_fail(void *arg, enum link_end end, const char *msg)
{
	struct srv_session *s = arg;

	srv_set_reason(s, "%s", msg);
	srv_session_disconnect(s, msg);
}

/* The pppd backend's child: sstpd is root for that backend. */
static int
srv_chan_signal_child(void *arg, pid_t pid, int sig)
{
	return kill(pid, sig) < 0 ? -errno : 0;
}

/* For a link that asks: the client's address (the plugin's remote). */
static int
srv_chan_server_addr(void *arg, const char **name,
    const struct sockaddr **sa, socklen_t *salen)
{
	struct srv_session *s = arg;

	*name = s->client_text;
	*sa = (const struct sockaddr *)&s->client;
	*salen = s->clientlen;
	return 0;
}

/* The Network phase is up: the address the client got, for the log. */
static void
srv_chan_net_up(void *arg, const struct link_net *n)
{
	struct srv_session *s = arg;
	char a4[INET_ADDRSTRLEN] = "-", a6[INET6_ADDRSTRLEN];

	srv_take_user(s);
	if (n->ip.have_ip4 && n->ip.peer4 != 0) {
		s->assigned4 = n->ip.peer4;
		inet_ntop(AF_INET, &s->assigned4, a4, sizeof a4);
	}
	/* Its own /64 of a pool6 shorter than /64 (RFC 8273). */
	if (n->have_prefix6 && inet_ntop(AF_INET6, n->prefix6, a6,
	    sizeof a6) != NULL)
		snprintf(s->prefix6, sizeof s->prefix6, "%s/%u", a6,
		    n->prefix6_len);
	log_info("session %s: network up user=%s client=%s address=%s%s%s%s",
	    s->id, s->user[0] ? s->user : "-", s->client_text, a4,
	    n->ip.have_ip6 ? " ipv6" : "", s->prefix6[0] != '\0' ?
	    " prefix6=" : "", s->prefix6);
}

static void
srv_chan_net_down(void *arg, const struct link_net *n)
{
	struct srv_session *s = arg;

	log_debug("session %s: network down", s->id);
}

static const struct sstp_chan_ops srv_chan_ops = {
	.now = srv_chan_now,
	.established = srv_chan_established,
	.closed = srv_chan_closed,
	.timer_changed = srv_chan_timer_changed,
	.link_gone = srv_chan_link_gone,
	.link_fail = srv_chan_link_fail,
	.signal_child = srv_chan_signal_child,
	.server_addr = srv_chan_server_addr,
	.net_up = srv_chan_net_up,
	.net_down = srv_chan_net_down,
};

/* --- the link -------------------------------------------------------------- */

static int
srv_lookup_secret(void *arg, const char *user, struct ppp_secret *out)
{
	struct srv_session *s = arg;

	if (s->srv->secrets == NULL)
		return -ENOENT;
	return secrets_lookup(s->srv->secrets, user, out);
}

/* IPCP's address for the peer: the secrets line's, else the pool's. */
static int
srv_peer_addr(void *arg, const char *user, uint32_t fixed, uint32_t *addr4)
{
	struct srv_session *s = arg;
	int r;

	if (s->pool_addr != 0) {
		*addr4 = s->pool_addr;	/* asked again: the same one */
		return 0;
	}
	if (fixed != 0) {
		r = s->srv->pool4 != NULL ? pool4_take(s->srv->pool4, fixed) :
		    -ERANGE;
		if (r == -EEXIST) {
			log_warn("session %s: address of %s's secrets line is "
			    "in use", s->id, user);
			return -EADDRINUSE;
		}
		if (r == 0)
			s->pool_addr = fixed;
		*addr4 = fixed;		/* outside the pool: as configured */
		return 0;
	}
	if (s->srv->pool4 == NULL)
		return -EADDRNOTAVAIL;
	*addr4 = pool4_get(s->srv->pool4);
	if (*addr4 == 0) {
		log_warn("session %s: address pool exhausted", s->id);
		return -EADDRNOTAVAIL;
	}
	s->pool_addr = *addr4;
	return 0;
}

/* The link's free gives the address back; the session does it (once). */
static void
srv_release_addr(void *arg, uint32_t addr4)
{
	struct srv_session *s = arg;

	if (s->pool_addr == addr4 && addr4 != 0 && s->srv->pool4 != NULL) {
		pool4_put(s->srv->pool4, addr4);
		s->pool_addr = 0;
	}
}

/* The built-in backend's link: the engine in its server role. */
static struct link *
srv_link_tun(struct srv_session *s)
{
	const struct sstpd_conf *c = s->srv->conf;
	struct ppp_engine_conf pc;
	struct tunsrv_auth auth;

	memset(&pc, 0, sizeof pc);
	pc.role = PPP_ROLE_SERVER;
	pc.auth_offer = c->auth_offer;
	pc.server_name = c->server_name;
	pc.local4 = s->srv->local4;
	pc.dns4[0] = c->dns4[0];
	pc.dns4[1] = c->dns4[1];
	pc.ipv4 = true;
	pc.ipv6 = c->have_pool6;
	pc.mru = (uint16_t)(c->mtu != 0 ? c->mtu : 1400);
	pc.echo_interval = c->lcp_echo_interval;
	pc.echo_failure = c->lcp_echo_failure;
	pc.auth_timeout_ms = c->negotiation_timeout_s * 1000U;
	pc.log_ctx = s->log_ctx;
	memset(&auth, 0, sizeof auth);
	auth.lookup_secret = srv_lookup_secret;
	auth.peer_addr = srv_peer_addr;
	auth.release_addr = srv_release_addr;
	auth.arg = s;
	return tunsrv_link_new(s->srv->hub, s->srv->base, &pc, &auth,
	    &sstp_chan_link_up, &s->chan);
}

/* The pppd backend's link: the peer's address from the pool now. */
static struct link *
srv_link_pppd(struct srv_session *s)
{
	const struct sstpd_conf *c = s->srv->conf;
	struct pppdsrv_conf pc;
	char client[64];
	uint32_t a = 0;

	if (s->srv->pool4 != NULL && (a = pool4_get(s->srv->pool4)) == 0) {
		log_warn("session %s: address pool exhausted", s->id);
		return NULL;
	}
	s->pool_addr = a;
	srv_addr_text((const struct sockaddr *)&s->client, client,
	    sizeof client, false);
	memset(&pc, 0, sizeof pc);
	pc.pppd_path = c->pppd_path;
	pc.options_file = c->pppd_options;
	pc.plugin_path = c->plugin_path;
	pc.sock_dir = s->srv->sock_dir;
	pc.local4 = s->srv->local4;
	pc.peer4 = a;
	pc.client_addr = client;
	pc.session_id = s->id;
	pc.kill_grace_ms = 3000;
	return pppdsrv_link_new(s->srv->base, &pc, &sstp_chan_link_up,
	    &s->chan);
}

/* HTTP 200 sent: the link, then the control machine waits (3.3.5.2.1). */
static int
srv_sstp_begin(struct srv_session *s)
{
	const struct sstpd_conf *c = s->srv->conf;
	struct sstp_ctrl_conf cc;
	struct timeval tv;
	char err[256];
	enum link_end e;

	s->link = c->backend == SSTPD_BACKEND_PPPD ? srv_link_pppd(s) :
	    srv_link_tun(s);
	if (s->link == NULL) {
		srv_set_reason(s, "cannot create the %s link",
		    c->backend == SSTPD_BACKEND_PPPD ? "pppd" : "tun");
		return -ENOMEM;
	}
	err[0] = '\0';
	e = link_start(s->link, err, sizeof err);
	if (e != LINK_END_OK) {
		srv_set_reason(s, "link start failed: %s", err);
		return -EIO;
	}
	sstp_chan_set_link(&s->chan, s->link);
	sstp_ctrl_conf_defaults(&cc);
	cc.role = SSTP_ROLE_SERVER;
	cc.cert_sha1 = s->have_sha1 ? s->sha1 : NULL;
	cc.cert_sha256 = s->have_sha256 ? s->sha256 : NULL;
	cc.hash_offer = SSTP_HASH_SHA256 |
	    (c->allow_sha1 && s->have_sha1 ? SSTP_HASH_SHA1 : 0);
	cc.nak_max = 3;
	cc.negotiation_ms = c->negotiation_timeout_s * 1000U;
	cc.hello_ms = c->hello_timeout_s * 1000U;
	cc.log_ctx = s->log_ctx;
	if (sstp_chan_begin(&s->chan, &cc, &sstp_chan_stream_io, &s->st,
	    clock_now_ms()) < 0) {
		srv_set_reason(s, "cannot start the SSTP state machine");
		return -EIO;
	}
	/* A backstop past the machine's own negotiation timer. */
	tv.tv_sec = c->negotiation_timeout_s + 5;
	tv.tv_usec = 0;
	evtimer_add(s->phase_timer, &tv);
	return 0;
}

/* --- the stream ------------------------------------------------------------- */

/* TLS handshake done: the request head comes next. */
static void
srv_stream_connected(void *arg)
{
	struct srv_session *s = arg;
	SSL *ssl = stream_ssl(s->st);

	s->phase = SRV_HTTP;
	log_debug("session %s: %s %s", s->id, SSL_get_version(ssl),
	    SSL_get_cipher_name(ssl));
}

/* The request head (MS-SSTP 3.3.5.1): 200 opens the call, else close. */
static size_t
srv_http_input(struct srv_session *s, const uint8_t *buf, size_t len)
{
	struct http_req req;
	uint8_t out[512];
	struct wbuf w;
	size_t used;
	int r;

	memset(&req, 0, sizeof req);
	r = http_req_parse(buf, len, &req);
	if (r == 0)
		return 0;		/* more octets (the stream keeps them) */
	wbuf_init(&w, out, sizeof out);
	http_req_put_response(&w, &req, SRV_HTTP_SERVER);
	if (wbuf_error(&w) == 0)
		(void)stream_write(s->st, out, w.len);
	if (req.status != 200) {
		struct timeval tv = { SRV_LINGER_MS / 1000,
		    (SRV_LINGER_MS % 1000) * 1000 };

		log_info("session %s: HTTP %d from %s: %s", s->id, req.status,
		    s->client_text, req.reason);
		srv_set_reason(s, "HTTP %d: %s", req.status, req.reason);
		/*
		 * The answer is the last data (MS-SSTP 4.1): let it drain,
		 * discard what the client still sends (closing on unread
		 * octets would reset the answer away), close at its EOF or
		 * after SRV_LINGER_MS.
		 */
		s->lingering = true;
		srv_handshake_done(s);
		evtimer_add(s->phase_timer, &tv);
		return len;
	}
	log_debug("session %s: SSTP_DUPLEX_POST accepted (Host %s%s%s)",
	    s->id, req.host, req.user_agent[0] ? ", " : "", req.user_agent);
	/* MS-SSTP 3.2.4.1: the client's SSTPCORRELATIONID, for the log. */
	snprintf(s->correlation, sizeof s->correlation, "%s",
	    req.correlation);
	evtimer_del(s->phase_timer);
	s->phase = SRV_SSTP;
	if (srv_sstp_begin(s) < 0) {
		srv_drop_stream(s, false);
		srv_maybe_finish(s);
		return len;
	}
	if (s->st == NULL)
		return len;
	/* The first SSTP packet may share the record with the head. */
	used = req.head_len <= len ? req.head_len : len;
	return used + sstp_chan_input(&s->chan, clock_now_ms(), buf + used,
	    len - used);
}

static size_t
srv_stream_input(void *arg, const uint8_t *buf, size_t len)
{
	struct srv_session *s = arg;

	if (s->lingering)
		return len;
	switch (s->phase) {
	case SRV_HTTP:
		return srv_http_input(s, buf, len);
	case SRV_SSTP:
		return sstp_chan_input(&s->chan, clock_now_ms(), buf, len);
	default:
		return len;
	}
}

static void
srv_stream_drained(void *arg)
{
	struct srv_session *s = arg;

	if (s->link != NULL && s->phase == SRV_SSTP)
		link_server_drained(s->link);
}

/* The client's connection ended: what it means by phase. */
static void
srv_stream_closed(void *arg, int err, const char *msg)
{
	struct srv_session *s = arg;

	if (s->lingering) {
		srv_drop_stream(s, false);
		srv_maybe_finish(s);
		return;
	}
	switch (s->phase) {
	case SRV_TLS:
		srv_fail(s, "%s", msg);
		break;
	case SRV_HTTP:
		srv_fail(s, "connection closed before the HTTP request: %s",
		    msg);
		break;
	case SRV_SSTP:
		/* MS-SSTP 3.3.5.2.6 (~): lower layer down, send nothing. */
		if (sstp_chan_closing(&s->chan)) {
			char q[200];

			/* The call was ending already: that is the reason. */
			(void)sstp_ctrl_quit_message(&s->chan.ctrl, q,
			    sizeof q);
			srv_set_reason(s, "%s", q);
		} else
			srv_set_reason(s, "connection lost: %s", msg);
		srv_drop_stream(s, false);
		sstp_chan_lower_down(&s->chan);
		if (s->link != NULL)
			link_stop(s->link, LINK_STOP_HANGUP);
		srv_maybe_finish(s);
		break;
	default:
		srv_drop_stream(s, false);
		srv_maybe_finish(s);
		break;
	}
}

static const struct stream_ops srv_stream_ops = {
	.connected = srv_stream_connected,
	.input = srv_stream_input,
	.drained = srv_stream_drained,
	.closed = srv_stream_closed,
};

/* The phase timer: handshake, negotiation backstop, or link stop. */
static void
srv_phase_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct srv_session *s = arg;
	const struct sstpd_conf *c = s->srv->conf;

	if (s->lingering) {
		srv_drop_stream(s, true);
		srv_maybe_finish(s);
		return;
	}
	switch (s->phase) {
	case SRV_PROXY:
	case SRV_TLS:
	case SRV_HTTP:
		s->srv->stats.handshake_timeouts++;
		srv_fail(s, "handshake timeout: no %s within %u s",
		    s->phase == SRV_PROXY ? "PROXY header" :
		    s->phase == SRV_TLS ? "TLS handshake" : "HTTP request",
		    c->handshake_timeout_s);
		break;
	case SRV_SSTP:
		srv_set_reason(s, "negotiation timeout: the call was not up "
		    "within %u s", c->negotiation_timeout_s);
		srv_drop_stream(s, false);
		sstp_chan_lower_down(&s->chan);
		if (s->link != NULL)
			link_stop(s->link, LINK_STOP_HANGUP);
		srv_maybe_finish(s);
		break;
	default:
		log_warn("session %s: the link did not end in %u ms", s->id,
		    SRV_LINK_STOP_MS);
		srv_end(s);
		break;
	}
}

/* --- the PROXY header (before TLS: only its own octets are read) ------------ */

/*
 * How many of the @n octets peeked may be consumed without taking a byte
 * of what follows the header: v1 up to its LF, v2 up to 16 + length.
 */
static size_t
srv_proxy_take(const struct srv_session *s, const uint8_t *peek, size_t n)
{
	uint8_t first = s->plen > 0 ? s->pbuf[0] : peek[0];
	size_t i, want;

	if (first == 'P') {
		for (i = 0; i < n; i++)
			if (peek[i] == '\n')
				return i + 1;
		return n;
	}
	if (s->plen < 16)
		want = 16 - s->plen;
	else {
		struct bcur c = bcur_make(s->pbuf, s->plen);
		uint16_t l = 0;

		(void)bcur_peek_be16(&c, 14, &l);
		want = 16 + (size_t)l - s->plen;
	}
	return n < want ? n : want;
}

static void
srv_proxy_cb(evutil_socket_t fd, short what, void *arg)
{
	struct srv_session *s = arg;
	uint8_t peek[SRV_PROXY_PEEK];
	struct proxy_hdr h;
	char err[200];
	ssize_t n;
	size_t take;
	int r;

	if (what & EV_TIMEOUT)
		return;
	for (;;) {
		n = recv(s->fd, peek, sizeof peek, MSG_PEEK);
		if (n == 0) {
			srv_fail(s, "connection closed in the PROXY header");
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			srv_fail(s, "PROXY header: %s", strerror(errno));
			return;
		}
		take = srv_proxy_take(s, peek, (size_t)n);
		if (s->plen + take > PROXY_V2_MAX) {
			srv_fail(s, "PROXY header too long");
			return;
		}
		if (s->plen + take > s->pcap) {
			size_t cap = s->plen + take < 128 ? 128 :
			    s->plen + take;
			uint8_t *p = realloc(s->pbuf, cap);

			if (p == NULL) {
				srv_fail(s, "out of memory");
				return;
			}
			s->pbuf = p;
			s->pcap = cap;
		}
		n = recv(s->fd, s->pbuf + s->plen, take, 0);
		if (n <= 0) {
			srv_fail(s, "PROXY header: read failed");
			return;
		}
		s->plen += (size_t)n;
		memset(&h, 0, sizeof h);
		r = proxy_hdr_parse(s->pbuf, s->plen, &h, err, sizeof err);
		if (r < 0) {
			/* One line: the refusal (srv_session_log_end). */
			srv_fail(s, "bad PROXY header: %s", err);
			return;
		}
		if (r == 1)
			break;
	}
	event_free(s->pev);
	s->pev = NULL;
	free(s->pbuf);
	s->pbuf = NULL;
	s->plen = s->pcap = 0;
	if (!h.local && h.srclen > 0 && h.srclen <= sizeof s->client) {
		char via[64];

		srv_addr_text((const struct sockaddr *)&s->client, via,
		    sizeof via, true);
		memcpy(&s->client, &h.src, h.srclen);
		s->clientlen = h.srclen;
		srv_addr_text((const struct sockaddr *)&s->client,
		    s->client_text, sizeof s->client_text, true);
		log_debug("session %s: PROXY v%d: client %s via %s", s->id,
		    h.version, s->client_text, via);
		if (s->srv->conf->max_per_addr != 0 &&
		    srv_session_count_addr(s->srv, (const struct sockaddr *)
		    &s->client, s) >= s->srv->conf->max_per_addr) {
			s->srv->stats.refused_per_addr++;
			srv_fail(s, "--max-per-address %u reached (%llu "
			    "refused)", s->srv->conf->max_per_addr,
			    (unsigned long long)s->srv->stats.refused_per_addr);
			return;
		}
	}
	srv_start_stream(s);
}

/* The start line, then TLS (or, with --no-tls, the request head). */
static void
srv_start_stream(struct srv_session *s)
{
	struct sstpd_server *srv = s->srv;
	const struct sstpd_conf *c = srv->conf;

	log_info("session %s: start client=%s", s->id, s->client_text);
	s->started = true;
	if (srv->tls != NULL) {
		/* XX: SRV_TLS_HOLD_MS, from the ClientHello's arrival. */
		s->phase = SRV_TLS;
		s->pev = event_new(srv->base, s->fd, EV_READ, srv_tls_hold_cb,
		    s);
		if (s->pev == NULL) {
			srv_fail(s, "out of memory");
			return;
		}
		event_add(s->pev, NULL);
		return;
	}
	s->st = stream_new(srv->base, s->fd, &srv_stream_ops, s);
	if (s->st == NULL) {
		srv_fail(s, "out of memory (stream)");
		return;
	}
	s->have_sha1 = c->have_cert_sha1;
	s->have_sha256 = c->have_cert_sha256;
	memcpy(s->sha1, c->cert_sha1, sizeof s->sha1);
	memcpy(s->sha256, c->cert_sha256, sizeof s->sha256);
	s->phase = SRV_HTTP;
}

/*
 * XX: the first octets of the ClientHello arrived: wait SRV_TLS_HOLD_MS
 * before answering (the 1.0.18 stall, at SRV_TLS_HOLD_MS); then the
 * TLS accept.
 * The handshake timeout keeps running meanwhile.
 */
static void
srv_tls_hold_cb(evutil_socket_t fd, short what, void *arg)
{
	struct srv_session *s = arg;
	struct timeval tv = { 0, SRV_TLS_HOLD_MS * 1000 };

	event_free(s->pev);
	s->pev = NULL;
	if (what & EV_READ) {
		s->pev = evtimer_new(s->srv->base, srv_tls_hold_cb, s);
		if (s->pev == NULL) {
			srv_fail(s, "out of memory");
			return;
		}
		evtimer_add(s->pev, &tv);
		return;
	}
	srv_start_tls(s);
}

/* The TLS accept on the session's socket (RFC 8446 2, RFC 5246 7.3). */
static void
srv_start_tls(struct srv_session *s)
{
	struct sstpd_server *srv = s->srv;
	SSL *ssl;

	s->st = stream_new(srv->base, s->fd, &srv_stream_ops, s);
	if (s->st == NULL) {
		srv_fail(s, "out of memory (stream)");
		return;
	}
	ssl = tls_server_ssl(srv->tls, s->sha1, s->sha256);
	if (ssl == NULL || SSL_set_fd(ssl, s->fd) != 1) {
		SSL_free(ssl);
		srv_fail(s, "cannot create the TLS connection");
		return;
	}
	s->have_sha1 = s->have_sha256 = true;
	s->phase = SRV_TLS;
	stream_start_tls(s->st, ssl);
}

struct srv_session *
srv_session_new(struct sstpd_server *srv, int fd, const struct sockaddr *sa,
    socklen_t salen)
{
	struct srv_session *s;
	struct timeval tv = { srv->conf->handshake_timeout_s, 0 };
	uint8_t rnd[8];
	size_t i;

	s = calloc(1, sizeof *s);
	if (s == NULL) {
		close(fd);
		return NULL;
	}
	s->srv = srv;
	s->fd = fd;
	s->t_start = clock_now_ms();
	if (salen > sizeof s->client)
		salen = sizeof s->client;
	memcpy(&s->client, sa, salen);
	s->clientlen = salen;
	srv_addr_text(sa, s->client_text, sizeof s->client_text, true);
	if (crypto_random(rnd, sizeof rnd) < 0) {
		close(fd);
		free(s);
		return NULL;
	}
	for (i = 0; i < sizeof rnd; i++)
		snprintf(s->id + 2 * i, 3, "%02x", rnd[i]);
	snprintf(s->log_ctx, sizeof s->log_ctx, "session %s", s->id);
	sstp_chan_init(&s->chan, &srv_chan_ops, s);
	s->chan.log_ctx = s->log_ctx;
	s->ctrl_timer = evtimer_new(srv->base, sstp_chan_timer_cb, &s->chan);
	s->phase_timer = evtimer_new(srv->base, srv_phase_timer_cb, s);
	s->reap = evtimer_new(srv->base, srv_reap_cb, s);
	if (s->ctrl_timer == NULL || s->phase_timer == NULL ||
	    s->reap == NULL) {
		srv_session_free(s);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&srv->sessions, s, entry);
	srv->n_sessions++;
	s->in_handshake = true;
	srv->n_handshakes++;
	evtimer_add(s->phase_timer, &tv);
	if (srv->conf->proxy_protocol) {
		s->phase = SRV_PROXY;
		s->pev = event_new(srv->base, fd, EV_READ | EV_PERSIST,
		    srv_proxy_cb, s);
		if (s->pev == NULL) {
			srv_fail(s, "out of memory");
			return s;
		}
		event_add(s->pev, NULL);
		return s;
	}
	srv_start_stream(s);
	return s;
}

void
srv_session_disconnect(struct srv_session *s, const char *why)
{
	if (s->phase == SRV_DONE || s->stopping)
		return;
	s->stopping = true;
	srv_set_reason(s, "%s", why);
	if (s->phase == SRV_SSTP && s->st != NULL) {
		/* MS-SSTP 3.3.5.2.5 (~): Call Disconnect, wait for the Ack. */
		if (!sstp_chan_closing(&s->chan))
			(void)sstp_chan_disconnect(&s->chan, clock_now_ms());
		if (s->link != NULL && !link_done(s->link))
			link_stop(s->link, LINK_STOP_HANGUP);
		if (s->st != NULL && sstp_chan_closing(&s->chan))
			return;
	}
	srv_drop_stream(s, false);
	srv_maybe_finish(s);
}

void
srv_session_info(const struct srv_session *s, struct ctl_session *o)
{
	char a4[INET_ADDRSTRLEN];
	uint64_t in = s->bytes_in, out = s->bytes_out;

	memset(o, 0, sizeof *o);
	snprintf(o->id, sizeof o->id, "%s", s->id);
	snprintf(o->user, sizeof o->user, "%s", s->user);
	snprintf(o->client, sizeof o->client, "%s", s->client_text);
	if (s->assigned4 != 0 && inet_ntop(AF_INET, &s->assigned4, a4,
	    sizeof a4) != NULL)
		snprintf(o->assigned, sizeof o->assigned, "%s", a4);
	snprintf(o->state, sizeof o->state, "%s", s->phase == SRV_SSTP &&
	    s->established ? "up" : srv_phase_name[s->phase]);
	o->age_s = (clock_now_ms() - s->t_start) / 1000;
	if (s->st != NULL) {
		in += stream_bytes_in(s->st);
		out += stream_bytes_out(s->st);
	}
	o->bytes_in = in;
	o->bytes_out = out;
}

void
srv_session_free(struct srv_session *s)
{
	if (s == NULL)
		return;
	if (s->pev != NULL)
		event_free(s->pev);
	free(s->pbuf);
	if (s->st != NULL)
		stream_free(s->st, false);
	else if (s->fd >= 0)
		close(s->fd);
	if (s->link != NULL) {
		if (!link_done(s->link))
			link_stop(s->link, LINK_STOP_HANGUP);
		link_free(s->link);
	}
	/* The pppd backend's address, or one the link did not give back. */
	if (s->pool_addr != 0 && s->srv->pool4 != NULL)
		pool4_put(s->srv->pool4, s->pool_addr);
	if (s->ctrl_timer != NULL)
		event_free(s->ctrl_timer);
	if (s->phase_timer != NULL)
		event_free(s->phase_timer);
	if (s->reap != NULL)
		event_free(s->reap);
	srv_handshake_done(s);
	if (s->entry.tqe_prev != NULL)
		srv_table_remove(s->srv, s);
	explicit_bzero(s, sizeof *s);
	free(s);
}
