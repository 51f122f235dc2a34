/*
 * proto.h - the numbers of PPP, defined once: protocol field values
 * (RFC 1661 2; IANA "PPP DLL Protocol Numbers"), the control packet codes
 * (RFC 1661 5, RFC 1962 2), and the codes and types of the authentication
 * protocols sstpc watches or speaks: PAP (RFC 1334 2.2), CHAP (RFC 1994 4)
 * with MS-CHAPv2 (RFC 2759), EAP (RFC 3748 4, 5) with EAP-MSCHAPv2
 * (draft-kamath-pppext-eap-mschapv2, PROTOCOL.md 6.3).
 */
#ifndef SSTPC_PPP_PROTO_H
#define SSTPC_PPP_PROTO_H

/* Address and Control fields (RFC 1662 3.1), kept on SSTP (RFC 1661 6.6). */
#define PPP_ADDR_ALL		0xff	/* All-Stations address */
#define PPP_CTRL_UI		0x03	/* Unnumbered Information */

/* Protocol field values. */
#define PPP_PROTO_IP		0x0021	/* RFC 1332 */
#define PPP_PROTO_IPV6		0x0057	/* RFC 5072 */
#define PPP_PROTO_CCP_INNER	0x00fb	/* individual link (RFC 1962) */
#define PPP_PROTO_MPPE		0x00fd	/* compressed/encrypted datagram */
#define PPP_PROTO_IPCP		0x8021
#define PPP_PROTO_IPV6CP	0x8057
#define PPP_PROTO_CCP		0x80fd
#define PPP_PROTO_LCP		0xc021
#define PPP_PROTO_PAP		0xc023
#define PPP_PROTO_LQR		0xc025	/* Link Quality Report (RFC 1989) */
#define PPP_PROTO_CHAP		0xc223
#define PPP_PROTO_EAP		0xc227

/* Control packet codes (RFC 1661 5; RFC 1962 2 for 14/15). */
enum ppp_code {
	PPP_CONF_REQ = 1,
	PPP_CONF_ACK = 2,
	PPP_CONF_NAK = 3,
	PPP_CONF_REJ = 4,
	PPP_TERM_REQ = 5,
	PPP_TERM_ACK = 6,
	PPP_CODE_REJ = 7,
	PPP_PROTO_REJ = 8,	/* LCP only */
	PPP_ECHO_REQ = 9,
	PPP_ECHO_REP = 10,
	PPP_DISCARD_REQ = 11,
	PPP_RESET_REQ = 14,	/* CCP only */
	PPP_RESET_ACK = 15
};

/* PAP (RFC 1334 2.2). */
#define PAP_CODE_AUTH_REQ	1
#define PAP_CODE_AUTH_ACK	2
#define PAP_CODE_AUTH_NAK	3

/* CHAP (RFC 1994 4) and its MS-CHAPv2 algorithm (RFC 2759 2, 4). */
#define CHAP_CODE_CHALLENGE	1
#define CHAP_CODE_RESPONSE	2
#define CHAP_CODE_SUCCESS	3
#define CHAP_CODE_FAILURE	4
#define CHAP_ALG_MSCHAPV2	0x81
#define MSCHAPV2_VALUE_LEN	49	/* Response value (RFC 2759 4) */

/* EAP codes (RFC 3748 4) and method types (RFC 3748 5, IANA). */
#define EAP_CODE_REQUEST	1
#define EAP_CODE_RESPONSE	2
#define EAP_CODE_SUCCESS	3
#define EAP_CODE_FAILURE	4
#define EAP_TYPE_IDENTITY	1
#define EAP_TYPE_NOTIFICATION	2
#define EAP_TYPE_NAK		3
#define EAP_TYPE_MD5		4
#define EAP_TYPE_TLS		13
#define EAP_TYPE_PEAP		25
#define EAP_TYPE_MSCHAPV2	26

/* EAP-MSCHAPv2 OpCodes. */
#define MSCHAPV2_OP_CHALLENGE	1
#define MSCHAPV2_OP_RESPONSE	2
#define MSCHAPV2_OP_SUCCESS	3
#define MSCHAPV2_OP_FAILURE	4

#endif /* SSTPC_PPP_PROTO_H */
