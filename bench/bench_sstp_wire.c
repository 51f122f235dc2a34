/*
 * bench_sstp_wire.c - SSTP packet codec throughput (src/sstp_wire.c).
 *
 * Rows, each for 1404-byte PPP frames (the pty benchmark's size) and 64-byte
 * ones (per-packet cost):
 *   data-decode  the receive path of session.c over a buffer of back-to-back
 *                data packets: sstp_wire_frame, sstp_wire_data_payload,
 *                sstp_wire_ppp_classify per packet;
 *   data-encode  the send path: sstp_wire_put_data_hdr and the payload copy
 *                into a 64 KiB output queue;
 * and one control row: ctrl-decode of a Call Connect Ack (decoded fully,
 * attributes included), in messages per second.
 * MB/s counts PPP bytes (10^6 per second).  Nothing is asserted about speed;
 * the run fails only if a packet does not decode to what was encoded.
 *
 * Usage: bench_sstp_wire [--quick]
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "crypto/sstp_bind.h"
#include "wire/sstp_wire.h"

#define BUF_LEN		(64 * 1024)

struct bw {
	uint8_t		 frame[SSTP_MAX_PAYLOAD];
	uint8_t		 stream[BUF_LEN];
	size_t		 stream_len;
	size_t		 npkt;
	uint8_t		 out[BUF_LEN];
	uint8_t		 ack[SSTP_CONNECT_ACK_LEN];
	uint64_t	 sink;		/* keeps results alive */
};

static double
bw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
bw_fail(const char *m)
{
	fprintf(stderr, "bench_sstp_wire: %s\n", m);
	exit(1);
}

/* A PPP IPv4 frame of len bytes and a buffer of data packets holding it. */
static void
bw_setup(struct bw *b, size_t len)
{
	struct wbuf w;
	size_t i;

	b->frame[0] = 0xff;
	b->frame[1] = 0x03;
	b->frame[2] = 0x00;
	b->frame[3] = 0x21;
	for (i = 4; i < len; i++)
		b->frame[i] = (uint8_t)(i * 131 + 7);
	wbuf_init(&w, b->stream, sizeof b->stream);
	b->npkt = 0;
	while (w.cap - w.len >= SSTP_HDR_LEN + len) {
		sstp_wire_put_data_hdr(&w, len);
		wbuf_put_bytes(&w, b->frame, len);
		b->npkt++;
	}
	if (wbuf_error(&w) != 0)
		bw_fail("setup encode failed");
	b->stream_len = w.len;
}

/* Decode the packet buffer iters times; returns PPP bytes seen. */
static uint64_t
bw_decode(struct bw *b, size_t len, unsigned int iters, int check)
{
	struct sstp_frame fr;
	struct bcur pl;
	uint64_t bytes = 0;
	uint16_t proto;
	unsigned int it;
	size_t off, n;

	for (it = 0; it < iters; it++) {
		for (off = 0, n = 0; off < b->stream_len; off += fr.len, n++) {
			if (sstp_wire_frame(b->stream + off,
			    b->stream_len - off, &fr) != 1 || fr.control ||
			    sstp_wire_data_payload(b->stream + off, fr.len,
			    &pl) != 0 || sstp_wire_ppp_classify(bcur_ptr(&pl),
			    bcur_left(&pl), &proto, NULL) != 0)
				bw_fail("data packet did not decode");
			if (check && (bcur_left(&pl) != len || proto != 0x21 ||
			    memcmp(bcur_ptr(&pl), b->frame, len) != 0))
				bw_fail("decoded payload differs");
			bytes += bcur_left(&pl);
		}
		if (n != b->npkt)
			bw_fail("packet count differs");
	}
	return bytes;
}

/* Encode iters * npkt packets into the output queue; returns PPP bytes. */
static uint64_t
bw_encode(struct bw *b, size_t len, unsigned int iters)
{
	uint64_t bytes = 0;
	struct wbuf w;
	unsigned int it;
	size_t i;

	for (it = 0; it < iters; it++) {
		wbuf_init(&w, b->out, sizeof b->out);
		for (i = 0; i < b->npkt; i++) {
			sstp_wire_put_data_hdr(&w, len);
			wbuf_put_bytes(&w, b->frame, len);
			bytes += len;
		}
		if (wbuf_error(&w) != 0)
			bw_fail("encode failed");
		b->sink += b->out[w.len - 1];
	}
	if (memcmp(b->out, b->stream, b->stream_len) != 0)
		bw_fail("encoder output differs from the reference stream");
	return bytes;
}

/* Decode a Call Connect Ack iters times; returns messages decoded. */
static uint64_t
bw_ctrl(struct bw *b, unsigned int iters)
{
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	unsigned int it;

	for (it = 0; it < iters; it++) {
		if (sstp_wire_decode_ctrl(b->ack, sizeof b->ack, &m, &v) != 0 ||
		    m.type != SSTP_MSG_CALL_CONNECT_ACK)
			bw_fail("Connect Ack did not decode");
		b->sink += m.hash_bitmask;
	}
	return iters;
}

/* Run one row for about secs seconds. */
static void
bw_row(struct bw *b, const char *name, size_t len, int which, double secs)
{
	unsigned int iters = 1;
	uint64_t units = 0;
	double t0, t;

	if (which != 2)
		bw_setup(b, len);
	if (which == 0)
		(void)bw_decode(b, len, 1, 1);
	for (;;) {
		t0 = bw_now();
		if (which == 0)
			units = bw_decode(b, len, iters, 0);
		else if (which == 1)
			units = bw_encode(b, len, iters);
		else
			units = bw_ctrl(b, iters);
		t = bw_now() - t0;
		if (t >= secs || iters >= (1U << 30))
			break;
		iters = t < secs / 64 ? iters * 8 : iters * 2;
	}
	if (t <= 0)
		t = 1e-9;
	if (which == 2)
		printf("%-12s %6s %10s %12.2f\n", name, "-", "-",
		    units / t / 1e6);
	else
		printf("%-12s %6zu %10.1f %12.2f\n", name, len,
		    units / t / 1e6, units / (double)len / t / 1e6);
}

int
main(int argc, char **argv)
{
	uint8_t nonce[SSTP_NONCE_LEN];
	struct bw *b;
	struct wbuf w;
	double secs = 0.2;
	size_t i;

	if (argc > 1 && strcmp(argv[1], "--quick") == 0) {
		secs = 0.0;
		printf("quick run: one round each, figures not meaningful\n");
	} else if (argc > 1) {
		fprintf(stderr, "usage: bench_sstp_wire [--quick]\n");
		return 2;
	}
	if ((b = calloc(1, sizeof *b)) == NULL)
		return 1;
	for (i = 0; i < sizeof nonce; i++)
		nonce[i] = (uint8_t)i;
	wbuf_init(&w, b->ack, sizeof b->ack);
	sstp_wire_put_connect_ack(&w, SSTP_HASH_SHA1 | SSTP_HASH_SHA256, nonce);
	if (wbuf_error(&w) != 0 || w.len != sizeof b->ack)
		bw_fail("cannot build a Connect Ack");
	printf("%-12s %6s %10s %12s\n", "row", "frame", "MB/s", "Mpkt/s");
	bw_row(b, "data-decode", 1404, 0, secs);
	bw_row(b, "data-encode", 1404, 1, secs);
	bw_row(b, "data-decode", 64, 0, secs);
	bw_row(b, "data-encode", 64, 1, secs);
	bw_row(b, "ctrl-decode", 0, 2, secs);
	free(b);
	return 0;
}
