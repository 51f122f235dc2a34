/*
 * fuzz_hdlc.c - the async-HDLC codec between sstpc and pppd's pty
 * (src/hdlc.h; RFC 1662 sections 4 and C.2, PROTOCOL.md 5.2).
 *
 * Input:	byte 0	headroom (0..31)
 *		byte 1	frame buffer size: 0 = room for HDLC_MAX_FRAME,
 *			else headroom + 4 + 17 * byte (tiny buffers too)
 *		byte 2	receive ACCM: 0 none, 1 all, 2 XON/XOFF, else
 *			the byte repeated in all four octets
 *		byte 3	seed of the read sizes the pty returns
 *		rest	bytes read from the pty
 *
 * Decoder A (the best implementation this CPU runs, HDLC_IMPL_SSSE3 on
 * x86-64) gets the stream in chunks of pseudo-random sizes (1..64 octets,
 * or 1..4096 when bit 7 of byte 3 is set) and swaps between two frame
 * buffers after every frame, like the engine hands a frame to the SSTP
 * writer; decoder B (HDLC_IMPL_SCALAR) and decoder C (best) get it in one
 * piece.  Buffers are heap blocks of exactly the requested size, so ASan
 * sees any write past them.
 *
 * Invariants: A, B and C deliver the same frames and the same counters
 * (decoding depends neither on how reads split the stream nor on the
 * implementation); every frame fits max_frame and lies at the requested
 * headroom inside the buffer; re-encoding a frame (with a send ACCM
 * covering the receive ACCM) gives the same bytes with every encoder
 * implementation, within hdlc_encode_bound(), and decoding that gives the
 * frame back exactly, once; hdlc_fcs16() (table or carry-less multiply,
 * by length) agrees with a bit-at-a-time RFC 1662 C.2 FCS over the input.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "wire/hdlc.h"

/* FNV-1a over the frames delivered: order and contents. */
static uint64_t
hdlc_mix(uint64_t h, const uint8_t *p, size_t len)
{
	size_t i;

	h ^= len;
	h *= 0x100000001b3ULL;
	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * FCS-16 one bit at a time, straight from the definition in RFC 1662
 * C.2 (reflected polynomial 0x8408), as the reference for hdlc_fcs16().
 */
static uint16_t
hdlc_fcs_ref(uint16_t fcs, const uint8_t *p, size_t len)
{
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		fcs ^= p[i];
		for (k = 0; k < 8; k++)
			fcs = (fcs & 1) ? (uint16_t)((fcs >> 1) ^ 0x8408) :
			    (uint16_t)(fcs >> 1);
	}
	return fcs;
}

/* Encode a frame with one implementation into a fresh exact-size buffer. */
static uint8_t *
hdlc_enc_with(int impl, const uint8_t *frame, size_t len, uint32_t accm,
    size_t *outlen)
{
	struct hdlc_enc enc;
	struct wbuf w;
	size_t bound = hdlc_encode_bound(len);
	uint8_t *buf;

	*outlen = 0;
	if ((buf = malloc(bound)) == NULL)
		return NULL;
	hdlc_enc_init(&enc, accm);
	if (hdlc_enc_set_impl(&enc, impl) != 0) {
		free(buf);
		return NULL;
	}
	wbuf_init(&w, buf, bound);
	FUZZ_CHECK(hdlc_encode(&enc, &w, frame, len) == 0);
	FUZZ_CHECK(wbuf_error(&w) == 0 && w.len <= bound);
	FUZZ_CHECK(w.len >= len + 4);
	FUZZ_CHECK(buf[0] == HDLC_FLAG && buf[w.len - 1] == HDLC_FLAG);
	FUZZ_CHECK(enc.stats.frames == 1 && enc.stats.raw_bytes == w.len);
	*outlen = w.len;
	return buf;
}

