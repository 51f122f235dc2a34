/*
 * test_mppe.c - MPPE (RFC 3078) against the RFC 3079 3.5 key vectors and
 * against packets made by the independent Python implementation of the
 * test server (tests/lib/sstptest/mscrypto.py MppeContext, start key = the
 * RFC 2759/3079 client MasterSendKey of PROTOCOL.md 6.2): stateless at
 * three strengths, stateful across 300 packets (key change at 0x0FF),
 * CCP Reset-Request flushing, loss and resynchronisation.  Also the CCP
 * MPPE option choice.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "crypto/ms_funcs.h"
#include "ppp/ccp.h"
#include "ppp/mppe.h"
#include "harness.h"

/* PROTOCOL.md 6.2: client MasterSendKey of the RFC 2759 credentials. */
static const char send_key_hex[] =
    "D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26";
/* RFC 3079 3.5: server send start key (= client receive key). */
static const char rfc_start_hex[] =
    "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB";

/* The payload the Python side encrypted as packet i. */
static size_t
payload(unsigned i, uint8_t *out)
{
	size_t n = 8 + i % 5, j;

	for (j = 0; j < n; j++)
		out[j] = (uint8_t)(i * 7 + j);
	return n;
}

/* Encrypt packet i, compare with the hex the reference produced. */
static void
check_enc(struct mppe_ctx *m, unsigned i, uint16_t proto, const char *hex)
{
	uint8_t pl[16], out[64], want[64];
	struct wbuf w;
	size_t n = payload(i, pl), wn;

	wbuf_init(&w, out, sizeof out);
	ASSERT_INT_EQ(mppe_encrypt(m, proto, pl, n, &w), 0);
	wn = th_unhex(hex, want, sizeof want);
	ASSERT_INT_EQ(w.len, wn);
	ASSERT_MEM_EQ(out, want, wn);
}

/* Decrypt hex, expect result r and (when 0) proto + payload(i). */
static void
check_dec(struct mppe_ctx *m, const char *hex, int r, uint16_t proto,
    unsigned i)
{
	uint8_t in[64], out[64], pl[16];
	struct wbuf w;
	size_t n = th_unhex(hex, in, sizeof in), pn = payload(i, pl);

	wbuf_init(&w, out, sizeof out);
	ASSERT_INT_EQ(mppe_decrypt(m, 0, bcur_make(in, n), &w), r);
	if (r != 0)
		return;
	ASSERT_INT_EQ(w.len, 2 + pn);
	ASSERT_INT_EQ(load_be16(out), proto);
	ASSERT_MEM_EQ(out + 2, pl, pn);
}

static void
test_rfc3079_keys(void)
{
	struct mppe_ctx m;
	uint8_t key[16], want[16];

	TEST_START("RFC 3079 3.5 initial session keys");
	th_unhex(rfc_start_hex, key, sizeof key);
	ASSERT_INT_EQ(mppe_init(&m, key, MS_MPPE_128, true), 0);
	th_unhex("40 5C B2 24 7A 79 56 E6 E2 11 00 7A E2 7B 22 D4", want, 16);
	ASSERT_MEM_EQ(m.session_key, want, 16);
	mppe_clear(&m);
	ASSERT_INT_EQ(mppe_init(&m, key, MS_MPPE_40, true), 0);
	th_unhex("D1 26 9E C4 9F A6 2E 3E", want, 8);
	ASSERT_MEM_EQ(m.session_key, want, 8);
	mppe_clear(&m);
	ASSERT_INT_EQ(m.keylen, 0);
	ASSERT_INT_EQ(mppe_init(&m, key, (enum ms_mppe_bits)64, true),
	    -EINVAL);
	TEST_DONE();
}

