/*
 * control.c - sstpd's control socket (control.h): the daemon's side on
 * the event loop, and the client side of `sstpd --list` and
 * `sstpd --disconnect ID`.
 *
 * The socket is a unix stream socket created mode 0600; a peer is served
 * only when SO_PEERCRED says it is root or our own uid.  One request per
 * connection: the daemon reads one line (at most CTL_LINE_MAX bytes, within
 * CTL_TIMEOUT_S), answers (ctl_msg.c has the text), and closes once the
 * answer is written (also within CTL_TIMEOUT_S).  At most CTL_MAX_CONN
 * connections are open at a time; more are closed at once.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "sstpd/control.h"
#include "sstpd/conf.h"
#include "util/buf.h"
#include "util/ctype.h"
#include "util/log.h"

#define CTL_TIMEOUT_S	5		/* request in, answer out */
#define CTL_MAX_CONN	8		/* connections open at a time */
#define CTL_ACCEPT_BURST 16		/* accepts per wake-up */
#define CTL_OUT_MAX	(32u << 20)	/* a --list answer at most */
#define CTL_LIST_MAX	65536		/* sessions in one --list */
#define CTL_REPLY_LINE	512		/* a line of an answer, client side */
#define CTL_CLIENT_TIMEOUT_S 10

struct ctl_server;

/* One connection: a request being read, then an answer being written. */
struct ctl_conn {
	struct ctl_server	*srv;
	struct ctl_conn		*next;
	int			 fd;
	struct event		*ev;
	bool			 writing;
	size_t			 in_len;
	uint8_t			 in[CTL_LINE_MAX + 1];	/* the line + LF */
	struct bq		 out;
};

struct ctl_server {
	struct event_base	*base;
	int			 fd;
	struct event		*ev;
	const struct ctl_ops	*ops;
	void			*arg;
	struct ctl_conn		*conns;
	size_t			 n_conns;
	dev_t			 dev;		/* our socket file, for unlink */
	ino_t			 ino;
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static void conn_io_cb(evutil_socket_t, short, void *);

/* Close a connection and forget it. */
static void
conn_free(struct ctl_conn *cc)
{
	struct ctl_server *srv = cc->srv;
	struct ctl_conn **pp;

	for (pp = &srv->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == cc) {
			*pp = cc->next;
			srv->n_conns--;
			break;
		}
	if (cc->ev != NULL)
		event_free(cc->ev);
	(void)close(cc->fd);
	bq_free(&cc->out);
	free(cc);
}

/* Append a NUL-terminated line to the answer. */
static int
conn_put(struct ctl_conn *cc, const char *s)
{
	size_t n = strlen(s);
	uint8_t *p = bq_reserve(&cc->out, n);

	if (p == NULL)
		return -ENOBUFS;
	memcpy(p, s, n);
	return 0;
}

/* The answer to --list: header, one line per session, "ok". */
static void
answer_list(struct ctl_conn *cc)
{
	struct ctl_server *srv = cc->srv;
	struct ctl_session *ss = NULL;
	char line[CTL_REPLY_LINE];
	size_t n, m, i;
	int r = 0;

	n = srv->ops->list(srv->arg, NULL, 0);
	if (n > CTL_LIST_MAX)
		n = CTL_LIST_MAX;
	if (n > 0 && (ss = calloc(n, sizeof *ss)) == NULL) {
		(void)conn_put(cc, "error: out of memory\n");
		return;
	}
	m = n > 0 ? srv->ops->list(srv->arg, ss, n) : 0;
	if (m > n)
		m = n;
	if (ctl_msg_format(NULL, line, sizeof line) > 0)
		r = conn_put(cc, line);
	for (i = 0; i < m && r == 0; i++)
		if (ctl_msg_format(&ss[i], line, sizeof line) > 0)
			r = conn_put(cc, line);
	free(ss);
	if (r == 0)
		r = conn_put(cc, "ok\n");
	if (r != 0) {
		bq_consume(&cc->out, bq_pending(&cc->out));
		(void)conn_put(cc, "error: the list is too long\n");
	}
}

/* Parse the request line and queue the answer. */
static void
conn_answer(struct ctl_conn *cc, const uint8_t *line, size_t len)
{
	struct ctl_server *srv = cc->srv;
	struct ctl_req req;
	char err[96], msg[160];
	int r;

	if (ctl_msg_parse(line, len, &req, err, sizeof err) != 0) {
		log_warn("control: refused a request: %s", err);
		(void)snprintf(msg, sizeof msg, "error: %s\n", err);
		(void)conn_put(cc, msg);
		return;
	}
	if (req.cmd == CTL_LIST) {
		answer_list(cc);
		return;
	}
	r = srv->ops->disconnect(srv->arg, req.id);
	if (r == 0) {
		log_info("control: session %s disconnected on request",
		    req.id);
		(void)conn_put(cc, "ok\n");
	} else if (r == -ENOENT) {
		(void)snprintf(msg, sizeof msg, "error: no session %s\n",
		    req.id);
		(void)conn_put(cc, msg);
	} else {
		(void)snprintf(msg, sizeof msg, "error: %s\n", strerror(-r));
		(void)conn_put(cc, msg);
	}
}

/* Switch a connection from reading the request to writing the answer. */
static void
conn_start_write(struct ctl_conn *cc)
{
	struct timeval tv = { CTL_TIMEOUT_S, 0 };

	cc->writing = true;
	(void)shutdown(cc->fd, SHUT_RD);
	event_free(cc->ev);
	cc->ev = event_new(cc->srv->base, cc->fd, EV_WRITE | EV_PERSIST,
	    conn_io_cb, cc);
	if (cc->ev == NULL || event_add(cc->ev, &tv) != 0) {
		conn_free(cc);
		return;
	}
}

/* Read what the peer sent: the request line, up to its LF. */
static void
conn_read(struct ctl_conn *cc)
{
	struct bcur c;
	ssize_t r;
	long nl;

	r = recv(cc->fd, cc->in + cc->in_len, sizeof cc->in - cc->in_len, 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		if (r < 0)
			log_debug("control: read: %s", strerror(errno));
		if (r == 0 && cc->in_len > 0)
			(void)conn_put(cc, "error: request without a line "
			    "end\n");
		else {
			conn_free(cc);
			return;
		}
		conn_start_write(cc);
		return;
	}
	cc->in_len += (size_t)r;
	c = bcur_make(cc->in, cc->in_len);
	nl = bcur_find(&c, '\n');
	if (nl >= 0)
		conn_answer(cc, cc->in, (size_t)nl);
	else if (cc->in_len == sizeof cc->in) {
		log_warn("control: refused a request longer than %d bytes",
		    CTL_LINE_MAX);
		(void)conn_put(cc, "error: request too long\n");
	} else
		return;
	conn_start_write(cc);
}

/* Write the answer; close when it is out. */
static void
conn_write(struct ctl_conn *cc)
{
	ssize_t r;

	while (bq_pending(&cc->out) > 0) {
		r = send(cc->fd, bq_head(&cc->out), bq_pending(&cc->out),
		    MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			log_debug("control: write: %s", strerror(errno));
			break;
		}
		bq_consume(&cc->out, (size_t)r);
	}
	conn_free(cc);
}

/* A connection's event: readable, writable or timed out. */
static void
conn_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_conn *cc = arg;

