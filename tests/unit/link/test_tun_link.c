/*
 * test_tun_link.c - the TUN link (link/tun/tun_link.c) driven through
 * link/link.h against a fake session that records every up-call, and a
 * fake PPP engine (below: a test-only implementation of ppp/ppp_engine.h,
 * never in src/) that the test scripts.
 *
 * The "TUN" is one end of an AF_UNIX SOCK_SEQPACKET socketpair handed over
 * as an open descriptor, as --tun-fd does: like a TUN, one read or write is
 * one packet, and a small send buffer makes writes fail with EAGAIN as a
 * full TUN does.  The test plays the kernel on the other end.
 *
 * Cases: nothing read before ppp_start, the engine's timer; packets both
 * ways (server -> TUN checked against the PPP protocol and trimmed to the
 * header's length); at most 64 packets per wake-up; server_full stops TUN
 * reads (also in mid-burst) until server_drained; a full TUN pauses the
 * server and nothing is dropped; the engine's IP version check drops; the
 * ends (orderly stop with LCP Terminate, hangup, the guard, engine ends
 * mapped onto enum link_end, gone exactly once, net_down before gone, the
 * pause lifted; the guard's line carries the engine conf's log context);
 * a stop asked inside an engine up-call does not re-enter the engine; the
 * TUN failing.  Every wait is bounded (run_until).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "link/link.h"
#include "link/tun/tun_link.h"
#include "ppp/ppp_engine.h"
#include "ppp/proto.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "wire/gso.h"
#include "harness.h"

#define REC_MAX		256
#define REC_FRAME	2048

/* --- the fake engine (ppp/ppp_engine.h) ------------------------------------ */

struct ppp_engine {
	struct ppp_engine_conf		 conf;
	const struct ppp_engine_ops	*ops;
	void				*arg;
	int				 in_call;	/* > 0 inside a call */
	int				 reentered;	/* calls made inside */
	bool				 started, closed, down, freed;
	bool				 ip4_open, ip6_open;
	bool				 down_ends;	/* lower_down -> ended */
	uint64_t			 next_timer;
	int				 ticks;
	int				 n_input;
	int				 wrap_calls;
	int				 ended_calls;
};

static struct ppp_engine FE;	/* the one engine of a case */
static int fe_news;

#define FE_ENTER()	do { if (FE.in_call++ > 0) FE.reentered++; } while (0)
#define FE_LEAVE()	do { FE.in_call--; } while (0)

static const uint8_t lcp_confreq[] = { 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };
static const uint8_t lcp_termreq[] = { 0xc0, 0x21, 0x05, 0x02, 0x00, 0x04 };
static const uint8_t lcp_termack[] = { 0xc0, 0x21, 0x06, 0x02, 0x00, 0x04 };

struct ppp_engine *
ppp_engine_new(const struct ppp_engine_conf *conf,
    const struct ppp_engine_ops *ops, void *arg)
{
	memset(&FE, 0, sizeof FE);
	FE.conf = *conf;
	FE.ops = ops;
	FE.arg = arg;
	FE.down_ends = true;
	fe_news++;
	return &FE;
}

void
ppp_engine_start(struct ppp_engine *e, uint64_t now)
{
	FE_ENTER();
	e->started = true;
	e->ops->output(e->arg, lcp_confreq, sizeof lcp_confreq);
	e->next_timer = now + 30;
	FE_LEAVE();
}

/* The engine ends (once, as the real one promises). */
static void
fe_end(enum ppp_end end, const char *why)
{
	if (FE.ended_calls++ == 0)
		FE.ops->ended(FE.arg, end, why);
}

int
ppp_engine_input(struct ppp_engine *e, uint64_t now, const uint8_t *f,
    size_t len)
{
	struct bcur c = bcur_make(f, len);
	uint16_t proto;
	uint8_t code = 0;
	int r = 0;

	FE_ENTER();
	e->n_input++;
	if (bcur_starts_with(&c, "\xff\x03", 2))
		(void)bcur_skip(&c, 2);
	if (bcur_get_be16(&c, &proto) < 0) {
		FE_LEAVE();
		return -EBADMSG;
	}
	if (proto == PPP_PROTO_IP || proto == PPP_PROTO_IPV6)
		e->ops->deliver(e->arg, proto, bcur_ptr(&c), bcur_left(&c));
	else if (proto == PPP_PROTO_IPCP) {
		struct ppp_ip_info ip;

		/* Any IPCP frame opens it here: the Network phase is up. */
		memset(&ip, 0, sizeof ip);
		ip.have_ip4 = true;
		e->ip4_open = true;
		e->ops->net_up(e->arg, &ip);
	} else if (proto == PPP_PROTO_LCP && bcur_get_u8(&c, &code) == 0 &&
	    code == 5) {
		e->ops->output(e->arg, lcp_termack, sizeof lcp_termack);
		fe_end(PPP_END_OK, "the peer terminated");
	} else if (proto == PPP_PROTO_LCP && code == 6 && e->closed)
		fe_end(PPP_END_OK, "terminated");
	else
		r = -EBADMSG;
	FE_LEAVE();
	return r;
}

