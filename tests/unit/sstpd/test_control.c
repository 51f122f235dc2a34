/*
 * test_control.c - sstpd's control socket (src/sstpd/control.c): a real
 * unix socket served on a libevent loop in this process, clients (the
 * --list / --disconnect client, or raw bytes) in forked children.
 * Checks the socket's mode, the answers, the exit statuses, the caps (line
 * length, time), the peer-uid check (as root: a child switched to nobody
 * on a socket opened up to everyone) and the socket file's life cycle.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "sstpd/control.h"
#include "sstpd/conf.h"
#include "harness.h"

static char tmpdir[64];
static char sock_path[96];

/* The daemon's side: two sessions, a disconnect that knows the first. */
struct fake {
	struct ctl_session	s[2];
	size_t			n;
	char			last_id[32];
	int			disconnects;
};

static size_t
fake_list(void *arg, struct ctl_session *out, size_t max)
{
	struct fake *f = arg;
	size_t i;

	for (i = 0; i < f->n && i < max; i++)
		out[i] = f->s[i];
	return f->n;
}

static int
fake_disconnect(void *arg, const char *id)
{
	struct fake *f = arg;

	f->disconnects++;
	(void)snprintf(f->last_id, sizeof f->last_id, "%s", id);
	return strcmp(id, f->s[0].id) == 0 ? 0 : -ENOENT;
}

static const struct ctl_ops fake_ops = {
	.list = fake_list,
	.disconnect = fake_disconnect,
};

/* What a child does, and what it left in its files. */
struct job {
	struct ctl_req	 req;
	const char	*raw;		/* raw bytes instead of the client */
	size_t		 raw_len;
	int		 shut_wr;	/* raw: shut down writing after */
	int		 as_nobody;
	char		 out[4096];
	char		 err[1024];
	double		 secs;		/* how long the child ran */
};

