/*
 * test_sstp_chan.c - the SSTP side of a session (session/sstp_chan.c)
 * driven through its interfaces only: a fake stream (a byte buffer the
 * "server" reads, a pause flag, a controllable "full") and a fake link
 * (records what the channel hands it, and makes the link's up-calls).
 * The Call Connected it sends is checked byte for byte against the
 * published MS-SSTP 4.7 example (PROTOCOL.md 4.4).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link/link.h"
#include "session/sstp_chan.h"
#include "util/log.h"
#include "wire/sstp_wire.h"
#include "harness.h"

/* MS-SSTP 4.7 (PROTOCOL.md 4.4): nonce, certificate hash, HLAK, result. */
#define NONCE	"41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72" \
		"B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35"
#define CERT256	"79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84" \
		"B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D"
#define SPEC_HLAK "2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4" \
		"8F D3 FA C4 1D 7A 13 15 A1 92 28 D9 02 4C A1 64"
#define SPEC_CONNECTED "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02" \
		NONCE CERT256 \
		"52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71" \
		"65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49"
#define REQUEST	"10 01 00 0E 00 01 00 01 00 01 00 06 00 01"
#define ACK256	"10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02" NONCE
#define ABORT_EMPTY	"10 01 00 08 00 05 00 00"
#define DISC_EMPTY	"10 01 00 08 00 06 00 00"
#define DISC_ACK	"10 01 00 08 00 07 00 00"
/* Data packets: LCP Configure-Request id 1 (no options), an IPv4 frame. */
#define LCP_REQ		"FF 03 C0 21 01 01 00 04"
#define DATA_LCP	"10 00 00 0C " LCP_REQ
#define IP_FRAME	"00 21 45 00 00 14 00 00 00 00 40 01 00 00 C0 00" \
			"02 01 C0 00 02 02"
#define DATA_IP		"10 00 00 1A " IP_FRAME

/* --- the fake stream ------------------------------------------------------ */

struct fake_stream {
	uint8_t		 out[8192];
	size_t		 len;
	bool		 full;
	int		 pauses, resumes;
	bool		 paused;
};

static uint8_t *
fs_reserve(void *arg, size_t n)
{
	struct fake_stream *f = arg;
	uint8_t *p;

	if (n > sizeof f->out - f->len)
		return NULL;
	p = f->out + f->len;
	f->len += n;
	return p;
}

static bool
fs_tx_full(void *arg)
{
	return ((struct fake_stream *)arg)->full;
}

static void
fs_pause(void *arg, bool pause)
{
	struct fake_stream *f = arg;

	f->paused = pause;
	if (pause)
		f->pauses++;
	else
		f->resumes++;
}

static const struct sstp_chan_io fs_io = {
	.reserve = fs_reserve,
	.tx_full = fs_tx_full,
	.pause_input = fs_pause,
};

/* Take the next whole SSTP packet the channel wrote; its length, or 0. */
static size_t
fs_take(struct fake_stream *f, uint8_t *pkt, size_t cap)
{
	struct sstp_frame fr;

	if (sstp_wire_frame(f->out, f->len, &fr) != 1 || fr.len > cap)
		return 0;
	memcpy(pkt, f->out, fr.len);
	memmove(f->out, f->out + fr.len, f->len - fr.len);
	f->len -= fr.len;
	return fr.len;
}

/* The next packet written must be exactly hex. */
static void
expect_out(struct fake_stream *f, const char *hex)
{
	uint8_t want[512], got[512];
	size_t n = th_unhex(hex, want, sizeof want), g;

	g = fs_take(f, got, sizeof got);
	ASSERT_INT_EQ(g, n);
	if (g == n)
		ASSERT_MEM_EQ(got, want, n);
}

/* --- the fake link -------------------------------------------------------- */

struct fake_link {
	struct link	 link;		/* first */
	int		 ppp_starts;
	int		 frames;
	uint8_t		 last[256];
	size_t		 last_len;
};

static void
fl_ppp_start(struct link *l)
{
	((struct fake_link *)(void *)l)->ppp_starts++;
}

static int
fl_from_server(struct link *l, const uint8_t *f, size_t len)
{
	struct fake_link *k = (struct fake_link *)(void *)l;

	k->frames++;
	k->last_len = len < sizeof k->last ? len : sizeof k->last;
	memcpy(k->last, f, k->last_len);
	return 0;
}

static const struct link_ops fl_ops = {
	.name = "fake",
	.ppp_start = fl_ppp_start,
	.from_server = fl_from_server,
};

