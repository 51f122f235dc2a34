/*
 * test_ppp_auth.c - the client side of PPP authentication (ppp/ppp_auth.h)
 * driven with whole frames as the engine gives them (protocol first, no
 * FF 03): PAP with resends, the resend bound and a Nak; CHAP-MD5 against
 * an MD5 computed with python3 hashlib; MS-CHAPv2 with the RFC 2759 9.2
 * vector (right S= -> OK and the RFC 3079 3.5.3 master keys, one wrong
 * hex digit -> FAIL, E=691 in words); EAP Identity + EAP-MSCHAPv2 and the
 * Nak of another method; malformed frames dropped without a state change.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "ppp/auth_keys.h"
#include "ppp/ppp_auth.h"
#include "ppp/ppp_auth_hook.h"
#include "ppp/proto.h"
#include "harness.h"

/* RFC 2759 9.2: Peer-Challenge. */
static const char peer_ch_hex[] =
    "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E";
/*
 * RFC 3079 3.5.3 (128-bit): the server's SendStartKey128 is the client's
 * MasterReceiveKey; the client's MasterSendKey (PROTOCOL.md 6.2) was
 * checked with python3 hashlib from the published MasterKey
 * FDECE371...DD31: SHA1(MasterKey | 40x00 | Magic2 | 40xF2)[0..15].
 */
static const char send_key_hex[] =
    "D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26";
static const char recv_key_hex[] =
    "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB";

/* CHAP Challenge of RFC 2759 9.2, Identifier 1, Name "srv". */
static const char ms_challenge[] =
    "C2 23 01 01 00 18 10"
    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28 73 72 76";
/* Our Response: PROTOCOL.md 6.1 without FF 03 (RFC 2759 9.2 values). */
static const char ms_response[] =
    "C2 23 02 01 00 3A 31"
    "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E"
    "00 00 00 00 00 00 00 00"
    "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54"
    "42 33 11 4A 3D 85 D6 DF 00 55 73 65 72";
/* "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=ok" in hex. */
#define S_OK_HEX \
    "53 3D 34 30 37 41 35 35 38 39 31 31 35 46 44 30 44 36 32 30 39 46" \
    "35 31 30 46 45 39 43 30 34 35 36 36 39 33 32 43 44 41 35 36"
#define S_BAD_HEX \
    "53 3D 34 30 37 41 35 35 38 39 31 31 35 46 44 30 44 36 32 30 39 46" \
    "35 31 30 46 45 39 43 30 34 35 36 36 39 33 32 43 44 41 35 37"
#define M_OK_HEX	"20 4D 3D 6F 6B"

struct tx {
	uint8_t		buf[1024];
	struct wbuf	w;
};

/* Feed one frame (hex, protocol first) and return the result flags. */
static int
feed(struct ppp_auth_client *c, const char *hex, struct tx *t)
{
	uint8_t f[600];
	size_t n = th_unhex(hex, f, sizeof f);
	uint16_t proto;

	wbuf_init(&t->w, t->buf, sizeof t->buf);
	if (n < 2 || n > sizeof f)
		return -1000;
	proto = load_be16(f);
	return ppp_auth_client_input(c, proto, bcur_make(f + 2, n - 2),
	    &t->w);
}

#define ASSERT_OUT(t, hex) do {						\
	uint8_t ox_w[600];						\
	size_t ox_n = th_unhex((hex), ox_w, sizeof ox_w);		\
	ASSERT_INT_EQ((t)->w.len, ox_n);				\
	ASSERT_MEM_EQ((t)->buf, ox_w, ox_n);				\
} while (0)

#define ASSERT_REASON_HAS(c, s) do {					\
	const char *rx_r = ppp_auth_client_reason(c);			\
	TH_CHECK(strstr(rx_r, (s)) != NULL, "reason \"%s\" lacks \"%s\"", \
	    rx_r, (s));							\
} while (0)

/* A client for MS-CHAPv2 or EAP with the RFC 2759 9.2 credentials. */
static struct ppp_auth_client *
ms_client(enum ppp_auth_proto proto)
{
	struct ppp_auth_client *c;
	uint8_t ch[16];

	c = ppp_auth_client_new(proto, "User", "clientPass");
	if (c != NULL) {
		th_unhex(peer_ch_hex, ch, sizeof ch);
		ppp_auth_client_fix_peer_challenge(c, ch);
	}
	return c;
}

