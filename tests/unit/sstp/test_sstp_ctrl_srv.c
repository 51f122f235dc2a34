/*
 * test_sstp_ctrl_srv.c - the server rows of the SSTP control machine
 * (MS-SSTP 3.3; PROTOCOL.md 3.3, 3.4 and 8 seen from the server), driven
 * by scripted events, a fake clock and fake ops that record every packet.
 * The Call Connected messages are the published crypto binding vectors of
 * PROTOCOL.md 4.4 (MS-SSTP 4.7 and the end-to-end RFC 2759 ones): each
 * must verify, and one changed byte in the nonce, the certificate hash,
 * the Compound MAC or the hash protocol must Abort with BINDING_FAILED.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "crypto/sstp_bind.h"
#include "sstp/sstp_ctrl.h"
#include "wire/sstp_wire.h"
#include "harness.h"

/* MS-SSTP 4.7 (PROTOCOL.md 4.4): nonce, cert hash, HLAK, Call Connected. */
#define SPEC_NONCE "41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72" \
		"B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35"
#define SPEC_CERT256 "79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84" \
		"B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D"
#define SPEC_HLAK "2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4" \
		"8F D3 FA C4 1D 7A 13 15 A1 92 28 D9 02 4C A1 64"
#define SPEC_ACK "10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02" \
		SPEC_NONCE
#define SPEC_CONNECTED "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02" \
		SPEC_NONCE SPEC_CERT256 \
		"52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71" \
		"65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49"

/* PROTOCOL.md 4.4, the public test file's SHA-1 layout. */
#define TF_NONCE "0F 1A 2D 58 D4 A3 E3 00 0F AD 3C E4 90 6E 07 B7" \
		"07 AA 9E 44 1C CE AC 5C BD 7B 2C C1 C9 D8 6C DF"
#define TF_CERT1 "58 26 B6 29 BD A5 9B 8E 6F D8 DC D2 62 2F D3 4C" \
		"53 48 05 A5"
#define TF_HLAK "4B 31 28 F4 39 25 D9 00 6E EF B1 C4 E8 65 15 A1" \
		"D8 8E 56 BA B3 CA 2B DF 03 73 B7 F5 A8 A1 3B 19"
#define ZEROS12	"00 00 00 00 00 00 00 00 00 00 00 00"
#define TF_CONNECTED "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 01" \
		TF_NONCE TF_CERT1 ZEROS12 \
		"69 91 5D D5 83 D8 06 2F EF 16 F6 1D B2 F0 32 90" \
		"EC 27 CB 6C" ZEROS12

/* PROTOCOL.md 4.4 end-to-end vectors (RFC 2759/3079 credentials). */
#define E2E_NONCE "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F" \
		"10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F"
#define E2E_HLAK "D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26" \
		"8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB"
#define E2E_CERT1 "97 01 39 7C BC B0 F2 86 0E 64 DB F0 44 B2 91 BF" \
		"E8 D5 DC F8"
#define E2E_CERT256 "82 6F A5 D7 EE 2F C9 6E EA AB 58 B3 3B D3 F4 83" \
		"C3 F7 C1 FE CC 2B BF 82 E4 28 FA 80 59 50 00 81"
#define E2E_HEAD(bm) "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 " bm \
		E2E_NONCE
#define E2E_CONNECTED256 E2E_HEAD("02") E2E_CERT256 \
		"E3 F4 23 E1 28 E8 13 92 4C B8 E1 75 E2 F1 49 F7" \
		"0B DC 4B 7D 8B 94 DE EA 11 FB 03 38 1D F9 59 A9"
#define E2E_CONNECTED1 E2E_HEAD("01") E2E_CERT1 ZEROS12 \
		"E1 20 9E F0 4C DE 93 BD CC 5F 94 9F 03 E3 1A CB" \
		"00 C5 35 14" ZEROS12
/* The zero HLAK (PAP, no keys): same nonce and cert hashes. */
#define ZERO_HLAK "00"
#define ZERO_CONNECTED256 E2E_HEAD("02") E2E_CERT256 \
		"71 D0 19 DC BD 38 85 D0 50 1C C5 B2 07 BD 2A 11" \
		"B6 15 82 6C 03 9B C0 59 A6 6E 28 24 D9 21 C1 B5"
#define ZERO_CONNECTED1 E2E_HEAD("01") E2E_CERT1 ZEROS12 \
		"65 C1 00 51 48 B7 8F 7B 84 37 DC 66 AE 67 23 CF" \
		"40 9F 04 8B" ZEROS12

#define REQUEST		"10 01 00 0E 00 01 00 01 00 01 00 06 00 01"
/* Encapsulated Protocol 0x0002: not PPP. */
#define REQUEST_P2	"10 01 00 0E 00 01 00 01 00 01 00 06 00 02"
/* A Status Info in the Request (MS-SSTP 3.3.5.2.2). */
#define REQUEST_SI	"10 01 00 1A 00 01 00 02 00 01 00 06 00 01" \
			"00 02 00 0C 00 00 00 00 00 00 00 04"
/* Our Nak for REQUEST_P2: Status Info VALUE_NOT_SUPPORTED, ENCAP, 00 02. */
#define NAK_P2		"10 01 00 16 00 03 00 01 00 02 00 0E 00 00 00 01" \
			"00 00 00 04 00 02"
