/*
 * bench_pty.c - plays pppd for one client run of the pty benchmark.
 *
 * Like pppd's `pty' option it creates a pty, puts the slave in raw mode and
 * starts the client (argv after `--') with the MASTER as stdin and stdout;
 * it then reads and writes the slave as pppd's ppp_async would, in
 * async-HDLC with ACCM 0xFFFFFFFF (the default before LCP negotiates one).
 *
 *   1. wait for the server's LCP Configure-Request on the pty (the client
 *      has the Call Connect Ack and passes PPP frames);
 *   2. send the plugin's AUTH (16+16 byte MPPE keys, or none with
 *      --no-keys) on the sstp-api socket, as sstp-pppd-plugin.so does at
 *      auth_up; the client sends Call Connected, then ACKs;
 *   3. --mode up: write --frames benchmark frames (bench_payload.h) to the
 *      pty as fast as it takes them, then wait for the server's LCP
 *      Terminate-Request ("all received");
 *      --mode down: read frames until the server's Terminate-Request, check
 *      every byte, count lost, corrupt and duplicate frames;
 *      --mode idle: nothing (connect latency);
 *   4. close the slave (pppd hangs up), wait for the client to exit
 *      (SIGTERM after 10 s), and take its rusage from wait4().
 * cpu_connect is the client's CPU time up to the AUTH ACK (/proc/PID/stat,
 * clock-tick resolution), so that cpu - cpu_connect is the data phase.
 * One JSON object on stdout; times are CLOCK_MONOTONIC ns.
 *
 * Usage: bench_pty --mode up|down|idle --sock PATH [--frames N] [--ascii]
 *        [--no-keys] [--log FILE] [--timeout S] -- CLIENT ARGS...
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "bench_payload.h"
#include "util/buf.h"
#include "wire/hdlc.h"
#include "sstpc-plugin.h"

#define GEN_IO		(64 * 1024)
#define GEN_IDLE_NS	2000000000ULL	/* down: give up after 2 s quiet */
#define GEN_EXIT_NS	10000000000ULL	/* client exit after hang-up */
#define GEN_CONNECT_NS	3000000000ULL	/* spawn to the server's LCP cue */

enum gen_mode { GEN_UP, GEN_DOWN, GEN_IDLE };

struct gen {
	enum gen_mode	 mode;
	uint32_t	 nframes;
	bool		 keys;
	int		 slave;
	pid_t		 pid;
	struct bp_pool	*pool;
	uint8_t		*seen;
	struct hdlc_dec	 dec;
	struct hdlc_enc	 enc;
	uint8_t		 frame[8192];
	uint8_t		 io[GEN_IO];
	uint64_t	 deadline;
	bool		 got_lcp_req, got_end, child_gone, sigterm;
	int		 status;
	struct rusage	 ru;
	uint64_t	 t_spawn, t_lcp, t_ack, t_data0, t_written;
	uint64_t	 t_first, t_last, t_end, t_close, t_exit;
	uint64_t	 ok, corrupt, dup, other, bad_fcs;
	uint64_t	 cpu_ticks_data0, cpu_ticks_end;
	const char	*err;
};

static void
gen_die(const char *m)
{
	fprintf(stderr, "bench_pty: %s: %s\n", m, strerror(errno));
	exit(1);
}

/* utime + stime of a live process, in clock ticks (0 if unknown). */
static uint64_t
gen_proc_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* Fields after the ")" of comm: state is field 3, utime 14. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (i = 2; i < 14 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, "%llu %llu", &ut, &st) != 2)
		return 0;
	return ut + st;
}

/* Handle one decoded frame from the client. */
static void
gen_frame(struct gen *g, const uint8_t *f, size_t len)
{
	uint32_t seq;

	if (bp_is_lcp(f, len, 1)) {
		if (!g->got_lcp_req)
			g->t_lcp = bp_now_ns();
		g->got_lcp_req = true;
		return;
	}
	if (bp_is_lcp(f, len, 5)) {
		g->got_end = true;
		g->t_end = bp_now_ns();
		return;
	}
	switch (bp_check(g->pool, f, len, &seq)) {
	case BP_OK:
		if (g->ok + g->dup == 0)
			g->t_first = bp_now_ns();
		g->t_last = bp_now_ns();
		if (seq >= g->nframes || g->seen[seq])
			g->dup++;
		else {
			g->seen[seq] = 1;
			g->ok++;
		}
		break;
	case BP_CORRUPT:
		g->t_last = bp_now_ns();
		g->corrupt++;
		break;
	default:
		g->other++;
		break;
	}
}

