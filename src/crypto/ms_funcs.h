/*
 * ms_funcs.h - MS-CHAPv2 (RFC 2759) and MPPE key derivation (RFC 3078,
 * RFC 3079), one function per pseudo-code routine of the RFCs, prefixed ms_.
 *
 * Pure functions: no I/O, no globals, no allocation.  Every buffer size below
 * is in octets.  Functions returning int give 0 or a negative errno and leave
 * their outputs zeroized on failure; temporaries are wiped on every path.
 * Passwords are NUL-terminated UTF-8 strings; user names are NUL-terminated
 * byte strings (ASCII in practice) sent as they are.
 */
#ifndef SSTPC_MS_FUNCS_H
#define SSTPC_MS_FUNCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MS_CHALLENGE_LEN	16	/* Authenticator and Peer Challenge */
#define MS_CHALLENGE_HASH_LEN	8
#define MS_PW_HASH_LEN		16	/* PasswordHash, PasswordHashHash */
#define MS_NT_RESPONSE_LEN	24
#define MS_AUTH_RESPONSE_LEN	42	/* "S=" + 40 hex digits, no NUL */
#define MS_MASTER_KEY_LEN	16
#define MS_MPPE_KEY_MAX		16	/* 128-bit keys; 40/56-bit use 8 */
#define MS_PASSWORD_MAX		256	/* UTF-16 code units (RFC 2759 4) */

/* MPPE key strengths (RFC 3079 3.1, 3.2, 3.3). */
enum ms_mppe_bits {
	MS_MPPE_40 = 40,
	MS_MPPE_56 = 56,
	MS_MPPE_128 = 128
};

/*
 * ms_nt_password_hash - NtPasswordHash() (RFC 2759 8.3): MD4 of the password
 * in UTF-16LE.
 * @password (IN): NUL-terminated UTF-8; code points above U+FFFF become
 *   surrogate pairs.  At most 256 UTF-16 code units (RFC 2759 section 4).
 * @hash (OUT, 16): PasswordHash.
 * Returns 0, -EINVAL (NULL or invalid UTF-8: overlong forms, surrogate code
 * points, values above U+10FFFF, truncated sequences) or -E2BIG (too long).
 */
int	ms_nt_password_hash(const char *password,
	    uint8_t hash[MS_PW_HASH_LEN]);

/*
 * ms_hash_nt_password_hash - HashNtPasswordHash() (RFC 2759 8.4).
 * @hash (IN, 16): PasswordHash.  @hash_hash (OUT, 16): MD4(PasswordHash).
 */
void	ms_hash_nt_password_hash(const uint8_t hash[MS_PW_HASH_LEN],
	    uint8_t hash_hash[MS_PW_HASH_LEN]);

/*
 * ms_challenge_hash - ChallengeHash() (RFC 2759 8.2):
 * SHA1(PeerChallenge | AuthenticatorChallenge | UserName)[0..7].
 * @peer_challenge (IN, 16), @auth_challenge (IN, 16).
 * @username (IN): NUL-terminated; everything up to and including the last
 *   backslash ("DOMAIN\user") is left out, as section 8.2 requires.
 * @challenge (OUT, 8).
 * Returns 0, -EINVAL or -EIO.
 */
int	ms_challenge_hash(const uint8_t peer_challenge[MS_CHALLENGE_LEN],
	    const uint8_t auth_challenge[MS_CHALLENGE_LEN],
	    const char *username, uint8_t challenge[MS_CHALLENGE_HASH_LEN]);

/*
 * ms_challenge_response - ChallengeResponse() (RFC 2759 8.5): DesEncrypt()
 * (8.6) of the challenge under the three 7-octet thirds of
 * PasswordHash | 5 x 00.
 * @challenge (IN, 8), @hash (IN, 16): PasswordHash, @response (OUT, 24).
 */
void	ms_challenge_response(const uint8_t challenge[MS_CHALLENGE_HASH_LEN],
	    const uint8_t hash[MS_PW_HASH_LEN],
	    uint8_t response[MS_NT_RESPONSE_LEN]);

/*
 * ms_generate_nt_response - GenerateNTResponse() (RFC 2759 8.1).
 * @auth_challenge (IN, 16), @peer_challenge (IN, 16), @username (IN, see
 * ms_challenge_hash), @password (IN, UTF-8), @response (OUT, 24).
 * Returns 0 or a negative errno of ms_nt_password_hash/ms_challenge_hash.
 */
int	ms_generate_nt_response(const uint8_t auth_challenge[MS_CHALLENGE_LEN],
	    const uint8_t peer_challenge[MS_CHALLENGE_LEN],
	    const char *username, const char *password,
	    uint8_t response[MS_NT_RESPONSE_LEN]);

/*
 * ms_generate_authenticator_response - GenerateAuthenticatorResponse()
 * (RFC 2759 8.7): "S=" followed by 40 upper-case hex digits of
 * SHA1(SHA1(PasswordHashHash | NT-Response | Magic1) | ChallengeHash | Magic2).
 * @password (IN, UTF-8), @nt_response (IN, 24), @peer_challenge (IN, 16),
 * @auth_challenge (IN, 16), @username (IN),
 * @out (OUT, 43): the 42 characters and a terminating NUL.
 * Returns 0 or a negative errno.
 */
int	ms_generate_authenticator_response(const char *password,
	    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
	    const uint8_t peer_challenge[MS_CHALLENGE_LEN],
	    const uint8_t auth_challenge[MS_CHALLENGE_LEN],
	    const char *username, char out[MS_AUTH_RESPONSE_LEN + 1]);
