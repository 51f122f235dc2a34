/*
 * link_ip.h - what the two built-in links (the client's link/tun/ and
 * sstpd's link/tunsrv/) share about the IP packets they move between a
 * PPP engine and a TUN device, and about the engine's end:
 *
 *   link_ip_parse()     the packet matches its version (RFC 791 3.1, RFC
 *                       8200 3) and its header's length fits the buffer;
 *                       where its addresses are (the server's routing and
 *                       anti-spoofing need them)
 *   link_end_of_ppp()   enum ppp_end onto enum link_end (link/link.h), the
 *                       way the pppd link maps pppd's statuses
 *
 * Header-only (static inline): every byte is read through struct bcur.
 */
#ifndef SSTPC_LINK_IP_H
#define SSTPC_LINK_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/link.h"
#include "ppp/ppp_engine.h"
#include "ppp/proto.h"
#include "util/buf.h"

#define LINK_IP4_HDR		20	/* RFC 791 3.1, no options */
#define LINK_IP6_HDR		40	/* RFC 8200 3 */

/* What link_ip_parse() found. */
struct link_ip {
	uint8_t		 version;	/* 4 or 6 */
	size_t		 len;		/* the header's length (<= buffer) */
	const uint8_t	*src;		/* 4 or 16 octets, in the packet */
	const uint8_t	*dst;
};

/*
 * Is @pkt (@len octets) an IP packet of @proto (PPP_PROTO_IP: IPv4,
 * PPP_PROTO_IPV6: IPv6, 0: either, by its version nibble) whose header's
 * length fits?  The octets after that length are not the packet's (a
 * padded frame).  False: drop it.
 */
static inline bool
link_ip_parse(uint16_t proto, const uint8_t *pkt, size_t len,
    struct link_ip *ip)
{
	struct bcur c = bcur_make(pkt, len);
	uint16_t l16;
	uint8_t b;

	if (bcur_peek_u8(&c, 0, &b) < 0)
		return false;
	if (proto == 0)
		proto = (b >> 4) == 4 ? PPP_PROTO_IP : (b >> 4) == 6 ?
		    PPP_PROTO_IPV6 : 0;
	if (proto == PPP_PROTO_IP) {
		if ((b >> 4) != 4 || (size_t)(b & 0x0f) * 4 < LINK_IP4_HDR ||
		    bcur_peek_be16(&c, 2, &l16) < 0 ||
		    l16 < (size_t)(b & 0x0f) * 4 || l16 > len)
			return false;
		ip->version = 4;
		ip->len = l16;
		ip->src = pkt + 12;
		ip->dst = pkt + 16;
		return true;
	}
	if (proto == PPP_PROTO_IPV6) {
		if ((b >> 4) != 6 || bcur_peek_be16(&c, 4, &l16) < 0 ||
		    (size_t)l16 + LINK_IP6_HDR > len)
			return false;
		/* A jumbogram (RFC 2675) cannot come over PPP: no 0. */
		if (l16 == 0 && len > LINK_IP6_HDR)
			return false;
		ip->version = 6;
		ip->len = (size_t)l16 + LINK_IP6_HDR;
		ip->src = pkt + 8;
		ip->dst = pkt + 24;
		return true;
	}
	return false;
}

/* The engine's end class as the link reports it (link_up.gone). */
static inline enum link_end
link_end_of_ppp(enum ppp_end end)
{
	switch (end) {
	case PPP_END_OK:
		return LINK_END_OK;
	case PPP_END_AUTH:
		return LINK_END_AUTH;
	case PPP_END_NEGOTIATION:
		return LINK_END_PPP;
	case PPP_END_DEAD_PEER:
		return LINK_END_PEER;
	default:
		return LINK_END_INTERNAL;
	}
}

#endif /* SSTPC_LINK_IP_H */
