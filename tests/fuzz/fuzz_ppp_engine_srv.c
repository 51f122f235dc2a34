/*
 * fuzz_ppp_engine_srv.c - the PPP engine in its server role (sstpd, issue
 * 13: src/ppp/ppp_engine.c, ppp_lcp.c, ppp_ipcp.c, ppp_srvauth.c,
 * ppp_authsrv.c) against a hostile client.  An honest client engine sits
 * beside it, so that the input can take the conversation deep (MS-CHAPv2
 * and EAP answers need the right NT-Response) and then bend it: its
 * frames are let through, altered or replaced by the input's.
 *
 * Input:	byte 0		server: bits 0-2 auth_offer (MS-CHAPv2, EAP,
 *				PAP), 3 ALLOW_NONE too, 4 IPv6, 5 DNS/NBNS
 *				configured, 6 LCP Echo, 7 the pool empty
 *		byte 1		client: bits 0-4 auth_allow, 5 a wrong
 *				password, 6 user bob (fixed address)
 *		records		fuzz_record(): tag % 6 = 0 a frame from the
 *				input to the server, 1 time advances to the
 *				next timer, 2 an IP packet from the host
 *				through ppp_engine_wrap_ip() (then to the
 *				client), 3 the honest client's next frame to
 *				the server, 4 that frame XOR'ed with the
 *				record, 5 Close
 *
 * Invariants: every frame the server outputs starts with FF 03, a valid
 * 2-octet protocol, fits SSTP, a control frame's Length fits; nothing out
 * or delivered after ended(), which comes exactly once; lookup_secret gets
 * a printable NUL-terminated name; peer_addr at most once, after
 * auth_done; net_up only after auth_done (a method's unless ALLOW_NONE),
 * with local4 = conf.local4 and peer4 = peer_addr's address; deliver()
 * only with 0x0021/0x0057 while that NCP is open; PAP leaves no keys; a
 * wrapped frame lies inside the headroom; ppp_engine_peer_user() is what
 * authenticated.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "ppp/ppp_engine.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"

#define FZ_QN		32
#define FZ_LOCAL4	0x010200c0u	/* 192.0.2.1, network order */
#define FZ_POOL4	0x640200c0u	/* 192.0.2.100 */
#define FZ_FIXED4	0x4d0200c0u	/* 192.0.2.77 */

struct fz {
	struct ppp_engine	*srv, *cli;
	unsigned		 offer;
	bool			 pool_empty;
	int			 ended, cli_ended;
	int			 auth_done, net_up, peer_addr;
	uint32_t		 assigned;
	char			 how[16];
	/* the honest client's frames not yet handed over */
	int			 qh, qt;
	size_t			 qlen[FZ_QN];
	uint8_t			 q[FZ_QN][PPP_FRAME_MAX];
	uint64_t		 now;
};

/* Checks of a frame the server sends; then to the client engine. */
static void
fz_srv_output(void *arg, const uint8_t *f, size_t len)
{
	struct fz *z = arg;
	struct bcur c = bcur_make(f, len);
	uint16_t proto, clen;

	FUZZ_CHECK(z->ended == 0);
	FUZZ_CHECK(len >= PPP_HDR_LEN && len <= PPP_FRAME_MAX);
	FUZZ_CHECK(bcur_starts_with(&c, "\xff\x03", 2));
	FUZZ_CHECK(bcur_peek_be16(&c, 2, &proto) == 0);
	FUZZ_CHECK((proto & 0x0100) == 0 && (proto & 1) == 1);
	FUZZ_CHECK(proto != PPP_PROTO_MPPE);
	if (proto >= 0x8000) {
		FUZZ_CHECK(bcur_peek_be16(&c, 6, &clen) == 0);
		FUZZ_CHECK(clen >= 4 && (size_t)clen + PPP_HDR_LEN <= len);
	}
	if (z->cli != NULL && z->cli_ended == 0)
		(void)ppp_engine_input(z->cli, z->now, f, len);
}

static void
fz_srv_deliver(void *arg, uint16_t proto, const uint8_t *p, size_t len)
{
	struct fz *z = arg;

	FUZZ_CHECK(z->ended == 0 && z->net_up > 0);
	FUZZ_CHECK(proto == PPP_PROTO_IP || proto == PPP_PROTO_IPV6);
	FUZZ_CHECK(ppp_engine_ip_open(z->srv, proto));
	FUZZ_CHECK(p != NULL || len == 0);
	if (len > 0)
		(void)((volatile const uint8_t *)p)[len - 1];
}

