/*
 * test_sstp_ctrl.c - the SSTP client state machine driven by scripted
 * events, a fake clock and fake ops that record every packet sent
 * (PROTOCOL.md 3 and 8; Call Connected checked against MS-SSTP 4.7 and the
 * vectors of PROTOCOL.md 4.4).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "crypto/sstp_bind.h"
#include "sstp/sstp_ctrl.h"
#include "wire/sstp_wire.h"
#include "harness.h"

#define NONCE	"41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72" \
		"B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35"
#define CERT256	"79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84" \
		"B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D"
#define ACK(bm)	"10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 " bm NONCE
#define ZEROS12	"00 00 00 00 00 00 00 00 00 00 00 00"

/* MS-SSTP 4.7 (PROTOCOL.md 4.4): HLAK and the published Call Connected. */
static const char spec_hlak[] =
    "2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4"
    "8F D3 FA C4 1D 7A 13 15 A1 92 28 D9 02 4C A1 64";
static const char spec_connected[] =
    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02" NONCE CERT256
    "52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71"
    "65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49";

/* PROTOCOL.md 4.4 end-to-end vectors: nonce 00..1F, made-up cert hashes. */
#define E2E_NONCE "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F" \
		"10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F"
static const char e2e_hlak[] =
    "D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26"
    "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB";
static const char e2e_cert1[] =
    "97 01 39 7C BC B0 F2 86 0E 64 DB F0 44 B2 91 BF E8 D5 DC F8";
static const char e2e_cert256[] =
    "82 6F A5 D7 EE 2F C9 6E EA AB 58 B3 3B D3 F4 83"
    "C3 F7 C1 FE CC 2B BF 82 E4 28 FA 80 59 50 00 81";

#define REQUEST		"10 01 00 0E 00 01 00 01 00 01 00 06 00 01"
#define ECHO_REQ	"10 01 00 08 00 08 00 00"
#define ECHO_RESP	"10 01 00 08 00 09 00 00"
#define DISC_ACK	"10 01 00 08 00 07 00 00"
#define DISC_EMPTY	"10 01 00 08 00 06 00 00"
#define ABORT_EMPTY	"10 01 00 08 00 05 00 00"
/* Our Abort with one Status Info (attribute id, status). */
#define ABORT(at, st)	"10 01 00 14 00 05 00 01 00 02 00 0C 00 00 00 " at \
			" 00 00 00 " st
#define NAK_ACCEL	"10 01 00 16 00 03 00 01 00 02 00 0C 00 00 00 01" \
			"00 00 00 04 00 00"
#define ABORT_ACCEL	ABORT("02", "07")

#define MAXPKT	256

struct fake {
	uint8_t		 pkt[MAXPKT][128];
	size_t		 len[MAXPKT];
	size_t		 n;
	int		 ppp_start;
	int		 established;
	int		 close;
	/* State seen by the callbacks (they run after the transition). */
	enum sstp_cstate st_at_start;
	enum sstp_cstate st_at_established;
	struct sstp_ctrl *ctrl;
	bool		 reenter;
	int		 reenter_rc;
};

static void
fake_send(void *arg, const uint8_t *pkt, size_t len)
{
	struct fake *f = arg;

	if (f->n < MAXPKT && len <= sizeof f->pkt[0]) {
		memcpy(f->pkt[f->n], pkt, len);
		f->len[f->n] = len;
	}
	f->n++;
}

static void
fake_ppp_start(void *arg)
{
	struct fake *f = arg;

	f->ppp_start++;
	f->st_at_start = sstp_ctrl_state(f->ctrl);
}

static void
fake_established(void *arg)
{
	struct fake *f = arg;

	f->established++;
	f->st_at_established = sstp_ctrl_state(f->ctrl);
}

static void
fake_close(void *arg)
{
	struct fake *f = arg;

	f->close++;
	if (f->reenter)
		f->reenter_rc = sstp_ctrl_lower_down(f->ctrl);
}

static const struct sstp_ctrl_ops fake_ops = {
	.send = fake_send,
	.ppp_start = fake_ppp_start,
	.established = fake_established,
	.close = fake_close,
};

static uint8_t cert1[20], cert256[32];

static void	quiet_log(void);

static void
setup_conf(struct sstp_ctrl *c, struct fake *f, struct sstp_ctrl_conf *conf)
{
	memset(f, 0, sizeof *f);
	f->ctrl = c;
	ASSERT_INT_EQ(sstp_ctrl_init(c, conf, &fake_ops, f), 0);
}

static void
setup(struct sstp_ctrl *c, struct fake *f)
{
	struct sstp_ctrl_conf conf;

	sstp_ctrl_conf_defaults(&conf);
	conf.cert_sha1 = cert1;
	conf.cert_sha256 = cert256;
	setup_conf(c, f, &conf);
}

static void
feed(struct sstp_ctrl *c, uint64_t now, const char *hex)
{
	uint8_t pkt[512];
	size_t n = th_unhex(hex, pkt, sizeof pkt);

	ASSERT_INT_EQ(sstp_ctrl_input(c, now, pkt, n), 0);
}

/* Packet number @i sent must be exactly @hex. */
static void
expect_pkt(const struct fake *f, size_t i, const char *hex)
{
	uint8_t want[256];
	size_t n = th_unhex(hex, want, sizeof want);

	ASSERT_INT_LT(i, f->n);
	if (i >= f->n)
		return;
	ASSERT_INT_EQ(f->len[i], n);
	ASSERT_MEM_EQ(f->pkt[i], want, n);
}

