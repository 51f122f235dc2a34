/*
 * test_pool.c - the IPv4 address pool (src/sstpd/pool.c): every address
 * of the prefix given exactly once, never the network, broadcast or
 * local one; exhaustion; take/put; the rotating cursor.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sstpd/pool.h"

/* Network-order address of a.b.c.d. */
static uint32_t
ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return 0xdeadbeef;
	return a.s_addr;
}

/* Drain the pool: every address distinct, in the prefix, not excluded. */
static void
drain(struct pool4 *p, uint32_t net_h, unsigned prefix, uint32_t local_h,
    size_t expect)
{
	uint32_t size = (uint32_t)1 << (32 - prefix), a, i;
	uint8_t *seen = calloc(size, 1);
	size_t got = 0;

	ASSERT_PTR_NOT_NULL(seen);
	if (seen == NULL)
		return;
	while ((a = pool4_get(p)) != 0) {
		i = ntohl(a) - net_h;
		TH_CHECK(i < size, "%08x outside the prefix", ntohl(a));
		if (i >= size)
			break;
		TH_CHECK(i != 0 && i != size - 1 && net_h + i != local_h,
		    "excluded index %u given", i);
		TH_CHECK(!seen[i], "index %u given twice", i);
		seen[i] = 1;
		got++;
		if (got > size)
			break;
	}
	ASSERT_INT_EQ(got, expect);
	ASSERT_INT_EQ(pool4_free_count(p), 0);
	ASSERT_INT_EQ(pool4_get(p), 0);
	free(seen);
}

static void
test_new(void)
{
	struct pool4 *p;

	TEST_START("pool: prefixes 16..30, masking, counts");
	ASSERT_PTR_NULL(pool4_new(ip("10.0.0.0"), 15, 0));
	ASSERT_PTR_NULL(pool4_new(ip("192.0.2.0"), 31, 0));
	ASSERT_PTR_NULL(pool4_new(ip("192.0.2.0"), 32, 0));
	/* /30: 4 addresses, network, broadcast, local (.1) out: one left. */
	p = pool4_new(ip("192.0.2.0"), 30, 0);
	ASSERT_PTR_NOT_NULL(p);
	if (p != NULL) {
		ASSERT_INT_EQ(pool4_free_count(p), 1);
		ASSERT_U32_EQ(pool4_get(p), ip("192.0.2.2"));
		ASSERT_INT_EQ(pool4_get(p), 0);
		pool4_free(p);
	}
	/* Host bits of net are ignored; local outside excludes nothing. */
	p = pool4_new(ip("192.0.2.77"), 24, ip("198.51.100.1"));
	ASSERT_PTR_NOT_NULL(p);
	if (p != NULL) {
		ASSERT_INT_EQ(pool4_free_count(p), 254);
		ASSERT_U32_EQ(pool4_get(p), ip("192.0.2.1"));
		pool4_free(p);
	}
	/* local inside: 253 left, never given. */
	p = pool4_new(ip("192.0.2.0"), 24, ip("192.0.2.200"));
	ASSERT_PTR_NOT_NULL(p);
	if (p != NULL) {
		ASSERT_INT_EQ(pool4_free_count(p), 253);
		pool4_free(p);
	}
	pool4_free(NULL);
	TEST_DONE();
}

static void
test_drain(void)
{
	struct pool4 *p;

	TEST_START("pool: all addresses distinct, excluded never given");
	p = pool4_new(ip("192.0.2.0"), 24, ip("192.0.2.200"));
	ASSERT_PTR_NOT_NULL(p);
	if (p != NULL) {
		drain(p, 0xc0000200, 24, 0xc00002c8, 253);
		pool4_free(p);
	}
	/* /16: 65536 - 3, local defaulting to the first host. */
	p = pool4_new(ip("10.20.0.0"), 16, 0);
	ASSERT_PTR_NOT_NULL(p);
	if (p != NULL) {
		ASSERT_INT_EQ(pool4_free_count(p), 65533);
		drain(p, 0x0a140000, 16, 0x0a140001, 65533);
		pool4_free(p);
	}
	/* /26: a bitmap shorter than one word. */
	p = pool4_new(ip("192.0.2.64"), 26, ip("192.0.2.126"));
	ASSERT_PTR_NOT_NULL(p);
	if (p != NULL) {
		drain(p, 0xc0000240, 26, 0xc000027e, 61);
		pool4_free(p);
	}
	TEST_DONE();
}

