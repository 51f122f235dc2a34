/*
 * test_ppp_cp.c - the PPP codec: frame forms (RFC 1661 6.5/6.6, RFC 1662
 * 3.2), control packet headers with padding, the option walker's length
 * rules (zero, one, past the end, per-type minimums), builders, and the
 * level-4 dissector.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "ppp/ppp_cp.h"
#include "harness.h"

static void
test_frames(void)
{
	uint8_t f[64];
	struct ppp_frame fr;
	size_t n;

	TEST_START("frame forms: FF 03, ACFC, PFC, bad protocol");
	n = th_unhex("FF 03 C0 21 09 01 00 08 00 00 00 00", f, sizeof f);
	ASSERT_INT_EQ(ppp_frame_parse(f, n, &fr), 0);
	ASSERT_INT_EQ(fr.proto, PPP_PROTO_LCP);
	ASSERT_INT_EQ(bcur_left(&fr.info), 8);
	n = th_unhex("80 21 01 01 00 04", f, sizeof f);
	ASSERT_INT_EQ(ppp_frame_parse(f, n, &fr), 0);
	ASSERT_INT_EQ(fr.proto, PPP_PROTO_IPCP);
	n = th_unhex("21 45 00", f, sizeof f);
	ASSERT_INT_EQ(ppp_frame_parse(f, n, &fr), 0);
	ASSERT_INT_EQ(fr.proto, PPP_PROTO_IP);
	ASSERT_INT_EQ(bcur_left(&fr.info), 2);
	n = th_unhex("FF 03 00 FD", f, sizeof f);
	ASSERT_INT_EQ(ppp_frame_parse(f, n, &fr), 0);
	ASSERT_INT_EQ(fr.proto, PPP_PROTO_MPPE);
	ASSERT_INT_EQ(bcur_left(&fr.info), 0);
	n = th_unhex("FF 03 C0 20", f, sizeof f);	/* even low octet */
	ASSERT_INT_EQ(ppp_frame_parse(f, n, &fr), -EBADMSG);
	n = th_unhex("FF 03 C0", f, sizeof f);
	ASSERT_INT_EQ(ppp_frame_parse(f, n, &fr), -EBADMSG);
	ASSERT_INT_EQ(ppp_frame_parse(f, 0, &fr), -EBADMSG);
	TEST_DONE();
}

