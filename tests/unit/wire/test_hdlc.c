/*
 * test_hdlc.c - async-HDLC codec: RFC 1662 FCS, the PROTOCOL.md 5.2 example
 * byte for byte, ACCM handling, splits at every position, garbage, bad FCS,
 * aborts, oversize frames and batched frames; every SIMD implementation
 * against the portable one (all lengths 0..4091, ACCM classes, every 8-bit
 * escape mask, splits at every position), in exact-size heap buffers so
 * that ASan catches any vector load or store past an end.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "wire/hdlc.h"
#include "harness.h"

/* PROTOCOL.md 5.2: LCP Configure-Request id 1, MRU 1500, magic 0x11223344. */
static const char lcp_hex[] =
    "FF 03 C0 21 01 01 00 0E 01 04 05 DC 05 06 11 22 33 44";
/* ... its async-HDLC form with ACCM 0xFFFFFFFF (FCS 0xD8ED sent ED D8). */
static const char lcp_async_hex[] =
    "7E FF 7D 23 C0 21 7D 21 7D 21 7D 20 7D 2E 7D 21 7D 24 7D 25 DC 7D 25"
    "7D 26 7D 31 22 33 44 ED D8 7E";
/* ... with ACCM 0: only 0x7D/0x7E would be escaped, and there are none. */
static const char lcp_async0_hex[] =
    "7E FF 03 C0 21 01 01 00 0E 01 04 05 DC 05 06 11 22 33 44 ED D8 7E";
/* ... with ACCM 0x000A0000 (XON 0x11 and XOFF 0x13 only). */
static const char lcp_asyncx_hex[] =
    "7E FF 03 C0 21 01 01 00 0E 01 04 05 DC 05 06 7D 31 22 33 44 ED D8 7E";

#define BUFSZ	(64 * 1024)

static uint8_t big_in[BUFSZ];
static uint8_t big_out[BUFSZ];
static uint8_t frame_buf[8192];

/* Bit-at-a-time FCS-16 straight from the RFC 1662 C.2 definition. */
static uint16_t
ref_fcs16(uint16_t fcs, const uint8_t *p, size_t n)
{
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		fcs ^= p[i];
		for (b = 0; b < 8; b++)
			fcs = (fcs & 1) ? (uint16_t)((fcs >> 1) ^ 0x8408) :
			    (uint16_t)(fcs >> 1);
	}
	return fcs;
}

/* xorshift32, so that "random" data is the same on every run. */
static uint32_t
rnd(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

struct collect {
	size_t	n;
	size_t	len[64];
	uint8_t	data[64][2048];
};

/* Decode all of in[0..n) in chunks of `chunk', collecting the frames. */
static void
decode_all(struct hdlc_dec *d, const uint8_t *in, size_t n, size_t chunk,
    struct collect *col)
{
	struct hdlc_frame f;
	struct bcur c;
	size_t off, take;
	int r;

	for (off = 0; off < n; off += take) {
		take = n - off < chunk ? n - off : chunk;
		c = bcur_make(in + off, take);
		while ((r = hdlc_decode(d, &c, &f)) == 1) {
			if (col->n < 64 && f.len <= sizeof col->data[0]) {
				memcpy(col->data[col->n], f.data, f.len);
				col->len[col->n] = f.len;
			}
			col->n++;
		}
		ASSERT_INT_EQ(r, 0);
		ASSERT_INT_EQ(bcur_left(&c), 0);
	}
}

static void
test_fcs(void)
{
	uint8_t buf[616], lcp[64], fr[80];
	uint32_t s = 12345;
	size_t n, off, i;
	uint16_t fcs;

	TEST_START("fcs16 known values and slicing-by-8 vs bitwise");
	/* CRC-16/X-25 check value (init 0xFFFF, reflected, xorout 0xFFFF). */
	fcs = (uint16_t)~hdlc_fcs16(HDLC_FCS_INIT, "123456789", 9);
	ASSERT_U32_EQ(fcs, 0x906e);
	/* PROTOCOL.md 5.2: FCS 0xD8ED; over frame + ED D8 it is 0xF0B8. */
	n = th_unhex(lcp_hex, lcp, sizeof lcp);
	ASSERT_INT_EQ(n, 18);
	fcs = (uint16_t)~hdlc_fcs16(HDLC_FCS_INIT, lcp, n);
	ASSERT_U32_EQ(fcs, 0xd8ed);
	memcpy(fr, lcp, n);
	fr[n] = 0xed;
	fr[n + 1] = 0xd8;
	ASSERT_U32_EQ(hdlc_fcs16(HDLC_FCS_INIT, fr, n + 2), HDLC_FCS_GOOD);
	/* RFC 1662 C.2: the good FCS holds for any frame. */
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)rnd(&s);
	fcs = (uint16_t)~hdlc_fcs16(HDLC_FCS_INIT, buf, 200);
	buf[200] = (uint8_t)fcs;
	buf[201] = (uint8_t)(fcs >> 8);
	ASSERT_U32_EQ(hdlc_fcs16(HDLC_FCS_INIT, buf, 202), HDLC_FCS_GOOD);
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)rnd(&s);
	/* All lengths and alignments agree with the bitwise definition. */
	for (off = 0; off < 16; off++)
		for (n = 0; n <= sizeof buf - 16; n++)
			ASSERT_U32_EQ(hdlc_fcs16(0x1d0f, buf + off, n),
			    ref_fcs16(0x1d0f, buf + off, n));
	ASSERT_U32_EQ(hdlc_fcs16(HDLC_FCS_INIT, buf, sizeof buf),
	    ref_fcs16(HDLC_FCS_INIT, buf, sizeof buf));
	/* Incremental use equals one pass. */
	ASSERT_U32_EQ(hdlc_fcs16(hdlc_fcs16(HDLC_FCS_INIT, buf, 13),
	    buf + 13, 250), hdlc_fcs16(HDLC_FCS_INIT, buf, 263));
	ASSERT_U32_EQ(hdlc_fcs16(hdlc_fcs16(HDLC_FCS_INIT, buf, 100),
	    buf + 100, 500), ref_fcs16(HDLC_FCS_INIT, buf, 600));
	TEST_DONE();
}

