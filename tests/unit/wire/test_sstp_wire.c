/*
 * test_sstp_wire.c - SSTP codec: byte-exact round trips of every message
 * (PROTOCOL.md 2.4, MS-SSTP 4.7), framing, PPP classification, the
 * dissector, and a table of malformed inputs from PROTOCOL.md section 8
 * with the verdict each must get.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "crypto/sstp_bind.h"
#include "wire/sstp_wire.h"
#include "harness.h"

#define NONCE	"41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72" \
		"B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35"
#define CERT	"79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84" \
		"B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D"
#define CMAC	"52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71" \
		"65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49"
#define Z16	"00000000000000000000000000000000"
#define Z32	Z16 Z16
/* A Crypto Binding Request attribute offering @bm. */
#define BINDREQ(bm)	"00 04 00 28 00 00 00 " bm NONCE
#define ACK_HDR		"10 01 00 30 00 02 00 01"

static const char spec_ack[] = ACK_HDR BINDREQ("02");
static const char spec_hlak[] =
    "2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4"
    "8F D3 FA C4 1D 7A 13 15 A1 92 28 D9 02 4C A1 64";
static const char spec_connected[] =
    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02" NONCE CERT CMAC;

struct fixed {
	const char	*name;
	const char	*hex;
};

static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = th_unhex(hex, out, cap);

	ASSERT_INT_LT(n, cap + 1);
	return n;
}

static void
test_names(void)
{
	TEST_START("names of types, attributes, status codes, hashes");
	ASSERT_STR_EQ(sstp_msg_name(SSTP_MSG_CALL_CONNECT_REQUEST),
	    "CALL_CONNECT_REQUEST");
	ASSERT_STR_EQ(sstp_msg_name(SSTP_MSG_ECHO_RESPONSE), "ECHO_RESPONSE");
	ASSERT_STR_EQ(sstp_msg_name(0), "UNKNOWN");
	ASSERT_STR_EQ(sstp_msg_name(10), "UNKNOWN");
	ASSERT_STR_EQ(sstp_msg_name(0xffff), "UNKNOWN");
	ASSERT_STR_EQ(sstp_attr_name(SSTP_ATTR_CRYPTO_BINDING_REQ),
	    "CRYPTO_BINDING_REQ");
	ASSERT_STR_EQ(sstp_attr_name(0), "NO_ERROR");
	ASSERT_STR_EQ(sstp_attr_name(5), "UNKNOWN");
	ASSERT_STR_EQ(sstp_status_name(SSTP_STATUS_RETRY_COUNT_EXCEEDED),
	    "RETRY_COUNT_EXCEEDED");
	ASSERT_STR_EQ(sstp_status_name(0x0b),
	    "STATUS_INFO_NOT_SUPPORTED_IN_MSG");
	ASSERT_STR_EQ(sstp_status_name(0x0c), "UNKNOWN");
	ASSERT_STR_EQ(sstp_status_name(0xffffffff), "UNKNOWN");
	ASSERT_STR_EQ(sstp_hash_name(3), "SHA1|SHA256");
	ASSERT_STR_EQ(sstp_hash_name(2), "SHA256");
	ASSERT_STR_EQ(sstp_hash_name(0), "NONE");
	TEST_DONE();
}

/* Encode with @w's content, compare with @hex, decode, re-check the type. */
static void
check_encoded(struct wbuf *w, const char *hex, uint16_t type)
{
	uint8_t want[256];
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	size_t n = unhex(hex, want, sizeof want);

	ASSERT_INT_EQ(wbuf_error(w), 0);
	ASSERT_INT_EQ(w->len, n);
	ASSERT_MEM_EQ(w->p, want, n);
	ASSERT_INT_EQ(sstp_wire_decode_ctrl(w->p, w->len, &m, &v), 0);
	ASSERT_INT_EQ(m.type, type);
	ASSERT_INT_EQ(m.trailing, 0);
}

