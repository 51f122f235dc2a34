/*
 * proxy.c - the HTTP proxy CONNECT client (see proxy.h).
 *
 * The reply is parsed by wire/http.c (proxy mode) and the credentials are
 * built by wire/http_auth.c; this file only decides: tunnel up on 2xx,
 * another CONNECT with credentials on a 407 that offers a scheme not yet
 * tried, a failure naming the proxy's answer otherwise.  Acting as soon as
 * the header block is complete needs no body: a 407 delimited by the
 * proxy's close (tinyproxy) is as complete as one with Content-Length
 * (squid), and the stream offers it before reporting the close.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "util/buf.h"
#include "util/log.h"
#include "wire/http.h"
#include "wire/http_auth.h"
#include "wire/url.h"
#include "net/proxy.h"
#include "net/tls_stream.h"

#define PROXY_CONNECTS_MAX	3	/* CONNECTs per session: see below */

struct proxy {
	const struct proxy_ops	*ops;
	void			*arg;
	char			 host[URL_HOST_MAX];
	uint16_t		 port;
	const char		*user;
	const char		*pass;
	struct stream		*st;		/* while a CONNECT is pending */
	int			 connects;	/* CONNECTs sent */
	enum http_auth_scheme	 sent;		/* credentials of the last */
	struct http_challenge	 ch;		/* the proxy's challenge */
	bool			 have_ch;
	bool			 stale_retried;
	struct http_resp	 resp;
};

static const char *const scheme_name[] = {
	[HTTP_AUTH_NONE] = "no",
	[HTTP_AUTH_BASIC] = "Basic",
	[HTTP_AUTH_DIGEST] = "Digest",
};

/* Create the client (see proxy.h). */
struct proxy *
proxy_new(const struct proxy_conf *conf, const struct proxy_ops *ops,
    void *arg)
{
	struct proxy *p;

	if (conf->host == NULL || strlen(conf->host) >= URL_HOST_MAX)
		return NULL;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->ops = ops;
	p->arg = arg;
	(void)snprintf(p->host, sizeof p->host, "%s", conf->host);
	p->port = conf->port;
	p->user = conf->user;
	p->pass = conf->pass != NULL ? conf->pass : "";
	return p;
}

/* Report the failure once; the stream is the owner's again. */
static void
proxy_fail(struct proxy *p, const char *msg)
{
	p->st = NULL;
	p->ops->failed(p->arg, msg);
}

/*
 * Build the CONNECT for this attempt into w: credentials answering the
 * proxy's challenge; before any challenge, Basic when first_basic (RFC
 * 9110 11.6.2 and RFC 7617 2.2 let a client send them unasked; curl does);
 * else none.  Returns 0 or a negative errno.
 */
static int
proxy_build(struct proxy *p, struct wbuf *w, bool first_basic)
{
	struct http_cred cred = { 0 };
	struct http_challenge basic, *ch = NULL;
	char cnonce[2 * 16 + 1];
	uint8_t rnd[16];
	size_t i;
	int r;

	p->sent = HTTP_AUTH_NONE;
	if (p->user != NULL && p->have_ch)
		ch = &p->ch;
	else if (p->user != NULL && first_basic) {
		memset(&basic, 0, sizeof basic);
		basic.scheme = HTTP_AUTH_BASIC;
		ch = &basic;
	}
	if (ch == NULL)
		return http_connect_request(w, p->host, p->port, NULL);
	cred.user = p->user;
	cred.pass = p->pass;
	if (ch->scheme == HTTP_AUTH_DIGEST) {
		/* A fresh client nonce per request (RFC 7616 3.4). */
		if (crypto_random(rnd, sizeof rnd) != 0)
			return -EIO;
		for (i = 0; i < sizeof rnd; i++)
			(void)snprintf(cnonce + 2 * i, 3, "%02x", rnd[i]);
		crypto_zero(rnd, sizeof rnd);
		cred.cnonce = cnonce;
		cred.nc = 1;
	}
	r = http_auth_connect_request(w, p->host, p->port, ch, &cred);
	if (r == 0)
		p->sent = ch->scheme;
	return r;
}

/* Send CONNECT on a fresh stream to the proxy. */
void
proxy_start(struct proxy *p, struct stream *st)
{
	uint8_t req[HTTP_REQ_MAX];
	struct wbuf w;
	int r;

	p->st = st;
	p->connects++;
	wbuf_init(&w, req, sizeof req);
	r = proxy_build(p, &w, true);
	if (r == -EINVAL && !p->have_ch) {
		/* Not sendable as Basic (a user with ':'): wait for a 407. */
		crypto_zero(req, sizeof req);
		wbuf_init(&w, req, sizeof req);
		r = proxy_build(p, &w, false);
	}
	if (r < 0 || wbuf_error(&w) != 0) {
		crypto_zero(req, sizeof req);
		proxy_fail(p, "cannot build the proxy CONNECT request");
		return;
	}
	log_debug("proxy: CONNECT %s:%u%s%s", p->host, p->port,
	    p->sent != HTTP_AUTH_NONE ? " with " : "",
	    p->sent != HTTP_AUTH_NONE ? scheme_name[p->sent] : "");
	r = stream_write(st, req, w.len);
	crypto_zero(req, sizeof req);
	if (r < 0) {
		proxy_fail(p, "cannot send the proxy CONNECT request");
		return;
	}
	http_resp_init(&p->resp, HTTP_RESP_PROXY);
}

