/*
 * loadgen.c - many SSTP clients in one process against sstpd (bench/server.sh,
 * bench/README.md "Server").
 *
 * Each session is the project's own client side without a TUN: TLS
 * (OpenSSL, non-blocking, one libevent read event), the SSTP_DUPLEX_POST
 * request (wire/http.c), the SSTP channel in the client role
 * (session/sstp_chan.c: Call Connect Request, Call Connected with the
 * crypto binding of MS-SSTP 3.2.5.2) and the PPP engine in the client role
 * (ppp/ppp_engine.c: LCP, MS-CHAPv2, IPCP).  Once IPCP is open the session
 * sends ICMP echo requests (RFC 792) from its IPCP address to the server's
 * and counts the replies the server's kernel sends back through sstpd.
 *
 *   loadgen --connect ADDR:PORT --user NAME --password-file FILE
 *           [--sessions N] [--window W] [--cycles M] [--timeout SEC]
 *           [--ipv6 PREFIX/SERVER-ADDR]
 *
 * --ipv6: IPV6CP instead of IPCP (RFC 5072); our address is PREFIX's
 * first 64 bits + the interface identifier IPV6CP agreed on, the echo is
 * ICMPv6 (RFC 4443) to SERVER-ADDR.
 *
 * hold mode (no --cycles): bring N sessions up, at most W between TCP
 * connect and the first echo reply, then print one JSON line
 * {"event":"up",...} and read commands on stdin, one a line:
 *   ping   every session sends one echo; {"event":"ping",...} when all
 *          answered or after --timeout
 *   quit   every session disconnects (PPP Terminate, SSTP Call Disconnect);
 *          {"event":"quit",...}, exit 0 when all went cleanly
 * cycle mode (--cycles M): M sessions, W at a time, each one up, one echo
 * answered, then gone; the way out rotates: PPP Terminate + Call Disconnect,
 * Call Disconnect alone, TCP close without a word.  {"event":"cycles",...}
 * at the end.  Exit status: 0 when every session did what it should, 1
 * otherwise, 2 on bad usage.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "link/link.h"
#include "ppp/ppp_engine.h"
#include "session/sstp_chan.h"
#include "sstp/sstp_ctrl.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "wire/http.h"

#define LG_RX_MAX	(128 * 1024)	/* unparsed input kept per session */
#define LG_TX_MAX	(256 * 1024)	/* output queued per session */
#define LG_ECHO_LEN	56		/* ICMP data, as ping(8) */
#define LG_ECHO_RETRY_MS 1000

enum lg_phase {
	PH_CONNECT = 0,	/* TCP connect in progress */
	PH_TLS,		/* TLS handshake */
	PH_HTTP,	/* request sent, waiting for the 200 */
	PH_SSTP,	/* the SSTP channel runs */
	PH_DONE
};

enum lg_exit {
	EXIT_PPP = 0,	/* PPP Terminate, then SSTP Call Disconnect */
	EXIT_SSTP,	/* SSTP Call Disconnect alone */
	EXIT_TCP	/* close the socket, no word */
};

struct lg;

struct sess {
	struct lg		*lg;
	unsigned		 idx;
	int			 fd;
	SSL			*ssl;
	struct event		*rev, *wev, *ctimer, *ptimer, *etimer;
	enum lg_phase		 phase;
	struct http_resp	*http;
	struct sstp_chan	 chan;
	struct link		 link;	/* ours: drives eng */
	struct ppp_engine	*eng;
	uint8_t			 sha1[20], sha256[32];
	uint8_t			*rx, *tx;
	size_t			 rxlen, txlen, txcap;
	bool			 want_write;
	bool			 net_up, dead, counted, closing;
	uint32_t		 my4, srv4;
	uint8_t			 my6[16];
	uint16_t		 seq;		/* last echo sent */
	uint16_t		 seq_ok;	/* last echo answered */
	unsigned		 echo_sent, echo_ok;
	enum lg_exit		 how;
	int			 depth;		/* callbacks on the stack */
	uint64_t		 t_start, t_up;
	char			 why[160];
};

struct lg {
	struct event_base	*base;
	SSL_CTX			*ctx;
	struct sockaddr_in	 sa;
	const char		*user;
	char			 password[256];
	unsigned		 n, window, cycles, timeout_s;
	bool			 v6;		/* --ipv6: IPV6CP only, ICMPv6 */
	uint8_t			 prefix6[16], srv6[16];
	struct sess		**s;		/* hold mode: every session */
	unsigned		 started, active, up, failed, finished;
	unsigned		 clean_end;
	unsigned		 ping_round, ping_waiting;
	bool			 quitting;
	uint64_t		 t0, t_all_up;
	uint64_t		 up_ms_sum, up_ms_max;
	struct event		*stdin_ev, *deadline;
	char			 cmd[64];
	size_t			 cmdlen;
	char			 first_err[200];
};

static void	sess_leave(struct sess *);
static void	sess_flush(struct sess *);
static void	sess_fail(struct sess *, const char *);
static void	lg_next(struct lg *);
static void	lg_check_done(struct lg *);

/* --- output buffer (sstp_chan_io) ---------------------------------------- */

