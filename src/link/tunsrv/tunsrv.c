/*
 * tunsrv.c - sstpd's built-in backend (tunsrv.h): one TUN device shared by
 * every session, each session's PPP engine in its server role.
 *
 * The hub reads the TUN on the event loop, at most TUNSRV_BURST packets per
 * wake-up, each into one buffer with PPP_ENGINE_HEADROOM in front, and
 * looks its destination up in a hash table of peer addresses: the IPv4
 * address IPCP gave (RFC 1332 3.3) and the IPv6 /128 made of the pool6
 * prefix and the interface identifier IPV6CP agreed on (RFC 5072 4.1); a
 * destination fe80::ID (RFC 4291 2.5.6) is looked up by the same /128.
 * Without a pool6 the key is fe80::ID itself.  With a pool6 shorter than
 * /64 each session holds a /64 of its own instead (RFC 8273: hub_p64_get,
 * a bitmap of at most 2^16 /64s, taken by the engine's peer_ipv6 before
 * IPV6CP opens, none left: no IPV6CP), keyed with its low half 0, and a
 * destination is looked up by its /64 (a fe80:: one finds no owner).  The
 * owner's engine wraps the
 * packet in place (ppp_engine_wrap_ip) and it goes to that session's SSTP
 * output (link_up.to_server).  A packet (or the rest of a TSO
 * super-packet) for a session whose output is full (link_up.server_full)
 * is held and the TUN is not read until that session drains
 * (link_ops.server_drained), as the client's link stops reading its TUN:
 * the kernel keeps the sender's packets and TCP Small Queues throttles it,
 * where a drop would cost it a retransmission (a dropped segment was 7% of
 * a one-session download before).  A TUN cannot be paused for one session,
 * so the others wait behind it; the hold is bounded: a session still full
 * after TUNSRV_HOLD_MS loses the packet, and until it drains its packets
 * are dropped (counted) while it is full, as a full interface queue drops.
 *
 * A packet from a session (the engine's deliver) must match its PPP
 * protocol and length (link/link_ip.h) and carry the session's own source:
 * IPv4 the address it holds in the table, IPv6 its /128 or fe80::ID.  The
 * session must HOLD that entry: a second session that negotiated the same
 * interface identifier gets no IPv6 entry and so cannot use the other's
 * address.  Anything else is dropped, counted, logged at most once a second
 * per session.  A write the TUN refuses (EAGAIN) is dropped and counted:
 * there is no per-session queue toward a shared device.
 *
 * The hash mixes the key with a random seed: IPv6 identifiers are chosen
 * by the peers.  Chains are intrusive (two entries live in each link).
 *
 * The per-session link drives its engine as link/tun/tun_link.c does,
 * with the same code (link/link_eng.h): the engine's timers on the link's
 * own libevent timer, a stop asked inside an engine up-call deferred to
 * the loop, an orderly stop bounded by a guard.
 *
 * Router Advertisements (conf.ra, with a pool6): while a session holds its
 * IPv6 entry, its link is the router of the point-to-point link (RFC 4861
 * 6.2, RFC 5072 5): an RA from fe80::<sstpd's IPV6CP identifier> to ff02::1
 * (wire/nd.h: the pool6 prefix L=1 A=1 for SLAAC, RFC 4862 5.5.3, the
 * link's MTU) right away, then MAX_INITIAL_RTR_ADVERTISEMENTS - 1 more
 * MAX_INITIAL_RTR_ADVERT_INTERVAL apart (6.2.4: the random interval is
 * always longer), then every MinRtrAdvInterval..MaxRtrAdvInterval,
 * randomized.  A valid Router Solicitation from the client (6.1.1) is
 * answered and not passed to the TUN; an RA goes at once, or
 * MIN_DELAY_BETWEEN_RAS after the last one (6.2.6; no random delay: one
 * host on the link, nobody to desynchronize from).  An invalid one is
 * dropped.  The timer stops when the entry goes (IPV6CP down, the end).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/uio.h>

#include <event2/event.h>

#include "crypto/crypto.h"
#include "link/link.h"
#include "link/link_eng.h"
#include "link/link_ip.h"
#include "link/tunsrv/tunsrv.h"
#include "ppp/ppp_engine.h"
#include "ppp/proto.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "wire/gso.h"
#include "wire/nd.h"

#define TUNSRV_BURST		64	/* packets (segments) per wake-up */
#define TUNSRV_RX_MAX		65535	/* largest IP packet */
#define TUNSRV_MTU		1400
#define TUNSRV_STOP_GUARD_MS	10000
#define TUNSRV_SPOOF_LOG_MS	1000
#define TUNSRV_BUCKETS0		64
#define TUNSRV_HOLD_MS		20	/* longest wait for one full session */
#define TUNSRV_P64_MIN_PREFIX	48	/* at most 65536 /64s per pool6 */

struct tunsrv_link;

/* One peer address in the hub's table (two live in each link). */
struct hub_ent {
	struct hub_ent		*next;
	struct tunsrv_link	*owner;
	uint8_t			 fam;		/* 4 or 6 */
	uint8_t			 addr[16];	/* IPv4: the first 4 */
	bool			 on;		/* in the table */
};

struct tun_hub {
	struct event_base	*base;
	struct tun_hub_conf	 conf;
	char			 name[16];
	int			 ifindex;
	int			 fd;
	unsigned		 vnet;		/* virtio_net_hdr bytes, or 0 */
	bool			 vnet_le;
	struct event		*rev;
	struct event		*gro_ev;	/* flush the coalescer */
	uint8_t			*rx;		/* headroom + vnet + RX_MAX */
	uint8_t			*seg;		/* headroom + a segment */
	struct gro		 gro;		/* vnet: segments -> TUN */
	uint8_t			*grobuf;
	struct tunsrv_link	*gro_owner;	/* whose packets it holds */
	struct event		*hold_ev;	/* held: drained or timed out */
	struct tunsrv_link	*held;		/* full; the TUN not read */
	struct gso		 hg;		/* its super-packet, or */
	uint8_t			*hpkt;		/* its one packet (hpkt_len) */
	size_t			 hpkt_len;
	struct hub_ent		**bkt;
	size_t			 nbkt, count;
	/* pool6 shorter than /64: one /64 per session (RFC 8273). */
	bool			 p64;
	uint64_t		*p64_bits;	/* 1 = given */
	uint32_t		 p64_n, p64_free, p64_cursor;
	uint64_t		 seed;
	bool			 failed;
	uint64_t		 no_owner, spoofed, too_big;
	uint64_t		 rx_pkts, tx_pkts, drop_full, drop_tun;
	uint64_t		 rx_super, drop_gso, gro_super;
	uint64_t		 holds, hold_timeouts;
};

