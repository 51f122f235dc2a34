/*
 * libsstp-api.c - libsstp_api-0.so: the five functions of sstp-client
 * 1.0.18's libsstp-api (see compat/sstp-client/sstp-api.h), written from
 * the documented wire format (REFERENCE-CLIENT.md 3.2, 3.3, 3.6) and from
 * how NetworkManager-sstp's pppd plugin calls them.
 *
 * The interface has no buffer sizes, so the builders cannot be bounded by
 * the caller's storage; they are bounded by the largest message sstpc
 * accepts (SSTP_API_MSG_MAX in include/sstpc-plugin.h, 1024 octets of
 * attributes).  The parser gets a length and never reads past it: every
 * octet goes through a struct bcur.
 *
 * XX: the return conventions are 1.0.18's (0 or -1, a message pointer, an
 * octet count), not negative errno: they are part of the ABI.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "sstp-client/sstp-api.h"

#define COMPAT_MAGIC		0x73737470U
#define COMPAT_HDR_LEN		8
#define COMPAT_ATTR_HDR_LEN	4
/* Same value as SSTP_API_MSG_MAX of sstpc's own codec (checked by a test). */
#define COMPAT_MSG_MAX		1024U

_Static_assert(sizeof(sstp_api_msg_st) == COMPAT_HDR_LEN,
    "sstp_api_msg_st must be the 8-octet wire header");
_Static_assert(sizeof(sstp_api_attr_st) == COMPAT_ATTR_HDR_LEN,
    "sstp_api_attr_st must be the 4-octet attribute header");
_Static_assert(offsetof(sstp_api_msg_st, msg_len) == 4 &&
    offsetof(sstp_api_msg_st, msg_type) == 6,
    "header layout (REFERENCE-CLIENT.md 3.2)");
_Static_assert(offsetof(sstp_api_attr_st, attr_len) == 2 &&
    offsetof(sstp_api_attr_st, attr_data) == 4,
    "attribute layout (REFERENCE-CLIENT.md 3.2)");

/* Octets of zero padding after len data octets. */
static size_t
compat_pad(size_t len)
{
	return (4 - (len & 3)) & 3;
}

/*
 * compat_hdr_read - decode the header at msg (host order).
 * @msg: a caller's message (8 octets are read)
 * @len: OUT msg_len
 * @type: OUT msg_type
 *
 * Returns 0 if msg starts with the magic, -1 otherwise (or for NULL).
 */
static int
compat_hdr_read(const sstp_api_msg_st *msg, uint16_t *len, uint16_t *type)
{
	struct bcur c;
	uint32_t magic;

	if (msg == NULL)
		return -1;
	c = bcur_make(msg, sizeof *msg);
	if (bcur_get_bytes(&c, &magic, sizeof magic) != 0 ||
	    bcur_get_bytes(&c, len, sizeof *len) != 0 ||
	    bcur_get_bytes(&c, type, sizeof *type) != 0)
		return -1;
	return magic == COMPAT_MAGIC ? 0 : -1;
}

/* Start a message in buf; see sstp-client/sstp-api.h. */
sstp_api_msg_st *
sstp_api_msg_new(unsigned char *buf, sstp_api_msg_t type)
{
	struct wbuf w;
	uint32_t magic = COMPAT_MAGIC;
	uint16_t len16 = 0, type16;

	if (buf == NULL || (unsigned int)type > SSTP_API_MSG_ACK)
		return NULL;
	type16 = (uint16_t)type;
	wbuf_init(&w, buf, COMPAT_HDR_LEN);
	wbuf_put_bytes(&w, &magic, sizeof magic);
	wbuf_put_bytes(&w, &len16, sizeof len16);
	wbuf_put_bytes(&w, &type16, sizeof type16);
	if (wbuf_error(&w) != 0)
		return NULL;
	return (sstp_api_msg_st *)(void *)buf;
}

/* Octets to send: header plus msg_len, 0 for a non-message. */
int
sstp_api_msg_len(sstp_api_msg_st *msg)
{
	uint16_t len, type;

	/*
	 * XX: 1.0.18 added 8 to whatever it found.  Callers pass this to
	 * send() unchecked, so an error must be harmless there: 0, not -1.
	 */
	if (compat_hdr_read(msg, &len, &type) != 0)
		return 0;
	return COMPAT_HDR_LEN + (int)len;
}

