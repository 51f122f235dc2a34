/*
 * sstp_sink.c - the benchmark's SSTP server: a sink or a source that must
 * never be the bottleneck.
 *
 * One connection, one thread, non-blocking with poll().  It does what a
 * server must for a client to reach Call Connected and no more: TLS (1.3,
 * or 1.2 with --tls12), reads the SSTP_DUPLEX_POST request and answers
 * 200 with Content-Length 2^64-1 (MS-SSTP 3.2.4.1), answers Call Connect
 * Request with an Ack offering SHA1|SHA256 (MS-SSTP 3.3.5.2.1), then sends
 * one LCP Configure-Request as a data packet (the generator's cue that PPP
 * runs, i.e. the client got the Ack), and accepts Call Connected without
 * checking the crypto binding.  Echo Requests are answered, Call
 * Disconnect is acknowledged.
 *
 * After Call Connected:
 *   --mode up    swallow data packets; check every benchmark frame byte for
 *                byte (bench_payload.h), count lost, corrupt and duplicate
 *                frames; after the last one (or 3 s without data) send an
 *                LCP Terminate-Request, the generator's "all received" cue.
 *   --mode down  stream --frames data packets as fast as TLS takes them, in
 *                16 KiB records, then the Terminate-Request cue.
 *   --mode idle  nothing (connect latency runs).
 * The report (--report FILE, one JSON object) has CLOCK_MONOTONIC times in
 * ns, comparable with bench_pty's.
 *
 * Usage: sstp_sink --cert PEM --key PEM [--listen ADDR] [--port N]
 *        [--port-file FILE] [--mode up|down|idle] [--frames N] [--ascii]
 *        [--tls12] [--per-packet] [--tickets N] [--timeout S] [--report FILE]
 * --tickets sets the number of TLS 1.3 session tickets (OpenSSL's default,
 * 2, when not given).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "bench_payload.h"
#include "util/buf.h"
#include "crypto/sstp_bind.h"
#include "wire/sstp_wire.h"

#define SINK_RX_CAP	(64 * 1024)
#define SINK_TX_CAP	(256 * 1024)
#define SINK_TX_FILL	(64 * 1024)	/* keep this much queued (down) */
#define SINK_RECORD	16384		/* max TLS plaintext record */
#define SINK_IDLE_NS	3000000000ULL	/* upload: end after 3 s quiet */
#define SINK_NODATA_NS	15000000000ULL	/* upload: no data at all */
#define SINK_LINGER_NS	2000000000ULL	/* after the end cue */
#define SINK_PKT_LEN	(SSTP_HDR_LEN + BP_FRAME_LEN)

enum sink_mode { SINK_UP, SINK_DOWN, SINK_IDLE };
enum sink_phase { PH_TLS, PH_HTTP, PH_REQ, PH_CC, PH_DATA, PH_END };

struct sink {
	SSL		*ssl;
	int		 fd;
	enum sink_mode	 mode;
	enum sink_phase	 ph;
	uint32_t	 nframes;
	struct bp_pool	*pool;
	uint8_t		*seen;		/* upload: one byte per seq */
	uint8_t		 rx[SINK_RX_CAP];
	size_t		 rx_len;
	uint8_t		 tx[SINK_TX_CAP];
	size_t		 tx_off, tx_len, tx_retry;
	uint32_t	 next_seq;	/* download: next frame to queue */
	bool		 want_out;	/* OpenSSL wants POLLOUT */
	bool		 per_packet;	/* one TLS record per data packet */
	bool		 end_sent;
	bool		 peer_gone;
	bool		 disconnected;
	uint64_t	 t_accept, t_tls, t_http, t_ack, t_cc;
	uint64_t	 t_first, t_last, t_end;
	uint64_t	 ok, corrupt, dup, other, ctrl_in, echo;
	uint64_t	 tls_in, tls_out;
	const char	*why;
};