/* Read what the pty has; returns -1 on EOF/error. */
static int
gen_read(struct gen *g)
{
	struct hdlc_frame fr;
	struct bcur in;
	ssize_t n;

	for (;;) {
		n = read(g->slave, g->io, sizeof g->io);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0)
			return -1;
		in = bcur_make(g->io, (size_t)n);
		while (hdlc_decode(&g->dec, &in, &fr) == 1)
			gen_frame(g, fr.data, fr.len);
	}
}

/* Has the client exited?  Reaps it with its rusage. */
static bool
gen_child_done(struct gen *g)
{
	pid_t p;

	if (g->child_gone)
		return true;
	p = wait4(g->pid, &g->status, WNOHANG, &g->ru);
	if (p == g->pid) {
		g->child_gone = true;
		g->t_exit = bp_now_ns();
	}
	return g->child_gone;
}

/* Poll the slave until cond(g) holds; false on timeout or client exit. */
static bool
gen_wait(struct gen *g, bool (*cond)(const struct gen *), uint64_t idle_ns)
{
	struct pollfd pfd = { .fd = g->slave, .events = POLLIN };
	uint64_t last = bp_now_ns(), seen = 0;

	while (!cond(g)) {
		uint64_t now = bp_now_ns();

		if (now >= g->deadline) {
			g->err = "timeout";
			return false;
		}
		if (idle_ns != 0 && g->ok + g->corrupt + g->dup != seen) {
			seen = g->ok + g->corrupt + g->dup;
			last = now;
		} else if (idle_ns != 0 && now - last > idle_ns) {
			g->err = "no more frames (idle timeout)";
			return false;
		}
		if (gen_child_done(g)) {
			g->err = "client exited early";
			return false;
		}
		if (poll(&pfd, 1, 20) > 0 && gen_read(g) < 0) {
			g->err = "pty closed";
			return false;
		}
	}
	return true;
}

static bool
gen_have_lcp(const struct gen *g)
{
	return g->got_lcp_req;
}

static bool
gen_have_end(const struct gen *g)
{
	return g->got_end;
}

