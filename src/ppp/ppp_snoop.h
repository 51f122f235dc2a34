/*
 * ppp_snoop.h - watch the PPP frames passing through sstpc for the facts
 * the SSTP crypto binding needs (PROTOCOL.md 4.1, 6.1, 6.3): which method
 * authenticated, the MS-CHAPv2 NT-Response pppd sent, and when the server
 * declared success or failure.  Pure: bounded parsing, no I/O, no globals.
 */
#ifndef SSTPC_PPP_SNOOP_H
#define SSTPC_PPP_SNOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ppp_snoop_event {
	PPP_SNOOP_NONE = 0,
	PPP_SNOOP_MSCHAPV2_RESPONSE,	/* client -> server, NT-Response kept */
	PPP_SNOOP_AUTH_SUCCESS,		/* server -> client */
	PPP_SNOOP_AUTH_FAILURE,		/* server -> client */
	PPP_SNOOP_LCP_TERMINATE		/* either way */
};

enum ppp_snoop_method {
	PPP_AUTH_UNKNOWN = 0,
	PPP_AUTH_PAP,
	PPP_AUTH_MSCHAPV2,		/* CHAP with algorithm 0x81 */
	PPP_AUTH_CHAP_OTHER,		/* CHAP-MD5, MS-CHAPv1: no keys */
	PPP_AUTH_EAP_MSCHAPV2,
	PPP_AUTH_EAP_OTHER
};

struct ppp_snoop {
	enum ppp_snoop_method	method;
	bool			have_nt_response;
	uint8_t			nt_response[24];
	char			fail_text[128];	/* sanitized Failure message */
};

/*
 * ppp_snoop_frame - inspect one raw PPP frame (with or without FF 03).
 * @from_server: direction.  Returns the event this frame represents (and
 * updates @st), PPP_SNOOP_NONE for anything else, never an error: frames
 * that do not parse are simply not interesting.
 */
enum ppp_snoop_event ppp_snoop_frame(struct ppp_snoop *st,
	    const uint8_t *frame, size_t len, bool from_server);
/* What an LCP Configure packet says about the ACCM (RFC 1662 7.1). */
struct ppp_lcp_accm {
	uint8_t		code;		/* 1 ConfReq, 2 ConfAck, ... */
	uint8_t		id;
	bool		has_accm;	/* the packet carries option 2 */
	uint32_t	accm;
};

/*
 * ppp_snoop_lcp_accm - if the frame is an LCP Configure-Request/-Ack/-Nak/
 * -Reject, fill @out and return true.  Options are walked with a minimum
 * length of 2 (RFC 1661 6); a malformed packet returns false.
 */
bool	ppp_snoop_lcp_accm(const uint8_t *frame, size_t len,
	    struct ppp_lcp_accm *out);

/*
 * ppp_snoop_peer_name - the name the authenticating peer gives in a frame
 * it sends: PAP Authenticate-Request's Peer-ID (RFC 1334 2.2.1), CHAP
 * Response's Name (RFC 1994 4.1), EAP Response/Identity (RFC 3748 5.1).
 * Copied printable (others '?') into @out; true when the frame held a
 * non-empty one.  What the authenticator then accepted is its business:
 * the caller keeps the last name seen before the success.
 */
bool	ppp_snoop_peer_name(const uint8_t *frame, size_t len, char *out,
	    size_t outlen);
/* Name of a method for logs. */
const char *ppp_snoop_method_name(enum ppp_snoop_method);
/* Forget everything (zeroizes the NT-Response). */
void	ppp_snoop_clear(struct ppp_snoop *st);

#endif /* SSTPC_PPP_SNOOP_H */