static void
test_encode_fixed(void)
{
	struct sstp_status_info si;
	uint8_t buf[256], nonce[32];
	struct wbuf w;

	TEST_START("encoders reproduce the fixed messages of PROTOCOL.md 2.4");
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_connect_request(&w, SSTP_ENCAP_PPP);
	check_encoded(&w, "10 01 00 0E 00 01 00 01 00 01 00 06 00 01",
	    SSTP_MSG_CALL_CONNECT_REQUEST);

	unhex(NONCE, nonce, sizeof nonce);
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_connect_ack(&w, SSTP_HASH_SHA256, nonce);
	check_encoded(&w, spec_ack, SSTP_MSG_CALL_CONNECT_ACK);

	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_echo_request(&w);
	check_encoded(&w, "10 01 00 08 00 08 00 00", SSTP_MSG_ECHO_REQUEST);
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_echo_response(&w);
	check_encoded(&w, "10 01 00 08 00 09 00 00", SSTP_MSG_ECHO_RESPONSE);
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_disconnect_ack(&w);
	check_encoded(&w, "10 01 00 08 00 07 00 00",
	    SSTP_MSG_CALL_DISCONNECT_ACK);

	/* softether's 8-byte Abort / Disconnect. */
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_abort(&w, NULL);
	check_encoded(&w, "10 01 00 08 00 05 00 00", SSTP_MSG_CALL_ABORT);
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_disconnect(&w, NULL);
	check_encoded(&w, "10 01 00 08 00 06 00 00", SSTP_MSG_CALL_DISCONNECT);

	/* accel's Abort (AttribID 2, status 7) and Disconnect (0, 0). */
	memset(&si, 0, sizeof si);
	si.attr_id = SSTP_ATTR_STATUS_INFO;
	si.status = SSTP_STATUS_INVALID_FRAME_RECEIVED;
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_abort(&w, &si);
	check_encoded(&w, "10 01 00 14 00 05 00 01 00 02 00 0C 00 00 00 02"
	    "00 00 00 07", SSTP_MSG_CALL_ABORT);
	memset(&si, 0, sizeof si);
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_disconnect(&w, &si);
	check_encoded(&w, "10 01 00 14 00 06 00 01 00 02 00 0C 00 00 00 00"
	    "00 00 00 00", SSTP_MSG_CALL_DISCONNECT);

	/* softether's NAK: one Status Info (Encap ID, VALUE_NOT_SUPPORTED). */
	si.attr_id = SSTP_ATTR_ENCAP_PROTO_ID;
	si.status = SSTP_STATUS_VALUE_NOT_SUPPORTED;
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_connect_nak(&w, &si, 1);
	check_encoded(&w, "10 01 00 14 00 03 00 01 00 02 00 0C 00 00 00 01"
	    "00 00 00 04", SSTP_MSG_CALL_CONNECT_NAK);

	/* A Status Info with an AttribValue (the offending value). */
	si.value[0] = 0x00;
	si.value[1] = 0x02;
	si.value_len = 2;
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_connect_nak(&w, &si, 1);
	check_encoded(&w, "10 01 00 16 00 03 00 01 00 02 00 0E 00 00 00 01"
	    "00 00 00 04 00 02", SSTP_MSG_CALL_CONNECT_NAK);

	/* Data header (PROTOCOL.md 5.2 example). */
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_data_hdr(&w, 18);
	ASSERT_INT_EQ(wbuf_error(&w), 0);
	ASSERT_INT_EQ(w.len, 4);
	ASSERT_MEM_EQ(buf, "\x10\x00\x00\x16", 4);
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_data_hdr(&w, 4091);
	ASSERT_MEM_EQ(buf, "\x10\x00\x0f\xff", 4);
	sstp_wire_put_data_hdr(&w, 4092);
	ASSERT_INT_EQ(wbuf_error(&w), -EMSGSIZE);

	/* Sticky error: an Ack does not fit in 47 bytes. */
	wbuf_init(&w, buf, 47);
	sstp_wire_put_connect_ack(&w, SSTP_HASH_SHA256, nonce);
	ASSERT_INT_EQ(wbuf_error(&w), -ENOSPC);
	TEST_DONE();
}