	if ((what & EV_TIMEOUT) != 0) {
		log_warn("control: %s timed out after %d s", cc->writing ?
		    "answer" : "request", CTL_TIMEOUT_S);
		conn_free(cc);
		return;
	}
	if (cc->writing)
		conn_write(cc);
	else
		conn_read(cc);
}

/* Is the peer root or our own user (SO_PEERCRED)? */
static bool
peer_allowed(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof cr;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0 ||
	    len != sizeof cr) {
		log_warn("control: no peer credentials: %s", strerror(errno));
		return false;
	}
	if (cr.uid == 0 || cr.uid == geteuid())
		return true;
	log_warn("control: refused uid %u (pid %d): root only",
	    (unsigned)cr.uid, (int)cr.pid);
	return false;
}

/* Take one accepted connection. */
static void
conn_new(struct ctl_server *srv, int fd)
{
	struct timeval tv = { CTL_TIMEOUT_S, 0 };
	struct ctl_conn *cc;

	if (!peer_allowed(fd)) {
		(void)close(fd);
		return;
	}
	if (srv->n_conns >= CTL_MAX_CONN) {
		log_warn("control: %d requests open already: closed one",
		    CTL_MAX_CONN);
		(void)close(fd);
		return;
	}
	if ((cc = calloc(1, sizeof *cc)) == NULL ||
	    bq_init(&cc->out, 512, CTL_OUT_MAX) != 0) {
		free(cc);
		(void)close(fd);
		return;
	}
	cc->srv = srv;
	cc->fd = fd;
	cc->next = srv->conns;
	srv->conns = cc;
	srv->n_conns++;
	cc->ev = event_new(srv->base, fd, EV_READ | EV_PERSIST, conn_io_cb,
	    cc);
	if (cc->ev == NULL || event_add(cc->ev, &tv) != 0)
		conn_free(cc);
}

