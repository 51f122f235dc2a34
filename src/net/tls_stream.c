/*
 * tls_stream.c - non-blocking TCP/TLS stream on libevent (see tls_stream.h).
 *
 * Why not bufferevent_openssl: it writes one SSL_write per evbuffer chain
 * segment and reads into small chains, so neither the record size nor the
 * number of syscalls is under our control.  Here the output is one linear
 * queue written in records of up to 16 KiB (many SSTP packets per record,
 * REFERENCE-CLIENT.md 9 F1), and input is read into one 64 KiB buffer that
 * the SSTP framer parses in place (F3).  SSL_pending() is drained on every
 * read so no decrypted bytes wait for the next TLS record (a 1.0.18 stall).
 *
 * The end of input (EOF, close_notify, a reset or a TLS error while reading)
 * is held back until the owner has been offered every byte read before it:
 * a proxy's 407 and its FIN, or an SSTP Call Disconnect and close_notify,
 * often arrive in one read, and the close must not win over the message.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <openssl/err.h>
#include <event2/event.h>

#include "util/buf.h"
#include "util/log.h"
#include "net/tls_stream.h"
#include "net/tls.h"

enum stream_mode {
	STREAM_PLAIN,
	STREAM_HANDSHAKE,
	STREAM_TLS,
	STREAM_DEAD
};

struct stream {
	struct event_base	*base;
	int			 fd;
	SSL			*ssl;
	enum stream_mode	 mode;
	struct event		*rev;
	struct event		*wev;
	struct event		*kick;		/* re-run input after resume */
	const struct stream_ops	*ops;
	void			*arg;
	bool			 paused;
	bool			 was_full;
	bool			 in_callback;
	bool			 free_pending;
	bool			 closing;
	bool			 want_write;	/* OpenSSL asked for EV_WRITE */
	bool			 rx_end;	/* input ended; rx unoffered */
	int			 rx_end_err;	/* ...closed() status then */
	char			 rx_end_msg[256];
	uint8_t			*rx;
	size_t			 rx_len;
	size_t			 rx_cap;	/* rx's size */
	struct bq		 tx;		/* output queue */
	size_t			 tx_high;	/* producers pause above */
	size_t			 tx_low;	/* ...and resume below */
	size_t			 tx_retry;	/* SSL_write length to repeat */
	uint64_t		 bytes_in;
	uint64_t		 bytes_out;
};

static void	stream_fail(struct stream *, int, const char *);

/* Enable the write event only while something waits to be sent. */
static void
stream_update_events(struct stream *s)
{
	if (s->mode == STREAM_DEAD)
		return;
	if ((s->mode != STREAM_HANDSHAKE && bq_pending(&s->tx) > 0) ||
	    s->want_write)
		event_add(s->wev, NULL);
	else
		event_del(s->wev);
	if (s->paused || s->rx_end)
		event_del(s->rev);
	else
		event_add(s->rev, NULL);
}

/*
 * The read side ended (err 0: orderly EOF or close_notify): note it and stop
 * reading; closed() follows once the owner has seen the buffered input.
 */
static void
stream_read_end(struct stream *s, int err, const char *msg)
{
	s->rx_end = true;
	s->rx_end_err = err;
	snprintf(s->rx_end_msg, sizeof s->rx_end_msg, "%s", msg);
	event_del(s->rev);
}

/*
 * After input was offered: once the read side has ended and the owner is not
 * holding input back (paused), what it left in the buffer is an incomplete
 * unit that can never complete, and the stream dies with the noted reason.
 * Returns -1 when the stream died.
 */
static int
stream_end_check(struct stream *s)
{
	if (!s->rx_end || s->paused || s->mode == STREAM_DEAD ||
	    s->free_pending)
		return s->mode == STREAM_DEAD ? -1 : 0;
	stream_fail(s, s->rx_end_err, s->rx_end_msg);
	return -1;
}

/* Offer buffered input to the owner; keep what it did not consume. */
static void
stream_deliver(struct stream *s)
{
	size_t used;

	while (s->rx_len > 0 && !s->paused && s->mode != STREAM_DEAD) {
		used = s->ops->input(s->arg, s->rx, s->rx_len);
		if (s->mode == STREAM_DEAD || s->free_pending)
			return;
		if (used == 0)
			break;
		if (used > s->rx_len)
			used = s->rx_len;
		memmove(s->rx, s->rx + used, s->rx_len - used);
		s->rx_len -= used;
	}
}