/* The same from PasswordHash (IN, 16) instead of the password. */
int	ms_generate_authenticator_response_pwhash(
	    const uint8_t hash[MS_PW_HASH_LEN],
	    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
	    const uint8_t peer_challenge[MS_CHALLENGE_LEN],
	    const uint8_t auth_challenge[MS_CHALLENGE_LEN],
	    const char *username, char out[MS_AUTH_RESPONSE_LEN + 1]);

/*
 * ms_check_authenticator_response - CheckAuthenticatorResponse()
 * (RFC 2759 8.8) on the Message of a Success packet (section 5).
 * @msg, @msg_len (IN, untrusted): must start with "S=" and 40 hex digits
 *   (either case); it may end there or continue with a space (" M=...").
 * Other arguments as ms_generate_authenticator_response().
 * Returns true only if the response is well formed and matches; the digest
 * is compared in constant time.  Anything malformed gives false.
 */
bool	ms_check_authenticator_response(const char *password,
	    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
	    const uint8_t peer_challenge[MS_CHALLENGE_LEN],
	    const uint8_t auth_challenge[MS_CHALLENGE_LEN],
	    const char *username, const uint8_t *msg, size_t msg_len);
/* The same from PasswordHash (IN, 16) instead of the password. */
bool	ms_check_authenticator_response_pwhash(
	    const uint8_t hash[MS_PW_HASH_LEN],
	    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
	    const uint8_t peer_challenge[MS_CHALLENGE_LEN],
	    const uint8_t auth_challenge[MS_CHALLENGE_LEN],
	    const char *username, const uint8_t *msg, size_t msg_len);

/*
 * ms_get_master_key - GetMasterKey() (RFC 3079 3.4):
 * SHA1(PasswordHashHash | NT-Response | Magic1)[0..15],
 * Magic1 = "This is the MPPE Master Key".
 * @hash_hash (IN, 16), @nt_response (IN, 24), @master_key (OUT, 16).
 * Returns 0 or -EIO.
 */
int	ms_get_master_key(const uint8_t hash_hash[MS_PW_HASH_LEN],
	    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
	    uint8_t master_key[MS_MASTER_KEY_LEN]);

/*
 * ms_get_asymmetric_start_key - GetAsymetricStartKey() (RFC 3079 3.4):
 * SHA1(MasterKey | SHSpad1 | Magic | SHSpad2)[0..len-1], Magic2 for the
 * client's send / server's receive key, Magic3 otherwise.
 * @master_key (IN, 16), @key (OUT, @len), @len: 8 (40/56-bit) or 16.
 * Returns 0, -EINVAL (bad len) or -EIO.
 */
int	ms_get_asymmetric_start_key(const uint8_t master_key[MS_MASTER_KEY_LEN],
	    uint8_t *key, size_t len, bool is_send, bool is_server);

/*
 * ms_chapv2_client_keys - the client's MasterSendKey and MasterReceiveKey
 * (RFC 3079 3.3, 3.4; 16 octets each) from the password and the NT-Response
 * the client sent.  These are the keys of the SSTP HLAK (MS-SSTP 3.2.5.2.2).
 * @password (IN, UTF-8), @nt_response (IN, 24),
 * @send_key (OUT, 16), @recv_key (OUT, 16).
 * Returns 0 or a negative errno.
 */
int	ms_chapv2_client_keys(const char *password,
	    const uint8_t nt_response[MS_NT_RESPONSE_LEN],
	    uint8_t send_key[MS_MPPE_KEY_MAX],
	    uint8_t recv_key[MS_MPPE_KEY_MAX]);

/*
 * ms_get_new_key_from_sha - GetNewKeyFromSHA() (RFC 3078 section 7, used by
 * RFC 3079 3.1-3.3): SHA1(StartKey[0..len-1] | SHApad1 |
 * SessionKey[0..len-1] | SHApad2)[0..len-1].
 * @start_key (IN, @len), @session_key (IN, @len), @interim_key (OUT, @len);
 * @len is 8 or 16.  interim_key may alias session_key.
 * Returns 0, -EINVAL or -EIO.
 */
int	ms_get_new_key_from_sha(const uint8_t *start_key,
	    const uint8_t *session_key, size_t len, uint8_t *interim_key);

/* Session key length for a strength: 8 for 40/56-bit, 16 for 128, else 0. */
size_t	ms_mppe_key_len(enum ms_mppe_bits bits);

/*
 * ms_mppe_initial_key - initial MPPE session key (RFC 3079 3.1, 3.2, 3.3):
 * GetNewKeyFromSHA(StartKey, StartKey), then for 40-bit the first three
 * octets become D1 26 9E, for 56-bit the first octet becomes D1.
 * @start_key (IN, ms_mppe_key_len(bits)): the master send or receive key
 *   (its first 8 octets for 40/56-bit).
 * @session_key (OUT, ms_mppe_key_len(bits)).
 * Returns 0, -EINVAL or -EIO.
 */
int	ms_mppe_initial_key(const uint8_t *start_key, enum ms_mppe_bits bits,
	    uint8_t *session_key);

/*
 * ms_mppe_change_key - MPPE key change (RFC 3078 section 7, RFC 3079 3.x):
 * Interim = GetNewKeyFromSHA(StartKey, SessionKey); SessionKey = RC4 of
 * Interim under the key Interim; then the 40/56-bit salt again.
 * @start_key (IN, ms_mppe_key_len(bits)),
 * @session_key (IN/OUT, ms_mppe_key_len(bits)): current, then new key.
 * Returns 0, -EINVAL or -EIO.
 */
int	ms_mppe_change_key(const uint8_t *start_key, enum ms_mppe_bits bits,
	    uint8_t *session_key);

#endif /* SSTPC_MS_FUNCS_H */