#define NAK_SI		"10 01 00 14 00 03 00 01 00 02 00 0C 00 00 00 02" \
			"00 00 00 0B"
#define ECHO_REQ	"10 01 00 08 00 08 00 00"
#define ECHO_RESP	"10 01 00 08 00 09 00 00"
#define DISC_ACK	"10 01 00 08 00 07 00 00"
#define DISC_EMPTY	"10 01 00 08 00 06 00 00"
/* Our Disconnect: one Status Info (NO_ERROR, 0), accel-ppp's form. */
#define DISC_NOERR	"10 01 00 14 00 06 00 01 00 02 00 0C 00 00 00 00" \
			"00 00 00 00"
#define ABORT_EMPTY	"10 01 00 08 00 05 00 00"
#define ACK_FROM_CLIENT	"10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02" \
			SPEC_NONCE
#define UNKNOWN_TYPE	"10 01 00 08 00 0A 00 00"
/* Our Abort with one Status Info (attribute id, status). */
#define ABORT(at, st)	"10 01 00 14 00 05 00 01 00 02 00 0C 00 00 00 " at \
			" 00 00 00 " st
#define ABORT_BINDING	ABORT("03", "04")

#define MAXPKT	64

struct fake {
	uint8_t		 pkt[MAXPKT][128];
	size_t		 len[MAXPKT];
	size_t		 n;
	int		 ppp_start;
	int		 established;
	int		 close;
	enum sstp_cstate st_at_start;
	enum sstp_cstate st_at_established;
	struct sstp_ctrl *ctrl;
};

/* The nonce the test's rand_hook hands out (a test fixture). */
static uint8_t hook_nonce[32];

static void
hook_rand(void *buf, size_t len)
{
	memcpy(buf, hook_nonce, len < sizeof hook_nonce ? len :
	    sizeof hook_nonce);
}

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
}

static const struct sstp_ctrl_ops fake_ops = {
	.send = fake_send,
	.ppp_start = fake_ppp_start,
	.established = fake_established,
	.close = fake_close,
};

/* One server's identity: offer, nonce, our leaf hashes. */
struct ident {
	uint8_t		 offer;
	const char	*nonce;
	const char	*cert1;		/* NULL: none */
	const char	*cert256;	/* NULL: none */
};

static const struct ident spec_id = { 0x02, SPEC_NONCE, NULL, SPEC_CERT256 };
static const struct ident e2e_id = { 0x03, E2E_NONCE, E2E_CERT1,
    E2E_CERT256 };

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

/* A server machine for @id; returns sstp_ctrl_init's result. */
static int
srv_init(struct sstp_ctrl *c, struct fake *f, const struct ident *id)
{
	struct sstp_ctrl_conf conf;
	uint8_t c1[20], c256[32];

	memset(f, 0, sizeof *f);
	f->ctrl = c;
	sstp_ctrl_conf_defaults(&conf);
	conf.role = SSTP_ROLE_SERVER;
	conf.hash_offer = id->offer;
	conf.rand_hook = hook_rand;
	th_unhex(id->nonce, hook_nonce, sizeof hook_nonce);
	if (id->cert1 != NULL) {
		th_unhex(id->cert1, c1, sizeof c1);
		conf.cert_sha1 = c1;
	}
	if (id->cert256 != NULL) {
		th_unhex(id->cert256, c256, sizeof c256);
		conf.cert_sha256 = c256;
	}
	return sstp_ctrl_init(c, &conf, &fake_ops, f);
}

static void
feed(struct sstp_ctrl *c, uint64_t now, const char *hex)
{
	uint8_t pkt[512];
	size_t n = th_unhex(hex, pkt, sizeof pkt);

	ASSERT_INT_EQ(sstp_ctrl_input(c, now, pkt, n), 0);
}

static void
feed_bytes(struct sstp_ctrl *c, uint64_t now, const uint8_t *p, size_t n)
{
	ASSERT_INT_EQ(sstp_ctrl_input(c, now, p, n), 0);
}

