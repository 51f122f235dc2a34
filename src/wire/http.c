/*
 * http.c - SSTP_DUPLEX_POST request, correlation GUID, incremental HTTP
 * response parser, proxy CONNECT with Basic/Digest credentials (http.h).
 *
 * Pure code: no I/O, no globals.  Response bytes are untrusted and are only
 * read through struct bcur; requests are written through struct wbuf.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/buf.h"
#include "wire/http.h"
#include "wire/url.h"

#define HTTP_CRED_MAX	256	/* user or password bytes for Basic */

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

/* ASCII helpers (the C library's follow the locale). */
static bool
is_digit(uint8_t b)
{
	return b >= '0' && b <= '9';
}

static uint8_t
to_lower(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') ? (uint8_t)(b | 0x20) : b;
}

/* RFC 9110 section 5.6.2 tchar. */
static bool
is_tchar(uint8_t b)
{
	if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || is_digit(b))
		return true;
	return b != '\0' && strchr("!#$%&'*+-.^_`|~", b) != NULL;
}

static bool
is_ows(uint8_t b)
{
	return b == ' ' || b == '\t';
}

/* True if a header value may carry s verbatim (visible ASCII only). */
static bool
header_safe(const char *s, bool allow_space)
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

	if (host == NULL || host[0] == '\0' || !header_safe(host, false))
		return -EINVAL;
	clen = strlen(correlation);
	if (clen == 0 || clen > HTTP_CORRELATION_MAX ||
	    !header_safe(correlation, false))
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

/* Drop leading and trailing OWS from a view. */
static void
trim_ows(struct bcur *v)
{
	size_t n;
	uint8_t b;

	while (bcur_peek_u8(v, 0, &b) == 0 && is_ows(b))
		(void)bcur_skip(v, 1);
	n = bcur_left(v);
	while (n > 0 && bcur_peek_u8(v, n - 1, &b) == 0 && is_ows(b))
		n--;
	(void)bcur_get_view(v, n, v);
}

/* Case-insensitive comparison of a whole view with s. */
static bool
view_eq_ci(const struct bcur *v, const char *s)
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
		else if (b < 0x20 || b == 0x7f)
			b = '?';
		out[n++] = (char)b;
	}
	if (n < cap)
		out[n] = '\0';
}

