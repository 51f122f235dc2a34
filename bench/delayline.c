/*
 * delayline.c - a fixed-delay IP link between this network namespace and
 * another one, for the connect-latency benchmark on kernels without the
 * netem qdisc (bench/run.sh uses `tc qdisc ... netem' when it exists).
 *
 * Two TUN devices: bdl0 here and bdl1 inside the named namespace (created
 * after setns(), so it lives there).  Every IP packet read from one is
 * written to the other after --delay-ms milliseconds, so the round trip
 * is twice that.  Packets keep their order; nothing is dropped unless the
 * queue (1024 packets per direction) overflows.  The caller sets the
 * addresses (bench/run.sh: 10.250.0.1 <-> 10.250.0.2) once --ready FILE
 * exists.  Runs until SIGTERM or SIGINT.
 *
 * Usage: delayline --netns NAME --delay-ms D [--ready FILE]
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>

#define DL_QLEN		1024
#define DL_PKT		2048

struct dl_pkt {
	uint64_t	 due;
	size_t		 len;
	uint8_t		 data[DL_PKT];
};

/* One direction: packets read from `from' wait here, then go to `to'. */
struct dl_dir {
	int		 from, to;
	size_t		 head, n;
	uint64_t	 dropped;
	struct dl_pkt	 q[DL_QLEN];
};

static uint64_t
dl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
dl_die(const char *m)
{
	fprintf(stderr, "delayline: %s: %s\n", m, strerror(errno));
	exit(1);
}

/* Create TUN device `name' in the current namespace. */
static int
dl_tun(const char *name)
{
	struct ifreq ifr;
	int fd;

	if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0)
		dl_die("/dev/net/tun");
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		dl_die("TUNSETIFF");
	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		dl_die("fcntl");
	return fd;
}

/* Queue everything readable on d->from. */
static void
dl_read(struct dl_dir *d, uint64_t delay)
{
	struct dl_pkt *p;
	uint8_t junk[DL_PKT];
	ssize_t n;

	for (;;) {
		if (d->n == DL_QLEN) {
			if (read(d->from, junk, sizeof junk) <= 0)
				return;
			d->dropped++;
			continue;
		}
		p = &d->q[(d->head + d->n) % DL_QLEN];
		n = read(d->from, p->data, sizeof p->data);
		if (n <= 0)
			return;
		p->len = (size_t)n;
		p->due = dl_now() + delay;
		d->n++;
	}
}

/* Send what is due; returns ns until the next packet is, or UINT64_MAX. */
static uint64_t
dl_send(struct dl_dir *d)
{
	struct dl_pkt *p;
	uint64_t now = dl_now();

	while (d->n > 0) {
		p = &d->q[d->head];
		if (p->due > now)
			return p->due - now;
		/* A full TUN queue drops the packet, like a full link. */
		if (write(d->to, p->data, p->len) < 0)
			d->dropped++;
		d->head = (d->head + 1) % DL_QLEN;
		d->n--;
	}
	return UINT64_MAX;
}

int
main(int argc, char **argv)
{
	const char *ns = NULL, *ready = NULL;
	char path[512];
	struct dl_dir *ab, *ba;
	struct pollfd pfd[3];
	sigset_t ss;
	struct timespec ts;
	uint64_t delay = 25000000ULL, w1, w2, w;
	int i, nsfd, a, b;
	FILE *f;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--netns") == 0)
			ns = argv[i + 1];
		else if (strcmp(argv[i], "--delay-ms") == 0)
			delay = strtoull(argv[i + 1], NULL, 10) * 1000000ULL;
		else if (strcmp(argv[i], "--ready") == 0)
			ready = argv[i + 1];
		else
			break;
	}
	if (ns == NULL || i != argc) {
		fprintf(stderr, "usage: delayline --netns NAME --delay-ms D "
		    "[--ready FILE]\n");
		return 2;
	}
	a = dl_tun("bdl0");
	snprintf(path, sizeof path, "/var/run/netns/%s", ns);
	if ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		dl_die(path);
	if (setns(nsfd, CLONE_NEWNET) < 0)
		dl_die("setns");
	close(nsfd);
	b = dl_tun("bdl1");
	ab = calloc(1, sizeof *ab);
	ba = calloc(1, sizeof *ba);
	if (ab == NULL || ba == NULL)
		dl_die("calloc");
	ab->from = ba->to = a;
	ab->to = ba->from = b;
	/* SIGTERM/SIGINT arrive on a signalfd: no handler, no global. */
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	if (sigprocmask(SIG_BLOCK, &ss, NULL) < 0 ||
	    (pfd[2].fd = signalfd(-1, &ss, SFD_CLOEXEC)) < 0)
		dl_die("signalfd");
	if (ready != NULL) {
		if ((f = fopen(ready, "w")) == NULL)
			dl_die(ready);
		fclose(f);
	}
	pfd[0].fd = a;
	pfd[1].fd = b;
	pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
	for (;;) {
		w1 = dl_send(ab);
		w2 = dl_send(ba);
		w = w1 < w2 ? w1 : w2;
		if (w > 1000000000ULL)
			w = 1000000000ULL;
		ts.tv_sec = (time_t)(w / 1000000000ULL);
		ts.tv_nsec = (long)(w % 1000000000ULL);
		if (ppoll(pfd, 3, &ts, NULL) <= 0)
			continue;
		if (pfd[2].revents & POLLIN)
			break;
		if (pfd[0].revents & POLLIN)
			dl_read(ab, delay);
		if (pfd[1].revents & POLLIN)
			dl_read(ba, delay);
	}
	if (ab->dropped + ba->dropped > 0)
		fprintf(stderr, "delayline: %llu packets dropped (queue full)\n",
		    (unsigned long long)(ab->dropped + ba->dropped));
	return 0;
}
