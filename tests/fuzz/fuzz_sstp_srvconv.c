/*
 * fuzz_sstp_srvconv.c - the server side of an SSTP conversation: a
 * client's bytes into a channel in the server role (session/sstp_chan.h,
 * sstp/sstp_ctrl.h; MS-SSTP 3.3, PROTOCOL.md 3.3, 3.4 and 8 seen from the
 * server) between a fake stream, a fake PPP side that reports keys, and a
 * fake clock.
 *
 * Input:	byte 0		configuration:
 *				bit 0 offer SHA-1 besides SHA-256, bits 1-2
 *				nak_max, bit 3 do not call sstp_chan_begin()
 *				first (BEGIN does), bits 4-5 hello_fails,
 *				bit 6 the PPP side reports the armed keys from
 *				inside its from_server on the client's first
 *				CHAP (0xC223) or EAP (0xC227) frame
 *		then records	u8 event, u16 big-endian length, that many
 *				bytes (a short last record takes what is left)
 *
 * Events (event byte modulo SV_EV_COUNT):
 *	CLIENT_BYTES	the bytes arrive from the client: they join the
 *			stream's receive buffer (SV_RX_MAX; what does not
 *			fit is lost) which is offered to sstp_chan_input()
 *			as net/tls_stream.c does (all buffered bytes, again
 *			after a partial consumption, nothing while paused)
 *	ADVANCE		the clock moves by the u32 in the bytes (ms)
 *	TO_DEADLINE	the clock jumps to the deadline + the first byte
 *	LINK_SEND	the PPP side's to_server: the bytes as one frame
 *	LINK_KEYS	the PPP side's auth_done with these keys: byte 0
 *			send_len, byte 1 recv_len (each modulo
 *			PPP_AUTH_KEY_MAX + 1), then the send and the recv
 *			key (zero-filled); they become the armed keys too
 *	KEYS_ARM	the same layout: only arm the keys (for CONNECTED
 *			and the from_server report of config bit 6)
 *	CONNECTED	a Call Connected as an honest client would build it
 *			after our Ack (MS-SSTP 2.2.11, 3.2.5.2): byte 0 bit
 *			0 SHA-1 (else SHA-256), the nonce of our Ack (the
 *			fixed test nonce), our certificate hash, the HLAK of
 *			the keys reported (else of the armed keys); byte 1
 *			an offset and byte 2 an XOR mask for one byte (0:
 *			unchanged): of the message after its MAC was made,
 *			or with byte 0 bit 1 of the nonce, bit 2 of the
 *			certificate hash the client believes in (a MAC made
 *			right over a wrong field: a man in the middle with
 *			another certificate, a replayed nonce); then it
 *			arrives as CLIENT_BYTES
 *	DISCONNECT	sstp_chan_disconnect() (the daemon stops)
 *	LOWER_DOWN	sstp_chan_lower_down(): the stream broke
 *	BEGIN		sstp_chan_begin() (our HTTP 200 went out)
 *	PAUSE		byte 0 bit 0: the PPP side's pause_server(true),
 *			else pause_server(false)
 * After every event the stream delivers what it holds (unless paused) and
 * due timers fire (sstp_chan_timer) as the daemon's timer would.  The
 * owner drops the stream when the channel reports closed.
 *
 * Invariants: every packet we write is one whole SSTP packet; control
 * packets decode and are server messages only: one Ack of 48 octets with
 * the configured hash bitmask and the fixed nonce, Naks only before it
 * (at most nak_max, one Status Info naming the refused attribute), Echo
 * Requests only once established, nothing at all after our Abort; data
 * packets carry exactly the frame of that to_server call, and to_server
 * returns 0 exactly when the state lets the frame pass (PPP control after
 * the Ack, IP only once established; MS-SSTP 3.3.7.1/3.3.7.2); frames reach
 * the PPP side only from inside sstp_chan_input, control after the Ack,
 * IP only once established; ppp_start runs once, after the Ack was
 * written; established runs at most once and ONLY when the first Call
 * Connected the client sent verifies (sstp_bind_verify: nonce, our
 * certificate hash, a hash protocol we offered, the Compound MAC) with the
 * HLAK derived here (PROTOCOL.md 4.1) from the FIRST keys reported while
 * Call_Connected_Pending; and conversely a verifying Call Connected plus
 * those keys, in either order, establish the call at once; the machine
 * holds no HLAK outside Call_Connected_Pending (wiped); closed is
 * reported once, exactly in CLOSED, with a quit reason and a
 * NUL-terminated message, and nothing is written after it; the deadline
 * is in the future and no further than the longest timer.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sstp_bind.h"
#include "fuzz.h"
#include "link/link.h"
#include "ppp/auth_keys.h"
#include "session/sstp_chan.h"
#include "sstp/sstp_ctrl.h"
#include "util/buf.h"
#include "wire/sstp_wire.h"

enum sv_ev {
	SV_CLIENT_BYTES = 0,
	SV_ADVANCE,
	SV_TO_DEADLINE,
	SV_LINK_SEND,
	SV_LINK_KEYS,
	SV_KEYS_ARM,
	SV_CONNECTED,
	SV_DISCONNECT,
	SV_LOWER_DOWN,
	SV_BEGIN,
	SV_PAUSE,
	SV_EV_COUNT
};

#define SV_RX_MAX	(2 * SSTP_MAX_PKT + 2)
#define SV_T0		100000ULL	/* fake clock origin, ms */

