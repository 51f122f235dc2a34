/*
 * sstp_chan.c - the SSTP side of a session (see sstp_chan.h): framing,
 * the control machine's I/O, gating, the link glue and the HLAK.
 *
 * Callbacks only move bytes and record facts; decisions are taken by the
 * control machine in sstp/sstp_ctrl.c (STYLE.md 8.7).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto/sstp_bind.h"
#include "ppp/ppp_cp.h"
#include "session/sstp_chan.h"
#include "util/buf.h"
#include "util/log.h"
#include "wire/sstp_wire.h"

/*
 * An Abort this soon after our Call Connected, before any IP data came
 * back, is the server refusing the crypto binding (MS-SSTP 3.3.5.2.3).
 */
#define CHAN_BINDING_VERDICT_MS	3000

/* True in the server role (sstpd): the peer is the client (conf.role). */
static bool
chan_server(const struct sstp_chan *c)
{
	return c->begun && c->ctrl.conf.role == SSTP_ROLE_SERVER;
}

/* Queue bytes toward the peer.  0 or -errno. */
static int
chan_write(struct sstp_chan *c, const uint8_t *p, size_t len)
{
	uint8_t *q;

	if (c->io == NULL)
		return -ENOTCONN;
	q = c->io->reserve(c->io_arg, len);
	if (q == NULL)
		return -ENOBUFS;
	memcpy(q, p, len);
	return 0;
}

/* --- the control machine's outputs ------------------------------------- */

static void
chan_ctrl_send(void *arg, const uint8_t *pkt, size_t len)
{
	struct sstp_chan *c = arg;
	char d[256];

	if (log_enabled(LOG_LVL_CTRL)) {
		sstp_wire_describe(pkt, len, d, sizeof d);
		log_ctrl_c(c->log_ctx, "SSTP send %s", d);
	}
	log_hex("SSTP out", pkt, len);
	if (chan_write(c, pkt, len) < 0)
		log_warn_c(c->log_ctx, "cannot queue an SSTP control packet");
}

/*
 * The Ack came: PPP may start.  Only recorded: the link is told once the
 * machine has returned (chan_ppp_start), since what a link may do from
 * ppp_start (report its keys, fail, end: Call Connected or Call
 * Disconnect) would be a re-entrant call the machine refuses (sstp_ctrl.h).
 */
static void
chan_ctrl_ppp_start(void *arg)
{
	struct sstp_chan *c = arg;

	if (chan_server(c))
		log_info_c(c->log_ctx,
		    "SSTP Call Connect Request accepted: PPP starts");
	else
		log_info_c(c->log_ctx,
		    "SSTP call connect acknowledged; crypto binding hash "
		    "%s", sstp_hash_name((uint8_t)sstp_ctrl_hash(&c->ctrl)));
	c->ppp_start_due = true;
}

/* Tell the link PPP may flow (out of the machine's dispatch). */
static void
chan_ppp_start(struct sstp_chan *c)
{
	if (!c->ppp_start_due)
		return;
	c->ppp_start_due = false;
	if (c->link != NULL)
		link_ppp_start(c->link);
}

static void
chan_ctrl_established(void *arg)
{
	struct sstp_chan *c = arg;

	c->t_auth = c->ops->now(c->arg);
	if (chan_server(c))
		log_info_c(c->log_ctx,
		    "SSTP crypto binding verified (%s): the call is up",
		    sstp_hash_name((uint8_t)sstp_ctrl_hash(&c->ctrl)));
	c->ops->established(c->arg);
}

static void
chan_ctrl_close(void *arg)
{
	struct sstp_chan *c = arg;
	enum sstp_quit q = sstp_ctrl_quit(&c->ctrl);
	char msg[384];
	bool refused;

	sstp_ctrl_quit_message(&c->ctrl, msg, sizeof msg);
	refused = !chan_server(c) && q == SSTP_QUIT_PEER_ABORT &&
	    c->auth_sent && !c->data_rx &&
	    c->ops->now(c->arg) - c->t_auth < CHAN_BINDING_VERDICT_MS;
	log_debug_c(c->log_ctx, "SSTP closed: %s", sstp_quit_name(q));
	c->ops->closed(c->arg, q, refused, msg);
}

