/*
 * nd.c - Router Solicitation in, Router Advertisement out (nd.h; RFC 4861).
 *
 * Every byte of the client's packet is read through the bounded cursor
 * (util/buf.h).  The ICMPv6 checksum covers the pseudo-header of RFC 8200
 * 8.1 (source, destination, upper-layer length, Next Header 58) and the
 * message (RFC 4443 2.3).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "wire/nd.h"

const uint8_t nd_all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
const uint8_t nd_all_routers[16] = { 0xff, 0x02, [15] = 0x02 };

/* Add @len bytes of @p to the one's complement sum @s (16-bit words). */
static uint32_t
csum_add(uint32_t s, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

/* See nd.h. */
uint16_t
nd_icmp6_csum(const uint8_t src[16], const uint8_t dst[16],
    const uint8_t *msg, size_t len)
{
	uint8_t ph[8];
	uint32_t s = 0;

	ph[0] = (uint8_t)(len >> 24);
	ph[1] = (uint8_t)(len >> 16);
	ph[2] = (uint8_t)(len >> 8);
	ph[3] = (uint8_t)len;
	ph[4] = ph[5] = ph[6] = 0;
	ph[7] = ND_ICMP6;
	s = csum_add(s, src, 16);
	s = csum_add(s, dst, 16);
	s = csum_add(s, ph, sizeof ph);
	s = csum_add(s, msg, len);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* See nd.h. */
int
nd_rs_parse(const struct bcur *pkt, const uint8_t self[16], struct nd_rs *out,
    const char **why)
{
	static const uint8_t unspec[16];
	struct bcur c = *pkt, msg, opts, opt;
	uint8_t vers, nh, hop, src[16], dst[16], type, code, otype, olen;
	uint16_t plen;

	*why = NULL;
	memset(out, 0, sizeof *out);
	/* RFC 8200 3: version, class, flow label, length, NH, hop limit. */
	if (bcur_peek_u8(&c, 0, &vers) < 0 || (vers >> 4) != 6 ||
	    bcur_skip(&c, 4) < 0 || bcur_get_be16(&c, &plen) < 0 ||
	    bcur_get_u8(&c, &nh) < 0 || bcur_get_u8(&c, &hop) < 0 ||
	    bcur_get_bytes(&c, src, 16) < 0 ||
	    bcur_get_bytes(&c, dst, 16) < 0 || nh != ND_ICMP6 ||
	    bcur_get_view(&c, plen, &msg) < 0 ||
	    bcur_peek_u8(&msg, 0, &type) < 0 || type != ND_TYPE_RS)
		return -ENOMSG;
	if (memcmp(dst, nd_all_routers, 16) != 0 && memcmp(dst, self, 16) != 0)
		return -ENOMSG;
	/* RFC 4861 6.1.1, in its order. */
	if (hop != ND_HOP_LIMIT) {
		*why = "IP hop limit is not 255";
		return -EBADMSG;
	}
	if (nd_icmp6_csum(src, dst, bcur_ptr(&msg), bcur_left(&msg)) != 0) {
		*why = "bad ICMPv6 checksum";
		return -EBADMSG;
	}
	opts = msg;
	if (bcur_skip(&opts, 1) < 0 || bcur_get_u8(&opts, &code) < 0 ||
	    code != 0) {
		*why = "ICMP code is not 0";
		return -EBADMSG;
	}
	/* Checksum (2), Reserved (4): 8 octets or more. */
	if (bcur_skip(&opts, 6) < 0) {
		*why = "shorter than 8 octets";
		return -EBADMSG;
	}
	out->src_unspec = memcmp(src, unspec, 16) == 0;
	while (bcur_left(&opts) > 0) {
		/* RFC 4861 4.6: Type, Length in units of 8 octets. */
		if (bcur_peek_u8(&opts, 1, &olen) < 0 || olen == 0) {
			*why = "an option of length 0";
			return -EBADMSG;
		}
		if (bcur_get_view(&opts, (size_t)olen * 8, &opt) < 0) {
			*why = "an option past the end";
			return -EBADMSG;
		}
		if (bcur_get_u8(&opt, &otype) < 0)
			return -EBADMSG;
		if (otype == 1 && out->src_unspec) {
			*why = "a source link-layer address from ::";
			return -EBADMSG;
		}
	}
	out->to_all_routers = memcmp(dst, nd_all_routers, 16) == 0;
	return 0;
}

/* See nd.h. */
int
nd_ra_build(struct wbuf *w, const struct nd_ra *ra)
{
	size_t ip0 = w->len, m0, mlen, i;
	uint8_t *msg;
	uint16_t cs;

	mlen = 16 + 32 + (ra->mtu != 0 ? 8 : 0);
	/* RFC 8200 3: the IPv6 header. */
	wbuf_put_be32(w, 0x60000000u);
	wbuf_put_be16(w, (uint16_t)mlen);
	wbuf_put_u8(w, ND_ICMP6);
	wbuf_put_u8(w, ND_HOP_LIMIT);
	wbuf_put_bytes(w, ra->src, 16);
	wbuf_put_bytes(w, ra->dst, 16);
	m0 = w->len;
	/* RFC 4861 4.2: M=0, O=0 (no DHCPv6); Reachable, Retrans unspecified. */
	wbuf_put_u8(w, ND_TYPE_RA);
	wbuf_put_u8(w, 0);
	wbuf_put_be16(w, 0);		/* the checksum, below */
	wbuf_put_u8(w, ra->cur_hop_limit);
	wbuf_put_u8(w, 0);
	wbuf_put_be16(w, ra->router_lifetime);
	wbuf_put_be32(w, 0);
	wbuf_put_be32(w, 0);
	/* 4.6.4: MTU. */
	if (ra->mtu != 0) {
		wbuf_put_u8(w, 5);
		wbuf_put_u8(w, 1);
		wbuf_put_be16(w, 0);
		wbuf_put_be32(w, ra->mtu);
	}
	/* 4.6.2: Prefix Information, L=1 A=1, the host bits zero. */
	wbuf_put_u8(w, 3);
	wbuf_put_u8(w, 4);
	wbuf_put_u8(w, ra->prefix_len);
	wbuf_put_u8(w, 0xc0);
	wbuf_put_be32(w, ra->valid_lifetime);
	wbuf_put_be32(w, ra->preferred_lifetime);
	wbuf_put_be32(w, 0);
	for (i = 0; i < 16; i++) {
		unsigned bits = ra->prefix_len > i * 8 ?
		    (unsigned)ra->prefix_len - (unsigned)i * 8 : 0;
		uint8_t mask = bits >= 8 ? 0xff :
		    (uint8_t)(0xff00u >> bits);

		wbuf_put_u8(w, ra->prefix[i] & mask);
	}
	if (wbuf_error(w) != 0) {
		w->len = ip0;
		return wbuf_error(w);
	}
	msg = w->p + m0;
	cs = nd_icmp6_csum(ra->src, ra->dst, msg, mlen);
	wbuf_patch_be16(w, m0 + 2, cs);
	return wbuf_error(w);
}
