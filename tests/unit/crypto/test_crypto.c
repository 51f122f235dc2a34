/*
 * test_crypto.c - known answers for crypto.c (SHA-1/256, MD5, HMAC) and the
 * project's MD4, DES and RC4 (legacy_crypto.h), from the published vectors:
 * RFC 1320 A.5, FIPS 180 / RFC 1321 examples, RFC 2202, RFC 4231,
 * NBS/SP 800-17 DES tables and RFC 6229.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/legacy_crypto.h"
#include "harness.h"

/* Compare a computed buffer with a hex string of exactly n bytes. */
#define ASSERT_HEX(buf, hex, n) do {					\
	uint8_t th_want[512];						\
	ASSERT_INT_EQ(th_unhex((hex), th_want, sizeof th_want), (n));	\
	ASSERT_MEM_EQ((buf), th_want, (n));				\
} while (0)

static const char abc448[] =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

static void
test_md4_rfc1320(void)
{
	/* RFC 1320 A.5 test suite. */
	static const struct {
		const char *in;
		const char *md;
	} v[] = {
		{ "", "31d6cfe0d16ae931b73c59d7e0c089c0" },
		{ "a", "bde52cb31de33e46245e05fbdbd6fb24" },
		{ "abc", "a448017aaf21d8525fc10ae87aa6729d" },
		{ "message digest", "d9130a8164549fe818874806e1c7014b" },
		{ "abcdefghijklmnopqrstuvwxyz",
		    "d79e1c308aa5bbcdeea8ed63df412da9" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789", "043f8582f241db351ce627e153e7f0e4" },
		{ "1234567890123456789012345678901234567890"
		    "1234567890123456789012345678901234567890",
		    "e33b4ddc9c38f2199c3e7b164fcc0536" },
	};
	static const struct {
		size_t n;
		const char *md;
	} pad[] = {
		{ 55, "c889c81dd86c4d2e025778944ea02881" },
		{ 56, "d5f9a9e9257077a5f08b0b92f348b0ad" },
		{ 63, "7ea3da77432d44c323671097d1348fc8" },
		{ 64, "52f5076fabd22680234a3fa9f9dc5732" },
		{ 119, "e65dd227ccef97fa1d34d70189120f76" },
		{ 120, "b03ddbd470b47c013e0c7ab2ddd763db" },
	};
	uint8_t md[MD4_DIGEST_LEN], md2[MD4_DIGEST_LEN], buf[120];
	struct md4_ctx ctx;
	size_t i, j, len;

	TEST_START("MD4 RFC 1320 A.5 (all 7)");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		len = strlen(v[i].in);
		md4_digest(v[i].in, len, md);
		ASSERT_HEX(md, v[i].md, MD4_DIGEST_LEN);
		/* Byte-at-a-time must give the same digest. */
		md4_init(&ctx);
		for (j = 0; j < len; j++)
			md4_update(&ctx, v[i].in + j, 1);
		md4_final(&ctx, md2);
		ASSERT_MEM_EQ(md2, md, MD4_DIGEST_LEN);
	}
	/* Every split of the 80-byte vector across block boundaries. */
	len = strlen(v[6].in);
	for (j = 0; j <= len; j++) {
		md4_init(&ctx);
		md4_update(&ctx, v[6].in, j);
		md4_update(&ctx, v[6].in + j, len - j);
		md4_final(&ctx, md2);
		ASSERT_HEX(md2, v[6].md, MD4_DIGEST_LEN);
	}
	TEST_DONE();

	TEST_START("MD4 padding boundaries");
	/* n x 'a'; values from OpenSSL's legacy-provider MD4. */
	for (i = 0; i < sizeof pad / sizeof pad[0]; i++) {
		memset(buf, 'a', pad[i].n);
		md4_digest(buf, pad[i].n, md);
		ASSERT_HEX(md, pad[i].md, MD4_DIGEST_LEN);
	}
	TEST_DONE();
}

