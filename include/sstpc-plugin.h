/*
 * sstpc-plugin.h - the sstp-api unix-socket messages between sstpc and the pppd
 * plugin, byte-compatible with sstp-client 1.0.18 (REFERENCE-CLIENT.md 3.2,
 * 3.3).  This header is included by the plugin, which is built against
 * pppd's headers, so it depends on nothing of sstpc but two forward
 * declarations; the builder and parser live in src/wire/plugin_msg.c (pure: link
 * it together with src/buf.c).
 *
 * Wire format.  Everything is in HOST byte order (the socket is local).
 *
 *   header (8)   u32 magic 0x73737470 ("sstp" as a big-endian number;
 *                on x86 the bytes are 70 74 73 73), u16 msg_len = octets
 *                of attributes that follow, padding included, header
 *                excluded, u16 msg_type (1 AUTH, 2 ADDR, 3 ACK)
 *   attribute    u16 type (1 MPPE_SEND, 2 MPPE_RECV, 3 GATEWAY, 4 ADDR),
 *                u16 len = data octets WITHOUT padding, data padded with
 *                zeros to a multiple of 4
 *
 * Exchanges: the plugin sends AUTH (MPPE keys, or no attribute when pppd
 * has none) and sstpc answers a bare ACK; NetworkManager's plugin sends a
 * bare ADDR and sstpc answers ACK + GATEWAY (host name, no NUL) + ADDR (the
 * raw struct sockaddr_in / sockaddr_in6 of the server, 16 or 28 octets).
 *
 * XX: these names are our own.  1.0.18's libsstp-api exports
 * sstp_api_attr_add, sstp_api_attr_parse, sstp_api_msg_len,
 * sstp_api_msg_new and sstp_api_msg_type; none of ours collides with them,
 * so a compatibility shim can be added later without renaming anything.
 */
#ifndef SSTPC_PLUGIN_H
#define SSTPC_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define SSTP_API_MAGIC		0x73737470U
#define SSTP_API_HDR_LEN	8
#define SSTP_API_ATTR_HDR_LEN	4
/* Largest msg_len accepted or built (1.0.18 used fixed 255-byte buffers). */
#define SSTP_API_MSG_MAX	1024
#define SSTP_API_KEY_MAX	64	/* MPPE key attribute, octets */
#define SSTP_API_GATEWAY_MAX	255	/* host name, octets */
#define SSTP_API_ADDR_MAX	128	/* sizeof (struct sockaddr_storage) */

/* msg_type values. */
enum sstp_api_type {
	SSTP_API_MSG_UNKNOWN = 0,
	SSTP_API_MSG_AUTH = 1,
	SSTP_API_MSG_ADDR = 2,
	SSTP_API_MSG_ACK = 3
};

/* Attribute types. */
enum sstp_api_attr {
	SSTP_API_ATTR_UNKNOWN = 0,
	SSTP_API_ATTR_MPPE_SEND = 1,
	SSTP_API_ATTR_MPPE_RECV = 2,
	SSTP_API_ATTR_GATEWAY = 3,
	SSTP_API_ATTR_ADDR = 4,
	SSTP_API_ATTR_LAST = SSTP_API_ATTR_ADDR
};

/* A decoded header. */
struct sstp_api_hdr {
	uint16_t	msg_len;
	uint16_t	msg_type;
};

/*
 * A decoded message.  Holds MPPE keys: clear it with sstp_api_msg_clear()
 * (explicit_bzero) as soon as the keys have been copied out.
 */
struct sstp_api_message {
	uint16_t	type;			/* enum sstp_api_type */
	uint16_t	present;		/* bit (1 << attr) if seen */
	uint16_t	send_key_len;
	uint16_t	recv_key_len;
	uint8_t		send_key[SSTP_API_KEY_MAX];
	uint8_t		recv_key[SSTP_API_KEY_MAX];
	uint16_t	gateway_len;
	char		gateway[SSTP_API_GATEWAY_MAX + 1];	/* NUL-ended */
	uint16_t	addr_len;
	uint8_t		addr[SSTP_API_ADDR_MAX];	/* sockaddr as sent */
};

struct bcur;
struct wbuf;

/* Octets an attribute with len data octets occupies (header + padded). */
size_t	sstp_api_attr_space(size_t len);
/*
 * Decode and check an 8-octet header: magic, msg_len <= SSTP_API_MSG_MAX,
 * type 1..3.  Consumes 8 octets on success.  Returns 0, -EBADMSG (short),
 * -EPROTO (bad magic or type) or -EMSGSIZE (msg_len too large).
 */
int	sstp_api_hdr_parse(struct bcur *, struct sstp_api_hdr *);
/*
 * Decode one whole message (header and msg_len octets) from the cursor into
 * *m; on success the cursor is advanced past it.  Errors as for the header,
 * plus -EBADMSG for a truncated body, an attribute running past msg_len,
 * leftover octets that cannot hold an attribute header, type 0 or > 4, a
 * key over 64 octets, a gateway over 255 octets or with a NUL inside, an
 * address over 128 octets.  A repeated attribute overrides the earlier one
 * (as 1.0.18).  On error *m is cleared and the cursor is not moved.
 */
int	sstp_api_msg_parse(struct bcur *, struct sstp_api_message *m);
/* Wipe a decoded message (keys included). */
void	sstp_api_msg_clear(struct sstp_api_message *);

/*
 * Builders: append to a wbuf and return its sticky error (0, -ENOSPC,
 * -EINVAL for arguments that cannot be encoded).  Buffers holding keys must
 * be wiped by the caller after sending.
 */
int	sstp_api_put_hdr(struct wbuf *, uint16_t type, size_t msg_len);
int	sstp_api_put_attr(struct wbuf *, uint16_t type, const void *data,
	    size_t len);
/* AUTH with the keys given (a NULL or 0-length key is left out). */
int	sstp_api_build_auth(struct wbuf *, const uint8_t *send_key,
	    size_t send_len, const uint8_t *recv_key, size_t recv_len);
/* A bare ADDR request. */
int	sstp_api_build_addr_req(struct wbuf *);
/* A bare ACK. */
int	sstp_api_build_ack(struct wbuf *);
/* ACK + GATEWAY (gateway[0..gw_len), no NUL) + ADDR (raw sockaddr). */
int	sstp_api_build_ack_addr(struct wbuf *, const char *gateway,
	    size_t gw_len, const void *sa, size_t sa_len);

#endif /* SSTPC_PLUGIN_H */
