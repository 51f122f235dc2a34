/*
 * cmdline.c - option table, re-entrant argv parser, generated --help
 * (see cmdline.h for the argument rules).
 *
 * Each option is a row {name, argument kind, parser, config field, help}.
 * Generic parsers (a string, a switch, seconds, an absolute path, ...)
 * store into the field the row names; only options with effects beyond
 * their own field have a parser of their own.  A new switch is one row
 * (and its entry in doc/sstpc.8, which tests/check-manpage.sh checks).
 *
 * getopt_long is not used: its state is global (optind, optarg, and glibc's
 * hidden permutation state), the parser must run many times in one process
 * (tests), and pppd arguments after the server must keep their order while
 * sstpc options may still follow the server.  The loop below implements the
 * getopt_long conventions sstp-client 1.0.18 users rely on: "--name value",
 * "--name=value", unique prefixes, last occurrence wins, "--" ends options.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sstpc/cmdline.h"
#include "ppp/ppp_engine.h"
#include "wire/http.h"
#include "util/buf.h"
#include "util/ctype.h"
#include "util/help.h"
#include "util/log.h"
#include "util/nelem.h"
#include "wire/url.h"

enum arg_kind {
	ARG_NONE = 0,
	ARG_REQ,
	ARG_OPT,		/* "=value", or a next path argument */
	ARG_EQ			/* "=value" only (--tun[=NAME]) */
};

/* Parser state for one cmdline_parse() call. */
struct pstate {
	struct sstpc_config *cfg;
	char		*err;
	size_t		 errlen;
	bool		 failed;
	int		 result;	/* 0, CMDLINE_HELP, CMDLINE_VERSION */
	bool		 pw_argv, pw_fd, pw_file;
	bool		 name_is_ip;
	const char	*syslog_path;
	const char	*file_path;
	const char	*tun_opt;	/* first --tun-only option seen */
	const char	*pppd_opt;	/* first pppd-only option seen */
	unsigned	 auth_refused;	/* PPP_AUTH_ALLOW_* of --refuse-* */
	bool		 require_mschapv2;
};

struct opt_def;

/*
 * An option's parser: checks the argument (NULL for ARG_NONE, and for
 * ARG_OPT when none was given) and stores it, or records one error with
 * perr().  An ARG_REQ argument is never empty here.
 */
typedef void opt_fn(struct pstate *, const struct opt_def *, char *val);

/* One option: a row of the table. */
struct opt_def {
	const char	*name;		/* long name, without "--" */
	char		 short_name;	/* also "-c" (ARG_NONE only), or 0 */
	enum arg_kind	 arg;
	const char	*argname;	/* the argument in --help */
	opt_fn		*set;		/* parser/validator, stores the value */
	size_t		 field;		/* what set stores: CFG(member) */
	size_t		 given;		/* opt_str_given: bool "was given" */
	int		 val;		/* set's constant: max, sink, result */
	int		 min;		/* opt_uint's lower bound */
	bool		 secret;	/* the argument is scrubbed from argv */
	bool		 full;		/* matches its full name only */
	bool		 tun_only;	/* refused without --tun */
	bool		 pppd_only;	/* refused with --tun */
	const char	*help;		/* '\n' starts an indented line */
};

/* A titled group of options in --help. */
struct opt_section {
	const char		*title;
	const char		*note;	/* lines under the title, or NULL */
	const struct opt_def	*opts;
	size_t			 n;
};

/* Row helpers: the field, and the name with the kind of argument. */
#define CFG(f)		offsetof(struct sstpc_config, f)
#define FLAG(n)		.name = (n), .arg = ARG_NONE
#define REQ(n, a)	.name = (n), .arg = ARG_REQ, .argname = (a)
#define OPT(n, a)	.name = (n), .arg = ARG_OPT, .argname = (a)
#define EQ(n, a)	.name = (n), .arg = ARG_EQ, .argname = (a)
/* A row of the built-in PPP group: full name only, needs --tun. */
#define BUILTIN		.full = true, .tun_only = true

/* The parsers (below the table): generic ones, then the special options. */
static opt_fn opt_str, opt_str_given, opt_abs_path, opt_true, opt_seconds,
    opt_int, opt_tls_version, opt_log_sink, opt_result;
static opt_fn opt_pin, opt_host, opt_sni, opt_tls_ext, opt_proxy, opt_uuid,
    opt_user, opt_password, opt_password_fd, opt_password_file, opt_ipparam;
static opt_fn opt_uint, opt_tun, opt_tun_fd, opt_refuse, opt_require_mschapv2,
    opt_route, opt_script;

/*
 * The option table, by --help section: the parser, --help, the man page
 * check (tests/check-manpage.sh) and the tests all use it.  Every option
 * name of sstp-client 1.0.18 is here (REFERENCE-CLIENT.md 2).
 */
static const struct opt_def tls_opts[] = {
	{ REQ("ca-cert", "FILE"), .set = opt_str, .field = CFG(ca_cert),
	  .help = "also trust the CA certificates in FILE (PEM)" },
	{ REQ("ca-path", "DIR"), .set = opt_str, .field = CFG(ca_path),
	  .help = "also trust the hashed CA directory DIR" },
	{ REQ("crl-file", "FILE"), .set = opt_str, .field = CFG(crl_file),
	  .help = "check revocation against the CRLs in FILE (PEM)" },
	{ REQ("crl-path", "DIR"), .set = opt_str, .field = CFG(crl_path),
	  .help = "check revocation against the hashed CRL directory" },
	{ FLAG("cert-warn"), .set = opt_true, .field = CFG(cert_warn),
	  .help = "only warn when the chain or name check fails\n"
	    "(insecure; prefer --server-cert-sha256)" },
	{ REQ("server-cert-sha256", "HEX"),
	  .set = opt_pin, .field = CFG(pin_sha256),
	  .help = "accept only a server certificate with this SHA-256\n"
	    "(64 hex digits, colons allowed)" },
	{ REQ("host", "NAME"), .set = opt_host, .field = CFG(host_override),
	  .help = "name for Host:, SNI and the certificate check\n"
	    "(default: the server's host)" },
	{ REQ("sni", "NAME"), .set = opt_sni, .field = CFG(sni_arg),
	  .help = "send NAME as TLS server name (SNI)" },
	{ FLAG("no-sni"), .set = opt_true, .field = CFG(no_sni),
	  .help = "send no SNI (default: the server's host name)" },
	{ FLAG("tls-ext"), .set = opt_tls_ext, .field = CFG(tls_ext),
	  .help = "send SNI (accepted for compatibility: the default)" },
	{ REQ("tls-min", "VER"), .set = opt_tls_version, .field = CFG(tls_min),
	  .help = "lowest TLS version: 1.0, 1.1, 1.2, 1.3 (default 1.2)" },
	{ REQ("tls-max", "VER"), .set = opt_tls_version, .field = CFG(tls_max),
	  .help = "highest TLS version (default: highest supported)" },
	{ FLAG("require-sha256"), .set = opt_true, .field = CFG(require_sha256),
	  .help = "refuse servers offering only SHA-1 crypto binding" },
};

static const struct opt_def conn_opts[] = {
	{ REQ("proxy", "URL"),
	  .set = opt_proxy, .field = CFG(proxy), .secret = true,
	  .help = "HTTP proxy http://[user[:pass]@]host[:port]\n"
	    "(default port 80)" },
	{ FLAG("proxy-env"), .set = opt_true, .field = CFG(proxy_env),
	  .help = "use $https_proxy or $http_proxy, and $no_proxy" },
	{ REQ("connect-timeout", "SEC"),
	  .set = opt_seconds, .field = CFG(connect_timeout),
	  .help = "TCP connect timeout (default 10)" },
	{ REQ("handshake-timeout", "SEC"),
	  .set = opt_seconds, .field = CFG(handshake_timeout),
	  .help = "TLS and HTTP handshake timeout (default 60)" },
	{ REQ("hello-interval", "SEC"),
	  .set = opt_seconds, .field = CFG(hello_interval),
	  .help = "SSTP echo after SEC idle seconds (default 60)" },
	{ FLAG("save-server-route"),
	  .set = opt_true, .field = CFG(save_server_route),
	  .help = "keep a host route to the server (root only)" },
	{ REQ("uuid", "ID"), .set = opt_uuid, .field = CFG(uuid),
	  .help = "SSTP correlation ID (default: a random GUID)" },
};

