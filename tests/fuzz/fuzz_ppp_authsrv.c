/*
 * fuzz_ppp_authsrv.c - the authenticator side of PPP authentication
 * (src/ppp/ppp_authsrv.h: PAP RFC 1334 2.2, MS-CHAPv2 RFC 2759, EAP
 * RFC 3748 with EAP-MSCHAPv2) in a whole conversation with a hostile peer.
 *
 * Input:	byte 0		the method (modulo 3: PAP, MS-CHAPv2, EAP)
 *		byte 1		bit 0: the user is "DOM\fz" instead of "fz";
 *				bit 1: the secret is not UTF-8 (unusable by
 *				MS-CHAPv2); bit 2: an output buffer of 24
 *				octets instead of 4 KiB; bit 3: the lookup
 *				returns a secret whose len is wrong (unusable
 *				by every method); bit 4: rand hook instead
 *				of crypto_random (octets from byte 2 on)
 *		then records	u8 event, u16 big-endian length, bytes (a
 *				short last record takes what is left)
 * Events (event byte modulo AS_EV_COUNT):
 *	OWN		the bytes are the Information of a frame of the
 *			method's protocol
 *	ANY		the first two bytes are a protocol, the rest its
 *			Information
 *	TIMEOUT		the restart timer fired
 *	GOOD		what a peer knowing the password answers to the
 *			last Request/Challenge sent (PAP: a right
 *			Authenticate-Request, Identifier = first byte;
 *			MS-CHAPv2: the Response, Peer-Challenge = the
 *			bytes; EAP: Identity, Response, or the Success /
 *			Failure Response the last Request asks for);
 *			without such a Request the bytes go in as OWN
 *	START		ppp_auth_server_start() again
 *
 * Invariants: results are only SEND, OK and FAIL bits, never OK and FAIL
 * together, OK and FAIL at most once and never both in one run; nothing
 * is written without SEND unless FAIL said there was no room; every frame
 * is of the method's protocol, with a control Length equal to its size,
 * and is a PAP Ack/Nak, a CHAP Challenge/Success/Failure or an EAP
 * Request/Success/Failure; an answer carries the Identifier of the
 * frame fed (a new Request never does), a timeout resends the last
 * Request byte for byte, at most 9 times; the secret is in no frame and
 * not in the reason (unless the peer itself sent those octets: a reason
 * may quote the name the peer gave); a Challenge has 16 octets and our Name; a Failure
 * says E=691 R=0 C=<32 hex> V=3; OK (and every new S=) only for a right
 * answer, checked independently (PAP: the Peer-ID and password fed;
 * MS-CHAPv2: GenerateNTResponse of the last Challenge, and the S= equal
 * to GenerateAuthenticatorResponse), never with an unusable secret;
 * keys refused before OK, none for PAP, the client's MasterSendKey /
 * MasterReceiveKey of the verified NT-Response for MS-CHAPv2/EAP; user
 * "" until OK, then the configured one; reason "" until FAIL, then one
 * printable line; wants_timer only while a Challenge/Request waits.
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
#include "ppp/ppp_authsrv.h"
#include "ppp/ppp_cp.h"
#include "ppp/ppp_engine.h"
#include "ppp/proto.h"

enum as_ev {
	AS_OWN = 0,
	AS_ANY,
	AS_TIMEOUT,
	AS_GOOD,
	AS_START,
	AS_EV_COUNT
};

#define AS_MAX_SENDS	10	/* ppp_authsrv.c SRV_MAX_SENDS */
#define AS_RESULTS	(PPP_AUTHSRV_SEND | PPP_AUTHSRV_OK | PPP_AUTHSRV_FAIL)
#define AS_NAME		"sstpd"

struct as {
	struct ppp_auth_server	*s;
	enum ppp_auth_proto	 proto;
	uint16_t		 pproto;
	const char		*user;
	const char		*pw;
	bool			 bad_len;	/* lookup's len is wrong */
	bool			 ms_usable;	/* the secret is UTF-8 */
	uint8_t			 outbuf[4096];
	size_t			 outcap;
	struct wbuf		 out;
	bool			 failed;
	bool			 ok;
	/* The peer's own bytes held the secret (e.g. as its PAP Peer-ID):
	 * a reason quoting the name the peer gave may then show it. */
	bool			 peer_said_pw;
	/* The last new Request/Challenge the server sent. */
	uint8_t			 req[600];
	size_t			 req_len;
	unsigned		 resends;
	uint8_t			 req_id;
	uint8_t			 req_type;	/* EAP Type; CHAP: 26 */
	uint8_t			 req_op;	/* EAP-MSCHAPv2 OpCode */
	uint8_t			 ms_id;
	bool			 have_ch;
	uint8_t			 auth_ch[MS_CHALLENGE_LEN];	/* last */
	/* The last Success (resent unchanged for a repeated Response). */
	uint8_t			 succ[600];
	size_t			 succ_len;
	/* The NT-Response verified (for the keys). */
	bool			 verified;
	uint8_t			 nt[MS_NT_RESPONSE_LEN];
	/* The frame being fed. */
	uint16_t		 in_proto;
	struct bcur		 in;
};