static const struct sstp_ctrl_ops chan_ctrl_ops = {
	.send = chan_ctrl_send,
	.ppp_start = chan_ctrl_ppp_start,
	.established = chan_ctrl_established,
	.close = chan_ctrl_close,
};

/* --- the link's up-calls (link/link.h) ---------------------------------- */

/* A PPP frame from the link: send as an SSTP data packet (gated). */
static int
chan_link_to_server(void *arg, const uint8_t *frame, size_t len)
{
	struct sstp_chan *c = arg;
	struct wbuf w;
	uint16_t proto = 0;
	uint8_t *p;
	int ctl;

	if (c->io == NULL)
		return -ENOTCONN;
	ctl = sstp_wire_ppp_classify(frame, len, &proto, NULL);
	if (log_enabled(LOG_LVL_CTRL) && ctl == 1) {
		char d[256];

		ppp_dissect(frame, len, d, sizeof d);
		log_ctrl_c(c->log_ctx, "PPP send %s", d);
	}
	log_trace_c(c->log_ctx,
	    "PPP out: protocol 0x%04x, %zu bytes", proto, len);
	if (ctl < 0 || !sstp_ctrl_tx_data_ok(&c->ctrl, ctl == 1))
		return -EAGAIN;		/* gated: dropped (PROTOCOL.md 3.2) */
	if (len > SSTP_MAX_PAYLOAD)
		return -EMSGSIZE;
	p = c->io->reserve(c->io_arg, SSTP_HDR_LEN + len);
	if (p == NULL)
		return -ENOBUFS;
	wbuf_init(&w, p, SSTP_HDR_LEN + len);
	sstp_wire_put_data_hdr(&w, len);
	wbuf_put_bytes(&w, frame, len);
	return 0;
}

static bool
chan_link_server_full(void *arg)
{
	struct sstp_chan *c = arg;

	return c->io == NULL || c->io->tx_full(c->io_arg);
}

/* Back-pressure from the link: the one pause flag of the peer stream. */
static void
chan_link_pause_server(void *arg, bool pause)
{
	struct sstp_chan *c = arg;

	if (c->paused == pause)
		return;
	c->paused = pause;
	if (c->io != NULL)
		c->io->pause_input(c->io_arg, pause);
}

/*
 * PPP authentication done: the one place the HLAK is derived, from the keys
 * the link reports (MS-SSTP 3.2.5.2.2, PROTOCOL.md 4.1), then Call
 * Connected.  The first report wins.  Server: the keys are in the client's
 * orientation (ppp/auth_keys.h), so the same derivation gives the HLAK
 * the client used; the machine verifies the Call Connected with it
 * (MS-SSTP 3.3.5.2.3), whether that came before or comes after.
 */
static void
chan_link_auth_done(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	struct sstp_chan *c = arg;
	uint8_t hlak[SSTP_HLAK_LEN];

	if (c->auth_sent || !c->begun ||
	    sstp_ctrl_state(&c->ctrl) != (chan_server(c) ?
	    SSTP_SS_CONNECTED_PENDING : SSTP_CS_ACK_RECEIVED)) {
		if (chan_server(c))
			log_info_c(c->log_ctx,
			    "PPP keys (%s) in SSTP state %s: ignored", how,
			    sstp_ctrl_state_name(sstp_ctrl_state(&c->ctrl)));
		return;
	}
	if (sstp_bind_hlak(k->send, k->send_len, k->recv, k->recv_len,
	    hlak) < 0) {
		log_warn_c(c->log_ctx,
		    "unusable key lengths %zu/%zu: zero HLAK", k->send_len,
		    k->recv_len);
		memset(hlak, 0, sizeof hlak);
	}
	log_key("HLAK", hlak, sizeof hlak);
	c->auth_sent = true;
	if (chan_server(c))
		log_info_c(c->log_ctx,
		    "PPP authentication done (%s): keys for the crypto "
		    "binding", how);
	else
		log_info_c(c->log_ctx,
		    "PPP authentication done (%s): sending Call "
		    "Connected", how);
	sstp_ctrl_auth_done(&c->ctrl, c->ops->now(c->arg), hlak);
	explicit_bzero(hlak, sizeof hlak);
	c->ops->timer_changed(c->arg);
}