/*
 * Read as much as fits; returns 0 when the socket (and OpenSSL) ran dry or
 * the read side ended (stream_read_end: the bytes read stay to be offered),
 * 1 when the buffer filled up first (more may be waiting).
 */
static int
stream_read_some(struct stream *s)
{
	ssize_t n;
	int r, e;
	char msg[256];

	/* Allocated here, once its size is settled (stream_set_rx_size). */
	if (s->rx == NULL && !s->rx_end &&
	    (s->rx = malloc(s->rx_cap)) == NULL) {
		stream_read_end(s, -ENOMEM, "out of memory for input");
		return 0;
	}
	while (!s->rx_end && s->rx_len < s->rx_cap) {
		size_t room = s->rx_cap - s->rx_len;

		if (s->mode == STREAM_PLAIN) {
			n = read(s->fd, s->rx + s->rx_len, room);
			if (n > 0) {
				s->rx_len += (size_t)n;
				s->bytes_in += (uint64_t)n;
				continue;
			}
			if (n == 0) {
				stream_read_end(s, 0,
				    "connection closed by peer");
				return 0;
			}
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			stream_read_end(s, -errno, strerror(errno));
			return 0;
		}
		ERR_clear_error();
		r = SSL_read(s->ssl, s->rx + s->rx_len, (int)room);
		if (r > 0) {
			s->rx_len += (size_t)r;
			s->bytes_in += (uint64_t)r;
			continue;
		}
		e = SSL_get_error(s->ssl, r);
		switch (e) {
		case SSL_ERROR_WANT_READ:
			return 0;
		case SSL_ERROR_WANT_WRITE:
			s->want_write = true;
			return 0;
		case SSL_ERROR_ZERO_RETURN:
			stream_read_end(s, 0, "TLS session closed by peer "
			    "(close_notify)");
			return 0;
		case SSL_ERROR_SYSCALL:
			if (errno == 0 || errno == EAGAIN) {
				stream_read_end(s, -ECONNRESET, "connection "
				    "closed by peer without TLS close_notify");
				return 0;
			}
			stream_read_end(s, -errno, strerror(errno));
			return 0;
		default:
			tls_error_string(msg, sizeof msg);
			stream_read_end(s, -EPROTO, msg);
			return 0;
		}
	}
	return s->rx_end ? 0 : 1;
}

/* Write queued output; returns 0, or -1 when the stream died. */
static int
stream_flush(struct stream *s)
{
	size_t chunk;
	ssize_t n;
	int r, e;
	char msg[256];

	while (bq_pending(&s->tx) > 0) {
		chunk = bq_pending(&s->tx);
		if (s->mode == STREAM_PLAIN) {
			n = send(s->fd, bq_head(&s->tx), chunk, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				stream_fail(s, -errno, strerror(errno));
				return -1;
			}
			bq_consume(&s->tx, (size_t)n);
			s->bytes_out += (uint64_t)n;
			continue;
		}
		/* A retried SSL_write must repeat the same length. */
		if (s->tx_retry != 0)
			chunk = s->tx_retry;
		else if (chunk > STREAM_RECORD_MAX)
			chunk = STREAM_RECORD_MAX;
		ERR_clear_error();
		r = SSL_write(s->ssl, bq_head(&s->tx), (int)chunk);
		if (r > 0) {
			s->want_write = false;
			s->tx_retry = 0;
			bq_consume(&s->tx, (size_t)r);
			s->bytes_out += (uint64_t)r;
			continue;
		}
		e = SSL_get_error(s->ssl, r);
		if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
			s->tx_retry = chunk;
			break;
		}
		if (e == SSL_ERROR_SYSCALL && errno != 0)
			stream_fail(s, -errno, strerror(errno));
		else {
			tls_error_string(msg, sizeof msg);
			stream_fail(s, -EPROTO, msg);
		}
		return -1;
	}
	if (s->was_full && bq_pending(&s->tx) < s->tx_low) {
		s->was_full = false;
		if (s->ops->drained != NULL && !s->closing)
			s->ops->drained(s->arg);
	}
	return 0;
}

