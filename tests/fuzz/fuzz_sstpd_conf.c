/*
 * fuzz_sstpd_conf.c - sstpd's configuration (src/sstpd/conf.h).
 *
 * Input: the text of a -c FILE for sstpd_conf_parse_text(); or, when the
 * first byte is NUL, the arguments after argv[0] for sstpd_conf_parse(),
 * separated by NUL bytes (at most CONF_ARGS_MAX of them).
 *
 * Invariants: the result is 0 or 2 (1 only when out of memory, which the
 * fuzzer does not provoke); a 2 comes with a non-empty one-line message
 * (NUL-terminated, no control bytes).  A 0 for serving (or
 * --check-config) means every cross-option rule of conf.c holds: 1 to 16
 * listeners of a known family with a port and a printable text; a pool of
 * /16 to /30 without host bits and --local not its network or broadcast
 * address; a /48 to /64 without host bits for --pool6 and a Router
 * Lifetime of 0 or 600..9000 s; at most two distinct DNS servers, packed; a non-empty subset of mschapv2|eap|pap; --no-tls
 * exactly with --cert-hash-sha256 and without --cert/--key, else both of
 * those and no configured hash; --cert-hash-sha1 only with --allow-sha1;
 * the built-in backend with --secrets and a valid TUN name, the pppd
 * backend without --secrets and --user; numbers within their ranges;
 * the default strings present, paths absolute.  The file text never sets
 * a mode.  sstpd_conf_free() leaves the struct all zero.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "ppp/ppp_engine.h"
#include "sstpd/conf.h"
#include "util/buf.h"
#include "fuzz.h"

#define CONF_ARGS_MAX	48

/* The rules a successful serving configuration obeys (header comment). */
static void
check_conf(const struct sstpd_conf *c)
{
	const unsigned methods = PPP_AUTH_ALLOW_MSCHAPV2 |
	    PPP_AUTH_ALLOW_EAP | PPP_AUTH_ALLOW_PAP;
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	uint32_t mask;
	size_t i, n;

	FUZZ_CHECK(c->n_listen >= 1 && c->n_listen <= SSTPD_MAX_LISTEN);
	for (i = 0; i < c->n_listen; i++) {
		FUZZ_CHECK(fuzz_str_ok(c->listen[i].text,
		    sizeof c->listen[i].text, 1));
		if (c->listen[i].sa.ss_family == AF_INET) {
			sin = (const struct sockaddr_in *)&c->listen[i].sa;
			FUZZ_CHECK(c->listen[i].salen == sizeof *sin);
			FUZZ_CHECK(sin->sin_port != 0);
		} else {
			sin6 = (const struct sockaddr_in6 *)&c->listen[i].sa;
			FUZZ_CHECK(sin6->sin6_family == AF_INET6);
			FUZZ_CHECK(c->listen[i].salen == sizeof *sin6);
			FUZZ_CHECK(sin6->sin6_port != 0);
		}
	}
	FUZZ_CHECK(c->pool4_prefix >= 16 && c->pool4_prefix <= 30);
	mask = htonl(0xffffffffu << (32 - c->pool4_prefix));
	FUZZ_CHECK((c->pool4 & ~mask) == 0);
	if ((c->local4 & mask) == c->pool4)
		FUZZ_CHECK(c->local4 != c->pool4 &&
		    c->local4 != (c->pool4 | ~mask));
	if (c->have_pool6) {
		/* A shared /64, or /48../63 cut into a /64 per session. */
		FUZZ_CHECK(c->pool6_prefix >= 48 && c->pool6_prefix <= 64);
		for (i = c->pool6_prefix; i < 128; i++)
			FUZZ_CHECK(((c->pool6[i / 8] >> (7 - i % 8)) & 1) == 0);
		FUZZ_CHECK(c->mtu >= 1280);
	}
	FUZZ_CHECK(c->ra_lifetime == 0 ||
	    (c->ra_lifetime >= 600 && c->ra_lifetime <= 9000));
	for (n = 0; n < SSTPD_MAX_DNS && c->dns4[n] != 0; n++)
		;
	for (i = n; i < SSTPD_MAX_DNS; i++)
		FUZZ_CHECK(c->dns4[i] == 0);
	if (n == 2)
		FUZZ_CHECK(c->dns4[0] != c->dns4[1]);
	FUZZ_CHECK(c->auth_offer != 0 && (c->auth_offer & ~methods) == 0);
	if (c->no_tls)
		FUZZ_CHECK(c->have_cert_sha256 && c->cert_file == NULL &&
		    c->key_file == NULL);
	else
		FUZZ_CHECK(c->cert_file != NULL && c->key_file != NULL &&
		    !c->have_cert_sha256 && !c->have_cert_sha1);
	if (c->have_cert_sha1)
		FUZZ_CHECK(c->allow_sha1);
	if (c->no_tls && c->allow_sha1)
		FUZZ_CHECK(c->have_cert_sha1);
	FUZZ_CHECK(c->tun_name != NULL && strlen(c->tun_name) >= 1 &&
	    strlen(c->tun_name) <= 15 && strchr(c->tun_name, '/') == NULL);
	if (c->backend == SSTPD_BACKEND_TUN)
		FUZZ_CHECK(c->secrets_file != NULL &&
		    c->secrets_file[0] != '\0' && c->pppd_options == NULL);
	else
		FUZZ_CHECK(c->backend == SSTPD_BACKEND_PPPD &&
		    c->secrets_file == NULL && c->user == NULL);
	FUZZ_CHECK(c->mtu >= 576 && c->mtu <= 4087);
	FUZZ_CHECK(c->lcp_echo_interval <= 3600 && c->lcp_echo_failure <= 100);
	FUZZ_CHECK(c->max_sessions >= 1 && c->max_sessions <= 65535);
	FUZZ_CHECK(c->max_per_addr >= 1 && c->max_handshakes >= 1);
	FUZZ_CHECK(c->handshake_timeout_s >= 1 &&
	    c->handshake_timeout_s <= 3600);
	FUZZ_CHECK(c->negotiation_timeout_s >= 1 &&
	    c->negotiation_timeout_s <= 3600);
	FUZZ_CHECK(c->server_name != NULL && c->server_name[0] != '\0');
	FUZZ_CHECK(c->control_path != NULL && c->control_path[0] == '/');
	FUZZ_CHECK(c->pppd_path != NULL && c->pppd_path[0] == '/');
	FUZZ_CHECK(c->plugin_path != NULL);
}

