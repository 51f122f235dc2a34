/*
 * sstp_wire.h - SSTP packet codec (MS-SSTP 2.2, PROTOCOL.md sections 2 and 8).
 *
 * Pure code: no I/O, no globals.  Every received byte is read through the
 * bounded cursor of buf.h; every message is built into a struct wbuf.  The
 * Call Connected message is built by sstp_bind_connected() (sstp_bind.h).
 *
 * Receive path, as used by the engine:
 *   1. sstp_wire_frame() on the first bytes of the stream: need more, one
 *      packet of N bytes, or a framing error (close without sending anything,
 *      MS-SSTP 3.1.5.1).
 *   2. control packet: sstp_wire_decode_ctrl() -> struct sstp_ctrl_msg, or an
 *      invalid-message verdict (status code + attribute id for the Abort);
 *      data packet: sstp_wire_data_payload() + sstp_wire_ppp_classify().
 */
#ifndef SSTPC_SSTP_WIRE_H
#define SSTPC_SSTP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "crypto/sstp_bind.h"

#define SSTP_VERSION		0x10	/* major 1, minor 0 (MS-SSTP 2.2.1) */
#define SSTP_HDR_LEN		4	/* common header */
#define SSTP_CTRL_HDR_LEN	8	/* + Message Type, Num Attributes */
#define SSTP_ATTR_HDR_LEN	4	/* Reserved, ID, R|Length */
#define SSTP_LEN_MASK		0x0fff	/* 12-bit Length; top 4 bits are R */
#define SSTP_MAX_PKT		4095	/* largest packet incl. header */
#define SSTP_MAX_PAYLOAD	(SSTP_MAX_PKT - SSTP_HDR_LEN)
#define SSTP_FLAG_CONTROL	0x01	/* byte 1, bit 0 (C) */

#define SSTP_ENCAP_PPP		0x0001	/* SSTP_ENCAPSULATED_PROTOCOL_PPP */
#define SSTP_CONNECT_REQ_LEN	14
#define SSTP_CONNECT_ACK_LEN	48
#define SSTP_ATTR_ENCAP_LEN	6
#define SSTP_ATTR_BINDREQ_LEN	40
#define SSTP_ATTR_BINDING_LEN	104
#define SSTP_ATTR_STATUS_LEN	12	/* Status Info without AttribValue */
#define SSTP_STATUS_VALUE_MAX	64	/* AttribValue bytes kept / sent */
#define SSTP_WIRE_MAX_STATUS	8	/* Status Info attributes kept */
#define SSTP_HASH_KNOWN		(SSTP_HASH_SHA1 | SSTP_HASH_SHA256)
#define SSTP_CERT_HASH_MAX	32

/* Message Type (MS-SSTP 2.2.2). */
enum sstp_msg_type {
	SSTP_MSG_CALL_CONNECT_REQUEST = 0x0001,
	SSTP_MSG_CALL_CONNECT_ACK = 0x0002,
	SSTP_MSG_CALL_CONNECT_NAK = 0x0003,
	SSTP_MSG_CALL_CONNECTED = 0x0004,
	SSTP_MSG_CALL_ABORT = 0x0005,
	SSTP_MSG_CALL_DISCONNECT = 0x0006,
	SSTP_MSG_CALL_DISCONNECT_ACK = 0x0007,
	SSTP_MSG_ECHO_REQUEST = 0x0008,
	SSTP_MSG_ECHO_RESPONSE = 0x0009
};

/* Attribute ID (MS-SSTP 2.2.4). */
enum sstp_attr_id {
	SSTP_ATTR_NO_ERROR = 0x00,
	SSTP_ATTR_ENCAP_PROTO_ID = 0x01,
	SSTP_ATTR_STATUS_INFO = 0x02,
	SSTP_ATTR_CRYPTO_BINDING = 0x03,
	SSTP_ATTR_CRYPTO_BINDING_REQ = 0x04
};