/* Encode the example frame with a send ACCM and compare with hex. */
static void
check_encode(uint32_t accm, const char *hex)
{
	uint8_t lcp[64], want[128], out[128];
	struct hdlc_enc e;
	struct wbuf w;
	size_t n, wn;

	n = th_unhex(lcp_hex, lcp, sizeof lcp);
	wn = th_unhex(hex, want, sizeof want);
	hdlc_enc_init(&e, accm);
	wbuf_init(&w, out, sizeof out);
	ASSERT_INT_EQ(hdlc_encode(&e, &w, lcp, n), 0);
	ASSERT_INT_EQ(w.len, wn);
	ASSERT_MEM_EQ(out, want, wn);
	ASSERT_INT_EQ(e.stats.frames, 1);
	ASSERT_INT_EQ(e.stats.bytes, n);
	ASSERT_INT_EQ(e.stats.raw_bytes, wn);
}

/* Decode hex (all at once) with a receive ACCM, expect the example frame. */
static void
check_decode(uint32_t rx_accm, const char *hex)
{
	uint8_t lcp[64], in[128];
	struct hdlc_frame f;
	struct hdlc_dec d;
	struct bcur c;
	size_t n, inn;

	n = th_unhex(lcp_hex, lcp, sizeof lcp);
	inn = th_unhex(hex, in, sizeof in);
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 4, 0), 0);
	hdlc_dec_set_accm(&d, rx_accm);
	c = bcur_make(in, inn);
	ASSERT_INT_EQ(hdlc_decode(&d, &c, &f), 1);
	ASSERT_INT_EQ(f.len, n);
	ASSERT_MEM_EQ(f.data, lcp, n);
	ASSERT_TRUE(f.data == frame_buf + 4);
	ASSERT_INT_EQ(f.headroom, 4);
	ASSERT_INT_EQ(bcur_left(&c), 0);
	ASSERT_INT_EQ(hdlc_decode(&d, &c, &f), 0);
	ASSERT_INT_EQ(d.stats.frames, 1);
	ASSERT_INT_EQ(d.stats.bytes, n);
	ASSERT_INT_EQ(d.stats.raw_bytes, inn);
	ASSERT_INT_EQ(d.stats.bad_fcs + d.stats.too_short + d.stats.too_long +
	    d.stats.aborted + d.stats.accm_dropped, 0);
}

static void
test_example(void)
{
	uint8_t sstp[64], want[64];
	struct hdlc_frame f;
	struct hdlc_dec d;
	struct bcur c;
	uint8_t in[128];
	size_t inn, wn;

	TEST_START("PROTOCOL.md 5.2 example, encode and decode byte-exact");
	check_encode(HDLC_ACCM_ALL, lcp_async_hex);
	check_decode(0, lcp_async_hex);
	check_decode(HDLC_ACCM_ALL, lcp_async_hex);
	TEST_DONE();

	TEST_START("headroom: SSTP header prepended in place");
	inn = th_unhex(lcp_async_hex, in, sizeof in);
	ASSERT_INT_EQ(hdlc_dec_init(&d, sstp, sizeof sstp, 4, 0), 0);
	c = bcur_make(in, inn);
	ASSERT_INT_EQ(hdlc_decode(&d, &c, &f), 1);
	ASSERT_INT_GE(f.headroom, 4);
	f.data[-4] = 0x10;
	f.data[-3] = 0x00;
	f.data[-2] = (uint8_t)((4 + f.len) >> 8);
	f.data[-1] = (uint8_t)(4 + f.len);
	wn = th_unhex("10 00 00 16 FF 03 C0 21 01 01 00 0E 01 04 05 DC 05 06"
	    "11 22 33 44", want, sizeof want);
	ASSERT_MEM_EQ(sstp, want, wn);
	TEST_DONE();
}

static void
test_accm(void)
{
	uint8_t in[128], lcp[64], mod[160];
	struct hdlc_frame f;
	struct hdlc_dec d;
	struct bcur c;
	size_t inn, n, i, m;

	TEST_START("send ACCM variants");
	check_encode(0, lcp_async0_hex);
	check_encode(0x000a0000, lcp_asyncx_hex);
	TEST_DONE();

	TEST_START("receive ACCM 0 accepts unescaped control characters");
	check_decode(0, lcp_async0_hex);
	check_decode(0, lcp_asyncx_hex);
	check_decode(0x000a0000, lcp_asyncx_hex);
	TEST_DONE();

	TEST_START("receive ACCM drops flagged raw octets (RFC 1662 7.1)");
	n = th_unhex(lcp_hex, lcp, sizeof lcp);
	inn = th_unhex(lcp_async_hex, in, sizeof in);
	/*
	 * Insert a stray XON after every 5th octet and an XOFF between the
	 * first 0x7D and the octet it escapes (RFC 1662 4.2 removes flagged
	 * octets before unescaping).
	 */
	ASSERT_INT_EQ(in[2], HDLC_ESC);
	for (i = 0, m = 0; i < inn; i++) {
		mod[m++] = in[i];
		if (i % 5 == 4 && i + 1 < inn)
			mod[m++] = 0x11;
		if (i == 2)
			mod[m++] = 0x13;
	}
	ASSERT_INT_EQ(m, inn + 7);
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 0, 0), 0);
	hdlc_dec_set_accm(&d, 0x000a0000);
	c = bcur_make(mod, m);
	ASSERT_INT_EQ(hdlc_decode(&d, &c, &f), 1);
	ASSERT_INT_EQ(f.len, n);
	ASSERT_MEM_EQ(f.data, lcp, n);
	ASSERT_INT_EQ(d.stats.accm_dropped, 7);
	/* With the default ACCM 0 the strays are data: the FCS fails. */
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 0, 0), 0);
	c = bcur_make(mod, m);
	ASSERT_INT_EQ(hdlc_decode(&d, &c, &f), 0);
	ASSERT_INT_EQ(d.stats.bad_fcs, 1);
	ASSERT_INT_EQ(d.stats.frames, 0);
	TEST_DONE();
}