/* Check one result, then free and check the wipe. */
static void
check_result(struct sstpd_conf *c, int r, const char *err, size_t errlen,
    int from_text)
{
	FUZZ_CHECK(r == 0 || r == SSTPD_EXIT_USAGE);
	if (r != 0)
		FUZZ_CHECK(err[0] != '\0' && fuzz_str_ok(err, errlen, 1));
	else if (from_text) {
		FUZZ_CHECK(c->mode == SSTPD_RUN);
		check_conf(c);
	} else if (c->mode == SSTPD_RUN || c->mode == SSTPD_CHECK)
		check_conf(c);
	else if (c->mode == SSTPD_DISCONNECT)
		FUZZ_CHECK(c->disconnect_id[0] != '\0' &&
		    strlen(c->disconnect_id) <= 16);
	sstpd_conf_free(c);
	FUZZ_CHECK(fuzz_all_zero(c, sizeof *c));
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), arg;
	struct sstpd_conf *c;
	char *argv[CONF_ARGS_MAX + 2], err[256];
	uint8_t first;
	long nul;
	int argc = 1, i, r;

	if ((c = malloc(sizeof *c)) == NULL)
		return 0;
	if (bcur_peek_u8(&in, 0, &first) != 0 || first != 0) {
		memset(err, 'Z', sizeof err);
		r = sstpd_conf_parse_text(c, data, size, "fuzz.conf", err,
		    sizeof err);
		check_result(c, r, err, sizeof err, 1);
		free(c);
		return 0;
	}
	(void)bcur_skip(&in, 1);
	argv[0] = strdup("sstpd");
	if (argv[0] == NULL)
		goto out;
	while (bcur_left(&in) > 0 && argc <= CONF_ARGS_MAX) {
		nul = bcur_find(&in, '\0');
		arg = fuzz_take(&in, nul >= 0 ? (size_t)nul : bcur_left(&in));
		if (nul >= 0)
			(void)bcur_skip(&in, 1);
		if ((argv[argc] = fuzz_strdup(&arg)) == NULL)
			goto out;
		argc++;
	}
	argv[argc] = NULL;
	memset(err, 'Z', sizeof err);
	r = sstpd_conf_parse(c, argc, argv, err, sizeof err);
	check_result(c, r, err, sizeof err, 0);
out:
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(c);
	return 0;
}
