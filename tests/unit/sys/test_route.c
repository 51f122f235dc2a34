/*
 * test_route.c - route_save()/route_restore() against the real kernel, in a
 * private network namespace only (unshare(CLONE_NEWNET) first thing; the
 * host's tables are never touched).  Needs root (CAP_SYS_ADMIN and
 * CAP_NET_ADMIN) and ip(8) to build the fixture and read the result; exits
 * 77 (skip) without them.
 *
 * Fixture: veth pair d0/d0p (the dummy module may be missing); d0 has
 * 192.0.2.2/24 and 2001:db8:1::2/64,
 * default routes via 192.0.2.1 and 2001:db8:1::1 (RFC 5737 / RFC 3849
 * documentation addresses); servers in 198.51.100.0/24 and 2001:db8:2::/64.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"
#include "sys/route.h"

/* Run a shell command in our namespace; true on exit status 0. */
static bool
sh(const char *cmd)
{
	return system(cmd) == 0;
}

/* First line of `ip route show <what>` into out ("" if none). */
static void
ip_route(const char *what, char *out, size_t len)
{
	char cmd[256];
	FILE *f;
	size_t n;

	out[0] = '\0';
	snprintf(cmd, sizeof cmd, "ip %s route show %s 2>/dev/null",
	    strchr(what, ':') != NULL ? "-6" : "-4", what);
	if ((f = popen(cmd, "r")) == NULL)
		return;
	if (fgets(out, (int)len, f) == NULL)
		out[0] = '\0';
	pclose(f);
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
}

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

static socklen_t
mk6(struct sockaddr_storage *ss, const char *a)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(443);
	inet_pton(AF_INET6, a, &sin6->sin6_addr);
	return sizeof *sin6;
}

/* Argument checks: no kernel needed. */
static void
test_args(void)
{
	struct sockaddr_storage ss;
	struct route_saved rs;
	char err[256];

	TEST_START("route_save refuses bad addresses");
	memset(&ss, 0, sizeof ss);
	ss.ss_family = AF_UNIX;
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, sizeof ss, &rs, err,
	    sizeof err), -EAFNOSUPPORT);
	ASSERT_FALSE(rs.installed);
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, 1, &rs, err,
	    sizeof err), -EINVAL);
	mk4(&ss, "198.51.100.7");
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, 8, &rs, err,
	    sizeof err), -EINVAL);
	ASSERT_INT_EQ(route_restore(&rs), 0);	/* nothing installed */
	TEST_DONE();
}

static void
test_v4_gateway(void)
{
	struct sockaddr_storage ss;
	struct route_saved rs;
	char err[256], out[256];
	socklen_t sl = mk4(&ss, "198.51.100.7");

	TEST_START("v4: host route via the default gateway, removed at exit");
	err[0] = '\0';
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, sl, &rs, err,
	    sizeof err), 0);
	if (err[0] != '\0')
		fprintf(stderr, "err: %s\n", err);
	ASSERT_TRUE(rs.installed);
	ASSERT_TRUE(rs.has_gw);
	ASSERT_STR_EQ(rs.desc,
	    "198.51.100.7/32 via 192.0.2.1 dev d0 table 254");
	ip_route("198.51.100.7", out, sizeof out);
	ASSERT_STR_EQ(out, "198.51.100.7 via 192.0.2.1 dev d0");
	ip_route("proto boot 198.51.100.7", out, sizeof out);
	ASSERT_STR_EQ(out, "198.51.100.7 via 192.0.2.1 dev d0");
	/* The route is used: a lookup now hits the /32. */
	ip_route("match 198.51.100.7/32 exact 198.51.100.7/32", out,
	    sizeof out);
	ASSERT_STR_EQ(out, "198.51.100.7 via 192.0.2.1 dev d0");
	ASSERT_INT_EQ(route_restore(&rs), 0);
	ASSERT_FALSE(rs.installed);
	ip_route("198.51.100.7", out, sizeof out);
	ASSERT_STR_EQ(out, "");
	/* A second restore is a no-op. */
	ASSERT_INT_EQ(route_restore(&rs), 0);
	TEST_DONE();
}

static void
test_v4_existing(void)
{
	struct sockaddr_storage ss;
	struct route_saved rs;
	char err[256], out[256];
	socklen_t sl = mk4(&ss, "198.51.100.8");

	TEST_START("v4: an existing host route is left alone, also at exit");
	ASSERT_TRUE(sh("ip route add 198.51.100.8 via 192.0.2.1 dev d0 "
	    "proto static"));
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, sl, &rs, err,
	    sizeof err), 1);
	ASSERT_FALSE(rs.installed);
	ASSERT_INT_EQ(route_restore(&rs), 0);
	ip_route("198.51.100.8", out, sizeof out);
	ASSERT_STR_EQ(out, "198.51.100.8 via 192.0.2.1 dev d0 proto static");
	ASSERT_TRUE(sh("ip route del 198.51.100.8"));
	TEST_DONE();
}

