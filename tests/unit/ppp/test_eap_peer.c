/*
 * test_eap_peer.c - the EAP-MSCHAPv2 / MS-CHAPv2 peer against the RFC 2759
 * 9.2 vector (user "User", password "clientPass", fixed challenges):
 * whole Response frames byte for byte, S= verification (right, wrong,
 * missing), the HLAK of PROTOCOL.md 4.4, E=691 in words, Legacy Nak and
 * an insisting server, retransmissions, and the plain CHAP frame of
 * PROTOCOL.md 6.1.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "crypto/sstp_bind.h"
#include "ppp/eap_peer.h"
#include "ppp/ppp_cp.h"
#include "harness.h"

static const char peer_ch_hex[] =
    "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E";
static const char nt_hex[] =
    "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54"
    "42 33 11 4A 3D 85 D6 DF";
static const char s_ok[] = "S=407A5589115FD0D6209F510FE9C04566932CDA56";
/* PROTOCOL.md 4.4: client MasterSendKey | MasterReceiveKey. */
static const char hlak_hex[] =
    "D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26"
    "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB";

static uint8_t peer_ch[16];

/* Feed one whole frame (hex) to the EAP or CHAP input. */
static int
feed(struct eap_peer *p, const char *hex, uint8_t *out, size_t cap,
    size_t *outlen)
{
	uint8_t f[512];
	struct ppp_frame fr;
	struct wbuf w;
	size_t n = th_unhex(hex, f, sizeof f);
	int r;

	wbuf_init(&w, out, cap);
	if (ppp_frame_parse(f, n, &fr) < 0)
		return -1000;
	if (fr.proto == PPP_PROTO_EAP)
		r = eap_peer_eap_input(p, fr.info, &w);
	else
		r = eap_peer_chap_input(p, fr.info, &w);
	*outlen = w.len;
	return r;
}

/* Same, with a raw frame built by the test. */
static int
feed_raw(struct eap_peer *p, const uint8_t *f, size_t n, uint8_t *out,
    size_t cap, size_t *outlen)
{
	struct ppp_frame fr;
	struct wbuf w;
	int r;

	wbuf_init(&w, out, cap);
	if (ppp_frame_parse(f, n, &fr) < 0)
		return -1000;
	r = fr.proto == PPP_PROTO_EAP ? eap_peer_eap_input(p, fr.info, &w) :
	    eap_peer_chap_input(p, fr.info, &w);
	*outlen = w.len;
	return r;
}

#define ASSERT_FRAME(out, n, hex) do {					\
	uint8_t fx_w[512];						\
	size_t fx_n = th_unhex((hex), fx_w, sizeof fx_w);		\
	ASSERT_INT_EQ((n), fx_n);					\
	ASSERT_MEM_EQ((out), fx_w, fx_n);				\
} while (0)

/* EAP Request/MSCHAPv2 Challenge, id 5, MS id 0x2A, name "SRV". */
static const char challenge[] =
    "FF 03 C2 27 01 05 00 1D 1A 01 2A 00 18 10"
    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28 53 52 56";
static const char response[] =
    "FF 03 C2 27 02 05 00 3F 1A 02 2A 00 3A 31"
    "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E"
    "00 00 00 00 00 00 00 00"
    "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54"
    "42 33 11 4A 3D 85 D6 DF 00 55 73 65 72";

/* Build an EAP Success-Request (opcode 3) carrying msg, id 6. */
static size_t
success_req(uint8_t *f, size_t cap, const char *msg, uint8_t opcode)
{
	struct wbuf w;
	size_t start, ml = strlen(msg);

	wbuf_init(&w, f, cap);
	start = ppp_cp_begin(&w, PPP_PROTO_EAP, 1, 6);
	wbuf_put_u8(&w, 26);
	wbuf_put_u8(&w, opcode);
	wbuf_put_u8(&w, 0x2A);
	wbuf_put_be16(&w, (uint16_t)(4 + ml));
	wbuf_put_bytes(&w, msg, ml);
	ppp_cp_end(&w, start);
	return w.len;
}

