/*
 * test_pppd_link.c - the pppd link (link/pppd/pppd_link.c) driven through
 * link/link.h against a fake session that records every up-call.
 *
 * pty mode as pppd runs it (`pty "sstpc --nolaunchpppd ..."`): the master
 * of a real pty pair is put on fds 0 and 1, and the test plays pppd on the
 * slave with the HDLC codec (wire/hdlc.h).  The plugin socket is faked
 * below (plugin_sock_new/_path/_free), so no root and no runtime directory
 * are needed and the test reports the plugin's AUTH keys itself through
 * the ops the link hands over.  Cases: frames held until ppp_start; HDLC
 * toward pppd with the send ACCM of RFC 1662 7.1; back-pressure both ways;
 * keys from the plugin and from snooping, reported once; the ends (pty
 * closed, hangup, orderly stop and its 2 s grace).  Launch mode, with tiny
 * shell scripts as pppd: pppd(8)'s exit status mapped onto enum link_end,
 * the SIGTERM of an orderly stop, the hangup.
 *
 * Nothing reaches stdout while fds 0 and 1 are the pty: TEST_DONE runs
 * after rig_close.  Every wait is bounded (run_until).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <event2/event.h>

#include "crypto/ms_funcs.h"
#include "link/link.h"
#include "link/pppd/plugin_sock.h"
#include "link/pppd/pppd_link.h"
#include "link/pppd/pppd_spawn.h"
#include "ppp/proto.h"
#include "util/buf.h"
#include "util/clock.h"
#include "wire/hdlc.h"
#include "harness.h"

#define REC_MAX		64		/* frames kept with their bytes */
#define REC_FRAME	(HDLC_MAX_FRAME + 8)
/* pty_hdlc.h: the server is paused above 24 KiB queued toward pppd. */
#define LINK_TX_HIGH	(24 * 1024)
#define LINK_HOLD_MAX	16		/* pppd_link.c: frames held */
#define LINK_GRACE_MS	2000		/* pppd_link.c: pty-mode grace */

struct rec {
	size_t	len;
	uint8_t	data[REC_FRAME];
};

/* --- the fake session: a struct link_up recording what it is told ------ */

struct fake_sess {
	struct rec		 to_srv[REC_MAX];
	size_t			 n_to_srv;	/* every call, even past REC_MAX */
	bool			 full;		/* server_full()'s answer */
	int			 full_calls;
	int			 pause_true;	/* pause_server(true) calls */
	int			 pause_false_after_true;
	bool			 paused;	/* the last value asked for */
	int			 auth_calls;
	struct ppp_auth_keys	 keys;
	char			 how[160];
	int			 fail_calls;
	int			 gone_calls;
	enum link_end		 gone_end;
	char			 gone_why[200];
	int			 sig_calls;
	pid_t			 sig_pid;
	int			 sig_last;
	int			 addr_calls;
};

static struct fake_sess S;
static struct sockaddr_in srv_sin;
static const char srv_name[] = "vpn.example.test";

/* link_up.to_server: keep the frame (the first REC_MAX), count all. */
static int
up_to_server(void *arg, const uint8_t *f, size_t len)
{
	struct fake_sess *s = arg;

	if (s->n_to_srv < REC_MAX && len <= REC_FRAME) {
		memcpy(s->to_srv[s->n_to_srv].data, f, len);
		s->to_srv[s->n_to_srv].len = len;
	}
	s->n_to_srv++;
	return 0;
}

/* link_up.server_full: what the test set in S.full. */
static bool
up_server_full(void *arg)
{
	struct fake_sess *s = arg;

	s->full_calls++;
	return s->full;
}

/* link_up.pause_server: count the asks; S.paused is the last one. */
static void
up_pause_server(void *arg, bool pause)
{
	struct fake_sess *s = arg;

	if (pause)
		s->pause_true++;
	else if (s->pause_true > 0)
		s->pause_false_after_true++;
	s->paused = pause;
}

/* link_up.auth_done: keep the last keys and words. */
static void
up_auth_done(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	struct fake_sess *s = arg;

	s->auth_calls++;
	s->keys = *k;
	snprintf(s->how, sizeof s->how, "%s", how);
}

/* link_up.fail: counted (only --eap-auth fails this way). */
static void
up_fail(void *arg, enum link_end end, const char *msg)
{
	struct fake_sess *s = arg;

	s->fail_calls++;
}

/* link_up.gone: count, keep the end and the words. */
static void
up_gone(void *arg, enum link_end end, const char *why)
{
	struct fake_sess *s = arg;

	s->gone_calls++;
	s->gone_end = end;
	snprintf(s->gone_why, sizeof s->gone_why, "%s", why);
}

/* The monitor's part: signal the child for real (launch mode). */
static int
up_signal_child(void *arg, pid_t pid, int sig)
{
	struct fake_sess *s = arg;

	s->sig_calls++;
	s->sig_pid = pid;
	s->sig_last = sig;
	return pid > 0 && kill(pid, sig) == 0 ? 0 : -errno;
}

/* link_up.server_addr: a documentation address (RFC 5737). */
static int
up_server_addr(void *arg, const char **name, const struct sockaddr **sa,
    socklen_t *salen)
{
	struct fake_sess *s = arg;

	s->addr_calls++;
	*name = srv_name;
	*sa = (const struct sockaddr *)(const void *)&srv_sin;
	*salen = sizeof srv_sin;
	return 0;
}

static const struct link_up fake_up = {
	.to_server = up_to_server,
	.server_full = up_server_full,
	.pause_server = up_pause_server,
	.auth_done = up_auth_done,
	.fail = up_fail,
	.gone = up_gone,
	.signal_child = up_signal_child,
	.server_addr = up_server_addr,
};

/* --- the fake plugin socket (link/pppd/plugin_sock.h) ------------------- */

struct plugin_sock {
	const struct plugin_sock_ops	*ops;
	void				*arg;
	char				 name[64];
	char				 path[96];
};

static struct plugin_sock *fake_ps;	/* the link's, while it lives */
static int fake_ps_new_calls;
static bool fake_ps_refuse;

