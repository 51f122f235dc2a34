/*
 * tun.c - open, create or attach the TUN device (see tun.h).
 *
 * Kernel facts used (Documentation/networking/tuntap.rst, drivers/net/tun.c):
 * TUNSETIFF on a fresh /dev/net/tun descriptor creates the device when no
 * device of that name exists (CAP_NET_ADMIN needed), or attaches to the
 * existing one when the caller is its owner or in its group or holds
 * CAP_NET_ADMIN (else EPERM); a single-queue device already attached to
 * another descriptor answers EBUSY, a TAP or another kind of device of that
 * name EINVAL.  A name with "%d" lets the kernel pick the number.
 * TUNGETIFF tells an attached descriptor's name and flags; on anything that
 * is not a TUN descriptor it fails (ENOTTY, EINVAL or EBADFD when not yet
 * attached).  XX: its flags cannot tell IFF_NO_PI: the kernel ORs in
 * IFF_NOFILTER, the same bit (0x1000), whenever no socket filter is set,
 * and only a TAP can have one.  The device's own flags are in sysfs
 * (/sys/class/net/NAME/tun_flags), which is read when it shows the same
 * ifindex (a /sys of another network namespace does not).
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/if_tun.h>

#include "sys/tun.h"
#include "util/buf.h"
#include "util/ctype.h"
#include "util/log.h"

#define TUN_CLONE_DEV	"/dev/net/tun"
/* virtio 1.x 5.1.6: struct virtio_net_hdr, and with num_buffers. */
#define TUN_VNET_HDR		10
#define TUN_VNET_HDR_MRG	12

void
tun_init(struct tun_dev *t)
{
	memset(t, 0, sizeof *t);
	t->fd = -1;
}

/*
 * An interface name the kernel takes (dev_valid_name): 1..15 printable
 * bytes, no space, '/' or ':', not "." or "..", and at most one "%d".
 */
static bool
tun_name_ok(const char *name)
{
	struct bcur c = bcur_make(name, strnlen(name, TUN_NAME_MAX));
	size_t n = bcur_left(&c);
	int pct = 0;
	uint8_t b;

	if (n == 0 || n >= TUN_NAME_MAX || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	while (bcur_get_u8(&c, &b) == 0) {
		if (!is_print(b) || b == ' ' || b == '/' || b == ':')
			return false;
		if (b == '%') {
			if (pct++ > 0 || bcur_get_u8(&c, &b) < 0 || b != 'd')
				return false;
		}
	}
	return true;
}

/* The user name for the `ip tuntap add ... user USER` hint. */
static void
tun_user_name(char *out, size_t outlen)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &res) == 0 &&
	    res != NULL)
		snprintf(out, outlen, "%s", res->pw_name);
	else
		snprintf(out, outlen, "%lu", (unsigned long)geteuid());
}

