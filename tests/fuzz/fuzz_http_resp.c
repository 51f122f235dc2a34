/*
 * fuzz_http_resp.c - the HTTP response parser and the proxy challenge
 * parser (src/wire/http.h, src/wire/http_auth.h; RFC 9112, RFC 9110
 * section 11, RFC 7616/7617).
 *
 * Input:	byte 0	bit 7: proxy mode (reply to CONNECT), else SSTP mode;
 *			bit 6: the rest is one Proxy-Authenticate value for
 *			http_challenge_parse() instead of a response;
 *			bits 0-5: where the response is split in two
 *			(0 = before the first byte, 63 = after the last)
 *		rest	the bytes received
 *
 * The response is fed three ways: in two pieces split there, in one
 * piece, and (up to 2 KiB) one byte at a time.  Invariants: all three
 * give the same result and the same parsed fields, and take the same
 * number of bytes when the header block completes; kept strings are
 * NUL-terminated and free of control bytes (they are logged); a chosen
 * challenge builds a CONNECT request (RFC 9110 9.3.6) without header
 * injection: CRLF line ends only, the expected number of lines, balanced
 * quotes in the Digest header; the Digest response is lower-case hex.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "wire/http.h"
#include "wire/http_auth.h"

#define RESP_BYTEWISE_MAX	2048

/* Feed in up to two pieces; returns the result and the bytes taken. */
static int
resp_feed2(struct http_resp *r, const uint8_t *p, size_t len, size_t split,
    size_t *taken)
{
	size_t used = 0;
	int rc;

	*taken = 0;
	rc = http_resp_feed(r, p, split, &used);
	FUZZ_CHECK(used <= split);
	*taken += used;
	if (rc == 0) {
		FUZZ_CHECK(used == split);
		rc = http_resp_feed(r, p + split, len - split, &used);
		FUZZ_CHECK(used <= len - split);
		*taken += used;
	}
	return rc;
}

/* Strings a parser keeps are terminated and safe to log. */
static void
resp_check_strings(const struct http_resp *r)
{
	size_t i;

	FUZZ_CHECK(fuzz_str_ok(r->reason, sizeof r->reason, 1));
	FUZZ_CHECK(fuzz_str_ok(r->location, sizeof r->location, 1));
	FUZZ_CHECK(fuzz_str_ok(r->server, sizeof r->server, 1));
	FUZZ_CHECK(r->n_proxy_auth <= HTTP_AUTH_MAX);
	for (i = 0; i < r->n_proxy_auth; i++)
		FUZZ_CHECK(fuzz_str_ok(r->proxy_auth[i],
		    sizeof r->proxy_auth[i], 1));
}

/* Two finished parses must agree on every result field. */
static void
resp_same(const struct http_resp *a, const struct http_resp *b)
{
	size_t i;

	FUZZ_CHECK(a->major == b->major && a->minor == b->minor);
	FUZZ_CHECK(a->status == b->status);
	FUZZ_CHECK(strcmp(a->reason, b->reason) == 0);
	FUZZ_CHECK(a->has_content_length == b->has_content_length);
	FUZZ_CHECK(a->content_length_ok == b->content_length_ok);
	FUZZ_CHECK(a->content_length == b->content_length);
	FUZZ_CHECK(a->has_transfer_encoding == b->has_transfer_encoding);
	FUZZ_CHECK(a->connection_close == b->connection_close);
	FUZZ_CHECK(strcmp(a->location, b->location) == 0);
	FUZZ_CHECK(strcmp(a->server, b->server) == 0);
	FUZZ_CHECK(a->n_proxy_auth == b->n_proxy_auth);
	for (i = 0; i < a->n_proxy_auth; i++)
		FUZZ_CHECK(strcmp(a->proxy_auth[i], b->proxy_auth[i]) == 0);
}

/* Is s lower-case hex of exactly n digits? */
static int
resp_is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

