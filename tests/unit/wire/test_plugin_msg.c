/*
 * test_sstp_api.c - sstp-api messages byte for byte as sstp-client 1.0.18
 * lays them out (REFERENCE-CLIENT.md 3.2, 3.3), and the parser's refusals.
 *
 * The format is host byte order; the vectors below are written for a
 * little-endian host (x86: magic 70 74 73 73) and the u16/u32 fields are
 * swapped at run time on a big-endian one.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "sstpc-plugin.h"
#include "harness.h"

static const char send_hex[] =
    "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff";
static const char recv_hex[] =
    "f0 e1 d2 c3 b4 a5 96 87 78 69 5a 4b 3c 2d 1e 0f";

/*
 * Unhex a little-endian vector into out and, on a big-endian host, swap
 * the 4-octet magic at 0 and the u16 fields at the offsets listed (ended
 * by 0).
 */
static size_t
host_vec(const char *hex, const size_t *u16_offs, uint8_t *out, size_t cap)
{
	size_t n = th_unhex(hex, out, cap);
#ifdef WORDS_BIGENDIAN
	uint8_t t;

	t = out[0]; out[0] = out[3]; out[3] = t;
	t = out[1]; out[1] = out[2]; out[2] = t;
	for (; *u16_offs != 0; u16_offs++) {
		t = out[*u16_offs];
		out[*u16_offs] = out[*u16_offs + 1];
		out[*u16_offs + 1] = t;
	}
#else
	(void)u16_offs;
#endif
	return n;
}

static void
test_auth(void)
{
	static const size_t offs48[] = { 4, 6, 8, 10, 28, 30, 0 };
	static const size_t offs8[] = { 4, 6, 0 };
	uint8_t sk[16], rk[16], want[64], out[64];
	struct sstp_api_message m;
	struct wbuf w;
	struct bcur c;
	size_t n;

	th_unhex(send_hex, sk, sizeof sk);
	th_unhex(recv_hex, rk, sizeof rk);

	TEST_START("AUTH with 16+16 key octets: 48 bytes");
	n = host_vec("70 74 73 73 28 00 01 00"
	    "01 00 10 00 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff"
	    "02 00 10 00 f0 e1 d2 c3 b4 a5 96 87 78 69 5a 4b 3c 2d 1e 0f",
	    offs48, want, sizeof want);
	ASSERT_INT_EQ(n, 48);
	wbuf_init(&w, out, sizeof out);
	ASSERT_INT_EQ(sstp_api_build_auth(&w, sk, 16, rk, 16), 0);
	ASSERT_INT_EQ(w.len, 48);
	ASSERT_MEM_EQ(out, want, 48);
	c = bcur_make(want, n);
	ASSERT_INT_EQ(sstp_api_msg_parse(&c, &m), 0);
	ASSERT_INT_EQ(bcur_left(&c), 0);
	ASSERT_INT_EQ(m.type, SSTP_API_MSG_AUTH);
	ASSERT_INT_EQ(m.present, (1 << SSTP_API_ATTR_MPPE_SEND) |
	    (1 << SSTP_API_ATTR_MPPE_RECV));
	ASSERT_INT_EQ(m.send_key_len, 16);
	ASSERT_INT_EQ(m.recv_key_len, 16);
	ASSERT_MEM_EQ(m.send_key, sk, 16);
	ASSERT_MEM_EQ(m.recv_key, rk, 16);
	sstp_api_msg_clear(&m);
	ASSERT_INT_EQ(m.send_key[0] | m.recv_key[15] | m.send_key_len, 0);
	TEST_DONE();

	TEST_START("AUTH without keys: 8 bytes");
	n = host_vec("70 74 73 73 00 00 01 00", offs8, want, sizeof want);
	wbuf_init(&w, out, sizeof out);
	ASSERT_INT_EQ(sstp_api_build_auth(&w, NULL, 0, NULL, 0), 0);
	ASSERT_INT_EQ(w.len, 8);
	ASSERT_MEM_EQ(out, want, n);
	c = bcur_make(want, n);
	ASSERT_INT_EQ(sstp_api_msg_parse(&c, &m), 0);
	ASSERT_INT_EQ(m.type, SSTP_API_MSG_AUTH);
	ASSERT_INT_EQ(m.present, 0);
	TEST_DONE();

	TEST_START("ADDR request and bare ACK");
	n = host_vec("70 74 73 73 00 00 02 00", offs8, want, sizeof want);
	wbuf_init(&w, out, sizeof out);
	ASSERT_INT_EQ(sstp_api_build_addr_req(&w), 0);
	ASSERT_INT_EQ(w.len, 8);
	ASSERT_MEM_EQ(out, want, n);
	n = host_vec("70 74 73 73 00 00 03 00", offs8, want, sizeof want);
	wbuf_init(&w, out, sizeof out);
	ASSERT_INT_EQ(sstp_api_build_ack(&w), 0);
	ASSERT_INT_EQ(w.len, 8);
	ASSERT_MEM_EQ(out, want, n);
	c = bcur_make(want, n);
	ASSERT_INT_EQ(sstp_api_msg_parse(&c, &m), 0);
	ASSERT_INT_EQ(m.type, SSTP_API_MSG_ACK);
	TEST_DONE();
}

