/*
 * test_sstp_bind.c - known answers for the SSTP crypto binding
 * (MS-SSTP 4.7 and the vectors of PROTOCOL.md 4.4), plus the HLAK rules and
 * the verifier's rejection of every tampered field.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/ms_funcs.h"
#include "crypto/sstp_bind.h"
#include "harness.h"

/* MS-SSTP 4.7 (SHA-256), published message; HLAK from PROTOCOL.md 4.4. */
static const char spec_hlak[] =
    "2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4"
    "8F D3 FA C4 1D 7A 13 15 A1 92 28 D9 02 4C A1 64";
static const char spec_ack[] =
    "10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02"
    "41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72"
    "B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35";
static const char spec_cert[] =
    "79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84"
    "B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D";
static const char spec_connected[] =
    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02"
    "41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72"
    "B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35"
    "79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84"
    "B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D"
    "52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71"
    "65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49";
static const char spec_cmk[] =
    "EC F5 9A C9 FE 15 5C F0 A9 E7 D6 6A DC 1B 36 3C"
    "1A D7 BA 91 A9 21 7F 0C EC 2A 53 42 98 82 8D F6";

/* SHA-1 layout vector from the same public test file (PROTOCOL.md 4.4). */
static const char sha1_hlak[] =
    "4B 31 28 F4 39 25 D9 00 6E EF B1 C4 E8 65 15 A1"
    "D8 8E 56 BA B3 CA 2B DF 03 73 B7 F5 A8 A1 3B 19";
static const char sha1_connected[] =
    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 01"
    "0F 1A 2D 58 D4 A3 E3 00 0F AD 3C E4 90 6E 07 B7"
    "07 AA 9E 44 1C CE AC 5C BD 7B 2C C1 C9 D8 6C DF"
    "58 26 B6 29 BD A5 9B 8E 6F D8 DC D2 62 2F D3 4C"
    "53 48 05 A5 00 00 00 00 00 00 00 00 00 00 00 00"
    "69 91 5D D5 83 D8 06 2F EF 16 F6 1D B2 F0 32 90"
    "EC 27 CB 6C 00 00 00 00 00 00 00 00 00 00 00 00";
static const char sha1_cmk[] =
    "A9 8B 86 2A 38 CC 7E 22 4B 42 CD 12 85 86 AC B2 2F 0B D1 E9";

/* Self-computed end-to-end vectors tied to RFC 2759/3079 (PROTOCOL.md 4.4). */
static const char e2e_hlak[] =
    "D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26"
    "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB";
static const char e2e_cert1[] =
    "97 01 39 7C BC B0 F2 86 0E 64 DB F0 44 B2 91 BF E8 D5 DC F8";
static const char e2e_cert256[] =
    "82 6F A5 D7 EE 2F C9 6E EA AB 58 B3 3B D3 F4 83"
    "C3 F7 C1 FE CC 2B BF 82 E4 28 FA 80 59 50 00 81";
static const char e2e_cmk256[] =
    "15 07 07 E6 82 B1 6F 4C A9 43 05 60 C5 62 89 4A"
    "FD 10 05 0D B4 18 2D 35 C3 E9 E0 62 84 44 52 71";
static const char e2e_cmac256[] =
    "E3 F4 23 E1 28 E8 13 92 4C B8 E1 75 E2 F1 49 F7"
    "0B DC 4B 7D 8B 94 DE EA 11 FB 03 38 1D F9 59 A9";
static const char e2e_cmk1[] =
    "3A FB FF 0B A7 9D D9 74 3B D0 99 49 FA 99 F9 D0 C9 2D 36 98";
static const char e2e_cmac1[] =
    "E1 20 9E F0 4C DE 93 BD CC 5F 94 9F 03 E3 1A CB 00 C5 35 14";
static const char zero_cmk256[] =
    "D3 42 EB 00 47 7D 6A 37 E1 A1 84 FB 01 68 CB 3E"
    "A3 B6 64 5F A0 F2 27 90 4D 20 EE F5 CB 8F 93 27";
static const char zero_cmac256[] =
    "71 D0 19 DC BD 38 85 D0 50 1C C5 B2 07 BD 2A 11"
    "B6 15 82 6C 03 9B C0 59 A6 6E 28 24 D9 21 C1 B5";
static const char zero_cmk1[] =
    "AE 57 1E DE 1E 11 EF B7 BB 85 B8 B4 F0 7E 15 F0 E0 86 76 1A";
