/*
 * hostconf.h - the built-in mode's host configuration (issue 12, section
 * 4): the TUN interface's addresses, MTU and up flag, the --route CIDRs,
 * --defaultroute (after a host route to the server through the old path)
 * and the undoing of all of it, over rtnetlink (sys/nl.h).
 *
 * As root this runs in the privileged monitor (sys/monitor.h), which took
 * struct hostconf_conf before the privilege drop and gets the addresses
 * from the PPP side (IPCP, IPV6CP) through hostconf_check_ip().
 *
 * What is set, for ifindex I, local L, peer P (IPCP) and the interface
 * identifiers l, p (IPV6CP, RFC 5072 4.1):
 *   MTU (ip->mtu, else conf->mtu), IFF_UP
 *   L peer P/32 (L/32 when the server gave no peer address)
 *   fe80::l/64 peer fe80::p, IFA_F_NODAD (the link has two ends only)
 *   each --route CIDR dev I (IPv4 or IPv6)
 *   --defaultroute: first the host route to the server via the gateway it
 *   is reached through now (route.h, route_save()), then 0.0.0.0/1 and
 *   128.0.0.0/1 dev I.  The two halves win over any default route by
 *   being longer, so the admin's default route is never replaced, and
 *   removing them restores the old path exactly.
 * Every route is added with NLM_F_EXCL: one that exists already is not
 * ours and is left alone, at the end too.  Undo removes, in reverse order,
 * exactly what was added, restores the MTU and sets the link down again if
 * it was down before.  An interface that is gone took it all with it.
 */
#ifndef SSTPC_SYS_HOSTCONF_H
#define SSTPC_SYS_HOSTCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ppp/ppp_engine.h"
#include "sys/route.h"

#define HOSTCONF_ROUTES_MAX	64
#define HOSTCONF_IFNAMSIZ	16

/* One --route CIDR (the address is the network, host bits zero). */
struct hostconf_route {
	uint8_t		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 prefixlen;
	uint8_t		 addr[16];
};

/* What is known before the privilege drop (the configuration). */
struct hostconf_conf {
	int			 ifindex;
	char			 ifname[HOSTCONF_IFNAMSIZ];
	bool			 defaultroute;
	bool			 usepeerdns;
	uint16_t		 mtu;		/* --mtu, 0: none */
	size_t			 n_routes;
	struct hostconf_route	 routes[HOSTCONF_ROUTES_MAX];
};

/* What hostconf_apply() did, all hostconf_undo() needs. */
struct hostconf_state {
	bool			 applied;
	int			 ifindex;
	bool			 set_up;	/* it was down: set down again */
	bool			 set_mtu;
	uint32_t		 old_mtu;
	bool			 addr4;
	uint8_t			 local4[4], peer4[4];
	bool			 addr6;
	uint8_t			 local6[16], peer6[16];
	bool			 route_added[HOSTCONF_ROUTES_MAX];
	size_t			 n_routes;
	struct hostconf_route	 routes[HOSTCONF_ROUTES_MAX];
	bool			 half_added[2];	/* 0.0.0.0/1, 128.0.0.0/1 */
	struct route_saved	 server;	/* the server's host route */
};

/*
 * Is ip something the monitor may install on conf's interface: an IPv4
 * host address (not 0/8, loopback, multicast, broadcast), a peer that is
 * 0 or such an address, interface identifiers not zero, an MTU 0 or in
 * 68..65535?  Returns true, or false with the reason in err.
 */
bool	hostconf_check_ip(const struct ppp_ip_info *ip, char *err,
	    size_t errlen);
/*
 * Configure conf->ifindex from ip (see the top).  gw is the address the
 * server connection goes to (for --defaultroute; NULL: none).  *st is
 * always initialised; on failure what was done is undone.  Returns 0 or
 * -errno with a message in err.
 */
int	hostconf_apply(const struct hostconf_conf *conf,
	    const struct ppp_ip_info *ip, const struct sockaddr *gw,
	    socklen_t gwlen, struct hostconf_state *st, char *err,
	    size_t errlen);
/* Undo what hostconf_apply() did (idempotent).  0 or the first -errno. */
int	hostconf_undo(struct hostconf_state *st);
/*
 * The TUN device this process holds open (/proc/self/fdinfo "iff:", Linux
 * 3.8+), for the hand-over to the monitor before the drop: its name and
 * index.  0, or -ENODEV when there is none.
 */
int	hostconf_find_tun(char *ifname, size_t len, int *ifindex);

#endif /* SSTPC_SYS_HOSTCONF_H */