/* The listening socket is readable: accept what waits. */
static void
accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct ctl_server *srv = arg;
	int fd, i;

	for (i = 0; i < CTL_ACCEPT_BURST; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("control: accept: %s",
				    strerror(errno));
			return;
		}
		conn_new(srv, fd);
	}
}

/*
 * Make room for our socket at path: a stale socket (nobody accepts on it)
 * is removed; a live one or anything that is not a socket is an error.
 */
static int
clear_path(const struct sockaddr_un *sun, char *err, size_t errlen)
{
	struct stat st;
	int fd, r;

	if (lstat(sun->sun_path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		(void)snprintf(err, errlen, "control socket %s: exists and is "
		    "not a socket", sun->sun_path);
		return -EEXIST;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)sun, sizeof *sun);
	(void)close(fd);
	if (r == 0) {
		(void)snprintf(err, errlen, "control socket %s: another "
		    "sstpd is listening on it", sun->sun_path);
		return -EADDRINUSE;
	}
	if (unlink(sun->sun_path) != 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* Create the control socket on the loop (control.h). */
struct ctl_server *
ctl_server_new(struct event_base *base, const char *path,
    const struct ctl_ops *ops, void *arg, char *err, size_t errlen)
{
	struct ctl_server *srv;
	struct sockaddr_un sun;
	struct stat st;
	mode_t old;
	int r;

	if (errlen > 0)
		err[0] = '\0';
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (path == NULL || path[0] == '\0' ||
	    strlen(path) >= sizeof sun.sun_path) {
		(void)snprintf(err, errlen, "control socket path too long");
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((srv = calloc(1, sizeof *srv)) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->fd = -1;
	srv->base = base;
	srv->ops = ops;
	srv->arg = arg;
	memcpy(srv->path, sun.sun_path, sizeof srv->path);
	if ((r = clear_path(&sun, err, errlen)) != 0)
		goto fail_r;
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (srv->fd < 0)
		goto fail;
	/* 0600 from the start (no window), and again after (belt). */
	old = umask(0177);
	r = bind(srv->fd, (struct sockaddr *)&sun, sizeof sun);
	(void)umask(old);
	if (r != 0)
		goto fail;
	if (chmod(path, 0600) != 0 || lstat(path, &st) != 0)
		goto fail_unlink;
	srv->dev = st.st_dev;
	srv->ino = st.st_ino;
	if (listen(srv->fd, CTL_MAX_CONN) != 0)
		goto fail_unlink;
	srv->ev = event_new(base, srv->fd, EV_READ | EV_PERSIST, accept_cb,
	    srv);
	if (srv->ev == NULL || event_add(srv->ev, NULL) != 0) {
		errno = ENOMEM;
		goto fail_unlink;
	}
	return srv;
fail_unlink:
	r = -errno;
	(void)unlink(path);
	goto fail_r;
fail:
	r = -errno;
fail_r:
	if (errlen > 0 && err[0] == '\0')
		(void)snprintf(err, errlen, "control socket %s: %s", path,
		    strerror(-r));
	if (srv->ev != NULL)
		event_free(srv->ev);
	if (srv->fd >= 0)
		(void)close(srv->fd);
	free(srv);
	return NULL;
}

/*
 * Close every connection and the socket; remove the socket file if ours.
 * After --user the directory (/run) is root's and the unlink (or in a
 * closed directory the lstat) fails: said once, and the next start
 * replaces the stale file (ctl_server_new).
 */
void
ctl_server_free(struct ctl_server *srv)
{
	struct stat st;

	if (srv == NULL)
		return;
	while (srv->conns != NULL)
		conn_free(srv->conns);
	if (srv->ev != NULL)
		event_free(srv->ev);
	if (srv->fd >= 0)
		(void)close(srv->fd);
	if (lstat(srv->path, &st) < 0 ? errno != ENOENT :
	    st.st_dev == srv->dev && st.st_ino == srv->ino &&
	    unlink(srv->path) < 0)
		log_info("control socket %s left behind (%s): the next start "
		    "replaces it", srv->path, strerror(errno));
	free(srv);
}

/* Print untrusted answer text: printable bytes, others as '?'. */
static void
print_clean(FILE *fp, const char *prefix, struct bcur *line)
{
	char buf[CTL_REPLY_LINE];

	(void)bcur_get_printable(line, buf, sizeof buf);
	fprintf(fp, "%s%s\n", prefix, buf);
}

/*
 * One line of the daemon's answer: 1 for "ok", -1 for "error: ...",
 * 0 for a --list line (printed), -2 for a line that makes no sense here.
 */
static int
client_line(const struct ctl_req *req, struct bcur *line, FILE *out,
    FILE *errout)
{
	if (bcur_left(line) == 2 && bcur_starts_with(line, "ok", 2))
		return 1;
	if (bcur_starts_with(line, "error: ", 7)) {
		(void)bcur_skip(line, 7);
		print_clean(errout, "sstpd: ", line);
		return -1;
	}
	if (req->cmd != CTL_LIST)
		return -2;
	print_clean(out, "", line);
	return 0;
}

/* Send all of buf; 0 or -errno. */
static int
send_all(int fd, const char *buf, size_t len)
{
	ssize_t r;

	while (len > 0) {
		r = send(fd, buf, len, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Read the answer line by line until "ok" or "error: ..."; exit status. */
static int
client_read(int fd, const char *path, const struct ctl_req *req, FILE *out,
    FILE *errout)
{
	uint8_t chunk[4096], acc[CTL_REPLY_LINE];
	struct bcur c, line;
	size_t acc_len = 0, n;
	ssize_t r;
	long nl;
	int v;

	for (;;) {
		r = recv(fd, chunk, sizeof chunk, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(errout, "sstpd: no answer on %s: %s\n", path,
			    errno == EAGAIN ? "timed out" : strerror(errno));
			return SSTPD_EXIT_FAIL;
		}
		if (r == 0) {
			fprintf(errout, "sstpd: %s closed without an "
			    "answer\n", path);
			return SSTPD_EXIT_FAIL;
		}
		c = bcur_make(chunk, (size_t)r);
		while (bcur_left(&c) > 0) {
			nl = bcur_find(&c, '\n');
			n = nl >= 0 ? (size_t)nl : bcur_left(&c);
			if (acc_len + n >= sizeof acc) {
				fprintf(errout, "sstpd: answer line longer "
				    "than %d bytes on %s\n", CTL_REPLY_LINE,
				    path);
				return SSTPD_EXIT_FAIL;
			}
			(void)bcur_get_bytes(&c, acc + acc_len, n);
			acc_len += n;
			if (nl < 0)
				break;
			(void)bcur_skip(&c, 1);
			line = bcur_make(acc, acc_len);
			acc_len = 0;
			v = client_line(req, &line, out, errout);
			if (v == 1)
				return SSTPD_EXIT_OK;
			if (v == -1)
				return SSTPD_EXIT_FAIL;
			if (v == -2) {
				fprintf(errout, "sstpd: unexpected answer on "
				    "%s\n", path);
				return SSTPD_EXIT_FAIL;
			}
		}
	}
}

/* --list / --disconnect ID against a running sstpd (control.h). */
int
ctl_client_run(const char *path, const struct ctl_req *req, FILE *out,
    FILE *errout)
{
	struct timeval tv = { CTL_CLIENT_TIMEOUT_S, 0 };
	struct sockaddr_un sun;
	char rq[64];
	int fd, rc;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (path == NULL || strlen(path) >= sizeof sun.sun_path) {
		fprintf(errout, "sstpd: bad control socket path\n");
		return SSTPD_EXIT_USAGE;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if (req->cmd == CTL_LIST)
		(void)snprintf(rq, sizeof rq, "list\n");
	else
		(void)snprintf(rq, sizeof rq, "disconnect %.16s\n", req->id);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(errout, "sstpd: socket: %s\n", strerror(errno));
		return SSTPD_EXIT_FAIL;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		fprintf(errout, "sstpd: cannot connect to %s: %s%s\n", path,
		    strerror(errno), errno == ENOENT || errno ==
		    ECONNREFUSED ? " (is sstpd running?)" : "");
		(void)close(fd);
		return SSTPD_EXIT_FAIL;
	}
	if (send_all(fd, rq, strlen(rq)) != 0) {
		fprintf(errout, "sstpd: cannot send to %s: %s\n", path,
		    strerror(errno));
		(void)close(fd);
		return SSTPD_EXIT_FAIL;
	}
	(void)shutdown(fd, SHUT_WR);
	rc = client_read(fd, path, req, out, errout);
	(void)close(fd);
	if (rc == SSTPD_EXIT_OK && req->cmd == CTL_DISCONNECT)
		fprintf(out, "session %s disconnected\n", req->id);
	return rc;
}
