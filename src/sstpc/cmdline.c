/*
 * cmdline.c - option table, re-entrant argv parser, generated --help
 * (see cmdline.h for the argument rules).
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
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sstpc/cmdline.h"
#include "wire/http.h"
#include "util/log.h"
#include "wire/url.h"

enum opt_id {
	O_CA_CERT = 1, O_CA_PATH, O_CRL_FILE, O_CRL_PATH, O_CERT_WARN,
	O_PIN, O_HOST, O_SNI, O_NO_SNI, O_TLS_EXT, O_TLS_MIN, O_TLS_MAX,
	O_REQUIRE_SHA256,
	O_PROXY, O_PROXY_ENV, O_CONNECT_TIMEOUT, O_HANDSHAKE_TIMEOUT,
	O_HELLO_INTERVAL, O_SAVE_ROUTE, O_UUID,
	O_USER, O_PASSWORD, O_PASSWORD_FD, O_PASSWORD_FILE, O_EAP_AUTH,
	O_NOLAUNCHPPPD, O_PPPD, O_IPPARAM,
	O_PRIV_USER, O_PRIV_GROUP, O_PRIV_DIR, O_ALLOW_ROOT,
	O_LOG_LEVEL, O_LOG_SYSLOG, O_LOG_STDERR, O_LOG_STDOUT, O_LOG_FILE,
	O_LOG_IDENT, O_LOG_TOKEN, O_LOG_LINENO, O_DEBUG, O_DEBUG_KEYS,
	O_HELP, O_VERSION
};

enum arg_kind {
	ARG_NONE = 0,
	ARG_REQ,
	ARG_OPT			/* "=value", or a next path argument */
};

enum opt_group {
	G_TLS = 0, G_CONN, G_AUTH, G_PPPD, G_PRIV, G_LOG, G_MISC, G_COUNT
};

static const char *const group_title[G_COUNT] = {
	[G_TLS] = "Server certificate and TLS",
	[G_CONN] = "Connection",
	[G_AUTH] = "Authentication",
	[G_PPPD] = "pppd",
	[G_PRIV] = "Privileges (after the session is up, when run as root)",
	[G_LOG] = "Logging",
	[G_MISC] = "Other",
};

struct opt_def {
	const char	*name;
	enum opt_id	 id;
	enum arg_kind	 arg;
	enum opt_group	 group;
	const char	*argname;
	const char	*help;		/* '\n' starts an indented line */
	bool		 secret;	/* the argument is scrubbed from argv */
};

