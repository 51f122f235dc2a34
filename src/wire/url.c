/*
 * url.c - parse the server argument and the --proxy URL (see url.h).
 *
 * All bytes are read through struct bcur; the input is a command-line string
 * or an environment variable, so every field is bounded and every failure
 * names its cause.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/ctype.h"
#include "wire/url.h"

#define URL_DNS_MAX	253	/* RFC 1035 section 2.3.4, without the dot */

static bool
is_host_char(uint8_t b)
{
	return is_alpha(b) || is_digit(b) || b == '-' || b == '.' || b == '_';
}

/* Offset of the first byte of c that is in set, or -1. */
static long
cur_find_any(const struct bcur *c, const char *set)
{
	size_t i;
	uint8_t b;

	for (i = 0; bcur_peek_u8(c, i, &b) == 0; i++)
		if (b != '\0' && strchr(set, b) != NULL)
			return (long)i;
	return -1;
}

/* Offset of the last byte of c equal to b, or -1. */
static long
cur_find_last(const struct bcur *c, uint8_t b)
{
	size_t i = bcur_left(c);
	uint8_t v;

	while (i > 0) {
		i--;
		if (bcur_peek_u8(c, i, &v) == 0 && v == b)
			return (long)i;
	}
	return -1;
}

/* Offset of the first occurrence of needle in c, or -1. */
static long
cur_find_str(const struct bcur *c, const char *needle)
{
	struct bcur t = *c;
	size_t off = 0, n = strlen(needle);
	long k;

	while ((k = bcur_find(&t, (uint8_t)needle[0])) >= 0) {
		(void)bcur_skip(&t, (size_t)k);
		if (bcur_starts_with(&t, needle, n))
			return (long)(off + (size_t)k);
		(void)bcur_skip(&t, 1);
		off += (size_t)k + 1;
	}
	return -1;
}

/* Number of bytes of c equal to b. */
static size_t
cur_count(const struct bcur *c, uint8_t b)
{
	size_t i, n = 0;
	uint8_t v;

	for (i = 0; bcur_peek_u8(c, i, &v) == 0; i++)
		if (v == b)
			n++;
	return n;
}

/* Copy the whole view into a NUL-terminated string of capacity cap. */
static int
cur_to_str(struct bcur v, char *out, size_t cap)
{
	size_t n = bcur_left(&v);

	if (n >= cap)
		return -ENAMETOOLONG;
	if (bcur_get_bytes(&v, out, n) != 0)
		return -EINVAL;
	out[n] = '\0';
	return 0;
}

/*
 * Percent-decode v (RFC 3986 section 2.1) into out.  %00 is refused, and so
 * are control characters unless allow_ctl.
 */
static int
pct_decode(struct bcur v, char *out, size_t cap, bool allow_ctl)
{
	size_t n = 0;
	uint8_t b, hi, lo;

	while (bcur_get_u8(&v, &b) == 0) {
		if (b == '%') {
			if (bcur_get_u8(&v, &hi) != 0 ||
			    bcur_get_u8(&v, &lo) != 0 ||
			    hex_val(hi) < 0 || hex_val(lo) < 0)
				return -EINVAL;
			b = (uint8_t)(hex_val(hi) << 4 | hex_val(lo));
			if (b == 0)
				return -EINVAL;
		}
		if (!allow_ctl && is_ctl(b))
			return -EINVAL;
		if (n + 1 >= cap)
			return -ENAMETOOLONG;
		out[n++] = (char)b;
	}
	out[n] = '\0';
	return 0;
}

/* Parse a decimal port 1..65535. */
static int
parse_port(struct bcur v, uint16_t *port, const char **why)
{
	uint32_t val = 0;
	uint8_t b;

	if (bcur_left(&v) == 0) {
		*why = "empty port";
		return -EINVAL;
	}
	while (bcur_get_u8(&v, &b) == 0) {
		if (!is_digit(b)) {
			*why = "port is not a number";
			return -EINVAL;
		}
		val = val * 10 + (uint32_t)(b - '0');
		if (val > 65535) {
			*why = "port out of range (1-65535)";
			return -ERANGE;
		}
	}
	if (val == 0) {
		*why = "port out of range (1-65535)";
		return -ERANGE;
	}
	*port = (uint16_t)val;
	return 0;
}

