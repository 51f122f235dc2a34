/*
 * net.h - asynchronous name resolution and TCP connect with address
 * fallback (Happy Eyeballs style, RFC 8305 in spirit).
 */
#ifndef SSTPC_NET_H
#define SSTPC_NET_H

#include <stdint.h>
#include <stdbool.h>
#include <sys/socket.h>

struct event_base;
struct net_dns;
struct net_connect;

/*
 * Called once: fd >= 0 (connected, non-blocking, TCP_NODELAY) and err 0, or
 * fd -1 and err a negative errno with msg a one-line reason.
 */
typedef void	(*net_connect_cb)(int fd, int err, const char *msg,
		    const struct sockaddr *sa, socklen_t salen, void *arg);

/* True when host is an IPv4 or IPv6 address literal. */
bool	net_host_is_literal(const char *host);

/*
 * Resolve host (names, IPv4 and IPv6 literals) and connect to port, trying
 * every address: families interleaved, a new attempt started every 250 ms
 * while earlier ones are pending, the first success wins.  timeout_ms
 * bounds the whole operation.  dns may be NULL when host is a literal.
 * Returns NULL on immediate failure.
 */
struct net_connect *net_connect_start(struct event_base *, struct net_dns *,
	    const char *host, uint16_t port, unsigned int timeout_ms,
	    net_connect_cb, void *arg);
/* Cancel a pending connect (no callback). */
void	net_connect_cancel(struct net_connect *);
/* Format an address as "1.2.3.4:443" or "[::1]:443". */
void	net_addr_string(const struct sockaddr *, char *buf, size_t len);

#endif /* SSTPC_NET_H */
