/*
 * test_proxy.c - the HTTP proxy CONNECT client (src/net/proxy.c) driven
 * over real streams on socketpairs, with the proxy's side scripted: once a
 * connection's request is complete its reply is written and, for some, the
 * connection is shut down in the same turn, so that the reply and the FIN
 * arrive together as tinyproxy's 407 does.  The owner glue is the
 * session's: stream input and close go to the client, a reconnect opens the
 * next scripted connection.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "harness.h"
#include "net/proxy.h"
#include "net/tls_stream.h"

#define CONN_MAX	4

/* One scripted connection: the proxy's reply, then maybe its close. */
struct script {
	const char	*reply;
	bool		 close;
};

/* The owner: what the client reported, and what the proxy received. */
struct owner {
	struct event_base	*base;
	struct proxy		*px;
	struct stream		*st;
	const struct script	*script;
	size_t			 nscript;
	int			 peer[CONN_MAX];
	struct event		*peer_ev[CONN_MAX];
	size_t			 req_len[CONN_MAX];
	int			 conns;
	int			 reconnects;
	int			 ups;
	int			 fails;
	char			 msg[700];
	char			 req[CONN_MAX][2048];
};

static void	owner_connect(struct owner *);

static size_t
owner_input(void *arg, const uint8_t *buf, size_t len)
{
	struct owner *o = arg;

	return proxy_input(o->px, buf, len);
}

static void
owner_closed(void *arg, int err, const char *msg)
{
	struct owner *o = arg;

	(void)err;
	proxy_closed(o->px, msg);
}

static void
owner_tls(void *arg)
{
	(void)arg;
}

static const struct stream_ops owner_stream_ops = {
	.connected = owner_tls,
	.input = owner_input,
	.closed = owner_closed,
};

/* Drop the current stream (as session_drop_server does). */
static void
owner_drop(struct owner *o)
{
	if (o->st != NULL) {
		stream_free(o->st, false);
		o->st = NULL;
	}
}

static void
owner_reconnect(void *arg)
{
	struct owner *o = arg;

	o->reconnects++;
	owner_drop(o);
	owner_connect(o);
}

static void
owner_up(void *arg)
{
	struct owner *o = arg;

	o->ups++;
	event_base_loopexit(o->base, NULL);
}

static void
owner_failed(void *arg, const char *msg)
{
	struct owner *o = arg;

	o->fails++;
	snprintf(o->msg, sizeof o->msg, "%s", msg);
	owner_drop(o);
	event_base_loopexit(o->base, NULL);
}

static const struct proxy_ops owner_proxy_ops = {
	.reconnect = owner_reconnect,
	.up = owner_up,
	.failed = owner_failed,
};

/* The proxy's side of connection i: the request, then the reply. */
static void
peer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct owner *o = arg;
	const struct script *sc;
	ssize_t n;
	int i;

	(void)what;
	for (i = 0; i < o->conns && o->peer[i] != fd; i++)
		;
	if (i == o->conns)
		return;
	n = read(fd, o->req[i] + o->req_len[i],
	    sizeof o->req[i] - 1 - o->req_len[i]);
	if (n <= 0) {
		event_del(o->peer_ev[i]);
		return;
	}
	o->req_len[i] += (size_t)n;
	o->req[i][o->req_len[i]] = '\0';
	if (strstr(o->req[i], "\r\n\r\n") == NULL)
		return;
	sc = &o->script[i];
	if (write(fd, sc->reply, strlen(sc->reply)) !=
	    (ssize_t)strlen(sc->reply))
		owner_failed(o, "test: write");
	if (sc->close)
		shutdown(fd, SHUT_WR);
	event_del(o->peer_ev[i]);
}

/* The next scripted connection. */
static void
owner_connect(struct owner *o)
{
	int sv[2], i = o->conns;

	if (i >= (int)o->nscript || i >= CONN_MAX) {
		owner_failed(o, "test: no more scripted connections");
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
	    fcntl(sv[0], F_SETFL, O_NONBLOCK) != 0 ||
	    fcntl(sv[1], F_SETFL, O_NONBLOCK) != 0) {
		owner_failed(o, "test: socketpair");
		return;
	}
	o->peer[i] = sv[1];
	o->peer_ev[i] = event_new(o->base, sv[1], EV_READ | EV_PERSIST,
	    peer_cb, o);
	event_add(o->peer_ev[i], NULL);
	o->conns++;
	o->st = stream_new(o->base, sv[0], &owner_stream_ops, o);
	proxy_start(o->px, o->st);
}

