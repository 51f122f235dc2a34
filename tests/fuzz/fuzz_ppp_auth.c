/*
 * fuzz_ppp_auth.c - the client side of PPP authentication
 * (src/ppp/ppp_auth.h: PAP RFC 1334 2.2, CHAP-MD5 RFC 1994, MS-CHAPv2
 * RFC 2759, EAP RFC 3748 with EAP-MSCHAPv2) in a whole conversation.
 *
 * Input:	byte 0		the protocol LCP agreed on (modulo 5, enum
 *				ppp_auth_proto)
 *		byte 1		bit 0: user "DOM\fuzzer" instead of "fz";
 *				bit 1: empty password; bit 2: an output
 *				buffer of 24 octets instead of 4 KiB
 *		then records	u8 event, u16 big-endian length, bytes (a
 *				short last record takes what is left)
 * Events (event byte modulo AF_EV_COUNT):
 *	OWN		the bytes are the Information of a frame of the
 *			agreed protocol (PAP for "none")
 *	ANY		the first two bytes are a protocol, the rest its
 *			Information
 *	TIMEOUT		the restart timer fired
 *	SUCCESS		a Success with the right S= (RFC 2759 8.7) for the
 *			last Challenge answered and the Response sstpc sent
 *			(MS-CHAPv2: CHAP Success with its Identifier; EAP:
 *			EAP-MSCHAPv2 Success-Request, Identifier = first
 *			byte), the rest of the bytes as " M=" text; without
 *			such a Response the bytes go in as OWN
 *	START		ppp_auth_client_start() again
 * start() runs first; the Peer-Challenge is fixed (ppp_auth_hook.h).
 *
 * Invariants: results are only SEND, OK and FAIL bits, never both OK and
 * FAIL; nothing is written without SEND (unless FAIL said there was no
 * room) and every frame sent is of the agreed protocol with a control
 * Length equal to its size: a PAP Authenticate-Request with the user and
 * password, at most 10 of them, or a CHAP/EAP Response; a CHAP-MD5
 * Response holds MD5(Identifier | password | Challenge) of the Challenge
 * just fed and the user name; every MS-CHAPv2 NT-Response is
 * GenerateNTResponse (RFC 2759 8.1) of the Challenge just fed, or a
 * retransmission of the last one; the password appears in no other frame
 * and never in the reason; FAIL leaves a printable one-line reason, and
 * after FAIL every call returns 0 and writes nothing; OK comes for
 * MS-CHAPv2 and EAP only after a SUCCESS event (a server knowing the
 * password); keys are refused before OK, and after OK they are the
 * client MasterSendKey/MasterReceiveKey (RFC 3079 3.3) of the
 * NT-Response sstpc had sent when OK came (a re-authentication changes
 * none) for MS-CHAPv2/EAP, none for PAP/CHAP-MD5; OK at most once;
 * wants_timer only for PAP before its verdict.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "util/buf.h"
#include "crypto/crypto.h"
#include "crypto/ms_funcs.h"
#include "fuzz.h"
#include "ppp/auth_keys.h"
#include "ppp/ppp_auth.h"
#include "ppp/ppp_auth_hook.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"

enum af_ev {
	AF_OWN = 0,
	AF_ANY,
	AF_TIMEOUT,
	AF_SUCCESS,
	AF_START,
	AF_EV_COUNT
};

#define AF_PAP_MAX	10	/* ppp_auth.c PAP_MAX_SENDS */
#define AF_RESULTS	(PPP_AUTH_SEND | PPP_AUTH_OK | PPP_AUTH_FAIL)

static const uint8_t af_peer_ch[MS_CHALLENGE_LEN] = {
	0x21, 0x40, 0x23, 0x24, 0x25, 0x5e, 0x26, 0x2a,
	0x28, 0x29, 0x5f, 0x2b, 0x3a, 0x33, 0x7c, 0x7e
};

struct af {
	struct ppp_auth_client	*c;
	enum ppp_auth_proto	 proto;
	uint16_t		 pproto;	/* PPP protocol of the method */
	const char		*user;
	const char		*pw;
	uint8_t			 outbuf[4096];
	size_t			 outcap;
	struct wbuf		 out;
	bool			 failed;
	bool			 ok;
	bool			 s_given;	/* a right S= was fed */
	unsigned		 pap_sends;
	/* The last MS-CHAPv2 exchange sstpc answered. */
	bool			 have_ms;
	uint8_t			 auth_ch[MS_CHALLENGE_LEN];
	uint8_t			 nt[MS_NT_RESPONSE_LEN];
	uint8_t			 ms_id;		/* CHAP / MS-CHAPv2-ID */
	uint8_t			 ok_nt[MS_NT_RESPONSE_LEN];	/* at OK */
	/* The frame being fed (proto, Information). */
	uint16_t		 in_proto;
	struct bcur		 in;
};

