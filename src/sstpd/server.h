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

#include <stddef.h>

#include "sstpd/srv_ctx.h"

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

#endif /* SSTPD_SERVER_H */