struct sv {
	struct link		 link;		/* first: the fake PPP side */
	struct sstp_chan	 chan;
	uint8_t			 cfg;
	uint8_t			 offer;
	uint32_t		 nak_max;
	uint64_t		 now;
	uint32_t		 max_ms;
	bool			 begun, dead, paused;
	/* the stream's receive buffer */
	uint8_t			 rx[SV_RX_MAX];
	size_t			 rx_len;
	bool			 in_input;
	/* what we wrote */
	uint8_t			*pend;		/* reservation to check */
	size_t			 pend_len;
	const uint8_t		*expect;	/* to_server's frame */
	size_t			 expect_len;
	bool			 expect_seen;
	bool			 acked, aborted;
	unsigned int		 naks;
	/* the client's Call Connected (the first one consumed) */
	bool			 have_cc;
	uint8_t			 cc[SSTP_CONNECTED_LEN];
	/* keys */
	struct ppp_auth_keys	 armed;
	bool			 have_first;	/* reported in pending */
	uint8_t			 hlak[SSTP_HLAK_LEN];
	bool			 chap_keys_done;
	/* the owner and the PPP side */
	unsigned int		 n_ppp_start, n_established, n_closed;
	bool			 check_established;
};

/* The nonce of every Ack (the rand_hook) and our leaf's hashes. */
static const uint8_t sv_nonce[32] = {
	0x41, 0x2b, 0x48, 0x9a, 0xeb, 0xd7, 0xec, 0xc7, 0xd0, 0x89, 0x66,
	0xf2, 0x6b, 0xe7, 0xcd, 0x72, 0xb2, 0x31, 0xa0, 0xe9, 0x21, 0x0d,
	0x7c, 0x91, 0xb3, 0x08, 0x86, 0x2b, 0x03, 0x44, 0xc4, 0x35
};
static const uint8_t sv_sha256[32] = {
	0x79, 0x93, 0xef, 0x31, 0x4c, 0x49, 0x3d, 0xac, 0xe9, 0xf0, 0x2d,
	0x60, 0xe7, 0xe6, 0x1c, 0x84, 0xb6, 0x69, 0x0a, 0xaf, 0xe9, 0xd7,
	0xae, 0xea, 0x92, 0xcb, 0xbe, 0x8a, 0xd5, 0x99, 0x42, 0x2d
};
static const uint8_t sv_sha1[20] = {
	0x58, 0x26, 0xb6, 0x29, 0xbd, 0xa5, 0x9b, 0x8e, 0x6f, 0xd8,
	0xdc, 0xd2, 0x62, 0x2f, 0xd3, 0x4c, 0x53, 0x48, 0x05, 0xa5
};

#define SV(l)	((struct sv *)(void *)(l))

static void
sv_rand(void *buf, size_t len)
{
	memcpy(buf, sv_nonce, len < sizeof sv_nonce ? len : sizeof sv_nonce);
}

/*
 * The HLAK, derived here without sstp_bind_hlak (PROTOCOL.md 4.1, keys in
 * the client's orientation): no send key -> zeros (PAP); an MSK of 32
 * octets or more -> its first 32; else send then recv, zero-filled.
 */
