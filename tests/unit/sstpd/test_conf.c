/*
 * test_conf.c - sstpd's options and -c FILE (src/sstpd/conf.c): every
 * option, the defaults, file and command-line precedence, quoting,
 * comments, the line and file caps, and every validation error with its
 * exit status and message.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sstpd/conf.h"
#include "ppp/ppp_engine.h"
#include "harness.h"

#define AV_MAX	48

/* What every serving configuration needs (TLS, secrets, pool). */
#define BASE	"--cert", "c.pem", "--key", "k.pem", "--secrets", "s", \
		"--pool", "192.0.2.0/24"
#define BASE_TEXT "cert c.pem\nkey k.pem\nsecrets s\npool 192.0.2.0/24\n"
#define HASH64	"00112233445566778899aabbccddeeff" \
		"00112233445566778899aabbccddeeff"
#define HASH40	"00112233445566778899aabbccddeeff00112233"

static char errbuf[240];
static char tmpdir[64];

/* sstpd_conf_parse with argv "sstpd" + the NULL-terminated arguments. */
static int
pa(struct sstpd_conf *conf, ...)
{
	char *argv[AV_MAX + 2];
	const char *s;
	va_list ap;
	int argc = 0, r;

	argv[argc++] = strdup("sstpd");
	va_start(ap, conf);
	while ((s = va_arg(ap, const char *)) != NULL && argc <= AV_MAX)
		argv[argc++] = strdup(s);
	va_end(ap);
	argv[argc] = NULL;
	r = sstpd_conf_parse(conf, argc, argv, errbuf, sizeof errbuf);
	while (argc > 0)
		free(argv[--argc]);
	return r;
}

/* sstpd_conf_parse_text on a string, named "t.conf". */
static int
pt(struct sstpd_conf *conf, const char *text)
{
	return sstpd_conf_parse_text(conf, (const uint8_t *)text, strlen(text),
	    "t.conf", errbuf, sizeof errbuf);
}

/* Write text to a file in the test's directory; returns its path. */
static const char *
wfile(const char *name, const char *text, size_t len)
{
	static char path[128];
	int fd;

	(void)snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		abort();
	(void)close(fd);
	return path;
}

/* Does errbuf contain s? */
#define ASSERT_ERR(s) TH_CHECK(strstr(errbuf, (s)) != NULL, \
	"error \"%s\" lacks \"%s\"", errbuf, (s))

static void
test_defaults(void)
{
	struct sstpd_conf c;
	struct sockaddr_in6 *sin6;
	uint8_t any[16] = { 0 };

	TEST_START("defaults");
	sstpd_conf_defaults(&c);
	ASSERT_INT_EQ(c.mode, SSTPD_RUN);
	ASSERT_INT_EQ(c.backend, SSTPD_BACKEND_TUN);
	ASSERT_INT_EQ(c.auth_offer, PPP_AUTH_ALLOW_MSCHAPV2 |
	    PPP_AUTH_ALLOW_EAP);
	ASSERT_STR_EQ(c.server_name, "sstpd");
	ASSERT_STR_EQ(c.tun_name, "sstpd0");
	ASSERT_STR_EQ(c.pppd_path, SSTPC_PPPD_PATH);
	ASSERT_STR_EQ(c.control_path, "/run/sstpd.sock");
	ASSERT_STR_EQ(c.plugin_path, SSTPC_PLUGIN_DIR "/sstp-pppd-plugin.so");
	ASSERT_INT_EQ(c.mtu, 1400);
	ASSERT_INT_EQ(c.lcp_echo_interval, 30);
	ASSERT_INT_EQ(c.lcp_echo_failure, 4);
	ASSERT_INT_EQ(c.max_sessions, 1024);
	ASSERT_INT_EQ(c.max_per_addr, 16);
	ASSERT_INT_EQ(c.max_handshakes, 128);
	ASSERT_INT_EQ(c.handshake_timeout_s, 10);
	ASSERT_INT_EQ(c.negotiation_timeout_s, 60);
	ASSERT_INT_EQ(c.hello_timeout_s, 60);
	ASSERT_INT_EQ(c.n_listen, 0);
	ASSERT_PTR_NULL(c.cert_file);
	sstpd_conf_free(&c);

	/* The parse adds the default listener, [::]:443. */
	ASSERT_INT_EQ(pa(&c, BASE, NULL), 0);
	ASSERT_STR_EQ(errbuf, "");
	ASSERT_INT_EQ(c.n_listen, 1);
	sin6 = (struct sockaddr_in6 *)&c.listen[0].sa;
	ASSERT_INT_EQ(sin6->sin6_family, AF_INET6);
	ASSERT_INT_EQ(ntohs(sin6->sin6_port), 443);
	ASSERT_MEM_EQ(&sin6->sin6_addr, any, 16);
	ASSERT_INT_EQ(c.listen[0].salen, sizeof *sin6);
	ASSERT_STR_EQ(c.listen[0].text, "[::]:443");
	ASSERT_INT_EQ(c.auth_offer, PPP_AUTH_ALLOW_MSCHAPV2 |
	    PPP_AUTH_ALLOW_EAP);
	ASSERT_INT_EQ(c.dns4[0], 0);
	ASSERT_FALSE(c.have_pool6);
	ASSERT_INT_EQ(c.local4, 0);
	ASSERT_INT_EQ(c.debug, 0);
	sstpd_conf_free(&c);
	/* Freed means wiped. */
	ASSERT_PTR_NULL(c.cert_file);
	ASSERT_INT_EQ(c.mtu, 0);
	TEST_DONE();
}