static void
expect_last(const struct fake *f, const char *hex)
{
	ASSERT_INT_GE(f->n, 1);
	if (f->n >= 1)
		expect_pkt(f, f->n - 1, hex);
}

static void
to_ack(struct sstp_ctrl *c, struct fake *f, uint64_t now, const char *ack)
{
	ASSERT_INT_EQ(sstp_ctrl_start(c, now), 0);
	feed(c, now, ack);
	ASSERT_INT_EQ(sstp_ctrl_state(c), SSTP_CS_ACK_RECEIVED);
	(void)f;
}

static void
to_connected(struct sstp_ctrl *c, struct fake *f, uint64_t now)
{
	uint8_t hlak[32];

	memset(hlak, 0, sizeof hlak);
	to_ack(c, f, now, ACK("03"));
	ASSERT_INT_EQ(sstp_ctrl_auth_done(c, now, hlak), 0);
	ASSERT_INT_EQ(sstp_ctrl_state(c), SSTP_CS_CALL_CONNECTED);
}

static void
test_happy_path(void)
{
	struct sstp_ctrl c;
	struct fake f;
	struct sstp_ctrl_conf conf;
	uint8_t hlak[32];
	char msg[128];

	TEST_START("happy path to Call Connected (MS-SSTP 4.7 vector)");
	sstp_ctrl_conf_defaults(&conf);
	th_unhex(CERT256, cert256, sizeof cert256);
	conf.cert_sha256 = cert256;
	conf.cert_sha1 = cert1;
	setup_conf(&c, &f, &conf);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_DISCONNECTED);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == UINT64_MAX);
	ASSERT_FALSE(sstp_ctrl_rx_data_ok(&c, true));

	ASSERT_INT_EQ(sstp_ctrl_start(&c, 1000), 0);
	ASSERT_INT_EQ(f.n, 1);
	expect_pkt(&f, 0, REQUEST);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_REQUEST_SENT);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 61000);
	ASSERT_FALSE(sstp_ctrl_tx_data_ok(&c, true));

	feed(&c, 2000, ACK("02"));
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ACK_RECEIVED);
	ASSERT_INT_EQ(f.ppp_start, 1);
	ASSERT_INT_EQ(f.st_at_start, SSTP_CS_ACK_RECEIVED);
	ASSERT_INT_EQ(sstp_ctrl_hash(&c), SSTP_HASH_SHA256);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 62000);	/* restarted */
	ASSERT_INT_EQ(f.n, 1);
	ASSERT_TRUE(sstp_ctrl_rx_data_ok(&c, true));
	ASSERT_FALSE(sstp_ctrl_rx_data_ok(&c, false));
	ASSERT_TRUE(sstp_ctrl_tx_data_ok(&c, true));
	ASSERT_FALSE(sstp_ctrl_tx_data_ok(&c, false));

	th_unhex(spec_hlak, hlak, sizeof hlak);
	ASSERT_INT_EQ(sstp_ctrl_auth_done(&c, 3000, hlak), 0);
	ASSERT_INT_EQ(f.n, 2);
	expect_pkt(&f, 1, spec_connected);
	ASSERT_INT_EQ(f.established, 1);
	ASSERT_INT_EQ(f.st_at_established, SSTP_CS_CALL_CONNECTED);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CALL_CONNECTED);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 63000);
	ASSERT_TRUE(sstp_ctrl_rx_data_ok(&c, false));
	ASSERT_TRUE(sstp_ctrl_tx_data_ok(&c, false));

	/* Call Connected exactly once. */
	ASSERT_INT_EQ(sstp_ctrl_auth_done(&c, 3500, hlak), 0);
	ASSERT_INT_EQ(f.n, 2);
	ASSERT_INT_EQ(f.established, 1);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CALL_CONNECTED);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NONE);

	/* Orderly shutdown: Disconnect, Ack, closed at once. */
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 4000), 0);
	expect_last(&f, DISC_EMPTY);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_DISCONNECT_ACK_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 9000);
	ASSERT_FALSE(sstp_ctrl_rx_data_ok(&c, true));
	feed(&c, 4100, DISC_ACK);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(f.n, 3);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_LOCAL_DISCONNECT);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == UINT64_MAX);

	/* Everything after close is ignored. */
	feed(&c, 5000, ECHO_REQ);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 99999), 0);
	ASSERT_INT_EQ(sstp_ctrl_lower_down(&c), 0);
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 6000), 0);
	ASSERT_INT_EQ(f.n, 3);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_LOCAL_DISCONNECT);
	ASSERT_INT_EQ(sstp_ctrl_quit_message(&c, msg, sizeof msg),
	    (int)strlen("disconnected on request"));
	ASSERT_STR_EQ(msg, "disconnected on request");
	TEST_DONE();
}