uint8_t *
ppp_engine_wrap_ip(struct ppp_engine *e, uint8_t *pkt, size_t len,
    size_t *framelen)
{
	uint8_t v;

	FE_ENTER();
	e->wrap_calls++;
	*framelen = 0;
	v = len > 0 ? pkt[0] >> 4 : 0;
	if ((v == 4 && e->ip4_open) || (v == 6 && e->ip6_open)) {
		store_be16(pkt - 2, v == 4 ? PPP_PROTO_IP : PPP_PROTO_IPV6);
		*framelen = len + 2;
		FE_LEAVE();
		return pkt - 2;
	}
	FE_LEAVE();
	return NULL;
}

uint64_t
ppp_engine_next_timer(const struct ppp_engine *e)
{
	return e->next_timer;
}

void
ppp_engine_tick(struct ppp_engine *e, uint64_t now)
{
	FE_ENTER();
	if (e->next_timer != 0 && now >= e->next_timer) {
		e->ticks++;
		e->next_timer = 0;
	}
	FE_LEAVE();
}

void
ppp_engine_close(struct ppp_engine *e, uint64_t now, const char *why)
{
	FE_ENTER();
	e->closed = true;
	e->ops->output(e->arg, lcp_termreq, sizeof lcp_termreq);
	FE_LEAVE();
}

void
ppp_engine_lower_down(struct ppp_engine *e, uint64_t now)
{
	FE_ENTER();
	e->down = true;
	if (e->down_ends)
		fe_end(PPP_END_OK, "lower layer down");
	FE_LEAVE();
}

bool
ppp_engine_ip_open(const struct ppp_engine *e, uint16_t proto)
{
	return proto == PPP_PROTO_IP ? e->ip4_open : e->ip6_open;
}

void
ppp_engine_stats(const struct ppp_engine *e, uint64_t *o, uint64_t *i)
{
	*o = *i = 0;
}

void
ppp_engine_free(struct ppp_engine *e)
{
	e->freed = true;
}

/* --- the fake session: a struct link_up recording what it is told ------ */

struct rec {
	size_t	len;
	uint8_t	data[REC_FRAME];
};

struct fake_sess {
	struct rec		 to_srv[REC_MAX];
	size_t			 n_to_srv;
	size_t			 full_after;	/* full once n_to_srv reaches */
	bool			 full;
	int			 pause_true, pause_false;
	bool			 paused;
	int			 auth_calls;
	struct ppp_auth_keys	 keys;
	int			 fail_calls;
	enum link_end		 fail_end;
	char			 fail_msg[200];
	int			 gone_calls;
	enum link_end		 gone_end;
	char			 gone_why[240];
	int			 net_up_calls, net_down_calls;
	struct link_net		 net;
	bool			 net_down_before_gone;
	bool			 stop_in_net_up;	/* as a failed host config */
	struct link		*link;
};

static struct fake_sess S;

static int
up_to_server(void *arg, const uint8_t *f, size_t len)
{
	struct fake_sess *s = arg;

	if (s->n_to_srv < REC_MAX && len <= REC_FRAME) {
		memcpy(s->to_srv[s->n_to_srv].data, f, len);
		s->to_srv[s->n_to_srv].len = len;
	}
	s->n_to_srv++;
	if (s->full_after != 0 && s->n_to_srv >= s->full_after)
		s->full = true;
	return 0;
}

static bool
up_server_full(void *arg)
{
	return ((struct fake_sess *)arg)->full;
}

static void
up_pause_server(void *arg, bool pause)
{
	struct fake_sess *s = arg;

	if (pause)
		s->pause_true++;
	else
		s->pause_false++;
	s->paused = pause;
}

static void
up_auth_done(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	struct fake_sess *s = arg;

	s->auth_calls++;
	s->keys = *k;
}

/* As the session does: record, then an orderly stop. */
static void
up_fail(void *arg, enum link_end end, const char *msg)
{
	struct fake_sess *s = arg;

	s->fail_calls++;
	s->fail_end = end;
	snprintf(s->fail_msg, sizeof s->fail_msg, "%s", msg);
	link_stop(s->link, LINK_STOP_ORDERLY);
}

static void
up_gone(void *arg, enum link_end end, const char *why)
{
	struct fake_sess *s = arg;

	s->gone_calls++;
	s->gone_end = end;
	snprintf(s->gone_why, sizeof s->gone_why, "%s", why);
}

static int
up_signal_child(void *arg, pid_t pid, int sig)
{
	return -ENOSYS;
}

static int
up_server_addr(void *arg, const char **name, const struct sockaddr **sa,
    socklen_t *salen)
{
	return -ENOTCONN;
}

static void
up_net_up(void *arg, const struct link_net *n)
{
	struct fake_sess *s = arg;

	s->net_up_calls++;
	s->net = *n;
	if (s->stop_in_net_up)
		link_stop(s->link, LINK_STOP_ORDERLY);
}

static void
up_net_down(void *arg, const struct link_net *n)
{
	struct fake_sess *s = arg;

	s->net_down_calls++;
	s->net_down_before_gone = s->gone_calls == 0;
}

