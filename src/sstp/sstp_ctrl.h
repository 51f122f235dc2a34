/*
 * sstp_ctrl.h - the SSTP client control state machine (MS-SSTP 3.1, 3.2;
 * PROTOCOL.md 3.1-3.4 and 8).
 *
 * Pure: no I/O, no clock, no globals.  The owner feeds events in, passing
 * the current time in milliseconds (any monotonic origin), and the machine
 * answers through the four callbacks of struct sstp_ctrl_ops.  The machine
 * keeps one deadline: call sstp_ctrl_timer() when now >= sstp_ctrl_deadline().
 *
 * Callbacks are invoked synchronously and must not call back into the
 * machine (re-entrant calls are refused with -EBUSY).  ops->close is called
 * exactly once, when the machine enters SSTP_CS_CLOSED; after that every
 * event is ignored.
 *
 * Key material: sstp_ctrl_auth_done() takes the HLAK only for the duration
 * of the call; the client machine stores no secret (the server machine
 * keeps it while it waits for the Call Connected, see below).
 *
 * Two roles share the one table (conf.role).  The client rows are MS-SSTP
 * 3.2; the server rows (sstpd, issue 13) are MS-SSTP 3.3 and PROTOCOL.md
 * 3.x/8 seen from the server: sstp_ctrl_start() (after our HTTP 200) arms
 * the negotiation timer and waits for the Call Connect Request; a Request
 * is accepted only first or after our Nak (a second one aborts); a wrong
 * Encapsulated Protocol gets a Nak with Status Info, the fourth Request
 * after Naks an Abort; a valid one gets an Ack with a fresh 32-octet nonce
 * and conf.hash_offer, and ops->ppp_start.  The Call Connected is verified
 * like Windows does (nonce, our certificate hash for its hash protocol,
 * a protocol we offered, the Compound MAC over the HLAK): it may arrive
 * before or after sstp_ctrl_auth_done() gives the HLAK (a pppd backend's
 * keys come through the plugin), so the server machine keeps the HLAK
 * (wiped when it closes) or the Call Connected message until the other
 * one is there, at most conf.negotiation_ms.  Verified: ops->established.
 * Each refusal aborts with a quit reason naming it.
 */
#ifndef SSTPC_SSTP_CTRL_H
#define SSTPC_SSTP_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sstp_bind.h"
#include "wire/sstp_wire.h"

/*
 * Client states (MS-SSTP 3.2.1.1.1 and the shared teardown states of
 * 3.1.1.1).  The *_In_Progress_* states are transient (send, arm timer,
 * move on) and therefore not represented.
 */
enum sstp_cstate {
	SSTP_CS_DISCONNECTED = 0,	/* Client_Call_Disconnected */
	SSTP_CS_REQUEST_SENT,		/* Client_Connect_Request_Sent */
	SSTP_CS_ACK_RECEIVED,		/* Client_Connect_Ack_Received */
	SSTP_CS_CALL_CONNECTED,		/* Client_Call_Connected */
	/* Server states (MS-SSTP 3.3.1.1), issue 13. */
	SSTP_SS_REQUEST_PENDING,	/* Server_Connect_Request_Pending */
	SSTP_SS_CONNECTED_PENDING,	/* Server_Call_Connected_Pending */
	SSTP_SS_CALL_CONNECTED,		/* Server_Call_Connected */
	SSTP_CS_ABORT_PENDING,		/* Call_Abort_Pending */
	SSTP_CS_ABORT_TIMEOUT_PENDING,	/* Call_Abort_Timeout_Pending */
	SSTP_CS_DISCONNECT_ACK_PENDING,	/* Call_Disconnect_Ack_Pending */
	/* Call_Disconnect_Timeout_Pending */
	SSTP_CS_DISCONNECT_TIMEOUT_PENDING,
	SSTP_CS_CLOSED,			/* cleaned up; ops->close was called */
	SSTP_CS_COUNT
};

/* Why the session ended; the first reason recorded wins. */
enum sstp_quit {
	SSTP_QUIT_NONE = 0,
	SSTP_QUIT_LOCAL_DISCONNECT,	/* sstp_ctrl_disconnect() */
	SSTP_QUIT_PEER_DISCONNECT,	/* server sent Call Disconnect */
	SSTP_QUIT_PEER_ABORT,		/* server sent Call Abort */
	SSTP_QUIT_NAK_RETRIES,		/* too many Call Connect Naks */
	SSTP_QUIT_NEGOTIATION_TIMEOUT,	/* no answer to the Connect Request */
	SSTP_QUIT_HELLO_TIMEOUT,	/* nothing received for too long */
	SSTP_QUIT_PROTOCOL_ERROR,	/* invalid/unexpected message: Abort */
	SSTP_QUIT_FRAMING_ERROR,	/* stream not delineable: closed */
	SSTP_QUIT_NO_COMMON_HASH,	/* Ack offers no acceptable hash */
	SSTP_QUIT_LOWER_DOWN,		/* TCP/TLS went away */
	SSTP_QUIT_AUTH_TIMEOUT,		/* PPP auth not done 60 s after Ack */
	SSTP_QUIT_INTERNAL,		/* local failure (binding, encoding) */
	/* Server role (issue 13). */
	SSTP_QUIT_BINDING_FAILED,	/* Call Connected did not verify */
	SSTP_QUIT_BAD_REQUEST,		/* Request out of order / NAKs used up */
	SSTP_QUIT_NO_KEYS,		/* Call Connected, never the PPP keys */
	SSTP_QUIT_COUNT
};

