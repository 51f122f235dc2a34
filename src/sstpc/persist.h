/*
 * persist.h - --persist, --maxfail, --holdoff of the built-in mode (issue
 * 12, section 6): which ends are retried, how long to wait before the next
 * attempt, and when to give up.  Pure (no clock, no I/O): the session asks
 * persist_end() after every connection and does what it says.
 *
 * Retried: a lost server, whatever the way — the connection dropped or
 * refused (exit 3), TLS (4), HTTP (5), SSTP (6: Abort, negotiation), the
 * peer gone or silent (8: Call Disconnect, SSTP Hello or LCP Echo
 * unanswered), PPP negotiation (9), and a clean end the server chose (0:
 * its LCP Terminate).  Not retried: authentication refused (7: the same
 * credentials fail again), usage (2), a local failure (1: the TUN device
 * gone, the host configuration or --script failing) and a signal (10).
 *
 * The wait before attempt N (1, 2, ... since the last connection that
 * reached the Network phase) is 2^(N-1) seconds, at most --holdoff.  A
 * connection that reached the Network phase is not a failure and starts
 * the count again; --maxfail N (0: never) gives up after N failed
 * connections in a row, with the last one's status.
 */
#ifndef SSTPC_PERSIST_H
#define SSTPC_PERSIST_H

#include <stdbool.h>

/* What to do after a connection ended. */
enum persist_verdict {
	PERSIST_RETRY = 0,	/* wait *delay_s, then try again */
	PERSIST_FINAL,		/* not retried: exit with this status */
	PERSIST_GIVE_UP		/* --maxfail failures in a row: exit */
};

/* The count of one run (zero it before the first connection). */
struct persist {
	unsigned	fails;		/* failed connections in a row */
	unsigned	attempt;	/* attempts since the last success */
};

/* Is an end with this exit status (sstpc/exit_status.h) retried? */
bool		persist_retryable(int exit_code);
/* Seconds before attempt n (1-based): 1, 2, 4, ... at most holdoff. */
unsigned	persist_delay(unsigned attempt, unsigned holdoff);
/*
 * A connection ended with exit_code; was_up: it reached the Network
 * phase.  On PERSIST_RETRY *attempt_no and *delay_s say which attempt
 * comes next and when.
 */
enum persist_verdict persist_end(struct persist *, unsigned maxfail,
		    unsigned holdoff, int exit_code, bool was_up,
		    unsigned *attempt_no, unsigned *delay_s);

#endif /* SSTPC_PERSIST_H */
