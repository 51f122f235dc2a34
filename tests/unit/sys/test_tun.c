/*
 * test_tun.c - sys/tun.c against the real kernel, in a network namespace of
 * its own (unshare(CLONE_NEWNET): the devices it makes vanish with it).
 *
 * Needs root and /dev/net/tun; without them (or where unshare is refused,
 * as in an unprivileged container) it exits 77, which automake reports as
 * SKIP, not as a pass.  Cases: create with a kernel-picked name, the next
 * number, EBUSY on a device in use, attach to a persistent device (same
 * ifindex), --tun-fd with a TUN, a TUN with packet information, a TAP, a
 * socket, /dev/null and a closed number; invalid names; and without any
 * capability (capset, uid 0 kept so /dev/net/tun still opens): attach to a
 * persistent device we own, EPERM with the `ip tuntap add` hint for one of
 * another owner and for creating a new one.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/if_tun.h>

#include "sys/tun.h"
#include "harness.h"

/* A raw TUNSETIFF with flags on a new descriptor; -errno on failure. */
static int
raw_tun(const char *name, short flags)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = flags;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* A persistent TUN owned by uid; 0 or -errno. */
static int
make_persistent(const char *name, uid_t owner)
{
	int fd = raw_tun(name, IFF_TUN | IFF_NO_PI), r = 0;

	if (fd < 0)
		return fd;
	if (ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0 ||
	    ioctl(fd, TUNSETPERSIST, 1UL) < 0)
		r = -errno;
	close(fd);
	return r;
}

static void
test_create(void)
{
	struct tun_dev a, b, c;
	char err[512];
	int fl;

	TEST_START("create: kernel-picked sstpN, the next one, EBUSY");
	ASSERT_INT_EQ(tun_open(&a, NULL, err, sizeof err), 0);
	ASSERT_STR_EQ(a.name, "sstp0");
	ASSERT_TRUE(a.created);
	ASSERT_INT_EQ(a.ifindex, (int)if_nametoindex("sstp0"));
	ASSERT_TRUE(a.ifindex > 0);
	fl = fcntl(a.fd, F_GETFL);
	ASSERT_TRUE(fl >= 0 && (fl & O_NONBLOCK) != 0);
	fl = fcntl(a.fd, F_GETFD);
	ASSERT_TRUE(fl >= 0 && (fl & FD_CLOEXEC) != 0);
	{
		uint8_t buf[64];

		ASSERT_INT_EQ(read(a.fd, buf, sizeof buf), -1);
		ASSERT_INT_EQ(errno, EAGAIN);
	}
	/* A TUN without packet information (sysfs of this namespace). */
	{
		char buf[32] = "";
		FILE *fp = fopen("/sys/class/net/sstp0/tun_flags", "r");

		ASSERT_PTR_NOT_NULL(fp);
		if (fp != NULL) {
			if (fgets(buf, sizeof buf, fp) == NULL)
				buf[0] = '\0';
			fclose(fp);
		}
		ASSERT_INT_EQ(strtol(buf, NULL, 16) & (IFF_TUN | IFF_TAP |
		    IFF_NO_PI), IFF_TUN | IFF_NO_PI);
	}
	ASSERT_INT_EQ(tun_open(&b, NULL, err, sizeof err), 0);
	ASSERT_STR_EQ(b.name, "sstp1");
	ASSERT_INT_NE(b.ifindex, a.ifindex);
	ASSERT_INT_EQ(tun_open(&c, "sstp0", err, sizeof err), -EBUSY);
	ASSERT_TRUE(strstr(err, "in use") != NULL);
	ASSERT_INT_EQ(c.fd, -1);
	tun_close(&a);
	tun_close(&b);
	ASSERT_INT_EQ(a.fd, -1);
	/* Not persistent: the device went with its descriptor. */
	ASSERT_INT_EQ(if_nametoindex("sstp0"), 0);
	TEST_DONE();
}

static void
test_names(void)
{
	struct tun_dev t;
	char err[512];

	TEST_START("invalid interface names are refused before any ioctl");
	ASSERT_INT_EQ(tun_open(&t, "", err, sizeof err), -EINVAL);
	ASSERT_INT_EQ(tun_open(&t, "a/b", err, sizeof err), -EINVAL);
	ASSERT_TRUE(strstr(err, "not a valid interface name") != NULL);
	ASSERT_INT_EQ(tun_open(&t, "a b", err, sizeof err), -EINVAL);
	ASSERT_TRUE(strstr(err, "not a valid interface name") != NULL);
	ASSERT_INT_EQ(tun_open(&t, "a:b", err, sizeof err), -EINVAL);
	ASSERT_TRUE(strstr(err, "not a valid interface name") != NULL);
	ASSERT_INT_EQ(tun_open(&t, "..", err, sizeof err), -EINVAL);
	ASSERT_INT_EQ(tun_open(&t, "x%s", err, sizeof err), -EINVAL);
	ASSERT_TRUE(strstr(err, "not a valid interface name") != NULL);
	ASSERT_INT_EQ(tun_open(&t, "0123456789abcdef", err, sizeof err),
	    -EINVAL);
	ASSERT_TRUE(strstr(err, "not a valid interface name") != NULL);
	ASSERT_INT_EQ(tun_open(&t, "vpn%d", err, sizeof err), 0);
	ASSERT_STR_EQ(t.name, "vpn0");
	tun_close(&t);
	TEST_DONE();
}

