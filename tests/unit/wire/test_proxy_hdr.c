/*
 * test_proxy_hdr.c - the PROXY protocol header (src/wire/proxy_hdr.c)
 * against vectors written by hand from haproxy's doc/proxy-protocol.txt:
 * its examples (2.1 the TCP4 line, the four maximum-length lines; 2.2 the
 * address blocks), every truncation of each (0, never an error), and one
 * input per malformed class (-EBADMSG with a cause).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "wire/proxy_hdr.h"

#define SIG	"0d0a0d0a000d0a515549540a"

/* Is ss the address text:port? */
static int
addr_is(const struct sockaddr_storage *ss, socklen_t len, const char *text,
    unsigned port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	uint8_t want[16];

	if (strchr(text, ':') == NULL) {
		if (inet_pton(AF_INET, text, want) != 1)
			return 0;
		return ss->ss_family == AF_INET && len == sizeof *sin &&
		    memcmp(&sin->sin_addr, want, 4) == 0 &&
		    ntohs(sin->sin_port) == port;
	}
	if (inet_pton(AF_INET6, text, want) != 1)
		return 0;
	return ss->ss_family == AF_INET6 && len == sizeof *sin6 &&
	    memcmp(&sin6->sin6_addr, want, 16) == 0 &&
	    ntohs(sin6->sin6_port) == port;
}

/* Every proper prefix of buf[0..n) is incomplete: 0, no cause. */
static void
check_prefixes(const uint8_t *buf, size_t n)
{
	struct proxy_hdr h;
	char err[128];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = proxy_hdr_parse(buf, i, &h, err, sizeof err);
		TH_CHECK(rc == 0 && err[0] == '\0',
		    "prefix %zu of %zu: rc %d (%s)", i, n, rc, err);
	}
}

static void
test_v1(void)
{
	static const char ex[] = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 "
	    "443\r\nGET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n";
	static const char max4[] = "PROXY TCP4 255.255.255.255 "
	    "255.255.255.255 65535 65535\r\n";
	static const char max6[] = "PROXY TCP6 "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
	static const char unk[] = "PROXY UNKNOWN\r\n";
	static const char unk_max[] = "PROXY UNKNOWN "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
	struct proxy_hdr h;
	char err[128];

	TEST_START("proxy v1: the spec's lines (2.1)");
	ASSERT_INT_EQ(proxy_hdr_parse((const uint8_t *)ex, sizeof ex - 1, &h,
	    err, sizeof err), 1);
	ASSERT_INT_EQ(h.version, 1);
	ASSERT_FALSE(h.local);
	ASSERT_INT_EQ(h.len, 47);
	ASSERT_TRUE(addr_is(&h.src, h.srclen, "192.168.0.1", 56324));
	ASSERT_TRUE(addr_is(&h.dst, h.dstlen, "192.168.0.11", 443));
	check_prefixes((const uint8_t *)ex, 47);

	ASSERT_INT_EQ(sizeof max4 - 1, 56);
	ASSERT_INT_EQ(proxy_hdr_parse((const uint8_t *)max4, 56, &h, err,
	    sizeof err), 1);
	ASSERT_INT_EQ(h.len, 56);
	ASSERT_TRUE(addr_is(&h.src, h.srclen, "255.255.255.255", 65535));
	check_prefixes((const uint8_t *)max4, 56);

	ASSERT_INT_EQ(sizeof max6 - 1, 104);
	ASSERT_INT_EQ(proxy_hdr_parse((const uint8_t *)max6, 104, &h, err,
	    sizeof err), 1);
	ASSERT_INT_EQ(h.len, 104);
	ASSERT_TRUE(addr_is(&h.dst, h.dstlen,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535));
	check_prefixes((const uint8_t *)max6, 104);

	ASSERT_INT_EQ(proxy_hdr_parse((const uint8_t *)unk, 15, &h, err,
	    sizeof err), 1);
	ASSERT_TRUE(h.local);
	ASSERT_INT_EQ(h.len, 15);
	ASSERT_INT_EQ(h.srclen, 0);
	check_prefixes((const uint8_t *)unk, 15);

	ASSERT_INT_EQ(sizeof unk_max - 1, PROXY_V1_MAX);
	ASSERT_INT_EQ(proxy_hdr_parse((const uint8_t *)unk_max, PROXY_V1_MAX,
	    &h, err, sizeof err), 1);
	ASSERT_TRUE(h.local);
	ASSERT_INT_EQ(h.len, PROXY_V1_MAX);
	check_prefixes((const uint8_t *)unk_max, PROXY_V1_MAX);
	TEST_DONE();

	TEST_START("proxy v1: other good lines");
	ASSERT_INT_EQ(proxy_hdr_parse((const uint8_t *)
	    "PROXY TCP6 2001:db8::1 ::1 0 443\r\n\x16\x03\x01", 37, &h, err,
	    sizeof err), 1);
	ASSERT_INT_EQ(h.len, 34);
	ASSERT_TRUE(addr_is(&h.src, h.srclen, "2001:db8::1", 0));
	ASSERT_TRUE(addr_is(&h.dst, h.dstlen, "::1", 443));
	ASSERT_INT_EQ(proxy_hdr_parse((const uint8_t *)
	    "PROXY TCP4 0.0.0.0 192.0.2.10 1 10\r\n", 36, &h, err,
	    sizeof err), 1);
	ASSERT_TRUE(addr_is(&h.src, h.srclen, "0.0.0.0", 1));
	/* UNKNOWN ignores whatever precedes its CRLF (2.1). */
	ASSERT_INT_EQ(proxy_hdr_parse((const uint8_t *)
	    "PROXY UNKNOWN what ever \x01\r\n", 27, &h, err, sizeof err), 1);
	ASSERT_TRUE(h.local);
	ASSERT_INT_EQ(h.len, 27);
	TEST_DONE();
}

