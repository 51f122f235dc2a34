/*
 * sstp_bind.c - SSTP crypto binding: HLAK, CMK and Compound MAC
 * ([MS-SSTP] 2.2.7, 2.2.11, 3.2.5.2.2, 3.2.5.2.4; PROTOCOL.md section 4).
 *
 * Pure functions over caller-owned buffers.  The CMK and every temporary that
 * holds key material is zeroized before return, on every path.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "crypto/crypto.h"
#include "crypto/sstp_bind.h"

/* Fixed fields of the Call Connected message (MS-SSTP 2.2.1, 2.2.2, 2.2.4). */
#define SSTP_BIND_VERSION	0x10
#define SSTP_BIND_CTRL		0x01
#define SSTP_BIND_MSG		0x0004	/* SSTP_MSG_CALL_CONNECTED */
#define SSTP_BIND_ATTR		0x03	/* SSTP_ATTRIB_CRYPTO_BINDING */
#define SSTP_BIND_ATTR_LEN	104
#define SSTP_BIND_FIELD		32	/* cert hash or MAC field + padding */
#define SSTP_BIND_KEY_MAX	64	/* largest key accepted by _hlak() */

/* T1 PRF seed label, 29 ASCII octets without NUL (MS-SSTP 3.2.5.2.2). */
static const char sstp_bind_label[] = "SSTP inner method derived CMK";

/* Digest used for a single hash-protocol value, 0 if not exactly one. */
static enum crypto_md
sstp_bind_md(enum sstp_hash hash)
{
	switch (hash) {
	case SSTP_HASH_SHA1:
		return CRYPTO_MD_SHA1;
	case SSTP_HASH_SHA256:
		return CRYPTO_MD_SHA256;
	case SSTP_HASH_NONE:
		break;
	}
	return 0;
}

/*
 * sstp_bind_hlak - Higher-Layer Authentication Key as the client sees it
 * (MS-SSTP 3.2.5.2.2 / 3.2.5.2.4; PROTOCOL.md 4.1).
 * @send (IN, send_len octets), @recv (IN, recv_len octets), @hlak (OUT, 32).
 * MS-CHAPv2: MasterSendKey(16) | MasterReceiveKey(16).  Key material of 32
 * octets or more (an EAP MSK) contributes its first 32 octets only; no key
 * material at all (PAP, CHAP-MD5) gives 32 zero octets.
 */
int
sstp_bind_hlak(const uint8_t *send, size_t send_len, const uint8_t *recv,
    size_t recv_len, uint8_t hlak[SSTP_HLAK_LEN])
{
	struct wbuf w;
	size_t n;

	if (hlak == NULL)
		return -EINVAL;
	crypto_zero(hlak, SSTP_HLAK_LEN);
	if (send_len > SSTP_BIND_KEY_MAX || recv_len > SSTP_BIND_KEY_MAX ||
	    (send == NULL && send_len != 0) || (recv == NULL && recv_len != 0))
		return -EINVAL;
	if (send_len == 0)
		return 0;
	wbuf_init(&w, hlak, SSTP_HLAK_LEN);
	n = send_len < SSTP_HLAK_LEN ? send_len : SSTP_HLAK_LEN;
	wbuf_put_bytes(&w, send, n);
	if (n < SSTP_HLAK_LEN) {
		/* XX: the Windows kernel fills a short pair with zeros. */
		n = SSTP_HLAK_LEN - n;
		if (recv_len < n)
			n = recv_len;
		wbuf_put_bytes(&w, recv, n);
	}
	if (wbuf_error(&w) != 0) {
		crypto_zero(hlak, SSTP_HLAK_LEN);
		return -EINVAL;
	}
	return 0;
}

/*
 * sstp_bind_cmk - Compound MAC Key (MS-SSTP 3.2.5.2.2 SHA-1, 3.2.5.2.4
 * SHA-256): CMK = T1 = HMAC-H(HLAK, label | LEN16LE(digest length) | 0x01).
 * @hlak (IN, 32), @cmk (OUT, 20 or 32 used of SSTP_CMK_MAX).
 * Returns the CMK length or -EINVAL.
 */
