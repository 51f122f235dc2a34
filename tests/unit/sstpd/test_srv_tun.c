/*
 * test_srv_tun.c - sstpd's TUN device (src/sstpd/srv_tun.c) and the hub
 * (link/tunsrv/) on a real TUN, in a network namespace of its own
 * (unshare(CLONE_NEWNET): whatever it makes vanishes with it).
 *
 * Cases: the device is created with the MTU, the server's address and the
 * --pool/--pool6 routes through it, up; a datagram the kernel routes into
 * the pool arrives at the hub and, with no session owning it, is counted
 * (no owner); when the hub closes the fd the device and its routes are
 * gone.  An existing persistent device is attached, configured and kept
 * (a second start finds it so).  No IPv4 address, or a route the kernel
 * refuses: -1, and a device made for it is gone.
 * Needs root and ip(8); exits 77 (skip) without them.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "link/tunsrv/tunsrv.h"
#include "sstpd/conf.h"
#include "sstpd/srv_tun.h"
#include "harness.h"

/* Does the output of @cmd contain @want? */
static bool
shows(const char *cmd, const char *want)
{
	char buf[8192];
	size_t n;
	FILE *f = popen(cmd, "r");

	if (f == NULL)
		return false;
	n = fread(buf, 1, sizeof buf - 1, f);
	pclose(f);
	buf[n] = '\0';
	if (strstr(buf, want) == NULL) {
		fprintf(stderr, "`%s` does not show \"%s\":\n%s", cmd, want,
		    buf);
		return false;
	}
	return true;
}

static void
conf_init(struct sstpd_conf *c, char *name)
{
	memset(c, 0, sizeof *c);
	c->tun_name = name;
	c->mtu = 1300;
	inet_pton(AF_INET, "192.0.2.0", &c->pool4);
	c->pool4_prefix = 25;
	c->have_pool6 = true;
	inet_pton(AF_INET6, "2001:db8:7::", c->pool6);
	c->pool6_prefix = 64;
}

static void
test_created(void)
{
	struct sstpd_conf c;
	struct tun_hub_conf hc;
	struct tun_hub *hub;
	struct event_base *base;
	struct sockaddr_in to = { .sin_family = AF_INET,
	    .sin_port = htons(9) };
	uint64_t no_owner = 0, before = 0, spoofed, too_big;
	char err[256] = "", name[] = "srvtun0", ifname[16] = "";
	uint32_t local4;
	int fd, s, i;

	TEST_START("srv_tun: created, configured, routed, removed");
	conf_init(&c, name);
	inet_pton(AF_INET, "192.0.2.1", &local4);
	memset(&hc, 0, sizeof hc);
	fd = srv_tun_open(&c, local4, ifname, sizeof ifname, &hc, err,
	    sizeof err);
	ASSERT_INT_GE(fd, 0);
	if (fd < 0) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	ASSERT_STR_EQ(ifname, "srvtun0");
	/* The client's offloads (IFF_VNET_HDR): a 10- or 12-byte header. */
	ASSERT_TRUE(hc.vnet_hdr == 10 || hc.vnet_hdr == 12);
	ASSERT_TRUE(if_nametoindex("srvtun0") != 0);
	ASSERT_TRUE(shows("ip -o link show dev srvtun0", "mtu 1300"));
	ASSERT_TRUE(shows("ip -o link show dev srvtun0", ",UP"));
	ASSERT_TRUE(shows("ip -o -4 addr show dev srvtun0",
	    "inet 192.0.2.1/32"));
	ASSERT_TRUE(shows("ip -4 route", "192.0.2.0/25 dev srvtun0"));
	ASSERT_TRUE(shows("ip -6 route", "2001:db8:7::/64 dev srvtun0"));

	base = event_base_new();
	hc.fd = fd;
	hc.name = ifname;
	hc.mtu = c.mtu;
	hc.local4 = local4;
	hub = tun_hub_new(base, &hc, err, sizeof err);
	ASSERT_PTR_NOT_NULL(hub);
	if (hub == NULL)
		return;
	/*
	 * The kernel routes 192.0.2.77 into the TUN: the hub finds no owner.
	 * (The kernel's own IPv6 multicast may come too: at least one more.)
	 */
	event_base_loop(base, EVLOOP_NONBLOCK);
	tun_hub_stats(hub, &before, &spoofed, &too_big);
	no_owner = before;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	inet_pton(AF_INET, "192.0.2.77", &to.sin_addr);
	ASSERT_INT_EQ(sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof to),
	    1);
	close(s);
	for (i = 0; i < 50 && no_owner == before; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
		if (no_owner == before)
			usleep(10000);
	}
	ASSERT_INT_GE(no_owner, before + 1);
	ASSERT_INT_EQ(spoofed, 0);

	/* The hub closes the fd: the device and its routes go. */
	tun_hub_free(hub);
	event_base_free(base);
	ASSERT_TRUE(if_nametoindex("srvtun0") == 0);
	ASSERT_FALSE(system("ip -4 route | grep -q 192.0.2.0/25") == 0);
	TEST_DONE();
}

