/*
 * pppd_link.c - the pppd link (link/link.h): pppd on a pty (launch mode) or
 * the pty master on stdin/stdout (pty mode, `pppd pty "sstpc
 * --nolaunchpppd ..."`), async-HDLC framing both ways, holding frames
 * until the SSTP call is acknowledged, and watching authentication for the
 * key material of the crypto binding (snooping, the plugin socket, or
 * sstpc's own EAP proxy).
 *
 * Data path: the pty is read in large chunks, decoded over whole buffers
 * and every frame is appended to the server stream, which writes many of
 * them per TLS record.  Frames from the server are encoded into one output
 * queue that is written to the pty when the loop is idle, so a burst of
 * SSTP packets becomes one pty write.  Back-pressure both ways: the pty is
 * not read while the server stream is above its high watermark, and the
 * server is not read while the pty queue is (STYLE.md 8.11).
 *
 * Lifetime (launch mode): done only after both pty EOF and the reap of
 * pppd (tmux job.c), so no last words of pppd are lost.  In pty mode pppd
 * is our parent: an orderly stop gives its LCP Terminate a moment to cross
 * (it got the signal too) before the link reports gone.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <event2/event.h>

#include "crypto/ms_funcs.h"
#include "link/link.h"
#include "link/pppd/plugin_sock.h"
#include "link/pppd/pppd_args.h"
#include "link/pppd/pppd_link.h"
#include "link/pppd/pppd_spawn.h"
#include "link/pppd/pty_hdlc.h"
#include "ppp/eap_proxy.h"
#include "ppp/ppp_snoop.h"
#include "ppp/proto.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "wire/hdlc.h"

/*
 * One read from the pty: almost always under 4 KiB (its line discipline's
 * buffer), 11-20 KiB now and then (strace of an upload); 8 KiB bounds how far
 * one read takes the server queue past its mark (pppd_link.h).
 */
#define BRIDGE_RX_SIZE		(8 * 1024)
#define BRIDGE_KILL_MS		8000		/* SIGTERM -> SIGKILL */
#define BRIDGE_KEY_GRACE_MS	3000		/* wait for the plugin's keys */
#define BRIDGE_PTY_GRACE_MS	2000		/* pty mode: pppd's goodbye */

struct bridge {
	struct link		 link;		/* first: the interface */
	struct event_base	*base;
	struct pppd_link_conf	 conf;
	struct plugin_sock	*plugin;	/* NULL: no plugin socket */
	bool			 launch;	/* we forked pppd */
	int			 fd_in;
	int			 fd_out;
	pid_t			 pid;
	int			 gate;		/* pppd_spawn(): exec on release */
	bool			 released;	/* the child may exec pppd */
	bool			 reaped;
	int			 status;
	bool			 eof;
	bool			 term_sent;
	bool			 hung_up;	/* we closed the pty master */
	bool			 gone_reported;
	struct event		*rev;
	struct event		*wev;
	struct event		*chld;
	struct event		*kill_timer;
	struct event		*key_timer;
	struct event		*grace_timer;	/* pty mode: orderly stop */
	bool			 keys_reported;	/* auth_done went up */
	bool			 ppp_started;
	bool			 pppd_ready;	/* pppd has written to the pty */
	bool			 rx_paused;	/* not reading pppd */
	struct pty_hdlc		 ph;		/* HDLC both ways, held frames */
	uint8_t			*rx;
	struct ppp_snoop	 snoop;
	struct eap_proxy	*eap;		/* --eap-auth, else NULL */
	struct event		*eap_timer;
	uint64_t		 frames_out, frames_in, dropped_out;
	uint64_t		 bytes_out, bytes_in;
};

static void	bridge_update(struct bridge *);
static int	bridge_events(struct bridge *);
static void	bridge_free(struct link *);

#define BRIDGE(l)	((struct bridge *)(void *)(l))
#define UP(b)		((b)->link.up)
#define UPARG(b)	((b)->link.up_arg)

/* Report the keys of the PPP authentication to the session, once. */
static void
bridge_report_keys(struct bridge *b, const struct ppp_auth_keys *k,
    const char *how)
{
	if (b->keys_reported)
		return;
	b->keys_reported = true;
	evtimer_del(b->key_timer);
	UP(b)->auth_done(UPARG(b), k, how);
}