/* The keys after OK are the RFC 3079 client master keys. */
static void
check_ms_keys(const struct ppp_auth_client *c)
{
	struct ppp_auth_keys k;
	uint8_t want[16];

	ASSERT_INT_EQ(ppp_auth_client_keys(c, &k), 0);
	ASSERT_INT_EQ(k.send_len, 16);
	ASSERT_INT_EQ(k.recv_len, 16);
	th_unhex(send_key_hex, want, sizeof want);
	ASSERT_MEM_EQ(k.send, want, 16);
	th_unhex(recv_key_hex, want, sizeof want);
	ASSERT_MEM_EQ(k.recv, want, 16);
	ppp_auth_keys_clear(&k);
}

static void
test_pap(void)
{
	struct ppp_auth_client *c;
	struct ppp_auth_keys k;
	struct tx t;

	TEST_START("PAP: request, resend with a new Identifier, Ack");
	c = ppp_auth_client_new(PPP_AUTHP_PAP, "alice", "s3cret");
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	ASSERT_STR_EQ(ppp_auth_proto_name(PPP_AUTHP_PAP), "PAP");
	ASSERT_FALSE(ppp_auth_client_wants_timer(c));
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_client_start(c, &t.w), PPP_AUTH_SEND);
	/* RFC 1334 2.2.1: Peer-ID Length, Peer-ID, Passwd-Length, Password */
	ASSERT_OUT(&t, "C0 23 01 01 00 11 05 61 6C 69 63 65"
	    "06 73 33 63 72 65 74");
	ASSERT_TRUE(ppp_auth_client_wants_timer(c));
	/* An Ack before start's frame was answered: wrong id, dropped. */
	ASSERT_INT_EQ(feed(c, "C0 23 02 07 00 05 00", &t), 0);
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_client_timeout(c, &t.w), PPP_AUTH_SEND);
	ASSERT_OUT(&t, "C0 23 01 02 00 11 05 61 6C 69 63 65"
	    "06 73 33 63 72 65 74");
	/* A Request from the server is not for us. */
	ASSERT_INT_EQ(feed(c, "C0 23 01 02 00 06 00 00", &t), 0);
	ASSERT_INT_EQ(feed(c, "C0 23 02 02 00 08 03 48 69 21", &t),
	    PPP_AUTH_OK);
	ASSERT_INT_EQ(t.w.len, 0);
	ASSERT_FALSE(ppp_auth_client_wants_timer(c));
	ASSERT_STR_EQ(ppp_auth_client_reason(c), "");
	/* A repeated Ack and a late timer change nothing. */
	ASSERT_INT_EQ(feed(c, "C0 23 02 02 00 05 00", &t), 0);
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_client_timeout(c, &t.w), 0);
	ASSERT_INT_EQ(ppp_auth_client_keys(c, &k), 0);
	ASSERT_INT_EQ(k.send_len, 0);
	ASSERT_INT_EQ(k.recv_len, 0);
	ppp_auth_client_free(c);
	TEST_DONE();

	TEST_START("PAP: the resend bound, then FAIL");
	c = ppp_auth_client_new(PPP_AUTHP_PAP, "alice", "s3cret");
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_client_start(c, &t.w), PPP_AUTH_SEND);
	{
		int i, r = 0, sends = 1;

		for (i = 0; i < 50; i++) {
			wbuf_init(&t.w, t.buf, sizeof t.buf);
			r = ppp_auth_client_timeout(c, &t.w);
			if (r != PPP_AUTH_SEND)
				break;
			sends++;
		}
		ASSERT_INT_EQ(sends, 10);
		ASSERT_INT_EQ(r, PPP_AUTH_FAIL);
	}
	ASSERT_FALSE(ppp_auth_client_wants_timer(c));
	ASSERT_REASON_HAS(c, "no answer from the server to 10");
	ASSERT_INT_EQ(ppp_auth_client_keys(c, &k), -EAGAIN);
	/* After FAIL an Ack is ignored. */
	ASSERT_INT_EQ(feed(c, "C0 23 02 0A 00 05 00", &t), 0);
	ppp_auth_client_free(c);
	TEST_DONE();

	TEST_START("PAP: Nak with the server's message, sanitized");
	c = ppp_auth_client_new(PPP_AUTHP_PAP, "alice", "s3cret");
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_client_start(c, &t.w), PPP_AUTH_SEND);
	/* Message "bad\npw\x1b" */
	ASSERT_INT_EQ(feed(c, "C0 23 03 01 00 0C 07 62 61 64 0A 70 77 1B",
	    &t), PPP_AUTH_FAIL);
	ASSERT_STR_EQ(ppp_auth_client_reason(c),
	    "PAP: the server refused the login: bad?pw?");
	ASSERT_FALSE(ppp_auth_client_wants_timer(c));
	ppp_auth_client_free(c);
	TEST_DONE();

	TEST_START("PAP: a password PAP cannot carry is refused at start");
	{
		char pw[300];

		memset(pw, 'x', sizeof pw - 1);
		pw[sizeof pw - 1] = '\0';
		c = ppp_auth_client_new(PPP_AUTHP_PAP, "alice", pw);
	}
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_client_start(c, &t.w), PPP_AUTH_FAIL);
	ASSERT_INT_EQ(t.w.len, 0);
	ASSERT_REASON_HAS(c, "255");
	ppp_auth_client_free(c);
	TEST_DONE();
}

