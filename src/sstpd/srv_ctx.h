/*
 * srv_ctx.h - what sstpd's server loop (server.c) and its sessions
 * (srv_session.c) share: the configuration, the TLS context, secrets,
 * pool, the TUN hub, the session table and its counters.  Data only, so
 * that the two modules do not call each other both ways (check-layers):
 * server.c calls srv_session.c, and a session reads this and takes itself
 * out of the table.
 */
#ifndef SSTPD_SRV_CTX_H
#define SSTPD_SRV_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "sstpd/conf.h"
#include "sstpd/ratelimit.h"
#include "sys/sdnotify.h"

struct event;
struct event_base;
struct tls_server;
struct secrets;
struct pool4;
struct tun_hub;
struct ctl_server;
struct srv_session;

/* How long SIGTERM waits for the sessions' Call Disconnect (ms). */
#define SSTPD_STOP_WAIT_MS	3000

struct sstpd_stats {
	uint64_t	accepted;
	uint64_t	refused_sessions;	/* --max-sessions */
	uint64_t	refused_per_addr;	/* --max-per-address */
	uint64_t	refused_handshakes;	/* --max-handshakes */
	uint64_t	handshake_timeouts;
	uint64_t	ended;
};

struct sstpd_server {
	const struct sstpd_conf	*conf;
	struct event_base	*base;
	struct tls_server	*tls;		/* NULL with --no-tls */
	struct secrets		*secrets;	/* built-in backend */
	struct pool4		*pool4;
	uint32_t		 local4;	/* our tunnel address */
	struct tun_hub		*hub;		/* built-in backend */
	char			 tun_name[16];
	char			 sock_dir[108];	/* pppd backend key sockets */
	struct ctl_server	*ctl;
	struct sdnotify		 sd;
	int			 lfd[SSTPD_MAX_LISTEN];
	struct event		*lev[SSTPD_MAX_LISTEN];
	size_t			 n_listen;
	struct event		*sig_hup;
	struct event		*sig_term;
	struct event		*sig_int;
	struct event		*stop_timer;
	/* Refusal lines: a few a second, then a summary (ratelimit.h). */
	struct ratelimit	 refusals;
	struct event		*refusal_timer;
	TAILQ_HEAD(, srv_session) sessions;
	unsigned		 n_sessions;	/* in the table */
	unsigned		 n_handshakes;	/* before Call Connected */
	bool			 stopping;
	int			 exit_code;
	struct sstpd_stats	 stats;
};

#endif /* SSTPD_SRV_CTX_H */
