/*
 * monitor.c - the privileged helper (see monitor.h).
 *
 * Requests are one datagram each: a type octet and a body, parsed with the
 * bounded cursor even though the peer is our own child of a moment ago —
 * after the seal it is the process that parses network bytes, so it is the
 * one to distrust.  Replies: a status octet (0 ok, 1 nothing done, 2
 * refused or failed) and a message.
 *
 * pppd is signalled through a pidfd (pidfd_open(2), pidfd_send_signal(2),
 * Linux 5.3) that sstpc opens while pppd is its unreaped child: a pidfd
 * stays bound to that process, so once pppd is reaped the signal fails
 * with ESRCH instead of reaching whoever got the pid next.
 *
 * Without pidfd_open() (Linux < 5.3, or valgrind 3.19, which knows neither
 * call) sstpc opens /proc/PID instead, which is bound to the process the
 * same way: pidfd_send_signal() takes it from Linux 5.1; else the monitor
 * signals with kill() only while a file can still be opened through that
 * directory (the process is alive or a zombie: its pid cannot have been
 * given to another).  That last fallback leaves the microseconds between
 * the check and kill(), in which pppd would have to be reaped and the
 * whole pid space wrap around.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "util/buf.h"
#include "util/ctype.h"
#include "util/log.h"
#include "sys/hostconf.h"
#include "sys/monitor.h"
#include "sys/route.h"
#include "sys/script.h"

/* The numbers are the same on every architecture (Linux 5.1 onwards). */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal	424
#endif

#define MON_REPLY_OK		0
#define MON_REPLY_NOTHING	1
#define MON_REPLY_NO		2
#define MON_REPLY_TIMEOUT_MS	5000
/* A request that may run the script: its bound and some. */
#define MON_SCRIPT_REPLY_MS	(SCRIPT_TIMEOUT_MS + 3000)
#define MON_HOST_MAX		256
#define MON_PATH_MAX		sizeof(((struct sockaddr_un *)0)->sun_path)

/* What the monitor was given before the seal, and what it did since. */
struct monitor_state {
	int			 pidfd;		/* pppd, -1 if none */
	bool			 procdir;	/* pidfd is /proc/<pid> */
	pid_t			 pid;		/* then pppd's pid */
	char			 sock_path[MON_PATH_MAX];
	char			 host[MON_HOST_MAX];	/* "" if no route */
	bool			 have_pidfd, have_path, have_host;
	bool			 sealed;
	bool			 route_done;	/* the one route request */
	struct route_saved	 rs;
	/* The built-in mode: what 'T', 'A', 'X' gave, what 'C' did. */
	bool			 have_tun, have_script;
	struct hostconf_conf	 hc;
	char			 script[MON_MSG_MAX];
	pid_t			 vpnpid;	/* sstpc, for VPNPID */
	bool			 configured;
	struct ppp_ip_info	 ip;		/* of the last 'C' */
	char			 gw[INET6_ADDRSTRLEN];	/* "" if none */
	struct hostconf_state	 hs;
};

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

/* The body as a string: printable, 1..cap-1 octets. */
static bool
monitor_body_str(struct bcur *c, char *out, size_t cap)
{
	size_t n = bcur_left(c), i;
	const uint8_t *p = bcur_ptr(c);

	if (n == 0 || n >= cap)
		return false;
	for (i = 0; i < n; i++)
		if (!is_print(p[i]) || p[i] == ' ')
			return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* An address of the same family and value (a v4-mapped v6 is v4). */
static bool
monitor_same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	const uint8_t *pa, *pb;
	size_t la, lb;

	pa = a->sa_family == AF_INET ? (const uint8_t *)
	    &((const struct sockaddr_in *)a)->sin_addr :
	    (const uint8_t *)&((const struct sockaddr_in6 *)a)->sin6_addr;
	la = a->sa_family == AF_INET ? 4 : 16;
	pb = b->sa_family == AF_INET ? (const uint8_t *)
	    &((const struct sockaddr_in *)b)->sin_addr :
	    (const uint8_t *)&((const struct sockaddr_in6 *)b)->sin6_addr;
	lb = b->sa_family == AF_INET ? 4 : 16;
	if (la == 16 && lb == 4 && memcmp(pa, mapped, 12) == 0) {
		pa += 12;
		la = 4;
	}
	if (lb == 16 && la == 4 && memcmp(pb, mapped, 12) == 0) {
		pb += 12;
		lb = 4;
	}
	return la == lb && memcmp(pa, pb, la) == 0;
}

/*
 * Is sa an address of host, by our own lookup?  The unprivileged side
 * chooses the address it asks a route for; only one sstpc could have
 * dialled is accepted (a numeric host resolves to itself).
 */
