/*
 * cmdline.h - sstpc's command line: the option table, a pure re-entrant
 * parser into struct sstpc_config, and the generated --help text.  The
 * exit statuses are in exit_status.h (a usage error is SSTPC_EXIT_USAGE).
 *
 * Usage:	sstpc [options] <server>[:port] [[--] pppd-options]
 *		pppd pty "sstpc --nolaunchpppd [options] <server>[:port]"
 *		sstpc --tun[=NAME] [options] <server>[:port]
 *
 * Argument rules (GNU getopt_long compatible, as in sstp-client 1.0.18):
 * - Options may come before or after the server (permutation).  The first
 *   non-option argument is the server; every later non-option argument is
 *   passed to pppd verbatim and in order, and so is everything after "--".
 *   Arguments starting with '-' before "--" are sstpc options, so pppd
 *   options starting with '-' must follow "--".
 * - "--name value" and "--name=value"; unique prefixes of long names are
 *   accepted ("--nolaunch"); the last occurrence of an option wins.
 * - Options with an optional argument (--log-syslog [sock], --log-file
 *   [path]) take "=value", or consume the next argument only when it starts
 *   with '/' or '.' (a path).  1.0.18 consumed any next argument that did
 *   not start with '-', which swallowed the server name in
 *   "sstpc --log-syslog vpn.example.com"; a server can never start with
 *   '/' or '.', so this rule keeps every documented use working.
 * - The options of the built-in PPP mode (the "Built-in PPP" group of
 *   --help, --tun and --tun-fd included) match their full name only, as
 *   pppd's do: so no abbreviation that 1.0.18 accepted ("--us" for
 *   --user, "--ho" for --host, "--require" for --require-sha256) changes
 *   its meaning.  --tun takes its NAME only as "--tun=NAME", since the
 *   next argument may be the server.  All of them except --tun and
 *   --tun-fd are refused without --tun; with --tun, pppd's options and
 *   sstpc's pppd-only options (--nolaunchpppd, --pppd, --ipparam,
 *   --eap-auth) are refused.
 * - Secrets on the command line (--password, a password inside --proxy) are
 *   copied into the config and the argv bytes are zeroed at once, even when
 *   parsing fails later.
 */
#ifndef SSTPC_CMDLINE_H
#define SSTPC_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sstpc/exit_status.h"
#include "util/log.h"
#include "wire/url.h"

/* cmdline_parse() results besides 0 (run) and -1 (error). */
#define CMDLINE_HELP	1
#define CMDLINE_VERSION	2

#define CFG_USER_MAX	256
#define CFG_PASS_MAX	256	/* bytes of password incl. NUL */
#define CFG_PIN_LEN	32	/* SHA-256 */

/* Protocol version numbers as on the wire (= OpenSSL's TLS1_x_VERSION). */
#define CFG_TLS_1_0	0x0301
#define CFG_TLS_1_1	0x0302
#define CFG_TLS_1_2	0x0303
#define CFG_TLS_1_3	0x0304

#define CFG_CONNECT_TIMEOUT	10	/* s, as 1.0.18 */
#define CFG_HANDSHAKE_TIMEOUT	60	/* s, MS-SSTP 4.1 HTTP wait */
#define CFG_HELLO_INTERVAL	60	/* s, MS-SSTP 3.1.2 Hello timer */
#define CFG_TIMEOUT_MAX		3600
#define CFG_LOG_FILE_DEFAULT	"/var/log/sstpc.log"

/*
 * Built-in PPP (--tun).  MRU/MTU: pppd's floor of 128, and the largest PPP
 * information field SSTP can carry (MS-SSTP 2.2.1: a 4095-byte packet less
 * its 4-byte header, FF 03 and the protocol field = 4087).  IPv6 needs a
 * link MTU of 1280 at least (RFC 8200 section 5).  The echo and persist
 * defaults are those of support/peer-sstp-example and pppd.
 */
