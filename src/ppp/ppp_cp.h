/*
 * ppp_cp.h - a small PPP layer: frames, the Configure-* packet family of
 * the control protocols (RFC 1661 5, RFC 1332, RFC 5072, RFC 1962), option
 * walking with minimum lengths, builders and a one-line dissector.
 *
 * Each control protocol is described by a const struct ppp_cp_ops (name,
 * highest code, option table): the ops-table shape of STYLE.md 8.18, so a
 * later built-in PPP mode can drive LCP/IPCP/IPV6CP/CCP from the same
 * descriptors.  Everything here is pure: bounded parsing through struct
 * bcur, building through struct wbuf, no I/O, no globals but const tables.
 */
#ifndef SSTPC_PPP_CP_H
#define SSTPC_PPP_CP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "ppp/proto.h"

#define PPP_HDR_LEN		4	/* FF 03 + 2-byte protocol */
#define PPP_CP_HDR_LEN		4	/* Code, Identifier, Length */
#define PPP_OPT_HDR_LEN		2	/* Type, Length */
#define PPP_MAX_INFO		4087	/* SSTP 4095 - 4 - FF 03 - protocol */
#define PPP_FRAME_MAX		(PPP_HDR_LEN + PPP_MAX_INFO)

/* LCP option types (RFC 1661 6, RFC 1570, RFC 1990). */
#define LCP_OPT_MRU		1
#define LCP_OPT_ACCM		2
#define LCP_OPT_AUTH		3
#define LCP_OPT_QUALITY		4
#define LCP_OPT_MAGIC		5
#define LCP_OPT_PFC		7
#define LCP_OPT_ACFC		8
#define LCP_OPT_CALLBACK	13
#define LCP_OPT_MRRU		17
#define LCP_OPT_SSNHF		18
#define LCP_OPT_EPDISC		19
/* CCP option used by MPPE (RFC 3078 2). */
#define CCP_OPT_MPPE		18

/* One parsed frame: protocol and a view of the Information field. */
struct ppp_frame {
	uint16_t	proto;
	struct bcur	info;
};

/* One control packet: code, identifier, and its data (Length - 4 bytes). */
struct ppp_cp_pkt {
	uint8_t		code;
	uint8_t		id;
	struct bcur	data;
};

/* One option: type, value (length - 2 bytes) and the whole option. */
struct ppp_opt {
	uint8_t		type;
	struct bcur	val;
	struct bcur	raw;
};

/* Length rule and name of one option type of a control protocol. */
struct ppp_opt_desc {
	uint8_t		 type;
	uint8_t		 min_len;	/* whole option, header included */
	uint8_t		 max_len;
	const char	*name;
};

/* Descriptor of one control protocol (STYLE.md 8.18). */
struct ppp_cp_ops {
	uint16_t			 proto;
	const char			*name;
	uint8_t				 max_code;	/* highest code used */
	const struct ppp_opt_desc	*opts;
	size_t				 nopts;
};

extern const struct ppp_cp_ops ppp_lcp_ops;
extern const struct ppp_cp_ops ppp_ipcp_ops;
extern const struct ppp_cp_ops ppp_ipv6cp_ops;
extern const struct ppp_cp_ops ppp_ccp_ops;

/* The descriptor for a control protocol number, or NULL. */
const struct ppp_cp_ops *ppp_cp_ops_find(uint16_t proto);
/* The option descriptor of type in ops, or NULL if unknown. */
const struct ppp_opt_desc *ppp_opt_desc_find(const struct ppp_cp_ops *,
	    uint8_t type);

/*
 * ppp_frame_parse - split a raw PPP frame (RFC 1661 2, RFC 1662 3) into
 * protocol and Information.  FF 03 may be absent (ACFC) and the protocol
 * may be one byte (PFC, RFC 1661 6.5).  Returns 0 or -EBADMSG.
 */
int	ppp_frame_parse(const uint8_t *frame, size_t len, struct ppp_frame *);

/*
 * ppp_cp_parse - read the Code/Identifier/Length header of a control
 * packet (RFC 1661 5).  Length < 4 or beyond the Information field is
 * -EBADMSG; octets after Length are padding and are ignored (RFC 1661 5).
 */
int	ppp_cp_parse(struct bcur info, struct ppp_cp_pkt *);

/*
 * ppp_opt_next - take the next option off @opts (RFC 1661 6).
 * Returns 1 with @o filled, 0 at the end, -EBADMSG when an option's Length
 * is below 2 or runs past the end (so a zero length cannot loop).
 */
int	ppp_opt_next(struct bcur *opts, struct ppp_opt *o);

/*
 * ppp_opts_check - walk all options of a Configure-* packet and check
 * every known option's length against @ops' table.  Unknown options only
 * need Length >= 2.  Returns 0 or -EBADMSG.
 */
int	ppp_opts_check(const struct ppp_cp_ops *, struct bcur opts);

/* True if the two option lists hold the same bytes. */
bool	ppp_opts_equal(struct bcur a, struct bcur b);

/* Append FF 03 and the 2-byte protocol. */
void	ppp_put_hdr(struct wbuf *, uint16_t proto);
/*
 * ppp_cp_begin - append a whole frame header and a control packet header
 * with a placeholder Length; returns the offset to give ppp_cp_end().
 */
size_t	ppp_cp_begin(struct wbuf *, uint16_t proto, uint8_t code, uint8_t id);
/* Patch the control packet's Length now that its data is written. */
void	ppp_cp_end(struct wbuf *, size_t start);
/* Append one option; a value over 253 bytes sets the sticky error. */
void	ppp_put_opt(struct wbuf *, uint8_t type, const void *val, size_t len);
/* Append an option copied whole from a parsed packet. */
void	ppp_put_raw_opt(struct wbuf *, const struct ppp_opt *);
/*
 * ppp_cp_build - one-shot builder of a control frame whose data is
 * @data (may be NULL when @len is 0).  Returns 0 or the wbuf error.
 */
int	ppp_cp_build(struct wbuf *, uint16_t proto, uint8_t code, uint8_t id,
	    const void *data, size_t len);

/* Name of a PPP protocol number ("LCP", "IPCP", ...) or NULL. */
const char *ppp_proto_name(uint16_t proto);
/* Name of a control packet code ("ConfReq", ...) or NULL. */
const char *ppp_code_name(uint8_t code);

/*
 * ppp_dissect - one-line description of a raw PPP frame for the level-4
 * trace, e.g. "LCP ConfReq id=1 <mru 1500> <auth eap> <magic 0x11223344>",
 * "EAP Request id=2 MSCHAPv2 Challenge", "MPPE ccount=5 AD".  It never
 * prints authentication values, keys or payload bytes.  Always
 * NUL-terminates @out when @outsz > 0; returns the length, or -ENOSPC if
 * the text was cut.
 */
int	ppp_dissect(const uint8_t *frame, size_t len, char *out, size_t outsz);

#endif /* SSTPC_PPP_CP_H */
