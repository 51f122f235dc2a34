/*
 * ppp_auth.c - the client side of PPP authentication (see ppp_auth.h).
 *
 * PAP (RFC 1334 2.2) and CHAP with MD5 (RFC 1994 4) are here; MS-CHAPv2
 * over CHAP (RFC 2759) and EAP with EAP-MSCHAPv2 (RFC 3748,
 * draft-kamath-pppext-eap-mschapv2) are ppp/eap_peer.c, the code of
 * --eap-auth, which also verifies the server's S= in constant time.  This
 * file adds the methods' table, PAP's restart timer, and turns eap_peer's
 * whole frames (FF 03 first) into the engine's (protocol first).
 *
 * The credentials live once, inside the struct eap_peer, for every method;
 * they are wiped by ppp_auth_client_free() and never logged.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/nelem.h"
#include "crypto/crypto.h"
#include "crypto/ms_funcs.h"
#include "ppp/auth_keys.h"
#include "ppp/eap_peer.h"
#include "ppp/ppp_auth.h"
#include "ppp/ppp_auth_hook.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"

#define PAP_MAX_SENDS	10	/* Authenticate-Requests before giving up */
#define PAP_FIELD_MAX	255	/* Peer-ID and Password: 1-octet lengths */
#define AUTH_MSG_MAX	128	/* server text kept for a reason */
#define AUTH_REASON_MAX	256

enum auth_state {
	AS_IDLE = 0,		/* not started */
	AS_WAIT,		/* waiting for the server's verdict */
	AS_OK,			/* authenticated */
	AS_FAILED		/* refused; reason set */
};

struct ppp_auth_client {
	enum ppp_auth_proto	 proto;
	enum auth_state		 state;
	struct eap_peer		 peer;		/* credentials, MS-CHAPv2/EAP */
	const char		*bad_cred;	/* credentials unusable: why */
	uint8_t			 pap_id;	/* last Authenticate-Request */
	unsigned		 pap_sends;
	bool			 md5_sent;	/* a CHAP-MD5 Response sent */
	uint8_t			 md5_id;	/* ... to this Identifier */
	struct ppp_auth_keys	 keys;		/* taken when OK (secret) */
	uint8_t			 fixed_ch[MS_CHALLENGE_LEN];	/* test hook */
	char			 reason[AUTH_REASON_MAX];
};

/* One method: its name, PPP protocol and handlers (NULL: nothing to do). */
struct auth_method {
	const char	*name;
	uint16_t	 proto;
	int		(*start)(struct ppp_auth_client *, struct wbuf *);
	int		(*input)(struct ppp_auth_client *, struct bcur,
			    struct wbuf *);
	int		(*timeout)(struct ppp_auth_client *, struct wbuf *);
};

static int	pap_start(struct ppp_auth_client *, struct wbuf *);
static int	pap_input(struct ppp_auth_client *, struct bcur, struct wbuf *);
static int	pap_timeout(struct ppp_auth_client *, struct wbuf *);
static int	md5_input(struct ppp_auth_client *, struct bcur, struct wbuf *);
static int	peer_input(struct ppp_auth_client *, struct bcur,
		    struct wbuf *);

static const struct auth_method auth_methods[] = {
	[PPP_AUTHP_NONE] =	{ "no authentication", 0, NULL, NULL, NULL },
	[PPP_AUTHP_PAP] =	{ "PAP", PPP_PROTO_PAP, pap_start, pap_input,
				    pap_timeout },
	[PPP_AUTHP_CHAP_MD5] =	{ "CHAP-MD5", PPP_PROTO_CHAP, NULL, md5_input,
				    NULL },
	[PPP_AUTHP_MSCHAPV2] =	{ "MS-CHAPv2", PPP_PROTO_CHAP, NULL,
				    peer_input, NULL },
	[PPP_AUTHP_EAP] =	{ "EAP", PPP_PROTO_EAP, NULL, peer_input,
				    NULL },
};

