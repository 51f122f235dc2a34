/*
 * nd.h - the two IPv6 Neighbor Discovery messages sstpd's built-in backend
 * speaks as the router of each session's point-to-point link (RFC 4861,
 * RFC 5072 IPv6 over PPP): a Router Solicitation from the client is
 * recognised and validated (RFC 4861 6.1.1), a Router Advertisement is
 * built (RFC 4861 4.2, 6.2.3) with one Prefix Information option (4.6.2:
 * on-link and autonomous, for SLAAC, RFC 4862 5.5.3) and the MTU option
 * (4.6.4).  Whole IPv6 packets, no extension headers.  Pure code: no
 * clock, no I/O.
 */
#ifndef SSTPC_WIRE_ND_H
#define SSTPC_WIRE_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define ND_IP6_HLEN		40
#define ND_ICMP6		58	/* Next Header (RFC 4443) */
#define ND_HOP_LIMIT		255	/* RFC 4861 6.1.1, 6.1.2 */
#define ND_TYPE_RS		133
#define ND_TYPE_RA		134
#define ND_RA_LEN		96	/* what nd_ra_build writes */

/* RFC 4861 10: router constants (milliseconds, seconds). */
#define ND_MAX_INITIAL_RTR_ADVERT_INTERVAL_MS	16000
#define ND_MAX_INITIAL_RTR_ADVERTISEMENTS	3
#define ND_MIN_DELAY_BETWEEN_RAS_MS		3000
/* RFC 4861 6.2.1 defaults: MaxRtrAdvInterval, lifetimes. */
#define ND_MAX_RTR_ADV_INTERVAL_S	600
#define ND_MIN_RTR_ADV_INTERVAL_S	200	/* 0.33 * Max, rounded */
#define ND_ROUTER_LIFETIME_S		1800	/* 3 * MaxRtrAdvInterval */
#define ND_ROUTER_LIFETIME_MAX_S	9000
#define ND_VALID_LIFETIME_S		2592000	/* 30 days */
#define ND_PREFERRED_LIFETIME_S		604800	/* 7 days */
#define ND_CUR_HOP_LIMIT		64

/* What a valid Router Solicitation said. */
struct nd_rs {
	bool	src_unspec;	/* from :: (no SLLAO then, 6.1.1) */
	bool	to_all_routers;	/* ff02::2, else the router's own */
};

/*
 * Is the IPv6 packet under @c (the whole packet, its length checked by
 * the caller or not) a Router Solicitation for us: to ff02::2 or @self
 * (the router's link-local address)?  0 and @out filled: a valid one;
 * -ENOMSG: no Router Solicitation to us (another packet: not ours to
 * judge); -EBADMSG: one that fails RFC 4861 6.1.1's checks (silently
 * discarded), *why naming the check.  Consumes nothing of @c.
 */
int	nd_rs_parse(const struct bcur *c, const uint8_t self[16],
	    struct nd_rs *out, const char **why);

/* One Router Advertisement (RFC 4861 4.2). */
struct nd_ra {
	uint8_t		src[16];	/* the router's link-local */
	uint8_t		dst[16];	/* ff02::1 or the solicitor */
	uint8_t		cur_hop_limit;
	uint16_t	router_lifetime;	/* s; 0: not a default router */
	uint8_t		prefix[16];	/* the host bits are cleared */
	uint8_t		prefix_len;
	uint32_t	valid_lifetime;		/* s */
	uint32_t	preferred_lifetime;	/* s */
	uint32_t	mtu;			/* 0: no MTU option */
};

/*
 * Write the whole IPv6 packet of @ra (hop limit 255, ICMPv6 checksum
 * filled) to @w: ND_RA_LEN bytes (88 without the MTU option).  0, or the
 * wbuf's error (-ENOSPC).
 */
int	nd_ra_build(struct wbuf *w, const struct nd_ra *ra);

/* The ICMPv6 checksum (RFC 4443 2.3) of @msg from @src to @dst. */
uint16_t nd_icmp6_csum(const uint8_t src[16], const uint8_t dst[16],
	    const uint8_t *msg, size_t len);

/* ff02::1 and ff02::2 (RFC 4291 2.7.1). */
extern const uint8_t nd_all_nodes[16];
extern const uint8_t nd_all_routers[16];

#endif /* SSTPC_WIRE_ND_H */
