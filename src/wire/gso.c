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
	uint64_t s = sum, n = 0, w0, w1, w2, w3;
	size_t i = 0;

	/*
	 * The bulk in native 64-bit words: RFC 1071 2(B), the one's-complement
	 * sum does not depend on byte order, so native words are added (each
	 * as two 32-bit halves, 2^32 = 1 mod 2^16 - 1), folded to 16 bits and
	 * swapped to network order once.  This is the upload's hottest loop
	 * (a TCP checksum per segment).
	 */
	for (; i + 32 <= len; i += 32) {
		memcpy(&w0, p + i, 8);
		memcpy(&w1, p + i + 8, 8);
		memcpy(&w2, p + i + 16, 8);
		memcpy(&w3, p + i + 24, 8);
		n += (w0 & 0xffffffffu) + (w0 >> 32) + (w1 & 0xffffffffu) +
		    (w1 >> 32) + (w2 & 0xffffffffu) + (w2 >> 32) +
		    (w3 & 0xffffffffu) + (w3 >> 32);
	}
	for (; i + 8 <= len; i += 8) {
		memcpy(&w0, p + i, 8);
		n += (w0 & 0xffffffffu) + (w0 >> 32);
	}
	while (n >> 16 != 0)
		n = (n & 0xffff) + (n >> 16);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	n = (n >> 8 | n << 8) & 0xffff;
#endif
	s += n;
	/* The tail in network order: 2^16 = 1 (mod 2^16 - 1). */
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