static void
test_take_put(void)
{
	struct pool4 *p;
	uint32_t a, b;
	size_t i;

	TEST_START("pool: take, put, the rotating cursor");
	p = pool4_new(ip("192.0.2.0"), 28, ip("192.0.2.1"));
	ASSERT_PTR_NOT_NULL(p);
	if (p == NULL) {
		TEST_DONE();
		return;
	}
	ASSERT_INT_EQ(pool4_free_count(p), 13);
	ASSERT_INT_EQ(pool4_take(p, ip("192.0.2.5")), 0);
	ASSERT_INT_EQ(pool4_take(p, ip("192.0.2.5")), -EEXIST);
	ASSERT_INT_EQ(pool4_take(p, ip("192.0.2.0")), -ERANGE);
	ASSERT_INT_EQ(pool4_take(p, ip("192.0.2.15")), -ERANGE);
	ASSERT_INT_EQ(pool4_take(p, ip("192.0.2.1")), -ERANGE);
	ASSERT_INT_EQ(pool4_take(p, ip("192.0.2.16")), -ERANGE);
	ASSERT_INT_EQ(pool4_take(p, ip("192.0.1.255")), -ERANGE);
	ASSERT_INT_EQ(pool4_free_count(p), 12);
	/* get skips the taken one. */
	ASSERT_U32_EQ(pool4_get(p), ip("192.0.2.2"));
	ASSERT_U32_EQ(pool4_get(p), ip("192.0.2.3"));
	ASSERT_U32_EQ(pool4_get(p), ip("192.0.2.4"));
	ASSERT_U32_EQ(pool4_get(p), ip("192.0.2.6"));
	/* A freed address goes to the back of the line. */
	pool4_put(p, ip("192.0.2.3"));
	ASSERT_INT_EQ(pool4_free_count(p), 9);
	ASSERT_U32_EQ(pool4_get(p), ip("192.0.2.7"));
	/* put of a free, reserved or outside address changes nothing. */
	pool4_put(p, ip("192.0.2.3"));
	pool4_put(p, ip("192.0.2.0"));
	pool4_put(p, ip("192.0.2.1"));
	pool4_put(p, ip("192.0.2.15"));
	pool4_put(p, ip("198.51.100.3"));
	ASSERT_INT_EQ(pool4_free_count(p), 8);
	ASSERT_INT_EQ(pool4_take(p, ip("192.0.2.1")), -ERANGE);
	for (i = 0; i < 7; i++)
		ASSERT_INT_NE(pool4_get(p), ip("192.0.2.3"));
	/* Wrapped around: the freed one comes last. */
	ASSERT_U32_EQ(pool4_get(p), ip("192.0.2.3"));
	ASSERT_INT_EQ(pool4_get(p), 0);
	ASSERT_INT_EQ(pool4_free_count(p), 0);
	/* Exhausted, then one back: that one, and take works again. */
	pool4_put(p, ip("192.0.2.9"));
	ASSERT_INT_EQ(pool4_free_count(p), 1);
	ASSERT_U32_EQ(pool4_get(p), ip("192.0.2.9"));
	pool4_put(p, ip("192.0.2.10"));
	ASSERT_INT_EQ(pool4_take(p, ip("192.0.2.10")), 0);
	ASSERT_INT_EQ(pool4_get(p), 0);
	/* Many cycles keep the count exact. */
	for (i = 0; i < 1000; i++) {
		pool4_put(p, ip("192.0.2.12"));
		a = pool4_get(p);
		ASSERT_U32_EQ(a, ip("192.0.2.12"));
	}
	b = pool4_get(p);
	ASSERT_INT_EQ(b, 0);
	pool4_free(p);
	TEST_DONE();
}

int
main(void)
{
	test_new();
	test_drain();
	test_take_put();
	return test_exit();
}
