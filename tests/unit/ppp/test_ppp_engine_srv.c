/*
 * test_ppp_engine_srv.c - the PPP engine's server role (sstpd, issue 13):
 * a CLIENT engine and a SERVER engine back to back in one process, the
 * frames of each output up-call fed to the other, a fake clock.  PAP,
 * MS-CHAPv2 and EAP-MSCHAPv2 reach net_up on both ends with matching
 * addresses, DNS, equal HLAK inputs (keys in the client's orientation,
 * ppp/auth_keys.h) and IP packets both ways; LCP steering by Nak, a
 * Reject of authentication, a wrong password, an empty pool, the
 * authentication timeout and LCP Echo; then a scripted client for the
 * exact IPCP answers (RFC 1332 3.3, RFC 1877), VJ, CCP and the client's
 * own Authentication-Protocol.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "ppp/ppp_engine.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"
#include "harness.h"

#define QN	64

/* One end: its engine, the frames it sent not yet delivered, what it saw. */
struct end {
	struct ppp_engine	*e;
	int			 qh, qt;
	size_t			 qlen[QN];
	uint8_t			 q[QN][PPP_FRAME_MAX];
	bool			 mute;		/* its frames are lost */
	uint16_t		 drop_proto;	/* frames of it are lost */
	int			 sent_echo;	/* LCP Echo-Requests sent */
	int			 v6naks;	/* IPV6CP Configure-Naks sent */
	int			 auth_done, net_up, net_down, ended;
	enum ppp_end		 end;
	char			 why[192];
	char			 how[32];
	struct ppp_ip_info	 info;
	struct ppp_auth_keys	 keys;
	int			 delivered;
	uint16_t		 dproto;
	uint8_t			 dpkt[256];
	size_t			 dlen;
	uint64_t		 ended_at;
};

static struct end CL, SV;
static uint64_t now;
static uint8_t rnd_c = 0x11, rnd_s = 0xa1;
static int peer_addr_calls;
static bool pool_empty;
static bool pool6_empty;		/* s_peer_ipv6 refuses */
static int peer_ipv6_calls;
static uint32_t peer_addr_fixed;
static uint16_t client_drop;	/* pair(): the client's frames of it lost */

#define IP4(a, b, c, d)	htonl_((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			    (uint32_t)(c) << 8 | (uint32_t)(d))

/* Host to network order without <arpa/inet.h>. */
static uint32_t
htonl_(uint32_t v)
{
	uint8_t b[4];
	uint32_t r;

	store_be16(b, (uint16_t)(v >> 16));
	store_be16(b + 2, (uint16_t)v);
	memcpy(&r, b, 4);
	return r;
}

static void
out(struct end *x, const uint8_t *f, size_t len)
{
	ASSERT_INT_GE(len, 4);
	ASSERT_MEM_EQ(f, "\xff\x03", 2);
	if (len >= 10 && load_be16(f + 2) == PPP_PROTO_LCP &&
	    f[4] == PPP_ECHO_REQ)
		x->sent_echo++;
	if (len >= 6 && load_be16(f + 2) == PPP_PROTO_IPV6CP &&
	    f[4] == PPP_CONF_NAK)
		x->v6naks++;
	if (x->mute || len > PPP_FRAME_MAX ||
	    (len >= 4 && load_be16(f + 2) == x->drop_proto))
		return;
	ASSERT_INT_LT(x->qt - x->qh, QN);
	if (x->qt - x->qh >= QN)
		return;
	memcpy(x->q[x->qt % QN], f, len);
	x->qlen[x->qt % QN] = len;
	x->qt++;
}

static void
deliver(struct end *x, uint16_t proto, const uint8_t *p, size_t len)
{
	x->delivered++;
	x->dproto = proto;
	x->dlen = len < sizeof x->dpkt ? len : sizeof x->dpkt;
	memcpy(x->dpkt, p, x->dlen);
}

static void
auth_done(struct end *x, const struct ppp_auth_keys *k, const char *how)
{
	x->auth_done++;
	x->keys = *k;
	snprintf(x->how, sizeof x->how, "%s", how);
}

static void
net_up(struct end *x, const struct ppp_ip_info *i)
{
	x->net_up++;
	x->info = *i;
}

static void
ended(struct end *x, enum ppp_end e, const char *why)
{
	x->ended++;
	x->end = e;
	x->ended_at = now;
	snprintf(x->why, sizeof x->why, "%s", why);
}

static void c_out(void *a, const uint8_t *f, size_t n) { out(a, f, n); }
static void c_deliver(void *a, uint16_t p, const uint8_t *b, size_t n)
{ deliver(a, p, b, n); }
static void c_auth(void *a, const struct ppp_auth_keys *k, const char *h)
{ auth_done(a, k, h); }
static void c_net_up(void *a, const struct ppp_ip_info *i) { net_up(a, i); }
static void c_net_down(void *a) { ((struct end *)a)->net_down++; }
static void c_ended(void *a, enum ppp_end e, const char *w)
{ ended(a, e, w); }

/* The secrets: alice (any address), bob (fixed 192.0.2.77). */
static int
s_lookup(void *a, const char *user, struct ppp_secret *s)
{
	const char *pw;

	(void)a;
	memset(s, 0, sizeof *s);
	if (strcmp(user, "alice") == 0)
		pw = "alice-pw";
	else if (strcmp(user, "bob") == 0) {
		pw = "bob-pw";
		s->addr4 = IP4(192, 0, 2, 77);
	} else
		return -ENOENT;
	snprintf(s->secret, sizeof s->secret, "%s", pw);
	s->len = strlen(pw);
	return 0;
}

