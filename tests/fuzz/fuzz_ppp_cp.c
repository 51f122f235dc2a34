/*
 * fuzz_ppp_cp.c - the small PPP layer of --eap-auth (src/ppp/ppp_cp.h):
 * frames (RFC 1661 2, RFC 1662 3), control packets (RFC 1661 5), option
 * walking and the per-protocol length tables (RFC 1661 6, RFC 1332,
 * RFC 5072, RFC 1962, RFC 3078 2) and the one-line dissector.
 *
 * Input:	byte 0		selects the option table the Configure data
 *				is also checked against (modulo 5: LCP, IPCP,
 *				IPV6CP, CCP, none), besides the table of the
 *				frame's own protocol
 *		the rest	one raw PPP frame (FF 03 optional, PFC
 *				allowed)
 *
 * Invariants: ppp_frame_parse() leaves a protocol with the low bit set
 * and an Information field that is the frame's tail after at most 4
 * header octets, and rebuilding the frame with ppp_put_hdr() parses back
 * to the same protocol and Information; ppp_cp_parse() gives exactly
 * Length - 4 data octets inside the Information; ppp_opt_next() never
 * loops, gives options of Length >= 2 that tile the data exactly, and a
 * walk that ends in -EBADMSG stops at an option whose Length is < 2 or
 * runs past the end; ppp_opts_check() agrees with an independent walk
 * over each table; every option rebuilt with ppp_put_opt() and the whole
 * packet rebuilt with ppp_cp_begin()/ppp_put_raw_opt()/ppp_cp_end() give
 * the same bytes (ppp_opts_equal); ppp_dissect() always NUL-terminates,
 * prints no control characters, returns the string length or -ENOSPC,
 * its output cut by a smaller buffer is a prefix of the whole line, and
 * it writes nothing when the buffer size is 0.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "ppp/ppp_cp.h"

#define CP_NTABLES	5
#define CP_DIS_MAX	512
/* Rebuilding room: a Length field allows 65535 octets. */
#define CP_BUILD_MAX	(PPP_HDR_LEN + 65536)

static const struct ppp_cp_ops *const cp_tables[CP_NTABLES] = {
	&ppp_lcp_ops, &ppp_ipcp_ops, &ppp_ipv6cp_ops, &ppp_ccp_ops, NULL,
};

/* Does the view v lie inside [base, base + len)? */
static int
cp_inside(const struct bcur *v, const uint8_t *base, size_t len)
{
	if (bcur_left(v) == 0)
		return 1;
	return bcur_ptr(v) >= base && bcur_left(v) <= len &&
	    (size_t)(bcur_ptr(v) - base) <= len - bcur_left(v);
}

/*
 * The reference walk: 0 when every option has 2 <= Length <= what is
 * left and, if ops is given, a known option's Length is within its
 * table's bounds; -EBADMSG otherwise.  Works on offsets, not on
 * ppp_opt_next().
 */
static int
cp_ref_check(const struct ppp_cp_ops *ops, struct bcur opts)
{
	const struct ppp_opt_desc *d;
	size_t off = 0, i;
	uint8_t type, len;

	while (off < bcur_left(&opts)) {
		if (bcur_peek_u8(&opts, off, &type) != 0 ||
		    bcur_peek_u8(&opts, off + 1, &len) != 0 || len < 2 ||
		    len > bcur_left(&opts) - off)
			return -EBADMSG;
		if (ops != NULL) {
			d = NULL;
			for (i = 0; i < ops->nopts; i++)
				if (ops->opts[i].type == type)
					d = &ops->opts[i];
			FUZZ_CHECK(d == ppp_opt_desc_find(ops, type));
			if (d != NULL && (len < d->min_len || len > d->max_len))
				return -EBADMSG;
		}
		off += len;
	}
	return 0;
}

/* Walk the options of a Configure packet and rebuild them. */
static void
cp_walk(const struct ppp_cp_ops *own, const struct ppp_frame *f,
    const struct ppp_cp_pkt *pkt)
{
	uint8_t buf[CP_BUILD_MAX], one[260], t;
	struct bcur opts = pkt->data, rebuilt, hdr;
	struct ppp_opt o;
	struct wbuf w, w1;
	size_t start, used = 0, i;
	uint16_t len;
	int r, all_ok;

	wbuf_init(&w, buf, sizeof buf);
	start = ppp_cp_begin(&w, f->proto, pkt->code, pkt->id);
	FUZZ_CHECK(start == PPP_HDR_LEN);
	while ((r = ppp_opt_next(&opts, &o)) == 1) {
		FUZZ_CHECK(bcur_left(&o.raw) >= PPP_OPT_HDR_LEN);
		FUZZ_CHECK(bcur_left(&o.val) == bcur_left(&o.raw) - 2);
		FUZZ_CHECK(bcur_ptr(&o.raw) == bcur_ptr(&pkt->data) + used);
		FUZZ_CHECK(bcur_peek_u8(&o.raw, 0, &t) == 0 && t == o.type);
		used += bcur_left(&o.raw);
		FUZZ_CHECK(used <= bcur_left(&pkt->data));
		FUZZ_CHECK(bcur_left(&opts) == bcur_left(&pkt->data) - used);
		/* ppp_put_opt() gives the same option back. */
		wbuf_init(&w1, one, sizeof one);
		ppp_put_opt(&w1, o.type, bcur_ptr(&o.val), bcur_left(&o.val));
		FUZZ_CHECK(wbuf_error(&w1) == 0);
		FUZZ_CHECK(ppp_opts_equal(bcur_make(one, w1.len), o.raw));
		ppp_put_raw_opt(&w, &o);
	}
	if (r == 0) {
		FUZZ_CHECK(used == bcur_left(&pkt->data));
		ppp_cp_end(&w, start);
		if (PPP_CP_HDR_LEN + used > PPP_MAX_INFO) {
			/* Too long for SSTP: the builder refuses it. */
			FUZZ_CHECK(wbuf_error(&w) != 0);
			goto tables;
		}
		FUZZ_CHECK(wbuf_error(&w) == 0);
		FUZZ_CHECK(w.len == PPP_HDR_LEN + PPP_CP_HDR_LEN + used);
		rebuilt = bcur_make(buf + PPP_HDR_LEN + PPP_CP_HDR_LEN, used);
		FUZZ_CHECK(ppp_opts_equal(rebuilt, pkt->data));
		hdr = bcur_make(buf + PPP_HDR_LEN, PPP_CP_HDR_LEN);
		FUZZ_CHECK(bcur_peek_be16(&hdr, 2, &len) == 0);
		FUZZ_CHECK(len == PPP_CP_HDR_LEN + used);
	} else {
		FUZZ_CHECK(r == -EBADMSG);
		/* Stopped at an option that cannot be taken. */
		FUZZ_CHECK(cp_ref_check(NULL, opts) == -EBADMSG);
	}
tables:
	/* Each table, the frame's own one included, against the reference. */
	all_ok = r == 0;
	FUZZ_CHECK((cp_ref_check(NULL, pkt->data) == 0) == all_ok);
	for (i = 0; i < CP_NTABLES; i++)
		FUZZ_CHECK(ppp_opts_check(cp_tables[i], pkt->data) ==
		    cp_ref_check(cp_tables[i], pkt->data));
	if (own != NULL)
		FUZZ_CHECK(ppp_opts_check(own, pkt->data) ==
		    cp_ref_check(own, pkt->data));
}