static const char zero_cmac1[] =
    "65 C1 00 51 48 B7 8F 7B 84 37 DC 66 AE 67 23 CF 40 9F 04 8B";

/* RFC 2759 9.2 credentials. */
static const char rfc_nt_response[] =
    "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54"
    "42 33 11 4A 3D 85 D6 DF";

static const char cmk_seed[] =
    "53 53 54 50 20 69 6E 6E 65 72 20 6D 65 74 68 6F"
    "64 20 64 65 72 69 76 65 64 20 43 4D 4B";

/* Check that msg verifies, and that each single tampering is refused. */
static void
check_verify(const uint8_t msg[SSTP_CONNECTED_LEN], const uint8_t *nonce,
    const uint8_t *cert, enum sstp_hash hash, const uint8_t *hlak)
{
	uint8_t m[SSTP_CONNECTED_LEN], n2[SSTP_NONCE_LEN], c2[32], k2[32];
	size_t hl = hash == SSTP_HASH_SHA1 ? 20 : 32;
	enum sstp_hash other = hash == SSTP_HASH_SHA1 ? SSTP_HASH_SHA256 :
	    SSTP_HASH_SHA1;
	size_t i;

	ASSERT_INT_EQ(sstp_bind_verify(msg, nonce, cert, hash, hlak), 0);

	/* A flipped bit anywhere in the authenticated part is refused. */
	for (i = 0; i < 80; i++) {
		memcpy(m, msg, sizeof m);
		m[i] ^= 0x01;
		ASSERT_INT_EQ(sstp_bind_verify(m, nonce, cert, hash, hlak),
		    -EBADMSG);
	}
	/* Flipped nonce byte, cert hash byte, MAC byte (first and last). */
	memcpy(m, msg, sizeof m);
	m[16 + 31] ^= 0x80;
	ASSERT_INT_EQ(sstp_bind_verify(m, nonce, cert, hash, hlak), -EBADMSG);
	memcpy(m, msg, sizeof m);
	m[48] ^= 0x80;
	ASSERT_INT_EQ(sstp_bind_verify(m, nonce, cert, hash, hlak), -EBADMSG);
	memcpy(m, msg, sizeof m);
	m[80] ^= 0x01;
	ASSERT_INT_EQ(sstp_bind_verify(m, nonce, cert, hash, hlak), -EBADMSG);
	memcpy(m, msg, sizeof m);
	m[80 + hl - 1] ^= 0x01;
	ASSERT_INT_EQ(sstp_bind_verify(m, nonce, cert, hash, hlak), -EBADMSG);

	/* Wrong hash protocol: in the message, or expected by the caller. */
	memcpy(m, msg, sizeof m);
	m[15] = 0x03;
	ASSERT_INT_EQ(sstp_bind_verify(m, nonce, cert, hash, hlak), -EBADMSG);
	memcpy(m, msg, sizeof m);
	m[15] = (uint8_t)other;
	ASSERT_INT_EQ(sstp_bind_verify(m, nonce, cert, hash, hlak), -EBADMSG);
	ASSERT_INT_EQ(sstp_bind_verify(msg, nonce, cert, other, hlak),
	    -EBADMSG);
	ASSERT_INT_EQ(sstp_bind_verify(msg, nonce, cert, SSTP_HASH_NONE,
	    hlak), -EINVAL);

	/* Wrong expectations on the server side. */
	memcpy(n2, nonce, sizeof n2);
	n2[0] ^= 0x01;
	ASSERT_INT_EQ(sstp_bind_verify(msg, n2, cert, hash, hlak), -EBADMSG);
	memcpy(c2, cert, hl);
	c2[hl - 1] ^= 0x01;
	ASSERT_INT_EQ(sstp_bind_verify(msg, nonce, c2, hash, hlak), -EBADMSG);
	memcpy(k2, hlak, sizeof k2);
	k2[31] ^= 0x01;
	ASSERT_INT_EQ(sstp_bind_verify(msg, nonce, cert, hash, k2), -EBADMSG);
}

