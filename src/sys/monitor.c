/*
 * monitor.c - the privileged helper (see monitor.h).
 *
 * Requests are one datagram each: a type octet and a body, parsed with the
 * bounded cursor even though the peer is our own child of a moment ago —
 * it is the process that parses network bytes, so it is the one to distrust.
 * Replies: a status octet (0 ok, 1 nothing done, 2 error) and a message.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "util/buf.h"
#include "util/log.h"
#include "sys/monitor.h"
#include "sys/route.h"

#define MON_REQ_ROUTE		'R'
#define MON_REQ_SIGNAL		'K'
#define MON_MSG_MAX		512
#define MON_REPLY_TIMEOUT_MS	5000

/* Answer one request. */
static void
monitor_reply(int fd, int status, const char *msg)
{
	char out[MON_MSG_MAX];
	int n;

	n = snprintf(out, sizeof out, "%c%s", status, msg != NULL ? msg : "");
	if (n > 0)
		(void)send(fd, out, (size_t)n < sizeof out ? (size_t)n :
		    sizeof out - 1, MSG_NOSIGNAL);
}

/* The monitor's life: serve requests until EOF, then clean up and exit. */
static void __attribute__((noreturn))
monitor_main(int fd, const char *sock_path, pid_t pppd_pid)
{
	struct route_saved rs;
	struct sockaddr_storage ss;
	uint8_t buf[MON_MSG_MAX], type, sig;
	char err[256];
	struct bcur c;
	ssize_t n;
	size_t sl;
	int r;

	memset(&rs, 0, sizeof rs);
	for (;;) {
		n = recv(fd, buf, sizeof buf, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		c = bcur_make(buf, (size_t)n);
		if (bcur_get_u8(&c, &type) < 0)
			continue;
		switch (type) {
		case MON_REQ_ROUTE:
			sl = bcur_left(&c);
			if (rs.installed || sl < sizeof(sa_family_t) ||
			    sl > sizeof ss) {
				monitor_reply(fd, 2, "route request refused");
				break;
			}
			memset(&ss, 0, sizeof ss);
			(void)bcur_get_bytes(&c, &ss, sl);
			r = route_save((struct sockaddr *)&ss, (socklen_t)sl,
			    &rs, err, sizeof err);
			monitor_reply(fd, r < 0 ? 2 : r == 0 ? 0 : 1,
			    r < 0 ? err : rs.desc);
			break;
		case MON_REQ_SIGNAL:
			if (bcur_get_u8(&c, &sig) < 0 || pppd_pid <= 0 ||
			    (sig != SIGTERM && sig != SIGHUP && sig != SIGKILL)) {
				monitor_reply(fd, 2, "signal request refused");
				break;
			}
			r = kill(pppd_pid, sig);
			monitor_reply(fd, r == 0 ? 0 : 2, r == 0 ? "" :
			    strerror(errno));
			break;
		default:
			monitor_reply(fd, 2, "unknown request");
			break;
		}
	}
	/* sstpc is gone, however it went: undo what it left. */
	if (rs.installed)
		route_restore(&rs);
	if (sock_path != NULL && sock_path[0] != '\0')
		(void)unlink(sock_path);
	_exit(0);
}

int
monitor_start(struct monitor *m, const char *sock_path, pid_t pppd_pid,
    char *err, size_t errlen)
{
	char path[256];
	int sv[2], fd;
	pid_t pid;

	m->pid = 0;
	m->fd = -1;
	snprintf(path, sizeof path, "%s", sock_path != NULL ? sock_path : "");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (pid == 0) {
		/*
		 * Keep nothing but the pair: not the TLS socket, not the
		 * pty.  Ignore terminal signals (a Ctrl-C reaches the whole
		 * process group) so the cleanup always runs.
		 */
		fd = dup2(sv[1], 3);
		if (fd < 0)
			_exit(1);
#ifdef HAVE_CLOSEFROM
		closefrom(4);
#else
		for (fd = 4; fd < 1024; fd++)
			close(fd);
#endif
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		(void)prctl(PR_SET_NAME, "sstpc-monitor", 0, 0, 0);
		monitor_main(3, path, pppd_pid);
	}
	close(sv[1]);
	m->pid = pid;
	m->fd = sv[0];
	log_debug("privileged monitor started (pid %ld)", (long)pid);
	return 0;
}

/* Send a request and wait (bounded) for the status octet and message. */
static int
monitor_call(struct monitor *m, const void *req, size_t len, char *msg,
    size_t msglen)
{
	struct pollfd p = { .fd = m->fd, .events = POLLIN };
	char in[MON_MSG_MAX];
	ssize_t n;

	if (m->fd < 0)
		return -ENOTCONN;
	if (send(m->fd, req, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -errno;
	if (poll(&p, 1, MON_REPLY_TIMEOUT_MS) <= 0)
		return -ETIMEDOUT;
	n = recv(m->fd, in, sizeof in - 1, 0);
	if (n <= 0)
		return -EPIPE;
	in[n] = '\0';
	if (msg != NULL)
		snprintf(msg, msglen, "%s", in + 1);
	return in[0] == 0 ? 0 : in[0] == 1 ? 1 : -EPERM;
}

int
monitor_route_add(struct monitor *m, const struct sockaddr *sa,
    socklen_t salen, char *err, size_t errlen)
{
	uint8_t req[1 + sizeof(struct sockaddr_storage)];

	if (salen > sizeof(struct sockaddr_storage))
		return -EINVAL;
	req[0] = MON_REQ_ROUTE;
	memcpy(req + 1, sa, salen);
	return monitor_call(m, req, 1 + (size_t)salen, err, errlen);
}

int
monitor_signal_pppd(struct monitor *m, int sig)
{
	uint8_t req[2] = { MON_REQ_SIGNAL, (uint8_t)sig };

	return monitor_call(m, req, sizeof req, NULL, 0);
}

void
monitor_stop(struct monitor *m)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	if (m->pid <= 0)
		return;
	/* The route and socket cleanup takes milliseconds; wait ~2 s. */
	for (i = 0; i < 100 && waitpid(m->pid, NULL, WNOHANG) == 0; i++)
		nanosleep(&ts, NULL);
	if (i == 100) {
		kill(m->pid, SIGKILL);
		waitpid(m->pid, NULL, 0);
	}
	m->pid = 0;
}