static void
test_chap_md5(void)
{
	struct ppp_auth_client *c;
	struct ppp_auth_keys k;
	struct tx t, t2;

	/*
	 * Expected Values computed independently with python3:
	 *   hashlib.md5(bytes([0x2a]) + b"s3cret-PPP" + bytes(range(16)))
	 *     -> 9F1D97D0DFA8AAF8439769C9C1ED7CB9
	 *   hashlib.md5(bytes([0x2b]) + b"s3cret-PPP" + bytes(range(16)))
	 *     -> 7274E35429D5E622AF822BC46464E216
	 */
	TEST_START("CHAP-MD5: known answer, repeated Challenge, Success");
	c = ppp_auth_client_new(PPP_AUTHP_CHAP_MD5, "alice", "s3cret-PPP");
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_client_start(c, &t.w), 0);
	ASSERT_INT_EQ(t.w.len, 0);
	ASSERT_FALSE(ppp_auth_client_wants_timer(c));
	ASSERT_INT_EQ(feed(c, "C2 23 01 2A 00 18 10"
	    "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 73 72 76", &t),
	    PPP_AUTH_SEND);
	ASSERT_OUT(&t, "C2 23 02 2A 00 1A 10"
	    "9F 1D 97 D0 DF A8 AA F8 43 97 69 C9 C1 ED 7C B9"
	    "61 6C 69 63 65");
	/* RFC 1994 4.1: the same Challenge again gets the same Response. */
	ASSERT_INT_EQ(feed(c, "C2 23 01 2A 00 18 10"
	    "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 73 72 76", &t2),
	    PPP_AUTH_SEND);
	ASSERT_INT_EQ(t2.w.len, t.w.len);
	ASSERT_MEM_EQ(t2.buf, t.buf, t.w.len);
	/* Success for another Identifier: dropped. */
	ASSERT_INT_EQ(feed(c, "C2 23 03 29 00 04", &t), 0);
	ASSERT_INT_EQ(feed(c, "C2 23 03 2A 00 07 48 69 21", &t), PPP_AUTH_OK);
	ASSERT_INT_EQ(ppp_auth_client_keys(c, &k), 0);
	ASSERT_INT_EQ(k.send_len, 0);
	/* Re-authentication (RFC 1994 2): a new Identifier, a new Value. */
	ASSERT_INT_EQ(feed(c, "C2 23 01 2B 00 15 10"
	    "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F", &t),
	    PPP_AUTH_SEND);
	ASSERT_OUT(&t, "C2 23 02 2B 00 1A 10"
	    "72 74 E3 54 29 D5 E6 22 AF 82 2B C4 64 64 E2 16"
	    "61 6C 69 63 65");
	ppp_auth_client_free(c);
	TEST_DONE();

	TEST_START("CHAP-MD5: Failure, and Success before any Challenge");
	c = ppp_auth_client_new(PPP_AUTHP_CHAP_MD5, "alice", "s3cret-PPP");
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	ASSERT_INT_EQ(feed(c, "C2 23 01 05 00 06 01 AA", &t), PPP_AUTH_SEND);
	ASSERT_INT_EQ(feed(c, "C2 23 04 05 00 09 6E 6F 70 65 07", &t),
	    PPP_AUTH_FAIL);
	ASSERT_STR_EQ(ppp_auth_client_reason(c),
	    "CHAP-MD5: the server refused the login: nope?");
	ppp_auth_client_free(c);
	c = ppp_auth_client_new(PPP_AUTHP_CHAP_MD5, "alice", "s3cret-PPP");
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	ASSERT_INT_EQ(feed(c, "C2 23 03 01 00 04", &t), PPP_AUTH_FAIL);
	ASSERT_REASON_HAS(c, "Success before any Challenge");
	ASSERT_INT_EQ(ppp_auth_client_keys(c, &k), -EAGAIN);
	ppp_auth_client_free(c);
	TEST_DONE();
}

