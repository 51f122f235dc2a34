/*
 * test_gso.c - segmenting TUN super-packets (src/wire/gso.h): hand-built
 * IPv4 (with options) and IPv6 TCP super-packets cut into segments, each
 * checked field by field (RFC 791 3.1, RFC 8200 3, RFC 9293 3.1) and its
 * IPv4 header and TCP checksums against a 16-bit-word-at-a-time RFC 1071
 * sum written here; one small case against bytes computed with python3;
 * VIRTIO_NET_HDR_F_NEEDS_CSUM completion (virtio 1.x 5.1.6.2); every
 * refusal; the virtio_net_hdr in both byte orders.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "wire/gso.h"
#include "harness.h"

#define ROOM	(GSO_MAX_PACKET)

static uint8_t pkt[GSO_MAX_PACKET + 64];
static uint8_t copy[GSO_MAX_PACKET + 64];
static uint8_t seg[ROOM];

/* RFC 1071 sum, one big-endian 16-bit word at a time (the reference). */
static uint32_t
ref_sum(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* True when the TCP checksum of the IP packet @ip verifies (sum 0xffff). */
static int
ref_tcp_ok(const uint8_t *ip, size_t len, int v6)
{
	size_t ihl = v6 ? 40 : (size_t)(ip[0] & 15) * 4;
	size_t tl = len - ihl;
	uint32_t s;

	s = v6 ? ref_sum(0, ip + 8, 32) : ref_sum(0, ip + 12, 8);
	s = ref_sum(s + 6 + (uint32_t)tl, ip + ihl, tl);
	return s == 0xffff;
}

/* An IPv4 header (ihl words), TCP header (doff words), payload pattern. */
static size_t
build4(uint8_t *p, unsigned ihl, unsigned doff, size_t paylen, uint8_t tflags)
{
	size_t hl = ihl * 4, len = hl + doff * 4 + paylen, i;

	memset(p, 0, hl + doff * 4);
	p[0] = (uint8_t)(0x40 | ihl);
	store_be16(p + 2, (uint16_t)len);
	store_be16(p + 4, 0xfffe);		/* id wraps after one */
	store_be16(p + 6, 0x4000);		/* DF */
	p[8] = 64;
	p[9] = 6;
	store_be16(p + 10, 0xbeef);		/* wrong on purpose */
	p[12] = 192; p[13] = 0; p[14] = 2; p[15] = 2;
	p[16] = 192; p[17] = 0; p[18] = 2; p[19] = 1;
	for (i = 20; i < hl; i++)
		p[i] = 1;			/* NOP options */
	p += hl;
	store_be16(p, 40000);
	store_be16(p + 2, 5201);
	p[4] = 0xff; p[5] = 0xff; p[6] = 0xfc; p[7] = 0x00;	/* wraps */
	p[8] = 0x11; p[11] = 0x22;
	p[12] = (uint8_t)(doff << 4);
	p[13] = tflags;
	store_be16(p + 14, 502);
	store_be16(p + 16, 0x1234);		/* partial sum: not trusted */
	for (i = 20; i < doff * 4; i++)
		p[i] = 1;
	p += doff * 4;
	for (i = 0; i < paylen; i++)
		p[i] = (uint8_t)(i * 7 + (i >> 8));
	return len;
}

/* The same over IPv6 (no extension headers). */
static size_t
build6(uint8_t *p, unsigned doff, size_t paylen, uint8_t tflags)
{
	size_t len;

	memset(p, 0, 40);
	p[0] = 0x60;
	p[6] = 6;
	p[7] = 64;
	p[8] = 0x20; p[9] = 0x01; p[10] = 0x0d; p[11] = 0xb8; p[23] = 2;
	p[24] = 0x20; p[25] = 0x01; p[26] = 0x0d; p[27] = 0xb8; p[39] = 1;
	len = build4(copy, 5, doff, paylen, tflags);	/* borrow the TCP */
	memcpy(p + 40, copy + 20, len - 20);
	len = len - 20 + 40;
	store_be16(p + 4, (uint16_t)(len - 40));
	return len;
}

static struct gso_vnet_hdr
vh(uint8_t type, uint16_t mss)
{
	struct gso_vnet_hdr h = { GSO_VNET_F_NEEDS_CSUM, type, 0, mss, 0, 16 };

	return h;
}

/*
 * Segment @p and check every segment against the super-packet: @hl is
 * the IP header length, @thl the TCP header's.
 */
static void
check_segments(const uint8_t *p, size_t len, size_t hl, size_t thl,
    struct gso_vnet_hdr h, int v6, unsigned want_segs)
{
	struct gso g;
	enum gso_kind kind;
	size_t n, off = 0, hlen = hl + thl, paylen = len - hlen, mss;
	unsigned k = 0;
	uint32_t seq0 = (uint32_t)p[hl + 4] << 24 | p[hl + 5] << 16 |
	    p[hl + 6] << 8 | p[hl + 7], seq;
	uint8_t f0 = p[hl + 13];

	h.csum_start = (uint16_t)hl;
	mss = h.gso_size;
	memcpy(copy, p, len);
	ASSERT_INT_EQ(gso_start(&g, &h, p, len, ROOM, &kind), GSO_OK);
	ASSERT_INT_EQ(kind, GSO_SEGMENT);
	while ((n = gso_next(&g, seg)) > 0) {
		size_t want = paylen - off < mss ? paylen - off : mss;
		int last = off + want == paylen;

		ASSERT_INT_EQ(n, hlen + want);
		if (n != hlen + want)
			return;
		if (v6) {
			ASSERT_INT_EQ(load_be16(seg + 4), n - 40);
			ASSERT_MEM_EQ(seg, p, 4);
			ASSERT_MEM_EQ(seg + 6, p + 6, 34);
		} else {
			ASSERT_INT_EQ(load_be16(seg + 2), n);
			ASSERT_INT_EQ(load_be16(seg + 4),
			    (uint16_t)(load_be16(p + 4) + k));
			ASSERT_INT_EQ(ref_sum(0, seg, hl), 0xffff);
			ASSERT_MEM_EQ(seg + 6, p + 6, 4);
			ASSERT_MEM_EQ(seg + 12, p + 12, hl - 12);
		}
		seq = (uint32_t)seg[hl + 4] << 24 | seg[hl + 5] << 16 |
		    seg[hl + 6] << 8 | seg[hl + 7];
		ASSERT_U32_EQ(seq, seq0 + (uint32_t)off);
		ASSERT_MEM_EQ(seg + hl, p + hl, 4);	/* ports */
		ASSERT_MEM_EQ(seg + hl + 8, p + hl + 8, 5);
		ASSERT_INT_EQ(seg[hl + 13], f0 & (last ? 0xff : ~0x09) &
		    (k == 0 ? 0xff : ~0x80));
		ASSERT_MEM_EQ(seg + hl + 14, p + hl + 14, 2);
		ASSERT_MEM_EQ(seg + hl + 18, p + hl + 18, thl - 18);
		ASSERT_TRUE(ref_tcp_ok(seg, n, v6));
		ASSERT_MEM_EQ(seg + hlen, p + hlen + off, want);
		off += want;
		k++;
	}
	ASSERT_INT_EQ(k, want_segs);
	ASSERT_INT_EQ(off, paylen);
	ASSERT_INT_EQ(gso_next(&g, seg), 0);
	ASSERT_MEM_EQ(copy, p, len);		/* the input is untouched */
}

static void
test_ipv4(void)
{
	size_t len;

	TEST_START("IPv4 TCP super-packets (options, wraps, flags)");
	len = build4(pkt, 6, 8, 3500, 0x10 | 0x08 | 0x01 | 0x80);
	check_segments(pkt, len, 24, 32, vh(GSO_VNET_GSO_TCPV4 |
	    GSO_VNET_GSO_ECN, 1000), 0, 4);
	/* Exactly a multiple of the MSS; odd sizes (odd checksum tails). */
	len = build4(pkt, 5, 5, 3000, 0x18);
	check_segments(pkt, len, 20, 20, vh(GSO_VNET_GSO_TCPV4, 1000), 0, 3);
	len = build4(pkt, 5, 5, 2999, 0x18);
	check_segments(pkt, len, 20, 20, vh(GSO_VNET_GSO_TCPV4, 999), 0, 4);
	/* The largest: 64 KiB, MSS 1448. */
	len = build4(pkt, 5, 8, GSO_MAX_PACKET - 52, 0x18);
	check_segments(pkt, len, 20, 32, vh(GSO_VNET_GSO_TCPV4, 1448), 0,
	    (GSO_MAX_PACKET - 52 + 1447) / 1448);
	/* A payload under the MSS: one segment; none at all: one too. */
	len = build4(pkt, 5, 5, 100, 0x18);
	check_segments(pkt, len, 20, 20, vh(GSO_VNET_GSO_TCPV4, 1000), 0, 1);
	len = build4(pkt, 5, 5, 0, 0x11);
	check_segments(pkt, len, 20, 20, vh(GSO_VNET_GSO_TCPV4, 1000), 0, 1);
	TEST_DONE();
}

static void
test_ipv6(void)
{
	size_t len;

	TEST_START("IPv6 TCP super-packets");
	len = build6(pkt, 8, 4000, 0x18 | 0x80);
	check_segments(pkt, len, 40, 32, vh(GSO_VNET_GSO_TCPV6 |
	    GSO_VNET_GSO_ECN, 1428), 1, 3);
	len = build6(pkt, 5, 1, 0x19);
	check_segments(pkt, len, 40, 20, vh(GSO_VNET_GSO_TCPV6, 1), 1, 1);
	len = build6(pkt, 5, 7, 0x19);
	check_segments(pkt, len, 40, 20, vh(GSO_VNET_GSO_TCPV6, 2), 1, 4);
	TEST_DONE();
}

/*
 * Known answer, from python3 (struct + a 16-bit-word sum, not this code):
 * build4(ihl 5, doff 5, 6 bytes, ACK|PSH) cut at MSS 4 into two segments.
 */
static void
test_known_answer(void)
{
	static const char seg1_hex[] =
	    "45 00 00 2c ff fe 40 00 40 06 b6 c9 c0 00 02 02 c0 00 02 01"
	    "9c 40 14 51 ff ff fc 00 11 00 00 22 50 10 01 f6 5e 06 00 00"
	    "00 07 0e 15";
	static const char seg2_hex[] =
	    "45 00 00 2a ff ff 40 00 40 06 b6 ca c0 00 02 02 c0 00 02 01"
	    "9c 40 14 51 ff ff fc 04 11 00 00 22 50 18 01 f6 4f f5 00 00"
	    "1c 23";
	uint8_t want[64];
	struct gso_vnet_hdr h = vh(GSO_VNET_GSO_TCPV4, 4);
	struct gso g;
	enum gso_kind kind;
	size_t len, n;

	TEST_START("segments against python3-computed bytes");
	len = build4(pkt, 5, 5, 6, 0x18);
	h.csum_start = 20;
	ASSERT_INT_EQ(gso_start(&g, &h, pkt, len, ROOM, &kind), GSO_OK);
	n = th_unhex(seg1_hex, want, sizeof want);
	ASSERT_INT_EQ(gso_next(&g, seg), n);
	ASSERT_MEM_EQ(seg, want, n);
	n = th_unhex(seg2_hex, want, sizeof want);
	ASSERT_INT_EQ(gso_next(&g, seg), n);
	ASSERT_MEM_EQ(seg, want, n);
	ASSERT_INT_EQ(gso_next(&g, seg), 0);
	TEST_DONE();
}

static void
test_needs_csum(void)
{
	struct gso_vnet_hdr h = { GSO_VNET_F_NEEDS_CSUM, 0, 0, 0, 20, 16 };
	struct gso g;
	enum gso_kind kind;
	size_t len, tl;
	uint32_t s;

	TEST_START("NEEDS_CSUM on a single packet; GSO_NONE passes");
	len = build4(pkt, 5, 5, 777, 0x18);
	/* The kernel leaves the pseudo-header's sum in the field. */
	tl = len - 20;
	s = ref_sum(0, pkt + 12, 8);
	s = ref_sum(s + 6 + (uint32_t)tl, (const uint8_t *)"", 0);
	store_be16(pkt + 36, (uint16_t)s);
	ASSERT_FALSE(ref_tcp_ok(pkt, len, 0));
	ASSERT_INT_EQ(gso_start(&g, &h, pkt, len, ROOM, &kind), GSO_OK);
	ASSERT_INT_EQ(kind, GSO_PASS);
	gso_complete_csum(&h, pkt, len);
	ASSERT_TRUE(ref_tcp_ok(pkt, len, 0));
	/* Without the flag nothing changes. */
	memcpy(copy, pkt, len);
	h.flags = 0;
	gso_complete_csum(&h, pkt, len);
	ASSERT_MEM_EQ(copy, pkt, len);
	/* Anything at all passes as GSO_NONE (the PPP engine checks IP). */
	ASSERT_INT_EQ(gso_start(&g, &h, (const uint8_t *)"xyz", 3, ROOM,
	    &kind), GSO_OK);
	ASSERT_INT_EQ(kind, GSO_PASS);
	TEST_DONE();
}

/* gso_start of @p with @h gives @want. */
static void
refuse(const uint8_t *p, size_t len, struct gso_vnet_hdr h, size_t room,
    enum gso_err want)
{
	struct gso g;
	enum gso_kind kind;

	ASSERT_INT_EQ(gso_start(&g, &h, p, len, room, &kind), want);
}

static void
test_refused(void)
{
	struct gso_vnet_hdr h4 = vh(GSO_VNET_GSO_TCPV4, 1000), h, h4n;
	size_t len;

	TEST_START("malformed super-packets are refused");
	len = build4(pkt, 5, 5, 3000, 0x10);
	h4.csum_start = 20;
	h4n = h4;
	h4n.flags = 0;				/* no csum offsets to check */
	refuse(pkt, len, h4, ROOM, GSO_OK);
	h = h4; h.gso_type = GSO_VNET_GSO_UDP;
	refuse(pkt, len, h, ROOM, GSO_ERR_TYPE);
	h = h4; h.gso_type = GSO_VNET_GSO_UDP_L4;
	refuse(pkt, len, h, ROOM, GSO_ERR_TYPE);
	h = h4; h.gso_type = 9;
	refuse(pkt, len, h, ROOM, GSO_ERR_TYPE);
	h = h4; h.gso_type = GSO_VNET_GSO_ECN;
	refuse(pkt, len, h, ROOM, GSO_ERR_TYPE);
	h = h4; h.gso_size = 0;
	refuse(pkt, len, h, ROOM, GSO_ERR_SIZE);
	h = h4; h.hdr_len = (uint16_t)(len + 1);
	refuse(pkt, len, h, ROOM, GSO_ERR_SIZE);
	h = h4; h.csum_start = (uint16_t)(len - 17);
	refuse(pkt, len, h, ROOM, GSO_ERR_CSUM);
	h = h4; h.csum_offset = 15;
	refuse(pkt, len, h, ROOM, GSO_ERR_CSUM);
	h.gso_type = GSO_VNET_GSO_NONE;
	refuse(pkt, len, h, ROOM, GSO_ERR_CSUM);
	h = h4; h.gso_type = GSO_VNET_GSO_TCPV6;
	refuse(pkt, len, h, ROOM, GSO_ERR_IP);
	refuse(pkt, 19, h4n, ROOM, GSO_ERR_IP);
	refuse(pkt, len - 1, h4, ROOM, GSO_ERR_IPLEN);
	refuse(pkt, len, h4, 1039, GSO_ERR_ROOM);
	/* GSO_NONE: the whole packet must fit. */
	h = h4; h.gso_type = GSO_VNET_GSO_NONE;
	refuse(pkt, len, h, len - 1, GSO_ERR_ROOM);
	refuse(pkt, len, h, len, GSO_OK);
	refuse(pkt, len, h4, 1040, GSO_OK);
	pkt[0] = 0x44;				/* IHL 4 */
	refuse(pkt, len, h4, ROOM, GSO_ERR_IP);
	pkt[0] = 0x4f;				/* IHL 15 > 40 bytes */
	refuse(pkt, 40, h4, ROOM, GSO_ERR_IP);
	pkt[0] = 0x45;
	pkt[6] = 0x20;				/* MF: a fragment */
	refuse(pkt, len, h4, ROOM, GSO_ERR_IP);
	pkt[6] = 0x40;
	pkt[9] = 17;				/* UDP */
	refuse(pkt, len, h4, ROOM, GSO_ERR_PROTO);
	pkt[9] = 6;
	pkt[32] = 0x40;				/* doff 4 */
	refuse(pkt, len, h4, ROOM, GSO_ERR_TCP);
	pkt[32] = 0xf0;				/* doff 15: 60 > 30 left */
	store_be16(pkt + 2, 50);
	refuse(pkt, 50, h4, ROOM, GSO_ERR_TCP);
	store_be16(pkt + 2, 32);
	refuse(pkt, 32, h4n, ROOM, GSO_ERR_TCP);	/* TCP cut at 12 */
	/* IPv6: an extension header, a wrong payload length. */
	h = h4; h.gso_type = GSO_VNET_GSO_TCPV6; h.csum_start = 40;
	len = build6(pkt, 5, 3000, 0x10);
	refuse(pkt, len, h, ROOM, GSO_OK);
	refuse(pkt, len, h4, ROOM, GSO_ERR_IP);
	h.flags = 0;
	refuse(pkt, 39, h, ROOM, GSO_ERR_IP);
	h.flags = GSO_VNET_F_NEEDS_CSUM;
	refuse(pkt, len + 1, h, ROOM, GSO_ERR_IPLEN);
	pkt[6] = 0;				/* Hop-by-Hop options */
	refuse(pkt, len, h, ROOM, GSO_ERR_PROTO);
	TEST_DONE();
}

static void
test_vnet_hdr(void)
{
	static const uint8_t le[12] = { 1, 0x81, 0x36, 0, 0xa8, 5, 0x14, 0,
	    0x10, 0, 9, 9 };
	static const uint8_t be[10] = { 1, 4, 0, 0x36, 5, 0xa8, 0, 0x28,
	    0, 0x10 };
	struct gso_vnet_hdr h;
	struct bcur c;
	uint8_t z[12];

	TEST_START("virtio_net_hdr: byte orders, 10 and 12 bytes");
	c = bcur_make(le, sizeof le);
	ASSERT_INT_EQ(gso_vnet_parse(&c, 12, true, &h), 0);
	ASSERT_INT_EQ(bcur_left(&c), 0);
	ASSERT_INT_EQ(h.flags, 1);
	ASSERT_INT_EQ(h.gso_type, 0x81);
	ASSERT_INT_EQ(h.hdr_len, 0x36);
	ASSERT_INT_EQ(h.gso_size, 1448);
	ASSERT_INT_EQ(h.csum_start, 20);
	ASSERT_INT_EQ(h.csum_offset, 16);
	c = bcur_make(be, sizeof be);
	ASSERT_INT_EQ(gso_vnet_parse(&c, 10, false, &h), 0);
	ASSERT_INT_EQ(h.gso_type, 4);
	ASSERT_INT_EQ(h.gso_size, 1448);
	ASSERT_INT_EQ(h.csum_start, 40);
	c = bcur_make(be, 9);
	ASSERT_INT_EQ(gso_vnet_parse(&c, 10, false, &h), -1);
	c = bcur_make(le, 11);
	ASSERT_INT_EQ(gso_vnet_parse(&c, 12, true, &h), -1);
	c = bcur_make(le, sizeof le);
	ASSERT_INT_EQ(gso_vnet_parse(&c, 8, true, &h), -1);
	memset(z, 0xaa, sizeof z);
	gso_vnet_put_none(z, 10);
	ASSERT_INT_EQ(z[9] | z[0] | z[1], 0);
	ASSERT_INT_EQ(z[10], 0xaa);
	ASSERT_STR_EQ(gso_err_str(GSO_ERR_TYPE), "unsupported gso_type");
	ASSERT_STR_EQ(gso_err_str(GSO_ERR_COUNT), "?");
	TEST_DONE();
}

/* The fast sum against the reference on every length and alignment. */
static void
test_csum(void)
{
	size_t n, a;

	TEST_START("gso_csum_add against the word-at-a-time sum");
	for (n = 0; n < 4096; n++)
		pkt[n] = (uint8_t)(n * 131 + 17);
	memset(pkt + 4096, 0xff, 65536 - 4096);
	for (a = 0; a < 4; a++)
		for (n = 0; n + a < 600; n++)
			ASSERT_INT_EQ(gso_csum_fold(gso_csum_add(0, pkt + a,
			    n)), ref_sum(0, pkt + a, n));
	/* All ones over 64 KiB: the carries. */
	ASSERT_INT_EQ(gso_csum_fold(gso_csum_add(0x1fffe, pkt, 65536)),
	    ref_sum(0x1fffe, pkt, 65536));
	TEST_DONE();
}

static uint8_t grobuf[GSO_MAX_PACKET];
static uint8_t segs[64][2048];
static size_t seglen[64];

/* Cut @p with gso into segs[]; the count. */
static unsigned
cut(const uint8_t *p, size_t len, struct gso_vnet_hdr h)
{
	struct gso g;
	enum gso_kind kind;
	unsigned k = 0;

	if (gso_start(&g, &h, p, len, ROOM, &kind) != GSO_OK ||
	    kind != GSO_SEGMENT)
		return 0;
	while (k < 64 && (seglen[k] = gso_next(&g, segs[k])) > 0)
		k++;
	return k;
}

/* Coalesce @k segments back and compare with the super-packet @p. */
static void
check_roundtrip(const uint8_t *p, size_t len, size_t hl, size_t hlen,
    unsigned k, uint8_t type, uint16_t mss)
{
	struct gro r;
	uint8_t hdr[12], want[12] = { 1, type, (uint8_t)hlen, 0,
	    (uint8_t)mss, (uint8_t)(mss >> 8), (uint8_t)hl, 0, 16, 0, 0, 0 };
	const uint8_t *out;
	unsigned i;
	size_t n;
	uint32_t ps;

	gro_init(&r, grobuf);
	for (i = 0; i < k; i++)
		ASSERT_INT_EQ(gro_offer(&r, segs[i], seglen[i]), GRO_HELD);
	ASSERT_INT_EQ(r.segs, k);
	n = gro_finish(&r, hdr, 12, true, &out);
	ASSERT_INT_EQ(n, len);
	ASSERT_MEM_EQ(hdr, want, 12);
	ASSERT_MEM_EQ(out + hlen, p + hlen, len - hlen);
	if (hl == 20) {
		ASSERT_INT_EQ(load_be16(out + 2), len);
		ASSERT_INT_EQ(ref_sum(0, out, 20), 0xffff);
		ASSERT_MEM_EQ(out + 4, p + 4, 6);	/* the first id */
		ps = ref_sum(0, out + 12, 8);
	} else {
		ASSERT_INT_EQ(load_be16(out + 4), len - 40);
		ps = ref_sum(0, out + 8, 32);
	}
	ASSERT_MEM_EQ(out + hl, p + hl, 16);	/* seq, flags (PSH) ... */
	/* The field: the pseudo-header's sum, for the kernel to finish. */
	ps = ref_sum(ps + 6 + (uint32_t)(len - hl), (const uint8_t *)"", 0);
	ASSERT_INT_EQ(load_be16(out + hl + 16), ps);
	ASSERT_INT_EQ(gro_finish(&r, hdr, 12, true, &out), 0);
}

/* Make the IPv4 header and TCP checksums of @p right again. */
static void
fix4(uint8_t *p, size_t len)
{
	store_be16(p + 10, 0);
	store_be16(p + 10, (uint16_t)~ref_sum(0, p, 20));
	store_be16(p + 36, 0);
	store_be16(p + 36, (uint16_t)~ref_sum(ref_sum(0, p + 12, 8) + 6 +
	    (uint32_t)(len - 20), p + 20, len - 20));
}

static void
test_gro(void)
{
	struct gro r;
	uint8_t hdr[10], z[10] = { 0 }, one[2048];
	const uint8_t *out;
	size_t len;
	unsigned k;
	uint32_t sq;

	TEST_START("GRO: segments coalesce back into the super-packet");
	len = build4(pkt, 5, 8, 5000, 0x18);
	k = cut(pkt, len, vh(GSO_VNET_GSO_TCPV4, 1448));
	ASSERT_INT_EQ(k, 4);
	check_roundtrip(pkt, len, 20, 52, k, GSO_VNET_GSO_TCPV4, 1448);
	len = build6(pkt, 5, 2856, 0x10);
	k = cut(pkt, len, vh(GSO_VNET_GSO_TCPV6, 1428));
	ASSERT_INT_EQ(k, 2);
	check_roundtrip(pkt, len, 40, 60, k, GSO_VNET_GSO_TCPV6, 1428);
	TEST_DONE();

	TEST_START("GRO: what does not continue the flow is not merged");
	len = build4(pkt, 5, 5, 4000, 0x10);
	k = cut(pkt, len, vh(GSO_VNET_GSO_TCPV4, 1000));
	ASSERT_INT_EQ(k, 4);
	gro_init(&r, grobuf);
	/* One held: GSO_NONE, the packet as it came. */
	ASSERT_INT_EQ(gro_offer(&r, segs[0], seglen[0]), GRO_HELD);
	ASSERT_INT_EQ(gro_finish(&r, hdr, 10, true, &out), seglen[0]);
	ASSERT_MEM_EQ(hdr, z, 10);
	ASSERT_MEM_EQ(out, segs[0], seglen[0]);
	ASSERT_INT_EQ(gro_offer(&r, segs[0], seglen[0]), GRO_HELD);
	ASSERT_INT_EQ(gro_offer(&r, segs[2], seglen[2]), GRO_BUSY); /* seq */
	ASSERT_INT_EQ(gro_offer(&r, segs[0], seglen[0]), GRO_BUSY);
	memcpy(one, segs[1], seglen[1]);
	one[21] ^= 1;				/* another port */
	fix4(one, seglen[1]);
	ASSERT_INT_EQ(gro_offer(&r, one, seglen[1]), GRO_BUSY);
	memcpy(one, segs[1], seglen[1]);
	one[5] ^= 2;				/* IPv4 id not the next */
	fix4(one, seglen[1]);
	ASSERT_INT_EQ(gro_offer(&r, one, seglen[1]), GRO_BUSY);
	memcpy(one, segs[1], seglen[1]);
	one[35] ^= 1;				/* another window */
	fix4(one, seglen[1]);
	ASSERT_INT_EQ(gro_offer(&r, one, seglen[1]), GRO_BUSY);
	memcpy(one, segs[1], seglen[1]);
	one[8] = 63;				/* another TTL */
	fix4(one, seglen[1]);
	ASSERT_INT_EQ(gro_offer(&r, one, seglen[1]), GRO_BUSY);
	memcpy(one, segs[1], seglen[1]);
	one[45] ^= 1;				/* bad TCP checksum */
	ASSERT_INT_EQ(gro_offer(&r, one, seglen[1]), GRO_NO);
	memcpy(one, segs[1], seglen[1]);
	one[11] ^= 1;				/* bad header checksum */
	ASSERT_INT_EQ(gro_offer(&r, one, seglen[1]), GRO_NO);
	memcpy(one, segs[1], seglen[1]);
	one[33] = 0x11;				/* FIN */
	fix4(one, seglen[1]);
	ASSERT_INT_EQ(gro_offer(&r, one, seglen[1]), GRO_NO);
	memcpy(one, segs[1], seglen[1]);
	one[33] = 0x90;				/* CWR */
	fix4(one, seglen[1]);
	ASSERT_INT_EQ(gro_offer(&r, one, seglen[1]), GRO_NO);
	memcpy(one, segs[1], seglen[1]);
	one[9] = 17;				/* not TCP */
	ASSERT_INT_EQ(gro_offer(&r, one, seglen[1]), GRO_NO);
	ASSERT_INT_EQ(gro_offer(&r, segs[1], 40), GRO_NO);	/* short */
	ASSERT_INT_EQ(gro_offer(&r, segs[1], seglen[1]), GRO_HELD);
	ASSERT_INT_EQ(r.segs, 2);
	ASSERT_FALSE(r.closed);
	/* A shorter payload closes the super-packet. */
	len = build4(pkt, 5, 5, 3500, 0x10);
	k = cut(pkt, len, vh(GSO_VNET_GSO_TCPV4, 1000));
	gro_init(&r, grobuf);
	ASSERT_INT_EQ(gro_offer(&r, segs[0], seglen[0]), GRO_HELD);
	ASSERT_INT_EQ(gro_offer(&r, segs[3], seglen[3]), GRO_BUSY);
	ASSERT_INT_EQ(gro_offer(&r, segs[1], seglen[1]), GRO_HELD);
	ASSERT_INT_EQ(gro_offer(&r, segs[2], seglen[2]), GRO_HELD);
	ASSERT_FALSE(r.closed);
	ASSERT_INT_EQ(gro_offer(&r, segs[3], seglen[3]), GRO_HELD);
	ASSERT_TRUE(r.closed);
	(void)gro_finish(&r, hdr, 10, true, &out);
	/* Never past 64 KiB: 46 of 1400 bytes fit, the 47th does not. */
	gro_init(&r, grobuf);
	for (k = 0; k < 47; k++) {
		len = build4(one, 5, 5, 1400, 0x10);
		store_be16(one + 4, (uint16_t)(0xfffe + k));
		sq = 0xfffffc00u + 1400 * k;
		store_be16(one + 24, (uint16_t)(sq >> 16));
		store_be16(one + 26, (uint16_t)sq);
		fix4(one, len);
		ASSERT_INT_EQ(gro_offer(&r, one, len), (k < 46 ? GRO_HELD :
		    GRO_BUSY));
	}
	ASSERT_INT_EQ(gro_finish(&r, hdr, 10, false, &out), 40 + 46 * 1400);
	ASSERT_INT_EQ(hdr[1], GSO_VNET_GSO_TCPV4);
	ASSERT_INT_EQ(load_be16(hdr + 4), 1400);	/* big-endian */
	TEST_DONE();
}

int
main(void)
{
	test_csum();
	test_vnet_hdr();
	test_ipv4();
	test_ipv6();
	test_known_answer();
	test_needs_csum();
	test_refused();
	test_gro();
	return test_exit();
}