struct tunsrv_link {
	struct link		 link;		/* first: the interface */
	struct tun_hub		*hub;
	struct event_base	*base;
	struct ppp_engine_conf	 econf;
	char			*server_name;	/* econf's, ours */
	struct tunsrv_auth	 auth;
	struct link_eng		 e;		/* the engine, its stops */
	bool			 net_is_up;
	struct link_net		 net;
	struct hub_ent		 e4, e6;
	uint8_t			 ll6[16];	/* fe80::ID while e6.on */
	bool			 have_addr;	/* peer_addr gave addr4 */
	uint32_t		 addr4;
	bool			 have_p64;	/* holds /64 number p64_idx */
	uint32_t		 p64_idx;
	uint8_t			 p64[16];	/* that /64, low half 0 */
	uint64_t		 bytes_out, bytes_in;
	uint64_t		 drop_full, drop_wrap, drop_gate, drop_ip;
	uint64_t		 drop_spoof, drop_tun;
	uint64_t		 spoof_logged, spoof_log_ms;
	bool			 slow;		/* its hold timed out */
	/* Router Advertisements (conf.ra): */
	struct event		*ra_ev;
	bool			 ra_on;		/* advertising now */
	uint8_t			 ra_self[16];	/* fe80::<our identifier> */
	uint16_t		 ra_mtu;
	unsigned		 ra_count;	/* since ra_on */
	uint64_t		 ra_last_ms;	/* 0: none yet */
	uint64_t		 ra_due_ms;	/* ra_ev's time */
	uint64_t		 ra_sent, rs_ok, rs_bad;
};

#define TS(l)		((struct tunsrv_link *)(void *)(l))
#define UP(t)		((t)->link.up)
#define UPARG(t)	((t)->link.up_arg)

static int	tsl_takes(struct tunsrv_link *);
static void	tsl_from_tun(struct tunsrv_link *, uint8_t *, size_t);
static void	tsl_ra_stop(struct tunsrv_link *);

/* --- the hub's table ---------------------------------------------------------- */

/* The bucket of (fam, addr): the key mixed with the hub's random seed. */
static size_t
hub_hash(const struct tun_hub *h, uint8_t fam, const uint8_t *addr)
{
	uint64_t x = h->seed ^ fam, w;
	size_t i;

	for (i = 0; i < 16; i += 8) {
		memcpy(&w, addr + i, 8);
		x ^= w;
		x *= 0x9e3779b97f4a7c15ULL;
		x ^= x >> 31;
	}
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return (size_t)(x & (h->nbkt - 1));
}

/* The entry of (fam, addr), or NULL. */
static struct hub_ent *
hub_find(const struct tun_hub *h, uint8_t fam, const uint8_t *addr)
{
	struct hub_ent *e;

	for (e = h->bkt[hub_hash(h, fam, addr)]; e != NULL; e = e->next)
		if (e->fam == fam && memcmp(e->addr, addr, 16) == 0)
			return e;
	return NULL;
}

/* Double the buckets (load above 1); stays as it is without memory. */
static void
hub_grow(struct tun_hub *h)
{
	struct hub_ent **old = h->bkt, *e, *n;
	size_t i, oldn = h->nbkt;

	h->bkt = calloc(oldn * 2, sizeof *h->bkt);
	if (h->bkt == NULL) {
		h->bkt = old;
		return;
	}
	h->nbkt = oldn * 2;
	for (i = 0; i < oldn; i++)
		for (e = old[i]; e != NULL; e = n) {
			size_t b = hub_hash(h, e->fam, e->addr);

			n = e->next;
			e->next = h->bkt[b];
			h->bkt[b] = e;
		}
	free(old);
}

/* Put @e in the table: 0, or -EEXIST when another link holds its key. */
static int
hub_add(struct tun_hub *h, struct hub_ent *e)
{
	size_t b;

	if (e->on)
		return 0;
	if (hub_find(h, e->fam, e->addr) != NULL)
		return -EEXIST;
	if (h->count >= h->nbkt)
		hub_grow(h);
	b = hub_hash(h, e->fam, e->addr);
	e->next = h->bkt[b];
	h->bkt[b] = e;
	e->on = true;
	h->count++;
	return 0;
}

