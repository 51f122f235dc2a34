/*
 * test_http.c - SSTP request, GUID, incremental response parser and the
 * proxy CONNECT request (src/wire/http.c).  Proxy authentication is in
 * test_http_auth.c.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "harness.h"
#include "wire/http.h"

/* PROTOCOL.md 1.2, byte for byte. */
static const char sstp_req_expected[] =
    "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n"
    "Host: vpn.example.com\r\n"
    "Content-Length: 18446744073709551615\r\n"
    "SSTPCORRELATIONID: {6F9619FF-8B86-D011-B42D-00C04FC964FF}\r\n"
    "\r\n";

static void
test_sstp_request(void)
{
	uint8_t buf[HTTP_REQ_MAX];
	struct wbuf w;
	char longid[HTTP_CORRELATION_MAX + 2];

	TEST_START("http: SSTP_DUPLEX_POST request bytes");
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(http_sstp_request(&w, "vpn.example.com",
	    "{6F9619FF-8B86-D011-B42D-00C04FC964FF}"), 0);
	ASSERT_INT_EQ(w.len, sizeof sstp_req_expected - 1);
	ASSERT_MEM_EQ(buf, sstp_req_expected, sizeof sstp_req_expected - 1);

	/* IPv6 literal in brackets, uuid without braces as NM sends it. */
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(http_sstp_request(&w, "2001:db8::1",
	    "c3f5b8c4-1111-2222-3333-444455556666"), 0);
	buf[w.len < sizeof buf ? w.len : sizeof buf - 1] = '\0';
	ASSERT_TRUE(strstr((char *)buf, "\r\nHost: [2001:db8::1]\r\n") != NULL);
	ASSERT_TRUE(strstr((char *)buf, "\r\nSSTPCORRELATIONID: "
	    "c3f5b8c4-1111-2222-3333-444455556666\r\n\r\n") != NULL);

	/* Header injection and bad values. */
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(http_sstp_request(&w, "evil\r\nX: y", "{x}"), -EINVAL);
	ASSERT_INT_EQ(http_sstp_request(&w, "", "{x}"), -EINVAL);
	ASSERT_INT_EQ(http_sstp_request(&w, "h", "a b"), -EINVAL);
	ASSERT_INT_EQ(http_sstp_request(&w, "h", ""), -EINVAL);
	memset(longid, 'A', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	ASSERT_INT_EQ(http_sstp_request(&w, "h", longid), -EINVAL);
	longid[sizeof longid - 2] = '\0';	/* exactly 63 */
	ASSERT_INT_EQ(http_sstp_request(&w, "h", longid), 0);

	/* Too small a buffer: sticky error. */
	wbuf_init(&w, buf, 40);
	ASSERT_INT_EQ(http_sstp_request(&w, "vpn.example.com", "{x}"),
	    -ENOSPC);
	TEST_DONE();
}

static void
test_guid(void)
{
	static const struct {
		const char *rnd, *guid;
	} v[] = {
		{ "00000000000000000000000000000000",
		    "{00000000-0000-4000-8000-000000000000}" },
		{ "ffffffffffffffffffffffffffffffff",
		    "{FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF}" },
		{ "000102030405060708090a0b0c0d0e0f",
		    "{00010203-0405-4607-8809-0A0B0C0D0E0F}" },
		{ "6f9619ff8b86d011b42d00c04fc964ff",
		    "{6F9619FF-8B86-4011-B42D-00C04FC964FF}" },
	};
	uint8_t rnd[16];
	char out[HTTP_GUID_LEN + 1];
	size_t i;

	TEST_START("http: RFC 4122 v4 GUID format");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		ASSERT_INT_EQ(th_unhex(v[i].rnd, rnd, sizeof rnd), 16);
		memset(out, 'x', sizeof out);
		http_guid_format(rnd, out);
		ASSERT_STR_EQ(out, v[i].guid);
		ASSERT_INT_EQ(strlen(out), HTTP_GUID_LEN);
	}
	TEST_DONE();
}

/* Feed the whole input at once; returns the feed result. */
static int
feed_all(struct http_resp *r, enum http_resp_mode m, const char *s,
    size_t *used)
{
	http_resp_init(r, m);
	return http_resp_feed(r, s, strlen(s), used);
}