static void
test_decode_fixed(void)
{
	uint8_t pkt[256], want[64], hlak[32], out[112];
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	size_t n;

	TEST_START("decoder on the fixed peer messages of PROTOCOL.md 2.4");
	/* MS-SSTP 4.7 Ack. */
	n = unhex(spec_ack, pkt, sizeof pkt);
	ASSERT_INT_EQ(sstp_wire_decode_ctrl(pkt, n, &m, &v), 0);
	ASSERT_INT_EQ(m.type, SSTP_MSG_CALL_CONNECT_ACK);
	ASSERT_INT_EQ(m.hash_bitmask, SSTP_HASH_SHA256);
	unhex(NONCE, want, sizeof want);
	ASSERT_MEM_EQ(m.nonce, want, 32);
	ASSERT_U32_EQ(m.present, 1U << SSTP_ATTR_CRYPTO_BINDING_REQ);

	/* accel NAK: 2 trailing bytes counted only in the packet length. */
	n = unhex("10 01 00 16 00 03 00 01 00 02 00 0C 00 00 00 01"
	    "00 00 00 04 00 00", pkt, sizeof pkt);
	ASSERT_INT_EQ(sstp_wire_decode_ctrl(pkt, n, &m, &v), 0);
	ASSERT_INT_EQ(m.type, SSTP_MSG_CALL_CONNECT_NAK);
	ASSERT_INT_EQ(m.trailing, 2);
	ASSERT_INT_EQ(m.nstatus, 1);
	ASSERT_TRUE(m.status[0].has_status);
	ASSERT_FALSE(m.status[0].short_form);
	ASSERT_INT_EQ(m.status[0].attr_id, SSTP_ATTR_ENCAP_PROTO_ID);
	ASSERT_U32_EQ(m.status[0].status, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	ASSERT_INT_EQ(m.status[0].value_len, 0);

	/* accel Abort. */
	n = unhex("10 01 00 14 00 05 00 01 00 02 00 0C 00 00 00 02"
	    "00 00 00 07", pkt, sizeof pkt);
	ASSERT_INT_EQ(sstp_wire_decode_ctrl(pkt, n, &m, &v), 0);
	ASSERT_INT_EQ(m.status[0].attr_id, SSTP_ATTR_STATUS_INFO);
	ASSERT_U32_EQ(m.status[0].status, SSTP_STATUS_INVALID_FRAME_RECEIVED);

	/* softether 8-byte Abort: no Status Info at all. */
	n = unhex("10 01 00 08 00 05 00 00", pkt, sizeof pkt);
	ASSERT_INT_EQ(sstp_wire_decode_ctrl(pkt, n, &m, &v), 0);
	ASSERT_INT_EQ(m.type, SSTP_MSG_CALL_ABORT);
	ASSERT_INT_EQ(m.nstatus, 0);

	/* sorz Abort: Status Info of length 8 = the 4-byte status only. */
	n = unhex("10 01 00 10 00 05 00 01 00 02 00 08 00 00 00 08",
	    pkt, sizeof pkt);
	ASSERT_INT_EQ(sstp_wire_decode_ctrl(pkt, n, &m, &v), 0);
	ASSERT_INT_EQ(m.nstatus, 1);
	ASSERT_TRUE(m.status[0].short_form);
	ASSERT_TRUE(m.status[0].has_status);
	ASSERT_U32_EQ(m.status[0].status, SSTP_STATUS_NEGOTIATION_TIMEOUT);

	/* sorz Disconnect: attribute ID 0x00 with a 4-byte value: ignored. */
	n = unhex("10 01 00 10 00 06 00 01 00 00 00 08 00 00 00 00",
	    pkt, sizeof pkt);
	ASSERT_INT_EQ(sstp_wire_decode_ctrl(pkt, n, &m, &v), 0);
	ASSERT_INT_EQ(m.type, SSTP_MSG_CALL_DISCONNECT);
	ASSERT_INT_EQ(m.nstatus, 0);
	ASSERT_INT_EQ(m.nignored, 1);

	/* Call Connected of MS-SSTP 4.7, decoded and rebuilt byte-exactly. */
	n = unhex(spec_connected, pkt, sizeof pkt);
	ASSERT_INT_EQ(n, 112);
	ASSERT_INT_EQ(sstp_wire_decode_ctrl(pkt, n, &m, &v), 0);
	ASSERT_INT_EQ(m.type, SSTP_MSG_CALL_CONNECTED);
	ASSERT_INT_EQ(m.hash_bitmask, SSTP_HASH_SHA256);
	unhex(NONCE, want, sizeof want);
	ASSERT_MEM_EQ(m.nonce, want, 32);
	unhex(CERT, want, sizeof want);
	ASSERT_MEM_EQ(m.cert_hash, want, 32);
	unhex(CMAC, want, sizeof want);
	ASSERT_MEM_EQ(m.cmac, want, 32);
	unhex(spec_hlak, hlak, sizeof hlak);
	ASSERT_INT_EQ(sstp_bind_connected(SSTP_HASH_SHA256, m.nonce,
	    m.cert_hash, hlak, out), 0);
	ASSERT_MEM_EQ(out, pkt, 112);

	/* Status Info with a value longer than we keep: capped copy. */
	memset(pkt, 0xab, sizeof pkt);
	n = unhex("10 01 00 64 00 05 00 01 00 02 00 5C 00 00 00 01"
	    "00 00 00 04", pkt, sizeof pkt);
	ASSERT_INT_EQ(n, 20);
	ASSERT_INT_EQ(sstp_wire_decode_ctrl(pkt, 100, &m, &v), 0);
	ASSERT_INT_EQ(m.status[0].value_len, SSTP_STATUS_VALUE_MAX);
	ASSERT_INT_EQ(m.status[0].value[63], 0xab);
	TEST_DONE();
}

static void
test_frame(void)
{
	uint8_t b[64];
	struct sstp_frame f;
	size_t n;

	TEST_START("framing: need more, packet, framing error");
	ASSERT_INT_EQ(sstp_wire_frame(NULL, 0, &f), 0);
	n = unhex("10", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), 0);
	n = unhex("10 01 00", b, sizeof b);		/* split header */
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), 0);
	ASSERT_INT_EQ(f.len, 0);
	n = unhex("10 01 00 0E 00 01", b, sizeof b);	/* split body */
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), 0);
	ASSERT_INT_EQ(f.len, 14);
	ASSERT_TRUE(f.control);
	n = unhex("10 01 00 0E 00 01 00 01 00 01 00 06 00 01", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), 1);
	ASSERT_INT_EQ(f.len, 14);
	/* Two packets in one read: the first one is delimited. */
	n = unhex("10 01 00 08 00 08 00 00 10 01 00 08 00 09 00 00", b,
	    sizeof b);
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), 1);
	ASSERT_INT_EQ(f.len, 8);
	/* Row 12: R bits and reserved bits of byte 1 are ignored. */
	n = unhex("10 01 F0 08 00 08 00 00", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), 1);
	ASSERT_INT_EQ(f.len, 8);
	n = unhex("10 FF 00 08 00 08 00 00", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), 1);
	ASSERT_TRUE(f.control);
	n = unhex("10 FE 00 06 FF 03", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), 1);
	ASSERT_FALSE(f.control);
	ASSERT_INT_EQ(f.len, 6);
	n = unhex("10 01 FF FF", b, sizeof b);		/* 4095 after masking */
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), 0);
	ASSERT_INT_EQ(f.len, 4095);
	n = unhex("10 00 00 04", b, sizeof b);		/* empty data packet */
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), 1);
	ASSERT_INT_EQ(f.len, 4);
	/* Row 10: version; row 11: impossible lengths. */
	n = unhex("20", b, sizeof b);			/* known after 1 byte */
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), -EBADMSG);
	n = unhex("11 01 00 08 00 08 00 00", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), -EBADMSG);
	n = unhex("00 01 00 08", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), -EBADMSG);
	n = unhex("48 54 54 50", b, sizeof b);		/* "HTTP" */
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), -EBADMSG);
	n = unhex("10 00 00 03", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), -EBADMSG);
	n = unhex("10 00 00 00", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), -EBADMSG);
	n = unhex("10 00 F0 00", b, sizeof b);		/* 0 after masking */
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), -EBADMSG);
	n = unhex("10 01 00 07", b, sizeof b);		/* control < 8 */
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), -EBADMSG);
	n = unhex("10 01 00 04", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_frame(b, n, &f), -EBADMSG);
	TEST_DONE();
}