/* Decode an encoded frame in a fresh decoder of exactly its room. */
static void
hdlc_dec_back(int impl, const uint8_t *enc, size_t elen,
    const uint8_t *frame, size_t len, uint32_t rx_accm)
{
	struct hdlc_dec dec;
	struct hdlc_frame out;
	struct bcur c;
	uint8_t *buf;
	size_t cap = len + HDLC_FCS_LEN;

	if (cap < HDLC_MIN_FRAME)
		cap = HDLC_MIN_FRAME;
	if ((buf = malloc(cap)) == NULL)
		return;
	FUZZ_CHECK(hdlc_dec_init(&dec, buf, cap, 0, len) == 0);
	if (hdlc_dec_set_impl(&dec, impl) != 0)
		goto out;
	hdlc_dec_set_accm(&dec, rx_accm);
	c = bcur_make(enc, elen);
	FUZZ_CHECK(hdlc_decode(&dec, &c, &out) == 1);
	FUZZ_CHECK(out.len == len);
	FUZZ_CHECK(memcmp(out.data, frame, len) == 0);
	FUZZ_CHECK(bcur_left(&c) == 0);
	FUZZ_CHECK(hdlc_decode(&dec, &c, &out) == 0);
	FUZZ_CHECK(dec.stats.frames == 1 && dec.stats.bad_fcs == 0 &&
	    dec.stats.accm_dropped == 0 && dec.stats.aborted == 0);
out:
	free(buf);
}

/* Encode one decoded frame with both encoders and decode it back. */
static void
hdlc_roundtrip(const uint8_t *frame, size_t len, uint32_t rx_accm,
    uint32_t tx_extra)
{
	uint8_t *best, *scalar;
	size_t blen, slen;

	best = hdlc_enc_with(HDLC_IMPL_SSSE3, frame, len, rx_accm | tx_extra,
	    &blen);
	scalar = hdlc_enc_with(HDLC_IMPL_SCALAR, frame, len,
	    rx_accm | tx_extra, &slen);
	FUZZ_CHECK(scalar != NULL);
	/* "Every implementation produces the same bytes" (hdlc.h). */
	if (best != NULL)
		FUZZ_CHECK(blen == slen && memcmp(best, scalar, slen) == 0);
	hdlc_dec_back(HDLC_IMPL_SCALAR, scalar, slen, frame, len, rx_accm);
	hdlc_dec_back(HDLC_IMPL_SSSE3, scalar, slen, frame, len, rx_accm);
	free(best);
	free(scalar);
}

/* A delivered frame lies at the headroom inside the current buffer. */
static void
hdlc_check_frame(const struct hdlc_dec *d, const struct hdlc_frame *f,
    const uint8_t *buf, size_t cap, size_t headroom)
{
	FUZZ_CHECK(f->headroom == headroom);
	FUZZ_CHECK(f->data == buf + headroom);
	FUZZ_CHECK(f->len + HDLC_FCS_LEN >= HDLC_MIN_FRAME);
	FUZZ_CHECK(f->len <= d->max_frame);
	FUZZ_CHECK(headroom + f->len + HDLC_FCS_LEN <= cap);
}

