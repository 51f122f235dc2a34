/*
 * stream.h - the byte stream to the server: plain TCP (for the proxy
 * CONNECT) and then TLS, non-blocking, on libevent.
 */
#ifndef SSTPC_STREAM_H
#define SSTPC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

struct event_base;
struct stream;

#define STREAM_RX_SIZE		(64 * 1024)	/* input buffer, default */
/*
 * The smallest input buffer (stream_set_rx_size): one TLS plaintext record
 * plus the incomplete SSTP packet (< 4 KiB, MS-SSTP 2.2.1's 12-bit length)
 * the last one may have left; SSL_read hands a record over in parts when
 * less room is left.  sstpc's pty mode takes it: there a 64 KiB buffer was
 * written through under load (16 resident heap pages, issue 11's peak RSS)
 * for no throughput, pppd being the limit; sstpd and --tun keep 64 KiB,
 * which lets one wake-up take several records (their GRO batches).
 */
#define STREAM_RX_MIN		(STREAM_RECORD_MAX + 4096)
#define STREAM_TX_HIGH		(128 * 1024)	/* producers pause above */
#define STREAM_TX_LOW		(32 * 1024)	/* ...and resume below */
					/* (defaults; stream_set_tx_marks) */
#define STREAM_TX_CAP		(512 * 1024)	/* hard cap: write fails */
#define STREAM_RECORD_MAX	16384		/* TLS plaintext record */

struct stream_ops {
	/* TLS handshake finished (not yet verified: the owner checks). */
	void	(*connected)(void *arg);
	/*
	 * Bytes arrived: consume what forms complete units and return the
	 * count; the rest stays buffered and is offered again with more.
	 */
	size_t	(*input)(void *arg, const uint8_t *buf, size_t len);
	/* Output fell below the low mark after having been above high. */
	void	(*drained)(void *arg);
	/* EOF or error; err 0 = orderly EOF/close_notify.  Stream is dead. */
	void	(*closed)(void *arg, int err, const char *msg);
};

struct stream	*stream_new(struct event_base *, int fd,
		    const struct stream_ops *, void *arg);
/* Switch to TLS (client side) with this SSL; the handshake starts now. */
int		 stream_start_tls(struct stream *, SSL *);
SSL		*stream_ssl(struct stream *);
int		 stream_fd(const struct stream *);
/* Queue bytes for sending; -ENOBUFS above STREAM_TX_CAP. */
int		 stream_write(struct stream *, const void *, size_t);
/* Reserve n bytes at the end of the output queue to fill in place. */
uint8_t		*stream_reserve(struct stream *, size_t n);
/*
 * Watermarks of the output queue: producers pause above high and resume
 * below low (1 <= low <= high <= STREAM_TX_CAP; STREAM_TX_HIGH/LOW until
 * set).
 */
void		 stream_set_tx_marks(struct stream *, size_t high, size_t low);
/*
 * Size of the input buffer, clamped to STREAM_RX_MIN..STREAM_RX_SIZE
 * (STREAM_RX_SIZE until set); only while no input is buffered: 0, or
 * -EBUSY.  The buffer is allocated at the first read, so a size set
 * before it costs no second allocation.
 */
int		 stream_set_rx_size(struct stream *, size_t size);
/* True when output is above the high watermark (pause producers). */
bool		 stream_tx_full(const struct stream *);
size_t		 stream_tx_pending(const struct stream *);
/* Stop / resume delivering input (back-pressure from the consumer). */
void		 stream_pause_input(struct stream *, bool pause);
/* Flush what is queued, send close_notify, close the socket, free. */
void		 stream_free(struct stream *, bool graceful);
/* Counters. */
uint64_t	 stream_bytes_in(const struct stream *);
uint64_t	 stream_bytes_out(const struct stream *);

#endif /* SSTPC_STREAM_H */
