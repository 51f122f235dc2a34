/*
 * ms_funcs.c - MS-CHAPv2 (RFC 2759) and MPPE key derivation (RFC 3078,
 * RFC 3079), named after the RFCs' pseudo-code.
 *
 * Digests come from crypto.c (OpenSSL default provider); MD4, DES and RC4
 * from the project's own legacy_crypto.h.  Every intermediate value that is
 * derived from the password is wiped before return.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/ctype.h"
#include "crypto/crypto.h"
#include "crypto/legacy_crypto.h"
#include "crypto/ms_funcs.h"

/* RFC 2759 8.7 Magic1 (39 octets) and Magic2 (41 octets), no NUL. */
static const char ms_auth_magic1[] = "Magic server to client signing constant";
static const char ms_auth_magic2[] =
    "Pad to make it do more than one iteration";
/* RFC 3079 3.4 GetMasterKey() Magic1 (27 octets). */
static const char ms_master_magic[] = "This is the MPPE Master Key";
/* RFC 3079 3.4 GetAsymetricStartKey() Magic2 and Magic3 (84 octets each). */
static const char ms_key_magic2[] =
    "On the client side, this is the send key; "
    "on the server side, it is the receive key.";
static const char ms_key_magic3[] =
    "On the client side, this is the receive key; "
    "on the server side, it is the send key.";

_Static_assert(sizeof ms_auth_magic1 - 1 == 39, "RFC 2759 Magic1");
_Static_assert(sizeof ms_auth_magic2 - 1 == 41, "RFC 2759 Magic2");
_Static_assert(sizeof ms_master_magic - 1 == 27, "RFC 3079 Magic1");
_Static_assert(sizeof ms_key_magic2 - 1 == 84, "RFC 3079 Magic2");
_Static_assert(sizeof ms_key_magic3 - 1 == 84, "RFC 3079 Magic3");

/* SHSpad1 / SHApad1 (40 x 00) and SHSpad2 / SHApad2 (40 x F2). */
static const uint8_t ms_pad1[40];
static const uint8_t ms_pad2[40] = {
	0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
	0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
	0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
	0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2
};

/*
 * Convert a NUL-terminated UTF-8 password to UTF-16LE (RFC 2759 8.3 wants
 * the Unicode password).  @out (OUT, 512), *out_len in octets.
 */
static int
ms_utf8_to_utf16le(const char *pw, uint8_t out[MS_PASSWORD_MAX * 2],
    size_t *out_len)
{
	struct bcur c = bcur_make(pw, strlen(pw));
	struct wbuf w;
	uint32_t cp = 0, min;
	uint8_t b = 0, cont = 0;
	int need, i, r = -EINVAL;

	wbuf_init(&w, out, MS_PASSWORD_MAX * 2);
	while (bcur_get_u8(&c, &b) == 0) {
		if (b < 0x80) {
			cp = b;
			need = 0;
			min = 0;
		} else if (b >= 0xc2 && b <= 0xdf) {
			cp = b & 0x1f;
			need = 1;
			min = 0x80;
		} else if (b >= 0xe0 && b <= 0xef) {
			cp = b & 0x0f;
			need = 2;
			min = 0x800;
		} else if (b >= 0xf0 && b <= 0xf4) {
			cp = b & 0x07;
			need = 3;
			min = 0x10000;
		} else
			goto fail;	/* continuation, C0/C1, F5..FF */
		for (i = 0; i < need; i++) {
			if (bcur_get_u8(&c, &cont) != 0 ||
			    (cont & 0xc0) != 0x80)
				goto fail;
			cp = (cp << 6) | (cont & 0x3f);
		}
		/* Overlong forms, UTF-16 surrogates, beyond Unicode. */
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			goto fail;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			wbuf_put_le16(&w, (uint16_t)(0xd800 | (cp >> 10)));
			wbuf_put_le16(&w, (uint16_t)(0xdc00 | (cp & 0x3ff)));
		} else
			wbuf_put_le16(&w, (uint16_t)cp);
		if (wbuf_error(&w) != 0) {
			r = -E2BIG;
			goto fail;
		}
	}
	*out_len = w.len;
	r = 0;
	goto out;
 fail:
	crypto_zero(out, MS_PASSWORD_MAX * 2);
	*out_len = 0;
 out:
	crypto_zero(&cp, sizeof cp);
	crypto_zero(&b, sizeof b);
	crypto_zero(&cont, sizeof cont);
	return r;
}