/* Take @e out of the table (idempotent). */
static void
hub_del(struct tun_hub *h, struct hub_ent *e)
{
	struct hub_ent **pp;

	if (!e->on)
		return;
	for (pp = &h->bkt[hub_hash(h, e->fam, e->addr)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	e->next = NULL;
	e->on = false;
	h->count--;
}

/* The IPv6 key of interface identifier @ifid: pool6 + ID, or fe80::ID. */
static void
hub_key6(const struct tun_hub *h, const uint8_t ifid[8], uint8_t out[16])
{
	unsigned i, p = h->conf.pool6_prefix;

	memset(out, 0, 16);
	if (!h->conf.have_pool6) {
		out[0] = 0xfe;
		out[1] = 0x80;
		memcpy(out + 8, ifid, 8);
		return;
	}
	/* The prefix's bits, then the identifier's (RFC 4291 2.5.1). */
	memcpy(out + 8, ifid, 8);
	for (i = 0; i < 128 && i < p; i++) {
		uint8_t bit = (uint8_t)(0x80u >> (i % 8));

		out[i / 8] = (uint8_t)((out[i / 8] & ~bit) |
		    (h->conf.pool6[i / 8] & bit));
	}
}

/* fe80::/64 (RFC 4291 2.5.6). */
static bool
ip6_is_ll(const uint8_t *a)
{
	static const uint8_t ll[8] = { 0xfe, 0x80 };

	return memcmp(a, ll, 8) == 0;
}

/*
 * The next free /64 of a pool6 shorter than /64 (its number in *idx, the
 * prefix in @out, low half 0): from a rotating cursor, as sstpd's IPv4
 * pool, so a freed /64 goes to the end of the line.  -EADDRNOTAVAIL when
 * every one is given.
 */
static int
hub_p64_get(struct tun_hub *h, uint32_t *idx, uint8_t out[16])
{
	uint32_t i, n, k;
	uint64_t v;

	if (h->p64_free == 0)
		return -EADDRNOTAVAIL;
	for (n = 0; n < h->p64_n; n++) {
		i = (h->p64_cursor + n) % h->p64_n;
		if ((h->p64_bits[i / 64] >> (i % 64)) & 1)
			continue;
		h->p64_bits[i / 64] |= (uint64_t)1 << (i % 64);
		h->p64_free--;
		h->p64_cursor = (i + 1) % h->p64_n;
		*idx = i;
		/* Bits pool6_prefix..63 are the number (RFC 4291 2.5.4). */
		for (v = 0, k = 0; k < 8; k++)
			v = v << 8 | h->conf.pool6[k];
		v &= ~(((uint64_t)1 << (64 - h->conf.pool6_prefix)) - 1);
		v |= i;
		memset(out, 0, 16);
		for (k = 0; k < 8; k++)
			out[k] = (uint8_t)(v >> (56 - 8 * k));
		return 0;
	}
	return -EADDRNOTAVAIL;	/* not reached while p64_free counts right */
}

/* Give /64 number @idx back (one not given is ignored). */
static void
hub_p64_put(struct tun_hub *h, uint32_t idx)
{
	if (idx >= h->p64_n || !((h->p64_bits[idx / 64] >> (idx % 64)) & 1))
		return;
	h->p64_bits[idx / 64] &= ~((uint64_t)1 << (idx % 64));
	h->p64_free++;
}

/* --- the hub: TUN -> sessions --------------------------------------------- */

/* The device failed: stop reading it (sstpd's sessions lose their data). */
static void
hub_failed(struct tun_hub *h, const char *op, int err)
{
	if (h->failed)
		return;
	h->failed = true;
	event_del(h->rev);
	log_err("TUN device %s failed (%s: %s): no more packets to or from "
	    "the sessions", h->name, op, strerror(err));
}

/*
 * The session owning the destination of the IP packet @pkt (a whole
 * super-packet too: its segments share its addresses), or NULL (counted).
 */
static struct tunsrv_link *
hub_owner(struct tun_hub *h, const uint8_t *pkt, size_t n, size_t *iplen)
{
	struct link_ip ip;
	struct hub_ent *e;
	uint8_t key[16];

	if (!link_ip_parse(0, pkt, n, &ip)) {
		h->no_owner++;
		log_trace("TUN %s: dropped a %zu-byte packet that is no IP "
		    "packet", h->name, n);
		return NULL;
	}
	memset(key, 0, sizeof key);
	if (ip.version == 4)
		memcpy(key, ip.dst, 4);
	else if (h->p64)
		memcpy(key, ip.dst, 8);		/* the /64 it falls in */
	else if (ip6_is_ll(ip.dst))
		hub_key6(h, ip.dst + 8, key);
	else
		memcpy(key, ip.dst, 16);
	e = hub_find(h, ip.version, key);
	if (e == NULL) {
		h->no_owner++;
		return NULL;
	}
	*iplen = ip.len;
	return e->owner;
}

/*
 * Session @t's output is full: hold what it was to get and stop reading
 * the TUN until it drains, at most TUNSRV_HOLD_MS; false (drop) when its
 * last hold timed out and it has not drained since.
 */
static bool
hub_hold(struct tun_hub *h, struct tunsrv_link *t)
{
	struct timeval tv = { 0, TUNSRV_HOLD_MS * 1000 };

	if (t->slow)
		return false;
	h->held = t;
	h->holds++;
	event_del(h->rev);
	event_add(h->hold_ev, &tv);
	return true;
}

/* Drop what is held for @t (full, or gone): counted as full. */
static void
hub_hold_drop(struct tun_hub *h, struct tunsrv_link *t)
{
	unsigned left = h->hpkt != NULL ? 1 : gso_left(&h->hg);

	t->drop_full += left;
	h->drop_full += left;
	h->hpkt = NULL;
}

/*
 * One packet for session @t (@pkt, @len, headroom in front): sent on, or
 * held while @t is full, or dropped.  True when the TUN may be read on.
 */
static bool
hub_deliver(struct tun_hub *h, struct tunsrv_link *t, uint8_t *pkt,
    size_t len)
{
	int r = tsl_takes(t);

	if (r == 0 && hub_hold(h, t)) {
		h->hpkt = pkt;
		h->hpkt_len = len;
		return false;
	}
	if (r == 0) {
		t->drop_full++;
		h->drop_full++;
	} else if (r > 0)
		tsl_from_tun(t, pkt, len);
	return true;
}

/*
 * Cut what is left of the super-packet in h->hg for session @t: each
 * segment built behind the headroom of h->seg and sent on, held while @t
 * is full.  The number of segments handled; h->held set when held.
 */
static unsigned
hub_cut(struct tun_hub *h, struct tunsrv_link *t)
{
	uint8_t *seg = h->seg + PPP_ENGINE_HEADROOM;
	unsigned k = 0;
	size_t sl;
	int r;

	while (gso_left(&h->hg) > 0) {
		if ((r = tsl_takes(t)) <= 0) {
			if (r == 0 && hub_hold(h, t))
				return k;
			k += gso_left(&h->hg);
			hub_hold_drop(h, t);
			break;
		}
		if ((sl = gso_next(&h->hg, seg)) == 0)
			break;
		tsl_from_tun(t, seg, sl);
		k++;
	}
	return k;
}

/*
 * The held session drained (or the hold timed out, or the session
 * leaves: @drop): finish what it holds, then read the TUN again.
 */
static void
hub_release(struct tun_hub *h, bool drop)
{
	struct tunsrv_link *t = h->held;

	if (t == NULL)
		return;
	h->held = NULL;
	event_del(h->hold_ev);
	if (!drop && tsl_takes(t) == 0) {
		/* Full for TUNSRV_HOLD_MS: no more holds until it drains. */
		h->hold_timeouts++;
		t->slow = true;
		drop = true;
	}
	if (drop)
		hub_hold_drop(h, t);
	else if (h->hpkt != NULL) {
		uint8_t *p = h->hpkt;

		h->hpkt = NULL;
		(void)hub_deliver(h, t, p, h->hpkt_len);
	} else
		(void)hub_cut(h, t);
	if (h->held == NULL && !h->failed)
		event_add(h->rev, NULL);
}

/* The hold ended: its session drained, or TUNSRV_HOLD_MS passed. */
static void
hub_hold_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	hub_release(arg, false);
}

/* One packet from the TUN: to the session owning its destination. */
static bool
hub_route(struct tun_hub *h, uint8_t *pkt, size_t n)
{
	struct tunsrv_link *t;
	size_t len;

	if ((t = hub_owner(h, pkt, n, &len)) == NULL)
		return true;
	if (len > h->conf.mtu) {
		h->too_big++;
		return true;
	}
	return hub_deliver(h, t, pkt, len);
}

/*
 * One read with a virtio_net_hdr in front (@buf, @n bytes): the packet to
 * its session, or a TSO super-packet cut into its segments (wire/gso.h),
 * each built behind the headroom of h->seg and sent on by the one session
 * owning the destination (hub_cut: held while that session is full).
 * The number of packets (segments) handled, for the wake-up's bound.
 */
static unsigned
hub_route_vnet(struct tun_hub *h, uint8_t *buf, size_t n)
{
	struct bcur c = bcur_make(buf, n);
	struct gso_vnet_hdr vh;
	struct gso *g = &h->hg;
	struct tunsrv_link *t;
	enum gso_kind kind;
	enum gso_err e = GSO_ERR_VNET;
	uint8_t *pkt = buf + h->vnet;
	size_t len = n - h->vnet, iplen;
	unsigned left;

	if (n < h->vnet || gso_vnet_parse(&c, h->vnet, h->vnet_le, &vh) < 0 ||
	    (e = gso_start(g, &vh, pkt, len, GSO_MAX_PACKET, &kind)) !=
	    GSO_OK) {
		h->drop_gso++;
		log_trace("TUN %s: dropped a packet: %s (%zu bytes)", h->name,
		    gso_err_str(e), n);
		return 1;
	}
	if (kind == GSO_PASS) {
		gso_complete_csum(&vh, pkt, len);
		(void)hub_route(h, pkt, len);
		return 1;
	}
	h->rx_super++;
	left = gso_left(g);
	if ((t = hub_owner(h, pkt, len, &iplen)) == NULL) {
		h->no_owner += left - 1;
		return left;
	}
	if (g->hlen + g->mss > h->conf.mtu) {
		/* The kernel cut for a larger MTU than the sessions take. */
		h->too_big += left;
		return left;
	}
	return hub_cut(h, t);
}

/* Read up to TUNSRV_BURST packets (segments) and hand each to its session. */
static void
hub_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tun_hub *h = arg;
	uint8_t *pkt = h->rx + PPP_ENGINE_HEADROOM;
	unsigned i;
	ssize_t n;

	for (i = 0; i < TUNSRV_BURST && !h->failed && h->held == NULL; ) {
		n = read(h->fd, pkt, h->vnet + TUNSRV_RX_MAX);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				hub_failed(h, "read", errno);
			break;
		}
		if (n == 0) {
			hub_failed(h, "read", ENODEV);
			break;
		}
		h->rx_pkts++;
		if (h->vnet == 0) {
			i++;
			(void)hub_route(h, pkt, (size_t)n);
		} else
			i += hub_route_vnet(h, pkt, (size_t)n);
	}
}

