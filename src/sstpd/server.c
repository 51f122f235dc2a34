/*
 * server.c - sstpd's server loop (server.h): listeners, accept and its
 * limits, the session table, the control socket's operations, SIGHUP
 * reload, SIGTERM/SIGINT stop, sd_notify.  Tearing one session down
 * never touches the others or the listeners (MS-SSTP 3.3.5.2.4).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "link/tunsrv/tunsrv.h"
#include "net/tls_server.h"
#include "sstpd/control.h"
#include "sstpd/pool.h"
#include "sstpd/secrets.h"
#include "sstpd/server.h"
#include "sstpd/srv_session.h"
#include "sstpd/srv_tun.h"
#include "util/log.h"

/* Connections taken per wake-up of a listener (fairness). */
#define SERVER_ACCEPT_BURST	64
/* Where the pppd backend's key sockets go. */
#define SERVER_SOCK_DIR		"/run/sstpd"

/* Over a limit: closed at once, one line (rate-limited), counted. */
static void
server_refuse(struct sstpd_server *srv, int fd, const struct sockaddr *sa,
    uint64_t *counter, const char *limit, unsigned value)
{
	char a[64];

	close(fd);
	(*counter)++;
	srv_addr_text(sa, a, sizeof a, true);
	srv_log_refusal(srv, "refused connection from %s: %s %u reached "
	    "(%llu refused)", a, limit, value, (unsigned long long)*counter);
}

static void
server_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct sstpd_server *srv = arg;
	const struct sstpd_conf *c = srv->conf;
	struct sockaddr_storage ss;
	const struct sockaddr *sa = (const struct sockaddr *)&ss;
	socklen_t sl;
	int fd, i;

	for (i = 0; i < SERVER_ACCEPT_BURST; i++) {
		sl = sizeof ss;
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				log_warn("accept: %s", strerror(errno));
			return;
		}
		if (srv->stopping) {
			close(fd);
			continue;
		}
		if (c->max_sessions != 0 && srv->n_sessions >= c->max_sessions) {
			server_refuse(srv, fd, sa, &srv->stats.refused_sessions,
			    "--max-sessions", c->max_sessions);
			continue;
		}
		if (c->max_handshakes != 0 &&
		    srv->n_handshakes >= c->max_handshakes) {
			server_refuse(srv, fd, sa,
			    &srv->stats.refused_handshakes, "--max-handshakes",
			    c->max_handshakes);
			continue;
		}
		/* Behind a PROXY front end, the real address is known later. */
		if (!c->proxy_protocol && c->max_per_addr != 0 &&
		    srv_session_count_addr(srv, sa, NULL) >= c->max_per_addr) {
			server_refuse(srv, fd, sa, &srv->stats.refused_per_addr,
			    "--max-per-address", c->max_per_addr);
			continue;
		}
		srv->stats.accepted++;
		(void)srv_session_new(srv, fd, sa, sl);
	}
}

/* --- the control socket ------------------------------------------------------ */

static size_t
server_ctl_list(void *arg, struct ctl_session *out, size_t max)
{
	struct sstpd_server *srv = arg;
	struct srv_session *s;
	size_t n = 0;

	TAILQ_FOREACH(s, &srv->sessions, entry) {
		if (n < max)
			srv_session_info(s, &out[n]);
		n++;
	}
	return n;
}

static int
server_ctl_disconnect(void *arg, const char *id)
{
	struct sstpd_server *srv = arg;
	struct srv_session *s;

	TAILQ_FOREACH(s, &srv->sessions, entry) {
		if (strcmp(s->id, id) == 0 && s->phase != SRV_DONE) {
			log_info("session %s: disconnect requested on the "
			    "control socket", s->id);
			srv_session_disconnect(s, "disconnected by the "
			    "operator");
			return 0;
		}
	}
	return -ENOENT;
}

static const struct ctl_ops server_ctl_ops = {
	.list = server_ctl_list,
	.disconnect = server_ctl_disconnect,
};

/* --- signals ------------------------------------------------------------------ */