/* Build a stream of three frames (the example twice and a random one). */
static size_t
make_stream(uint8_t *out, size_t cap, struct collect *want)
{
	struct hdlc_enc e;
	struct wbuf w;
	uint32_t s = 777;
	size_t i;

	memset(want, 0, sizeof *want);
	want->len[0] = th_unhex(lcp_hex, want->data[0], 64);
	want->len[1] = 300;
	for (i = 0; i < 300; i++)
		want->data[1][i] = (uint8_t)rnd(&s);
	want->len[2] = want->len[0];
	memcpy(want->data[2], want->data[0], want->len[0]);
	want->n = 3;
	hdlc_enc_init(&e, HDLC_ACCM_ALL);
	wbuf_init(&w, out, cap);
	for (i = 0; i < want->n; i++)
		ASSERT_INT_EQ(hdlc_encode(&e, &w, want->data[i],
		    want->len[i]), 0);
	return w.len;
}

/* Compare collected frames. */
static void
check_collect(const struct collect *got, const struct collect *want)
{
	size_t i;

	ASSERT_INT_EQ(got->n, want->n);
	for (i = 0; i < got->n && i < want->n; i++) {
		ASSERT_INT_EQ(got->len[i], want->len[i]);
		ASSERT_MEM_EQ(got->data[i], want->data[i], want->len[i]);
	}
}

static struct collect want_c, got_c;

static void
test_splits(void)
{
	struct hdlc_frame f;
	struct hdlc_dec d;
	struct bcur c;
	size_t n, s, bad;
	int r1, r2, found;

	TEST_START("frames split at every position across two reads");
	n = make_stream(big_in, sizeof big_in, &want_c);
	bad = 0;
	for (s = 0; s <= n; s++) {
		memset(&got_c, 0, sizeof got_c);
		ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf,
		    4, 0), 0);
		decode_all(&d, big_in, s, BUFSZ, &got_c);
		decode_all(&d, big_in + s, n - s, BUFSZ, &got_c);
		if (got_c.n != 3 || d.stats.bad_fcs != 0)
			bad++;
		check_collect(&got_c, &want_c);
	}
	ASSERT_INT_EQ(bad, 0);
	TEST_DONE();

	TEST_START("byte at a time and odd chunk sizes");
	for (s = 1; s <= 17; s++) {
		memset(&got_c, 0, sizeof got_c);
		ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf,
		    4, 0), 0);
		decode_all(&d, big_in, n, s, &got_c);
		check_collect(&got_c, &want_c);
		ASSERT_INT_EQ(d.stats.raw_bytes, n);
	}
	TEST_DONE();

	TEST_START("0x7D as the last byte of a read");
	found = 0;
	for (s = 1; s < n; s++) {
		if (big_in[s - 1] != HDLC_ESC)
			continue;
		found++;
		ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf,
		    0, 0), 0);
		c = bcur_make(big_in, s);
		r1 = 0;
		while (hdlc_decode(&d, &c, &f) == 1)
			r1++;
		ASSERT_INT_EQ(d.esc, 1);
		c = bcur_make(big_in + s, n - s);
		r2 = 0;
		while (hdlc_decode(&d, &c, &f) == 1)
			r2++;
		ASSERT_INT_EQ(r1 + r2, 3);
		ASSERT_INT_EQ(d.stats.bad_fcs, 0);
	}
	ASSERT_INT_GE(found, 10);
	TEST_DONE();
}

static void
test_garbage(void)
{
	uint8_t in[512], lcp[64], tmp[128];
	struct hdlc_frame f;
	struct hdlc_dec d;
	struct bcur c;
	size_t n, k, ln;
	struct wbuf w;

	ln = th_unhex(lcp_hex, lcp, sizeof lcp);
	k = th_unhex(lcp_async_hex, tmp, sizeof tmp);

	TEST_START("garbage before and between frames, back-to-back flags");
	wbuf_init(&w, in, sizeof in);
	/* Garbage with no flag before the first frame: one bad frame. */
	wbuf_put_bytes(&w, "\x41\x42\x43\x44\x45\x46", 6);
	wbuf_put_bytes(&w, tmp, k);
	/* Back-to-back flags: empty frames, silently ignored. */
	wbuf_put_bytes(&w, "\x7e\x7e\x7e", 3);
	/* A 2-byte frame: too short. */
	wbuf_put_bytes(&w, "\x99\x98\x7e", 3);
	wbuf_put_bytes(&w, tmp + 1, k - 1);
	/* Escaped garbage, then the frame again. */
	wbuf_put_bytes(&w, "\x7d\x31\x00\x7d\x5e\x10\x20\x7e", 8);
	wbuf_put_bytes(&w, tmp, k);
	ASSERT_INT_EQ(wbuf_error(&w), 0);
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 0, 0), 0);
	memset(&got_c, 0, sizeof got_c);
	decode_all(&d, in, w.len, 7, &got_c);
	ASSERT_INT_EQ(got_c.n, 3);
	for (n = 0; n < 3; n++) {
		ASSERT_INT_EQ(got_c.len[n], ln);
		ASSERT_MEM_EQ(got_c.data[n], lcp, ln);
	}
	ASSERT_INT_EQ(d.stats.bad_fcs, 2);
	ASSERT_INT_EQ(d.stats.too_short, 1);
	ASSERT_INT_EQ(d.stats.frames, 3);
	TEST_DONE();

	TEST_START("bad FCS counted and dropped");
	memcpy(in, tmp, k);
	in[k - 4] ^= 0x01;	/* a payload octet (0x44 -> 0x45) */
	memcpy(in + k, tmp, k);
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 0, 0), 0);
	c = bcur_make(in, 2 * k);
	ASSERT_INT_EQ(hdlc_decode(&d, &c, &f), 1);
	ASSERT_INT_EQ(d.stats.bad_fcs, 1);
	ASSERT_INT_EQ(f.len, ln);
	ASSERT_MEM_EQ(f.data, lcp, ln);
	ASSERT_INT_EQ(hdlc_decode(&d, &c, &f), 0);
	ASSERT_INT_EQ(d.stats.frames, 1);
	TEST_DONE();

	TEST_START("abort sequence 0x7D 0x7E drops the frame");
	memcpy(in, tmp, 10);
	in[10] = HDLC_ESC;
	in[11] = HDLC_FLAG;
	memcpy(in + 12, tmp + 1, k - 1);
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 0, 0), 0);
	c = bcur_make(in, 11 + k);
	ASSERT_INT_EQ(hdlc_decode(&d, &c, &f), 1);
	ASSERT_INT_EQ(d.stats.aborted, 1);
	ASSERT_INT_EQ(d.stats.bad_fcs, 0);
	ASSERT_MEM_EQ(f.data, lcp, ln);
	TEST_DONE();
}

