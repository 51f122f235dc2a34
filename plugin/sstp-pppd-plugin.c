/*
 * sstp-pppd-plugin.c - the pppd plugin that hands sstpc the MPPE keys for
 * the SSTP crypto binding (MS-SSTP 3.2.5.2: the HLAK comes from the PPP
 * authentication; REFERENCE-CLIENT.md 3.3, 3.4; STYLE.md 8.19).
 *
 * Load it with "plugin sstp-pppd-plugin.so sstp-sock <path>".  When the
 * link has authenticated (auth-up), the plugin copies pppd's MPPE send and
 * receive keys, sends them to sstpc's sstp-api unix socket as an AUTH
 * message (include/sstpc-plugin.h; no attribute when pppd has no keys: PAP,
 * CHAP-MD5), waits for the 8-octet ACK, and wipes every copy.
 *
 * Differences from sstp-client 1.0.18's plugin, on purpose:
 * - the wait is bounded (SSTP_PLUGIN_TIMEOUT_MS for connect, send and the
 *   ACK together): pppd runs notifiers synchronously, so a stuck sstpc must
 *   not freeze the PPP link;
 * - a failure is a warn(), never fatal(): 1.0.18 killed pppd, which turned
 *   a crypto-binding problem into an unexplained link loss;
 * - AUTH is sent exactly once per link: on auth-up, or at ip-up/ipv6-up if
 *   auth-up never fired (old pppd notified auth-up only when the PEER had to
 *   authenticate); the state is reset when the link goes down (persist);
 * - keys are read, never written (NetworkManager-sstp's 2023 port swapped
 *   memcpy's arguments and overwrote pppd's keys: REFERENCE-CLIENT.md 3.4);
 * - only plugin_init and pppd_version are exported (built with
 *   -fvisibility=hidden; the codec linked in stays private).
 *
 * On sstpd's side (its pppd backend, link/pppdsrv/pppdsrv.c) the same
 * plugin runs in the pppd that authenticates the client: pppd notifies
 * auth-up in its network phase when it made the peer authenticate, before
 * CCP starts, so the keys are intact there too.  They are pppd's own, in
 * the server's orientation (pppd's send key is the client's receive
 * key); the plugin sends them as they are and sstpd swaps them.
 *
 * Two pppd APIs are supported, chosen at compile time:
 * - pppd 2.5 (pppdconf.h defines PPPD_VERSION): ppp_add_options,
 *   ppp_add_notify(NF_AUTH_UP, ...), mppe_keys_isset, mppe_get_send_key,
 *   mppe_get_recv_key (up to 32 octets, e.g. EAP-TLS);
 * - pppd 2.4.9 (Debian 12; patchlevel.h defines VERSION): add_options,
 *   add_notifier(&auth_up_notifier, ...) and the globals mppe_send_key,
 *   mppe_recv_key (MPPE_MAX_KEY_LEN = 16 octets) and mppe_keys_set.
 *
 * XX: pppd's plugin API needs static storage: pppd_version[], the option
 * table (pppd writes its source/priority fields) and the option's target.
 * All of the plugin's state is the one struct sstp_plugin below, handed to
 * every notifier as its context.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

/* config.h's VERSION is sstpc's; pppd 2.4.9's patchlevel.h defines its own. */
#undef VERSION

/* pppd's headers are not -Wstrict-prototypes clean ("bool debug_on();"). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wundef"
#include <pppd/pppd.h>
#if defined(PPPD_VERSION)
#define SSTP_PPPD_25		1
#define SSTP_PPPD_VERSION	PPPD_VERSION
#include <pppd/options.h>
#include <pppd/mppe.h>
#else
#define SSTP_PPPD_25		0
#define SSTP_PPPD_VERSION	VERSION
#ifndef MPPE
/* chap_ms.h declares the key globals only with MPPE defined. */
#define MPPE			1
#endif
#include <pppd/chap_ms.h>
#endif
#pragma GCC diagnostic pop

/* After pppd's headers: 2.4.9 typedefs bool, stdbool.h then redefines it. */
#include "util/buf.h"
#include "sstpc-plugin.h"

/* Connect + send AUTH + receive the ACK, in total. */
#define SSTP_PLUGIN_TIMEOUT_MS	3000
/* Largest MPPE key pppd hands out (2.5: MPPE_MAX_KEY_SIZE; 2.4.9: 16). */
#define SSTP_PLUGIN_KEY_MAX	32
/* An AUTH with two keys of SSTP_PLUGIN_KEY_MAX octets fits. */
#define SSTP_PLUGIN_MSG_MAX	(SSTP_API_HDR_LEN + \
	2 * (SSTP_API_ATTR_HDR_LEN + SSTP_PLUGIN_KEY_MAX))

