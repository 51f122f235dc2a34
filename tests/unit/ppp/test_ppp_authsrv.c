/*
 * test_ppp_authsrv.c - the authenticator side of PPP authentication
 * (ppp/ppp_authsrv.h), frames as the engine gives them (protocol first,
 * no FF 03):
 *   MS-CHAPv2 with the RFC 2759 9.2 vector (our Challenge, the published
 *   NT-Response accepted, S=407A5589...) and the RFC 3079 3.5 keys in
 *   the client's orientation; wrong password, unknown user and an
 *   unusable name answered with the same Failure; resends and the bound;
 *   PAP right / wrong / unknown / prefix passwords, the Ack repeated;
 *   EAP Identity + EAP-MSCHAPv2 byte by byte, Failure-Request, Legacy
 *   Nak, Identifiers; then the client side (ppp/ppp_auth.c) against this
 *   side back to back for PAP, MS-CHAPv2 and EAP with real random
 *   challenges: both OK with the same keys, or both FAIL.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/log.h"
#include "crypto/ms_funcs.h"
#include "ppp/auth_keys.h"
#include "ppp/ppp_auth.h"
#include "ppp/ppp_authsrv.h"
#include "ppp/ppp_engine.h"
#include "ppp/proto.h"
#include "harness.h"

/* RFC 2759 9.2 */
static const char auth_ch_hex[] =
    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28";
#define RESP_VALUE_HEX \
    "31 21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E" \
    "00 00 00 00 00 00 00 00" \
    "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54" \
    "42 33 11 4A 3D 85 D6 DF 00"
#define S_RFC	"S=407A5589115FD0D6209F510FE9C04566932CDA56"
/*
 * RFC 3079 3.5.3: MasterKey, and the server's SendStartKey128 (IsServer)
 * = the client's MasterReceiveKey; the client's MasterSendKey computed
 * with python3 hashlib (PROTOCOL.md 6.2).
 */
static const char master_key_hex[] =
    "FD EC E3 71 7A 8C 83 8C B3 88 E5 27 AE 3C DD 31";
static const char cli_send_hex[] =
    "D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26";
static const char cli_recv_hex[] =
    "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB";
#define FAIL_MSG	"E=691 R=0 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3 " \
			"M=Authentication failed"

/* The secrets "file" of a test: one user. */
struct secrets {
	const char	*user;
	const char	*secret;
	uint32_t	 addr4;
	int		 calls;
	char		 last_user[300];
};

/* lookup_secret of ppp_engine.h over struct secrets. */
static int
lookup(void *arg, const char *user, struct ppp_secret *out)
{
	struct secrets *s = arg;

	s->calls++;
	snprintf(s->last_user, sizeof s->last_user, "%s", user);
	if (s->user == NULL || strcmp(user, s->user) != 0)
		return -ENOENT;
	snprintf(out->secret, sizeof out->secret, "%s", s->secret);
	out->len = strlen(out->secret);
	out->addr4 = s->addr4;
	return 0;
}

/*
 * The rand hook: 16 octets are the RFC 2759 9.2 AuthenticatorChallenge,
 * one octet (the first Identifier) is 7.
 */
static void
fixed_rand(void *buf, size_t len)
{
	if (len == 16)
		th_unhex(auth_ch_hex, buf, 16);
	else
		memset(buf, 7, len);
}

struct tx {
	uint8_t		buf[1024];
	struct wbuf	w;
};

/* Feed one frame (hex, protocol first) to the server. */
static int
feed(struct ppp_auth_server *s, const char *hex, struct tx *t)
{
	uint8_t f[600];
	size_t n = th_unhex(hex, f, sizeof f);

	wbuf_init(&t->w, t->buf, sizeof t->buf);
	if (n < 2 || n > sizeof f)
		return -1000;
	return ppp_auth_server_input(s, load_be16(f), bcur_make(f + 2, n - 2),
	    &t->w);
}

/*
 * Build the expected frame: protocol, Code, Identifier, Length, @pre
 * (hex), @text; EAP-MSCHAPv2 (@ms >= 0): MS-Length patched at octet 7.
 */
static size_t
expect(uint8_t *f, size_t cap, uint16_t proto, uint8_t code, uint8_t id,
    const char *pre, const char *text, int ms)
{
	uint8_t b[64];
	size_t n = th_unhex(pre, b, sizeof b);
	struct wbuf w;

	wbuf_init(&w, f, cap);
	wbuf_put_be16(&w, proto);
	wbuf_put_u8(&w, code);
	wbuf_put_u8(&w, id);
	wbuf_put_be16(&w, 0);
	wbuf_put_bytes(&w, b, n);
	wbuf_put_str(&w, text);
	wbuf_patch_be16(&w, 4, (uint16_t)(w.len - 2));
	if (ms >= 0)
		wbuf_patch_be16(&w, 9, (uint16_t)(w.len - 7));
	return w.len;
}

#define ASSERT_OUT(t, hex) do {						\
	uint8_t ox_w[600];						\
	size_t ox_n = th_unhex((hex), ox_w, sizeof ox_w);		\
	ASSERT_INT_EQ((t)->w.len, ox_n);				\
	ASSERT_MEM_EQ((t)->buf, ox_w, ox_n);				\
} while (0)

#define ASSERT_OUT_TEXT(t, proto, code, id, pre, text, ms) do {		\
	uint8_t ot_w[600];						\
	size_t ot_n = expect(ot_w, sizeof ot_w, (proto), (code), (id),	\
	    (pre), (text), (ms));					\
	ASSERT_INT_EQ((t)->w.len, ot_n);				\
	ASSERT_MEM_EQ((t)->buf, ot_w, ot_n);				\
} while (0)

#define ASSERT_REASON_HAS(s, str) do {					\
	const char *rx_r = ppp_auth_server_reason(s);			\
	TH_CHECK(strstr(rx_r, (str)) != NULL, "reason \"%s\" lacks \"%s\"", \
	    rx_r, (str));						\
} while (0)

