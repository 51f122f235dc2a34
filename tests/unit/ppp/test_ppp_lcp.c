/*
 * test_ppp_lcp.c - LCP mediation of --eap-auth, both ways, byte for byte:
 * the Windows 2016 option set (PROTOCOL.md 7.4), Configure-Ack rewritten
 * to the Request it acknowledges on each side, Nak and Reject passing,
 * unacceptable authentication protocols Nak'ed to MS-CHAPv2, pppd's own
 * auth request refused, echo/terminate end to end, Protocol-Reject of the
 * protocols sstpc speaks, and renegotiation answered by sstpc alone.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "ppp/lcp_mediate.h"
#include "ppp/ppp_cp.h"
#include "harness.h"

#define CAP_N	16

#include "ppp_capture.h"


static const struct lcp_med_ops ops = { cb_srv, cb_ppp };

static void
reset_caps(void)
{
	memset(&to_srv, 0, sizeof to_srv);
	memset(&to_ppp, 0, sizeof to_ppp);
}

/* Feed a whole LCP frame (hex) from one side; return the events. */
static int
feed(struct lcp_med *m, bool from_server, uint64_t now, const char *hex)
{
	uint8_t f[PPP_FRAME_MAX];
	struct ppp_frame fr;
	size_t n = th_unhex(hex, f, sizeof f);

	if (ppp_frame_parse(f, n, &fr) < 0 || fr.proto != PPP_PROTO_LCP)
		return -1000;
	return from_server ? lcp_med_from_server(m, now, fr.info) :
	    lcp_med_from_pppd(m, now, fr.info);
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

/* Server 2016 request after the rejects (MRU 4091, EAP, magic). */
static const char srv_req2[] =
    "FF 03 C0 21 01 02 00 12 01 04 0F FB 03 04 C2 27 05 06 AA BB CC DD";
static const char pppd_req[] =
    "FF 03 C0 21 01 01 00 14 01 04 05 DC 02 06 00 00 00 00 05 06 11 22 33 44";
static const char pppd_ack_of_srv[] =
    "FF 03 C0 21 02 01 00 14 01 04 05 DC 02 06 00 00 00 00 05 06 11 22 33 44";

/* Bring a mediator to Opened with EAP through the Windows 2016 set. */
static void
open_win2016(struct lcp_med *m)
{
	int ev;

	lcp_med_init(m, &ops, NULL, 0x80);
	reset_caps();
	/* 1: the full Windows 2016 set: sstpc rejects 13, 17, 19 itself. */
	ev = feed(m, true, 0, "FF 03 C0 21 01 01 00 2C 01 04 0F FB 03 04 C2 27"
	    "05 06 AA BB CC DD 0D 03 06 11 04 06 4E 13 13 01"
	    "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F");
	ASSERT_INT_EQ(ev, 0);
	ASSERT_INT_EQ(to_ppp.n, 0);
	ASSERT_INT_EQ(to_srv.n, 1);
	EXPECT(to_srv, 0, "FF 03 C0 21 04 01 00 1E 0D 03 06 11 04 06 4E 13 13"
	    "01 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F");
	/* 2: without them: pppd sees it minus the auth option. */
	ev = feed(m, true, 0, srv_req2);
	ASSERT_INT_EQ(ev, 0);
	ASSERT_INT_EQ(to_ppp.n, 1);
	EXPECT(to_ppp, 0, "FF 03 C0 21 01 02 00 0E 01 04 0F FB 05 06 AA BB"
	    "CC DD");
	/* pppd's Ack becomes an Ack of the server's own request. */
	ev = feed(m, false, 0, "FF 03 C0 21 02 02 00 0E 01 04 0F FB 05 06 AA BB"
	    "CC DD");
	ASSERT_INT_EQ(ev, 0);
	ASSERT_INT_EQ(to_srv.n, 2);
	EXPECT(to_srv, 1, "FF 03 C0 21 02 02 00 12 01 04 0F FB 03 04 C2 27"
	    "05 06 AA BB CC DD");
	/* pppd's request goes through unchanged, so does the Ack. */
	ev = feed(m, false, 0, pppd_req);
	ASSERT_INT_EQ(ev, 0);
	EXPECT(to_srv, 2, pppd_req);
	ev = feed(m, true, 0, pppd_ack_of_srv);
	ASSERT_INT_EQ(ev, LCP_MED_OPENED);
	EXPECT(to_ppp, 1, pppd_ack_of_srv);
	ASSERT_INT_EQ(m->auth, LCP_AUTH_EAP);
	ASSERT_TRUE(m->opened);
}

static void
test_win2016(void)
{
	struct lcp_med m;

	TEST_START("Windows 2016 option set: reject, strip auth, Ack rewrite");
	open_win2016(&m);
	TEST_DONE();
}

static void
test_nak_rej_passing(void)
{
	struct lcp_med m;
	int ev;

	TEST_START("Nak/Reject pass both ways; auth stripped toward pppd");
	lcp_med_init(&m, &ops, NULL, 0x10);
	reset_caps();
	/* Server: MRU 100, MS-CHAPv2, magic; pppd Naks the MRU. */
	ev = feed(&m, true, 0, "FF 03 C0 21 01 05 00 13 01 04 00 64 03 05 C2"
	    "23 81 05 06 01 02 03 04");
	ASSERT_INT_EQ(ev, 0);
	EXPECT(to_ppp, 0, "FF 03 C0 21 01 05 00 0E 01 04 00 64 05 06 01 02 03"
	    "04");
	ev = feed(&m, false, 0, "FF 03 C0 21 03 05 00 08 01 04 05 DC");
	EXPECT(to_srv, 0, "FF 03 C0 21 03 05 00 08 01 04 05 DC");
	/* A Reject from pppd passes too (ACCM, say). */
	ev = feed(&m, true, 0, "FF 03 C0 21 01 06 00 19 01 04 05 DC 02 06 00 00"
	    "00 00 03 05 C2 23 81 05 06 01 02 03 04");
	EXPECT(to_ppp, 1, "FF 03 C0 21 01 06 00 14 01 04 05 DC 02 06 00 00 00"
	    "00 05 06 01 02 03 04");
	ev = feed(&m, false, 0, "FF 03 C0 21 04 06 00 0A 02 06 00 00 00 00");
	EXPECT(to_srv, 1, "FF 03 C0 21 04 06 00 0A 02 06 00 00 00 00");
	/* A late answer with the old id is dropped. */
	ev = feed(&m, false, 0, "FF 03 C0 21 03 05 00 08 01 04 05 DC");
	ASSERT_INT_EQ(to_srv.n, 2);
	ev = feed(&m, false, 0, "FF 03 C0 21 02 05 00 08 01 04 05 DC");
	ASSERT_INT_EQ(to_srv.n, 2);
	/* An Ack that does not match what pppd was shown is dropped. */
	ev = feed(&m, false, 0, "FF 03 C0 21 02 06 00 08 01 04 05 DC");
	ASSERT_INT_EQ(to_srv.n, 2);
	/* The server Naks and Rejects pppd's request: to pppd as is ... */
	ev = feed(&m, false, 0, pppd_req);
	EXPECT(to_srv, 2, pppd_req);
	ev = feed(&m, true, 0, "FF 03 C0 21 03 01 00 08 01 04 05 78");
	EXPECT(to_ppp, 2, "FF 03 C0 21 03 01 00 08 01 04 05 78");
	ev = feed(&m, true, 0, "FF 03 C0 21 04 01 00 0A 02 06 00 00 00 00");
	EXPECT(to_ppp, 3, "FF 03 C0 21 04 01 00 0A 02 06 00 00 00 00");
	/* ... except an auth option, which pppd never sees. */
	ev = feed(&m, true, 0, "FF 03 C0 21 03 01 00 0C 03 04 C2 27 01 04 05"
	    "78");
	EXPECT(to_ppp, 4, "FF 03 C0 21 03 01 00 08 01 04 05 78");
	ev = feed(&m, true, 0, "FF 03 C0 21 03 01 00 08 03 04 C2 27");
	ASSERT_INT_EQ(to_ppp.n, 5);
	(void)ev;
	TEST_DONE();
}

static void
test_auth_choice(void)
{
	struct lcp_med m;
	int ev, i;

	TEST_START("PAP/CHAP-MD5 Nak'ed to MS-CHAPv2; insisting PAP fails");
	lcp_med_init(&m, &ops, NULL, 0x10);
	reset_caps();
	ev = feed(&m, true, 0, "FF 03 C0 21 01 01 00 08 03 04 C0 23");
	ASSERT_INT_EQ(ev, 0);
	ASSERT_INT_EQ(to_ppp.n, 0);
	EXPECT(to_srv, 0, "FF 03 C0 21 03 01 00 09 03 05 C2 23 81");
	ev = feed(&m, true, 0, "FF 03 C0 21 01 02 00 09 03 05 C2 23 05");
	EXPECT(to_srv, 1, "FF 03 C0 21 03 02 00 09 03 05 C2 23 81");
	ev = feed(&m, true, 0, "FF 03 C0 21 01 03 00 09 03 05 C2 23 80");
	EXPECT(to_srv, 2, "FF 03 C0 21 03 03 00 09 03 05 C2 23 81");
	ev = feed(&m, true, 0, "FF 03 C0 21 01 04 00 08 03 04 C0 23");
	ASSERT_INT_EQ(ev, LCP_MED_FAIL);
	ASSERT_TRUE(strstr(lcp_med_reason(&m), "PAP") != NULL);
	ASSERT_INT_EQ(to_srv.n, 3);
	/* MS-CHAPv2 goes to pppd without the option. */
	lcp_med_init(&m, &ops, NULL, 0x10);
	reset_caps();
	ev = feed(&m, true, 0, "FF 03 C0 21 01 01 00 09 03 05 C2 23 81");
	EXPECT(to_ppp, 0, "FF 03 C0 21 01 01 00 04");
	ev = feed(&m, false, 0, "FF 03 C0 21 02 01 00 04");
	EXPECT(to_srv, 0, "FF 03 C0 21 02 01 00 09 03 05 C2 23 81");
	/* pppd asks the server to authenticate: refused toward pppd. */
	ev = feed(&m, false, 0, "FF 03 C0 21 01 07 00 0E 01 04 05 DC 03 06 C2"
	    "23 81 00");
	EXPECT(to_ppp, 1, "FF 03 C0 21 04 07 00 0A 03 06 C2 23 81 00");
	ASSERT_INT_EQ(to_srv.n, 1);
	/* A malformed server request is dropped. */
	ev = feed(&m, true, 0, "FF 03 C0 21 01 08 00 08 01 00 05 DC");
	ASSERT_INT_EQ(to_srv.n, 1);
	ASSERT_INT_EQ(to_ppp.n, 2);
	/* avoid_eap: EAP Nak'ed twice, then accepted (server insists). */
	lcp_med_init(&m, &ops, NULL, 0x10);
	m.avoid_eap = true;
	reset_caps();
	for (i = 0; i < 2; i++) {
		ev = feed(&m, true, 0, "FF 03 C0 21 01 01 00 08 03 04 C2 27");
		EXPECT(to_srv, i, "FF 03 C0 21 03 01 00 09 03 05 C2 23 81");
	}
	ev = feed(&m, true, 0, "FF 03 C0 21 01 01 00 08 03 04 C2 27");
	ASSERT_INT_EQ(to_srv.n, 2);
	EXPECT(to_ppp, 0, "FF 03 C0 21 01 01 00 04");
	ASSERT_FALSE(m.avoid_eap);
	(void)ev;
	TEST_DONE();
}

static void
test_passthrough(void)
{
	struct lcp_med m;
	uint8_t info[8];
	int ev;

	TEST_START("echo, terminate, protocol-reject, code-reject");
	open_win2016(&m);
	reset_caps();
	ev = feed(&m, false, 0, "FF 03 C0 21 09 11 00 08 11 22 33 44");
	EXPECT(to_srv, 0, "FF 03 C0 21 09 11 00 08 11 22 33 44");
	ev = feed(&m, true, 0, "FF 03 C0 21 0A 11 00 08 AA BB CC DD");
	EXPECT(to_ppp, 0, "FF 03 C0 21 0A 11 00 08 AA BB CC DD");
	ev = feed(&m, true, 0, "FF 03 C0 21 09 12 00 0A AA BB CC DD 01 02");
	EXPECT(to_ppp, 1, "FF 03 C0 21 09 12 00 0A AA BB CC DD 01 02");
	ev = feed(&m, true, 0, "FF 03 C0 21 08 13 00 08 C2 27 01 02");
	ASSERT_INT_EQ(ev, LCP_MED_PROTREJ);
	ASSERT_INT_EQ(m.rejected_proto, PPP_PROTO_EAP);
	ASSERT_INT_EQ(to_ppp.n, 2);
	ev = feed(&m, true, 0, "FF 03 C0 21 08 14 00 08 80 57 01 02");
	ASSERT_INT_EQ(ev, 0);
	EXPECT(to_ppp, 2, "FF 03 C0 21 08 14 00 08 80 57 01 02");
	ev = feed(&m, true, 0, "FF 03 C0 21 07 15 00 06 1F 01");
	EXPECT(to_ppp, 3, "FF 03 C0 21 07 15 00 06 1F 01");
	th_unhex("01 09 00 08", info, sizeof info);
	lcp_med_protocol_reject_pppd(&m, PPP_PROTO_CCP, bcur_make(info, 4));
	ASSERT_INT_EQ(to_ppp.n, 5);
	ASSERT_INT_EQ(to_ppp.len[4], 14);
	ASSERT_MEM_EQ(to_ppp.f[4] + 8, "\x80\xfd\x01\x09\x00\x08", 6);
	ASSERT_INT_EQ(to_ppp.f[4][4], PPP_PROTO_REJ);
	ev = feed(&m, true, 0, "FF 03 C0 21 05 16 00 08 62 79 65 21");
	ASSERT_INT_EQ(ev, LCP_MED_DOWN | LCP_MED_TERMINATE);
	EXPECT(to_ppp, 5, "FF 03 C0 21 05 16 00 08 62 79 65 21");
	ev = feed(&m, false, 0, "FF 03 C0 21 06 16 00 04");
	EXPECT(to_srv, 1, "FF 03 C0 21 06 16 00 04");
	lcp_med_terminate(&m, "x");
	ASSERT_INT_EQ(to_srv.n, 3);
	ASSERT_INT_EQ(to_srv.f[2][4], PPP_TERM_REQ);
	ASSERT_INT_EQ(to_srv.len[2], 9);
	TEST_DONE();
}

static void
test_renegotiation(void)
{
	struct lcp_med m;
	uint8_t rid;
	char hex[128];
	int ev, i;

	TEST_START("server renegotiates auth only: sstpc answers alone");
	open_win2016(&m);
	reset_caps();
	/* XX: SoftEther after an EAP Nak: a Request with MS-CHAPv2 alone. */
	ev = feed(&m, true, 1000, "FF 03 C0 21 01 30 00 09 03 05 C2 23 81");
	ASSERT_INT_EQ(ev, LCP_MED_DOWN);
	ASSERT_INT_EQ(to_ppp.n, 0);
	ASSERT_INT_EQ(to_srv.n, 2);
	EXPECT(to_srv, 0, "FF 03 C0 21 02 30 00 09 03 05 C2 23 81");
	/* The replay of pppd's request, with sstpc's own identifier. */
	ASSERT_INT_EQ(to_srv.len[1], 24);
	ASSERT_INT_EQ(to_srv.f[1][4], PPP_CONF_REQ);
	rid = to_srv.f[1][5];
	ASSERT_INT_NE(rid, 1);
	ASSERT_MEM_EQ(to_srv.f[1] + 8, "\x01\x04\x05\xdc", 4);
	ASSERT_INT_EQ(lcp_med_deadline(&m), 1000 + LCP_MED_REPLAY_MS);
	snprintf(hex, sizeof hex, "FF 03 C0 21 02 %02X 00 14 01 04 05 DC 02 06"
	    "00 00 00 00 05 06 11 22 33 44", rid);
	ev = feed(&m, true, 1500, hex);
	ASSERT_INT_EQ(ev, LCP_MED_OPENED);
	ASSERT_INT_EQ(m.auth, LCP_AUTH_MSCHAPV2);
	ASSERT_INT_EQ(to_ppp.n, 0);
	ASSERT_INT_EQ(lcp_med_deadline(&m), UINT64_MAX);
	TEST_DONE();

	TEST_START("sstpc restarts LCP to avoid EAP; replay timer");
	reset_caps();
	ASSERT_INT_EQ(lcp_med_renegotiate(&m, 2000, true), 0);
	ASSERT_FALSE(m.opened);
	ASSERT_INT_EQ(to_srv.n, 1);
	rid = to_srv.f[0][5];
	/* The server answers with EAP again: Nak'ed to MS-CHAPv2. */
	ev = feed(&m, true, 2100, srv_req2);
	EXPECT(to_srv, 1, "FF 03 C0 21 03 02 00 09 03 05 C2 23 81");
	/* Then MS-CHAPv2 with a new magic: answered alone. */
	ev = feed(&m, true, 2200, "FF 03 C0 21 01 03 00 13 01 04 0F FB 03 05 C2"
	    "23 81 05 06 55 66 77 88");
	ASSERT_INT_EQ(ev, 0);
	EXPECT(to_srv, 2, "FF 03 C0 21 02 03 00 13 01 04 0F FB 03 05 C2 23 81"
	    "05 06 55 66 77 88");
	ASSERT_INT_EQ(to_ppp.n, 0);
	/* The replay is retransmitted, then sstpc gives up. */
	for (i = 0; i < LCP_MED_REPLAY_TRIES - 1; i++) {
		ASSERT_INT_EQ(lcp_med_timer(&m, lcp_med_deadline(&m)), 0);
		ASSERT_INT_EQ(to_srv.f[to_srv.n - 1][5], rid);
	}
	ASSERT_INT_EQ(to_srv.n, 3 + LCP_MED_REPLAY_TRIES - 1);
	ASSERT_INT_EQ(lcp_med_timer(&m, lcp_med_deadline(&m)), LCP_MED_FAIL);
	ASSERT_TRUE(strstr(lcp_med_reason(&m), "renegotiation") != NULL);
	TEST_DONE();

	TEST_START("renegotiation with new options goes to pppd");
	open_win2016(&m);
	reset_caps();
	ev = feed(&m, true, 0, "FF 03 C0 21 01 31 00 0E 01 04 05 00 03 04 C2 27"
	    "05 06 AA BB CC DD");
	ev = feed(&m, true, 0, "FF 03 C0 21 01 32 00 12 01 04 05 00 03 04 C2 27"
	    "05 06 AA BB CC DD");
	ASSERT_INT_EQ(ev, LCP_MED_DOWN);
	EXPECT(to_ppp, 0, "FF 03 C0 21 01 32 00 0E 01 04 05 00 05 06 AA BB CC"
	    "DD");
	ASSERT_INT_EQ(lcp_med_deadline(&m), UINT64_MAX);
	TEST_DONE();
}

static void
test_softether_quirk(void)
{
	struct lcp_med m;
	int ev;

	TEST_START("EAP asked without a magic number (SoftEther): Nak first");
	lcp_med_init(&m, &ops, NULL, 0x10);
	reset_caps();
	ev = feed(&m, true, 0, "FF 03 C0 21 01 00 00 08 03 04 C2 27");
	ASSERT_INT_EQ(ev, 0);
	ASSERT_INT_EQ(to_ppp.n, 0);
	EXPECT(to_srv, 0, "FF 03 C0 21 03 00 00 09 03 05 C2 23 81");
	ev = feed(&m, true, 0, "FF 03 C0 21 01 01 00 09 03 05 C2 23 81");
	EXPECT(to_ppp, 0, "FF 03 C0 21 01 01 00 04");
	ev = feed(&m, false, 0, "FF 03 C0 21 02 01 00 04");
	EXPECT(to_srv, 1, "FF 03 C0 21 02 01 00 09 03 05 C2 23 81");
	/* With a magic number EAP is accepted at once. */
	lcp_med_init(&m, &ops, NULL, 0x10);
	reset_caps();
	ev = feed(&m, true, 0, "FF 03 C0 21 01 00 00 0E 03 04 C2 27 05 06 01 02"
	    "03 04");
	ASSERT_INT_EQ(to_srv.n, 0);
	EXPECT(to_ppp, 0, "FF 03 C0 21 01 00 00 0A 05 06 01 02 03 04");
	(void)ev;
	TEST_DONE();
}

int
main(void)
{
	test_win2016();
	test_nak_rej_passing();
	test_auth_choice();
	test_passthrough();
	test_renegotiation();
	test_softether_quirk();
	return test_exit();
}
