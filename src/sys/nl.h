/*
 * nl.h - the rtnetlink codec shared by sys/route.c (--save-server-route)
 * and sys/hostconf.c (the built-in mode's addresses, link and routes):
 * one request at a time on a NETLINK_ROUTE socket (RFC 3549; netlink(7),
 * rtnetlink(7)).
 *
 * Requests are built with struct wbuf: nl_begin() writes the struct
 * nlmsghdr, the caller appends the family header and attributes, and
 * nl_send() patches the length in and sends.  Answers are bytes from outside
 * the process: every header, attribute and length is read through struct
 * bcur, and only messages that carry our sequence number and port id, sent
 * by the kernel (nl_pid 0), are used.  Netlink is in host byte order.
 */
#ifndef SSTPC_SYS_NL_H
#define SSTPC_SYS_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define NL_TIMEOUT_MS	2000
#define NL_BUF		8192	/* one answer datagram */
#define NL_HDR_LEN	16	/* struct nlmsghdr */
#define NL_RTMSG_LEN	12	/* struct rtmsg */
#define NL_ATTR_HDR_LEN	4	/* struct rtattr, struct nlattr */
#define NL_ALIGN(n)	(((n) + 3U) & ~(size_t)3U)

/* A netlink socket bound to the kernel, with our port id. */
struct nl_sock {
	int		 fd;
	uint32_t	 portid;
	uint32_t	 seq;
};

/* Open and bind a NETLINK_ROUTE socket.  0 or -errno (fd -1 then). */
int	nl_open(struct nl_sock *);
void	nl_close(struct nl_sock *);

/* Host-order fields: the writer and cursor move them as raw octets. */
void	nl_put_u16(struct wbuf *, uint16_t);
void	nl_put_u32(struct wbuf *, uint32_t);
int	nl_get_u16(struct bcur *, uint16_t *);
int	nl_get_u32(struct bcur *, uint32_t *);

/* Start a request: struct nlmsghdr with a new sequence number. */
void	nl_begin(struct wbuf *, struct nl_sock *, uint16_t type,
	    uint16_t flags);
struct rtmsg;
/* Append a struct rtmsg (RFC 3549 2.3.3.2) after nl_begin(). */
void	nl_put_rtmsg(struct wbuf *, const struct rtmsg *);
/* Append one attribute (padded to 4 octets). */
void	nl_put_attr(struct wbuf *, uint16_t type, const void *data,
	    size_t len);
/* Patch the total length into the header and send.  0 or -errno. */
int	nl_send(struct nl_sock *, struct wbuf *);
/*
 * Wait for the answer to the last request.  want 0: the ACK (returns 0 or
 * the kernel's negative errno).  Otherwise the first message of type want:
 * its payload (after struct nlmsghdr) as *payload, pointing into buf (at
 * least NL_BUF octets).  -ETIMEDOUT, -EBADMSG (malformed), -EMSGSIZE.
 */
int	nl_recv(struct nl_sock *, uint16_t want, uint8_t *buf,
	    struct bcur *payload);
/*
 * The next attribute of body (a struct rtattr list): its type (without
 * NLA_F_* flags) and value.  1 when body is exhausted, 0, or -EBADMSG.
 */
int	nl_next_attr(struct bcur *body, uint16_t *type, struct bcur *val);
/* Send a request and wait for its ACK. */
int	nl_call(struct nl_sock *, struct wbuf *);

#endif /* SSTPC_SYS_NL_H */