static bool
monitor_addr_of(const char *host, const struct sockaddr *sa)
{
	struct addrinfo hints, *res = NULL, *ai;
	bool ok = false;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return false;
	for (ai = res; ai != NULL && !ok; ai = ai->ai_next)
		if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
		    monitor_same_addr(ai->ai_addr, sa))
			ok = true;
	freeaddrinfo(res);
	return ok;
}

/* 'R': the route to the server, once, and only to the server. */
static void
monitor_route(int fd, struct monitor_state *ms, struct bcur *c)
{
	struct sockaddr_storage ss;
	char err[MON_MSG_MAX], a[INET6_ADDRSTRLEN];
	size_t sl = bcur_left(c);
	int r;

	if (!ms->have_host || ms->route_done) {
		monitor_reply(fd, MON_REPLY_NO, ms->have_host ?
		    "route request refused: already answered" :
		    "route request refused: no route was allowed");
		return;
	}
	ms->route_done = true;		/* whatever comes of it */
	memset(&ss, 0, sizeof ss);
	if (sl > sizeof ss || bcur_get_bytes(c, &ss, sl) < 0 ||
	    !((ss.ss_family == AF_INET && sl >= sizeof(struct sockaddr_in)) ||
	    (ss.ss_family == AF_INET6 &&
	    sl >= sizeof(struct sockaddr_in6)))) {
		monitor_reply(fd, MON_REPLY_NO, "route request refused: not "
		    "an IP address");
		return;
	}
	if (!monitor_addr_of(ms->host, (struct sockaddr *)&ss)) {
		if (inet_ntop(ss.ss_family, ss.ss_family == AF_INET ?
		    (void *)&((struct sockaddr_in *)&ss)->sin_addr :
		    (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr, a,
		    sizeof a) == NULL)
			snprintf(a, sizeof a, "?");
		snprintf(err, sizeof err, "route request refused: %s is not "
		    "an address of '%s'", a, ms->host);
		log_warn("monitor: %s", err);
		monitor_reply(fd, MON_REPLY_NO, err);
		return;
	}
	r = route_save((struct sockaddr *)&ss, (socklen_t)sl, &ms->rs, err,
	    sizeof err);
	monitor_reply(fd, r < 0 ? MON_REPLY_NO : r == 0 ? MON_REPLY_OK :
	    MON_REPLY_NOTHING, r < 0 ? err : ms->rs.desc);
}

/* Run the script for reason with the last 'C' (or no) addresses. */
static int
monitor_run_script(struct monitor_state *ms, const char *reason, char *err,
    size_t errlen)
{
	struct script_env env;
	struct script_info si = {
		.conf = &ms->hc,
		.ip = ms->configured ? &ms->ip : NULL,
		.gateway = ms->gw,
		.vpnpid = ms->vpnpid,
		.log_level = log_get_level(),
	};
	char e[200];
	int r;

	if (script_env_build(&env, reason, &si) != 0) {
		snprintf(err, errlen, "--script %s: environment too large",
		    reason);
		return -1;
	}
	r = script_run(ms->script, &env, SCRIPT_TIMEOUT_MS, e, sizeof e);
	explicit_bzero(&env, sizeof env);
	if (r != 0) {
		snprintf(err, errlen, "--script %s failed: %s", reason, e);
		log_warn("monitor: %s", err);
	} else {
		snprintf(err, errlen, "--script %s: exit status 0", reason);
		log_info("%s", err);
	}
	return r;
}

/* Undo what 'C' did (the script's disconnect, or the netlink state). */
static int
monitor_unconfigure(struct monitor_state *ms, char *err, size_t errlen)
{
	int r = 0;

	if (!ms->configured) {
		snprintf(err, errlen, "nothing configured");
		return 1;
	}
	if (ms->have_script)
		r = monitor_run_script(ms, "disconnect", err, errlen);
	else if ((r = hostconf_undo(&ms->hs)) != 0)
		snprintf(err, errlen, "host configuration: undo: %s",
		    strerror(-r));
	else
		err[0] = '\0';
	ms->configured = false;
	return r != 0 ? -1 : 0;
}

/* 'T', 'A', 'X': the built-in mode's hand-over (before the seal). */
static void
monitor_setup_tun(int fd, struct monitor_state *ms, uint8_t type,
    struct bcur *c)
{
	struct hostconf_route rt;
	uint32_t idx;
	uint16_t mtu;
	uint8_t flags, fam;
	size_t n, alen, i;
	const uint8_t *p;
	bool ok = !ms->sealed;

	switch (type) {
	case MON_REQ_TUN:
		ok = ok && !ms->have_tun && bcur_get_be32(c, &idx) == 0 &&
		    idx > 0 && idx <= INT32_MAX && bcur_get_u8(c, &flags) == 0 &&
		    bcur_get_be16(c, &mtu) == 0 &&
		    monitor_body_str(c, ms->hc.ifname, sizeof ms->hc.ifname);
		if (ok) {
			ms->hc.ifindex = (int)idx;
			ms->hc.defaultroute = (flags & MON_TUN_DEFAULTROUTE) !=
			    0;
			ms->hc.usepeerdns = (flags & MON_TUN_USEPEERDNS) != 0;
			ms->hc.mtu = mtu;
			ms->have_tun = true;
		}
		break;
	case MON_REQ_TUN_ROUTE:
		memset(&rt, 0, sizeof rt);
		ok = ok && ms->hc.n_routes < HOSTCONF_ROUTES_MAX &&
		    bcur_get_u8(c, &fam) == 0 &&
		    (fam == AF_INET || fam == AF_INET6) &&
		    bcur_get_u8(c, &rt.prefixlen) == 0;
		alen = fam == AF_INET ? 4 : 16;
		ok = ok && rt.prefixlen <= alen * 8 && bcur_left(c) == alen &&
		    bcur_get_bytes(c, rt.addr, alen) == 0;
		/* The network itself: no host bits (RFC 4632 3.1). */
		for (i = rt.prefixlen; ok && i < alen * 8; i++)
			if ((rt.addr[i / 8] & (0x80 >> (i % 8))) != 0)
				ok = false;
		if (ok) {
			rt.family = fam;
			ms->hc.routes[ms->hc.n_routes++] = rt;
		}
		break;
	default:	/* MON_REQ_SCRIPT: printable, spaces allowed */
		n = bcur_left(c);
		p = bcur_ptr(c);
		ok = ok && !ms->have_script && n > 0 && n < sizeof ms->script;
		for (i = 0; ok && i < n; i++)
			if (!is_print(p[i]))
				ok = false;
		if (ok) {
			memcpy(ms->script, p, n);
			ms->script[n] = '\0';
			ms->have_script = true;
		}
		break;
	}
	if (!ok)
		log_warn("monitor: refused a '%c' hand-over%s", type,
		    ms->sealed ? " after the seal" : "");
	monitor_reply(fd, ok ? MON_REPLY_OK : MON_REPLY_NO, ok ? "" :
	    "refused");
}

/* The gateway of a 'C' request (family 0: none) as a sockaddr. */
static bool
monitor_get_gw(struct bcur *c, struct sockaddr_storage *ss, socklen_t *sl)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	uint8_t fam;

	memset(ss, 0, sizeof *ss);
	*sl = 0;
	if (bcur_get_u8(c, &fam) != 0)
		return false;
	if (fam == 0)
		return true;
	if (fam == 4 && bcur_get_bytes(c, &sin->sin_addr, 4) == 0) {
		sin->sin_family = AF_INET;
		*sl = sizeof *sin;
		return true;
	}
	if (fam == 6 && bcur_get_bytes(c, &sin6->sin6_addr, 16) == 0) {
		sin6->sin6_family = AF_INET6;
		*sl = sizeof *sin6;
		return true;
	}
	return false;
}