/* Validate a DNS name or IPv4 literal. */
static int
check_hostname(const char *h, const char **why)
{
	size_t i, n = strlen(h);

	if (n == 0) {
		*why = "empty host";
		return -EINVAL;
	}
	if (n > URL_DNS_MAX + 1 || (n == URL_DNS_MAX + 1 && h[n - 1] != '.')) {
		*why = "host name too long";
		return -ENAMETOOLONG;
	}
	if (h[0] == '.' || h[0] == '-') {
		*why = "invalid host name";
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!is_host_char((uint8_t)h[i])) {
			*why = "invalid character in host name";
			return -EINVAL;
		}
	}
	return 0;
}

/* Validate an IPv6 literal with an optional "%zone" suffix. */
static int
check_ipv6(const char *h, const char **why)
{
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr a6;
	size_t n, i;
	const char *zone;

	n = strcspn(h, "%");
	zone = h[n] == '%' ? h + n + 1 : NULL;
	if (n == 0 || n >= sizeof addr)
		goto bad;
	memcpy(addr, h, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		goto bad;
	if (zone != NULL) {
		if (zone[0] == '\0')
			goto bad;
		for (i = 0; zone[i] != '\0'; i++)
			if (!is_host_char((uint8_t)zone[i]))
				goto bad;
	}
	return 0;
bad:
	*why = "bad IPv6 address";
	return -EINVAL;
}

/* Parse "scheme://" if present; leaves c after it. */
static int
parse_scheme(struct bcur *c, struct url *u, enum url_kind kind,
    const char **why)
{
	struct bcur sv;
	long sep, stop;
	size_t i;
	uint8_t b;

	sep = cur_find_str(c, "://");
	stop = cur_find_any(c, "/?#@[");
	if (sep < 0 || (stop >= 0 && stop < sep))
		return 0;
	if (bcur_get_view(c, (size_t)sep, &sv) != 0 || bcur_skip(c, 3) != 0)
		return -EINVAL;
	if (bcur_left(&sv) == 0 || bcur_left(&sv) >= sizeof u->scheme) {
		*why = "malformed scheme";
		return -EINVAL;
	}
	for (i = 0; bcur_get_u8(&sv, &b) == 0; i++) {
		if (!(is_alpha(b) || (i > 0 && (is_digit(b) || b == '+' ||
		    b == '-' || b == '.')))) {
			*why = "malformed scheme";
			return -EINVAL;
		}
		u->scheme[i] = (char)to_lower(b);
	}
	u->scheme[i] = '\0';
	if (kind == URL_SERVER && strcmp(u->scheme, "https") != 0) {
		*why = "unsupported scheme (the server needs https://)";
		return -EPROTONOSUPPORT;
	}
	if (kind == URL_PROXY && strcmp(u->scheme, "http") != 0) {
		*why = "unsupported proxy scheme (only http:// is supported)";
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/* Split userinfo into user and pass and percent-decode both. */
static int
parse_userinfo(struct bcur ui, struct url *u, const char **why)
{
	struct bcur uv;
	long colon;
	int r;

	colon = bcur_find(&ui, ':');
	if (colon >= 0) {
		(void)bcur_get_view(&ui, (size_t)colon, &uv);
		(void)bcur_skip(&ui, 1);
	} else {
		uv = ui;
		ui = bcur_make(NULL, 0);
	}
	if (bcur_left(&uv) == 0) {
		*why = "empty user name";
		return -EINVAL;
	}
	if ((r = pct_decode(uv, u->user, sizeof u->user, false)) != 0) {
		*why = r == -ENAMETOOLONG ? "user name too long" :
		    "bad percent-encoding in user name";
		return r;
	}
	u->has_user = true;
	if (colon < 0)
		return 0;
	if ((r = pct_decode(ui, u->pass, sizeof u->pass, true)) != 0) {
		*why = r == -ENAMETOOLONG ? "password too long" :
		    "bad percent-encoding in password";
		return r;
	}
	u->has_pass = true;
	return 0;
}

/* Parse host[:port], [v6][:port] or a bare v6 literal. */
static int
parse_hostport(struct bcur hp, struct url *u, const char **why)
{
	struct bcur hv, pv;
	struct in_addr a4;
	long i;
	int r;
	uint8_t b;

	if (bcur_left(&hp) == 0) {
		*why = "empty host";
		return -EINVAL;
	}
	if (bcur_peek_u8(&hp, 0, &b) == 0 && b == '[') {
		(void)bcur_skip(&hp, 1);
		if ((i = bcur_find(&hp, ']')) < 0) {
			*why = "unterminated '[' in IPv6 address";
			return -EINVAL;
		}
		(void)bcur_get_view(&hp, (size_t)i, &hv);
		(void)bcur_skip(&hp, 1);
		if (bcur_left(&hv) == 0) {
			*why = "empty host";
			return -EINVAL;
		}
		if ((r = cur_to_str(hv, u->host, sizeof u->host)) != 0) {
			*why = "bad IPv6 address";
			return -EINVAL;
		}
		if ((r = check_ipv6(u->host, why)) != 0)
			return r;
		u->host_type = URL_HOST_IPV6;
		if (bcur_left(&hp) == 0)
			return 0;
		if (bcur_get_u8(&hp, &b) != 0 || b != ':') {
			*why = "unexpected characters after ']'";
			return -EINVAL;
		}
		if ((r = parse_port(hp, &u->port, why)) != 0)
			return r;
		u->port_given = true;
		return 0;
	}
	if (cur_count(&hp, ':') >= 2) {
		/* A bare IPv6 literal: no port possible. */
		if ((r = cur_to_str(hp, u->host, sizeof u->host)) != 0) {
			*why = "bad IPv6 address";
			return -EINVAL;
		}
		if ((r = check_ipv6(u->host, why)) != 0) {
			*why = "bad IPv6 address (write [address]:port)";
			return r;
		}
		u->host_type = URL_HOST_IPV6;
		return 0;
	}
	if ((i = bcur_find(&hp, ':')) >= 0) {
		(void)bcur_get_view(&hp, (size_t)i, &hv);
		(void)bcur_skip(&hp, 1);
		pv = hp;
		if ((r = parse_port(pv, &u->port, why)) != 0)
			return r;
		u->port_given = true;
	} else
		hv = hp;
	if (bcur_left(&hv) == 0) {
		*why = "empty host";
		return -EINVAL;
	}
	if (cur_to_str(hv, u->host, sizeof u->host) != 0) {
		*why = "host name too long";
		return -ENAMETOOLONG;
	}
	if ((r = check_hostname(u->host, why)) != 0)
		return r;
	if (inet_pton(AF_INET, u->host, &a4) == 1)
		u->host_type = URL_HOST_IPV4;
	return 0;
}

/* Parse a server or proxy URL (grammar and defaults in url.h). */
int
url_parse(struct url *u, const char *s, enum url_kind kind, const char **why)
{
	struct bcur c, auth, ui;
	const char *w = "malformed URL";
	size_t len;
	long i;
	int r;

	memset(u, 0, sizeof *u);
	if (s == NULL || s[0] == '\0') {
		w = "empty address";
		r = -EINVAL;
		goto fail;
	}
	len = strnlen(s, URL_INPUT_MAX + 1);
	if (len > URL_INPUT_MAX) {
		w = "address too long";
		r = -ENAMETOOLONG;
		goto fail;
	}
	c = bcur_make(s, len);
	if ((r = parse_scheme(&c, u, kind, &w)) != 0)
		goto fail;

	/* The authority ends at the first '/', '?' or '#'. */
	if ((i = cur_find_any(&c, "/?#")) >= 0) {
		(void)bcur_get_view(&c, (size_t)i, &auth);
		if (cur_to_str(c, u->path, sizeof u->path) != 0) {
			w = "path too long";
			r = -ENAMETOOLONG;
			goto fail;
		}
	} else {
		auth = c;
	}

	/* XX: the LAST '@' ends the userinfo, so "p@ss" works unencoded. */
	if ((i = cur_find_last(&auth, '@')) >= 0) {
		(void)bcur_get_view(&auth, (size_t)i, &ui);
		(void)bcur_skip(&auth, 1);
		if ((r = parse_userinfo(ui, u, &w)) != 0)
			goto fail;
	}
	if ((r = parse_hostport(auth, u, &w)) != 0)
		goto fail;
	if (!u->port_given)
		u->port = kind == URL_SERVER ? URL_PORT_HTTPS : URL_PORT_PROXY;
	return 0;
fail:
	url_clear(u);
	if (why != NULL)
		*why = w;
	return r;
}

/* Format "host:port" or "[v6]:port". */
int
url_hostport(const char *host, uint16_t port, char *buf, size_t len)
{
	int n;

	if (strchr(host, ':') != NULL)
		n = snprintf(buf, len, "[%s]:%u", host, (unsigned)port);
	else
		n = snprintf(buf, len, "%s:%u", host, (unsigned)port);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}

/* Zeroize the whole structure, credentials included. */
void
url_clear(struct url *u)
{
	explicit_bzero(u, sizeof *u);
}
