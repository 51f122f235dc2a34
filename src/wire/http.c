/*
 * http.c - SSTP_DUPLEX_POST request, correlation GUID, incremental HTTP
 * response parser, proxy CONNECT request, and the RFC 9110 token grammar
 * shared with the proxy authentication (http_auth.c) (http.h).
 *
 * Pure code: no I/O, no globals.  Response bytes are untrusted and are only
 * read through struct bcur; requests are written through struct wbuf.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/ctype.h"
#include "wire/http.h"
#include "wire/url.h"

enum {
	ST_STATUS = 0,		/* waiting for the status line */
	ST_HEADERS,		/* reading header lines */
	ST_DONE			/* blank line seen */
};

enum {
	CONT_NONE = -1,		/* obs-fold continues nothing we keep */
	CONT_LOCATION = -2,
	CONT_SERVER = -3	/* 0..HTTP_AUTH_MAX-1: proxy_auth[i] */
};

/* RFC 9110 section 5.6.2 tchar. */
bool
http_is_tchar(uint8_t b)
{
	if (is_alpha(b) || is_digit(b))
		return true;
	return b != '\0' && strchr("!#$%&'*+-.^_`|~", b) != NULL;
}

/* RFC 9110 section 5.6.3 OWS byte. */
bool
http_is_ows(uint8_t b)
{
	return b == ' ' || b == '\t';
}

/* True if a header value may carry s verbatim (visible ASCII only). */
bool
http_header_safe(const char *s, bool allow_space)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		uint8_t b = (uint8_t)s[i];

		if (b == ' ' && allow_space)
			continue;
		if (b <= 0x20 || b >= 0x7f)
			return false;
	}
	return true;
}

/* Build the SSTP_DUPLEX_POST request (MS-SSTP 3.2.4.1). */
int
http_sstp_request(struct wbuf *w, const char *host, const char *correlation)
{
	size_t clen;

	if (host == NULL || host[0] == '\0' || !http_header_safe(host, false))
		return -EINVAL;
	clen = strlen(correlation);
	if (clen == 0 || clen > HTTP_CORRELATION_MAX ||
	    !http_header_safe(correlation, false))
		return -EINVAL;
	wbuf_put_str(w, HTTP_SSTP_METHOD " " HTTP_SSTP_URI " HTTP/1.1\r\n");
	if (strchr(host, ':') != NULL)
		wbuf_printf(w, "Host: [%s]\r\n", host);
	else
		wbuf_printf(w, "Host: %s\r\n", host);
	wbuf_put_str(w, "Content-Length: " HTTP_SSTP_CONTENT_LEN "\r\n");
	wbuf_printf(w, "SSTPCORRELATIONID: %s\r\n", correlation);
	wbuf_put_str(w, "\r\n");
	return wbuf_error(w);
}

/* RFC 4122 section 4.4 version-4 UUID in Windows GUID text form. */
void
http_guid_format(const uint8_t rnd[16], char out[HTTP_GUID_LEN + 1])
{
	uint8_t b[16];

	memcpy(b, rnd, sizeof b);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);	/* variant 10x */
	(void)snprintf(out, HTTP_GUID_LEN + 1,
	    "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-"
	    "%02X%02X%02X%02X%02X%02X}",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
	    b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	explicit_bzero(b, sizeof b);
}

/* ---- response parser ------------------------------------------------ */

/* Reset the parser. */
void
http_resp_init(struct http_resp *r, enum http_resp_mode mode)
{
	memset(r, 0, sizeof *r);
	r->mode = mode;
	r->state = ST_STATUS;
	r->cont = CONT_NONE;
}

static int
resp_fail(struct http_resp *r, int err, const char *why)
{
	r->state = err;
	r->error = why;
	return err;
}