/* 'C': configure the TUN handed over, from the PPP side's addresses. */
static void
monitor_configure(int fd, struct monitor_state *ms, struct bcur *c)
{
	struct sockaddr_storage gw;
	struct ppp_ip_info ip;
	char err[MON_MSG_MAX - 2], why[200];
	uint8_t h4, h6;
	uint32_t idx;
	socklen_t gwl;
	int r;

	memset(&ip, 0, sizeof ip);
	if (!ms->have_tun || bcur_get_be32(c, &idx) != 0 ||
	    bcur_get_u8(c, &h4) != 0 || bcur_get_bytes(c, &ip.local4, 4) ||
	    bcur_get_bytes(c, &ip.peer4, 4) != 0 ||
	    bcur_get_bytes(c, ip.dns4, 8) != 0 ||
	    bcur_get_bytes(c, ip.nbns4, 8) != 0 ||
	    bcur_get_u8(c, &h6) != 0 || bcur_get_bytes(c, ip.local_ifid, 8) ||
	    bcur_get_bytes(c, ip.peer_ifid, 8) != 0 ||
	    bcur_get_be16(c, &ip.mtu) != 0 || !monitor_get_gw(c, &gw, &gwl) ||
	    bcur_left(c) != 0 || h4 > 1 || h6 > 1) {
		monitor_reply(fd, MON_REPLY_NO, "configure refused: malformed");
		return;
	}
	ip.have_ip4 = h4 == 1;
	ip.have_ip6 = h6 == 1;
	if (idx != (uint32_t)ms->hc.ifindex) {
		snprintf(err, sizeof err, "configure refused: interface #%u "
		    "is not the TUN handed over (#%d)", idx, ms->hc.ifindex);
		log_warn("monitor: %s", err);
		monitor_reply(fd, MON_REPLY_NO, err);
		return;
	}
	if (ms->configured) {
		monitor_reply(fd, MON_REPLY_NO, "configure refused: already "
		    "configured (unconfigure first)");
		return;
	}
	if (!hostconf_check_ip(&ip, why, sizeof why)) {
		snprintf(err, sizeof err, "configure refused: %s", why);
		log_warn("monitor: %s", err);
		monitor_reply(fd, MON_REPLY_NO, err);
		return;
	}
	if (gwl != 0 && (!ms->have_host ||
	    !monitor_addr_of(ms->host, (struct sockaddr *)&gw))) {
		monitor_reply(fd, MON_REPLY_NO, "configure refused: the "
		    "gateway is not an address of the server");
		return;
	}
	ms->gw[0] = '\0';
	if (gwl != 0 && inet_ntop(gw.ss_family, gw.ss_family == AF_INET ?
	    (void *)&((struct sockaddr_in *)&gw)->sin_addr :
	    (void *)&((struct sockaddr_in6 *)&gw)->sin6_addr, ms->gw,
	    sizeof ms->gw) == NULL)
		ms->gw[0] = '\0';
	ms->ip = ip;
	if (ms->have_script) {
		/* Configured even if it failed: disconnect undoes halves. */
		ms->configured = true;
		r = monitor_run_script(ms, "connect", err, sizeof err);
	} else {
		r = hostconf_apply(&ms->hc, &ip, gwl != 0 ?
		    (struct sockaddr *)&gw : NULL, gwl, &ms->hs, err,
		    sizeof err);
		ms->configured = r == 0;
		if (r == 0)
			snprintf(err, sizeof err, "configured");
	}
	monitor_reply(fd, r == 0 ? MON_REPLY_OK : MON_REPLY_NO, err);
}

