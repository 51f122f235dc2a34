/*
 * plugin_msg.c - builder and bounded parser for the sstp-api unix-socket
 * messages (see include/sstpc-plugin.h; REFERENCE-CLIENT.md 3.2, 3.3).
 *
 * The peer is local (pppd's plugin, possibly NetworkManager's), but it is
 * still a separate process talking over a socket, so every octet is read
 * through a struct bcur and every length is checked before use.  Stricter
 * than 1.0.18, which checks only the magic: msg_len is capped, the message
 * type must be known, each attribute must fit with its padding, and the
 * values must fit their fixed-size fields.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "sstpc-plugin.h"

/* Octets of padding after len data octets. */
static size_t
sstp_api_pad(size_t len)
{
	return (4 - (len & 3)) & 3;
}

/* Header plus padded data. */
size_t
sstp_api_attr_space(size_t len)
{
	return SSTP_API_ATTR_HDR_LEN + len + sstp_api_pad(len);
}

/* Read a host-order u16 (the sstp-api is host order throughout). */
static int
sstp_api_get_u16(struct bcur *c, uint16_t *v)
{
	return bcur_get_bytes(c, v, sizeof *v);
}

/* Decode and check a header; see sstpc-plugin.h. */
int
sstp_api_hdr_parse(struct bcur *c, struct sstp_api_hdr *h)
{
	struct bcur t = *c;
	uint32_t magic;
	int r;

	if ((r = bcur_get_bytes(&t, &magic, sizeof magic)) != 0 ||
	    (r = sstp_api_get_u16(&t, &h->msg_len)) != 0 ||
	    (r = sstp_api_get_u16(&t, &h->msg_type)) != 0)
		return r;
	if (magic != SSTP_API_MAGIC)
		return -EPROTO;
	if (h->msg_type < SSTP_API_MSG_AUTH || h->msg_type > SSTP_API_MSG_ACK)
		return -EPROTO;
	if (h->msg_len > SSTP_API_MSG_MAX)
		return -EMSGSIZE;
	*c = t;
	return 0;
}

/* Wipe a decoded message, keys included. */
void
sstp_api_msg_clear(struct sstp_api_message *m)
{
	explicit_bzero(m, sizeof *m);
}

/* Store one attribute's data into *m (later attributes override). */
static int
sstp_api_store(struct sstp_api_message *m, uint16_t type, struct bcur *data)
{
	size_t len = bcur_left(data);

	switch (type) {
	case SSTP_API_ATTR_MPPE_SEND:
		if (len > sizeof m->send_key)
			return -EBADMSG;
		explicit_bzero(m->send_key, sizeof m->send_key);
		m->send_key_len = (uint16_t)len;
		return bcur_get_bytes(data, m->send_key, len);
	case SSTP_API_ATTR_MPPE_RECV:
		if (len > sizeof m->recv_key)
			return -EBADMSG;
		explicit_bzero(m->recv_key, sizeof m->recv_key);
		m->recv_key_len = (uint16_t)len;
		return bcur_get_bytes(data, m->recv_key, len);
	case SSTP_API_ATTR_GATEWAY:
		/* XX: tolerate a NUL terminator counted in len; none inside. */
		if (len > SSTP_API_GATEWAY_MAX)
			return -EBADMSG;
		memset(m->gateway, 0, sizeof m->gateway);
		if (bcur_get_bytes(data, m->gateway, len) != 0)
			return -EBADMSG;
		while (len > 0 && m->gateway[len - 1] == '\0')
			len--;
		if (memchr(m->gateway, '\0', len) != NULL)
			return -EBADMSG;
		m->gateway_len = (uint16_t)len;
		return 0;
	case SSTP_API_ATTR_ADDR:
		if (len > sizeof m->addr)
			return -EBADMSG;
		memset(m->addr, 0, sizeof m->addr);
		m->addr_len = (uint16_t)len;
		return bcur_get_bytes(data, m->addr, len);
	default:
		/* 1.0.18 also refuses type 0 and types above 4. */
		return -EBADMSG;
	}
}

/* Walk the attributes of a body view into *m. */
static int
sstp_api_parse_attrs(struct bcur *body, struct sstp_api_message *m)
{
	struct bcur padded, data;
	uint16_t type, len;
	int r;

	while (bcur_left(body) > 0) {
		/* 1..3 leftover octets cannot be an attribute: refuse. */
		if (sstp_api_get_u16(body, &type) != 0 ||
		    sstp_api_get_u16(body, &len) != 0)
			return -EBADMSG;
		if (type == SSTP_API_ATTR_UNKNOWN || type > SSTP_API_ATTR_LAST)
			return -EBADMSG;
		/*
		 * XX: the padding must be inside msg_len, as every known
		 * sender (1.0.18's sstp_api_attr_add) puts it there; its
		 * content is not checked.
		 */
		if (bcur_get_view(body, (size_t)len + sstp_api_pad(len),
		    &padded) != 0 ||
		    bcur_get_view(&padded, len, &data) != 0)
			return -EBADMSG;
		if ((r = sstp_api_store(m, type, &data)) != 0)
			return r;
		m->present |= (uint16_t)(1U << type);
	}
	return 0;
}

