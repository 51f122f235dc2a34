/*
 * ppp_dissect.c - one-line descriptions of PPP frames for the level-4
 * trace (STYLE.md 8.14; see ppp_cp.h).  Names and numbers only: no
 * authentication values, key material or payload bytes are printed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"

/* EAP (RFC 3748 4, 5) and EAP-MSCHAPv2 opcode names. */
static const char *
dis_eap_type(uint8_t t)
{
	switch (t) {
	case 1:		return "Identity";
	case 2:		return "Notification";
	case 3:		return "Nak";
	case 4:		return "MD5";
	case 13:	return "TLS";
	case 21:	return "TTLS";
	case 25:	return "PEAP";
	case 26:	return "MSCHAPv2";
	default:	return NULL;
	}
}

static const char *
dis_ms_opcode(uint8_t op)
{
	switch (op) {
	case 1:		return "Challenge";
	case 2:		return "Response";
	case 3:		return "Success";
	case 4:		return "Failure";
	case 7:		return "Change-Password";
	default:	return "?";
	}
}

/* Value of one Configure option in words. */
static void
dis_opt(struct wbuf *w, const struct ppp_cp_ops *ops, const struct ppp_opt *o)
{
	const struct ppp_opt_desc *d = ppp_opt_desc_find(ops, o->type);
	struct bcur v = o->val;
	uint8_t a, b, c, e;
	uint16_t u16;
	uint32_t u32;

	if (d == NULL) {
		wbuf_printf(w, " <opt%u len %zu>", o->type,
		    bcur_left(&o->raw));
		return;
	}
	wbuf_printf(w, " <%s", d->name);
	if (ops == &ppp_lcp_ops && (o->type == LCP_OPT_MRU ||
	    o->type == LCP_OPT_MRRU) && bcur_get_be16(&v, &u16) == 0)
		wbuf_printf(w, " %u", u16);
	else if (ops == &ppp_lcp_ops && (o->type == LCP_OPT_MAGIC ||
	    o->type == LCP_OPT_ACCM) && bcur_get_be32(&v, &u32) == 0)
		wbuf_printf(w, " 0x%08x", u32);
	else if (ops == &ppp_lcp_ops && o->type == LCP_OPT_AUTH &&
	    bcur_get_be16(&v, &u16) == 0) {
		if (u16 == PPP_PROTO_EAP)
			wbuf_printf(w, " eap");
		else if (u16 == PPP_PROTO_PAP)
			wbuf_printf(w, " pap");
		else if (u16 == PPP_PROTO_CHAP && bcur_get_u8(&v, &a) == 0)
			wbuf_printf(w, " chap-%s", a == CHAP_ALG_MSCHAPV2 ?
			    "mschapv2" : a == 0x80 ? "mschap" : a == 5 ?
			    "md5" : "?");
		else
			wbuf_printf(w, " 0x%04x", u16);
	} else if (ops == &ppp_ipcp_ops && (o->type == 3 || o->type >= 129) &&
	    bcur_left(&v) == 4 &&
	    bcur_get_u8(&v, &a) == 0 && bcur_get_u8(&v, &b) == 0 &&
	    bcur_get_u8(&v, &c) == 0 && bcur_get_u8(&v, &e) == 0)
		wbuf_printf(w, " %u.%u.%u.%u", a, b, c, e);
	else if (ops == &ppp_ccp_ops && o->type == CCP_OPT_MPPE &&
	    bcur_get_be32(&v, &u32) == 0)
		wbuf_printf(w, " 0x%08x%s%s%s%s%s", u32,
		    u32 & 0x01000000 ? " H" : "", u32 & 0x40 ? " S" : "",
		    u32 & 0x80 ? " M" : "", u32 & 0x20 ? " L" : "",
		    u32 & 0x01 ? " C" : "");
	wbuf_printf(w, ">");
}

/* A control protocol packet. */
static void
dis_cp(struct wbuf *w, const struct ppp_cp_ops *ops, struct bcur info)
{
	struct ppp_cp_pkt pkt;
	struct ppp_opt o;
	const char *cn;
	uint16_t u16;
	int r;

	if (ppp_cp_parse(info, &pkt) < 0) {
		wbuf_printf(w, "%s malformed (%zu bytes)", ops->name,
		    bcur_left(&info));
		return;
	}
	cn = pkt.code <= ops->max_code ? ppp_code_name(pkt.code) : NULL;
	if (cn != NULL)
		wbuf_printf(w, "%s %s id=%u", ops->name, cn, pkt.id);
	else
		wbuf_printf(w, "%s code=%u id=%u", ops->name, pkt.code, pkt.id);
	switch (pkt.code) {
	case PPP_CONF_REQ:
	case PPP_CONF_ACK:
	case PPP_CONF_NAK:
	case PPP_CONF_REJ:
		while ((r = ppp_opt_next(&pkt.data, &o)) == 1)
			dis_opt(w, ops, &o);
		if (r < 0)
			wbuf_printf(w, " <bad option>");
		break;
	case PPP_PROTO_REJ:
		if (ops == &ppp_lcp_ops &&
		    bcur_get_be16(&pkt.data, &u16) == 0)
			wbuf_printf(w, " proto=0x%04x", u16);
		break;
	default:
		if (bcur_left(&pkt.data) > 0)
			wbuf_printf(w, " +%zu", bcur_left(&pkt.data));
		break;
	}
}

