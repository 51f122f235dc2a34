/*
 * sdnotify.c - see sdnotify.h (the protocol is sd_notify(3)'s: newline
 * separated VAR=value lines in one datagram to $NOTIFY_SOCKET).
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "util/log.h"
#include "sys/sdnotify.h"

bool
sdnotify_init(struct sdnotify *n, const char *path)
{
	size_t k;

	memset(n, 0, sizeof *n);
	if (path == NULL || path[0] == '\0')
		return false;
	k = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || k >= sizeof n->sun.sun_path) {
		log_warn("NOTIFY_SOCKET '%s' is not a socket path; no "
		    "readiness notification", path);
		return false;
	}
	n->sun.sun_family = AF_UNIX;
	memcpy(n->sun.sun_path, path, k);
	if (path[0] == '@')
		n->sun.sun_path[0] = '\0';	/* abstract namespace */
	n->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + k +
	    (path[0] == '@' ? 0 : 1));
	n->active = true;
	return true;
}

int
sdnotify_send(const struct sdnotify *n, const char *state)
{
	int fd, r = 0;
	size_t k = strlen(state);

	if (!n->active)
		return 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, state, k, MSG_NOSIGNAL, (const struct sockaddr *)&n->sun,
	    n->len) != (ssize_t)k)
		r = -errno;
	close(fd);
	if (r != 0)
		log_debug("sd_notify %s: %s", state, strerror(-r));
	else
		log_debug("sd_notify %s", state);
	return r;
}
