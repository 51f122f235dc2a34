/*
 * test_http_req.c - the server's HTTP request parser and its answer
 * (src/wire/http_req.c): the MS-SSTP request of PROTOCOL.md 1.2 byte for
 * byte, every status of http_req.h, truncation at every length, and the
 * exact answer octets.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "harness.h"
#include "wire/http_req.h"

/* PROTOCOL.md 1.2, byte for byte (sstpc's and Windows' request). */
static const char sstp_req[] =
    "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n"
    "Host: vpn.example.com\r\n"
    "Content-Length: 18446744073709551615\r\n"
    "SSTPCORRELATIONID: {6F9619FF-8B86-D011-B42D-00C04FC964FF}\r\n"
    "\r\n";

#define URI	"/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
#define SSTP_LINE \
    "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n"

/* Parse a NUL-terminated head; the return value. */
static int
parse_str(const char *s, struct http_req *req)
{
	return http_req_parse((const uint8_t *)s, strlen(s), req);
}

/* The status a complete head gets (-1 if incomplete). */
static int
status_of(const char *s)
{
	struct http_req req;

	if (parse_str(s, &req) != 1)
		return -1;
	return req.status;
}

static void
test_sstp_request(void)
{
	struct http_req req;
	uint8_t buf[sizeof sstp_req + 8];
	size_t n = sizeof sstp_req - 1, i;

	TEST_START("http_req: the MS-SSTP request is 200, fields kept");
	ASSERT_INT_EQ(parse_str(sstp_req, &req), 1);
	ASSERT_INT_EQ(req.status, 200);
	ASSERT_INT_EQ(req.head_len, n);
	ASSERT_STR_EQ(req.host, "vpn.example.com");
	ASSERT_STR_EQ(req.correlation,
	    "{6F9619FF-8B86-D011-B42D-00C04FC964FF}");
	ASSERT_STR_EQ(req.user_agent, "");
	ASSERT_STR_EQ(req.forwarded_for, "");

	/* The first SSTP packet in the same record is left to the caller. */
	memcpy(buf, sstp_req, n);
	memcpy(buf + n, "\x10\x01\x00\x0e", 4);
	ASSERT_INT_EQ(http_req_parse(buf, n + 4, &req), 1);
	ASSERT_INT_EQ(req.status, 200);
	ASSERT_INT_EQ(req.head_len, n);

	/* Every truncation wants more octets, and reads no further. */
	for (i = 0; i < n; i++) {
		memcpy(buf, sstp_req, i);
		ASSERT_INT_EQ(http_req_parse(buf, i, &req), 0);
	}
	TEST_DONE();
}

static void
test_variants_ok(void)
{
	struct http_req req;

	TEST_START("http_req: accepted variants");
	/* Header names in any case, any order, OWS; no Content-Length. */
	ASSERT_INT_EQ(status_of(SSTP_LINE "hOsT:\tvpn:443 \r\n"
	    "user-agent: Mozilla/5.0\r\nX-FORWARDED-FOR: 192.0.2.7\r\n\r\n"),
	    200);
	ASSERT_INT_EQ(parse_str(SSTP_LINE "hOsT:\tvpn:443 \r\n"
	    "user-agent: Mozilla/5.0\r\nX-FORWARDED-FOR: 192.0.2.7\r\n\r\n",
	    &req), 1);
	ASSERT_STR_EQ(req.host, "vpn:443");
	ASSERT_STR_EQ(req.user_agent, "Mozilla/5.0");
	ASSERT_STR_EQ(req.forwarded_for, "192.0.2.7");
	/* IPv6 literal Host; the brace-less uuid of newer sstp-clients. */
	ASSERT_INT_EQ(status_of(SSTP_LINE "Host: [2001:db8::1]:443\r\n"
	    "SSTPCORRELATIONID: c3f5b8c4-1111-2222-3333-444455556666\r\n"
	    "\r\n"), 200);
	/* A query (MS-SSTP 3.2.4.1 tenantid), the path in another case. */
	ASSERT_INT_EQ(status_of("SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-"
	    "9E23-C84EE0ADCD75}/?tenantid=x HTTP/1.1\r\nHost: h\r\n\r\n"),
	    200);
	ASSERT_INT_EQ(status_of("SSTP_DUPLEX_POST /SRA_{ba195980-cd49-458B-"
	    "9e23-c84ee0adcd75}/ HTTP/1.1\r\nHost: h\r\n\r\n"), 200);
	/* HTTP/1.2 is answered as 1.1 (RFC 9110 2.5); unknown fields. */
	ASSERT_INT_EQ(status_of("SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-"
	    "9E23-C84EE0ADCD75}/ HTTP/1.2\r\nHost: h\r\nX-Y: \x80\xff\r\n"
	    "\r\n"), 200);
	/* Control octets in a kept value are shown as '?'. */
	ASSERT_INT_EQ(parse_str(SSTP_LINE "Host: h\r\nUser-Agent: a\xc3\xa9"
	    "b\r\n\r\n", &req), 1);
	ASSERT_STR_EQ(req.user_agent, "a??b");
	TEST_DONE();
}

