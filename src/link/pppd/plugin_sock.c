/*
 * plugin_sock.c - the sstp-api unix socket: how sstp-pppd-plugin.so (and
 * NetworkManager-sstp's plugin) hand sstpc the MPPE keys for the crypto
 * binding, and ask for the server address.  Byte-compatible with
 * sstp-client 1.0.18 (REFERENCE-CLIENT.md 3.2-3.5): the socket is
 * <runtime-dir>/sstpc-<ipparam> (sstpc-uds-sock without --ipparam); AUTH is
 * answered with Call Connected and then an 8-byte ACK; ADDR with an ACK
 * carrying GATEWAY and ADDR.
 *
 * Better than 1.0.18: non-blocking (a silent client cannot stall the loop),
 * several clients in sequence or at once, mode 0600, the peer's uid checked
 * (root or our own), every length checked by the codec in wire/plugin_msg.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <event2/event.h>

#include "link/pppd/plugin_sock.h"
#include "sstpc-plugin.h"
#include "util/buf.h"
#include "util/ctype.h"
#include "util/log.h"

#define PLUGIN_MAX_CLIENTS	4
_Static_assert(SSTP_API_KEY_MAX <= PPP_AUTH_KEY_MAX,
    "a plugin key must fit the link's key report");
#define PLUGIN_RX_MAX	(SSTP_API_HDR_LEN + SSTP_API_MSG_MAX)

struct plugin_client {
	struct plugin_sock	*srv;
	int		 fd;
	struct event	*ev;
	size_t		 len;
	uint8_t		 buf[PLUGIN_RX_MAX];
};

struct plugin_sock {
	struct event_base		*base;
	const struct plugin_sock_ops	*ops;
	void				*arg;
	int			 fd;
	struct event		*ev;
	char			 path[sizeof ((struct sockaddr_un *)0)->sun_path];
	struct plugin_client	*cl[PLUGIN_MAX_CLIENTS];
};

const char *
plugin_sock_path(const struct plugin_sock *a)
{
	return a->path;
}

static void
plugin_client_free(struct plugin_client *c)
{
	struct plugin_sock *a = c->srv;
	int i;

	for (i = 0; i < PLUGIN_MAX_CLIENTS; i++)
		if (a->cl[i] == c)
			a->cl[i] = NULL;
	if (c->ev != NULL)
		event_free(c->ev);
	close(c->fd);
	explicit_bzero(c, sizeof *c);
	free(c);
}

/* Send a reply; the socket is local and the reply tiny, so a short write
 * means the client is gone. */
static void
plugin_client_reply(struct plugin_client *c, const uint8_t *buf, size_t len)
{
	if (send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)len)
		log_warn("sstp-api: cannot answer the plugin: %s",
		    strerror(errno));
}

/* Handle one decoded message. */
/* Handle one decoded message. */
static void
plugin_client_message(struct plugin_client *c, struct sstp_api_message *m)
{
	struct plugin_sock *a = c->srv;
	uint8_t out[SSTP_API_HDR_LEN + 512];
	struct ppp_auth_keys k;
	const struct sockaddr *sa;
	const char *name;
	socklen_t salen;
	struct wbuf w;

	wbuf_init(&w, out, sizeof out);
	switch (m->type) {
	case SSTP_API_MSG_AUTH:
		/* The codec bounds both keys by SSTP_API_KEY_MAX. */
		memset(&k, 0, sizeof k);
		k.send_len = m->send_key_len;
		k.recv_len = m->recv_key_len;
		memcpy(k.send, m->send_key, k.send_len);
		memcpy(k.recv, m->recv_key, k.recv_len);
		log_key("MPPE send key (plugin)", k.send, k.send_len);
		log_key("MPPE recv key (plugin)", k.recv, k.recv_len);
		a->ops->keys(a->arg, &k);
		ppp_auth_keys_clear(&k);
		sstp_api_build_ack(&w);
		break;
	case SSTP_API_MSG_ADDR:
		if (a->ops->server_addr(a->arg, &name, &sa, &salen) < 0) {
			log_warn("sstp-api: address asked before the "
			    "connection: no answer");
			return;
		}
		sstp_api_build_ack_addr(&w, name, strlen(name), sa, salen);
		break;
	default:
		log_debug("sstp-api: ignoring message type %u", m->type);
		return;
	}
	if (wbuf_error(&w) == 0)
		plugin_client_reply(c, out, w.len);
}

