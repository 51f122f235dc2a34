/*
 * hdlc.h - async-HDLC framing (RFC 1662) between sstpc and pppd's pty.
 *
 * pppd on a pty runs the kernel's ppp_async line discipline, so everything
 * it writes is 0x7E-delimited, 0x7D-escaped and carries an FCS-16; SSTP
 * carries bare PPP frames (MS-SSTP 2.2.3, PROTOCOL.md 5.1).  This module is
 * the pure codec in between:
 *
 *   decoder  pty bytes -> PPP frames.  Incremental: escape and partial-frame
 *            state survive across reads, so a frame may be split anywhere.
 *            Each complete frame is FCS-checked, the FCS stripped, and the
 *            frame left in a caller buffer after `headroom' bytes so that the
 *            4-byte SSTP data header can be prepended in place.
 *   encoder  PPP frame -> escaped, FCS-16 trailed, flag-delimited bytes,
 *            appended to a struct wbuf so that many frames can be batched
 *            into one pty write.
 *
 * Both are on the data hot path: they work on whole buffers, never through
 * a function call per byte.  The portable implementation scans eight
 * octets at a time and computes the FCS by slicing-by-8; on x86-64 with
 * SSSE3, POPCNT and PCLMULQDQ (chosen at init, see HDLC_IMPL_*) it escapes
 * and unescapes 16 octets per step and folds the FCS with carry-less
 * multiplies.  Every implementation produces the same bytes.
 *
 * No I/O, no globals; the tables are const.
 */
#ifndef SSTPC_HDLC_H
#define SSTPC_HDLC_H

#include <stddef.h>
#include <stdint.h>

struct bcur;
struct wbuf;

#define HDLC_FLAG		0x7e	/* RFC 1662 4.1 Flag Sequence */
#define HDLC_ESC		0x7d	/* RFC 1662 4.2 Control Escape */
#define HDLC_TRANS		0x20	/* escaped octet = octet XOR 0x20 */
#define HDLC_FCS_INIT		0xffff	/* RFC 1662 C.2 PPPINITFCS16 */
#define HDLC_FCS_GOOD		0xf0b8	/* RFC 1662 C.2 PPPGOODFCS16 */
#define HDLC_FCS_LEN		2
#define HDLC_MIN_FRAME		4	/* shortest frame kept, FCS included */
/* Largest PPP frame in one SSTP data packet: 4095 - 4 (PROTOCOL.md 5.3) */
#define HDLC_MAX_FRAME		4091
#define HDLC_ACCM_ALL		0xffffffffU	/* escape every control char */

/*
 * Codec implementations.  hdlc_enc_init and hdlc_dec_init pick the best one
 * this CPU runs; hdlc_enc_set_impl / hdlc_dec_set_impl can force a lower
 * one (tests compare them, benchmarks time them).
 */
#define HDLC_IMPL_SCALAR	0	/* portable C */
#define HDLC_IMPL_SSSE3		1	/* x86-64 SSSE3, POPCNT, PCLMULQDQ */

/* Counters; the decoder and the encoder each keep one. */
struct hdlc_stats {
	uint64_t	frames;		/* frames delivered / encoded */
	uint64_t	bytes;		/* PPP bytes in those frames, no FCS */
	uint64_t	raw_bytes;	/* async bytes consumed / produced */
	uint64_t	bad_fcs;	/* dropped: FCS check failed */
	uint64_t	too_short;	/* dropped: < HDLC_MIN_FRAME bytes */
	uint64_t	too_long;	/* dropped: longer than max_frame */
	uint64_t	aborted;	/* dropped: 0x7D 0x7E abort sequence */
	uint64_t	accm_dropped;	/* unescaped chars in rx ACCM dropped */
};

/*
 * Decoder state.  Treat as opaque; the fields are here so that it can live
 * inside the session context without an allocation.
 */
struct hdlc_dec {
	uint8_t			*buf;		/* caller's frame buffer */
	size_t			 cap;		/* its size */
	size_t			 headroom;	/* free bytes before a frame */
	size_t			 max_req;	/* max_frame as asked for */
	size_t			 max_frame;	/* frame length cap, no FCS */
	size_t			 len;		/* bytes of the current frame */
	uint32_t		 accm;		/* receive ACCM, default 0 */
	uint8_t			 esc;		/* last byte was 0x7D */
	uint8_t			 discard;	/* dropping until a flag */
	uint8_t			 impl;		/* HDLC_IMPL_* in use */
	struct hdlc_stats	 stats;
};