/* Encode a frame of n octets of value v into out (fresh buffer). */
static size_t
enc_one(uint8_t *out, size_t cap, const uint8_t *p, size_t n)
{
	struct hdlc_enc e;
	struct wbuf w;

	hdlc_enc_init(&e, HDLC_ACCM_ALL);
	wbuf_init(&w, out, cap);
	ASSERT_INT_EQ(hdlc_encode(&e, &w, p, n), 0);
	return w.len;
}

static void
test_oversize(void)
{
	static uint8_t pay[6000];
	struct hdlc_frame f;
	struct hdlc_dec d;
	struct bcur c;
	size_t a, b, i, s;
	uint32_t r = 99;

	for (i = 0; i < sizeof pay; i++)
		pay[i] = (uint8_t)rnd(&r);

	TEST_START("oversize frame dropped, exact max accepted");
	a = enc_one(big_in, BUFSZ, pay, 101);
	b = enc_one(big_in + a, BUFSZ - a, pay, 100);
	for (s = 1; s <= a + b; s += (s < 40 ? 1 : 37)) {
		ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf,
		    4, 100), 0);
		memset(&got_c, 0, sizeof got_c);
		decode_all(&d, big_in, a + b, s, &got_c);
		ASSERT_INT_EQ(got_c.n, 1);
		ASSERT_INT_EQ(got_c.len[0], 100);
		ASSERT_MEM_EQ(got_c.data[0], pay, 100);
		ASSERT_INT_EQ(d.stats.too_long, 1);
		ASSERT_INT_EQ(d.stats.bad_fcs, 0);
	}
	TEST_DONE();

	TEST_START("default cap 4091 and a cap lowered to the buffer");
	a = enc_one(big_in, BUFSZ, pay, 4092);
	b = enc_one(big_in + a, BUFSZ - a, pay, 4091);
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 0, 0), 0);
	ASSERT_INT_EQ(d.max_frame, HDLC_MAX_FRAME);
	c = bcur_make(big_in, a + b);
	ASSERT_INT_EQ(hdlc_decode(&d, &c, &f), 1);
	ASSERT_INT_EQ(f.len, 4091);
	ASSERT_MEM_EQ(f.data, pay, 4091);
	ASSERT_INT_EQ(d.stats.too_long, 1);
	/* A 64-byte buffer with 4 of headroom holds 58 + FCS. */
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, 64, 4, 0), 0);
	ASSERT_INT_EQ(d.max_frame, 58);
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, 7, 4, 0), -EINVAL);
	ASSERT_INT_EQ(hdlc_decode(&d, &c, &f), -EINVAL);
	TEST_DONE();

	TEST_START("long run of garbage without flags");
	memset(big_in, 0x55, 20000);
	a = enc_one(big_in + 20000, BUFSZ - 20000, pay, 50);
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 0, 0), 0);
	memset(&got_c, 0, sizeof got_c);
	decode_all(&d, big_in, 20000 + a, 4096, &got_c);
	ASSERT_INT_EQ(got_c.n, 1);
	ASSERT_MEM_EQ(got_c.data[0], pay, 50);
	ASSERT_INT_EQ(d.stats.too_long, 1);
	TEST_DONE();
}

static void
test_batch(void)
{
	static uint8_t pay[2048];
	struct hdlc_enc e;
	struct hdlc_dec d;
	struct wbuf w;
	size_t lens[] = { 2, 3, 7, 8, 9, 64, 1400, 1500, 2000, 0 };
	size_t i, flags, n;
	uint32_t r = 4242;

	for (i = 0; i < sizeof pay; i++)
		pay[i] = (uint8_t)rnd(&r);

	TEST_START("several frames in one buffer share flags");
	hdlc_enc_init(&e, HDLC_ACCM_ALL);
	wbuf_init(&w, big_out, sizeof big_out);
	memset(&want_c, 0, sizeof want_c);
	for (i = 0; lens[i] != 0; i++) {
		ASSERT_INT_EQ(hdlc_encode(&e, &w, pay + i, lens[i]), 0);
		memcpy(want_c.data[i], pay + i, lens[i]);
		want_c.len[i] = lens[i];
	}
	want_c.n = i;
	for (flags = 0, n = 0; n < w.len; n++)
		flags += big_out[n] == HDLC_FLAG;
	ASSERT_INT_EQ(flags, want_c.n + 1);
	/* Nothing unescaped below 0x20 with ACCM 0xFFFFFFFF. */
	for (n = 0; n < w.len; n++)
		if (big_out[n] < 0x20)
			break;
	ASSERT_INT_EQ(n, w.len);
	ASSERT_INT_EQ(e.stats.frames, want_c.n);
	ASSERT_INT_EQ(e.stats.raw_bytes, w.len);
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 4, 0), 0);
	memset(&got_c, 0, sizeof got_c);
	decode_all(&d, big_out, w.len, BUFSZ, &got_c);
	check_collect(&got_c, &want_c);
	ASSERT_INT_EQ(d.stats.too_short + d.stats.bad_fcs, 0);
	TEST_DONE();

	TEST_START("a 1-byte frame is too short once decoded");
	wbuf_init(&w, big_out, sizeof big_out);
	ASSERT_INT_EQ(hdlc_encode(&e, &w, pay, 1), 0);
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 4, 0), 0);
	memset(&got_c, 0, sizeof got_c);
	decode_all(&d, big_out, w.len, BUFSZ, &got_c);
	ASSERT_INT_EQ(got_c.n, 0);
	ASSERT_INT_EQ(d.stats.too_short, 1);
	TEST_DONE();

	TEST_START("encoder: bound, ENOSPC is sticky, empty frame");
	ASSERT_INT_EQ(hdlc_encode_bound(0), 6);
	ASSERT_INT_EQ(hdlc_encode_bound(18), 42);
	ASSERT_INT_EQ(hdlc_encode_bound(SIZE_MAX / 2), SIZE_MAX);
	wbuf_init(&w, big_out, hdlc_encode_bound(100) - 1);
	ASSERT_INT_EQ(hdlc_encode(&e, &w, pay, 100), -ENOSPC);
	ASSERT_INT_EQ(w.len, 0);
	ASSERT_INT_EQ(hdlc_encode(&e, &w, pay, 1), -ENOSPC);
	wbuf_init(&w, big_out, 16);
	ASSERT_INT_EQ(hdlc_encode(&e, &w, pay, 0), 0);
	/* FCS of nothing is ~0xFFFF = 0x0000, both octets escaped. */
	ASSERT_INT_EQ(w.len, 6);
	ASSERT_MEM_EQ(big_out, "\x7e\x7d\x20\x7d\x20\x7e", 6);
	TEST_DONE();
}

