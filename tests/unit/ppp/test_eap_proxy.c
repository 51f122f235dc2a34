/*
 * test_eap_proxy.c - the whole --eap-auth proxy with both peers played by
 * the test: LCP through the mediator, pppd's IPCP held (retransmissions
 * replacing it) until EAP Success, the EAP-MSCHAPv2 exchange with the
 * server side computed here from ms_funcs (S= over the random Peer
 * Challenge), the HLAK handed over, stateless MPPE-128 negotiated with the
 * server and applied both ways, CCP refused toward pppd, a wrong S=
 * failing with the authentication failure class, and the EAP-stall fallback.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "ppp/eap_proxy.h"
#include "crypto/ms_funcs.h"
#include "crypto/sstp_bind.h"
#include "ppp/mppe.h"
#include "ppp/ppp_cp.h"
#include "harness.h"

#define CAP_N	32

#include "ppp_capture.h"

static int auth_done_calls, fail_calls, fail_code;
static uint8_t got_hlak[32];
static char fail_msg[300];

static void
cb_done(void *arg, const struct ppp_auth_keys *k)
{
	auth_done_calls++;
	/* The HLAK the session derives from the reported keys. */
	if (sstp_bind_hlak(k->send, k->send_len, k->recv, k->recv_len,
	    got_hlak) < 0)
		memset(got_hlak, 0xee, sizeof got_hlak);
}

static void
cb_fail(void *arg, enum eap_proxy_fail why, const char *msg)
{
	fail_calls++;
	fail_code = (int)why;
	snprintf(fail_msg, sizeof fail_msg, "%s", msg);
}

static const struct eap_proxy_ops ops = { cb_srv, cb_ppp, cb_done, cb_fail };

static void
reset(void)
{
	memset(&to_srv, 0, sizeof to_srv);
	memset(&to_ppp, 0, sizeof to_ppp);
	auth_done_calls = fail_calls = fail_code = 0;
	fail_msg[0] = '\0';
}

static void
from_srv(struct eap_proxy *p, uint64_t now, const char *hex)
{
	uint8_t f[PPP_FRAME_MAX];
	size_t n = th_unhex(hex, f, sizeof f);

	eap_proxy_from_server(p, now, f, n);
}

static void
from_ppp(struct eap_proxy *p, uint64_t now, const char *hex)
{
	uint8_t f[PPP_FRAME_MAX];
	size_t n = th_unhex(hex, f, sizeof f);

	eap_proxy_from_pppd(p, now, f, n);
}

#define EXPECT(c, i, hex) do {						\
	uint8_t fx_w[PPP_FRAME_MAX];					\
	size_t fx_n = th_unhex((hex), fx_w, sizeof fx_w);		\
	ASSERT_INT_GE((c).n, (i) + 1);					\
	if ((c).n >= (i) + 1) {						\
		ASSERT_INT_EQ((c).len[(i)], fx_n);			\
		ASSERT_MEM_EQ((c).f[(i)], fx_w, fx_n);			\
	}								\
} while (0)

static const char ipcp1[] = "FF 03 80 21 01 01 00 0A 03 06 00 00 00 00";
static const char ipcp2[] = "FF 03 80 21 01 02 00 0A 03 06 00 00 00 00";
static const char ping[] = "FF 03 00 21 45 00 00 14 00 01 00 00 40 01 00 00"
    "C0 00 02 02 C0 00 02 01";

/* LCP up with the server asking for EAP; pppd's IPCP held. */
static void
lcp_up(struct eap_proxy *p)
{
	from_srv(p, 0, "FF 03 C0 21 01 01 00 12 01 04 05 DC 03 04 C2 27 05 06"
	    "AA BB CC DD");
	EXPECT(to_ppp, 0, "FF 03 C0 21 01 01 00 0E 01 04 05 DC 05 06 AA BB CC"
	    "DD");
	from_ppp(p, 0, "FF 03 C0 21 02 01 00 0E 01 04 05 DC 05 06 AA BB CC DD");
	EXPECT(to_srv, 0, "FF 03 C0 21 02 01 00 12 01 04 05 DC 03 04 C2 27 05"
	    "06 AA BB CC DD");
	from_ppp(p, 0, "FF 03 C0 21 01 01 00 0A 05 06 11 22 33 44");
	EXPECT(to_srv, 1, "FF 03 C0 21 01 01 00 0A 05 06 11 22 33 44");
	from_srv(p, 0, "FF 03 C0 21 02 01 00 0A 05 06 11 22 33 44");
	EXPECT(to_ppp, 1, "FF 03 C0 21 02 01 00 0A 05 06 11 22 33 44");
	/* pppd (noauth) goes to IPCP at once: held, then replaced. */
	from_ppp(p, 0, ipcp1);
	from_ppp(p, 3000, ipcp2);
	from_ppp(p, 3000, ping);
	ASSERT_INT_EQ(to_srv.n, 2);
}

