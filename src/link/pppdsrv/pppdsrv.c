/*
 * pppdsrv.c - sstpd's pppd backend (pppdsrv.h; issue 13, 5): one pppd per
 * session on a raw pty, async HDLC between the pty and the SSTP channel
 * (link/pppd/pty_hdlc.c, shared with the client's pppd link), the MPPE
 * keys of pppd's own authentication from the project's plugin over a unix
 * socket (link/pppd/plugin_sock.c, shared too), and the child watched
 * through a pidfd on the event loop.
 *
 * pppd's command line, in this order (pppd takes the last of repeated
 * options, so what comes after the options file wins over it):
 *
 *   <pppd> <pty-slave> nodetach auth [file <options>] <local>:<remote>
 *       remotenumber <client-ip> ipparam <session> nodefaultroute
 *       [plugin <plugin> sstp-sock <socket>]
 *
 *  - nodetach: the pid we fork stays pppd's for the session's life.
 *  - auth: the peer must authenticate (pppd(8)); it comes BEFORE the
 *    options file, which says how (require-mschap-v2, refuse-pap, the
 *    radius plugin, ...) and may, as root's file, say noauth.
 *  - the addresses come from sstpd's pool and win over the file's.
 *  - nodefaultroute: a server never routes its own traffic into one
 *    client, whatever the options file says.
 *  - remotenumber: the client's address, for the log and RADIUS
 *    Calling-Station-Id (SERVER.md 3: sorz #8, #28).
 *  - no speed, no "local": they mean nothing on a pty.
 *
 * Keys: pppd >= 2.4.9 runs its auth-up notifiers in the network phase only
 * when it made the peer authenticate, i.e. exactly on the authenticator
 * side, and before the network protocols (CCP) start, so the plugin's
 * auth-up report carries pppd's MPPE keys intact.  Those are pppd's own,
 * the server's: its send key is the client's receive key.  The link
 * swaps them (ppp/auth_keys.h: always the client's orientation) before
 * up->auth_done.  The plugin waits for our ACK, which plugin_sock sends
 * right after the keys went up.
 *
 * Teardown: SIGTERM (pppd sends LCP Terminate-Request and exits with
 * status 5), SIGKILL after kill_grace_ms; signals go through the pidfd
 * (pidfd_send_signal), so a recycled pid can never be hit.  The pidfd
 * becomes readable when pppd exits; waitid(P_PIDFD) reaps it.  gone goes
 * up once, after the reap, with the class of pppd's exit status.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <event2/event.h>

#include "link/link.h"
#include "link/pppd/plugin_sock.h"
#include "link/pppd/pppd_spawn.h"
#include "link/pppd/pty_hdlc.h"
#include "link/pppdsrv/pppdsrv.h"
#include "ppp/ppp_snoop.h"
#include "util/buf.h"
#include "util/log.h"

#define PSRV_RX_SIZE		(64 * 1024)
#define PSRV_GRACE_DEFAULT_MS	3000
#define PSRV_TAG_MAX		48	/* session id in names */
#define PSRV_ARGV_MAX		24

struct psrv {
	struct link		 link;		/* first: the interface */
	struct event_base	*base;
	/* Private copies of the configuration's strings. */
	char			*pppd_path;
	char			*options_file;
	char			*plugin_path;
	char			*sock_dir;
	char			*client_addr;
	char			 tag[PSRV_TAG_MAX + 1];	/* session, for names */
	uint32_t		 local4, peer4;
	unsigned		 grace_ms;
	struct plugin_sock	*ps;
	int			 master;	/* pty master, -1: closed */
	pid_t			 pid;
	int			 pidfd;
	int			 status;	/* wait status once reaped */
	struct event		*rev;
	struct event		*wev;
	struct event		*pidev;
	struct event		*kill_timer;
	struct pty_hdlc		 ph;
	uint8_t			*rx;
	bool			 reaped;
	bool			 eof;
	bool			 term_sent;
	bool			 kill_sent;
	bool			 hung_up;	/* stop(HANGUP): drop pppd's frames */
	bool			 gone_reported;
	bool			 keys_reported;
	bool			 authed;	/* pppd's success or its keys */
	bool			 refused;	/* pppd's Failure seen first */
	char			 peer_name[64];	/* the client's, until authed */
	struct ppp_snoop	 snoop;		/* pppd's frames, until authed */
	bool			 ppp_started;
	bool			 pppd_ready;	/* pppd has written to the pty */
	bool			 rx_paused;
	uint64_t		 bytes_out, bytes_in, dropped_out;
};