/* Drive the TLS handshake; returns 0 while in progress or done, -1 dead. */
static int
stream_handshake(struct stream *s)
{
	int r, e;
	char msg[300], ssl_err[256];

	ERR_clear_error();
	r = SSL_do_handshake(s->ssl);
	if (r == 1) {
		s->mode = STREAM_TLS;
		s->want_write = false;
		event_del(s->wev);
		s->ops->connected(s->arg);
		return s->mode == STREAM_DEAD ? -1 : 0;
	}
	e = SSL_get_error(s->ssl, r);
	if (e == SSL_ERROR_WANT_READ) {
		s->want_write = false;
		return 0;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		s->want_write = true;
		return 0;
	}
	tls_error_string(ssl_err, sizeof ssl_err);
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && errno == 0)
		snprintf(msg, sizeof msg, "TLS handshake failed: connection "
		    "closed by peer");
	else
		snprintf(msg, sizeof msg, "TLS handshake failed: %s", ssl_err);
	stream_fail(s, -EPROTO, msg);
	return -1;
}

static void
stream_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stream *s = arg;

	s->in_callback = true;
	if (what & EV_WRITE) {
		/* Whatever OpenSSL wanted to write is retried below. */
		if (s->want_write && s->mode == STREAM_TLS)
			what |= EV_READ;
		s->want_write = false;
	}
	if (s->mode == STREAM_HANDSHAKE) {
		if (stream_handshake(s) < 0 || s->mode == STREAM_HANDSHAKE)
			goto out;
	}
	if ((what & EV_WRITE) && s->mode != STREAM_DEAD &&
	    stream_flush(s) < 0)
		goto out;
	if (((what & EV_READ) || (s->ssl != NULL && SSL_pending(s->ssl) > 0))
	    && !s->paused && s->mode != STREAM_DEAD) {
		int r = 1, rounds;

		/*
		 * Read, let the owner parse in place, repeat while the buffer
		 * keeps filling up: bytes OpenSSL already decrypted do not
		 * make the socket readable again (the 1.0.18 burst stall).
		 * Bounded, so one busy stream cannot starve the pty side.
		 */
		for (rounds = 0; r == 1 && rounds < 8; rounds++) {
			r = stream_read_some(s);
			stream_deliver(s);
			if (s->mode == STREAM_DEAD || s->free_pending ||
			    s->paused)
				break;
		}
		/* Input offered: now the end of input, if it came. */
		if (stream_end_check(s) < 0)
			goto out;
		if (r == 1 && !s->paused && s->mode != STREAM_DEAD &&
		    !s->free_pending) {
			struct timeval tv = { 0, 0 };

			evtimer_add(s->kick, &tv);	/* continue next turn */
		}
		/* Flush what the input handler queued in the same pass. */
		if (s->mode != STREAM_DEAD && !s->free_pending &&
		    stream_flush(s) < 0)
			goto out;
	}
out:
	s->in_callback = false;
	if (s->free_pending) {
		s->free_pending = false;
		stream_free(s, false);
		return;
	}
	stream_update_events(s);
}


/*
 * TCP_NODELAY (both ends: the client's connection, sstpd's accepted one):
 * each TLS write leaves at once, without waiting for an ACK behind a
 * small one (Nagle, RFC 896) -- the tunnelled flows pace themselves.  Not
 * a TCP socket (a test's socketpair): nothing to do.
 */
static void
stream_nodelay(int fd)
{
	int one = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Resume after a pause: deliver buffered input and SSL_pending() bytes. */
static void
stream_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	stream_io_cb(-1, EV_READ, arg);
}

static void
stream_fail(struct stream *s, int err, const char *msg)
{
	if (s->mode == STREAM_DEAD)
		return;
	s->mode = STREAM_DEAD;
	event_del(s->rev);
	event_del(s->wev);
	event_del(s->kick);
	if (!s->closing)
		s->ops->closed(s->arg, err, msg);
}

struct stream *
stream_new(struct event_base *base, int fd, const struct stream_ops *ops,
    void *arg)
{
	struct stream *s;

	s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->base = base;
	s->fd = fd;
	stream_nodelay(fd);
	s->ops = ops;
	s->arg = arg;
	s->mode = STREAM_PLAIN;
	s->rx_cap = STREAM_RX_SIZE;	/* rx: at the first read */
	bq_init(&s->tx, 16 * 1024, STREAM_TX_CAP);
	s->tx_high = STREAM_TX_HIGH;
	s->tx_low = STREAM_TX_LOW;
	s->rev = event_new(base, fd, EV_READ | EV_PERSIST, stream_io_cb, s);
	s->wev = event_new(base, fd, EV_WRITE | EV_PERSIST, stream_io_cb, s);
	s->kick = evtimer_new(base, stream_kick_cb, s);
	if (s->tx.p == NULL || s->rev == NULL ||
	    s->wev == NULL || s->kick == NULL) {
		stream_free(s, false);
		return NULL;
	}
	event_add(s->rev, NULL);
	return s;
}

