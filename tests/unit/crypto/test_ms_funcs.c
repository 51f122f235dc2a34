/*
 * test_ms_funcs.c - every intermediate of RFC 2759 9.2 and RFC 3079 3.5,
 * the self-computed MPPE values of PROTOCOL.md 6.2, UTF-8 passwords and
 * the Success-message checker.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/legacy_crypto.h"
#include "crypto/ms_funcs.h"
#include "harness.h"

#define ASSERT_HEX(buf, hex, n) do {					\
	uint8_t th_want[512];						\
	ASSERT_INT_EQ(th_unhex((hex), th_want, sizeof th_want), (n));	\
	ASSERT_MEM_EQ((buf), th_want, (n));				\
} while (0)

/* RFC 2759 9.2. */
static const char user[] = "User";
static const char pass[] = "clientPass";
static const char auth_ch_hex[] =
    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28";
static const char peer_ch_hex[] =
    "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E";
static const char ch_hash_hex[] = "D0 2E 43 86 BC E9 12 26";
static const char pw_hash_hex[] =
    "44 EB BA 8D 53 12 B8 D6 11 47 44 11 F5 69 89 AE";
static const char pw_hh_hex[] =
    "41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F";
static const char nt_resp_hex[] =
    "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54"
    "42 33 11 4A 3D 85 D6 DF";
static const char auth_resp[] = "S=407A5589115FD0D6209F510FE9C04566932CDA56";
/* RFC 3079 3.5. */
static const char master_hex[] =
    "FD EC E3 71 7A 8C 83 8C B3 88 E5 27 AE 3C DD 31";
static const char send_start128[] =
    "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB";
static const char send_session128[] =
    "40 5C B2 24 7A 79 56 E6 E2 11 00 7A E2 7B 22 D4";
static const char send_start40[] = "8B 7C DC 14 9B 99 3A 1B";
static const char send_session40[] = "D1 26 9E C4 9F A6 2E 3E";
/* PROTOCOL.md 6.2 [self-computed]. */
static const char client_send[] =
    "D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26";
static const char session56[] = "D1 5C 00 C4 9F A6 2E 3E";
static const char interim128[] =
    "DE 67 3B E4 D6 11 40 74 FD A6 29 2C 87 9A 04 30";
static const char change128[] =
    "72 6F 10 50 0E 2B 54 13 5B 1B 74 D7 68 2F 04 71";
static const char change40[] = "D1 26 9E CE 4D 98 D1 81";

struct vec {
	uint8_t	auth_ch[16], peer_ch[16], nt_resp[24];
};

static void
load(struct vec *v)
{
	th_unhex(auth_ch_hex, v->auth_ch, sizeof v->auth_ch);
	th_unhex(peer_ch_hex, v->peer_ch, sizeof v->peer_ch);
	th_unhex(nt_resp_hex, v->nt_resp, sizeof v->nt_resp);
}