#define PSRV(l)		((struct psrv *)(void *)(l))
#define UP(p)		((p)->link.up)
#define UPARG(p)	((p)->link.up_arg)

static void	psrv_read_cb(evutil_socket_t, short, void *);
static void	psrv_free(struct link *);

/*
 * pidfd_open(2) (Linux 5.3); through syscall(2) for older C libraries.
 * The reap needs waitid(P_PIDFD), Linux 5.4: that is the floor.
 */
static int
psrv_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Signal pppd through its pidfd: never a recycled pid. */
static void
psrv_signal(struct psrv *p, int sig)
{
	if (p->pidfd < 0 || p->reaped)
		return;
	if (syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0) < 0 &&
	    errno != ESRCH)
		log_warn("session %s: cannot signal pppd (pid %ld): %s", p->tag,
		    (long)p->pid, strerror(errno));
}

/* Report the end of the PPP side once, after pppd's reap. */
static void
psrv_report_gone(struct psrv *p)
{
	char why[160], st[96];
	enum link_end end;

	if (p->gone_reported || !p->reaped)
		return;
	p->gone_reported = true;
	evtimer_del(p->kill_timer);
	pppd_exit_string(p->status, st, sizeof st);
	snprintf(why, sizeof why, "pppd exited: %s", st);
	end = pppd_exit_end(p->status, p->term_sent);
	/*
	 * pppd sent its Failure (PAP Nak, CHAP/EAP Failure): the refused login
	 * is the cause even when the client's Call Disconnect outran pppd's
	 * own exit (status 11) and we stopped it with a signal.
	 */
	if (p->refused && !p->authed) {
		end = LINK_END_AUTH;
		snprintf(why, sizeof why, "authentication failed: pppd "
		    "refused the login (pppd exited: %s)", st);
	}
	log_debug("session %s: pppd (pid %ld) %s", p->tag, (long)p->pid, st);
	UP(p)->gone(UPARG(p), end, why);
}

/* Close the pty master (pppd sees a hangup). */
static void
psrv_close_pty(struct psrv *p)
{
	if (p->rev != NULL)
		event_del(p->rev);
	if (p->wev != NULL)
		event_del(p->wev);
	if (p->master >= 0)
		close(p->master);
	p->master = -1;
	p->eof = true;
}

/* The pidfd is readable: pppd has exited; reap it, then report. */
static void
psrv_pid_cb(evutil_socket_t fd, short what, void *arg)
{
	struct psrv *p = arg;
	siginfo_t si;

	memset(&si, 0, sizeof si);
	if (waitid(P_PIDFD, (id_t)p->pidfd, &si, WEXITED | WNOHANG) < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		log_warn("session %s: waitid on pppd (pid %ld): %s", p->tag,
		    (long)p->pid, strerror(errno));
		p->status = W_EXITCODE(1, 0);	/* ECHILD: someone reaped it */
	} else if (si.si_pid == 0)
		return;				/* not yet */
	else if (si.si_code == CLD_EXITED)
		p->status = W_EXITCODE(si.si_status & 0xff, 0);
	else
		p->status = W_EXITCODE(0, si.si_status & 0x7f);
	p->reaped = true;
	event_del(p->pidev);
	/* pppd's last frames (its Terminate-Ack) may still be in the pty. */
	if (!p->eof && p->master >= 0)
		psrv_read_cb(p->master, EV_READ, p);
	psrv_close_pty(p);
	psrv_report_gone(p);
}

/* Send one of pppd's frames to the server (the session gates it). */
static void
psrv_to_server(struct psrv *p, const uint8_t *f, size_t len)
{
	int r;

	pty_hdlc_watch_accm(&p->ph, f, len, false);
	/* pppd's Success (PAP Ack, CHAP/EAP Success): the name is its. */
	if (!p->authed) {
		switch (ppp_snoop_frame(&p->snoop, f, len, true)) {
		case PPP_SNOOP_AUTH_SUCCESS:
			p->authed = true;
			break;
		case PPP_SNOOP_AUTH_FAILURE:
			p->refused = true;
			break;
		default:
			break;
		}
	}
	r = UP(p)->to_server(UPARG(p), f, len);
	if (r == 0)
		p->bytes_out += len;
	else {
		p->dropped_out++;
		log_debug("session %s: frame from pppd not sent (%s)", p->tag,
		    strerror(-r));
	}
}

