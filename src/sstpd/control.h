/*
 * control.h - sstpd's control socket: a unix stream socket (mode 0600,
 * root only; the peer's uid checked with SO_PEERCRED) on which
 * `sstpd --list` and `sstpd --disconnect ID` talk to the running daemon.
 * One request line ("list" or "disconnect ID"), answered by lines of
 * text and a last line "ok" or "error: cause".  The request is parsed by
 * ctl_msg_parse (bounded, fuzzed).
 */
#ifndef SSTPD_CONTROL_H
#define SSTPD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct event_base;

#define CTL_LINE_MAX	256

/* One session as --list prints it (one line each). */
struct ctl_session {
	char		id[17];		/* the correlation id, hex */
	char		user[64];	/* "" until authenticated */
	char		client[64];	/* client address:port (PROXY's) */
	char		assigned[48];	/* the pool address, "" none */
	char		state[24];	/* "tls", "http", "sstp", "up", ... */
	uint64_t	age_s;
	uint64_t	bytes_in;	/* from the client */
	uint64_t	bytes_out;
};

enum ctl_cmd {
	CTL_LIST = 1,
	CTL_DISCONNECT
};

struct ctl_req {
	enum ctl_cmd	cmd;
	char		id[17];
};

/* One request line (without its LF): 0, or -EBADMSG with @err. */
int	ctl_msg_parse(const uint8_t *line, size_t len, struct ctl_req *,
	    char *err, size_t errlen);
/*
 * One --list line for @s into @buf (NUL-terminated, LF-ended): its length
 * or -ENOSPC.  @s NULL: the header line (the daemon sends it first).
 */
int	ctl_msg_format(const struct ctl_session *s, char *buf, size_t len);

/* What the daemon answers with. */
struct ctl_ops {
	/* Fill up to @max sessions; returns how many there are in all. */
	size_t	(*list)(void *arg, struct ctl_session *out, size_t max);
	/* 0, or -ENOENT for no such session. */
	int	(*disconnect)(void *arg, const char *id);
};

struct ctl_server;

struct ctl_server *ctl_server_new(struct event_base *, const char *path,
	    const struct ctl_ops *, void *arg, char *err, size_t errlen);
void	ctl_server_free(struct ctl_server *);
/* The client side (--list / --disconnect): prints, returns exit status. */
int	ctl_client_run(const char *path, const struct ctl_req *, FILE *out,
	    FILE *errout);

#endif /* SSTPD_CONTROL_H */
