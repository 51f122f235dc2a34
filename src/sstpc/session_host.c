/*
 * session_host.c - the session's side of the built-in mode's host
 * configuration (issue 12, section 4): the link's net_up/net_down
 * up-calls, the hand-over to the privileged monitor before the drop, the
 * script when there is no monitor, and systemd's READY/STOPPING.
 *
 *   root:      net_up -> monitor 'C' (sys/hostconf.c, or --script run by
 *              the monitor as root); net_down and the end -> 'U'.  The
 *              monitor undoes it at EOF too (sstpc killed).
 *   not root:  --script run by this process; without it nothing (one
 *              info line): the addresses are the launcher's business.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "link/link.h"
#include "sstpc/sstpc.h"
#include "sys/hostconf.h"
#include "sys/monitor.h"
#include "sys/script.h"
#include "util/log.h"

/* The server connection's address as text (VPNGATEWAY), "" if none. */
static void
session_host_gw(const struct sstpc *s, char *out, size_t len)
{
	const struct sockaddr_in *sin = (const void *)&s->peer_sa;
	const struct sockaddr_in6 *sin6 = (const void *)&s->peer_sa;

	out[0] = '\0';
	if (s->peer_salen == 0)
		return;
	if (s->peer_sa.ss_family == AF_INET)
		inet_ntop(AF_INET, &sin->sin_addr, out, (socklen_t)len);
	else if (s->peer_sa.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &sin6->sin6_addr, out, (socklen_t)len);
}

/* Run --script from this process (no monitor).  0 or -1 with err. */
static int
session_host_script(struct sstpc *s, const char *reason,
    const struct ppp_ip_info *ip, char *err, size_t errlen)
{
	struct session_host *h = &s->host;
	struct script_env env;
	struct script_info si = {
		.conf = &h->conf,
		.ip = ip,
		.gateway = h->gw,
		.vpnpid = getpid(),
		.log_level = log_get_level(),
	};
	char e[200];
	int r;

	if (script_env_build(&env, reason, &si) != 0) {
		snprintf(err, errlen, "--script %s: environment too large",
		    reason);
		return -1;
	}
	r = script_run(s->cfg->script, &env, SCRIPT_TIMEOUT_MS, e, sizeof e);
	explicit_bzero(&env, sizeof env);
	if (r != 0) {
		snprintf(err, errlen, "--script %s failed: %s", reason, e);
		return -1;
	}
	log_info("--script %s: exit status 0", reason);
	return 0;
}

int
session_host_init(struct sstpc *s, char *err, size_t errlen)
{
	const struct sstpc_config *c = s->cfg;
	struct session_host *h = &s->host;
	size_t i;

	memset(h, 0, sizeof *h);
	sdnotify_init(&h->notify, getenv("NOTIFY_SOCKET"));
	if (!c->tun)
		return 0;
	if (c->n_routes > HOSTCONF_ROUTES_MAX) {
		snprintf(err, errlen, "at most %d --route", HOSTCONF_ROUTES_MAX);
		return -1;
	}
	h->conf.defaultroute = c->defaultroute;
	h->conf.usepeerdns = c->usepeerdns;
	h->conf.mtu = c->mtu <= UINT16_MAX ? (uint16_t)c->mtu : 0;
	h->conf.n_routes = c->n_routes;
	for (i = 0; i < c->n_routes; i++) {
		h->conf.routes[i].family = c->routes[i].family;
		h->conf.routes[i].prefixlen = c->routes[i].prefixlen;
		memcpy(h->conf.routes[i].addr, c->routes[i].addr, 16);
	}
	if (c->tun_name != NULL)
		snprintf(h->conf.ifname, sizeof h->conf.ifname, "%s",
		    c->tun_name);
	/* pre-init: before the TUN is opened (vpnc-script loads tun). */
	if (c->script != NULL && session_host_script(s, "pre-init", NULL, err,
	    errlen) != 0)
		return -1;
	return 0;
}

int
session_host_handover(struct sstpc *s, char *err, size_t errlen)
{
	struct session_host *h = &s->host;
	int r;

	if (!s->cfg->tun || s->mon.pid <= 0)
		return 0;
	r = hostconf_find_tun(h->conf.ifname, sizeof h->conf.ifname,
	    &h->conf.ifindex);
	if (r != 0) {
		snprintf(err, errlen, "cannot find the TUN device this process "
		    "holds: %s", strerror(-r));
		return -1;
	}
	log_debug("host configuration: TUN %s (#%d) handed to the monitor",
	    h->conf.ifname, h->conf.ifindex);
	return monitor_handover_tun(&s->mon, &h->conf, s->cfg->script, err,
	    errlen) == 0 ? 0 : -1;
}

/* Undo the configuration in place, if any. */
static void
session_host_undo(struct sstpc *s)
{
	struct session_host *h = &s->host;
	char err[512];
	int r;

	if (!h->configured)
		return;
	h->configured = false;
	if (s->mon.pid > 0) {
		r = monitor_net_down(&s->mon, h->conf.ifindex, err, sizeof err);
		if (r < 0)
			log_warn("host configuration: undo: %s", err[0] != '\0' ?
			    err : strerror(-r));
	} else if (s->cfg->script != NULL &&
	    session_host_script(s, "disconnect", &h->ip, err, sizeof err) != 0)
		log_warn("%s", err);
}