static void
sv_hlak(const struct ppp_auth_keys *k, uint8_t out[SSTP_HLAK_LEN])
{
	size_t i, n = 0;

	memset(out, 0, SSTP_HLAK_LEN);
	if (k->send_len == 0)
		return;
	for (i = 0; i < k->send_len && n < SSTP_HLAK_LEN; i++)
		out[n++] = k->send[i];
	if (k->send_len >= SSTP_HLAK_LEN)
		return;
	for (i = 0; i < k->recv_len && n < SSTP_HLAK_LEN; i++)
		out[n++] = k->recv[i];
}

/* Keys from a record: send_len, recv_len, send key, recv key. */
static void
sv_parse_keys(struct bcur *rec, struct ppp_auth_keys *k)
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

/* Our certificate hash for a hash protocol, NULL if we offer none. */
static const uint8_t *
sv_cert(const struct sv *h, uint8_t bm)
{
	if ((bm & h->offer) == 0)
		return NULL;
	if (bm == SSTP_HASH_SHA256)
		return sv_sha256;
	if (bm == SSTP_HASH_SHA1)
		return sv_sha1;
	return NULL;
}

/* Does this Call Connected verify against what we know (3.3.5.2.3)? */
static bool
sv_cc_verifies(const struct sv *h, const uint8_t cc[SSTP_CONNECTED_LEN],
    const uint8_t hlak[SSTP_HLAK_LEN])
{
	const uint8_t *cert = sv_cert(h, cc[15]);

	return cert != NULL && sstp_bind_verify(cc, sv_nonce, cert,
	    (enum sstp_hash)cc[15], hlak) == 0;
}

/* --- what the channel wrote --------------------------------------------- */

/* Check the reservation not checked yet: one whole server packet. */
static void
sv_out_check(struct sv *h)
{
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	struct sstp_frame f;
	uint8_t *p = h->pend;
	size_t len = h->pend_len;

	if (p == NULL)
		return;
	h->pend = NULL;
	FUZZ_CHECK(sstp_wire_frame(p, len, &f) == 1);
	FUZZ_CHECK(f.len == len);
	FUZZ_CHECK(!h->aborted);		/* nothing after our Abort */
	if (!f.control) {
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
	case SSTP_MSG_CALL_CONNECT_ACK:
		FUZZ_CHECK(len == SSTP_CONNECT_ACK_LEN && !h->acked);
		FUZZ_CHECK(m.hash_bitmask == h->offer);
		FUZZ_CHECK(memcmp(m.nonce, sv_nonce, sizeof sv_nonce) == 0);
		h->acked = true;
		break;
	case SSTP_MSG_CALL_CONNECT_NAK:
		FUZZ_CHECK(!h->acked);
		FUZZ_CHECK(++h->naks <= h->nak_max);
		FUZZ_CHECK(m.nstatus == 1 && m.status[0].has_status);
		FUZZ_CHECK((m.status[0].attr_id == SSTP_ATTR_ENCAP_PROTO_ID &&
		    m.status[0].status == SSTP_STATUS_VALUE_NOT_SUPPORTED) ||
		    (m.status[0].attr_id == SSTP_ATTR_STATUS_INFO &&
		    m.status[0].status ==
		    SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG));
		break;
	case SSTP_MSG_ECHO_REQUEST:
		FUZZ_CHECK(h->n_established == 1);
		break;
	case SSTP_MSG_CALL_ABORT:
		h->aborted = true;
		break;
	case SSTP_MSG_CALL_DISCONNECT:
	case SSTP_MSG_CALL_DISCONNECT_ACK:
	case SSTP_MSG_ECHO_RESPONSE:
		break;
	default:
		fuzz_fail(__FILE__, __LINE__, "server sent a client message");
	}
	free(p);
}

/* --- the fake stream (struct sstp_chan_io) ------------------------------ */

static uint8_t *
io_reserve(void *arg, size_t n)
{
	struct sv *h = arg;

	sv_out_check(h);
	FUZZ_CHECK(h->n_closed == 0 && !h->dead);
	FUZZ_CHECK(n >= SSTP_HDR_LEN && n <= SSTP_MAX_PKT);
	/* Exactly n bytes, so that ASan sees a write past the end. */
	if ((h->pend = malloc(n)) == NULL)
		abort();
	h->pend_len = n;
	return h->pend;
}

