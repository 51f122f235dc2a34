/*
 * sstp_tun_server.c - the built-in-mode benchmark's server side: one SSTP
 * connection whose PPP is terminated here and whose IP packets go to and
 * come from a TUN device of this process (in the server's network
 * namespace), so that a TCP stream runs kernel to kernel through
 * `sstpc --tun`.  A bench tool, not a server: one client, one thread,
 * poll(), and it must never be the bottleneck (its own CPU time is in the
 * report).
 *
 * What it does, in order (MS-SSTP 3.2.4.1, 3.3.5.2; RFC 1661, 1334, 1332):
 *   TLS accept (1.3 unless --tls12) -> SSTP_DUPLEX_POST -> 200 with
 *   Content-Length 2^64-1 -> Call Connect Request -> Ack (SHA-256, random
 *   nonce) -> our LCP Configure-Request (MRU, Magic-Number, PAP unless
 *   --no-auth); the client's LCP Configure-Request is Acked as sent ->
 *   PAP Authenticate-Request Acked (any name and password) -> IPCP: we
 *   ask for --local, the client is Naked to --peer, other IPCP options
 *   Rejected -> IPV6CP, CCP and any other protocol: LCP Protocol-Reject.
 * Call Connected is checked in full: layout, SHA-256, our nonce, our
 * certificate's hash and the Compound MAC with the HLAK of PAP (32 zero
 * octets, MS-SSTP 3.2.5.2.2), by sstp_bind_verify().  A bad one ends the
 * run ("why" in the report) unless --no-mac-check.
 *
 * Data: TUN -> client: read the TUN until EAGAIN (at most TS_TUN_BURST
 * packets per wake-up), each packet framed in place as SSTP data + PPP
 * protocol (no FF 03), written in TLS records of up to 16 KiB; the TUN is
 * not read while more than TS_TX_HIGH bytes wait for TLS (the kernel's
 * TUN queue then drops, as on any link).  Client -> TUN: every SSTP
 * packet of a TLS read is parsed in place and its IP packet written to
 * the TUN straight from the receive buffer.
 *
 * TUN offloads, as sstpc's own TUN link (BUILTIN-PPP.md 4; --no-vnet
 * leaves them off): the TUN is made with IFF_VNET_HDR and
 * TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6), so that one read
 * may be a 64 KiB TCP super-packet; wire/gso cuts it into segments,
 * each framed straight into the output queue.  Toward the TUN, TCP
 * segments of one flow in a row are coalesced (gro_offer) and written as
 * one super-packet at the end of each TLS read burst; anything else is
 * written behind a zeroed virtio_net_hdr (GSO_NONE).  A kernel that
 * refuses IFF_VNET_HDR or the offloads gets the plain path.
 *
 * It ends on the client's Call Disconnect (Acked; 3 s after an Acked LCP
 * Terminate-Request at the latest), on the TLS connection closing, on SIGTERM/SIGINT, or after
 * --timeout seconds, and writes one JSON object (--report FILE, or
 * stdout): phase times (CLOCK_MONOTONIC ns), packet and byte counters
 * each way, its own user/sys CPU seconds (getrusage) in total and since
 * IPCP opened, the TLS version and cipher, and "why" it ended.
 *
 * Usage: sstp_tun_server --cert PEM --key PEM --tun NAME [--listen ADDR]
 *        [--port N] [--port-file FILE] [--local A.B.C.D] [--peer A.B.C.D]
 *        [--mru N] [--no-auth] [--no-mac-check] [--tls12] [--timeout S]
 *        [--report FILE] [--no-vnet]
 * The TUN device exists (created, IFF_NO_PI) before the port file is
 * written; the caller gives it its addresses and sets it up.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "bench_payload.h"
#include "util/buf.h"
#include "crypto/sstp_bind.h"
#include "wire/gso.h"
#include "wire/sstp_wire.h"
#include "ppp/ppp_cp.h"
#include "ppp/proto.h"

#define TS_RX_CAP	(128 * 1024)	/* TLS plaintext in */
#define TS_RX_BURST	(256 * 1024)	/* TLS bytes read per wake-up */
#define TS_TX_CAP	(512 * 1024)	/* queued for TLS */
#define TS_TX_HIGH	(192 * 1024)	/* stop reading the TUN above */
#define TS_RECORD	16384		/* max TLS plaintext record */
#define TS_TUN_BURST	256		/* TUN reads per wake-up */
#define TS_DATA_HDR	(SSTP_HDR_LEN + 2)	/* SSTP + PPP protocol */
#define TS_MAX_IP	(SSTP_MAX_PKT - TS_DATA_HDR)
#define TS_RESTART_NS	3000000000ULL	/* RFC 1661 4.6 restart timer */
#define TS_MAX_CONF	10		/* RFC 1661 4.6 Max-Configure */
#define TS_MAGIC	0x5e4d7c3bU

enum ts_phase { PH_TLS, PH_HTTP, PH_REQ, PH_PPP, PH_END };

/* One Configure-Request we send: its id, retries, time sent, acked. */
struct ts_req {
	uint8_t		 id;
	unsigned	 tries;
	uint64_t	 t_sent;
	bool		 acked;		/* our request was Acked */
	bool		 peer_acked;	/* we Acked the peer's request */
};