static void
start_peer(struct eap_peer *p)
{
	ASSERT_INT_EQ(eap_peer_init(p, "User", "clientPass"), 0);
	p->fixed_peer_ch = peer_ch;
}

/*
 * The HLAK the session derives from the peer's keys (PROTOCOL.md 4.1):
 * MasterSendKey | MasterReceiveKey = MSK[0..31].
 */
static int
peer_hlak(const struct eap_peer *p, uint8_t hlak[32])
{
	uint8_t send[16], recv[16];
	int r;

	r = eap_peer_mppe_keys(p, send, recv);
	if (r == 0)
		r = sstp_bind_hlak(send, sizeof send, recv, sizeof recv, hlak);
	return r;
}

static void
test_eap_exchange(void)
{
	struct eap_peer p;
	uint8_t out[512], f[512], hlak[32], want[32], nt[24];
	size_t n, fl;
	char msg[128];

	TEST_START("EAP-MSCHAPv2 exchange with the RFC 2759 vector");
	start_peer(&p);
	/* Identity. */
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 01 01 00 05 01", out, sizeof out,
	    &n), EAP_PEER_SEND);
	ASSERT_FRAME(out, n, "FF 03 C2 27 02 01 00 09 01 55 73 65 72");
	/* Challenge -> Response, byte for byte. */
	ASSERT_INT_EQ(feed(&p, challenge, out, sizeof out, &n), EAP_PEER_SEND);
	ASSERT_FRAME(out, n, response);
	th_unhex(nt_hex, nt, sizeof nt);
	ASSERT_MEM_EQ(p.nt_resp, nt, 24);
	/* A retransmitted Challenge gets the very same Response. */
	ASSERT_INT_EQ(feed(&p, challenge, out, sizeof out, &n), EAP_PEER_SEND);
	ASSERT_FRAME(out, n, response);
	/* Success-Request with the right S= -> Success Response 03. */
	snprintf(msg, sizeof msg, "%s M=Welcome", s_ok);
	fl = success_req(f, sizeof f, msg, 3);
	ASSERT_INT_EQ(feed_raw(&p, f, fl, out, sizeof out, &n), EAP_PEER_SEND);
	ASSERT_FRAME(out, n, "FF 03 C2 27 02 06 00 06 1A 03");
	ASSERT_INT_EQ(peer_hlak(&p, hlak), -EINVAL);   /* not yet */
	/* EAP Success. */
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 03 06 00 04", out, sizeof out,
	    &n), EAP_PEER_OK);
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(peer_hlak(&p, hlak), 0);
	th_unhex(hlak_hex, want, sizeof want);
	ASSERT_MEM_EQ(hlak, want, 32);
	/* A duplicate Success changes nothing. */
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 03 06 00 04", out, sizeof out,
	    &n), 0);
	eap_peer_clear(&p);
	ASSERT_INT_EQ(p.password[0], 0);
	TEST_DONE();
}

static void
test_eap_bad_s(void)
{
	static const char *const bad[] = {
		"S=407A5589115FD0D6209F510FE9C04566932CDA57 M=x",
		"M=Access granted",
		"S=407A5589115FD0D6209F510FE9C04566932CDA5",
		"",
	};
	struct eap_peer p;
	uint8_t out[512], f[512];
	size_t n, fl, i;

	TEST_START("EAP-MSCHAPv2 Success with a wrong or missing S=");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		start_peer(&p);
		ASSERT_INT_EQ(feed(&p, challenge, out, sizeof out, &n),
		    EAP_PEER_SEND);
		fl = success_req(f, sizeof f, bad[i], 3);
		ASSERT_INT_EQ(feed_raw(&p, f, fl, out, sizeof out, &n),
		    EAP_PEER_FAIL);
		ASSERT_INT_EQ(n, 0);
		ASSERT_TRUE(strstr(eap_peer_reason(&p), "S=") != NULL);
		/* Nothing counts afterwards, not even EAP Success. */
		ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 03 06 00 04", out,
		    sizeof out, &n), 0);
		eap_peer_clear(&p);
	}
	/* EAP Success without any Success-Request. */
	start_peer(&p);
	ASSERT_INT_EQ(feed(&p, challenge, out, sizeof out, &n), EAP_PEER_SEND);
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 03 06 00 04", out, sizeof out,
	    &n), EAP_PEER_FAIL);
	eap_peer_clear(&p);
	TEST_DONE();
}

