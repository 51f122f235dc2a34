/*
 * test_monitor.c - the privileged monitor (src/sys/monitor.c) driven over
 * its socket the way a compromised network-facing process could drive it:
 * raw requests after the seal, a second route request, a route to an
 * address that is not the server's, a signal for a pid that was reaped and
 * handed to another process.
 *
 * Runs as any user.  The recycled-pid case needs clone3() with set_tid
 * (CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE, i.e. root): without it that
 * case says SKIP and the rest still runs.  Route requests only name
 * loopback addresses (route_save() answers "local, nothing to add"
 * without touching a table) and the server name is "localhost".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>

#include "harness.h"
#include "util/buf.h"
#include "util/log.h"
#include "sys/monitor.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434	/* the same on every architecture */
#endif

/* A child that waits to be signalled. */
static pid_t
spawn_sleeper(void)
{
	pid_t p;

	fflush(NULL);
	p = fork();
	if (p == 0) {
		for (;;)
			pause();
	}
	return p;
}

/* Sleep ms milliseconds. */
static void
nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* An IPv4 loopback sockaddr. */
static socklen_t
mk4(struct sockaddr_storage *ss, const char *a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof *ss);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(443);
	inet_pton(AF_INET, a, &sin->sin_addr);
	return sizeof *sin;
}

/* A raw route request, as the unprivileged side could send any time. */
static int
raw_route(struct monitor *m, const char *a, char *msg, size_t msglen)
{
	uint8_t req[1 + sizeof(struct sockaddr_storage)];
	struct sockaddr_storage ss;
	socklen_t sl = mk4(&ss, a);

	req[0] = MON_REQ_ROUTE;
	memcpy(req + 1, &ss, sl);
	return monitor_call(m, req, 1 + (size_t)sl, -1, msg, msglen);
}

/* A raw request with a string body (and maybe a descriptor). */
static int
raw_str(struct monitor *m, uint8_t type, const char *body, int fd)
{
	uint8_t req[MON_MSG_MAX];
	char msg[256];
	size_t n = strlen(body);

	req[0] = type;
	memcpy(req + 1, body, n);
	return monitor_call(m, req, 1 + n, fd, msg, sizeof msg);
}

static void
test_signal(void)
{
	struct monitor m;
	char err[256];
	pid_t p;
	int st = 0;

	TEST_START("monitor: signals pppd (given before the seal) only");
	p = spawn_sleeper();
	ASSERT_INT_LT(0, p);
	ASSERT_INT_EQ(monitor_start(&m, err, sizeof err), 0);
	ASSERT_INT_EQ(monitor_handover(&m, NULL, p, NULL, err, sizeof err), 0);
	/* Only SIGTERM, SIGHUP, SIGKILL. */
	ASSERT_INT_LT(monitor_signal_pppd(&m, SIGUSR1), 0);
	ASSERT_INT_EQ(waitpid(p, &st, WNOHANG), 0);
	ASSERT_INT_EQ(monitor_signal_pppd(&m, SIGTERM), 0);
	ASSERT_INT_EQ(waitpid(p, &st, 0), p);
	ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	/* Reaped: nothing to signal any more. */
	ASSERT_INT_LT(monitor_signal_pppd(&m, SIGKILL), 0);
	monitor_stop(&m);
	TEST_DONE();
}

/* clone3() a child with pid want; its pid, or -errno. */
static pid_t
spawn_with_pid(pid_t want)
{
	struct clone_args ca;
	pid_t tid = want;
	long r;

	memset(&ca, 0, sizeof ca);
	ca.exit_signal = SIGCHLD;
	ca.set_tid = (uint64_t)(uintptr_t)&tid;
	ca.set_tid_size = 1;
	r = syscall(SYS_clone3, &ca, sizeof ca);
	if (r < 0)
		return -errno;
	if (r == 0) {
		for (;;)
			pause();
	}
	return (pid_t)r;
}