/* The link's plugin socket: nothing bound, the ops kept for the test. */
struct plugin_sock *
plugin_sock_new(struct event_base *base, const char *name,
    const struct plugin_sock_ops *ops, void *arg, char *err, size_t errlen)
{
	struct plugin_sock *ps;

	fake_ps_new_calls++;
	if (fake_ps_refuse) {
		snprintf(err, errlen, "fake plugin socket refused");
		return NULL;
	}
	ps = calloc(1, sizeof *ps);
	if (ps == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ps->ops = ops;
	ps->arg = arg;
	snprintf(ps->name, sizeof ps->name, "%s", name);
	snprintf(ps->path, sizeof ps->path, "/fake-run/sstpc-%s", name);
	fake_ps = ps;
	return ps;
}

/* A path that exists nowhere: nothing may open it. */
const char *
plugin_sock_path(const struct plugin_sock *ps)
{
	return ps->path;
}

/* Forget the link's socket. */
void
plugin_sock_free(struct plugin_sock *ps)
{
	if (ps == NULL)
		return;
	if (ps == fake_ps)
		fake_ps = NULL;
	free(ps);
}

/* The plugin's AUTH message, as plugin_sock.c reports it. */
static void
plugin_report(const struct ppp_auth_keys *k)
{
	ASSERT_PTR_NOT_NULL(fake_ps);
	if (fake_ps != NULL)
		fake_ps->ops->keys(fake_ps->arg, k);
}

/* --- the rig: a link, its event base and pppd's end of the pty --------- */

struct rig {
	struct event_base	*base;
	struct event		*tick;
	struct link		*l;
	struct pppd_link_conf	 conf;
	bool			 pty;		/* fds 0 and 1 are swapped */
	int			 slave;		/* pppd's end */
	int			 saved_in, saved_out;
	bool			 pump;		/* pppd reads while waiting */
	size_t			 want;		/* for the run_until conditions */
	struct hdlc_enc		 enc;		/* pppd's encoder */
	struct hdlc_dec		 dec;		/* pppd's decoder */
	uint8_t			 dec_buf[HDLC_MAX_FRAME + 64];
	uint8_t			*raw;		/* bytes pppd read */
	size_t			 raw_len, raw_cap;
	struct rec		*pf;		/* frames pppd decoded */
	size_t			 n_pf, pf_cap;
};

static const struct pppd_link_conf conf_pty = { .launch = false };

/* Only wakes the loop (spin). */
static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
}

/* A fresh session record and plugin socket state for a case. */
static void
fake_reset(void)
{
	memset(&S, 0, sizeof S);
	fake_ps_new_calls = 0;
	fake_ps_refuse = false;
	memset(&srv_sin, 0, sizeof srv_sin);
	srv_sin.sin_family = AF_INET;
	srv_sin.sin_port = htons(443);
	srv_sin.sin_addr.s_addr = htonl(0xc0000201);	/* 192.0.2.1 */
}

/* A base and a link with conf; pty mode also swaps a pty onto fds 0, 1. */
static int
rig_open(struct rig *r, const struct pppd_link_conf *conf)
{
	char err[256], tty[128];
	int m, fl;

	memset(r, 0, sizeof *r);
	r->slave = r->saved_in = r->saved_out = -1;
	fake_reset();
	r->base = event_base_new();
	ASSERT_PTR_NOT_NULL(r->base);
	if (r->base == NULL)
		return -1;
	r->tick = evtimer_new(r->base, tick_cb, NULL);
	hdlc_enc_init(&r->enc, HDLC_ACCM_ALL);
	if (hdlc_dec_init(&r->dec, r->dec_buf, sizeof r->dec_buf, 0, 0) < 0)
		return -1;
	r->conf = *conf;
	if (!conf->launch) {
		ASSERT_INT_EQ(pppd_open_pty(&m, &r->slave, tty, sizeof tty), 0);
		if (r->slave < 0)
			return -1;
		fl = fcntl(r->slave, F_GETFL);
		fcntl(r->slave, F_SETFL, fl | O_NONBLOCK);
		/* Nothing buffered may reach the pty later. */
		fflush(stdout);
		fflush(stderr);
		r->saved_in = dup(STDIN_FILENO);
		r->saved_out = dup(STDOUT_FILENO);
		r->pty = true;		/* rig_close gives them back */
		if (dup2(m, STDIN_FILENO) < 0 || dup2(m, STDOUT_FILENO) < 0) {
			ASSERT_TRUE(!"dup2 onto fds 0 and 1");
			close(m);
			return -1;
		}
		close(m);
	}
	r->l = pppd_link_new(r->base, &r->conf, &fake_up, &S);
	ASSERT_PTR_NOT_NULL(r->l);
	if (r->l == NULL)
		return -1;
	err[0] = '\0';
	if (link_start(r->l, err, sizeof err) != LINK_END_OK) {
		TH_CHECK(0, "link_start: %s", err);
		return -1;
	}
	return 0;
}

/* Free the link and its base; give fds 0 and 1 back. */
static void
rig_close(struct rig *r)
{
	link_free(r->l);
	r->l = NULL;
	if (r->tick != NULL)
		event_free(r->tick);
	if (r->base != NULL)
		event_base_free(r->base);
	if (r->pty) {
		if (r->saved_in >= 0) {
			dup2(r->saved_in, STDIN_FILENO);
			close(r->saved_in);
		} else
			close(STDIN_FILENO);
		if (r->saved_out >= 0) {
			dup2(r->saved_out, STDOUT_FILENO);
			close(r->saved_out);
		} else
			close(STDOUT_FILENO);
	}
	if (r->slave >= 0)
		close(r->slave);
	free(r->pf);
	free(r->raw);
	memset(r, 0, sizeof *r);
}

/* One turn of the loop, waiting at most ms for something to happen. */
static void
spin(struct rig *r, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(r->tick, &tv);
	event_base_loop(r->base, EVLOOP_ONCE);
	evtimer_del(r->tick);
}

/* Keep one frame pppd decoded. */
static void
pf_add(struct rig *r, const uint8_t *f, size_t len)
{
	struct rec *n;

	if (r->n_pf == r->pf_cap) {
		size_t cap = r->pf_cap ? r->pf_cap * 2 : 16;

		n = realloc(r->pf, cap * sizeof *n);
		ASSERT_PTR_NOT_NULL(n);
		if (n == NULL)
			return;
		r->pf = n;
		r->pf_cap = cap;
	}
	r->pf[r->n_pf].len = len;
	memcpy(r->pf[r->n_pf].data, f, len <= REC_FRAME ? len : REC_FRAME);
	r->n_pf++;
}

/* pppd reads what the link wrote to the pty: raw bytes and frames. */
static void
pppd_read(struct rig *r)
{
	uint8_t buf[8192];
	struct hdlc_frame fr;
	struct bcur c;
	ssize_t n;

	for (;;) {
		n = read(r->slave, buf, sizeof buf);
		if (n <= 0)
			break;
		if (r->raw_len + (size_t)n > r->raw_cap) {
			size_t cap = (r->raw_len + (size_t)n) * 2;
			uint8_t *p = realloc(r->raw, cap);

			ASSERT_PTR_NOT_NULL(p);
			if (p == NULL)
				return;
			r->raw = p;
			r->raw_cap = cap;
		}
		memcpy(r->raw + r->raw_len, buf, (size_t)n);
		r->raw_len += (size_t)n;
		c = bcur_make(buf, (size_t)n);
		while (hdlc_decode(&r->dec, &c, &fr) == 1)
			pf_add(r, fr.data, fr.len);
	}
}

/* pppd writes frames to the pty, HDLC-encoded, in one write. */
static void
pppd_write_n(struct rig *r, const uint8_t *const *f, const size_t *len,
    size_t n)
{
	static uint8_t buf[64 * 1024];
	struct wbuf w;
	size_t i, off = 0;
	ssize_t k;

	wbuf_init(&w, buf, sizeof buf);
	for (i = 0; i < n; i++)
		ASSERT_INT_EQ(hdlc_encode(&r->enc, &w, f[i], len[i]), 0);
	while (off < w.len) {
		k = write(r->slave, buf + off, w.len - off);
		if (k < 0 && errno == EINTR)
			continue;
		TH_CHECK(k > 0, "write to the pty: %s", strerror(errno));
		if (k <= 0)
			return;
		off += (size_t)k;
	}
}