static const char win_resp[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Length: 18446744073709551615\r\n"
    "Server: Microsoft-HTTPAPI/2.0\r\n"
    "Date: Thu, 09 Nov 2023 10:00:00 GMT\r\n"
    "\r\n";

/* The SSTP Call Connect Request that follows in the same read. */
static const char sstp_tail[] =
    "\x10\x01\x00\x0e\x00\x01\x00\x01\x00\x01\x00\x06\x00\x01";
#define SSTP_TAIL_LEN	14

static void
check_win(const struct http_resp *r)
{
	ASSERT_INT_EQ(r->major, 1);
	ASSERT_INT_EQ(r->minor, 1);
	ASSERT_INT_EQ(r->status, 200);
	ASSERT_STR_EQ(r->reason, "OK");
	ASSERT_TRUE(r->has_content_length);
	ASSERT_TRUE(r->content_length_ok);
	ASSERT_TRUE(r->content_length == UINT64_MAX);
	ASSERT_STR_EQ(r->server, "Microsoft-HTTPAPI/2.0");
	ASSERT_STR_EQ(r->location, "");
	ASSERT_INT_EQ(r->n_proxy_auth, 0);
	ASSERT_FALSE(r->has_transfer_encoding);
}

static void
test_resp_basic(void)
{
	struct http_resp r;
	size_t used;

	TEST_START("http: response, whole");
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP, win_resp, &used), 1);
	ASSERT_INT_EQ(used, sizeof win_resp - 1);
	check_win(&r);
	/* Done is sticky and consumes nothing more. */
	ASSERT_INT_EQ(http_resp_feed(&r, "xyz", 3, &used), 1);
	ASSERT_INT_EQ(used, 0);
	TEST_DONE();
}

/* Split header + SSTP bytes at every position: same result, right used. */
static void
test_resp_split(void)
{
	uint8_t in[sizeof win_resp - 1 + SSTP_TAIL_LEN];
	size_t hdr = sizeof win_resp - 1, n = sizeof in, k, u1, u2, i;
	struct http_resp r;
	int r1, r2;
	int bad = 0;

	TEST_START("http: response split at every byte, SSTP bytes after");
	memcpy(in, win_resp, hdr);
	memcpy(in + hdr, sstp_tail, SSTP_TAIL_LEN);
	for (k = 0; k <= n; k++) {
		http_resp_init(&r, HTTP_RESP_SSTP);
		r1 = http_resp_feed(&r, in, k, &u1);
		if (k < hdr) {
			TH_CHECK(r1 == 0 && u1 == k, "split %zu: first %d/%zu",
			    k, r1, u1);
			r2 = http_resp_feed(&r, in + k, n - k, &u2);
			TH_CHECK(r2 == 1 && u2 == hdr - k,
			    "split %zu: second %d/%zu", k, r2, u2);
		} else {
			TH_CHECK(r1 == 1 && u1 == hdr, "split %zu: %d/%zu",
			    k, r1, u1);
		}
		if (r.status != 200 || !r.content_length_ok)
			bad++;
		if (k == hdr / 2)
			check_win(&r);
	}
	ASSERT_INT_EQ(bad, 0);

	/* One byte at a time. */
	http_resp_init(&r, HTTP_RESP_SSTP);
	for (i = 0; i < n; i++) {
		r1 = http_resp_feed(&r, in + i, 1, &u1);
		if (r1 != 0)
			break;
		ASSERT_INT_EQ(u1, 1);
	}
	ASSERT_INT_EQ(r1, 1);
	ASSERT_INT_EQ(i, hdr - 1);
	ASSERT_INT_EQ(u1, 1);
	check_win(&r);
	TEST_DONE();
}