static void
test_des(void)
{
	/* NBS SP 500-20 / SP 800-17 tables and the textbook example. */
	static const struct {
		const char *key, *pt, *ct;
	} v[] = {
		{ "133457799BBCDFF1", "0123456789ABCDEF", "85E813540F0AB405" },
		{ "0E329232EA6D0D73", "8787878787878787", "0000000000000000" },
		/* variable plaintext known answers, key 01..01 */
		{ "0101010101010101", "8000000000000000", "95F8A5E5DD31D900" },
		{ "0101010101010101", "4000000000000000", "DD7F121CA5015619" },
		{ "0101010101010101", "2000000000000000", "2E8653104F3834EA" },
		/* variable key known answers, plaintext 0 */
		{ "8001010101010101", "0000000000000000", "95A8D72813DAA94D" },
		{ "4001010101010101", "0000000000000000", "0EEC1487DD8C26D5" },
	};
	uint8_t key[8], pt[8], ct[8], k7[7], k8[8], ct2[8];
	size_t i;

	TEST_START("DES FIPS 46-3 known answers");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		th_unhex(v[i].key, key, sizeof key);
		th_unhex(v[i].pt, pt, sizeof pt);
		des_encrypt_block(key, pt, ct);
		ASSERT_HEX(ct, v[i].ct, 8);
		/* Parity bits are ignored. */
		key[0] ^= 0x01;
		key[7] ^= 0x01;
		des_encrypt_block(key, pt, ct2);
		ASSERT_MEM_EQ(ct2, ct, 8);
		/* In place. */
		des_encrypt_block(key, pt, pt);
		ASSERT_MEM_EQ(pt, ct, 8);
	}
	TEST_DONE();

	TEST_START("DES MS-CHAP 7-octet key expansion");
	/* 56 one bits: 7 ones per octet, odd parity needs bit 0 clear. */
	memset(k7, 0xff, sizeof k7);
	des_expand_key(k7, k8);
	ASSERT_HEX(k8, "FEFEFEFEFEFEFEFE", 8);
	memset(k7, 0, sizeof k7);
	des_expand_key(k7, k8);
	ASSERT_HEX(k8, "0101010101010101", 8);
	/* 0x13 34 57 79 9B BC DF F1 with parity is 133457799BBCDFF1's bits. */
	th_unhex("12 69 5B C9 B7 B7 F8", k7, sizeof k7);
	des_expand_key(k7, k8);
	ASSERT_HEX(k8, "133457799BBCDFF1", 8);
	th_unhex("0123456789ABCDEF", pt, sizeof pt);
	des_encrypt_key7(pt, k7, ct);
	ASSERT_HEX(ct, "85E813540F0AB405", 8);
	TEST_DONE();
}

/* RC4 keystream (plaintext zero) at offset off must equal hex (16 bytes). */
static void
check_rc4(const char *key_hex, size_t off, const char *hex)
{
	uint8_t key[32], zero[16], out[16];
	struct rc4_state st;
	size_t klen;

	klen = th_unhex(key_hex, key, sizeof key);
	memset(zero, 0, sizeof zero);
	ASSERT_INT_EQ(rc4_init(&st, key, klen), 0);
	rc4_skip(&st, off);
	rc4_crypt(&st, zero, out, sizeof out);
	ASSERT_HEX(out, hex, 16);
	rc4_clear(&st);
}

static void
test_rc4(void)
{
	static const char k40[] = "0102030405";
	static const char k56[] = "01020304050607";
	static const char k128[] = "0102030405060708090a0b0c0d0e0f10";
	uint8_t key[5] = { 1, 2, 3, 4, 5 }, buf[32], buf2[32];
	struct rc4_state st;
	size_t i;

	TEST_START("RC4 RFC 6229 keystreams");
	check_rc4(k40, 0, "b2396305f03dc027ccc3524a0a1118a8");
	check_rc4(k40, 16, "6982944f18fc82d589c403a47a0d0919");
	check_rc4(k40, 240, "28cb1132c96ce286421dcaadb8b69eae");
	check_rc4(k40, 256, "1cfcf62b03eddb641d77dfcf7f8d8c93");
	check_rc4(k56, 0, "293f02d47f37c9b633f2af5285feb46b");
	check_rc4(k128, 0, "9ac7cc9a609d1ef7b2932899cde41b97");
	check_rc4(k128, 16, "5248c4959014126a6e8a84f11d1a9e1c");
	check_rc4(k128, 240, "065902e4b620f6cc36c8589f66432f2b");
	check_rc4(k128, 256, "d39d566bc6bce3010768151549f3873f");
	check_rc4(k128, 4096, "a36a4c301ae8ac13610ccbc12256cacc");
	TEST_DONE();

	TEST_START("RC4 round trip, in place, bad keys");
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 7);
	ASSERT_INT_EQ(rc4_init(&st, key, sizeof key), 0);
	rc4_crypt(&st, buf, buf2, sizeof buf);
	ASSERT_INT_EQ(rc4_init(&st, key, sizeof key), 0);
	rc4_crypt(&st, buf2, buf2, sizeof buf2);
	ASSERT_MEM_EQ(buf2, buf, sizeof buf);
	ASSERT_INT_EQ(rc4_init(&st, key, 0), -EINVAL);
	ASSERT_INT_EQ(rc4_init(&st, NULL, 5), -EINVAL);
	ASSERT_INT_EQ(rc4_init(&st, key, 257), -EINVAL);
	rc4_clear(&st);
	ASSERT_INT_EQ(st.i, 0);
	ASSERT_INT_EQ(st.s[255], 0);
	TEST_DONE();
}