/* Build a Call Connected and compare it, CMK and MAC with the vector. */
static void
check_vector(enum sstp_hash hash, const char *hlak_hex, const uint8_t *nonce,
    const uint8_t *cert, const char *cmk_hex, const uint8_t *expect)
{
	uint8_t hlak[SSTP_HLAK_LEN], cmk[SSTP_CMK_MAX], want_cmk[SSTP_CMK_MAX];
	uint8_t out[SSTP_CONNECTED_LEN];
	size_t hl = hash == SSTP_HASH_SHA1 ? 20 : 32;

	ASSERT_INT_EQ(th_unhex(hlak_hex, hlak, sizeof hlak), 32);
	ASSERT_INT_EQ(th_unhex(cmk_hex, want_cmk, sizeof want_cmk), hl);
	ASSERT_INT_EQ(sstp_bind_cmk(hash, hlak, cmk), (int)hl);
	ASSERT_MEM_EQ(cmk, want_cmk, hl);
	ASSERT_INT_EQ(sstp_bind_connected(hash, nonce, cert, hlak, out), 0);
	ASSERT_MEM_EQ(out, expect, SSTP_CONNECTED_LEN);
	check_verify(out, nonce, cert, hash, hlak);
}

/* Expected message from its parts: the layout of PROTOCOL.md 2.5. */
static void
make_expect(enum sstp_hash hash, const uint8_t *nonce, const uint8_t *cert,
    const char *cmac_hex, uint8_t out[SSTP_CONNECTED_LEN])
{
	size_t hl = hash == SSTP_HASH_SHA1 ? 20 : 32;

	memset(out, 0, SSTP_CONNECTED_LEN);
	th_unhex("10 01 00 70 00 04 00 01 00 03 00 68 00 00 00", out, 15);
	out[15] = (uint8_t)hash;
	memcpy(out + 16, nonce, 32);
	memcpy(out + 48, cert, hl);
	ASSERT_INT_EQ(th_unhex(cmac_hex, out + 80, 32), hl);
}

static void
test_spec_sha256(void)
{
	uint8_t ack[48], cert[32], expect[SSTP_CONNECTED_LEN];

	TEST_START("MS-SSTP 4.7 published SHA-256 Call Connected");
	ASSERT_INT_EQ(th_unhex(spec_ack, ack, sizeof ack), 48);
	ASSERT_INT_EQ(th_unhex(spec_cert, cert, sizeof cert), 32);
	ASSERT_INT_EQ(th_unhex(spec_connected, expect, sizeof expect), 112);
	check_vector(SSTP_HASH_SHA256, spec_hlak, ack + 16, cert, spec_cmk,
	    expect);
	TEST_DONE();
}

static void
test_spec_sha1(void)
{
	uint8_t expect[SSTP_CONNECTED_LEN];

	TEST_START("SHA-1 Call Connected vector");
	ASSERT_INT_EQ(th_unhex(sha1_connected, expect, sizeof expect), 112);
	check_vector(SSTP_HASH_SHA1, sha1_hlak, expect + 16, expect + 48,
	    sha1_cmk, expect);
	TEST_DONE();
}

/* Nonce 00 01 .. 1F and the two certificate hashes of the e2e vectors. */
static void
e2e_inputs(uint8_t nonce[32], uint8_t cert1[20], uint8_t cert256[32])
{
	static const char cert[] = "not-a-real-certificate";
	uint8_t want[32];
	size_t i;

	for (i = 0; i < 32; i++)
		nonce[i] = (uint8_t)i;
	ASSERT_INT_EQ(crypto_sha1(cert, strlen(cert), cert1), 0);
	ASSERT_INT_EQ(th_unhex(e2e_cert1, want, sizeof want), 20);
	ASSERT_MEM_EQ(cert1, want, 20);
	ASSERT_INT_EQ(crypto_sha256(cert, strlen(cert), cert256), 0);
	ASSERT_INT_EQ(th_unhex(e2e_cert256, want, sizeof want), 32);
	ASSERT_MEM_EQ(cert256, want, 32);
}

static void
test_e2e(void)
{
	uint8_t nonce[32], cert1[20], cert256[32], expect[SSTP_CONNECTED_LEN];

	TEST_START("end-to-end SHA-256 and SHA-1 from the RFC 2759 keys");
	e2e_inputs(nonce, cert1, cert256);
	make_expect(SSTP_HASH_SHA256, nonce, cert256, e2e_cmac256, expect);
	check_vector(SSTP_HASH_SHA256, e2e_hlak, nonce, cert256, e2e_cmk256,
	    expect);
	make_expect(SSTP_HASH_SHA1, nonce, cert1, e2e_cmac1, expect);
	check_vector(SSTP_HASH_SHA1, e2e_hlak, nonce, cert1, e2e_cmk1,
	    expect);
	TEST_DONE();
}

