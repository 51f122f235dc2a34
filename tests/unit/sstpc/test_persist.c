/*
 * test_persist.c - the retry rules of --persist (src/sstpc/persist.c): the
 * back-off schedule (1, 2, 4 ... s bounded by --holdoff), which exit
 * statuses are retried, and --maxfail's count of failures in a row.
 */
#include "config.h"

#include "sstpc/exit_status.h"
#include "sstpc/persist.h"
#include "harness.h"

/* 1 s doubling, capped by holdoff; holdoff 1 is always 1 s. */
static void
test_delay(void)
{
	static const unsigned want30[] = { 1, 2, 4, 8, 16, 30, 30, 30 };
	unsigned i;

	TEST_START("backoff: 1 2 4 8 16 then --holdoff 30");
	for (i = 0; i < sizeof want30 / sizeof want30[0]; i++)
		ASSERT_INT_EQ(persist_delay(i + 1, 30), want30[i]);
	ASSERT_INT_EQ(persist_delay(1000000, 30), 30);
	ASSERT_INT_EQ(persist_delay(~0U, 3600), 3600);
	ASSERT_INT_EQ(persist_delay(12, 3600), 2048);
	ASSERT_INT_EQ(persist_delay(13, 3600), 3600);
	ASSERT_INT_EQ(persist_delay(1, 1), 1);
	ASSERT_INT_EQ(persist_delay(5, 1), 1);
	ASSERT_INT_EQ(persist_delay(3, 3), 3);
	ASSERT_INT_EQ(persist_delay(2, 3), 2);
	TEST_DONE();
}

/* Lost servers are retried; auth, usage, local failures, signals not. */
static void
test_retryable(void)
{
	TEST_START("retry classification by exit status");
	ASSERT_TRUE(persist_retryable(SSTPC_EXIT_OK));
	ASSERT_TRUE(persist_retryable(SSTPC_EXIT_CONNECT));
	ASSERT_TRUE(persist_retryable(SSTPC_EXIT_TLS));
	ASSERT_TRUE(persist_retryable(SSTPC_EXIT_HTTP));
	ASSERT_TRUE(persist_retryable(SSTPC_EXIT_SSTP));
	ASSERT_TRUE(persist_retryable(SSTPC_EXIT_PEER));
	ASSERT_TRUE(persist_retryable(SSTPC_EXIT_PPPD));
	ASSERT_FALSE(persist_retryable(SSTPC_EXIT_FAILURE));
	ASSERT_FALSE(persist_retryable(SSTPC_EXIT_USAGE));
	ASSERT_FALSE(persist_retryable(SSTPC_EXIT_AUTH));
	ASSERT_FALSE(persist_retryable(SSTPC_EXIT_SIGNAL));
	ASSERT_FALSE(persist_retryable(-1));
	ASSERT_FALSE(persist_retryable(11));
	TEST_DONE();
}

/* A loss, two failed attempts, --maxfail 2: give up after the second. */
static void
test_maxfail(void)
{
	struct persist p = { 0, 0 };
	unsigned n = 0, d = 0;

	TEST_START("--maxfail 2: loss, attempt 1 fails, attempt 2 fails");
	ASSERT_INT_EQ(persist_end(&p, 2, 30, SSTPC_EXIT_PEER, true, &n, &d),
	    PERSIST_RETRY);
	ASSERT_INT_EQ(n, 1);
	ASSERT_INT_EQ(d, 1);
	ASSERT_INT_EQ(persist_end(&p, 2, 30, SSTPC_EXIT_CONNECT, false, &n,
	    &d), PERSIST_RETRY);
	ASSERT_INT_EQ(n, 2);
	ASSERT_INT_EQ(d, 2);
	ASSERT_INT_EQ(persist_end(&p, 2, 30, SSTPC_EXIT_CONNECT, false, &n,
	    &d), PERSIST_GIVE_UP);
	TEST_DONE();

	TEST_START("a success starts the count and the back-off again");
	p.fails = p.attempt = 0;
	ASSERT_INT_EQ(persist_end(&p, 3, 30, SSTPC_EXIT_TLS, false, &n, &d),
	    PERSIST_RETRY);
	ASSERT_INT_EQ(persist_end(&p, 3, 30, SSTPC_EXIT_TLS, false, &n, &d),
	    PERSIST_RETRY);
	ASSERT_INT_EQ(n, 2);
	ASSERT_INT_EQ(d, 2);
	ASSERT_INT_EQ(persist_end(&p, 3, 30, SSTPC_EXIT_PEER, true, &n, &d),
	    PERSIST_RETRY);
	ASSERT_INT_EQ(n, 1);
	ASSERT_INT_EQ(d, 1);
	ASSERT_INT_EQ(p.fails, 0);
	TEST_DONE();

	TEST_START("--maxfail 0 never gives up; back-off stays at --holdoff");
	p.fails = p.attempt = 0;
	for (unsigned i = 0; i < 100; i++)
		ASSERT_INT_EQ(persist_end(&p, 0, 5, SSTPC_EXIT_CONNECT, false,
		    &n, &d), PERSIST_RETRY);
	ASSERT_INT_EQ(n, 100);
	ASSERT_INT_EQ(d, 5);
	TEST_DONE();

	TEST_START("authentication refused and local failures are final");
	p.fails = p.attempt = 0;
	ASSERT_INT_EQ(persist_end(&p, 0, 5, SSTPC_EXIT_AUTH, true, &n, &d),
	    PERSIST_FINAL);
	ASSERT_INT_EQ(persist_end(&p, 0, 5, SSTPC_EXIT_FAILURE, false, &n,
	    &d), PERSIST_FINAL);
	ASSERT_INT_EQ(persist_end(&p, 0, 5, SSTPC_EXIT_SIGNAL, true, &n, &d),
	    PERSIST_FINAL);
	ASSERT_INT_EQ(p.fails, 0);
	TEST_DONE();

	TEST_START("--maxfail 1: the first failed attempt gives up");
	p.fails = p.attempt = 0;
	ASSERT_INT_EQ(persist_end(&p, 1, 5, SSTPC_EXIT_PEER, true, &n, &d),
	    PERSIST_RETRY);
	ASSERT_INT_EQ(persist_end(&p, 1, 5, SSTPC_EXIT_CONNECT, false, &n,
	    &d), PERSIST_GIVE_UP);
	TEST_DONE();
}

int
main(void)
{
	test_delay();
	test_retryable();
	test_maxfail();
	return test_exit();
}