unsigned
gso_left(const struct gso *g)
{
	size_t left;

	if (g->done)
		return 0;
	left = g->len - g->hlen - g->off;
	/* gso_next() makes one segment even of no payload. */
	return left == 0 ? 1 : (unsigned)((left + g->mss - 1) / g->mss);
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

/* --- GRO ------------------------------------------------------------------ */

void
gro_init(struct gro *r, uint8_t *buf)
{
	memset(r, 0, sizeof *r);
	r->buf = buf;
}

/*
 * A TCP segment gro may take: IPv4 without options and not a fragment,
 * its header checksum right, or IPv6 without extension headers; flags ACK
 * or ACK|PSH; a payload; a TCP checksum that verifies.  *ip_hlen and *hlen set.
 */
static bool
gro_candidate(const uint8_t *pkt, size_t len, size_t *ip_hlen, size_t *hlen)
{
	struct bcur c = bcur_make(pkt, len);
	uint16_t l16, frag;
	uint8_t b, proto, doff, flags;
	uint32_t sum;
	size_t tl;

	if (bcur_peek_u8(&c, 0, &b) < 0)
		return false;
	if (b == 0x45) {
		/* The header checksum too: the merged one is made anew. */
		if (len < IP4_HDR_MIN ||
		    bcur_peek_be16(&c, 2, &l16) < 0 || l16 != len ||
		    bcur_peek_be16(&c, 6, &frag) < 0 || (frag & 0x3fff) != 0 ||
		    bcur_peek_u8(&c, 9, &proto) < 0 ||
		    gso_csum_fold(gso_csum_add(0, pkt, IP4_HDR_MIN)) != 0xffff)
			return false;
		*ip_hlen = IP4_HDR_MIN;
	} else if (b >> 4 == 6) {
		if (bcur_peek_be16(&c, 4, &l16) < 0 ||
		    (size_t)l16 + IP6_HDR != len ||
		    bcur_peek_u8(&c, 6, &proto) < 0)
			return false;
		*ip_hlen = IP6_HDR;
	} else
		return false;
	if (proto != IPPROTO_TCP_NUM ||
	    bcur_peek_u8(&c, *ip_hlen + 12, &doff) < 0 ||
	    bcur_peek_u8(&c, *ip_hlen + 13, &flags) < 0 ||
	    (doff >> 4) * 4u < TCP_HDR_MIN)
		return false;
	*hlen = *ip_hlen + (doff >> 4) * 4u;
	if (*hlen >= len || (flags & ~TCP_PSH) != 0x10)
		return false;
	tl = len - *ip_hlen;
	sum = b == 0x45 ? gso_csum_add(0, pkt + 12, 8) :
	    gso_csum_add(0, pkt + 8, 32);
	sum += IPPROTO_TCP_NUM + (uint32_t)(tl >> 16) + (uint32_t)(tl & 0xffff);
	return gso_csum_fold(gso_csum_add(sum, pkt + *ip_hlen, tl)) == 0xffff;
}

/* @pkt continues the held flow (headers checked field by field). */
static bool
gro_continues(const struct gro *r, const uint8_t *pkt, size_t len,
    size_t ip_hlen, size_t hlen)
{
	const uint8_t *h = r->buf, *th = r->buf + ip_hlen, *nt = pkt + ip_hlen;
	size_t pay = len - hlen;

	if (r->closed || ip_hlen != r->ip_hlen || hlen != r->hlen ||
	    pay > r->mss || r->len + pay > GSO_MAX_PACKET)
		return false;
	if (r->v6) {
		if (memcmp(pkt, h, 4) != 0 || memcmp(pkt + 6, h + 6, 34) != 0)
			return false;
	} else if (memcmp(pkt, h, 2) != 0 || memcmp(pkt + 6, h + 6, 4) != 0 ||
	    memcmp(pkt + 12, h + 12, 8) != 0 ||
	    load_be16(pkt + 4) != r->next_id)
		return false;
	/* Ports; sequence; ACK, offset, window; urgent pointer, options. */
	return memcmp(nt, th, 4) == 0 &&
	    ((uint32_t)nt[4] << 24 | (uint32_t)nt[5] << 16 |
	    (uint32_t)nt[6] << 8 | nt[7]) == r->next_seq &&
	    memcmp(nt + 8, th + 8, 5) == 0 &&
	    memcmp(nt + 14, th + 14, 2) == 0 &&
	    memcmp(nt + 18, th + 18, hlen - ip_hlen - 18) == 0;
}

enum gro_res
gro_offer(struct gro *r, const uint8_t *pkt, size_t len)
{
	size_t ip_hlen, hlen, pay;
	const uint8_t *th;

	if (!gro_candidate(pkt, len, &ip_hlen, &hlen))
		return GRO_NO;
	th = pkt + ip_hlen;
	pay = len - hlen;
	if (r->len == 0) {
		memcpy(r->buf, pkt, len);
		r->len = len;
		r->ip_hlen = ip_hlen;
		r->hlen = hlen;
		r->mss = pay;
		r->v6 = ip_hlen == IP6_HDR;
		r->segs = 1;
		r->next_seq = ((uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 |
		    (uint32_t)th[6] << 8 | th[7]) + (uint32_t)pay;
		r->next_id = r->v6 ? 0 : (uint16_t)(load_be16(pkt + 4) + 1);
		r->closed = (th[13] & TCP_PSH) != 0;
		return GRO_HELD;
	}
	if (!gro_continues(r, pkt, len, ip_hlen, hlen))
		return GRO_BUSY;
	memcpy(r->buf + r->len, pkt + hlen, pay);
	r->len += pay;
	r->next_seq += (uint32_t)pay;
	r->next_id++;
	r->segs++;
	if ((th[13] & TCP_PSH) != 0) {
		r->buf[ip_hlen + 13] |= TCP_PSH;
		r->closed = true;
	}
	if (pay < r->mss)
		r->closed = true;
	return GRO_HELD;
}

/* Store a u16 of the virtio_net_hdr in its byte order. */
static void
gro_put16(uint8_t *p, uint16_t v, bool le)
{
	if (le) {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
	} else
		store_be16(p, v);
}

size_t
gro_finish(struct gro *r, uint8_t *hdr, size_t hdrlen, bool le,
    const uint8_t **pkt)
{
	size_t len = r->len, tl;
	uint8_t *b = r->buf;
	uint32_t sum;

	*pkt = b;
	memset(hdr, 0, hdrlen);
	if (len == 0)
		return 0;
	if (r->segs > 1) {
		if (r->v6)
			store_be16(b + 4, (uint16_t)(len - IP6_HDR));
		else {
			store_be16(b + 2, (uint16_t)len);
			store_be16(b + 10, 0);
			store_be16(b + 10, (uint16_t)~gso_csum_fold(
			    gso_csum_add(0, b, r->ip_hlen)));
		}
		/* The pseudo-header's sum, for the kernel to complete. */
		tl = len - r->ip_hlen;
		sum = r->v6 ? gso_csum_add(0, b + 8, 32) :
		    gso_csum_add(0, b + 12, 8);
		sum += IPPROTO_TCP_NUM + (uint32_t)(tl >> 16) +
		    (uint32_t)(tl & 0xffff);
		store_be16(b + r->ip_hlen + TCP_CSUM_OFF, gso_csum_fold(sum));
		hdr[0] = GSO_VNET_F_NEEDS_CSUM;
		hdr[1] = r->v6 ? GSO_VNET_GSO_TCPV6 : GSO_VNET_GSO_TCPV4;
		gro_put16(hdr + 2, (uint16_t)r->hlen, le);
		gro_put16(hdr + 4, (uint16_t)r->mss, le);
		gro_put16(hdr + 6, (uint16_t)r->ip_hlen, le);
		gro_put16(hdr + 8, TCP_CSUM_OFF, le);
	}
	r->len = 0;
	r->segs = 0;
	r->closed = false;
	return len;
}
