/*
 * test_tunsrv.c - sstpd's built-in backend (link/tunsrv/tunsrv.c): the
 * hub on a fake TUN and two sessions, each driven through link/link.h by a
 * fake SSTP session whose client is the real PPP engine in its CLIENT role
 * (the test carries the frames between link_up.to_server and the client
 * engine, through queues: no engine is re-entered).  The server role is
 * the real engine's too (ppp/ppp_engine.c, ppp/ppp_authsrv.c).
 *
 * The "TUN" is one end of an AF_UNIX SOCK_SEQPACKET socketpair: one read or
 * write is one packet, as on a TUN.  The test plays the kernel on the other
 * end.
 *
 * Cases: both sessions authenticate with MS-CHAPv2 (a fake struct
 * tunsrv_auth holds the secrets) and get distinct IPv4 addresses and IPv6
 * identifiers; a packet for A (IPv4, its pool6 /128 and fe80::ID) reaches
 * client A only; a packet from client A with B's source (or any other) is
 * dropped and counted, with its own source it reaches the TUN; a packet for
 * no session is counted; one for a session whose output is full is held,
 * the TUN not read (B's packet waits) until A drains, then A's and B's
 * arrive; A full past the hold (20 ms): its packet dropped, B's delivered,
 * and while A stays full its packets are dropped at once (no new hold);
 * once A is stopped its packets find no owner, and at free its address
 * goes back (release_addr).  A hundred sessions: the table grows, buckets
 * are shared, each packet still reaches its one owner.  With IFF_VNET_HDR
 * (a virtio_net_hdr in front of each datagram): a TCP super-packet is cut
 * into its segments for the one session owning its destination (IPv4,
 * IPv6), none for no owner; a session whose output fills up mid-way gets
 * the rest as it drains, the other session's super-packet behind it
 * arriving whole after it, and loses the rest when it stays full past the
 * hold; malformed headers are dropped; a client's TCP segments in
 * a row reach the TUN as one super-packet (GRO), and a segment with a
 * forged source among them is dropped, never coalesced.  Last, as root in
 * a network namespace of its own (else it says SKIP and the rest counts),
 * a real TUN made by sstpd/srv_tun.c: A's packets reach B through the
 * kernel's forwarding (IPv4, IPv6), the host reaches A, A's forged source
 * does not reach B.  Every wait is bounded.  And (test_log_ctx): a
 * session's own lines (a forged source, an address another session holds,
 * a packet that is no IP, a frame not sent, the stop, its drops) carry its
 * log context.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/event.h>

#include "link/link.h"
#include "link/tunsrv/tunsrv.h"
#include "sstpd/conf.h"
#include "sstpd/srv_tun.h"
#include "ppp/ppp_engine.h"
#include "ppp/proto.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "wire/gso.h"
#include "wire/nd.h"
#include "harness.h"

#define QMAX		32
#define FMAX		1600
#define LOCAL4		"192.0.2.1"
#define POOL6		"2001:db8:5::"

struct frameq {
	size_t		n;
	size_t		len[QMAX];
	uint8_t		buf[QMAX][FMAX];
};

/* One fake SSTP session: its link, and the client at the far end. */
struct sess {
	const char		*name;
	struct link		*link;
	struct ppp_engine	*cli;
	struct frameq		 to_cli, to_srv;
	const char		*log_ctx;	/* its engine conf's */
	bool			 full;		/* server_full */
	bool			 refuse;	/* to_server fails */
	size_t			 full_at;	/* full at this many queued */
	int			 auth_done, net_up, net_down, gone;
	size_t			 keylen;
	struct link_net		 net;
	enum link_end		 end;
	/* the client engine's side */
	bool			 cli_up;
	struct ppp_ip_info	 cli_ip;
	int			 cli_rx;	/* IP packets delivered */
	uint8_t			 cli_last[FMAX];
	size_t			 cli_last_len;
};

#define NMANY		100

static struct event_base *base;
static struct sess SA, SB;
static struct sess *all[NMANY + 2];	/* what pump() carries for */
static size_t nall;
static int released;
static uint32_t released_addr[4];
static unsigned next_host = 10;

/* --- the fake tunsrv_auth ----------------------------------------------- */

static int
fa_lookup(void *arg, const char *user, struct ppp_secret *out)
{
	const char *pw;

	(void)arg;
	if (strcmp(user, "alice") == 0)
		pw = "alice-Secret1";
	else if (strcmp(user, "bob") == 0)
		pw = "bob-Secret2";
	else
		return -ENOENT;
	memset(out, 0, sizeof *out);
	snprintf(out->secret, sizeof out->secret, "%s", pw);
	out->len = strlen(pw);
	return 0;
}

static int
fa_peer_addr(void *arg, const char *user, uint32_t fixed, uint32_t *addr4)
{
	(void)arg;
	(void)user;
	(void)fixed;
	*addr4 = htonl(0xc0000200u + next_host++);	/* 192.0.2.N */
	return 0;
}

static void
fa_release(void *arg, uint32_t addr4)
{
	(void)arg;
	if (released < 4)
		released_addr[released] = addr4;
	released++;
}

static const struct tunsrv_auth fake_auth = {
	.lookup_secret = fa_lookup,
	.peer_addr = fa_peer_addr,
	.release_addr = fa_release,
	.arg = NULL,
};

/* --- queues ------------------------------------------------------------------ */

static int
q_put(struct frameq *q, const uint8_t *f, size_t len)
{
	if (q->n >= QMAX || len > FMAX)
		return -ENOBUFS;
	memcpy(q->buf[q->n], f, len);
	q->len[q->n++] = len;
	return 0;
}

/* --- the fake session (link_up) ------------------------------------------ */

static int
fs_to_server(void *arg, const uint8_t *frame, size_t len)
{
	struct sess *s = arg;

	if (s->refuse)
		return -EPIPE;
	return q_put(&s->to_cli, frame, len);
}

static bool
fs_server_full(void *arg)
{
	struct sess *s = arg;

	return s->full || (s->full_at > 0 && s->to_cli.n >= s->full_at);
}

static void
fs_pause(void *arg, bool pause)
{
	(void)arg;
	(void)pause;
}

static void
fs_auth_done(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	struct sess *s = arg;

	(void)how;
	s->auth_done++;
	s->keylen = k != NULL ? k->send_len : 0;
}

static void
fs_fail(void *arg, enum link_end e, const char *msg)
{
	(void)arg;
	(void)e;
	fprintf(stderr, "link fail: %s\n", msg);
}

static void
fs_gone(void *arg, enum link_end e, const char *why)
{
	struct sess *s = arg;

	(void)why;
	s->gone++;
	s->end = e;
}

static void
fs_net_up(void *arg, const struct link_net *n)
{
	struct sess *s = arg;

	s->net_up++;
	s->net = *n;
}

static void
fs_net_down(void *arg, const struct link_net *n)
{
	(void)n;
	((struct sess *)arg)->net_down++;
}

static const struct link_up fake_up = {
	.to_server = fs_to_server,
	.server_full = fs_server_full,
	.pause_server = fs_pause,
	.auth_done = fs_auth_done,
	.fail = fs_fail,
	.gone = fs_gone,
	.net_up = fs_net_up,
	.net_down = fs_net_down,
};

/* --- the client engine's up-calls ------------------------------------------ */

static void
ce_output(void *arg, const uint8_t *frame, size_t len)
{
	q_put(&((struct sess *)arg)->to_srv, frame, len);
}

static void
ce_deliver(void *arg, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct sess *s = arg;

	(void)proto;
	s->cli_rx++;
	s->cli_last_len = len < FMAX ? len : FMAX;
	memcpy(s->cli_last, pkt, s->cli_last_len);
}

static void
ce_auth_done(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	(void)arg;
	(void)k;
	(void)how;
}

static void
ce_net_up(void *arg, const struct ppp_ip_info *ip)
{
	struct sess *s = arg;

	s->cli_up = true;
	s->cli_ip = *ip;
}

static void
ce_net_down(void *arg)
{
	((struct sess *)arg)->cli_up = false;
}

static void
ce_ended(void *arg, enum ppp_end e, const char *why)
{
	(void)arg;
	(void)e;
	(void)why;
}

