/*
 * fuzz_compat_api.c - the libsstp_api-0.so compatibility library
 * (compat/libsstp-api.c, compat/sstp-client/sstp-api.h; REFERENCE-CLIENT.md
 * 3.2, 3.3, 3.6): the parser NetworkManager-sstp's pppd plugin runs on what
 * it reads from sstpc's socket, and the header accessors and builder.
 *
 * Input:	byte 0		count for sstp_api_attr_parse(): (b % 18) - 1,
 *				so -1 .. 16 slots
 *		byte 1		bit 0: pass len - 1 - (byte 2) instead of the
 *				real length (a caller that lies, down to -1 and
 *				below); bits 1-3: attribute type to add, bits
 *				4-7 with byte 2: its length
 *		byte 2		see byte 1
 *		bytes 3-10	an 8-octet message header (host order)
 *		the rest	the attribute octets that follow a header
 *
 * Invariants: sstp_api_attr_parse() returns 0 or -1 and never reads past
 * len (the body is an exact-size heap copy); on -1 every slot is NULL; on
 * 0 each slot is NULL or points at the last attribute of that type found
 * by an independent walk, inside the body with its padded data; slots from
 * count on are never written; the attributes found, added again in order
 * with sstp_api_msg_new()/sstp_api_attr_add(), give the same octets
 * (padding zeroed) and the same msg_len; sstp_api_msg_len() is 0 or
 * 8 + msg_len exactly when the magic is there, sstp_api_msg_type() -1 or
 * the type; sstp_api_attr_add() on a header from the input either leaves
 * the message alone or grows msg_len by the padded attribute, never past
 * 1024, and writes nothing beyond it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "sstp-client/sstp-api.h"

#define CA_MAGIC	0x73737470U
#define CA_HDR		8
#define CA_MSG_MAX	1024
#define CA_SLOTS	16
#define CA_BUF		(CA_HDR + CA_MSG_MAX + 64)
#define CA_CANARY	0xc3

struct ca_attr {
	uint16_t	type;
	uint16_t	len;
	size_t		off;		/* of the header in the body */
};

/* Padding after n data octets. */
static size_t
ca_pad(size_t n)
{
	return (4 - (n & 3)) & 3;
}

/*
 * Independent walk of the body: the offset of the last attribute of each
 * type in last[] (SIZE_MAX: none), the first max attributes in at[];
 * returns the number of attributes, or -1 where sstp_api_attr_parse()
 * must fail.
 */
static int
ca_walk(const uint8_t *body, size_t len, int count, struct ca_attr *at,
    size_t max, size_t last[SSTP_API_ATTR_MAX + 1])
{
	struct bcur c = bcur_make(body, len);
	uint16_t type, alen;
	size_t n = 0, off = 0, i;

	for (i = 0; i <= SSTP_API_ATTR_MAX; i++)
		last[i] = SIZE_MAX;
	while (bcur_left(&c) > 0) {
		off = len - bcur_left(&c);
		if (bcur_left(&c) < 4)
			return -1;
		/* Host order, as the library's callers write it. */
		(void)bcur_get_bytes(&c, &type, sizeof type);
		(void)bcur_get_bytes(&c, &alen, sizeof alen);
		if (type == 0 || type > SSTP_API_ATTR_MAX ||
		    (int)type >= count)
			return -1;
		if (bcur_skip(&c, (size_t)alen + ca_pad(alen)) != 0)
			return -1;
		last[type] = off;
		if (n < max) {
			at[n].type = type;
			at[n].len = alen;
			at[n].off = off;
		}
		n++;
	}
	return (int)n;
}

/* Parse the body and check the slots against the walk. */
static void
ca_parse(char *body, int count, int plen)
{
	sstp_api_attr_st *list[CA_SLOTS + 1], *canary;
	struct ca_attr at[CA_MSG_MAX / 4];
	uint8_t buf[CA_BUF];
	sstp_api_msg_st *msg;
	sstp_api_msg_t mt;
	size_t i, last[SSTP_API_ATTR_MAX + 1];
	uint16_t mlen;
	int r, n, t;

	canary = (sstp_api_attr_st *)(void *)&canary;
	for (i = 0; i <= CA_SLOTS; i++)
		list[i] = canary;
	r = sstp_api_attr_parse(body, plen, list, count);
	FUZZ_CHECK(r == 0 || r == -1);
	for (i = count > 0 ? (size_t)count : 0; i <= CA_SLOTS; i++)
		FUZZ_CHECK(list[i] == canary);
	if (count <= 0 || plen < 0) {
		FUZZ_CHECK(r == -1);
		return;
	}
	for (t = 0; t < count; t++)
		FUZZ_CHECK(r == 0 || list[t] == NULL);
	n = ca_walk((const uint8_t *)body, (size_t)plen, count, at,
	    sizeof at / sizeof at[0], last);
	FUZZ_CHECK((r == 0) == (n >= 0));
	if (r != 0)
		return;
	FUZZ_CHECK(list[0] == NULL);
	for (t = 1; t < count; t++) {
		if (t > SSTP_API_ATTR_MAX || last[t] == SIZE_MAX) {
			FUZZ_CHECK(list[t] == NULL);
			continue;
		}
		FUZZ_CHECK((char *)list[t] == body + last[t]);
	}
	if ((size_t)plen > CA_MSG_MAX)
		return;		/* more than the builder may make */

	/* Added again in order, the same octets. */
	FUZZ_CHECK((size_t)n <= sizeof at / sizeof at[0]);
	memset(buf, CA_CANARY, sizeof buf);
	msg = sstp_api_msg_new(buf, SSTP_API_MSG_ACK);
	FUZZ_CHECK(msg == (sstp_api_msg_st *)(void *)buf);
	for (i = 0; i < (size_t)n; i++)
		sstp_api_attr_add(msg, (sstp_api_attr_t)at[i].type, at[i].len,
		    body + at[i].off + 4);
	memcpy(&mlen, buf + 4, sizeof mlen);
	FUZZ_CHECK(mlen == plen);
	FUZZ_CHECK(buf[CA_HDR + mlen] == CA_CANARY);
	FUZZ_CHECK(sstp_api_msg_len(msg) == CA_HDR + plen);
	FUZZ_CHECK(sstp_api_msg_type(msg, &mt) == 0 && mt == SSTP_API_MSG_ACK);
	for (i = 0; i < (size_t)n; i++) {
		FUZZ_CHECK(memcmp(buf + CA_HDR + at[i].off,
		    body + at[i].off, 4 + at[i].len) == 0);
		FUZZ_CHECK(ca_pad(at[i].len) == 0 ||
		    memcmp(buf + CA_HDR + at[i].off + 4 + at[i].len,
		    "\0\0\0", ca_pad(at[i].len)) == 0);
	}
}