static void
test_mschapv2(void)
{
	struct ppp_auth_client *c;
	struct ppp_auth_keys k;
	struct tx t;

	TEST_START("MS-CHAPv2: RFC 2759 9.2 exchange, RFC 3079 keys");
	c = ms_client(PPP_AUTHP_MSCHAPV2);
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	ASSERT_STR_EQ(ppp_auth_proto_name(PPP_AUTHP_MSCHAPV2), "MS-CHAPv2");
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_client_start(c, &t.w), 0);
	ASSERT_INT_EQ(ppp_auth_client_keys(c, &k), -EAGAIN);
	ASSERT_INT_EQ(feed(c, ms_challenge, &t), PPP_AUTH_SEND);
	ASSERT_OUT(&t, ms_response);
	/* A retransmitted Challenge: the same Response. */
	ASSERT_INT_EQ(feed(c, ms_challenge, &t), PPP_AUTH_SEND);
	ASSERT_OUT(&t, ms_response);
	ASSERT_INT_EQ(feed(c, "C2 23 03 01 00 33 " S_OK_HEX M_OK_HEX, &t),
	    PPP_AUTH_OK);
	ASSERT_INT_EQ(t.w.len, 0);
	ASSERT_STR_EQ(ppp_auth_client_reason(c), "");
	check_ms_keys(c);
	ppp_auth_client_free(c);
	TEST_DONE();

	TEST_START("MS-CHAPv2: one wrong hex digit of S= -> FAIL");
	c = ms_client(PPP_AUTHP_MSCHAPV2);
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	ASSERT_INT_EQ(feed(c, ms_challenge, &t), PPP_AUTH_SEND);
	ASSERT_INT_EQ(feed(c, "C2 23 03 01 00 33 " S_BAD_HEX M_OK_HEX, &t),
	    PPP_AUTH_FAIL);
	ASSERT_REASON_HAS(c, "authenticator response");
	ASSERT_INT_EQ(ppp_auth_client_keys(c, &k), -EAGAIN);
	ASSERT_INT_EQ(k.send_len, 0);
	/* The right S= after that changes nothing. */
	ASSERT_INT_EQ(feed(c, "C2 23 03 01 00 33 " S_OK_HEX M_OK_HEX, &t), 0);
	ppp_auth_client_free(c);
	/* Success without any S=. */
	c = ms_client(PPP_AUTHP_MSCHAPV2);
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	ASSERT_INT_EQ(feed(c, ms_challenge, &t), PPP_AUTH_SEND);
	ASSERT_INT_EQ(feed(c, "C2 23 03 01 00 09" M_OK_HEX, &t),
	    PPP_AUTH_FAIL);
	ASSERT_REASON_HAS(c, "authenticator response");
	ppp_auth_client_free(c);
	TEST_DONE();

	TEST_START("MS-CHAPv2: Failure E=691 in words");
	c = ms_client(PPP_AUTHP_MSCHAPV2);
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	ASSERT_INT_EQ(feed(c, ms_challenge, &t), PPP_AUTH_SEND);
	/* "E=691 R=0 V=3 M=denied" */
	ASSERT_INT_EQ(feed(c, "C2 23 04 01 00 1A 45 3D 36 39 31 20 52 3D 30"
	    "20 56 3D 33 20 4D 3D 64 65 6E 69 65 64", &t), PPP_AUTH_FAIL);
	ASSERT_REASON_HAS(c, "691");
	ASSERT_REASON_HAS(c, "wrong user name or password");
	ASSERT_REASON_HAS(c, "denied");
	ppp_auth_client_free(c);
	TEST_DONE();
}