/* --- the fake owner (the session) ---------------------------------------- */

struct owner {
	uint64_t	 now;
	int		 established;
	int		 closed;
	enum sstp_quit	 quit;
	bool		 refused;
	int		 timer_changes;
	int		 gone, fail;
	enum link_end	 end;
};

static uint64_t
ow_now(void *arg)
{
	return ((struct owner *)arg)->now;
}

static void
ow_established(void *arg)
{
	((struct owner *)arg)->established++;
}

static void
ow_closed(void *arg, enum sstp_quit q, bool refused, const char *msg)
{
	struct owner *o = arg;

	o->closed++;
	o->quit = q;
	o->refused = refused;
}

static void
ow_timer(void *arg)
{
	((struct owner *)arg)->timer_changes++;
}

static void
ow_gone(void *arg, enum link_end e, const char *why)
{
	struct owner *o = arg;

	o->gone++;
	o->end = e;
}

static void
ow_fail(void *arg, enum link_end e, const char *msg)
{
	struct owner *o = arg;

	o->fail++;
	o->end = e;
}

static int
ow_signal(void *arg, pid_t pid, int sig)
{
	return 0;
}

static int
ow_addr(void *arg, const char **name, const struct sockaddr **sa,
    socklen_t *salen)
{
	return -ENOTCONN;
}

static const struct sstp_chan_ops ow_ops = {
	.now = ow_now,
	.established = ow_established,
	.closed = ow_closed,
	.timer_changed = ow_timer,
	.link_gone = ow_gone,
	.link_fail = ow_fail,
	.signal_child = ow_signal,
	.server_addr = ow_addr,
};

/* --- the rig -------------------------------------------------------------- */

struct rig {
	struct sstp_chan	 chan;
	struct fake_stream	 fs;
	struct fake_link	 fl;
	struct owner		 ow;
	uint8_t			 cert256[32];
};

/* A channel with a link, begun: the Call Connect Request is out. */
static void
rig_begin(struct rig *r)
{
	struct sstp_ctrl_conf cc;

	memset(r, 0, sizeof *r);
	r->fl.link.ops = &fl_ops;
	r->fl.link.up = &sstp_chan_link_up;
	r->fl.link.up_arg = &r->chan;
	th_unhex(CERT256, r->cert256, sizeof r->cert256);
	sstp_chan_init(&r->chan, &ow_ops, &r->ow);
	sstp_chan_set_link(&r->chan, &r->fl.link);
	sstp_ctrl_conf_defaults(&cc);
	cc.cert_sha256 = r->cert256;
	r->ow.now = 1000;
	ASSERT_INT_EQ(sstp_chan_begin(&r->chan, &cc, &fs_io, &r->fs,
	    r->ow.now), 0);
	expect_out(&r->fs, REQUEST);
	ASSERT_TRUE(r->ow.timer_changes > 0);
	ASSERT_TRUE(sstp_chan_deadline(&r->chan) != UINT64_MAX);
}

/* Bytes from the server; all of them must be consumed. */
static void
rig_feed(struct rig *r, const char *hex)
{
	uint8_t b[512];
	size_t n = th_unhex(hex, b, sizeof b);

	ASSERT_INT_EQ(sstp_chan_input(&r->chan, r->ow.now, b, n), n);
}

/* The link's up-call: a frame for the server. */
static int
rig_link_send(struct rig *r, const char *hex)
{
	uint8_t b[256];
	size_t n = th_unhex(hex, b, sizeof b);

	return r->fl.link.up->to_server(r->fl.link.up_arg, b, n);
}

/* Keys whose HLAK is MS-SSTP 4.7's: send | recv = HLAK (PROTOCOL.md 4.1). */
static void
spec_keys(struct ppp_auth_keys *k)
{
	uint8_t hlak[32];

	th_unhex(SPEC_HLAK, hlak, sizeof hlak);
	memset(k, 0, sizeof *k);
	memcpy(k->send, hlak, 16);
	memcpy(k->recv, hlak + 16, 16);
	k->send_len = k->recv_len = 16;
}

/* Through the Ack, the link's keys and Call Connected. */
static void
rig_connect(struct rig *r)
{
	struct ppp_auth_keys k;

	rig_begin(r);
	rig_feed(r, ACK256);
	ASSERT_INT_EQ(r->fl.ppp_starts, 1);
	spec_keys(&k);
	r->fl.link.up->auth_done(r->fl.link.up_arg, &k, "test");
	expect_out(&r->fs, SPEC_CONNECTED);
	ASSERT_INT_EQ(r->ow.established, 1);
	ASSERT_INT_EQ(sstp_chan_state(&r->chan), SSTP_CS_CALL_CONNECTED);
}