#define CFG_TUN_NAME_MAX	15	/* IFNAMSIZ - 1 */
#define CFG_MRU_MIN		128
#define CFG_MRU_MAX		4087
#define CFG_IPV6_MIN_MTU	1280
#define CFG_LCP_ECHO_INTERVAL	30	/* s */
#define CFG_LCP_ECHO_FAILURE	4
#define CFG_LCP_ECHO_FAILURE_MAX 255
#define CFG_MAXFAIL		10	/* as pppd */
#define CFG_MAXFAIL_MAX		65535
#define CFG_HOLDOFF		30	/* s, as pppd */
#define CFG_ROUTES_MAX		256	/* --route given at most this often */
/* Bytes of --script: it must fit one monitor message (MON_MSG_MAX 512). */
#define CFG_SCRIPT_MAX		480
#define CFG_FD_MAX		65535	/* --password-fd, --tun-fd */

enum cfg_pw_source {
	CFG_PW_NONE = 0,
	CFG_PW_ARGV,		/* --password (discouraged) */
	CFG_PW_FD,		/* --password-fd N */
	CFG_PW_FILE		/* --password-file PATH */
};

/*
 * Every setting of a run.  Strings that are not secrets point into argv
 * (which outlives the run); secrets are copied into fixed arrays and wiped
 * by cmdline_free().
 */
struct sstpc_config {
	/* Server */
	const char	*server_arg;	/* the server argument as given */
	struct url	 server;	/* parsed server (no credentials) */
	const char	*host_override;	/* --host NAME or NULL */
	char		 name[URL_HOST_MAX]; /* Host: header and cert name */
	char		 sni[URL_HOST_MAX]; /* SNI to send, "" for none */
	const char	*uuid;		/* --uuid correlation ID or NULL */

	/* TLS and certificates */
	const char	*ca_cert;	/* added to the system store */
	const char	*ca_path;
	const char	*crl_file;
	const char	*crl_path;
	bool		 cert_warn;	/* chain/name failure only warns */
	bool		 has_pin;
	uint8_t		 pin_sha256[CFG_PIN_LEN]; /* leaf DER SHA-256 */
	const char	*sni_arg;	/* --sni NAME or NULL */
	bool		 no_sni;	/* --no-sni */
	bool		 tls_ext;	/* --tls-ext seen (SNI, the default) */
	int		 tls_min;	/* CFG_TLS_x, default 1.2 */
	int		 tls_max;	/* CFG_TLS_x, 0 = highest supported */
	bool		 require_sha256; /* refuse SHA-1 crypto binding */

	/* Connection */
	bool		 has_proxy;
	struct url	 proxy;		/* --proxy (password is a secret) */
	bool		 proxy_env;	/* use $https_proxy/$http_proxy */
	unsigned	 connect_timeout;	/* s */
	unsigned	 handshake_timeout;	/* s: TLS + HTTP exchange */
	unsigned	 hello_interval;	/* s */
	bool		 save_server_route;

	/* Authentication */
	const char	*user;		/* --user or NULL */
	enum cfg_pw_source pw_source;
	int		 password_fd;	/* --password-fd, -1 if none */
	const char	*password_file;	/* --password-file or NULL */
	bool		 has_password;	/* password[] holds the secret */
	char		 password[CFG_PASS_MAX];
	bool		 eap_auth;	/* --eap-auth (not implemented yet) */

	/* pppd */
	bool		 nolaunchpppd;	/* pty mode: stdin/stdout is pppd */
	const char	*pppd_path;	/* default SSTPC_PPPD_PATH */
	const char	*ipparam;	/* names the sstp-api socket */
	char		**pppd_args;	/* NULL-terminated, in order */
	size_t		 n_pppd_args;

