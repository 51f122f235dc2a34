/*
 * gso.c - segmenting TUN super-packets (see gso.h).
 *
 * Every segment is the super-packet's IP and TCP headers followed by the
 * next gso_size bytes of its payload, with (Linux's tcp_gso_segment() does
 * the same in the kernel):
 *   IPv4 (RFC 791 3.1)  total length, identification + 1 per segment,
 *                       header checksum recomputed;
 *   IPv6 (RFC 8200 3)   payload length;
 *   TCP (RFC 9293 3.1)  sequence number + the payload before it, FIN and
 *                       PSH on the last segment only, CWR on the first only
 *                       (RFC 3168 6.1.2 via VIRTIO_NET_HDR_GSO_ECN), the
 *                       checksum over the pseudo-header (RFC 9293 3.1,
 *                       RFC 8200 8.1) and the segment computed anew: what
 *                       the kernel left in it is not trusted.
 * IPv4 options are copied with the header; IPv6 extension headers are
 * refused (the kernel's TCP does not send them).
 */
#include "config.h"

#include <string.h>

#include "wire/gso.h"

#define IP4_HDR_MIN	20
#define IP6_HDR		40
#define TCP_HDR_MIN	20
#define IPPROTO_TCP_NUM	6
#define TCP_FIN		0x01
#define TCP_PSH		0x08
#define TCP_CWR		0x80
#define TCP_CSUM_OFF	16

int
gso_vnet_parse(struct bcur *c, size_t hdrlen, bool le, struct gso_vnet_hdr *h)
{
	struct bcur v;
	uint16_t w[4];
	int i, r = 0;

	memset(h, 0, sizeof *h);
	if (hdrlen < GSO_VNET_HDR_LEN || bcur_get_view(c, hdrlen, &v) < 0)
		return -1;
	r |= bcur_get_u8(&v, &h->flags);
	r |= bcur_get_u8(&v, &h->gso_type);
	for (i = 0; i < 4; i++)
		r |= le ? bcur_get_le16(&v, &w[i]) : bcur_get_be16(&v, &w[i]);
	if (r != 0)
		return -1;
	h->hdr_len = w[0];
	h->gso_size = w[1];
	h->csum_start = w[2];
	h->csum_offset = w[3];
	return 0;
}

void
gso_vnet_put_none(uint8_t *out, size_t hdrlen)
{
	memset(out, 0, hdrlen);
}

uint32_t
gso_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t s = sum;
	size_t i = 0;

	/* 2^16 = 1 (mod 2^16 - 1): 32-bit words sum as two 16-bit ones. */
	for (; i + 4 <= len; i += 4)
		s += (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
		    (uint32_t)p[i + 2] << 8 | p[i + 3];
	if (i + 2 <= len) {
		s += (uint32_t)p[i] << 8 | p[i + 1];
		i += 2;
	}
	if (i < len)
		s += (uint32_t)p[i] << 8;	/* RFC 1071 4.1: pad with 0 */
	while (s >> 32 != 0)
		s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;			/* at most 0x1fffe */
}

