/*
 * test_cmdline_tun.c - the command line of the built-in PPP mode (--tun,
 * issue 12): every option's accepted forms and bounds, the cross-option
 * conflicts, --route's CIDR parser (checked against inet_pton(3) as an
 * independent oracle), the errors without --tun, the full-name rule that
 * keeps 1.0.18's abbreviations, and the --help group (src/sstpc/cmdline.c).
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/ppp_engine.h"
#include "sstpc/cmdline.h"
#include "harness.h"

#define AV_MAX	(2 * CFG_ROUTES_MAX + 16)

/* A mutable argv ("sstpc" first), built from pieces. */
struct av {
	int	 argc;
	char	*argv[AV_MAX + 1];
};

/* Append the NULL-terminated list ap. */
static void
av_vadd(struct av *a, va_list ap)
{
	const char *s;

	while ((s = va_arg(ap, const char *)) != NULL && a->argc < AV_MAX)
		a->argv[a->argc++] = strdup(s);
	a->argv[a->argc] = NULL;
}

static void
av_add(struct av *a, ...)
{
	va_list ap;

	va_start(ap, a);
	av_vadd(a, ap);
	va_end(ap);
}

static void
av_init(struct av *a)
{
	memset(a, 0, sizeof *a);
	a->argv[a->argc++] = strdup("sstpc");
	a->argv[a->argc] = NULL;
}

static void
av_free(struct av *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
	memset(a, 0, sizeof *a);
}

/* The credentials --tun needs; the caller adds the rest. */
#define TUN_BASE	"--tun", "--user", "u", "--password-fd", "3"

/*
 * Parse "sstpc ARGS..." (NULL-terminated) with the argument vector in *a,
 * which must outlive the config (its strings point into it); returns
 * cmdline_parse()'s result.
 */
static int
run(struct sstpc_config *cfg, struct av *a, char *err, size_t errlen, ...)
{
	va_list ap;

	av_init(a);
	va_start(ap, errlen);
	av_vadd(a, ap);
	va_end(ap);
	return cmdline_parse(cfg, a->argc, a->argv, err, errlen);
}

/* Free a config and the argument vector it points into (oav). */
#define DONE(cfg) do {							\
	cmdline_free(cfg);						\
	av_free(&oav);							\
} while (0)

/* Expect a usage error with exactly this message, then free. */
#define EXPECT_ERR(want, ...) do {					\
	struct sstpc_config c_;						\
	struct av a_;							\
	char e_[256];							\
									\
	ASSERT_INT_EQ(run(&c_, &a_, e_, sizeof e_, __VA_ARGS__, NULL),	\
	    -1);							\
	ASSERT_STR_EQ(e_, (want));					\
	cmdline_free(&c_);						\
	av_free(&a_);							\
} while (0)

/* Expect success; config and argv (oav) stay for checks, then DONE. */
#define EXPECT_OK(cfg, ...) do {					\
	char e_[256];							\
									\
	ASSERT_INT_EQ(run((cfg), &oav, e_, sizeof e_, __VA_ARGS__,	\
	    NULL), 0);							\
	ASSERT_STR_EQ(e_, "");						\
} while (0)

/* The tun fields hold their defaults. */
static void
check_tun_defaults(const struct sstpc_config *cfg)
{
	ASSERT_INT_EQ(cfg->tun_fd, -1);
	ASSERT_INT_EQ(cfg->mtu, 0);
	ASSERT_INT_EQ(cfg->mru, 0);
	ASSERT_FALSE(cfg->defaultroute);
	ASSERT_FALSE(cfg->usepeerdns);
	ASSERT_FALSE(cfg->noip);
	ASSERT_FALSE(cfg->noipv6);
	ASSERT_INT_EQ(cfg->lcp_echo_interval, 30);
	ASSERT_INT_EQ(cfg->lcp_echo_failure, 4);
	ASSERT_FALSE(cfg->persist);
	ASSERT_INT_EQ(cfg->maxfail, 10);
	ASSERT_INT_EQ(cfg->holdoff, 30);
	ASSERT_INT_EQ(cfg->auth_allow, PPP_AUTH_ALLOW_ALL);
	ASSERT_FALSE(cfg->require_mppe);
	ASSERT_FALSE(cfg->nomppe);
	ASSERT_PTR_NULL(cfg->routes);
	ASSERT_INT_EQ(cfg->n_routes, 0);
	ASSERT_PTR_NULL(cfg->script);
}

static void
test_defaults(void)
{
	struct sstpc_config cfg;
	struct av oav = { 0 };

	TEST_START("cmdline --tun: defaults, with and without --tun");
	EXPECT_OK(&cfg, "vpn.example.com", "noauth");
	ASSERT_FALSE(cfg.tun);
	ASSERT_PTR_NULL(cfg.tun_name);
	check_tun_defaults(&cfg);
	ASSERT_INT_EQ(cfg.n_pppd_args, 1);
	DONE(&cfg);

	EXPECT_OK(&cfg, TUN_BASE, "vpn.example.com");
	ASSERT_TRUE(cfg.tun);
	ASSERT_PTR_NULL(cfg.tun_name);
	check_tun_defaults(&cfg);
	ASSERT_STR_EQ(cfg.server.host, "vpn.example.com");
	ASSERT_STR_EQ(cfg.user, "u");
	ASSERT_INT_EQ(cfg.pw_source, CFG_PW_FD);
	ASSERT_INT_EQ(cfg.n_pppd_args, 0);
	DONE(&cfg);

	/* Options may follow the server, as always. */
	EXPECT_OK(&cfg, "vpn.example.com", "--user", "u", "--password-file",
	    "/etc/pw", "--tun", "--mtu", "1400");
	ASSERT_TRUE(cfg.tun);
	ASSERT_INT_EQ(cfg.mtu, 1400);
	ASSERT_INT_EQ(cfg.pw_source, CFG_PW_FILE);
	DONE(&cfg);
	TEST_DONE();
}