static void
fz_srv_auth(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	struct fz *z = arg;

	FUZZ_CHECK(z->ended == 0);
	FUZZ_CHECK(how != NULL);
	FUZZ_CHECK(k->send_len <= PPP_AUTH_KEY_MAX &&
	    k->recv_len <= PPP_AUTH_KEY_MAX);
	if (strcmp(how, "PAP") == 0 || strcmp(how, "none") == 0)
		FUZZ_CHECK(k->send_len == 0 && k->recv_len == 0);
	else
		FUZZ_CHECK(k->send_len == 16 && k->recv_len == 16);
	if (strcmp(how, "none") == 0)
		FUZZ_CHECK((z->offer & PPP_AUTH_ALLOW_NONE) != 0);
	else
		FUZZ_CHECK(ppp_engine_peer_user(z->srv)[0] != '\0');
	FUZZ_CHECK(strcmp(ppp_engine_auth_name(z->srv), how) == 0);
	z->auth_done++;
}

static void
fz_srv_net_up(void *arg, const struct ppp_ip_info *i)
{
	struct fz *z = arg;

	FUZZ_CHECK(z->ended == 0 && z->auth_done > 0);
	FUZZ_CHECK(i->have_ip4 || i->have_ip6);
	FUZZ_CHECK(!i->have_ip4 || (i->local4 == FZ_LOCAL4 &&
	    i->peer4 == z->assigned && z->assigned != 0));
	FUZZ_CHECK(!i->have_ip6 || (!fuzz_all_zero(i->local_ifid, 8) &&
	    !fuzz_all_zero(i->peer_ifid, 8) &&
	    memcmp(i->local_ifid, i->peer_ifid, 8) != 0));
	FUZZ_CHECK(i->mtu > 0 && i->mtu <= PPP_MAX_INFO);
	z->net_up++;
}

static void
fz_srv_net_down(void *arg)
{
	(void)arg;
}

static void
fz_srv_ended(void *arg, enum ppp_end how, const char *why)
{
	struct fz *z = arg;

	FUZZ_CHECK(z->ended == 0);
	FUZZ_CHECK(how <= PPP_END_INTERNAL && why != NULL);
	z->ended++;
}

/* user: printable, NUL-terminated; "user"/"bob" known. */
static int
fz_lookup(void *arg, const char *user, struct ppp_secret *out)
{
	size_t i, n = strlen(user);

	(void)arg;
	FUZZ_CHECK(n < 256);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(user[i] >= 0x20 && user[i] < 0x7f);
	memset(out, 0, sizeof *out);
	if (strcmp(user, "user") != 0 && strcmp(user, "bob") != 0)
		return -ENOENT;
	memcpy(out->secret, "secret", 7);
	out->len = 6;
	if (strcmp(user, "bob") == 0)
		out->addr4 = FZ_FIXED4;
	return 0;
}

static int
fz_peer_addr(void *arg, const char *user, uint32_t fixed, uint32_t *addr4)
{
	struct fz *z = arg;

	FUZZ_CHECK(z->peer_addr == 0 && z->auth_done > 0);
	FUZZ_CHECK(user != NULL);
	FUZZ_CHECK(fixed == 0 || fixed == FZ_FIXED4);
	z->peer_addr++;
	if (z->pool_empty)
		return -ENOSPC;
	z->assigned = fixed != 0 ? fixed : FZ_POOL4;
	*addr4 = z->assigned;
	return 0;
}

/* The honest client: its frames are queued for the input to use. */
static void
fz_cli_output(void *arg, const uint8_t *f, size_t len)
{
	struct fz *z = arg;

	if (z->qt - z->qh >= FZ_QN || len > PPP_FRAME_MAX)
		return;
	memcpy(z->q[z->qt % FZ_QN], f, len);
	z->qlen[z->qt % FZ_QN] = len;
	z->qt++;
}

static void
fz_cli_deliver(void *arg, uint16_t proto, const uint8_t *p, size_t len)
{
	(void)arg; (void)proto; (void)p; (void)len;
}

static void
fz_cli_auth(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	(void)arg; (void)k; (void)how;
}

static void
fz_cli_net_up(void *arg, const struct ppp_ip_info *i)
{
	(void)arg; (void)i;
}

static void
fz_cli_ended(void *arg, enum ppp_end how, const char *why)
{
	struct fz *z = arg;

	(void)how; (void)why;
	z->cli_ended++;
}

static void
fz_rand_srv(void *buf, size_t len)
{
	memset(buf, 0x5a, len);
}

static void
fz_rand_cli(void *buf, size_t len)
{
	memset(buf, 0x3c, len);
}

static const struct ppp_engine_ops fz_srv_ops = {
	fz_srv_output, fz_srv_deliver, fz_srv_auth, fz_srv_net_up,
	fz_srv_net_down, fz_srv_ended, fz_lookup, fz_peer_addr, NULL,
};

static const struct ppp_engine_ops fz_cli_ops = {
	fz_cli_output, fz_cli_deliver, fz_cli_auth, fz_cli_net_up,
	fz_srv_net_down, fz_cli_ended, NULL, NULL, NULL,
};