/* O_NONBLOCK and FD_CLOEXEC on fd.  0 or -errno. */
static int
tun_fd_flags(int fd)
{
	int fl;

	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	fl = fcntl(fd, F_GETFD);
	if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

/* The descriptor's name and flags (TUNGETIFF), then its ifindex. */
static int
tun_query(struct tun_dev *t, short *flags)
{
	struct ifreq ifr;
	unsigned idx;

	memset(&ifr, 0, sizeof ifr);
	if (ioctl(t->fd, TUNGETIFF, &ifr) < 0)
		return -errno;
	memcpy(t->name, ifr.ifr_name, sizeof t->name);
	t->name[sizeof t->name - 1] = '\0';
	*flags = ifr.ifr_flags;
	idx = if_nametoindex(t->name);
	if (idx == 0)
		return -errno;
	t->ifindex = (int)idx;
	return 0;
}

/* A small sysfs attribute of the device as a number; -errno. */
static long
tun_sysfs_num(const char *name, const char *attr)
{
	char path[96], text[32];
	struct bcur c;
	unsigned long v = 0;
	ssize_t n;
	uint8_t b;
	int fd, base = 10, d;

	snprintf(path, sizeof path, "/sys/class/net/%s/%s", name, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, text, sizeof text);
	close(fd);
	if (n <= 0)
		return -EIO;
	c = bcur_make(text, (size_t)n);
	if (bcur_starts_with(&c, "0x", 2)) {
		(void)bcur_skip(&c, 2);
		base = 16;
	}
	if (bcur_left(&c) == 0)
		return -EINVAL;
	while (bcur_get_u8(&c, &b) == 0 && b != '\n') {
		d = base == 16 ? hex_val(b) : is_digit(b) ? b - '0' : -1;
		if (d < 0)
			return -EINVAL;
		v = v * (unsigned)base + (unsigned)d;
		if (v > 0xffffffUL)
			return -ERANGE;
	}
	return (long)v;
}

/*
 * The device's flags from sysfs (see the XX above), or -errno when this
 * /sys does not show the device of that ifindex.
 */
static long
tun_dev_flags(const struct tun_dev *t)
{
	long idx = tun_sysfs_num(t->name, "ifindex");

	if (idx < 0)
		return idx;
	if (idx != t->ifindex)
		return -ESRCH;
	return tun_sysfs_num(t->name, "tun_flags");
}

/*
 * IFF_VNET_HDR is on: learn the header's size, have its fields
 * little-endian (TUNSETVNETLE; a kernel without it uses the host's order,
 * the legacy virtio one) and ask for checksum and TSO offloads, so that
 * one read may carry a 64 KiB TCP super-packet (BUILTIN-PPP.md 4).
 * 0, or -EINVAL for a header size we do not know.
 */
static int
tun_vnet_setup(struct tun_dev *t)
{
	int sz = 0, on = 1;
	unsigned off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;

	if (ioctl(t->fd, TUNGETVNETHDRSZ, &sz) < 0)
		sz = TUN_VNET_HDR;
	if (sz != TUN_VNET_HDR && sz != TUN_VNET_HDR_MRG)
		return -EINVAL;
	t->vnet_hdr = (unsigned)sz;
	t->vnet_le = ioctl(t->fd, TUNSETVNETLE, &on) == 0 ||
	    BYTE_ORDER == LITTLE_ENDIAN;
	t->offloads = ioctl(t->fd, TUNSETOFFLOAD, off) == 0;
	if (!t->offloads)
		log_debug("TUN %s: no TSO offloads (%s): one packet per read",
		    t->name, strerror(errno));
	else
		log_debug("TUN %s: virtio_net_hdr of %d bytes, checksum and "
		    "TSO offloads on", t->name, sz);
	return 0;
}

/* One line for a TUNSETIFF failure. */
static void
tun_setiff_error(int e, const char *name, bool existed, char *err,
    size_t errlen)
{
	char user[64];

	tun_user_name(user, sizeof user);
	switch (e) {
	case EPERM:
	case EACCES:
		if (existed)
			snprintf(err, errlen, "TUN device %s: not allowed to "
			    "attach (it belongs to another user or group); "
			    "create it for this user with `ip tuntap add dev "
			    "%s mode tun user %s`", name, name, user);
		else
			snprintf(err, errlen, "cannot create the TUN device "
			    "%s: needs CAP_NET_ADMIN; without root, create it "
			    "beforehand with `ip tuntap add dev %s mode tun "
			    "user %s` and give --tun=%s", name,
			    strchr(name, '%') != NULL ? "sstp0" : name,
			    user, strchr(name, '%') != NULL ? "sstp0" : name);
		break;
	case EBUSY:
		snprintf(err, errlen, "TUN device %s is in use by another "
		    "process (EBUSY)", name);
		break;
	case EINVAL:
		snprintf(err, errlen, "%s exists and is not a TUN device "
		    "(a TAP, or another kind of interface?)", name);
		break;
	default:
		snprintf(err, errlen, "TUN device %s: %s", name, strerror(e));
		break;
	}
}

int
tun_open(struct tun_dev *t, const char *name, char *err, size_t errlen)
{
	const char *e = getenv("SSTPC_TUN_VNET");
	int r;

	r = tun_open_vnet(t, name, e == NULL || strcmp(e, "0") != 0, err,
	    errlen);
	if (r == 0 && e != NULL && strcmp(e, "nogro") == 0)
		t->no_gro = true;
	return r;
}

int
tun_open_vnet(struct tun_dev *t, const char *name, bool vnet, char *err,
    size_t errlen)
{
	struct ifreq ifr;
	bool existed;
	short flags;
	int r;

	tun_init(t);
	if (name == NULL)
		name = TUN_DEFAULT_PATTERN;
	if (!tun_name_ok(name)) {
		snprintf(err, errlen, "--tun: \"%.32s\" is not a valid "
		    "interface name (1-15 characters, no space, '/' or ':')",
		    name);
		return -EINVAL;
	}
	t->fd = open(TUN_CLONE_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		r = -errno;
		if (r == -ENOENT || r == -ENXIO || r == -ENODEV)
			snprintf(err, errlen, "no %s: this kernel or container "
			    "offers no TUN devices (modprobe tun, or give the "
			    "container /dev/net/tun)", TUN_CLONE_DEV);
		else
			snprintf(err, errlen, "cannot open %s: %s",
			    TUN_CLONE_DEV, strerror(-r));
		return r;
	}
	existed = strchr(name, '%') == NULL && if_nametoindex(name) != 0;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, name, strlen(name));	/* < IFNAMSIZ */
	r = ioctl(t->fd, TUNSETIFF, &ifr);
	if (r < 0 && vnet && errno == EINVAL) {
		/* A kernel without IFF_VNET_HDR: plain packets. */
		vnet = false;
		ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
		r = ioctl(t->fd, TUNSETIFF, &ifr);
	}
	if (r < 0) {
		r = -errno;
		tun_setiff_error(-r, name, existed, err, errlen);
		tun_close(t);
		return r;
	}
	t->created = !existed;
	r = tun_query(t, &flags);
	if (r < 0) {
		snprintf(err, errlen, "TUN device %s: cannot read its name or "
		    "index: %s", name, strerror(-r));
		tun_close(t);
		return r;
	}
	if (vnet && (flags & IFF_VNET_HDR) != 0 && tun_vnet_setup(t) < 0) {
		snprintf(err, errlen, "TUN device %s: unexpected "
		    "virtio_net_hdr size", t->name);
		tun_close(t);
		return -EINVAL;
	}
	return 0;
}