static void
test_roundtrip(void)
{
	static uint8_t pay[1600];
	static uint8_t buf2[8192];
	struct hdlc_frame f;
	struct hdlc_enc e;
	struct hdlc_dec d;
	struct wbuf w;
	struct bcur c;
	size_t i, j, n, off, take, got, total;
	uint32_t r = 1;
	uint32_t accms[] = { HDLC_ACCM_ALL, 0, 0x000a0000 };
	uint16_t sum_in, sum_out;
	size_t a;

	TEST_START("random frames, random chunking, all send ACCMs");
	for (a = 0; a < 3; a++) {
		hdlc_enc_init(&e, accms[a]);
		wbuf_init(&w, big_in, sizeof big_in);
		sum_in = HDLC_FCS_INIT;
		total = 0;
		for (i = 0; i < 40; i++) {
			n = 2 + rnd(&r) % 1499;
			for (j = 0; j < n; j++)
				pay[j] = (uint8_t)rnd(&r);
			ASSERT_INT_EQ(hdlc_encode(&e, &w, pay, n), 0);
			sum_in = hdlc_fcs16(sum_in, pay, n);
			total += n;
		}
		ASSERT_INT_EQ(wbuf_error(&w), 0);
		/* Decode with a buffer swap after every frame. */
		ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf,
		    4, 0), 0);
		sum_out = HDLC_FCS_INIT;
		got = 0;
		for (off = 0; off < w.len; off += take) {
			take = 1 + rnd(&r) % 3000;
			if (take > w.len - off)
				take = w.len - off;
			c = bcur_make(big_in + off, take);
			while (hdlc_decode(&d, &c, &f) == 1) {
				got++;
				sum_out = hdlc_fcs16(sum_out, f.data, f.len);
				ASSERT_INT_EQ(hdlc_dec_set_buf(&d,
				    got % 2 ? buf2 : frame_buf, 8192), 0);
			}
		}
		ASSERT_INT_EQ(got, 40);
		ASSERT_INT_EQ(d.stats.bad_fcs, 0);
		ASSERT_INT_EQ(d.stats.bytes, total);
		ASSERT_U32_EQ(sum_out, sum_in);
		ASSERT_INT_EQ(d.stats.raw_bytes, w.len);
	}
	TEST_DONE();

	TEST_START("set_buf refuses mid-frame");
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 4, 0), 0);
	c = bcur_make("\x7e\x01\x02", 3);
	ASSERT_INT_EQ(hdlc_decode(&d, &c, &f), 0);
	ASSERT_INT_EQ(hdlc_dec_set_buf(&d, buf2, sizeof buf2), -EBUSY);
	hdlc_dec_reset(&d);
	ASSERT_INT_EQ(hdlc_dec_set_buf(&d, buf2, sizeof buf2), 0);
	ASSERT_INT_EQ(hdlc_dec_set_buf(&d, buf2, 5), -EINVAL);
	TEST_DONE();
}

static void
test_odd_escapes(void)
{
	static uint8_t pay[600];
	uint32_t r = 2024;
	size_t i, n, k, chunk;
	uint16_t fcs;
	uint8_t b;

	TEST_START("0x7D 0x7D (legal, never sent by pppd) at every alignment");
	/* Frame rich in 0x5D, each sent as 0x7D 0x7D = 0x7D ^ 0x20. */
	for (i = 0; i < 500; i++)
		pay[i] = (rnd(&r) & 1) ? 0x5d : (uint8_t)rnd(&r);
	fcs = (uint16_t)~hdlc_fcs16(HDLC_FCS_INIT, pay, 500);
	pay[500] = (uint8_t)fcs;
	pay[501] = (uint8_t)(fcs >> 8);
	for (i = 0, n = 0; i < 502; i++) {
		b = pay[i];
		if (b == 0x5d) {
			big_in[n++] = HDLC_ESC;
			big_in[n++] = HDLC_ESC;
		} else if (b < 0x20 || b == HDLC_ESC || b == HDLC_FLAG) {
			big_in[n++] = HDLC_ESC;
			big_in[n++] = b ^ HDLC_TRANS;
		} else
			big_in[n++] = b;
	}
	big_in[n++] = HDLC_FLAG;
	memset(&want_c, 0, sizeof want_c);
	want_c.n = 1;
	want_c.len[0] = 500;
	memcpy(want_c.data[0], pay, 500);
	for (k = 0; k < 9; k++) {
		/* Shift the stream so pairs straddle every word boundary. */
		for (chunk = 1; chunk <= 4096; chunk *= 4) {
			struct hdlc_dec d;

			memset(&got_c, 0, sizeof got_c);
			ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf,
			    sizeof frame_buf, 0, 0), 0);
			memset(big_out, 0x41, k);
			big_out[k] = HDLC_FLAG;
			memcpy(big_out + k + 1, big_in, n);
			decode_all(&d, big_out, k + 1 + n, chunk, &got_c);
			check_collect(&got_c, &want_c);
		}
	}
	TEST_DONE();
}

