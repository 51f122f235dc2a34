/*
 * mppe.c - MPPE encryption and decryption of one direction (see mppe.h).
 *
 * RFC 3078 3 (packet format), 7 (key changes: every packet when stateless,
 * on "flag" packets whose coherency count ends in 0xFF when stateful), 8
 * (resynchronisation with CCP Reset-Request and the A bit); RFC 3079 3 for
 * the keys.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "crypto/crypto.h"
#include "crypto/legacy_crypto.h"
#include "crypto/ms_funcs.h"
#include "ppp/mppe.h"

#define MPPE_CCOUNT_SPACE	4096
#define MPPE_FLAG_MASK		0xff	/* low octet 0xFF: "flag" packet */

/* Strength of a single-strength Supported Bits word. */
enum ms_mppe_bits
mppe_opt_bits(uint32_t opt)
{
	switch (opt & MPPE_OPT_STRENGTHS) {
	case MPPE_OPT_S:	return MS_MPPE_128;
	case MPPE_OPT_M:	return MS_MPPE_56;
	case MPPE_OPT_L:	return MS_MPPE_40;
	default:		return 0;
	}
}

/* Set up one MPPE direction (RFC 3079 3). */
int
mppe_init(struct mppe_ctx *m, const uint8_t start_key[MS_MPPE_KEY_MAX],
    enum ms_mppe_bits bits, bool stateless)
{
	int r;

	memset(m, 0, sizeof *m);
	m->keylen = ms_mppe_key_len(bits);
	if (m->keylen == 0 || start_key == NULL)
		return -EINVAL;
	m->bits = bits;
	m->stateless = stateless;
	memcpy(m->start_key, start_key, m->keylen);
	/* RFC 3079 3.1-3.3: the initial key, no RC4 step. */
	if ((r = ms_mppe_initial_key(m->start_key, bits,
	    m->session_key)) != 0 ||
	    (r = rc4_init(&m->rc4, m->session_key, m->keylen)) != 0) {
		mppe_clear(m);
		return r;
	}
	/* The first packet carries count 0. */
	m->ccount = MPPE_CCOUNT_SPACE - 1;
	return 0;
}

/* Wipe one MPPE direction. */
void
mppe_clear(struct mppe_ctx *m)
{
	rc4_clear(&m->rc4);
	crypto_zero(m, sizeof *m);
}

/* Flush on the next packet (CCP Reset-Request). */
void
mppe_reset_request(struct mppe_ctx *m)
{
	m->flush = true;
}

/* RFC 3078 7: change the session key and restart RC4 with it. */
static int
mppe_rekey(struct mppe_ctx *m)
{
	int r;

	r = ms_mppe_change_key(m->start_key, m->bits, m->session_key);
	if (r == 0)
		r = rc4_init(&m->rc4, m->session_key, m->keylen);
	m->rekeys++;
	return r;
}

/* Encrypt one packet (RFC 3078 3, 7). */
int
mppe_encrypt(struct mppe_ctx *m, uint16_t proto, const uint8_t *payload,
    size_t len, struct wbuf *out)
{
	uint8_t flags = MPPE_BIT_D, *p;
	int r;

	if (m->keylen == 0)
		return -EINVAL;
	/*
	 * Room first: once the count moved and the key changed, the packet
	 * must go out, or the receiver would be one key change behind.
	 */
	if (wbuf_error(out) != 0 || out->cap - out->len < 2 + 2 + len)
		return -ENOSPC;
	m->ccount = (m->ccount + 1) & MPPE_CCOUNT_MASK;
	/*
	 * XX: after a CCP Reset-Request the key is changed as well as the
	 * RC4 state flushed, as Linux ppp_mppe and the peers following it
	 * do; the receiver below expects the same.
	 */
	if (m->stateless || (m->ccount & MPPE_FLAG_MASK) == MPPE_FLAG_MASK ||
	    m->flush) {
		if ((r = mppe_rekey(m)) != 0)
			return r;
		flags |= MPPE_BIT_A;
		m->flush = false;
	}
	wbuf_put_be16(out, (uint16_t)(flags << 8 | m->ccount));
	p = wbuf_reserve(out, 2 + len);
	if (p == NULL)
		return -ENOSPC;
	/* In place (ppp_engine_wrap_ip): the payload may already be there. */
	if (len > 0 && p + 2 != payload)
		memmove(p + 2, payload, len);
	store_be16(p, proto);
	rc4_crypt(&m->rc4, p, p, 2 + len);
	m->packets++;
	return 0;
}

