/*
 * http.h - the pure HTTP messages of SSTP: the SSTP_DUPLEX_POST request,
 * the correlation GUID, an incremental response parser, and the HTTP proxy
 * CONNECT request.  Proxy authentication (challenges, Basic and Digest
 * credentials) is in http_auth.h.
 *
 * Nothing here does I/O.  Requests are built into a struct wbuf; the caller
 * sends the bytes and, when credentials were included, zeroizes the buffer
 * afterwards (explicit_bzero).
 */
#ifndef SSTPC_HTTP_H
#define SSTPC_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* MS-SSTP 3.2.4.1 / PROTOCOL.md 1.2. */
#define HTTP_SSTP_METHOD	"SSTP_DUPLEX_POST"
#define HTTP_SSTP_URI		"/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
#define HTTP_SSTP_CONTENT_LEN	"18446744073709551615"	/* ULLONG_MAX */

#define HTTP_GUID_LEN		38	/* "{8-4-4-4-12}" without the NUL */
#define HTTP_CORRELATION_MAX	63	/* longest SSTPCORRELATIONID value */

#define HTTP_HDR_MAX		8192	/* cap on the response header block */
#define HTTP_REASON_MAX		128	/* reason phrase kept (truncated) */
#define HTTP_VALUE_MAX		512	/* header value kept (truncated) */
#define HTTP_AUTH_MAX		4	/* Proxy-Authenticate headers kept */
#define HTTP_REQ_MAX		2048	/* enough for any request built here */

/*
 * Build the SSTP_DUPLEX_POST request (MS-SSTP 3.2.4.1, PROTOCOL.md 1.2):
 * request line, "Host: <host>" (IPv6 literals in brackets), Content-Length
 * ULLONG_MAX, "SSTPCORRELATIONID: <correlation>" and the blank line.
 * correlation is normally a GUID from http_guid_format(), or --uuid.
 * Returns 0, -EINVAL if host or correlation holds a character that cannot
 * appear in a header value, or the wbuf error.
 */
int	http_sstp_request(struct wbuf *w, const char *host,
	    const char *correlation);

/*
 * Format 16 random bytes as an RFC 4122 section 4.4 version-4 UUID in the
 * Windows GUID style "{XXXXXXXX-XXXX-4XXX-YXXX-XXXXXXXXXXXX}" (upper case,
 * braces).  The version nibble and the variant bits are forced.
 */
void	http_guid_format(const uint8_t rnd[16], char out[HTTP_GUID_LEN + 1]);

/* Incremental response parser results and state. */
enum http_resp_mode {
	HTTP_RESP_SSTP = 0,	/* reply to SSTP_DUPLEX_POST */
	HTTP_RESP_PROXY		/* reply to CONNECT */
};

struct http_resp {
	/* Results, valid once http_resp_feed() returned 1. */
	int		 major, minor;		/* HTTP/major.minor */
	int		 status;		/* 100..599 */
	char		 reason[HTTP_REASON_MAX]; /* sanitized, may be "" */
	bool		 has_content_length;
	bool		 content_length_ok;	/* digits that fit in 64 bits */
	uint64_t	 content_length;
	bool		 has_transfer_encoding;
	bool		 connection_close;
	char		 location[HTTP_VALUE_MAX];
	char		 server[HTTP_VALUE_MAX];
	char		 proxy_auth[HTTP_AUTH_MAX][HTTP_VALUE_MAX];
	size_t		 n_proxy_auth;
	const char	*error;		/* static text after a failure */

	/* Parser state. */
	enum http_resp_mode mode;
	int		 state;
	size_t		 len;		/* bytes held in buf */
	size_t		 line;		/* start of the current line in buf */
	int		 cont;		/* field an obs-fold line extends */
	uint8_t		 buf[HTTP_HDR_MAX];
};

/* Reset *r for a new response. */
void	http_resp_init(struct http_resp *r, enum http_resp_mode mode);

/*
 * Feed len bytes as they arrive (any split, even one byte at a time).
 * Returns 0 when more bytes are needed (all len bytes were taken), 1 when
 * the header block is complete (*used = how many of these len bytes belong
 * to it; the rest is the start of the SSTP stream), or a negative errno
 * with r->error set: -EBADMSG "not an HTTP response" or a malformed
 * status/header line, -EMSGSIZE header block above HTTP_HDR_MAX bytes,
 * -EPROTO Transfer-Encoding (SSTP mode; in proxy mode only on a 2xx, RFC
 * 9110 section 9.3.6).  Status lines are "HTTP/1.x CODE [reason]"; lines
 * end in CRLF or LF; header names are case-insensitive.  Once finished or
 * failed, further calls return the same result without consuming.
 */
int	http_resp_feed(struct http_resp *r, const void *data, size_t len,
	    size_t *used);

/*
 * Build "CONNECT host:port HTTP/1.1" (authority form, RFC 9110 section
 * 9.3.6; IPv6 literals in brackets) with Host, User-Agent,
 * "SSTPVERSION: 1.0" and, when proxy_auth is not NULL, "Proxy-Authorization:
 * <proxy_auth>" (a value from http_auth_credentials(), http_auth.h).  No
 * Proxy-Connection header: it is not standard and HTTP/1.1 connections
 * persist by default.  Returns 0, -EINVAL (bad host, port 0, a control
 * character in proxy_auth), or the wbuf error.  With credentials the buffer
 * holds them: zeroize it after use.
 */
int	http_connect_request(struct wbuf *w, const char *host, uint16_t port,
	    const char *proxy_auth);

/*
 * RFC 9110 section 5.6 token grammar, shared with http_auth.c and
 * http_req.c.  Views are
 * read through struct bcur; comparisons are ASCII case-insensitive.
 */
/* tchar (RFC 9110 5.6.2). */
bool	http_is_tchar(uint8_t b);
/* OWS: space or horizontal tab (RFC 9110 5.6.3). */
bool	http_is_ows(uint8_t b);
/* Drop leading and trailing OWS from the view. */
void	http_trim_ows(struct bcur *v);
/* True if the whole view equals s, ignoring ASCII case. */
bool	http_view_eq_ci(const struct bcur *v, const char *s);
/* True if the comma-separated list v holds token tok (any case). */
bool	http_list_has_token(struct bcur v, const char *tok);
/*
 * Copy a view into out (cap bytes, NUL-terminated, truncated), with control
 * bytes replaced by '?' and tabs by spaces, so that it is safe to log.
 */
void	http_view_copy(struct bcur v, char *out, size_t cap);
/* True if a header value may carry s verbatim (visible ASCII [and SP]). */
bool	http_header_safe(const char *s, bool allow_space);

#endif /* SSTPC_HTTP_H */