static void
test_tun_name(void)
{
	static const char *const good[] = {
		"sstp0", "a", "vpn-office.1", "x2345678901234_", "...",
		"sstp%d", ".a",
	};
	static const char *const bad[] = {
		"x23456789012345_", ".", "..", "a/b", "/", "a b", "a\tb",
		"a:0", "a\nb", "a\x7f",
	};
	struct sstpc_config cfg;
	struct av oav = { 0 };
	char arg[64], want[160];
	size_t i;

	TEST_START("cmdline --tun: --tun=NAME");
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		(void)snprintf(arg, sizeof arg, "--tun=%s", good[i]);
		EXPECT_OK(&cfg, arg, "--user", "u", "--password", "p", "h");
		ASSERT_TRUE(cfg.tun);
		ASSERT_STR_EQ(cfg.tun_name, good[i]);
		ASSERT_INT_EQ(cfg.tun_fd, -1);
		DONE(&cfg);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		(void)snprintf(arg, sizeof arg, "--tun=%s", bad[i]);
		(void)snprintf(want, sizeof want, "bad --tun interface name "
		    "'%s' (1 to 15 characters, no '/', ':' or blanks, not "
		    "'.' or '..')", bad[i]);
		EXPECT_ERR(want, arg, "--user", "u", "--password", "p", "h");
	}
	EXPECT_ERR("empty argument for --tun", "--tun=", "h");

	/* The name only after '=': the next argument is the server. */
	EXPECT_OK(&cfg, "--tun", "sstp0", "--user", "u", "--password", "p");
	ASSERT_PTR_NULL(cfg.tun_name);
	ASSERT_STR_EQ(cfg.server.host, "sstp0");
	DONE(&cfg);
	EXPECT_ERR("--tun runs no pppd: unexpected argument 'h' after the "
	    "server (see 'Built-in PPP' in --help)", "--tun", "sstp0",
	    "--user", "u", "--password", "p", "h");

	/* The last one wins. */
	EXPECT_OK(&cfg, "--tun=a", "--tun", TUN_BASE, "h");
	ASSERT_PTR_NULL(cfg.tun_name);
	DONE(&cfg);
	EXPECT_OK(&cfg, "--tun", "--tun=b", "--user", "u", "--password",
	    "p", "h");
	ASSERT_STR_EQ(cfg.tun_name, "b");
	DONE(&cfg);
	TEST_DONE();
}

static void
test_tun_fd(void)
{
	struct sstpc_config cfg;
	struct av oav = { 0 };

	TEST_START("cmdline --tun: --tun-fd N");
	EXPECT_OK(&cfg, "--tun-fd", "3", "--user", "u", "--password", "p",
	    "h");
	ASSERT_TRUE(cfg.tun);
	ASSERT_INT_EQ(cfg.tun_fd, 3);
	ASSERT_PTR_NULL(cfg.tun_name);
	DONE(&cfg);
	EXPECT_OK(&cfg, "--tun-fd=65535", "--tun", "--user", "u",
	    "--password-fd", "4", "h");
	ASSERT_INT_EQ(cfg.tun_fd, 65535);
	ASSERT_INT_EQ(cfg.password_fd, 4);
	DONE(&cfg);
	EXPECT_ERR("--tun-fd needs a descriptor number from 3 to 65535 "
	    "(0-2 are the standard streams), not '2'", "--tun-fd", "2", "h");
	EXPECT_ERR("--tun-fd needs a descriptor number from 3 to 65535 "
	    "(0-2 are the standard streams), not '65536'", "--tun-fd",
	    "65536", "h");
	EXPECT_ERR("--tun-fd needs a descriptor number from 3 to 65535 "
	    "(0-2 are the standard streams), not '3x'", "--tun-fd", "3x",
	    "h");
	EXPECT_ERR("--tun-fd needs a descriptor number from 3 to 65535 "
	    "(0-2 are the standard streams), not '-4'", "--tun-fd=-4", "h");
	EXPECT_ERR("option '--tun-fd' requires an argument", "h",
	    "--tun-fd");
	EXPECT_ERR("--tun=sstp0 cannot be used with --tun-fd (the "
	    "descriptor's device has its name)", "--tun=sstp0", "--tun-fd",
	    "5", "--user", "u", "--password", "p", "h");
	EXPECT_ERR("--tun-fd and --password-fd are both descriptor 3",
	    "--tun-fd", "3", "--user", "u", "--password-fd", "3", "h");
	TEST_DONE();
}

/* A numeric option: what it stores, and its bounds. */
struct num_case {
	const char	*name;
	const char	*val;
	unsigned	 want;		/* stored value if ok */
	const char	*err;		/* NULL: accepted */
};

/* The unsigned field an option stores into. */
static unsigned
num_field(const struct sstpc_config *cfg, const char *name)
{
	if (strcmp(name, "mtu") == 0)
		return cfg->mtu;
	if (strcmp(name, "mru") == 0)
		return cfg->mru;
	if (strcmp(name, "lcp-echo-interval") == 0)
		return cfg->lcp_echo_interval;
	if (strcmp(name, "lcp-echo-failure") == 0)
		return cfg->lcp_echo_failure;
	if (strcmp(name, "maxfail") == 0)
		return cfg->maxfail;
	if (strcmp(name, "holdoff") == 0)
		return cfg->holdoff;
	return 0xdeadbeef;
}