static void
test_front(void)
{
	struct sstpd_conf c;
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;
	uint8_t h[32];

	TEST_START("front-end options");
	ASSERT_INT_EQ(pa(&c, BASE, "--listen", "192.0.2.1:8443",
	    "--listen=[2001:db8::1]:443", "--proxy-protocol", NULL), 0);
	ASSERT_INT_EQ(c.n_listen, 2);
	sin = (struct sockaddr_in *)&c.listen[0].sa;
	ASSERT_INT_EQ(sin->sin_family, AF_INET);
	ASSERT_INT_EQ(ntohs(sin->sin_port), 8443);
	ASSERT_U32_EQ(sin->sin_addr.s_addr, htonl(0xc0000201));
	ASSERT_INT_EQ(c.listen[0].salen, sizeof *sin);
	ASSERT_STR_EQ(c.listen[0].text, "192.0.2.1:8443");
	sin6 = (struct sockaddr_in6 *)&c.listen[1].sa;
	ASSERT_INT_EQ(sin6->sin6_family, AF_INET6);
	ASSERT_INT_EQ(ntohs(sin6->sin6_port), 443);
	ASSERT_INT_EQ(sin6->sin6_addr.s6_addr[0], 0x20);
	ASSERT_INT_EQ(sin6->sin6_addr.s6_addr[15], 1);
	ASSERT_STR_EQ(c.listen[1].text, "[2001:db8::1]:443");
	ASSERT_TRUE(c.proxy_protocol);
	ASSERT_STR_EQ(c.cert_file, "c.pem");
	ASSERT_STR_EQ(c.key_file, "k.pem");
	ASSERT_FALSE(c.no_tls);
	ASSERT_FALSE(c.allow_sha1);
	sstpd_conf_free(&c);

	/* --no-tls with the hashes (colons allowed, either case). */
	ASSERT_INT_EQ(pa(&c, "--secrets", "s", "--pool", "192.0.2.0/24",
	    "--no-tls", "--cert-hash-sha256",
	    "00:11:22:33:44:55:66:77:88:99:AA:bb:cc:dd:ee:ff:"
	    "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",
	    "--allow-sha1", "--cert-hash-sha1", HASH40, NULL), 0);
	ASSERT_STR_EQ(errbuf, "");
	ASSERT_TRUE(c.no_tls);
	ASSERT_TRUE(c.have_cert_sha256);
	ASSERT_INT_EQ(th_unhex(HASH64, h, sizeof h), 32);
	ASSERT_MEM_EQ(c.cert_sha256, h, 32);
	ASSERT_TRUE(c.allow_sha1);
	ASSERT_TRUE(c.have_cert_sha1);
	ASSERT_INT_EQ(th_unhex(HASH40, h, sizeof h), 20);
	ASSERT_MEM_EQ(c.cert_sha1, h, 20);
	sstpd_conf_free(&c);
	TEST_DONE();
}

static void
test_auth_addr(void)
{
	struct sstpd_conf c;
	uint8_t p6[16];

	TEST_START("authentication and address options");
	ASSERT_INT_EQ(pa(&c, BASE, "--auth", "pap", "--name", "vpn1",
	    "--pool6", "2001:db8:1:2::/64", "--local", "198.51.100.1",
	    "--dns", "192.0.2.53", "--dns", "198.51.100.53", NULL), 0);
	ASSERT_STR_EQ(errbuf, "");
	ASSERT_STR_EQ(c.secrets_file, "s");
	ASSERT_INT_EQ(c.auth_offer, PPP_AUTH_ALLOW_PAP);
	ASSERT_STR_EQ(c.server_name, "vpn1");
	ASSERT_U32_EQ(c.pool4, htonl(0xc0000200));
	ASSERT_INT_EQ(c.pool4_prefix, 24);
	ASSERT_TRUE(c.have_pool6);
	ASSERT_INT_EQ(inet_pton(AF_INET6, "2001:db8:1:2::", p6), 1);
	ASSERT_MEM_EQ(c.pool6, p6, 16);
	ASSERT_INT_EQ(c.pool6_prefix, 64);
	ASSERT_INT_EQ(c.ra_lifetime, 1800);
	ASSERT_U32_EQ(c.local4, htonl(0xc6336401));
	ASSERT_U32_EQ(c.dns4[0], htonl(0xc0000235));
	ASSERT_U32_EQ(c.dns4[1], htonl(0xc6336435));
	sstpd_conf_free(&c);
	/* Shorter than /64: a /64 per session (tunsrv), /48 at most. */
	ASSERT_INT_EQ(pa(&c, BASE, "--pool6", "2001:db8:100::/56", NULL), 0);
	ASSERT_STR_EQ(errbuf, "");
	ASSERT_INT_EQ(inet_pton(AF_INET6, "2001:db8:100::", p6), 1);
	ASSERT_MEM_EQ(c.pool6, p6, 16);
	ASSERT_INT_EQ(c.pool6_prefix, 56);
	sstpd_conf_free(&c);
	ASSERT_INT_EQ(pa(&c, BASE, "--pool6", "2001:db8:1::/48", NULL), 0);
	ASSERT_INT_EQ(c.pool6_prefix, 48);
	sstpd_conf_free(&c);

	ASSERT_INT_EQ(pa(&c, BASE, "--auth", "mschapv2,eap,pap", "--pool",
	    "10.1.0.0/16", "--dns", "192.0.2.53", "--dns", "192.0.2.53",
	    NULL), 0);
	ASSERT_INT_EQ(c.auth_offer, PPP_AUTH_ALLOW_MSCHAPV2 |
	    PPP_AUTH_ALLOW_EAP | PPP_AUTH_ALLOW_PAP);
	/* The last --pool wins; a repeated DNS server is kept once. */
	ASSERT_U32_EQ(c.pool4, htonl(0x0a010000));
	ASSERT_INT_EQ(c.pool4_prefix, 16);
	ASSERT_U32_EQ(c.dns4[1], 0);
	sstpd_conf_free(&c);

	/* /30: the smallest pool. */
	ASSERT_INT_EQ(pa(&c, BASE, "--pool", "192.0.2.4/30", NULL), 0);
	ASSERT_INT_EQ(c.pool4_prefix, 30);
	sstpd_conf_free(&c);
	TEST_DONE();
}

