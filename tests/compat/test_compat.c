/*
 * test_compat.c - the 1.0.18-compatible libsstp-api (compat/) against the
 * byte layouts of REFERENCE-CLIENT.md 3.2/3.3 and against sstpc's own
 * codec (include/sstp-api.h, through ref_codec.c), including the exact call
 * sequences of NetworkManager-sstp's pppd plugin.
 *
 * Built against <sstp-client/sstp-api.h>: make check uses ours and links
 * libsstp_api.la; tests/compat/build-nm-plugin.sh also builds it against
 * Debian's header and library.  With --portable only behaviour that
 * 1.0.18 shares is checked (not our refusals of bad input, not the zeroing
 * of padding), so the same file proves the two libraries interchangeable.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <sstp-client/sstp-api.h>

#include "../unit/harness.h"
#include "ref_codec.h"

#define BUFSZ	2048

/* Sixteen-octet keys as in REFERENCE-CLIENT.md 3.3. */
static const uint8_t send16[16] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
};
static const uint8_t recv16[16] = {
	0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87,
	0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f
};

/* A buffer for building: zeros, or a fill pattern to catch stray octets. */
static void
prep(uint8_t *buf, int portable)
{
	memset(buf, portable ? 0 : 0xa5, BUFSZ);
}

/* Copy len octets to an exact-size heap block (ASan catches over-reads). */
static char *
exact(const uint8_t *p, size_t len)
{
	char *q = malloc(len > 0 ? len : 1);

	if (q == NULL)
		abort();
	memcpy(q, p, len);
	return q;
}

/* NM's nm_sstp_notify(): AUTH with both keys, built and sent. */
static void
test_auth_vector(int portable)
{
	uint8_t buf[BUFSZ], ref[BUFSZ], want[64];
	uint8_t sk[16], rk[16];
	sstp_api_msg_st *msg;
	struct ref_msg rm;
	size_t rlen, wlen;

	TEST_START("AUTH with two 16-octet keys (REFERENCE-CLIENT 3.3)");
	memcpy(sk, send16, sizeof sk);
	memcpy(rk, recv16, sizeof rk);
	prep(buf, portable);
	msg = sstp_api_msg_new(buf, SSTP_API_MSG_AUTH);
	ASSERT_TRUE(msg == (sstp_api_msg_st *)(void *)buf);
	sstp_api_attr_add(msg, SSTP_API_ATTR_MPPE_SEND, sizeof sk, sk);
	sstp_api_attr_add(msg, SSTP_API_ATTR_MPPE_RECV, sizeof rk, rk);
	ASSERT_INT_EQ(msg->msg_len, 40);
	ASSERT_INT_EQ(sstp_api_msg_len(msg), 48);
#ifndef WORDS_BIGENDIAN
	wlen = th_unhex("70747373 2800 0100"
	    "0100 1000 00112233445566778899aabbccddeeff"
	    "0200 1000 f0e1d2c3b4a5968778695a4b3c2d1e0f", want, sizeof want);
	ASSERT_INT_EQ(wlen, 48);
	ASSERT_MEM_EQ(buf, want, 48);
#else
	(void)want;
	(void)wlen;
#endif
	ASSERT_INT_EQ(ref_build_auth(ref, sizeof ref, &rlen, sk, sizeof sk,
	    rk, sizeof rk), 0);
	ASSERT_INT_EQ(rlen, 48);
	ASSERT_MEM_EQ(buf, ref, 48);
	/* sstpc's parser takes exactly what the plugin sends. */
	ASSERT_INT_EQ(ref_parse(buf, (size_t)sstp_api_msg_len(msg), &rm), 0);
	ASSERT_INT_EQ(rm.type, SSTP_API_MSG_AUTH);
	ASSERT_INT_EQ(rm.send_len, 16);
	ASSERT_INT_EQ(rm.recv_len, 16);
	ASSERT_MEM_EQ(rm.send, send16, 16);
	ASSERT_MEM_EQ(rm.recv, recv16, 16);
	TEST_DONE();
}

