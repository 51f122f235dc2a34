/*
 * fuzz_sstp_api.c - the sstp-api unix-socket messages between sstpc and
 * the pppd plugin (include/sstpc-plugin.h; REFERENCE-CLIENT.md 3.2, 3.3).
 *
 * Input: the bytes read from the socket, possibly several messages.  The
 * header is checked with sstp_api_hdr_parse() and the messages decoded
 * one after another with sstp_api_msg_parse() until one fails.
 *
 * Invariants: a header parse consumes exactly 8 octets or nothing; a
 * message parse consumes exactly 8 + msg_len octets, or on failure
 * nothing and leaves the message all zero; decoded lengths respect the
 * caps and the gateway is NUL-terminated at gateway_len with no NUL
 * inside; rebuilding a decoded AUTH (keys) or ACK (gateway + address)
 * with the builders and parsing it again gives the same fields;
 * sstp_api_msg_clear() wipes everything.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "sstpc-plugin.h"

/* Build the message again from its fields and compare. */
static void
api_rebuild(const struct sstp_api_message *m)
{
	uint8_t buf[SSTP_API_HDR_LEN + SSTP_API_MSG_MAX];
	struct sstp_api_message m2;
	struct wbuf w;
	struct bcur c;
	int r;

	wbuf_init(&w, buf, sizeof buf);
	if (m->type == SSTP_API_MSG_AUTH)
		r = sstp_api_build_auth(&w,
		    m->send_key_len ? m->send_key : NULL, m->send_key_len,
		    m->recv_key_len ? m->recv_key : NULL, m->recv_key_len);
	else if (m->type == SSTP_API_MSG_ACK &&
	    (m->present & (1U << SSTP_API_ATTR_GATEWAY)) &&
	    (m->present & (1U << SSTP_API_ATTR_ADDR)))
		r = sstp_api_build_ack_addr(&w, m->gateway, m->gateway_len,
		    m->addr, m->addr_len);
	else
		return;
	/* Whatever the parser accepted, the builders can encode. */
	FUZZ_CHECK(r == 0);
	c = bcur_make(buf, w.len);
	FUZZ_CHECK(sstp_api_msg_parse(&c, &m2) == 0);
	FUZZ_CHECK(bcur_left(&c) == 0);
	FUZZ_CHECK(m2.type == m->type);
	if (m->type == SSTP_API_MSG_AUTH) {
		FUZZ_CHECK(m2.send_key_len == m->send_key_len);
		FUZZ_CHECK(m2.recv_key_len == m->recv_key_len);
		FUZZ_CHECK(memcmp(m2.send_key, m->send_key,
		    m->send_key_len) == 0);
		FUZZ_CHECK(memcmp(m2.recv_key, m->recv_key,
		    m->recv_key_len) == 0);
	} else {
		FUZZ_CHECK(m2.gateway_len == m->gateway_len);
		FUZZ_CHECK(strcmp(m2.gateway, m->gateway) == 0);
		FUZZ_CHECK(m2.addr_len == m->addr_len);
		FUZZ_CHECK(memcmp(m2.addr, m->addr, m->addr_len) == 0);
	}
	sstp_api_msg_clear(&m2);
	FUZZ_CHECK(fuzz_all_zero(&m2, sizeof m2));
	explicit_bzero(buf, sizeof buf);
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), h;
	struct sstp_api_message m;
	struct sstp_api_hdr hdr;
	size_t before;
	int r, rh, i;

	for (i = 0; i < 64 && bcur_left(&in) > 0; i++) {
		before = bcur_left(&in);
		h = in;
		rh = sstp_api_hdr_parse(&h, &hdr);
		FUZZ_CHECK(rh == 0 || rh == -EBADMSG || rh == -EPROTO ||
		    rh == -EMSGSIZE);
		if (rh == 0) {
			FUZZ_CHECK(bcur_left(&h) == before - SSTP_API_HDR_LEN);
			FUZZ_CHECK(hdr.msg_len <= SSTP_API_MSG_MAX);
			FUZZ_CHECK(hdr.msg_type >= SSTP_API_MSG_AUTH &&
			    hdr.msg_type <= SSTP_API_MSG_ACK);
		} else
			FUZZ_CHECK(bcur_left(&h) == before);

		memset(&m, 0xa5, sizeof m);
		r = sstp_api_msg_parse(&in, &m);
		FUZZ_CHECK(r == 0 || r == -EBADMSG || r == -EPROTO ||
		    r == -EMSGSIZE);
		if (r != 0) {
			/* A bad header makes a bad message, the same way. */
			if (rh != 0)
				FUZZ_CHECK(r == rh);
			FUZZ_CHECK(bcur_left(&in) == before);
			FUZZ_CHECK(fuzz_all_zero(&m, sizeof m));
			break;
		}
		FUZZ_CHECK(rh == 0);
		FUZZ_CHECK(bcur_left(&in) ==
		    before - SSTP_API_HDR_LEN - hdr.msg_len);
		FUZZ_CHECK(m.type == hdr.msg_type);
		FUZZ_CHECK(m.send_key_len <= SSTP_API_KEY_MAX);
		FUZZ_CHECK(m.recv_key_len <= SSTP_API_KEY_MAX);
		FUZZ_CHECK(m.gateway_len <= SSTP_API_GATEWAY_MAX);
		FUZZ_CHECK(m.gateway[m.gateway_len] == '\0');
		FUZZ_CHECK(strlen(m.gateway) == m.gateway_len);
		FUZZ_CHECK(m.addr_len <= SSTP_API_ADDR_MAX);
		FUZZ_CHECK((m.present & ~0x1eU) == 0);
		api_rebuild(&m);
		sstp_api_msg_clear(&m);
		FUZZ_CHECK(fuzz_all_zero(&m, sizeof m));
	}
	return 0;
}