static void
test_attached(void)
{
	struct sstpd_conf c;
	struct tun_hub_conf hc;
	char err[256] = "", name[] = "srvtun1", ifname[16];
	uint32_t local4;
	int fd;

	TEST_START("srv_tun: a persistent device is attached and kept");
	ASSERT_INT_EQ(system("ip tuntap add dev srvtun1 mode tun"), 0);
	conf_init(&c, name);
	c.have_pool6 = false;
	inet_pton(AF_INET, "192.0.2.130", &local4);
	inet_pton(AF_INET, "192.0.2.128", &c.pool4);
	fd = srv_tun_open(&c, local4, ifname, sizeof ifname, &hc, err,
	    sizeof err);
	ASSERT_INT_GE(fd, 0);
	ASSERT_TRUE(shows("ip -o -4 addr show dev srvtun1",
	    "inet 192.0.2.130/32"));
	ASSERT_TRUE(shows("ip -4 route", "192.0.2.128/25 dev srvtun1"));
	if (fd >= 0)
		close(fd);
	/* The admin's device stays, configured for the next start. */
	ASSERT_TRUE(if_nametoindex("srvtun1") != 0);
	fd = srv_tun_open(&c, local4, ifname, sizeof ifname, &hc, err,
	    sizeof err);
	ASSERT_INT_GE(fd, 0);
	if (fd >= 0)
		close(fd);
	ASSERT_INT_EQ(system("ip tuntap del dev srvtun1 mode tun"), 0);
	TEST_DONE();
}

static void
test_refused(void)
{
	struct sstpd_conf c;
	struct tun_hub_conf hc;
	char err[256] = "", name[] = "srvtun2", ifname[16];
	uint32_t local4;

	TEST_START("srv_tun: refusals leave nothing behind");
	conf_init(&c, name);
	ASSERT_INT_EQ(srv_tun_open(&c, 0, ifname, sizeof ifname, &hc, err,
	    sizeof err), -1);
	ASSERT_TRUE(strstr(err, "--pool") != NULL);
	ASSERT_TRUE(if_nametoindex("srvtun2") == 0);
	/* A route the kernel refuses (a /129): the made device goes. */
	inet_pton(AF_INET, "192.0.2.1", &local4);
	c.pool6_prefix = 129;
	err[0] = '\0';
	ASSERT_INT_EQ(srv_tun_open(&c, local4, ifname, sizeof ifname, &hc,
	    err, sizeof err), -1);
	ASSERT_TRUE(strstr(err, "srvtun2") != NULL);
	ASSERT_TRUE(if_nametoindex("srvtun2") == 0);
	ASSERT_FALSE(system("ip -4 route | grep -q srvtun2") == 0);
	TEST_DONE();
}

int
main(void)
{
	if (geteuid() != 0) {
		printf("SKIP: needs root (a network namespace, /dev/net/tun)\n");
		return 77;
	}
	if (access("/dev/net/tun", R_OK | W_OK) != 0 ||
	    system("ip -V >/dev/null 2>&1") != 0) {
		printf("SKIP: no /dev/net/tun or no ip(8)\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 77;
	}
	if (system("ip link set lo up") != 0)
		printf("# lo not up\n");
	test_created();
	test_attached();
	test_refused();
	return test_exit();
}