/* The pool: 192.0.2.100, or the fixed one; empty on request. */
static int
s_peer_addr(void *a, const char *user, uint32_t fixed, uint32_t *addr4)
{
	(void)a; (void)user;
	peer_addr_calls++;
	peer_addr_fixed = fixed;
	if (pool_empty)
		return -ENOSPC;
	*addr4 = fixed != 0 ? fixed : IP4(192, 0, 2, 100);
	return 0;
}

/* IPv6 for the client (the backend's /64): refused on request. */
static int
s_peer_ipv6(void *a, const char *user)
{
	(void)a; (void)user;
	peer_ipv6_calls++;
	return pool6_empty ? -EADDRNOTAVAIL : 0;
}

static void
rnd_client(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len-- > 0)
		*p++ = rnd_c++;
}

static void
rnd_server(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len-- > 0)
		*p++ = rnd_s += 7;
}

static const struct ppp_engine_ops client_ops = {
	c_out, c_deliver, c_auth, c_net_up, c_net_down, c_ended, NULL, NULL,
	NULL,
};
static const struct ppp_engine_ops server_ops = {
	c_out, c_deliver, c_auth, c_net_up, c_net_down, c_ended, s_lookup,
	s_peer_addr, s_peer_ipv6,
};

static struct ppp_engine_conf
client_conf(unsigned allow, const char *user, const char *pw)
{
	struct ppp_engine_conf c;

	memset(&c, 0, sizeof c);
	c.user = user;
	c.password = pw;
	c.auth_allow = allow;
	c.ipv4 = true;
	c.ipv6 = true;
	c.usepeerdns = true;
	c.rand_hook = rnd_client;
	return c;
}

static struct ppp_engine_conf
server_conf(unsigned offer)
{
	struct ppp_engine_conf c;

	memset(&c, 0, sizeof c);
	c.role = PPP_ROLE_SERVER;
	c.auth_offer = offer;
	c.server_name = "sstpd-test";
	c.ipv4 = true;
	c.ipv6 = true;
	c.local4 = IP4(192, 0, 2, 1);
	c.dns4[0] = IP4(192, 0, 2, 53);
	c.dns4[1] = IP4(192, 0, 2, 54);
	c.rand_hook = rnd_server;
	return c;
}

/* Hand over what each side sent, until both are quiet. */
static void
pump(void)
{
	int guard;
	struct end *from, *to;

	for (guard = 0; guard < 1000; guard++) {
		if (CL.qh < CL.qt) {
			from = &CL;
			to = &SV;
		} else if (SV.qh < SV.qt) {
			from = &SV;
			to = &CL;
		} else
			return;
		from->qh++;
		if (to->e == NULL)	/* a scripted peer: nobody listens */
			continue;
		(void)ppp_engine_input(to->e, now,
		    from->q[(from->qh - 1) % QN],
		    from->qlen[(from->qh - 1) % QN]);
	}
	ASSERT_TRUE(guard < 1000);
}

/* Run the clock to @until, firing both engines' timers on the way. */
static void
run_until(uint64_t until)
{
	uint64_t a, b, t;

	for (;;) {
		pump();
		a = CL.e == NULL || CL.ended ? 0 : ppp_engine_next_timer(CL.e);
		b = SV.e == NULL || SV.ended ? 0 : ppp_engine_next_timer(SV.e);
		t = a == 0 ? b : b == 0 ? a : a < b ? a : b;
		if (t == 0 || t > until)
			break;
		now = t > now ? t : now;
		if (CL.e != NULL)
			ppp_engine_tick(CL.e, now);
		if (SV.e != NULL)
			ppp_engine_tick(SV.e, now);
	}
	now = until > now ? until : now;
}

/* Two fresh engines, started; run for @ms. */
static void
pair(const struct ppp_engine_conf *cc, const struct ppp_engine_conf *sc,
    uint64_t ms)
{
	memset(&CL, 0, sizeof CL);
	memset(&SV, 0, sizeof SV);
	peer_addr_calls = 0;
	peer_ipv6_calls = 0;
	peer_addr_fixed = 0;
	CL.drop_proto = client_drop;
	CL.e = ppp_engine_new(cc, &client_ops, &CL);
	SV.e = ppp_engine_new(sc, &server_ops, &SV);
	ASSERT_PTR_NOT_NULL(CL.e);
	ASSERT_PTR_NOT_NULL(SV.e);
	now = 1000;
	ppp_engine_start(SV.e, now);
	ppp_engine_start(CL.e, now);
	run_until(now + ms);
}

static void
unpair(void)
{
	ppp_engine_free(CL.e);
	ppp_engine_free(SV.e);
	CL.e = SV.e = NULL;
}

/* An IPv4 packet from @src to @dst, @len octets. */
static void
mk_ip4(uint8_t *p, size_t len, uint32_t src, uint32_t dst, uint8_t mark)
{
	memset(p, mark, len);
	p[0] = 0x45;
	p[1] = 0;
	store_be16(p + 2, (uint16_t)len);
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
}

