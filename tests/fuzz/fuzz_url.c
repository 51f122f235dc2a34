/*
 * fuzz_url.c - the server argument and --proxy URL parser (src/url.h;
 * RFC 3986 section 3) and what is built from its results (src/wire/http.h,
 * src/wire/http_auth.h).
 *
 * Input: the URL string (up to the first NUL), parsed as both kinds.
 *
 * Invariants: results are one of the documented codes; a failure sets
 * *why and leaves the struct all zero; on success every field is
 * NUL-terminated, the port is non-zero (the kind's default when not
 * given), an IPv4/IPv6 host is a valid literal for inet_pton (zone id
 * aside), and "host:port" from url_hostport() parses back to the same
 * host, type and port; the parsed host and credentials never inject a
 * line into the SSTP_DUPLEX_POST or CONNECT request (CRLF count, no bare
 * CR/LF/NUL, balanced quotes in the Digest header).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "wire/http.h"
#include "wire/http_auth.h"
#include "wire/url.h"

/* Requests built from a parsed URL. */
static void
url_requests(const struct url *u)
{
	struct http_challenge ch;
	struct http_cred cred;
	uint8_t buf[HTTP_REQ_MAX];
	struct wbuf w;
	int r;

	wbuf_init(&w, buf, sizeof buf);
	r = http_sstp_request(&w, u->host,
	    "{6F9619FF-8B86-D011-B42D-00C04FC964FF}");
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOSPC);
	if (r == 0)
		FUZZ_CHECK(fuzz_http_lines(buf, w.len) == 5);

	wbuf_init(&w, buf, sizeof buf);
	r = http_connect_request(&w, u->host, u->port, NULL);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOSPC);
	if (r == 0)
		FUZZ_CHECK(fuzz_http_lines(buf, w.len) == 5);

	if (!u->has_user)
		return;
	/* Proxy credentials from the URL, in both schemes. */
	memset(&cred, 0, sizeof cred);
	cred.user = u->user;
	cred.pass = u->pass;
	cred.cnonce = "0a4f113b";
	cred.nc = 1;
	memset(&ch, 0, sizeof ch);
	ch.scheme = HTTP_AUTH_BASIC;
	strcpy(ch.realm, "proxy");
	wbuf_init(&w, buf, sizeof buf);
	r = http_auth_connect_request(&w, "vpn.example.com", 443, &ch,
	    &cred);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOSPC);
	if (r == 0)
		FUZZ_CHECK(fuzz_http_lines(buf, w.len) == 6);
	ch.scheme = HTTP_AUTH_DIGEST;
	strcpy(ch.nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
	ch.qop_auth = true;
	wbuf_init(&w, buf, sizeof buf);
	r = http_auth_connect_request(&w, "vpn.example.com", 443, &ch,
	    &cred);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOSPC || r == -EIO);
	if (r == 0)
		FUZZ_CHECK(fuzz_http_lines(buf, w.len) == 6);
	explicit_bzero(buf, sizeof buf);
}

/* One kind. */
static void
url_one(const char *s, enum url_kind kind)
{
	struct url u, u2;
	struct in6_addr a6;
	struct in_addr a4;
	const char *why = NULL;
	char hp[URL_HOST_MAX + 16], h6[URL_HOST_MAX], *pct;
	int r;

	memset(&u, 0xa5, sizeof u);
	r = url_parse(&u, s, kind, &why);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE ||
	    r == -ENAMETOOLONG || r == -EPROTONOSUPPORT);
	if (r != 0) {
		FUZZ_CHECK(why != NULL && *why != '\0');
		FUZZ_CHECK(fuzz_all_zero(&u, sizeof u));
		/* The reason is optional. */
		FUZZ_CHECK(url_parse(&u, s, kind, NULL) == r);
		return;
	}
	FUZZ_CHECK(fuzz_str_ok(u.scheme, sizeof u.scheme, 1));
	FUZZ_CHECK(fuzz_str_ok(u.host, sizeof u.host, 1));
	FUZZ_CHECK(fuzz_str_ok(u.user, sizeof u.user, 0));
	FUZZ_CHECK(fuzz_str_ok(u.pass, sizeof u.pass, 0));
	FUZZ_CHECK(fuzz_str_ok(u.path, sizeof u.path, 0));
	FUZZ_CHECK(u.host[0] != '\0');
	FUZZ_CHECK(u.port != 0);
	if (!u.port_given)
		FUZZ_CHECK(u.port == (kind == URL_SERVER ? URL_PORT_HTTPS :
		    URL_PORT_PROXY));
	FUZZ_CHECK(u.scheme[0] == '\0' ||
	    strcmp(u.scheme, kind == URL_SERVER ? "https" : "http") == 0);
	if (!u.has_user)
		FUZZ_CHECK(u.user[0] == '\0' && !u.has_pass);
	if (!u.has_pass)
		FUZZ_CHECK(u.pass[0] == '\0');
	switch (u.host_type) {
	case URL_HOST_IPV4:
		FUZZ_CHECK(inet_pton(AF_INET, u.host, &a4) == 1);
		break;
	case URL_HOST_IPV6:
		memcpy(h6, u.host, sizeof h6);
		if ((pct = strchr(h6, '%')) != NULL)
			*pct = '\0';
		FUZZ_CHECK(inet_pton(AF_INET6, h6, &a6) == 1);
		break;
	case URL_HOST_NAME:
		FUZZ_CHECK(strchr(u.host, ':') == NULL);
		break;
	default:
		fuzz_fail(__FILE__, __LINE__, "bad host_type");
	}

	/* host:port parses back to the same endpoint. */
	r = url_hostport(u.host, u.port, hp, sizeof hp);
	FUZZ_CHECK(r == 0);
	r = url_parse(&u2, hp, kind, NULL);
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(strcmp(u2.host, u.host) == 0);
	FUZZ_CHECK(u2.host_type == u.host_type);
	FUZZ_CHECK(u2.port == u.port);
	url_clear(&u2);
	FUZZ_CHECK(fuzz_all_zero(&u2, sizeof u2));

	url_requests(&u);
	url_clear(&u);
	FUZZ_CHECK(fuzz_all_zero(&u, sizeof u));
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size);
	char *s;

	if ((s = fuzz_strdup(&in)) == NULL)
		return 0;
	url_one(s, URL_SERVER);
	url_one(s, URL_PROXY);
	free(s);
	return 0;
}