/* The message type; see sstp-client/sstp-api.h. */
int
sstp_api_msg_type(sstp_api_msg_st *msg, sstp_api_msg_t *type)
{
	uint16_t len, type16;

	if (type == NULL || compat_hdr_read(msg, &len, &type16) != 0)
		return -1;
	*type = (sstp_api_msg_t)type16;
	return 0;
}

/*
 * sstp_api_attr_add - append one attribute (REFERENCE-CLIENT.md 3.2).
 * @msg: a message started by sstp_api_msg_new()
 * @type: SSTP_API_ATTR_MPPE_SEND .. SSTP_API_ATTR_ADDR
 * @len: data octets (sent as attr_len, without padding)
 * @data: IN len octets (MPPE keys: the caller wipes its copies)
 *
 * The attribute goes right after the msg_len octets already present, its
 * data zero-padded to a multiple of 4, and msg_len grows by the attribute's
 * padded size.  Nothing is written if the attribute is refused (see the
 * header); there is no error channel in the 1.0.18 interface.
 */
void
sstp_api_attr_add(sstp_api_msg_st *msg, sstp_api_attr_t type,
    unsigned int len, void *data)
{
	struct wbuf w;
	uint16_t old_len, msg_type, type16, len16;
	size_t space;

	if (compat_hdr_read(msg, &old_len, &msg_type) != 0)
		return;
	if ((unsigned int)type < SSTP_API_ATTR_MPPE_SEND ||
	    (unsigned int)type > SSTP_API_ATTR_MAX)
		return;
	if (len > COMPAT_MSG_MAX || (len > 0 && data == NULL))
		return;
	space = COMPAT_ATTR_HDR_LEN + len + compat_pad(len);
	if (old_len > COMPAT_MSG_MAX ||
	    space > COMPAT_MSG_MAX - (size_t)old_len)
		return;

	type16 = (uint16_t)type;
	len16 = (uint16_t)len;
	/* The header and the attributes already present, then the new one. */
	wbuf_init(&w, msg, COMPAT_HDR_LEN + (size_t)old_len + space);
	if (wbuf_reserve(&w, COMPAT_HDR_LEN + (size_t)old_len) == NULL)
		return;
	wbuf_put_bytes(&w, &type16, sizeof type16);
	wbuf_put_bytes(&w, &len16, sizeof len16);
	if (len > 0)
		wbuf_put_bytes(&w, data, len);
	wbuf_put_zero(&w, compat_pad(len));
	if (wbuf_error(&w) != 0)
		return;
	msg->msg_len = (uint16_t)(old_len + space);
}

/*
 * sstp_api_attr_parse - index the attributes of a message body
 * (REFERENCE-CLIENT.md 3.2 parsing rules, bounded).
 * @buf: IN the len octets that followed a header (untrusted)
 * @len: octets in buf (msg_len of that header)
 * @list: OUT count slots; list[type] points at that attribute inside buf
 * @count: slots in list
 *
 * Type 0, a type above SSTP_API_ATTR_MAX or one >= count, an attribute
 * whose padded data runs past len, and 1..3 trailing octets are errors.
 * A repeated type overrides the earlier one, as in 1.0.18.  Returns 0 or
 * -1; on error list[] holds only NULL pointers.
 */
int
sstp_api_attr_parse(char *buf, int len, sstp_api_attr_st **list, int count)
{
	struct bcur body, attr, data;
	uint16_t type, alen;
	int i;

	if (list == NULL || count <= 0)
		return -1;
	for (i = 0; i < count; i++)
		list[i] = NULL;
	if (len < 0 || (len > 0 && buf == NULL))
		return -1;

	body = bcur_make(buf, (size_t)len);
	while (bcur_left(&body) > 0) {
		/* Keep the attribute's start: it is what list[] returns. */
		attr = body;
		if (bcur_get_bytes(&body, &type, sizeof type) != 0 ||
		    bcur_get_bytes(&body, &alen, sizeof alen) != 0)
			goto bad;
		if (type < SSTP_API_ATTR_MPPE_SEND ||
		    type > SSTP_API_ATTR_MAX || type >= count)
			goto bad;
		/* XX: padding must lie inside len, as every sender puts it. */
		if (bcur_get_view(&body, (size_t)alen + compat_pad(alen),
		    &data) != 0)
			goto bad;
		/* The caller's buffer is writable: only our view is const. */
		list[type] = (sstp_api_attr_st *)(uintptr_t)bcur_ptr(&attr);
	}
	return 0;
bad:
	for (i = 0; i < count; i++)
		list[i] = NULL;
	return -1;
}