static void
test_noise(void)
{
	static uint8_t small[64];
	struct hdlc_frame f;
	struct hdlc_dec d;
	struct bcur c;
	uint32_t r = 31337, v;
	size_t i, off, take, total = 0;
	uint64_t got = 0;

	TEST_START("random noise: no crash, every byte accounted");
	for (i = 0; i < 200000; i++) {
		v = rnd(&r);
		/* Bias towards the special octets. */
		big_in[i % BUFSZ] = (v & 0x300) == 0 ? (uint8_t)(0x7c +
		    (v & 3)) : (uint8_t)v;
	}
	ASSERT_INT_EQ(hdlc_dec_init(&d, small, sizeof small, 4, 0), 0);
	for (off = 0; off < BUFSZ; off += take) {
		take = 1 + rnd(&r) % 40;
		if (take > BUFSZ - off)
			take = BUFSZ - off;
		c = bcur_make(big_in + off, take);
		while (hdlc_decode(&d, &c, &f) == 1) {
			got++;
			ASSERT_TRUE(f.len <= d.max_frame);
			ASSERT_TRUE(f.data == small + 4);
		}
		total += take;
	}
	ASSERT_INT_EQ(d.stats.raw_bytes, total);
	ASSERT_INT_EQ(d.stats.frames, got);
	ASSERT_INT_GE(d.stats.bad_fcs + d.stats.too_long, 1);
	TEST_DONE();
}

/* ------------------------------------------------------------------------ */
/* SIMD implementations against the portable one */

/* Octets that stress the classifiers: controls, 0x7D/0x7E and neighbours. */
static const uint8_t hot[] = {
	0x00, 0x01, 0x0d, 0x0e, 0x10, 0x11, 0x13, 0x1d, 0x1e, 0x1f, 0x20,
	0x3d, 0x3e, 0x5d, 0x5e, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x8d, 0x9d,
	0xfd, 0xfe, 0xff,
};

/* Random payload, every 1/bias-th octet (on average) from hot[]. */
static void
fill_pay(uint8_t *p, size_t n, unsigned int bias, uint32_t *r)
{
	uint32_t v;
	size_t i;

	for (i = 0; i < n; i++) {
		v = rnd(r);
		p[i] = bias != 0 && (v >> 8) % bias == 0 ?
		    hot[(v >> 16) % sizeof hot] : (uint8_t)v;
	}
}

/* A copy of p[0..n) in a heap block of exactly n octets (ASan bounds). */
static uint8_t *
exact_dup(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n == 0 ? 1 : n);

	if (q == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	if (n != 0)
		memcpy(q, p, n);
	return q;
}

/*
 * An octet c may be escaped without need unless that sends 0x7D 0x7E (the
 * abort sequence) or 0x7D and a control octet the receiver drops.
 */
static int
esc_ok(uint8_t c, uint32_t rx_accm)
{
	uint8_t x = c ^ HDLC_TRANS;

	return x != HDLC_FLAG && !(x < 0x20 && ((rx_accm >> x) & 1));
}

/*
 * Encode octet by octet, straight from RFC 1662 4.2 and C.2: frame, FCS,
 * flags.  Octets the send ACCM or the RFC require are escaped, and any
 * other octet too with probability extra/256 (legal: a receiver unescapes
 * every 0x7D x); a 0x5D escaped so gives the 0x7D 0x7D pair.  With
 * stray != 0, a raw control octet flagged in that map is inserted with
 * probability 1/16 before an octet (a receiver must drop it).
 */
static size_t
ref_encode(uint8_t *out, const uint8_t *p, size_t n, uint32_t accm,
    unsigned int extra, uint32_t stray, uint32_t *r)
{
	uint8_t fr[HDLC_MAX_FRAME + 2], c;
	size_t i, k = 0;
	uint16_t fcs;
	uint32_t v;

	memcpy(fr, p, n);
	fcs = (uint16_t)~ref_fcs16(HDLC_FCS_INIT, p, n);
	fr[n] = (uint8_t)fcs;
	fr[n + 1] = (uint8_t)(fcs >> 8);
	out[k++] = HDLC_FLAG;
	for (i = 0; i < n + 2; i++) {
		v = rnd(r);
		if (stray != 0 && (v & 15) == 0 &&
		    (stray >> ((v >> 4) & 31)) & 1)
			out[k++] = (uint8_t)((v >> 4) & 31);
		c = fr[i];
		if (c == HDLC_ESC || c == HDLC_FLAG ||
		    (c < 0x20 && ((accm >> c) & 1)) ||
		    (((v >> 16) & 0xff) < extra && esc_ok(c, stray))) {
			out[k++] = HDLC_ESC;
			c ^= HDLC_TRANS;
		}
		out[k++] = c;
	}
	out[k++] = HDLC_FLAG;
	return k;
}

/* Highest implementation this machine runs (HDLC_IMPL_SCALAR at least). */
static int
best_impl(void)
{
	struct hdlc_enc e;
	int i;

	hdlc_enc_init(&e, 0);
	for (i = HDLC_IMPL_SCALAR; hdlc_enc_set_impl(&e, i + 1) == 0; i++)
		;
	return i;
}

/* Encode p[0..n) with one implementation into a fresh exact-size buffer. */
static uint8_t *
enc_impl(int impl, uint32_t accm, const uint8_t *p, size_t n, size_t *outn,
    struct hdlc_stats *st)
{
	struct hdlc_enc e;
	struct wbuf w;
	size_t cap = hdlc_encode_bound(n);
	uint8_t *o = malloc(cap);

	ASSERT_PTR_NOT_NULL(o);
	hdlc_enc_init(&e, accm);
	ASSERT_INT_EQ(hdlc_enc_set_impl(&e, impl), 0);
	wbuf_init(&w, o, cap);
	ASSERT_INT_EQ(hdlc_encode(&e, &w, p, n), 0);
	*outn = w.len;
	*st = e.stats;
	return o;
}

