/*
 * fuzz_sstp_bind.c - the server-side check of the Call Connected message
 * (src/sstp_bind.h; MS-SSTP 2.2.7, 2.2.11, 3.2.5.2; PROTOCOL.md 2.5, 4).
 *
 * Input:	byte 0		hash: bit 0 SHA-256 else SHA-1; bit 7 an
 *				invalid hash value (0 or 3) instead
 *		32 bytes	HLAK
 *		32 bytes	nonce
 *		32 bytes	certificate hash (20 used for SHA-1)
 *		rest		pairs "offset, XOR mask" applied to the
 *				canonical 112-byte message, or (bit 6 of
 *				byte 0) the first 112 bytes are the message
 *				itself
 * Short inputs are zero-filled.
 *
 * Invariants: the canonical message from sstp_bind_connected() verifies;
 * any other message verifies only if it differs from the canonical one
 * in the SHA-1 MAC padding alone (octets 100..111, outside the MAC's
 * input: accepted, see the note in README.md); an invalid hash is
 * refused with -EINVAL by both functions.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "crypto/sstp_bind.h"

/* Octets of the SHA-1 form that carry the MAC padding (PROTOCOL.md 2.5). */
#define BIND_PAD1_OFF	100

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), rest;
	uint8_t hlak[SSTP_HLAK_LEN], nonce[SSTP_NONCE_LEN], cert[32];
	uint8_t canon[SSTP_CONNECTED_LEN], msg[SSTP_CONNECTED_LEN];
	enum sstp_hash hash;
	uint8_t ctl, off, mask;
	size_t i, cmp_len;
	int r, differs;

	memset(hlak, 0, sizeof hlak);
	memset(nonce, 0, sizeof nonce);
	memset(cert, 0, sizeof cert);
	memset(msg, 0, sizeof msg);
	ctl = fuzz_u8(&in, 0);
	rest = fuzz_take(&in, sizeof hlak);
	(void)bcur_get_bytes(&rest, hlak, bcur_left(&rest));
	rest = fuzz_take(&in, sizeof nonce);
	(void)bcur_get_bytes(&rest, nonce, bcur_left(&rest));
	rest = fuzz_take(&in, sizeof cert);
	(void)bcur_get_bytes(&rest, cert, bcur_left(&rest));

	if (ctl & 0x80) {
		hash = (ctl & 1) ? (enum sstp_hash)3 : SSTP_HASH_NONE;
		FUZZ_CHECK(sstp_bind_connected(hash, nonce, cert, hlak,
		    canon) == -EINVAL);
		FUZZ_CHECK(sstp_bind_verify(msg, nonce, cert, hash, hlak) ==
		    -EINVAL);
		goto out;
	}
	hash = (ctl & 1) ? SSTP_HASH_SHA256 : SSTP_HASH_SHA1;
	FUZZ_CHECK(sstp_bind_connected(hash, nonce, cert, hlak, canon) == 0);
	FUZZ_CHECK(sstp_bind_verify(canon, nonce, cert, hash, hlak) == 0);

	if (ctl & 0x40) {
		rest = fuzz_take(&in, sizeof msg);
		(void)bcur_get_bytes(&rest, msg, bcur_left(&rest));
	} else {
		memcpy(msg, canon, sizeof msg);
		while (bcur_left(&in) > 0) {
			off = fuzz_u8(&in, 0);
			mask = fuzz_u8(&in, 0);
			msg[off % sizeof msg] ^= mask;
		}
	}
	r = sstp_bind_verify(msg, nonce, cert, hash, hlak);
	FUZZ_CHECK(r == 0 || r == -EBADMSG);
	cmp_len = hash == SSTP_HASH_SHA1 ? BIND_PAD1_OFF : sizeof msg;
	differs = 0;
	for (i = 0; i < cmp_len; i++)
		differs |= msg[i] != canon[i];
	FUZZ_CHECK((r == 0) == !differs);
out:
	explicit_bzero(hlak, sizeof hlak);
	explicit_bzero(canon, sizeof canon);
	explicit_bzero(msg, sizeof msg);
	return 0;
}
