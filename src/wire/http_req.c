/*
 * http_req.c - the server's side of the SSTP HTTP handshake (http_req.h):
 * parse the client's request head (RFC 9112 2-5, MS-SSTP 3.2.4.1 and
 * 3.3.5.1, PROTOCOL.md 1.2) and write the answer.
 *
 * Pure and bounded: the head is read through struct bcur, at most
 * HTTP_REQ_HEAD_MAX octets of @buf are looked at, and the answer goes
 * through struct wbuf.  The parse is a function of the octets alone, so a head
 * split anywhere gives the same result once it is complete (the caller
 * calls again with more octets).
 *
 * Order of the verdicts: line by line, the first malformed line decides
 * (400; 431 past HTTP_REQ_MAX_FIELDS fields; 505 right after a request
 * line of HTTP/2 or later); once the empty line ends the head: 400 without
 * exactly one valid Host, 404 for another path, 405 for another method on
 * the SSTP path, 400 for HTTP/1.0 or a Content-Length other than 2^64-1
 * on the SSTP request; else 200.  A head that reaches HTTP_REQ_HEAD_MAX
 * octets without its empty line is 431.  The MS-SSTP 3.2.4.1 strings
 * are wire/http.h's, the client's.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/ctype.h"
#include "wire/http.h"
#include "wire/http_req.h"

#define HTTP_REQ_LINE_MAX	4096	/* octets of one line, CRLF excluded */

/* What the lines seen so far said. */
struct req_state {
	struct bcur	method;
	struct bcur	target;
	int		minor;		/* HTTP/1.minor */
	unsigned	fields;
	unsigned	n_host;
	unsigned	n_clen;
	uint64_t	clen;
};

