/*
 * fuzz_sstp_conv.c - a whole control conversation through the client
 * state machine (src/sstp_ctrl.h; MS-SSTP 3.1, 3.2; PROTOCOL.md 3 and 8)
 * with a fake clock and fake ops.
 *
 * Input:	byte 0		configuration:
 *				bit 0 certificate SHA-1 known, bit 1 SHA-256
 *				known, bit 2 require SHA-256, bit 3 do not
 *				call sstp_ctrl_start() first, bits 4-5
 *				hello_fails, bits 6-7 connect_retries
 *		then records	u8 event, u16 big-endian length, that many
 *				bytes (a short last record takes what is left)
 *
 * Events (event byte modulo CONV_EV_COUNT):
 *	PKT		the bytes arrive from TLS: appended to a stream
 *			buffer and delineated with sstp_wire_frame() as the
 *			engine does (control -> sstp_ctrl_input, data ->
 *			sstp_ctrl_rx_any + gating, framing error ->
 *			sstp_ctrl_framing_error)
 *	ADVANCE		the clock moves by the u32 in the bytes (ms)
 *	TO_DEADLINE	the clock jumps to the deadline + the first byte
 *	AUTH_DONE	PPP auth done, HLAK = the bytes (zero-padded to 32)
 *	DISCONNECT, LOWER_DOWN, START, FRAMING_ERROR: the calls of that name
 *	CTRL_DIRECT	the bytes to sstp_ctrl_input() without framing
 * After every event, due timers fire (sstp_ctrl_timer) like the libevent
 * timer of the engine would.
 *
 * Invariants: close is called at most once and exactly when the state is
 * CLOSED, with a quit reason; nothing is sent and no callback runs after
 * close; ppp_start and established run at most once, in order, in the
 * right states; every packet sent is a valid client control message of
 * its exact length, and a Call Connected carries the chosen hash, the
 * configured certificate hash and a Compound MAC that sstp_bind_verify()
 * accepts for the HLAK given; re-entrant calls from callbacks are refused; a
 * non-closed machine past Disconnected always has a deadline, in the
 * future and no further than the longest configured timer; no data passes
 * before the Ack; the quit message is always NUL-terminated.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "crypto/sstp_bind.h"
#include "sstp/sstp_ctrl.h"
#include "wire/sstp_wire.h"

enum conv_ev {
	CONV_PKT = 0,
	CONV_ADVANCE,
	CONV_TO_DEADLINE,
	CONV_AUTH_DONE,
	CONV_DISCONNECT,
	CONV_LOWER_DOWN,
	CONV_START,
	CONV_FRAMING_ERROR,
	CONV_CTRL_DIRECT,
	CONV_EV_COUNT
};

/* Two bytes more than a packet: room for a header of the next one. */
#define CONV_STREAM_MAX	(2 * SSTP_MAX_PKT)
#define CONV_T0		100000ULL	/* fake clock origin, ms */

struct conv {
	struct sstp_ctrl	 ctrl;
	uint64_t		 now;
	unsigned int		 n_close;
	unsigned int		 n_ppp_start;
	unsigned int		 n_established;
	unsigned int		 n_sent;
	int			 sent_connected;
	uint8_t			 hlak[SSTP_HLAK_LEN];	/* last AUTH_DONE */
	uint32_t		 max_ms;
	size_t			 slen;
	uint8_t			 stream[CONV_STREAM_MAX];
};

static const uint8_t conv_sha1[20] = {
	0x25, 0xd2, 0x24, 0x9b, 0x60, 0xd5, 0x1f, 0xc6, 0x3c, 0x24,
	0x93, 0xbd, 0x41, 0xd9, 0xab, 0xd6, 0x8b, 0x65, 0x5e, 0xfa
};
static const uint8_t conv_sha256[32] = {
	0x6f, 0x97, 0x78, 0x81, 0xcc, 0x83, 0x6d, 0x79, 0xd8, 0x70, 0x4c,
	0xc5, 0x00, 0xbc, 0xeb, 0x71, 0x90, 0x36, 0x17, 0xd7, 0xfc, 0x1e,
	0x22, 0x61, 0x7f, 0xdd, 0x3c, 0xc2, 0xd5, 0x7d, 0x75, 0x76
};