/* Report the end of the PPP side to the session once. */
static void
bridge_report_gone(struct bridge *b)
{
	char why[200], st[96];
	enum link_end end = LINK_END_OK;

	if (b->gone_reported)
		return;
	if (b->launch && !(b->reaped && b->eof))
		return;
	b->gone_reported = true;
	if (!b->launch)
		snprintf(why, sizeof why, "pppd closed the pty");
	else if (!b->released) {
		/* The child waited for the Ack and never became pppd. */
		snprintf(why, sizeof why, "pppd was not started");
		if (!b->term_sent && !(WIFEXITED(b->status) &&
		    WEXITSTATUS(b->status) == 0))
			end = LINK_END_PPP;
	} else {
		pppd_exit_string(b->status, st, sizeof st);
		snprintf(why, sizeof why, "pppd exited: %s", st);
		end = pppd_exit_end(b->status, b->term_sent);
	}
	if (b->kill_timer != NULL)
		evtimer_del(b->kill_timer);
	if (b->grace_timer != NULL)
		evtimer_del(b->grace_timer);
	UP(b)->gone(UPARG(b), end, why);
}

/* Send one PPP frame to the server (gated by the session). */
static void
bridge_send_server(struct bridge *b, const uint8_t *f, size_t len)
{
	int r;

	r = UP(b)->to_server(UPARG(b), f, len);
	if (r == 0) {
		b->frames_out++;
		b->bytes_out += len;
	} else {
		b->dropped_out++;
		log_trace("frame from pppd not sent (%s)", strerror(-r));
	}
}

/* Point the proxy's timer at its deadline. */
static void
bridge_eap_sync(struct bridge *b)
{
	uint64_t dl = eap_proxy_deadline(b->eap);
	struct timeval tv;

	if (dl == UINT64_MAX) {
		evtimer_del(b->eap_timer);
		return;
	}
	tv = clock_until(dl, clock_now_ms());
	evtimer_add(b->eap_timer, &tv);
}

/* A frame from pppd for the server; watch it for the key material. */
static void
bridge_to_server(struct bridge *b, const uint8_t *f, size_t len)
{
	if (b->eap != NULL) {
		eap_proxy_from_pppd(b->eap, clock_now_ms(), f, len);
		bridge_eap_sync(b);
		return;
	}
	if (ppp_snoop_frame(&b->snoop, f, len, false) ==
	    PPP_SNOOP_LCP_TERMINATE)
		log_debug("pppd sent LCP Terminate-Request");
	pty_hdlc_watch_accm(&b->ph, f, len, false);
	bridge_send_server(b, f, len);
}

/* Authentication seen to succeed: find its keys for the session. */
static void
bridge_auth_success(struct bridge *b)
{
	struct ppp_auth_keys k;
	bool mschap = b->snoop.method == PPP_AUTH_MSCHAPV2 ||
	    b->snoop.method == PPP_AUTH_EAP_MSCHAPV2;
	struct timeval tv = { BRIDGE_KEY_GRACE_MS / 1000,
	    (BRIDGE_KEY_GRACE_MS % 1000) * 1000 };

	log_info("PPP authentication succeeded (%s)",
	    ppp_snoop_method_name(b->snoop.method));
	if (b->keys_reported)
		return;		/* the plugin was first */
	memset(&k, 0, sizeof k);
	if (b->conf.password != NULL && mschap && b->snoop.have_nt_response) {
		/* RFC 3079 3: the keys pppd derives, from our own copy. */
		if (ms_chapv2_client_keys(b->conf.password,
		    b->snoop.nt_response, k.send, k.recv) == 0) {
			k.send_len = k.recv_len = 16;
			log_key("MPPE send key", k.send, 16);
			log_key("MPPE recv key", k.recv, 16);
			bridge_report_keys(b, &k, "keys derived from the "
			    "snooped MS-CHAPv2 response");
		}
		ppp_auth_keys_clear(&k);
		ppp_snoop_clear(&b->snoop);
		return;
	}
	/*
	 * MS-CHAPv2 without our own copy of the password, or another EAP
	 * method (EAP-TLS gives 32-byte keys): only the pppd plugin knows
	 * the keys, wait for its AUTH a little.  Otherwise (PAP, CHAP-MD5)
	 * there is no key material and the HLAK is zero (PROTOCOL.md 4.1).
	 */
	if ((mschap || b->snoop.method == PPP_AUTH_EAP_OTHER) &&
	    b->plugin != NULL) {
		evtimer_add(b->key_timer, &tv);
		return;
	}
	bridge_report_keys(b, &k, "no key material: zero HLAK");
}

