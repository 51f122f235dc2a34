/*
 * test_connect.c - net/connect.c and net/dns.c: address literals are
 * recognised and connected to without a resolver (the session makes none
 * for them); the resolver's library (libevent_extra) is loaded only when a
 * resolver is made, and a missing one is named in the error.  No test here
 * sends a DNS query: evdns answers an address literal itself.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "harness.h"
#include "net/connect.h"
#include "net/dns.h"

struct result {
	int	done;
	int	fd;
	int	err;
	char	msg[300];
};

static void
connected_cb(int fd, int err, const char *msg, const struct sockaddr *sa,
    socklen_t salen, void *arg)
{
	struct result *r = arg;

	(void)sa;
	(void)salen;
	r->done++;
	r->fd = fd;
	r->err = err;
	snprintf(r->msg, sizeof r->msg, "%s", msg != NULL ? msg : "");
}

/* Listen on loopback of family af; returns the fd and the port. */
static int
listen_lo(int af, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd = socket(af, SOCK_STREAM, 0);

	memset(&ss, 0, sizeof ss);
	if (af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof *s4;
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		len = sizeof *s6;
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    listen(fd, 4) < 0)
		return -1;
	len = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = ntohs(af == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void
test_literal(void)
{
	TEST_START("net_host_is_literal");
	ASSERT_TRUE(net_host_is_literal("127.0.0.1"));
	ASSERT_TRUE(net_host_is_literal("::1"));
	ASSERT_TRUE(net_host_is_literal("2001:db8::1"));
	ASSERT_TRUE(net_host_is_literal("::ffff:192.0.2.1"));
	ASSERT_FALSE(net_host_is_literal("localhost"));
	ASSERT_FALSE(net_host_is_literal("vpn.example.com"));
	ASSERT_FALSE(net_host_is_literal("192.0.2"));
	ASSERT_FALSE(net_host_is_literal("0x7f.1"));
	ASSERT_FALSE(net_host_is_literal(""));
	TEST_DONE();
}

/*
 * Connect to host (a literal of family af) on base, through dns (NULL:
 * no resolver at all), and check one success came.  The loop runs until
 * the answer: a resolver's name-server socket keeps it from ending alone.
 */
static void
connect_lo_via(struct event_base *base, struct net_dns *dns, int af,
    const char *host)
{
	struct result r;
	unsigned port = 0;
	int lfd = listen_lo(af, &port);

	memset(&r, 0, sizeof r);
	r.fd = -1;
	if (lfd < 0) {
		/* No IPv6 loopback here: say so, do not count it. */
		printf("# skip: no %s loopback\n", af == AF_INET ? "IPv4" :
		    "IPv6");
		return;
	}
	ASSERT_PTR_NOT_NULL(net_connect_start(base, dns, host,
	    (uint16_t)port, 3000, connected_cb, &r));
	while (r.done == 0 && event_base_loop(base, EVLOOP_ONCE) == 0)
		;
	ASSERT_INT_EQ(r.done, 1);
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_TRUE(r.fd >= 0);
	if (r.fd >= 0)
		close(r.fd);
	close(lfd);
}

/* Connect to a literal of family af with no evdns base at all. */
static void
connect_no_dns(int af, const char *host)
{
	struct event_base *base = event_base_new();

	connect_lo_via(base, NULL, af, host);
	event_base_free(base);
}

static void
test_connect_literals(void)
{
	TEST_START("connect to literals without a resolver");
	connect_no_dns(AF_INET, "127.0.0.1");
	connect_no_dns(AF_INET6, "::1");
	TEST_DONE();
}

static void
test_refused(void)
{
	struct event_base *base = event_base_new();
	struct result r;
	unsigned port = 0;
	int lfd = listen_lo(AF_INET, &port);

	TEST_START("a refused literal reports one failure");
	close(lfd);	/* nothing listens on port now */
	memset(&r, 0, sizeof r);
	ASSERT_PTR_NOT_NULL(net_connect_start(base, NULL, "127.0.0.1",
	    (uint16_t)port, 3000, connected_cb, &r));
	event_base_dispatch(base);
	ASSERT_INT_EQ(r.done, 1);
	ASSERT_INT_EQ(r.fd, -1);
	ASSERT_TRUE(r.err < 0);
	ASSERT_TRUE(r.msg[0] != '\0');
	event_base_free(base);
	TEST_DONE();
}

/* True when the process has the resolver library mapped. */
static bool
resolver_mapped(void)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL)
		return false;
	while (fgets(line, sizeof line, f) != NULL)
		if (strstr(line, LIBEVENT_EXTRA_SONAME) != NULL)
			found = true;
	fclose(f);
	return found;
}

/*
 * Must run before anything makes a resolver: the library is not mapped
 * until net_dns_new(), and then it is, and it resolves (a literal given
 * to evdns: answered at once, no query) and connects.
 */
static void
test_resolver_on_demand(void)
{
	struct event_base *base = event_base_new();
	struct net_dns *dns;
	char err[300] = "";

	TEST_START("the resolver library is loaded on demand");
	ASSERT_FALSE(resolver_mapped());
	dns = net_dns_new(base, err, sizeof err);
	ASSERT_PTR_NOT_NULL(dns);
	ASSERT_STR_EQ(err, "");
	ASSERT_TRUE(resolver_mapped());
	if (dns != NULL)
		connect_lo_via(base, dns, AF_INET, "127.0.0.1");
	net_dns_free(dns);
	net_dns_free(NULL);
	event_base_free(base);
	TEST_DONE();
}

static void
test_resolver_missing(void)
{
	struct event_base *base = event_base_new();
	const char *want = "cannot load the resolver: ";
	char err[300] = "";

	TEST_START("a missing resolver library is named in one line");
	ASSERT_PTR_NULL(net_dns_new_from(base, "libsstpc-no-such-lib.so.0",
	    err, sizeof err));
	ASSERT_INT_EQ(strncmp(err, want, strlen(want)), 0);
	ASSERT_PTR_NOT_NULL(strstr(err, "libsstpc-no-such-lib.so.0"));
	ASSERT_PTR_NULL(strchr(err, '\n'));
	printf("# %s\n", err);
	event_base_free(base);
	TEST_DONE();
}

int
main(void)
{
	test_literal();
	test_connect_literals();
	test_refused();
	test_resolver_on_demand();
	test_resolver_missing();
	return test_exit();
}
