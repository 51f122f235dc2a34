/*
 * md4.c - the MD4 message digest (RFC 1320), for NtPasswordHash (RFC 2759
 * 8.3) only.  MD4 is broken as a general hash; it is here because MS-CHAPv2
 * requires it and OpenSSL 3 keeps it in the legacy provider.
 */
#include "config.h"

#include <string.h>

#include "crypto/crypto.h"
#include "crypto/legacy_crypto.h"

#define MD4_ROUND2_K	0x5a827999U	/* RFC 1320 3.4, round 2 */
#define MD4_ROUND3_K	0x6ed9eba1U	/* RFC 1320 3.4, round 3 */

/* Rotate a 32-bit word left by n (0 < n < 32). */
static inline uint32_t
md4_rotl(uint32_t x, unsigned int n)
{
	return (x << n) | (x >> (32 - n));
}

/* RFC 1320 3.4 auxiliary functions F, G, H. */
static inline uint32_t
md4_f(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) | (~x & z);
}

static inline uint32_t
md4_g(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) | (x & z) | (y & z);
}

static inline uint32_t
md4_h(uint32_t x, uint32_t y, uint32_t z)
{
	return x ^ y ^ z;
}

/* Process one 64-octet block (RFC 1320 3.4, steps for each 16-word block). */
static void
md4_block(uint32_t st[4], const uint8_t blk[MD4_BLOCK_LEN])
{
	/* Word order and shifts of rounds 2 and 3 (RFC 1320 3.4). */
	static const uint8_t k2[16] = {
		0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15
	};
	static const uint8_t k3[16] = {
		0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15
	};
	static const uint8_t s1[4] = { 3, 7, 11, 19 };
	static const uint8_t s2[4] = { 3, 5, 9, 13 };
	static const uint8_t s3[4] = { 3, 9, 11, 15 };
	uint32_t x[16], v[4], t;
	int i;

	for (i = 0; i < 16; i++)
		x[i] = (uint32_t)blk[4 * i] |
		    (uint32_t)blk[4 * i + 1] << 8 |
		    (uint32_t)blk[4 * i + 2] << 16 |
		    (uint32_t)blk[4 * i + 3] << 24;
	memcpy(v, st, sizeof v);

	/*
	 * Each step updates one of a, b, c, d in turn; v[] is kept rotated so
	 * that v[0] is the word being updated and v[1..3] are b, c, d of the
	 * RFC's "[abcd k s]" notation.
	 */
	for (i = 0; i < 16; i++) {
		t = md4_rotl(v[0] + md4_f(v[1], v[2], v[3]) + x[i],
		    s1[i % 4]);
		v[0] = v[3];
		v[3] = v[2];
		v[2] = v[1];
		v[1] = t;
	}
	for (i = 0; i < 16; i++) {
		t = md4_rotl(v[0] + md4_g(v[1], v[2], v[3]) + x[k2[i]] +
		    MD4_ROUND2_K, s2[i % 4]);
		v[0] = v[3];
		v[3] = v[2];
		v[2] = v[1];
		v[1] = t;
	}
	for (i = 0; i < 16; i++) {
		t = md4_rotl(v[0] + md4_h(v[1], v[2], v[3]) + x[k3[i]] +
		    MD4_ROUND3_K, s3[i % 4]);
		v[0] = v[3];
		v[3] = v[2];
		v[2] = v[1];
		v[1] = t;
	}
	for (i = 0; i < 4; i++)
		st[i] += v[i];
	crypto_zero(x, sizeof x);
	crypto_zero(v, sizeof v);
}

/* Initialise the MD buffer (RFC 1320 3.3). */
void
md4_init(struct md4_ctx *ctx)
{
	ctx->state[0] = 0x67452301U;
	ctx->state[1] = 0xefcdab89U;
	ctx->state[2] = 0x98badcfeU;
	ctx->state[3] = 0x10325476U;
	ctx->bytes = 0;
	memset(ctx->buf, 0, sizeof ctx->buf);
}

/* Absorb len bytes into the running digest. */
void
md4_update(struct md4_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *in = data;
	size_t have = (size_t)(ctx->bytes % MD4_BLOCK_LEN), take;

	ctx->bytes += len;
	if (have > 0) {
		take = MD4_BLOCK_LEN - have;
		if (take > len)
			take = len;
		memcpy(ctx->buf + have, in, take);
		in += take;
		len -= take;
		if (have + take < MD4_BLOCK_LEN)
			return;
		md4_block(ctx->state, ctx->buf);
	}
	for (; len >= MD4_BLOCK_LEN; in += MD4_BLOCK_LEN, len -= MD4_BLOCK_LEN)
		md4_block(ctx->state, in);
	if (len > 0)
		memcpy(ctx->buf, in, len);
}

/* Append padding and length (RFC 1320 3.1, 3.2), output (3.5), wipe. */
void
md4_final(struct md4_ctx *ctx, uint8_t out[MD4_DIGEST_LEN])
{
	static const uint8_t pad[MD4_BLOCK_LEN] = { 0x80 };
	uint64_t bits = ctx->bytes << 3;
	size_t have = (size_t)(ctx->bytes % MD4_BLOCK_LEN);
	uint8_t len_le[8];
	int i;

	for (i = 0; i < 8; i++)
		len_le[i] = (uint8_t)(bits >> (8 * i));
	/* Pad to 56 mod 64 with one 1 bit then 0 bits, always at least 1. */
	md4_update(ctx, pad, have < 56 ? 56 - have : 120 - have);
	md4_update(ctx, len_le, sizeof len_le);
	for (i = 0; i < 4; i++) {
		out[4 * i] = (uint8_t)ctx->state[i];
		out[4 * i + 1] = (uint8_t)(ctx->state[i] >> 8);
		out[4 * i + 2] = (uint8_t)(ctx->state[i] >> 16);
		out[4 * i + 3] = (uint8_t)(ctx->state[i] >> 24);
	}
	crypto_zero(ctx, sizeof *ctx);
}

/* One-shot MD4. */
void
md4_digest(const void *data, size_t len, uint8_t out[MD4_DIGEST_LEN])
{
	struct md4_ctx ctx;

	md4_init(&ctx);
	md4_update(&ctx, data, len);
	md4_final(&ctx, out);
}