static void
test_eap(void)
{
	struct ppp_auth_client *c;
	struct ppp_auth_keys k;
	struct tx t;

	TEST_START("EAP: Identity, Nak of PEAP, EAP-MSCHAPv2, Success");
	c = ms_client(PPP_AUTHP_EAP);
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	ASSERT_STR_EQ(ppp_auth_proto_name(PPP_AUTHP_EAP), "EAP");
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_client_start(c, &t.w), 0);
	/* CHAP on an EAP link: not the agreed protocol, dropped. */
	ASSERT_INT_EQ(feed(c, ms_challenge, &t), 0);
	ASSERT_INT_EQ(t.w.len, 0);
	ASSERT_INT_EQ(feed(c, "C2 27 01 01 00 05 01", &t), PPP_AUTH_SEND);
	ASSERT_OUT(&t, "C2 27 02 01 00 09 01 55 73 65 72");
	/* RFC 3748 5.3.1: PEAP proposed, Legacy Nak asking for 26. */
	ASSERT_INT_EQ(feed(c, "C2 27 01 02 00 06 19 21", &t), PPP_AUTH_SEND);
	ASSERT_OUT(&t, "C2 27 02 02 00 06 03 1A");
	ASSERT_INT_EQ(feed(c, "C2 27 01 03 00 1D 1A 01 07 00 18 10"
	    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28 73 72 76", &t),
	    PPP_AUTH_SEND);
	ASSERT_OUT(&t, "C2 27 02 03 00 3F 1A 02 07 00 3A 31"
	    "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E"
	    "00 00 00 00 00 00 00 00"
	    "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54"
	    "42 33 11 4A 3D 85 D6 DF 00 55 73 65 72");
	/* Success-Request: S= verified, answered with OpCode 3 alone. */
	ASSERT_INT_EQ(feed(c, "C2 27 01 04 00 38 1A 03 07 00 33 "
	    S_OK_HEX M_OK_HEX, &t), PPP_AUTH_SEND);
	ASSERT_OUT(&t, "C2 27 02 04 00 06 1A 03");
	ASSERT_INT_EQ(ppp_auth_client_keys(c, &k), -EAGAIN);
	ASSERT_INT_EQ(feed(c, "C2 27 03 04 00 04", &t), PPP_AUTH_OK);
	ASSERT_INT_EQ(t.w.len, 0);
	check_ms_keys(c);
	ppp_auth_client_free(c);
	TEST_DONE();

	TEST_START("EAP: wrong S=, Success too early, Failure");
	c = ms_client(PPP_AUTHP_EAP);
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	ASSERT_INT_EQ(feed(c, "C2 27 01 01 00 05 01", &t), PPP_AUTH_SEND);
	ASSERT_INT_EQ(feed(c, "C2 27 01 03 00 1D 1A 01 07 00 18 10"
	    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28 73 72 76", &t),
	    PPP_AUTH_SEND);
	ASSERT_INT_EQ(feed(c, "C2 27 01 04 00 38 1A 03 07 00 33 "
	    S_BAD_HEX M_OK_HEX, &t), PPP_AUTH_FAIL);
	ASSERT_REASON_HAS(c, "authenticator response");
	ASSERT_INT_EQ(feed(c, "C2 27 03 04 00 04", &t), 0);
	ASSERT_INT_EQ(ppp_auth_client_keys(c, &k), -EAGAIN);
	ppp_auth_client_free(c);
	/* Success right after Identity: no proof from the server. */
	c = ms_client(PPP_AUTHP_EAP);
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	ASSERT_INT_EQ(feed(c, "C2 27 01 01 00 05 01", &t), PPP_AUTH_SEND);
	ASSERT_INT_EQ(feed(c, "C2 27 03 02 00 04", &t), PPP_AUTH_FAIL);
	ASSERT_REASON_HAS(c, "before the server proved");
	ppp_auth_client_free(c);
	/* EAP Failure. */
	c = ms_client(PPP_AUTHP_EAP);
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	ASSERT_INT_EQ(feed(c, "C2 27 01 01 00 05 01", &t), PPP_AUTH_SEND);
	ASSERT_INT_EQ(feed(c, "C2 27 04 01 00 04", &t), PPP_AUTH_FAIL);
	ASSERT_REASON_HAS(c, "EAP Failure");
	ppp_auth_client_free(c);
	TEST_DONE();
}

static void
test_malformed(void)
{
	static const char *const bad_chap[] = {
		"C2 23",			/* no packet at all */
		"C2 23 01",			/* short header */
		"C2 23 01 01 00 03",		/* Length < 4 */
		"C2 23 01 01 00 30 10 00",	/* Length past the end */
		"C2 23 01 01 00 05 10",		/* Value-Size past Length */
		"C2 23 01 01 00 0A 10 00 00 00 00 00", /* short value */
		"C2 23 01 01 00 06 00 00",	/* CHAP-MD5: empty value */
	};
	static const char *const bad_eap[] = {
		"C2 27 01",
		"C2 27 01 01 00 03",
		"C2 27 01 01 00 09 01",
		"C2 27 01 01 00 04",		/* Request without Type */
		"C2 27 01 02 00 07 1A 01 07",	/* MS-CHAPv2 header cut */
	};
	static const char *const bad_pap[] = {
		"C0 23 02",
		"C0 23 02 01 00 02",
		"C0 23 03 01 00 06 05 41",
	};
	enum ppp_auth_proto chap[] = { PPP_AUTHP_CHAP_MD5,
	    PPP_AUTHP_MSCHAPV2 };
	struct ppp_auth_client *c;
	struct tx t;
	size_t i, j;

	TEST_START("malformed frames are dropped without a state change");
	for (j = 0; j < sizeof chap / sizeof chap[0]; j++) {
		c = ms_client(chap[j]);
		ASSERT_PTR_NOT_NULL(c);
		if (c == NULL)
			return;
		for (i = 0; i < sizeof bad_chap / sizeof bad_chap[0]; i++) {
			ASSERT_INT_EQ(feed(c, bad_chap[i], &t), 0);
			ASSERT_INT_EQ(t.w.len, 0);
			ASSERT_STR_EQ(ppp_auth_client_reason(c), "");
		}
		if (chap[j] == PPP_AUTHP_MSCHAPV2) {
			ASSERT_INT_EQ(feed(c, ms_challenge, &t),
			    PPP_AUTH_SEND);
			ASSERT_OUT(&t, ms_response);
			ASSERT_INT_EQ(feed(c, "C2 23 03 01 00 33 " S_OK_HEX
			    M_OK_HEX, &t), PPP_AUTH_OK);
		}
		ppp_auth_client_free(c);
	}
	c = ms_client(PPP_AUTHP_EAP);
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	for (i = 0; i < sizeof bad_eap / sizeof bad_eap[0]; i++) {
		ASSERT_INT_EQ(feed(c, bad_eap[i], &t), 0);
		ASSERT_INT_EQ(t.w.len, 0);
		ASSERT_STR_EQ(ppp_auth_client_reason(c), "");
	}
	ASSERT_INT_EQ(feed(c, "C2 27 01 01 00 05 01", &t), PPP_AUTH_SEND);
	ppp_auth_client_free(c);
	c = ppp_auth_client_new(PPP_AUTHP_PAP, "alice", "s3cret");
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_client_start(c, &t.w), PPP_AUTH_SEND);
	for (i = 0; i < sizeof bad_pap / sizeof bad_pap[0]; i++) {
		if (i == 2)
			break;
		ASSERT_INT_EQ(feed(c, bad_pap[i], &t), 0);
		ASSERT_STR_EQ(ppp_auth_client_reason(c), "");
	}
	/* XX: a Msg-Length past the end: the Nak still counts. */
	ASSERT_INT_EQ(feed(c, bad_pap[2], &t), PPP_AUTH_FAIL);
	ASSERT_STR_EQ(ppp_auth_client_reason(c),
	    "PAP: the server refused the login: A");
	ppp_auth_client_free(c);
	TEST_DONE();

	TEST_START("a reply that does not fit out is a FAIL, not a frame");
	c = ppp_auth_client_new(PPP_AUTHP_PAP, "alice", "s3cret");
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	wbuf_init(&t.w, t.buf, 8);
	ASSERT_INT_EQ(ppp_auth_client_start(c, &t.w), PPP_AUTH_FAIL);
	ASSERT_REASON_HAS(c, "no room");
	ppp_auth_client_free(c);
	c = ms_client(PPP_AUTHP_MSCHAPV2);
	ASSERT_PTR_NOT_NULL(c);
	if (c == NULL)
		return;
	{
		uint8_t f[64];
		size_t n = th_unhex(ms_challenge, f, sizeof f);

		wbuf_init(&t.w, t.buf, 16);
		ASSERT_INT_EQ(ppp_auth_client_input(c, PPP_PROTO_CHAP,
		    bcur_make(f + 2, n - 2), &t.w), PPP_AUTH_FAIL);
	}
	ASSERT_REASON_HAS(c, "no room");
	ppp_auth_client_free(c);
	TEST_DONE();
}

int
main(void)
{
	test_pap();
	test_chap_md5();
	test_mschapv2();
	test_eap();
	test_malformed();
	return test_exit();
}
