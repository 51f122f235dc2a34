/*
 * tun_link.c - the TUN link (link/link.h, tun_link.h): the PPP engine on
 * one side, a TUN device on the other.
 *
 * TUN -> server: on each wake-up the TUN is read until EAGAIN, at most
 * `burst` packets, each into one buffer with PPP_ENGINE_HEADROOM in front
 * so the engine writes the protocol (and the MPPE header) in place
 * (ppp_engine_wrap_ip: the IP version is checked against the open NCPs
 * there).  With IFF_VNET_HDR (conf.vnet_hdr) a read may be a TCP
 * super-packet of up to 64 KiB (TSO): it is cut into its segments
 * (wire/gso.h), each built in a second buffer with the same headroom and
 * wrapped there, and `burst` counts segments; a packet whose header asks
 * for its checksum (NEEDS_CSUM) gets it here; a malformed one is dropped
 * and counted.  Every frame goes to the session's stream queue (link_up
 * to_server); the stream writes the queue when the loop comes back to it,
 * so a burst of packets leaves in TLS records of up to 16 KiB
 * (net/tls_stream.c).  While the stream is above its high mark the TUN is
 * not read; server_drained resumes.
 *
 * server -> TUN: the session parses each SSTP packet of a TLS read in place
 * and the engine hands the IP packet over without a copy (deliver); it is
 * checked against its PPP protocol (version, header and length: RFC 1332,
 * RFC 5072 use the IP versions' own headers) and written to the TUN from
 * the receive buffer (with IFF_VNET_HDR behind a zeroed virtio_net_hdr:
 * GSO_NONE, no checksum flags, in one writev).  When the TUN refuses (EAGAIN), the packet is copied
 * to a queue, the server is paused, and the queue is written when the TUN
 * is writable again: nothing is dropped that the kernel would not drop.
 *
 * Ends: the engine's ended() is the link's gone, reported once.  An orderly
 * stop is the engine's Close (RFC 1661 4.1: LCP Terminate-Request, then
 * ended), a hangup its Down.  Down-calls made by the session from inside an
 * engine up-call are deferred to the loop: the engine is not re-entered.
 * That driving of the engine is sstpd's per-session link's too
 * (link/link_eng.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

#include <event2/event.h>

#include "link/link.h"
#include "link/link_eng.h"
#include "link/link_ip.h"
#include "link/tun/tun_link.h"
#include "ppp/ppp_engine.h"
#include "ppp/proto.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "wire/gso.h"

/* Largest IP packet (the IPv4 total length and IPv6 payload fields). */
#define TUN_RX_MAX		65535

struct tun_link {
	struct link		 link;		/* first: the interface */
	struct event_base	*base;
	struct tun_link_conf	 conf;
	struct link_eng		 e;		/* the engine, its stops */
	int			 fd;
	unsigned		 vnet;		/* virtio_net_hdr bytes, or 0 */
	bool			 vnet_le;
	struct event		*rev;		/* TUN readable */
	struct event		*wev;		/* TUN writable (txq waits) */
	struct event		*gro_ev;	/* flush the coalescer */
	struct gro		 gro;		/* vnet: segments -> TUN */
	uint8_t			*grobuf;
	bool			 rx_on;		/* rev added */
	bool			 paused_server;	/* we asked pause_server */
	bool			 dev_failed;	/* the TUN gave an error */
	bool			 net_is_up;
	struct link_net		 net;
	uint8_t			*rx;		/* headroom + vnet + RX_MAX */
	uint8_t			*seg;		/* headroom + a segment */
	struct bq		 txq;		/* [be16 len][packet]... */
	uint64_t		 bytes_out, bytes_in;	/* PPP frames */
	uint64_t		 tun_rx, tun_tx;	/* IP packets */
	uint64_t		 drop_wrap, drop_gate, drop_ip, drop_tun;
	uint64_t		 tun_super, drop_gso;	/* TSO reads */
	uint64_t		 gro_super;		/* GRO writes */
};