/* Run the client against the script; fill o with what happened. */
static void
run(struct owner *o, const struct script *sc, size_t n, const char *user,
    const char *pass)
{
	struct proxy_conf pc = {
		.host = "vpn.example.com", .port = 443,
		.user = user, .pass = pass
	};
	struct timeval guard = { 5, 0 };
	int i;

	memset(o, 0, sizeof *o);
	o->script = sc;
	o->nscript = n;
	o->base = event_base_new();
	o->px = proxy_new(&pc, &owner_proxy_ops, o);
	ASSERT_PTR_NOT_NULL(o->px);
	owner_connect(o);
	event_base_loopexit(o->base, &guard);
	event_base_dispatch(o->base);
	owner_drop(o);
	for (i = 0; i < o->conns; i++) {
		event_free(o->peer_ev[i]);
		close(o->peer[i]);
	}
	proxy_free(o->px);
	event_base_free(o->base);
}

static const char ok200[] = "HTTP/1.1 200 Connection established\r\n\r\n";
static const char tiny407[] =
    "HTTP/1.0 407 Proxy Authentication Required\r\n"
    "Server: tinyproxy/1.11.1\r\nContent-Type: text/html\r\n"
    "Proxy-Authenticate: Basic realm=\"Tinyproxy\"\r\n"
    "Connection: close\r\n\r\n<html><body>407</body></html>\n";
static const char tiny401[] =
    "HTTP/1.0 401 Unauthorized\r\nServer: tinyproxy/1.11.1\r\n"
    "WWW-Authenticate: Basic realm=\"Tinyproxy\"\r\n"
    "Connection: close\r\n\r\n<html>401</html>\n";
static const char squid407digest[] =
    "HTTP/1.1 407 Proxy Authentication Required\r\nServer: squid/5.7\r\n"
    "Content-Length: 5\r\n"
    "Proxy-Authenticate: Digest realm=\"sq\", "
    "nonce=\"eedf7ffc519e1ceae864e416965f4798\", qop=\"auth\", "
    "stale=false\r\n\r\n<h1/>";