#define ASSERT_REASON_LACKS(s, str) do {				\
	const char *rl_r = ppp_auth_server_reason(s);			\
	TH_CHECK(strstr(rl_r, (str)) == NULL, "reason \"%s\" shows \"%s\"", \
	    rl_r, (str));						\
} while (0)

/* The keys are the RFC 3079 client MasterSendKey / MasterReceiveKey. */
static void
check_rfc_keys(const struct ppp_auth_server *s)
{
	struct ppp_auth_keys k;
	uint8_t want[16], mk[16], srv_send[16];

	ASSERT_INT_EQ(ppp_auth_server_keys(s, &k), 0);
	ASSERT_INT_EQ(k.send_len, 16);
	ASSERT_INT_EQ(k.recv_len, 16);
	th_unhex(cli_send_hex, want, sizeof want);
	ASSERT_MEM_EQ(k.send, want, 16);
	th_unhex(cli_recv_hex, want, sizeof want);
	ASSERT_MEM_EQ(k.recv, want, 16);
	/* RFC 3079 3.4 server view: its send key is the client's recv. */
	th_unhex(master_key_hex, mk, sizeof mk);
	ASSERT_INT_EQ(ms_get_asymmetric_start_key(mk, srv_send, 16, true,
	    true), 0);
	ASSERT_MEM_EQ(k.recv, srv_send, 16);
	ppp_auth_keys_clear(&k);
}

/* A server with the fixed rand hook. */
static struct ppp_auth_server *
server(enum ppp_auth_proto proto, struct secrets *sec)
{
	return ppp_auth_server_new(proto, "srv", lookup, sec, fixed_rand);
}

static void
test_new(void)
{
	struct secrets sec = { "User", "clientPass", 0, 0, "" };
	struct ppp_auth_server *s;
	struct tx t;

	TEST_START("new: only PAP, MS-CHAPv2 and EAP; a printable Name");
	ASSERT_PTR_NULL(ppp_auth_server_new(PPP_AUTHP_NONE, "srv", lookup,
	    &sec, NULL));
	ASSERT_PTR_NULL(ppp_auth_server_new(PPP_AUTHP_CHAP_MD5, "srv", lookup,
	    &sec, NULL));
	ASSERT_PTR_NULL(ppp_auth_server_new(PPP_AUTHP_MSCHAPV2, "srv", NULL,
	    &sec, NULL));
	ASSERT_PTR_NULL(ppp_auth_server_new(PPP_AUTHP_MSCHAPV2, "s\nrv",
	    lookup, &sec, NULL));
	s = ppp_auth_server_new(PPP_AUTHP_PAP, NULL, lookup, &sec, NULL);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	/* Before start: nothing is taken. */
	ASSERT_INT_EQ(feed(s, "C0 23 01 01 00 06 00 00", &t), 0);
	ASSERT_INT_EQ(sec.calls, 0);
	ASSERT_STR_EQ(ppp_auth_server_user(s), "");
	ASSERT_STR_EQ(ppp_auth_server_reason(s), "");
	ppp_auth_server_free(s);
	ppp_auth_server_free(NULL);
	TEST_DONE();
}

/*
 * A CHAP Response (protocol first) to the RFC 2759 9.2 Challenge, with
 * the 9.2 Peer-Challenge, for @name and @pw (RFC 2759 8.1 via
 * ms_funcs.h, the client's primitive).
 */
static size_t
chap_resp(uint8_t *f, size_t cap, uint8_t id, const char *name,
    const char *pw)
{
	uint8_t ach[16], pch[16], nt[24];
	struct wbuf w;

	th_unhex(auth_ch_hex, ach, sizeof ach);
	th_unhex("21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E", pch,
	    sizeof pch);
	ASSERT_INT_EQ(ms_generate_nt_response(ach, pch, name, pw, nt), 0);
	wbuf_init(&w, f, cap);
	wbuf_put_be16(&w, PPP_PROTO_CHAP);
	wbuf_put_u8(&w, CHAP_CODE_RESPONSE);
	wbuf_put_u8(&w, id);
	wbuf_put_be16(&w, (uint16_t)(4 + 1 + 49 + strlen(name)));
	wbuf_put_u8(&w, MSCHAPV2_VALUE_LEN);
	wbuf_put_bytes(&w, pch, sizeof pch);
	wbuf_put_zero(&w, 8);
	wbuf_put_bytes(&w, nt, sizeof nt);
	wbuf_put_u8(&w, 0);
	wbuf_put_str(&w, name);
	ASSERT_INT_EQ(wbuf_error(&w), 0);
	return w.len;
}

