/*
 * sstp_ctrl.c - SSTP control state machine as a transition table, client
 * (MS-SSTP 3.1.1.1, 3.1.2, 3.1.5, 3.2.1-3.2.5) and server (3.3.1-3.3.7;
 * PROTOCOL.md 3 and 8).
 *
 * Every input becomes an event; the table maps (role, state, event) to an
 * action and the normal next state.  An action may divert to an error path
 * (Abort) by returning another state.  A pair missing from the table is handled by
 * the rule of PROTOCOL.md 3.4: ignored in the abort/disconnect pending
 * states, Abort (UNACCEPTED_FRAME_RECEIVED) for a peer message otherwise.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/nelem.h"
#include "crypto/crypto.h"
#include "crypto/sstp_bind.h"
#include "sstp/sstp_ctrl.h"
#include "wire/sstp_wire.h"

#define CTRL_TXBUF	128	/* largest packet we send: Call Connected */
#define ANY_STATE	SSTP_CS_COUNT

/* Which roles a table row applies to (bit 1 << enum sstp_role). */
#define R_CLIENT	(1u << SSTP_ROLE_CLIENT)
#define R_SERVER	(1u << SSTP_ROLE_SERVER)
#define R_BOTH		(R_CLIENT | R_SERVER)

enum ctrl_event {
	EV_START,
	EV_RX_REQUEST,
	EV_RX_REQUEST_NAK,	/* server: a Request we refuse with a Nak */
	EV_RX_ACK,
	EV_RX_NAK,
	EV_RX_CONNECTED,
	EV_RX_ABORT,
	EV_RX_DISCONNECT,
	EV_RX_DISCONNECT_ACK,
	EV_RX_ECHO_REQUEST,
	EV_RX_ECHO_RESPONSE,
	EV_RX_UNKNOWN,		/* well-formed, unknown Message Type */
	EV_RX_INVALID,		/* malformed control message */
	EV_AUTH_DONE,
	EV_DISCONNECT,
	EV_TIMEOUT,
	EV_FRAMING_ERROR,
	EV_LOWER_DOWN,
	EV_COUNT
};

static const char *const event_names[EV_COUNT] = {
	[EV_START] = "START",
	[EV_RX_REQUEST] = "RX_CONNECT_REQUEST",
	[EV_RX_REQUEST_NAK] = "RX_REFUSED_CONNECT_REQUEST",
	[EV_RX_ACK] = "RX_CONNECT_ACK",
	[EV_RX_NAK] = "RX_CONNECT_NAK",
	[EV_RX_CONNECTED] = "RX_CALL_CONNECTED",
	[EV_RX_ABORT] = "RX_ABORT",
	[EV_RX_DISCONNECT] = "RX_DISCONNECT",
	[EV_RX_DISCONNECT_ACK] = "RX_DISCONNECT_ACK",
	[EV_RX_ECHO_REQUEST] = "RX_ECHO_REQUEST",
	[EV_RX_ECHO_RESPONSE] = "RX_ECHO_RESPONSE",
	[EV_RX_UNKNOWN] = "RX_UNKNOWN_TYPE",
	[EV_RX_INVALID] = "RX_INVALID",
	[EV_AUTH_DONE] = "AUTH_DONE",
	[EV_DISCONNECT] = "DISCONNECT",
	[EV_TIMEOUT] = "TIMEOUT",
	[EV_FRAMING_ERROR] = "FRAMING_ERROR",
	[EV_LOWER_DOWN] = "LOWER_DOWN",
};

static const char *const state_names[SSTP_CS_COUNT] = {
	[SSTP_CS_DISCONNECTED] = "CALL_DISCONNECTED",
	[SSTP_CS_REQUEST_SENT] = "CONNECT_REQUEST_SENT",
	[SSTP_CS_ACK_RECEIVED] = "CONNECT_ACK_RECEIVED",
	[SSTP_CS_CALL_CONNECTED] = "CALL_CONNECTED",
	[SSTP_SS_REQUEST_PENDING] = "SERVER_CONNECT_REQUEST_PENDING",
	[SSTP_SS_CONNECTED_PENDING] = "SERVER_CALL_CONNECTED_PENDING",
	[SSTP_SS_CALL_CONNECTED] = "SERVER_CALL_CONNECTED",
	[SSTP_CS_ABORT_PENDING] = "CALL_ABORT_PENDING",
	[SSTP_CS_ABORT_TIMEOUT_PENDING] = "CALL_ABORT_TIMEOUT_PENDING",
	[SSTP_CS_DISCONNECT_ACK_PENDING] = "CALL_DISCONNECT_ACK_PENDING",
	[SSTP_CS_DISCONNECT_TIMEOUT_PENDING] =
	    "CALL_DISCONNECT_TIMEOUT_PENDING",
	[SSTP_CS_CLOSED] = "CLOSED",
};

static const char *const quit_names[SSTP_QUIT_COUNT] = {
	[SSTP_QUIT_NONE] = "NONE",
	[SSTP_QUIT_LOCAL_DISCONNECT] = "LOCAL_DISCONNECT",
	[SSTP_QUIT_PEER_DISCONNECT] = "PEER_DISCONNECT",
	[SSTP_QUIT_PEER_ABORT] = "PEER_ABORT",
	[SSTP_QUIT_NAK_RETRIES] = "NAK_RETRIES",
	[SSTP_QUIT_NEGOTIATION_TIMEOUT] = "NEGOTIATION_TIMEOUT",
	[SSTP_QUIT_HELLO_TIMEOUT] = "HELLO_TIMEOUT",
	[SSTP_QUIT_PROTOCOL_ERROR] = "PROTOCOL_ERROR",
	[SSTP_QUIT_FRAMING_ERROR] = "FRAMING_ERROR",
	[SSTP_QUIT_NO_COMMON_HASH] = "NO_COMMON_HASH",
	[SSTP_QUIT_LOWER_DOWN] = "LOWER_DOWN",
	[SSTP_QUIT_AUTH_TIMEOUT] = "AUTH_TIMEOUT",
	[SSTP_QUIT_INTERNAL] = "INTERNAL",
	[SSTP_QUIT_BINDING_FAILED] = "BINDING_FAILED",
	[SSTP_QUIT_BAD_REQUEST] = "BAD_REQUEST",
	[SSTP_QUIT_NO_KEYS] = "NO_KEYS",
};

/* Notifications delivered after the state has changed. */
#define N_PPP_START	0x01
#define N_ESTABLISHED	0x02

/* What an action gets to see about its event. */
struct evctx {
	uint64_t			 now;
	const struct sstp_ctrl_msg	*msg;	/* RX_* events */
	const struct sstp_verdict	*v;	/* RX_INVALID / RX_UNKNOWN */
	const uint8_t			*hlak;	/* AUTH_DONE */
	const uint8_t			*pkt;	/* RX_*: the raw packet */
	size_t				 len;
	unsigned int			 notify;
};

typedef enum sstp_cstate (*ctrl_action)(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);

struct ctrl_row {
	enum sstp_cstate	 state;	/* or ANY_STATE */
	enum ctrl_event		 ev;
	ctrl_action		 act;
	enum sstp_cstate	 next;	/* normal next state */
	unsigned int		 roles;	/* R_CLIENT, R_SERVER or R_BOTH */
};

