/*
 * fuzz_ppp_engine.c - a whole conversation with the PPP engine
 * (src/ppp/ppp_engine.c, ppp_fsm.c, ppp_lcp.c, ppp_ipcp.c, ppp_auth.c):
 * the server's frames come from the input.
 *
 * Input:	byte 0		configuration bits (auth methods, IPv4/IPv6,
 *				usepeerdns, require/refuse MPPE, echo)
 *		records		fuzz_record(): tag % 4 = 0 a frame from the
 *				server, 1 time advances to the next timer,
 *				2 an IP packet from the host through
 *				ppp_engine_wrap_ip(), 3 Close
 *
 * Invariants: every frame the engine outputs starts with FF 03 (RFC 1662
 * 3.1), then a 2-octet protocol with the low bit set and the high octet's
 * low bit clear (RFC 1661 2), and fits SSTP (<= 4 + 4087 octets); a
 * control frame's Length fits the frame; nothing is output or delivered after ended(),
 * which comes at most once; net_up only with an address or identifier;
 * deliver() only with 0x0021/0x0057 while ppp_engine_ip_open() says so;
 * a wrapped frame lies inside the headroom, FF 03 and the right protocol.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "ppp/ppp_engine.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"

struct fz {
	struct ppp_engine	*e;
	int			 ended;
	int			 net_up;
	bool			 in_call;
};

static void
fz_output(void *arg, const uint8_t *f, size_t len)
{
	struct fz *z = arg;
	struct bcur c = bcur_make(f, len);
	uint16_t proto, clen;

	FUZZ_CHECK(z->ended == 0);
	FUZZ_CHECK(len >= PPP_HDR_LEN && len <= PPP_FRAME_MAX);
	FUZZ_CHECK(bcur_starts_with(&c, "\xff\x03", 2));
	FUZZ_CHECK(bcur_peek_be16(&c, 2, &proto) == 0);
	FUZZ_CHECK((proto & 0x0100) == 0 && (proto & 1) == 1);
	if (proto >= 0x8000 && proto != PPP_PROTO_MPPE) {
		FUZZ_CHECK(bcur_peek_be16(&c, 6, &clen) == 0);
		FUZZ_CHECK(clen >= 4 && (size_t)clen + PPP_HDR_LEN <= len);
	}
}

static void
fz_deliver(void *arg, uint16_t proto, const uint8_t *p, size_t len)
{
	struct fz *z = arg;

	FUZZ_CHECK(z->ended == 0);
	FUZZ_CHECK(proto == PPP_PROTO_IP || proto == PPP_PROTO_IPV6);
	FUZZ_CHECK(ppp_engine_ip_open(z->e, proto));
	FUZZ_CHECK(p != NULL || len == 0);
	if (len > 0)
		(void)((volatile const uint8_t *)p)[len - 1];
}

static void
fz_auth(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	(void)arg;
	FUZZ_CHECK(how != NULL);
	FUZZ_CHECK(k->send_len <= PPP_AUTH_KEY_MAX &&
	    k->recv_len <= PPP_AUTH_KEY_MAX);
}

static void
fz_net_up(void *arg, const struct ppp_ip_info *i)
{
	struct fz *z = arg;

	FUZZ_CHECK(z->ended == 0);
	FUZZ_CHECK(i->have_ip4 || i->have_ip6);
	FUZZ_CHECK(!i->have_ip4 || i->local4 != 0);
	FUZZ_CHECK(!i->have_ip6 || !fuzz_all_zero(i->local_ifid, 8));
	FUZZ_CHECK(i->mtu > 0 && i->mtu <= PPP_MAX_INFO);
	z->net_up++;
}

static void
fz_net_down(void *arg)
{
	(void)arg;
}

static void
fz_ended(void *arg, enum ppp_end how, const char *why)
{
	struct fz *z = arg;

	FUZZ_CHECK(z->ended == 0);
	FUZZ_CHECK(how <= PPP_END_INTERNAL && why != NULL);
	z->ended++;
}

static void
fz_rand(void *buf, size_t len)
{
	memset(buf, 0x5a, len);
}

static const struct ppp_engine_ops fz_ops = {
	.output = fz_output,
	.deliver = fz_deliver,
	.auth_done = fz_auth,
	.net_up = fz_net_up,
	.net_down = fz_net_down,
	.ended = fz_ended,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), rec;
	struct ppp_engine_conf conf;
	uint8_t pkt[PPP_ENGINE_HEADROOM + PPP_FRAME_MAX], *fr;
	struct fz z;
	uint64_t now = 1000, t;
	uint8_t bits, tag;
	size_t n, flen;
	int steps;

	memset(&z, 0, sizeof z);
	memset(&conf, 0, sizeof conf);
	bits = fuzz_u8(&in, 0xff);
	conf.user = "user";
	conf.password = "secret";
	conf.auth_allow = (bits & 0x1f) ? (bits & 0x1f) : PPP_AUTH_ALLOW_ALL;
	conf.ipv4 = (bits & 0x20) || !(bits & 0x40);
	conf.ipv6 = (bits & 0x40) != 0;
	conf.usepeerdns = (bits & 0x80) != 0;
	conf.require_mppe = (bits & 0x06) == 0x06;
	conf.refuse_mppe = (bits & 0x18) == 0x18;
	conf.echo_interval = bits & 0x01;
	conf.echo_failure = 2;
	conf.rand_hook = fz_rand;
	z.e = ppp_engine_new(&conf, &fz_ops, &z);
	if (z.e == NULL)
		return 0;
	ppp_engine_start(z.e, now);
	for (steps = 0; steps < 256 && bcur_left(&in) > 0; steps++) {
		rec = fuzz_record(&in, &tag);
		switch (tag % 4) {
		case 0:
			(void)ppp_engine_input(z.e, now, bcur_ptr(&rec),
			    bcur_left(&rec));
			break;
		case 1:
			t = ppp_engine_next_timer(z.e);
			if (t != 0) {
				FUZZ_CHECK(t >= now || t + 100000 > now);
				now = t > now ? t : now;
			}
			ppp_engine_tick(z.e, now);
			break;
		case 2:
			n = bcur_left(&rec);
			if (n > PPP_FRAME_MAX)
				n = PPP_FRAME_MAX;
			memcpy(pkt + PPP_ENGINE_HEADROOM, bcur_ptr(&rec), n);
			fr = ppp_engine_wrap_ip(z.e, pkt + PPP_ENGINE_HEADROOM,
			    n, &flen);
			if (fr == NULL) {
				FUZZ_CHECK(flen == 0);
				break;
			}
			FUZZ_CHECK(fr >= pkt && fr + flen ==
			    pkt + PPP_ENGINE_HEADROOM + n);
			FUZZ_CHECK(flen >= PPP_HDR_LEN + n &&
			    fr[0] == 0xff && fr[1] == 0x03);
			FUZZ_CHECK(load_be16(fr + 2) == PPP_PROTO_IP ||
			    load_be16(fr + 2) == PPP_PROTO_IPV6 ||
			    load_be16(fr + 2) == PPP_PROTO_MPPE);
			break;
		default:
			ppp_engine_close(z.e, now, "fuzz");
			break;
		}
	}
	ppp_engine_lower_down(z.e, now);
	FUZZ_CHECK(z.ended == 1);
	ppp_engine_free(z.e);
	return 0;
}