static void
test_cp_and_options(void)
{
	uint8_t b[64];
	struct ppp_cp_pkt pkt;
	struct ppp_opt o;
	struct bcur opts;
	size_t n;

	TEST_START("control packet header, padding, option walker");
	n = th_unhex("01 07 00 0A 01 04 05 DC 07 02 EE EE", b, sizeof b);
	ASSERT_INT_EQ(ppp_cp_parse(bcur_make(b, n), &pkt), 0);
	ASSERT_INT_EQ(pkt.code, 1);
	ASSERT_INT_EQ(pkt.id, 7);
	ASSERT_INT_EQ(bcur_left(&pkt.data), 6);	/* padding EE EE left out */
	opts = pkt.data;
	ASSERT_INT_EQ(ppp_opt_next(&opts, &o), 1);
	ASSERT_INT_EQ(o.type, 1);
	ASSERT_INT_EQ(bcur_left(&o.val), 2);
	ASSERT_INT_EQ(bcur_left(&o.raw), 4);
	ASSERT_INT_EQ(ppp_opt_next(&opts, &o), 1);
	ASSERT_INT_EQ(o.type, 7);
	ASSERT_INT_EQ(bcur_left(&o.val), 0);
	ASSERT_INT_EQ(ppp_opt_next(&opts, &o), 0);
	ASSERT_INT_EQ(ppp_opts_check(&ppp_lcp_ops, pkt.data), 0);
	/* Length below the header, past the end. */
	n = th_unhex("01 07 00 03", b, sizeof b);
	ASSERT_INT_EQ(ppp_cp_parse(bcur_make(b, n), &pkt), -EBADMSG);
	n = th_unhex("01 07 00 09 01 04", b, sizeof b);
	ASSERT_INT_EQ(ppp_cp_parse(bcur_make(b, n), &pkt), -EBADMSG);
	n = th_unhex("01 07", b, sizeof b);
	ASSERT_INT_EQ(ppp_cp_parse(bcur_make(b, n), &pkt), -EBADMSG);
	/* Zero- and one-length options never loop; overruns are refused. */
	n = th_unhex("05 00 00 00", b, sizeof b);
	opts = bcur_make(b, n);
	ASSERT_INT_EQ(ppp_opt_next(&opts, &o), -EBADMSG);
	ASSERT_INT_EQ(bcur_left(&opts), 4);
	n = th_unhex("05 01", b, sizeof b);
	opts = bcur_make(b, n);
	ASSERT_INT_EQ(ppp_opt_next(&opts, &o), -EBADMSG);
	n = th_unhex("05 08 00 00 00 00", b, sizeof b);
	opts = bcur_make(b, n);
	ASSERT_INT_EQ(ppp_opt_next(&opts, &o), -EBADMSG);
	n = th_unhex("05", b, sizeof b);
	opts = bcur_make(b, n);
	ASSERT_INT_EQ(ppp_opt_next(&opts, &o), -EBADMSG);
	/* Per-type lengths: MRU 3, Magic 5, Auth 3, MPPE 5 are invalid. */
	n = th_unhex("01 03 05", b, sizeof b);
	ASSERT_INT_EQ(ppp_opts_check(&ppp_lcp_ops, bcur_make(b, n)), -EBADMSG);
	n = th_unhex("05 05 00 00 01", b, sizeof b);
	ASSERT_INT_EQ(ppp_opts_check(&ppp_lcp_ops, bcur_make(b, n)), -EBADMSG);
	n = th_unhex("03 03 C2", b, sizeof b);
	ASSERT_INT_EQ(ppp_opts_check(&ppp_lcp_ops, bcur_make(b, n)), -EBADMSG);
	n = th_unhex("12 05 00 00 40", b, sizeof b);
	ASSERT_INT_EQ(ppp_opts_check(&ppp_ccp_ops, bcur_make(b, n)), -EBADMSG);
	n = th_unhex("03 06 0A 00 00 01", b, sizeof b);
	ASSERT_INT_EQ(ppp_opts_check(&ppp_ipcp_ops, bcur_make(b, n)), 0);
	/* Unknown types: any length >= 2. */
	n = th_unhex("C8 02 C9 03 00", b, sizeof b);
	ASSERT_INT_EQ(ppp_opts_check(&ppp_lcp_ops, bcur_make(b, n)), 0);
	ASSERT_PTR_NULL(ppp_cp_ops_find(0xc223));
	ASSERT_TRUE(ppp_cp_ops_find(PPP_PROTO_CCP) == &ppp_ccp_ops);
	TEST_DONE();
}

static void
test_builders(void)
{
	uint8_t b[PPP_FRAME_MAX + 64], big[300];
	struct wbuf w;
	size_t start;

	TEST_START("builders: Configure-Request, Length patch, limits");
	wbuf_init(&w, b, sizeof b);
	start = ppp_cp_begin(&w, PPP_PROTO_LCP, PPP_CONF_REQ, 1);
	ppp_put_opt(&w, LCP_OPT_MRU, "\x05\xdc", 2);
	ppp_put_opt(&w, LCP_OPT_MAGIC, "\x11\x22\x33\x44", 4);
	ppp_cp_end(&w, start);
	ASSERT_INT_EQ(wbuf_error(&w), 0);
	ASSERT_INT_EQ(w.len, 18);
	{
		uint8_t want[18];

		th_unhex("FF 03 C0 21 01 01 00 0E 01 04 05 DC 05 06 11 22 33"
		    "44",
		    want, sizeof want);
		ASSERT_MEM_EQ(b, want, 18);
	}
	memset(big, 0, sizeof big);
	wbuf_init(&w, b, sizeof b);
	ppp_put_opt(&w, 1, big, 254);
	ASSERT_INT_EQ(wbuf_error(&w), -EINVAL);
	wbuf_init(&w, b, 10);
	ASSERT_INT_EQ(ppp_cp_build(&w, PPP_PROTO_LCP, PPP_TERM_REQ, 3, big, 20),
	    -ENOSPC);
	wbuf_init(&w, b, sizeof b);
	ASSERT_INT_EQ(ppp_cp_build(&w, PPP_PROTO_LCP, PPP_TERM_ACK, 3, NULL, 0),
	    0);
	ASSERT_INT_EQ(w.len, 8);
	TEST_DONE();
}