static void
keys(struct sstp_ctrl *c, uint64_t now, const char *hex)
{
	uint8_t hlak[32];

	memset(hlak, 0, sizeof hlak);
	th_unhex(hex, hlak, sizeof hlak);
	ASSERT_INT_EQ(sstp_ctrl_auth_done(c, now, hlak), 0);
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

/* True when the machine holds no HLAK (flag down, bytes zero). */
static int
hlak_wiped(const struct sstp_ctrl *c)
{
	static const uint8_t zero[SSTP_HLAK_LEN];

	return !c->have_hlak && memcmp(c->hlak, zero, sizeof zero) == 0;
}

/* The quit message must contain @part. */
static void
expect_msg(const struct sstp_ctrl *c, const char *part)
{
	char msg[256];

	ASSERT_INT_GE(sstp_ctrl_quit_message(c, msg, sizeof msg), 1);
	TH_CHECK(strstr(msg, part) != NULL, "quit message \"%s\" lacks "
	    "\"%s\"", msg, part);
}

/* Start, accept the Request (Ack checked), now in CONNECTED_PENDING. */
static void
to_pending(struct sstp_ctrl *c, struct fake *f, const struct ident *id,
    uint64_t now)
{
	char ack[256];

	ASSERT_INT_EQ(srv_init(c, f, id), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(c, now), 0);
	feed(c, now, REQUEST);
	snprintf(ack, sizeof ack, "10 01 00 30 00 02 00 01 00 04 00 28 "
	    "00 00 00 %02X %s", id->offer, id->nonce);
	expect_last(f, ack);
	ASSERT_INT_EQ(sstp_ctrl_state(c), SSTP_SS_CONNECTED_PENDING);
}

static void
to_connected(struct sstp_ctrl *c, struct fake *f, uint64_t now)
{
	to_pending(c, f, &spec_id, now);
	feed(c, now, SPEC_CONNECTED);
	keys(c, now, SPEC_HLAK);
	ASSERT_INT_EQ(sstp_ctrl_state(c), SSTP_SS_CALL_CONNECTED);
}

/* The whole happy path on the MS-SSTP 4.7 vector, keys after Connected. */
static void
test_happy_path(void)
{
	struct sstp_ctrl c;
	struct fake f;

	TEST_START("server: Request, Ack, Call Connected, keys (MS-SSTP 4.7)");
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 1000), 0);
	ASSERT_INT_EQ(f.n, 0);			/* the client speaks first */
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_REQUEST_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 61000);
	ASSERT_FALSE(sstp_ctrl_rx_data_ok(&c, true));
	ASSERT_FALSE(sstp_ctrl_tx_data_ok(&c, true));

	feed(&c, 2000, REQUEST);
	ASSERT_INT_EQ(f.n, 1);
	expect_pkt(&f, 0, SPEC_ACK);		/* the spec's own Ack */
	ASSERT_INT_EQ(f.ppp_start, 1);
	ASSERT_INT_EQ(f.st_at_start, SSTP_SS_CONNECTED_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_CONNECTED_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 62000);
	ASSERT_TRUE(sstp_ctrl_rx_data_ok(&c, true));
	ASSERT_FALSE(sstp_ctrl_rx_data_ok(&c, false));
	ASSERT_TRUE(sstp_ctrl_tx_data_ok(&c, true));
	ASSERT_FALSE(sstp_ctrl_tx_data_ok(&c, false));

	feed(&c, 3000, SPEC_CONNECTED);		/* before the keys */
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_CONNECTED_PENDING);
	ASSERT_INT_EQ(f.established, 0);
	ASSERT_INT_EQ(f.n, 1);
	ASSERT_FALSE(sstp_ctrl_rx_data_ok(&c, false));
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 62000);	/* not restarted */

	keys(&c, 4000, SPEC_HLAK);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_CALL_CONNECTED);
	ASSERT_INT_EQ(f.established, 1);
	ASSERT_INT_EQ(f.st_at_established, SSTP_SS_CALL_CONNECTED);
	ASSERT_INT_EQ(f.n, 1);			/* nothing sent for it */
	ASSERT_INT_EQ(sstp_ctrl_hash(&c), SSTP_HASH_SHA256);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 64000);	/* Hello */
	ASSERT_TRUE(sstp_ctrl_rx_data_ok(&c, false));
	ASSERT_TRUE(sstp_ctrl_tx_data_ok(&c, false));
	ASSERT_TRUE(hlak_wiped(&c));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NONE);

	/* Later keys are ignored; Echo is answered. */
	keys(&c, 4100, SPEC_HLAK);
	ASSERT_INT_EQ(f.established, 1);
	ASSERT_TRUE(hlak_wiped(&c));
	feed(&c, 5000, ECHO_REQ);
	expect_last(&f, ECHO_RESP);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 65000);
	feed(&c, 5100, ECHO_RESP);		/* traffic only */
	ASSERT_INT_EQ(f.n, 2);

	/* Orderly end from our side. */
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 6000), 0);
	expect_last(&f, DISC_NOERR);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_DISCONNECT_ACK_PENDING);
	feed(&c, 6100, DISC_ACK);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_LOCAL_DISCONNECT);
	TEST_DONE();
}

/* One published vector must verify, keys before or after the message. */
static void
check_vector(const char *name, const struct ident *id, const char *hlak,
    const char *connected, bool keys_first, enum sstp_hash want)
{
	struct sstp_ctrl c;
	struct fake f;

	TEST_START(name);
	to_pending(&c, &f, id, 0);
	if (keys_first) {
		keys(&c, 10, hlak);
		ASSERT_TRUE(c.have_hlak);
		ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_CONNECTED_PENDING);
		ASSERT_INT_EQ(f.established, 0);
	}
	feed(&c, 20, connected);
	if (!keys_first)
		keys(&c, 30, hlak);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_CALL_CONNECTED);
	ASSERT_INT_EQ(f.established, 1);
	ASSERT_INT_EQ(sstp_ctrl_hash(&c), want);
	ASSERT_INT_EQ(f.n, 1);
	ASSERT_TRUE(hlak_wiped(&c));
	TEST_DONE();
}