/* Wrap on @from, hand to @to: delivered there unchanged. */
static void
ip_across(struct end *from, struct end *to, uint8_t mark)
{
	uint8_t buf[PPP_ENGINE_HEADROOM + 100], *fr;
	uint8_t *pkt = buf + PPP_ENGINE_HEADROOM, copy[100];
	size_t flen;
	int before = to->delivered;

	mk_ip4(pkt, 100, from->info.local4, from->info.peer4, mark);
	memcpy(copy, pkt, 100);
	fr = ppp_engine_wrap_ip(from->e, pkt, 100, &flen);
	ASSERT_PTR_NOT_NULL(fr);
	if (fr == NULL)
		return;
	ASSERT_INT_EQ(flen, 104);
	ASSERT_INT_EQ(ppp_engine_input(to->e, now, fr, flen), 0);
	ASSERT_INT_EQ(to->delivered, before + 1);
	ASSERT_INT_EQ(to->dproto, PPP_PROTO_IP);
	ASSERT_INT_EQ(to->dlen, 100);
	ASSERT_MEM_EQ(to->dpkt, copy, 100);
}

/* A whole session with one method; keys of @keylen octets each way. */
static void
check_method(const char *name, unsigned allow, unsigned offer,
    const char *how, size_t keylen)
{
	struct ppp_engine_conf cc = client_conf(allow, "alice", "alice-pw");
	struct ppp_engine_conf sc = server_conf(offer);
	static const uint8_t zero[PPP_AUTH_KEY_MAX];

	TEST_START(name);
	pair(&cc, &sc, 5000);
	ASSERT_INT_EQ(CL.ended, 0);
	ASSERT_INT_EQ(SV.ended, 0);
	ASSERT_INT_EQ(CL.auth_done, 1);
	ASSERT_INT_EQ(SV.auth_done, 1);
	ASSERT_STR_EQ(SV.how, how);
	ASSERT_STR_EQ(ppp_engine_auth_name(SV.e), how);
	ASSERT_STR_EQ(ppp_engine_peer_user(SV.e), "alice");
	/* The HLAK inputs: the same on both ends (MS-SSTP 3.2.5.2.2). */
	ASSERT_INT_EQ(CL.keys.send_len, keylen);
	ASSERT_INT_EQ(SV.keys.send_len, keylen);
	ASSERT_INT_EQ(CL.keys.recv_len, keylen);
	ASSERT_INT_EQ(SV.keys.recv_len, keylen);
	ASSERT_MEM_EQ(SV.keys.send, CL.keys.send, keylen);
	ASSERT_MEM_EQ(SV.keys.recv, CL.keys.recv, keylen);
	if (keylen > 0) {
		ASSERT_TRUE(memcmp(SV.keys.send, zero, keylen) != 0);
		ASSERT_TRUE(memcmp(SV.keys.send, SV.keys.recv, keylen) != 0);
	}
	/* Addresses: the client got the pool's, the server is local4. */
	ASSERT_INT_EQ(peer_addr_calls, 1);
	ASSERT_INT_EQ(CL.net_up, 1);
	ASSERT_INT_EQ(SV.net_up, 1);
	ASSERT_TRUE(CL.info.have_ip4 && SV.info.have_ip4);
	ASSERT_U32_EQ(CL.info.local4, IP4(192, 0, 2, 100));
	ASSERT_U32_EQ(CL.info.peer4, IP4(192, 0, 2, 1));
	ASSERT_U32_EQ(SV.info.local4, IP4(192, 0, 2, 1));
	ASSERT_U32_EQ(SV.info.peer4, IP4(192, 0, 2, 100));
	ASSERT_U32_EQ(CL.info.dns4[0], IP4(192, 0, 2, 53));
	ASSERT_U32_EQ(CL.info.dns4[1], IP4(192, 0, 2, 54));
	ASSERT_U32_EQ(CL.info.nbns4[0], 0);	/* not configured: Reject */
	/* IPV6CP: identifiers distinct, each side's peer the other's own. */
	ASSERT_TRUE(CL.info.have_ip6 && SV.info.have_ip6);
	ASSERT_MEM_EQ(CL.info.local_ifid, SV.info.peer_ifid, 8);
	ASSERT_MEM_EQ(SV.info.local_ifid, CL.info.peer_ifid, 8);
	ASSERT_TRUE(memcmp(CL.info.local_ifid, SV.info.local_ifid, 8) != 0);
	/* Data both ways. */
	ASSERT_TRUE(ppp_engine_ip_open(SV.e, PPP_PROTO_IP));
	ip_across(&CL, &SV, 0xc1);
	ip_across(&SV, &CL, 0x5e);
	/* Close from the server: both end OK. */
	ppp_engine_close(SV.e, now, "admin");
	run_until(now + 10000);
	ASSERT_INT_EQ(SV.ended, 1);
	ASSERT_INT_EQ(CL.ended, 1);
	ASSERT_INT_EQ(SV.end, PPP_END_OK);
	ASSERT_INT_EQ(CL.end, PPP_END_OK);
	unpair();
	TEST_DONE();
}