uint16_t
gso_csum_fold(uint32_t sum)
{
	while (sum >> 16 != 0)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

const char *
gso_err_str(enum gso_err e)
{
	static const char *const names[GSO_ERR_COUNT] = {
		[GSO_OK] = "ok",
		[GSO_ERR_VNET] = "virtio_net_hdr cut short",
		[GSO_ERR_TYPE] = "unsupported gso_type",
		[GSO_ERR_SIZE] = "bad gso_size or hdr_len",
		[GSO_ERR_CSUM] = "csum_start/csum_offset past the packet",
		[GSO_ERR_IP] = "IP header does not match gso_type",
		[GSO_ERR_IPLEN] = "IP length is not the packet's",
		[GSO_ERR_PROTO] = "not TCP (or IPv6 extension headers)",
		[GSO_ERR_TCP] = "bad TCP header",
		[GSO_ERR_ROOM] = "segment larger than the room",
	};

	return (unsigned)e < GSO_ERR_COUNT ? names[e] : "?";
}

/*
 * The checksum field lies inside the packet (virtio 1.x 5.1.6.2), at an
 * even offset from csum_start: the one's complement sum is of 16-bit
 * words from there (TCP's is at 16, UDP's at 6).
 */
static bool
gso_csum_in(const struct gso_vnet_hdr *h, size_t len)
{
	return (size_t)h->csum_start + h->csum_offset + 2 <= len &&
	    (h->csum_offset & 1) == 0;
}

/* Check an IPv4 TCP super-packet's headers; ip_hlen and hlen set. */
static enum gso_err
gso_check_ip4(struct gso *g, struct bcur *c)
{
	uint16_t tot, frag;
	uint8_t b, proto;

	if (bcur_peek_u8(c, 0, &b) < 0 || b >> 4 != 4 ||
	    (b & 0x0f) * 4u < IP4_HDR_MIN)
		return GSO_ERR_IP;
	g->ip_hlen = (b & 0x0f) * 4u;
	if (bcur_left(c) < g->ip_hlen)
		return GSO_ERR_IP;
	(void)bcur_peek_be16(c, 2, &tot);
	(void)bcur_peek_be16(c, 4, &g->ip_id);
	(void)bcur_peek_be16(c, 6, &frag);
	(void)bcur_peek_u8(c, 9, &proto);
	if (tot != g->len)
		return GSO_ERR_IPLEN;
	if ((frag & 0x3fff) != 0)	/* MF or an offset: a fragment */
		return GSO_ERR_IP;
	if (proto != IPPROTO_TCP_NUM)
		return GSO_ERR_PROTO;
	return GSO_OK;
}

/* Check an IPv6 TCP super-packet's header. */
static enum gso_err
gso_check_ip6(struct gso *g, struct bcur *c)
{
	uint16_t plen;
	uint8_t b, nh;

	if (bcur_peek_u8(c, 0, &b) < 0 || b >> 4 != 6 ||
	    bcur_left(c) < IP6_HDR)
		return GSO_ERR_IP;
	g->ip_hlen = IP6_HDR;
	(void)bcur_peek_be16(c, 4, &plen);
	(void)bcur_peek_u8(c, 6, &nh);
	if ((size_t)plen + IP6_HDR != g->len)
		return GSO_ERR_IPLEN;
	if (nh != IPPROTO_TCP_NUM)
		return GSO_ERR_PROTO;
	return GSO_OK;
}

enum gso_err
gso_start(struct gso *g, const struct gso_vnet_hdr *h, const uint8_t *pkt,
    size_t len, size_t room, enum gso_kind *kind)
{
	struct bcur c = bcur_make(pkt, len), tcp;
	enum gso_err e;
	uint32_t seq;
	uint8_t doff;
	uint8_t type = h->gso_type & (uint8_t)~GSO_VNET_GSO_ECN;

	memset(g, 0, sizeof *g);
	*kind = GSO_PASS;
	g->pkt = pkt;
	g->len = len;
	if ((h->flags & GSO_VNET_F_NEEDS_CSUM) != 0 && !gso_csum_in(h, len))
		return GSO_ERR_CSUM;
	if (h->hdr_len > len)
		return GSO_ERR_SIZE;
	if (type == GSO_VNET_GSO_NONE) {
		if (h->gso_type != GSO_VNET_GSO_NONE)
			return GSO_ERR_TYPE;	/* ECN without a type */
		if (len > room)
			return GSO_ERR_ROOM;
		return GSO_OK;
	}
	if (type != GSO_VNET_GSO_TCPV4 && type != GSO_VNET_GSO_TCPV6)
		return GSO_ERR_TYPE;
	if (h->gso_size == 0)
		return GSO_ERR_SIZE;
	if (len > GSO_MAX_PACKET)
		return GSO_ERR_IPLEN;
	g->v6 = type == GSO_VNET_GSO_TCPV6;
	e = g->v6 ? gso_check_ip6(g, &c) : gso_check_ip4(g, &c);
	if (e != GSO_OK)
		return e;
	(void)bcur_skip(&c, g->ip_hlen);
	if (bcur_peek_u8(&c, 12, &doff) < 0 ||
	    (doff >> 4) * 4u < TCP_HDR_MIN ||
	    bcur_get_view(&c, (doff >> 4) * 4u, &tcp) < 0)
		return GSO_ERR_TCP;
	g->hlen = g->ip_hlen + (doff >> 4) * 4u;
	g->mss = h->gso_size;
	if (g->hlen + (g->mss < len - g->hlen ? g->mss : len - g->hlen) >
	    room)
		return GSO_ERR_ROOM;
	(void)bcur_get_be32(&tcp, &seq);	/* source, destination ports */
	(void)bcur_get_be32(&tcp, &seq);
	g->seq = seq;
	*kind = GSO_SEGMENT;
	return GSO_OK;
}

/* The TCP checksum of a segment whose header is at @ip (RFC 9293 3.1). */
static void
gso_tcp_csum(const struct gso *g, uint8_t *ip, size_t seglen)
{
	uint8_t *th = ip + g->ip_hlen;
	size_t tlen = seglen - g->ip_hlen;
	uint32_t sum;

	store_be16(th + TCP_CSUM_OFF, 0);
	/* Pseudo-header: addresses, zero, protocol, TCP length. */
	if (g->v6)
		sum = gso_csum_add(0, ip + 8, 32);
	else
		sum = gso_csum_add(0, ip + 12, 8);
	sum += IPPROTO_TCP_NUM + (uint32_t)(tlen >> 16) +
	    (uint32_t)(tlen & 0xffff);
	sum = gso_csum_add(sum, th, tlen);
	store_be16(th + TCP_CSUM_OFF, (uint16_t)~gso_csum_fold(sum));
}

size_t
gso_next(struct gso *g, uint8_t *out)
{
	size_t left, n, seglen;
	uint32_t seq;
	uint8_t *th, flags;
	bool last;

	if (g->done)
		return 0;
	left = g->len - g->hlen - g->off;
	n = left < g->mss ? left : g->mss;
	last = n == left;
	seglen = g->hlen + n;
	memcpy(out, g->pkt, g->hlen);
	memcpy(out + g->hlen, g->pkt + g->hlen + g->off, n);
	if (g->v6) {
		store_be16(out + 4, (uint16_t)(seglen - IP6_HDR));
	} else {
		store_be16(out + 2, (uint16_t)seglen);
		store_be16(out + 4, (uint16_t)(g->ip_id + g->seg));
		store_be16(out + 10, 0);
		store_be16(out + 10,
		    (uint16_t)~gso_csum_fold(gso_csum_add(0, out, g->ip_hlen)));
	}
	th = out + g->ip_hlen;
	seq = g->seq + (uint32_t)g->off;
	th[4] = (uint8_t)(seq >> 24);
	th[5] = (uint8_t)(seq >> 16);
	th[6] = (uint8_t)(seq >> 8);
	th[7] = (uint8_t)seq;
	flags = th[13];
	if (!last)
		flags &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (g->seg > 0)
		flags &= (uint8_t)~TCP_CWR;
	th[13] = flags;
	gso_tcp_csum(g, out, seglen);
	g->off += n;
	g->seg++;
	g->done = last;
	return seglen;
}

void
gso_complete_csum(const struct gso_vnet_hdr *h, uint8_t *pkt, size_t len)
{
	size_t at = (size_t)h->csum_start + h->csum_offset;
	uint16_t v;

	if ((h->flags & GSO_VNET_F_NEEDS_CSUM) == 0 || at + 2 > len)
		return;
	v = (uint16_t)~gso_csum_fold(gso_csum_add(0, pkt + h->csum_start,
	    len - h->csum_start));
	/* A computed 0 goes as 0xffff (RFC 768: 0 means none for UDP). */
	store_be16(pkt + at, v == 0 ? 0xffff : v);
}
