/*
 * ppp_authsrv.c - the authenticator side of PPP authentication (see
 * ppp_authsrv.h): PAP (RFC 1334 2.2), MS-CHAPv2 over CHAP (RFC 2759,
 * RFC 1994 4) and EAP (RFC 3748) with EAP-MSCHAPv2
 * (draft-kamath-pppext-eap-mschapv2-02, PROTOCOL.md 6.3).  The MS-CHAPv2
 * arithmetic is crypto/ms_funcs.h, shared with the client side.
 *
 * The conversation is one table: (state, kind of packet from the peer) ->
 * handler; a pair with no handler is dropped.  CHAP and EAP Responses are
 * first matched by Identifier: the outstanding Challenge/Request's goes to
 * the table; the one answered last gets that answer again (RFC 1994 4.2:
 * the Success may be lost; RFC 3748 4.1 retransmissions); any other is
 * silently discarded (RFC 3748 4.1).
 *
 * Every verification takes the same path for an unknown user, an unusable
 * name and a wrong password: a secret (a dummy one when there is none) is
 * run through the whole computation and compared in constant time, and the
 * peer gets the same Nak/Failure.  The secret lives on the stack of the
 * verifying call and is wiped before it returns; the MPPE keys are wiped
 * at free.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/ctype.h"
#include "util/log.h"
#include "crypto/crypto.h"
#include "crypto/ms_funcs.h"
#include "ppp/auth_keys.h"
#include "ppp/ppp_auth.h"
#include "ppp/ppp_authsrv.h"
#include "ppp/ppp_cp.h"
#include "ppp/ppp_engine.h"
#include "ppp/proto.h"

#define SRV_MAX_SENDS	10	/* transmissions of one Challenge/Request */
#define SRV_NAME_MAX	255	/* our Name; the peer's: 1-octet lengths */
#define SRV_FRAME_MAX	512	/* largest frame we send, protocol first */
#define SRV_REASON_MAX	256
#define SRV_SHOWN_MAX	64	/* the peer's name as quoted in a reason */
#define SRV_MAX_NAKS	1	/* Legacy Naks asking again for 26 */
#define PAP_FIELD_MAX	255	/* Peer-ID and Passwd (RFC 1334 2.2.1) */
#define EAP_MS_HDR_LEN	4	/* OpCode, MS-CHAPv2-ID, MS-Length */

/* Our words to the peer (RFC 1334 2.2.2, RFC 2759 5 and 6). */
#define PAP_MSG_ACK	"Login ok"
#define PAP_MSG_NAK	"Login incorrect"
#define MS_MSG_OK	"Access granted"
#define MS_MSG_FAIL	"Authentication failed"
#define MS_ERR_AUTH	691	/* RFC 2759 6: authentication failure */

/* Run when a user has no (usable) secret: same work, never a match. */
static const char srv_dummy_secret[] = "no-such-user-xx";

enum srv_state {
	SS_IDLE = 0,		/* not started */
	SS_PAP_WAIT,		/* PAP: waiting for Authenticate-Request */
	SS_CHAL_SENT,		/* MS-CHAPv2: Challenge outstanding */
	SS_EAP_ID_SENT,		/* EAP: Request/Identity outstanding */
	SS_EAP_CHAL_SENT,	/* EAP-MSCHAPv2 Challenge outstanding */
	SS_EAP_SUCC_SENT,	/* EAP-MSCHAPv2 Success-Request outstanding */
	SS_EAP_FAIL_SENT,	/* EAP-MSCHAPv2 Failure-Request outstanding */
	SS_OK,			/* peer authenticated */
	SS_FAILED,		/* refused; reason set */
	SS_COUNT
};

/* What a packet from the peer is, for the table. */
enum srv_event {
	SE_PAP_REQ = 0,		/* PAP Authenticate-Request */
	SE_CHAP_RESP,		/* CHAP Response (MS-CHAPv2 value) */
	SE_EAP_IDENTITY,	/* EAP Response/Identity */
	SE_EAP_NAK,		/* EAP Response/Legacy Nak */
	SE_EAP_MS_RESP,		/* EAP-MSCHAPv2 Response (OpCode 2) */
	SE_EAP_MS_SUCC,		/* EAP-MSCHAPv2 Success Response (3) */
	SE_EAP_MS_FAIL,		/* EAP-MSCHAPv2 Failure Response (4) */
	SE_COUNT,
	SE_NONE = SE_COUNT	/* nothing an authenticator takes */
};

struct ppp_auth_server {
	enum ppp_auth_proto	 proto;
	enum srv_state		 state;
	char			 name[SRV_NAME_MAX + 1];	/* ours */
	ppp_authsrv_lookup	 lookup;
	void			*lookup_arg;
	void			(*rand)(void *, size_t);
	const char		*log_ctx;	/* util/log.h; NULL none */
	uint8_t			 next_id;	/* of our next Request */
	/* The outstanding Challenge/Request, as sent (for resends). */
	uint8_t			 cur_id;
	unsigned		 sends;
	uint8_t			 req[SRV_FRAME_MAX];
	size_t			 req_len;
	/* The Response answered last and our answer (RFC 1994 4.2). */
	bool			 have_last;
	uint8_t			 last_id;
	uint8_t			 last_out[SRV_FRAME_MAX];
	size_t			 last_len;
	/* MS-CHAPv2 */
	uint8_t			 auth_ch[MS_CHALLENGE_LEN];
	uint8_t			 ms_id;		/* EAP MS-CHAPv2-ID */
	unsigned		 naks;
	/* EAP Identity (printable) or why it cannot be a user name. */
	char			 identity[PAP_FIELD_MAX + 1];
	bool			 identity_ok;
	/* EAP: why, once our Failure-Request is answered. */
	char			 pending[SRV_REASON_MAX];
	/* The result, valid in SS_OK. */
	char			 user[PAP_FIELD_MAX + 1];
	uint32_t		 addr4;
	struct ppp_auth_keys	 keys;		/* secret */
	char			 reason[SRV_REASON_MAX];
};