static void
chan_link_fail(void *arg, enum link_end end, const char *msg)
{
	struct sstp_chan *c = arg;

	c->ops->link_fail(c->arg, end, msg);
}

static void
chan_link_gone(void *arg, enum link_end end, const char *why)
{
	struct sstp_chan *c = arg;

	c->ops->link_gone(c->arg, end, why);
}

static int
chan_link_signal_child(void *arg, pid_t pid, int sig)
{
	struct sstp_chan *c = arg;

	return c->ops->signal_child(c->arg, pid, sig);
}

static int
chan_link_server_addr(void *arg, const char **name,
    const struct sockaddr **sa, socklen_t *salen)
{
	struct sstp_chan *c = arg;

	return c->ops->server_addr(c->arg, name, sa, salen);
}

static void
chan_link_net_up(void *arg, const struct link_net *n)
{
	struct sstp_chan *c = arg;

	if (c->ops->net_up != NULL)
		c->ops->net_up(c->arg, n);
}

static void
chan_link_net_down(void *arg, const struct link_net *n)
{
	struct sstp_chan *c = arg;

	if (c->ops->net_down != NULL)
		c->ops->net_down(c->arg, n);
}

const struct link_up sstp_chan_link_up = {
	.to_server = chan_link_to_server,
	.server_full = chan_link_server_full,
	.pause_server = chan_link_pause_server,
	.auth_done = chan_link_auth_done,
	.fail = chan_link_fail,
	.gone = chan_link_gone,
	.signal_child = chan_link_signal_child,
	.server_addr = chan_link_server_addr,
	.net_up = chan_link_net_up,
	.net_down = chan_link_net_down,
};

/* --- the owner's calls ---------------------------------------------------- */

void
sstp_chan_init(struct sstp_chan *c, const struct sstp_chan_ops *ops,
    void *arg)
{
	memset(c, 0, sizeof *c);
	c->ops = ops;
	c->arg = arg;
}

void
sstp_chan_set_link(struct sstp_chan *c, struct link *l)
{
	c->link = l;
}

int
sstp_chan_begin(struct sstp_chan *c, const struct sstp_ctrl_conf *conf,
    const struct sstp_chan_io *io, void *io_arg, uint64_t now)
{
	int r;

	r = sstp_ctrl_init(&c->ctrl, conf, &chan_ctrl_ops, c);
	if (r < 0)
		return r;
	c->io = io;
	c->io_arg = io_arg;
	c->begun = true;
	if (c->paused)
		io->pause_input(io_arg, true);
	r = sstp_ctrl_start(&c->ctrl, now);
	c->ops->timer_changed(c->arg);
	return r;
}