static void
test_mschapv2(void)
{
	struct secrets sec = { "User", "clientPass", 0, 0, "" };
	struct ppp_auth_server *s;
	struct ppp_auth_keys k;
	struct tx t, t2;

	TEST_START("MS-CHAPv2: RFC 2759 9.2 accepted, S=, RFC 3079 keys");
	s = server(PPP_AUTHP_MSCHAPV2, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	ASSERT_FALSE(ppp_auth_server_wants_timer(s));
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	/* RFC 2759 3: Value-Size 16, the challenge, our Name "srv". */
	ASSERT_OUT(&t, "C2 23 01 07 00 18 10"
	    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28 73 72 76");
	ASSERT_TRUE(ppp_auth_server_wants_timer(s));
	ASSERT_INT_EQ(ppp_auth_server_keys(s, &k), -EAGAIN);
	/* A Response to another Identifier: dropped, nobody looked up. */
	ASSERT_INT_EQ(feed(s, "C2 23 02 06 00 3A " RESP_VALUE_HEX
	    "55 73 65 72", &t), 0);
	ASSERT_INT_EQ(t.w.len, 0);
	ASSERT_INT_EQ(sec.calls, 0);
	/* A timeout resends the very same Challenge. */
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_timeout(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_OUT(&t, "C2 23 01 07 00 18 10"
	    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28 73 72 76");
	ASSERT_INT_EQ(feed(s, "C2 23 02 07 00 3A " RESP_VALUE_HEX
	    "55 73 65 72", &t), PPP_AUTHSRV_SEND | PPP_AUTHSRV_OK);
	ASSERT_OUT_TEXT(&t, PPP_PROTO_CHAP, CHAP_CODE_SUCCESS, 7, "",
	    S_RFC " M=Access granted", -1);
	ASSERT_STR_EQ(ppp_auth_server_user(s), "User");
	ASSERT_STR_EQ(ppp_auth_server_reason(s), "");
	ASSERT_STR_EQ(sec.last_user, "User");
	ASSERT_FALSE(ppp_auth_server_wants_timer(s));
	check_rfc_keys(s);
	/* RFC 1994 4.2: the Response again (Success lost): same Success. */
	ASSERT_INT_EQ(feed(s, "C2 23 02 07 00 3A " RESP_VALUE_HEX
	    "55 73 65 72", &t2), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(t2.w.len, t.w.len);
	ASSERT_MEM_EQ(t2.buf, t.buf, t.w.len);
	/* Late timer, other Identifiers, start again: nothing. */
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_timeout(s, &t.w), 0);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), 0);
	ASSERT_INT_EQ(feed(s, "C2 23 02 08 00 3A " RESP_VALUE_HEX
	    "55 73 65 72", &t), 0);
	ASSERT_INT_EQ(t.w.len, 0);
	check_rfc_keys(s);
	ppp_auth_server_free(s);
	TEST_DONE();

	TEST_START("MS-CHAPv2: wrong password, unknown user, bad name -> "
	    "the same Failure");
	sec.secret = "clientPasS";
	s = server(PPP_AUTHP_MSCHAPV2, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 23 02 07 00 3A " RESP_VALUE_HEX
	    "55 73 65 72", &t), PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	/* RFC 2759 6: E=691 R=0 C=<new challenge> V=3 M=. */
	ASSERT_OUT_TEXT(&t, PPP_PROTO_CHAP, CHAP_CODE_FAILURE, 7, "",
	    FAIL_MSG, -1);
	ASSERT_REASON_HAS(s, "wrong password for user \"User\"");
	ASSERT_REASON_LACKS(s, "clientPas");
	ASSERT_INT_EQ(ppp_auth_server_keys(s, &k), -EAGAIN);
	ASSERT_INT_EQ(k.send_len, 0);
	ASSERT_STR_EQ(ppp_auth_server_user(s), "");
	ASSERT_FALSE(ppp_auth_server_wants_timer(s));
	/* Repeated: the same Failure, no second FAIL. */
	ASSERT_INT_EQ(feed(s, "C2 23 02 07 00 3A " RESP_VALUE_HEX
	    "55 73 65 72", &t2), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(t2.w.len, t.w.len);
	ASSERT_MEM_EQ(t2.buf, t.buf, t.w.len);
	ppp_auth_server_free(s);
	/* The right password but for an unknown user. */
	sec.secret = "clientPass";
	sec.user = "Someone";
	s = server(PPP_AUTHP_MSCHAPV2, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t2.w, t2.buf, sizeof t2.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t2.w), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 23 02 07 00 3A " RESP_VALUE_HEX
	    "55 73 65 72", &t2), PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	ASSERT_INT_EQ(t2.w.len, t.w.len);
	ASSERT_MEM_EQ(t2.buf, t.buf, t.w.len);
	ASSERT_REASON_HAS(s, "unknown user");
	ASSERT_REASON_HAS(s, "\"User\"");
	ppp_auth_server_free(s);
	/* A Name with a control character: never looked up, same Failure. */
	sec.calls = 0;
	s = server(PPP_AUTHP_MSCHAPV2, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t2.w, t2.buf, sizeof t2.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t2.w), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 23 02 07 00 3A " RESP_VALUE_HEX
	    "55 0A 65 72", &t2), PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	ASSERT_INT_EQ(t2.w.len, t.w.len);
	ASSERT_MEM_EQ(t2.buf, t.buf, t.w.len);
	ASSERT_INT_EQ(sec.calls, 0);
	ASSERT_REASON_HAS(s, "unknown user");
	ASSERT_REASON_HAS(s, "\"U?er\"");
	ppp_auth_server_free(s);
	/*
	 * Unknown user, NT-Response made with ppp_authsrv.c's stand-in
	 * secret: still the Failure.
	 */
	s = server(PPP_AUTHP_MSCHAPV2, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t2.w, t2.buf, sizeof t2.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t2.w), PPP_AUTHSRV_SEND);
	{
		uint8_t f[128];
		size_t n = chap_resp(f, sizeof f, 7, "User",
		    "no-such-user-xx");

		wbuf_init(&t2.w, t2.buf, sizeof t2.buf);
		ASSERT_INT_EQ(ppp_auth_server_input(s, PPP_PROTO_CHAP,
		    bcur_make(f + 2, n - 2), &t2.w),
		    PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	}
	ASSERT_INT_EQ(t2.w.len, t.w.len);
	ASSERT_MEM_EQ(t2.buf, t.buf, t.w.len);
	ASSERT_REASON_HAS(s, "unknown user");
	ppp_auth_server_free(s);
	TEST_DONE();

	TEST_START("MS-CHAPv2: 10 Challenges unanswered -> FAIL");
	s = server(PPP_AUTHP_MSCHAPV2, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	{
		int i, r = 0, sends = 1;

		for (i = 0; i < 50; i++) {
			wbuf_init(&t2.w, t2.buf, sizeof t2.buf);
			r = ppp_auth_server_timeout(s, &t2.w);
			if (r != PPP_AUTHSRV_SEND)
				break;
			ASSERT_INT_EQ(t2.w.len, t.w.len);
			ASSERT_MEM_EQ(t2.buf, t.buf, t.w.len);
			sends++;
		}
		ASSERT_INT_EQ(sends, 10);
		ASSERT_INT_EQ(r, PPP_AUTHSRV_FAIL);
		ASSERT_INT_EQ(t2.w.len, 0);
	}
	ASSERT_REASON_HAS(s, "answered none of 10 Challenges");
	ASSERT_FALSE(ppp_auth_server_wants_timer(s));
	ppp_auth_server_free(s);
	TEST_DONE();

	TEST_START("MS-CHAPv2: malformed Responses are dropped");
	sec.user = "User";
	s = server(PPP_AUTHP_MSCHAPV2, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	sec.calls = 0;
	ASSERT_INT_EQ(feed(s, "C2 23 02 07", &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 23 02 07 00 40 " RESP_VALUE_HEX, &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 23 02 07 00 05 31", &t), 0);
	/* Value-Size 16 (CHAP-MD5 style) */
	ASSERT_INT_EQ(feed(s, "C2 23 02 07 00 15 10 00 00 00 00 00 00 00 00"
	    "00 00 00 00 00 00 00 00", &t), 0);
	/* Our own Challenge echoed, a Success from the peer. */
	ASSERT_INT_EQ(feed(s, "C2 23 01 07 00 05 00", &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 23 03 07 00 04", &t), 0);
	/* PAP on a CHAP link. */
	ASSERT_INT_EQ(feed(s, "C0 23 01 07 00 06 00 00", &t), 0);
	ASSERT_INT_EQ(t.w.len, 0);
	ASSERT_INT_EQ(sec.calls, 0);
	ASSERT_STR_EQ(ppp_auth_server_reason(s), "");
	ASSERT_INT_EQ(feed(s, "C2 23 02 07 00 3A " RESP_VALUE_HEX
	    "55 73 65 72", &t), PPP_AUTHSRV_SEND | PPP_AUTHSRV_OK);
	ppp_auth_server_free(s);
	TEST_DONE();
}

static void
test_pap(void)
{
	struct secrets sec = { "alice", "s3cret", 0x0200000a, 0, "" };
	static const char *const bad[] = {
		/* wrong password, a prefix, longer, empty, unknown user */
		"C0 23 01 05 00 11 05 61 6C 69 63 65 06 73 33 63 72 65 75",
		"C0 23 01 05 00 10 05 61 6C 69 63 65 05 73 33 63 72 65",
		"C0 23 01 05 00 12 05 61 6C 69 63 65 07 73 33 63 72 65 74 74",
		"C0 23 01 05 00 0B 05 61 6C 69 63 65 00",
		"C0 23 01 05 00 11 05 61 6C 69 63 66 06 73 33 63 72 65 74",
		"C0 23 01 05 00 0C 00 06 73 33 63 72 65 74",
		/* the password and a NUL: equal padded, not equal length */
		"C0 23 01 05 00 12 05 61 6C 69 63 65 07 73 33 63 72 65 74 00",
		/* unknown user with ppp_authsrv.c's stand-in secret */
		"C0 23 01 05 00 1A 05 62 6F 62 62 79 0F 6E 6F 2D 73 75 63 68"
		"2D 75 73 65 72 2D 78 78",
	};
	static const char *const why[] = {
		"wrong password for user \"alice\"",
		"wrong password for user \"alice\"",
		"wrong password for user \"alice\"",
		"wrong password for user \"alice\"",
		"unknown user (or no usable secret) \"alicf\"",
		"unknown user (or no usable secret) \"\"",
		"wrong password for user \"alice\"",
		"unknown user (or no usable secret) \"bobby\"",
	};
	struct ppp_auth_server *s;
	struct ppp_auth_keys k;
	struct tx t;
	size_t i;

	TEST_START("PAP: right password -> Ack, the Ack again, no keys");
	s = server(PPP_AUTHP_PAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), 0);
	ASSERT_INT_EQ(t.w.len, 0);
	ASSERT_FALSE(ppp_auth_server_wants_timer(s));
	/* Malformed: Passwd-Length past the end, no Peer-ID Length. */
	ASSERT_INT_EQ(feed(s, "C0 23 01 01 00 0C 05 61 6C 69 63 65 06 73",
	    &t), 0);
	ASSERT_INT_EQ(feed(s, "C0 23 01 01 00 04", &t), 0);
	/* An Ack from the peer is not for the authenticator. */
	ASSERT_INT_EQ(feed(s, "C0 23 02 01 00 05 00", &t), 0);
	ASSERT_INT_EQ(sec.calls, 0);
	ASSERT_INT_EQ(feed(s, "C0 23 01 01 00 11 05 61 6C 69 63 65"
	    "06 73 33 63 72 65 74", &t), PPP_AUTHSRV_SEND | PPP_AUTHSRV_OK);
	ASSERT_OUT_TEXT(&t, PPP_PROTO_PAP, PAP_CODE_AUTH_ACK, 1, "08",
	    "Login ok", -1);
	ASSERT_STR_EQ(ppp_auth_server_user(s), "alice");
	ASSERT_U32_EQ(ppp_auth_server_addr4(s), 0x0200000a);
	ASSERT_INT_EQ(ppp_auth_server_keys(s, &k), 0);
	ASSERT_INT_EQ(k.send_len, 0);
	ASSERT_INT_EQ(k.recv_len, 0);
	/* The Ack was lost: the peer asks again with a new Identifier. */
	ASSERT_INT_EQ(feed(s, "C0 23 01 02 00 11 05 61 6C 69 63 65"
	    "06 73 33 63 72 65 74", &t), PPP_AUTHSRV_SEND);
	ASSERT_OUT_TEXT(&t, PPP_PROTO_PAP, PAP_CODE_AUTH_ACK, 2, "08",
	    "Login ok", -1);
	/* ... but a wrong password then gets nothing. */
	ASSERT_INT_EQ(feed(s, bad[0], &t), 0);
	ASSERT_INT_EQ(t.w.len, 0);
	ASSERT_STR_EQ(ppp_auth_server_user(s), "alice");
	ppp_auth_server_free(s);
	TEST_DONE();

	TEST_START("PAP: wrong / prefix / longer / empty / unknown -> Nak");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		s = server(PPP_AUTHP_PAP, &sec);
		ASSERT_PTR_NOT_NULL(s);
		if (s == NULL)
			return;
		wbuf_init(&t.w, t.buf, sizeof t.buf);
		ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), 0);
		ASSERT_INT_EQ(feed(s, bad[i], &t),
		    PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
		ASSERT_OUT_TEXT(&t, PPP_PROTO_PAP, PAP_CODE_AUTH_NAK, 5, "0F",
		    "Login incorrect", -1);
		ASSERT_STR_EQ(ppp_auth_server_reason(s) + 5, why[i]);
		ASSERT_REASON_LACKS(s, "s3cre");
		ASSERT_STR_EQ(ppp_auth_server_user(s), "");
		ASSERT_INT_EQ(ppp_auth_server_addr4(s), 0);
		ASSERT_INT_EQ(ppp_auth_server_keys(s, &k), -EAGAIN);
		/* Asked again: the same Nak, FAIL reported once. */
		ASSERT_INT_EQ(feed(s, "C0 23 01 06 00 11 05 61 6C 69 63 65"
		    "06 73 33 63 72 65 74", &t), PPP_AUTHSRV_SEND);
		ASSERT_OUT_TEXT(&t, PPP_PROTO_PAP, PAP_CODE_AUTH_NAK, 6, "0F",
		    "Login incorrect", -1);
		ppp_auth_server_free(s);
	}
	TEST_DONE();
}

/* The EAP-MSCHAPv2 Response of RFC 2759 9.2 (EAP id 8, MS id 8). */
#define EAP_MS_RESPONSE \
    "C2 27 02 08 00 3F 1A 02 08 00 3A " RESP_VALUE_HEX "55 73 65 72"

static void
test_eap(void)
{
	struct secrets sec = { "User", "clientPass", 0, 0, "" };
	struct ppp_auth_server *s;
	struct ppp_auth_keys k;
	struct tx t, t2;

	TEST_START("EAP: Identity, EAP-MSCHAPv2 (RFC 2759 9.2), Success");
	s = server(PPP_AUTHP_EAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_OUT(&t, "C2 27 01 07 00 05 01");
	ASSERT_TRUE(ppp_auth_server_wants_timer(s));
	/* CHAP on an EAP link; a Response to another id: dropped. */
	ASSERT_INT_EQ(feed(s, "C2 23 02 07 00 3A " RESP_VALUE_HEX
	    "55 73 65 72", &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 27 02 06 00 09 01 55 73 65 72", &t), 0);
	ASSERT_INT_EQ(t.w.len, 0);
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_timeout(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_OUT(&t, "C2 27 01 07 00 05 01");
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 09 01 55 73 65 72", &t),
	    PPP_AUTHSRV_SEND);
	/* OpCode 1, MS-CHAPv2-ID 8, MS-Length 0x18, Value-Size 16, Name. */
	ASSERT_OUT(&t, "C2 27 01 08 00 1D 1A 01 08 00 18 10"
	    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28 73 72 76");
	/* The Identity again (our Challenge crossed it): the Challenge. */
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 09 01 55 73 65 72", &t2),
	    PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(t2.w.len, t.w.len);
	ASSERT_MEM_EQ(t2.buf, t.buf, t.w.len);
	/* Another MS-CHAPv2-ID: dropped. */
	ASSERT_INT_EQ(feed(s, "C2 27 02 08 00 3F 1A 02 09 00 3A "
	    RESP_VALUE_HEX "55 73 65 72", &t), 0);
	ASSERT_INT_EQ(sec.calls, 0);
	ASSERT_INT_EQ(feed(s, EAP_MS_RESPONSE, &t), PPP_AUTHSRV_SEND);
	/* Success-Request: new EAP id 9, MS-CHAPv2-ID 8, S= M=. */
	ASSERT_OUT_TEXT(&t, PPP_PROTO_EAP, EAP_CODE_REQUEST, 9, "1A 03 08 00 00",
	    S_RFC " M=Access granted", 1);
	ASSERT_STR_EQ(sec.last_user, "User");
	ASSERT_INT_EQ(ppp_auth_server_keys(s, &k), -EAGAIN);
	ASSERT_TRUE(ppp_auth_server_wants_timer(s));
	/* The Response again: the Success-Request again. */
	ASSERT_INT_EQ(feed(s, EAP_MS_RESPONSE, &t2), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(t2.w.len, t.w.len);
	ASSERT_MEM_EQ(t2.buf, t.buf, t.w.len);
	/* The peer's Success Response: EAP-Success with its id. */
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 06 1A 03", &t),
	    PPP_AUTHSRV_SEND | PPP_AUTHSRV_OK);
	ASSERT_OUT(&t, "C2 27 03 09 00 04");
	ASSERT_STR_EQ(ppp_auth_server_user(s), "User");
	ASSERT_FALSE(ppp_auth_server_wants_timer(s));
	check_rfc_keys(s);
	/* Repeated: EAP-Success again, no second OK. */
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 06 1A 03", &t), PPP_AUTHSRV_SEND);
	ASSERT_OUT(&t, "C2 27 03 09 00 04");
	ppp_auth_server_free(s);
	TEST_DONE();

	TEST_START("EAP: wrong password -> Failure-Request, EAP-Failure");
	sec.secret = "clientPas";
	s = server(PPP_AUTHP_EAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 09 01 55 73 65 72", &t),
	    PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, EAP_MS_RESPONSE, &t), PPP_AUTHSRV_SEND);
	ASSERT_OUT_TEXT(&t, PPP_PROTO_EAP, EAP_CODE_REQUEST, 9, "1A 04 08 00 00",
	    FAIL_MSG, 1);
	ASSERT_STR_EQ(ppp_auth_server_reason(s), "");
	/* A Success Response to our Failure-Request: dropped. */
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 06 1A 03", &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 06 1A 04", &t),
	    PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	ASSERT_OUT(&t, "C2 27 04 09 00 04");
	ASSERT_STR_EQ(ppp_auth_server_reason(s),
	    "EAP-MSCHAPv2: wrong password for user \"User\"");
	ASSERT_INT_EQ(ppp_auth_server_keys(s, &k), -EAGAIN);
	ppp_auth_server_free(s);
	/* The peer never answers the Failure-Request: FAIL at the bound. */
	s = server(PPP_AUTHP_EAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 09 01 55 73 65 72", &t),
	    PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, EAP_MS_RESPONSE, &t), PPP_AUTHSRV_SEND);
	{
		int i, r = 0;

		for (i = 0; i < 9; i++) {
			wbuf_init(&t2.w, t2.buf, sizeof t2.buf);
			r = ppp_auth_server_timeout(s, &t2.w);
			ASSERT_INT_EQ(r, PPP_AUTHSRV_SEND);
			ASSERT_INT_EQ(t2.w.len, t.w.len);
			ASSERT_MEM_EQ(t2.buf, t.buf, t.w.len);
		}
		wbuf_init(&t2.w, t2.buf, sizeof t2.buf);
		ASSERT_INT_EQ(ppp_auth_server_timeout(s, &t2.w),
		    PPP_AUTHSRV_FAIL);
	}
	ASSERT_REASON_HAS(s, "wrong password for user \"User\" (the peer "
	    "did not answer the Failure-Request)");
	ppp_auth_server_free(s);
	TEST_DONE();

	TEST_START("EAP: unknown Identity, a Name other than the Identity");
	sec.secret = "clientPass";
	s = server(PPP_AUTHP_EAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	/* Identity "Usr": unknown; the Name "User" would verify. */
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 08 01 55 73 72", &t),
	    PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, EAP_MS_RESPONSE, &t), PPP_AUTHSRV_SEND);
	ASSERT_OUT_TEXT(&t, PPP_PROTO_EAP, EAP_CODE_REQUEST, 9, "1A 04 08 00 00",
	    FAIL_MSG, 1);
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 06 1A 04", &t),
	    PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	ASSERT_REASON_HAS(s, "MS-CHAPv2 Name \"User\" is not the EAP "
	    "Identity \"Usr\"");
	ppp_auth_server_free(s);
	/*
	 * Identity "User" (known), but the Response's Name "Admin" with an
	 * NT-Response right for that Name and User's password: the secret
	 * looked up must be the Name's, so this is refused.
	 */
	s = server(PPP_AUTHP_EAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	{
		uint8_t ach[16], pch[16], nt[24], f[128];
		struct wbuf w;

		th_unhex(auth_ch_hex, ach, sizeof ach);
		th_unhex("21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E",
		    pch, sizeof pch);
		ASSERT_INT_EQ(ms_generate_nt_response(ach, pch, "Admin",
		    "clientPass", nt), 0);
		wbuf_init(&t.w, t.buf, sizeof t.buf);
		ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w),
		    PPP_AUTHSRV_SEND);
		ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 09 01 55 73 65 72", &t),
		    PPP_AUTHSRV_SEND);
		wbuf_init(&w, f, sizeof f);
		wbuf_put_u8(&w, EAP_CODE_RESPONSE);
		wbuf_put_u8(&w, 8);
		wbuf_put_be16(&w, 5 + 4 + 1 + 49 + 5);
		wbuf_put_u8(&w, EAP_TYPE_MSCHAPV2);
		wbuf_put_u8(&w, MSCHAPV2_OP_RESPONSE);
		wbuf_put_u8(&w, 8);
		wbuf_put_be16(&w, 4 + 1 + 49 + 5);
		wbuf_put_u8(&w, MSCHAPV2_VALUE_LEN);
		wbuf_put_bytes(&w, pch, sizeof pch);
		wbuf_put_zero(&w, 8);
		wbuf_put_bytes(&w, nt, sizeof nt);
		wbuf_put_u8(&w, 0);
		wbuf_put_str(&w, "Admin");
		ASSERT_INT_EQ(wbuf_error(&w), 0);
		wbuf_init(&t.w, t.buf, sizeof t.buf);
		ASSERT_INT_EQ(ppp_auth_server_input(s, PPP_PROTO_EAP,
		    bcur_make(f, w.len), &t.w), PPP_AUTHSRV_SEND);
		ASSERT_OUT_TEXT(&t, PPP_PROTO_EAP, EAP_CODE_REQUEST, 9,
		    "1A 04 08 00 00", FAIL_MSG, 1);
	}
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 06 1A 04", &t),
	    PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	ASSERT_REASON_HAS(s, "Name \"Admin\" is not the EAP Identity "
	    "\"User\"");
	ppp_auth_server_free(s);
	/* XX: Identity "CORP\User", Name "User": the same user. */
	sec.user = "CORP\\User";
	s = server(PPP_AUTHP_EAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 0E 01 43 4F 52 50 5C 55 73 65 72",
	    &t), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, EAP_MS_RESPONSE, &t), PPP_AUTHSRV_SEND);
	ASSERT_OUT_TEXT(&t, PPP_PROTO_EAP, EAP_CODE_REQUEST, 9,
	    "1A 03 08 00 00", S_RFC " M=Access granted", 1);
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 06 1A 03", &t),
	    PPP_AUTHSRV_SEND | PPP_AUTHSRV_OK);
	ASSERT_STR_EQ(ppp_auth_server_user(s), "CORP\\User");
	check_rfc_keys(s);
	ppp_auth_server_free(s);
	sec.user = "User";
	/* An empty Identity. */
	s = server(PPP_AUTHP_EAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 05 01", &t), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, EAP_MS_RESPONSE, &t), PPP_AUTHSRV_SEND);
	ASSERT_OUT_TEXT(&t, PPP_PROTO_EAP, EAP_CODE_REQUEST, 9, "1A 04 08 00 00",
	    FAIL_MSG, 1);
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 06 1A 04", &t),
	    PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	ASSERT_REASON_HAS(s, "Identity \"\" is not a usable user name");
	ppp_auth_server_free(s);
	TEST_DONE();

	TEST_START("EAP: Legacy Nak without 26 -> EAP-Failure; with 26 once");
	s = server(PPP_AUTHP_EAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	/* A Nak to the Identity Request is no answer: dropped. */
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 06 03 19", &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 09 01 55 73 65 72", &t),
	    PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 27 02 08 00 07 03 19 0D", &t),
	    PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	ASSERT_OUT(&t, "C2 27 04 08 00 04");
	ASSERT_STR_EQ(ppp_auth_server_reason(s), "EAP: the peer refused "
	    "EAP-MSCHAPv2 (Legacy Nak offering 25 13)");
	ppp_auth_server_free(s);
	s = server(PPP_AUTHP_EAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 09 01 55 73 65 72", &t),
	    PPP_AUTHSRV_SEND);
	/* Naming 26 anyway: one more Challenge, then EAP-Failure. */
	ASSERT_INT_EQ(feed(s, "C2 27 02 08 00 06 03 1A", &t),
	    PPP_AUTHSRV_SEND);
	ASSERT_OUT(&t, "C2 27 01 09 00 1D 1A 01 09 00 18 10"
	    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28 73 72 76");
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 06 03 1A", &t),
	    PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	ASSERT_OUT(&t, "C2 27 04 09 00 04");
	ASSERT_REASON_HAS(s, "offering 26");
	ppp_auth_server_free(s);
	/* An empty Nak. */
	s = server(PPP_AUTHP_EAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 09 01 55 73 65 72", &t),
	    PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 27 02 08 00 05 03", &t),
	    PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	ASSERT_REASON_HAS(s, "offering nothing");
	ppp_auth_server_free(s);
	TEST_DONE();

	TEST_START("EAP: the peer refuses our S= -> EAP-Failure");
	s = server(PPP_AUTHP_EAP, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 27 02 07 00 09 01 55 73 65 72", &t),
	    PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, EAP_MS_RESPONSE, &t), PPP_AUTHSRV_SEND);
	/* Malformed and misplaced packets first: dropped. */
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 05 1A", &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 08 1A 03", &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 27 01 09 00 06 1A 03", &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 27 03 09 00 04", &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 05 02", &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 06 1A 07", &t), 0);
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 09 01 55 73 65 72", &t), 0);
	ASSERT_INT_EQ(t.w.len, 0);
	ASSERT_STR_EQ(ppp_auth_server_reason(s), "");
	ASSERT_INT_EQ(feed(s, "C2 27 02 09 00 06 1A 04", &t),
	    PPP_AUTHSRV_SEND | PPP_AUTHSRV_FAIL);
	ASSERT_OUT(&t, "C2 27 04 09 00 04");
	ASSERT_REASON_HAS(s, "refused our authenticator response");
	ASSERT_INT_EQ(ppp_auth_server_keys(s, &k), -EAGAIN);
	ppp_auth_server_free(s);
	TEST_DONE();
}