/* The honest client's next frame to the server, XOR'ed with @x. */
static void
fz_client_frame(struct fz *z, struct bcur x)
{
	uint8_t f[PPP_FRAME_MAX], b;
	size_t n, i;

	if (z->qh >= z->qt)
		return;
	n = z->qlen[z->qh % FZ_QN];
	memcpy(f, z->q[z->qh % FZ_QN], n);
	z->qh++;
	for (i = 0; i < n && bcur_get_u8(&x, &b) == 0; i++)
		f[i] ^= b;
	(void)ppp_engine_input(z->srv, z->now, f, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), rec;
	struct ppp_engine_conf sc, cc;
	uint8_t pkt[PPP_ENGINE_HEADROOM + PPP_FRAME_MAX], *fr;
	struct fz *z;	/* the queue is large: on the heap */
	uint64_t t;
	uint8_t sb, cb, tag;
	size_t n, flen;
	int steps;

	if ((z = calloc(1, sizeof *z)) == NULL)
		return 0;
	memset(&sc, 0, sizeof sc);
	memset(&cc, 0, sizeof cc);
	sb = fuzz_u8(&in, 0xff);
	cb = fuzz_u8(&in, 0xff);
	sc.role = PPP_ROLE_SERVER;
	sc.auth_offer = ((sb & 1) ? PPP_AUTH_ALLOW_MSCHAPV2 : 0) |
	    ((sb & 2) ? PPP_AUTH_ALLOW_EAP : 0) |
	    ((sb & 4) ? PPP_AUTH_ALLOW_PAP : 0) |
	    ((sb & 8) ? PPP_AUTH_ALLOW_NONE : 0);
	z->offer = sc.auth_offer;
	sc.server_name = "fuzz";
	sc.ipv4 = true;
	sc.ipv6 = (sb & 0x10) != 0;
	sc.local4 = FZ_LOCAL4;
	if (sb & 0x20) {
		sc.dns4[0] = FZ_LOCAL4;
		sc.nbns4[1] = FZ_POOL4;
	}
	sc.echo_interval = (sb & 0x40) ? 1 : 0;
	sc.echo_failure = 2;
	sc.auth_timeout_ms = 20000;
	sc.rand_hook = fz_rand_srv;
	z->pool_empty = (sb & 0x80) != 0;
	cc.user = (cb & 0x40) ? "bob" : "user";
	cc.password = (cb & 0x20) ? "wrong" : "secret";
	cc.auth_allow = (cb & 0x1f) ? (cb & 0x1f) : PPP_AUTH_ALLOW_ALL;
	cc.ipv4 = true;
	cc.ipv6 = true;
	cc.usepeerdns = true;
	cc.rand_hook = fz_rand_cli;
	z->now = 1000;
	z->srv = ppp_engine_new(&sc, &fz_srv_ops, z);
	z->cli = ppp_engine_new(&cc, &fz_cli_ops, z);
	if (z->srv == NULL || z->cli == NULL)
		goto out;
	ppp_engine_start(z->cli, z->now);
	ppp_engine_start(z->srv, z->now);
	for (steps = 0; steps < 256 && bcur_left(&in) > 0; steps++) {
		rec = fuzz_record(&in, &tag);
		switch (tag % 6) {
		case 0:
			(void)ppp_engine_input(z->srv, z->now, bcur_ptr(&rec),
			    bcur_left(&rec));
			break;
		case 1:
			t = ppp_engine_next_timer(z->srv);
			if (t != 0) {
				FUZZ_CHECK(t + 100000 > z->now);
				z->now = t > z->now ? t : z->now;
			}
			ppp_engine_tick(z->srv, z->now);
			if (z->cli_ended == 0)
				ppp_engine_tick(z->cli, z->now);
			break;
		case 2:
			n = bcur_left(&rec);
			if (n > PPP_FRAME_MAX)
				n = PPP_FRAME_MAX;
			memcpy(pkt + PPP_ENGINE_HEADROOM, bcur_ptr(&rec), n);
			fr = ppp_engine_wrap_ip(z->srv, pkt + PPP_ENGINE_HEADROOM,
			    n, &flen);
			if (fr == NULL) {
				FUZZ_CHECK(flen == 0);
				break;
			}
			FUZZ_CHECK(fr >= pkt && fr + flen ==
			    pkt + PPP_ENGINE_HEADROOM + n);
			FUZZ_CHECK(flen == PPP_HDR_LEN + n &&
			    fr[0] == 0xff && fr[1] == 0x03);
			FUZZ_CHECK(load_be16(fr + 2) == PPP_PROTO_IP ||
			    load_be16(fr + 2) == PPP_PROTO_IPV6);
			if (z->cli_ended == 0)
				(void)ppp_engine_input(z->cli, z->now, fr, flen);
			break;
		case 3:
			fz_client_frame(z, bcur_make(NULL, 0));
			break;
		case 4:
			fz_client_frame(z, rec);
			break;
		default:
			ppp_engine_close(z->srv, z->now, "fuzz");
			break;
		}
	}
	FUZZ_CHECK(z->peer_addr <= 1);
	ppp_engine_lower_down(z->srv, z->now);
	FUZZ_CHECK(z->ended == 1);
out:
	ppp_engine_free(z->srv);
	ppp_engine_free(z->cli);
	free(z);
	return 0;
}
