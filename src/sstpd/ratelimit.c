/*
 * ratelimit.c - the refusal lines' limit (ratelimit.h): a fixed window,
 * a count of what was held back, a summary when the window is over.
 */
#include "config.h"

#include <string.h>

#include "sstpd/ratelimit.h"

void
ratelimit_init(struct ratelimit *r, unsigned max, unsigned window_ms)
{
	memset(r, 0, sizeof *r);
	r->max = max;
	r->window_ms = window_ms;
}

bool
ratelimit_take(struct ratelimit *r, uint64_t now)
{
	if (!r->started || now - r->start >= r->window_ms) {
		/*
		 * A summary not fetched yet stays for ratelimit_due(): the
		 * new window's lines do not reset it.
		 */
		r->started = true;
		r->start = now;
		r->n = 0;
	}
	if (r->n < r->max) {
		r->n++;
		return true;
	}
	r->held++;
	return false;
}

uint64_t
ratelimit_due(struct ratelimit *r, uint64_t now)
{
	uint64_t h = r->held;

	if (h == 0 || ratelimit_wait_ms(r, now) > 0)
		return 0;
	r->held = 0;
	return h;
}

uint64_t
ratelimit_wait_ms(const struct ratelimit *r, uint64_t now)
{
	if (r->held == 0 || now - r->start >= r->window_ms)
		return 0;
	return r->window_ms - (now - r->start);
}
