/*
 * fuzz_eap_proxy.c - the --eap-auth PPP layer as a whole (src/eap_proxy.h:
 * LCP mediation, EAP-MSCHAPv2 / MS-CHAPv2 peer, CCP and MPPE; RFC 1661,
 * RFC 2759, RFC 3748, RFC 3078, RFC 3079; PROTOCOL.md 4.1, 6, 7.2) in a
 * conversation with a fake clock and fake ops, user and password fixed.
 *
 * Input: records "u8 selector, u16 big-endian length, bytes" (a short last
 * record takes what is left).  Selector modulo PX_SEL_COUNT:
 *	PPPD		the bytes are a frame from pppd
 *	SERVER		the bytes are a frame from the server
 *	CLOCK		the clock moves by the u32 in the bytes (ms)
 *	SERVER_AUTH	a frame from the server in which every "S=" and the
 *			40 octets after it are replaced by the authenticator
 *			response (RFC 2759 8.7) a server knowing the password
 *			would send for the last Challenge and the Response
 *			sstpc answered it with (sstpc's Peer-Challenge is
 *			random, so an input cannot carry it)
 *			and in a Configure-Ack, -Nak or -Reject of LCP or
 *			CCP the identifier becomes that of the last
 *			Configure-Request sent to the server (sstpc's own
 *			identifiers are random too)
 *	TO_DEADLINE	the clock jumps to the proxy's deadline + first byte
 *	SERVER_MPPE	the first two bytes are a protocol, the rest its
 *			Information: MPPE-encrypted (RFC 3078) by a server
 *			side that has the keys of sstpc's last NT-Response
 *			and the MPPE option of sstpc's last CCP request, and
 *			sent as an 0x00FD frame from the server
 * After every record, eap_proxy_timer() runs while the deadline has passed,
 * as the pppd link's timer would.
 *
 * Invariants: every frame sent either way parses with ppp_frame_parse();
 * pppd never gets EAP, CHAP, PAP, CCP or MPPE frames, nor an LCP
 * Configure-Request with an Authentication-Protocol option, and what an
 * MPPE packet carried is a data protocol (0x0000-0x3FFF but 0x00FB and
 * 0x00FD, RFC 1962 1); before auth_done only LCP, EAP, CHAP and LQR go to
 * the server (RFC 1661 3.5); once an MPPE packet went to the server, no
 * plain data packet follows, and each has D set, C clear and pppd's
 * frame's size + 4; sstpc's EAP/CHAP packets are Responses, an
 * MS-CHAPv2 one with a 49-octet value and the user name; auth_done runs
 * at most once, with the HLAK MasterSendKey | MasterReceiveKey of the
 * NT-Response sstpc last sent (PROTOCOL.md 4.1), or zero when the server
 * asked for no authentication; fail runs at most once, with a known
 * failure class and a printable one-line reason; after fail, nothing but LCP is
 * sent and no callback runs; the deadline after the timers is none or in
 * the future, none after fail; eap_proxy_free() sends nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "ppp/eap_proxy.h"
#include "fuzz.h"
#include "crypto/ms_funcs.h"
#include "crypto/sstp_bind.h"
#include "ppp/eap_peer.h"
#include "ppp/mppe.h"
#include "ppp/ppp_cp.h"

enum px_sel {
	PX_PPPD = 0,
	PX_SERVER,
	PX_CLOCK,
	PX_SERVER_AUTH,
	PX_TO_DEADLINE,
	PX_SERVER_MPPE,
	PX_SEL_COUNT
};

#define PX_USER		"CORP\\fuzz"
#define PX_PASSWORD	"p\xc3\xa4ss w\xc3\xb6rd"
#define PX_T0		100000ULL	/* fake clock origin, ms */
#define PX_MS_VALUE	49		/* MS-CHAPv2 Response value */

