/*
 * test_nd.c - wire/nd.c: the Router Advertisement sstpd sends as the
 * router of a session's link (RFC 4861 4.2) and the Router Solicitation
 * check (RFC 4861 6.1.1).
 *
 * The expected bytes were not made by nd.c: they come from this Python 3
 * (struct, ipaddress), checksum included:
 *
 *   def csum(src, dst, msg):
 *       b = src + dst + struct.pack("!IxxxB", len(msg), 58) + msg
 *       b += b"\0" * (len(b) % 2)
 *       s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
 *       while s >> 16: s = (s & 0xffff) + (s >> 16)
 *       return ~s & 0xffff
 *   src = IPv6Address("fe80::1111:2222:3333:4444").packed
 *   dst = IPv6Address("ff02::1").packed
 *   msg = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0) + \
 *       struct.pack("!BBHI", 5, 1, 0, 1400) + \
 *       struct.pack("!BBBBIII", 3, 4, 64, 0xc0, 2592000, 604800, 0) + \
 *       IPv6Address("2001:db8:1::").packed
 *   (checksum 0x46ad into msg[2:4]), then the IPv6 header
 *   struct.pack("!IHBB", 0x60000000, len(msg), 58, 255) + src + dst.
 * The RS vector the same way: fe80::aaaa:bbbb:cccc:dddd to ff02::2,
 * struct.pack("!BBHI", 133, 0, 0, 0), checksum 0x6c26.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "wire/nd.h"
#include "harness.h"

static const uint8_t ra_kat[ND_RA_LEN] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x38, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x86, 0x00, 0x46, 0xad, 0x40, 0x00, 0x07, 0x08,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x05, 0x78, 0x03, 0x04, 0x40, 0xc0, 0x00, 0x27, 0x8d, 0x00,
	0x00, 0x09, 0x3a, 0x80, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t rs_kat[48] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xaa, 0xaa, 0xbb, 0xbb, 0xcc, 0xcc, 0xdd, 0xdd,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x85, 0x00, 0x6c, 0x26, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t self_ll[16] = { 0xfe, 0x80, [8] = 0x11, 0x11, 0x22,
	0x22, 0x33, 0x33, 0x44, 0x44 };

/* The RA of the vector above. */
static void
kat_ra(struct nd_ra *ra)
{
	static const uint8_t pfx[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	    /* host bits: must be cleared by the builder */
	    [8] = 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };

	memset(ra, 0, sizeof *ra);
	memcpy(ra->src, self_ll, 16);
	memcpy(ra->dst, nd_all_nodes, 16);
	ra->cur_hop_limit = ND_CUR_HOP_LIMIT;
	ra->router_lifetime = ND_ROUTER_LIFETIME_S;
	memcpy(ra->prefix, pfx, 16);
	ra->prefix_len = 64;
	ra->valid_lifetime = ND_VALID_LIFETIME_S;
	ra->preferred_lifetime = ND_PREFERRED_LIFETIME_S;
	ra->mtu = 1400;
}

/* The RA's bytes match the independent vector; one field changed, not. */
static void
test_ra_kat(void)
{
	uint8_t buf[128];
	struct nd_ra ra;
	struct wbuf w;

	TEST_START("ra_kat");
	kat_ra(&ra);
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(nd_ra_build(&w, &ra), 0);
	ASSERT_INT_EQ((int)w.len, ND_RA_LEN);
	ASSERT_MEM_EQ(buf, ra_kat, sizeof ra_kat);
	/* Its checksum verifies over the whole message (sum 0). */
	ASSERT_INT_EQ(nd_icmp6_csum(buf + 8, buf + 24, buf + 40,
	    ND_RA_LEN - 40), 0);

	/* Router Lifetime 0: only bytes 46-47 and the checksum move. */
	ra.router_lifetime = 0;
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(nd_ra_build(&w, &ra), 0);
	ASSERT_TRUE(memcmp(buf, ra_kat, sizeof ra_kat) != 0);
	ASSERT_INT_EQ(buf[46], 0);
	ASSERT_INT_EQ(buf[47], 0);
	ASSERT_INT_EQ(nd_icmp6_csum(buf + 8, buf + 24, buf + 40,
	    ND_RA_LEN - 40), 0);

	/* No room: the wbuf's error, nothing half-written counted. */
	kat_ra(&ra);
	wbuf_init(&w, buf, ND_RA_LEN - 1);
	ASSERT_INT_EQ(nd_ra_build(&w, &ra), -ENOSPC);
	ASSERT_INT_EQ((int)w.len, 0);

	/* Without the MTU option: 88 bytes, still a valid checksum. */
	ra.mtu = 0;
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(nd_ra_build(&w, &ra), 0);
	ASSERT_INT_EQ((int)w.len, ND_RA_LEN - 8);
	ASSERT_INT_EQ(buf[56], 3);
	ASSERT_INT_EQ(nd_icmp6_csum(buf + 8, buf + 24, buf + 40,
	    ND_RA_LEN - 48), 0);
	TEST_DONE();
}