static void
sink_die(const char *m)
{
	fprintf(stderr, "sstp_sink: %s\n", m);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* Queue bytes for the client. */
static int
sink_queue(struct sink *k, const void *p, size_t n)
{
	if (k->tx_off > 0 && k->tx_retry == 0) {
		memmove(k->tx, k->tx + k->tx_off, k->tx_len - k->tx_off);
		k->tx_len -= k->tx_off;
		k->tx_off = 0;
	}
	if (SINK_TX_CAP - k->tx_len < n)
		return -ENOBUFS;
	memcpy(k->tx + k->tx_len, p, n);
	k->tx_len += n;
	return 0;
}

/* Queue one LCP packet with this code as an SSTP data packet. */
static void
sink_queue_lcp(struct sink *k, uint8_t code)
{
	uint8_t pkt[SSTP_HDR_LEN + 8], lcp[8];
	struct wbuf w;

	bp_lcp(code, 1, lcp);
	wbuf_init(&w, pkt, sizeof pkt);
	sstp_wire_put_data_hdr(&w, sizeof lcp);
	wbuf_put_bytes(&w, lcp, sizeof lcp);
	(void)sink_queue(k, pkt, w.len);
}

/* Download: keep SINK_TX_FILL bytes of benchmark packets queued. */
static void
sink_produce(struct sink *k)
{
	uint8_t *p;
	struct wbuf w;

	while (k->next_seq < k->nframes &&
	    k->tx_len - k->tx_off < SINK_TX_FILL) {
		if (k->tx_off > 0 && k->tx_retry == 0 &&
		    SINK_TX_CAP - k->tx_len < SINK_PKT_LEN) {
			memmove(k->tx, k->tx + k->tx_off,
			    k->tx_len - k->tx_off);
			k->tx_len -= k->tx_off;
			k->tx_off = 0;
		}
		if (SINK_TX_CAP - k->tx_len < SINK_PKT_LEN)
			break;
		p = k->tx + k->tx_len;
		wbuf_init(&w, p, SINK_PKT_LEN);
		sstp_wire_put_data_hdr(&w, BP_FRAME_LEN);
		bp_frame(k->pool, k->next_seq, p + SSTP_HDR_LEN);
		k->tx_len += SINK_PKT_LEN;
		if (k->next_seq == 0)
			k->t_first = bp_now_ns();
		k->next_seq++;
	}
	if (k->next_seq == k->nframes && !k->end_sent) {
		k->t_last = bp_now_ns();
		k->end_sent = true;
		k->t_end = k->t_last;
		sink_queue_lcp(k, 5);
	}
}

/*
 * XX: 1.0.18 handles one SSTP packet per socket-readable event and leaves
 * what OpenSSL already decrypted (SSL_pending) until the next TLS record
 * arrives (REFERENCE-CLIENT.md 10), so a record holding a Connect Ack and
 * the next packet stalls its connect.  Control packets therefore go out
 * one per record, like a server that writes each packet as it is made;
 * data packets are coalesced into 16 KiB records unless --per-packet.
 */
static size_t
sink_pkt_len(const struct sink *k, size_t chunk)
{
	struct sstp_frame fr;

	if (sstp_wire_frame(k->tx + k->tx_off, k->tx_len - k->tx_off,
	    &fr) == 1 && fr.len < chunk)
		return fr.len;
	return chunk;
}

/* Write queued bytes; returns -1 when the connection is gone. */
static int
sink_flush(struct sink *k)
{
	size_t chunk;
	int r, e;

	while (k->tx_len > k->tx_off) {
		chunk = k->tx_len - k->tx_off;
		if (k->tx_retry != 0)
			chunk = k->tx_retry;
		else if (chunk > SINK_RECORD)
			chunk = SINK_RECORD;
		if (k->tx_retry == 0 && (k->per_packet ||
		    k->ph != PH_DATA || k->mode != SINK_DOWN))
			chunk = sink_pkt_len(k, chunk);
		r = SSL_write(k->ssl, k->tx + k->tx_off, (int)chunk);
		if (r > 0) {
			k->tx_retry = 0;
			k->tx_off += (size_t)r;
			k->tls_out += (uint64_t)r;
			if (k->mode == SINK_DOWN && k->ph == PH_DATA)
				sink_produce(k);
			continue;
		}
		e = SSL_get_error(k->ssl, r);
		if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
			k->tx_retry = chunk;
			k->want_out = e == SSL_ERROR_WANT_WRITE;
			return 0;
		}
		k->why = "write failed";
		return -1;
	}
	k->want_out = false;
	k->tx_off = k->tx_len = 0;
	return 0;
}

/* Upload: one data packet payload from the client. */
static void
sink_data(struct sink *k, const uint8_t *f, size_t len)
{
	uint32_t seq;

	switch (bp_check(k->pool, f, len, &seq)) {
	case BP_OK:
		if (k->ok + k->dup == 0)
			k->t_first = bp_now_ns();
		k->t_last = bp_now_ns();
		if (seq >= k->nframes || k->seen[seq]) {
			k->dup++;
			break;
		}
		k->seen[seq] = 1;
		k->ok++;
		if (seq == k->nframes - 1 && !k->end_sent) {
			/* TCP keeps order: nothing older can still come. */
			k->end_sent = true;
			k->t_end = bp_now_ns();
			sink_queue_lcp(k, 5);
		}
		break;
	case BP_CORRUPT:
		k->t_last = bp_now_ns();
		k->corrupt++;
		break;
	default:
		k->other++;
		break;
	}
}