/* Callbacks may not re-enter the machine. */
static void
conv_check_reentry(struct conv *cv)
{
	/* (sstp_ctrl_timer does nothing at all without a deadline.) */
	if (sstp_ctrl_deadline(&cv->ctrl) != UINT64_MAX)
		FUZZ_CHECK(sstp_ctrl_timer(&cv->ctrl, UINT64_MAX) == -EBUSY);
	FUZZ_CHECK(sstp_ctrl_disconnect(&cv->ctrl, cv->now) == -EBUSY);
	FUZZ_CHECK(sstp_ctrl_input(&cv->ctrl, cv->now,
	    (const uint8_t *)"\x10\x01\x00\x08\x00\x08\x00\x00", 8) ==
	    -EBUSY);
}

static void
conv_send_cb(void *arg, const uint8_t *pkt, size_t len)
{
	struct conv *cv = arg;
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	struct sstp_frame f;

	FUZZ_CHECK(cv->n_close == 0);
	FUZZ_CHECK(pkt != NULL);
	cv->n_sent++;
	/* Our own packets are whole, valid control messages. */
	FUZZ_CHECK(sstp_wire_frame(pkt, len, &f) == 1);
	FUZZ_CHECK(f.control && f.len == len);
	FUZZ_CHECK(sstp_wire_decode_ctrl(pkt, len, &m, &v) == 0);
	switch (m.type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST:
		FUZZ_CHECK(len == SSTP_CONNECT_REQ_LEN);
		FUZZ_CHECK(m.encap_proto == SSTP_ENCAP_PPP);
		FUZZ_CHECK(!cv->sent_connected);
		break;
	case SSTP_MSG_CALL_CONNECTED:
		FUZZ_CHECK(len == SSTP_CONNECTED_LEN);
		FUZZ_CHECK(!cv->sent_connected);
		FUZZ_CHECK(cv->n_ppp_start == 1);
		/* Exactly one hash, one the server offered (2.2.7). */
		FUZZ_CHECK(m.hash_bitmask == SSTP_HASH_SHA1 ||
		    m.hash_bitmask == SSTP_HASH_SHA256);
		FUZZ_CHECK((m.hash_bitmask & cv->ctrl.offered_hash) != 0);
		FUZZ_CHECK(m.hash_bitmask == sstp_ctrl_hash(&cv->ctrl));
		/* The binding a server would check (MS-SSTP 3.3.5.2.x). */
		FUZZ_CHECK(sstp_bind_verify(pkt, cv->ctrl.nonce,
		    m.hash_bitmask == SSTP_HASH_SHA1 ? conv_sha1 : conv_sha256,
		    (enum sstp_hash)m.hash_bitmask, cv->hlak) == 0);
		cv->sent_connected = 1;
		break;
	case SSTP_MSG_CALL_ABORT:
	case SSTP_MSG_CALL_DISCONNECT:
	case SSTP_MSG_CALL_DISCONNECT_ACK:
	case SSTP_MSG_ECHO_REQUEST:
	case SSTP_MSG_ECHO_RESPONSE:
		break;
	default:
		/* Connect Ack / Nak are server messages. */
		fuzz_fail(__FILE__, __LINE__, "client sent a server message");
	}
	conv_check_reentry(cv);
}

static void
conv_ppp_start_cb(void *arg)
{
	struct conv *cv = arg;

	FUZZ_CHECK(cv->n_close == 0);
	FUZZ_CHECK(cv->n_ppp_start == 0);
	FUZZ_CHECK(sstp_ctrl_state(&cv->ctrl) == SSTP_CS_ACK_RECEIVED);
	FUZZ_CHECK(sstp_ctrl_hash(&cv->ctrl) == SSTP_HASH_SHA1 ||
	    sstp_ctrl_hash(&cv->ctrl) == SSTP_HASH_SHA256);
	cv->n_ppp_start++;
	conv_check_reentry(cv);
}

static void
conv_established_cb(void *arg)
{
	struct conv *cv = arg;

	FUZZ_CHECK(cv->n_close == 0);
	FUZZ_CHECK(cv->n_ppp_start == 1 && cv->n_established == 0);
	FUZZ_CHECK(cv->sent_connected);
	FUZZ_CHECK(sstp_ctrl_state(&cv->ctrl) == SSTP_CS_CALL_CONNECTED);
	cv->n_established++;
	conv_check_reentry(cv);
}

static void
conv_close_cb(void *arg)
{
	struct conv *cv = arg;

	FUZZ_CHECK(cv->n_close == 0);
	FUZZ_CHECK(sstp_ctrl_state(&cv->ctrl) == SSTP_CS_CLOSED);
	cv->n_close++;
	conv_check_reentry(cv);
}

