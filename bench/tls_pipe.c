/*
 * tls_pipe.c - the ceiling of the built-in-mode benchmark: a plain TLS
 * pipe between two processes (two network namespaces), one TCP
 * connection, --bytes octets one way in 16 KiB SSL_write()s, nothing else:
 * no SSTP, no PPP, no TUN.  The same TLS version and cipher as the sstpc
 * run (--ciphersuites, TLS 1.3 only).
 *
 *   tls_pipe server --cert PEM --key PEM [--listen ADDR] [--port-file F]
 *            --dir up|down --bytes N [--ciphersuites S] [--report FILE]
 *   tls_pipe client --connect ADDR --port N --dir up|down --bytes N
 *            [--ciphersuites S] [--report FILE]
 * up: the client sends, the server receives; down: the other way.  Each
 * side writes one JSON object (--report FILE, or stdout): bytes moved,
 * seconds from the first to the last byte at the receiver, MB/s (10^6),
 * its own CPU seconds (getrusage), TLS version and cipher.  The client
 * does not check the certificate (a measurement, not a connection anyone
 * relies on).  Exit 0 when all bytes went through, 1 otherwise.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bench_payload.h"

#define TP_CHUNK	16384

struct tp_opts {
	bool		 server;
	bool		 send;		/* this side sends */
	const char	*cert, *key, *addr, *port_file, *suites, *report;
	int		 port;
	unsigned long long bytes;
};

static void
tp_die(const char *m)
{
	fprintf(stderr, "tls_pipe: %s\n", m);
	ERR_print_errors_fp(stderr);
	exit(2);
}

static void
tp_usage(void)
{
	fprintf(stderr, "usage: tls_pipe server --cert PEM --key PEM [--listen "
	    "ADDR] [--port-file F]\n"
	    "                --dir up|down --bytes N [--ciphersuites S] "
	    "[--report FILE]\n"
	    "       tls_pipe client --connect ADDR --port N --dir up|down "
	    "--bytes N\n"
	    "                [--ciphersuites S] [--report FILE]\n");
	exit(2);
}

/* Listen, write the port file, accept one connection. */
static int
tp_accept(const struct tp_opts *o)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	int ls, fd, one = 1;
	char tmp[4096];
	FILE *f;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, o->addr, &sin.sin_addr) != 1)
		tp_die("bad --listen address (IPv4 literal)");
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof one) < 0 || bind(ls, (struct sockaddr *)&sin,
	    sizeof sin) < 0 || listen(ls, 1) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sin, &sl) < 0)
		tp_die("bind/listen");
	if (o->port_file != NULL) {
		snprintf(tmp, sizeof tmp, "%s.tmp", o->port_file);
		if ((f = fopen(tmp, "w")) == NULL)
			tp_die("cannot write the port file");
		fprintf(f, "%u\n", ntohs(sin.sin_port));
		fclose(f);
		if (rename(tmp, o->port_file) < 0)
			tp_die("rename port file");
	}
	alarm(120);
	fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		tp_die("accept");
	close(ls);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* Connect to the server. */
static int
tp_connect(const struct tp_opts *o)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->addr, &sin.sin_addr) != 1)
		tp_die("bad --connect address (IPv4 literal)");
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		tp_die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static double
tp_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	struct tp_opts o;
	static uint8_t buf[TP_CHUNK];
	unsigned long long moved = 0;
	uint64_t t_first = 0, t_last = 0;
	const char *dir = NULL;
	SSL_CTX *ctx;
	SSL *ssl;
	FILE *f = stdout;
	int fd, i, r;
	double secs;

	memset(&o, 0, sizeof o);
	o.addr = "127.0.0.1";
	if (argc < 2)
		tp_usage();
	if (strcmp(argv[1], "server") == 0)
		o.server = true;
	else if (strcmp(argv[1], "client") != 0)
		tp_usage();
	for (i = 2; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];

		if (strcmp(a, "--cert") == 0)
			o.cert = v;
		else if (strcmp(a, "--key") == 0)
			o.key = v;
		else if (strcmp(a, "--listen") == 0 ||
		    strcmp(a, "--connect") == 0)
			o.addr = v;
		else if (strcmp(a, "--port") == 0)
			o.port = atoi(v);
		else if (strcmp(a, "--port-file") == 0)
			o.port_file = v;
		else if (strcmp(a, "--dir") == 0)
			dir = v;
		else if (strcmp(a, "--bytes") == 0)
			o.bytes = strtoull(v, NULL, 10);
		else if (strcmp(a, "--ciphersuites") == 0)
			o.suites = v;
		else if (strcmp(a, "--report") == 0)
			o.report = v;
		else
			tp_usage();
	}
	if (i != argc || dir == NULL || o.bytes == 0 ||
	    (strcmp(dir, "up") != 0 && strcmp(dir, "down") != 0) ||
	    (o.server && (o.cert == NULL || o.key == NULL)) ||
	    (!o.server && o.port <= 0))
		tp_usage();
	/* up: the client sends; down: the server sends. */
	o.send = (strcmp(dir, "up") == 0) != o.server;
	signal(SIGPIPE, SIG_IGN);

	ctx = SSL_CTX_new(o.server ? TLS_server_method() : TLS_client_method());
	if (ctx == NULL)
		tp_die("SSL_CTX_new");
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	if (o.suites != NULL && SSL_CTX_set_ciphersuites(ctx, o.suites) != 1)
		tp_die("bad --ciphersuites");
	if (o.server && (SSL_CTX_use_certificate_chain_file(ctx, o.cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, o.key, SSL_FILETYPE_PEM) != 1))
		tp_die("cannot load the certificate or key");
	fd = o.server ? tp_accept(&o) : tp_connect(&o);
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1)
		tp_die("SSL_new");
	r = o.server ? SSL_accept(ssl) : SSL_connect(ssl);
	if (r != 1)
		tp_die("TLS handshake failed");
	memset(buf, 0x5a, sizeof buf);
	while (moved < o.bytes) {
		size_t n = sizeof buf;

		if (o.bytes - moved < n)
			n = (size_t)(o.bytes - moved);
		r = o.send ? SSL_write(ssl, buf, (int)n) :
		    SSL_read(ssl, buf, (int)sizeof buf);
		if (r <= 0)
			break;
		if (t_first == 0)
			t_first = bp_now_ns();
		moved += (unsigned long long)r;
	}
	t_last = bp_now_ns();
	if (!o.send) {
		/* The receiver says it has everything: a one-byte answer. */
		buf[0] = 1;
		(void)SSL_write(ssl, buf, 1);
	} else
		(void)SSL_read(ssl, buf, 1);
	secs = (double)(t_last - t_first) / 1e9;
	if (o.report != NULL && (f = fopen(o.report, "w")) == NULL)
		tp_die("cannot write the report");
	fprintf(f, "{\"side\": \"%s\", \"send\": %s, \"bytes\": %llu, "
	    "\"secs\": %.6f, \"mbps\": %.3f, \"cpu\": %.6f, \"tls\": \"%s\", "
	    "\"cipher\": \"%s\", \"ok\": %s}\n", o.server ? "server" : "client",
	    o.send ? "true" : "false", moved, secs,
	    secs > 0 ? (double)moved / secs / 1e6 : 0.0, tp_cpu(),
	    SSL_get_version(ssl), SSL_get_cipher_name(ssl),
	    moved == o.bytes ? "true" : "false");
	if (f != stdout)
		fclose(f);
	SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
	SSL_CTX_free(ctx);
	return moved == o.bytes ? 0 : 1;
}