static void
test_backend_limits_ops(void)
{
	struct sstpd_conf c;

	TEST_START("backend, limit and operation options");
	ASSERT_INT_EQ(pa(&c, BASE, "--tun", "vpn0", "--mtu", "1280",
	    "--lcp-echo-interval", "0", "--lcp-echo-failure", "7",
	    "--max-sessions", "5000", "--max-per-address", "2",
	    "--max-handshakes", "64", "--handshake-timeout", "5",
	    "--negotiation-timeout", "90", "--hello-timeout", "7",
	    "--control", "/run/x.sock",
	    "--user", "nobody", "-d", "--debug", NULL), 0);
	ASSERT_STR_EQ(errbuf, "");
	ASSERT_INT_EQ(c.backend, SSTPD_BACKEND_TUN);
	ASSERT_STR_EQ(c.tun_name, "vpn0");
	ASSERT_INT_EQ(c.mtu, 1280);
	ASSERT_INT_EQ(c.lcp_echo_interval, 0);
	ASSERT_INT_EQ(c.lcp_echo_failure, 7);
	ASSERT_INT_EQ(c.max_sessions, 5000);
	ASSERT_INT_EQ(c.max_per_addr, 2);
	ASSERT_INT_EQ(c.max_handshakes, 64);
	ASSERT_INT_EQ(c.handshake_timeout_s, 5);
	ASSERT_INT_EQ(c.negotiation_timeout_s, 90);
	ASSERT_INT_EQ(c.hello_timeout_s, 7);
	ASSERT_STR_EQ(c.control_path, "/run/x.sock");
	ASSERT_STR_EQ(c.user, "nobody");
	ASSERT_INT_EQ(c.debug, 2);
	sstpd_conf_free(&c);

	/* The pppd backend: no --secrets needed. */
	ASSERT_INT_EQ(pa(&c, "--cert", "c", "--key", "k", "--pool",
	    "192.0.2.0/24", "--pppd", "--pppd-path", "/opt/pppd",
	    "--pppd-options", "/etc/ppp/sstpd", "--plugin", "/x/p.so", NULL),
	    0);
	ASSERT_STR_EQ(errbuf, "");
	ASSERT_INT_EQ(c.backend, SSTPD_BACKEND_PPPD);
	ASSERT_STR_EQ(c.pppd_path, "/opt/pppd");
	ASSERT_STR_EQ(c.pppd_options, "/etc/ppp/sstpd");
	ASSERT_STR_EQ(c.plugin_path, "/x/p.so");
	sstpd_conf_free(&c);
	TEST_DONE();
}

static void
test_modes(void)
{
	struct sstpd_conf c;

	TEST_START("modes: help, version, list, disconnect, check-config");
	ASSERT_INT_EQ(pa(&c, "--help", NULL), 0);
	ASSERT_INT_EQ(c.mode, SSTPD_HELP);
	sstpd_conf_free(&c);
	ASSERT_INT_EQ(pa(&c, "-h", "--list", NULL), 0);
	ASSERT_INT_EQ(c.mode, SSTPD_HELP);
	sstpd_conf_free(&c);
	ASSERT_INT_EQ(pa(&c, "-V", NULL), 0);
	ASSERT_INT_EQ(c.mode, SSTPD_VERSION);
	sstpd_conf_free(&c);
	ASSERT_INT_EQ(pa(&c, "--version", "--help", NULL), 0);
	ASSERT_INT_EQ(c.mode, SSTPD_VERSION);
	sstpd_conf_free(&c);
	/* --help needs no file, even a missing one. */
	ASSERT_INT_EQ(pa(&c, "-c", "/nonexistent/x", "--help", NULL), 0);
	sstpd_conf_free(&c);
	/* --list and --disconnect need no serving configuration. */
	ASSERT_INT_EQ(pa(&c, "--list", "--control", "/run/y.sock", NULL), 0);
	ASSERT_INT_EQ(c.mode, SSTPD_LIST);
	ASSERT_STR_EQ(c.control_path, "/run/y.sock");
	sstpd_conf_free(&c);
	ASSERT_INT_EQ(pa(&c, "--disconnect", "00AbCdEf12345678", NULL), 0);
	ASSERT_INT_EQ(c.mode, SSTPD_DISCONNECT);
	ASSERT_STR_EQ(c.disconnect_id, "00abcdef12345678");
	sstpd_conf_free(&c);
	/* --check-config checks like serving. */
	ASSERT_INT_EQ(pa(&c, "--check-config", BASE, NULL), 0);
	ASSERT_INT_EQ(c.mode, SSTPD_CHECK);
	sstpd_conf_free(&c);
	ASSERT_INT_EQ(pa(&c, "--check-config", NULL), SSTPD_EXIT_USAGE);
	ASSERT_ERR("--cert and --key are required");
	sstpd_conf_free(&c);
	TEST_DONE();
}

