/*
 * sdnotify.h - systemd's readiness protocol (sd_notify(3), "Type=notify"),
 * our own few lines: one datagram "READY=1" or "STOPPING=1" to the
 * AF_UNIX socket named by $NOTIFY_SOCKET (a path, or '@' for the abstract
 * namespace).  Read the variable once at start (sdnotify_init); without
 * it every call does nothing.
 */
#ifndef SSTPC_SYS_SDNOTIFY_H
#define SSTPC_SYS_SDNOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

struct sdnotify {
	bool			 active;
	struct sockaddr_un	 sun;
	socklen_t		 len;
};

/* Take $NOTIFY_SOCKET's value (NULL: none); false if it is unusable. */
bool	sdnotify_init(struct sdnotify *, const char *notify_socket);
/* Send one state line ("READY=1").  0, or -errno (logged at debug). */
int	sdnotify_send(const struct sdnotify *, const char *state);

#endif /* SSTPC_SYS_SDNOTIFY_H */
