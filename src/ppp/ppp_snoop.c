/*
 * ppp_snoop.c - authentication facts from the PPP frames (see ppp_snoop.h).
 *
 * Packet layouts: PAP RFC 1334 2.2, CHAP RFC 1994 4 with MS-CHAPv2 values
 * RFC 2759 4-6, EAP RFC 3748 4 with EAP-MSCHAPv2 as in
 * draft-kamath-pppext-eap-mschapv2 (PROTOCOL.md 6.3).
 */
#include "config.h"

#include <string.h>

#include "util/buf.h"
#include "ppp/ppp_snoop.h"
#include "ppp/proto.h"

/* Skip FF 03 and read the protocol (ACFC/PFC forms accepted). */
static int
snoop_proto(struct bcur *c, uint16_t *proto)
{
	uint8_t b0, b1;

	if (bcur_starts_with(c, "\xff\x03", 2))
		(void)bcur_skip(c, 2);
	if (bcur_get_u8(c, &b0) < 0)
		return -1;
	if (b0 & 1) {			/* RFC 1661 6.6: 1-byte protocol */
		*proto = b0;
		return 0;
	}
	if (bcur_get_u8(c, &b1) < 0)
		return -1;
	*proto = (uint16_t)(b0 << 8 | b1);
	return 0;
}

/* Keep the 24-byte NT-Response of a 49-byte MS-CHAPv2 Response value. */
static bool
snoop_value(struct ppp_snoop *st, struct bcur *c)
{
	uint8_t vsize;

	if (bcur_get_u8(c, &vsize) < 0 || vsize != MSCHAPV2_VALUE_LEN ||
	    bcur_left(c) < MSCHAPV2_VALUE_LEN)
		return false;
	/* Peer-Challenge(16) Reserved(8) NT-Response(24) Flags(1) */
	if (bcur_skip(c, 24) < 0 ||
	    bcur_get_bytes(c, st->nt_response, 24) < 0)
		return false;
	st->have_nt_response = true;
	return true;
}

enum ppp_snoop_event
ppp_snoop_frame(struct ppp_snoop *st, const uint8_t *frame, size_t len,
    bool from_server)
{
	struct bcur c = bcur_make(frame, len), body;
	uint16_t proto, plen;
	uint8_t code, id, type, op;

	if (snoop_proto(&c, &proto) < 0)
		return PPP_SNOOP_NONE;
	if (proto != PPP_PROTO_PAP && proto != PPP_PROTO_CHAP &&
	    proto != PPP_PROTO_EAP && proto != PPP_PROTO_LCP)
		return PPP_SNOOP_NONE;
	/* Code, Identifier, Length (RFC 1661 5): Length bounds the packet. */
	if (bcur_get_u8(&c, &code) < 0 || bcur_get_u8(&c, &id) < 0 ||
	    bcur_get_be16(&c, &plen) < 0 || plen < 4 ||
	    bcur_get_view(&c, (size_t)plen - 4 <= bcur_left(&c) ?
	    (size_t)plen - 4 : bcur_left(&c), &body) < 0)
		return PPP_SNOOP_NONE;
	(void)id;

	switch (proto) {
	case PPP_PROTO_LCP:
		return code == PPP_TERM_REQ ? PPP_SNOOP_LCP_TERMINATE :
		    PPP_SNOOP_NONE;
	case PPP_PROTO_PAP:
		if (!from_server)
			return PPP_SNOOP_NONE;
		if (code == PAP_CODE_AUTH_ACK) {
			st->method = PPP_AUTH_PAP;
			return PPP_SNOOP_AUTH_SUCCESS;
		}
		if (code == PAP_CODE_AUTH_NAK) {
			st->method = PPP_AUTH_PAP;
			(void)bcur_get_printable(&body, st->fail_text,
			    sizeof st->fail_text);
			return PPP_SNOOP_AUTH_FAILURE;
		}
		return PPP_SNOOP_NONE;
	case PPP_PROTO_CHAP:
		if (!from_server && code == CHAP_CODE_RESPONSE) {
			if (snoop_value(st, &body)) {
				st->method = PPP_AUTH_MSCHAPV2;
				return PPP_SNOOP_MSCHAPV2_RESPONSE;
			}
			st->method = PPP_AUTH_CHAP_OTHER;
			return PPP_SNOOP_NONE;
		}
		if (from_server && code == CHAP_CODE_SUCCESS)
			return PPP_SNOOP_AUTH_SUCCESS;
		if (from_server && code == CHAP_CODE_FAILURE) {
			(void)bcur_get_printable(&body, st->fail_text,
			    sizeof st->fail_text);
			return PPP_SNOOP_AUTH_FAILURE;
		}
		return PPP_SNOOP_NONE;
	case PPP_PROTO_EAP:
		if (from_server && code == EAP_CODE_SUCCESS)
			return PPP_SNOOP_AUTH_SUCCESS;
		if (from_server && code == EAP_CODE_FAILURE)
			return PPP_SNOOP_AUTH_FAILURE;
		if (from_server || code != EAP_CODE_RESPONSE ||
		    bcur_get_u8(&body, &type) < 0)
			return PPP_SNOOP_NONE;
		if (type != EAP_TYPE_MSCHAPV2) {
			/* Identity (1) and Nak (3) say nothing of the method. */
			if (type > 3)
				st->method = PPP_AUTH_EAP_OTHER;
			return PPP_SNOOP_NONE;
		}
		/* OpCode(1) MS-CHAPv2-ID(1) MS-Length(2) Value-Size ... */
		if (bcur_get_u8(&body, &op) < 0 || op != MSCHAPV2_OP_RESPONSE ||
		    bcur_skip(&body, 3) < 0 || !snoop_value(st, &body))
			return PPP_SNOOP_NONE;
		st->method = PPP_AUTH_EAP_MSCHAPV2;
		return PPP_SNOOP_MSCHAPV2_RESPONSE;
	}
	return PPP_SNOOP_NONE;
}

