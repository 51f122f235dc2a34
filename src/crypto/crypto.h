/*
 * crypto.h - thin wrappers over the OpenSSL 3 default provider.
 *
 * Digests (MD5, SHA-1, SHA-256), HMAC over the same digests, base64 (for
 * HTTP Basic credentials), random bytes, constant-time comparison and
 * zeroization.  Only algorithms of the default
 * provider are used; MD4, DES and RC4 live in legacy_crypto.h instead, so the
 * legacy provider is never needed.
 *
 * Every function returns 0 or a negative errno; on failure every output
 * buffer has been zeroized.
 */
#ifndef SSTPC_CRYPTO_H
#define SSTPC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRYPTO_MD5_LEN		16
#define CRYPTO_SHA1_LEN		20
#define CRYPTO_SHA256_LEN	32
#define CRYPTO_MD_MAX		32	/* largest digest of enum crypto_md */

/* Message digests known to this layer. */
enum crypto_md {
	CRYPTO_MD_MD5 = 1,
	CRYPTO_MD_SHA1,
	CRYPTO_MD_SHA256
};

/* One piece of a multi-part input: len bytes at p (p may be NULL if len 0). */
struct crypto_vec {
	const void	*p;
	size_t		 len;
};

/* Digest length in octets of md, or 0 if md is unknown. */
size_t	crypto_md_len(enum crypto_md md);

/*
 * crypto_digest_vec - hash the concatenation of n pieces.
 * @out (OUT, crypto_md_len(md) octets).
 * Returns 0, -EINVAL (unknown md, NULL piece) or -EIO (OpenSSL failure).
 */
int	crypto_digest_vec(enum crypto_md md, const struct crypto_vec *v,
	    size_t n, uint8_t *out);
/* One-shot digest of len bytes; see crypto_digest_vec(). */
int	crypto_digest(enum crypto_md md, const void *data, size_t len,
	    uint8_t *out);

/* MD5 (RFC 1321) of len bytes; out is 16 octets. */
int	crypto_md5(const void *data, size_t len, uint8_t out[CRYPTO_MD5_LEN]);
/* SHA-1 (FIPS 180-4) of len bytes; out is 20 octets. */
int	crypto_sha1(const void *data, size_t len,
	    uint8_t out[CRYPTO_SHA1_LEN]);
/* SHA-1 over n pieces; out is 20 octets. */
int	crypto_sha1_vec(const struct crypto_vec *v, size_t n,
	    uint8_t out[CRYPTO_SHA1_LEN]);
/* SHA-256 (FIPS 180-4) of len bytes; out is 32 octets. */
int	crypto_sha256(const void *data, size_t len,
	    uint8_t out[CRYPTO_SHA256_LEN]);
/* SHA-256 over n pieces; out is 32 octets. */
int	crypto_sha256_vec(const struct crypto_vec *v, size_t n,
	    uint8_t out[CRYPTO_SHA256_LEN]);

/*
 * crypto_hmac_vec - HMAC-H (RFC 2104) of the concatenation of n pieces.
 * @key, @key_len: the key (any length; key_len 0 is allowed).
 * @out (OUT, crypto_md_len(md) octets).
 * Returns 0, -EINVAL or -EIO.
 */
int	crypto_hmac_vec(enum crypto_md md, const void *key, size_t key_len,
	    const struct crypto_vec *v, size_t n, uint8_t *out);
/* One-shot HMAC-H of len bytes; see crypto_hmac_vec(). */
int	crypto_hmac(enum crypto_md md, const void *key, size_t key_len,
	    const void *data, size_t len, uint8_t *out);

/*
 * crypto_base64 - RFC 4648 section 4 base64 (with padding) of len bytes,
 * NUL-terminated into out (outcap >= 4 * ceil(len / 3) + 1).  Returns 0,
 * -ENOSPC or -EIO; on failure out is zeroized.
 */
int	crypto_base64(const void *in, size_t len, char *out, size_t outcap);

/*
 * crypto_random - fill buf with len bytes from getrandom(2) (blocking until
 * the kernel pool is initialised), falling back to OpenSSL RAND_bytes() when
 * the system call is missing.  Returns 0 or -EIO.
 */
int	crypto_random(void *buf, size_t len);

/* Constant-time comparison: true if the n bytes at a and b are equal. */
bool	crypto_memeq(const void *a, const void *b, size_t n);

/* Zeroize n bytes in a way the compiler may not elide. */
void	crypto_zero(void *buf, size_t n);

#endif /* SSTPC_CRYPTO_H */