static enum sstp_cstate act_send_request(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_ack(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_nak(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_request_timeout(struct sstp_ctrl *,
    struct evctx *, enum sstp_cstate);
static enum sstp_cstate act_connected(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_auth_timeout(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_echo_reply(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_traffic(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_hello(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_ignore(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_ignore_auth(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_abort_invalid(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_peer_abort(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_abort_collision(struct sstp_ctrl *,
    struct evctx *, enum sstp_cstate);
static enum sstp_cstate act_peer_disconnect(struct sstp_ctrl *,
    struct evctx *, enum sstp_cstate);
static enum sstp_cstate act_disconnect_ack_again(struct sstp_ctrl *,
    struct evctx *, enum sstp_cstate);
static enum sstp_cstate act_local_disconnect(struct sstp_ctrl *,
    struct evctx *, enum sstp_cstate);
static enum sstp_cstate act_close_local(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_cleanup(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_framing(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_lower_down(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_srv_start(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_srv_request(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_srv_nak(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_srv_request_late(struct sstp_ctrl *,
    struct evctx *, enum sstp_cstate);
static enum sstp_cstate act_srv_request_timeout(struct sstp_ctrl *,
    struct evctx *, enum sstp_cstate);
static enum sstp_cstate act_srv_connected(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_srv_keys(struct sstp_ctrl *, struct evctx *,
    enum sstp_cstate);
static enum sstp_cstate act_srv_connected_timeout(struct sstp_ctrl *,
    struct evctx *, enum sstp_cstate);
static enum sstp_cstate act_srv_ignore_keys(struct sstp_ctrl *,
    struct evctx *, enum sstp_cstate);

/*
 * The transition table.  Rows for a specific state are searched first, then
 * the ANY_STATE rows.  CLOSED accepts nothing (checked before the search).
 */
static const struct ctrl_row ctrl_table[] = {
	/* Client_Call_Disconnected: HTTP 200 seen, nothing sent yet. */
	{ SSTP_CS_DISCONNECTED, EV_START, act_send_request,
	    SSTP_CS_REQUEST_SENT, R_CLIENT },
	{ SSTP_CS_DISCONNECTED, EV_DISCONNECT, act_close_local,
	    SSTP_CS_CLOSED, R_BOTH },
	{ SSTP_CS_DISCONNECTED, EV_AUTH_DONE, act_ignore_auth,
	    SSTP_CS_DISCONNECTED, R_CLIENT },
	/* Server_Call_Disconnected: our HTTP 200 went out (MS-SSTP 3.3.5.1). */
	{ SSTP_CS_DISCONNECTED, EV_START, act_srv_start,
	    SSTP_SS_REQUEST_PENDING, R_SERVER },
	{ SSTP_CS_DISCONNECTED, EV_AUTH_DONE, act_srv_ignore_keys,
	    SSTP_CS_DISCONNECTED, R_SERVER },

	/* Client_Connect_Request_Sent (3.2.5.3.1-3.2.5.3.3). */
	{ SSTP_CS_REQUEST_SENT, EV_RX_ACK, act_ack, SSTP_CS_ACK_RECEIVED,
	    R_CLIENT },
	{ SSTP_CS_REQUEST_SENT, EV_RX_NAK, act_nak, SSTP_CS_REQUEST_SENT,
	    R_CLIENT },
	/* Negotiation timer: Abort at once, a resend over TCP cannot help. */
	{ SSTP_CS_REQUEST_SENT, EV_TIMEOUT, act_request_timeout,
	    SSTP_CS_ABORT_PENDING, R_CLIENT },
	{ SSTP_CS_REQUEST_SENT, EV_RX_INVALID, act_abort_invalid,
	    SSTP_CS_ABORT_PENDING, R_CLIENT },
	{ SSTP_CS_REQUEST_SENT, EV_RX_UNKNOWN, act_abort_invalid,
	    SSTP_CS_ABORT_PENDING, R_CLIENT },
	{ SSTP_CS_REQUEST_SENT, EV_RX_ABORT, act_peer_abort,
	    SSTP_CS_ABORT_TIMEOUT_PENDING, R_CLIENT },
	{ SSTP_CS_REQUEST_SENT, EV_RX_DISCONNECT, act_peer_disconnect,
	    SSTP_CS_DISCONNECT_TIMEOUT_PENDING, R_CLIENT },
	{ SSTP_CS_REQUEST_SENT, EV_DISCONNECT, act_local_disconnect,
	    SSTP_CS_DISCONNECT_ACK_PENDING, R_CLIENT },
	{ SSTP_CS_REQUEST_SENT, EV_AUTH_DONE, act_ignore_auth,
	    SSTP_CS_REQUEST_SENT, R_CLIENT },

	/* Client_Connect_Ack_Received: PPP negotiating, control frames only. */
	{ SSTP_CS_ACK_RECEIVED, EV_AUTH_DONE, act_connected,
	    SSTP_CS_CALL_CONNECTED, R_CLIENT },
	{ SSTP_CS_ACK_RECEIVED, EV_TIMEOUT, act_auth_timeout,
	    SSTP_CS_ABORT_PENDING, R_CLIENT },
	{ SSTP_CS_ACK_RECEIVED, EV_RX_INVALID, act_abort_invalid,
	    SSTP_CS_ABORT_PENDING, R_CLIENT },
	{ SSTP_CS_ACK_RECEIVED, EV_RX_UNKNOWN, act_abort_invalid,
	    SSTP_CS_ABORT_PENDING, R_CLIENT },
	{ SSTP_CS_ACK_RECEIVED, EV_RX_ABORT, act_peer_abort,
	    SSTP_CS_ABORT_TIMEOUT_PENDING, R_CLIENT },
	{ SSTP_CS_ACK_RECEIVED, EV_RX_DISCONNECT, act_peer_disconnect,
	    SSTP_CS_DISCONNECT_TIMEOUT_PENDING, R_CLIENT },
	{ SSTP_CS_ACK_RECEIVED, EV_DISCONNECT, act_local_disconnect,
	    SSTP_CS_DISCONNECT_ACK_PENDING, R_CLIENT },

	/* Client_Call_Connected (3.2.5.4, Hello 3.1.2.3). */
	{ SSTP_CS_CALL_CONNECTED, EV_RX_ECHO_REQUEST, act_echo_reply,
	    SSTP_CS_CALL_CONNECTED, R_CLIENT },
	{ SSTP_CS_CALL_CONNECTED, EV_RX_ECHO_RESPONSE, act_traffic,
	    SSTP_CS_CALL_CONNECTED, R_CLIENT },
	{ SSTP_CS_CALL_CONNECTED, EV_TIMEOUT, act_hello,
	    SSTP_CS_CALL_CONNECTED, R_CLIENT },
	/* XX: accel and softether ignore unknown types; so do we, once up. */
	{ SSTP_CS_CALL_CONNECTED, EV_RX_UNKNOWN, act_ignore,
	    SSTP_CS_CALL_CONNECTED, R_CLIENT },
	{ SSTP_CS_CALL_CONNECTED, EV_RX_INVALID, act_abort_invalid,
	    SSTP_CS_ABORT_PENDING, R_CLIENT },
	{ SSTP_CS_CALL_CONNECTED, EV_RX_ABORT, act_peer_abort,
	    SSTP_CS_ABORT_TIMEOUT_PENDING, R_CLIENT },
	{ SSTP_CS_CALL_CONNECTED, EV_RX_DISCONNECT, act_peer_disconnect,
	    SSTP_CS_DISCONNECT_TIMEOUT_PENDING, R_CLIENT },
	{ SSTP_CS_CALL_CONNECTED, EV_DISCONNECT, act_local_disconnect,
	    SSTP_CS_DISCONNECT_ACK_PENDING, R_CLIENT },
	{ SSTP_CS_CALL_CONNECTED, EV_AUTH_DONE, act_ignore_auth,
	    SSTP_CS_CALL_CONNECTED, R_CLIENT },

	/*
	 * Server_Connect_Request_Pending (MS-SSTP 3.3.5.2.2): the Request is
	 * valid first or after our Nak; the negotiation timer runs from
	 * sstp_ctrl_start() and is not restarted by a Nak.
	 */
	{ SSTP_SS_REQUEST_PENDING, EV_RX_REQUEST, act_srv_request,
	    SSTP_SS_CONNECTED_PENDING, R_SERVER },
	{ SSTP_SS_REQUEST_PENDING, EV_RX_REQUEST_NAK, act_srv_nak,
	    SSTP_SS_REQUEST_PENDING, R_SERVER },
	{ SSTP_SS_REQUEST_PENDING, EV_TIMEOUT, act_srv_request_timeout,
	    SSTP_CS_ABORT_PENDING, R_SERVER },
	{ SSTP_SS_REQUEST_PENDING, EV_RX_INVALID, act_abort_invalid,
	    SSTP_CS_ABORT_PENDING, R_SERVER },
	{ SSTP_SS_REQUEST_PENDING, EV_RX_UNKNOWN, act_abort_invalid,
	    SSTP_CS_ABORT_PENDING, R_SERVER },
	{ SSTP_SS_REQUEST_PENDING, EV_RX_ABORT, act_peer_abort,
	    SSTP_CS_ABORT_TIMEOUT_PENDING, R_SERVER },
	{ SSTP_SS_REQUEST_PENDING, EV_RX_DISCONNECT, act_peer_disconnect,
	    SSTP_CS_DISCONNECT_TIMEOUT_PENDING, R_SERVER },
	{ SSTP_SS_REQUEST_PENDING, EV_DISCONNECT, act_local_disconnect,
	    SSTP_CS_DISCONNECT_ACK_PENDING, R_SERVER },
	{ SSTP_SS_REQUEST_PENDING, EV_AUTH_DONE, act_srv_ignore_keys,
	    SSTP_SS_REQUEST_PENDING, R_SERVER },

	/*
	 * Server_Call_Connected_Pending (MS-SSTP 3.3.5.2.3): PPP control
	 * frames only; the Call Connected and the PPP keys may come in
	 * either order, the binding is verified once both are there.
	 */
	{ SSTP_SS_CONNECTED_PENDING, EV_RX_CONNECTED, act_srv_connected,
	    SSTP_SS_CONNECTED_PENDING, R_SERVER },
	{ SSTP_SS_CONNECTED_PENDING, EV_AUTH_DONE, act_srv_keys,
	    SSTP_SS_CONNECTED_PENDING, R_SERVER },
	{ SSTP_SS_CONNECTED_PENDING, EV_TIMEOUT, act_srv_connected_timeout,
	    SSTP_CS_ABORT_PENDING, R_SERVER },
	{ SSTP_SS_CONNECTED_PENDING, EV_RX_REQUEST, act_srv_request_late,
	    SSTP_CS_ABORT_PENDING, R_SERVER },
	{ SSTP_SS_CONNECTED_PENDING, EV_RX_REQUEST_NAK, act_srv_request_late,
	    SSTP_CS_ABORT_PENDING, R_SERVER },
	{ SSTP_SS_CONNECTED_PENDING, EV_RX_INVALID, act_abort_invalid,
	    SSTP_CS_ABORT_PENDING, R_SERVER },
	{ SSTP_SS_CONNECTED_PENDING, EV_RX_UNKNOWN, act_abort_invalid,
	    SSTP_CS_ABORT_PENDING, R_SERVER },
	{ SSTP_SS_CONNECTED_PENDING, EV_RX_ABORT, act_peer_abort,
	    SSTP_CS_ABORT_TIMEOUT_PENDING, R_SERVER },
	{ SSTP_SS_CONNECTED_PENDING, EV_RX_DISCONNECT, act_peer_disconnect,
	    SSTP_CS_DISCONNECT_TIMEOUT_PENDING, R_SERVER },
	{ SSTP_SS_CONNECTED_PENDING, EV_DISCONNECT, act_local_disconnect,
	    SSTP_CS_DISCONNECT_ACK_PENDING, R_SERVER },

	/* Server_Call_Connected (3.3.5.2.4, Hello 3.1.2.3). */
	{ SSTP_SS_CALL_CONNECTED, EV_RX_ECHO_REQUEST, act_echo_reply,
	    SSTP_SS_CALL_CONNECTED, R_SERVER },
	{ SSTP_SS_CALL_CONNECTED, EV_RX_ECHO_RESPONSE, act_traffic,
	    SSTP_SS_CALL_CONNECTED, R_SERVER },
	{ SSTP_SS_CALL_CONNECTED, EV_TIMEOUT, act_hello,
	    SSTP_SS_CALL_CONNECTED, R_SERVER },
	{ SSTP_SS_CALL_CONNECTED, EV_RX_REQUEST, act_srv_request_late,
	    SSTP_CS_ABORT_PENDING, R_SERVER },
	{ SSTP_SS_CALL_CONNECTED, EV_RX_REQUEST_NAK, act_srv_request_late,
	    SSTP_CS_ABORT_PENDING, R_SERVER },
	/* XX: as the client: an unknown type is ignored once up. */
	{ SSTP_SS_CALL_CONNECTED, EV_RX_UNKNOWN, act_ignore,
	    SSTP_SS_CALL_CONNECTED, R_SERVER },
	{ SSTP_SS_CALL_CONNECTED, EV_RX_INVALID, act_abort_invalid,
	    SSTP_CS_ABORT_PENDING, R_SERVER },
	{ SSTP_SS_CALL_CONNECTED, EV_RX_ABORT, act_peer_abort,
	    SSTP_CS_ABORT_TIMEOUT_PENDING, R_SERVER },
	{ SSTP_SS_CALL_CONNECTED, EV_RX_DISCONNECT, act_peer_disconnect,
	    SSTP_CS_DISCONNECT_TIMEOUT_PENDING, R_SERVER },
	{ SSTP_SS_CALL_CONNECTED, EV_DISCONNECT, act_local_disconnect,
	    SSTP_CS_DISCONNECT_ACK_PENDING, R_SERVER },
	{ SSTP_SS_CALL_CONNECTED, EV_AUTH_DONE, act_srv_ignore_keys,
	    SSTP_SS_CALL_CONNECTED, R_SERVER },

	/* Call_Abort_Pending: we sent Abort, 3 s timer running. */
	{ SSTP_CS_ABORT_PENDING, EV_RX_ABORT, act_abort_collision,
	    SSTP_CS_ABORT_TIMEOUT_PENDING, R_BOTH },
	{ SSTP_CS_ABORT_PENDING, EV_TIMEOUT, act_cleanup, SSTP_CS_CLOSED,
	    R_BOTH },

	/* Call_Abort_Timeout_Pending: 1 s, then clean up. */
	{ SSTP_CS_ABORT_TIMEOUT_PENDING, EV_TIMEOUT, act_cleanup,
	    SSTP_CS_CLOSED, R_BOTH },

	/* Call_Disconnect_Ack_Pending: we sent Disconnect, 5 s timer. */
	{ SSTP_CS_DISCONNECT_ACK_PENDING, EV_RX_DISCONNECT_ACK, act_cleanup,
	    SSTP_CS_CLOSED, R_BOTH },
	{ SSTP_CS_DISCONNECT_ACK_PENDING, EV_TIMEOUT, act_cleanup,
	    SSTP_CS_CLOSED, R_BOTH },
	{ SSTP_CS_DISCONNECT_ACK_PENDING, EV_RX_ABORT, act_peer_abort,
	    SSTP_CS_ABORT_TIMEOUT_PENDING, R_BOTH },
	{ SSTP_CS_DISCONNECT_ACK_PENDING, EV_RX_DISCONNECT,
	    act_peer_disconnect, SSTP_CS_DISCONNECT_TIMEOUT_PENDING, R_BOTH },

	/* Call_Disconnect_Timeout_Pending: we acked, 1 s timer. */
	{ SSTP_CS_DISCONNECT_TIMEOUT_PENDING, EV_TIMEOUT, act_cleanup,
	    SSTP_CS_CLOSED, R_BOTH },
	{ SSTP_CS_DISCONNECT_TIMEOUT_PENDING, EV_RX_DISCONNECT,
	    act_disconnect_ack_again, SSTP_CS_DISCONNECT_TIMEOUT_PENDING,
	    R_BOTH },

	/* Any state: the stream is gone, send nothing (3.1.5.1). */
	{ ANY_STATE, EV_FRAMING_ERROR, act_framing, SSTP_CS_CLOSED, R_BOTH },
	{ ANY_STATE, EV_LOWER_DOWN, act_lower_down, SSTP_CS_CLOSED, R_BOTH },
};

static const char *
event_name(enum ctrl_event ev)
{
	return ev < EV_COUNT ? event_names[ev] : "?";
}

/* Name of a client state. */
const char *
sstp_ctrl_state_name(enum sstp_cstate st)
{
	return st < SSTP_CS_COUNT ? state_names[st] : "?";
}

/* Name of a quit reason. */
const char *
sstp_quit_name(enum sstp_quit q)
{
	return q < SSTP_QUIT_COUNT ? quit_names[q] : "?";
}

/* What the peer is called in log lines and quit messages. */
static const char *
peer_word(const struct sstp_ctrl *c)
{
	return c->conf.role == SSTP_ROLE_SERVER ? "client" : "server";
}

static bool
state_is_pending(enum sstp_cstate st)
{
	return st == SSTP_CS_ABORT_PENDING ||
	    st == SSTP_CS_ABORT_TIMEOUT_PENDING ||
	    st == SSTP_CS_DISCONNECT_ACK_PENDING ||
	    st == SSTP_CS_DISCONNECT_TIMEOUT_PENDING;
}

static bool
event_is_rx(enum ctrl_event ev)
{
	return ev >= EV_RX_REQUEST && ev <= EV_RX_INVALID;
}

static void
set_quit(struct sstp_ctrl *c, enum sstp_quit q,
    const struct sstp_status_info *peer)
{
	if (c->quit != SSTP_QUIT_NONE)
		return;
	c->quit = q;
	if (peer != NULL && peer->has_status) {
		c->peer_status = *peer;
		c->quit_peer = true;
	}
	log_debug_c(c->conf.log_ctx, "sstp: quit reason %s", sstp_quit_name(q));
}

static const struct sstp_status_info *
first_status(const struct sstp_ctrl_msg *m)
{
	if (m == NULL || m->nstatus == 0 || !m->status[0].has_status)
		return NULL;
	return &m->status[0];
}

/* The owner traces every packet (sstp_wire_describe) in ops->send. */
static void
ctrl_send_pkt(struct sstp_ctrl *c, const uint8_t *pkt, size_t len)
{
	c->ops->send(c->arg, pkt, len);
}

static void
ctrl_send(struct sstp_ctrl *c, struct wbuf *w)
{
	if (wbuf_error(w) != 0) {
		/* Cannot happen with CTRL_TXBUF; never send a failed buffer. */
		log_err_c(c->conf.log_ctx,
		    "sstp: control packet encoding failed (%d)",
		    wbuf_error(w));
		return;
	}
	ctrl_send_pkt(c, w->p, w->len);
}

static void
put_abort_empty(struct wbuf *w)
{
	sstp_wire_put_abort(w, NULL);
}

static void
put_disconnect_empty(struct wbuf *w)
{
	sstp_wire_put_disconnect(w, NULL);
}

/*
 * The server's Call Disconnect carries one Status Info (NO_ERROR, status
 * 0), MS-SSTP 2.2.8 allows 0 or 1.  XX: sstp-client 1.0.18 cannot parse a
 * Call Disconnect without attributes ("Could not parse attributes") and
 * exits 255 with "Reason was not known"; accel-ppp sends this form too.
 */
static void
put_disconnect_srv(struct wbuf *w)
{
	struct sstp_status_info si;

	memset(&si, 0, sizeof si);
	si.attr_id = SSTP_ATTR_NO_ERROR;
	si.status = SSTP_STATUS_NO_ERROR;
	si.has_status = true;
	sstp_wire_put_disconnect(w, &si);
}

static void
send_simple(struct sstp_ctrl *c, void (*put)(struct wbuf *))
{
	uint8_t buf[CTRL_TXBUF];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof buf);
	put(&w);
	ctrl_send(c, &w);
}

static void
send_request(struct sstp_ctrl *c)
{
	uint8_t buf[CTRL_TXBUF];
	struct wbuf w;

	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_connect_request(&w, SSTP_ENCAP_PPP);
	ctrl_send(c, &w);
}

/*
 * Error path (MS-SSTP 3.1.5.1): Call_Abort_In_Progress_1 -> send Call Abort
 * with one Status Info, start ABORT_STATE_TIMER_1 -> Call_Abort_Pending.
 */
static enum sstp_cstate
abort_with(struct sstp_ctrl *c, uint64_t now, uint32_t status, uint8_t attr,
    enum sstp_quit q)
{
	struct sstp_status_info si;
	uint8_t buf[CTRL_TXBUF];
	struct wbuf w;

	set_quit(c, q, NULL);
	memset(&si, 0, sizeof si);
	si.attr_id = attr;
	si.status = status;
	si.has_status = true;
	if (!c->sent_abort) {
		c->sent_abort = true;
		c->local_status = status;
		c->local_attr = attr;
	}
	log_info_c(c->conf.log_ctx,
	    "sstp: aborting: %s (attribute %s)", sstp_status_name(status),
	    sstp_attr_name(attr));
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_abort(&w, &si);
	ctrl_send(c, &w);
	c->deadline = now + c->conf.abort1_ms;
	return SSTP_CS_ABORT_PENDING;
}

static enum sstp_cstate
act_send_request(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	c->retries = 0;
	send_request(c);
	c->deadline = e->now + c->conf.negotiation_ms;
	return next;
}


/*
 * Call Connect Ack (MS-SSTP 3.2.5.3.2): the decoder already checked the
 * Crypto Binding Request; pick the hash (SHA256 if offered), keep the nonce,
 * restart the negotiation timer and let PPP start.
 */
static enum sstp_cstate
act_ack(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	uint8_t offered = e->msg->hash_bitmask;

	c->offered_hash = offered;
	if ((offered & SSTP_HASH_SHA256) != 0 && c->have_sha256)
		c->hash = SSTP_HASH_SHA256;
	else if ((offered & SSTP_HASH_SHA1) != 0 && c->have_sha1 &&
	    !c->conf.require_sha256)
		c->hash = SSTP_HASH_SHA1;
	else {
		log_warn_c(c->conf.log_ctx,
		    "sstp: server offers hash %s (0x%02x), none usable%s",
		    sstp_hash_name(offered & SSTP_HASH_KNOWN), offered,
		    c->conf.require_sha256 ? " (SHA256 required)" : "");
		return abort_with(c, e->now, SSTP_STATUS_VALUE_NOT_SUPPORTED,
		    SSTP_ATTR_CRYPTO_BINDING_REQ, SSTP_QUIT_NO_COMMON_HASH);
	}
	memcpy(c->nonce, e->msg->nonce, sizeof c->nonce);
	log_debug_c(c->conf.log_ctx,
	    "sstp: Call Connect Ack, crypto binding with %s",
	    sstp_hash_name((uint8_t)c->hash));
	c->deadline = e->now + c->conf.negotiation_ms;
	e->notify |= N_PPP_START;
	return next;
}

/*
 * Call Connect Nak (MS-SSTP 3.2.5.3.3): resend the Request and restart the
 * negotiation timer, at most connect_retries times, then Abort with
 * RETRY_COUNT_EXCEEDED.
 */
static enum sstp_cstate
act_nak(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	const struct sstp_status_info *si = first_status(e->msg);

	if (si != NULL) {
		c->nak_status = *si;
		c->nak_seen = true;
		log_warn_c(c->conf.log_ctx,
		    "sstp: Call Connect Nak: %s (attribute %s)",
		    sstp_status_name(si->status), sstp_attr_name(si->attr_id));
	} else
		log_warn_c(c->conf.log_ctx,
		    "sstp: Call Connect Nak without status");
	if (c->retries < c->conf.connect_retries) {
		c->retries++;
		log_info_c(c->conf.log_ctx,
		    "sstp: resending Call Connect Request (%u of %u)",
		    c->retries, c->conf.connect_retries);
		send_request(c);
		c->deadline = e->now + c->conf.negotiation_ms;
		return next;
	}
	/* The last Nak's status explains the failure to the user. */
	if (c->nak_seen)
		set_quit(c, SSTP_QUIT_NAK_RETRIES, &c->nak_status);
	return abort_with(c, e->now, SSTP_STATUS_RETRY_COUNT_EXCEEDED,
	    SSTP_ATTR_NO_ERROR, SSTP_QUIT_NAK_RETRIES);
}

/*
 * Negotiation timer expired in Client_Connect_Request_Sent (MS-SSTP 3.2.2,
 * 3.1.2): Abort with NEGOTIATION_TIMEOUT.  No resend: over TCP the Request
 * was delivered, so a server that did not answer in 60 s will not answer
 * a copy either.
 */
static enum sstp_cstate
act_request_timeout(struct sstp_ctrl *c, struct evctx *e,
    enum sstp_cstate next)
{
	(void)next;
	log_warn_c(c->conf.log_ctx,
	    "sstp: no answer to the Call Connect Request in %u ms",
	    c->conf.negotiation_ms);
	return abort_with(c, e->now, SSTP_STATUS_NEGOTIATION_TIMEOUT,
	    SSTP_ATTR_NO_ERROR, SSTP_QUIT_NEGOTIATION_TIMEOUT);
}

/*
 * PPP authentication done: send Call Connected (MS-SSTP 3.2.5.2, 2.2.11)
 * built by sstp_bind_connected(), start the Hello timer.
 */
static enum sstp_cstate
act_connected(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	uint8_t pkt[SSTP_CONNECTED_LEN];
	const uint8_t *cert;
	int r;

	cert = c->hash == SSTP_HASH_SHA256 ? c->cert_sha256 : c->cert_sha1;
	r = sstp_bind_connected(c->hash, c->nonce, cert, e->hlak, pkt);
	if (r != 0) {
		log_err_c(c->conf.log_ctx,
		    "sstp: cannot build Call Connected (%d)", r);
		return abort_with(c, e->now, SSTP_STATUS_NO_ERROR,
		    SSTP_ATTR_NO_ERROR, SSTP_QUIT_INTERNAL);
	}
	ctrl_send_pkt(c, pkt, sizeof pkt);
	c->established_at = e->now;
	c->hello_misses = 0;
	c->deadline = e->now + c->conf.hello_ms;
	e->notify |= N_ESTABLISHED;
	log_debug_c(c->conf.log_ctx, "sstp: Call Connected sent");
	return next;
}

static enum sstp_cstate
act_auth_timeout(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	(void)next;
	log_info_c(c->conf.log_ctx,
	    "sstp: PPP authentication not done %u ms after the Ack",
	    c->conf.negotiation_ms);
	return abort_with(c, e->now, SSTP_STATUS_NEGOTIATION_TIMEOUT,
	    SSTP_ATTR_NO_ERROR, SSTP_QUIT_AUTH_TIMEOUT);
}

/* Answer every Echo Request at once (softether sends one every few s). */
static enum sstp_cstate
act_echo_reply(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	(void)e;
	c->echo_rx++;
	send_simple(c, sstp_wire_put_echo_response);
	return next;
}

/* Echo Response, solicited or not: just traffic (Hello already reset). */
static enum sstp_cstate
act_traffic(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	(void)c;
	(void)e;
	return next;
}

/*
 * Hello timer (MS-SSTP 3.1.2.3): on expiry send an Echo Request; after
 * hello_fails further silent intervals close WITHOUT sending Abort.
 */
static enum sstp_cstate
act_hello(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	if (c->hello_misses < c->conf.hello_fails) {
		c->hello_misses++;
		send_simple(c, sstp_wire_put_echo_request);
		c->deadline = e->now + c->conf.hello_ms;
		return next;
	}
	log_info_c(c->conf.log_ctx,
	    "sstp: nothing received from the %s for %llu ms",
	    peer_word(c), (unsigned long long)c->hello_misses *
	    c->conf.hello_ms + c->conf.hello_ms);
	set_quit(c, SSTP_QUIT_HELLO_TIMEOUT, NULL);
	c->deadline = UINT64_MAX;
	return SSTP_CS_CLOSED;
}

static enum sstp_cstate
act_ignore(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	(void)e;
	log_debug_c(c->conf.log_ctx,
	    "sstp: ignored in %s", sstp_ctrl_state_name(c->state));
	return next;
}

static enum sstp_cstate
act_ignore_auth(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	(void)e;
	log_info_c(c->conf.log_ctx,
	    "sstp: authentication reported in %s: ignored "
	    "(Call Connected is sent once, after the Ack)",
	    sstp_ctrl_state_name(c->state));
	return next;
}

/* Invalid or unknown message: Abort with the decoder's verdict. */
static enum sstp_cstate
act_abort_invalid(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	enum sstp_quit q = SSTP_QUIT_PROTOCOL_ERROR;

	(void)next;
	/* Row 22: an Ack offering no known hash is a hash problem. */
	if (e->msg->type == SSTP_MSG_CALL_CONNECT_ACK &&
	    e->v->status == SSTP_STATUS_VALUE_NOT_SUPPORTED &&
	    e->v->attr_id == SSTP_ATTR_CRYPTO_BINDING_REQ) {
		c->offered_hash = e->msg->hash_bitmask;
		q = SSTP_QUIT_NO_COMMON_HASH;
	}
	/* Server: a Call Connected the decoder refused is a bad binding. */
	if (c->conf.role == SSTP_ROLE_SERVER &&
	    e->msg->type == SSTP_MSG_CALL_CONNECTED &&
	    e->v->attr_id == SSTP_ATTR_CRYPTO_BINDING) {
		c->bind_fail = e->v->status == SSTP_STATUS_VALUE_NOT_SUPPORTED ?
		    "hash protocol is not exactly one of SHA1, SHA256" :
		    "Crypto Binding attribute malformed or missing";
		q = SSTP_QUIT_BINDING_FAILED;
		log_warn_c(c->conf.log_ctx,
		    "sstp: crypto binding refused: %s", c->bind_fail);
	}
	log_warn_c(c->conf.log_ctx,
	    "sstp: invalid %s (type 0x%04x) from %s: %s "
	    "(attribute %s)", sstp_msg_name(e->msg->type), e->msg->type,
	    peer_word(c), sstp_status_name(e->v->status),
	    sstp_attr_name(e->v->attr_id));
	return abort_with(c, e->now, e->v->status, e->v->attr_id, q);
}

/*
 * Unsolicited Call Abort (MS-SSTP 3.1.5.x, PROTOCOL.md 3.4 rule 3):
 * Call_Abort_In_Progress_2, send Call Abort, ABORT_STATE_TIMER_2.
 */
static enum sstp_cstate
act_peer_abort(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	const struct sstp_status_info *si = first_status(e->msg);

	if (si != NULL)
		log_info_c(c->conf.log_ctx,
		    "sstp: %s aborted: %s (attribute %s)", peer_word(c),
		    sstp_status_name(si->status), sstp_attr_name(si->attr_id));
	else
		log_info_c(c->conf.log_ctx,
		    "sstp: %s aborted the call", peer_word(c));
	set_quit(c, SSTP_QUIT_PEER_ABORT, si);
	send_simple(c, put_abort_empty);
	c->deadline = e->now + c->conf.abort2_ms;
	return next;
}

/* Abort answered while Call_Abort_Pending: stop timer 1, start timer 2. */
static enum sstp_cstate
act_abort_collision(struct sstp_ctrl *c, struct evctx *e,
    enum sstp_cstate next)
{
	c->deadline = e->now + c->conf.abort2_ms;
	return next;
}

/*
 * Call Disconnect from the server (PROTOCOL.md 3.4 disconnect rule 3):
 * Call_Disconnect_In_Progress_2, send Disconnect Ack, DISCONNECT_TIMER_2.
 */
static enum sstp_cstate
act_peer_disconnect(struct sstp_ctrl *c, struct evctx *e,
    enum sstp_cstate next)
{
	const struct sstp_status_info *si = first_status(e->msg);

	log_info_c(c->conf.log_ctx,
	    "sstp: %s disconnected the call", peer_word(c));
	set_quit(c, SSTP_QUIT_PEER_DISCONNECT, si);
	send_simple(c, sstp_wire_put_disconnect_ack);
	c->deadline = e->now + c->conf.disc2_ms;
	return next;
}

/* A repeated Disconnect is acked again (MS-SSTP 3.2.4.2); timer unchanged. */
static enum sstp_cstate
act_disconnect_ack_again(struct sstp_ctrl *c, struct evctx *e,
    enum sstp_cstate next)
{
	(void)e;
	send_simple(c, sstp_wire_put_disconnect_ack);
	return next;
}

/* Orderly shutdown: Call_Disconnect_In_Progress_1, DISCONNECT_TIMER_1. */
static enum sstp_cstate
act_local_disconnect(struct sstp_ctrl *c, struct evctx *e,
    enum sstp_cstate next)
{
	set_quit(c, SSTP_QUIT_LOCAL_DISCONNECT, NULL);
	send_simple(c, c->conf.role == SSTP_ROLE_SERVER ? put_disconnect_srv :
	    put_disconnect_empty);
	c->deadline = e->now + c->conf.disc1_ms;
	return next;
}

/* Disconnect before anything was sent: just close. */
static enum sstp_cstate
act_close_local(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	(void)e;
	set_quit(c, SSTP_QUIT_LOCAL_DISCONNECT, NULL);
	c->deadline = UINT64_MAX;
	return next;
}

/* Teardown timer fired or Disconnect Ack received: clean up. */
static enum sstp_cstate
act_cleanup(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	(void)e;
	c->deadline = UINT64_MAX;
	return next;
}

static enum sstp_cstate
act_framing(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	(void)e;
	log_info_c(c->conf.log_ctx,
	    "sstp: cannot delineate the SSTP stream: closing");
	set_quit(c, SSTP_QUIT_FRAMING_ERROR, NULL);
	c->deadline = UINT64_MAX;
	return next;
}

static enum sstp_cstate
act_lower_down(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	(void)e;
	set_quit(c, SSTP_QUIT_LOWER_DOWN, NULL);
	c->deadline = UINT64_MAX;
	return next;
}

/* --- server role (MS-SSTP 3.3) ------------------------------------------ */

/* The server's HLAK copy is wiped as soon as it is not needed. */
static void
srv_forget_keys(struct sstp_ctrl *c)
{
	explicit_bzero(c->hlak, sizeof c->hlak);
	c->have_hlak = false;
}

/* Our HTTP 200 went out: wait for the Request, at most negotiation_ms. */
static enum sstp_cstate
act_srv_start(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	c->naks = 0;
	c->deadline = e->now + c->conf.negotiation_ms;
	return next;
}

/*
 * A valid Call Connect Request (MS-SSTP 3.3.5.2.2): Ack with a fresh
 * 32-octet nonce and our hash bitmask (2.2.10), restart the negotiation
 * timer for the Call Connected, let PPP start.
 */
static enum sstp_cstate
act_srv_request(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	uint8_t buf[CTRL_TXBUF];
	struct wbuf w;

	if (c->conf.rand_hook != NULL)
		c->conf.rand_hook(c->nonce, sizeof c->nonce);
	else if (crypto_random(c->nonce, sizeof c->nonce) != 0) {
		log_err_c(c->conf.log_ctx,
		    "sstp: no random bytes for the Call Connect Ack nonce");
		return abort_with(c, e->now, SSTP_STATUS_NO_ERROR,
		    SSTP_ATTR_NO_ERROR, SSTP_QUIT_INTERNAL);
	}
	c->offered_hash = c->conf.hash_offer;
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_connect_ack(&w, c->offered_hash, c->nonce);
	ctrl_send(c, &w);
	c->acked = true;
	c->deadline = e->now + c->conf.negotiation_ms;
	log_debug_c(c->conf.log_ctx,
	    "sstp: Call Connect Request accepted after %u Nak(s), "
	    "offering %s", c->naks, sstp_hash_name(c->offered_hash));
	e->notify |= N_PPP_START;
	return next;
}

/*
 * A Request we refuse (MS-SSTP 3.3.5.2.2, 2.2.12): Encapsulated Protocol
 * not PPP (VALUE_NOT_SUPPORTED), or a Status Info in it
 * (STATUS_INFO_NOT_SUPPORTED_IN_MSG).  Nak with one Status Info naming
 * the attribute, at most nak_max times; the next refused Request is
 * aborted with RETRY_COUNT_EXCEEDED (Windows: 3 retries, Appendix A <2>).
 */
static enum sstp_cstate
act_srv_nak(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	struct sstp_status_info si;
	uint8_t buf[CTRL_TXBUF];
	struct wbuf w;

	memset(&si, 0, sizeof si);
	si.attr_id = e->v->attr_id;
	si.status = e->v->status;
	si.has_status = true;
	/* AttribValue: the refused attribute's value (2.2.8). */
	if (si.attr_id == SSTP_ATTR_ENCAP_PROTO_ID) {
		si.value[0] = (uint8_t)(e->msg->encap_proto >> 8);
		si.value[1] = (uint8_t)e->msg->encap_proto;
		si.value_len = 2;
	}
	c->nak_sent = si;
	if (si.attr_id == SSTP_ATTR_ENCAP_PROTO_ID)
		log_warn_c(c->conf.log_ctx,
		    "sstp: Call Connect Request for protocol 0x%04x "
		    "refused: %s", e->msg->encap_proto,
		    sstp_status_name(si.status));
	else
		log_warn_c(c->conf.log_ctx,
		    "sstp: Call Connect Request refused: %s (attribute "
		    "%s)", sstp_status_name(si.status),
		    sstp_attr_name(si.attr_id));
	if (c->naks >= c->conf.nak_max) {
		log_warn_c(c->conf.log_ctx,
		    "sstp: %u Call Connect Requests refused already",
		    c->naks);
		return abort_with(c, e->now, SSTP_STATUS_RETRY_COUNT_EXCEEDED,
		    SSTP_ATTR_NO_ERROR, SSTP_QUIT_BAD_REQUEST);
	}
	c->naks++;
	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_connect_nak(&w, &si, 1);
	ctrl_send(c, &w);
	return next;
}

/* A Request after our Ack (MS-SSTP 3.3.5.2.2): Abort. */
static enum sstp_cstate
act_srv_request_late(struct sstp_ctrl *c, struct evctx *e,
    enum sstp_cstate next)
{
	(void)next;
	log_warn_c(c->conf.log_ctx,
	    "sstp: Call Connect Request in %s: a second one is refused",
	    sstp_ctrl_state_name(c->state));
	c->request_late = true;
	c->request_state = c->state;
	return abort_with(c, e->now, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
	    SSTP_ATTR_NO_ERROR, SSTP_QUIT_BAD_REQUEST);
}

/* No (acceptable) Request within the negotiation timer: Abort. */
static enum sstp_cstate
act_srv_request_timeout(struct sstp_ctrl *c, struct evctx *e,
    enum sstp_cstate next)
{
	(void)next;
	log_warn_c(c->conf.log_ctx,
	    "sstp: no acceptable Call Connect Request in %u ms",
	    c->conf.negotiation_ms);
	return abort_with(c, e->now, SSTP_STATUS_NEGOTIATION_TIMEOUT,
	    SSTP_ATTR_NO_ERROR, SSTP_QUIT_NEGOTIATION_TIMEOUT);
}

/* The binding did not verify: Abort, naming the field in the log. */
static enum sstp_cstate
srv_bind_refused(struct sstp_ctrl *c, uint64_t now, const char *what)
{
	c->bind_fail = what;
	log_warn_c(c->conf.log_ctx, "sstp: crypto binding refused: %s", what);
	return abort_with(c, now, SSTP_STATUS_VALUE_NOT_SUPPORTED,
	    SSTP_ATTR_CRYPTO_BINDING, SSTP_QUIT_BINDING_FAILED);
}

/*
 * The checks that need no key (MS-SSTP 3.3.5.2.3), as Windows makes them:
 * the 112-octet layout sstp_bind_verify() takes (header as sent, R bits
 * clear: the MAC covers it; Reserved1 is ignored), one hash protocol that we
 * offered and hold our certificate hash for, the nonce of our Ack, our
 * leaf certificate's hash.  Returns NULL or what differed.
 */
static const char *
srv_check_fields(struct sstp_ctrl *c, const uint8_t *pkt, size_t len)
{
	static const uint8_t head[] = {
		SSTP_VERSION, SSTP_FLAG_CONTROL, 0x00, SSTP_CONNECTED_LEN,
		0x00, SSTP_MSG_CALL_CONNECTED, 0x00, 0x01,
		0x00, SSTP_ATTR_CRYPTO_BINDING, 0x00, SSTP_ATTR_BINDING_LEN
	};
	struct bcur cur = bcur_make(pkt, len);
	uint8_t bm, nonce[SSTP_NONCE_LEN], cert[SSTP_CERT_HASH_MAX];
	const uint8_t *ours;
	size_t dlen;

	if (len != SSTP_CONNECTED_LEN || !bcur_starts_with(&cur, head,
	    sizeof head) || bcur_skip(&cur, sizeof head) != 0)
		return "Call Connected is not the 112-octet form "
		    "(MS-SSTP 2.2.11)";
	if (bcur_skip(&cur, 3) != 0 || bcur_get_u8(&cur, &bm) != 0 ||
	    bcur_get_bytes(&cur, nonce, sizeof nonce) != 0 ||
	    bcur_get_bytes(&cur, cert, sizeof cert) != 0)
		return "Call Connected is not the 112-octet form "
		    "(MS-SSTP 2.2.11)";
	if (bm == SSTP_HASH_SHA256 && c->have_sha256) {
		ours = c->cert_sha256;
		dlen = sizeof c->cert_sha256;
	} else if (bm == SSTP_HASH_SHA1 && c->have_sha1) {
		ours = c->cert_sha1;
		dlen = sizeof c->cert_sha1;
	} else {
		ours = NULL;
		dlen = 0;
	}
	if (ours == NULL || (bm & c->offered_hash) == 0)
		return "hash protocol not one we offered";
	c->hash = (enum sstp_hash)bm;
	if (!crypto_memeq(nonce, c->nonce, sizeof nonce))
		return "nonce differs from our Call Connect Ack's";
	if (!crypto_memeq(cert, ours, dlen))
		return "certificate hash is not our certificate's";
	return NULL;
}

/* Both halves are there: the Compound MAC (3.3.5.2.3), then Connected. */
static enum sstp_cstate
srv_verify(struct sstp_ctrl *c, struct evctx *e)
{
	const uint8_t *cert;
	int r;

	cert = c->hash == SSTP_HASH_SHA256 ? c->cert_sha256 : c->cert_sha1;
	r = sstp_bind_verify(c->connected, c->nonce, cert, c->hash, c->hlak);
	srv_forget_keys(c);
	if (r == -EBADMSG)
		return srv_bind_refused(c, e->now, "Compound MAC does not "
		    "match the PPP keys");
	if (r != 0) {
		log_err_c(c->conf.log_ctx,
		    "sstp: cannot verify the crypto binding (%d)", r);
		return abort_with(c, e->now, SSTP_STATUS_NO_ERROR,
		    SSTP_ATTR_NO_ERROR, SSTP_QUIT_INTERNAL);
	}
	log_debug_c(c->conf.log_ctx, "sstp: crypto binding verified (%s)",
	    sstp_hash_name((uint8_t)c->hash));
	c->established_at = e->now;
	c->hello_misses = 0;
	c->deadline = e->now + c->conf.hello_ms;
	e->notify |= N_ESTABLISHED;
	return SSTP_SS_CALL_CONNECTED;
}

/*
 * Call Connected (MS-SSTP 3.3.5.2.3): only once; check the fields that
 * need no key now, keep the message and verify the MAC once the PPP keys
 * are there (they may come later: a pppd backend's plugin).
 */
static enum sstp_cstate
act_srv_connected(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	const char *bad;

	if (c->have_connected) {
		log_warn_c(c->conf.log_ctx, "sstp: a second Call Connected");
		return abort_with(c, e->now,
		    SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_ATTR_NO_ERROR,
		    SSTP_QUIT_PROTOCOL_ERROR);
	}
	if ((bad = srv_check_fields(c, e->pkt, e->len)) != NULL)
		return srv_bind_refused(c, e->now, bad);
	memcpy(c->connected, e->pkt, sizeof c->connected);
	c->have_connected = true;
	if (!c->have_hlak) {
		log_debug_c(c->conf.log_ctx,
		    "sstp: Call Connected before the PPP keys: waiting");
		return next;
	}
	return srv_verify(c, e);
}

/* The PPP keys (HLAK): the first report is kept (3.3.5.2.3). */
static enum sstp_cstate
act_srv_keys(struct sstp_ctrl *c, struct evctx *e, enum sstp_cstate next)
{
	if (c->have_hlak) {
		log_info_c(c->conf.log_ctx,
		    "sstp: PPP keys reported again: the first are kept");
		return next;
	}
	memcpy(c->hlak, e->hlak, sizeof c->hlak);
	c->have_hlak = true;
	if (!c->have_connected) {
		log_debug_c(c->conf.log_ctx,
		    "sstp: PPP keys before the Call Connected: waiting");
		return next;
	}
	return srv_verify(c, e);
}

/* No verified Call Connected within the negotiation timer: Abort. */
static enum sstp_cstate
act_srv_connected_timeout(struct sstp_ctrl *c, struct evctx *e,
    enum sstp_cstate next)
{
	(void)next;
	if (c->have_connected) {
		log_warn_c(c->conf.log_ctx,
		    "sstp: Call Connected came, the PPP keys did not "
		    "within %u ms", c->conf.negotiation_ms);
		return abort_with(c, e->now, SSTP_STATUS_NEGOTIATION_TIMEOUT,
		    SSTP_ATTR_NO_ERROR, SSTP_QUIT_NO_KEYS);
	}
	log_warn_c(c->conf.log_ctx,
	    "sstp: no Call Connected within %u ms of our Ack",
	    c->conf.negotiation_ms);
	return abort_with(c, e->now, SSTP_STATUS_NEGOTIATION_TIMEOUT,
	    SSTP_ATTR_NO_ERROR, SSTP_QUIT_NEGOTIATION_TIMEOUT);
}

/* Keys reported outside Server_Call_Connected_Pending: ignored. */
static enum sstp_cstate
act_srv_ignore_keys(struct sstp_ctrl *c, struct evctx *e,
    enum sstp_cstate next)
{
	(void)e;
	log_info_c(c->conf.log_ctx, "sstp: PPP keys reported in %s: ignored",
	    sstp_ctrl_state_name(c->state));
	return next;
}

/* The row for (role, state, event): own state first, then ANY_STATE. */
static const struct ctrl_row *
row_find(enum sstp_role role, enum sstp_cstate st, enum ctrl_event ev)
{
	unsigned int rb = 1u << role;
	size_t i;

	for (i = 0; i < NELEM(ctrl_table); i++)
		if (ctrl_table[i].state == st && ctrl_table[i].ev == ev &&
		    (ctrl_table[i].roles & rb) != 0)
			return &ctrl_table[i];
	for (i = 0; i < NELEM(ctrl_table); i++)
		if (ctrl_table[i].state == ANY_STATE &&
		    ctrl_table[i].ev == ev && (ctrl_table[i].roles & rb) != 0)
			return &ctrl_table[i];
	return NULL;
}

/* A (state, event) pair missing from the table (PROTOCOL.md 3.4, row 25). */
static enum sstp_cstate
unlisted(struct sstp_ctrl *c, enum ctrl_event ev, struct evctx *e)
{
	if (state_is_pending(c->state)) {
		log_debug_c(c->conf.log_ctx,
		    "sstp: %s ignored in %s", event_name(ev),
		    sstp_ctrl_state_name(c->state));
		return c->state;
	}
	if (event_is_rx(ev)) {
		log_warn_c(c->conf.log_ctx, "sstp: unexpected %s in %s",
		    e->msg != NULL ? sstp_msg_name(e->msg->type) : "?",
		    sstp_ctrl_state_name(c->state));
		return abort_with(c, e->now,
		    SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_ATTR_NO_ERROR,
		    SSTP_QUIT_PROTOCOL_ERROR);
	}
	log_warn_c(c->conf.log_ctx, "sstp: %s in %s: ignored", event_name(ev),
	    sstp_ctrl_state_name(c->state));
	return c->state;
}

static int
dispatch(struct sstp_ctrl *c, enum ctrl_event ev, struct evctx *e)
{
	const struct ctrl_row *row;
	enum sstp_cstate old = c->state, next;

	if (old == SSTP_CS_CLOSED) {
		log_trace_c(c->conf.log_ctx,
		    "sstp: %s after close: ignored", event_name(ev));
		return 0;
	}
	c->in_dispatch = true;
	if ((row = row_find(c->conf.role, old, ev)) != NULL)
		next = row->act(c, e, row->next);
	else
		next = unlisted(c, ev, e);
	c->state = next;
	/* The server's HLAK lives only in Server_Call_Connected_Pending. */
	if (next != SSTP_SS_CONNECTED_PENDING && c->have_hlak)
		srv_forget_keys(c);
	log_debug_c(c->conf.log_ctx,
	    "sstp: state %s -> %s on %s", sstp_ctrl_state_name(old),
	    sstp_ctrl_state_name(next), event_name(ev));
	/* Notifications run after the state change, close last and once. */
	if (next != SSTP_CS_CLOSED) {
		if ((e->notify & N_PPP_START) != 0)
			c->ops->ppp_start(c->arg);
		if ((e->notify & N_ESTABLISHED) != 0)
			c->ops->established(c->arg);
	} else
		c->ops->close(c->arg);
	c->in_dispatch = false;
	return 0;
}

/* Run one event; @pkt/@len: the raw control packet of an RX_* event. */
static int
run_event_pkt(struct sstp_ctrl *c, enum ctrl_event ev, uint64_t now,
    const struct sstp_ctrl_msg *m, const struct sstp_verdict *v,
    const uint8_t *pkt, size_t len, const uint8_t *hlak)
{
	struct evctx e;

	if (c == NULL || c->ops == NULL)
		return -EINVAL;
	if (c->in_dispatch) {
		log_err_c(c->conf.log_ctx,
		    "sstp: re-entrant call on %s refused", event_name(ev));
		return -EBUSY;
	}
	memset(&e, 0, sizeof e);
	e.now = now;
	e.msg = m;
	e.v = v;
	e.pkt = pkt;
	e.len = len;
	e.hlak = hlak;
	return dispatch(c, ev, &e);
}

static int
run_event(struct sstp_ctrl *c, enum ctrl_event ev, uint64_t now,
    const struct sstp_ctrl_msg *m, const struct sstp_verdict *v,
    const uint8_t *hlak)
{
	return run_event_pkt(c, ev, now, m, v, NULL, 0, hlak);
}

/* Defaults from MS-SSTP 3.1.2 and PROTOCOL.md 3.1. */
void
sstp_ctrl_conf_defaults(struct sstp_ctrl_conf *conf)
{
	memset(conf, 0, sizeof *conf);
	conf->negotiation_ms = 60000;
	conf->hello_ms = 60000;
	conf->hello_fails = 1;
	conf->connect_retries = 3;
	conf->abort1_ms = 3000;
	conf->abort2_ms = 1000;
	conf->disc1_ms = 5000;
	conf->disc2_ms = 1000;
	conf->hash_offer = SSTP_HASH_SHA256;
	conf->nak_max = 3;
}

/* Initialise a machine in Client_Call_Disconnected. */
int
sstp_ctrl_init(struct sstp_ctrl *c, const struct sstp_ctrl_conf *conf,
    const struct sstp_ctrl_ops *ops, void *arg)
{
	if (c == NULL || conf == NULL || ops == NULL || ops->send == NULL ||
	    ops->ppp_start == NULL || ops->established == NULL ||
	    ops->close == NULL)
		return -EINVAL;
	/* Server: offer known hashes only, each with our leaf's hash. */
	if (conf->role != SSTP_ROLE_CLIENT && (conf->role != SSTP_ROLE_SERVER ||
	    (conf->hash_offer & SSTP_HASH_KNOWN) == 0 ||
	    (conf->hash_offer & ~SSTP_HASH_KNOWN) != 0 ||
	    ((conf->hash_offer & SSTP_HASH_SHA1) != 0 &&
	    conf->cert_sha1 == NULL) ||
	    ((conf->hash_offer & SSTP_HASH_SHA256) != 0 &&
	    conf->cert_sha256 == NULL)))
		return -EINVAL;
	memset(c, 0, sizeof *c);
	c->conf = *conf;
	c->conf.cert_sha1 = NULL;
	c->conf.cert_sha256 = NULL;
	if (conf->cert_sha1 != NULL) {
		memcpy(c->cert_sha1, conf->cert_sha1, sizeof c->cert_sha1);
		c->have_sha1 = true;
	}
	if (conf->cert_sha256 != NULL) {
		memcpy(c->cert_sha256, conf->cert_sha256,
		    sizeof c->cert_sha256);
		c->have_sha256 = true;
	}
	c->ops = ops;
	c->arg = arg;
	c->state = SSTP_CS_DISCONNECTED;
	c->deadline = UINT64_MAX;
	c->hash = SSTP_HASH_NONE;
	return 0;
}

/* Send the Call Connect Request. */
int
sstp_ctrl_start(struct sstp_ctrl *c, uint64_t now)
{
	return run_event(c, EV_START, now, NULL, NULL, NULL);
}

static enum ctrl_event
msg_event(uint16_t type)
{
	switch (type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST:
		return EV_RX_REQUEST;
	case SSTP_MSG_CALL_CONNECT_ACK:
		return EV_RX_ACK;
	case SSTP_MSG_CALL_CONNECT_NAK:
		return EV_RX_NAK;
	case SSTP_MSG_CALL_CONNECTED:
		return EV_RX_CONNECTED;
	case SSTP_MSG_CALL_ABORT:
		return EV_RX_ABORT;
	case SSTP_MSG_CALL_DISCONNECT:
		return EV_RX_DISCONNECT;
	case SSTP_MSG_CALL_DISCONNECT_ACK:
		return EV_RX_DISCONNECT_ACK;
	case SSTP_MSG_ECHO_REQUEST:
		return EV_RX_ECHO_REQUEST;
	case SSTP_MSG_ECHO_RESPONSE:
		return EV_RX_ECHO_RESPONSE;
	default:
		return EV_RX_UNKNOWN;
	}
}

/* One whole control packet from the server. */
int
sstp_ctrl_input(struct sstp_ctrl *c, uint64_t now, const uint8_t *pkt,
    size_t len)
{
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	enum ctrl_event ev;
	int r;

	if (c == NULL || (pkt == NULL && len != 0))
		return -EINVAL;
	if (c->in_dispatch)
		return -EBUSY;
	sstp_ctrl_rx_any(c, now);
	r = sstp_wire_decode_ctrl(pkt, len, &m, &v);
	if (r == 0)
		ev = msg_event(m.type);
	else if (r == -ENOTSUP)
		ev = EV_RX_UNKNOWN;
	else if (c->conf.role == SSTP_ROLE_SERVER &&
	    m.type == SSTP_MSG_CALL_CONNECT_REQUEST &&
	    ((v.status == SSTP_STATUS_VALUE_NOT_SUPPORTED &&
	    v.attr_id == SSTP_ATTR_ENCAP_PROTO_ID) ||
	    v.status == SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG))
		ev = EV_RX_REQUEST_NAK;	/* refused with a Nak (3.3.5.2.2) */
	else if (m.type == SSTP_MSG_CALL_ABORT ||
	    m.type == SSTP_MSG_CALL_DISCONNECT) {
		/*
		 * XX: a damaged Abort or Disconnect is still honoured: the
		 * peer is leaving either way, and answering it with our own
		 * Abort would only delay the teardown.
		 */
		log_warn_c(c->conf.log_ctx,
		    "sstp: malformed %s (%s) treated as such",
		    sstp_msg_name(m.type), sstp_status_name(v.status));
		ev = msg_event(m.type);
	} else
		ev = EV_RX_INVALID;
	return run_event_pkt(c, ev, now, &m, &v, pkt, len, NULL);
}

/* Any received packet restarts the Hello timer (MS-SSTP 3.1.2.3). */
void
sstp_ctrl_rx_any(struct sstp_ctrl *c, uint64_t now)
{
	if (c == NULL || (c->state != SSTP_CS_CALL_CONNECTED &&
	    c->state != SSTP_SS_CALL_CONNECTED))
		return;
	c->hello_misses = 0;
	c->deadline = now + c->conf.hello_ms;
}

/* PPP authentication finished with this HLAK. */
int
sstp_ctrl_auth_done(struct sstp_ctrl *c, uint64_t now,
    const uint8_t hlak[SSTP_HLAK_LEN])
{
	if (hlak == NULL)
		return -EINVAL;
	return run_event(c, EV_AUTH_DONE, now, NULL, NULL, hlak);
}

/* Orderly shutdown with Call Disconnect. */
int
sstp_ctrl_disconnect(struct sstp_ctrl *c, uint64_t now)
{
	return run_event(c, EV_DISCONNECT, now, NULL, NULL, NULL);
}

/* The stream cannot be delineated: close, send nothing. */
int
sstp_ctrl_framing_error(struct sstp_ctrl *c)
{
	return run_event(c, EV_FRAMING_ERROR, 0, NULL, NULL, NULL);
}

/* TCP/TLS is gone: close, send nothing. */
int
sstp_ctrl_lower_down(struct sstp_ctrl *c)
{
	return run_event(c, EV_LOWER_DOWN, 0, NULL, NULL, NULL);
}

/* Deadline handler. */
int
sstp_ctrl_timer(struct sstp_ctrl *c, uint64_t now)
{
	if (c == NULL)
		return -EINVAL;
	if (c->deadline == UINT64_MAX || now < c->deadline)
		return 0;
	return run_event(c, EV_TIMEOUT, now, NULL, NULL, NULL);
}

/* Next deadline. */
uint64_t
sstp_ctrl_deadline(const struct sstp_ctrl *c)
{
	return c->deadline;
}

static bool
data_ok(const struct sstp_ctrl *c, bool ppp_control)
{
	switch (c->state) {
	case SSTP_CS_ACK_RECEIVED:
	case SSTP_SS_CONNECTED_PENDING:
		return ppp_control;
	case SSTP_CS_CALL_CONNECTED:
	case SSTP_SS_CALL_CONNECTED:
		return true;
	default:
		return false;
	}
}

/* May a PPP frame from the server be passed to PPP? */
bool
sstp_ctrl_rx_data_ok(const struct sstp_ctrl *c, bool ppp_control)
{
	return data_ok(c, ppp_control);
}

/* May a PPP frame from PPP be sent to the server? */
bool
sstp_ctrl_tx_data_ok(const struct sstp_ctrl *c, bool ppp_control)
{
	return data_ok(c, ppp_control);
}

/* Current state. */
enum sstp_cstate
sstp_ctrl_state(const struct sstp_ctrl *c)
{
	return c->state;
}

/* Hash chosen from the Ack; server: the Call Connected's (NONE before). */
enum sstp_hash
sstp_ctrl_hash(const struct sstp_ctrl *c)
{
	return c->hash;
}

/* Quit reason (first recorded). */
enum sstp_quit
sstp_ctrl_quit(const struct sstp_ctrl *c)
{
	return c->quit;
}

/* Peer Status Info behind the quit reason. */
bool
sstp_ctrl_peer_status(const struct sstp_ctrl *c, struct sstp_status_info *si)
{
	if (!c->quit_peer)
		return false;
	if (si != NULL)
		*si = c->peer_status;
	return true;
}

/* Human one-liner for the quit reason. */
int
sstp_ctrl_quit_message(const struct sstp_ctrl *c, char *buf, size_t bufsz)
{
	struct wbuf w;

	if (buf == NULL || bufsz == 0)
		return -EINVAL;
	buf[0] = '\0';
	wbuf_init(&w, buf, bufsz);
	switch (c->quit) {
	case SSTP_QUIT_NONE:
		wbuf_printf(&w, "no error");
		break;
	case SSTP_QUIT_LOCAL_DISCONNECT:
		wbuf_printf(&w, "disconnected on request");
		break;
	case SSTP_QUIT_PEER_DISCONNECT:
		wbuf_printf(&w, "%s disconnected the call", peer_word(c));
		break;
	case SSTP_QUIT_PEER_ABORT:
		wbuf_printf(&w, "%s aborted the call", peer_word(c));
		break;
	case SSTP_QUIT_NAK_RETRIES:
		wbuf_printf(&w, "server refused the Call Connect Request "
		    "%u times", c->retries + 1);
		break;
	case SSTP_QUIT_NEGOTIATION_TIMEOUT:
		if (c->conf.role != SSTP_ROLE_SERVER)
			wbuf_printf(&w, "no answer to the Call Connect Request "
			    "within %u s", c->conf.negotiation_ms / 1000);
		else if (!c->acked)
			wbuf_printf(&w, "no acceptable Call Connect Request "
			    "within %u s", c->conf.negotiation_ms / 1000);
		else
			wbuf_printf(&w, "no Call Connected within %u s of the "
			    "Call Connect Ack", c->conf.negotiation_ms / 1000);
		break;
	case SSTP_QUIT_HELLO_TIMEOUT:
		wbuf_printf(&w, "%s silent for %llu s, connection presumed "
		    "dead", peer_word(c),
		    ((unsigned long long)c->conf.hello_fails + 1) *
		    c->conf.hello_ms / 1000);
		break;
	case SSTP_QUIT_PROTOCOL_ERROR:
		wbuf_printf(&w, "SSTP protocol error, aborted with %s "
		    "(attribute %s)", sstp_status_name(c->local_status),
		    sstp_attr_name(c->local_attr));
		break;
	case SSTP_QUIT_FRAMING_ERROR:
		wbuf_printf(&w, "invalid SSTP framing from %s, connection "
		    "dropped", peer_word(c));
		break;
	case SSTP_QUIT_NO_COMMON_HASH:
		wbuf_printf(&w, "server offers no acceptable crypto binding "
		    "hash (offered 0x%02x: %s)%s", c->offered_hash,
		    sstp_hash_name(c->offered_hash & SSTP_HASH_KNOWN),
		    c->conf.require_sha256 ? ", SHA256 required" : "");
		break;
	case SSTP_QUIT_LOWER_DOWN:
		wbuf_printf(&w, "connection to the %s lost", peer_word(c));
		break;
	case SSTP_QUIT_AUTH_TIMEOUT:
		wbuf_printf(&w, "PPP authentication not completed within "
		    "%u s", c->conf.negotiation_ms / 1000);
		break;
	case SSTP_QUIT_BINDING_FAILED:
		wbuf_printf(&w, "crypto binding of the Call Connected refused: "
		    "%s", c->bind_fail != NULL ? c->bind_fail : "?");
		break;
	case SSTP_QUIT_BAD_REQUEST:
		if (c->request_late)
			wbuf_printf(&w, "Call Connect Request out of order "
			    "(in %s)", sstp_ctrl_state_name(c->request_state));
		else
			wbuf_printf(&w, "Call Connect Request refused %u "
			    "time%s (%s, attribute %s)", c->naks + 1,
			    c->naks == 0 ? "" : "s",
			    sstp_status_name(c->nak_sent.status),
			    sstp_attr_name(c->nak_sent.attr_id));
		break;
	case SSTP_QUIT_NO_KEYS:
		wbuf_printf(&w, "Call Connected received, but no PPP keys "
		    "for the crypto binding within %u s",
		    c->conf.negotiation_ms / 1000);
		break;
	default:
		wbuf_printf(&w, "internal error");
		break;
	}
	if (c->quit_peer)
		wbuf_printf(&w, " (%s: %s, attribute %s)",
		    c->quit == SSTP_QUIT_NAK_RETRIES ? "NAK" : "status",
		    sstp_status_name(c->peer_status.status),
		    sstp_attr_name(c->peer_status.attr_id));
	if (wbuf_error(&w) != 0)
		return -ENOSPC;
	return (int)w.len;
}
