/*
 * fuzz_sstp_chan.c - the SSTP side of a session (session/sstp_chan.h)
 * between a fake stream and a fake link (link/link.h), with a fake clock
 * and a fake owner that reacts as sstpc/session.c does.
 *
 * Input:	byte 0		configuration (as fuzz_sstp_conv's):
 *				bit 0 certificate SHA-1 known, bit 1 SHA-256
 *				known, bit 2 require SHA-256, bit 3 do not
 *				call sstp_chan_begin() first (BEGIN does),
 *				bits 4-5 hello_fails, bits 6-7 connect_retries
 *		then records	u8 event, u16 big-endian length, that many
 *				bytes (a short last record takes what is left)
 *
 * Events (event byte modulo CH_EV_COUNT):
 *	PEER_BYTES	the bytes arrive from the server: they join the
 *			socket, are read into the stream's receive buffer
 *			(CH_RX_MAX) and offered to sstp_chan_input() as
 *			net/tls_stream.c does: all buffered bytes in one
 *			call, again after a partial consumption, what is
 *			not consumed stays buffered, nothing while paused
 *	ADVANCE		the clock moves by the u32 in the bytes (ms)
 *	TO_DEADLINE	the clock jumps to the deadline + the first byte
 *	LINK_SEND	the link's to_server up-call, the bytes as a PPP
 *			frame (held until ppp_start when the link holds)
 *	LINK_KEYS	the link's auth_done: byte 0 send_len, byte 1
 *			recv_len (each modulo PPP_AUTH_KEY_MAX + 1), then
 *			the send key and the recv key (zero-filled)
 *	LINK_PAUSE	byte 0 n (default 0): 0 pause_server(true) now,
 *			else from inside the link's from_server once n
 *			more frames came (a full pty, as pppd_link.c)
 *	LINK_RESUME	pause_server(false); the stream delivers again
 *	STREAM_FULL	byte 0 (default 1): bit 0 the output is above its
 *			high mark (tx_full), bit 1 it has no room at all
 *			(reserve fails), bit 2 the stream is sloppy: it
 *			calls sstp_chan_input() once per event even while
 *			paused
 *	DISCONNECT	sstp_chan_disconnect() (the owner stops)
 *	LOWER_DOWN	sstp_chan_lower_down(): the stream broke
 *	LINK_GONE	the link's gone (byte 0: enum link_end), once
 *	LINK_FAIL	the link's fail (byte 0: enum link_end)
 *	BEGIN		sstp_chan_begin() if not begun and the stream lives
 *	LINK_REACT	byte 0: the fake link's synchronous reactions
 *			(CH_R_*), then keys as in LINK_KEYS for the ones
 *			that report keys
 *	LINK_ASK	the link's server_full, signal_child, server_addr
 * After every event the stream delivers what it holds (unless paused)
 * and due timers fire (sstp_chan_timer) as the owner's timer would.
 *
 * The owner: closed -> drop the stream, stop the link (HANGUP); link
 * gone -> sstp_chan_disconnect() while the stream lives; link fail ->
 * stop the link (ORDERLY), or disconnect if it is gone already.
 *
 * Invariants: closed is reported at most once, exactly when the state is
 * CLOSED, and nothing is reserved on the stream after it; every
 * reservation is one whole SSTP packet: control packets decode and are
 * client messages (no Request after the Ack, one Call Connected), data
 * packets carry exactly the frame the link gave in that to_server call;
 * to_server returns 0 exactly when the state lets the frame pass
 * (PROTOCOL.md 3.2: PPP control after the Ack, IP after Call Connected)
 * and the stream has room; every frame delivered to the link came from a
 * data packet the peer sent, in order (a shadow framing of the peer's
 * bytes), after the Ack, IP frames only after Call Connected, only from
 * inside sstp_chan_input; a Call Connected carries a Compound MAC that
 * sstp_bind_verify() accepts for the HLAK derived here (PROTOCOL.md 4.1)
 * from the FIRST keys reported after the Ack, and those keys, when the
 * state is Connect_Ack_Received, make Call Connected go at once; later
 * keys change nothing; pause_input calls alternate; sstp_chan_input
 * never returns more than given, stops on packet boundaries (or takes
 * all after a framing error), takes every whole packet unless paused or
 * closed, takes at most one packet when called while paused, and stops
 * right after the packet whose frame made the link pause; the owner's
 * timer (armed at timer_changed) always equals sstp_chan_deadline(),
 * which after the timers ran is UINT64_MAX or in the future, and no
 * further than the longest configured timer; sstp_chan_disconnect()
 * returns true exactly when begun and not closing, and then the channel
 * is closing; binding_refused is exactly "peer Abort, after Call
 * Connected, no IP frame back, within 3 s"; the link's gone and fail
 * reach the owner unchanged, as do signal_child and server_addr.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sstp_bind.h"
#include "fuzz.h"
#include "link/link.h"
#include "session/sstp_chan.h"
#include "sstp/sstp_ctrl.h"
#include "util/buf.h"
#include "wire/sstp_wire.h"

enum ch_ev {
	CH_PEER_BYTES = 0,
	CH_ADVANCE,
	CH_TO_DEADLINE,
	CH_LINK_SEND,
	CH_LINK_KEYS,
	CH_LINK_PAUSE,
	CH_LINK_RESUME,
	CH_STREAM_FULL,
	CH_DISCONNECT,
	CH_LOWER_DOWN,
	CH_LINK_GONE,
	CH_LINK_FAIL,
	CH_BEGIN,
	CH_LINK_REACT,
	CH_LINK_ASK,
	CH_EV_COUNT
};

/* The fake link's synchronous reactions (LINK_REACT byte 0). */
#define CH_R_ECHO	0x01	/* send every frame from the server back */
#define CH_R_KEYS_RX	0x02	/* keys on the next frame (snooped Success) */
#define CH_R_HOLD	0x04	/* hold frames until ppp_start (pppd_link.c) */
#define CH_R_GONE_STOP	0x08	/* stop() reports gone before returning */
#define CH_R_KEYS_START	0x10	/* keys from inside ppp_start */
#define CH_R_FAIL_START	0x20	/* fail from inside ppp_start */

