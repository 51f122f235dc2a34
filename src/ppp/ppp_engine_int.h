/*
 * ppp_engine_int.h - the inside of the PPP engine, shared by its files:
 * ppp_engine.c (phases, data, timers, authentication, CCP/MPPE),
 * ppp_lcp.c (LCP options and extra codes, both roles), ppp_ipcp.c
 * (IPCP and IPV6CP options, both roles) and ppp_srvauth.c (the server
 * role's Authenticate phase over ppp/ppp_authsrv.h).  Each control
 * protocol is a struct ppp_fsm (ppp_fsm.h) whose arg is the engine; the
 * option judges are the per-role part (the server role brings its own
 * ops tables).
 * Include ppp/ppp_engine.h before this file: it does not include it
 * itself, so that ppp_engine.[ch] and this header form no include cycle
 * (support/check-layers.sh).
 */
#ifndef SSTPC_PPP_ENGINE_INT_H
#define SSTPC_PPP_ENGINE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "ppp/ccp.h"
#include "ppp/mppe.h"
#include "ppp/ppp_auth.h"
#include "ppp/ppp_fsm.h"

enum ppp_phase {
	PPP_PHASE_DEAD = 0,
	PPP_PHASE_ESTABLISH,
	PPP_PHASE_AUTHENTICATE,
	PPP_PHASE_NETWORK,
	PPP_PHASE_TERMINATE
};

/*
 * The whole Authenticate phase (RFC 1661 3.5) is bounded: CHAP and EAP
 * have no timer of the peer's (RFC 1994 4.1: the authenticator resends),
 * so a server that never sends a Challenge would leave us waiting.  90 s
 * leaves room for a second factor approved on a phone (a RADIUS server
 * holding the answer back).
 */
#define PPP_AUTH_LIMIT_MS	90000
/* Server role: conf.auth_timeout_ms when 0 (ppp_engine.h). */
#define PPP_AUTHSRV_LIMIT_MS	30000

/* Smallest MRU we accept from the peer (RFC 791's 68 is too small). */
#define PPP_MRU_MIN		128
#define PPP_MRU_DEFAULT		1500	/* RFC 1661 6.1 */

/* IPCP options we ask for (bit per option, ipcp_rej). */
#define IPCP_W_ADDR		0x01
#define IPCP_W_DNS1		0x02
#define IPCP_W_DNS2		0x04
#define IPCP_W_NBNS1		0x08
#define IPCP_W_NBNS2		0x10

struct ppp_engine;
struct ppp_auth_server;

/*
 * What the protocol files call back in ppp_engine.c: through pointers, so
 * that the files of ppp/ form no symbol cycle (support/check-layers.sh).
 */
struct ppp_engine_glue {
	void	(*rand)(struct ppp_engine *, void *, size_t);
	void	(*output)(struct ppp_engine *, const uint8_t *, size_t);
	void	(*fail)(struct ppp_engine *, enum ppp_end, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
	void	(*lcp_up)(struct ppp_engine *);
	void	(*lcp_down)(struct ppp_engine *);
	void	(*lcp_finished)(struct ppp_engine *);
	void	(*ncp_up)(struct ppp_engine *, struct ppp_fsm *);
	void	(*ncp_down)(struct ppp_engine *, struct ppp_fsm *);
	void	(*ncp_finished)(struct ppp_engine *, struct ppp_fsm *);
	void	(*proto_rejected)(struct ppp_engine *, uint16_t proto);
};

struct ppp_engine {
	const struct ppp_engine_glue	*g;
	struct ppp_engine_conf		 conf;
	char				*user;
	char				*password;
	const struct ppp_engine_ops	*ops;
	void				*arg;
	enum ppp_phase			 phase;
	uint64_t			 now;

	struct ppp_fsm			 lcp;
	struct ppp_fsm			 ipcp;
	struct ppp_fsm			 ipv6cp;

	/* LCP, ours */
	uint16_t			 our_mru;
	bool				 mru_rej;
	uint32_t			 our_magic;
	bool				 magic_rej;
	unsigned			 loops;		/* magic seen looped */
	unsigned			 eap_naks;	/* EAP steered away */
	/* LCP, the peer's (its acked request) */
	uint16_t			 peer_mru;	/* what we may send */
	uint32_t			 peer_magic;
	enum ppp_auth_proto		 auth_proto;
	enum ppp_auth_proto		 auth_offer;	/* in the last request */
	/* The server's auth protocol we Nak'ed or Rejected (not Acked since) */
	bool				 auth_refused;
	uint16_t			 auth_refused_proto;	/* its value */
	uint8_t				 auth_refused_alg;	/* CHAP's */
	/* Server role: the method in our request, the ones the peer Nak'ed */
	enum ppp_auth_proto		 auth_want;
	unsigned			 auth_naked;	/* PPP_AUTH_ALLOW_* */
	/* LCP Echo (RFC 1661 5.8) */
	uint64_t			 echo_deadline;
	unsigned			 echo_pending;

