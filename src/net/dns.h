/*
 * dns.h - the resolver for host names, loaded only when one is needed.
 *
 * libevent's evdns lives in its own library (libevent_extra).  Linked in,
 * it costs every run 60-100 KiB of resident memory (its headers, its
 * init code's fault-around window, its data) even when the server is an
 * address literal and nothing is ever resolved.  So sstpc dlopen()s it on
 * the first host name instead (bench/README.md, memory); the package
 * still depends on it (debian/rules), so a name never fails for want of it.
 */
#ifndef SSTPC_NET_DNS_H
#define SSTPC_NET_DNS_H

#include <stddef.h>

struct event_base;
struct evutil_addrinfo;
struct net_dns;
struct net_dns_req;

/* evdns_getaddrinfo_cb's shape: result 0 or an EVUTIL_EAI_* code. */
typedef void	(*net_dns_cb)(int result, struct evutil_addrinfo *res,
		    void *arg);

/*
 * Load the resolver library and make an evdns base on base: nameservers
 * from /etc/resolv.conf, or, without one, names from /etc/hosts only.
 * NULL with a one-line reason in err (naming the library when it cannot
 * be loaded).
 */
struct net_dns	*net_dns_new(struct event_base *base, char *err, size_t len);
/* The same with the library named (tests: a name that does not exist). */
struct net_dns	*net_dns_new_from(struct event_base *base, const char *soname,
		    char *err, size_t len);
/* Free the base (as evdns_base_free(, 0): no callbacks); NULL is fine. */
void		 net_dns_free(struct net_dns *);

/*
 * Start evdns_getaddrinfo(): NULL when the answer came at once (cb has
 * already run), else a request for net_dns_cancel() until cb runs.
 */
struct net_dns_req *net_dns_lookup(struct net_dns *, const char *host,
		    const char *service, const struct evutil_addrinfo *hints,
		    net_dns_cb cb, void *arg);
/* Cancel: cb runs once more with EVUTIL_EAI_CANCEL. */
void		 net_dns_cancel(struct net_dns *, struct net_dns_req *);

#endif /* SSTPC_NET_DNS_H */