static void
test_numbers(void)
{
	static const struct num_case v[] = {
		{ "mtu", "128", 128, NULL },
		{ "mtu", "1280", 1280, NULL },
		{ "mtu", "4087", 4087, NULL },
		{ "mtu", "127", 0, "--mtu needs a number from 128 to 4087, "
		    "not '127'" },
		{ "mtu", "4088", 0, "--mtu needs a number from 128 to 4087, "
		    "not '4088'" },
		{ "mtu", "0", 0, "--mtu needs a number from 128 to 4087, "
		    "not '0'" },
		{ "mtu", "1e3", 0, "--mtu needs a number from 128 to 4087, "
		    "not '1e3'" },
		{ "mtu", "+1400", 0, "--mtu needs a number from 128 to 4087, "
		    "not '+1400'" },
		{ "mtu", "", 0, "empty argument for --mtu" },
		{ "mru", "128", 128, NULL },
		{ "mru", "4087", 4087, NULL },
		{ "mru", "4091", 0, "--mru needs a number from 128 to 4087, "
		    "not '4091'" },
		{ "mru", "99999999999999999999", 0, "--mru needs a number "
		    "from 128 to 4087, not '99999999999999999999'" },
		{ "lcp-echo-interval", "0", 0, NULL },
		{ "lcp-echo-interval", "3600", 3600, NULL },
		{ "lcp-echo-interval", "3601", 0, "--lcp-echo-interval needs "
		    "a number from 0 to 3600, not '3601'" },
		{ "lcp-echo-interval", "-1", 0, "--lcp-echo-interval needs "
		    "a number from 0 to 3600, not '-1'" },
		{ "lcp-echo-failure", "0", 0, NULL },
		{ "lcp-echo-failure", "255", 255, NULL },
		{ "lcp-echo-failure", "256", 0, "--lcp-echo-failure needs a "
		    "number from 0 to 255, not '256'" },
		{ "maxfail", "0", 0, NULL },
		{ "maxfail", "65535", 65535, NULL },
		{ "maxfail", "65536", 0, "--maxfail needs a number from 0 to "
		    "65535, not '65536'" },
		{ "holdoff", "1", 1, NULL },
		{ "holdoff", "3600", 3600, NULL },
		{ "holdoff", "0", 0, "--holdoff needs a number of seconds "
		    "from 1 to 3600, not '0'" },
		{ "holdoff", "3601", 0, "--holdoff needs a number of seconds "
		    "from 1 to 3600, not '3601'" },
	};
	struct sstpc_config cfg;
	struct av oav = { 0 };
	char name[48], eq[80], e[256];
	size_t i;
	int r;

	TEST_START("cmdline --tun: numeric options and their bounds");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		(void)snprintf(name, sizeof name, "--%s", v[i].name);
		(void)snprintf(eq, sizeof eq, "--%s=%s", v[i].name, v[i].val);
		/* "--name value" and "--name=value"; IPv4 only (< 1280). */
		r = run(&cfg, &oav, e, sizeof e, TUN_BASE, "--noipv6", name,
		    v[i].val, "h", NULL);
		if (v[i].err == NULL) {
			TH_CHECK(r == 0, "%s %s: %s", name, v[i].val, e);
			ASSERT_INT_EQ(num_field(&cfg, v[i].name), v[i].want);
		} else {
			ASSERT_INT_EQ(r, -1);
			ASSERT_STR_EQ(e, v[i].err);
		}
		DONE(&cfg);
		r = run(&cfg, &oav, e, sizeof e, "h", eq, TUN_BASE, "--noipv6",
		    NULL);
		if (v[i].err == NULL) {
			TH_CHECK(r == 0, "%s: %s", eq, e);
			ASSERT_INT_EQ(num_field(&cfg, v[i].name), v[i].want);
		} else {
			ASSERT_INT_EQ(r, -1);
			ASSERT_STR_EQ(e, v[i].err);
		}
		DONE(&cfg);
	}

	/* RFC 8200 section 5: below 1280 only without IPv6. */
	EXPECT_ERR("--mtu 1279 is below IPv6's minimum of 1280 (add "
	    "--noipv6)", TUN_BASE, "--mtu", "1279", "h");
	EXPECT_ERR("--mru 576 is below IPv6's minimum of 1280 (add "
	    "--noipv6)", TUN_BASE, "--mru", "576", "h");
	EXPECT_OK(&cfg, TUN_BASE, "--mtu", "1280", "--mru", "1280", "h");
	ASSERT_INT_EQ(cfg.mtu, 1280);
	ASSERT_INT_EQ(cfg.mru, 1280);
	DONE(&cfg);
	EXPECT_OK(&cfg, TUN_BASE, "--mtu", "576", "--noipv6", "h");
	ASSERT_INT_EQ(cfg.mtu, 576);
	DONE(&cfg);

	/* The last one wins. */
	EXPECT_OK(&cfg, TUN_BASE, "--maxfail", "3", "--maxfail=0", "h");
	ASSERT_INT_EQ(cfg.maxfail, 0);
	DONE(&cfg);
	TEST_DONE();
}