/* The plugin did not deliver keys in time: zero HLAK, loudly. */
static void
bridge_key_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bridge *b = arg;
	struct ppp_auth_keys k;

	if (b->keys_reported)
		return;		/* the plugin's keys came in time */
	log_warn("no MPPE keys from the pppd plugin (is sstp-pppd-plugin.so "
	    "loaded?): sending Call Connected with a zero HLAK; servers that "
	    "verify the crypto binding will refuse it");
	memset(&k, 0, sizeof k);
	bridge_report_keys(b, &k, "zero HLAK after waiting for the plugin");
}

/* --- the plugin socket's reports ---------------------------------------- */

static void
bridge_plugin_keys(void *arg, const struct ppp_auth_keys *k)
{
	bridge_report_keys(arg, k, k->send_len > 0 ?
	    "MPPE keys from the pppd plugin" :
	    "pppd plugin: no key material, zero HLAK");
}

static int
bridge_plugin_server_addr(void *arg, const char **name,
    const struct sockaddr **sa, socklen_t *salen)
{
	struct bridge *b = arg;

	return UP(b)->server_addr(UPARG(b), name, sa, salen);
}

static const struct plugin_sock_ops bridge_plugin_ops = {
	.keys = bridge_plugin_keys,
	.server_addr = bridge_plugin_server_addr,
};

/* HDLC-encode one frame into the queue toward pppd. */
static int
bridge_send_pppd(struct bridge *b, const uint8_t *frame, size_t len)
{
	int r;

	if (b->fd_out < 0)
		return -EPIPE;
	if ((r = pty_hdlc_queue(&b->ph, frame, len)) < 0)
		return r;
	b->frames_in++;
	b->bytes_in += len;
	if (pty_hdlc_pending(&b->ph) > PTY_HDLC_TX_HIGH)
		UP(b)->pause_server(UPARG(b), true);
	if (b->pppd_ready)
		event_add(b->wev, NULL);
	return 0;
}

/* link_ops.from_server: a gated PPP frame from the server for pppd. */
static int
bridge_from_server(struct link *l, const uint8_t *frame, size_t len)
{
	struct bridge *b = BRIDGE(l);
	enum ppp_snoop_event ev;

	if (b->eap != NULL) {
		eap_proxy_from_server(b->eap, clock_now_ms(), frame, len);
		bridge_eap_sync(b);
		return 0;
	}
	pty_hdlc_watch_accm(&b->ph, frame, len, true);
	ev = ppp_snoop_frame(&b->snoop, frame, len, true);
	if (ev == PPP_SNOOP_AUTH_SUCCESS)
		bridge_auth_success(b);
	else if (ev == PPP_SNOOP_AUTH_FAILURE)
		log_err("server rejected the PPP authentication (%s)%s%s",
		    ppp_snoop_method_name(b->snoop.method),
		    b->snoop.fail_text[0] ? ": " : "", b->snoop.fail_text);
	return bridge_send_pppd(b, frame, len);
}

/* --- the EAP proxy's outputs (--eap-auth) -------------------------------- */

/* --eap-auth: the proxy's frames go on like pppd's own, or to pppd. */
static void
bridge_eap_to_server(void *arg, const uint8_t *f, size_t len)
{
	bridge_send_server(arg, f, len);
}

static void
bridge_eap_to_pppd(void *arg, const uint8_t *f, size_t len)
{
	bridge_send_pppd(arg, f, len);
}

static void
bridge_eap_auth_done(void *arg, const struct ppp_auth_keys *k)
{
	bridge_report_keys(arg, k, "authenticated by sstpc (--eap-auth)");
}

static void
bridge_eap_fail(void *arg, enum eap_proxy_fail why, const char *msg)
{
	struct bridge *b = arg;

	UP(b)->fail(UPARG(b), why == EAP_PROXY_FAIL_AUTH ? LINK_END_AUTH :
	    LINK_END_INTERNAL, msg);
}