/* AUTH without keys (PAP, CHAP-MD5), and the other bare headers. */
static void
test_bare_headers(int portable)
{
	uint8_t buf[BUFSZ], ref[BUFSZ], want[8];
	sstp_api_msg_st *msg, hdr;
	sstp_api_msg_t type;
	struct ref_msg rm;
	size_t rlen;

	TEST_START("bare AUTH / ADDR / ACK headers");
	prep(buf, portable);
	msg = sstp_api_msg_new(buf, SSTP_API_MSG_AUTH);
	ASSERT_INT_EQ(sstp_api_msg_len(msg), 8);
	ASSERT_INT_EQ(ref_build_auth(ref, sizeof ref, &rlen, NULL, 0, NULL, 0),
	    0);
	ASSERT_INT_EQ(rlen, 8);
	ASSERT_MEM_EQ(buf, ref, 8);
#ifndef WORDS_BIGENDIAN
	ASSERT_INT_EQ(th_unhex("70 74 73 73 00 00 01 00", want, sizeof want),
	    8);
	ASSERT_MEM_EQ(buf, want, 8);
#else
	(void)want;
#endif
	ASSERT_INT_EQ(ref_parse(buf, 8, &rm), 0);
	ASSERT_INT_EQ(rm.type, SSTP_API_MSG_AUTH);
	ASSERT_INT_EQ(rm.present, 0);

	/* NM's nm_sstp_getaddr(): a header on the stack, sent as sizeof. */
	ASSERT_INT_EQ(sizeof hdr, 8);
	memset(&hdr, portable ? 0 : 0xa5, sizeof hdr);
	sstp_api_msg_new((unsigned char *)&hdr, SSTP_API_MSG_ADDR);
	ASSERT_INT_EQ(ref_build_addr_req(ref, sizeof ref, &rlen), 0);
	ASSERT_INT_EQ(rlen, sizeof hdr);
	ASSERT_MEM_EQ(&hdr, ref, sizeof hdr);
	ASSERT_INT_EQ(hdr.msg_len, 0);
	ASSERT_INT_EQ(hdr.msg_type, SSTP_API_MSG_ADDR);

	/* sstpc's ACK read back through sstp_api_msg_type(). */
	ASSERT_INT_EQ(ref_build_ack(ref, sizeof ref, &rlen), 0);
	memcpy(&hdr, ref, sizeof hdr);
	type = SSTP_API_MSG_UNKNOWN;
	ASSERT_INT_EQ(sstp_api_msg_type(&hdr, &type), 0);
	ASSERT_INT_EQ(type, SSTP_API_MSG_ACK);
	ASSERT_INT_EQ(sstp_api_msg_len(&hdr), 8);
	TEST_DONE();
}

/* Odd lengths: padding, and keys of 15 and 32 octets (pppd >= 2.4.10). */
static void
test_padding(int portable)
{
	uint8_t buf[BUFSZ], ref[BUFSZ], k32[32];
	sstp_api_msg_st *msg;
	struct ref_msg rm;
	size_t rlen, i;

	TEST_START("odd key lengths are padded exactly as sstpc's codec");
	for (i = 0; i < sizeof k32; i++)
		k32[i] = (uint8_t)(0x40 + i);
	prep(buf, portable);
	msg = sstp_api_msg_new(buf, SSTP_API_MSG_AUTH);
	sstp_api_attr_add(msg, SSTP_API_ATTR_MPPE_SEND, 15, k32);
	sstp_api_attr_add(msg, SSTP_API_ATTR_MPPE_RECV, 32, k32);
	/* 4 + 15 + 1 pad, 4 + 32. */
	ASSERT_INT_EQ(msg->msg_len, 56);
	ASSERT_INT_EQ(ref_build_auth(ref, sizeof ref, &rlen, k32, 15, k32, 32),
	    0);
	ASSERT_INT_EQ(rlen, 64);
	ASSERT_INT_EQ(sstp_api_msg_len(msg), 64);
	ASSERT_MEM_EQ(buf, ref, 64);
	ASSERT_INT_EQ(buf[8 + 4 + 15], 0);	/* the pad octet */
	ASSERT_INT_EQ(ref_parse(buf, 64, &rm), 0);
	ASSERT_INT_EQ(rm.send_len, 15);
	ASSERT_INT_EQ(rm.recv_len, 32);
	ASSERT_MEM_EQ(rm.recv, k32, 32);
	/* Nothing written past the message. */
	if (!portable)
		ASSERT_INT_EQ(buf[64], 0xa5);
	TEST_DONE();
}

/*
 * sstpc's answer to ADDR (ACK + GATEWAY + ADDR): compat-built equals
 * codec-built, and NM's receive path (header, then body, then
 * sstp_api_attr_parse into list[SSTP_API_ATTR_MAX + 1]) finds both.
 */