static const struct opt_def auth_opts[] = {
	{ REQ("user", "NAME"), .set = opt_user, .field = CFG(user),
	  .help = "PPP user name (passed to pppd as 'user NAME')" },
	{ REQ("password", "PASS"),
	  .set = opt_password, .field = CFG(password), .secret = true,
	  .help = "PPP password (discouraged: visible to other local\n"
	    "users until scrubbed; use --password-fd)" },
	{ REQ("password-fd", "N"),
	  .set = opt_password_fd, .field = CFG(password_fd),
	  .help = "read the password from file descriptor N" },
	{ REQ("password-file", "FILE"),
	  .set = opt_password_file, .field = CFG(password_file),
	  .help = "read the password from the first line of FILE" },
	{ FLAG("eap-auth"), .set = opt_true, .field = CFG(eap_auth),
	  .pppd_only = true,
	  .help = "EAP-MSCHAPv2 inside sstpc (not implemented yet)" },
};

static const struct opt_def pppd_opts[] = {
	{ FLAG("nolaunchpppd"), .set = opt_true, .field = CFG(nolaunchpppd),
	  .pppd_only = true,
	  .help = "do not start pppd: stdin/stdout is pppd's pty" },
	{ REQ("pppd", "PATH"), .set = opt_abs_path, .field = CFG(pppd_path),
	  .pppd_only = true,
	  .help = "pppd to launch (default " SSTPC_PPPD_PATH ")" },
	{ REQ("ipparam", "NAME"), .set = opt_ipparam, .field = CFG(ipparam),
	  .pppd_only = true,
	  .help = "plugin socket " SSTPC_RUNTIME_DIR "/sstpc-NAME" },
};

/*
 * The built-in PPP mode (issue 12): pppd's option names with pppd's
 * meaning where pppd has one.  Rows are matched by full name only
 * (cmdline.h); finish_tun() does the cross-option checks.
 */
static const struct opt_def tun_opts[] = {
	{ EQ("tun", "NAME"), .full = true, .set = opt_tun,
	  .field = CFG(tun_name),
	  .help = "PPP in sstpc on TUN device NAME, created if absent\n"
	    "(default: a new sstpN)" },
	{ REQ("tun-fd", "N"), .full = true, .set = opt_tun_fd,
	  .field = CFG(tun_fd),
	  .help = "the TUN device open on descriptor N (3 or more,\n"
	    "from a launcher); implies --tun" },
	{ REQ("mtu", "N"), BUILTIN, .set = opt_uint, .field = CFG(mtu),
	  .min = CFG_MRU_MIN, .val = CFG_MRU_MAX,
	  .help = "largest packet to send, 128-4087\n"
	    "(default: what the server's MRU allows)" },
	{ REQ("mru", "N"), BUILTIN, .set = opt_uint, .field = CFG(mru),
	  .min = CFG_MRU_MIN, .val = CFG_MRU_MAX,
	  .help = "largest packet to receive, 128-4087 (default 1500)" },
	{ FLAG("noip"), BUILTIN, .set = opt_true, .field = CFG(noip),
	  .help = "no IPv4 (IPCP): IPv6 only" },
	{ FLAG("noipv6"), BUILTIN, .set = opt_true, .field = CFG(noipv6),
	  .help = "no IPv6 (IPV6CP): IPv4 only" },
	{ FLAG("defaultroute"), BUILTIN, .set = opt_true,
	  .field = CFG(defaultroute),
	  .help = "IPv4 default route through the tunnel" },
	{ REQ("route", "CIDR"), BUILTIN, .set = opt_route,
	  .field = CFG(routes),
	  .help = "route the network CIDR through the tunnel\n"
	    "(IPv4 or IPv6, repeatable)" },
	{ FLAG("usepeerdns"), BUILTIN, .set = opt_true,
	  .field = CFG(usepeerdns),
	  .help = "use the DNS servers the server names" },
	{ REQ("script", "CMD"), BUILTIN, .set = opt_script,
	  .field = CFG(script),
	  .help = "configure the host with a vpnc-script: CMD, run\n"
	    "by /bin/sh -c (default: sstpc itself, as root)" },
	{ FLAG("refuse-pap"), BUILTIN, .set = opt_refuse,
	  .val = PPP_AUTH_ALLOW_PAP,
	  .help = "do not authenticate with PAP" },
	{ FLAG("refuse-chap"), BUILTIN, .set = opt_refuse,
	  .val = PPP_AUTH_ALLOW_CHAP_MD5,
	  .help = "do not authenticate with CHAP-MD5" },
	{ FLAG("refuse-mschap-v2"), BUILTIN, .set = opt_refuse,
	  .val = PPP_AUTH_ALLOW_MSCHAPV2,
	  .help = "do not authenticate with MS-CHAPv2" },
	{ FLAG("refuse-eap"), BUILTIN, .set = opt_refuse,
	  .val = PPP_AUTH_ALLOW_EAP,
	  .help = "do not authenticate with EAP (EAP-MSCHAPv2)" },
	{ FLAG("require-mschap-v2"), BUILTIN, .set = opt_require_mschapv2,
	  .help = "authenticate with MS-CHAPv2 only" },
	{ FLAG("require-mppe"), BUILTIN, .set = opt_true,
	  .field = CFG(require_mppe),
	  .help = "fail unless the server agrees to MPPE" },
	{ FLAG("nomppe"), BUILTIN, .set = opt_true, .field = CFG(nomppe),
	  .help = "refuse MPPE even when the server insists" },
	{ REQ("lcp-echo-interval", "SEC"), BUILTIN, .set = opt_uint,
	  .field = CFG(lcp_echo_interval), .val = CFG_TIMEOUT_MAX,
	  .help = "LCP echo after SEC idle seconds, 0 none\n"
	    "(default 30)" },
	{ REQ("lcp-echo-failure", "N"), BUILTIN, .set = opt_uint,
	  .field = CFG(lcp_echo_failure), .val = CFG_LCP_ECHO_FAILURE_MAX,
	  .help = "the server is dead after N unanswered echoes,\n"
	    "0 never (default 4)" },
	{ FLAG("persist"), BUILTIN, .set = opt_true, .field = CFG(persist),
	  .help = "reconnect when the connection is lost" },
	{ REQ("maxfail", "N"), BUILTIN, .set = opt_uint, .field = CFG(maxfail),
	  .val = CFG_MAXFAIL_MAX,
	  .help = "with --persist: give up after N failed attempts\n"
	    "in a row, 0 never (default 10)" },
	{ REQ("holdoff", "SEC"), BUILTIN, .set = opt_seconds,
	  .field = CFG(holdoff),
	  .help = "with --persist: wait up to SEC seconds between\n"
	    "attempts (1-3600, default 30)" },
};

static const struct opt_def priv_opts[] = {
	{ REQ("priv-user", "USER"),
	  .set = opt_str_given, .field = CFG(priv_user),
	  .given = CFG(priv_user_given),
	  .help = "switch to USER (default " SSTPC_PRIV_USER ")" },
	{ REQ("priv-group", "GROUP"),
	  .set = opt_str_given, .field = CFG(priv_group),
	  .given = CFG(priv_group_given),
	  .help = "switch to GROUP (default " SSTPC_PRIV_GROUP ")" },
	{ REQ("priv-dir", "DIR"), .set = opt_abs_path, .field = CFG(priv_dir),
	  .help = "chroot to DIR (default " SSTPC_RUNTIME_DIR ")" },
	{ FLAG("allow-root"), .set = opt_true, .field = CFG(allow_root),
	  .help = "keep running as root when neither the default user\n"
	    "nor nobody exists; without CAP_SETUID/SETGID stay\n"
	    "uid 0 with no capabilities (else sstpc refuses\n"
	    "to run)" },
};

