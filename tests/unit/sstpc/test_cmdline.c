/*
 * test_cmdline.c - option parser, help text, password sources, proxy from
 * the environment, exit statuses (src/cmdline.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "sstpc/cmdline.h"
#include "harness.h"

#define AV_MAX	64

/* A mutable argv, so that scrubbing can be observed. */
struct av {
	int	 argc;
	char	*argv[AV_MAX + 1];
	char	*orig[AV_MAX];	/* copies of the original strings */
	size_t	 len[AV_MAX];
};

static void
av_vmake(struct av *a, va_list ap)
{
	const char *s;

	memset(a, 0, sizeof *a);
	a->argv[a->argc] = strdup("sstpc");
	a->orig[a->argc] = strdup("sstpc");
	a->len[a->argc] = 5;
	a->argc++;
	while ((s = va_arg(ap, const char *)) != NULL && a->argc < AV_MAX) {
		a->argv[a->argc] = strdup(s);
		a->orig[a->argc] = strdup(s);
		a->len[a->argc] = strlen(s);
		a->argc++;
	}
	a->argv[a->argc] = NULL;
}

static void
av_make(struct av *a, ...)
{
	va_list ap;

	va_start(ap, a);
	av_vmake(a, ap);
	va_end(ap);
}

/* Build argv by splitting a string on spaces, as pppd splits "pty". */
static void
av_split(struct av *a, const char *line)
{
	char *copy = strdup(line), *tok, *save = NULL;

	memset(a, 0, sizeof *a);
	for (tok = strtok_r(copy, " ", &save); tok != NULL && a->argc < AV_MAX;
	    tok = strtok_r(NULL, " ", &save)) {
		a->argv[a->argc] = strdup(tok);
		a->orig[a->argc] = strdup(tok);
		a->len[a->argc] = strlen(tok);
		a->argc++;
	}
	a->argv[a->argc] = NULL;
	free(copy);
}

static void
av_free(struct av *a)
{
	int i;

	for (i = 0; i < a->argc; i++) {
		free(a->argv[i]);
		free(a->orig[i]);
	}
	memset(a, 0, sizeof *a);
}

/* True if argv[i]'s original bytes from off on are all zero now. */
static int
av_scrubbed(const struct av *a, int i, size_t off)
{
	size_t k;

	for (k = off; k < a->len[i]; k++)
		if (a->argv[i][k] != '\0')
			return 0;
	return a->len[i] > off;
}

/* True if argv[i] is unchanged. */
static int
av_intact(const struct av *a, int i)
{
	return memcmp(a->argv[i], a->orig[i], a->len[i] + 1) == 0;
}

static int
parse(struct sstpc_config *cfg, struct av *a, char *err, size_t errlen)
{
	return cmdline_parse(cfg, a->argc, a->argv, err, errlen);
}

static void
test_defaults(void)
{
	struct sstpc_config cfg;
	struct av a;
	char err[256];

	TEST_START("cmdline: minimal command line and defaults");
	av_make(&a, "vpn.example.com", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_STR_EQ(cfg.server_arg, "vpn.example.com");
	ASSERT_STR_EQ(cfg.server.host, "vpn.example.com");
	ASSERT_INT_EQ(cfg.server.port, 443);
	ASSERT_STR_EQ(cfg.name, "vpn.example.com");
	ASSERT_STR_EQ(cfg.sni, "vpn.example.com");
	ASSERT_PTR_NULL(cfg.uuid);
	ASSERT_PTR_NULL(cfg.ca_cert);
	ASSERT_PTR_NULL(cfg.ca_path);
	ASSERT_FALSE(cfg.cert_warn);
	ASSERT_FALSE(cfg.has_pin);
	ASSERT_FALSE(cfg.allow_root);
	ASSERT_INT_EQ(cfg.tls_min, CFG_TLS_1_2);
	ASSERT_INT_EQ(cfg.tls_max, 0);
	ASSERT_FALSE(cfg.require_sha256);
	ASSERT_FALSE(cfg.has_proxy);
	ASSERT_FALSE(cfg.proxy_env);
	ASSERT_INT_EQ(cfg.connect_timeout, 10);
	ASSERT_INT_EQ(cfg.handshake_timeout, 60);
	ASSERT_INT_EQ(cfg.hello_interval, 60);
	ASSERT_PTR_NULL(cfg.user);
	ASSERT_INT_EQ(cfg.pw_source, CFG_PW_NONE);
	ASSERT_INT_EQ(cfg.password_fd, -1);
	ASSERT_FALSE(cfg.has_password);
	ASSERT_FALSE(cfg.eap_auth);
	ASSERT_FALSE(cfg.nolaunchpppd);
	ASSERT_STR_EQ(cfg.pppd_path, SSTPC_PPPD_PATH);
	ASSERT_PTR_NULL(cfg.ipparam);
	ASSERT_INT_EQ(cfg.n_pppd_args, 0);
	ASSERT_PTR_NOT_NULL(cfg.pppd_args);
	ASSERT_PTR_NULL(cfg.pppd_args[0]);
	ASSERT_STR_EQ(cfg.priv_user, SSTPC_PRIV_USER);
	ASSERT_STR_EQ(cfg.priv_group, SSTPC_PRIV_GROUP);
	ASSERT_STR_EQ(cfg.priv_dir, SSTPC_RUNTIME_DIR);
	ASSERT_INT_EQ(cfg.log.level, 0);
	ASSERT_INT_EQ(cfg.log.sink, LOG_SINK_SYSLOG);
	ASSERT_STR_EQ(cfg.log.ident, "sstpc");
	ASSERT_PTR_NULL(cfg.log.path);
	ASSERT_PTR_NULL(cfg.log.filter);
	ASSERT_FALSE(cfg.log.lineno);
	ASSERT_FALSE(cfg.log.debug_keys);
	cmdline_free(&cfg);
	av_free(&a);

	/* argv[0]'s base name is the default ident (1.0.18). */
	av_make(&a, "h", NULL);
	free(a.argv[0]);
	a.argv[0] = strdup("/usr/sbin/sstpc-test");
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.log.ident, "sstpc-test");
	cmdline_free(&cfg);
	av_free(&a);
	TEST_DONE();
}