static void
pppd_write(struct rig *r, const uint8_t *f, size_t len)
{
	pppd_write_n(r, &f, &len, 1);
}

/* Spin (pppd reading if r->pump) until cond(r) or ms pass. */
static bool
run_until(struct rig *r, bool (*cond)(const struct rig *), int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;

	for (;;) {
		if (r->pump)
			pppd_read(r);
		if (cond(r))
			return true;
		if (clock_now_ms() >= end)
			return false;
		spin(r, 5);
	}
}

/* run_until conditions, with r->want as the count. */
static bool
c_to_srv(const struct rig *r)
{
	return S.n_to_srv >= r->want;
}

static bool
c_pf(const struct rig *r)
{
	return r->n_pf >= r->want;
}

static bool
c_gone(const struct rig *r)
{
	return S.gone_calls > 0;
}

static bool
c_drained(const struct rig *r)
{
	return r->n_pf >= r->want && S.pause_false_after_true > 0 &&
	    !S.paused;
}

/* Bytes waiting in the pty for the link (fd 0 is the master). */
static int
pty_pending(void)
{
	int n = -1;

	if (ioctl(STDIN_FILENO, FIONREAD, &n) < 0)
		return -1;
	return n;
}

/*
 * Wait until the link has read everything pppd wrote: the bytes cross the
 * pty asynchronously, so first until fd 0 is readable, then until the
 * link has emptied it and it stayed empty for 20 ms.
 */
static bool
wait_link_read(struct rig *r, int ms)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	uint64_t end = clock_now_ms() + (uint64_t)ms, quiet = 0;

	if (poll(&p, 1, ms) != 1)
		return false;
	while (clock_now_ms() < end) {
		spin(r, 5);
		if (pty_pending() != 0 || poll(&p, 1, 0) != 0)
			quiet = 0;
		else if (quiet == 0)
			quiet = clock_now_ms();
		else if (clock_now_ms() - quiet >= 20)
			return true;
	}
	return false;
}

/* Spin for ms without any condition. */
static void
spin_for(struct rig *r, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;

	while (clock_now_ms() < end)
		spin(r, 5);
}

/* --- frames ------------------------------------------------------------- */

/*
 * A PPP frame: FF 03, the protocol, then n octets from seed: every value
 * (control characters, 7D, 7E) when ctl, else printable ones only.
 */
static size_t
mkframe(uint8_t *buf, uint16_t proto, unsigned seed, size_t n, bool ctl)
{
	size_t i;

	buf[0] = 0xff;
	buf[1] = 0x03;
	buf[2] = (uint8_t)(proto >> 8);
	buf[3] = (uint8_t)proto;
	for (i = 0; i < n; i++)
		buf[4 + i] = ctl ? (uint8_t)(seed * 7 + i) :
		    (uint8_t)(0x20 + (seed * 7 + i) % 0x5d);
	return 4 + n;
}

/* Async-HDLC form of a frame with a given send ACCM. */
static size_t
encode_with(uint32_t accm, const uint8_t *f, size_t len, uint8_t *out,
    size_t cap)
{
	struct hdlc_enc e;
	struct wbuf w;

	hdlc_enc_init(&e, accm);
	wbuf_init(&w, out, cap);
	if (hdlc_encode(&e, &w, f, len) < 0)
		return 0;
	return w.len;
}

/* True if any octet is a control character (would be escaped). */
static bool
has_ctl(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20)
			return true;
	return false;
}

/* A recorded frame is exactly f[0..len). */
static bool
rec_eq(const struct rec *a, const uint8_t *f, size_t len)
{
	return a->len == len && memcmp(a->data, f, len) == 0;
}

/*
 * The server sends one frame: pppd must decode the same bytes, and the
 * bytes on the pty must be its encoding with the given send ACCM.
 */
static void
server_sends(struct rig *r, const char *hex, uint32_t accm, const char *what)
{
	uint8_t f[256], want[600];
	size_t n = th_unhex(hex, f, sizeof f), wn;

	wn = encode_with(accm, f, n, want, sizeof want);
	r->raw_len = 0;
	r->want = r->n_pf + 1;
	r->pump = true;
	TH_CHECK(link_from_server(r->l, f, n) == 0, "%s: from_server", what);
	TH_CHECK(run_until(r, c_pf, 1000), "%s: pppd got nothing", what);
	if (r->n_pf == 0)
		return;
	TH_CHECK(rec_eq(&r->pf[r->n_pf - 1], f, n), "%s: decoded frame differs",
	    what);
	TH_CHECK(r->raw_len == wn && memcmp(r->raw, want, wn) == 0,
	    "%s: pty bytes are not the encoding with ACCM 0x%08x (%zu bytes, "
	    "%zu expected)", what, accm, r->raw_len, wn);
}

/* --- 1: held until ppp_start -------------------------------------------- */

/* Case 1: what pppd says before the Call Connect Ack. */
static void
test_hold(void)
{
	struct rig r;
	uint8_t f[5][64];
	const uint8_t *fp[5];
	size_t fl[5], i;
	uint64_t out, in, sum = 0;

	TEST_START("pty mode: pppd's frames held until ppp_start, then in "
	    "order; later ones straight through");
	if (rig_open(&r, &conf_pty) == 0) {
		/* pty mode always has the plugin socket (NetworkManager). */
		ASSERT_INT_EQ(fake_ps_new_calls, 1);
		ASSERT_PTR_NOT_NULL(fake_ps);
		if (fake_ps != NULL) {
			ASSERT_STR_EQ(fake_ps->name, "uds-sock");
			ASSERT_STR_EQ(link_sock_path(r.l), fake_ps->path);
		}
		ASSERT_INT_EQ(link_child_pid(r.l), 0);
		ASSERT_FALSE(link_done(r.l));
		for (i = 0; i < 5; i++) {
			fl[i] = mkframe(f[i], PPP_PROTO_IPCP, (unsigned)i,
			    20 + i, true);
			fp[i] = f[i];
			sum += fl[i];
		}
		pppd_write_n(&r, fp, fl, 3);
		ASSERT_TRUE(wait_link_read(&r, 1000));
		ASSERT_INT_EQ(S.n_to_srv, 0);		/* held */
		link_ppp_start(r.l);
		ASSERT_INT_EQ(S.n_to_srv, 3);		/* at once, in order */
		for (i = 0; i < 3 && i < S.n_to_srv; i++)
			TH_CHECK(rec_eq(&S.to_srv[i], f[i], fl[i]),
			    "held frame %zu differs", i);
		pppd_write(&r, f[3], fl[3]);
		r.want = 4;
		ASSERT_TRUE(run_until(&r, c_to_srv, 1000));
		pppd_write(&r, f[4], fl[4]);
		r.want = 5;
		ASSERT_TRUE(run_until(&r, c_to_srv, 1000));
		ASSERT_INT_EQ(S.n_to_srv, 5);
		for (i = 3; i < 5 && i < S.n_to_srv; i++)
			TH_CHECK(rec_eq(&S.to_srv[i], f[i], fl[i]),
			    "frame %zu differs", i);
		link_stats(r.l, &out, &in);
		ASSERT_INT_EQ(out, sum);
		ASSERT_INT_EQ(in, 0);
		ASSERT_INT_EQ(S.gone_calls, 0);
		ASSERT_INT_EQ(S.fail_calls, 0);
	}
	rig_close(&r);
	TEST_DONE();
}