/* Status Info status codes (MS-SSTP 2.2.8). */
enum sstp_status {
	SSTP_STATUS_NO_ERROR = 0x00,
	SSTP_STATUS_DUPLICATE_ATTRIBUTE = 0x01,
	SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE = 0x02,
	SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH = 0x03,
	SSTP_STATUS_VALUE_NOT_SUPPORTED = 0x04,
	SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED = 0x05,
	SSTP_STATUS_RETRY_COUNT_EXCEEDED = 0x06,
	SSTP_STATUS_INVALID_FRAME_RECEIVED = 0x07,
	SSTP_STATUS_NEGOTIATION_TIMEOUT = 0x08,
	SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG = 0x09,
	SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING = 0x0a,
	SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG = 0x0b
};

/* Readable names ("CALL_CONNECT_ACK", "STATUS_INFO", ...); "UNKNOWN" else. */
const char	*sstp_msg_name(uint16_t);
const char	*sstp_attr_name(uint8_t);
const char	*sstp_status_name(uint32_t);
/* "SHA1", "SHA256", "SHA1|SHA256", "NONE", unknown bits as "0x.." */
const char	*sstp_hash_name(uint8_t bitmask);

/* Result of sstp_wire_frame(). */
struct sstp_frame {
	size_t		 len;		/* packet length, header included */
	bool		 control;	/* C bit */
};

/*
 * sstp_wire_frame - delineate one SSTP packet at the start of a stream
 * (MS-SSTP 2.2.1, 3.1.5.1; PROTOCOL.md 8 rows 10-14).
 * @buf, @avail: the unread stream bytes (may be fewer than 4).
 * @out: filled as soon as the 4-byte header is available.
 * Length is masked with 0x0FFF (R bits ignored), only bit 0 of byte 1 is
 * used.  Returns 1 when a whole packet of out->len bytes is available, 0 when
 * more bytes are needed, or -EBADMSG for a framing error (Version != 0x10,
 * Length < 4, control packet with Length < 8): the caller must close the
 * connection without sending anything.
 */
int	sstp_wire_frame(const uint8_t *buf, size_t avail,
	    struct sstp_frame *out);

/*
 * sstp_wire_data_payload - view of a data packet's payload (MS-SSTP 2.2.3).
 * @pkt, @len: one whole packet as delimited by sstp_wire_frame().
 * Returns 0 with @payload covering bytes 4..len, or -EBADMSG if this is not
 * a well-formed data packet.  An empty payload (Length 4) is valid; callers
 * ignore it (PROTOCOL.md 8 row 28).
 */
int	sstp_wire_data_payload(const uint8_t *pkt, size_t len,
	    struct bcur *payload);

/* One Status Info attribute (MS-SSTP 2.2.8), decoded or to be encoded. */
struct sstp_status_info {
	uint8_t		 attr_id;	/* attribute the status refers to */
	uint32_t	 status;	/* enum sstp_status */
	bool		 has_status;	/* false: too short to carry a status */
	bool		 short_form;	/* shorter than 12 bytes (tolerated) */
	size_t		 value_len;	/* bytes in value[] */
	uint8_t		 value[SSTP_STATUS_VALUE_MAX];
};

/* A decoded control message.  Only the fields of present attributes are set. */
struct sstp_ctrl_msg {
	uint16_t	 type;		/* enum sstp_msg_type, or unknown */
	uint16_t	 nattr;		/* declared Num Attributes */
	size_t		 trailing;	/* bytes after the attributes */
	uint32_t	 present;	/* bit (1 << id) per attribute seen */
	unsigned int	 nignored;	/* unknown/extra attributes skipped */
	uint16_t	 encap_proto;	/* Encapsulated Protocol ID */
	size_t		 nstatus;	/* Status Info attributes seen */
	struct sstp_status_info status[SSTP_WIRE_MAX_STATUS];
	uint8_t		 hash_bitmask;	/* Crypto Binding (Request) bitmask */
	uint8_t		 nonce[SSTP_NONCE_LEN];
	uint8_t		 cert_hash[SSTP_CERT_HASH_MAX];	/* Crypto Binding */
	uint8_t		 cmac[SSTP_CERT_HASH_MAX];	/* Crypto Binding */
};

