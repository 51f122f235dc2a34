/*
 * fuzz_mppe.c - MPPE (src/ppp/mppe.h; RFC 3078 3, 7, 8; RFC 3079 3):
 * decryption of arbitrary packets, and encrypt -> decrypt round trips
 * over a link that loses packets where the input says so.
 *
 * Input:	byte 0		configuration: bits 0-1 strength (40, 56,
 *				128, 128), bit 2 stateless (H)
 *		bytes 1-16	the start key (zero-filled when short); the
 *				sender's and the receiver's are the same, as
 *				MasterSendKey of one side is MasterReceiveKey
 *				of the other (RFC 3079 3.3)
 *		then records	u8 op, u16 big-endian length, that many bytes
 *				(a short last record takes what is left)
 *
 * Ops (op modulo MP_OP_COUNT):
 *	RAW	the bytes are the Information of a 0x00FD packet for a third
 *		context (same key and mode): mppe_decrypt() into a buffer of
 *		full size, or (op bit 7) of the size in the first byte
 *	TRIP	the first two bytes are the inner protocol, the rest the
 *		payload: encrypted by the sender, decrypted by the receiver
 *	LOSE	the sender encrypts 1 + (u16 & 0x7ff) packets that are lost
 *		(losing a stateful flushed packet ends the checks: see
 *		mp_lost_flush)
 *	SMALL	the sender encrypts into a buffer too small: -ENOSPC, and
 *		nothing changes (no count, no key change, a pending flush
 *		kept), so the link goes on as if it had not been tried
 *	RESET	a CCP Reset-Request reached the sender (mppe_reset_request)
 *	REPLAY	the last packet sent arrives again (stateless only)
 *
 * Invariants: mppe_decrypt() returns only 0, MPPE_LOST, MPPE_DISCARD,
 * -EBADMSG or -ENOSPC; 0 writes exactly the packet length minus the
 * 2-octet header, -ENOSPC and -EBADMSG leave the context untouched and
 * nothing is written past the output buffer; mppe_encrypt() -ENOSPC
 * leaves the sender's context untouched; every packet sent has D set,
 * C clear, the next coherency count, and A exactly when stateless, on a
 * flag packet (count ending in 0xFF) or after a Reset-Request; stateless:
 * a packet at most MPPE_CATCHUP_PACKET counts ahead of the last one
 * received, whose extra key changes fit the MPPE_CATCHUP_SECOND budget
 * of its window, decrypts to the protocol and payload sent; one further
 * away, over the budget or repeated is -EBADMSG (the clock advances
 * MP_TICK_MS per record, so windows begin and end); stateful: with nothing lost, and for every flushed (A)
 * packet after a loss, the payload comes back; otherwise the first
 * packet after a loss is MPPE_LOST and the next ones MPPE_DISCARD until
 * an A packet; mppe_clear() wipes the context.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "ppp/mppe.h"
#include "ppp/ppp_cp.h"

enum mp_op {
	MP_RAW = 0,
	MP_TRIP,
	MP_LOSE,
	MP_SMALL,
	MP_RESET,
	MP_REPLAY,
	MP_OP_COUNT
};

#define MP_PKT_MAX	(MPPE_HDR_LEN + 2 + PPP_MAX_INFO)
#define MP_TICK_MS	100	/* the clock per record */
#define MP_CANARY	0xa5

struct mp_link {
	struct mppe_ctx	 tx;
	struct mppe_ctx	 rx;
	struct mppe_ctx	 raw;
	bool		 stateless;
	uint16_t	 next_count;	/* count of the next packet sent */
	uint16_t	 last_rx;	/* count of the last one received */
	bool		 delivered;	/* the last packet sent was received */
	bool		 desync;	/* lost 4096 or more: no more checks */
	bool		 reset;		/* Reset-Request since the last sent */
	bool		 lost;		/* lost packets not yet resynced */
	bool		 lost_seen;	/* the receiver noticed (LOST given) */
	unsigned	 gap;		/* sent since the last received */
	size_t		 last_len;
	uint8_t		 last[MP_PKT_MAX];
	uint64_t	 now;		/* ms */
	uint64_t	 win_start;	/* the receiver's catch-up window */
	unsigned	 win_used;
};