/* A packet from the peer, classified; data is what follows the header. */
struct srv_pkt {
	uint8_t		id;
	struct bcur	data;		/* PAP/CHAP: after Length; EAP: after
					   Type (and the MS-CHAPv2 header) */
	struct bcur	whole;		/* the packet, Code to Length */
	uint8_t		ms_id;		/* EAP-MSCHAPv2 */
};

typedef int (*srv_handler)(struct ppp_auth_server *, const struct srv_pkt *,
    struct wbuf *);

static int	pap_request(struct ppp_auth_server *, const struct srv_pkt *,
		    struct wbuf *);
static int	pap_again(struct ppp_auth_server *, const struct srv_pkt *,
		    struct wbuf *);
static int	pap_nak_again(struct ppp_auth_server *,
		    const struct srv_pkt *, struct wbuf *);
static int	chap_response(struct ppp_auth_server *,
		    const struct srv_pkt *, struct wbuf *);
static int	eap_identity(struct ppp_auth_server *,
		    const struct srv_pkt *, struct wbuf *);
static int	eap_nak(struct ppp_auth_server *, const struct srv_pkt *,
		    struct wbuf *);
static int	eap_ms_response(struct ppp_auth_server *,
		    const struct srv_pkt *, struct wbuf *);
static int	eap_ms_success(struct ppp_auth_server *,
		    const struct srv_pkt *, struct wbuf *);
static int	eap_ms_failure(struct ppp_auth_server *,
		    const struct srv_pkt *, struct wbuf *);

/*
 * The conversation (state x packet -> handler; NULL: dropped).  CHAP and
 * EAP rows are reached only with the outstanding Identifier.
 */
static const srv_handler srv_table[SS_COUNT][SE_COUNT] = {
	[SS_PAP_WAIT] = {
		[SE_PAP_REQ] = pap_request,	/* RFC 1334 2.2.1 */
	},
	[SS_CHAL_SENT] = {
		[SE_CHAP_RESP] = chap_response,	/* RFC 2759 4, 5, 6 */
	},
	[SS_EAP_ID_SENT] = {
		[SE_EAP_IDENTITY] = eap_identity,	/* RFC 3748 5.1 */
	},
	[SS_EAP_CHAL_SENT] = {
		[SE_EAP_MS_RESP] = eap_ms_response,
		[SE_EAP_NAK] = eap_nak,		/* RFC 3748 5.3.1 */
	},
	[SS_EAP_SUCC_SENT] = {
		[SE_EAP_MS_SUCC] = eap_ms_success,
		[SE_EAP_MS_FAIL] = eap_ms_failure,	/* S= refused */
	},
	[SS_EAP_FAIL_SENT] = {
		[SE_EAP_MS_FAIL] = eap_ms_failure,
	},
	[SS_OK] = {
		[SE_PAP_REQ] = pap_again,	/* the Ack was lost */
	},
	[SS_FAILED] = {
		[SE_PAP_REQ] = pap_nak_again,
	},
};

/* Log name of the method. */
static const char *
srv_method(const struct ppp_auth_server *p)
{
	switch (p->proto) {
	case PPP_AUTHP_PAP:
		return "PAP";
	case PPP_AUTHP_MSCHAPV2:
		return "MS-CHAPv2";
	default:
		return "EAP-MSCHAPv2";
	}
}

/* PPP protocol of the method. */
static uint16_t
srv_pproto(const struct ppp_auth_server *p)
{
	switch (p->proto) {
	case PPP_AUTHP_PAP:
		return PPP_PROTO_PAP;
	case PPP_AUTHP_MSCHAPV2:
		return PPP_PROTO_CHAP;
	default:
		return PPP_PROTO_EAP;
	}
}

/* Is a Challenge/Request waiting for its Response in this state? */
static bool
srv_outstanding(enum srv_state s)
{
	return s == SS_CHAL_SENT || s == SS_EAP_ID_SENT ||
	    s == SS_EAP_CHAL_SENT || s == SS_EAP_SUCC_SENT ||
	    s == SS_EAP_FAIL_SENT;
}

/* Format a reason: one printable line whatever went into it. */
static void
srv_vwhy(char *buf, size_t cap, const char *fmt, va_list ap)
{
	char *c;

	vsnprintf(buf, cap, fmt, ap);
	for (c = buf; *c != '\0'; c++)
		if (!is_print((uint8_t)*c))
			*c = '?';
}

