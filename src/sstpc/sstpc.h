/*
 * sstpc.h - the session context, the one mutable state of sstpc (besides
 * the log sink), and the prototypes of the I/O layers that share it.
 *
 * Layers (folders; HACKING.md has the picture):
 *   sstpc/main.c       command line -> config, password, privileges, exit
 *   sstpc/session.c    the connection: resolve/connect (net/connect.c), proxy
 *                      CONNECT, TLS (net/tls.c, net/tls_stream.c),
 *                      SSTP_DUPLEX_POST, SSTP framing, the control state
 *                      machine (sstp/sstp_ctrl.c), timers, signals
 *   link/pppd/         the PPP side: pppd on a pty or stdin/stdout in pty
 *                      mode, async HDLC, frame gating, key snooping, and the
 *                      plugin socket (plugin_sock.c)
 */
#ifndef SSTPC_SSTPC_H
#define SSTPC_SSTPC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#include "net/tls.h"
#include "session/sstp_chan.h"
#include "sstpc/cmdline.h"
#include "sstpc/persist.h"
#include "sys/monitor.h"
#include "sys/hostconf.h"
#include "sys/route.h"
#include "sys/sdnotify.h"
#include "sys/tun.h"
#include "wire/http.h"

struct event;
struct event_base;
struct net_dns;
struct net_connect;
struct stream;
struct link;
struct link_net;
struct proxy;

/* Connection phases, in order. */
enum sstpc_phase {
	PHASE_START = 0,
	PHASE_CONNECT,		/* resolving and connecting */
	PHASE_PROXY,		/* CONNECT through the HTTP proxy */
	PHASE_TLS,		/* TLS handshake */
	PHASE_HTTP,		/* SSTP_DUPLEX_POST sent, waiting for 200 */
	PHASE_SSTP,		/* SSTP control + data */
	PHASE_DONE
};

/* The built-in mode's host configuration (session_host.c). */
struct session_host {
	struct hostconf_conf	 conf;		/* TUN, routes, flags */
	bool			 configured;	/* net_up done, undo due */
	bool			 ready_sent, stopping_sent, skip_logged;
	bool			 reconnect_due;	/* --persist: run "reconnect" */
	struct ppp_ip_info	 ip;		/* the last net_up's */
	char			 gw[46];	/* VPNGATEWAY */
	struct sdnotify		 notify;
};

/* The session context: owns everything of one run. */
struct sstpc {
	struct event_base	*base;
	struct net_dns		*dns;
	const struct sstpc_config *cfg;
	enum sstpc_phase	 phase;
	uint64_t		 t_start;	/* monotonic ms */

	/* Connection */
	struct net_connect	*nc;
	struct stream		*st;
	SSL_CTX			*ssl_ctx;
	struct tls_conf		 tls;
	struct tls_peer		 peer;
	struct http_resp	*http;		/* during HTTP only */
	struct proxy		*proxy;		/* CONNECT client (net/proxy.h) */
	char			 conn_host[URL_HOST_MAX]; /* what we dial */
	uint16_t		 conn_port;
	struct sockaddr_storage	 peer_sa;	/* address we connected to */
	socklen_t		 peer_salen;
	struct event		*phase_timer;	/* connect/handshake bound */

	/* SSTP: the channel between the stream and the link */
	struct sstp_chan	 chan;
	struct event		*ctrl_timer;
	bool			 established;

	/* Privileges: after the drop, root actions go through the monitor. */
	struct monitor		 mon;
	bool			 dropped;
	struct route_saved	 route;		/* when added without monitor */

	/* PPP side: only through link/link.h */
	struct link		*link;
	struct session_host	 host;		/* --tun: addresses, routes */
	struct tun_dev		 tun;		/* --tun: kept across links */

	/* --persist (built-in mode): the loop over connections */
	struct persist		 persist;	/* failures, attempts */
	struct event		*retry_timer;	/* the back-off */
	bool			 net_was_up;	/* this connection's Network */
	uint64_t		 up_ms;		/* connected, earlier ones */
	bool			 ever_established;

	/* Shutdown */
	struct event		*sig_ev[4];
	bool			 stopping;	/* local shutdown started */
	int			 signo;		/* signal that stopped us */
	int			 exit_code;
	bool			 have_reason;
	char			 reason[512];
	uint64_t		 t_established;
	uint64_t		 t_end;
	uint64_t		 tls_in, tls_out;	/* bytes on the wire */
	uint64_t		 ppp_in, ppp_out;	/* PPP bytes bridged */
};

/* session.c */
/* Run one session with this configuration; returns the exit status. */
int	session_run(struct sstpc *, const struct sstpc_config *);
/* Record the first reason the session ends, with its exit status. */
void	session_set_reason(struct sstpc *, int exit_code, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
/* Start the orderly end (PPP first, then Call Disconnect). */
void	session_stop(struct sstpc *);

/* session_host.c (--tun) */
/* Read the configuration (and run the script's pre-init).  0 or -1. */
int	session_host_init(struct sstpc *, char *err, size_t errlen);
/* As root, before the seal: hand the TUN over to the monitor. */
int	session_host_handover(struct sstpc *, char *err, size_t errlen);
/* The link's net_up / net_down up-calls. */
int	session_host_net_up(struct sstpc *, const struct link_net *, char *err,
	    size_t errlen);
void	session_host_net_down(struct sstpc *, const struct link_net *);
/* --persist: run the script for "attempt-reconnect" or "reconnect". */
void	session_host_event(struct sstpc *, const char *reason);
/* Teardown: STOPPING=1 and undo what is still configured. */
void	session_host_end(struct sstpc *);

#endif /* SSTPC_SSTPC_H */
