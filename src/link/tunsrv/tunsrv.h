/*
 * tunsrv.h - sstpd's built-in backend: every session's PPP engine (server
 * role, ppp/ppp_engine.h) on ONE shared TUN device (issue 13, 4).
 *
 *   TUN --(dst address)--> hub --> the session that owns it
 *   session --(src must be its own address)--> hub --> TUN
 *
 * sstpd opens and configures the device (src/sstpd/srv_tun.c: created
 * or attached by name through sys/tun.c, IFF_TUN | IFF_NO_PI, the
 * server's address, MTU, up, a route for each pool through it with
 * sys/nl.c; link/ may not use sys/, check-layers) and hands the hub its
 * fd.  The hub owns the fd from then on and a table from peer
 * address (IPv4, and IPv6 /128 of pool6 + the peer's identifier) to
 * link.  A packet from the TUN for no session is dropped (counted); a
 * packet from a session whose source is not that session's address is
 * dropped and counted (no spoofing, logged at most once a second per
 * session).  No pty, no HDLC, no kernel PPP: it runs in a container
 * with CAP_NET_ADMIN only.
 *
 * Each session's link (struct link, link/link.h) runs the engine: frames
 * from the SSTP channel in, frames out through up->to_server, keys
 * through up->auth_done (client orientation), the Network phase through
 * up->net_up/net_down (the session logs the assigned address), the end
 * through up->gone.  Its timers are its own libevent timers.  With
 * conf.ra the link is the router of its point-to-point link (wire/nd.h):
 * it answers the client's Router Solicitations itself and sends Router
 * Advertisements of the pool6 prefix while IPV6CP is up.
 */
#ifndef SSTPD_TUNSRV_H
#define SSTPD_TUNSRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/link.h"
#include "ppp/ppp_engine.h"

struct event_base;
struct tun_hub;

struct tun_hub_conf {
	int		 fd;		/* the open TUN (owned from now) */
	const char	*name;		/* device name, for the log */
	unsigned	 mtu;		/* 0: 1400 */
	uint32_t	 local4;	/* the server's address, net order */
	/*
	 * The peers' IPv6: a /64 pool6 is shared, each peer's a /128
	 * (prefix + its IPV6CP identifier); a /48 to /63 gives each session
	 * a /64 of its own (RFC 8273; any source in it is the session's),
	 * taken before IPV6CP opens: none left, no IPV6CP.
	 */
	bool		 have_pool6;
	uint8_t		 pool6[16];
	unsigned	 pool6_prefix;
	/*
	 * ra: with have_pool6, be the router of each session's link once
	 * its IPV6CP is up (RFC 4861 6.2): Router Advertisements of the
	 * pool6 prefix (SLAAC, RFC 4862) with ra_lifetime as the Router
	 * Lifetime (seconds, 0: not a default router), unsolicited and in
	 * answer to the client's Router Solicitations.
	 */
	bool		 ra;
	unsigned	 ra_lifetime;
	/*
	 * IFF_VNET_HDR (sys/tun.h): each read and write behind a
	 * virtio_net_hdr of this many bytes (10 or 12; 0: plain packets),
	 * its fields little-endian when vnet_le; no_gro: write the
	 * sessions' segments one by one.
	 */
	unsigned	 vnet_hdr;
	bool		 vnet_le;
	bool		 no_gro;
};

/* Take over the device's fd.  NULL with one line in @err. */
struct tun_hub *tun_hub_new(struct event_base *, const struct tun_hub_conf *,
	    char *err, size_t errlen);
/* Packets dropped: no owner, spoofed source, over the MTU. */
void	tun_hub_stats(const struct tun_hub *, uint64_t *no_owner,
	    uint64_t *spoofed, uint64_t *too_big);
void	tun_hub_free(struct tun_hub *);

/* What the link needs from sstpd for the engine's server role. */
struct tunsrv_auth {
	int	(*lookup_secret)(void *arg, const char *user,
		    struct ppp_secret *out);
	int	(*peer_addr)(void *arg, const char *user, uint32_t fixed,
		    uint32_t *addr4);
	/* The address of peer_addr is free again (at the link's free). */
	void	(*release_addr)(void *arg, uint32_t addr4);
	void	*arg;
};

/*
 * tunsrv_link_new - one session's link on the hub.  @conf: the engine's
 * server-role configuration (copied; role forced to PPP_ROLE_SERVER).
 * NULL when out of memory.
 */
struct link *tunsrv_link_new(struct tun_hub *, struct event_base *,
	    const struct ppp_engine_conf *conf, const struct tunsrv_auth *,
	    const struct link_up *up, void *up_arg);
/* The peer's name once authenticated ("" before), for the log. */
const char *tunsrv_link_user(const struct link *);

#endif /* SSTPD_TUNSRV_H */