/* EAP (RFC 3748 4) with the EAP-MSCHAPv2 opcode. */
static void
dis_eap(struct wbuf *w, struct bcur info)
{
	static const char *const codes[] = { "?", "Request", "Response",
	    "Success", "Failure" };
	uint8_t code, id, type, op;
	uint16_t len;
	const char *tn;
	struct bcur body;

	if (bcur_get_u8(&info, &code) < 0 || bcur_get_u8(&info, &id) < 0 ||
	    bcur_get_be16(&info, &len) < 0 || len < 4 ||
	    bcur_get_view(&info, len - 4, &body) < 0) {
		wbuf_printf(w, "EAP malformed");
		return;
	}
	wbuf_printf(w, "EAP %s id=%u", code < 5 ? codes[code] : "?", id);
	if ((code != 1 && code != 2) || bcur_get_u8(&body, &type) < 0)
		return;
	tn = dis_eap_type(type);
	if (tn != NULL)
		wbuf_printf(w, " %s", tn);
	else
		wbuf_printf(w, " type=%u", type);
	if (type == 26 && bcur_get_u8(&body, &op) == 0)
		wbuf_printf(w, " %s", dis_ms_opcode(op));
	else if (type == 3 && bcur_get_u8(&body, &op) == 0)
		wbuf_printf(w, " want=%u", op);
}

/* CHAP (RFC 1994 4) and PAP (RFC 1334 2.2): code and id only. */
static void
dis_auth(struct wbuf *w, const char *name, struct bcur info)
{
	static const char *const chap[] = { "?", "Challenge", "Response",
	    "Success", "Failure" };
	static const char *const pap[] = { "?", "Auth-Req", "Auth-Ack",
	    "Auth-Nak" };
	struct ppp_cp_pkt pkt;
	const char *cn;

	if (ppp_cp_parse(info, &pkt) < 0) {
		wbuf_printf(w, "%s malformed", name);
		return;
	}
	if (name[0] == 'C')
		cn = pkt.code < 5 ? chap[pkt.code] : "?";
	else
		cn = pkt.code < 4 ? pap[pkt.code] : "?";
	wbuf_printf(w, "%s %s id=%u", name, cn, pkt.id);
}

/* One-line description of a frame; see ppp_cp.h. */
int
ppp_dissect(const uint8_t *frame, size_t len, char *out, size_t outsz)
{
	const struct ppp_cp_ops *ops;
	struct ppp_frame f;
	struct wbuf w;
	const char *pn;
	uint16_t u16;

	if (outsz == 0)
		return -ENOSPC;
	out[0] = '\0';
	wbuf_init(&w, out, outsz);
	if (ppp_frame_parse(frame, len, &f) < 0) {
		wbuf_printf(&w, "PPP malformed (%zu bytes)", len);
		return wbuf_error(&w) != 0 ? -ENOSPC : (int)w.len;
	}
	ops = ppp_cp_ops_find(f.proto);
	pn = ppp_proto_name(f.proto);
	if (ops != NULL)
		dis_cp(&w, ops, f.info);
	else if (f.proto == PPP_PROTO_EAP)
		dis_eap(&w, f.info);
	else if (f.proto == PPP_PROTO_CHAP)
		dis_auth(&w, "CHAP", f.info);
	else if (f.proto == PPP_PROTO_PAP)
		dis_auth(&w, "PAP", f.info);
	else if (f.proto == PPP_PROTO_MPPE &&
	    bcur_get_be16(&f.info, &u16) == 0)
		wbuf_printf(&w, "MPPE ccount=%u%s%s%s%s +%zu", u16 & 0x0fff,
		    u16 & 0x8000 ? " A" : "", u16 & 0x4000 ? " B" : "",
		    u16 & 0x2000 ? " C" : "", u16 & 0x1000 ? " D" : "",
		    bcur_left(&f.info));
	else if (pn != NULL)
		wbuf_printf(&w, "%s %zu bytes", pn, bcur_left(&f.info));
	else
		wbuf_printf(&w, "proto 0x%04x %zu bytes", f.proto,
		    bcur_left(&f.info));
	if (wbuf_error(&w) != 0) {
		/* Keep what fitted: wbuf_printf stops before the last part. */
		out[outsz - 1] = '\0';
		return -ENOSPC;
	}
	return (int)w.len;
}