int
stream_start_tls(struct stream *s, SSL *ssl)
{
	s->ssl = ssl;
	s->mode = STREAM_HANDSHAKE;
	/*
	 * The ClientHello goes out when the socket is writable.  (Not by
	 * event_active(): when called from an input callback, the
	 * event_del() in stream_update_events() would cancel it.)
	 */
	s->want_write = true;
	event_add(s->wev, NULL);
	return 0;
}

int
stream_fd(const struct stream *s)
{
	return s->fd;
}

SSL *
stream_ssl(struct stream *s)
{
	return s->ssl;
}

uint8_t *
stream_reserve(struct stream *s, size_t n)
{
	uint8_t *p;

	if (s->mode == STREAM_DEAD)
		return NULL;
	p = bq_reserve(&s->tx, n);
	if (p == NULL)
		return NULL;
	if (bq_pending(&s->tx) > s->tx_high)
		s->was_full = true;
	if (!s->in_callback && s->mode != STREAM_HANDSHAKE)
		event_add(s->wev, NULL);
	return p;
}

int
stream_write(struct stream *s, const void *buf, size_t len)
{
	uint8_t *p = stream_reserve(s, len);

	if (p == NULL)
		return s->mode == STREAM_DEAD ? -EPIPE : -ENOBUFS;
	memcpy(p, buf, len);
	return 0;
}

/* Set the output queue's watermarks; low is kept in 1..high. */
void
stream_set_tx_marks(struct stream *s, size_t high, size_t low)
{
	if (high > STREAM_TX_CAP)
		high = STREAM_TX_CAP;
	if (low > high)
		low = high;
	if (low == 0)
		low = 1;
	s->tx_high = high;
	s->tx_low = low;
}

/* Resize the input buffer while it is empty; see tls_stream.h. */
int
stream_set_rx_size(struct stream *s, size_t size)
{
	if (size < STREAM_RX_MIN)
		size = STREAM_RX_MIN;
	if (size > STREAM_RX_SIZE)
		size = STREAM_RX_SIZE;
	if (s->rx_len > 0)
		return -EBUSY;
	/* Allocated again at the next read (stream_read_some). */
	free(s->rx);
	s->rx = NULL;
	s->rx_cap = size;
	return 0;
}

bool
stream_tx_full(const struct stream *s)
{
	return bq_pending(&s->tx) > s->tx_high;
}

size_t
stream_tx_pending(const struct stream *s)
{
	return bq_pending(&s->tx);
}

void
stream_pause_input(struct stream *s, bool pause)
{
	struct timeval tv = { 0, 0 };

	if (s->paused == pause || s->mode == STREAM_DEAD)
		return;
	s->paused = pause;
	if (pause)
		event_del(s->rev);
	else {
		if (!s->rx_end)
			event_add(s->rev, NULL);
		/* Buffered or SSL-pending bytes will not wake the socket. */
		evtimer_add(s->kick, &tv);
	}
}

uint64_t
stream_bytes_in(const struct stream *s)
{
	return s->bytes_in;
}

uint64_t
stream_bytes_out(const struct stream *s)
{
	return s->bytes_out;
}

void
stream_free(struct stream *s, bool graceful)
{
	if (s == NULL)
		return;
	s->closing = true;	/* no more callbacks to the owner */
	if (graceful && s->mode == STREAM_TLS) {
		/* Best effort: queued bytes, then close_notify. */
		(void)stream_flush(s);
		if (s->mode == STREAM_TLS)
			(void)SSL_shutdown(s->ssl);
	}
	if (s->in_callback) {
		/* Freed by stream_io_cb() when the callback returns. */
		s->mode = STREAM_DEAD;
		s->free_pending = true;
		return;
	}
	if (s->rev != NULL)
		event_free(s->rev);
	if (s->wev != NULL)
		event_free(s->wev);
	if (s->kick != NULL)
		event_free(s->kick);
	if (s->ssl != NULL)
		SSL_free(s->ssl);
	if (s->fd >= 0)
		close(s->fd);
	free(s->rx);
	bq_free(&s->tx);
	free(s);
}