/* Why a control message is invalid: the Status Info to put in our Abort. */
struct sstp_verdict {
	uint32_t	 status;	/* enum sstp_status */
	uint8_t		 attr_id;	/* offending attribute, or NO_ERROR */
};

/*
 * sstp_wire_decode_ctrl - decode one control packet (MS-SSTP 2.2.2-2.2.13).
 * @pkt, @len: one whole packet; its masked Length must equal @len.
 * @msg (OUT): the decoded message; msg->type is set whenever the 8-byte
 *   header could be read, even if the message is then found invalid.
 * @v (OUT): on failure, the status code and attribute id for the Abort.
 * Attributes are walked by their own 12-bit length (minimum 4) through
 * bcur_sub_tlv; bytes after Num Attributes attributes are tolerated
 * (accel NAK).  Abort, Disconnect and NAK tolerate short Status Info (sorz:
 * 8 bytes = status only) and ignore unknown attributes.
 * Returns 0 (valid), -ENOTSUP (well-formed header, unknown Message Type;
 * verdict INVALID_FRAME_RECEIVED) or -EBADMSG (invalid; verdict set).
 */
int	sstp_wire_decode_ctrl(const uint8_t *pkt, size_t len,
	    struct sstp_ctrl_msg *msg, struct sstp_verdict *v);

/*
 * Encoders.  Each appends one whole control packet to @w (check
 * wbuf_error() once, never send a failed buffer).  A NULL Status Info
 * means none: Abort and Disconnect are then the 8-byte form.
 */
void	sstp_wire_put_connect_request(struct wbuf *w, uint16_t proto);
void	sstp_wire_put_connect_ack(struct wbuf *w, uint8_t hash_bitmask,
	    const uint8_t nonce[SSTP_NONCE_LEN]);
void	sstp_wire_put_connect_nak(struct wbuf *w,
	    const struct sstp_status_info *si, size_t n);
void	sstp_wire_put_abort(struct wbuf *w, const struct sstp_status_info *si);
void	sstp_wire_put_disconnect(struct wbuf *w,
	    const struct sstp_status_info *si);
void	sstp_wire_put_disconnect_ack(struct wbuf *w);
void	sstp_wire_put_echo_request(struct wbuf *w);
void	sstp_wire_put_echo_response(struct wbuf *w);
/*
 * sstp_wire_put_data_hdr - 4-byte data packet header for a payload of
 * @payload_len bytes (MS-SSTP 2.2.3); -EMSGSIZE sticky if it exceeds 4091.
 */
void	sstp_wire_put_data_hdr(struct wbuf *w, size_t payload_len);

/*
 * sstp_wire_ppp_classify - classify one raw PPP frame (PROTOCOL.md 5.1).
 * @frame, @len: the data packet payload, with or without FF 03, 1- or
 *   2-byte protocol field (ACFC/PFC forms, RFC 1661 6.5/6.6, RFC 1662 3.2).
 * @proto (OUT, may be NULL): the protocol number.
 * @info_off (OUT, may be NULL): offset of the Information field.
 * Returns 1 for a control frame (protocol 0x8000-0xFFFF: NCPs, LCP, auth),
 * 0 for a data frame (0x0001-0x7FFF), -EBADMSG if the frame does not parse
 * (drop the frame, not the session).
 */
int	sstp_wire_ppp_classify(const uint8_t *frame, size_t len,
	    uint16_t *proto, size_t *info_off);

/*
 * sstp_wire_describe - one-line dissection for the level-4 trace, e.g.
 * "CALL_CONNECT_ACK hash=SHA1|SHA256 nonce=412b...".  Prints nonce and
 * certificate hash (not secret) but never the Compound MAC.
 * Always NUL-terminates @out when @outsz > 0.  Returns the string length,
 * or -ENOSPC if it was truncated.
 */
int	sstp_wire_describe(const uint8_t *pkt, size_t len, char *out,
	    size_t outsz);

#endif /* SSTPC_SSTP_WIRE_H */
