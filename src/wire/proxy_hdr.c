/*
 * proxy_hdr.c - the PROXY protocol header, versions 1 and 2, as haproxy's
 * doc/proxy-protocol.txt (2020/03/05) specifies it (proxy_hdr.h).  Section
 * numbers below are that document's.
 *
 * Pure and bounded: the octets are read through struct bcur; a version 1
 * line is looked at up to PROXY_V1_MAX octets, a version 2 header up to
 * 16 + its length.  The result depends on the octets alone, so a header
 * split anywhere gives 0 until it is complete, then the same answer.
 *
 * Decisions (the spec leaves them to the receiver):
 *  - v1: strict syntax (2.1): single spaces, canonical IPv4 (no leading
 *    zeroes), IPv6 as inet_pton reads it, ports without leading zeroes;
 *    CRLF only.  UNKNOWN ignores the rest of its line (2.1) and is local.
 *  - v2: version 2 only, command LOCAL or PROXY (2.2).  LOCAL ignores the
 *    family and the address block.  PROXY with TCP over IPv4 or IPv6 gives
 *    the addresses (the length must hold them); the other valid
 *    combinations (UNSPEC, UDP, AF_UNIX) fall back to the socket's own
 *    addresses, as 2.2 allows ("falls back to the UNSPEC mode"): SSTP runs
 *    over TCP only, so they can only be a proxy's health check or a
 *    front end we cannot name.  Unassigned family or protocol nibbles
 *    are refused (2.2: "must be rejected as invalid").
 *  - v2 TLVs after the addresses (2.2.x) are walked to check that each
 *    fits the header, then skipped; PP2_TYPE_CRC32C is not verified
 *    (optional for a receiver, 2.2.3).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/ctype.h"
#include "wire/proxy_hdr.h"

/* 2.2: the 12-octet signature of version 2. */
static const uint8_t v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};
#define V2_HDR		16
#define V2_LEN_INET	12	/* 2 * 4 + 2 * 2 */
#define V2_LEN_INET6	36	/* 2 * 16 + 2 * 2 */
#define V2_TLV_HDR	3	/* type, length (16 bits) */