static const struct eap_proxy_ops bridge_eap_ops = {
	.to_server = bridge_eap_to_server,
	.to_pppd = bridge_eap_to_pppd,
	.auth_done = bridge_eap_auth_done,
	.fail = bridge_eap_fail,
};

/* The EAP proxy's deadline passed. */
static void
bridge_eap_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bridge *b = arg;

	eap_proxy_timer(b->eap, clock_now_ms());
	bridge_eap_sync(b);
}

/* Write queued bytes to pppd. */
static void
bridge_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bridge *b = arg;

	(void)pty_hdlc_flush(&b->ph, b->fd_out);
	if (pty_hdlc_pending(&b->ph) == 0)
		event_del(b->wev);
	if (pty_hdlc_pending(&b->ph) < PTY_HDLC_TX_LOW)
		UP(b)->pause_server(UPARG(b), false);
}

/* Read pppd's bytes and forward the frames. */
static void
bridge_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bridge *b = arg;
	struct hdlc_frame fr;
	struct bcur in;
	size_t got = 0;
	ssize_t n = 0;
	bool gone = false;

	/*
	 * One read per wake-up.  A pty hands out at most its line
	 * discipline's 4 KiB per read, and the kernel refills that buffer
	 * from a worker that the read itself kicks.  Reading on until EAGAIN
	 * (as this did before) mostly found it empty again at once, since we
	 * are faster than the refill, and held every frame back until the
	 * batch ended, so pppd -> pty -> sstpc -> TLS ran in bursts and the
	 * machine sat idle in between: 55 MB/s upload on an idle 2-vCPU VM
	 * against 70 MB/s with one read per wake-up, at the same CPU per GB
	 * (bench/README.md).  The loop is level-triggered: the next 4 KiB is
	 * one epoll round away, forwarded while the kernel refills.
	 */
	do
		n = read(b->fd_in, b->rx, BRIDGE_RX_SIZE);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		got = (size_t)n;
	else	/* 0 or EIO on a pty master: the last slave fd closed. */
		gone = n == 0 || errno != EAGAIN;
	if (got > 0 && !b->pppd_ready) {
		/*
		 * XX: pppd flushes the tty's input when it sets the line up
		 * (tcsetattr TCSAFLUSH), so frames written before pppd's
		 * first bytes may be discarded and LCP would wait for a 3 s
		 * retransmission.  Its first frame shows the line is ready.
		 */
		b->pppd_ready = true;
		if (pty_hdlc_pending(&b->ph) > 0)
			event_add(b->wev, NULL);
	}
	in = bcur_make(b->rx, got);
	while (hdlc_decode(&b->ph.dec, &in, &fr) == 1) {
		if (!b->ppp_started)
			pty_hdlc_hold(&b->ph, fr.data, fr.len);
		else
			bridge_to_server(b, fr.data, fr.len);
	}
	if (gone) {
		log_debug("pppd side closed (%s)", n == 0 ? "EOF" :
		    strerror(errno));
		b->eof = true;
		event_del(b->rev);
		bridge_report_gone(b);
		return;
	}
	bridge_update(b);
}

/* Stop reading pppd while the server stream is full. */
static void
bridge_update(struct bridge *b)
{
	if (b->eof || b->rev == NULL)
		return;
	if (b->ppp_started && UP(b)->server_full(UPARG(b))) {
		if (!b->rx_paused)
			event_del(b->rev);
		b->rx_paused = true;
	} else if (b->rx_paused) {
		b->rx_paused = false;
		event_add(b->rev, NULL);
	}
}

/* link_ops.server_drained: resume reading pppd. */
static void
bridge_server_drained(struct link *l)
{
	bridge_update(BRIDGE(l));
}

/* link_ops.ppp_start: forward what pppd sent before the Ack. */
static void
bridge_ppp_start(struct link *l)
{
	struct bridge *b = BRIDGE(l);
	size_t i;

	b->ppp_started = true;
	if (b->gate >= 0) {
		/* The call is acknowledged: now the child may exec pppd. */
		b->released = pppd_release(&b->gate) == 0;
		log_info("starting pppd (pid %ld)", (long)b->pid);
	}
	for (i = 0; i < b->ph.nheld; i++)
		bridge_to_server(b, b->ph.held[i].data, b->ph.held[i].len);
	if (b->ph.nheld > 0)
		log_debug("forwarded %zu frame(s) pppd sent before the Ack",
		    b->ph.nheld);
	b->ph.nheld = 0;
}