static void
test_file(void)
{
	struct sstpd_conf c;
	const char *path;
	static const char text[] =
	    "# sstpd test configuration\n"
	    "\n"
	    "   # indented comment\n"
	    "listen 192.0.2.1:443   # trailing comment\n"
	    "listen [::1]:4443\n"
	    "\tcert\t\"/etc/my certs/leaf \\\"1\\\".pem\"\n"
	    "key '/etc/k\\ey#1.pem'\n"
	    "secrets /etc/ppp/chap-secrets\r\n"
	    "pool 192.0.2.0/25\n"
	    "dns 192.0.2.53\n"
	    "mtu 1300\n"
	    "name a#b\n"
	    "allow-sha1\n"
	    "debug\n"
	    "proxy-protocol";	/* no LF at the end */

	TEST_START("-c FILE: syntax, quoting, comments");
	ASSERT_INT_EQ(pt(&c, text), 0);
	ASSERT_STR_EQ(errbuf, "");
	ASSERT_INT_EQ(c.n_listen, 2);
	ASSERT_STR_EQ(c.listen[0].text, "192.0.2.1:443");
	ASSERT_STR_EQ(c.listen[1].text, "[::1]:4443");
	ASSERT_STR_EQ(c.cert_file, "/etc/my certs/leaf \"1\".pem");
	ASSERT_STR_EQ(c.key_file, "/etc/k\\ey#1.pem");
	ASSERT_STR_EQ(c.secrets_file, "/etc/ppp/chap-secrets");
	ASSERT_INT_EQ(c.pool4_prefix, 25);
	ASSERT_U32_EQ(c.dns4[0], htonl(0xc0000235));
	ASSERT_INT_EQ(c.mtu, 1300);
	ASSERT_STR_EQ(c.server_name, "a#b");
	ASSERT_TRUE(c.allow_sha1);
	ASSERT_INT_EQ(c.debug, 1);
	ASSERT_TRUE(c.proxy_protocol);
	sstpd_conf_free(&c);

	TEST_START("-c FILE: the command line wins");
	path = wfile("a.conf", text, sizeof text - 1);
	ASSERT_INT_EQ(pa(&c, "-c", path, "--mtu", "1500", "--listen",
	    "198.51.100.7:443", "--dns", "198.51.100.53", "--cert", "x.pem",
	    NULL), 0);
	ASSERT_STR_EQ(errbuf, "");
	ASSERT_STR_EQ(c.config_file, path);
	ASSERT_INT_EQ(c.mtu, 1500);
	/* A repeatable option on the command line replaces the file's. */
	ASSERT_INT_EQ(c.n_listen, 1);
	ASSERT_STR_EQ(c.listen[0].text, "198.51.100.7:443");
	ASSERT_U32_EQ(c.dns4[0], htonl(0xc6336435));
	ASSERT_U32_EQ(c.dns4[1], 0);
	ASSERT_STR_EQ(c.cert_file, "x.pem");
	/* What only the file gave is used. */
	ASSERT_STR_EQ(c.key_file, "/etc/k\\ey#1.pem");
	ASSERT_INT_EQ(c.pool4_prefix, 25);
	ASSERT_INT_EQ(c.debug, 1);
	sstpd_conf_free(&c);
	/* -d on the command line: the file's "debug" is not added. */
	ASSERT_INT_EQ(pa(&c, "-d", "--config", path, NULL), 0);
	ASSERT_INT_EQ(c.debug, 1);
	sstpd_conf_free(&c);

	/* An overridden line is still checked. */
	path = wfile("b.conf", BASE_TEXT "mtu 99999\n",
	    sizeof(BASE_TEXT "mtu 99999\n") - 1);
	ASSERT_INT_EQ(pa(&c, "-c", path, "--mtu", "1500", NULL),
	    SSTPD_EXIT_USAGE);
	ASSERT_ERR("b.conf:5: --mtu needs a number from 576 to 4087, not "
	    "'99999'");
	sstpd_conf_free(&c);

	/* An empty file, and a file of comments, are fine. */
	ASSERT_INT_EQ(pa(&c, "-c", wfile("e.conf", "", 0), BASE, NULL), 0);
	sstpd_conf_free(&c);
	TEST_DONE();
}