/* Room for n more bytes at the end of the output; NULL when over the cap. */
static uint8_t *
io_reserve(void *arg, size_t n)
{
	struct sess *s = arg;
	uint8_t *p;
	size_t cap;

	if (s->phase == PH_DONE || s->txlen + n > LG_TX_MAX)
		return NULL;
	if (s->txlen + n > s->txcap) {
		cap = s->txcap ? s->txcap : 2048;
		while (cap < s->txlen + n)
			cap *= 2;
		p = realloc(s->tx, cap);
		if (p == NULL)
			return NULL;
		s->tx = p;
		s->txcap = cap;
	}
	p = s->tx + s->txlen;
	s->txlen += n;
	return p;
}

static bool
io_tx_full(void *arg)
{
	struct sess *s = arg;

	return s->txlen > LG_TX_MAX / 2;
}

static void
io_pause(void *arg, bool pause)
{
}

static const struct sstp_chan_io lg_io = {
	.reserve = io_reserve,
	.tx_full = io_tx_full,
	.pause_input = io_pause,
};

/* --- ICMP echo ------------------------------------------------------------ */

/* RFC 1071 Internet checksum. */
static uint16_t
inet_csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ICMPv6 checksum over the pseudo-header (RFC 8200 8.1, RFC 4443 2.3). */
static uint16_t
icmp6_csum(const uint8_t *ip6, size_t plen)
{
	uint8_t tmp[40 + 8 + LG_ECHO_LEN];

	memcpy(tmp, ip6 + 8, 32);
	memset(tmp + 32, 0, 8);
	tmp[34] = (uint8_t)(plen >> 8);
	tmp[35] = (uint8_t)plen;
	tmp[39] = 58;
	memcpy(tmp + 40, ip6 + 40, plen);
	return inet_csum(tmp, 40 + plen);
}

/* One ICMPv6 echo request (RFC 4443 4.1) to the server's address. */
static void
sess_echo6(struct sess *s)
{
	uint8_t buf[PPP_ENGINE_HEADROOM + 40 + 8 + LG_ECHO_LEN];
	uint8_t *ip = buf + PPP_ENGINE_HEADROOM, *frame;
	size_t plen = 8 + LG_ECHO_LEN, flen;
	uint16_t c;

	memset(ip, 0, 40 + plen);
	ip[0] = 0x60;
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	ip[6] = 58;
	ip[7] = 64;
	memcpy(ip + 8, s->my6, 16);
	memcpy(ip + 24, s->lg->srv6, 16);
	ip[40] = 128;
	ip[44] = (uint8_t)(s->idx >> 8);
	ip[45] = (uint8_t)s->idx;
	ip[46] = (uint8_t)(s->seq >> 8);
	ip[47] = (uint8_t)s->seq;
	memset(ip + 48, 0xa5, LG_ECHO_LEN);
	c = icmp6_csum(ip, plen);
	ip[42] = (uint8_t)(c >> 8);
	ip[43] = (uint8_t)c;
	frame = ppp_engine_wrap_ip(s->eng, ip, 40 + plen, &flen);
	if (frame != NULL)
		sstp_chan_link_up.to_server(&s->chan, frame, flen);
}

/* Send one echo request (RFC 792) from our address to the server's. */
static void
sess_echo(struct sess *s)
{
	uint8_t buf[PPP_ENGINE_HEADROOM + 20 + 8 + LG_ECHO_LEN];
	uint8_t *ip = buf + PPP_ENGINE_HEADROOM, *frame;
	size_t len = 20 + 8 + LG_ECHO_LEN, flen;
	uint16_t c;
	struct timeval tv = { LG_ECHO_RETRY_MS / 1000,
	    (LG_ECHO_RETRY_MS % 1000) * 1000 };

	if (!s->net_up || s->phase != PH_SSTP || s->closing)
		return;
	s->seq++;
	s->echo_sent++;
	if (s->lg->v6) {
		sess_echo6(s);
		evtimer_add(s->etimer, &tv);
		return;
	}
	memset(ip, 0, len);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(len >> 8);
	ip[3] = (uint8_t)len;
	ip[8] = 64;
	ip[9] = 1;	/* ICMP */
	memcpy(ip + 12, &s->my4, 4);
	memcpy(ip + 16, &s->srv4, 4);
	c = inet_csum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	ip[20] = 8;	/* echo request */
	ip[24] = (uint8_t)(s->idx >> 8);
	ip[25] = (uint8_t)s->idx;
	ip[26] = (uint8_t)(s->seq >> 8);
	ip[27] = (uint8_t)s->seq;
	memset(ip + 28, 0xa5, LG_ECHO_LEN);
	c = inet_csum(ip + 20, 8 + LG_ECHO_LEN);
	ip[22] = (uint8_t)(c >> 8);
	ip[23] = (uint8_t)c;
	frame = ppp_engine_wrap_ip(s->eng, ip, len, &flen);
	if (frame != NULL)
		sstp_chan_link_up.to_server(&s->chan, frame, flen);
	evtimer_add(s->etimer, &tv);
}

/* Echo timer: no reply yet, ask again (the deadline ends it all). */
static void
sess_etimer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess *s = arg;

	s->depth++;
	if (s->seq != s->seq_ok)
		sess_echo(s);
	sess_leave(s);
}

