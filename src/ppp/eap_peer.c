/*
 * eap_peer.c - EAP-MSCHAPv2 and MS-CHAPv2 peer (see eap_peer.h).
 *
 * Packet layouts: EAP RFC 3748 4 (Code, Identifier, Length, Type,
 * Type-Data), Legacy Nak RFC 3748 5.3.1, Notification 5.2; EAP-MSCHAPv2
 * draft-kamath-pppext-eap-mschapv2-02 (OpCode, MS-CHAPv2-ID, MS-Length,
 * then the RFC 2759 values); CHAP RFC 1994 4 with RFC 2759 4-6.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "crypto/crypto.h"
#include "util/log.h"
#include "crypto/ms_funcs.h"
#include "ppp/eap_peer.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"

#define EAP_HDR_LEN		4
#define MS_HDR_LEN		4	/* OpCode, MS-CHAPv2-ID, MS-Length */
#define MS_TEXT_MAX		160	/* Success/Failure text we keep */

/* Copy the credentials into the peer; see eap_peer.h. */
int
eap_peer_init(struct eap_peer *p, const char *user, const char *password)
{
	size_t ul, pl;

	memset(p, 0, sizeof *p);
	if (user == NULL || password == NULL)
		return -EINVAL;
	ul = strlen(user);
	pl = strlen(password);
	if (ul > EAP_PEER_USER_MAX || pl >= sizeof p->password)
		return -E2BIG;
	memcpy(p->user, user, ul + 1);
	memcpy(p->password, password, pl + 1);
	return 0;
}

/* Forget the exchange, keep the credentials. */
void
eap_peer_restart(struct eap_peer *p)
{
	p->state = EAP_PEER_IDLE;
	explicit_bzero(p->auth_ch, sizeof p->auth_ch);
	explicit_bzero(p->peer_ch, sizeof p->peer_ch);
	explicit_bzero(p->nt_resp, sizeof p->nt_resp);
	explicit_bzero(p->last_reply, sizeof p->last_reply);
	p->have_resp = false;
	p->have_last = false;
	p->last_reply_len = 0;
	p->naked_type = 0;
	p->ms_error = 0;
	p->reason[0] = '\0';
}

/* Wipe everything, credentials included. */
void
eap_peer_clear(struct eap_peer *p)
{
	explicit_bzero(p, sizeof *p);
}

/* The failure reason, or "". */
const char *
eap_peer_reason(const struct eap_peer *p)
{
	return p->reason;
}

/* Words for an MS-CHAP E= error number. */
const char *
eap_peer_error_text(unsigned code)
{
	/* RFC 2759 6 (Failure packet error codes). */
	switch (code) {
	case 646:	return "logon not allowed at this time of day";
	case 647:	return "the account is disabled";
	case 648:	return "the password has expired";
	case 649:	return "the account has no dial-in (VPN) permission";
	case 691:	return "authentication failure: wrong user name or "
			    "password, or no matching network policy";
	case 709:	return "error while changing the password";
	default:	return "unknown error";
	}
}

/* Name of an EAP method type. */
const char *
eap_peer_type_name(uint8_t type)
{
	switch (type) {
	case EAP_TYPE_IDENTITY:		return "Identity";
	case EAP_TYPE_NOTIFICATION:	return "Notification";
	case EAP_TYPE_MD5:		return "MD5-Challenge";
	case 5:				return "OTP";
	case 6:				return "GTC";
	case EAP_TYPE_TLS:		return "EAP-TLS";
	case 21:			return "EAP-TTLS";
	case EAP_TYPE_PEAP:		return "PEAP";
	case EAP_TYPE_MSCHAPV2:		return "EAP-MSCHAPv2";
	case 43:			return "EAP-FAST";
	default:			return "unknown method";
	}
}

