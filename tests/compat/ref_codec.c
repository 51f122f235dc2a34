/*
 * ref_codec.c - wrappers around sstpc's own sstp-api codec for the compat
 * tests (see ref_codec.h).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "sstpc-plugin.h"
#include "ref_codec.h"

/* Finish a build: report the length of a good buffer. */
static int
ref_done(struct wbuf *w, int r, size_t *outlen)
{
	if (r == 0)
		r = wbuf_error(w);
	*outlen = r == 0 ? w->len : 0;
	return r;
}

/* AUTH with the given keys, built by sstp_api_build_auth(). */
int
ref_build_auth(uint8_t *out, size_t cap, size_t *outlen, const uint8_t *sk,
    size_t sl, const uint8_t *rk, size_t rl)
{
	struct wbuf w;

	wbuf_init(&w, out, cap);
	return ref_done(&w, sstp_api_build_auth(&w, sk, sl, rk, rl), outlen);
}

/* A bare ADDR request. */
int
ref_build_addr_req(uint8_t *out, size_t cap, size_t *outlen)
{
	struct wbuf w;

	wbuf_init(&w, out, cap);
	return ref_done(&w, sstp_api_build_addr_req(&w), outlen);
}

/* A bare ACK. */
int
ref_build_ack(uint8_t *out, size_t cap, size_t *outlen)
{
	struct wbuf w;

	wbuf_init(&w, out, cap);
	return ref_done(&w, sstp_api_build_ack(&w), outlen);
}

/* ACK + GATEWAY + ADDR, as sstpc answers an ADDR request. */
int
ref_build_ack_addr(uint8_t *out, size_t cap, size_t *outlen, const char *gw,
    size_t gw_len, const void *sa, size_t sa_len)
{
	struct wbuf w;

	wbuf_init(&w, out, cap);
	return ref_done(&w, sstp_api_build_ack_addr(&w, gw, gw_len, sa, sa_len),
	    outlen);
}

/* Parse with sstp_api_msg_parse(); the whole input must be one message. */
int
ref_parse(const uint8_t *in, size_t len, struct ref_msg *m)
{
	struct sstp_api_message msg;
	struct bcur c = bcur_make(in, len);
	int r;

	memset(m, 0, sizeof *m);
	if ((r = sstp_api_msg_parse(&c, &msg)) != 0)
		return r;
	if (bcur_left(&c) != 0) {
		sstp_api_msg_clear(&msg);
		return -EBADMSG;
	}
	m->type = msg.type;
	m->present = msg.present;
	m->send_len = msg.send_key_len;
	m->recv_len = msg.recv_key_len;
	m->gw_len = msg.gateway_len;
	m->addr_len = msg.addr_len;
	memcpy(m->send, msg.send_key, sizeof m->send);
	memcpy(m->recv, msg.recv_key, sizeof m->recv);
	memcpy(m->addr, msg.addr, sizeof m->addr);
	memcpy(m->gw, msg.gateway, sizeof m->gw);
	sstp_api_msg_clear(&msg);
	return 0;
}

/* The largest msg_len sstpc accepts. */
size_t
ref_msg_max(void)
{
	return SSTP_API_MSG_MAX;
}