/* Parse @p (@n bytes): the result, *why set on -EBADMSG only. */
static int
rs(const uint8_t *p, size_t n, struct nd_rs *out)
{
	struct bcur c = bcur_make(p, n);
	const char *why = "x";
	int r;

	r = nd_rs_parse(&c, self_ll, out, &why);
	TH_CHECK((r == -EBADMSG) == (why != NULL), "why %s for %d",
	    why != NULL ? why : "(null)", r);
	TH_CHECK(bcur_left(&c) == n, "the cursor was consumed");
	return r;
}

/* Set the ICMPv6 checksum of the RS in @p (@n bytes) again. */
static void
rs_fix(uint8_t *p, size_t n)
{
	uint16_t cs;

	p[42] = p[43] = 0;
	cs = nd_icmp6_csum(p + 8, p + 24, p + 40, n - 40);
	p[42] = (uint8_t)(cs >> 8);
	p[43] = (uint8_t)cs;
}

/* RFC 4861 6.1.1: what is accepted, what is not ours, what is dropped. */
static void
test_rs(void)
{
	uint8_t p[128];
	struct nd_rs out;
	size_t i;

	TEST_START("rs");
	ASSERT_INT_EQ(rs(rs_kat, sizeof rs_kat, &out), 0);
	ASSERT_TRUE(out.to_all_routers);
	ASSERT_FALSE(out.src_unspec);
	/*
	 * Every single-byte change of the vector is refused or not ours,
	 * but for the traffic class and flow label (not under the
	 * checksum, RFC 8200 8.1): byte 0's version bits only, not 1-3.
	 */
	for (i = 0; i < sizeof rs_kat; i++) {
		if (i >= 1 && i <= 3)
			continue;
		memcpy(p, rs_kat, sizeof rs_kat);
		p[i] ^= i == 0 ? 0x10 : 0x01;
		TH_CHECK(rs(p, sizeof rs_kat, &out) < 0, "byte %zu changed: "
		    "still accepted", i);
	}
	/* Truncated: not an RS (the length says more). */
	for (i = 0; i < sizeof rs_kat; i++)
		ASSERT_INT_EQ(rs(rs_kat, i, &out), -ENOMSG);

	/* To our link-local address: accepted. */
	memcpy(p, rs_kat, sizeof rs_kat);
	memcpy(p + 24, self_ll, 16);
	rs_fix(p, sizeof rs_kat);
	ASSERT_INT_EQ(rs(p, sizeof rs_kat, &out), 0);
	ASSERT_FALSE(out.to_all_routers);

	/* Hop limit 64: -EBADMSG even with a right checksum. */
	memcpy(p, rs_kat, sizeof rs_kat);
	p[7] = 64;
	ASSERT_INT_EQ(rs(p, sizeof rs_kat, &out), -EBADMSG);
	/* Code 1. */
	memcpy(p, rs_kat, sizeof rs_kat);
	p[41] = 1;
	rs_fix(p, sizeof rs_kat);
	ASSERT_INT_EQ(rs(p, sizeof rs_kat, &out), -EBADMSG);

	/* From :: with a Source Link-Layer Address option: dropped. */
	memcpy(p, rs_kat, sizeof rs_kat);
	memset(p + 8, 0, 16);
	p[5] = 16;
	memcpy(p + 48, "\x01\x01\x02\x00\x00\x00\x00\x01", 8);
	rs_fix(p, 56);
	ASSERT_INT_EQ(rs(p, 56, &out), -EBADMSG);
	/* From :: without it: fine. */
	p[48] = 14;		/* an unknown option is skipped */
	rs_fix(p, 56);
	ASSERT_INT_EQ(rs(p, 56, &out), 0);
	ASSERT_TRUE(out.src_unspec);
	/* An option of length 0. */
	p[49] = 0;
	rs_fix(p, 56);
	ASSERT_INT_EQ(rs(p, 56, &out), -EBADMSG);
	/* One past the end. */
	p[49] = 2;
	rs_fix(p, 56);
	ASSERT_INT_EQ(rs(p, 56, &out), -EBADMSG);
	/* Shorter than 8 octets (payload 4). */
	memcpy(p, rs_kat, sizeof rs_kat);
	p[5] = 4;
	rs_fix(p, 44);
	ASSERT_INT_EQ(rs(p, 44, &out), -EBADMSG);

	/* Our own RA: no RS. */
	ASSERT_INT_EQ(rs(ra_kat, sizeof ra_kat, &out), -ENOMSG);
	TEST_DONE();
}

int
main(void)
{
	test_ra_kat();
	test_rs();
	return test_exit();
}
