/*
 * test_compat_diff.c - differential test: our libsstp_api-0.so against
 * sstp-client 1.0.18's (Debian libsstp-api-0), both dlopen()ed into one
 * process.  Every well-formed message of a pseudo-random corpus is built
 * with both libraries from zero-filled buffers and must come out identical
 * octet for octet, with identical return values; both parsers must index
 * the same attributes.  Malformed bodies are given to 1.0.18 only where it
 * stays inside the buffer (a bad type in the first attribute).
 *
 * Usage: test_compat_diff OUR.so DEBIAN.so  (run by tests/compat/check-abi.sh)
 */
#include "config.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sstp-client/sstp-api.h>

#include "../unit/harness.h"

#define NMSG	4000
#define BUFSZ	512

/* The five entry points of one library. */
struct api {
	void				*dl;
	__typeof__(sstp_api_msg_new)	*msg_new;
	__typeof__(sstp_api_msg_len)	*msg_len;
	__typeof__(sstp_api_msg_type)	*msg_type;
	__typeof__(sstp_api_attr_add)	*attr_add;
	__typeof__(sstp_api_attr_parse)	*attr_parse;
};

/* Resolve one symbol or die. */
static void *
sym(void *dl, const char *name)
{
	void *p = dlsym(dl, name);

	if (p == NULL) {
		fprintf(stderr, "dlsym %s: %s\n", name, dlerror());
		exit(1);
	}
	return p;
}

/* dlopen a library privately (the two define the same names). */
static void
api_open(struct api *a, const char *path)
{
	a->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (a->dl == NULL) {
		fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
		exit(1);
	}
	a->msg_new = (__typeof__(a->msg_new))sym(a->dl, "sstp_api_msg_new");
	a->msg_len = (__typeof__(a->msg_len))sym(a->dl, "sstp_api_msg_len");
	a->msg_type = (__typeof__(a->msg_type))sym(a->dl, "sstp_api_msg_type");
	a->attr_add = (__typeof__(a->attr_add))sym(a->dl, "sstp_api_attr_add");
	a->attr_parse = (__typeof__(a->attr_parse))sym(a->dl,
	    "sstp_api_attr_parse");
}

/* xorshift32: a fixed corpus on every run. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Offsets of list[] entries into body, -1 for NULL. */
static void
offsets(sstp_api_attr_st **list, const char *body, long *off)
{
	int i;

	for (i = 0; i <= SSTP_API_ATTR_MAX; i++)
		off[i] = list[i] == NULL ? -1 :
		    (long)((const char *)(void *)list[i] - body);
}

/* Build one random message with both libraries and compare everything. */
static void
one_message(struct api *ours, struct api *deb, uint32_t *seed)
{
	uint8_t b1[BUFSZ], b2[BUFSZ], data[48];
	sstp_api_msg_st *m1, *m2;
	sstp_api_msg_t t1, t2, type;
	sstp_api_attr_st *l1[SSTP_API_ATTR_MAX + 1], *l2[SSTP_API_ATTR_MAX + 1];
	long o1[SSTP_API_ATTR_MAX + 1], o2[SSTP_API_ATTR_MAX + 1];
	unsigned int nattr, i, j, atype, alen;
	int r1, r2, blen;
	char *c1, *c2;

	memset(b1, 0, sizeof b1);
	memset(b2, 0, sizeof b2);
	type = (sstp_api_msg_t)(rnd(seed) % 4);
	m1 = ours->msg_new(b1, type);
	m2 = deb->msg_new(b2, type);
	ASSERT_TRUE(m1 == (sstp_api_msg_st *)(void *)b1);
	ASSERT_TRUE(m2 == (sstp_api_msg_st *)(void *)b2);
	nattr = rnd(seed) % 6;
	for (i = 0; i < nattr; i++) {
		atype = 1 + rnd(seed) % SSTP_API_ATTR_MAX;
		alen = rnd(seed) % (sizeof data + 1);
		for (j = 0; j < alen; j++)
			data[j] = (uint8_t)rnd(seed);
		ours->attr_add(m1, (sstp_api_attr_t)atype, alen, data);
		deb->attr_add(m2, (sstp_api_attr_t)atype, alen, data);
	}
	ASSERT_MEM_EQ(b1, b2, sizeof b1);
	ASSERT_INT_EQ(ours->msg_len(m1), deb->msg_len(m2));
	r1 = ours->msg_type(m1, &t1);
	r2 = deb->msg_type(m2, &t2);
	ASSERT_INT_EQ(r1, 0);
	ASSERT_INT_EQ(r2, 0);
	ASSERT_INT_EQ(t1, t2);

	/* Parse exact-size copies of the body with both. */
	blen = m1->msg_len;
	c1 = malloc((size_t)blen + 1);
	c2 = malloc((size_t)blen + 1);
	if (c1 == NULL || c2 == NULL)
		abort();
	memcpy(c1, b1 + 8, (size_t)blen);
	memcpy(c2, b2 + 8, (size_t)blen);
	memset(l1, 0x5a, sizeof l1);
	memset(l2, 0x5a, sizeof l2);
	r1 = ours->attr_parse(c1, blen, l1, SSTP_API_ATTR_MAX + 1);
	r2 = deb->attr_parse(c2, blen, l2, SSTP_API_ATTR_MAX + 1);
	ASSERT_INT_EQ(r1, 0);
	ASSERT_INT_EQ(r1, r2);
	offsets(l1, c1, o1);
	offsets(l2, c2, o2);
	ASSERT_MEM_EQ(o1, o2, sizeof o1);
	free(c1);
	free(c2);
}