static void
view_copy(struct bcur v, char *out, size_t cap)
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
	trim_ows(&v);
	view_copy(v, r->reason, sizeof r->reason);
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
static bool
list_has_token(struct bcur v, const char *tok)
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
		trim_ows(&item);
		if (view_eq_ci(&item, tok))
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
	if (bcur_peek_u8(&v, 0, &b) == 0 && is_ows(b)) {
		/*
		 * obs-fold (RFC 9112 5.2): the client replaces it by one
		 * space; a fold of a header we do not keep is ignored.
		 */
		trim_ows(&v);
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
		if (!is_tchar(b))
			return resp_fail(r, -EBADMSG,
			    "malformed HTTP header name");
	trim_ows(&v);
	r->cont = CONT_NONE;
	if (view_eq_ci(&name, "Content-Length"))
		parse_content_length(r, v);
	else if (view_eq_ci(&name, "Transfer-Encoding")) {
		r->has_transfer_encoding = true;
		/* XX: SSTP cannot run inside chunked framing (row 5). */
		if (r->mode == HTTP_RESP_SSTP ||
		    (r->status >= 200 && r->status < 300))
			return resp_fail(r, -EPROTO,
			    "Transfer-Encoding in the response");
	} else if (view_eq_ci(&name, "Connection")) {
		if (list_has_token(v, "close"))
			r->connection_close = true;
	} else if (view_eq_ci(&name, "Location")) {
		view_copy(v, r->location, sizeof r->location);
		r->cont = CONT_LOCATION;
	} else if (view_eq_ci(&name, "Server")) {
		view_copy(v, r->server, sizeof r->server);
		r->cont = CONT_SERVER;
	} else if (view_eq_ci(&name, "Proxy-Authenticate") &&
	    r->n_proxy_auth < HTTP_AUTH_MAX) {
		view_copy(v, r->proxy_auth[r->n_proxy_auth],
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

/* ---- proxy authentication ------------------------------------------ */

static void
skip_ows(struct bcur *c)
{
	uint8_t b;

	while (bcur_peek_u8(c, 0, &b) == 0 && is_ows(b))
		(void)bcur_skip(c, 1);
}

static void
skip_ows_commas(struct bcur *c)
{
	uint8_t b;

	while (bcur_peek_u8(c, 0, &b) == 0 && (is_ows(b) || b == ','))
		(void)bcur_skip(c, 1);
}

/* Read a token (RFC 9110 5.6.2) as a view; -EBADMSG if none. */
static int
get_token(struct bcur *c, struct bcur *tok)
{
	size_t n = 0;
	uint8_t b;

	while (bcur_peek_u8(c, n, &b) == 0 && is_tchar(b))
		n++;
	if (n == 0)
		return -EBADMSG;
	return bcur_get_view(c, n, tok);
}

/* Read a token or a quoted-string (RFC 9110 5.6.4) into out. */
static int
get_param_value(struct bcur *c, char *out, size_t cap)
{
	struct bcur tok;
	size_t n = 0;
	uint8_t b;

	if (bcur_peek_u8(c, 0, &b) != 0)
		return -EBADMSG;
	if (b != '"') {
		if (get_token(c, &tok) != 0 || bcur_left(&tok) >= cap)
			return -EBADMSG;
		view_copy(tok, out, cap);
		return 0;
	}
	(void)bcur_skip(c, 1);
	for (;;) {
		if (bcur_get_u8(c, &b) != 0)
			return -EBADMSG;	/* unterminated */
		if (b == '"')
			break;
		if (b == '\\' && bcur_get_u8(c, &b) != 0)
			return -EBADMSG;
		if (b < 0x20 && b != '\t')
			return -EBADMSG;
		if (n + 1 >= cap)
			return -EBADMSG;
		out[n++] = (char)b;
	}
	out[n] = '\0';
	return 0;
}

/* Rank of a parsed challenge: higher is preferred, 0 unsupported. */
static int
challenge_rank(const struct http_challenge *ch, bool qop_given,
    bool alg_ok)
{
	if (ch->scheme == HTTP_AUTH_BASIC)
		return 1;
	if (ch->scheme != HTTP_AUTH_DIGEST || !alg_ok || ch->nonce[0] == '\0')
		return 0;
	if (qop_given && !ch->qop_auth)
		return 0;	/* only auth-int offered */
	return ch->alg == HTTP_DIGEST_SHA256 ? 3 : 2;
}

/* Apply one auth-param to a challenge being parsed. */
static void
apply_param(struct http_challenge *ch, const struct bcur *name,
    const char *val, bool *qop_given, bool *alg_ok)
{
	struct bcur v = bcur_make(val, strlen(val));

	if (view_eq_ci(name, "realm"))
		(void)snprintf(ch->realm, sizeof ch->realm, "%s", val);
	else if (view_eq_ci(name, "nonce"))
		(void)snprintf(ch->nonce, sizeof ch->nonce, "%s", val);
	else if (view_eq_ci(name, "opaque")) {
		(void)snprintf(ch->opaque, sizeof ch->opaque, "%s", val);
		ch->has_opaque = true;
	} else if (view_eq_ci(name, "stale"))
		ch->stale = view_eq_ci(&v, "true");
	else if (view_eq_ci(name, "qop")) {
		*qop_given = true;
		ch->qop_auth = list_has_token(v, "auth");
	} else if (view_eq_ci(name, "algorithm")) {
		*alg_ok = true;
		ch->sess = false;
		if (view_eq_ci(&v, "MD5"))
			ch->alg = HTTP_DIGEST_MD5;
		else if (view_eq_ci(&v, "MD5-sess")) {
			ch->alg = HTTP_DIGEST_MD5;
			ch->sess = true;
		} else if (view_eq_ci(&v, "SHA-256"))
			ch->alg = HTTP_DIGEST_SHA256;
		else if (view_eq_ci(&v, "SHA-256-sess")) {
			ch->alg = HTTP_DIGEST_SHA256;
			ch->sess = true;
		} else
			*alg_ok = false;
	}
}

/*
 * Parse a field value holding one or more challenges (RFC 9110 11.6.1):
 *   challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 * and keep the best-ranked in *best.
 */
static void
parse_challenges(const char *value, struct http_challenge *best,
    int *best_rank, bool *malformed)
{
	struct http_challenge ch;
	struct bcur c, scheme, name, la;
	char val[HTTP_PARAM_MAX];
	bool qop_given, alg_ok, bad, first;
	int rank;
	uint8_t b;

	c = bcur_make(value, strlen(value));
	for (;;) {
		skip_ows_commas(&c);
		if (bcur_left(&c) == 0)
			break;
		if (get_token(&c, &scheme) != 0) {
			*malformed = true;
			break;
		}
		memset(&ch, 0, sizeof ch);
		if (view_eq_ci(&scheme, "Basic"))
			ch.scheme = HTTP_AUTH_BASIC;
		else if (view_eq_ci(&scheme, "Digest"))
			ch.scheme = HTTP_AUTH_DIGEST;
		qop_given = false;
		alg_ok = true;
		bad = false;
		first = true;
		for (;;) {
			skip_ows(&c);
			la = c;
			if (!first) {
				if (bcur_peek_u8(&la, 0, &b) != 0 || b != ',')
					break;
				skip_ows_commas(&la);
			}
			/* auth-param = token BWS "=" BWS value */
			if (get_token(&la, &name) != 0)
				break;
			skip_ows(&la);
			if (bcur_peek_u8(&la, 0, &b) != 0 || b != '=') {
				if (!first)
					break;	/* next challenge's scheme */
				/* token68 of a scheme we do not use: skip. */
				bad = ch.scheme != HTTP_AUTH_NONE;
				while (bcur_peek_u8(&c, 0, &b) == 0 && b != ',')
					(void)bcur_skip(&c, 1);
				break;
			}
			(void)bcur_skip(&la, 1);
			skip_ows(&la);
			if (bcur_peek_u8(&la, 0, &b) == 0 && b == '=') {
				/* token68 ending in '=': skip it. */
				bad = ch.scheme != HTTP_AUTH_NONE;
				while (bcur_peek_u8(&c, 0, &b) == 0 && b != ',')
					(void)bcur_skip(&c, 1);
				break;
			}
			if (get_param_value(&la, val, sizeof val) != 0) {
				bad = true;
				c = la;
				while (bcur_peek_u8(&c, 0, &b) == 0 && b != ',')
					(void)bcur_skip(&c, 1);
				break;
			}
			c = la;
			first = false;
			apply_param(&ch, &name, val, &qop_given, &alg_ok);
		}
		if (bad) {
			*malformed = true;
			continue;
		}
		rank = challenge_rank(&ch, qop_given, alg_ok);
		if (rank > *best_rank) {
			*best = ch;
			*best_rank = rank;
		}
	}
	explicit_bzero(&ch, sizeof ch);
	explicit_bzero(val, sizeof val);
}

/* Best supported challenge in one field value. */
int
http_challenge_parse(const char *value, struct http_challenge *out)
{
	int rank = 0;
	bool malformed = false;

	memset(out, 0, sizeof *out);
	parse_challenges(value, out, &rank, &malformed);
	if (rank > 0)
		return 0;
	return malformed ? -EBADMSG : -ENOTSUP;
}

/* Best supported challenge over all Proxy-Authenticate values. */
int
http_challenge_select(const struct http_resp *r, struct http_challenge *out)
{
	size_t i;
	int rank = 0;
	bool malformed = false;

	memset(out, 0, sizeof *out);
	for (i = 0; i < r->n_proxy_auth && i < HTTP_AUTH_MAX; i++)
		parse_challenges(r->proxy_auth[i], out, &rank, &malformed);
	if (rank > 0)
		return 0;
	return malformed ? -EBADMSG : -ENOTSUP;
}

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
static void
hex_lower(const uint8_t *in, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

/*
 * out = hex(H(p[0] ":" p[1] ":" ... p[n-1])), the "H(data)" of RFC 7616
 * section 3.4.  The raw digest is zeroized.
 */
static int
digest_hex(const EVP_MD *md, const char *const *p, size_t n, char *out)
{
	EVP_MD_CTX *ctx;
	uint8_t dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	size_t i;
	int ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, md, NULL);
	for (i = 0; ok && i < n; i++) {
		if (i > 0)
			ok = EVP_DigestUpdate(ctx, ":", 1);
		if (ok)
			ok = EVP_DigestUpdate(ctx, p[i], strlen(p[i]));
	}
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, dig, &dlen);
	EVP_MD_CTX_free(ctx);
	if (ok)
		hex_lower(dig, dlen, out);
	explicit_bzero(dig, sizeof dig);
	return ok ? 0 : -EIO;
}

/* RFC 7616 section 3.4.1 response value. */
int
http_digest_response(const struct http_challenge *ch,
    const struct http_cred *cred, const char *method, const char *uri,
    char *out, size_t outlen)
{
	const EVP_MD *md;
	char ha1[2 * EVP_MAX_MD_SIZE + 1], ha2[2 * EVP_MAX_MD_SIZE + 1];
	char nc[9];
	const char *p[6];
	size_t need;
	int r;

	if (ch->scheme != HTTP_AUTH_DIGEST || cred->user == NULL ||
	    cred->pass == NULL)
		return -EINVAL;
	if ((ch->qop_auth || ch->sess) &&
	    (cred->cnonce == NULL || cred->cnonce[0] == '\0' || cred->nc == 0))
		return -EINVAL;
	md = ch->alg == HTTP_DIGEST_SHA256 ? EVP_sha256() : EVP_md5();
	need = 2 * (size_t)EVP_MD_get_size(md) + 1;
	if (outlen < need)
		return -ENOSPC;

	p[0] = cred->user;
	p[1] = ch->realm;
	p[2] = cred->pass;
	if ((r = digest_hex(md, p, 3, ha1)) != 0)
		goto out;
	if (ch->sess) {
		p[0] = ha1;
		p[1] = ch->nonce;
		p[2] = cred->cnonce;
		if ((r = digest_hex(md, p, 3, ha1)) != 0)
			goto out;
	}
	p[0] = method;
	p[1] = uri;
	if ((r = digest_hex(md, p, 2, ha2)) != 0)
		goto out;
	p[0] = ha1;
	p[1] = ch->nonce;
	if (ch->qop_auth) {
		(void)snprintf(nc, sizeof nc, "%08x", (unsigned)cred->nc);
		p[2] = nc;
		p[3] = cred->cnonce;
		p[4] = "auth";
		p[5] = ha2;
		r = digest_hex(md, p, 6, out);
	} else {
		/* RFC 2069 compatibility: no qop offered. */
		p[2] = ha2;
		r = digest_hex(md, p, 3, out);
	}
out:
	explicit_bzero(ha1, sizeof ha1);
	explicit_bzero(ha2, sizeof ha2);
	return r;
}

/* Append s as an RFC 9110 quoted-string. */
static void
put_quoted(struct wbuf *w, const char *s)
{
	size_t i;

	wbuf_put_u8(w, '"');
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '"' || s[i] == '\\')
			wbuf_put_u8(w, '\\');
		wbuf_put_u8(w, (uint8_t)s[i]);
	}
	wbuf_put_u8(w, '"');
}