static void
check_dis(const char *hex, const char *want)
{
	uint8_t f[128];
	char out[256];
	size_t n = th_unhex(hex, f, sizeof f);

	ASSERT_INT_EQ(ppp_dissect(f, n, out, sizeof out), (int)strlen(want));
	ASSERT_STR_EQ(out, want);
}

static void
test_dissect(void)
{
	uint8_t f[64];
	char small[12];
	size_t n;

	TEST_START("dissector lines");
	check_dis("FF 03 C0 21 01 01 00 19 01 04 05 DC 03 04 C2 27 05 06 11 22"
	    "33 44 0D 03 06 11 04 06 4E",
	    "LCP ConfReq id=1 <mru 1500> <auth eap> <magic 0x11223344>"
	    " <callback> <mrru 1614>");
	check_dis("FF 03 C0 21 04 02 00 09 03 05 C2 23 81",
	    "LCP ConfRej id=2 <auth chap-mschapv2>");
	check_dis("FF 03 C0 21 08 03 00 08 80 FD 01 01",
	    "LCP ProtRej id=3 proto=0x80fd");
	check_dis("FF 03 80 21 03 04 00 0A 03 06 C0 00 02 02",
	    "IPCP ConfNak id=4 <addr 192.0.2.2>");
	check_dis("FF 03 80 FD 01 05 00 0A 12 06 01 00 00 40",
	    "CCP ConfReq id=5 <mppe 0x01000040 H S>");
	check_dis("FF 03 80 FD 0E 06 00 04", "CCP ResetReq id=6");
	check_dis("FF 03 C2 27 01 07 00 06 19 20", "EAP Request id=7 PEAP");
	check_dis("FF 03 C2 27 02 07 00 06 03 1A",
	    "EAP Response id=7 Nak want=26");
	check_dis("FF 03 C2 27 01 08 00 0A 1A 01 2A 00 05 10",
	    "EAP Request id=8 MSCHAPv2 Challenge");
	check_dis("FF 03 C2 27 03 08 00 04", "EAP Success id=8");
	check_dis("FF 03 C2 23 02 01 00 05 31", "CHAP Response id=1");
	check_dis("FF 03 C0 23 01 01 00 08 01 61 01 62", "PAP Auth-Req id=1");
	check_dis("FF 03 00 FD 90 05 AA BB CC", "MPPE ccount=5 A D +3");
	check_dis("FF 03 00 21 45 00", "IP 2 bytes");
	check_dis("FF 03 80 57 01 01 00 02", "IPV6CP malformed (4 bytes)");
	check_dis("FF 03 C0 21 01 01 00 06 00 00", "LCP ConfReq id=1 "
	    "<bad option>");
	check_dis("FF 03 82 81 01", "proto 0x8281 1 bytes");
	n = th_unhex("FF 03 C0 21 01 01 00 08 01 04 05 DC", f, sizeof f);
	ASSERT_INT_EQ(ppp_dissect(f, n, small, sizeof small), -ENOSPC);
	ASSERT_INT_EQ(strlen(small), sizeof small - 1);
	TEST_DONE();
}

int
main(void)
{
	test_frames();
	test_cp_and_options();
	test_builders();
	test_dissect();
	return test_exit();
}