static void
test_persistent(void)
{
	struct tun_dev t;
	char err[512];
	int idx;

	TEST_START("attach to a persistent device: same ifindex, not created");
	ASSERT_INT_EQ(make_persistent("ptun0", 0), 0);
	idx = (int)if_nametoindex("ptun0");
	ASSERT_TRUE(idx > 0);
	ASSERT_INT_EQ(tun_open(&t, "ptun0", err, sizeof err), 0);
	ASSERT_FALSE(t.created);
	ASSERT_INT_EQ(t.ifindex, idx);
	tun_close(&t);
	/* Attach again after a close: what --persist relies on. */
	ASSERT_INT_EQ(tun_open(&t, "ptun0", err, sizeof err), 0);
	ASSERT_INT_EQ(t.ifindex, idx);
	tun_close(&t);
	ASSERT_INT_EQ((int)if_nametoindex("ptun0"), idx);
	TEST_DONE();
}

static void
test_adopt(void)
{
	struct tun_dev t;
	char err[512];
	int fd, sv[2], fl;

	TEST_START("--tun-fd: a TUN is taken, anything else refused");
	fd = raw_tun("fdtun0", IFF_TUN | IFF_NO_PI);
	ASSERT_TRUE(fd >= 0);
	fl = fcntl(fd, F_GETFL);
	ASSERT_TRUE((fl & O_NONBLOCK) == 0);
	ASSERT_INT_EQ(tun_adopt_fd(&t, fd, err, sizeof err), 0);
	ASSERT_STR_EQ(t.name, "fdtun0");
	ASSERT_INT_EQ(t.ifindex, (int)if_nametoindex("fdtun0"));
	ASSERT_TRUE((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
	ASSERT_TRUE((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	ASSERT_TRUE(t.adopted);
	tun_close(&t);

	fd = raw_tun("pitun0", IFF_TUN);
	ASSERT_TRUE(fd >= 0);
	ASSERT_INT_EQ(tun_adopt_fd(&t, fd, err, sizeof err), -EINVAL);
	ASSERT_TRUE(strstr(err, "packet information") != NULL);
	ASSERT_INT_EQ(t.fd, -1);
	close(fd);

	fd = raw_tun("tap0", IFF_TAP | IFF_NO_PI);
	ASSERT_TRUE(fd >= 0);
	ASSERT_INT_EQ(tun_adopt_fd(&t, fd, err, sizeof err), -EINVAL);
	ASSERT_TRUE(strstr(err, "TAP") != NULL);
	close(fd);

	ASSERT_INT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ASSERT_INT_EQ(tun_adopt_fd(&t, sv[0], err, sizeof err), -ENOTTY);
	ASSERT_TRUE(strstr(err, "not an attached TUN") != NULL);
	/* The refused descriptor is not made non-blocking. */
	ASSERT_TRUE((fcntl(sv[0], F_GETFL) & O_NONBLOCK) == 0);
	close(sv[0]);
	close(sv[1]);

	fd = open("/dev/null", O_RDWR);
	ASSERT_INT_EQ(tun_adopt_fd(&t, fd, err, sizeof err), -ENOTTY);
	close(fd);

	/* /dev/net/tun opened but never attached. */
	fd = open("/dev/net/tun", O_RDWR);
	ASSERT_INT_EQ(tun_adopt_fd(&t, fd, err, sizeof err), -ENOTTY);
	close(fd);

	ASSERT_INT_EQ(tun_adopt_fd(&t, 987, err, sizeof err), -EBADF);
	ASSERT_TRUE(strstr(err, "not an open file descriptor") != NULL);
	TEST_DONE();
}

/* Drop every capability of this process (uid 0 stays). */
static int
drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof d);
	return (int)syscall(SYS_capset, &h, d);
}

static void
test_rootless(void)
{
	pid_t pid;
	int st = -1;

	TEST_START("no capability: attach as owner; EPERM with the hint");
	ASSERT_INT_EQ(make_persistent("own0", 0), 0);
	ASSERT_INT_EQ(make_persistent("other0", 65534), 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct tun_dev t;
		char err[512];
		int bad = 0;

		if (drop_caps() < 0)
			_exit(10);
		if (tun_open(&t, "own0", err, sizeof err) != 0)
			bad |= 1;
		tun_close(&t);
		if (tun_open(&t, "other0", err, sizeof err) != -EPERM ||
		    strstr(err, "ip tuntap add dev other0 mode tun user")
		    == NULL)
			bad |= 2;
		if (tun_open(&t, "new0", err, sizeof err) != -EPERM ||
		    strstr(err, "needs CAP_NET_ADMIN") == NULL ||
		    strstr(err, "ip tuntap add dev new0 mode tun user")
		    == NULL)
			bad |= 4;
		if (tun_open(&t, NULL, err, sizeof err) != -EPERM ||
		    strstr(err, "ip tuntap add dev sstp0") == NULL)
			bad |= 8;
		_exit(bad);
	}
	ASSERT_TRUE(pid > 0);
	ASSERT_INT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_INT_EQ(WEXITSTATUS(st), 0);
	TEST_DONE();
}

int
main(void)
{
	if (geteuid() != 0) {
		printf("SKIP: needs root (a network namespace and /dev/net/tun)"
		    "\n");
		return 77;
	}
	if (access("/dev/net/tun", R_OK | W_OK) != 0) {
		printf("SKIP: no /dev/net/tun\n");
		return 77;
	}
	/*
	 * A network namespace, and a mount namespace with a /sys of it: the
	 * device flags of --tun-fd are read there.
	 */
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 77;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL) < 0) {
		printf("SKIP: cannot mount a sysfs of the namespace: %s\n",
		    strerror(errno));
		return 77;
	}
	test_create();
	test_names();
	test_persistent();
	test_adopt();
	test_rootless();
	return test_exit();
}
