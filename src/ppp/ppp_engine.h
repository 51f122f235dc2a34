/*
 * ppp_engine.h - sstpc's own PPP (issue 12, the built-in mode): LCP,
 * authentication, IPCP, IPV6CP and CCP/MPPE in one pure engine.
 *
 * The engine speaks PPP frames with its peer and IP packets with its
 * host.  SSTP carries no HDLC (MS-SSTP 2.2.1: no flags, no FCS, no
 * escaping), but the Address and Control fields of RFC 1662 3.1-3.2 stay:
 * every frame the engine writes starts with FF 03 and a 2-octet protocol.
 * Omitting them is only a permission (RFC 1661 6.5, 6.6: granted when we
 * Ack the peer's PFC/ACFC), never used.  XX: SoftEther drops frames
 * without FF 03 (the Python test server's require-ff03 scenario,
 * tests/server/sstp_server.py).  On input FF 03 may be absent and the
 * protocol one octet (ppp_frame_parse).  It does no I/O and reads
 * no clock: the caller passes the time in milliseconds (util/clock.h) and
 * asks for the next deadline.  Everything it says goes out through the
 * up-calls of struct ppp_engine_ops.
 *
 *   link/tun/ (the TUN link)          ppp/ppp_engine.c
 *     frame from the server  -------> ppp_engine_input()
 *     packet from the TUN    -------> ppp_engine_wrap_ip()  (in place)
 *     timer                  -------> ppp_engine_tick()
 *     output()  <------------------- control frames for the server
 *     deliver() <------------------- IP packets for the TUN
 *     auth_done / net_up / net_down / ended
 *
 * Phases (RFC 1661 3.2): Dead -> Establish (LCP) -> Authenticate (PAP,
 * CHAP-MD5, MS-CHAPv2, EAP) -> Network (IPCP, IPV6CP, CCP when the server
 * insists on MPPE) -> Terminate.  The client role is what issue 12 needs;
 * the server role (sstpd, issue 13) reuses the same automaton and codecs.
 *
 * Server role (conf.role = PPP_ROLE_SERVER, sstpd's built-in backend): the
 * same phases seen from the authenticator.  LCP asks for the first method
 * of conf.auth_offer the peer accepts (MS-CHAPv2 > EAP-MSCHAPv2 > PAP;
 * a Nak steers to the peer's choice if offered, RFC 1661 6.2), then
 * ppp/ppp_authsrv.c runs the authenticator side with the secret from
 * ops.lookup_secret; IPCP gives the peer the address from ops.peer_addr
 * (Nak of 0.0.0.0 or any other address, RFC 1332 3.3) and conf.dns4 on
 * request (RFC 1877), our own address is conf.local4; IPV6CP Naks a
 * zero or clashing identifier (RFC 5072 4.1).  auth_done reports the keys
 * in the client's orientation (ppp/auth_keys.h).  Data packets from the
 * host (ppp_engine_wrap_ip) and to it (deliver) are the same calls; the
 * caller enforces the peer's source address (no spoofing).
 */
#ifndef SSTPC_PPP_ENGINE_H
#define SSTPC_PPP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp/auth_keys.h"

struct ppp_engine;

/* Authentication methods the peer may ask for (bit mask). */
#define PPP_AUTH_ALLOW_PAP	0x01u	/* RFC 1334 */
#define PPP_AUTH_ALLOW_CHAP_MD5	0x02u	/* RFC 1994 */
#define PPP_AUTH_ALLOW_MSCHAPV2	0x04u	/* RFC 2759 */
#define PPP_AUTH_ALLOW_EAP	0x08u	/* RFC 3748, EAP-MSCHAPv2 */
#define PPP_AUTH_ALLOW_NONE	0x10u	/* no authentication at all */
#define PPP_AUTH_ALLOW_ALL	0x1fu

/*
 * Room the caller leaves in front of a packet for ppp_engine_wrap_ip():
 * FF 03, protocol, MPPE header, the encrypted inner protocol (RFC 3078 3).
 */
#define PPP_ENGINE_HEADROOM	8

