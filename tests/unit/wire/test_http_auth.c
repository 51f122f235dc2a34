/*
 * test_http_auth.c - proxy authentication (src/wire/http_auth.c): challenge
 * parsing and choice, Digest known answers, Basic and Digest credentials
 * in the CONNECT request.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "harness.h"
#include "wire/http.h"
#include "wire/http_auth.h"

/* Feed the whole input at once; returns the feed result. */
static int
feed_all(struct http_resp *r, enum http_resp_mode m, const char *s,
    size_t *used)
{
	http_resp_init(r, m);
	return http_resp_feed(r, s, strlen(s), used);
}

static void
test_challenges(void)
{
	struct http_challenge ch;

	TEST_START("http_auth: challenge parsing and choice");
	ASSERT_INT_EQ(http_challenge_parse("Basic realm=\"proxy\"", &ch), 0);
	ASSERT_INT_EQ(ch.scheme, HTTP_AUTH_BASIC);
	ASSERT_STR_EQ(ch.realm, "proxy");

	ASSERT_INT_EQ(http_challenge_parse("Digest realm=\"a\\\"b\", "
	    "nonce=\"abc\", opaque=\"o\", qop=\"auth,auth-int\", "
	    "algorithm=MD5, stale=TRUE", &ch), 0);
	ASSERT_INT_EQ(ch.scheme, HTTP_AUTH_DIGEST);
	ASSERT_STR_EQ(ch.realm, "a\"b");
	ASSERT_STR_EQ(ch.nonce, "abc");
	ASSERT_STR_EQ(ch.opaque, "o");
	ASSERT_TRUE(ch.has_opaque);
	ASSERT_TRUE(ch.qop_auth);
	ASSERT_TRUE(ch.stale);
	ASSERT_INT_EQ(ch.alg, HTTP_DIGEST_MD5);
	ASSERT_FALSE(ch.sess);

	/* Several challenges in one value: Digest beats Basic. */
	ASSERT_INT_EQ(http_challenge_parse("Basic realm=\"b\", Digest "
	    "realm=\"d\", nonce=\"n\", qop=auth", &ch), 0);
	ASSERT_INT_EQ(ch.scheme, HTTP_AUTH_DIGEST);
	ASSERT_STR_EQ(ch.realm, "d");
	ASSERT_INT_EQ(http_challenge_parse("Digest realm=\"d\", nonce=\"n\","
	    " algorithm=SHA-256-sess, Basic realm=\"b\"", &ch), 0);
	ASSERT_INT_EQ(ch.scheme, HTTP_AUTH_DIGEST);
	ASSERT_INT_EQ(ch.alg, HTTP_DIGEST_SHA256);
	ASSERT_TRUE(ch.sess);
	ASSERT_FALSE(ch.qop_auth);
	/* token68 of an unknown scheme is skipped. */
	ASSERT_INT_EQ(http_challenge_parse("Negotiate YWJjZA==, Basic "
	    "realm=\"x\"", &ch), 0);
	ASSERT_INT_EQ(ch.scheme, HTTP_AUTH_BASIC);
	ASSERT_STR_EQ(ch.realm, "x");

	/* Unsupported only. */
	ASSERT_INT_EQ(http_challenge_parse("Negotiate, NTLM", &ch), -ENOTSUP);
	ASSERT_INT_EQ(http_challenge_parse("Digest realm=\"r\", nonce=\"n\", "
	    "qop=\"auth-int\"", &ch), -ENOTSUP);
	ASSERT_INT_EQ(http_challenge_parse("Digest realm=\"r\", nonce=\"n\", "
	    "algorithm=SHA-512-256", &ch), -ENOTSUP);
	ASSERT_INT_EQ(http_challenge_parse("Digest realm=\"r\"", &ch),
	    -ENOTSUP);
	ASSERT_INT_EQ(http_challenge_parse("", &ch), -ENOTSUP);
	/* Malformed. */
	ASSERT_INT_EQ(http_challenge_parse("Digest realm=\"unterminated",
	    &ch), -EBADMSG);
	ASSERT_INT_EQ(http_challenge_parse("=x", &ch), -EBADMSG);
	TEST_DONE();
}

