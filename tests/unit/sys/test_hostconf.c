/*
 * test_hostconf.c - the built-in mode's host configuration against the
 * real kernel, in a private network namespace only (unshare(CLONE_NEWNET)
 * first thing; the host's tables are never touched): hostconf_apply() and
 * hostconf_undo() directly, then the same through the privileged monitor
 * ('T' 'A' 'C' 'U', and the undo at EOF).  Needs root and ip(8); exits 77
 * (skip) without them.
 *
 * Fixture: a persistent TUN "tun0" (down, MTU 1500), a veth pair d0/d0p
 * with 192.0.2.162/27 and a default route via 192.0.2.161; the server is
 * 192.0.2.200; the tunnel 192.0.2.2 peer 192.0.2.1, fe80::2 peer fe80::1.
 * "Nothing left behind" compares `ip` output before and after, whole.
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
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"
#include "util/buf.h"
#include "sys/hostconf.h"
#include "sys/monitor.h"

/*
 * The qdisc is the kernel's, attached at the first up, and so is the IPv6
 * multicast route it adds once IPv6 is active on an interface that is up
 * (gone when it goes down): not ours.
 */
#define SNAP_CMD "ip -o link show dev tun0 | sed 's/qdisc [^ ]* //'; " \
	"ip -o addr show dev tun0; " \
	"ip -4 route show table all; ip -6 route show table all | " \
	"grep -v '^multicast ff00::/8 dev tun0 .*proto kernel'"

static bool
sh(const char *cmd)
{
	return system(cmd) == 0;
}

/* The output of cmd into out (truncated to len). */
static void
run(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0;

	out[0] = '\0';
	if (f == NULL)
		return;
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	pclose(f);
}

/* Does the output of cmd contain needle? */
static bool
shows(const char *cmd, const char *needle)
{
	char out[8192];

	run(cmd, out, sizeof out);
	if (strstr(out, needle) != NULL)
		return true;
	fprintf(stderr, "'%s' lacks '%s':\n%s", cmd, needle, out);
	return false;
}

static void
fixture_ip(struct ppp_ip_info *ip)
{
	memset(ip, 0, sizeof *ip);
	ip->have_ip4 = true;
	inet_pton(AF_INET, "192.0.2.2", &ip->local4);
	inet_pton(AF_INET, "192.0.2.1", &ip->peer4);
	ip->have_ip6 = true;
	ip->local_ifid[7] = 2;
	ip->peer_ifid[7] = 1;
	ip->mtu = 1400;
}

static void
fixture_conf(struct hostconf_conf *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->ifname, sizeof c->ifname, "tun0");
	c->ifindex = (int)if_nametoindex("tun0");
	c->defaultroute = true;
	c->n_routes = 2;
	c->routes[0].family = AF_INET;
	c->routes[0].prefixlen = 28;
	inet_pton(AF_INET, "192.0.2.128", c->routes[0].addr);
	c->routes[1].family = AF_INET6;
	c->routes[1].prefixlen = 48;
	inet_pton(AF_INET6, "2001:db8:5::", c->routes[1].addr);
}

static socklen_t
server(struct sockaddr_storage *ss, const char *a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof *ss);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(443);
	inet_pton(AF_INET, a, &sin->sin_addr);
	return sizeof *sin;
}

/* after must equal before; print both in full when not. */
#define ASSERT_SAME(after, before) do {					\
	if (strcmp((after), (before)) != 0)				\
		fprintf(stderr, "--- before\n%s--- after\n%s---\n",	\
		    (before), (after));					\
	ASSERT_STR_EQ((after), (before));				\
} while (0)

/* Everything of the fixture's configuration is there. */
static void
check_configured(void)
{
	ASSERT_TRUE(shows("ip -o link show dev tun0", "mtu 1400"));
	ASSERT_TRUE(shows("ip -o link show dev tun0", ",UP"));
	ASSERT_TRUE(shows("ip -o -4 addr show dev tun0",
	    "inet 192.0.2.2 peer 192.0.2.1/32"));
	ASSERT_TRUE(shows("ip -o -6 addr show dev tun0",
	    "inet6 fe80::2 peer fe80::1/64 scope link nodad"));
	ASSERT_TRUE(shows("ip -4 route", "192.0.2.128/28 dev tun0"));
	ASSERT_TRUE(shows("ip -4 route", "0.0.0.0/1 dev tun0"));
	ASSERT_TRUE(shows("ip -4 route", "128.0.0.0/1 dev tun0"));
	ASSERT_TRUE(shows("ip -4 route", "192.0.2.200 via 192.0.2.161 dev d0"));
	ASSERT_TRUE(shows("ip -4 route", "default via 192.0.2.161 dev d0"));
	ASSERT_TRUE(shows("ip -6 route", "2001:db8:5::/48 dev tun0"));
	/* The default route now leads into the tunnel... */
	ASSERT_TRUE(shows("ip -4 route get 192.0.2.250", "dev tun0"));
	/* ...but the server is still reached the old way. */
	ASSERT_TRUE(shows("ip -4 route get 192.0.2.200", "dev d0"));
}