static void
plugin_client_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct plugin_client *c = arg;
	struct sstp_api_message m;
	struct sstp_api_hdr h;
	struct bcur cur;
	ssize_t n;
	int r;

	n = recv(fd, c->buf + c->len, sizeof c->buf - c->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		plugin_client_free(c);
		return;
	}
	c->len += (size_t)n;
	for (;;) {
		cur = bcur_make(c->buf, c->len);
		if (c->len < SSTP_API_HDR_LEN)
			return;
		r = sstp_api_hdr_parse(&cur, &h);
		if (r < 0) {
			log_warn("sstp-api: bad message header from the plugin "
			    "(%s): closing", strerror(-r));
			plugin_client_free(c);
			return;
		}
		if (c->len < SSTP_API_HDR_LEN + (size_t)h.msg_len)
			return;		/* wait for the rest */
		cur = bcur_make(c->buf, SSTP_API_HDR_LEN + (size_t)h.msg_len);
		r = sstp_api_msg_parse(&cur, &m);
		if (r < 0) {
			log_warn("sstp-api: malformed message from the plugin "
			    "(%s): closing", strerror(-r));
			plugin_client_free(c);
			return;
		}
		plugin_client_message(c, &m);
		sstp_api_msg_clear(&m);
		memmove(c->buf, c->buf + SSTP_API_HDR_LEN + h.msg_len,
		    c->len - SSTP_API_HDR_LEN - h.msg_len);
		c->len -= SSTP_API_HDR_LEN + (size_t)h.msg_len;
		explicit_bzero(c->buf + c->len, sizeof c->buf - c->len);
	}
}

static void
plugin_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct plugin_sock *a = arg;
	struct plugin_client *c;
	struct ucred cr;
	socklen_t crlen = sizeof cr;
	int fd, i;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) < 0) {
		log_warn("sstp-api: refusing a client whose credentials "
		    "cannot be read: %s", strerror(errno));
		close(fd);
		return;
	}
	if (cr.uid != 0 && cr.uid != geteuid()) {
		log_warn("sstp-api: refusing a client with uid %ld",
		    (long)cr.uid);
		close(fd);
		return;
	}
	for (i = 0; i < PLUGIN_MAX_CLIENTS && a->cl[i] != NULL; i++)
		;
	c = i < PLUGIN_MAX_CLIENTS ? calloc(1, sizeof *c) : NULL;
	if (c == NULL) {
		close(fd);
		return;
	}
	c->srv = a;
	c->fd = fd;
	c->ev = event_new(a->base, fd, EV_READ | EV_PERSIST,
	    plugin_client_read_cb, c);
	if (c->ev == NULL) {
		close(fd);
		free(c);
		return;
	}
	a->cl[i] = c;
	event_add(c->ev, NULL);
	log_debug("sstp-api: plugin connected (pid %ld)", (long)cr.pid);
}

/*
 * The runtime directory must be ours: a real directory (not a symbolic
 * link) owned by root or by us, writable by nobody else, or another user
 * could swap the socket for a link while we set it up, or remove it.
 */