/*
 * How the engine's PPP ended; ended() adds one line saying why.
 *   OK           terminated by either side: our Close, the server's
 *                Terminate-Request, the SSTP link gone
 *   AUTH         authentication refused or never finished (a Nak or
 *                Failure, a bad authenticator response, no answer, the
 *                server's Terminate-Request while authenticating, or
 *                after we refused its authentication protocol)
 *   NEGOTIATION  LCP, IPCP/IPV6CP or CCP/MPPE found no agreement
 *                (Max-Configure, Nak loops, looped-back link, rejects of
 *                LCP itself, no address, MPPE required but not had);
 *                IPCP failing ends PPP when ipv4 is set, even with
 *                IPV6CP open; IPV6CP failing only when nothing is left
 *   DEAD_PEER    LCP Echo-Requests went unanswered
 *   INTERNAL     a local failure (memory, crypto)
 */
enum ppp_end {
	PPP_END_OK = 0,
	PPP_END_AUTH,
	PPP_END_NEGOTIATION,
	PPP_END_DEAD_PEER,
	PPP_END_INTERNAL
};

/* Which end of the link the engine plays. */
enum ppp_role {
	PPP_ROLE_CLIENT = 0,	/* sstpc --tun: authenticates itself */
	PPP_ROLE_SERVER		/* sstpd: the authenticator, gives addresses */
};

/* A peer's secret, as the server role's lookup_secret returns it. */
#define PPP_SECRET_MAX		256
struct ppp_secret {
	char		secret[PPP_SECRET_MAX];	/* NUL-terminated; wiped */
	size_t		len;
	uint32_t	addr4;		/* fixed address, network order; 0 any */
};

struct ppp_engine_conf {
	const char	*user;		/* copied; NULL: "" */
	const char	*password;	/* copied, wiped at free; NULL: "" */
	unsigned	 auth_allow;	/* PPP_AUTH_ALLOW_* */
	uint16_t	 mru;		/* ours; 0: 1500 (RFC 1661 6.1) */
	uint16_t	 mtu;		/* cap on what we send; 0: peer's MRU */
	bool		 ipv4;		/* run IPCP */
	bool		 ipv6;		/* run IPV6CP */
	bool		 usepeerdns;	/* ask for DNS 129/131 */
	bool		 require_mppe;	/* fail unless MPPE is up */
	bool		 refuse_mppe;	/* reject CCP even if insisted on */
	unsigned	 echo_interval;	/* s; 0: no LCP Echo */
	unsigned	 echo_failure;	/* unanswered echoes; 0: never fail */
	unsigned	 restart_ms;	/* 0: 3000 (RFC 1661 4.6) */
	unsigned	 max_configure;	/* 0: 10 */
	unsigned	 max_terminate;	/* 0: 2 */
	unsigned	 max_failure;	/* 0: 5 */
	uint32_t	 want_ip4;	/* address to ask for, network order; 0 */
	uint8_t		 want_ifid[8];	/* IPV6CP identifier; 0: a random one */
	/* Test hook: not NULL -> random octets come from here. */
	void		(*rand_hook)(void *buf, size_t len);

	/* --- appended for the server role (issue 13) --- */
	enum ppp_role	 role;		/* 0: client (the fields above) */
	unsigned	 auth_offer;	/* server: PPP_AUTH_ALLOW_* we accept;
					   ALLOW_NONE alone: no auth phase */
	const char	*server_name;	/* server: CHAP/MS-CHAPv2 Name; "sstpd" */
	uint32_t	 local4;	/* server: our IPCP address (net order) */
	uint32_t	 dns4[2];	/* server: given on request; 0 none */
	uint32_t	 nbns4[2];	/* server: given on request; 0 none */
	unsigned	 auth_timeout_ms; /* server: auth phase limit; 0: 30000 */
	/* Before each log line ("session ID"; util/log.h); NULL none. */
	const char	*log_ctx;
};

/* What the Network phase gave us (valid once net_up was called). */
struct ppp_ip_info {
	bool		have_ip4;
	uint32_t	local4;		/* network byte order */
	uint32_t	peer4;		/* 0 if the server gave none */
	uint32_t	dns4[2];	/* 0: none */
	uint32_t	nbns4[2];
	bool		have_ip6;
	uint8_t		local_ifid[8];	/* RFC 5072 4.1 */
	uint8_t		peer_ifid[8];
	uint16_t	mtu;		/* for the interface */
};

/* Up-calls; arg is the caller's.  Any of them may run inside any call. */
struct ppp_engine_ops {
	/* A PPP frame for the server: FF 03, 2-octet protocol, info. */
	void	(*output)(void *arg, const uint8_t *frame, size_t len);
	/* An IPv4 (0x0021) or IPv6 (0x0057) packet for the host. */
	void	(*deliver)(void *arg, uint16_t proto, const uint8_t *pkt,
		    size_t len);
	/* Authentication done; keys for the crypto binding (none: 0 len). */
	void	(*auth_done)(void *arg, const struct ppp_auth_keys *,
		    const char *how);
	/* IPCP and/or IPV6CP opened, or what they gave changed. */
	void	(*net_up)(void *arg, const struct ppp_ip_info *);
	/* The Network phase went down (renegotiation, termination). */
	void	(*net_down)(void *arg);
	/* PPP is over (once); why is one line for the log. */
	void	(*ended)(void *arg, enum ppp_end, const char *why);