static void
test_legacy_options(void)
{
	struct sstpc_config cfg;
	struct av a;
	char err[256];

	TEST_START("cmdline: every sstp-client 1.0.18 option");
	av_make(&a, "--ca-cert", "/etc/ca.pem", "--ca-path", "/etc/ssl/certs",
	    "--cert-warn", "--crl-file", "/etc/crl.pem", "--crl-path",
	    "/etc/crl", "--host", "name.example.com", "--ipparam", "office",
	    "--nolaunchpppd", "--password", "pw", "--priv-user", "nobody",
	    "--priv-group", "nogroup", "--priv-dir", "/var/empty",
	    "--proxy", "http://proxy:3128", "--user", "DOM\\bob",
	    "--save-server-route", "--uuid",
	    "{11111111-2222-3333-4444-555555555555}",
	    "--tls-ext", "--log-level", "2", "--log-syslog", "/dev/log",
	    "--log-lineno", "--log-ident", "vpn", "--log-token",
	    "sstp_ctrl,hdlc",
	    "--debug", "192.0.2.10", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_STR_EQ(cfg.ca_cert, "/etc/ca.pem");
	ASSERT_STR_EQ(cfg.ca_path, "/etc/ssl/certs");
	ASSERT_TRUE(cfg.cert_warn);
	ASSERT_STR_EQ(cfg.crl_file, "/etc/crl.pem");
	ASSERT_STR_EQ(cfg.crl_path, "/etc/crl");
	ASSERT_STR_EQ(cfg.host_override, "name.example.com");
	ASSERT_STR_EQ(cfg.name, "name.example.com");
	/* --host gives SNI even though the server is an IP literal. */
	ASSERT_STR_EQ(cfg.sni, "name.example.com");
	ASSERT_STR_EQ(cfg.server.host, "192.0.2.10");
	ASSERT_INT_EQ(cfg.server.host_type, URL_HOST_IPV4);
	ASSERT_STR_EQ(cfg.ipparam, "office");
	ASSERT_TRUE(cfg.nolaunchpppd);
	ASSERT_TRUE(cfg.has_password);
	ASSERT_STR_EQ(cfg.password, "pw");
	ASSERT_INT_EQ(cfg.pw_source, CFG_PW_ARGV);
	ASSERT_STR_EQ(cfg.priv_user, "nobody");
	ASSERT_STR_EQ(cfg.priv_group, "nogroup");
	ASSERT_STR_EQ(cfg.priv_dir, "/var/empty");
	ASSERT_TRUE(cfg.has_proxy);
	ASSERT_STR_EQ(cfg.proxy.host, "proxy");
	ASSERT_INT_EQ(cfg.proxy.port, 3128);
	ASSERT_STR_EQ(cfg.user, "DOM\\bob");
	ASSERT_TRUE(cfg.save_server_route);
	ASSERT_STR_EQ(cfg.uuid, "{11111111-2222-3333-4444-555555555555}");
	ASSERT_TRUE(cfg.tls_ext);
	ASSERT_FALSE(cfg.no_sni);
	/* --debug raises level 2 to 3. */
	ASSERT_INT_EQ(cfg.log.level, 3);
	ASSERT_TRUE(cfg.debug);
	ASSERT_INT_EQ(cfg.log.sink, LOG_SINK_SYSLOG);
	ASSERT_STR_EQ(cfg.log.path, "/dev/log");
	ASSERT_TRUE(cfg.log.lineno);
	ASSERT_STR_EQ(cfg.log.ident, "vpn");
	ASSERT_STR_EQ(cfg.log.filter, "sstp_ctrl,hdlc");
	ASSERT_INT_EQ(cfg.n_pppd_args, 0);
	cmdline_free(&cfg);
	av_free(&a);

	/* --log-filter is an alias of --log-token; --debug keeps 5. */
	av_make(&a, "--log-filter", "a,b", "--log-level", "5", "--debug",
	    "--log-stderr", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.log.filter, "a,b");
	ASSERT_INT_EQ(cfg.log.level, 5);
	ASSERT_INT_EQ(cfg.log.sink, LOG_SINK_STDERR);
	ASSERT_PTR_NULL(cfg.log.path);
	cmdline_free(&cfg);
	av_free(&a);

	av_make(&a, "h", "--log-stdout", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_INT_EQ(cfg.log.sink, LOG_SINK_STDOUT);
	cmdline_free(&cfg);
	av_free(&a);

	/* --help / --version / -v need no server. */
	av_make(&a, "--help", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), CMDLINE_HELP);
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "--version", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), CMDLINE_VERSION);
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "-v", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), CMDLINE_VERSION);
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "vpn", "--version", "--help", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), CMDLINE_VERSION);
	cmdline_free(&cfg);
	av_free(&a);
	TEST_DONE();
}