#define TL(l)		((struct tun_link *)(void *)(l))
#define UP(t)		((t)->link.up)
#define UPARG(t)	((t)->link.up_arg)

static void	tl_update_rx(struct tun_link *);

/* Ask the session to stop (true) or resume (false) reading the server. */
static void
tl_pause_server(struct tun_link *t, bool pause)
{
	if (t->paused_server == pause)
		return;
	t->paused_server = pause;
	UP(t)->pause_server(UPARG(t), pause);
}

/* The PPP side has ended: report gone once, after undoing net_up. */
static void
tl_report_gone(void *arg, enum link_end end, const char *why)
{
	struct tun_link *t = arg;

	if (t->e.gone)
		return;
	if (t->net_is_up) {
		t->net_is_up = false;
		if (UP(t)->net_down != NULL)
			UP(t)->net_down(UPARG(t), &t->net);
	}
	link_eng_halt(&t->e);
	if (t->rev != NULL)
		event_del(t->rev);
	t->rx_on = false;
	if (t->wev != NULL)
		event_del(t->wev);
	if (t->gro_ev != NULL)
		event_del(t->gro_ev);
	bq_consume(&t->txq, bq_pending(&t->txq));
	/* The session must read its Call Disconnect Ack: no pause left. */
	tl_pause_server(t, false);
	if (t->drop_wrap + t->drop_gate + t->drop_gso + t->drop_ip +
	    t->drop_tun > 0)
		log_info("TUN link: dropped %llu packet(s) from the TUN "
		    "(engine %llu, SSTP gate %llu, malformed super-packet "
		    "%llu), %llu toward it (IP check %llu, TUN %llu)",
		    (unsigned long long)(t->drop_wrap + t->drop_gate +
		    t->drop_gso),
		    (unsigned long long)t->drop_wrap,
		    (unsigned long long)t->drop_gate,
		    (unsigned long long)t->drop_gso,
		    (unsigned long long)(t->drop_ip + t->drop_tun),
		    (unsigned long long)t->drop_ip,
		    (unsigned long long)t->drop_tun);
	UP(t)->gone(UPARG(t), end, why);
}

/* The TUN device failed (deleted under us): the session stops (exit 1). */
static void
tl_dev_failed(struct tun_link *t, const char *op, int err)
{
	char msg[200];

	if (t->dev_failed)
		return;
	t->dev_failed = true;
	if (t->rev != NULL)
		event_del(t->rev);
	t->rx_on = false;
	if (t->wev != NULL)
		event_del(t->wev);
	bq_consume(&t->txq, bq_pending(&t->txq));
	tl_pause_server(t, false);
	snprintf(msg, sizeof msg, "TUN device %s failed (%s: %s)",
	    t->conf.ifname != NULL ? t->conf.ifname : "?", op, strerror(err));
	log_err("%s", msg);
	/* A local failure (exit 1), not PPP's: --persist cannot mend it. */
	UP(t)->fail(UPARG(t), LINK_END_INTERNAL, msg);
}

/* --- the engine's up-calls (ppp/ppp_engine.h) ----------------------------- */

/* A PPP frame for the server. */
static void
tl_eng_output(void *arg, const uint8_t *frame, size_t len)
{
	struct tun_link *t = arg;
	int r;

	if (t->e.gone)
		return;
	r = UP(t)->to_server(UPARG(t), frame, len);
	if (r == 0)
		t->bytes_out += len;
	else
		log_trace("PPP frame for the server not sent (%s)",
		    strerror(-r));
}

/*
 * The packet matches its PPP protocol (0x0021: an IPv4 header, 0x0057:
 * IPv6) and its header's length fits the frame; *outlen is the header's
 * length (the bytes after it are not the packet's).  False: drop.
 * (link/link_ip.h, shared with sstpd's link/tunsrv/.)
 */