static void
test_resp_variants(void)
{
	struct http_resp r;
	size_t used;
	const char *s;

	TEST_START("http: response variants (PROTOCOL.md 8 rows 2-8)");
	/* LF-only line ends. */
	s = "HTTP/1.1 200 OK\nContent-Length: 18446744073709551615\n\nSSTP";
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP, s, &used), 1);
	ASSERT_INT_EQ(used, strlen(s) - 4);
	ASSERT_INT_EQ(r.status, 200);
	ASSERT_TRUE(r.content_length == UINT64_MAX);

	/* Mixed CRLF and LF. */
	s = "HTTP/1.1 200 OK\r\nServer: x\n\r\n";
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP, s, &used), 1);
	ASSERT_INT_EQ(used, strlen(s));
	ASSERT_STR_EQ(r.server, "x");

	/* No reason phrase, with and without the space. */
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP, "HTTP/1.1 200\r\n\r\n",
	    &used), 1);
	ASSERT_INT_EQ(r.status, 200);
	ASSERT_STR_EQ(r.reason, "");
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP, "HTTP/1.1 200 \r\n\r\n",
	    &used), 1);
	ASSERT_STR_EQ(r.reason, "");

	/* HTTP/1.0; no Content-Length; unknown headers; odd case. */
	s = "HTTP/1.0 200 Connection established\r\nX-Foo: bar\r\n"
	    "sErVeR:   SSTP-Server/0.6  \r\n\r\n";
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP, s, &used), 1);
	ASSERT_INT_EQ(r.minor, 0);
	ASSERT_STR_EQ(r.reason, "Connection established");
	ASSERT_FALSE(r.has_content_length);
	ASSERT_STR_EQ(r.server, "SSTP-Server/0.6");

	/* Content-Length variants are recorded, not fatal. */
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP,
	    "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", &used), 1);
	ASSERT_TRUE(r.content_length_ok);
	ASSERT_TRUE(r.content_length == 0);
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP,
	    "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
	    &used), 1);
	ASSERT_TRUE(r.has_content_length);
	ASSERT_FALSE(r.content_length_ok);
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP,
	    "HTTP/1.1 200 OK\r\nContent-Length: 12ab\r\n\r\n", &used), 1);
	ASSERT_FALSE(r.content_length_ok);

	/* 301 with Location; error replies with Connection: close. */
	s = "HTTP/1.1 301 Moved Permanently\r\n"
	    "Location: https://other.example.com/\r\n"
	    "Content-Length: 0\r\nConnection: keep-alive, Close\r\n\r\n";
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP, s, &used), 1);
	ASSERT_INT_EQ(r.status, 301);
	ASSERT_STR_EQ(r.reason, "Moved Permanently");
	ASSERT_STR_EQ(r.location, "https://other.example.com/");
	ASSERT_TRUE(r.connection_close);
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP,
	    "HTTP/1.1 404 Not Found\r\n\r\n", &used), 1);
	ASSERT_INT_EQ(r.status, 404);
	ASSERT_FALSE(r.connection_close);

	/* Control bytes in the reason are neutralised for logging. */
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_SSTP,
	    "HTTP/1.1 503 Bad\x1b[31m\r\n\r\n", &used), 1);
	ASSERT_STR_EQ(r.reason, "Bad?[31m");
	TEST_DONE();
}

