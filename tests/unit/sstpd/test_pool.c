/*
 * test_pool.c - the IPv4 address pool (src/sstpd/pool.c): what is never
 * handed out, exhaustion, fixed addresses, round robin, bad pools.
 */
#include "config.h"

#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sstpd/pool.h"
#include "harness.h"

/* 192.0.2.x in network order. */
#define A(x)	htonl(0xc0000200u | (x))

static void
test_small(void)
{
	struct pool4 *p;

	TEST_START("a /30: one client address");
	p = pool4_new(A(4), 30, 0);
	ASSERT_PTR_NOT_NULL(p);
	if (p == NULL)
		return;
	/* .4 network, .5 ours (the first), .7 broadcast: .6 is left. */
	ASSERT_INT_EQ(pool4_free_count(p), 1);
	ASSERT_U32_EQ(pool4_get(p), A(6));
	ASSERT_INT_EQ(pool4_free_count(p), 0);
	ASSERT_U32_EQ(pool4_get(p), 0);
	pool4_put(p, A(6));
	ASSERT_INT_EQ(pool4_free_count(p), 1);
	pool4_put(p, A(6));		/* twice: no effect */
	pool4_put(p, A(5));		/* ours: never free */
	pool4_put(p, A(4));
	pool4_put(p, A(7));
	pool4_put(p, A(8));		/* outside */
	ASSERT_INT_EQ(pool4_free_count(p), 1);
	ASSERT_U32_EQ(pool4_get(p), A(6));
	ASSERT_U32_EQ(pool4_get(p), 0);
	pool4_free(p);
	pool4_free(NULL);
	TEST_DONE();
}

static void
test_24(void)
{
	static uint8_t seen[256];
	struct pool4 *p;
	uint32_t a, h;
	int i;

	TEST_START("a /24 with --local .100: every address once, round robin");
	p = pool4_new(A(0), 24, A(100));
	ASSERT_PTR_NOT_NULL(p);
	if (p == NULL)
		return;
	ASSERT_INT_EQ(pool4_free_count(p), 253);
	memset(seen, 0, sizeof seen);
	for (i = 0; i < 253; i++) {
		a = pool4_get(p);
		h = ntohl(a);
		ASSERT_U32_EQ(h & 0xffffff00u, 0xc0000200u);
		TH_CHECK(seen[h & 0xff] == 0, "%u given twice", h & 0xff);
		seen[h & 0xff] = 1;
	}
	ASSERT_INT_EQ(seen[0] + seen[100] + seen[255], 0);
	ASSERT_INT_EQ(seen[1], 1);
	ASSERT_U32_EQ(pool4_get(p), 0);
	ASSERT_INT_EQ(pool4_free_count(p), 0);
	/* Freed .10 and .200: the next one given is after the last (.254). */
	pool4_put(p, A(10));
	pool4_put(p, A(200));
	ASSERT_U32_EQ(pool4_get(p), A(10));
	ASSERT_U32_EQ(pool4_get(p), A(200));
	pool4_put(p, A(50));
	pool4_put(p, A(60));
	ASSERT_U32_EQ(pool4_get(p), A(50));
	pool4_put(p, A(40));
	/* Round robin: .60 (after .50) before .40. */
	ASSERT_U32_EQ(pool4_get(p), A(60));
	ASSERT_U32_EQ(pool4_get(p), A(40));
	pool4_free(p);
	TEST_DONE();
}

static void
test_take(void)
{
	struct pool4 *p;

	TEST_START("fixed addresses: pool4_take");
	p = pool4_new(A(0), 24, htonl(0xc6336401));	/* ours outside */
	ASSERT_PTR_NOT_NULL(p);
	if (p == NULL)
		return;
	ASSERT_INT_EQ(pool4_free_count(p), 254);
	ASSERT_INT_EQ(pool4_take(p, A(1)), 0);
	ASSERT_INT_EQ(pool4_take(p, A(1)), -EEXIST);
	ASSERT_INT_EQ(pool4_take(p, A(0)), -ERANGE);
	ASSERT_INT_EQ(pool4_take(p, A(255)), -ERANGE);
	ASSERT_INT_EQ(pool4_take(p, htonl(0xc0000300)), -ERANGE);
	ASSERT_INT_EQ(pool4_take(p, htonl(0xc00001ff)), -ERANGE);
	ASSERT_INT_EQ(pool4_free_count(p), 253);
	ASSERT_U32_EQ(pool4_get(p), A(2));	/* .1 is taken */
	pool4_put(p, A(1));
	ASSERT_INT_EQ(pool4_free_count(p), 253);
	pool4_free(p);

	p = pool4_new(A(0), 24, 0);
	ASSERT_INT_EQ(pool4_take(p, A(1)), -EEXIST);	/* ours */
	pool4_free(p);
	TEST_DONE();
}

static void
test_16(void)
{
	struct pool4 *p;
	uint32_t a, last = 0;
	size_t n = 0;

	TEST_START("a /16: 65533 addresses, then none");
	p = pool4_new(htonl(0x0a000000), 16, 0);
	ASSERT_PTR_NOT_NULL(p);
	if (p == NULL)
		return;
	ASSERT_INT_EQ(pool4_free_count(p), 65533);
	while ((a = pool4_get(p)) != 0) {
		TH_CHECK(ntohl(a) > last, "not ascending at %zu", n);
		last = ntohl(a);
		n++;
	}
	ASSERT_INT_EQ(n, 65533);
	ASSERT_U32_EQ(last, 0x0a00fffe);
	pool4_free(p);
	TEST_DONE();
}

static void
test_bad(void)
{
	TEST_START("pools refused: prefix outside 16..30, host bits");
	ASSERT_PTR_NULL(pool4_new(A(0), 31, 0));
	ASSERT_PTR_NULL(pool4_new(A(0), 32, 0));
	ASSERT_PTR_NULL(pool4_new(htonl(0x0a000000), 15, 0));
	ASSERT_PTR_NULL(pool4_new(A(1), 24, 0));
	TEST_DONE();
}

int
main(void)
{
	test_small();
	test_24();
	test_take();
	test_16();
	test_bad();
	return test_exit();
}