static bool
tl_ip_ok(uint16_t proto, const uint8_t *pkt, size_t len, size_t *outlen)
{
	struct link_ip ip;

	if (proto != PPP_PROTO_IP && proto != PPP_PROTO_IPV6)
		return false;
	if (!link_ip_parse(proto, pkt, len, &ip))
		return false;
	*outlen = ip.len;
	return true;
}

/*
 * Queue a packet the TUN refused, behind its virtio_net_hdr (@hdr, vnet
 * bytes; none without IFF_VNET_HDR); false when the queue is full.
 */
static bool
tl_txq_put(struct tun_link *t, const uint8_t *hdr, const uint8_t *pkt,
    size_t len)
{
	uint8_t *p = bq_reserve(&t->txq, 2 + t->vnet + len);

	if (p == NULL)
		return false;
	store_be16(p, (uint16_t)len);
	memcpy(p + 2, hdr, t->vnet);
	memcpy(p + 2 + t->vnet, pkt, len);
	return true;
}

/*
 * Write one packet to the TUN (with IFF_VNET_HDR behind @hdr): 1 written,
 * 0 the TUN is full (EAGAIN), -1 dropped (the kernel refused it for good,
 * or the device failed).
 */
static int
tl_tun_write(struct tun_link *t, const uint8_t *hdr, const uint8_t *pkt,
    size_t len)
{
	struct iovec iov[2] = { { (void *)hdr, t->vnet },
	    { (void *)pkt, len } };
	ssize_t n;

	do
		n = t->vnet == 0 ? write(t->fd, pkt, len) :
		    writev(t->fd, iov, 2);
	while (n < 0 && errno == EINTR);
	if (n >= 0) {
		t->tun_tx++;
		return 1;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	t->drop_tun++;
	if (errno == EBADFD || errno == EBADF || errno == ENODEV ||
	    errno == ENXIO)
		tl_dev_failed(t, "write", errno);
	else
		log_trace("TUN write of %zu bytes: %s: dropped", len,
		    strerror(errno));
	return -1;
}

/* A packet (behind its virtio_net_hdr) to the TUN, or to the queue. */
static void
tl_tun_out(struct tun_link *t, const uint8_t *hdr, const uint8_t *pkt,
    size_t len)
{
	/* Behind queued packets: keep the order. */
	if (bq_pending(&t->txq) == 0 && tl_tun_write(t, hdr, pkt, len) != 0)
		return;
	if (t->dev_failed)
		return;
	if (!tl_txq_put(t, hdr, pkt, len)) {
		t->drop_tun++;
		log_trace("TUN queue full: packet dropped");
		return;
	}
	tl_pause_server(t, true);
	event_add(t->wev, NULL);
}

/* Write what the coalescer holds (one packet, or a super-packet). */
static void
tl_gro_flush(struct tun_link *t)
{
	uint8_t hdr[GSO_VNET_HDR_MRG_LEN];
	const uint8_t *pkt;
	size_t len;
	unsigned segs = t->gro.segs;

	len = gro_finish(&t->gro, hdr, t->vnet, t->vnet_le, &pkt);
	if (len == 0 || t->e.gone || t->dev_failed)
		return;
	if (segs > 1)
		t->gro_super++;
	tl_tun_out(t, hdr, pkt, len);
}

/* The loop came back: the server's batch is parsed; flush. */
static void
tl_gro_cb(evutil_socket_t fd, short what, void *arg)
{
	tl_gro_flush(arg);
}

/* An IP packet for the host, straight from the server's receive buffer. */
static void
tl_eng_deliver(void *arg, uint16_t proto, const uint8_t *pkt, size_t len)
{
	/* virtio 1.x 5.1.6: GSO_NONE, no flags (the kernel checks it). */
	static const uint8_t vnet_none[GSO_VNET_HDR_MRG_LEN];
	struct tun_link *t = arg;
	enum gro_res gr;
	size_t iplen;

	if (t->e.gone || t->dev_failed)
		return;
	if (!tl_ip_ok(proto, pkt, len, &iplen)) {
		t->drop_ip++;
		log_trace("dropped a packet from the server: not an IPv%c "
		    "packet of its length (protocol 0x%04x, %zu bytes)",
		    proto == PPP_PROTO_IPV6 ? '6' : '4', proto, len);
		return;
	}
	/*
	 * With IFF_VNET_HDR, TCP segments of one flow in a row are written
	 * as one super-packet when the loop comes back (GRO).
	 */
	if (t->grobuf != NULL) {
		gr = gro_offer(&t->gro, pkt, iplen);
		if (gr == GRO_BUSY) {
			tl_gro_flush(t);
			gr = gro_offer(&t->gro, pkt, iplen);
		}
		if (gr == GRO_HELD) {
			if (t->gro.closed)
				tl_gro_flush(t);
			else if (t->gro.segs == 1)
				event_active(t->gro_ev, EV_TIMEOUT, 0);
			return;
		}
		tl_gro_flush(t);
		if (t->e.gone || t->dev_failed)
			return;
	}
	tl_tun_out(t, vnet_none, pkt, iplen);
}

/* The TUN takes packets again: write the queue, then resume the server. */
static void
tl_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tun_link *t = arg;
	uint16_t len;
	int r;

	while (bq_pending(&t->txq) >= 2) {
		len = load_be16(bq_head(&t->txq));
		r = tl_tun_write(t, bq_head(&t->txq) + 2,
		    bq_head(&t->txq) + 2 + t->vnet, len);
		if (r == 0)
			return;			/* still full: wait */
		if (t->dev_failed)
			return;
		bq_consume(&t->txq, 2 + t->vnet + (size_t)len);
	}
	event_del(t->wev);
	tl_pause_server(t, false);
}