/* Stop reading pppd while the server stream is full. */
static void
psrv_update(struct psrv *p)
{
	if (p->eof || p->rev == NULL)
		return;
	if (p->ppp_started && UP(p)->server_full(UPARG(p))) {
		if (!p->rx_paused)
			event_del(p->rev);
		p->rx_paused = true;
	} else if (p->rx_paused) {
		p->rx_paused = false;
		event_add(p->rev, NULL);
	}
}

/* Read pppd's bytes (one read per wake-up, as the client's link). */
static void
psrv_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct psrv *p = arg;
	struct hdlc_frame fr;
	struct bcur in;
	size_t got = 0;
	ssize_t n;
	bool gone = false;

	do
		n = read(p->master, p->rx, PSRV_RX_SIZE);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		got = (size_t)n;
	else	/* 0 or EIO on a pty master: the last slave fd closed. */
		gone = n == 0 || errno != EAGAIN;
	if (got > 0 && !p->pppd_ready) {
		/*
		 * XX: pppd flushes the tty's input when it sets the line up,
		 * so what we write before its first bytes may be lost; its
		 * first frame shows the line is ready (as in pppd_link.c).
		 */
		p->pppd_ready = true;
		if (pty_hdlc_pending(&p->ph) > 0)
			event_add(p->wev, NULL);
	}
	in = bcur_make(p->rx, got);
	while (hdlc_decode(&p->ph.dec, &in, &fr) == 1) {
		if (p->hung_up)
			continue;
		if (!p->ppp_started)
			pty_hdlc_hold(&p->ph, fr.data, fr.len);
		else
			psrv_to_server(p, fr.data, fr.len);
	}
	if (gone) {
		/* pppd is exiting; the pidfd tells when it is gone. */
		log_debug("session %s: pppd's pty closed", p->tag);
		p->eof = true;
		event_del(p->rev);
		return;
	}
	psrv_update(p);
}

/* Write the queued HDLC bytes to pppd. */
static void
psrv_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct psrv *p = arg;

	(void)pty_hdlc_flush(&p->ph, p->master);
	if (pty_hdlc_pending(&p->ph) == 0)
		event_del(p->wev);
	if (pty_hdlc_pending(&p->ph) < PTY_HDLC_TX_LOW)
		UP(p)->pause_server(UPARG(p), false);
}

/* link_ops.from_server: a gated PPP frame from the client for pppd. */
static int
psrv_from_server(struct link *l, const uint8_t *frame, size_t len)
{
	struct psrv *p = PSRV(l);
	int r;

	if (p->master < 0 || p->hung_up)
		return -EPIPE;
	pty_hdlc_watch_accm(&p->ph, frame, len, true);
	/* The name pppd authenticates: the last one given before success. */
	if (!p->authed)
		(void)ppp_snoop_peer_name(frame, len, p->peer_name,
		    sizeof p->peer_name);
	if ((r = pty_hdlc_queue(&p->ph, frame, len)) < 0)
		return r;
	p->bytes_in += len;
	if (pty_hdlc_pending(&p->ph) > PTY_HDLC_TX_HIGH)
		UP(p)->pause_server(UPARG(p), true);
	if (p->pppd_ready)
		event_add(p->wev, NULL);
	return 0;
}

/* link_ops.ppp_start: forward what pppd sent before PPP could flow. */
static void
psrv_ppp_start(struct link *l)
{
	struct psrv *p = PSRV(l);
	size_t i;

	p->ppp_started = true;
	for (i = 0; i < p->ph.nheld; i++)
		psrv_to_server(p, p->ph.held[i].data, p->ph.held[i].len);
	p->ph.nheld = 0;
	psrv_update(p);
}

/* link_ops.server_drained: resume reading pppd. */
static void
psrv_server_drained(struct link *l)
{
	psrv_update(PSRV(l));
}

/* pppd outlived SIGTERM by the grace time: SIGKILL. */
static void
psrv_kill_cb(evutil_socket_t fd, short what, void *arg)
{
	struct psrv *p = arg;

	if (p->reaped || p->kill_sent)
		return;
	log_warn("session %s: pppd (pid %ld) did not exit %u ms after "
	    "SIGTERM: killing it", p->tag, (long)p->pid, p->grace_ms);
	p->kill_sent = true;
	psrv_signal(p, SIGKILL);
}

