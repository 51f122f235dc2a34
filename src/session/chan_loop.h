/*
 * chan_loop.h - the SSTP channel (session/sstp_chan.h) on the event loop
 * and a TLS stream, the same in sstpc and sstpd: its io over the owner's
 * stream, and its one control timer.
 */
#ifndef SSTPC_CHAN_LOOP_H
#define SSTPC_CHAN_LOOP_H

#include <event2/util.h>

#include "session/sstp_chan.h"

struct event;

/*
 * struct sstp_chan_io over net/tls_stream.h.  The io_arg given to
 * sstp_chan_begin() is the owner's stream slot (a struct stream **): a
 * stream already closed and freed is NULL there, and the channel then
 * writes nothing and sees the stream as full.
 */
extern const struct sstp_chan_io sstp_chan_stream_io;

/* Point @timer at the channel's next deadline (none: stopped). */
void	sstp_chan_timer_arm(struct sstp_chan *, struct event *timer);
/* The timer's callback (evtimer_new's arg: the channel). */
void	sstp_chan_timer_cb(evutil_socket_t fd, short what, void *chan);

#endif /* SSTPC_CHAN_LOOP_H */