static void
test_connect_and_binding(void)
{
	struct rig r;
	struct ppp_auth_keys k;

	TEST_START("request, ack, link start, keys -> MS-SSTP 4.7 Call Connected");
	rig_connect(&r);
	/* A second key report (plugin after snooping) changes nothing. */
	spec_keys(&k);
	k.send[0] ^= 1;
	r.fl.link.up->auth_done(r.fl.link.up_arg, &k, "again");
	ASSERT_INT_EQ(r.fs.len, 0);
	TEST_DONE();
}

static void
test_keys_before_ack_ignored(void)
{
	struct rig r;
	struct ppp_auth_keys k;

	TEST_START("keys before the Ack send nothing");
	rig_begin(&r);
	spec_keys(&k);
	r.fl.link.up->auth_done(r.fl.link.up_arg, &k, "early");
	ASSERT_INT_EQ(r.fs.len, 0);
	ASSERT_INT_EQ(r.ow.established, 0);
	TEST_DONE();
}

static void
test_gating(void)
{
	struct rig r;
	uint8_t want[64];
	size_t n;

	TEST_START("PPP frames gated by the SSTP state both ways");
	rig_begin(&r);
	/* Before the Ack: nothing reaches the link, nothing is sent. */
	rig_feed(&r, DATA_LCP);
	ASSERT_INT_EQ(r.fl.frames, 0);
	ASSERT_INT_EQ(rig_link_send(&r, LCP_REQ), -EAGAIN);
	ASSERT_INT_EQ(r.fs.len, 0);
	/* Ack: PPP control passes, IP data does not yet. */
	rig_feed(&r, ACK256);
	rig_feed(&r, DATA_LCP);
	ASSERT_INT_EQ(r.fl.frames, 1);
	n = th_unhex(LCP_REQ, want, sizeof want);
	ASSERT_INT_EQ(r.fl.last_len, n);
	ASSERT_MEM_EQ(r.fl.last, want, n);
	ASSERT_INT_EQ(rig_link_send(&r, LCP_REQ), 0);
	expect_out(&r.fs, DATA_LCP);
	rig_feed(&r, DATA_IP);
	ASSERT_INT_EQ(r.fl.frames, 1);
	ASSERT_INT_EQ(rig_link_send(&r, IP_FRAME), -EAGAIN);
	ASSERT_INT_EQ(r.fs.len, 0);
	TEST_DONE();

	TEST_START("after Call Connected IP flows both ways");
	rig_connect(&r);
	rig_feed(&r, DATA_IP);
	ASSERT_INT_EQ(r.fl.frames, 1);
	ASSERT_INT_EQ(rig_link_send(&r, IP_FRAME), 0);
	expect_out(&r.fs, DATA_IP);
	/* A full stream refuses the frame, the link is told it is full. */
	r.fs.full = true;
	ASSERT_TRUE(r.fl.link.up->server_full(r.fl.link.up_arg));
	TEST_DONE();
}

static void
test_pause(void)
{
	struct rig r;
	uint8_t two[64];
	size_t n;

	TEST_START("the link's pause stops input after the current packet");
	rig_connect(&r);
	r.fl.link.up->pause_server(r.fl.link.up_arg, true);
	r.fl.link.up->pause_server(r.fl.link.up_arg, true);
	ASSERT_INT_EQ(r.fs.pauses, 1);		/* one flag, one owner */
	ASSERT_TRUE(r.fs.paused);
	n = th_unhex(DATA_IP DATA_IP, two, sizeof two);
	ASSERT_INT_EQ(sstp_chan_input(&r.chan, r.ow.now, two, n), n / 2);
	ASSERT_INT_EQ(r.fl.frames, 1);
	r.fl.link.up->pause_server(r.fl.link.up_arg, false);
	ASSERT_INT_EQ(r.fs.resumes, 1);
	ASSERT_INT_EQ(sstp_chan_input(&r.chan, r.ow.now, two + n / 2, n / 2),
	    n / 2);
	ASSERT_INT_EQ(r.fl.frames, 2);
	TEST_DONE();
}