/* Header accessors and one sstp_api_attr_add() on an input header. */
static void
ca_header(const uint8_t hdr[CA_HDR], unsigned type, unsigned alen,
    const uint8_t *data, size_t dlen)
{
	uint8_t buf[CA_BUF], zero[CA_MSG_MAX + 64];
	sstp_api_msg_st h;
	sstp_api_msg_t mt = (sstp_api_msg_t)77;
	uint16_t old, now;
	size_t space, i;
	int r;

	memcpy(&h, hdr, sizeof h);
	r = sstp_api_msg_len(&h);
	if (h.msg_magic != CA_MAGIC) {
		FUZZ_CHECK(r == 0);
		FUZZ_CHECK(sstp_api_msg_type(&h, &mt) == -1);
		FUZZ_CHECK(mt == (sstp_api_msg_t)77);
		return;
	}
	FUZZ_CHECK(r == CA_HDR + h.msg_len);
	FUZZ_CHECK(sstp_api_msg_type(&h, &mt) == 0);
	FUZZ_CHECK((unsigned)mt == h.msg_type);
	FUZZ_CHECK(sstp_api_msg_type(&h, NULL) == -1);
	if (h.msg_len > CA_MSG_MAX)
		return;		/* the caller's buffer would not hold it */
	memset(buf, CA_CANARY, sizeof buf);
	memset(zero, 0, sizeof zero);
	memcpy(buf, &h, sizeof h);
	old = h.msg_len;
	sstp_api_attr_add((sstp_api_msg_st *)(void *)buf,
	    (sstp_api_attr_t)type, alen,
	    alen <= dlen ? (void *)(uintptr_t)data : (void *)zero);
	memcpy(&now, buf + 4, sizeof now);
	space = 4 + alen + ca_pad(alen);
	if (now == old) {
		for (i = CA_HDR + old; i < sizeof buf; i++)
			FUZZ_CHECK(buf[i] == CA_CANARY);
		return;
	}
	FUZZ_CHECK(type >= SSTP_API_ATTR_MPPE_SEND &&
	    type <= SSTP_API_ATTR_MAX);
	FUZZ_CHECK(now == old + space && now <= CA_MSG_MAX);
	for (i = CA_HDR + now; i < sizeof buf; i++)
		FUZZ_CHECK(buf[i] == CA_CANARY);
	FUZZ_CHECK(sstp_api_msg_len((sstp_api_msg_st *)(void *)buf) ==
	    (int)(CA_HDR + now));
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), hv, bv;
	uint8_t b0, b1, b2, hdr[CA_HDR];
	char *body;
	size_t len;
	int count, plen;

	b0 = fuzz_u8(&in, 0);
	b1 = fuzz_u8(&in, 0);
	b2 = fuzz_u8(&in, 0);
	memset(hdr, 0, sizeof hdr);
	hv = fuzz_take(&in, sizeof hdr);
	(void)bcur_get_bytes(&hv, hdr, bcur_left(&hv));
	bv = fuzz_take(&in, 65535);
	count = (int)(b0 % (CA_SLOTS + 2)) - 1;
	len = bcur_left(&bv);
	plen = (int)len;
	if (b1 & 1)
		plen = (int)len - 1 - (int)b2;
	/* An exact-size copy: ASan sees a read past len. */
	if ((body = fuzz_strdup(&bv)) == NULL)
		return 0;
	if (plen <= (int)len)
		ca_parse(body, count, plen);
	ca_header(hdr, (b1 >> 1) & 7, (unsigned)(b1 >> 4) << 8 | b2,
	    bcur_ptr(&bv), len);
	free(body);
	return 0;
}