static void
test_direct(void)
{
	char before[8192], after[8192], err[256];
	struct hostconf_conf c;
	struct hostconf_state st;
	struct ppp_ip_info ip;
	struct sockaddr_storage ss;
	socklen_t sl = server(&ss, "192.0.2.200");

	TEST_START("apply: address, MTU, up, routes, default, server route");
	run(SNAP_CMD, before, sizeof before);
	fixture_conf(&c);
	fixture_ip(&ip);
	ASSERT_INT_EQ(hostconf_apply(&c, &ip, (struct sockaddr *)&ss, sl,
	    &st, err, sizeof err), 0);
	check_configured();
	TEST_DONE();

	TEST_START("undo: nothing left behind");
	ASSERT_INT_EQ(hostconf_undo(&st), 0);
	run(SNAP_CMD, after, sizeof after);
	ASSERT_SAME(after, before);
	ASSERT_INT_EQ(hostconf_undo(&st), 0);	/* idempotent */
	TEST_DONE();

	TEST_START("a link that was up stays up, without our routes");
	/* Another address keeps the kernel from flushing tun0's routes. */
	ASSERT_TRUE(sh("ip link set tun0 up && "
	    "ip addr add 192.0.2.230/32 dev tun0"));
	run(SNAP_CMD, before, sizeof before);
	ASSERT_INT_EQ(hostconf_apply(&c, &ip, (struct sockaddr *)&ss, sl,
	    &st, err, sizeof err), 0);
	ASSERT_TRUE(shows("ip -4 route", "128.0.0.0/1 dev tun0"));
	ASSERT_INT_EQ(hostconf_undo(&st), 0);
	run(SNAP_CMD, after, sizeof after);
	ASSERT_SAME(after, before);
	ASSERT_TRUE(sh("ip addr del 192.0.2.230/32 dev tun0 && "
	    "ip link set tun0 down"));
	TEST_DONE();

	TEST_START("no peer address: local/32; a route that exists stays");
	ASSERT_TRUE(sh("ip route add 192.0.2.128/28 via 192.0.2.161"));
	run(SNAP_CMD, before, sizeof before);
	ip.peer4 = 0;
	c.defaultroute = false;
	ASSERT_INT_EQ(hostconf_apply(&c, &ip, NULL, 0, &st, err, sizeof err),
	    0);
	ASSERT_TRUE(shows("ip -o -4 addr show dev tun0",
	    "inet 192.0.2.2/32"));
	ASSERT_TRUE(shows("ip -4 route", "192.0.2.128/28 via 192.0.2.161"));
	ASSERT_INT_EQ(hostconf_undo(&st), 0);
	run(SNAP_CMD, after, sizeof after);
	ASSERT_SAME(after, before);
	ASSERT_TRUE(sh("ip route del 192.0.2.128/28 via 192.0.2.161"));
	TEST_DONE();

	TEST_START("a failure half-way undoes what was done");
	run(SNAP_CMD, before, sizeof before);
	fixture_ip(&ip);
	c.defaultroute = false;
	c.routes[1].family = AF_INET;		/* the kernel refuses /33 */
	c.routes[1].prefixlen = 33;
	inet_pton(AF_INET, "192.0.2.0", c.routes[1].addr);
	ASSERT_INT_LT(hostconf_apply(&c, &ip, NULL, 0, &st, err, sizeof err),
	    0);
	ASSERT_TRUE(strstr(err, "192.0.2.0/33") != NULL);
	run(SNAP_CMD, after, sizeof after);
	ASSERT_SAME(after, before);
	TEST_DONE();

	TEST_START("a non-host address is refused before any change");
	fixture_conf(&c);
	inet_pton(AF_INET, "224.0.0.1", &ip.local4);
	ASSERT_INT_EQ(hostconf_apply(&c, &ip, NULL, 0, &st, err, sizeof err),
	    -EINVAL);
	ASSERT_TRUE(strstr(err, "224.0.0.1 is not a host address") != NULL);
	run(SNAP_CMD, after, sizeof after);
	ASSERT_SAME(after, before);
	TEST_DONE();
}

/* A 'C' request with the body of monitor_net_up (for bad variants). */
static int
raw_configure(struct monitor *m, uint32_t ifindex, const char *local,
    const char *gw, char *msg, size_t len)
{
	uint8_t req[128];
	struct wbuf w;
	struct in_addr a;

	wbuf_init(&w, req, sizeof req);
	wbuf_put_u8(&w, MON_REQ_CONFIGURE);
	wbuf_put_be32(&w, ifindex);
	wbuf_put_u8(&w, 1);
	inet_pton(AF_INET, local, &a);
	wbuf_put_bytes(&w, &a, 4);
	wbuf_put_zero(&w, 4 + 8 + 8);
	wbuf_put_u8(&w, 0);
	wbuf_put_zero(&w, 16);
	wbuf_put_be16(&w, 1400);
	if (gw == NULL)
		wbuf_put_u8(&w, 0);
	else {
		wbuf_put_u8(&w, 4);
		inet_pton(AF_INET, gw, &a);
		wbuf_put_bytes(&w, &a, 4);
	}
	return monitor_call(m, req, w.len, -1, msg, len);
}

