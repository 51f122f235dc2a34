/*
 * bench_hdlc.c - async-HDLC encode/decode throughput.
 *
 * Payloads are 1400-byte frames, either random octets (about one in eight
 * needs escaping with ACCM 0xFFFFFFFF) or printable ASCII (only '}' and '~'
 * need escaping).  Encoding batches frames into a 64 KiB buffer, as the
 * bridge does for one pty write; decoding feeds a pre-encoded stream in
 * 16 KiB reads, as pty reads arrive.  MB/s counts PPP payload bytes
 * (10^6 bytes per second); "expand" is encoded size / payload size.
 * Nothing is asserted about speed; the run fails only if the decoder does
 * not get back exactly what was encoded.
 *
 * Usage: bench_hdlc [--quick]
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "hdlc.h"

#define FRAME_LEN	1400
#define NFRAMES		256		/* distinct payloads */
#define ENC_BUF		(64 * 1024)
#define READ_LEN	(16 * 1024)

struct bench_data {
	uint8_t		 pay[NFRAMES][FRAME_LEN];
	uint8_t		 enc[ENC_BUF];
	uint8_t		*stream;	/* NFRAMES encoded frames */
	size_t		 stream_len;
	uint8_t		 frame[8192];
};

/* xorshift32. */
static uint32_t
bench_rnd(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Monotonic time in seconds. */
static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fill the payloads: random octets or printable ASCII. */
static void
bench_fill(struct bench_data *b, int ascii)
{
	uint32_t s = 0x9e3779b9;
	size_t i, j;

	for (i = 0; i < NFRAMES; i++)
		for (j = 0; j < FRAME_LEN; j++) {
			uint32_t r = bench_rnd(&s);

			b->pay[i][j] = ascii ? (uint8_t)(0x20 + r % 95) :
			    (uint8_t)r;
		}
}

/* Encode `iters' rounds of all payloads; returns payload bytes done. */
static uint64_t
bench_encode(struct bench_data *b, uint32_t accm, unsigned int iters)
{
	struct hdlc_enc e;
	struct wbuf w;
	uint64_t done = 0;
	unsigned int it;
	size_t i;

	hdlc_enc_init(&e, accm);
	wbuf_init(&w, b->enc, sizeof b->enc);
	for (it = 0; it < iters; it++)
		for (i = 0; i < NFRAMES; i++) {
			if (w.cap - w.len < hdlc_encode_bound(FRAME_LEN))
				wbuf_init(&w, b->enc, sizeof b->enc);
			if (hdlc_encode(&e, &w, b->pay[i], FRAME_LEN) != 0) {
				fprintf(stderr, "encode failed\n");
				exit(1);
			}
			done += FRAME_LEN;
		}
	return done;
}

/* Build the decode input: all payloads encoded back to back. */
static void
bench_make_stream(struct bench_data *b, uint32_t accm)
{
	struct hdlc_enc e;
	struct wbuf w;
	size_t i, cap;

	cap = NFRAMES * hdlc_encode_bound(FRAME_LEN);
	free(b->stream);
	if ((b->stream = malloc(cap)) == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	hdlc_enc_init(&e, accm);
	wbuf_init(&w, b->stream, cap);
	for (i = 0; i < NFRAMES; i++)
		(void)hdlc_encode(&e, &w, b->pay[i], FRAME_LEN);
	if (wbuf_error(&w) != 0) {
		fprintf(stderr, "stream encode failed\n");
		exit(1);
	}
	b->stream_len = w.len;
}

/* Decode the stream `iters' times in READ_LEN reads; returns bytes. */
static uint64_t
bench_decode(struct bench_data *b, unsigned int iters)
{
	struct hdlc_frame f;
	struct hdlc_dec d;
	struct bcur c;
	unsigned int it;
	size_t off, take, nf;

	if (hdlc_dec_init(&d, b->frame, sizeof b->frame, 4, 0) != 0)
		exit(1);
	for (it = 0; it < iters; it++) {
		nf = 0;
		for (off = 0; off < b->stream_len; off += take) {
			take = b->stream_len - off;
			if (take > READ_LEN)
				take = READ_LEN;
			c = bcur_make(b->stream + off, take);
			while (hdlc_decode(&d, &c, &f) == 1) {
				/* Check the first round completely. */
				if (it == 0 && (f.len != FRAME_LEN ||
				    memcmp(f.data, b->pay[nf],
				    FRAME_LEN) != 0)) {
					fprintf(stderr, "decode mismatch\n");
					exit(1);
				}
				nf++;
			}
		}
		if (nf != NFRAMES) {
			fprintf(stderr, "decoded %zu of %d frames\n", nf,
			    NFRAMES);
			exit(1);
		}
	}
	return d.stats.bytes;
}

/* Run one row: pick iterations to last about `secs', print MB/s. */
static void
bench_row(struct bench_data *b, const char *name, uint32_t accm, int dec,
    double secs)
{
	unsigned int iters = 1;
	uint64_t bytes;
	double t0, t;

	bench_make_stream(b, accm);
	for (;;) {
		t0 = bench_now();
		bytes = dec ? bench_decode(b, iters) : bench_encode(b, accm,
		    iters);
		t = bench_now() - t0;
		if (t >= secs || iters >= (1U << 30))
			break;
		iters = t < secs / 64 ? iters * 8 : iters * 2;
	}
	printf("%-8s %-7s 0x%08x %10.1f %8.2f\n", name, dec ? "decode" :
	    "encode", (unsigned int)accm, bytes / t / 1e6,
	    (double)b->stream_len / (NFRAMES * FRAME_LEN));
}

int
main(int argc, char **argv)
{
	struct bench_data *b;
	double secs = 0.2;
	int ascii;

	if (argc > 1 && strcmp(argv[1], "--quick") == 0) {
		secs = 0.0;
		printf("quick run: one round each, figures not meaningful\n");
	}
	else if (argc > 1) {
		fprintf(stderr, "usage: bench_hdlc [--quick]\n");
		return 2;
	}
	if ((b = calloc(1, sizeof *b)) == NULL)
		return 1;
	printf("%-8s %-7s %-10s %10s %8s\n", "payload", "dir", "accm", "MB/s",
	    "expand");
	for (ascii = 0; ascii <= 1; ascii++) {
		bench_fill(b, ascii);
		bench_row(b, ascii ? "ascii" : "random", HDLC_ACCM_ALL, 0,
		    secs);
		bench_row(b, ascii ? "ascii" : "random", 0, 0, secs);
		bench_row(b, ascii ? "ascii" : "random", HDLC_ACCM_ALL, 1,
		    secs);
		bench_row(b, ascii ? "ascii" : "random", 0, 1, secs);
	}
	free(b->stream);
	free(b);
	return 0;
}
