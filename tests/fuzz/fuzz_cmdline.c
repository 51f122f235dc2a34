/*
 * fuzz_cmdline.c - the command line parser (src/cmdline.h).
 *
 * Input: the arguments after argv[0], separated by NUL bytes (at most
 * CMD_ARGS_MAX of them; the rest of the input is ignored).  Each argument
 * is a writable heap copy of exactly its size, since the parser scrubs
 * secrets in place.
 *
 * Invariants: the parser returns 0, CMDLINE_HELP, CMDLINE_VERSION or -1
 * with a non-empty, NUL-terminated message; it neither exits nor prints
 * (a print or exit would show up as output / a dead fuzzer); on success
 * the server is set and parsed, the pppd argument list is NULL-terminated
 * with n_pppd_args entries, timeouts are within their caps, and a
 * --password given on the command line occurs fewer times in argv after
 * the parse than before (its own argument was scrubbed); cmdline_free()
 * wipes the password.
 * Built-in mode (--tun): no pppd arguments or pppd-only settings, MTU/MRU
 * 0 or within 128..4087, an interface name of 1..15 bytes without '/',
 * at least one address family and one authentication method, no MPPE
 * conflict, and every --route a network of its family without host bits;
 * without --tun every built-in field keeps its default.
 * cmdline_proxy_from_env() is run with the last argument as no_proxy.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/ppp_engine.h"
#include "util/buf.h"
#include "sstpc/cmdline.h"
#include "fuzz.h"

#define CMD_ARGS_MAX	64

/*
 * How many times does needle occur in the argv strings (overlapping
 * matches counted)?  Scrubbing turns bytes into NULs, which removes the
 * match at the secret's own position and cannot create one.
 */
static size_t
cmd_count(char **argv, int argc, const char *needle)
{
	size_t n = 0;
	const char *p;
	int i;

	for (i = 0; i < argc; i++)
		for (p = argv[i]; (p = strstr(p, needle)) != NULL; p++)
			n++;
	return n;
}

/* The built-in mode's fields (see the header comment). */
static void
cmd_check_tun(const struct sstpc_config *cfg)
{
	const unsigned methods = PPP_AUTH_ALLOW_PAP | PPP_AUTH_ALLOW_CHAP_MD5 |
	    PPP_AUTH_ALLOW_MSCHAPV2 | PPP_AUTH_ALLOW_EAP;
	size_t i, b, len;
	unsigned plen;

	if (!cfg->tun) {
		FUZZ_CHECK(cfg->tun_name == NULL && cfg->tun_fd == -1);
		FUZZ_CHECK(cfg->mtu == 0 && cfg->mru == 0);
		FUZZ_CHECK(!cfg->defaultroute && !cfg->usepeerdns &&
		    !cfg->noip && !cfg->noipv6 && !cfg->persist &&
		    !cfg->require_mppe && !cfg->nomppe);
		FUZZ_CHECK(cfg->lcp_echo_interval == CFG_LCP_ECHO_INTERVAL &&
		    cfg->lcp_echo_failure == CFG_LCP_ECHO_FAILURE);
		FUZZ_CHECK(cfg->maxfail == CFG_MAXFAIL &&
		    cfg->holdoff == CFG_HOLDOFF);
		FUZZ_CHECK(cfg->auth_allow == PPP_AUTH_ALLOW_ALL);
		FUZZ_CHECK(cfg->routes == NULL && cfg->n_routes == 0);
		FUZZ_CHECK(cfg->script == NULL);
		return;
	}
	FUZZ_CHECK(cfg->n_pppd_args == 0 && !cfg->nolaunchpppd &&
	    !cfg->eap_auth && cfg->ipparam == NULL);
	FUZZ_CHECK(cfg->user != NULL && cfg->pw_source != CFG_PW_NONE);
	if (cfg->tun_name != NULL) {
		len = strlen(cfg->tun_name);
		FUZZ_CHECK(len >= 1 && len <= CFG_TUN_NAME_MAX);
		FUZZ_CHECK(strchr(cfg->tun_name, '/') == NULL);
		FUZZ_CHECK(cfg->tun_fd == -1);
	}
	FUZZ_CHECK(cfg->tun_fd == -1 || (cfg->tun_fd >= 3 &&
	    cfg->tun_fd <= CFG_FD_MAX));
	FUZZ_CHECK(cfg->mtu == 0 || (cfg->mtu >= CFG_MRU_MIN &&
	    cfg->mtu <= CFG_MRU_MAX));
	FUZZ_CHECK(cfg->mru == 0 || (cfg->mru >= CFG_MRU_MIN &&
	    cfg->mru <= CFG_MRU_MAX));
	FUZZ_CHECK(!(cfg->noip && cfg->noipv6));
	FUZZ_CHECK(!(cfg->require_mppe && cfg->nomppe));
	FUZZ_CHECK((cfg->auth_allow & methods) != 0);
	FUZZ_CHECK((cfg->auth_allow & ~PPP_AUTH_ALLOW_ALL) == 0);
	FUZZ_CHECK(cfg->lcp_echo_interval <= CFG_TIMEOUT_MAX);
	FUZZ_CHECK(cfg->holdoff >= 1 && cfg->holdoff <= CFG_TIMEOUT_MAX);
	FUZZ_CHECK(cfg->n_routes <= CFG_ROUTES_MAX);
	if (cfg->n_routes > 0)
		FUZZ_CHECK(cfg->routes != NULL);
	for (i = 0; i < cfg->n_routes; i++) {
		const struct cfg_route *r = &cfg->routes[i];

		FUZZ_CHECK(r->family == AF_INET || r->family == AF_INET6);
		FUZZ_CHECK(r->family == AF_INET ? !cfg->noip : !cfg->noipv6);
		len = r->family == AF_INET ? 4 : 16;
		plen = r->prefixlen;
		FUZZ_CHECK(plen <= 8 * len);
		for (b = plen; b < 8 * len; b++)
			FUZZ_CHECK((r->addr[b / 8] & (0x80 >> (b % 8))) == 0);
	}
}

