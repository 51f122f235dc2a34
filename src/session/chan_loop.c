/*
 * chan_loop.c - the SSTP channel on the event loop and a TLS stream (see
 * chan_loop.h).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "net/tls_stream.h"
#include "session/chan_loop.h"
#include "util/clock.h"

static uint8_t *
chan_stream_reserve(void *arg, size_t n)
{
	struct stream **st = arg;

	return *st != NULL ? stream_reserve(*st, n) : NULL;
}

static bool
chan_stream_tx_full(void *arg)
{
	struct stream **st = arg;

	return *st == NULL || stream_tx_full(*st);
}

static void
chan_stream_pause_input(void *arg, bool pause)
{
	struct stream **st = arg;

	if (*st != NULL)
		stream_pause_input(*st, pause);
}

const struct sstp_chan_io sstp_chan_stream_io = {
	.reserve = chan_stream_reserve,
	.tx_full = chan_stream_tx_full,
	.pause_input = chan_stream_pause_input,
};

void
sstp_chan_timer_arm(struct sstp_chan *c, struct event *timer)
{
	uint64_t dl;
	struct timeval tv;

	if (timer == NULL)
		return;
	dl = sstp_chan_deadline(c);
	if (dl == UINT64_MAX) {
		evtimer_del(timer);
		return;
	}
	tv = clock_until(dl, clock_now_ms());
	evtimer_add(timer, &tv);
}

void
sstp_chan_timer_cb(evutil_socket_t fd, short what, void *chan)
{
	sstp_chan_timer(chan, clock_now_ms());
}