/* LCP: a Nak steers (RFC 1661 6.2), to the client's choice or our next. */
static void
test_steering(void)
{
	struct ppp_engine_conf cc, sc;

	TEST_START("LCP auth steering by Nak");
	/* The client takes PAP only: MS-CHAPv2 Nak'ed toward PAP. */
	cc = client_conf(PPP_AUTH_ALLOW_PAP, "alice", "alice-pw");
	sc = server_conf(PPP_AUTH_ALLOW_MSCHAPV2 | PPP_AUTH_ALLOW_EAP |
	    PPP_AUTH_ALLOW_PAP);
	pair(&cc, &sc, 5000);
	ASSERT_STR_EQ(SV.how, "PAP");
	ASSERT_INT_EQ(SV.net_up, 1);
	ASSERT_INT_EQ(CL.net_up, 1);
	unpair();
	/* The client wants EAP (not offered): our next, PAP, it takes. */
	cc = client_conf(PPP_AUTH_ALLOW_EAP | PPP_AUTH_ALLOW_PAP, "alice",
	    "alice-pw");
	sc = server_conf(PPP_AUTH_ALLOW_MSCHAPV2 | PPP_AUTH_ALLOW_PAP);
	pair(&cc, &sc, 5000);
	ASSERT_STR_EQ(SV.how, "PAP");
	ASSERT_INT_EQ(SV.net_up, 1);
	unpair();
	/* Nothing in common: both AUTH. */
	cc = client_conf(PPP_AUTH_ALLOW_EAP, "alice", "alice-pw");
	sc = server_conf(PPP_AUTH_ALLOW_PAP);
	pair(&cc, &sc, 20000);
	ASSERT_INT_EQ(SV.ended, 1);
	ASSERT_INT_EQ(SV.end, PPP_END_AUTH);
	ASSERT_INT_EQ(CL.ended, 1);
	ASSERT_INT_EQ(CL.end, PPP_END_AUTH);
	ASSERT_INT_EQ(SV.auth_done + CL.auth_done, 0);
	unpair();
	TEST_DONE();
}

/* IPV6CP (RFC 5072 4.1): the client asks for our own identifier. */
static void
test_ifid_clash(void)
{
	struct ppp_engine_conf cc, sc;
	static const uint8_t id[8] = { 2, 0, 0x5e, 0xff, 0xfe, 0, 0x53, 1 };

	TEST_START("IPV6CP identifier clash: Nak with a fresh one");
	cc = client_conf(PPP_AUTH_ALLOW_PAP, "alice", "alice-pw");
	sc = server_conf(PPP_AUTH_ALLOW_PAP);
	memcpy(cc.want_ifid, id, 8);
	memcpy(sc.want_ifid, id, 8);
	pair(&cc, &sc, 5000);
	/* Each side Naks the other's request (both hold the same one). */
	ASSERT_INT_GE(SV.v6naks, 1);
	ASSERT_INT_GE(CL.v6naks, 1);
	ASSERT_INT_EQ(SV.net_up, 1);
	ASSERT_TRUE(SV.info.have_ip6 && CL.info.have_ip6);
	ASSERT_TRUE(memcmp(CL.info.local_ifid, SV.info.local_ifid, 8) != 0);
	ASSERT_MEM_EQ(CL.info.local_ifid, SV.info.peer_ifid, 8);
	ASSERT_MEM_EQ(SV.info.local_ifid, CL.info.peer_ifid, 8);
	unpair();
	TEST_DONE();
}

/* The client Rejects authentication; auth_offer NONE: no auth at all. */
static void
test_auth_reject_none(void)
{
	struct ppp_engine_conf cc, sc;

	TEST_START("client rejects authentication; ALLOW_NONE");
	cc = client_conf(PPP_AUTH_ALLOW_NONE, "alice", "alice-pw");
	sc = server_conf(PPP_AUTH_ALLOW_MSCHAPV2);
	pair(&cc, &sc, 20000);
	ASSERT_INT_EQ(SV.ended, 1);
	ASSERT_INT_EQ(SV.end, PPP_END_AUTH);
	ASSERT_INT_EQ(CL.ended, 1);
	ASSERT_INT_EQ(CL.end, PPP_END_AUTH);
	ASSERT_INT_EQ(peer_addr_calls, 0);
	unpair();
	/* The same Reject with NONE offered too: on without. */
	sc = server_conf(PPP_AUTH_ALLOW_MSCHAPV2 | PPP_AUTH_ALLOW_NONE);
	pair(&cc, &sc, 5000);
	ASSERT_INT_EQ(SV.ended + CL.ended, 0);
	ASSERT_STR_EQ(SV.how, "none");
	ASSERT_INT_EQ(SV.keys.send_len, 0);
	ASSERT_INT_EQ(SV.net_up, 1);
	ASSERT_U32_EQ(CL.info.local4, IP4(192, 0, 2, 100));
	unpair();
	/* NONE alone: no Authentication-Protocol, straight to Network. */
	sc = server_conf(PPP_AUTH_ALLOW_NONE);
	cc = client_conf(PPP_AUTH_ALLOW_ALL, "alice", "alice-pw");
	pair(&cc, &sc, 5000);
	ASSERT_STR_EQ(CL.how, "none");
	ASSERT_STR_EQ(SV.how, "none");
	ASSERT_INT_EQ(CL.net_up, 1);
	ASSERT_INT_EQ(SV.net_up, 1);
	unpair();
	/* Nothing offered at all: AUTH at once. */
	sc = server_conf(0);
	pair(&cc, &sc, 5000);
	ASSERT_INT_EQ(SV.ended, 1);
	ASSERT_INT_EQ(SV.end, PPP_END_AUTH);
	unpair();
	TEST_DONE();
}

