/*
 * fuzz_sstp_wire.c - the SSTP packet codec (src/sstp_wire.h; MS-SSTP 2.2,
 * PROTOCOL.md 2 and 8).
 *
 * The input is an SSTP byte stream as read from TLS.  It is delineated
 * with sstp_wire_frame() like the engine does; each whole packet goes to
 * sstp_wire_decode_ctrl() or sstp_wire_data_payload() +
 * sstp_wire_ppp_classify(), and to sstp_wire_describe() with output
 * buffers of several sizes (heap-allocated to the exact size).
 *
 * Invariants: framing results stay within the stream and the 12-bit
 * length; a valid control message re-encodes to one that decodes alike
 * (Ack, Status Info); fields of a one-attribute Ack or Call Connected come
 * from the PROTOCOL.md 2.4/2.5 offsets; a control packet is never valid
 * with a length other than its own; describe always NUL-terminates inside
 * outsz, returns the string length or -ENOSPC, and never prints the
 * Compound MAC.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "wire/sstp_wire.h"

/* Hex of buf for the "no Compound MAC in the dissection" check. */
static void
wire_hex(char *out, const uint8_t *buf, size_t len)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hx[buf[i] >> 4];
		out[2 * i + 1] = hx[buf[i] & 15];
	}
	out[2 * len] = '\0';
}

/* sstp_wire_describe into a heap buffer of exactly outsz bytes. */
static void
wire_describe(const uint8_t *pkt, size_t len, size_t outsz,
    const struct sstp_ctrl_msg *m, int valid_connected)
{
	char *out, mac[2 * SSTP_CERT_HASH_MAX + 1];
	char other[4 * SSTP_CERT_HASH_MAX + 2];
	size_t dlen;
	int r;

	if ((out = malloc(outsz)) == NULL)
		return;
	memset(out, 'Z', outsz);
	r = sstp_wire_describe(pkt, len, out, outsz);
	FUZZ_CHECK(r >= 0 || r == -ENOSPC);
	FUZZ_CHECK(memchr(out, '\0', outsz) != NULL);
	if (r >= 0)
		FUZZ_CHECK((size_t)r < outsz && strlen(out) == (size_t)r);
	if (r >= 0 && valid_connected) {
		/* The Compound MAC is not for the logs (sstp_wire.h). */
		dlen = m->hash_bitmask == SSTP_HASH_SHA1 ? 20 : 32;
		wire_hex(mac, m->cmac, dlen);
		wire_hex(other, m->nonce, sizeof m->nonce);
		wire_hex(other + 2 * sizeof m->nonce, m->cert_hash, dlen);
		if (strstr(other, mac) == NULL)
			FUZZ_CHECK(strstr(out, mac) == NULL);
	}
	free(out);
}

/* A valid Connect Ack must survive encode -> decode unchanged. */
static void
wire_ack_roundtrip(const struct sstp_ctrl_msg *m)
{
	uint8_t buf[SSTP_CONNECT_ACK_LEN];
	struct sstp_ctrl_msg m2;
	struct sstp_verdict v2;
	struct wbuf w;

	wbuf_init(&w, buf, sizeof buf);
	sstp_wire_put_connect_ack(&w, m->hash_bitmask, m->nonce);
	FUZZ_CHECK(wbuf_error(&w) == 0 && w.len == SSTP_CONNECT_ACK_LEN);
	FUZZ_CHECK(sstp_wire_decode_ctrl(buf, w.len, &m2, &v2) == 0);
	FUZZ_CHECK(m2.type == SSTP_MSG_CALL_CONNECT_ACK);
	FUZZ_CHECK(m2.hash_bitmask == m->hash_bitmask);
	FUZZ_CHECK(memcmp(m2.nonce, m->nonce, sizeof m2.nonce) == 0);
}

/* A valid Nak/Abort/Disconnect's first Status Info, re-encoded. */
static void
wire_status_roundtrip(const struct sstp_ctrl_msg *m)
{
	uint8_t buf[SSTP_CTRL_HDR_LEN + SSTP_ATTR_STATUS_LEN +
	    SSTP_STATUS_VALUE_MAX];
	struct sstp_ctrl_msg m2;
	struct sstp_verdict v2;
	struct wbuf w;

	if (m->nstatus == 0 || !m->status[0].has_status ||
	    m->status[0].short_form)
		return;
	wbuf_init(&w, buf, sizeof buf);
	if (m->type == SSTP_MSG_CALL_ABORT)
		sstp_wire_put_abort(&w, &m->status[0]);
	else if (m->type == SSTP_MSG_CALL_DISCONNECT)
		sstp_wire_put_disconnect(&w, &m->status[0]);
	else
		sstp_wire_put_connect_nak(&w, &m->status[0], 1);
	FUZZ_CHECK(wbuf_error(&w) == 0);
	FUZZ_CHECK(sstp_wire_decode_ctrl(buf, w.len, &m2, &v2) == 0);
	FUZZ_CHECK(m2.type == m->type && m2.nstatus == 1);
	FUZZ_CHECK(m2.status[0].status == m->status[0].status);
	FUZZ_CHECK(m2.status[0].attr_id == m->status[0].attr_id);
}