struct ppp_case {
	const char	*hex;
	int		 ret;
	uint16_t	 proto;
	size_t		 off;
};

static void
test_ppp_classify(void)
{
	static const struct ppp_case cases[] = {
		{ "FF 03 C0 21 01 01 00 04", 1, 0xc021, 4 },	/* LCP */
		{ "C0 21 01 01 00 04", 1, 0xc021, 2 },		/* ACFC */
		{ "FF 03 C2 23 01", 1, 0xc223, 4 },		/* CHAP */
		{ "FF 03 C2 27 01", 1, 0xc227, 4 },		/* EAP */
		{ "FF 03 80 21 01", 1, 0x8021, 4 },		/* IPCP */
		{ "80 57 01", 1, 0x8057, 2 },			/* IPV6CP */
		{ "FF 03 80 FD 01", 1, 0x80fd, 4 },		/* CCP */
		{ "FF 03 00 21 45 00", 0, 0x0021, 4 },		/* IPv4 */
		{ "FF 03 21 45 00", 0, 0x0021, 3 },		/* PFC */
		{ "21 45 00", 0, 0x0021, 1 },			/* ACFC+PFC */
		{ "00 57 60", 0, 0x0057, 2 },			/* IPv6 */
		{ "00 FD 90 00", 0, 0x00fd, 2 },		/* MPPE */
		{ "FF 03 C0 21", 1, 0xc021, 4 },		/* no info */
		{ "", -EBADMSG, 0, 0 },
		{ "FF 03", -EBADMSG, 0, 0 },
		{ "FF", -EBADMSG, 0, 0 },
		{ "FF 05 C0 21", -EBADMSG, 0, 0 },		/* FF w/o 03 */
		{ "C0 20 01", -EBADMSG, 0, 0 },			/* even low */
		{ "FF 03 00", -EBADMSG, 0, 0 },			/* half */
		{ "00", -EBADMSG, 0, 0 },
	};
	uint8_t b[32];
	uint16_t proto;
	size_t i, n, off;
	int r;

	TEST_START("PPP frame classification (PROTOCOL.md 5.1)");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		proto = 0;
		off = 0;
		n = unhex(cases[i].hex, b, sizeof b);
		r = sstp_wire_ppp_classify(b, n, &proto, &off);
		TH_CHECK(r == cases[i].ret, "case %zu (%s): ret %d != %d", i,
		    cases[i].hex, r, cases[i].ret);
		if (cases[i].ret >= 0) {
			ASSERT_INT_EQ(proto, cases[i].proto);
			ASSERT_INT_EQ(off, cases[i].off);
		}
	}
	ASSERT_INT_EQ(sstp_wire_ppp_classify(b, 0, NULL, NULL), -EBADMSG);
	TEST_DONE();
}

static void
test_data_payload(void)
{
	uint8_t b[64];
	struct bcur p;
	size_t n;

	TEST_START("data packet payload view");
	n = unhex("10 00 00 16 FF 03 C0 21 01 01 00 0E 01 04 05 DC 05 06"
	    "11 22 33 44", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_data_payload(b, n, &p), 0);
	ASSERT_INT_EQ(bcur_left(&p), 18);
	ASSERT_INT_EQ(bcur_ptr(&p)[0], 0xff);
	ASSERT_INT_EQ(sstp_wire_ppp_classify(bcur_ptr(&p), bcur_left(&p),
	    NULL, NULL), 1);
	ASSERT_INT_EQ(sstp_wire_data_payload(b, n - 1, &p), -EBADMSG);
	n = unhex("10 00 00 04", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_data_payload(b, n, &p), 0);
	ASSERT_INT_EQ(bcur_left(&p), 0);
	n = unhex("10 01 00 08 00 08 00 00", b, sizeof b);
	ASSERT_INT_EQ(sstp_wire_data_payload(b, n, &p), -EBADMSG);
	TEST_DONE();
}