static void
test_eap_failure(void)
{
	struct eap_peer p;
	uint8_t out[512], f[512];
	size_t n, fl;

	TEST_START("EAP-MSCHAPv2 Failure E=691 reported in words");
	start_peer(&p);
	ASSERT_INT_EQ(feed(&p, challenge, out, sizeof out, &n), EAP_PEER_SEND);
	fl = success_req(f, sizeof f, "E=691 R=0 C=00112233445566778899AABB"
	    "CCDDEEFF V=3 M=Authentication failure", 4);
	ASSERT_INT_EQ(feed_raw(&p, f, fl, out, sizeof out, &n),
	    EAP_PEER_FAIL | EAP_PEER_SEND);
	ASSERT_FRAME(out, n, "FF 03 C2 27 02 06 00 06 1A 04");
	ASSERT_INT_EQ(p.ms_error, 691);
	ASSERT_TRUE(strstr(eap_peer_reason(&p), "691") != NULL);
	ASSERT_TRUE(strstr(eap_peer_reason(&p), "wrong user name or "
	    "password") != NULL);
	ASSERT_TRUE(strstr(eap_peer_reason(&p), "Authentication failure") !=
	    NULL);
	eap_peer_clear(&p);
	ASSERT_STR_EQ(eap_peer_error_text(649), "the account has no dial-in "
	    "(VPN) permission");
	ASSERT_STR_EQ(eap_peer_error_text(1), "unknown error");
	/* Plain EAP Failure. */
	start_peer(&p);
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 04 09 00 04", out, sizeof out,
	    &n), EAP_PEER_FAIL);
	ASSERT_STR_EQ(eap_peer_reason(&p), "the server sent EAP Failure");
	eap_peer_clear(&p);
	TEST_DONE();
}

static void
test_eap_nak(void)
{
	struct eap_peer p;
	uint8_t out[512];
	size_t n;

	TEST_START("Legacy Nak of PEAP/TLS, insisting server, notification");
	start_peer(&p);
	/* PEAP Start -> Nak asking for 26. */
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 01 07 00 06 19 20", out,
	    sizeof out, &n), EAP_PEER_SEND | EAP_PEER_NAKED);
	ASSERT_FRAME(out, n, "FF 03 C2 27 02 07 00 06 03 1A");
	/* Retransmission (same id): the same Nak, not "insisting". */
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 01 07 00 06 19 20", out,
	    sizeof out, &n), EAP_PEER_SEND);
	ASSERT_FRAME(out, n, "FF 03 C2 27 02 07 00 06 03 1A");
	/* Another method: Nak again. */
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 01 08 00 06 0D 20", out,
	    sizeof out, &n), EAP_PEER_SEND | EAP_PEER_NAKED);
	ASSERT_FRAME(out, n, "FF 03 C2 27 02 08 00 06 03 1A");
	/* The same method with a new id: it insists. */
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 01 09 00 06 0D 20", out,
	    sizeof out, &n), EAP_PEER_FAIL);
	ASSERT_TRUE(strstr(eap_peer_reason(&p), "EAP-TLS") != NULL);
	eap_peer_clear(&p);

	/* After a Nak the server follows with MS-CHAPv2: fine. */
	start_peer(&p);
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 01 04 00 05 04", out,
	    sizeof out, &n), EAP_PEER_SEND | EAP_PEER_NAKED);
	ASSERT_INT_EQ(feed(&p, challenge, out, sizeof out, &n), EAP_PEER_SEND);
	ASSERT_FRAME(out, n, response);
	/* Notification: an empty Response of type 2. */
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 01 0A 00 08 02 68 69 21", out,
	    sizeof out, &n), EAP_PEER_SEND);
	ASSERT_FRAME(out, n, "FF 03 C2 27 02 0A 00 05 02");
	eap_peer_clear(&p);
	TEST_DONE();
}

