/*
 * fuzz_nd.c - sstpd's Router Solicitation check and Router Advertisement
 * builder (src/wire/nd.h; RFC 4861 4.1, 4.2, 6.1.1, RFC 4443 2.3).
 *
 * Input:	byte 0	bit 0: set the IPv6 Payload Length to what follows
 *			the header; bit 1: then set the ICMPv6 checksum right
 *			(both so that the checks past them are reached);
 *			bit 2: the destination is the router's own address
 *			(fe80::1:2:3:4), not what the packet says
 *		then	the client's IPv6 packet (at most 64 KiB)
 *
 * Invariants: nd_rs_parse returns 0, -ENOMSG or -EBADMSG, names a reason
 * exactly for -EBADMSG, never moves the cursor, never reads past the
 * packet (a heap block of its exact size: ASan); 0 only for an IPv6
 * packet of Next Header 58, ICMPv6 type 133 code 0, hop limit 255, to
 * ff02::2 or the router's address, of at least 8 octets, whose checksum
 * verifies with a reference RFC 1071 sum written here, with src_unspec
 * telling whether the source is ::, its options walking to its end
 * exactly, none of length 0, no Source Link-Layer Address from ::.  An RA built from bytes of the input
 * (addresses, lifetimes, prefix and its length) is ND_RA_LEN bytes (88
 * without an MTU), verifies with the same sum, has the prefix's host bits
 * zero, and is no Router Solicitation to nd_rs_parse.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "wire/nd.h"

static const uint8_t self_ll[16] = { 0xfe, 0x80, [9] = 1, [11] = 2,
	[13] = 3, [15] = 4 };

/* RFC 1071 one's complement sum of the ICMPv6 message at @ip + 40. */
static uint16_t
ref_csum(const uint8_t *ip, size_t mlen)
{
	uint32_t s = 0;
	size_t i;

	for (i = 8; i < 40; i += 2)
		s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	s += (uint32_t)(mlen >> 16) + (uint32_t)(mlen & 0xffff) + 58;
	for (i = 0; i + 1 < mlen; i += 2)
		s += (uint32_t)(ip[40 + i] << 8 | ip[41 + i]);
	if (mlen & 1)
		s += (uint32_t)ip[40 + mlen - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Build an RA from input bytes @p (@n) and check it. */
static void
check_ra(const uint8_t *p, size_t n)
{
	struct bcur in = bcur_make(p, n), c;
	uint8_t buf[ND_RA_LEN + 8];
	struct nd_ra ra;
	struct nd_rs rs;
	struct wbuf w;
	const char *why;
	size_t i, want;

	memset(&ra, 0, sizeof ra);
	c = fuzz_take(&in, 16);
	memcpy(ra.src, bcur_ptr(&c), bcur_left(&c));
	c = fuzz_take(&in, 16);
	memcpy(ra.dst, bcur_ptr(&c), bcur_left(&c));
	c = fuzz_take(&in, 16);
	memcpy(ra.prefix, bcur_ptr(&c), bcur_left(&c));
	ra.prefix_len = (uint8_t)(fuzz_u8(&in, 64) % 129);
	ra.cur_hop_limit = fuzz_u8(&in, 64);
	ra.router_lifetime = fuzz_be16(&in);
	ra.valid_lifetime = fuzz_be32(&in);
	ra.preferred_lifetime = fuzz_be32(&in);
	ra.mtu = fuzz_be32(&in);
	want = ra.mtu != 0 ? ND_RA_LEN : ND_RA_LEN - 8;
	wbuf_init(&w, buf, sizeof buf);
	FUZZ_CHECK(nd_ra_build(&w, &ra) == 0);
	FUZZ_CHECK(w.len == want);
	FUZZ_CHECK(buf[7] == ND_HOP_LIMIT && buf[40] == ND_TYPE_RA);
	FUZZ_CHECK(ref_csum(buf, want - 40) == 0);
	/* The prefix (the last 16 bytes): no host bit set. */
	for (i = ra.prefix_len; i < 128; i++)
		FUZZ_CHECK((buf[want - 16 + i / 8] & (0x80u >> (i % 8))) == 0);
	c = bcur_make(buf, w.len);
	FUZZ_CHECK(nd_rs_parse(&c, self_ll, &rs, &why) == -ENOMSG);
	/* One byte short: the wbuf's error. */
	wbuf_init(&w, buf, want - 1);
	FUZZ_CHECK(nd_ra_build(&w, &ra) == -ENOSPC);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t unspec[16];
	struct bcur c;
	struct nd_rs rs;
	const char *why;
	uint8_t mode, *p;
	size_t n, mlen, off;
	uint16_t cs;
	int r;

	if (size < 1 || size > 1 + 65535 + 40)
		return 0;
	mode = data[0];
	n = size - 1;
	p = malloc(n > 0 ? n : 1);
	if (p == NULL)
		return 0;
	memcpy(p, data + 1, n);
	if ((mode & 4) && n >= 40)
		memcpy(p + 24, self_ll, 16);
	if ((mode & 1) && n >= 40) {
		p[4] = (uint8_t)((n - 40) >> 8);
		p[5] = (uint8_t)(n - 40);
		if ((mode & 2) && n >= 44) {
			p[42] = p[43] = 0;
			cs = ref_csum(p, n - 40);
			p[42] = (uint8_t)(cs >> 8);
			p[43] = (uint8_t)cs;
		}
	}
	c = bcur_make(p, n);
	why = "unset";
	r = nd_rs_parse(&c, self_ll, &rs, &why);
	FUZZ_CHECK(r == 0 || r == -ENOMSG || r == -EBADMSG);
	FUZZ_CHECK((r == -EBADMSG) == (why != NULL));
	FUZZ_CHECK(bcur_left(&c) == n && bcur_ptr(&c) == p);
	if (r == 0) {
		FUZZ_CHECK(n >= 48 && (p[0] >> 4) == 6 && p[6] == ND_ICMP6 &&
		    p[7] == ND_HOP_LIMIT);
		mlen = (size_t)p[4] << 8 | p[5];
		FUZZ_CHECK(mlen >= 8 && 40 + mlen <= n);
		FUZZ_CHECK(p[40] == ND_TYPE_RS && p[41] == 0);
		FUZZ_CHECK(memcmp(p + 24, nd_all_routers, 16) == 0 ||
		    memcmp(p + 24, self_ll, 16) == 0);
		FUZZ_CHECK(rs.to_all_routers ==
		    (memcmp(p + 24, nd_all_routers, 16) == 0));
		FUZZ_CHECK(ref_csum(p, mlen) == 0);
		FUZZ_CHECK(rs.src_unspec == (memcmp(p + 8, unspec, 16) == 0));
		/* Options: none of length 0, none past the end, no SLLAO from ::. */
		for (off = 48; off < 40 + mlen; off += (size_t)p[off + 1] * 8) {
			FUZZ_CHECK(off + 2 <= 40 + mlen && p[off + 1] != 0 &&
			    off + (size_t)p[off + 1] * 8 <= 40 + mlen);
			FUZZ_CHECK(!(rs.src_unspec && p[off] == 1));
		}
	}
	check_ra(p, n);
	free(p);
	return 0;
}