static int	req_verdict(struct http_req *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Set the verdict @status with a printable cause; returns 1 (complete). */
static int
req_verdict(struct http_req *req, int status, const char *fmt, ...)
{
	va_list ap;

	req->status = status;
	va_start(ap, fmt);
	(void)vsnprintf(req->reason, sizeof req->reason, fmt, ap);
	va_end(ap);
	return 1;
}

/* Printable copy of a view (0x20..0x7E, others '?'), truncated to cap. */
static void
req_copy(struct bcur v, char *out, size_t cap)
{
	(void)bcur_get_printable(&v, out, cap);
}

/* Does the view hold a CR (a bare one: CR LF is already cut off)? */
static bool
req_has_cr(const struct bcur *v)
{
	return bcur_find(v, '\r') >= 0;
}

/*
 * The request line (RFC 9112 3): method SP request-target SP
 * HTTP-version, single spaces, a token method and visible octets in the
 * target.  Returns 0 to go on, or 1 with the verdict set.
 */
static int
req_line(struct http_req *req, struct req_state *st, struct bcur line)
{
	struct bcur ver;
	uint8_t b, v[8];
	long sp;
	size_t i;

	if ((sp = bcur_find(&line, ' ')) <= 0)
		return req_verdict(req, 400, "malformed request line");
	(void)bcur_get_view(&line, (size_t)sp, &st->method);
	(void)bcur_skip(&line, 1);
	for (i = 0; bcur_peek_u8(&st->method, i, &b) == 0; i++)
		if (!http_is_tchar(b))
			return req_verdict(req, 400, "malformed method");
	if ((sp = bcur_find(&line, ' ')) <= 0)
		return req_verdict(req, 400, "malformed request line");
	(void)bcur_get_view(&line, (size_t)sp, &st->target);
	(void)bcur_skip(&line, 1);
	for (i = 0; bcur_peek_u8(&st->target, i, &b) == 0; i++)
		if (b <= 0x20 || b >= 0x7f)
			return req_verdict(req, 400,
			    "malformed request target");
	ver = line;
	if (bcur_left(&ver) != sizeof v ||
	    bcur_get_bytes(&ver, v, sizeof v) != 0 ||
	    memcmp(v, "HTTP/", 5) != 0 || !is_digit(v[5]) || v[6] != '.' ||
	    !is_digit(v[7]))
		return req_verdict(req, 400, "malformed HTTP version");
	/* RFC 9110 15.6.6: another major version is not ours. */
	if (v[5] != '1')
		return req_verdict(req, v[5] == '0' ? 400 : 505,
		    "HTTP/%c.%c", v[5], v[7]);
	/* RFC 9110 2.5: 1.x (x > 1) is answered as 1.1. */
	st->minor = v[7] - '0';
	return 0;
}

/* RFC 3986 3.2.2 reg-name / IP-literal plus ":" port: Host's octets. */
static bool
req_host_ok(struct bcur v)
{
	uint8_t b;

	while (bcur_get_u8(&v, &b) == 0)
		if (!is_alpha(b) && !is_digit(b) &&
		    strchr("-._~%!$&'()*+,;=:[]", b) == NULL)
			return false;
	return true;
}

/* Content-Length: 1*DIGIT within 64 bits (RFC 9110 8.6). */
static bool
req_clen(struct bcur v, uint64_t *out)
{
	uint64_t val = 0;
	uint8_t b;

	if (bcur_left(&v) == 0)
		return false;
	while (bcur_get_u8(&v, &b) == 0) {
		if (!is_digit(b) || val > (UINT64_MAX - (b - '0')) / 10)
			return false;
		val = val * 10 + (uint64_t)(b - '0');
	}
	*out = val;
	return true;
}

/*
 * One field line (RFC 9112 5): a token name, ":" with no space before
 * it, a value of visible octets, SP/HTAB and obs-text.  obs-fold is
 * refused (RFC 9112 5.2 allows it).  Returns 0, or 1 with the verdict.
 */
static int
req_field(struct http_req *req, struct req_state *st, struct bcur line)
{
	struct bcur name, val;
	uint8_t b;
	long colon;
	size_t i;

	if (bcur_peek_u8(&line, 0, &b) == 0 && http_is_ows(b))
		return req_verdict(req, 400, "obs-fold in the header");
	if ((colon = bcur_find(&line, ':')) <= 0)
		return req_verdict(req, 400, "malformed header line");
	(void)bcur_get_view(&line, (size_t)colon, &name);
	(void)bcur_skip(&line, 1);
	for (i = 0; bcur_peek_u8(&name, i, &b) == 0; i++)
		if (!http_is_tchar(b))
			return req_verdict(req, 400, "malformed header name");
	val = line;
	http_trim_ows(&val);
	for (i = 0; bcur_peek_u8(&val, i, &b) == 0; i++)
		if (is_ctl(b) && b != '\t')
			return req_verdict(req, 400,
			    "control octet in a header value");
	if (++st->fields > HTTP_REQ_MAX_FIELDS)
		return req_verdict(req, 431, "more than %d header fields",
		    HTTP_REQ_MAX_FIELDS);

	if (http_view_eq_ci(&name, "Host")) {
		/* RFC 9112 3.2: exactly one, valid, else 400. */
		if (++st->n_host > 1)
			return req_verdict(req, 400, "more than one Host");
		if (bcur_left(&val) >= sizeof req->host || !req_host_ok(val))
			return req_verdict(req, 400, "malformed Host");
		req_copy(val, req->host, sizeof req->host);
	} else if (http_view_eq_ci(&name, "Content-Length")) {
		if (++st->n_clen > 1 || !req_clen(val, &st->clen))
			return req_verdict(req, 400,
			    "malformed Content-Length");
	} else if (http_view_eq_ci(&name, "Transfer-Encoding")) {
		/* No body is read: refuse framing we would not follow. */
		return req_verdict(req, 400,
		    "Transfer-Encoding in the request");
	} else if (http_view_eq_ci(&name, "User-Agent")) {
		if (req->user_agent[0] == '\0')
			req_copy(val, req->user_agent, sizeof req->user_agent);
	} else if (http_view_eq_ci(&name, "X-Forwarded-For")) {
		if (req->forwarded_for[0] == '\0')
			req_copy(val, req->forwarded_for,
			    sizeof req->forwarded_for);
	} else if (http_view_eq_ci(&name, "SSTPCORRELATIONID")) {
		if (req->correlation[0] == '\0')
			req_copy(val, req->correlation,
			    sizeof req->correlation);
	}
	return 0;
}

/* The path of the target (before '?') against the SSTP URI. */
static bool
req_sstp_path(struct bcur target)
{
	struct bcur path = target;
	long q;

	/*
	 * MS-SSTP 3.2.4.1 allows a query (tenantid); XX: Windows' HTTP.sys
	 * matches URL paths without regard to case, so do we.
	 */
	if ((q = bcur_find(&target, '?')) >= 0)
		(void)bcur_get_view(&target, (size_t)q, &path);
	return http_view_eq_ci(&path, HTTP_SSTP_URI);
}

/* The verdict once the empty line has ended the head. */
static int
req_decide(struct http_req *req, const struct req_state *st)
{
	char what[48];

	if (st->n_host == 0)
		return req_verdict(req, 400, "no Host header");
	if (!req_sstp_path(st->target)) {
		req_copy(st->target, what, sizeof what);
		return req_verdict(req, 404, "not the SSTP path: %s", what);
	}
	/* RFC 9110 9.1: a method is case-sensitive. */
	if (bcur_left(&st->method) != sizeof HTTP_SSTP_METHOD - 1 ||
	    !bcur_starts_with(&st->method, HTTP_SSTP_METHOD,
	    sizeof HTTP_SSTP_METHOD - 1)) {
		req_copy(st->method, what, sizeof what);
		return req_verdict(req, 405, "method %s on the SSTP path",
		    what);
	}
	if (st->minor == 0)
		return req_verdict(req, 400, "SSTP over HTTP/1.0");
	/* MS-SSTP 3.2.4.1: the request's length is ULLONG_MAX (or absent). */
	if (st->n_clen > 0 && st->clen != UINT64_MAX)
		return req_verdict(req, 400, "Content-Length is not 2^64-1");
	return req_verdict(req, 200, HTTP_SSTP_METHOD);
}

/* Parse one request head (see http_req.h). */
int
http_req_parse(const uint8_t *buf, size_t len, struct http_req *req)
{
	struct req_state st;
	struct bcur in, line;
	size_t used = 0, n;
	bool first = true;
	uint8_t b;
	long nl, cr;
	int rc;

	memset(req, 0, sizeof *req);
	memset(&st, 0, sizeof st);
	in = bcur_make(buf, len < HTTP_REQ_HEAD_MAX ? len : HTTP_REQ_HEAD_MAX);
	for (;;) {
		if ((nl = bcur_find(&in, '\n')) < 0) {
			/* An incomplete line: what it already breaks. */
			n = bcur_left(&in);
			cr = bcur_find(&in, '\r');
			if (cr >= 0 && (size_t)cr + 1 < n)
				rc = req_verdict(req, 400, "bare CR");
			else if (n - (cr >= 0 ? 1 : 0) > HTTP_REQ_LINE_MAX)
				rc = req_verdict(req, 400,
				    "header line over %d octets",
				    HTTP_REQ_LINE_MAX);
			else if (len >= HTTP_REQ_HEAD_MAX)
				rc = req_verdict(req, 431,
				    "request head over %d octets",
				    HTTP_REQ_HEAD_MAX);
			else
				return 0;
			req->head_len = used + n;
			return rc;
		}
		(void)bcur_get_view(&in, (size_t)nl, &line);
		(void)bcur_skip(&in, 1);
		used += (size_t)nl + 1;
		req->head_len = used;
		/* RFC 9112 2.2: CRLF only (a bare CR or LF is refused). */
		n = bcur_left(&line);
		if (n == 0 || bcur_peek_u8(&line, n - 1, &b) != 0 || b != '\r')
			return req_verdict(req, 400, "bare LF");
		(void)bcur_get_view(&line, n - 1, &line);
		if (req_has_cr(&line))
			return req_verdict(req, 400, "bare CR");
		if (bcur_left(&line) > HTTP_REQ_LINE_MAX)
			return req_verdict(req, 400,
			    "header line over %d octets", HTTP_REQ_LINE_MAX);
		if (first) {
			first = false;
			if ((rc = req_line(req, &st, line)) != 0)
				return rc;
			continue;
		}
		if (bcur_left(&line) == 0)
			return req_decide(req, &st);
		if ((rc = req_field(req, &st, line)) != 0)
			return rc;
	}
}

/* RFC 9110 15 reason phrases of the statuses we send. */
static const char *
req_status_text(int status)
{
	switch (status) {
	case 200:	return "OK";
	case 400:	return "Bad Request";
	case 404:	return "Not Found";
	case 405:	return "Method Not Allowed";
	case 431:	return "Request Header Fields Too Large";
	case 500:	return "Internal Server Error";
	case 503:	return "Service Unavailable";
	case 505:	return "HTTP Version Not Supported";
	default:	return NULL;
	}
}

/* May s be sent as a header value (visible ASCII and spaces only)? */
static bool
req_value_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if (!is_print((uint8_t)*s))
			return false;
	return true;
}