/* The dissector with several buffer sizes. */
static void
cp_dissect(const uint8_t *frame, size_t len)
{
	static const size_t sizes[] = { 1, 2, 7, 24, 64 };
	char full[CP_DIS_MAX], part[CP_DIS_MAX];
	size_t i, flen;
	int r, rp;

	memset(full, 'x', sizeof full);
	r = ppp_dissect(frame, len, full, sizeof full);
	FUZZ_CHECK(fuzz_str_ok(full, sizeof full, 1));
	flen = strlen(full);
	FUZZ_CHECK(r == -ENOSPC || (r >= 0 && (size_t)r == flen));
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		memset(part, 'x', sizeof part);
		rp = ppp_dissect(frame, len, part, sizes[i]);
		FUZZ_CHECK(fuzz_str_ok(part, sizes[i], 1));
		/* Nothing written past the size given. */
		FUZZ_CHECK(part[sizes[i]] == 'x');
		FUZZ_CHECK(strncmp(part, full, strlen(part)) == 0);
		if (r >= 0 && flen < sizes[i])
			FUZZ_CHECK(rp == r);
		else
			FUZZ_CHECK(rp == -ENOSPC);
	}
	part[0] = 'x';
	FUZZ_CHECK(ppp_dissect(frame, len, part, 0) == -ENOSPC);
	FUZZ_CHECK(part[0] == 'x');
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), fr;
	uint8_t sel, *buf;
	const struct ppp_cp_ops *own, *extra;
	const uint8_t *frame;
	struct ppp_frame f, f2;
	struct ppp_cp_pkt pkt;
	size_t flen, hlen;
	struct wbuf w;

	sel = fuzz_u8(&in, 0);
	extra = cp_tables[sel % CP_NTABLES];
	fr = fuzz_take(&in, bcur_left(&in));
	frame = bcur_ptr(&fr);
	flen = bcur_left(&fr);
	cp_dissect(frame, flen);
	if (ppp_frame_parse(frame, flen, &f) != 0)
		return 0;
	FUZZ_CHECK((f.proto & 1) == 1);
	FUZZ_CHECK(bcur_left(&f.info) < flen);
	hlen = flen - bcur_left(&f.info);
	FUZZ_CHECK(hlen >= 1 && hlen <= PPP_HDR_LEN);
	FUZZ_CHECK(bcur_left(&f.info) == 0 ||
	    bcur_ptr(&f.info) == frame + hlen);
	/* Rebuilt with a full header, it parses to the same thing. */
	if ((buf = malloc(flen + PPP_HDR_LEN)) == NULL)
		return 0;
	wbuf_init(&w, buf, flen + PPP_HDR_LEN);
	ppp_put_hdr(&w, f.proto);
	wbuf_put_bytes(&w, bcur_ptr(&f.info), bcur_left(&f.info));
	FUZZ_CHECK(wbuf_error(&w) == 0);
	FUZZ_CHECK(ppp_frame_parse(buf, w.len, &f2) == 0);
	FUZZ_CHECK(f2.proto == f.proto);
	FUZZ_CHECK(ppp_opts_equal(f2.info, f.info));
	free(buf);

	if (ppp_cp_parse(f.info, &pkt) != 0)
		return 0;
	FUZZ_CHECK(cp_inside(&pkt.data, bcur_ptr(&f.info),
	    bcur_left(&f.info)));
	FUZZ_CHECK(bcur_left(&pkt.data) + PPP_CP_HDR_LEN <=
	    bcur_left(&f.info));
	own = ppp_cp_ops_find(f.proto);
	if (own != NULL) {
		FUZZ_CHECK(own->proto == f.proto);
		FUZZ_CHECK(ppp_proto_name(f.proto) != NULL);
	}
	(void)ppp_code_name(pkt.code);
	/* Every code's data is walked as options too (a hostile peer). */
	cp_walk(own != NULL ? own : extra, &f, &pkt);
	return 0;
}
