/*
 * persist.c - the retry rules of --persist (see persist.h).
 */
#include "config.h"

#include "sstpc/exit_status.h"
#include "sstpc/persist.h"

/* Is an end with this exit status retried (persist.h has the list)? */
bool
persist_retryable(int exit_code)
{
	switch (exit_code) {
	case SSTPC_EXIT_OK:
	case SSTPC_EXIT_CONNECT:
	case SSTPC_EXIT_TLS:
	case SSTPC_EXIT_HTTP:
	case SSTPC_EXIT_SSTP:
	case SSTPC_EXIT_PEER:
	case SSTPC_EXIT_PPPD:
		return true;
	default:
		return false;
	}
}

/* Seconds before attempt n: 2^(n-1), bounded by holdoff (at least 1). */
unsigned
persist_delay(unsigned attempt, unsigned holdoff)
{
	unsigned d = 1, i;

	if (holdoff == 0)
		holdoff = 1;
	for (i = 1; i < attempt && d < holdoff; i++)
		d *= 2;
	return d < holdoff ? d : holdoff;
}

/* Count the end, and say whether and when the next attempt comes. */
enum persist_verdict
persist_end(struct persist *p, unsigned maxfail, unsigned holdoff,
    int exit_code, bool was_up, unsigned *attempt_no, unsigned *delay_s)
{
	if (!persist_retryable(exit_code))
		return PERSIST_FINAL;
	if (was_up) {
		p->fails = 0;
		p->attempt = 0;
	} else if (p->fails < ~0U)
		p->fails++;
	if (maxfail != 0 && p->fails >= maxfail)
		return PERSIST_GIVE_UP;
	if (p->attempt < ~0U)
		p->attempt++;
	*attempt_no = p->attempt;
	*delay_s = persist_delay(p->attempt, holdoff);
	return PERSIST_RETRY;
}
