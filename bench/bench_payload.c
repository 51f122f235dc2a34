/*
 * bench_payload.c - benchmark frame generator and checker (see
 * bench_payload.h).  Received frames are read through struct bcur.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "bench_payload.h"
#include "ppp/proto.h"
#include "util/buf.h"

/* xorshift64: the fixed pseudo-random stream both ends regenerate. */
static uint64_t
bp_rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

void
bp_pool_init(struct bp_pool *p, bool ascii)
{
	uint64_t s = 0x5ca1ab1e0ddba11ULL;
	size_t i, j;

	p->ascii = ascii;
	for (i = 0; i < BP_NBLOCKS; i++)
		for (j = 0; j < BP_BLOCK_LEN; j++) {
			uint64_t r = bp_rnd(&s) >> 11;

			p->blk[i][j] = ascii ? (uint8_t)(0x20 + r % 95) :
			    (uint8_t)r;
		}
}

void
bp_frame(const struct bp_pool *p, uint32_t seq, uint8_t *out)
{
	struct wbuf w;

	wbuf_init(&w, out, BP_FRAME_LEN);
	wbuf_put_u8(&w, 0xff);
	wbuf_put_u8(&w, 0x03);
	wbuf_put_be16(&w, PPP_PROTO_IP);
	wbuf_put_be32(&w, seq);
	wbuf_put_be32(&w, ~seq);
	wbuf_put_bytes(&w, p->blk[seq % BP_NBLOCKS], BP_BLOCK_LEN);
}

/* Skip an optional FF 03 and read the protocol field. */
static int
bp_proto(struct bcur *c, uint16_t *proto)
{
	if (bcur_starts_with(c, "\xff\x03", 2))
		(void)bcur_skip(c, 2);
	return bcur_get_be16(c, proto);
}

enum bp_verdict
bp_check(const struct bp_pool *p, const uint8_t *f, size_t len, uint32_t *seq)
{
	struct bcur c = bcur_make(f, len);
	uint32_t s, ns;
	uint16_t proto;

	*seq = UINT32_MAX;
	if (bp_proto(&c, &proto) < 0 || proto != PPP_PROTO_IP)
		return BP_OTHER;
	if (bcur_get_be32(&c, &s) < 0 || bcur_get_be32(&c, &ns) < 0 ||
	    ns != ~s)
		return BP_CORRUPT;
	*seq = s;
	if (bcur_left(&c) != BP_BLOCK_LEN ||
	    memcmp(bcur_ptr(&c), p->blk[s % BP_NBLOCKS], BP_BLOCK_LEN) != 0)
		return BP_CORRUPT;
	return BP_OK;
}

void
bp_lcp(uint8_t code, uint8_t id, uint8_t out[8])
{
	struct wbuf w;

	wbuf_init(&w, out, 8);
	wbuf_put_u8(&w, 0xff);
	wbuf_put_u8(&w, 0x03);
	wbuf_put_be16(&w, PPP_PROTO_LCP);
	wbuf_put_u8(&w, code);
	wbuf_put_u8(&w, id);
	wbuf_put_be16(&w, 4);
}

bool
bp_is_lcp(const uint8_t *f, size_t len, uint8_t code)
{
	struct bcur c = bcur_make(f, len);
	uint16_t proto;
	uint8_t k;

	return bp_proto(&c, &proto) == 0 && proto == PPP_PROTO_LCP &&
	    bcur_get_u8(&c, &k) == 0 && k == code;
}

uint64_t
bp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
