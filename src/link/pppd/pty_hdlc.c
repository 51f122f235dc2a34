/*
 * pty_hdlc.c - the async-HDLC side of a pppd pty, shared by the client's
 * pppd link and sstpd's pppd backend (pty_hdlc.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "link/pppd/pty_hdlc.h"
#include "ppp/ppp_snoop.h"
#include "ppp/proto.h"
#include "util/log.h"

_Static_assert(PTY_HDLC_TX_HIGH + 2 * (HDLC_MAX_FRAME + 2) + 2 <= 32 * 1024,
    "pty queue: HIGH plus one encoded frame must fit in 32 KiB");

int
pty_hdlc_init(struct pty_hdlc *p)
{
	memset(p, 0, sizeof *p);
	bq_init(&p->tx, 16 * 1024, PTY_HDLC_TX_CAP);
	/*
	 * malloc, not calloc: only the slots written are ever read, and a
	 * zeroed 66 KiB would be resident for a few held frames.
	 */
	p->held = malloc(PTY_HDLC_HOLD_MAX * sizeof *p->held);
	if (p->tx.p == NULL || p->held == NULL ||
	    hdlc_dec_init(&p->dec, p->frame_buf, sizeof p->frame_buf, 0,
	    0) < 0) {
		pty_hdlc_free(p);
		return -ENOMEM;
	}
	/* Escape every control character toward pppd: always safe. */
	hdlc_enc_init(&p->enc, HDLC_ACCM_ALL);
	hdlc_enc_init(&p->enc_lcp, HDLC_ACCM_ALL);
	return 0;
}

void
pty_hdlc_free(struct pty_hdlc *p)
{
	bq_free(&p->tx);
	free(p->held);
	p->held = NULL;
	p->nheld = 0;
}

/*
 * RFC 1662 7.1: escaping only what pppd asked for (usually nothing:
 * asyncmap 0) saves 1 byte in 8 on random data toward the pty.  A new
 * Configure-Request from either side (renegotiation) returns to the
 * default map until the next Ack.
 */
void
pty_hdlc_watch_accm(struct pty_hdlc *p, const uint8_t *f, size_t len,
    bool to_pppd)
{
	struct ppp_lcp_accm a;

	if (!ppp_snoop_lcp_accm(f, len, &a))
		return;
	if (a.code == 1) {
		if (p->enc.accm != HDLC_ACCM_ALL)
			hdlc_enc_set_accm(&p->enc, HDLC_ACCM_ALL);
		if (!to_pppd) {
			p->accm_req_valid = true;
			p->accm_req_id = a.id;
			p->accm_req = a.has_accm ? a.accm : HDLC_ACCM_ALL;
		}
	} else if (a.code == 2 && to_pppd && p->accm_req_valid &&
	    a.id == p->accm_req_id) {
		hdlc_enc_set_accm(&p->enc, p->accm_req);
		log_debug("HDLC toward pppd: send ACCM 0x%08x", p->accm_req);
	}
}

/* LCP Configure..Code-Reject (codes 1-7) always go with the full map. */
static bool
pty_hdlc_is_lcp_cp(const uint8_t *f, size_t len)
{
	struct bcur c = bcur_make(f, len);
	uint16_t proto;
	uint8_t code;

	if (bcur_starts_with(&c, "\xff\x03", 2))
		(void)bcur_skip(&c, 2);
	if (bcur_get_be16(&c, &proto) < 0 || proto != PPP_PROTO_LCP ||
	    bcur_get_u8(&c, &code) < 0)
		return false;
	return code >= 1 && code <= 7;
}

int
pty_hdlc_queue(struct pty_hdlc *p, const uint8_t *f, size_t len)
{
	struct wbuf w;

	if (bq_room(&p->tx, hdlc_encode_bound(len)) < 0) {
		log_warn("pppd is not reading: frame dropped");
		return -ENOBUFS;
	}
	wbuf_init(&w, p->tx.p + p->tx.len, p->tx.cap - p->tx.len);
	if (hdlc_encode(pty_hdlc_is_lcp_cp(f, len) ? &p->enc_lcp : &p->enc,
	    &w, f, len) < 0)
		return -EINVAL;
	p->tx.len += w.len;
	return 0;
}

size_t
pty_hdlc_pending(const struct pty_hdlc *p)
{
	return bq_pending(&p->tx);
}

int
pty_hdlc_flush(struct pty_hdlc *p, int fd)
{
	ssize_t n;
	int e;

	while (bq_pending(&p->tx) > 0) {
		n = write(fd, bq_head(&p->tx), bq_pending(&p->tx));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			e = errno;
			log_debug("write to pppd: %s", strerror(e));
			bq_consume(&p->tx, bq_pending(&p->tx));
			return -e;
		}
		bq_consume(&p->tx, (size_t)n);
	}
	return 0;
}

void
pty_hdlc_hold(struct pty_hdlc *p, const uint8_t *f, size_t len)
{
	if (len > PTY_HDLC_FRAME_BUF)
		return;
	if (p->nheld == PTY_HDLC_HOLD_MAX) {
		/* pppd retransmits; the oldest copy is the least useful. */
		memmove(&p->held[0], &p->held[1],
		    (PTY_HDLC_HOLD_MAX - 1) * sizeof p->held[0]);
		p->nheld--;
	}
	memcpy(p->held[p->nheld].data, f, len);
	p->held[p->nheld].len = len;
	p->nheld++;
}