static void
test_rfc2759(void)
{
	struct vec v;
	uint8_t ch[8], h[16], hh[16], resp[24];
	char s[MS_AUTH_RESPONSE_LEN + 1];

	TEST_START("RFC 2759 9.2 every intermediate");
	load(&v);
	ASSERT_INT_EQ(ms_challenge_hash(v.peer_ch, v.auth_ch, user, ch), 0);
	ASSERT_HEX(ch, ch_hash_hex, 8);
	ASSERT_INT_EQ(ms_nt_password_hash(pass, h), 0);
	ASSERT_HEX(h, pw_hash_hex, 16);
	ms_hash_nt_password_hash(h, hh);
	ASSERT_HEX(hh, pw_hh_hex, 16);
	ms_challenge_response(ch, h, resp);
	ASSERT_HEX(resp, nt_resp_hex, 24);
	memset(resp, 0, sizeof resp);
	ASSERT_INT_EQ(ms_generate_nt_response(v.auth_ch, v.peer_ch, user, pass,
	    resp), 0);
	ASSERT_HEX(resp, nt_resp_hex, 24);
	ASSERT_INT_EQ(ms_generate_authenticator_response(pass, v.nt_resp,
	    v.peer_ch, v.auth_ch, user, s), 0);
	ASSERT_STR_EQ(s, auth_resp);
	memset(s, 'x', sizeof s);
	ASSERT_INT_EQ(ms_generate_authenticator_response_pwhash(h, v.nt_resp,
	    v.peer_ch, v.auth_ch, user, s), 0);
	ASSERT_STR_EQ(s, auth_resp);
	TEST_DONE();

	TEST_START("ChallengeHash drops a DOMAIN\\ prefix (RFC 2759 8.2)");
	memset(ch, 0, sizeof ch);
	ASSERT_INT_EQ(ms_challenge_hash(v.peer_ch, v.auth_ch, "CORP\\User",
	    ch), 0);
	ASSERT_HEX(ch, ch_hash_hex, 8);
	memset(ch, 0, sizeof ch);
	ASSERT_INT_EQ(ms_challenge_hash(v.peer_ch, v.auth_ch, "A\\B\\User", ch),
	    0);
	ASSERT_HEX(ch, ch_hash_hex, 8);
	ASSERT_INT_EQ(ms_generate_nt_response(v.auth_ch, v.peer_ch,
	    "CORP\\User", pass, resp), 0);
	ASSERT_HEX(resp, nt_resp_hex, 24);
	/* A different name gives a different hash. */
	ASSERT_INT_EQ(ms_challenge_hash(v.peer_ch, v.auth_ch, "user", ch), 0);
	ASSERT_FALSE(crypto_memeq(ch, "\xD0\x2E\x43\x86\xBC\xE9\x12\x26", 8));
	ASSERT_INT_EQ(ms_challenge_hash(v.peer_ch, v.auth_ch, NULL, ch),
	    -EINVAL);
	TEST_DONE();
}

static void
test_rfc3079(void)
{
	struct vec v;
	uint8_t h[16], hh[16], mk[16], k[16], sk[16], snd[16], rcv[16];

	TEST_START("RFC 3079 3.5 master, start and session keys");
	load(&v);
	ASSERT_INT_EQ(ms_nt_password_hash(pass, h), 0);
	ms_hash_nt_password_hash(h, hh);
	ASSERT_INT_EQ(ms_get_master_key(hh, v.nt_resp, mk), 0);
	ASSERT_HEX(mk, master_hex, 16);
	/* The RFC's example is the server's send key (IsServer TRUE). */
	ASSERT_INT_EQ(ms_get_asymmetric_start_key(mk, k, 16, true, true), 0);
	ASSERT_HEX(k, send_start128, 16);
	ASSERT_INT_EQ(ms_mppe_initial_key(k, MS_MPPE_128, sk), 0);
	ASSERT_HEX(sk, send_session128, 16);
	ASSERT_INT_EQ(ms_get_asymmetric_start_key(mk, k, 8, true, true), 0);
	ASSERT_HEX(k, send_start40, 8);
	ASSERT_INT_EQ(ms_mppe_initial_key(k, MS_MPPE_40, sk), 0);
	ASSERT_HEX(sk, send_session40, 8);
	/* The server's receive key is the client's send key. */
	ASSERT_INT_EQ(ms_get_asymmetric_start_key(mk, k, 16, false, true), 0);
	ASSERT_HEX(k, client_send, 16);
	ASSERT_INT_EQ(ms_get_asymmetric_start_key(mk, k, 12, true, true),
	    -EINVAL);
	TEST_DONE();

	TEST_START("client MasterSendKey/MasterReceiveKey (PROTOCOL.md 6.2)");
	ASSERT_INT_EQ(ms_get_asymmetric_start_key(mk, k, 16, true, false), 0);
	ASSERT_HEX(k, client_send, 16);
	ASSERT_INT_EQ(ms_get_asymmetric_start_key(mk, k, 16, false, false), 0);
	ASSERT_HEX(k, send_start128, 16);
	ASSERT_INT_EQ(ms_chapv2_client_keys(pass, v.nt_resp, snd, rcv), 0);
	ASSERT_HEX(snd, client_send, 16);
	ASSERT_HEX(rcv, send_start128, 16);
	ASSERT_INT_EQ(ms_chapv2_client_keys("\xff", v.nt_resp, snd, rcv),
	    -EINVAL);
	ASSERT_HEX(snd, "00000000000000000000000000000000", 16);
	ASSERT_HEX(rcv, "00000000000000000000000000000000", 16);
	TEST_DONE();
}