/*
 * link_ops.stop: SIGTERM now, SIGKILL after the grace time.  An orderly
 * stop lets pppd's LCP Terminate-Request reach the client; a hangup
 * drops pppd's frames and closes the pty, so pppd ends at once.
 */
static void
psrv_stop(struct link *l, enum link_stop how)
{
	struct psrv *p = PSRV(l);
	struct timeval tv = { p->grace_ms / 1000,
	    (p->grace_ms % 1000) * 1000 };

	if (p->pid <= 0 || p->reaped)
		return;
	if (how == LINK_STOP_HANGUP && !p->hung_up) {
		p->hung_up = true;
		psrv_close_pty(p);
	}
	if (p->term_sent)
		return;
	p->term_sent = true;
	log_debug("session %s: stopping pppd (pid %ld)", p->tag,
	    (long)p->pid);
	psrv_signal(p, SIGTERM);
	evtimer_add(p->kill_timer, &tv);
}

/* link_ops.done: nothing of pppd is left once it was reaped (or never ran). */
static bool
psrv_done(const struct link *l)
{
	const struct psrv *p = PSRV(l);

	return p->pid <= 0 || p->gone_reported;
}

/* link_ops.child_pid: pppd until it was reaped. */
static pid_t
psrv_child_pid(const struct link *l)
{
	const struct psrv *p = PSRV(l);

	return p->pid > 0 && !p->reaped ? p->pid : 0;
}

/* link_ops.sock_path: the key socket (removed by free, too). */
static const char *
psrv_sock_path(const struct link *l)
{
	const struct psrv *p = PSRV(l);

	return p->ps != NULL ? plugin_sock_path(p->ps) : NULL;
}

/* link_ops.stats */
static void
psrv_stats(const struct link *l, uint64_t *to_server, uint64_t *from_server)
{
	const struct psrv *p = PSRV(l);

	*to_server = p->bytes_out;
	*from_server = p->bytes_in;
}

/* --- the plugin's key report --------------------------------------------- */

/*
 * AUTH from the plugin in pppd: pppd's keys are the server's; the client's
 * send key is pppd's receive key (RFC 3079 3.3, ppp/auth_keys.h).
 */
static void
psrv_plugin_keys(void *arg, const struct ppp_auth_keys *k)
{
	struct psrv *p = arg;
	struct ppp_auth_keys c;

	if (p->keys_reported) {
		log_debug("session %s: second key report from pppd ignored",
		    p->tag);
		return;
	}
	p->keys_reported = true;
	p->authed = true;
	memset(&c, 0, sizeof c);
	c.send_len = k->recv_len;
	memcpy(c.send, k->recv, k->recv_len);
	c.recv_len = k->send_len;
	memcpy(c.recv, k->send, k->send_len);
	UP(p)->auth_done(UPARG(p), &c, c.send_len > 0 ?
	    "MPPE keys from pppd's plugin" :
	    "pppd's plugin: no key material (PAP, CHAP-MD5): zero HLAK");
	ppp_auth_keys_clear(&c);
}

const char *
pppdsrv_link_user(const struct link *l)
{
	const struct psrv *p = (const struct psrv *)(const void *)l;

	return p->authed && p->peer_name[0] != '\0' ? p->peer_name : NULL;
}

/* ADDR (NetworkManager's plugin asks it on a client): not on a server. */
static int
psrv_plugin_server_addr(void *arg, const char **name,
    const struct sockaddr **sa, socklen_t *salen)
{
	return -ENOTCONN;
}

static const struct plugin_sock_ops psrv_plugin_ops = {
	.keys = psrv_plugin_keys,
	.server_addr = psrv_plugin_server_addr,
};

/* --- start ---------------------------------------------------------------- */

/* "<local>:<remote>" as pppd(8) takes it; an address 0 is left out. */
static void
psrv_addr_word(char *buf, size_t len, uint32_t local4, uint32_t peer4)
{
	char l[INET_ADDRSTRLEN] = "", r[INET_ADDRSTRLEN] = "";

	if (local4 != 0)
		inet_ntop(AF_INET, &local4, l, sizeof l);
	if (peer4 != 0)
		inet_ntop(AF_INET, &peer4, r, sizeof r);
	snprintf(buf, len, "%s:%s", l, r);
}

