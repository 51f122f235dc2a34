/*
 * crypto.c - OpenSSL 3 EVP wrappers: digests, HMAC, base64, random, compare,
 * zero.
 *
 * Only the default provider is used (implicit fetches by name); nothing here
 * needs the legacy provider.  No state is kept between calls.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto/crypto.h"

/* Map our digest enum to OpenSSL's digest object, or NULL. */
static const EVP_MD *
crypto_evp_md(enum crypto_md md)
{
	switch (md) {
	case CRYPTO_MD_MD5:
		return EVP_md5();
	case CRYPTO_MD_SHA1:
		return EVP_sha1();
	case CRYPTO_MD_SHA256:
		return EVP_sha256();
	}
	return NULL;
}

/* OpenSSL's name of the digest, for the HMAC "digest" parameter. */
static const char *
crypto_md_name(enum crypto_md md)
{
	switch (md) {
	case CRYPTO_MD_MD5:
		return "MD5";
	case CRYPTO_MD_SHA1:
		return "SHA1";
	case CRYPTO_MD_SHA256:
		return "SHA256";
	}
	return NULL;
}

/* Return the digest length of md in octets, 0 if unknown. */
size_t
crypto_md_len(enum crypto_md md)
{
	switch (md) {
	case CRYPTO_MD_MD5:
		return CRYPTO_MD5_LEN;
	case CRYPTO_MD_SHA1:
		return CRYPTO_SHA1_LEN;
	case CRYPTO_MD_SHA256:
		return CRYPTO_SHA256_LEN;
	}
	return 0;
}

/* Check that every piece with a length has a pointer. */
static int
crypto_vec_ok(const struct crypto_vec *v, size_t n)
{
	size_t i;

	if (n > 0 && v == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (v[i].p == NULL && v[i].len != 0)
			return 0;
	return 1;
}

/* Hash the concatenation of n pieces with md into out. */
int
crypto_digest_vec(enum crypto_md md, const struct crypto_vec *v, size_t n,
    uint8_t *out)
{
	const EVP_MD *evp = crypto_evp_md(md);
	EVP_MD_CTX *ctx = NULL;
	unsigned int outl = 0;
	size_t i, dlen = crypto_md_len(md);
	int r = -EIO;

	if (evp == NULL || out == NULL)
		return -EINVAL;
	if (!crypto_vec_ok(v, n)) {
		r = -EINVAL;
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, evp, NULL) != 1)
		goto out;
	for (i = 0; i < n; i++) {
		if (v[i].len != 0 &&
		    EVP_DigestUpdate(ctx, v[i].p, v[i].len) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(ctx, out, &outl) != 1 || outl != dlen)
		goto out;
	r = 0;
 out:
	EVP_MD_CTX_free(ctx);	/* cleanses the intermediate state */
	if (r != 0)
		crypto_zero(out, dlen);
	return r;
}

/* One-shot digest of len bytes. */
int
crypto_digest(enum crypto_md md, const void *data, size_t len, uint8_t *out)
{
	struct crypto_vec v = { data, len };

	return crypto_digest_vec(md, &v, 1, out);
}

/* MD5 of len bytes. */
int
crypto_md5(const void *data, size_t len, uint8_t out[CRYPTO_MD5_LEN])
{
	return crypto_digest(CRYPTO_MD_MD5, data, len, out);
}

/* SHA-1 of len bytes. */
int
crypto_sha1(const void *data, size_t len, uint8_t out[CRYPTO_SHA1_LEN])
{
	return crypto_digest(CRYPTO_MD_SHA1, data, len, out);
}

/* SHA-1 over n pieces. */
int
crypto_sha1_vec(const struct crypto_vec *v, size_t n,
    uint8_t out[CRYPTO_SHA1_LEN])
{
	return crypto_digest_vec(CRYPTO_MD_SHA1, v, n, out);
}

/* SHA-256 of len bytes. */
int
crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN])
{
	return crypto_digest(CRYPTO_MD_SHA256, data, len, out);
}