static void
test_switches(void)
{
	struct sstpc_config cfg;
	struct av oav = { 0 };
	char big[CFG_SCRIPT_MAX + 2];

	TEST_START("cmdline --tun: switches and --script");
	EXPECT_OK(&cfg, TUN_BASE, "--defaultroute", "h");
	ASSERT_TRUE(cfg.defaultroute);
	ASSERT_FALSE(cfg.usepeerdns || cfg.noip || cfg.noipv6 ||
	    cfg.persist || cfg.require_mppe || cfg.nomppe);
	DONE(&cfg);
	EXPECT_OK(&cfg, TUN_BASE, "--usepeerdns", "h");
	ASSERT_TRUE(cfg.usepeerdns);
	ASSERT_FALSE(cfg.defaultroute || cfg.noip || cfg.noipv6 ||
	    cfg.persist || cfg.require_mppe || cfg.nomppe);
	DONE(&cfg);
	EXPECT_OK(&cfg, TUN_BASE, "--noip", "h");
	ASSERT_TRUE(cfg.noip);
	ASSERT_FALSE(cfg.noipv6);
	DONE(&cfg);
	EXPECT_OK(&cfg, TUN_BASE, "--noipv6", "h");
	ASSERT_TRUE(cfg.noipv6);
	ASSERT_FALSE(cfg.noip);
	DONE(&cfg);
	EXPECT_OK(&cfg, TUN_BASE, "--persist", "h");
	ASSERT_TRUE(cfg.persist);
	ASSERT_FALSE(cfg.defaultroute || cfg.usepeerdns);
	DONE(&cfg);
	EXPECT_OK(&cfg, TUN_BASE, "--require-mppe", "h");
	ASSERT_TRUE(cfg.require_mppe);
	ASSERT_FALSE(cfg.nomppe);
	DONE(&cfg);
	EXPECT_OK(&cfg, TUN_BASE, "--nomppe", "h");
	ASSERT_TRUE(cfg.nomppe);
	ASSERT_FALSE(cfg.require_mppe);
	DONE(&cfg);
	EXPECT_ERR("option '--persist' does not take an argument", TUN_BASE,
	    "--persist=1", "h");

	/* --script: a command line for /bin/sh -c, kept as given. */
	EXPECT_OK(&cfg, TUN_BASE, "--script",
	    "sudo -E /usr/share/vpnc-scripts/vpnc-script", "h");
	ASSERT_STR_EQ(cfg.script,
	    "sudo -E /usr/share/vpnc-scripts/vpnc-script");
	DONE(&cfg);
	EXPECT_OK(&cfg, TUN_BASE, "--script=/bin/true", "h");
	ASSERT_STR_EQ(cfg.script, "/bin/true");
	DONE(&cfg);
	EXPECT_ERR("bad --script (at most 480 bytes, no control "
	    "characters)", TUN_BASE, "--script", "a\nb", "h");
	EXPECT_ERR("empty argument for --script", TUN_BASE, "--script", "",
	    "h");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	EXPECT_ERR("bad --script (at most 480 bytes, no control "
	    "characters)", TUN_BASE, "--script", big, "h");
	big[sizeof big - 2] = '\0';
	EXPECT_OK(&cfg, TUN_BASE, "--script", big, "h");
	ASSERT_INT_EQ(strlen(cfg.script), CFG_SCRIPT_MAX);
	DONE(&cfg);
	TEST_DONE();
}

static void
test_auth(void)
{
	static const struct {
		const char *opts[5];
		unsigned want;
	} v[] = {
		{ { NULL }, PPP_AUTH_ALLOW_ALL },
		{ { "--refuse-pap" },
		    PPP_AUTH_ALLOW_ALL & ~PPP_AUTH_ALLOW_PAP },
		{ { "--refuse-chap" },
		    PPP_AUTH_ALLOW_ALL & ~PPP_AUTH_ALLOW_CHAP_MD5 },
		{ { "--refuse-mschap-v2" },
		    PPP_AUTH_ALLOW_ALL & ~PPP_AUTH_ALLOW_MSCHAPV2 },
		{ { "--refuse-eap" },
		    PPP_AUTH_ALLOW_ALL & ~PPP_AUTH_ALLOW_EAP },
		{ { "--refuse-pap", "--refuse-pap" },
		    PPP_AUTH_ALLOW_ALL & ~PPP_AUTH_ALLOW_PAP },
		{ { "--refuse-pap", "--refuse-chap", "--refuse-eap" },
		    PPP_AUTH_ALLOW_MSCHAPV2 | PPP_AUTH_ALLOW_NONE },
		{ { "--refuse-pap", "--refuse-chap", "--refuse-mschap-v2" },
		    PPP_AUTH_ALLOW_EAP | PPP_AUTH_ALLOW_NONE },
		{ { "--require-mschap-v2" }, PPP_AUTH_ALLOW_MSCHAPV2 },
		{ { "--require-mschap-v2", "--refuse-pap", "--refuse-eap",
		    "--refuse-chap" }, PPP_AUTH_ALLOW_MSCHAPV2 },
	};
	struct sstpc_config cfg;
	struct av oav = { 0 };
	struct av a;
	char e[256];
	size_t i, k;
	int r;

	TEST_START("cmdline --tun: --refuse-* and --require-mschap-v2");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		av_init(&a);
		av_add(&a, TUN_BASE, "h", NULL);
		for (k = 0; k < 5 && v[i].opts[k] != NULL; k++)
			av_add(&a, v[i].opts[k], NULL);
		r = cmdline_parse(&cfg, a.argc, a.argv, e, sizeof e);
		TH_CHECK(r == 0, "case %zu: %s", i, e);
		TH_CHECK(cfg.auth_allow == v[i].want, "case %zu: auth_allow "
		    "0x%x, want 0x%x", i, cfg.auth_allow, v[i].want);
		DONE(&cfg);
		av_free(&a);
	}
	EXPECT_ERR("--refuse-pap, --refuse-chap, --refuse-mschap-v2 and "
	    "--refuse-eap together leave no authentication method",
	    TUN_BASE, "--refuse-pap", "--refuse-chap", "--refuse-mschap-v2",
	    "--refuse-eap", "h");
	EXPECT_ERR("--require-mschap-v2 conflicts with --refuse-mschap-v2",
	    TUN_BASE, "--refuse-mschap-v2", "--require-mschap-v2", "h");
	EXPECT_ERR("--require-mschap-v2 conflicts with --refuse-mschap-v2",
	    TUN_BASE, "--require-mschap-v2", "--refuse-mschap-v2", "h");
	EXPECT_ERR("--require-mppe conflicts with --nomppe", TUN_BASE,
	    "--require-mppe", "--nomppe", "h");
	EXPECT_ERR("--noip and --noipv6 together leave no network protocol",
	    TUN_BASE, "--noip", "--noipv6", "h");
	TEST_DONE();
}