static void
test_monitor(void)
{
	char before[8192], after[8192], err[512];
	struct hostconf_conf c;
	struct ppp_ip_info ip;
	struct monitor m;
	struct sockaddr_storage ss;
	socklen_t sl = server(&ss, "192.0.2.200");
	int idx = (int)if_nametoindex("tun0");
	uint8_t req[32];

	TEST_START("monitor: hand-over of the TUN and its routes, seal");
	run(SNAP_CMD, before, sizeof before);
	ASSERT_INT_EQ(monitor_start(&m, err, sizeof err), 0);
	fixture_conf(&c);
	ASSERT_INT_EQ(monitor_handover_tun(&m, &c, NULL, err, sizeof err), 0);
	/* A route with host bits set is refused even before the seal. */
	req[0] = MON_REQ_TUN_ROUTE;
	req[1] = AF_INET;
	req[2] = 24;
	inet_pton(AF_INET, "192.0.2.129", req + 3);
	ASSERT_INT_EQ(monitor_call(&m, req, 7, -1, NULL, 0), -EPERM);
	ASSERT_INT_EQ(monitor_handover(&m, NULL, 0, "192.0.2.200", err,
	    sizeof err), 0);
	TEST_DONE();

	TEST_START("monitor: what the unprivileged side may not have");
	/* A route after the seal: the routes are the configuration's. */
	inet_pton(AF_INET, "192.0.2.240", req + 3);
	ASSERT_INT_EQ(monitor_call(&m, req, 7, -1, NULL, 0), -EPERM);
	ASSERT_INT_EQ(raw_configure(&m, 1, "192.0.2.2", NULL, err,
	    sizeof err), -EPERM);
	ASSERT_TRUE(strstr(err, "is not the TUN handed over") != NULL);
	ASSERT_INT_EQ(raw_configure(&m, (uint32_t)idx, "127.0.0.2", NULL,
	    err, sizeof err), -EPERM);
	ASSERT_TRUE(strstr(err, "not a host address") != NULL);
	ASSERT_INT_EQ(raw_configure(&m, (uint32_t)idx, "192.0.2.2",
	    "192.0.2.161", err, sizeof err), -EPERM);
	ASSERT_TRUE(strstr(err, "not an address of the server") != NULL);
	req[0] = MON_REQ_CONFIGURE;
	ASSERT_INT_EQ(monitor_call(&m, req, 9, -1, err, sizeof err), -EPERM);
	ASSERT_STR_EQ(err, "configure refused: malformed");
	run(SNAP_CMD, after, sizeof after);
	ASSERT_SAME(after, before);
	TEST_DONE();

	TEST_START("monitor: configure once, unconfigure, nothing left");
	fixture_ip(&ip);
	ASSERT_INT_EQ(monitor_net_up(&m, idx, &ip, (struct sockaddr *)&ss,
	    sl, err, sizeof err), 0);
	check_configured();
	ASSERT_TRUE(shows("ip -4 route", "192.0.2.128/28 dev tun0"));
	run("ip -4 route", after, sizeof after);
	ASSERT_PTR_NULL(strstr(after, "192.0.2.240"));
	ASSERT_INT_EQ(monitor_net_up(&m, idx, &ip, (struct sockaddr *)&ss,
	    sl, err, sizeof err), -EPERM);
	ASSERT_TRUE(strstr(err, "already configured") != NULL);
	ASSERT_INT_EQ(monitor_net_down(&m, 1, err, sizeof err), -EPERM);
	ASSERT_INT_EQ(monitor_net_down(&m, idx, err, sizeof err), 0);
	run(SNAP_CMD, after, sizeof after);
	ASSERT_SAME(after, before);
	ASSERT_INT_EQ(monitor_net_down(&m, idx, err, sizeof err), 1);
	TEST_DONE();

	TEST_START("monitor: sstpc gone (EOF) -> the monitor undoes it");
	ASSERT_INT_EQ(monitor_net_up(&m, idx, &ip, (struct sockaddr *)&ss,
	    sl, err, sizeof err), 0);
	ASSERT_TRUE(shows("ip -4 route", "0.0.0.0/1 dev tun0"));
	monitor_stop(&m);
	run(SNAP_CMD, after, sizeof after);
	ASSERT_SAME(after, before);
	TEST_DONE();
}

int
main(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0 ||
	    !sh("command -v ip >/dev/null")) {
		printf("SKIP: needs root, unshare(CLONE_NEWNET) and ip(8)\n");
		return 77;
	}
	/* From here on, only our own namespace is changed. */
	if (!sh("ip link set lo up && "
	    "ip tuntap add dev tun0 mode tun && "
	    "ip link add d0 type veth peer name d0p && "
	    "ip addr add 192.0.2.162/27 dev d0 && "
	    "ip link set d0 addrgenmode none && "
	    "ip link set d0p addrgenmode none && "
	    "ip link set d0p up && ip link set d0 up && "
	    "ip route add default via 192.0.2.161")) {
		printf("SKIP: cannot build the TUN/veth fixture\n");
		return 77;
	}
	test_direct();
	test_monitor();
	return test_exit();
}