static void
test_mppe(void)
{
	uint8_t start[16], sk[16], interim[16];

	TEST_START("MPPE 56-bit initial key and key changes (PROTOCOL.md 6.2)");
	th_unhex(send_start128, start, sizeof start);
	ASSERT_INT_EQ(ms_mppe_key_len(MS_MPPE_40), 8);
	ASSERT_INT_EQ(ms_mppe_key_len(MS_MPPE_56), 8);
	ASSERT_INT_EQ(ms_mppe_key_len(MS_MPPE_128), 16);
	ASSERT_INT_EQ(ms_mppe_key_len((enum ms_mppe_bits)64), 0);
	ASSERT_INT_EQ(ms_mppe_initial_key(start, MS_MPPE_56, sk), 0);
	ASSERT_HEX(sk, session56, 8);

	/* 128-bit: interim key, then RC4 of itself. */
	th_unhex(send_session128, sk, sizeof sk);
	ASSERT_INT_EQ(ms_get_new_key_from_sha(start, sk, 16, interim), 0);
	ASSERT_HEX(interim, interim128, 16);
	ASSERT_INT_EQ(ms_mppe_change_key(start, MS_MPPE_128, sk), 0);
	ASSERT_HEX(sk, change128, 16);

	/* 40-bit: from D1 26 9E C4 ..., salt re-applied. */
	th_unhex(send_session40, sk, sizeof sk);
	ASSERT_INT_EQ(ms_mppe_change_key(start, MS_MPPE_40, sk), 0);
	ASSERT_HEX(sk, change40, 8);

	/* Initial key is GetNewKeyFromSHA(start, start); aliasing works. */
	memcpy(sk, start, sizeof sk);
	ASSERT_INT_EQ(ms_get_new_key_from_sha(start, sk, 16, sk), 0);
	ASSERT_HEX(sk, send_session128, 16);
	ASSERT_INT_EQ(ms_get_new_key_from_sha(start, sk, 5, interim), -EINVAL);
	ASSERT_INT_EQ(ms_mppe_initial_key(start, (enum ms_mppe_bits)1, sk),
	    -EINVAL);
	ASSERT_INT_EQ(ms_mppe_change_key(start, (enum ms_mppe_bits)1, sk),
	    -EINVAL);
	TEST_DONE();
}

/* MD4 of explicit UTF-16LE bytes, the independent reference. */
static void
check_utf8(const char *utf8, const char *utf16le_hex)
{
	uint8_t u16[600], want[16], got[16];
	size_t n;

	n = th_unhex(utf16le_hex, u16, sizeof u16);
	md4_digest(u16, n, want);
	ASSERT_INT_EQ(ms_nt_password_hash(utf8, got), 0);
	ASSERT_MEM_EQ(got, want, 16);
}