/* The session's echo answered (first time up, or a ping round). */
static void
sess_echo_ok(struct sess *s)
{
	struct lg *lg = s->lg;

	evtimer_del(s->etimer);
	s->echo_ok++;
	if (s->t_up == 0) {
		uint64_t d;

		s->t_up = clock_now_ms();
		d = s->t_up - s->t_start;
		lg->up++;
		lg->up_ms_sum += d;
		if (d > lg->up_ms_max)
			lg->up_ms_max = d;
		lg->active--;		/* out of the bring-up window */
		if (lg->cycles > 0) {
			/* Cycle mode: up and answered -> leave. */
			s->closing = true;
			switch (s->how) {
			case EXIT_PPP:
				ppp_engine_close(s->eng, clock_now_ms(),
				    "loadgen cycle");
				break;
			case EXIT_SSTP:
				if (!sstp_chan_disconnect(&s->chan,
				    clock_now_ms()))
					s->dead = true;
				break;
			case EXIT_TCP:
				s->dead = true;
				break;
			}
		} else if (lg->up == lg->n) {
			lg->t_all_up = clock_now_ms();
			printf("{\"event\":\"up\",\"sessions\":%u,\"failed\":%u,"
			    "\"ms\":%llu,\"up_ms_avg\":%.1f,\"up_ms_max\":%llu}\n",
			    lg->up, lg->failed,
			    (unsigned long long)(lg->t_all_up - lg->t0),
			    (double)lg->up_ms_sum / lg->up,
			    (unsigned long long)lg->up_ms_max);
			fflush(stdout);
		}
		lg_next(lg);
		return;
	}
	if (lg->ping_waiting > 0 && --lg->ping_waiting == 0)
		lg_check_done(lg);
}

/* --- the PPP engine (client role) ----------------------------------------- */

static void
eng_output(void *arg, const uint8_t *frame, size_t len)
{
	struct sess *s = arg;

	if (s->phase == PH_SSTP)
		sstp_chan_link_up.to_server(&s->chan, frame, len);
}

/* An IP packet for the host: is it the echo reply we wait for? */
static void
eng_deliver(void *arg, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct sess *s = arg;
	struct bcur c;
	uint8_t vihl, ttl_proto[2], icmp[8];
	uint32_t src, dst;
	size_t ihl;

	if (proto == 0x0057 && s->lg->v6) {
		uint8_t h[48];

		c = bcur_make(pkt, len);
		if (bcur_get_bytes(&c, h, sizeof h) < 0 || (h[0] >> 4) != 6 ||
		    h[6] != 58 || memcmp(h + 8, s->lg->srv6, 16) != 0 ||
		    memcmp(h + 24, s->my6, 16) != 0 || h[40] != 129 ||
		    ((unsigned)h[44] << 8 | h[45]) != (s->idx & 0xffff) ||
		    ((unsigned)h[46] << 8 | h[47]) != s->seq ||
		    s->seq_ok == s->seq)
			return;
		s->seq_ok = s->seq;
		sess_echo_ok(s);
		return;
	}
	if (proto != 0x0021)
		return;
	c = bcur_make(pkt, len);
	if (bcur_get_u8(&c, &vihl) < 0 || (vihl >> 4) != 4 ||
	    (ihl = (size_t)(vihl & 15) * 4) < 20 || len < ihl + 8)
		return;
	(void)bcur_skip(&c, 7);
	if (bcur_get_bytes(&c, ttl_proto, 2) < 0 || ttl_proto[1] != 1)
		return;
	(void)bcur_skip(&c, 2);
	if (bcur_get_bytes(&c, &src, 4) < 0 || bcur_get_bytes(&c, &dst, 4) < 0 ||
	    src != s->srv4 || dst != s->my4)
		return;
	(void)bcur_skip(&c, ihl - 20);
	if (bcur_get_bytes(&c, icmp, 8) < 0 || icmp[0] != 0 ||
	    ((unsigned)icmp[4] << 8 | icmp[5]) != (s->idx & 0xffff) ||
	    ((unsigned)icmp[6] << 8 | icmp[7]) != s->seq)
		return;
	if (s->seq_ok == s->seq)
		return;
	s->seq_ok = s->seq;
	sess_echo_ok(s);
}

static void
eng_auth_done(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	struct sess *s = arg;

	sstp_chan_link_up.auth_done(&s->chan, k, how);
}

static void
eng_net_up(void *arg, const struct ppp_ip_info *ip)
{
	struct sess *s = arg;

	if (s->lg->v6) {
		if (!ip->have_ip6) {
			sess_fail(s, "IPV6CP not open");
			return;
		}
		memcpy(s->my6, s->lg->prefix6, 8);
		memcpy(s->my6 + 8, ip->local_ifid, 8);
	} else if (!ip->have_ip4 || ip->peer4 == 0) {
		sess_fail(s, "IPCP gave no addresses");
		return;
	} else {
		s->my4 = ip->local4;
		s->srv4 = ip->peer4;
	}
	if (s->net_up)
		return;
	s->net_up = true;
	sess_echo(s);
}

static void
eng_net_down(void *arg)
{
	struct sess *s = arg;

	s->net_up = false;
}