static void
test_ack_addr(int portable)
{
	static const char gw[] = "vpn.example.com";	/* 15: 1 pad octet */
	uint8_t buf[BUFSZ], ref[BUFSZ];
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	sstp_api_msg_st *msg, hdr;
	sstp_api_msg_t type;
	sstp_api_attr_st *list[SSTP_API_ATTR_MAX + 1], *attr;
	struct ref_msg rm;
	size_t rlen, gwlen = sizeof gw - 1;
	char *body;

	TEST_START("ACK + GATEWAY + ADDR: build, then NM's parse path");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(443);
	sin.sin_addr.s_addr = htonl(0xc0000201);	/* 192.0.2.1 */
	prep(buf, portable);
	msg = sstp_api_msg_new(buf, SSTP_API_MSG_ACK);
	sstp_api_attr_add(msg, SSTP_API_ATTR_GATEWAY, (unsigned int)gwlen,
	    (void *)(uintptr_t)gw);
	sstp_api_attr_add(msg, SSTP_API_ATTR_ADDR, sizeof sin, &sin);
	ASSERT_INT_EQ(ref_build_ack_addr(ref, sizeof ref, &rlen, gw, gwlen,
	    &sin, sizeof sin), 0);
	ASSERT_INT_EQ(rlen, 8 + 20 + 20);
	ASSERT_INT_EQ(sstp_api_msg_len(msg), (int)rlen);
	ASSERT_MEM_EQ(buf, ref, rlen);

	/* NM: recv(sizeof msg), check type, read msg_len, parse. */
	memcpy(&hdr, ref, sizeof hdr);
	ASSERT_INT_EQ(sstp_api_msg_type(&hdr, &type), 0);
	ASSERT_INT_EQ(type, SSTP_API_MSG_ACK);
	ASSERT_INT_EQ(hdr.msg_len, 40);
	body = exact(ref + sizeof hdr, hdr.msg_len);
	memset(list, 0x5a, sizeof list);
	ASSERT_INT_EQ(sstp_api_attr_parse(body, hdr.msg_len, list,
	    SSTP_API_ATTR_MAX + 1), 0);
	ASSERT_PTR_NULL(list[SSTP_API_ATTR_UNKNOWN]);
	ASSERT_PTR_NULL(list[SSTP_API_ATTR_MPPE_SEND]);
	ASSERT_PTR_NULL(list[SSTP_API_ATTR_MPPE_RECV]);
	attr = list[SSTP_API_ATTR_GATEWAY];
	ASSERT_TRUE(attr == (sstp_api_attr_st *)(void *)body);
	if (attr != NULL) {
		ASSERT_INT_EQ(attr->attr_type, SSTP_API_ATTR_GATEWAY);
		ASSERT_INT_EQ(attr->attr_len, gwlen);
		ASSERT_MEM_EQ(attr->attr_data, gw, gwlen);
	}
	attr = list[SSTP_API_ATTR_ADDR];
	ASSERT_TRUE(attr == (sstp_api_attr_st *)(void *)(body + 20));
	if (attr != NULL) {
		ASSERT_INT_EQ(attr->attr_len, sizeof sin);
		ASSERT_MEM_EQ(attr->attr_data, &sin, sizeof sin);
	}
	free(body);

	/* IPv6: a 28-octet sockaddr_in6; sstpc's parser reads it back. */
	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(443);
	sin6.sin6_addr.s6_addr[0] = 0x20;
	sin6.sin6_addr.s6_addr[1] = 0x01;
	sin6.sin6_addr.s6_addr[2] = 0x0d;
	sin6.sin6_addr.s6_addr[3] = 0xb8;
	sin6.sin6_addr.s6_addr[15] = 1;
	prep(buf, portable);
	msg = sstp_api_msg_new(buf, SSTP_API_MSG_ACK);
	sstp_api_attr_add(msg, SSTP_API_ATTR_GATEWAY, 3, (void *)"gw6");
	sstp_api_attr_add(msg, SSTP_API_ATTR_ADDR, sizeof sin6, &sin6);
	ASSERT_INT_EQ(ref_build_ack_addr(ref, sizeof ref, &rlen, "gw6", 3,
	    &sin6, sizeof sin6), 0);
	ASSERT_INT_EQ(rlen, 8 + 8 + 32);
	ASSERT_INT_EQ(sstp_api_msg_len(msg), (int)rlen);
	ASSERT_MEM_EQ(buf, ref, rlen);
	ASSERT_INT_EQ(ref_parse(buf, rlen, &rm), 0);
	ASSERT_INT_EQ(rm.gw_len, 3);
	ASSERT_STR_EQ(rm.gw, "gw6");
	ASSERT_INT_EQ(rm.addr_len, sizeof sin6);
	ASSERT_MEM_EQ(rm.addr, &sin6, sizeof sin6);
	TEST_DONE();
}