static const struct link_up fake_up = {
	.to_server = up_to_server,
	.server_full = up_server_full,
	.pause_server = up_pause_server,
	.auth_done = up_auth_done,
	.fail = up_fail,
	.gone = up_gone,
	.signal_child = up_signal_child,
	.server_addr = up_server_addr,
	.net_up = up_net_up,
	.net_down = up_net_down,
};

/* --- the rig: a loop, the "TUN" socketpair, a started link -------------- */

struct rig {
	struct event_base	*base;
	int			 tun;		/* the link's end */
	int			 kern;		/* the test's ("kernel") end */
	struct link		*l;
};

/* Run the loop until *flag is true or ms passed; returns *flag. */
static bool
run_until(struct rig *r, const bool *flag, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;

	while (!*flag && clock_now_ms() < end) {
		event_base_loop(r->base, EVLOOP_NONBLOCK);
		if (!*flag)
			poll(NULL, 0, 1);
	}
	return *flag;
}

/* Run the loop until *count > 0 or ms passed; returns *count. */
static int
run_until_count(struct rig *r, const int *count, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;

	while (*count == 0 && clock_now_ms() < end) {
		event_base_loop(r->base, EVLOOP_NONBLOCK);
		if (*count == 0)
			poll(NULL, 0, 1);
	}
	return *count;
}

/* Run the loop for about ms. */
static void
run_for(struct rig *r, int ms)
{
	bool never = false;

	(void)run_until(r, &never, ms);
}

/* The virtio_net_hdr size the next rig_open() gives the link (0: none). */
static unsigned rig_vnet;
/* The log context the next rig_open() gives the engine (NULL: none). */
static const char *rig_log_ctx;

/* A new link on a new socketpair; ppp_start when asked. */
static void
rig_open(struct rig *r, bool ppp_start, int sndbuf)
{
	struct tun_link_conf tc;
	char err[200];
	int sv[2];

	memset(&S, 0, sizeof S);
	memset(r, 0, sizeof *r);
	r->base = event_base_new();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	if (sndbuf > 0)
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
		    sizeof sndbuf);
	r->tun = sv[0];
	r->kern = sv[1];
	memset(&tc, 0, sizeof tc);
	tc.fd = r->tun;
	tc.ifname = "sstp7";
	tc.ifindex = 42;
	tc.vnet_hdr = rig_vnet;
	tc.vnet_le = true;
	tc.stop_guard_ms = 100;
	tc.engine.user = "alice";
	tc.engine.ipv4 = true;
	tc.engine.log_ctx = rig_log_ctx;
	r->l = tun_link_new(r->base, &tc, &fake_up, &S);
	S.link = r->l;
	if (r->l == NULL || link_start(r->l, err, sizeof err) != LINK_END_OK)
		abort();
	if (ppp_start)
		link_ppp_start(r->l);
}

static void
rig_close(struct rig *r)
{
	link_free(r->l);
	close(r->tun);
	close(r->kern);
	event_base_free(r->base);
}

/* An IPv4 packet of len bytes (len >= 20) with a sequence number. */
static size_t
mk_ip4(uint8_t *p, size_t len, uint32_t seq)
{
	memset(p, 0, len);
	p[0] = 0x45;
	store_be16(p + 2, (uint16_t)len);
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, "\xc0\x00\x02\x01\xc0\x00\x02\x02", 8);
	if (len >= 24)
		memcpy(p + 20, &seq, 4);
	return len;
}

/* An IPv6 packet with payload_len bytes after its 40-byte header. */
static size_t
mk_ip6(uint8_t *p, size_t payload_len)
{
	memset(p, 0, 40 + payload_len);
	p[0] = 0x60;
	store_be16(p + 4, (uint16_t)payload_len);
	p[6] = 59;	/* no next header */
	p[7] = 64;
	p[8] = 0xfe;
	p[9] = 0x80;
	return 40 + payload_len;
}

/* The PPP frame of an IP packet: protocol, then the packet. */
static size_t
mk_frame(uint8_t *f, uint16_t proto, const uint8_t *pkt, size_t len)
{
	store_be16(f, proto);
	memcpy(f + 2, pkt, len);
	return len + 2;
}

/* --- cases ------------------------------------------------------------------ */

static void
test_start(void)
{
	struct rig r;
	uint8_t pkt[64];
	bool ticked = false;
	uint64_t t0;

	TEST_START("nothing read before ppp_start; LCP starts; engine timer");
	rig_open(&r, false, 0);
	FE.ip4_open = true;
	ASSERT_INT_EQ(write(r.kern, pkt, mk_ip4(pkt, 40, 1)), 40);
	run_for(&r, 20);
	ASSERT_INT_EQ(S.n_to_srv, 0);
	ASSERT_FALSE(FE.started);
	ASSERT_INT_EQ(link_from_server(r.l, lcp_termack, sizeof lcp_termack),
	    -EPIPE);
	ASSERT_INT_EQ(FE.n_input, 0);
	t0 = clock_now_ms();
	link_ppp_start(r.l);
	ASSERT_TRUE(FE.started);
	ASSERT_TRUE(S.n_to_srv >= 1);
	ASSERT_INT_EQ(S.to_srv[0].len, sizeof lcp_confreq);
	ASSERT_MEM_EQ(S.to_srv[0].data, lcp_confreq, sizeof lcp_confreq);
	/* The packet the TUN held is read now. */
	run_for(&r, 20);
	ASSERT_INT_EQ(S.n_to_srv, 2);
	/* The fake arms its timer 30 ms after start. */
	while (!ticked && clock_now_ms() - t0 < 1000) {
		run_for(&r, 5);
		ticked = FE.ticks == 1;
	}
	ASSERT_INT_EQ(FE.ticks, 1);
	ASSERT_TRUE(clock_now_ms() - t0 >= 30);
	ASSERT_INT_EQ(FE.reentered, 0);
	rig_close(&r);
	ASSERT_TRUE(FE.freed);
	TEST_DONE();
}

