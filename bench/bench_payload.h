/*
 * bench_payload.h - the PPP frames the pty benchmark moves, shared by the
 * generator (bench_pty, playing pppd) and the server (sstp_sink).
 *
 * Every frame is what pppd hands its async line discipline before ACFC/PFC
 * are negotiated: FF 03, protocol 0x0021 (IPv4), then a 1400-byte IP-like
 * payload:
 *
 *   seq (be32) | ~seq (be32) | 1392 bytes of block[seq % BP_NBLOCKS]
 *
 * The blocks are generated from a fixed seed, so both ends know exactly what
 * every frame must hold: the receiver checks every byte (memcmp against the
 * expected block), not a checksum.  "random" blocks are uniform octets (about
 * one in eight needs escaping with ACCM 0xFFFFFFFF); "ascii" blocks are
 * printable characters (only '}' and '~' need escaping).
 */
#ifndef SSTPC_BENCH_PAYLOAD_H
#define SSTPC_BENCH_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BP_PAYLOAD	1400		/* IP-like payload per frame */
#define BP_PPP_HDR	4		/* FF 03 00 21 */
#define BP_FRAME_LEN	(BP_PPP_HDR + BP_PAYLOAD)
#define BP_NBLOCKS	64
#define BP_BLOCK_LEN	(BP_PAYLOAD - 8)

/* The generated blocks.  About 90 KB: allocate it. */
struct bp_pool {
	bool		ascii;
	uint8_t		blk[BP_NBLOCKS][BP_BLOCK_LEN];
};

/* Verdict of bp_check(). */
enum bp_verdict {
	BP_OK = 0,		/* a benchmark frame, every byte as expected */
	BP_CORRUPT = 1,		/* a benchmark frame with wrong bytes */
	BP_OTHER = 2		/* not an IPv4 frame (e.g. LCP) */
};

/* Fill the pool from the fixed seed; ascii selects printable blocks. */
void		bp_pool_init(struct bp_pool *, bool ascii);
/* Write frame number seq (BP_FRAME_LEN bytes) to out. */
void		bp_frame(const struct bp_pool *, uint32_t seq, uint8_t *out);
/*
 * Check a received PPP frame (FF 03 optional, as ACFC would leave it).
 * Sets *seq for BP_OK (and for BP_CORRUPT when the sequence field itself
 * is intact; else *seq = UINT32_MAX).
 */
enum bp_verdict	bp_check(const struct bp_pool *, const uint8_t *f, size_t len,
		    uint32_t *seq);
/* Build an LCP packet frame (FF 03 C0 21 code id 00 04) into out[8]. */
void		bp_lcp(uint8_t code, uint8_t id, uint8_t out[8]);
/* Is f an LCP frame with this code?  (FF 03 optional.) */
bool		bp_is_lcp(const uint8_t *f, size_t len, uint8_t code);
/* CLOCK_MONOTONIC in nanoseconds (one clock for all bench processes). */
uint64_t	bp_now_ns(void);

#endif /* SSTPC_BENCH_PAYLOAD_H */