/* Flag packets (count ends in 0xFF) strictly between from and to. */
static unsigned
mppe_flags_between(uint16_t from, uint16_t to)
{
	unsigned n = 0;
	uint16_t k = (from + 1) & MPPE_CCOUNT_MASK;

	while (k != to) {
		if ((k & MPPE_FLAG_MASK) == MPPE_FLAG_MASK)
			n++;
		k = (k + 1) & MPPE_CCOUNT_MASK;
	}
	return n;
}

/*
 * Stateless catch-up (RFC 3078 8.1): may a packet steps counts ahead be
 * decrypted at now?  *fresh tells whether a new budget window begins.
 *
 * Each count step is one key change (SHA-1 and an RC4 key set-up, about
 * 2 us), and RFC 3078 puts no limit on the gap: a server jumping 2048
 * counts per packet made every 6-octet packet cost 2048 key changes, and
 * about 10 KB/s kept a core busy.  SSTP carries PPP over TLS, so between
 * the server's MPPE and ours nothing is lost; a gap is packets the server
 * dropped after encrypting them.  So: at most MPPE_CATCHUP_PACKET steps
 * per packet and MPPE_CATCHUP_SECOND key changes beyond the one every
 * packet costs per MPPE_CATCHUP_WINDOW_MS, i.e. at most ~2 ms of key
 * changes a second whatever the server sends.  Over the bound the packet
 * is dropped and nothing changes: a later packet catches up once the
 * window allows.
 */
static bool
mppe_catchup_ok(const struct mppe_ctx *m, uint64_t now, unsigned steps,
    bool *fresh)
{
	unsigned used;

	if (steps > MPPE_CATCHUP_PACKET)
		return false;
	*fresh = now < m->catchup_start ||
	    now - m->catchup_start >= MPPE_CATCHUP_WINDOW_MS;
	used = *fresh ? 0 : m->catchup_used;
	return steps - 1 <= MPPE_CATCHUP_SECOND - used;
}

/* Decrypt one packet (RFC 3078 3, 7, 8). */
int
mppe_decrypt(struct mppe_ctx *m, uint64_t now_ms, struct bcur info,
    struct wbuf *out)
{
	uint16_t hdr, count, steps, next;
	unsigned rekeys = 0, i;
	uint8_t flags, *p;
	bool fresh = false;
	size_t n;
	int r;

	if (m->keylen == 0 || bcur_get_be16(&info, &hdr) < 0 ||
	    bcur_left(&info) < 2)
		return -EBADMSG;
	flags = (uint8_t)(hdr >> 8) & 0xf0;
	count = hdr & MPPE_CCOUNT_MASK;
	/* Without MPPC, D must be set and C clear (RFC 3078 3). */
	if ((flags & MPPE_BIT_D) == 0 || (flags & MPPE_BIT_C) != 0)
		return -EBADMSG;
	n = bcur_left(&info);
	if (out->err != 0 || out->cap - out->len < n)
		return -ENOSPC;
	next = (m->ccount + 1) & MPPE_CCOUNT_MASK;
	if (m->stateless) {
		/*
		 * RFC 3078 8.1: one key change per count step.  A packet
		 * more than half the count space behind is late or
		 * repeated: drop it rather than turn the key 4095 times.
		 */
		steps = (count - m->ccount) & MPPE_CCOUNT_MASK;
		if (steps == 0 || steps > MPPE_CCOUNT_SPACE / 2 ||
		    !mppe_catchup_ok(m, now_ms, steps, &fresh))
			return -EBADMSG;
		rekeys = steps;
	} else if (m->discard || count != next) {
		/*
		 * RFC 3078 8.2: after a loss, drop everything until a
		 * flushed packet; then catch up with the flag packets missed
		 * and the change the flushed packet itself carries (at most
		 * 4096 / 256 + 1 = 17 key changes: no bound needed).
		 */
		if ((flags & MPPE_BIT_A) == 0) {
			if (m->discard)
				return MPPE_DISCARD;
			m->discard = true;
			return MPPE_LOST;
		}
		rekeys = mppe_flags_between(m->ccount, count) + 1;
		m->discard = false;
	} else if ((flags & MPPE_BIT_A) != 0 ||
	    (count & MPPE_FLAG_MASK) == MPPE_FLAG_MASK)
		rekeys = 1;
	for (i = 0; i < rekeys; i++)
		if ((r = mppe_rekey(m)) != 0)
			return r;
	if (m->stateless && rekeys > 1) {
		if (fresh) {
			m->catchup_start = now_ms;
			m->catchup_used = 0;
		}
		m->catchup_used += rekeys - 1;
	}
	m->ccount = count;
	p = wbuf_reserve(out, n);
	if (p == NULL)
		return -ENOSPC;
	rc4_crypt(&m->rc4, bcur_ptr(&info), p, n);
	m->packets++;
	return 0;
}