static void
test_to_tun(void)
{
	struct rig r;
	uint8_t pkt[256], f[300], got[300];
	size_t n;

	TEST_START("server -> TUN: one write per packet, checked, trimmed");
	rig_open(&r, true, 0);
	/* IPv4 */
	n = mk_ip4(pkt, 60, 7);
	ASSERT_INT_EQ(link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP, pkt,
	    n)), 0);
	ASSERT_INT_EQ(read(r.kern, got, sizeof got), 60);
	ASSERT_MEM_EQ(got, pkt, 60);
	/* Bytes after the header's total length are not the packet's. */
	n = mk_ip4(pkt, 40, 8);
	memset(pkt + 40, 0xee, 10);
	ASSERT_INT_EQ(link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP, pkt,
	    50)), 0);
	ASSERT_INT_EQ(read(r.kern, got, sizeof got), 40);
	/* IPv6 */
	n = mk_ip6(pkt, 16);
	ASSERT_INT_EQ(link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IPV6,
	    pkt, n)), 0);
	ASSERT_INT_EQ(read(r.kern, got, sizeof got), 56);
	/* Wrong version for the protocol, short, total length too long. */
	n = mk_ip6(pkt, 16);
	(void)link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP, pkt, n));
	n = mk_ip4(pkt, 40, 9);
	(void)link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IPV6, pkt, n));
	(void)link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP, pkt, 19));
	store_be16(pkt + 2, 41);
	(void)link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP, pkt, 40));
	pkt[0] = 0x44;		/* IHL 4: header shorter than 20 */
	store_be16(pkt + 2, 40);
	(void)link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP, pkt, 40));
	n = mk_ip6(pkt, 16);
	(void)link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IPV6, pkt,
	    n - 1));
	ASSERT_INT_EQ(read(r.kern, got, sizeof got), -1);
	ASSERT_INT_EQ(errno, EAGAIN);
	ASSERT_INT_EQ(S.pause_true, 0);
	rig_close(&r);
	TEST_DONE();
}

static void
test_from_tun(void)
{
	struct rig r;
	uint8_t pkt[256];
	size_t n;
	uint32_t seq;

	TEST_START("TUN -> server: wrapped in place; the engine's version "
	    "check drops");
	rig_open(&r, true, 0);
	S.n_to_srv = 0;			/* forget the ConfReq */
	FE.ip4_open = true;
	for (seq = 0; seq < 3; seq++)
		ASSERT_INT_EQ(write(r.kern, pkt, mk_ip4(pkt, 100, seq)), 100);
	n = mk_ip6(pkt, 8);		/* IPV6CP not open */
	ASSERT_INT_EQ(write(r.kern, pkt, n), (ssize_t)n);
	pkt[0] = 0x50;			/* no IP at all */
	ASSERT_INT_EQ(write(r.kern, pkt, 30), 30);
	ASSERT_INT_EQ(write(r.kern, pkt, mk_ip4(pkt, 100, 3)), 100);
	run_for(&r, 20);
	ASSERT_INT_EQ(FE.wrap_calls, 6);
	ASSERT_INT_EQ(S.n_to_srv, 4);
	for (seq = 0; seq < 4 && seq < S.n_to_srv; seq++) {
		uint32_t s2;

		ASSERT_INT_EQ(S.to_srv[seq].len, 102);
		ASSERT_INT_EQ(load_be16(S.to_srv[seq].data), PPP_PROTO_IP);
		ASSERT_INT_EQ(S.to_srv[seq].data[2], 0x45);
		memcpy(&s2, S.to_srv[seq].data + 22, 4);
		ASSERT_INT_EQ(s2, seq);
	}
	rig_close(&r);
	TEST_DONE();
}