/* Record a failure reason once. */
static int
peer_fail(struct eap_peer *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
peer_fail(struct eap_peer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->state != EAP_PEER_FAILED || p->reason[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(p->reason, sizeof p->reason, fmt, ap);
		va_end(ap);
	}
	p->state = EAP_PEER_FAILED;
	return EAP_PEER_FAIL;
}

/*
 * peer_failure_words - turn an MS-CHAPv2 Failure message
 * ("E=691 R=0 C=... V=3 M=text", RFC 2759 6) into a sentence.
 */
static int
peer_failure_words(struct eap_peer *p, struct bcur msg, const char *how)
{
	char text[MS_TEXT_MAX], *e, *m;
	unsigned long code = 0;

	(void)bcur_get_printable(&msg, text, sizeof text);
	e = strstr(text, "E=");
	if (e != NULL)
		code = strtoul(e + 2, NULL, 10);
	m = strstr(text, "M=");
	p->ms_error = code <= 99999 ? (unsigned)code : 0;
	if (e == NULL)
		return peer_fail(p, "%s: the server refused the login%s%s",
		    how, m != NULL ? ": " : "", m != NULL ? m + 2 : "");
	return peer_fail(p, "%s: the server refused the login with error %u "
	    "(%s)%s%s", how, p->ms_error, eap_peer_error_text(p->ms_error),
	    m != NULL ? "; server says: " : "", m != NULL ? m + 2 : "");
}

/* Keep the reply to the Request just answered, for retransmissions. */
static void
peer_remember(struct eap_peer *p, uint8_t id, uint8_t type,
    const struct wbuf *w, size_t start)
{
	size_t n = w->len - start;

	p->have_last = false;
	if (wbuf_error(w) != 0 || n > sizeof p->last_reply)
		return;
	memcpy(p->last_reply, w->p + start, n);
	p->last_reply_len = n;
	p->last_id = id;
	p->last_type = type;
	p->have_last = true;
}

/* Start an EAP Response frame: FF 03 C2 27, Code 2, id, Length, Type. */
static size_t
peer_eap_begin(struct wbuf *w, uint8_t id, uint8_t type)
{
	size_t start;

	start = ppp_cp_begin(w, PPP_PROTO_EAP, EAP_CODE_RESPONSE, id);
	wbuf_put_u8(w, type);
	return start;
}

/*
 * peer_ms_response - generate Peer-Challenge and NT-Response for an
 * Authenticator Challenge (RFC 2759 8.1) and keep them for S= checking.
 */
static int
peer_ms_response(struct eap_peer *p, const uint8_t auth_ch[MS_CHALLENGE_LEN])
{
	int r;

	memcpy(p->auth_ch, auth_ch, MS_CHALLENGE_LEN);
	if (p->fixed_peer_ch != NULL)
		memcpy(p->peer_ch, p->fixed_peer_ch, MS_CHALLENGE_LEN);
	else if ((r = crypto_random(p->peer_ch, sizeof p->peer_ch)) < 0)
		return r;
	r = ms_generate_nt_response(p->auth_ch, p->peer_ch, p->user,
	    p->password, p->nt_resp);
	p->have_resp = r == 0;
	return r;
}

/* The 49-octet Response value (RFC 2759 4) and the Name. */
static void
peer_put_ms_value(struct eap_peer *p, struct wbuf *w)
{
	wbuf_put_u8(w, MSCHAPV2_VALUE_LEN);
	wbuf_put_bytes(w, p->peer_ch, sizeof p->peer_ch);
	wbuf_put_zero(w, 8);				/* Reserved */
	wbuf_put_bytes(w, p->nt_resp, sizeof p->nt_resp);
	wbuf_put_u8(w, 0);				/* Flags */
	wbuf_put_bytes(w, p->user, strlen(p->user));	/* Name */
}

/* Verify the server's S= (RFC 2759 8.8) in constant time. */
static bool
peer_check_s(struct eap_peer *p, struct bcur msg)
{
	if (!p->have_resp)
		return false;
	return ms_check_authenticator_response(p->password, p->nt_resp,
	    p->peer_ch, p->auth_ch, p->user, bcur_ptr(&msg), bcur_left(&msg));
}

/* EAP-MSCHAPv2 Request (Type 26): Challenge, Success or Failure. */
static int
peer_eap_mschapv2(struct eap_peer *p, uint8_t id, struct bcur td,
    struct wbuf *out)
{
	uint8_t op, ms_id, vsize, auth_ch[MS_CHALLENGE_LEN];
	uint16_t ms_len;
	size_t start;
	int r;

	if (bcur_get_u8(&td, &op) < 0 || bcur_get_u8(&td, &ms_id) < 0 ||
	    bcur_get_be16(&td, &ms_len) < 0)
		return -EBADMSG;
	/*
	 * XX: MS-Length should be the EAP Length - 5; some servers count
	 * differently, and nothing depends on it, so it is only logged.
	 */
	if (ms_len != bcur_left(&td) + MS_HDR_LEN)
		log_debug("EAP-MSCHAPv2: MS-Length %u, %zu octets present",
		    ms_len, bcur_left(&td) + MS_HDR_LEN);
	switch (op) {
	case MSCHAPV2_OP_CHALLENGE:
		if (bcur_get_u8(&td, &vsize) < 0 || vsize != MS_CHALLENGE_LEN ||
		    bcur_get_bytes(&td, auth_ch, sizeof auth_ch) < 0)
			return -EBADMSG;
		if ((r = peer_ms_response(p, auth_ch)) < 0)
			return peer_fail(p, "cannot compute the MS-CHAPv2 "
			    "response: %s", r == -E2BIG ? "password too long" :
			    r == -EINVAL ? "password is not valid UTF-8" :
			    strerror(-r));
		p->ms_id = ms_id;
		/* draft-kamath 2: MS-Length = EAP Length - 5. */
		start = peer_eap_begin(out, id, EAP_TYPE_MSCHAPV2);
		wbuf_put_u8(out, MSCHAPV2_OP_RESPONSE);
		wbuf_put_u8(out, ms_id);
		wbuf_put_be16(out, (uint16_t)(MS_HDR_LEN + 1 +
		    MSCHAPV2_VALUE_LEN + strlen(p->user)));
		peer_put_ms_value(p, out);
		ppp_cp_end(out, start);
		p->state = EAP_PEER_RESPONSE_SENT;
		peer_remember(p, id, EAP_TYPE_MSCHAPV2, out, 0);
		return wbuf_error(out) == 0 ? EAP_PEER_SEND : -ENOSPC;
	case MSCHAPV2_OP_SUCCESS:
		if (p->state != EAP_PEER_RESPONSE_SENT)
			return peer_fail(p, "EAP-MSCHAPv2 Success-Request "
			    "without a preceding Challenge/Response");
		if (!peer_check_s(p, td))
			return peer_fail(p, "the server's authenticator "
			    "response (S=) is missing or wrong: the server "
			    "does not know the password (possible "
			    "impersonation)");
		/* Peer Success Response: Type-Data is the opcode alone. */
		start = peer_eap_begin(out, id, EAP_TYPE_MSCHAPV2);
		wbuf_put_u8(out, MSCHAPV2_OP_SUCCESS);
		ppp_cp_end(out, start);
		p->state = EAP_PEER_SUCCESS_ACKED;
		peer_remember(p, id, EAP_TYPE_MSCHAPV2, out, 0);
		return wbuf_error(out) == 0 ? EAP_PEER_SEND : -ENOSPC;
	case MSCHAPV2_OP_FAILURE:
		start = peer_eap_begin(out, id, EAP_TYPE_MSCHAPV2);
		wbuf_put_u8(out, MSCHAPV2_OP_FAILURE);
		ppp_cp_end(out, start);
		r = peer_failure_words(p, td, "EAP-MSCHAPv2");
		return wbuf_error(out) == 0 ? r | EAP_PEER_SEND : r;
	default:
		/* Change-Password (7) and unknown opcodes: not offered. */
		log_debug("EAP-MSCHAPv2: opcode %u ignored", op);
		return 0;
	}
}

/* One EAP packet from the server (RFC 3748 4, draft-kamath). */
int
eap_peer_eap_input(struct eap_peer *p, struct bcur info, struct wbuf *out)
{
	uint8_t code, id, type;
	uint16_t len;
	struct bcur body;
	char text[MS_TEXT_MAX];
	size_t start;

	if (bcur_get_u8(&info, &code) < 0 || bcur_get_u8(&info, &id) < 0 ||
	    bcur_get_be16(&info, &len) < 0 || len < EAP_HDR_LEN ||
	    bcur_get_view(&info, len - EAP_HDR_LEN, &body) < 0)
		return -EBADMSG;
	if (p->state == EAP_PEER_FAILED)
		return 0;
	switch (code) {
	case EAP_CODE_SUCCESS:
		if (p->state == EAP_PEER_DONE)
			return 0;
		if (p->state != EAP_PEER_SUCCESS_ACKED)
			return peer_fail(p, "EAP Success arrived before the "
			    "server proved it knows the password (no verified "
			    "MS-CHAPv2 S=): refused");
		p->state = EAP_PEER_DONE;
		return EAP_PEER_OK;
	case EAP_CODE_FAILURE:
		if (p->naked_type != 0)
			return peer_fail(p, "the server ended EAP with Failure "
			    "after sstpc declined %s (only EAP-MSCHAPv2 is "
			    "supported)", eap_peer_type_name(p->naked_type));
		return peer_fail(p, "the server sent EAP Failure");
	case EAP_CODE_REQUEST:
		break;
	default:
		return 0;		/* Responses are not for the peer */
	}
	if (bcur_get_u8(&body, &type) < 0)
		return -EBADMSG;
	/* RFC 3748 4.1: a repeated Identifier is a retransmission. */
	if (p->have_last && id == p->last_id && type == p->last_type &&
	    p->state != EAP_PEER_DONE) {
		wbuf_put_bytes(out, p->last_reply, p->last_reply_len);
		return wbuf_error(out) == 0 ? EAP_PEER_SEND : -ENOSPC;
	}
	switch (type) {
	case EAP_TYPE_IDENTITY:
		start = peer_eap_begin(out, id, EAP_TYPE_IDENTITY);
		wbuf_put_bytes(out, p->user, strlen(p->user));
		ppp_cp_end(out, start);
		if (p->state == EAP_PEER_IDLE)
			p->state = EAP_PEER_IDENTITY_SENT;
		peer_remember(p, id, type, out, 0);
		return wbuf_error(out) == 0 ? EAP_PEER_SEND : -ENOSPC;
	case EAP_TYPE_NOTIFICATION:
		/* RFC 3748 5.2: show it, answer with an empty Response. */
		(void)bcur_get_printable(&body, text, sizeof text);
		log_info("EAP notification from the server: %s", text);
		start = peer_eap_begin(out, id, EAP_TYPE_NOTIFICATION);
		ppp_cp_end(out, start);
		peer_remember(p, id, type, out, 0);
		return wbuf_error(out) == 0 ? EAP_PEER_SEND : -ENOSPC;
	case EAP_TYPE_MSCHAPV2:
		return peer_eap_mschapv2(p, id, body, out);
	case EAP_TYPE_NAK:
		return -EBADMSG;	/* Nak is a Response-only type */
	default:
		/*
		 * RFC 3748 5.3.1: refuse with a Legacy Nak naming the one
		 * method we do.  The same method asked again after our Nak
		 * means the server insists.
		 */
		if (p->naked_type == type)
			return peer_fail(p, "the server insists on %s (EAP "
			    "type %u), which sstpc cannot do; only "
			    "EAP-MSCHAPv2 (and MS-CHAPv2) are supported",
			    eap_peer_type_name(type), type);
		log_info("server proposes %s (EAP type %u): answering Nak, "
		    "asking for EAP-MSCHAPv2", eap_peer_type_name(type), type);
		p->naked_type = type;
		start = peer_eap_begin(out, id, EAP_TYPE_NAK);
		wbuf_put_u8(out, EAP_TYPE_MSCHAPV2);
		ppp_cp_end(out, start);
		p->state = EAP_PEER_NAK_SENT;
		peer_remember(p, id, type, out, 0);
		return wbuf_error(out) == 0 ? EAP_PEER_SEND | EAP_PEER_NAKED :
		    -ENOSPC;
	}
}

/* One MS-CHAPv2 packet over CHAP (RFC 2759 4-6). */
int
eap_peer_chap_input(struct eap_peer *p, struct bcur info, struct wbuf *out)
{
	struct ppp_cp_pkt pkt;
	uint8_t vsize, auth_ch[MS_CHALLENGE_LEN];
	size_t start;
	int r;

	if (ppp_cp_parse(info, &pkt) < 0)
		return -EBADMSG;
	if (p->state == EAP_PEER_FAILED)
		return 0;
	switch (pkt.code) {
	case CHAP_CODE_CHALLENGE:
		if (bcur_get_u8(&pkt.data, &vsize) < 0 ||
		    vsize != MS_CHALLENGE_LEN ||
		    bcur_get_bytes(&pkt.data, auth_ch, sizeof auth_ch) < 0)
			return -EBADMSG;
		/* A retransmitted Challenge gets the same Response. */
		if (p->have_last && pkt.id == p->last_id && p->have_resp &&
		    crypto_memeq(auth_ch, p->auth_ch, sizeof auth_ch)) {
			wbuf_put_bytes(out, p->last_reply, p->last_reply_len);
			return wbuf_error(out) == 0 ? EAP_PEER_SEND : -ENOSPC;
		}
		if ((r = peer_ms_response(p, auth_ch)) < 0)
			return peer_fail(p, "cannot compute the MS-CHAPv2 "
			    "response: %s", r == -E2BIG ? "password too long" :
			    r == -EINVAL ? "password is not valid UTF-8" :
			    strerror(-r));
		p->ms_id = pkt.id;
		start = ppp_cp_begin(out, PPP_PROTO_CHAP, CHAP_CODE_RESPONSE,
		    pkt.id);
		peer_put_ms_value(p, out);
		ppp_cp_end(out, start);
		if (p->state != EAP_PEER_DONE)
			p->state = EAP_PEER_RESPONSE_SENT;
		peer_remember(p, pkt.id, 0, out, 0);
		return wbuf_error(out) == 0 ? EAP_PEER_SEND : -ENOSPC;
	case CHAP_CODE_SUCCESS:
		if (p->state == EAP_PEER_DONE)
			return 0;
		if (p->state != EAP_PEER_RESPONSE_SENT)
			return peer_fail(p, "MS-CHAPv2 Success without a "
			    "preceding Challenge/Response");
		/* RFC 2759 5: "S=<auth_string> M=<message>". */
		if (!peer_check_s(p, pkt.data))
			return peer_fail(p, "the server's authenticator "
			    "response (S=) is missing or wrong: the server "
			    "does not know the password (possible "
			    "impersonation)");
		p->state = EAP_PEER_DONE;
		return EAP_PEER_OK;
	case CHAP_CODE_FAILURE:
		return peer_failure_words(p, pkt.data, "MS-CHAPv2");
	default:
		return 0;
	}
}

/* The client MasterSendKey/MasterReceiveKey (RFC 3079 3.3). */
int
eap_peer_mppe_keys(const struct eap_peer *p, uint8_t send[16],
    uint8_t recv[16])
{
	if (p->state != EAP_PEER_DONE || !p->have_resp)
		return -EINVAL;
	/* RFC 3079 3.3/3.4: MasterSendKey, MasterReceiveKey (client). */
	return ms_chapv2_client_keys(p->password, p->nt_resp, send, recv);
}