/*
 * One packet to the TUN (with IFF_VNET_HDR behind @hdr, in one writev): 1
 * written, 0 refused for now (EAGAIN), -1 refused for good.
 */
static int
hub_write(struct tun_hub *h, const uint8_t *hdr, const uint8_t *pkt,
    size_t len)
{
	struct iovec iov[2] = { { (void *)hdr, h->vnet },
	    { (void *)pkt, len } };
	ssize_t n;

	if (h->failed)
		return -1;
	do
		n = h->vnet == 0 ? write(h->fd, pkt, len) :
		    writev(h->fd, iov, 2);
	while (n < 0 && errno == EINTR);
	if (n >= 0) {
		h->tx_pkts++;
		return 1;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	if (errno == EBADFD || errno == EBADF || errno == ENODEV ||
	    errno == ENXIO)
		hub_failed(h, "write", errno);
	else
		log_trace("TUN %s: write of %zu bytes: %s: dropped", h->name,
		    len, strerror(errno));
	return -1;
}

/*
 * A packet of session @t to the TUN; refused, it is dropped and counted:
 * there is no per-session queue toward a shared device.
 */
static void
hub_send(struct tun_hub *h, struct tunsrv_link *t, const uint8_t *hdr,
    const uint8_t *pkt, size_t len)
{
	if (hub_write(h, hdr, pkt, len) <= 0) {
		t->drop_tun++;
		h->drop_tun++;
	}
}

/* Write what the coalescer holds (one packet, or a super-packet). */
static void
hub_gro_flush(struct tun_hub *h)
{
	uint8_t hdr[GSO_VNET_HDR_MRG_LEN];
	const uint8_t *pkt;
	size_t len;
	unsigned segs = h->gro.segs;
	struct tunsrv_link *t = h->gro_owner;

	if (h->grobuf == NULL)
		return;
	h->gro_owner = NULL;
	len = gro_finish(&h->gro, hdr, h->vnet, h->vnet_le, &pkt);
	if (len == 0 || t == NULL)
		return;
	if (segs > 1)
		h->gro_super++;
	hub_send(h, t, hdr, pkt, len);
}

/* The loop came back: the sessions' reads are parsed; flush. */
static void
hub_gro_cb(evutil_socket_t fd, short what, void *arg)
{
	hub_gro_flush(arg);
}

/*
 * A checked packet of session @t toward the TUN.  With IFF_VNET_HDR, TCP
 * segments of one flow in a row are held in the hub's one coalescer and
 * written as one super-packet when the loop comes back (wire/gso.h GRO);
 * a packet of another session flushes it first, so a super-packet only
 * ever holds segments whose source was checked as that session's.
 */
static void
hub_out(struct tun_hub *h, struct tunsrv_link *t, const uint8_t *pkt,
    size_t len)
{
	/* virtio 1.x 5.1.6: GSO_NONE, no flags (the kernel checks it). */
	static const uint8_t vnet_none[GSO_VNET_HDR_MRG_LEN];
	enum gro_res gr;

	if (h->grobuf != NULL) {
		if (h->gro_owner != t)
			hub_gro_flush(h);
		gr = gro_offer(&h->gro, pkt, len);
		if (gr == GRO_BUSY) {
			hub_gro_flush(h);
			gr = gro_offer(&h->gro, pkt, len);
		}
		if (gr == GRO_HELD) {
			h->gro_owner = t;
			if (h->gro.closed)
				hub_gro_flush(h);
			else if (h->gro.segs == 1)
				event_active(h->gro_ev, EV_TIMEOUT, 0);
			return;
		}
		hub_gro_flush(h);
	}
	hub_send(h, t, vnet_none, pkt, len);
}

/* See tunsrv.h; on failure the fd stays the caller's. */
struct tun_hub *
tun_hub_new(struct event_base *base, const struct tun_hub_conf *conf,
    char *err, size_t errlen)
{
	struct tun_hub *h;

	if (conf->fd < 0) {
		snprintf(err, errlen, "no TUN device");
		return NULL;
	}
	if (conf->have_pool6 && conf->pool6_prefix > 64) {
		snprintf(err, errlen, "--pool6: a /%u leaves no room for the "
		    "64-bit interface identifiers (RFC 4291 2.5.1): /64 or "
		    "shorter", conf->pool6_prefix);
		return NULL;
	}
	if (conf->have_pool6 && conf->pool6_prefix < TUNSRV_P64_MIN_PREFIX) {
		snprintf(err, errlen, "--pool6: a /%u is more than the %u "
		    "/64s one pool6 gives: /%u to /64", conf->pool6_prefix,
		    1u << (64 - TUNSRV_P64_MIN_PREFIX), TUNSRV_P64_MIN_PREFIX);
		return NULL;
	}
	h = calloc(1, sizeof *h);
	if (h == NULL) {
		snprintf(err, errlen, "TUN hub: out of memory");
		return NULL;
	}
	h->base = base;
	h->conf = *conf;
	h->fd = conf->fd;
	h->vnet = conf->vnet_hdr == GSO_VNET_HDR_LEN ||
	    conf->vnet_hdr == GSO_VNET_HDR_MRG_LEN ? conf->vnet_hdr : 0;
	h->vnet_le = conf->vnet_le;
	if (h->conf.mtu == 0)
		h->conf.mtu = TUNSRV_MTU;
	snprintf(h->name, sizeof h->name, "%s", conf->name != NULL ?
	    conf->name : "?");
	h->conf.name = h->name;
	h->ifindex = conf->name != NULL ? (int)if_nametoindex(conf->name) : 0;
	h->nbkt = TUNSRV_BUCKETS0;
	h->bkt = calloc(h->nbkt, sizeof *h->bkt);
	if (conf->have_pool6 && conf->pool6_prefix < 64) {
		h->p64 = true;
		h->p64_n = h->p64_free = (uint32_t)1 << (64 -
		    conf->pool6_prefix);
		h->p64_bits = calloc((h->p64_n + 63) / 64,
		    sizeof *h->p64_bits);
	}
	h->rx = malloc(PPP_ENGINE_HEADROOM + h->vnet + TUNSRV_RX_MAX);
	h->rev = event_new(base, h->fd, EV_READ | EV_PERSIST, hub_read_cb, h);
	h->gro_ev = event_new(base, -1, 0, hub_gro_cb, h);
	h->hold_ev = event_new(base, -1, 0, hub_hold_cb, h);
	if (h->vnet > 0) {
		h->seg = malloc(PPP_ENGINE_HEADROOM + GSO_MAX_PACKET);
		if (!conf->no_gro)
			h->grobuf = malloc(GSO_MAX_PACKET);
		if (h->grobuf != NULL)
			gro_init(&h->gro, h->grobuf);
	}
	if (h->bkt == NULL || h->rx == NULL || h->rev == NULL ||
	    (h->p64 && h->p64_bits == NULL) ||
	    h->gro_ev == NULL || h->hold_ev == NULL || (h->vnet > 0 && (h->seg == NULL ||
	    (!conf->no_gro && h->grobuf == NULL))) ||
	    crypto_random(&h->seed, sizeof h->seed) != 0 ||
	    event_add(h->rev, NULL) != 0) {
		snprintf(err, errlen, "TUN hub: out of memory");
		h->fd = -1;		/* still the caller's */
		tun_hub_free(h);
		return NULL;
	}
	log_debug("TUN hub on %s (ifindex %d, MTU %u, %s)", h->name,
	    h->ifindex, h->conf.mtu, h->vnet == 0 ? "one packet per read" :
	    h->grobuf != NULL ? "virtio_net_hdr: TSO in, GRO out" :
	    "virtio_net_hdr: TSO in");
	return h;
}

/* The hub's drop counters (tunsrv.h). */
void
tun_hub_stats(const struct tun_hub *h, uint64_t *no_owner, uint64_t *spoofed,
    uint64_t *too_big)
{
	*no_owner = h->no_owner;
	*spoofed = h->spoofed;
	*too_big = h->too_big;
}

/* After every link on it is freed: the fd is closed (a device we made goes). */
void
tun_hub_free(struct tun_hub *h)
{
	if (h == NULL)
		return;
	if (h->rx_pkts + h->tx_pkts > 0)
		log_info("TUN %s: %llu packets in, %llu out; dropped: no "
		    "owner %llu, spoofed %llu, too big %llu, session full "
		    "%llu, TUN full %llu", h->name,
		    (unsigned long long)h->rx_pkts,
		    (unsigned long long)h->tx_pkts,
		    (unsigned long long)h->no_owner,
		    (unsigned long long)h->spoofed,
		    (unsigned long long)h->too_big,
		    (unsigned long long)h->drop_full,
		    (unsigned long long)h->drop_tun);
	if (h->holds > 0)
		log_info("TUN %s: reading paused %llu time(s) for a full "
		    "session, %llu of them timed out", h->name,
		    (unsigned long long)h->holds,
		    (unsigned long long)h->hold_timeouts);
	if (h->rx_super + h->gro_super + h->drop_gso > 0)
		log_info("TUN %s: %llu super-packets in (TSO), %llu out "
		    "(GRO), %llu malformed dropped", h->name,
		    (unsigned long long)h->rx_super,
		    (unsigned long long)h->gro_super,
		    (unsigned long long)h->drop_gso);
	if (h->count > 0)
		log_warn("TUN %s: freed with %zu address(es) still owned",
		    h->name, h->count);
	if (h->rev != NULL)
		event_free(h->rev);
	if (h->gro_ev != NULL)
		event_free(h->gro_ev);
	if (h->hold_ev != NULL)
		event_free(h->hold_ev);
	if (h->fd >= 0)
		close(h->fd);
	free(h->rx);
	free(h->seg);
	free(h->grobuf);
	free(h->bkt);
	free(h->p64_bits);
	free(h);
}

/* --- the link: its addresses in the hub -------------------------------------- */

/* Take the table entries for what the Network phase gave. */
static void
tsl_register(struct tunsrv_link *t, const struct ppp_ip_info *ip)
{
	struct tun_hub *h = t->hub;
	char a[INET6_ADDRSTRLEN];

	if (ip->have_ip4 && ip->peer4 != 0) {
		t->e4.fam = 4;
		memset(t->e4.addr, 0, 16);
		memcpy(t->e4.addr, &ip->peer4, 4);
		if (hub_add(h, &t->e4) != 0)
			log_warn_c(t->econf.log_ctx, "TUN %s: %s belongs to "
			    "another session: no IPv4 for this one", h->name,
			    inet_ntop(AF_INET, &ip->peer4, a, sizeof a) !=
			    NULL ? a : "?");
	}
	if (ip->have_ip6 && (!h->p64 || t->have_p64)) {
		t->e6.fam = 6;
		if (h->p64)
			memcpy(t->e6.addr, t->p64, 16);
		else
			hub_key6(h, ip->peer_ifid, t->e6.addr);
		memset(t->ll6, 0, sizeof t->ll6);
		t->ll6[0] = 0xfe;
		t->ll6[1] = 0x80;
		memcpy(t->ll6 + 8, ip->peer_ifid, 8);
		if (hub_add(h, &t->e6) != 0)
			log_warn_c(t->econf.log_ctx, "TUN %s: %s belongs to "
			    "another session: no IPv6 for this one", h->name,
			    inet_ntop(AF_INET6, t->e6.addr, a, sizeof a) !=
			    NULL ? a : "?");
	}
}

/*
 * Out of the table: no packet reaches this session any more; what the
 * coalescer holds of it goes first (checked packets, in their order).
 */
static void
tsl_unregister(struct tunsrv_link *t)
{
	if (t->hub->gro_owner == t)
		hub_gro_flush(t->hub);
	if (t->hub->held == t)
		hub_release(t->hub, true);
	tsl_ra_stop(t);
	hub_del(t->hub, &t->e4);
	hub_del(t->hub, &t->e6);
}

/*
 * Is @ip's source this session's own address: the IPv4 entry it holds, the
 * IPv6 /128 it holds (with a /64 per session: any address of that /64,
 * the client's SLAAC, temporary and stable-privacy ones, RFC 8273 4), or
 * fe80::ID of its identifier?
 */
static bool
tsl_src_ok(const struct tunsrv_link *t, const struct link_ip *ip)
{
	if (ip->version == 4)
		return t->e4.on && memcmp(ip->src, t->e4.addr, 4) == 0;
	return t->e6.on && (memcmp(ip->src, t->e6.addr,
	    t->hub->p64 ? 8 : 16) == 0 || memcmp(ip->src, t->ll6, 16) == 0);
}

/* --- the link: Router Advertisements (RFC 4861 6.2) ---------------------------- */

/* A random delay in [@lo_ms, @hi_ms] (the middle without randomness). */
static uint64_t
tsl_ra_rand(uint64_t lo_ms, uint64_t hi_ms)
{
	uint32_t r;

	if (crypto_random(&r, sizeof r) != 0)
		return (lo_ms + hi_ms) / 2;
	return lo_ms + r % (hi_ms - lo_ms + 1);
}

/* Fire the RA timer @ms from now. */
static void
tsl_ra_arm(struct tunsrv_link *t, uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000),
	    (suseconds_t)(ms % 1000) * 1000 };

	t->ra_due_ms = clock_now_ms() + ms;
	event_add(t->ra_ev, &tv);
}