static void
test_optional_args(void)
{
	struct sstpc_config cfg;
	struct av a;
	char err[256];

	TEST_START("cmdline: --log-syslog / --log-file optional argument");
	/* The server is never eaten as the optional argument. */
	av_make(&a, "--log-syslog", "vpn.example.com", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.server.host, "vpn.example.com");
	ASSERT_PTR_NULL(cfg.log.path);
	cmdline_free(&cfg);
	av_free(&a);

	av_make(&a, "--log-file", "vpn.example.com", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.server.host, "vpn.example.com");
	ASSERT_INT_EQ(cfg.log.sink, LOG_SINK_FILE);
	ASSERT_STR_EQ(cfg.log.path, CFG_LOG_FILE_DEFAULT);
	cmdline_free(&cfg);
	av_free(&a);

	av_make(&a, "--log-file", "/tmp/s.log", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.log.path, "/tmp/s.log");
	ASSERT_STR_EQ(cfg.server.host, "h");
	cmdline_free(&cfg);
	av_free(&a);

	av_make(&a, "h", "--log-file", "./rel.log", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.log.path, "./rel.log");
	ASSERT_INT_EQ(cfg.n_pppd_args, 0);
	cmdline_free(&cfg);
	av_free(&a);

	av_make(&a, "--log-file=rel.log", "--log-syslog=/run/log", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_INT_EQ(cfg.log.sink, LOG_SINK_SYSLOG);
	ASSERT_STR_EQ(cfg.log.path, "/run/log");
	cmdline_free(&cfg);
	av_free(&a);

	/* Followed by an option: no argument. */
	av_make(&a, "--log-syslog", "--cert-warn", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_PTR_NULL(cfg.log.path);
	ASSERT_TRUE(cfg.cert_warn);
	cmdline_free(&cfg);
	av_free(&a);
	TEST_DONE();
}

static void
test_new_options(void)
{
	static const uint8_t pin[CFG_PIN_LEN] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
	};
	struct sstpc_config cfg;
	struct av a;
	char err[256];

	TEST_START("cmdline: new options");
	av_make(&a, "--password-fd", "3", "--pppd", "/opt/ppp/sbin/pppd",
	    "--sni", "front.example.net", "--server-cert-sha256",
	    "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
	    "01:23:45:67:89:ab:cd:ef:fe:dc:ba:98:76:54:32:10",
	    "--tls-min", "1.0", "--tls-max", "1.3", "--require-sha256",
	    "--connect-timeout", "5", "--handshake-timeout", "7",
	    "--hello-interval", "9", "--debug-keys", "--proxy-env",
	    "--eap-auth", "--user", "bob", "--allow-root",
	    "https://vpn.example.com:4443/", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_TRUE(cfg.allow_root);
	ASSERT_INT_EQ(cfg.pw_source, CFG_PW_FD);
	ASSERT_INT_EQ(cfg.password_fd, 3);
	ASSERT_STR_EQ(cfg.pppd_path, "/opt/ppp/sbin/pppd");
	ASSERT_STR_EQ(cfg.sni, "front.example.net");
	ASSERT_STR_EQ(cfg.name, "vpn.example.com");
	ASSERT_TRUE(cfg.has_pin);
	ASSERT_MEM_EQ(cfg.pin_sha256, pin, sizeof pin);
	ASSERT_INT_EQ(cfg.tls_min, CFG_TLS_1_0);
	ASSERT_INT_EQ(cfg.tls_max, CFG_TLS_1_3);
	ASSERT_TRUE(cfg.require_sha256);
	ASSERT_INT_EQ(cfg.connect_timeout, 5);
	ASSERT_INT_EQ(cfg.handshake_timeout, 7);
	ASSERT_INT_EQ(cfg.hello_interval, 9);
	ASSERT_TRUE(cfg.log.debug_keys);
	ASSERT_TRUE(cfg.proxy_env);
	ASSERT_TRUE(cfg.eap_auth);
	ASSERT_STR_EQ(cfg.server.host, "vpn.example.com");
	ASSERT_INT_EQ(cfg.server.port, 4443);
	cmdline_free(&cfg);
	av_free(&a);

	/* Pin without colons, --password-file, --no-sni. */
	av_make(&a, "--server-cert-sha256",
	    "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210",
	    "--password-file", "/etc/sstpc/pw", "--no-sni", "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_MEM_EQ(cfg.pin_sha256, pin, sizeof pin);
	ASSERT_INT_EQ(cfg.pw_source, CFG_PW_FILE);
	ASSERT_STR_EQ(cfg.password_file, "/etc/sstpc/pw");
	ASSERT_TRUE(cfg.no_sni);
	ASSERT_STR_EQ(cfg.sni, "");
	cmdline_free(&cfg);
	av_free(&a);
	TEST_DONE();
}

/* NetworkManager-sstp's pty string (REFERENCE-CLIENT.md 3.5). */
static const char *const nm_lines[] = {
	"/usr/sbin/sstpc vpn.example.com --cert-warn --tls-ext --log-level 5 "
	    "--nolaunchpppd --proxy http://u:p@proxy:3128 "
	    "--ipparam nm-pptp-service-1234 "
	    "--uuid 6a9e2e3c-6c5e-4d2b-9a8e-0c1d2e3f4a5b --ca-cert /x.pem",
	"/usr/sbin/sstpc vpn.example.com --nolaunchpppd "
	    "--ipparam nm-pptp-service-1234",
	"/usr/sbin/sstpc vpn.example.com --tls-ext --nolaunchpppd "
	    "--proxy http://proxy:3128 --ipparam nm-pptp-service-1234 "
	    "--uuid 6a9e2e3c-6c5e-4d2b-9a8e-0c1d2e3f4a5b",
};

static void
test_networkmanager(void)
{
	struct sstpc_config cfg;
	struct av a;
	char err[256];
	int i;

	TEST_START("cmdline: NetworkManager-sstp argv");
	av_split(&a, nm_lines[0]);
	ASSERT_INT_EQ(a.argc, 15);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_STR_EQ(cfg.server.host, "vpn.example.com");
	ASSERT_TRUE(cfg.cert_warn);
	ASSERT_TRUE(cfg.tls_ext);
	ASSERT_INT_EQ(cfg.log.level, 5);
	ASSERT_TRUE(cfg.nolaunchpppd);
	ASSERT_TRUE(cfg.has_proxy);
	ASSERT_STR_EQ(cfg.proxy.host, "proxy");
	ASSERT_INT_EQ(cfg.proxy.port, 3128);
	ASSERT_STR_EQ(cfg.proxy.user, "u");
	ASSERT_STR_EQ(cfg.proxy.pass, "p");
	ASSERT_STR_EQ(cfg.ipparam, "nm-pptp-service-1234");
	ASSERT_STR_EQ(cfg.uuid, "6a9e2e3c-6c5e-4d2b-9a8e-0c1d2e3f4a5b");
	ASSERT_STR_EQ(cfg.ca_cert, "/x.pem");
	ASSERT_STR_EQ(cfg.sni, "vpn.example.com");
	ASSERT_INT_EQ(cfg.n_pppd_args, 0);
	/* The proxy credentials are gone from argv; the rest is intact. */
	ASSERT_TRUE(av_scrubbed(&a, 8, 0));
	for (i = 0; i < a.argc; i++)
		if (i != 8)
			TH_CHECK(av_intact(&a, i), "argv[%d] changed", i);
	cmdline_free(&cfg);
	av_free(&a);

	for (i = 1; i < (int)(sizeof nm_lines / sizeof nm_lines[0]); i++) {
		av_split(&a, nm_lines[i]);
		ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
		ASSERT_TRUE(cfg.nolaunchpppd);
		ASSERT_STR_EQ(cfg.ipparam, "nm-pptp-service-1234");
		ASSERT_INT_EQ(cfg.n_pppd_args, 0);
		cmdline_free(&cfg);
		av_free(&a);
	}
	TEST_DONE();
}

/* The same options in different orders give the same config. */
static void
test_permutations(void)
{
	static const char *const orders[][9] = {
		{ "vpn.example.com", "--user", "bob", "--log-level", "4",
		    "--cert-warn", "--ipparam", "x", NULL },
		{ "--user", "bob", "vpn.example.com", "--log-level", "4",
		    "--ipparam", "x", "--cert-warn", NULL },
		{ "--cert-warn", "--ipparam", "x", "--log-level", "4", "--user",
		    "bob", "vpn.example.com", NULL },
		{ "--ipparam=x", "--log-level=4", "vpn.example.com",
		    "--user=bob", "--cert-warn", NULL },
	};
	struct sstpc_config cfg;
	struct av a;
	char err[256];
	size_t i, k;

	TEST_START("cmdline: permutations");
	for (i = 0; i < sizeof orders / sizeof orders[0]; i++) {
		memset(&a, 0, sizeof a);
		a.argv[a.argc] = strdup("sstpc");
		a.orig[a.argc] = strdup("sstpc");
		a.len[a.argc++] = 5;
		for (k = 0; orders[i][k] != NULL; k++) {
			a.argv[a.argc] = strdup(orders[i][k]);
			a.orig[a.argc] = strdup(orders[i][k]);
			a.len[a.argc++] = strlen(orders[i][k]);
		}
		ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
		ASSERT_STR_EQ(cfg.server.host, "vpn.example.com");
		ASSERT_STR_EQ(cfg.user, "bob");
		ASSERT_INT_EQ(cfg.log.level, 4);
		ASSERT_TRUE(cfg.cert_warn);
		ASSERT_STR_EQ(cfg.ipparam, "x");
		ASSERT_INT_EQ(cfg.n_pppd_args, 0);
		cmdline_free(&cfg);
		av_free(&a);
	}
	TEST_DONE();
}

static void
check_pppd_args(const struct sstpc_config *cfg, const char *const *want)
{
	size_t n;

	for (n = 0; want[n] != NULL; n++) {
		TH_CHECK(n < cfg->n_pppd_args, "pppd arg %zu missing", n);
		if (n < cfg->n_pppd_args)
			ASSERT_STR_EQ(cfg->pppd_args[n], want[n]);
	}
	ASSERT_INT_EQ(cfg->n_pppd_args, n);
	ASSERT_PTR_NULL(cfg->pppd_args[cfg->n_pppd_args]);
}

static void
test_pppd_args(void)
{
	static const char *const w1[] = { "noauth", "mtu", "1400",
	    "defaultroute", NULL };
	static const char *const w2[] = { "-detach", "noauth", "--user", "x",
	    "--", NULL };
	static const char *const w3[] = { "nodetach", NULL };
	static const char *const w4[] = { "call", "office", "mtu", "1400",
	    NULL };
	struct sstpc_config cfg;
	struct av a;
	char err[256];

	TEST_START("cmdline: pppd options in order, '--' handling");
	av_make(&a, "vpn.example.com", "noauth", "mtu", "1400", "--user", "bob",
	    "defaultroute", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	check_pppd_args(&cfg, w1);
	ASSERT_STR_EQ(cfg.user, "bob");
	cmdline_free(&cfg);
	av_free(&a);

	/* After "--" everything is pppd's, dashes and all. */
	av_make(&a, "--log-level", "1", "vpn", "--", "-detach", "noauth",
	    "--user", "x", "--", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	check_pppd_args(&cfg, w2);
	ASSERT_PTR_NULL(cfg.user);
	ASSERT_INT_EQ(cfg.log.level, 1);
	cmdline_free(&cfg);
	av_free(&a);

	/* "--" before the server. */
	av_make(&a, "--cert-warn", "--", "vpn", "nodetach", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.server.host, "vpn");
	check_pppd_args(&cfg, w3);
	cmdline_free(&cfg);
	av_free(&a);

	/* Options interleaved with pppd words keep the words' order. */
	av_make(&a, "vpn", "call", "--log-level", "3", "office", "--cert-warn",
	    "mtu", "1400", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	check_pppd_args(&cfg, w4);
	ASSERT_INT_EQ(cfg.log.level, 3);
	ASSERT_TRUE(cfg.cert_warn);
	cmdline_free(&cfg);
	av_free(&a);
	TEST_DONE();
}

static void
test_getopt_conventions(void)
{
	struct sstpc_config cfg;
	struct av a;
	char err[256];

	TEST_START("cmdline: abbreviations, '=', last one wins");
	av_make(&a, "--nolaunch", "--cert", "--log-lev=4", "--log-level", "6",
	    "--user", "a", "--user", "b", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_TRUE(cfg.nolaunchpppd);
	ASSERT_TRUE(cfg.cert_warn);
	ASSERT_INT_EQ(cfg.log.level, 6);
	ASSERT_STR_EQ(cfg.user, "b");
	cmdline_free(&cfg);
	av_free(&a);

	/* SNI: last of --sni / --no-sni / --tls-ext wins. */
	av_make(&a, "--sni", "a.example", "--no-sni", "h.example", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.sni, "");
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "--no-sni", "--sni", "a.example", "h.example", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.sni, "a.example");
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "--no-sni", "--tls-ext", "h.example", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.sni, "h.example");
	cmdline_free(&cfg);
	av_free(&a);

	/* Two --password: the last one is kept, both are scrubbed. */
	av_make(&a, "--password", "first", "--password=second", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.password, "second");
	ASSERT_TRUE(av_scrubbed(&a, 2, 0));
	ASSERT_TRUE(av_scrubbed(&a, 3, strlen("--password=")));
	ASSERT_TRUE(memcmp(a.argv[3], "--password=", 11) == 0);
	cmdline_free(&cfg);
	av_free(&a);
	TEST_DONE();
}

static void
test_server_forms(void)
{
	static const struct {
		const char *arg, *host, *sni;
		unsigned port;
	} v[] = {
		{ "vpn.example.com", "vpn.example.com", "vpn.example.com",
		    443 },
		{ "vpn.example.com:8443", "vpn.example.com", "vpn.example.com",
		    8443 },
		{ "[2001:db8::1]:8443", "2001:db8::1", "", 8443 },
		{ "2001:db8::1", "2001:db8::1", "", 443 },
		{ "https://vpn.example.com:4443/", "vpn.example.com",
		    "vpn.example.com", 4443 },
		{ "192.0.2.1", "192.0.2.1", "", 443 },
	};
	struct sstpc_config cfg;
	struct av a;
	char err[256];
	size_t i;

	TEST_START("cmdline: server forms");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		av_make(&a, v[i].arg, NULL);
		ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
		ASSERT_STR_EQ(cfg.server.host, v[i].host);
		ASSERT_STR_EQ(cfg.name, v[i].host);
		ASSERT_STR_EQ(cfg.sni, v[i].sni);
		ASSERT_INT_EQ(cfg.server.port, v[i].port);
		cmdline_free(&cfg);
		av_free(&a);
	}
	TEST_DONE();
}

struct bad_case {
	const char *args[8];
	const char *err;
};

static const struct bad_case bad[] = {
	{ { "--foo", "h" }, "unknown option '--foo'" },
	{ { "h", "--foo=bar" }, "unknown option '--foo'" },
	{ { "-x", "h" }, "unknown option '-x'" },
	{ { "h", "-detach" }, "unknown option '-detach' (pppd options "
	    "starting with '-' go after '--')" },
	{ { "--ca", "x", "h" }, "option '--ca' is ambiguous" },
	{ { "h", "--user" }, "option '--user' requires an argument" },
	{ { "--cert-warn=yes", "h" },
	    "option '--cert-warn' does not take an argument" },
	{ { "--user", "", "h" }, "empty argument for --user" },
	{ { "--priv-user", "", "h" }, "empty argument for --priv-user" },
	{ { "--log-level", "7", "h" },
	    "--log-level needs a number from 0 to 6, not '7'" },
	{ { "--log-level", "x", "h" },
	    "--log-level needs a number from 0 to 6, not 'x'" },
	{ { "--log-level", "-1", "h" },
	    "--log-level needs a number from 0 to 6, not '-1'" },
	{ { "--connect-timeout", "0", "h" }, "--connect-timeout needs a "
	    "number of seconds from 1 to 3600, not '0'" },
	{ { "--hello-interval", "99999999999999999999", "h" },
	    "--hello-interval needs a number of seconds from 1 to 3600, "
	    "not '99999999999999999999'" },
	{ { "--handshake-timeout", "1s", "h" }, "--handshake-timeout needs "
	    "a number of seconds from 1 to 3600, not '1s'" },
	{ { "vpn:0" }, "bad server address 'vpn:0': port out of range "
	    "(1-65535)" },
	{ { "vpn:65536" }, "bad server address 'vpn:65536': port out of "
	    "range (1-65535)" },
	{ { "vpn:" }, "bad server address 'vpn:': empty port" },
	{ { "http://vpn" }, "bad server address 'http://vpn': unsupported "
	    "scheme (the server needs https://)" },
	{ { "-" }, "bad server address '-': invalid host name" },
	{ { "--password-fd", "-1", "h" }, "--password-fd needs a descriptor "
	    "number (0 or more), not '-1'" },
	{ { "--password-fd", "abc", "h" }, "--password-fd needs a "
	    "descriptor number (0 or more), not 'abc'" },
	{ { "--password", "a", "--password-fd", "3", "h" },
	    "conflicting password sources: use only one of --password, "
	    "--password-fd, --password-file" },
	{ { "--password-fd", "3", "--password-file", "/p", "h" },
	    "conflicting password sources: use only one of --password, "
	    "--password-fd, --password-file" },
	{ { "--nolaunchpppd", "--password-fd", "0", "h" },
	    "--password-fd 0 is pppd's pty in --nolaunchpppd mode" },
	{ { "--nolaunchpppd", "--log-stdout", "h" }, "--log-stdout cannot "
	    "be used with --nolaunchpppd (stdout is pppd's pty)" },
	{ { "--eap-auth", "h" }, "--eap-auth requires --user" },
	{ { "--eap-auth", "--user", "u", "h" }, "--eap-auth requires a "
	    "password (--password-fd, --password-file or --password)" },
	{ { "--cert-warn" }, "missing server argument (try --help)" },
	{ { "--tls-min", "1.3", "--tls-max", "1.2", "h" },
	    "--tls-min 1.3 is above --tls-max 1.2" },
	{ { "--tls-min", "2.0", "h" },
	    "--tls-min needs 1.0, 1.1, 1.2 or 1.3, not '2.0'" },
	{ { "--server-cert-sha256", "0011", "h" }, "--server-cert-sha256 "
	    "needs 64 hex digits (colons between bytes allowed)" },
	{ { "--server-cert-sha256", "0g112233445566778899aabbccddeeff"
	    "0123456789abcdeffedcba9876543210", "h" }, "--server-cert-sha256 "
	    "needs 64 hex digits (colons between bytes allowed)" },
	{ { "--server-cert-sha256", "0:0112233445566778899aabbccddeeff"
	    "0123456789abcdeffedcba9876543210", "h" }, "--server-cert-sha256 "
	    "needs 64 hex digits (colons between bytes allowed)" },
	{ { "--priv-dir", "var/run", "h" },
	    "--priv-dir needs an absolute path, not 'var/run'" },
	{ { "--pppd", "pppd", "h" },
	    "--pppd needs an absolute path, not 'pppd'" },
	{ { "--uuid", "a b", "h" },
	    "bad --uuid (at most 63 printable characters, no spaces)" },
	{ { "--sni", "192.0.2.1", "h" },
	    "--sni needs a DNS name, not '192.0.2.1'" },
	{ { "--host", "a b", "h" }, "bad --host name 'a b'" },
	{ { "--host", "h.example:443", "h" },
	    "bad --host name 'h.example:443'" },
	{ { "--user", "a\nb", "h" },
	    "bad --user (at most 255 bytes, no control characters)" },
	{ { "--proxy", "socks5://p:1080", "h" }, "bad --proxy URL: "
	    "unsupported proxy scheme (only http:// is supported)" },
	{ { "--proxy", "http://p:0", "h" },
	    "bad --proxy URL: port out of range (1-65535)" },
};

static void
test_bad_input(void)
{
	struct sstpc_config cfg;
	struct av a;
	char err[256];
	size_t i, k;

	TEST_START("cmdline: bad input gives one clear line");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&a, 0, sizeof a);
		a.argv[a.argc] = strdup("sstpc");
		a.orig[a.argc] = strdup("sstpc");
		a.len[a.argc++] = 5;
		for (k = 0; k < 8 && bad[i].args[k] != NULL; k++) {
			a.argv[a.argc] = strdup(bad[i].args[k]);
			a.orig[a.argc] = strdup(bad[i].args[k]);
			a.len[a.argc++] = strlen(bad[i].args[k]);
		}
		ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
		ASSERT_STR_EQ(err, bad[i].err);
		ASSERT_TRUE(strchr(err, '\n') == NULL);
		cmdline_free(&cfg);
		av_free(&a);
	}
	/* --ipparam must fit a socket path under the runtime directory. */
	{
		char want[128];

		av_make(&a, "--ipparam", "../x", "h", NULL);
		ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
		(void)snprintf(want, sizeof want, "bad --ipparam (at most %zu "
		    "characters, no '/')", 107 - strlen(SSTPC_RUNTIME_DIR
		    "/sstpc-"));
		ASSERT_STR_EQ(err, want);
		cmdline_free(&cfg);
		av_free(&a);
	}
	/* A tiny error buffer is truncated, not overrun. */
	av_make(&a, "--foo", NULL);
	memset(err, 'z', sizeof err);
	ASSERT_INT_EQ(cmdline_parse(&cfg, a.argc, a.argv, err, 5), -1);
	ASSERT_STR_EQ(err, "unkn");
	ASSERT_INT_EQ(err[5], 'z');
	cmdline_free(&cfg);
	av_free(&a);
	TEST_DONE();
}

static void
test_scrub(void)
{
	struct sstpc_config cfg, zero;
	struct av a;
	char err[256];

	TEST_START("cmdline: secrets scrubbed from argv at once");
	av_make(&a, "--password", "hunter2", "--proxy",
	    "http://alice:pr0xy@proxy:8080", "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_TRUE(av_scrubbed(&a, 2, 0));
	ASSERT_TRUE(av_scrubbed(&a, 4, 0));
	ASSERT_TRUE(av_intact(&a, 1));
	ASSERT_TRUE(av_intact(&a, 5));
	ASSERT_STR_EQ(cfg.password, "hunter2");
	ASSERT_STR_EQ(cfg.proxy.user, "alice");
	ASSERT_STR_EQ(cfg.proxy.pass, "pr0xy");
	/* cmdline_free() wipes everything. */
	cmdline_free(&cfg);
	memset(&zero, 0, sizeof zero);
	ASSERT_MEM_EQ(&cfg, &zero, sizeof cfg);
	av_free(&a);

	/* Scrubbed even when an earlier argument is an error. */
	av_make(&a, "--bogus", "--password", "hunter2", "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "unknown option '--bogus'");
	ASSERT_TRUE(av_scrubbed(&a, 3, 0));
	cmdline_free(&cfg);
	av_free(&a);

	/* ... and for an ambiguous abbreviation of --password. */
	av_make(&a, "--pass", "hunter2", "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "option '--pass' is ambiguous");
	ASSERT_TRUE(av_scrubbed(&a, 2, 0));
	ASSERT_TRUE(av_intact(&a, 3));
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "--passw=hunter2", "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
	ASSERT_TRUE(av_scrubbed(&a, 1, strlen("--passw=")));
	cmdline_free(&cfg);
	av_free(&a);

	/* A malformed proxy URL with credentials is scrubbed too. */
	av_make(&a, "--proxy", "http://u:secret@", "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "bad --proxy URL: empty host");
	ASSERT_TRUE(av_scrubbed(&a, 2, 0));
	cmdline_free(&cfg);
	av_free(&a);

	/* Credentials in the server address: refused and scrubbed. */
	av_make(&a, "https://bob:secret@vpn.example.com", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "credentials in the server address are not "
	    "supported (use --user and --password-fd)");
	ASSERT_TRUE(av_scrubbed(&a, 1, 0));
	cmdline_free(&cfg);
	av_free(&a);

	/* A proxy without credentials stays visible. */
	av_make(&a, "--proxy", "http://proxy:8080", "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_TRUE(av_intact(&a, 2));
	ASSERT_FALSE(cfg.proxy.has_user);
	cmdline_free(&cfg);
	av_free(&a);

	/* Too long a password: error, still scrubbed, nothing kept. */
	{
		char big[CFG_PASS_MAX + 1];

		memset(big, 'p', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		av_make(&a, "--password", big, "vpn", NULL);
		ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
		ASSERT_STR_EQ(err, "--password is too long (at most 255 "
		    "bytes)");
		ASSERT_TRUE(av_scrubbed(&a, 2, 0));
		ASSERT_FALSE(cfg.has_password);
		ASSERT_STR_EQ(cfg.password, "");
		cmdline_free(&cfg);
		av_free(&a);
	}
	TEST_DONE();
}

static void
test_reentrant(void)
{
	struct sstpc_config c1, c2;
	struct av a1, a2;
	char err[256];
	int i;

	TEST_START("cmdline: re-entrant, no hidden state");
	for (i = 0; i < 3; i++) {
		av_make(&a1, "--log-level", "4", "one.example", "noauth", NULL);
		av_make(&a2, "two.example", "--cert-warn", NULL);
		ASSERT_INT_EQ(parse(&c1, &a1, err, sizeof err), 0);
		ASSERT_INT_EQ(parse(&c2, &a2, err, sizeof err), 0);
		ASSERT_STR_EQ(c1.server.host, "one.example");
		ASSERT_STR_EQ(c2.server.host, "two.example");
		ASSERT_INT_EQ(c1.log.level, 4);
		ASSERT_INT_EQ(c2.log.level, 0);
		ASSERT_FALSE(c1.cert_warn);
		ASSERT_TRUE(c2.cert_warn);
		ASSERT_INT_EQ(c1.n_pppd_args, 1);
		ASSERT_INT_EQ(c2.n_pppd_args, 0);
		cmdline_free(&c1);
		cmdline_free(&c2);
		av_free(&a1);
		av_free(&a2);
	}
	TEST_DONE();
}

/* Every option name of sstp-client 1.0.18 (REFERENCE-CLIENT.md 2). */
static const char *const legacy_names[] = {
	"ca-cert", "ca-path", "cert-warn", "crl-file", "crl-path", "host",
	"ipparam", "help", "nolaunchpppd", "password", "priv-user",
	"priv-group", "priv-dir", "proxy", "user", "save-server-route",
	"uuid", "tls-ext", "version", "log-level", "log-syslog",
	"log-stderr", "log-stdout", "log-lineno", "log-ident", "log-token",
	"log-filter", "log-file", "debug",
	/* and the new ones this project adds */
	"password-fd", "password-file", "pppd", "sni", "no-sni",
	"server-cert-sha256", "tls-min", "tls-max", "require-sha256",
	"connect-timeout", "handshake-timeout", "hello-interval",
	"debug-keys", "proxy-env", "eap-auth",
};

/* True if text holds "--name" followed by a non-name character. */
static int
has_option(const char *text, const char *name)
{
	char pat[64];
	const char *p = text;
	size_t n;

	n = (size_t)snprintf(pat, sizeof pat, "--%s", name);
	while ((p = strstr(p, pat)) != NULL) {
		char c = p[n];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return 1;
		p += n;
	}
	return 0;
}

static void
test_usage(void)
{
	char *text = NULL;
	size_t len = 0, i, n;
	FILE *fp;
	struct sstpc_config cfg;
	struct av a;
	char err[256], arg[80];

	TEST_START("cmdline: --help lists every option");
	fp = open_memstream(&text, &len);
	ASSERT_PTR_NOT_NULL(fp);
	if (fp == NULL)
		return;
	cmdline_usage(fp);
	fclose(fp);
	ASSERT_TRUE(len > 1000);
	{
		static const char head[] = "Usage: sstpc [options] "
		    "<server>[:port] [[--] pppd-options]\n";

		ASSERT_TRUE(strncmp(text, head, sizeof head - 1) == 0);
	}
	n = cmdline_option_count();
	ASSERT_INT_GE(n, sizeof legacy_names / sizeof legacy_names[0]);
	for (i = 0; i < n; i++)
		TH_CHECK(has_option(text, cmdline_option_name(i)),
		    "--%s missing from --help", cmdline_option_name(i));
	ASSERT_PTR_NULL(cmdline_option_name(n));
	for (i = 0; i < sizeof legacy_names / sizeof legacy_names[0]; i++)
		TH_CHECK(has_option(text, legacy_names[i]),
		    "--%s missing from --help", legacy_names[i]);
	ASSERT_TRUE(strstr(text, "-v, --version") != NULL);
	/* No line wider than 80 columns. */
	for (i = 0, n = 0; i < len; i++, n++) {
		if (text[i] == '\n')
			n = (size_t)-1;
		else
			TH_CHECK(n < 80, "help line too wide at byte %zu", i);
	}
	free(text);

	/* Every legacy name is accepted by the parser. */
	for (i = 0; i < sizeof legacy_names / sizeof legacy_names[0]; i++) {
		(void)snprintf(arg, sizeof arg, "--%s", legacy_names[i]);
		av_make(&a, arg, NULL);
		TH_CHECK(parse(&cfg, &a, err, sizeof err) != -1 ||
		    strstr(err, "unknown option") == NULL, "%s: %s", arg, err);
		cmdline_free(&cfg);
		av_free(&a);
	}

	fp = open_memstream(&text, &len);
	if (fp != NULL) {
		cmdline_version(fp);
		fclose(fp);
		ASSERT_STR_EQ(text, PACKAGE_NAME " " PACKAGE_VERSION "\n");
		free(text);
	}
	TEST_DONE();
}

static void
test_password_sources(void)
{
	struct sstpc_config cfg;
	struct av a;
	char err[256], path[] = "/tmp/test_cmdline.XXXXXX", fdarg[16];
	int p[2], fd;

	TEST_START("cmdline: --password-fd and --password-file");
	ASSERT_INT_EQ(pipe(p), 0);
	(void)snprintf(fdarg, sizeof fdarg, "%d", p[0]);
	ASSERT_INT_EQ(write(p[1], "s3cret\r\nnext line\n", 18), 18);
	av_make(&a, "--password-fd", fdarg, "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_INT_EQ(cmdline_load_password(&cfg, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.password, "s3cret");
	ASSERT_TRUE(cfg.has_password);
	/*
	 * Closed once read: after the privilege drop nothing may read the
	 * rest of what is behind it (here "next line").
	 */
	errno = 0;
	ASSERT_INT_EQ(fcntl(p[0], F_GETFD), -1);
	ASSERT_INT_EQ(errno, EBADF);
	close(p[1]);
	/* So a second read finds a closed descriptor. */
	ASSERT_INT_EQ(cmdline_load_password(&cfg, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "cannot read the password: Bad file descriptor");
	cmdline_free(&cfg);
	av_free(&a);

	/* EOF gives "empty", and the descriptor is closed as well. */
	ASSERT_INT_EQ(pipe(p), 0);
	(void)snprintf(fdarg, sizeof fdarg, "%d", p[0]);
	close(p[1]);
	av_make(&a, "--password-fd", fdarg, "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_INT_EQ(cmdline_load_password(&cfg, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "empty password from --password-fd");
	ASSERT_FALSE(cfg.has_password);
	errno = 0;
	ASSERT_INT_EQ(fcntl(p[0], F_GETFD), -1);
	ASSERT_INT_EQ(errno, EBADF);
	cmdline_free(&cfg);
	av_free(&a);

	/* --password-fd 0: stdin becomes /dev/null, not a free number. */
	{
		struct stat st, nul;
		int saved = dup(STDIN_FILENO);

		ASSERT_INT_GE(saved, 0);
		ASSERT_INT_EQ(pipe(p), 0);
		ASSERT_INT_EQ(write(p[1], "on-stdin\nrest\n", 14), 14);
		close(p[1]);
		ASSERT_INT_EQ(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
		close(p[0]);
		av_make(&a, "--password-fd", "0", "vpn", NULL);
		ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
		ASSERT_INT_EQ(cmdline_load_password(&cfg, err, sizeof err), 0);
		ASSERT_STR_EQ(cfg.password, "on-stdin");
		ASSERT_INT_EQ(fstat(STDIN_FILENO, &st), 0);
		ASSERT_INT_EQ(stat("/dev/null", &nul), 0);
		ASSERT_TRUE(S_ISCHR(st.st_mode) && st.st_rdev == nul.st_rdev);
		ASSERT_INT_EQ(dup2(saved, STDIN_FILENO), STDIN_FILENO);
		close(saved);
		cmdline_free(&cfg);
		av_free(&a);
	}

	/* File, no trailing newline; too long; NUL byte. */
	fd = mkstemp(path);
	ASSERT_INT_GE(fd, 0);
	ASSERT_INT_EQ(write(fd, "from-file", 9), 9);
	close(fd);
	av_make(&a, "--password-file", path, "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_INT_EQ(cmdline_load_password(&cfg, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.password, "from-file");
	fd = open(path, O_WRONLY | O_TRUNC);
	{
		char big[CFG_PASS_MAX + 4];

		memset(big, 'x', sizeof big);
		ASSERT_INT_EQ(write(fd, big, sizeof big), (int)sizeof big);
	}
	close(fd);
	ASSERT_INT_EQ(cmdline_load_password(&cfg, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "password too long (at most 255 bytes)");
	ASSERT_STR_EQ(cfg.password, "");
	fd = open(path, O_WRONLY | O_TRUNC);
	ASSERT_INT_EQ(write(fd, "ab\0cd\n", 6), 6);
	close(fd);
	ASSERT_INT_EQ(cmdline_load_password(&cfg, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "password contains a NUL byte");
	unlink(path);
	ASSERT_INT_EQ(cmdline_load_password(&cfg, err, sizeof err), -1);
	ASSERT_TRUE(strncmp(err, "cannot open password file /tmp/", 31) == 0);
	cmdline_free(&cfg);
	av_free(&a);

	/* No source: nothing to do. */
	av_make(&a, "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_INT_EQ(cmdline_load_password(&cfg, err, sizeof err), 0);
	ASSERT_FALSE(cfg.has_password);
	cmdline_free(&cfg);
	av_free(&a);
	TEST_DONE();
}

static void
test_proxy_env(void)
{
	struct sstpc_config cfg;
	struct av a;
	char err[256];

	TEST_START("cmdline: proxy from the environment only on request");
	av_make(&a, "vpn.example.com", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_INT_EQ(cmdline_proxy_from_env(&cfg, "http://p:1", NULL, NULL,
	    err, sizeof err), 0);
	ASSERT_FALSE(cfg.has_proxy);
	cmdline_free(&cfg);
	av_free(&a);

	av_make(&a, "--proxy-env", "vpn.example.com", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_INT_EQ(cmdline_proxy_from_env(&cfg, "http://u:p@sp:3128/",
	    "http://other:1", NULL, err, sizeof err), 0);
	ASSERT_TRUE(cfg.has_proxy);
	ASSERT_STR_EQ(cfg.proxy.host, "sp");
	ASSERT_STR_EQ(cfg.proxy.pass, "p");
	url_clear(&cfg.proxy);
	cfg.has_proxy = false;
	ASSERT_INT_EQ(cmdline_proxy_from_env(&cfg, "", "other:8080", NULL,
	    err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.proxy.host, "other");
	ASSERT_INT_EQ(cfg.proxy.port, 8080);
	url_clear(&cfg.proxy);
	cfg.has_proxy = false;
	/* no_proxy */
	ASSERT_INT_EQ(cmdline_proxy_from_env(&cfg, "http://p:1", NULL,
	    "localhost, .EXAMPLE.com", err, sizeof err), 0);
	ASSERT_FALSE(cfg.has_proxy);
	ASSERT_INT_EQ(cmdline_proxy_from_env(&cfg, "http://p:1", NULL, "*",
	    err, sizeof err), 0);
	ASSERT_FALSE(cfg.has_proxy);
	ASSERT_INT_EQ(cmdline_proxy_from_env(&cfg, "http://p:1", NULL,
	    "ample.com,vpn.example.co", err, sizeof err), 0);
	ASSERT_TRUE(cfg.has_proxy);
	url_clear(&cfg.proxy);
	cfg.has_proxy = false;
	ASSERT_INT_EQ(cmdline_proxy_from_env(&cfg, "https://p:1", NULL, NULL,
	    err, sizeof err), -1);
	ASSERT_STR_EQ(err, "bad proxy URL in the environment: unsupported "
	    "proxy scheme (only http:// is supported)");
	cmdline_free(&cfg);
	av_free(&a);

	/* --proxy wins over the environment. */
	av_make(&a, "--proxy-env", "--proxy", "cmd:1", "vpn", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_INT_EQ(cmdline_proxy_from_env(&cfg, "http://env:2", NULL, NULL,
	    err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.proxy.host, "cmd");
	cmdline_free(&cfg);
	av_free(&a);
	TEST_DONE();
}

static void
test_exit_codes(void)
{
	TEST_START("cmdline: documented exit statuses");
	/* These numbers are an interface (sstpc(8), EXIT STATUS). */
	ASSERT_INT_EQ(SSTPC_EXIT_OK, 0);
	ASSERT_INT_EQ(SSTPC_EXIT_FAILURE, 1);
	ASSERT_INT_EQ(SSTPC_EXIT_USAGE, 2);
	ASSERT_INT_EQ(SSTPC_EXIT_CONNECT, 3);
	ASSERT_INT_EQ(SSTPC_EXIT_TLS, 4);
	ASSERT_INT_EQ(SSTPC_EXIT_HTTP, 5);
	ASSERT_INT_EQ(SSTPC_EXIT_SSTP, 6);
	ASSERT_INT_EQ(SSTPC_EXIT_AUTH, 7);
	ASSERT_INT_EQ(SSTPC_EXIT_PEER, 8);
	ASSERT_INT_EQ(SSTPC_EXIT_PPPD, 9);
	ASSERT_INT_EQ(SSTPC_EXIT_SIGNAL, 10);
	ASSERT_STR_EQ(cmdline_exit_text(SSTPC_EXIT_USAGE), "usage error");
	ASSERT_STR_EQ(cmdline_exit_text(SSTPC_EXIT_TLS),
	    "TLS or certificate failure");
	ASSERT_STR_EQ(cmdline_exit_text(11), "unknown");
	ASSERT_STR_EQ(cmdline_exit_text(-1), "unknown");
	TEST_DONE();
}

/*
 * Effects of table rows beyond their own field, and the short option:
 * cases the tests above do not pin down.
 */
static void
test_table_effects(void)
{
	struct sstpc_config cfg;
	struct av a;
	char err[256];

	TEST_START("cmdline: side effects of the table's rows");
	/* --priv-user / --priv-group say that the default was overridden. */
	av_make(&a, "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_FALSE(cfg.priv_user_given);
	ASSERT_FALSE(cfg.priv_group_given);
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "--priv-user", "vpn", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.priv_user, "vpn");
	ASSERT_TRUE(cfg.priv_user_given);
	ASSERT_FALSE(cfg.priv_group_given);
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "--priv-group=vpn", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_STR_EQ(cfg.priv_group, "vpn");
	ASSERT_FALSE(cfg.priv_user_given);
	ASSERT_TRUE(cfg.priv_group_given);
	cmdline_free(&cfg);
	av_free(&a);

	/* The password descriptor's range ends at 65535. */
	av_make(&a, "--password-fd", "65535", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_INT_EQ(cfg.password_fd, 65535);
	ASSERT_INT_EQ(cfg.pw_source, CFG_PW_FD);
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "--password-fd", "65536", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "--password-fd needs a descriptor number (0 or "
	    "more), not '65536'");
	cmdline_free(&cfg);
	av_free(&a);

	/* -v is the only short option, and only alone. */
	av_make(&a, "-vv", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "unknown option '-vv'");
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "-h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "unknown option '-h'");
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "h", "-v", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), CMDLINE_VERSION);
	cmdline_free(&cfg);
	av_free(&a);

	/* The last sink given wins; a switch takes no "=value". */
	av_make(&a, "--log-file=/tmp/x.log", "--log-stderr", "--log-syslog",
	    "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), 0);
	ASSERT_INT_EQ(cfg.log.sink, LOG_SINK_SYSLOG);
	ASSERT_PTR_NULL(cfg.log.path);
	cmdline_free(&cfg);
	av_free(&a);
	av_make(&a, "--log-stderr=1", "h", NULL);
	ASSERT_INT_EQ(parse(&cfg, &a, err, sizeof err), -1);
	ASSERT_STR_EQ(err, "option '--log-stderr' does not take an argument");
	cmdline_free(&cfg);
	av_free(&a);
	TEST_DONE();
}

int
main(void)
{
	test_defaults();
	test_legacy_options();
	test_optional_args();
	test_new_options();
	test_networkmanager();
	test_permutations();
	test_pppd_args();
	test_getopt_conventions();
	test_server_forms();
	test_bad_input();
	test_scrub();
	test_reentrant();
	test_usage();
	test_password_sources();
	test_proxy_env();
	test_exit_codes();
	test_table_effects();
	return test_exit();
}
