/*
 * dns.c - evdns from libevent_extra, loaded on the first host name (dns.h).
 *
 * The library is opened once per process with RTLD_NODELETE and never
 * closed: evdns_base_new() leaves pointers to its own functions in
 * libevent_core (evutil_set_evdns_getaddrinfo_fn_), which must not dangle.
 * The function table is typed from <event2/dns.h> (__typeof__), so a
 * prototype that changes upstream fails the build rather than the call.
 */
#include "config.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include "util/nelem.h"
#include "net/dns.h"

#ifndef LIBEVENT_EXTRA_SONAME
#define LIBEVENT_EXTRA_SONAME	"libevent_extra-2.1.so.7"
#endif

struct net_dns_fns {
	__typeof__(&evdns_base_new)		base_new;
	__typeof__(&evdns_base_free)		base_free;
	__typeof__(&evdns_base_load_hosts)	load_hosts;
	__typeof__(&evdns_getaddrinfo)		getaddrinfo;
	__typeof__(&evdns_getaddrinfo_cancel)	cancel;
};

struct net_dns {
	struct evdns_base	*evdns;
	struct net_dns_fns	 fn;
};

static const struct {
	const char	*name;
	size_t		 off;
} net_dns_syms[] = {
	{ "evdns_base_new",		offsetof(struct net_dns_fns, base_new) },
	{ "evdns_base_free",		offsetof(struct net_dns_fns, base_free) },
	{ "evdns_base_load_hosts",	offsetof(struct net_dns_fns, load_hosts) },
	{ "evdns_getaddrinfo",		offsetof(struct net_dns_fns, getaddrinfo) },
	{ "evdns_getaddrinfo_cancel",	offsetof(struct net_dns_fns, cancel) },
};

/* Fill fn from the library; -1 with the reason in err. */
static int
net_dns_load(const char *soname, struct net_dns_fns *fn, char *err,
    size_t len)
{
	const char *why;
	void *h, *p;
	size_t i;

	(void)dlerror();
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (h == NULL) {
		why = dlerror();
		/* dlerror() names the file and the cause. */
		if (why != NULL)
			snprintf(err, len, "cannot load the resolver: %s", why);
		else
			snprintf(err, len, "cannot load the resolver: %s",
			    soname);
		return -1;
	}
	for (i = 0; i < NELEM(net_dns_syms); i++) {
		p = dlsym(h, net_dns_syms[i].name);
		if (p == NULL) {
			snprintf(err, len, "the resolver library %s has no %s",
			    soname, net_dns_syms[i].name);
			return -1;
		}
		/* POSIX dlsym(): a function's address comes as a void *. */
		*(void **)((char *)fn + net_dns_syms[i].off) = p;
	}
	return 0;
}

struct net_dns *
net_dns_new_from(struct event_base *base, const char *soname, char *err,
    size_t len)
{
	struct net_dns *d;

	d = calloc(1, sizeof *d);
	if (d == NULL) {
		snprintf(err, len, "cannot set up the resolver: out of memory");
		return NULL;
	}
	if (net_dns_load(soname, &d->fn, err, len) < 0) {
		free(d);
		return NULL;
	}
	d->evdns = d->fn.base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (d->evdns == NULL) {
		/* No resolv.conf: names from /etc/hosts and literals only. */
		d->evdns = d->fn.base_new(base, 0);
		if (d->evdns != NULL)
			d->fn.load_hosts(d->evdns, NULL);
	}
	if (d->evdns == NULL) {
		snprintf(err, len, "cannot set up the resolver");
		free(d);
		return NULL;
	}
	return d;
}

struct net_dns *
net_dns_new(struct event_base *base, char *err, size_t len)
{
	return net_dns_new_from(base, LIBEVENT_EXTRA_SONAME, err, len);
}

void
net_dns_free(struct net_dns *d)
{
	if (d == NULL)
		return;
	d->fn.base_free(d->evdns, 0);
	free(d);
}

struct net_dns_req *
net_dns_lookup(struct net_dns *d, const char *host, const char *service,
    const struct evutil_addrinfo *hints, net_dns_cb cb, void *arg)
{
	return (struct net_dns_req *)d->fn.getaddrinfo(d->evdns, host, service,
	    hints, cb, arg);
}

void
net_dns_cancel(struct net_dns *d, struct net_dns_req *r)
{
	d->fn.cancel((struct evdns_getaddrinfo_request *)r);
}