/* Case 1: the hold is bounded. */
static void
test_hold_max(void)
{
	struct rig r;
	uint8_t f[LINK_HOLD_MAX + 4][32];
	const uint8_t *fp[LINK_HOLD_MAX + 4];
	size_t fl[LINK_HOLD_MAX + 4], i, n = LINK_HOLD_MAX + 4, skip = 4;

	TEST_START("pty mode: at most 16 frames held, the oldest dropped");
	if (rig_open(&r, &conf_pty) == 0) {
		for (i = 0; i < n; i++) {
			fl[i] = mkframe(f[i], PPP_PROTO_LCP, (unsigned)i, 12,
			    false);
			f[i][4] = 9;	/* LCP Echo-Request: not snooped */
			fp[i] = f[i];
		}
		pppd_write_n(&r, fp, fl, n);
		ASSERT_TRUE(wait_link_read(&r, 1000));
		ASSERT_INT_EQ(S.n_to_srv, 0);
		link_ppp_start(r.l);
		ASSERT_INT_EQ(S.n_to_srv, LINK_HOLD_MAX);
		for (i = 0; i < LINK_HOLD_MAX && i < S.n_to_srv; i++)
			TH_CHECK(rec_eq(&S.to_srv[i], f[skip + i], fl[skip + i]),
			    "held frame %zu is not pppd's frame %zu", i,
			    skip + i);
	}
	rig_close(&r);
	TEST_DONE();
}

/* --- 2: toward pppd, HDLC and the ACCM ---------------------------------- */

/* Case 2: frames from the server on pppd's line. */
static void
test_to_pppd(void)
{
	struct rig r;
	uint8_t f[3][HDLC_MAX_FRAME];
	size_t fl[3], i;
	uint64_t out, in;

	TEST_START("pty mode: server frames reach pppd HDLC-encoded, the same "
	    "bytes, every control character escaped by default");
	if (rig_open(&r, &conf_pty) == 0) {
		link_ppp_start(r.l);
		fl[0] = mkframe(f[0], 0x0021, 1, 300, true);
		fl[1] = mkframe(f[1], 0x0021, 2, HDLC_MAX_FRAME - 4, true);
		fl[2] = mkframe(f[2], PPP_PROTO_IPCP, 3, 10, true);
		for (i = 0; i < 3; i++)
			ASSERT_INT_EQ(link_from_server(r.l, f[i], fl[i]), 0);
		r.pump = true;
		r.want = 3;
		ASSERT_TRUE(run_until(&r, c_pf, 1000));
		ASSERT_INT_EQ(r.n_pf, 3);
		for (i = 0; i < 3 && i < r.n_pf; i++)
			TH_CHECK(rec_eq(&r.pf[i], f[i], fl[i]),
			    "frame %zu differs at pppd", i);
		ASSERT_FALSE(has_ctl(r.raw, r.raw_len));
		ASSERT_INT_EQ(r.dec.stats.bad_fcs, 0);
		link_stats(r.l, &out, &in);
		ASSERT_INT_EQ(in, fl[0] + fl[1] + fl[2]);
		ASSERT_INT_EQ(S.n_to_srv, 0);
	}
	rig_close(&r);
	TEST_DONE();
}

/* An IP frame with control characters in it (0x00..0x1f, 7D, 7E). */
static const char ip_ctl[] =
    "FF 03 00 21 45 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11"
    "12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F 20 7D 7E 7F FF";

/* Case 2: the send ACCM toward pppd follows LCP (RFC 1662 7.1). */
static void
test_accm(void)
{
	struct rig r;
	uint8_t f[64];
	size_t n;

	TEST_START("pty mode: RFC 1662 7.1 send ACCM toward pppd: the map "
	    "pppd asked for once acked, LCP Configure..Code-Reject always "
	    "escaped, renegotiation back to the full map");
	if (rig_open(&r, &conf_pty) == 0) {
		link_ppp_start(r.l);
		server_sends(&r, ip_ctl, HDLC_ACCM_ALL, "IP before LCP");
		/* pppd asks for ACCM 0 in ConfReq id 7 ... */
		n = th_unhex("FF 03 C0 21 01 07 00 10 02 06 00 00 00 00"
		    "05 06 11 22 33 44", f, sizeof f);
		pppd_write(&r, f, n);
		r.want = 1;
		ASSERT_TRUE(run_until(&r, c_to_srv, 1000));
		ASSERT_TRUE(S.n_to_srv == 1 && rec_eq(&S.to_srv[0], f, n));
		/* ... an Ack with another id does not apply it ... */
		server_sends(&r, "FF 03 C0 21 02 06 00 10 02 06 00 00 00 00"
		    "05 06 11 22 33 44", HDLC_ACCM_ALL, "ConfAck other id");
		server_sends(&r, ip_ctl, HDLC_ACCM_ALL, "IP after other Ack");
		/* ... the server's Ack of id 7 does, and goes fully escaped. */
		server_sends(&r, "FF 03 C0 21 02 07 00 10 02 06 00 00 00 00"
		    "05 06 11 22 33 44", HDLC_ACCM_ALL, "ConfAck id 7");
		server_sends(&r, ip_ctl, 0, "IP with ACCM 0");
		ASSERT_TRUE(has_ctl(r.raw, r.raw_len));
		/* LCP Echo (code 9) is not a Configure packet: ACCM 0. */
		server_sends(&r, "FF 03 C0 21 09 01 00 08 00 00 00 01", 0,
		    "LCP Echo-Request");
		/* Configure..Code-Reject always with the full map. */
		server_sends(&r, "FF 03 C0 21 05 02 00 04", HDLC_ACCM_ALL,
		    "LCP Terminate-Request");
		server_sends(&r, "C0 21 03 03 00 0A 02 06 00 00 00 00",
		    HDLC_ACCM_ALL, "LCP ConfNak without FF 03");
		server_sends(&r, "FF 03 C0 21 07 04 00 08 0C 01 00 04",
		    HDLC_ACCM_ALL, "LCP Code-Reject");
		server_sends(&r, ip_ctl, 0, "IP still with ACCM 0");
		/* A ConfReq from the server: renegotiation, full map again. */
		server_sends(&r, "FF 03 C0 21 01 21 00 08 01 04 05 DC",
		    HDLC_ACCM_ALL, "server ConfReq");
		server_sends(&r, ip_ctl, HDLC_ACCM_ALL, "IP after renegotiation");
		/* pppd asks for XON/XOFF only (0x000A0000) in id 8. */
		n = th_unhex("FF 03 C0 21 01 08 00 0A 02 06 00 0A 00 00", f,
		    sizeof f);
		pppd_write(&r, f, n);
		r.want = 2;
		ASSERT_TRUE(run_until(&r, c_to_srv, 1000));
		server_sends(&r, "FF 03 C0 21 02 08 00 0A 02 06 00 0A 00 00",
		    HDLC_ACCM_ALL, "ConfAck id 8");
		server_sends(&r, ip_ctl, 0x000a0000, "IP with ACCM 0x000A0000");
		ASSERT_INT_EQ(r.dec.stats.bad_fcs, 0);
	}
	rig_close(&r);
	TEST_DONE();
}

