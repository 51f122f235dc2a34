/*
 * route.c - --save-server-route over rtnetlink (RFC 3549 section 2.3.3.2;
 * rtnetlink(7), netlink(7)).  See route.h.
 *
 * Requests are built with struct wbuf.  Replies come from the kernel, but
 * they are still bytes from outside the process: every header, attribute
 * and length is read through struct bcur, and only messages whose sequence
 * number and port id are ours, sent by the kernel (nl_pid 0), are used.
 * Netlink is in host byte order.
 *
 * Compared with sstp-client 1.0.18 (REFERENCE-CLIENT.md 1.7): NLM_F_EXCL
 * instead of NLM_F_REPLACE, so an existing host route (the admin's, or a
 * second sstpc's) is neither overwritten nor deleted at exit; the route goes
 * into the table the lookup came from; the delete names protocol, gateway
 * and interface, so it cannot remove a route someone else put there since.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "util/buf.h"
#include "util/log.h"
#include "sys/nl.h"
#include "sys/route.h"

/* RTM_NEWROUTE/DELROUTE: header, rtmsg, DST, GATEWAY, OIF, TABLE. */
#define ROUTE_REQ_MAX		(NL_HDR_LEN + NL_RTMSG_LEN + \
	2 * (NL_ATTR_HDR_LEN + 16) + 2 * (NL_ATTR_HDR_LEN + 4))

/* What the RTM_GETROUTE answer says (rtm_* and RTA_* of interest). */
struct route_answer {
	uint8_t		 type;		/* RTN_* */
	bool		 has_gw;
	uint8_t		 gw[16];
	int		 oif;
	uint32_t	 table;
};

/*
 * Parse the attributes of an RTM_NEWROUTE answer (rtnetlink(7)) from body,
 * which starts after struct rtmsg.  alen is the address length.
 */
static int
route_parse_attrs(struct bcur *body, size_t alen, struct route_answer *ans)
{
	struct bcur a;
	uint16_t rtype;
	uint32_t v;
	int r;

	while ((r = nl_next_attr(body, &rtype, &a)) == 0) {
		switch (rtype) {
		case RTA_GATEWAY:
			if (bcur_left(&a) != alen ||
			    bcur_get_bytes(&a, ans->gw, alen) != 0)
				return -EBADMSG;
			ans->has_gw = true;
			break;
		case RTA_OIF:
			if (bcur_left(&a) != 4 || nl_get_u32(&a, &v) != 0)
				return -EBADMSG;
			ans->oif = (int)v;
			break;
		case RTA_TABLE:
			if (bcur_left(&a) != 4 || nl_get_u32(&a, &v) != 0)
				return -EBADMSG;
			ans->table = v;
			break;
		case RTA_VIA:
			/* XX: an IPv4 route via an IPv6 gateway (RFC 5549). */
			return -EAFNOSUPPORT;
		default:
			break;		/* PREFSRC, PREF, CACHEINFO, UID... */
		}
	}
	return r < 0 ? r : 0;
}

/* Parse struct rtmsg and its attributes from an RTM_NEWROUTE payload. */
static int
route_parse_route(struct bcur *pl, int family, struct route_answer *ans)
{
	uint8_t fam, f8;
	int r;

	memset(ans, 0, sizeof *ans);
	if ((r = bcur_get_u8(pl, &fam)) != 0 ||
	    (r = bcur_skip(pl, 3)) != 0 ||		/* dst, src len, tos */
	    (r = bcur_get_u8(pl, &f8)) != 0)		/* table */
		return r;
	ans->table = f8;
	if ((r = bcur_skip(pl, 2)) != 0 ||		/* protocol, scope */
	    (r = bcur_get_u8(pl, &ans->type)) != 0 ||
	    (r = bcur_skip(pl, 4)) != 0)		/* flags */
		return r;
	if (fam != family)
		return -EBADMSG;
	return route_parse_attrs(pl, family == AF_INET ? 4 : 16, ans);
}

