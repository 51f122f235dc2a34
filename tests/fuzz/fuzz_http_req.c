/*
 * fuzz_http_req.c - the server's HTTP request parser and its answer
 * (src/wire/http_req.h; RFC 9112, MS-SSTP 3.3.5.1).
 *
 * Input:	the octets the client sent (the whole input).
 *
 * Invariants: the result is 0 only below HTTP_REQ_HEAD_MAX octets, else 1 with
 * a status of http_req.h (200 400 404 405 431 505) and a cause; head_len
 * is within what was looked at, and a 200's head ends in CRLF CRLF and
 * parses the same alone; every proper prefix of a complete head is
 * incomplete or gets the same status (a split cannot change the verdict,
 * and a 200 needs the whole head); kept strings are NUL-terminated and
 * printable; the answer is CRLF lines only, with the expected count.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "wire/http_req.h"

#define PREFIX_ALL	1024	/* check every prefix up to this size */

/* Fields of a parse that must agree. */
static int
req_same(const struct http_req *a, const struct http_req *b)
{
	return a->status == b->status && a->head_len == b->head_len &&
	    strcmp(a->host, b->host) == 0 &&
	    strcmp(a->user_agent, b->user_agent) == 0 &&
	    strcmp(a->forwarded_for, b->forwarded_for) == 0 &&
	    strcmp(a->correlation, b->correlation) == 0;
}

/* The answer to req: CRLF lines, the count its status gives. */
static void
check_answer(const struct http_req *req)
{
	uint8_t out[512];
	struct wbuf w;
	int lines;

	wbuf_init(&w, out, sizeof out);
	http_req_put_response(&w, req, "sstpd");
	FUZZ_CHECK(wbuf_error(&w) == 0);
	lines = fuzz_http_lines(out, w.len);
	/* status, Server, Content-Length [, Connection [, Allow]], empty */
	if (req->status == 200)
		FUZZ_CHECK(lines == 4);
	else
		FUZZ_CHECK(lines == (req->status == 405 ? 6 : 5));
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req req, part;
	size_t i, step, look;
	int rc, r;

	rc = http_req_parse(data, size, &req);
	look = size < HTTP_REQ_HEAD_MAX ? size : HTTP_REQ_HEAD_MAX;
	if (rc == 0) {
		FUZZ_CHECK(size < HTTP_REQ_HEAD_MAX);
		return 0;
	}
	FUZZ_CHECK(rc == 1);
	FUZZ_CHECK(req.status == 200 || req.status == 400 ||
	    req.status == 404 || req.status == 405 || req.status == 431 ||
	    req.status == 505);
	FUZZ_CHECK(fuzz_str_ok(req.reason, sizeof req.reason, 1));
	FUZZ_CHECK(req.reason[0] != '\0');
	FUZZ_CHECK(fuzz_str_ok(req.host, sizeof req.host, 1));
	FUZZ_CHECK(fuzz_str_ok(req.user_agent, sizeof req.user_agent, 1));
	FUZZ_CHECK(fuzz_str_ok(req.forwarded_for, sizeof req.forwarded_for,
	    1));
	FUZZ_CHECK(fuzz_str_ok(req.correlation, sizeof req.correlation, 1));
	FUZZ_CHECK(req.head_len > 0 && req.head_len <= look);
	if (req.status == 200) {
		FUZZ_CHECK(req.head_len >= 4 &&
		    memcmp(data + req.head_len - 4, "\r\n\r\n", 4) == 0);
		/* The head alone: the same verdict and fields. */
		r = http_req_parse(data, req.head_len, &part);
		FUZZ_CHECK(r == 1 && req_same(&req, &part));
	}
	/* Prefixes: incomplete, or the same status (never an early 200). */
	step = req.head_len <= PREFIX_ALL ? 1 : req.head_len / 257 + 1;
	for (i = 0; i < req.head_len; i += step) {
		r = http_req_parse(data, i, &part);
		FUZZ_CHECK(r == 0 || (r == 1 && part.status == req.status));
		if (req.status == 200)
			FUZZ_CHECK(r == 0);
	}
	check_answer(&req);
	return 0;
}