static void
test_v1_bad(void)
{
	static const char *bad[] = {
		"GET / HTTP/1.1\r\n",
		"\x16\x03\x01\x02\x00\x01\x00\x01",
		"PROXYTCP4 1.2.3.4 1.2.3.4 1 1\r\n",
		"proxy TCP4 1.2.3.4 1.2.3.4 1 1\r\n",
		"PROXY TCP5 1.2.3.4 1.2.3.4 1 1\r\n",
		"PROXY tcp4 1.2.3.4 1.2.3.4 1 1\r\n",
		"PROXY UNKNOWNX\r\n",
		"PROXY \r\n",
		"PROXY TCP4\r\n",
		"PROXY  TCP4 1.2.3.4 1.2.3.4 1 1\r\n",
		"PROXY TCP4 1.2.3.4  1.2.3.4 1 1\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 1 \r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 1 1\r\n",
		"PROXY TCP4 1.2.3.256 1.2.3.4 1 1\r\n",
		"PROXY TCP4 1.2.3.04 1.2.3.4 1 1\r\n",
		"PROXY TCP4 1.2.3 1.2.3.4 1 1\r\n",
		"PROXY TCP4 1.2.3.4. 1.2.3.4 1 1\r\n",
		"PROXY TCP4 1..3.4 1.2.3.4 1 1\r\n",
		"PROXY TCP4 ::1 1.2.3.4 1 1\r\n",
		"PROXY TCP6 1.2.3.4 ::1 1 1\r\n",
		"PROXY TCP6 ::1 ::1::1 1 1\r\n",
		"PROXY TCP6 ::g ::1 1 1\r\n",
		"PROXY TCP6 fe80::1%eth0 ::1 1 1\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 65536 1\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 0443\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 00 1\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 -1 1\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 +1\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 1\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 1\rx",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 1\r\r\n",
		"PROXY TCP4 1.2.3.4\t1.2.3.4 1 1\r\n",
		"PROXY UNKNOWN a\nb\r\n",
	};
	struct proxy_hdr h;
	char line[PROXY_V1_MAX + 8], err[128];
	size_t i;
	int rc;

	TEST_START("proxy v1: every malformed class is -EBADMSG with a cause");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		rc = proxy_hdr_parse((const uint8_t *)bad[i], strlen(bad[i]),
		    &h, err, sizeof err);
		TH_CHECK(rc == -EBADMSG && err[0] != '\0',
		    "case %zu: rc %d (%s)", i, rc, err);
		TH_CHECK(h.version == 0 && h.len == 0, "case %zu: h set", i);
	}
	/* No CRLF within 107 octets (2.1). */
	memset(line, 'x', sizeof line);
	memcpy(line, "PROXY UNKNOWN ", 14);
	ASSERT_INT_EQ(proxy_hdr_parse((uint8_t *)line, PROXY_V1_MAX - 1, &h,
	    err, sizeof err), 0);
	ASSERT_INT_EQ(proxy_hdr_parse((uint8_t *)line, PROXY_V1_MAX, &h, err,
	    sizeof err), -EBADMSG);
	ASSERT_INT_EQ(proxy_hdr_parse((uint8_t *)line, sizeof line, &h, err,
	    sizeof err), -EBADMSG);
	/* The CRLF at octets 107-108: one too many. */
	memcpy(line + PROXY_V1_MAX - 1, "\r\n", 2);
	ASSERT_INT_EQ(proxy_hdr_parse((uint8_t *)line, PROXY_V1_MAX + 1, &h,
	    err, sizeof err), -EBADMSG);
	/* errlen 0: no write, still the error. */
	ASSERT_INT_EQ(proxy_hdr_parse((const uint8_t *)"GET", 3, &h, NULL, 0),
	    -EBADMSG);
	TEST_DONE();
}

