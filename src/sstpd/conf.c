/*
 * conf.c - sstpd's options: one table, two sources.
 *
 * Each option is a row {name, argument kind, parser, config field, help}.
 * The command line ("--listen 0.0.0.0:443", "--listen=0.0.0.0:443") and
 * the file of -c FILE ("listen 0.0.0.0:443") go through the same rows and
 * parsers; --help and doc/sstpd.8 come from the same table
 * (tests/check-manpage.sh compares them).  Names are matched in full (no
 * abbreviations: the file has to say what the command line says).
 *
 * Precedence: the command line is parsed first; an option it gave makes
 * every line of the file for that option (repeatable ones included) be
 * checked but not used; the defaults fill what neither gave.
 *
 * The file is read once, at most SSTPD_CONF_MAX_FILE bytes, and parsed
 * with the bounded cursor (util/buf.h): one option per line, '#' starts a
 * comment at the start of a word, a value may be quoted ("..." with \"
 * and \\ escapes, or '...' taken as is), at most SSTPD_CONF_MAX_LINE
 * bytes a line, no control characters but blanks and a CR before the LF.
 * The secrets file (--secrets) is only named here; secrets.c parses it.
 *
 * Strings in struct sstpd_conf are owned (heap copies), so a conf outlives
 * argv and the file's text; sstpd_conf_free() releases them.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sstpd/conf.h"
#include "ppp/ppp_engine.h"
#include "util/buf.h"
#include "util/ctype.h"
#include "util/help.h"
#include "util/nelem.h"
#include "wire/nd.h"

/* Defaults (sstpd.8 OPTIONS says the same). */
#define DEF_LISTEN		"[::]:443"
#define DEF_SERVER_NAME		"sstpd"
#define DEF_TUN_NAME		"sstpd0"
#define DEF_MTU			1400
#define DEF_LCP_ECHO_INTERVAL	30
#define DEF_LCP_ECHO_FAILURE	4
#define DEF_MAX_SESSIONS	1024
#define DEF_MAX_PER_ADDR	16
#define DEF_MAX_HANDSHAKES	128
#define DEF_HANDSHAKE_TIMEOUT	10
#define DEF_NEGOTIATION_TIMEOUT	60	/* MS-SSTP 3.3.2: 60 s */
#define DEF_HELLO_TIMEOUT	60	/* MS-SSTP 3.1.2.3: 60 s */
#define DEF_CONTROL_PATH	"/run/sstpd.sock"
#define DEF_PLUGIN		SSTPC_PLUGIN_DIR "/sstp-pppd-plugin.so"
#define DEF_AUTH		(PPP_AUTH_ALLOW_MSCHAPV2 | PPP_AUTH_ALLOW_EAP)

#define MTU_MIN			576	/* RFC 791: every host takes 576 */
#define MTU_MAX			4087	/* SSTP data length field, less headers */
#define IPV6_MIN_MTU		1280	/* RFC 8200 section 5 */
#define TIMEOUT_MAX		3600
#define LIMIT_MAX		65535
#define ECHO_FAILURE_MAX	100
#define NAME_MAX_LEN		64	/* --name, --user */
#define TUN_NAME_MAX		15	/* IFNAMSIZ - 1 */
#define SUN_PATH_MAX		(sizeof(((struct sockaddr_un *)0)->sun_path) - 1)
#define POOL4_MIN_PREFIX	16	/* pool.h: pool4_new takes 16..30 */
#define POOL4_MAX_PREFIX	30
#define POOL6_PREFIX		64	/* the client's IID fills the rest */
#define POOL6_MIN_PREFIX	48	/* shorter: a /64 each, at most 65536 */
#define ID_MAX			16	/* ctl_session.id: 16 hex digits */

enum arg_kind {
	ARG_NONE = 0,
	ARG_REQ
};

/* Row flags. */
#define F_CMDLINE	0x01u	/* command line only: refused in the file */
#define F_PPPD		0x02u	/* pppd backend only */
#define F_TUN		0x04u	/* built-in backend only */
#define F_LINK		0x08u	/* the built-in PPP's setting: pppd's options
				   file has its own (refused with --pppd) */

struct opt_def;
struct pstate;

/*
 * An option's parser: checks the argument (NULL for ARG_NONE; never empty
 * for ARG_REQ) and stores it, or records one error with perr().
 */
typedef void opt_fn(struct pstate *, const struct opt_def *, const char *);

/* One option: a row of the table. */
struct opt_def {
	const char	*name;		/* long name, without "--" */
	char		 short_name;	/* -d, -c, -h, -V, or 0 */
	enum arg_kind	 arg;
	const char	*argname;	/* the argument in --help */
	opt_fn		*set;		/* parser/validator, stores the value */
	size_t		 field;		/* what set stores: CONF(member) */
	size_t		 flag;		/* opt_hash: its have_* bool */
	unsigned	 min, max;	/* opt_uint's range; opt_hash: bytes */
	int		 val;		/* opt_mode's mode */
	unsigned	 flags;		/* F_* */
	const char	*help;		/* '\n' starts an indented line */
};

/* A titled group of options in --help. */
struct opt_section {
	const char		*title;
	const struct opt_def	*opts;
	size_t			 n;
};

#define CONF(f)		offsetof(struct sstpd_conf, f)
#define FLAG(n)		.name = (n), .arg = ARG_NONE
#define REQ(n, a)	.name = (n), .arg = ARG_REQ, .argname = (a)

static opt_fn opt_str, opt_abs_path, opt_true, opt_uint, opt_listen,
    opt_hash, opt_auth, opt_name, opt_pool, opt_pool6, opt_addr4, opt_dns,
    opt_tun, opt_pppd, opt_control, opt_debug, opt_mode, opt_disconnect;

static const struct opt_def front_opts[] = {
	{ REQ("listen", "ADDR:PORT"), .set = opt_listen,
	  .help = "accept on ADDR:PORT, IPv4 or [IPv6] (repeatable;\n"
	    "default " DEF_LISTEN ", IPv4 too)" },
	{ REQ("cert", "FILE"), .set = opt_str, .field = CONF(cert_file),
	  .help = "the certificate chain (PEM: leaf first)" },
	{ REQ("key", "FILE"), .set = opt_str, .field = CONF(key_file),
	  .help = "the certificate's private key (PEM)" },
	{ FLAG("no-tls"), .set = opt_true, .field = CONF(no_tls),
	  .help = "plain HTTP behind a TLS terminator (needs\n"
	    "--cert-hash-sha256)" },
	{ REQ("cert-hash-sha256", "HEX"), .set = opt_hash,
	  .field = CONF(cert_sha256), .flag = CONF(have_cert_sha256),
	  .max = 32,
	  .help = "with --no-tls: SHA-256 of the certificate the\n"
	    "terminator serves (64 hex digits, colons allowed)" },
	{ REQ("cert-hash-sha1", "HEX"), .set = opt_hash,
	  .field = CONF(cert_sha1), .flag = CONF(have_cert_sha1), .max = 20,
	  .help = "with --no-tls and --allow-sha1: its SHA-1\n"
	    "(40 hex digits)" },
	{ FLAG("allow-sha1"), .set = opt_true, .field = CONF(allow_sha1),
	  .help = "offer SHA-1 crypto binding too (default: SHA-256)" },
	{ FLAG("proxy-protocol"), .set = opt_true,
	  .field = CONF(proxy_protocol),
	  .help = "expect a PROXY protocol v1 or v2 header first" },
};