static void
test_describe(void)
{
	uint8_t b[256];
	char out[256], tiny[16];
	size_t n;
	int r;

	TEST_START("one-line dissector");
	n = unhex(spec_ack, b, sizeof b);
	r = sstp_wire_describe(b, n, out, sizeof out);
	ASSERT_STR_EQ(out, "CALL_CONNECT_ACK hash=SHA256 nonce="
	    "412b489aebd7ecc7d08966f26be7cd72b231a0e9210d7c91b308862b0344c435");
	ASSERT_INT_EQ(r, (int)strlen(out));
	n = unhex("10 01 00 16 00 03 00 01 00 02 00 0C 00 00 00 01"
	    "00 00 00 04 00 00", b, sizeof b);
	(void)sstp_wire_describe(b, n, out, sizeof out);
	ASSERT_STR_EQ(out, "CALL_CONNECT_NAK status=VALUE_NOT_SUPPORTED "
	    "attr=ENCAPSULATED_PROTOCOL_ID trailing=2");
	n = unhex("10 01 00 10 00 05 00 01 00 02 00 08 00 00 00 08", b,
	    sizeof b);
	(void)sstp_wire_describe(b, n, out, sizeof out);
	ASSERT_STR_EQ(out, "CALL_ABORT status=NEGOTIATION_TIMEOUT");
	n = unhex("10 01 00 0E 00 01 00 01 00 01 00 06 00 01", b, sizeof b);
	(void)sstp_wire_describe(b, n, out, sizeof out);
	ASSERT_STR_EQ(out, "CALL_CONNECT_REQUEST proto=PPP");
	/* Call Connected: nonce and cert hash, never the Compound MAC. */
	n = unhex(spec_connected, b, sizeof b);
	(void)sstp_wire_describe(b, n, out, sizeof out);
	ASSERT_PTR_NOT_NULL(strstr(out, "CALL_CONNECTED hash=SHA256 nonce="
	    "412b489a"));
	ASSERT_PTR_NOT_NULL(strstr(out, " cert=7993ef314c493dac"));
	ASSERT_PTR_NULL(strstr(out, "52a68e"));
	ASSERT_PTR_NULL(strstr(out, "52A68E"));
	n = unhex("10 00 00 16 FF 03 C0 21 01 01 00 0E 01 04 05 DC 05 06"
	    "11 22 33 44", b, sizeof b);
	(void)sstp_wire_describe(b, n, out, sizeof out);
	ASSERT_STR_EQ(out, "DATA len=18 proto=0xc021 control");
	n = unhex("10 01 00 08 00 0A 00 00", b, sizeof b);
	(void)sstp_wire_describe(b, n, out, sizeof out);
	ASSERT_STR_EQ(out, "UNKNOWN(0x000a) nattr=0 len=8");
	n = unhex("10 01 00 2F 00 02 00 01 00 04 00 27 00 00 00 02" Z16 Z16,
	    b, sizeof b);
	ASSERT_INT_EQ(n, 48);
	(void)sstp_wire_describe(b, 47, out, sizeof out);
	ASSERT_STR_EQ(out, "CALL_CONNECT_ACK invalid: "
	    "INVALID_ATTRIB_VALUE_LENGTH attr=CRYPTO_BINDING_REQ len=47");
	n = unhex("20 01 00 08", b, sizeof b);
	(void)sstp_wire_describe(b, n, out, sizeof out);
	ASSERT_STR_EQ(out, "BAD-FRAME len=4");
	/* Truncation: always NUL-terminated, reported. */
	n = unhex(spec_ack, b, sizeof b);
	r = sstp_wire_describe(b, n, tiny, sizeof tiny);
	ASSERT_INT_EQ(r, -ENOSPC);
	ASSERT_INT_LT(strlen(tiny), sizeof tiny);
	ASSERT_INT_EQ(sstp_wire_describe(b, n, tiny, 0), -EINVAL);
	TEST_DONE();
}

struct bad_case {
	const char	*name;
	const char	*hex;
	int		 ret;		/* 0, -EBADMSG or -ENOTSUP */
	uint32_t	 status;	/* verdict when ret != 0 */
	uint8_t		 attr;
};

