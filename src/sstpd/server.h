/*
 * server.h - sstpd's server loop: the listeners (IPv4, IPv6), accept with
 * the limits (--max-sessions, --max-per-address by client address,
 * --max-handshakes in flight; over one: closed at once, one log line,
 * counted), the session table (the control socket's list/disconnect),
 * SIGHUP (certificate and secrets reload), SIGTERM/SIGINT (Call
 * Disconnect to every session, a short wait, exit 0) and sd_notify.  One
 * libevent loop; a session's own pipeline is srv_session.c.
 */
#ifndef SSTPD_SERVER_H
#define SSTPD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "sstpd/conf.h"
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
	TAILQ_HEAD(, srv_session) sessions;
	unsigned		 n_sessions;	/* in the table */
	unsigned		 n_handshakes;	/* before Call Connected */
	bool			 stopping;
	int			 exit_code;
	struct sstpd_stats	 stats;
};

/*
 * server_init - everything that may need privileges: TLS, secrets, pool,
 * the TUN (built-in backend), the listeners, the control socket.  0, or
 * an exit status (SSTPD_EXIT_USAGE / SSTPD_EXIT_FAIL) with @err.
 */
int	server_init(struct sstpd_server *, const struct sstpd_conf *,
	    struct event_base *, char *err, size_t errlen);
/* Signals, READY=1, the loop.  Returns the exit status. */
int	server_run(struct sstpd_server *);
void	server_free(struct sstpd_server *);
/* (Re)load --secrets: 0, or -errno with @err (the old table stays). */
int	server_load_secrets(struct sstpd_server *, char *err, size_t errlen);
/* Sessions in the table from the same client address as @sa. */
unsigned server_count_addr(const struct sstpd_server *,
	    const struct sockaddr *sa, const struct srv_session *except);
/* A session left the table (srv_session.c's reaper calls it). */
void	server_session_gone(struct sstpd_server *, struct srv_session *);

#endif /* SSTPD_SERVER_H */