/*
 * Is what the Network phase gave now (n) covered by the configuration in
 * place (o)?  Every family n has must be o's, the same; a family only o
 * has may still come (IPCP and IPV6CP open one after the other).
 */
static bool
session_host_ip_kept(const struct ppp_ip_info *o, const struct ppp_ip_info *n)
{
	if (!n->have_ip4 && !n->have_ip6)
		return false;
	if (n->have_ip4 && (!o->have_ip4 || o->local4 != n->local4 ||
	    o->peer4 != n->peer4 || o->dns4[0] != n->dns4[0] ||
	    o->dns4[1] != n->dns4[1] || o->nbns4[0] != n->nbns4[0] ||
	    o->nbns4[1] != n->nbns4[1]))
		return false;
	if (n->have_ip6 && (!o->have_ip6 || memcmp(o->local_ifid,
	    n->local_ifid, sizeof o->local_ifid) != 0 || memcmp(o->peer_ifid,
	    n->peer_ifid, sizeof o->peer_ifid) != 0))
		return false;
	return o->mtu == n->mtu;
}

/* After a reconnect's first net_up: the script's "reconnect". */
static void
session_host_reconnected(struct sstpc *s)
{
	if (!s->host.reconnect_due)
		return;
	s->host.reconnect_due = false;
	session_host_event(s, "reconnect");
}

int
session_host_net_up(struct sstpc *s, const struct link_net *n, char *err,
    size_t errlen)
{
	struct session_host *h = &s->host;
	char gw[sizeof h->gw];
	int r;

	session_host_gw(s, gw, sizeof gw);
	/*
	 * --persist: the configuration of the lost connection stayed (the
	 * same device); the same addresses keep it, others replace it.
	 */
	if (h->configured && session_host_ip_kept(&h->ip, &n->ip) &&
	    strcmp(gw, h->gw) == 0) {
		log_info("host configuration of %s kept: the same addresses",
		    n->ifname);
		session_host_reconnected(s);
		return 0;
	}
	if (h->configured && h->reconnect_due)
		log_info("the server gave other addresses: configuring %s "
		    "again", n->ifname);
	session_host_undo(s);		/* what the Network phase gave changed */
	snprintf(h->gw, sizeof h->gw, "%s", gw);
	h->ip = n->ip;
	if (s->mon.pid > 0) {
		if (n->ifindex != h->conf.ifindex)
			log_warn("host configuration: the link reports #%d, "
			    "the monitor has #%d", n->ifindex,
			    h->conf.ifindex);
		h->configured = true;	/* the monitor may have half of it */
		r = monitor_net_up(&s->mon, n->ifindex, &n->ip,
		    s->peer_salen != 0 ? (struct sockaddr *)&s->peer_sa : NULL,
		    s->peer_salen, err, errlen);
		if (r != 0) {
			if (err[0] == '\0')
				snprintf(err, errlen, "%s", strerror(-r));
			return -1;
		}
	} else if (s->cfg->script != NULL) {
		snprintf(h->conf.ifname, sizeof h->conf.ifname, "%s",
		    n->ifname);
		h->conf.ifindex = n->ifindex;
		h->configured = true;
		if (session_host_script(s, "connect", &n->ip, err,
		    errlen) != 0)
			return -1;
	} else if (!h->skip_logged) {
		h->skip_logged = true;
		log_info("not root: %s is left unconfigured (use --script, or "
		    "a launcher that sets the addresses)", n->ifname);
	}
	if (!h->ready_sent) {
		h->ready_sent = true;
		sdnotify_send(&h->notify, "READY=1");
	}
	session_host_reconnected(s);
	return 0;
}

/*
 * The Network phase went down.  Stopping: the configuration goes at the
 * end, after the Call Disconnect (session_host_end).  --persist: it stays
 * for the next connection (same device, same ifindex, routes in place).
 * Else it goes now.
 */
void
session_host_net_down(struct sstpc *s, const struct link_net *n)
{
	if (s->stopping || s->cfg->persist) {
		if (s->host.configured)
			log_debug("host configuration of %s kept %s",
			    n->ifname, s->stopping ? "until the end" :
			    "for a reconnect");
		return;
	}
	session_host_undo(s);
}

void
session_host_event(struct sstpc *s, const char *reason)
{
	struct session_host *h = &s->host;
	char err[512];
	int r;

	if (s->cfg->script == NULL)
		return;
	err[0] = '\0';
	if (s->mon.pid > 0) {
		r = monitor_script_event(&s->mon, reason, err, sizeof err);
		if (r == 0)
			log_info("--script %s: exit status 0", reason);
	} else
		r = session_host_script(s, reason, h->configured ? &h->ip :
		    NULL, err, sizeof err);
	if (r != 0)
		log_warn("%s", err[0] != '\0' ? err : strerror(-r));
}

void
session_host_end(struct sstpc *s)
{
	if (s->host.ready_sent && !s->host.stopping_sent) {
		s->host.stopping_sent = true;
		sdnotify_send(&s->host.notify, "STOPPING=1");
	}
	session_host_undo(s);
}