static void
test_file_caps(void)
{
	struct sstpd_conf c;
	char *big;
	size_t n;

	TEST_START("-c FILE: line and file caps, unreadable files");
	big = malloc(SSTPD_CONF_MAX_FILE + 2);
	ASSERT_PTR_NOT_NULL(big);
	if (big == NULL)
		return;
	/* A line of exactly SSTPD_CONF_MAX_LINE bytes is fine. */
	n = (size_t)snprintf(big, SSTPD_CONF_MAX_FILE, BASE_TEXT "name ");
	memset(big + n, 'x', SSTPD_CONF_MAX_LINE - 5);
	big[n + SSTPD_CONF_MAX_LINE - 5] = '\0';
	ASSERT_INT_EQ(pt(&c, big), SSTPD_EXIT_USAGE);
	/* (too long for --name, but the line itself was accepted) */
	ASSERT_ERR("t.conf:5: bad --name");
	sstpd_conf_free(&c);
	/* A comment line of SSTPD_CONF_MAX_LINE bytes. */
	memset(big + n - 5, '#', SSTPD_CONF_MAX_LINE);
	ASSERT_INT_EQ(pt(&c, big), 0);
	sstpd_conf_free(&c);
	/* One more byte: refused. */
	memset(big + n, 'x', SSTPD_CONF_MAX_LINE - 4);
	big[n + SSTPD_CONF_MAX_LINE - 4] = '\0';
	ASSERT_INT_EQ(pt(&c, big), SSTPD_EXIT_USAGE);
	ASSERT_STR_EQ(errbuf, "t.conf:5: line longer than 1024 bytes");
	sstpd_conf_free(&c);

	/* A file of SSTPD_CONF_MAX_FILE bytes is read, one more is not. */
	memset(big, '\n', SSTPD_CONF_MAX_FILE + 1);
	ASSERT_INT_EQ(pa(&c, "-c", wfile("max.conf", big,
	    SSTPD_CONF_MAX_FILE), BASE, NULL), 0);
	sstpd_conf_free(&c);
	ASSERT_INT_EQ(pa(&c, "-c", wfile("big.conf", big,
	    SSTPD_CONF_MAX_FILE + 1), BASE, NULL), SSTPD_EXIT_USAGE);
	ASSERT_ERR("big.conf is larger than 65536 bytes");
	sstpd_conf_free(&c);
	ASSERT_INT_EQ(sstpd_conf_parse_text(&c, (const uint8_t *)big,
	    SSTPD_CONF_MAX_FILE + 1, "t.conf", errbuf, sizeof errbuf),
	    SSTPD_EXIT_USAGE);
	ASSERT_ERR("larger than 65536");
	sstpd_conf_free(&c);
	free(big);

	ASSERT_INT_EQ(pa(&c, "-c", "/nonexistent/sstpd.conf", NULL),
	    SSTPD_EXIT_USAGE);
	ASSERT_ERR("cannot open configuration file /nonexistent/sstpd.conf");
	sstpd_conf_free(&c);
	ASSERT_INT_EQ(pa(&c, "-c", tmpdir, NULL), SSTPD_EXIT_USAGE);
	ASSERT_ERR("is not a regular file");
	sstpd_conf_free(&c);
	TEST_DONE();
}

/* One error case: argv (NULL-terminated inside) or a file text. */
struct err_case {
	const char	*args[12];
	const char	*text;
	const char	*msg;	/* the whole message */
};

