/*
 * pool.c - the IPv4 client address pool (pool.h): one bit per address of
 * the --pool prefix (prefix 16..30: at most 65536 bits, 8 KiB).
 *
 * Never given: the network and broadcast addresses (RFC 919/922 all-zero
 * and all-one host parts) and the server's own address; @local 0 means
 * the first host of the prefix is the server's (conf.h: --local defaults
 * to the pool's first), a @local outside the prefix excludes nothing more.
 * Those stay set in the bitmap for the pool's life: pool4_put() ignores
 * them, pool4_take() refuses them with -ERANGE.
 *
 * pool4_get() scans from a rotating cursor one 64-bit word at a time and
 * leaves the cursor after the address it gives, so a freed address goes
 * back to the end of the line (a new session does not inherit the one
 * that just left) and a run of gets is O(1) amortised.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sstpd/pool.h"

struct pool4 {
	uint32_t	 base;		/* network address, host order */
	uint32_t	 size;		/* addresses in the prefix */
	uint32_t	 local;		/* host order; excluded */
	uint32_t	 cursor;	/* next index to look at */
	size_t		 free;		/* addresses pool4_get can give */
	uint64_t	*bits;		/* 1 = in use or excluded */
	size_t		 words;
};

/* Is index i set? */
static bool
p4_test(const struct pool4 *p, uint32_t i)
{
	return (p->bits[i / 64] >> (i % 64)) & 1;
}

/* Set index i. */
static void
p4_set(struct pool4 *p, uint32_t i)
{
	p->bits[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Clear index i. */
static void
p4_clear(struct pool4 *p, uint32_t i)
{
	p->bits[i / 64] &= ~((uint64_t)1 << (i % 64));
}

/* Is index i one that is never given (network, broadcast, local)? */
static bool
p4_reserved(const struct pool4 *p, uint32_t i)
{
	return i == 0 || i == p->size - 1 || p->base + i == p->local;
}

/* A new pool over net/prefix (see pool.h). */
struct pool4 *
pool4_new(uint32_t net, unsigned prefix, uint32_t local)
{
	struct pool4 *p;
	uint32_t i;

	if (prefix < 16 || prefix > 30)
		return NULL;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->size = (uint32_t)1 << (32 - prefix);
	p->base = ntohl(net) & ~(p->size - 1);
	p->local = local == 0 ? p->base + 1 : ntohl(local);
	p->words = (p->size + 63) / 64;
	if ((p->bits = calloc(p->words, sizeof *p->bits)) == NULL) {
		free(p);
		return NULL;
	}
	/* Bits past the end of a short last word count as used. */
	for (i = p->size; i < p->words * 64; i++)
		p->bits[i / 64] |= (uint64_t)1 << (i % 64);
	p->free = p->size;
	for (i = 0; i < p->size; i += p->size - 1) {
		p4_set(p, i);
		p->free--;
	}
	if (p->local - p->base < p->size && !p4_test(p, p->local - p->base)) {
		p4_set(p, p->local - p->base);
		p->free--;
	}
	p->cursor = 1;
	return p;
}

/* The next free address, network order, or 0 (see pool.h). */
uint32_t
pool4_get(struct pool4 *p)
{
	uint32_t i, w, start, idx;
	uint64_t avail;
	size_t n;

	if (p->free == 0)
		return 0;
	start = p->cursor % p->size;
	w = start / 64;
	/* The first word from the cursor's bit on, then whole words. */
	avail = ~p->bits[w] & (~(uint64_t)0 << (start % 64));
	for (n = 0; n <= p->words; n++) {
		if (avail != 0) {
			i = (uint32_t)__builtin_ctzll(avail);
			idx = w * 64 + i;
			p4_set(p, idx);
			p->free--;
			p->cursor = idx + 1 < p->size ? idx + 1 : 0;
			return htonl(p->base + idx);
		}
		w = (uint32_t)((w + 1) % p->words);
		avail = ~p->bits[w];
	}
	return 0;	/* not reached while free counts right */
}

/* Take a fixed address (see pool.h). */
int
pool4_take(struct pool4 *p, uint32_t addr)
{
	uint32_t i = ntohl(addr) - p->base;

	if (i >= p->size || p4_reserved(p, i))
		return -ERANGE;
	if (p4_test(p, i))
		return -EEXIST;
	p4_set(p, i);
	p->free--;
	return 0;
}

/* Give an address back; a reserved, outside or free one is ignored. */
void
pool4_put(struct pool4 *p, uint32_t addr)
{
	uint32_t i = ntohl(addr) - p->base;

	if (i >= p->size || p4_reserved(p, i) || !p4_test(p, i))
		return;
	p4_clear(p, i);
	p->free++;
}

/* Addresses pool4_get can still give. */
size_t
pool4_free_count(const struct pool4 *p)
{
	return p->free;
}

/* Free the pool. */
void
pool4_free(struct pool4 *p)
{
	if (p == NULL)
		return;
	free(p->bits);
	free(p);
}