static void
tl_eng_auth_done(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	struct tun_link *t = arg;

	if (!t->e.gone)
		UP(t)->auth_done(UPARG(t), k, how);
}

/* IPCP/IPV6CP opened (or what they gave changed): the host's turn. */
static void
tl_eng_net_up(void *arg, const struct ppp_ip_info *ip)
{
	struct tun_link *t = arg;

	if (t->e.gone)
		return;
	t->net.ip = *ip;
	t->net_is_up = true;
	if (UP(t)->net_up != NULL)
		UP(t)->net_up(UPARG(t), &t->net);
}

static void
tl_eng_net_down(void *arg)
{
	struct tun_link *t = arg;

	if (!t->net_is_up || t->e.gone)
		return;
	t->net_is_up = false;
	if (UP(t)->net_down != NULL)
		UP(t)->net_down(UPARG(t), &t->net);
}

/* PPP is over: the link's end, as the pppd link maps pppd's statuses. */
static void
tl_eng_ended(void *arg, enum ppp_end end, const char *why)
{
	struct tun_link *t = arg;
	char msg[240];

	snprintf(msg, sizeof msg, "PPP ended: %s", why != NULL ? why : "?");
	tl_report_gone(t, link_end_of_ppp(end), msg);
}

static const struct ppp_engine_ops tl_engine_ops = {
	.output = tl_eng_output,
	.deliver = tl_eng_deliver,
	.auth_done = tl_eng_auth_done,
	.net_up = tl_eng_net_up,
	.net_down = tl_eng_net_down,
	.ended = tl_eng_ended,
};

/* --- TUN -> server -------------------------------------------------------- */

/* Wrap one IP packet in place (headroom in front) and send it on. */
static void
tl_send_ip(struct tun_link *t, uint8_t *pkt, size_t len)
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

/*
 * One read with a virtio_net_hdr in front (@buf, @n bytes): the packet
 * sent on, or its segments.  The number of packets sent (or dropped).
 */