static const struct err_case err_cases[] = {
	/* The command line itself. */
	{ { "--nope" }, NULL, "unknown option '--nope'" },
	{ { "-x" }, NULL, "unknown option '-x'" },
	{ { "--liste", "1.2.3.4:1" }, NULL, "unknown option '--liste'" },
	{ { "stray" }, NULL, "unexpected argument 'stray' (options only; "
	    "see --help)" },
	{ { "--listen" }, NULL, "option '--listen' requires an argument" },
	{ { "--no-tls=yes" }, NULL,
	    "option '--no-tls' does not take an argument" },
	{ { "--cert=" }, NULL, "empty argument for --cert" },
	/* Values. */
	{ { "--listen", "1.2.3.4" }, NULL, "bad --listen '1.2.3.4' (want "
	    "IPv4:PORT or [IPv6]:PORT, port 1 to 65535)" },
	{ { "--listen", "1.2.3.4:0" }, NULL, "bad --listen '1.2.3.4:0' "
	    "(want IPv4:PORT or [IPv6]:PORT, port 1 to 65535)" },
	{ { "--listen", "1.2.3.4:65536" }, NULL, "bad --listen "
	    "'1.2.3.4:65536' (want IPv4:PORT or [IPv6]:PORT, port 1 to "
	    "65535)" },
	{ { "--listen", "::1:443" }, NULL, "bad --listen '::1:443' (want "
	    "IPv4:PORT or [IPv6]:PORT, port 1 to 65535)" },
	{ { "--listen", "[fe80::1%eth0]:443" }, NULL, "bad --listen "
	    "'[fe80::1%eth0]:443' (want IPv4:PORT or [IPv6]:PORT, port 1 "
	    "to 65535)" },
	{ { "--listen", "1.2.3.4:443", "--listen", "1.2.3.4:443" }, NULL,
	    "--listen 1.2.3.4:443 is given twice" },
	{ { "--cert-hash-sha256", "0011" }, NULL, "--cert-hash-sha256 needs "
	    "64 hex digits (colons between bytes allowed)" },
	{ { "--cert-hash-sha1", HASH64 }, NULL, "--cert-hash-sha1 needs 40 "
	    "hex digits (colons between bytes allowed)" },
	{ { "--cert-hash-sha1", "0:0112233445566778899aabbccddeeff00112233" },
	    NULL, "--cert-hash-sha1 needs 40 hex digits (colons between "
	    "bytes allowed)" },
	{ { "--auth", "chap" }, NULL, "bad --auth 'chap' (want a comma-"
	    "separated list of mschapv2, eap, pap)" },
	{ { "--auth", "pap," }, NULL, "bad --auth 'pap,' (want a comma-"
	    "separated list of mschapv2, eap, pap)" },
	{ { "--name", "a b" }, NULL, "bad --name 'a b' (1 to 64 characters, "
	    "no blanks or control characters)" },
	{ { "--pool", "192.0.2.0" }, NULL, "bad --pool '192.0.2.0' (want an "
	    "IPv4 ADDRESS/PREFIXLEN)" },
	{ { "--pool", "192.0.2.0/31" }, NULL, "--pool 192.0.2.0/31 is too "
	    "small (at most /30: a client, us, the network and broadcast "
	    "addresses)" },
	{ { "--pool", "10.0.0.0/15" }, NULL, "--pool 10.0.0.0/15 is too "
	    "large (at least /16)" },
	{ { "--pool", "192.0.2.1/24" }, NULL, "--pool 192.0.2.1/24 has host "
	    "bits set (the network is 192.0.2.0/24)" },
	{ { "--pool6", "2001:db8::/47" }, NULL, "--pool6 2001:db8::/47 is "
	    "not a /48 to /64 (the clients' interface identifiers fill the "
	    "low 64 bits; at most 65536 /64s)" },
	{ { "--pool6", "2001:db8::/65" }, NULL, "--pool6 2001:db8::/65 is "
	    "not a /48 to /64 (the clients' interface identifiers fill the "
	    "low 64 bits; at most 65536 /64s)" },
	{ { "--pool6", "2001:db8::1/64" }, NULL, "--pool6 2001:db8::1/64 "
	    "has host bits set" },
	{ { "--pool6", "2001:db8:0:1::/56" }, NULL, "--pool6 "
	    "2001:db8:0:1::/56 has host bits set" },
	{ { "--pool6", "192.0.2.0/64" }, NULL, "bad --pool6 '192.0.2.0/64' "
	    "(want an IPv6 PREFIX/48 to /64)" },
	{ { "--local", "224.0.0.1" }, NULL, "bad --local '224.0.0.1' (want a "
	    "unicast IPv4 address)" },
	{ { "--dns", "2001:db8::53" }, NULL, "bad --dns '2001:db8::53' (want "
	    "an IPv4 address: IPCP names IPv4 servers only)" },
	{ { "--dns", "192.0.2.1", "--dns", "192.0.2.2", "--dns",
	    "192.0.2.3" }, NULL, "too many --dns (at most 2)" },
	{ { "--tun", "a/b" }, NULL, "bad --tun interface name 'a/b' (1 to 15 "
	    "characters, no '/', ':' or blanks, not '.' or '..')" },
	{ { "--tun", "abcdefghijklmnop" }, NULL, "bad --tun interface name "
	    "'abcdefghijklmnop' (1 to 15 characters, no '/', ':' or blanks, "
	    "not '.' or '..')" },
	{ { "--pppd-path", "pppd" }, NULL, "--pppd-path needs an absolute "
	    "path, not 'pppd'" },
	{ { "--mtu", "575" }, NULL, "--mtu needs a number from 576 to 4087, "
	    "not '575'" },
	{ { "--lcp-echo-failure", "-1" }, NULL, "--lcp-echo-failure needs a "
	    "number from 0 to 100, not '-1'" },
	{ { "--max-sessions", "0" }, NULL, "--max-sessions needs a number "
	    "from 1 to 65535, not '0'" },
	{ { "--handshake-timeout", "3601" }, NULL, "--handshake-timeout "
	    "needs a number from 1 to 3600, not '3601'" },
	{ { "--control", "run/x" }, NULL, "bad --control 'run/x' (an "
	    "absolute path of at most 107 bytes)" },
	{ { "--disconnect", "xyz" }, NULL, "bad --disconnect 'xyz' (a "
	    "session id: 1 to 16 hex digits, as --list shows)" },
	{ { "--disconnect", "0123456789abcdef0" }, NULL, "bad --disconnect "
	    "'0123456789abcdef0' (a session id: 1 to 16 hex digits, as --list "
	    "shows)" },
	{ { "--list", "--disconnect", "1" }, NULL, "--disconnect cannot be "
	    "used with --list" },
	{ { "--check-config", "--list" }, NULL, "--list cannot be used with "
	    "--check-config" },
};