/* One whole packet as delimited by sstp_wire_frame(). */
static void
wire_packet(const uint8_t *pkt, size_t len, const struct sstp_frame *f,
    uint8_t small)
{
	struct sstp_ctrl_msg m;
	struct sstp_verdict v;
	struct bcur payload;
	uint16_t proto;
	size_t off;
	int r, r2, connected = 0;

	memset(&m, 0, sizeof m);
	if (f->control) {
		r = sstp_wire_decode_ctrl(pkt, len, &m, &v);
		FUZZ_CHECK(r == 0 || r == -ENOTSUP || r == -EBADMSG);
		if (r != 0)
			FUZZ_CHECK(v.status != SSTP_STATUS_NO_ERROR &&
			    v.status <=
			    SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG);
		if (r == 0) {
			FUZZ_CHECK(m.type >= SSTP_MSG_CALL_CONNECT_REQUEST &&
			    m.type <= SSTP_MSG_ECHO_RESPONSE);
			FUZZ_CHECK(m.trailing <= len - SSTP_CTRL_HDR_LEN);
			FUZZ_CHECK(strcmp(sstp_msg_name(m.type), "UNKNOWN") !=
			    0);
			for (off = 0; off < m.nstatus &&
			    off < SSTP_WIRE_MAX_STATUS; off++)
				FUZZ_CHECK(m.status[off].value_len <=
				    SSTP_STATUS_VALUE_MAX);
			if (m.type == SSTP_MSG_CALL_CONNECT_ACK) {
				wire_ack_roundtrip(&m);
				/* One attribute at offset 8: fixed layout. */
				if (len == SSTP_CONNECT_ACK_LEN && m.nattr == 1) {
					FUZZ_CHECK(m.hash_bitmask == pkt[15]);
					FUZZ_CHECK(memcmp(m.nonce, pkt + 16,
					    SSTP_NONCE_LEN) == 0);
				}
			}
			if (m.type == SSTP_MSG_CALL_CONNECTED &&
			    len == SSTP_CONNECTED_LEN && m.nattr == 1) {
				/* PROTOCOL.md 2.5 offsets. */
				FUZZ_CHECK(m.hash_bitmask == pkt[15]);
				FUZZ_CHECK(memcmp(m.nonce, pkt + 16, 32) == 0);
				FUZZ_CHECK(memcmp(m.cert_hash, pkt + 48, 32) == 0);
				FUZZ_CHECK(memcmp(m.cmac, pkt + 80, 32) == 0);
			}
			if (m.type == SSTP_MSG_CALL_ABORT ||
			    m.type == SSTP_MSG_CALL_DISCONNECT ||
			    m.type == SSTP_MSG_CALL_CONNECT_NAK)
				wire_status_roundtrip(&m);
			if (m.type == SSTP_MSG_CALL_CONNECTED)
				connected = 1;
		}
		/* The Length field must match the packet exactly. */
		r2 = sstp_wire_decode_ctrl(pkt, len - 1, &m, &v);
		FUZZ_CHECK(r2 != 0);
		/* The dissector decodes again: keep m of the real length. */
		(void)sstp_wire_decode_ctrl(pkt, len, &m, &v);
	} else {
		r = sstp_wire_data_payload(pkt, len, &payload);
		FUZZ_CHECK(r == 0);
		FUZZ_CHECK(bcur_left(&payload) == len - SSTP_HDR_LEN);
		r = sstp_wire_ppp_classify(bcur_ptr(&payload),
		    bcur_left(&payload), &proto, &off);
		FUZZ_CHECK(r == 0 || r == 1 || r == -EBADMSG);
		if (r >= 0) {
			FUZZ_CHECK(off <= bcur_left(&payload));
			FUZZ_CHECK(r == (proto >= 0x8000));
			FUZZ_CHECK(proto != 0);
		}
		r2 = sstp_wire_ppp_classify(bcur_ptr(&payload),
		    bcur_left(&payload), NULL, NULL);
		FUZZ_CHECK(r2 == r);
	}
	wire_describe(pkt, len, 512, &m, connected);
	wire_describe(pkt, len, 1, &m, 0);
	wire_describe(pkt, len, (size_t)small + 1, &m, connected);
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), pkt;
	struct sstp_frame f;
	uint8_t small;
	size_t k, left;
	int r;

	/* A header split anywhere: never a whole packet before 4 bytes. */
	for (k = 0; k < SSTP_HDR_LEN && k <= size; k++) {
		r = sstp_wire_frame(data, k, &f);
		FUZZ_CHECK(r == 0 || r == -EBADMSG);
	}
	/* The size of the third dissection buffer is taken from the input. */
	small = size > 0 ? data[size - 1] : 0;
	while ((left = bcur_left(&in)) > 0) {
		memset(&f, 0, sizeof f);
		r = sstp_wire_frame(bcur_ptr(&in), left, &f);
		FUZZ_CHECK(r == 1 || r == 0 || r == -EBADMSG);
		if (r == -EBADMSG) {
			/* Framing error: the engine closes the stream. */
			wire_describe(bcur_ptr(&in), left, 64, NULL, 0);
			break;
		}
		if (r == 0) {
			/* Need more: a header is incomplete or the body. */
			FUZZ_CHECK(left < SSTP_HDR_LEN || f.len > left);
			if (left >= SSTP_HDR_LEN)
				FUZZ_CHECK(f.len <= SSTP_MAX_PKT);
			wire_describe(bcur_ptr(&in), left, 64, NULL, 0);
			break;
		}
		FUZZ_CHECK(f.len >= SSTP_HDR_LEN && f.len <= SSTP_MAX_PKT);
		FUZZ_CHECK(f.len <= left);
		FUZZ_CHECK(!f.control || f.len >= SSTP_CTRL_HDR_LEN);
		FUZZ_CHECK(bcur_get_view(&in, f.len, &pkt) == 0);
		wire_packet(bcur_ptr(&pkt), bcur_left(&pkt), &f, small);
	}
	return 0;
}