/* srv_vwhy() with arguments. */
static void
srv_why(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
srv_why(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	srv_vwhy(buf, cap, fmt, ap);
	va_end(ap);
}

/* Record why it failed (the first reason stays), wipe keys, FAIL. */
static int
srv_fail(struct ppp_auth_server *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
srv_fail(struct ppp_auth_server *p, const char *fmt, ...)
{
	va_list ap;

	if (p->state == SS_FAILED)
		return 0;
	va_start(ap, fmt);
	srv_vwhy(p->reason, sizeof p->reason, fmt, ap);
	va_end(ap);
	p->state = SS_FAILED;
	ppp_auth_keys_clear(&p->keys);
	p->user[0] = '\0';
	p->addr4 = 0;
	return PPP_AUTHSRV_FAIL;
}

/* A packet the authenticator does not take: one log line, no change. */
static int
srv_drop(const struct ppp_auth_server *p, const char *why)
{
	log_debug_c(p->log_ctx, "%s authenticator: %s: packet from the "
	    "peer dropped", srv_method(p), why);
	return 0;
}

/* Random octets from the hook or the kernel. */
static int
srv_random(struct ppp_auth_server *p, void *buf, size_t len)
{
	if (p->rand != NULL) {
		p->rand(buf, len);
		return 0;
	}
	return crypto_random(buf, len);
}

/*
 * srv_name_ok - is @v usable as a user name: 1..255 octets of printable
 * ASCII (ppp_engine.h lookup_secret); copied NUL-terminated into @out
 * (PAP_FIELD_MAX + 1) when it is, else @out is "".
 */
static bool
srv_name_ok(struct bcur v, char *out)
{
	size_t n = bcur_left(&v), i;
	const uint8_t *b = bcur_ptr(&v);

	out[0] = '\0';
	if (n == 0 || n > PAP_FIELD_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!is_print(b[i]))
			return false;
	memcpy(out, b, n);
	out[n] = '\0';
	return true;
}

/* The peer's name for a reason line: printable, cut short. */
static void
srv_shown(struct bcur v, char out[SRV_SHOWN_MAX])
{
	(void)bcur_get_printable(&v, out, SRV_SHOWN_MAX);
}

/*
 * srv_lookup - the secret of @user into @sec (caller wipes it).  True only
 * when the user exists and the secret is a NUL-terminated string of
 * sec->len octets; otherwise @sec holds the dummy secret, so that the
 * caller runs the same computation.  *found tells the two failures apart
 * for the reason line (never for the peer).
 */
static bool
srv_lookup(struct ppp_auth_server *p, const char *user, bool name_ok,
    struct ppp_secret *sec, bool *found)
{
	bool usable;

	memset(sec, 0, sizeof *sec);
	*found = name_ok && p->lookup(p->lookup_arg, user, sec) == 0;
	usable = *found && sec->len < sizeof sec->secret &&
	    sec->secret[sec->len] == '\0' && strlen(sec->secret) == sec->len;
	if (!usable) {
		explicit_bzero(sec, sizeof *sec);
		memcpy(sec->secret, srv_dummy_secret, sizeof srv_dummy_secret);
		sec->len = sizeof srv_dummy_secret - 1;
	}
	return usable;
}

/*
 * srv_begin - append the protocol and a control packet header (Code,
 * Identifier, Length placeholder; RFC 1661 5), engine style (no FF 03);
 * returns the offset for ppp_cp_end().
 */
static size_t
srv_begin(struct wbuf *w, uint16_t proto, uint8_t code, uint8_t id)
{
	size_t start;

	wbuf_put_be16(w, proto);
	start = w->len;
	wbuf_put_u8(w, code);
	wbuf_put_u8(w, id);
	wbuf_put_be16(w, 0);
	return start;
}

/*
 * Copy a built frame to the caller: SEND, or FAIL when out has no room
 * (after the verdict: nothing, the verdict stands).
 */
static int
srv_emit(struct ppp_auth_server *p, const uint8_t *f, size_t len,
    struct wbuf *out)
{
	wbuf_put_bytes(out, f, len);
	if (wbuf_error(out) == 0)
		return PPP_AUTHSRV_SEND;
	if (p->state == SS_OK || p->state == SS_FAILED)
		return srv_drop(p, "no room to answer a repeated packet");
	return srv_fail(p, "%s: internal error: no room for the frame to "
	    "the peer (%s)", srv_method(p), strerror(-wbuf_error(out)));
}

/*
 * srv_request - send the Challenge/Request built in @w (over p->req) as
 * the outstanding one, with Identifier @id; it is resent on timeout.
 */
static int
srv_request(struct ppp_auth_server *p, const struct wbuf *w, uint8_t id,
    enum srv_state next, struct wbuf *out)
{
	if (wbuf_error(w) != 0) {
		p->req_len = 0;
		return srv_fail(p, "%s: internal error: cannot build the "
		    "request (%s)", srv_method(p), strerror(-wbuf_error(w)));
	}
	p->req_len = w->len;
	p->cur_id = id;
	p->sends = 1;
	p->state = next;
	return srv_emit(p, p->req, p->req_len, out);
}

/*
 * srv_answer - send @f (len octets) as the answer to the Response with
 * Identifier @id and keep it for a repeated Response.
 */
static int
srv_answer(struct ppp_auth_server *p, uint8_t id, const uint8_t *f,
    size_t len, struct wbuf *out)
{
	p->have_last = false;
	if (len <= sizeof p->last_out) {
		if (f != p->last_out)
			memcpy(p->last_out, f, len);
		p->last_len = len;
		p->last_id = id;
		p->have_last = true;
	}
	return srv_emit(p, f, len, out);
}

/* Upper-case hex of n octets, NUL-terminated (out: 2n + 1). */
static void
srv_hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

/*
 * srv_ms_failure_msg - the Message of an MS-CHAPv2 Failure (RFC 2759 6):
 * "E=691 R=0 C=<new challenge, 32 hex> V=3 M=<text>" (no retry: R=0).
 */
static int
srv_ms_failure_msg(struct ppp_auth_server *p, struct wbuf *w)
{
	uint8_t ch[MS_CHALLENGE_LEN];
	char hex[2 * MS_CHALLENGE_LEN + 1];
	int r;

	if ((r = srv_random(p, ch, sizeof ch)) < 0)
		return r;
	srv_hex(ch, sizeof ch, hex);
	wbuf_printf(w, "E=%d R=0 C=%s V=3 M=%s", MS_ERR_AUTH, hex,
	    MS_MSG_FAIL);
	return 0;
}

/* --- PAP (RFC 1334 2.2) ------------------------------------------------ */

/* Authenticate-Ack or -Nak (RFC 1334 2.2.2, 2.2.3) with a short message. */
static int
pap_verdict(struct ppp_auth_server *p, uint8_t id, bool ack,
    struct wbuf *out)
{
	const char *msg = ack ? PAP_MSG_ACK : PAP_MSG_NAK;
	uint8_t f[64];
	struct wbuf w;
	size_t start;

	wbuf_init(&w, f, sizeof f);
	start = srv_begin(&w, PPP_PROTO_PAP,
	    ack ? PAP_CODE_AUTH_ACK : PAP_CODE_AUTH_NAK, id);
	wbuf_put_u8(&w, (uint8_t)strlen(msg));
	wbuf_put_str(&w, msg);
	ppp_cp_end(&w, start);
	if (wbuf_error(&w) != 0)
		return srv_fail(p, "PAP: internal error: cannot build the "
		    "answer");
	return srv_answer(p, id, f, w.len, out);
}

/*
 * pap_check - the Peer-ID/Password of an Authenticate-Request against the
 * secret: both padded into equal 256-octet buffers and compared in
 * constant time, the lengths folded in without a branch.  0 right, 1 no
 * such user, 2 wrong password, -EBADMSG malformed.  @user gets the
 * Peer-ID when it is a usable name, @shown a printable copy always.
 */
static int
pap_check(struct ppp_auth_server *p, const struct srv_pkt *pkt,
    char user[PAP_FIELD_MAX + 1], char shown[SRV_SHOWN_MAX],
    uint32_t *addr4)
{
	uint8_t got[PAP_FIELD_MAX + 1], want[PAP_FIELD_MAX + 1];
	struct bcur d = pkt->data, id_v, pw_v;
	struct ppp_secret sec;
	uint8_t il, pl;
	bool name_ok, usable, found;
	unsigned eq;

	if (bcur_get_u8(&d, &il) < 0 || bcur_get_view(&d, il, &id_v) < 0 ||
	    bcur_get_u8(&d, &pl) < 0 || bcur_get_view(&d, pl, &pw_v) < 0)
		return -EBADMSG;
	name_ok = srv_name_ok(id_v, user);
	srv_shown(id_v, shown);
	usable = srv_lookup(p, user, name_ok, &sec, &found);
	memset(got, 0, sizeof got);
	memset(want, 0, sizeof want);
	(void)bcur_get_bytes(&pw_v, got, pl);
	memcpy(want, sec.secret, sec.len < sizeof want ? sec.len :
	    sizeof want);
	eq = crypto_memeq(got, want, sizeof got);
	eq &= (unsigned)(sec.len == pl);
	eq &= (unsigned)usable;
	*addr4 = sec.addr4;
	explicit_bzero(got, sizeof got);
	explicit_bzero(want, sizeof want);
	explicit_bzero(&sec, sizeof sec);
	if (eq)
		return 0;
	return usable ? 2 : 1;
}

/* Authenticate-Request while waiting (RFC 1334 2.2.1). */
static int
pap_request(struct ppp_auth_server *p, const struct srv_pkt *pkt,
    struct wbuf *out)
{
	char user[PAP_FIELD_MAX + 1], shown[SRV_SHOWN_MAX];
	uint32_t addr4 = 0;
	int r, res;

	if ((r = pap_check(p, pkt, user, shown, &addr4)) < 0)
		return srv_drop(p, "Authenticate-Request shorter than its "
		    "fields");
	if (r == 0) {
		res = pap_verdict(p, pkt->id, true, out);
		if (res & PPP_AUTHSRV_FAIL)
			return res;
		memcpy(p->user, user, sizeof p->user);
		p->addr4 = addr4;
		p->state = SS_OK;
		return res | PPP_AUTHSRV_OK;
	}
	res = pap_verdict(p, pkt->id, false, out);
	return res | srv_fail(p, "PAP: %s \"%s\"", r == 1 ?
	    "unknown user (or no usable secret)" : "wrong password for user",
	    shown);
}

/*
 * After the Ack: a new Request means the Ack was lost (RFC 1334 2.2.1
 * changes the Identifier each time); the same user with the right
 * password gets the Ack again, anything else nothing.
 */
static int
pap_again(struct ppp_auth_server *p, const struct srv_pkt *pkt,
    struct wbuf *out)
{
	char user[PAP_FIELD_MAX + 1], shown[SRV_SHOWN_MAX];
	uint32_t addr4 = 0;

	if (pap_check(p, pkt, user, shown, &addr4) != 0 ||
	    strcmp(user, p->user) != 0)
		return srv_drop(p, "a different login after the Ack");
	return pap_verdict(p, pkt->id, true, out) & PPP_AUTHSRV_SEND;
}

/* After the Nak: the same answer again (the link is going down). */
static int
pap_nak_again(struct ppp_auth_server *p, const struct srv_pkt *pkt,
    struct wbuf *out)
{
	if (p->proto != PPP_AUTHP_PAP || !p->have_last)
		return srv_drop(p, "after the failure");
	return pap_verdict(p, pkt->id, false, out) & PPP_AUTHSRV_SEND;
}

/* --- MS-CHAPv2 (RFC 2759) ---------------------------------------------- */

/* The 49-octet Response value (RFC 2759 4) and the Name after it. */
struct ms_resp {
	uint8_t		peer_ch[MS_CHALLENGE_LEN];
	uint8_t		nt[MS_NT_RESPONSE_LEN];
	struct bcur	name;
};

/* Parse Value-Size, the Response value and the Name. */
static int
ms_parse(struct bcur d, struct ms_resp *m)
{
	uint8_t vsize, flags;

	if (bcur_get_u8(&d, &vsize) < 0 || vsize != MSCHAPV2_VALUE_LEN ||
	    bcur_get_bytes(&d, m->peer_ch, sizeof m->peer_ch) < 0 ||
	    bcur_skip(&d, 8) < 0 ||				/* Reserved */
	    bcur_get_bytes(&d, m->nt, sizeof m->nt) < 0 ||
	    bcur_get_u8(&d, &flags) < 0)
		return -EBADMSG;
	/* Reserved and Flags MUST be zero; only the NT-Response counts. */
	m->name = d;
	return 0;
}

/*
 * ms_keys - the MPPE master keys (RFC 3079 3.4) in the server's own view
 * (IsServer): its send key is the client's MasterReceiveKey and its
 * receive key the client's MasterSendKey; reported swapped, in the
 * client's orientation (ppp/auth_keys.h).
 */
static int
ms_keys(struct ppp_auth_server *p, const char *secret,
    const uint8_t nt[MS_NT_RESPONSE_LEN])
{
	uint8_t h[MS_PW_HASH_LEN], hh[MS_PW_HASH_LEN], mk[MS_MASTER_KEY_LEN];
	uint8_t srv_send[MS_MPPE_KEY_MAX], srv_recv[MS_MPPE_KEY_MAX];
	int r;

	if ((r = ms_nt_password_hash(secret, h)) == 0) {
		ms_hash_nt_password_hash(h, hh);
		if ((r = ms_get_master_key(hh, nt, mk)) == 0 &&
		    (r = ms_get_asymmetric_start_key(mk, srv_send,
		    sizeof srv_send, true, true)) == 0)
			r = ms_get_asymmetric_start_key(mk, srv_recv,
			    sizeof srv_recv, false, true);
	}
	if (r == 0) {
		memcpy(p->keys.send, srv_recv, sizeof srv_recv);
		memcpy(p->keys.recv, srv_send, sizeof srv_send);
		p->keys.send_len = sizeof srv_recv;
		p->keys.recv_len = sizeof srv_send;
	}
	explicit_bzero(h, sizeof h);
	explicit_bzero(hh, sizeof hh);
	explicit_bzero(mk, sizeof mk);
	explicit_bzero(srv_send, sizeof srv_send);
	explicit_bzero(srv_recv, sizeof srv_recv);
	return r;
}

/*
 * ms_verify - check an NT-Response (RFC 2759 8.1) against the secret of
 * @user (looked up) for the outstanding Challenge; the ChallengeHash uses
 * the Name the peer sent (@name).  Right: 0, @s_msg gets the
 * Authenticator Response (RFC 2759 8.7), the keys and p->user/addr4 are
 * set.  Otherwise a positive code for the reason (1 no user, 2 wrong
 * password, 3 secret unusable for MS-CHAPv2) or a negative errno.
 */
static int
ms_verify(struct ppp_auth_server *p, const char *user, bool name_ok,
    const char *name, const struct ms_resp *m,
    char s_msg[MS_AUTH_RESPONSE_LEN + 1])
{
	uint8_t want[MS_NT_RESPONSE_LEN];
	struct ppp_secret sec;
	bool usable, found, eq;
	int r, res;

	usable = srv_lookup(p, user, name_ok, &sec, &found);
	r = ms_generate_nt_response(p->auth_ch, m->peer_ch, name,
	    sec.secret, want);
	eq = crypto_memeq(want, m->nt, sizeof want) & (r == 0) & usable;
	if (!eq)
		res = !usable ? 1 : r == 0 ? 2 : 3;
	else if ((res = ms_generate_authenticator_response(sec.secret, m->nt,
	    m->peer_ch, p->auth_ch, name, s_msg)) == 0 &&
	    (res = ms_keys(p, sec.secret, m->nt)) == 0) {
		memcpy(p->user, user, sizeof p->user);
		p->addr4 = sec.addr4;
	}
	explicit_bzero(want, sizeof want);
	explicit_bzero(&sec, sizeof sec);
	return res;
}

/* A user name without its "DOMAIN\" (RFC 2759 8.2). */
static const char *
ms_bare(const char *name)
{
	const char *bs = strrchr(name, '\\');

	return bs != NULL ? bs + 1 : name;
}

/* The reason line for a refused MS-CHAPv2 login, into @buf. */
static void
ms_refused(const struct ppp_auth_server *p, int why, const char *shown,
    char *buf, size_t cap)
{
	if (why < 0)
		srv_why(buf, cap, "%s: internal error: %s", srv_method(p),
		    strerror(-why));
	else
		srv_why(buf, cap, "%s: %s \"%s\"", srv_method(p),
		    why == 1 ? "unknown user (or no usable secret)" :
		    why == 2 ? "wrong password for user" :
		    "the secret (not UTF-8, or too long) cannot serve "
		    "MS-CHAPv2 for user", shown);
}

/*
 * ms_challenge - send a Challenge (RFC 2759 3): a new Identifier and 16
 * new random octets, our Name; over CHAP, or inside EAP-MSCHAPv2
 * (OpCode 1, MS-CHAPv2-ID = the EAP Identifier, MS-Length = EAP Length
 * - 5).
 */
static int
ms_challenge(struct ppp_auth_server *p, struct wbuf *out)
{
	struct wbuf w;
	size_t start, ms_start;
	uint8_t id = p->next_id++;
	int r;

	if ((r = srv_random(p, p->auth_ch, sizeof p->auth_ch)) < 0)
		return srv_fail(p, "%s: no random challenge: %s",
		    srv_method(p), strerror(-r));
	wbuf_init(&w, p->req, sizeof p->req);
	if (p->proto == PPP_AUTHP_MSCHAPV2) {
		start = srv_begin(&w, PPP_PROTO_CHAP, CHAP_CODE_CHALLENGE, id);
		wbuf_put_u8(&w, MS_CHALLENGE_LEN);
		wbuf_put_bytes(&w, p->auth_ch, sizeof p->auth_ch);
		wbuf_put_str(&w, p->name);
		ppp_cp_end(&w, start);
		return srv_request(p, &w, id, SS_CHAL_SENT, out);
	}
	p->ms_id = id;
	start = srv_begin(&w, PPP_PROTO_EAP, EAP_CODE_REQUEST, id);
	wbuf_put_u8(&w, EAP_TYPE_MSCHAPV2);
	ms_start = w.len;
	wbuf_put_u8(&w, MSCHAPV2_OP_CHALLENGE);
	wbuf_put_u8(&w, p->ms_id);
	wbuf_put_be16(&w, 0);
	wbuf_put_u8(&w, MS_CHALLENGE_LEN);
	wbuf_put_bytes(&w, p->auth_ch, sizeof p->auth_ch);
	wbuf_put_str(&w, p->name);
	ppp_cp_end(&w, start);
	if (wbuf_error(&w) == 0)
		wbuf_patch_be16(&w, ms_start + 2, (uint16_t)(w.len - ms_start));
	return srv_request(p, &w, id, SS_EAP_CHAL_SENT, out);
}

/* CHAP Response to our Challenge (RFC 2759 4): Success or Failure. */
static int
chap_response(struct ppp_auth_server *p, const struct srv_pkt *pkt,
    struct wbuf *out)
{
	char user[PAP_FIELD_MAX + 1], shown[SRV_SHOWN_MAX];
	char s_msg[MS_AUTH_RESPONSE_LEN + 1], why_s[SRV_REASON_MAX];
	uint8_t f[SRV_FRAME_MAX];
	struct ms_resp m;
	struct wbuf w;
	size_t start;
	bool name_ok;
	int why, res, r;

	if (ms_parse(pkt->data, &m) < 0)
		return srv_drop(p, "Response with a bad MS-CHAPv2 value");
	name_ok = srv_name_ok(m.name, user);
	srv_shown(m.name, shown);
	why = ms_verify(p, user, name_ok, user, &m, s_msg);
	wbuf_init(&w, f, sizeof f);
	if (why == 0) {
		/* RFC 2759 5: "S=<auth_string> M=<message>". */
		start = srv_begin(&w, PPP_PROTO_CHAP, CHAP_CODE_SUCCESS,
		    pkt->id);
		wbuf_printf(&w, "%s M=%s", s_msg, MS_MSG_OK);
		ppp_cp_end(&w, start);
		explicit_bzero(&m, sizeof m);
		if (wbuf_error(&w) != 0)
			return srv_fail(p, "MS-CHAPv2: internal error: cannot "
			    "build the Success");
		res = srv_answer(p, pkt->id, f, w.len, out);
		if (res & PPP_AUTHSRV_FAIL)
			return res;
		p->state = SS_OK;
		return res | PPP_AUTHSRV_OK;
	}
	explicit_bzero(&m, sizeof m);
	start = srv_begin(&w, PPP_PROTO_CHAP, CHAP_CODE_FAILURE, pkt->id);
	if ((r = srv_ms_failure_msg(p, &w)) < 0)
		return srv_fail(p, "MS-CHAPv2: no random challenge: %s",
		    strerror(-r));
	ppp_cp_end(&w, start);
	res = 0;
	if (wbuf_error(&w) == 0)
		res = srv_answer(p, pkt->id, f, w.len, out);
	ms_refused(p, why, shown, why_s, sizeof why_s);
	return res | srv_fail(p, "%s", why_s);
}

/* --- EAP (RFC 3748) with EAP-MSCHAPv2 ---------------------------------- */

/* Request/Identity (RFC 3748 5.1), no displayable message. */
static int
eap_request_identity(struct ppp_auth_server *p, struct wbuf *out)
{
	struct wbuf w;
	size_t start;
	uint8_t id = p->next_id++;

	wbuf_init(&w, p->req, sizeof p->req);
	start = srv_begin(&w, PPP_PROTO_EAP, EAP_CODE_REQUEST, id);
	wbuf_put_u8(&w, EAP_TYPE_IDENTITY);
	ppp_cp_end(&w, start);
	return srv_request(p, &w, id, SS_EAP_ID_SENT, out);
}

/*
 * eap_ms_request - an EAP-MSCHAPv2 Success-Request (OpCode 3, @msg
 * "S=... M=...") or Failure-Request (OpCode 4, "E=... M=...") under a new
 * EAP Identifier, the same MS-CHAPv2-ID; @w is over p->req and holds the
 * EAP header already (start at @start, message after @ms_start + 4).
 */
static int
eap_ms_request(struct ppp_auth_server *p, struct wbuf *w, size_t start,
    size_t ms_start, uint8_t id, enum srv_state next, struct wbuf *out)
{
	ppp_cp_end(w, start);
	if (wbuf_error(w) == 0)
		wbuf_patch_be16(w, ms_start + 2, (uint16_t)(w->len - ms_start));
	return srv_request(p, w, id, next, out);
}

/* Start an EAP-MSCHAPv2 Request with @op into p->req. */
static void
eap_ms_begin(struct ppp_auth_server *p, struct wbuf *w, uint8_t id,
    uint8_t op, size_t *start, size_t *ms_start)
{
	wbuf_init(w, p->req, sizeof p->req);
	*start = srv_begin(w, PPP_PROTO_EAP, EAP_CODE_REQUEST, id);
	wbuf_put_u8(w, EAP_TYPE_MSCHAPV2);
	*ms_start = w->len;
	wbuf_put_u8(w, op);
	wbuf_put_u8(w, p->ms_id);
	wbuf_put_be16(w, 0);
}

/* Answer the Response @pkt with the new outstanding Request (kept). */
static int
eap_next(struct ppp_auth_server *p, const struct srv_pkt *pkt, int res)
{
	if ((res & PPP_AUTHSRV_SEND) == 0)
		return res;
	p->have_last = p->req_len <= sizeof p->last_out;
	if (p->have_last) {
		memcpy(p->last_out, p->req, p->req_len);
		p->last_len = p->req_len;
		p->last_id = pkt->id;
	}
	return res;
}

/* EAP-Success or EAP-Failure (RFC 3748 4.2), Identifier of the Response. */
static int
eap_final(struct ppp_auth_server *p, uint8_t code, uint8_t id,
    struct wbuf *out)
{
	uint8_t f[8];
	struct wbuf w;
	size_t start;

	wbuf_init(&w, f, sizeof f);
	start = srv_begin(&w, PPP_PROTO_EAP, code, id);
	ppp_cp_end(&w, start);
	return srv_answer(p, id, f, w.len, out);
}

/* Response/Identity (RFC 3748 5.1): then the EAP-MSCHAPv2 Challenge. */
static int
eap_identity(struct ppp_auth_server *p, const struct srv_pkt *pkt,
    struct wbuf *out)
{
	/*
	 * Not a usable name: the exchange goes on and fails at the
	 * Response like a wrong password.
	 */
	p->identity_ok = srv_name_ok(pkt->data, p->identity);
	if (!p->identity_ok)
		srv_shown(pkt->data, p->identity);
	return eap_next(p, pkt, ms_challenge(p, out));
}

/*
 * Legacy Nak (RFC 3748 5.3.1) of our EAP-MSCHAPv2: a peer naming 26
 * anyway gets one more Challenge; one naming only other methods, which
 * we do not do, EAP-Failure.
 */
static int
eap_nak(struct ppp_auth_server *p, const struct srv_pkt *pkt,
    struct wbuf *out)
{
	char shown[SRV_SHOWN_MAX], *c;
	struct bcur d = pkt->data;
	bool wants26 = false;
	uint8_t t;
	int res;

	while (bcur_get_u8(&d, &t) == 0)
		wants26 |= t == EAP_TYPE_MSCHAPV2;
	if (wants26 && p->naks++ < SRV_MAX_NAKS)
		return eap_next(p, pkt, ms_challenge(p, out));
	/* The offered types as "25 13" for the reason. */
	d = pkt->data;
	c = shown;
	while (bcur_get_u8(&d, &t) == 0 && c + 5 < shown + sizeof shown)
		c += snprintf(c, 5, "%s%u", c == shown ? "" : " ", t);
	*c = '\0';
	res = eap_final(p, EAP_CODE_FAILURE, pkt->id, out);
	return res | srv_fail(p, "EAP: the peer refused EAP-MSCHAPv2 (Legacy "
	    "Nak offering %s)", shown[0] != '\0' ? shown : "nothing");
}

/* EAP-MSCHAPv2 Response (OpCode 2): Success- or Failure-Request. */
static int
eap_ms_response(struct ppp_auth_server *p, const struct srv_pkt *pkt,
    struct wbuf *out)
{
	char name[PAP_FIELD_MAX + 1], shown[SRV_SHOWN_MAX];
	char s_msg[MS_AUTH_RESPONSE_LEN + 1];
	struct ms_resp m;
	struct wbuf w;
	size_t start, ms_start;
	uint8_t id;
	bool name_valid, name_ok;
	int why, r;

	if (pkt->ms_id != p->ms_id)
		return srv_drop(p, "Response with another MS-CHAPv2-ID");
	if (ms_parse(pkt->data, &m) < 0)
		return srv_drop(p, "Response with a bad MS-CHAPv2 value");
	/*
	 * The secret is the Identity's; the ChallengeHash takes the Name
	 * without its domain (RFC 2759 8.2).  A Name for another user
	 * fails like a wrong password, after the same work.  XX: a
	 * Windows peer may put "DOMAIN\" on one of the two only: the
	 * names are compared without it (the ChallengeHash has none).
	 */
	name_valid = srv_name_ok(m.name, name);
	srv_shown(m.name, shown);
	name_ok = name_valid && p->identity_ok &&
	    strcmp(ms_bare(name), ms_bare(p->identity)) == 0;
	why = ms_verify(p, p->identity, name_ok, name, &m, s_msg);
	explicit_bzero(&m, sizeof m);
	id = p->next_id++;
	if (why == 0) {
		eap_ms_begin(p, &w, id, MSCHAPV2_OP_SUCCESS, &start,
		    &ms_start);
		wbuf_printf(&w, "%s M=%s", s_msg, MS_MSG_OK);
		return eap_next(p, pkt, eap_ms_request(p, &w, start, ms_start,
		    id, SS_EAP_SUCC_SENT, out));
	}
	/*
	 * Refused: the Failure-Request (draft-kamath 2.3) then, on the
	 * peer's answer, EAP-Failure; the reason is kept for then.
	 */
	if (!p->identity_ok)
		srv_why(p->pending, sizeof p->pending, "EAP-MSCHAPv2: the EAP "
		    "Identity \"%s\" is not a usable user name", p->identity);
	else if (why > 0 && !name_ok)
		srv_why(p->pending, sizeof p->pending, "EAP-MSCHAPv2: the "
		    "MS-CHAPv2 Name \"%s\" is not the EAP Identity \"%s\"",
		    shown, p->identity);
	else
		ms_refused(p, why, p->identity, p->pending,
		    sizeof p->pending);
	eap_ms_begin(p, &w, id, MSCHAPV2_OP_FAILURE, &start, &ms_start);
	if ((r = srv_ms_failure_msg(p, &w)) < 0)
		return srv_fail(p, "EAP-MSCHAPv2: no random challenge: %s",
		    strerror(-r));
	return eap_next(p, pkt, eap_ms_request(p, &w, start, ms_start, id,
	    SS_EAP_FAIL_SENT, out));
}

/* The peer's Success Response (OpCode 3): EAP-Success, OK. */
static int
eap_ms_success(struct ppp_auth_server *p, const struct srv_pkt *pkt,
    struct wbuf *out)
{
	int res;

	res = eap_final(p, EAP_CODE_SUCCESS, pkt->id, out);
	if (res & PPP_AUTHSRV_FAIL)
		return res;
	p->state = SS_OK;
	return res | PPP_AUTHSRV_OK;
}

/*
 * The peer's Failure Response (OpCode 4): to our Failure-Request, or
 * refusing our S= (it doubts we know the password): EAP-Failure, FAIL.
 */
static int
eap_ms_failure(struct ppp_auth_server *p, const struct srv_pkt *pkt,
    struct wbuf *out)
{
	int res;

	if (p->state == SS_EAP_SUCC_SENT)
		srv_why(p->pending, sizeof p->pending, "EAP-MSCHAPv2: the "
		    "peer refused our authenticator response (S=) for user "
		    "\"%s\"", p->user);
	res = eap_final(p, EAP_CODE_FAILURE, pkt->id, out);
	return res | srv_fail(p, "%s", p->pending);
}

/* --- the frame in ---------------------------------------------------- */

/*
 * srv_classify - what the packet is (SE_NONE: nothing for us) and its
 * fields; -EBADMSG for a bad Length.
 */
static int
srv_classify(const struct ppp_auth_server *p, struct bcur info,
    struct srv_pkt *pkt, enum srv_event *ev)
{
	struct ppp_cp_pkt cp;
	uint8_t type, op;
	uint16_t ms_len;

	*ev = SE_NONE;
	if (ppp_cp_parse(info, &cp) < 0)
		return -EBADMSG;
	pkt->id = cp.id;
	pkt->data = cp.data;
	pkt->ms_id = 0;
	switch (p->proto) {
	case PPP_AUTHP_PAP:
		if (cp.code == PAP_CODE_AUTH_REQ)
			*ev = SE_PAP_REQ;
		return 0;
	case PPP_AUTHP_MSCHAPV2:
		if (cp.code == CHAP_CODE_RESPONSE)
			*ev = SE_CHAP_RESP;
		return 0;
	default:
		break;
	}
	if (cp.code != EAP_CODE_RESPONSE ||
	    bcur_get_u8(&pkt->data, &type) < 0)
		return 0;
	switch (type) {
	case EAP_TYPE_IDENTITY:
		*ev = SE_EAP_IDENTITY;
		return 0;
	case EAP_TYPE_NAK:
		*ev = SE_EAP_NAK;
		return 0;
	case EAP_TYPE_MSCHAPV2:
		break;
	default:
		return 0;
	}
	if (bcur_get_u8(&pkt->data, &op) < 0)
		return -EBADMSG;
	switch (op) {
	case MSCHAPV2_OP_RESPONSE:
		if (bcur_get_u8(&pkt->data, &pkt->ms_id) < 0 ||
		    bcur_get_be16(&pkt->data, &ms_len) < 0)
			return -EBADMSG;
		/* XX: MS-Length is not checked (peers differ); logged. */
		if (ms_len != bcur_left(&pkt->data) + EAP_MS_HDR_LEN)
			log_debug_c(p->log_ctx, "EAP-MSCHAPv2: MS-Length "
			    "%u, %zu octets present", ms_len,
			    bcur_left(&pkt->data) + EAP_MS_HDR_LEN);
		*ev = SE_EAP_MS_RESP;
		return 0;
	case MSCHAPV2_OP_SUCCESS:
		*ev = SE_EAP_MS_SUCC;
		return 0;
	case MSCHAPV2_OP_FAILURE:
		*ev = SE_EAP_MS_FAIL;
		return 0;
	default:
		return 0;		/* Change-Password (7): not offered */
	}
}

/* Create the authenticator; see ppp_authsrv.h. */
void
ppp_auth_server_set_log_ctx(struct ppp_auth_server *p, const char *ctx)
{
	p->log_ctx = ctx;
}

struct ppp_auth_server *
ppp_auth_server_new(enum ppp_auth_proto proto, const char *name,
    ppp_authsrv_lookup lookup, void *lookup_arg,
    void (*rand)(void *buf, size_t len))
{
	struct ppp_auth_server *p;
	size_t nl;

	if ((proto != PPP_AUTHP_PAP && proto != PPP_AUTHP_MSCHAPV2 &&
	    proto != PPP_AUTHP_EAP) || lookup == NULL)
		return NULL;
	if (name == NULL)
		name = "";
	if ((nl = strlen(name)) > SRV_NAME_MAX)
		return NULL;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	/* Our Name goes on the wire: printable ASCII only. */
	if (nl > 0 && !srv_name_ok(bcur_make(name, nl), p->name)) {
		free(p);
		return NULL;
	}
	p->proto = proto;
	p->lookup = lookup;
	p->lookup_arg = lookup_arg;
	p->rand = rand;
	return p;
}

/* Begin; see ppp_authsrv.h. */
int
ppp_auth_server_start(struct ppp_auth_server *p, struct wbuf *out)
{
	int r;

	if (p->state != SS_IDLE)
		return 0;
	/* RFC 1994 4.1, RFC 3748 4.1: start the Identifiers anywhere. */
	if ((r = srv_random(p, &p->next_id, 1)) < 0)
		return srv_fail(p, "%s: no random octets: %s", srv_method(p),
		    strerror(-r));
	switch (p->proto) {
	case PPP_AUTHP_PAP:
		p->state = SS_PAP_WAIT;		/* RFC 1334 2.2 */
		return 0;
	case PPP_AUTHP_MSCHAPV2:
		return ms_challenge(p, out);
	default:
		return eap_request_identity(p, out);
	}
}

/* One frame from the peer; see ppp_authsrv.h. */
int
ppp_auth_server_input(struct ppp_auth_server *p, uint16_t proto,
    struct bcur info, struct wbuf *out)
{
	struct srv_pkt pkt;
	enum srv_event ev;
	srv_handler h;

	if (proto != srv_pproto(p))
		return srv_drop(p, "not of the agreed protocol");
	if (p->state == SS_IDLE)
		return srv_drop(p, "before the exchange began");
	if (srv_classify(p, info, &pkt, &ev) < 0)
		return srv_drop(p, "malformed");
	if (ev == SE_NONE)
		return srv_drop(p, "not a packet for the authenticator");
	if (p->proto != PPP_AUTHP_PAP) {
		/* RFC 3748 4.1, RFC 1994 4.2: matched by Identifier. */
		if (srv_outstanding(p->state) && pkt.id == p->cur_id) {
			/* answered below */
		} else if (p->have_last && pkt.id == p->last_id) {
			return srv_emit(p, p->last_out, p->last_len, out) &
			    PPP_AUTHSRV_SEND;
		} else {
			return srv_drop(p, "Identifier of no outstanding "
			    "request");
		}
	}
	if ((h = srv_table[p->state][ev]) == NULL)
		return srv_drop(p, "unexpected in this state");
	return h(p, &pkt, out);
}

/* The restart timer fired; see ppp_authsrv.h. */
int
ppp_auth_server_timeout(struct ppp_auth_server *p, struct wbuf *out)
{
	if (!srv_outstanding(p->state))
		return 0;
	if (p->sends >= SRV_MAX_SENDS && p->state == SS_EAP_FAIL_SENT)
		return srv_fail(p, "%s (the peer did not answer the "
		    "Failure-Request)", p->pending);
	if (p->sends >= SRV_MAX_SENDS)
		return srv_fail(p, "%s: the peer answered none of %u %s",
		    srv_method(p), p->sends, p->state == SS_CHAL_SENT ?
		    "Challenges" : "Requests");
	p->sends++;
	return srv_emit(p, p->req, p->req_len, out);
}

/* Does a Challenge/Request wait for its answer? */
bool
ppp_auth_server_wants_timer(const struct ppp_auth_server *p)
{
	return srv_outstanding(p->state);
}

/* The keys once OK, client orientation; see ppp_authsrv.h. */
int
ppp_auth_server_keys(const struct ppp_auth_server *p,
    struct ppp_auth_keys *k)
{
	memset(k, 0, sizeof *k);
	if (p->state != SS_OK)
		return -EAGAIN;
	/* PAP: none (send_len 0), a zero HLAK (MS-SSTP 3.2.5.2.2). */
	if (p->proto != PPP_AUTHP_PAP)
		*k = p->keys;
	return 0;
}

/* The authenticated peer's name. */
const char *
ppp_auth_server_user(const struct ppp_auth_server *p)
{
	return p->state == SS_OK ? p->user : "";
}

/* The secrets line's fixed address once OK. */
uint32_t
ppp_auth_server_addr4(const struct ppp_auth_server *p)
{
	return p->state == SS_OK ? p->addr4 : 0;
}

/* Why it failed, or "". */
const char *
ppp_auth_server_reason(const struct ppp_auth_server *p)
{
	return p->state == SS_FAILED ? p->reason : "";
}

/* Wipe keys and everything else, then free. */
void
ppp_auth_server_free(struct ppp_auth_server *p)
{
	if (p == NULL)
		return;
	ppp_auth_keys_clear(&p->keys);
	explicit_bzero(p, sizeof *p);
	free(p);
}