static const struct sstp_ctrl_ops conv_ops = {
	.send = conv_send_cb,
	.ppp_start = conv_ppp_start_cb,
	.established = conv_established_cb,
	.close = conv_close_cb,
};

/* Fire due timers, as the engine's single libevent timer would. */
static void
conv_timers(struct conv *cv)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (sstp_ctrl_deadline(&cv->ctrl) > cv->now)
			return;
		FUZZ_CHECK(sstp_ctrl_timer(&cv->ctrl, cv->now) == 0);
		if (sstp_ctrl_state(&cv->ctrl) == SSTP_CS_CLOSED)
			return;
	}
	/* A deadline that stays due would spin the event loop. */
	fuzz_fail(__FILE__, __LINE__, "deadline does not move on");
}

/* State invariants after every event. */
static void
conv_check(struct conv *cv)
{
	enum sstp_cstate st = sstp_ctrl_state(&cv->ctrl);
	struct sstp_status_info si;
	uint64_t dl = sstp_ctrl_deadline(&cv->ctrl);
	char msg[160];
	int r;

	FUZZ_CHECK(st < SSTP_CS_COUNT);
	FUZZ_CHECK(sstp_ctrl_state_name(st) != NULL);
	FUZZ_CHECK((st == SSTP_CS_CLOSED) == (cv->n_close == 1));
	FUZZ_CHECK(cv->n_close <= 1);
	FUZZ_CHECK(sstp_ctrl_quit(&cv->ctrl) < SSTP_QUIT_COUNT);
	if (st == SSTP_CS_CLOSED)
		FUZZ_CHECK(sstp_ctrl_quit(&cv->ctrl) != SSTP_QUIT_NONE);
	if (st != SSTP_CS_CLOSED && st != SSTP_CS_DISCONNECTED) {
		/* Every live state waits for something, with a timer. */
		FUZZ_CHECK(dl != UINT64_MAX);
		FUZZ_CHECK(dl > cv->now);
		FUZZ_CHECK(dl - cv->now <= cv->max_ms);
	}
	/* PPP gating (MS-SSTP 3.2.7): nothing passes before the Ack. */
	if (cv->n_ppp_start == 0) {
		FUZZ_CHECK(!sstp_ctrl_rx_data_ok(&cv->ctrl, true));
		FUZZ_CHECK(!sstp_ctrl_tx_data_ok(&cv->ctrl, true));
	}
	if (st != SSTP_CS_CALL_CONNECTED) {
		FUZZ_CHECK(!sstp_ctrl_rx_data_ok(&cv->ctrl, false));
		FUZZ_CHECK(!sstp_ctrl_tx_data_ok(&cv->ctrl, false));
	}
	if (sstp_ctrl_peer_status(&cv->ctrl, &si))
		FUZZ_CHECK(si.value_len <= SSTP_STATUS_VALUE_MAX);
	r = sstp_ctrl_quit_message(&cv->ctrl, msg, sizeof msg);
	FUZZ_CHECK(r == -ENOSPC || (r >= 0 && (size_t)r < sizeof msg));
	FUZZ_CHECK(fuzz_str_ok(msg, sizeof msg, 1));
	r = sstp_ctrl_quit_message(&cv->ctrl, msg, 8);
	FUZZ_CHECK(fuzz_str_ok(msg, 8, 1));
}