/* Frames in flight between the two sides (protocol first). */
struct wire {
	uint8_t	f[8][600];
	size_t	len[8];
	int	n;
};

/* Take what a call wrote into the queue. */
static void
wire_take(struct wire *q, const struct tx *t)
{
	if (t->w.len == 0 || q->n >= 8 || t->w.len > sizeof q->f[0])
		return;
	memcpy(q->f[q->n], t->buf, t->w.len);
	q->len[q->n++] = t->w.len;
}

struct b2b {
	int	cli_res;	/* OR of every client result */
	int	srv_res;
	int	rounds;
};

/*
 * Run the client (@user, @pw) against the server (@sec) until neither
 * side has anything more to say; real random challenges.
 */
static void
back_to_back(enum ppp_auth_proto proto, const char *user, const char *pw,
    struct secrets *sec, struct b2b *res, struct ppp_auth_keys *ck,
    struct ppp_auth_keys *sk)
{
	struct ppp_auth_client *c;
	struct ppp_auth_server *s;
	struct wire to_srv, to_cli, next;
	struct tx t;
	int i, r;

	memset(res, 0, sizeof *res);
	memset(&to_srv, 0, sizeof to_srv);
	memset(&to_cli, 0, sizeof to_cli);
	c = ppp_auth_client_new(proto, user, pw);
	s = ppp_auth_server_new(proto, "sstpd", lookup, sec, NULL);
	ASSERT_PTR_NOT_NULL(c);
	ASSERT_PTR_NOT_NULL(s);
	if (c == NULL || s == NULL) {
		ppp_auth_client_free(c);
		ppp_auth_server_free(s);
		return;
	}
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	res->srv_res |= ppp_auth_server_start(s, &t.w);
	wire_take(&to_cli, &t);
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	res->cli_res |= ppp_auth_client_start(c, &t.w);
	wire_take(&to_srv, &t);
	while ((to_srv.n > 0 || to_cli.n > 0) && res->rounds < 20) {
		res->rounds++;
		memset(&next, 0, sizeof next);
		for (i = 0; i < to_cli.n; i++) {
			wbuf_init(&t.w, t.buf, sizeof t.buf);
			r = ppp_auth_client_input(c, load_be16(to_cli.f[i]),
			    bcur_make(to_cli.f[i] + 2, to_cli.len[i] - 2),
			    &t.w);
			res->cli_res |= r;
			wire_take(&next, &t);
		}
		memset(&to_cli, 0, sizeof to_cli);
		for (i = 0; i < to_srv.n; i++) {
			wbuf_init(&t.w, t.buf, sizeof t.buf);
			r = ppp_auth_server_input(s, load_be16(to_srv.f[i]),
			    bcur_make(to_srv.f[i] + 2, to_srv.len[i] - 2),
			    &t.w);
			res->srv_res |= r;
			wire_take(&to_cli, &t);
		}
		to_srv = next;
	}
	ASSERT_INT_LT(res->rounds, 20);
	(void)ppp_auth_client_keys(c, ck);
	(void)ppp_auth_server_keys(s, sk);
	if (res->srv_res & PPP_AUTHSRV_OK)
		ASSERT_STR_EQ(ppp_auth_server_user(s), user);
	if (res->srv_res & PPP_AUTHSRV_FAIL)
		ASSERT_TRUE(ppp_auth_server_reason(s)[0] != '\0');
	ppp_auth_client_free(c);
	ppp_auth_server_free(s);
}