/* NtPasswordHash() (RFC 2759 8.3). */
int
ms_nt_password_hash(const char *password, uint8_t hash[MS_PW_HASH_LEN])
{
	uint8_t uni[MS_PASSWORD_MAX * 2];
	size_t len = 0;
	int r;

	if (hash == NULL)
		return -EINVAL;
	if (password == NULL) {
		crypto_zero(hash, MS_PW_HASH_LEN);
		return -EINVAL;
	}
	if ((r = ms_utf8_to_utf16le(password, uni, &len)) == 0)
		md4_digest(uni, len, hash);
	else
		crypto_zero(hash, MS_PW_HASH_LEN);
	crypto_zero(uni, sizeof uni);
	return r;
}

/* HashNtPasswordHash() (RFC 2759 8.4). */
void
ms_hash_nt_password_hash(const uint8_t hash[MS_PW_HASH_LEN],
    uint8_t hash_hash[MS_PW_HASH_LEN])
{
	md4_digest(hash, MS_PW_HASH_LEN, hash_hash);
}

/* ChallengeHash() (RFC 2759 8.2). */
int
ms_challenge_hash(const uint8_t peer_challenge[MS_CHALLENGE_LEN],
    const uint8_t auth_challenge[MS_CHALLENGE_LEN], const char *username,
    uint8_t challenge[MS_CHALLENGE_HASH_LEN])
{
	struct crypto_vec v[3];
	uint8_t md[CRYPTO_SHA1_LEN];
	struct bcur c;
	long off;
	int r;

	if (challenge == NULL)
		return -EINVAL;
	crypto_zero(challenge, MS_CHALLENGE_HASH_LEN);
	if (peer_challenge == NULL || auth_challenge == NULL ||
	    username == NULL)
		return -EINVAL;
	/* Only the user name, without any "DOMAIN\" prefix (8.2). */
	c = bcur_make(username, strlen(username));
	while ((off = bcur_find(&c, '\\')) >= 0)
		(void)bcur_skip(&c, (size_t)off + 1);
	v[0].p = peer_challenge;
	v[0].len = MS_CHALLENGE_LEN;
	v[1].p = auth_challenge;
	v[1].len = MS_CHALLENGE_LEN;
	v[2].p = bcur_ptr(&c);
	v[2].len = bcur_left(&c);
	if ((r = crypto_sha1_vec(v, 3, md)) == 0)
		memcpy(challenge, md, MS_CHALLENGE_HASH_LEN);
	crypto_zero(md, sizeof md);
	return r;
}

/* ChallengeResponse() (RFC 2759 8.5) with DesEncrypt() (8.6). */
void
ms_challenge_response(const uint8_t challenge[MS_CHALLENGE_HASH_LEN],
    const uint8_t hash[MS_PW_HASH_LEN], uint8_t response[MS_NT_RESPONSE_LEN])
{
	uint8_t z[21];		/* ZPasswordHash: PasswordHash | 5 x 00 */
	int i;

	memset(z, 0, sizeof z);
	memcpy(z, hash, MS_PW_HASH_LEN);
	for (i = 0; i < 3; i++)
		des_encrypt_key7(challenge, &z[7 * i], &response[8 * i]);
	crypto_zero(z, sizeof z);
}

/* GenerateNTResponse() (RFC 2759 8.1). */
int
ms_generate_nt_response(const uint8_t auth_challenge[MS_CHALLENGE_LEN],
    const uint8_t peer_challenge[MS_CHALLENGE_LEN], const char *username,
    const char *password, uint8_t response[MS_NT_RESPONSE_LEN])
{
	uint8_t ch[MS_CHALLENGE_HASH_LEN], hash[MS_PW_HASH_LEN];
	int r;

	if (response == NULL)
		return -EINVAL;
	crypto_zero(response, MS_NT_RESPONSE_LEN);
	if ((r = ms_challenge_hash(peer_challenge, auth_challenge, username,
	    ch)) == 0 &&
	    (r = ms_nt_password_hash(password, hash)) == 0)
		ms_challenge_response(ch, hash, response);
	crypto_zero(ch, sizeof ch);
	crypto_zero(hash, sizeof hash);
	return r;
}

/*
 * The 20-octet digest behind GenerateAuthenticatorResponse() (RFC 2759 8.7):
 * SHA1(SHA1(PasswordHashHash | NT-Response | Magic1) | ChallengeHash |
 * Magic2).  @hash (IN, 16): PasswordHash.  @md (OUT, 20).
 */