static void
test_resp_errors(void)
{
	static const struct {
		const char *in;
		enum http_resp_mode mode;
		int err;
		const char *why;
	} v[] = {
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
		    HTTP_RESP_SSTP, -EPROTO,
		    "Transfer-Encoding in the response" },
		{ "HTTP/1.1 200 OK\r\ntransfer-encoding: identity\r\n\r\n",
		    HTTP_RESP_SSTP, -EPROTO,
		    "Transfer-Encoding in the response" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
		    HTTP_RESP_PROXY, -EPROTO,
		    "Transfer-Encoding in the response" },
		{ "\x10\x01\x00\x0e", HTTP_RESP_SSTP, -EBADMSG,
		    "not an HTTP response" },
		{ "<html>", HTTP_RESP_SSTP, -EBADMSG, "not an HTTP response" },
		{ "HTTX", HTTP_RESP_SSTP, -EBADMSG, "not an HTTP response" },
		{ "http/1.1 200 OK\r\n", HTTP_RESP_SSTP, -EBADMSG,
		    "not an HTTP response" },
		{ "\r\nHTTP/1.1 200 OK\r\n", HTTP_RESP_SSTP, -EBADMSG,
		    "not an HTTP response" },
		{ "HTTP/2.0 200 OK\r\n", HTTP_RESP_SSTP, -EBADMSG,
		    "unsupported HTTP version" },
		{ "HTTP/1.1 20\r\n", HTTP_RESP_SSTP, -EBADMSG,
		    "malformed HTTP status line" },
		{ "HTTP/1.1 2000 OK\r\n", HTTP_RESP_SSTP, -EBADMSG,
		    "malformed HTTP status line" },
		{ "HTTP/1.1 2x0 OK\r\n", HTTP_RESP_SSTP, -EBADMSG,
		    "malformed HTTP status code" },
		{ "HTTP/1.1 099 OK\r\n", HTTP_RESP_SSTP, -EBADMSG,
		    "HTTP status code out of range" },
		{ "HTTP/1.1200 OK\r\n", HTTP_RESP_SSTP, -EBADMSG,
		    "malformed HTTP status line" },
		{ "HTTP/1.x 200 OK\r\n", HTTP_RESP_SSTP, -EBADMSG,
		    "malformed HTTP status line" },
		{ "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", HTTP_RESP_SSTP,
		    -EBADMSG, "malformed HTTP header line" },
		{ "HTTP/1.1 200 OK\r\n: empty\r\n\r\n", HTTP_RESP_SSTP,
		    -EBADMSG, "malformed HTTP header line" },
		{ "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", HTTP_RESP_SSTP,
		    -EBADMSG, "malformed HTTP header name" },
		{ "HTTP/1.1 200 OK\r\nName : x\r\n\r\n", HTTP_RESP_SSTP,
		    -EBADMSG, "malformed HTTP header name" },
	};
	struct http_resp r;
	size_t i, used;
	int rc;

	TEST_START("http: response errors");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		rc = feed_all(&r, v[i].mode, v[i].in, &used);
		TH_CHECK(rc == v[i].err, "case %zu: %d, want %d", i, rc,
		    v[i].err);
		ASSERT_STR_EQ(r.error, v[i].why);
		/* Failure is sticky. */
		ASSERT_INT_EQ(http_resp_feed(&r, "HTTP/1.1 200 OK\r\n\r\n", 19,
		    &used), v[i].err);
		ASSERT_INT_EQ(used, 0);
	}
	/* Non-HTTP is detected on the very first byte. */
	http_resp_init(&r, HTTP_RESP_SSTP);
	ASSERT_INT_EQ(http_resp_feed(&r, "\x10", 1, &used), -EBADMSG);
	/* A 407 from a proxy may carry a chunked body: recorded only. */
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_PROXY,
	    "HTTP/1.1 407 Proxy Authentication Required\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", &used), 1);
	ASSERT_TRUE(r.has_transfer_encoding);
	ASSERT_INT_EQ(r.status, 407);
	TEST_DONE();
}

static void
test_resp_size(void)
{
	static char big[HTTP_HDR_MAX + 64];
	const char *head = "HTTP/1.1 200 OK\r\nX-Pad: ";
	struct http_resp r;
	size_t hl = strlen(head), used, n;

	TEST_START("http: 8 KiB header cap");
	/* Exactly HTTP_HDR_MAX bytes including the blank line: accepted. */
	memcpy(big, head, hl);
	n = HTTP_HDR_MAX - hl - 4;
	memset(big + hl, 'a', n);
	memcpy(big + hl + n, "\r\n\r\n", 4);
	http_resp_init(&r, HTTP_RESP_SSTP);
	ASSERT_INT_EQ(http_resp_feed(&r, big, HTTP_HDR_MAX, &used), 1);
	ASSERT_INT_EQ(used, HTTP_HDR_MAX);
	/* One byte more: refused. */
	memset(big + hl, 'a', n + 1);
	memcpy(big + hl + n + 1, "\r\n\r\n", 4);
	http_resp_init(&r, HTTP_RESP_SSTP);
	ASSERT_INT_EQ(http_resp_feed(&r, big, HTTP_HDR_MAX + 1, &used),
	    -EMSGSIZE);
	ASSERT_STR_EQ(r.error, "HTTP header block larger than 8192 bytes");
	/* 8 KiB of headers without a blank line, fed in small pieces. */
	memset(big + hl, 'b', sizeof big - hl);
	http_resp_init(&r, HTTP_RESP_SSTP);
	for (n = 0; n < HTTP_HDR_MAX; n += 100) {
		int rc = http_resp_feed(&r, big + n, 100, &used);

		if (rc != 0) {
			ASSERT_INT_EQ(rc, -EMSGSIZE);
			break;
		}
	}
	ASSERT_INT_EQ(r.state, -EMSGSIZE);
	TEST_DONE();
}