struct px {
	struct eap_proxy *p;
	uint64_t	 now;
	unsigned	 n_auth_done;
	unsigned	 n_fail;
	bool		 freeing;
	bool		 mppe_seen;	/* an MPPE packet went to the server */
	bool		 noauth_seen;	/* a server LCP request without auth */
	/* The challenge in the server frame being handled, if any. */
	bool		 pend_ch;
	uint8_t		 pend_auth_ch[MS_CHALLENGE_LEN];
	/* The last Challenge/Response pair. */
	bool		 have_resp;
	uint8_t		 auth_ch[MS_CHALLENGE_LEN];
	uint8_t		 peer_ch[MS_CHALLENGE_LEN];
	uint8_t		 nt[MS_NT_RESPONSE_LEN];
	/* The pppd data frame being handled: the frame, its Information. */
	bool		 pppd_data;
	const uint8_t	*pppd_f;
	size_t		 pppd_len;
	size_t		 pppd_info;
	bool		 srv_mppe;	/* an MPPE server frame is handled */
	/* Identifiers of the last Configure-Requests to the server. */
	uint8_t		 lcp_req_id;
	uint8_t		 ccp_req_id;
	uint32_t	 ccp_req_bits;	/* MPPE option of sstpc's request */
	/* The server's MPPE sender (sstpc's receiver's twin). */
	bool		 mirror_ok;
	struct mppe_ctx	 mirror;
};

/*
 * An MS-CHAPv2 Challenge value (RFC 2759 3; EAP: draft-kamath 2) in a
 * server frame: 1 if found, the 16 octets in ch.
 */
static int
px_find_challenge(struct ppp_frame *f, uint8_t ch[MS_CHALLENGE_LEN])
{
	struct ppp_cp_pkt pkt;
	uint8_t type, op, vsize;
	struct bcur d;

	if (ppp_cp_parse(f->info, &pkt) != 0 || pkt.code != 1)
		return 0;
	d = pkt.data;
	if (f->proto == PPP_PROTO_EAP) {
		if (bcur_get_u8(&d, &type) != 0 || type != EAP_TYPE_MSCHAPV2 ||
		    bcur_get_u8(&d, &op) != 0 || op != MSCHAPV2_OP_CHALLENGE ||
		    bcur_skip(&d, 3) != 0)
			return 0;
	} else if (f->proto != PPP_PROTO_CHAP)
		return 0;
	if (bcur_get_u8(&d, &vsize) != 0 || vsize != MS_CHALLENGE_LEN ||
	    bcur_get_bytes(&d, ch, MS_CHALLENGE_LEN) != 0)
		return 0;
	return 1;
}

/* An MS-CHAPv2 Response sstpc sent: remember Peer-Challenge, NT-Response. */
static void
px_note_response(struct px *x, const struct ppp_frame *f)
{
	struct ppp_cp_pkt pkt;
	uint8_t type, op, vsize, peer_ch[MS_CHALLENGE_LEN];
	uint8_t nt[MS_NT_RESPONSE_LEN];
	struct bcur d;

	if (ppp_cp_parse(f->info, &pkt) != 0 || pkt.code != 2)
		return;
	d = pkt.data;
	if (f->proto == PPP_PROTO_EAP) {
		if (bcur_get_u8(&d, &type) != 0 || type != EAP_TYPE_MSCHAPV2 ||
		    bcur_get_u8(&d, &op) != 0 || op != MSCHAPV2_OP_RESPONSE ||
		    bcur_skip(&d, 3) != 0)
			return;
	}
	FUZZ_CHECK(bcur_get_u8(&d, &vsize) == 0 && vsize == PX_MS_VALUE);
	FUZZ_CHECK(bcur_get_bytes(&d, peer_ch, sizeof peer_ch) == 0);
	FUZZ_CHECK(bcur_skip(&d, 8) == 0);
	FUZZ_CHECK(bcur_get_bytes(&d, nt, sizeof nt) == 0);
	FUZZ_CHECK(bcur_skip(&d, 1) == 0);
	/* The Name is the user name as given (RFC 2759 4). */
	FUZZ_CHECK(bcur_left(&d) == strlen(PX_USER));
	FUZZ_CHECK(bcur_starts_with(&d, PX_USER, strlen(PX_USER)));
	/* A new Response answers the challenge of the frame handled. */
	if (x->pend_ch && (!x->have_resp ||
	    memcmp(nt, x->nt, sizeof nt) != 0)) {
		memcpy(x->auth_ch, x->pend_auth_ch, sizeof x->auth_ch);
		memcpy(x->peer_ch, peer_ch, sizeof x->peer_ch);
		memcpy(x->nt, nt, sizeof x->nt);
		x->have_resp = true;
	}
}