static void
test_vectors(void)
{
	static const struct ident tf_id = { 0x01, TF_NONCE, TF_CERT1, NULL };
	static const struct ident zero1_id = { 0x01, E2E_NONCE, E2E_CERT1,
	    NULL };

	check_vector("vector: MS-SSTP 4.7 SHA256, keys first", &spec_id,
	    SPEC_HLAK, SPEC_CONNECTED, true, SSTP_HASH_SHA256);
	check_vector("vector: test file SHA1, keys after", &tf_id, TF_HLAK,
	    TF_CONNECTED, false, SSTP_HASH_SHA1);
	check_vector("vector: test file SHA1, keys first", &tf_id, TF_HLAK,
	    TF_CONNECTED, true, SSTP_HASH_SHA1);
	check_vector("vector: end-to-end SHA256 (both offered)", &e2e_id,
	    E2E_HLAK, E2E_CONNECTED256, false, SSTP_HASH_SHA256);
	check_vector("vector: end-to-end SHA1 (both offered)", &e2e_id,
	    E2E_HLAK, E2E_CONNECTED1, true, SSTP_HASH_SHA1);
	check_vector("vector: zero HLAK (PAP) SHA256", &e2e_id, ZERO_HLAK,
	    ZERO_CONNECTED256, false, SSTP_HASH_SHA256);
	check_vector("vector: zero HLAK (PAP) SHA1 only", &zero1_id,
	    ZERO_HLAK, ZERO_CONNECTED1, true, SSTP_HASH_SHA1);
}

/*
 * The MS-SSTP 4.7 Call Connected with byte @off XORed with @x must Abort
 * with BINDING_FAILED naming @what, keys before or after.
 */
static void
check_mutant(const char *name, const struct ident *id, const char *hlak,
    const char *connected, size_t off, uint8_t x, bool keys_first,
    const char *what)
{
	struct sstp_ctrl c;
	struct fake f;
	uint8_t pkt[SSTP_CONNECTED_LEN];

	TEST_START(name);
	ASSERT_INT_EQ(th_unhex(connected, pkt, sizeof pkt), sizeof pkt);
	pkt[off] ^= x;
	to_pending(&c, &f, id, 0);
	if (keys_first)
		keys(&c, 10, hlak);
	feed_bytes(&c, 20, pkt, sizeof pkt);
	if (!keys_first && sstp_ctrl_state(&c) == SSTP_SS_CONNECTED_PENDING)
		keys(&c, 30, hlak);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_BINDING_FAILED);
	ASSERT_INT_EQ(f.established, 0);
	ASSERT_INT_EQ(f.n, 2);
	expect_last(&f, ABORT_BINDING);
	ASSERT_FALSE(sstp_ctrl_rx_data_ok(&c, false));
	ASSERT_FALSE(sstp_ctrl_rx_data_ok(&c, true));
	ASSERT_TRUE(hlak_wiped(&c));
	expect_msg(&c, what);
	/* Abort timer 1 (3 s), then closed. */
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 3020 ||
	    sstp_ctrl_deadline(&c) == 3030);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 4000), 0);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(f.close, 1);
	TEST_DONE();
}

static void
test_mutants(void)
{
	static const struct ident sha256_only = { 0x02, E2E_NONCE, E2E_CERT1,
	    E2E_CERT256 };

	check_mutant("mutant: nonce byte 16", &spec_id, SPEC_HLAK,
	    SPEC_CONNECTED, 16, 0x01, false, "nonce");
	check_mutant("mutant: nonce byte 47, keys first", &spec_id, SPEC_HLAK,
	    SPEC_CONNECTED, 47, 0x80, true, "nonce");
	check_mutant("mutant: cert hash byte 48", &spec_id, SPEC_HLAK,
	    SPEC_CONNECTED, 48, 0x01, false, "certificate hash");
	check_mutant("mutant: cert hash byte 79, keys first", &spec_id,
	    SPEC_HLAK, SPEC_CONNECTED, 79, 0x40, true, "certificate hash");
	check_mutant("mutant: SHA1 cert hash byte 67", &e2e_id, E2E_HLAK,
	    E2E_CONNECTED1, 67, 0x01, false, "certificate hash");
	check_mutant("mutant: CMAC byte 80, keys after", &spec_id, SPEC_HLAK,
	    SPEC_CONNECTED, 80, 0x01, false, "Compound MAC");
	check_mutant("mutant: CMAC byte 111, keys first", &spec_id,
	    SPEC_HLAK, SPEC_CONNECTED, 111, 0x01, true, "Compound MAC");
	check_mutant("mutant: SHA1 CMAC byte 99", &e2e_id, E2E_HLAK,
	    E2E_CONNECTED1, 99, 0x01, true, "Compound MAC");
	/* SHA1 padding after the cert hash is covered by the MAC. */
	check_mutant("mutant: SHA1 cert padding byte 70", &e2e_id, E2E_HLAK,
	    E2E_CONNECTED1, 70, 0x01, false, "Compound MAC");
	/* 02 -> 01: a single hash, but one we did not offer. */
	check_mutant("mutant: hash protocol SHA256 -> SHA1 (not offered)",
	    &sha256_only, E2E_HLAK, E2E_CONNECTED256, 15, 0x03, false,
	    "hash protocol");
	/* 02 -> 03: not exactly one bit (the decoder's verdict). */
	check_mutant("mutant: hash protocol 0x03", &spec_id, SPEC_HLAK,
	    SPEC_CONNECTED, 15, 0x01, false, "hash protocol");
	/* 02 -> 01 with both offered: SHA1 has no cert match. */
	check_mutant("mutant: hash protocol SHA256 -> SHA1 (offered)",
	    &e2e_id, E2E_HLAK, E2E_CONNECTED256, 15, 0x03, true,
	    "certificate hash");
	/* R bits in the Length: the MAC covers the header as sent. */
	check_mutant("mutant: R bits in the packet length", &spec_id,
	    SPEC_HLAK, SPEC_CONNECTED, 2, 0x10, false, "112-octet");
}

