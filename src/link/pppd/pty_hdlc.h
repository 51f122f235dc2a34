/*
 * pty_hdlc.h - the async-HDLC side of a pppd pty (RFC 1662), shared by the
 * client's pppd link (pppd_link.c) and sstpd's pppd backend
 * (link/pppdsrv/pppdsrv.c): the decoder for pppd's bytes, the encoders and
 * the output queue toward pppd with the ACCM pppd asked for, and the few
 * frames pppd sends before the SSTP call lets PPP flow.  The event wiring
 * (when to read, write, pause) stays with each link.
 *
 * RFC 1662 7.1: the ACCM pppd asks for in its LCP Configure-Request applies
 * to what pppd receives once the peer has acknowledged it; LCP
 * Configure..Code-Reject always go with the full map.  The watch is the
 * same whichever side pppd plays (client or server): pppd's own request,
 * the peer's Ack.
 */
#ifndef SSTPC_PTY_HDLC_H
#define SSTPC_PTY_HDLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "wire/hdlc.h"

#define PTY_HDLC_FRAME_BUF	(HDLC_MAX_FRAME + 64)
/*
 * Toward pppd: stop reading the server above HIGH, resume below LOW.  The
 * queue compacts before it grows, so with at most HIGH plus one encoded
 * frame pending it stays at 32 KiB and every compaction frees at least
 * as much as it moves.  The pty itself buffers up to 64 KiB more in the
 * kernel, so pppd never waits on this queue: 56 KiB (a 64 KiB queue)
 * moved no more bytes and kept 32 KiB more heap resident in a download
 * (bench/README.md; a 128 KiB HIGH made it grow to 256 KiB).
 */
#define PTY_HDLC_TX_HIGH	(24 * 1024)
#define PTY_HDLC_TX_LOW		(8 * 1024)
#define PTY_HDLC_TX_CAP		(1024 * 1024)
#define PTY_HDLC_HOLD_MAX	16	/* frames held before PPP may flow */

struct pty_hdlc_held {
	size_t		 len;
	uint8_t		 data[PTY_HDLC_FRAME_BUF];
};

struct pty_hdlc {
	struct hdlc_dec		 dec;
	struct hdlc_enc		 enc;		/* negotiated send ACCM */
	struct hdlc_enc		 enc_lcp;	/* LCP: always all (7.1) */
	bool			 accm_req_valid;
	uint8_t			 accm_req_id;	/* pppd's ConfReq carrying it */
	uint32_t		 accm_req;
	struct bq		 tx;		/* HDLC bytes for pppd */
	struct pty_hdlc_held	*held;
	size_t			 nheld;
	uint8_t			 frame_buf[PTY_HDLC_FRAME_BUF];
};

/* Set up (both encoders escape every control character).  0 or -ENOMEM. */
int	pty_hdlc_init(struct pty_hdlc *);
/* Free the queue and the held frames (the struct itself is the caller's). */
void	pty_hdlc_free(struct pty_hdlc *);
/*
 * Watch a PPP frame for the LCP ACCM: to_pppd false for pppd's frames,
 * true for the peer's frames going to pppd.
 */
void	pty_hdlc_watch_accm(struct pty_hdlc *, const uint8_t *f, size_t len,
	    bool to_pppd);
/*
 * HDLC-encode one frame into the queue toward pppd.  0, -ENOBUFS (pppd
 * is not reading: the queue is at its cap) or -EINVAL.
 */
int	pty_hdlc_queue(struct pty_hdlc *, const uint8_t *f, size_t len);
/* Bytes waiting for pppd. */
size_t	pty_hdlc_pending(const struct pty_hdlc *);
/*
 * Write what is queued to fd until done or EAGAIN.  0, or -errno when the
 * pty failed (the queue is dropped then).
 */
int	pty_hdlc_flush(struct pty_hdlc *, int fd);
/*
 * Keep a frame from pppd until PPP may flow; past PTY_HDLC_HOLD_MAX the
 * oldest goes (pppd retransmits).  Read them from held[0..nheld) and set
 * nheld to 0.
 */
void	pty_hdlc_hold(struct pty_hdlc *, const uint8_t *f, size_t len);

#endif /* SSTPC_PTY_HDLC_H */
