/*
 * test_tls_stream.c - the stream's end of input (src/net/tls_stream.c): the
 * bytes read together with the EOF reach the owner before closed(), also
 * when the owner pauses input in between.  Plain mode over a socketpair;
 * the peer writes its reply and closes before the loop runs, so the reply
 * and the EOF are seen in one read (the tinyproxy 407 race, made certain).
 * Also the output queue's watermarks and the input buffer's size, the
 * defaults and a stream's own.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "harness.h"
#include "net/tls_stream.h"

/* What the owner saw, in order. */
struct owner {
	struct event_base	*base;
	struct stream		*st;
	uint8_t			 got[256];
	size_t			 got_len;
	size_t			 take;		/* bytes consumed per call */
	bool			 pause_after_first;
	int			 inputs;
	int			 closed;
	int			 closed_err;
	size_t			 got_at_close;	/* got_len when closed() came */
	char			 msg[160];
	int			 drained;
};

/* Consume up to o->take bytes; optionally pause after the first call. */
static size_t
owner_input(void *arg, const uint8_t *buf, size_t len)
{
	struct owner *o = arg;
	size_t n = len < o->take ? len : o->take;

	o->inputs++;
	if (n > sizeof o->got - o->got_len)
		n = sizeof o->got - o->got_len;
	memcpy(o->got + o->got_len, buf, n);
	o->got_len += n;
	if (o->pause_after_first && o->inputs == 1)
		stream_pause_input(o->st, true);
	return n;
}

/* Record the close and stop the loop. */
static void
owner_closed(void *arg, int err, const char *msg)
{
	struct owner *o = arg;

	o->closed++;
	o->closed_err = err;
	o->got_at_close = o->got_len;
	strncpy(o->msg, msg, sizeof o->msg - 1);
	event_base_loopexit(o->base, NULL);
}

/* Never called in plain mode. */
static void
owner_connected(void *arg)
{
	(void)arg;
}

/* Output fell below the low mark: count it and stop the loop. */
static void
owner_drained(void *arg)
{
	struct owner *o = arg;

	o->drained++;
	event_base_loopexit(o->base, NULL);
}

static const struct stream_ops owner_ops = {
	.connected = owner_connected,
	.input = owner_input,
	.drained = owner_drained,
	.closed = owner_closed,
};

/* Resume input from a timer (the owner's back-pressure is gone). */
static void
resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct owner *o = arg;

	(void)fd;
	(void)what;
	stream_pause_input(o->st, false);
}

static const char reply[] =
    "HTTP/1.0 407 Proxy Authentication Required\r\n"
    "Proxy-Authenticate: Basic realm=\"Tinyproxy\"\r\n"
    "Connection: close\r\n\r\n<html>407</html>\n";

/*
 * A new event base in *base and a stream on sv[0] of a fresh socketpair
 * (non-blocking); sv[1] is the test's end, the peer.
 */