/* SIGCHLD: reap pppd; with its pty drained, the link may be gone. */
static void
bridge_chld_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bridge *b = arg;
	int st;
	pid_t p;

	if (b->reaped)
		return;
	p = waitpid(b->pid, &st, WNOHANG);
	if (p != b->pid)
		return;
	b->reaped = true;
	b->status = st;
	log_debug("pppd (pid %ld) reaped", (long)b->pid);
	/*
	 * pppd may leave the pty held by a child of its own; do not wait
	 * for an EOF that cannot come once pppd itself is gone and the
	 * master has been drained.
	 */
	if (!b->eof && b->fd_in >= 0) {
		bridge_read_cb(b->fd_in, EV_READ, b);
		b->eof = true;
	}
	bridge_report_gone(b);
}

/* pppd outlived its grace time: SIGTERM (after a hangup), then SIGKILL. */
static void
bridge_kill_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bridge *b = arg;
	struct timeval tv = { BRIDGE_KILL_MS / 1000, 0 };

	if (b->reaped)
		return;
	if (!b->term_sent) {
		log_debug("pppd still running after the hangup: SIGTERM");
		b->term_sent = true;
		UP(b)->signal_child(UPARG(b), b->pid, SIGTERM);
		evtimer_add(b->kill_timer, &tv);
		return;
	}
	log_warn("pppd did not exit after SIGTERM: killing it");
	UP(b)->signal_child(UPARG(b), b->pid, SIGKILL);
}

/* pty mode: pppd's LCP Terminate had its moment. */
static void
bridge_grace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bridge *b = arg;

	if (b->rev != NULL)
		event_del(b->rev);
	b->eof = true;
	bridge_report_gone(b);
}

/* link_ops.stop */
static void
bridge_stop(struct link *l, enum link_stop how)
{
	struct bridge *b = BRIDGE(l);
	struct timeval tv = { BRIDGE_KILL_MS / 1000, 0 };
	struct timeval grace = { BRIDGE_PTY_GRACE_MS / 1000,
	    (BRIDGE_PTY_GRACE_MS % 1000) * 1000 };

	if (!b->launch) {
		/*
		 * pty mode: pppd got the signal too (it passes it to its pty
		 * command's group).  While the call is up, give its LCP
		 * Terminate a moment to cross before the session's Call
		 * Disconnect; pppd closing the pty ends the wait early.
		 */
		if (b->gone_reported)
			return;
		if (how == LINK_STOP_ORDERLY && b->ppp_started && !b->eof &&
		    b->fd_in >= 0) {
			if (!evtimer_pending(b->grace_timer, NULL))
				evtimer_add(b->grace_timer, &grace);
			return;
		}
		/* Nothing more of pppd is read: its frames could not go. */
		if (b->rev != NULL)
			event_del(b->rev);
		b->eof = true;
		bridge_report_gone(b);
		return;
	}
	if (b->reaped || b->pid <= 0)
		return;
	pppd_gate_close(&b->gate);	/* a child not yet pppd exits now */
	if (how == LINK_STOP_HANGUP && !b->hung_up) {
		/*
		 * The server side is gone: an LCP Terminate from pppd could
		 * not travel anyway, so hang up its line (pppd sees "Modem
		 * hangup" and exits at once) instead of letting it wait
		 * for Terminate-Ack retries.
		 */
		b->hung_up = true;
		log_debug("hanging up pppd's pty (pid %ld)", (long)b->pid);
		if (b->rev != NULL)
			event_del(b->rev);
		if (b->wev != NULL)
			event_del(b->wev);
		if (b->fd_in >= 0)
			close(b->fd_in);
		b->fd_in = b->fd_out = -1;
		b->eof = true;
		evtimer_add(b->kill_timer, &tv);
		return;
	}
	if (b->term_sent || b->hung_up)
		return;
	b->term_sent = true;
	log_debug("stopping pppd (pid %ld)", (long)b->pid);
	UP(b)->signal_child(UPARG(b), b->pid, SIGTERM);
	evtimer_add(b->kill_timer, &tv);
}