static void
eng_ended(void *arg, enum ppp_end end, const char *why)
{
	struct sess *s = arg;

	if (s->closing && end == PPP_END_OK) {
		if (!sstp_chan_disconnect(&s->chan, clock_now_ms()))
			s->dead = true;
		return;
	}
	if (!s->closing) {
		char m[200];

		snprintf(m, sizeof m, "PPP ended: %s", why);
		sess_fail(s, m);
	}
}

static const struct ppp_engine_ops lg_eng_ops = {
	.output = eng_output,
	.deliver = eng_deliver,
	.auth_done = eng_auth_done,
	.net_up = eng_net_up,
	.net_down = eng_net_down,
	.ended = eng_ended,
};

/* Point the PPP timer at the engine's next deadline. */
static void
sess_ptimer_sync(struct sess *s)
{
	uint64_t dl;
	struct timeval tv;

	if (s->eng == NULL || s->dead)
		return;
	dl = ppp_engine_next_timer(s->eng);
	if (dl == 0) {
		evtimer_del(s->ptimer);
		return;
	}
	tv = clock_until(dl, clock_now_ms());
	evtimer_add(s->ptimer, &tv);
}

static void
sess_ptimer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess *s = arg;

	s->depth++;
	ppp_engine_tick(s->eng, clock_now_ms());
	sess_leave(s);
}

/* --- our link (link/link.h): the channel's PPP side is the engine --------- */

#define SESS_OF(l)	((struct sess *)((char *)(l) - offsetof(struct sess, link)))

static enum link_end
lk_start(struct link *l, char *err, size_t errlen)
{
	return LINK_END_OK;
}

static void
lk_ppp_start(struct link *l)
{
	ppp_engine_start(SESS_OF(l)->eng, clock_now_ms());
}

static int
lk_from_server(struct link *l, const uint8_t *frame, size_t len)
{
	return ppp_engine_input(SESS_OF(l)->eng, clock_now_ms(), frame, len);
}

static void
lk_drained(struct link *l)
{
}

static void
lk_stop(struct link *l, enum link_stop how)
{
	ppp_engine_lower_down(SESS_OF(l)->eng, clock_now_ms());
}

static bool
lk_done(const struct link *l)
{
	return true;
}

static pid_t
lk_child(const struct link *l)
{
	return 0;
}

static const char *
lk_sock(const struct link *l)
{
	return NULL;
}

static void
lk_stats(const struct link *l, uint64_t *a, uint64_t *b)
{
	*a = *b = 0;
}

static void
lk_free(struct link *l)
{
}

static const struct link_ops lg_link_ops = {
	.name = "loadgen",
	.start = lk_start,
	.ppp_start = lk_ppp_start,
	.from_server = lk_from_server,
	.server_drained = lk_drained,
	.stop = lk_stop,
	.done = lk_done,
	.child_pid = lk_child,
	.sock_path = lk_sock,
	.stats = lk_stats,
	.free = lk_free,
};

/* --- the channel's reports ------------------------------------------------- */

static uint64_t
ch_now(void *arg)
{
	return clock_now_ms();
}

static void
ch_established(void *arg)
{
}

static void
ch_closed(void *arg, enum sstp_quit q, bool refused, const char *msg)
{
	struct sess *s = arg;

	/* Closing: our Call Disconnect, or the server's after PPP ended. */
	if (!s->closing || (q != SSTP_QUIT_LOCAL_DISCONNECT &&
	    q != SSTP_QUIT_PEER_DISCONNECT)) {
		char m[200];

		snprintf(m, sizeof m, "SSTP closed: %s%s", msg,
		    refused ? " (binding refused)" : "");
		sess_fail(s, m);
	}
	s->dead = true;
}

/* Deadline moved: one timer for the channel. */
static void
ch_timer_changed(void *arg)
{
	struct sess *s = arg;
	uint64_t dl = sstp_chan_deadline(&s->chan);
	struct timeval tv;

	if (dl == UINT64_MAX) {
		evtimer_del(s->ctimer);
		return;
	}
	tv = clock_until(dl, clock_now_ms());
	evtimer_add(s->ctimer, &tv);
}

static void
ch_link_gone(void *arg, enum link_end end, const char *why)
{
}

static void
ch_link_fail(void *arg, enum link_end end, const char *msg)
{
	sess_fail(arg, msg);
}

static int
ch_signal(void *arg, pid_t pid, int sig)
{
	return -ENOSYS;
}

static int
ch_server_addr(void *arg, const char **name, const struct sockaddr **sa,
    socklen_t *salen)
{
	return -ENOTCONN;
}

static const struct sstp_chan_ops lg_chan_ops = {
	.now = ch_now,
	.established = ch_established,
	.closed = ch_closed,
	.timer_changed = ch_timer_changed,
	.link_gone = ch_link_gone,
	.link_fail = ch_link_fail,
	.signal_child = ch_signal,
	.server_addr = ch_server_addr,
};

static void
sess_ctimer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess *s = arg;

	s->depth++;
	sstp_chan_timer(&s->chan, clock_now_ms());
	sess_leave(s);
}

/* --- session life ---------------------------------------------------------- */