/* A --route that parses: the network stored. */
struct route_good {
	const char	*arg;
	int		 family;
	unsigned	 plen;
	const char	*addr;		/* for inet_pton */
};

static void
test_route(void)
{
	static const struct route_good good[] = {
		{ "192.0.2.0/24", AF_INET, 24, "192.0.2.0" },
		{ "0.0.0.0/0", AF_INET, 0, "0.0.0.0" },
		{ "192.0.2.7/32", AF_INET, 32, "192.0.2.7" },
		{ "10.0.0.0/8", AF_INET, 8, "10.0.0.0" },
		{ "198.51.100.128/25", AF_INET, 25, "198.51.100.128" },
		{ "255.255.255.255/32", AF_INET, 32, "255.255.255.255" },
		{ "2001:db8::/32", AF_INET6, 32, "2001:db8::" },
		{ "::/0", AF_INET6, 0, "::" },
		{ "::1/128", AF_INET6, 128, "::1" },
		{ "2001:DB8:0:0:1::/80", AF_INET6, 80, "2001:db8:0:0:1::" },
		{ "2001:db8:1:2:3:4:5:6/128", AF_INET6, 128,
		    "2001:db8:1:2:3:4:5:6" },
		{ "2001:db8::5:6:7:0/112", AF_INET6, 112,
		    "2001:db8::5:6:7:0" },
		{ "fe80::/10", AF_INET6, 10, "fe80::" },
		{ "::ffff:192.0.2.0/120", AF_INET6, 120, "::ffff:192.0.2.0" },
		{ "2001:db8:0:1:2:3:192.0.2.1/128", AF_INET6, 128,
		    "2001:db8:0:1:2:3:192.0.2.1" },
		{ "1:2:3:4:5:6:7::/128", AF_INET6, 128, "1:2:3:4:5:6:7::" },
		{ "::2:3:4:5:6:7:8/128", AF_INET6, 128, "::2:3:4:5:6:7:8" },
		{ "2001:0db8:0000::/48", AF_INET6, 48, "2001:db8::" },
	};
	static const struct {
		const char *arg, *why;
	} bad[] = {
		{ "192.0.2.0", "no /PREFIXLEN" },
		{ "2001:db8::", "no /PREFIXLEN" },
		{ "192.0.2.0/", "prefix length is not 0 to 32" },
		{ "192.0.2.0/33", "prefix length is not 0 to 32" },
		{ "192.0.2.0/024", "prefix length is not 0 to 32" },
		{ "192.0.2.0/24 ", "prefix length is not 0 to 32" },
		{ "192.0.2.0/+24", "prefix length is not 0 to 32" },
		{ "192.0.2.0/24/1", "prefix length is not 0 to 32" },
		{ "2001:db8::/129", "prefix length is not 0 to 128" },
		{ "2001:db8::/1x", "prefix length is not 0 to 128" },
		{ "/24", "not an IPv4 address" },
		{ "192.0.2/24", "not an IPv4 address" },
		{ "192.0.2.0.0/24", "not an IPv4 address" },
		{ "192.0.2.256/32", "not an IPv4 address" },
		{ "192.0.02.0/24", "not an IPv4 address" },
		{ "192.0..0/24", "not an IPv4 address" },
		{ " 192.0.2.0/24", "not an IPv4 address" },
		{ "0x7f.0.0.1/32", "not an IPv4 address" },
		{ "vpn.example.com/32", "not an IPv4 address" },
		{ "2001:db8:/32", "not an IPv6 address" },
		{ ":2001:db8::/32", "not an IPv6 address" },
		{ "2001:db8:::/48", "not an IPv6 address" },
		{ "2001::db8::/32", "not an IPv6 address" },
		{ "2001:db8:0:0:0:0:0:0:0/32", "not an IPv6 address" },
		{ "2001:db8:0:0:0:0:0/32", "not an IPv6 address" },
		{ "1:2:3:4:5:6:7:8::/128", "not an IPv6 address" },
		{ "20011:db8::/32", "not an IPv6 address" },
		{ "2001:dg8::/32", "not an IPv6 address" },
		{ "fe80::%eth0/64", "not an IPv6 address" },
		{ "fe80::/64%eth0", "prefix length is not 0 to 128" },
		{ "[2001:db8::]/32", "not an IPv6 address" },
		{ "::192.0.2/96", "not an IPv6 address" },
		{ "::192.0.2.1.1/128", "not an IPv6 address" },
		{ "::1.2.3.4:5/128", "not an IPv6 address" },
		{ "1:2:3:4:5:6:7:1.2.3.4/128", "not an IPv6 address" },
		{ "::01.2.3.4/128", "not an IPv6 address" },
	};
	static const struct {
		const char *arg, *net;
	} hostbits[] = {
		{ "192.0.2.1/24", "192.0.2.0/24" },
		{ "192.0.2.255/25", "192.0.2.128/25" },
		{ "10.1.0.0/8", "10.0.0.0/8" },
		{ "0.0.0.1/0", "0.0.0.0/0" },
		{ "2001:db8::1/64", "2001:db8::/64" },
		{ "2001:db9::/31", "2001:db8::/31" },
		{ "fe80::1:0:0:0/64", "fe80::/64" },
	};
	struct sstpc_config cfg;
	struct av oav = { 0 };
	char e[256], want[256];
	uint8_t addr[16];
	size_t i;

	TEST_START("cmdline --tun: --route CIDR");
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		EXPECT_OK(&cfg, TUN_BASE, "--route", good[i].arg, "h");
		ASSERT_INT_EQ(cfg.n_routes, 1);
		ASSERT_PTR_NOT_NULL(cfg.routes);
		if (cfg.routes == NULL)
			continue;
		memset(addr, 0, sizeof addr);
		ASSERT_INT_EQ(inet_pton(good[i].family, good[i].addr, addr),
		    1);
		TH_CHECK(cfg.routes[0].family == good[i].family, "%s: family",
		    good[i].arg);
		ASSERT_INT_EQ(cfg.routes[0].prefixlen, good[i].plen);
		ASSERT_MEM_EQ(cfg.routes[0].addr, addr,
		    good[i].family == AF_INET ? 4 : 16);
		DONE(&cfg);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		(void)snprintf(want, sizeof want, "bad --route '%s': %s (want "
		    "ADDRESS/PREFIXLEN, IPv4 or IPv6)", bad[i].arg,
		    bad[i].why);
		(void)run(&cfg, &oav, e, sizeof e, TUN_BASE, "--route",
		    bad[i].arg, "h", NULL);
		TH_CHECK(strcmp(e, want) == 0, "%s: got \"%s\"", bad[i].arg,
		    e);
		DONE(&cfg);
	}
	for (i = 0; i < sizeof hostbits / sizeof hostbits[0]; i++) {
		(void)snprintf(want, sizeof want, "--route %s has host bits "
		    "set (the network is %s)", hostbits[i].arg,
		    hostbits[i].net);
		EXPECT_ERR(want, TUN_BASE, "--route", hostbits[i].arg, "h");
		/* ... and the network it names is accepted. */
		EXPECT_OK(&cfg, TUN_BASE, "--route", hostbits[i].net, "h");
		ASSERT_INT_EQ(cfg.n_routes, 1);
		DONE(&cfg);
	}

	/* Repeatable, in order; a repeated network is kept once. */
	EXPECT_OK(&cfg, TUN_BASE, "--route", "192.0.2.0/24", "--route=2001:"
	    "db8::/32", "--route", "192.0.2.0/24", "--route", "192.0.2.0/25",
	    "h");
	ASSERT_INT_EQ(cfg.n_routes, 3);
	if (cfg.n_routes == 3) {
		ASSERT_INT_EQ(cfg.routes[0].family, AF_INET);
		ASSERT_INT_EQ(cfg.routes[0].prefixlen, 24);
		ASSERT_INT_EQ(cfg.routes[1].family, AF_INET6);
		ASSERT_INT_EQ(cfg.routes[1].prefixlen, 32);
		ASSERT_INT_EQ(cfg.routes[2].prefixlen, 25);
	}
	DONE(&cfg);

	/* A family that is turned off. */
	EXPECT_ERR("--route 192.0.2.0/24 needs IPv4, which --noip turns "
	    "off", TUN_BASE, "--route", "192.0.2.0/24", "--noip", "h");
	EXPECT_ERR("--route 2001:db8::/32 needs IPv6, which --noipv6 turns "
	    "off", TUN_BASE, "--noipv6", "--route", "2001:db8:0::/32", "h");
	EXPECT_ERR("--defaultroute is IPv4's (as in pppd), but --noip turns "
	    "IPv4 off (for IPv6 use --route ::/0)", TUN_BASE, "--noip",
	    "--defaultroute", "h");
	EXPECT_OK(&cfg, TUN_BASE, "--noip", "--route", "::/0", "h");
	ASSERT_INT_EQ(cfg.n_routes, 1);
	DONE(&cfg);
	TEST_DONE();
}