/* Send one RA to the client (ff02::1) now, when its output takes it. */
static void
tsl_ra_send(struct tunsrv_link *t)
{
	const struct tun_hub *h = t->hub;
	uint8_t buf[PPP_ENGINE_HEADROOM + ND_RA_LEN];
	struct nd_ra ra;
	struct wbuf w;

	memset(&ra, 0, sizeof ra);
	memcpy(ra.src, t->ra_self, 16);
	memcpy(ra.dst, nd_all_nodes, 16);
	ra.cur_hop_limit = ND_CUR_HOP_LIMIT;
	ra.router_lifetime = (uint16_t)h->conf.ra_lifetime;
	if (h->p64) {
		memcpy(ra.prefix, t->p64, 16);
		ra.prefix_len = 64;
	} else {
		memcpy(ra.prefix, h->conf.pool6, 16);
		ra.prefix_len = (uint8_t)h->conf.pool6_prefix;
	}
	ra.valid_lifetime = ND_VALID_LIFETIME_S;
	ra.preferred_lifetime = ND_PREFERRED_LIFETIME_S;
	ra.mtu = t->ra_mtu;
	wbuf_init(&w, buf + PPP_ENGINE_HEADROOM, ND_RA_LEN);
	if (nd_ra_build(&w, &ra) != 0)
		return;
	t->ra_last_ms = clock_now_ms();
	t->ra_count++;
	if (tsl_takes(t) <= 0) {
		log_trace_c(t->econf.log_ctx, "Router Advertisement not sent: "
		    "the session's output is full");
		return;
	}
	t->ra_sent++;
	tsl_from_tun(t, buf + PPP_ENGINE_HEADROOM, w.len);
}

