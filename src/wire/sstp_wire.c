/*
 * sstp_wire.c - SSTP packet codec (MS-SSTP 2.2; PROTOCOL.md 2, 5.1, 8).
 *
 * Pure: no I/O, no globals, no logging.  All reads go through struct bcur,
 * all writes through struct wbuf.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/nelem.h"
#include "wire/sstp_wire.h"

#define BIT(id)		(1U << (id))

/* Which attributes a message type may carry (MS-SSTP 2.2.9-2.2.16). */
struct msg_rule {
	uint16_t	 type;
	uint32_t	 allowed;	/* BIT(attribute id) */
	uint32_t	 required;
	/*
	 * Lenient messages (teardown, keepalive, NAK) skip attributes they do
	 * not expect and tolerate short Status Info (PROTOCOL.md 8 rows 19/20).
	 */
	bool		 lenient;
};

static const struct msg_rule msg_rules[] = {
	{ SSTP_MSG_CALL_CONNECT_REQUEST, BIT(SSTP_ATTR_ENCAP_PROTO_ID),
	    BIT(SSTP_ATTR_ENCAP_PROTO_ID), false },
	{ SSTP_MSG_CALL_CONNECT_ACK, BIT(SSTP_ATTR_CRYPTO_BINDING_REQ),
	    BIT(SSTP_ATTR_CRYPTO_BINDING_REQ), false },
	/*
	 * XX: MS-SSTP 2.2.12 says a NAK MUST carry a Status Info; one without
	 * is still treated as a NAK (the client retries either way).
	 */
	{ SSTP_MSG_CALL_CONNECT_NAK, BIT(SSTP_ATTR_STATUS_INFO), 0, true },
	{ SSTP_MSG_CALL_CONNECTED, BIT(SSTP_ATTR_CRYPTO_BINDING),
	    BIT(SSTP_ATTR_CRYPTO_BINDING), false },
	{ SSTP_MSG_CALL_ABORT, BIT(SSTP_ATTR_STATUS_INFO), 0, true },
	{ SSTP_MSG_CALL_DISCONNECT, BIT(SSTP_ATTR_STATUS_INFO), 0, true },
	{ SSTP_MSG_CALL_DISCONNECT_ACK, 0, 0, true },
	{ SSTP_MSG_ECHO_REQUEST, 0, 0, true },
	{ SSTP_MSG_ECHO_RESPONSE, 0, 0, true },
};

static const char *const msg_names[] = {
	[SSTP_MSG_CALL_CONNECT_REQUEST] = "CALL_CONNECT_REQUEST",
	[SSTP_MSG_CALL_CONNECT_ACK] = "CALL_CONNECT_ACK",
	[SSTP_MSG_CALL_CONNECT_NAK] = "CALL_CONNECT_NAK",
	[SSTP_MSG_CALL_CONNECTED] = "CALL_CONNECTED",
	[SSTP_MSG_CALL_ABORT] = "CALL_ABORT",
	[SSTP_MSG_CALL_DISCONNECT] = "CALL_DISCONNECT",
	[SSTP_MSG_CALL_DISCONNECT_ACK] = "CALL_DISCONNECT_ACK",
	[SSTP_MSG_ECHO_REQUEST] = "ECHO_REQUEST",
	[SSTP_MSG_ECHO_RESPONSE] = "ECHO_RESPONSE",
};

static const char *const attr_names[] = {
	[SSTP_ATTR_NO_ERROR] = "NO_ERROR",
	[SSTP_ATTR_ENCAP_PROTO_ID] = "ENCAPSULATED_PROTOCOL_ID",
	[SSTP_ATTR_STATUS_INFO] = "STATUS_INFO",
	[SSTP_ATTR_CRYPTO_BINDING] = "CRYPTO_BINDING",
	[SSTP_ATTR_CRYPTO_BINDING_REQ] = "CRYPTO_BINDING_REQ",
};