struct ts {
	SSL		*ssl;
	int		 fd, tun;
	enum ts_phase	 ph;
	bool		 auth_pap;
	bool		 mac_check;
	uint16_t	 mru;
	uint32_t	 local4, peer4;	/* network order */
	uint8_t		 nonce[SSTP_NONCE_LEN];
	uint8_t		 cert_hash[32];
	struct ts_req	 lcp, ipcp;
	bool		 lcp_open, auth_ok, ipcp_open, cc;
	uint8_t		 next_id;
	uint8_t		 rx[TS_RX_CAP];
	size_t		 rx_len;
	uint8_t		 tx[TS_TX_CAP];
	size_t		 tx_off, tx_len, tx_retry;
	bool		 want_out;
	const char	*why;
	char		 mac_result[16];
	uint64_t	 t_accept, t_tls, t_http, t_ack, t_lcp, t_auth, t_cc;
	uint64_t	 t_ipcp, t_term, t_end;
	double		 cpu_ipcp;	/* own CPU s when IPCP opened */
	uint64_t	 pkts_to_tun, bytes_to_tun, tun_write_err;
	uint64_t	 pkts_from_tun, bytes_from_tun, tun_drop;
	uint64_t	 tls_in, tls_out, tls_writes, tls_reads;
	uint64_t	 proto_rej, echo, bad_ppp, tx_full_waits;
	unsigned	 vnet;		/* virtio_net_hdr bytes, or 0 */
	bool		 vnet_le;
	uint8_t		*tunbuf;	/* vnet: one read (vnet + 64 KiB) */
	uint8_t		*grobuf;	/* vnet: GSO_MAX_PACKET bytes */
	struct gro	 gro;
	uint64_t	 tun_super, tun_segs, gro_super, gso_drop;
};