/* --- 3: back-pressure --------------------------------------------------- */

/* Case 3: toward the server. */
static void
test_server_full(void)
{
	struct rig r;
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	uint8_t f[3][128];
	size_t fl[3], i;

	TEST_START("pty mode: server_full stops reading pppd after a read; "
	    "server_drained resumes once it is false");
	if (rig_open(&r, &conf_pty) == 0) {
		for (i = 0; i < 3; i++)
			fl[i] = mkframe(f[i], 0x0021, (unsigned)i + 10, 100,
			    true);
		link_ppp_start(r.l);
		S.full = true;
		pppd_write(&r, f[0], fl[0]);
		r.want = 1;
		ASSERT_TRUE(run_until(&r, c_to_srv, 1000));
		ASSERT_INT_GE(S.full_calls, 1);
		/* B waits in the pty: the link does not read it. */
		pppd_write(&r, f[1], fl[1]);
		ASSERT_INT_EQ(poll(&p, 1, 1000), 1);
		spin_for(&r, 50);
		ASSERT_INT_EQ(S.n_to_srv, 1);
		ASSERT_INT_GE(pty_pending(), 1);
		/* Drained but still full: still not read. */
		link_server_drained(r.l);
		spin_for(&r, 30);
		ASSERT_INT_EQ(S.n_to_srv, 1);
		ASSERT_INT_GE(pty_pending(), 1);
		S.full = false;
		link_server_drained(r.l);
		r.want = 2;
		ASSERT_TRUE(run_until(&r, c_to_srv, 1000));
		pppd_write(&r, f[2], fl[2]);
		r.want = 3;
		ASSERT_TRUE(run_until(&r, c_to_srv, 1000));
		ASSERT_INT_EQ(S.n_to_srv, 3);
		for (i = 0; i < 3 && i < S.n_to_srv; i++)
			TH_CHECK(rec_eq(&S.to_srv[i], f[i], fl[i]),
			    "frame %zu differs", i);
	}
	rig_close(&r);
	TEST_DONE();
}

/* Case 3: toward pppd. */
static void
test_pause_server(void)
{
	static uint8_t f[1500], enc[4096];
	struct rig r;
	size_t fl = 0, i, sent = 0, handed = 0;
	int rc = 0;

	TEST_START("pty mode: pppd not reading pauses the server; draining "
	    "the pty resumes it, nothing lost");
	if (rig_open(&r, &conf_pty) == 0) {
		link_ppp_start(r.l);
		for (i = 0; i < 700 && S.pause_true == 0; i++) {
			fl = mkframe(f, 0x0021, (unsigned)i, 1400, false);
			rc = link_from_server(r.l, f, fl);
			if (rc != 0)
				break;
			sent++;
			handed += encode_with(HDLC_ACCM_ALL, f, fl, enc,
			    sizeof enc);
			spin(&r, 0);		/* the link writes the pty */
		}
		ASSERT_INT_EQ(rc, 0);
		ASSERT_INT_EQ(S.pause_true, 1);
		ASSERT_TRUE(S.paused);
		/* Only with more than the high mark queued. */
		ASSERT_INT_GE(handed, LINK_TX_HIGH);
		/* Not resumed while pppd still reads nothing. */
		spin_for(&r, 50);
		ASSERT_INT_EQ(S.pause_false_after_true, 0);
		ASSERT_TRUE(S.paused);
		/* pppd reads: resumed, and every frame arrived intact. */
		r.pump = true;
		r.want = sent;
		ASSERT_TRUE(run_until(&r, c_drained, 3000));
		ASSERT_FALSE(S.paused);
		ASSERT_INT_EQ(r.n_pf, sent);
		for (i = 0; i < r.n_pf; i++) {
			fl = mkframe(f, 0x0021, (unsigned)i, 1400, false);
			if (!rec_eq(&r.pf[i], f, fl)) {
				TH_CHECK(0, "frame %zu differs at pppd", i);
				break;
			}
		}
		ASSERT_INT_EQ(r.dec.stats.bad_fcs, 0);
	}
	rig_close(&r);
	TEST_DONE();
}

/* --- 4: keys ------------------------------------------------------------ */

/* Distinct, recognisable key material. */
static void
fill_keys(struct ppp_auth_keys *k, uint8_t seed, size_t len)
{
	size_t i;

	memset(k, 0, sizeof *k);
	k->send_len = k->recv_len = len;
	for (i = 0; i < len; i++) {
		k->send[i] = (uint8_t)(seed + i);
		k->recv[i] = (uint8_t)(seed ^ (0x5a + i));
	}
}

/* Same lengths and bytes. */
static bool
keys_eq(const struct ppp_auth_keys *a, const struct ppp_auth_keys *b)
{
	return a->send_len == b->send_len && a->recv_len == b->recv_len &&
	    memcmp(a->send, b->send, a->send_len) == 0 &&
	    memcmp(a->recv, b->recv, a->recv_len) == 0;
}

/* Case 4: the plugin socket's reports. */
static void
test_plugin_keys(void)
{
	struct rig r;
	struct pppd_link_conf c = conf_pty;
	struct ppp_auth_keys k1, k2;
	const struct sockaddr *sa = NULL;
	const char *name = NULL;
	socklen_t salen = 0;
	char err[128];
	struct event_base *base;
	struct link *l;

	TEST_START("pty mode: the plugin's AUTH keys make one auth_done, a "
	    "second report is ignored; ADDR goes to the session");
	c.ipparam = "vpn1";
	if (rig_open(&r, &c) == 0) {
		ASSERT_PTR_NOT_NULL(fake_ps);
		if (fake_ps != NULL)
			ASSERT_STR_EQ(fake_ps->name, "vpn1");
		link_ppp_start(r.l);
		fill_keys(&k1, 0x10, 16);
		fill_keys(&k2, 0x80, 16);
		plugin_report(&k1);
		ASSERT_INT_EQ(S.auth_calls, 1);
		ASSERT_TRUE(keys_eq(&S.keys, &k1));
		ASSERT_STR_EQ(S.how, "MPPE keys from the pppd plugin");
		plugin_report(&k2);
		ASSERT_INT_EQ(S.auth_calls, 1);
		ASSERT_TRUE(keys_eq(&S.keys, &k1));
		if (fake_ps != NULL)
			ASSERT_INT_EQ(fake_ps->ops->server_addr(fake_ps->arg,
			    &name, &sa, &salen), 0);
		ASSERT_INT_EQ(S.addr_calls, 1);
		ASSERT_TRUE(name == srv_name);
		ASSERT_TRUE(sa == (const struct sockaddr *)(const void *)
		    &srv_sin);
		ASSERT_INT_EQ(salen, sizeof srv_sin);
	}
	rig_close(&r);
	/* No key material (PAP through the plugin): a zero HLAK, once. */
	if (rig_open(&r, &conf_pty) == 0) {
		memset(&k1, 0, sizeof k1);
		fill_keys(&k2, 0x33, 16);
		plugin_report(&k1);
		plugin_report(&k2);
		ASSERT_INT_EQ(S.auth_calls, 1);
		ASSERT_INT_EQ(S.keys.send_len, 0);
		ASSERT_STR_EQ(S.how, "pppd plugin: no key material, zero HLAK");
	}
	rig_close(&r);
	/* The plugin socket cannot be made: start fails with its words. */
	fake_reset();
	fake_ps_refuse = true;
	base = event_base_new();
	ASSERT_PTR_NOT_NULL(base);
	l = base != NULL ? pppd_link_new(base, &conf_pty, &fake_up, &S) : NULL;
	ASSERT_PTR_NOT_NULL(l);
	if (l != NULL) {
		err[0] = '\0';
		ASSERT_INT_EQ(link_start(l, err, sizeof err), LINK_END_INTERNAL);
		ASSERT_STR_EQ(err, "fake plugin socket refused");
		link_free(l);
	}
	if (base != NULL)
		event_base_free(base);
	fake_ps_refuse = false;
	TEST_DONE();
}