/* One data packet's PPP frame: to the link if the state lets it pass. */
static void
chan_data(struct sstp_chan *c, const uint8_t *pkt, size_t len)
{
	struct bcur pl;
	uint16_t proto = 0;
	char d[256];
	int ctl;

	if (sstp_wire_data_payload(pkt, len, &pl) != 0 || bcur_left(&pl) == 0)
		return;
	ctl = sstp_wire_ppp_classify(bcur_ptr(&pl), bcur_left(&pl), &proto,
	    NULL);
	if (log_enabled(LOG_LVL_CTRL) && ctl == 1) {
		ppp_dissect(bcur_ptr(&pl), bcur_left(&pl), d, sizeof d);
		log_ctrl_c(c->log_ctx, "PPP recv %s", d);
	}
	log_trace_c(c->log_ctx,
	    "PPP in: protocol 0x%04x, %zu bytes", proto, bcur_left(&pl));
	if (ctl >= 0 && sstp_ctrl_rx_data_ok(&c->ctrl, ctl == 1) &&
	    c->link != NULL) {
		if (ctl == 0)
			c->data_rx = true;
		link_from_server(c->link, bcur_ptr(&pl), bcur_left(&pl));
	} else
		log_trace_c(c->log_ctx,
		    "dropped a PPP frame from the %s (state %s)",
		    chan_server(c) ? "client" : "server",
		    sstp_ctrl_state_name(sstp_ctrl_state(&c->ctrl)));
}

size_t
sstp_chan_input(struct sstp_chan *c, uint64_t now, const uint8_t *buf,
    size_t len)
{
	struct sstp_frame fr;
	size_t off = 0;
	char d[256];
	int r;

	while (c->begun && sstp_ctrl_state(&c->ctrl) != SSTP_CS_CLOSED) {
		r = sstp_wire_frame(buf + off, len - off, &fr);
		if (r == 0)
			break;
		if (r < 0) {
			log_hex("SSTP framing error at", buf + off,
			    len - off < 16 ? len - off : 16);
			sstp_ctrl_framing_error(&c->ctrl);
			c->ops->timer_changed(c->arg);
			return len;
		}
		if (off == 0)
			sstp_ctrl_rx_any(&c->ctrl, now);	/* once a batch */
		if (fr.control) {
			if (log_enabled(LOG_LVL_CTRL)) {
				sstp_wire_describe(buf + off, fr.len, d,
				    sizeof d);
				log_ctrl_c(c->log_ctx, "SSTP recv %s", d);
			}
			log_hex("SSTP in", buf + off, fr.len);
			sstp_ctrl_input(&c->ctrl, now, buf + off, fr.len);
			c->ops->timer_changed(c->arg);
			chan_ppp_start(c);	/* after an Ack */
		} else
			chan_data(c, buf + off, fr.len);
		off += fr.len;
		/* The link may have asked us to stop reading. */
		if (c->paused)
			break;
	}
	if (off > 0)
		c->ops->timer_changed(c->arg);	/* the Hello deadline moved */
	return off;
}

void
sstp_chan_timer(struct sstp_chan *c, uint64_t now)
{
	if (!c->begun)
		return;
	sstp_ctrl_timer(&c->ctrl, now);
	c->ops->timer_changed(c->arg);
}

uint64_t
sstp_chan_deadline(const struct sstp_chan *c)
{
	return c->begun ? sstp_ctrl_deadline(&c->ctrl) : UINT64_MAX;
}

bool
sstp_chan_disconnect(struct sstp_chan *c, uint64_t now)
{
	if (!c->begun || sstp_chan_closing(c))
		return false;
	sstp_ctrl_disconnect(&c->ctrl, now);
	c->ops->timer_changed(c->arg);
	return true;
}

void
sstp_chan_lower_down(struct sstp_chan *c)
{
	c->io = NULL;
	if (!c->begun)
		return;
	sstp_ctrl_lower_down(&c->ctrl);
	c->ops->timer_changed(c->arg);
}

bool
sstp_chan_closing(const struct sstp_chan *c)
{
	return c->begun && sstp_ctrl_state(&c->ctrl) >= SSTP_CS_ABORT_PENDING;
}

enum sstp_cstate
sstp_chan_state(const struct sstp_chan *c)
{
	return c->begun ? sstp_ctrl_state(&c->ctrl) : SSTP_CS_DISCONNECTED;
}