static bool
io_tx_full(void *arg)
{
	return SV(arg)->dead;
}

static void
io_pause_input(void *arg, bool pause)
{
	struct sv *h = arg;

	sv_out_check(h);
	FUZZ_CHECK(pause != h->paused);
	h->paused = pause;
}

static const struct sstp_chan_io sv_io = {
	.reserve = io_reserve,
	.tx_full = io_tx_full,
	.pause_input = io_pause_input,
};

/* --- the fake PPP side (struct link_ops) -------------------------------- */

/* Keys reported to the channel: remember the first while pending. */
static void
sv_keys(struct sv *h, const struct ppp_auth_keys *k)
{
	bool first = h->begun && !h->have_first &&
	    sstp_chan_state(&h->chan) == SSTP_SS_CONNECTED_PENDING;
	bool cc_ok;

	if (first) {
		h->have_first = true;
		sv_hlak(k, h->hlak);
	}
	cc_ok = first && h->have_cc && sv_cc_verifies(h, h->cc, h->hlak);
	h->link.up->auth_done(h->link.up_arg, k, "fuzz");
	sv_out_check(h);
	/* Call Connected first, then the keys: established at once. */
	if (cc_ok)
		FUZZ_CHECK(h->n_established == 1);
}

static void
fl_ppp_start(struct link *l)
{
	struct sv *h = SV(l);

	sv_out_check(h);
	FUZZ_CHECK(h->n_ppp_start++ == 0);
	FUZZ_CHECK(h->acked);
	FUZZ_CHECK(sstp_chan_state(&h->chan) == SSTP_SS_CONNECTED_PENDING);
	FUZZ_CHECK(!h->chan.ctrl.in_dispatch);	/* not re-entrant */
}

static int
fl_from_server(struct link *l, const uint8_t *f, size_t len)
{
	struct sv *h = SV(l);
	uint16_t proto = 0;
	int ctl;

	sv_out_check(h);
	FUZZ_CHECK(h->in_input);
	FUZZ_CHECK(h->n_ppp_start == 1);
	ctl = sstp_wire_ppp_classify(f, len, &proto, NULL);
	FUZZ_CHECK(ctl >= 0);
	if (ctl == 0)			/* IP only once the binding holds */
		FUZZ_CHECK(h->n_established == 1 &&
		    sstp_chan_state(&h->chan) == SSTP_SS_CALL_CONNECTED);
	else
		FUZZ_CHECK(sstp_chan_state(&h->chan) ==
		    SSTP_SS_CONNECTED_PENDING ||
		    sstp_chan_state(&h->chan) == SSTP_SS_CALL_CONNECTED);
	/* An engine that has just checked the client's MS-CHAPv2/EAP. */
	if ((h->cfg & 0x40) != 0 && !h->chap_keys_done &&
	    (proto == 0xc223 || proto == 0xc227)) {
		h->chap_keys_done = true;
		sv_keys(h, &h->armed);
	}
	return 0;
}

static const struct link_ops fl_ops = {
	.name = "fuzz-server-ppp",
	.ppp_start = fl_ppp_start,
	.from_server = fl_from_server,
};

/* --- the fake owner (struct sstp_chan_ops) ------------------------------ */

static uint64_t
ow_now(void *arg)
{
	return SV(arg)->now;
}

static void
ow_established(void *arg)
{
	struct sv *h = arg;

	sv_out_check(h);
	FUZZ_CHECK(h->n_established++ == 0);
	FUZZ_CHECK(h->n_ppp_start == 1 && h->have_first);
	FUZZ_CHECK(sstp_chan_state(&h->chan) == SSTP_SS_CALL_CONNECTED);
	/* Checked once the Call Connected is known to the shadow. */
	h->check_established = true;
}