/* Decrypt with the checks that hold for any input. */
static int
mp_decrypt(struct mppe_ctx *m, uint64_t now, const uint8_t *pkt, size_t len,
    uint8_t *out, size_t cap, size_t *outlen)
{
	struct mppe_ctx before;
	struct wbuf w;
	int r;

	memcpy(&before, m, sizeof before);
	memset(out, MP_CANARY, cap + 1);
	wbuf_init(&w, out, cap);
	r = mppe_decrypt(m, now, bcur_make(pkt, len), &w);
	FUZZ_CHECK(r == 0 || r == MPPE_LOST || r == MPPE_DISCARD ||
	    r == -EBADMSG || r == -ENOSPC);
	FUZZ_CHECK(out[cap] == MP_CANARY);
	if (r == 0) {
		FUZZ_CHECK(len >= MPPE_HDR_LEN + 2);
		FUZZ_CHECK(w.len == len - MPPE_HDR_LEN);
	} else {
		FUZZ_CHECK(w.len == 0);
	}
	if (r < 0)
		FUZZ_CHECK(memcmp(&before, m, sizeof before) == 0);
	if (r == -ENOSPC)
		FUZZ_CHECK(len > MPPE_HDR_LEN + cap);
	explicit_bzero(&before, sizeof before);
	*outlen = w.len;
	return r;
}

/* Encrypt one packet on the sender and check its header. */
static int
mp_send(struct mp_link *lk, uint16_t proto, const uint8_t *pl, size_t len,
    size_t cap)
{
	struct mppe_ctx before;
	struct wbuf w;
	uint16_t hdr, count;
	bool a;
	int r;

	memcpy(&before, &lk->tx, sizeof before);
	wbuf_init(&w, lk->last, cap);
	r = mppe_encrypt(&lk->tx, proto, pl, len, &w);
	if (r != 0) {
		/* No room: nothing moved, the packet was never made. */
		FUZZ_CHECK(r == -ENOSPC);
		FUZZ_CHECK(cap < MPPE_OVERHEAD + len);
		FUZZ_CHECK(memcmp(&before, &lk->tx, sizeof before) == 0);
		explicit_bzero(&before, sizeof before);
		return r;
	}
	explicit_bzero(&before, sizeof before);
	count = lk->next_count;
	lk->next_count = (count + 1) & MPPE_CCOUNT_MASK;
	a = lk->stateless || (count & 0xff) == 0xff || lk->reset;
	lk->reset = false;
	lk->gap++;
	lk->delivered = false;
	FUZZ_CHECK(w.len == MPPE_OVERHEAD + len);
	hdr = load_be16(lk->last);
	FUZZ_CHECK((hdr & MPPE_CCOUNT_MASK) == count);
	FUZZ_CHECK((hdr & (MPPE_BIT_D << 8)) != 0);
	FUZZ_CHECK((hdr & (MPPE_BIT_C << 8)) == 0);
	FUZZ_CHECK(((hdr & (MPPE_BIT_A << 8)) != 0) == a);
	lk->last_len = w.len;
	return 0;
}

/*
 * Stateless: may the receiver catch up steps counts now (mppe.h's bound)?
 * If so, book the extra key changes in the model's window.
 */
static bool
mp_catchup(struct mp_link *lk, unsigned steps)
{
	bool fresh = lk->now < lk->win_start ||
	    lk->now - lk->win_start >= MPPE_CATCHUP_WINDOW_MS;
	unsigned used = fresh ? 0 : lk->win_used;

	if (steps > MPPE_CATCHUP_PACKET || steps - 1 + used >
	    MPPE_CATCHUP_SECOND)
		return false;
	if (steps > 1) {
		if (fresh) {
			lk->win_start = lk->now;
			lk->win_used = 0;
		}
		lk->win_used += steps - 1;
	}
	return true;
}

/*
 * The receiver gets the last packet sent; check the verdict.  Beyond
 * 4095 counts since the last packet received the 12-bit count cannot
 * tell how far the sender went (RFC 3078 3): the link is marked out of
 * sync and only the checks that hold for any input remain.
 */
static void
mp_receive(struct mp_link *lk, uint16_t proto, const uint8_t *pl, size_t len)
{
	uint8_t out[MP_PKT_MAX + 1];
	uint16_t hdr, count, steps;
	size_t n;
	bool a;
	int r;

	hdr = load_be16(lk->last);
	count = hdr & MPPE_CCOUNT_MASK;
	a = (hdr & (MPPE_BIT_A << 8)) != 0;
	r = mp_decrypt(&lk->rx, lk->now, lk->last, lk->last_len, out,
	    MP_PKT_MAX, &n);
	if (lk->gap >= MPPE_CCOUNT_MASK + 1)
		lk->desync = true;
	if (lk->desync)
		return;
	if (lk->stateless) {
		steps = (count - lk->last_rx) & MPPE_CCOUNT_MASK;
		FUZZ_CHECK(steps == lk->gap);
		if (!mp_catchup(lk, steps)) {
			FUZZ_CHECK(r == -EBADMSG);
			return;
		}
	} else if (lk->lost && !a) {
		FUZZ_CHECK(r == (lk->lost_seen ? MPPE_DISCARD : MPPE_LOST));
		lk->lost_seen = true;
		return;
	}
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(n == 2 + len);
	FUZZ_CHECK(load_be16(out) == proto);
	FUZZ_CHECK(len == 0 || memcmp(out + 2, pl, len) == 0);
	lk->last_rx = count;
	lk->lost = lk->lost_seen = false;
	lk->gap = 0;
	lk->delivered = true;
}