/* The option table: parser, --help and the man page check all use it. */
static const struct opt_def opt_table[] = {
	{ "ca-cert", O_CA_CERT, ARG_REQ, G_TLS, "FILE",
	    "also trust the CA certificates in FILE (PEM)", false },
	{ "ca-path", O_CA_PATH, ARG_REQ, G_TLS, "DIR",
	    "also trust the hashed CA directory DIR", false },
	{ "crl-file", O_CRL_FILE, ARG_REQ, G_TLS, "FILE",
	    "check revocation against the CRLs in FILE (PEM)", false },
	{ "crl-path", O_CRL_PATH, ARG_REQ, G_TLS, "DIR",
	    "check revocation against the hashed CRL directory", false },
	{ "cert-warn", O_CERT_WARN, ARG_NONE, G_TLS, NULL,
	    "only warn when the chain or name check fails\n"
	    "(insecure; prefer --server-cert-sha256)", false },
	{ "server-cert-sha256", O_PIN, ARG_REQ, G_TLS, "HEX",
	    "accept only a server certificate with this SHA-256\n"
	    "(64 hex digits, colons allowed)", false },
	{ "host", O_HOST, ARG_REQ, G_TLS, "NAME",
	    "name for Host:, SNI and the certificate check\n"
	    "(default: the server's host)", false },
	{ "sni", O_SNI, ARG_REQ, G_TLS, "NAME",
	    "send NAME as TLS server name (SNI)", false },
	{ "no-sni", O_NO_SNI, ARG_NONE, G_TLS, NULL,
	    "send no SNI (default: the server's host name)", false },
	{ "tls-ext", O_TLS_EXT, ARG_NONE, G_TLS, NULL,
	    "send SNI (accepted for compatibility: the default)", false },
	{ "tls-min", O_TLS_MIN, ARG_REQ, G_TLS, "VER",
	    "lowest TLS version: 1.0, 1.1, 1.2, 1.3 (default 1.2)", false },
	{ "tls-max", O_TLS_MAX, ARG_REQ, G_TLS, "VER",
	    "highest TLS version (default: highest supported)", false },
	{ "require-sha256", O_REQUIRE_SHA256, ARG_NONE, G_TLS, NULL,
	    "refuse servers offering only SHA-1 crypto binding", false },

	{ "proxy", O_PROXY, ARG_REQ, G_CONN, "URL",
	    "HTTP proxy http://[user[:pass]@]host[:port]\n"
	    "(default port 80)", true },
	{ "proxy-env", O_PROXY_ENV, ARG_NONE, G_CONN, NULL,
	    "use $https_proxy or $http_proxy, and $no_proxy", false },
	{ "connect-timeout", O_CONNECT_TIMEOUT, ARG_REQ, G_CONN, "SEC",
	    "TCP connect timeout (default 10)", false },
	{ "handshake-timeout", O_HANDSHAKE_TIMEOUT, ARG_REQ, G_CONN, "SEC",
	    "TLS and HTTP handshake timeout (default 60)", false },
	{ "hello-interval", O_HELLO_INTERVAL, ARG_REQ, G_CONN, "SEC",
	    "SSTP echo after SEC idle seconds (default 60)", false },
	{ "save-server-route", O_SAVE_ROUTE, ARG_NONE, G_CONN, NULL,
	    "keep a host route to the server (root only)", false },
	{ "uuid", O_UUID, ARG_REQ, G_CONN, "ID",
	    "SSTP correlation ID (default: a random GUID)", false },

	{ "user", O_USER, ARG_REQ, G_AUTH, "NAME",
	    "PPP user name (passed to pppd as 'user NAME')", false },
	{ "password", O_PASSWORD, ARG_REQ, G_AUTH, "PASS",
	    "PPP password (discouraged: visible to other local\n"
	    "users until scrubbed; use --password-fd)", true },
	{ "password-fd", O_PASSWORD_FD, ARG_REQ, G_AUTH, "N",
	    "read the password from file descriptor N", false },
	{ "password-file", O_PASSWORD_FILE, ARG_REQ, G_AUTH, "FILE",
	    "read the password from the first line of FILE", false },
	{ "eap-auth", O_EAP_AUTH, ARG_NONE, G_AUTH, NULL,
	    "EAP-MSCHAPv2 inside sstpc (not implemented yet)", false },

	{ "nolaunchpppd", O_NOLAUNCHPPPD, ARG_NONE, G_PPPD, NULL,
	    "do not start pppd: stdin/stdout is pppd's pty", false },
	{ "pppd", O_PPPD, ARG_REQ, G_PPPD, "PATH",
	    "pppd to launch (default " SSTPC_PPPD_PATH ")", false },
	{ "ipparam", O_IPPARAM, ARG_REQ, G_PPPD, "NAME",
	    "plugin socket " SSTPC_RUNTIME_DIR "/sstpc-NAME", false },

	{ "priv-user", O_PRIV_USER, ARG_REQ, G_PRIV, "USER",
	    "switch to USER (default " SSTPC_PRIV_USER ")", false },
	{ "priv-group", O_PRIV_GROUP, ARG_REQ, G_PRIV, "GROUP",
	    "switch to GROUP (default " SSTPC_PRIV_GROUP ")", false },
	{ "priv-dir", O_PRIV_DIR, ARG_REQ, G_PRIV, "DIR",
	    "chroot to DIR (default " SSTPC_RUNTIME_DIR ")", false },
	{ "allow-root", O_ALLOW_ROOT, ARG_NONE, G_PRIV, NULL,
	    "keep running as root when neither the default user\n"
	    "nor nobody exists (else sstpc refuses to run)", false },

	{ "log-level", O_LOG_LEVEL, ARG_REQ, G_LOG, "N",
	    "0 error, 1 warn, 2 info, 3 debug, 4 packets,\n"
	    "5 trace, 6 hex dump (default 0)", false },
	{ "log-syslog", O_LOG_SYSLOG, ARG_OPT, G_LOG, "SOCK",
	    "log to syslog (default), via socket SOCK if given", false },
	{ "log-stderr", O_LOG_STDERR, ARG_NONE, G_LOG, NULL,
	    "log to standard error", false },
	{ "log-stdout", O_LOG_STDOUT, ARG_NONE, G_LOG, NULL,
	    "log to standard output", false },
	{ "log-file", O_LOG_FILE, ARG_OPT, G_LOG, "PATH",
	    "log to PATH (default " CFG_LOG_FILE_DEFAULT ")", false },
	{ "log-ident", O_LOG_IDENT, ARG_REQ, G_LOG, "NAME",
	    "syslog ident (default: the program name)", false },
	{ "log-token", O_LOG_TOKEN, ARG_REQ, G_LOG, "LIST",
	    "log only from these comma-separated source files", false },
	{ "log-filter", O_LOG_TOKEN, ARG_REQ, G_LOG, "LIST",
	    "same as --log-token", false },
	{ "log-lineno", O_LOG_LINENO, ARG_NONE, G_LOG, NULL,
	    "add file:line to each message", false },
	{ "debug", O_DEBUG, ARG_NONE, G_LOG, NULL,
	    "log at level 3 (debug) or above", false },
	{ "debug-keys", O_DEBUG_KEYS, ARG_NONE, G_LOG, NULL,
	    "allow key material in logs (debugging only)", false },

	{ "help", O_HELP, ARG_NONE, G_MISC, NULL,
	    "print this help and exit", false },
	{ "version", O_VERSION, ARG_NONE, G_MISC, NULL,
	    "print the version and exit", false },
};