static void
ts_die(const char *m)
{
	fprintf(stderr, "sstp_tun_server: %s\n", m);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* Own user+sys CPU seconds so far (getrusage). */
static double
ts_cpu(double *user, double *sys)
{
	struct rusage ru;
	double u, s;

	getrusage(RUSAGE_SELF, &ru);
	u = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	s = (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	if (user != NULL)
		*user = u;
	if (sys != NULL)
		*sys = s;
	return u + s;
}

/* Make room for n more bytes at the end of tx; NULL when it is full. */
static uint8_t *
ts_tx_room(struct ts *t, size_t n)
{
	if (t->tx_off > 0 && t->tx_retry == 0 && TS_TX_CAP - t->tx_len < n) {
		memmove(t->tx, t->tx + t->tx_off, t->tx_len - t->tx_off);
		t->tx_len -= t->tx_off;
		t->tx_off = 0;
	}
	if (TS_TX_CAP - t->tx_len < n)
		return NULL;
	return t->tx + t->tx_len;
}

/* Queue bytes for the client. */
static void
ts_queue(struct ts *t, const void *p, size_t n)
{
	uint8_t *d = ts_tx_room(t, n);

	if (d == NULL) {
		/* Only control packets come here; the data path checks. */
		t->why = "output queue full (control packet)";
		t->ph = PH_END;
		return;
	}
	memcpy(d, p, n);
	t->tx_len += n;
}

/* Queue one PPP frame (as built by ppp_cp_*: FF 03 first) in SSTP data. */
static void
ts_queue_ppp(struct ts *t, const uint8_t *frame, size_t len)
{
	uint8_t pkt[SSTP_MAX_PKT];
	struct wbuf w;

	wbuf_init(&w, pkt, sizeof pkt);
	sstp_wire_put_data_hdr(&w, len);
	wbuf_put_bytes(&w, frame, len);
	if (wbuf_error(&w) != 0) {
		t->why = "PPP frame too large for SSTP";
		t->ph = PH_END;
		return;
	}
	ts_queue(t, pkt, w.len);
}

/* Send one control packet of proto (code, id, data as given). */
static void
ts_send_cp(struct ts *t, uint16_t proto, uint8_t code, uint8_t id,
    const void *data, size_t len)
{
	uint8_t f[PPP_FRAME_MAX];
	struct wbuf w;

	wbuf_init(&w, f, sizeof f);
	if (ppp_cp_build(&w, proto, code, id, data, len) != 0) {
		t->why = "cannot build a PPP control packet";
		t->ph = PH_END;
		return;
	}
	ts_queue_ppp(t, f, w.len);
}

/* Our LCP Configure-Request: MRU, Magic-Number, PAP (RFC 1661 6, 1334). */
static void
ts_lcp_req(struct ts *t, uint64_t now)
{
	uint8_t f[64], v[4];
	struct wbuf w;
	size_t st;

	if (t->lcp.tries++ >= TS_MAX_CONF) {
		t->why = "LCP: Max-Configure reached";
		t->ph = PH_END;
		return;
	}
	t->lcp.id = t->next_id++;
	wbuf_init(&w, f, sizeof f);
	st = ppp_cp_begin(&w, PPP_PROTO_LCP, PPP_CONF_REQ, t->lcp.id);
	store_be16(v, t->mru);
	ppp_put_opt(&w, LCP_OPT_MRU, v, 2);
	if (t->auth_pap) {
		store_be16(v, PPP_PROTO_PAP);
		ppp_put_opt(&w, LCP_OPT_AUTH, v, 2);
	}
	v[0] = TS_MAGIC >> 24;
	v[1] = (TS_MAGIC >> 16) & 0xff;
	v[2] = (TS_MAGIC >> 8) & 0xff;
	v[3] = TS_MAGIC & 0xff;
	ppp_put_opt(&w, LCP_OPT_MAGIC, v, 4);
	ppp_cp_end(&w, st);
	t->lcp.t_sent = now;
	ts_queue_ppp(t, f, w.len);
}

/* Our IPCP Configure-Request: IP-Address = --local (RFC 1332 3.3). */
static void
ts_ipcp_req(struct ts *t, uint64_t now)
{
	uint8_t f[32];
	struct wbuf w;
	size_t st;

	if (t->ipcp.tries++ >= TS_MAX_CONF) {
		t->why = "IPCP: Max-Configure reached";
		t->ph = PH_END;
		return;
	}
	t->ipcp.id = t->next_id++;
	wbuf_init(&w, f, sizeof f);
	st = ppp_cp_begin(&w, PPP_PROTO_IPCP, PPP_CONF_REQ, t->ipcp.id);
	ppp_put_opt(&w, 3, &t->local4, 4);
	ppp_cp_end(&w, st);
	t->ipcp.t_sent = now;
	ts_queue_ppp(t, f, w.len);
}

/* The Network phase starts: our IPCP request (RFC 1661 3.5). */
static void
ts_network(struct ts *t, uint64_t now)
{
	if (t->ipcp.tries == 0)
		ts_ipcp_req(t, now);
}

/* LCP is Opened when both requests are Acked (RFC 1661 4.2). */
static void
ts_lcp_check_open(struct ts *t, uint64_t now)
{
	if (t->lcp_open || !t->lcp.acked || !t->lcp.peer_acked)
		return;
	t->lcp_open = true;
	t->t_lcp = now;
	if (!t->auth_pap) {
		t->auth_ok = true;
		ts_network(t, now);
	}
}

/* IPCP is Opened when both requests are Acked. */
static void
ts_ipcp_check_open(struct ts *t, uint64_t now)
{
	if (t->ipcp_open || !t->ipcp.acked || !t->ipcp.peer_acked)
		return;
	t->ipcp_open = true;
	t->t_ipcp = now;
	t->cpu_ipcp = ts_cpu(NULL, NULL);
}

/* LCP Protocol-Reject of a frame of an unknown protocol (RFC 1661 5.7). */
static void
ts_proto_rej(struct ts *t, const struct ppp_frame *fr)
{
	uint8_t d[2 + 1500];
	size_t n = bcur_left(&fr->info);

	if (!t->lcp_open)
		return;		/* RFC 1661 5.7: only in the Opened state */
	if (n > sizeof d - 2)
		n = sizeof d - 2;
	store_be16(d, fr->proto);
	memcpy(d + 2, bcur_ptr(&fr->info), n);
	t->proto_rej++;
	ts_send_cp(t, PPP_PROTO_LCP, PPP_PROTO_REJ, t->next_id++, d, n + 2);
}

/* The client's LCP packet. */
static void
ts_lcp_in(struct ts *t, struct ppp_cp_pkt *p, uint64_t now)
{
	uint8_t rep[4];
	struct ppp_opt o;
	struct bcur opts;
	int r;

	switch (p->code) {
	case PPP_CONF_REQ:
		/* Ack whatever it asks (MRU, magic, PFC/ACFC...): we send
		 * nothing compressed and take any MRU >= our packets. */
		opts = p->data;
		while ((r = ppp_opt_next(&opts, &o)) == 1)
			;
		if (r < 0) {
			t->bad_ppp++;
			return;
		}
		ts_send_cp(t, PPP_PROTO_LCP, PPP_CONF_ACK, p->id,
		    bcur_ptr(&p->data), bcur_left(&p->data));
		t->lcp.peer_acked = true;
		ts_lcp_check_open(t, now);
		break;
	case PPP_CONF_ACK:
		if (p->id == t->lcp.id && !t->lcp.acked) {
			t->lcp.acked = true;
			ts_lcp_check_open(t, now);
		}
		break;
	case PPP_CONF_NAK:
	case PPP_CONF_REJ:
		t->why = "the client refused our LCP options";
		t->ph = PH_END;
		break;
	case PPP_TERM_REQ:
		ts_send_cp(t, PPP_PROTO_LCP, PPP_TERM_ACK, p->id, NULL, 0);
		/* Call Disconnect follows (MS-SSTP 3.2.7.2.1): wait. */
		if (t->t_term == 0)
			t->t_term = now;
		break;
	case PPP_ECHO_REQ:
		/* RFC 1661 5.8: our magic, then the request's data. */
		t->echo++;
		rep[0] = TS_MAGIC >> 24;
		rep[1] = (TS_MAGIC >> 16) & 0xff;
		rep[2] = (TS_MAGIC >> 8) & 0xff;
		rep[3] = TS_MAGIC & 0xff;
		if (bcur_left(&p->data) >= 4) {
			uint8_t d[1500];
			size_t n = bcur_left(&p->data);

			if (n > sizeof d)
				n = sizeof d;
			memcpy(d, bcur_ptr(&p->data), n);
			memcpy(d, rep, 4);
			ts_send_cp(t, PPP_PROTO_LCP, PPP_ECHO_REP, p->id, d, n);
		}
		break;
	case PPP_TERM_ACK:
	case PPP_ECHO_REP:
	case PPP_DISCARD_REQ:
	case PPP_PROTO_REJ:
	case PPP_CODE_REJ:
		break;
	default:
		t->bad_ppp++;
		break;
	}
}

/* The client's PAP packet: any name and password is fine (RFC 1334 2.2). */
static void
ts_pap_in(struct ts *t, struct ppp_cp_pkt *p, uint64_t now)
{
	static const uint8_t msg[] = { 0 };	/* Msg-Length 0 */

	if (p->code != PAP_CODE_AUTH_REQ || !t->lcp_open)
		return;
	ts_send_cp(t, PPP_PROTO_PAP, PAP_CODE_AUTH_ACK, p->id, msg,
	    sizeof msg);
	if (!t->auth_ok) {
		t->auth_ok = true;
		t->t_auth = now;
		ts_network(t, now);
	}
}

/*
 * The client's IPCP packet.  Its Configure-Request: options other than
 * IP-Address are Rejected (RFC 1661 5.4), then IP-Address other than
 * --peer is Naked with --peer (RFC 1332 3.3), else Acked.
 */
static void
ts_ipcp_in(struct ts *t, struct ppp_cp_pkt *p, uint64_t now)
{
	uint8_t rej[256], nak[8];
	struct wbuf wr, wn;
	struct ppp_opt o;
	struct bcur opts;
	uint8_t addr[4];
	bool have = false;
	int r;

	if (!t->auth_ok)
		return;
	switch (p->code) {
	case PPP_CONF_REQ:
		wbuf_init(&wr, rej, sizeof rej);
		wbuf_init(&wn, nak, sizeof nak);
		opts = p->data;
		while ((r = ppp_opt_next(&opts, &o)) == 1) {
			if (o.type == 3 && bcur_left(&o.val) == 4) {
				(void)bcur_get_bytes(&o.val, addr, 4);
				have = true;
			} else
				ppp_put_raw_opt(&wr, &o);
		}
		if (r < 0 || wbuf_error(&wr) != 0) {
			t->bad_ppp++;
			return;
		}
		if (wr.len > 0) {
			ts_send_cp(t, PPP_PROTO_IPCP, PPP_CONF_REJ, p->id, rej,
			    wr.len);
			return;
		}
		if (!have || memcmp(addr, &t->peer4, 4) != 0) {
			ppp_put_opt(&wn, 3, &t->peer4, 4);
			ts_send_cp(t, PPP_PROTO_IPCP, PPP_CONF_NAK, p->id, nak,
			    wn.len);
			return;
		}
		ts_send_cp(t, PPP_PROTO_IPCP, PPP_CONF_ACK, p->id,
		    bcur_ptr(&p->data), bcur_left(&p->data));
		t->ipcp.peer_acked = true;
		ts_ipcp_check_open(t, now);
		break;
	case PPP_CONF_ACK:
		if (p->id == t->ipcp.id && !t->ipcp.acked) {
			t->ipcp.acked = true;
			ts_ipcp_check_open(t, now);
		}
		break;
	case PPP_CONF_NAK:
	case PPP_CONF_REJ:
		t->why = "the client refused our IPCP address";
		t->ph = PH_END;
		break;
	case PPP_TERM_REQ:
		ts_send_cp(t, PPP_PROTO_IPCP, PPP_TERM_ACK, p->id, NULL, 0);
		t->ipcp_open = false;
		break;
	default:
		break;
	}
}

/* One packet to the TUN, behind @hdr (t->vnet bytes) with IFF_VNET_HDR. */
static void
ts_tun_write(struct ts *t, const uint8_t *hdr, const uint8_t *pkt,
    size_t len)
{
	struct iovec iov[2] = { { (void *)hdr, t->vnet },
	    { (void *)pkt, len } };
	ssize_t n;

	n = t->vnet == 0 ? write(t->tun, pkt, len) : writev(t->tun, iov, 2);
	if (n < 0)
		t->tun_write_err++;
}

/* Write what the coalescer holds (one packet, or a super-packet). */
static void
ts_gro_flush(struct ts *t)
{
	uint8_t hdr[GSO_VNET_HDR_MRG_LEN];
	const uint8_t *pkt;
	unsigned segs = t->gro.segs;
	size_t len;

	if (t->grobuf == NULL)
		return;
	len = gro_finish(&t->gro, hdr, t->vnet, t->vnet_le, &pkt);
	if (len == 0)
		return;
	if (segs > 1)
		t->gro_super++;
	ts_tun_write(t, hdr, pkt, len);
}

/*
 * An IP packet from the client, written to the TUN from rx, or (vnet)
 * offered to the coalescer, flushed at the end of the TLS read burst.
 */
static void
ts_ip_in(struct ts *t, const struct ppp_frame *fr)
{
	/* virtio 1.x 5.1.6: GSO_NONE, no flags. */
	static const uint8_t vnet_none[GSO_VNET_HDR_MRG_LEN];
	const uint8_t *p = bcur_ptr(&fr->info);
	uint16_t iplen;
	enum gro_res gr;
	uint8_t v;

	/* Only IPv4 while IPCP is open, of the length its header says. */
	if (!t->ipcp_open || bcur_peek_u8(&fr->info, 0, &v) != 0 ||
	    (v >> 4) != 4 || (v & 0x0f) < 5 ||
	    bcur_peek_be16(&fr->info, 2, &iplen) != 0 ||
	    iplen < (v & 0x0f) * 4 || iplen > bcur_left(&fr->info)) {
		t->bad_ppp++;
		return;
	}
	t->pkts_to_tun++;
	t->bytes_to_tun += iplen;
	if (t->grobuf != NULL) {
		gr = gro_offer(&t->gro, p, iplen);
		if (gr == GRO_BUSY) {
			ts_gro_flush(t);
			gr = gro_offer(&t->gro, p, iplen);
		}
		if (gr == GRO_HELD) {
			if (t->gro.closed)
				ts_gro_flush(t);
			return;
		}
		ts_gro_flush(t);
	}
	ts_tun_write(t, vnet_none, p, iplen);
}

/* One PPP frame from the client (a data packet's payload). */
static void
ts_ppp_in(struct ts *t, const uint8_t *f, size_t len, uint64_t now)
{
	struct ppp_frame fr;
	struct ppp_cp_pkt p;

	if (ppp_frame_parse(f, len, &fr) != 0) {
		t->bad_ppp++;
		return;
	}
	if (fr.proto == PPP_PROTO_IP) {
		ts_ip_in(t, &fr);
		return;
	}
	switch (fr.proto) {
	case PPP_PROTO_LCP:
	case PPP_PROTO_PAP:
	case PPP_PROTO_IPCP:
		if (ppp_cp_parse(fr.info, &p) != 0) {
			t->bad_ppp++;
			return;
		}
		if (fr.proto == PPP_PROTO_LCP)
			ts_lcp_in(t, &p, now);
		else if (fr.proto == PPP_PROTO_PAP)
			ts_pap_in(t, &p, now);
		else
			ts_ipcp_in(t, &p, now);
		break;
	default:
		/* IPV6CP, CCP, IPv6, anything else (RFC 1661 5.7). */
		ts_proto_rej(t, &fr);
		break;
	}
}

/* One control packet from the client. */
static void
ts_ctrl(struct ts *t, const uint8_t *pkt, size_t len, uint64_t now)
{
	static const uint8_t zero_hlak[SSTP_HLAK_LEN];
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	uint8_t out[64];
	struct wbuf w;

	if (sstp_wire_decode_ctrl(pkt, len, &m, &v) < 0) {
		t->why = "bad control packet from the client";
		t->ph = PH_END;
		return;
	}
	wbuf_init(&w, out, sizeof out);
	switch (m.type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST:
		if (t->t_ack != 0 || m.encap_proto != SSTP_ENCAP_PPP) {
			t->why = "unexpected Call Connect Request";
			t->ph = PH_END;
			return;
		}
		if (RAND_bytes(t->nonce, sizeof t->nonce) != 1)
			ts_die("RAND_bytes");
		sstp_wire_put_connect_ack(&w, SSTP_HASH_SHA256, t->nonce);
		ts_queue(t, out, w.len);
		t->t_ack = now;
		t->ph = PH_PPP;
		ts_lcp_req(t, now);
		break;
	case SSTP_MSG_CALL_CONNECTED:
		/* MS-SSTP 3.3.5.2.3; the HLAK of PAP or no auth is zeros. */
		t->t_cc = now;
		if (len != SSTP_CONNECTED_LEN) {
			snprintf(t->mac_result, sizeof t->mac_result, "badlen");
		} else if (sstp_bind_verify(pkt, t->nonce, t->cert_hash,
		    SSTP_HASH_SHA256, zero_hlak) == 0) {
			snprintf(t->mac_result, sizeof t->mac_result, "ok");
			t->cc = true;
		} else
			snprintf(t->mac_result, sizeof t->mac_result, "bad");
		if (!t->cc && t->mac_check) {
			t->why = "Call Connected: crypto binding check failed";
			t->ph = PH_END;
		}
		break;
	case SSTP_MSG_ECHO_REQUEST:
		sstp_wire_put_echo_response(&w);
		ts_queue(t, out, w.len);
		break;
	case SSTP_MSG_CALL_DISCONNECT:
		sstp_wire_put_disconnect_ack(&w);
		ts_queue(t, out, w.len);
		if (t->why == NULL)
			t->why = "call disconnect";
		t->ph = PH_END;
		break;
	case SSTP_MSG_CALL_ABORT:
		if (t->why == NULL)
			t->why = "call abort";
		t->ph = PH_END;
		break;
	default:
		break;
	}
}

/* Parse whole SSTP packets in rx; returns the bytes used. */
static size_t
ts_sstp_input(struct ts *t, uint64_t now)
{
	struct sstp_frame fr;
	struct bcur pl;
	size_t off = 0;
	int r;

	while (t->ph != PH_END) {
		r = sstp_wire_frame(t->rx + off, t->rx_len - off, &fr);
		if (r == 0)
			break;
		if (r < 0) {
			t->why = "SSTP framing error";
			t->ph = PH_END;
			break;
		}
		if (fr.control)
			ts_ctrl(t, t->rx + off, fr.len, now);
		else if (t->ph == PH_PPP &&
		    sstp_wire_data_payload(t->rx + off, fr.len, &pl) == 0 &&
		    bcur_left(&pl) > 0)
			ts_ppp_in(t, bcur_ptr(&pl), bcur_left(&pl), now);
		off += fr.len;
	}
	return off;
}

/* Answer the SSTP_DUPLEX_POST request (MS-SSTP 3.2.4.1). */
static size_t
ts_http(struct ts *t, uint64_t now)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 18446744073709551615\r\n"
	    "Server: Microsoft-HTTPAPI/2.0\r\n"
	    "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n\r\n";
	static const char meth[] = "SSTP_DUPLEX_POST ";
	struct bcur c = bcur_make(t->rx, t->rx_len);
	void *end;

	end = memmem(t->rx, t->rx_len, "\r\n\r\n", 4);
	if (end == NULL)
		return 0;
	if (!bcur_starts_with(&c, meth, sizeof meth - 1)) {
		t->why = "not an SSTP_DUPLEX_POST request";
		t->ph = PH_END;
		return 0;
	}
	ts_queue(t, resp, sizeof resp - 1);
	t->t_http = now;
	t->ph = PH_REQ;
	return (size_t)((uint8_t *)end - t->rx) + 4;
}

/* Read TLS (bounded per wake-up) and handle it; -1 when the link is gone. */
static int
ts_read(struct ts *t)
{
	size_t used, got = 0;
	uint64_t now;
	int r, e;

	while (got < TS_RX_BURST && t->ph != PH_END) {
		if (t->rx_len == TS_RX_CAP) {
			t->why = "receive buffer full";
			return -1;
		}
		r = SSL_read(t->ssl, t->rx + t->rx_len,
		    (int)(TS_RX_CAP - t->rx_len));
		if (r <= 0) {
			e = SSL_get_error(t->ssl, r);
			ts_gro_flush(t);
			if (e == SSL_ERROR_WANT_READ)
				return 0;
			if (e == SSL_ERROR_WANT_WRITE) {
				t->want_out = true;
				return 0;
			}
			if (t->why == NULL)
				t->why = e == SSL_ERROR_ZERO_RETURN ?
				    "close_notify" : "connection closed";
			return -1;
		}
		t->tls_reads++;
		t->tls_in += (uint64_t)r;
		got += (size_t)r;
		t->rx_len += (size_t)r;
		now = bp_now_ns();
		used = 0;
		if (t->ph == PH_HTTP)
			used = ts_http(t, now);
		memmove(t->rx, t->rx + used, t->rx_len - used);
		t->rx_len -= used;
		if (t->ph >= PH_REQ && t->ph != PH_END) {
			used = ts_sstp_input(t, now);
			memmove(t->rx, t->rx + used, t->rx_len - used);
			t->rx_len -= used;
		}
	}
	ts_gro_flush(t);
	return 0;
}

/*
 * Length of the next TLS write: up to a 16 KiB record; before IPCP is
 * open one SSTP packet per record (XX: clients that handle one packet
 * per TLS record, REFERENCE-CLIENT.md 10).
 */
static size_t
ts_chunk(const struct ts *t)
{
	struct sstp_frame fr;
	size_t chunk = t->tx_len - t->tx_off;

	if (t->tx_retry != 0)
		return t->tx_retry;
	if (chunk > TS_RECORD)
		chunk = TS_RECORD;
	if (!t->ipcp_open && sstp_wire_frame(t->tx + t->tx_off,
	    t->tx_len - t->tx_off, &fr) == 1 && fr.len < chunk)
		chunk = fr.len;
	return chunk;
}

/* Write what is queued; -1 when the connection is gone. */
static int
ts_flush(struct ts *t)
{
	size_t chunk;
	int r, e;

	while (t->tx_len > t->tx_off) {
		chunk = ts_chunk(t);
		r = SSL_write(t->ssl, t->tx + t->tx_off, (int)chunk);
		if (r > 0) {
			t->tx_retry = 0;
			t->tx_off += (size_t)r;
			t->tls_out += (uint64_t)r;
			t->tls_writes++;
			continue;
		}
		e = SSL_get_error(t->ssl, r);
		if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
			t->tx_retry = chunk;
			t->want_out = e == SSL_ERROR_WANT_WRITE;
			return 0;
		}
		if (t->why == NULL)
			t->why = "write failed";
		return -1;
	}
	t->want_out = false;
	t->tx_off = t->tx_len = 0;
	return 0;
}