/* Count a failure once, keep the first reason for the report. */
static void
sess_fail(struct sess *s, const char *why)
{
	struct lg *lg = s->lg;

	if (s->counted)
		return;
	s->counted = true;
	lg->failed++;
	lg->finished++;
	if (s->t_up == 0)
		lg->active--;
	if (lg->first_err[0] == '\0')
		snprintf(lg->first_err, sizeof lg->first_err, "session %u "
		    "(phase %d): %s", s->idx, (int)s->phase, why);
	if (lg->ping_waiting > 0 && s->t_up != 0 && s->seq != s->seq_ok)
		lg->ping_waiting--;
	s->dead = true;
}

static void
sess_free(struct sess *s)
{
	struct lg *lg = s->lg;

	if (s->ssl != NULL)
		SSL_free(s->ssl);
	if (s->fd >= 0)
		close(s->fd);
	if (s->rev)
		event_free(s->rev);
	if (s->wev)
		event_free(s->wev);
	if (s->ctimer)
		event_free(s->ctimer);
	if (s->ptimer)
		event_free(s->ptimer);
	if (s->etimer)
		event_free(s->etimer);
	if (s->eng != NULL)
		ppp_engine_free(s->eng);
	free(s->http);
	free(s->rx);
	free(s->tx);
	if (lg->s != NULL)
		lg->s[s->idx] = NULL;
	free(s);
}

/* Leaving a callback: send what was queued, free a dead session. */
static void
sess_leave(struct sess *s)
{
	struct lg *lg = s->lg;

	if (--s->depth > 0)
		return;
	if (!s->dead) {
		sess_flush(s);
		sess_ptimer_sync(s);
	}
	if (s->dead) {
		if (!s->counted) {
			/* A session leaving as asked (quit, cycle end). */
			s->counted = true;
			lg->finished++;
			if (s->closing)
				lg->clean_end++;
			else
				lg->failed++;
		}
		s->phase = PH_DONE;
		sess_free(s);
		lg_next(lg);
		lg_check_done(lg);
	}
}

/* Write the queued output to TLS; arm the write event when it blocks. */
static void
sess_flush(struct sess *s)
{
	int n, e;

	if (s->phase < PH_HTTP || s->ssl == NULL)
		return;
	while (s->txlen > 0) {
		n = SSL_write(s->ssl, s->tx, (int)s->txlen);
		if (n > 0) {
			memmove(s->tx, s->tx + n, s->txlen - (size_t)n);
			s->txlen -= (size_t)n;
			continue;
		}
		e = SSL_get_error(s->ssl, n);
		if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
			if (!s->want_write)
				event_add(s->wev, NULL);
			s->want_write = true;
			return;
		}
		sess_fail(s, "TLS write failed");
		return;
	}
	if (s->want_write) {
		event_del(s->wev);
		s->want_write = false;
	}
}

/* Start SSTP: hashes of the server's leaf, request, response parser. */
static void
sess_tls_done(struct sess *s)
{
	X509 *leaf = SSL_get1_peer_certificate(s->ssl);
	unsigned int n = 20, m = 32;
	uint8_t req[HTTP_REQ_MAX], rnd[16];
	char guid[HTTP_GUID_LEN + 1];
	struct wbuf w;

	if (leaf == NULL || !X509_digest(leaf, EVP_sha1(), s->sha1, &n) ||
	    !X509_digest(leaf, EVP_sha256(), s->sha256, &m)) {
		X509_free(leaf);
		sess_fail(s, "no server certificate");
		return;
	}
	X509_free(leaf);
	memset(rnd, 0, sizeof rnd);
	memcpy(rnd, &s->idx, sizeof s->idx);
	rnd[15] = 0x5b;
	http_guid_format(rnd, guid);
	wbuf_init(&w, req, sizeof req);
	if (http_sstp_request(&w, "localhost", guid) < 0 || wbuf_error(&w)) {
		sess_fail(s, "cannot build the request");
		return;
	}
	s->http = calloc(1, sizeof *s->http);
	if (s->http == NULL) {
		sess_fail(s, "out of memory");
		return;
	}
	http_resp_init(s->http, HTTP_RESP_SSTP);
	s->phase = PH_HTTP;
	memcpy(io_reserve(s, w.len), req, w.len);
}

/* The 200 came: the channel and the engine begin. */
static void
sess_sstp_begin(struct sess *s)
{
	struct sstp_ctrl_conf cc;
	struct ppp_engine_conf pc;
	struct lg *lg = s->lg;

	memset(&pc, 0, sizeof pc);
	pc.user = lg->user;
	pc.password = lg->password;
	pc.auth_allow = PPP_AUTH_ALLOW_MSCHAPV2;
	pc.ipv4 = !lg->v6;
	pc.ipv6 = lg->v6;
	pc.echo_interval = 0;	/* the server's echoes are answered */
	pc.refuse_mppe = true;
	s->eng = ppp_engine_new(&pc, &lg_eng_ops, s);
	if (s->eng == NULL) {
		sess_fail(s, "cannot make the PPP engine");
		return;
	}
	s->link.ops = &lg_link_ops;
	s->link.up = &sstp_chan_link_up;
	s->link.up_arg = &s->chan;
	sstp_chan_set_link(&s->chan, &s->link);
	sstp_ctrl_conf_defaults(&cc);
	cc.cert_sha1 = s->sha1;
	cc.cert_sha256 = s->sha256;
	cc.require_sha256 = true;
	s->phase = PH_SSTP;
	if (sstp_chan_begin(&s->chan, &cc, &lg_io, s, clock_now_ms()) < 0)
		sess_fail(s, "cannot start the SSTP machine");
}