/* The rand hook's octets (bit 4): a counter, never all the same. */
static void
as_rand(void *buf, size_t len)
{
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(0x5b + 7 * i);
}

/* lookup_secret: the one user of the run. */
static int
as_lookup(void *arg, const char *user, struct ppp_secret *out)
{
	const struct as *a = arg;

	FUZZ_CHECK(fuzz_str_ok(user, strlen(user) + 1, 1));
	FUZZ_CHECK(user[0] != '\0' && strlen(user) <= 255);
	if (strcmp(user, a->user) != 0)
		return -ENOENT;
	memcpy(out->secret, a->pw, strlen(a->pw) + 1);
	out->len = strlen(a->pw) + (a->bad_len ? 1 : 0);
	out->addr4 = 0x0100000a;
	return 0;
}

/* Does needle (n > 0 octets) occur in hay? */
static bool
as_contains(const uint8_t *hay, size_t hl, const char *needle)
{
	size_t n = strlen(needle), i;

	if (n == 0 || n > hl)
		return false;
	for (i = 0; i + n <= hl; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

/*
 * as_in_right - is the frame fed a right answer, checked without the
 * server's code: PAP Peer-ID = user and password = secret; MS-CHAPv2
 * Response (CHAP, or EAP OpCode 2 with our MS-CHAPv2-ID) whose
 * NT-Response is GenerateNTResponse of the last Challenge and the Name
 * it carries (the user).  @nt gets the NT-Response, @pch the
 * Peer-Challenge.
 */
static bool
as_in_right(const struct as *a, uint8_t nt[MS_NT_RESPONSE_LEN],
    uint8_t pch[MS_CHALLENGE_LEN])
{
	struct ppp_cp_pkt pkt;
	struct bcur d, v;
	uint8_t b, vsize, want[MS_NT_RESPONSE_LEN];
	uint16_t mlen;

	if (a->in_proto != a->pproto || ppp_cp_parse(a->in, &pkt) < 0)
		return false;
	d = pkt.data;
	if (a->proto == PPP_AUTHP_PAP) {
		if (pkt.code != PAP_CODE_AUTH_REQ || a->bad_len ||
		    bcur_get_u8(&d, &b) < 0 || b != strlen(a->user) ||
		    bcur_get_view(&d, b, &v) < 0 ||
		    memcmp(bcur_ptr(&v), a->user, b) != 0 ||
		    bcur_get_u8(&d, &b) < 0 || b != strlen(a->pw) ||
		    bcur_get_view(&d, b, &v) < 0)
			return false;
		return memcmp(bcur_ptr(&v), a->pw, b) == 0;
	}
	if (pkt.code != (a->proto == PPP_AUTHP_EAP ? EAP_CODE_RESPONSE :
	    CHAP_CODE_RESPONSE) || !a->have_ch || !a->ms_usable ||
	    a->bad_len)
		return false;
	if (a->proto == PPP_AUTHP_EAP &&
	    (bcur_get_u8(&d, &b) < 0 || b != EAP_TYPE_MSCHAPV2 ||
	    bcur_get_u8(&d, &b) < 0 || b != MSCHAPV2_OP_RESPONSE ||
	    bcur_get_u8(&d, &b) < 0 || b != a->ms_id ||
	    bcur_get_be16(&d, &mlen) < 0))
		return false;
	if (bcur_get_u8(&d, &vsize) < 0 || vsize != MSCHAPV2_VALUE_LEN ||
	    bcur_get_bytes(&d, pch, MS_CHALLENGE_LEN) < 0 ||
	    bcur_skip(&d, 8) < 0 ||
	    bcur_get_bytes(&d, nt, MS_NT_RESPONSE_LEN) < 0 ||
	    bcur_skip(&d, 1) < 0 || bcur_left(&d) != strlen(a->user) ||
	    memcmp(bcur_ptr(&d), a->user, bcur_left(&d)) != 0)
		return false;
	return ms_generate_nt_response(a->auth_ch, pch, a->user, a->pw,
	    want) == 0 && memcmp(want, nt, sizeof want) == 0;
}

/* The Identifier of the frame fed (any code), or -1. */
static int
as_in_id(const struct as *a)
{
	struct ppp_cp_pkt pkt;

	if (a->in_proto != a->pproto || ppp_cp_parse(a->in, &pkt) < 0)
		return -1;
	return pkt.id;
}

/* "E=691 R=0 C=<32 upper hex> V=3 M=..." (RFC 2759 6). */
static void
as_check_failure_msg(struct bcur m)
{
	static const char pre[] = "E=691 R=0 C=";
	const uint8_t *p = bcur_ptr(&m);
	size_t i;

	FUZZ_CHECK(bcur_left(&m) > sizeof pre - 1 + 32 + 7);
	FUZZ_CHECK(memcmp(p, pre, sizeof pre - 1) == 0);
	for (i = 0; i < 32; i++) {
		uint8_t c = p[sizeof pre - 1 + i];

		FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'));
	}
	FUZZ_CHECK(memcmp(p + sizeof pre - 1 + 32, " V=3 M=", 7) == 0);
}

/*
 * A Success (CHAP Code 3, or EAP-MSCHAPv2 OpCode 3): a resend of the
 * last one, or the answer to a right Response fed now with the right S=.
 */
static void
as_check_success(struct as *a, struct bcur m)
{
	uint8_t nt[MS_NT_RESPONSE_LEN], pch[MS_CHALLENGE_LEN];

	if (a->succ_len == a->out.len &&
	    memcmp(a->succ, a->out.p, a->out.len) == 0)
		return;
	FUZZ_CHECK(as_in_right(a, nt, pch));
	FUZZ_CHECK(ms_check_authenticator_response(a->pw, nt, pch,
	    a->auth_ch, a->user, bcur_ptr(&m), bcur_left(&m)));
	memcpy(a->nt, nt, sizeof nt);
	a->verified = true;
	memcpy(a->succ, a->out.p, a->out.len);
	a->succ_len = a->out.len;
}

/* Remember a new Request/Challenge; the challenge it carries. */
static void
as_new_request(struct as *a, uint8_t id, uint8_t type, uint8_t op,
    struct bcur d)
{
	uint8_t vsize;

	FUZZ_CHECK(a->out.len <= sizeof a->req);
	memcpy(a->req, a->out.p, a->out.len);
	a->req_len = a->out.len;
	a->resends = 0;
	a->req_id = id;
	a->req_type = type;
	a->req_op = op;
	if (op != MSCHAPV2_OP_CHALLENGE)
		return;
	FUZZ_CHECK(bcur_get_u8(&d, &vsize) == 0 && vsize == MS_CHALLENGE_LEN);
	FUZZ_CHECK(bcur_get_bytes(&d, a->auth_ch, MS_CHALLENGE_LEN) == 0);
	FUZZ_CHECK(bcur_left(&d) == strlen(AS_NAME) &&
	    memcmp(bcur_ptr(&d), AS_NAME, bcur_left(&d)) == 0);
	a->have_ch = true;
}

/* The frame the server wrote (protocol first, no FF 03). */
static void
as_check_frame(struct as *a, bool from_timer)
{
	struct bcur f = bcur_make(a->out.p, a->out.len), d;
	struct ppp_cp_pkt pkt;
	uint16_t proto, mlen;
	uint8_t type, op, ms_id, ml;
	int in_id = as_in_id(a);

	FUZZ_CHECK(bcur_get_be16(&f, &proto) == 0);
	FUZZ_CHECK(proto == a->pproto);
	FUZZ_CHECK(ppp_cp_parse(f, &pkt) == 0);
	FUZZ_CHECK(bcur_left(&pkt.data) + PPP_CP_HDR_LEN == bcur_left(&f));
	FUZZ_CHECK(!as_contains(a->out.p, a->out.len, a->pw));
	if (from_timer) {
		FUZZ_CHECK(a->req_len == a->out.len &&
		    memcmp(a->req, a->out.p, a->out.len) == 0);
		FUZZ_CHECK(++a->resends < AS_MAX_SENDS);
		return;
	}
	d = pkt.data;
	switch (proto) {
	case PPP_PROTO_PAP:
		FUZZ_CHECK(pkt.code == PAP_CODE_AUTH_ACK ||
		    pkt.code == PAP_CODE_AUTH_NAK);
		FUZZ_CHECK(pkt.id == in_id);
		FUZZ_CHECK(bcur_get_u8(&d, &ml) == 0 && ml == bcur_left(&d));
		/* An Ack only for the right Peer-ID and password. */
		if (pkt.code == PAP_CODE_AUTH_ACK)
			FUZZ_CHECK(as_in_right(a, NULL, NULL));
		break;
	case PPP_PROTO_CHAP:
		if (pkt.code == CHAP_CODE_CHALLENGE) {
			FUZZ_CHECK(in_id < 0);	/* only from start() */
			as_new_request(a, pkt.id, EAP_TYPE_MSCHAPV2,
			    MSCHAPV2_OP_CHALLENGE, d);
			a->ms_id = pkt.id;
			break;
		}
		FUZZ_CHECK(pkt.id == in_id && pkt.id == a->req_id);
		if (pkt.code == CHAP_CODE_SUCCESS)
			as_check_success(a, d);
		else {
			FUZZ_CHECK(pkt.code == CHAP_CODE_FAILURE);
			as_check_failure_msg(d);
		}
		break;
	case PPP_PROTO_EAP:
		if (pkt.code == EAP_CODE_SUCCESS ||
		    pkt.code == EAP_CODE_FAILURE) {
			FUZZ_CHECK(pkt.id == in_id && bcur_left(&d) == 0);
			break;
		}
		FUZZ_CHECK(pkt.code == EAP_CODE_REQUEST);
		FUZZ_CHECK(bcur_get_u8(&d, &type) == 0);
		if (type == EAP_TYPE_IDENTITY) {
			FUZZ_CHECK(in_id < 0 && bcur_left(&d) == 0);
			as_new_request(a, pkt.id, type, 0, d);
			break;
		}
		FUZZ_CHECK(type == EAP_TYPE_MSCHAPV2);
		FUZZ_CHECK(bcur_get_u8(&d, &op) == 0);
		FUZZ_CHECK(bcur_get_u8(&d, &ms_id) == 0);
		FUZZ_CHECK(bcur_get_be16(&d, &mlen) == 0);
		FUZZ_CHECK(mlen == bcur_left(&d) + 4);
		/* A repeated Response gets the Request it had. */
		if (pkt.id == a->req_id && a->req_len == a->out.len &&
		    memcmp(a->req, a->out.p, a->out.len) == 0)
			break;
		FUZZ_CHECK(pkt.id != in_id);
		if (op == MSCHAPV2_OP_CHALLENGE) {
			FUZZ_CHECK(ms_id == pkt.id);
			a->ms_id = ms_id;
		} else {
			FUZZ_CHECK(ms_id == a->ms_id);
			if (op == MSCHAPV2_OP_SUCCESS)
				as_check_success(a, d);
			else {
				FUZZ_CHECK(op == MSCHAPV2_OP_FAILURE);
				as_check_failure_msg(d);
			}
		}
		as_new_request(a, pkt.id, type, op, d);
		break;
	default:
		fuzz_fail(__FILE__, __LINE__, "a frame of another protocol");
	}
}

/* The keys, user and address as the server gives them. */
static void
as_check_result(const struct as *a)
{
	struct ppp_auth_keys k;
	uint8_t s[16], r[16];
	int rc;

	memset(&k, 0xa5, sizeof k);
	rc = ppp_auth_server_keys(a->s, &k);
	if (!a->ok) {
		FUZZ_CHECK(rc < 0 && k.send_len == 0 && k.recv_len == 0);
		FUZZ_CHECK(ppp_auth_server_user(a->s)[0] == '\0');
		FUZZ_CHECK(ppp_auth_server_addr4(a->s) == 0);
		return;
	}
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(strcmp(ppp_auth_server_user(a->s), a->user) == 0);
	FUZZ_CHECK(ppp_auth_server_addr4(a->s) == 0x0100000a);
	if (a->proto == PPP_AUTHP_PAP) {
		FUZZ_CHECK(k.send_len == 0 && k.recv_len == 0);
		return;
	}
	FUZZ_CHECK(k.send_len == 16 && k.recv_len == 16 && a->verified);
	FUZZ_CHECK(ms_chapv2_client_keys(a->pw, a->nt, s, r) == 0);
	FUZZ_CHECK(memcmp(k.send, s, 16) == 0 && memcmp(k.recv, r, 16) == 0);
	ppp_auth_keys_clear(&k);
}

/* Check one call's result and what it wrote. */
static void
as_result(struct as *a, int r, bool from_timer)
{
	const char *why = ppp_auth_server_reason(a->s);

	FUZZ_CHECK(r >= 0 && (r & ~AS_RESULTS) == 0);
	FUZZ_CHECK((r & (PPP_AUTHSRV_OK | PPP_AUTHSRV_FAIL)) !=
	    (PPP_AUTHSRV_OK | PPP_AUTHSRV_FAIL));
	if (r & PPP_AUTHSRV_SEND) {
		FUZZ_CHECK(wbuf_error(&a->out) == 0 && a->out.len > 0);
		as_check_frame(a, from_timer);
	} else if (!(r & PPP_AUTHSRV_FAIL)) {
		FUZZ_CHECK(a->out.len == 0 || wbuf_error(&a->out) != 0);
	}
	if (r & PPP_AUTHSRV_FAIL) {
		FUZZ_CHECK(!a->failed && !a->ok);
		a->failed = true;
	}
	if (a->failed) {
		FUZZ_CHECK(fuzz_str_ok(why, strlen(why) + 1, 1));
		FUZZ_CHECK(why[0] != '\0');
		FUZZ_CHECK(a->peer_said_pw ||
		    !as_contains((const uint8_t *)why, strlen(why), a->pw));
	} else {
		FUZZ_CHECK(why[0] == '\0');
	}
	if (r & PPP_AUTHSRV_OK) {
		FUZZ_CHECK(!a->ok && !a->failed);
		FUZZ_CHECK(!a->bad_len);
		if (a->proto == PPP_AUTHP_PAP)
			FUZZ_CHECK(as_in_right(a, NULL, NULL));
		else
			FUZZ_CHECK(a->verified && a->ms_usable);
		a->ok = true;
	}
	FUZZ_CHECK(!ppp_auth_server_wants_timer(a->s) ||
	    (a->proto != PPP_AUTHP_PAP && !a->ok && !a->failed));
	as_check_result(a);
}

/* Feed one frame to the server. */
static void
as_feed(struct as *a, uint16_t proto, struct bcur info)
{
	int r;

	wbuf_init(&a->out, a->outbuf, a->outcap);
	a->in_proto = proto;
	a->in = info;
	r = ppp_auth_server_input(a->s, proto, info, &a->out);
	as_result(a, r, false);
	a->in_proto = 0;
}

/* Feed bytes the fuzzer chose (not a GOOD answer we built). */
static void
as_feed_peer(struct as *a, uint16_t proto, struct bcur info)
{
	if (as_contains(info.p, bcur_left(&info), a->pw))
		a->peer_said_pw = true;
	as_feed(a, proto, info);
}

/* GOOD: the answer of a peer knowing the password (see the top). */
static void
as_good(struct as *a, struct bcur rec)
{
	uint8_t f[600], pch[MS_CHALLENGE_LEN], nt[MS_NT_RESPONSE_LEN];
	struct wbuf w;
	size_t start, ms_start = 0, i;
	uint8_t id = a->req_id;

	wbuf_init(&w, f, sizeof f);
	start = w.len;
	if (a->proto == PPP_AUTHP_PAP) {
		wbuf_put_u8(&w, PAP_CODE_AUTH_REQ);
		wbuf_put_u8(&w, fuzz_u8(&rec, 1));
		wbuf_put_be16(&w, 0);
		wbuf_put_u8(&w, (uint8_t)strlen(a->user));
		wbuf_put_str(&w, a->user);
		wbuf_put_u8(&w, (uint8_t)strlen(a->pw));
		wbuf_put_str(&w, a->pw);
	} else if (a->req_len == 0) {
		as_feed_peer(a, a->pproto, rec);
		return;
	} else if (a->proto == PPP_AUTHP_EAP &&
	    a->req_type == EAP_TYPE_IDENTITY) {
		wbuf_put_u8(&w, EAP_CODE_RESPONSE);
		wbuf_put_u8(&w, id);
		wbuf_put_be16(&w, 0);
		wbuf_put_u8(&w, EAP_TYPE_IDENTITY);
		wbuf_put_str(&w, a->user);
	} else if (a->proto == PPP_AUTHP_EAP &&
	    a->req_op != MSCHAPV2_OP_CHALLENGE) {
		wbuf_put_u8(&w, EAP_CODE_RESPONSE);
		wbuf_put_u8(&w, id);
		wbuf_put_be16(&w, 0);
		wbuf_put_u8(&w, EAP_TYPE_MSCHAPV2);
		wbuf_put_u8(&w, a->req_op);
	} else {
		for (i = 0; i < sizeof pch; i++)
			pch[i] = fuzz_u8(&rec, (uint8_t)i);
		if (ms_generate_nt_response(a->auth_ch, pch, a->user, a->pw,
		    nt) < 0) {
			as_feed_peer(a, a->pproto, rec);
			return;
		}
		wbuf_put_u8(&w, a->proto == PPP_AUTHP_EAP ?
		    EAP_CODE_RESPONSE : CHAP_CODE_RESPONSE);
		wbuf_put_u8(&w, id);
		wbuf_put_be16(&w, 0);
		if (a->proto == PPP_AUTHP_EAP) {
			wbuf_put_u8(&w, EAP_TYPE_MSCHAPV2);
			ms_start = w.len;
			wbuf_put_u8(&w, MSCHAPV2_OP_RESPONSE);
			wbuf_put_u8(&w, a->ms_id);
			wbuf_put_be16(&w, 0);
		}
		wbuf_put_u8(&w, MSCHAPV2_VALUE_LEN);
		wbuf_put_bytes(&w, pch, sizeof pch);
		wbuf_put_zero(&w, 8);
		wbuf_put_bytes(&w, nt, sizeof nt);
		wbuf_put_u8(&w, 0);
		wbuf_put_str(&w, a->user);
		if (ms_start != 0)
			wbuf_patch_be16(&w, ms_start + 2,
			    (uint16_t)(w.len - ms_start));
	}
	FUZZ_CHECK(wbuf_error(&w) == 0);
	wbuf_patch_be16(&w, start + 2, (uint16_t)(w.len - start));
	as_feed(a, a->pproto, bcur_make(f, w.len));
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum ppp_auth_proto protos[] = { PPP_AUTHP_PAP,
	    PPP_AUTHP_MSCHAPV2, PPP_AUTHP_EAP };
	static const uint16_t pprotos[] = { PPP_PROTO_PAP, PPP_PROTO_CHAP,
	    PPP_PROTO_EAP };
	struct bcur in = bcur_make(data, size), rec;
	struct as a;
	uint8_t flags, ev, sel;
	uint16_t proto;
	int r;

	memset(&a, 0, sizeof a);
	sel = fuzz_u8(&in, 0) % 3;
	a.proto = protos[sel];
	a.pproto = pprotos[sel];
	flags = fuzz_u8(&in, 0);
	a.user = (flags & 1) ? "DOM\\fz" : "fz";
	a.pw = (flags & 2) ? "\xff\xfe-bad" : "fuzz-secret-Pw1";
	a.ms_usable = (flags & 2) == 0;
	a.outcap = (flags & 4) ? 24 : sizeof a.outbuf;
	a.bad_len = (flags & 8) != 0;
	a.s = ppp_auth_server_new(a.proto, AS_NAME, as_lookup, &a,
	    (flags & 16) ? as_rand : NULL);
	if (a.s == NULL)
		return 0;
	wbuf_init(&a.out, a.outbuf, a.outcap);
	r = ppp_auth_server_start(a.s, &a.out);
	as_result(&a, r, false);
	while (bcur_left(&in) > 0) {
		rec = fuzz_record(&in, &ev);
		switch (ev % AS_EV_COUNT) {
		case AS_OWN:
			as_feed_peer(&a, a.pproto, rec);
			break;
		case AS_ANY:
			proto = fuzz_be16(&rec);
			as_feed_peer(&a, proto, rec);
			break;
		case AS_TIMEOUT:
			wbuf_init(&a.out, a.outbuf, a.outcap);
			r = ppp_auth_server_timeout(a.s, &a.out);
			as_result(&a, r, true);
			break;
		case AS_GOOD:
			as_good(&a, rec);
			break;
		case AS_START:
			wbuf_init(&a.out, a.outbuf, a.outcap);
			r = ppp_auth_server_start(a.s, &a.out);
			FUZZ_CHECK(r == 0 && a.out.len == 0);
			break;
		}
	}
	ppp_auth_server_free(a.s);
	return 0;
}