/* Two packets and a bit: smaller than tls_stream's 64 KiB, so it fills. */
#define CH_RX_MAX	(2 * SSTP_MAX_PKT + 2)
#define CH_PEER_MAX	FUZZ_INPUT_MAX	/* every byte the peer sent */
#define CH_HELD_MAX	16
#define CH_T0		100000ULL	/* fake clock origin, ms */
#define CH_VERDICT_MS	3000		/* sstp_chan.h: binding_refused */
#define CH_PID		4242

struct ch {
	struct link		 link;		/* first: the fake link */
	struct sstp_chan	 chan;
	uint8_t			 cfg;
	uint64_t		 now;
	uint32_t		 max_ms;
	bool			 begun;
	/* the stream: peer log offsets sent >= rd >= used */
	size_t			 sent, rd, used;
	size_t			 shadow;	/* next peer packet to match */
	bool			 tx_full, no_room, sloppy;
	bool			 io_paused;	/* the stream's flag */
	bool			 want_paused;	/* the link's last request */
	bool			 dead;		/* lower down, or dropped */
	bool			 lowered;
	bool			 in_input;
	const uint8_t		*in_buf;
	size_t			 in_len;
	size_t			 pause_at;	/* SIZE_MAX: no pause */
	uint8_t			*pend;		/* reservation to check */
	size_t			 pend_len;
	const uint8_t		*expect;	/* to_server's frame */
	size_t			 expect_len;
	bool			 expect_seen;
	bool			 sent_connected;
	/* the link */
	bool			 ppp_started;
	unsigned int		 react;
	unsigned int		 pause_in;	/* frames to the pause, 0 none */
	struct ppp_auth_keys	 react_keys;
	bool			 gone_reported;
	bool			 ip_delivered;
	struct {
		const uint8_t	*p;
		size_t		 len;
	}			 held[CH_HELD_MAX];
	size_t			 nheld;
	/* the keys */
	bool			 have_first;
	uint8_t			 hlak[SSTP_HLAK_LEN];
	/* the owner */
	unsigned int		 n_established, n_closed, n_gone, n_fail;
	uint64_t		 t_established;
	uint64_t		 armed;		/* the owner's timer */
	enum link_end		 want_end;
	const char		*want_why;
	struct sockaddr		 sa;
};

static uint8_t ch_peer[CH_PEER_MAX];

/* MS-SSTP 4.7 certificate hash (PROTOCOL.md 4.4) and 2.5's SHA-1 one. */
static const uint8_t ch_sha256[32] = {
	0x79, 0x93, 0xef, 0x31, 0x4c, 0x49, 0x3d, 0xac, 0xe9, 0xf0, 0x2d,
	0x60, 0xe7, 0xe6, 0x1c, 0x84, 0xb6, 0x69, 0x0a, 0xaf, 0xe9, 0xd7,
	0xae, 0xea, 0x92, 0xcb, 0xbe, 0x8a, 0xd5, 0x99, 0x42, 0x2d
};
static const uint8_t ch_sha1[20] = {
	0x58, 0x26, 0xb6, 0x29, 0xbd, 0xa5, 0x9b, 0x8e, 0x6f, 0xd8,
	0xdc, 0xd2, 0x62, 0x2f, 0xd3, 0x4c, 0x53, 0x48, 0x05, 0xa5
};