/* The last packet, already received, arrives again (stateless). */
static void
mp_replay(struct mp_link *lk)
{
	uint8_t out[MP_PKT_MAX + 1];
	size_t n;
	int r;

	r = mp_decrypt(&lk->rx, lk->now, lk->last, lk->last_len, out,
	    MP_PKT_MAX, &n);
	FUZZ_CHECK(r == -EBADMSG);
}

/*
 * XX: stateful, a flushed packet that is not a flag packet changes the key
 * too (mppe.c follows Linux ppp_mppe there); if it is lost, the receiver
 * cannot know of that change and decrypts garbage from the next flushed
 * packet on.  SSTP runs over TCP and loses nothing, so this is accepted:
 * the link is marked out of sync (finding F2-6 of tests/fuzz).
 */
static void
mp_lost_flush(struct mp_link *lk)
{
	uint16_t hdr = load_be16(lk->last);

	if (!lk->stateless && (hdr & (MPPE_BIT_A << 8)) != 0 &&
	    (hdr & 0xff) != 0xff)
		lk->desync = true;
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum ms_mppe_bits strengths[4] = {
		MS_MPPE_40, MS_MPPE_56, MS_MPPE_128, MS_MPPE_128,
	};
	struct bcur in = bcur_make(data, size), rec;
	uint8_t cfg, op, key[MS_MPPE_KEY_MAX], out[MP_PKT_MAX + 1];
	const uint8_t *pl;
	struct mp_link lk;
	enum ms_mppe_bits bits;
	uint16_t proto, n;
	size_t len, cap, olen;
	unsigned i;

	memset(&lk, 0, sizeof lk);
	/* The receiver starts as if count 4095 had been received. */
	lk.last_rx = MPPE_CCOUNT_MASK;
	memset(key, 0, sizeof key);
	cfg = fuzz_u8(&in, 0x06);
	rec = fuzz_take(&in, sizeof key);
	(void)bcur_get_bytes(&rec, key, bcur_left(&rec));
	bits = strengths[cfg & 3];
	lk.stateless = (cfg & 4) != 0;
	FUZZ_CHECK(mppe_init(&lk.tx, key, bits, lk.stateless) == 0);
	FUZZ_CHECK(mppe_init(&lk.rx, key, bits, lk.stateless) == 0);
	FUZZ_CHECK(mppe_init(&lk.raw, key, bits, lk.stateless) == 0);
	explicit_bzero(key, sizeof key);

	while (bcur_left(&in) > 0) {
		rec = fuzz_record(&in, &op);
		lk.now += MP_TICK_MS;
		switch (op % MP_OP_COUNT) {
		case MP_RAW:
			cap = MP_PKT_MAX;
			if (op & 0x80)
				cap = fuzz_u8(&rec, 0);
			len = bcur_left(&rec);
			if (len > MP_PKT_MAX)
				len = MP_PKT_MAX;
			(void)mp_decrypt(&lk.raw, lk.now, bcur_ptr(&rec), len,
			    out, cap, &olen);
			break;
		case MP_TRIP:
			proto = fuzz_be16(&rec);
			pl = bcur_ptr(&rec);
			len = bcur_left(&rec);
			if (len > PPP_MAX_INFO - MPPE_OVERHEAD)
				len = PPP_MAX_INFO - MPPE_OVERHEAD;
			if (mp_send(&lk, proto, pl, len, sizeof lk.last) == 0)
				mp_receive(&lk, proto, pl, len);
			break;
		case MP_LOSE:
			n = (fuzz_be16(&rec) & 0x7ff) + 1;
			for (i = 0; i < n; i++) {
				FUZZ_CHECK(mp_send(&lk, 0x0021,
				    (const uint8_t *)"lost", 4,
				    sizeof lk.last) == 0);
				mp_lost_flush(&lk);
			}
			lk.lost = true;
			break;
		case MP_SMALL:
			cap = fuzz_u8(&rec, 0) % (MPPE_OVERHEAD + 4);
			FUZZ_CHECK(mp_send(&lk, 0x0021,
			    (const uint8_t *)"lost", 4, cap) == -ENOSPC);
			break;
		case MP_RESET:
			mppe_reset_request(&lk.tx);
			lk.reset = true;
			break;
		case MP_REPLAY:
			if (lk.stateless && lk.delivered && !lk.desync)
				mp_replay(&lk);
			break;
		}
	}
	mppe_clear(&lk.tx);
	FUZZ_CHECK(fuzz_all_zero(&lk.tx, sizeof lk.tx));
	mppe_clear(&lk.rx);
	mppe_clear(&lk.raw);
	explicit_bzero(out, sizeof out);
	return 0;
}
