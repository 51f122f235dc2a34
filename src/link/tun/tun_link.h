/*
 * tun_link.h - the built-in link (--tun, issue 12): sstpc's own PPP engine
 * (ppp/ppp_engine.h) speaks PPP with the server, and IP packets go to and
 * from a TUN device, one packet per read or write, with no HDLC and no pty
 * (BUILTIN-PPP.md 1, 4).
 *
 * The TUN descriptor is the caller's (sys/tun.c opens it before the
 * privilege drop, or a launcher passes it with --tun-fd): the link reads
 * and writes it but never closes it, so the device and its ifindex outlive
 * a reconnect (--persist).
 */
#ifndef SSTPC_TUN_LINK_H
#define SSTPC_TUN_LINK_H

#include <stddef.h>

#include "link/link.h"
#include "ppp/ppp_engine.h"

struct event_base;

/* Packets read from the TUN per wake-up, at most (tun_link_conf.burst). */
#define TUN_LINK_BURST		64
/*
 * Packets the TUN refused (EAGAIN) wait here, in order, while the server is
 * paused; above the cap the link drops as the kernel would (a full queue).
 */
#define TUN_LINK_TXQ_CAP	(256 * 1024)
/* An orderly stop ends PPP itself if the engine has not within this. */
#define TUN_LINK_STOP_GUARD_MS	10000

/* What the TUN link needs of the client's configuration. */
struct tun_link_conf {
	int			 fd;		/* the TUN, non-blocking */
	const char		*ifname;	/* its name, for net_up */
	int			 ifindex;
	/*
	 * IFF_VNET_HDR (sys/tun.h): each read and write carries a
	 * virtio_net_hdr of this many bytes (0: plain packets), its fields
	 * little-endian when vnet_le; TCP super-packets are segmented here
	 * (wire/gso.h).
	 */
	unsigned		 vnet_hdr;
	bool			 vnet_le;
	bool			 no_gro;	/* vnet: one write per packet */
	unsigned		 burst;		/* 0: TUN_LINK_BURST */
	unsigned		 stop_guard_ms;	/* 0: TUN_LINK_STOP_GUARD_MS */
	struct ppp_engine_conf	 engine;	/* strings live as long */
};

/*
 * A new TUN link reporting to up/up_arg.  Nothing is started yet
 * (link_start creates the engine).  NULL when out of memory.
 */
struct link	*tun_link_new(struct event_base *, const struct tun_link_conf *,
		    const struct link_up *, void *up_arg);

#endif /* SSTPC_TUN_LINK_H */