static void
px_to_server_cb(void *arg, const uint8_t *frame, size_t len)
{
	struct px *x = arg;
	struct ppp_frame f;
	struct ppp_cp_pkt pkt;
	struct ppp_opt o;
	struct bcur v;
	uint16_t hdr;

	FUZZ_CHECK(!x->freeing);
	FUZZ_CHECK(frame != NULL);
	FUZZ_CHECK(ppp_frame_parse(frame, len, &f) == 0);
	if (x->n_fail > 0)
		FUZZ_CHECK(f.proto == PPP_PROTO_LCP);
	if (x->n_auth_done == 0) {
		/* RFC 1661 3.5: LCP, authentication and LQR only. */
		FUZZ_CHECK(f.proto == PPP_PROTO_LCP ||
		    f.proto == PPP_PROTO_EAP || f.proto == PPP_PROTO_CHAP ||
		    f.proto == PPP_PROTO_LQR);
	}
	if ((f.proto == PPP_PROTO_LCP || f.proto == PPP_PROTO_CCP) &&
	    ppp_cp_parse(f.info, &pkt) == 0 && pkt.code == PPP_CONF_REQ) {
		if (f.proto == PPP_PROTO_LCP)
			x->lcp_req_id = pkt.id;
		else {
			x->ccp_req_id = pkt.id;
			x->ccp_req_bits = 0;
			if (ppp_opt_next(&pkt.data, &o) == 1 &&
			    o.type == CCP_OPT_MPPE) {
				v = o.val;
				(void)bcur_get_be32(&v, &x->ccp_req_bits);
			}
		}
	}
	if (f.proto == PPP_PROTO_EAP || f.proto == PPP_PROTO_CHAP) {
		/* sstpc answers; it never authenticates the server itself. */
		FUZZ_CHECK(ppp_cp_parse(f.info, &pkt) == 0);
		FUZZ_CHECK(pkt.code == 2);
		px_note_response(x, &f);
	}
	if (f.proto == PPP_PROTO_MPPE && !(x->pppd_data &&
	    len == x->pppd_len && memcmp(frame, x->pppd_f, len) == 0)) {
		/* sstpc encrypted it (RFC 3078 3): D, no C, size + 4. */
		FUZZ_CHECK(bcur_peek_be16(&f.info, 0, &hdr) == 0);
		FUZZ_CHECK((hdr & (MPPE_BIT_D << 8)) != 0);
		FUZZ_CHECK((hdr & (MPPE_BIT_C << 8)) == 0);
		FUZZ_CHECK(x->pppd_data);
		FUZZ_CHECK(bcur_left(&f.info) == x->pppd_info + MPPE_OVERHEAD);
		x->mppe_seen = true;
	} else if (f.proto < 0x4000) {
		/* Never plain data once MPPE carried some. */
		FUZZ_CHECK(!x->mppe_seen);
	}
}

