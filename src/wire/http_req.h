/*
 * http_req.h - the server's view of the SSTP HTTP handshake (MS-SSTP
 * 2.2.1 and 3.3.5.1; PROTOCOL.md 2): parse the client's request head and
 * write the answer.  Pure, bounded (bcur), no I/O.
 *
 * The only request that opens a call is
 *   SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1
 * with a Host header (RFC 9112 3.2); the answer is 200 with
 * Content-Length 18446744073709551615 (2^64-1).  Anything else gets an
 * HTTP error and a close: 400 (malformed, HTTP/1.0 without Host, a
 * header line too long, a bare LF/CR, obs-fold), 404 (another path),
 * 405 (another method on the SSTP path, with Allow: SSTP_DUPLEX_POST),
 * 431 (head over HTTP_REQ_HEAD_MAX or more than HTTP_REQ_MAX_FIELDS
 * fields),
 * 505 (HTTP/2+).  The caller caps the time a head may take.
 */
#ifndef SSTPC_HTTP_REQ_H
#define SSTPC_HTTP_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define HTTP_REQ_HEAD_MAX	8192	/* octets of a request head (the client's
				   own requests: HTTP_REQ_MAX, http.h) */
#define HTTP_REQ_MAX_FIELDS	64

/* What the parse found (status 200: an SSTP call may start). */
struct http_req {
	int		status;		/* 200, or the HTTP error to send */
	char		reason[80];	/* one printable line for the log */
	char		host[256];	/* Host header, printable copy */
	char		user_agent[128]; /* for the log; "" none */
	/* Headers the front end logs (printable copies, "" absent). */
	char		forwarded_for[128]; /* X-Forwarded-For (log only) */
	char		correlation[64]; /* SSTPCORRELATIONID (MS-SSTP 3.2.4.1) */
	size_t		head_len;	/* octets up to and with CRLF CRLF */
};

/*
 * http_req_parse - one request head from @buf.  Returns 1 with *req
 * filled when the head is complete (any status), 0 when more octets are
 * needed (and fewer than HTTP_REQ_HEAD_MAX are there), never reading past
 * @len.  Octets after the head (the first SSTP packet may follow in the
 * same record) are left to the caller: req->head_len says where.
 */
int	http_req_parse(const uint8_t *buf, size_t len, struct http_req *req);

/*
 * http_req_put_response - the answer for req->status into @w: the 200 of
 * MS-SSTP 3.3.5.1 (Content-Length 2^64-1, no Connection: close) or an
 * error with "Connection: close", Content-Length 0 (and Allow for 405).
 * @server: the Server header's value, or NULL for none.
 */
void	http_req_put_response(struct wbuf *w, const struct http_req *req,
	    const char *server);

#endif /* SSTPC_HTTP_REQ_H */