static void
ow_closed(void *arg, enum sstp_quit q, bool refused, const char *msg)
{
	struct sv *h = arg;

	sv_out_check(h);
	FUZZ_CHECK(h->n_closed++ == 0);
	FUZZ_CHECK(sstp_chan_state(&h->chan) == SSTP_CS_CLOSED);
	FUZZ_CHECK(q != SSTP_QUIT_NONE && q < SSTP_QUIT_COUNT);
	FUZZ_CHECK(!refused);		/* a client-side verdict only */
	FUZZ_CHECK(msg != NULL && strlen(msg) < 384);
	h->dead = true;			/* the daemon drops the stream */
}

static void
ow_timer_changed(void *arg)
{
	sv_out_check(arg);
}

static void
ow_link_gone(void *arg, enum link_end e, const char *why)
{
}

static void
ow_link_fail(void *arg, enum link_end e, const char *msg)
{
}

static int
ow_signal_child(void *arg, pid_t pid, int sig)
{
	return 0;
}

static int
ow_server_addr(void *arg, const char **name, const struct sockaddr **sa,
    socklen_t *salen)
{
	return -ENOTCONN;
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
 * Remember the first Call Connected among the packets consumed (a shadow
 * framing of what sstp_chan_input took).
 */
static void
sv_shadow(struct sv *h, const uint8_t *buf, size_t n)
{
	struct sstp_frame fr;
	size_t off;

	for (off = 0; off < n; off += fr.len) {
		if (sstp_wire_frame(buf + off, n - off, &fr) != 1)
			return;		/* a framing error took the rest */
		if (!h->have_cc && fr.control && fr.len >= 6 &&
		    buf[off + 4] == 0x00 &&
		    buf[off + 5] == SSTP_MSG_CALL_CONNECTED) {
			h->have_cc = true;
			memset(h->cc, 0, sizeof h->cc);
			memcpy(h->cc, buf + off, fr.len < sizeof h->cc ?
			    fr.len : sizeof h->cc);
			/* Not the 112-octet form: it can never verify. */
			if (fr.len != SSTP_CONNECTED_LEN)
				h->cc[0] = 0;
		}
	}
}

/* Deliver the receive buffer as tls_stream.c does, from a heap copy. */
static void
sv_deliver(struct sv *h)
{
	uint8_t *buf;
	size_t n, len;

	while (h->begun && !h->dead && !h->paused && h->rx_len > 0) {
		len = h->rx_len;
		if ((buf = malloc(len)) == NULL)
			abort();
		memcpy(buf, h->rx, len);
		h->in_input = true;
		n = sstp_chan_input(&h->chan, h->now, buf, len);
		h->in_input = false;
		sv_out_check(h);
		FUZZ_CHECK(n <= len);
		sv_shadow(h, buf, n);
		free(buf);
		memmove(h->rx, h->rx + n, len - n);
		h->rx_len -= n;
		if (n == 0)
			break;
	}
}

/* Add client bytes to the receive buffer (what does not fit is lost). */
static void
sv_client_bytes(struct sv *h, const uint8_t *p, size_t n)
{
	if (h->dead)
		return;
	if (n > sizeof h->rx - h->rx_len)
		n = sizeof h->rx - h->rx_len;
	memcpy(h->rx + h->rx_len, p, n);
	h->rx_len += n;
}

/* CONNECTED: an honest client's Call Connected, maybe one byte changed. */
static void
sv_connected(struct sv *h, struct bcur *rec)
{
	enum sstp_hash hash;
	uint8_t cc[SSTP_CONNECTED_LEN], hlak[SSTP_HLAK_LEN], sel, off, x;
	uint8_t nonce[sizeof sv_nonce], cert[sizeof sv_sha256];
	size_t clen;
	bool sure;

	sel = fuzz_u8(rec, 0);
	off = fuzz_u8(rec, 0);
	x = fuzz_u8(rec, 0);
	hash = (sel & 1) != 0 ? SSTP_HASH_SHA1 : SSTP_HASH_SHA256;
	clen = hash == SSTP_HASH_SHA1 ? sizeof sv_sha1 : sizeof sv_sha256;
	memcpy(nonce, sv_nonce, sizeof nonce);
	memcpy(cert, hash == SSTP_HASH_SHA1 ? sv_sha1 : sv_sha256, clen);
	if ((sel & 2) != 0)
		nonce[off % sizeof nonce] ^= x;
	else if ((sel & 4) != 0)
		cert[off % clen] ^= x;
	if (h->have_first)
		memcpy(hlak, h->hlak, sizeof hlak);
	else
		sv_hlak(&h->armed, hlak);
	FUZZ_CHECK(sstp_bind_connected(hash, nonce, cert, hlak, cc) == 0);
	if ((sel & 6) == 0)
		cc[off % sizeof cc] ^= x;
	/* Unchanged, offered, keys in, first, framed alone: must establish. */
	sure = x == 0 && (hash & h->offer) != 0 && h->have_first &&
	    !h->have_cc && h->rx_len == 0 && !h->paused && !h->dead &&
	    h->begun &&
	    sstp_chan_state(&h->chan) == SSTP_SS_CONNECTED_PENDING;
	sv_client_bytes(h, cc, sizeof cc);
	sv_deliver(h);
	if (sure)
		FUZZ_CHECK(h->n_established == 1);
	explicit_bzero(hlak, sizeof hlak);
}

/* The frame the PPP side sends; to_server's verdict checked. */
static void
sv_send(struct sv *h, const uint8_t *f, size_t len)
{
	enum sstp_cstate st = sstp_chan_state(&h->chan);
	bool pass;
	int ctl, r;

	ctl = sstp_wire_ppp_classify(f, len, NULL, NULL);
	pass = h->begun && !h->dead && ctl >= 0 &&
	    len <= SSTP_MAX_PAYLOAD &&
	    ((ctl == 1 && st == SSTP_SS_CONNECTED_PENDING) ||
	    st == SSTP_SS_CALL_CONNECTED);
	h->expect = f;
	h->expect_len = len;
	h->expect_seen = false;
	r = h->link.up->to_server(h->link.up_arg, f, len);
	sv_out_check(h);
	FUZZ_CHECK((r == 0) == pass);
	FUZZ_CHECK(h->expect_seen == pass);
	h->expect = NULL;
}

/* Fire due timers, as the daemon's one timer would. */
static void
sv_timers(struct sv *h)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (sstp_chan_deadline(&h->chan) > h->now)
			return;
		sstp_chan_timer(&h->chan, h->now);
		sv_out_check(h);
	}
	fuzz_fail(__FILE__, __LINE__, "deadline does not move on");
}

