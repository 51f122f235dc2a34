/*
 * fuzz_gso.c - the TUN super-packet segmenter (src/wire/gso.h; virtio 1.x
 * 5.1.6, RFC 791, RFC 8200, RFC 9293).
 *
 * Input:	byte 0	bit 0: a 12-byte virtio_net_hdr (else 10);
 *			bit 1: big-endian fields (else little-endian);
 *			bit 2: repair the IP length field(s) to the packet's
 *			(so that the segmenting code is reached often)
 *		byte 1	the room for one segment: 0 = GSO_MAX_PACKET, else
 *			40 + 16 * byte
 *		then	the virtio_net_hdr, then the IP packet (up to 64 KiB)
 *
 * Invariants: the packet is never written; a GSO_SEGMENT packet gives
 * ceil(payload / gso_size) segments (one for no payload), each within the
 * room, written into a heap block of exactly that size (ASan sees any
 * write past it); every segment carries the headers and the next payload
 * bytes, its IP length fields are its own, its sequence number is the
 * first one plus the payload before it, FIN and PSH only on the last,
 * CWR only on the first, and its IPv4 header checksum
 * and TCP checksum verify with a 16-bit-word RFC 1071 sum written here;
 * the segments offered to the coalescer (GRO) in order come back as
 * packets carrying exactly the payload taken, in order, with their own
 * lengths and a right IPv4 header checksum; anything at all may be
 * offered to it, and a single packet held comes back unchanged;
 * on a GSO_PASS packet with NEEDS_CSUM, gso_complete_csum() makes the sum
 * from csum_start to the end, plus the pseudo-header's sum the field held
 * before, verify.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "wire/gso.h"

/* RFC 1071 sum, word at a time (the reference). */
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

/* Check one segment of g (already made) against the super-packet. */
static void
check_seg(const struct gso *g, const uint8_t *p, const uint8_t *s, size_t n,
    size_t off)
{
	size_t hl = g->ip_hlen, tl = n - hl;
	uint32_t sum, seq0, seq;
	uint8_t f0 = p[hl + 13], f = s[hl + 13];
	bool last = off + (n - g->hlen) == g->len - g->hlen;

	FUZZ_CHECK(n >= g->hlen && n - g->hlen <= g->mss);
	FUZZ_CHECK(memcmp(s + g->hlen, p + g->hlen + off, n - g->hlen) == 0);
	if (g->v6) {
		FUZZ_CHECK(load_be16(s + 4) + 40u == n);
		sum = ref_sum(0, s + 8, 32);
	} else {
		FUZZ_CHECK(load_be16(s + 2) == n);
		FUZZ_CHECK(ref_sum(0, s, hl) == 0xffff);
		sum = ref_sum(0, s + 12, 8);
	}
	sum = ref_sum(sum + 6 + (uint32_t)tl, s + hl, tl);
	FUZZ_CHECK(sum == 0xffff);
	/* Sequence number + the payload before; FIN/PSH last, CWR first. */
	seq0 = (uint32_t)p[hl + 4] << 24 | (uint32_t)p[hl + 5] << 16 |
	    (uint32_t)p[hl + 6] << 8 | p[hl + 7];
	seq = (uint32_t)s[hl + 4] << 24 | (uint32_t)s[hl + 5] << 16 |
	    (uint32_t)s[hl + 6] << 8 | s[hl + 7];
	FUZZ_CHECK(seq == seq0 + (uint32_t)off);
	FUZZ_CHECK((f & 0x76) == (f0 & 0x76));
	FUZZ_CHECK((f & 0x09) == (last ? (f0 & 0x09) : 0));
	FUZZ_CHECK((f & 0x80) == (off == 0 ? (f0 & 0x80) : 0));
	/* Ports, ack, window, urgent pointer, options: as in the packet. */
	FUZZ_CHECK(memcmp(s + hl, p + hl, 4) == 0);
	FUZZ_CHECK(memcmp(s + hl + 8, p + hl + 8, 5) == 0);
	FUZZ_CHECK(memcmp(s + hl + 18, p + hl + 18, g->hlen - hl - 18) == 0);
}

/* The coalescer's state between segments (the GRO half). */
struct gro_track {
	struct gro	 r;
	size_t		 first;		/* payload offset of the first held */
	size_t		 held;		/* payload bytes held */
};

