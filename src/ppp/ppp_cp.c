/*
 * ppp_cp.c - PPP frames, Configure-* packets, options and descriptors
 * (see ppp_cp.h).  Layouts: RFC 1661 2, 5, 6; RFC 1662 3; RFC 1332 (IPCP);
 * RFC 5072 (IPV6CP); RFC 1962 (CCP); RFC 3078 2 (MPPE option).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/nelem.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"

/* RFC 1661 6, RFC 1570, RFC 1990, RFC 2153. */
static const struct ppp_opt_desc lcp_opts[] = {
	{ LCP_OPT_MRU,		4, 4,	"mru" },
	{ LCP_OPT_ACCM,		6, 6,	"accm" },
	{ LCP_OPT_AUTH,		4, 255,	"auth" },
	{ LCP_OPT_QUALITY,	4, 255,	"quality" },
	{ LCP_OPT_MAGIC,	6, 6,	"magic" },
	{ LCP_OPT_PFC,		2, 2,	"pfc" },
	{ LCP_OPT_ACFC,		2, 2,	"acfc" },
	{ LCP_OPT_CALLBACK,	3, 255,	"callback" },
	{ LCP_OPT_MRRU,		4, 4,	"mrru" },
	{ LCP_OPT_SSNHF,	2, 2,	"ssnhf" },
	{ LCP_OPT_EPDISC,	3, 255,	"epdisc" },
};

/* RFC 1332 3, RFC 1877 (DNS/NBNS), RFC 2290 (mobile IPv4). */
static const struct ppp_opt_desc ipcp_opts[] = {
	{ 1,	10, 10,	"addrs" },
	{ 2,	4, 255,	"ipcomp" },
	{ 3,	6, 6,	"addr" },
	{ 4,	6, 6,	"mobile-ipv4" },
	{ 129,	6, 6,	"dns1" },
	{ 130,	6, 6,	"nbns1" },
	{ 131,	6, 6,	"dns2" },
	{ 132,	6, 6,	"nbns2" },
};

/* RFC 5072 4. */
static const struct ppp_opt_desc ipv6cp_opts[] = {
	{ 1,	10, 10,	"ifid" },
	{ 2,	4, 255,	"ipv6comp" },
};

/* RFC 1962 and the option registry; 18 is MPPE (RFC 3078 2). */
static const struct ppp_opt_desc ccp_opts[] = {
	{ 17,	6, 6,	"stac" },
	{ CCP_OPT_MPPE,	6, 6,	"mppe" },
	{ 21,	5, 5,	"bsd" },
	{ 24,	3, 255,	"deflate-draft" },
	{ 26,	4, 4,	"deflate" },
};

const struct ppp_cp_ops ppp_lcp_ops = {
	.proto = PPP_PROTO_LCP, .name = "LCP", .max_code = PPP_DISCARD_REQ,
	.opts = lcp_opts, .nopts = NELEM(lcp_opts),
};
const struct ppp_cp_ops ppp_ipcp_ops = {
	.proto = PPP_PROTO_IPCP, .name = "IPCP", .max_code = PPP_CODE_REJ,
	.opts = ipcp_opts, .nopts = NELEM(ipcp_opts),
};
const struct ppp_cp_ops ppp_ipv6cp_ops = {
	.proto = PPP_PROTO_IPV6CP, .name = "IPV6CP", .max_code = PPP_CODE_REJ,
	.opts = ipv6cp_opts, .nopts = NELEM(ipv6cp_opts),
};
const struct ppp_cp_ops ppp_ccp_ops = {
	.proto = PPP_PROTO_CCP, .name = "CCP", .max_code = PPP_RESET_ACK,
	.opts = ccp_opts, .nopts = NELEM(ccp_opts),
};

static const struct ppp_cp_ops *const cp_all[] = {
	&ppp_lcp_ops, &ppp_ipcp_ops, &ppp_ipv6cp_ops, &ppp_ccp_ops,
};

/* The descriptor of a control protocol, or NULL. */
const struct ppp_cp_ops *
ppp_cp_ops_find(uint16_t proto)
{
	size_t i;

	for (i = 0; i < NELEM(cp_all); i++)
		if (cp_all[i]->proto == proto)
			return cp_all[i];
	return NULL;
}

/* The option descriptor of a type, or NULL. */
const struct ppp_opt_desc *
ppp_opt_desc_find(const struct ppp_cp_ops *ops, uint8_t type)
{
	size_t i;

	for (i = 0; i < ops->nopts; i++)
		if (ops->opts[i].type == type)
			return &ops->opts[i];
	return NULL;
}

/* Split a frame into protocol and Information (RFC 1661 2). */
int
ppp_frame_parse(const uint8_t *frame, size_t len, struct ppp_frame *f)
{
	struct bcur c;
	uint8_t b0, b1;

	if (frame == NULL || len == 0)
		return -EBADMSG;
	c = bcur_make(frame, len);
	/* RFC 1662 3.2: Address/Control may be compressed away (ACFC). */
	if (bcur_starts_with(&c, "\xff\x03", 2))
		(void)bcur_skip(&c, 2);
	if (bcur_get_u8(&c, &b0) < 0)
		return -EBADMSG;
	if (b0 & 1) {
		/* RFC 1661 6.6 (PFC): a one-octet protocol field. */
		f->proto = b0;
	} else {
		if (bcur_get_u8(&c, &b1) < 0 || (b1 & 1) == 0)
			return -EBADMSG;	/* RFC 1661 2: low bit set */
		f->proto = (uint16_t)(b0 << 8 | b1);
	}
	f->info = c;
	return 0;
}