/* State invariants after every event. */
static void
sv_check(struct sv *h)
{
	enum sstp_cstate st = sstp_chan_state(&h->chan);
	uint64_t dl = sstp_chan_deadline(&h->chan);

	FUZZ_CHECK(h->pend == NULL);
	FUZZ_CHECK((st == SSTP_CS_CLOSED) == (h->n_closed == 1));
	FUZZ_CHECK(st == SSTP_CS_DISCONNECTED || st == SSTP_SS_REQUEST_PENDING ||
	    st == SSTP_SS_CONNECTED_PENDING || st == SSTP_SS_CALL_CONNECTED ||
	    st >= SSTP_CS_ABORT_PENDING);
	if (st == SSTP_SS_CALL_CONNECTED)
		FUZZ_CHECK(h->n_established == 1);
	/* Every live state has a timer: negotiation, Hello, teardown. */
	if (h->begun && st != SSTP_CS_CLOSED)
		FUZZ_CHECK(dl != UINT64_MAX);
	/* The binding: only a verifying Call Connected with the keys. */
	if (h->check_established) {
		h->check_established = false;
		FUZZ_CHECK(h->have_cc && h->have_first);
		FUZZ_CHECK(sv_cc_verifies(h, h->cc, h->hlak));
	}
	/* The HLAK lives only in Call_Connected_Pending. */
	if (st != SSTP_SS_CONNECTED_PENDING)
		FUZZ_CHECK(!h->chan.ctrl.have_hlak &&
		    fuzz_all_zero(h->chan.ctrl.hlak, SSTP_HLAK_LEN));
	if (dl != UINT64_MAX) {
		FUZZ_CHECK(dl > h->now);
		FUZZ_CHECK(dl - h->now <= h->max_ms);
	}
}