static const struct ppp_engine_ops cli_ops = {
	.output = ce_output,
	.deliver = ce_deliver,
	.auth_done = ce_auth_done,
	.net_up = ce_net_up,
	.net_down = ce_net_down,
	.ended = ce_ended,
};

/* --- driving ------------------------------------------------------------------ */

/* Carry the frames both ways and run the loop until nothing moves. */
static void
pump(void)
{
	size_t i, k;
	int round;
	bool moved;

	for (round = 0; round < 200; round++) {
		moved = false;
		event_base_loop(base, EVLOOP_NONBLOCK);
		for (i = 0; i < nall; i++) {
			struct sess *s = all[i];
			struct frameq q;

			if (s->cli != NULL && s->to_cli.n > 0) {
				bool was = fs_server_full(s);

				q = s->to_cli;
				s->to_cli.n = 0;
				for (k = 0; k < q.n; k++)
					ppp_engine_input(s->cli,
					    clock_now_ms(), q.buf[k],
					    q.len[k]);
				/* As the stream: drained below its mark. */
				if (was && !fs_server_full(s) &&
				    s->link != NULL)
					link_server_drained(s->link);
				moved = true;
			}
			if (s->link != NULL && s->to_srv.n > 0) {
				q = s->to_srv;
				s->to_srv.n = 0;
				for (k = 0; k < q.n; k++)
					link_from_server(s->link, q.buf[k],
					    q.len[k]);
				moved = true;
			}
		}
		if (!moved && round > 2)
			break;
	}
}

/* An IPv4 packet src -> dst with a few octets of UDP-ish payload. */
static size_t
mk4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t tag)
{
	memset(p, 0, 28);
	p[0] = 0x45;
	p[3] = 28;
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	p[27] = tag;
	return 28;
}

/* RFC 791 3.1: the header checksum (the kernel checks it). */
static void
csum4(uint8_t *p)
{
	uint32_t sum = 0;
	size_t i;

	p[10] = p[11] = 0;
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	p[10] = (uint8_t)(~sum >> 8);
	p[11] = (uint8_t)~sum;
}

/* An IPv6 packet src -> dst, 8 octets of payload. */
static size_t
mk6(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t tag)
{
	memset(p, 0, 48);
	p[0] = 0x60;
	p[5] = 8;
	p[6] = 17;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	p[47] = tag;
	return 48;
}

/* pool6 prefix + ID, or fe80::ID. */
static void
addr6(uint8_t *out, const uint8_t *ifid, bool ll)
{
	if (ll) {
		memset(out, 0, 16);
		out[0] = 0xfe;
		out[1] = 0x80;
	} else
		inet_pton(AF_INET6, POOL6, out);
	memcpy(out + 8, ifid, 8);
}