/* Decode one whole message; see sstpc-plugin.h. */
int
sstp_api_msg_parse(struct bcur *c, struct sstp_api_message *m)
{
	struct sstp_api_hdr h;
	struct bcur t = *c, body;
	int r;

	sstp_api_msg_clear(m);
	if ((r = sstp_api_hdr_parse(&t, &h)) != 0)
		return r;
	if ((r = bcur_get_view(&t, h.msg_len, &body)) != 0)
		return r;
	m->type = h.msg_type;
	if ((r = sstp_api_parse_attrs(&body, m)) != 0) {
		sstp_api_msg_clear(m);
		return r;
	}
	*c = t;
	return 0;
}

/* Mark a builder argument error on w (unless an error is already set). */
static int
sstp_api_bad(struct wbuf *w)
{
	if (w->err == 0)
		w->err = -EINVAL;
	return w->err;
}

/* Append a header; see sstpc-plugin.h. */
int
sstp_api_put_hdr(struct wbuf *w, uint16_t type, size_t msg_len)
{
	uint32_t magic = SSTP_API_MAGIC;
	uint16_t len16, type16 = type;

	if (msg_len > SSTP_API_MSG_MAX)
		return sstp_api_bad(w);
	len16 = (uint16_t)msg_len;
	wbuf_put_bytes(w, &magic, sizeof magic);
	wbuf_put_bytes(w, &len16, sizeof len16);
	wbuf_put_bytes(w, &type16, sizeof type16);
	return wbuf_error(w);
}

/* Append an attribute with zero padding; see sstpc-plugin.h. */
int
sstp_api_put_attr(struct wbuf *w, uint16_t type, const void *data, size_t len)
{
	uint16_t type16 = type, len16;

	if (len > SSTP_API_MSG_MAX || (len > 0 && data == NULL))
		return sstp_api_bad(w);
	len16 = (uint16_t)len;
	wbuf_put_bytes(w, &type16, sizeof type16);
	wbuf_put_bytes(w, &len16, sizeof len16);
	if (len > 0)
		wbuf_put_bytes(w, data, len);
	wbuf_put_zero(w, sstp_api_pad(len));
	return wbuf_error(w);
}

/* AUTH with the MPPE keys; see sstpc-plugin.h. */
int
sstp_api_build_auth(struct wbuf *w, const uint8_t *send_key, size_t send_len,
    const uint8_t *recv_key, size_t recv_len)
{
	size_t msg_len = 0;

	if (send_key == NULL)
		send_len = 0;
	if (recv_key == NULL)
		recv_len = 0;
	if (send_len > SSTP_API_KEY_MAX || recv_len > SSTP_API_KEY_MAX)
		return sstp_api_bad(w);
	if (send_len > 0)
		msg_len += sstp_api_attr_space(send_len);
	if (recv_len > 0)
		msg_len += sstp_api_attr_space(recv_len);
	sstp_api_put_hdr(w, SSTP_API_MSG_AUTH, msg_len);
	if (send_len > 0)
		sstp_api_put_attr(w, SSTP_API_ATTR_MPPE_SEND, send_key,
		    send_len);
	if (recv_len > 0)
		sstp_api_put_attr(w, SSTP_API_ATTR_MPPE_RECV, recv_key,
		    recv_len);
	return wbuf_error(w);
}

/* A bare ADDR request. */
int
sstp_api_build_addr_req(struct wbuf *w)
{
	return sstp_api_put_hdr(w, SSTP_API_MSG_ADDR, 0);
}

/* A bare ACK. */
int
sstp_api_build_ack(struct wbuf *w)
{
	return sstp_api_put_hdr(w, SSTP_API_MSG_ACK, 0);
}

/* ACK carrying the server's name and address; see sstpc-plugin.h. */
int
sstp_api_build_ack_addr(struct wbuf *w, const char *gateway, size_t gw_len,
    const void *sa, size_t sa_len)
{
	if (gateway == NULL || gw_len > SSTP_API_GATEWAY_MAX ||
	    memchr(gateway, '\0', gw_len) != NULL ||
	    sa == NULL || sa_len > SSTP_API_ADDR_MAX)
		return sstp_api_bad(w);
	sstp_api_put_hdr(w, SSTP_API_MSG_ACK, sstp_api_attr_space(gw_len) +
	    sstp_api_attr_space(sa_len));
	sstp_api_put_attr(w, SSTP_API_ATTR_GATEWAY, gateway, gw_len);
	sstp_api_put_attr(w, SSTP_API_ATTR_ADDR, sa, sa_len);
	return wbuf_error(w);
}