#define OK(name, hex)	{ name, hex, 0, 0, 0 }
#define BAD(name, hex, st, at) \
	{ name, hex, -EBADMSG, SSTP_STATUS_ ## st, at }

/*
 * PROTOCOL.md section 8 rows 10-25 as decoder inputs, plus variations.
 * Attribute ids: 1 Encap, 2 Status Info, 3 Crypto Binding, 4 Binding Req.
 */
static const struct bad_case bad_cases[] = {
	/* Header level (rows 10, 11, 15). */
	BAD("empty input", "", INVALID_FRAME_RECEIVED, 0),
	BAD("header cut after type", "10 01 00 06 00 02",
	    INVALID_FRAME_RECEIVED, 0),
	BAD("Length says 48, 47 given",
	    ACK_HDR "00 04 00 28 00 00 00 02" Z16 "000000000000000000000000"
	    "000000", INVALID_FRAME_RECEIVED, 0),
	BAD("Length says 8, 7 given", "10 01 00 08 00 08 00",
	    INVALID_FRAME_RECEIVED, 0),
	BAD("Length 8, 12 given", "10 01 00 08 00 08 00 00 00 00 00 00",
	    INVALID_FRAME_RECEIVED, 0),
	BAD("version 0x20", "20 01 00 08 00 08 00 00",
	    INVALID_FRAME_RECEIVED, 0),
	BAD("version 0x11", "11 01 00 08 00 08 00 00",
	    INVALID_FRAME_RECEIVED, 0),
	BAD("C bit clear", "10 00 00 08 00 08 00 00",
	    INVALID_FRAME_RECEIVED, 0),
	BAD("Ack Num Attributes 2, one present", "10 01 00 30 00 02 00 02"
	    BINDREQ("02"), INVALID_FRAME_RECEIVED, 0),
	BAD("Ack Num Attributes 1, none present", "10 01 00 08 00 02 00 01",
	    INVALID_FRAME_RECEIVED, 0),
	BAD("Ack Num Attributes 0xFFFF", "10 01 00 30 00 02 FF FF"
	    BINDREQ("02"), INVALID_FRAME_RECEIVED, 0),
	BAD("Echo Num Attributes 1, none present", "10 01 00 08 00 08 00 01",
	    INVALID_FRAME_RECEIVED, 0),
	BAD("Disconnect Num Attributes 3, one present",
	    "10 01 00 14 00 06 00 03 00 02 00 0C 00 00 00 00 00 00 00 00",
	    INVALID_FRAME_RECEIVED, 0),
	BAD("attribute header cut (2 of 4 bytes)",
	    "10 01 00 0A 00 05 00 01 00 02", INVALID_FRAME_RECEIVED, 0),
	/* Row 17: attribute length < 4 or past the end. */
	BAD("Ack attribute length 0", ACK_HDR "00 04 00 00 00 00 00 02"
	    NONCE, INVALID_ATTRIB_VALUE_LENGTH, 4),
	BAD("Ack attribute length 3", ACK_HDR "00 04 00 03 00 00 00 02"
	    NONCE, INVALID_ATTRIB_VALUE_LENGTH, 4),
	BAD("Ack attribute length 0 behind R bits",
	    ACK_HDR "00 04 F0 00 00 00 00 02" NONCE,
	    INVALID_ATTRIB_VALUE_LENGTH, 4),
	BAD("Ack attribute length 41 past the end",
	    ACK_HDR "00 04 00 29 00 00 00 02" NONCE, INVALID_FRAME_RECEIVED,
	    4),
	BAD("Ack attribute length 4095", ACK_HDR "00 04 0F FF 00 00 00 02"
	    NONCE, INVALID_FRAME_RECEIVED, 4),
	BAD("Abort Status Info past the end",
	    "10 01 00 14 00 05 00 01 00 02 00 10 00 00 00 02 00 00 00 07",
	    INVALID_FRAME_RECEIVED, 2),
	BAD("Abort Status Info length 2",
	    "10 01 00 10 00 05 00 01 00 02 00 02 00 00 00 00",
	    INVALID_ATTRIB_VALUE_LENGTH, 2),
	BAD("NAK Status Info length 0",
	    "10 01 00 14 00 03 00 01 00 02 00 00 00 00 00 01 00 00 00 04",
	    INVALID_ATTRIB_VALUE_LENGTH, 2),
	BAD("Echo Response attribute length 0",
	    "10 01 00 0C 00 09 00 01 00 07 00 00", INVALID_ATTRIB_VALUE_LENGTH,
	    7),
	/* Row 18: wrong fixed lengths. */
	BAD("Ack Binding Request length 39",
	    "10 01 00 2F 00 02 00 01 00 04 00 27 00 00 00 02" Z16
	    "000000000000000000000000000000", INVALID_ATTRIB_VALUE_LENGTH, 4),
	BAD("Ack Binding Request length 44",
	    "10 01 00 34 00 02 00 01 00 04 00 2C 00 00 00 02" NONCE
	    "00 00 00 00", INVALID_ATTRIB_VALUE_LENGTH, 4),
	BAD("Request Encap length 5",
	    "10 01 00 0D 00 01 00 01 00 01 00 05 00",
	    INVALID_ATTRIB_VALUE_LENGTH, 1),
	BAD("Request Encap length 8",
	    "10 01 00 10 00 01 00 01 00 01 00 08 00 01 00 00",
	    INVALID_ATTRIB_VALUE_LENGTH, 1),
	BAD("Connected Binding length 100",
	    "10 01 00 6C 00 04 00 01 00 03 00 64 00 00 00 02" NONCE CERT
	    "52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71"
	    "65 83 AF 6D 61 1E B6 D1 79 B3 B2 08",
	    INVALID_ATTRIB_VALUE_LENGTH, 3),
	/* Row 21: required attribute missing / duplicated. */
	BAD("Ack without Binding Request", "10 01 00 08 00 02 00 00",
	    REQUIRED_ATTRIBUTE_MISSING, 4),
	BAD("Ack with two Binding Requests", "10 01 00 58 00 02 00 02"
	    BINDREQ("03") BINDREQ("03"), DUPLICATE_ATTRIBUTE, 4),
	BAD("Request without Encap", "10 01 00 08 00 01 00 00",
	    REQUIRED_ATTRIBUTE_MISSING, 1),
	BAD("Request with two Encap",
	    "10 01 00 14 00 01 00 02 00 01 00 06 00 01 00 01 00 06 00 01",
	    DUPLICATE_ATTRIBUTE, 1),
	BAD("Connected without Binding", "10 01 00 08 00 04 00 00",
	    REQUIRED_ATTRIBUTE_MISSING, 3),
	/* Row 22: bitmask. */
	BAD("Ack bitmask 0x00", ACK_HDR BINDREQ("00"), VALUE_NOT_SUPPORTED,
	    4),
	BAD("Ack bitmask 0x04 (unknown only)", ACK_HDR BINDREQ("04"),
	    VALUE_NOT_SUPPORTED, 4),
	BAD("Ack bitmask 0xF0 (unknown only)", ACK_HDR BINDREQ("F0"),
	    VALUE_NOT_SUPPORTED, 4),
	BAD("Connected bitmask 0x03",
	    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 03" NONCE CERT CMAC,
	    VALUE_NOT_SUPPORTED, 3),
	BAD("Connected bitmask 0x00",
	    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 00" NONCE CERT CMAC,
	    VALUE_NOT_SUPPORTED, 3),
	BAD("Request Encap protocol 2",
	    "10 01 00 0E 00 01 00 01 00 01 00 06 00 02", VALUE_NOT_SUPPORTED,
	    1),
	/* Attributes a strict message does not take. */
	BAD("Ack carrying a Status Info",
	    "10 01 00 14 00 02 00 01 00 02 00 0C 00 00 00 00 00 00 00 00",
	    STATUS_INFO_NOT_SUPPORTED_IN_MSG, 2),
	BAD("Ack carrying an Encap ID",
	    "10 01 00 0E 00 02 00 01 00 01 00 06 00 01",
	    ATTRIB_NOT_SUPPORTED_IN_MSG, 1),
	BAD("Ack carrying a Crypto Binding",
	    "10 01 00 70 00 02 00 01 00 03 00 68 00 00 00 02" NONCE CERT CMAC,
	    ATTRIB_NOT_SUPPORTED_IN_MSG, 3),
	BAD("Ack with an unknown attribute after the Request",
	    "10 01 00 34 00 02 00 02" BINDREQ("02") "00 07 00 04",
	    UNRECOGNIZED_ATTRIBUTE, 7),
	BAD("Connected with a Status Info first",
	    "10 01 00 14 00 04 00 01 00 02 00 0C 00 00 00 00 00 00 00 00",
	    STATUS_INFO_NOT_SUPPORTED_IN_MSG, 2),
	BAD("Request with a Status Info",
	    "10 01 00 1A 00 01 00 02 00 01 00 06 00 01"
	    "00 02 00 0C 00 00 00 00 00 00 00 01",
	    STATUS_INFO_NOT_SUPPORTED_IN_MSG, 2),
	/* Row 24: unknown message types. */
	{ "unknown type 0x000A", "10 01 00 08 00 0A 00 00", -ENOTSUP,
	    SSTP_STATUS_INVALID_FRAME_RECEIVED, 0 },
	{ "unknown type 0x0000", "10 01 00 08 00 00 00 00", -ENOTSUP,
	    SSTP_STATUS_INVALID_FRAME_RECEIVED, 0 },
	{ "unknown type 0xFFFF with bytes", "10 01 00 0C FF FF 00 01 00 01 00 "
	    "04", -ENOTSUP, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0 },
	/* Tolerated variations (rows 12, 16, 19, 20, 22). */
	OK("Ack with R bits in Length", "10 01 F0 30 00 02 00 01"
	    BINDREQ("02")),
	OK("Ack with reserved bits in byte 1", "10 FF 00 30 00 02 00 01"
	    BINDREQ("02")),
	OK("Ack with R bits in attribute length",
	    ACK_HDR "00 04 F0 28 00 00 00 02" NONCE),
	OK("Ack bitmask 0x07 (unknown bit beside known)", ACK_HDR
	    BINDREQ("07")),
	OK("Ack with 3 trailing bytes", "10 01 00 33 00 02 00 01"
	    BINDREQ("01") "00 00 00"),
	OK("accel NAK, 2 trailing bytes",
	    "10 01 00 16 00 03 00 01 00 02 00 0C 00 00 00 01 00 00 00 04"
	    "00 00"),
	OK("NAK without Status Info", "10 01 00 08 00 03 00 00"),
	OK("NAK with empty Status Info (length 4)",
	    "10 01 00 0C 00 03 00 01 00 02 00 04"),
	OK("sorz Abort, 8-byte Status Info",
	    "10 01 00 10 00 05 00 01 00 02 00 08 00 00 00 07"),
	OK("Disconnect with 5-byte Status Info",
	    "10 01 00 0D 00 06 00 01 00 02 00 05 00"),
	OK("Disconnect with 11-byte Status Info",
	    "10 01 00 13 00 06 00 01 00 02 00 0B 00 00 00 00 00 00 00"),
	OK("sorz Disconnect, attribute ID 0",
	    "10 01 00 10 00 06 00 01 00 00 00 08 00 00 00 00"),
	OK("Abort with two Status Info", "10 01 00 20 00 05 00 02"
	    "00 02 00 0C 00 00 00 01 00 00 00 04"
	    "00 02 00 0C 00 00 00 04 00 00 00 01"),
	OK("Abort carrying a Binding Request", "10 01 00 30 00 05 00 01"
	    BINDREQ("02")),
	OK("Echo Request with 4 trailing bytes",
	    "10 01 00 0C 00 08 00 00 DE AD BE EF"),
	OK("Echo Request with an attribute", "10 01 00 0C 00 08 00 01"
	    "00 09 00 04"),
};

static void
test_bad_table(void)
{
	const struct bad_case *bc;
	uint8_t pkt[512];
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	size_t i, n, nbad = 0;
	int r;

	TEST_START("malformed-input table (PROTOCOL.md 8)");
	for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		bc = &bad_cases[i];
		n = unhex(bc->hex, pkt, sizeof pkt);
		r = sstp_wire_decode_ctrl(pkt, n, &m, &v);
		TH_CHECK(r == bc->ret, "%s: ret %d != %d", bc->name, r,
		    bc->ret);
		if (bc->ret == 0)
			continue;
		nbad++;
		TH_CHECK(v.status == bc->status && v.attr_id == bc->attr,
		    "%s: verdict %s/%s != %s/%s", bc->name,
		    sstp_status_name(v.status), sstp_attr_name(v.attr_id),
		    sstp_status_name(bc->status), sstp_attr_name(bc->attr));
	}
	ASSERT_INT_GE(nbad, 40);
	TEST_DONE();
}