/* Run the loop past the hub's hold (TUNSRV_HOLD_MS, 20 ms). */
static void
hold_out(void)
{
	struct timespec ts = { 0, 40 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	pump();
}

/* The kernel side writes one packet; the loop routes it. */
static void
tun_inject(int kfd, const uint8_t *p, size_t len)
{
	ASSERT_INT_EQ(write(kfd, p, len), (long long)len);
	pump();
}

/* What the kernel side reads (0: nothing waiting). */
static ssize_t
tun_take(int kfd, uint8_t *p, size_t cap)
{
	ssize_t n = recv(kfd, p, cap, MSG_DONTWAIT);

	return n < 0 ? 0 : n;
}

/* Client @s sends an IP packet through its engine into the link. */
static void
cli_send(struct sess *s, const uint8_t *pkt, size_t len)
{
	uint8_t buf[PPP_ENGINE_HEADROOM + FMAX], *f;
	size_t flen;

	memcpy(buf + PPP_ENGINE_HEADROOM, pkt, len);
	f = ppp_engine_wrap_ip(s->cli, buf + PPP_ENGINE_HEADROOM, len, &flen);
	ASSERT_PTR_NOT_NULL(f);
	if (f != NULL)
		q_put(&s->to_srv, f, flen);
	pump();
}

static void
sess_open(struct sess *s, struct tun_hub *hub, const char *user,
    const char *pw, uint16_t ifid_last)
{
	struct ppp_engine_conf sc, cc;
	char err[200];

	if (nall < NMANY + 2)
		all[nall++] = s;

	memset(&sc, 0, sizeof sc);
	sc.role = PPP_ROLE_SERVER;
	sc.auth_offer = PPP_AUTH_ALLOW_MSCHAPV2;
	sc.server_name = "sstpd-test";
	sc.ipv4 = sc.ipv6 = true;
	sc.want_ifid[7] = 1;
	sc.log_ctx = s->log_ctx;
	s->link = tunsrv_link_new(hub, base, &sc, &fake_auth, &fake_up, s);
	ASSERT_PTR_NOT_NULL(s->link);
	ASSERT_INT_EQ(link_start(s->link, err, sizeof err), LINK_END_OK);

	memset(&cc, 0, sizeof cc);
	cc.role = PPP_ROLE_CLIENT;
	cc.user = user;
	cc.password = pw;
	cc.auth_allow = PPP_AUTH_ALLOW_MSCHAPV2;
	cc.ipv4 = cc.ipv6 = true;
	cc.want_ifid[0] = 0x02;
	cc.want_ifid[6] = (uint8_t)(ifid_last >> 8);
	cc.want_ifid[7] = (uint8_t)ifid_last;
	s->cli = ppp_engine_new(&cc, &cli_ops, s);
	ASSERT_PTR_NOT_NULL(s->cli);
	link_ppp_start(s->link);
	ppp_engine_start(s->cli, clock_now_ms());
	pump();
}

static void
test_two_sessions(void)
{
	struct tun_hub_conf hc;
	struct tun_hub *hub;
	uint8_t pkt[FMAX], got[FMAX], a6[16], b6[16], x6[16];
	uint64_t no_owner, spoofed, too_big;
	uint32_t a4, b4, other;
	char err[200];
	int sv[2];
	ssize_t n;

	TEST_START("tunsrv: two sessions on one TUN");
	ASSERT_INT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ASSERT_INT_EQ(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	base = event_base_new();
	memset(&hc, 0, sizeof hc);
	hc.fd = sv[0];
	hc.name = "tsrv-test";
	hc.mtu = 1400;
	inet_pton(AF_INET, LOCAL4, &hc.local4);
	hc.have_pool6 = true;
	inet_pton(AF_INET6, POOL6, hc.pool6);
	hc.pool6_prefix = 64;
	hub = tun_hub_new(base, &hc, err, sizeof err);
	ASSERT_PTR_NOT_NULL(hub);
	if (hub == NULL)
		return;

	sess_open(&SA, hub, "alice", "alice-Secret1", 0xaa);
	sess_open(&SB, hub, "bob", "bob-Secret2", 0xbb);
	/* Both authenticated (MS-CHAPv2 keys for the binding), both up. */
	ASSERT_INT_EQ(SA.auth_done, 1);
	ASSERT_INT_EQ(SB.auth_done, 1);
	ASSERT_INT_EQ(SA.keylen, 16);
	ASSERT_INT_EQ(SA.net_up, 1);
	ASSERT_INT_EQ(SB.net_up, 1);
	ASSERT_TRUE(SA.cli_up && SB.cli_up);
	ASSERT_STR_EQ(tunsrv_link_user(SA.link), "alice");
	ASSERT_STR_EQ(tunsrv_link_user(SB.link), "bob");
	ASSERT_STR_EQ(SA.net.ifname, "tsrv-test");
	a4 = SA.cli_ip.local4;
	b4 = SB.cli_ip.local4;
	ASSERT_TRUE(a4 != 0 && b4 != 0 && a4 != b4);
	ASSERT_U32_EQ(SA.net.ip.peer4, a4);
	ASSERT_U32_EQ(SB.net.ip.peer4, b4);
	ASSERT_TRUE(SA.cli_ip.have_ip6 && SB.cli_ip.have_ip6);
	ASSERT_TRUE(memcmp(SA.net.ip.peer_ifid, SB.net.ip.peer_ifid, 8) != 0);
	addr6(a6, SA.net.ip.peer_ifid, false);
	addr6(b6, SB.net.ip.peer_ifid, false);

	/* TUN -> A (IPv4): client A only. */
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, a4, 1));
	ASSERT_INT_EQ(SA.cli_rx, 1);
	ASSERT_INT_EQ(SB.cli_rx, 0);
	ASSERT_INT_EQ(SA.cli_last_len, 28);
	ASSERT_INT_EQ(SA.cli_last[27], 1);
	/* TUN -> B (IPv4). */
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, b4, 2));
	ASSERT_INT_EQ(SA.cli_rx, 1);
	ASSERT_INT_EQ(SB.cli_rx, 1);
	/* TUN -> A's pool6 /128, then to fe80::A's ID: A only. */
	tun_inject(sv[1], pkt, mk6(pkt, b6, a6, 3));
	ASSERT_INT_EQ(SA.cli_rx, 2);
	ASSERT_INT_EQ(SA.cli_last[47], 3);
	addr6(x6, SA.net.ip.peer_ifid, true);
	tun_inject(sv[1], pkt, mk6(pkt, b6, x6, 4));
	ASSERT_INT_EQ(SA.cli_rx, 3);
	ASSERT_INT_EQ(SB.cli_rx, 1);

	/* No owner: counted, delivered to nobody. */
	other = htonl(0xc0000263u);		/* 192.0.2.99 */
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, other, 5));
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(no_owner, 1);
	ASSERT_INT_EQ(SA.cli_rx + SB.cli_rx, 4);
	/* Over the MTU: counted as such. */
	memset(pkt, 0, sizeof pkt);
	mk4(pkt, hc.local4, a4, 6);
	pkt[2] = 1500 >> 8;
	pkt[3] = 1500 & 0xff;
	tun_inject(sv[1], pkt, 1500);
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(too_big, 1);
	ASSERT_INT_EQ(SA.cli_rx, 3);
	/*
	 * A's output full: A's packet held and the TUN not read (B's waits
	 * in it) until A drains; then A's, then B's.
	 */
	SA.full = true;
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, a4, 7));
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, b4, 8));
	ASSERT_INT_EQ(SA.cli_rx, 3);
	ASSERT_INT_EQ(SB.cli_rx, 1);
	SA.full = false;
	link_server_drained(SA.link);
	pump();
	ASSERT_INT_EQ(SA.cli_rx, 4);
	ASSERT_INT_EQ(SA.cli_last[27], 7);
	ASSERT_INT_EQ(SB.cli_rx, 2);
	/*
	 * A full for longer than the hold: its packet dropped, B's behind
	 * it delivered; while A stays full its packets are dropped at once
	 * (B's not held up); once A drains it takes packets again.
	 */
	SA.full = true;
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, a4, 0x17));
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, b4, 0x18));
	ASSERT_INT_EQ(SB.cli_rx, 2);
	hold_out();
	ASSERT_INT_EQ(SA.cli_rx, 4);
	ASSERT_INT_EQ(SB.cli_rx, 3);
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, a4, 0x19));
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, b4, 0x1a));
	ASSERT_INT_EQ(SA.cli_rx, 4);
	ASSERT_INT_EQ(SB.cli_rx, 4);
	SA.full = false;
	link_server_drained(SA.link);
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, a4, 0x1b));
	ASSERT_INT_EQ(SA.cli_rx, 5);
	ASSERT_INT_EQ(SA.cli_last[27], 0x1b);

	/* A -> TUN with its own source (IPv4, pool6, fe80::): passes. */
	cli_send(&SA, pkt, mk4(pkt, a4, hc.local4, 9));
	n = tun_take(sv[1], got, sizeof got);
	ASSERT_INT_EQ(n, 28);
	ASSERT_INT_EQ(got[27], 9);
	cli_send(&SA, pkt, mk6(pkt, a6, b6, 10));
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 48);
	cli_send(&SA, pkt, mk6(pkt, x6, b6, 11));
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 48);
	/* A -> TUN with B's source: dropped and counted, both families. */
	cli_send(&SA, pkt, mk4(pkt, b4, hc.local4, 12));
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(spoofed, 1);
	cli_send(&SA, pkt, mk6(pkt, b6, a6, 13));
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);
	addr6(x6, SB.net.ip.peer_ifid, true);
	cli_send(&SA, pkt, mk6(pkt, x6, a6, 14));
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);
	/* Any other source too (a forged one, the server's own). */
	cli_send(&SA, pkt, mk4(pkt, other, hc.local4, 15));
	cli_send(&SA, pkt, mk4(pkt, hc.local4, hc.local4, 16));
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(spoofed, 5);
	/* B with its own source still passes. */
	cli_send(&SB, pkt, mk4(pkt, b4, hc.local4, 17));
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 28);

	/* A ends: its address goes back, its packets find no owner. */
	link_stop(SA.link, LINK_STOP_HANGUP);
	ASSERT_INT_EQ(SA.gone, 1);
	ASSERT_INT_EQ(SA.net_down, 1);
	ASSERT_INT_EQ(released, 0);
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, a4, 18));
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(no_owner, 2);
	link_free(SA.link);
	SA.link = NULL;
	ASSERT_INT_EQ(released, 1);
	ASSERT_U32_EQ(released_addr[0], a4);
	tun_inject(sv[1], pkt, mk6(pkt, b6, a6, 19));
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(no_owner, 3);
	ASSERT_INT_EQ(SA.cli_rx, 5);
	/* B goes on. */
	tun_inject(sv[1], pkt, mk4(pkt, hc.local4, b4, 20));
	ASSERT_INT_EQ(SB.cli_rx, 5);

	link_stop(SB.link, LINK_STOP_HANGUP);
	link_free(SB.link);
	SB.link = NULL;
	ASSERT_INT_EQ(released, 2);
	ASSERT_U32_EQ(released_addr[1], b4);
	ppp_engine_free(SA.cli);
	ppp_engine_free(SB.cli);
	tun_hub_free(hub);		/* closes sv[0] */
	close(sv[1]);
	event_base_free(base);
	nall = 0;
	TEST_DONE();
}

/*
 * NMANY sessions: the table grows and its buckets are shared; every
 * packet reaches exactly the session owning its destination.
 */
static void
test_many(void)
{
	struct tun_hub_conf hc;
	struct tun_hub *hub;
	struct sess *ss;
	uint8_t pkt[FMAX], d6[16], s6[16];
	uint64_t no_owner, spoofed, too_big;
	char err[200];
	int sv[2], bad = 0;
	size_t i, j;

	TEST_START("tunsrv: many sessions, one owner each");
	ss = calloc(NMANY, sizeof *ss);
	ASSERT_PTR_NOT_NULL(ss);
	ASSERT_INT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ASSERT_INT_EQ(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	base = event_base_new();
	memset(&hc, 0, sizeof hc);
	hc.fd = sv[0];
	hc.name = "tsrv-many";
	inet_pton(AF_INET, LOCAL4, &hc.local4);
	hc.have_pool6 = true;
	inet_pton(AF_INET6, POOL6, hc.pool6);
	hc.pool6_prefix = 64;
	hub = tun_hub_new(base, &hc, err, sizeof err);
	ASSERT_PTR_NOT_NULL(hub);
	if (hub == NULL || ss == NULL)
		return;
	released = 0;
	next_host = 10;
	for (i = 0; i < NMANY; i++)
		sess_open(&ss[i], hub, "bob", "bob-Secret2",
		    (uint16_t)(0x100 + i));
	for (i = 0; i < NMANY; i++)
		if (!ss[i].cli_up || ss[i].net_up != 1)
			bad++;
	ASSERT_INT_EQ(bad, 0);
	for (i = 0; i < NMANY; i++) {
		tun_inject(sv[1], pkt, mk4(pkt, hc.local4,
		    ss[i].net.ip.peer4, (uint8_t)i));
		addr6(d6, ss[i].net.ip.peer_ifid, false);
		addr6(s6, ss[(i + 1) % NMANY].net.ip.peer_ifid, false);
		tun_inject(sv[1], pkt, mk6(pkt, s6, d6, (uint8_t)i));
		for (j = 0; j < NMANY; j++)
			if (ss[j].cli_rx != (j <= i ? 2 : 0))
				bad++;
	}
	ASSERT_INT_EQ(bad, 0);
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(no_owner, 0);
	for (i = 0; i < NMANY; i++) {
		link_stop(ss[i].link, LINK_STOP_HANGUP);
		link_free(ss[i].link);
		ppp_engine_free(ss[i].cli);
	}
	ASSERT_INT_EQ(released, NMANY);
	tun_hub_free(hub);
	close(sv[1]);
	event_base_free(base);
	nall = 0;
	free(ss);
	TEST_DONE();
}

/* --- IFF_VNET_HDR: TSO from the TUN, GRO toward it -------------------------- */

#define VNET		GSO_VNET_HDR_LEN

/* Big-endian 32 bits (RFC 9293's sequence numbers). */
static void
store_be32(uint8_t *p, uint32_t v)
{
	store_be16(p, (uint16_t)(v >> 16));
	store_be16(p + 2, (uint16_t)v);
}

/* The other way. */
static uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)load_be16(p) << 16 | load_be16(p + 2);
}
#define SUPER_MAX	(VNET + 20 + 20 + 1000)