/* Bytes from TLS: delineate and dispatch whole packets. */
static void
conv_stream(struct conv *cv, struct bcur *rec)
{
	struct sstp_frame f;
	struct bcur pl;
	uint16_t proto;
	size_t n, off = 0;
	int r, ctl;

	n = bcur_left(rec);
	if (n > sizeof cv->stream - cv->slen)
		n = sizeof cv->stream - cv->slen;
	if (bcur_get_bytes(rec, cv->stream + cv->slen, n) != 0)
		return;
	cv->slen += n;
	while (sstp_ctrl_state(&cv->ctrl) != SSTP_CS_CLOSED) {
		r = sstp_wire_frame(cv->stream + off, cv->slen - off, &f);
		if (r < 0) {
			FUZZ_CHECK(sstp_ctrl_framing_error(&cv->ctrl) == 0);
			off = cv->slen;
			break;
		}
		if (r == 0)
			break;
		if (f.control) {
			FUZZ_CHECK(sstp_ctrl_input(&cv->ctrl, cv->now,
			    cv->stream + off, f.len) == 0);
		} else {
			sstp_ctrl_rx_any(&cv->ctrl, cv->now);
			if (sstp_wire_data_payload(cv->stream + off, f.len,
			    &pl) == 0 && bcur_left(&pl) > 0) {
				ctl = sstp_wire_ppp_classify(bcur_ptr(&pl),
				    bcur_left(&pl), &proto, NULL);
				if (ctl >= 0)
					(void)sstp_ctrl_rx_data_ok(&cv->ctrl,
					    ctl == 1);
			}
		}
		off += f.len;
	}
	if (sstp_ctrl_state(&cv->ctrl) == SSTP_CS_CLOSED)
		off = cv->slen;
	memmove(cv->stream, cv->stream + off, cv->slen - off);
	cv->slen -= off;
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sstp_ctrl_conf conf;
	struct bcur in = bcur_make(data, size), rec;
	uint8_t cfg, ev, hlak[SSTP_HLAK_LEN];
	struct conv cv;
	uint64_t dl;
	size_t n;

	memset(&cv, 0, sizeof cv);
	cfg = fuzz_u8(&in, 0x03);
	sstp_ctrl_conf_defaults(&conf);
	if (cfg & 0x01)
		conf.cert_sha1 = conv_sha1;
	if (cfg & 0x02)
		conf.cert_sha256 = conv_sha256;
	conf.require_sha256 = (cfg & 0x04) != 0;
	conf.hello_fails = (cfg >> 4) & 3;
	conf.connect_retries = (cfg >> 6) & 3;
	cv.max_ms = conf.negotiation_ms;
	if (conf.hello_ms > cv.max_ms)
		cv.max_ms = conf.hello_ms;
	if (conf.disc1_ms > cv.max_ms)
		cv.max_ms = conf.disc1_ms;
	FUZZ_CHECK(sstp_ctrl_init(&cv.ctrl, &conf, &conv_ops, &cv) == 0);
	cv.now = CONV_T0;
	if ((cfg & 0x08) == 0)
		FUZZ_CHECK(sstp_ctrl_start(&cv.ctrl, cv.now) == 0);
	conv_check(&cv);

	while (bcur_left(&in) > 0) {
		rec = fuzz_record(&in, &ev);
		switch (ev % CONV_EV_COUNT) {
		case CONV_PKT:
			conv_stream(&cv, &rec);
			break;
		case CONV_ADVANCE:
			cv.now += fuzz_be32(&rec);
			break;
		case CONV_TO_DEADLINE:
			dl = sstp_ctrl_deadline(&cv.ctrl);
			if (dl != UINT64_MAX && dl > cv.now)
				cv.now = dl + fuzz_u8(&rec, 0);
			break;
		case CONV_AUTH_DONE:
			memset(hlak, 0, sizeof hlak);
			n = bcur_left(&rec) < sizeof hlak ? bcur_left(&rec) :
			    sizeof hlak;
			(void)bcur_get_bytes(&rec, hlak, n);
			memcpy(cv.hlak, hlak, sizeof cv.hlak);
			FUZZ_CHECK(sstp_ctrl_auth_done(&cv.ctrl, cv.now,
			    hlak) == 0);
			break;
		case CONV_DISCONNECT:
			FUZZ_CHECK(sstp_ctrl_disconnect(&cv.ctrl, cv.now) ==
			    0);
			break;
		case CONV_LOWER_DOWN:
			FUZZ_CHECK(sstp_ctrl_lower_down(&cv.ctrl) == 0);
			break;
		case CONV_START:
			FUZZ_CHECK(sstp_ctrl_start(&cv.ctrl, cv.now) == 0);
			break;
		case CONV_FRAMING_ERROR:
			FUZZ_CHECK(sstp_ctrl_framing_error(&cv.ctrl) == 0);
			break;
		case CONV_CTRL_DIRECT:
			FUZZ_CHECK(sstp_ctrl_input(&cv.ctrl, cv.now,
			    bcur_ptr(&rec), bcur_left(&rec)) == 0);
			break;
		}
		conv_timers(&cv);
		conv_check(&cv);
	}
	/* The engine always ends with the lower layer going away. */
	FUZZ_CHECK(sstp_ctrl_lower_down(&cv.ctrl) == 0);
	FUZZ_CHECK(sstp_ctrl_state(&cv.ctrl) == SSTP_CS_CLOSED);
	FUZZ_CHECK(cv.n_close == 1);
	return 0;
}