/* Output side of the machine; @arg is the owner's context. */
struct sstp_ctrl_ops {
	/* Send one whole control packet (copy it; the buffer is transient). */
	void	(*send)(void *arg, const uint8_t *pkt, size_t len);
	/* Valid Ack received: PPP may start (launch pppd / pass LCP). */
	void	(*ppp_start)(void *arg);
	/* Call Connected sent: PPP data frames may flow. */
	void	(*established)(void *arg);
	/* Tear the TLS connection down now (called exactly once). */
	void	(*close)(void *arg);
};

/* Which end of the call the machine plays. */
enum sstp_role {
	SSTP_ROLE_CLIENT = 0,
	SSTP_ROLE_SERVER
};

/* Configuration; sstp_ctrl_conf_defaults() gives the MS-SSTP values. */
struct sstp_ctrl_conf {
	const uint8_t	*cert_sha1;	/* 20 bytes, or NULL if unknown */
	const uint8_t	*cert_sha256;	/* 32 bytes, or NULL if unknown */
	bool		 require_sha256; /* refuse SHA1-only servers */
	uint32_t	 negotiation_ms; /* 60000 (3.1.2) */
	uint32_t	 hello_ms;	/* 60000 (3.1.2.3) */
	uint32_t	 hello_fails;	/* silent intervals after the echo: 1 */
	uint32_t	 connect_retries; /* resends on Nak (not timeout): 3 */
	uint32_t	 abort1_ms;	/* ABORT_STATE_TIMER_1 3000 */
	uint32_t	 abort2_ms;	/* ABORT_STATE_TIMER_2 1000 */
	uint32_t	 disc1_ms;	/* DISCONNECT_STATE_TIMER_1 5000 */
	uint32_t	 disc2_ms;	/* DISCONNECT_STATE_TIMER_2 1000 */
	/* --- appended for the server role (issue 13) --- */
	enum sstp_role	 role;		/* 0: client */
	/*
	 * Server: the hash bitmask of the Ack (SSTP_HASH_SHA256, | SHA1 with
	 * --allow-sha1).  cert_sha1/cert_sha256 above are then OUR leaf's
	 * hashes, fixed for the call (a SIGHUP reload does not change them).
	 */
	uint8_t		 hash_offer;
	uint32_t	 nak_max;	/* server: Naks before Abort: 3 */
	/* Test hook: not NULL -> the Ack's nonce comes from here. */
	void		(*rand_hook)(void *buf, size_t len);
	/* Before each log line ("session ID"; util/log.h); NULL none. */
	const char	*log_ctx;
};

/* The machine.  Treat as opaque: use the accessors below. */
struct sstp_ctrl {
	enum sstp_cstate	 state;
	struct sstp_ctrl_conf	 conf;	/* cert pointers cleared after copy */
	uint8_t			 cert_sha1[20];
	uint8_t			 cert_sha256[32];
	bool			 have_sha1;
	bool			 have_sha256;
	const struct sstp_ctrl_ops *ops;
	void			*arg;
	uint64_t		 deadline;	/* UINT64_MAX: none */
	uint32_t		 retries;	/* Request resends so far */
	uint32_t		 hello_misses;	/* Echo Requests unanswered */
	enum sstp_hash		 hash;		/* chosen hash (after Ack) */
	uint8_t			 offered_hash;	/* the Ack's bitmask */
	uint8_t			 nonce[SSTP_NONCE_LEN];
	bool			 in_dispatch;
	enum sstp_quit		 quit;
	bool			 quit_peer;	/* peer_status is valid */
	struct sstp_status_info	 peer_status;	/* from Nak/Abort/Disconnect */
	bool			 nak_seen;
	struct sstp_status_info	 nak_status;	/* last Nak's first status */
	bool			 sent_abort;	/* local_status is valid */
	uint32_t		 local_status;	/* Status Info of our Abort */
	uint8_t			 local_attr;
	uint64_t		 established_at;
	uint32_t		 echo_rx;	/* Echo Requests answered */
	/* --- server role (issue 13) --- */
	uint32_t		 naks;		/* Naks sent */
	struct sstp_status_info	 nak_sent;	/* our last Nak's Status Info */
	bool			 acked;		/* our Ack went out */
	bool			 request_late;	/* BAD_REQUEST: out of order */
	enum sstp_cstate	 request_state;	/* ... and in which state */
	const char		*bind_fail;	/* BINDING_FAILED: the field */
	bool			 have_hlak;	/* hlak[] valid */
	bool			 have_connected; /* connected[] valid */
	/* Kept only in SSTP_SS_CONNECTED_PENDING, wiped on leaving it. */
	uint8_t			 hlak[SSTP_HLAK_LEN];
	uint8_t			 connected[SSTP_CONNECTED_LEN];
};

