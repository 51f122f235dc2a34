/*
 * test_pppdsrv.c - sstpd's pppd backend (link/pppdsrv/pppdsrv.c) against a
 * fake session and a fake pppd.  Real pppd needs kernel PPP, which these
 * machines lack (the qemu tier runs the real one), so this test binary is
 * also its own pppd: run with FAKE_PPPD=<mode> in the environment (the link
 * execs it as pppd_path), it writes its argv to $FAKE_ARGV, speaks async
 * HDLC on the tty it was given (its own small codec, not wire/hdlc.c),
 * sends an LCP Configure-Request, reports MPPE keys on the sstp-sock
 * socket in the plugin's byte layout (include/sstpc-plugin.h, built here by
 * hand) and echoes every frame it receives.  Modes:
 *   echo        as above; SIGTERM -> an LCP Terminate-Request, exit 5
 *   nokeys      as echo, but an AUTH without keys (PAP)
 *   exit19      the Configure-Request, then exit 19 (auth failure)
 *   ignoreterm  as echo, but SIGTERM is ignored (SIGKILL must come)
 * Checked: pppd's argv; frames both ways (escaping included) and held
 * until ppp_start; the keys swapped into the client's orientation; an
 * orderly stop (SIGTERM, status 5 -> OK, pppd's last frame forwarded
 * even though the full server stream paused reading the pty);
 * SIGKILL after kill_grace_ms; exit 19 -> LINK_END_AUTH; free kills and
 * reaps; no zombie and no socket file left (/proc, waitpid ECHILD).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <event2/event.h>

#include "link/link.h"
#include "link/pppdsrv/pppdsrv.h"
#include "ppp/ppp_snoop.h"
#include "harness.h"

#define REC_MAX		16
#define REC_FRAME	512

/* --- the fake pppd (a child process) ------------------------------------- */

static volatile sig_atomic_t fake_term;

/* SIGTERM in the fake pppd. */
static void
fake_on_term(int sig)
{
	fake_term = 1;
}

/* FCS-16 of RFC 1662 C.2, bit by bit (independent of wire/hdlc.c). */
static uint16_t
fake_fcs(uint16_t fcs, const uint8_t *p, size_t n)
{
	int i;

	while (n-- > 0) {
		fcs ^= *p++;
		for (i = 0; i < 8; i++)
			fcs = (fcs & 1) ? (fcs >> 1) ^ 0x8408 : fcs >> 1;
	}
	return fcs;
}

/* Append one escaped octet (every control character escaped). */
static size_t
fake_put(uint8_t *out, size_t o, uint8_t c)
{
	if (c < 0x20 || c == 0x7d || c == 0x7e) {
		out[o++] = 0x7d;
		out[o++] = c ^ 0x20;
	} else
		out[o++] = c;
	return o;
}

/* Write one frame to the tty, HDLC-framed. */
static void
fake_send(int fd, const uint8_t *f, size_t len)
{
	uint8_t out[2 * REC_FRAME + 8];
	uint16_t fcs = ~fake_fcs(0xffff, f, len);
	size_t i, o = 0;

	out[o++] = 0x7e;
	for (i = 0; i < len; i++)
		o = fake_put(out, o, f[i]);
	o = fake_put(out, o, fcs & 0xff);
	o = fake_put(out, o, fcs >> 8);
	out[o++] = 0x7e;
	/* A hung-up line fails the write: pppd goes on to its exit. */
	if (write(fd, out, o) != (ssize_t)o)
		return;
}

/* Report keys like the plugin: AUTH, two attributes, wait for the ACK. */
static void
fake_report_keys(const char *path, bool keys)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	uint8_t m[8 + 2 * 20], ack[8];
	uint32_t magic = 0x73737470;
	uint16_t v;
	size_t n = 8, off;
	ssize_t r;
	int fd;

	memcpy(m, &magic, 4);		/* host order, like 1.0.18 */
	if (keys) {
		v = 1; memcpy(m + n, &v, 2);		/* MPPE_SEND */
		v = 16; memcpy(m + n + 2, &v, 2);
		memset(m + n + 4, 0x11, 16);
		n += 20;
		v = 2; memcpy(m + n, &v, 2);		/* MPPE_RECV */
		v = 16; memcpy(m + n + 2, &v, 2);
		memset(m + n + 4, 0x22, 16);
		n += 20;
	}
	v = (uint16_t)(n - 8); memcpy(m + 4, &v, 2);
	v = 1; memcpy(m + 6, &v, 2);			/* AUTH */
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    write(fd, m, n) != (ssize_t)n)
		_exit(96);
	for (off = 0; off < sizeof ack; off += (size_t)r) {
		r = read(fd, ack + off, sizeof ack - off);
		if (r <= 0)
			_exit(95);
	}
	memcpy(&v, ack + 6, 2);
	if (memcmp(ack, &magic, 4) != 0 || v != 3)	/* ACK */
		_exit(94);
	close(fd);
}