static const struct opt_def log_opts[] = {
	{ REQ("log-level", "N"),
	  .set = opt_int, .field = CFG(log.level), .val = LOG_LVL_MAX,
	  .help = "0 error, 1 warn, 2 info, 3 debug, 4 packets,\n"
	    "5 trace, 6 hex dump (default 0)" },
	{ OPT("log-syslog", "SOCK"),
	  .set = opt_log_sink, .field = CFG(log.sink), .val = LOG_SINK_SYSLOG,
	  .help = "log to syslog (default), via socket SOCK if given" },
	{ FLAG("log-stderr"),
	  .set = opt_log_sink, .field = CFG(log.sink), .val = LOG_SINK_STDERR,
	  .help = "log to standard error" },
	{ FLAG("log-stdout"),
	  .set = opt_log_sink, .field = CFG(log.sink), .val = LOG_SINK_STDOUT,
	  .help = "log to standard output" },
	{ OPT("log-file", "PATH"),
	  .set = opt_log_sink, .field = CFG(log.sink), .val = LOG_SINK_FILE,
	  .help = "log to PATH (default " CFG_LOG_FILE_DEFAULT ")" },
	{ REQ("log-ident", "NAME"), .set = opt_str, .field = CFG(log.ident),
	  .help = "syslog ident (default: the program name)" },
	{ REQ("log-token", "LIST"), .set = opt_str, .field = CFG(log.filter),
	  .help = "log only from these comma-separated source files" },
	{ REQ("log-filter", "LIST"), .set = opt_str, .field = CFG(log.filter),
	  .help = "same as --log-token" },
	{ FLAG("log-lineno"), .set = opt_true, .field = CFG(log.lineno),
	  .help = "add file:line to each message" },
	{ FLAG("debug"), .set = opt_true, .field = CFG(debug),
	  .help = "log at level 3 (debug) or above" },
	{ FLAG("debug-keys"), .set = opt_true, .field = CFG(log.debug_keys),
	  .help = "allow key material in logs (debugging only)" },
};

static const struct opt_def misc_opts[] = {
	{ FLAG("help"), .set = opt_result, .val = CMDLINE_HELP,
	  .help = "print this help and exit" },
	{ FLAG("version"), .short_name = 'v',
	  .set = opt_result, .val = CMDLINE_VERSION,
	  .help = "print the version and exit" },
};

static const struct opt_section opt_sections[] = {
	{ "Server certificate and TLS", NULL, tls_opts, NELEM(tls_opts) },
	{ "Connection", NULL, conn_opts, NELEM(conn_opts) },
	{ "Authentication", NULL, auth_opts, NELEM(auth_opts) },
	{ "pppd", NULL, pppd_opts, NELEM(pppd_opts) },
	{ "Built-in PPP (--tun)",
	  "sstpc does PPP itself on a TUN device: no pppd, no pty.  These\n"
	  "options are written in full; all but --tun and --tun-fd need --tun.",
	  tun_opts, NELEM(tun_opts) },
	{ "Privileges (after the session is up, when run as root)", NULL,
	  priv_opts, NELEM(priv_opts) },
	{ "Logging", NULL, log_opts, NELEM(log_opts) },
	{ "Other", NULL, misc_opts, NELEM(misc_opts) },
};

/* Record the first error only. */
static void __attribute__((format(printf, 2, 3)))
perr(struct pstate *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = true;
	if (ps->errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
}

/* Wipe an argument (a secret) in place. */
static void
scrub(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
}

/* Decimal lo..hi; -1 if not a number or out of range. */
static int
parse_num(const char *s, unsigned long lo, unsigned long hi,
    unsigned long *out)
{
	unsigned long v = 0, d;
	size_t i;

	if (s[0] == '\0')
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (!is_digit((uint8_t)s[i]))
			return -1;
		d = (unsigned long)(s[i] - '0');
		if (v > hi / 10 || v * 10 + d > hi)
			return -1;
		v = v * 10 + d;
	}
	if (v < lo)
		return -1;
	*out = v;
	return 0;
}

/* 64 hex digits, optionally with colons between bytes. */
static int
parse_pin(const char *s, uint8_t out[CFG_PIN_LEN])
{
	size_t i, n = 0;
	int hi = -1, v;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == ':') {
			if (hi >= 0 || n == 0)
				return -1;
			continue;
		}
		if ((v = hex_val((uint8_t)s[i])) < 0)
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == CFG_PIN_LEN)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return n == CFG_PIN_LEN && hi < 0 && s[i - 1] != ':' ? 0 : -1;
}

/* "1.0".."1.3" as CFG_TLS_x, or -1. */
static int
parse_tls_version(const char *s)
{
	if (strcmp(s, "1.0") == 0)
		return CFG_TLS_1_0;
	if (strcmp(s, "1.1") == 0)
		return CFG_TLS_1_1;
	if (strcmp(s, "1.2") == 0)
		return CFG_TLS_1_2;
	if (strcmp(s, "1.3") == 0)
		return CFG_TLS_1_3;
	return -1;
}

/* CFG_TLS_x as "1.0".."1.3". */
static const char *
tls_version_name(int v)
{
	switch (v) {
	case CFG_TLS_1_0:
		return "1.0";
	case CFG_TLS_1_1:
		return "1.1";
	case CFG_TLS_1_2:
		return "1.2";
	default:
		return "1.3";
	}
}

/* A bare host name or address (no scheme, port, credentials, path). */
static int
parse_bare_host(const char *s, struct url *u)
{
	if (url_parse(u, s, URL_SERVER, NULL) != 0)
		return -1;
	if (u->scheme[0] != '\0' || u->port_given || u->has_user ||
	    u->path[0] != '\0') {
		url_clear(u);
		return -1;
	}
	return 0;
}

/*
 * The parsers of the table.  Generic ones store into the row's field; the
 * options that really are special (secrets, cross-field effects,
 * validation with their own message) have their own, after them.
 */

/* The config field at offset off. */
static void *
opt_field(struct pstate *ps, size_t off)
{
	return (char *)ps->cfg + off;
}

/* A string (it points into argv, which outlives the run). */
static void
opt_str(struct pstate *ps, const struct opt_def *o, char *val)
{
	const char **dst = opt_field(ps, o->field);

	*dst = val;
}

/* A string that overrides a configured default: also set o->given. */
static void
opt_str_given(struct pstate *ps, const struct opt_def *o, char *val)
{
	bool *given = opt_field(ps, o->given);

	opt_str(ps, o, val);
	*given = true;
}

/* An absolute path. */
static void
opt_abs_path(struct pstate *ps, const struct opt_def *o, char *val)
{
	if (val[0] != '/') {
		perr(ps, "--%s needs an absolute path, not '%s'", o->name,
		    val);
		return;
	}
	opt_str(ps, o, val);
}

/* A switch: the bool field becomes true. */
static void
opt_true(struct pstate *ps, const struct opt_def *o, char *val)
{
	bool *dst = opt_field(ps, o->field);

	*dst = true;
}

/* Seconds, 1 to CFG_TIMEOUT_MAX, into an unsigned field. */
static void
opt_seconds(struct pstate *ps, const struct opt_def *o, char *val)
{
	unsigned *dst = opt_field(ps, o->field);
	unsigned long v;

	if (parse_num(val, 1, CFG_TIMEOUT_MAX, &v) != 0) {
		perr(ps, "--%s needs a number of seconds from 1 to %d, "
		    "not '%s'", o->name, CFG_TIMEOUT_MAX, val);
		return;
	}
	*dst = (unsigned)v;
}

/* A number from 0 to o->val into an int field. */
static void
opt_int(struct pstate *ps, const struct opt_def *o, char *val)
{
	int *dst = opt_field(ps, o->field);
	unsigned long v;

	if (parse_num(val, 0, (unsigned long)o->val, &v) != 0) {
		perr(ps, "--%s needs a number from 0 to %d, not '%s'",
		    o->name, o->val, val);
		return;
	}
	*dst = (int)v;
}

