/*
 * sstp_chan.h - the SSTP side of a session: one SSTP byte stream between a
 * peer and a link (link/link.h).
 *
 * The channel cuts the peer's bytes into SSTP packets (MS-SSTP 2.2.1),
 * feeds control packets to the control machine (sstp/sstp_ctrl.c), gates
 * data packets by its state (PROTOCOL.md 3.2) and hands their PPP frames
 * to the link; the link's frames go back as data packets.  It derives the
 * HLAK, in one place, from the keys the link reports (MS-SSTP 3.2.5.2.2,
 * PROTOCOL.md 4.1) and keeps the one pause flag of the peer stream.
 *
 * It does no I/O and keeps no clock: bytes go out through struct
 * sstp_chan_io (the owner's TLS stream, or a test's buffer), time comes in
 * as arguments, and the owner arms one timer at sstp_chan_deadline().  So
 * the client session (sstpc/session.c) and the server's sessions share it,
 * and a unit test drives it with a fake stream and a fake link.
 */
#ifndef SSTPC_SSTP_CHAN_H
#define SSTPC_SSTP_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/link.h"
#include "sstp/sstp_ctrl.h"

/* The byte stream toward the peer (the owner's). */
struct sstp_chan_io {
	/* Append n bytes to the output, to fill in place; NULL when full. */
	uint8_t	*(*reserve)(void *arg, size_t n);
	/* True while the output is above its high mark. */
	bool	 (*tx_full)(void *arg);
	/* Stop (true) or resume (false) delivering input. */
	void	 (*pause_input)(void *arg, bool pause);
};

/* What the channel tells its owner. */
struct sstp_chan_ops {
	/* The owner's clock (monotonic ms), for the link's up-calls. */
	uint64_t (*now)(void *arg);
	/* Call Connected sent: the call is up. */
	void	(*established)(void *arg);
	/*
	 * The control machine closed (once): tear the stream down now.
	 * binding_refused: an Abort answered our Call Connected before any
	 * IP data came back (MS-SSTP 3.3.5.2.3: verification failure).
	 */
	void	(*closed)(void *arg, enum sstp_quit, bool binding_refused,
		    const char *msg);
	/* sstp_chan_deadline() moved: re-arm the timer. */
	void	(*timer_changed)(void *arg);
	/* The link's end and failure, and its owner-side requests. */
	void	(*link_gone)(void *arg, enum link_end, const char *why);
	void	(*link_fail)(void *arg, enum link_end, const char *msg);
	int	(*signal_child)(void *arg, pid_t pid, int sig);
	int	(*server_addr)(void *arg, const char **name,
		    const struct sockaddr **sa, socklen_t *salen);
	/* A built-in link's Network phase (link.h); NULL: not wanted. */
	void	(*net_up)(void *arg, const struct link_net *);
	void	(*net_down)(void *arg, const struct link_net *);
};

struct sstp_chan {
	const struct sstp_chan_ops *ops;
	void			*arg;
	const struct sstp_chan_io *io;	/* NULL until sstp_chan_begin */
	void			*io_arg;
	struct link		*link;		/* not owned */
	struct sstp_ctrl	 ctrl;
	bool			 begun;
	bool			 paused;	/* the peer stream's one flag */
	bool			 ppp_start_due;	/* Ack in: link_ppp_start next */
	bool			 auth_sent;	/* Call Connected sent */
	bool			 data_rx;	/* an IP frame came in */
	uint64_t		 t_auth;	/* when Call Connected went */
	const char		*log_ctx;	/* util/log.h; NULL none */
};

/*
 * The up-calls a link of this channel gets (link_up's arg is the channel):
 * pass &sstp_chan_link_up and the channel to the link's constructor.
 */
extern const struct link_up sstp_chan_link_up;

/* Set up (before the link exists: attach it with sstp_chan_set_link). */
void	sstp_chan_init(struct sstp_chan *, const struct sstp_chan_ops *,
	    void *arg);
void	sstp_chan_set_link(struct sstp_chan *, struct link *);
/*
 * The HTTP handshake is done: start the control machine on this stream.
 * Client (conf->role): send the Call Connect Request.  Server: wait for
 * it; PPP frames pass only as sstp_ctrl_rx/tx_data_ok allow in the server
 * states (control only before Call Connected: no IP packet reaches the
 * link before the binding is verified), and the HLAK derived from the
 * link's auth_done goes to the machine whenever it comes.
 * Returns 0 or -errno.
 */
int	sstp_chan_begin(struct sstp_chan *, const struct sstp_ctrl_conf *,
	    const struct sstp_chan_io *, void *io_arg, uint64_t now);
/*
 * Bytes from the peer: consume the whole packets; returns the count.
 * Stops early when the link asks for a pause, and after a framing error
 * (then everything is consumed and the machine closes).
 */
size_t	sstp_chan_input(struct sstp_chan *, uint64_t now, const uint8_t *buf,
	    size_t len);
/* Call when now >= sstp_chan_deadline(); UINT64_MAX = none. */
void	sstp_chan_timer(struct sstp_chan *, uint64_t now);
uint64_t sstp_chan_deadline(const struct sstp_chan *);
/*
 * Orderly end from our side: Call Disconnect and wait for its Ack.
 * Returns false when the call is not in a state to disconnect (not begun,
 * or already closing): then there is nothing to wait for.
 */
bool	sstp_chan_disconnect(struct sstp_chan *, uint64_t now);
/* The stream broke (row 38): close without sending anything. */
void	sstp_chan_lower_down(struct sstp_chan *);
/* True once the machine is aborting, disconnecting or closed. */
bool	sstp_chan_closing(const struct sstp_chan *);
enum sstp_cstate sstp_chan_state(const struct sstp_chan *);

#endif /* SSTPC_SSTP_CHAN_H */