/* An IPv4 TCP packet src -> dst, seq @seq, @pay payload octets (ACK). */
static size_t
mk_tcp4(uint8_t *p, uint32_t src, uint32_t dst, uint32_t seq, size_t pay)
{
	size_t i, len = 40 + pay;

	memset(p, 0, 40);
	p[0] = 0x45;
	store_be16(p + 2, (uint16_t)len);
	store_be16(p + 4, 0x1234);
	p[8] = 64;
	p[9] = 6;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	store_be16(p + 20, 40000);
	store_be16(p + 22, 5201);
	store_be32(p + 24, seq);
	store_be32(p + 28, 777);
	p[32] = 5 << 4;
	p[33] = 0x10;			/* ACK */
	store_be16(p + 34, 512);
	for (i = 0; i < pay; i++)
		p[40 + i] = (uint8_t)(seq + i);
	csum4(p);
	return len;
}

/* The same, IPv6. */
static size_t
mk_tcp6(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t seq,
    size_t pay)
{
	uint8_t v4[40 + 1000];
	size_t len;

	mk_tcp4(v4, 0, 0, seq, pay);
	memset(p, 0, 40);
	p[0] = 0x60;
	store_be16(p + 4, (uint16_t)(20 + pay));
	p[6] = 6;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	memcpy(p + 40, v4 + 20, 20 + pay);
	len = 60 + pay;
	return len;
}

/*
 * A virtio_net_hdr (little-endian, virtio 1.x 5.1.6) in front of @pkt at
 * @out: @type a GSO type with @mss, checksum from the transport header.
 */
static size_t
vnet_wrap(uint8_t *out, uint8_t type, uint16_t mss, const uint8_t *pkt,
    size_t len, size_t ip_hlen)
{
	memset(out, 0, VNET);
	out[0] = GSO_VNET_F_NEEDS_CSUM;
	out[1] = type;
	out[2] = (uint8_t)(ip_hlen + 20);
	out[4] = (uint8_t)mss;
	out[5] = (uint8_t)(mss >> 8);
	out[6] = (uint8_t)ip_hlen;
	out[8] = 16;			/* TCP's checksum field */
	memcpy(out + VNET, pkt, len);
	return VNET + len;
}

/* The segments of an IPv4 super-packet, made (with checksums) by gso. */
static size_t
cut4(uint8_t segs[][FMAX], size_t *lens, uint32_t src, uint32_t dst,
    uint32_t seq, size_t pay, uint16_t mss)
{
	static uint8_t sup[40 + 1000];
	struct gso_vnet_hdr h = { GSO_VNET_F_NEEDS_CSUM, GSO_VNET_GSO_TCPV4,
	    40, mss, 20, 16 };
	struct gso g;
	enum gso_kind kind;
	size_t n = 0, len = mk_tcp4(sup, src, dst, seq, pay);

	ASSERT_INT_EQ(gso_start(&g, &h, sup, len, FMAX, &kind), GSO_OK);
	ASSERT_INT_EQ(kind, GSO_SEGMENT);
	while (n < 8 && (lens[n] = gso_next(&g, segs[n])) > 0)
		n++;
	return n;
}

/* Client @s sends packets in one batch (one TLS read's worth). */
static void
cli_batch(struct sess *s, uint8_t pkts[][FMAX], const size_t *lens,
    size_t n)
{
	uint8_t buf[PPP_ENGINE_HEADROOM + FMAX], *f;
	size_t i, flen;

	for (i = 0; i < n; i++) {
		memcpy(buf + PPP_ENGINE_HEADROOM, pkts[i], lens[i]);
		f = ppp_engine_wrap_ip(s->cli, buf + PPP_ENGINE_HEADROOM,
		    lens[i], &flen);
		ASSERT_PTR_NOT_NULL(f);
		if (f != NULL)
			q_put(&s->to_srv, f, flen);
	}
	pump();
}

/* The log file @path as a string (NUL-terminated, at most cap - 1). */
static void
log_slurp(const char *path, char *text, size_t cap)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	text[0] = '\0';
	fd = open(path, O_RDONLY);
	ASSERT_INT_GE(fd, 0);
	if (fd < 0)
		return;
	while (off < cap - 1 && (n = read(fd, text + off, cap - 1 - off)) > 0)
		off += (size_t)n;
	text[off] = '\0';
	close(fd);
}

/*
 * The lines about one session carry its context (util/log.h), as its
 * engine's do: a forged source, an address another session holds (IPv4,
 * IPv6), a packet that is no IP, a frame the session refused, the stop,
 * the drops counted at its end.  Only tunsrv.c's and link_eng.c's lines
 * are written (the filter).
 */