static void
test_utf8(void)
{
	static const char *bad[] = {
		"\xc3",			/* truncated 2-byte */
		"ab\xe2\x82",		/* truncated 3-byte */
		"\xf0\x9d\x84",		/* truncated 4-byte */
		"\x80",			/* stray continuation */
		"a\xbfz",
		"\xc0\xaf",		/* overlong '/' */
		"\xc1\xbf",
		"\xe0\x80\xaf",		/* overlong 3-byte */
		"\xf0\x80\x80\xaf",	/* overlong 4-byte */
		"\xed\xa0\x80",		/* U+D800 surrogate */
		"\xed\xbf\xbf",		/* U+DFFF surrogate */
		"\xf4\x90\x80\x80",	/* U+110000 */
		"\xf5\x80\x80\x80",
		"\xfe",
		"\xff",
		"\xc3\x28",		/* bad continuation */
	};
	char buf[1100];
	uint8_t h[16];
	size_t i;

	TEST_START("NtPasswordHash of UTF-8 passwords");
	/* The well-known NT hash of "password". */
	ASSERT_INT_EQ(ms_nt_password_hash("password", h), 0);
	ASSERT_HEX(h, "8846F7EAEE8FB117AD06BDD830B7586C", 16);
	/* U+00E4, U+00F6 (2 bytes), U+20AC (3), U+1D11E (4: D834 DD1E). */
	check_utf8("p\xc3\xa4ssw\xc3\xb6rd\xe2\x82\xac\xf0\x9d\x84\x9e",
	    "7000 e400 7300 7300 7700 f600 7200 6400 ac20 34d8 1edd");
	/* Same value as MD4 by OpenSSL's legacy provider over iconv output. */
	ASSERT_INT_EQ(ms_nt_password_hash(
	    "p\xc3\xa4ssw\xc3\xb6rd\xe2\x82\xac\xf0\x9d\x84\x9e", h), 0);
	ASSERT_HEX(h, "0b92ab89d8e0ec0bb35132664c2167c5", 16);
	/* Edges of each encoding length. */
	check_utf8("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf",
	    "7f00 8000 ff07 0008 ffff");
	check_utf8("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", "00d8 00dc ffdb ffdf");
	check_utf8("", "");
	TEST_DONE();

	TEST_START("invalid UTF-8 is refused");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(h, 0xAA, sizeof h);
		ASSERT_INT_EQ(ms_nt_password_hash(bad[i], h), -EINVAL);
		ASSERT_HEX(h, "00000000000000000000000000000000", 16);
	}
	ASSERT_INT_EQ(ms_nt_password_hash(NULL, h), -EINVAL);
	TEST_DONE();

	TEST_START("password length cap: 256 UTF-16 units");
	memset(buf, 'x', 256);
	buf[256] = '\0';
	ASSERT_INT_EQ(ms_nt_password_hash(buf, h), 0);
	ASSERT_HEX(h, "6c5a26717895edf2e532f7d0048acc65", 16);
	buf[256] = 'x';
	buf[257] = '\0';
	ASSERT_INT_EQ(ms_nt_password_hash(buf, h), -E2BIG);
	/* 128 four-byte characters are 256 units; 129 are too many. */
	for (i = 0; i < 129; i++)
		memcpy(buf + 4 * i, "\xf0\x9d\x84\x9e", 4);
	buf[4 * 128] = '\0';
	ASSERT_INT_EQ(ms_nt_password_hash(buf, h), 0);
	memcpy(buf + 4 * 128, "\xf0\x9d\x84\x9e", 5);
	ASSERT_INT_EQ(ms_nt_password_hash(buf, h), -E2BIG);
	/* 255 units then a surrogate pair does not fit either. */
	memset(buf, 'x', 255);
	memcpy(buf + 255, "\xf0\x9d\x84\x9e", 5);
	ASSERT_INT_EQ(ms_nt_password_hash(buf, h), -E2BIG);
	TEST_DONE();
}

/* Run the checker on a C string message. */
static bool
check_msg(const struct vec *v, const char *password, const char *msg)
{
	return ms_check_authenticator_response(password, v->nt_resp,
	    v->peer_ch, v->auth_ch, user, (const uint8_t *)msg, strlen(msg));
}

