/*
 * connect.c - asynchronous resolve and connect (see connect.h).
 *
 * 1.0.18 used only the first getaddrinfo() result; here every address is
 * tried.  Resolution goes through libevent's evdns (which also reads
 * /etc/hosts), loaded on demand by dns.c, so the loop never blocks.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <event2/event.h>
#include <event2/util.h>

#include "util/log.h"
#include "net/connect.h"
#include "net/dns.h"

#define NET_MAX_ADDRS		16
#define NET_STAGGER_MS		250

struct net_attempt {
	int			 fd;
	struct event		*ev;
	struct net_connect	*nc;
	int			 idx;
};

struct net_connect {
	struct event_base		*base;
	struct net_dns			*dns;
	struct net_dns_req		*req;
	struct event			*stagger;	/* start the next attempt */
	struct event			*deadline;	/* whole operation */
	struct event			*kick;		/* deferred resolve */
	net_connect_cb			 cb;
	void				*arg;
	char				 host[256];
	uint16_t			 port;
	struct sockaddr_storage		 addrs[NET_MAX_ADDRS];
	socklen_t			 addrlen[NET_MAX_ADDRS];
	int				 naddrs;
	int				 next;		/* next address to try */
	struct net_attempt		 att[NET_MAX_ADDRS];
	int				 pending;
	int				 last_err;
};

void
net_addr_string(const struct sockaddr *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	} else
		snprintf(buf, len, "(unknown address family)");
}

/* Close one attempt's socket and event. */
static void
net_attempt_close(struct net_attempt *at)
{
	if (at->ev != NULL)
		event_free(at->ev);
	at->ev = NULL;
	if (at->fd >= 0)
		close(at->fd);
	at->fd = -1;
}

/* Free everything; the callback has been or will not be called. */
static void
net_connect_free(struct net_connect *nc)
{
	int i;

	if (nc->req != NULL)
		net_dns_cancel(nc->dns, nc->req);
	for (i = 0; i < nc->naddrs; i++)
		net_attempt_close(&nc->att[i]);
	if (nc->stagger != NULL)
		event_free(nc->stagger);
	if (nc->deadline != NULL)
		event_free(nc->deadline);
	if (nc->kick != NULL)
		event_free(nc->kick);
	free(nc);
}

void
net_connect_cancel(struct net_connect *nc)
{
	if (nc != NULL)
		net_connect_free(nc);
}

/* Report failure with the most telling error and free. */
static void
net_connect_fail(struct net_connect *nc, int err, const char *what)
{
	char msg[384];
	net_connect_cb cb = nc->cb;
	void *arg = nc->arg;

	snprintf(msg, sizeof msg, "cannot connect to %s port %u: %s",
	    nc->host, nc->port, what != NULL ? what : strerror(-err));
	net_connect_free(nc);
	cb(-1, err, msg, NULL, 0, arg);
}

/* The name did not resolve: "cannot resolve HOST: why", nc freed. */
static void
net_resolve_fail(struct net_connect *nc, int err, const char *why)
{
	char msg[384];
	net_connect_cb cb = nc->cb;
	void *arg = nc->arg;

	snprintf(msg, sizeof msg, "cannot resolve %s: %s", nc->host, why);
	net_connect_free(nc);
	cb(-1, err, msg, NULL, 0, arg);
}

static void	net_try_next(struct net_connect *);

/* One attempt became writable: connected or failed. */
static void
net_attempt_cb(evutil_socket_t fd, short what, void *arg)
{
	struct net_attempt *at = arg;
	struct net_connect *nc = at->nc;
	struct sockaddr_storage ss;
	socklen_t sl;
	int soerr = 0, i;
	socklen_t len = sizeof soerr;
	char a[64];

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
	net_addr_string((struct sockaddr *)&nc->addrs[at->idx], a, sizeof a);
	if (soerr != 0) {
		log_debug("connect to %s failed: %s", a, strerror(soerr));
		nc->last_err = -soerr;
		net_attempt_close(at);
		nc->pending--;
		/* Failure: go on at once rather than waiting for the stagger. */
		if (nc->next < nc->naddrs)
			net_try_next(nc);
		else if (nc->pending == 0)
			net_connect_fail(nc, nc->last_err, NULL);
		return;
	}
	/* Winner: keep this fd, drop the rest. */
	event_free(at->ev);
	at->ev = NULL;
	at->fd = -1;
	memcpy(&ss, &nc->addrs[at->idx], sizeof ss);
	sl = nc->addrlen[at->idx];
	for (i = 0; i < nc->naddrs; i++)
		net_attempt_close(&nc->att[i]);
	{
		net_connect_cb cb = nc->cb;
		void *cbarg = nc->arg;

		net_connect_free(nc);
		log_debug("TCP connected to %s", a);
		cb((int)fd, 0, NULL, (struct sockaddr *)&ss, sl, cbarg);
	}
}

/* Start a non-blocking connect to the next address. */
static void
net_try_next(struct net_connect *nc)
{
	struct net_attempt *at;
	struct sockaddr *sa;
	struct timeval tv = { 0, NET_STAGGER_MS * 1000 };
	char a[64];
	int fd;

	while (nc->next < nc->naddrs) {
		at = &nc->att[nc->next];
		at->idx = nc->next++;
		sa = (struct sockaddr *)&nc->addrs[at->idx];
		net_addr_string(sa, a, sizeof a);
		fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, IPPROTO_TCP);
		if (fd < 0) {
			nc->last_err = -errno;
			continue;
		}
		log_debug("connecting to %s", a);
		if (connect(fd, sa, nc->addrlen[at->idx]) < 0 &&
		    errno != EINPROGRESS) {
			nc->last_err = -errno;
			log_debug("connect to %s failed: %s", a,
			    strerror(errno));
			close(fd);
			continue;
		}
		at->fd = fd;
		at->nc = nc;
		at->ev = event_new(nc->base, fd, EV_WRITE, net_attempt_cb, at);
		if (at->ev == NULL || event_add(at->ev, NULL) < 0) {
			net_attempt_close(at);
			nc->last_err = -ENOMEM;
			continue;
		}
		nc->pending++;
		if (nc->next < nc->naddrs)
			evtimer_add(nc->stagger, &tv);
		return;
	}
	if (nc->pending == 0)
		net_connect_fail(nc, nc->last_err != 0 ? nc->last_err :
		    -EHOSTUNREACH, NULL);
}