/* One control packet from the client. */
static void
sink_ctrl(struct sink *k, const uint8_t *pkt, size_t len)
{
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	uint8_t out[64], nonce[SSTP_NONCE_LEN];
	struct wbuf w;

	k->ctrl_in++;
	if (sstp_wire_decode_ctrl(pkt, len, &m, &v) < 0) {
		k->why = "bad control packet from the client";
		k->peer_gone = true;
		return;
	}
	wbuf_init(&w, out, sizeof out);
	switch (m.type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST:
		if (RAND_bytes(nonce, sizeof nonce) != 1)
			sink_die("RAND_bytes");
		sstp_wire_put_connect_ack(&w, SSTP_HASH_SHA1 | SSTP_HASH_SHA256,
		    nonce);
		(void)sink_queue(k, out, w.len);
		k->t_ack = bp_now_ns();
		/* The cue for the generator: PPP runs, send AUTH now. */
		sink_queue_lcp(k, 1);
		k->ph = PH_CC;
		break;
	case SSTP_MSG_CALL_CONNECTED:
		k->t_cc = bp_now_ns();
		k->ph = PH_DATA;
		if (k->mode == SINK_DOWN)
			sink_produce(k);
		break;
	case SSTP_MSG_ECHO_REQUEST:
		k->echo++;
		sstp_wire_put_echo_response(&w);
		(void)sink_queue(k, out, w.len);
		break;
	case SSTP_MSG_CALL_DISCONNECT:
		sstp_wire_put_disconnect_ack(&w);
		(void)sink_queue(k, out, w.len);
		k->disconnected = true;
		if (k->why == NULL)
			k->why = "call disconnect";
		break;
	case SSTP_MSG_CALL_ABORT:
		k->peer_gone = true;
		if (k->why == NULL)
			k->why = "call abort";
		break;
	default:
		break;
	}
}

/* Parse whole SSTP packets in rx; returns bytes used. */
static size_t
sink_sstp_input(struct sink *k)
{
	struct sstp_frame fr;
	struct bcur pl;
	size_t off = 0;
	int r;

	while (!k->peer_gone) {
		r = sstp_wire_frame(k->rx + off, k->rx_len - off, &fr);
		if (r == 0)
			break;
		if (r < 0) {
			k->why = "SSTP framing error";
			k->peer_gone = true;
			break;
		}
		if (fr.control)
			sink_ctrl(k, k->rx + off, fr.len);
		else if (sstp_wire_data_payload(k->rx + off, fr.len, &pl) == 0 &&
		    k->ph == PH_DATA && k->mode == SINK_UP)
			sink_data(k, bcur_ptr(&pl), bcur_left(&pl));
		off += fr.len;
	}
	return off;
}

static void
sink_http_reply(struct sink *k)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 18446744073709551615\r\n"
	    "Server: Microsoft-HTTPAPI/2.0\r\n"
	    "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n\r\n";

	(void)sink_queue(k, resp, sizeof resp - 1);
	k->t_http = bp_now_ns();
	k->ph = PH_REQ;
}

/* Read and handle everything available; returns -1 when done. */
static int
sink_read(struct sink *k)
{
	size_t used;
	void *end;
	int r, e;

	for (;;) {
		if (k->rx_len == SINK_RX_CAP) {
			k->why = "receive buffer full";
			return -1;
		}
		r = SSL_read(k->ssl, k->rx + k->rx_len,
		    (int)(SINK_RX_CAP - k->rx_len));
		if (r <= 0) {
			e = SSL_get_error(k->ssl, r);
			if (e == SSL_ERROR_WANT_READ)
				return 0;
			if (e == SSL_ERROR_WANT_WRITE) {
				k->want_out = true;
				return 0;
			}
			if (k->why == NULL)
				k->why = e == SSL_ERROR_ZERO_RETURN ?
				    "close_notify" : "connection closed";
			return -1;
		}
		k->tls_in += (uint64_t)r;
		k->rx_len += (size_t)r;
		used = 0;
		if (k->ph == PH_HTTP) {
			end = memmem(k->rx, k->rx_len, "\r\n\r\n", 4);
			if (end == NULL)
				continue;
			used = (size_t)((uint8_t *)end - k->rx) + 4;
			sink_http_reply(k);
		}
		memmove(k->rx, k->rx + used, k->rx_len - used);
		k->rx_len -= used;
		if (k->ph >= PH_REQ) {
			used = sink_sstp_input(k);
			memmove(k->rx, k->rx + used, k->rx_len - used);
			k->rx_len -= used;
		}
		if (k->peer_gone)
			return -1;
	}
}