/* SHA-256 over n pieces. */
int
crypto_sha256_vec(const struct crypto_vec *v, size_t n,
    uint8_t out[CRYPTO_SHA256_LEN])
{
	return crypto_digest_vec(CRYPTO_MD_SHA256, v, n, out);
}

/* HMAC-H (RFC 2104) over n pieces, through EVP_MAC "HMAC". */
int
crypto_hmac_vec(enum crypto_md md, const void *key, size_t key_len,
    const struct crypto_vec *v, size_t n, uint8_t *out)
{
	static const uint8_t empty_key[1];
	const char *name = crypto_md_name(md);
	size_t i, outl = 0, dlen = crypto_md_len(md);
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	int r = -EIO;

	if (name == NULL || out == NULL)
		return -EINVAL;
	if (!crypto_vec_ok(v, n) || (key == NULL && key_len != 0)) {
		r = -EINVAL;
		goto out;
	}
	/* A NULL key would mean "keep the previous key" to OpenSSL. */
	if (key == NULL)
		key = empty_key;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)name, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    EVP_MAC_init(ctx, key, key_len, params) != 1)
		goto out;
	for (i = 0; i < n; i++) {
		if (v[i].len != 0 &&
		    EVP_MAC_update(ctx, v[i].p, v[i].len) != 1)
			goto out;
	}
	if (EVP_MAC_final(ctx, out, &outl, dlen) != 1 || outl != dlen)
		goto out;
	r = 0;
 out:
	EVP_MAC_CTX_free(ctx);	/* cleanses the key schedule */
	EVP_MAC_free(mac);
	if (r != 0)
		crypto_zero(out, dlen);
	return r;
}

/* One-shot HMAC-H of len bytes. */
int
crypto_hmac(enum crypto_md md, const void *key, size_t key_len,
    const void *data, size_t len, uint8_t *out)
{
	struct crypto_vec v = { data, len };

	return crypto_hmac_vec(md, key, key_len, &v, 1, out);
}

/* Fill buf from OpenSSL's DRBG, in int-sized chunks. */
static int
crypto_random_openssl(uint8_t *buf, size_t len)
{
	size_t chunk;

	while (len > 0) {
		chunk = len > INT_MAX ? INT_MAX : len;
		if (RAND_bytes(buf, (int)chunk) != 1)
			return -EIO;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

/* Fill buf with len cryptographically secure random bytes. */
int
crypto_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	int r;

	if (p == NULL && len != 0)
		return -EINVAL;
#ifdef HAVE_GETRANDOM
	while (len > 0) {
		ssize_t got = getrandom(p, len, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOSYS)
				break;
			crypto_zero(buf, (size_t)(p - (uint8_t *)buf));
			return -EIO;
		}
		p += got;
		len -= (size_t)got;
	}
#endif
	if ((r = crypto_random_openssl(p, len)) != 0)
		crypto_zero(buf, (size_t)(p - (uint8_t *)buf) + len);
	return r;
}

/* RFC 4648 base64 of len bytes, through EVP_EncodeBlock (one line). */
int
crypto_base64(const void *in, size_t len, char *out, size_t outcap)
{
	size_t need;
	int n;

	if (out == NULL || outcap == 0)
		return -ENOSPC;
	if (len > (size_t)INT_MAX / 4 * 3 - 3 || (len > 0 && in == NULL)) {
		crypto_zero(out, outcap);
		return -EIO;
	}
	need = 4 * ((len + 2) / 3) + 1;
	if (outcap < need) {
		crypto_zero(out, outcap);
		return -ENOSPC;
	}
	n = EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	if (n < 0 || (size_t)n + 1 != need) {
		crypto_zero(out, outcap);
		return -EIO;
	}
	out[n] = '\0';
	return 0;
}

/* Constant-time equality of n bytes. */
bool
crypto_memeq(const void *a, const void *b, size_t n)
{
	if (n == 0)
		return true;
	return CRYPTO_memcmp(a, b, n) == 0;
}

/* Zeroize n bytes; the store cannot be optimised away. */
void
crypto_zero(void *buf, size_t n)
{
	if (buf == NULL || n == 0)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(buf, n);
#else
	OPENSSL_cleanse(buf, n);
#endif
}