static void
test_log_ctx(void)
{
	static const char ca[] = "session 00000000000000aa";
	static const char cb[] = "session 00000000000000bb";
	struct tun_hub_conf hc;
	struct tun_hub *hub;
	struct log_conf lc = { .level = LOG_LVL_TRACE,
	    .sink = LOG_SINK_FILE, .filter = "tunsrv,link_eng" };
	char dir[] = "/tmp/test_tunsrv.XXXXXX", path[64], err[200];
	char line[256], b6[INET6_ADDRSTRLEN];
	static char text[65536];
	uint8_t a6[16];
	uint8_t pkt[FMAX], buf[PPP_ENGINE_HEADROOM + FMAX], *f;
	uint32_t other;
	size_t flen;
	int sv[2];

	TEST_START("tunsrv: a session's lines carry its log context");
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/log", dir);
	lc.path = path;
	ASSERT_INT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ASSERT_INT_EQ(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	base = event_base_new();
	memset(&hc, 0, sizeof hc);
	hc.fd = sv[0];
	hc.name = "tsrv-log";
	hc.mtu = 1400;
	inet_pton(AF_INET, LOCAL4, &hc.local4);
	hc.have_pool6 = true;
	inet_pton(AF_INET6, POOL6, hc.pool6);
	hc.pool6_prefix = 64;
	hub = tun_hub_new(base, &hc, err, sizeof err);
	ASSERT_PTR_NOT_NULL(hub);
	if (hub == NULL)
		return;
	ASSERT_INT_EQ(log_open(&lc), 0);

	/* B gets A's IPv4 address (the fake pool again) and A's ID. */
	memset(&SA, 0, sizeof SA);
	memset(&SB, 0, sizeof SB);
	SA.log_ctx = ca;
	SB.log_ctx = cb;
	released = 0;
	next_host = 30;
	sess_open(&SA, hub, "alice", "alice-Secret1", 0xaa);
	next_host = 30;
	sess_open(&SB, hub, "bob", "bob-Secret2", 0xaa);
	ASSERT_TRUE(SA.cli_up && SB.cli_up);
	ASSERT_U32_EQ(SA.net.ip.peer4, SB.net.ip.peer4);
	addr6(a6, SB.net.ip.peer_ifid, false);
	ASSERT_PTR_NOT_NULL(inet_ntop(AF_INET6, a6, b6, sizeof b6));

	/* A forges a source. */
	other = htonl(0xc0000263u);		/* 192.0.2.99 */
	cli_send(&SA, pkt, mk4(pkt, other, hc.local4, 1));
	/* A sends an IPv4 packet longer than its Total Length says. */
	memcpy(buf + PPP_ENGINE_HEADROOM, pkt,
	    mk4(pkt, SA.net.ip.peer4, hc.local4, 2));
	f = ppp_engine_wrap_ip(SA.cli, buf + PPP_ENGINE_HEADROOM, 28, &flen);
	ASSERT_PTR_NOT_NULL(f);
	if (f != NULL) {
		f[flen - 28 + 3] = 40;		/* Total Length 40 > 28 */
		q_put(&SA.to_srv, f, flen);
	}
	pump();
	/* A's session refuses the Terminate-Request, then hangs up. */
	SA.refuse = true;
	link_stop(SA.link, LINK_STOP_ORDERLY);
	pump();
	link_stop(SA.link, LINK_STOP_HANGUP);
	ASSERT_INT_EQ(SA.gone, 1);
	link_free(SA.link);
	SA.link = NULL;
	link_stop(SB.link, LINK_STOP_HANGUP);
	link_free(SB.link);
	SB.link = NULL;
	ppp_engine_free(SA.cli);
	ppp_engine_free(SB.cli);
	tun_hub_free(hub);		/* closes sv[0] */
	close(sv[1]);
	event_base_free(base);
	nall = 0;
	log_close();
	lc.level = LOG_LVL_ERR;
	lc.sink = LOG_SINK_STDERR;
	lc.filter = NULL;
	(void)log_open(&lc);		/* the harness's default again */

	log_slurp(path, text, sizeof text);
	snprintf(line, sizeof line, "warning: %s: TUN tsrv-log: dropped a "
	    "packet from alice with the source 192.0.2.99, not its own", ca);
	TH_CHECK(strstr(text, line) != NULL, "no \"%s\" in:\n%s", line, text);
	snprintf(line, sizeof line, "warning: %s: TUN tsrv-log: 192.0.2.30 "
	    "belongs to another session: no IPv4 for this one", cb);
	TH_CHECK(strstr(text, line) != NULL, "no \"%s\" in:\n%s", line, text);
	snprintf(line, sizeof line, "warning: %s: TUN tsrv-log: %s belongs "
	    "to another session: no IPv6 for this one", cb, b6);
	TH_CHECK(strstr(text, line) != NULL, "no \"%s\" in:\n%s", line, text);
	snprintf(line, sizeof line, "trace: %s: dropped a packet from the "
	    "client: not an IPv4 packet of its length (protocol 0x0021, "
	    "28 bytes)", ca);
	TH_CHECK(strstr(text, line) != NULL, "no \"%s\" in:\n%s", line, text);
	snprintf(line, sizeof line, "debug: %s: PPP: closing (LCP "
	    "Terminate-Request)", ca);
	TH_CHECK(strstr(text, line) != NULL, "no \"%s\" in:\n%s", line, text);
	snprintf(line, sizeof line, "trace: %s: PPP frame for the client "
	    "not sent (%s)", ca, strerror(EPIPE));
	TH_CHECK(strstr(text, line) != NULL, "no \"%s\" in:\n%s", line, text);
	snprintf(line, sizeof line, "info: %s: TUN tsrv-log: session dropped "
	    "0 packet(s) from the TUN (output full 0, engine 0, SSTP gate "
	    "0), 2 toward it (IP check 1, spoofed source 1, TUN full 0)", ca);
	TH_CHECK(strstr(text, line) != NULL, "no \"%s\" in:\n%s", line, text);
	unlink(path);
	rmdir(dir);
	TEST_DONE();
}

/* The hub with a virtio_net_hdr on its TUN: TSO in, GRO out. */
static void
test_vnet(void)
{
	struct tun_hub_conf hc;
	struct tun_hub *hub;
	static uint8_t sup[SUPER_MAX], pkt[SUPER_MAX], got[SUPER_MAX];
	static uint8_t segs[8][FMAX];
	size_t lens[8], n, len;
	uint8_t a6[16], b6[16];
	uint64_t no_owner, spoofed, too_big;
	uint32_t a4, b4, other;
	char err[200];
	int sv[2], k;

	TEST_START("tunsrv: IFF_VNET_HDR, segments and coalescing");
	ASSERT_INT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ASSERT_INT_EQ(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	base = event_base_new();
	memset(&hc, 0, sizeof hc);
	hc.fd = sv[0];
	hc.name = "tsrv-vnet";
	hc.mtu = 1400;
	hc.vnet_hdr = VNET;
	hc.vnet_le = true;
	inet_pton(AF_INET, LOCAL4, &hc.local4);
	hc.have_pool6 = true;
	inet_pton(AF_INET6, POOL6, hc.pool6);
	hc.pool6_prefix = 64;
	hub = tun_hub_new(base, &hc, err, sizeof err);
	ASSERT_PTR_NOT_NULL(hub);
	if (hub == NULL)
		return;
	memset(&SA, 0, sizeof SA);
	memset(&SB, 0, sizeof SB);
	released = 0;
	sess_open(&SA, hub, "alice", "alice-Secret1", 0xaa);
	sess_open(&SB, hub, "bob", "bob-Secret2", 0xbb);
	ASSERT_TRUE(SA.cli_up && SB.cli_up);
	a4 = SA.net.ip.peer4;
	b4 = SB.net.ip.peer4;
	addr6(a6, SA.net.ip.peer_ifid, false);
	addr6(b6, SB.net.ip.peer_ifid, false);

	/* TSO, IPv4: 540 octets at an MSS of 100 -> 6 segments, A only. */
	len = mk_tcp4(pkt, hc.local4, a4, 1000, 540);
	tun_inject(sv[1], sup, vnet_wrap(sup, GSO_VNET_GSO_TCPV4, 100, pkt,
	    len, 20));
	ASSERT_INT_EQ(SA.cli_rx, 6);
	ASSERT_INT_EQ(SB.cli_rx, 0);
	/* The last: 40 octets of payload at seq 1500, its own lengths. */
	ASSERT_INT_EQ(SA.cli_last_len, 80);
	ASSERT_U32_EQ(load_be32(SA.cli_last + 24), 1500);
	ASSERT_INT_EQ(load_be16(SA.cli_last + 2), 80);
	ASSERT_INT_EQ(SA.cli_last[40], (uint8_t)1500);
	/* IPv6 to B's pool6 /128: 3 segments, B only. */
	len = mk_tcp6(pkt, a6, b6, 5, 250);
	tun_inject(sv[1], sup, vnet_wrap(sup, GSO_VNET_GSO_TCPV6, 100, pkt,
	    len, 40));
	ASSERT_INT_EQ(SB.cli_rx, 3);
	ASSERT_INT_EQ(SA.cli_rx, 6);
	ASSERT_INT_EQ(SB.cli_last_len, 40 + 20 + 50);
	/* For no session: every segment counted, none delivered. */
	other = htonl(0xc0000263u);		/* 192.0.2.99 */
	len = mk_tcp4(pkt, hc.local4, other, 1, 400);
	tun_inject(sv[1], sup, vnet_wrap(sup, GSO_VNET_GSO_TCPV4, 100, pkt,
	    len, 20));
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(no_owner, 4);
	ASSERT_INT_EQ(SA.cli_rx + SB.cli_rx, 9);
	/* A plain packet behind a GSO_NONE header; a UDP GSO type: refused. */
	len = mk4(pkt + VNET, hc.local4, a4, 0x21);
	memset(pkt, 0, VNET);
	tun_inject(sv[1], pkt, VNET + len);
	ASSERT_INT_EQ(SA.cli_rx, 7);
	ASSERT_INT_EQ(SA.cli_last[27], 0x21);
	len = mk_tcp4(pkt, hc.local4, a4, 1, 300);
	n = vnet_wrap(sup, GSO_VNET_GSO_UDP, 100, pkt, len, 20);
	tun_inject(sv[1], sup, n);
	ASSERT_INT_EQ(SA.cli_rx, 7);
	/* Segments over the sessions' MTU: counted too big. */
	len = mk_tcp4(pkt, hc.local4, a4, 1, 1000);
	tun_inject(sv[1], sup, vnet_wrap(sup, GSO_VNET_GSO_TCPV4, 1380,
	    pkt, len, 20));
	ASSERT_INT_EQ(SA.cli_rx, 7);

	/*
	 * A's output fills after every 2 frames: the rest of its
	 * super-packet is held until A drains (pump() drains it), all 5
	 * arrive; B's, behind it in the TUN, arrives whole after them.
	 */
	SA.full_at = 2;
	len = mk_tcp4(pkt, hc.local4, a4, 1, 500);
	n = vnet_wrap(sup, GSO_VNET_GSO_TCPV4, 100, pkt, len, 20);
	ASSERT_INT_EQ(write(sv[1], sup, n), (long long)n);
	len = mk_tcp4(pkt, hc.local4, b4, 1, 500);
	tun_inject(sv[1], sup, vnet_wrap(sup, GSO_VNET_GSO_TCPV4, 100, pkt,
	    len, 20));
	ASSERT_INT_EQ(SA.cli_rx, 12);
	ASSERT_INT_EQ(SB.cli_rx, 8);
	SA.full_at = 0;
	/*
	 * A full and staying full: after 2 segments the rest is held, then
	 * dropped when the hold times out; B's behind it arrives whole.
	 */
	SA.full_at = 2;
	SA.to_cli.n = 0;
	len = mk_tcp4(pkt, hc.local4, a4, 1, 500);
	n = vnet_wrap(sup, GSO_VNET_GSO_TCPV4, 100, pkt, len, 20);
	ASSERT_INT_EQ(write(sv[1], sup, n), (long long)n);
	len = mk_tcp4(pkt, hc.local4, b4, 1, 500);
	n = vnet_wrap(sup, GSO_VNET_GSO_TCPV4, 100, pkt, len, 20);
	ASSERT_INT_EQ(write(sv[1], sup, n), (long long)n);
	event_base_loop(base, EVLOOP_NONBLOCK);
	ASSERT_INT_EQ(SA.to_cli.n, 2);
	ASSERT_INT_EQ(SB.cli_rx, 8);
	SA.full = true;
	hold_out();
	ASSERT_INT_EQ(SA.cli_rx, 14);
	ASSERT_INT_EQ(SB.cli_rx, 13);
	SA.full = false;
	SA.full_at = 0;
	link_server_drained(SA.link);

	/* GRO: A's 3 segments in one batch -> one TCPV4 super-packet. */
	n = cut4(segs, lens, a4, hc.local4, 100, 300, 100);
	ASSERT_INT_EQ(n, 3);
	cli_batch(&SA, segs, lens, n);
	k = (int)tun_take(sv[1], got, sizeof got);
	ASSERT_INT_EQ(k, VNET + 40 + 300);
	ASSERT_INT_EQ(got[1], GSO_VNET_GSO_TCPV4);
	ASSERT_INT_EQ(got[4] | got[5] << 8, 100);
	ASSERT_INT_EQ(load_be16(got + VNET + 2), 340);
	ASSERT_TRUE(memcmp(got + VNET + 12, &a4, 4) == 0);
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);

	/*
	 * A forged source among A's segments: the 3rd carries B's address.
	 * Dropped and counted before the coalescer: the TUN gets segments
	 * 1-2 as one, then 4 alone (it does not continue 2), none from B.
	 */
	n = cut4(segs, lens, a4, hc.local4, 5000, 400, 100);
	ASSERT_INT_EQ(n, 4);
	memcpy(segs[2] + 12, &b4, 4);
	csum4(segs[2]);
	cli_batch(&SA, segs, lens, n);
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(spoofed, 1);
	k = (int)tun_take(sv[1], got, sizeof got);
	ASSERT_INT_EQ(k, VNET + 40 + 200);
	ASSERT_INT_EQ(got[1], GSO_VNET_GSO_TCPV4);
	ASSERT_TRUE(memcmp(got + VNET + 12, &a4, 4) == 0);
	k = (int)tun_take(sv[1], got, sizeof got);
	ASSERT_INT_EQ(k, VNET + 40 + 100);
	ASSERT_INT_EQ(got[1], GSO_VNET_GSO_NONE);
	ASSERT_TRUE(memcmp(got + VNET + 12, &a4, 4) == 0);
	ASSERT_U32_EQ(load_be32(got + VNET + 24), 5300);
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);
	/* B's segments with A's source: all dropped, nothing written. */
	n = cut4(segs, lens, a4, hc.local4, 9000, 300, 100);
	cli_batch(&SB, segs, lens, n);
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(spoofed, 4);
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);
	/* A's held segments go out when A ends (not lost, not B's). */
	n = cut4(segs, lens, a4, hc.local4, 20000, 200, 100);
	for (k = 0; k < (int)n; k++) {
		uint8_t buf[PPP_ENGINE_HEADROOM + FMAX], *f;
		size_t flen;

		memcpy(buf + PPP_ENGINE_HEADROOM, segs[k], lens[k]);
		f = ppp_engine_wrap_ip(SA.cli, buf + PPP_ENGINE_HEADROOM,
		    lens[k], &flen);
		if (f != NULL)
			link_from_server(SA.link, f, flen);
	}
	link_stop(SA.link, LINK_STOP_HANGUP);
	k = (int)tun_take(sv[1], got, sizeof got);
	ASSERT_INT_EQ(k, VNET + 40 + 200);
	link_free(SA.link);
	SA.link = NULL;
	pump();
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);

	link_stop(SB.link, LINK_STOP_HANGUP);
	link_free(SB.link);
	SB.link = NULL;
	ppp_engine_free(SA.cli);
	ppp_engine_free(SB.cli);
	tun_hub_free(hub);
	close(sv[1]);
	event_base_free(base);
	nall = 0;
	TEST_DONE();
}