/* RFC 7616 section 3.9.1: the two challenges of the example. */
static const char rfc7616_resp[] =
    "HTTP/1.1 407 Proxy Authentication Required\r\n"
    "Proxy-Authenticate: Digest\r\n"
    "    realm=\"http-auth@example.org\",\r\n"
    "    qop=\"auth, auth-int\",\r\n"
    "    algorithm=SHA-256,\r\n"
    "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
    "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"\r\n"
    "Proxy-Authenticate: Digest\r\n"
    "    realm=\"http-auth@example.org\",\r\n"
    "    qop=\"auth, auth-int\",\r\n"
    "    algorithm=MD5,\r\n"
    "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
    "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"\r\n"
    "\r\n";

static void
test_digest_vectors(void)
{
	struct http_resp r;
	struct http_challenge ch;
	struct http_cred cred = {
		.user = "Mufasa", .pass = "Circle of Life",
		.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
		.nc = 1
	};
	char out[65];
	size_t used;

	TEST_START("http_auth: Digest known answers (RFC 7616 3.9.1, 2617)");
	ASSERT_INT_EQ(feed_all(&r, HTTP_RESP_PROXY, rfc7616_resp, &used), 1);
	ASSERT_INT_EQ(r.n_proxy_auth, 2);
	ASSERT_INT_EQ(http_challenge_select(&r, &ch), 0);
	ASSERT_INT_EQ(ch.alg, HTTP_DIGEST_SHA256);
	ASSERT_STR_EQ(ch.realm, "http-auth@example.org");
	ASSERT_STR_EQ(ch.opaque,
	    "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
	ASSERT_TRUE(ch.qop_auth);
	ASSERT_INT_EQ(http_digest_response(&ch, &cred, "GET",
	    "/dir/index.html", out, sizeof out), 0);
	ASSERT_STR_EQ(out,
	    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
	/* The MD5 challenge of the same example. */
	ASSERT_INT_EQ(http_challenge_parse(r.proxy_auth[1], &ch), 0);
	ASSERT_INT_EQ(ch.alg, HTTP_DIGEST_MD5);
	ASSERT_INT_EQ(http_digest_response(&ch, &cred, "GET",
	    "/dir/index.html", out, sizeof out), 0);
	ASSERT_STR_EQ(out, "8ca523f5e9506fed4657c9700eebdbec");
	ASSERT_INT_EQ(http_digest_response(&ch, &cred, "GET",
	    "/dir/index.html", out, 32), -ENOSPC);

	/* RFC 2617 section 3.5. */
	ASSERT_INT_EQ(http_challenge_parse("Digest "
	    "realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
	    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
	    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"", &ch), 0);
	cred.user = "Mufasa";
	cred.pass = "Circle Of Life";
	cred.cnonce = "0a4f113b";
	ASSERT_INT_EQ(http_digest_response(&ch, &cred, "GET",
	    "/dir/index.html", out, sizeof out), 0);
	ASSERT_STR_EQ(out, "6629fae49393a05397450978507c4ef1");

	/*
	 * RFC 2069 form (no qop) and MD5-sess: no published vector that is
	 * right (RFC 2069's example has an erratum); expected values were
	 * computed independently with Python's hashlib.
	 */
	ch.qop_auth = false;
	cred.pass = "CircleOfLife";
	ASSERT_INT_EQ(http_digest_response(&ch, &cred, "GET",
	    "/dir/index.html", out, sizeof out), 0);
	ASSERT_STR_EQ(out, "1949323746fe6a43ef61f9606e7febea");
	ASSERT_INT_EQ(http_challenge_parse("Digest "
	    "realm=\"http-auth@example.org\", qop=auth, algorithm=MD5-sess, "
	    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\"", &ch), 0);
	ASSERT_TRUE(ch.sess);
	cred.pass = "Circle of Life";
	cred.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
	cred.nc = 2;
	ASSERT_INT_EQ(http_digest_response(&ch, &cred, "GET",
	    "/dir/index.html", out, sizeof out), 0);
	ASSERT_STR_EQ(out, "6914b51e16f9459d9abc967ad41c4599");

	/* qop=auth needs a cnonce and nc >= 1. */
	cred.cnonce = "";
	ASSERT_INT_EQ(http_digest_response(&ch, &cred, "GET", "/", out,
	    sizeof out), -EINVAL);
	cred.cnonce = "c";
	cred.nc = 0;
	ASSERT_INT_EQ(http_digest_response(&ch, &cred, "GET", "/", out,
	    sizeof out), -EINVAL);
	TEST_DONE();
}

static void
test_credentials(void)
{
	struct http_challenge ch;
	struct http_cred cred = { .user = "Aladdin", .pass = "open sesame" };
	char v[HTTP_AUTH_VALUE_MAX];

	TEST_START("http_auth: credential values");
	memset(&ch, 0, sizeof ch);
	ch.scheme = HTTP_AUTH_BASIC;
	ASSERT_INT_EQ(http_auth_credentials(&ch, &cred, "CONNECT", "h:443", v,
	    sizeof v), 0);
	ASSERT_STR_EQ(v, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	/* Exactly the room needed, then one byte less. */
	ASSERT_INT_EQ(http_auth_credentials(&ch, &cred, "CONNECT", "h:443", v,
	    strlen("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==") + 1), 0);
	ASSERT_INT_EQ(http_auth_credentials(&ch, &cred, "CONNECT", "h:443", v,
	    strlen("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")), -ENOSPC);
	ASSERT_STR_EQ(v, "");
	/* An empty password is a password. */
	cred.pass = "";
	ASSERT_INT_EQ(http_auth_credentials(&ch, &cred, "CONNECT", "h:443", v,
	    sizeof v), 0);
	ASSERT_STR_EQ(v, "Basic QWxhZGRpbjo=");
	/* No scheme, no user, no password. */
	ch.scheme = HTTP_AUTH_NONE;
	ASSERT_INT_EQ(http_auth_credentials(&ch, &cred, "CONNECT", "h:443", v,
	    sizeof v), -EINVAL);
	ch.scheme = HTTP_AUTH_BASIC;
	cred.pass = NULL;
	ASSERT_INT_EQ(http_auth_credentials(&ch, &cred, "CONNECT", "h:443", v,
	    sizeof v), -EINVAL);
	cred.pass = "p";
	cred.user = "";
	ASSERT_INT_EQ(http_auth_credentials(&ch, &cred, "CONNECT", "h:443", v,
	    sizeof v), -EINVAL);
	TEST_DONE();
}

static void
test_connect(void)
{
	uint8_t buf[HTTP_REQ_MAX];
	char exp[HTTP_REQ_MAX];
	struct wbuf w;
	struct http_challenge ch;
	struct http_cred cred = { .user = "Aladdin", .pass = "open sesame" };
	int n;

	TEST_START("http_auth: CONNECT with Basic and Digest credentials");
	/* No challenge: no credentials. */
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(http_auth_connect_request(&w, "vpn.example.com", 443,
	    NULL, &cred), 0);
	n = snprintf(exp, sizeof exp, "CONNECT vpn.example.com:443 HTTP/1.1"
	    "\r\nHost: vpn.example.com:443\r\nUser-Agent: %s/%s\r\n"
	    "SSTPVERSION: 1.0\r\n\r\n", PACKAGE_NAME, PACKAGE_VERSION);
	ASSERT_INT_EQ(w.len, n);
	ASSERT_MEM_EQ(buf, exp, (size_t)n);

	/* Basic: RFC 7617 section 2 example credentials. */
	memset(&ch, 0, sizeof ch);
	ch.scheme = HTTP_AUTH_BASIC;
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(http_auth_connect_request(&w, "vpn.example.com", 443,
	    &ch, &cred), 0);
	n = snprintf(exp, sizeof exp, "CONNECT vpn.example.com:443 HTTP/1.1"
	    "\r\nHost: vpn.example.com:443\r\nUser-Agent: %s/%s\r\n"
	    "SSTPVERSION: 1.0\r\nProxy-Authorization: Basic "
	    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n", PACKAGE_NAME,
	    PACKAGE_VERSION);
	ASSERT_INT_EQ(w.len, n);
	ASSERT_MEM_EQ(buf, exp, (size_t)n);
	/* A user-id with ':' cannot be sent with Basic. */
	cred.user = "a:b";
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(http_auth_connect_request(&w, "h", 443, &ch, &cred),
	    -EINVAL);
	ASSERT_INT_EQ(http_auth_connect_request(&w, "h", 443, &ch, NULL),
	    -EINVAL);

	/* Digest for CONNECT (response computed with Python's hashlib). */
	ASSERT_INT_EQ(http_challenge_parse("Digest "
	    "realm=\"http-auth@example.org\", qop=\"auth\", algorithm=MD5, "
	    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
	    "opaque=\"FQhe\"", &ch), 0);
	cred.user = "Mufasa";
	cred.pass = "Circle of Life";
	cred.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
	cred.nc = 1;
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(http_auth_connect_request(&w, "vpn.example.com", 443,
	    &ch, &cred), 0);
	n = snprintf(exp, sizeof exp, "CONNECT vpn.example.com:443 HTTP/1.1"
	    "\r\nHost: vpn.example.com:443\r\nUser-Agent: %s/%s\r\n"
	    "SSTPVERSION: 1.0\r\nProxy-Authorization: Digest "
	    "username=\"Mufasa\", realm=\"http-auth@example.org\", "
	    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
	    "uri=\"vpn.example.com:443\", algorithm=MD5, "
	    "response=\"e547a7b7926b4ff4abe9abc157095afb\", qop=auth, "
	    "nc=00000001, "
	    "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", "
	    "opaque=\"FQhe\"\r\n\r\n", PACKAGE_NAME, PACKAGE_VERSION);
	ASSERT_INT_EQ(w.len, n);
	ASSERT_MEM_EQ(buf, exp, (size_t)n);

	/* Quotes in the user name are escaped; CR/LF is refused. */
	cred.user = "dom\"ain";
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(http_auth_connect_request(&w, "h", 1, &ch, &cred), 0);
	buf[w.len] = '\0';
	ASSERT_TRUE(strstr((char *)buf, "username=\"dom\\\"ain\"") != NULL);
	cred.user = "x\r\nInjected: 1";
	ASSERT_INT_EQ(http_auth_connect_request(&w, "h", 1, &ch, &cred),
	    -EINVAL);
	cred.user = "u";
	cred.cnonce = "bad\"cnonce";
	ASSERT_INT_EQ(http_auth_connect_request(&w, "h", 1, &ch, &cred),
	    -EINVAL);

	/* Bad host, port 0, small buffer: with credentials too. */
	cred.cnonce = "c";
	ASSERT_INT_EQ(http_auth_connect_request(&w, "a\r\nb", 1, &ch,
	    &cred), -EINVAL);
	ASSERT_INT_EQ(http_auth_connect_request(&w, "h", 0, &ch, &cred),
	    -EINVAL);
	wbuf_init(&w, buf, 200);
	ASSERT_INT_EQ(http_auth_connect_request(&w, "vpn.example.com", 443,
	    &ch, &cred), -ENOSPC);
	TEST_DONE();
}

int
main(void)
{
	test_challenges();
	test_digest_vectors();
	test_credentials();
	test_connect();
	return test_exit();
}