static const char *const status_names[] = {
	[SSTP_STATUS_NO_ERROR] = "NO_ERROR",
	[SSTP_STATUS_DUPLICATE_ATTRIBUTE] = "DUPLICATE_ATTRIBUTE",
	[SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE] = "UNRECOGNIZED_ATTRIBUTE",
	[SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH] =
	    "INVALID_ATTRIB_VALUE_LENGTH",
	[SSTP_STATUS_VALUE_NOT_SUPPORTED] = "VALUE_NOT_SUPPORTED",
	[SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED] = "UNACCEPTED_FRAME_RECEIVED",
	[SSTP_STATUS_RETRY_COUNT_EXCEEDED] = "RETRY_COUNT_EXCEEDED",
	[SSTP_STATUS_INVALID_FRAME_RECEIVED] = "INVALID_FRAME_RECEIVED",
	[SSTP_STATUS_NEGOTIATION_TIMEOUT] = "NEGOTIATION_TIMEOUT",
	[SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG] =
	    "ATTRIB_NOT_SUPPORTED_IN_MSG",
	[SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING] =
	    "REQUIRED_ATTRIBUTE_MISSING",
	[SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG] =
	    "STATUS_INFO_NOT_SUPPORTED_IN_MSG",
};

/* Name of a Message Type. */
const char *
sstp_msg_name(uint16_t type)
{
	if (type < NELEM(msg_names) &&
	    msg_names[type] != NULL)
		return msg_names[type];
	return "UNKNOWN";
}

/* Name of an Attribute ID. */
const char *
sstp_attr_name(uint8_t id)
{
	if (id < NELEM(attr_names))
		return attr_names[id];
	return "UNKNOWN";
}

/* Name of a Status Info status code. */
const char *
sstp_status_name(uint32_t status)
{
	if (status < NELEM(status_names))
		return status_names[status];
	return "UNKNOWN";
}

/* Name of a Hash Protocol Bitmask. */
const char *
sstp_hash_name(uint8_t bitmask)
{
	switch (bitmask) {
	case 0:
		return "NONE";
	case SSTP_HASH_SHA1:
		return "SHA1";
	case SSTP_HASH_SHA256:
		return "SHA256";
	case SSTP_HASH_SHA1 | SSTP_HASH_SHA256:
		return "SHA1|SHA256";
	default:
		return "UNKNOWN";
	}
}

/* Delineate one packet at the head of a stream. */
int
sstp_wire_frame(const uint8_t *buf, size_t avail, struct sstp_frame *out)
{
	struct bcur c = bcur_make(buf, avail);
	uint8_t ver, flags;
	uint16_t lenfield;
	size_t len;

	out->len = 0;
	out->control = false;
	/* A wrong Version byte is a framing error as soon as it is seen. */
	if (bcur_get_u8(&c, &ver) != 0)
		return 0;
	if (ver != SSTP_VERSION)
		return -EBADMSG;
	if (bcur_get_u8(&c, &flags) != 0 || bcur_get_be16(&c, &lenfield) != 0)
		return 0;
	/* Reserved bits of byte 1 and the R nibble are ignored (2.2.1). */
	len = lenfield & SSTP_LEN_MASK;
	out->control = (flags & SSTP_FLAG_CONTROL) != 0;
	if (len < SSTP_HDR_LEN || (out->control && len < SSTP_CTRL_HDR_LEN))
		return -EBADMSG;
	out->len = len;
	return avail >= len ? 1 : 0;
}

/* Payload view of one whole data packet. */
int
sstp_wire_data_payload(const uint8_t *pkt, size_t len, struct bcur *payload)
{
	struct sstp_frame f;
	struct bcur c = bcur_make(pkt, len);

	if (sstp_wire_frame(pkt, len, &f) != 1 || f.control || f.len != len)
		return -EBADMSG;
	if (bcur_skip(&c, SSTP_HDR_LEN) != 0)
		return -EBADMSG;
	*payload = c;
	return 0;
}