static unsigned
tl_send_vnet(struct tun_link *t, uint8_t *buf, size_t n)
{
	struct bcur c = bcur_make(buf, n);
	struct gso_vnet_hdr h;
	struct gso g;
	enum gso_kind kind;
	enum gso_err e = GSO_ERR_VNET;
	uint8_t *pkt = buf + t->vnet, *seg = t->seg + PPP_ENGINE_HEADROOM;
	size_t len = n - t->vnet, sl;
	unsigned k = 0;

	if (n < t->vnet || gso_vnet_parse(&c, t->vnet, t->vnet_le, &h) < 0 ||
	    (e = gso_start(&g, &h, pkt, len, GSO_MAX_PACKET, &kind)) !=
	    GSO_OK) {
		t->drop_gso++;
		log_trace("dropped a packet from the TUN: %s (%zu bytes)",
		    gso_err_str(e), n);
		return 1;
	}
	if (kind == GSO_PASS) {
		gso_complete_csum(&h, pkt, len);
		tl_send_ip(t, pkt, len);
		return 1;
	}
	t->tun_super++;
	while (!t->e.gone && (sl = gso_next(&g, seg)) > 0) {
		tl_send_ip(t, seg, sl);
		k++;
	}
	return k;
}

/* Read up to `burst` packets, wrap them in place, send them on. */
static void
tl_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tun_link *t = arg;
	uint8_t *pkt = t->rx + PPP_ENGINE_HEADROOM;
	unsigned i;
	ssize_t n;

	for (i = 0; i < t->conf.burst; ) {
		if (t->e.gone || t->dev_failed ||
		    UP(t)->server_full(UPARG(t)))
			break;
		n = read(t->fd, pkt, t->vnet + TUN_RX_MAX);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				tl_dev_failed(t, "read", errno);
			break;
		}
		if (n == 0) {
			/* A TUN never reads 0 bytes: not a TUN any more. */
			tl_dev_failed(t, "read", ENODEV);
			break;
		}
		t->tun_rx++;
		if (t->vnet == 0) {
			tl_send_ip(t, pkt, (size_t)n);
			i++;
		} else
			i += tl_send_vnet(t, pkt, (size_t)n);
	}
	tl_update_rx(t);
}

/* Read the TUN only while PPP runs and the server stream takes more. */
static void
tl_update_rx(struct tun_link *t)
{
	bool want;

	if (t->rev == NULL)
		return;
	want = t->e.ppp_started && !t->e.gone && !t->dev_failed &&
	    !UP(t)->server_full(UPARG(t));
	if (want && !t->rx_on)
		event_add(t->rev, NULL);
	else if (!want && t->rx_on)
		event_del(t->rev);
	t->rx_on = want;
}

/* --- link_ops -------------------------------------------------------------- */

/* link_ops.start: the engine and the events (the TUN is open already). */
static enum link_end
tl_start(struct link *l, char *err, size_t errlen)
{
	struct tun_link *t = TL(l);
	int r;

	if (t->fd < 0) {
		snprintf(err, errlen, "no TUN device");
		return LINK_END_PPP;
	}
	r = link_eng_init(&t->e, t->base, &t->conf.engine, &tl_engine_ops, t);
	t->rev = event_new(t->base, t->fd, EV_READ | EV_PERSIST, tl_read_cb, t);
	t->wev = event_new(t->base, t->fd, EV_WRITE | EV_PERSIST, tl_write_cb,
	    t);
	t->gro_ev = event_new(t->base, -1, 0, tl_gro_cb, t);
	if (r < 0 || t->rev == NULL || t->wev == NULL || t->gro_ev == NULL) {
		snprintf(err, errlen, "cannot set up the PPP engine: out of "
		    "memory");
		return LINK_END_INTERNAL;
	}
	log_debug("TUN link on %s (ifindex %d)", t->net.ifname,
	    t->net.ifindex);
	return LINK_END_OK;
}

/* link_ops.ppp_start: the call is acknowledged; LCP begins. */
static void
tl_ppp_start(struct link *l)
{
	if (link_eng_ppp_start(&TL(l)->e))
		tl_update_rx(TL(l));
}

/* link_ops.from_server: a gated PPP frame for the engine. */
static int
tl_from_server(struct link *l, const uint8_t *frame, size_t len)
{
	struct tun_link *t = TL(l);

	if (t->e.ppp_started && !t->e.gone)
		t->bytes_in += len;
	return link_eng_input(&t->e, frame, len);
}