/* Plain bytes from TLS: HTTP response, then the SSTP stream. */
static void
sess_input(struct sess *s, const uint8_t *buf, size_t len)
{
	size_t used = 0, k;
	uint8_t *p;
	int r;

	if (s->phase == PH_HTTP) {
		r = http_resp_feed(s->http, buf, len, &used);
		if (r == 0)
			return;
		if (r < 0 || s->http->status != 200) {
			sess_fail(s, r < 0 ? "bad HTTP response" :
			    "HTTP status not 200");
			return;
		}
		free(s->http);
		s->http = NULL;
		sess_sstp_begin(s);
		buf += used;
		len -= used;
	}
	if (s->phase != PH_SSTP || s->dead || len == 0)
		return;
	if (s->rxlen + len > LG_RX_MAX) {
		sess_fail(s, "input backlog too large");
		return;
	}
	if (s->rx == NULL && (s->rx = malloc(LG_RX_MAX)) == NULL) {
		sess_fail(s, "out of memory");
		return;
	}
	memcpy(s->rx + s->rxlen, buf, len);
	s->rxlen += len;
	k = sstp_chan_input(&s->chan, clock_now_ms(), s->rx, s->rxlen);
	if (k > s->rxlen)
		k = s->rxlen;
	p = s->rx;
	memmove(p, p + k, s->rxlen - k);
	s->rxlen -= k;
}

/* Drive the TCP connect and the TLS handshake. */
static void
sess_handshake(struct sess *s)
{
	int r, e, err = 0;
	socklen_t el = sizeof err;

	if (s->phase == PH_CONNECT) {
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 ||
		    err != 0) {
			sess_fail(s, "TCP connect failed");
			return;
		}
		s->phase = PH_TLS;
	}
	r = SSL_connect(s->ssl);
	if (r == 1) {
		event_del(s->wev);
		s->want_write = false;
		sess_tls_done(s);
		return;
	}
	e = SSL_get_error(s->ssl, r);
	if (e == SSL_ERROR_WANT_WRITE) {
		event_add(s->wev, NULL);
		s->want_write = true;
	} else if (e == SSL_ERROR_WANT_READ) {
		event_del(s->wev);
		s->want_write = false;
	} else {
		sess_fail(s, "TLS handshake failed");
	}
}

static void
sess_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess *s = arg;
	uint8_t buf[16384];
	int n, e, loops = 0;

	s->depth++;
	if (s->phase <= PH_TLS) {
		sess_handshake(s);
		sess_leave(s);
		return;
	}
	while (!s->dead && loops++ < 16) {
		n = SSL_read(s->ssl, buf, sizeof buf);
		if (n > 0) {
			sess_input(s, buf, (size_t)n);
			continue;
		}
		e = SSL_get_error(s->ssl, n);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			break;
		if (s->closing || s->chan.ctrl.state == SSTP_CS_CLOSED)
			s->dead = true;
		else {
			sstp_chan_lower_down(&s->chan);
			sess_fail(s, e == SSL_ERROR_ZERO_RETURN ?
			    "server closed TLS" : "connection lost");
		}
		break;
	}
	sess_leave(s);
}

static void
sess_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess *s = arg;

	s->depth++;
	if (s->phase <= PH_TLS)
		sess_handshake(s);
	else
		sess_flush(s);
	sess_leave(s);
}

/* A new session: socket, connect, TLS object, events. */
static void
sess_start(struct lg *lg, unsigned idx)
{
	struct sess *s = calloc(1, sizeof *s);
	int one = 1;

	if (s == NULL) {
		lg->failed++;
		lg->finished++;
		return;
	}
	s->lg = lg;
	s->idx = idx;
	s->how = (enum lg_exit)(idx % 3);
	s->t_start = clock_now_ms();
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	lg->active++;
	if (lg->s != NULL)
		lg->s[idx] = s;
	sstp_chan_init(&s->chan, &lg_chan_ops, s);
	s->depth++;
	if (s->fd < 0) {
		sess_fail(s, "socket() failed");
		sess_leave(s);
		return;
	}
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	s->ssl = SSL_new(lg->ctx);
	s->rev = event_new(lg->base, s->fd, EV_READ | EV_PERSIST,
	    sess_read_cb, s);
	s->wev = event_new(lg->base, s->fd, EV_WRITE | EV_PERSIST,
	    sess_write_cb, s);
	s->ctimer = evtimer_new(lg->base, sess_ctimer_cb, s);
	s->ptimer = evtimer_new(lg->base, sess_ptimer_cb, s);
	s->etimer = evtimer_new(lg->base, sess_etimer_cb, s);
	if (s->ssl == NULL || s->rev == NULL || s->wev == NULL ||
	    s->ctimer == NULL || s->ptimer == NULL || s->etimer == NULL ||
	    !SSL_set_fd(s->ssl, s->fd)) {
		sess_fail(s, "out of memory");
		sess_leave(s);
		return;
	}
	SSL_set_tlsext_host_name(s->ssl, "localhost");
	if (connect(s->fd, (struct sockaddr *)&lg->sa, sizeof lg->sa) < 0 &&
	    errno != EINPROGRESS) {
		sess_fail(s, "connect() failed");
		sess_leave(s);
		return;
	}
	event_add(s->rev, NULL);
	event_add(s->wev, NULL);
	s->want_write = true;
	sess_leave(s);
}