/* Keys of another session (one HLAK byte off): the MAC must not verify. */
static void
test_wrong_keys(void)
{
	struct sstp_ctrl c;
	struct fake f;
	uint8_t hlak[32];

	TEST_START("wrong HLAK byte: BINDING_FAILED (Compound MAC)");
	to_pending(&c, &f, &spec_id, 0);
	feed(&c, 10, SPEC_CONNECTED);
	th_unhex(SPEC_HLAK, hlak, sizeof hlak);
	hlak[31] ^= 0x01;
	ASSERT_INT_EQ(sstp_ctrl_auth_done(&c, 20, hlak), 0);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_BINDING_FAILED);
	expect_msg(&c, "Compound MAC");
	ASSERT_TRUE(hlak_wiped(&c));
	TEST_DONE();

	TEST_START("keys twice: the first report is kept");
	to_pending(&c, &f, &spec_id, 0);
	keys(&c, 10, SPEC_HLAK);
	keys(&c, 11, E2E_HLAK);			/* ignored */
	feed(&c, 20, SPEC_CONNECTED);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_CALL_CONNECTED);
	to_pending(&c, &f, &spec_id, 0);
	keys(&c, 10, E2E_HLAK);			/* wrong, and first */
	keys(&c, 11, SPEC_HLAK);
	feed(&c, 20, SPEC_CONNECTED);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_BINDING_FAILED);
	TEST_DONE();

	TEST_START("a second Call Connected while waiting for the keys");
	to_pending(&c, &f, &spec_id, 0);
	feed(&c, 10, SPEC_CONNECTED);
	feed(&c, 20, SPEC_CONNECTED);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_PROTOCOL_ERROR);
	expect_last(&f, ABORT("00", "05"));
	keys(&c, 30, SPEC_HLAK);		/* too late: not kept */
	ASSERT_TRUE(hlak_wiped(&c));
	ASSERT_INT_EQ(f.established, 0);
	TEST_DONE();

	TEST_START("Call Connected after Call Connected: Abort");
	to_connected(&c, &f, 0);
	feed(&c, 10, SPEC_CONNECTED);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_PROTOCOL_ERROR);
	TEST_DONE();
}

/* Nak for a refused Request, at most nak_max times, then Abort. */
static void
test_naks(void)
{
	struct sstp_ctrl c;
	struct fake f;
	struct sstp_ctrl_conf conf;

	TEST_START("Nak VALUE_NOT_SUPPORTED x3, the 4th refused one aborts");
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 100, REQUEST_P2);
	expect_last(&f, NAK_P2);
	feed(&c, 200, REQUEST_P2);
	feed(&c, 300, REQUEST_SI);
	expect_last(&f, NAK_SI);
	ASSERT_INT_EQ(f.n, 3);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_REQUEST_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 60000);	/* not restarted */
	ASSERT_INT_EQ(f.ppp_start, 0);
	feed(&c, 400, REQUEST_P2);
	ASSERT_INT_EQ(f.n, 4);
	expect_last(&f, ABORT("00", "06"));	/* RETRY_COUNT_EXCEEDED */
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_BAD_REQUEST);
	expect_msg(&c, "refused 4 times (VALUE_NOT_SUPPORTED, attribute "
	    "ENCAPSULATED_PROTOCOL_ID)");
	/* A good Request is too late now: ignored while aborting. */
	feed(&c, 500, REQUEST);
	ASSERT_INT_EQ(f.n, 4);
	ASSERT_INT_EQ(f.ppp_start, 0);
	TEST_DONE();

	TEST_START("a good Request after two Naks is acked");
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 100, REQUEST_P2);
	feed(&c, 200, REQUEST_P2);
	feed(&c, 300, REQUEST);
	ASSERT_INT_EQ(f.n, 3);
	expect_last(&f, SPEC_ACK);
	ASSERT_INT_EQ(f.ppp_start, 1);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_CONNECTED_PENDING);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 60300);
	TEST_DONE();

	TEST_START("nak_max 0: the first refused Request aborts");
	memset(&f, 0, sizeof f);
	f.ctrl = &c;
	sstp_ctrl_conf_defaults(&conf);
	ASSERT_INT_EQ(conf.nak_max, 3);
	ASSERT_INT_EQ(conf.hash_offer, SSTP_HASH_SHA256);
	conf.role = SSTP_ROLE_SERVER;
	conf.nak_max = 0;
	conf.cert_sha256 = hook_nonce;	/* any 32 bytes */
	ASSERT_INT_EQ(sstp_ctrl_init(&c, &conf, &fake_ops, &f), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 1, REQUEST_SI);
	ASSERT_INT_EQ(f.n, 1);
	expect_last(&f, ABORT("00", "06"));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_BAD_REQUEST);
	expect_msg(&c, "refused 1 time (STATUS_INFO_NOT_SUPPORTED_IN_MSG, "
	    "attribute STATUS_INFO)");
	TEST_DONE();

	TEST_START("a malformed Request (attribute length) aborts, no Nak");
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 1, "10 01 00 0F 00 01 00 01 00 01 00 07 00 01 00");
	ASSERT_INT_EQ(f.n, 1);
	expect_last(&f, ABORT("01", "03"));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_PROTOCOL_ERROR);
	TEST_DONE();
}