/* 'U': undo 'C'. */
static void
monitor_unconfigure_req(int fd, struct monitor_state *ms, struct bcur *c)
{
	char err[MON_MSG_MAX - 2];
	uint32_t idx;
	int r;

	if (!ms->have_tun || bcur_get_be32(c, &idx) != 0 ||
	    bcur_left(c) != 0 || idx != (uint32_t)ms->hc.ifindex) {
		monitor_reply(fd, MON_REPLY_NO, "unconfigure refused");
		return;
	}
	r = monitor_unconfigure(ms, err, sizeof err);
	monitor_reply(fd, r == 0 ? MON_REPLY_OK : r == 1 ? MON_REPLY_NOTHING :
	    MON_REPLY_NO, err);
}

/* 'E': the script for attempt-reconnect / reconnect. */
static void
monitor_event(int fd, struct monitor_state *ms, struct bcur *c)
{
	char reason[24], err[MON_MSG_MAX - 2];
	int r;

	if (!ms->have_script || !ms->have_tun ||
	    !monitor_body_str(c, reason, sizeof reason) ||
	    (strcmp(reason, "attempt-reconnect") != 0 &&
	    strcmp(reason, "reconnect") != 0)) {
		monitor_reply(fd, MON_REPLY_NO, "script event refused");
		return;
	}
	r = monitor_run_script(ms, reason, err, sizeof err);
	monitor_reply(fd, r == 0 ? MON_REPLY_OK : MON_REPLY_NO, err);
}

/* Signal the process /proc/<pid> (procfd) stands for: see the top. */
static int
monitor_kill_procdir(int procfd, pid_t pid, int sig)
{
	int sfd;

	sfd = openat(procfd, "stat", O_RDONLY | O_CLOEXEC);
	if (sfd < 0)
		return -ESRCH;		/* reaped: the pid may be another's */
	close(sfd);
	return kill(pid, sig) < 0 ? -errno : 0;
}

/* 'K': signal pppd through its pidfd. */
static void
monitor_signal(int fd, struct monitor_state *ms, struct bcur *c)
{
	uint8_t sig;
	int r;

	if (bcur_get_u8(c, &sig) < 0 || ms->pidfd < 0 ||
	    (sig != SIGTERM && sig != SIGHUP && sig != SIGKILL)) {
		monitor_reply(fd, MON_REPLY_NO, "signal request refused");
		return;
	}
	r = syscall(SYS_pidfd_send_signal, ms->pidfd, (int)sig, NULL, 0) < 0 ?
	    -errno : 0;
	if (r == -ENOSYS && ms->procdir)
		r = monitor_kill_procdir(ms->pidfd, ms->pid, sig);
	if (r < 0)
		monitor_reply(fd, MON_REPLY_NO, strerror(-r));
	else
		monitor_reply(fd, MON_REPLY_OK, "");
}