/* Octets of the address in rs->family. */
static size_t
route_alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* Build and send RTM_NEWROUTE or RTM_DELROUTE for rs; wait for the ACK. */
static int
route_change(struct nl_sock *nl, const struct route_saved *rs, uint16_t type,
    uint16_t flags)
{
	uint8_t buf[ROUTE_REQ_MAX];
	size_t alen = route_alen(rs->family);
	struct rtmsg rtm = {
		.rtm_family = (uint8_t)rs->family,
		.rtm_dst_len = (uint8_t)(alen * 8),
		.rtm_table = rs->table < 256 ? (uint8_t)rs->table :
		    RT_TABLE_UNSPEC,
		.rtm_protocol = RTPROT_BOOT,
		.rtm_type = RTN_UNICAST,
	};
	uint32_t oif = (uint32_t)rs->oif;
	struct wbuf w;

	if (type == RTM_NEWROUTE)
		rtm.rtm_scope = rs->has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	else
		rtm.rtm_scope = RT_SCOPE_NOWHERE;	/* delete: any scope */
	wbuf_init(&w, buf, sizeof buf);
	nl_begin(&w, nl, type, (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags));
	nl_put_rtmsg(&w, &rtm);
	nl_put_attr(&w, RTA_DST, rs->dst, alen);
	if (rs->has_gw)
		nl_put_attr(&w, RTA_GATEWAY, rs->gw, alen);
	nl_put_attr(&w, RTA_OIF, &oif, sizeof oif);
	nl_put_attr(&w, RTA_TABLE, &rs->table, sizeof rs->table);
	return nl_call(nl, &w);
}

/* Ask the kernel how it reaches rs->dst now (RTM_GETROUTE). */
static int
route_lookup(struct nl_sock *nl, const struct route_saved *rs,
    struct route_answer *ans)
{
	uint8_t buf[ROUTE_REQ_MAX], in[NL_BUF];
	size_t alen = route_alen(rs->family);
	struct rtmsg rtm = {
		.rtm_family = (uint8_t)rs->family,
		.rtm_dst_len = (uint8_t)(alen * 8),
		.rtm_flags = RTM_F_LOOKUP_TABLE,
	};
	struct bcur pl;
	struct wbuf w;
	int r;

	wbuf_init(&w, buf, sizeof buf);
	nl_begin(&w, nl, RTM_GETROUTE, NLM_F_REQUEST);
	nl_put_rtmsg(&w, &rtm);
	nl_put_attr(&w, RTA_DST, rs->dst, alen);
	if ((r = nl_send(nl, &w)) != 0 ||
	    (r = nl_recv(nl, RTM_NEWROUTE, in, &pl)) != 0)
		return r;
	return route_parse_route(&pl, rs->family, ans);
}

/* Fill rs->family and rs->dst from sa (v4-mapped IPv6 becomes IPv4). */
static int
route_set_dst(struct route_saved *rs, const struct sockaddr *sa,
    socklen_t salen)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct bcur c;

	if (sa == NULL || salen < (socklen_t)sizeof sa->sa_family)
		return -EINVAL;
	if (sa->sa_family == AF_INET) {
		if (salen < (socklen_t)sizeof sin)
			return -EINVAL;
		memcpy(&sin, sa, sizeof sin);
		rs->family = AF_INET;
		memcpy(rs->dst, &sin.sin_addr, 4);
		return 0;
	}
	if (sa->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (salen < (socklen_t)sizeof sin6)
		return -EINVAL;
	memcpy(&sin6, sa, sizeof sin6);
	c = bcur_make(&sin6.sin6_addr, sizeof sin6.sin6_addr);
	if (bcur_starts_with(&c, v4mapped, sizeof v4mapped)) {
		rs->family = AF_INET;
		bcur_skip(&c, sizeof v4mapped);
		return bcur_get_bytes(&c, rs->dst, 4);
	}
	rs->family = AF_INET6;
	memcpy(rs->dst, &sin6.sin6_addr, 16);
	return 0;
}

