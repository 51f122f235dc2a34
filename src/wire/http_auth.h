/*
 * http_auth.h - HTTP proxy authentication (RFC 9110 section 11): choosing
 * a challenge from a 407's Proxy-Authenticate values, and the
 * Proxy-Authorization credentials for Basic (RFC 7617) and Digest (RFC
 * 7616, MD5 and SHA-256, through crypto/crypto.h).
 *
 * Pure code: no I/O.  The HTTP messages themselves (the response parser,
 * the CONNECT request) are in http.h.  Credentials are secrets: every
 * buffer that held them is zeroized here, and the caller zeroizes what it
 * gets back (explicit_bzero) once sent.
 */
#ifndef SSTPC_HTTP_AUTH_H
#define SSTPC_HTTP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "wire/http.h"

#define HTTP_PARAM_MAX		256	/* realm, nonce, opaque */
#define HTTP_CNONCE_MAX		64
#define HTTP_AUTH_VALUE_MAX	HTTP_REQ_MAX	/* Proxy-Authorization value */

/* Proxy authentication schemes (RFC 9110 section 11). */
enum http_auth_scheme {
	HTTP_AUTH_NONE = 0,
	HTTP_AUTH_BASIC,
	HTTP_AUTH_DIGEST
};

/* Digest algorithms (RFC 7616 section 3.3). */
enum http_digest_alg {
	HTTP_DIGEST_MD5 = 0,	/* also when the algorithm is absent */
	HTTP_DIGEST_SHA256
};

/* One parsed challenge. */
struct http_challenge {
	enum http_auth_scheme	scheme;
	char			realm[HTTP_PARAM_MAX];
	/* Digest only: */
	char			nonce[HTTP_PARAM_MAX];
	char			opaque[HTTP_PARAM_MAX];
	bool			has_opaque;
	enum http_digest_alg	alg;
	bool			sess;		/* "-sess" algorithm variant */
	bool			qop_auth;	/* else RFC 2069 form */
	bool			stale;
};

/*
 * Choose the best supported challenge from all Proxy-Authenticate values of
 * a 407 response: Digest (SHA-256 over MD5; qop=auth or none) over Basic.
 * Returns 0, or -ENOTSUP when no offered scheme is supported, or -EBADMSG
 * when the only candidates were malformed.
 */
int	http_challenge_select(const struct http_resp *r,
	    struct http_challenge *out);

/*
 * Parse one Proxy-Authenticate field value (which may hold several
 * challenges) and keep the best supported one, as above.
 */
int	http_challenge_parse(const char *value, struct http_challenge *out);

/* Credentials and per-request inputs for a Proxy-Authorization header. */
struct http_cred {
	const char	*user;
	const char	*pass;		/* secret */
	const char	*cnonce;	/* Digest: client nonce */
	uint32_t	 nc;		/* Digest: nonce count, from 1 */
};

/*
 * Compute the Digest "response" value (RFC 7616 section 3.4.1) as lower-case
 * hex into out (33 bytes for MD5, 65 for SHA-256).  Intermediate hashes
 * are zeroized.  Returns 0, -EINVAL, -ENOSPC, or -EIO on a crypto error.
 */
int	http_digest_response(const struct http_challenge *ch,
	    const struct http_cred *cred, const char *method, const char *uri,
	    char *out, size_t outlen);

/*
 * The Proxy-Authorization field value for ch->scheme (Basic or Digest) for
 * a request "method uri", NUL-terminated into out (cap bytes; on failure
 * out is zeroized).  Returns 0, -EINVAL (scheme NONE, no user or password,
 * a user with ':' for Basic, control characters, a cnonce with '"'),
 * -ENOSPC, or -EIO.
 */
int	http_auth_credentials(const struct http_challenge *ch,
	    const struct http_cred *cred, const char *method, const char *uri,
	    char *out, size_t cap);

/*
 * http_connect_request() (http.h) with, when ch is not NULL and its scheme
 * is not NONE, the Proxy-Authorization header computed from cred for that
 * request.  Returns 0, -EINVAL, -EIO, or the wbuf error.  The buffer then
 * holds credentials: zeroize it after use.
 */
int	http_auth_connect_request(struct wbuf *w, const char *host,
	    uint16_t port, const struct http_challenge *ch,
	    const struct http_cred *cred);

#endif /* SSTPC_HTTP_AUTH_H */