/* pppd's MS-CHAPv2 Response (RFC 2759 4) with a known NT-Response. */
static size_t
mschapv2_response(uint8_t *f, uint8_t nt[24])
{
	struct wbuf w;
	size_t i;

	wbuf_init(&w, f, 128);
	wbuf_put_be16(&w, 0xff03);
	wbuf_put_be16(&w, PPP_PROTO_CHAP);
	wbuf_put_u8(&w, 2);			/* Response */
	wbuf_put_u8(&w, 0x42);
	wbuf_put_be16(&w, 4 + 1 + 49 + 4);
	wbuf_put_u8(&w, 49);			/* Value-Size */
	for (i = 0; i < 16; i++)
		wbuf_put_u8(&w, (uint8_t)(0xa0 + i));	/* Peer-Challenge */
	for (i = 0; i < 8; i++)
		wbuf_put_u8(&w, 0);
	for (i = 0; i < 24; i++) {
		nt[i] = (uint8_t)(0x31 * i + 7);
		wbuf_put_u8(&w, nt[i]);
	}
	wbuf_put_u8(&w, 0);			/* Flags */
	wbuf_put_bytes(&w, "user", 4);
	return wbuf_error(&w) ? 0 : w.len;
}

static const char chap_success[] = "FF 03 C2 23 03 42 00 04";

/* Case 4: snooped authentication against the plugin's keys. */
static void
test_snoop_keys(void)
{
	struct rig r;
	struct pppd_link_conf c = conf_pty;
	struct ppp_auth_keys k1, want;
	uint8_t f[128], nt[24];
	size_t n;

	TEST_START("pty mode: MS-CHAPv2 success waits for the plugin's keys "
	    "(no password); with a password the snooped keys go once and the "
	    "plugin's are ignored; PAP: zero HLAK once");
	/* No password: the link cannot derive the keys, the plugin can. */
	if (rig_open(&r, &conf_pty) == 0) {
		link_ppp_start(r.l);
		n = mschapv2_response(f, nt);
		pppd_write(&r, f, n);
		r.want = 1;
		ASSERT_TRUE(run_until(&r, c_to_srv, 1000));
		n = th_unhex(chap_success, f, sizeof f);
		ASSERT_INT_EQ(link_from_server(r.l, f, n), 0);
		ASSERT_INT_EQ(S.auth_calls, 0);		/* waits */
		fill_keys(&k1, 0x55, 16);
		plugin_report(&k1);
		ASSERT_INT_EQ(S.auth_calls, 1);
		ASSERT_TRUE(keys_eq(&S.keys, &k1));
		ASSERT_STR_EQ(S.how, "MPPE keys from the pppd plugin");
	}
	rig_close(&r);
	/* With sstpc's copy of the password: RFC 3079 keys, plugin ignored. */
	c.password = "clientPass";
	if (rig_open(&r, &c) == 0) {
		link_ppp_start(r.l);
		n = mschapv2_response(f, nt);
		pppd_write(&r, f, n);
		r.want = 1;
		ASSERT_TRUE(run_until(&r, c_to_srv, 1000));
		n = th_unhex(chap_success, f, sizeof f);
		ASSERT_INT_EQ(link_from_server(r.l, f, n), 0);
		memset(&want, 0, sizeof want);
		ASSERT_INT_EQ(ms_chapv2_client_keys("clientPass", nt, want.send,
		    want.recv), 0);
		want.send_len = want.recv_len = 16;
		ASSERT_INT_EQ(S.auth_calls, 1);
		ASSERT_TRUE(keys_eq(&S.keys, &want));
		ASSERT_STR_EQ(S.how, "keys derived from the snooped MS-CHAPv2 "
		    "response");
		fill_keys(&k1, 0x66, 16);
		plugin_report(&k1);
		ASSERT_INT_EQ(S.auth_calls, 1);
		ASSERT_TRUE(keys_eq(&S.keys, &want));
	}
	rig_close(&r);
	/* PAP: no key material at all, at once; the plugin's come too late. */
	if (rig_open(&r, &conf_pty) == 0) {
		link_ppp_start(r.l);
		n = th_unhex("FF 03 C0 23 02 01 00 05 00", f, sizeof f);
		ASSERT_INT_EQ(link_from_server(r.l, f, n), 0);
		ASSERT_INT_EQ(S.auth_calls, 1);
		ASSERT_INT_EQ(S.keys.send_len, 0);
		ASSERT_STR_EQ(S.how, "no key material: zero HLAK");
		fill_keys(&k1, 0x77, 16);
		plugin_report(&k1);
		ASSERT_INT_EQ(S.auth_calls, 1);
		ASSERT_INT_EQ(S.keys.send_len, 0);
	}
	rig_close(&r);
	explicit_bzero(&want, sizeof want);
	TEST_DONE();
}

/* --- 5: the ends -------------------------------------------------------- */

/* pty mode ended normally, reported once, and done. */
static void
expect_gone_ok(const struct rig *r, const char *what)
{
	TH_CHECK(S.gone_calls == 1, "%s: gone reported %d times", what,
	    S.gone_calls);
	TH_CHECK(S.gone_end == LINK_END_OK, "%s: end %d", what, S.gone_end);
	TH_CHECK(strcmp(S.gone_why, "pppd closed the pty") == 0,
	    "%s: why \"%s\"", what, S.gone_why);
	TH_CHECK(link_done(r->l), "%s: not done", what);
}

/* Case 5: pppd hangs up. */
static void
test_pty_closed(void)
{
	struct rig r;

	TEST_START("pty mode: pppd closing the pty reports gone once "
	    "(LINK_END_OK, \"pppd closed the pty\"), then done");
	if (rig_open(&r, &conf_pty) == 0) {
		link_ppp_start(r.l);
		close(r.slave);
		r.slave = -1;
		ASSERT_TRUE(run_until(&r, c_gone, 1000));
		spin_for(&r, 30);
		expect_gone_ok(&r, "pty closed");
		link_stop(r.l, LINK_STOP_HANGUP);
		link_stop(r.l, LINK_STOP_ORDERLY);
		ASSERT_INT_EQ(S.gone_calls, 1);
	}
	rig_close(&r);
	TEST_DONE();
}