static const struct msg_rule *
rule_find(uint16_t type)
{
	size_t i;

	for (i = 0; i < NELEM(msg_rules); i++)
		if (msg_rules[i].type == type)
			return &msg_rules[i];
	return NULL;
}

static int
verdict(struct sstp_verdict *v, uint32_t status, uint8_t attr_id)
{
	v->status = status;
	v->attr_id = attr_id;
	return -EBADMSG;
}

/*
 * Status Info value (MS-SSTP 2.2.8): Reserved1[3] AttribID Status[4]
 * AttribValue.  XX: sorz sends only the 4-byte Status (attribute length 8);
 * anything shorter than 12 is tolerated in the messages that carry it.
 */
static void
parse_status_info(struct bcur *val, struct sstp_status_info *si)
{
	size_t n;

	memset(si, 0, sizeof *si);
	if (bcur_left(val) == 4) {
		si->short_form = true;
		si->has_status = bcur_get_be32(val, &si->status) == 0;
		return;
	}
	if (bcur_left(val) < SSTP_ATTR_STATUS_LEN - SSTP_ATTR_HDR_LEN) {
		si->short_form = true;
		return;
	}
	if (bcur_skip(val, 3) != 0 || bcur_get_u8(val, &si->attr_id) != 0 ||
	    bcur_get_be32(val, &si->status) != 0)
		return;
	si->has_status = true;
	n = bcur_left(val);
	if (n > sizeof si->value)
		n = sizeof si->value;
	if (bcur_get_bytes(val, si->value, n) == 0)
		si->value_len = n;
}

/* Decode the value of one allowed attribute. */
static int
parse_attr(uint8_t id, struct bcur *val, struct sstp_ctrl_msg *m,
    struct sstp_verdict *v)
{
	struct sstp_status_info si;
	size_t vlen = bcur_left(val);

	switch (id) {
	case SSTP_ATTR_ENCAP_PROTO_ID:
		if (vlen != SSTP_ATTR_ENCAP_LEN - SSTP_ATTR_HDR_LEN ||
		    bcur_get_be16(val, &m->encap_proto) != 0)
			return verdict(v,
			    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, id);
		if (m->encap_proto != SSTP_ENCAP_PPP)
			return verdict(v, SSTP_STATUS_VALUE_NOT_SUPPORTED, id);
		return 0;
	case SSTP_ATTR_STATUS_INFO:
		parse_status_info(val, &si);
		if (m->nstatus < SSTP_WIRE_MAX_STATUS)
			m->status[m->nstatus] = si;
		m->nstatus++;
		return 0;
	case SSTP_ATTR_CRYPTO_BINDING_REQ:
		/* MS-SSTP 2.2.10: Reserved1[3] Bitmask Nonce[32]. */
		if (vlen != SSTP_ATTR_BINDREQ_LEN - SSTP_ATTR_HDR_LEN ||
		    bcur_skip(val, 3) != 0 ||
		    bcur_get_u8(val, &m->hash_bitmask) != 0 ||
		    bcur_get_bytes(val, m->nonce, sizeof m->nonce) != 0)
			return verdict(v,
			    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, id);
		/* 3.2.5.3.2: at least one known hash must be offered. */
		if ((m->hash_bitmask & SSTP_HASH_KNOWN) == 0)
			return verdict(v, SSTP_STATUS_VALUE_NOT_SUPPORTED, id);
		return 0;
	case SSTP_ATTR_CRYPTO_BINDING:
		/* MS-SSTP 2.2.7: Reserved1[3] Bitmask Nonce CertHash CMAC. */
		if (vlen != SSTP_ATTR_BINDING_LEN - SSTP_ATTR_HDR_LEN ||
		    bcur_skip(val, 3) != 0 ||
		    bcur_get_u8(val, &m->hash_bitmask) != 0 ||
		    bcur_get_bytes(val, m->nonce, sizeof m->nonce) != 0 ||
		    bcur_get_bytes(val, m->cert_hash,
		    sizeof m->cert_hash) != 0 ||
		    bcur_get_bytes(val, m->cmac, sizeof m->cmac) != 0)
			return verdict(v,
			    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, id);
		/* Exactly one hash: the one the client chose. */
		if (m->hash_bitmask != SSTP_HASH_SHA1 &&
		    m->hash_bitmask != SSTP_HASH_SHA256)
			return verdict(v, SSTP_STATUS_VALUE_NOT_SUPPORTED, id);
		return 0;
	default:
		return verdict(v, SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE, id);
	}
}