/*
 * 'P', 'S', 'H', 'D': what may be handed over before the seal, each once.
 * *rfd is a descriptor that came with the request (-1 if none); it is
 * taken (set to -1) only as pppd's pidfd.
 */
static void
monitor_setup(int fd, struct monitor_state *ms, uint8_t type,
    struct bcur *c, int *rfd)
{
	bool ok = !ms->sealed;
	uint32_t pid = 0;

	switch (type) {
	case MON_REQ_PIDFD:
		/* A pidfd, or /proc/<pid> with the pid (no pidfd_open()). */
		ok = ok && !ms->have_pidfd && *rfd >= 0 &&
		    (bcur_left(c) == 0 || (bcur_get_be32(c, &pid) == 0 &&
		    bcur_left(c) == 0 && pid > 0 && pid <= INT32_MAX));
		if (ok) {
			ms->pidfd = *rfd;
			*rfd = -1;
			ms->procdir = pid != 0;
			ms->pid = (pid_t)pid;
			ms->have_pidfd = true;
		}
		break;
	case MON_REQ_SOCKET:
		ok = ok && !ms->have_path && monitor_body_str(c, ms->sock_path,
		    sizeof ms->sock_path) && ms->sock_path[0] == '/';
		if (ok)
			ms->have_path = true;
		else if (!ms->have_path)
			ms->sock_path[0] = '\0';
		break;
	case MON_REQ_HOST:
		ok = ok && !ms->have_host && monitor_body_str(c, ms->host,
		    sizeof ms->host);
		if (ok)
			ms->have_host = true;
		else if (!ms->have_host)
			ms->host[0] = '\0';
		break;
	default:	/* MON_REQ_SEAL */
		if (ok)
			ms->sealed = true;
		break;
	}
	if (!ok)
		log_warn("monitor: refused a '%c' hand-over%s", type,
		    ms->sealed ? " after the seal" : "");
	monitor_reply(fd, ok ? MON_REPLY_OK : MON_REPLY_NO, ok ? "" :
	    "refused");
}

/*
 * Receive one request and the descriptor that may come with it (*rfd, -1
 * if none).  Returns its length, 0 at EOF, -1 on error; *bad when it was
 * truncated or carried more than one descriptor (all closed then).
 */
static ssize_t
monitor_recv(int fd, uint8_t *buf, size_t len, int *rfd, bool *bad)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh;
	struct cmsghdr *h;
	ssize_t n;

	*rfd = -1;
	*bad = false;
	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof cm.buf;
	n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return n;
	for (h = CMSG_FIRSTHDR(&mh); h != NULL; h = CMSG_NXTHDR(&mh, h))
		if (h->cmsg_level == SOL_SOCKET &&
		    h->cmsg_type == SCM_RIGHTS &&
		    h->cmsg_len == CMSG_LEN(sizeof(int)) && *rfd < 0)
			memcpy(rfd, CMSG_DATA(h), sizeof(int));
	if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
		/*
		 * Too long, or more descriptors than one (the kernel closed
		 * those that did not fit): refuse it all.
		 */
		if (*rfd >= 0)
			close(*rfd);
		*rfd = -1;
		*bad = true;
	}
	return n;
}