#define CH(l)	((struct ch *)(void *)(l))

/*
 * The HLAK, derived here without sstp_bind_hlak (PROTOCOL.md 4.1): no
 * keys -> zeros; else send then recv, cut or zero-filled to 32 bytes.
 */
static void
ch_hlak(const struct ppp_auth_keys *k, uint8_t out[SSTP_HLAK_LEN])
{
	size_t i, n = 0;

	memset(out, 0, SSTP_HLAK_LEN);
	if (k->send_len == 0)
		return;
	for (i = 0; i < k->send_len && n < SSTP_HLAK_LEN; i++)
		out[n++] = k->send[i];
	for (i = 0; i < k->recv_len && n < SSTP_HLAK_LEN; i++)
		out[n++] = k->recv[i];
}

/* Keys from a record: send_len, recv_len, send key, recv key. */
static void
ch_parse_keys(struct bcur *rec, struct ppp_auth_keys *k)
{
	struct bcur v;

	memset(k, 0, sizeof *k);
	k->send_len = fuzz_u8(rec, 0) % (PPP_AUTH_KEY_MAX + 1);
	k->recv_len = fuzz_u8(rec, 0) % (PPP_AUTH_KEY_MAX + 1);
	v = fuzz_take(rec, k->send_len);
	(void)bcur_get_bytes(&v, k->send, bcur_left(&v));
	v = fuzz_take(rec, k->recv_len);
	(void)bcur_get_bytes(&v, k->recv, bcur_left(&v));
}

/* --- what the channel wrote --------------------------------------------- */

/*
 * Check the reservation not checked yet: one whole, valid packet.  The
 * channel fills a reservation before anything else runs, so this runs at
 * the next reservation and at the entry of every callback, while the facts
 * it checks against (ppp_start seen, keys) are those of the moment it
 * was written.
 */
static void
ch_out_check(struct ch *h)
{
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	struct sstp_frame f;
	enum sstp_hash hash;
	uint8_t *p = h->pend;
	size_t len = h->pend_len;

	if (p == NULL)
		return;
	h->pend = NULL;
	FUZZ_CHECK(sstp_wire_frame(p, len, &f) == 1);
	FUZZ_CHECK(f.len == len);
	if (!f.control) {
		/* Exactly the frame of the to_server call under way. */
		FUZZ_CHECK(h->expect != NULL && !h->expect_seen);
		FUZZ_CHECK(len == SSTP_HDR_LEN + h->expect_len);
		FUZZ_CHECK(memcmp(p + SSTP_HDR_LEN, h->expect,
		    h->expect_len) == 0);
		h->expect_seen = true;
		free(p);
		return;
	}
	FUZZ_CHECK(sstp_wire_decode_ctrl(p, len, &m, &v) == 0);
	switch (m.type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST:
		FUZZ_CHECK(len == SSTP_CONNECT_REQ_LEN);
		FUZZ_CHECK(m.encap_proto == SSTP_ENCAP_PPP);
		FUZZ_CHECK(!h->ppp_started);
		break;
	case SSTP_MSG_CALL_CONNECTED:
		FUZZ_CHECK(len == SSTP_CONNECTED_LEN);
		FUZZ_CHECK(!h->sent_connected);
		FUZZ_CHECK(h->ppp_started && h->have_first);
		FUZZ_CHECK(m.hash_bitmask == SSTP_HASH_SHA1 ||
		    m.hash_bitmask == SSTP_HASH_SHA256);
		hash = (enum sstp_hash)m.hash_bitmask;
		/* Only a hash whose certificate hash we gave. */
		FUZZ_CHECK((h->cfg & (hash == SSTP_HASH_SHA1 ? 1 : 2)) != 0);
		/* MS-SSTP 3.3.5.2.x: what the server would check. */
		FUZZ_CHECK(sstp_bind_verify(p, h->chan.ctrl.nonce,
		    hash == SSTP_HASH_SHA1 ? ch_sha1 : ch_sha256, hash,
		    h->hlak) == 0);
		h->sent_connected = true;
		break;
	case SSTP_MSG_CALL_ABORT:
	case SSTP_MSG_CALL_DISCONNECT:
	case SSTP_MSG_CALL_DISCONNECT_ACK:
	case SSTP_MSG_ECHO_REQUEST:
	case SSTP_MSG_ECHO_RESPONSE:
		break;
	default:
		fuzz_fail(__FILE__, __LINE__, "client sent a server message");
	}
	free(p);
}

/* --- the fake stream (struct sstp_chan_io) ------------------------------ */