/* "DST/LEN via GW dev OIF" into rs->desc. */
static void
route_describe(struct route_saved *rs)
{
	char dst[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN], dev[IF_NAMESIZE];

	if (inet_ntop(rs->family, rs->dst, dst, sizeof dst) == NULL)
		snprintf(dst, sizeof dst, "?");
	if (!rs->has_gw || inet_ntop(rs->family, rs->gw, gw, sizeof gw) ==
	    NULL)
		gw[0] = '\0';
	if (rs->oif <= 0 || if_indextoname((unsigned)rs->oif, dev) == NULL)
		snprintf(dev, sizeof dev, "#%d", rs->oif);
	snprintf(rs->desc, sizeof rs->desc, "%s/%zu%s%s dev %s table %u",
	    dst, route_alen(rs->family) * 8, gw[0] != '\0' ? " via " : "", gw,
	    dev, rs->table);
}

/* Add a host route to the server; see route.h. */
int
route_save(const struct sockaddr *sa, socklen_t salen, struct route_saved *rs,
    char *err, size_t errlen)
{
	struct nl_sock nl = { .fd = -1 };
	struct route_answer ans;
	int r;

	memset(rs, 0, sizeof *rs);
	if ((r = route_set_dst(rs, sa, salen)) != 0) {
		snprintf(err, errlen, "server route: unsupported address");
		return r;
	}
	if ((r = nl_open(&nl)) != 0) {
		snprintf(err, errlen, "server route: netlink: %s",
		    strerror(-r));
		return r;
	}
	if ((r = route_lookup(&nl, rs, &ans)) != 0) {
		route_describe(rs);
		snprintf(err, errlen, "server route: no route to %s: %s",
		    rs->desc, strerror(-r));
		goto out;
	}
	if (ans.type == RTN_LOCAL) {
		route_describe(rs);
		log_info("server route: %s is a local address, nothing to "
		    "save", rs->desc);
		r = 1;
		goto out;
	}
	if (ans.type != RTN_UNICAST || ans.oif <= 0) {
		route_describe(rs);
		snprintf(err, errlen, "server route: %s is not reachable "
		    "through an interface (route type %u)", rs->desc,
		    ans.type);
		r = -ENETUNREACH;
		goto out;
	}
	rs->has_gw = ans.has_gw;
	memcpy(rs->gw, ans.gw, sizeof rs->gw);
	rs->oif = ans.oif;
	rs->table = ans.table != RT_TABLE_UNSPEC ? ans.table : RT_TABLE_MAIN;
	route_describe(rs);
	r = route_change(&nl, rs, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	if (r == -EEXIST) {
		log_info("server route: %s already exists; leaving it alone",
		    rs->desc);
		r = 1;
	} else if (r != 0) {
		snprintf(err, errlen, "server route: cannot add %s: %s",
		    rs->desc, strerror(-r));
	} else {
		rs->installed = true;
		log_info("server route: added %s", rs->desc);
	}
out:
	nl_close(&nl);
	return r;
}

/* Remove the route route_save() added; see route.h. */
int
route_restore(struct route_saved *rs)
{
	struct nl_sock nl = { .fd = -1 };
	int r;

	if (!rs->installed) {
		memset(rs, 0, sizeof *rs);
		return 0;
	}
	if ((r = nl_open(&nl)) == 0) {
		r = route_change(&nl, rs, RTM_DELROUTE, 0);
		nl_close(&nl);
	}
	if (r == -ESRCH || r == -ENODEV)
		r = 0;			/* already gone with its interface */
	if (r != 0)
		log_warn("server route: cannot remove %s: %s", rs->desc,
		    strerror(-r));
	else
		log_debug("server route: removed %s", rs->desc);
	memset(rs, 0, sizeof *rs);
	return r;
}
