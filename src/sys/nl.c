/*
 * nl.c - the rtnetlink codec of sys/ (RFC 3549; netlink(7), rtnetlink(7)).
 * See nl.h.  Moved out of route.c so that hostconf.c speaks the same one.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "util/buf.h"
#include "sys/nl.h"

int
nl_open(struct nl_sock *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof sa;

	nl->seq = 1;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return -errno;
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(nl->fd, (struct sockaddr *)&sa, &len) < 0) {
		int r = -errno;

		close(nl->fd);
		nl->fd = -1;
		return r;
	}
	nl->portid = sa.nl_pid;
	return 0;
}

void
nl_close(struct nl_sock *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

void
nl_put_u16(struct wbuf *w, uint16_t v)
{
	wbuf_put_bytes(w, &v, sizeof v);
}

void
nl_put_u32(struct wbuf *w, uint32_t v)
{
	wbuf_put_bytes(w, &v, sizeof v);
}

int
nl_get_u16(struct bcur *c, uint16_t *v)
{
	return bcur_get_bytes(c, v, sizeof *v);
}

int
nl_get_u32(struct bcur *c, uint32_t *v)
{
	return bcur_get_bytes(c, v, sizeof *v);
}

/* struct nlmsghdr; the length is patched in by nl_send(). */
void
nl_begin(struct wbuf *w, struct nl_sock *nl, uint16_t type, uint16_t flags)
{
	nl_put_u32(w, 0);
	nl_put_u16(w, type);
	nl_put_u16(w, flags);
	nl_put_u32(w, ++nl->seq);
	nl_put_u32(w, nl->portid);
}

/* struct rtmsg, field by field (no padding assumptions). */
void
nl_put_rtmsg(struct wbuf *w, const struct rtmsg *rtm)
{
	wbuf_put_u8(w, rtm->rtm_family);
	wbuf_put_u8(w, rtm->rtm_dst_len);
	wbuf_put_u8(w, rtm->rtm_src_len);
	wbuf_put_u8(w, rtm->rtm_tos);
	wbuf_put_u8(w, rtm->rtm_table);
	wbuf_put_u8(w, rtm->rtm_protocol);
	wbuf_put_u8(w, rtm->rtm_scope);
	wbuf_put_u8(w, rtm->rtm_type);
	nl_put_u32(w, rtm->rtm_flags);
}

/* One rtattr: length, type, data, padding. */
void
nl_put_attr(struct wbuf *w, uint16_t type, const void *data, size_t len)
{
	nl_put_u16(w, (uint16_t)(NL_ATTR_HDR_LEN + len));
	nl_put_u16(w, type);
	wbuf_put_bytes(w, data, len);
	wbuf_put_zero(w, NL_ALIGN(len) - len);
}

int
nl_send(struct nl_sock *nl, struct wbuf *w)
{
	struct sockaddr_nl kern = { .nl_family = AF_NETLINK };
	uint32_t total;
	ssize_t n;

	if (wbuf_error(w) != 0)
		return wbuf_error(w);
	if (w->len < NL_HDR_LEN)
		return -EINVAL;
	total = (uint32_t)w->len;
	memcpy(w->p, &total, sizeof total);
	do
		n = sendto(nl->fd, w->p, w->len, 0, (struct sockaddr *)&kern,
		    sizeof kern);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == w->len ? 0 : -EIO;
}

int
nl_next_attr(struct bcur *body, uint16_t *type, struct bcur *val)
{
	struct bcur t;
	uint16_t rlen, pad;

	if (bcur_left(body) < NL_ATTR_HDR_LEN)
		return bcur_left(body) == 0 ? 1 : -EBADMSG;
	t = *body;
	if (nl_get_u16(&t, &rlen) != 0 ||
	    bcur_sub_tlv(body, rlen, NL_ATTR_HDR_LEN, val) != 0)
		return -EBADMSG;
	/* The last attribute may lack its padding. */
	pad = (uint16_t)(NL_ALIGN(rlen) - rlen);
	bcur_skip(body, pad <= bcur_left(body) ? pad : bcur_left(body));
	if (bcur_skip(val, 2) != 0 || nl_get_u16(val, type) != 0)
		return -EBADMSG;
	*type &= NLA_TYPE_MASK;
	return 0;
}

int
nl_recv(struct nl_sock *nl, uint16_t want, uint8_t *buf, struct bcur *payload)
{
	struct sockaddr_nl from;
	socklen_t fromlen;
	struct pollfd pfd;
	struct bcur c, t, m;
	uint32_t mlen, seq, pid;
	uint16_t type, flags;
	int32_t nlerr;
	ssize_t n;
	int r;

	for (;;) {
		pfd.fd = nl->fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, NL_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		fromlen = sizeof from;
		n = recvfrom(nl->fd, buf, NL_BUF, MSG_TRUNC,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if ((size_t)n > NL_BUF)
			return -EMSGSIZE;
		if (fromlen != sizeof from || from.nl_pid != 0)
			continue;		/* not from the kernel */
		c = bcur_make(buf, (size_t)n);
		while (bcur_left(&c) >= NL_HDR_LEN) {
			t = c;
			if (nl_get_u32(&t, &mlen) != 0 ||
			    bcur_sub_tlv(&c, mlen, NL_HDR_LEN, &m) != 0)
				return -EBADMSG;
			bcur_skip(&c, NL_ALIGN(mlen) - mlen <=
			    bcur_left(&c) ? NL_ALIGN(mlen) - mlen :
			    bcur_left(&c));
			if (bcur_skip(&m, 4) != 0 ||
			    nl_get_u16(&m, &type) != 0 ||
			    nl_get_u16(&m, &flags) != 0 ||
			    nl_get_u32(&m, &seq) != 0 ||
			    nl_get_u32(&m, &pid) != 0)
				return -EBADMSG;
			if (seq != nl->seq || pid != nl->portid)
				continue;	/* a stale answer */
			if (type == NLMSG_ERROR) {
				/* struct nlmsgerr: error, then our header. */
				if (nl_get_u32(&m, (uint32_t *)&nlerr) != 0)
					return -EBADMSG;
				if (nlerr > 0 || nlerr < -4095)
					return -EBADMSG;
				if (nlerr != 0 || want == 0)
					return nlerr;
				continue;	/* an ACK we did not ask for */
			}
			if (want != 0 && type == want) {
				*payload = m;
				return 0;
			}
			if (type == NLMSG_DONE)
				return -EBADMSG;
		}
	}
}

int
nl_call(struct nl_sock *nl, struct wbuf *w)
{
	uint8_t buf[NL_BUF];
	int r;

	if ((r = nl_send(nl, w)) != 0)
		return r;
	return nl_recv(nl, 0, buf, NULL);
}