static uint8_t *
io_reserve(void *arg, size_t n)
{
	struct ch *h = arg;

	ch_out_check(h);
	FUZZ_CHECK(h->n_closed == 0);	/* nothing after closed */
	FUZZ_CHECK(!h->dead);
	FUZZ_CHECK(n >= SSTP_HDR_LEN && n <= SSTP_MAX_PKT);
	if (h->no_room)
		return NULL;
	/* Exactly n bytes, so that ASan sees a write past the end. */
	if ((h->pend = malloc(n)) == NULL)
		abort();
	h->pend_len = n;
	return h->pend;
}

static bool
io_tx_full(void *arg)
{
	struct ch *h = arg;

	return h->tx_full || h->dead;
}

static void
io_pause_input(void *arg, bool pause)
{
	struct ch *h = arg;

	ch_out_check(h);
	/* The channel keeps the one flag: its calls alternate. */
	FUZZ_CHECK(pause != h->io_paused);
	FUZZ_CHECK(h->begun && !h->lowered);
	h->io_paused = pause;
}

static const struct sstp_chan_io ch_io = {
	.reserve = io_reserve,
	.tx_full = io_tx_full,
	.pause_input = io_pause_input,
};

/* --- the link's up-calls, made by the fuzzer or the fake link ----------- */

/* to_server, with what must have happened on the stream. */
static int
ch_send(struct ch *h, const uint8_t *f, size_t len)
{
	enum sstp_cstate st = sstp_chan_state(&h->chan);
	bool ok;
	int ctl, r;

	ch_out_check(h);
	ctl = sstp_wire_ppp_classify(f, len, NULL, NULL);
	ok = ctl >= 0 && len <= SSTP_MAX_PAYLOAD && !h->no_room &&
	    (st == SSTP_CS_CALL_CONNECTED ||
	    (st == SSTP_CS_ACK_RECEIVED && ctl == 1));
	h->expect = f;
	h->expect_len = len;
	h->expect_seen = false;
	r = h->link.up->to_server(h->link.up_arg, f, len);
	ch_out_check(h);
	h->expect = NULL;
	FUZZ_CHECK(r == 0 || r == -EAGAIN || r == -EMSGSIZE ||
	    r == -ENOBUFS || r == -ENOTCONN);
	/* Sent exactly when the state lets it pass (PROTOCOL.md 3.2). */
	FUZZ_CHECK((r == 0) == ok);
	FUZZ_CHECK((r == 0) == h->expect_seen);
	if (r == 0) {
		FUZZ_CHECK(h->ppp_started && h->n_closed == 0);
		if (ctl == 0)
			FUZZ_CHECK(h->n_established == 1);
	}
	return r;
}

/* auth_done; the first keys after the Ack make Call Connected go. */
static void
ch_keys(struct ch *h, const struct ppp_auth_keys *k)
{
	enum sstp_cstate st = sstp_chan_state(&h->chan);
	unsigned int est = h->n_established;
	bool first = h->ppp_started && !h->have_first;

	if (first) {
		ch_hlak(k, h->hlak);
		h->have_first = true;
	}
	ch_out_check(h);
	h->link.up->auth_done(h->link.up_arg, k, "fuzz");
	ch_out_check(h);
	if (first && st == SSTP_CS_ACK_RECEIVED)
		FUZZ_CHECK(h->n_established == est + 1);
	else
		FUZZ_CHECK(h->n_established == est);
}

/* The owner's stop of the session, or the link gone: Call Disconnect. */
static void
ch_disconnect(struct ch *h)
{
	bool want = h->begun && !sstp_chan_closing(&h->chan);
	bool r;

	r = sstp_chan_disconnect(&h->chan, h->now);
	ch_out_check(h);
	FUZZ_CHECK(r == want);
	if (r)
		FUZZ_CHECK(sstp_chan_closing(&h->chan));
}

/* The link's end, reported once. */
static void
ch_gone(struct ch *h, enum link_end end, const char *why)
{
	unsigned int n = h->n_gone;

	if (h->gone_reported)
		return;
	h->gone_reported = true;
	h->want_end = end;
	h->want_why = why;
	h->link.up->gone(h->link.up_arg, end, why);
	FUZZ_CHECK(h->n_gone == n + 1);
}

static void
ch_fail(struct ch *h, enum link_end end, const char *msg)
{
	unsigned int n = h->n_fail;

	h->want_end = end;
	h->want_why = msg;
	h->link.up->fail(h->link.up_arg, end, msg);
	FUZZ_CHECK(h->n_fail == n + 1);
}

/* --- the fake link (struct link_ops) ------------------------------------ */

static enum link_end
fl_start(struct link *l, char *err, size_t errlen)
{
	(void)l;
	(void)err;
	(void)errlen;
	return LINK_END_OK;
}