/* Write the answer to a parsed head (see http_req.h). */
void
http_req_put_response(struct wbuf *w, const struct http_req *req,
    const char *server)
{
	const char *text;
	int status = req->status;

	if ((text = req_status_text(status)) == NULL) {
		status = 500;
		text = req_status_text(status);
	}
	wbuf_printf(w, "HTTP/1.1 %d %s\r\n", status, text);
	/* A Server value that could break the head is left out. */
	if (server != NULL && server[0] != '\0' && req_value_safe(server))
		wbuf_printf(w, "Server: %s\r\n", server);
	if (status == 200) {
		/*
		 * MS-SSTP 3.3.5.1: the answer's length is ULLONG_MAX.  XX: no
		 * Date (RFC 9110 6.6.1 wants one from a server with a clock):
		 * this module is pure, and sorz/sstp-server answers Windows
		 * clients without one.
		 */
		wbuf_put_str(w, "Content-Length: " HTTP_SSTP_CONTENT_LEN
		    "\r\n\r\n");
		return;
	}
	/* An error is the last data on the connection (MS-SSTP 4.1). */
	wbuf_put_str(w, "Content-Length: 0\r\nConnection: close\r\n");
	if (status == 405)
		wbuf_put_str(w, "Allow: " HTTP_SSTP_METHOD "\r\n");
	wbuf_put_str(w, "\r\n");
}
