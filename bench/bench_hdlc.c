/*
 * bench_hdlc.c - async-HDLC encode/decode throughput.
 *
 * Payloads are 1400-byte frames, either random octets (about one in eight
 * needs escaping with ACCM 0xFFFFFFFF) or printable ASCII (only '}' and '~'
 * need escaping).  Encoding batches frames into a 64 KiB buffer, as the
 * bridge does for one pty write; decoding feeds a pre-encoded stream in
 * 16 KiB reads, as pty reads arrive.  The "fcs16" rows time hdlc_fcs16()
 * alone over the same payloads.
 *
 * Measurement: the process is pinned to one CPU (sched_setaffinity), each
 * row is calibrated to about 20 ms per repetition and repeated (15 times by
 * default); time is the thread's CPU time, so that time spent descheduled
 * on a loaded machine does not count.  MB/s counts PPP payload bytes (10^6
 * bytes per second): the median, then the slowest and fastest repetition;
 * "expand" is encoded size / payload size.  Nothing is asserted about
 * speed; the run fails only if the decoder does not get back exactly what
 * was encoded.
 *
 * Usage: bench_hdlc [--quick] [--reps n] [--cpu n]
 *                   [--impl scalar|ssse3|best]
 * --impl forces the codec implementation (hdlc_enc_set_impl and
 * hdlc_dec_set_impl); the default is what hdlc_enc_init picks.
 */
#include "config.h"

#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "wire/hdlc.h"

#define FRAME_LEN	1400
#define NFRAMES		256		/* distinct payloads */
#define ENC_BUF		(64 * 1024)
#define READ_LEN	(16 * 1024)
#define MAX_REPS	101

struct bench_data {
	uint8_t		 pay[NFRAMES][FRAME_LEN];
	uint8_t		 enc[ENC_BUF];
	uint8_t		*stream;	/* NFRAMES encoded frames */
	size_t		 stream_len;
	uint8_t		 frame[8192];
	int		 impl;		/* -1: as chosen by init */
	volatile uint16_t sink;
};

enum bench_op { OP_ENCODE, OP_DECODE, OP_FCS };

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

/* CPU time of this thread in seconds (wall time if unavailable). */
static double
bench_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Print the CPU model from /proc/cpuinfo. */
static void
bench_cpu_model(int cpu)
{
	char line[256], *v;
	FILE *f;

	if ((f = fopen("/proc/cpuinfo", "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			if (strncmp(line, "model name", 10) != 0 ||
			    (v = strchr(line, ':')) == NULL)
				continue;
			v[strcspn(v, "\n")] = '\0';
			printf("cpu%s", v);
			break;
		}
		fclose(f);
	}
	if (cpu >= 0)
		printf(" (pinned to CPU %d)\n", cpu);
	else
		printf(" (not pinned)\n");
}

/* Pin to one CPU: the one asked for, else the one we are running on. */
static int
bench_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		cpu = sched_getcpu();
	if (cpu < 0)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set) != 0)
		return -1;
	return cpu;
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