/* A TLS version into an int field (CFG_TLS_x). */
static void
opt_tls_version(struct pstate *ps, const struct opt_def *o, char *val)
{
	int *dst = opt_field(ps, o->field);
	int v;

	if ((v = parse_tls_version(val)) < 0) {
		perr(ps, "--%s needs 1.0, 1.1, 1.2 or 1.3, not '%s'", o->name,
		    val);
		return;
	}
	*dst = v;
}

/* The log sink o->val; syslog and file keep their optional path. */
static void
opt_log_sink(struct pstate *ps, const struct opt_def *o, char *val)
{
	enum log_sink *dst = opt_field(ps, o->field);

	*dst = (enum log_sink)o->val;
	if (o->val == LOG_SINK_SYSLOG)
		ps->syslog_path = val;
	else if (o->val == LOG_SINK_FILE)
		ps->file_path = val;
}

/* --help, --version: what cmdline_parse() returns (the first one wins). */
static void
opt_result(struct pstate *ps, const struct opt_def *o, char *val)
{
	if (ps->result == 0)
		ps->result = o->val;
}

/* --server-cert-sha256: the leaf certificate's SHA-256. */
static void
opt_pin(struct pstate *ps, const struct opt_def *o, char *val)
{
	struct sstpc_config *cfg = ps->cfg;

	cfg->has_pin = parse_pin(val, cfg->pin_sha256) == 0;
	if (!cfg->has_pin) {
		explicit_bzero(cfg->pin_sha256, sizeof cfg->pin_sha256);
		perr(ps, "--%s needs 64 hex digits (colons between bytes "
		    "allowed)", o->name);
	}
}

/* --host: also the name for Host:, SNI and the certificate check. */
static void
opt_host(struct pstate *ps, const struct opt_def *o, char *val)
{
	struct sstpc_config *cfg = ps->cfg;
	struct url tmp;

	if (parse_bare_host(val, &tmp) != 0) {
		perr(ps, "bad --%s name '%s'", o->name, val);
		return;
	}
	opt_str(ps, o, val);
	(void)snprintf(cfg->name, sizeof cfg->name, "%s", tmp.host);
	ps->name_is_ip = tmp.host_type != URL_HOST_NAME;
	url_clear(&tmp);
}

/* --sni: a DNS name (RFC 6066 section 3); undoes --no-sni. */
static void
opt_sni(struct pstate *ps, const struct opt_def *o, char *val)
{
	struct url tmp;

	if (parse_bare_host(val, &tmp) != 0 ||
	    tmp.host_type != URL_HOST_NAME) {
		perr(ps, "--%s needs a DNS name, not '%s'", o->name, val);
		return;
	}
	url_clear(&tmp);
	opt_str(ps, o, val);
	ps->cfg->no_sni = false;
}

/* --tls-ext: XX: 1.0.18 sent SNI only with it; now the default. */
static void
opt_tls_ext(struct pstate *ps, const struct opt_def *o, char *val)
{
	opt_true(ps, o, val);
	ps->cfg->no_sni = false;
}

/* --proxy: parsed now, and wiped from argv when it may hold credentials. */
static void
opt_proxy(struct pstate *ps, const struct opt_def *o, char *val)
{
	struct sstpc_config *cfg = ps->cfg;
	const char *why = NULL;

	cfg->has_proxy = url_parse(&cfg->proxy, val, URL_PROXY, &why) == 0;
	if (strchr(val, '@') != NULL)
		scrub(val);
	if (!cfg->has_proxy)
		perr(ps, "bad --%s URL: %s", o->name, why);
}

/* --uuid: goes into an HTTP header, so no spaces, quotes or controls. */
static void
opt_uuid(struct pstate *ps, const struct opt_def *o, char *val)
{
	if (strlen(val) > HTTP_CORRELATION_MAX ||
	    val[strcspn(val, " \t\r\n\"")] != '\0' || str_has_ctl(val)) {
		perr(ps, "bad --%s (at most %d printable characters, "
		    "no spaces)", o->name, HTTP_CORRELATION_MAX);
		return;
	}
	opt_str(ps, o, val);
}

/* --user: goes to pppd's options and the EAP identity. */
static void
opt_user(struct pstate *ps, const struct opt_def *o, char *val)
{
	if (strlen(val) >= CFG_USER_MAX || str_has_ctl(val)) {
		perr(ps, "bad --%s (at most %d bytes, no control characters)",
		    o->name, CFG_USER_MAX - 1);
		return;
	}
	opt_str(ps, o, val);
}

/* --password: copied into the config and wiped from argv at once. */
static void
opt_password(struct pstate *ps, const struct opt_def *o, char *val)
{
	struct sstpc_config *cfg = ps->cfg;
	size_t n = strlen(val);

	explicit_bzero(cfg->password, sizeof cfg->password);
	cfg->has_password = false;
	if (n >= sizeof cfg->password)
		perr(ps, "--%s is too long (at most %zu bytes)", o->name,
		    sizeof cfg->password - 1);
	else {
		memcpy(cfg->password, val, n);
		cfg->password[n] = '\0';
		cfg->has_password = true;
	}
	ps->pw_argv = true;
	scrub(val);
}

/* --password-fd: a descriptor number. */
static void
opt_password_fd(struct pstate *ps, const struct opt_def *o, char *val)
{
	int *dst = opt_field(ps, o->field);
	unsigned long v;

	if (parse_num(val, 0, CFG_FD_MAX, &v) != 0) {
		perr(ps, "--%s needs a descriptor number (0 or more), "
		    "not '%s'", o->name, val);
		return;
	}
	*dst = (int)v;
	ps->pw_fd = true;
}

/* --password-file: a path, read later by cmdline_load_password(). */
static void
opt_password_file(struct pstate *ps, const struct opt_def *o, char *val)
{
	opt_str(ps, o, val);
	ps->pw_file = true;
}

/* --ipparam: names a socket, RUNDIR/sstpc-NAME must fit sun_path. */
static void
opt_ipparam(struct pstate *ps, const struct opt_def *o, char *val)
{
	size_t maxlen = 107 - strlen(SSTPC_RUNTIME_DIR "/sstpc-");

	if (strlen(val) > maxlen || strchr(val, '/') != NULL ||
	    str_has_ctl(val)) {
		perr(ps, "bad --%s (at most %zu characters, no '/')", o->name,
		    maxlen);
		return;
	}
	opt_str(ps, o, val);
}

/* A number from o->min to o->val into an unsigned field. */
static void
opt_uint(struct pstate *ps, const struct opt_def *o, char *val)
{
	unsigned *dst = opt_field(ps, o->field);
	unsigned long v;

	if (parse_num(val, (unsigned long)o->min, (unsigned long)o->val,
	    &v) != 0) {
		perr(ps, "--%s needs a number from %d to %d, not '%s'",
		    o->name, o->min, o->val, val);
		return;
	}
	*dst = (unsigned)v;
}

/*
 * An interface name the kernel would take (dev_valid_name): 1 to
 * IFNAMSIZ - 1 bytes, not "." or "..", no '/', ':' (alias syntax) or
 * blanks; no control characters either, since it is logged and handed to
 * a script.
 */
static bool
tun_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= CFG_TUN_NAME_MAX && strcmp(s, ".") != 0 &&
	    strcmp(s, "..") != 0 && s[strcspn(s, "/: \t\n\v\f\r")] == '\0' &&
	    !str_has_ctl(s);
}

/* --tun[=NAME]: the built-in mode; NAME or, alone, a kernel-picked name. */
static void
opt_tun(struct pstate *ps, const struct opt_def *o, char *val)
{
	struct sstpc_config *cfg = ps->cfg;

	if (val != NULL && !tun_name_ok(val)) {
		perr(ps, "bad --%s interface name '%s' (1 to %d characters, "
		    "no '/', ':' or blanks, not '.' or '..')", o->name, val,
		    CFG_TUN_NAME_MAX);
		return;
	}
	cfg->tun = true;
	cfg->tun_name = val;
}