int
sstp_bind_cmk(enum sstp_hash hash, const uint8_t hlak[SSTP_HLAK_LEN],
    uint8_t cmk[SSTP_CMK_MAX])
{
	enum crypto_md md = sstp_bind_md(hash);
	uint8_t seed[sizeof sstp_bind_label - 1 + 3];
	struct wbuf w;
	size_t dlen;
	int r;

	if (cmk == NULL)
		return -EINVAL;
	crypto_zero(cmk, SSTP_CMK_MAX);
	if (md == 0 || hlak == NULL)
		return -EINVAL;
	dlen = crypto_md_len(md);
	wbuf_init(&w, seed, sizeof seed);
	wbuf_put_bytes(&w, sstp_bind_label, sizeof sstp_bind_label - 1);
	wbuf_put_le16(&w, (uint16_t)dlen);
	wbuf_put_u8(&w, 0x01);
	if (wbuf_error(&w) != 0 || w.len != sizeof seed)
		return -EINVAL;
	r = crypto_hmac(md, hlak, SSTP_HLAK_LEN, seed, sizeof seed, cmk);
	if (r != 0) {
		crypto_zero(cmk, SSTP_CMK_MAX);
		return -EINVAL;
	}
	return (int)dlen;
}

/*
 * Write the 112-byte Call Connected message with an all-zero Compound MAC
 * field (MS-SSTP 2.2.7, 2.2.11); *mac points at that field.
 */
static int
sstp_bind_layout(enum sstp_hash hash, const uint8_t nonce[SSTP_NONCE_LEN],
    const uint8_t *cert_hash, size_t hlen, uint8_t out[SSTP_CONNECTED_LEN],
    uint8_t **mac)
{
	struct wbuf w;

	wbuf_init(&w, out, SSTP_CONNECTED_LEN);
	wbuf_put_u8(&w, SSTP_BIND_VERSION);
	wbuf_put_u8(&w, SSTP_BIND_CTRL);
	wbuf_put_be16(&w, SSTP_CONNECTED_LEN);
	wbuf_put_be16(&w, SSTP_BIND_MSG);
	wbuf_put_be16(&w, 1);			/* Num Attributes */
	wbuf_put_u8(&w, 0);			/* attribute Reserved */
	wbuf_put_u8(&w, SSTP_BIND_ATTR);
	wbuf_put_be16(&w, SSTP_BIND_ATTR_LEN);
	wbuf_put_zero(&w, 3);			/* Reserved1 */
	wbuf_put_u8(&w, (uint8_t)hash);		/* exactly one bit */
	wbuf_put_bytes(&w, nonce, SSTP_NONCE_LEN);
	wbuf_put_bytes(&w, cert_hash, hlen);
	wbuf_put_zero(&w, SSTP_BIND_FIELD - hlen);
	*mac = wbuf_reserve(&w, SSTP_BIND_FIELD);
	if (*mac != NULL)
		memset(*mac, 0, SSTP_BIND_FIELD);
	if (wbuf_error(&w) != 0 || w.len != SSTP_CONNECTED_LEN)
		return -EINVAL;
	return 0;
}

/*
 * sstp_bind_connected - build the Call Connected message with its Compound
 * MAC (MS-SSTP 2.2.7, 2.2.11, 3.2.5.2.2/.4):
 * CMAC = HMAC-H(CMK, the whole message with the 32-octet MAC field zeroed).
 * @nonce (IN, 32), @cert_hash (IN, 20 or 32), @hlak (IN, 32), @out (OUT, 112).
 */
int
sstp_bind_connected(enum sstp_hash hash, const uint8_t nonce[SSTP_NONCE_LEN],
    const uint8_t *cert_hash, const uint8_t hlak[SSTP_HLAK_LEN],
    uint8_t out[SSTP_CONNECTED_LEN])
{
	enum crypto_md md = sstp_bind_md(hash);
	uint8_t cmk[SSTP_CMK_MAX], cmac[CRYPTO_MD_MAX];
	uint8_t *mac = NULL;
	size_t dlen;
	int r;

	if (out == NULL)
		return -EINVAL;
	memset(out, 0, SSTP_CONNECTED_LEN);
	if (md == 0 || nonce == NULL || cert_hash == NULL || hlak == NULL)
		return -EINVAL;
	dlen = crypto_md_len(md);
	memset(cmac, 0, sizeof cmac);
	r = -EINVAL;
	if (sstp_bind_layout(hash, nonce, cert_hash, dlen, out, &mac) == 0 &&
	    mac != NULL && sstp_bind_cmk(hash, hlak, cmk) == (int)dlen &&
	    crypto_hmac(md, cmk, dlen, out, SSTP_CONNECTED_LEN, cmac) == 0) {
		memcpy(mac, cmac, dlen);
		r = 0;
	} else
		memset(out, 0, SSTP_CONNECTED_LEN);
	crypto_zero(cmk, sizeof cmk);
	crypto_zero(cmac, sizeof cmac);
	return r;
}

