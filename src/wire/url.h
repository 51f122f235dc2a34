/*
 * url.h - parse the server argument and the --proxy URL.
 *
 * Grammar accepted (a practical subset of RFC 3986 section 3):
 *
 *	[scheme "://"] [user [":" pass] "@"] host [":" port] ["/" path]
 *	host = DNS name | IPv4 literal | "[" IPv6 literal "]"
 *
 * plus, for convenience, a bare IPv6 literal without brackets and without a
 * port ("2001:db8::1"): a host part holding two or more colons is taken as
 * an IPv6 address as a whole.
 *
 * - The authority ends at the first '/', '?' or '#'.  user and pass are
 *   percent-decoded (RFC 3986 section 2.1); the userinfo ends at the LAST '@'
 *   of the authority, so a literal '@' in a password works, but '/', '?' and
 *   '#' in credentials must be written %2F, %3F, %23.
 * - Server URLs: the scheme, if present, must be "https"; default port 443.
 * - Proxy URLs: the scheme, if present, must be "http" (a TLS connection to
 *   the proxy itself is not supported); default port 80, the port of an
 *   http URL (RFC 9110 section 4.2.1) and what sstp-client 1.0.18 uses for
 *   "http://host" (it asks getservbyname for the scheme).
 * - Ports are decimal, 1..65535.  Every field has a fixed size; longer input
 *   is refused, never truncated.
 *
 * The password is a secret: url_clear() zeroizes the whole structure.
 */
#ifndef SSTPC_URL_H
#define SSTPC_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define URL_INPUT_MAX	2048	/* longest URL string accepted */
#define URL_SCHEME_MAX	16
#define URL_HOST_MAX	256	/* DNS name (253) or IPv6 literal with zone */
#define URL_USER_MAX	256
#define URL_PASS_MAX	256
#define URL_PATH_MAX	512

#define URL_PORT_HTTPS	443	/* default server port */
#define URL_PORT_PROXY	80	/* default proxy port (http scheme) */

enum url_kind {
	URL_SERVER,	/* https server: default port 443 */
	URL_PROXY	/* http proxy: default port 80 */
};

enum url_host_type {
	URL_HOST_NAME = 0,
	URL_HOST_IPV4,
	URL_HOST_IPV6
};

struct url {
	char			scheme[URL_SCHEME_MAX];	/* lower case or "" */
	char			host[URL_HOST_MAX];	/* no brackets */
	enum url_host_type	host_type;
	uint16_t		port;		/* given or default */
	bool			port_given;
	bool			has_user;
	bool			has_pass;
	char			user[URL_USER_MAX];	/* percent-decoded */
	char			pass[URL_PASS_MAX];	/* secret, decoded */
	char			path[URL_PATH_MAX];	/* from the 1st '/' */
};

/*
 * Parse NUL-terminated s as a URL of the given kind into *u.  Returns 0, or
 * -EINVAL (malformed), -ERANGE (port out of range), -ENAMETOOLONG (a field
 * too long) or -EPROTONOSUPPORT (scheme); *why, when why is not NULL, is
 * then set to a static one-phrase description of the problem.  On failure
 * *u is zeroized.
 */
int	url_parse(struct url *u, const char *s, enum url_kind kind,
	    const char **why);

/* Format "host:port", or "[v6]:port" for IPv6, into buf; 0 or -ENOSPC. */
int	url_hostport(const char *host, uint16_t port, char *buf, size_t len);

/* Zeroize *u, credentials included (explicit_bzero). */
void	url_clear(struct url *u);

#endif /* SSTPC_URL_H */