static void
test_zero_hlak(void)
{
	static const char zeros[] =
	    "00000000000000000000000000000000"
	    "00000000000000000000000000000000";
	uint8_t nonce[32], cert1[20], cert256[32], expect[SSTP_CONNECTED_LEN];

	TEST_START("zero HLAK (PAP) vectors");
	e2e_inputs(nonce, cert1, cert256);
	make_expect(SSTP_HASH_SHA256, nonce, cert256, zero_cmac256, expect);
	check_vector(SSTP_HASH_SHA256, zeros, nonce, cert256, zero_cmk256,
	    expect);
	make_expect(SSTP_HASH_SHA1, nonce, cert1, zero_cmac1, expect);
	check_vector(SSTP_HASH_SHA1, zeros, nonce, cert1, zero_cmk1, expect);
	TEST_DONE();
}

static void
test_cmk_seed(void)
{
	uint8_t seed[32], hlak[32], cmk[SSTP_CMK_MAX], want[32];

	TEST_START("CMK = HMAC(HLAK, label | LEN16LE | 01)");
	ASSERT_INT_EQ(th_unhex(spec_hlak, hlak, sizeof hlak), 32);
	ASSERT_INT_EQ(th_unhex(cmk_seed, seed, sizeof seed), 29);
	/* SHA-256: LEN = 20 00 */
	seed[29] = 0x20;
	seed[30] = 0x00;
	seed[31] = 0x01;
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA256, hlak, 32, seed, 32, want),
	    0);
	ASSERT_INT_EQ(sstp_bind_cmk(SSTP_HASH_SHA256, hlak, cmk), 32);
	ASSERT_MEM_EQ(cmk, want, 32);
	/* SHA-1: LEN = 14 00 */
	seed[29] = 0x14;
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA1, hlak, 32, seed, 32, want),
	    0);
	ASSERT_INT_EQ(sstp_bind_cmk(SSTP_HASH_SHA1, hlak, cmk), 20);
	ASSERT_MEM_EQ(cmk, want, 20);
	/* Invalid hash selections leave a zeroed CMK. */
	memset(cmk, 0xAA, sizeof cmk);
	ASSERT_INT_EQ(sstp_bind_cmk(SSTP_HASH_NONE, hlak, cmk), -EINVAL);
	memset(want, 0, sizeof want);
	ASSERT_MEM_EQ(cmk, want, 32);
	ASSERT_INT_EQ(sstp_bind_cmk(SSTP_HASH_SHA1 | SSTP_HASH_SHA256, hlak,
	    cmk), -EINVAL);
	ASSERT_INT_EQ(sstp_bind_cmk((enum sstp_hash)4, hlak, cmk), -EINVAL);
	TEST_DONE();
}

static void
test_hlak_rules(void)
{
	uint8_t send[64], recv[64], hlak[32], want[32];
	size_t i;

	TEST_START("HLAK rules");
	for (i = 0; i < sizeof send; i++) {
		send[i] = (uint8_t)(0x10 + i);
		recv[i] = (uint8_t)(0xA0 + i);
	}
	/* No keys: 32 zero bytes, even if stale recv bytes are passed. */
	memset(hlak, 0x55, sizeof hlak);
	memset(want, 0, sizeof want);
	ASSERT_INT_EQ(sstp_bind_hlak(NULL, 0, NULL, 0, hlak), 0);
	ASSERT_MEM_EQ(hlak, want, 32);
	ASSERT_INT_EQ(sstp_bind_hlak(NULL, 0, recv, 16, hlak), 0);
	ASSERT_MEM_EQ(hlak, want, 32);
	/* MS-CHAPv2: send(16) | recv(16). */
	memcpy(want, send, 16);
	memcpy(want + 16, recv, 16);
	ASSERT_INT_EQ(sstp_bind_hlak(send, 16, recv, 16, hlak), 0);
	ASSERT_MEM_EQ(hlak, want, 32);
	/* Only a send key: zero-filled. */
	memset(want, 0, sizeof want);
	memcpy(want, send, 16);
	ASSERT_INT_EQ(sstp_bind_hlak(send, 16, NULL, 0, hlak), 0);
	ASSERT_MEM_EQ(hlak, want, 32);
	/* Short pair: 8 + 8 then zeros. */
	memset(want, 0, sizeof want);
	memcpy(want, send, 8);
	memcpy(want + 8, recv, 8);
	ASSERT_INT_EQ(sstp_bind_hlak(send, 8, recv, 8, hlak), 0);
	ASSERT_MEM_EQ(hlak, want, 32);
	/* send 20 + recv 16: recv truncated to what fits. */
	memcpy(want, send, 20);
	memcpy(want + 20, recv, 12);
	ASSERT_INT_EQ(sstp_bind_hlak(send, 20, recv, 16, hlak), 0);
	ASSERT_MEM_EQ(hlak, want, 32);
	/* MSK of 32 and 64 bytes: its first 32, recv ignored. */
	ASSERT_INT_EQ(sstp_bind_hlak(send, 32, recv, 16, hlak), 0);
	ASSERT_MEM_EQ(hlak, send, 32);
	ASSERT_INT_EQ(sstp_bind_hlak(send, 64, NULL, 0, hlak), 0);
	ASSERT_MEM_EQ(hlak, send, 32);
	/* Bad lengths and pointers. */
	memset(want, 0, sizeof want);
	ASSERT_INT_EQ(sstp_bind_hlak(send, 65, NULL, 0, hlak), -EINVAL);
	ASSERT_MEM_EQ(hlak, want, 32);
	ASSERT_INT_EQ(sstp_bind_hlak(send, 16, recv, 65, hlak), -EINVAL);
	ASSERT_INT_EQ(sstp_bind_hlak(NULL, 16, recv, 16, hlak), -EINVAL);
	ASSERT_INT_EQ(sstp_bind_hlak(send, 16, NULL, 16, hlak), -EINVAL);
	ASSERT_INT_EQ(sstp_bind_hlak(send, 16, recv, 16, NULL), -EINVAL);
	TEST_DONE();
}