/* link_ops.child_pid: pppd's pid in launch mode, 0 otherwise. */
static pid_t
bridge_pid(const struct link *l)
{
	const struct bridge *b = BRIDGE(l);

	return b->launch && b->pid > 0 ? b->pid : 0;
}

/* link_ops.sock_path */
static const char *
bridge_sock_path(const struct link *l)
{
	const struct bridge *b = BRIDGE(l);

	return b->plugin != NULL ? plugin_sock_path(b->plugin) : NULL;
}

/*
 * link_ops.done: launch mode after pppd's reap and pty EOF; pty mode once
 * the end was reported (pppd closed the pty, or the stop's grace ran out).
 */
static bool
bridge_done(const struct link *l)
{
	const struct bridge *b = BRIDGE(l);

	if (!b->launch)
		return b->gone_reported;
	return b->pid <= 0 || (b->reaped && b->eof);
}

static const struct link_ops bridge_link_ops;

struct link *
pppd_link_new(struct event_base *base, const struct pppd_link_conf *conf,
    const struct link_up *up, void *up_arg)
{
	struct bridge *b;

	b = calloc(1, sizeof *b);
	if (b == NULL)
		return NULL;
	b->link.ops = &bridge_link_ops;
	b->link.up = up;
	b->link.up_arg = up_arg;
	b->base = base;
	b->conf = *conf;
	b->launch = conf->launch;
	b->fd_in = b->fd_out = b->gate = -1;
	b->rx = malloc(BRIDGE_RX_SIZE);
	b->key_timer = evtimer_new(base, bridge_key_timer_cb, b);
	b->kill_timer = evtimer_new(base, bridge_kill_cb, b);
	b->grace_timer = evtimer_new(base, bridge_grace_cb, b);
	if (pty_hdlc_init(&b->ph) < 0 || b->rx == NULL ||
	    b->key_timer == NULL || b->kill_timer == NULL ||
	    b->grace_timer == NULL) {
		bridge_free(&b->link);
		return NULL;
	}
	if (conf->eap_auth) {
		b->eap = eap_proxy_new(conf->user, conf->password,
		    &bridge_eap_ops, b);
		b->eap_timer = evtimer_new(base, bridge_eap_timer_cb, b);
		if (b->eap == NULL || b->eap_timer == NULL) {
			bridge_free(&b->link);
			return NULL;
		}
	}
	return &b->link;
}

/* Common part of both modes: events on the pppd side fds. */
static int
bridge_events(struct bridge *b)
{
	b->rev = event_new(b->base, b->fd_in, EV_READ | EV_PERSIST,
	    bridge_read_cb, b);
	b->wev = event_new(b->base, b->fd_out, EV_WRITE | EV_PERSIST,
	    bridge_write_cb, b);
	if (b->rev == NULL || b->wev == NULL)
		return -ENOMEM;
	event_add(b->rev, NULL);
	return 0;
}

/* Write the password line for pppd into a pipe: pppd reads /dev/fd/3. */
static int
bridge_password_pipe(const char *password, char *err, size_t errlen)
{
	uint8_t line[PPPD_PASSWORD_MAX * 4 + 32];
	struct wbuf w;
	int p[2], r;
	ssize_t n;

	wbuf_init(&w, line, sizeof line);
	r = pppd_password_line(&w, password, strlen(password));
	if (r < 0) {
		snprintf(err, errlen, "the password cannot be given to pppd: %s",
		    r == -E2BIG ? "longer than 255 bytes" : "invalid bytes");
		explicit_bzero(line, sizeof line);
		return -1;
	}
	/* A pipe, never a file: nothing of the secret touches a disk. */
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		explicit_bzero(line, sizeof line);
		return -1;
	}
	n = write(p[1], line, w.len);
	explicit_bzero(line, sizeof line);
	close(p[1]);
	if (n != (ssize_t)w.len) {
		close(p[0]);
		snprintf(err, errlen, "cannot pass the password to pppd");
		return -1;
	}
	return p[0];
}