/* Status for an attribute a strict message type does not allow. */
static uint32_t
unexpected_attr_status(uint8_t id)
{
	if (id == SSTP_ATTR_STATUS_INFO)
		return SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG;
	if (id >= SSTP_ATTR_ENCAP_PROTO_ID &&
	    id <= SSTP_ATTR_CRYPTO_BINDING_REQ)
		return SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG;
	return SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE;
}

/* Decode one whole control packet. */
int
sstp_wire_decode_ctrl(const uint8_t *pkt, size_t len,
    struct sstp_ctrl_msg *m, struct sstp_verdict *v)
{
	struct bcur c = bcur_make(pkt, len), a;
	const struct msg_rule *rule;
	uint8_t ver, flags, id;
	uint16_t lenfield, alen, i;
	uint32_t missing;
	int r;

	memset(m, 0, sizeof *m);
	v->status = SSTP_STATUS_NO_ERROR;
	v->attr_id = SSTP_ATTR_NO_ERROR;
	if (bcur_get_u8(&c, &ver) != 0 || bcur_get_u8(&c, &flags) != 0 ||
	    bcur_get_be16(&c, &lenfield) != 0 ||
	    bcur_get_be16(&c, &m->type) != 0 ||
	    bcur_get_be16(&c, &m->nattr) != 0)
		return verdict(v, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
	if (ver != SSTP_VERSION || (flags & SSTP_FLAG_CONTROL) == 0 ||
	    (lenfield & SSTP_LEN_MASK) != len)
		return verdict(v, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
	if ((rule = rule_find(m->type)) == NULL) {
		(void)verdict(v, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
		return -ENOTSUP;
	}
	for (i = 0; i < m->nattr; i++) {
		/* Row 15: Num Attributes larger than what fits. */
		if (bcur_peek_u8(&c, 1, &id) != 0 ||
		    bcur_peek_be16(&c, 2, &alen) != 0)
			return verdict(v, SSTP_STATUS_INVALID_FRAME_RECEIVED,
			    0);
		alen &= SSTP_LEN_MASK;
		/* Row 17: the cursor refuses < 4 and past-the-end lengths. */
		if (bcur_sub_tlv(&c, alen, SSTP_ATTR_HDR_LEN, &a) != 0)
			return verdict(v, alen < SSTP_ATTR_HDR_LEN ?
			    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH :
			    SSTP_STATUS_INVALID_FRAME_RECEIVED, id);
		if (bcur_skip(&a, SSTP_ATTR_HDR_LEN) != 0)
			return verdict(v, SSTP_STATUS_INVALID_FRAME_RECEIVED,
			    id);
		if (id >= 32 || (rule->allowed & BIT(id)) == 0) {
			if (rule->lenient) {
				m->nignored++;
				continue;
			}
			return verdict(v, unexpected_attr_status(id), id);
		}
		/* Only Status Info may repeat (MS-SSTP 2.2.8). */
		if (id != SSTP_ATTR_STATUS_INFO && (m->present & BIT(id)) != 0)
			return verdict(v, SSTP_STATUS_DUPLICATE_ATTRIBUTE, id);
		if ((r = parse_attr(id, &a, m, v)) != 0)
			return r;
		m->present |= BIT(id);
	}
	/* Row 16 (accel NAK): bytes after the attributes are ignored. */
	m->trailing = bcur_left(&c);
	missing = rule->required & ~m->present;
	for (id = 0; missing != 0 && id < 32; id++)
		if ((missing & BIT(id)) != 0)
			return verdict(v,
			    SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING, id);
	return 0;
}

/* Write the 8-byte control header; the Length is patched by ctrl_end(). */
static size_t
ctrl_begin(struct wbuf *w, uint16_t type, uint16_t nattr)
{
	size_t start = w->len;

	wbuf_put_u8(w, SSTP_VERSION);
	wbuf_put_u8(w, SSTP_FLAG_CONTROL);
	wbuf_put_be16(w, 0);
	wbuf_put_be16(w, type);
	wbuf_put_be16(w, nattr);
	return start;
}

static void
ctrl_end(struct wbuf *w, size_t start)
{
	size_t len;

	if (wbuf_error(w) != 0)
		return;
	len = w->len - start;
	if (len > SSTP_MAX_PKT) {
		w->err = -EMSGSIZE;
		return;
	}
	wbuf_patch_be16(w, start + 2, (uint16_t)len);
}

static void
put_attr_hdr(struct wbuf *w, uint8_t id, size_t len)
{
	wbuf_put_u8(w, 0);
	wbuf_put_u8(w, id);
	wbuf_put_be16(w, (uint16_t)(len & SSTP_LEN_MASK));
}

static void
put_status_info(struct wbuf *w, const struct sstp_status_info *si)
{
	size_t vlen = si->value_len;

	if (vlen > sizeof si->value)
		vlen = sizeof si->value;
	put_attr_hdr(w, SSTP_ATTR_STATUS_INFO, SSTP_ATTR_STATUS_LEN + vlen);
	wbuf_put_zero(w, 3);
	wbuf_put_u8(w, si->attr_id);
	wbuf_put_be32(w, si->status);
	wbuf_put_bytes(w, si->value, vlen);
}

/* Call Connect Request (MS-SSTP 2.2.9): 14 bytes. */
void
sstp_wire_put_connect_request(struct wbuf *w, uint16_t proto)
{
	size_t s = ctrl_begin(w, SSTP_MSG_CALL_CONNECT_REQUEST, 1);

	put_attr_hdr(w, SSTP_ATTR_ENCAP_PROTO_ID, SSTP_ATTR_ENCAP_LEN);
	wbuf_put_be16(w, proto);
	ctrl_end(w, s);
}

/* Call Connect Ack (MS-SSTP 2.2.10): 48 bytes (server side, tests). */
void
sstp_wire_put_connect_ack(struct wbuf *w, uint8_t hash_bitmask,
    const uint8_t nonce[SSTP_NONCE_LEN])
{
	size_t s = ctrl_begin(w, SSTP_MSG_CALL_CONNECT_ACK, 1);

	put_attr_hdr(w, SSTP_ATTR_CRYPTO_BINDING_REQ, SSTP_ATTR_BINDREQ_LEN);
	wbuf_put_zero(w, 3);
	wbuf_put_u8(w, hash_bitmask);
	wbuf_put_bytes(w, nonce, SSTP_NONCE_LEN);
	ctrl_end(w, s);
}

/* Call Connect Nak (MS-SSTP 2.2.12) with n Status Info attributes. */
void
sstp_wire_put_connect_nak(struct wbuf *w, const struct sstp_status_info *si,
    size_t n)
{
	size_t s, i;

	if (n > UINT16_MAX) {
		if (w->err == 0)
			w->err = -EMSGSIZE;
		return;
	}
	s = ctrl_begin(w, SSTP_MSG_CALL_CONNECT_NAK, (uint16_t)n);
	for (i = 0; i < n; i++)
		put_status_info(w, &si[i]);
	ctrl_end(w, s);
}

static void
put_teardown(struct wbuf *w, uint16_t type, const struct sstp_status_info *si)
{
	size_t s = ctrl_begin(w, type, si != NULL ? 1 : 0);

	if (si != NULL)
		put_status_info(w, si);
	ctrl_end(w, s);
}

/* Call Abort (MS-SSTP 2.2.13): 8 bytes, or with one Status Info. */
void
sstp_wire_put_abort(struct wbuf *w, const struct sstp_status_info *si)
{
	put_teardown(w, SSTP_MSG_CALL_ABORT, si);
}

/* Call Disconnect (MS-SSTP 2.2.14): 8 bytes, or with one Status Info. */
void
sstp_wire_put_disconnect(struct wbuf *w, const struct sstp_status_info *si)
{
	put_teardown(w, SSTP_MSG_CALL_DISCONNECT, si);
}

/* Call Disconnect Ack (MS-SSTP 2.2.15): 8 bytes. */
void
sstp_wire_put_disconnect_ack(struct wbuf *w)
{
	put_teardown(w, SSTP_MSG_CALL_DISCONNECT_ACK, NULL);
}

/* Echo Request (MS-SSTP 2.2.16): 8 bytes. */
void
sstp_wire_put_echo_request(struct wbuf *w)
{
	put_teardown(w, SSTP_MSG_ECHO_REQUEST, NULL);
}

/* Echo Response (MS-SSTP 2.2.17): 8 bytes. */
void
sstp_wire_put_echo_response(struct wbuf *w)
{
	put_teardown(w, SSTP_MSG_ECHO_RESPONSE, NULL);
}

/* Data packet header (MS-SSTP 2.2.3). */
void
sstp_wire_put_data_hdr(struct wbuf *w, size_t payload_len)
{
	if (payload_len > SSTP_MAX_PAYLOAD) {
		if (w->err == 0)
			w->err = -EMSGSIZE;
		return;
	}
	wbuf_put_u8(w, SSTP_VERSION);
	wbuf_put_u8(w, 0);
	wbuf_put_be16(w, (uint16_t)(payload_len + SSTP_HDR_LEN));
}

/* Classify a raw PPP frame as control or data. */
int
sstp_wire_ppp_classify(const uint8_t *frame, size_t len, uint16_t *proto,
    size_t *info_off)
{
	static const uint8_t acf[2] = { 0xff, 0x03 };
	struct bcur c = bcur_make(frame, len);
	uint8_t b0, b1;
	uint16_t p;

	/* RFC 1662 3.2: Address/Control, absent when ACFC was agreed. */
	if (bcur_starts_with(&c, acf, sizeof acf))
		(void)bcur_skip(&c, sizeof acf);
	else if (bcur_peek_u8(&c, 0, &b0) == 0 && b0 == 0xff)
		return -EBADMSG;	/* FF without 03: not a PPP frame */
	if (bcur_get_u8(&c, &b0) != 0)
		return -EBADMSG;
	/*
	 * RFC 1661 2: the protocol field's last octet is odd and every
	 * other octet even, so an odd first octet is a PFC-compressed field.
	 */
	if ((b0 & 1) != 0)
		p = b0;
	else {
		if (bcur_get_u8(&c, &b1) != 0 || (b1 & 1) == 0)
			return -EBADMSG;
		p = (uint16_t)(b0 << 8 | b1);
	}
	if (proto != NULL)
		*proto = p;
	if (info_off != NULL)
		*info_off = len - bcur_left(&c);
	return p >= 0x8000 ? 1 : 0;
}

static void
put_hex(struct wbuf *w, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		wbuf_printf(w, "%02x", p[i]);
}

static void
describe_status(struct wbuf *w, const struct sstp_ctrl_msg *m)
{
	const struct sstp_status_info *si;
	size_t i, n = m->nstatus;

	if (n > SSTP_WIRE_MAX_STATUS)
		n = SSTP_WIRE_MAX_STATUS;
	for (i = 0; i < n; i++) {
		si = &m->status[i];
		if (!si->has_status)
			wbuf_printf(w, " status=?");
		else if (si->short_form)
			wbuf_printf(w, " status=%s",
			    sstp_status_name(si->status));
		else
			wbuf_printf(w, " status=%s attr=%s",
			    sstp_status_name(si->status),
			    sstp_attr_name(si->attr_id));
	}
	if (m->nstatus > n)
		wbuf_printf(w, " (+%zu more)", m->nstatus - n);
}

static void
describe_ctrl(struct wbuf *w, const uint8_t *pkt, size_t len)
{
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	int r;

	r = sstp_wire_decode_ctrl(pkt, len, &m, &v);
	if (r == -ENOTSUP) {
		wbuf_printf(w, "UNKNOWN(0x%04x) nattr=%u len=%zu", m.type,
		    m.nattr, len);
		return;
	}
	wbuf_printf(w, "%s", sstp_msg_name(m.type));
	if (r != 0) {
		wbuf_printf(w, " invalid: %s attr=%s len=%zu",
		    sstp_status_name(v.status), sstp_attr_name(v.attr_id), len);
		return;
	}
	switch (m.type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST:
		wbuf_printf(w, " proto=%s", m.encap_proto == SSTP_ENCAP_PPP ?
		    "PPP" : "?");
		break;
	case SSTP_MSG_CALL_CONNECT_ACK:
		wbuf_printf(w, " hash=%s",
		    sstp_hash_name(m.hash_bitmask & SSTP_HASH_KNOWN));
		if ((m.hash_bitmask & ~SSTP_HASH_KNOWN) != 0)
			wbuf_printf(w, "|0x%02x", m.hash_bitmask);
		wbuf_printf(w, " nonce=");
		put_hex(w, m.nonce, sizeof m.nonce);
		break;
	case SSTP_MSG_CALL_CONNECTED:
		/* The Compound MAC is deliberately not printed. */
		wbuf_printf(w, " hash=%s nonce=",
		    sstp_hash_name(m.hash_bitmask));
		put_hex(w, m.nonce, sizeof m.nonce);
		wbuf_printf(w, " cert=");
		put_hex(w, m.cert_hash, m.hash_bitmask == SSTP_HASH_SHA1 ?
		    20 : 32);
		break;
	case SSTP_MSG_CALL_CONNECT_NAK:
	case SSTP_MSG_CALL_ABORT:
	case SSTP_MSG_CALL_DISCONNECT:
		describe_status(w, &m);
		break;
	default:
		break;
	}
	if (m.nignored != 0)
		wbuf_printf(w, " ignored=%u", m.nignored);
	if (m.trailing != 0)
		wbuf_printf(w, " trailing=%zu", m.trailing);
}

/* One-line dissection of a packet for the level-4 trace. */
int
sstp_wire_describe(const uint8_t *pkt, size_t len, char *out, size_t outsz)
{
	struct sstp_frame f;
	struct bcur payload;
	struct wbuf w;
	uint16_t proto;
	int r;

	if (out == NULL || outsz == 0)
		return -EINVAL;
	out[0] = '\0';
	wbuf_init(&w, out, outsz);
	r = sstp_wire_frame(pkt, len, &f);
	if (r < 0)
		wbuf_printf(&w, "BAD-FRAME len=%zu", len);
	else if (r == 0 || f.len != len)
		wbuf_printf(&w, "TRUNCATED len=%zu of %zu", len, f.len);
	else if (f.control)
		describe_ctrl(&w, pkt, len);
	else if (sstp_wire_data_payload(pkt, len, &payload) == 0) {
		wbuf_printf(&w, "DATA len=%zu", bcur_left(&payload));
		r = sstp_wire_ppp_classify(bcur_ptr(&payload),
		    bcur_left(&payload), &proto, NULL);
		if (r >= 0)
			wbuf_printf(&w, " proto=0x%04x %s", proto,
			    r == 1 ? "control" : "data");
		else if (bcur_left(&payload) != 0)
			wbuf_printf(&w, " proto=?");
	}
	if (wbuf_error(&w) != 0)
		return -ENOSPC;
	return (int)w.len;
}
