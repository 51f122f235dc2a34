/*
 * mppe.h - Microsoft Point-to-Point Encryption (RFC 3078) with the keys
 * of RFC 3079, one direction per struct mppe_ctx.
 *
 * Packet (PPP protocol 0x00FD): a 2-octet header - flags A 0x80 (flushed),
 * B 0x40, C 0x20 (MPPC), D 0x10 (encrypted) over a 12-bit coherency count
 * - then RC4 of the original protocol (2 octets) and payload.  Stateless
 * mode changes the session key before every packet; stateful mode when the
 * count's low octet is 0xFF and after a CCP Reset-Request.  RC4 is the
 * project's own (legacy_crypto.h); keys by ms_mppe_initial_key() and
 * ms_mppe_change_key().  Pure: no I/O, no globals; mppe_clear() wipes.
 */
#ifndef SSTPC_MPPE_H
#define SSTPC_MPPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "crypto/legacy_crypto.h"
#include "crypto/ms_funcs.h"

/* First header octet (RFC 3078 3). */
#define MPPE_BIT_A		0x80	/* flushed */
#define MPPE_BIT_B		0x40
#define MPPE_BIT_C		0x20	/* MPPC compressed */
#define MPPE_BIT_D		0x10	/* encrypted */
#define MPPE_CCOUNT_MASK	0x0fff
#define MPPE_HDR_LEN		2
#define MPPE_OVERHEAD		(MPPE_HDR_LEN + 2)	/* + inner protocol */

/* CCP option 18 Supported Bits (RFC 3078 2), as one 32-bit word. */
#define MPPE_OPT_H		0x01000000u	/* stateless */
#define MPPE_OPT_M		0x00000080u	/* 56-bit */
#define MPPE_OPT_S		0x00000040u	/* 128-bit */
#define MPPE_OPT_L		0x00000020u	/* 40-bit */
#define MPPE_OPT_D		0x00000010u	/* obsolete */
#define MPPE_OPT_C		0x00000001u	/* MPPC compression */
#define MPPE_OPT_STRENGTHS	(MPPE_OPT_S | MPPE_OPT_M | MPPE_OPT_L)

/*
 * Stateless catch-up bound (see mppe_decrypt()): at most this many count
 * steps in one packet (up to 255 packets lost in a row), and at most this
 * many key changes per second beyond the one every packet costs.
 */
#define MPPE_CATCHUP_PACKET	256
#define MPPE_CATCHUP_SECOND	1024
#define MPPE_CATCHUP_WINDOW_MS	1000

/* Results of mppe_decrypt() besides 0. */
#define MPPE_LOST		1	/* lost sync: send Reset-Request */
#define MPPE_DISCARD		2	/* still waiting for an A packet */

struct mppe_ctx {
	enum ms_mppe_bits	 bits;
	size_t			 keylen;	/* 8 or 16 */
	bool			 stateless;
	uint8_t			 start_key[MS_MPPE_KEY_MAX];
	uint8_t			 session_key[MS_MPPE_KEY_MAX];
	struct rc4_state	 rc4;
	uint16_t		 ccount;	/* last count sent/received */
	bool			 flush;		/* tx: rekey + A next */
	bool			 discard;	/* rx: waiting for A */
	uint64_t		 packets;
	uint64_t		 rekeys;
	uint64_t		 catchup_start;	/* rx: this window began (ms) */
	unsigned		 catchup_used;	/* rx: extra key changes in it */
};

/*
 * mppe_init - set up one direction.
 * @start_key (IN, 16): MasterSendKey for sending, MasterReceiveKey for
 *   receiving (RFC 3079 3.3); 40/56-bit use its first 8 octets.
 * The first packet carries coherency count 0.
 * Returns 0 or -EINVAL / -EIO.
 */
int	mppe_init(struct mppe_ctx *, const uint8_t start_key[MS_MPPE_KEY_MAX],
	    enum ms_mppe_bits bits, bool stateless);

/*
 * mppe_encrypt - build the Information field of one 0x00FD packet from
 * @proto and @payload (RFC 3078 3, 7, 8) into @out.  Returns 0, -ENOSPC or
 * -EIO.  On -ENOSPC (checked first) nothing changed; otherwise the count
 * advanced.
 */
int	mppe_encrypt(struct mppe_ctx *, uint16_t proto, const uint8_t *payload,
	    size_t len, struct wbuf *out);

/*
 * mppe_decrypt - decrypt the Information field of one 0x00FD packet that
 * arrived at @now_ms (a monotonic clock in milliseconds).
 * @out receives the inner protocol (2 octets) and payload.
 * Returns 0 on success; MPPE_LOST when a stateful stream lost packets
 * (answer with a CCP Reset-Request, the packet is dropped); MPPE_DISCARD
 * while waiting for the flushed packet; -EBADMSG for a malformed, repeated
 * or compressed packet, or a stateless packet whose catch-up would exceed
 * MPPE_CATCHUP_PACKET steps or the MPPE_CATCHUP_SECOND budget of the
 * current MPPE_CATCHUP_WINDOW_MS window (dropped, nothing changed); -ENOSPC
 * if @out is too small.
 */
int	mppe_decrypt(struct mppe_ctx *, uint64_t now_ms, struct bcur info,
	    struct wbuf *out);

/* A CCP Reset-Request arrived: the next packet sent rekeys and sets A. */
void	mppe_reset_request(struct mppe_ctx *);

/* Wipe keys and cipher state. */
void	mppe_clear(struct mppe_ctx *);

/* Strength of a single-strength Supported Bits word, or 0. */
enum ms_mppe_bits mppe_opt_bits(uint32_t opt);

#endif /* SSTPC_MPPE_H */
