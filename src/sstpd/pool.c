/*
 * pool.c - the IPv4 client address pool of --pool (pool.h): one bit per
 * address of the network, the network and broadcast addresses and the
 * server's own address (--local, or the pool's first) marked used from the
 * start.  pool4_get() hands out the next free address after the last one
 * given (round robin, a word of 64 addresses at a time), so a just-freed
 * address is not reused at once (stale ARP/conntrack state, late packets).
 * Pure: no I/O.  Addresses are in network order at the interface.
 */
#include "config.h"

#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sstpd/pool.h"

#define POOL4_MIN_PREFIX	16
#define POOL4_MAX_PREFIX	30

struct pool4 {
	uint32_t	 base;		/* the network, host order */
	uint32_t	 size;		/* addresses in the network */
	uint32_t	 local;		/* ours (host order), or 0 outside */
	uint32_t	 next;		/* where pool4_get looks first */
	size_t		 nfree;
	uint64_t	*used;		/* size / 64 words (size >= 64 or 4) */
	size_t		 nwords;
};

/* Is bit i set? */
static bool
bit_get(const struct pool4 *p, uint32_t i)
{
	return (p->used[i / 64] >> (i % 64) & 1) != 0;
}

/* Set or clear bit i. */
static void
bit_set(struct pool4 *p, uint32_t i, bool on)
{
	if (on)
		p->used[i / 64] |= (uint64_t)1 << (i % 64);
	else
		p->used[i / 64] &= ~((uint64_t)1 << (i % 64));
}

/* A new pool of net/prefix without local (0: the pool's first address). */
struct pool4 *
pool4_new(uint32_t net, unsigned prefix, uint32_t local)
{
	struct pool4 *p;
	uint32_t h = ntohl(net), l = ntohl(local), i;

	if (prefix < POOL4_MIN_PREFIX || prefix > POOL4_MAX_PREFIX)
		return NULL;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->size = (uint32_t)1 << (32 - prefix);
	p->base = h;
	if ((h & (p->size - 1)) != 0) {
		free(p);
		return NULL;
	}
	p->nwords = (p->size + 63) / 64;
	if ((p->used = calloc(p->nwords, sizeof *p->used)) == NULL) {
		free(p);
		return NULL;
	}
	/* Bits past the end of a short last word count as used. */
	for (i = p->size; i < p->nwords * 64; i++)
		bit_set(p, i, true);
	bit_set(p, 0, true);			/* the network */
	bit_set(p, p->size - 1, true);		/* broadcast */
	p->nfree = p->size - 2;
	if (local == 0)
		l = h + 1;
	if (l - h < p->size && l != h && l != h + p->size - 1) {
		bit_set(p, l - h, true);
		p->nfree--;
		p->local = l;
	}
	p->next = 1;
	return p;
}

/* The next free address (network order), or 0 when none is left. */
uint32_t
pool4_get(struct pool4 *p)
{
	size_t w, k;
	uint64_t free_bits;
	uint32_t i;

	if (p->nfree == 0)
		return 0;
	/* From p->next to the end of its word, then whole words around. */
	for (k = 0; k <= p->nwords; k++) {
		w = (p->next / 64 + k) % p->nwords;
		free_bits = ~p->used[w];
		if (k == 0)
			free_bits &= ~(uint64_t)0 << (p->next % 64);
		if (free_bits == 0)
			continue;
		i = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(free_bits));
		bit_set(p, i, true);
		p->nfree--;
		p->next = i + 1 < p->size ? i + 1 : 0;
		return htonl(p->base + i);
	}
	return 0;	/* not reached: nfree > 0 */
}

/* Take addr (a secrets line's): 0, -EEXIST in use, -ERANGE not ours. */
int
pool4_take(struct pool4 *p, uint32_t addr)
{
	uint32_t i = ntohl(addr) - p->base;

	if (i >= p->size || i == 0 || i == p->size - 1)
		return -ERANGE;
	if (bit_get(p, i))
		return -EEXIST;
	bit_set(p, i, true);
	p->nfree--;
	return 0;
}

/* Give addr back; anything not handed out (ours, outside, free) is ignored. */
void
pool4_put(struct pool4 *p, uint32_t addr)
{
	uint32_t h = ntohl(addr), i = h - p->base;

	if (i >= p->size || i == 0 || i == p->size - 1 || h == p->local ||
	    !bit_get(p, i))
		return;
	bit_set(p, i, false);
	p->nfree++;
}

/* Addresses left. */
size_t
pool4_free_count(const struct pool4 *p)
{
	return p->nfree;
}

/* Free the pool. */
void
pool4_free(struct pool4 *p)
{
	if (p == NULL)
		return;
	free(p->used);
	free(p);
}
