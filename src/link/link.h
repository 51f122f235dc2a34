/*
 * link.h - the PPP side of a session, behind one interface.
 *
 * A session (sstpc/session.c today, sstpd's per-client session next) owns
 * the server stream and the SSTP control machine; a link owns whatever
 * speaks PPP: pppd on a pty (link/pppd/), and next sstpc's own PPP engine
 * on a TUN device.  They meet only here:
 *
 *   session --- struct link_ops (down-calls) ---> link
 *   session <-- struct link_up  (up-calls) ------ link
 *
 * The session never reads a link's state and a link never reads the
 * session's: each fact has one owner.  In particular the session owns the
 * pause state of the server stream (the link only asks), and the session
 * derives the HLAK for the crypto binding, in one place, from the keys the
 * link reports (MS-SSTP 3.2.5.2.2, PROTOCOL.md 4.1).
 *
 * Order of calls: start (before the privilege drop and before any network
 * byte), then ppp_start once the Call Connect Ack arrived (PPP may flow),
 * from_server for every gated PPP frame, stop when the session winds down,
 * free at the end.  A link reports its end exactly once through up->gone;
 * after stop(LINK_STOP_HANGUP) it may do so before stop returns.  A link may
 * make any up-call from inside any down-call (ppp_start included): the
 * session is ready for it.
 */
#ifndef SSTPC_LINK_H
#define SSTPC_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "ppp/auth_keys.h"
#include "ppp/ppp_engine.h"

struct link;

/* How a link's PPP side ended (the session maps it onto an exit status). */
enum link_end {
	LINK_END_OK = 0,	/* PPP ended cleanly (either side) */
	LINK_END_AUTH,		/* PPP authentication refused */
	LINK_END_PPP,		/* the PPP side failed (pppd error, ...) */
	LINK_END_PEER,		/* the peer went silent (LCP Echo unanswered) */
	LINK_END_INTERNAL	/* a local failure (allocation, keys, ...) */
};

/* What a built-in link's Network phase gave (link_up.net_up). */
struct link_net {
	char			ifname[16];	/* IFNAMSIZ */
	int			ifindex;
	struct ppp_ip_info	ip;
	bool			have_prefix6;	/* the client's own prefix */
	uint8_t			prefix6[16];	/* (a /64 of sstpd's pool6) */
	uint8_t			prefix6_len;
};

/* How the session asks a link to stop. */
enum link_stop {
	/*
	 * The server link still carries PPP: end PPP properly (pppd's LCP
	 * Terminate travels), then report gone.
	 */
	LINK_STOP_ORDERLY = 0,
	/* The server side is gone or not up: end at once. */
	LINK_STOP_HANGUP
};

/* What a link tells its session.  arg is the session's. */
struct link_up {
	/*
	 * One PPP frame (protocol field first, FF 03 optional) for the
	 * server; the session gates it by the SSTP state (PROTOCOL.md 3.2).
	 * Returns 0 or -errno (dropped).
	 */
	int	(*to_server)(void *arg, const uint8_t *frame, size_t len);
	/* True while the output toward the server is above its high mark. */
	bool	(*server_full)(void *arg);
	/*
	 * Back-pressure: stop (true) or resume (false) reading the server.
	 * Idempotent: the session keeps the one pause flag.
	 */
	void	(*pause_server)(void *arg, bool pause);
	/*
	 * PPP authentication is done; keys (send_len 0: none) are what it
	 * left for the crypto binding.  May come more than once (plugin and
	 * snooping both); the session uses the first.
	 */
	void	(*auth_done)(void *arg, const struct ppp_auth_keys *keys,
		    const char *how);
	/* The link cannot go on: end the session with this reason. */
	void	(*fail)(void *arg, enum link_end, const char *msg);
	/* The PPP side has ended (once). */
	void	(*gone)(void *arg, enum link_end, const char *why);
	/* Privileged: signal the link's child (through the monitor). */
	int	(*signal_child)(void *arg, pid_t pid, int sig);
	/*
	 * The server's name and the address connected to (for a plugin's
	 * ADDR request); returns -ENOTCONN before the connection.
	 */
	int	(*server_addr)(void *arg, const char **name,
		    const struct sockaddr **sa, socklen_t *salen);
	/*
	 * Built-in links only (NULL-safe for the pppd link, which leaves the
	 * host to pppd): the Network phase is up, or what it gave changed;
	 * the session configures the host (addresses, routes, the script)
	 * through the monitor.  net_down undoes it.
	 */
	void	(*net_up)(void *arg, const struct link_net *);
	void	(*net_down)(void *arg, const struct link_net *);
};

struct link_ops {
	const char *name;
	/*
	 * Set up the PPP side (fork pppd, open sockets).  LINK_END_OK, or
	 * the class of the failure with a message in err: LINK_END_PPP when
	 * the PPP side cannot run (pppd, its pty), LINK_END_INTERNAL for a
	 * local resource (the plugin socket, memory).
	 */
	enum link_end (*start)(struct link *, char *err, size_t errlen);
	/* The SSTP call is acknowledged: PPP may flow now. */
	void	(*ppp_start)(struct link *);
	/* A gated PPP frame from the server.  0 or -errno. */
	int	(*from_server)(struct link *, const uint8_t *frame, size_t len);
	/* The server stream fell below its low mark. */
	void	(*server_drained)(struct link *);
	void	(*stop)(struct link *, enum link_stop);
	/* True once nothing of the PPP side is left to wait for. */
	bool	(*done)(const struct link *);
	/* The child the monitor may signal (0: none). */
	pid_t	(*child_pid)(const struct link *);
	/* A socket path the monitor removes at exit (NULL: none). */
	const char *(*sock_path)(const struct link *);
	/* PPP bytes carried each way. */
	void	(*stats)(const struct link *, uint64_t *to_server,
		    uint64_t *from_server);
	void	(*free)(struct link *);
};

/* Every link implementation starts with this. */
struct link {
	const struct link_ops	*ops;
	const struct link_up	*up;
	void			*up_arg;
};

static inline enum link_end
link_start(struct link *l, char *err, size_t errlen)
{
	return l->ops->start(l, err, errlen);
}

static inline void
link_ppp_start(struct link *l)
{
	l->ops->ppp_start(l);
}

static inline int
link_from_server(struct link *l, const uint8_t *frame, size_t len)
{
	return l->ops->from_server(l, frame, len);
}

static inline void
link_server_drained(struct link *l)
{
	l->ops->server_drained(l);
}

static inline void
link_stop(struct link *l, enum link_stop how)
{
	l->ops->stop(l, how);
}

static inline bool
link_done(const struct link *l)
{
	return l->ops->done(l);
}

static inline pid_t
link_child_pid(const struct link *l)
{
	return l->ops->child_pid(l);
}

static inline const char *
link_sock_path(const struct link *l)
{
	return l->ops->sock_path(l);
}

static inline void
link_stats(const struct link *l, uint64_t *to_server, uint64_t *from_server)
{
	l->ops->stats(l, to_server, from_server);
}

static inline void
link_free(struct link *l)
{
	if (l != NULL)
		l->ops->free(l);
}

#endif /* SSTPC_LINK_H */
