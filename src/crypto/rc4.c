/*
 * rc4.c - the RC4 stream cipher, for MPPE (RFC 3078) key changes and
 * encryption only.  RC4 is broken as a general cipher (RFC 7465); it is here
 * because MPPE requires it and OpenSSL 3 keeps it in the legacy provider.
 */
#include "config.h"

#include <errno.h>

#include "crypto/crypto.h"
#include "crypto/legacy_crypto.h"

/* Key-scheduling algorithm: permute s[] under the key. */
int
rc4_init(struct rc4_state *st, const uint8_t *key, size_t key_len)
{
	uint8_t j = 0, t;
	size_t i;

	if (st == NULL)
		return -EINVAL;
	if (key == NULL || key_len == 0 || key_len > RC4_KEY_MAX) {
		rc4_clear(st);
		return -EINVAL;
	}
	for (i = 0; i < 256; i++)
		st->s[i] = (uint8_t)i;
	for (i = 0; i < 256; i++) {
		j = (uint8_t)(j + st->s[i] + key[i % key_len]);
		t = st->s[i];
		st->s[i] = st->s[j];
		st->s[j] = t;
	}
	st->i = 0;
	st->j = 0;
	return 0;
}

/* Next keystream byte (pseudo-random generation algorithm). */
static inline uint8_t
rc4_next(struct rc4_state *st)
{
	uint8_t t;

	st->i = (uint8_t)(st->i + 1);
	st->j = (uint8_t)(st->j + st->s[st->i]);
	t = st->s[st->i];
	st->s[st->i] = st->s[st->j];
	st->s[st->j] = t;
	return st->s[(uint8_t)(st->s[st->i] + st->s[st->j])];
}

/* XOR the keystream into len bytes. */
void
rc4_crypt(struct rc4_state *st, const uint8_t *in, uint8_t *out, size_t len)
{
	size_t n;

	for (n = 0; n < len; n++)
		out[n] = in[n] ^ rc4_next(st);
}

/* Drop len keystream bytes. */
void
rc4_skip(struct rc4_state *st, size_t len)
{
	while (len-- > 0)
		(void)rc4_next(st);
}

/* Wipe the permutation and indices. */
void
rc4_clear(struct rc4_state *st)
{
	crypto_zero(st, sizeof *st);
}