/* One Ack -> Call Connected known answer with the PROTOCOL.md 4.4 vectors. */
static void
check_binding(const char *name, const char *bm, bool require256,
    const char *hlak_hex, enum sstp_hash want_hash, const char *want)
{
	struct sstp_ctrl c;
	struct fake f;
	struct sstp_ctrl_conf conf;
	uint8_t hlak[32], c1[20], c256[32];
	char ack[512];

	TEST_START(name);
	th_unhex(e2e_cert1, c1, sizeof c1);
	th_unhex(e2e_cert256, c256, sizeof c256);
	sstp_ctrl_conf_defaults(&conf);
	conf.cert_sha1 = c1;
	conf.cert_sha256 = c256;
	conf.require_sha256 = require256;
	setup_conf(&c, &f, &conf);
	snprintf(ack, sizeof ack, "10 01 00 30 00 02 00 01 00 04 00 28 "
	    "00 00 00 %s %s", bm, E2E_NONCE);
	to_ack(&c, &f, 0, ack);
	ASSERT_INT_EQ(sstp_ctrl_hash(&c), want_hash);
	memset(hlak, 0, sizeof hlak);
	if (hlak_hex != NULL)
		th_unhex(hlak_hex, hlak, sizeof hlak);
	ASSERT_INT_EQ(sstp_ctrl_auth_done(&c, 10, hlak), 0);
	ASSERT_INT_EQ(f.n, 2);
	expect_pkt(&f, 1, want);
	TEST_DONE();
}

static void
test_binding_vectors(void)
{
	check_binding("SHA1 only offered: SHA1 Call Connected (4.4 vector)",
	    "01", false, e2e_hlak, SSTP_HASH_SHA1,
	    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 01" E2E_NONCE
	    "97 01 39 7C BC B0 F2 86 0E 64 DB F0 44 B2 91 BF E8 D5 DC F8"
	    ZEROS12
	    "E1 20 9E F0 4C DE 93 BD CC 5F 94 9F 03 E3 1A CB 00 C5 35 14"
	    ZEROS12);
	check_binding("both offered: SHA256 chosen (4.4 vector)", "03",
	    false, e2e_hlak, SSTP_HASH_SHA256,
	    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02" E2E_NONCE
	    "82 6F A5 D7 EE 2F C9 6E EA AB 58 B3 3B D3 F4 83"
	    "C3 F7 C1 FE CC 2B BF 82 E4 28 FA 80 59 50 00 81"
	    "E3 F4 23 E1 28 E8 13 92 4C B8 E1 75 E2 F1 49 F7"
	    "0B DC 4B 7D 8B 94 DE EA 11 FB 03 38 1D F9 59 A9");
	check_binding("PAP zero HLAK, SHA256, require_sha256 (4.4 vector)",
	    "03", true, NULL, SSTP_HASH_SHA256,
	    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02" E2E_NONCE
	    "82 6F A5 D7 EE 2F C9 6E EA AB 58 B3 3B D3 F4 83"
	    "C3 F7 C1 FE CC 2B BF 82 E4 28 FA 80 59 50 00 81"
	    "71 D0 19 DC BD 38 85 D0 50 1C C5 B2 07 BD 2A 11"
	    "B6 15 82 6C 03 9B C0 59 A6 6E 28 24 D9 21 C1 B5");
	check_binding("PAP zero HLAK, SHA1 (4.4 vector), unknown bit ignored",
	    "05", false, NULL, SSTP_HASH_SHA1,
	    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 01" E2E_NONCE
	    "97 01 39 7C BC B0 F2 86 0E 64 DB F0 44 B2 91 BF E8 D5 DC F8"
	    ZEROS12
	    "65 C1 00 51 48 B7 8F 7B 84 37 DC 66 AE 67 23 CF 40 9F 04 8B"
	    ZEROS12);
}

static void
test_nak_retries(void)
{
	struct sstp_ctrl c;
	struct fake f;
	struct sstp_status_info si;
	char msg[160];
	int i;

	TEST_START("NAK: three resends, then Abort RETRY_COUNT_EXCEEDED");
	setup(&c, &f);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	for (i = 1; i <= 3; i++) {
		feed(&c, (uint64_t)i * 1000, NAK_ACCEL);
		ASSERT_INT_EQ(f.n, (size_t)i + 1);
		expect_last(&f, REQUEST);
		ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_REQUEST_SENT);
		ASSERT_TRUE(sstp_ctrl_deadline(&c) ==
		    (uint64_t)i * 1000 + 60000);
		ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NONE);
	}
	feed(&c, 4000, NAK_ACCEL);
	ASSERT_INT_EQ(f.n, 5);
	expect_last(&f, ABORT("00", "06"));
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 7000);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NAK_RETRIES);
	ASSERT_TRUE(sstp_ctrl_peer_status(&c, &si));
	ASSERT_U32_EQ(si.status, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	ASSERT_INT_EQ(si.attr_id, SSTP_ATTR_ENCAP_PROTO_ID);
	ASSERT_INT_EQ(f.ppp_start, 0);
	/* ABORT_STATE_TIMER_1: 3 s, not earlier. */
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 6999), 0);
	ASSERT_INT_EQ(f.close, 0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 7000), 0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(f.n, 5);
	(void)sstp_ctrl_quit_message(&c, msg, sizeof msg);
	ASSERT_STR_EQ(msg, "server refused the Call Connect Request 4 times "
	    "(NAK: VALUE_NOT_SUPPORTED, attribute ENCAPSULATED_PROTOCOL_ID)");
	TEST_DONE();
}