/* The fake pppd's main: see the top of the file. */
static int
fake_pppd(int argc, char **argv, const char *mode)
{
	static const uint8_t confreq[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01,
	    0x00, 0x0a, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t termreq[] = { 0xff, 0x03, 0xc0, 0x21, 0x05, 0x02,
	    0x00, 0x04 };
	const char *sock = NULL, *out = getenv("FAKE_ARGV");
	uint8_t buf[4096], fr[REC_FRAME + 2];
	size_t flen = 0;
	bool esc = false, ignore = strcmp(mode, "ignoreterm") == 0;
	struct pollfd pfd;
	FILE *f;
	int i, fd;

	if (out != NULL && (f = fopen(out, "w")) != NULL) {
		for (i = 0; i < argc; i++)
			fprintf(f, "%s\n", argv[i]);
		fclose(f);
	}
	for (i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "sstp-sock") == 0)
			sock = argv[i + 1];
	signal(SIGTERM, ignore ? SIG_IGN : fake_on_term);
	if (argc < 2 || (fd = open(argv[1], O_RDWR | O_NOCTTY)) < 0)
		return 93;
	fake_send(fd, confreq, sizeof confreq);
	if (strcmp(mode, "exit19") == 0)
		return 19;
	if (sock != NULL)
		fake_report_keys(sock, strcmp(mode, "nokeys") != 0);
	for (;;) {
		ssize_t n;
		size_t i2;

		if (fake_term) {
			fake_send(fd, termreq, sizeof termreq);
			return 5;	/* pppd(8): terminated by a signal */
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(fd, buf, sizeof buf);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return 16;	/* hangup */
		}
		for (i2 = 0; i2 < (size_t)n; i2++) {
			uint8_t c = buf[i2];

			if (c == 0x7e) {
				if (flen >= 4 && fake_fcs(0xffff, fr, flen) ==
				    0xf0b8)
					fake_send(fd, fr, flen - 2);
				flen = 0;
				esc = false;
			} else if (c == 0x7d)
				esc = true;
			else if (flen < sizeof fr) {
				fr[flen++] = esc ? c ^ 0x20 : c;
				esc = false;
			}
		}
	}
}

/* --- the fake session ------------------------------------------------------ */

struct rec {
	size_t	 len;
	uint8_t	 data[REC_FRAME];
};

struct fake_sess {
	struct rec		 to_srv[REC_MAX];
	int			 n_to_srv;
	int			 auth_calls;
	struct ppp_auth_keys	 keys;
	char			 how[128];
	int			 gone_calls;
	enum link_end		 gone_end;
	char			 gone_why[200];
	int			 fail_calls;
	bool			 full;		/* server stream full */
};

static struct fake_sess S;

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

static bool
up_server_full(void *arg)
{
	return ((struct fake_sess *)arg)->full;
}

static void
up_pause_server(void *arg, bool pause)
{
}

static void
up_auth_done(void *arg, const struct ppp_auth_keys *k, const char *how)
{
	struct fake_sess *s = arg;

	s->auth_calls++;
	s->keys = *k;
	snprintf(s->how, sizeof s->how, "%s", how);
}

static void
up_fail(void *arg, enum link_end end, const char *msg)
{
	((struct fake_sess *)arg)->fail_calls++;
}

static void
up_gone(void *arg, enum link_end end, const char *why)
{
	struct fake_sess *s = arg;

	s->gone_calls++;
	s->gone_end = end;
	snprintf(s->gone_why, sizeof s->gone_why, "%s", why);
}

static const struct link_up fake_up = {
	.to_server = up_to_server,
	.server_full = up_server_full,
	.pause_server = up_pause_server,
	.auth_done = up_auth_done,
	.fail = up_fail,
	.gone = up_gone,
};