static void
test_digests(void)
{
	struct crypto_vec v[5];
	uint8_t md[CRYPTO_MD_MAX];

	TEST_START("SHA-1, SHA-256, MD5 published examples");
	ASSERT_INT_EQ(crypto_sha1("abc", 3, md), 0);
	ASSERT_HEX(md, "a9993e364706816aba3e25717850c26c9cd0d89d", 20);
	ASSERT_INT_EQ(crypto_sha1(abc448, strlen(abc448), md), 0);
	ASSERT_HEX(md, "84983e441c3bd26ebaae4aa1f95129e5e54670f1", 20);
	ASSERT_INT_EQ(crypto_sha256("abc", 3, md), 0);
	ASSERT_HEX(md, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad", 32);
	ASSERT_INT_EQ(crypto_sha256(abc448, strlen(abc448), md), 0);
	ASSERT_HEX(md, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1", 32);
	ASSERT_INT_EQ(crypto_md5("", 0, md), 0);
	ASSERT_HEX(md, "d41d8cd98f00b204e9800998ecf8427e", 16);
	ASSERT_INT_EQ(crypto_md5("abc", 3, md), 0);
	ASSERT_HEX(md, "900150983cd24fb0d6963f7d28e17f72", 16);
	ASSERT_INT_EQ(crypto_md5(NULL, 0, md), 0);
	ASSERT_HEX(md, "d41d8cd98f00b204e9800998ecf8427e", 16);
	TEST_DONE();

	TEST_START("multi-part digests");
	v[0].p = abc448;
	v[0].len = 10;
	v[1].p = NULL;
	v[1].len = 0;
	v[2].p = abc448 + 10;
	v[2].len = 1;
	v[3].p = abc448 + 11;
	v[3].len = strlen(abc448) - 11;
	ASSERT_INT_EQ(crypto_sha1_vec(v, 4, md), 0);
	ASSERT_HEX(md, "84983e441c3bd26ebaae4aa1f95129e5e54670f1", 20);
	ASSERT_INT_EQ(crypto_sha256_vec(v, 4, md), 0);
	ASSERT_HEX(md, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1", 32);
	ASSERT_INT_EQ(crypto_digest_vec(CRYPTO_MD_MD5, v, 0, md), 0);
	ASSERT_HEX(md, "d41d8cd98f00b204e9800998ecf8427e", 16);
	/* A piece with a length but no pointer is refused, output zeroed. */
	v[4].p = NULL;
	v[4].len = 1;
	memset(md, 0xAA, sizeof md);
	ASSERT_INT_EQ(crypto_sha256_vec(v, 5, md), -EINVAL);
	ASSERT_HEX(md, "00000000000000000000000000000000"
	    "00000000000000000000000000000000", 32);
	ASSERT_INT_EQ(crypto_digest((enum crypto_md)0, "a", 1, md), -EINVAL);
	ASSERT_INT_EQ(crypto_md_len(CRYPTO_MD_MD5), 16);
	ASSERT_INT_EQ(crypto_md_len(CRYPTO_MD_SHA1), 20);
	ASSERT_INT_EQ(crypto_md_len(CRYPTO_MD_SHA256), 32);
	ASSERT_INT_EQ(crypto_md_len((enum crypto_md)99), 0);
	TEST_DONE();
}

static void
test_hmac(void)
{
	static const char larger[] =
	    "Test Using Larger Than Block-Size Key - Hash Key First";
	uint8_t key[131], data[50], md[CRYPTO_MD_MAX];
	struct crypto_vec v[2];

	TEST_START("HMAC-SHA1 RFC 2202");
	memset(key, 0x0b, 20);
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA1, key, 20, "Hi There", 8, md),
	    0);
	ASSERT_HEX(md, "b617318655057264e28bc0b6fb378c8ef146be00", 20);
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA1, "Jefe", 4,
	    "what do ya want for nothing?", 28, md), 0);
	ASSERT_HEX(md, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", 20);
	memset(key, 0xaa, 20);
	memset(data, 0xdd, 50);
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA1, key, 20, data, 50, md), 0);
	ASSERT_HEX(md, "125d7342b9ac11cd91a39af48aa17b4f63f175d3", 20);
	memset(key, 0xaa, 80);
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA1, key, 80, larger,
	    strlen(larger), md), 0);
	ASSERT_HEX(md, "aa4ae5e15272d00e95705637ce8a3b55ed402112", 20);
	TEST_DONE();

	TEST_START("HMAC-SHA256 RFC 4231");
	memset(key, 0x0b, 20);
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA256, key, 20, "Hi There", 8,
	    md), 0);
	ASSERT_HEX(md, "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7", 32);
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA256, "Jefe", 4,
	    "what do ya want for nothing?", 28, md), 0);
	ASSERT_HEX(md, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843", 32);
	/* Case 2 again, data in two pieces. */
	v[0].p = "what do ya ";
	v[0].len = 11;
	v[1].p = "want for nothing?";
	v[1].len = 17;
	memset(md, 0, sizeof md);
	ASSERT_INT_EQ(crypto_hmac_vec(CRYPTO_MD_SHA256, "Jefe", 4, v, 2, md),
	    0);
	ASSERT_HEX(md, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843", 32);
	/* Case 6: 131-byte key. */
	memset(key, 0xaa, 131);
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA256, key, 131, larger,
	    strlen(larger), md), 0);
	ASSERT_HEX(md, "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54", 32);
	TEST_DONE();

	TEST_START("HMAC-MD5 RFC 2202, empty key, bad md");
	memset(key, 0x0b, 16);
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_MD5, key, 16, "Hi There", 8, md),
	    0);
	ASSERT_HEX(md, "9294727a3638bb1c13f48ef8158bfc9d", 16);
	/* Empty key and message (cross-checked with openssl dgst -hmac ''). */
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA256, NULL, 0, NULL, 0, md), 0);
	ASSERT_HEX(md, "b613679a0814d9ec772f95d778c35fc5"
	    "ff1697c493715653c6c712144292c5ad", 32);
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA1, "", 0, "", 0, md), 0);
	ASSERT_HEX(md, "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d", 20);
	ASSERT_INT_EQ(crypto_hmac((enum crypto_md)7, key, 16, "x", 1, md),
	    -EINVAL);
	ASSERT_INT_EQ(crypto_hmac(CRYPTO_MD_SHA1, NULL, 4, "x", 1, md),
	    -EINVAL);
	TEST_DONE();
}