/* A decoded frame: data[0..len) with headroom writable bytes before data. */
struct hdlc_frame {
	uint8_t		*data;
	size_t		 len;
	size_t		 headroom;
};

/*
 * Encoder state: the send ACCM as a per-octet escape table (and as a
 * per-low-nibble class table for the SIMD classifier), and counters.
 */
struct hdlc_enc {
	uint32_t		 accm;
	uint8_t			 impl;		/* HDLC_IMPL_* in use */
	uint8_t			 esc[256];	/* 1 = octet must be escaped */
	uint8_t			 cls[16];	/* see hdlc_enc_set_accm */
	struct hdlc_stats	 stats;
};

/*
 * Running FCS-16 over buf[0..len) starting from fcs (RFC 1662 C.2).  Start
 * with HDLC_FCS_INIT; over a frame plus its transmitted FCS the result is
 * HDLC_FCS_GOOD; the FCS to transmit is the complement of the result over
 * the frame alone, low octet first.
 */
uint16_t	hdlc_fcs16(uint16_t fcs, const void *buf, size_t len);

/*
 * Set up a decoder writing frames into buf[headroom..cap).  max_frame caps
 * the PPP frame length (FCS excluded; 0 means HDLC_MAX_FRAME) and is lowered
 * to what the buffer holds.  Returns 0, or -EINVAL if buf cannot hold even
 * a minimal frame after the headroom.  The receive ACCM starts at 0.
 */
int		hdlc_dec_init(struct hdlc_dec *, void *buf, size_t cap,
		    size_t headroom, size_t max_frame);
/* Set the receive ACCM (see hdlc.c for what a set bit means on input). */
void		hdlc_dec_set_accm(struct hdlc_dec *, uint32_t accm);
/*
 * Give the decoder a new frame buffer (same headroom), e.g. after handing a
 * returned frame's buffer to the SSTP writer.  Only between frames: returns
 * -EBUSY while a partial frame is held, -EINVAL if the buffer is too small.
 */
int		hdlc_dec_set_buf(struct hdlc_dec *, void *buf, size_t cap);
/*
 * Force an implementation (HDLC_IMPL_*) on an initialised decoder or
 * encoder.  Returns 0, or -ENOTSUP if this CPU or build lacks it.
 */
int		hdlc_dec_set_impl(struct hdlc_dec *, int impl);
int		hdlc_enc_set_impl(struct hdlc_enc *, int impl);
/* Drop any partial frame and escape state (e.g. when pppd restarts). */
void		hdlc_dec_reset(struct hdlc_dec *);
/*
 * Consume async bytes from in until one good frame is complete.  Returns 1
 * with *frame set (in is advanced just past the frame's closing flag; the
 * frame stays valid until the next hdlc_decode or hdlc_dec_set_buf call),
 * or 0 when in is exhausted (partial state kept for the next call).  Bad
 * frames are dropped and counted, never returned.
 */
int		hdlc_decode(struct hdlc_dec *, struct bcur *in,
		    struct hdlc_frame *frame);

/* Set up an encoder with a send ACCM (HDLC_ACCM_ALL is always safe). */
void		hdlc_enc_init(struct hdlc_enc *, uint32_t accm);
/* Change the send ACCM; 0x7D and 0x7E are escaped whatever it says. */
void		hdlc_enc_set_accm(struct hdlc_enc *, uint32_t accm);
/* Worst-case encoded size of an n-byte frame: 2 flags + 2 * (n + FCS). */
size_t		hdlc_encode_bound(size_t n);
/*
 * Append the async-HDLC form of frame[0..len) to w: an opening flag (left
 * out when w already ends in a flag, so batched frames share one), the
 * escaped frame and FCS, and a closing flag.  Needs hdlc_encode_bound(len)
 * bytes of room in w; otherwise w's sticky error is set.  Returns 0 or the
 * wbuf error (-ENOSPC, -EINVAL).
 */
int		hdlc_encode(struct hdlc_enc *, struct wbuf *w,
		    const void *frame, size_t len);

#endif /* SSTPC_HDLC_H */