static void
px_to_pppd_cb(void *arg, const uint8_t *frame, size_t len)
{
	struct px *x = arg;
	struct ppp_frame f;
	struct ppp_cp_pkt pkt;
	struct ppp_opt o;
	int r;

	FUZZ_CHECK(!x->freeing);
	FUZZ_CHECK(frame != NULL);
	FUZZ_CHECK(ppp_frame_parse(frame, len, &f) == 0);
	if (x->n_fail > 0)
		FUZZ_CHECK(f.proto == PPP_PROTO_LCP);
	/* pppd sees neither authentication nor encryption. */
	FUZZ_CHECK(f.proto != PPP_PROTO_EAP && f.proto != PPP_PROTO_CHAP &&
	    f.proto != PPP_PROTO_PAP && f.proto != PPP_PROTO_CCP &&
	    f.proto != PPP_PROTO_MPPE);
	if (f.proto == PPP_PROTO_LCP && ppp_cp_parse(f.info, &pkt) == 0 &&
	    pkt.code == PPP_CONF_REQ) {
		while ((r = ppp_opt_next(&pkt.data, &o)) == 1)
			FUZZ_CHECK(o.type != LCP_OPT_AUTH);
	}
	if (x->srv_mppe) {
		/* RFC 1962 1: only data protocols travel compressed. */
		FUZZ_CHECK(f.proto < 0x4000 && f.proto != PPP_PROTO_MPPE &&
		    f.proto != 0x00fb);
	}
}

static void
px_auth_done_cb(void *arg, const struct ppp_auth_keys *keys)
{
	struct px *x = arg;
	uint8_t send[16], recv[16], want[SSTP_HLAK_LEN], zero[SSTP_HLAK_LEN];
	uint8_t hlak[SSTP_HLAK_LEN];
	bool ok = false;

	FUZZ_CHECK(!x->freeing);
	FUZZ_CHECK(keys != NULL);
	/* The HLAK the session derives from the reported keys. */
	FUZZ_CHECK(sstp_bind_hlak(keys->send, keys->send_len, keys->recv,
	    keys->recv_len, hlak) == 0);
	FUZZ_CHECK(x->n_fail == 0);
	FUZZ_CHECK(x->n_auth_done == 0);
	x->n_auth_done++;
	memset(zero, 0, sizeof zero);
	if (x->have_resp) {
		FUZZ_CHECK(ms_chapv2_client_keys(PX_PASSWORD, x->nt, send,
		    recv) == 0);
		FUZZ_CHECK(sstp_bind_hlak(send, sizeof send, recv,
		    sizeof recv, want) == 0);
		ok = memcmp(hlak, want, sizeof want) == 0;
		explicit_bzero(send, sizeof send);
		explicit_bzero(recv, sizeof recv);
		explicit_bzero(want, sizeof want);
	}
	if (!ok) {
		/* Only a server that asks for no authentication. */
		FUZZ_CHECK(memcmp(hlak, zero, sizeof zero) == 0);
		FUZZ_CHECK(x->noauth_seen);
	}
}

static void
px_fail_cb(void *arg, enum eap_proxy_fail why, const char *msg)
{
	struct px *x = arg;

	FUZZ_CHECK(!x->freeing);
	FUZZ_CHECK(x->n_fail == 0);
	x->n_fail++;
	FUZZ_CHECK(why == EAP_PROXY_FAIL_AUTH ||
	    why == EAP_PROXY_FAIL_INTERNAL);
	FUZZ_CHECK(msg != NULL && msg[0] != '\0');
	FUZZ_CHECK(fuzz_str_ok(msg, strlen(msg) + 1, 1));
}

static const struct eap_proxy_ops px_ops = {
	.to_server = px_to_server_cb,
	.to_pppd = px_to_pppd_cb,
	.auth_done = px_auth_done_cb,
	.fail = px_fail_cb,
};