	/*
	 * Built-in PPP on a TUN device (--tun, issue 12).  Names and meanings
	 * follow pppd's options where pppd has one.
	 */
	bool		 tun;		/* --tun[=NAME] or --tun-fd: built-in */
	const char	*tun_name;	/* NULL: the kernel picks sstpN */
	int		 tun_fd;	/* --tun-fd N, -1 if none */
	unsigned	 mtu;		/* --mtu, 0: from the peer's MRU */
	unsigned	 mru;		/* --mru, 0: 1500 */
	/* defaultroute is IPv4's, as pppd's; IPv6: --route ::/0. */
	bool		 defaultroute;	/* --defaultroute */
	bool		 usepeerdns;	/* --usepeerdns */
	bool		 noip;		/* --noip: IPv6 only */
	bool		 noipv6;	/* --noipv6: IPv4 only */
	unsigned	 lcp_echo_interval;	/* s, 0: off */
	unsigned	 lcp_echo_failure;	/* 0: never */
	bool		 persist;	/* --persist: reconnect in process */
	unsigned	 maxfail;	/* --maxfail, 0: no limit */
	unsigned	 holdoff;	/* --holdoff s */
	unsigned	 auth_allow;	/* PPP_AUTH_ALLOW_* after --refuse-* */
	bool		 require_mppe;	/* --require-mppe */
	bool		 nomppe;	/* --nomppe */
	struct cfg_route {
		uint8_t	 family;	/* AF_INET or AF_INET6 */
		uint8_t	 prefixlen;
		uint8_t	 addr[16];
	}		*routes;	/* --route CIDR, repeatable */
	size_t		 n_routes;
	const char	*script;	/* --script CMD (vpnc-script), sh -c */

	/* Privileges */
	const char	*priv_user;
	const char	*priv_group;
	const char	*priv_dir;
	bool		 priv_user_given;	/* else the configured default */
	bool		 priv_group_given;
	bool		 allow_root;	/* no user to drop to: stay root */

	/* Logging: log.path is the file or syslog socket of log.sink. */
	struct log_conf	 log;
	bool		 debug;		/* --debug: level at least 3 */
};

/* Fill *cfg with the defaults (no allocation). */
void	cmdline_defaults(struct sstpc_config *cfg);

/*
 * Parse argv into *cfg (cmdline_defaults() is applied first).  Returns 0 to
 * run, CMDLINE_HELP, CMDLINE_VERSION, or -1 with a one-line message naming
 * the problem in err (main prints it and exits SSTPC_EXIT_USAGE).  Always
 * call cmdline_free() afterwards.  Re-entrant: no global state.
 */
int	cmdline_parse(struct sstpc_config *cfg, int argc, char **argv,
	    char *err, size_t errlen);

/* Zeroize secrets and free what cmdline_parse() allocated. */
void	cmdline_free(struct sstpc_config *cfg);

/* Print the --help text, generated from the option table. */
void	cmdline_usage(FILE *fp);

/* Print the --version text. */
void	cmdline_version(FILE *fp);

/* Number of entries in the option table, and the long name of entry i. */
size_t	cmdline_option_count(void);
const char *cmdline_option_name(size_t i);

/*
 * Read the password from --password-fd or --password-file into
 * cfg->password (up to the first newline, CR LF stripped, at most
 * CFG_PASS_MAX - 1 bytes).  The descriptor is closed afterwards, read or
 * not (0-2 are pointed at /dev/null): the process that keeps running after
 * the privilege drop must not be able to read the rest of a root-only file
 * behind it.  Returns 0 (also
 * when no such source was given) or -1 with a message in err.
 */
int	cmdline_load_password(struct sstpc_config *cfg, char *err,
	    size_t errlen);

/*
 * With --proxy-env and no --proxy: take the proxy from https_proxy, else
 * http_proxy (values passed in by main), unless no_proxy ("*" or a comma
 * list of host names / domain suffixes) matches the server.  Returns 0 or
 * -1 with a message in err.
 */
int	cmdline_proxy_from_env(struct sstpc_config *cfg,
	    const char *https_proxy, const char *http_proxy,
	    const char *no_proxy, char *err, size_t errlen);

/* Short description of an exit status of exit_status.h, for logs. */
const char *cmdline_exit_text(int status);

#endif /* SSTPC_CMDLINE_H */