/* True if s has no control characters (CR/LF injection). */
static bool
no_ctl(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if ((uint8_t)s[i] < 0x20 || (uint8_t)s[i] == 0x7f)
			return false;
	return true;
}

/* "Proxy-Authorization: Basic base64(user:pass)" (RFC 7617 section 2). */
static int
put_basic(struct wbuf *w, const struct http_cred *cred)
{
	unsigned char plain[2 * HTTP_CRED_MAX + 2];
	unsigned char b64[4 * ((sizeof plain + 2) / 3) + 1];
	struct wbuf pw;
	size_t ul, pl;
	int n;

	ul = strlen(cred->user);
	pl = strlen(cred->pass);
	/* A user-id containing a colon cannot be sent (RFC 7617 2). */
	if (ul == 0 || ul > HTTP_CRED_MAX || pl > HTTP_CRED_MAX ||
	    strchr(cred->user, ':') != NULL)
		return -EINVAL;
	wbuf_init(&pw, plain, sizeof plain);
	wbuf_put_bytes(&pw, cred->user, ul);
	wbuf_put_u8(&pw, ':');
	wbuf_put_bytes(&pw, cred->pass, pl);
	n = wbuf_error(&pw) != 0 ? -1 :
	    EVP_EncodeBlock(b64, plain, (int)pw.len);
	explicit_bzero(plain, sizeof plain);
	if (n < 0) {
		explicit_bzero(b64, sizeof b64);
		return -EIO;
	}
	wbuf_put_str(w, "Proxy-Authorization: Basic ");
	wbuf_put_bytes(w, b64, (size_t)n);
	wbuf_put_str(w, "\r\n");
	explicit_bzero(b64, sizeof b64);
	return 0;
}

