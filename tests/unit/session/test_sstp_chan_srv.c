/*
 * test_sstp_chan_srv.c - the channel (session/sstp_chan.c) in the server
 * role, through its interfaces only: a fake stream (the bytes we send to
 * the "client"), a fake link (the PPP side: records frames, reports keys,
 * from its own from_server like a PPP engine that has just checked an
 * MS-CHAPv2 Response) and a fake owner.  The client's Call Connected
 * messages are the published vectors of PROTOCOL.md 4.4, and the keys are
 * reported in the client's orientation (ppp/auth_keys.h).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/link.h"
#include "ppp/auth_keys.h"
#include "session/sstp_chan.h"
#include "util/log.h"
#include "wire/sstp_wire.h"
#include "harness.h"

/* MS-SSTP 4.7 (PROTOCOL.md 4.4). */
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
#define ACK256	"10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02" NONCE
/*
 * PROTOCOL.md 4.4 end-to-end: HLAK = the RFC 2759/3079 client's
 * MasterSendKey | MasterReceiveKey; the zero HLAK for PAP.
 */
#define E2E_NONCE "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F" \
		"10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F"
#define E2E_SEND "D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26"
#define E2E_RECV "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB"
#define E2E_CERT256 "82 6F A5 D7 EE 2F C9 6E EA AB 58 B3 3B D3 F4 83" \
		"C3 F7 C1 FE CC 2B BF 82 E4 28 FA 80 59 50 00 81"
#define E2E_CONNECTED256 "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02" \
		E2E_NONCE E2E_CERT256 \
		"E3 F4 23 E1 28 E8 13 92 4C B8 E1 75 E2 F1 49 F7" \
		"0B DC 4B 7D 8B 94 DE EA 11 FB 03 38 1D F9 59 A9"
#define ZERO_CONNECTED256 "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02" \
		E2E_NONCE E2E_CERT256 \
		"71 D0 19 DC BD 38 85 D0 50 1C C5 B2 07 BD 2A 11" \
		"B6 15 82 6C 03 9B C0 59 A6 6E 28 24 D9 21 C1 B5"

#define REQUEST	"10 01 00 0E 00 01 00 01 00 01 00 06 00 01"
#define ABORT_BINDING	"10 01 00 14 00 05 00 01 00 02 00 0C 00 00 00 03" \
			"00 00 00 04"
#define ABORT_TIMEOUT	"10 01 00 14 00 05 00 01 00 02 00 0C 00 00 00 00" \
			"00 00 00 08"
#define ABORT_LATE_REQ	"10 01 00 14 00 05 00 01 00 02 00 0C 00 00 00 00" \
			"00 00 00 05"
#define ECHO_REQ	"10 01 00 08 00 08 00 00"
#define ECHO_RESP	"10 01 00 08 00 09 00 00"
/* LCP Configure-Request, a CHAP frame (the client's Response), IPv4. */
#define LCP_REQ		"FF 03 C0 21 01 01 00 04"
#define DATA_LCP	"10 00 00 0C " LCP_REQ
#define CHAP_RESP	"FF 03 C2 23 02 01 00 04"
#define DATA_CHAP	"10 00 00 0C " CHAP_RESP
#define IP_FRAME	"00 21 45 00 00 14 00 00 00 00 40 01 00 00 C0 00" \
			"02 01 C0 00 02 02"
#define DATA_IP		"10 00 00 1A " IP_FRAME

/* --- the fake stream ------------------------------------------------------ */

struct fake_stream {
	uint8_t		 out[8192];
	size_t		 len;
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
	return false;
}

static void
fs_pause(void *arg, bool pause)
{
}

static const struct sstp_chan_io fs_io = {
	.reserve = fs_reserve,
	.tx_full = fs_tx_full,
	.pause_input = fs_pause,
};

/* Take the next whole SSTP packet written; its length, or 0. */
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

/* --- the fake link: the PPP side of a server session --------------------- */

struct fake_link {
	struct link		 link;		/* first */
	int			 ppp_starts;
	size_t			 out_at_start;	/* stream bytes at ppp_start */
	int			 frames, ip_frames;
	/* Report these keys when the client's CHAP frame comes in. */
	bool			 keys_on_chap;
	struct ppp_auth_keys	 keys;
	struct fake_stream	*fs;
};

static void
fl_ppp_start(struct link *l)
{
	struct fake_link *k = (struct fake_link *)(void *)l;

	k->ppp_starts++;
	k->out_at_start = k->fs->len;
}