/* Fork and exec pppd on the pty slave; the pidfd watches it. */
static int
psrv_spawn(struct psrv *p, const char *tty, int slave, char *err,
    size_t errlen)
{
	char addrs[2 * INET_ADDRSTRLEN + 2];
	const char *argv[PSRV_ARGV_MAX];
	size_t n = 0, i;
	pid_t pid;

	argv[n++] = p->pppd_path;
	argv[n++] = tty;
	argv[n++] = "nodetach";
	argv[n++] = "auth";
	if (p->options_file != NULL) {
		argv[n++] = "file";
		argv[n++] = p->options_file;
	}
	psrv_addr_word(addrs, sizeof addrs, p->local4, p->peer4);
	if (strcmp(addrs, ":") != 0)
		argv[n++] = addrs;
	if (p->client_addr != NULL) {
		argv[n++] = "remotenumber";
		argv[n++] = p->client_addr;
	}
	argv[n++] = "ipparam";
	argv[n++] = p->tag;
	argv[n++] = "nodefaultroute";
	if (p->plugin_path != NULL) {
		argv[n++] = "plugin";
		argv[n++] = p->plugin_path;
		argv[n++] = "sstp-sock";
		argv[n++] = plugin_sock_path(p->ps);
	}
	argv[n] = NULL;
	if (log_enabled(LOG_LVL_DEBUG))
		for (i = 0; i < n; i++)	/* no secret: pppd reads its files */
			log_debug("session %s: pppd argv[%zu] = %s", p->tag, i,
			    argv[i]);
	/* execv takes char *const[]; nothing writes the strings. */
	pid = pppd_spawn((char *const *)(uintptr_t)argv, slave, -1, NULL);
	if (pid < 0) {
		snprintf(err, errlen, "cannot start %s: %s", p->pppd_path,
		    strerror((int)-pid));
		return -1;
	}
	p->pid = pid;
	p->pidfd = psrv_pidfd_open(pid);
	if (p->pidfd < 0) {
		int e = errno;

		/* Without a pidfd nothing would reap it: end it now. */
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		p->pid = 0;
		snprintf(err, errlen, "pidfd_open: %s (Linux 5.4 or later "
		    "is needed)", strerror(e));
		return -1;
	}
	p->pidev = event_new(p->base, p->pidfd, EV_READ | EV_PERSIST,
	    psrv_pid_cb, p);
	if (p->pidev == NULL || event_add(p->pidev, NULL) < 0) {
		snprintf(err, errlen, "cannot watch pppd: out of memory");
		return -1;
	}
	log_info("session %s: pppd (pid %ld) on %s", p->tag, (long)pid, tty);
	return 0;
}

/*
 * link_ops.start: the key socket, the pty, pppd.  LINK_END_INTERNAL for
 * the socket (a local resource), LINK_END_PPP when pppd cannot run.
 */
static enum link_end
psrv_start(struct link *l, char *err, size_t errlen)
{
	struct psrv *p = PSRV(l);
	char tty[128], file[PSRV_TAG_MAX + 16];
	int slave = -1, r;

	if (p->plugin_path != NULL) {
		snprintf(file, sizeof file, "sstpd-%s", p->tag);
		p->ps = plugin_sock_listen(p->base, p->sock_dir, 0700, file,
		    &psrv_plugin_ops, p, err, errlen);
		if (p->ps == NULL)
			return LINK_END_INTERNAL;
	} else
		log_warn("session %s: no pppd plugin: pppd's MPPE keys cannot "
		    "reach sstpd for the crypto binding", p->tag);
	r = pppd_open_pty(&p->master, &slave, tty, sizeof tty);
	if (r < 0) {
		p->master = -1;
		snprintf(err, errlen, "cannot open a pty: %s", strerror(-r));
		return LINK_END_PPP;
	}
	p->rev = event_new(p->base, p->master, EV_READ | EV_PERSIST,
	    psrv_read_cb, p);
	p->wev = event_new(p->base, p->master, EV_WRITE | EV_PERSIST,
	    psrv_write_cb, p);
	if (p->rev == NULL || p->wev == NULL) {
		close(slave);
		snprintf(err, errlen, "out of memory");
		return LINK_END_INTERNAL;
	}
	r = psrv_spawn(p, tty, slave, err, errlen);
	/* pppd holds the slave now: EOF on the master = pppd gone. */
	close(slave);
	if (r < 0)
		return LINK_END_PPP;
	event_add(p->rev, NULL);
	return LINK_END_OK;
}

