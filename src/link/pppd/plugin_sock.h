/*
 * plugin_sock.h - the unix socket the pppd plugin (sstp-pppd-plugin.so, or
 * NetworkManager-sstp's plugin) talks to: MPPE keys in, the server address
 * out.  Wire format: include/sstpc-plugin.h; codec: wire/plugin_msg.c.
 * Part of the pppd link: it reports to its owner (pppd_link.c) only through
 * these ops, and knows nothing of the session.
 */
#ifndef SSTPC_PLUGIN_SOCK_H
#define SSTPC_PLUGIN_SOCK_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "ppp/auth_keys.h"

struct event_base;
struct plugin_sock;

struct plugin_sock_ops {
	/* AUTH: the keys pppd's authentication left (send_len 0: none). */
	void	(*keys)(void *arg, const struct ppp_auth_keys *);
	/* ADDR: the server's name and address; -ENOTCONN before connect. */
	int	(*server_addr)(void *arg, const char **name,
		    const struct sockaddr **sa, socklen_t *salen);
};

/*
 * Listen on <runtime-dir>/sstpc-<name> (name: --ipparam, or "uds-sock").
 * Returns NULL with a message in err.
 */
struct plugin_sock *plugin_sock_new(struct event_base *, const char *name,
	    const struct plugin_sock_ops *, void *arg, char *err,
	    size_t errlen);
/*
 * Listen on <dir>/<file> (sstpd: one socket per session in its socket
 * directory).  dir is created with dir_mode if missing and must be a real
 * directory owned by root or by us, writable by nobody else; file is
 * letters, digits, '-', '_', '.' (no leading dot).  The socket is 0600 and
 * only root or our own uid may connect.  NULL with a message in err.
 */
struct plugin_sock *plugin_sock_listen(struct event_base *, const char *dir,
	    mode_t dir_mode, const char *file, const struct plugin_sock_ops *,
	    void *arg, char *err, size_t errlen);
const char	*plugin_sock_path(const struct plugin_sock *);
/* Close every client and the socket, unlink it. */
void		 plugin_sock_free(struct plugin_sock *);

#endif /* SSTPC_PLUGIN_SOCK_H */