static int
ms_auth_digest(const uint8_t hash[MS_PW_HASH_LEN],
    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
    const uint8_t peer_challenge[MS_CHALLENGE_LEN],
    const uint8_t auth_challenge[MS_CHALLENGE_LEN], const char *username,
    uint8_t md[CRYPTO_SHA1_LEN])
{
	uint8_t hh[MS_PW_HASH_LEN], inner[CRYPTO_SHA1_LEN];
	uint8_t ch[MS_CHALLENGE_HASH_LEN];
	struct crypto_vec v[3];
	int r;

	crypto_zero(md, CRYPTO_SHA1_LEN);
	if (hash == NULL || nt_response == NULL)
		return -EINVAL;
	ms_hash_nt_password_hash(hash, hh);
	v[0].p = hh;
	v[0].len = sizeof hh;
	v[1].p = nt_response;
	v[1].len = MS_NT_RESPONSE_LEN;
	v[2].p = ms_auth_magic1;
	v[2].len = sizeof ms_auth_magic1 - 1;
	if ((r = crypto_sha1_vec(v, 3, inner)) != 0)
		goto out;
	if ((r = ms_challenge_hash(peer_challenge, auth_challenge, username,
	    ch)) != 0)
		goto out;
	v[0].p = inner;
	v[0].len = sizeof inner;
	v[1].p = ch;
	v[1].len = sizeof ch;
	v[2].p = ms_auth_magic2;
	v[2].len = sizeof ms_auth_magic2 - 1;
	r = crypto_sha1_vec(v, 3, md);
 out:
	crypto_zero(hh, sizeof hh);
	crypto_zero(inner, sizeof inner);
	crypto_zero(ch, sizeof ch);
	return r;
}

/* GenerateAuthenticatorResponse() (RFC 2759 8.7) from PasswordHash. */
int
ms_generate_authenticator_response_pwhash(const uint8_t hash[MS_PW_HASH_LEN],
    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
    const uint8_t peer_challenge[MS_CHALLENGE_LEN],
    const uint8_t auth_challenge[MS_CHALLENGE_LEN], const char *username,
    char out[MS_AUTH_RESPONSE_LEN + 1])
{
	static const char hex[] = "0123456789ABCDEF";
	uint8_t md[CRYPTO_SHA1_LEN];
	struct wbuf w;
	size_t i;
	int r;

	if (out == NULL)
		return -EINVAL;
	memset(out, 0, MS_AUTH_RESPONSE_LEN + 1);
	r = ms_auth_digest(hash, nt_response, peer_challenge, auth_challenge,
	    username, md);
	if (r == 0) {
		wbuf_init(&w, out, MS_AUTH_RESPONSE_LEN);
		wbuf_put_str(&w, "S=");
		for (i = 0; i < sizeof md; i++) {
			wbuf_put_u8(&w, (uint8_t)hex[md[i] >> 4]);
			wbuf_put_u8(&w, (uint8_t)hex[md[i] & 0x0f]);
		}
		if (wbuf_error(&w) != 0 || w.len != MS_AUTH_RESPONSE_LEN) {
			memset(out, 0, MS_AUTH_RESPONSE_LEN + 1);
			r = -EINVAL;
		}
	}
	crypto_zero(md, sizeof md);
	return r;
}

/* GenerateAuthenticatorResponse() (RFC 2759 8.7) from the password. */
int
ms_generate_authenticator_response(const char *password,
    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
    const uint8_t peer_challenge[MS_CHALLENGE_LEN],
    const uint8_t auth_challenge[MS_CHALLENGE_LEN], const char *username,
    char out[MS_AUTH_RESPONSE_LEN + 1])
{
	uint8_t hash[MS_PW_HASH_LEN];
	int r;

	if (out == NULL)
		return -EINVAL;
	memset(out, 0, MS_AUTH_RESPONSE_LEN + 1);
	if ((r = ms_nt_password_hash(password, hash)) == 0)
		r = ms_generate_authenticator_response_pwhash(hash,
		    nt_response, peer_challenge, auth_challenge, username,
		    out);
	crypto_zero(hash, sizeof hash);
	return r;
}

/*
 * Parse "S=<40 hex>" optionally followed by " ..." (RFC 2759 section 5,
 * 8.8) into 20 octets.  Returns 0 or -EBADMSG.
 */
static int
ms_parse_auth_response(const uint8_t *msg, size_t msg_len,
    uint8_t got[CRYPTO_SHA1_LEN])
{
	struct bcur c = bcur_make(msg, msg_len);
	uint8_t hi, lo, sep;
	int h, l;
	size_t i;

	if (msg == NULL || !bcur_starts_with(&c, "S=", 2) ||
	    bcur_skip(&c, 2) != 0)
		return -EBADMSG;
	for (i = 0; i < CRYPTO_SHA1_LEN; i++) {
		if (bcur_get_u8(&c, &hi) != 0 || bcur_get_u8(&c, &lo) != 0 ||
		    (h = hex_val(hi)) < 0 || (l = hex_val(lo)) < 0)
			return -EBADMSG;
		got[i] = (uint8_t)(h << 4 | l);
	}
	/* End of message, or a space before " M=<message>". */
	if (bcur_left(&c) == 0)
		return 0;
	if (bcur_get_u8(&c, &sep) != 0 || sep != ' ')
		return -EBADMSG;
	return 0;
}

