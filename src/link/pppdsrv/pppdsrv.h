/*
 * pppdsrv.h - sstpd's pppd backend (issue 13, 5): per session a raw pty
 * and, the pty's slave as pppd's tty,
 *   pppd <pty> nodetach file <--pppd-options> <local>:<remote>
 *        remotenumber <client-ip> plugin <our plugin> sstp-sock <socket>
 * PPP frames go between the SSTP channel and the pty through async HDLC
 * (wire/hdlc.c), as in the client's pppd link.  The project's plugin,
 * loaded by pppd on the server, reports the MPPE keys of pppd's own
 * authentication (chap-secrets, or RADIUS through pppd's radius plugin)
 * over a unix socket; this link swaps them into the client's orientation
 * (ppp/auth_keys.h) and reports them with up->auth_done, so the Call
 * Connected is verified only once they are there.  Teardown: SIGTERM,
 * then SIGKILL after a grace period; every child reaped: the link
 * watches its pppd through a pidfd (pidfd_open, Linux 5.3) on the event
 * loop and reaps it with waitid(P_PIDFD), so sstpd needs no SIGCHLD
 * dispatch.  sstpd runs as root for this backend.
 *
 * pppd's full command line (pppdsrv.c has the reasons):
 *   pppd <pty> nodetach auth [file <options_file>] <local>:<remote>
 *        remotenumber <client_addr> ipparam <session> nodefaultroute
 *        [plugin <plugin_path> sstp-sock <sock_dir>/sstpd-<session>]
 * `auth' comes before the options file, which decides the methods
 * (require-mschap-v2, refuse-pap, the radius plugin, ...) and may say
 * noauth; the pool's addresses and nodefaultroute come after it and win.
 * <session> is session_id with anything but letters, digits, '-' and '_'
 * made '_' (48 characters at most).  pppd logs to sstpd's stdout
 * (nodetach).
 *
 * Up-calls used: to_server, server_full, pause_server, auth_done (once,
 * keys in the client's orientation; no keys for PAP / CHAP-MD5), gone
 * (once, after the reap: LINK_END_AUTH for pppd's exit 11 and 19, OK for
 * 0, 5, 16 and our own signals, LINK_END_PPP otherwise).  signal_child,
 * server_addr, net_up/net_down and fail may be NULL.  link_free() kills
 * and reaps a pppd still running (SIGKILL, waitid): call link_stop() and
 * wait for gone first.  The configuration's strings are copied.
 */
#ifndef SSTPD_PPPDSRV_H
#define SSTPD_PPPDSRV_H

#include <stdint.h>

#include "link/link.h"

struct event_base;

struct pppdsrv_conf {
	const char	*pppd_path;	/* NULL: /usr/sbin/pppd */
	const char	*options_file;	/* NULL: none */
	const char	*plugin_path;	/* the sstp plugin (.so); NULL: none
					 * (no keys: zero HLAK) */
	const char	*sock_dir;	/* where the key socket goes (0700;
					 * NULL: the runtime directory) */
	uint32_t	 local4;	/* net order */
	uint32_t	 peer4;		/* from the pool */
	const char	*client_addr;	/* remotenumber (text); NULL: none */
	const char	*session_id;	/* for names and the log */
	unsigned	 kill_grace_ms;	/* SIGTERM -> SIGKILL (0: 3000) */
};

/* NULL when out of memory; the pty and pppd come at link_start(). */
struct link *pppdsrv_link_new(struct event_base *,
	    const struct pppdsrv_conf *, const struct link_up *, void *up_arg);

/*
 * The name the client gave (PAP Peer-ID, CHAP Name, EAP Identity) once
 * pppd accepted it (its Success frame or the plugin's key report); NULL
 * before, or when no name was seen.  For the log and --list.
 */
const char *pppdsrv_link_user(const struct link *);

#endif /* SSTPD_PPPDSRV_H */