static void
test_v4_onlink_local(void)
{
	struct sockaddr_storage ss;
	struct route_saved rs;
	char err[256], out[256];
	socklen_t sl;

	TEST_START("v4: on-link server gets a link-scope route");
	sl = mk4(&ss, "192.0.2.77");
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, sl, &rs, err,
	    sizeof err), 0);
	ASSERT_FALSE(rs.has_gw);
	ip_route("192.0.2.77", out, sizeof out);
	ASSERT_STR_EQ(out, "192.0.2.77 dev d0 scope link");
	ASSERT_INT_EQ(route_restore(&rs), 0);
	ip_route("192.0.2.77", out, sizeof out);
	ASSERT_STR_EQ(out, "");
	TEST_DONE();

	TEST_START("v4: a local address needs no route");
	sl = mk4(&ss, "192.0.2.2");
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, sl, &rs, err,
	    sizeof err), 1);
	ASSERT_FALSE(rs.installed);
	ip_route("192.0.2.2", out, sizeof out);
	ASSERT_STR_EQ(out, "");
	TEST_DONE();
}

static void
test_v6(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct route_saved rs;
	char err[256], out[256];
	socklen_t sl;

	TEST_START("v6: /128 via the default gateway, removed at exit");
	sl = mk6(&ss, "2001:db8:2::7");
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, sl, &rs, err,
	    sizeof err), 0);
	ASSERT_TRUE(rs.installed);
	ip_route("2001:db8:2::7", out, sizeof out);
	ASSERT_STR_EQ(out, "2001:db8:2::7 via 2001:db8:1::1 dev d0 "
	    "metric 1024 pref medium");
	ASSERT_INT_EQ(route_restore(&rs), 0);
	ip_route("2001:db8:2::7", out, sizeof out);
	ASSERT_STR_EQ(out, "");
	TEST_DONE();

	TEST_START("v4-mapped IPv6 server is routed as IPv4");
	sl = mk6(&ss, "::ffff:198.51.100.9");
	ASSERT_INT_EQ(sin6->sin6_family, AF_INET6);
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, sl, &rs, err,
	    sizeof err), 0);
	ASSERT_INT_EQ(rs.family, AF_INET);
	ip_route("198.51.100.9", out, sizeof out);
	ASSERT_STR_EQ(out, "198.51.100.9 via 192.0.2.1 dev d0");
	ASSERT_INT_EQ(route_restore(&rs), 0);
	ip_route("198.51.100.9", out, sizeof out);
	ASSERT_STR_EQ(out, "");
	TEST_DONE();
}

static void
test_gone_and_unreachable(void)
{
	struct sockaddr_storage ss;
	struct route_saved rs;
	char err[256], out[256];
	socklen_t sl = mk4(&ss, "198.51.100.10");

	TEST_START("restore: a route removed meanwhile is not an error");
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, sl, &rs, err,
	    sizeof err), 0);
	ASSERT_TRUE(sh("ip route del 198.51.100.10/32"));
	ASSERT_INT_EQ(route_restore(&rs), 0);
	TEST_DONE();

	TEST_START("restore: does not delete a replacement with another gw");
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, sl, &rs, err,
	    sizeof err), 0);
	ASSERT_TRUE(sh("ip route replace 198.51.100.10/32 via 192.0.2.3 "
	    "dev d0 proto boot"));
	ASSERT_INT_EQ(route_restore(&rs), 0);
	ip_route("198.51.100.10", out, sizeof out);
	ASSERT_STR_EQ(out, "198.51.100.10 via 192.0.2.3 dev d0");
	ASSERT_TRUE(sh("ip route del 198.51.100.10/32"));
	TEST_DONE();

	TEST_START("no route to the server: -ENETUNREACH, nothing added");
	ASSERT_TRUE(sh("ip route del default"));
	err[0] = '\0';
	ASSERT_INT_EQ(route_save((struct sockaddr *)&ss, sl, &rs, err,
	    sizeof err), -ENETUNREACH);
	ASSERT_FALSE(rs.installed);
	ASSERT_TRUE(strstr(err, "198.51.100.10") != NULL);
	ASSERT_INT_EQ(route_restore(&rs), 0);
	ASSERT_TRUE(sh("ip route add default via 192.0.2.1"));
	TEST_DONE();
}

int
main(void)
{
	test_args();
	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0 ||
	    !sh("command -v ip >/dev/null")) {
		printf("SKIP: needs root, unshare(CLONE_NEWNET) and ip(8)\n");
		return th_failures == 0 ? 77 : 1;
	}
	/* From here on, only our own namespace is changed. */
	if (!sh("ip link set lo up && "
	    "ip link add d0 type veth peer name d0p && "
	    "ip addr add 192.0.2.2/24 dev d0 && "
	    "ip -6 addr add 2001:db8:1::2/64 dev d0 nodad && "
	    "ip link set d0p up && ip link set d0 up && "
	    "ip route add default via 192.0.2.1 && "
	    "ip -6 route add default via 2001:db8:1::1")) {
		printf("SKIP: cannot build the veth fixture\n");
		return th_failures == 0 ? 77 : 1;
	}
	test_v4_gateway();
	test_v4_existing();
	test_v4_onlink_local();
	test_v6();
	test_gone_and_unreachable();
	return test_exit();
}