static void
fl_ppp_start(struct link *l)
{
	struct ch *h = CH(l);
	size_t i;

	ch_out_check(h);
	FUZZ_CHECK(!h->ppp_started);
	FUZZ_CHECK(h->n_closed == 0);
	FUZZ_CHECK(sstp_chan_state(&h->chan) == SSTP_CS_ACK_RECEIVED);
	h->ppp_started = true;
	/* What the link held goes now (pppd_link.c's bridge_ppp_start). */
	for (i = 0; i < h->nheld; i++)
		(void)ch_send(h, h->held[i].p, h->held[i].len);
	h->nheld = 0;
	if ((h->react & CH_R_KEYS_START) != 0) {
		h->react &= ~(unsigned int)CH_R_KEYS_START;
		ch_keys(h, &h->react_keys);
	}
	if ((h->react & CH_R_FAIL_START) != 0) {
		h->react &= ~(unsigned int)CH_R_FAIL_START;
		ch_fail(h, LINK_END_INTERNAL, "fuzz: fail in ppp_start");
	}
}

/* Match a delivered frame with the next data packets the peer sent. */
static void
ch_shadow_match(struct ch *h, const uint8_t *f, size_t len)
{
	struct sstp_frame fr;
	const uint8_t *p;

	for (;;) {
		/* Running out: the frame is not one the peer sent. */
		FUZZ_CHECK(sstp_wire_frame(ch_peer + h->shadow,
		    h->rd - h->shadow, &fr) == 1);
		p = ch_peer + h->shadow;
		h->shadow += fr.len;
		if (!fr.control && fr.len - SSTP_HDR_LEN == len &&
		    memcmp(p + SSTP_HDR_LEN, f, len) == 0)
			return;
	}
}

static int
fl_from_server(struct link *l, const uint8_t *f, size_t len)
{
	struct ch *h = CH(l);
	enum sstp_cstate st = sstp_chan_state(&h->chan);
	int ctl;

	ch_out_check(h);
	FUZZ_CHECK(h->in_input);
	FUZZ_CHECK(f != NULL && len > 0);
	ctl = sstp_wire_ppp_classify(f, len, NULL, NULL);
	FUZZ_CHECK(ctl >= 0);
	/* PROTOCOL.md 3.2: PPP control after the Ack, IP once connected. */
	FUZZ_CHECK(h->ppp_started && h->n_closed == 0);
	FUZZ_CHECK(st == SSTP_CS_CALL_CONNECTED ||
	    (st == SSTP_CS_ACK_RECEIVED && ctl == 1));
	if (ctl == 0) {
		FUZZ_CHECK(h->n_established == 1);
		h->ip_delivered = true;
	}
	ch_shadow_match(h, f, len);
	if ((h->react & CH_R_KEYS_RX) != 0) {
		h->react &= ~(unsigned int)CH_R_KEYS_RX;
		ch_keys(h, &h->react_keys);
	}
	if ((h->react & CH_R_ECHO) != 0)
		(void)ch_send(h, f, len);
	if (h->pause_in > 0 && --h->pause_in == 0) {
		if (h->pause_at == SIZE_MAX && f >= h->in_buf &&
		    f + len <= h->in_buf + h->in_len)
			h->pause_at = (size_t)(f + len - h->in_buf);
		h->want_paused = true;
		h->link.up->pause_server(h->link.up_arg, true);
	}
	return 0;
}

static void
fl_server_drained(struct link *l)
{
	(void)l;
}

static void
fl_stop(struct link *l, enum link_stop how)
{
	struct ch *h = CH(l);

	(void)how;
	ch_out_check(h);
	if ((h->react & CH_R_GONE_STOP) != 0)
		ch_gone(h, LINK_END_OK, "fuzz: stopped");
}

static bool
fl_done(const struct link *l)
{
	return CH(l)->gone_reported;
}

static pid_t
fl_child_pid(const struct link *l)
{
	(void)l;
	return CH_PID;
}

static const char *
fl_sock_path(const struct link *l)
{
	(void)l;
	return NULL;
}

static void
fl_stats(const struct link *l, uint64_t *to_server, uint64_t *from_server)
{
	(void)l;
	*to_server = *from_server = 0;
}

static void
fl_free(struct link *l)
{
	(void)l;
}

static const struct link_ops fl_ops = {
	.name = "fuzz",
	.start = fl_start,
	.ppp_start = fl_ppp_start,
	.from_server = fl_from_server,
	.server_drained = fl_server_drained,
	.stop = fl_stop,
	.done = fl_done,
	.child_pid = fl_child_pid,
	.sock_path = fl_sock_path,
	.stats = fl_stats,
	.free = fl_free,
};

/* --- the fake owner (struct sstp_chan_ops), after sstpc/session.c ------- */

static uint64_t
ow_now(void *arg)
{
	return ((struct ch *)arg)->now;
}