/* A repeated attribute: the later one wins (REFERENCE-CLIENT 3.2). */
static void
test_repeat(int portable)
{
	uint8_t buf[BUFSZ];
	sstp_api_msg_st *msg;
	sstp_api_attr_st *list[SSTP_API_ATTR_MAX + 1];
	char *body;

	TEST_START("repeated attribute overrides");
	prep(buf, portable);
	msg = sstp_api_msg_new(buf, SSTP_API_MSG_ACK);
	sstp_api_attr_add(msg, SSTP_API_ATTR_GATEWAY, 1, (void *)"a");
	sstp_api_attr_add(msg, SSTP_API_ATTR_GATEWAY, 2, (void *)"bc");
	ASSERT_INT_EQ(msg->msg_len, 16);
	body = exact(buf + 8, 16);
	ASSERT_INT_EQ(sstp_api_attr_parse(body, 16, list,
	    SSTP_API_ATTR_MAX + 1), 0);
	ASSERT_TRUE(list[SSTP_API_ATTR_GATEWAY] ==
	    (sstp_api_attr_st *)(void *)(body + 8));
	if (list[SSTP_API_ATTR_GATEWAY] != NULL)
		ASSERT_INT_EQ(list[SSTP_API_ATTR_GATEWAY]->attr_len, 2);
	/* An empty body is a good one, with every slot cleared. */
	memset(list, 0x5a, sizeof list);
	ASSERT_INT_EQ(sstp_api_attr_parse(body, 0, list, SSTP_API_ATTR_MAX + 1),
	    0);
	ASSERT_PTR_NULL(list[SSTP_API_ATTR_GATEWAY]);
	ASSERT_PTR_NULL(list[SSTP_API_ATTR_MAX]);
	free(body);
	TEST_DONE();
}

/* The header checks shared with 1.0.18: magic and type read-back. */
static void
test_magic(void)
{
	sstp_api_msg_st hdr;
	sstp_api_msg_t type;

	TEST_START("sstp_api_msg_type checks the magic");
	memset(&hdr, 0, sizeof hdr);
	hdr.msg_magic = 0x70747373;	/* byte-swapped magic */
	hdr.msg_type = SSTP_API_MSG_ACK;
	type = SSTP_API_MSG_UNKNOWN;
	ASSERT_INT_EQ(sstp_api_msg_type(&hdr, &type), -1);
	ASSERT_INT_EQ(type, SSTP_API_MSG_UNKNOWN);
	hdr.msg_magic = 0x73737470;
	ASSERT_INT_EQ(sstp_api_msg_type(&hdr, &type), 0);
	ASSERT_INT_EQ(type, SSTP_API_MSG_ACK);
	TEST_DONE();
}

/* Arguments the builders refuse: the message is left as it was. */
static void
test_build_refusals(void)
{
	uint8_t buf[BUFSZ], snap[BUFSZ], big[1100];
	sstp_api_msg_st *msg, hdr;

	TEST_START("builder refusals (sstpc only)");
	memset(buf, 0xa5, sizeof buf);
	ASSERT_PTR_NULL(sstp_api_msg_new(NULL, SSTP_API_MSG_AUTH));
	ASSERT_PTR_NULL(sstp_api_msg_new(buf, (sstp_api_msg_t)4));
	ASSERT_INT_EQ(buf[0], 0xa5);		/* untouched */
	ASSERT_INT_EQ(sstp_api_msg_len(NULL), 0);
	memset(&hdr, 0, sizeof hdr);
	ASSERT_INT_EQ(sstp_api_msg_len(&hdr), 0);	/* no magic */
	ASSERT_INT_EQ(sstp_api_msg_type(NULL, NULL), -1);

	msg = sstp_api_msg_new(buf, SSTP_API_MSG_AUTH);
	ASSERT_PTR_NOT_NULL(msg);
	sstp_api_attr_add(msg, SSTP_API_ATTR_MPPE_SEND, 16, (void *)send16);
	memcpy(snap, buf, sizeof snap);
	sstp_api_attr_add(msg, SSTP_API_ATTR_UNKNOWN, 4, (void *)send16);
	sstp_api_attr_add(msg, (sstp_api_attr_t)5, 4, (void *)send16);
	sstp_api_attr_add(msg, SSTP_API_ATTR_MPPE_RECV, 4, NULL);
	sstp_api_attr_add(msg, SSTP_API_ATTR_MPPE_RECV, 0xffffffffU,
	    (void *)send16);
	sstp_api_attr_add(NULL, SSTP_API_ATTR_MPPE_RECV, 4, (void *)send16);
	ASSERT_MEM_EQ(buf, snap, sizeof buf);
	ASSERT_INT_EQ(sstp_api_msg_len(msg), 28);

	/* Exactly SSTP_API_MSG_MAX octets of attributes fit, one more not. */
	memset(big, 0x33, sizeof big);
	memset(buf, 0xa5, sizeof buf);
	msg = sstp_api_msg_new(buf, SSTP_API_MSG_ACK);
	sstp_api_attr_add(msg, SSTP_API_ATTR_ADDR,
	    (unsigned int)ref_msg_max() - 4, big);
	ASSERT_INT_EQ(sstp_api_msg_len(msg), 8 + (int)ref_msg_max());
	memcpy(snap, buf, sizeof snap);
	sstp_api_attr_add(msg, SSTP_API_ATTR_GATEWAY, 0, big);
	ASSERT_MEM_EQ(buf, snap, sizeof buf);
	ASSERT_INT_EQ(sstp_api_msg_len(msg), 8 + (int)ref_msg_max());
	memset(buf, 0xa5, sizeof buf);
	msg = sstp_api_msg_new(buf, SSTP_API_MSG_ACK);
	sstp_api_attr_add(msg, SSTP_API_ATTR_ADDR,
	    (unsigned int)ref_msg_max() - 3, big);
	ASSERT_INT_EQ(sstp_api_msg_len(msg), 8);
	/* A header that does not carry the magic gets nothing appended. */
	memset(buf, 0, sizeof buf);
	sstp_api_attr_add((sstp_api_msg_st *)(void *)buf,
	    SSTP_API_ATTR_GATEWAY, 1, (void *)"x");
	ASSERT_INT_EQ(buf[4], 0);
	ASSERT_INT_EQ(buf[8], 0);
	TEST_DONE();
}