/* Decode all of in with d in one call; h mixed with every frame. */
static uint64_t
hdlc_decode_whole(struct hdlc_dec *d, struct bcur in, const uint8_t *buf,
    size_t cap, size_t headroom, uint64_t h)
{
	struct hdlc_frame f;
	int r;

	while ((r = hdlc_decode(d, &in, &f)) == 1) {
		hdlc_check_frame(d, &f, buf, cap, headroom);
		h = hdlc_mix(h, f.data, f.len);
	}
	FUZZ_CHECK(r == 0 && bcur_left(&in) == 0);
	return h;
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), stream, chunk, all;
	struct hdlc_dec a, b, cc;
	struct hdlc_frame f;
	uint8_t *buf[2] = { NULL, NULL }, *bbuf = NULL, *cbuf = NULL;
	uint8_t bsel, amode, seed;
	size_t headroom, cap, n, max;
	uint64_t ha = 0xcbf29ce484222325ULL, hb = ha, hc = ha;
	uint32_t accm, rng;
	int cur = 0, r;

	headroom = fuzz_u8(&in, 0) & 31;
	bsel = fuzz_u8(&in, 0);
	amode = fuzz_u8(&in, 0);
	seed = fuzz_u8(&in, 0);
	stream = fuzz_take(&in, bcur_left(&in));

	cap = bsel == 0 ? headroom + HDLC_MAX_FRAME + HDLC_FCS_LEN :
	    headroom + HDLC_MIN_FRAME + 17 * (size_t)bsel;
	switch (amode) {
	case 0:
		accm = 0;
		break;
	case 1:
		accm = HDLC_ACCM_ALL;
		break;
	case 2:
		accm = 0x000a0000;	/* XON/XOFF (RFC 1662 7.1) */
		break;
	default:
		accm = 0x01010101U * amode;
		break;
	}
	buf[0] = malloc(cap);
	buf[1] = malloc(cap);
	bbuf = malloc(cap);
	cbuf = malloc(cap);
	if (buf[0] == NULL || buf[1] == NULL || bbuf == NULL || cbuf == NULL)
		goto out;
	FUZZ_CHECK(hdlc_dec_init(&a, buf[0], cap, headroom, 0) == 0);
	FUZZ_CHECK(hdlc_dec_init(&b, bbuf, cap, headroom, 0) == 0);
	FUZZ_CHECK(hdlc_dec_init(&cc, cbuf, cap, headroom, 0) == 0);
	FUZZ_CHECK(hdlc_dec_set_impl(&b, HDLC_IMPL_SCALAR) == 0);
	FUZZ_CHECK(a.max_frame <= HDLC_MAX_FRAME);
	FUZZ_CHECK(headroom + a.max_frame + HDLC_FCS_LEN <= cap);
	hdlc_dec_set_accm(&a, accm);
	hdlc_dec_set_accm(&b, accm);
	hdlc_dec_set_accm(&cc, accm);

	/* The FCS over the whole input, against the bitwise definition. */
	FUZZ_CHECK(hdlc_fcs16(HDLC_FCS_INIT, data, size) ==
	    hdlc_fcs_ref(HDLC_FCS_INIT, data, size));
	FUZZ_CHECK(hdlc_fcs16((uint16_t)(seed * 257), data, size) ==
	    hdlc_fcs_ref((uint16_t)(seed * 257), data, size));

	/* A: pty reads of input-chosen sizes. */
	rng = 0x9e3779b9U ^ seed;
	max = (seed & 0x80) ? 4096 : 64;
	while (bcur_left(&stream) > 0) {
		rng = rng * 1103515245U + 12345U;
		n = 1 + (rng >> 8) % max;
		chunk = fuzz_take(&stream, n);
		while ((r = hdlc_decode(&a, &chunk, &f)) == 1) {
			hdlc_check_frame(&a, &f, buf[cur], cap, headroom);
			ha = hdlc_mix(ha, f.data, f.len);
			hdlc_roundtrip(f.data, f.len, accm,
			    (uint32_t)seed << 24 | seed);
			/* Between frames the buffer may be handed over. */
			cur ^= 1;
			FUZZ_CHECK(hdlc_dec_set_buf(&a, buf[cur], cap) == 0);
		}
		FUZZ_CHECK(r == 0 && bcur_left(&chunk) == 0);
	}
	/* A partial frame is held: no buffer swap then. */
	if (a.len != 0)
		FUZZ_CHECK(hdlc_dec_set_buf(&a, buf[cur ^ 1], cap) != 0);

	/* B (portable) and C (best): the same bytes in one read. */
	all = bcur_make(data, size);
	(void)bcur_skip(&all, size >= 4 ? 4 : size);
	hb = hdlc_decode_whole(&b, all, bbuf, cap, headroom, hb);
	hc = hdlc_decode_whole(&cc, all, cbuf, cap, headroom, hc);
	FUZZ_CHECK(hc == hb);
	FUZZ_CHECK(memcmp(&cc.stats, &b.stats, sizeof b.stats) == 0);
	FUZZ_CHECK(cc.len == b.len && cc.esc == b.esc &&
	    cc.discard == b.discard);

	FUZZ_CHECK(ha == hb);
	FUZZ_CHECK(a.stats.frames == b.stats.frames);
	FUZZ_CHECK(a.stats.bytes == b.stats.bytes);
	FUZZ_CHECK(a.stats.raw_bytes == b.stats.raw_bytes);
	FUZZ_CHECK(a.stats.raw_bytes == (size >= 4 ? size - 4 : 0));
	FUZZ_CHECK(a.stats.bad_fcs == b.stats.bad_fcs);
	FUZZ_CHECK(a.stats.too_short == b.stats.too_short);
	FUZZ_CHECK(a.stats.too_long == b.stats.too_long);
	FUZZ_CHECK(a.stats.aborted == b.stats.aborted);
	FUZZ_CHECK(a.stats.accm_dropped == b.stats.accm_dropped);
	FUZZ_CHECK(a.len == b.len && a.esc == b.esc &&
	    a.discard == b.discard);
out:
	free(buf[0]);
	free(buf[1]);
	free(bbuf);
	free(cbuf);
	return 0;
}
