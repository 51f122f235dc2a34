/*
 * hostconf.c - the built-in mode's host configuration over rtnetlink
 * (RFC 3549 2.3.3; rtnetlink(7)).  See hostconf.h.  The codec is sys/nl.c,
 * shared with route.c; the server's host route is route_save() itself.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "util/buf.h"
#include "util/log.h"
#include "sys/hostconf.h"
#include "sys/nl.h"

#define HC_IFINFO_LEN	16	/* struct ifinfomsg */
#define HC_IFADDR_LEN	8	/* struct ifaddrmsg */
#define HC_REQ_MAX	256
#define HC_MTU_MIN	68	/* RFC 791 */
#define HC_MTU_V6	1280	/* RFC 8200 5 */

/* The two halves that override the default route (hostconf.h). */
static const struct hostconf_route hc_halves[2] = {
	{ AF_INET, 1, { 0, 0, 0, 0 } },
	{ AF_INET, 1, { 128, 0, 0, 0 } },
};

/* "a.b.c.d" or an IPv6 address of family, for logs. */
static const char *
hc_ntop(int family, const void *a, char *buf, size_t len)
{
	if (inet_ntop(family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

/* Append a struct ifinfomsg. */
static void
hc_put_ifinfo(struct wbuf *w, int ifindex, uint32_t flags, uint32_t change)
{
	wbuf_put_u8(w, AF_UNSPEC);
	wbuf_put_u8(w, 0);
	nl_put_u16(w, 0);			/* ifi_type */
	nl_put_u32(w, (uint32_t)ifindex);
	nl_put_u32(w, flags);
	nl_put_u32(w, change);
}

/* RTM_GETLINK: the interface's flags and MTU now. */
static int
hc_get_link(struct nl_sock *nl, int ifindex, uint32_t *flags, uint32_t *mtu)
{
	uint8_t req[HC_REQ_MAX], in[NL_BUF];
	struct bcur pl, a;
	struct wbuf w;
	uint32_t idx;
	uint16_t type;
	int r;

	wbuf_init(&w, req, sizeof req);
	nl_begin(&w, nl, RTM_GETLINK, NLM_F_REQUEST);
	hc_put_ifinfo(&w, ifindex, 0, 0);
	if ((r = nl_send(nl, &w)) != 0 ||
	    (r = nl_recv(nl, RTM_NEWLINK, in, &pl)) != 0)
		return r;
	*mtu = 0;
	if (bcur_skip(&pl, 4) != 0 || nl_get_u32(&pl, &idx) != 0 ||
	    nl_get_u32(&pl, flags) != 0 || bcur_skip(&pl, 4) != 0 ||
	    idx != (uint32_t)ifindex)
		return -EBADMSG;
	while ((r = nl_next_attr(&pl, &type, &a)) == 0)
		if (type == IFLA_MTU && (bcur_left(&a) != 4 ||
		    nl_get_u32(&a, mtu) != 0))
			return -EBADMSG;
	return r < 0 ? r : 0;
}

/* RTM_NEWLINK: IFF_UP on or off, and the MTU (0: unchanged). */
static int
hc_set_link(struct nl_sock *nl, int ifindex, bool up, uint32_t mtu)
{
	uint8_t req[HC_REQ_MAX];
	struct wbuf w;

	/*
	 * XX: always name IFF_UP in ifi_change: Linux 6.18 applies
	 * ifi_flags even with ifi_change 0, which clears MULTICAST and
	 * NOARP (rtnetlink(7) says 0 means "no change").
	 */
	wbuf_init(&w, req, sizeof req);
	nl_begin(&w, nl, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
	hc_put_ifinfo(&w, ifindex, up ? IFF_UP : 0, IFF_UP);
	if (mtu != 0)
		nl_put_attr(&w, IFLA_MTU, &mtu, sizeof mtu);
	return nl_call(nl, &w);
}

/*
 * RTM_NEWLINK: no IPv6 link-local address of the kernel's own on the
 * device (IFLA_INET6_ADDR_GEN_MODE none, Linux 4.1): the only one is the
 * interface identifier IPV6CP agreed (RFC 5072 5).  Without this a TUN
 * also gets a random fe80:: whose router and listener messages a strict
 * server drops as spoofed (sstpd does).  Sent before IFF_UP, which is
 * when the kernel would make it.  Best effort: a kernel without IPv6
 * refuses it, and nothing depends on it.
 */
static int
hc_no_addr_gen(struct nl_sock *nl, int ifindex)
{
	uint8_t req[HC_REQ_MAX];
	/* IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE: u8 } } */
	const uint8_t spec[12] = {
		12, 0, AF_INET6, 0,
		5, 0, IFLA_INET6_ADDR_GEN_MODE, 0,
		IN6_ADDR_GEN_MODE_NONE, 0, 0, 0
	};
	struct wbuf w;

	wbuf_init(&w, req, sizeof req);
	nl_begin(&w, nl, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
	hc_put_ifinfo(&w, ifindex, 0, 0);
	nl_put_attr(&w, IFLA_AF_SPEC, spec, sizeof spec);
	return nl_call(nl, &w);
}

/* RTM_NEWADDR / RTM_DELADDR: local peer peer/plen on ifindex. */
static int
hc_addr(struct nl_sock *nl, uint16_t type, int family, int ifindex,
    const uint8_t *local, const uint8_t *peer, uint8_t plen)
{
	uint8_t req[HC_REQ_MAX];
	size_t alen = family == AF_INET ? 4 : 16;
	uint32_t fl = family == AF_INET6 ? IFA_F_NODAD : 0;
	struct wbuf w;

	wbuf_init(&w, req, sizeof req);
	nl_begin(&w, nl, type, (uint16_t)(NLM_F_REQUEST | NLM_F_ACK |
	    (type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0)));
	wbuf_put_u8(&w, (uint8_t)family);
	wbuf_put_u8(&w, plen);
	wbuf_put_u8(&w, (uint8_t)fl);
	wbuf_put_u8(&w, family == AF_INET6 ? RT_SCOPE_LINK :
	    RT_SCOPE_UNIVERSE);
	nl_put_u32(&w, (uint32_t)ifindex);
	nl_put_attr(&w, IFA_LOCAL, local, alen);
	nl_put_attr(&w, IFA_ADDRESS, peer, alen);
	if (type == RTM_NEWADDR && fl != 0)
		nl_put_attr(&w, IFA_FLAGS, &fl, sizeof fl);
	return nl_call(nl, &w);
}

/* RTM_NEWROUTE / RTM_DELROUTE: rt dev ifindex, main table. */
static int
hc_route(struct nl_sock *nl, uint16_t type, int ifindex,
    const struct hostconf_route *rt)
{
	uint8_t req[HC_REQ_MAX];
	size_t alen = rt->family == AF_INET ? 4 : 16;
	uint32_t oif = (uint32_t)ifindex, table = RT_TABLE_MAIN;
	struct rtmsg rtm = {
		.rtm_family = rt->family,
		.rtm_dst_len = rt->prefixlen,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = RTPROT_BOOT,
		.rtm_type = RTN_UNICAST,
	};
	struct wbuf w;

	if (type == RTM_NEWROUTE)
		rtm.rtm_scope = rt->family == AF_INET ? RT_SCOPE_LINK :
		    RT_SCOPE_UNIVERSE;
	else
		rtm.rtm_scope = RT_SCOPE_NOWHERE;	/* delete: any scope */
	wbuf_init(&w, req, sizeof req);
	nl_begin(&w, nl, type, (uint16_t)(NLM_F_REQUEST | NLM_F_ACK |
	    (type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0)));
	nl_put_rtmsg(&w, &rtm);
	if (rt->prefixlen > 0)
		nl_put_attr(&w, RTA_DST, rt->addr, alen);
	nl_put_attr(&w, RTA_OIF, &oif, sizeof oif);
	nl_put_attr(&w, RTA_TABLE, &table, sizeof table);
	return nl_call(nl, &w);
}

/* "CIDR" of rt, for logs. */
static const char *
hc_cidr(const struct hostconf_route *rt, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", hc_ntop(rt->family, rt->addr, a,
	    sizeof a), rt->prefixlen);
	return buf;
}

/* An IPv4 address a host may hold (network order in v). */
static bool
hc_host4(uint32_t v)
{
	uint32_t h = ntohl(v);

	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 28) != 0xe &&
	    (h >> 28) != 0xf;
}

bool
hostconf_check_ip(const struct ppp_ip_info *ip, char *err, size_t errlen)
{
	static const uint8_t zero[8];
	char a[INET_ADDRSTRLEN];

	if (!ip->have_ip4 && !ip->have_ip6) {
		snprintf(err, errlen, "no address at all");
		return false;
	}
	if (ip->have_ip4 && !hc_host4(ip->local4)) {
		snprintf(err, errlen, "%s is not a host address",
		    hc_ntop(AF_INET, &ip->local4, a, sizeof a));
		return false;
	}
	if (ip->have_ip4 && ip->peer4 != 0 && !hc_host4(ip->peer4)) {
		snprintf(err, errlen, "peer %s is not a host address",
		    hc_ntop(AF_INET, &ip->peer4, a, sizeof a));
		return false;
	}
	if (ip->have_ip6 && (memcmp(ip->local_ifid, zero, 8) == 0 ||
	    memcmp(ip->peer_ifid, zero, 8) == 0)) {
		snprintf(err, errlen, "a zero IPv6 interface identifier");
		return false;
	}
	if (ip->mtu != 0 && ip->mtu < HC_MTU_MIN) {
		snprintf(err, errlen, "MTU %u below %u", ip->mtu, HC_MTU_MIN);
		return false;
	}
	return true;
}

/* fe80::ifid (RFC 4291 2.5.6). */
static void
hc_linklocal(uint8_t out[16], const uint8_t ifid[8])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	memcpy(out + 8, ifid, 8);
}

/* Add one route, remembering whether it is ours. */
static int
hc_add_route(struct nl_sock *nl, int ifindex, const struct hostconf_route *rt,
    bool *added, char *err, size_t errlen)
{
	char c[INET6_ADDRSTRLEN + 8], dev[IF_NAMESIZE];
	int r;

	*added = false;
	r = hc_route(nl, RTM_NEWROUTE, ifindex, rt);
	if (r == -EEXIST) {
		log_warn("host configuration: route %s exists already; left "
		    "alone", hc_cidr(rt, c, sizeof c));
		return 0;
	}
	if (r != 0) {
		snprintf(err, errlen, "cannot add the route %s dev %s: %s",
		    hc_cidr(rt, c, sizeof c), if_indextoname((unsigned)ifindex,
		    dev) != NULL ? dev : "?", strerror(-r));
		return r;
	}
	*added = true;
	log_debug("host configuration: route %s added",
	    hc_cidr(rt, c, sizeof c));
	return 0;
}

int
hostconf_apply(const struct hostconf_conf *conf, const struct ppp_ip_info *ip,
    const struct sockaddr *gw, socklen_t gwlen, struct hostconf_state *st,
    char *err, size_t errlen)
{
	struct nl_sock nl = { .fd = -1 };
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], e2[256];
	uint32_t flags, mtu = ip->mtu != 0 ? ip->mtu : conf->mtu;
	uint8_t ll[16], pl[16];
	size_t i;
	int r;

	memset(st, 0, sizeof *st);
	st->ifindex = conf->ifindex;
	if (!hostconf_check_ip(ip, e2, sizeof e2)) {
		snprintf(err, errlen, "host configuration refused: %s", e2);
		return -EINVAL;
	}
	if ((r = nl_open(&nl)) != 0) {
		snprintf(err, errlen, "host configuration: netlink: %s",
		    strerror(-r));
		return r;
	}
	st->applied = true;
	if ((r = hc_get_link(&nl, conf->ifindex, &flags, &st->old_mtu)) != 0) {
		snprintf(err, errlen, "host configuration: interface #%d: %s",
		    conf->ifindex, strerror(-r));
		goto fail;
	}
	st->set_mtu = mtu != 0 && mtu != st->old_mtu;
	st->set_up = (flags & IFF_UP) == 0;
	if (st->set_up && (r = hc_no_addr_gen(&nl, conf->ifindex)) != 0)
		log_debug("host configuration: %s keeps the kernel's IPv6 "
		    "link-local address: %s", conf->ifname, strerror(-r));
	if ((st->set_mtu || st->set_up) && (r = hc_set_link(&nl,
	    conf->ifindex, true, st->set_mtu ? mtu : 0)) != 0) {
		st->set_mtu = st->set_up = false;
		snprintf(err, errlen, "host configuration: cannot set %s up "
		    "(MTU %u): %s", conf->ifname, mtu, strerror(-r));
		goto fail;
	}
	if (ip->have_ip4) {
		memcpy(st->local4, &ip->local4, 4);
		memcpy(st->peer4, ip->peer4 != 0 ? &ip->peer4 : &ip->local4,
		    4);
		r = hc_addr(&nl, RTM_NEWADDR, AF_INET, conf->ifindex,
		    st->local4, st->peer4, 32);
		if (r != 0 && r != -EEXIST) {
			snprintf(err, errlen, "host configuration: cannot add "
			    "%s peer %s to %s: %s", hc_ntop(AF_INET,
			    st->local4, a, sizeof a), hc_ntop(AF_INET,
			    st->peer4, b, sizeof b), conf->ifname,
			    strerror(-r));
			goto fail;
		}
		st->addr4 = r == 0;
	}
	if (ip->have_ip6) {
		hc_linklocal(ll, ip->local_ifid);
		hc_linklocal(pl, ip->peer_ifid);
		memcpy(st->local6, ll, 16);
		memcpy(st->peer6, pl, 16);
		r = hc_addr(&nl, RTM_NEWADDR, AF_INET6, conf->ifindex, ll, pl,
		    64);
		if (r != 0 && r != -EEXIST)
			/* IPv6 may be disabled here; IPv4 still works. */
			log_warn("host configuration: cannot add %s/64 to %s: "
			    "%s", hc_ntop(AF_INET6, ll, a, sizeof a),
			    conf->ifname, strerror(-r));
		st->addr6 = r == 0;
	}
	if (conf->defaultroute && gw != NULL) {
		r = route_save(gw, gwlen, &st->server, e2, sizeof e2);
		if (r < 0) {
			snprintf(err, errlen, "host configuration: "
			    "--defaultroute: %s", e2);
			goto fail;
		}
	}
	st->n_routes = conf->n_routes;
	for (i = 0; i < conf->n_routes; i++) {
		st->routes[i] = conf->routes[i];
		if ((r = hc_add_route(&nl, conf->ifindex, &conf->routes[i],
		    &st->route_added[i], err, errlen)) != 0)
			goto fail;
	}
	if (conf->defaultroute && ip->have_ip4)
		for (i = 0; i < 2; i++)
			if ((r = hc_add_route(&nl, conf->ifindex,
			    &hc_halves[i], &st->half_added[i], err,
			    errlen)) != 0)
				goto fail;
	nl_close(&nl);
	log_info("host configuration: %s up%s%s%s%s, %zu route%s%s",
	    conf->ifname, ip->have_ip4 ? ", " : "", ip->have_ip4 ?
	    hc_ntop(AF_INET, st->local4, a, sizeof a) : "", st->addr6 ? ", " :
	    "", st->addr6 ? hc_ntop(AF_INET6, st->local6, b, sizeof b) : "",
	    conf->n_routes, conf->n_routes == 1 ? "" : "s",
	    conf->defaultroute ? ", default route" : "");
	return 0;
fail:
	nl_close(&nl);
	hostconf_undo(st);
	return r;
}

