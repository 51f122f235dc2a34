/*
 * test_pppd_spawn.c - the launch gate of pppd_spawn(): the child forked
 * early execs only on pppd_release(); a gate closed without it ends the
 * child quietly (status 0, no output, nothing run); pppd gets the password
 * pipe as fd 3 and no other fd; a path that cannot be executed is refused
 * before anything is forked.  /bin/sh plays pppd.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "link/pppd/pppd_spawn.h"
#include "harness.h"

/* argv words (execv takes char *const[]; string literals are const). */
static char w_sh[] = "/bin/sh", w_c[] = "-c";
static char w_ran[] = "echo ran; exit 7";
static char w_fd4[] = "if (: >&4) 2>/dev/null; then echo fd4-open; fi; "
    "read x <&3; echo \"$x\"";
static char w_fd3[] = "if (: >&3) 2>/dev/null; then echo fd3-open; fi; "
    "echo ok";
static char w_none[] = "/nonexistent/dir/pppd";

struct run {
	int	 status;
	char	 out[256];	/* what the child wrote on stdout/stderr */
	size_t	 outlen;
};

/*
 * Spawn @argv with stdout and stderr on a pipe, apply @release (true:
 * pppd_release, false: pppd_gate_close) and collect status and output.
 */
static pid_t
spawn_run(char *const argv[], int keep_fd, bool use_gate, bool release,
    struct run *r)
{
	int out[2], save1, save2, gate = -1;
	pid_t pid;
	ssize_t n;

	memset(r, 0, sizeof *r);
	if (pipe(out) < 0)
		return -errno;
	save1 = dup(STDOUT_FILENO);
	save2 = dup(STDERR_FILENO);
	fflush(stdout);
	fflush(stderr);
	dup2(out[1], STDOUT_FILENO);
	dup2(out[1], STDERR_FILENO);
	pid = pppd_spawn(argv, -1, keep_fd, use_gate ? &gate : NULL);
	dup2(save1, STDOUT_FILENO);
	dup2(save2, STDERR_FILENO);
	close(save1);
	close(save2);
	close(out[1]);
	if (pid > 0 && use_gate) {
		ASSERT_INT_GE(gate, 0);
		if (release)
			ASSERT_INT_EQ(pppd_release(&gate), 0);
		else
			pppd_gate_close(&gate);
		ASSERT_INT_EQ(gate, -1);
	}
	if (pid > 0) {
		while ((n = read(out[0], r->out + r->outlen,
		    sizeof r->out - 1 - r->outlen)) > 0)
			r->outlen += (size_t)n;
		ASSERT_INT_EQ(waitpid(pid, &r->status, 0), pid);
	}
	close(out[0]);
	return pid;
}

static void
test_gate(void)
{
	char *const sh[] = { w_sh, w_c, w_ran, NULL };
	struct run r;
	pid_t pid;

	TEST_START("gate closed without release: exits 0, runs nothing, "
	    "says nothing");
	pid = spawn_run(sh, -1, true, false, &r);
	ASSERT_INT_GE(pid, 1);
	ASSERT_TRUE(WIFEXITED(r.status));
	ASSERT_INT_EQ(WEXITSTATUS(r.status), 0);
	ASSERT_INT_EQ(r.outlen, 0);
	TEST_DONE();

	TEST_START("gate released: the program runs");
	pid = spawn_run(sh, -1, true, true, &r);
	ASSERT_INT_GE(pid, 1);
	ASSERT_TRUE(WIFEXITED(r.status));
	ASSERT_INT_EQ(WEXITSTATUS(r.status), 7);
	ASSERT_STR_EQ(r.out, "ran\n");
	TEST_DONE();

	TEST_START("no gate: the program runs at once");
	pid = spawn_run(sh, -1, false, false, &r);
	ASSERT_INT_GE(pid, 1);
	ASSERT_INT_EQ(WEXITSTATUS(r.status), 7);
	ASSERT_STR_EQ(r.out, "ran\n");
	TEST_DONE();

	TEST_START("release and close of a closed gate");
	{
		int g = -1;

		ASSERT_INT_EQ(pppd_release(&g), -EBADF);
		pppd_gate_close(&g);
		ASSERT_INT_EQ(g, -1);
	}
	TEST_DONE();
}

static void
test_fds(void)
{
	/* fd 3 is the password pipe; the gate (fd 4 while waiting) is gone. */
	char *const sh3[] = { w_sh, w_c, w_fd4, NULL };
	char *const sh0[] = { w_sh, w_c, w_fd3, NULL };
	struct run r;
	int p[2];
	pid_t pid;

	TEST_START("password pipe as fd 3, the gate not inherited");
	ASSERT_INT_EQ(pipe2(p, O_CLOEXEC), 0);
	ASSERT_INT_EQ(write(p[1], "secret\n", 7), 7);
	close(p[1]);
	pid = spawn_run(sh3, p[0], true, true, &r);
	close(p[0]);
	ASSERT_INT_GE(pid, 1);
	ASSERT_INT_EQ(WEXITSTATUS(r.status), 0);
	ASSERT_STR_EQ(r.out, "secret\n");
	TEST_DONE();

	TEST_START("without a password pipe: nothing at fd 3 (the gate's "
	    "place while waiting)");
	pid = spawn_run(sh0, -1, true, true, &r);
	ASSERT_INT_GE(pid, 1);
	ASSERT_STR_EQ(r.out, "ok\n");
	TEST_DONE();
}

static void
test_bad_path(void)
{
	char noexec_path[] = "test_pppd_spawn.XXXXXX";
	char *const none[] = { w_none, NULL };
	char *const noexec[] = { noexec_path, NULL };
	int gate = -1, st, fd;
	pid_t pid;

	TEST_START("a path that cannot be executed is refused before the fork");
	ASSERT_INT_EQ(pppd_spawn(none, -1, -1, &gate), -ENOENT);
	ASSERT_INT_EQ(gate, -1);
	fd = mkstemp(noexec_path);	/* mode 0600: no execute bit */
	ASSERT_INT_GE(fd, 0);
	if (fd >= 0) {
		close(fd);
		pid = pppd_spawn(noexec, -1, -1, &gate);
		ASSERT_INT_EQ(pid, -EACCES);
		if (pid > 0)
			waitpid(pid, &st, 0);
		unlink(noexec_path);
	}
	ASSERT_INT_EQ(gate, -1);
	/* No child was left to reap. */
	ASSERT_INT_EQ(waitpid(-1, &st, WNOHANG), -1);
	ASSERT_INT_EQ(errno, ECHILD);
	TEST_DONE();
}

int
main(void)
{
	test_gate();
	test_fds();
	test_bad_path();
	return test_exit();
}