/* Output queue room one TUN read needs: a whole super-packet's segments. */
static size_t
ts_tun_room(const struct ts *t)
{
	return t->vnet != 0 ? 2 * GSO_MAX_PACKET : SSTP_MAX_PKT;
}

/*
 * The IP packet at d + TS_DATA_HDR (n bytes) framed in place in the
 * output queue: SSTP data header, PPP protocol 0x0021 (MS-SSTP 2.2.3; no
 * FF 03, RFC 1661 2).
 */
static void
ts_frame(struct ts *t, uint8_t *d, size_t n)
{
	struct wbuf w;

	wbuf_init(&w, d, TS_DATA_HDR);
	sstp_wire_put_data_hdr(&w, n + 2);
	wbuf_put_be16(&w, PPP_PROTO_IP);
	t->tx_len += TS_DATA_HDR + n;
	t->pkts_from_tun++;
	t->bytes_from_tun += (uint64_t)n;
}

/*
 * One read with a virtio_net_hdr in front (t->tunbuf, @n bytes): the
 * packet, or the segments of a TSO super-packet (wire/gso), framed into
 * the output queue.
 */
static void
ts_tun_vnet(struct ts *t, size_t n)
{
	struct bcur c = bcur_make(t->tunbuf, n);
	struct gso_vnet_hdr h;
	struct gso g;
	enum gso_kind kind;
	uint8_t *pkt = t->tunbuf + t->vnet, *d;
	size_t len = n - t->vnet, sl;

	if (gso_vnet_parse(&c, t->vnet, t->vnet_le, &h) < 0 ||
	    gso_start(&g, &h, pkt, len, TS_MAX_IP, &kind) != GSO_OK) {
		t->gso_drop++;
		return;
	}
	if (kind == GSO_PASS) {
		gso_complete_csum(&h, pkt, len);
		if (len > TS_MAX_IP ||
		    (d = ts_tx_room(t, SSTP_MAX_PKT)) == NULL) {
			t->tun_drop++;
			return;
		}
		memcpy(d + TS_DATA_HDR, pkt, len);
		ts_frame(t, d, len);
		return;
	}
	t->tun_super++;
	for (;;) {
		if ((d = ts_tx_room(t, SSTP_MAX_PKT)) == NULL) {
			t->tun_drop++;	/* the rest of the super-packet */
			return;
		}
		if ((sl = gso_next(&g, d + TS_DATA_HDR)) == 0)
			return;
		t->tun_segs++;
		ts_frame(t, d, sl);
	}
}