static void
test_ack_addr(void)
{
	static const size_t offs4[] = { 4, 6, 8, 10, 28, 30, 32, 0 };
	static const size_t offs6[] = { 4, 6, 8, 10, 28, 30, 32, 0 };
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sstp_api_message m;
	uint8_t want[128], out[128];
	struct wbuf w;
	struct bcur c;
	size_t n;

	TEST_START("ACK + GATEWAY + ADDR (sockaddr_in, 16 bytes)");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(443);
	sin.sin_addr.s_addr = htonl(0xc0000201);	/* 192.0.2.1 */
	ASSERT_INT_EQ(sizeof sin, 16);
	n = host_vec("70 74 73 73 28 00 03 00"
	    "03 00 0f 00 76 70 6e 2e 65 78 61 6d 70 6c 65 2e 63 6f 6d 00"
	    "04 00 10 00 02 00 01 bb c0 00 02 01 00 00 00 00 00 00 00 00",
	    offs4, want, sizeof want);
	ASSERT_INT_EQ(n, 48);
	wbuf_init(&w, out, sizeof out);
	ASSERT_INT_EQ(sstp_api_build_ack_addr(&w, "vpn.example.com", 15,
	    &sin, sizeof sin), 0);
	ASSERT_INT_EQ(w.len, n);
	ASSERT_MEM_EQ(out, want, n);
	c = bcur_make(out, w.len);
	ASSERT_INT_EQ(sstp_api_msg_parse(&c, &m), 0);
	ASSERT_INT_EQ(m.type, SSTP_API_MSG_ACK);
	ASSERT_INT_EQ(m.gateway_len, 15);
	ASSERT_STR_EQ(m.gateway, "vpn.example.com");
	ASSERT_INT_EQ(m.addr_len, 16);
	ASSERT_MEM_EQ(m.addr, &sin, 16);
	TEST_DONE();

	TEST_START("ACK + GATEWAY + ADDR (sockaddr_in6, 28 bytes)");
	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(443);
	ASSERT_INT_EQ(inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr), 1);
	ASSERT_INT_EQ(sizeof sin6, 28);
	n = host_vec("70 74 73 73 34 00 03 00"
	    "03 00 0f 00 76 70 6e 2e 65 78 61 6d 70 6c 65 2e 63 6f 6d 00"
	    "04 00 1c 00 0a 00 01 bb 00 00 00 00"
	    "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00",
	    offs6, want, sizeof want);
	ASSERT_INT_EQ(n, 60);
	wbuf_init(&w, out, sizeof out);
	ASSERT_INT_EQ(sstp_api_build_ack_addr(&w, "vpn.example.com", 15,
	    &sin6, sizeof sin6), 0);
	ASSERT_INT_EQ(w.len, n);
	ASSERT_MEM_EQ(out, want, n);
	c = bcur_make(out, w.len);
	ASSERT_INT_EQ(sstp_api_msg_parse(&c, &m), 0);
	ASSERT_INT_EQ(m.addr_len, 28);
	ASSERT_MEM_EQ(m.addr, &sin6, 28);
	TEST_DONE();
}

/* Parse hex (LE vector, header fields only swapped) and expect r. */
static int
parse_hex(const char *hex, struct sstp_api_message *m, size_t *left)
{
	static const size_t offs[] = { 4, 6, 0 };
	uint8_t buf[2048];
	struct bcur c;
	size_t n;
	int r;

	n = host_vec(hex, offs, buf, sizeof buf);
	c = bcur_make(buf, n);
	r = sstp_api_msg_parse(&c, m);
	if (left != NULL)
		*left = bcur_left(&c);
	return r;
}

