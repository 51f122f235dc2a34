/*
 * harness.h - a tiny typed-assert unit test harness (after OpenSSH's
 * regress/unittests/test_helper).  Each test binary calls TEST_START/TEST_DONE
 * around cases and returns test_exit(); automake's harness reads the exit
 * status (0 pass, 1 fail, 77 skip).  Failures print file:line and both values.
 */
#ifndef SSTPC_TEST_HARNESS_H
#define SSTPC_TEST_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int th_failures;
static int th_checks;
static int th_cases;
static const char *th_case = "(none)";
static int th_case_failed;

#define TEST_START(name) do {						\
	th_case = (name);						\
	th_case_failed = 0;						\
	th_cases++;							\
} while (0)

#define TEST_DONE() do {						\
	printf("%s: %s\n", th_case_failed ? "FAIL" : "ok", th_case);	\
} while (0)

static inline void
th_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: [%s] %s\n", file, line, th_case, what);
	th_failures++;
	th_case_failed = 1;
}

#define TH_CHECK(cond, ...) do {					\
	th_checks++;							\
	if (!(cond)) {							\
		char th_msg[512];					\
		snprintf(th_msg, sizeof th_msg, __VA_ARGS__);		\
		th_fail(__FILE__, __LINE__, th_msg);			\
	}								\
} while (0)

#define ASSERT_TRUE(a)	TH_CHECK((a), "expected true: %s", #a)
#define ASSERT_FALSE(a)	TH_CHECK(!(a), "expected false: %s", #a)
#define ASSERT_INT_EQ(a, b) do {					\
	long long th_a = (long long)(a), th_b = (long long)(b);		\
	TH_CHECK(th_a == th_b, "%s == %s: %lld != %lld", #a, #b, th_a, th_b); \
} while (0)
#define ASSERT_INT_NE(a, b) do {					\
	long long th_a = (long long)(a), th_b = (long long)(b);		\
	TH_CHECK(th_a != th_b, "%s != %s: both %lld", #a, #b, th_a);	\
} while (0)
#define ASSERT_INT_LT(a, b) do {					\
	long long th_a = (long long)(a), th_b = (long long)(b);		\
	TH_CHECK(th_a < th_b, "%s < %s: %lld >= %lld", #a, #b, th_a, th_b); \
} while (0)
#define ASSERT_INT_GE(a, b) do {					\
	long long th_a = (long long)(a), th_b = (long long)(b);		\
	TH_CHECK(th_a >= th_b, "%s >= %s: %lld < %lld", #a, #b, th_a, th_b); \
} while (0)
#define ASSERT_U32_EQ(a, b) do {					\
	uint32_t th_a = (uint32_t)(a), th_b = (uint32_t)(b);		\
	TH_CHECK(th_a == th_b, "%s == %s: 0x%08" PRIx32 " != 0x%08" PRIx32, \
	    #a, #b, th_a, th_b);					\
} while (0)
#define ASSERT_PTR_NULL(a)	TH_CHECK((a) == NULL, "%s is not NULL", #a)
#define ASSERT_PTR_NOT_NULL(a)	TH_CHECK((a) != NULL, "%s is NULL", #a)
#define ASSERT_STR_EQ(a, b) do {					\
	const char *th_a = (a), *th_b = (b);				\
	TH_CHECK(th_a != NULL && th_b != NULL && strcmp(th_a, th_b) == 0, \
	    "%s == %s: \"%.160s\" != \"%.160s\"", #a, #b,		\
	    th_a ? th_a : "(null)", th_b ? th_b : "(null)");		\
} while (0)
#define ASSERT_MEM_EQ(a, b, n) do {					\
	const unsigned char *th_a = (const void *)(a);			\
	const unsigned char *th_b = (const void *)(b);			\
	size_t th_n = (n), th_i;					\
	for (th_i = 0; th_i < th_n && th_a[th_i] == th_b[th_i]; th_i++) \
		;							\
	TH_CHECK(th_i == th_n, "%s == %s: differ at byte %zu of %zu "	\
	    "(0x%02x != 0x%02x)", #a, #b, th_i, th_n,			\
	    th_i < th_n ? th_a[th_i] : 0, th_i < th_n ? th_b[th_i] : 0); \
} while (0)

/* Parse a hex string with optional spaces into out; returns the byte count. */
static inline size_t
th_unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex != '\0'; hex++) {
		int v;

		if (*hex >= '0' && *hex <= '9')
			v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			v = *hex - 'a' + 10;
		else if (*hex >= 'A' && *hex <= 'F')
			v = *hex - 'A' + 10;
		else
			continue;
		if (hi < 0)
			hi = v;
		else {
			if (n < cap)
				out[n] = (unsigned char)(hi << 4 | v);
			n++;
			hi = -1;
		}
	}
	return n;
}

static inline int
test_exit(void)
{
	printf("# %d cases, %d checks, %d failures\n", th_cases, th_checks,
	    th_failures);
	return th_failures == 0 ? 0 : 1;
}

#endif /* SSTPC_TEST_HARNESS_H */