static const struct opt_def auth_opts[] = {
	{ REQ("secrets", "FILE"), .set = opt_str, .field = CONF(secrets_file),
	  .flags = F_TUN,
	  .help = "users in pppd's chap-secrets format" },
	{ REQ("auth", "LIST"), .set = opt_auth, .field = CONF(auth_offer),
	  .flags = F_TUN,
	  .help = "methods offered, comma-separated: mschapv2, eap,\n"
	    "pap (default mschapv2,eap)" },
	{ REQ("name", "NAME"), .set = opt_name, .field = CONF(server_name),
	  .flags = F_LINK,
	  .help = "our CHAP name; secrets lines for it or '*'\n"
	    "(default " DEF_SERVER_NAME ")" },
	{ REQ("pool", "CIDR"), .set = opt_pool,
	  .help = "client IPv4 addresses, /16 to /30 (required)" },
	{ REQ("pool6", "PREFIX"), .set = opt_pool6, .flags = F_LINK,
	  .help = "the clients' IPv6 addresses: a /64 shared by all,\n"
	    "or a /48 to /63 giving each client a /64 of its own" },
	{ REQ("ra-lifetime", "SEC"), .set = opt_uint,
	  .field = CONF(ra_lifetime), .max = ND_ROUTER_LIFETIME_MAX_S,
	  .flags = F_TUN,
	  .help = "with --pool6: the Router Lifetime of our Router\n"
	    "Advertisements, 0 (no default route) or 600-9000\n"
	    "(default 1800)" },
	{ REQ("local", "ADDR"), .set = opt_addr4, .field = CONF(local4),
	  .help = "our IPv4 address on the link (default: the pool's\n"
	    "first)" },
	{ REQ("dns", "ADDR"), .set = opt_dns, .flags = F_LINK,
	  .help = "IPv4 DNS server for the clients (at most 2)" },
};

static const struct opt_def backend_opts[] = {
	{ REQ("tun", "NAME"), .set = opt_tun, .field = CONF(tun_name),
	  .flags = F_TUN,
	  .help = "built-in PPP, all sessions on TUN device NAME\n"
	    "(the default backend; default " DEF_TUN_NAME ")" },
	{ FLAG("pppd"), .set = opt_pppd,
	  .help = "run pppd per session on a pty instead" },
	{ REQ("pppd-path", "PATH"), .set = opt_abs_path,
	  .field = CONF(pppd_path), .flags = F_PPPD,
	  .help = "pppd to run (default " SSTPC_PPPD_PATH ")" },
	{ REQ("pppd-options", "FILE"), .set = opt_str,
	  .field = CONF(pppd_options), .flags = F_PPPD,
	  .help = "pppd's options file for every session" },
	{ REQ("plugin", "PATH"), .set = opt_str, .field = CONF(plugin_path),
	  .flags = F_PPPD,
	  .help = "the pppd plugin reporting MPPE keys (default:\n"
	    "sstp-pppd-plugin.so in pppd's plugin directory)" },
	{ REQ("mtu", "N"), .set = opt_uint, .field = CONF(mtu),
	  .min = MTU_MIN, .max = MTU_MAX, .flags = F_LINK,
	  .help = "link MTU, 576-4087 (default 1400)" },
	{ REQ("lcp-echo-interval", "SEC"), .set = opt_uint,
	  .field = CONF(lcp_echo_interval), .max = TIMEOUT_MAX, .flags = F_LINK,
	  .help = "LCP echo after SEC idle seconds, 0 none\n"
	    "(default 30)" },
	{ REQ("lcp-echo-failure", "N"), .set = opt_uint,
	  .field = CONF(lcp_echo_failure), .max = ECHO_FAILURE_MAX,
	  .flags = F_LINK,
	  .help = "drop a client after N unanswered echoes, 0 never\n"
	    "(default 4)" },
};

static const struct opt_def limit_opts[] = {
	{ REQ("max-sessions", "N"), .set = opt_uint,
	  .field = CONF(max_sessions), .min = 1, .max = LIMIT_MAX,
	  .help = "sessions at most (default 1024)" },
	{ REQ("max-per-address", "N"), .set = opt_uint,
	  .field = CONF(max_per_addr), .min = 1, .max = LIMIT_MAX,
	  .help = "sessions per client address (default 16)" },
	{ REQ("max-handshakes", "N"), .set = opt_uint,
	  .field = CONF(max_handshakes), .min = 1, .max = LIMIT_MAX,
	  .help = "connections before Call Connected (default 128)" },
	{ REQ("handshake-timeout", "SEC"), .set = opt_uint,
	  .field = CONF(handshake_timeout_s), .min = 1, .max = TIMEOUT_MAX,
	  .help = "PROXY header, TLS and HTTP within SEC (default 10)" },
	{ REQ("negotiation-timeout", "SEC"), .set = opt_uint,
	  .field = CONF(negotiation_timeout_s), .min = 1, .max = TIMEOUT_MAX,
	  .help = "SSTP and PPP up within SEC (default 60)" },
	{ REQ("hello-timeout", "SEC"), .set = opt_uint,
	  .field = CONF(hello_timeout_s), .min = 1, .max = TIMEOUT_MAX,
	  .help = "Echo Request after SEC silent seconds, close\n"
	    "after SEC more (default 60)" },
};

static const struct opt_def ops_opts[] = {
	{ REQ("control", "PATH"), .set = opt_control,
	  .field = CONF(control_path),
	  .help = "control socket (default " DEF_CONTROL_PATH ")" },
	{ REQ("user", "NAME"), .set = opt_name, .field = CONF(user),
	  .flags = F_TUN,
	  .help = "switch to user NAME once the sockets and the TUN\n"
	    "are open" },
	{ FLAG("debug"), .short_name = 'd', .set = opt_debug,
	  .help = "more log output (repeatable)" },
	{ REQ("config", "FILE"), .short_name = 'c', .set = opt_str,
	  .field = CONF(config_file), .flags = F_CMDLINE,
	  .help = "read options from FILE (the command line wins)" },
	{ FLAG("check-config"), .set = opt_mode, .val = SSTPD_CHECK,
	  .flags = F_CMDLINE,
	  .help = "check the configuration and exit (0 or 2)" },
	{ FLAG("list"), .set = opt_mode, .val = SSTPD_LIST,
	  .flags = F_CMDLINE,
	  .help = "list the sessions of the running sstpd" },
	{ REQ("disconnect", "ID"), .set = opt_disconnect,
	  .val = SSTPD_DISCONNECT, .flags = F_CMDLINE,
	  .help = "end the session ID (from --list)" },
	{ FLAG("help"), .short_name = 'h', .set = opt_mode, .val = SSTPD_HELP,
	  .flags = F_CMDLINE,
	  .help = "print this help and exit" },
	{ FLAG("version"), .short_name = 'V', .set = opt_mode,
	  .val = SSTPD_VERSION, .flags = F_CMDLINE,
	  .help = "print the version and exit" },
};