/* "Proxy-Authorization: Digest ..." (RFC 7616 section 3.4). */
static int
put_digest(struct wbuf *w, const struct http_challenge *ch,
    const struct http_cred *cred, const char *uri)
{
	static const char *const alg_names[2][2] = {
		{ "MD5", "MD5-sess" }, { "SHA-256", "SHA-256-sess" }
	};
	char resp[2 * EVP_MAX_MD_SIZE + 1];
	int r;

	if (!no_ctl(cred->user) || cred->user[0] == '\0' ||
	    (cred->cnonce != NULL && (!header_safe(cred->cnonce, false) ||
	    strchr(cred->cnonce, '"') != NULL)))
		return -EINVAL;
	if ((r = http_digest_response(ch, cred, "CONNECT", uri, resp,
	    sizeof resp)) != 0)
		return r;
	wbuf_put_str(w, "Proxy-Authorization: Digest username=");
	put_quoted(w, cred->user);
	wbuf_put_str(w, ", realm=");
	put_quoted(w, ch->realm);
	wbuf_put_str(w, ", nonce=");
	put_quoted(w, ch->nonce);
	wbuf_printf(w, ", uri=\"%s\", algorithm=%s, response=\"%s\"", uri,
	    alg_names[ch->alg == HTTP_DIGEST_SHA256][ch->sess ? 1 : 0], resp);
	if (ch->qop_auth)
		wbuf_printf(w, ", qop=auth, nc=%08x, cnonce=\"%s\"",
		    (unsigned)cred->nc, cred->cnonce);
	if (ch->has_opaque) {
		wbuf_put_str(w, ", opaque=");
		put_quoted(w, ch->opaque);
	}
	wbuf_put_str(w, "\r\n");
	explicit_bzero(resp, sizeof resp);
	return 0;
}