/*
 * Read IP packets from the TUN into the output queue, each framed in
 * place (ts_frame), or with IFF_VNET_HDR cut from a super-packet
 * (ts_tun_vnet).  At most TS_TUN_BURST reads per wake-up.
 */
static void
ts_tun_read(struct ts *t)
{
	uint8_t *d, *ip;
	ssize_t n;
	int i;

	for (i = 0; i < TS_TUN_BURST; i++) {
		if (t->tx_len - t->tx_off >= TS_TX_HIGH)
			return;
		d = ts_tx_room(t, ts_tun_room(t));
		if (d == NULL)
			return;
		ip = t->vnet != 0 ? t->tunbuf + t->vnet : d + TS_DATA_HDR;
		n = t->vnet != 0 ? read(t->tun, t->tunbuf, t->vnet +
		    GSO_MAX_PACKET) : read(t->tun, ip, TS_MAX_IP);
		if (n < (ssize_t)t->vnet + 20 || (ip[0] >> 4) != 4 ||
		    !t->ipcp_open) {
			if (n < 0)
				return;	/* EAGAIN (or the device is gone) */
			t->tun_drop++;	/* IPv6 (IPV6CP refused), runts */
			continue;
		}
		if (t->vnet != 0)
			ts_tun_vnet(t, (size_t)n);
		else
			ts_frame(t, d, (size_t)n);
	}
}