/* Does needle (n > 0 octets) occur in hay? */
static bool
af_contains(const uint8_t *hay, size_t hl, const char *needle)
{
	size_t n = strlen(needle), i;

	if (n == 0 || n > hl)
		return false;
	for (i = 0; i + n <= hl; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

/* The Authenticator Challenge of the frame being fed, if it holds one. */
static bool
af_in_challenge(const struct af *a, uint8_t ch[MS_CHALLENGE_LEN])
{
	struct ppp_cp_pkt pkt;
	struct bcur d;
	uint8_t type, op, b, vsize;
	uint16_t len;

	if (a->in_proto != a->pproto || ppp_cp_parse(a->in, &pkt) < 0)
		return false;
	d = pkt.data;
	if (a->proto == PPP_AUTHP_EAP &&
	    (pkt.code != EAP_CODE_REQUEST || bcur_get_u8(&d, &type) < 0 ||
	    type != EAP_TYPE_MSCHAPV2 || bcur_get_u8(&d, &op) < 0 ||
	    op != MSCHAPV2_OP_CHALLENGE || bcur_get_u8(&d, &b) < 0 ||
	    bcur_get_be16(&d, &len) < 0))
		return false;
	if (a->proto == PPP_AUTHP_MSCHAPV2 && pkt.code != CHAP_CODE_CHALLENGE)
		return false;
	return bcur_get_u8(&d, &vsize) == 0 && vsize == MS_CHALLENGE_LEN &&
	    bcur_get_bytes(&d, ch, MS_CHALLENGE_LEN) == 0;
}

/* An MS-CHAPv2 Response value (RFC 2759 4) sstpc sent. */
static void
af_check_ms_value(struct af *a, struct bcur v, uint8_t ms_id)
{
	uint8_t vsize, pch[MS_CHALLENGE_LEN], rsv[8], nt[MS_NT_RESPONSE_LEN];
	uint8_t flags, ch[MS_CHALLENGE_LEN], want[MS_NT_RESPONSE_LEN];

	FUZZ_CHECK(bcur_get_u8(&v, &vsize) == 0 &&
	    vsize == MSCHAPV2_VALUE_LEN);
	FUZZ_CHECK(bcur_get_bytes(&v, pch, sizeof pch) == 0);
	FUZZ_CHECK(memcmp(pch, af_peer_ch, sizeof pch) == 0);
	FUZZ_CHECK(bcur_get_bytes(&v, rsv, sizeof rsv) == 0);
	FUZZ_CHECK(fuzz_all_zero(rsv, sizeof rsv));
	FUZZ_CHECK(bcur_get_bytes(&v, nt, sizeof nt) == 0);
	FUZZ_CHECK(bcur_get_u8(&v, &flags) == 0 && flags == 0);
	FUZZ_CHECK(bcur_left(&v) == strlen(a->user) &&
	    memcmp(bcur_ptr(&v), a->user, bcur_left(&v)) == 0);
	if (af_in_challenge(a, ch) &&
	    ms_generate_nt_response(ch, af_peer_ch, a->user, a->pw,
	    want) == 0 && memcmp(want, nt, sizeof nt) == 0) {
		memcpy(a->auth_ch, ch, sizeof ch);
		memcpy(a->nt, nt, sizeof nt);
		a->ms_id = ms_id;
		a->have_ms = true;
		return;
	}
	/* Otherwise it can only be a retransmission of the last one. */
	FUZZ_CHECK(a->have_ms && memcmp(a->nt, nt, sizeof nt) == 0);
}

/* A CHAP-MD5 Response (RFC 1994 4.1) to the Challenge just fed. */
static void
af_check_md5(struct af *a, const struct ppp_cp_pkt *pkt)
{
	struct ppp_cp_pkt in;
	struct bcur v = pkt->data, ch;
	uint8_t vsize, got[CRYPTO_MD5_LEN], want[CRYPTO_MD5_LEN];
	uint8_t buf[1 + 1024 + 256];
	size_t pl = strlen(a->pw), n = 0;

	FUZZ_CHECK(a->in_proto == PPP_PROTO_CHAP);
	FUZZ_CHECK(ppp_cp_parse(a->in, &in) == 0);
	FUZZ_CHECK(in.code == CHAP_CODE_CHALLENGE && in.id == pkt->id);
	FUZZ_CHECK(bcur_get_u8(&in.data, &vsize) == 0 && vsize > 0);
	FUZZ_CHECK(bcur_get_view(&in.data, vsize, &ch) == 0);
	buf[n++] = pkt->id;
	FUZZ_CHECK(pl <= 1024);
	memcpy(buf + n, a->pw, pl);
	n += pl;
	memcpy(buf + n, bcur_ptr(&ch), vsize);
	n += vsize;
	FUZZ_CHECK(crypto_md5(buf, n, want) == 0);
	FUZZ_CHECK(bcur_get_u8(&v, &vsize) == 0 && vsize == CRYPTO_MD5_LEN);
	FUZZ_CHECK(bcur_get_bytes(&v, got, sizeof got) == 0);
	FUZZ_CHECK(memcmp(got, want, sizeof got) == 0);
	FUZZ_CHECK(bcur_left(&v) == strlen(a->user) &&
	    memcmp(bcur_ptr(&v), a->user, bcur_left(&v)) == 0);
}

/* The frame sstpc wrote (protocol first, no FF 03). */
static void
af_check_frame(struct af *a, bool from_timer)
{
	struct bcur f = bcur_make(a->out.p, a->out.len), d;
	struct ppp_cp_pkt pkt;
	uint16_t proto, mlen;
	uint8_t type, op, ms_id, ul, pl;

	FUZZ_CHECK(bcur_get_be16(&f, &proto) == 0);
	FUZZ_CHECK(proto == a->pproto);
	FUZZ_CHECK(ppp_cp_parse(f, &pkt) == 0);
	FUZZ_CHECK(bcur_left(&pkt.data) + PPP_CP_HDR_LEN == bcur_left(&f));
	if (a->pw[0] != '\0' && proto != PPP_PROTO_PAP)
		FUZZ_CHECK(!af_contains(a->out.p, a->out.len, a->pw));
	d = pkt.data;
	switch (proto) {
	case PPP_PROTO_PAP:
		FUZZ_CHECK(pkt.code == PAP_CODE_AUTH_REQ);
		FUZZ_CHECK(++a->pap_sends <= AF_PAP_MAX);
		FUZZ_CHECK(pkt.id == (uint8_t)a->pap_sends);
		FUZZ_CHECK(bcur_get_u8(&d, &ul) == 0 && ul == strlen(a->user));
		FUZZ_CHECK(bcur_starts_with(&d, a->user, ul));
		FUZZ_CHECK(bcur_skip(&d, ul) == 0);
		FUZZ_CHECK(bcur_get_u8(&d, &pl) == 0 && pl == strlen(a->pw));
		FUZZ_CHECK(bcur_left(&d) == pl &&
		    bcur_starts_with(&d, a->pw, pl));
		break;
	case PPP_PROTO_CHAP:
		FUZZ_CHECK(!from_timer);
		FUZZ_CHECK(pkt.code == CHAP_CODE_RESPONSE);
		if (a->proto == PPP_AUTHP_CHAP_MD5)
			af_check_md5(a, &pkt);
		else
			af_check_ms_value(a, d, pkt.id);
		break;
	case PPP_PROTO_EAP:
		FUZZ_CHECK(!from_timer);
		FUZZ_CHECK(pkt.code == EAP_CODE_RESPONSE);
		FUZZ_CHECK(bcur_get_u8(&d, &type) == 0);
		if (type == EAP_TYPE_NAK) {
			FUZZ_CHECK(bcur_get_u8(&d, &op) == 0 &&
			    op == EAP_TYPE_MSCHAPV2 && bcur_left(&d) == 0);
		} else if (type == EAP_TYPE_MSCHAPV2) {
			FUZZ_CHECK(bcur_get_u8(&d, &op) == 0);
			if (op == MSCHAPV2_OP_RESPONSE) {
				FUZZ_CHECK(bcur_get_u8(&d, &ms_id) == 0);
				FUZZ_CHECK(bcur_get_be16(&d, &mlen) == 0);
				FUZZ_CHECK(mlen == bcur_left(&d) + 4);
				af_check_ms_value(a, d, ms_id);
			} else {
				FUZZ_CHECK(op == MSCHAPV2_OP_SUCCESS ||
				    op == MSCHAPV2_OP_FAILURE);
				FUZZ_CHECK(bcur_left(&d) == 0);
			}
		} else if (type == EAP_TYPE_IDENTITY) {
			FUZZ_CHECK(bcur_left(&d) == strlen(a->user) &&
			    bcur_starts_with(&d, a->user, bcur_left(&d)));
		} else {
			FUZZ_CHECK(type == EAP_TYPE_NOTIFICATION &&
			    bcur_left(&d) == 0);
		}
		break;
	default:
		fuzz_fail(__FILE__, __LINE__, "a frame of another protocol");
	}
}

/* The keys as ppp_auth_client_keys() gives them. */
static void
af_check_keys(const struct af *a)
{
	struct ppp_auth_keys k;
	uint8_t s[16], r[16];
	int rc;

	memset(&k, 0xa5, sizeof k);
	rc = ppp_auth_client_keys(a->c, &k);
	if (!a->ok) {
		FUZZ_CHECK(rc < 0 && k.send_len == 0 && k.recv_len == 0);
		return;
	}
	FUZZ_CHECK(rc == 0);
	if (a->proto != PPP_AUTHP_MSCHAPV2 && a->proto != PPP_AUTHP_EAP) {
		FUZZ_CHECK(k.send_len == 0 && k.recv_len == 0);
		return;
	}
	FUZZ_CHECK(k.send_len == 16 && k.recv_len == 16 && a->have_ms);
	FUZZ_CHECK(ms_chapv2_client_keys(a->pw, a->ok_nt, s, r) == 0);
	FUZZ_CHECK(memcmp(k.send, s, 16) == 0 && memcmp(k.recv, r, 16) == 0);
	ppp_auth_keys_clear(&k);
}

/* Check one call's result and what it wrote. */
static void
af_result(struct af *a, int r, bool from_timer)
{
	const char *why = ppp_auth_client_reason(a->c);

	FUZZ_CHECK(r >= 0 && (r & ~AF_RESULTS) == 0);
	FUZZ_CHECK((r & (PPP_AUTH_OK | PPP_AUTH_FAIL)) !=
	    (PPP_AUTH_OK | PPP_AUTH_FAIL));
	if (a->failed) {
		FUZZ_CHECK(r == 0 && a->out.len == 0);
		return;
	}
	if (r & PPP_AUTH_SEND) {
		FUZZ_CHECK(wbuf_error(&a->out) == 0 && a->out.len > 0);
		af_check_frame(a, from_timer);
	} else if (!(r & PPP_AUTH_FAIL)) {
		FUZZ_CHECK(a->out.len == 0);
	}
	if (r & PPP_AUTH_FAIL) {
		FUZZ_CHECK(fuzz_str_ok(why, strlen(why) + 1, 1));
		FUZZ_CHECK(why[0] != '\0');
		FUZZ_CHECK(a->pw[0] == '\0' || strstr(why, a->pw) == NULL);
		a->failed = true;
		a->ok = false;
	} else {
		FUZZ_CHECK(why[0] == '\0');
	}
	if (r & PPP_AUTH_OK) {
		FUZZ_CHECK(a->s_given || (a->proto != PPP_AUTHP_MSCHAPV2 &&
		    a->proto != PPP_AUTHP_EAP));
		FUZZ_CHECK(!a->ok);
		a->ok = true;
		memcpy(a->ok_nt, a->nt, sizeof a->ok_nt);
	}
	FUZZ_CHECK(!ppp_auth_client_wants_timer(a->c) ||
	    (a->proto == PPP_AUTHP_PAP && !a->ok && !a->failed));
	af_check_keys(a);
}

/* Feed one frame to the client. */
static void
af_feed(struct af *a, uint16_t proto, struct bcur info)
{
	int r;

	wbuf_init(&a->out, a->outbuf, a->outcap);
	a->in_proto = proto;
	a->in = info;
	r = ppp_auth_client_input(a->c, proto, info, &a->out);
	af_result(a, r, false);
}

/* SUCCESS: the Success a server knowing the password sends. */
static void
af_success(struct af *a, struct bcur rec)
{
	char s[MS_AUTH_RESPONSE_LEN + 1];
	uint8_t f[600];
	struct wbuf w;
	size_t start;
	uint8_t id;

	if (!a->have_ms || (a->proto != PPP_AUTHP_MSCHAPV2 &&
	    a->proto != PPP_AUTHP_EAP)) {
		af_feed(a, a->pproto, rec);
		return;
	}
	FUZZ_CHECK(ms_generate_authenticator_response(a->pw, a->nt,
	    af_peer_ch, a->auth_ch, a->user, s) == 0);
	id = fuzz_u8(&rec, 0);
	wbuf_init(&w, f, sizeof f);
	if (a->proto == PPP_AUTHP_MSCHAPV2) {
		start = w.len;
		wbuf_put_u8(&w, CHAP_CODE_SUCCESS);
		wbuf_put_u8(&w, a->ms_id);
		wbuf_put_be16(&w, 0);
	} else {
		start = w.len;
		wbuf_put_u8(&w, EAP_CODE_REQUEST);
		wbuf_put_u8(&w, id);
		wbuf_put_be16(&w, 0);
		wbuf_put_u8(&w, EAP_TYPE_MSCHAPV2);
		wbuf_put_u8(&w, MSCHAPV2_OP_SUCCESS);
		wbuf_put_u8(&w, a->ms_id);
		wbuf_put_be16(&w, 0);
	}
	wbuf_put_str(&w, s);
	if (bcur_left(&rec) > 0) {
		wbuf_put_str(&w, " M=");
		wbuf_put_bytes(&w, bcur_ptr(&rec),
		    bcur_left(&rec) < 300 ? bcur_left(&rec) : 300);
	}
	FUZZ_CHECK(wbuf_error(&w) == 0);
	wbuf_patch_be16(&w, start + 2, (uint16_t)(w.len - start));
	if (a->proto == PPP_AUTHP_EAP)
		wbuf_patch_be16(&w, start + 6, (uint16_t)(w.len - start - 5));
	a->s_given = true;
	af_feed(a, a->pproto, bcur_make(f, w.len));
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t pprotos[] = { PPP_PROTO_PAP, PPP_PROTO_PAP,
	    PPP_PROTO_CHAP, PPP_PROTO_CHAP, PPP_PROTO_EAP };
	struct bcur in = bcur_make(data, size), rec;
	struct af a;
	uint8_t flags, ev;
	uint16_t proto;
	int r;

	memset(&a, 0, sizeof a);
	a.proto = (enum ppp_auth_proto)(fuzz_u8(&in, 0) % 5);
	a.pproto = pprotos[a.proto];
	flags = fuzz_u8(&in, 0);
	a.user = (flags & 1) ? "DOM\\fuzzer" : "fz";
	a.pw = (flags & 2) ? "" : "fuzz-secret-Pw1";
	a.outcap = (flags & 4) ? 24 : sizeof a.outbuf;
	a.c = ppp_auth_client_new(a.proto, a.user, a.pw);
	if (a.c == NULL)
		return 0;
	ppp_auth_client_fix_peer_challenge(a.c, af_peer_ch);
	FUZZ_CHECK(strcmp(ppp_auth_proto_name(a.proto), "unknown") != 0);
	wbuf_init(&a.out, a.outbuf, a.outcap);
	a.in_proto = 0;
	r = ppp_auth_client_start(a.c, &a.out);
	af_result(&a, r, true);
	FUZZ_CHECK(a.proto != PPP_AUTHP_NONE || a.ok);
	while (bcur_left(&in) > 0) {
		rec = fuzz_record(&in, &ev);
		switch (ev % AF_EV_COUNT) {
		case AF_OWN:
			af_feed(&a, a.pproto, rec);
			break;
		case AF_ANY:
			proto = fuzz_be16(&rec);
			af_feed(&a, proto, rec);
			break;
		case AF_TIMEOUT:
			wbuf_init(&a.out, a.outbuf, a.outcap);
			a.in_proto = 0;
			r = ppp_auth_client_timeout(a.c, &a.out);
			af_result(&a, r, true);
			break;
		case AF_SUCCESS:
			af_success(&a, rec);
			break;
		case AF_START:
			wbuf_init(&a.out, a.outbuf, a.outcap);
			r = ppp_auth_client_start(a.c, &a.out);
			FUZZ_CHECK(r == 0 && a.out.len == 0);
			break;
		}
	}
	ppp_auth_client_free(a.c);
	return 0;
}