static int
fl_from_server(struct link *l, const uint8_t *f, size_t len)
{
	struct fake_link *k = (struct fake_link *)(void *)l;

	k->frames++;
	if (len >= 4 && f[2] == 0xc2 && f[3] == 0x23 && k->keys_on_chap)
		l->up->auth_done(l->up_arg, &k->keys, "MS-CHAPv2 (fake)");
	if (len >= 2 && f[0] == 0x00 && f[1] == 0x21)
		k->ip_frames++;
	return 0;
}

static const struct link_ops fl_ops = {
	.name = "fake-server-ppp",
	.ppp_start = fl_ppp_start,
	.from_server = fl_from_server,
};

/* --- the fake owner ------------------------------------------------------- */

struct owner {
	uint64_t	 now;
	int		 established;
	int		 closed;
	enum sstp_quit	 quit;
	bool		 refused;
	char		 msg[256];
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
	snprintf(o->msg, sizeof o->msg, "%s", msg);
}

static void
ow_timer(void *arg)
{
}

static void
ow_gone(void *arg, enum link_end e, const char *why)
{
}

static void
ow_fail(void *arg, enum link_end e, const char *msg)
{
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

/* The nonce the Ack carries (the test's rand_hook). */
static uint8_t rig_nonce[32];

static void
rig_rand(void *buf, size_t len)
{
	memcpy(buf, rig_nonce, len < sizeof rig_nonce ? len :
	    sizeof rig_nonce);
}

struct rig {
	struct sstp_chan	 chan;
	struct fake_stream	 fs;
	struct fake_link	 fl;
	struct owner		 ow;
	uint8_t			 cert256[32];
};

/* A server channel, begun on @nonce/@cert: nothing sent yet. */
static void
rig_begin(struct rig *r, const char *nonce, const char *cert)
{
	struct sstp_ctrl_conf cc;

	memset(r, 0, sizeof *r);
	r->fl.link.ops = &fl_ops;
	r->fl.link.up = &sstp_chan_link_up;
	r->fl.link.up_arg = &r->chan;
	r->fl.fs = &r->fs;
	th_unhex(cert, r->cert256, sizeof r->cert256);
	th_unhex(nonce, rig_nonce, sizeof rig_nonce);
	sstp_chan_init(&r->chan, &ow_ops, &r->ow);
	sstp_chan_set_link(&r->chan, &r->fl.link);
	sstp_ctrl_conf_defaults(&cc);
	cc.role = SSTP_ROLE_SERVER;
	cc.hash_offer = SSTP_HASH_SHA256;
	cc.cert_sha256 = r->cert256;
	cc.rand_hook = rig_rand;
	r->ow.now = 1000;
	ASSERT_INT_EQ(sstp_chan_begin(&r->chan, &cc, &fs_io, &r->fs,
	    r->ow.now), 0);
	ASSERT_INT_EQ(r->fs.len, 0);		/* no Request from a server */
	ASSERT_INT_EQ(sstp_chan_state(&r->chan), SSTP_SS_REQUEST_PENDING);
	ASSERT_TRUE(sstp_chan_deadline(&r->chan) == 61000);
}

/* Client bytes; all must be consumed. */
static void
rig_feed(struct rig *r, const char *hex)
{
	uint8_t b[1024];
	size_t n = th_unhex(hex, b, sizeof b);

	ASSERT_INT_EQ(sstp_chan_input(&r->chan, r->ow.now, b, n), n);
}

/* The PPP side sends a frame to the client. */
static int
rig_link_send(struct rig *r, const char *hex)
{
	uint8_t b[256];
	size_t n = th_unhex(hex, b, sizeof b);

	return r->fl.link.up->to_server(r->fl.link.up_arg, b, n);
}

/* Client-oriented MS-CHAPv2 keys (send = client MasterSendKey). */
static void
keys_hex(struct ppp_auth_keys *k, const char *send, const char *recv)
{
	memset(k, 0, sizeof *k);
	k->send_len = th_unhex(send, k->send, sizeof k->send);
	k->recv_len = th_unhex(recv, k->recv, sizeof k->recv);
}

static void
rig_keys(struct rig *r, const struct ppp_auth_keys *k)
{
	r->fl.link.up->auth_done(r->fl.link.up_arg, k, "test");
}

/* Request in, Ack out, then the link told to start PPP. */
static void
rig_ack(struct rig *r, const char *ack)
{
	rig_feed(r, REQUEST);
	expect_out(&r->fs, ack);
	ASSERT_INT_EQ(r->fl.ppp_starts, 1);
	ASSERT_INT_EQ(sstp_chan_state(&r->chan), SSTP_SS_CONNECTED_PENDING);
}

/* Let the machine's teardown timers run out. */
static void
rig_run_out(struct rig *r)
{
	int i;

	for (i = 0; i < 4 && r->ow.closed == 0; i++) {
		r->ow.now = sstp_chan_deadline(&r->chan);
		sstp_chan_timer(&r->chan, r->ow.now);
	}
}

static void
test_begin_and_gating(void)
{
	struct rig r;

	TEST_START("server begin: no Request; nothing passes before the Ack");
	rig_begin(&r, NONCE, CERT256);
	rig_feed(&r, DATA_LCP);
	ASSERT_INT_EQ(r.fl.frames, 0);
	ASSERT_INT_EQ(rig_link_send(&r, LCP_REQ), -EAGAIN);
	ASSERT_INT_EQ(r.fs.len, 0);
	TEST_DONE();

	TEST_START("Ack, then ppp_start (after the Ack is in the stream)");
	rig_begin(&r, NONCE, CERT256);
	rig_ack(&r, ACK256);
	ASSERT_INT_EQ(r.fl.out_at_start, 48);
	TEST_DONE();

	TEST_START("Call_Connected_Pending: PPP control only, no IP");
	rig_feed(&r, DATA_LCP);
	ASSERT_INT_EQ(r.fl.frames, 1);
	ASSERT_INT_EQ(rig_link_send(&r, LCP_REQ), 0);
	expect_out(&r.fs, DATA_LCP);
	rig_feed(&r, DATA_IP);
	ASSERT_INT_EQ(r.fl.frames, 1);
	ASSERT_INT_EQ(r.fl.ip_frames, 0);
	ASSERT_INT_EQ(rig_link_send(&r, IP_FRAME), -EAGAIN);
	ASSERT_INT_EQ(r.fs.len, 0);
	/* Echo before Call Connected: Abort (as accel). */
	rig_feed(&r, ECHO_REQ);
	ASSERT_TRUE(sstp_chan_closing(&r.chan));
	TEST_DONE();
}

static void
test_binding(void)
{
	struct rig r;
	struct ppp_auth_keys k;

	TEST_START("Call Connected, then keys: verified, IP flows");
	rig_begin(&r, NONCE, CERT256);
	rig_ack(&r, ACK256);
	rig_feed(&r, SPEC_CONNECTED);
	ASSERT_INT_EQ(r.ow.established, 0);
	rig_feed(&r, DATA_IP);
	ASSERT_INT_EQ(r.fl.ip_frames, 0);
	keys_hex(&k, "2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4",
	    "8F D3 FA C4 1D 7A 13 15 A1 92 28 D9 02 4C A1 64");
	rig_keys(&r, &k);
	ASSERT_INT_EQ(r.ow.established, 1);
	ASSERT_INT_EQ(sstp_chan_state(&r.chan), SSTP_SS_CALL_CONNECTED);
	ASSERT_INT_EQ(r.fs.len, 0);		/* the server sends nothing */
	rig_feed(&r, DATA_IP);
	ASSERT_INT_EQ(r.fl.ip_frames, 1);
	ASSERT_INT_EQ(rig_link_send(&r, IP_FRAME), 0);
	expect_out(&r.fs, DATA_IP);
	rig_feed(&r, ECHO_REQ);
	expect_out(&r.fs, ECHO_RESP);
	/* A later key report changes nothing. */
	k.send[0] ^= 1;
	rig_keys(&r, &k);
	ASSERT_INT_EQ(sstp_chan_state(&r.chan), SSTP_SS_CALL_CONNECTED);
	TEST_DONE();

	TEST_START("keys from the link's own from_server, then Connected+IP");
	rig_begin(&r, E2E_NONCE, E2E_CERT256);
	r.fl.keys_on_chap = true;
	keys_hex(&r.fl.keys, E2E_SEND, E2E_RECV);
	rig_ack(&r, "10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02"
	    E2E_NONCE);
	rig_feed(&r, DATA_CHAP);
	ASSERT_INT_EQ(r.ow.established, 0);
	/* One read: Call Connected and the first IP packet behind it. */
	rig_feed(&r, E2E_CONNECTED256 DATA_IP);
	ASSERT_INT_EQ(r.ow.established, 1);
	ASSERT_INT_EQ(r.fl.ip_frames, 1);
	TEST_DONE();

	TEST_START("keys in the server's orientation: binding refused");
	rig_begin(&r, E2E_NONCE, E2E_CERT256);
	rig_ack(&r, "10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02"
	    E2E_NONCE);
	keys_hex(&k, E2E_RECV, E2E_SEND);	/* swapped */
	rig_keys(&r, &k);
	rig_feed(&r, E2E_CONNECTED256 DATA_IP);
	ASSERT_INT_EQ(r.ow.established, 0);
	ASSERT_INT_EQ(r.fl.ip_frames, 0);
	expect_out(&r.fs, ABORT_BINDING);
	rig_run_out(&r);
	ASSERT_INT_EQ(r.ow.closed, 1);
	ASSERT_INT_EQ(r.ow.quit, SSTP_QUIT_BINDING_FAILED);
	ASSERT_FALSE(r.ow.refused);
	ASSERT_PTR_NOT_NULL(strstr(r.ow.msg, "Compound MAC"));
	TEST_DONE();

	TEST_START("PAP (no keys): the zero HLAK verifies");
	rig_begin(&r, E2E_NONCE, E2E_CERT256);
	rig_ack(&r, "10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02"
	    E2E_NONCE);
	memset(&k, 0, sizeof k);
	rig_keys(&r, &k);
	rig_feed(&r, ZERO_CONNECTED256);
	ASSERT_INT_EQ(r.ow.established, 1);
	TEST_DONE();

	TEST_START("EAP MSK (64 octets): its first 32 are the HLAK");
	rig_begin(&r, NONCE, CERT256);
	rig_ack(&r, ACK256);
	keys_hex(&k, SPEC_HLAK "FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF"
	    "FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF", "");
	ASSERT_INT_EQ(k.send_len, 64);
	rig_keys(&r, &k);
	rig_feed(&r, SPEC_CONNECTED);
	ASSERT_INT_EQ(r.ow.established, 1);
	TEST_DONE();
}

static void
test_keys_timing(void)
{
	struct rig r;
	struct ppp_auth_keys k;

	TEST_START("keys before the Request are ignored, later ones count");
	rig_begin(&r, NONCE, CERT256);
	keys_hex(&k, "2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4",
	    "8F D3 FA C4 1D 7A 13 15 A1 92 28 D9 02 4C A1 64");
	rig_keys(&r, &k);
	rig_ack(&r, ACK256);
	rig_feed(&r, SPEC_CONNECTED);
	ASSERT_INT_EQ(r.ow.established, 0);
	rig_keys(&r, &k);
	ASSERT_INT_EQ(r.ow.established, 1);
	TEST_DONE();

	TEST_START("Call Connected without keys: NO_KEYS at 60 s");
	rig_begin(&r, NONCE, CERT256);
	rig_ack(&r, ACK256);
	rig_feed(&r, SPEC_CONNECTED);
	r.ow.now = sstp_chan_deadline(&r.chan);
	ASSERT_TRUE(r.ow.now == 61000);
	sstp_chan_timer(&r.chan, r.ow.now);
	expect_out(&r.fs, ABORT_TIMEOUT);
	rig_run_out(&r);
	ASSERT_INT_EQ(r.ow.closed, 1);
	ASSERT_INT_EQ(r.ow.quit, SSTP_QUIT_NO_KEYS);
	TEST_DONE();

	TEST_START("a second Request after the Ack: Abort BAD_REQUEST");
	rig_begin(&r, NONCE, CERT256);
	rig_ack(&r, ACK256);
	rig_feed(&r, REQUEST);
	expect_out(&r.fs, ABORT_LATE_REQ);
	ASSERT_INT_EQ(r.fl.ppp_starts, 1);
	rig_run_out(&r);
	ASSERT_INT_EQ(r.ow.quit, SSTP_QUIT_BAD_REQUEST);
	TEST_DONE();

	TEST_START("the stream breaks while pending: closed, nothing sent");
	rig_begin(&r, NONCE, CERT256);
	rig_ack(&r, ACK256);
	sstp_chan_lower_down(&r.chan);
	ASSERT_INT_EQ(r.ow.closed, 1);
	ASSERT_INT_EQ(r.ow.quit, SSTP_QUIT_LOWER_DOWN);
	ASSERT_INT_EQ(r.fs.len, 0);
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
	test_begin_and_gating();
	test_binding();
	test_keys_timing();
	return test_exit();
}