/* A wrong password or an unknown user: both end AUTH, no address. */
static void
test_wrong_password(void)
{
	static const unsigned m[] = { PPP_AUTH_ALLOW_PAP,
	    PPP_AUTH_ALLOW_MSCHAPV2, PPP_AUTH_ALLOW_EAP };
	struct ppp_engine_conf cc, sc;
	size_t i;

	TEST_START("wrong password, unknown user -> AUTH");
	for (i = 0; i < 6; i++) {
		cc = client_conf(m[i % 3], i < 3 ? "alice" : "mallory",
		    "wrong");
		cc.max_configure = 3;
		sc = server_conf(m[i % 3]);
		pair(&cc, &sc, 60000);
		ASSERT_INT_EQ(SV.ended, 1);
		ASSERT_INT_EQ(SV.end, PPP_END_AUTH);
		ASSERT_INT_EQ(CL.ended, 1);
		ASSERT_INT_EQ(CL.end, PPP_END_AUTH);
		ASSERT_INT_EQ(SV.auth_done, 0);
		ASSERT_TRUE(strstr(SV.why, "authentication failed") != NULL);
		ASSERT_INT_LT(SV.ended_at, 1000 + 10000);
		ASSERT_INT_EQ(SV.net_up + CL.net_up, 0);
		ASSERT_INT_EQ(peer_addr_calls, 0);
		ASSERT_STR_EQ(ppp_engine_peer_user(SV.e), "");
		unpair();
	}
	TEST_DONE();
}

/* ops.peer_addr: the fixed address passed, an empty pool NEGOTIATION. */
static void
test_pool(void)
{
	struct ppp_engine_conf cc, sc;

	TEST_START("peer_addr: fixed address, pool exhausted");
	cc = client_conf(PPP_AUTH_ALLOW_MSCHAPV2, "bob", "bob-pw");
	sc = server_conf(PPP_AUTH_ALLOW_MSCHAPV2);
	pair(&cc, &sc, 5000);
	ASSERT_U32_EQ(peer_addr_fixed, IP4(192, 0, 2, 77));
	ASSERT_U32_EQ(CL.info.local4, IP4(192, 0, 2, 77));
	ASSERT_STR_EQ(ppp_engine_peer_user(SV.e), "bob");
	unpair();
	/* IPv4 only: an empty pool ends PPP. */
	sc.ipv6 = false;
	pool_empty = true;
	pair(&cc, &sc, 20000);
	pool_empty = false;
	ASSERT_INT_EQ(peer_addr_calls, 1);
	ASSERT_INT_EQ(SV.ended, 1);
	ASSERT_INT_EQ(SV.end, PPP_END_NEGOTIATION);
	ASSERT_INT_EQ(CL.ended, 1);
	ASSERT_INT_EQ(SV.net_up + CL.net_up, 0);
	unpair();
	TEST_DONE();
}

/*
 * An IPv6-only client (no IPCP: it Protocol-Rejects it) is served with
 * IPV6CP alone, with an address from the pool or with the pool empty
 * (then IPCP is not even opened).
 */
static void
test_ipv6_only(void)
{
	struct ppp_engine_conf cc, sc;
	int empty;

	TEST_START("IPv6-only client, pool free or exhausted");
	for (empty = 0; empty < 2; empty++) {
		cc = client_conf(PPP_AUTH_ALLOW_MSCHAPV2, "bob", "bob-pw");
		cc.ipv4 = false;
		sc = server_conf(PPP_AUTH_ALLOW_MSCHAPV2);
		pool_empty = empty != 0;
		pair(&cc, &sc, 20000);
		pool_empty = false;
		ASSERT_INT_EQ(peer_addr_calls, 1);
		ASSERT_INT_EQ(SV.ended, 0);
		ASSERT_INT_EQ(CL.ended, 0);
		ASSERT_INT_EQ(SV.net_up, 1);
		ASSERT_INT_EQ(CL.net_up, 1);
		ASSERT_TRUE(SV.info.have_ip6);
		ASSERT_TRUE(!SV.info.have_ip4);
		ASSERT_TRUE(CL.info.have_ip6);
		ASSERT_TRUE(ppp_engine_ip_open(SV.e, 0x0057));
		unpair();
	}
	TEST_DONE();
}

/*
 * ops.peer_ipv6 refusing (no /64 left): IPV6CP is not opened, the link is
 * IPv4 only, asked once; with no IPv4 address either, NEGOTIATION.
 */
static void
test_no_ipv6(void)
{
	struct ppp_engine_conf cc, sc;

	TEST_START("peer_ipv6 refuses: IPv4 only, or the end");
	cc = client_conf(PPP_AUTH_ALLOW_MSCHAPV2, "bob", "bob-pw");
	sc = server_conf(PPP_AUTH_ALLOW_MSCHAPV2);
	pool6_empty = true;
	pair(&cc, &sc, 20000);
	ASSERT_INT_EQ(peer_ipv6_calls, 1);
	ASSERT_INT_EQ(SV.ended, 0);
	ASSERT_INT_EQ(SV.net_up, 1);
	ASSERT_TRUE(SV.info.have_ip4);
	ASSERT_TRUE(!SV.info.have_ip6);
	ASSERT_TRUE(!ppp_engine_ip_open(SV.e, 0x0057));
	unpair();
	pool_empty = true;
	pair(&cc, &sc, 20000);
	ASSERT_INT_EQ(peer_ipv6_calls, 1);
	ASSERT_INT_EQ(SV.ended, 1);
	ASSERT_INT_EQ(SV.end, PPP_END_NEGOTIATION);
	ASSERT_INT_EQ(SV.net_up, 0);
	unpair();
	pool_empty = pool6_empty = false;
	/* Given: IPV6CP opens as before. */
	pair(&cc, &sc, 20000);
	ASSERT_INT_EQ(peer_ipv6_calls, 1);
	ASSERT_TRUE(SV.info.have_ip6);
	unpair();
	TEST_DONE();
}

