/*
 * test_script.c - the vpnc-script runner (src/sys/script.c): the exact
 * environment for a given ppp_ip_info and configuration, and the runner's
 * promises: a clean environment, the command run by /bin/sh -c (quoting
 * and shell constructs work), the exit status reported, a script that
 * hangs killed with everything it started.  Runs as any user.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/socket.h>

#include "harness.h"
#include "sys/script.h"

static uint32_t
a4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* The fixture: a Windows-like IPCP + IPV6CP result. */
static void
fixture(struct ppp_ip_info *ip, struct hostconf_conf *c)
{
	memset(ip, 0, sizeof *ip);
	ip->have_ip4 = true;
	ip->local4 = a4("192.0.2.2");
	ip->peer4 = a4("192.0.2.1");
	ip->dns4[0] = a4("192.0.2.53");
	ip->dns4[1] = a4("192.0.2.54");
	ip->nbns4[1] = a4("192.0.2.55");
	ip->have_ip6 = true;
	ip->local_ifid[7] = 2;
	ip->peer_ifid[7] = 1;
	ip->mtu = 1400;
	memset(c, 0, sizeof *c);
	snprintf(c->ifname, sizeof c->ifname, "sstp0");
	c->ifindex = 7;
	c->usepeerdns = true;
	c->n_routes = 2;
	c->routes[0].family = AF_INET;
	c->routes[0].prefixlen = 28;
	inet_pton(AF_INET, "192.0.2.128", c->routes[0].addr);
	c->routes[1].family = AF_INET6;
	c->routes[1].prefixlen = 48;
	inet_pton(AF_INET6, "2001:db8:5::", c->routes[1].addr);
}

/* env must hold exactly want[] (NULL-terminated), in this order. */
static void
check_env(const struct script_env *e, const char *const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL && i < e->n; i++)
		ASSERT_STR_EQ(e->vars[i], want[i]);
	while (want[i] != NULL)
		TH_CHECK(0, "missing %s", want[i++]);
	for (; i < e->n; i++)
		TH_CHECK(0, "unexpected %s", e->vars[i]);
	ASSERT_PTR_NULL(e->vars[e->n]);
}

static void
test_env_connect(void)
{
	static const char *const want[] = {
		"PATH=" SCRIPT_PATH,
		"reason=connect",
		"TUNDEV=sstp0",
		"VPNGATEWAY=192.0.2.200",
		"VPNPID=4242",
		"LOG_LEVEL=2",
		"INTERNAL_IP4_ADDRESS=192.0.2.2",
		"INTERNAL_IP4_NETMASK=255.255.255.255",
		"INTERNAL_IP4_NETMASKLEN=32",
		"INTERNAL_IP4_NETADDR=192.0.2.2",
		"INTERNAL_IP4_MTU=1400",
		"INTERNAL_IP4_DNS=192.0.2.53 192.0.2.54",
		"INTERNAL_IP4_NBNS=192.0.2.55",
		"INTERNAL_IP6_ADDRESS=fe80::2",
		"INTERNAL_IP6_NETMASK=fe80::2/64",
		"CISCO_SPLIT_INC_0_ADDR=192.0.2.1",
		"CISCO_SPLIT_INC_0_MASK=255.255.255.255",
		"CISCO_SPLIT_INC_0_MASKLEN=32",
		"CISCO_SPLIT_INC_1_ADDR=192.0.2.128",
		"CISCO_SPLIT_INC_1_MASK=255.255.255.240",
		"CISCO_SPLIT_INC_1_MASKLEN=28",
		"CISCO_SPLIT_INC=2",
		"CISCO_IPV6_SPLIT_INC_0_ADDR=2001:db8:5::",
		"CISCO_IPV6_SPLIT_INC_0_MASKLEN=48",
		"CISCO_IPV6_SPLIT_INC=1",
		NULL
	};
	struct ppp_ip_info ip;
	struct hostconf_conf c;
	struct script_env e;
	struct script_info si = { &c, &ip, "192.0.2.200", 4242, 2 };

	TEST_START("env: connect with peer, DNS, NBNS, IPv6, two routes");
	fixture(&ip, &c);
	ASSERT_INT_EQ(script_env_build(&e, "connect", &si), 0);
	check_env(&e, want);
	ASSERT_STR_EQ(script_env_get(&e, "TUNDEV"), "sstp0");
	ASSERT_PTR_NULL(script_env_get(&e, "TUNDE"));
	TEST_DONE();
}