/* A chosen challenge must give a well-formed CONNECT request. */
static void
resp_check_challenge(const struct http_challenge *ch)
{
	static const struct http_cred cred = {
		.user = "alice", .pass = "s3cret",
		.cnonce = "0a4f113b", .nc = 1
	};
	uint8_t buf[HTTP_REQ_MAX];
	char digest[65];
	struct wbuf w;
	int r;

	FUZZ_CHECK(ch->scheme == HTTP_AUTH_BASIC ||
	    ch->scheme == HTTP_AUTH_DIGEST);
	FUZZ_CHECK(fuzz_str_ok(ch->realm, sizeof ch->realm, 0));
	FUZZ_CHECK(fuzz_str_ok(ch->nonce, sizeof ch->nonce, 0));
	FUZZ_CHECK(fuzz_str_ok(ch->opaque, sizeof ch->opaque, 0));
	if (ch->scheme == HTTP_AUTH_DIGEST) {
		r = http_digest_response(ch, &cred, "CONNECT",
		    "proxy.example:443", digest, sizeof digest);
		FUZZ_CHECK(r == 0 || r == -EINVAL);
		if (r == 0)
			FUZZ_CHECK(resp_is_hex(digest,
			    ch->alg == HTTP_DIGEST_SHA256 ? 64 : 32));
	}
	wbuf_init(&w, buf, sizeof buf);
	r = http_auth_connect_request(&w, "vpn.example.com", 443, ch, &cred);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOSPC || r == -EIO);
	if (r != 0) {
		explicit_bzero(buf, sizeof buf);
		return;
	}
	/* CRLF only: request line, Host, User-Agent, SSTPVERSION, auth. */
	FUZZ_CHECK(fuzz_http_lines(buf, w.len) == 6);
	explicit_bzero(buf, sizeof buf);
}

/* One Proxy-Authenticate value. */
static void
resp_challenge_value(const struct bcur *v)
{
	struct http_challenge ch;
	char *s;
	int r;

	if ((s = fuzz_strdup(v)) == NULL)
		return;
	r = http_challenge_parse(s, &ch);
	FUZZ_CHECK(r == 0 || r == -ENOTSUP || r == -EBADMSG);
	if (r == 0)
		resp_check_challenge(&ch);
	free(s);
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_resp *a, *b, *c;
	struct http_challenge ch;
	struct bcur in = bcur_make(data, size), rest;
	enum http_resp_mode mode;
	size_t len, split, ta, tb, tc, used, i;
	const uint8_t *p;
	uint8_t ctl;
	int ra, rb, rc, r;

	ctl = fuzz_u8(&in, 0);
	rest = fuzz_take(&in, bcur_left(&in));
	if (ctl & 0x40) {
		resp_challenge_value(&rest);
		return 0;
	}
	mode = (ctl & 0x80) ? HTTP_RESP_PROXY : HTTP_RESP_SSTP;
	p = bcur_ptr(&rest);
	len = bcur_left(&rest);
	split = len * (ctl & 0x3f) / 63;

	a = malloc(sizeof *a);
	b = malloc(sizeof *b);
	c = malloc(sizeof *c);
	if (a == NULL || b == NULL || c == NULL)
		goto out;
	http_resp_init(a, mode);
	http_resp_init(b, mode);
	http_resp_init(c, mode);

	ra = resp_feed2(a, p, len, split, &ta);
	rb = resp_feed2(b, p, len, len, &tb);
	FUZZ_CHECK(ra == 0 || ra == 1 || ra == -EBADMSG || ra == -EMSGSIZE ||
	    ra == -EPROTO);
	FUZZ_CHECK(ra == rb);
	if (ra < 0)
		FUZZ_CHECK(a->error != NULL && b->error != NULL);
	if (ra == 1) {
		FUZZ_CHECK(ta == tb);
		FUZZ_CHECK(a->status >= 100 && a->status <= 599);
		FUZZ_CHECK(a->major == 1);
		resp_same(a, b);
	}
	resp_check_strings(a);

	/* A finished (or failed) parser takes nothing more. */
	r = http_resp_feed(a, "x", 1, &used);
	FUZZ_CHECK(r == ra || ra == 0);
	if (ra != 0)
		FUZZ_CHECK(used == 0);

	if (len <= RESP_BYTEWISE_MAX) {
		rc = 0;
		tc = 0;
		for (i = 0; i < len && rc == 0; i++) {
			rc = http_resp_feed(c, p + i, 1, &used);
			FUZZ_CHECK(used <= 1);
			tc += used;
		}
		FUZZ_CHECK(rc == ra);
		if (rc == 1) {
			FUZZ_CHECK(tc == ta);
			resp_same(a, c);
		}
	}

	if (ra == 1 && b->n_proxy_auth > 0) {
		r = http_challenge_select(b, &ch);
		FUZZ_CHECK(r == 0 || r == -ENOTSUP || r == -EBADMSG);
		if (r == 0)
			resp_check_challenge(&ch);
	}
out:
	free(a);
	free(b);
	free(c);
	return 0;
}
