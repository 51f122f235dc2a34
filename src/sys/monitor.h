/*
 * monitor.h - the small privileged helper that stays root after sstpc
 * drops its privileges (OpenSSH's monitor, cut down to three duties).
 *
 * The network-facing process keeps no capability at all.  What still needs
 * root after the drop is asked of the monitor over a SOCK_SEQPACKET pair:
 *   - add the host route to the server (--save-server-route): only to an
 *     address the monitor itself resolves the dialled name to, and only
 *     once, whatever the answer;
 *   - signal pppd (only SIGTERM/SIGHUP/SIGKILL), through a pidfd opened
 *     while pppd could not have been reaped yet, so a recycled pid is never
 *     signalled.
 * When the pair closes — sstpc exited, crashed or was killed — the monitor
 * removes the route and the plugin socket, then exits.  So cleanup happens
 * on every path, SIGKILL of sstpc included.
 *
 * Life: monitor_start() forks it first thing, before libevent and OpenSSL
 * fill the heap a later fork would share (copy-on-write pages of the bench's
 * memory table).  Still as root, monitor_handover() gives it pppd's pidfd,
 * the plugin socket's path and the name to be dialled, and seals: the
 * monitor takes each at most once and nothing of the kind after the seal,
 * so the process that parses network input cannot point it elsewhere.
 *
 * Wire (one datagram per request, a type octet and a body; replies a status
 * octet, 0 ok / 1 nothing done / 2 refused or failed, and a message):
 *   'P' + SCM_RIGHTS pidfd	pppd (before the seal, once); or /proc/PID
 *				and the pid (be32) without pidfd_open()
 *   'S' path			plugin socket, unlinked at the end (idem)
 *   'H' name			what is dialled: server or proxy (idem)
 *   'D'				seal (once)
 *   'R' sockaddr		route to this address, once (needs 'H')
 *   'K' signal			signal pppd (needs 'P')
 */
#ifndef SSTPC_MONITOR_H
#define SSTPC_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#define MON_REQ_PIDFD		'P'
#define MON_REQ_SOCKET		'S'
#define MON_REQ_HOST		'H'
#define MON_REQ_SEAL		'D'
#define MON_REQ_ROUTE		'R'
#define MON_REQ_SIGNAL		'K'
#define MON_MSG_MAX		512

struct monitor {
	pid_t	pid;		/* 0 when not running */
	int	fd;		/* our end of the pair, -1 when closed */
	bool	route_asked;	/* the one route request was made */
};

/*
 * Fork the monitor (call as root, as early as possible).  Returns 0 or
 * -errno with a message.
 */
int	monitor_start(struct monitor *, char *err, size_t errlen);
/*
 * Before the drop: hand over the plugin socket's path (NULL: none), pppd's
 * pid (0: none; it must be our child, not yet reaped), the host name the
 * route request will be checked against (NULL: no route), then seal.
 * Returns 0, or -errno with a message.
 */
int	monitor_handover(struct monitor *, const char *sock_path, pid_t pppd,
	    const char *route_host, char *err, size_t errlen);
/*
 * Ask for the host route to sa; 0 added, 1 nothing to add, -errno + err
 * (refused, or failed).  Asked once: later calls (a proxy's reconnect) do
 * not ask again and return 1.
 */
int	monitor_route_add(struct monitor *, const struct sockaddr *sa,
	    socklen_t salen, char *err, size_t errlen);
/* Ask the monitor to signal pppd; 0 or -errno. */
int	monitor_signal_pppd(struct monitor *, int sig);
/*
 * One raw request and its reply (status: 0 or 1 as above, -EPERM refused,
 * other -errno); fd >= 0 travels as SCM_RIGHTS.  For monitor.c and its
 * tests, which play the unprivileged side.
 */
int	monitor_call(struct monitor *, const void *req, size_t len, int fd,
	    char *msg, size_t msglen);
/* Close the pair and wait (bounded) for the monitor's cleanup. */
void	monitor_stop(struct monitor *);

#endif /* SSTPC_MONITOR_H */