static void
sink_report(struct sink *k, const char *path)
{
	FILE *f = stdout;
	uint64_t lost = 0;

	if (k->mode == SINK_UP && k->ph >= PH_DATA)
		lost = k->nframes - k->ok;
	if (path != NULL && (f = fopen(path, "w")) == NULL)
		sink_die("cannot write the report");
	fprintf(f, "{\"t_accept\": %llu, \"t_tls\": %llu, \"t_http\": %llu, "
	    "\"t_ack\": %llu, \"t_cc\": %llu, \"t_first\": %llu, "
	    "\"t_last\": %llu, \"t_end\": %llu, \"ok\": %llu, \"corrupt\": %llu, "
	    "\"dup\": %llu, \"lost\": %llu, \"other\": %llu, \"sent\": %u, "
	    "\"echo\": %llu, \"tls_in\": %llu, \"tls_out\": %llu, "
	    "\"disconnect\": %s, \"tls\": \"%s\", \"cipher\": \"%s\", "
	    "\"why\": \"%s\"}\n",
	    (unsigned long long)k->t_accept, (unsigned long long)k->t_tls,
	    (unsigned long long)k->t_http, (unsigned long long)k->t_ack,
	    (unsigned long long)k->t_cc, (unsigned long long)k->t_first,
	    (unsigned long long)k->t_last, (unsigned long long)k->t_end,
	    (unsigned long long)k->ok, (unsigned long long)k->corrupt,
	    (unsigned long long)k->dup, (unsigned long long)lost,
	    (unsigned long long)k->other, k->next_seq,
	    (unsigned long long)k->echo, (unsigned long long)k->tls_in,
	    (unsigned long long)k->tls_out, k->disconnected ? "true" : "false",
	    k->ssl ? SSL_get_version(k->ssl) : "", k->ssl ?
	    SSL_get_cipher_name(k->ssl) : "", k->why ? k->why : "");
	if (f != stdout)
		fclose(f);
}

/* Accept one client within timeout_ns; returns the fd. */
static int
sink_listen_accept(const char *addr, int port, const char *port_file,
    uint64_t deadline)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	struct pollfd pfd;
	int ls, fd, one = 1;
	FILE *f;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		sink_die("bad --listen address (IPv4 literal)");
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0)
		sink_die("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(ls, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    listen(ls, 4) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sin, &sl) < 0)
		sink_die("bind/listen");
	if (port_file != NULL) {
		char tmp[4096];

		snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
		if ((f = fopen(tmp, "w")) == NULL)
			sink_die("cannot write the port file");
		fprintf(f, "%u\n", ntohs(sin.sin_port));
		fclose(f);
		if (rename(tmp, port_file) < 0)
			sink_die("rename port file");
	}
	pfd.fd = ls;
	pfd.events = POLLIN;
	for (;;) {
		uint64_t now = bp_now_ns();

		if (now >= deadline)
			sink_die("no client connected");
		if (poll(&pfd, 1, (int)((deadline - now) / 1000000) + 1) > 0)
			break;
	}
	fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		sink_die("accept");
	close(ls);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static SSL_CTX *
sink_ctx(const char *cert, const char *key, bool tls12, int tickets)
{
	SSL_CTX *ctx;

	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL)
		sink_die("SSL_CTX_new");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (tls12)
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	/* TLS 1.3 session tickets: OpenSSL's default is 2. */
	if (tickets >= 0)
		SSL_CTX_set_num_tickets(ctx, (size_t)tickets);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		sink_die("cannot load the certificate or key");
	return ctx;
}