/* The monitor's life: serve requests until EOF, then clean up and exit. */
static void __attribute__((noreturn))
monitor_main(int fd)
{
	struct monitor_state ms;
	uint8_t buf[MON_MSG_MAX], type;
	struct bcur c;
	ssize_t n;
	bool bad;
	int rfd;

	memset(&ms, 0, sizeof ms);
	ms.pidfd = -1;
	ms.vpnpid = getppid();
	for (;;) {
		n = monitor_recv(fd, buf, sizeof buf, &rfd, &bad);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (rfd >= 0)
				close(rfd);
			break;		/* EOF: sstpc is gone */
		}
		c = bcur_make(buf, (size_t)n);
		if (bad || bcur_get_u8(&c, &type) < 0)
			type = 0;
		switch (type) {
		case MON_REQ_PIDFD:
		case MON_REQ_SOCKET:
		case MON_REQ_HOST:
		case MON_REQ_SEAL:
			monitor_setup(fd, &ms, type, &c, &rfd);
			break;
		case MON_REQ_ROUTE:
			monitor_route(fd, &ms, &c);
			break;
		case MON_REQ_SIGNAL:
			monitor_signal(fd, &ms, &c);
			break;
		case MON_REQ_TUN:
		case MON_REQ_TUN_ROUTE:
		case MON_REQ_SCRIPT:
			monitor_setup_tun(fd, &ms, type, &c);
			break;
		case MON_REQ_CONFIGURE:
			monitor_configure(fd, &ms, &c);
			break;
		case MON_REQ_UNCONFIGURE:
			monitor_unconfigure_req(fd, &ms, &c);
			break;
		case MON_REQ_EVENT:
			monitor_event(fd, &ms, &c);
			break;
		default:
			monitor_reply(fd, MON_REPLY_NO, "unknown request");
			break;
		}
		if (rfd >= 0)
			close(rfd);
	}
	/* sstpc is gone, however it went: undo what it left. */
	if (ms.configured) {
		char err[MON_MSG_MAX];

		(void)monitor_unconfigure(&ms, err, sizeof err);
	}
	if (ms.rs.installed)
		route_restore(&ms.rs);
	if (ms.have_path)
		(void)unlink(ms.sock_path);
	_exit(0);
}

/* In the child: close every descriptor but 0-2, the pair and the log's. */
static void
monitor_close_fds(int pair, int logfd)
{
	int fd, top = pair > logfd ? pair : logfd;

	for (fd = 3; fd < top; fd++)
		if (fd != pair && fd != logfd)
			close(fd);
#ifdef HAVE_CLOSEFROM
	closefrom(top + 1);
#else
	for (fd = top + 1; fd < 1024; fd++)
		close(fd);
#endif
}

int
monitor_start(struct monitor *m, char *err, size_t errlen)
{
	int sv[2], e;
	pid_t pid;

	m->pid = 0;
	m->fd = -1;
	m->route_asked = false;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		e = errno;
		snprintf(err, errlen, "socketpair: %s", strerror(e));
		return -e;
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		snprintf(err, errlen, "fork: %s", strerror(e));
		close(sv[0]);
		close(sv[1]);
		return -e;
	}
	if (pid == 0) {
		/*
		 * Keep nothing but the pair and the log: not the password
		 * source, not the pty.  Ignore terminal signals (a Ctrl-C
		 * reaches the whole process group) so the cleanup always
		 * runs.
		 */
		close(sv[0]);
		monitor_close_fds(sv[1], log_atfork_child());
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		(void)prctl(PR_SET_NAME, "sstpc-monitor", 0, 0, 0);
		monitor_main(sv[1]);
	}
	close(sv[1]);
	m->pid = pid;
	m->fd = sv[0];
	log_debug("privileged monitor started (pid %ld)", (long)pid);
	return 0;
}

/* Send a request (fd >= 0 as SCM_RIGHTS), wait for the reply (ms). */
static int
monitor_call_ms(struct monitor *m, const void *req, size_t len, int fd,
    char *msg, size_t msglen, int timeout_ms)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct pollfd p = { .fd = m->fd, .events = POLLIN };
	struct iovec iov = { .iov_base = (void *)(uintptr_t)req,
	    .iov_len = len };
	struct msghdr mh;
	struct cmsghdr *h;
	char in[MON_MSG_MAX];
	ssize_t n;

	if (msg != NULL && msglen > 0)
		msg[0] = '\0';
	if (m->fd < 0)
		return -ENOTCONN;
	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&cm, 0, sizeof cm);
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof cm.buf;
		h = CMSG_FIRSTHDR(&mh);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof(int));
	}
	if (sendmsg(m->fd, &mh, MSG_NOSIGNAL) != (ssize_t)len)
		return -errno;
	if (poll(&p, 1, timeout_ms) <= 0)
		return -ETIMEDOUT;
	n = recv(m->fd, in, sizeof in - 1, 0);
	if (n <= 0)
		return -EPIPE;
	in[n] = '\0';
	if (msg != NULL)
		snprintf(msg, msglen, "%s", in + 1);
	return in[0] == MON_REPLY_OK ? 0 : in[0] == MON_REPLY_NOTHING ? 1 :
	    -EPERM;
}

int
monitor_call(struct monitor *m, const void *req, size_t len, int fd,
    char *msg, size_t msglen)
{
	return monitor_call_ms(m, req, len, fd, msg, msglen,
	    MON_REPLY_TIMEOUT_MS);
}