static void
test_misc(void)
{
	uint8_t a[32], b[32], z[32];
	size_t i, zeros;

	TEST_START("random, memeq, zero");
	memset(z, 0, sizeof z);
	ASSERT_INT_EQ(crypto_random(a, sizeof a), 0);
	ASSERT_INT_EQ(crypto_random(b, sizeof b), 0);
	/* 2^-256 odds of a false failure. */
	ASSERT_FALSE(crypto_memeq(a, b, sizeof a));
	for (zeros = 0, i = 0; i < sizeof a; i++)
		zeros += a[i] == 0;
	ASSERT_INT_LT(zeros, 16);
	ASSERT_INT_EQ(crypto_random(a, 0), 0);
	ASSERT_INT_EQ(crypto_random(NULL, 0), 0);
	ASSERT_INT_EQ(crypto_random(NULL, 1), -EINVAL);

	memcpy(b, a, sizeof b);
	ASSERT_TRUE(crypto_memeq(a, b, sizeof a));
	b[31] ^= 0x80;
	ASSERT_FALSE(crypto_memeq(a, b, sizeof a));
	ASSERT_TRUE(crypto_memeq(a, b, 31));
	b[0] ^= 0x01;
	ASSERT_FALSE(crypto_memeq(a, b, 1));
	ASSERT_TRUE(crypto_memeq(a, b, 0));

	crypto_zero(a, sizeof a);
	ASSERT_MEM_EQ(a, z, sizeof z);
	crypto_zero(NULL, 5);
	TEST_DONE();
}

/* RFC 4648 section 10 test vectors. */
static void
test_base64(void)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	char out[16];
	size_t i;

	TEST_START("base64 RFC 4648 vectors");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		memset(out, 'x', sizeof out);
		ASSERT_INT_EQ(crypto_base64(v[i].in, strlen(v[i].in), out,
		    sizeof out), 0);
		ASSERT_STR_EQ(out, v[i].out);
		/* Exactly the room needed, then one byte less. */
		ASSERT_INT_EQ(crypto_base64(v[i].in, strlen(v[i].in), out,
		    strlen(v[i].out) + 1), 0);
		ASSERT_INT_EQ(crypto_base64(v[i].in, strlen(v[i].in), out,
		    strlen(v[i].out)), -ENOSPC);
	}
	/* No line breaks, whatever the length (EVP_EncodeBlock). */
	{
		uint8_t in[96];
		char big[4 * sizeof in / 3 + 1];

		memset(in, 0xa5, sizeof in);
		ASSERT_INT_EQ(crypto_base64(in, sizeof in, big, sizeof big),
		    0);
		ASSERT_INT_EQ(strlen(big), sizeof big - 1);
		ASSERT_TRUE(strchr(big, '\n') == NULL);
	}
	TEST_DONE();
}

int
main(void)
{
	test_md4_rfc1320();
	test_des();
	test_rc4();
	test_digests();
	test_hmac();
	test_misc();
	test_base64();
	return test_exit();
}
