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
 * The built-in mode (--tun, sys/hostconf.h, sys/script.h):
 *   'T' ifindex (be32) flags (u8) mtu (be16) ifname
 *				the TUN (before the seal, once)
 *   'A' family (u8) prefixlen (u8) address (4 or 16)
 *				one --route (before the seal, up to
 *				HOSTCONF_ROUTES_MAX)
 *   'X' command		--script (before the seal, once)
 *   'C' ifindex ppp_ip_info gateway
 *				configure the TUN (needs 'T'): only the
 *				ifindex of 'T', only host addresses, the
 *				gateway only an address of 'H'; once, until
 *				'U'.  Routes come from 'A' alone.
 *   'U' ifindex		undo 'C' (so 'C' may come again)
 *   'E' reason			run the script for "attempt-reconnect" or
 *				"reconnect" (needs 'X')
 * At EOF a configuration still in place is undone (the script's
 * disconnect, or hostconf_undo()).
 */
#ifndef SSTPC_MONITOR_H
#define SSTPC_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "ppp/ppp_engine.h"
#include "sys/hostconf.h"

#define MON_REQ_PIDFD		'P'
#define MON_REQ_SOCKET		'S'
#define MON_REQ_HOST		'H'
#define MON_REQ_SEAL		'D'
#define MON_REQ_ROUTE		'R'
#define MON_REQ_SIGNAL		'K'
#define MON_REQ_TUN		'T'
#define MON_REQ_TUN_ROUTE	'A'
#define MON_REQ_SCRIPT		'X'
#define MON_REQ_CONFIGURE	'C'
#define MON_REQ_UNCONFIGURE	'U'
#define MON_REQ_EVENT		'E'
#define MON_TUN_DEFAULTROUTE	0x01	/* 'T' flags */
#define MON_TUN_USEPEERDNS	0x02
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
/*
 * The built-in mode, before the drop (before monitor_handover(), which
 * seals): the TUN, the routes and --script (NULL: none).  0 or -errno
 * with a message.
 */
int	monitor_handover_tun(struct monitor *, const struct hostconf_conf *,
	    const char *script, char *err, size_t errlen);
/*
 * Configure the TUN from ip (net_up): addresses, MTU, up, the routes
 * handed over, --defaultroute; or, with --script, run it for "connect".
 * gw: the address the server connection goes to.  0, or -EPERM (refused
 * or failed) / -errno with the monitor's message in err.
 */
int	monitor_net_up(struct monitor *, int ifindex,
	    const struct ppp_ip_info *ip, const struct sockaddr *gw,
	    socklen_t gwlen, char *err, size_t errlen);
/* Undo it (net_down, or the script's "disconnect").  0, 1 (nothing). */
int	monitor_net_down(struct monitor *, int ifindex, char *err,
	    size_t errlen);
/* Run the script for "attempt-reconnect" or "reconnect". */
int	monitor_script_event(struct monitor *, const char *reason, char *err,
	    size_t errlen);
/* Close the pair and wait (bounded) for the monitor's cleanup. */
void	monitor_stop(struct monitor *);

#endif /* SSTPC_MONITOR_H */