static void
test_basic_first(void)
{
	static const struct script sc[] = { { ok200, false } };
	struct owner o;

	TEST_START("proxy: Basic credentials in the first CONNECT");
	run(&o, sc, 1, "Aladdin", "open sesame");
	ASSERT_INT_EQ(o.ups, 1);
	ASSERT_INT_EQ(o.fails, 0);
	ASSERT_INT_EQ(o.conns, 1);
	ASSERT_TRUE(strncmp(o.req[0], "CONNECT vpn.example.com:443 HTTP/1.1"
	    "\r\n", 37) == 0);
	ASSERT_TRUE(strstr(o.req[0], "\r\nProxy-Authorization: Basic "
	    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n") != NULL);
	TEST_DONE();
}

static void
test_no_user(void)
{
	static const struct script sc[] = { { tiny407, true } };
	static const struct script sc2[] = { { ok200, false } };
	struct owner o;

	TEST_START("proxy: no user: no credentials, a 407 is reported");
	run(&o, sc2, 1, NULL, NULL);
	ASSERT_INT_EQ(o.ups, 1);
	ASSERT_TRUE(strstr(o.req[0], "Proxy-Authorization") == NULL);
	run(&o, sc, 1, NULL, NULL);
	ASSERT_INT_EQ(o.fails, 1);
	ASSERT_INT_EQ(o.reconnects, 0);
	ASSERT_STR_EQ(o.msg, "proxy refused CONNECT vpn.example.com:443: "
	    "HTTP 407 Proxy Authentication Required (give user:password in "
	    "--proxy)");
	TEST_DONE();
}

static void
test_rejected(void)
{
	static const struct script s407[] = { { tiny407, true },
	    { tiny407, true } };
	static const struct script s401[] = { { tiny401, true } };
	struct owner o;

	TEST_START("proxy: wrong Basic credentials (407, tinyproxy's 401)");
	run(&o, s407, 2, "u", "wrong");
	ASSERT_INT_EQ(o.fails, 1);
	ASSERT_INT_EQ(o.ups, 0);
	ASSERT_INT_EQ(o.reconnects, 0);
	ASSERT_STR_EQ(o.msg, "proxy refused CONNECT vpn.example.com:443: "
	    "HTTP 407 Proxy Authentication Required (credentials rejected)");
	run(&o, s401, 1, "u", "wrong");
	ASSERT_INT_EQ(o.fails, 1);
	ASSERT_STR_EQ(o.msg, "proxy refused CONNECT vpn.example.com:443: "
	    "HTTP 401 Unauthorized (credentials rejected)");
	TEST_DONE();
}

static void
test_digest(void)
{
	static const struct script sc[] = { { squid407digest, false },
	    { ok200, false } };
	static const struct script bad[] = { { squid407digest, false },
	    { squid407digest, false }, { ok200, false } };
	struct owner o;

	TEST_START("proxy: Digest after a 407 (keep-alive), on a new "
	    "connection");
	run(&o, sc, 2, "u", "p");
	ASSERT_INT_EQ(o.ups, 1);
	ASSERT_INT_EQ(o.reconnects, 1);
	ASSERT_INT_EQ(o.conns, 2);
	ASSERT_TRUE(strstr(o.req[0], "Proxy-Authorization: Basic ") != NULL);
	ASSERT_TRUE(strstr(o.req[1], "\r\nProxy-Authorization: Digest "
	    "username=\"u\", realm=\"sq\", "
	    "nonce=\"eedf7ffc519e1ceae864e416965f4798\", "
	    "uri=\"vpn.example.com:443\", algorithm=MD5, response=\"") !=
	    NULL);
	ASSERT_TRUE(strstr(o.req[1], ", qop=auth, nc=00000001, cnonce=\"") !=
	    NULL);
	/* A user with ':' cannot go as Basic: none first, then Digest. */
	run(&o, sc, 2, "dom:ain", "p");
	ASSERT_INT_EQ(o.ups, 1);
	ASSERT_TRUE(strstr(o.req[0], "Proxy-Authorization") == NULL);
	ASSERT_TRUE(strstr(o.req[1], "Proxy-Authorization: Digest "
	    "username=\"dom:ain\"") != NULL);
	/* Digest refused (not stale): rejected, no third CONNECT. */
	run(&o, bad, 3, "u", "p");
	ASSERT_INT_EQ(o.fails, 1);
	ASSERT_INT_EQ(o.conns, 2);
	ASSERT_TRUE(strstr(o.msg, "HTTP 407") != NULL &&
	    strstr(o.msg, "(credentials rejected)") != NULL);
	TEST_DONE();
}

static void
test_closed_and_bad(void)
{
	static const struct script closed[] = { { "HTTP/1.1 407 Pro", true } };
	static const struct script after[] = {
	    { "HTTP/1.1 200 OK\r\n\r\nextra", false } };
	static const struct script junk[] = { { "SSH-2.0-x\r\n", false } };
	struct owner o;

	TEST_START("proxy: close mid-reply, data after 200, not HTTP");
	run(&o, closed, 1, "u", "p");
	ASSERT_INT_EQ(o.fails, 1);
	ASSERT_STR_EQ(o.msg, "proxy closed the connection: connection "
	    "closed by peer");
	run(&o, after, 1, "u", "p");
	ASSERT_INT_EQ(o.fails, 1);
	ASSERT_STR_EQ(o.msg, "proxy sent data after its CONNECT reply");
	run(&o, junk, 1, "u", "p");
	ASSERT_INT_EQ(o.fails, 1);
	ASSERT_STR_EQ(o.msg, "bad reply from the proxy: not an HTTP "
	    "response");
	TEST_DONE();
}

int
main(void)
{
	test_basic_first();
	test_no_user();
	test_rejected();
	test_digest();
	test_closed_and_bad();
	return test_exit();
}