static int
plugin_dir_check(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(dir, &st) < 0) {
		snprintf(err, errlen, "cannot use %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "runtime directory %s is not a "
		    "directory (a symbolic link?)", dir);
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(err, errlen, "runtime directory %s is owned by uid "
		    "%ld, not by root", dir, (long)st.st_uid);
		return -1;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		snprintf(err, errlen, "runtime directory %s is writable by "
		    "group or others (mode %04o)", dir,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Only names that cannot escape the runtime directory. */
static bool
plugin_name_ok(const char *n)
{
	size_t i;

	if (n[0] == '\0' || n[0] == '.')
		return false;
	for (i = 0; n[i] != '\0'; i++)
		if (!(is_alpha((uint8_t)n[i]) || is_digit((uint8_t)n[i]) ||
		    n[i] == '-' || n[i] == '_' || n[i] == '.'))
			return false;
	return true;
}

struct plugin_sock *
plugin_sock_new(struct event_base *base, const char *name,
    const struct plugin_sock_ops *ops, void *arg, char *err, size_t errlen)
{
	char file[sizeof ((struct sockaddr_un *)0)->sun_path];

	if (!plugin_name_ok(name)) {
		snprintf(err, errlen, "--ipparam '%s' cannot name a socket "
		    "(use letters, digits, '-', '_', '.')", name);
		return NULL;
	}
	if ((size_t)snprintf(file, sizeof file, "sstpc-%s", name) >=
	    sizeof file) {
		snprintf(err, errlen, "socket path too long: %s/sstpc-%s",
		    SSTPC_RUNTIME_DIR, name);
		return NULL;
	}
	return plugin_sock_listen(base, SSTPC_RUNTIME_DIR, 0755, file, ops,
	    arg, err, errlen);
}

struct plugin_sock *
plugin_sock_listen(struct event_base *base, const char *dir, mode_t dir_mode,
    const char *file, const struct plugin_sock_ops *ops, void *arg, char *err,
    size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct plugin_sock *a;
	struct stat st;

	if (!plugin_name_ok(file)) {
		snprintf(err, errlen, "'%s' cannot name a socket", file);
		return NULL;
	}
	if (mkdir(dir, dir_mode) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir,
		    strerror(errno));
		return NULL;
	}
	if (plugin_dir_check(dir, err, errlen) < 0)
		return NULL;
	a = calloc(1, sizeof *a);
	if (a == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->base = base;
	a->ops = ops;
	a->arg = arg;
	if ((size_t)snprintf(a->path, sizeof a->path, "%s/%s", dir, file) >=
	    sizeof a->path) {
		snprintf(err, errlen, "socket path too long: %s/%s", dir,
		    file);
		free(a);
		return NULL;
	}
	/* A stale socket of an earlier run; never unlink anything else. */
	if (lstat(a->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket",
			    a->path);
			free(a);
			return NULL;
		}
		unlink(a->path);
	}
	memcpy(sun.sun_path, a->path, strlen(a->path) + 1);
	a->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/*
	 * Mode 0600 from the start: on Linux the mode of an AF_UNIX socket
	 * before bind() is the mode bind() gives the new file (less the
	 * umask), so there is no chmod() by name, which would follow a
	 * symbolic link swapped in after bind().
	 */
	if (a->fd < 0 || fchmod(a->fd, 0600) < 0 ||
	    bind(a->fd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    listen(a->fd, 4) < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", a->path,
		    strerror(errno));
		if (a->fd >= 0)
			close(a->fd);
		free(a);
		return NULL;
	}
	a->ev = event_new(base, a->fd, EV_READ | EV_PERSIST, plugin_accept_cb,
	    a);
	if (a->ev == NULL) {
		plugin_sock_free(a);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	event_add(a->ev, NULL);
	log_debug("sstp-api: listening on %s", a->path);
	return a;
}

void
plugin_sock_free(struct plugin_sock *a)
{
	int i;

	if (a == NULL)
		return;
	for (i = 0; i < PLUGIN_MAX_CLIENTS; i++)
		if (a->cl[i] != NULL)
			plugin_client_free(a->cl[i]);
	if (a->ev != NULL)
		event_free(a->ev);
	if (a->fd >= 0) {
		close(a->fd);
		unlink(a->path);
	}
	free(a);
}