static void
test_request_timeout(void)
{
	struct sstp_ctrl c;
	struct fake f;
	char msg[160];

	/*
	 * MS-SSTP 3.2.2: when the negotiation timer expires the client
	 * aborts.  One 60 s period, one Request: a resend over TCP cannot
	 * help (it was 4 Requests and 4 minutes).
	 */
	TEST_START("Connect Request unanswered: Abort NEGOTIATION_TIMEOUT "
	    "at 60 s, no resend");
	setup(&c, &f);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 60000);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 59999), 0);
	ASSERT_INT_EQ(f.n, 1);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_REQUEST_SENT);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 60000), 0);
	ASSERT_INT_EQ(f.n, 2);
	expect_last(&f, ABORT("00", "08"));
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NEGOTIATION_TIMEOUT);
	ASSERT_FALSE(sstp_ctrl_peer_status(&c, NULL));
	ASSERT_INT_EQ(f.ppp_start, 0);
	/* ABORT_STATE_TIMER_1 (3 s): the server does not answer either. */
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 63000);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 62999), 0);
	ASSERT_INT_EQ(f.close, 0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 63000), 0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(f.n, 2);
	(void)sstp_ctrl_quit_message(&c, msg, sizeof msg);
	ASSERT_STR_EQ(msg, "no answer to the Call Connect Request within "
	    "60 s");
	TEST_DONE();

	TEST_START("Connect Request: a Nak restarts the timer, its expiry "
	    "still aborts without a resend");
	setup(&c, &f);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 10000, NAK_ACCEL);
	ASSERT_INT_EQ(f.n, 2);
	expect_last(&f, REQUEST);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 70000);
	/* The first period's deadline has passed: nothing happens. */
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 60000), 0);
	ASSERT_INT_EQ(f.n, 2);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 70000), 0);
	ASSERT_INT_EQ(f.n, 3);
	expect_last(&f, ABORT("00", "08"));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NEGOTIATION_TIMEOUT);
	/* The server's Abort answer: stop timer 1, start timer 2 (1 s). */
	feed(&c, 70500, ABORT_EMPTY);
	ASSERT_INT_EQ(f.n, 3);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_TIMEOUT_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 71500);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NEGOTIATION_TIMEOUT);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 71500), 0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(f.n, 3);
	TEST_DONE();
}

static void
test_auth_timeout(void)
{
	struct sstp_ctrl c;
	struct fake f;
	uint8_t hlak[32];

	TEST_START("no PPP auth within 60 s of the Ack: Abort");
	setup(&c, &f);
	to_ack(&c, &f, 1000, ACK("03"));
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 61000);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 60999), 0);
	ASSERT_INT_EQ(f.n, 1);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 61000), 0);
	expect_last(&f, ABORT("00", "08"));
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_AUTH_TIMEOUT);
	/* Too late now: auth is ignored, no Call Connected. */
	memset(hlak, 0, sizeof hlak);
	ASSERT_INT_EQ(sstp_ctrl_auth_done(&c, 61500, hlak), 0);
	ASSERT_INT_EQ(f.n, 2);
	ASSERT_INT_EQ(f.established, 0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 64000), 0);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(f.close, 1);
	TEST_DONE();
}

static void
test_hello(void)
{
	struct sstp_ctrl c;
	struct fake f;
	struct sstp_ctrl_conf conf;
	size_t n0;
	char msg[128];

	TEST_START("Hello: silence -> echo at 60 s -> close at 120 s");
	setup(&c, &f);
	to_connected(&c, &f, 0);
	n0 = f.n;
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 60000);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 59999), 0);
	ASSERT_INT_EQ(f.n, n0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 60000), 0);
	ASSERT_INT_EQ(f.n, n0 + 1);
	expect_last(&f, ECHO_REQ);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 120000);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 120000), 0);
	ASSERT_INT_EQ(f.n, n0 + 1);	/* no Abort: silent close */
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_HELLO_TIMEOUT);
	(void)sstp_ctrl_quit_message(&c, msg, sizeof msg);
	ASSERT_STR_EQ(msg, "server silent for 120 s, connection presumed "
	    "dead");
	TEST_DONE();

	TEST_START("Hello: any received packet resets the timer");
	setup(&c, &f);
	to_connected(&c, &f, 0);
	n0 = f.n;
	sstp_ctrl_rx_any(&c, 30000);		/* a data packet */
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 90000);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 60000), 0);
	ASSERT_INT_EQ(f.n, n0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 90000), 0);
	expect_last(&f, ECHO_REQ);
	/* Unsolicited or not, an Echo Response is traffic. */
	feed(&c, 100000, ECHO_RESP);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 160000);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 160000), 0);
	ASSERT_INT_EQ(f.n, n0 + 2);		/* a second echo, no close */
	ASSERT_INT_EQ(f.close, 0);
	/* softether never answers echoes but sends its own: still alive. */
	feed(&c, 170000, ECHO_REQ);
	expect_last(&f, ECHO_RESP);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 220000), 0);
	ASSERT_INT_EQ(f.close, 0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 230000), 0);
	expect_last(&f, ECHO_REQ);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 290000), 0);
	ASSERT_INT_EQ(f.close, 1);
	TEST_DONE();

	TEST_START("Hello: hello_fails = 2 gives two echoes");
	sstp_ctrl_conf_defaults(&conf);
	conf.cert_sha256 = cert256;
	conf.hello_fails = 2;
	conf.hello_ms = 10000;
	setup_conf(&c, &f, &conf);
	to_connected(&c, &f, 0);
	n0 = f.n;
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 10000), 0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 20000), 0);
	ASSERT_INT_EQ(f.n, n0 + 2);
	ASSERT_INT_EQ(f.close, 0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 30000), 0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(f.n, n0 + 2);
	TEST_DONE();
}