/* A pool6 longer than /64 leaves no room for the identifiers. */
static void
test_hub_conf(void)
{
	struct tun_hub_conf hc;
	struct event_base *b = event_base_new();
	char err[200] = "";

	TEST_START("tunsrv: hub configuration");
	memset(&hc, 0, sizeof hc);
	hc.fd = -1;
	ASSERT_PTR_NULL(tun_hub_new(b, &hc, err, sizeof err));
	hc.fd = 0;
	hc.have_pool6 = true;
	hc.pool6_prefix = 96;
	ASSERT_PTR_NULL(tun_hub_new(b, &hc, err, sizeof err));
	ASSERT_TRUE(strstr(err, "/96") != NULL);
	event_base_free(b);
	TEST_DONE();
}

/* Write @val to the sysctl file @path of this network namespace. */
static bool
sysctl_set(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (f == NULL)
		return false;
	ok = fputs(val, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* Pump until @s has received more than @n packets, at most ~1 s. */
static bool
wait_rx(struct sess *s, int n)
{
	int i;

	for (i = 0; i < 100 && s->cli_rx <= n; i++) {
		pump();
		if (s->cli_rx <= n)
			usleep(10000);
	}
	return s->cli_rx > n;
}

/*
 * A real TUN (root, a network namespace of its own): srv_tun_open() makes
 * and routes the device, two sessions on the hub; A's packet for B goes
 * through the kernel's forwarding and back out to B (IPv4 and IPv6); a
 * datagram from the host reaches A; a spoofed one from A never reaches B.
 */
static void
test_real_tun(void)
{
	struct sstpd_conf c;
	struct tun_hub_conf hc;
	struct tun_hub *hub;
	struct sockaddr_in to = { .sin_family = AF_INET,
	    .sin_port = htons(9) };
	uint8_t pkt[FMAX], a6[16], b6[16];
	uint64_t no_owner, spoofed, too_big;
	char err[256] = "", name[] = "tsrv0", ifname[16];
	uint32_t a4, b4, x4;
	int fd, s, n;

	TEST_START("tunsrv: a real TUN, through the kernel");
	if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK) != 0 ||
	    unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: tunsrv: a real TUN (needs root, /dev/net/tun and "
		    "a network namespace)\n");
		return;
	}
	ASSERT_TRUE(sysctl_set("/proc/sys/net/ipv4/ip_forward", "1"));
	ASSERT_TRUE(sysctl_set("/proc/sys/net/ipv6/conf/all/forwarding",
	    "1"));
	memset(&c, 0, sizeof c);
	c.tun_name = name;
	c.mtu = 1400;
	inet_pton(AF_INET, "192.0.2.0", &c.pool4);
	c.pool4_prefix = 24;
	c.have_pool6 = true;
	inet_pton(AF_INET6, POOL6, c.pool6);
	c.pool6_prefix = 64;
	memset(&hc, 0, sizeof hc);
	inet_pton(AF_INET, LOCAL4, &hc.local4);
	fd = srv_tun_open(&c, hc.local4, ifname, sizeof ifname, &hc, err,
	    sizeof err);
	ASSERT_INT_GE(fd, 0);
	if (fd < 0) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	base = event_base_new();
	hc.fd = fd;
	hc.name = ifname;
	hc.mtu = c.mtu;
	hc.have_pool6 = true;
	memcpy(hc.pool6, c.pool6, 16);
	hc.pool6_prefix = 64;
	hub = tun_hub_new(base, &hc, err, sizeof err);
	ASSERT_PTR_NOT_NULL(hub);
	if (hub == NULL)
		return;
	memset(&SA, 0, sizeof SA);
	memset(&SB, 0, sizeof SB);
	released = 0;
	sess_open(&SA, hub, "alice", "alice-Secret1", 0xaa);
	sess_open(&SB, hub, "bob", "bob-Secret2", 0xbb);
	ASSERT_TRUE(SA.cli_up && SB.cli_up);
	ASSERT_INT_LT(0, SA.net.ifindex);
	a4 = SA.net.ip.peer4;
	b4 = SB.net.ip.peer4;
	addr6(a6, SA.net.ip.peer_ifid, false);
	addr6(b6, SB.net.ip.peer_ifid, false);

	/* A -> B, IPv4, through the kernel's forwarding. */
	mk4(pkt, a4, b4, 0x41);
	csum4(pkt);
	cli_send(&SA, pkt, 28);
	ASSERT_TRUE(wait_rx(&SB, 0));
	ASSERT_INT_EQ(SB.cli_last_len, 28);
	ASSERT_INT_EQ(SB.cli_last[8], 63);		/* one hop */
	ASSERT_INT_EQ(SB.cli_last[27], 0x41);
	/* A -> B, IPv6 (pool6 /128s). */
	n = SB.cli_rx;
	cli_send(&SA, pkt, mk6(pkt, a6, b6, 0x61));
	ASSERT_TRUE(wait_rx(&SB, n));
	ASSERT_INT_EQ(SB.cli_last_len, 48);
	ASSERT_INT_EQ(SB.cli_last[7], 63);
	ASSERT_INT_EQ(SB.cli_last[47], 0x61);
	/* The host -> A: a datagram from the server's address. */
	n = SA.cli_rx;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	memcpy(&to.sin_addr, &a4, 4);
	ASSERT_INT_EQ(sendto(s, "hello", 5, 0, (struct sockaddr *)&to,
	    sizeof to), 5);
	close(s);
	ASSERT_TRUE(wait_rx(&SA, n));
	ASSERT_INT_EQ(SA.cli_last_len, 33);
	ASSERT_MEM_EQ(SA.cli_last + 12, &hc.local4, 4);
	ASSERT_MEM_EQ(SA.cli_last + 28, "hello", 5);
	/* A forging a source: never reaches B. */
	n = SB.cli_rx;
	inet_pton(AF_INET, "192.0.2.200", &x4);
	mk4(pkt, x4, b4, 0x42);
	csum4(pkt);
	cli_send(&SA, pkt, 28);
	ASSERT_FALSE(wait_rx(&SB, n));
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(spoofed, 1);

	link_stop(SA.link, LINK_STOP_HANGUP);
	link_free(SA.link);
	link_stop(SB.link, LINK_STOP_HANGUP);
	link_free(SB.link);
	ASSERT_INT_EQ(released, 2);
	ppp_engine_free(SA.cli);
	ppp_engine_free(SB.cli);
	tun_hub_free(hub);
	ASSERT_TRUE(if_nametoindex("tsrv0") == 0);
	event_base_free(base);
	nall = 0;
	TEST_DONE();
}

