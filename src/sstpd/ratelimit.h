/*
 * ratelimit.h - how many refusal lines ("refused connection from ...")
 * sstpd writes: at most @max in a window of @window_ms; past that they
 * are counted, and one summary line gives the count once the window is
 * over.  A flood of connections over a limit then costs a few lines a
 * second, not one per connection.  Pure: the caller gives the time and
 * writes the lines.
 */
#ifndef SSTPD_RATELIMIT_H
#define SSTPD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/* Refusal lines per second written one by one. */
#define SSTPD_REFUSAL_LINES	10
#define SSTPD_REFUSAL_WINDOW_MS	1000

struct ratelimit {
	unsigned	max;		/* lines a window */
	unsigned	window_ms;
	uint64_t	start;		/* of the current window (ms) */
	unsigned	n;		/* lines written in it */
	uint64_t	held;		/* not written, not summed up yet */
	bool		started;
};

void	ratelimit_init(struct ratelimit *, unsigned max, unsigned window_ms);
/*
 * One more event at @now: true when its line is to be written, false
 * when it is only counted (the summary tells it).  A new window starts
 * with the first event at least window_ms after the last one began.
 */
bool	ratelimit_take(struct ratelimit *, uint64_t now);
/*
 * The summary due at @now: the count of events not written, once their
 * window is over (0: nothing due, or not yet).  Resets the count.
 */
uint64_t ratelimit_due(struct ratelimit *, uint64_t now);
/* Milliseconds from @now until ratelimit_due() has something (0: now). */
uint64_t ratelimit_wait_ms(const struct ratelimit *, uint64_t now);

#endif /* SSTPD_RATELIMIT_H */