static void
test_env_variants(void)
{
	struct ppp_ip_info ip;
	struct hostconf_conf c;
	struct script_env e;
	struct script_info si = { &c, &ip, "192.0.2.200", 1, 3 };

	TEST_START("env: --defaultroute adds 0.0.0.0/0 last");
	fixture(&ip, &c);
	c.defaultroute = true;
	ASSERT_INT_EQ(script_env_build(&e, "disconnect", &si), 0);
	ASSERT_STR_EQ(script_env_get(&e, "reason"), "disconnect");
	ASSERT_STR_EQ(script_env_get(&e, "CISCO_SPLIT_INC"), "3");
	ASSERT_STR_EQ(script_env_get(&e, "CISCO_SPLIT_INC_2_ADDR"),
	    "0.0.0.0");
	ASSERT_STR_EQ(script_env_get(&e, "CISCO_SPLIT_INC_2_MASK"),
	    "0.0.0.0");
	ASSERT_STR_EQ(script_env_get(&e, "CISCO_SPLIT_INC_2_MASKLEN"), "0");
	/* IPv6 never gets a default route from us. */
	ASSERT_STR_EQ(script_env_get(&e, "CISCO_IPV6_SPLIT_INC"), "1");
	TEST_DONE();

	TEST_START("env: no route, no peer, no --defaultroute: SPLIT_INC=0");
	fixture(&ip, &c);
	c.n_routes = 0;
	ip.peer4 = 0;
	ip.have_ip6 = false;
	c.usepeerdns = false;
	ip.mtu = 0;
	c.mtu = 1300;
	ASSERT_INT_EQ(script_env_build(&e, "connect", &si), 0);
	ASSERT_STR_EQ(script_env_get(&e, "CISCO_SPLIT_INC"), "0");
	ASSERT_STR_EQ(script_env_get(&e, "CISCO_IPV6_SPLIT_INC"), "0");
	ASSERT_PTR_NULL(script_env_get(&e, "CISCO_SPLIT_INC_0_ADDR"));
	ASSERT_PTR_NULL(script_env_get(&e, "INTERNAL_IP4_DNS"));
	ASSERT_PTR_NULL(script_env_get(&e, "INTERNAL_IP6_ADDRESS"));
	ASSERT_STR_EQ(script_env_get(&e, "INTERNAL_IP4_MTU"), "1300");
	TEST_DONE();

	TEST_START("env: pre-init has no address and no route");
	fixture(&ip, &c);
	si.ip = NULL;
	si.gateway = NULL;
	ASSERT_INT_EQ(script_env_build(&e, "pre-init", &si), 0);
	ASSERT_INT_EQ(e.n, 6);
	ASSERT_STR_EQ(script_env_get(&e, "VPNGATEWAY"), "");
	ASSERT_PTR_NULL(script_env_get(&e, "CISCO_SPLIT_INC"));
	ASSERT_PTR_NULL(script_env_get(&e, "INTERNAL_IP4_ADDRESS"));
	TEST_DONE();

	TEST_START("env: the most routes fit");
	fixture(&ip, &c);
	si.ip = &ip;
	c.defaultroute = true;
	for (c.n_routes = 0; c.n_routes < HOSTCONF_ROUTES_MAX; c.n_routes++) {
		c.routes[c.n_routes].family = c.n_routes % 2 ? AF_INET6 :
		    AF_INET;
		c.routes[c.n_routes].prefixlen = c.n_routes % 2 ? 128 : 32;
		memset(c.routes[c.n_routes].addr, 0xff, 16);
	}
	ASSERT_INT_EQ(script_env_build(&e, "connect", &si), 0);
	ASSERT_STR_EQ(script_env_get(&e, "CISCO_SPLIT_INC"), "34");
	ASSERT_STR_EQ(script_env_get(&e, "CISCO_IPV6_SPLIT_INC"), "32");
	TEST_DONE();

	TEST_START("reasons");
	ASSERT_TRUE(script_reason_ok("pre-init"));
	ASSERT_TRUE(script_reason_ok("attempt-reconnect"));
	ASSERT_TRUE(script_reason_ok("reconnect"));
	ASSERT_FALSE(script_reason_ok("up"));
	TEST_DONE();
}

/* Write an executable shell script into dir/name. */
static void
write_script(const char *dir, const char *name, const char *body,
    char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		return;
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
}

/* The whole of a small file into buf ("" if none). */
static void
slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f == NULL)
		return;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void