static void
test_abort_is_binding_refusal(void)
{
	struct rig r;

	TEST_START("Abort right after Call Connected = binding refused");
	rig_connect(&r);
	r.ow.now += 500;
	rig_feed(&r, ABORT_EMPTY);
	ASSERT_INT_EQ(r.ow.closed, 0);	/* Abort pending: the timer ends it */
	r.ow.now = sstp_chan_deadline(&r.chan);
	sstp_chan_timer(&r.chan, r.ow.now);
	ASSERT_INT_EQ(r.ow.closed, 1);
	ASSERT_INT_EQ(r.ow.quit, SSTP_QUIT_PEER_ABORT);
	ASSERT_TRUE(r.ow.refused);
	TEST_DONE();

	TEST_START("Abort after IP data came back is not a binding refusal");
	rig_connect(&r);
	rig_feed(&r, DATA_IP);
	rig_feed(&r, ABORT_EMPTY);
	r.ow.now = sstp_chan_deadline(&r.chan);
	sstp_chan_timer(&r.chan, r.ow.now);
	ASSERT_INT_EQ(r.ow.closed, 1);
	ASSERT_FALSE(r.ow.refused);
	TEST_DONE();
}

static void
test_disconnect_and_errors(void)
{
	struct rig r;
	uint8_t bad[8] = { 0x11, 0x01, 0x00, 0x08, 0x00, 0x06, 0x00, 0x00 };

	TEST_START("our disconnect: Call Disconnect, Ack closes");
	rig_connect(&r);
	ASSERT_TRUE(sstp_chan_disconnect(&r.chan, r.ow.now));
	expect_out(&r.fs, DISC_EMPTY);
	ASSERT_TRUE(sstp_chan_closing(&r.chan));
	ASSERT_FALSE(sstp_chan_disconnect(&r.chan, r.ow.now));	/* once */
	rig_feed(&r, DISC_ACK);
	ASSERT_INT_EQ(r.ow.closed, 1);
	ASSERT_INT_EQ(r.ow.quit, SSTP_QUIT_LOCAL_DISCONNECT);
	TEST_DONE();

	TEST_START("a framing error consumes everything and aborts");
	rig_connect(&r);
	ASSERT_INT_EQ(sstp_chan_input(&r.chan, r.ow.now, bad, sizeof bad),
	    sizeof bad);
	ASSERT_TRUE(sstp_chan_closing(&r.chan));
	TEST_DONE();

	TEST_START("lower layer down: closed without a byte");
	rig_connect(&r);
	sstp_chan_lower_down(&r.chan);
	ASSERT_INT_EQ(r.ow.closed, 1);
	ASSERT_INT_EQ(r.ow.quit, SSTP_QUIT_LOWER_DOWN);
	ASSERT_INT_EQ(r.fs.len, 0);
	TEST_DONE();

	TEST_START("not begun: no disconnect, no deadline, link full");
	memset(&r, 0, sizeof r);
	sstp_chan_init(&r.chan, &ow_ops, &r.ow);
	ASSERT_FALSE(sstp_chan_disconnect(&r.chan, 0));
	ASSERT_TRUE(sstp_chan_deadline(&r.chan) == UINT64_MAX);
	ASSERT_TRUE(sstp_chan_link_up.server_full(&r.chan));
	ASSERT_INT_EQ(sstp_chan_link_up.to_server(&r.chan,
	    (const uint8_t *)"\xc0\x21\x01\x01\x00\x04", 6), -ENOTCONN);
	TEST_DONE();
}

static void
test_link_reports_reach_owner(void)
{
	struct rig r;

	TEST_START("the link's gone and fail reach the owner");
	rig_begin(&r);
	r.fl.link.up->fail(r.fl.link.up_arg, LINK_END_AUTH, "refused");
	ASSERT_INT_EQ(r.ow.fail, 1);
	ASSERT_INT_EQ(r.ow.end, LINK_END_AUTH);
	r.fl.link.up->gone(r.fl.link.up_arg, LINK_END_PPP, "exited");
	ASSERT_INT_EQ(r.ow.gone, 1);
	ASSERT_INT_EQ(r.ow.end, LINK_END_PPP);
	TEST_DONE();
}

/* Keep the expected error lines out of the test output. */
static void
quiet_log(void)
{
	struct log_conf lc;

	memset(&lc, 0, sizeof lc);
	lc.level = LOG_LVL_ERR;
	lc.sink = LOG_SINK_FILE;
	lc.ident = "test";
	lc.path = "/dev/null";
	ASSERT_INT_EQ(log_open(&lc), 0);
}

int
main(void)
{
	quiet_log();
	test_connect_and_binding();
	test_keys_before_ack_ignored();
	test_gating();
	test_pause();
	test_abort_is_binding_refusal();
	test_disconnect_and_errors();
	test_link_reports_reach_owner();
	return test_exit();
}