/*
 * Play the EAP server: Identity, Challenge, then a Success-Request whose
 * S= is computed here (or spoiled); returns the NT-Response seen.
 */
static void
eap_server(struct eap_proxy *p, bool spoil, uint8_t nt[24])
{
	static const uint8_t auth_ch[16] = { 0x5B, 0x5D, 0x7C, 0x7D, 0x7B,
	    0x3F, 0x2F, 0x3E, 0x3C, 0x2C, 0x60, 0x21, 0x32, 0x26, 0x26, 0x28 };
	char s[MS_AUTH_RESPONSE_LEN + 1];
	uint8_t f[256], peer_ch[16];
	struct wbuf w;
	size_t start;
	int base = to_srv.n;

	from_srv(p, 100, "FF 03 C2 27 01 21 00 05 01");
	EXPECT(to_srv, base, "FF 03 C2 27 02 21 00 0A 01 61 6C 69 63 65");
	from_srv(p, 200, "FF 03 C2 27 01 22 00 1D 1A 01 07 00 18 10"
	    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28 53 52 56");
	ASSERT_INT_EQ(to_srv.n, base + 2);
	ASSERT_INT_EQ(to_srv.len[base + 1], 4 + 59 + 5);
	ASSERT_MEM_EQ(to_srv.f[base + 1], "\xff\x03\xc2\x27\x02\x22\x00\x40"
	    "\x1a\x02\x07\x00\x3b\x31", 14);
	memcpy(peer_ch, to_srv.f[base + 1] + 14, 16);
	memcpy(nt, to_srv.f[base + 1] + 14 + 16 + 8, 24);
	ASSERT_MEM_EQ(to_srv.f[base + 1] + 14 + 16 + 8 + 24, "\x00" "alice", 6);
	ASSERT_INT_EQ(ms_generate_authenticator_response("p4ss", nt, peer_ch,
	    auth_ch, "alice", s), 0);
	if (spoil)
		s[10] = s[10] == 'A' ? 'B' : 'A';
	wbuf_init(&w, f, sizeof f);
	start = ppp_cp_begin(&w, PPP_PROTO_EAP, 1, 0x23);
	wbuf_put_u8(&w, 26);
	wbuf_put_u8(&w, 3);
	wbuf_put_u8(&w, 7);
	wbuf_put_be16(&w, (uint16_t)(4 + strlen(s)));
	wbuf_put_str(&w, s);
	ppp_cp_end(&w, start);
	eap_proxy_from_server(p, 300, f, w.len);
}

static void
test_eap_flow(void)
{
	struct eap_proxy *p;
	uint8_t nt[24], send[16], recv[16], hlak[32];

	TEST_START("EAP-MSCHAPv2 through the proxy; NCP held, then released");
	reset();
	p = eap_proxy_new("alice", "p4ss", &ops, NULL);
	ASSERT_PTR_NOT_NULL(p);
	lcp_up(p);
	eap_server(p, false, nt);
	EXPECT(to_srv, 4, "FF 03 C2 27 02 23 00 06 1A 03");
	ASSERT_INT_EQ(auth_done_calls, 0);
	from_srv(p, 400, "FF 03 C2 27 03 23 00 04");
	ASSERT_INT_EQ(auth_done_calls, 1);
	ASSERT_INT_EQ(fail_calls, 0);
	ASSERT_INT_EQ(ms_chapv2_client_keys("p4ss", nt, send, recv), 0);
	ASSERT_INT_EQ(sstp_bind_hlak(send, 16, recv, 16, hlak), 0);
	ASSERT_MEM_EQ(got_hlak, hlak, 32);
	/* Only the latest IPCP request was released. */
	ASSERT_INT_EQ(to_srv.n, 6);
	EXPECT(to_srv, 5, ipcp2);
	/* From now on NCPs and data pass as they are. */
	from_ppp(p, 500, ping);
	EXPECT(to_srv, 6, ping);
	from_srv(p, 500, "FF 03 80 21 02 02 00 0A 03 06 00 00 00 00");
	ASSERT_INT_EQ(to_ppp.n, 3);
	/* No EAP ever reached pppd. */
	ASSERT_INT_EQ(to_ppp.f[2][2], 0x80);
	/* pppd's CCP is refused with an LCP Protocol-Reject. */
	from_ppp(p, 600, "FF 03 80 FD 01 05 00 0A 12 06 01 00 00 40");
	ASSERT_INT_EQ(to_ppp.n, 4);
	ASSERT_MEM_EQ(to_ppp.f[3], "\xff\x03\xc0\x21\x08", 5);
	ASSERT_MEM_EQ(to_ppp.f[3] + 8, "\x80\xfd\x01\x05", 4);
	ASSERT_INT_EQ(to_srv.n, 7);
	ASSERT_INT_EQ(eap_proxy_deadline(p), UINT64_MAX);
	eap_proxy_free(p);
	TEST_DONE();
}

static void
test_mppe_flow(void)
{
	struct eap_proxy *p;
	struct mppe_ctx srv_rx, srv_tx;
	uint8_t nt[24], send[16], recv[16], out[128], plain[64];
	struct ppp_frame fr;
	struct wbuf w;
	size_t pn;
	int i;

	TEST_START("MPPE-128 stateless negotiated with the server, both ways");
	reset();
	p = eap_proxy_new("alice", "p4ss", &ops, NULL);
	lcp_up(p);
	eap_server(p, false, nt);
	from_srv(p, 400, "FF 03 C2 27 03 23 00 04");
	ASSERT_INT_EQ(auth_done_calls, 1);
	ASSERT_INT_EQ(to_srv.n, 6);
	/* The server asks for MPPE: sstpc Acks and asks the same. */
	from_srv(p, 500, "FF 03 80 FD 01 09 00 0A 12 06 01 00 00 40");
	ASSERT_INT_EQ(to_srv.n, 8);
	EXPECT(to_srv, 6, "FF 03 80 FD 02 09 00 0A 12 06 01 00 00 40");
	ASSERT_MEM_EQ(to_srv.f[7], "\xff\x03\x80\xfd\x01", 5);
	ASSERT_MEM_EQ(to_srv.f[7] + 8, "\x12\x06\x01\x00\x00\x40", 6);
	ASSERT_INT_NE(eap_proxy_deadline(p), UINT64_MAX);
	/* While CCP is not up, pppd's IP is not sent in clear. */
	from_ppp(p, 510, ping);
	ASSERT_INT_EQ(to_srv.n, 8);
	{
		char hex[64];

		snprintf(hex, sizeof hex, "FF 03 80 FD 02 %02X 00 0A 12 06 01"
		    "00 00 40", to_srv.f[7][5]);
		from_srv(p, 520, hex);
	}
	/* The server's view: it receives with the client's send key. */
	ASSERT_INT_EQ(ms_chapv2_client_keys("p4ss", nt, send, recv), 0);
	ASSERT_INT_EQ(mppe_init(&srv_rx, send, MS_MPPE_128, true), 0);
	ASSERT_INT_EQ(mppe_init(&srv_tx, recv, MS_MPPE_128, true), 0);
	for (i = 0; i < 3; i++) {
		from_ppp(p, 600, ping);
		ASSERT_INT_EQ(to_srv.n, 9 + i);
		ASSERT_INT_EQ(ppp_frame_parse(to_srv.f[8 + i],
		    to_srv.len[8 + i], &fr), 0);
		ASSERT_INT_EQ(fr.proto, PPP_PROTO_MPPE);
		wbuf_init(&w, out, sizeof out);
		ASSERT_INT_EQ(mppe_decrypt(&srv_rx, 600, fr.info, &w), 0);
		pn = th_unhex(ping, plain, sizeof plain);
		ASSERT_INT_EQ(w.len, pn - 2);
		ASSERT_MEM_EQ(out, plain + 2, pn - 2);
	}
	/* And the other way: the server encrypts, pppd gets it plain. */
	wbuf_init(&w, out, sizeof out);
	ppp_put_hdr(&w, PPP_PROTO_MPPE);
	pn = th_unhex(ping, plain, sizeof plain);
	ASSERT_INT_EQ(mppe_encrypt(&srv_tx, 0x0021, plain + 4, pn - 4, &w), 0);
	eap_proxy_from_server(p, 700, out, w.len);
	ASSERT_INT_EQ(to_ppp.n, 3);
	EXPECT(to_ppp, 2, ping);
	/* Unencrypted IP from the server is dropped while MPPE is on. */
	eap_proxy_from_server(p, 700, plain, pn);
	ASSERT_INT_EQ(to_ppp.n, 3);
	mppe_clear(&srv_rx);
	mppe_clear(&srv_tx);
	eap_proxy_free(p);
	TEST_DONE();
}

static void
test_bad_s(void)
{
	struct eap_proxy *p;
	uint8_t nt[24];
	int n;

	TEST_START("wrong S=: LCP Terminate and the auth-failure status");
	reset();
	p = eap_proxy_new("alice", "p4ss", &ops, NULL);
	lcp_up(p);
	eap_server(p, true, nt);
	ASSERT_INT_EQ(fail_calls, 1);
	ASSERT_INT_EQ(fail_code, EAP_PROXY_FAIL_AUTH);
	ASSERT_TRUE(strstr(fail_msg, "S=") != NULL);
	ASSERT_INT_EQ(auth_done_calls, 0);
	n = to_srv.n;
	ASSERT_MEM_EQ(to_srv.f[n - 1], "\xff\x03\xc0\x21\x05", 5);
	/* EAP Success afterwards changes nothing; pppd's LCP still flows. */
	from_srv(p, 400, "FF 03 C2 27 03 23 00 04");
	ASSERT_INT_EQ(auth_done_calls, 0);
	from_ppp(p, 500, "FF 03 C0 21 05 09 00 04");
	ASSERT_INT_EQ(to_srv.n, n + 1);
	ASSERT_INT_EQ(fail_calls, 1);
	eap_proxy_free(p);
	TEST_DONE();
}

static void
test_stall_fallback(void)
{
	struct eap_proxy *p;
	uint64_t dl;
	char hex[80];
	int n;

	TEST_START("EAP-TLS only, then silence: LCP redone for MS-CHAPv2");
	reset();
	p = eap_proxy_new("alice", "p4ss", &ops, NULL);
	lcp_up(p);
	from_srv(p, 100, "FF 03 C2 27 01 21 00 05 01");
	from_srv(p, 200, "FF 03 C2 27 01 22 00 06 0D 20");
	EXPECT(to_srv, 3, "FF 03 C2 27 02 22 00 06 03 1A");
	dl = eap_proxy_deadline(p);
	ASSERT_INT_EQ(dl, 2200);
	eap_proxy_timer(p, dl);
	n = to_srv.n;
	ASSERT_INT_EQ(n, 5);
	/* pppd's request replayed under sstpc's own identifier. */
	ASSERT_INT_EQ(to_srv.len[4], 14);
	ASSERT_MEM_EQ(to_srv.f[4], "\xff\x03\xc0\x21\x01", 5);
	ASSERT_MEM_EQ(to_srv.f[4] + 6, "\x00\x0a\x05\x06\x11\x22\x33\x44", 8);
	from_srv(p, 2300, "FF 03 C0 21 01 40 00 12 01 04 05 DC 03 04 C2 27 05"
	    "06 AA BB CC DD");
	EXPECT(to_srv, 5, "FF 03 C0 21 03 40 00 09 03 05 C2 23 81");
	from_srv(p, 2400, "FF 03 C0 21 01 41 00 13 01 04 05 DC 03 05 C2 23 81"
	    "05 06 AA BB CC DD");
	EXPECT(to_srv, 6, "FF 03 C0 21 02 41 00 13 01 04 05 DC 03 05 C2 23 81"
	    "05 06 AA BB CC DD");
	snprintf(hex, sizeof hex, "FF 03 C0 21 02 %02X 00 0A 05 06 11 22 33 44",
	    to_srv.f[4][5]);
	from_srv(p, 2500, hex);
	ASSERT_INT_EQ(to_ppp.n, 2);		/* pppd saw nothing */
	/* MS-CHAPv2 Challenge now goes to the CHAP peer. */
	from_srv(p, 2600, "FF 03 C2 23 01 09 00 15 10"
	    "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28");
	ASSERT_INT_EQ(to_srv.n, 8);
	ASSERT_MEM_EQ(to_srv.f[7], "\xff\x03\xc2\x23\x02\x09\x00\x3b\x31", 9);
	/* E=691: the auth-failure status, in words. */
	from_srv(p, 2700, "FF 03 C2 23 04 09 00 0D 45 3D 36 39 31 20 52 3D 30");
	ASSERT_INT_EQ(fail_calls, 1);
	ASSERT_INT_EQ(fail_code, EAP_PROXY_FAIL_AUTH);
	ASSERT_TRUE(strstr(fail_msg, "691") != NULL);
	ASSERT_TRUE(strstr(fail_msg, "password") != NULL);
	eap_proxy_free(p);
	TEST_DONE();
}

int
main(void)
{
	test_eap_flow();
	test_mppe_flow();
	test_bad_s();
	test_stall_fallback();
	return test_exit();
}