int
server_load_secrets(struct sstpd_server *srv, char *err, size_t errlen)
{
	const char *path = srv->conf->secrets_file;
	struct secrets *sec;
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	ssize_t n;
	int fd;

	if (path == NULL) {
		snprintf(err, errlen, "--secrets is needed by the built-in "
		    "backend");
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(err, errlen, "--secrets %s: %s", path,
		    strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "--secrets %s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (st.st_mode & S_IRWXO) {
		snprintf(err, errlen, "--secrets %s: readable by others "
		    "(mode %03o): chmod 600 it", path,
		    (unsigned)(st.st_mode & 0777));
		close(fd);
		return -EPERM;
	}
	if (st.st_size > SECRETS_MAX_FILE) {
		snprintf(err, errlen, "--secrets %s: larger than %d octets",
		    path, SECRETS_MAX_FILE);
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	sec = secrets_parse(buf, got, path, srv->conf->server_name, err,
	    errlen);
	explicit_bzero(buf, (size_t)st.st_size + 1);
	free(buf);
	if (sec == NULL)
		return -EINVAL;
	secrets_free(srv->secrets);
	srv->secrets = sec;
	log_info("secrets: %zu entries from %s", secrets_count(sec), path);
	return 0;
}

/* SIGHUP: a new certificate for new sessions, the secrets again. */
static void
server_reload(struct sstpd_server *srv)
{
	char err[512];

	(void)sdnotify_send(&srv->sd, "RELOADING=1");
	if (srv->tls != NULL) {
		if (tls_server_reload(srv->tls, err, sizeof err) < 0)
			log_err("reload: certificate kept: %s", err);
		else
			log_info("reload: certificate %s",
			    tls_server_describe(srv->tls));
	}
	if (srv->conf->backend == SSTPD_BACKEND_TUN &&
	    server_load_secrets(srv, err, sizeof err) < 0)
		log_err("reload: secrets kept: %s", err);
	(void)sdnotify_send(&srv->sd, "READY=1");
}

static void
server_stop_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sstpd_server *srv = arg;

	log_info("stop: %u session(s) still ending after %u ms: closing",
	    srv->n_sessions, SSTPD_STOP_WAIT_MS);
	event_base_loopexit(srv->base, NULL);
}

/* SIGTERM/SIGINT: no new connections, Call Disconnect to every session. */
static void
server_stop(struct sstpd_server *srv, const char *signame)
{
	struct srv_session *s, *next;
	struct timeval tv = { SSTPD_STOP_WAIT_MS / 1000,
	    (SSTPD_STOP_WAIT_MS % 1000) * 1000 };
	size_t i;

	if (srv->stopping) {
		log_warn("second %s: exiting at once", signame);
		event_base_loopexit(srv->base, NULL);
		return;
	}
	srv->stopping = true;
	(void)sdnotify_send(&srv->sd, "STOPPING=1");
	log_info("%s: stopping, %u session(s)", signame, srv->n_sessions);
	for (i = 0; i < srv->n_listen; i++) {
		if (srv->lev[i] != NULL)
			event_del(srv->lev[i]);
	}
	for (s = TAILQ_FIRST(&srv->sessions); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		srv_session_disconnect(s, "sstpd stopping");
	}
	if (srv->n_sessions == 0) {
		event_base_loopexit(srv->base, NULL);
		return;
	}
	evtimer_add(srv->stop_timer, &tv);
}

static void
server_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct sstpd_server *srv = arg;

	if (sig == SIGHUP)
		server_reload(srv);
	else
		server_stop(srv, sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

/* --- setup ----------------------------------------------------------------------- */

static int
server_listen(struct sstpd_server *srv, const struct sstpd_listen *l,
    bool v6only, char *err, size_t errlen)
{
	int fd, one = 1, v6 = v6only;

	fd = socket(l->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "--listen %s: %s", l->text,
		    strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (l->sa.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof v6);
	if (bind(fd, (const struct sockaddr *)&l->sa, l->salen) < 0 ||
	    listen(fd, 511) < 0) {
		snprintf(err, errlen, "--listen %s: %s", l->text,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
server_init(struct sstpd_server *srv, const struct sstpd_conf *c,
    struct event_base *base, char *err, size_t errlen)
{
	bool have4 = false;
	size_t i;
	int fd;

	memset(srv, 0, sizeof *srv);
	srv->conf = c;
	srv->base = base;
	srv->exit_code = SSTPD_EXIT_OK;
	TAILQ_INIT(&srv->sessions);
	for (i = 0; i < SSTPD_MAX_LISTEN; i++)
		srv->lfd[i] = -1;
	(void)sdnotify_init(&srv->sd, getenv("NOTIFY_SOCKET"));

	if (c->no_tls) {
		if (!c->have_cert_sha256 && !c->have_cert_sha1) {
			snprintf(err, errlen, "--no-tls needs "
			    "--cert-hash-sha256 (the binding checks the "
			    "certificate the client saw)");
			return SSTPD_EXIT_USAGE;
		}
	} else {
		srv->tls = tls_server_new(c->cert_file, c->key_file, err,
		    errlen);
		if (srv->tls == NULL)
			return SSTPD_EXIT_USAGE;
		log_info("certificate %s", tls_server_describe(srv->tls));
	}
	if (c->pool4 != 0) {
		srv->local4 = c->local4 != 0 ? c->local4 :
		    htonl(ntohl(c->pool4) + 1);
		srv->pool4 = pool4_new(c->pool4, c->pool4_prefix, srv->local4);
		if (srv->pool4 == NULL) {
			snprintf(err, errlen, "--pool: prefix /%u not usable "
			    "(16..30)", c->pool4_prefix);
			return SSTPD_EXIT_USAGE;
		}
	} else
		srv->local4 = c->local4;
	if (c->backend == SSTPD_BACKEND_TUN) {
		struct tun_hub_conf hc;
		int tfd;

		if (server_load_secrets(srv, err, errlen) < 0)
			return SSTPD_EXIT_USAGE;
		if (srv->pool4 == NULL) {
			snprintf(err, errlen, "--pool is needed by the "
			    "built-in backend");
			return SSTPD_EXIT_USAGE;
		}
		memset(&hc, 0, sizeof hc);
		tfd = srv_tun_open(c, srv->local4, srv->tun_name,
		    sizeof srv->tun_name, &hc, err, errlen);
		if (tfd < 0)
			return SSTPD_EXIT_FAIL;
		hc.fd = tfd;
		hc.name = srv->tun_name;
		hc.mtu = c->mtu;
		hc.local4 = srv->local4;
		hc.have_pool6 = c->have_pool6;
		memcpy(hc.pool6, c->pool6, sizeof hc.pool6);
		hc.pool6_prefix = c->pool6_prefix;
		hc.ra = c->have_pool6;
		hc.ra_lifetime = c->ra_lifetime;
		srv->hub = tun_hub_new(base, &hc, err, errlen);
		if (srv->hub == NULL)
			return SSTPD_EXIT_FAIL;
	} else {
		snprintf(srv->sock_dir, sizeof srv->sock_dir, "%s",
		    SERVER_SOCK_DIR);
		if (mkdir(srv->sock_dir, 0700) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", srv->sock_dir,
			    strerror(errno));
			return SSTPD_EXIT_FAIL;
		}
	}
	for (i = 0; i < c->n_listen; i++)
		if (c->listen[i].sa.ss_family == AF_INET)
			have4 = true;
	for (i = 0; i < c->n_listen; i++) {
		/* [::] takes IPv4 too unless an IPv4 listener is given. */
		fd = server_listen(srv, &c->listen[i], have4, err, errlen);
		if (fd < 0)
			return SSTPD_EXIT_FAIL;
		srv->lfd[i] = fd;
		srv->n_listen = i + 1;
		srv->lev[i] = event_new(base, fd, EV_READ | EV_PERSIST,
		    server_accept_cb, srv);
		if (srv->lev[i] == NULL) {
			snprintf(err, errlen, "out of memory");
			return SSTPD_EXIT_FAIL;
		}
		event_add(srv->lev[i], NULL);
		log_info("listening on %s%s", c->listen[i].text,
		    c->no_tls ? " (no TLS)" : "");
	}
	if (c->control_path != NULL && c->control_path[0] != '\0') {
		srv->ctl = ctl_server_new(base, c->control_path,
		    &server_ctl_ops, srv, err, errlen);
		if (srv->ctl == NULL)
			return SSTPD_EXIT_FAIL;
	}
	srv->sig_hup = evsignal_new(base, SIGHUP, server_signal_cb, srv);
	srv->sig_term = evsignal_new(base, SIGTERM, server_signal_cb, srv);
	srv->sig_int = evsignal_new(base, SIGINT, server_signal_cb, srv);
	srv->stop_timer = evtimer_new(base, server_stop_timer_cb, srv);
	ratelimit_init(&srv->refusals, SSTPD_REFUSAL_LINES,
	    SSTPD_REFUSAL_WINDOW_MS);
	srv->refusal_timer = evtimer_new(base, srv_refusal_timer_cb, srv);
	if (srv->sig_hup == NULL || srv->sig_term == NULL ||
	    srv->sig_int == NULL || srv->stop_timer == NULL ||
	    srv->refusal_timer == NULL) {
		snprintf(err, errlen, "out of memory");
		return SSTPD_EXIT_FAIL;
	}
	event_add(srv->sig_hup, NULL);
	event_add(srv->sig_term, NULL);
	event_add(srv->sig_int, NULL);
	signal(SIGPIPE, SIG_IGN);
	return SSTPD_EXIT_OK;
}

int
server_run(struct sstpd_server *srv)
{
	(void)sdnotify_send(&srv->sd, "READY=1");
	log_info("sstpd ready: %zu listener(s), %s backend", srv->n_listen,
	    srv->conf->backend == SSTPD_BACKEND_PPPD ? "pppd" : "tun");
	if (event_base_dispatch(srv->base) < 0)
		return SSTPD_EXIT_FAIL;
	log_info("sstpd exiting: %llu accepted, %llu ended, refused "
	    "%llu/%llu/%llu (sessions/per-address/handshakes), %llu "
	    "handshake timeouts", (unsigned long long)srv->stats.accepted,
	    (unsigned long long)srv->stats.ended,
	    (unsigned long long)srv->stats.refused_sessions,
	    (unsigned long long)srv->stats.refused_per_addr,
	    (unsigned long long)srv->stats.refused_handshakes,
	    (unsigned long long)srv->stats.handshake_timeouts);
	return srv->exit_code;
}

void
server_free(struct sstpd_server *srv)
{
	struct srv_session *s;
	size_t i;

	while ((s = TAILQ_FIRST(&srv->sessions)) != NULL) {
		srv_session_log_end(s);
		srv_session_free(s);
	}
	for (i = 0; i < SSTPD_MAX_LISTEN; i++) {
		if (srv->lev[i] != NULL)
			event_free(srv->lev[i]);
		if (srv->lfd[i] >= 0)
			close(srv->lfd[i]);
	}
	if (srv->sig_hup != NULL)
		event_free(srv->sig_hup);
	if (srv->sig_term != NULL)
		event_free(srv->sig_term);
	if (srv->sig_int != NULL)
		event_free(srv->sig_int);
	if (srv->stop_timer != NULL)
		event_free(srv->stop_timer);
	if (srv->refusal_timer != NULL) {
		/* What the last window held back, before the exit line. */
		srv_refusal_timer_cb(-1, 0, srv);
		event_free(srv->refusal_timer);
	}
	if (srv->ctl != NULL)
		ctl_server_free(srv->ctl);
	if (srv->hub != NULL)
		tun_hub_free(srv->hub);
	if (srv->pool4 != NULL)
		pool4_free(srv->pool4);
	if (srv->secrets != NULL)
		secrets_free(srv->secrets);
	tls_server_free(srv->tls);
	memset(srv, 0, sizeof *srv);
}
