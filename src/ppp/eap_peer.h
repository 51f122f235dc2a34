/*
 * eap_peer.h - the authenticating peer of sstpc --eap-auth: EAP (RFC 3748)
 * with EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2, PROTOCOL.md 6.3),
 * and plain MS-CHAPv2 over CHAP (RFC 2759, PROTOCOL.md 6.1).
 *
 * Pure: each call takes the Information field of one EAP or CHAP frame
 * from the server, may build one whole PPP frame (FF 03 + protocol) to
 * answer with, and reports the verdict.  The server's authenticator
 * response (S=) is always verified, in constant time, before success is
 * reported.  The password lives in a fixed array inside the struct and is
 * wiped by eap_peer_clear().
 */
#ifndef SSTPC_EAP_PEER_H
#define SSTPC_EAP_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "crypto/ms_funcs.h"
#include "ppp/proto.h"

#define EAP_PEER_USER_MAX	255	/* CHAP Name / EAP identity, octets */
#define EAP_PEER_PASS_MAX	1024	/* UTF-8 octets incl. NUL */
#define EAP_PEER_REPLY_MAX	320	/* largest frame we answer with */

/* Result bits of eap_peer_eap_input() / eap_peer_chap_input(). */
#define EAP_PEER_SEND		0x01	/* out holds a frame for the server */
#define EAP_PEER_OK		0x02	/* authenticated, S= verified */
#define EAP_PEER_FAIL		0x04	/* failed: see eap_peer_reason() */
#define EAP_PEER_NAKED		0x08	/* we refused a method (Legacy Nak) */

enum eap_peer_state {
	EAP_PEER_IDLE = 0,
	EAP_PEER_IDENTITY_SENT,
	EAP_PEER_NAK_SENT,
	EAP_PEER_RESPONSE_SENT,		/* MS-CHAPv2 Response sent */
	EAP_PEER_SUCCESS_ACKED,		/* S= verified, waiting EAP Success */
	EAP_PEER_DONE,
	EAP_PEER_FAILED
};

struct eap_peer {
	enum eap_peer_state	 state;
	char			 user[EAP_PEER_USER_MAX + 1];
	char			 password[EAP_PEER_PASS_MAX];
	uint8_t			 auth_ch[MS_CHALLENGE_LEN];
	uint8_t			 peer_ch[MS_CHALLENGE_LEN];
	uint8_t			 nt_resp[MS_NT_RESPONSE_LEN];
	bool			 have_resp;
	uint8_t			 ms_id;		/* MS-CHAPv2-ID / CHAP id */
	/* The last Request answered, for retransmissions (RFC 3748 4.1). */
	bool			 have_last;
	uint8_t			 last_id;
	uint8_t			 last_type;
	uint8_t			 last_reply[EAP_PEER_REPLY_MAX];
	size_t			 last_reply_len;
	uint8_t			 naked_type;	/* type refused, 0 if none */
	unsigned		 ms_error;	/* E= of a Failure, 0 if none */
	char			 reason[200];
	/* Test hook: fixed Peer-Challenge instead of random (NULL: random). */
	const uint8_t		*fixed_peer_ch;
};

/*
 * eap_peer_init - set the credentials.  @user is sent as EAP Identity and
 * MS-CHAPv2 Name as given ("DOMAIN\user" kept; RFC 2759 8.2 strips the
 * domain only inside ChallengeHash).  Returns 0, -EINVAL (NULL) or
 * -E2BIG (too long).
 */
int	eap_peer_init(struct eap_peer *, const char *user,
	    const char *password);

/*
 * eap_peer_eap_input - one EAP packet (the Information of a 0xC227 frame).
 * @out receives at most one whole PPP frame.  Returns EAP_PEER_* bits, or
 * -EBADMSG for a malformed packet (drop it, nothing changes).
 */
int	eap_peer_eap_input(struct eap_peer *, struct bcur info,
	    struct wbuf *out);

/*
 * eap_peer_chap_input - one CHAP packet (Information of a 0xC223 frame)
 * of MS-CHAPv2 (RFC 2759 4-6).  Same results as eap_peer_eap_input().
 */
int	eap_peer_chap_input(struct eap_peer *, struct bcur info,
	    struct wbuf *out);

/*
 * eap_peer_mppe_keys - after EAP_PEER_OK: the client's 16-octet
 * MasterSendKey and MasterReceiveKey (RFC 3079 3.3) for MPPE; they are also
 * the first 32 octets of the EAP-MSCHAPv2 MSK, from which the session
 * derives the SSTP HLAK (PROTOCOL.md 4.1).  Returns 0 or a negative errno.
 */
int	eap_peer_mppe_keys(const struct eap_peer *, uint8_t send[16],
	    uint8_t recv[16]);

/* Why the authentication failed (after EAP_PEER_FAIL), or "". */
const char *eap_peer_reason(const struct eap_peer *);
/* Words for an MS-CHAP error number (RFC 2759 6, E=), never NULL. */
const char *eap_peer_error_text(unsigned code);
/* Name of an EAP method type for messages, never NULL. */
const char *eap_peer_type_name(uint8_t type);
/*
 * eap_peer_restart - forget the exchange but keep the credentials (LCP
 * was renegotiated, perhaps to another protocol).  Derived values wiped.
 */
void	eap_peer_restart(struct eap_peer *);
/* Wipe the credentials and every derived value. */
void	eap_peer_clear(struct eap_peer *);

#endif /* SSTPC_EAP_PEER_H */