static void
test_burst(void)
{
	struct rig r;
	uint8_t pkt[64];
	uint32_t seq;

	TEST_START("at most 64 packets from the TUN per wake-up");
	rig_open(&r, true, 0);
	S.n_to_srv = 0;
	FE.ip4_open = true;
	for (seq = 0; seq < 100; seq++)
		ASSERT_INT_EQ(write(r.kern, pkt, mk_ip4(pkt, 40, seq)), 40);
	event_base_loop(r.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ASSERT_INT_EQ(S.n_to_srv, TUN_LINK_BURST);
	event_base_loop(r.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ASSERT_INT_EQ(S.n_to_srv, 100);
	rig_close(&r);
	TEST_DONE();
}

static void
test_server_full(void)
{
	struct rig r;
	uint8_t pkt[64];
	uint32_t seq;

	TEST_START("server_full stops TUN reads, in mid-burst too, until "
	    "server_drained");
	rig_open(&r, true, 0);
	S.n_to_srv = 0;
	FE.ip4_open = true;
	S.full = true;
	for (seq = 0; seq < 10; seq++)
		ASSERT_INT_EQ(write(r.kern, pkt, mk_ip4(pkt, 40, seq)), 40);
	run_for(&r, 30);
	ASSERT_INT_EQ(S.n_to_srv, 0);
	ASSERT_INT_EQ(FE.wrap_calls, 0);
	/* Drained, but full again after the 3rd frame of the burst. */
	S.full = false;
	S.full_after = 3;
	link_server_drained(r.l);
	run_for(&r, 30);
	ASSERT_INT_EQ(S.n_to_srv, 3);
	S.full = false;
	S.full_after = 0;
	link_server_drained(r.l);
	run_for(&r, 30);
	ASSERT_INT_EQ(S.n_to_srv, 10);
	ASSERT_INT_EQ(FE.wrap_calls, 10);
	rig_close(&r);
	TEST_DONE();
}

static void
test_tun_full(void)
{
	struct rig r;
	uint8_t pkt[1200], f[1300], got[1300];
	uint32_t seq, sent = 0, rx = 0, s2;
	bool in_order = true;
	uint64_t t0;
	ssize_t n;

	TEST_START("a full TUN pauses the server; nothing dropped, in order");
	rig_open(&r, true, 4096);
	for (seq = 0; seq < 2000 && S.pause_true == 0; seq++) {
		mk_ip4(pkt, 1000, seq);
		ASSERT_INT_EQ(link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP,
		    pkt, 1000)), 0);
		sent++;
	}
	ASSERT_INT_EQ(S.pause_true, 1);
	ASSERT_TRUE(S.paused);
	ASSERT_TRUE(sent < 2000);
	/* A session may hand over what it parsed already: still queued. */
	for (seq = sent; seq < sent + 5; seq++) {
		mk_ip4(pkt, 1000, seq);
		ASSERT_INT_EQ(link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP,
		    pkt, 1000)), 0);
	}
	sent += 5;
	ASSERT_INT_EQ(S.pause_true, 1);
	/* The kernel takes packets again (bounded: 5 s). */
	t0 = clock_now_ms();
	while (rx < sent && clock_now_ms() - t0 < 5000) {
		n = read(r.kern, got, sizeof got);
		if (n < 0) {
			if (errno != EAGAIN)
				break;
			run_for(&r, 2);
			if (S.paused || rx < sent)
				continue;
		}
		if (n > 0) {
			ASSERT_INT_EQ(n, 1000);
			memcpy(&s2, got + 20, 4);
			if (s2 != rx)
				in_order = false;
			rx++;
		}
	}
	ASSERT_INT_EQ(rx, sent);
	ASSERT_TRUE(in_order);
	run_for(&r, 10);
	ASSERT_FALSE(S.paused);
	ASSERT_INT_EQ(S.pause_false, 1);
	rig_close(&r);
	TEST_DONE();
}

static void
test_orderly(void)
{
	struct rig r;
	struct ppp_ip_info ip;
	uint64_t out, in;

	TEST_START("orderly stop: LCP Terminate, net_down, then gone once");
	rig_open(&r, true, 0);
	memset(&ip, 0, sizeof ip);
	ip.have_ip4 = true;
	ip.local4 = htonl(0xc0000202);
	FE.ops->net_up(FE.arg, &ip);
	ASSERT_INT_EQ(S.net_up_calls, 1);
	ASSERT_STR_EQ(S.net.ifname, "sstp7");
	ASSERT_INT_EQ(S.net.ifindex, 42);
	ASSERT_U32_EQ(S.net.ip.local4, htonl(0xc0000202));
	S.n_to_srv = 0;
	link_stop(r.l, LINK_STOP_ORDERLY);
	ASSERT_TRUE(FE.closed);
	ASSERT_FALSE(FE.down);
	ASSERT_INT_EQ(S.n_to_srv, 1);
	ASSERT_MEM_EQ(S.to_srv[0].data, lcp_termreq, sizeof lcp_termreq);
	ASSERT_INT_EQ(S.gone_calls, 0);
	ASSERT_FALSE(link_done(r.l));
	link_stop(r.l, LINK_STOP_ORDERLY);	/* again: nothing new */
	ASSERT_INT_EQ(S.n_to_srv, 1);
	ASSERT_INT_EQ(link_from_server(r.l, lcp_termack, sizeof lcp_termack),
	    0);
	ASSERT_INT_EQ(S.gone_calls, 1);
	ASSERT_INT_EQ(S.gone_end, LINK_END_OK);
	ASSERT_INT_EQ(S.net_down_calls, 1);
	ASSERT_TRUE(S.net_down_before_gone);
	ASSERT_TRUE(link_done(r.l));
	link_stop(r.l, LINK_STOP_HANGUP);
	run_for(&r, 150);			/* past the guard */
	ASSERT_INT_EQ(S.gone_calls, 1);
	ASSERT_INT_EQ(link_from_server(r.l, lcp_termreq, sizeof lcp_termreq),
	    -EPIPE);
	link_stats(r.l, &out, &in);
	ASSERT_INT_EQ(out, sizeof lcp_confreq + sizeof lcp_termreq);
	ASSERT_INT_EQ(in, sizeof lcp_termack);
	ASSERT_INT_EQ(FE.reentered, 0);
	rig_close(&r);
	TEST_DONE();
}