bool
ppp_snoop_lcp_accm(const uint8_t *frame, size_t len, struct ppp_lcp_accm *out)
{
	struct bcur c = bcur_make(frame, len), body, opt;
	uint16_t proto, plen;
	uint8_t type, olen;

	memset(out, 0, sizeof *out);
	if (snoop_proto(&c, &proto) < 0 || proto != PPP_PROTO_LCP ||
	    bcur_get_u8(&c, &out->code) < 0 || bcur_get_u8(&c, &out->id) < 0 ||
	    bcur_get_be16(&c, &plen) < 0 || plen < 4 ||
	    out->code < 1 || out->code > 4 ||
	    bcur_get_view(&c, (size_t)plen - 4, &body) < 0)
		return false;
	while (bcur_left(&body) > 0) {
		if (bcur_peek_u8(&body, 1, &olen) < 0 ||
		    bcur_sub_tlv(&body, olen, 2, &opt) < 0)
			return false;
		if (bcur_get_u8(&opt, &type) < 0 || bcur_skip(&opt, 1) < 0)
			return false;
		/* RFC 1662 7.1: type 2, length 6, a 32-bit map. */
		if (type == 2 && bcur_get_be32(&opt, &out->accm) == 0)
			out->has_accm = true;
	}
	return true;
}

bool
ppp_snoop_peer_name(const uint8_t *frame, size_t len, char *out,
    size_t outlen)
{
	struct bcur c = bcur_make(frame, len), body, name;
	uint16_t proto, plen;
	uint8_t code, id, n;

	if (outlen == 0 || snoop_proto(&c, &proto) < 0 ||
	    bcur_get_u8(&c, &code) < 0 || bcur_get_u8(&c, &id) < 0 ||
	    bcur_get_be16(&c, &plen) < 0 || plen < 4 ||
	    bcur_get_view(&c, (size_t)plen - 4, &body) < 0)
		return false;
	switch (proto) {
	case PPP_PROTO_PAP:
		/* Peer-ID Length(1) Peer-ID Passwd-Length(1) Password */
		if (code != PAP_CODE_AUTH_REQ || bcur_get_u8(&body, &n) < 0 ||
		    bcur_get_view(&body, n, &name) < 0)
			return false;
		break;
	case PPP_PROTO_CHAP:
		/* Value-Size(1) Value Name (the rest of the packet) */
		if (code != CHAP_CODE_RESPONSE || bcur_get_u8(&body, &n) < 0 ||
		    bcur_skip(&body, n) < 0)
			return false;
		name = body;
		break;
	case PPP_PROTO_EAP:
		/* Type(1) Type-Data: the identity */
		if (code != EAP_CODE_RESPONSE || bcur_get_u8(&body, &n) < 0 ||
		    n != EAP_TYPE_IDENTITY)
			return false;
		name = body;
		break;
	default:
		return false;
	}
	if (bcur_left(&name) == 0)
		return false;
	(void)bcur_get_printable(&name, out, outlen);
	return true;
}

const char *
ppp_snoop_method_name(enum ppp_snoop_method m)
{
	switch (m) {
	case PPP_AUTH_PAP:
		return "PAP";
	case PPP_AUTH_MSCHAPV2:
		return "MS-CHAPv2";
	case PPP_AUTH_CHAP_OTHER:
		return "CHAP";
	case PPP_AUTH_EAP_MSCHAPV2:
		return "EAP-MSCHAPv2";
	case PPP_AUTH_EAP_OTHER:
		return "EAP";
	default:
		return "unknown";
	}
}

void
ppp_snoop_clear(struct ppp_snoop *st)
{
	explicit_bzero(st, sizeof *st);
}