static void
ow_established(void *arg)
{
	struct ch *h = arg;

	ch_out_check(h);
	FUZZ_CHECK(h->n_established == 0 && h->n_closed == 0);
	FUZZ_CHECK(h->ppp_started && h->have_first);
	FUZZ_CHECK(sstp_chan_state(&h->chan) == SSTP_CS_CALL_CONNECTED);
	/* Call Connected went out just before, unless there was no room. */
	FUZZ_CHECK(h->sent_connected || h->no_room);
	h->n_established++;
	h->t_established = h->now;
}

static void
ow_closed(void *arg, enum sstp_quit q, bool refused, const char *msg)
{
	struct ch *h = arg;

	ch_out_check(h);
	FUZZ_CHECK(h->n_closed == 0);
	h->n_closed++;
	FUZZ_CHECK(sstp_chan_state(&h->chan) == SSTP_CS_CLOSED);
	FUZZ_CHECK(q != SSTP_QUIT_NONE && q < SSTP_QUIT_COUNT);
	FUZZ_CHECK(q == sstp_ctrl_quit(&h->chan.ctrl));
	FUZZ_CHECK(msg != NULL);
	/* sstp_chan.h: an Abort answering our Call Connected (3.3.5.2.3). */
	FUZZ_CHECK(refused == (q == SSTP_QUIT_PEER_ABORT &&
	    h->n_established == 1 && !h->ip_delivered &&
	    h->now - h->t_established < CH_VERDICT_MS));
	/* session_chan_closed: drop the stream, hang the link up. */
	h->dead = true;
	fl_stop(&h->link, LINK_STOP_HANGUP);
}

static void
ow_timer_changed(void *arg)
{
	struct ch *h = arg;

	ch_out_check(h);
	h->armed = sstp_chan_deadline(&h->chan);
}

/* session_ppp_gone: Call Disconnect while the stream lives. */
static void
ow_link_gone(void *arg, enum link_end end, const char *why)
{
	struct ch *h = arg;

	ch_out_check(h);
	FUZZ_CHECK(end == h->want_end && why == h->want_why);
	h->n_gone++;
	if (!h->dead)
		ch_disconnect(h);
}

/* session_stop: stop the link first; when it is gone, disconnect. */
static void
ow_link_fail(void *arg, enum link_end end, const char *msg)
{
	struct ch *h = arg;

	ch_out_check(h);
	FUZZ_CHECK(end == h->want_end && msg == h->want_why);
	h->n_fail++;
	if (!h->gone_reported)
		fl_stop(&h->link, LINK_STOP_ORDERLY);
	else if (!h->dead)
		ch_disconnect(h);
}

static int
ow_signal_child(void *arg, pid_t pid, int sig)
{
	(void)arg;
	return -(int)((pid + sig) & 0x7f);
}

static int
ow_server_addr(void *arg, const char **name, const struct sockaddr **sa,
    socklen_t *salen)
{
	struct ch *h = arg;

	if (!h->begun)
		return -ENOTCONN;
	*name = "fuzz.invalid";
	*sa = &h->sa;
	*salen = sizeof h->sa;
	return 0;
}

static const struct sstp_chan_ops ow_ops = {
	.now = ow_now,
	.established = ow_established,
	.closed = ow_closed,
	.timer_changed = ow_timer_changed,
	.link_gone = ow_link_gone,
	.link_fail = ow_link_fail,
	.signal_child = ow_signal_child,
	.server_addr = ow_server_addr,
};

/* --- driving the channel ------------------------------------------------ */

/*
 * One sstp_chan_input() call over what the stream holds, from an exact
 * heap copy (ASan sees an overread); returns the bytes consumed.
 */
static size_t
ch_input(struct ch *h)
{
	struct sstp_frame fr;
	size_t len = h->rd - h->used, n, off, pkts = 0;
	bool paused = h->io_paused, ferr = false;
	uint8_t *buf;
	int r;

	if ((buf = malloc(len)) == NULL)
		abort();
	memcpy(buf, ch_peer + h->used, len);
	h->in_input = true;
	h->in_buf = buf;
	h->in_len = len;
	h->pause_at = SIZE_MAX;
	n = sstp_chan_input(&h->chan, h->now, buf, len);
	h->in_input = false;
	ch_out_check(h);
	FUZZ_CHECK(n <= len);
	if (!h->begun)
		FUZZ_CHECK(n == 0);
	/* Whole packets, or everything after a framing error. */
	for (off = 0; off < n; off += fr.len) {
		r = sstp_wire_frame(buf + off, len - off, &fr);
		FUZZ_CHECK(r != 0);	/* no part of a packet */
		if (r < 0) {
			FUZZ_CHECK(n == len);
			ferr = true;
			break;
		}
		pkts++;
	}
	if (!ferr)
		FUZZ_CHECK(off == n);
	/* Called while paused: one packet at most. */
	if (paused)
		FUZZ_CHECK(pkts + (ferr ? 1 : 0) <= 1);
	/* The link paused in a frame: stop right after its packet. */
	if (h->pause_at != SIZE_MAX)
		FUZZ_CHECK(n == h->pause_at);
	/* Every whole packet is taken unless paused or closed. */
	if (n < len && h->begun && !h->io_paused && h->n_closed == 0 &&
	    !h->lowered)
		FUZZ_CHECK(sstp_wire_frame(buf + n, len - n, &fr) == 0);
	free(buf);
	return n;
}