/* --- the run ---------------------------------------------------------------- */

/* Start sessions while the window has room. */
static void
lg_next(struct lg *lg)
{
	unsigned total = lg->cycles > 0 ? lg->cycles : lg->n;

	while (!lg->quitting && lg->started < total &&
	    lg->active < lg->window) {
		unsigned i = lg->started++;

		sess_start(lg, lg->s != NULL ? i : i);
	}
}

/* A ping round is over, or every cycle finished, or the quit finished. */
static void
lg_check_done(struct lg *lg)
{
	unsigned i, live = 0;

	if (lg->cycles > 0) {
		if (lg->finished == lg->cycles) {
			printf("{\"event\":\"cycles\",\"cycles\":%u,\"clean\":%u,"
			    "\"failed\":%u,\"ms\":%llu,\"up_ms_avg\":%.1f,"
			    "\"up_ms_max\":%llu,\"first_error\":\"%s\"}\n",
			    lg->cycles, lg->clean_end, lg->failed,
			    (unsigned long long)(clock_now_ms() - lg->t0),
			    lg->up ? (double)lg->up_ms_sum / lg->up : 0.0,
			    (unsigned long long)lg->up_ms_max, lg->first_err);
			fflush(stdout);
			event_base_loopexit(lg->base, NULL);
		}
		return;
	}
	if (lg->up + lg->failed == lg->n && lg->t_all_up == 0 &&
	    !lg->quitting) {
		/* Some failed: report the bring-up anyway. */
		lg->t_all_up = clock_now_ms();
		printf("{\"event\":\"up\",\"sessions\":%u,\"failed\":%u,"
		    "\"ms\":%llu,\"up_ms_avg\":%.1f,\"up_ms_max\":%llu,"
		    "\"first_error\":\"%s\"}\n", lg->up, lg->failed,
		    (unsigned long long)(lg->t_all_up - lg->t0),
		    lg->up ? (double)lg->up_ms_sum / lg->up : 0.0,
		    (unsigned long long)lg->up_ms_max, lg->first_err);
		fflush(stdout);
	}
	if (lg->ping_round > 0 && lg->ping_waiting == 0) {
		unsigned ok = 0;

		for (i = 0; i < lg->n; i++)
			if (lg->s[i] != NULL && lg->s[i]->seq_ok ==
			    lg->s[i]->seq && lg->s[i]->t_up != 0)
				ok++;
		printf("{\"event\":\"ping\",\"round\":%u,\"answered\":%u,"
		    "\"sessions\":%u}\n", lg->ping_round, ok, lg->n);
		fflush(stdout);
		lg->ping_round = 0;
		event_del(lg->deadline);
	}
	if (lg->quitting) {
		for (i = 0; i < lg->n; i++)
			if (lg->s[i] != NULL)
				live++;
		if (live == 0) {
			printf("{\"event\":\"quit\",\"clean\":%u,\"failed\":%u,"
			    "\"first_error\":\"%s\"}\n", lg->clean_end,
			    lg->failed, lg->first_err);
			fflush(stdout);
			event_base_loopexit(lg->base, NULL);
		}
	}
}

/* The ping round or the quit took too long: report what there is. */
static void
lg_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;
	unsigned i;

	if (lg->quitting) {
		for (i = 0; i < lg->n; i++)
			if (lg->s[i] != NULL) {
				sess_fail(lg->s[i], "quit timed out");
				lg->s[i]->depth++;
				sess_leave(lg->s[i]);
			}
		return;
	}
	lg->ping_waiting = 0;
	lg_check_done(lg);
}

/* A command on stdin: ping, quit. */
static void
lg_command(struct lg *lg, const char *cmd)
{
	struct timeval tv = { lg->timeout_s, 0 };
	unsigned i;

	if (strcmp(cmd, "ping") == 0) {
		lg->ping_round++;
		lg->ping_waiting = 0;
		for (i = 0; i < lg->n; i++)
			if (lg->s[i] != NULL && lg->s[i]->net_up)
				lg->ping_waiting++;
		evtimer_add(lg->deadline, &tv);
		for (i = 0; i < lg->n; i++)
			if (lg->s[i] != NULL && lg->s[i]->net_up) {
				lg->s[i]->depth++;
				sess_echo(lg->s[i]);
				sess_leave(lg->s[i]);
			}
		if (lg->ping_waiting == 0)
			lg_check_done(lg);
	} else if (strcmp(cmd, "quit") == 0) {
		lg->quitting = true;
		evtimer_add(lg->deadline, &tv);
		for (i = 0; i < lg->n; i++) {
			struct sess *s = lg->s[i];

			if (s == NULL)
				continue;
			s->depth++;
			s->closing = true;
			s->how = EXIT_PPP;
			if (s->eng != NULL)
				ppp_engine_close(s->eng, clock_now_ms(),
				    "loadgen quit");
			else
				s->dead = true;
			sess_leave(s);
		}
		lg_check_done(lg);
	}
}