static void
test_resp_proxy_auth(void)
{
	struct http_resp r;
	size_t used;
	const char *s;

	TEST_START("http: Proxy-Authenticate collection");
	s = "HTTP/1.1 407 Proxy Authentication Required\r\n"
	    "Proxy-Authenticate: Negotiate\r\n"
	    "Proxy-Authenticate: Basic realm=\"squid\"\r\n"
	    "proxy-authenticate: Digest realm=\"r\",\r\n"
	    "   nonce=\"n1\", qop=\"auth\"\r\n"
	    "Proxy-Authenticate: NTLM\r\n"
	    "Proxy-Authenticate: Fifth\r\n"
	    "Content-Length: 0\r\n\r\n";
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_PROXY, s, &used), 1);
	ASSERT_INT_EQ(r.status, 407);
	ASSERT_INT_EQ(r.n_proxy_auth, HTTP_AUTH_MAX);
	ASSERT_STR_EQ(r.proxy_auth[0], "Negotiate");
	ASSERT_STR_EQ(r.proxy_auth[1], "Basic realm=\"squid\"");
	/* obs-fold joined with one space. */
	ASSERT_STR_EQ(r.proxy_auth[2],
	    "Digest realm=\"r\", nonce=\"n1\", qop=\"auth\"");
	ASSERT_STR_EQ(r.proxy_auth[3], "NTLM");
	TEST_DONE();
}

static void
test_connect(void)
{
	uint8_t buf[HTTP_REQ_MAX];
	char exp[HTTP_REQ_MAX];
	struct wbuf w;
	int n;

	TEST_START("http: CONNECT request");
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(http_connect_request(&w, "vpn.example.com", 443, NULL),
	    0);
	n = snprintf(exp, sizeof exp, "CONNECT vpn.example.com:443 HTTP/1.1"
	    "\r\nHost: vpn.example.com:443\r\nUser-Agent: %s/%s\r\n"
	    "SSTPVERSION: 1.0\r\n\r\n", PACKAGE_NAME, PACKAGE_VERSION);
	ASSERT_INT_EQ(w.len, n);
	ASSERT_MEM_EQ(buf, exp, (size_t)n);

	/* IPv6 authority form; a non-default port is kept (1.0.18: 443). */
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(http_connect_request(&w, "2001:db8::1", 8443, NULL), 0);
	ASSERT_TRUE(w.len > 45 && memcmp(buf,
	    "CONNECT [2001:db8::1]:8443 HTTP/1.1\r\n"
	    "Host: [2001:db8::1]:8443\r\n", 63) == 0);

	/* A Proxy-Authorization value goes in verbatim, last. */
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(http_connect_request(&w, "vpn.example.com", 443,
	    "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), 0);
	n = snprintf(exp, sizeof exp, "CONNECT vpn.example.com:443 HTTP/1.1"
	    "\r\nHost: vpn.example.com:443\r\nUser-Agent: %s/%s\r\n"
	    "SSTPVERSION: 1.0\r\nProxy-Authorization: Basic "
	    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n", PACKAGE_NAME,
	    PACKAGE_VERSION);
	ASSERT_INT_EQ(w.len, n);
	ASSERT_MEM_EQ(buf, exp, (size_t)n);
	/* ...but no line break or other control byte, and not empty. */
	ASSERT_INT_EQ(http_connect_request(&w, "h", 1, "Basic x\r\nX: 1"),
	    -EINVAL);
	ASSERT_INT_EQ(http_connect_request(&w, "h", 1, "Basic\tx"), -EINVAL);
	ASSERT_INT_EQ(http_connect_request(&w, "h", 1, ""), -EINVAL);

	/* Bad host, port 0, small buffer. */
	ASSERT_INT_EQ(http_connect_request(&w, "a\r\nb", 1, NULL), -EINVAL);
	ASSERT_INT_EQ(http_connect_request(&w, "h", 0, NULL), -EINVAL);
	wbuf_init(&w, buf, 30);
	ASSERT_INT_EQ(http_connect_request(&w, "vpn.example.com", 443, NULL),
	    -ENOSPC);
	TEST_DONE();
}

int
main(void)
{
	test_sstp_request();
	test_guid();
	test_resp_basic();
	test_resp_split();
	test_resp_variants();
	test_resp_errors();
	test_resp_size();
	test_resp_proxy_auth();
	test_connect();
	return test_exit();
}
