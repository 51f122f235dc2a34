/*
 * link_eng.c - a PPP engine driven from a link on the event loop (see
 * link_eng.h): its timer, its stops, its end.
 */
#include "config.h"

#include <errno.h>

#include <event2/event.h>

#include "link/link_eng.h"
#include "util/clock.h"
#include "util/log.h"

static void	link_eng_do_stop(struct link_eng *, enum link_stop);

/* Point the libevent timer at the engine's next deadline. */
void
link_eng_timer_sync(struct link_eng *e)
{
	uint64_t dl;
	struct timeval tv;

	if (e->eng == NULL || e->timer == NULL || e->gone)
		return;
	dl = ppp_engine_next_timer(e->eng);
	if (dl == 0) {
		evtimer_del(e->timer);
		return;
	}
	tv = clock_until(dl, clock_now_ms());
	evtimer_add(e->timer, &tv);
}

/* The engine's deadline came: run its timers. */
static void
link_eng_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct link_eng *e = arg;

	if (e->gone)
		return;
	e->in_engine++;
	ppp_engine_tick(e->eng, clock_now_ms());
	e->in_engine--;
	link_eng_timer_sync(e);
}

/* An orderly stop took too long: the engine goes Down, then we end. */
static void
link_eng_guard_cb(evutil_socket_t fd, short what, void *arg)
{
	struct link_eng *e = arg;

	log_warn_c(e->log_ctx, "PPP did not end within %u ms of the stop: "
	    "closing it", e->guard_ms);
	link_eng_do_stop(e, LINK_STOP_HANGUP);
}

/* A stop asked from inside an engine up-call, now from the loop. */
static void
link_eng_defer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct link_eng *e = arg;

	if (!e->stop_pending)
		return;
	e->stop_pending = false;
	link_eng_do_stop(e, e->stop_how);
}

/* See link_eng.h. */
int
link_eng_init(struct link_eng *e, struct event_base *base,
    const struct ppp_engine_conf *conf, const struct ppp_engine_ops *ops,
    void *arg)
{
	e->arg = arg;
	e->log_ctx = conf->log_ctx;
	e->eng = ppp_engine_new(conf, ops, arg);
	e->timer = evtimer_new(base, link_eng_timer_cb, e);
	e->guard = evtimer_new(base, link_eng_guard_cb, e);
	e->defer = event_new(base, -1, 0, link_eng_defer_cb, e);
	if (e->eng == NULL || e->timer == NULL || e->guard == NULL ||
	    e->defer == NULL)
		return -ENOMEM;
	return 0;
}

/* See link_eng.h. */
bool
link_eng_ppp_start(struct link_eng *e)
{
	if (e->ppp_started || e->gone || e->eng == NULL)
		return false;
	e->ppp_started = true;
	e->in_engine++;
	ppp_engine_start(e->eng, clock_now_ms());
	e->in_engine--;
	link_eng_timer_sync(e);
	return true;
}

/* See link_eng.h. */
int
link_eng_input(struct link_eng *e, const uint8_t *frame, size_t len)
{
	int r;

	if (!e->ppp_started || e->gone)
		return -EPIPE;
	e->in_engine++;
	r = ppp_engine_input(e->eng, clock_now_ms(), frame, len);
	e->in_engine--;
	link_eng_timer_sync(e);
	return r;
}

/* Stop now (never from inside the engine). */
static void
link_eng_do_stop(struct link_eng *e, enum link_stop how)
{
	struct timeval tv = { e->guard_ms / 1000,
	    (e->guard_ms % 1000) * 1000 };

	if (e->gone)
		return;
	if (!e->ppp_started || e->eng == NULL) {
		e->ended(e->arg, LINK_END_OK, "PPP was not started");
		return;
	}
	if (how == LINK_STOP_ORDERLY) {
		if (e->stopping)
			return;
		e->stopping = true;
		log_debug_c(e->log_ctx, "PPP: closing (LCP Terminate-Request)");
		e->in_engine++;
		ppp_engine_close(e->eng, clock_now_ms(), e->close_why);
		e->in_engine--;
		link_eng_timer_sync(e);
		if (!e->gone)
			evtimer_add(e->guard, &tv);
		return;
	}
	e->in_engine++;
	ppp_engine_lower_down(e->eng, clock_now_ms());
	e->in_engine--;
	/* The engine's ended() follows Down; if it did not, end here. */
	e->ended(e->arg, LINK_END_OK, e->down_why);
}

/* See link_eng.h. */
void
link_eng_stop(struct link_eng *e, enum link_stop how)
{
	if (e->gone)
		return;
	if (e->in_engine > 0) {
		/* A hangup wins over an orderly stop asked before it. */
		if (!e->stop_pending || how == LINK_STOP_HANGUP)
			e->stop_how = how;
		e->stop_pending = true;
		event_active(e->defer, EV_TIMEOUT, 0);
		return;
	}
	link_eng_do_stop(e, how);
}

/* See link_eng.h. */
void
link_eng_halt(struct link_eng *e)
{
	e->gone = true;
	if (e->timer != NULL)
		evtimer_del(e->timer);
	if (e->guard != NULL)
		evtimer_del(e->guard);
}

/* See link_eng.h. */
void
link_eng_free(struct link_eng *e)
{
	if (e->eng != NULL)
		ppp_engine_free(e->eng);
	e->eng = NULL;
	if (e->timer != NULL)
		event_free(e->timer);
	if (e->guard != NULL)
		event_free(e->guard);
	if (e->defer != NULL)
		event_free(e->defer);
	e->timer = e->guard = e->defer = NULL;
}