static void
test_hangup(void)
{
	struct rig r;
	bool gone;

	TEST_START("hangup: the engine's Down; gone once even if it stays "
	    "silent; the guard ends a stuck orderly stop");
	rig_open(&r, true, 0);
	link_stop(r.l, LINK_STOP_HANGUP);
	ASSERT_TRUE(FE.down);
	ASSERT_INT_EQ(S.gone_calls, 1);
	ASSERT_STR_EQ(S.gone_why, "PPP ended: lower layer down");
	rig_close(&r);

	rig_open(&r, true, 0);
	FE.down_ends = false;
	link_stop(r.l, LINK_STOP_HANGUP);
	ASSERT_INT_EQ(S.gone_calls, 1);
	fe_end(PPP_END_OK, "late");		/* the engine's, afterwards */
	ASSERT_INT_EQ(S.gone_calls, 1);
	rig_close(&r);

	/* Before ppp_start nothing of PPP runs: gone at once. */
	rig_open(&r, false, 0);
	link_stop(r.l, LINK_STOP_ORDERLY);
	ASSERT_INT_EQ(S.gone_calls, 1);
	ASSERT_FALSE(FE.closed);
	rig_close(&r);

	/* Orderly, the server never answers: the guard (100 ms here). */
	rig_open(&r, true, 0);
	S.paused = false;
	link_stop(r.l, LINK_STOP_ORDERLY);
	ASSERT_INT_EQ(S.gone_calls, 0);
	gone = run_until_count(&r, &S.gone_calls, 2000) > 0;
	ASSERT_TRUE(gone);
	ASSERT_INT_EQ(S.gone_calls, 1);
	ASSERT_TRUE(FE.down);
	rig_close(&r);
	TEST_DONE();
}

/* The guard's line (link_eng.c) carries the engine conf's log context. */
static void
test_guard_log(void)
{
	struct log_conf lc = { .level = LOG_LVL_WARN,
	    .sink = LOG_SINK_FILE, .filter = "link_eng" };
	char dir[] = "/tmp/test_tun_link.XXXXXX", path[64], text[1024];
	struct rig r;
	ssize_t n;
	int fd;

	TEST_START("the guard's line carries the session's log context");
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/log", dir);
	lc.path = path;
	ASSERT_INT_EQ(log_open(&lc), 0);
	rig_log_ctx = "session 0123456789abcdef";
	rig_open(&r, true, 0);
	rig_log_ctx = NULL;
	S.paused = false;
	link_stop(r.l, LINK_STOP_ORDERLY);
	ASSERT_INT_EQ(run_until_count(&r, &S.gone_calls, 2000), 1);
	rig_close(&r);
	log_close();
	lc.level = LOG_LVL_ERR;
	lc.sink = LOG_SINK_STDERR;
	lc.filter = NULL;
	(void)log_open(&lc);		/* the harness's default again */
	fd = open(path, O_RDONLY);
	ASSERT_INT_GE(fd, 0);
	n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
	if (fd >= 0)
		close(fd);
	text[n > 0 ? n : 0] = '\0';
	TH_CHECK(strstr(text, "warning: session 0123456789abcdef: PPP did "
	    "not end within 100 ms of the stop: closing it") != NULL,
	    "log: %.300s", text);
	unlink(path);
	rmdir(dir);
	TEST_DONE();
}

static void
test_ends(void)
{
	static const struct {
		enum ppp_end	pe;
		enum link_end	le;
	} map[] = {
		{ PPP_END_OK, LINK_END_OK },
		{ PPP_END_AUTH, LINK_END_AUTH },
		{ PPP_END_NEGOTIATION, LINK_END_PPP },
		{ PPP_END_DEAD_PEER, LINK_END_PEER },
		{ PPP_END_INTERNAL, LINK_END_INTERNAL },
	};
	struct ppp_auth_keys k;
	struct rig r;
	size_t i;

	TEST_START("the engine's ends map onto enum link_end; auth_done "
	    "passes the keys; the pause is lifted at the end");
	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		rig_open(&r, true, 0);
		memset(&k, 0, sizeof k);
		k.send_len = k.recv_len = 16;
		k.send[0] = 0x5a;
		FE.ops->auth_done(FE.arg, &k, "MS-CHAPv2");
		ASSERT_INT_EQ(S.auth_calls, 1);
		ASSERT_INT_EQ(S.keys.send_len, 16);
		ASSERT_INT_EQ(S.keys.send[0], 0x5a);
		S.paused = true;		/* as if a full TUN */
		fe_end(map[i].pe, "why");
		ASSERT_INT_EQ(S.gone_calls, 1);
		ASSERT_INT_EQ(S.gone_end, map[i].le);
		ASSERT_STR_EQ(S.gone_why, "PPP ended: why");
		ASSERT_INT_EQ(S.net_down_calls, 0);	/* never up */
		rig_close(&r);
	}
	/* The pause asked by a full TUN is lifted when PPP ends. */
	{
		uint8_t pkt[1200], f[1300];
		uint32_t seq;

		rig_open(&r, true, 4096);
		for (seq = 0; seq < 2000 && !S.paused; seq++) {
			mk_ip4(pkt, 1000, seq);
			(void)link_from_server(r.l, f, mk_frame(f,
			    PPP_PROTO_IP, pkt, 1000));
		}
		ASSERT_TRUE(S.paused);
		fe_end(PPP_END_OK, "x");
		ASSERT_FALSE(S.paused);
		rig_close(&r);
	}
	TEST_DONE();
}