/* One string hand-over ('S', 'H'). */
static int
monitor_give_str(struct monitor *m, uint8_t type, const char *s)
{
	uint8_t req[MON_MSG_MAX];
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof req - 1)
		return -EINVAL;
	req[0] = type;
	memcpy(req + 1, s, n);
	return monitor_call(m, req, 1 + n, -1, NULL, 0);
}

/*
 * pppd (our child, not reaped yet: the pid is still pppd's) as a pidfd, or
 * as /proc/<pid> and its pid where pidfd_open() is missing (see the top).
 */
static int
monitor_give_pppd(struct monitor *m, pid_t pppd)
{
	uint8_t req[5];
	struct wbuf w;
	char path[32];
	int r, fd;

	wbuf_init(&w, req, sizeof req);
	wbuf_put_u8(&w, MON_REQ_PIDFD);
	fd = (int)syscall(SYS_pidfd_open, pppd, 0);
	if (fd < 0 && errno == ENOSYS) {
		snprintf(path, sizeof path, "/proc/%ld", (long)pppd);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		wbuf_put_be32(&w, (uint32_t)pppd);
		log_debug("no pidfd_open(): pppd handed over as %s", path);
	}
	if (fd < 0)
		return -errno;
	r = monitor_call(m, req, w.len, fd, NULL, 0);
	close(fd);
	return r == 0 ? 0 : r < 0 ? r : -EPROTO;
}

int
monitor_handover(struct monitor *m, const char *sock_path, pid_t pppd,
    const char *route_host, char *err, size_t errlen)
{
	uint8_t req = MON_REQ_SEAL;
	int r;

	if (sock_path != NULL && sock_path[0] != '\0' &&
	    (r = monitor_give_str(m, MON_REQ_SOCKET, sock_path)) != 0) {
		snprintf(err, errlen, "monitor: cannot hand over the plugin "
		    "socket: %s", strerror(-r));
		return r < 0 ? r : -EPROTO;
	}
	if (pppd > 0 && (r = monitor_give_pppd(m, pppd)) != 0) {
		snprintf(err, errlen, "monitor: cannot hand over pppd: %s",
		    strerror(-r));
		return r;
	}
	if (route_host != NULL && route_host[0] != '\0' &&
	    (r = monitor_give_str(m, MON_REQ_HOST, route_host)) != 0) {
		snprintf(err, errlen, "monitor: cannot hand over the server "
		    "name: %s", strerror(-r));
		return r < 0 ? r : -EPROTO;
	}
	if ((r = monitor_call(m, &req, 1, -1, NULL, 0)) != 0) {
		snprintf(err, errlen, "monitor: cannot seal: %s", strerror(-r));
		return r < 0 ? r : -EPROTO;
	}
	return 0;
}

int
monitor_route_add(struct monitor *m, const struct sockaddr *sa,
    socklen_t salen, char *err, size_t errlen)
{
	uint8_t req[1 + sizeof(struct sockaddr_storage)];

	if (m->route_asked) {
		snprintf(err, errlen, "the route was asked for the first "
		    "connection already");
		return 1;
	}
	if (salen > sizeof(struct sockaddr_storage))
		return -EINVAL;
	m->route_asked = true;
	req[0] = MON_REQ_ROUTE;
	memcpy(req + 1, sa, salen);
	return monitor_call(m, req, 1 + (size_t)salen, -1, err, errlen);
}

int
monitor_signal_pppd(struct monitor *m, int sig)
{
	uint8_t req[2] = { MON_REQ_SIGNAL, (uint8_t)sig };

	return monitor_call(m, req, sizeof req, -1, NULL, 0);
}

int
monitor_handover_tun(struct monitor *m, const struct hostconf_conf *hc,
    const char *script, char *err, size_t errlen)
{
	uint8_t req[MON_MSG_MAX];
	const struct hostconf_route *rt;
	size_t i, n = strlen(hc->ifname);
	struct wbuf w;
	int r;

	wbuf_init(&w, req, sizeof req);
	wbuf_put_u8(&w, MON_REQ_TUN);
	wbuf_put_be32(&w, (uint32_t)hc->ifindex);
	wbuf_put_u8(&w, (uint8_t)((hc->defaultroute ? MON_TUN_DEFAULTROUTE :
	    0) | (hc->usepeerdns ? MON_TUN_USEPEERDNS : 0)));
	wbuf_put_be16(&w, hc->mtu);
	wbuf_put_bytes(&w, hc->ifname, n);
	if (wbuf_error(&w) != 0 ||
	    (r = monitor_call(m, req, w.len, -1, NULL, 0)) != 0) {
		snprintf(err, errlen, "monitor: cannot hand over the TUN %s",
		    hc->ifname);
		return -EPROTO;
	}
	for (i = 0; i < hc->n_routes; i++) {
		rt = &hc->routes[i];
		wbuf_init(&w, req, sizeof req);
		wbuf_put_u8(&w, MON_REQ_TUN_ROUTE);
		wbuf_put_u8(&w, rt->family);
		wbuf_put_u8(&w, rt->prefixlen);
		wbuf_put_bytes(&w, rt->addr, rt->family == AF_INET ? 4 : 16);
		if (monitor_call(m, req, w.len, -1, NULL, 0) != 0) {
			snprintf(err, errlen, "monitor: route %zu refused "
			    "(host bits set?)", i + 1);
			return -EPROTO;
		}
	}
	if (script != NULL && script[0] != '\0') {
		n = strlen(script);
		if (n >= sizeof req - 1) {
			snprintf(err, errlen, "--script: command too long");
			return -EINVAL;
		}
		req[0] = MON_REQ_SCRIPT;
		memcpy(req + 1, script, n);
		if (monitor_call(m, req, 1 + n, -1, NULL, 0) != 0) {
			snprintf(err, errlen, "monitor: --script refused "
			    "(control characters?)");
			return -EPROTO;
		}
	}
	return 0;
}