/* Restart timer of our Configure-Requests (RFC 1661 4.6). */
static void
ts_timers(struct ts *t, uint64_t now)
{
	if (t->ph != PH_PPP)
		return;
	if (!t->lcp.acked && t->lcp.tries > 0 &&
	    now - t->lcp.t_sent >= TS_RESTART_NS)
		ts_lcp_req(t, now);
	if (t->auth_ok && !t->ipcp.acked && t->ipcp.tries > 0 &&
	    now - t->ipcp.t_sent >= TS_RESTART_NS)
		ts_ipcp_req(t, now);
}

static void
ts_report(struct ts *t, const char *path)
{
	FILE *f = stdout;
	double u, s, cpu;

	cpu = ts_cpu(&u, &s);
	if (path != NULL && (f = fopen(path, "w")) == NULL)
		ts_die("cannot write the report");
	fprintf(f, "{\"t_accept\": %llu, \"t_tls\": %llu, \"t_http\": %llu, "
	    "\"t_ack\": %llu, \"t_lcp\": %llu, \"t_auth\": %llu, "
	    "\"t_cc\": %llu, \"t_ipcp\": %llu, \"t_term\": %llu, "
	    "\"t_end\": %llu, "
	    "\"mac\": \"%s\", \"cpu_user\": %.6f, \"cpu_sys\": %.6f, "
	    "\"cpu\": %.6f, \"cpu_data\": %.6f, "
	    "\"pkts_to_tun\": %llu, \"bytes_to_tun\": %llu, "
	    "\"tun_write_err\": %llu, \"pkts_from_tun\": %llu, "
	    "\"bytes_from_tun\": %llu, \"tun_drop\": %llu, "
	    "\"tls_in\": %llu, \"tls_out\": %llu, \"tls_reads\": %llu, "
	    "\"tls_writes\": %llu, \"proto_rej\": %llu, \"lcp_echo\": %llu, "
	    "\"bad_ppp\": %llu, \"vnet\": %u, \"tun_super\": %llu, "
	    "\"tun_segs\": %llu, \"gso_drop\": %llu, \"gro_super\": %llu, "
	    "\"tls\": \"%s\", \"cipher\": \"%s\", \"why\": \"%s\"}\n",
	    (unsigned long long)t->t_accept, (unsigned long long)t->t_tls,
	    (unsigned long long)t->t_http, (unsigned long long)t->t_ack,
	    (unsigned long long)t->t_lcp, (unsigned long long)t->t_auth,
	    (unsigned long long)t->t_cc, (unsigned long long)t->t_ipcp,
	    (unsigned long long)t->t_term, (unsigned long long)t->t_end, t->mac_result, u, s, cpu,
	    t->t_ipcp ? cpu - t->cpu_ipcp : 0.0,
	    (unsigned long long)t->pkts_to_tun,
	    (unsigned long long)t->bytes_to_tun,
	    (unsigned long long)t->tun_write_err,
	    (unsigned long long)t->pkts_from_tun,
	    (unsigned long long)t->bytes_from_tun,
	    (unsigned long long)t->tun_drop,
	    (unsigned long long)t->tls_in, (unsigned long long)t->tls_out,
	    (unsigned long long)t->tls_reads, (unsigned long long)t->tls_writes,
	    (unsigned long long)t->proto_rej, (unsigned long long)t->echo,
	    (unsigned long long)t->bad_ppp, t->vnet,
	    (unsigned long long)t->tun_super,
	    (unsigned long long)t->tun_segs,
	    (unsigned long long)t->gso_drop,
	    (unsigned long long)t->gro_super,
	    t->ssl ? SSL_get_version(t->ssl) : "",
	    t->ssl ? SSL_get_cipher_name(t->ssl) : "", t->why ? t->why : "");
	if (f != stdout)
		fclose(f);
}