static void
test_reentry(void)
{
	static const uint8_t ipcp_ack[] = { 0x80, 0x21, 0x02, 0x01, 0x00, 0x04 };
	struct rig r;
	bool closed;

	TEST_START("a stop asked inside an engine up-call is run from the "
	    "loop: the engine is not re-entered");
	rig_open(&r, true, 0);
	S.stop_in_net_up = true;
	/* The engine calls net_up from inside ppp_engine_input. */
	ASSERT_INT_EQ(link_from_server(r.l, ipcp_ack, sizeof ipcp_ack), 0);
	ASSERT_INT_EQ(S.net_up_calls, 1);
	ASSERT_FALSE(FE.closed);
	(void)run_until(&r, &FE.closed, 200);
	closed = FE.closed;
	ASSERT_TRUE(closed);
	ASSERT_INT_EQ(FE.reentered, 0);
	rig_close(&r);
	TEST_DONE();
}

static void
test_dev_fail(void)
{
	struct rig r;
	bool failed;

	TEST_START("the TUN failing: fail(LINK_END_INTERNAL), then PPP closes");
	rig_open(&r, true, 0);
	close(r.kern);			/* reads give 0: not a TUN any more */
	r.kern = open("/dev/null", O_RDONLY);
	failed = run_until_count(&r, &S.fail_calls, 2000) > 0;
	ASSERT_TRUE(failed);
	ASSERT_INT_EQ(S.fail_calls, 1);
	ASSERT_INT_EQ(S.fail_end, LINK_END_INTERNAL);
	ASSERT_TRUE(strstr(S.fail_msg, "TUN device sstp7") != NULL);
	ASSERT_TRUE(FE.closed);
	run_for(&r, 30);
	ASSERT_INT_EQ(S.fail_calls, 1);
	rig_close(&r);
	TEST_DONE();
}

/* RFC 1071: the TCP checksum of the IPv4 packet @p verifies. */
static bool
tcp4_csum_ok(const uint8_t *p, size_t len)
{
	uint32_t s = 6 + (uint32_t)(len - 20);
	size_t i;

	for (i = 12; i < 20; i += 2)
		s += load_be16(p + i);
	for (i = 20; i + 1 < len; i += 2)
		s += load_be16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

static void
test_vnet(void)
{
	/* virtio 1.x 5.1.6, little-endian: NEEDS_CSUM, TCPV4, gso_size 100. */
	static const uint8_t tso[10] = { 1, 1, 40, 0, 100, 0, 20, 0, 16, 0 };
	static const uint8_t udpgso[10] = { 1, 3, 28, 0, 100, 0, 20, 0, 6, 0 };
	static const uint8_t none[10];
	struct rig r;
	uint8_t buf[400], pkt[300], f[300], got[300];
	size_t n, i;

	TEST_START("IFF_VNET_HDR: super-packets segmented, header written");
	rig_vnet = 10;
	rig_open(&r, true, 0);
	rig_vnet = 0;
	S.n_to_srv = 0;
	FE.ip4_open = true;
	/* A TCP super-packet of 250 payload bytes: 100 + 100 + 50. */
	n = mk_ip4(pkt, 290, 0);
	pkt[9] = 6;
	memset(pkt + 20, 0, 20);
	pkt[32] = 0x50;
	pkt[33] = 0x19;				/* ACK PSH FIN */
	for (i = 40; i < n; i++)
		pkt[i] = (uint8_t)i;
	memcpy(buf, tso, 10);
	memcpy(buf + 10, pkt, n);
	ASSERT_INT_EQ(write(r.kern, buf, 10 + n), (ssize_t)(10 + n));
	/* Then a plain packet, a UDP GSO one (refused), a runt. */
	memcpy(buf, none, 10);
	n = mk_ip4(buf + 10, 60, 5);
	ASSERT_INT_EQ(write(r.kern, buf, 10 + n), (ssize_t)(10 + n));
	memcpy(buf, udpgso, 10);
	ASSERT_INT_EQ(write(r.kern, buf, 10 + n), (ssize_t)(10 + n));
	ASSERT_INT_EQ(write(r.kern, buf, 5), 5);
	run_for(&r, 20);
	ASSERT_INT_EQ(S.n_to_srv, 4);
	for (i = 0; i < 3 && i < S.n_to_srv; i++) {
		const uint8_t *ip = S.to_srv[i].data + 2;
		size_t want = i < 2 ? 140 : 90;

		ASSERT_INT_EQ(S.to_srv[i].len, 2 + want);
		ASSERT_INT_EQ(load_be16(ip + 2), want);
		ASSERT_INT_EQ(ip[24 + 3], (uint8_t)(100 * i));	/* seq */
		ASSERT_INT_EQ(ip[33], i < 2 ? 0x10 : 0x19);
		ASSERT_TRUE(tcp4_csum_ok(ip, want));
		ASSERT_MEM_EQ(ip + 40, pkt + 40 + 100 * i, want - 40);
	}
	ASSERT_INT_EQ(S.to_srv[3].len, 62);
	/* Toward the TUN: a zeroed virtio_net_hdr in front. */
	n = mk_ip4(pkt, 60, 7);
	ASSERT_INT_EQ(link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP, pkt,
	    n)), 0);
	ASSERT_INT_EQ(read(r.kern, got, sizeof got), 70);
	ASSERT_MEM_EQ(got, none, 10);
	ASSERT_MEM_EQ(got + 10, pkt, 60);
	rig_close(&r);
	TEST_DONE();
}