/* --tun-fd N: a TUN descriptor from a launcher; implies --tun. */
static void
opt_tun_fd(struct pstate *ps, const struct opt_def *o, char *val)
{
	struct sstpc_config *cfg = ps->cfg;
	unsigned long v;

	if (parse_num(val, 3, CFG_FD_MAX, &v) != 0) {
		perr(ps, "--%s needs a descriptor number from 3 to %d "
		    "(0-2 are the standard streams), not '%s'", o->name,
		    CFG_FD_MAX, val);
		return;
	}
	cfg->tun_fd = (int)v;
	cfg->tun = true;
}

/* --refuse-*: the method o->val is no longer allowed. */
static void
opt_refuse(struct pstate *ps, const struct opt_def *o, char *val)
{
	ps->auth_refused |= (unsigned)o->val;
}

/* --require-mschap-v2: MS-CHAPv2 is the only method allowed. */
static void
opt_require_mschapv2(struct pstate *ps, const struct opt_def *o, char *val)
{
	ps->require_mschapv2 = true;
}

/* One decimal number, no sign, no leading zero, at most max. */
static int
cur_decimal(struct bcur *c, unsigned max, unsigned *out)
{
	unsigned v = 0;
	size_t n = 0;
	uint8_t b;

	while (bcur_peek_u8(c, 0, &b) == 0 && is_digit(b)) {
		if (n > 0 && v == 0)
			return -1;
		v = v * 10 + (unsigned)(b - '0');
		if (v > max)
			return -1;
		(void)bcur_skip(c, 1);
		n++;
	}
	if (n == 0)
		return -1;
	*out = v;
	return 0;
}

/* Dotted-quad IPv4 (RFC 791 text form: four decimals 0-255). */
static int
cur_ipv4(struct bcur *c, uint8_t out[4])
{
	unsigned v;
	uint8_t b;
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0 && (bcur_get_u8(c, &b) != 0 || b != '.'))
			return -1;
		if (cur_decimal(c, 255, &v) != 0)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* Number of hex digits at the cursor (not consumed). */
static size_t
cur_hex_run(const struct bcur *c)
{
	size_t n = 0;
	uint8_t b;

	while (bcur_peek_u8(c, n, &b) == 0 && hex_val(b) >= 0)
		n++;
	return n;
}

/*
 * IPv6 text form (RFC 4291 section 2.2): eight groups of 1-4 hex digits,
 * at most one "::" for one or more zero groups, optionally a dotted IPv4
 * address as the last 32 bits.  No zone index.
 */