static void
test_echo_storm(void)
{
	struct sstp_ctrl c;
	struct fake f;
	size_t n0, i;

	TEST_START("echo storm: every Echo Request answered at once");
	setup(&c, &f);
	to_connected(&c, &f, 0);
	n0 = f.n;
	for (i = 1; i <= 100; i++) {
		feed(&c, i * 3000, ECHO_REQ);
		ASSERT_INT_EQ(f.n, n0 + i);
		expect_last(&f, ECHO_RESP);
		ASSERT_TRUE(sstp_ctrl_deadline(&c) == i * 3000 + 60000);
		ASSERT_INT_EQ(sstp_ctrl_timer(&c, i * 3000 + 1), 0);
	}
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CALL_CONNECTED);
	ASSERT_INT_EQ(c.echo_rx, 100);
	TEST_DONE();
}

static void
test_peer_abort(void)
{
	struct sstp_ctrl c;
	struct fake f;
	struct sstp_status_info si;
	char msg[160];
	size_t n0;

	TEST_START("peer Abort: answer Abort, close after 1 s");
	setup(&c, &f);
	to_connected(&c, &f, 0);
	n0 = f.n;
	feed(&c, 5000, ABORT_ACCEL);
	ASSERT_INT_EQ(f.n, n0 + 1);
	expect_last(&f, ABORT_EMPTY);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_TIMEOUT_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 6000);
	ASSERT_FALSE(sstp_ctrl_rx_data_ok(&c, true));
	/* Everything ignored now, another Abort included. */
	feed(&c, 5100, ABORT_ACCEL);
	feed(&c, 5200, ECHO_REQ);
	feed(&c, 5300, ACK("02"));
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 5400), 0);
	ASSERT_INT_EQ(f.n, n0 + 1);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 6000), 0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_PEER_ABORT);
	ASSERT_TRUE(sstp_ctrl_peer_status(&c, &si));
	ASSERT_U32_EQ(si.status, SSTP_STATUS_INVALID_FRAME_RECEIVED);
	(void)sstp_ctrl_quit_message(&c, msg, sizeof msg);
	ASSERT_STR_EQ(msg, "server aborted the call (status: "
	    "INVALID_FRAME_RECEIVED, attribute STATUS_INFO)");
	TEST_DONE();

	TEST_START("peer Abort: sorz 8-byte Status Info, during negotiation");
	setup(&c, &f);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 10, "10 01 00 10 00 05 00 01 00 02 00 08 00 00 00 08");
	expect_last(&f, ABORT_EMPTY);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_TIMEOUT_PENDING);
	ASSERT_TRUE(sstp_ctrl_peer_status(&c, &si));
	ASSERT_U32_EQ(si.status, SSTP_STATUS_NEGOTIATION_TIMEOUT);
	TEST_DONE();

	TEST_START("peer Abort: a damaged Abort is still an Abort");
	setup(&c, &f);
	to_connected(&c, &f, 0);
	feed(&c, 10, "10 01 00 10 00 05 00 01 00 02 00 30 00 00 00 08");
	expect_last(&f, ABORT_EMPTY);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_TIMEOUT_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_PEER_ABORT);
	TEST_DONE();

	TEST_START("Abort collision: ours first, then the peer's");
	setup(&c, &f);
	to_ack(&c, &f, 0, ACK("03"));
	feed(&c, 100, ACK("03"));		/* second Ack: protocol error */
	expect_last(&f, ABORT("00", "05"));
	n0 = f.n;
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 3100);
	feed(&c, 200, DISC_ACK);		/* ignored while pending */
	feed(&c, 250, DISC_EMPTY);		/* ignored while aborting */
	ASSERT_INT_EQ(f.n, n0);
	feed(&c, 300, ABORT_ACCEL);		/* no reply this time */
	ASSERT_INT_EQ(f.n, n0);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_TIMEOUT_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 1300);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 1300), 0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_PROTOCOL_ERROR);
	ASSERT_FALSE(sstp_ctrl_peer_status(&c, NULL));
	TEST_DONE();
}