int
tun_adopt_fd(struct tun_dev *t, int fd, char *err, size_t errlen)
{
	short flags = 0;
	int r;

	tun_init(t);
	if (fd < 0 || fcntl(fd, F_GETFD) < 0) {
		snprintf(err, errlen, "--tun-fd %d: not an open file "
		    "descriptor", fd);
		return -EBADF;
	}
	t->fd = fd;
	t->adopted = true;
	r = tun_query(t, &flags);
	if (r < 0) {
		snprintf(err, errlen, "--tun-fd %d: not an attached TUN "
		    "device (%s)", fd, strerror(-r));
		t->fd = -1;
		return r == -EINVAL || r == -EBADFD ? -ENOTTY : r;
	}
	if ((flags & (IFF_TUN | IFF_TAP)) == IFF_TUN) {
		long df = tun_dev_flags(t);

		if (df >= 0)
			flags = (short)((flags & ~IFF_NO_PI) | (df & IFF_NO_PI));
		else
			log_debug("--tun-fd %d: %s: cannot check IFF_NO_PI in "
			    "sysfs (%s); assuming it", fd, t->name,
			    strerror((int)-df));
	}
	if ((flags & (IFF_TUN | IFF_TAP)) != IFF_TUN ||
	    (flags & IFF_NO_PI) == 0) {
		snprintf(err, errlen, "--tun-fd %d: %s is %s; sstpc needs a "
		    "TUN without packet information (IFF_TUN | IFF_NO_PI)", fd,
		    t->name, (flags & IFF_TAP) != 0 ? "a TAP device" :
		    "opened with packet information");
		t->fd = -1;
		return -EINVAL;
	}
	/* The launcher's choice of IFF_VNET_HDR is followed. */
	if ((flags & IFF_VNET_HDR) != 0 && tun_vnet_setup(t) < 0) {
		snprintf(err, errlen, "--tun-fd %d: %s has a virtio_net_hdr "
		    "size sstpc does not know (not 10 or 12)", fd, t->name);
		t->fd = -1;
		return -EINVAL;
	}
	r = tun_fd_flags(fd);
	if (r < 0) {
		snprintf(err, errlen, "--tun-fd %d: %s", fd, strerror(-r));
		t->fd = -1;
		return r;
	}
	return 0;
}

void
tun_close(struct tun_dev *t)
{
	/* A device that outlives us keeps no offloads a plain reader lacks. */
	if (t->fd >= 0 && t->offloads && !t->created)
		(void)ioctl(t->fd, TUNSETOFFLOAD, 0);
	t->offloads = false;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