static int
cur_ipv6(struct bcur *c, uint8_t out[16])
{
	uint16_t g[8];
	size_t nd, k;
	int n = 0, gap = -1, v;
	uint8_t b, b2, v4[4];
	bool need = true;	/* a group must follow */

	if (bcur_peek_u8(c, 0, &b) == 0 && b == ':') {
		if (bcur_peek_u8(c, 1, &b2) != 0 || b2 != ':')
			return -1;
		(void)bcur_skip(c, 2);
		gap = 0;
		need = false;
	}
	for (;;) {
		nd = cur_hex_run(c);
		if (nd == 0) {
			if (need)
				return -1;
			break;
		}
		if (bcur_peek_u8(c, nd, &b) == 0 && b == '.') {
			/* The IPv4 tail: two groups, and the end. */
			if (n > 6 || cur_ipv4(c, v4) != 0)
				return -1;
			g[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
			g[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
			break;
		}
		if (nd > 4 || n == 8)
			return -1;
		for (k = 0, v = 0; k < nd; k++) {
			(void)bcur_get_u8(c, &b);
			v = v << 4 | hex_val(b);
		}
		g[n++] = (uint16_t)v;
		if (bcur_peek_u8(c, 0, &b) != 0 || b != ':')
			break;
		(void)bcur_skip(c, 1);
		need = true;
		if (bcur_peek_u8(c, 0, &b) == 0 && b == ':') {
			if (gap >= 0)
				return -1;
			(void)bcur_skip(c, 1);
			gap = n;
			need = false;
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return -1;
	memset(out, 0, 16);
	for (k = 0; k < (size_t)n; k++) {
		/* Groups after the gap go to the end. */
		size_t at = gap >= 0 && (int)k >= gap ? k + (size_t)(8 - n) :
		    k;

		out[2 * at] = (uint8_t)(g[k] >> 8);
		out[2 * at + 1] = (uint8_t)g[k];
	}
	return 0;
}

/*
 * ADDRESS/PREFIXLEN, IPv4 or IPv6, the whole string (no blanks, zone or
 * trailing bytes).  Returns 0, or -1 with *why set.
 */
static int
parse_cidr(const char *s, struct cfg_route *r, const char **why)
{
	struct bcur c = bcur_make(s, strlen(s)), addr;
	long slash = bcur_find(&c, '/');
	unsigned plen, max;

	memset(r, 0, sizeof *r);
	if (slash < 0) {
		*why = "no /PREFIXLEN";
		return -1;
	}
	(void)bcur_get_view(&c, (size_t)slash, &addr);
	(void)bcur_skip(&c, 1);
	if (bcur_find(&addr, ':') >= 0) {
		r->family = AF_INET6;
		max = 128;
		if (cur_ipv6(&addr, r->addr) != 0 || bcur_left(&addr) != 0) {
			*why = "not an IPv6 address";
			return -1;
		}
	} else {
		r->family = AF_INET;
		max = 32;
		if (cur_ipv4(&addr, r->addr) != 0 || bcur_left(&addr) != 0) {
			*why = "not an IPv4 address";
			return -1;
		}
	}
	if (cur_decimal(&c, max, &plen) != 0 || bcur_left(&c) != 0) {
		*why = max == 32 ? "prefix length is not 0 to 32" :
		    "prefix length is not 0 to 128";
		return -1;
	}
	r->prefixlen = (uint8_t)plen;
	return 0;
}

/* Does r have bits set beyond its prefix?  Clears them into *net. */
static bool
route_host_bits(const struct cfg_route *r, struct cfg_route *net)
{
	size_t i, len = r->family == AF_INET ? 4 : 16;
	unsigned keep;
	bool set = false;

	*net = *r;
	for (i = 0; i < len; i++) {
		keep = r->prefixlen >= 8 * (i + 1) ? 8 :
		    r->prefixlen > 8 * i ? r->prefixlen - 8 * i : 0;
		net->addr[i] &= (uint8_t)(0xff00u >> keep);
		set |= net->addr[i] != r->addr[i];
	}
	return set;
}

/* A route as "address/len" (for messages). */
static void
route_text(const struct cfg_route *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(r->family, r->addr, a, sizeof a) == NULL)
		(void)snprintf(a, sizeof a, "?");
	(void)snprintf(buf, len, "%s/%u", a, r->prefixlen);
}

/* --route CIDR: repeatable; a repeated network is kept once. */
static void
opt_route(struct pstate *ps, const struct opt_def *o, char *val)
{
	struct sstpc_config *cfg = ps->cfg;
	struct cfg_route r, net, *nr;
	const char *why = NULL;
	char text[INET6_ADDRSTRLEN + 8];
	size_t i;

	if (parse_cidr(val, &r, &why) != 0) {
		perr(ps, "bad --%s '%s': %s (want ADDRESS/PREFIXLEN, IPv4 or "
		    "IPv6)", o->name, val, why);
		return;
	}
	if (route_host_bits(&r, &net)) {
		route_text(&net, text, sizeof text);
		perr(ps, "--%s %s has host bits set (the network is %s)",
		    o->name, val, text);
		return;
	}
	for (i = 0; i < cfg->n_routes; i++)
		if (memcmp(&cfg->routes[i], &r, sizeof r) == 0)
			return;
	if (cfg->n_routes == CFG_ROUTES_MAX) {
		perr(ps, "too many --%s (at most %d)", o->name,
		    CFG_ROUTES_MAX);
		return;
	}
	nr = realloc(cfg->routes, (cfg->n_routes + 1) * sizeof *nr);
	if (nr == NULL) {
		perr(ps, "out of memory");
		return;
	}
	cfg->routes = nr;
	cfg->routes[cfg->n_routes++] = r;
}

/* --script CMD: a command line for /bin/sh -c, passed on as given. */
static void
opt_script(struct pstate *ps, const struct opt_def *o, char *val)
{
	if (strlen(val) > CFG_SCRIPT_MAX || str_has_ctl(val)) {
		perr(ps, "bad --%s (at most %d bytes, no control characters)",
		    o->name, CFG_SCRIPT_MAX);
		return;
	}
	opt_str(ps, o, val);
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

/* The option with this short name, or NULL. */
static const struct opt_def *
opt_short(char c)
{
	const struct opt_def *o;
	size_t k;

	for (k = 0; (o = opt_at(k)) != NULL; k++)
		if (c != '\0' && o->short_name == c)
			return o;
	return NULL;
}

/* Run the option's parser on its argument. */
static void
apply_option(struct pstate *ps, const struct opt_def *o, char *val)
{
	if ((o->arg == ARG_REQ && (val == NULL || val[0] == '\0')) ||
	    (o->arg == ARG_EQ && val != NULL && val[0] == '\0')) {
		perr(ps, "empty argument for --%s", o->name);
		return;
	}
	if (o->tun_only && ps->tun_opt == NULL)
		ps->tun_opt = o->name;
	if (o->pppd_only && ps->pppd_opt == NULL)
		ps->pppd_opt = o->name;
	o->set(ps, o, val);
}

/*
 * Handle the option at argv[i]; returns the index of the next argument.
 */
static int
do_option(struct pstate *ps, int argc, char **argv, int i)
{
	const struct opt_def *o = NULL, *t;
	char *a = argv[i], *name, *val = NULL;
	size_t k, nlen, nmatch = 0;
	bool has_eq, any_req = false, any_secret = false;

	if (a[1] != '-') {
		if (a[2] == '\0' && (o = opt_short(a[1])) != NULL)
			apply_option(ps, o, NULL);
		else
			perr(ps, "unknown option '%s'%s", a,
			    ps->cfg->server_arg != NULL ?
			    " (pppd options starting with '-' go after '--')" :
			    "");
		return i + 1;
	}
	name = a + 2;
	/*
	 * strchrnul, not strcspn: glibc's strcspn for x86-64 sits in a
	 * 64 KiB window of its text that nothing else of a pty run touches
	 * (40 KiB resident; bench/README.md, memory).
	 */
	nlen = (size_t)(strchrnul(name, '=') - name);
	has_eq = name[nlen] == '=';
	for (k = 0; nlen > 0 && (t = opt_at(k)) != NULL; k++) {
		if (strncmp(t->name, name, nlen) != 0 ||
		    (t->full && t->name[nlen] != '\0'))
			continue;
		o = t;
		if (t->name[nlen] == '\0') {
			nmatch = 1;		/* exact match wins */
			break;
		}
		nmatch++;
		any_req |= t->arg == ARG_REQ;
		any_secret |= t->secret;
	}
	if (nmatch != 1) {
		if (nmatch == 0)
			perr(ps, "unknown option '--%.*s'", (int)nlen, name);
		else
			perr(ps, "option '--%.*s' is ambiguous", (int)nlen,
			    name);
		/* Still wipe what may be a password ("--pass SECRET"). */
		if (has_eq && any_secret)
			scrub(name + nlen + 1);
		else if (!has_eq && any_req && i + 1 < argc) {
			if (any_secret)
				scrub(argv[i + 1]);
			return i + 2;
		}
		return i + 1;
	}
	switch (o->arg) {
	case ARG_NONE:
		if (has_eq) {
			perr(ps, "option '--%s' does not take an argument",
			    o->name);
			return i + 1;
		}
		break;
	case ARG_REQ:
		if (has_eq)
			val = name + nlen + 1;
		else if (i + 1 < argc && argv[i + 1] != NULL)
			val = argv[++i];
		else {
			perr(ps, "option '--%s' requires an argument", o->name);
			return i + 1;
		}
		break;
	case ARG_OPT:
		if (has_eq)
			val = name + nlen + 1;
		else if (i + 1 < argc && argv[i + 1] != NULL &&
		    (argv[i + 1][0] == '/' || argv[i + 1][0] == '.'))
			val = argv[++i];
		break;
	case ARG_EQ:
		if (has_eq)
			val = name + nlen + 1;
		break;
	}
	apply_option(ps, o, val);
	return i + 1;
}

/* The server argument: parse it now, so credentials are wiped at once. */
static void
take_server(struct pstate *ps, char *a)
{
	struct sstpc_config *cfg = ps->cfg;
	const char *why = NULL;
	bool creds = strchr(a, '@') != NULL;

	cfg->server_arg = a;
	if (url_parse(&cfg->server, a, URL_SERVER, &why) != 0) {
		if (creds)
			scrub(a);
		perr(ps, "bad server address '%s': %s", creds ? "..." : a,
		    why);
		return;
	}
	if (cfg->server.has_user) {
		if (cfg->server.has_pass)
			scrub(a);
		url_clear(&cfg->server);
		perr(ps, "credentials in the server address are not "
		    "supported (use --user and --password-fd)");
	}
}

/* The authentication methods left by --refuse-* / --require-mschap-v2. */
static void
finish_auth(struct pstate *ps)
{
	const unsigned methods = PPP_AUTH_ALLOW_PAP | PPP_AUTH_ALLOW_CHAP_MD5 |
	    PPP_AUTH_ALLOW_MSCHAPV2 | PPP_AUTH_ALLOW_EAP;
	unsigned allow = PPP_AUTH_ALLOW_ALL & ~ps->auth_refused;

	if (ps->require_mschapv2) {
		if ((ps->auth_refused & PPP_AUTH_ALLOW_MSCHAPV2) != 0) {
			perr(ps, "--require-mschap-v2 conflicts with "
			    "--refuse-mschap-v2");
			return;
		}
		/* Also no session without authentication. */
		allow = PPP_AUTH_ALLOW_MSCHAPV2;
	}
	if ((allow & methods) == 0) {
		perr(ps, "--refuse-pap, --refuse-chap, --refuse-mschap-v2 and "
		    "--refuse-eap together leave no authentication method");
		return;
	}
	ps->cfg->auth_allow = allow;
}

/* Cross-option checks of the built-in mode (--tun). */
static void
finish_tun(struct pstate *ps)
{
	struct sstpc_config *cfg = ps->cfg;
	char text[INET6_ADDRSTRLEN + 8];
	size_t i;

	if (!cfg->tun) {
		if (ps->tun_opt != NULL)
			perr(ps, "--%s needs --tun (in launch mode pppd's own "
			    "options go after the server or '--')",
			    ps->tun_opt);
		return;
	}
	if (ps->pppd_opt != NULL) {
		perr(ps, "--%s cannot be used with --tun (it is for pppd, and "
		    "--tun runs no pppd)", ps->pppd_opt);
		return;
	}
	if (cfg->n_pppd_args > 0) {
		perr(ps, "--tun runs no pppd: unexpected argument '%s' after "
		    "the server (see 'Built-in PPP' in --help)",
		    cfg->pppd_args[0]);
		return;
	}
	if (cfg->tun_name != NULL && cfg->tun_fd >= 0) {
		perr(ps, "--tun=%s cannot be used with --tun-fd (the "
		    "descriptor's device has its name)", cfg->tun_name);
		return;
	}
	if (ps->pw_fd && cfg->password_fd == cfg->tun_fd) {
		perr(ps, "--tun-fd and --password-fd are both descriptor %d",
		    cfg->tun_fd);
		return;
	}
	if (cfg->user == NULL) {
		perr(ps, "--tun requires --user (sstpc authenticates itself)");
		return;
	}
	if (cfg->pw_source == CFG_PW_NONE) {
		perr(ps, "--tun requires a password (--password-fd, "
		    "--password-file or --password)");
		return;
	}
	if (cfg->noip && cfg->noipv6) {
		perr(ps, "--noip and --noipv6 together leave no network "
		    "protocol");
		return;
	}
	if (cfg->require_mppe && cfg->nomppe) {
		perr(ps, "--require-mppe conflicts with --nomppe");
		return;
	}
	finish_auth(ps);
	if (ps->failed)
		return;
	/* RFC 8200 section 5: IPv6 needs a link MTU of 1280. */
	if (!cfg->noipv6 && cfg->mtu != 0 && cfg->mtu < CFG_IPV6_MIN_MTU) {
		perr(ps, "--mtu %u is below IPv6's minimum of %d (add "
		    "--noipv6)", cfg->mtu, CFG_IPV6_MIN_MTU);
		return;
	}
	if (!cfg->noipv6 && cfg->mru != 0 && cfg->mru < CFG_IPV6_MIN_MTU) {
		perr(ps, "--mru %u is below IPv6's minimum of %d (add "
		    "--noipv6)", cfg->mru, CFG_IPV6_MIN_MTU);
		return;
	}
	if (cfg->noip && cfg->defaultroute) {
		perr(ps, "--defaultroute is IPv4's (as in pppd), but --noip "
		    "turns IPv4 off (for IPv6 use --route ::/0)");
		return;
	}
	for (i = 0; i < cfg->n_routes; i++) {
		const struct cfg_route *r = &cfg->routes[i];

		if ((r->family == AF_INET && cfg->noip) ||
		    (r->family == AF_INET6 && cfg->noipv6)) {
			route_text(r, text, sizeof text);
			perr(ps, "--route %s needs %s, which %s turns off",
			    text, r->family == AF_INET ? "IPv4" : "IPv6",
			    r->family == AF_INET ? "--noip" : "--noipv6");
			return;
		}
	}
}

/* Cross-option checks and derived settings. */
static void
finish(struct pstate *ps)
{
	struct sstpc_config *cfg = ps->cfg;
	int nsrc = (int)ps->pw_argv + (int)ps->pw_fd + (int)ps->pw_file;

	if (cfg->server_arg == NULL) {
		perr(ps, "missing server argument (try --help)");
		return;
	}
	if (nsrc > 1) {
		perr(ps, "conflicting password sources: use only one of "
		    "--password, --password-fd, --password-file");
		return;
	}
	cfg->pw_source = ps->pw_argv ? CFG_PW_ARGV : ps->pw_fd ? CFG_PW_FD :
	    ps->pw_file ? CFG_PW_FILE : CFG_PW_NONE;
	finish_tun(ps);
	if (ps->failed)
		return;
	if (cfg->nolaunchpppd && ps->pw_fd && cfg->password_fd <= 1) {
		perr(ps, "--password-fd %d is pppd's pty in --nolaunchpppd "
		    "mode", cfg->password_fd);
		return;
	}
	if (cfg->nolaunchpppd && cfg->log.sink == LOG_SINK_STDOUT) {
		perr(ps, "--log-stdout cannot be used with --nolaunchpppd "
		    "(stdout is pppd's pty)");
		return;
	}
	if (cfg->tls_max != 0 && cfg->tls_min > cfg->tls_max) {
		perr(ps, "--tls-min %s is above --tls-max %s",
		    tls_version_name(cfg->tls_min),
		    tls_version_name(cfg->tls_max));
		return;
	}
	if (cfg->eap_auth && cfg->user == NULL) {
		perr(ps, "--eap-auth requires --user");
		return;
	}
	if (cfg->eap_auth && cfg->pw_source == CFG_PW_NONE) {
		perr(ps, "--eap-auth requires a password (--password-fd, "
		    "--password-file or --password)");
		return;
	}

	if (cfg->host_override == NULL) {
		(void)snprintf(cfg->name, sizeof cfg->name, "%s",
		    cfg->server.host);
		ps->name_is_ip = cfg->server.host_type != URL_HOST_NAME;
	}
	/* RFC 6066 section 3: no IP literals in SNI. */
	if (cfg->no_sni)
		cfg->sni[0] = '\0';
	else if (cfg->sni_arg != NULL)
		(void)snprintf(cfg->sni, sizeof cfg->sni, "%s", cfg->sni_arg);
	else if (!ps->name_is_ip)
		(void)snprintf(cfg->sni, sizeof cfg->sni, "%s", cfg->name);

	if (cfg->debug && cfg->log.level < LOG_LVL_DEBUG)
		cfg->log.level = LOG_LVL_DEBUG;
	if (cfg->log.sink == LOG_SINK_FILE)
		cfg->log.path = ps->file_path != NULL ? ps->file_path :
		    CFG_LOG_FILE_DEFAULT;
	else if (cfg->log.sink == LOG_SINK_SYSLOG)
		cfg->log.path = ps->syslog_path;
}

/* Defaults for every setting. */
void
cmdline_defaults(struct sstpc_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->tls_min = CFG_TLS_1_2;
	cfg->tls_max = 0;
	cfg->connect_timeout = CFG_CONNECT_TIMEOUT;
	cfg->handshake_timeout = CFG_HANDSHAKE_TIMEOUT;
	cfg->hello_interval = CFG_HELLO_INTERVAL;
	cfg->password_fd = -1;
	cfg->pppd_path = SSTPC_PPPD_PATH;
	cfg->priv_user = SSTPC_PRIV_USER;
	cfg->priv_group = SSTPC_PRIV_GROUP;
	cfg->priv_dir = SSTPC_RUNTIME_DIR;
	cfg->log.level = LOG_LVL_ERR;
	cfg->log.sink = LOG_SINK_SYSLOG;
	cfg->log.ident = PACKAGE_NAME;
	cfg->tun_fd = -1;
	cfg->lcp_echo_interval = CFG_LCP_ECHO_INTERVAL;
	cfg->lcp_echo_failure = CFG_LCP_ECHO_FAILURE;
	cfg->maxfail = CFG_MAXFAIL;
	cfg->holdoff = CFG_HOLDOFF;
	cfg->auth_allow = PPP_AUTH_ALLOW_ALL;
}

/* Parse the command line (rules in cmdline.h). */
int
cmdline_parse(struct sstpc_config *cfg, int argc, char **argv, char *err,
    size_t errlen)
{
	struct pstate ps;
	const char *base;
	bool dashdash = false;
	char *a;
	int i;

	cmdline_defaults(cfg);
	memset(&ps, 0, sizeof ps);
	ps.cfg = cfg;
	ps.err = err;
	ps.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	if (argc < 1 || argv == NULL || argv[0] == NULL) {
		perr(&ps, "empty argument vector");
		return -1;
	}
	base = strrchr(argv[0], '/');
	if (argv[0][0] != '\0')
		cfg->log.ident = base != NULL && base[1] != '\0' ? base + 1 :
		    argv[0];
	cfg->pppd_args = calloc((size_t)argc + 1, sizeof *cfg->pppd_args);
	if (cfg->pppd_args == NULL)
		perr(&ps, "out of memory");

	for (i = 1; i < argc && argv[i] != NULL; ) {
		a = argv[i];
		if (!dashdash && strcmp(a, "--") == 0) {
			dashdash = true;
			i++;
			continue;
		}
		if (dashdash || a[0] != '-' || a[1] == '\0') {
			if (cfg->server_arg == NULL)
				take_server(&ps, a);
			else if (cfg->pppd_args != NULL)
				cfg->pppd_args[cfg->n_pppd_args++] = a;
			i++;
			continue;
		}
		i = do_option(&ps, argc, argv, i);
	}
	if (!ps.failed && ps.result == 0)
		finish(&ps);
	if (ps.failed)
		return -1;
	return ps.result;
}

/* Wipe secrets and free the pppd argument vector. */
void
cmdline_free(struct sstpc_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->pppd_args);
	free(cfg->routes);
	url_clear(&cfg->proxy);
	url_clear(&cfg->server);
	explicit_bzero(cfg, sizeof *cfg);
}

/* One option's lines of --help (util/help.c: sstpd's layout too). */
static void
print_option(FILE *fp, const struct opt_def *o)
{
	char arg[48] = "";

	if (o->arg == ARG_REQ)
		(void)snprintf(arg, sizeof arg, " %s", o->argname);
	else if (o->arg == ARG_OPT)
		(void)snprintf(arg, sizeof arg, " [%s]", o->argname);
	else if (o->arg == ARG_EQ)
		(void)snprintf(arg, sizeof arg, "[=%s]", o->argname);
	help_option(fp, o->short_name, o->name, arg, o->help);
}

/* The --help text, by section, from the option table. */
void
cmdline_usage(FILE *fp)
{
	const struct opt_section *sec;
	size_t k;

	fprintf(fp,
	    "Usage: sstpc [options] <server>[:port] [[--] pppd-options]\n"
	    "       pppd pty \"sstpc --nolaunchpppd [options] <server>\"\n"
	    "       sstpc --tun[=NAME] [options] <server>[:port]\n"
	    "\n"
	    "Server: host, host:port, [IPv6]:port, IPv6, https://host[:port]/"
	    "\n(default port 443).  Options may also follow the server; "
	    "other arguments\nafter it, and all after '--', go to pppd "
	    "in order.\n");
	for (sec = opt_sections; sec < opt_sections + NELEM(opt_sections);
	    sec++) {
		fprintf(fp, "\n%s:\n", sec->title);
		if (sec->note != NULL)
			fprintf(fp, "%s\n", sec->note);
		for (k = 0; k < sec->n; k++)
			print_option(fp, &sec->opts[k]);
	}
	fprintf(fp, "\nSee sstpc(8) for details and exit statuses.\n");
}

/* The --version text. */
void
cmdline_version(FILE *fp)
{
	fprintf(fp, "%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
}

/* Size of the option table. */
size_t
cmdline_option_count(void)
{
	size_t s, n = 0;

	for (s = 0; s < NELEM(opt_sections); s++)
		n += opt_sections[s].n;
	return n;
}

/* Long name of table entry i, or NULL. */
const char *
cmdline_option_name(size_t i)
{
	const struct opt_def *o = opt_at(i);

	return o != NULL ? o->name : NULL;
}

/* Read one line (up to LF or EOF) of at most cap - 1 bytes from fd. */
static int
read_secret_line(int fd, char *out, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	char c = 0;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			explicit_bzero(out, cap);
			return (int)r;
		}
		if (r == 0 || c == '\n')
			break;
		if (c == '\0') {
			explicit_bzero(out, cap);
			return -EINVAL;
		}
		if (n + 1 >= cap) {
			explicit_bzero(out, cap);
			c = 0;
			return -EMSGSIZE;
		}
		out[n++] = c;
	}
	c = 0;
	if (n > 0 && out[n - 1] == '\r')
		out[--n] = '\0';
	out[n] = '\0';
	return (int)n;
}

/* Close a password source; stdin/stdout/stderr are pointed at /dev/null. */
static void
close_secret_fd(int fd)
{
	int nul;

	if (fd > STDERR_FILENO) {
		(void)close(fd);
		return;
	}
	nul = open("/dev/null", O_RDWR | O_NOCTTY);
	if (nul < 0 || dup2(nul, fd) < 0)
		(void)close(fd);
	if (nul > STDERR_FILENO)
		(void)close(nul);
}

/* Read the password from --password-fd / --password-file. */
int
cmdline_load_password(struct sstpc_config *cfg, char *err, size_t errlen)
{
	struct stat st;
	int fd, r;

	if (cfg->pw_source == CFG_PW_FD)
		fd = cfg->password_fd;
	else if (cfg->pw_source == CFG_PW_FILE) {
		fd = open(cfg->password_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			(void)snprintf(err, errlen, "cannot open password "
			    "file %s: %s", cfg->password_file,
			    strerror(errno));
			return -1;
		}
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			(void)snprintf(err, errlen, "password file %s is not "
			    "a regular file", cfg->password_file);
			(void)close(fd);
			return -1;
		}
		if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
			log_warn("password file %s is accessible by group or "
			    "others", cfg->password_file);
	} else
		return 0;

	r = read_secret_line(fd, cfg->password, sizeof cfg->password);
	/*
	 * Close the source once read, --password-fd too: a descriptor left
	 * open would let the unprivileged, network-facing process read the
	 * (root-only) file behind it again after the drop.  0-2 become
	 * /dev/null rather than free numbers a later open() would reuse.
	 */
	close_secret_fd(fd);
	cfg->has_password = r > 0;
	if (r > 0)
		return 0;
	if (r == 0)
		(void)snprintf(err, errlen, "empty password from %s",
		    cfg->pw_source == CFG_PW_FD ? "--password-fd" :
		    "--password-file");
	else if (r == -EMSGSIZE)
		(void)snprintf(err, errlen, "password too long (at most %zu "
		    "bytes)", sizeof cfg->password - 1);
	else if (r == -EINVAL)
		(void)snprintf(err, errlen, "password contains a NUL byte");
	else
		(void)snprintf(err, errlen, "cannot read the password: %s",
		    strerror(-r));
	return -1;
}

/* True if no_proxy (comma list, "*", ".suffix") covers host. */
static bool
no_proxy_match(const char *no_proxy, const char *host)
{
	char item[URL_HOST_MAX];
	size_t hl = strlen(host), il, n;
	const char *p = no_proxy;

	while (*p != '\0') {
		n = strcspn(p, ",");
		(void)snprintf(item, sizeof item, "%.*s", (int)n, p);
		p += n;
		if (*p == ',')
			p++;
		/* Trim blanks and one leading dot. */
		while (item[0] == ' ' || item[0] == '\t')
			memmove(item, item + 1, strlen(item));
		il = strlen(item);
		while (il > 0 && (item[il - 1] == ' ' || item[il - 1] == '\t'))
			item[--il] = '\0';
		if (strcmp(item, "*") == 0)
			return true;
		if (item[0] == '.')
			memmove(item, item + 1, il--);
		if (il == 0 || il > hl)
			continue;
		if (strcasecmp(host + hl - il, item) == 0 &&
		    (il == hl || host[hl - il - 1] == '.'))
			return true;
	}
	return false;
}

/* Proxy from the environment, only with --proxy-env. */
int
cmdline_proxy_from_env(struct sstpc_config *cfg, const char *https_proxy,
    const char *http_proxy, const char *no_proxy, char *err, size_t errlen)
{
	const char *val, *why = NULL;

	if (!cfg->proxy_env || cfg->has_proxy)
		return 0;
	val = https_proxy != NULL && https_proxy[0] != '\0' ? https_proxy :
	    http_proxy;
	if (val == NULL || val[0] == '\0')
		return 0;
	if (no_proxy != NULL && no_proxy_match(no_proxy, cfg->server.host))
		return 0;
	if (url_parse(&cfg->proxy, val, URL_PROXY, &why) != 0) {
		(void)snprintf(err, errlen, "bad proxy URL in the "
		    "environment: %s", why);
		return -1;
	}
	cfg->has_proxy = true;
	return 0;
}

/* Short description of an exit status. */
const char *
cmdline_exit_text(int status)
{
	static const char *const text[] = {
		[SSTPC_EXIT_OK] = "success",
		[SSTPC_EXIT_FAILURE] = "failure",
		[SSTPC_EXIT_USAGE] = "usage error",
		[SSTPC_EXIT_CONNECT] = "cannot reach the server",
		[SSTPC_EXIT_TLS] = "TLS or certificate failure",
		[SSTPC_EXIT_HTTP] = "HTTPS handshake refused",
		[SSTPC_EXIT_SSTP] = "SSTP negotiation failed",
		[SSTPC_EXIT_AUTH] = "authentication failed",
		[SSTPC_EXIT_PEER] = "server disconnected or silent",
		[SSTPC_EXIT_PPPD] = "pppd failed",
		[SSTPC_EXIT_SIGNAL] = "terminated by a signal",
	};

	if (status < 0 || (size_t)status >= NELEM(text))
		return "unknown";
	return text[status];
}