/* The RA timer: one RA, then the next one's time (RFC 4861 6.2.4). */
static void
tsl_ra_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tunsrv_link *t = arg;
	uint64_t next;

	(void)fd;
	(void)what;
	if (!t->ra_on || t->e.gone)
		return;
	tsl_ra_send(t);
	next = tsl_ra_rand(ND_MIN_RTR_ADV_INTERVAL_S * 1000ULL,
	    ND_MAX_RTR_ADV_INTERVAL_S * 1000ULL);
	if (t->ra_count < ND_MAX_INITIAL_RTR_ADVERTISEMENTS &&
	    next > ND_MAX_INITIAL_RTR_ADVERT_INTERVAL_MS)
		next = ND_MAX_INITIAL_RTR_ADVERT_INTERVAL_MS;
	tsl_ra_arm(t, next);
}

/*
 * IPV6CP gave @ip and the session holds its IPv6 entry: advertise, the
 * first RA from the loop at once.
 */
static void
tsl_ra_start(struct tunsrv_link *t, const struct ppp_ip_info *ip)
{
	const struct tun_hub *h = t->hub;
	char a[INET6_ADDRSTRLEN];

	if (!h->conf.ra || !h->conf.have_pool6 || !ip->have_ip6 ||
	    !t->e6.on || t->ra_ev == NULL)
		return;
	memset(t->ra_self, 0, sizeof t->ra_self);
	t->ra_self[0] = 0xfe;
	t->ra_self[1] = 0x80;
	memcpy(t->ra_self + 8, ip->local_ifid, 8);
	/* The smaller of what each side takes (our MRU, the hub's MTU). */
	t->ra_mtu = (uint16_t)h->conf.mtu;
	if (t->econf.mru != 0 && t->econf.mru < t->ra_mtu)
		t->ra_mtu = t->econf.mru;
	if (ip->mtu != 0 && ip->mtu < t->ra_mtu)
		t->ra_mtu = ip->mtu;
	t->ra_on = true;
	t->ra_count = 0;
	t->ra_last_ms = 0;
	tsl_ra_arm(t, 0);
	log_debug_c(t->econf.log_ctx, "IPv6: Router Advertisements of %s/%u "
	    "from fe80::<our identifier> (router lifetime %u s, MTU %u)",
	    inet_ntop(AF_INET6, h->p64 ? t->p64 : h->conf.pool6, a,
	    sizeof a) != NULL ? a : "?", h->p64 ? 64 : h->conf.pool6_prefix,
	    h->conf.ra_lifetime, t->ra_mtu);
}

/* No more RAs (the IPv6 entry goes: IPV6CP down, the session's end). */
static void
tsl_ra_stop(struct tunsrv_link *t)
{
	t->ra_on = false;
	if (t->ra_ev != NULL)
		event_del(t->ra_ev);
}

/*
 * Is the client's IPv6 packet @pkt a Router Solicitation to us?  A valid
 * one is answered (RFC 4861 6.2.6: at once, or MIN_DELAY_BETWEEN_RAS after
 * the last RA), an invalid one dropped (6.1.1); true for both: it is ours.
 */
static bool
tsl_ra_solicited(struct tunsrv_link *t, const uint8_t *pkt, size_t len)
{
	struct bcur c = bcur_make(pkt, len);
	struct nd_rs rs;
	const char *why;
	uint64_t now, at;
	int r;

	if (!t->ra_on)
		return false;
	r = nd_rs_parse(&c, t->ra_self, &rs, &why);
	if (r == -ENOMSG)
		return false;
	if (r < 0) {
		t->rs_bad++;
		log_trace_c(t->econf.log_ctx, "dropped a Router Solicitation "
		    "from the client: %s", why != NULL ? why : "invalid");
		return true;
	}
	t->rs_ok++;
	now = clock_now_ms();
	at = t->ra_last_ms != 0 ?
	    t->ra_last_ms + ND_MIN_DELAY_BETWEEN_RAS_MS : now;
	if (at < now)
		at = now;
	log_trace_c(t->econf.log_ctx, "Router Solicitation from the client%s: "
	    "an RA in %llu ms", rs.src_unspec ? " (from ::)" : "",
	    (unsigned long long)(at - now));
	if (at < t->ra_due_ms)
		tsl_ra_arm(t, at - now);
	return true;
}

/* --- the link: the end ------------------------------------------------------- */