static const struct opt_section opt_sections[] = {
	{ "Front end", front_opts, NELEM(front_opts) },
	{ "Authentication and addresses", auth_opts, NELEM(auth_opts) },
	{ "Backend", backend_opts, NELEM(backend_opts) },
	{ "Limits and timeouts", limit_opts, NELEM(limit_opts) },
	{ "Operation", ops_opts, NELEM(ops_opts) },
};

#define N_OPTS	(NELEM(front_opts) + NELEM(auth_opts) + \
	NELEM(backend_opts) + NELEM(limit_opts) + NELEM(ops_opts))

/* Parser state for one sstpd_conf_parse() / _parse_text() call. */
struct pstate {
	struct sstpd_conf *conf;	/* where the parsers store */
	struct sstpd_conf *real;	/* the result */
	struct sstpd_conf *scratch;	/* overridden file lines go here */
	char		*err;
	size_t		 errlen;
	bool		 failed;
	bool		 oom;
	bool		 tun_given;	/* --tun (not just the default) */
	const char	*where;		/* NULL or the file, for FILE:LINE */
	unsigned	 lineno;
	const char	*mode_opt;	/* the option that set the mode */
	const char	*pppd_only;	/* first pppd-only option seen */
	const struct opt_def *tun_only;	/* first F_TUN or F_LINK option */
	bool		 cmdline[N_OPTS];	/* given on the command line */
};

/* Record the first error only, with FILE:LINE: when in the file. */
static void __attribute__((format(printf, 2, 3)))
perr(struct pstate *ps, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;
	int r;

	if (ps->failed)
		return;
	ps->failed = true;
	if (ps->errlen == 0)
		return;
	ps->err[0] = '\0';
	if (ps->where != NULL) {
		r = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->where,
		    ps->lineno);
		n = r < 0 ? 0 : (size_t)r >= ps->errlen ? ps->errlen - 1 :
		    (size_t)r;
	}
	va_start(ap, fmt);
	(void)vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
	/* Values are echoed: keep the message one line of text. */
	for (n = 0; ps->err[n] != '\0'; n++)
		if (is_ctl((uint8_t)ps->err[n]))
			ps->err[n] = '?';
}

/* Out of memory: an error of its own kind (exit status 1, not 2). */
static void
perr_oom(struct pstate *ps)
{
	perr(ps, "out of memory");
	ps->oom = true;
}

/* The config field at offset off of the conf being written. */
static void *
opt_field(struct pstate *ps, size_t off)
{
	return (char *)ps->conf + off;
}

