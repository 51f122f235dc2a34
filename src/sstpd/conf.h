/*
 * conf.h - sstpd's configuration: the command line and the file of -c
 * FILE take the same names ("listen 0.0.0.0:443" in the file is
 * "--listen 0.0.0.0:443"; the command line wins over the file).  One
 * table of rows {name, argument type, field, parser}, as sstpc's
 * cmdline.c; --help and doc/sstpd.8 come from it (tests/check-manpage.sh).
 * Pure: it reads the file through the bounded cursor, opens nothing else.
 */
#ifndef SSTPD_CONF_H
#define SSTPD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "crypto/sstp_bind.h"

#define SSTPD_MAX_LISTEN	16
#define SSTPD_MAX_DNS		2
/* -c FILE: at most this many bytes, and this many bytes a line (conf.c). */
#define SSTPD_CONF_MAX_FILE	(64 * 1024)
#define SSTPD_CONF_MAX_LINE	1024

enum sstpd_backend {
	SSTPD_BACKEND_TUN = 0,	/* built-in PPP, all sessions on one TUN */
	SSTPD_BACKEND_PPPD	/* pppd per session on a pty */
};

/* What sstpd was asked to do (mode of the command line). */
enum sstpd_mode {
	SSTPD_RUN = 0,		/* serve */
	SSTPD_LIST,		/* --list: print the sessions of a running one */
	SSTPD_DISCONNECT,	/* --disconnect ID */
	SSTPD_HELP,
	SSTPD_VERSION,
	SSTPD_CHECK		/* --check-config: parse, load, exit 0/2 */
};

struct sstpd_listen {
	struct sockaddr_storage	sa;
	socklen_t		salen;
	char			text[64];	/* as given, for the log */
};

struct sstpd_conf {
	enum sstpd_mode		mode;
	char			disconnect_id[32];
	/* Front end */
	struct sstpd_listen	listen[SSTPD_MAX_LISTEN];	/* [::]:443 */
	size_t			n_listen;
	char			*cert_file;	/* PEM: leaf + chain */
	char			*key_file;
	bool			no_tls;		/* behind a TLS terminator */
	bool			have_cert_sha256; /* --cert-hash-sha256 */
	uint8_t			cert_sha256[32];
	bool			have_cert_sha1;	/* --cert-hash-sha1 */
	uint8_t			cert_sha1[20];
	bool			allow_sha1;	/* offer SHA-1 binding too */
	bool			proxy_protocol;	/* v1 and v2 accepted */
	/* Authentication and addresses */
	char			*secrets_file;	/* chap-secrets format */
	unsigned		auth_offer;	/* PPP_AUTH_ALLOW_*: --auth */
	char			*server_name;	/* CHAP name: "sstpd" */
	uint32_t		pool4;		/* --pool CIDR: net order */
	unsigned		pool4_prefix;
	uint32_t		local4;		/* --local: 0 = pool's first */
	bool			have_pool6;	/* --pool6 PREFIX (/48../64) */
	uint8_t			pool6[16];
	unsigned		pool6_prefix;
	unsigned		ra_lifetime;	/* --ra-lifetime: RA's, s */
	uint32_t		dns4[SSTPD_MAX_DNS];	/* --dns, repeatable */
	/* Backend */
	enum sstpd_backend	backend;
	char			*tun_name;	/* --tun NAME: "sstpd0" */
	unsigned		mtu;		/* --mtu: 1400 */
	char			*pppd_path;	/* --pppd-path: /usr/sbin/pppd */
	char			*pppd_options;	/* --pppd-options FILE */
	char			*plugin_path;	/* --plugin: our pppd plugin */
	unsigned		lcp_echo_interval;	/* s: 30 */
	unsigned		lcp_echo_failure;	/* 4 */
	/* Limits and timeouts */
	unsigned		max_sessions;		/* 1024 */
	unsigned		max_per_addr;		/* 16 per client address */
	unsigned		max_handshakes;		/* 128 in flight */
	unsigned		handshake_timeout_s;	/* TLS + HTTP: 10 */
	unsigned		negotiation_timeout_s;	/* SSTP+PPP: 60 */
	unsigned		hello_timeout_s;	/* Hello timer: 60 */
	/* Operations */
	char			*control_path;	/* /run/sstpd.sock */
	char			*user;		/* drop to this user (tun) */
	int			debug;		/* -d, repeatable */
	char			*config_file;	/* -c FILE */
};

/* Exit statuses of sstpd (sstpd.8 EXIT STATUS). */
#define SSTPD_EXIT_OK		0
#define SSTPD_EXIT_FAIL		1	/* runtime failure */
#define SSTPD_EXIT_USAGE	2	/* bad option / config / secrets */

void	sstpd_conf_defaults(struct sstpd_conf *);
/*
 * sstpd_conf_parse - argv, then (with -c) the file, then the defaults
 * for what neither gave.  0, or SSTPD_EXIT_USAGE with one line naming the
 * option (and file:line) in @err.
 */
int	sstpd_conf_parse(struct sstpd_conf *, int argc, char **argv,
	    char *err, size_t errlen);
/*
 * The file part alone (the text of -c FILE), for the tests and fuzzer:
 * as `sstpd -c FILE` with no other option (defaults, the file, checks).
 * Both return SSTPD_EXIT_FAIL (1) when out of memory.
 */
int	sstpd_conf_parse_text(struct sstpd_conf *, const uint8_t *text,
	    size_t len, const char *fname, char *err, size_t errlen);
void	sstpd_conf_help(FILE *);
void	sstpd_conf_free(struct sstpd_conf *);

#endif /* SSTPD_CONF_H */
