/*
 * script-driver.c - runs src/sys/script.c the way the session does, for
 * tier-vpnc-script.sh (the stock vpnc-script in a namespace):
 *
 *   script-driver CMD REASON TUNDEV GATEWAY LOCAL PEER DNS1 DNS2
 *       [defaultroute] [CIDR ...]
 *
 * PEER, DNS1, DNS2: an address or "-" (none).  Prints the script's failure
 * and exits 1 when it fails, 2 on a usage error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "sys/script.h"

/* An IPv4 address, or 0 for "-". */
static uint32_t
addr4(const char *s)
{
	struct in_addr a;

	if (strcmp(s, "-") == 0 || inet_pton(AF_INET, s, &a) != 1)
		return 0;
	return a.s_addr;
}

/* "a/len" into rt; false when malformed. */
static int
cidr(const char *s, struct hostconf_route *rt)
{
	char buf[64], *slash;

	snprintf(buf, sizeof buf, "%s", s);
	if ((slash = strchr(buf, '/')) == NULL)
		return 0;
	*slash = '\0';
	memset(rt, 0, sizeof *rt);
	rt->prefixlen = (uint8_t)atoi(slash + 1);
	if (inet_pton(AF_INET, buf, rt->addr) == 1)
		rt->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, rt->addr) == 1)
		rt->family = AF_INET6;
	else
		return 0;
	return 1;
}

int
main(int argc, char **argv)
{
	struct hostconf_conf c;
	struct ppp_ip_info ip;
	struct script_env e;
	struct script_info si;
	char err[256];
	int i;

	if (argc < 9 || !script_reason_ok(argv[2])) {
		fprintf(stderr, "usage: script-driver CMD REASON TUNDEV GATEWAY "
		    "LOCAL PEER DNS1 DNS2 [defaultroute] [CIDR ...]\n");
		return 2;
	}
	memset(&c, 0, sizeof c);
	memset(&ip, 0, sizeof ip);
	snprintf(c.ifname, sizeof c.ifname, "%s", argv[3]);
	c.usepeerdns = true;
	ip.have_ip4 = true;
	ip.local4 = addr4(argv[5]);
	ip.peer4 = addr4(argv[6]);
	ip.dns4[0] = addr4(argv[7]);
	ip.dns4[1] = addr4(argv[8]);
	ip.mtu = 1400;
	for (i = 9; i < argc; i++) {
		if (strcmp(argv[i], "defaultroute") == 0)
			c.defaultroute = true;
		else if (c.n_routes < HOSTCONF_ROUTES_MAX &&
		    cidr(argv[i], &c.routes[c.n_routes]))
			c.n_routes++;
		else {
			fprintf(stderr, "script-driver: bad route %s\n",
			    argv[i]);
			return 2;
		}
	}
	si.conf = &c;
	si.ip = strcmp(argv[2], "pre-init") == 0 ? NULL : &ip;
	si.gateway = argv[4];
	/* One VPNPID for connect and disconnect, as in a session. */
	si.vpnpid = getppid();
	si.log_level = 2;
	if (script_env_build(&e, argv[2], &si) != 0 ||
	    script_run(argv[1], &e, SCRIPT_TIMEOUT_MS, err, sizeof err) != 0) {
		fprintf(stderr, "script-driver: %s %s: %s\n", argv[1], argv[2],
		    e.overflow ? "environment too large" : err);
		return 1;
	}
	return 0;
}