/* Deliver as tls_stream.c's stream_deliver: until dry, paused or stuck. */
static void
ch_deliver(struct ch *h)
{
	size_t room, n, used;
	bool once = h->sloppy;

	for (;;) {
		if (h->dead)
			return;
		room = CH_RX_MAX - (h->rd - h->used);
		n = h->sent - h->rd;
		if (n > room)
			n = room;
		h->rd += n;
		if (h->rd == h->used)
			return;
		if (h->io_paused && !once)
			return;
		once = false;
		used = ch_input(h);
		h->used += used;
		if (used == 0 && n == 0)
			return;
	}
}

/* Fire due timers, as the owner's one timer would. */
static void
ch_timers(struct ch *h)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (sstp_chan_deadline(&h->chan) > h->now)
			return;
		sstp_chan_timer(&h->chan, h->now);
		ch_out_check(h);
	}
	/* A deadline that stays due would spin the event loop. */
	fuzz_fail(__FILE__, __LINE__, "deadline does not move on");
}

/* State invariants after every event. */
static void
ch_check(struct ch *h)
{
	enum sstp_cstate st = sstp_chan_state(&h->chan);
	uint64_t dl = sstp_chan_deadline(&h->chan);

	FUZZ_CHECK(h->pend == NULL);
	FUZZ_CHECK(st < SSTP_CS_COUNT);
	FUZZ_CHECK(h->n_closed <= 1 && h->n_established <= 1);
	FUZZ_CHECK((st == SSTP_CS_CLOSED) == (h->n_closed == 1));
	if (h->begun)
		FUZZ_CHECK(sstp_chan_closing(&h->chan) ==
		    (st >= SSTP_CS_ABORT_PENDING));
	else
		FUZZ_CHECK(st == SSTP_CS_DISCONNECTED &&
		    !sstp_chan_closing(&h->chan));
	if (h->n_established == 1)
		FUZZ_CHECK(h->ppp_started);
	/* The owner's timer is the channel's deadline. */
	FUZZ_CHECK(h->armed == dl);
	if (dl != UINT64_MAX) {
		FUZZ_CHECK(dl > h->now);
		FUZZ_CHECK(dl - h->now <= h->max_ms);
	}
	if (h->lowered && h->begun)
		FUZZ_CHECK(st == SSTP_CS_CLOSED);
	/* The stream's pause follows the link's last request. */
	if (h->begun && !h->lowered)
		FUZZ_CHECK(h->io_paused == h->want_paused);
}

/* BEGIN: the HTTP handshake is done. */
static void
ch_begin(struct ch *h)
{
	struct sstp_ctrl_conf conf;

	if (h->begun || h->dead)
		return;
	sstp_ctrl_conf_defaults(&conf);
	if (h->cfg & 0x01)
		conf.cert_sha1 = ch_sha1;
	if (h->cfg & 0x02)
		conf.cert_sha256 = ch_sha256;
	conf.require_sha256 = (h->cfg & 0x04) != 0;
	conf.hello_fails = (h->cfg >> 4) & 3;
	conf.connect_retries = (h->cfg >> 6) & 3;
	h->max_ms = conf.negotiation_ms;
	if (conf.hello_ms > h->max_ms)
		h->max_ms = conf.hello_ms;
	if (conf.disc1_ms > h->max_ms)
		h->max_ms = conf.disc1_ms;
	h->begun = true;
	FUZZ_CHECK(sstp_chan_begin(&h->chan, &conf, &ch_io, h, h->now) == 0);
	ch_out_check(h);
	FUZZ_CHECK(sstp_chan_state(&h->chan) == SSTP_CS_REQUEST_SENT);
	/* A pause asked before the stream existed is applied now. */
	FUZZ_CHECK(h->io_paused == h->want_paused);
}

