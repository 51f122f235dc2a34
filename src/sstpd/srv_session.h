/*
 * srv_session.h - one client of sstpd, from accept to the end line:
 *   [PROXY header] -> TLS accept -> HTTP request head -> 200 ->
 *   sstp_chan (server role) <-> the link (tunsrv or pppdsrv)
 * The handshake timeout bounds PROXY + TLS + HTTP, the negotiation
 * timeout the SSTP and PPP negotiation up to Call Connected.  Every
 * session has a correlation id (16 hex digits) on each of its log lines;
 * one line at the start (client address) and one at the end (user,
 * client, assigned address, duration, bytes in/out, reason).  One
 * refused before its start line (in the PROXY phase) has one refusal
 * line instead: "refused connection from ADDR (session ID): REASON".
 */
#ifndef SSTPD_SRV_SESSION_H
#define SSTPD_SRV_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#include "session/sstp_chan.h"

struct event;
struct stream;
struct link;
struct sstpd_server;
struct ctl_session;

enum srv_phase {
	SRV_PROXY = 0,		/* reading the PROXY header */
	SRV_TLS,		/* TLS handshake */
	SRV_HTTP,		/* reading the request head */
	SRV_SSTP,		/* the call (negotiation, then up) */
	SRV_DONE		/* winding down */
};

struct srv_session {
	TAILQ_ENTRY(srv_session) entry;
	struct sstpd_server	*srv;
	char			 id[17];
	/*
	 * "session <id>": the context of the lines the channel, the SSTP
	 * machine and the PPP engine write for this session (util/log.h).
	 */
	char			 log_ctx[32];
	int			 fd;		/* until the stream owns it */
	enum srv_phase		 phase;
	bool			 in_handshake;	/* not yet Call Connected */
	bool			 established;
	bool			 started;	/* start line logged */
	bool			 ended;		/* end line logged */
	bool			 stopping;
	bool			 lingering;	/* HTTP error sent: closing */
	struct sockaddr_storage	 client;
	socklen_t		 clientlen;
	char			 client_text[64];
	/* PROXY header, read raw from the fd before TLS. */
	struct event		*pev;
	uint8_t			*pbuf;
	size_t			 plen;
	size_t			 pcap;
	struct stream		*st;
	uint8_t			 sha1[20];	/* the leaf at accept */
	uint8_t			 sha256[32];
	bool			 have_sha1;
	bool			 have_sha256;
	struct sstp_chan	 chan;
	struct link		*link;
	struct event		*ctrl_timer;
	struct event		*phase_timer;
	struct event		*reap;
	uint32_t		 pool_addr;	/* ours to give back */
	uint32_t		 assigned4;	/* from net_up */
	char			 prefix6[56];	/* its own /64, text, or "" */
	char			 user[64];
	char			 correlation[64];	/* SSTPCORRELATIONID */
	uint64_t		 t_start;	/* ms */
	uint64_t		 t_up;
	uint64_t		 bytes_in;	/* TLS octets from the client */
	uint64_t		 bytes_out;
	bool			 have_reason;
	enum srv_phase		 end_phase;	/* where the reason came */
	char			 reason[256];
};

/* A new connection accepted on @fd from @sa; NULL: refused (fd closed). */
struct srv_session *srv_session_new(struct sstpd_server *, int fd,
	    const struct sockaddr *sa, socklen_t salen);
/* End it: Call Disconnect when the call is up, else close at once. */
void	srv_session_disconnect(struct srv_session *, const char *why);
/* What --list shows. */
void	srv_session_info(const struct srv_session *, struct ctl_session *);
/* The end line (once). */
void	srv_session_log_end(struct srv_session *);
/* Free now (server_free at exit; no log line). */
void	srv_session_free(struct srv_session *);
/* Sessions in the table from the same client address as @sa. */
unsigned srv_session_count_addr(const struct sstpd_server *,
	    const struct sockaddr *sa, const struct srv_session *except);
/*
 * One refusal line (a connection closed before its session started),
 * rate-limited: past SSTPD_REFUSAL_LINES a second they are counted and
 * srv_refusal_timer_cb (the server's refusal_timer) writes the summary.
 */
void	srv_log_refusal(struct sstpd_server *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	srv_refusal_timer_cb(int fd, short what, void *srv);
/* The address of @sa as text, IPv4-mapped IPv6 shown as IPv4. */
void	srv_addr_text(const struct sockaddr *sa, char *buf, size_t len,
	    bool with_port);

#endif /* SSTPD_SRV_SESSION_H */