/* The method of a client (the protocol was checked by _new). */
static const struct auth_method *
auth_method(const struct ppp_auth_client *p)
{
	return &auth_methods[p->proto];
}

/*
 * auth_redact - star out the password wherever the server's text echoed
 * it into a line meant for the log (secrets never reach the log).
 */
static void
auth_redact(const struct ppp_auth_client *p, char *s)
{
	size_t n = strlen(p->peer.password);
	char *hit;

	if (n == 0)
		return;
	while ((hit = strstr(s, p->peer.password)) != NULL)
		memset(hit, '*', n);
}

/* Record why it failed (the first reason stays) and report FAIL. */
static int
auth_fail(struct ppp_auth_client *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
auth_fail(struct ppp_auth_client *p, const char *fmt, ...)
{
	va_list ap;

	if (p->state != AS_FAILED) {
		va_start(ap, fmt);
		vsnprintf(p->reason, sizeof p->reason, fmt, ap);
		va_end(ap);
		auth_redact(p, p->reason);
		p->state = AS_FAILED;
	}
	return PPP_AUTH_FAIL;
}

/* A frame the method cannot use: one log line, nothing changes. */
static int
auth_drop(const struct ppp_auth_client *p, const char *why)
{
	log_debug("%s: %s: packet from the server dropped",
	    auth_method(p)->name, why);
	return 0;
}

/*
 * auth_begin - append the protocol and a control packet header (Code,
 * Identifier, Length placeholder; RFC 1661 5) for the engine, which adds
 * no FF 03; returns the offset for ppp_cp_end().
 */
static size_t
auth_begin(struct wbuf *out, uint16_t proto, uint8_t code, uint8_t id)
{
	size_t start;

	wbuf_put_be16(out, proto);
	start = out->len;
	wbuf_put_u8(out, code);
	wbuf_put_u8(out, id);
	wbuf_put_be16(out, 0);
	return start;
}

/* After building a frame: SEND, or FAIL when out had no room. */
static int
auth_sent(struct ppp_auth_client *p, const struct wbuf *out)
{
	if (wbuf_error(out) != 0)
		return auth_fail(p, "%s: internal error: no room for the "
		    "reply (%s)", auth_method(p)->name,
		    strerror(-wbuf_error(out)));
	return PPP_AUTH_SEND;
}

/* The server's Message as printable text ("" when there is none). */
static void
auth_message(struct bcur msg, char *text, size_t cap)
{
	(void)bcur_get_printable(&msg, text, cap);
}

/*
 * pap_send - one Authenticate-Request (RFC 1334 2.2.1): Peer-ID Length,
 * Peer-ID, Passwd-Length, Password, with a new Identifier each time.
 */
static int
pap_send(struct ppp_auth_client *p, struct wbuf *out)
{
	size_t ul = strlen(p->peer.user), pl = strlen(p->peer.password);
	size_t start;

	p->pap_id++;
	p->pap_sends++;
	start = auth_begin(out, PPP_PROTO_PAP, PAP_CODE_AUTH_REQ, p->pap_id);
	wbuf_put_u8(out, (uint8_t)ul);
	wbuf_put_bytes(out, p->peer.user, ul);
	wbuf_put_u8(out, (uint8_t)pl);
	wbuf_put_bytes(out, p->peer.password, pl);
	ppp_cp_end(out, start);
	return auth_sent(p, out);
}

/* PAP begins with the peer's request (RFC 1334 2.2). */
static int
pap_start(struct ppp_auth_client *p, struct wbuf *out)
{
	return pap_send(p, out);
}

/* Authenticate-Ack or -Nak (RFC 1334 2.2.2, 2.2.3). */
static int
pap_input(struct ppp_auth_client *p, struct bcur info, struct wbuf *out)
{
	struct ppp_cp_pkt pkt;
	struct bcur msg;
	char text[AUTH_MSG_MAX];
	uint8_t mlen = 0;

	(void)out;
	if (ppp_cp_parse(info, &pkt) < 0)
		return auth_drop(p, "bad Length");
	if (pkt.code != PAP_CODE_AUTH_ACK && pkt.code != PAP_CODE_AUTH_NAK)
		return auth_drop(p, "not an Ack or Nak");
	if (p->state != AS_WAIT)
		return 0;		/* a repeated verdict */
	if (pkt.id != p->pap_id)
		return auth_drop(p, "Identifier of no pending request");
	/*
	 * XX: some servers send no Msg-Length at all, or one past the end;
	 * the message only goes into a log line, so take what is there.
	 */
	(void)bcur_get_u8(&pkt.data, &mlen);
	if (bcur_get_view(&pkt.data, mlen, &msg) < 0)
		msg = pkt.data;
	auth_message(msg, text, sizeof text);
	auth_redact(p, text);
	if (pkt.code == PAP_CODE_AUTH_ACK) {
		log_debug("PAP: the server accepted the login%s%s",
		    text[0] != '\0' ? ": " : "", text);
		p->state = AS_OK;
		return PPP_AUTH_OK;
	}
	return auth_fail(p, "PAP: the server refused the login%s%s",
	    text[0] != '\0' ? ": " : " (no message)", text);
}

/* No answer to the request: send it again, a bounded number of times. */
static int
pap_timeout(struct ppp_auth_client *p, struct wbuf *out)
{
	if (p->state != AS_WAIT)
		return 0;
	if (p->pap_sends >= PAP_MAX_SENDS)
		return auth_fail(p, "PAP: no answer from the server to %u "
		    "Authenticate-Requests", p->pap_sends);
	return pap_send(p, out);
}

/*
 * md5_response - CHAP Response (RFC 1994 4.1): Value = MD5(Identifier |
 * secret | Challenge Value) (RFC 1994 2, RFC 1321), Name = the user.
 */
static int
md5_response(struct ppp_auth_client *p, uint8_t id, struct bcur value,
    struct wbuf *out)
{
	uint8_t digest[CRYPTO_MD5_LEN];
	struct crypto_vec v[3];
	size_t start;
	int r;

	v[0].p = &id;
	v[0].len = 1;
	v[1].p = p->peer.password;
	v[1].len = strlen(p->peer.password);
	v[2].p = bcur_ptr(&value);
	v[2].len = bcur_left(&value);
	if ((r = crypto_digest_vec(CRYPTO_MD_MD5, v, 3, digest)) < 0)
		return auth_fail(p, "CHAP-MD5: cannot compute the response: "
		    "%s", strerror(-r));
	start = auth_begin(out, PPP_PROTO_CHAP, CHAP_CODE_RESPONSE, id);
	wbuf_put_u8(out, sizeof digest);
	wbuf_put_bytes(out, digest, sizeof digest);
	wbuf_put_bytes(out, p->peer.user, strlen(p->peer.user));
	ppp_cp_end(out, start);
	explicit_bzero(digest, sizeof digest);
	p->md5_sent = true;
	p->md5_id = id;
	return auth_sent(p, out);
}

/* One CHAP packet of CHAP-MD5 (RFC 1994 4.1, 4.2). */
static int
md5_input(struct ppp_auth_client *p, struct bcur info, struct wbuf *out)
{
	struct ppp_cp_pkt pkt;
	struct bcur value;
	char text[AUTH_MSG_MAX];
	uint8_t vsize;

	if (ppp_cp_parse(info, &pkt) < 0)
		return auth_drop(p, "bad Length");
	switch (pkt.code) {
	case CHAP_CODE_CHALLENGE:
		if (bcur_get_u8(&pkt.data, &vsize) < 0 ||
		    bcur_get_view(&pkt.data, vsize, &value) < 0)
			return auth_drop(p, "Challenge shorter than its "
			    "Value-Size");
		if (vsize == 0)
			return auth_drop(p, "empty Challenge value");
		/*
		 * RFC 1994 4.1: a Challenge repeated with the same
		 * Identifier gets the same Response, which computing it
		 * again gives; a new one (re-authentication) too.
		 */
		return md5_response(p, pkt.id, value, out);
	case CHAP_CODE_SUCCESS:
		if (p->state == AS_OK)
			return 0;
		if (!p->md5_sent)
			return auth_fail(p, "CHAP-MD5: the server sent Success "
			    "before any Challenge");
		if (pkt.id != p->md5_id)
			return auth_drop(p, "Success for another Identifier");
		p->state = AS_OK;
		return PPP_AUTH_OK;
	case CHAP_CODE_FAILURE:
		if (p->md5_sent && pkt.id != p->md5_id)
			return auth_drop(p, "Failure for another Identifier");
		auth_message(pkt.data, text, sizeof text);
		return auth_fail(p, "CHAP-MD5: the server refused the "
		    "login%s%s", text[0] != '\0' ? ": " : " (no message)",
		    text);
	default:
		return auth_drop(p, "not a Challenge, Success or Failure");
	}
}

/*
 * peer_input - MS-CHAPv2 over CHAP and EAP through ppp/eap_peer.c: its
 * reply is a whole frame (FF 03, protocol, packet) of at most
 * EAP_PEER_REPLY_MAX octets; the engine gets it without FF 03.
 */
static int
peer_input(struct ppp_auth_client *p, struct bcur info, struct wbuf *out)
{
	uint8_t f[EAP_PEER_REPLY_MAX];
	struct wbuf w;
	int r, res = 0;

	wbuf_init(&w, f, sizeof f);
	if (p->proto == PPP_AUTHP_EAP)
		r = eap_peer_eap_input(&p->peer, info, &w);
	else
		r = eap_peer_chap_input(&p->peer, info, &w);
	if (r == -EBADMSG)
		return auth_drop(p, "malformed");
	if (r < 0)
		return auth_fail(p, "%s: internal error: %s",
		    auth_method(p)->name, strerror(-r));
	if ((r & EAP_PEER_SEND) != 0) {
		if (w.len < 2 || f[0] != 0xff || f[1] != 0x03) {
			explicit_bzero(f, sizeof f);
			return auth_fail(p, "%s: internal error: reply not "
			    "framed", auth_method(p)->name);
		}
		wbuf_put_bytes(out, f + 2, w.len - 2);
		explicit_bzero(f, sizeof f);
		res |= auth_sent(p, out);
	}
	if ((r & EAP_PEER_FAIL) != 0)
		res |= auth_fail(p, "%s", eap_peer_reason(&p->peer));
	/*
	 * OK once: the keys are those of the exchange whose S= was
	 * verified, kept now; a later re-authentication (a new Challenge
	 * answered) can still fail the link but changes no key.
	 */
	if ((r & EAP_PEER_OK) != 0 && p->state == AS_WAIT) {
		r = eap_peer_mppe_keys(&p->peer, p->keys.send, p->keys.recv);
		if (r < 0)
			return res | auth_fail(p, "%s: cannot derive the MPPE "
			    "keys: %s", auth_method(p)->name, strerror(-r));
		p->keys.send_len = MS_MASTER_KEY_LEN;
		p->keys.recv_len = MS_MASTER_KEY_LEN;
		p->state = AS_OK;
		res |= PPP_AUTH_OK;
	}
	return res;
}

/* Create the client for the protocol LCP agreed on; see ppp_auth.h. */
struct ppp_auth_client *
ppp_auth_client_new(enum ppp_auth_proto proto, const char *user,
    const char *password)
{
	struct ppp_auth_client *p;
	int r;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	if ((unsigned)proto >= NELEM(auth_methods)) {
		p->proto = PPP_AUTHP_NONE;
		p->bad_cred = "unknown authentication protocol";
		return p;
	}
	p->proto = proto;
	r = eap_peer_init(&p->peer, user != NULL ? user : "",
	    password != NULL ? password : "");
	if (r == -E2BIG)
		p->bad_cred = "the user name (at most 255 octets) or the "
		    "password (at most 1023) is too long";
	else if (r < 0)
		p->bad_cred = "the credentials cannot be used";
	else if (proto == PPP_AUTHP_PAP &&
	    strlen(p->peer.password) > PAP_FIELD_MAX)
		p->bad_cred = "the password is longer than the 255 octets "
		    "PAP can carry";
	return p;
}

/* Begin the exchange. */
int
ppp_auth_client_start(struct ppp_auth_client *p, struct wbuf *out)
{
	const struct auth_method *m = auth_method(p);

	if (p->state != AS_IDLE)
		return 0;
	if (p->bad_cred != NULL)
		return auth_fail(p, "%s: %s", m->name, p->bad_cred);
	if (p->proto == PPP_AUTHP_NONE) {
		p->state = AS_OK;
		return PPP_AUTH_OK;
	}
	p->state = AS_WAIT;
	return m->start != NULL ? m->start(p, out) : 0;
}

/* One frame from the server. */
int
ppp_auth_client_input(struct ppp_auth_client *p, uint16_t proto,
    struct bcur info, struct wbuf *out)
{
	const struct auth_method *m = auth_method(p);

	if (p->state == AS_FAILED)
		return 0;
	if (m->input == NULL || proto != m->proto)
		return auth_drop(p, "not of the agreed protocol");
	if (p->state == AS_IDLE) {
		/* CHAP and EAP: the server may speak before start(). */
		if (m->start != NULL)
			return auth_drop(p, "before the exchange began");
		if (p->bad_cred != NULL)
			return auth_fail(p, "%s: %s", m->name, p->bad_cred);
		p->state = AS_WAIT;
	}
	return m->input(p, info, out);
}

/* The restart timer fired. */
int
ppp_auth_client_timeout(struct ppp_auth_client *p, struct wbuf *out)
{
	const struct auth_method *m = auth_method(p);

	if (p->state != AS_WAIT || m->timeout == NULL)
		return 0;
	return m->timeout(p, out);
}

/* Does the method wait with a timer? */
bool
ppp_auth_client_wants_timer(const struct ppp_auth_client *p)
{
	return p->state == AS_WAIT && auth_method(p)->timeout != NULL;
}

/* MasterSendKey/MasterReceiveKey after MS-CHAPv2 or EAP-MSCHAPv2. */
int
ppp_auth_client_keys(const struct ppp_auth_client *p,
    struct ppp_auth_keys *k)
{
	memset(k, 0, sizeof *k);
	if (p->state != AS_OK)
		return -EAGAIN;
	/*
	 * MS-CHAPv2, EAP: RFC 3079 3.3, 3.4 (client view), taken at OK;
	 * the EAP-MSCHAPv2 MSK starts with the same two keys (PROTOCOL.md
	 * 6.3).  PAP, CHAP-MD5: none (send_len 0), a zero HLAK.
	 */
	*k = p->keys;
	return 0;
}

/* Name of a protocol for the log. */
const char *
ppp_auth_proto_name(enum ppp_auth_proto proto)
{
	if ((unsigned)proto >= NELEM(auth_methods))
		return "unknown";
	return auth_methods[proto].name;
}

/* Why it failed, or "". */
const char *
ppp_auth_client_reason(const struct ppp_auth_client *p)
{
	return p->reason;
}

/* Wipe the credentials and everything derived, then free. */
void
ppp_auth_client_free(struct ppp_auth_client *p)
{
	if (p == NULL)
		return;
	eap_peer_clear(&p->peer);
	ppp_auth_keys_clear(&p->keys);
	explicit_bzero(p, sizeof *p);
	free(p);
}

/* Test hook: a fixed MS-CHAPv2 Peer-Challenge (ppp_auth_hook.h). */
void
ppp_auth_client_fix_peer_challenge(struct ppp_auth_client *p,
    const uint8_t ch[MS_CHALLENGE_LEN])
{
	memcpy(p->fixed_ch, ch, sizeof p->fixed_ch);
	p->peer.fixed_peer_ch = p->fixed_ch;
}