/* The Authenticate phase is bounded; LCP Echo finds a dead client. */
static void
test_timers(void)
{
	struct ppp_engine_conf cc, sc;
	uint64_t t0;

	TEST_START("auth timeout, echo, dead peer");
	/* The client's CHAP answers are lost: AUTH after auth_timeout_ms. */
	cc = client_conf(PPP_AUTH_ALLOW_MSCHAPV2, "alice", "alice-pw");
	sc = server_conf(PPP_AUTH_ALLOW_MSCHAPV2);
	sc.auth_timeout_ms = 7000;
	t0 = 1000;
	client_drop = PPP_PROTO_CHAP;
	pair(&cc, &sc, 60000);
	ASSERT_INT_EQ(SV.ended, 1);
	ASSERT_INT_EQ(SV.end, PPP_END_AUTH);
	ASSERT_TRUE(strstr(SV.why, "7000 ms") != NULL);
	ASSERT_INT_GE(SV.ended_at, t0 + 7000);
	ASSERT_INT_LT(SV.ended_at, t0 + 7100);
	unpair();
	/* 0: the default 30 s (before the 10 Challenges 5 s apart end). */
	sc.auth_timeout_ms = 0;
	sc.restart_ms = 5000;
	pair(&cc, &sc, 60000);
	client_drop = 0;
	ASSERT_INT_EQ(SV.ended, 1);
	ASSERT_INT_EQ(SV.end, PPP_END_AUTH);
	ASSERT_TRUE(strstr(SV.why, "30000 ms") != NULL);
	ASSERT_INT_GE(SV.ended_at, t0 + 29000);
	ASSERT_INT_LT(SV.ended_at, t0 + 31000);
	unpair();
	/* Echo: answered while the client lives, DEAD_PEER when it goes. */
	cc = client_conf(PPP_AUTH_ALLOW_PAP, "alice", "alice-pw");
	sc = server_conf(PPP_AUTH_ALLOW_PAP);
	sc.echo_interval = 10;
	sc.echo_failure = 3;
	cc.echo_interval = 7;
	cc.echo_failure = 3;
	pair(&cc, &sc, 100000);
	ASSERT_INT_EQ(SV.ended + CL.ended, 0);
	ASSERT_INT_GE(SV.sent_echo, 9);
	ASSERT_INT_GE(CL.sent_echo, 13);	/* the server answers them */
	CL.mute = true;
	t0 = now;
	run_until(now + 100000);
	ASSERT_INT_EQ(SV.ended, 1);
	ASSERT_INT_EQ(SV.end, PPP_END_DEAD_PEER);
	ASSERT_INT_GE(SV.ended_at, t0 + 30000);
	ASSERT_INT_LT(SV.ended_at, t0 + 51000);
	unpair();
	TEST_DONE();
}

/* Feed the server one frame given in hex (a scripted client). */
static int
feed(const char *hex)
{
	uint8_t f[PPP_FRAME_MAX];
	size_t n = th_unhex(hex, f, sizeof f);

	return ppp_engine_input(SV.e, now, f, n);
}

/* The server's next unread frame (without FF 03) as hex, or "". */
static const char *
next_hex(void)
{
	static char hx[2 * 64 + 1];
	size_t i, n;
	const uint8_t *f;

	if (SV.qh >= SV.qt)
		return "";
	f = SV.q[SV.qh % QN];
	n = SV.qlen[SV.qh % QN];
	SV.qh++;
	hx[0] = '\0';
	for (i = 2; i < n && i < 2 + 64; i++)
		snprintf(hx + 2 * (i - 2), 3, "%02X", f[i]);
	return hx;
}

/* Skip the server's frames up to one of @proto and code; its id. */
static int
skip_to(uint16_t proto, uint8_t code)
{
	const uint8_t *f;

	while (SV.qh < SV.qt) {
		f = SV.q[SV.qh % QN];
		if (SV.qlen[SV.qh % QN] >= 6 && load_be16(f + 2) == proto &&
		    f[4] == code)
			return f[5];
		SV.qh++;
	}
	return -1;
}