static void
test_disconnects(void)
{
	struct sstp_ctrl c;
	struct fake f;
	size_t n0;
	char msg[128];

	TEST_START("peer Disconnect: Disconnect Ack, close after 1 s");
	setup(&c, &f);
	to_connected(&c, &f, 0);
	n0 = f.n;
	/* sorz style: attribute ID 0 inside, ignored. */
	feed(&c, 1000, "10 01 00 10 00 06 00 01 00 00 00 08 00 00 00 00");
	ASSERT_INT_EQ(f.n, n0 + 1);
	expect_last(&f, DISC_ACK);
	ASSERT_INT_EQ(sstp_ctrl_state(&c),
	    SSTP_CS_DISCONNECT_TIMEOUT_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 2000);
	/* Repeated Disconnect: acked again, timer unchanged. */
	feed(&c, 1500, DISC_EMPTY);
	ASSERT_INT_EQ(f.n, n0 + 2);
	expect_last(&f, DISC_ACK);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 2000);
	feed(&c, 1600, ABORT_ACCEL);		/* ignored in this state */
	ASSERT_INT_EQ(f.n, n0 + 2);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 1999), 0);
	ASSERT_INT_EQ(f.close, 0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 2000), 0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_PEER_DISCONNECT);
	ASSERT_FALSE(sstp_ctrl_peer_status(&c, NULL));
	(void)sstp_ctrl_quit_message(&c, msg, sizeof msg);
	ASSERT_STR_EQ(msg, "server disconnected the call");
	TEST_DONE();

	TEST_START("peer Disconnect during negotiation (accel, with status)");
	setup(&c, &f);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 10, "10 01 00 14 00 06 00 01 00 02 00 0C 00 00 00 00"
	    "00 00 00 00");
	expect_last(&f, DISC_ACK);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_PEER_DISCONNECT);
	ASSERT_TRUE(sstp_ctrl_peer_status(&c, NULL));
	TEST_DONE();

	TEST_START("local Disconnect: no Ack within 5 s -> close");
	setup(&c, &f);
	to_connected(&c, &f, 0);
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 1000), 0);
	expect_last(&f, DISC_EMPTY);
	n0 = f.n;
	feed(&c, 2000, ECHO_REQ);		/* ignored: pending state */
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 2500), 0);	/* again */
	ASSERT_INT_EQ(f.n, n0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 5999), 0);
	ASSERT_INT_EQ(f.close, 0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 6000), 0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_LOCAL_DISCONNECT);
	TEST_DONE();

	TEST_START("Disconnect collision: both sides disconnect");
	setup(&c, &f);
	to_connected(&c, &f, 0);
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 1000), 0);
	feed(&c, 1100, DISC_EMPTY);
	expect_last(&f, DISC_ACK);
	ASSERT_INT_EQ(sstp_ctrl_state(&c),
	    SSTP_CS_DISCONNECT_TIMEOUT_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 2100);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_LOCAL_DISCONNECT);
	TEST_DONE();

	TEST_START("Abort while waiting for the Disconnect Ack");
	setup(&c, &f);
	to_connected(&c, &f, 0);
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 1000), 0);
	feed(&c, 1100, ABORT_EMPTY);
	expect_last(&f, ABORT_EMPTY);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_TIMEOUT_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 2100);
	TEST_DONE();

	TEST_START("Disconnect before start: closed, nothing sent");
	setup(&c, &f);
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 0), 0);
	ASSERT_INT_EQ(f.n, 0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);	/* ignored */
	ASSERT_INT_EQ(f.n, 0);
	TEST_DONE();

	TEST_START("local Disconnect while the Request is outstanding");
	setup(&c, &f);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 10), 0);
	expect_last(&f, DISC_EMPTY);
	feed(&c, 20, ACK("02"));		/* late Ack: ignored */
	ASSERT_INT_EQ(f.ppp_start, 0);
	feed(&c, 30, DISC_ACK);
	ASSERT_INT_EQ(f.close, 1);
	TEST_DONE();
}

struct wrong_case {
	const char	*name;
	int		 setup;		/* 0 request sent, 1 ack, 2 connected */
	const char	*hex;
	const char	*abort_hex;	/* expected Abort, NULL: ignored */
};

static void
test_wrong_state(void)
{
	static const struct wrong_case cases[] = {
		{ "second Ack", 1, ACK("02"), ABORT("00", "05") },
		{ "Ack after Call Connected", 2, ACK("02"),
		    ABORT("00", "05") },
		{ "NAK after the Ack", 1, NAK_ACCEL, ABORT("00", "05") },
		{ "NAK after Call Connected", 2, NAK_ACCEL,
		    ABORT("00", "05") },
		{ "Connect Request from the server", 0, REQUEST,
		    ABORT("00", "05") },
		{ "Connect Request while connected", 2, REQUEST,
		    ABORT("00", "05") },
		{ "Call Connected from the server", 1, spec_connected,
		    ABORT("00", "05") },
		{ "Echo Request before Call Connected", 1, ECHO_REQ,
		    ABORT("00", "05") },
		{ "Echo Request before the Ack", 0, ECHO_REQ,
		    ABORT("00", "05") },
		{ "Echo Response before Call Connected", 1, ECHO_RESP,
		    ABORT("00", "05") },
		{ "Disconnect Ack unsolicited (row 33)", 2, DISC_ACK,
		    ABORT("00", "05") },
		{ "Disconnect Ack before the Ack", 0, DISC_ACK,
		    ABORT("00", "05") },
		{ "unknown type during negotiation", 0,
		    "10 01 00 08 00 0A 00 00", ABORT("00", "07") },
		{ "unknown type after the Ack", 1, "10 01 00 08 00 0A 00 00",
		    ABORT("00", "07") },
		{ "unknown type when connected: ignored", 2,
		    "10 01 00 08 00 0A 00 00", NULL },
		{ "Ack with bad attribute length", 0,
		    "10 01 00 2F 00 02 00 01 00 04 00 27 00 00 00 02"
		    "00000000000000000000000000000000"
		    "000000000000000000000000000000", ABORT("04", "03") },
		{ "Ack without attribute", 0, "10 01 00 08 00 02 00 00",
		    ABORT("04", "0A") },
		{ "malformed Echo when connected", 2,
		    "10 01 00 0C 00 08 00 01 00 09 00 00", ABORT("09", "03") },
	};
	const struct wrong_case *wc;
	struct sstp_ctrl c;
	struct fake f;
	size_t i, n0;

	TEST_START("valid messages in the wrong state, invalid messages");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		wc = &cases[i];
		setup(&c, &f);
		if (wc->setup == 0)
			ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
		else if (wc->setup == 1)
			to_ack(&c, &f, 0, ACK("03"));
		else
			to_connected(&c, &f, 0);
		n0 = f.n;
		feed(&c, 100, wc->hex);
		if (wc->abort_hex == NULL) {
			TH_CHECK(f.n == n0 && sstp_ctrl_state(&c) ==
			    SSTP_CS_CALL_CONNECTED, "%s: not ignored",
			    wc->name);
			continue;
		}
		TH_CHECK(f.n == n0 + 1, "%s: %zu packets sent", wc->name,
		    f.n - n0);
		expect_last(&f, wc->abort_hex);
		TH_CHECK(sstp_ctrl_state(&c) == SSTP_CS_ABORT_PENDING,
		    "%s: state %s", wc->name,
		    sstp_ctrl_state_name(sstp_ctrl_state(&c)));
		TH_CHECK(sstp_ctrl_quit(&c) == SSTP_QUIT_PROTOCOL_ERROR,
		    "%s: quit %s", wc->name,
		    sstp_quit_name(sstp_ctrl_quit(&c)));
		ASSERT_TRUE(sstp_ctrl_deadline(&c) == 3100);
	}
	TEST_DONE();
}