static void
test_back_to_back(void)
{
	static const enum ppp_auth_proto protos[] = { PPP_AUTHP_PAP,
	    PPP_AUTHP_MSCHAPV2, PPP_AUTHP_EAP };
	static const char *const users[] = { "alice", "CORP\\bob" };
	/* The client's password wrong, the server's, no such user. */
	static const struct {
		const char	*cli_pw;
		const char	*srv_user;
		const char	*srv_secret;
	} bad[] = {
		{ "wrong", "alice", "right" },
		{ "right", "alice", "wrong" },
		{ "right", "carol", "right" },
	};
	struct secrets sec;
	struct ppp_auth_keys ck, sk;
	struct b2b res;
	size_t i, u;

	TEST_START("client (ppp_auth.c) x server: both OK, the same keys");
	for (i = 0; i < sizeof protos / sizeof protos[0]; i++) {
		for (u = 0; u < sizeof users / sizeof users[0]; u++) {
			memset(&sec, 0, sizeof sec);
			sec.user = users[u];
			sec.secret = "p\xc3\xa4ss w\xc3\xb6rd";	/* UTF-8 */
			back_to_back(protos[i], users[u], sec.secret, &sec,
			    &res, &ck, &sk);
			ASSERT_INT_EQ(res.cli_res & (PPP_AUTH_OK |
			    PPP_AUTH_FAIL), PPP_AUTH_OK);
			ASSERT_INT_EQ(res.srv_res & (PPP_AUTHSRV_OK |
			    PPP_AUTHSRV_FAIL), PPP_AUTHSRV_OK);
			ASSERT_INT_EQ(ck.send_len, sk.send_len);
			ASSERT_INT_EQ(ck.recv_len, sk.recv_len);
			ASSERT_INT_EQ(sk.send_len, protos[i] == PPP_AUTHP_PAP ?
			    0 : 16);
			ASSERT_MEM_EQ(ck.send, sk.send, sk.send_len);
			ASSERT_MEM_EQ(ck.recv, sk.recv, sk.recv_len);
			/* Two different keys, not one key twice. */
			if (sk.send_len == 16)
				ASSERT_TRUE(memcmp(sk.send, sk.recv, 16) != 0);
			ppp_auth_keys_clear(&ck);
			ppp_auth_keys_clear(&sk);
		}
	}
	TEST_DONE();

	TEST_START("client x server: a wrong password fails both sides");
	for (i = 0; i < sizeof protos / sizeof protos[0]; i++) {
		for (u = 0; u < sizeof bad / sizeof bad[0]; u++) {
			memset(&sec, 0, sizeof sec);
			sec.user = bad[u].srv_user;
			sec.secret = bad[u].srv_secret;
			back_to_back(protos[i], "alice", bad[u].cli_pw, &sec,
			    &res, &ck, &sk);
			ASSERT_INT_EQ(res.cli_res & (PPP_AUTH_OK |
			    PPP_AUTH_FAIL), PPP_AUTH_FAIL);
			ASSERT_INT_EQ(res.srv_res & (PPP_AUTHSRV_OK |
			    PPP_AUTHSRV_FAIL), PPP_AUTHSRV_FAIL);
			ASSERT_INT_EQ(ck.send_len, 0);
			ASSERT_INT_EQ(sk.send_len, 0);
		}
	}
	TEST_DONE();
}