/* Drop leading and trailing OWS (RFC 9110 5.6.3) from a view. */
void
http_trim_ows(struct bcur *v)
{
	size_t n;
	uint8_t b;

	while (bcur_peek_u8(v, 0, &b) == 0 && http_is_ows(b))
		(void)bcur_skip(v, 1);
	n = bcur_left(v);
	while (n > 0 && bcur_peek_u8(v, n - 1, &b) == 0 && http_is_ows(b))
		n--;
	(void)bcur_get_view(v, n, v);
}

/* Case-insensitive comparison of a whole view with s. */
bool
http_view_eq_ci(const struct bcur *v, const char *s)
{
	size_t i, n = strlen(s);
	uint8_t b;

	if (bcur_left(v) != n)
		return false;
	for (i = 0; i < n; i++)
		if (bcur_peek_u8(v, i, &b) != 0 ||
		    to_lower(b) != to_lower((uint8_t)s[i]))
			return false;
	return true;
}

/*
 * Append a view to the NUL-terminated string out (capacity cap), replacing
 * control bytes by '?' (so the value is safe to log) and truncating.
 */
static void
view_append(struct bcur v, char *out, size_t cap)
{
	size_t n = strnlen(out, cap);
	uint8_t b;

	while (n + 1 < cap && bcur_get_u8(&v, &b) == 0) {
		if (b == '\t')
			b = ' ';
		else if (is_ctl(b))
			b = '?';
		out[n++] = (char)b;
	}
	if (n < cap)
		out[n] = '\0';
}

/* Sanitized, truncating copy of a view (see http.h). */
void
http_view_copy(struct bcur v, char *out, size_t cap)
{
	out[0] = '\0';
	view_append(v, out, cap);
}

/* Parse "HTTP/1.x CODE [reason]" (RFC 9112 section 4). */
static int
parse_status_line(struct http_resp *r, struct bcur v)
{
	uint8_t maj, dot, mnr, d[3], b;
	int i;

	if (!bcur_starts_with(&v, "HTTP/", 5))
		return resp_fail(r, -EBADMSG, "not an HTTP response");
	(void)bcur_skip(&v, 5);
	if (bcur_get_u8(&v, &maj) != 0 || bcur_get_u8(&v, &dot) != 0 ||
	    bcur_get_u8(&v, &mnr) != 0 || !is_digit(maj) || dot != '.' ||
	    !is_digit(mnr))
		return resp_fail(r, -EBADMSG, "malformed HTTP status line");
	if (maj != '1')
		return resp_fail(r, -EBADMSG, "unsupported HTTP version");
	r->major = 1;
	r->minor = mnr - '0';
	if (bcur_get_u8(&v, &b) != 0 || b != ' ')
		return resp_fail(r, -EBADMSG, "malformed HTTP status line");
	/* XX: tolerate several spaces before the code. */
	while (bcur_peek_u8(&v, 0, &b) == 0 && b == ' ')
		(void)bcur_skip(&v, 1);
	if (bcur_get_bytes(&v, d, sizeof d) != 0)
		return resp_fail(r, -EBADMSG, "malformed HTTP status line");
	for (i = 0; i < 3; i++)
		if (!is_digit(d[i]))
			return resp_fail(r, -EBADMSG,
			    "malformed HTTP status code");
	r->status = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
	if (r->status < 100 || r->status > 599)
		return resp_fail(r, -EBADMSG, "HTTP status code out of range");
	/* An absent reason phrase (row 3 of PROTOCOL.md 8) is fine. */
	if (bcur_get_u8(&v, &b) == 0 && b != ' ')
		return resp_fail(r, -EBADMSG, "malformed HTTP status line");
	http_trim_ows(&v);
	http_view_copy(v, r->reason, sizeof r->reason);
	r->state = ST_HEADERS;
	return 0;
}