/* A second Request after our Ack: Abort, BAD_REQUEST (3.3.5.2.2). */
static void
test_request_late(void)
{
	struct sstp_ctrl c;
	struct fake f;

	TEST_START("Request in CONNECTED_PENDING: Abort BAD_REQUEST");
	to_pending(&c, &f, &spec_id, 0);
	feed(&c, 10, REQUEST);
	ASSERT_INT_EQ(f.n, 2);
	expect_last(&f, ABORT("00", "05"));
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_BAD_REQUEST);
	ASSERT_INT_EQ(f.ppp_start, 1);
	expect_msg(&c, "out of order (in SERVER_CALL_CONNECTED_PENDING)");
	TEST_DONE();

	TEST_START("refused Request in CONNECTED_PENDING: Abort, no Nak");
	to_pending(&c, &f, &spec_id, 0);
	keys(&c, 5, SPEC_HLAK);
	feed(&c, 10, REQUEST_P2);
	expect_last(&f, ABORT("00", "05"));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_BAD_REQUEST);
	ASSERT_TRUE(hlak_wiped(&c));
	TEST_DONE();

	TEST_START("Request in CALL_CONNECTED: Abort BAD_REQUEST");
	to_connected(&c, &f, 0);
	feed(&c, 10, REQUEST);
	expect_last(&f, ABORT("00", "05"));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_BAD_REQUEST);
	expect_msg(&c, "out of order (in SERVER_CALL_CONNECTED)");
	TEST_DONE();
}

/* The negotiation timer in both pending states, and NO_KEYS. */
static void
test_timers(void)
{
	struct sstp_ctrl c;
	struct fake f;

	TEST_START("no Request within 60 s: Abort NEGOTIATION_TIMEOUT");
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 1000), 0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 60999), 0);	/* early: nothing */
	ASSERT_INT_EQ(f.n, 0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 61000), 0);
	expect_last(&f, ABORT("00", "08"));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NEGOTIATION_TIMEOUT);
	expect_msg(&c, "no acceptable Call Connect Request within 60 s");
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 64000);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 64000), 0);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(f.close, 1);
	TEST_DONE();

	TEST_START("nothing after the Ack: NEGOTIATION_TIMEOUT");
	to_pending(&c, &f, &spec_id, 500);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 60500), 0);
	expect_last(&f, ABORT("00", "08"));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NEGOTIATION_TIMEOUT);
	expect_msg(&c, "no Call Connected within 60 s");
	TEST_DONE();

	TEST_START("keys but no Call Connected: NEGOTIATION_TIMEOUT, wiped");
	to_pending(&c, &f, &spec_id, 0);
	keys(&c, 100, SPEC_HLAK);
	ASSERT_TRUE(c.have_hlak);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 60000), 0);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NEGOTIATION_TIMEOUT);
	ASSERT_TRUE(hlak_wiped(&c));
	TEST_DONE();

	TEST_START("Call Connected but never the keys: Abort NO_KEYS");
	to_pending(&c, &f, &spec_id, 0);
	feed(&c, 100, SPEC_CONNECTED);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 59999), 0);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_CONNECTED_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 60000), 0);
	expect_last(&f, ABORT("00", "08"));
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_NO_KEYS);
	expect_msg(&c, "no PPP keys for the crypto binding within 60 s");
	keys(&c, 60001, SPEC_HLAK);		/* too late */
	ASSERT_INT_EQ(f.established, 0);
	ASSERT_TRUE(hlak_wiped(&c));
	TEST_DONE();

	TEST_START("Hello: Echo Request, then silence closes (no Abort)");
	to_connected(&c, &f, 0);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 60000);
	sstp_ctrl_rx_any(&c, 30000);		/* traffic restarts it */
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 90000);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 90000), 0);
	expect_last(&f, ECHO_REQ);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_CALL_CONNECTED);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 150000);
	ASSERT_INT_EQ(f.n, 2);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 150000), 0);
	ASSERT_INT_EQ(f.n, 2);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_HELLO_TIMEOUT);
	expect_msg(&c, "client silent for 120 s");
	TEST_DONE();

	TEST_START("Hello: an answer in time keeps the call");
	to_connected(&c, &f, 0);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 60000), 0);
	expect_last(&f, ECHO_REQ);
	feed(&c, 61000, ECHO_RESP);
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 121000);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 121000), 0);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_CALL_CONNECTED);
	TEST_DONE();
}