/* A frame from pppd. */
static void
px_from_pppd(struct px *x, const uint8_t *f, size_t len)
{
	struct ppp_frame fr;

	x->pppd_data = false;
	if (ppp_frame_parse(f, len, &fr) == 0 && fr.proto < 0x4000) {
		x->pppd_data = true;
		x->pppd_f = f;
		x->pppd_len = len;
		x->pppd_info = bcur_left(&fr.info);
	}
	eap_proxy_from_pppd(x->p, x->now, f, len);
	x->pppd_data = false;
}

/* A frame from the server; note what the harness needs to know. */
static void
px_from_server(struct px *x, const uint8_t *f, size_t len)
{
	struct ppp_frame fr;
	struct ppp_cp_pkt pkt;
	struct ppp_opt o;
	bool auth = false;

	x->pend_ch = false;
	if (ppp_frame_parse(f, len, &fr) == 0) {
		x->pend_ch = px_find_challenge(&fr, x->pend_auth_ch) == 1;
		if (fr.proto == PPP_PROTO_LCP &&
		    ppp_cp_parse(fr.info, &pkt) == 0 &&
		    pkt.code == PPP_CONF_REQ) {
			while (ppp_opt_next(&pkt.data, &o) == 1)
				if (o.type == LCP_OPT_AUTH)
					auth = true;
			if (!auth)
				x->noauth_seen = true;
		}
	}
	/* A CCP Request or Terminate may set MPPE up anew (RFC 1661 4). */
	if (ppp_frame_parse(f, len, &fr) == 0 && fr.proto == PPP_PROTO_CCP &&
	    ppp_cp_parse(fr.info, &pkt) == 0 && (pkt.code == PPP_CONF_REQ ||
	    pkt.code == PPP_TERM_REQ))
		x->mirror_ok = false;
	x->srv_mppe = ppp_frame_parse(f, len, &fr) == 0 &&
	    fr.proto == PPP_PROTO_MPPE;
	eap_proxy_from_server(x->p, x->now, f, len);
	x->pend_ch = false;
	x->srv_mppe = false;
}

/* SERVER_MPPE: encrypt as the server would and send (RFC 3078 3). */
static void
px_server_mppe(struct px *x, struct bcur rec)
{
	uint8_t send[16], recv[16], f[PPP_FRAME_MAX + 16];
	enum ms_mppe_bits bits;
	struct wbuf w;
	uint16_t proto;
	size_t len;

	if (!x->have_resp)
		return;
	if (!x->mirror_ok) {
		mppe_clear(&x->mirror);
		bits = mppe_opt_bits(x->ccp_req_bits);
		FUZZ_CHECK(ms_chapv2_client_keys(PX_PASSWORD, x->nt, send,
		    recv) == 0);
		/* sstpc's MasterReceiveKey is the server's send key. */
		if (mppe_init(&x->mirror, recv, bits != 0 ? bits : MS_MPPE_128,
		    (x->ccp_req_bits & MPPE_OPT_H) != 0) != 0)
			return;
		explicit_bzero(send, sizeof send);
		explicit_bzero(recv, sizeof recv);
		x->mirror_ok = true;
	}
	proto = fuzz_be16(&rec);
	len = bcur_left(&rec);
	if (len > PPP_MAX_INFO - MPPE_OVERHEAD)
		len = PPP_MAX_INFO - MPPE_OVERHEAD;
	wbuf_init(&w, f, sizeof f);
	ppp_put_hdr(&w, PPP_PROTO_MPPE);
	if (mppe_encrypt(&x->mirror, proto, bcur_ptr(&rec), len, &w) != 0)
		return;
	px_from_server(x, f, w.len);
}

/* The identifier of a Configure reply becomes the one a server echoes. */
static void
px_patch_id(const struct px *x, uint8_t *f, size_t len)
{
	struct ppp_frame fr;
	struct ppp_cp_pkt pkt;
	size_t off;

	if (ppp_frame_parse(f, len, &fr) != 0 ||
	    (fr.proto != PPP_PROTO_LCP && fr.proto != PPP_PROTO_CCP) ||
	    ppp_cp_parse(fr.info, &pkt) != 0 || pkt.code < PPP_CONF_ACK ||
	    pkt.code > PPP_CONF_REJ)
		return;
	/* The identifier is the second octet of the Information. */
	off = len - bcur_left(&fr.info) + 1;
	f[off] = fr.proto == PPP_PROTO_LCP ? x->lcp_req_id : x->ccp_req_id;
}