/* Fill @conf with the MS-SSTP defaults and no certificate hashes. */
void	sstp_ctrl_conf_defaults(struct sstp_ctrl_conf *conf);
/*
 * Initialise @ctrl (state DISCONNECTED).  The certificate hashes are
 * copied.  Returns 0 or -EINVAL (NULL ops or a NULL callback).
 */
int	sstp_ctrl_init(struct sstp_ctrl *ctrl,
	    const struct sstp_ctrl_conf *conf, const struct sstp_ctrl_ops *ops,
	    void *arg);
/* HTTP 200 received: send Call Connect Request, arm the 60 s timer. */
int	sstp_ctrl_start(struct sstp_ctrl *ctrl, uint64_t now);
/*
 * One whole control packet from the peer (framing done by the caller with
 * sstp_wire_frame()).  Also counts as received traffic for the Hello timer.
 * Returns 0, or -EBUSY/-EINVAL on misuse.
 */
int	sstp_ctrl_input(struct sstp_ctrl *ctrl, uint64_t now,
	    const uint8_t *pkt, size_t len);
/* Any packet (control or data) was received: restart the Hello timer. */
void	sstp_ctrl_rx_any(struct sstp_ctrl *ctrl, uint64_t now);
/*
 * PPP authentication finished; @hlak (32 bytes, all zero for PAP/no keys).
 * Sends Call Connected once; later calls are logged and ignored.  Server:
 * the HLAK the client's Call Connected is verified with (the first one
 * reported in Server_Call_Connected_Pending is kept until then).
 */
int	sstp_ctrl_auth_done(struct sstp_ctrl *ctrl, uint64_t now,
	    const uint8_t hlak[SSTP_HLAK_LEN]);
/* Orderly shutdown: Call Disconnect, wait 5 s for the Disconnect Ack. */
int	sstp_ctrl_disconnect(struct sstp_ctrl *ctrl, uint64_t now);
/* The stream could not be delineated: close without sending anything. */
int	sstp_ctrl_framing_error(struct sstp_ctrl *ctrl);
/* TCP/TLS died: close without sending anything. */
int	sstp_ctrl_lower_down(struct sstp_ctrl *ctrl);
/* Deadline reached (a call before the deadline does nothing). */
int	sstp_ctrl_timer(struct sstp_ctrl *ctrl, uint64_t now);
/* Absolute time of the next timer event, UINT64_MAX if none. */
uint64_t sstp_ctrl_deadline(const struct sstp_ctrl *ctrl);

/*
 * PPP frame gating (MS-SSTP 3.2.7, PROTOCOL.md 3.2 and 8 rows 26/27): may a
 * frame received from the server (rx) or from pppd (tx) pass?  Before the
 * Ack nothing passes; in Connect_Ack_Received only PPP control frames
 * (protocol >= 0x8000, see sstp_wire_ppp_classify()); in Call_Connected
 * everything; in teardown states nothing.  Server: nothing before our Ack;
 * control frames only in Server_Call_Connected_Pending (no IP packet before
 * the binding is verified, MS-SSTP 3.3.7.1/3.3.7.2); all in Call_Connected.
 */
bool	sstp_ctrl_rx_data_ok(const struct sstp_ctrl *ctrl, bool ppp_control);
bool	sstp_ctrl_tx_data_ok(const struct sstp_ctrl *ctrl, bool ppp_control);

/* Accessors. */
enum sstp_cstate sstp_ctrl_state(const struct sstp_ctrl *ctrl);
const char	*sstp_ctrl_state_name(enum sstp_cstate);
enum sstp_hash	 sstp_ctrl_hash(const struct sstp_ctrl *ctrl);
enum sstp_quit	 sstp_ctrl_quit(const struct sstp_ctrl *ctrl);
const char	*sstp_quit_name(enum sstp_quit);
/* The peer's Status Info behind the quit reason, if any: true and *si. */
bool	sstp_ctrl_peer_status(const struct sstp_ctrl *ctrl,
	    struct sstp_status_info *si);
/*
 * One-line human message for the quit reason, e.g. "server refused the
 * connection 4 times (NAK: VALUE_NOT_SUPPORTED, ENCAPSULATED_PROTOCOL_ID)".
 * Always NUL-terminates; returns the length or -ENOSPC if truncated.
 */
int	sstp_ctrl_quit_message(const struct sstp_ctrl *ctrl, char *buf,
	    size_t bufsz);

#endif /* SSTPC_SSTP_CTRL_H */