static void
lg_stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;
	char c;
	ssize_t n;

	while ((n = read(fd, &c, 1)) == 1) {
		if (c == '\n') {
			lg->cmd[lg->cmdlen] = '\0';
			lg->cmdlen = 0;
			lg_command(lg, lg->cmd);
		} else if (lg->cmdlen + 1 < sizeof lg->cmd) {
			lg->cmd[lg->cmdlen++] = c;
		}
	}
	if (n == 0)
		event_del(lg->stdin_ev);	/* EOF: stay until killed */
}

static int
usage(void)
{
	fprintf(stderr, "usage: loadgen --connect ADDR:PORT --user NAME "
	    "--password-file FILE [--sessions N] [--window W] [--cycles M] "
	    "[--timeout SEC] [--ipv6 PREFIX/SERVER-ADDR]\n");
	return 2;
}

/* The password: the first line of FILE (never in argv). */
static int
read_password(struct lg *lg, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL || fgets(lg->password, sizeof lg->password, f) == NULL) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	n = strcspn(lg->password, "\r\n");
	lg->password[n] = '\0';
	return 0;
}

int
main(int argc, char **argv)
{
	struct lg lg;
	struct log_conf lc = { .level = LOG_LVL_ERR, .sink = LOG_SINK_STDERR,
	    .ident = "loadgen" };
	struct rlimit rl;
	const char *connect_to = NULL, *pwfile = NULL;
	char host[64], *colon;
	int i, rc;

	memset(&lg, 0, sizeof lg);
	lg.n = 1;
	lg.window = 64;
	lg.timeout_s = 30;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			return usage();
		if (strcmp(a, "--connect") == 0)
			connect_to = v;
		else if (strcmp(a, "--user") == 0)
			lg.user = v;
		else if (strcmp(a, "--password-file") == 0)
			pwfile = v;
		else if (strcmp(a, "--sessions") == 0)
			lg.n = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(a, "--window") == 0)
			lg.window = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(a, "--cycles") == 0)
			lg.cycles = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(a, "--ipv6") == 0) {
			/* PREFIX/ADDR: our /64 and the server's address */
			char p6[INET6_ADDRSTRLEN * 2 + 2], *sl;

			if (strlen(v) >= sizeof p6)
				return usage();
			strcpy(p6, v);
			sl = strchr(p6, '/');
			if (sl == NULL)
				return usage();
			*sl = '\0';
			if (inet_pton(AF_INET6, p6, lg.prefix6) != 1 ||
			    inet_pton(AF_INET6, sl + 1, lg.srv6) != 1)
				return usage();
			lg.v6 = true;
		} else if (strcmp(a, "--timeout") == 0)
			lg.timeout_s = (unsigned)strtoul(v, NULL, 10);
		else
			return usage();
		i++;
	}
	if (connect_to == NULL || lg.user == NULL || pwfile == NULL ||
	    lg.n == 0 || lg.n > 65535 || lg.window == 0 ||
	    strlen(connect_to) >= sizeof host)
		return usage();
	if (read_password(&lg, pwfile) < 0) {
		fprintf(stderr, "loadgen: cannot read %s\n", pwfile);
		return 2;
	}
	strcpy(host, connect_to);
	colon = strrchr(host, ':');
	if (colon == NULL)
		return usage();
	*colon = '\0';
	lg.sa.sin_family = AF_INET;
	lg.sa.sin_port = htons((uint16_t)strtoul(colon + 1, NULL, 10));
	if (inet_pton(AF_INET, host, &lg.sa.sin_addr) != 1)
		return usage();
	log_open(&lc);
	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	lg.ctx = SSL_CTX_new(TLS_client_method());
	if (lg.ctx == NULL)
		return 2;
	SSL_CTX_set_min_proto_version(lg.ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(lg.ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(lg.ctx, SSL_MODE_RELEASE_BUFFERS);
	lg.base = event_base_new();
	if (lg.base == NULL)
		return 2;
	if (lg.cycles == 0) {
		lg.s = calloc(lg.n, sizeof *lg.s);
		if (lg.s == NULL)
			return 2;
	}
	lg.deadline = evtimer_new(lg.base, lg_deadline_cb, &lg);
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	lg.stdin_ev = event_new(lg.base, 0, EV_READ | EV_PERSIST, lg_stdin_cb,
	    &lg);
	if (lg.cycles == 0)
		event_add(lg.stdin_ev, NULL);
	lg.t0 = clock_now_ms();
	lg_next(&lg);
	event_base_dispatch(lg.base);
	rc = lg.failed == 0 ? 0 : 1;
	explicit_bzero(lg.password, sizeof lg.password);
	if (lg.first_err[0] != '\0')
		fprintf(stderr, "loadgen: first failure: %s\n", lg.first_err);
	return rc;
}