/* Cross-option checks: BASE is added after the arguments. */
static const struct err_case base_cases[] = {
	{ { "--no-tls" }, NULL, "--no-tls cannot be used with "
	    "--cert (the TLS terminator holds the certificate)" },
	{ { "--cert-hash-sha256", HASH64 }, NULL, "--cert-hash-sha256 is "
	    "only for --no-tls (with TLS the hash is the one of --cert)" },
	{ { "--allow-sha1", "--cert-hash-sha1", HASH40 }, NULL,
	    "--cert-hash-sha1 is only for --no-tls (with TLS the hash is the "
	    "one of --cert)" },
	{ { "--cert-hash-sha1", HASH40 }, NULL, "--cert-hash-sha1 needs "
	    "--allow-sha1" },
	{ { "--tun", "x", "--pppd" }, NULL, "--tun cannot be used with "
	    "--pppd (choose one backend)" },
	{ { "--pppd", "--auth", "pap" }, NULL, "--auth cannot be used with "
	    "--pppd (pppd authenticates by its own options and runs as "
	    "root)" },
	{ { "--pppd-options", "f" }, NULL, "--pppd-options needs --pppd" },
	/* The built-in PPP's settings: pppd's options file has them. */
	{ { "--pppd", "--mtu", "1400" }, NULL, "--mtu cannot be used with "
	    "--pppd (pppd's options file sets it: mtu, mru, ms-dns, name, "
	    "lcp-echo-interval, lcp-echo-failure, +ipv6)" },
	{ { "--dns", "192.0.2.1", "--pppd" }, NULL, "--dns cannot be used "
	    "with --pppd (pppd's options file sets it: mtu, mru, ms-dns, "
	    "name, lcp-echo-interval, lcp-echo-failure, +ipv6)" },
	{ { "--pppd", "--pool6", "2001:db8::/64" }, NULL, "--pool6 cannot be "
	    "used with --pppd (pppd's options file sets it: mtu, mru, ms-dns, "
	    "name, lcp-echo-interval, lcp-echo-failure, +ipv6)" },
	{ { "--pppd", "--name", "vpn" }, NULL, "--name cannot be used with "
	    "--pppd (pppd's options file sets it: mtu, mru, ms-dns, name, "
	    "lcp-echo-interval, lcp-echo-failure, +ipv6)" },
	{ { "--pppd", "--lcp-echo-interval", "10" }, NULL, "--lcp-echo-interval "
	    "cannot be used with --pppd (pppd's options file sets it: mtu, mru, "
	    "ms-dns, name, lcp-echo-interval, lcp-echo-failure, +ipv6)" },
	{ { "--pppd", "--lcp-echo-failure", "3" }, NULL, "--lcp-echo-failure "
	    "cannot be used with --pppd (pppd's options file sets it: mtu, mru, "
	    "ms-dns, name, lcp-echo-interval, lcp-echo-failure, +ipv6)" },
	{ { "--local", "192.0.2.255" }, NULL, "--local is the network or "
	    "broadcast address of --pool" },
	{ { "--local", "192.0.2.0" }, NULL, "--local is the network or "
	    "broadcast address of --pool" },
	{ { "--pool6", "2001:db8::/64", "--mtu", "1279" }, NULL, "--mtu 1279 "
	    "is below IPv6's minimum of 1280 (needed by --pool6)" },
	{ { "--pool6", "2001:db8::/64", "--ra-lifetime", "599" }, NULL,
	    "--ra-lifetime 599: 0 or 600-9000 seconds (RFC 4861 6.2.1)" },
	{ { "--ra-lifetime", "9001" }, NULL, "--ra-lifetime needs a number "
	    "from 0 to 9000, not '9001'" },
	{ { "--pppd", "--ra-lifetime", "0" }, NULL, "--ra-lifetime cannot be "
	    "used with --pppd (sstpd sends no Router Advertisements there: "
	    "radvd on the ppp interfaces can)" },
	{ { "--pppd", "--user", "nobody" }, NULL, "--user cannot be used "
	    "with --pppd (pppd authenticates by its own options and runs as "
	    "root)" },
	{ { "--no-tls", "--cert-hash-sha256", HASH64 }, NULL, "--no-tls "
	    "cannot be used with --cert (the TLS terminator holds the "
	    "certificate)" },
};

/* File cases (sstpd_conf_parse_text, "t.conf"). */
static const struct err_case file_cases[] = {
	{ { NULL }, BASE_TEXT "bogus 1\n", "t.conf:5: unknown option "
	    "'bogus'" },
	{ { NULL }, BASE_TEXT "--mtu 1300\n", "t.conf:5: unknown option "
	    "'--mtu' (write names without '--')" },
	{ { NULL }, BASE_TEXT "\"mtu\" 1300\n", "t.conf:5: unknown option "
	    "'mtu'" },
	{ { NULL }, BASE_TEXT "list\n", "t.conf:5: --list belongs on the "
	    "command line, not in the file" },
	{ { NULL }, BASE_TEXT "config x\n", "t.conf:5: --config belongs on "
	    "the command line, not in the file" },
	{ { NULL }, BASE_TEXT "no-tls yes\n", "t.conf:5: --no-tls takes no "
	    "value" },
	{ { NULL }, BASE_TEXT "mtu\n", "t.conf:5: --mtu needs a value" },
	{ { NULL }, BASE_TEXT "mtu 1300 1400\n", "t.conf:5: --mtu takes one "
	    "value (quote a value with blanks)" },
	{ { NULL }, BASE_TEXT "cert \"a b\"c\n", "t.conf:5: --cert takes one "
	    "value (quote a value with blanks)" },
	{ { NULL }, BASE_TEXT "cert \"a b\n", "t.conf:5: unterminated double "
	    "quote" },
	{ { NULL }, BASE_TEXT "cert 'a b\n", "t.conf:5: unterminated single "
	    "quote" },
	{ { NULL }, BASE_TEXT "cert \"a\\nb\"\n", "t.conf:5: bad escape in a "
	    "quoted value (only \\\" and \\\\)" },
	{ { NULL }, BASE_TEXT "cert \"\"\n", "t.conf:5: empty argument for "
	    "--cert" },
	{ { NULL }, BASE_TEXT "cert a\x01" "b\n", "t.conf:5: control "
	    "character 0x01 in the line" },
	{ { NULL }, BASE_TEXT "cert a\rb\n", "t.conf:5: control character "
	    "0x0d in the line" },
	{ { NULL }, "\n\nmtu 12\n", "t.conf:3: --mtu needs a number from 576 "
	    "to 4087, not '12'" },
	/* What serving needs. */
	{ { NULL }, "secrets s\npool 192.0.2.0/24\n", "--cert and --key are "
	    "required (or --no-tls behind a TLS terminator)" },
	{ { NULL }, "cert c\nsecrets s\npool 192.0.2.0/24\n",
	    "--cert needs --key" },
	{ { NULL }, "key k\nsecrets s\npool 192.0.2.0/24\n",
	    "--key needs --cert" },
	{ { NULL }, "no-tls\nsecrets s\npool 192.0.2.0/24\n", "--no-tls "
	    "needs --cert-hash-sha256 (the hash of the certificate the "
	    "terminator serves, for the crypto binding)" },
	{ { NULL }, "no-tls\nallow-sha1\ncert-hash-sha256 " HASH64 "\n"
	    "secrets s\npool 192.0.2.0/24\n", "--allow-sha1 with --no-tls "
	    "needs --cert-hash-sha1" },
	{ { NULL }, "cert c\nkey k\npool 192.0.2.0/24\n", "--secrets is "
	    "required with the built-in backend (who may log in)" },
	{ { NULL }, "cert c\nkey k\nsecrets s\n", "--pool is required (the "
	    "clients' IPv4 addresses)" },
};

