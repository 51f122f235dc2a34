/*
 * pppd_spawn.c - launch pppd on a pty (after tmux's job.c: block signals around
 * fork, reset them in the child, close every other fd, exec).  The session
 * ends only after both the pty's EOF and the child's reap (two-event join,
 * done in session.c), so no output of a dying pppd is lost.  The exec waits
 * on a gate (a pipe) until the SSTP call is acknowledged.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/wait.h>

#include "link/pppd/pppd_spawn.h"
#include "util/nelem.h"

#define PPPD_GATE_GO	'G'	/* the byte that lets the child exec */

int
pppd_open_pty(int *master, int *slave, char *name, size_t len)
{
	struct termios tio;
	char tty[128];
	int m, s, fl;

	if (openpty(&m, &s, tty, NULL, NULL) < 0)
		return -errno;
	/* 1.0.18 left the pty cooked; pppd sets raw itself, but not before
	 * the first bytes may be mangled.  Raw from the start. */
	if (tcgetattr(s, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(s, TCSANOW, &tio);
	}
	fl = fcntl(m, F_GETFL);
	if (fl < 0 || fcntl(m, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(m, F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(s, F_SETFD, FD_CLOEXEC) < 0) {
		int e = errno;

		close(m);
		close(s);
		return -e;
	}
	snprintf(name, len, "%s", tty);
	*master = m;
	*slave = s;
	return 0;
}

/* In the child: close every fd above 'keep' (closefrom where available). */
static void
pppd_close_fds(int from)
{
#ifdef HAVE_CLOSEFROM
	closefrom(from);
#else
	long max = sysconf(_SC_OPEN_MAX);
	int fd;

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = from; fd < max; fd++)
		close(fd);
#endif
}

/* In the child: wait for the go byte; no byte (gate closed) ends it. */
static void
pppd_wait_gate(int fd)
{
	char go = 0;
	ssize_t n;

	do
		n = read(fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || go != PPPD_GATE_GO)
		_exit(0);	/* quietly: the call never came up */
	close(fd);
}

pid_t
pppd_spawn(char *const argv[], int tty_fd, int keep_fd, int *gate)
{
	sigset_t all, old;
	pid_t pid;
	int sig, fd, gp[2] = { -1, -1 }, gfd = -1;

	/* The exec may come much later: find a bad path now, not then. */
	if (access(argv[0], X_OK) < 0)
		return -errno;
	if (gate != NULL && pipe2(gp, O_CLOEXEC) < 0)
		return -errno;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		sigprocmask(SIG_SETMASK, &old, NULL);
		if (gate != NULL) {
			close(gp[0]);
			close(gp[1]);
		}
		return -e;
	}
	if (pid > 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (gate != NULL) {
			close(gp[0]);
			*gate = gp[1];
		}
		return pid;
	}

	/* Child: default signal dispositions, empty mask. */
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	/* The gate's read end out of the way of the dup2()s below. */
	if (gate != NULL && (gfd = fcntl(gp[0], F_DUPFD, 16)) < 0)
		_exit(127);
	/*
	 * The pty slave also on stdin: the child holds it from the fork on,
	 * so the parent can close its copy at once and read EOF/EIO on the
	 * master exactly when pppd (and everything it spawned) is gone.
	 */
	fd = tty_fd >= 0 ? tty_fd : open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != STDIN_FILENO) {
		dup2(fd, STDIN_FILENO);
		if (fd != tty_fd)
			close(fd);
	}
	if (keep_fd >= 0 && keep_fd != 3) {
		if (dup2(keep_fd, 3) < 0)
			_exit(127);
	} else if (keep_fd == 3)
		fcntl(3, F_SETFD, 0);
	fd = keep_fd >= 0 ? 4 : 3;	/* first fd that pppd does not get */
	/* The gate just above; the parent's end (gp[1]) closes with the rest. */
	if (gfd >= 0) {
		if (dup2(gfd, fd) < 0)
			_exit(127);
		gfd = fd++;
	}
	pppd_close_fds(fd);
	setsid();
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (gfd >= 0)
		pppd_wait_gate(gfd);
	execv(argv[0], argv);
	fprintf(stderr, "sstpc: cannot execute %s: %s\n", argv[0],
	    strerror(errno));
	_exit(127);
}

/* Let the child waiting on the gate exec pppd. */
int
pppd_release(int *gate)
{
	static const char go = PPPD_GATE_GO;
	ssize_t n;
	int e = 0;

	if (*gate < 0)
		return -EBADF;
	do
		n = write(*gate, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		e = n < 0 ? errno : EIO;
	pppd_gate_close(gate);
	return -e;
}

/* Close the gate; a child that still waits exits without a word. */
void
pppd_gate_close(int *gate)
{
	if (*gate >= 0)
		close(*gate);
	*gate = -1;
}

/*
 * pppd(8) EXIT STATUS, for the reason line.  Only the common ones have
 * words; the number is always printed.
 */
const char *
pppd_exit_string(int status, char *buf, size_t len)
{
	static const char *const names[] = {
		[0] = "ok", [1] = "fatal error", [2] = "option error",
		[3] = "not root", [4] = "no kernel PPP support",
		[5] = "terminated by signal", [6] = "serial port lock failed",
		[7] = "serial port open failed", [8] = "connect script failed",
		[9] = "pty command failed", [10] = "negotiation failed",
		[11] = "peer failed to authenticate",
		[12] = "idle timeout", [13] = "connect time limit",
		[14] = "callback", [15] = "peer not responding",
		[16] = "hangup", [17] = "loopback detected",
		[18] = "init script failed",
		[19] = "authentication to the peer failed",
	};

	if (WIFEXITED(status)) {
		int c = WEXITSTATUS(status);

		if (c == 127)
			snprintf(buf, len, "exit status 127 (could not be "
			    "executed)");
		else
			snprintf(buf, len, "exit status %d (%s)", c,
			    c >= 0 && c < (int)NELEM(names)
			    && names[c] != NULL ? names[c] : "unknown");
	} else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status 0x%x", status);
	return buf;
}

enum link_end
pppd_exit_end(int status, bool we_signalled)
{
	int c;

	if (!WIFEXITED(status))
		return we_signalled ? LINK_END_OK : LINK_END_PPP;
	c = WEXITSTATUS(status);
	if (c == 11 || c == 19)
		return LINK_END_AUTH;
	if (c != 0 && c != 5 && c != 16)
		return LINK_END_PPP;
	return LINK_END_OK;
}