/* A scripted client: exact LCP and IPCP answers of the server. */
static void
test_scripted(void)
{
	struct ppp_engine_conf sc = server_conf(PPP_AUTH_ALLOW_PAP);
	char hx[160];
	uint8_t ours[64];
	size_t ours_n = 0;
	int id;

	TEST_START("scripted client: LCP, PAP, IPCP answers, CCP");
	memset(&SV, 0, sizeof SV);
	peer_addr_calls = 0;
	peer_ipv6_calls = 0;
	sc.ipv6 = false;
	sc.nbns4[1] = IP4(192, 0, 2, 137);
	SV.e = ppp_engine_new(&sc, &server_ops, &SV);
	ASSERT_PTR_NOT_NULL(SV.e);
	now = 0;
	ppp_engine_start(SV.e, now);
	/* Our request: MRU 1500, Magic, PAP (RFC 1661 6.1, 6.4, 6.2). */
	id = skip_to(PPP_PROTO_LCP, PPP_CONF_REQ);
	ASSERT_INT_GE(id, 0);
	{
		const uint8_t *f = SV.q[SV.qh % QN];

		ASSERT_INT_EQ(SV.qlen[SV.qh % QN], 2 + 2 + 4 + 4 + 6 + 4);
		ASSERT_MEM_EQ(f + 8, "\x01\x04\x05\xdc\x05\x06", 6);
		ASSERT_MEM_EQ(f + 18, "\x03\x04\xc0\x23", 4);
		ours_n = SV.qlen[SV.qh % QN] - 2;
		memcpy(ours, f + 2, ours_n);
		ours[2] = PPP_CONF_ACK;
	}
	/* The client asks to authenticate us, and for callback: Rejected. */
	ASSERT_INT_EQ(feed("C0 21 01 07 00 16 01 04 05 DC 03 05 C2 23 81 "
	    "05 06 12 34 56 78 0D 03 06"), 0);
	(void)skip_to(PPP_PROTO_LCP, PPP_CONF_REJ);
	ASSERT_STR_EQ(next_hex(), "C0210407000C" "0305C22381" "0D0306");
	/* Its next request Acked; our request Acked: Authenticate. */
	ASSERT_INT_EQ(feed("C0 21 01 08 00 0E 01 04 05 DC 05 06 12 34 56 78"),
	    0);
	(void)skip_to(PPP_PROTO_LCP, PPP_CONF_ACK);
	ASSERT_STR_EQ(next_hex(), "C0210208000E010405DC050612345678");
	/* Ack our request: copy it back with code 2. */
	ASSERT_INT_EQ(ppp_engine_input(SV.e, now, ours, ours_n), 0);
	/* PAP Authenticate-Request alice/alice-pw (RFC 1334 2.2.1). */
	ASSERT_INT_EQ(feed("C0 23 01 01 00 13 05 61 6C 69 63 65 08 61 6C 69 "
	    "63 65 2D 70 77"), 0);
	ASSERT_INT_GE(skip_to(PPP_PROTO_PAP, PAP_CODE_AUTH_ACK), 0);
	ASSERT_STR_EQ(ppp_engine_peer_user(SV.e), "alice");
	ASSERT_INT_EQ(peer_addr_calls, 1);
	/* Our IPCP request: IP-Address 192.0.2.1 (RFC 1332 3.3). */
	(void)skip_to(PPP_PROTO_IPCP, PPP_CONF_REQ);
	snprintf(hx, sizeof hx, "%s", next_hex());
	ASSERT_INT_EQ(strlen(hx), 24);
	ASSERT_STR_EQ(hx + 8, "000A0306C0000201");
	/* VJ (2) and the deprecated IP-Addresses (1): Rejected alone. */
	ASSERT_INT_EQ(feed("80 21 01 01 00 1A 02 06 00 2D 0F 01 03 06 00 00 "
	    "00 00 01 0A 00 00 00 00 00 00 00 00"), 0);
	ASSERT_STR_EQ(next_hex(), "802104010014" "0206002D0F01"
	    "010A0000000000000000");
	/* 0.0.0.0, DNS 0, NBNS1 (none configured), NBNS2 0. */
	ASSERT_INT_EQ(feed("80 21 01 02 00 1C 03 06 00 00 00 00 81 06 00 00 "
	    "00 00 82 06 00 00 00 00 84 06 00 00 00 00"), 0);
	ASSERT_STR_EQ(next_hex(), "80210402000A820600000000");
	/* Without NBNS1: Nak with the address, DNS and NBNS2 (RFC 1877). */
	ASSERT_INT_EQ(feed("80 21 01 03 00 16 03 06 00 00 00 00 81 06 00 00 "
	    "00 00 84 06 00 00 00 00"), 0);
	ASSERT_STR_EQ(next_hex(), "802103030016" "0306C0000264" "8106C0000235"
	    "8406C0000289");
	/* Another address than the one assigned: Nak again. */
	ASSERT_INT_EQ(feed("80 21 01 04 00 0A 03 06 C0 00 02 63"), 0);
	ASSERT_STR_EQ(next_hex(), "80210304000A0306C0000264");
	/* The CCP of a client wanting MPPE: Protocol-Reject (5.7). */
	ASSERT_INT_EQ(feed("80 FD 01 01 00 0A 12 06 01 00 00 60"), 0);
	ASSERT_INT_GE(skip_to(PPP_PROTO_LCP, PPP_PROTO_REJ), 0);
	snprintf(hx, sizeof hx, "%s", next_hex());
	ASSERT_STR_EQ(hx + 12, "80FD0101000A1206" "01000060");
	/* Exactly the assigned values: Ack; Ack ours: net_up. */
	ASSERT_INT_EQ(feed("80 21 01 05 00 16 03 06 C0 00 02 64 81 06 C0 00 "
	    "02 35 84 06 C0 00 02 89"), 0);
	ASSERT_STR_EQ(next_hex(), "802102050016" "0306C0000264" "8106C0000235"
	    "8406C0000289");
	ASSERT_INT_EQ(SV.net_up, 0);
	ASSERT_INT_EQ(feed("80 21 02 01 00 0A 03 06 C0 00 02 01"), 0);
	ASSERT_INT_EQ(SV.net_up, 1);
	ASSERT_U32_EQ(SV.info.peer4, IP4(192, 0, 2, 100));
	ASSERT_U32_EQ(SV.info.local4, IP4(192, 0, 2, 1));
	/* IP from the client now delivered. */
	ASSERT_INT_EQ(feed("00 21 45 00 00 14 00 00 00 00 40 01 00 00 C0 00 "
	    "02 64 C0 00 02 01"), 0);
	ASSERT_INT_EQ(SV.delivered, 1);
	ppp_engine_free(SV.e);
	SV.e = NULL;
	TEST_DONE();
}

