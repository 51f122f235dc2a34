/*
 * http_auth.c - proxy authentication (http_auth.h): the challenges of a
 * 407 (RFC 9110 section 11.6.1), Basic (RFC 7617) and Digest (RFC 7616)
 * credentials.
 *
 * Pure code: no I/O, no globals.  Challenge values are untrusted and are
 * only read through struct bcur; the hashes go through crypto/crypto.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "util/buf.h"
#include "util/ctype.h"
#include "wire/http.h"
#include "wire/http_auth.h"
#include "wire/url.h"

#define HTTP_CRED_MAX	256	/* user or password bytes for Basic */

static void
skip_ows(struct bcur *c)
{
	uint8_t b;

	while (bcur_peek_u8(c, 0, &b) == 0 && http_is_ows(b))
		(void)bcur_skip(c, 1);
}

static void
skip_ows_commas(struct bcur *c)
{
	uint8_t b;

	while (bcur_peek_u8(c, 0, &b) == 0 && (http_is_ows(b) || b == ','))
		(void)bcur_skip(c, 1);
}

/* Read a token (RFC 9110 5.6.2) as a view; -EBADMSG if none. */
static int
get_token(struct bcur *c, struct bcur *tok)
{
	size_t n = 0;
	uint8_t b;

	while (bcur_peek_u8(c, n, &b) == 0 && http_is_tchar(b))
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
		http_view_copy(tok, out, cap);
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

	if (http_view_eq_ci(name, "realm"))
		(void)snprintf(ch->realm, sizeof ch->realm, "%s", val);
	else if (http_view_eq_ci(name, "nonce"))
		(void)snprintf(ch->nonce, sizeof ch->nonce, "%s", val);
	else if (http_view_eq_ci(name, "opaque")) {
		(void)snprintf(ch->opaque, sizeof ch->opaque, "%s", val);
		ch->has_opaque = true;
	} else if (http_view_eq_ci(name, "stale"))
		ch->stale = http_view_eq_ci(&v, "true");
	else if (http_view_eq_ci(name, "qop")) {
		*qop_given = true;
		ch->qop_auth = http_list_has_token(v, "auth");
	} else if (http_view_eq_ci(name, "algorithm")) {
		*alg_ok = true;
		ch->sess = false;
		if (http_view_eq_ci(&v, "MD5"))
			ch->alg = HTTP_DIGEST_MD5;
		else if (http_view_eq_ci(&v, "MD5-sess")) {
			ch->alg = HTTP_DIGEST_MD5;
			ch->sess = true;
		} else if (http_view_eq_ci(&v, "SHA-256"))
			ch->alg = HTTP_DIGEST_SHA256;
		else if (http_view_eq_ci(&v, "SHA-256-sess")) {
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
		if (http_view_eq_ci(&scheme, "Basic"))
			ch.scheme = HTTP_AUTH_BASIC;
		else if (http_view_eq_ci(&scheme, "Digest"))
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

#define DIGEST_PARTS_MAX	6	/* the qop=auth response has six */

/*
 * out = hex(H(p[0] ":" p[1] ":" ... p[n-1])), the "H(data)" of RFC 7616
 * section 3.4 (n <= DIGEST_PARTS_MAX).  The raw digest is zeroized.
 */
static int
digest_hex(enum crypto_md md, const char *const *p, size_t n, char *out)
{
	struct crypto_vec v[2 * DIGEST_PARTS_MAX];
	uint8_t dig[CRYPTO_MD_MAX];
	size_t i, k = 0;
	int r;

	if (n == 0 || n > DIGEST_PARTS_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (i > 0) {
			v[k].p = ":";
			v[k++].len = 1;
		}
		v[k].p = p[i];
		v[k++].len = strlen(p[i]);
	}
	r = crypto_digest_vec(md, v, k, dig);
	if (r == 0)
		hex_lower(dig, crypto_md_len(md), out);
	crypto_zero(dig, sizeof dig);
	return r < 0 ? -EIO : 0;
}

/* RFC 7616 section 3.4.1 response value. */
int
http_digest_response(const struct http_challenge *ch,
    const struct http_cred *cred, const char *method, const char *uri,
    char *out, size_t outlen)
{
	enum crypto_md md;
	char ha1[2 * CRYPTO_MD_MAX + 1], ha2[2 * CRYPTO_MD_MAX + 1];
	char nc[9];
	const char *p[DIGEST_PARTS_MAX];
	int r;

	if (ch->scheme != HTTP_AUTH_DIGEST || cred->user == NULL ||
	    cred->pass == NULL)
		return -EINVAL;
	if ((ch->qop_auth || ch->sess) &&
	    (cred->cnonce == NULL || cred->cnonce[0] == '\0' || cred->nc == 0))
		return -EINVAL;
	md = ch->alg == HTTP_DIGEST_SHA256 ? CRYPTO_MD_SHA256 : CRYPTO_MD_MD5;
	if (outlen < 2 * crypto_md_len(md) + 1)
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
	crypto_zero(ha1, sizeof ha1);
	crypto_zero(ha2, sizeof ha2);
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

/* "Basic base64(user:pass)" (RFC 7617 section 2). */
static int
put_basic(struct wbuf *w, const struct http_cred *cred)
{
	uint8_t plain[2 * HTTP_CRED_MAX + 2];
	char b64[4 * ((sizeof plain + 2) / 3) + 1];
	struct wbuf pw;
	size_t ul, pl;
	int r;

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
	r = wbuf_error(&pw) != 0 ? -EINVAL :
	    crypto_base64(plain, pw.len, b64, sizeof b64);
	crypto_zero(plain, sizeof plain);
	if (r == 0) {
		wbuf_put_str(w, "Basic ");
		wbuf_put_str(w, b64);
	}
	crypto_zero(b64, sizeof b64);
	return r;
}

/* "Digest username=..., ..." (RFC 7616 section 3.4). */
static int
put_digest(struct wbuf *w, const struct http_challenge *ch,
    const struct http_cred *cred, const char *method, const char *uri)
{
	static const char *const alg_names[2][2] = {
		{ "MD5", "MD5-sess" }, { "SHA-256", "SHA-256-sess" }
	};
	char resp[2 * CRYPTO_MD_MAX + 1];
	int r;

	if (str_has_ctl(cred->user) || cred->user[0] == '\0' ||
	    !http_header_safe(uri, false) || strchr(uri, '"') != NULL ||
	    (cred->cnonce != NULL && (!http_header_safe(cred->cnonce, false) ||
	    strchr(cred->cnonce, '"') != NULL)))
		return -EINVAL;
	if ((r = http_digest_response(ch, cred, method, uri, resp,
	    sizeof resp)) != 0)
		return r;
	wbuf_put_str(w, "Digest username=");
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
	crypto_zero(resp, sizeof resp);
	return 0;
}

/* The Proxy-Authorization value for ch (see http_auth.h). */
int
http_auth_credentials(const struct http_challenge *ch,
    const struct http_cred *cred, const char *method, const char *uri,
    char *out, size_t cap)
{
	struct wbuf w;
	int r;

	if (cap == 0)
		return -ENOSPC;
	out[0] = '\0';
	if (ch == NULL || cred == NULL || cred->user == NULL ||
	    cred->pass == NULL || method == NULL || uri == NULL)
		return -EINVAL;
	wbuf_init(&w, out, cap - 1);	/* room for the NUL */
	if (ch->scheme == HTTP_AUTH_BASIC)
		r = put_basic(&w, cred);
	else if (ch->scheme == HTTP_AUTH_DIGEST)
		r = put_digest(&w, ch, cred, method, uri);
	else
		r = -EINVAL;
	if (r == 0)
		r = wbuf_error(&w);
	if (r != 0) {
		crypto_zero(out, cap);
		return r;
	}
	out[w.len] = '\0';
	return 0;
}

/* CONNECT with the Proxy-Authorization for ch (see http_auth.h). */
int
http_auth_connect_request(struct wbuf *w, const char *host, uint16_t port,
    const struct http_challenge *ch, const struct http_cred *cred)
{
	char authority[URL_HOST_MAX + 16];
	char value[HTTP_AUTH_VALUE_MAX];
	int r;

	if (ch == NULL || ch->scheme == HTTP_AUTH_NONE)
		return http_connect_request(w, host, port, NULL);
	if (host == NULL || port == 0 ||
	    url_hostport(host, port, authority, sizeof authority) != 0)
		return -EINVAL;
	/* The Digest uri is the request-target: the authority form. */
	r = http_auth_credentials(ch, cred, "CONNECT", authority, value,
	    sizeof value);
	if (r == 0)
		r = http_connect_request(w, host, port, value);
	crypto_zero(value, sizeof value);
	return r;
}