/*
 * Create the TUN device NAME (IFF_TUN | IFF_NO_PI), non-blocking; with
 * @vnet also IFF_VNET_HDR, little-endian headers (TUNSETVNETLE) and the
 * checksum and TSO offloads.  A kernel that refuses any of them gets the
 * plain device (t->vnet 0): nothing is configured on it yet.
 */
static void
ts_tun_open(struct ts *t, const char *name, bool vnet)
{
	unsigned off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	struct ifreq ifr;
	int fd, sz = GSO_VNET_HDR_LEN, on = 1;

	if (strlen(name) >= IFNAMSIZ)
		ts_die("--tun: name too long");
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		ts_die("cannot open /dev/net/tun");
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		if (!vnet)
			ts_die("TUNSETIFF failed");
		close(fd);
		ts_tun_open(t, name, false);
		return;
	}
	t->tun = fd;
	t->vnet = 0;
	if (!vnet)
		return;
	if (ioctl(fd, TUNGETVNETHDRSZ, &sz) < 0)
		sz = GSO_VNET_HDR_LEN;
	if ((sz != GSO_VNET_HDR_LEN && sz != GSO_VNET_HDR_MRG_LEN) ||
	    ioctl(fd, TUNSETOFFLOAD, off) < 0) {
		close(fd);
		ts_tun_open(t, name, false);
		return;
	}
	t->vnet = (unsigned)sz;
	t->vnet_le = ioctl(fd, TUNSETVNETLE, &on) == 0 ||
	    BYTE_ORDER == LITTLE_ENDIAN;
	t->tunbuf = malloc(t->vnet + GSO_MAX_PACKET);
	t->grobuf = malloc(GSO_MAX_PACKET);
	if (t->tunbuf == NULL || t->grobuf == NULL)
		ts_die("out of memory");
	gro_init(&t->gro, t->grobuf);
}

/* Listen, write the port file, accept one client before the deadline. */
static int
ts_accept(const char *addr, int port, const char *port_file, int sfd,
    uint64_t deadline)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	struct pollfd pfd[2];
	int ls, fd, one = 1;
	FILE *f;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		ts_die("bad --listen address (IPv4 literal)");
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0)
		ts_die("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(ls, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    listen(ls, 4) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sin, &sl) < 0)
		ts_die("bind/listen");
	if (port_file != NULL) {
		char tmp[4096];

		snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
		if ((f = fopen(tmp, "w")) == NULL)
			ts_die("cannot write the port file");
		fprintf(f, "%u\n", ntohs(sin.sin_port));
		fclose(f);
		if (rename(tmp, port_file) < 0)
			ts_die("rename port file");
	}
	pfd[0].fd = ls;
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	for (;;) {
		uint64_t now = bp_now_ns();

		if (now >= deadline)
			return -1;
		if (poll(pfd, 2, (int)((deadline - now) / 1000000) + 1) <= 0)
			continue;
		if (pfd[1].revents != 0)
			return -1;
		if (pfd[0].revents != 0)
			break;
	}
	fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		ts_die("accept");
	close(ls);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static SSL_CTX *
ts_ctx(struct ts *t, const char *cert, const char *key, bool tls12)
{
	unsigned int hl = 0;
	SSL_CTX *ctx;
	X509 *x;

	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL)
		ts_die("SSL_CTX_new");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (tls12)
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		ts_die("cannot load the certificate or key");
	/* The certificate hash of the crypto binding (MS-SSTP 2.2.7). */
	x = SSL_CTX_get0_certificate(ctx);
	if (x == NULL || X509_digest(x, EVP_sha256(), t->cert_hash, &hl) != 1 ||
	    hl != sizeof t->cert_hash)
		ts_die("cannot hash the certificate");
	return ctx;
}