/* One event; the record's bytes. */
static void
ch_event(struct ch *h, uint8_t ev, struct bcur *rec)
{
	struct ppp_auth_keys k;
	const struct sockaddr *sa = NULL;
	const char *name = NULL;
	socklen_t salen = 0;
	uint64_t dl;
	size_t n;
	uint8_t b;

	switch (ev % CH_EV_COUNT) {
	case CH_PEER_BYTES:
		n = bcur_left(rec);
		if (n > CH_PEER_MAX - h->sent)
			n = CH_PEER_MAX - h->sent;
		(void)bcur_get_bytes(rec, ch_peer + h->sent, n);
		h->sent += n;
		break;
	case CH_ADVANCE:
		h->now += fuzz_be32(rec);
		break;
	case CH_TO_DEADLINE:
		dl = sstp_chan_deadline(&h->chan);
		if (dl != UINT64_MAX && dl > h->now)
			h->now = dl + fuzz_u8(rec, 0);
		break;
	case CH_LINK_SEND:
		if ((h->react & CH_R_HOLD) != 0 && !h->ppp_started) {
			if (h->nheld < CH_HELD_MAX) {
				h->held[h->nheld].p = bcur_ptr(rec);
				h->held[h->nheld].len = bcur_left(rec);
				h->nheld++;
			}
		} else
			(void)ch_send(h, bcur_ptr(rec), bcur_left(rec));
		break;
	case CH_LINK_KEYS:
		ch_parse_keys(rec, &k);
		ch_keys(h, &k);
		explicit_bzero(&k, sizeof k);
		break;
	case CH_LINK_PAUSE:
		b = fuzz_u8(rec, 0);
		if (b == 0) {
			h->want_paused = true;
			h->link.up->pause_server(h->link.up_arg, true);
		} else
			h->pause_in = b;
		break;
	case CH_LINK_RESUME:
		h->pause_in = 0;
		h->want_paused = false;
		h->link.up->pause_server(h->link.up_arg, false);
		break;
	case CH_STREAM_FULL:
		b = fuzz_u8(rec, 1);
		h->tx_full = (b & 1) != 0;
		h->no_room = (b & 2) != 0;
		h->sloppy = (b & 4) != 0;
		break;
	case CH_DISCONNECT:
		ch_disconnect(h);
		break;
	case CH_LOWER_DOWN:
		h->lowered = true;
		h->dead = true;
		sstp_chan_lower_down(&h->chan);
		break;
	case CH_LINK_GONE:
		ch_gone(h, (enum link_end)(fuzz_u8(rec, 0) % 4),
		    "fuzz: gone");
		break;
	case CH_LINK_FAIL:
		ch_fail(h, (enum link_end)(fuzz_u8(rec, 0) % 4),
		    "fuzz: failed");
		break;
	case CH_BEGIN:
		ch_begin(h);
		break;
	case CH_LINK_REACT:
		h->react = fuzz_u8(rec, 0);
		ch_parse_keys(rec, &h->react_keys);
		break;
	case CH_LINK_ASK:
		FUZZ_CHECK(h->link.up->server_full(h->link.up_arg) ==
		    (!h->begun || h->lowered || h->dead || h->tx_full));
		b = fuzz_u8(rec, 9);
		FUZZ_CHECK(h->link.up->signal_child(h->link.up_arg, CH_PID,
		    b) == ow_signal_child(h, CH_PID, b));
		if (h->link.up->server_addr(h->link.up_arg, &name, &sa,
		    &salen) == 0)
			FUZZ_CHECK(h->begun && name != NULL && sa == &h->sa &&
			    salen == sizeof h->sa);
		else
			FUZZ_CHECK(!h->begun);
		break;
	}
	ch_out_check(h);
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ch h;
	struct bcur in = bcur_make(data, size), rec;
	uint8_t ev;

	memset(&h, 0, sizeof h);
	h.cfg = fuzz_u8(&in, 0x03);
	h.now = CH_T0;
	h.armed = UINT64_MAX;
	h.sa.sa_family = AF_INET;
	h.link.ops = &fl_ops;
	h.link.up = &sstp_chan_link_up;
	h.link.up_arg = &h.chan;
	sstp_chan_init(&h.chan, &ow_ops, &h);
	sstp_chan_set_link(&h.chan, &h.link);
	if ((h.cfg & 0x08) == 0)
		ch_begin(&h);
	ch_check(&h);

	while (bcur_left(&in) > 0) {
		rec = fuzz_record(&in, &ev);
		ch_event(&h, ev, &rec);
		ch_deliver(&h);
		ch_timers(&h);
		ch_check(&h);
	}
	/* The session always ends with the stream going away. */
	h.lowered = true;
	h.dead = true;
	sstp_chan_lower_down(&h.chan);
	ch_out_check(&h);
	ch_check(&h);
	if (h.begun)
		FUZZ_CHECK(h.n_closed == 1);
	explicit_bzero(&h.react_keys, sizeof h.react_keys);
	return 0;
}