static void
test_gro(void)
{
	struct gso_vnet_hdr h = { GSO_VNET_F_NEEDS_CSUM, GSO_VNET_GSO_TCPV4, 0,
	    100, 20, 16 };
	static const uint8_t none[10];
	struct gso g;
	enum gso_kind kind;
	struct rig r;
	uint8_t pkt[400], seg[3][200], f[300], got[500], udp[60];
	size_t n, sl[3], i;

	TEST_START("IFF_VNET_HDR: TCP segments from the server coalesced");
	rig_vnet = 10;
	rig_open(&r, true, 0);
	rig_vnet = 0;
	n = mk_ip4(pkt, 340, 0);		/* 3 x 100 bytes of TCP data */
	pkt[9] = 6;
	memset(pkt + 20, 0, 20);
	pkt[32] = 0x50;
	pkt[33] = 0x18;				/* ACK PSH */
	for (i = 40; i < n; i++)
		pkt[i] = (uint8_t)(i * 3);
	ASSERT_INT_EQ(gso_start(&g, &h, pkt, n, sizeof seg[0], &kind),
	    GSO_OK);
	for (i = 0; i < 3; i++)
		sl[i] = gso_next(&g, seg[i]);
	/* A UDP packet between the first and the second: order kept. */
	(void)mk_ip4(udp, 60, 1);
	ASSERT_INT_EQ(link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP,
	    seg[0], sl[0])), 0);
	ASSERT_INT_EQ(link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP,
	    udp, 60)), 0);
	ASSERT_INT_EQ(link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP,
	    seg[1], sl[1])), 0);
	ASSERT_INT_EQ(link_from_server(r.l, f, mk_frame(f, PPP_PROTO_IP,
	    seg[2], sl[2])), 0);
	/* seg 0 went out before the UDP one; 1 and 2 (PSH) as one. */
	ASSERT_INT_EQ(read(r.kern, got, sizeof got), 10 + 140);
	ASSERT_MEM_EQ(got, none, 10);
	ASSERT_MEM_EQ(got + 10, seg[0], 140);
	ASSERT_INT_EQ(read(r.kern, got, sizeof got), 70);
	ASSERT_MEM_EQ(got + 10, udp, 60);
	ASSERT_INT_EQ(read(r.kern, got, sizeof got), 10 + 240);
	ASSERT_INT_EQ(got[0], GSO_VNET_F_NEEDS_CSUM);
	ASSERT_INT_EQ(got[1], GSO_VNET_GSO_TCPV4);
	ASSERT_INT_EQ(got[4] | got[5] << 8, 100);
	ASSERT_INT_EQ(load_be16(got + 10 + 2), 240);
	ASSERT_MEM_EQ(got + 10 + 40, pkt + 140, 200);
	/* Without PSH the flush waits for the loop to come back. */
	pkt[33] = 0x10;
	ASSERT_INT_EQ(gso_start(&g, &h, pkt, n, sizeof seg[0], &kind),
	    GSO_OK);
	for (i = 0; i < 3; i++) {
		sl[i] = gso_next(&g, seg[i]);
		ASSERT_INT_EQ(link_from_server(r.l, f, mk_frame(f,
		    PPP_PROTO_IP, seg[i], sl[i])), 0);
	}
	ASSERT_INT_EQ(read(r.kern, got, sizeof got), -1);
	run_for(&r, 10);
	ASSERT_INT_EQ(read(r.kern, got, sizeof got), 10 + 340);
	ASSERT_INT_EQ(got[1], GSO_VNET_GSO_TCPV4);
	ASSERT_MEM_EQ(got + 10 + 40, pkt + 40, 300);
	rig_close(&r);
	TEST_DONE();
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_start();
	test_to_tun();
	test_from_tun();
	test_burst();
	test_server_full();
	test_tun_full();
	test_orderly();
	test_hangup();
	test_guard_log();
	test_ends();
	test_reentry();
	test_dev_fail();
	test_vnet();
	test_gro();
	return test_exit();
}