/* The plugin's AUTH on the sstp-api socket; 0 when ACKed. */
static int
gen_auth(struct gen *g, const char *path)
{
	struct sockaddr_un sun;
	struct sstp_api_hdr h;
	struct pollfd pfd;
	uint8_t msg[128], ack[8], keys[32];
	struct wbuf w;
	struct bcur c;
	size_t got = 0;
	ssize_t n;
	int fd, i;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path)
		return -1;
	memcpy(sun.sun_path, path, strlen(path));
	for (i = 0; i < 16; i++)
		keys[i] = keys[i + 16] = (uint8_t)(0x11 * (i + 1));
	wbuf_init(&w, msg, sizeof msg);
	if (g->keys)
		sstp_api_build_auth(&w, keys, 16, keys + 16, 16);
	else
		sstp_api_build_auth(&w, NULL, 0, NULL, 0);
	if (wbuf_error(&w) != 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    write(fd, msg, w.len) != (ssize_t)w.len) {
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (got < sizeof ack) {
		if (poll(&pfd, 1, 10000) <= 0)
			break;
		n = read(fd, ack + got, sizeof ack - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	c = bcur_make(ack, got);
	if (got != sizeof ack || sstp_api_hdr_parse(&c, &h) < 0 ||
	    h.msg_type != SSTP_API_MSG_ACK)
		return -1;
	return 0;
}

/* Upload: write all frames, batched into GEN_IO-byte pty writes. */
static int
gen_upload(struct gen *g)
{
	uint8_t f[BP_FRAME_LEN], out[GEN_IO];
	struct pollfd pfd = { .fd = g->slave };
	struct wbuf w;
	uint32_t seq = 0;
	size_t off, len;
	ssize_t n;

	g->t_data0 = bp_now_ns();
	while (seq < g->nframes) {
		wbuf_init(&w, out, sizeof out);
		while (seq < g->nframes &&
		    w.cap - w.len >= hdlc_encode_bound(BP_FRAME_LEN)) {
			bp_frame(g->pool, seq++, f);
			hdlc_encode(&g->enc, &w, f, sizeof f);
		}
		len = w.len;
		for (off = 0; off < len; ) {
			n = write(g->slave, out + off, len - off);
			if (n > 0) {
				off += (size_t)n;
				continue;
			}
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				g->err = "pty write failed";
				return -1;
			}
			pfd.events = POLLOUT | POLLIN;
			if (poll(&pfd, 1, 100) > 0 && (pfd.revents & POLLIN))
				(void)gen_read(g);
			if (bp_now_ns() >= g->deadline) {
				g->err = "timeout writing the pty";
				return -1;
			}
			if (gen_child_done(g)) {
				g->err = "client exited early";
				return -1;
			}
		}
	}
	g->t_written = bp_now_ns();
	return 0;
}

/* Hang up and collect the client's exit and rusage. */
static void
gen_finish(struct gen *g)
{
	uint64_t t;

	if (!g->child_gone)
		g->cpu_ticks_end = gen_proc_ticks(g->pid);
	g->t_close = bp_now_ns();
	close(g->slave);
	g->slave = -1;
	/* A client stuck in its connect gets SIGTERM at once. */
	t = bp_now_ns() + (g->t_ack == 0 ? 0 : GEN_EXIT_NS);
	while (!gen_child_done(g) && bp_now_ns() < t)
		usleep(2000);
	if (!g->child_gone) {
		if (g->err == NULL)
			g->err = "client did not exit after hang-up: SIGTERM";
		g->sigterm = true;
		kill(g->pid, SIGTERM);
		t = bp_now_ns() + 3000000000ULL;
		while (!gen_child_done(g) && bp_now_ns() < t)
			usleep(2000);
	}
	if (!g->child_gone) {
		kill(g->pid, SIGKILL);
		if (wait4(g->pid, &g->status, 0, &g->ru) == g->pid)
			g->child_gone = true;
	}
}

static void
gen_report(struct gen *g)
{
	uint64_t lost = 0;
	double cpu = g->ru.ru_utime.tv_sec + g->ru.ru_utime.tv_usec / 1e6 +
	    g->ru.ru_stime.tv_sec + g->ru.ru_stime.tv_usec / 1e6;
	long tck = sysconf(_SC_CLK_TCK);

	if (g->mode == GEN_DOWN)
		lost = g->nframes - g->ok;
	g->bad_fcs = g->dec.stats.bad_fcs + g->dec.stats.aborted +
	    g->dec.stats.too_long + g->dec.stats.too_short;
	printf("{\"t_spawn\": %llu, \"t_lcp\": %llu, \"t_ack\": %llu, "
	    "\"t_data0\": %llu, \"t_written\": %llu, \"t_first\": %llu, "
	    "\"t_last\": %llu, \"t_end\": %llu, \"t_close\": %llu, "
	    "\"t_exit\": %llu, \"ok\": %llu, \"corrupt\": %llu, \"dup\": %llu, "
	    "\"lost\": %llu, \"other\": %llu, \"bad_fcs\": %llu, "
	    "\"cpu_user\": %.6f, \"cpu_sys\": %.6f, \"cpu\": %.6f, "
	    "\"cpu_data\": %.3f, \"cpu_connect\": %.3f, \"maxrss_kb\": %ld, "
	    "\"exit\": %d, "
	    "\"signal\": %d, \"sigterm\": %s, \"err\": \"%s\"}\n",
	    (unsigned long long)g->t_spawn, (unsigned long long)g->t_lcp,
	    (unsigned long long)g->t_ack, (unsigned long long)g->t_data0,
	    (unsigned long long)g->t_written, (unsigned long long)g->t_first,
	    (unsigned long long)g->t_last, (unsigned long long)g->t_end,
	    (unsigned long long)g->t_close, (unsigned long long)g->t_exit,
	    (unsigned long long)g->ok, (unsigned long long)g->corrupt,
	    (unsigned long long)g->dup, (unsigned long long)lost,
	    (unsigned long long)g->other, (unsigned long long)g->bad_fcs,
	    g->ru.ru_utime.tv_sec + g->ru.ru_utime.tv_usec / 1e6,
	    g->ru.ru_stime.tv_sec + g->ru.ru_stime.tv_usec / 1e6, cpu,
	    tck > 0 ? (double)(g->cpu_ticks_end - g->cpu_ticks_data0) / tck :
	    0.0, tck > 0 ? (double)g->cpu_ticks_data0 / tck : 0.0,
	    g->ru.ru_maxrss,
	    g->child_gone && WIFEXITED(g->status) ? WEXITSTATUS(g->status) : -1,
	    g->child_gone && WIFSIGNALED(g->status) ? WTERMSIG(g->status) : 0,
	    g->sigterm ? "true" : "false", g->err ? g->err : "");
}

/* Open the pty pair; the slave in raw mode like pppd leaves it. */
static int
gen_pty(int *slave)
{
	struct termios t;
	char *name;
	int m, s;

	if ((m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
	    grantpt(m) < 0 ||
	    unlockpt(m) < 0 || (name = ptsname(m)) == NULL)
		gen_die("pty");
	/* Only the master may reach the client: the slave is pppd's. */
	if ((s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		gen_die("pty slave");
	if (tcgetattr(s, &t) < 0)
		gen_die("tcgetattr");
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(s, TCSANOW, &t) < 0)
		gen_die("tcsetattr");
	*slave = s;
	return m;
}

static void
gen_usage(void)
{
	fprintf(stderr, "usage: bench_pty --mode up|down|idle --sock PATH "
	    "[--frames N] [--ascii] [--no-keys]\n"
	    "       [--log FILE] [--timeout S] -- CLIENT ARGS...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *sock = NULL, *logf = "/dev/null";
	struct gen *g;
	uint64_t dl;
	bool ascii = false;
	int i, master, logfd, timeout = 120;

	if ((g = calloc(1, sizeof *g)) == NULL)
		gen_die("calloc");
	g->mode = GEN_IDLE;
	g->nframes = 1000;
	g->keys = true;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--ascii") == 0)
			ascii = true;
		else if (strcmp(a, "--no-keys") == 0)
			g->keys = false;
		else if (v == NULL)
			gen_usage();
		else if (strcmp(a, "--mode") == 0 && ++i) {
			if (strcmp(v, "up") == 0)
				g->mode = GEN_UP;
			else if (strcmp(v, "down") == 0)
				g->mode = GEN_DOWN;
			else if (strcmp(v, "idle") == 0)
				g->mode = GEN_IDLE;
			else
				gen_usage();
		} else if (strcmp(a, "--frames") == 0 && ++i)
			g->nframes = (uint32_t)strtoul(v, NULL, 10);
		else if (strcmp(a, "--sock") == 0 && ++i)
			sock = v;
		else if (strcmp(a, "--log") == 0 && ++i)
			logf = v;
		else if (strcmp(a, "--timeout") == 0 && ++i)
			timeout = atoi(v);
		else
			gen_usage();
	}
	if (i + 1 >= argc || sock == NULL || g->nframes == 0)
		gen_usage();
	argv += i + 1;

	g->pool = malloc(sizeof *g->pool);
	g->seen = calloc(g->nframes, 1);
	if (g->pool == NULL || g->seen == NULL)
		gen_die("malloc");
	bp_pool_init(g->pool, ascii);
	if (hdlc_dec_init(&g->dec, g->frame, sizeof g->frame, 0, 0) < 0)
		gen_die("hdlc_dec_init");
	hdlc_enc_init(&g->enc, HDLC_ACCM_ALL);
	signal(SIGPIPE, SIG_IGN);
	master = gen_pty(&g->slave);
	if ((logfd = open(logf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0)
		gen_die(logf);

	g->t_spawn = bp_now_ns();
	g->deadline = g->t_spawn + (uint64_t)timeout * 1000000000ULL;
	if ((g->pid = fork()) < 0)
		gen_die("fork");
	if (g->pid == 0) {
		/* pppd's `pty' option: the master is the program's stdio. */
		if (dup2(master, 0) < 0 || dup2(master, 1) < 0 ||
		    dup2(logfd, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(master);
	close(logfd);
	if (fcntl(g->slave, F_SETFL, fcntl(g->slave, F_GETFL) | O_NONBLOCK) < 0)
		gen_die("fcntl");

	/* A stalled connect (1.0.18 does that now and then) fails fast. */
	dl = g->deadline;
	if (g->deadline > g->t_spawn + GEN_CONNECT_NS)
		g->deadline = g->t_spawn + GEN_CONNECT_NS;
	if (!gen_wait(g, gen_have_lcp, 0)) {
		g->err = "no Call Connect Ack (connect failed or stalled)";
		goto out;
	}
	g->deadline = dl;
	if (gen_auth(g, sock) < 0) {
		g->err = "plugin AUTH not acknowledged";
		goto out;
	}
	g->t_ack = bp_now_ns();
	g->cpu_ticks_data0 = gen_proc_ticks(g->pid);
	if (g->mode == GEN_UP) {
		if (gen_upload(g) == 0)
			(void)gen_wait(g, gen_have_end, 0);
	} else if (g->mode == GEN_DOWN) {
		g->t_data0 = bp_now_ns();
		(void)gen_wait(g, gen_have_end, GEN_IDLE_NS);
	}
out:
	gen_finish(g);
	gen_report(g);
	free(g->seen);
	free(g->pool);
	free(g);
	return 0;
}