static int	ph_fail(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Write the cause and return -EBADMSG. */
static int
ph_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

/* Does the view hold exactly the NUL-free string s? */
static bool
ph_view_is(const struct bcur *v, const char *s)
{
	size_t n = strlen(s);

	return bcur_left(v) == n && bcur_starts_with(v, s, n);
}

/* Next space-separated field of a v1 line (2.1: exactly one space). */
static bool
ph_v1_field(struct bcur *line, struct bcur *field, bool last)
{
	long sp = bcur_find(line, ' ');

	if (last) {
		if (sp >= 0 || bcur_left(line) == 0)
			return false;
		*field = *line;
		(void)bcur_skip(line, bcur_left(line));
		return true;
	}
	if (sp <= 0)
		return false;
	(void)bcur_get_view(line, (size_t)sp, field);
	(void)bcur_skip(line, 1);
	return true;
}

/* A v1 port: "0" or 1-65535 without leading zeroes (2.1). */
static bool
ph_v1_port(struct bcur v, uint16_t *port)
{
	uint32_t val = 0;
	uint8_t b;
	size_t n = bcur_left(&v);

	if (n == 0 || n > 5)
		return false;
	if (bcur_peek_u8(&v, 0, &b) != 0 || (b == '0' && n > 1))
		return false;
	while (bcur_get_u8(&v, &b) == 0) {
		if (!is_digit(b))
			return false;
		val = val * 10 + (uint32_t)(b - '0');
	}
	if (val > 65535)
		return false;
	*port = (uint16_t)val;
	return true;
}

/* Four decimal numbers 0-255 without leading zeroes, single dots (2.1). */
static bool
ph_v1_ipv4_canonical(struct bcur v)
{
	unsigned parts = 0, digits = 0, val = 0;
	uint8_t b, first = 0;

	while (bcur_get_u8(&v, &b) == 0) {
		if (b == '.') {
			if (digits == 0 || parts == 3)
				return false;
			parts++;
			digits = 0;
			val = 0;
			continue;
		}
		if (!is_digit(b) || digits == 3)
			return false;
		if (digits == 0)
			first = b;
		else if (first == '0')
			return false;
		val = val * 10 + (unsigned)(b - '0');
		if (val > 255)
			return false;
		digits++;
	}
	return parts == 3 && digits > 0;
}

/* A v1 address of family af into *ss (its port is set later). */
static bool
ph_v1_addr(struct bcur v, int af, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char text[INET6_ADDRSTRLEN];
	size_t i, n = bcur_left(&v);
	uint8_t b;

	if (n == 0 || n >= sizeof text)
		return false;
	for (i = 0; bcur_peek_u8(&v, i, &b) == 0; i++)
		if (!is_digit(b) && b != '.' &&
		    (af == AF_INET || (b != ':' && hex_val(b) < 0)))
			return false;
	if (af == AF_INET && !ph_v1_ipv4_canonical(v))
		return false;
	(void)bcur_get_bytes(&v, text, n);
	text[n] = '\0';
	memset(ss, 0, sizeof *ss);
	if (af == AF_INET) {
		sin->sin_family = AF_INET;
		*sslen = sizeof *sin;
		return inet_pton(AF_INET, text, &sin->sin_addr) == 1;
	}
	sin6->sin6_family = AF_INET6;
	*sslen = sizeof *sin6;
	return inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1;
}

/* Parse a complete v1 line (CRLF excluded). */
static int
ph_v1_line(struct bcur line, struct proxy_hdr *h, char *err, size_t errlen)
{
	struct bcur proto, f[4];
	uint16_t sport, dport;
	int af;
	size_t i;

	(void)bcur_skip(&line, 6);		/* "PROXY " */
	if (!ph_v1_field(&line, &proto, false)) {
		/* "PROXY UNKNOWN" CRLF: the short form. */
		if (ph_view_is(&line, "UNKNOWN")) {
			h->local = true;
			return 1;
		}
		return ph_fail(err, errlen, "PROXY v1: malformed line");
	}
	if (ph_view_is(&proto, "UNKNOWN")) {
		h->local = true;	/* 2.1: the rest is ignored */
		return 1;
	}
	if (ph_view_is(&proto, "TCP4"))
		af = AF_INET;
	else if (ph_view_is(&proto, "TCP6"))
		af = AF_INET6;
	else
		return ph_fail(err, errlen,
		    "PROXY v1: protocol is not TCP4, TCP6 or UNKNOWN");
	for (i = 0; i < 4; i++)
		if (!ph_v1_field(&line, &f[i], i == 3))
			return ph_fail(err, errlen,
			    "PROXY v1: malformed line");
	if (!ph_v1_addr(f[0], af, &h->src, &h->srclen) ||
	    !ph_v1_addr(f[1], af, &h->dst, &h->dstlen))
		return ph_fail(err, errlen, "PROXY v1: bad %s address",
		    af == AF_INET ? "IPv4" : "IPv6");
	if (!ph_v1_port(f[2], &sport) || !ph_v1_port(f[3], &dport))
		return ph_fail(err, errlen, "PROXY v1: bad port");
	if (af == AF_INET) {
		((struct sockaddr_in *)&h->src)->sin_port = htons(sport);
		((struct sockaddr_in *)&h->dst)->sin_port = htons(dport);
	} else {
		((struct sockaddr_in6 *)&h->src)->sin6_port = htons(sport);
		((struct sockaddr_in6 *)&h->dst)->sin6_port = htons(dport);
	}
	return 1;
}

/* Version 1 (2.1): a text line of at most PROXY_V1_MAX octets. */
static int
ph_v1(struct bcur in, struct proxy_hdr *h, char *err, size_t errlen)
{
	struct bcur line;
	size_t n = bcur_left(&in);
	long cr, lf;

	if (n > PROXY_V1_MAX)
		(void)bcur_get_view(&in, PROXY_V1_MAX, &in);
	n = bcur_left(&in);
	cr = bcur_find(&in, '\r');
	lf = bcur_find(&in, '\n');
	/* 2.1: "must not tolerate a single CR or LF". */
	if (lf >= 0 && (cr < 0 || lf < cr))
		return ph_fail(err, errlen, "PROXY v1: LF without CR");
	if (cr >= 0 && (size_t)cr + 1 < n && lf != cr + 1)
		return ph_fail(err, errlen, "PROXY v1: CR without LF");
	if (lf < 0) {
		if (n >= PROXY_V1_MAX)
			return ph_fail(err, errlen,
			    "PROXY v1: no CRLF in %d octets", PROXY_V1_MAX);
		return 0;
	}
	(void)bcur_get_view(&in, (size_t)cr, &line);
	h->version = 1;
	h->len = (size_t)lf + 1;
	return ph_v1_line(line, h, err, errlen);
}

/* The v2 TLVs (2.2): each must fit in what the length left. */
static int
ph_v2_tlvs(struct bcur tlvs, char *err, size_t errlen)
{
	struct bcur tlv;
	uint16_t vlen;

	while (bcur_left(&tlvs) > 0) {
		if (bcur_peek_be16(&tlvs, 1, &vlen) != 0 ||
		    bcur_sub_tlv(&tlvs, (size_t)vlen + V2_TLV_HDR,
		    V2_TLV_HDR, &tlv) != 0)
			return ph_fail(err, errlen,
			    "PROXY v2: TLV runs past the header");
	}
	return 0;
}

/* Version 2 (2.2): 16 octets, then the length's worth of addresses. */
static int
ph_v2(struct bcur in, struct proxy_hdr *h, char *err, size_t errlen)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&h->src;
	struct sockaddr_in *d4 = (struct sockaddr_in *)&h->dst;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&h->src;
	struct sockaddr_in6 *d6 = (struct sockaddr_in6 *)&h->dst;
	struct bcur body;
	uint8_t vc = 0, fam = 0;
	uint16_t len, sport, dport;
	int rc;

	/* Refuse a bad version, command or family as soon as it is seen. */
	if (bcur_peek_u8(&in, 12, &vc) == 0) {
		if ((vc >> 4) != 2)
			return ph_fail(err, errlen,
			    "PROXY v2: version %u is not 2", vc >> 4);
		if ((vc & 0x0f) > 1)
			return ph_fail(err, errlen,
			    "PROXY v2: command %u is not LOCAL or PROXY",
			    vc & 0x0f);
	}
	if ((vc & 0x0f) == 1 && bcur_peek_u8(&in, 13, &fam) == 0 &&
	    ((fam >> 4) > 3 || (fam & 0x0f) > 2))
		return ph_fail(err, errlen,
		    "PROXY v2: unassigned family/protocol 0x%02x", fam);
	if (bcur_peek_be16(&in, 14, &len) != 0 ||
	    bcur_left(&in) < V2_HDR + (size_t)len)
		return 0;
	(void)bcur_skip(&in, V2_HDR);
	(void)bcur_get_view(&in, len, &body);
	h->version = 2;
	h->len = V2_HDR + (size_t)len;
	if ((vc & 0x0f) == 0) {
		h->local = true;	/* LOCAL: all of the block ignored */
		return 1;
	}
	switch (fam) {
	case 0x11:	/* TCP over IPv4 */
		if (len < V2_LEN_INET)
			return ph_fail(err, errlen, "PROXY v2: %u octets "
			    "cannot hold TCP over IPv4 addresses", len);
		s4->sin_family = d4->sin_family = AF_INET;
		(void)bcur_get_bytes(&body, &s4->sin_addr, 4);
		(void)bcur_get_bytes(&body, &d4->sin_addr, 4);
		(void)bcur_get_be16(&body, &sport);
		(void)bcur_get_be16(&body, &dport);
		s4->sin_port = htons(sport);
		d4->sin_port = htons(dport);
		h->srclen = h->dstlen = sizeof *s4;
		break;
	case 0x21:	/* TCP over IPv6 */
		if (len < V2_LEN_INET6)
			return ph_fail(err, errlen, "PROXY v2: %u octets "
			    "cannot hold TCP over IPv6 addresses", len);
		s6->sin6_family = d6->sin6_family = AF_INET6;
		(void)bcur_get_bytes(&body, &s6->sin6_addr, 16);
		(void)bcur_get_bytes(&body, &d6->sin6_addr, 16);
		(void)bcur_get_be16(&body, &sport);
		(void)bcur_get_be16(&body, &dport);
		s6->sin6_port = htons(sport);
		d6->sin6_port = htons(dport);
		h->srclen = h->dstlen = sizeof *s6;
		break;
	default:
		/* UNSPEC, UDP, AF_UNIX: the socket's own (see the top). */
		h->local = true;
		return 1;
	}
	if ((rc = ph_v2_tlvs(body, err, errlen)) != 0)
		return rc;
	return 1;
}

/* Parse a PROXY header (see proxy_hdr.h). */
int
proxy_hdr_parse(const uint8_t *buf, size_t len, struct proxy_hdr *h,
    char *err, size_t errlen)
{
	struct bcur in = bcur_make(buf, len);
	int rc;

	memset(h, 0, sizeof *h);
	if (errlen > 0)
		err[0] = '\0';
	/* 2.2: tell the versions apart by their first octets. */
	if (bcur_starts_with(&in, "PROXY ", len < 6 ? len : 6))
		rc = len < 6 ? 0 : ph_v1(in, h, err, errlen);
	else if (bcur_starts_with(&in, v2_sig,
	    len < sizeof v2_sig ? len : sizeof v2_sig))
		rc = len < sizeof v2_sig ? 0 : ph_v2(in, h, err, errlen);
	else
		rc = ph_fail(err, errlen, "PROXY: no v1 or v2 signature");
	if (rc != 1)
		memset(h, 0, sizeof *h);
	return rc;
}