static void
test_short_status_fields(void)
{
	uint8_t pkt[64];
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	size_t n;
	int i;

	TEST_START("tolerated Status Info forms and the status cap");
	n = unhex("10 01 00 0D 00 06 00 01 00 02 00 05 00", pkt, sizeof pkt);
	ASSERT_INT_EQ(sstp_wire_decode_ctrl(pkt, n, &m, &v), 0);
	ASSERT_INT_EQ(m.nstatus, 1);
	ASSERT_TRUE(m.status[0].short_form);
	ASSERT_FALSE(m.status[0].has_status);
	/* Ten Status Info in a NAK: all counted, the first eight kept. */
	{
		uint8_t big[8 + 10 * 12];
		struct wbuf w;
		struct sstp_status_info si[10];

		memset(si, 0, sizeof si);
		for (i = 0; i < 10; i++)
			si[i].status = (uint32_t)i;
		wbuf_init(&w, big, sizeof big);
		sstp_wire_put_connect_nak(&w, si, 10);
		ASSERT_INT_EQ(wbuf_error(&w), 0);
		ASSERT_INT_EQ(sstp_wire_decode_ctrl(big, w.len, &m, &v), 0);
		ASSERT_INT_EQ(m.nstatus, 10);
		ASSERT_U32_EQ(m.status[7].status, 7);
	}
	TEST_DONE();
}