/* Launch mode: fork pppd on a pty now (before any network byte). */
static int
bridge_launch(struct bridge *b, char *err, size_t errlen)
{
	const struct pppd_link_conf *cfg = &b->conf;
	struct pppd_args_conf ac;
	char tty[128], plugin[512], **argv = NULL;
	int master = -1, slave = -1, pwfd = -1, r;
	size_t i;

	r = pppd_open_pty(&master, &slave, tty, sizeof tty);
	if (r < 0) {
		snprintf(err, errlen, "cannot open a pty: %s", strerror(-r));
		return -1;
	}
	memset(&ac, 0, sizeof ac);
	ac.pppd_path = cfg->pppd_path;
	ac.tty = tty;
	/* With --eap-auth pppd authenticates nothing: no user for it. */
	ac.user = cfg->eap_auth ? NULL : cfg->user;
	ac.password_fd = -1;
	ac.opts = cfg->pppd_args;
	ac.nopts = cfg->n_pppd_args;
	/* With --eap-auth sstpc authenticates: pppd needs no password. */
	if (cfg->password != NULL && !cfg->eap_auth) {
		pwfd = bridge_password_pipe(cfg->password, err, errlen);
		if (pwfd < 0)
			goto fail;
		ac.password_fd = 3;	/* pppd_spawn() moves it there */
		/* XX: minimal /dev (busybox, some containers) has no fd link. */
		if (access("/dev/fd/0", F_OK) != 0)
			ac.fd_dir = "/proc/self/fd";
	}
	snprintf(plugin, sizeof plugin, "%s/sstp-pppd-plugin.so",
	    SSTPC_PLUGIN_DIR);
	if (b->plugin != NULL) {
		if (access(plugin, R_OK) == 0) {
			ac.plugin = plugin;
			ac.sock_path = plugin_sock_path(b->plugin);
		} else
			log_warn("%s not found: pppd cannot hand over MPPE keys; "
			    "give --password for key snooping", plugin);
	}
	if (pppd_args_detaches(ac.opts, ac.nopts))
		log_warn("pppd options make pppd detach: sstpc cannot follow "
		    "pppd's life after that");
	r = pppd_args_build(&ac, &argv, NULL);
	if (r < 0) {
		snprintf(err, errlen, "cannot build pppd's arguments: %s",
		    strerror(-r));
		goto fail;
	}
	if (log_enabled(LOG_LVL_DEBUG)) {
		/* The argv holds no secret: the password travels in the pipe. */
		for (i = 0; argv[i] != NULL; i++)
			log_debug("pppd argv[%zu] = %s", i, argv[i]);
	}
	b->chld = evsignal_new(b->base, SIGCHLD, bridge_chld_cb, b);
	if (b->chld == NULL || evsignal_add(b->chld, NULL) < 0) {
		snprintf(err, errlen, "cannot watch SIGCHLD");
		goto fail;
	}
	b->pid = pppd_spawn(argv, slave, pwfd, &b->gate);
	if (b->pid < 0) {
		snprintf(err, errlen, "cannot start %s: %s", argv[0],
		    strerror((int)-b->pid));
		b->pid = 0;
		goto fail;
	}
	log_info("forked %s (pid %ld) on %s: it runs once the SSTP call is "
	    "acknowledged", argv[0], (long)b->pid, tty);
	pppd_args_free(argv);
	if (pwfd >= 0)
		close(pwfd);
	/* The child holds the slave now: EOF on the master = pppd gone. */
	close(slave);
	b->fd_in = b->fd_out = master;
	if (bridge_events(b) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
fail:
	pppd_args_free(argv);
	if (pwfd >= 0)
		close(pwfd);
	if (slave >= 0)
		close(slave);
	if (master >= 0)
		close(master);
	return -1;
}

/* pty mode: use stdin/stdout as the pppd pty master. */
static int
bridge_attach_stdio(struct bridge *b, char *err, size_t errlen)
{
	int fl;

	b->pppd_ready = true;	/* pppd set the pty up before running us */
	b->fd_in = STDIN_FILENO;
	b->fd_out = STDOUT_FILENO;
	if (!isatty(b->fd_in))
		log_debug("stdin is not a tty; continuing (pty mode expects "
		    "pppd's pty master)");
	/* epoll refuses /dev/null and files (libevent would only warn). */
	if ((fl = epoll_create1(EPOLL_CLOEXEC)) >= 0) {
		struct epoll_event ev = { .events = EPOLLIN };
		int r = epoll_ctl(fl, EPOLL_CTL_ADD, b->fd_in, &ev);

		ev.events = EPOLLOUT;
		if (r == 0)
			r = epoll_ctl(fl, EPOLL_CTL_ADD, b->fd_out, &ev) < 0 ?
			    2 : 0;
		close(fl);
		if (r != 0) {
			snprintf(err, errlen, "--nolaunchpppd: standard %s "
			    "cannot be polled (/dev/null or a file?); pty mode "
			    "expects pppd's pty there (pppd pty \"sstpc "
			    "--nolaunchpppd ...\")", r == 2 ? "output" : "input");
			return -1;
		}
	}
	fl = fcntl(b->fd_in, F_GETFL);
	if (fl < 0 || fcntl(b->fd_in, F_SETFL, fl | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "--nolaunchpppd: stdin is not usable: %s",
		    strerror(errno));
		return -1;
	}
	fl = fcntl(b->fd_out, F_GETFL);
	if (fl >= 0)
		fcntl(b->fd_out, F_SETFL, fl | O_NONBLOCK);
	if (bridge_events(b) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	log_debug("pty mode: pppd on stdin/stdout");
	return 0;
}

/*
 * link_ops.start: the plugin socket (when pppd, not sstpc, will know the
 * keys: no password for sstpc, or pty mode where NetworkManager's plugin
 * asks for the server address), then pppd or the stdio pty.
 */
static enum link_end
bridge_start(struct link *l, char *err, size_t errlen)
{
	struct bridge *b = BRIDGE(l);
	int r;

	if (b->conf.password == NULL || !b->launch) {
		b->plugin = plugin_sock_new(b->base, b->conf.ipparam != NULL ?
		    b->conf.ipparam : "uds-sock", &bridge_plugin_ops, b, err,
		    errlen);
		if (b->plugin == NULL)
			return LINK_END_INTERNAL;
	}
	r = b->launch ? bridge_launch(b, err, errlen) :
	    bridge_attach_stdio(b, err, errlen);
	return r < 0 ? LINK_END_PPP : LINK_END_OK;
}

/* link_ops.stats */
static void
bridge_stats(const struct link *l, uint64_t *to_server, uint64_t *from_server)
{
	const struct bridge *b = BRIDGE(l);

	*to_server = b->bytes_out;
	*from_server = b->bytes_in;
}

/* link_ops.free: never leaves an orphan pppd behind. */
static void
bridge_free(struct link *l)
{
	struct bridge *b = BRIDGE(l);

	if (b == NULL)
		return;
	pppd_gate_close(&b->gate);
	if (b->launch && b->pid > 0 && !b->reaped) {
		/* Never leave an orphan pppd behind; wait at most ~3 s. */
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		int i;

		UP(b)->signal_child(UPARG(b), b->pid, SIGTERM);
		for (i = 0; i < 60 && waitpid(b->pid, NULL, WNOHANG) == 0; i++)
			nanosleep(&ts, NULL);
		if (i == 60) {
			UP(b)->signal_child(UPARG(b), b->pid, SIGKILL);
			waitpid(b->pid, NULL, 0);
		}
	}
	if (b->rev != NULL)
		event_free(b->rev);
	if (b->wev != NULL)
		event_free(b->wev);
	if (b->chld != NULL)
		event_free(b->chld);
	if (b->kill_timer != NULL)
		event_free(b->kill_timer);
	if (b->key_timer != NULL)
		event_free(b->key_timer);
	if (b->grace_timer != NULL)
		event_free(b->grace_timer);
	if (b->eap_timer != NULL)
		event_free(b->eap_timer);
	if (b->eap != NULL)
		eap_proxy_free(b->eap);
	plugin_sock_free(b->plugin);
	if (b->launch && b->fd_in >= 0)
		close(b->fd_in);
	b->fd_in = b->fd_out = -1;
	ppp_snoop_clear(&b->snoop);
	free(b->rx);
	pty_hdlc_free(&b->ph);
	free(b);
}

static const struct link_ops bridge_link_ops = {
	.name = "pppd",
	.start = bridge_start,
	.ppp_start = bridge_ppp_start,
	.from_server = bridge_from_server,
	.server_drained = bridge_server_drained,
	.stop = bridge_stop,
	.done = bridge_done,
	.child_pid = bridge_pid,
	.sock_path = bridge_sock_path,
	.stats = bridge_stats,
	.free = bridge_free,
};