/* Read a whole small file into buf (NUL-terminated). */
static void
slurp(const char *path, char *buf, size_t cap)
{
	ssize_t n = 0;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		n = read(fd, buf, cap - 1);
		(void)close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

/* The child: raw bytes, answer to out (until EOF or 10 s). */
static int
child_raw(const struct job *j, FILE *out)
{
	struct sockaddr_un sun;
	struct timeval tv = { 10, 0 };
	char buf[512];
	ssize_t n;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	(void)snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		return 3;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (j->raw_len > 0 && send(fd, j->raw, j->raw_len, MSG_NOSIGNAL) < 0)
		return 4;
	if (j->shut_wr)
		(void)shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		(void)fwrite(buf, 1, (size_t)n, out);
	/* The daemon closes with our extra bytes unread: a reset. */
	return n == 0 || errno == ECONNRESET ? 0 : 5;
}

/* Run a job in a child while the loop serves; the child's exit status. */
static int
run_job(struct event_base *base, struct job *j)
{
	char po[128], pe[128];
	struct timespec t0, t1;
	struct timeval tick = { 0, 20000 };
	FILE *out, *err;
	pid_t pid;
	int st = 0, rc;

	(void)snprintf(po, sizeof po, "%s/out", tmpdir);
	(void)snprintf(pe, sizeof pe, "%s/err", tmpdir);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		out = fopen(po, "w");
		err = fopen(pe, "w");
		if (out == NULL || err == NULL)
			_exit(98);
		if (j->as_nobody && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(97);
		rc = j->raw != NULL || j->as_nobody ? child_raw(j, out) :
		    ctl_client_run(sock_path, &j->req, out, err);
		(void)fclose(out);
		(void)fclose(err);
		_exit(rc);
	}
	while (pid > 0 && waitpid(pid, &st, WNOHANG) == 0) {
		(void)event_base_loopexit(base, &tick);
		(void)event_base_dispatch(base);
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	j->secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	slurp(po, j->out, sizeof j->out);
	slurp(pe, j->err, sizeof j->err);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

/* A job of the --list / --disconnect client. */
static void
job_client(struct job *j, enum ctl_cmd cmd, const char *id)
{
	memset(j, 0, sizeof *j);
	j->req.cmd = cmd;
	if (id != NULL)
		(void)snprintf(j->req.id, sizeof j->req.id, "%s", id);
}

/* A job of raw bytes. */
static void
job_raw(struct job *j, const char *raw, size_t len, int shut_wr)
{
	memset(j, 0, sizeof *j);
	j->raw = raw;
	j->raw_len = len;
	j->shut_wr = shut_wr;
}

static void
fake_init(struct fake *f)
{
	memset(f, 0, sizeof *f);
	(void)snprintf(f->s[0].id, sizeof f->s[0].id, "00000000000000a1");
	(void)snprintf(f->s[0].user, sizeof f->s[0].user, "alice");
	(void)snprintf(f->s[0].client, sizeof f->s[0].client,
	    "192.0.2.7:50000");
	(void)snprintf(f->s[0].assigned, sizeof f->s[0].assigned,
	    "192.0.2.10");
	(void)snprintf(f->s[0].state, sizeof f->s[0].state, "up");
	f->s[0].age_s = 42;
	f->s[0].bytes_in = 1000;
	f->s[0].bytes_out = 2000;
	(void)snprintf(f->s[1].id, sizeof f->s[1].id, "00000000000000b2");
	(void)snprintf(f->s[1].client, sizeof f->s[1].client,
	    "[2001:db8::9]:40000");
	(void)snprintf(f->s[1].state, sizeof f->s[1].state, "tls");
	f->n = 2;
}

static void
test_list_disconnect(struct event_base *base, struct fake *f)
{
	struct job j;
	char line[256];

	TEST_START("--list and --disconnect through the socket");
	job_client(&j, CTL_LIST, NULL);
	ASSERT_INT_EQ(run_job(base, &j), SSTPD_EXIT_OK);
	ASSERT_INT_EQ(ctl_msg_format(NULL, line, sizeof line) > 0, 1);
	ASSERT_TRUE(strncmp(j.out, line, strlen(line)) == 0);
	ASSERT_INT_EQ(ctl_msg_format(&f->s[0], line, sizeof line) > 0, 1);
	ASSERT_TRUE(strstr(j.out, line) != NULL);
	ASSERT_INT_EQ(ctl_msg_format(&f->s[1], line, sizeof line) > 0, 1);
	ASSERT_TRUE(strstr(j.out, line) != NULL);
	ASSERT_TRUE(strstr(j.out, "ok") == NULL);
	ASSERT_STR_EQ(j.err, "");

	f->n = 0;
	job_client(&j, CTL_LIST, NULL);
	ASSERT_INT_EQ(run_job(base, &j), SSTPD_EXIT_OK);
	ASSERT_INT_EQ(ctl_msg_format(NULL, line, sizeof line) > 0, 1);
	ASSERT_STR_EQ(j.out, line);
	f->n = 2;

	job_client(&j, CTL_DISCONNECT, "00000000000000a1");
	ASSERT_INT_EQ(run_job(base, &j), SSTPD_EXIT_OK);
	ASSERT_STR_EQ(j.out, "session 00000000000000a1 disconnected\n");
	ASSERT_STR_EQ(f->last_id, "00000000000000a1");
	ASSERT_INT_EQ(f->disconnects, 1);

	job_client(&j, CTL_DISCONNECT, "ffff");
	ASSERT_INT_EQ(run_job(base, &j), SSTPD_EXIT_FAIL);
	ASSERT_STR_EQ(j.out, "");
	ASSERT_STR_EQ(j.err, "sstpd: no session ffff\n");
	ASSERT_INT_EQ(f->disconnects, 2);
	TEST_DONE();
}

static void
test_raw(struct event_base *base, struct fake *f)
{
	static char longreq[CTL_LINE_MAX + 50];
	struct job j;

	TEST_START("bad requests: one error line, then closed");
	job_raw(&j, "hello\n", 6, 1);
	ASSERT_INT_EQ(run_job(base, &j), 0);
	ASSERT_STR_EQ(j.out, "error: unknown request (want 'list' or "
	    "'disconnect ID')\n");
	job_raw(&j, "disconnect 1x\n", 14, 1);
	ASSERT_INT_EQ(run_job(base, &j), 0);
	ASSERT_STR_EQ(j.out, "error: bad session id (1 to 16 hex digits)\n");
	memset(longreq, 'a', sizeof longreq);
	job_raw(&j, longreq, sizeof longreq, 1);
	ASSERT_INT_EQ(run_job(base, &j), 0);
	ASSERT_STR_EQ(j.out, "error: request too long\n");
	job_raw(&j, "list", 4, 1);
	ASSERT_INT_EQ(run_job(base, &j), 0);
	ASSERT_STR_EQ(j.out, "error: request without a line end\n");
	/* One request per connection: what follows the line is ignored. */
	job_raw(&j, "disconnect a1\nlist\n", 19, 1);
	ASSERT_INT_EQ(run_job(base, &j), 0);
	ASSERT_STR_EQ(j.out, "error: no session a1\n");
	ASSERT_INT_EQ(f->disconnects, 3);
	TEST_DONE();

	TEST_START("a silent client is dropped after the timeout");
	job_raw(&j, "", 0, 0);
	ASSERT_INT_EQ(run_job(base, &j), 0);
	ASSERT_STR_EQ(j.out, "");
	TH_CHECK(j.secs >= 4.5 && j.secs < 8.0, "closed after %.2f s", j.secs);
	TEST_DONE();
}

static void
test_conn_cap(struct event_base *base, struct fake *f)
{
	struct sockaddr_un sun;
	struct timeval tick = { 0, 50000 };
	struct job j;
	int fds[8], i;

	TEST_START("at most 8 open requests: the 9th is closed at once");
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	(void)snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock_path);
	for (i = 0; i < 8; i++) {
		fds[i] = socket(AF_UNIX, SOCK_STREAM, 0);
		ASSERT_INT_EQ(connect(fds[i], (struct sockaddr *)&sun,
		    sizeof sun), 0);
	}
	for (i = 0; i < 3; i++) {	/* the daemon accepts the 8 */
		(void)event_base_loopexit(base, &tick);
		(void)event_base_dispatch(base);
	}
	/* Closed unanswered: the send, or the read, fails (EPIPE, reset). */
	job_client(&j, CTL_LIST, NULL);
	ASSERT_INT_EQ(run_job(base, &j), SSTPD_EXIT_FAIL);
	ASSERT_STR_EQ(j.out, "");
	ASSERT_TRUE(strncmp(j.err, "sstpd: ", 7) == 0);
	for (i = 0; i < 8; i++)
		(void)close(fds[i]);
	(void)event_base_loopexit(base, &tick);
	(void)event_base_dispatch(base);
	job_client(&j, CTL_LIST, NULL);
	ASSERT_INT_EQ(run_job(base, &j), SSTPD_EXIT_OK);
	TEST_DONE();
}

static void
test_peer_uid(struct event_base *base, struct fake *f)
{
	struct job j;
	int rc;

	TEST_START("only root or our uid is served (SO_PEERCRED)");
	if (geteuid() != 0) {
		printf("# skipped: needs root to be someone else\n");
		TEST_DONE();
		return;
	}
	/* Open the file up: only the credential check is left. */
	ASSERT_INT_EQ(chmod(sock_path, 0666), 0);
	ASSERT_INT_EQ(chmod(tmpdir, 0755), 0);
	memset(&j, 0, sizeof j);
	j.raw = "disconnect a1\n";
	j.raw_len = 14;
	j.shut_wr = 1;
	j.as_nobody = 1;
	/* Closed at once: the send fails (4) or the read sees the end (0). */
	rc = run_job(base, &j);
	TH_CHECK(rc == 0 || rc == 4, "child status %d", rc);
	ASSERT_STR_EQ(j.out, "");
	ASSERT_INT_EQ(f->disconnects, 3);	/* not called */
	ASSERT_INT_EQ(chmod(sock_path, 0600), 0);
	ASSERT_INT_EQ(chmod(tmpdir, 0700), 0);
	TEST_DONE();
}

static void
test_lifecycle(struct event_base *base, struct fake *f)
{
	struct ctl_server *srv, *srv2;
	struct sockaddr_un sun;
	struct stat st;
	struct job j;
	char err[200];
	int fd;

	TEST_START("socket file: mode 0600, live, stale, foreign, removed");
	srv = ctl_server_new(base, sock_path, &fake_ops, f, err, sizeof err);
	ASSERT_PTR_NOT_NULL(srv);
	ASSERT_INT_EQ(lstat(sock_path, &st), 0);
	ASSERT_TRUE(S_ISSOCK(st.st_mode));
	ASSERT_INT_EQ(st.st_mode & 07777, 0600);
	/* A second one on a live socket is refused, the first one kept. */
	srv2 = ctl_server_new(base, sock_path, &fake_ops, f, err, sizeof err);
	ASSERT_PTR_NULL(srv2);
	ASSERT_STR_EQ(err, "control socket test_control/ctl.sock: another "
	    "sstpd is listening on it");
	ctl_server_free(srv);
	ASSERT_INT_EQ(lstat(sock_path, &st), -1);

	/* A stale socket (nobody listening) is replaced. */
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	(void)snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_INT_EQ(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	(void)close(fd);
	srv = ctl_server_new(base, sock_path, &fake_ops, f, err, sizeof err);
	ASSERT_PTR_NOT_NULL(srv);
	ctl_server_free(srv);

	/* Anything else at the path is left alone. */
	fd = open(sock_path, O_WRONLY | O_CREAT, 0600);
	(void)close(fd);
	srv = ctl_server_new(base, sock_path, &fake_ops, f, err, sizeof err);
	ASSERT_PTR_NULL(srv);
	ASSERT_TRUE(strstr(err, "exists and is not a socket") != NULL);
	ASSERT_INT_EQ(lstat(sock_path, &st), 0);
	ASSERT_TRUE(S_ISREG(st.st_mode));
	(void)unlink(sock_path);

	/* No daemon: the client says so, exit status 1. */
	job_client(&j, CTL_LIST, NULL);
	ASSERT_INT_EQ(run_job(base, &j), SSTPD_EXIT_FAIL);
	ASSERT_TRUE(strstr(j.err, "cannot connect to") != NULL);
	ASSERT_TRUE(strstr(j.err, "(is sstpd running?)") != NULL);
	TEST_DONE();
}

int
main(void)
{
	struct event_base *base;
	struct ctl_server *srv;
	struct fake f;
	char err[200], p[160];

	(void)snprintf(tmpdir, sizeof tmpdir, "test_control");
	(void)snprintf(sock_path, sizeof sock_path, "%s/ctl.sock", tmpdir);
	(void)unlink(sock_path);
	if (mkdir(tmpdir, 0700) != 0 && errno != EEXIST) {
		perror("mkdir");
		return 99;
	}
	base = event_base_new();
	if (base == NULL)
		return 99;
	fake_init(&f);
	srv = ctl_server_new(base, sock_path, &fake_ops, &f, err, sizeof err);
	if (srv == NULL) {
		fprintf(stderr, "ctl_server_new: %s\n", err);
		return 1;
	}
	test_list_disconnect(base, &f);
	test_raw(base, &f);
	test_conn_cap(base, &f);
	test_peer_uid(base, &f);
	ctl_server_free(srv);
	test_lifecycle(base, &f);
	event_base_free(base);
	(void)snprintf(p, sizeof p, "%s/out", tmpdir);
	(void)unlink(p);
	(void)snprintf(p, sizeof p, "%s/err", tmpdir);
	(void)unlink(p);
	(void)rmdir(tmpdir);
	return test_exit();
}