/* link_ops.free: never leaves pppd running or a zombie behind. */
static void
psrv_free(struct link *l)
{
	struct psrv *p = PSRV(l);
	siginfo_t si;

	if (p == NULL)
		return;
	if (p->pid > 0 && !p->reaped && p->pidfd >= 0) {
		log_warn("session %s: pppd (pid %ld) still running at the "
		    "end: killing it", p->tag, (long)p->pid);
		psrv_signal(p, SIGKILL);
		while (waitid(P_PIDFD, (id_t)p->pidfd, &si, WEXITED) < 0 &&
		    errno == EINTR)
			;
		p->reaped = true;
	}
	if (p->pidev != NULL)
		event_free(p->pidev);
	if (p->pidfd >= 0)
		close(p->pidfd);
	psrv_close_pty(p);
	if (p->rev != NULL)
		event_free(p->rev);
	if (p->wev != NULL)
		event_free(p->wev);
	if (p->kill_timer != NULL)
		event_free(p->kill_timer);
	plugin_sock_free(p->ps);
	pty_hdlc_free(&p->ph);
	free(p->rx);
	free(p->pppd_path);
	free(p->options_file);
	free(p->plugin_path);
	free(p->sock_dir);
	free(p->client_addr);
	free(p);
}

static const struct link_ops psrv_link_ops = {
	.name = "pppd (server)",
	.start = psrv_start,
	.ppp_start = psrv_ppp_start,
	.from_server = psrv_from_server,
	.server_drained = psrv_server_drained,
	.stop = psrv_stop,
	.done = psrv_done,
	.child_pid = psrv_child_pid,
	.sock_path = psrv_sock_path,
	.stats = psrv_stats,
	.free = psrv_free,
};

/* A copy of s (NULL stays NULL); false when out of memory. */
static bool
psrv_dup(char **dst, const char *s)
{
	*dst = s != NULL ? strdup(s) : NULL;
	return s == NULL || *dst != NULL;
}

/*
 * The session id as it goes into the socket name and ipparam: letters,
 * digits, '-' and '_' kept, anything else '_', at most PSRV_TAG_MAX.
 */
static void
psrv_make_tag(char *tag, const char *sid, const void *self)
{
	size_t i;

	if (sid == NULL || sid[0] == '\0') {
		snprintf(tag, PSRV_TAG_MAX + 1, "%ld-%lx", (long)getpid(),
		    (unsigned long)(uintptr_t)self);
		return;
	}
	for (i = 0; i < PSRV_TAG_MAX && sid[i] != '\0'; i++) {
		unsigned char c = (unsigned char)sid[i];

		tag[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ?
		    (char)c : '_';
	}
	tag[i] = '\0';
}

struct link *
pppdsrv_link_new(struct event_base *base, const struct pppdsrv_conf *conf,
    const struct link_up *up, void *up_arg)
{
	struct psrv *p;

	p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;
	p->link.ops = &psrv_link_ops;
	p->link.up = up;
	p->link.up_arg = up_arg;
	p->base = base;
	p->master = p->pidfd = -1;
	p->local4 = conf->local4;
	p->peer4 = conf->peer4;
	p->grace_ms = conf->kill_grace_ms != 0 ? conf->kill_grace_ms :
	    PSRV_GRACE_DEFAULT_MS;
	psrv_make_tag(p->tag, conf->session_id, p);
	p->rx = malloc(PSRV_RX_SIZE);
	p->kill_timer = evtimer_new(base, psrv_kill_cb, p);
	if (pty_hdlc_init(&p->ph) < 0 || p->rx == NULL ||
	    p->kill_timer == NULL ||
	    !psrv_dup(&p->pppd_path, conf->pppd_path != NULL ?
	    conf->pppd_path : "/usr/sbin/pppd") ||
	    !psrv_dup(&p->options_file, conf->options_file) ||
	    !psrv_dup(&p->plugin_path, conf->plugin_path) ||
	    !psrv_dup(&p->sock_dir, conf->sock_dir != NULL ?
	    conf->sock_dir : SSTPC_RUNTIME_DIR) ||
	    !psrv_dup(&p->client_addr, conf->client_addr)) {
		psrv_free(&p->link);
		return NULL;
	}
	return &p->link;
}