static struct stream *
stream_on_pair(struct event_base **base, const struct stream_ops *ops,
    void *arg, int sv[2])
{
	struct stream *st;

	ASSERT_INT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ASSERT_INT_EQ(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	*base = event_base_new();
	ASSERT_PTR_NOT_NULL(*base);
	st = stream_new(*base, sv[0], ops, arg);
	ASSERT_PTR_NOT_NULL(st);
	return st;
}

/* Run one stream over a socketpair whose peer sent reply and closed. */
static void
run_case(struct owner *o)
{
	struct event *resume = NULL;
	struct timeval tv = { 0, 20000 }, guard = { 5, 0 };
	int sv[2];

	o->st = stream_on_pair(&o->base, &owner_ops, o, sv);
	ASSERT_INT_EQ(write(sv[1], reply, sizeof reply - 1),
	    (ssize_t)(sizeof reply - 1));
	close(sv[1]);
	if (o->pause_after_first) {
		resume = evtimer_new(o->base, resume_cb, o);
		evtimer_add(resume, &tv);
	}
	event_base_loopexit(o->base, &guard);
	event_base_dispatch(o->base);
	if (resume != NULL)
		event_free(resume);
	stream_free(o->st, false);	/* closed() leaves it to the owner */
	event_base_free(o->base);
}

static void
test_eof_after_data(void)
{
	struct owner o;

	TEST_START("stream: reply and EOF in one read: reply first");
	memset(&o, 0, sizeof o);
	o.take = SIZE_MAX;
	run_case(&o);
	ASSERT_INT_EQ(o.closed, 1);
	ASSERT_INT_EQ(o.closed_err, 0);
	ASSERT_INT_EQ(o.got_at_close, sizeof reply - 1);
	ASSERT_MEM_EQ(o.got, reply, sizeof reply - 1);
	ASSERT_STR_EQ(o.msg, "connection closed by peer");
	TEST_DONE();
}

static void
test_eof_partial_units(void)
{
	struct owner o;

	TEST_START("stream: EOF waits while the owner takes units");
	memset(&o, 0, sizeof o);
	o.take = 10;		/* ten bytes a call: several calls */
	run_case(&o);
	ASSERT_INT_EQ(o.closed, 1);
	ASSERT_INT_EQ(o.got_at_close, sizeof reply - 1);
	ASSERT_TRUE(o.inputs >= (int)((sizeof reply - 1) / 10));
	TEST_DONE();
}

static void
test_eof_while_paused(void)
{
	struct owner o;

	TEST_START("stream: EOF held while paused, delivered on resume");
	memset(&o, 0, sizeof o);
	o.take = 16;
	o.pause_after_first = true;
	run_case(&o);
	ASSERT_INT_EQ(o.closed, 1);
	ASSERT_INT_EQ(o.got_at_close, sizeof reply - 1);
	ASSERT_MEM_EQ(o.got, reply, sizeof reply - 1);
	TEST_DONE();
}

static void
test_eof_incomplete_unit(void)
{
	struct owner o;

	TEST_START("stream: EOF after an incomplete unit closes once");
	memset(&o, 0, sizeof o);
	o.take = 0;		/* the owner never has a complete unit */
	run_case(&o);
	ASSERT_INT_EQ(o.closed, 1);
	ASSERT_INT_EQ(o.inputs, 1);
	ASSERT_INT_EQ(o.got_at_close, 0);
	TEST_DONE();
}

/* Queue len bytes of output; returns whether the stream reports full. */
static bool
queue_bytes(struct stream *st, size_t len)
{
	static const uint8_t zero[1024];
	size_t n;

	for (; len > 0; len -= n) {
		n = len < sizeof zero ? len : sizeof zero;
		ASSERT_INT_EQ(stream_write(st, zero, n), 0);
	}
	return stream_tx_full(st);
}

/* Full exactly above high; drained() once below low after a flush. */
static void
check_marks(size_t high, size_t low, bool set)
{
	struct owner o;
	struct timeval guard = { 5, 0 };
	int sv[2];

	memset(&o, 0, sizeof o);
	o.st = stream_on_pair(&o.base, &owner_ops, &o, sv);
	if (set)
		stream_set_tx_marks(o.st, high, low);
	ASSERT_FALSE(queue_bytes(o.st, high));
	ASSERT_TRUE(queue_bytes(o.st, 1));
	ASSERT_TRUE(stream_tx_pending(o.st) == high + 1);
	/* The peer's socket buffer takes it all: one flush empties it. */
	event_base_loopexit(o.base, &guard);
	event_base_dispatch(o.base);
	ASSERT_INT_EQ(o.drained, 1);
	ASSERT_TRUE(stream_tx_pending(o.st) == 0);
	ASSERT_FALSE(stream_tx_full(o.st));
	stream_free(o.st, false);
	close(sv[1]);
	event_base_free(o.base);
}

static void
test_tx_marks(void)
{
	TEST_START("stream: output watermarks, default and set");
	check_marks(STREAM_TX_HIGH, STREAM_TX_LOW, false);
	check_marks(16 * 1024, 8 * 1024, true);
	TEST_DONE();
}

/* The input sizes one stream offered (test_rx_size). */
struct sizes {
	struct event_base	*base;
	size_t			 total, max;
};

/* Take everything, noting the largest offer. */
static size_t
sizes_input(void *arg, const uint8_t *buf, size_t len)
{
	struct sizes *z = arg;

	(void)buf;
	z->total += len;
	if (len > z->max)
		z->max = len;
	return len;
}

/* The peer's EOF: stop the loop. */
static void
sizes_closed(void *arg, int err, const char *msg)
{
	struct sizes *z = arg;

	(void)err;
	(void)msg;
	event_base_loopexit(z->base, NULL);
}

static const struct stream_ops sizes_ops = {
	.connected = owner_connected,
	.input = sizes_input,
	.drained = owner_drained,
	.closed = sizes_closed,
};

/*
 * 40,000 bytes waiting in one socket buffer: a stream resized to @size
 * (0: left at the default) offers at most its buffer's size at a time.
 */
static size_t
largest_offer(size_t size, int *set_r)
{
	static uint8_t blob[40000];
	struct sizes z;
	struct stream *st;
	struct timeval guard = { 5, 0 };
	int sv[2];

	memset(&z, 0, sizeof z);
	st = stream_on_pair(&z.base, &sizes_ops, &z, sv);
	*set_r = size != 0 ? stream_set_rx_size(st, size) : 0;
	ASSERT_INT_EQ(write(sv[1], blob, sizeof blob), (ssize_t)sizeof blob);
	close(sv[1]);
	event_base_loopexit(z.base, &guard);
	event_base_dispatch(z.base);
	ASSERT_TRUE(z.total == sizeof blob);
	stream_free(st, false);
	event_base_free(z.base);
	return z.max;
}

static void
test_rx_size(void)
{
	int r;

	TEST_START("stream: input buffer, default and set");
	/* The default takes the whole 40,000 bytes in one read. */
	ASSERT_TRUE(largest_offer(0, &r) == 40000);
	/* pty mode's: one record and an incomplete SSTP packet. */
	ASSERT_TRUE(largest_offer(STREAM_RX_MIN, &r) == STREAM_RX_MIN);
	ASSERT_INT_EQ(r, 0);
	/* Below the minimum: clamped up to it. */
	ASSERT_TRUE(largest_offer(1000, &r) == STREAM_RX_MIN);
	ASSERT_INT_EQ(r, 0);
	TEST_DONE();
}

int
main(void)
{
	test_eof_after_data();
	test_eof_partial_units();
	test_eof_while_paused();
	test_eof_incomplete_unit();
	test_tx_marks();
	test_rx_size();
	return test_exit();
}
