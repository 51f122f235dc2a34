/*
 * pppd_link.h - the pppd link: PPP spoken by pppd on a pty, framed with
 * async HDLC (RFC 1662), in one of two modes:
 *   launch mode  sstpc forks pppd on a new pty (`sstpc server -- opts`);
 *   pty mode     pppd runs sstpc (`pppd pty "sstpc --nolaunchpppd ..."`)
 *                and the pty master is sstpc's stdin/stdout.
 * The MPPE keys for the crypto binding come from the plugin socket
 * (plugin_sock.c), from sstpc's own copy of the password (snooping the
 * MS-CHAPv2 exchange), or from sstpc itself (--eap-auth).
 */
#ifndef SSTPC_PPPD_LINK_H
#define SSTPC_PPPD_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "link/link.h"

struct event_base;

/* What the pppd link needs of the client's configuration. */
struct pppd_link_conf {
	bool			 launch;	/* fork pppd, else pty mode */
	const char		*pppd_path;
	const char * const	*pppd_args;	/* after the server / "--" */
	size_t			 n_pppd_args;
	const char		*user;		/* NULL: none */
	const char		*password;	/* NULL: none */
	bool			 eap_auth;	/* sstpc authenticates */
	const char		*ipparam;	/* names the plugin socket */
};

/*
 * A new pppd link reporting to up/up_arg.  The strings of conf must live
 * as long as the link.  Nothing is started yet (link_start).  NULL when
 * out of memory.
 */
/*
 * The server stream's watermarks while this link feeds it (upload).  The
 * default (STREAM_TX_HIGH, 128 KiB) let the queue above the socket grow
 * 16 -> 32 -> 64 (-> 128) KiB in a malloc trace of the bench's upload: only
 * resident heap, since the socket's own buffer holds far more.  16 KiB + one
 * read (8 KiB, pppd_link.c) + one frame stays in a 32 KiB allocation
 * (bench/README.md: heap and throughput before and after).
 */
#define PPPD_LINK_SERVER_TX_HIGH	(16 * 1024)
#define PPPD_LINK_SERVER_TX_LOW		(8 * 1024)

struct link	*pppd_link_new(struct event_base *,
		    const struct pppd_link_conf *, const struct link_up *,
		    void *up_arg);

#endif /* SSTPC_PPPD_LINK_H */