/* Run one table of error cases; with_base adds BASE to the arguments. */
static void
run_err_cases(const struct err_case *cases, size_t n, bool with_base)
{
	static const char *base[] = { BASE };
	struct sstpd_conf c;
	const struct err_case *e;
	char *argv[AV_MAX + 2];
	size_t i, k;
	int argc, r;

	for (i = 0; i < n; i++) {
		e = &cases[i];
		memset(errbuf, 'Z', sizeof errbuf);
		if (e->text != NULL)
			r = pt(&c, e->text);
		else {
			argc = 0;
			argv[argc++] = strdup("sstpd");
			for (k = 0; k < 12 && e->args[k] != NULL; k++)
				argv[argc++] = strdup(e->args[k]);
			for (k = 0; with_base && k < 8; k++)
				argv[argc++] = strdup(base[k]);
			argv[argc] = NULL;
			r = sstpd_conf_parse(&c, argc, argv, errbuf,
			    sizeof errbuf);
			while (argc > 0)
				free(argv[--argc]);
		}
		TH_CHECK(r == SSTPD_EXIT_USAGE, "case \"%s\": status %d",
		    e->msg, r);
		TH_CHECK(strcmp(errbuf, e->msg) == 0, "\"%s\" != \"%s\"",
		    errbuf, e->msg);
		sstpd_conf_free(&c);
	}
}

static void
test_errors(void)
{
	TEST_START("every validation error: exit status 2 and its line");
	run_err_cases(err_cases, sizeof err_cases / sizeof err_cases[0],
	    false);
	run_err_cases(base_cases, sizeof base_cases / sizeof base_cases[0],
	    true);
	run_err_cases(file_cases, sizeof file_cases / sizeof file_cases[0],
	    false);
	TEST_DONE();
}

/* support/sstpd.conf, the example shipped, passes the checks. */
static void
test_example(void)
{
	struct sstpd_conf c;
	const char *top = getenv("top_srcdir");
	char path[512];

	TEST_START("support/sstpd.conf is a valid configuration");
	(void)snprintf(path, sizeof path, "%s/support/sstpd.conf",
	    top != NULL ? top : "..");
	ASSERT_INT_EQ(pa(&c, "-c", path, NULL), 0);
	ASSERT_STR_EQ(errbuf, "");
	ASSERT_INT_EQ(c.n_listen, 1);
	ASSERT_INT_EQ(c.pool4_prefix, 24);
	ASSERT_STR_EQ(c.tun_name, "sstpd0");
	sstpd_conf_free(&c);
	TEST_DONE();
}

static void
test_help(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	TEST_START("--help lists every option");
	fp = open_memstream(&buf, &len);
	ASSERT_PTR_NOT_NULL(fp);
	if (fp == NULL)
		return;
	sstpd_conf_help(fp);
	(void)fclose(fp);
	ASSERT_TRUE(strstr(buf, "Usage: sstpd") != NULL);
	ASSERT_TRUE(strstr(buf, "  --listen ADDR:PORT") != NULL);
	ASSERT_TRUE(strstr(buf, "  -c, --config FILE") != NULL);
	ASSERT_TRUE(strstr(buf, "  -d, --debug") != NULL);
	ASSERT_TRUE(strstr(buf, "  --negotiation-timeout SEC") != NULL);
	ASSERT_TRUE(strstr(buf, "  -V, --version") != NULL);
	free(buf);
	TEST_DONE();
}

int
main(void)
{
	(void)snprintf(tmpdir, sizeof tmpdir, "test_conf.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 99;
	}
	test_defaults();
	test_front();
	test_auth_addr();
	test_backend_limits_ops();
	test_modes();
	test_file();
	test_file_caps();
	test_errors();
	test_example();
	test_help();
	{
		static const char *names[] = { "a.conf", "b.conf", "e.conf",
		    "max.conf", "big.conf" };
		char p[160];
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			(void)snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
			(void)unlink(p);
		}
		(void)rmdir(tmpdir);
	}
	return test_exit();
}