/* Our request's Authentication-Protocol option, as hex ("" none). */
static const char *
req_auth_hex(void)
{
	static char hx[16];
	const uint8_t *f;
	size_t n, i;

	hx[0] = '\0';
	if (skip_to(PPP_PROTO_LCP, PPP_CONF_REQ) < 0)
		return "none sent";
	f = SV.q[SV.qh % QN];
	n = SV.qlen[SV.qh % QN];
	/* FF 03 C0 21, code id len, MRU 4, Magic 6, then the option. */
	if (n > 18 && f[18] == LCP_OPT_AUTH && f[19] >= 4 &&
	    (size_t)18 + f[19] <= n && f[19] <= 5)
		for (i = 0; i < f[19]; i++)
			snprintf(hx + 2 * i, 3, "%02X", f[18 + i]);
	return hx;
}

/* Answer our outstanding LCP request with @code and options @hex. */
static void
answer_req(uint8_t code, const char *hex)
{
	uint8_t f[64], o[32];
	size_t n = th_unhex(hex, o, sizeof o);
	int id = skip_to(PPP_PROTO_LCP, PPP_CONF_REQ);

	ASSERT_INT_GE(id, 0);
	SV.qh++;
	store_be16(f, PPP_PROTO_LCP);
	f[2] = code;
	f[3] = (uint8_t)id;
	store_be16(f + 4, (uint16_t)(4 + n));
	memcpy(f + 6, o, n);
	(void)ppp_engine_input(SV.e, now, f, 6 + n);
}

/* LCP steering exactly (RFC 1661 6.2): the Nak's choice, else our next. */
static void
test_scripted_lcp_nak(void)
{
	struct ppp_engine_conf sc = server_conf(PPP_AUTH_ALLOW_MSCHAPV2 |
	    PPP_AUTH_ALLOW_EAP | PPP_AUTH_ALLOW_PAP);

	TEST_START("scripted client: LCP Nak and Reject of auth");
	memset(&SV, 0, sizeof SV);
	SV.e = ppp_engine_new(&sc, &server_ops, &SV);
	ASSERT_PTR_NOT_NULL(SV.e);
	now = 0;
	ppp_engine_start(SV.e, now);
	ASSERT_STR_EQ(req_auth_hex(), "0305C22381");
	/* Nak toward PAP: PAP next (not EAP, our own next). */
	answer_req(PPP_CONF_NAK, "03 04 C0 23");
	ASSERT_STR_EQ(req_auth_hex(), "0304C023");
	/* Nak of PAP toward MS-CHAPv2, Nak'ed before: our next, EAP. */
	answer_req(PPP_CONF_NAK, "03 05 C2 23 81");
	ASSERT_STR_EQ(req_auth_hex(), "0304C227");
	ASSERT_INT_EQ(SV.ended, 0);
	/* A Nak of EAP toward CHAP-MD5 (not offered): nothing left. */
	answer_req(PPP_CONF_NAK, "03 05 C2 23 05");
	ASSERT_INT_GE(skip_to(PPP_PROTO_LCP, PPP_TERM_REQ), 0);
	run_until(now + 20000);
	ASSERT_INT_EQ(SV.ended, 1);
	ASSERT_INT_EQ(SV.end, PPP_END_AUTH);
	ppp_engine_free(SV.e);
	/* A Reject of the option: AUTH at once (Terminate-Request). */
	memset(&SV, 0, sizeof SV);
	SV.e = ppp_engine_new(&sc, &server_ops, &SV);
	ppp_engine_start(SV.e, now);
	answer_req(PPP_CONF_REJ, "03 05 C2 23 81");
	ASSERT_INT_GE(skip_to(PPP_PROTO_LCP, PPP_TERM_REQ), 0);
	run_until(now + 20000);
	ASSERT_INT_EQ(SV.end, PPP_END_AUTH);
	ASSERT_TRUE(strstr(SV.why, "refuses to authenticate") != NULL);
	ppp_engine_free(SV.e);
	SV.e = NULL;
	TEST_DONE();
}

int
main(void)
{
	check_method("PAP back to back", PPP_AUTH_ALLOW_PAP,
	    PPP_AUTH_ALLOW_PAP | PPP_AUTH_ALLOW_EAP, "PAP", 0);
	check_method("MS-CHAPv2 back to back", PPP_AUTH_ALLOW_ALL,
	    PPP_AUTH_ALLOW_MSCHAPV2 | PPP_AUTH_ALLOW_PAP, "MS-CHAPv2", 16);
	check_method("EAP-MSCHAPv2 back to back", PPP_AUTH_ALLOW_EAP,
	    PPP_AUTH_ALLOW_EAP, "EAP", 16);
	test_steering();
	test_ifid_clash();
	test_auth_reject_none();
	test_wrong_password();
	test_pool();
	test_ipv6_only();
	test_no_ipv6();
	test_timers();
	test_scripted();
	test_scripted_lcp_nak();
	return test_exit();
}