/* Set up an encoder with the implementation asked for. */
static void
bench_enc_init(struct bench_data *b, struct hdlc_enc *e, uint32_t accm)
{
	hdlc_enc_init(e, accm);
	if (b->impl >= 0 && hdlc_enc_set_impl(e, b->impl) != 0) {
		fprintf(stderr, "implementation %d not supported here\n",
		    b->impl);
		exit(1);
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

	bench_enc_init(b, &e, accm);
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

/* FCS-16 alone over `iters' rounds of all payloads. */
static uint64_t
bench_fcs(struct bench_data *b, unsigned int iters)
{
	uint64_t done = 0;
	unsigned int it;
	uint16_t v = 0;
	size_t i;

	for (it = 0; it < iters; it++)
		for (i = 0; i < NFRAMES; i++) {
			v ^= hdlc_fcs16(HDLC_FCS_INIT, b->pay[i], FRAME_LEN);
			done += FRAME_LEN;
		}
	b->sink = v;
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
	/* Always the portable encoder: the stream must not depend on it. */
	hdlc_enc_init(&e, accm);
	(void)hdlc_enc_set_impl(&e, HDLC_IMPL_SCALAR);
	wbuf_init(&w, b->stream, cap);
	for (i = 0; i < NFRAMES; i++)
		(void)hdlc_encode(&e, &w, b->pay[i], FRAME_LEN);
	if (wbuf_error(&w) != 0) {
		fprintf(stderr, "stream encode failed\n");
		exit(1);
	}
	b->stream_len = w.len;
}

/* Check that the encoder under test produces exactly the stream. */
static void
bench_check_encode(struct bench_data *b, uint32_t accm)
{
	struct hdlc_enc e;
	struct wbuf w;
	uint8_t *out;
	size_t i, cap;

	cap = NFRAMES * hdlc_encode_bound(FRAME_LEN);
	if ((out = malloc(cap)) == NULL)
		exit(1);
	bench_enc_init(b, &e, accm);
	wbuf_init(&w, out, cap);
	for (i = 0; i < NFRAMES; i++)
		(void)hdlc_encode(&e, &w, b->pay[i], FRAME_LEN);
	if (wbuf_error(&w) != 0 || w.len != b->stream_len ||
	    memcmp(out, b->stream, w.len) != 0) {
		fprintf(stderr, "encode mismatch\n");
		exit(1);
	}
	free(out);
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
	if (b->impl >= 0 && hdlc_dec_set_impl(&d, b->impl) != 0)
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

/* One timed run of `iters' rounds; returns MB/s. */
static double
bench_once(struct bench_data *b, enum bench_op op, uint32_t accm,
    unsigned int iters, double *secs)
{
	uint64_t bytes;
	double t0, t;

	t0 = bench_now();
	switch (op) {
	case OP_ENCODE:
		bytes = bench_encode(b, accm, iters);
		break;
	case OP_DECODE:
		bytes = bench_decode(b, iters);
		break;
	default:
		bytes = bench_fcs(b, iters);
		break;
	}
	t = bench_now() - t0;
	if (t <= 0)
		t = 1e-9;
	*secs = t;
	return (double)bytes / t / 1e6;
}

/* Ascending order of doubles for qsort. */
static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Run one row: calibrate, repeat, print median and range of MB/s. */
static void
bench_row(struct bench_data *b, const char *name, enum bench_op op,
    uint32_t accm, unsigned int reps, double secs)
{
	static const char *const ops[] = { "encode", "decode", "fcs16" };
	double mbs[MAX_REPS], t;
	unsigned int iters = 1, r;

	bench_make_stream(b, accm);
	if (op == OP_ENCODE)
		bench_check_encode(b, accm);
	for (;;) {
		(void)bench_once(b, op, accm, iters, &t);
		if (t >= secs || iters >= (1U << 24))
			break;
		iters = t < secs / 64 ? iters * 8 : iters * 2;
	}
	for (r = 0; r < reps; r++)
		mbs[r] = bench_once(b, op, accm, iters, &t);
	qsort(mbs, reps, sizeof mbs[0], bench_cmp);
	if (op == OP_FCS)
		printf("%-8s %-7s %-10s", name, ops[op], "-");
	else
		printf("%-8s %-7s 0x%08x", name, ops[op], (unsigned int)accm);
	printf(" %9.1f %9.1f %9.1f %7.2f\n", mbs[reps / 2], mbs[0],
	    mbs[reps - 1], (double)b->stream_len / (NFRAMES * FRAME_LEN));
}

/* Name to HDLC_IMPL_* (-1: leave the default), or -2 if unknown. */
static int
bench_impl(const char *s)
{
	if (strcmp(s, "best") == 0)
		return -1;
	if (strcmp(s, "scalar") == 0)
		return HDLC_IMPL_SCALAR;
	if (strcmp(s, "ssse3") == 0)
		return HDLC_IMPL_SSSE3;
	return -2;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = { "scalar", "ssse3" };
	struct bench_data *b;
	struct hdlc_enc e;
	double secs = 0.02;
	unsigned int reps = 15;
	int ascii, cpu = -1, i, impl = -1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			secs = 0.0;
			reps = 1;
		} else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
			reps = (unsigned int)strtoul(argv[++i], NULL, 10);
			if (reps < 1 || reps > MAX_REPS)
				goto usage;
		} else if (strcmp(argv[i], "--cpu") == 0 && i + 1 < argc) {
			cpu = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--impl") == 0 && i + 1 < argc) {
			if ((impl = bench_impl(argv[++i])) == -2)
				goto usage;
		} else
			goto usage;
	}
	if ((b = calloc(1, sizeof *b)) == NULL)
		return 1;
	b->impl = impl;
	if (secs == 0.0)
		printf("quick run: one round each, figures not meaningful\n");
	bench_cpu_model(bench_pin(cpu));
	hdlc_enc_init(&e, HDLC_ACCM_ALL);
	if (impl >= 0 && hdlc_enc_set_impl(&e, impl) != 0) {
		fprintf(stderr, "implementation %s not supported here\n",
		    names[impl]);
		free(b);
		return 1;
	}
	printf("codec: %s; %u repetitions, thread CPU time\n",
	    e.impl < 2 ? names[e.impl] : "?", reps);
	printf("%-8s %-7s %-10s %9s %9s %9s %7s\n", "payload", "dir", "accm",
	    "MB/s", "min", "max", "expand");
	for (ascii = 0; ascii <= 1; ascii++) {
		const char *name = ascii ? "ascii" : "random";

		bench_fill(b, ascii);
		bench_row(b, name, OP_ENCODE, HDLC_ACCM_ALL, reps, secs);
		bench_row(b, name, OP_ENCODE, 0, reps, secs);
		bench_row(b, name, OP_DECODE, HDLC_ACCM_ALL, reps, secs);
		bench_row(b, name, OP_DECODE, 0, reps, secs);
		if (!ascii)
			bench_row(b, name, OP_FCS, 0, reps, secs);
	}
	free(b->stream);
	free(b);
	return 0;
usage:
	fprintf(stderr, "usage: bench_hdlc [--quick] [--reps n] [--cpu n] "
	    "[--impl scalar|ssse3|best]\n");
	return 2;
}