static void
test_stateless(void)
{
	static const struct {
		enum ms_mppe_bits bits;
		const char *hex[3];
	} v[] = {
		{ MS_MPPE_128, { "90003f79dd9974e7f6204c26",
		    "9001fb2e00350f6f44afed02cd",
		    "9002e86e0e3634e6b5a0422a76b3" } },
		{ MS_MPPE_56, { "9000b655953802cf07874160",
		    "900150e1ab31d1915e431c13a9",
		    "9002668c25a9f3348753c831fbea" } },
		{ MS_MPPE_40, { "9000b243e7911d730dc59728",
		    "9001743fa977c1ef7ccce2a628",
		    "90027efd93751530ada7a2221915" } },
	};
	struct mppe_ctx tx, rx;
	uint8_t key[16];
	size_t i;
	unsigned k;

	TEST_START("stateless 128/56/40 against the reference");
	th_unhex(send_key_hex, key, sizeof key);
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		ASSERT_INT_EQ(mppe_init(&tx, key, v[i].bits, true), 0);
		ASSERT_INT_EQ(mppe_init(&rx, key, v[i].bits, true), 0);
		for (k = 0; k < 3; k++)
			check_enc(&tx, k, 0x0021, v[i].hex[k]);
		for (k = 0; k < 3; k++)
			check_dec(&rx, v[i].hex[k], 0, 0x0021, k);
		mppe_clear(&tx);
		mppe_clear(&rx);
	}
	TEST_DONE();

	TEST_START("stateless loss, repeat and late packets");
	ASSERT_INT_EQ(mppe_init(&rx, key, MS_MPPE_128, true), 0);
	/* Packet 0 lost: packet 2 needs three key changes. */
	check_dec(&rx, v[0].hex[2], 0, 0x0021, 2);
	ASSERT_INT_EQ(rx.rekeys, 3);
	check_dec(&rx, v[0].hex[2], -EBADMSG, 0, 0);	/* repeated */
	check_dec(&rx, v[0].hex[1], -EBADMSG, 0, 0);	/* late */
	ASSERT_INT_EQ(rx.rekeys, 3);
	/* Unencrypted (no D) and MPPC (C) packets are refused. */
	check_dec(&rx, "80030000000000", -EBADMSG, 0, 0);
	check_dec(&rx, "b0030000000000", -EBADMSG, 0, 0);
	check_dec(&rx, "9003", -EBADMSG, 0, 0);
	mppe_clear(&rx);
	TEST_DONE();
}

/* A stateless stream: packet k carries count k and the payload octet k. */
#define CU_PKTS		2048
static uint8_t cu_enc[CU_PKTS][MPPE_OVERHEAD + 1];

/* Receive stream packet k at time now; expect r (0: the payload back). */
static void
cu_recv(struct mppe_ctx *rx, unsigned k, uint64_t now, int r)
{
	uint8_t out[16];
	struct wbuf w;

	wbuf_init(&w, out, sizeof out);
	ASSERT_INT_EQ(mppe_decrypt(rx, now, bcur_make(cu_enc[k],
	    sizeof cu_enc[k]), &w), r);
	if (r == 0) {
		ASSERT_INT_EQ(w.len, 3);
		ASSERT_INT_EQ(load_be16(out), 0x0021);
		ASSERT_INT_EQ(out[2], (uint8_t)k);
	}
}

/*
 * RFC 3078 8.1: a stateless receiver changes the key once per count step,
 * so a count jump is paid in key changes.  Bounded per packet
 * (MPPE_CATCHUP_PACKET) and per second (MPPE_CATCHUP_SECOND); a packet over
 * either bound is dropped with nothing changed.
 */
static void
test_stateless_catchup(void)
{
	struct mppe_ctx tx, rx;
	uint8_t key[16], pl;
	struct wbuf w;
	uint64_t rk;
	unsigned k;

	TEST_START("stateless catch-up bounded per packet and per second");
	th_unhex(send_key_hex, key, sizeof key);
	ASSERT_INT_EQ(mppe_init(&tx, key, MS_MPPE_128, true), 0);
	for (k = 0; k < CU_PKTS; k++) {
		pl = (uint8_t)k;
		wbuf_init(&w, cu_enc[k], sizeof cu_enc[k]);
		ASSERT_INT_EQ(mppe_encrypt(&tx, 0x0021, &pl, 1, &w), 0);
	}
	mppe_clear(&tx);

	/* The attack: a 2047-count jump would cost 2047 key changes. */
	ASSERT_INT_EQ(mppe_init(&rx, key, MS_MPPE_128, true), 0);
	cu_recv(&rx, 2046, 5000, -EBADMSG);
	ASSERT_INT_EQ(rx.rekeys, 0);
	/* Per packet: 256 steps pass, 257 do not, even in a new window. */
	cu_recv(&rx, 256, 5000, -EBADMSG);
	cu_recv(&rx, 255, 5000, 0);
	ASSERT_INT_EQ(rx.rekeys, 256);
	mppe_clear(&rx);

	/* Per second: 1024 key changes beyond one a packet, then no more. */
	ASSERT_INT_EQ(mppe_init(&rx, key, MS_MPPE_128, true), 0);
	cu_recv(&rx, 255, 10000, 0);		/* 256 steps: 255 extra */
	cu_recv(&rx, 256, 10000, 0);		/* in sequence: none */
	cu_recv(&rx, 511, 10100, 0);		/* 254 more: 509 */
	cu_recv(&rx, 766, 10200, 0);		/* 763 */
	cu_recv(&rx, 1021, 10300, 0);		/* 1017 */
	cu_recv(&rx, 1029, 10400, 0);		/* 1024: the whole budget */
	rk = rx.rekeys;
	ASSERT_INT_EQ(rk, 1030);
	cu_recv(&rx, 1031, 10500, -EBADMSG);	/* one more: over */
	ASSERT_INT_EQ(rx.rekeys, rk);
	cu_recv(&rx, 1030, 10500, 0);		/* in sequence still passes */
	cu_recv(&rx, 1031, 10600, 0);
	cu_recv(&rx, 1033, 10999, -EBADMSG);	/* same window */
	cu_recv(&rx, 1033, 11000, 0);		/* a new window */
	cu_recv(&rx, 1288, 11001, 0);		/* 254 + 1 of the new 1024 */
	ASSERT_INT_EQ(rx.rekeys, 1289);
	mppe_clear(&rx);
	TEST_DONE();
}