/* At most CFG_ROUTES_MAX networks. */
static void
test_route_max(void)
{
	struct sstpc_config cfg;
	struct av oav = { 0 };
	struct av a;
	char e[256], net[32];
	int i, r;

	TEST_START("cmdline --tun: --route limit");
	av_init(&a);
	av_add(&a, TUN_BASE, "h", NULL);
	for (i = 0; i < CFG_ROUTES_MAX; i++) {
		(void)snprintf(net, sizeof net, "10.%d.%d.0/24", i / 256,
		    i % 256);
		av_add(&a, "--route", net, NULL);
	}
	r = cmdline_parse(&cfg, a.argc, a.argv, e, sizeof e);
	TH_CHECK(r == 0, "%s", e);
	ASSERT_INT_EQ(cfg.n_routes, CFG_ROUTES_MAX);
	if (cfg.n_routes == CFG_ROUTES_MAX) {
		ASSERT_INT_EQ(cfg.routes[CFG_ROUTES_MAX - 1].addr[2], 255);
		ASSERT_INT_EQ(cfg.routes[CFG_ROUTES_MAX - 1].addr[1], 0);
	}
	DONE(&cfg);
	/* A repeat is no new network. */
	av_add(&a, "--route", "10.0.0.0/24", NULL);
	ASSERT_INT_EQ(cmdline_parse(&cfg, a.argc, a.argv, e, sizeof e), 0);
	DONE(&cfg);
	av_add(&a, "--route", "10.1.0.0/24", NULL);
	ASSERT_INT_EQ(cmdline_parse(&cfg, a.argc, a.argv, e, sizeof e), -1);
	ASSERT_STR_EQ(e, "too many --route (at most 256)");
	DONE(&cfg);
	av_free(&a);
	TEST_DONE();
}

/* Deterministic pseudo-random numbers (a 64-bit LCG). */
static unsigned
lcg(uint64_t *s, unsigned n)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(*s >> 33) % n;
}

/*
 * The CIDR parser against inet_pton(3): random strings built from address
 * pieces, with the full prefix length (so host bits never matter), are
 * accepted exactly when inet_pton accepts the address, with its bytes.
 */