/* A first attribute of a bad type: both refuse it and clear list[]. */
static void
bad_type(struct api *ours, struct api *deb, uint16_t type)
{
	sstp_api_attr_st *l1[SSTP_API_ATTR_MAX + 1], *l2[SSTP_API_ATTR_MAX + 1];
	long o1[SSTP_API_ATTR_MAX + 1], o2[SSTP_API_ATTR_MAX + 1];
	char body[8];

	memset(body, 0, sizeof body);
	memcpy(body, &type, sizeof type);
	memset(l1, 0x5a, sizeof l1);
	memset(l2, 0x5a, sizeof l2);
	ASSERT_INT_EQ(ours->attr_parse(body, sizeof body, l1,
	    SSTP_API_ATTR_MAX + 1), -1);
	ASSERT_INT_EQ(deb->attr_parse(body, sizeof body, l2,
	    SSTP_API_ATTR_MAX + 1), -1);
	offsets(l1, body, o1);
	offsets(l2, body, o2);
	ASSERT_MEM_EQ(o1, o2, sizeof o1);
}

int
main(int argc, char **argv)
{
	struct api ours, deb;
	sstp_api_msg_st hdr;
	sstp_api_msg_t t1 = SSTP_API_MSG_UNKNOWN, t2 = SSTP_API_MSG_UNKNOWN;
	uint32_t seed = 0x5eed1018;
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: %s OUR.so DEBIAN.so\n", argv[0]);
		return 2;
	}
	api_open(&ours, argv[1]);
	api_open(&deb, argv[2]);
	ASSERT_TRUE(ours.msg_new != deb.msg_new);	/* two libraries */

	TEST_START("random well-formed messages: identical octets");
	for (i = 0; i < NMSG; i++)
		one_message(&ours, &deb, &seed);
	TEST_DONE();

	TEST_START("bad first attribute type: both refuse");
	bad_type(&ours, &deb, 0);
	bad_type(&ours, &deb, 5);
	bad_type(&ours, &deb, 0x0100);
	bad_type(&ours, &deb, 0xffff);
	TEST_DONE();

	TEST_START("header without the magic: both refuse");
	memset(&hdr, 0, sizeof hdr);
	hdr.msg_type = SSTP_API_MSG_ACK;
	ASSERT_INT_EQ(ours.msg_type(&hdr, &t1), -1);
	ASSERT_INT_EQ(deb.msg_type(&hdr, &t2), -1);
	ASSERT_INT_EQ(t1, t2);
	TEST_DONE();

	dlclose(ours.dl);
	dlclose(deb.dl);
	return test_exit();
}