/* Undo one step; a route or address already gone is not an error. */
static int
hc_undo_ret(int r, int first)
{
	if (r == -ESRCH || r == -ENODEV || r == -EADDRNOTAVAIL ||
	    r == -ENOENT)
		r = 0;
	return first != 0 ? first : r;
}

int
hostconf_undo(struct hostconf_state *st)
{
	struct nl_sock nl = { .fd = -1 };
	char c[INET6_ADDRSTRLEN + 8];
	int first = 0, r;
	size_t i;

	if (!st->applied)
		return 0;
	if ((r = nl_open(&nl)) != 0) {
		log_warn("host configuration: netlink: %s", strerror(-r));
		route_restore(&st->server);
		memset(st, 0, sizeof *st);
		return r;
	}
	for (i = 2; i-- > 0;)
		if (st->half_added[i])
			first = hc_undo_ret(hc_route(&nl, RTM_DELROUTE,
			    st->ifindex, &hc_halves[i]), first);
	for (i = st->n_routes; i-- > 0;)
		if (st->route_added[i]) {
			r = hc_undo_ret(hc_route(&nl, RTM_DELROUTE,
			    st->ifindex, &st->routes[i]), 0);
			if (r != 0)
				log_warn("host configuration: cannot remove "
				    "the route %s: %s", hc_cidr(&st->routes[i],
				    c, sizeof c), strerror(-r));
			first = first != 0 ? first : r;
		}
	r = route_restore(&st->server);
	first = first != 0 ? first : r;
	if (st->addr6)
		first = hc_undo_ret(hc_addr(&nl, RTM_DELADDR, AF_INET6,
		    st->ifindex, st->local6, st->peer6, 64), first);
	if (st->addr4)
		first = hc_undo_ret(hc_addr(&nl, RTM_DELADDR, AF_INET,
		    st->ifindex, st->local4, st->peer4, 32), first);
	if (st->set_up || st->set_mtu)
		first = hc_undo_ret(hc_set_link(&nl, st->ifindex, !st->set_up,
		    st->set_mtu ? st->old_mtu : 0), first);
	nl_close(&nl);
	if (first != 0)
		log_warn("host configuration: undo: %s", strerror(-first));
	else
		log_debug("host configuration: undone on #%d", st->ifindex);
	memset(st, 0, sizeof *st);
	return first;
}

/* The "iff:" line of one /proc/self/fdinfo file: the TUN's name. */
static bool
hc_fdinfo_iff(int dirfd, const char *name, char *ifname, size_t len)
{
	char buf[1024], *p, *e;
	ssize_t n;
	size_t k;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, "\niff:\t");
	if (p == NULL)
		return false;
	p += 6;
	e = strchr(p, '\n');
	k = e != NULL ? (size_t)(e - p) : strlen(p);
	if (k == 0 || k >= len || k >= IF_NAMESIZE)
		return false;
	memcpy(ifname, p, k);
	ifname[k] = '\0';
	return true;
}

int
hostconf_find_tun(char *ifname, size_t len, int *ifindex)
{
	DIR *d = opendir("/proc/self/fdinfo");
	struct dirent *e;
	unsigned idx = 0;

	if (d == NULL)
		return -errno;
	while (idx == 0 && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && hc_fdinfo_iff(dirfd(d), e->d_name,
		    ifname, len))
			idx = if_nametoindex(ifname);
	closedir(d);
	if (idx == 0)
		return -ENODEV;
	*ifindex = (int)idx;
	return 0;
}