/*
 * SERVER_AUTH: the record with every "S=" + 40 octets replaced by the
 * right authenticator response, then as a server frame.
 */
static void
px_server_auth(struct px *x, struct bcur rec)
{
	char s[MS_AUTH_RESPONSE_LEN + 1];
	uint8_t *f;
	size_t len, i;
	long k;
	struct bcur c;

	len = bcur_left(&rec);
	if ((f = malloc(len > 0 ? len : 1)) == NULL)
		return;
	if (len > 0)
		(void)bcur_get_bytes(&rec, f, len);
	px_patch_id(x, f, len);
	if (x->have_resp && ms_generate_authenticator_response(PX_PASSWORD,
	    x->nt, x->peer_ch, x->auth_ch, PX_USER, s) == 0) {
		i = 0;
		while (i + MS_AUTH_RESPONSE_LEN <= len) {
			c = bcur_make(f + i, len - i);
			if ((k = bcur_find(&c, 'S')) < 0)
				break;
			i += (size_t)k;
			c = bcur_make(f + i, len - i);
			if (i + MS_AUTH_RESPONSE_LEN <= len &&
			    bcur_starts_with(&c, "S=", 2)) {
				memcpy(f + i, s, MS_AUTH_RESPONSE_LEN);
				i += MS_AUTH_RESPONSE_LEN;
			} else
				i++;
		}
	}
	px_from_server(x, f, len);
	free(f);
}

/* Run the timers that are due. */
static void
px_timers(struct px *x)
{
	uint64_t dl;
	int i;

	for (i = 0; i < 8; i++) {
		dl = eap_proxy_deadline(x->p);
		if (dl > x->now)
			return;
		eap_proxy_timer(x->p, x->now);
	}
	fuzz_fail(__FILE__, __LINE__, "deadline does not move on");
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), rec;
	struct px x;
	uint64_t dl;
	uint8_t sel;

	memset(&x, 0, sizeof x);
	x.now = PX_T0;
	x.p = eap_proxy_new(PX_USER, PX_PASSWORD, &px_ops, &x);
	FUZZ_CHECK(x.p != NULL);
	FUZZ_CHECK(eap_proxy_deadline(x.p) == UINT64_MAX);
	while (bcur_left(&in) > 0) {
		rec = fuzz_record(&in, &sel);
		switch (sel % PX_SEL_COUNT) {
		case PX_PPPD:
			px_from_pppd(&x, bcur_ptr(&rec), bcur_left(&rec));
			break;
		case PX_SERVER:
			px_from_server(&x, bcur_ptr(&rec), bcur_left(&rec));
			break;
		case PX_CLOCK:
			x.now += fuzz_be32(&rec);
			break;
		case PX_SERVER_AUTH:
			px_server_auth(&x, rec);
			break;
		case PX_SERVER_MPPE:
			px_server_mppe(&x, rec);
			break;
		case PX_TO_DEADLINE:
			dl = eap_proxy_deadline(x.p);
			if (dl != UINT64_MAX && dl > x.now)
				x.now = dl + fuzz_u8(&rec, 0);
			break;
		}
		px_timers(&x);
		dl = eap_proxy_deadline(x.p);
		FUZZ_CHECK(dl == UINT64_MAX || dl > x.now);
		if (x.n_fail > 0)
			FUZZ_CHECK(dl == UINT64_MAX);
	}
	x.freeing = true;
	eap_proxy_free(x.p);
	mppe_clear(&x.mirror);
	explicit_bzero(&x, sizeof x);
	return 0;
}