/* A Router Solicitation from fe80::@ifid (hop limit @hop) to ff02::2. */
static size_t
mk_rs(uint8_t *p, const uint8_t *ifid, uint8_t hop)
{
	uint16_t cs;

	memset(p, 0, 48);
	p[0] = 0x60;
	p[5] = 8;
	p[6] = ND_ICMP6;
	p[7] = hop;
	addr6(p + 8, ifid, true);
	memcpy(p + 24, nd_all_routers, 16);
	p[40] = ND_TYPE_RS;
	cs = nd_icmp6_csum(p + 8, p + 24, p + 40, 8);
	p[42] = (uint8_t)(cs >> 8);
	p[43] = (uint8_t)cs;
	return 48;
}

/* Is the client's last packet our RA (RFC 4861 4.2) of POOL6/64? */
static bool
last_is_ra(const struct sess *s, uint16_t lifetime)
{
	const uint8_t *p = s->cli_last;
	uint8_t pfx[16], ll[16] = { 0xfe, 0x80, [15] = 1 };

	inet_pton(AF_INET6, POOL6, pfx);
	return s->cli_last_len == ND_RA_LEN && p[7] == 255 &&
	    p[6] == ND_ICMP6 && p[40] == ND_TYPE_RA &&
	    memcmp(p + 8, ll, 16) == 0 &&
	    memcmp(p + 24, nd_all_nodes, 16) == 0 &&
	    (p[46] << 8 | p[47]) == lifetime &&
	    p[56] == 5 && (p[62] << 8 | p[63]) == 1400 &&
	    p[64] == 3 && p[66] == 64 && p[67] == 0xc0 &&
	    memcmp(p + 80, pfx, 16) == 0 &&
	    nd_icmp6_csum(p + 8, p + 24, p + 40, ND_RA_LEN - 40) == 0;
}

/*
 * conf.ra: an RA to the client as soon as IPV6CP is up; a Router
 * Solicitation is answered (MIN_DELAY_BETWEEN_RAS after the last RA) and
 * not passed to the TUN; an invalid one is dropped; nothing after the end.
 */
static void
test_ra(void)
{
	struct timespec ts = { 3, 100 * 1000 * 1000 };
	struct tun_hub_conf hc;
	struct tun_hub *hub;
	uint8_t pkt[FMAX], got[FMAX];
	char err[200];
	int sv[2], rx;

	TEST_START("tunsrv: Router Advertisements");
	ASSERT_INT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ASSERT_INT_EQ(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	base = event_base_new();
	memset(&hc, 0, sizeof hc);
	hc.fd = sv[0];
	hc.name = "tsrv-test";
	hc.mtu = 1400;
	inet_pton(AF_INET, LOCAL4, &hc.local4);
	hc.have_pool6 = true;
	inet_pton(AF_INET6, POOL6, hc.pool6);
	hc.pool6_prefix = 64;
	hc.ra = true;
	hc.ra_lifetime = 1800;
	hub = tun_hub_new(base, &hc, err, sizeof err);
	ASSERT_PTR_NOT_NULL(hub);
	if (hub == NULL)
		return;
	memset(&SA, 0, sizeof SA);
	SA.name = "A";
	sess_open(&SA, hub, "alice", "alice-Secret1", 0xaa);
	ASSERT_TRUE(SA.cli_up && SA.cli_ip.have_ip6);
	/* The first RA at once. */
	ASSERT_INT_EQ(SA.cli_rx, 1);
	ASSERT_TRUE(last_is_ra(&SA, 1800));
	/* A solicitation within 3 s of it: not yet, and not to the TUN. */
	cli_send(&SA, pkt, mk_rs(pkt, SA.net.ip.peer_ifid, 255));
	ASSERT_INT_EQ(SA.cli_rx, 1);
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);
	/* MIN_DELAY_BETWEEN_RAS after the first: the answer. */
	nanosleep(&ts, NULL);
	pump();
	ASSERT_INT_EQ(SA.cli_rx, 2);
	ASSERT_TRUE(last_is_ra(&SA, 1800));
	/* Hop limit 64 (RFC 4861 6.1.1): dropped, no RA, not to the TUN. */
	nanosleep(&ts, NULL);
	cli_send(&SA, pkt, mk_rs(pkt, SA.net.ip.peer_ifid, 64));
	pump();
	ASSERT_INT_EQ(SA.cli_rx, 2);
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);
	/* 3 s after the last RA: a valid one is answered at once. */
	cli_send(&SA, pkt, mk_rs(pkt, SA.net.ip.peer_ifid, 255));
	ASSERT_INT_EQ(SA.cli_rx, 3);
	ASSERT_TRUE(last_is_ra(&SA, 1800));
	/* Other ICMPv6 to ff02::2 (type 135) goes to the TUN as before. */
	mk_rs(pkt, SA.net.ip.peer_ifid, 255);
	pkt[40] = 135;
	cli_send(&SA, pkt, 48);
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 48);

	/* The end: no RA any more, its timer gone (ASan, valgrind). */
	rx = SA.cli_rx;
	link_stop(SA.link, LINK_STOP_HANGUP);
	ASSERT_INT_EQ(SA.gone, 1);
	pump();
	ASSERT_INT_EQ(SA.cli_rx, rx);
	link_free(SA.link);
	SA.link = NULL;
	ppp_engine_free(SA.cli);
	SA.cli = NULL;
	tun_hub_free(hub);
	close(sv[1]);
	event_base_free(base);
	nall = 0;
	TEST_DONE();
}