/* Messages the server never accepts in a state, and teardown rows. */
static void
test_wrong_state_and_teardown(void)
{
	struct sstp_ctrl c;
	struct fake f;

	TEST_START("client-only messages and early Echo: Abort");
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 1, SPEC_CONNECTED);		/* before the Request */
	expect_last(&f, ABORT("00", "05"));
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_PROTOCOL_ERROR);
	to_pending(&c, &f, &spec_id, 0);
	feed(&c, 1, ECHO_REQ);			/* accel aborts it too */
	expect_last(&f, ABORT("00", "05"));
	to_pending(&c, &f, &spec_id, 0);
	feed(&c, 1, ACK_FROM_CLIENT);
	expect_last(&f, ABORT("00", "05"));
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 1, UNKNOWN_TYPE);
	expect_last(&f, ABORT("00", "07"));
	TEST_DONE();

	TEST_START("unknown type once connected: ignored");
	to_connected(&c, &f, 0);
	feed(&c, 1, UNKNOWN_TYPE);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_CALL_CONNECTED);
	ASSERT_INT_EQ(f.n, 1);
	TEST_DONE();

	TEST_START("client Abort in each server state: Abort, 1 s, closed");
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 10, ABORT("00", "07"));
	expect_last(&f, ABORT_EMPTY);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_TIMEOUT_PENDING);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_PEER_ABORT);
	expect_msg(&c, "client aborted the call");
	ASSERT_TRUE(sstp_ctrl_deadline(&c) == 1010);
	to_pending(&c, &f, &spec_id, 0);
	keys(&c, 5, SPEC_HLAK);
	feed(&c, 10, ABORT_EMPTY);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_ABORT_TIMEOUT_PENDING);
	ASSERT_TRUE(hlak_wiped(&c));
	to_connected(&c, &f, 0);
	feed(&c, 10, ABORT_EMPTY);
	expect_last(&f, ABORT_EMPTY);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 1010), 0);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	TEST_DONE();

	TEST_START("client Disconnect in each server state: Disconnect Ack");
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	feed(&c, 10, DISC_EMPTY);
	expect_last(&f, DISC_ACK);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_DISCONNECT_TIMEOUT_PENDING);
	expect_msg(&c, "client disconnected the call");
	to_pending(&c, &f, &spec_id, 0);
	feed(&c, 10, DISC_EMPTY);
	expect_last(&f, DISC_ACK);
	to_connected(&c, &f, 0);
	feed(&c, 10, DISC_EMPTY);
	expect_last(&f, DISC_ACK);
	ASSERT_INT_EQ(sstp_ctrl_timer(&c, 1010), 0);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	TEST_DONE();

	TEST_START("local disconnect before the Request and while pending");
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 0), 0);	/* not started */
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(f.n, 0);
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 10), 0);
	expect_last(&f, DISC_NOERR);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_DISCONNECT_ACK_PENDING);
	to_pending(&c, &f, &spec_id, 0);
	keys(&c, 5, SPEC_HLAK);
	ASSERT_INT_EQ(sstp_ctrl_disconnect(&c, 10), 0);
	expect_last(&f, DISC_NOERR);
	ASSERT_TRUE(hlak_wiped(&c));
	feed(&c, 20, SPEC_CONNECTED);		/* ignored while closing */
	ASSERT_INT_EQ(f.established, 0);
	TEST_DONE();

	TEST_START("lower layer gone / framing error: closed, nothing sent");
	to_pending(&c, &f, &spec_id, 0);
	keys(&c, 5, SPEC_HLAK);
	ASSERT_INT_EQ(sstp_ctrl_lower_down(&c), 0);
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_CS_CLOSED);
	ASSERT_INT_EQ(f.n, 1);
	ASSERT_INT_EQ(f.close, 1);
	ASSERT_TRUE(hlak_wiped(&c));
	expect_msg(&c, "connection to the client lost");
	to_connected(&c, &f, 0);
	ASSERT_INT_EQ(sstp_ctrl_framing_error(&c), 0);
	ASSERT_INT_EQ(sstp_ctrl_quit(&c), SSTP_QUIT_FRAMING_ERROR);
	expect_msg(&c, "invalid SSTP framing from client");
	TEST_DONE();

	TEST_START("keys before the Request or the start: ignored");
	ASSERT_INT_EQ(srv_init(&c, &f, &spec_id), 0);
	keys(&c, 0, SPEC_HLAK);
	ASSERT_TRUE(hlak_wiped(&c));
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	keys(&c, 1, SPEC_HLAK);
	ASSERT_TRUE(hlak_wiped(&c));
	ASSERT_INT_EQ(sstp_ctrl_state(&c), SSTP_SS_REQUEST_PENDING);
	feed(&c, 2, REQUEST);
	feed(&c, 3, SPEC_CONNECTED);
	ASSERT_INT_EQ(f.established, 0);	/* the early keys are gone */
	TEST_DONE();
}