/* The PPP side has ended: report gone once, after undoing net_up. */
static void
tsl_report_gone(void *arg, enum link_end end, const char *why)
{
	struct tunsrv_link *t = arg;

	if (t->e.gone)
		return;
	tsl_unregister(t);
	if (t->net_is_up) {
		t->net_is_up = false;
		if (UP(t)->net_down != NULL)
			UP(t)->net_down(UPARG(t), &t->net);
	}
	link_eng_halt(&t->e);
	if (t->ra_sent + t->rs_ok + t->rs_bad > 0)
		log_debug_c(t->econf.log_ctx, "IPv6: %llu Router "
		    "Advertisement(s) sent, %llu solicitation(s) answered, "
		    "%llu invalid dropped", (unsigned long long)t->ra_sent,
		    (unsigned long long)t->rs_ok,
		    (unsigned long long)t->rs_bad);
	if (t->drop_full + t->drop_wrap + t->drop_gate + t->drop_ip +
	    t->drop_spoof + t->drop_tun > 0)
		log_info_c(t->econf.log_ctx, "TUN %s: session dropped %llu "
		    "packet(s) from the TUN (output full %llu, engine %llu, "
		    "SSTP gate %llu), %llu toward it (IP check %llu, spoofed "
		    "source %llu, TUN full %llu)", t->hub->name,
		    (unsigned long long)(t->drop_full + t->drop_wrap +
		    t->drop_gate), (unsigned long long)t->drop_full,
		    (unsigned long long)t->drop_wrap,
		    (unsigned long long)t->drop_gate,
		    (unsigned long long)(t->drop_ip + t->drop_spoof +
		    t->drop_tun), (unsigned long long)t->drop_ip,
		    (unsigned long long)t->drop_spoof,
		    (unsigned long long)t->drop_tun);
	UP(t)->gone(UPARG(t), end, why);
}

/* --- the engine's up-calls (ppp/ppp_engine.h) --------------------------------- */

/* A PPP frame for the client. */
static void
tsl_eng_output(void *arg, const uint8_t *frame, size_t len)
{
	struct tunsrv_link *t = arg;
	int r;

	if (t->e.gone)
		return;
	r = UP(t)->to_server(UPARG(t), frame, len);
	if (r == 0)
		t->bytes_out += len;
	else
		log_trace_c(t->econf.log_ctx, "PPP frame for the client not "
		    "sent (%s)", strerror(-r));
}

/* An IP packet from the client: its own source only, then the TUN. */
static void
tsl_eng_deliver(void *arg, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct tunsrv_link *t = arg;
	struct link_ip ip;
	char a[INET6_ADDRSTRLEN];
	uint64_t now;

	if (t->e.gone)
		return;
	if ((proto != PPP_PROTO_IP && proto != PPP_PROTO_IPV6) ||
	    !link_ip_parse(proto, pkt, len, &ip)) {
		t->drop_ip++;
		log_trace_c(t->econf.log_ctx, "dropped a packet from the "
		    "client: not an IPv%c packet of its length (protocol "
		    "0x%04x, %zu bytes)",
		    proto == PPP_PROTO_IPV6 ? '6' : '4', proto, len);
		return;
	}
	/* A Router Solicitation (from :: too, RFC 4861 6.1.1) is ours. */
	if (ip.version == 6 && tsl_ra_solicited(t, pkt, ip.len))
		return;
	if (!tsl_src_ok(t, &ip)) {
		t->drop_spoof++;
		t->hub->spoofed++;
		now = clock_now_ms();
		if (t->spoof_logged == 0 ||
		    now - t->spoof_log_ms >= TUNSRV_SPOOF_LOG_MS) {
			log_warn_c(t->econf.log_ctx, "TUN %s: dropped a "
			    "packet from %s with the source %s, not its own "
			    "(%llu so far)",
			    t->hub->name, tunsrv_link_user(&t->link),
			    inet_ntop(ip.version == 4 ? AF_INET : AF_INET6,
			    ip.src, a, sizeof a) != NULL ? a : "?",
			    (unsigned long long)t->drop_spoof);
			t->spoof_log_ms = now;
			t->spoof_logged++;
		}
		return;
	}
	hub_out(t->hub, t, pkt, ip.len);
}

/* The keys, in the client's orientation, to the session. */
static void
tsl_eng_auth_done(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	struct tunsrv_link *t = arg;

	if (!t->e.gone)
		UP(t)->auth_done(UPARG(t), k, how);
}

/* IPCP/IPV6CP opened, or what they gave changed: the table, then up. */
static void
tsl_eng_net_up(void *arg, const struct ppp_ip_info *ip)
{
	struct tunsrv_link *t = arg;

	if (t->e.gone)
		return;
	tsl_unregister(t);
	t->net.ip = *ip;
	t->net.have_prefix6 = t->have_p64 && ip->have_ip6;
	if (t->net.have_prefix6) {
		memcpy(t->net.prefix6, t->p64, 16);
		t->net.prefix6_len = 64;
	}
	tsl_register(t, ip);
	tsl_ra_start(t, ip);
	t->net_is_up = true;
	if (UP(t)->net_up != NULL)
		UP(t)->net_up(UPARG(t), &t->net);
}

/* The Network phase went down: out of the table, then down. */
static void
tsl_eng_net_down(void *arg)
{
	struct tunsrv_link *t = arg;

	tsl_unregister(t);
	if (!t->net_is_up || t->e.gone)
		return;
	t->net_is_up = false;
	if (UP(t)->net_down != NULL)
		UP(t)->net_down(UPARG(t), &t->net);
}

/* PPP is over: the link's end, mapped as the client link does. */
static void
tsl_eng_ended(void *arg, enum ppp_end end, const char *why)
{
	struct tunsrv_link *t = arg;
	char msg[240];

	snprintf(msg, sizeof msg, "PPP ended: %s", why != NULL ? why : "?");
	tsl_report_gone(t, link_end_of_ppp(end), msg);
}

/* The secret of @user, from sstpd (tunsrv_auth). */
static int
tsl_eng_lookup_secret(void *arg, const char *user, struct ppp_secret *out)
{
	struct tunsrv_link *t = arg;

	if (t->auth.lookup_secret == NULL)
		return -ENOENT;
	return t->auth.lookup_secret(t->auth.arg, user, out);
}

/* The peer's address; the link gives it back at free (release_addr). */
static int
tsl_eng_peer_addr(void *arg, const char *user, uint32_t fixed,
    uint32_t *addr4)
{
	struct tunsrv_link *t = arg;
	int r;

	if (t->auth.peer_addr == NULL)
		return -EADDRNOTAVAIL;
	if (t->have_addr) {
		/* Once per session (ppp_engine.h); a second ask: the same. */
		*addr4 = t->addr4;
		return 0;
	}
	r = t->auth.peer_addr(t->auth.arg, user, fixed, addr4);
	if (r == 0 && *addr4 != 0) {
		t->have_addr = true;
		t->addr4 = *addr4;
	}
	return r;
}

/*
 * IPv6 for the client before IPV6CP opens: with a pool6 shorter than /64
 * a /64 of its own (RFC 8273), given back at free; none left, no IPv6
 * for this session (one line).  A /64 pool6 is shared: always.
 */
static int
tsl_eng_peer_ipv6(void *arg, const char *user)
{
	struct tunsrv_link *t = arg;
	struct tun_hub *h = t->hub;
	char a[INET6_ADDRSTRLEN];

	(void)user;
	if (!h->p64 || t->have_p64)
		return 0;
	if (hub_p64_get(h, &t->p64_idx, t->p64) != 0) {
		log_warn_c(t->econf.log_ctx, "TUN %s: all %u /64s of --pool6 "
		    "%s/%u are given: no IPv6 for this session", h->name,
		    h->p64_n, inet_ntop(AF_INET6, h->conf.pool6, a,
		    sizeof a) != NULL ? a : "?", h->conf.pool6_prefix);
		return -EADDRNOTAVAIL;
	}
	t->have_p64 = true;
	return 0;
}