/*
 * pppd handed over as monitor_handover() does without pidfd_open():
 * /proc/<pid> and the pid.
 */
static void
handover_procdir(struct monitor *m, pid_t p)
{
	uint8_t req[5];
	struct wbuf w;
	char path[32];
	int fd;

	snprintf(path, sizeof path, "/proc/%ld", (long)p);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_INT_GE(fd, 0);
	wbuf_init(&w, req, sizeof req);
	wbuf_put_u8(&w, MON_REQ_PIDFD);
	wbuf_put_be32(&w, (uint32_t)p);
	ASSERT_INT_EQ(monitor_call(m, req, w.len, fd, NULL, 0), 0);
	close(fd);
	ASSERT_INT_EQ(raw_str(m, MON_REQ_SEAL, "", -1), 0);
}

static void
recycled_pid(bool procdir)
{
	struct monitor m;
	char err[256];
	pid_t p, v = -1;
	int i, st;

	p = spawn_sleeper();
	ASSERT_INT_LT(0, p);
	ASSERT_INT_EQ(monitor_start(&m, err, sizeof err), 0);
	if (procdir)
		handover_procdir(&m, p);
	else
		ASSERT_INT_EQ(monitor_handover(&m, NULL, p, NULL, err,
		    sizeof err), 0);
	/* "pppd" exits and the unprivileged side reaps it... */
	kill(p, SIGKILL);
	ASSERT_INT_EQ(waitpid(p, NULL, 0), p);
	/* ...and its pid goes to another (here: our) process. */
	for (i = 0; i < 50 && v < 0; i++) {
		v = spawn_with_pid(p);
		if (v == -EEXIST)
			nap(20);
		else if (v < 0)
			break;
	}
	if (v < 0) {
		printf("SKIP: recycled pid: clone3 set_tid: %s\n",
		    strerror((int)-v));
		monitor_stop(&m);
		return;
	}
	ASSERT_INT_EQ(v, p);
	ASSERT_INT_LT(monitor_signal_pppd(&m, SIGKILL), 0);
	nap(100);
	ASSERT_INT_EQ(waitpid(v, &st, WNOHANG), 0);	/* still alive */
	kill(v, SIGKILL);
	waitpid(v, NULL, 0);
	monitor_stop(&m);
}

static void
test_recycled_pid(void)
{
	TEST_START("monitor: a reaped and recycled pppd pid is never signalled");
	recycled_pid(false);
	TEST_DONE();
	TEST_START("monitor: the same with pppd as /proc/PID (no pidfd_open)");
	recycled_pid(true);
	TEST_DONE();
}

static void
test_route(void)
{
	struct sockaddr_storage ss;
	struct monitor m;
	char err[256], msg[256];
	socklen_t sl;

	TEST_START("monitor: a route only to the dialled name's address, once");
	/* The address asked for is not one of "localhost": refused... */
	ASSERT_INT_EQ(monitor_start(&m, err, sizeof err), 0);
	ASSERT_INT_EQ(monitor_handover(&m, NULL, 0, "localhost", err,
	    sizeof err), 0);
	ASSERT_INT_EQ(raw_route(&m, "127.0.0.2", msg, sizeof msg), -EPERM);
	ASSERT_TRUE(strstr(msg, "not an address of 'localhost'") != NULL);
	/* ...and that was the one request: the right one comes too late. */
	ASSERT_INT_EQ(raw_route(&m, "127.0.0.1", msg, sizeof msg), -EPERM);
	monitor_stop(&m);

	/* The server's address: served ("local: nothing to add"), once. */
	ASSERT_INT_EQ(monitor_start(&m, err, sizeof err), 0);
	ASSERT_INT_EQ(monitor_handover(&m, NULL, 0, "localhost", err,
	    sizeof err), 0);
	sl = mk4(&ss, "127.0.0.1");
	ASSERT_INT_EQ(monitor_route_add(&m, (struct sockaddr *)&ss, sl, err,
	    sizeof err), 1);
	/* Our own side does not ask again (a proxy's reconnect)... */
	ASSERT_INT_EQ(monitor_route_add(&m, (struct sockaddr *)&ss, sl, err,
	    sizeof err), 1);
	/* ...and the monitor refuses whoever asks again, any address. */
	ASSERT_INT_EQ(raw_route(&m, "127.0.0.1", msg, sizeof msg), -EPERM);
	ASSERT_INT_EQ(raw_route(&m, "127.0.0.3", msg, sizeof msg), -EPERM);
	monitor_stop(&m);

	/* No route was allowed at all. */
	ASSERT_INT_EQ(monitor_start(&m, err, sizeof err), 0);
	ASSERT_INT_EQ(monitor_handover(&m, NULL, 0, NULL, err, sizeof err), 0);
	ASSERT_INT_EQ(raw_route(&m, "127.0.0.1", msg, sizeof msg), -EPERM);
	monitor_stop(&m);
	TEST_DONE();
}

