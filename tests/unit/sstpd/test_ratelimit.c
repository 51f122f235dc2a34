/*
 * test_ratelimit.c - the refusal lines' limit (src/sstpd/ratelimit.c):
 * the first lines of a window written, the rest counted, the count due
 * once (and only once) the window is over, a quiet window starting anew.
 */
#include "config.h"

#include <stdint.h>

#include "harness.h"
#include "sstpd/ratelimit.h"

int
main(void)
{
	struct ratelimit r;
	unsigned i, written;

	TEST_START("a flood: max lines a window, the rest summed up once");
	ratelimit_init(&r, 10, 1000);
	written = 0;
	for (i = 0; i < 984; i++)
		written += ratelimit_take(&r, 5000 + i / 2);
	ASSERT_INT_EQ(written, 10);
	/* not before the window is over */
	ASSERT_INT_EQ(ratelimit_due(&r, 5500), 0);
	ASSERT_INT_EQ(ratelimit_wait_ms(&r, 5500), 500);
	ASSERT_INT_EQ(ratelimit_due(&r, 6000), 974);
	ASSERT_INT_EQ(ratelimit_due(&r, 6001), 0);
	ASSERT_INT_EQ(ratelimit_wait_ms(&r, 6001), 0);
	TEST_DONE();

	TEST_START("a new window writes again; a quiet one is not summed");
	ASSERT_TRUE(ratelimit_take(&r, 7000));
	ASSERT_INT_EQ(ratelimit_due(&r, 9000), 0);
	for (i = 0; i < 9; i++)
		ASSERT_TRUE(ratelimit_take(&r, 7001));
	ASSERT_FALSE(ratelimit_take(&r, 7002));
	ASSERT_INT_EQ(ratelimit_wait_ms(&r, 7002), 998);
	TEST_DONE();

	TEST_START("a count not fetched stays past the next window's start");
	ASSERT_TRUE(ratelimit_take(&r, 8500));
	ASSERT_INT_EQ(ratelimit_due(&r, 8600), 0);
	ASSERT_INT_EQ(ratelimit_due(&r, 9500), 1);
	TEST_DONE();

	TEST_START("spread out: every line written, nothing due");
	ratelimit_init(&r, 10, 1000);
	for (i = 0; i < 100; i++)
		ASSERT_TRUE(ratelimit_take(&r, (uint64_t)i * 200));
	ASSERT_INT_EQ(ratelimit_due(&r, 100000), 0);
	TEST_DONE();
	return th_failures ? 1 : 0;
}