static void
test_hash_policy(void)
{
	struct sstp_ctrl c;
	struct fake f;
	struct sstp_ctrl_conf conf;
	char msg[160];

	TEST_START("require_sha256 refuses a SHA1-only server");
	sstp_ctrl_conf_defaults(&conf);
	conf.cert_sha1 = cert1;
	conf.cert_sha256 = cert256;
	conf.require_sha256 = true;
	setup_conf(&c, &f, &conf);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 10, ACK("01"));
	expect_last(&f, ABORT("04", "04"));
	ASSERT_INT_EQ(f.ppp_start, 0);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NO_COMMON_HASH);
	(void)sstp_ctrl_quit_message(&c, msg, sizeof msg);
	ASSERT_STR_EQ(msg, "server offers no acceptable crypto binding hash "
	    "(offered 0x01: SHA1), SHA256 required");
	TEST_DONE();

	TEST_START("bitmask 0 / unknown bits only: Abort VALUE_NOT_SUPPORTED");
	setup(&c, &f);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 10, ACK("00"));
	expect_last(&f, ABORT("04", "04"));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NO_COMMON_HASH);
	setup(&c, &f);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 10, ACK("F8"));
	expect_last(&f, ABORT("04", "04"));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NO_COMMON_HASH);
	ASSERT_INT_EQ(f.ppp_start, 0);
	TEST_DONE();

	TEST_START("no SHA256 certificate hash known: SHA256-only refused");
	sstp_ctrl_conf_defaults(&conf);
	conf.cert_sha1 = cert1;
	setup_conf(&c, &f, &conf);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 10, ACK("02"));
	expect_last(&f, ABORT("04", "04"));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NO_COMMON_HASH);
	setup_conf(&c, &f, &conf);
	to_ack(&c, &f, 0, ACK("03"));		/* falls back to SHA1 */
	ASSERT_INT_EQ(sstp_ctrl_hash(&c), SSTP_HASH_SHA1);
	TEST_DONE();
}

static void
test_lower_layers(void)
{
	struct sstp_ctrl c;
	struct fake f;
	size_t n0;

	TEST_START("framing error / lower down: close, send nothing");
	setup(&c, &f);
	to_connected(&c, &f, 0);
	n0 = f.n;
	ASSERT_INT_EQ(sstp_ctrl_framing_error(&c), 0);
	ASSERT_INT_EQ(f.n, n0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_FRAMING_ERROR);
	ASSERT_INT_EQ(sstp_ctrl_lower_down(&c), 0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_FRAMING_ERROR);

	setup(&c, &f);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	ASSERT_INT_EQ(sstp_ctrl_lower_down(&c), 0);
	ASSERT_INT_EQ(f.n, 1);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_LOWER_DOWN);
	TEST_DONE();

	TEST_START("exactly one quit reason: the first");
	setup(&c, &f);
	to_connected(&c, &f, 0);
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 10), 0);
	feed(&c, 20, ABORT_ACCEL);
	ASSERT_INT_EQ(sstp_ctrl_lower_down(&c), 0);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_LOCAL_DISCONNECT);
	ASSERT_FALSE(sstp_ctrl_peer_status(&c, NULL));
	TEST_DONE();

	TEST_START("callbacks may not re-enter the machine");
	setup(&c, &f);
	f.reenter = true;
	f.reenter_rc = 1;
	to_connected(&c, &f, 0);
	ASSERT_INT_EQ(sstp_ctrl_framing_error(&c), 0);
	ASSERT_INT_EQ(f.reenter_rc, -EBUSY);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_FRAMING_ERROR);
	TEST_DONE();
}