static void
test_check_auth(void)
{
	struct vec v;
	uint8_t h[16], m[64];

	TEST_START("CheckAuthenticatorResponse (RFC 2759 8.8)");
	load(&v);
	ASSERT_TRUE(check_msg(&v, pass, auth_resp));
	ASSERT_TRUE(check_msg(&v, pass,
	    "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Access granted"));
	ASSERT_TRUE(check_msg(&v, pass,
	    "S=407a5589115fd0d6209f510fe9c04566932cda56"));
	ASSERT_TRUE(check_msg(&v, pass,
	    "S=407a5589115FD0D6209f510fe9c04566932CDA56 M="));
	/* Wrong: one digit changed, first and last. */
	ASSERT_FALSE(check_msg(&v, pass,
	    "S=507A5589115FD0D6209F510FE9C04566932CDA56"));
	ASSERT_FALSE(check_msg(&v, pass,
	    "S=407A5589115FD0D6209F510FE9C04566932CDA57 M=ok"));
	/* Wrong password or user. */
	ASSERT_FALSE(check_msg(&v, "clientpass", auth_resp));
	ASSERT_FALSE(ms_check_authenticator_response(pass, v.nt_resp,
	    v.peer_ch, v.auth_ch, "Usr", (const uint8_t *)auth_resp,
	    strlen(auth_resp)));
	/* Truncated, over-long, missing or misspelt S=, junk. */
	ASSERT_FALSE(check_msg(&v, pass,
	    "S=407A5589115FD0D6209F510FE9C04566932CDA5"));
	ASSERT_FALSE(check_msg(&v, pass,
	    "S=407A5589115FD0D6209F510FE9C04566932CDA566"));
	ASSERT_FALSE(check_msg(&v, pass,
	    "S=407A5589115FD0D6209F510FE9C04566932CDA56M=x"));
	ASSERT_FALSE(check_msg(&v, pass,
	    "407A5589115FD0D6209F510FE9C04566932CDA56"));
	ASSERT_FALSE(check_msg(&v, pass,
	    "s=407A5589115FD0D6209F510FE9C04566932CDA56"));
	ASSERT_FALSE(check_msg(&v, pass,
	    " S=407A5589115FD0D6209F510FE9C04566932CDA56"));
	ASSERT_FALSE(check_msg(&v, pass,
	    "M=S=407A5589115FD0D6209F510FE9C04566932CDA56"));
	ASSERT_FALSE(check_msg(&v, pass,
	    "S=407A5589115FD0D6209F510FE9C04566932CDAG6"));
	ASSERT_FALSE(check_msg(&v, pass,
	    "S= 407A5589115FD0D6209F510FE9C04566932CDA5"));
	ASSERT_FALSE(check_msg(&v, pass, "S="));
	ASSERT_FALSE(check_msg(&v, pass, ""));
	ASSERT_FALSE(ms_check_authenticator_response(pass, v.nt_resp,
	    v.peer_ch, v.auth_ch, user, NULL, 0));
	/* The length bounds the parse: a valid string cut short fails. */
	memcpy(m, auth_resp, sizeof auth_resp);
	ASSERT_FALSE(ms_check_authenticator_response(pass, v.nt_resp,
	    v.peer_ch, v.auth_ch, user, m, MS_AUTH_RESPONSE_LEN - 1));
	ASSERT_TRUE(ms_check_authenticator_response(pass, v.nt_resp,
	    v.peer_ch, v.auth_ch, user, m, MS_AUTH_RESPONSE_LEN));
	/* A NUL right after the digits is not " M=". */
	ASSERT_FALSE(ms_check_authenticator_response(pass, v.nt_resp,
	    v.peer_ch, v.auth_ch, user, m, MS_AUTH_RESPONSE_LEN + 1));
	/* Password-hash variant. */
	th_unhex(pw_hash_hex, h, sizeof h);
	ASSERT_TRUE(ms_check_authenticator_response_pwhash(h, v.nt_resp,
	    v.peer_ch, v.auth_ch, user, (const uint8_t *)auth_resp,
	    strlen(auth_resp)));
	h[0] ^= 1;
	ASSERT_FALSE(ms_check_authenticator_response_pwhash(h, v.nt_resp,
	    v.peer_ch, v.auth_ch, user, (const uint8_t *)auth_resp,
	    strlen(auth_resp)));
	/* Invalid UTF-8 password: false, not a crash. */
	ASSERT_FALSE(check_msg(&v, "\xc3", auth_resp));
	TEST_DONE();
}

int
main(void)
{
	test_rfc2759();
	test_rfc3079();
	test_mppe();
	test_utf8();
	test_check_auth();
	return test_exit();
}