/* Parse the hex vector: its result, with *h and err. */
static int
parse_hex(const char *hex, struct proxy_hdr *h, char *err, size_t errlen,
    uint8_t *buf, size_t cap, size_t *n)
{
	*n = th_unhex(hex, buf, cap);
	return proxy_hdr_parse(buf, *n, h, err, errlen);
}

static void
test_v2(void)
{
	struct proxy_hdr h;
	uint8_t buf[512];
	char err[128];
	size_t n;

	TEST_START("proxy v2: LOCAL, TCP4, TCP6, TLVs, fallbacks (2.2)");
	/* LOCAL, no address block. */
	ASSERT_INT_EQ(parse_hex(SIG "20 00 0000", &h, err, sizeof err, buf,
	    sizeof buf, &n), 1);
	ASSERT_INT_EQ(h.version, 2);
	ASSERT_TRUE(h.local);
	ASSERT_INT_EQ(h.len, 16);
	check_prefixes(buf, n);
	/* LOCAL with a block anyway: skipped whole, family ignored. */
	ASSERT_INT_EQ(parse_hex(SIG "20 ff 000c c0a80001 c0a8000b dc04 01bb"
	    "16030100", &h, err, sizeof err, buf, sizeof buf, &n), 1);
	ASSERT_TRUE(h.local);
	ASSERT_INT_EQ(h.len, 28);
	/* PROXY TCP over IPv4: 192.168.0.1:56324 -> 192.168.0.11:443. */
	ASSERT_INT_EQ(parse_hex(SIG "21 11 000c c0a80001 c0a8000b dc04 01bb",
	    &h, err, sizeof err, buf, sizeof buf, &n), 1);
	ASSERT_FALSE(h.local);
	ASSERT_INT_EQ(h.len, 28);
	ASSERT_TRUE(addr_is(&h.src, h.srclen, "192.168.0.1", 56324));
	ASSERT_TRUE(addr_is(&h.dst, h.dstlen, "192.168.0.11", 443));
	check_prefixes(buf, n);
	/* PROXY TCP over IPv6: 2001:db8::1:1234 -> 2001:db8::2:443. */
	ASSERT_INT_EQ(parse_hex(SIG "21 21 0024"
	    "20010db8000000000000000000000001"
	    "20010db8000000000000000000000002 04d2 01bb", &h, err,
	    sizeof err, buf, sizeof buf, &n), 1);
	ASSERT_INT_EQ(h.len, 52);
	ASSERT_TRUE(addr_is(&h.src, h.srclen, "2001:db8::1", 1234));
	ASSERT_TRUE(addr_is(&h.dst, h.dstlen, "2001:db8::2", 443));
	check_prefixes(buf, n);
	/* TLVs after the addresses: NOOP (2.2.4), ALPN "h2", empty one. */
	ASSERT_INT_EQ(parse_hex(SIG "21 11 0019 c0000201 c000020a 1000 01bb"
	    "04 0002 0000  01 0002 6832  05 0000", &h, err, sizeof err, buf,
	    sizeof buf, &n), 1);
	ASSERT_INT_EQ(h.len, 16 + 25);
	ASSERT_TRUE(addr_is(&h.src, h.srclen, "192.0.2.1", 4096));
	check_prefixes(buf, n);
	/* UNSPEC, UDP, AF_UNIX under PROXY: the socket's own (local). */
	ASSERT_INT_EQ(parse_hex(SIG "21 00 0000", &h, err, sizeof err, buf,
	    sizeof buf, &n), 1);
	ASSERT_TRUE(h.local);
	ASSERT_INT_EQ(parse_hex(SIG "21 12 000c c0a80001 c0a8000b dc04 01bb",
	    &h, err, sizeof err, buf, sizeof buf, &n), 1);
	ASSERT_TRUE(h.local);
	ASSERT_INT_EQ(h.srclen, 0);
	memset(buf, 0, sizeof buf);
	n = th_unhex(SIG "21 31 00d8", buf, sizeof buf);
	ASSERT_INT_EQ(proxy_hdr_parse(buf, n + 216, &h, err, sizeof err), 1);
	ASSERT_TRUE(h.local);
	ASSERT_INT_EQ(h.len, 16 + 216);
	check_prefixes(buf, n + 216);
	TEST_DONE();
}

