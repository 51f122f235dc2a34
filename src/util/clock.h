/*
 * clock.h - the one clock of the state machines: monotonic milliseconds.
 * The pure layers never read it; their owners pass "now" in.
 */
#ifndef SSTPC_CLOCK_H
#define SSTPC_CLOCK_H

#include <stdint.h>
#include <time.h>
#include <sys/time.h>

static inline uint64_t
clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A struct timeval for "from now until deadline" (0 when past). */
static inline struct timeval
clock_until(uint64_t deadline_ms, uint64_t now_ms)
{
	uint64_t d = deadline_ms > now_ms ? deadline_ms - now_ms : 0;
	struct timeval tv;

	tv.tv_sec = (time_t)(d / 1000);
	tv.tv_usec = (suseconds_t)((d % 1000) * 1000);
	return tv;
}

#endif /* SSTPC_CLOCK_H */