/* Every prefix and every single-byte change of valid messages: no crash. */
static void
test_mutations(void)
{
	static const char *const seeds[] = {
		spec_ack, spec_connected,
		"10 01 00 16 00 03 00 01 00 02 00 0C 00 00 00 01 00 00 00 04"
		"00 00",
		"10 01 00 20 00 05 00 02 00 02 00 0C 00 00 00 01 00 00 00 04"
		"00 02 00 0C 00 00 00 04 00 00 00 01",
	};
	static const uint8_t flips[] = { 0x00, 0x01, 0x80, 0xff, 0x0f, 0xf0 };
	uint8_t pkt[128], mut[128];
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	char line[64];
	size_t s, n, i, j, ok = 0, bad = 0;
	int r;

	TEST_START("truncations and byte mutations stay bounded");
	for (s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
		n = unhex(seeds[s], pkt, sizeof pkt);
		ASSERT_INT_EQ(sstp_wire_decode_ctrl(pkt, n, &m, &v), 0);
		for (i = 0; i < n; i++) {
			/* Every prefix is invalid: Length no longer matches. */
			r = sstp_wire_decode_ctrl(pkt, i, &m, &v);
			TH_CHECK(r == -EBADMSG, "seed %zu prefix %zu: %d", s,
			    i, r);
			(void)sstp_wire_describe(pkt, i, line, sizeof line);
		}
		for (i = 0; i < n; i++)
			for (j = 0; j < sizeof flips; j++) {
				memcpy(mut, pkt, n);
				mut[i] ^= flips[j];
				r = sstp_wire_decode_ctrl(mut, n, &m, &v);
				if (r == 0)
					ok++;
				else
					bad++;
				(void)sstp_wire_describe(mut, n, line,
				    sizeof line);
			}
	}
	/* Both outcomes must occur (the nonce bytes are free, headers not). */
	ASSERT_INT_NE(ok, 0);
	ASSERT_INT_NE(bad, 0);
	TEST_DONE();
}

int
main(void)
{
	test_names();
	test_encode_fixed();
	test_decode_fixed();
	test_frame();
	test_ppp_classify();
	test_data_payload();
	test_describe();
	test_bad_table();
	test_short_status_fields();
	test_mutations();
	return test_exit();
}
