/*
 * legacy_crypto.h - MD4, single-block DES and RC4, written in the project.
 *
 * OpenSSL 3 keeps these three in its legacy provider, which distributions
 * may not ship or load.  MS-CHAPv2 (RFC 2759) needs MD4 and DES, MPPE
 * (RFC 3078) needs RC4; nothing else may use them.  The functions are pure,
 * allocate nothing and wipe their internal state; callers wipe their own
 * buffers with crypto_zero().
 */
#ifndef SSTPC_LEGACY_CRYPTO_H
#define SSTPC_LEGACY_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define MD4_DIGEST_LEN	16
#define MD4_BLOCK_LEN	64
#define DES_BLOCK_LEN	8
#define DES_KEY_LEN	8	/* 56 key bits + 8 parity bits */
#define DES_KEY7_LEN	7	/* MS-CHAP form: 56 key bits, no parity */
#define RC4_KEY_MAX	256

/* MD4 running state (RFC 1320 3.3). */
struct md4_ctx {
	uint32_t	state[4];
	uint64_t	bytes;			/* message length so far */
	uint8_t		buf[MD4_BLOCK_LEN];	/* partial block */
};

/* Start an MD4 computation (RFC 1320 3.3). */
void	md4_init(struct md4_ctx *ctx);
/* Feed len bytes. */
void	md4_update(struct md4_ctx *ctx, const void *data, size_t len);
/* Pad (RFC 1320 3.1, 3.2), write the 16-octet digest and wipe ctx. */
void	md4_final(struct md4_ctx *ctx, uint8_t out[MD4_DIGEST_LEN]);
/* One-shot MD4 of len bytes; out is 16 octets. */
void	md4_digest(const void *data, size_t len, uint8_t out[MD4_DIGEST_LEN]);

/*
 * des_encrypt_block - DES (FIPS 46-3) encryption of one 8-octet block.
 * @key (IN, 8): parity bits (the low bit of each octet) are ignored.
 * @in (IN, 8), @out (OUT, 8); in and out may be the same buffer.
 */
void	des_encrypt_block(const uint8_t key[DES_KEY_LEN],
	    const uint8_t in[DES_BLOCK_LEN], uint8_t out[DES_BLOCK_LEN]);
/*
 * des_expand_key - spread 56 key bits (7 octets) over 8 octets, 7 bits each,
 * most significant first, with odd parity in the low bit (the key
 * expansion used by DesEncrypt(), RFC 2759 8.6).  @in (IN, 7), @out (OUT, 8).
 */
void	des_expand_key(const uint8_t in[DES_KEY7_LEN],
	    uint8_t out[DES_KEY_LEN]);
/*
 * des_encrypt_key7 - DesEncrypt() of RFC 2759 8.6: DES-encrypt one block
 * with a 7-octet key expanded by des_expand_key().
 * @clear (IN, 8), @key7 (IN, 7), @cypher (OUT, 8).
 */
void	des_encrypt_key7(const uint8_t clear[DES_BLOCK_LEN],
	    const uint8_t key7[DES_KEY7_LEN], uint8_t cypher[DES_BLOCK_LEN]);

/* RC4 keystream generator state. */
struct rc4_state {
	uint8_t		s[256];
	uint8_t		i;
	uint8_t		j;
};

/* Key the generator; key_len must be 1..256 (returns 0 or -EINVAL). */
int	rc4_init(struct rc4_state *st, const uint8_t *key, size_t key_len);
/* XOR len bytes of keystream into in, writing out (in == out allowed). */
void	rc4_crypt(struct rc4_state *st, const uint8_t *in, uint8_t *out,
	    size_t len);
/* Discard len bytes of keystream. */
void	rc4_skip(struct rc4_state *st, size_t len);
/* Wipe the state. */
void	rc4_clear(struct rc4_state *st);

#endif /* SSTPC_LEGACY_CRYPTO_H */