static void
test_gating_and_api(void)
{
	static const struct sstp_ctrl_ops bad_ops = { .send = fake_send };
	struct sstp_ctrl c;
	struct fake f;
	struct sstp_ctrl_conf conf;
	uint8_t hlak[32];

	TEST_START("data gating per state; API misuse");
	setup(&c, &f);
	ASSERT_FALSE(sstp_ctrl_rx_data_ok(&c, true));
	ASSERT_FALSE(sstp_ctrl_tx_data_ok(&c, false));
	memset(hlak, 0, sizeof hlak);
	ASSERT_INT_EQ(sstp_ctrl_auth_done(&c, 0, hlak), 0);	/* ignored */
	ASSERT_INT_EQ(f.n, 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	ASSERT_FALSE(sstp_ctrl_rx_data_ok(&c, true));
	ASSERT_INT_EQ(sstp_ctrl_auth_done(&c, 0, hlak), 0);	/* ignored */
	ASSERT_INT_EQ(f.n, 1);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_REQUEST_SENT);
	ASSERT_INT_EQ(sstp_ctrl_auth_done(&c, 0, NULL), -EINVAL);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);	/* unlisted: ignored */
	ASSERT_INT_EQ(f.n, 1);
	feed(&c, 0, ACK("02"));
	ASSERT_TRUE(sstp_ctrl_rx_data_ok(&c, true));
	ASSERT_FALSE(sstp_ctrl_tx_data_ok(&c, false));
	ASSERT_INT_EQ(sstp_ctrl_auth_done(&c, 0, hlak), 0);
	ASSERT_TRUE(sstp_ctrl_rx_data_ok(&c, false));
	ASSERT_TRUE(sstp_ctrl_tx_data_ok(&c, true));
	ASSERT_INT_EQ(sstp_ctrl_input(&c, 0, NULL, 4), -EINVAL);
	sstp_ctrl_conf_defaults(&conf);
	ASSERT_INT_EQ(sstp_ctrl_init(&c, &conf, &bad_ops, &f), -EINVAL);
	ASSERT_INT_EQ(sstp_ctrl_init(&c, &conf, NULL, &f), -EINVAL);
	ASSERT_STR_EQ(sstp_ctrl_state_name(SSTP_CS_CALL_CONNECTED),
	    "CALL_CONNECTED");
	ASSERT_STR_EQ(sstp_quit_name(SSTP_QUIT_HELLO_TIMEOUT),
	    "HELLO_TIMEOUT");
	ASSERT_STR_EQ(sstp_quit_name(SSTP_QUIT_COUNT), "?");
	TEST_DONE();
}

/* Keep the expected error lines of the scripts out of the test output. */
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

/* Read the whole log file into buf (NUL-terminated). */
static size_t
slurp(const char *path, char *buf, size_t cap)
{
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp != NULL) {
		n = fread(buf, 1, cap - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return n;
}

static void
test_logging(void)
{
	static char text[1 << 16];
	struct log_conf lc;
	struct sstp_ctrl c;
	struct fake f;
	uint8_t hlak[32];
	char path[] = "/tmp/test_sstp_ctrl.XXXXXX";
	int fd;

	TEST_START("transitions logged at debug; no HLAK in the log");
	fd = mkstemp(path);
	ASSERT_INT_GE(fd, 0);
	if (fd < 0) {
		TEST_DONE();
		return;
	}
	close(fd);
	memset(&lc, 0, sizeof lc);
	lc.level = LOG_LVL_DUMP;
	lc.sink = LOG_SINK_FILE;
	lc.ident = "test";
	lc.path = path;
	ASSERT_INT_EQ(log_open(&lc), 0);
	setup(&c, &f);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 1, ACK("02"));
	th_unhex(spec_hlak, hlak, sizeof hlak);
	ASSERT_INT_EQ(sstp_ctrl_auth_done(&c, 2, hlak), 0);
	feed(&c, 3, ECHO_REQ);
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 4), 0);
	log_close();
	quiet_log();
	slurp(path, text, sizeof text);
	unlink(path);
	ASSERT_PTR_NOT_NULL(strstr(text,
	    "state CALL_DISCONNECTED -> CONNECT_REQUEST_SENT on START"));
	ASSERT_PTR_NOT_NULL(strstr(text, "state CONNECT_REQUEST_SENT -> "
	    "CONNECT_ACK_RECEIVED on RX_CONNECT_ACK"));
	ASSERT_PTR_NOT_NULL(strstr(text, "state CONNECT_ACK_RECEIVED -> "
	    "CALL_CONNECTED on AUTH_DONE"));
	ASSERT_PTR_NOT_NULL(strstr(text, "state CALL_CONNECTED -> "
	    "CALL_CONNECTED on RX_ECHO_REQUEST"));
	ASSERT_PTR_NOT_NULL(strstr(text, "state CALL_CONNECTED -> "
	    "CALL_DISCONNECT_ACK_PENDING on DISCONNECT"));
	/* Neither the HLAK nor the Compound MAC appear, in any case. */
	ASSERT_PTR_NULL(strstr(text, "2a1bb40d"));
	ASSERT_PTR_NULL(strstr(text, "2A1BB40D"));
	ASSERT_PTR_NULL(strstr(text, "2a 1b b4 0d"));
	ASSERT_PTR_NULL(strstr(text, "2A 1B B4 0D"));
	ASSERT_PTR_NULL(strstr(text, "52a68efd"));
	TEST_DONE();
}

int
main(void)
{
	quiet_log();
	th_unhex(CERT256, cert256, sizeof cert256);
	memset(cert1, 0x11, sizeof cert1);
	test_happy_path();
	test_binding_vectors();
	test_nak_retries();
	test_request_timeout();
	test_auth_timeout();
	test_hello();
	test_echo_storm();
	test_peer_abort();
	test_disconnects();
	test_wrong_state();
	test_hash_policy();
	test_lower_layers();
	test_gating_and_api();
	test_logging();
	return test_exit();
}