/*
 * A 407 (RFC 9110 section 15.5.8): pick the challenge and decide whether
 * another CONNECT can succeed.  It can when no credentials were sent, when
 * the proxy wants Digest after Basic, or once when it calls our Digest
 * nonce stale (RFC 7616 section 3.3: same credentials, new nonce).
 * Anything else means the credentials were rejected.
 */
static void
proxy_challenged(struct proxy *p)
{
	struct http_challenge ch;
	char m[700];
	bool retry;

	if (p->user == NULL) {
		(void)snprintf(m, sizeof m, "proxy refused CONNECT %s:%u: "
		    "HTTP %d %s (give user:password in --proxy)", p->host,
		    p->port, p->resp.status, p->resp.reason);
		proxy_fail(p, m);
		return;
	}
	if (http_challenge_select(&p->resp, &ch) < 0) {
		proxy_fail(p, "proxy requires an authentication scheme sstpc "
		    "does not support (Basic and Digest are supported)");
		return;
	}
	if (p->sent == HTTP_AUTH_NONE)
		retry = true;
	else if (ch.scheme == HTTP_AUTH_DIGEST && p->sent == HTTP_AUTH_BASIC)
		retry = true;
	else if (ch.scheme == HTTP_AUTH_DIGEST && ch.stale &&
	    !p->stale_retried) {
		p->stale_retried = true;
		retry = true;
	} else
		retry = false;
	/* Each retry is a new scheme or a stale nonce: 3 CONNECTs at most. */
	if (!retry || p->connects >= PROXY_CONNECTS_MAX) {
		crypto_zero(&ch, sizeof ch);
		(void)snprintf(m, sizeof m, "proxy refused CONNECT %s:%u: "
		    "HTTP %d %s (credentials rejected)", p->host, p->port,
		    p->resp.status, p->resp.reason);
		proxy_fail(p, m);
		return;
	}
	log_info("proxy asks for %s authentication; retrying with "
	    "credentials", scheme_name[ch.scheme]);
	p->ch = ch;
	p->have_ch = true;
	crypto_zero(&ch, sizeof ch);
	p->st = NULL;
	p->ops->reconnect(p->arg);
}

/* The proxy's reply to CONNECT. */
size_t
proxy_input(struct proxy *p, const uint8_t *buf, size_t len)
{
	struct http_resp *h = &p->resp;
	size_t used = 0;
	char m[700];
	int r;

	if (p->st == NULL)
		return len;	/* not ours any more */
	r = http_resp_feed(h, buf, len, &used);
	if (r == 0)
		return len;
	if (r < 0) {
		(void)snprintf(m, sizeof m, "bad reply from the proxy: %s",
		    h->error);
		proxy_fail(p, m);
		return len;
	}
	if (h->status == 407) {
		proxy_challenged(p);
		return len;
	}
	if (h->status / 100 != 2) {
		/*
		 * XX: tinyproxy 1.11 answers wrong Basic credentials with
		 * 401 and WWW-Authenticate instead of 407 (RFC 9110 15.5.8).
		 */
		(void)snprintf(m, sizeof m, "proxy refused CONNECT %s:%u: "
		    "HTTP %d %s%s", p->host, p->port, h->status, h->reason,
		    h->status == 401 && p->sent != HTTP_AUTH_NONE ?
		    " (credentials rejected)" : "");
		proxy_fail(p, m);
		return len;
	}
	/* Nothing may follow a 2xx before our TLS ClientHello. */
	if (used != len) {
		proxy_fail(p, "proxy sent data after its CONNECT reply");
		return len;
	}
	log_info("proxy: tunnel to %s:%u established", p->host, p->port);
	p->st = NULL;
	p->ops->up(p->arg);
	return len;
}

/* The stream ended with the reply incomplete. */
void
proxy_closed(struct proxy *p, const char *msg)
{
	char m[400];

	if (p->st == NULL)
		return;
	(void)snprintf(m, sizeof m, "proxy closed the connection: %s", msg);
	proxy_fail(p, m);
}

/* Free the client. */
void
proxy_free(struct proxy *p)
{
	if (p == NULL)
		return;
	crypto_zero(p, sizeof *p);
	free(p);
}
