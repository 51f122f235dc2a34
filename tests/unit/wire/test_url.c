/*
 * test_url.c - server and proxy URL parsing (src/url.c).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "harness.h"
#include "wire/url.h"

struct good_case {
	const char	*in;
	enum url_kind	 kind;
	const char	*scheme;
	const char	*host;
	enum url_host_type type;
	unsigned	 port;
	int		 port_given;
	const char	*user;		/* NULL: no user */
	const char	*pass;		/* NULL: no password */
	const char	*path;
};

static const struct good_case good[] = {
	{ "vpn.example.com", URL_SERVER, "", "vpn.example.com",
	    URL_HOST_NAME, 443, 0, NULL, NULL, "" },
	{ "vpn.example.com:8443", URL_SERVER, "", "vpn.example.com",
	    URL_HOST_NAME, 8443, 1, NULL, NULL, "" },
	{ "VPN-1.Example.COM.", URL_SERVER, "", "VPN-1.Example.COM.",
	    URL_HOST_NAME, 443, 0, NULL, NULL, "" },
	{ "192.0.2.1", URL_SERVER, "", "192.0.2.1", URL_HOST_IPV4, 443, 0,
	    NULL, NULL, "" },
	{ "192.0.2.1:1", URL_SERVER, "", "192.0.2.1", URL_HOST_IPV4, 1, 1,
	    NULL, NULL, "" },
	{ "host:65535", URL_SERVER, "", "host", URL_HOST_NAME, 65535, 1,
	    NULL, NULL, "" },
	{ "host:00443", URL_SERVER, "", "host", URL_HOST_NAME, 443, 1,
	    NULL, NULL, "" },
	{ "[2001:db8::1]:8443", URL_SERVER, "", "2001:db8::1",
	    URL_HOST_IPV6, 8443, 1, NULL, NULL, "" },
	{ "[2001:db8::1]", URL_SERVER, "", "2001:db8::1", URL_HOST_IPV6,
	    443, 0, NULL, NULL, "" },
	{ "2001:db8::1", URL_SERVER, "", "2001:db8::1", URL_HOST_IPV6, 443,
	    0, NULL, NULL, "" },
	{ "::1", URL_SERVER, "", "::1", URL_HOST_IPV6, 443, 0, NULL, NULL,
	    "" },
	{ "::ffff:192.0.2.1", URL_SERVER, "", "::ffff:192.0.2.1",
	    URL_HOST_IPV6, 443, 0, NULL, NULL, "" },
	{ "[fe80::1%eth0]:443", URL_SERVER, "", "fe80::1%eth0",
	    URL_HOST_IPV6, 443, 1, NULL, NULL, "" },
	{ "https://vpn.example.com:4443/", URL_SERVER, "https",
	    "vpn.example.com", URL_HOST_NAME, 4443, 1, NULL, NULL, "/" },
	{ "HTTPS://vpn.example.com/some/path?x=1", URL_SERVER, "https",
	    "vpn.example.com", URL_HOST_NAME, 443, 0, NULL, NULL,
	    "/some/path?x=1" },
	{ "https://[2001:db8::2]:444/", URL_SERVER, "https", "2001:db8::2",
	    URL_HOST_IPV6, 444, 1, NULL, NULL, "/" },
	{ "https://user:password@host:443/some/path", URL_SERVER, "https",
	    "host", URL_HOST_NAME, 443, 1, "user", "password", "/some/path" },
	{ "proxy", URL_PROXY, "", "proxy", URL_HOST_NAME, 80, 0, NULL, NULL,
	    "" },
	{ "http://proxy", URL_PROXY, "http", "proxy", URL_HOST_NAME, 80, 0,
	    NULL, NULL, "" },
	{ "http://u:p@proxy:3128", URL_PROXY, "http", "proxy",
	    URL_HOST_NAME, 3128, 1, "u", "p", "" },
	{ "http://u@proxy:3128/", URL_PROXY, "http", "proxy", URL_HOST_NAME,
	    3128, 1, "u", NULL, "/" },
	{ "http://u:@proxy:3128", URL_PROXY, "http", "proxy", URL_HOST_NAME,
	    3128, 1, "u", "", "" },
	{ "http://us%40er:p%3As%2Fs%25@proxy:8080", URL_PROXY, "http",
	    "proxy", URL_HOST_NAME, 8080, 1, "us@er", "p:s/s%", "" },
	{ "http://DOMAIN%5Cuser:pa%20ss@10.0.0.1:3128", URL_PROXY, "http",
	    "10.0.0.1", URL_HOST_IPV4, 3128, 1, "DOMAIN\\user", "pa ss", "" },
	/* The last '@' ends the userinfo: an unencoded '@' in a password. */
	{ "http://u:p@ss@proxy:1", URL_PROXY, "http", "proxy",
	    URL_HOST_NAME, 1, 1, "u", "p@ss", "" },
	{ "http://u:p:q@[::1]:3128", URL_PROXY, "http", "::1", URL_HOST_IPV6,
	    3128, 1, "u", "p:q", "" },
};