/* Finish what is held: one packet of the payload taken, in order. */
static void
gro_check_finish(struct gro_track *t, const struct gso *g, const uint8_t *p)
{
	uint8_t hdr[GSO_VNET_HDR_MRG_LEN];
	const uint8_t *out;
	unsigned segs = t->r.segs;
	size_t n;

	n = gro_finish(&t->r, hdr, sizeof hdr, true, &out);
	if (segs == 0) {
		FUZZ_CHECK(n == 0);
		return;
	}
	FUZZ_CHECK(n == g->hlen + t->held);
	FUZZ_CHECK(memcmp(out + g->hlen, p + g->hlen + t->first,
	    t->held) == 0);
	if (g->v6)
		FUZZ_CHECK(load_be16(out + 4) + 40u == n);
	else {
		FUZZ_CHECK(load_be16(out + 2) == n);
		FUZZ_CHECK(ref_sum(0, out, g->ip_hlen) == 0xffff);
	}
	FUZZ_CHECK(hdr[1] == (segs == 1 ? GSO_VNET_GSO_NONE : g->v6 ?
	    GSO_VNET_GSO_TCPV6 : GSO_VNET_GSO_TCPV4));
	t->held = 0;
}

/* Offer one segment (payload at @off) to the coalescer. */
static void
gro_feed(struct gro_track *t, const struct gso *g, const uint8_t *p,
    const uint8_t *s, size_t n, size_t off)
{
	enum gro_res r = gro_offer(&t->r, s, n);

	if (r == GRO_BUSY) {
		gro_check_finish(t, g, p);
		r = gro_offer(&t->r, s, n);
		FUZZ_CHECK(r != GRO_BUSY);
	}
	if (r == GRO_NO) {
		gro_check_finish(t, g, p);
		return;
	}
	if (t->r.segs == 1)
		t->first = off;
	t->held += n - g->hlen;
	FUZZ_CHECK(t->first + t->held == off + n - g->hlen);
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), body;
	struct gso_vnet_hdr h;
	struct gso g;
	enum gso_kind kind;
	enum gso_err e;
	struct gro_track gt;
	uint8_t *gbuf = NULL;
	uint8_t mode, rsel, *p = NULL, *orig = NULL, *s = NULL;
	size_t len, room, n, off = 0, segs = 0, paylen, want;

	mode = fuzz_u8(&in, 0);
	rsel = fuzz_u8(&in, 0);
	room = rsel == 0 ? GSO_MAX_PACKET : 40 + 16 * (size_t)rsel;
	if (gso_vnet_parse(&in, (mode & 1) ? 12 : 10, (mode & 2) == 0,
	    &h) < 0)
		return 0;
	body = fuzz_take(&in, GSO_MAX_PACKET);
	len = bcur_left(&body);
	p = malloc(len + 1);
	orig = malloc(len + 1);
	s = malloc(room);
	gbuf = malloc(GSO_MAX_PACKET);
	if (p == NULL || orig == NULL || s == NULL || gbuf == NULL)
		goto out;
	memset(&gt, 0, sizeof gt);
	gro_init(&gt.r, gbuf);
	(void)bcur_get_bytes(&body, p, len);
	if ((mode & 4) != 0 && len >= 40) {
		if (p[0] >> 4 == 6)
			store_be16(p + 4, (uint16_t)(len - 40));
		else
			store_be16(p + 2, (uint16_t)len);
	}
	memcpy(orig, p, len);
	e = gso_start(&g, &h, p, len, room, &kind);
	FUZZ_CHECK((unsigned)e < GSO_ERR_COUNT);
	FUZZ_CHECK(gso_err_str(e) != NULL);
	if (e != GSO_OK)
		goto out;
	if (kind == GSO_PASS) {
		FUZZ_CHECK(len <= room);
		if ((h.flags & GSO_VNET_F_NEEDS_CSUM) != 0) {
			/* The field held the pseudo-header's sum. */
			gso_complete_csum(&h, p, len);
			FUZZ_CHECK(ref_sum(load_be16(orig + h.csum_start +
			    h.csum_offset), p + h.csum_start,
			    len - h.csum_start) == 0xffff);
		}
		goto out;
	}
	FUZZ_CHECK(g.hlen <= len && g.mss > 0);
	paylen = len - g.hlen;
	while ((n = gso_next(&g, s)) > 0) {
		FUZZ_CHECK(n <= room);
		check_seg(&g, p, s, n, off);
		gro_feed(&gt, &g, p, s, n, off);
		off += n - g.hlen;
		segs++;
		FUZZ_CHECK(segs <= paylen / g.mss + 1);
	}
	want = paylen == 0 ? 1 : (paylen + g.mss - 1) / g.mss;
	gro_check_finish(&gt, &g, p);
	FUZZ_CHECK(segs == want);
	FUZZ_CHECK(off == paylen);
	FUZZ_CHECK(memcmp(p, orig, len) == 0);
out:
	/* Anything at all may be offered to the coalescer. */
	if (gbuf != NULL && orig != NULL) {
		const uint8_t *o;
		uint8_t hdr[GSO_VNET_HDR_LEN];

		gro_init(&gt.r, gbuf);
		if (gro_offer(&gt.r, orig, len) == GRO_HELD)
			FUZZ_CHECK(gro_finish(&gt.r, hdr, sizeof hdr, false,
			    &o) == len && memcmp(o, orig, len) == 0);
	}
	free(p);
	free(orig);
	free(s);
	free(gbuf);
	return 0;
}