/* Replace an owned string with a copy of s (NULL: just free it). */
static int
set_str(char **dst, const char *s)
{
	char *copy = NULL;

	if (s != NULL && (copy = strdup(s)) == NULL)
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

/* Decimal lo..hi, the whole string; -1 if not. */
static int
parse_num(const char *s, unsigned long lo, unsigned long hi,
    unsigned long *out)
{
	struct bcur c = bcur_make(s, strlen(s));
	unsigned long v = 0, d;
	uint8_t b;

	if (bcur_left(&c) == 0)
		return -1;
	while (bcur_get_u8(&c, &b) == 0) {
		if (!is_digit(b))
			return -1;
		d = (unsigned long)(b - '0');
		if (v > hi / 10 || v * 10 + d > hi)
			return -1;
		v = v * 10 + d;
	}
	if (v < lo)
		return -1;
	*out = v;
	return 0;
}

/*
 * Copy the next n bytes of the cursor into buf (capacity cap) as a string;
 * -1 if it does not fit.
 */
static int
cur_str(struct bcur *c, size_t n, char *buf, size_t cap)
{
	if (n >= cap || bcur_get_bytes(c, buf, n) != 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* An IPv4 address (dotted quad, the whole string) in network order. */
static int
parse_ip4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (strlen(s) > 15 || inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = a.s_addr;
	return 0;
}

/* An IPv6 address (RFC 4291 2.2 text, no zone), the whole string. */
static int
parse_ip6(const char *s, uint8_t out[16])
{
	if (strlen(s) >= INET6_ADDRSTRLEN || strchr(s, '%') != NULL ||
	    inet_pton(AF_INET6, s, out) != 1)
		return -1;
	return 0;
}

/* ADDR/LEN: the address part into abuf and the length (0..max). */
static int
split_cidr(const char *s, char *abuf, size_t acap, unsigned max,
    unsigned *plen)
{
	struct bcur c = bcur_make(s, strlen(s));
	long slash = bcur_find(&c, '/');
	unsigned long v;

	if (slash < 0 || cur_str(&c, (size_t)slash, abuf, acap) != 0)
		return -1;
	(void)bcur_skip(&c, 1);
	if (bcur_left(&c) > 3 || bcur_left(&c) == 0 ||
	    (bcur_left(&c) > 1 && bcur_ptr(&c)[0] == '0') ||
	    parse_num((const char *)bcur_ptr(&c), 0, max, &v) != 0)
		return -1;
	*plen = (unsigned)v;
	return 0;
}

/* Netmask of an IPv4 prefix length, in network order. */
static uint32_t
mask4(unsigned plen)
{
	return htonl(plen == 0 ? 0 : 0xffffffffu << (32 - plen));
}

/* An option's name as the messages write it. */
#define ON(o)	(o)->name

/* A string, copied. */
static void
opt_str(struct pstate *ps, const struct opt_def *o, const char *val)
{
	if (set_str(opt_field(ps, o->field), val) != 0)
		perr_oom(ps);
}

/* An absolute path. */
static void
opt_abs_path(struct pstate *ps, const struct opt_def *o, const char *val)
{
	if (val[0] != '/') {
		perr(ps, "--%s needs an absolute path, not '%s'", ON(o), val);
		return;
	}
	opt_str(ps, o, val);
}

/* A switch. */
static void
opt_true(struct pstate *ps, const struct opt_def *o, const char *val)
{
	bool *dst = opt_field(ps, o->field);

	*dst = true;
}

/* A number from o->min to o->max. */
static void
opt_uint(struct pstate *ps, const struct opt_def *o, const char *val)
{
	unsigned *dst = opt_field(ps, o->field);
	unsigned long v;

	if (parse_num(val, o->min, o->max, &v) != 0) {
		perr(ps, "--%s needs a number from %u to %u, not '%s'", ON(o),
		    o->min, o->max, val);
		return;
	}
	*dst = (unsigned)v;
}

/*
 * --listen ADDR:PORT: IPv4 a.b.c.d:PORT or [IPv6]:PORT, port 1-65535.
 * Repeatable; the same address twice is refused.
 */
static void
opt_listen(struct pstate *ps, const struct opt_def *o, const char *val)
{
	struct sstpd_conf *conf = ps->conf;
	struct sstpd_listen *l;
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;
	struct bcur c = bcur_make(val, strlen(val));
	char addr[INET6_ADDRSTRLEN], port[8];
	unsigned long p;
	uint32_t a4;
	uint8_t a6[16];
	long colon, close;
	bool v6;
	size_t i;

	v6 = bcur_starts_with(&c, "[", 1);
	if (v6) {
		(void)bcur_skip(&c, 1);
		close = bcur_find(&c, ']');
		if (close < 0 || cur_str(&c, (size_t)close, addr,
		    sizeof addr) != 0 || parse_ip6(addr, a6) != 0)
			goto bad;
		(void)bcur_skip(&c, 1);
		if (!bcur_starts_with(&c, ":", 1))
			goto bad;
		(void)bcur_skip(&c, 1);
	} else {
		colon = bcur_find(&c, ':');
		if (colon < 0 || cur_str(&c, (size_t)colon, addr,
		    sizeof addr) != 0 || parse_ip4(addr, &a4) != 0)
			goto bad;
		(void)bcur_skip(&c, 1);
	}
	if (bcur_left(&c) > 5 || (bcur_left(&c) > 1 && bcur_ptr(&c)[0] ==
	    '0') || cur_str(&c, bcur_left(&c), port, sizeof port) != 0 ||
	    parse_num(port, 1, 65535, &p) != 0)
		goto bad;
	if (conf->n_listen == SSTPD_MAX_LISTEN) {
		perr(ps, "too many --%s (at most %d)", ON(o),
		    SSTPD_MAX_LISTEN);
		return;
	}
	l = &conf->listen[conf->n_listen];
	memset(l, 0, sizeof *l);
	if (v6) {
		sin6 = (struct sockaddr_in6 *)&l->sa;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		memcpy(&sin6->sin6_addr, a6, 16);
		l->salen = sizeof *sin6;
		(void)inet_ntop(AF_INET6, a6, addr, sizeof addr);
		(void)snprintf(l->text, sizeof l->text, "[%s]:%lu", addr, p);
	} else {
		sin = (struct sockaddr_in *)&l->sa;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		sin->sin_addr.s_addr = a4;
		l->salen = sizeof *sin;
		(void)inet_ntop(AF_INET, &a4, addr, sizeof addr);
		(void)snprintf(l->text, sizeof l->text, "%s:%lu", addr, p);
	}
	for (i = 0; i < conf->n_listen; i++)
		if (strcmp(conf->listen[i].text, l->text) == 0) {
			perr(ps, "--%s %s is given twice", ON(o), l->text);
			memset(l, 0, sizeof *l);
			return;
		}
	conf->n_listen++;
	return;
bad:
	perr(ps, "bad --%s '%s' (want IPv4:PORT or [IPv6]:PORT, port 1 to "
	    "65535)", ON(o), val);
}

/* --cert-hash-*: o->max bytes as hex digits, colons between bytes allowed. */
static void
opt_hash(struct pstate *ps, const struct opt_def *o, const char *val)
{
	struct bcur c = bcur_make(val, strlen(val));
	uint8_t *out = opt_field(ps, o->field), b, tmp[32];
	bool *have = opt_field(ps, o->flag);
	size_t n = 0;
	int hi = -1, v;
	bool colon_ok = false;

	while (bcur_get_u8(&c, &b) == 0) {
		if (b == ':' && colon_ok && hi < 0 && bcur_left(&c) > 0) {
			colon_ok = false;
			continue;
		}
		if ((v = hex_val(b)) < 0 || n == o->max)
			goto bad;
		if (hi < 0) {
			hi = v;
			continue;
		}
		tmp[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
		colon_ok = true;
	}
	if (n != o->max || hi >= 0)
		goto bad;
	memcpy(out, tmp, n);
	*have = true;
	return;
bad:
	perr(ps, "--%s needs %u hex digits (colons between bytes allowed)",
	    ON(o), 2 * o->max);
}

/* --auth LIST: mschapv2, eap, pap, separated by commas. */
static void
opt_auth(struct pstate *ps, const struct opt_def *o, const char *val)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} methods[] = {
		{ "mschapv2", PPP_AUTH_ALLOW_MSCHAPV2 },
		{ "eap", PPP_AUTH_ALLOW_EAP },
		{ "pap", PPP_AUTH_ALLOW_PAP },
	};
	struct bcur c = bcur_make(val, strlen(val)), item;
	unsigned *dst = opt_field(ps, o->field), set = 0;
	long comma;
	size_t k, n;

	for (;;) {
		comma = bcur_find(&c, ',');
		n = comma >= 0 ? (size_t)comma : bcur_left(&c);
		(void)bcur_get_view(&c, n, &item);
		for (k = 0; k < NELEM(methods); k++)
			if (n == strlen(methods[k].name) &&
			    bcur_starts_with(&item, methods[k].name, n))
				break;
		if (k == NELEM(methods)) {
			perr(ps, "bad --%s '%s' (want a comma-separated list "
			    "of mschapv2, eap, pap)", ON(o), val);
			return;
		}
		set |= methods[k].bit;
		if (comma < 0)
			break;
		(void)bcur_skip(&c, 1);
	}
	*dst = set;
}

/* --name, --user: 1 to 64 printable characters, no blanks. */
static void
opt_name(struct pstate *ps, const struct opt_def *o, const char *val)
{
	size_t n = strlen(val);

	if (n > NAME_MAX_LEN || str_has_ctl(val) ||
	    val[strcspn(val, " ")] != '\0') {
		perr(ps, "bad --%s '%s' (1 to %d characters, no blanks or "
		    "control characters)", ON(o), val, NAME_MAX_LEN);
		return;
	}
	opt_str(ps, o, val);
}

/* --pool CIDR: an IPv4 network, /16 to /30, no host bits. */
static void
opt_pool(struct pstate *ps, const struct opt_def *o, const char *val)
{
	char abuf[INET6_ADDRSTRLEN], text[INET_ADDRSTRLEN];
	unsigned plen;
	uint32_t a, net;

	if (split_cidr(val, abuf, sizeof abuf, 32, &plen) != 0 ||
	    parse_ip4(abuf, &a) != 0) {
		perr(ps, "bad --%s '%s' (want an IPv4 ADDRESS/PREFIXLEN)",
		    ON(o), val);
		return;
	}
	if (plen > POOL4_MAX_PREFIX) {
		perr(ps, "--%s %s is too small (at most /%d: a client, us, "
		    "the network and broadcast addresses)", ON(o), val,
		    POOL4_MAX_PREFIX);
		return;
	}
	if (plen < POOL4_MIN_PREFIX) {
		perr(ps, "--%s %s is too large (at least /%d)", ON(o), val,
		    POOL4_MIN_PREFIX);
		return;
	}
	net = a & mask4(plen);
	if (net != a) {
		(void)inet_ntop(AF_INET, &net, text, sizeof text);
		perr(ps, "--%s %s has host bits set (the network is %s/%u)",
		    ON(o), val, text, plen);
		return;
	}
	ps->conf->pool4 = net;
	ps->conf->pool4_prefix = plen;
}

/*
 * --pool6 PREFIX: an IPv6 /48../64 without host bits (a /64 is shared,
 * prefix::<identifier>; shorter gives each session a /64, RFC 8273).
 */
static void
opt_pool6(struct pstate *ps, const struct opt_def *o, const char *val)
{
	char abuf[INET6_ADDRSTRLEN];
	uint8_t a[16];
	unsigned plen;
	size_t i;

	if (split_cidr(val, abuf, sizeof abuf, 128, &plen) != 0 ||
	    parse_ip6(abuf, a) != 0) {
		perr(ps, "bad --%s '%s' (want an IPv6 PREFIX/48 to /64)",
		    ON(o), val);
		return;
	}
	if (plen > POOL6_PREFIX || plen < POOL6_MIN_PREFIX) {
		perr(ps, "--%s %s is not a /%u to /%u (the clients' interface "
		    "identifiers fill the low 64 bits; at most %u /64s)", ON(o),
		    val, POOL6_MIN_PREFIX, POOL6_PREFIX,
		    1u << (POOL6_PREFIX - POOL6_MIN_PREFIX));
		return;
	}
	for (i = plen; i < 128; i++)
		if (a[i / 8] & (0x80u >> (i % 8))) {
			perr(ps, "--%s %s has host bits set", ON(o), val);
			return;
		}
	memcpy(ps->conf->pool6, a, 16);
	ps->conf->pool6_prefix = plen;
	ps->conf->have_pool6 = true;
}

/* A unicast IPv4 address: not 0.0.0.0, multicast or broadcast. */
static int
addr4_unicast(const char *val, uint32_t *out)
{
	uint32_t a, h;

	if (parse_ip4(val, &a) != 0)
		return -1;
	h = ntohl(a);
	if (h == 0 || h >= 0xe0000000u)
		return -1;
	*out = a;
	return 0;
}

/* --local ADDR. */
static void
opt_addr4(struct pstate *ps, const struct opt_def *o, const char *val)
{
	uint32_t *dst = opt_field(ps, o->field);

	if (addr4_unicast(val, dst) != 0)
		perr(ps, "bad --%s '%s' (want a unicast IPv4 address)", ON(o),
		    val);
}

/* --dns ADDR: repeatable, two at most (RFC 1877: primary, secondary). */
static void
opt_dns(struct pstate *ps, const struct opt_def *o, const char *val)
{
	struct sstpd_conf *conf = ps->conf;
	uint32_t a;
	size_t i;

	if (addr4_unicast(val, &a) != 0) {
		perr(ps, "bad --%s '%s' (want an IPv4 address: IPCP names "
		    "IPv4 servers only)", ON(o), val);
		return;
	}
	for (i = 0; i < SSTPD_MAX_DNS && conf->dns4[i] != 0; i++)
		if (conf->dns4[i] == a)
			return;
	if (i == SSTPD_MAX_DNS) {
		perr(ps, "too many --%s (at most %d)", ON(o), SSTPD_MAX_DNS);
		return;
	}
	conf->dns4[i] = a;
}

/*
 * --tun NAME: an interface name the kernel takes (1 to 15 bytes, not "."
 * or "..", no '/', ':' or blanks).
 */
static void
opt_tun(struct pstate *ps, const struct opt_def *o, const char *val)
{
	size_t n = strlen(val);

	if (n > TUN_NAME_MAX || strcmp(val, ".") == 0 ||
	    strcmp(val, "..") == 0 || val[strcspn(val, "/: \t")] != '\0' ||
	    str_has_ctl(val)) {
		perr(ps, "bad --%s interface name '%s' (1 to %d characters, "
		    "no '/', ':' or blanks, not '.' or '..')", ON(o), val,
		    TUN_NAME_MAX);
		return;
	}
	opt_str(ps, o, val);
	if (ps->conf == ps->real)
		ps->tun_given = true;
}

/* --pppd: the pppd backend. */
static void
opt_pppd(struct pstate *ps, const struct opt_def *o, const char *val)
{
	ps->conf->backend = SSTPD_BACKEND_PPPD;
}

/* --control PATH: absolute, and it must fit a unix socket address. */
static void
opt_control(struct pstate *ps, const struct opt_def *o, const char *val)
{
	if (val[0] != '/' || strlen(val) > SUN_PATH_MAX) {
		perr(ps, "bad --%s '%s' (an absolute path of at most %zu "
		    "bytes)", ON(o), val, SUN_PATH_MAX);
		return;
	}
	opt_str(ps, o, val);
}

/* -d, --debug: one more level. */
static void
opt_debug(struct pstate *ps, const struct opt_def *o, const char *val)
{
	if (ps->conf->debug < 9)
		ps->conf->debug++;
}

/* --list, --check-config, --help, --version: what sstpd is to do. */
static void
opt_mode(struct pstate *ps, const struct opt_def *o, const char *val)
{
	struct sstpd_conf *conf = ps->conf;
	enum sstpd_mode m = (enum sstpd_mode)o->val;

	/* --help and --version win over everything, the first of them. */
	if (conf->mode == SSTPD_HELP || conf->mode == SSTPD_VERSION)
		return;
	if (m == SSTPD_HELP || m == SSTPD_VERSION) {
		conf->mode = m;
		return;
	}
	if (ps->mode_opt != NULL && strcmp(ps->mode_opt, o->name) != 0) {
		perr(ps, "--%s cannot be used with --%s", ON(o), ps->mode_opt);
		return;
	}
	ps->mode_opt = o->name;
	conf->mode = m;
}

/* --disconnect ID: 1 to 16 hex digits, kept in lower case. */
static void
opt_disconnect(struct pstate *ps, const struct opt_def *o, const char *val)
{
	struct sstpd_conf *conf = ps->conf;
	size_t i, n = strlen(val);

	for (i = 0; i < n && hex_val((uint8_t)val[i]) >= 0; i++)
		;
	if (n > ID_MAX || i != n) {
		perr(ps, "bad --%s '%s' (a session id: 1 to %d hex digits, "
		    "as --list shows)", ON(o), val, ID_MAX);
		return;
	}
	opt_mode(ps, o, val);
	if (ps->failed)
		return;
	for (i = 0; i < n; i++)
		conf->disconnect_id[i] = (char)to_lower((uint8_t)val[i]);
	conf->disconnect_id[n] = '\0';
}

/* Option i of the table, counted across the sections, or NULL. */
static const struct opt_def *
opt_at(size_t i)
{
	size_t s;

	for (s = 0; s < NELEM(opt_sections); s++) {
		if (i < opt_sections[s].n)
			return &opt_sections[s].opts[i];
		i -= opt_sections[s].n;
	}
	return NULL;
}

/* The option named name[0..n) and its index, or NULL. */
static const struct opt_def *
opt_find(const char *name, size_t n, size_t *idx)
{
	const struct opt_def *o;
	size_t k;

	for (k = 0; (o = opt_at(k)) != NULL; k++)
		if (strlen(o->name) == n && memcmp(o->name, name, n) == 0) {
			*idx = k;
			return o;
		}
	return NULL;
}

/* The option with this short name and its index, or NULL. */
static const struct opt_def *
opt_find_short(char c, size_t *idx)
{
	const struct opt_def *o;
	size_t k;

	for (k = 0; (o = opt_at(k)) != NULL; k++)
		if (o->short_name != '\0' && o->short_name == c) {
			*idx = k;
			return o;
		}
	return NULL;
}

/*
 * Run option k's parser.  A file line for an option the command line
 * gave is parsed into the scratch conf: checked, then dropped.
 */
static void
apply_option(struct pstate *ps, const struct opt_def *o, size_t k,
    const char *val)
{
	bool overridden = ps->where != NULL && ps->cmdline[k];

	if (o->arg == ARG_REQ && (val == NULL || val[0] == '\0')) {
		perr(ps, "empty argument for --%s", ON(o));
		return;
	}
	ps->conf = overridden ? ps->scratch : ps->real;
	o->set(ps, o, val);
	ps->conf = ps->real;
	if (ps->where == NULL)
		ps->cmdline[k] = true;
	if (overridden)
		return;
	if ((o->flags & F_PPPD) != 0 && ps->pppd_only == NULL)
		ps->pppd_only = o->name;
	if ((o->flags & (F_TUN | F_LINK)) != 0 && ps->tun_only == NULL)
		ps->tun_only = o;
}

/* The argument vector; returns nothing, errors in ps. */
static void
parse_argv(struct pstate *ps, int argc, char **argv)
{
	const struct opt_def *o;
	const char *a, *name, *val;
	size_t nlen, k = 0;
	int i;

	for (i = 1; i < argc && argv[i] != NULL && !ps->failed; i++) {
		a = argv[i];
		val = NULL;
		if (a[0] != '-' || a[1] == '\0') {
			perr(ps, "unexpected argument '%s' (options only; see "
			    "--help)", a);
			return;
		}
		if (a[1] != '-') {
			if (a[2] != '\0' ||
			    (o = opt_find_short(a[1], &k)) == NULL) {
				perr(ps, "unknown option '%s'", a);
				return;
			}
		} else {
			name = a + 2;
			nlen = strcspn(name, "=");
			if ((o = opt_find(name, nlen, &k)) == NULL) {
				perr(ps, "unknown option '--%.*s'", (int)nlen,
				    name);
				return;
			}
			if (name[nlen] == '=') {
				if (o->arg == ARG_NONE) {
					perr(ps, "option '--%s' does not take "
					    "an argument", ON(o));
					return;
				}
				val = name + nlen + 1;
			}
		}
		if (o->arg == ARG_REQ && val == NULL) {
			if (i + 1 >= argc || argv[i + 1] == NULL) {
				perr(ps, "option '--%s' requires an argument",
				    ON(o));
				return;
			}
			val = argv[++i];
		}
		apply_option(ps, o, k, val);
	}
}

/* Skip spaces and tabs. */
static void
skip_blanks(struct bcur *c)
{
	uint8_t b;

	while (bcur_peek_u8(c, 0, &b) == 0 && (b == ' ' || b == '\t'))
		(void)bcur_skip(c, 1);
}

/* Is the cursor at the end of the line's words (end or a comment)? */
static bool
at_line_end(const struct bcur *c)
{
	uint8_t b;

	return bcur_peek_u8(c, 0, &b) != 0 || b == '#';
}

/*
 * One word of a line into out (capacity cap): "..." with \" and \\
 * escapes, '...' as is, or up to the next blank.  0, or -1 with an error.
 */
static int
line_word(struct pstate *ps, struct bcur *c, char *out, size_t cap,
    bool *quoted)
{
	size_t n = 0;
	uint8_t b, q = 0;

	*quoted = false;
	if (bcur_peek_u8(c, 0, &b) == 0 && (b == '"' || b == '\'')) {
		q = b;
		*quoted = true;
		(void)bcur_skip(c, 1);
	}
	for (;;) {
		if (bcur_peek_u8(c, 0, &b) != 0) {
			if (q != 0) {
				perr(ps, "unterminated %s quote",
				    q == '"' ? "double" : "single");
				return -1;
			}
			break;
		}
		if (q == 0 && (b == ' ' || b == '\t'))
			break;
		(void)bcur_skip(c, 1);
		if (q != 0 && b == q)
			break;
		if (q == '"' && b == '\\') {
			if (bcur_get_u8(c, &b) != 0 || (b != '"' && b != '\\')) {
				perr(ps, "bad escape in a quoted value (only "
				    "\\\" and \\\\)");
				return -1;
			}
		}
		if (n + 1 >= cap)
			return -1;	/* cannot happen: cap > line */
		out[n++] = (char)b;
	}
	out[n] = '\0';
	return 0;
}

/* One line of the file (without its LF). */
static void
parse_line(struct pstate *ps, struct bcur *line)
{
	char name[SSTPD_CONF_MAX_LINE + 1], val[SSTPD_CONF_MAX_LINE + 1];
	const struct opt_def *o;
	size_t i, k = 0, len = bcur_left(line);
	bool quoted, has_val;
	uint8_t b;

	/* A CR before the LF is a line end too; other controls are refused. */
	if (len > 0 && bcur_peek_u8(line, len - 1, &b) == 0 && b == '\r')
		(void)bcur_get_view(line, --len, line);
	for (i = 0; i < len; i++) {
		(void)bcur_peek_u8(line, i, &b);
		if (is_ctl(b) && b != '\t') {
			perr(ps, "control character 0x%02x in the line", b);
			return;
		}
	}
	skip_blanks(line);
	if (at_line_end(line))
		return;
	if (line_word(ps, line, name, sizeof name, &quoted) != 0)
		return;
	if (quoted || (o = opt_find(name, strlen(name), &k)) == NULL) {
		perr(ps, "unknown option '%s'%s", name,
		    name[0] == '-' ? " (write names without '--')" : "");
		return;
	}
	if ((o->flags & F_CMDLINE) != 0) {
		perr(ps, "--%s belongs on the command line, not in the file",
		    ON(o));
		return;
	}
	skip_blanks(line);
	has_val = !at_line_end(line);
	if (has_val && line_word(ps, line, val, sizeof val, &quoted) != 0)
		return;
	skip_blanks(line);
	if (!at_line_end(line)) {
		perr(ps, "--%s takes one value (quote a value with blanks)",
		    ON(o));
		return;
	}
	if (o->arg == ARG_NONE && has_val) {
		perr(ps, "--%s takes no value", ON(o));
		return;
	}
	if (o->arg == ARG_REQ && !has_val) {
		perr(ps, "--%s needs a value", ON(o));
		return;
	}
	apply_option(ps, o, k, has_val ? val : NULL);
}

/* The text of a configuration file, line by line. */
static void
parse_file_text(struct pstate *ps, const uint8_t *text, size_t len,
    const char *fname)
{
	struct bcur c = bcur_make(text, len), line;
	long nl;
	size_t n;

	ps->where = fname != NULL ? fname : "(config)";
	ps->lineno = 0;
	if (len > SSTPD_CONF_MAX_FILE) {
		perr(ps, "file larger than %d bytes", SSTPD_CONF_MAX_FILE);
		goto out;
	}
	while (bcur_left(&c) > 0 && !ps->failed) {
		ps->lineno++;
		nl = bcur_find(&c, '\n');
		n = nl >= 0 ? (size_t)nl : bcur_left(&c);
		if (n > SSTPD_CONF_MAX_LINE) {
			perr(ps, "line longer than %d bytes",
			    SSTPD_CONF_MAX_LINE);
			break;
		}
		(void)bcur_get_view(&c, n, &line);
		if (nl >= 0)
			(void)bcur_skip(&c, 1);
		parse_line(ps, &line);
	}
out:
	ps->where = NULL;
}

/* Read -c FILE (a regular file, at most SSTPD_CONF_MAX_FILE) and parse it. */
static void
parse_file(struct pstate *ps, const char *path)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t n = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		perr(ps, "cannot open configuration file %s: %s", path,
		    strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		perr(ps, "configuration file %s is not a regular file", path);
		goto out;
	}
	if ((buf = malloc(SSTPD_CONF_MAX_FILE + 1)) == NULL) {
		perr_oom(ps);
		goto out;
	}
	while (n <= SSTPD_CONF_MAX_FILE) {
		r = read(fd, buf + n, SSTPD_CONF_MAX_FILE + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			perr(ps, "cannot read configuration file %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > SSTPD_CONF_MAX_FILE) {
		perr(ps, "configuration file %s is larger than %d bytes", path,
		    SSTPD_CONF_MAX_FILE);
		goto out;
	}
	parse_file_text(ps, buf, n, path);
out:
	free(buf);
	(void)close(fd);
}

/* The backend's cross-option checks. */
static void
finish_backend(struct pstate *ps)
{
	struct sstpd_conf *conf = ps->real;

	if (conf->backend == SSTPD_BACKEND_PPPD) {
		if (ps->tun_given)
			perr(ps, "--tun cannot be used with --pppd (choose one "
			    "backend)");
		else if (ps->tun_only != NULL &&
		    strcmp(ps->tun_only->name, "ra-lifetime") == 0)
			perr(ps, "--ra-lifetime cannot be used with --pppd "
			    "(sstpd sends no Router Advertisements there: "
			    "radvd on the ppp interfaces can)");
		else if (ps->tun_only != NULL &&
		    (ps->tun_only->flags & F_LINK) != 0)
			perr(ps, "--%s cannot be used with --pppd (pppd's "
			    "options file sets it: mtu, mru, ms-dns, name, "
			    "lcp-echo-interval, lcp-echo-failure, +ipv6)",
			    ps->tun_only->name);
		else if (ps->tun_only != NULL)
			perr(ps, "--%s cannot be used with --pppd (pppd "
			    "authenticates by its own options and runs as "
			    "root)", ps->tun_only->name);
		return;
	}
	if (ps->pppd_only != NULL) {
		perr(ps, "--%s needs --pppd", ps->pppd_only);
		return;
	}
	if (conf->secrets_file == NULL)
		perr(ps, "--secrets is required with the built-in backend "
		    "(who may log in)");
}

/* The front end's cross-option checks. */
static void
finish_front(struct pstate *ps)
{
	struct sstpd_conf *conf = ps->real;

	if (conf->have_cert_sha1 && !conf->allow_sha1) {
		perr(ps, "--cert-hash-sha1 needs --allow-sha1");
		return;
	}
	if (conf->no_tls) {
		if (conf->cert_file != NULL || conf->key_file != NULL)
			perr(ps, "--no-tls cannot be used with --%s (the TLS "
			    "terminator holds the certificate)",
			    conf->cert_file != NULL ? "cert" : "key");
		else if (!conf->have_cert_sha256)
			perr(ps, "--no-tls needs --cert-hash-sha256 (the hash "
			    "of the certificate the terminator serves, for "
			    "the crypto binding)");
		else if (conf->allow_sha1 && !conf->have_cert_sha1)
			perr(ps, "--allow-sha1 with --no-tls needs "
			    "--cert-hash-sha1");
		return;
	}
	if (conf->have_cert_sha256 || conf->have_cert_sha1)
		perr(ps, "--cert-hash-%s is only for --no-tls (with TLS the "
		    "hash is the one of --cert)",
		    conf->have_cert_sha256 ? "sha256" : "sha1");
	else if (conf->cert_file != NULL && conf->key_file == NULL)
		perr(ps, "--cert needs --key");
	else if (conf->key_file != NULL && conf->cert_file == NULL)
		perr(ps, "--key needs --cert");
	else if (conf->cert_file == NULL)
		perr(ps, "--cert and --key are required (or --no-tls behind a "
		    "TLS terminator)");
}

/* The addresses' cross-option checks. */
static void
finish_addresses(struct pstate *ps)
{
	struct sstpd_conf *conf = ps->real;
	uint32_t mask;

	if (conf->pool4_prefix == 0) {
		perr(ps, "--pool is required (the clients' IPv4 addresses)");
		return;
	}
	mask = mask4(conf->pool4_prefix);
	if (conf->local4 != 0 && (conf->local4 & mask) == conf->pool4 &&
	    (conf->local4 == conf->pool4 ||
	    conf->local4 == (conf->pool4 | ~mask)))
		perr(ps, "--local is the network or broadcast address of "
		    "--pool");
	else if (conf->have_pool6 && conf->mtu < IPV6_MIN_MTU)
		perr(ps, "--mtu %u is below IPv6's minimum of %d (needed by "
		    "--pool6)", conf->mtu, IPV6_MIN_MTU);
	else if (conf->ra_lifetime != 0 &&
	    conf->ra_lifetime < ND_MAX_RTR_ADV_INTERVAL_S)
		/* RFC 4861 6.2.1: 0, or MaxRtrAdvInterval to 9000. */
		perr(ps, "--ra-lifetime %u: 0 or %u-%u seconds (RFC 4861 "
		    "6.2.1)", conf->ra_lifetime, ND_MAX_RTR_ADV_INTERVAL_S,
		    ND_ROUTER_LIFETIME_MAX_S);
}

/* Defaults for what neither source gave, then the cross-option checks. */
static void
finish(struct pstate *ps)
{
	struct sstpd_conf *conf = ps->real;
	struct pstate lp;

	if (conf->n_listen == 0) {
		memset(&lp, 0, sizeof lp);
		lp.conf = lp.real = conf;
		opt_listen(&lp, &front_opts[0], DEF_LISTEN);
	}
	if (conf->server_name == NULL || conf->tun_name == NULL ||
	    conf->pppd_path == NULL || conf->plugin_path == NULL ||
	    conf->control_path == NULL) {
		perr_oom(ps);
		return;
	}
	if (conf->mode != SSTPD_RUN && conf->mode != SSTPD_CHECK)
		return;
	finish_front(ps);
	if (!ps->failed)
		finish_backend(ps);
	if (!ps->failed)
		finish_addresses(ps);
}

/* Every setting at its default (sstpd.8 OPTIONS). */
void
sstpd_conf_defaults(struct sstpd_conf *conf)
{
	memset(conf, 0, sizeof *conf);
	conf->mode = SSTPD_RUN;
	conf->auth_offer = DEF_AUTH;
	conf->backend = SSTPD_BACKEND_TUN;
	conf->mtu = DEF_MTU;
	conf->lcp_echo_interval = DEF_LCP_ECHO_INTERVAL;
	conf->lcp_echo_failure = DEF_LCP_ECHO_FAILURE;
	conf->ra_lifetime = ND_ROUTER_LIFETIME_S;
	conf->max_sessions = DEF_MAX_SESSIONS;
	conf->max_per_addr = DEF_MAX_PER_ADDR;
	conf->max_handshakes = DEF_MAX_HANDSHAKES;
	conf->handshake_timeout_s = DEF_HANDSHAKE_TIMEOUT;
	conf->negotiation_timeout_s = DEF_NEGOTIATION_TIMEOUT;
	conf->hello_timeout_s = DEF_HELLO_TIMEOUT;
	/* A failed copy leaves NULL, which the parse reports. */
	(void)set_str(&conf->server_name, DEF_SERVER_NAME);
	(void)set_str(&conf->tun_name, DEF_TUN_NAME);
	(void)set_str(&conf->pppd_path, SSTPC_PPPD_PATH);
	(void)set_str(&conf->plugin_path, DEF_PLUGIN);
	(void)set_str(&conf->control_path, DEF_CONTROL_PATH);
}

/* Start a parse: defaults, the scratch conf, the error buffer. */
static int
parse_begin(struct pstate *ps, struct sstpd_conf *conf,
    struct sstpd_conf *scratch, char *err, size_t errlen)
{
	memset(ps, 0, sizeof *ps);
	sstpd_conf_defaults(conf);
	sstpd_conf_defaults(scratch);
	ps->conf = ps->real = conf;
	ps->scratch = scratch;
	ps->err = err;
	ps->errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	return 0;
}

/* End a parse: the exit status of what happened. */
static int
parse_end(struct pstate *ps)
{
	sstpd_conf_free(ps->scratch);
	if (!ps->failed)
		return 0;
	return ps->oom ? SSTPD_EXIT_FAIL : SSTPD_EXIT_USAGE;
}

/* The command line, then -c FILE, then the defaults (conf.h). */
int
sstpd_conf_parse(struct sstpd_conf *conf, int argc, char **argv, char *err,
    size_t errlen)
{
	struct sstpd_conf scratch;
	struct pstate ps;

	(void)parse_begin(&ps, conf, &scratch, err, errlen);
	parse_argv(&ps, argc, argv);
	if (!ps.failed && (conf->mode == SSTPD_HELP ||
	    conf->mode == SSTPD_VERSION))
		return parse_end(&ps);
	if (!ps.failed && conf->config_file != NULL)
		parse_file(&ps, conf->config_file);
	if (!ps.failed)
		finish(&ps);
	return parse_end(&ps);
}

/*
 * The text of a configuration file alone, as `sstpd -c FILE` with no
 * other option would take it: defaults, the file, the checks.
 */
int
sstpd_conf_parse_text(struct sstpd_conf *conf, const uint8_t *text,
    size_t len, const char *fname, char *err, size_t errlen)
{
	struct sstpd_conf scratch;
	struct pstate ps;

	(void)parse_begin(&ps, conf, &scratch, err, errlen);
	parse_file_text(&ps, text, len, fname);
	if (!ps.failed)
		finish(&ps);
	return parse_end(&ps);
}

/* Free the strings and wipe the rest. */
void
sstpd_conf_free(struct sstpd_conf *conf)
{
	if (conf == NULL)
		return;
	free(conf->cert_file);
	free(conf->key_file);
	free(conf->secrets_file);
	free(conf->server_name);
	free(conf->tun_name);
	free(conf->pppd_path);
	free(conf->pppd_options);
	free(conf->plugin_path);
	free(conf->control_path);
	free(conf->user);
	free(conf->config_file);
	explicit_bzero(conf, sizeof *conf);
}

/* One option's lines of --help (util/help.c: sstpc's layout). */
static void
print_option(FILE *fp, const struct opt_def *o)
{
	char arg[48] = "";

	if (o->arg != ARG_NONE)
		(void)snprintf(arg, sizeof arg, " %s", o->argname);
	help_option(fp, o->short_name, o->name, arg, o->help);
}

/* The --help text, by section, from the option table. */
void
sstpd_conf_help(FILE *fp)
{
	const struct opt_section *sec;
	size_t k;

	fprintf(fp,
	    "Usage: sstpd [options]            serve SSTP\n"
	    "       sstpd --list | --disconnect ID [--control PATH]\n"
	    "\n"
	    "Every option may also be a line of the -c FILE (\"listen "
	    "0.0.0.0:443\");\nthe command line wins over the file.\n");
	for (sec = opt_sections; sec < opt_sections + NELEM(opt_sections);
	    sec++) {
		fprintf(fp, "\n%s:\n", sec->title);
		for (k = 0; k < sec->n; k++)
			print_option(fp, &sec->opts[k]);
	}
	fprintf(fp, "\nSee sstpd(8) for details and exit statuses.\n");
}