static void
test_hlak_from_ms_funcs(void)
{
	uint8_t nt_resp[24], snd[16], rcv[16], hlak[32], want[32];

	TEST_START("HLAK from ms_chapv2_client_keys (RFC 2759 credentials)");
	ASSERT_INT_EQ(th_unhex(rfc_nt_response, nt_resp, sizeof nt_resp), 24);
	ASSERT_INT_EQ(th_unhex(e2e_hlak, want, sizeof want), 32);
	ASSERT_INT_EQ(ms_chapv2_client_keys("clientPass", nt_resp, snd, rcv),
	    0);
	ASSERT_INT_EQ(sstp_bind_hlak(snd, sizeof snd, rcv, sizeof rcv, hlak),
	    0);
	ASSERT_MEM_EQ(hlak, want, 32);
	TEST_DONE();
}

static void
test_bad_args(void)
{
	uint8_t nonce[32], cert[32], hlak[32], out[SSTP_CONNECTED_LEN];
	uint8_t zero[SSTP_CONNECTED_LEN];

	TEST_START("Call Connected argument checks");
	memset(nonce, 1, sizeof nonce);
	memset(cert, 2, sizeof cert);
	memset(hlak, 3, sizeof hlak);
	memset(zero, 0, sizeof zero);
	memset(out, 0xEE, sizeof out);
	ASSERT_INT_EQ(sstp_bind_connected(SSTP_HASH_NONE, nonce, cert, hlak,
	    out), -EINVAL);
	ASSERT_MEM_EQ(out, zero, sizeof zero);
	ASSERT_INT_EQ(sstp_bind_connected(SSTP_HASH_SHA1 | SSTP_HASH_SHA256,
	    nonce, cert, hlak, out), -EINVAL);
	ASSERT_INT_EQ(sstp_bind_connected(SSTP_HASH_SHA256, NULL, cert, hlak,
	    out), -EINVAL);
	ASSERT_INT_EQ(sstp_bind_connected(SSTP_HASH_SHA256, nonce, NULL, hlak,
	    out), -EINVAL);
	ASSERT_INT_EQ(sstp_bind_connected(SSTP_HASH_SHA256, nonce, cert, NULL,
	    out), -EINVAL);
	ASSERT_MEM_EQ(out, zero, sizeof zero);
	/* SHA-1 leaves both paddings zero whatever follows the cert hash. */
	ASSERT_INT_EQ(sstp_bind_connected(SSTP_HASH_SHA1, nonce, cert, hlak,
	    out), 0);
	ASSERT_MEM_EQ(out + 68, zero, 12);
	ASSERT_MEM_EQ(out + 100, zero, 12);
	ASSERT_INT_EQ(sstp_bind_verify(out, nonce, cert, SSTP_HASH_SHA1, hlak),
	    0);
	TEST_DONE();
}

int
main(void)
{
	test_spec_sha256();
	test_spec_sha1();
	test_e2e();
	test_zero_hlak();
	test_cmk_seed();
	test_hlak_rules();
	test_hlak_from_ms_funcs();
	test_bad_args();
	return test_exit();
}