/* Python: 300 stateful 128-bit packets; then reset(); packets 300, 301. */
static const struct {
	unsigned i;
	const char *hex;
} sf[] = {
	{ 0, "1000c128da23b78f2bbd6097" },
	{ 1, "1001dd788508e0852e7d0b499f" },
	{ 254, "10fe6e988cb6a7b068b334bbddc37081" },
	{ 255, "90ff3f7924628d180fdbb521" },
	{ 256, "1100864e893169ff2330d750b3" },
	{ 299, "112b47ccc5f17a9969a237e9320e3459" },
};
static const char reset300[] = "912cfb2e33083052779ada37";
static const char pkt301[] = "112dc2f025f157f7677b877200";

static void
test_stateful(void)
{
	struct mppe_ctx tx, rx, rx2;
	uint8_t key[16], pl[16], out[64], enc[300][32];
	size_t enc_len[300], n, k = 0;
	struct wbuf w;
	unsigned i;

	TEST_START("stateful 128: 300 packets, key change at 0x0FF");
	th_unhex(send_key_hex, key, sizeof key);
	ASSERT_INT_EQ(mppe_init(&tx, key, MS_MPPE_128, false), 0);
	ASSERT_INT_EQ(mppe_init(&rx, key, MS_MPPE_128, false), 0);
	for (i = 0; i < 300; i++) {
		if (k < sizeof sf / sizeof sf[0] && sf[k].i == i) {
			check_enc(&tx, i, 0x0021, sf[k].hex);
			k++;
			/* Re-make the bytes for the decrypt loop below. */
			enc_len[i] = th_unhex(sf[k - 1].hex, enc[i],
			    sizeof enc[i]);
			continue;
		}
		n = payload(i, pl);
		wbuf_init(&w, enc[i], sizeof enc[i]);
		ASSERT_INT_EQ(mppe_encrypt(&tx, 0x0021, pl, n, &w), 0);
		enc_len[i] = w.len;
	}
	ASSERT_INT_EQ(tx.rekeys, 1);
	for (i = 0; i < 300; i++) {
		n = payload(i, pl);
		wbuf_init(&w, out, sizeof out);
		ASSERT_INT_EQ(mppe_decrypt(&rx, 0, bcur_make(enc[i],
		    enc_len[i]), &w), 0);
		ASSERT_INT_EQ(w.len, n + 2);
		ASSERT_MEM_EQ(out + 2, pl, n);
	}
	ASSERT_INT_EQ(rx.rekeys, 1);
	TEST_DONE();

	TEST_START("stateful Reset-Request: rekey and A on the next packet");
	mppe_reset_request(&tx);
	check_enc(&tx, 300, 0x0021, reset300);
	check_enc(&tx, 301, 0x0021, pkt301);
	check_dec(&rx, reset300, 0, 0x0021, 300);
	check_dec(&rx, pkt301, 0, 0x0021, 301);
	TEST_DONE();

	TEST_START("stateful loss: MPPE_LOST, discard, resync on A");
	ASSERT_INT_EQ(mppe_init(&rx2, key, MS_MPPE_128, false), 0);
	check_dec(&rx2, sf[0].hex, 0, 0x0021, 0);
	/* Packets 1..253 lost: 254 is out of sequence. */
	check_dec(&rx2, sf[2].hex, MPPE_LOST, 0, 0);
	check_dec(&rx2, sf[2].hex, MPPE_DISCARD, 0, 0);
	check_dec(&rx2, sf[4].hex, MPPE_DISCARD, 0, 0);	/* no A */
	/* The flag packet 255 (A) brings it back. */
	check_dec(&rx2, sf[3].hex, 0, 0x0021, 255);
	check_dec(&rx2, sf[4].hex, 0, 0x0021, 256);
	mppe_clear(&rx2);
	/* Loss across the flag packet, resync by the Reset-Request packet. */
	ASSERT_INT_EQ(mppe_init(&rx2, key, MS_MPPE_128, false), 0);
	check_dec(&rx2, sf[2].hex + 0, MPPE_LOST, 0, 0);
	check_dec(&rx2, reset300, 0, 0x0021, 300);
	ASSERT_INT_EQ(rx2.rekeys, 2);	/* flag 0x0FF missed + reset */
	check_dec(&rx2, pkt301, 0, 0x0021, 301);
	mppe_clear(&rx2);
	mppe_clear(&tx);
	mppe_clear(&rx);
	TEST_DONE();
}