/* One malformed body: parse fails, list[] cleared, no read past len. */
static void
bad_body(const char *what, const char *hex, int count)
{
	uint8_t raw[64];
	sstp_api_attr_st *list[8];
	size_t n, i;
	char *body;
	int r;

	n = th_unhex(hex, raw, sizeof raw);
	body = exact(raw, n);
	memset(list, 0x5a, sizeof list);
	r = sstp_api_attr_parse(body, (int)n, list, count);
	TH_CHECK(r == -1, "%s: parse returned %d", what, r);
	for (i = 0; i < (size_t)count; i++)
		TH_CHECK(list[i] == NULL, "%s: list[%zu] not cleared", what, i);
	free(body);
}

/* The bad-input table for sstp_api_attr_parse (hex in x86 byte order). */
static void
test_parse_refusals(void)
{
	sstp_api_attr_st *list[SSTP_API_ATTR_MAX + 1];
	char dummy[4] = { 0 };
	uint16_t gwtype = SSTP_API_ATTR_GATEWAY;

	TEST_START("parser refusals (sstpc only)");
	bad_body("type 0", "0000 0000", 5);
	bad_body("type 5", "0500 0000", 5);
	bad_body("type 0xffff", "ffff 0000", 5);
	bad_body("type >= count", "0400 0000", 4);
	bad_body("second attr type 0", "0100 0000 0000 0000", 5);
	bad_body("data past len", "0300 0800 41424344", 5);
	bad_body("padding past len", "0300 0500 4142434445", 5);
	bad_body("huge attr_len", "0300 ffff 41424344", 5);
	bad_body("1 trailing octet", "0300 0000 00", 5);
	bad_body("3 trailing octets", "0300 0100 41000000 010000", 5);
	bad_body("lone header half", "0300", 5);
	ASSERT_INT_EQ(sstp_api_attr_parse(dummy, -1, list, 5), -1);
	ASSERT_INT_EQ(sstp_api_attr_parse(NULL, 4, list, 5), -1);
	ASSERT_INT_EQ(sstp_api_attr_parse(dummy, 4, NULL, 5), -1);
	ASSERT_INT_EQ(sstp_api_attr_parse(dummy, 4, list, 0), -1);
	/* The same shapes done right are accepted. */
	ASSERT_INT_EQ(sstp_api_attr_parse(dummy, 4, list, 5), -1);
	memcpy(dummy, &gwtype, sizeof gwtype);
	ASSERT_INT_EQ(sstp_api_attr_parse(dummy, 4, list, 5), 0);
	ASSERT_TRUE(list[3] == (sstp_api_attr_st *)(void *)dummy);
	TEST_DONE();
}

int
main(int argc, char **argv)
{
	int portable = argc > 1 && strcmp(argv[1], "--portable") == 0;

	test_auth_vector(portable);
	test_bare_headers(portable);
	test_padding(portable);
	test_ack_addr(portable);
	test_repeat(portable);
	test_magic();
	if (!portable) {
		test_build_refusals();
		test_parse_refusals();
	}
	return test_exit();
}
