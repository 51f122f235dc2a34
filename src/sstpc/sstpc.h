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

#include "sstpc/cmdline.h"
#include "wire/http.h"
#include "sys/monitor.h"
#include "sys/route.h"
#include "sstp/sstp_ctrl.h"
#include "net/tls.h"

struct event;
struct event_base;
struct evdns_base;
struct net_connect;
struct stream;
struct proxy;
struct bridge;
struct api_srv;

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

/* The session context: owns everything of one run. */
struct sstpc {
	struct event_base	*base;
	struct evdns_base	*dns;
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
	struct event		*grace_timer;	/* pty mode: pppd's goodbye */

	/* SSTP */
	struct sstp_ctrl	 ctrl;
	struct event		*ctrl_timer;
	bool			 established;
	bool			 auth_sent;
	bool			 paused_by_bridge;
	bool			 data_rx;	/* an IP frame came from the server */

	/* Privileges: after the drop, root actions go through the monitor. */
	struct monitor		 mon;
	bool			 dropped;
	struct route_saved	 route;		/* when added without monitor */

	/* PPP side */
	struct bridge		*br;
	struct api_srv		*api;

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
uint64_t session_now(void);
int	session_run(struct sstpc *, const struct sstpc_config *);
/* Record the first reason the session ends, with its exit status. */
void	session_set_reason(struct sstpc *, int exit_code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* A PPP frame from pppd: send as an SSTP data packet (gated). */
int	session_send_ppp(struct sstpc *, const uint8_t *frame, size_t len);
/* The PPP side reports authentication done with this HLAK (32 bytes). */
void	session_auth_done(struct sstpc *, const uint8_t hlak[32],
	    const char *how);
/* The PPP side is gone (pppd exited / pty closed): orderly shutdown. */
void	session_ppp_gone(struct sstpc *, int exit_code, const char *why);
/* Back-pressure from the PPP side: stop/resume reading the server. */
void	session_pause_server(struct sstpc *, bool pause);
/* True if the output to the server is above its high watermark. */
bool	session_server_full(struct sstpc *);
/* Stop: orderly SSTP disconnect, then end the loop. */
void	session_stop(struct sstpc *);
/* Signal pppd, through the monitor once privileges are dropped. */
int	session_signal_pppd(struct sstpc *, pid_t, int sig);

/* bridge.c */
struct bridge *bridge_new(struct sstpc *);
/* Launch mode: fork pppd on a pty now (before any network byte). */
int	bridge_launch(struct bridge *, char *err, size_t errlen);
/* pty mode: use stdin/stdout as the pppd pty master. */
int	bridge_attach_stdio(struct bridge *, char *err, size_t errlen);
/* SSTP is ready for PPP control frames (valid Call Connect Ack). */
void	bridge_ppp_start(struct bridge *);
/* A PPP frame from the server for pppd (already gated). */
int	bridge_from_server(struct bridge *, const uint8_t *frame, size_t len);
/* Resume reading pppd after the server stream drained. */
void	bridge_server_drained(struct bridge *);
/*
 * Ask pppd to stop and wait for the join: SIGTERM while the server link can
 * still carry pppd's LCP Terminate, or (hangup) close its pty at once when
 * the server side is gone.
 */
void	bridge_stop(struct bridge *, bool hangup);
/* True once pppd is gone (reaped and pty EOF) or was never started. */
bool	bridge_done(const struct bridge *);
/* True while pppd's side of the pty (or stdin in pty mode) is open. */
bool	bridge_pty_open(const struct bridge *);
/* pppd's pid in launch mode, 0 otherwise. */
pid_t	bridge_pid(const struct bridge *);
void	bridge_free(struct bridge *);
void	bridge_stats(const struct bridge *, uint64_t *to_server,
	    uint64_t *from_server);

/* api_srv.c */
struct api_srv *api_srv_new(struct sstpc *, char *err, size_t errlen);
void	api_srv_free(struct api_srv *);
const char *api_srv_path(const struct api_srv *);

#endif /* SSTPC_SSTPC_H */