#define N_OPTS	(sizeof opt_table / sizeof opt_table[0])

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

static void
scrub(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
}

static bool
has_ctl(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return true;
	return false;
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
		if (s[i] < '0' || s[i] > '9')
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

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
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
		if ((v = hex_nibble(s[i])) < 0)
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

static void
set_timeout(struct pstate *ps, const struct opt_def *o, const char *val,
    unsigned *dst)
{
	unsigned long v;

	if (parse_num(val, 1, CFG_TIMEOUT_MAX, &v) != 0) {
		perr(ps, "--%s needs a number of seconds from 1 to %d, "
		    "not '%s'", o->name, CFG_TIMEOUT_MAX, val);
		return;
	}
	*dst = (unsigned)v;
}

/* Store a password given on the command line and wipe it from argv. */
static void
take_password(struct pstate *ps, char *val)
{
	struct sstpc_config *cfg = ps->cfg;
	size_t n = strlen(val);

	explicit_bzero(cfg->password, sizeof cfg->password);
	cfg->has_password = false;
	if (n >= sizeof cfg->password)
		perr(ps, "--password is too long (at most %zu bytes)",
		    sizeof cfg->password - 1);
	else {
		memcpy(cfg->password, val, n);
		cfg->password[n] = '\0';
		cfg->has_password = true;
	}
	ps->pw_argv = true;
	scrub(val);
}

/* Store --proxy and wipe it from argv when it may hold credentials. */
static void
take_proxy(struct pstate *ps, char *val)
{
	struct sstpc_config *cfg = ps->cfg;
	const char *why = NULL;

	cfg->has_proxy = url_parse(&cfg->proxy, val, URL_PROXY, &why) == 0;
	if (strchr(val, '@') != NULL)
		scrub(val);
	if (!cfg->has_proxy)
		perr(ps, "bad --proxy URL: %s", why);
}

static void
apply_option(struct pstate *ps, const struct opt_def *o, char *val)
{
	struct sstpc_config *cfg = ps->cfg;
	struct url tmp;
	unsigned long v;
	size_t maxlen;
	int t;

	if (o->arg == ARG_REQ && val[0] == '\0') {
		perr(ps, "empty argument for --%s", o->name);
		return;
	}
	switch (o->id) {
	case O_CA_CERT:
		cfg->ca_cert = val;
		break;
	case O_CA_PATH:
		cfg->ca_path = val;
		break;
	case O_CRL_FILE:
		cfg->crl_file = val;
		break;
	case O_CRL_PATH:
		cfg->crl_path = val;
		break;
	case O_CERT_WARN:
		cfg->cert_warn = true;
		break;
	case O_PIN:
		if (parse_pin(val, cfg->pin_sha256) != 0) {
			explicit_bzero(cfg->pin_sha256,
			    sizeof cfg->pin_sha256);
			cfg->has_pin = false;
			perr(ps, "--server-cert-sha256 needs 64 hex digits "
			    "(colons between bytes allowed)");
		} else
			cfg->has_pin = true;
		break;
	case O_HOST:
		if (parse_bare_host(val, &tmp) != 0) {
			perr(ps, "bad --host name '%s'", val);
			break;
		}
		cfg->host_override = val;
		(void)snprintf(cfg->name, sizeof cfg->name, "%s", tmp.host);
		ps->name_is_ip = tmp.host_type != URL_HOST_NAME;
		url_clear(&tmp);
		break;
	case O_SNI:
		if (parse_bare_host(val, &tmp) != 0 ||
		    tmp.host_type != URL_HOST_NAME) {
			perr(ps, "--sni needs a DNS name, not '%s'", val);
			break;
		}
		url_clear(&tmp);
		cfg->sni_arg = val;
		cfg->no_sni = false;
		break;
	case O_NO_SNI:
		cfg->no_sni = true;
		break;
	case O_TLS_EXT:
		/* XX: 1.0.18 sent SNI only with --tls-ext; now the default. */
		cfg->tls_ext = true;
		cfg->no_sni = false;
		break;
	case O_TLS_MIN:
	case O_TLS_MAX:
		if ((t = parse_tls_version(val)) < 0) {
			perr(ps, "--%s needs 1.0, 1.1, 1.2 or 1.3, not '%s'",
			    o->name, val);
			break;
		}
		if (o->id == O_TLS_MIN)
			cfg->tls_min = t;
		else
			cfg->tls_max = t;
		break;
	case O_REQUIRE_SHA256:
		cfg->require_sha256 = true;
		break;
	case O_PROXY:
		take_proxy(ps, val);
		break;
	case O_PROXY_ENV:
		cfg->proxy_env = true;
		break;
	case O_CONNECT_TIMEOUT:
		set_timeout(ps, o, val, &cfg->connect_timeout);
		break;
	case O_HANDSHAKE_TIMEOUT:
		set_timeout(ps, o, val, &cfg->handshake_timeout);
		break;
	case O_HELLO_INTERVAL:
		set_timeout(ps, o, val, &cfg->hello_interval);
		break;
	case O_SAVE_ROUTE:
		cfg->save_server_route = true;
		break;
	case O_UUID:
		maxlen = strcspn(val, " \t\r\n\"");
		if (strlen(val) > HTTP_CORRELATION_MAX || val[maxlen] != '\0' ||
		    has_ctl(val)) {
			perr(ps, "bad --uuid (at most %d printable characters, "
			    "no spaces)", HTTP_CORRELATION_MAX);
			break;
		}
		cfg->uuid = val;
		break;
	case O_USER:
		if (strlen(val) >= CFG_USER_MAX || has_ctl(val)) {
			perr(ps, "bad --user (at most %d bytes, no control "
			    "characters)", CFG_USER_MAX - 1);
			break;
		}
		cfg->user = val;
		break;
	case O_PASSWORD:
		take_password(ps, val);
		break;
	case O_PASSWORD_FD:
		if (parse_num(val, 0, 65535, &v) != 0) {
			perr(ps, "--password-fd needs a descriptor number "
			    "(0 or more), not '%s'", val);
			break;
		}
		cfg->password_fd = (int)v;
		ps->pw_fd = true;
		break;
	case O_PASSWORD_FILE:
		cfg->password_file = val;
		ps->pw_file = true;
		break;
	case O_EAP_AUTH:
		cfg->eap_auth = true;
		break;
	case O_NOLAUNCHPPPD:
		cfg->nolaunchpppd = true;
		break;
	case O_PPPD:
		if (val[0] != '/') {
			perr(ps, "--pppd needs an absolute path, not '%s'",
			    val);
			break;
		}
		cfg->pppd_path = val;
		break;
	case O_IPPARAM:
		/* It names a socket: RUNDIR/sstpc-NAME must fit sun_path. */
		maxlen = 107 - strlen(SSTPC_RUNTIME_DIR "/sstpc-");
		if (strlen(val) > maxlen || strchr(val, '/') != NULL ||
		    has_ctl(val)) {
			perr(ps, "bad --ipparam (at most %zu characters, "
			    "no '/')", maxlen);
			break;
		}
		cfg->ipparam = val;
		break;
	case O_PRIV_USER:
		cfg->priv_user = val;
		cfg->priv_user_given = true;
		break;
	case O_PRIV_GROUP:
		cfg->priv_group = val;
		cfg->priv_group_given = true;
		break;
	case O_PRIV_DIR:
		if (val[0] != '/') {
			perr(ps, "--priv-dir needs an absolute path, not '%s'",
			    val);
			break;
		}
		cfg->priv_dir = val;
		break;
	case O_ALLOW_ROOT:
		cfg->allow_root = true;
		break;
	case O_LOG_LEVEL:
		if (parse_num(val, 0, LOG_LVL_MAX, &v) != 0) {
			perr(ps, "--log-level needs a number from 0 to %d, "
			    "not '%s'", LOG_LVL_MAX, val);
			break;
		}
		cfg->log.level = (int)v;
		break;
	case O_LOG_SYSLOG:
		cfg->log.sink = LOG_SINK_SYSLOG;
		ps->syslog_path = val;
		break;
	case O_LOG_STDERR:
		cfg->log.sink = LOG_SINK_STDERR;
		break;
	case O_LOG_STDOUT:
		cfg->log.sink = LOG_SINK_STDOUT;
		break;
	case O_LOG_FILE:
		cfg->log.sink = LOG_SINK_FILE;
		ps->file_path = val;
		break;
	case O_LOG_IDENT:
		cfg->log.ident = val;
		break;
	case O_LOG_TOKEN:
		cfg->log.filter = val;
		break;
	case O_LOG_LINENO:
		cfg->log.lineno = true;
		break;
	case O_DEBUG:
		cfg->debug = true;
		break;
	case O_DEBUG_KEYS:
		cfg->log.debug_keys = true;
		break;
	case O_HELP:
		if (ps->result == 0)
			ps->result = CMDLINE_HELP;
		break;
	case O_VERSION:
		if (ps->result == 0)
			ps->result = CMDLINE_VERSION;
		break;
	}
}

static const struct opt_def *
find_id(enum opt_id id)
{
	size_t i;

	for (i = 0; i < N_OPTS; i++)
		if (opt_table[i].id == id)
			return &opt_table[i];
	return NULL;
}

/*
 * Handle the option at argv[i]; returns the index of the next argument.
 */
static int
do_option(struct pstate *ps, int argc, char **argv, int i)
{
	const struct opt_def *o = NULL;
	char *a = argv[i], *name, *val = NULL;
	size_t k, nlen, nmatch = 0;
	bool has_eq, any_req = false, any_secret = false;

	if (a[1] != '-') {
		if (strcmp(a, "-v") == 0)
			apply_option(ps, find_id(O_VERSION), NULL);
		else
			perr(ps, "unknown option '%s'%s", a,
			    ps->cfg->server_arg != NULL ?
			    " (pppd options starting with '-' go after '--')" :
			    "");
		return i + 1;
	}
	name = a + 2;
	nlen = strcspn(name, "=");
	has_eq = name[nlen] == '=';
	for (k = 0; k < N_OPTS && nlen > 0; k++) {
		if (strncmp(opt_table[k].name, name, nlen) != 0)
			continue;
		if (opt_table[k].name[nlen] == '\0') {
			o = &opt_table[k];	/* exact match wins */
			nmatch = 1;
			break;
		}
		o = &opt_table[k];
		nmatch++;
		any_req |= opt_table[k].arg == ARG_REQ;
		any_secret |= opt_table[k].secret;
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
	url_clear(&cfg->proxy);
	url_clear(&cfg->server);
	explicit_bzero(cfg, sizeof *cfg);
}

static void
print_option(FILE *fp, const struct opt_def *o)
{
	char left[64];
	const char *h;
	size_t n;

	if (o->id == O_VERSION)
		(void)snprintf(left, sizeof left, "-v, --%s", o->name);
	else if (o->arg == ARG_NONE)
		(void)snprintf(left, sizeof left, "--%s", o->name);
	else if (o->arg == ARG_REQ)
		(void)snprintf(left, sizeof left, "--%s %s", o->name,
		    o->argname);
	else
		(void)snprintf(left, sizeof left, "--%s [%s]", o->name,
		    o->argname);
	if (strlen(left) > 25)
		fprintf(fp, "  %s\n%28s", left, "");
	else
		fprintf(fp, "  %-26s", left);
	for (h = o->help; *h != '\0'; h += n) {
		n = strcspn(h, "\n");
		fprintf(fp, "%.*s\n", (int)n, h);
		if (h[n] == '\n') {
			n++;
			fprintf(fp, "%28s", "");
		}
	}
}

/* The --help text, grouped, from the option table. */
void
cmdline_usage(FILE *fp)
{
	size_t g, k;

	fprintf(fp,
	    "Usage: sstpc [options] <server>[:port] [[--] pppd-options]\n"
	    "       pppd pty \"sstpc --nolaunchpppd [options] <server>\"\n"
	    "\n"
	    "Server: host, host:port, [IPv6]:port, IPv6, https://host[:port]/"
	    "\n(default port 443).  Options may also follow the server; "
	    "other arguments\nafter it, and all after '--', go to pppd "
	    "in order.\n");
	for (g = 0; g < G_COUNT; g++) {
		fprintf(fp, "\n%s:\n", group_title[g]);
		for (k = 0; k < N_OPTS; k++)
			if (opt_table[k].group == g)
				print_option(fp, &opt_table[k]);
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
	return N_OPTS;
}

/* Long name of table entry i, or NULL. */
const char *
cmdline_option_name(size_t i)
{
	return i < N_OPTS ? opt_table[i].name : NULL;
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

	if (status < 0 || (size_t)status >= sizeof text / sizeof text[0])
		return "unknown";
	return text[status];
}