struct bad_case {
	const char	*in;
	enum url_kind	 kind;
	int		 err;
	const char	*why;
};

static const struct bad_case bad[] = {
	{ "", URL_SERVER, -EINVAL, "empty address" },
	{ "host:", URL_SERVER, -EINVAL, "empty port" },
	{ "host:0", URL_SERVER, -ERANGE, "port out of range (1-65535)" },
	{ "host:65536", URL_SERVER, -ERANGE, "port out of range (1-65535)" },
	{ "host:99999999999999999999", URL_SERVER, -ERANGE,
	    "port out of range (1-65535)" },
	{ "host:12a", URL_SERVER, -EINVAL, "port is not a number" },
	{ "host:-1", URL_SERVER, -EINVAL, "port is not a number" },
	{ "host: 443", URL_SERVER, -EINVAL, "port is not a number" },
	{ ":443", URL_SERVER, -EINVAL, "empty host" },
	{ "[::1", URL_SERVER, -EINVAL, "unterminated '[' in IPv6 address" },
	{ "[::1]x", URL_SERVER, -EINVAL, "unexpected characters after ']'" },
	{ "[::1]:", URL_SERVER, -EINVAL, "empty port" },
	{ "[]:443", URL_SERVER, -EINVAL, "empty host" },
	{ "[zz::1]:443", URL_SERVER, -EINVAL, "bad IPv6 address" },
	{ "[192.0.2.1]:443", URL_SERVER, -EINVAL, "bad IPv6 address" },
	{ "[fe80::1%]:443", URL_SERVER, -EINVAL, "bad IPv6 address" },
	{ "1::2::3", URL_SERVER, -EINVAL,
	    "bad IPv6 address (write [address]:port)" },
	{ "ho st", URL_SERVER, -EINVAL, "invalid character in host name" },
	{ "host\n", URL_SERVER, -EINVAL, "invalid character in host name" },
	{ "ho\"st", URL_SERVER, -EINVAL, "invalid character in host name" },
	{ ".host", URL_SERVER, -EINVAL, "invalid host name" },
	{ "-host", URL_SERVER, -EINVAL, "invalid host name" },
	{ "https://", URL_SERVER, -EINVAL, "empty host" },
	{ "https:///path", URL_SERVER, -EINVAL, "empty host" },
	{ "http://vpn.example.com", URL_SERVER, -EPROTONOSUPPORT,
	    "unsupported scheme (the server needs https://)" },
	{ "ftp://vpn.example.com", URL_SERVER, -EPROTONOSUPPORT,
	    "unsupported scheme (the server needs https://)" },
	{ "9x://vpn.example.com", URL_SERVER, -EINVAL, "malformed scheme" },
	{ "://vpn.example.com", URL_SERVER, -EINVAL, "malformed scheme" },
	{ "https://proxy", URL_PROXY, -EPROTONOSUPPORT,
	    "unsupported proxy scheme (only http:// is supported)" },
	{ "socks5://proxy:1080", URL_PROXY, -EPROTONOSUPPORT,
	    "unsupported proxy scheme (only http:// is supported)" },
	{ "http://:pw@proxy", URL_PROXY, -EINVAL, "empty user name" },
	{ "http://@proxy", URL_PROXY, -EINVAL, "empty user name" },
	{ "http://u%zz:p@proxy", URL_PROXY, -EINVAL,
	    "bad percent-encoding in user name" },
	{ "http://u:p%4@proxy", URL_PROXY, -EINVAL,
	    "bad percent-encoding in password" },
	{ "http://u:p%00@proxy", URL_PROXY, -EINVAL,
	    "bad percent-encoding in password" },
	{ "http://u%0a:p@proxy", URL_PROXY, -EINVAL,
	    "bad percent-encoding in user name" },
	{ "http://u:secret@", URL_PROXY, -EINVAL, "empty host" },
	{ "http://u:secret@proxy:http", URL_PROXY, -EINVAL,
	    "port is not a number" },
};

static void
test_good(void)
{
	struct url u;
	size_t i;
	int r;

	TEST_START("url: accepted forms");
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		const struct good_case *g = &good[i];
		const char *why = "unset";

		r = url_parse(&u, g->in, g->kind, &why);
		TH_CHECK(r == 0, "url_parse(\"%s\") = %d (%s)", g->in, r, why);
		if (r != 0)
			continue;
		ASSERT_STR_EQ(u.scheme, g->scheme);
		ASSERT_STR_EQ(u.host, g->host);
		ASSERT_INT_EQ(u.host_type, g->type);
		ASSERT_INT_EQ(u.port, g->port);
		ASSERT_INT_EQ(u.port_given, g->port_given);
		ASSERT_INT_EQ(u.has_user, g->user != NULL);
		ASSERT_INT_EQ(u.has_pass, g->pass != NULL);
		ASSERT_STR_EQ(u.user, g->user != NULL ? g->user : "");
		ASSERT_STR_EQ(u.pass, g->pass != NULL ? g->pass : "");
		ASSERT_STR_EQ(u.path, g->path);
		url_clear(&u);
	}
	TEST_DONE();
}