static void
test_eap_malformed(void)
{
	static const char *const bad[] = {
		"FF 03 C2 27 01 05 00 03",		/* Length < 4 */
		"FF 03 C2 27 01 05 00 20 1A 01",	/* Length past end */
		"FF 03 C2 27 01 05 00 04",		/* Request, no type */
		"FF 03 C2 27 01 05 00 0A 1A 01 2A 00 18 10", /* short value */
		"FF 03 C2 27 01 05 00 0E 1A 01 2A 00 18 08 00 00 00 00",
		"FF 03 C2 27 01 05 00 06 03 1A",	/* Nak as a Request */
	};
	struct eap_peer p;
	uint8_t out[512];
	size_t n, i;

	TEST_START("malformed EAP packets are dropped without a state change");
	start_peer(&p);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ASSERT_INT_EQ(feed(&p, bad[i], out, sizeof out, &n), -EBADMSG);
		ASSERT_INT_EQ(n, 0);
		ASSERT_INT_EQ(p.state, EAP_PEER_IDLE);
	}
	/* Trailing padding after Length is ignored (RFC 3748 4). */
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 27 01 01 00 05 01 00 00 00", out,
	    sizeof out, &n), EAP_PEER_SEND);
	ASSERT_FRAME(out, n, "FF 03 C2 27 02 01 00 09 01 55 73 65 72");
	eap_peer_clear(&p);
	ASSERT_INT_EQ(eap_peer_init(&p, NULL, "x"), -EINVAL);
	TEST_DONE();
}

static void
test_chap(void)
{
	struct eap_peer p;
	uint8_t out[512], f[512], hlak[32], want[32];
	size_t n, fl;
	struct wbuf w;
	size_t start;

	TEST_START("MS-CHAPv2 over CHAP: PROTOCOL.md 6.1 frame, S=, HLAK");
	start_peer(&p);
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 23 01 01 00 15 10"
	    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28", out,
	    sizeof out, &n), EAP_PEER_SEND);
	ASSERT_FRAME(out, n,
	    "FF 03 C2 23 02 01 00 3A 31 21 40 23 24 25 5E 26 2A 28 29 5F 2B"
	    "3A 33 7C 7E 00 00 00 00 00 00 00 00 82 30 9E CD 8D 70 8B 5E A0"
	    "8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF 00 55 73 65 72");
	wbuf_init(&w, f, sizeof f);
	start = ppp_cp_begin(&w, PPP_PROTO_CHAP, 3, 1);
	wbuf_put_str(&w, s_ok);
	wbuf_put_str(&w, " M=ok");
	ppp_cp_end(&w, start);
	fl = w.len;
	ASSERT_INT_EQ(feed_raw(&p, f, fl, out, sizeof out, &n), EAP_PEER_OK);
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(peer_hlak(&p, hlak), 0);
	th_unhex(hlak_hex, want, sizeof want);
	ASSERT_MEM_EQ(hlak, want, 32);
	eap_peer_clear(&p);

	/* Wrong S= and E=691. */
	start_peer(&p);
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 23 01 01 00 15 10"
	    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28", out,
	    sizeof out, &n), EAP_PEER_SEND);
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 23 03 01 00 2E 53 3D"
	    "30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30"
	    "30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30",
	    out, sizeof out, &n), EAP_PEER_FAIL);
	eap_peer_clear(&p);
	start_peer(&p);
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 23 01 01 00 15 10"
	    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28", out,
	    sizeof out, &n), EAP_PEER_SEND);
	ASSERT_INT_EQ(feed(&p, "FF 03 C2 23 04 01 00 0C 45 3D 36 34 38 20 52"
	    "3D", out, sizeof out, &n), EAP_PEER_FAIL);
	ASSERT_INT_EQ(p.ms_error, 648);
	ASSERT_TRUE(strstr(eap_peer_reason(&p), "expired") != NULL);
	eap_peer_clear(&p);
	TEST_DONE();
}

int
main(void)
{
	th_unhex(peer_ch_hex, peer_ch, sizeof peer_ch);
	test_eap_exchange();
	test_eap_bad_s();
	test_eap_failure();
	test_eap_nak();
	test_eap_malformed();
	test_chap();
	return test_exit();
}