static void
test_errors(void)
{
	static const struct {
		const char *head;
		int status;
	} v[] = {
		/* 404: another path, whatever the method. */
		{ "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 404 },
		{ "SSTP_DUPLEX_POST /sra_/ HTTP/1.1\r\nHost: h\r\n\r\n", 404 },
		{ "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}"
		    " HTTP/1.1\r\nHost: h\r\n\r\n", 404 },
		{ "GET https://h/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ "
		    "HTTP/1.1\r\nHost: h\r\n\r\n", 404 },
		/* 405: the SSTP path, another method (case-sensitive). */
		{ "GET " URI " HTTP/1.1\r\nHost: h\r\n\r\n", 405 },
		{ "sstp_duplex_post " URI " HTTP/1.1\r\nHost: h\r\n\r\n", 405 },
		{ "POST " URI " HTTP/1.1\r\nHost: h\r\n\r\n", 405 },
		/* 505: HTTP/2 and later. */
		{ "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505 },
		/* 400: Host missing, twice, malformed. */
		{ SSTP_LINE "\r\n", 400 },
		{ "SSTP_DUPLEX_POST " URI " HTTP/1.0\r\n\r\n", 400 },
		{ SSTP_LINE "Host: a\r\nHost: b\r\n\r\n", 400 },
		{ SSTP_LINE "Host: a b\r\n\r\n", 400 },
		{ SSTP_LINE "Host: a/b\r\n\r\n", 400 },
		/* 400: SSTP over HTTP/1.0, a wrong Content-Length. */
		{ "SSTP_DUPLEX_POST " URI " HTTP/1.0\r\nHost: h\r\n\r\n",
		    400 },
		{ SSTP_LINE "Host: h\r\nContent-Length: 0\r\n\r\n", 400 },
		{ SSTP_LINE "Host: h\r\nContent-Length: 18446744073709551616"
		    "\r\n\r\n", 400 },
		{ SSTP_LINE "Host: h\r\nContent-Length: 1x\r\n\r\n", 400 },
		{ SSTP_LINE "Host: h\r\nContent-Length: \r\n\r\n", 400 },
		{ SSTP_LINE "Host: h\r\nContent-Length: 18446744073709551615"
		    "\r\nContent-Length: 18446744073709551615\r\n\r\n", 400 },
		{ SSTP_LINE "Host: h\r\nTransfer-Encoding: chunked\r\n\r\n",
		    400 },
		/* 400: the request line. */
		{ "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400 },
		{ "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400 },
		{ "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400 },
		{ "GET /\r\n\r\n", 400 },
		{ "GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400 },
		{ "GET / http/1.1\r\nHost: h\r\n\r\n", 400 },
		{ "GET / HTTP/0.9\r\nHost: h\r\n\r\n", 400 },
		{ "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400 },
		{ "GET /\x7f HTTP/1.1\r\nHost: h\r\n\r\n", 400 },
		/* 400: field lines: obs-fold, names, values, line ends. */
		{ SSTP_LINE "Host: h\r\n X: folded\r\n\r\n", 400 },
		{ SSTP_LINE "Host : h\r\n\r\n", 400 },
		{ SSTP_LINE ": h\r\n\r\n", 400 },
		{ SSTP_LINE "Host h\r\n\r\n", 400 },
		{ SSTP_LINE "Host: h\r\nX: a\x01z\r\n\r\n", 400 },
		{ SSTP_LINE "Host: h\n\r\n", 400 },
		{ SSTP_LINE "Host: h\r\n\n", 400 },
		{ SSTP_LINE "Host: h\rX: y\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\n\n", 400 },
	};
	size_t i;

	TEST_START("http_req: every error status");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct http_req req;
		int rc;

		rc = parse_str(v[i].head, &req);
		TH_CHECK(rc == 1 && req.status == v[i].status,
		    "case %zu: rc %d status %d, want %d", i, rc, req.status,
		    v[i].status);
		TH_CHECK(req.reason[0] != '\0', "case %zu: no reason", i);
	}
	/* The cause names the first fault of the line. */
	{
		struct http_req req;

		ASSERT_INT_EQ(parse_str(SSTP_LINE "Host: h\rX: y\r\n\r\n",
		    &req), 1);
		ASSERT_STR_EQ(req.reason, "bare CR");
		ASSERT_INT_EQ(parse_str(SSTP_LINE "Host: h\r\n\r\r\n", &req),
		    1);
		ASSERT_STR_EQ(req.reason, "bare CR");
		ASSERT_INT_EQ(parse_str("GET / HTTP/1.1\r\nHost: h\r\n\r\n",
		    &req), 1);
		ASSERT_STR_EQ(req.reason, "not the SSTP path: /");
		ASSERT_INT_EQ(parse_str("PUT " URI " HTTP/1.1\r\nHost: h\r\n"
		    "\r\n", &req), 1);
		ASSERT_STR_EQ(req.reason, "method PUT on the SSTP path");
	}
	/* An embedded NUL (strlen would stop): the explicit length. */
	{
		static const uint8_t nul[] = SSTP_LINE "Host: h\r\nX: a\0z\r\n"
		    "\r\n";
		struct http_req req;

		ASSERT_INT_EQ(http_req_parse(nul, sizeof nul - 1, &req), 1);
		ASSERT_INT_EQ(req.status, 400);
	}
	TEST_DONE();
}

static void
test_limits(void)
{
	static uint8_t big[HTTP_REQ_HEAD_MAX + 64];
	struct http_req req;
	struct wbuf w;
	size_t i;

	TEST_START("http_req: 8192-octet head, 64 fields, 4096-octet lines");
	/* A head of exactly HTTP_REQ_HEAD_MAX octets is fine. */
	wbuf_init(&w, big, sizeof big);
	wbuf_put_str(&w, SSTP_LINE "Host: h\r\n");
	while (w.len + 4096 < HTTP_REQ_HEAD_MAX)
		wbuf_printf(&w, "X-Pad: %03000d\r\n", 0);
	wbuf_put_str(&w, "X: ");
	while (w.len < HTTP_REQ_HEAD_MAX - 4)
		wbuf_put_u8(&w, 'a');
	wbuf_put_str(&w, "\r\n\r\n");
	ASSERT_INT_EQ(w.len, HTTP_REQ_HEAD_MAX);
	ASSERT_INT_EQ(http_req_parse(big, w.len, &req), 1);
	ASSERT_INT_EQ(req.status, 200);
	ASSERT_INT_EQ(req.head_len, HTTP_REQ_HEAD_MAX);
	/* One octet more: 431 at HTTP_REQ_HEAD_MAX, whatever follows. */
	wbuf_init(&w, big, sizeof big);
	wbuf_put_str(&w, SSTP_LINE "Host: h\r\n");
	while (w.len + 4096 < HTTP_REQ_HEAD_MAX)
		wbuf_printf(&w, "X-Pad: %03000d\r\n", 0);
	wbuf_put_str(&w, "X: ");
	while (w.len < HTTP_REQ_HEAD_MAX - 3)
		wbuf_put_u8(&w, 'a');
	wbuf_put_str(&w, "\r\n\r\n");
	ASSERT_INT_EQ(http_req_parse(big, HTTP_REQ_HEAD_MAX - 1, &req), 0);
	ASSERT_INT_EQ(http_req_parse(big, HTTP_REQ_HEAD_MAX, &req), 1);
	ASSERT_INT_EQ(req.status, 431);
	ASSERT_INT_EQ(http_req_parse(big, w.len, &req), 1);
	ASSERT_INT_EQ(req.status, 431);

	/* A line over 4096 octets: 400 at once, complete or not. */
	wbuf_init(&w, big, sizeof big);
	wbuf_put_str(&w, SSTP_LINE "Host: h\r\nX: ");
	for (i = 0; i < 4096; i++)
		wbuf_put_u8(&w, 'b');
	ASSERT_INT_EQ(http_req_parse(big, w.len, &req), 1);
	ASSERT_INT_EQ(req.status, 400);
	wbuf_put_str(&w, "\r\n\r\n");
	ASSERT_INT_EQ(http_req_parse(big, w.len, &req), 1);
	ASSERT_INT_EQ(req.status, 400);
	/* 4096 exactly is fine, also while its LF is still to come. */
	wbuf_init(&w, big, sizeof big);
	wbuf_put_str(&w, SSTP_LINE "Host: h\r\nX: ");
	for (i = 0; i < 4093; i++)
		wbuf_put_u8(&w, 'b');
	wbuf_put_str(&w, "\r");
	ASSERT_INT_EQ(http_req_parse(big, w.len, &req), 0);
	wbuf_put_str(&w, "\n\r\n");
	ASSERT_INT_EQ(http_req_parse(big, w.len, &req), 1);
	ASSERT_INT_EQ(req.status, 200);

	/* 64 fields are fine, 65 are 431. */
	wbuf_init(&w, big, sizeof big);
	wbuf_put_str(&w, SSTP_LINE "Host: h\r\n");
	for (i = 1; i < HTTP_REQ_MAX_FIELDS; i++)
		wbuf_printf(&w, "X-%zu: v\r\n", i);
	wbuf_put_str(&w, "\r\n");
	ASSERT_INT_EQ(http_req_parse(big, w.len, &req), 1);
	ASSERT_INT_EQ(req.status, 200);
	w.len -= 2;
	wbuf_put_str(&w, "X-Last: v\r\n\r\n");
	ASSERT_INT_EQ(http_req_parse(big, w.len, &req), 1);
	ASSERT_INT_EQ(req.status, 431);

	/* A bare CR is refused before its line ends. */
	ASSERT_INT_EQ(parse_str(SSTP_LINE "Host: h\rx", &req), 1);
	ASSERT_INT_EQ(req.status, 400);
	ASSERT_INT_EQ(parse_str(SSTP_LINE "Host: h\r", &req), 0);
	TEST_DONE();
}

static void
test_split_independent(void)
{
	static const char *heads[] = {
		"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		SSTP_LINE "Host: h\r\n X: folded\r\n\r\n",
		SSTP_LINE "Host: h\rX: y\r\n\r\n",
	};
	struct http_req full, part;
	size_t i, j, n;

	TEST_START("http_req: a prefix is incomplete or gives the same status");
	for (i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		n = strlen(heads[i]);
		ASSERT_INT_EQ(parse_str(heads[i], &full), 1);
		for (j = 0; j < n; j++) {
			int rc = http_req_parse((const uint8_t *)heads[i], j,
			    &part);

			TH_CHECK(rc == 0 || (rc == 1 &&
			    part.status == full.status),
			    "head %zu prefix %zu: rc %d status %d vs %d", i, j,
			    rc, part.status, full.status);
		}
	}
	TEST_DONE();
}

static void
test_response(void)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 18446744073709551615\r\n\r\n";
	static const char ok_srv[] = "HTTP/1.1 200 OK\r\n"
	    "Server: sstpd/1.0\r\n"
	    "Content-Length: 18446744073709551615\r\n\r\n";
	static const char e404[] = "HTTP/1.1 404 Not Found\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	static const char e405[] = "HTTP/1.1 405 Method Not Allowed\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n"
	    "Allow: SSTP_DUPLEX_POST\r\n\r\n";
	static const struct { int status; const char *line; } lines[] = {
		{ 400, "HTTP/1.1 400 Bad Request\r\n" },
		{ 431, "HTTP/1.1 431 Request Header Fields Too Large\r\n" },
		{ 503, "HTTP/1.1 503 Service Unavailable\r\n" },
		{ 505, "HTTP/1.1 505 HTTP Version Not Supported\r\n" },
		{ 302, "HTTP/1.1 500 Internal Server Error\r\n" },
	};
	struct http_req req;
	uint8_t buf[512];
	struct wbuf w;
	size_t i;

	TEST_START("http_req: answers, byte for byte");
	memset(&req, 0, sizeof req);
	req.status = 200;
	wbuf_init(&w, buf, sizeof buf);
	http_req_put_response(&w, &req, NULL);
	ASSERT_INT_EQ(wbuf_error(&w), 0);
	ASSERT_INT_EQ(w.len, sizeof ok - 1);
	ASSERT_MEM_EQ(buf, ok, sizeof ok - 1);

	wbuf_init(&w, buf, sizeof buf);
	http_req_put_response(&w, &req, "sstpd/1.0");
	ASSERT_INT_EQ(w.len, sizeof ok_srv - 1);
	ASSERT_MEM_EQ(buf, ok_srv, sizeof ok_srv - 1);
	/* A Server value that would inject a header is left out. */
	wbuf_init(&w, buf, sizeof buf);
	http_req_put_response(&w, &req, "x\r\nSet-Cookie: a");
	ASSERT_INT_EQ(w.len, sizeof ok - 1);
	ASSERT_MEM_EQ(buf, ok, sizeof ok - 1);

	req.status = 404;
	wbuf_init(&w, buf, sizeof buf);
	http_req_put_response(&w, &req, NULL);
	ASSERT_INT_EQ(w.len, sizeof e404 - 1);
	ASSERT_MEM_EQ(buf, e404, sizeof e404 - 1);
	req.status = 405;
	wbuf_init(&w, buf, sizeof buf);
	http_req_put_response(&w, &req, NULL);
	ASSERT_INT_EQ(w.len, sizeof e405 - 1);
	ASSERT_MEM_EQ(buf, e405, sizeof e405 - 1);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		req.status = lines[i].status;
		wbuf_init(&w, buf, sizeof buf);
		http_req_put_response(&w, &req, NULL);
		ASSERT_MEM_EQ(buf, lines[i].line, strlen(lines[i].line));
		buf[w.len < sizeof buf ? w.len : sizeof buf - 1] = '\0';
		ASSERT_TRUE(strstr((char *)buf, "\r\nConnection: close\r\n")
		    != NULL);
	}
	/* Too small a buffer: the sticky error. */
	req.status = 200;
	wbuf_init(&w, buf, 20);
	http_req_put_response(&w, &req, NULL);
	ASSERT_INT_EQ(wbuf_error(&w), -ENOSPC);
	TEST_DONE();
}

int
main(void)
{
	test_sstp_request();
	test_variants_ok();
	test_errors();
	test_limits();
	test_split_independent();
	test_response();
	return test_exit();
}