/* Case 5: the session ends at once. */
static void
test_stop_hangup(void)
{
	struct rig r;

	TEST_START("pty mode: stop(HANGUP) and stop(ORDERLY) before "
	    "ppp_start report gone at once");
	if (rig_open(&r, &conf_pty) == 0) {
		link_ppp_start(r.l);
		link_stop(r.l, LINK_STOP_HANGUP);
		expect_gone_ok(&r, "hangup");
		spin_for(&r, 20);
		link_stop(r.l, LINK_STOP_HANGUP);
		ASSERT_INT_EQ(S.gone_calls, 1);
	}
	rig_close(&r);
	if (rig_open(&r, &conf_pty) == 0) {
		link_stop(r.l, LINK_STOP_ORDERLY);
		expect_gone_ok(&r, "orderly before ppp_start");
	}
	rig_close(&r);
	TEST_DONE();
}

/* Case 5: the session ends while the call is up. */
static void
test_stop_orderly(void)
{
	struct rig r;
	uint64_t t0, dt;

	TEST_START("pty mode: stop(ORDERLY) after ppp_start waits for pppd: "
	    "gone when the pty closes, or a hangup, or after the 2 s grace");
	/* pppd closes the pty (its LCP Terminate went): gone then. */
	if (rig_open(&r, &conf_pty) == 0) {
		link_ppp_start(r.l);
		t0 = clock_now_ms();
		link_stop(r.l, LINK_STOP_ORDERLY);
		ASSERT_INT_EQ(S.gone_calls, 0);
		ASSERT_FALSE(link_done(r.l));
		spin_for(&r, 100);
		ASSERT_INT_EQ(S.gone_calls, 0);
		close(r.slave);
		r.slave = -1;
		ASSERT_TRUE(run_until(&r, c_gone, 1000));
		dt = clock_now_ms() - t0;
		TH_CHECK(dt < LINK_GRACE_MS / 2, "gone after %llu ms, not at "
		    "the pty's close", (unsigned long long)dt);
		expect_gone_ok(&r, "orderly, pty closed");
	}
	rig_close(&r);
	/* A hangup during the wait ends it at once. */
	if (rig_open(&r, &conf_pty) == 0) {
		link_ppp_start(r.l);
		link_stop(r.l, LINK_STOP_ORDERLY);
		spin_for(&r, 20);
		ASSERT_INT_EQ(S.gone_calls, 0);
		link_stop(r.l, LINK_STOP_HANGUP);
		expect_gone_ok(&r, "orderly, then hangup");
	}
	rig_close(&r);
	/* pppd keeps the pty open: gone when the grace runs out. */
	if (rig_open(&r, &conf_pty) == 0) {
		link_ppp_start(r.l);
		t0 = clock_now_ms();
		link_stop(r.l, LINK_STOP_ORDERLY);
		ASSERT_INT_EQ(S.gone_calls, 0);
		ASSERT_TRUE(run_until(&r, c_gone, LINK_GRACE_MS + 1000));
		dt = clock_now_ms() - t0;
		TH_CHECK(dt >= LINK_GRACE_MS - 50 && dt <= LINK_GRACE_MS + 500,
		    "gone after %llu ms, not the 2 s grace",
		    (unsigned long long)dt);
		spin_for(&r, 20);
		expect_gone_ok(&r, "orderly, grace");
	}
	rig_close(&r);
	TEST_DONE();
}

/* --- 6: launch mode with scripts as pppd -------------------------------- */

static char script_dir[256];

/* Write an executable script; returns its path in a static slot. */
static const char *
write_script(const char *name, const char *body)
{
	static char path[8][320];
	static int slot;
	char *p = path[slot++ % 8];
	FILE *fp;

	snprintf(p, sizeof path[0], "%s/%s", script_dir, name);
	fp = fopen(p, "w");
	if (fp == NULL)
		return NULL;
	fprintf(fp, "#!/bin/sh\n%s\n", body);
	fclose(fp);
	chmod(p, 0700);
	return p;
}

/* Remove a script written by write_script. */
static void
remove_script(const char *path)
{
	if (path != NULL)
		unlink(path);
}

/* Launch a script as pppd; run until gone; check the end and words. */
static void
launch_expect(const char *body, enum link_end end, const char *why)
{
	struct pppd_link_conf c = { .launch = true };
	const char *path = write_script("pppd", body);
	struct rig r;

	ASSERT_PTR_NOT_NULL(path);
	if (path == NULL)
		return;
	c.pppd_path = path;
	if (rig_open(&r, &c) == 0) {
		ASSERT_INT_GE(link_child_pid(r.l), 1);
		link_ppp_start(r.l);	/* the Ack: pppd may run now */
		ASSERT_TRUE(run_until(&r, c_gone, 3000));
		spin_for(&r, 20);
		TH_CHECK(S.gone_calls == 1, "%s: gone reported %d times", body,
		    S.gone_calls);
		TH_CHECK(S.gone_end == end, "%s: end %d, want %d", body,
		    S.gone_end, end);
		TH_CHECK(strcmp(S.gone_why, why) == 0, "%s: why \"%s\"", body,
		    S.gone_why);
		ASSERT_TRUE(link_done(r.l));
		ASSERT_INT_EQ(S.sig_calls, 0);
	}
	rig_close(&r);
	remove_script(path);
}

/* Case 6: how pppd exited. */
static void
test_launch_exit(void)
{
	TEST_START("launch mode: pppd's exit status maps onto link_end (19, "
	    "11 auth; 0, 5, 16 ok; 1, 10 ppp)");
	launch_expect("exit 19", LINK_END_AUTH, "pppd exited: exit status 19 "
	    "(authentication to the peer failed)");
	launch_expect("exit 11", LINK_END_AUTH, "pppd exited: exit status 11 "
	    "(peer failed to authenticate)");
	launch_expect("exit 0", LINK_END_OK, "pppd exited: exit status 0 (ok)");
	launch_expect("exit 5", LINK_END_OK, "pppd exited: exit status 5 "
	    "(terminated by signal)");
	launch_expect("exit 16", LINK_END_OK, "pppd exited: exit status 16 "
	    "(hangup)");
	launch_expect("exit 1", LINK_END_PPP, "pppd exited: exit status 1 "
	    "(fatal error)");
	launch_expect("exit 10", LINK_END_PPP, "pppd exited: exit status 10 "
	    "(negotiation failed)");
	launch_expect("kill -9 $$", LINK_END_PPP,
	    "pppd exited: killed by signal 9 (Killed)");
	TEST_DONE();
}