static void
ts_usage(void)
{
	fprintf(stderr, "usage: sstp_tun_server --cert PEM --key PEM --tun NAME "
	    "[--listen ADDR] [--port N]\n"
	    "       [--port-file FILE] [--local A.B.C.D] [--peer A.B.C.D] "
	    "[--mru N] [--no-auth]\n"
	    "       [--no-mac-check] [--tls12] [--timeout S] "
	    "[--report FILE] [--no-vnet]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *cert = NULL, *key = NULL, *addr = "127.0.0.1";
	const char *port_file = NULL, *report = NULL, *tun = NULL;
	const char *local = "192.0.2.1", *peer = "192.0.2.2";
	struct ts *t;
	struct pollfd pfd[3];
	uint64_t deadline, now, linger = 0;
	bool tls12 = false, vnet = true;
	int port = 0, timeout = 300, i, r, e, sfd;
	sigset_t ss;
	SSL_CTX *ctx;

	if ((t = calloc(1, sizeof *t)) == NULL)
		ts_die("out of memory");
	t->auth_pap = true;
	t->mac_check = true;
	t->mru = 1500;
	t->next_id = 1;
	snprintf(t->mac_result, sizeof t->mac_result, "none");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--no-auth") == 0) {
			t->auth_pap = false;
			continue;
		}
		if (strcmp(a, "--no-mac-check") == 0) {
			t->mac_check = false;
			continue;
		}
		if (strcmp(a, "--tls12") == 0) {
			tls12 = true;
			continue;
		}
		if (strcmp(a, "--no-vnet") == 0) {
			vnet = false;
			continue;
		}
		if (v == NULL)
			ts_usage();
		i++;
		if (strcmp(a, "--cert") == 0)
			cert = v;
		else if (strcmp(a, "--key") == 0)
			key = v;
		else if (strcmp(a, "--listen") == 0)
			addr = v;
		else if (strcmp(a, "--port") == 0)
			port = atoi(v);
		else if (strcmp(a, "--port-file") == 0)
			port_file = v;
		else if (strcmp(a, "--report") == 0)
			report = v;
		else if (strcmp(a, "--timeout") == 0)
			timeout = atoi(v);
		else if (strcmp(a, "--tun") == 0)
			tun = v;
		else if (strcmp(a, "--local") == 0)
			local = v;
		else if (strcmp(a, "--peer") == 0)
			peer = v;
		else if (strcmp(a, "--mru") == 0)
			t->mru = (uint16_t)atoi(v);
		else
			ts_usage();
	}
	if (cert == NULL || key == NULL || tun == NULL || t->mru < 576 ||
	    t->mru > TS_MAX_IP || timeout <= 0 ||
	    inet_pton(AF_INET, local, &t->local4) != 1 ||
	    inet_pton(AF_INET, peer, &t->peer4) != 1)
		ts_usage();
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		ts_die("signalfd");
	ctx = ts_ctx(t, cert, key, tls12);
	ts_tun_open(t, tun, vnet);
	deadline = bp_now_ns() + (uint64_t)timeout * 1000000000ULL;

	t->fd = ts_accept(addr, port, port_file, sfd, deadline);
	if (t->fd < 0) {
		t->why = "no client";
		goto out;
	}
	t->t_accept = bp_now_ns();
	if ((t->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(t->ssl, t->fd) != 1)
		ts_die("SSL_new");
	t->ph = PH_TLS;
	pfd[0].fd = t->fd;
	pfd[1].fd = t->tun;
	pfd[2].fd = sfd;
	pfd[2].events = POLLIN;
	for (;;) {
		pfd[0].events = POLLIN;
		pfd[1].events = 0;
		if (t->ph == PH_TLS) {
			r = SSL_accept(t->ssl);
			if (r == 1) {
				t->t_tls = bp_now_ns();
				t->ph = PH_HTTP;
				continue;
			}
			e = SSL_get_error(t->ssl, r);
			if (e == SSL_ERROR_WANT_WRITE)
				pfd[0].events = POLLOUT;
			else if (e != SSL_ERROR_WANT_READ) {
				t->why = "TLS handshake failed";
				break;
			}
		} else {
			if (ts_read(t) < 0) {
				(void)ts_flush(t);
				break;
			}
			if (t->ipcp_open)
				ts_tun_read(t);
			ts_timers(t, bp_now_ns());
			if (ts_flush(t) < 0)
				break;
			if (t->t_term != 0 && linger == 0)
				linger = t->t_term + 3000000000ULL;
			if (t->ph == PH_END) {
				/* Let the last Acks go out, then stop. */
				if (t->tx_len == t->tx_off)
					break;
				if (linger == 0 || linger > bp_now_ns() +
				    1000000000ULL)
					linger = bp_now_ns() + 1000000000ULL;
			}
			if (t->want_out)
				pfd[0].events |= POLLOUT;
			/* Not while a TLS write waits and no room is left. */
			if (t->ipcp_open && t->tx_len - t->tx_off < TS_TX_HIGH &&
			    (t->tx_retry == 0 ||
			    TS_TX_CAP - t->tx_len >= ts_tun_room(t)))
				pfd[1].events = POLLIN;
			else if (t->tx_len > t->tx_off)
				t->tx_full_waits++;
		}
		now = bp_now_ns();
		if (now >= deadline || (linger != 0 && now >= linger)) {
			if (t->why == NULL)
				t->why = "timeout";
			break;
		}
		if (poll(pfd, 3, 1000) > 0 && pfd[2].revents != 0) {
			if (t->why == NULL)
				t->why = "signal";
			break;
		}
	}
out:
	if (t->t_end == 0)
		t->t_end = bp_now_ns();
	ts_report(t, report);
	if (t->ssl != NULL) {
		(void)SSL_shutdown(t->ssl);
		SSL_free(t->ssl);
	}
	if (t->fd >= 0)
		close(t->fd);
	close(t->tun);
	SSL_CTX_free(ctx);
	free(t->tunbuf);
	free(t->grobuf);
	free(t);
	return 0;
}