/* Configuration checks and the real nonce source. */
static void
test_conf(void)
{
	static const struct ident no256 = { 0x02, SPEC_NONCE, E2E_CERT1,
	    NULL };
	static const struct ident no1 = { 0x03, SPEC_NONCE, NULL,
	    SPEC_CERT256 };
	static const struct ident none = { 0x00, SPEC_NONCE, E2E_CERT1,
	    SPEC_CERT256 };
	static const struct ident unknown = { 0x06, SPEC_NONCE, E2E_CERT1,
	    SPEC_CERT256 };
	struct sstp_ctrl c, c2;
	struct fake f, f2;
	struct sstp_ctrl_conf conf;

	TEST_START("server configuration refused without the offered hashes");
	ASSERT_INT_EQ(srv_init(&c, &f, &no256), -EINVAL);
	ASSERT_INT_EQ(srv_init(&c, &f, &no1), -EINVAL);
	ASSERT_INT_EQ(srv_init(&c, &f, &none), -EINVAL);
	ASSERT_INT_EQ(srv_init(&c, &f, &unknown), -EINVAL);
	sstp_ctrl_conf_defaults(&conf);
	conf.role = (enum sstp_role)7;
	ASSERT_INT_EQ(sstp_ctrl_init(&c, &conf, &fake_ops, &f), -EINVAL);
	conf.role = SSTP_ROLE_CLIENT;	/* the client needs none of it */
	conf.hash_offer = 0;
	ASSERT_INT_EQ(sstp_ctrl_init(&c, &conf, &fake_ops, &f), 0);
	TEST_DONE();

	TEST_START("no rand_hook: a fresh random nonce per call");
	memset(&f, 0, sizeof f);
	memset(&f2, 0, sizeof f2);
	f.ctrl = &c;
	f2.ctrl = &c2;
	sstp_ctrl_conf_defaults(&conf);
	conf.role = SSTP_ROLE_SERVER;
	conf.cert_sha256 = hook_nonce;
	ASSERT_INT_EQ(sstp_ctrl_init(&c, &conf, &fake_ops, &f), 0);
	ASSERT_INT_EQ(sstp_ctrl_init(&c2, &conf, &fake_ops, &f2), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c, 0), 0);
	ASSERT_INT_EQ(sstp_ctrl_start(&c2, 0), 0);
	feed(&c, 1, REQUEST);
	feed(&c2, 1, REQUEST);
	ASSERT_INT_EQ(f.n, 1);
	ASSERT_INT_EQ(f2.n, 1);
	ASSERT_INT_EQ(f.len[0], SSTP_CONNECT_ACK_LEN);
	ASSERT_INT_EQ(f.pkt[0][15], SSTP_HASH_SHA256);
	ASSERT_TRUE(memcmp(f.pkt[0] + 16, f2.pkt[0] + 16, 32) != 0);
	ASSERT_TRUE(memcmp(f.pkt[0] + 16, c.nonce, 32) == 0);
	TEST_DONE();
}

/* The log names the refused field (one line, at warning level). */
static void
test_log_line(void)
{
	char path[] = "/tmp/test_sstp_ctrl_srv.XXXXXX";
	char text[8192];
	struct log_conf lc;
	struct sstp_ctrl c;
	struct fake f;
	uint8_t pkt[SSTP_CONNECTED_LEN];
	FILE *fp;
	size_t n = 0;
	int fd;

	TEST_START("log: the refused binding field is named");
	fd = mkstemp(path);
	ASSERT_INT_GE(fd, 0);
	if (fd < 0)
		return;
	close(fd);
	memset(&lc, 0, sizeof lc);
	lc.level = LOG_LVL_DUMP;
	lc.sink = LOG_SINK_FILE;
	lc.ident = "test";
	lc.path = path;
	ASSERT_INT_EQ(log_open(&lc), 0);
	th_unhex(SPEC_CONNECTED, pkt, sizeof pkt);
	pkt[20] ^= 0x01;
	to_pending(&c, &f, &spec_id, 0);
	feed_bytes(&c, 1, pkt, sizeof pkt);
	th_unhex(SPEC_CONNECTED, pkt, sizeof pkt);
	pkt[15] = 0x03;
	to_pending(&c, &f, &spec_id, 0);
	feed_bytes(&c, 1, pkt, sizeof pkt);
	th_unhex(SPEC_CONNECTED, pkt, sizeof pkt);
	pkt[90] ^= 0x01;
	to_pending(&c, &f, &spec_id, 0);
	feed_bytes(&c, 1, pkt, sizeof pkt);
	keys(&c, 2, SPEC_HLAK);
	log_close();
	quiet_log();
	if ((fp = fopen(path, "r")) != NULL) {
		n = fread(text, 1, sizeof text - 1, fp);
		fclose(fp);
	}
	text[n] = '\0';
	unlink(path);
	ASSERT_PTR_NOT_NULL(strstr(text, "crypto binding refused: nonce "
	    "differs"));
	ASSERT_PTR_NOT_NULL(strstr(text, "crypto binding refused: hash "
	    "protocol is not exactly one"));
	ASSERT_PTR_NOT_NULL(strstr(text, "crypto binding refused: Compound "
	    "MAC does not match"));
	/* Neither the HLAK nor a MAC byte is logged. */
	ASSERT_PTR_NULL(strstr(text, "2a1bb40d"));
	ASSERT_PTR_NULL(strstr(text, "2A1BB40D"));
	ASSERT_PTR_NULL(strstr(text, "52a68efd"));
	TEST_DONE();
}

int
main(void)
{
	quiet_log();
	test_happy_path();
	test_vectors();
	test_mutants();
	test_wrong_keys();
	test_naks();
	test_request_late();
	test_timers();
	test_wrong_state_and_teardown();
	test_conf();
	test_log_line();
	return test_exit();
}