static void
test_bad(void)
{
	struct url u, zero;
	size_t i;
	int r;

	memset(&zero, 0, sizeof zero);
	TEST_START("url: rejected forms");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const struct bad_case *b = &bad[i];
		const char *why = NULL;

		memset(&u, 0xa5, sizeof u);
		r = url_parse(&u, b->in, b->kind, &why);
		TH_CHECK(r == b->err, "url_parse(\"%s\") = %d, want %d",
		    b->in, r, b->err);
		ASSERT_STR_EQ(why, b->why);
		/* A failed parse leaves nothing behind, password included. */
		ASSERT_MEM_EQ(&u, &zero, sizeof u);
	}
	r = url_parse(&u, NULL, URL_SERVER, NULL);
	ASSERT_INT_EQ(r, -EINVAL);
	TEST_DONE();
}

static void
test_limits(void)
{
	char s[URL_INPUT_MAX + 16];
	struct url u;
	const char *why = NULL;
	size_t i;

	TEST_START("url: length limits");
	/* 253-character DNS name: accepted; 254 without a dot: refused. */
	memset(s, 'a', 253);
	for (i = 50; i < 253; i += 50)
		s[i] = '.';
	s[253] = '\0';
	ASSERT_INT_EQ(url_parse(&u, s, URL_SERVER, &why), 0);
	ASSERT_INT_EQ(strlen(u.host), 253);
	s[253] = '.';
	s[254] = '\0';
	ASSERT_INT_EQ(url_parse(&u, s, URL_SERVER, &why), 0);
	s[254] = 'a';
	s[255] = '\0';
	ASSERT_INT_EQ(url_parse(&u, s, URL_SERVER, &why), -ENAMETOOLONG);
	ASSERT_STR_EQ(why, "host name too long");

	/* User and password fields: 255 bytes fit, 256 do not. */
	memcpy(s, "http://", 7);
	memset(s + 7, 'u', 255);
	memcpy(s + 7 + 255, "@p", 3);
	ASSERT_INT_EQ(url_parse(&u, s, URL_PROXY, &why), 0);
	ASSERT_INT_EQ(strlen(u.user), 255);
	memset(s + 7, 'u', 256);
	memcpy(s + 7 + 256, "@p", 3);
	ASSERT_INT_EQ(url_parse(&u, s, URL_PROXY, &why), -ENAMETOOLONG);
	ASSERT_STR_EQ(why, "user name too long");
	memcpy(s, "http://u:", 9);
	memset(s + 9, 'p', 256);
	memcpy(s + 9 + 256, "@p", 3);
	ASSERT_INT_EQ(url_parse(&u, s, URL_PROXY, &why), -ENAMETOOLONG);
	ASSERT_STR_EQ(why, "password too long");

	/* Whole input. */
	memset(s, 'a', URL_INPUT_MAX + 1);
	s[URL_INPUT_MAX + 1] = '\0';
	ASSERT_INT_EQ(url_parse(&u, s, URL_SERVER, &why), -ENAMETOOLONG);
	ASSERT_STR_EQ(why, "address too long");

	/* Path. */
	memcpy(s, "https://h/", 10);
	memset(s + 10, 'x', URL_PATH_MAX);
	s[10 + URL_PATH_MAX] = '\0';
	ASSERT_INT_EQ(url_parse(&u, s, URL_SERVER, &why), -ENAMETOOLONG);
	ASSERT_STR_EQ(why, "path too long");
	TEST_DONE();
}

static void
test_clear(void)
{
	struct url u, zero;

	TEST_START("url: url_clear wipes credentials");
	memset(&zero, 0, sizeof zero);
	ASSERT_INT_EQ(url_parse(&u, "http://alice:s3cret@proxy:3128",
	    URL_PROXY, NULL), 0);
	ASSERT_STR_EQ(u.pass, "s3cret");
	url_clear(&u);
	ASSERT_MEM_EQ(&u, &zero, sizeof u);
	TEST_DONE();
}

static void
test_hostport(void)
{
	char buf[64];

	TEST_START("url: url_hostport");
	ASSERT_INT_EQ(url_hostport("vpn.example.com", 443, buf, sizeof buf),
	    0);
	ASSERT_STR_EQ(buf, "vpn.example.com:443");
	ASSERT_INT_EQ(url_hostport("2001:db8::1", 8443, buf, sizeof buf), 0);
	ASSERT_STR_EQ(buf, "[2001:db8::1]:8443");
	ASSERT_INT_EQ(url_hostport("192.0.2.1", 65535, buf, sizeof buf), 0);
	ASSERT_STR_EQ(buf, "192.0.2.1:65535");
	/* "a:1" needs 4 bytes including the NUL. */
	ASSERT_INT_EQ(url_hostport("a", 1, buf, 3), -ENOSPC);
	ASSERT_INT_EQ(url_hostport("a", 1, buf, 4), 0);
	ASSERT_STR_EQ(buf, "a:1");
	TEST_DONE();
}

int
main(void)
{
	test_good();
	test_bad();
	test_limits();
	test_clear();
	test_hostport();
	return test_exit();
}