/* Build the CONNECT request for the proxy (RFC 9110 section 9.3.6). */
int
http_connect_request(struct wbuf *w, const char *host, uint16_t port,
    const struct http_challenge *ch, const struct http_cred *cred)
{
	char authority[URL_HOST_MAX + 16];
	int r;

	if (host == NULL || host[0] == '\0' || !header_safe(host, false) ||
	    port == 0)
		return -EINVAL;
	if (url_hostport(host, port, authority, sizeof authority) != 0)
		return -EINVAL;
	wbuf_printf(w, "CONNECT %s HTTP/1.1\r\n", authority);
	wbuf_printf(w, "Host: %s\r\n", authority);
	wbuf_put_str(w, "User-Agent: " PACKAGE_NAME "/" PACKAGE_VERSION "\r\n");
	wbuf_put_str(w, "SSTPVERSION: 1.0\r\n");
	if (ch != NULL && ch->scheme != HTTP_AUTH_NONE) {
		if (cred == NULL || cred->user == NULL || cred->pass == NULL)
			return -EINVAL;
		if (ch->scheme == HTTP_AUTH_BASIC)
			r = put_basic(w, cred);
		else
			r = put_digest(w, ch, cred, authority);
		if (r != 0)
			return r;
	}
	wbuf_put_str(w, "\r\n");
	return wbuf_error(w);
}