test_run(void)
{
	char dir[] = "/tmp/sstpc-test-script-XXXXXX", path[600], cmd[1024],
	    out[4096], err[200];
	struct ppp_ip_info ip;
	struct hostconf_conf c;
	struct script_env e;
	struct script_info si = { &c, &ip, "192.0.2.200", 1, 2 };
	struct timespec t0, t1;
	long ms;

	if (mkdtemp(dir) == NULL) {
		printf("SKIP: mkdtemp\n");
		return;
	}
	fixture(&ip, &c);
	script_env_build(&e, "connect", &si);

	TEST_START("run: clean environment, no variable of ours");
	setenv("SSTPC_TEST_SECRET", "hunter2", 1);
	snprintf(cmd, sizeof cmd, "env > \"$(dirname \"$0\")/env.out\"; "
	    "echo \"$#:$1:$2\" > \"$(dirname \"$0\")/args.out\"");
	write_script(dir, "s1", cmd, path, sizeof path);
	ASSERT_INT_EQ(script_run(path, &e, 5000, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/env.out", dir);
	slurp(path, out, sizeof out);
	ASSERT_TRUE(strstr(out, "SSTPC_TEST_SECRET") == NULL);
	ASSERT_TRUE(strstr(out, "HOME=") == NULL);
	ASSERT_TRUE(strstr(out, "PATH=" SCRIPT_PATH "\n") != NULL);
	ASSERT_TRUE(strstr(out, "reason=connect\n") != NULL);
	ASSERT_TRUE(strstr(out, "CISCO_SPLIT_INC=2\n") != NULL);
	TEST_DONE();

	/*
	 * sstpc.8: CMD is run by /bin/sh -c.  Splitting at blanks gave
	 * "8:'one:two'" here and ran no '&&'.
	 */
	TEST_START("run: /bin/sh -c: quotes, variables of the env, &&");
	snprintf(path, sizeof path, "%s/s1", dir);
	snprintf(cmd, sizeof cmd, "%s 'one  two' \"$reason\" && "
	    "echo \"$TUNDEV\" > '%s/and.out'", path, dir);
	ASSERT_INT_EQ(script_run(cmd, &e, 5000, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/args.out", dir);
	slurp(path, out, sizeof out);
	ASSERT_STR_EQ(out, "2:one  two:connect\n");
	snprintf(path, sizeof path, "%s/and.out", dir);
	slurp(path, out, sizeof out);
	ASSERT_STR_EQ(out, "sstp0\n");
	TEST_DONE();

	TEST_START("run: a quoted path with a space in it");
	snprintf(path, sizeof path, "%s/a b", dir);
	ASSERT_INT_EQ(mkdir(path, 0700), 0);
	write_script(path, "s4", "echo \"$reason\" > \"$(dirname "
	    "\"$0\")/s4.out\"", cmd, sizeof cmd);
	snprintf(out, sizeof out, "'%s'", cmd);
	ASSERT_INT_EQ(script_run(out, &e, 5000, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/a b/s4.out", dir);
	slurp(path, out, sizeof out);
	ASSERT_STR_EQ(out, "connect\n");
	TEST_DONE();

	TEST_START("run: a program without '/' from the fixed PATH");
	ASSERT_INT_EQ(script_run("true", &e, 5000, err, sizeof err), 0);
	ASSERT_INT_EQ(script_run("false", &e, 5000, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "exit status 1");
	TEST_DONE();

	TEST_START("run: exit status, not found, empty");
	write_script(dir, "s2", "exit 3", path, sizeof path);
	ASSERT_INT_EQ(script_run(path, &e, 5000, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "exit status 3");
	snprintf(path, sizeof path, "%s/missing", dir);
	ASSERT_INT_EQ(script_run(path, &e, 5000, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "exit status 127 (not found or not executable)");
	ASSERT_INT_EQ(script_run(" \t", &e, 5000, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "empty command");
	TEST_DONE();

	TEST_START("run: a hanging script and its children are killed");
	write_script(dir, "s3", "sleep 29.71 & sleep 29.71", path, sizeof path);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_INT_EQ(script_run(path, &e, 300, err, sizeof err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	ASSERT_STR_EQ(err, "timed out after 0 s");
	ASSERT_INT_LT(ms, 3000);
	ASSERT_INT_GE(ms, 300);
	/* Its background child went with the process group. */
	snprintf(cmd, sizeof cmd, "pgrep -f '^sleep 29.71$' >/dev/null");
	ASSERT_INT_NE(system(cmd), 0);
	TEST_DONE();

	TEST_START("run: a hanging shell line and its children are killed");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_INT_EQ(script_run("sleep 29.72 & sleep 29.72; true", &e, 300,
	    err, sizeof err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	ASSERT_STR_EQ(err, "timed out after 0 s");
	ASSERT_INT_LT(ms, 3000);
	snprintf(cmd, sizeof cmd, "pgrep -f '^sleep 29.72$' >/dev/null");
	ASSERT_INT_NE(system(cmd), 0);
	TEST_DONE();

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

int
main(void)
{
	test_env_connect();
	test_env_variants();
	test_run();
	return test_exit();
}