static const struct ppp_engine_ops tsl_engine_ops = {
	.output = tsl_eng_output,
	.deliver = tsl_eng_deliver,
	.auth_done = tsl_eng_auth_done,
	.net_up = tsl_eng_net_up,
	.net_down = tsl_eng_net_down,
	.ended = tsl_eng_ended,
	.lookup_secret = tsl_eng_lookup_secret,
	.peer_addr = tsl_eng_peer_addr,
	.peer_ipv6 = tsl_eng_peer_ipv6,
};

/* --- TUN -> client ------------------------------------------------------------ */

/* Does the session take a packet now: 1 yes, 0 not while full, -1 never. */
static int
tsl_takes(struct tunsrv_link *t)
{
	if (t->e.gone || t->e.eng == NULL || !t->e.ppp_started)
		return -1;
	return UP(t)->server_full(UPARG(t)) ? 0 : 1;
}

/* A packet the hub routed here (headroom in front): wrap it, send it on. */
static void
tsl_from_tun(struct tunsrv_link *t, uint8_t *pkt, size_t len)
{
	uint8_t *frame;
	size_t flen;
	int r;

	t->e.in_engine++;
	frame = ppp_engine_wrap_ip(t->e.eng, pkt, len, &flen);
	t->e.in_engine--;
	if (frame == NULL) {
		t->drop_wrap++;
		return;
	}
	r = UP(t)->to_server(UPARG(t), frame, flen);
	if (r == 0)
		t->bytes_out += flen;
	else
		t->drop_gate++;
}

/* --- link_ops --------------------------------------------------------------- */

/* link_ops.start: the engine and the events. */
static enum link_end
tsl_start(struct link *l, char *err, size_t errlen)
{
	struct tunsrv_link *t = TS(l);

	if (link_eng_init(&t->e, t->base, &t->econf, &tsl_engine_ops,
	    t) < 0) {
		snprintf(err, errlen, "cannot set up the PPP engine: out of "
		    "memory");
		return LINK_END_INTERNAL;
	}
	return LINK_END_OK;
}

/* link_ops.ppp_start: the call is acknowledged; LCP begins. */
static void
tsl_ppp_start(struct link *l)
{
	(void)link_eng_ppp_start(&TS(l)->e);
}

/* link_ops.from_server: a gated PPP frame from the client. */
static int
tsl_from_server(struct link *l, const uint8_t *frame, size_t len)
{
	struct tunsrv_link *t = TS(l);

	if (t->e.ppp_started && !t->e.gone)
		t->bytes_in += len;
	return link_eng_input(&t->e, frame, len);
}

/*
 * link_ops.server_drained: holds again; the hub goes on (from the loop,
 * not inside the stream's callback) when it waits for this session.
 */
static void
tsl_server_drained(struct link *l)
{
	struct tunsrv_link *t = TS(l);

	t->slow = false;
	if (t->hub->held == t)
		event_active(t->hub->hold_ev, EV_TIMEOUT, 0);
}

/* link_ops.stop: deferred to the loop when inside the engine. */
static void
tsl_stop(struct link *l, enum link_stop how)
{
	link_eng_stop(&TS(l)->e, how);
}

/* link_ops.done: once the end was reported. */
static bool
tsl_done(const struct link *l)
{
	return TS(l)->e.gone;
}

/* link_ops.child_pid: no child. */
static pid_t
tsl_child_pid(const struct link *l)
{
	(void)l;
	return 0;
}

/* link_ops.sock_path: no socket. */
static const char *
tsl_sock_path(const struct link *l)
{
	(void)l;
	return NULL;
}

/* link_ops.stats: PPP bytes each way. */
static void
tsl_stats(const struct link *l, uint64_t *to_server, uint64_t *from_server)
{
	*to_server = TS(l)->bytes_out;
	*from_server = TS(l)->bytes_in;
}

/* link_ops.free: out of the table, the address back, the engine wiped. */
static void
tsl_free(struct link *l)
{
	struct tunsrv_link *t = TS(l);

	if (t == NULL)
		return;
	tsl_unregister(t);
	if (t->ra_ev != NULL)
		event_free(t->ra_ev);
	link_eng_free(&t->e);
	if (t->have_addr && t->auth.release_addr != NULL)
		t->auth.release_addr(t->auth.arg, t->addr4);
	if (t->have_p64)
		hub_p64_put(t->hub, t->p64_idx);
	free(t->server_name);
	free(t);
}

static const struct link_ops tsl_link_ops = {
	.name = "tunsrv",
	.start = tsl_start,
	.ppp_start = tsl_ppp_start,
	.from_server = tsl_from_server,
	.server_drained = tsl_server_drained,
	.stop = tsl_stop,
	.done = tsl_done,
	.child_pid = tsl_child_pid,
	.sock_path = tsl_sock_path,
	.stats = tsl_stats,
	.free = tsl_free,
};

/* See tunsrv.h. */
struct link *
tunsrv_link_new(struct tun_hub *hub, struct event_base *base,
    const struct ppp_engine_conf *conf, const struct tunsrv_auth *auth,
    const struct link_up *up, void *up_arg)
{
	struct tunsrv_link *t;

	t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->link.ops = &tsl_link_ops;
	t->link.up = up;
	t->link.up_arg = up_arg;
	t->hub = hub;
	t->base = base;
	t->econf = *conf;
	t->econf.role = PPP_ROLE_SERVER;
	if (t->econf.local4 == 0)
		t->econf.local4 = hub->conf.local4;
	if (t->econf.mru == 0)
		t->econf.mru = (uint16_t)hub->conf.mtu;
	t->server_name = strdup(conf->server_name != NULL ?
	    conf->server_name : "sstpd");
	if (t->server_name == NULL) {
		free(t);
		return NULL;
	}
	t->econf.server_name = t->server_name;
	/* The client's strings are not used in the server role. */
	t->econf.user = NULL;
	t->econf.password = NULL;
	if (auth != NULL)
		t->auth = *auth;
	t->e4.owner = t->e6.owner = t;
	if (hub->conf.ra && hub->conf.have_pool6) {
		t->ra_ev = event_new(base, -1, 0, tsl_ra_cb, t);
		if (t->ra_ev == NULL) {
			free(t->server_name);
			free(t);
			return NULL;
		}
	}
	t->e.ended = tsl_report_gone;
	t->e.guard_ms = TUNSRV_STOP_GUARD_MS;
	t->e.close_why = "sstpd is stopping";
	t->e.down_why = "PPP ended: the client link is down";
	snprintf(t->net.ifname, sizeof t->net.ifname, "%s", hub->name);
	t->net.ifindex = hub->ifindex;
	return &t->link;
}

/* The authenticated peer's name, "" before. */
const char *
tunsrv_link_user(const struct link *l)
{
	const struct tunsrv_link *t = TS(l);

	return t->e.eng != NULL ? ppp_engine_peer_user(t->e.eng) : "";
}