/* Content-Length: 1*DIGIT, kept if it fits in 64 bits. */
static void
parse_content_length(struct http_resp *r, struct bcur v)
{
	uint64_t val = 0;
	uint8_t b;
	bool ok = bcur_left(&v) > 0;

	while (ok && bcur_get_u8(&v, &b) == 0) {
		if (!is_digit(b) || val > (UINT64_MAX - (b - '0')) / 10)
			ok = false;
		else
			val = val * 10 + (uint64_t)(b - '0');
	}
	r->has_content_length = true;
	r->content_length_ok = ok;
	r->content_length = ok ? val : 0;
}

/* True if the comma-separated list v holds token tok (any case). */
bool
http_list_has_token(struct bcur v, const char *tok)
{
	struct bcur item;
	long i;

	while (bcur_left(&v) > 0) {
		if ((i = bcur_find(&v, ',')) >= 0) {
			(void)bcur_get_view(&v, (size_t)i, &item);
			(void)bcur_skip(&v, 1);
		} else {
			item = v;
			(void)bcur_skip(&v, bcur_left(&v));
		}
		http_trim_ows(&item);
		if (http_view_eq_ci(&item, tok))
			return true;
	}
	return false;
}

/* The field an obs-fold continuation line extends, or NULL. */
static char *
cont_field(struct http_resp *r, size_t *cap)
{
	*cap = HTTP_VALUE_MAX;
	if (r->cont == CONT_LOCATION)
		return r->location;
	if (r->cont == CONT_SERVER)
		return r->server;
	if (r->cont >= 0 && r->cont < HTTP_AUTH_MAX)
		return r->proxy_auth[r->cont];
	return NULL;
}

/* One header line (RFC 9112 section 5); an empty line ends the block. */
static int
parse_header_line(struct http_resp *r, struct bcur v)
{
	struct bcur name;
	size_t i, cap;
	long colon;
	char *dst;
	uint8_t b;

	if (bcur_left(&v) == 0) {
		r->state = ST_DONE;
		return 1;
	}
	if (bcur_peek_u8(&v, 0, &b) == 0 && http_is_ows(b)) {
		/*
		 * obs-fold (RFC 9112 5.2): the client replaces it by one
		 * space; a fold of a header we do not keep is ignored.
		 */
		http_trim_ows(&v);
		if ((dst = cont_field(r, &cap)) != NULL) {
			view_append(bcur_make(" ", 1), dst, cap);
			view_append(v, dst, cap);
		}
		return 0;
	}
	if ((colon = bcur_find(&v, ':')) <= 0)
		return resp_fail(r, -EBADMSG, "malformed HTTP header line");
	(void)bcur_get_view(&v, (size_t)colon, &name);
	(void)bcur_skip(&v, 1);
	for (i = 0; bcur_peek_u8(&name, i, &b) == 0; i++)
		if (!http_is_tchar(b))
			return resp_fail(r, -EBADMSG,
			    "malformed HTTP header name");
	http_trim_ows(&v);
	r->cont = CONT_NONE;
	if (http_view_eq_ci(&name, "Content-Length"))
		parse_content_length(r, v);
	else if (http_view_eq_ci(&name, "Transfer-Encoding")) {
		r->has_transfer_encoding = true;
		/* XX: SSTP cannot run inside chunked framing (row 5). */
		if (r->mode == HTTP_RESP_SSTP ||
		    (r->status >= 200 && r->status < 300))
			return resp_fail(r, -EPROTO,
			    "Transfer-Encoding in the response");
	} else if (http_view_eq_ci(&name, "Connection")) {
		if (http_list_has_token(v, "close"))
			r->connection_close = true;
	} else if (http_view_eq_ci(&name, "Location")) {
		http_view_copy(v, r->location, sizeof r->location);
		r->cont = CONT_LOCATION;
	} else if (http_view_eq_ci(&name, "Server")) {
		http_view_copy(v, r->server, sizeof r->server);
		r->cont = CONT_SERVER;
	} else if (http_view_eq_ci(&name, "Proxy-Authenticate") &&
	    r->n_proxy_auth < HTTP_AUTH_MAX) {
		http_view_copy(v, r->proxy_auth[r->n_proxy_auth],
		    sizeof r->proxy_auth[0]);
		r->cont = (int)r->n_proxy_auth++;
	}
	return 0;
}