/* An address in the /64 @pfx with a random-looking identifier @x. */
static void
in64(uint8_t *out, const uint8_t *pfx, uint8_t x)
{
	unsigned i;

	memcpy(out, pfx, 8);
	for (i = 8; i < 16; i++)
		out[i] = (uint8_t)(x * 37 + i * 101);
}

/* The prefix of the client's last packet, an RA of a /64 (else false). */
static bool
last_ra_prefix(const struct sess *s, uint8_t *pfx)
{
	const uint8_t *p = s->cli_last;

	if (s->cli_last_len != ND_RA_LEN || p[40] != ND_TYPE_RA ||
	    p[64] != 3 || p[66] != 64 || p[67] != 0xc0)
		return false;
	memcpy(pfx, p + 80, 16);
	return true;
}

/*
 * A pool6 shorter than /64 (RFC 8273): each session its own /64 (the
 * /63 here: two), in its net_up and its RAs; any source inside its /64
 * passes (a temporary or stable-privacy address), another session's /64
 * or one outside is dropped; the TUN reaches any address of the /64; a
 * third session gets no IPv6 (none left) but IPv4; a freed /64 is given
 * again.
 */
static void
test_p64(void)
{
	struct tun_hub_conf hc;
	struct tun_hub *hub;
	struct sess SC, SD;
	uint8_t pkt[FMAX], got[FMAX], src[16], dst[16], pool[16], ra[16];
	uint8_t zero8[8] = { 0 };
	uint64_t no_owner, spoofed, too_big;
	char err[200];
	int sv[2], rx;

	TEST_START("tunsrv: a /64 of a /63 pool6 per session");
	ASSERT_INT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ASSERT_INT_EQ(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	base = event_base_new();
	memset(&hc, 0, sizeof hc);
	hc.fd = sv[0];
	hc.name = "tsrv-p64";
	hc.mtu = 1400;
	inet_pton(AF_INET, LOCAL4, &hc.local4);
	hc.have_pool6 = true;
	inet_pton(AF_INET6, "2001:db8:100::", pool);
	memcpy(hc.pool6, pool, 16);
	hc.pool6_prefix = 63;
	hc.ra = true;
	hc.ra_lifetime = 0;
	hub = tun_hub_new(base, &hc, err, sizeof err);
	ASSERT_PTR_NOT_NULL(hub);
	if (hub == NULL)
		return;
	memset(&SA, 0, sizeof SA);
	memset(&SB, 0, sizeof SB);
	memset(&SC, 0, sizeof SC);
	memset(&SD, 0, sizeof SD);
	SA.name = "A";
	SB.name = "B";
	SC.name = "C";
	SD.name = "D";
	sess_open(&SA, hub, "alice", "alice-Secret1", 0xaa);
	sess_open(&SB, hub, "bob", "bob-Secret2", 0xbb);
	ASSERT_TRUE(SA.net.have_prefix6 && SB.net.have_prefix6);
	ASSERT_INT_EQ(SA.net.prefix6_len, 64);
	/* Two different /64s, both inside 2001:db8:100::/63. */
	ASSERT_TRUE(memcmp(SA.net.prefix6, SB.net.prefix6, 16) != 0);
	ASSERT_MEM_EQ(SA.net.prefix6, pool, 7);
	ASSERT_MEM_EQ(SB.net.prefix6, pool, 7);
	ASSERT_MEM_EQ(SA.net.prefix6 + 8, zero8, 8);
	/* Each one's RA carries its own /64. */
	ASSERT_TRUE(last_ra_prefix(&SA, ra));
	ASSERT_MEM_EQ(ra, SA.net.prefix6, 16);
	ASSERT_TRUE(last_ra_prefix(&SB, ra));
	ASSERT_MEM_EQ(ra, SB.net.prefix6, 16);

	/* A from a random address of its /64: passes. */
	in64(src, SA.net.prefix6, 1);
	in64(dst, pool, 9);
	dst[7] = 0x77;			/* outside the pool */
	cli_send(&SA, pkt, mk6(pkt, src, dst, 0x31));
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 48);
	ASSERT_INT_EQ(got[47], 0x31);
	/* From B's /64, or from outside the pool: dropped. */
	in64(src, SB.net.prefix6, 2);
	cli_send(&SA, pkt, mk6(pkt, src, dst, 0x32));
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);
	in64(src, pool, 3);
	src[6] = 0x42;
	cli_send(&SA, pkt, mk6(pkt, src, dst, 0x33));
	ASSERT_INT_EQ(tun_take(sv[1], got, sizeof got), 0);
	tun_hub_stats(hub, &no_owner, &spoofed, &too_big);
	ASSERT_INT_EQ(spoofed, 2);

	/* TUN -> any address of A's /64: A only; of B's: B only. */
	rx = SA.cli_rx;
	in64(dst, SA.net.prefix6, 4);
	tun_inject(sv[1], pkt, mk6(pkt, dst, dst, 0x41));
	ASSERT_INT_EQ(SA.cli_rx, rx + 1);
	ASSERT_INT_EQ(SA.cli_last[47], 0x41);
	in64(dst, SA.net.prefix6, 5);
	tun_inject(sv[1], pkt, mk6(pkt, dst, dst, 0x42));
	ASSERT_INT_EQ(SA.cli_rx, rx + 2);
	rx = SB.cli_rx;
	in64(dst, SB.net.prefix6, 6);
	tun_inject(sv[1], pkt, mk6(pkt, dst, dst, 0x43));
	ASSERT_INT_EQ(SB.cli_rx, rx + 1);
	ASSERT_INT_EQ(SB.cli_last[47], 0x43);

	/* Both /64s given: C gets IPv4 only. */
	sess_open(&SC, hub, "bob", "bob-Secret2", 0xcc);
	ASSERT_INT_EQ(SC.net_up, 1);
	ASSERT_FALSE(SC.net.have_prefix6);
	ASSERT_FALSE(SC.net.ip.have_ip6);
	ASSERT_TRUE(SC.net.ip.have_ip4);

	/* A leaves: its /64 goes to D, and no longer reaches A. */
	link_stop(SA.link, LINK_STOP_HANGUP);
	link_free(SA.link);
	SA.link = NULL;
	sess_open(&SD, hub, "bob", "bob-Secret2", 0xdd);
	ASSERT_TRUE(SD.net.have_prefix6);
	ASSERT_MEM_EQ(SD.net.prefix6, SA.net.prefix6, 16);
	rx = SD.cli_rx;
	in64(dst, SD.net.prefix6, 7);
	tun_inject(sv[1], pkt, mk6(pkt, dst, dst, 0x44));
	ASSERT_INT_EQ(SD.cli_rx, rx + 1);

	link_stop(SB.link, LINK_STOP_HANGUP);
	link_stop(SC.link, LINK_STOP_HANGUP);
	link_stop(SD.link, LINK_STOP_HANGUP);
	link_free(SB.link);
	link_free(SC.link);
	link_free(SD.link);
	SB.link = NULL;
	ppp_engine_free(SA.cli);
	ppp_engine_free(SB.cli);
	ppp_engine_free(SC.cli);
	ppp_engine_free(SD.cli);
	SA.cli = SB.cli = NULL;
	tun_hub_free(hub);
	close(sv[1]);
	event_base_free(base);
	nall = 0;
	TEST_DONE();
}

int
main(void)
{
	test_hub_conf();
	test_two_sessions();
	test_many();
	test_log_ctx();
	test_vnet();
	test_ra();
	test_p64();
	test_real_tun();		/* last: it moves to a new namespace */
	return test_exit();
}