static void
test_route_oracle(void)
{
	static const char *const piece[] = {
		"0", "1", "a", "ff", "db8", "2001", "ffff", "12345", "g",
		":", ":", ":", "::", ".", ".", "192", "0", "255", "256", "01",
		"00", "7", "fe80", "%", "::1", "1.2.3.4",
	};
	struct sstpc_config cfg;
	struct av oav = { 0 };
	uint64_t seed = 12;
	uint8_t want[16];
	char s[64], arg[80], e[256];
	size_t len;
	unsigned i, k, n, accepted = 0, agree = 0;
	int fam, ok, r;

	TEST_START("cmdline --tun: --route agrees with inet_pton");
	for (i = 0; i < 20000; i++) {
		s[0] = '\0';
		n = 1 + lcg(&seed, 12);
		for (k = 0; k < n; k++) {
			len = strlen(s);
			(void)snprintf(s + len, sizeof s - len, "%s",
			    piece[lcg(&seed, sizeof piece / sizeof piece[0])]);
		}
		fam = strchr(s, ':') != NULL ? AF_INET6 : AF_INET;
		ok = inet_pton(fam, s, want) == 1;
		(void)snprintf(arg, sizeof arg, "%s/%d", s,
		    fam == AF_INET ? 32 : 128);
		r = run(&cfg, &oav, e, sizeof e, TUN_BASE, "--route", arg, "h",
		    NULL);
		TH_CHECK((r == 0) == ok, "'%s': inet_pton %s, parser '%s'",
		    arg, ok ? "accepts" : "refuses", e);
		if (r == 0 && ok && cfg.n_routes == 1) {
			TH_CHECK(memcmp(cfg.routes[0].addr, want,
			    fam == AF_INET ? 4 : 16) == 0, "'%s': bytes", arg);
			accepted++;
		}
		agree += (r == 0) == ok;
		DONE(&cfg);
	}
	/* The generator must reach both sides often enough to mean much. */
	TH_CHECK(accepted >= 500, "only %u valid addresses generated",
	    accepted);
	ASSERT_INT_EQ(agree, 20000);
	TEST_DONE();
}

/* Every option that needs --tun, with an argument if it takes one. */
static const struct {
	const char *opt, *arg;
} tun_only[] = {
	{ "--mtu", "1400" }, { "--mru", "1400" }, { "--noip", NULL },
	{ "--noipv6", NULL }, { "--defaultroute", NULL },
	{ "--route", "192.0.2.0/24" }, { "--usepeerdns", NULL },
	{ "--script", "/bin/true" }, { "--refuse-pap", NULL },
	{ "--refuse-chap", NULL }, { "--refuse-mschap-v2", NULL },
	{ "--refuse-eap", NULL }, { "--require-mschap-v2", NULL },
	{ "--require-mppe", NULL }, { "--nomppe", NULL },
	{ "--lcp-echo-interval", "10" }, { "--lcp-echo-failure", "3" },
	{ "--persist", NULL }, { "--maxfail", "0" }, { "--holdoff", "5" },
};

static void
test_needs_tun(void)
{
	struct sstpc_config cfg;
	struct av oav = { 0 };
	struct av a;
	char e[256], want[256];
	size_t i;
	int r;

	TEST_START("cmdline --tun: the built-in options need --tun");
	for (i = 0; i < sizeof tun_only / sizeof tun_only[0]; i++) {
		(void)snprintf(want, sizeof want, "%s needs --tun (in launch "
		    "mode pppd's own options go after the server or '--')",
		    tun_only[i].opt);
		/* Launch mode and pty mode alike. */
		av_init(&a);
		av_add(&a, "--user", "u", "--password", "p", tun_only[i].opt,
		    tun_only[i].arg, NULL);
		av_add(&a, "h", NULL);
		r = cmdline_parse(&cfg, a.argc, a.argv, e, sizeof e);
		ASSERT_INT_EQ(r, -1);
		TH_CHECK(strcmp(e, want) == 0, "%s: got \"%s\"",
		    tun_only[i].opt, e);
		DONE(&cfg);
		av_free(&a);
		av_init(&a);
		av_add(&a, "h", "--nolaunchpppd", tun_only[i].opt,
		    tun_only[i].arg, NULL);
		r = cmdline_parse(&cfg, a.argc, a.argv, e, sizeof e);
		ASSERT_INT_EQ(r, -1);
		TH_CHECK(strcmp(e, want) == 0, "%s: got \"%s\"",
		    tun_only[i].opt, e);
		DONE(&cfg);
		av_free(&a);
		/* ... and all of them are accepted with it. */
		av_init(&a);
		av_add(&a, TUN_BASE, tun_only[i].opt, tun_only[i].arg, NULL);
		av_add(&a, "h", NULL);
		r = cmdline_parse(&cfg, a.argc, a.argv, e, sizeof e);
		TH_CHECK(r == 0, "%s with --tun: %s", tun_only[i].opt, e);
		DONE(&cfg);
		av_free(&a);
	}

	/* pppd's own options in launch mode still go to pppd, unchanged. */
	EXPECT_OK(&cfg, "h", "mtu", "1400", "defaultroute", "--",
	    "--persist", "usepeerdns");
	ASSERT_FALSE(cfg.tun);
	ASSERT_INT_EQ(cfg.n_pppd_args, 5);
	if (cfg.n_pppd_args == 5) {
		ASSERT_STR_EQ(cfg.pppd_args[0], "mtu");
		ASSERT_STR_EQ(cfg.pppd_args[1], "1400");
		ASSERT_STR_EQ(cfg.pppd_args[3], "--persist");
		ASSERT_STR_EQ(cfg.pppd_args[4], "usepeerdns");
	}
	ASSERT_INT_EQ(cfg.mtu, 0);
	ASSERT_FALSE(cfg.persist);
	DONE(&cfg);
	TEST_DONE();
}

