/*
 * tun.h - the TUN device of the built-in PPP mode (--tun, issue 12): open
 * /dev/net/tun as a layer-3 device without packet information (IFF_TUN |
 * IFF_NO_PI: one read or write is one IP packet, BUILTIN-PPP.md 4), and
 * either create the device or attach to an existing persistent one, or take
 * a descriptor a privileged launcher already attached (--tun-fd).
 *
 * Only opening and attaching live here.  Addresses, MTU, routes and link up
 * need CAP_NET_ADMIN and go through the monitor (rtnetlink); a rootless
 * sstpc attaches to a device created for its user beforehand
 * (`ip tuntap add dev NAME mode tun user USER`: the kernel lets the owner or
 * group of a persistent device attach without any capability).
 *
 * The descriptor is non-blocking and close-on-exec.  It belongs to the
 * program, not to a link: it outlives a reconnect (--persist keeps the
 * device, its ifindex and routes).
 */
#ifndef SSTPC_TUN_H
#define SSTPC_TUN_H

#include <stdbool.h>
#include <stddef.h>

#define TUN_NAME_MAX		16	/* IFNAMSIZ, with the NUL */
#define TUN_DEFAULT_PATTERN	"sstp%d"	/* the kernel picks N */

struct tun_dev {
	int	 fd;			/* -1: none */
	char	 name[TUN_NAME_MAX];
	int	 ifindex;
	bool	 created;		/* we made it: it goes with the fd */
	bool	 adopted;		/* --tun-fd: the launcher's fd */
	/*
	 * IFF_VNET_HDR: every read and write starts with a virtio_net_hdr
	 * of this many bytes (10 or 12; 0: plain packets), its fields
	 * little-endian when vnet_le; offloads: TUNSETOFFLOAD took TSO,
	 * so one read may be a TCP super-packet of up to 64 KiB.
	 */
	unsigned vnet_hdr;
	bool	 vnet_le;
	bool	 offloads;
	bool	 no_gro;		/* SSTPC_TUN_VNET=nogro */
};

/* An empty device (fd -1). */
void	tun_init(struct tun_dev *);
/*
 * Create the device @name (NULL: "sstp%d", the kernel picks the number) or
 * attach to the existing persistent one of that name, with IFF_VNET_HDR
 * and the TSO offloads when the kernel takes them (tun_open_vnet() with
 * false, or SSTPC_TUN_VNET=0 in the environment: plain packets).
 * 0, or -errno with
 * one line in err: no /dev/net/tun (-ENOENT), not allowed (-EPERM, with the
 * `ip tuntap add` hint), already in use (-EBUSY), not a TUN (-EINVAL).
 */
int	tun_open(struct tun_dev *, const char *name, char *err, size_t errlen);
/* tun_open() with IFF_VNET_HDR asked for (@vnet) or not. */
int	tun_open_vnet(struct tun_dev *, const char *name, bool vnet, char *err,
	    size_t errlen);
/*
 * --tun-fd: take @fd, already attached by a launcher.  Checks that it is a
 * TUN (TUNGETIFF: IFF_TUN with IFF_NO_PI), makes it non-blocking and
 * close-on-exec.  A descriptor opened with IFF_VNET_HDR is followed (its
 * header size and byte order; the offloads are asked for), one without
 * keeps plain packets.  0, or -errno with one line in err (-EBADF, -ENOTTY for
 * a descriptor that is no TUN, -EINVAL for a TAP or one with packet
 * information).
 */
int	tun_adopt_fd(struct tun_dev *, int fd, char *err, size_t errlen);
/* Close the descriptor (a device we created and did not persist goes). */
void	tun_close(struct tun_dev *);

#endif /* SSTPC_TUN_H */