/*
 * sstp_bind_verify - the server's Call Connected checks (MS-SSTP 3.3.5.2.3):
 * fixed header and attribute layout, the single hash protocol @hash, the
 * nonce, the certificate hash and, in constant time, the Compound MAC.
 * @msg (IN, 112), @nonce (IN, 32), @cert_hash (IN, 20 or 32), @hlak (IN, 32).
 * Returns 0, -EBADMSG on any mismatch, -EINVAL on bad arguments.
 */
int
sstp_bind_verify(const uint8_t msg[SSTP_CONNECTED_LEN],
    const uint8_t nonce[SSTP_NONCE_LEN], const uint8_t *cert_hash,
    enum sstp_hash hash, const uint8_t hlak[SSTP_HLAK_LEN])
{
	static const uint8_t head[] = {
		SSTP_BIND_VERSION, SSTP_BIND_CTRL, 0x00, SSTP_CONNECTED_LEN,
		0x00, SSTP_BIND_MSG, 0x00, 0x01,
		0x00, SSTP_BIND_ATTR, 0x00, SSTP_BIND_ATTR_LEN
	};
	enum crypto_md md = sstp_bind_md(hash);
	uint8_t copy[SSTP_CONNECTED_LEN], cmk[SSTP_CMK_MAX];
	uint8_t cmac[CRYPTO_MD_MAX], got_nonce[SSTP_NONCE_LEN];
	uint8_t got_cert[SSTP_BIND_FIELD], got_mac[SSTP_BIND_FIELD];
	uint8_t reserved[3], bitmask;
	struct bcur c;
	struct wbuf w;
	size_t dlen;
	int r = -EBADMSG;
	bool ok;

	if (msg == NULL || nonce == NULL || cert_hash == NULL ||
	    hlak == NULL || md == 0)
		return -EINVAL;
	dlen = crypto_md_len(md);
	memset(cmk, 0, sizeof cmk);
	memset(cmac, 0, sizeof cmac);

	/* Parse through the cursor; keep a copy with the MAC field zeroed. */
	c = bcur_make(msg, SSTP_CONNECTED_LEN);
	wbuf_init(&w, copy, sizeof copy);
	if (!bcur_starts_with(&c, head, sizeof head) ||
	    bcur_skip(&c, sizeof head) != 0 ||
	    bcur_get_bytes(&c, reserved, sizeof reserved) != 0 ||
	    bcur_get_u8(&c, &bitmask) != 0 ||
	    bcur_get_bytes(&c, got_nonce, sizeof got_nonce) != 0 ||
	    bcur_get_bytes(&c, got_cert, sizeof got_cert) != 0 ||
	    bcur_get_bytes(&c, got_mac, sizeof got_mac) != 0 ||
	    bcur_left(&c) != 0)
		goto out;
	/* Exactly the one hash protocol the server expects (2.2.7). */
	if (bitmask != (uint8_t)hash)
		goto out;
	wbuf_put_bytes(&w, head, sizeof head);
	wbuf_put_bytes(&w, reserved, sizeof reserved);
	wbuf_put_u8(&w, bitmask);
	wbuf_put_bytes(&w, got_nonce, sizeof got_nonce);
	wbuf_put_bytes(&w, got_cert, sizeof got_cert);
	wbuf_put_zero(&w, SSTP_BIND_FIELD);
	if (wbuf_error(&w) != 0 || w.len != sizeof copy)
		goto out;
	if (sstp_bind_cmk(hash, hlak, cmk) != (int)dlen ||
	    crypto_hmac(md, cmk, dlen, copy, sizeof copy, cmac) != 0) {
		r = -EINVAL;
		goto out;
	}
	/* Evaluate every check; no early exit on the secret-dependent one. */
	ok = crypto_memeq(got_nonce, nonce, SSTP_NONCE_LEN);
	ok &= crypto_memeq(got_cert, cert_hash, dlen);
	ok &= crypto_memeq(got_mac, cmac, dlen);
	r = ok ? 0 : -EBADMSG;
 out:
	crypto_zero(cmk, sizeof cmk);
	crypto_zero(cmac, sizeof cmac);
	crypto_zero(got_mac, sizeof got_mac);
	crypto_zero(copy, sizeof copy);
	return r;
}
