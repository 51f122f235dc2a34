/*
 * sstp-client/sstp-api.h - the libsstp-api interface of sstp-client 1.0.18,
 * provided by sstpc so that pppd plugins written for 1.0.18 (the one in
 * NetworkManager-sstp in particular) build and run unchanged.
 *
 * Install path, library and pkg-config name are those of 1.0.18:
 * <sstp-client/sstp-api.h>, libsstp_api-0.so, sstp-client-1.0.pc.
 *
 * The messages travel over the unix socket between sstpc and the plugin
 * (REFERENCE-CLIENT.md 3.2, 3.3).  Everything is in HOST byte order:
 *
 *   header     u32 magic 0x73737470, u16 msg_len (octets of attributes
 *              after the header, padding included), u16 msg_type
 *   attribute  u16 attr_type, u16 attr_len (data octets, no padding),
 *              data padded with zeros to a multiple of 4
 *
 * The structures below ARE the wire layout: sstp_api_msg_st is the 8-octet
 * header and sstp_api_attr_st an attribute header followed by its data.
 * A message is built in a caller-supplied buffer that starts with the
 * header; attributes follow it.
 *
 * Differences from 1.0.18 (calls that worked there still work):
 *   - padding octets are written as zeros (1.0.18 left them as they were);
 *   - sstp_api_attr_add() leaves the message unchanged for an unknown type,
 *     a NULL data pointer with a non-zero length, a message that does not
 *     start with the magic, or when the message would grow beyond 1024
 *     octets of attributes (sstpc refuses larger ones anyway);
 *   - sstp_api_attr_parse() never reads past len octets: an attribute that
 *     does not fit (with its padding), 1..3 trailing octets, or a type that
 *     does not index list[] (type >= count) make it fail, where 1.0.18 read
 *     beyond the buffer or wrote beyond list[];
 *   - sstp_api_msg_new() returns NULL for a NULL buffer or a type that is
 *     not one of sstp_api_msg_t, and sstp_api_msg_len() returns 0 for
 *     something that is not a message.
 */
#ifndef SSTPC_COMPAT_SSTP_API_H
#define SSTPC_COMPAT_SSTP_API_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Message types (msg_type). */
typedef enum {
	SSTP_API_MSG_UNKNOWN = 0,
	SSTP_API_MSG_AUTH = 1,		/* plugin -> sstpc: MPPE keys */
	SSTP_API_MSG_ADDR = 2,		/* plugin asks for the server */
	SSTP_API_MSG_ACK = 3		/* sstpc -> plugin */
} sstp_api_msg_t;

/* Attribute types (attr_type); SSTP_API_ATTR_MAX is the largest. */
typedef enum {
	SSTP_API_ATTR_UNKNOWN = 0,
	SSTP_API_ATTR_MPPE_SEND = 1,	/* MPPE send key */
	SSTP_API_ATTR_MPPE_RECV = 2,	/* MPPE receive key */
	SSTP_API_ATTR_GATEWAY = 3,	/* server host name, no NUL */
	SSTP_API_ATTR_ADDR = 4,		/* raw struct sockaddr_in{,6} */
	SSTP_API_ATTR_MAX = 4
} sstp_api_attr_t;

/* The 8-octet message header. */
typedef struct sstp_api_msg {
	uint32_t	msg_magic;	/* 0x73737470 */
	uint16_t	msg_len;	/* attribute octets that follow */
	uint16_t	msg_type;	/* sstp_api_msg_t */
} sstp_api_msg_st;

/* One attribute: a 4-octet header and attr_len octets of data. */
typedef struct sstp_api_attr {
	uint16_t	attr_type;	/* sstp_api_attr_t */
	uint16_t	attr_len;	/* data octets, without padding */
	unsigned char	attr_data[];
} sstp_api_attr_st;

/*
 * Start a message of the given type in buf (which must hold the header and
 * every attribute added later): writes the header with msg_len 0 and
 * returns buf as a message, or NULL.
 */
sstp_api_msg_st	*sstp_api_msg_new(unsigned char *buf,
		    sstp_api_msg_t type);

/* Octets to send for msg: header plus msg_len; 0 if msg is no message. */
int		 sstp_api_msg_len(sstp_api_msg_st *msg);

/*
 * Store msg's type in *type.  Returns 0, or -1 if msg does not start with
 * the magic (*type is then left alone).
 */
int		 sstp_api_msg_type(sstp_api_msg_st *msg,
		    sstp_api_msg_t *type);

/*
 * Append an attribute of len octets from data to msg, zero-padded, and
 * grow msg_len.  The buffer behind msg must have room for it: no size is
 * known here.
 */
void		 sstp_api_attr_add(sstp_api_msg_st *msg,
		    sstp_api_attr_t type, unsigned int len, void *data);

/*
 * Split the len attribute octets in buf (what follows a header): list[0]
 * to list[count - 1] are cleared, then list[type] points at each attribute
 * found inside buf (a later one of the same type wins).  Returns 0, or -1
 * for malformed input, with list[] cleared again.
 */
int		 sstp_api_attr_parse(char *buf, int len,
		    sstp_api_attr_st **list, int count);

#ifdef __cplusplus
}
#endif

#endif /* SSTPC_COMPAT_SSTP_API_H */