/* The authenticator's own lines carry the context it was given. */
static void
test_log_ctx(void)
{
	struct secrets sec = { "User", "clientPass", 0, 0, "" };
	char dir[] = "/tmp/test_authsrv.XXXXXX", path[64], text[2048];
	struct log_conf lc = { .level = LOG_LVL_DEBUG,
	    .sink = LOG_SINK_FILE };
	struct ppp_auth_server *s;
	struct tx t;
	ssize_t n;
	int fd;

	TEST_START("log: a dropped packet's line carries the session");
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/log", dir);
	lc.path = path;
	ASSERT_INT_EQ(log_open(&lc), 0);
	s = server(PPP_AUTHP_MSCHAPV2, &sec);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL)
		return;
	ppp_auth_server_set_log_ctx(s, "session 00112233aabbccdd");
	wbuf_init(&t.w, t.buf, sizeof t.buf);
	ASSERT_INT_EQ(ppp_auth_server_start(s, &t.w), PPP_AUTHSRV_SEND);
	ASSERT_INT_EQ(feed(s, "C2 23 03 07 00 04", &t), 0);
	ppp_auth_server_free(s);
	log_close();
	lc.level = LOG_LVL_ERR;
	lc.sink = LOG_SINK_STDERR;
	(void)log_open(&lc);		/* the harness's default again */
	fd = open(path, O_RDONLY);
	ASSERT_INT_GE(fd, 0);
	n = read(fd, text, sizeof text - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	TH_CHECK(strstr(text, "debug: session 00112233aabbccdd: MS-CHAPv2 "
	    "authenticator: ") != NULL, "log: %.200s", text);
	unlink(path);
	rmdir(dir);
	TEST_DONE();
}

int
main(void)
{
	test_new();
	test_log_ctx();
	test_mschapv2();
	test_pap();
	test_eap();
	test_back_to_back();
	return test_exit();
}
