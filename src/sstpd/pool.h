/*
 * pool.h - the IPv4 client address pool: addresses out of --pool CIDR
 * (the network, broadcast and the server's own --local left out).  Pure:
 * a bitmap, O(1) amortised allocation, no I/O.  (--pool6 needs no pool
 * here: a /64 --pool6 keys each session by its IPV6CP interface
 * identifier, a shorter one gives each session a /64 from the hub's own
 * bitmap, link/tunsrv/tunsrv.c, which this layer-7 file cannot serve.)
 */
#ifndef SSTPD_POOL_H
#define SSTPD_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pool4;

/* NULL for a prefix outside 16..30 or an allocation failure. */
struct pool4 *pool4_new(uint32_t net, unsigned prefix, uint32_t local);
/* The next free address (network order), or 0 when exhausted. */
uint32_t pool4_get(struct pool4 *);
/* Take a fixed one (a secrets line's): 0, -EEXIST used, -ERANGE outside. */
int	pool4_take(struct pool4 *, uint32_t addr);
void	pool4_put(struct pool4 *, uint32_t addr);
size_t	pool4_free_count(const struct pool4 *);
void	pool4_free(struct pool4 *);

#endif /* SSTPD_POOL_H */