/* link_ops.server_drained: the TUN may be read again. */
static void
tl_server_drained(struct link *l)
{
	tl_update_rx(TL(l));
}

/* link_ops.stop: deferred to the loop when inside the engine. */
static void
tl_stop(struct link *l, enum link_stop how)
{
	link_eng_stop(&TL(l)->e, how);
}

/* link_ops.done: once the end was reported. */
static bool
tl_done(const struct link *l)
{
	return TL(l)->e.gone;
}

static pid_t
tl_child_pid(const struct link *l)
{
	return 0;
}

static const char *
tl_sock_path(const struct link *l)
{
	return NULL;
}

/* link_ops.stats: PPP bytes each way (control and data). */
static void
tl_stats(const struct link *l, uint64_t *to_server, uint64_t *from_server)
{
	const struct tun_link *t = TL(l);

	*to_server = t->bytes_out;
	*from_server = t->bytes_in;
}

/* link_ops.free: the engine wiped; the TUN descriptor stays the caller's. */
static void
tl_free(struct link *l)
{
	struct tun_link *t = TL(l);

	if (t == NULL)
		return;
	link_eng_free(&t->e);
	if (t->rev != NULL)
		event_free(t->rev);
	if (t->wev != NULL)
		event_free(t->wev);
	if (t->gro_ev != NULL)
		event_free(t->gro_ev);
	bq_free(&t->txq);
	free(t->rx);
	free(t->seg);
	free(t->grobuf);
	free(t);
}

static const struct link_ops tl_link_ops = {
	.name = "tun",
	.start = tl_start,
	.ppp_start = tl_ppp_start,
	.from_server = tl_from_server,
	.server_drained = tl_server_drained,
	.stop = tl_stop,
	.done = tl_done,
	.child_pid = tl_child_pid,
	.sock_path = tl_sock_path,
	.stats = tl_stats,
	.free = tl_free,
};

struct link *
tun_link_new(struct event_base *base, const struct tun_link_conf *conf,
    const struct link_up *up, void *up_arg)
{
	struct tun_link *t;

	t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->link.ops = &tl_link_ops;
	t->link.up = up;
	t->link.up_arg = up_arg;
	t->base = base;
	t->conf = *conf;
	if (t->conf.burst == 0)
		t->conf.burst = TUN_LINK_BURST;
	if (t->conf.stop_guard_ms == 0)
		t->conf.stop_guard_ms = TUN_LINK_STOP_GUARD_MS;
	t->fd = conf->fd;
	t->e.ended = tl_report_gone;
	t->e.guard_ms = t->conf.stop_guard_ms;
	t->e.close_why = "sstpc is stopping";
	t->e.down_why = "PPP ended: the server link is down";
	if (conf->ifname != NULL)
		snprintf(t->net.ifname, sizeof t->net.ifname, "%s",
		    conf->ifname);
	t->net.ifindex = conf->ifindex;
	t->vnet = conf->vnet_hdr <= GSO_VNET_HDR_MRG_LEN ? conf->vnet_hdr : 0;
	t->vnet_le = conf->vnet_le;
	t->rx = malloc(PPP_ENGINE_HEADROOM + t->vnet + TUN_RX_MAX);
	if (t->vnet > 0) {
		t->seg = malloc(PPP_ENGINE_HEADROOM + GSO_MAX_PACKET);
		if (!conf->no_gro)
			t->grobuf = malloc(GSO_MAX_PACKET);
		if (t->grobuf != NULL)
			gro_init(&t->gro, t->grobuf);
	}
	if (t->rx == NULL || (t->vnet > 0 && t->seg == NULL) ||
	    (t->vnet > 0 && !conf->no_gro && t->grobuf == NULL) ||
	    bq_init(&t->txq, 16 * 1024,
	    TUN_LINK_TXQ_CAP) < 0) {
		tl_free(&t->link);
		return NULL;
	}
	return &t->link;
}