	/* --- server role only (may be NULL in the client role) --- */
	/*
	 * The secret of @user (the peer's PAP Peer-ID, MS-CHAPv2 Name or EAP
	 * Identity, printable, NUL-terminated).  0 and *out filled, or
	 * -ENOENT for an unknown user (the engine fails the authentication
	 * the same way as for a wrong password: no user enumeration).
	 */
	int	(*lookup_secret)(void *arg, const char *user,
		    struct ppp_secret *out);
	/*
	 * The peer's IPv4 address for IPCP once @user is authenticated
	 * (@fixed: the secrets line's address, 0 none).  0 and *addr4 (net
	 * order), or -errno (pool exhausted: IPCP fails, NEGOTIATION).
	 * Called once per session; the caller releases it at free.
	 */
	int	(*peer_addr)(void *arg, const char *user, uint32_t fixed,
		    uint32_t *addr4);
	/*
	 * May be NULL.  Is there IPv6 for @user before IPV6CP opens (the
	 * backend's per-session prefix, RFC 8273)?  0 yes, or -errno (none
	 * left: IPV6CP is not opened, as IPCP without an address; with
	 * neither, NEGOTIATION).  Called once per session; the caller
	 * releases what it took at free.
	 */
	int	(*peer_ipv6)(void *arg, const char *user);
};

struct ppp_engine *ppp_engine_new(const struct ppp_engine_conf *,
	    const struct ppp_engine_ops *, void *arg);
/* Lower layer up + Open (RFC 1661 4.1): LCP sends its first request. */
void	ppp_engine_start(struct ppp_engine *, uint64_t now_ms);
/*
 * ppp_engine_input - one PPP frame from the server.  Data packets are
 * handed to deliver() without a copy when not encrypted.  Returns 0, or
 * -EBADMSG for a frame that was dropped (logged at debug level).
 */
int	ppp_engine_input(struct ppp_engine *, uint64_t now_ms,
	    const uint8_t *frame, size_t len);
/*
 * ppp_engine_wrap_ip - make an IP packet from the host a PPP frame in
 * place: @pkt has PPP_ENGINE_HEADROOM writable bytes in front of it.
 * Checks the IP version against the open NCPs and the length against
 * the header's and the MTU (RFC 1332, RFC 5072), writes FF 03 and the
 * protocol (and the MPPE header, encrypting in place, RFC 3078) and
 * returns the frame's start (inside the headroom) with its length in
 * *framelen, or NULL when the packet is to be dropped (*framelen = 0).
 */
uint8_t *ppp_engine_wrap_ip(struct ppp_engine *, uint8_t *pkt, size_t len,
	    size_t *framelen);
/* Absolute time of the next timer (ms), or 0 when none is armed. */
uint64_t ppp_engine_next_timer(const struct ppp_engine *);
/* Run the timers that are due. */
void	ppp_engine_tick(struct ppp_engine *, uint64_t now_ms);
/* Close (RFC 1661 4.1 Close): LCP Terminate-Request, then ended(). */
void	ppp_engine_close(struct ppp_engine *, uint64_t now_ms,
	    const char *why);
/* The server link is gone (Down): no more output; ended() follows. */
void	ppp_engine_lower_down(struct ppp_engine *, uint64_t now_ms);
/* True in the Network phase with the NCP of @proto (0x0021/0x0057) open. */
bool	ppp_engine_ip_open(const struct ppp_engine *, uint16_t proto);
/* Frames and octets each way (control and data). */
void	ppp_engine_stats(const struct ppp_engine *, uint64_t *out_octets,
	    uint64_t *in_octets);
/* Server role: the authenticated peer's name ("" before). */
const char *ppp_engine_peer_user(const struct ppp_engine *);
/* Which protocol authenticated the peer, for the log ("" before). */
const char *ppp_engine_auth_name(const struct ppp_engine *);
/* Wipe the secrets and free. */
void	ppp_engine_free(struct ppp_engine *);

#endif /* SSTPC_PPP_ENGINE_H */