/* Control packet header (RFC 1661 5). */
int
ppp_cp_parse(struct bcur info, struct ppp_cp_pkt *pkt)
{
	uint16_t len;

	if (bcur_get_u8(&info, &pkt->code) < 0 ||
	    bcur_get_u8(&info, &pkt->id) < 0 ||
	    bcur_get_be16(&info, &len) < 0 || len < PPP_CP_HDR_LEN)
		return -EBADMSG;
	/* Octets past Length are padding (RFC 1661 5). */
	return bcur_get_view(&info, len - PPP_CP_HDR_LEN, &pkt->data);
}

/* Next option, length >= 2 enforced (RFC 1661 6). */
int
ppp_opt_next(struct bcur *opts, struct ppp_opt *o)
{
	uint8_t type, len;
	struct bcur raw;

	if (bcur_left(opts) == 0)
		return 0;
	if (bcur_peek_u8(opts, 0, &type) < 0 ||
	    bcur_peek_u8(opts, 1, &len) < 0 ||
	    bcur_sub_tlv(opts, len, PPP_OPT_HDR_LEN, &raw) < 0)
		return -EBADMSG;
	o->type = type;
	o->raw = raw;
	o->val = raw;
	(void)bcur_skip(&o->val, PPP_OPT_HDR_LEN);
	return 1;
}

/* Check every option against the table. */
int
ppp_opts_check(const struct ppp_cp_ops *ops, struct bcur opts)
{
	const struct ppp_opt_desc *d;
	struct ppp_opt o;
	int r;

	while ((r = ppp_opt_next(&opts, &o)) == 1) {
		d = ops != NULL ? ppp_opt_desc_find(ops, o.type) : NULL;
		if (d != NULL && (bcur_left(&o.raw) < d->min_len ||
		    bcur_left(&o.raw) > d->max_len))
			return -EBADMSG;
	}
	return r;
}

/* Same option bytes? */
bool
ppp_opts_equal(struct bcur a, struct bcur b)
{
	return bcur_left(&a) == bcur_left(&b) &&
	    bcur_starts_with(&a, bcur_ptr(&b), bcur_left(&b));
}

/* FF 03 and the protocol. */
void
ppp_put_hdr(struct wbuf *w, uint16_t proto)
{
	wbuf_put_u8(w, 0xff);
	wbuf_put_u8(w, 0x03);
	wbuf_put_be16(w, proto);
}

/* Frame and control packet header, Length to be patched. */
size_t
ppp_cp_begin(struct wbuf *w, uint16_t proto, uint8_t code, uint8_t id)
{
	size_t start;

	ppp_put_hdr(w, proto);
	start = w->len;
	wbuf_put_u8(w, code);
	wbuf_put_u8(w, id);
	wbuf_put_be16(w, 0);
	return start;
}

/* Patch the Length. */
void
ppp_cp_end(struct wbuf *w, size_t start)
{
	if (wbuf_error(w) != 0)
		return;
	if (w->len < start + PPP_CP_HDR_LEN ||
	    w->len - start > PPP_MAX_INFO) {
		w->err = -EMSGSIZE;
		return;
	}
	wbuf_patch_be16(w, start + 2, (uint16_t)(w->len - start));
}

/* Append one option. */
void
ppp_put_opt(struct wbuf *w, uint8_t type, const void *val, size_t len)
{
	if (len > 255 - PPP_OPT_HDR_LEN) {
		if (w->err == 0)
			w->err = -EINVAL;
		return;
	}
	wbuf_put_u8(w, type);
	wbuf_put_u8(w, (uint8_t)(len + PPP_OPT_HDR_LEN));
	if (len > 0)
		wbuf_put_bytes(w, val, len);
}

/* Append a parsed option as it is. */
void
ppp_put_raw_opt(struct wbuf *w, const struct ppp_opt *o)
{
	wbuf_put_bytes(w, bcur_ptr(&o->raw), bcur_left(&o->raw));
}

/* A whole control frame in one call. */
int
ppp_cp_build(struct wbuf *w, uint16_t proto, uint8_t code, uint8_t id,
    const void *data, size_t len)
{
	size_t start;

	start = ppp_cp_begin(w, proto, code, id);
	if (len > 0)
		wbuf_put_bytes(w, data, len);
	ppp_cp_end(w, start);
	return wbuf_error(w);
}

/* Name of a protocol number. */
const char *
ppp_proto_name(uint16_t proto)
{
	switch (proto) {
	case PPP_PROTO_IP:	return "IP";
	case PPP_PROTO_IPV6:	return "IPv6";
	case PPP_PROTO_MPPE:	return "MPPE";
	case PPP_PROTO_LCP:	return "LCP";
	case PPP_PROTO_PAP:	return "PAP";
	case PPP_PROTO_CHAP:	return "CHAP";
	case PPP_PROTO_EAP:	return "EAP";
	case PPP_PROTO_IPCP:	return "IPCP";
	case PPP_PROTO_IPV6CP:	return "IPV6CP";
	case PPP_PROTO_CCP:	return "CCP";
	default:		return NULL;
	}
}

/* Name of a control code. */
const char *
ppp_code_name(uint8_t code)
{
	static const char *const names[] = {
		NULL, "ConfReq", "ConfAck", "ConfNak", "ConfRej", "TermReq",
		"TermAck", "CodeRej", "ProtRej", "EchoReq", "EchoRep",
		"DiscReq", "Ident", "TimeRem", "ResetReq", "ResetAck",
	};

	return code < NELEM(names) ? names[code] : NULL;
}