/* Case 6: the session stops pppd. */
static void
test_launch_stop(void)
{
	struct pppd_link_conf c = { .launch = true };
	const char *path;
	struct rig r;
	pid_t pid;

	TEST_START("launch mode: stop(ORDERLY) signals pppd through the "
	    "session (SIGTERM: ok); stop(HANGUP) hangs up its pty");
	path = write_script("pppd-sleep", "exec sleep 10");
	ASSERT_PTR_NOT_NULL(path);
	c.pppd_path = path;
	if (path != NULL && rig_open(&r, &c) == 0) {
		pid = link_child_pid(r.l);
		ASSERT_INT_GE(pid, 1);
		link_ppp_start(r.l);
		spin_for(&r, 30);	/* the child execs the script */
		link_stop(r.l, LINK_STOP_ORDERLY);
		ASSERT_INT_EQ(S.sig_calls, 1);
		ASSERT_INT_EQ(S.sig_pid, pid);
		ASSERT_INT_EQ(S.sig_last, SIGTERM);
		ASSERT_TRUE(run_until(&r, c_gone, 3000));
		ASSERT_INT_EQ(S.gone_end, LINK_END_OK);
		ASSERT_STR_EQ(S.gone_why, "pppd exited: killed by signal 15 "
		    "(Terminated)");
		ASSERT_TRUE(link_done(r.l));
	}
	rig_close(&r);
	remove_script(path);
	/* pppd reads its line until the hangup, then exits 16 (hangup). */
	path = write_script("pppd-read", "read -r x\nexit 16");
	ASSERT_PTR_NOT_NULL(path);
	c.pppd_path = path;
	if (path != NULL && rig_open(&r, &c) == 0) {
		link_ppp_start(r.l);
		spin_for(&r, 30);
		link_stop(r.l, LINK_STOP_HANGUP);
		ASSERT_INT_EQ(S.sig_calls, 0);
		ASSERT_TRUE(run_until(&r, c_gone, 3000));
		ASSERT_INT_EQ(S.gone_calls, 1);
		ASSERT_INT_EQ(S.gone_end, LINK_END_OK);
		ASSERT_STR_EQ(S.gone_why, "pppd exited: exit status 16 "
		    "(hangup)");
		ASSERT_TRUE(link_done(r.l));
	}
	rig_close(&r);
	remove_script(path);
	TEST_DONE();
}

/*
 * Launch mode before the Ack: the child waits and never becomes pppd when
 * the session ends first (an early connect failure prints only sstpc's line).
 */
static void
test_launch_gate(void)
{
	struct pppd_link_conf c = { .launch = true };
	char marker[300], body[400];
	const char *path;
	struct rig r;

	TEST_START("launch mode: no pppd before ppp_start; a stop before it "
	    "ends the waiting child quietly");
	snprintf(marker, sizeof marker, "%s/ran", script_dir);
	snprintf(body, sizeof body, "touch '%s'\nexit 0", marker);
	path = write_script("pppd-marker", body);
	ASSERT_PTR_NOT_NULL(path);
	c.pppd_path = path;
	if (path != NULL && rig_open(&r, &c) == 0) {
		ASSERT_INT_GE(link_child_pid(r.l), 1);
		spin_for(&r, 100);
		ASSERT_INT_EQ(S.gone_calls, 0);
		link_stop(r.l, LINK_STOP_HANGUP);
		ASSERT_TRUE(run_until(&r, c_gone, 3000));
		ASSERT_INT_EQ(S.gone_calls, 1);
		ASSERT_INT_EQ(S.gone_end, LINK_END_OK);
		ASSERT_STR_EQ(S.gone_why, "pppd was not started");
		ASSERT_TRUE(link_done(r.l));
		ASSERT_TRUE(access(marker, F_OK) != 0);
	}
	rig_close(&r);
	remove_script(path);
	unlink(marker);
	TEST_DONE();
}

/* Case 6: pppd exits while its line is not being read. */
static void
test_launch_paused(void)
{
	struct pppd_link_conf c = { .launch = true };
	uint8_t f[16], e[64], body[512];
	const char *path;
	struct wbuf w;
	struct rig r;
	size_t n, en, i;

	TEST_START("launch mode: pppd exits while the link is not reading it "
	    "(server full): reaped, its last frame drained, gone once");
	path = write_script("pppd-exit", "exit 0");
	ASSERT_PTR_NOT_NULL(path);
	c.pppd_path = path;
	if (path != NULL && rig_open(&r, &c) == 0) {
		link_ppp_start(r.l);
		S.full = true;
		link_server_drained(r.l);	/* full: stops reading pppd */
		ASSERT_INT_GE(S.full_calls, 1);
		ASSERT_TRUE(run_until(&r, c_gone, 3000));
		spin_for(&r, 20);
		ASSERT_INT_EQ(S.gone_calls, 1);
		ASSERT_INT_EQ(S.gone_end, LINK_END_OK);
		ASSERT_STR_EQ(S.gone_why, "pppd exited: exit status 0 (ok)");
		ASSERT_TRUE(link_done(r.l));
		ASSERT_INT_EQ(S.n_to_srv, 0);
	}
	rig_close(&r);
	remove_script(path);
	/* Its last words (an LCP Terminate-Request) still reach the server. */
	n = th_unhex("FF 03 C0 21 05 09 00 04", f, sizeof f);
	en = encode_with(HDLC_ACCM_ALL, f, n, e, sizeof e);
	wbuf_init(&w, body, sizeof body);
	wbuf_put_str(&w, "printf '");
	for (i = 0; i < en; i++)
		wbuf_printf(&w, "\\%03o", e[i]);
	wbuf_put_str(&w, "' >&0\nexit 0");	/* pppd writes its tty */
	wbuf_put_u8(&w, 0);
	ASSERT_INT_EQ(wbuf_error(&w), 0);
	path = write_script("pppd-last", (const char *)body);
	ASSERT_PTR_NOT_NULL(path);
	c.pppd_path = path;
	if (path != NULL && rig_open(&r, &c) == 0) {
		link_ppp_start(r.l);
		S.full = true;
		link_server_drained(r.l);
		ASSERT_TRUE(run_until(&r, c_gone, 3000));
		spin_for(&r, 20);
		ASSERT_INT_EQ(S.gone_calls, 1);
		ASSERT_INT_EQ(S.gone_end, LINK_END_OK);
		ASSERT_INT_EQ(S.n_to_srv, 1);
		ASSERT_TRUE(S.n_to_srv == 1 && rec_eq(&S.to_srv[0], f, n));
	}
	rig_close(&r);
	remove_script(path);
	TEST_DONE();
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	/*
	 * fds 0, 1 and 2 open (`<&-`): else the event base or the pty
	 * would take them and the swap below fds 0 and 1 would close them.
	 */
	for (fd = 0; fd <= STDERR_FILENO; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return 99;
	test_hold();
	test_hold_max();
	test_to_pppd();
	test_accm();
	test_server_full();
	test_pause_server();
	test_plugin_keys();
	test_snoop_keys();
	test_pty_closed();
	test_stop_hangup();
	test_stop_orderly();
	snprintf(script_dir, sizeof script_dir, "%s/sstpc-linktest.XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(script_dir) == NULL) {
		TEST_START("launch mode");
		TH_CHECK(0, "mkdtemp %s: %s", script_dir, strerror(errno));
		TEST_DONE();
	} else {
		test_launch_exit();
		test_launch_stop();
		test_launch_gate();
		test_launch_paused();
		rmdir(script_dir);
	}
	return test_exit();
}