static void
sink_usage(void)
{
	fprintf(stderr, "usage: sstp_sink --cert PEM --key PEM [--listen ADDR] "
	    "[--port N] [--port-file FILE]\n"
	    "       [--mode up|down|idle] [--frames N] [--ascii] [--tls12] "
	    "[--per-packet]\n       [--tickets N] [--timeout S] "
	    "[--report FILE]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *cert = NULL, *key = NULL, *addr = "127.0.0.1";
	const char *port_file = NULL, *report = NULL;
	struct sink *k;
	struct pollfd pfd;
	uint64_t deadline, now, linger = 0;
	bool tls12 = false, ascii = false;
	int port = 0, timeout = 120, tickets = -1, i, r, e;
	SSL_CTX *ctx;

	if ((k = calloc(1, sizeof *k)) == NULL)
		sink_die("out of memory");
	k->mode = SINK_IDLE;
	k->nframes = 1000;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--ascii") == 0) {
			ascii = true;
			continue;
		}
		if (strcmp(a, "--tls12") == 0) {
			tls12 = true;
			continue;
		}
		if (strcmp(a, "--per-packet") == 0) {
			k->per_packet = true;
			continue;
		}
		if (v == NULL)
			sink_usage();
		i++;
		if (strcmp(a, "--cert") == 0)
			cert = v;
		else if (strcmp(a, "--key") == 0)
			key = v;
		else if (strcmp(a, "--listen") == 0)
			addr = v;
		else if (strcmp(a, "--port") == 0)
			port = atoi(v);
		else if (strcmp(a, "--port-file") == 0)
			port_file = v;
		else if (strcmp(a, "--report") == 0)
			report = v;
		else if (strcmp(a, "--timeout") == 0)
			timeout = atoi(v);
		else if (strcmp(a, "--tickets") == 0)
			tickets = atoi(v);
		else if (strcmp(a, "--frames") == 0)
			k->nframes = (uint32_t)strtoul(v, NULL, 10);
		else if (strcmp(a, "--mode") == 0) {
			if (strcmp(v, "up") == 0)
				k->mode = SINK_UP;
			else if (strcmp(v, "down") == 0)
				k->mode = SINK_DOWN;
			else if (strcmp(v, "idle") == 0)
				k->mode = SINK_IDLE;
			else
				sink_usage();
		} else
			sink_usage();
	}
	if (cert == NULL || key == NULL || k->nframes == 0)
		sink_usage();
	signal(SIGPIPE, SIG_IGN);
	k->pool = malloc(sizeof *k->pool);
	k->seen = calloc(k->nframes, 1);
	if (k->pool == NULL || k->seen == NULL)
		sink_die("out of memory");
	bp_pool_init(k->pool, ascii);
	ctx = sink_ctx(cert, key, tls12, tickets);
	deadline = bp_now_ns() + (uint64_t)timeout * 1000000000ULL;

	k->fd = sink_listen_accept(addr, port, port_file, deadline);
	k->t_accept = bp_now_ns();
	if ((k->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(k->ssl, k->fd) != 1)
		sink_die("SSL_new");
	k->ph = PH_TLS;
	pfd.fd = k->fd;
	for (;;) {
		pfd.events = POLLIN;
		if (k->ph == PH_TLS) {
			r = SSL_accept(k->ssl);
			if (r == 1) {
				k->t_tls = bp_now_ns();
				k->ph = PH_HTTP;
				continue;
			}
			e = SSL_get_error(k->ssl, r);
			if (e == SSL_ERROR_WANT_WRITE)
				pfd.events = POLLOUT;
			else if (e != SSL_ERROR_WANT_READ) {
				k->why = "TLS handshake failed";
				break;
			}
		} else {
			if (sink_read(k) < 0 || sink_flush(k) < 0)
				break;
			if (k->want_out)
				pfd.events |= POLLOUT;
			if (k->disconnected && k->tx_len == k->tx_off)
				break;
			if (k->ph == PH_DATA && k->mode == SINK_UP &&
			    !k->end_sent) {
				now = bp_now_ns();
				if ((k->ok + k->dup + k->corrupt > 0 &&
				    now - k->t_last > SINK_IDLE_NS) ||
				    (k->ok + k->dup + k->corrupt == 0 &&
				    now - k->t_cc > SINK_NODATA_NS)) {
					k->end_sent = true;
					k->t_end = now;
					sink_queue_lcp(k, 5);
					continue;
				}
			}
			if (k->end_sent && linger == 0 && k->mode != SINK_IDLE)
				linger = bp_now_ns() + 30 * SINK_LINGER_NS;
		}
		now = bp_now_ns();
		if (now >= deadline || (linger != 0 && now >= linger)) {
			k->why = "timeout";
			break;
		}
		(void)poll(&pfd, 1, 100);
	}
	sink_report(k, report);
	SSL_free(k->ssl);
	close(k->fd);
	SSL_CTX_free(ctx);
	free(k->seen);
	free(k->pool);
	free(k);
	return 0;
}