static void
test_malformed(void)
{
	struct sstp_api_message m;
	struct sstp_api_hdr h;
	uint8_t buf[1100];
	struct wbuf w;
	struct bcur c;
	size_t left;

	/* These vectors hold attribute headers, so run them only on LE. */
#ifndef WORDS_BIGENDIAN
	TEST_START("malformed: bad magic, unknown message type");
	ASSERT_INT_EQ(parse_hex("70 74 73 74 00 00 03 00", &m, &left), -EPROTO);
	ASSERT_INT_EQ(left, 8);
	ASSERT_INT_EQ(parse_hex("73 73 74 70 00 00 03 00", &m, NULL), -EPROTO);
	ASSERT_INT_EQ(parse_hex("70 74 73 73 00 00 00 00", &m, NULL), -EPROTO);
	ASSERT_INT_EQ(parse_hex("70 74 73 73 00 00 04 00", &m, NULL), -EPROTO);
	ASSERT_INT_EQ(parse_hex("70 74 73 73 00 00 03", &m, NULL), -EBADMSG);
	TEST_DONE();

	TEST_START("malformed: msg_len over the cap or past the data");
	ASSERT_INT_EQ(parse_hex("70 74 73 73 01 04 01 00", &m, NULL),
	    -EMSGSIZE);
	ASSERT_INT_EQ(parse_hex("70 74 73 73 ff ff 01 00", &m, NULL),
	    -EMSGSIZE);
	ASSERT_INT_EQ(parse_hex("70 74 73 73 08 00 01 00 01 00 00 00",
	    &m, &left), -EBADMSG);
	ASSERT_INT_EQ(left, 12);
	c = bcur_make("\x70\x74\x73\x73\x00\x04\x01\x00", 8);
	ASSERT_INT_EQ(sstp_api_hdr_parse(&c, &h), 0);
	ASSERT_INT_EQ(h.msg_len, 1024);
	ASSERT_INT_EQ(h.msg_type, SSTP_API_MSG_AUTH);
	ASSERT_INT_EQ(bcur_left(&c), 0);
	TEST_DONE();

	TEST_START("malformed: attribute running past the end");
	ASSERT_INT_EQ(parse_hex("70 74 73 73 08 00 01 00"
	    "01 00 10 00 00 11 22 33", &m, NULL), -EBADMSG);
	/* ... by its padding only: len 1 needs 4 octets of data. */
	ASSERT_INT_EQ(parse_hex("70 74 73 73 06 00 03 00"
	    "03 00 01 00 61 00", &m, NULL), -EBADMSG);
	ASSERT_INT_EQ(parse_hex("70 74 73 73 08 00 03 00"
	    "03 00 01 00 61 00 00 00", &m, NULL), 0);
	ASSERT_STR_EQ(m.gateway, "a");
	TEST_DONE();

	TEST_START("malformed: zero and unknown attribute types");
	ASSERT_INT_EQ(parse_hex("70 74 73 73 08 00 03 00"
	    "00 00 04 00 01 02 03 04", &m, NULL), -EBADMSG);
	ASSERT_INT_EQ(parse_hex("70 74 73 73 08 00 03 00"
	    "05 00 04 00 01 02 03 04", &m, NULL), -EBADMSG);
	ASSERT_INT_EQ(parse_hex("70 74 73 73 04 00 03 00"
	    "ff ff 00 00", &m, NULL), -EBADMSG);
	TEST_DONE();

	TEST_START("malformed: odd leftover octets, oversize values");
	/* 2 octets after a good attribute: no room for a header. */
	ASSERT_INT_EQ(parse_hex("70 74 73 73 0a 00 03 00"
	    "03 00 02 00 61 62 00 00 00 00", &m, NULL), -EBADMSG);
	ASSERT_INT_EQ(parse_hex("70 74 73 73 02 00 03 00 03 00", &m, NULL),
	    -EBADMSG);
	/* Gateway with a NUL inside; a trailing NUL is tolerated. */
	ASSERT_INT_EQ(parse_hex("70 74 73 73 08 00 03 00"
	    "03 00 03 00 61 00 62 00", &m, NULL), -EBADMSG);
	ASSERT_INT_EQ(parse_hex("70 74 73 73 08 00 03 00"
	    "03 00 02 00 61 00 00 00", &m, NULL), 0);
	ASSERT_INT_EQ(m.gateway_len, 1);
	/* A 68-octet key. */
	wbuf_init(&w, buf, sizeof buf);
	sstp_api_put_hdr(&w, SSTP_API_MSG_AUTH, 72);
	sstp_api_put_attr(&w, SSTP_API_ATTR_MPPE_SEND,
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "4567", 68);
	ASSERT_INT_EQ(wbuf_error(&w), 0);
	c = bcur_make(buf, w.len);
	ASSERT_INT_EQ(sstp_api_msg_parse(&c, &m), -EBADMSG);
	ASSERT_INT_EQ(m.send_key[0] | m.send_key_len, 0);
	/* A 129-octet address and a 256-octet gateway. */
	wbuf_init(&w, buf, sizeof buf);
	sstp_api_put_hdr(&w, SSTP_API_MSG_ACK, sstp_api_attr_space(129));
	sstp_api_put_attr(&w, SSTP_API_ATTR_ADDR, buf + 600, 129);
	c = bcur_make(buf, w.len);
	ASSERT_INT_EQ(sstp_api_msg_parse(&c, &m), -EBADMSG);
	memset(buf + 600, 'a', 256);
	wbuf_init(&w, buf, sizeof buf);
	sstp_api_put_hdr(&w, SSTP_API_MSG_ACK, sstp_api_attr_space(256));
	sstp_api_put_attr(&w, SSTP_API_ATTR_GATEWAY, buf + 600, 256);
	c = bcur_make(buf, w.len);
	ASSERT_INT_EQ(sstp_api_msg_parse(&c, &m), -EBADMSG);
	TEST_DONE();
#endif

	TEST_START("duplicates override; back-to-back messages");
	wbuf_init(&w, buf, sizeof buf);
	sstp_api_put_hdr(&w, SSTP_API_MSG_AUTH, 2 * sstp_api_attr_space(16) +
	    sstp_api_attr_space(32));
	sstp_api_put_attr(&w, SSTP_API_ATTR_MPPE_SEND, "AAAAAAAAAAAAAAAA", 16);
	sstp_api_put_attr(&w, SSTP_API_ATTR_MPPE_RECV, "CCCCCCCCCCCCCCCC", 16);
	sstp_api_put_attr(&w, SSTP_API_ATTR_MPPE_SEND,
	    "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", 32);
	sstp_api_build_ack(&w);
	ASSERT_INT_EQ(wbuf_error(&w), 0);
	c = bcur_make(buf, w.len);
	ASSERT_INT_EQ(sstp_api_msg_parse(&c, &m), 0);
	ASSERT_INT_EQ(m.send_key_len, 32);
	ASSERT_MEM_EQ(m.send_key, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", 32);
	ASSERT_INT_EQ(m.recv_key_len, 16);
	ASSERT_INT_EQ(bcur_left(&c), 8);
	ASSERT_INT_EQ(sstp_api_msg_parse(&c, &m), 0);
	ASSERT_INT_EQ(m.type, SSTP_API_MSG_ACK);
	ASSERT_INT_EQ(bcur_left(&c), 0);
	TEST_DONE();

	TEST_START("builder refusals and ENOSPC");
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(sstp_api_build_auth(&w, buf + 512, 65, NULL, 0), -EINVAL);
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(sstp_api_build_ack_addr(&w, "a\0b", 3, buf + 512, 16),
	    -EINVAL);
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(sstp_api_build_ack_addr(&w, "a", 1, buf + 512, 129),
	    -EINVAL);
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(sstp_api_put_hdr(&w, SSTP_API_MSG_ACK, 1025), -EINVAL);
	wbuf_init(&w, buf, 47);
	ASSERT_INT_EQ(sstp_api_build_auth(&w,
	    (const uint8_t *)"0123456789abcdef", 16,
	    (const uint8_t *)"fedcba9876543210", 16), -ENOSPC);
	ASSERT_INT_EQ(sstp_api_attr_space(0), 4);
	ASSERT_INT_EQ(sstp_api_attr_space(1), 8);
	ASSERT_INT_EQ(sstp_api_attr_space(16), 20);
	ASSERT_INT_EQ(sstp_api_attr_space(15), 20);
	TEST_DONE();
}

static void
test_mutations(void)
{
	uint8_t base[64], buf[64], key[16];
	struct sstp_api_message m;
	struct wbuf w;
	struct bcur c;
	size_t n, i, ok = 0;
	uint32_t r = 7;
	int rc;

	TEST_START("bit flips and truncations never crash or over-read");
	memset(key, 0x5a, sizeof key);
	wbuf_init(&w, base, sizeof base);
	ASSERT_INT_EQ(sstp_api_build_auth(&w, key, 16, key, 16), 0);
	n = w.len;
	for (i = 0; i < 20000; i++) {
		memcpy(buf, base, n);
		r ^= r << 13;
		r ^= r >> 17;
		r ^= r << 5;
		buf[(r >> 8) % n] ^= (uint8_t)(1U << (r & 7));
		c = bcur_make(buf, n - (i % 3 == 0 ? (r >> 16) % n : 0));
		rc = sstp_api_msg_parse(&c, &m);
		if (rc == 0) {
			ok++;
			ASSERT_TRUE(m.send_key_len <= SSTP_API_KEY_MAX);
			ASSERT_TRUE(m.recv_key_len <= SSTP_API_KEY_MAX);
		} else
			ASSERT_TRUE(rc == -EBADMSG || rc == -EPROTO ||
			    rc == -EMSGSIZE);
	}
	/* Flips inside key data keep the message valid. */
	ASSERT_INT_GE(ok, 1);
	TEST_DONE();
}

int
main(void)
{
	test_auth();
	test_ack_addr();
	test_malformed();
	test_mutations();
	return test_exit();
}