static void
test_v2_bad(void)
{
	static const char *bad[] = {
		"0d0a0d0a000d0a515549540b 21 11 000c",	/* signature */
		"0d0a0d0a010d0a",			/* signature, early */
		SIG "11 11 000c",	/* version 1 */
		SIG "31 11 000c",	/* version 3 */
		SIG "22 11 000c",	/* command 2 */
		SIG "2f 11 000c",	/* command 15 */
		SIG "21 41 000c",	/* family 4 */
		SIG "21 13 000c",	/* protocol 3 */
		SIG "21 f0 0000",	/* family 15 */
		SIG "21 11 000b c0a80001 c0a8000b dc04 01",	/* short v4 */
		SIG "21 21 000c c0a80001 c0a8000b dc04 01bb",	/* short v6 */
		SIG "21 11 000e c0a80001 c0a8000b dc04 01bb 0400",   /* TLV */
		SIG "21 11 0010 c0a80001 c0a8000b dc04 01bb 04 0002 00",
		SIG "21 11 0010 c0a80001 c0a8000b dc04 01bb 04 0000 04",
	};
	struct proxy_hdr h;
	uint8_t buf[128];
	char err[128];
	size_t i, n;
	int rc;

	TEST_START("proxy v2: every malformed class is -EBADMSG with a cause");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		rc = parse_hex(bad[i], &h, err, sizeof err, buf, sizeof buf,
		    &n);
		TH_CHECK(rc == -EBADMSG && err[0] != '\0',
		    "case %zu: rc %d (%s)", i, rc, err);
		TH_CHECK(h.version == 0 && h.len == 0 && h.srclen == 0,
		    "case %zu: h set", i);
	}
	/* A length that is not there yet is incomplete, up to 16 + 65535. */
	n = th_unhex(SIG "21 11 ffff c0a80001 c0a8000b dc04 01bb", buf,
	    sizeof buf);
	ASSERT_INT_EQ(proxy_hdr_parse(buf, n, &h, err, sizeof err), 0);
	TEST_DONE();
}

int
main(void)
{
	test_v1();
	test_v1_bad();
	test_v2();
	test_v2_bad();
	return test_exit();
}