/* Feed response bytes (see http.h). */
int
http_resp_feed(struct http_resp *r, const void *data, size_t len,
    size_t *used)
{
	struct bcur in, all, line;
	struct wbuf w;
	size_t n, room, llen;
	long nl;
	uint8_t b;
	int rc;

	*used = 0;
	if (r->state < 0)
		return r->state;
	if (r->state == ST_DONE)
		return 1;
	in = bcur_make(data, len);
	while (bcur_left(&in) > 0) {
		room = sizeof r->buf - r->len;
		if (room == 0)
			return resp_fail(r, -EMSGSIZE,
			    "HTTP header block larger than 8192 bytes");
		/* Copy up to and including the next LF, or what fits. */
		nl = bcur_find(&in, '\n');
		n = nl >= 0 ? (size_t)nl + 1 : bcur_left(&in);
		if (n > room)
			n = room;
		wbuf_init(&w, r->buf, sizeof r->buf);
		w.len = r->len;
		wbuf_put_bytes(&w, bcur_ptr(&in), n);
		if (wbuf_error(&w) != 0)
			return resp_fail(r, -EMSGSIZE,
			    "HTTP header block larger than 8192 bytes");
		r->len = w.len;
		(void)bcur_skip(&in, n);
		*used += n;

		all = bcur_make(r->buf, r->len);
		/* Fail on the first non-HTTP byte, not at the end of a line. */
		if (r->state == ST_STATUS &&
		    !bcur_starts_with(&all, "HTTP/", r->len < 5 ? r->len : 5))
			return resp_fail(r, -EBADMSG, "not an HTTP response");
		if (bcur_peek_u8(&all, r->len - 1, &b) != 0 || b != '\n')
			continue;	/* line incomplete: need more */

		/* A complete line: [line, len - 1), minus a CR before LF. */
		llen = r->len - 1 - r->line;
		if (llen > 0 && bcur_peek_u8(&all, r->len - 2, &b) == 0 &&
		    b == '\r')
			llen--;
		(void)bcur_skip(&all, r->line);
		(void)bcur_get_view(&all, llen, &line);
		r->line = r->len;
		if (r->state == ST_STATUS)
			rc = parse_status_line(r, line);
		else
			rc = parse_header_line(r, line);
		if (rc < 0)
			return rc;
		if (rc == 1)
			return 1;
	}
	if (r->len == sizeof r->buf)
		return resp_fail(r, -EMSGSIZE,
		    "HTTP header block larger than 8192 bytes");
	return 0;
}

/* Build the CONNECT request for the proxy (RFC 9110 section 9.3.6). */
int
http_connect_request(struct wbuf *w, const char *host, uint16_t port,
    const char *proxy_auth)
{
	char authority[URL_HOST_MAX + 16];

	if (host == NULL || host[0] == '\0' || !http_header_safe(host, false) ||
	    port == 0)
		return -EINVAL;
	if (proxy_auth != NULL && (proxy_auth[0] == '\0' ||
	    !http_header_safe(proxy_auth, true)))
		return -EINVAL;
	if (url_hostport(host, port, authority, sizeof authority) != 0)
		return -EINVAL;
	wbuf_printf(w, "CONNECT %s HTTP/1.1\r\n", authority);
	wbuf_printf(w, "Host: %s\r\n", authority);
	wbuf_put_str(w, "User-Agent: " PACKAGE_NAME "/" PACKAGE_VERSION "\r\n");
	wbuf_put_str(w, "SSTPVERSION: 1.0\r\n");
	if (proxy_auth != NULL) {
		wbuf_put_str(w, "Proxy-Authorization: ");
		wbuf_put_str(w, proxy_auth);
		wbuf_put_str(w, "\r\n");
	}
	wbuf_put_str(w, "\r\n");
	return wbuf_error(w);
}