static void
test_not_with_tun(void)
{
	TEST_START("cmdline --tun: pppd things are refused with --tun");
	EXPECT_ERR("--nolaunchpppd cannot be used with --tun (it is for "
	    "pppd, and --tun runs no pppd)", TUN_BASE, "--nolaunchpppd",
	    "h");
	EXPECT_ERR("--pppd cannot be used with --tun (it is for pppd, and "
	    "--tun runs no pppd)", "--pppd", "/usr/sbin/pppd", TUN_BASE,
	    "h");
	EXPECT_ERR("--ipparam cannot be used with --tun (it is for pppd, "
	    "and --tun runs no pppd)", TUN_BASE, "--ipparam", "office", "h");
	EXPECT_ERR("--eap-auth cannot be used with --tun (it is for pppd, "
	    "and --tun runs no pppd)", "h", "--eap-auth", TUN_BASE);
	EXPECT_ERR("--nolaunchpppd cannot be used with --tun (it is for "
	    "pppd, and --tun runs no pppd)", "--tun-fd", "5", "--user", "u",
	    "--password", "p", "--nolaunchpppd", "h");
	EXPECT_ERR("--tun runs no pppd: unexpected argument 'noauth' after "
	    "the server (see 'Built-in PPP' in --help)", TUN_BASE, "h",
	    "noauth");
	EXPECT_ERR("--tun runs no pppd: unexpected argument 'mtu' after the "
	    "server (see 'Built-in PPP' in --help)", TUN_BASE, "h", "--",
	    "mtu", "1400");
	EXPECT_ERR("--tun runs no pppd: unexpected argument '-detach' after "
	    "the server (see 'Built-in PPP' in --help)", TUN_BASE, "h", "--",
	    "-detach");
	EXPECT_ERR("--tun requires --user (sstpc authenticates itself)",
	    "--tun", "--password-fd", "3", "h");
	EXPECT_ERR("--tun requires a password (--password-fd, "
	    "--password-file or --password)", "--tun", "--user", "u", "h");
	EXPECT_ERR("missing server argument (try --help)", TUN_BASE);
	TEST_DONE();
}

static void
test_full_names(void)
{
	struct sstpc_config cfg;
	struct av oav = { 0 };

	TEST_START("cmdline --tun: full names only, 1.0.18 prefixes kept");
	/* Prefixes that meant a 1.0.18 option still do. */
	EXPECT_OK(&cfg, "--us", "alice", "--ho", "name.example", "h");
	ASSERT_STR_EQ(cfg.user, "alice");
	ASSERT_STR_EQ(cfg.host_override, "name.example");
	DONE(&cfg);
	EXPECT_OK(&cfg, "--use=bob", "--require", "--nolaunch", "h");
	ASSERT_STR_EQ(cfg.user, "bob");
	ASSERT_TRUE(cfg.require_sha256);
	ASSERT_TRUE(cfg.nolaunchpppd);
	DONE(&cfg);
	EXPECT_OK(&cfg, "--require-", "h");
	ASSERT_TRUE(cfg.require_sha256);
	DONE(&cfg);
	EXPECT_ERR("option '--deb' is ambiguous", "--deb", "h");
	EXPECT_ERR("unknown option '--def'", TUN_BASE, "--def", "h");
	/* Prefixes of built-in options are unknown. */
	EXPECT_ERR("unknown option '--tu'", "--tu", "h");
	EXPECT_ERR("unknown option '--tun-f'", "--tun-f", "3", "h");
	EXPECT_ERR("unknown option '--pers'", TUN_BASE, "--pers", "h");
	EXPECT_ERR("unknown option '--refuse-pa'", TUN_BASE, "--refuse-pa",
	    "h");
	EXPECT_ERR("unknown option '--mt'", TUN_BASE, "--mt=1400", "h");
	EXPECT_ERR("unknown option '--lcp-echo'", TUN_BASE, "--lcp-echo",
	    "5", "h");
	TEST_DONE();
}

static void
test_help(void)
{
	static const char *const names[] = {
		"--tun[=NAME]", "--tun-fd N", "--mtu N", "--mru N", "--noip ",
		"--noipv6", "--defaultroute", "--route CIDR", "--usepeerdns",
		"--script CMD", "--refuse-pap", "--refuse-chap",
		"--refuse-mschap-v2", "--refuse-eap", "--require-mschap-v2",
		"--require-mppe", "--nomppe", "--lcp-echo-interval SEC",
		"--lcp-echo-failure N", "--persist", "--maxfail N",
		"--holdoff SEC",
	};
	char *text = NULL;
	const char *group, *next, *p;
	size_t len = 0, i;
	FILE *fp;

	TEST_START("cmdline --tun: the 'Built-in PPP' group of --help");
	fp = open_memstream(&text, &len);
	ASSERT_PTR_NOT_NULL(fp);
	if (fp == NULL)
		return;
	cmdline_usage(fp);
	fclose(fp);
	ASSERT_TRUE(strstr(text, "\n       sstpc --tun[=NAME] [options] "
	    "<server>[:port]\n") != NULL);
	group = strstr(text, "\nBuilt-in PPP (--tun):\n");
	ASSERT_PTR_NOT_NULL(group);
	next = group != NULL ? strstr(group + 1, "\n\n") : NULL;
	ASSERT_PTR_NOT_NULL(next);
	if (group == NULL || next == NULL) {
		free(text);
		return;
	}
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		p = strstr(group, names[i]);
		TH_CHECK(p != NULL && p < next, "%s not in the group",
		    names[i]);
	}
	/* And nowhere else. */
	TH_CHECK(strstr(text, "--mtu") > group, "--mtu outside the group");
	TH_CHECK(strstr(next, "--persist") == NULL, "--persist after it");
	free(text);
	TEST_DONE();
}

int
main(void)
{
	test_defaults();
	test_tun_name();
	test_tun_fd();
	test_numbers();
	test_switches();
	test_auth();
	test_route();
	test_route_max();
	test_route_oracle();
	test_needs_tun();
	test_not_with_tun();
	test_full_names();
	test_help();
	return test_exit();
}
