/*
 * route.h - --save-server-route: keep the SSTP server reachable through the
 * current gateway when pppd later points the default route at the tunnel
 * (REFERENCE-CLIENT.md 1.7).  Pure rtnetlink (RFC 3549; rtnetlink(7)), no
 * ip(8).  Every reply is parsed through a struct bcur.
 *
 * route_save() asks the kernel how it reaches the server now (RTM_GETROUTE)
 * and adds a host route (/32 or /128) with the same gateway and interface
 * (RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL).  A host route that already
 * exists is left alone and is not removed at exit.  route_restore() removes
 * the route it added (RTM_DELROUTE); it needs CAP_NET_ADMIN, so the lead
 * keeps that capability through priv_drop() when this is used.
 */
#ifndef SSTPC_ROUTE_H
#define SSTPC_ROUTE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* What route_save() installed, and all route_restore() needs. */
struct route_saved {
	bool		 installed;	/* we added it: remove at exit */
	int		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 dst[16];	/* server address (4 or 16 octets) */
	bool		 has_gw;
	uint8_t		 gw[16];	/* gateway, same family */
	int		 oif;		/* output interface index */
	uint32_t	 table;		/* routing table of the lookup */
	char		 desc[128];	/* "198.51.100.7/32 via 192.0.2.1 dev
					   eth0 table 254", for logs */
};

/*
 * Add a host route to the server sa (AF_INET, AF_INET6; a v4-mapped IPv6
 * address is treated as IPv4) through the gateway the kernel uses for it
 * now.  Returns 0 when a route was added (rs->installed), 1 when nothing
 * was added (the route already exists, or the server is a local address),
 * or a negative errno with a message in err: -EAFNOSUPPORT, -ENETUNREACH
 * (no route to the server), -EPERM (no CAP_NET_ADMIN), -EBADMSG (malformed
 * netlink reply), -ETIMEDOUT (the kernel did not answer).  *rs is always
 * initialised, so route_restore() may be called in every case.
 */
int	route_save(const struct sockaddr *sa, socklen_t salen,
	    struct route_saved *rs, char *err, size_t errlen);
/*
 * Remove the route route_save() added, if any, and clear *rs.  A route
 * already gone (e.g. its interface went down) is not an error.  Returns 0
 * or a negative errno.
 */
int	route_restore(struct route_saved *rs);

#endif /* SSTPC_ROUTE_H */