static void
test_stateful_small(void)
{
	static const struct {
		enum ms_mppe_bits bits;
		const char *p0, *p255, *p259;
	} v[] = {
		{ MS_MPPE_56, "10003e84ac145659473e509d",
		    "90ffb6236cc3fb30fe7cb867",
		    "1103e43e14a7552d69cd48925f3033f4" },
		{ MS_MPPE_40, "1000ae1d8f25904873a26ac1",
		    "90ffb2351e6ae48cf43e6e2f",
		    "1103c5db583e4488587f16bf63bacbf3" },
	};
	struct mppe_ctx tx;
	uint8_t key[16], pl[16], out[64];
	struct wbuf w;
	size_t i;
	unsigned k;

	TEST_START("stateful 56/40 against the reference (IPv6 protocol)");
	th_unhex(send_key_hex, key, sizeof key);
	for (i = 0; i < 2; i++) {
		ASSERT_INT_EQ(mppe_init(&tx, key, v[i].bits, false), 0);
		for (k = 0; k < 260; k++) {
			if (k == 0 || k == 255 || k == 259) {
				check_enc(&tx, k, 0x0057, k == 0 ? v[i].p0 :
				    k == 255 ? v[i].p255 : v[i].p259);
				continue;
			}
			wbuf_init(&w, out, sizeof out);
			ASSERT_INT_EQ(mppe_encrypt(&tx, 0x0057, pl,
			    payload(k, pl), &w), 0);
		}
		mppe_clear(&tx);
	}
	TEST_DONE();
}

static void
test_ccp_choose(void)
{
	TEST_START("CCP MPPE option choice (RFC 3078 2)");
	ASSERT_U32_EQ(ccp_mppe_choose(MPPE_OPT_H | MPPE_OPT_S), 0x01000040);
	ASSERT_U32_EQ(ccp_mppe_choose(MPPE_OPT_S | MPPE_OPT_M | MPPE_OPT_L),
	    MPPE_OPT_S);
	ASSERT_U32_EQ(ccp_mppe_choose(MPPE_OPT_H | MPPE_OPT_L | MPPE_OPT_M),
	    MPPE_OPT_H | MPPE_OPT_M);
	ASSERT_U32_EQ(ccp_mppe_choose(MPPE_OPT_L | MPPE_OPT_C), MPPE_OPT_L);
	ASSERT_U32_EQ(ccp_mppe_choose(MPPE_OPT_C | MPPE_OPT_H), 0);
	ASSERT_INT_EQ(mppe_opt_bits(MPPE_OPT_S), MS_MPPE_128);
	ASSERT_INT_EQ(mppe_opt_bits(MPPE_OPT_M | MPPE_OPT_H), MS_MPPE_56);
	ASSERT_INT_EQ(mppe_opt_bits(MPPE_OPT_L), MS_MPPE_40);
	ASSERT_INT_EQ(mppe_opt_bits(MPPE_OPT_S | MPPE_OPT_L), 0);
	TEST_DONE();
}

int
main(void)
{
	test_rfc3079_keys();
	test_stateless();
	test_stateless_catchup();
	test_stateful();
	test_stateful_small();
	test_ccp_choose();
	return test_exit();
}
