/*
 * monitor.h - the small privileged helper that stays root after sstpc
 * drops its privileges (OpenSSH's monitor, cut down to three duties).
 *
 * The network-facing process keeps no capability at all.  What still needs
 * root after the drop is asked of the monitor over a SOCK_SEQPACKET pair:
 *   - add the host route to the server (--save-server-route), once;
 *   - signal pppd (only the pid it was given, only SIGTERM/SIGHUP/SIGKILL).
 * When the pair closes — sstpc exited, crashed or was killed — the monitor
 * removes the route and the sstp-api socket, then exits.  So cleanup
 * happens on every path, SIGKILL of sstpc included.
 */
#ifndef SSTPC_MONITOR_H
#define SSTPC_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

struct monitor {
	pid_t	pid;		/* 0 when not running */
	int	fd;		/* our end of the pair, -1 when closed */
};

/*
 * Fork the monitor (call as root, before the drop).  sock_path (may be
 * NULL) is unlinked at the end; pppd_pid (0 if none) may be signalled.
 * Returns 0 or -errno with a message.
 */
int	monitor_start(struct monitor *, const char *sock_path, pid_t pppd_pid,
	    char *err, size_t errlen);
/* Ask for the host route to sa; 0 added, 1 nothing to add, -errno + err. */
int	monitor_route_add(struct monitor *, const struct sockaddr *sa,
	    socklen_t salen, char *err, size_t errlen);
/* Ask the monitor to signal pppd; 0 or -errno. */
int	monitor_signal_pppd(struct monitor *, int sig);
/* Close the pair and wait (bounded) for the monitor's cleanup. */
void	monitor_stop(struct monitor *);

#endif /* SSTPC_MONITOR_H */