static void
test_sealed(void)
{
	char dir[] = "/tmp/test_monitor.XXXXXX", keep[128], gone[128];
	struct monitor m;
	char err[256];
	pid_t p;
	int fd;

	TEST_START("monitor: nothing is handed over after the seal");
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	snprintf(keep, sizeof keep, "%s/keep", dir);
	snprintf(gone, sizeof gone, "%s/gone", dir);
	fd = open(keep, O_WRONLY | O_CREAT, 0600);
	ASSERT_INT_GE(fd, 0);
	close(fd);
	fd = open(gone, O_WRONLY | O_CREAT, 0600);
	ASSERT_INT_GE(fd, 0);
	close(fd);

	/* Handed over before the seal: unlinked when sstpc goes. */
	ASSERT_INT_EQ(monitor_start(&m, err, sizeof err), 0);
	ASSERT_INT_EQ(monitor_handover(&m, gone, 0, NULL, err, sizeof err), 0);
	/* After it: a path to remove, a name, a pidfd, a second seal. */
	ASSERT_INT_EQ(raw_str(&m, MON_REQ_SOCKET, keep, -1), -EPERM);
	ASSERT_INT_EQ(raw_str(&m, MON_REQ_HOST, "127.0.0.2", -1), -EPERM);
	ASSERT_INT_EQ(raw_str(&m, MON_REQ_SEAL, "", -1), -EPERM);
	p = spawn_sleeper();
	fd = (int)syscall(SYS_pidfd_open, p, 0);
	if (fd >= 0) {
		ASSERT_INT_EQ(raw_str(&m, MON_REQ_PIDFD, "", fd), -EPERM);
		close(fd);
		/* The late pidfd was not taken: no signal reaches p. */
		ASSERT_INT_LT(monitor_signal_pppd(&m, SIGKILL), 0);
		nap(50);
		ASSERT_INT_EQ(waitpid(p, NULL, WNOHANG), 0);
	}
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
	/* The late name was not taken either. */
	{
		char msg[256];

		ASSERT_INT_EQ(raw_route(&m, "127.0.0.2", msg, sizeof msg),
		    -EPERM);
	}
	monitor_stop(&m);
	ASSERT_INT_EQ(access(gone, F_OK), -1);
	ASSERT_INT_EQ(access(keep, F_OK), 0);
	unlink(keep);
	rmdir(dir);
	TEST_DONE();
}

int
main(void)
{
	struct log_conf lc;

	/* The monitor's refusals are logged: keep them out of the output. */
	memset(&lc, 0, sizeof lc);
	lc.level = LOG_LVL_ERR;
	lc.sink = LOG_SINK_FILE;
	lc.ident = "test";
	lc.path = "/dev/null";
	(void)log_open(&lc);
	signal(SIGPIPE, SIG_IGN);
	test_signal();
	test_recycled_pid();
	test_route();
	test_sealed();
	return test_exit();
}