/* CheckAuthenticatorResponse() (RFC 2759 8.8) from PasswordHash. */
bool
ms_check_authenticator_response_pwhash(const uint8_t hash[MS_PW_HASH_LEN],
    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
    const uint8_t peer_challenge[MS_CHALLENGE_LEN],
    const uint8_t auth_challenge[MS_CHALLENGE_LEN], const char *username,
    const uint8_t *msg, size_t msg_len)
{
	uint8_t want[CRYPTO_SHA1_LEN], got[CRYPTO_SHA1_LEN];
	bool ok = false;

	memset(got, 0, sizeof got);
	if (ms_parse_auth_response(msg, msg_len, got) == 0 &&
	    ms_auth_digest(hash, nt_response, peer_challenge, auth_challenge,
	    username, want) == 0)
		ok = crypto_memeq(want, got, sizeof want);
	crypto_zero(want, sizeof want);
	crypto_zero(got, sizeof got);
	return ok;
}

/* CheckAuthenticatorResponse() (RFC 2759 8.8) from the password. */
bool
ms_check_authenticator_response(const char *password,
    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
    const uint8_t peer_challenge[MS_CHALLENGE_LEN],
    const uint8_t auth_challenge[MS_CHALLENGE_LEN], const char *username,
    const uint8_t *msg, size_t msg_len)
{
	uint8_t hash[MS_PW_HASH_LEN];
	bool ok = false;

	if (ms_nt_password_hash(password, hash) == 0)
		ok = ms_check_authenticator_response_pwhash(hash, nt_response,
		    peer_challenge, auth_challenge, username, msg, msg_len);
	crypto_zero(hash, sizeof hash);
	return ok;
}

/* GetMasterKey() (RFC 3079 3.4). */
int
ms_get_master_key(const uint8_t hash_hash[MS_PW_HASH_LEN],
    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
    uint8_t master_key[MS_MASTER_KEY_LEN])
{
	struct crypto_vec v[3];
	uint8_t md[CRYPTO_SHA1_LEN];
	int r;

	if (master_key == NULL)
		return -EINVAL;
	crypto_zero(master_key, MS_MASTER_KEY_LEN);
	if (hash_hash == NULL || nt_response == NULL)
		return -EINVAL;
	v[0].p = hash_hash;
	v[0].len = MS_PW_HASH_LEN;
	v[1].p = nt_response;
	v[1].len = MS_NT_RESPONSE_LEN;
	v[2].p = ms_master_magic;
	v[2].len = sizeof ms_master_magic - 1;
	if ((r = crypto_sha1_vec(v, 3, md)) == 0)
		memcpy(master_key, md, MS_MASTER_KEY_LEN);
	crypto_zero(md, sizeof md);
	return r;
}

/* GetAsymetricStartKey() (RFC 3079 3.4). */
int
ms_get_asymmetric_start_key(const uint8_t master_key[MS_MASTER_KEY_LEN],
    uint8_t *key, size_t len, bool is_send, bool is_server)
{
	struct crypto_vec v[4];
	uint8_t md[CRYPTO_SHA1_LEN];
	const char *s;
	int r;

	if (key == NULL || (len != 8 && len != 16))
		return -EINVAL;
	crypto_zero(key, len);
	if (master_key == NULL)
		return -EINVAL;
	/* Magic2 for client send == server receive, else Magic3. */
	s = is_send != is_server ? ms_key_magic2 : ms_key_magic3;
	v[0].p = master_key;
	v[0].len = MS_MASTER_KEY_LEN;
	v[1].p = ms_pad1;
	v[1].len = sizeof ms_pad1;
	v[2].p = s;
	v[2].len = sizeof ms_key_magic2 - 1;
	v[3].p = ms_pad2;
	v[3].len = sizeof ms_pad2;
	if ((r = crypto_sha1_vec(v, 4, md)) == 0)
		memcpy(key, md, len);
	crypto_zero(md, sizeof md);
	return r;
}

