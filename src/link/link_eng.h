/*
 * link_eng.h - a PPP engine (ppp/ppp_engine.h) driven from a link on the
 * event loop: what the client's TUN link (link/tun/tun_link.c) and sstpd's
 * per-session link (link/tunsrv/tunsrv.c) share.
 *
 *   - the engine's timers on one libevent timer (link_eng_timer_sync);
 *   - the engine never re-entered: the link counts its calls into it
 *     (in_engine), and a stop asked inside an up-call runs from the loop;
 *   - the end: an orderly stop is the engine's Close (RFC 1661 4.1: LCP
 *     Terminate-Request, then its ended() up-call), bounded by a guard
 *     after which it goes Down; a hangup is Down at once; either way the
 *     link's @ended is called if the engine did not end it.
 *
 * The link keeps its own state and reports its end itself (@ended, which
 * calls link_eng_halt()); its engine up-calls get the link's own arg.
 */
#ifndef SSTPC_LINK_ENG_H
#define SSTPC_LINK_ENG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/link.h"
#include "ppp/ppp_engine.h"

struct event;
struct event_base;

struct link_eng {
	struct ppp_engine	*eng;
	struct event		*timer;		/* the engine's deadline */
	struct event		*guard;		/* orderly stop bound */
	struct event		*defer;		/* a stop asked in an up-call */
	/* Report the link's end (once; it calls link_eng_halt()). */
	void			(*ended)(void *arg, enum link_end,
				    const char *why);
	void			*arg;
	const char		*log_ctx;	/* the engine conf's, or NULL */
	unsigned		 guard_ms;
	const char		*close_why;	/* the Terminate-Request's */
	const char		*down_why;	/* the end after a hangup */
	int			 in_engine;	/* engine call depth */
	enum link_stop		 stop_how;
	bool			 stop_pending;
	bool			 ppp_started;
	bool			 stopping;
	bool			 gone;		/* the end was reported */
};

/*
 * The engine on @conf with @ops (their arg: @arg, as ended's) and the
 * events; @e's ended, guard_ms, close_why and down_why set by the caller
 * before.  The lines of @e carry @conf's log_ctx (util/log.h), kept by
 * the caller as the engine's.  0, or -ENOMEM (link_eng_free() undoes
 * what was made).
 */
int	link_eng_init(struct link_eng *e, struct event_base *base,
	    const struct ppp_engine_conf *conf,
	    const struct ppp_engine_ops *ops, void *arg);
/* Point the libevent timer at the engine's next deadline. */
void	link_eng_timer_sync(struct link_eng *e);
/* link_ops.ppp_start: LCP begins.  False when it had already or cannot. */
bool	link_eng_ppp_start(struct link_eng *e);
/* link_ops.from_server: a gated PPP frame into the engine. */
int	link_eng_input(struct link_eng *e, const uint8_t *frame, size_t len);
/* link_ops.stop: deferred to the loop when inside the engine. */
void	link_eng_stop(struct link_eng *e, enum link_stop how);
/* The end is being reported: gone set, the timers off. */
void	link_eng_halt(struct link_eng *e);
/* The engine wiped, the events freed. */
void	link_eng_free(struct link_eng *e);

#endif /* SSTPC_LINK_ENG_H */
