/*
 * srv_tun.c - open and configure sstpd's shared TUN device (see srv_tun.h).
 *
 * The device is opened as the client's is (sys/tun.c tun_open): with
 * IFF_VNET_HDR and TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)
 * when the kernel takes them (BUILTIN-PPP.md 4), so one read may be a
 * TCP super-packet of up to 64 KiB for one peer address.  The hub
 * (link/tunsrv/tunsrv.c) looks the owner up once per super-packet, cuts it
 * into segments for that session (wire/gso.h), and coalesces each
 * session's checked TCP segments toward the TUN (GRO): fewer TUN reads
 * and writes per byte, as in the client.  SSTPC_TUN_VNET=0 in sstpd's
 * environment keeps plain packets (one per read), =nogro writes segments
 * one by one (sstpc(8) ENVIRONMENT; the same variable).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "sstpd/conf.h"
#include "sstpd/srv_tun.h"
#include "sys/hostconf.h"
#include "sys/tun.h"
#include "util/log.h"

#define SRV_TUN_NAME	"sstpd0"
#define SRV_TUN_MTU	1400

/* The network of @addr/@prefix (net order). */
static uint32_t
srv_tun_net4(uint32_t addr, unsigned prefix)
{
	uint32_t m = prefix == 0 ? 0 : prefix >= 32 ? ~(uint32_t)0 :
	    ~(uint32_t)0 << (32 - prefix);

	return htonl(ntohl(addr) & m);
}

/* The network of @addr/@prefix, 16 octets. */
static void
srv_tun_net6(const uint8_t *addr, unsigned prefix, uint8_t *out)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		unsigned bits = prefix > i * 8 ? prefix - i * 8 : 0;

		out[i] = bits >= 8 ? addr[i] : (uint8_t)(addr[i] &
		    (uint8_t)(0xff00u >> bits));
	}
}

/* See srv_tun.h. */
int
srv_tun_open(const struct sstpd_conf *conf, uint32_t local4, char *ifname,
    size_t ifnamelen, struct tun_hub_conf *hc_out, char *err, size_t errlen)
{
	struct hostconf_conf hc;
	struct hostconf_state st;
	struct ppp_ip_info ip;
	struct hostconf_route *rt;
	struct tun_dev dev;
	char e2[256];
	uint32_t net4;
	int r;

	if (local4 == 0) {
		snprintf(err, errlen, "the TUN backend needs the server's "
		    "IPv4 address: give --pool or --local");
		return -1;
	}
	/* IFF_VNET_HDR and the offloads: see the top of this file. */
	r = tun_open(&dev, conf->tun_name != NULL ? conf->tun_name :
	    SRV_TUN_NAME, e2, sizeof e2);
	if (r < 0) {
		snprintf(err, errlen, "%s", e2);
		return -1;
	}
	memset(&hc, 0, sizeof hc);
	hc.ifindex = dev.ifindex;
	snprintf(hc.ifname, sizeof hc.ifname, "%s", dev.name);
	hc.mtu = (uint16_t)(conf->mtu != 0 ? conf->mtu : SRV_TUN_MTU);
	if (conf->pool4 != 0) {
		rt = &hc.routes[hc.n_routes++];
		rt->family = AF_INET;
		rt->prefixlen = (uint8_t)conf->pool4_prefix;
		net4 = srv_tun_net4(conf->pool4, conf->pool4_prefix);
		memcpy(rt->addr, &net4, 4);
	}
	if (conf->have_pool6) {
		rt = &hc.routes[hc.n_routes++];
		rt->family = AF_INET6;
		rt->prefixlen = (uint8_t)conf->pool6_prefix;
		srv_tun_net6(conf->pool6, conf->pool6_prefix, rt->addr);
	}
	/* Our address alone (local/32, no peer): the pools are routes. */
	memset(&ip, 0, sizeof ip);
	ip.have_ip4 = true;
	ip.local4 = local4;
	ip.mtu = hc.mtu;
	r = hostconf_apply(&hc, &ip, NULL, 0, &st, e2, sizeof e2);
	if (r != 0) {
		/* hostconf_apply() undid its part; a device we made goes. */
		snprintf(err, errlen, "TUN %s: %s", dev.name, e2);
		tun_close(&dev);
		return -1;
	}
	log_info("TUN %s %s (ifindex %d, MTU %u%s)", dev.name, dev.created ?
	    "created" : "attached", dev.ifindex, hc.mtu, !dev.offloads ?
	    "" : dev.no_gro ? ", TSO" : ", TSO and GRO");
	/* Without the offloads a read is one packet, header or not. */
	hc_out->vnet_hdr = dev.vnet_hdr;
	hc_out->vnet_le = dev.vnet_le;
	hc_out->no_gro = dev.no_gro;
	snprintf(ifname, ifnamelen, "%s", dev.name);
	return dev.fd;
}