static const uint32_t accm_class[] = {
	0, HDLC_ACCM_ALL, 0x000a0000, 0x80000001, 0x5a5a0ff0,
};

static void
test_impl_encode(int impl)
{
	static uint8_t pay[HDLC_MAX_FRAME];
	struct hdlc_stats s1, s2;
	uint8_t *p, *a, *b, ref[2 * HDLC_MAX_FRAME + 8];
	size_t n, na, nb, nr, j, off, ac;
	uint32_t r = 0xc0ffee, m, accm;
	unsigned int bad = 0;

	TEST_START("SIMD encoder = portable, lengths 0..4091, ACCM classes");
	for (ac = 0; ac < sizeof accm_class / sizeof accm_class[0]; ac++) {
		accm = accm_class[ac];
		for (n = 0; n <= HDLC_MAX_FRAME; n++) {
			fill_pay(pay, n, 1 + n % 7, &r);
			p = exact_dup(pay, n);
			a = enc_impl(HDLC_IMPL_SCALAR, accm, p, n, &na, &s1);
			b = enc_impl(impl, accm, p, n, &nb, &s2);
			if (na != nb || memcmp(a, b, na) != 0 ||
			    memcmp(&s1, &s2, sizeof s1) != 0)
				bad++;
			/* ... and the portable one = the RFC, octet by octet. */
			if (n % 61 == 0) {
				nr = ref_encode(ref, p, n, accm, 0, 0, &r);
				ASSERT_INT_EQ(na, nr);
				ASSERT_MEM_EQ(a, ref, nr);
			}
			free(a);
			free(b);
			free(p);
		}
	}
	ASSERT_INT_EQ(bad, 0);
	TEST_DONE();

	TEST_START("SIMD encoder = portable, every 8-bit escape mask");
	for (ac = 0; ac < 3; ac++) {
		accm = accm_class[ac];
		for (m = 0; m < 256; m++)
			for (off = 0; off < 16; off++) {
				/* 40 octets: plain, mask m at off..off+7. */
				for (j = 0; j < 40; j++)
					pay[j] = (uint8_t)(0x40 + rnd(&r) % 0x3c);
				for (j = 0; j < 8; j++)
					if ((m >> j) & 1)
						pay[off + j] = ac == 0 ?
						    (uint8_t)(0x7d + (j & 1)) :
						    (uint8_t)(0x7d + j % 3) ==
						    0x7f ? 0x11 :
						    (uint8_t)(0x7d + j % 3);
				for (n = off + 8; n <= 40; n += 16 - off % 8) {
					p = exact_dup(pay, n);
					a = enc_impl(HDLC_IMPL_SCALAR, accm, p,
					    n, &na, &s1);
					b = enc_impl(impl, accm, p, n, &nb, &s2);
					if (na != nb || memcmp(a, b, na) != 0)
						bad++;
					free(a);
					free(b);
					free(p);
				}
			}
	}
	ASSERT_INT_EQ(bad, 0);
	TEST_DONE();
}

/*
 * Decode in[0..n) (read in chunks of `chunk') with one implementation into
 * an exact-size frame buffer; collect the frames.
 */
static void
dec_impl(int impl, const uint8_t *in, size_t n, size_t chunk,
    size_t max_frame, uint32_t rx_accm, struct collect *col,
    struct hdlc_stats *st)
{
	struct hdlc_dec d;
	size_t cap = 4 + max_frame + HDLC_FCS_LEN;
	uint8_t *fb = malloc(cap);

	ASSERT_PTR_NOT_NULL(fb);
	memset(col, 0, sizeof *col);
	ASSERT_INT_EQ(hdlc_dec_init(&d, fb, cap, 4, max_frame), 0);
	ASSERT_INT_EQ(d.max_frame, max_frame);
	ASSERT_INT_EQ(hdlc_dec_set_impl(&d, impl), 0);
	hdlc_dec_set_accm(&d, rx_accm);
	decode_all(&d, in, n, chunk, col);
	*st = d.stats;
	free(fb);
}

/* Frames and counters of two decodes are the same. */
static int
same_decode(const struct collect *a, const struct hdlc_stats *sa,
    const struct collect *b, const struct hdlc_stats *sb)
{
	size_t i;

	if (a->n != b->n || memcmp(sa, sb, sizeof *sa) != 0)
		return 0;
	for (i = 0; i < a->n && i < 64; i++)
		if (a->len[i] != b->len[i] ||
		    memcmp(a->data[i], b->data[i], a->len[i]) != 0)
			return 0;
	return 1;
}

static struct collect col_a, col_b;