/* BEGIN: our HTTP 200 went out. */
static void
sv_begin(struct sv *h)
{
	struct sstp_ctrl_conf conf;

	if (h->begun || h->dead)
		return;
	sstp_ctrl_conf_defaults(&conf);
	conf.role = SSTP_ROLE_SERVER;
	conf.hash_offer = h->offer;
	conf.cert_sha1 = sv_sha1;
	conf.cert_sha256 = sv_sha256;
	conf.nak_max = h->nak_max;
	conf.hello_fails = (h->cfg >> 4) & 3;
	conf.rand_hook = sv_rand;
	h->max_ms = conf.negotiation_ms;
	if (conf.hello_ms > h->max_ms)
		h->max_ms = conf.hello_ms;
	if (conf.disc1_ms > h->max_ms)
		h->max_ms = conf.disc1_ms;
	h->begun = true;
	FUZZ_CHECK(sstp_chan_begin(&h->chan, &conf, &sv_io, h, h->now) == 0);
	sv_out_check(h);
	FUZZ_CHECK(sstp_chan_state(&h->chan) == SSTP_SS_REQUEST_PENDING);
	FUZZ_CHECK(!h->acked && h->naks == 0);	/* the client speaks first */
}

/* One event; the record's bytes. */
static void
sv_event(struct sv *h, uint8_t ev, struct bcur *rec)
{
	struct ppp_auth_keys k;
	uint64_t dl;
	bool want;

	switch (ev % SV_EV_COUNT) {
	case SV_CLIENT_BYTES:
		sv_client_bytes(h, bcur_ptr(rec), bcur_left(rec));
		break;
	case SV_ADVANCE:
		h->now += fuzz_be32(rec);
		break;
	case SV_TO_DEADLINE:
		dl = sstp_chan_deadline(&h->chan);
		if (dl != UINT64_MAX && dl > h->now)
			h->now = dl + fuzz_u8(rec, 0);
		break;
	case SV_LINK_SEND:
		sv_send(h, bcur_ptr(rec), bcur_left(rec));
		break;
	case SV_LINK_KEYS:
		sv_parse_keys(rec, &k);
		h->armed = k;
		sv_keys(h, &k);
		explicit_bzero(&k, sizeof k);
		break;
	case SV_KEYS_ARM:
		sv_parse_keys(rec, &h->armed);
		break;
	case SV_CONNECTED:
		sv_connected(h, rec);
		break;
	case SV_DISCONNECT:
		want = h->begun &&
		    sstp_chan_state(&h->chan) < SSTP_CS_ABORT_PENDING;
		FUZZ_CHECK(sstp_chan_disconnect(&h->chan, h->now) == want);
		if (want)
			FUZZ_CHECK(sstp_chan_closing(&h->chan));
		break;
	case SV_LOWER_DOWN:
		h->dead = true;
		sstp_chan_lower_down(&h->chan);
		break;
	case SV_BEGIN:
		sv_begin(h);
		break;
	case SV_PAUSE:
		h->link.up->pause_server(h->link.up_arg,
		    (fuzz_u8(rec, 0) & 1) != 0);
		break;
	}
	sv_out_check(h);
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sv h;
	struct bcur in = bcur_make(data, size), rec;
	uint8_t ev;

	memset(&h, 0, sizeof h);
	h.cfg = fuzz_u8(&in, 0x00);
	h.offer = SSTP_HASH_SHA256 | ((h.cfg & 0x01) != 0 ? SSTP_HASH_SHA1 : 0);
	h.nak_max = (h.cfg >> 1) & 3;
	h.now = SV_T0;
	h.link.ops = &fl_ops;
	h.link.up = &sstp_chan_link_up;
	h.link.up_arg = &h.chan;
	sstp_chan_init(&h.chan, &ow_ops, &h);
	sstp_chan_set_link(&h.chan, &h.link);
	if ((h.cfg & 0x08) == 0)
		sv_begin(&h);
	sv_check(&h);

	while (bcur_left(&in) > 0) {
		rec = fuzz_record(&in, &ev);
		sv_event(&h, ev, &rec);
		sv_deliver(&h);
		sv_timers(&h);
		sv_check(&h);
	}
	/* The session always ends with the stream going away. */
	h.dead = true;
	sstp_chan_lower_down(&h.chan);
	sv_out_check(&h);
	sv_check(&h);
	if (h.begun)
		FUZZ_CHECK(h.n_closed == 1);
	explicit_bzero(&h.armed, sizeof h.armed);
	explicit_bzero(h.hlak, sizeof h.hlak);
	return 0;
}