/* The client's 16-octet MasterSendKey and MasterReceiveKey. */
int
ms_chapv2_client_keys(const char *password,
    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
    uint8_t send_key[MS_MPPE_KEY_MAX], uint8_t recv_key[MS_MPPE_KEY_MAX])
{
	uint8_t hash[MS_PW_HASH_LEN], hh[MS_PW_HASH_LEN];
	uint8_t mk[MS_MASTER_KEY_LEN];
	int r;

	if (send_key == NULL || recv_key == NULL)
		return -EINVAL;
	crypto_zero(send_key, MS_MPPE_KEY_MAX);
	crypto_zero(recv_key, MS_MPPE_KEY_MAX);
	memset(mk, 0, sizeof mk);
	memset(hh, 0, sizeof hh);
	if ((r = ms_nt_password_hash(password, hash)) != 0)
		goto out;
	ms_hash_nt_password_hash(hash, hh);
	if ((r = ms_get_master_key(hh, nt_response, mk)) != 0 ||
	    (r = ms_get_asymmetric_start_key(mk, send_key, MS_MPPE_KEY_MAX,
	    true, false)) != 0 ||
	    (r = ms_get_asymmetric_start_key(mk, recv_key, MS_MPPE_KEY_MAX,
	    false, false)) != 0) {
		crypto_zero(send_key, MS_MPPE_KEY_MAX);
		crypto_zero(recv_key, MS_MPPE_KEY_MAX);
	}
 out:
	crypto_zero(hash, sizeof hash);
	crypto_zero(hh, sizeof hh);
	crypto_zero(mk, sizeof mk);
	return r;
}

/* GetNewKeyFromSHA() (RFC 3078 section 7). */
int
ms_get_new_key_from_sha(const uint8_t *start_key, const uint8_t *session_key,
    size_t len, uint8_t *interim_key)
{
	struct crypto_vec v[4];
	uint8_t md[CRYPTO_SHA1_LEN];
	int r;

	if (interim_key == NULL || (len != 8 && len != 16))
		return -EINVAL;
	if (start_key == NULL || session_key == NULL) {
		crypto_zero(interim_key, len);
		return -EINVAL;
	}
	v[0].p = start_key;
	v[0].len = len;
	v[1].p = ms_pad1;
	v[1].len = sizeof ms_pad1;
	v[2].p = session_key;
	v[2].len = len;
	v[3].p = ms_pad2;
	v[3].len = sizeof ms_pad2;
	/* session_key may alias interim_key: hash first, then copy. */
	if ((r = crypto_sha1_vec(v, 4, md)) == 0)
		memcpy(interim_key, md, len);
	else
		crypto_zero(interim_key, len);
	crypto_zero(md, sizeof md);
	return r;
}

/* Session key length for an MPPE strength. */
size_t
ms_mppe_key_len(enum ms_mppe_bits bits)
{
	switch (bits) {
	case MS_MPPE_40:
	case MS_MPPE_56:
		return 8;
	case MS_MPPE_128:
		return 16;
	}
	return 0;
}

/* Reduce a session key to 40 or 56 bits (RFC 3079 3.1, 3.2). */
static void
ms_mppe_salt(enum ms_mppe_bits bits, uint8_t *key)
{
	if (bits == MS_MPPE_40) {
		key[0] = 0xd1;
		key[1] = 0x26;
		key[2] = 0x9e;
	} else if (bits == MS_MPPE_56)
		key[0] = 0xd1;
}

/* Initial MPPE session key (RFC 3079 3.1, 3.2, 3.3). */
int
ms_mppe_initial_key(const uint8_t *start_key, enum ms_mppe_bits bits,
    uint8_t *session_key)
{
	size_t len = ms_mppe_key_len(bits);
	int r;

	if (len == 0 || session_key == NULL)
		return -EINVAL;
	if ((r = ms_get_new_key_from_sha(start_key, start_key, len,
	    session_key)) == 0)
		ms_mppe_salt(bits, session_key);
	return r;
}

/* MPPE key change (RFC 3078 section 7; salt per RFC 3079 3.1, 3.2). */
int
ms_mppe_change_key(const uint8_t *start_key, enum ms_mppe_bits bits,
    uint8_t *session_key)
{
	size_t len = ms_mppe_key_len(bits);
	uint8_t interim[MS_MPPE_KEY_MAX];
	struct rc4_state rc4;
	int r;

	if (len == 0 || session_key == NULL)
		return -EINVAL;
	if ((r = ms_get_new_key_from_sha(start_key, session_key, len,
	    interim)) != 0 ||
	    (r = rc4_init(&rc4, interim, len)) != 0) {
		crypto_zero(session_key, len);
		goto out;
	}
	rc4_crypt(&rc4, interim, session_key, len);
	ms_mppe_salt(bits, session_key);
 out:
	rc4_clear(&rc4);
	crypto_zero(interim, sizeof interim);
	return r;
}