/* The plugin's state; one per pppd process. */
struct sstp_plugin {
	char	*sock_path;	/* "sstp-sock" option (pppd-owned string) */
	int	 sent;		/* AUTH attempted on this link */
	int	 auth_up;	/* auth-up fired on this link */
};

#define SSTP_PLUGIN_EXPORT	__attribute__((visibility("default")))

SSTP_PLUGIN_EXPORT int	plugin_init(void);

/* pppd refuses a plugin whose pppd_version differs from its own. */
SSTP_PLUGIN_EXPORT char pppd_version[] = SSTP_PPPD_VERSION;

static struct sstp_plugin sstp_plugin_state;

static char sstp_opt_sock[] = "sstp-sock";
static char sstp_opt_sock_desc[] =
    "path of sstpc's sstp-api socket that receives the MPPE keys";

static option_t sstp_plugin_options[] = {
	{
		.name = sstp_opt_sock,
		.type = o_string,
		.addr = &sstp_plugin_state.sock_path,
		.description = sstp_opt_sock_desc,
		/* Only root or an options file may say where keys go. */
		.flags = OPT_PRIV,
	},
	{ .name = NULL }
};

/* sstp_plugin_log() levels. */
#define SSTP_LOG_DEBUG	0
#define SSTP_LOG_INFO	1
#define SSTP_LOG_WARN	2

/*
 * Log through pppd.  pppd 2.4.9 declares its loggers with a non-const
 * format, so the format is a (writable) local array, never a literal.
 */
static void
sstp_plugin_log(int level, const char *fmt, ...)
{
	char pfx_fmt[] = "sstp-plugin: %s";
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (level >= SSTP_LOG_WARN)
		warn(pfx_fmt, msg);
	else if (level == SSTP_LOG_INFO)
		info(pfx_fmt, msg);
	else
		dbglog(pfx_fmt, msg);
}

/* Milliseconds left until deadline (CLOCK_MONOTONIC), at least 0. */
static int
sstp_plugin_ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	if (ms < 0)
		return 0;
	return ms > SSTP_PLUGIN_TIMEOUT_MS ? SSTP_PLUGIN_TIMEOUT_MS : (int)ms;
}

/*
 * Copy pppd's MPPE keys into send/recv (SSTP_PLUGIN_KEY_MAX octets each) and
 * set their lengths; both 0 when pppd has none.  Reads pppd's keys only.
 */
static void
sstp_plugin_get_keys(uint8_t *send, size_t *send_len, uint8_t *recv,
    size_t *recv_len)
{
	*send_len = *recv_len = 0;
#if SSTP_PPPD_25
	{
		int n;

		if (!mppe_keys_isset())
			return;
		n = mppe_get_send_key(send, SSTP_PLUGIN_KEY_MAX);
		*send_len = n > 0 ? (size_t)n : 0;
		n = mppe_get_recv_key(recv, SSTP_PLUGIN_KEY_MAX);
		*recv_len = n > 0 ? (size_t)n : 0;
	}
#else
	_Static_assert(sizeof mppe_send_key <= SSTP_PLUGIN_KEY_MAX &&
	    sizeof mppe_recv_key <= SSTP_PLUGIN_KEY_MAX, "MPPE key size");
	if (!mppe_keys_set)
		return;
	memcpy(send, mppe_send_key, sizeof mppe_send_key);	/* dst, src */
	*send_len = sizeof mppe_send_key;
	memcpy(recv, mppe_recv_key, sizeof mppe_recv_key);
	*recv_len = sizeof mppe_recv_key;
#endif
}

/* Wait for events on fd until the deadline: 0, -ETIMEDOUT or -errno. */
static int
sstp_plugin_wait(int fd, short events, const struct timespec *deadline)
{
	struct pollfd pfd;
	int n;

	for (;;) {
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, sstp_plugin_ms_left(deadline));
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/*
 * Connect to path, send msg[0..len) and wait for an ACK header, all before
 * the deadline.  Returns 0 or a negative errno (-EPROTO: not an ACK).
 */
static int
sstp_plugin_exchange(const char *path, const uint8_t *msg, size_t len,
    const struct timespec *deadline)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sstp_api_hdr h;
	struct bcur cur;
	uint8_t ack[SSTP_API_HDR_LEN];
	size_t off;
	ssize_t n;
	int fd, r = 0;

	if (strlen(path) >= sizeof sun.sun_path)
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A full backlog answers EAGAIN: retry until the deadline. */
	while (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN || sstp_plugin_ms_left(deadline) == 0) {
			r = errno == EAGAIN ? -ETIMEDOUT : -errno;
			goto out;
		}
		usleep(10000);
	}
	for (off = 0; off < len; off += (size_t)n) {
		if ((r = sstp_plugin_wait(fd, POLLOUT, deadline)) != 0)
			goto out;
		n = send(fd, msg + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			n = 0;
			continue;
		}
		if (n < 0) {
			r = -errno;
			goto out;
		}
	}
	for (off = 0; off < sizeof ack; off += (size_t)n) {
		if ((r = sstp_plugin_wait(fd, POLLIN, deadline)) != 0)
			goto out;
		n = recv(fd, ack + off, sizeof ack - off, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			r = n == 0 ? -ECONNRESET : -errno;
			goto out;
		}
	}
	cur = bcur_make(ack, sizeof ack);
	if ((r = sstp_api_hdr_parse(&cur, &h)) == 0 &&
	    h.msg_type != SSTP_API_MSG_ACK)
		r = -EPROTO;