static void
test_impl_decode(int impl)
{
	static uint8_t pay[HDLC_MAX_FRAME];
	static uint8_t raw[2 * HDLC_MAX_FRAME + 400];
	static uint8_t fbig[HDLC_MAX_FRAME + 8];
	struct hdlc_stats s1, s2;
	struct hdlc_frame f;
	struct hdlc_dec d;
	struct bcur c;
	size_t n, rn, ac, mf, s, k;
	uint32_t r = 0xdecaf, accm;
	unsigned int bad = 0, got = 0;
	uint8_t *in;

	TEST_START("SIMD decoder = portable, lengths 0..4091, extra escapes");
	for (ac = 0; ac < sizeof accm_class / sizeof accm_class[0]; ac++) {
		accm = accm_class[ac];
		for (n = 0; n <= HDLC_MAX_FRAME; n++) {
			fill_pay(pay, n, 1 + n % 5, &r);
			rn = ref_encode(raw, pay, n, accm, (unsigned int)
			    (n * 37 % 160), 0, &r);
			in = exact_dup(raw, rn);
			/* Cap at the frame length: stores end at the edge. */
			mf = n < HDLC_MIN_FRAME ? HDLC_MIN_FRAME : n;
			dec_impl(HDLC_IMPL_SCALAR, in, rn, rn, mf, 0, &col_a,
			    &s1);
			dec_impl(impl, in, rn, rn, mf, 0, &col_b, &s2);
			if (!same_decode(&col_a, &s1, &col_b, &s2))
				bad++;
			if (n + HDLC_FCS_LEN >= HDLC_MIN_FRAME && n <= 2048) {
				got += col_b.n == 1 && col_b.len[0] == n &&
				    memcmp(col_b.data[0], pay, n) == 0;
			}
			/* One octet less room: too long for both. */
			if (n > HDLC_MIN_FRAME && n % 3 == 0) {
				dec_impl(HDLC_IMPL_SCALAR, in, rn, rn, n - 1,
				    0, &col_a, &s1);
				dec_impl(impl, in, rn, rn, n - 1, 0, &col_b,
				    &s2);
				if (!same_decode(&col_a, &s1, &col_b, &s2) ||
				    s2.too_long != 1)
					bad++;
			}
			free(in);
		}
	}
	ASSERT_INT_EQ(bad, 0);
	/* Lengths 2..2048 (each >= 4 with the FCS) all came back. */
	ASSERT_INT_EQ(got, 5 * 2047);
	TEST_DONE();

	TEST_START("SIMD decoder = portable, receive ACCM drops strays");
	for (ac = 1; ac < sizeof accm_class / sizeof accm_class[0]; ac++) {
		accm = accm_class[ac];
		for (n = 0; n <= 1600; n += 1 + n / 64) {
			fill_pay(pay, n, 3, &r);
			rn = ref_encode(raw, pay, n, accm, 40, accm, &r);
			in = exact_dup(raw, rn);
			dec_impl(HDLC_IMPL_SCALAR, in, rn, rn, HDLC_MAX_FRAME,
			    accm, &col_a, &s1);
			dec_impl(impl, in, rn, rn, HDLC_MAX_FRAME, accm,
			    &col_b, &s2);
			if (!same_decode(&col_a, &s1, &col_b, &s2))
				bad++;
			if (n >= 2 && (col_b.n != 1 || col_b.len[0] != n ||
			    memcmp(col_b.data[0], pay, n) != 0))
				bad++;
			free(in);
		}
	}
	ASSERT_INT_EQ(bad, 0);
	TEST_DONE();

	TEST_START("SIMD decoder: frames split at every position");
	/* Garbage, an abort, short, long, 0x7D 0x7D-rich frames. */
	k = 0;
	memcpy(raw, "\x41\x7d\x42\x7e\x01\x02\x7d\x7e\x7e\x7e", 10);
	k = 10;
	for (n = 1; n < 1500; n = n * 3 + 5) {
		fill_pay(pay, n, 2, &r);
		k += ref_encode(raw + k, pay, n, HDLC_ACCM_ALL, 90, 0, &r);
	}
	in = exact_dup(raw, k);
	dec_impl(HDLC_IMPL_SCALAR, in, k, k, HDLC_MAX_FRAME, 0, &col_a, &s1);
	/* Lengths 1 (too short), 8, 29, 92, 281, 848. */
	ASSERT_INT_EQ(col_a.n, 5);
	ASSERT_INT_EQ(s1.too_short, 2);
	ASSERT_INT_EQ(s1.aborted, 1);
	for (s = 0; s <= k; s++) {
		memset(&col_b, 0, sizeof col_b);
		ASSERT_INT_EQ(hdlc_dec_init(&d, fbig, sizeof fbig, 4, 0), 0);
		ASSERT_INT_EQ(hdlc_dec_set_impl(&d, impl), 0);
		decode_all(&d, in, s, k, &col_b);
		decode_all(&d, in + s, k - s, k, &col_b);
		if (!same_decode(&col_a, &s1, &col_b, &d.stats))
			bad++;
	}
	ASSERT_INT_EQ(bad, 0);
	/* Odd read sizes, including ones shorter than a vector. */
	for (s = 1; s <= 40; s++) {
		dec_impl(impl, in, k, s, HDLC_MAX_FRAME, 0, &col_b, &s2);
		if (!same_decode(&col_a, &s1, &col_b, &s2))
			bad++;
	}
	ASSERT_INT_EQ(bad, 0);
	/* The frame buffer is the caller's: nothing written past cap. */
	memset(fbig, 0xa5, sizeof fbig);
	ASSERT_INT_EQ(hdlc_dec_init(&d, fbig, 4 + 100 + 2, 4, 0), 0);
	ASSERT_INT_EQ(hdlc_dec_set_impl(&d, impl), 0);
	c = bcur_make(in, k);
	while (hdlc_decode(&d, &c, &f) == 1)
		;
	for (s = 4 + 100 + 2; s < sizeof fbig; s++)
		if (fbig[s] != 0xa5)
			bad++;
	ASSERT_INT_EQ(bad, 0);
	free(in);
	TEST_DONE();
}

static void
test_impls(void)
{
	struct hdlc_enc e;
	struct hdlc_dec d;
	int impl, best = best_impl();

	TEST_START("implementation selection");
	hdlc_enc_init(&e, 0);
	ASSERT_INT_EQ(e.impl, best);
	ASSERT_INT_EQ(hdlc_dec_init(&d, frame_buf, sizeof frame_buf, 4, 0), 0);
	ASSERT_INT_EQ(d.impl, best);
	ASSERT_INT_EQ(hdlc_enc_set_impl(&e, best + 1), -ENOTSUP);
	ASSERT_INT_EQ(hdlc_dec_set_impl(&d, -1), -ENOTSUP);
	ASSERT_INT_EQ(hdlc_dec_set_impl(&d, HDLC_IMPL_SCALAR), 0);
	ASSERT_INT_EQ(d.impl, HDLC_IMPL_SCALAR);
	TEST_DONE();
	if (best == HDLC_IMPL_SCALAR)
		printf("# no SIMD implementation on this machine\n");
	for (impl = HDLC_IMPL_SCALAR + 1; impl <= best; impl++) {
		printf("# implementation %d\n", impl);
		test_impl_encode(impl);
		test_impl_decode(impl);
	}
}

int
main(void)
{
	test_fcs();
	test_example();
	test_accm();
	test_splits();
	test_garbage();
	test_oversize();
	test_batch();
	test_roundtrip();
	test_odd_escapes();
	test_noise();
	test_impls();
	return test_exit();
}