static void
cmd_check_config(struct sstpc_config *cfg, char **argv, int argc,
    size_t pw_before)
{
	char err[256];
	size_t i;
	int r;

	FUZZ_CHECK(cfg->server_arg != NULL);
	FUZZ_CHECK(cfg->server.host[0] != '\0' && cfg->server.port != 0);
	FUZZ_CHECK(fuzz_str_ok(cfg->name, sizeof cfg->name, 0));
	FUZZ_CHECK(fuzz_str_ok(cfg->sni, sizeof cfg->sni, 0));
	FUZZ_CHECK(cfg->connect_timeout <= CFG_TIMEOUT_MAX);
	FUZZ_CHECK(cfg->handshake_timeout <= CFG_TIMEOUT_MAX);
	FUZZ_CHECK(cfg->hello_interval <= CFG_TIMEOUT_MAX);
	if (cfg->n_pppd_args > 0)
		FUZZ_CHECK(cfg->pppd_args != NULL);
	if (cfg->pppd_args != NULL) {
		for (i = 0; i < cfg->n_pppd_args; i++)
			FUZZ_CHECK(cfg->pppd_args[i] != NULL);
		FUZZ_CHECK(cfg->pppd_args[cfg->n_pppd_args] == NULL);
	}
	cmd_check_tun(cfg);
	if (cfg->has_password) {
		FUZZ_CHECK(fuzz_str_ok(cfg->password, sizeof cfg->password,
		    0));
		/* The argument the password came from is scrubbed. */
		if (cfg->pw_source == CFG_PW_ARGV && cfg->password[0] != '\0')
			FUZZ_CHECK(cmd_count(argv, argc, cfg->password) <
			    pw_before);
	}
	r = cmdline_proxy_from_env(cfg, "http://proxy.example:3128",
	    "http://user:pw@[2001:db8::1]:8080/", argv[argc - 1], err,
	    sizeof err);
	FUZZ_CHECK(r == 0 || r == -1);
	if (r != 0)
		FUZZ_CHECK(err[0] != '\0' && fuzz_str_ok(err, sizeof err, 0));
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), arg;
	struct sstpc_config *cfg;
	char *argv[CMD_ARGS_MAX + 2], err[256], pw[CFG_PASS_MAX];
	size_t pw_before = 0;
	long nul;
	int argc = 1, i, r;

	argv[0] = strdup("sstpc");
	if (argv[0] == NULL)
		return 0;
	while (bcur_left(&in) > 0 && argc <= CMD_ARGS_MAX) {
		nul = bcur_find(&in, '\0');
		arg = fuzz_take(&in, nul >= 0 ? (size_t)nul : bcur_left(&in));
		if (nul >= 0)
			(void)bcur_skip(&in, 1);
		if ((argv[argc] = fuzz_strdup(&arg)) == NULL)
			goto out;
		argc++;
	}
	argv[argc] = NULL;
	if ((cfg = malloc(sizeof *cfg)) == NULL)
		goto out;

	memset(err, 'Z', sizeof err);
	r = cmdline_parse(cfg, argc, argv, err, sizeof err);
	FUZZ_CHECK(r == 0 || r == CMDLINE_HELP || r == CMDLINE_VERSION ||
	    r == -1);
	if (r == -1)
		FUZZ_CHECK(fuzz_str_ok(err, sizeof err, 0) && err[0] != '\0');
	if (r == 0) {
		/*
		 * Count the password in a second parse of fresh copies:
		 * the first parse has scrubbed it already.
		 */
		if (cfg->has_password && cfg->pw_source == CFG_PW_ARGV) {
			memcpy(pw, cfg->password, sizeof pw);
			cmdline_free(cfg);
			for (i = 1; i < argc; i++)
				free(argv[i]);
			argc = 1;
			in = bcur_make(data, size);
			while (bcur_left(&in) > 0 && argc <= CMD_ARGS_MAX) {
				nul = bcur_find(&in, '\0');
				arg = fuzz_take(&in, nul >= 0 ? (size_t)nul :
				    bcur_left(&in));
				if (nul >= 0)
					(void)bcur_skip(&in, 1);
				if ((argv[argc] = fuzz_strdup(&arg)) == NULL)
					goto out_cfg;
				argc++;
			}
			argv[argc] = NULL;
			if (pw[0] != '\0')
				pw_before = cmd_count(argv, argc, pw);
			explicit_bzero(pw, sizeof pw);
			FUZZ_CHECK(cmdline_parse(cfg, argc, argv, err,
			    sizeof err) == 0);
		}
		cmd_check_config(cfg, argv, argc, pw_before);
	}
	cmdline_free(cfg);
	FUZZ_CHECK(cfg->password[0] == '\0');
out_cfg:
	free(cfg);
out:
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