out:
	close(fd);
	return r;
}

/*
 * Send the AUTH message once per link.  why names the trigger for the log.
 * Never fatal: on any failure pppd goes on and sstpc decides (it sends no
 * Call Connected without the keys and ends the session itself).
 */
static void
sstp_plugin_send_auth(struct sstp_plugin *p, const char *why)
{
	uint8_t msg[SSTP_PLUGIN_MSG_MAX];
	uint8_t skey[SSTP_PLUGIN_KEY_MAX], rkey[SSTP_PLUGIN_KEY_MAX];
	size_t slen, rlen;
	struct timespec deadline;
	struct wbuf w;
	int r;

	if (p->sent)
		return;
	p->sent = 1;
	if (p->sock_path == NULL || p->sock_path[0] == '\0') {
		sstp_plugin_log(SSTP_LOG_WARN,
		    "no sstp-sock option: not sending the keys");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += SSTP_PLUGIN_TIMEOUT_MS / 1000;
	deadline.tv_nsec += (SSTP_PLUGIN_TIMEOUT_MS % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}

	sstp_plugin_get_keys(skey, &slen, rkey, &rlen);
	wbuf_init(&w, msg, sizeof msg);
	r = sstp_api_build_auth(&w, skey, slen, rkey, rlen);
	explicit_bzero(skey, sizeof skey);
	explicit_bzero(rkey, sizeof rkey);
	if (r == 0)
		r = sstp_plugin_exchange(p->sock_path, msg, w.len, &deadline);
	explicit_bzero(msg, sizeof msg);
	if (r != 0)
		sstp_plugin_log(SSTP_LOG_WARN,
		    "sending the keys to %s at %s failed: %s", p->sock_path,
		    why, r == -ETIMEDOUT ? "no answer from sstpc" :
		    strerror(-r));
	else
		sstp_plugin_log(SSTP_LOG_INFO, "%s sent to sstpc at %s",
		    slen + rlen > 0 ? "MPPE keys" : "auth without keys", why);
}

/* auth-up: the link is authenticated and CCP has not run yet. */
static void
sstp_plugin_auth_up(void *ctx, int arg)
{
	struct sstp_plugin *p = ctx;

	p->auth_up = 1;
	sstp_plugin_send_auth(p, "auth-up");
}

/*
 * ip-up / ipv6-up: the fallback if auth-up never fired.  CCP may have
 * cleared the keys by now; then the AUTH carries none (zero HLAK).
 */
static void
sstp_plugin_net_up(void *ctx, int arg)
{
	struct sstp_plugin *p = ctx;

	if (!p->auth_up && !p->sent)
		sstp_plugin_log(SSTP_LOG_WARN,
		    "auth-up was not notified: sending at network-up");
	sstp_plugin_send_auth(p, "network-up");
}

/* link-down: a new link (pppd persist) gets its own AUTH. */
static void
sstp_plugin_link_down(void *ctx, int arg)
{
	struct sstp_plugin *p = ctx;

	p->sent = 0;
	p->auth_up = 0;
}

/* pppd entry point: register the option and the notifiers. */
int
plugin_init(void)
{
	struct sstp_plugin *p = &sstp_plugin_state;

#if SSTP_PPPD_25
	ppp_add_options(sstp_plugin_options);
	ppp_add_notify(NF_AUTH_UP, sstp_plugin_auth_up, p);
	ppp_add_notify(NF_IP_UP, sstp_plugin_net_up, p);
	ppp_add_notify(NF_IPV6_UP, sstp_plugin_net_up, p);
	ppp_add_notify(NF_LINK_DOWN, sstp_plugin_link_down, p);
#else
	add_options(sstp_plugin_options);
	add_notifier(&auth_up_notifier, sstp_plugin_auth_up, p);
	add_notifier(&ip_up_notifier, sstp_plugin_net_up, p);
	add_notifier(&ipv6_up_notifier, sstp_plugin_net_up, p);
	add_notifier(&link_down_notifier, sstp_plugin_link_down, p);
#endif
	sstp_plugin_log(SSTP_LOG_DEBUG, "loaded (pppd %s API)",
	    SSTP_PPPD_VERSION);
	return 0;
}