	/* authentication */
	struct ppp_auth_client		*auth;
	uint64_t			 auth_deadline;	/* the method's */
	uint64_t			 auth_limit;	/* the phase's */
	bool				 auth_ok;
	struct ppp_auth_keys		 keys;
	const char			*auth_name;	/* "" before */
	/* server role: the authenticator (ppp_srvauth.c) and its result */
	struct ppp_auth_server		*authsrv;
	char				 peer_user[256];
	bool				 peer4_asked;	/* ops.peer_addr called */
	uint32_t			 peer4;		/* what it gave */
	bool				 peer6_asked;	/* ops.peer_ipv6 called */
	bool				 peer6_ok;	/* what it said */

	/* IPCP */
	unsigned			 ipcp_want;	/* IPCP_W_* still asked */
	uint32_t			 ip_local, ip_peer;
	uint32_t			 dns[2], nbns[2];
	bool				 ip4_noaddr;	/* IPCP closed for it */
	bool				 ipcp_protrej;	/* Protocol-Rejected */
	/* IPV6CP */
	bool				 ifid_rej;
	uint8_t				 ifid_local[8], ifid_peer[8];
	bool				 have_peer_ifid;

	/* CCP and MPPE */
	struct ccp_neg			 ccp;
	bool				 ccp_on;	/* negotiating via ccp.c */
	unsigned			 ccp_seen;	/* CCP frames before ccp_on */
	bool				 ccp_refused;	/* ever Protocol-Rejected */
	bool				 mppe_up;
	struct mppe_ctx			 mtx, mrx;
	uint64_t			 mppe_deadline;
	uint64_t		 net_settle;	/* net_up waits for IPV6CP until */

	bool				 net_is_up;
	struct ppp_ip_info		 info;
	bool				 ended;
	bool				 end_set;
	enum ppp_end			 end_code;
	char				 end_why[192];

	uint64_t			 out_octets, in_octets;
	uint8_t				 scratch[PPP_FRAME_MAX + 16];
};

extern const struct ppp_fsm_ops ppp_lcp_client_ops;
extern const struct ppp_fsm_ops ppp_ipcp_client_ops;
extern const struct ppp_fsm_ops ppp_ipv6cp_client_ops;
extern const struct ppp_fsm_ops ppp_lcp_server_ops;
extern const struct ppp_fsm_ops ppp_ipcp_server_ops;
/* IPV6CP is symmetric (RFC 5072 4.1): the server uses the client's ops. */

/* ppp_engine.c, called by the protocol files. */
void	ppp_engine_rand(struct ppp_engine *, void *, size_t);
void	ppp_engine_output(struct ppp_engine *, const uint8_t *, size_t);
void	ppp_engine_fail(struct ppp_engine *, enum ppp_end, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
void	ppp_engine_lcp_up(struct ppp_engine *);
void	ppp_engine_lcp_down(struct ppp_engine *);
void	ppp_engine_lcp_finished(struct ppp_engine *);
void	ppp_engine_ncp_up(struct ppp_engine *, struct ppp_fsm *);
void	ppp_engine_ncp_down(struct ppp_engine *, struct ppp_fsm *);
void	ppp_engine_ncp_finished(struct ppp_engine *, struct ppp_fsm *);
void	ppp_engine_proto_rejected(struct ppp_engine *, uint16_t proto);
/* ppp_lcp.c */
void	ppp_lcp_send_echo(struct ppp_engine *);
void	ppp_lcp_protocol_reject(struct ppp_engine *, uint16_t proto,
	    const uint8_t *info, size_t len);
/* Server role: the best authentication method still offered, or NONE. */
enum ppp_auth_proto ppp_lcp_srv_first(const struct ppp_engine *);
/* ppp_ipcp.c: fresh identifiers for a new IPV6CP negotiation. */
void	ppp_ipv6cp_reset(struct ppp_engine *);
/*
 * ppp_srvauth.c, server role: the authenticator of ppp/ppp_authsrv.h for
 * e->auth_proto, kept in e->authsrv.  The calls return PPP_AUTH_SEND /
 * _OK / _FAIL flags (ppp_auth.h), or -ENOMEM.  ppp_engine.c does not
 * include ppp_authsrv.h itself: that header includes ppp_engine.h, and
 * the two would form an include cycle (support/check-layers.sh).
 */
int	ppp_srvauth_start(struct ppp_engine *, struct wbuf *out);
int	ppp_srvauth_input(struct ppp_engine *, uint16_t proto,
	    struct bcur info, struct wbuf *out);
int	ppp_srvauth_timeout(struct ppp_engine *, struct wbuf *out);
bool	ppp_srvauth_wants_timer(const struct ppp_engine *);
/* Keys (client orientation), user and fixed address once OK. */
int	ppp_srvauth_keys(const struct ppp_engine *, struct ppp_auth_keys *);
const char *ppp_srvauth_user(const struct ppp_engine *);
uint32_t ppp_srvauth_addr4(const struct ppp_engine *);
const char *ppp_srvauth_reason(const struct ppp_engine *);
void	ppp_srvauth_free(struct ppp_engine *);

#endif /* SSTPC_PPP_ENGINE_INT_H */
