/*
 * sstp_bind.h - SSTP crypto binding (MS-SSTP 3.2.5.2.x, PROTOCOL.md section 4).
 *
 * Pure functions: HLAK from the inner authentication's key material, CMK by
 * the T1 PRF, and the Call Connected message with its Compound MAC.  No I/O,
 * no globals; every key buffer is caller-owned and zeroized by the caller.
 */
#ifndef SSTPC_SSTP_BIND_H
#define SSTPC_SSTP_BIND_H

#include <stddef.h>
#include <stdint.h>

#define SSTP_NONCE_LEN		32
#define SSTP_HLAK_LEN		32
#define SSTP_CMK_MAX		32
#define SSTP_CONNECTED_LEN	112

/* Hash Protocol Bitmask values (MS-SSTP 2.2.7). */
enum sstp_hash {
	SSTP_HASH_NONE = 0,
	SSTP_HASH_SHA1 = 0x01,
	SSTP_HASH_SHA256 = 0x02
};

/*
 * sstp_bind_hlak - Higher-Layer Authentication Key, client view
 * (PROTOCOL.md 4.1).
 * @send, @send_len: client MPPE send key (MS-CHAPv2: MasterSendKey, 16 bytes),
 *   or the first bytes of an MSK when send_len >= 32 (EAP-TLS/PEAP).
 * @recv, @recv_len: client MPPE receive key (16 bytes) or NULL/0.
 * @hlak (OUT, 32 bytes):
 *   no keys (send_len == 0)  -> 32 x 00 (PAP, CHAP-MD5, no keys);
 *   send_len >= 32           -> send[0..31];
 *   otherwise                -> send | recv, zero-filled to 32 bytes.
 * Returns 0, or -EINVAL when a length is larger than 64.
 */
int	sstp_bind_hlak(const uint8_t *send, size_t send_len, const uint8_t *recv,
	    size_t recv_len, uint8_t hlak[SSTP_HLAK_LEN]);

/*
 * sstp_bind_cmk - CMK = HMAC-H(HLAK, "SSTP inner method derived CMK" |
 * LEN16LE | 01).
 * Returns the CMK length (20 for SHA1, 32 for SHA256) or -EINVAL.
 */
int	sstp_bind_cmk(enum sstp_hash, const uint8_t hlak[SSTP_HLAK_LEN],
	    uint8_t cmk[SSTP_CMK_MAX]);

/*
 * sstp_bind_connected - build the 112-byte Call Connected message
 * (MS-SSTP 2.2.7/2.2.11) with the Compound MAC filled in.
 * @hash: exactly one of SSTP_HASH_SHA1 / SSTP_HASH_SHA256 (the chosen one).
 * @nonce (IN, 32): from the Call Connect Ack.
 * @cert_hash (IN, 20 or 32 by @hash): hash of the server leaf certificate DER.
 * @hlak (IN, 32).
 * @out (OUT, 112).
 * Returns 0 or -EINVAL.  Intermediate CMK is zeroized.
 */
int	sstp_bind_connected(enum sstp_hash, const uint8_t nonce[SSTP_NONCE_LEN],
	    const uint8_t *cert_hash, const uint8_t hlak[SSTP_HLAK_LEN],
	    uint8_t out[SSTP_CONNECTED_LEN]);

/*
 * sstp_bind_verify - server-side check used by tests and the fuzzers: does
 * the 112-byte message carry the right nonce, cert hash, hash protocol and
 * Compound MAC for this HLAK?  Constant-time MAC compare.  Returns 0 or
 * -EBADMSG.
 */
int	sstp_bind_verify(const uint8_t msg[SSTP_CONNECTED_LEN],
	    const uint8_t nonce[SSTP_NONCE_LEN], const uint8_t *cert_hash,
	    enum sstp_hash, const uint8_t hlak[SSTP_HLAK_LEN]);

#endif /* SSTPC_SSTP_BIND_H */