static void
net_stagger_cb(evutil_socket_t fd, short what, void *arg)
{
	net_try_next(arg);
}

static void
net_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct net_connect *nc = arg;

	/*
	 * Still resolving: no name server answered (evdns keeps retrying one
	 * that failed, so the deadline is what ends it).  Say so, rather than
	 * "connection timed out" for a connection never tried.
	 */
	if (nc->req != NULL)
		net_resolve_fail(nc, -ETIMEDOUT, "no answer from the name "
		    "servers");
	else
		net_connect_fail(nc, -ETIMEDOUT, "connection timed out");
}

/* Resolver answer: order the addresses (families interleaved) and start. */
static void
net_resolved_cb(int result, struct evutil_addrinfo *res, void *arg)
{
	struct net_connect *nc = arg;
	struct evutil_addrinfo *ai, *v6[NET_MAX_ADDRS], *v4[NET_MAX_ADDRS];
	int n6 = 0, n4 = 0, i;

	/* A cancelled request answers later: nc is gone, touch nothing. */
	if (result == EVUTIL_EAI_CANCEL)
		return;
	nc->req = NULL;
	if (result != 0) {
		net_resolve_fail(nc, -EHOSTUNREACH,
		    evutil_gai_strerror(result));
		return;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET6 && n6 < NET_MAX_ADDRS)
			v6[n6++] = ai;
		else if (ai->ai_family == AF_INET && n4 < NET_MAX_ADDRS)
			v4[n4++] = ai;
	}
	/* RFC 8305 4: alternate families, IPv6 first. */
	for (i = 0; nc->naddrs < NET_MAX_ADDRS && (i < n6 || i < n4); i++) {
		if (i < n6 && nc->naddrs < NET_MAX_ADDRS) {
			memcpy(&nc->addrs[nc->naddrs], v6[i]->ai_addr,
			    v6[i]->ai_addrlen);
			nc->addrlen[nc->naddrs++] = v6[i]->ai_addrlen;
		}
		if (i < n4 && nc->naddrs < NET_MAX_ADDRS) {
			memcpy(&nc->addrs[nc->naddrs], v4[i]->ai_addr,
			    v4[i]->ai_addrlen);
			nc->addrlen[nc->naddrs++] = v4[i]->ai_addrlen;
		}
	}
	evutil_freeaddrinfo(res);
	for (i = 0; i < nc->naddrs; i++)
		nc->att[i].fd = -1;
	if (nc->naddrs == 0) {
		net_connect_fail(nc, -EHOSTUNREACH, "no usable address");
		return;
	}
	net_try_next(nc);
}

/* Deferred start of the resolution. */
static void
net_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct net_connect *nc = arg;
	struct net_dns_req *r;
	struct evutil_addrinfo hints;
	char service[8];

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	snprintf(service, sizeof service, "%u", nc->port);
	if (nc->dns == NULL) {
		/*
		 * An address literal: nothing to look up, and no resolver
		 * was made for it (its library is not even loaded, dns.h).
		 */
		struct evutil_addrinfo *res = NULL;
		int rc;

		hints.ai_flags = EVUTIL_AI_NUMERICHOST |
		    EVUTIL_AI_NUMERICSERV;
		rc = evutil_getaddrinfo(nc->host, service, &hints, &res);
		net_resolved_cb(rc, res, nc);
		return;
	}
	/*
	 * NULL means the answer came at once and net_resolved_cb() already
	 * ran (and may have freed nc): touch nothing then.
	 */
	r = net_dns_lookup(nc->dns, nc->host, service, &hints,
	    net_resolved_cb, nc);
	if (r != NULL)
		nc->req = r;
}

/* True when host is an IPv4 or IPv6 address literal (no resolver needed). */
bool
net_host_is_literal(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, host, &a4) == 1 ||
	    inet_pton(AF_INET6, host, &a6) == 1;
}

struct net_connect *
net_connect_start(struct event_base *base, struct net_dns *dns,
    const char *host, uint16_t port, unsigned int timeout_ms,
    net_connect_cb cb, void *arg)
{
	struct net_connect *nc;
	struct timeval tv;

	nc = calloc(1, sizeof *nc);
	if (nc == NULL)
		return NULL;
	nc->base = base;
	nc->cb = cb;
	nc->arg = arg;
	nc->port = port;
	snprintf(nc->host, sizeof nc->host, "%s", host);
	nc->stagger = evtimer_new(base, net_stagger_cb, nc);
	nc->deadline = evtimer_new(base, net_deadline_cb, nc);
	if (nc->stagger == NULL || nc->deadline == NULL) {
		net_connect_free(nc);
		return NULL;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(nc->deadline, &tv);

	/* Resolve from the loop so the callback never runs inside start. */
	nc->kick = evtimer_new(base, net_kick_cb, nc);
	nc->dns = dns;
	if (nc->kick == NULL) {
		net_connect_free(nc);
		return NULL;
	}
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	evtimer_add(nc->kick, &tv);
	return nc;
}