/* --- the rig ---------------------------------------------------------------- */

static char self_exe[PATH_MAX];
static char sock_dir[256];
static char argv_file[300];

struct rig {
	struct event_base	*base;
	struct event		*tick;
	struct link		*l;
	struct pppdsrv_conf	 conf;
	pid_t			 pid;
	char			 sock[300];
};

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
}

/* One turn of the loop, waiting at most ms. */
static void
spin(struct rig *r, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(r->tick, &tv);
	event_base_loop(r->base, EVLOOP_ONCE);
	evtimer_del(r->tick);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Spin until *count reaches want or ms pass. */
static bool
spin_until(struct rig *r, const int *count, int want, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;

	while (*count < want && now_ms() < end)
		spin(r, 20);
	return *count >= want;
}

/* Start a link whose pppd is this binary in mode. */
static enum link_end
rig_open(struct rig *r, const char *mode, unsigned grace_ms,
    const char *pppd_path)
{
	char err[256] = "";
	enum link_end e;

	memset(r, 0, sizeof *r);
	memset(&S, 0, sizeof S);
	unlink(argv_file);
	setenv("FAKE_PPPD", mode, 1);
	setenv("FAKE_ARGV", argv_file, 1);
	r->base = event_base_new();
	r->tick = evtimer_new(r->base, tick_cb, NULL);
	r->conf.pppd_path = pppd_path != NULL ? pppd_path : self_exe;
	r->conf.options_file = "/etc/ppp/sstpd-options";
	r->conf.plugin_path = "/usr/lib/pppd/2.4.9/sstp-pppd-plugin.so";
	r->conf.sock_dir = sock_dir;
	r->conf.local4 = htonl(0xc0000201);	/* 192.0.2.1 */
	r->conf.peer4 = htonl(0xc0000263);	/* 192.0.2.99 */
	r->conf.client_addr = "192.0.2.200";
	r->conf.session_id = "{4F2A-77}";
	r->conf.kill_grace_ms = grace_ms;
	r->l = pppdsrv_link_new(r->base, &r->conf, &fake_up, &S);
	ASSERT_PTR_NOT_NULL(r->l);
	if (r->l == NULL)
		return LINK_END_INTERNAL;
	e = link_start(r->l, err, sizeof err);
	unsetenv("FAKE_PPPD");
	if (e == LINK_END_OK) {
		r->pid = link_child_pid(r->l);
		snprintf(r->sock, sizeof r->sock, "%s", link_sock_path(r->l));
	}
	return e;
}

static void
rig_close(struct rig *r)
{
	link_free(r->l);
	event_free(r->tick);
	event_base_free(r->base);
}

/* The child was reaped by the link: no process, no zombie. */
static void
assert_reaped(pid_t pid)
{
	char path[64];

	ASSERT_INT_NE(pid, 0);
	snprintf(path, sizeof path, "/proc/%ld", (long)pid);
	TH_CHECK(access(path, F_OK) < 0, "%s still exists (zombie?)", path);
	errno = 0;
	ASSERT_INT_EQ(waitpid(pid, NULL, WNOHANG), -1);
	ASSERT_INT_EQ(errno, ECHILD);
}

/* pppd's argv as the fake wrote it, joined by spaces. */
static void
read_argv(char *buf, size_t len)
{
	FILE *f = fopen(argv_file, "r");
	size_t n = 0, i;

	buf[0] = '\0';
	if (f == NULL)
		return;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (i = 0; i < n; i++)
		if (buf[i] == '\n')
			buf[i] = ' ';
}

/* --- cases ------------------------------------------------------------------ */

static void
test_session(void)
{
	static const uint8_t confreq[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01,
	    0x00, 0x0a, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t termreq[] = { 0xff, 0x03, 0xc0, 0x21, 0x05, 0x02,
	    0x00, 0x04 };
	uint8_t data[300], want_send[16], want_recv[16];
	char args[PATH_MAX + 1024], want[PATH_MAX + 1024];
	struct rig r;
	struct stat st;
	size_t i;
	int n;

	TEST_START("pppdsrv: argv, frames both ways, keys swapped, SIGTERM");
	ASSERT_INT_EQ(rig_open(&r, "echo", 3000, NULL), LINK_END_OK);
	ASSERT_INT_EQ(stat(r.sock, &st), 0);
	ASSERT_TRUE(S_ISSOCK(st.st_mode));
	ASSERT_INT_EQ(st.st_mode & 0777, 0600);
	/* The keys come while the frames are still held (no ppp_start). */
	ASSERT_TRUE(spin_until(&r, &S.auth_calls, 1, 5000));
	for (i = 0; i < 5; i++)
		spin(&r, 20);
	ASSERT_INT_EQ(S.n_to_srv, 0);
	/* pppd's send key (0x11) is the client's receive key. */
	memset(want_send, 0x22, sizeof want_send);
	memset(want_recv, 0x11, sizeof want_recv);
	ASSERT_INT_EQ(S.keys.send_len, 16);
	ASSERT_INT_EQ(S.keys.recv_len, 16);
	ASSERT_MEM_EQ(S.keys.send, want_send, 16);
	ASSERT_MEM_EQ(S.keys.recv, want_recv, 16);
	read_argv(args, sizeof args);
	snprintf(want, sizeof want, "%s /dev/pts/", self_exe);
	TH_CHECK(strncmp(args, want, strlen(want)) == 0, "argv: %s", args);
	snprintf(want, sizeof want, " nodetach auth file "
	    "/etc/ppp/sstpd-options 192.0.2.1:192.0.2.99 remotenumber "
	    "192.0.2.200 ipparam _4F2A-77_ nodefaultroute plugin "
	    "/usr/lib/pppd/2.4.9/sstp-pppd-plugin.so sstp-sock %s "
	    , r.sock);
	TH_CHECK(strstr(args, want) != NULL && strlen(strstr(args, want)) ==
	    strlen(want), "argv: %s\nwant ...%s", args, want);
	TH_CHECK(strstr(r.sock, "/sstpd-_4F2A-77_") != NULL, "sock %s",
	    r.sock);

	/* PPP may flow: the held Configure-Request goes up. */
	link_ppp_start(r.l);
	ASSERT_TRUE(spin_until(&r, &S.n_to_srv, 1, 2000));
	ASSERT_INT_EQ(S.to_srv[0].len, sizeof confreq);
	ASSERT_MEM_EQ(S.to_srv[0].data, confreq, sizeof confreq);
	/* A frame with every octet value that needs escaping, and more. */
	data[0] = 0xff;
	data[1] = 0x03;
	data[2] = 0x00;
	data[3] = 0x21;
	for (i = 4; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7);
	data[10] = 0x7e;
	data[11] = 0x7d;
	ASSERT_INT_EQ(link_from_server(r.l, data, sizeof data), 0);
	ASSERT_TRUE(spin_until(&r, &S.n_to_srv, 2, 3000));
	ASSERT_INT_EQ(S.to_srv[1].len, sizeof data);
	ASSERT_MEM_EQ(S.to_srv[1].data, data, sizeof data);

	/*
	 * Orderly stop: SIGTERM, pppd's Terminate-Request, status 5.  The
	 * server stream is full, so the link does not read pppd: the last
	 * frame must still be read from the pty when pppd is reaped.
	 */
	S.full = true;
	link_server_drained(r.l);
	link_stop(r.l, LINK_STOP_ORDERLY);
	ASSERT_TRUE(spin_until(&r, &S.gone_calls, 1, 3000));
	ASSERT_INT_EQ(S.gone_end, LINK_END_OK);
	TH_CHECK(strstr(S.gone_why, "exit status 5") != NULL, "why: %s",
	    S.gone_why);
	n = S.n_to_srv;
	ASSERT_INT_EQ(n, 3);
	ASSERT_INT_EQ(S.to_srv[2].len, sizeof termreq);
	ASSERT_MEM_EQ(S.to_srv[2].data, termreq, sizeof termreq);
	ASSERT_TRUE(link_done(r.l));
	ASSERT_INT_EQ(link_child_pid(r.l), 0);
	assert_reaped(r.pid);
	ASSERT_INT_EQ(S.gone_calls, 1);
	rig_close(&r);
	TH_CHECK(access(r.sock, F_OK) < 0, "socket %s left behind", r.sock);
	ASSERT_INT_EQ(S.fail_calls, 0);
	TEST_DONE();
}

static void
test_peer_name(void)
{
	/* PAP Authenticate-Request: Peer-ID "bob", Password "pw". */
	static const uint8_t pap[] = { 0xc0, 0x23, 0x01, 0x07, 0x00, 0x0b,
	    0x03, 'b', 'o', 'b', 0x02, 'p', 'w' };
	/* CHAP Response: a 4-octet value, Name "carol". */
	static const uint8_t chap[] = { 0xff, 0x03, 0xc2, 0x23, 0x02, 0x01,
	    0x00, 0x0e, 0x04, 1, 2, 3, 4, 'c', 'a', 'r', 'o', 'l' };
	/* EAP Response/Identity "dave\x01". */
	static const uint8_t eap[] = { 0xc2, 0x27, 0x02, 0x01, 0x00, 0x0a,
	    0x01, 'd', 'a', 'v', 'e', 0x01 };
	/* A CHAP Challenge (from the authenticator) and a truncated PAP. */
	static const uint8_t chal[] = { 0xc2, 0x23, 0x01, 0x01, 0x00, 0x0a,
	    0x01, 0x55, 's', 'r' };
	static const uint8_t shortpap[] = { 0xc0, 0x23, 0x01, 0x07, 0x00,
	    0x08, 0x09, 'b', 'o', 'b' };
	char name[64];

	TEST_START("snoop: the peer's name in PAP, CHAP and EAP Identity");
	ASSERT_TRUE(ppp_snoop_peer_name(pap, sizeof pap, name, sizeof name));
	ASSERT_STR_EQ(name, "bob");
	ASSERT_TRUE(ppp_snoop_peer_name(chap, sizeof chap, name,
	    sizeof name));
	ASSERT_STR_EQ(name, "carol");
	ASSERT_TRUE(ppp_snoop_peer_name(eap, sizeof eap, name, sizeof name));
	ASSERT_STR_EQ(name, "dave?");
	ASSERT_FALSE(ppp_snoop_peer_name(chal, sizeof chal, name,
	    sizeof name));
	ASSERT_FALSE(ppp_snoop_peer_name(shortpap, sizeof shortpap, name,
	    sizeof name));
	ASSERT_TRUE(ppp_snoop_peer_name(chap, sizeof chap, name, 4));
	ASSERT_STR_EQ(name, "car");
	TEST_DONE();
}

static void
test_nokeys(void)
{
	/* PAP Authenticate-Request: Peer-ID "bob" / "eve", Password "pw". */
	static const uint8_t pap[] = { 0xff, 0x03, 0xc0, 0x23, 0x01, 0x07,
	    0x00, 0x0b, 0x03, 'b', 'o', 'b', 0x02, 'p', 'w' };
	static const uint8_t pap2[] = { 0xff, 0x03, 0xc0, 0x23, 0x01, 0x08,
	    0x00, 0x0b, 0x03, 'e', 'v', 'e', 0x02, 'p', 'w' };
	struct rig r;

	TEST_START("pppdsrv: an AUTH without keys is a zero-key report");
	ASSERT_INT_EQ(rig_open(&r, "nokeys", 3000, NULL), LINK_END_OK);
	/* The client's name: not the user until pppd accepted it. */
	ASSERT_INT_EQ(link_from_server(r.l, pap, sizeof pap), 0);
	ASSERT_PTR_NULL(pppdsrv_link_user(r.l));
	ASSERT_TRUE(spin_until(&r, &S.auth_calls, 1, 5000));
	TH_CHECK(pppdsrv_link_user(r.l) != NULL &&
	    strcmp(pppdsrv_link_user(r.l), "bob") == 0, "user %s",
	    pppdsrv_link_user(r.l) != NULL ? pppdsrv_link_user(r.l) : "NULL");
	/* A name given after the success does not replace it. */
	ASSERT_INT_EQ(link_from_server(r.l, pap2, sizeof pap2), 0);
	ASSERT_STR_EQ(pppdsrv_link_user(r.l), "bob");
	ASSERT_INT_EQ(S.keys.send_len, 0);
	ASSERT_INT_EQ(S.keys.recv_len, 0);
	link_stop(r.l, LINK_STOP_HANGUP);
	ASSERT_TRUE(spin_until(&r, &S.gone_calls, 1, 3000));
	TH_CHECK(S.gone_end == LINK_END_OK, "end %d: %s", S.gone_end,
	    S.gone_why);
	assert_reaped(r.pid);
	rig_close(&r);
	TEST_DONE();
}

static void
test_exit19(void)
{
	struct rig r;

	TEST_START("pppdsrv: pppd exit 19 is LINK_END_AUTH, reaped");
	ASSERT_INT_EQ(rig_open(&r, "exit19", 3000, NULL), LINK_END_OK);
	ASSERT_TRUE(spin_until(&r, &S.gone_calls, 1, 5000));
	ASSERT_INT_EQ(S.gone_end, LINK_END_AUTH);
	TH_CHECK(strstr(S.gone_why, "exit status 19") != NULL, "why: %s",
	    S.gone_why);
	ASSERT_INT_EQ(S.auth_calls, 0);
	ASSERT_TRUE(link_done(r.l));
	assert_reaped(r.pid);
	rig_close(&r);
	TEST_DONE();
}

static void
test_sigkill(void)
{
	struct rig r;
	uint64_t t0, dt;

	TEST_START("pppdsrv: SIGKILL after kill_grace_ms, reaped");
	ASSERT_INT_EQ(rig_open(&r, "ignoreterm", 400, NULL), LINK_END_OK);
	ASSERT_TRUE(spin_until(&r, &S.auth_calls, 1, 5000));
	t0 = now_ms();
	link_stop(r.l, LINK_STOP_ORDERLY);
	spin(&r, 100);
	ASSERT_INT_EQ(S.gone_calls, 0);		/* SIGTERM was ignored */
	ASSERT_TRUE(spin_until(&r, &S.gone_calls, 1, 3000));
	dt = now_ms() - t0;
	TH_CHECK(dt >= 350, "gone after %llu ms", (unsigned long long)dt);
	ASSERT_INT_EQ(S.gone_end, LINK_END_OK);	/* we killed it */
	TH_CHECK(strstr(S.gone_why, "signal 9") != NULL, "why: %s",
	    S.gone_why);
	assert_reaped(r.pid);
	rig_close(&r);
	TEST_DONE();
}

static void
test_free_reaps(void)
{
	struct rig r;
	pid_t pid;

	TEST_START("pppdsrv: free with pppd running kills and reaps it");
	ASSERT_INT_EQ(rig_open(&r, "ignoreterm", 3000, NULL), LINK_END_OK);
	ASSERT_TRUE(spin_until(&r, &S.auth_calls, 1, 5000));
	pid = r.pid;
	rig_close(&r);
	assert_reaped(pid);
	TH_CHECK(access(r.sock, F_OK) < 0, "socket %s left behind", r.sock);
	TEST_DONE();
}

static void
test_bad_path(void)
{
	struct rig r;

	TEST_START("pppdsrv: a pppd that cannot be run is LINK_END_PPP");
	ASSERT_INT_EQ(rig_open(&r, "echo", 3000, "/nonexistent/pppd"),
	    LINK_END_PPP);
	ASSERT_TRUE(link_done(r.l));
	ASSERT_INT_EQ(link_child_pid(r.l), 0);
	rig_close(&r);
	TEST_DONE();
}

int
main(int argc, char **argv)
{
	const char *mode = getenv("FAKE_PPPD");
	char cwd[200];
	ssize_t n;

	if (mode != NULL)
		return fake_pppd(argc, argv, mode);
	/* argv[0], not /proc/self/exe: under valgrind that is valgrind. */
	if (realpath(argv[0], self_exe) == NULL) {
		n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
		self_exe[n > 0 ? n : 0] = '\0';
	}
	if (self_exe[0] == '\0' || getcwd(cwd, sizeof cwd) == NULL) {
		printf("SKIP: cannot find this program or the cwd\n");
		return 77;
	}
	/* The key socket's directory (0700 from mkdtemp), short for sun_path. */
	snprintf(sock_dir, sizeof sock_dir, "%s/pppdsrv.XXXXXX", cwd);
	if (mkdtemp(sock_dir) == NULL) {
		printf("SKIP: mkdtemp: %s\n", strerror(errno));
		return 77;
	}
	snprintf(argv_file, sizeof argv_file, "%s/argv", sock_dir);
	test_session();
	test_peer_name();
	test_nokeys();
	test_exit19();
	test_sigkill();
	test_free_reaps();
	test_bad_path();
	unlink(argv_file);
	rmdir(sock_dir);
	return test_exit();
}