int
monitor_net_up(struct monitor *m, int ifindex, const struct ppp_ip_info *ip,
    const struct sockaddr *gw, socklen_t gwlen, char *err, size_t errlen)
{
	uint8_t req[MON_MSG_MAX];
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct wbuf w;

	wbuf_init(&w, req, sizeof req);
	wbuf_put_u8(&w, MON_REQ_CONFIGURE);
	wbuf_put_be32(&w, (uint32_t)ifindex);
	wbuf_put_u8(&w, ip->have_ip4 ? 1 : 0);
	wbuf_put_bytes(&w, &ip->local4, 4);
	wbuf_put_bytes(&w, &ip->peer4, 4);
	wbuf_put_bytes(&w, ip->dns4, 8);
	wbuf_put_bytes(&w, ip->nbns4, 8);
	wbuf_put_u8(&w, ip->have_ip6 ? 1 : 0);
	wbuf_put_bytes(&w, ip->local_ifid, 8);
	wbuf_put_bytes(&w, ip->peer_ifid, 8);
	wbuf_put_be16(&w, ip->mtu);
	if (gw != NULL && gw->sa_family == AF_INET &&
	    gwlen >= (socklen_t)sizeof sin) {
		memcpy(&sin, gw, sizeof sin);
		wbuf_put_u8(&w, 4);
		wbuf_put_bytes(&w, &sin.sin_addr, 4);
	} else if (gw != NULL && gw->sa_family == AF_INET6 &&
	    gwlen >= (socklen_t)sizeof sin6) {
		memcpy(&sin6, gw, sizeof sin6);
		wbuf_put_u8(&w, 6);
		wbuf_put_bytes(&w, &sin6.sin6_addr, 16);
	} else
		wbuf_put_u8(&w, 0);
	if (wbuf_error(&w) != 0)
		return -EINVAL;
	return monitor_call_ms(m, req, w.len, -1, err, errlen,
	    MON_SCRIPT_REPLY_MS);
}

int
monitor_net_down(struct monitor *m, int ifindex, char *err, size_t errlen)
{
	uint8_t req[5];
	struct wbuf w;

	wbuf_init(&w, req, sizeof req);
	wbuf_put_u8(&w, MON_REQ_UNCONFIGURE);
	wbuf_put_be32(&w, (uint32_t)ifindex);
	return monitor_call_ms(m, req, w.len, -1, err, errlen,
	    MON_SCRIPT_REPLY_MS);
}

int
monitor_script_event(struct monitor *m, const char *reason, char *err,
    size_t errlen)
{
	uint8_t req[32];
	size_t n = strlen(reason);

	if (n == 0 || n >= sizeof req - 1)
		return -EINVAL;
	req[0] = MON_REQ_EVENT;
	memcpy(req + 1, reason, n);
	return monitor_call_ms(m, req, 1 + n, -1, err, errlen,
	    MON_SCRIPT_REPLY_MS);
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
	/*
	 * The cleanup takes milliseconds; a disconnect script left to run at
	 * EOF up to SCRIPT_TIMEOUT_MS: wait that long at most.
	 */
	for (i = 0; i < MON_SCRIPT_REPLY_MS / 20 &&
	    waitpid(m->pid, NULL, WNOHANG) == 0; i++)
		nanosleep(&ts, NULL);
	if (i == MON_SCRIPT_REPLY_MS / 20) {
		kill(m->pid, SIGKILL);
		waitpid(m->pid, NULL, 0);
	}
	m->pid = 0;
}
