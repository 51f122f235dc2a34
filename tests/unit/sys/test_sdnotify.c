/*
 * test_sdnotify.c - sd_notify over $NOTIFY_SOCKET (src/sys/sdnotify.c): a
 * path socket and an abstract one receive exactly the state line; no
 * variable, or a relative path, sends nothing.  Runs as any user.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "harness.h"
#include "sys/sdnotify.h"

/* A datagram socket bound to name ('@': abstract). */
static int
listener(const char *name)
{
	struct sockaddr_un sun;
	size_t k = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, name, k);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	if (bind(fd, (struct sockaddr *)&sun, (socklen_t)(offsetof(struct
	    sockaddr_un, sun_path) + k + (name[0] == '@' ? 0 : 1))) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One datagram within 1 s, or "". */
static void
receive(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	buf[0] = '\0';
	if (poll(&p, 1, 1000) != 1)
		return;
	n = recv(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
}

int
main(void)
{
	char path[108], abs[64], buf[64];
	struct sdnotify n;
	int fd;

	TEST_START("path socket: READY=1 then STOPPING=1");
	snprintf(path, sizeof path, "/tmp/sstpc-test-notify-%ld",
	    (long)getpid());
	unlink(path);
	fd = listener(path);
	ASSERT_INT_GE(fd, 0);
	ASSERT_TRUE(sdnotify_init(&n, path));
	ASSERT_INT_EQ(sdnotify_send(&n, "READY=1"), 0);
	receive(fd, buf, sizeof buf);
	ASSERT_STR_EQ(buf, "READY=1");
	ASSERT_INT_EQ(sdnotify_send(&n, "STOPPING=1"), 0);
	receive(fd, buf, sizeof buf);
	ASSERT_STR_EQ(buf, "STOPPING=1");
	close(fd);
	unlink(path);
	TEST_DONE();

	TEST_START("abstract socket");
	snprintf(abs, sizeof abs, "@sstpc-test-notify-%ld", (long)getpid());
	fd = listener(abs);
	ASSERT_INT_GE(fd, 0);
	ASSERT_TRUE(sdnotify_init(&n, abs));
	ASSERT_INT_EQ(sdnotify_send(&n, "READY=1"), 0);
	receive(fd, buf, sizeof buf);
	ASSERT_STR_EQ(buf, "READY=1");
	close(fd);
	TEST_DONE();

	TEST_START("no NOTIFY_SOCKET, or not a socket path: nothing");
	ASSERT_FALSE(sdnotify_init(&n, NULL));
	ASSERT_INT_EQ(sdnotify_send(&n, "READY=1"), 0);
	ASSERT_FALSE(sdnotify_init(&n, "relative/notify"));
	ASSERT_FALSE(n.active);
	TEST_DONE();
	return test_exit();
}
