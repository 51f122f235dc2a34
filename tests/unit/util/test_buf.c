/*
 * test_buf.c - bounded cursor and sticky writer.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "harness.h"

static void
test_getters(void)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
	struct bcur c = bcur_make(b, sizeof b);
	uint8_t u8 = 0;
	uint16_t u16 = 0;
	uint32_t u32 = 0;

	TEST_START("getters consume only on success");
	ASSERT_INT_EQ(bcur_get_u8(&c, &u8), 0);
	ASSERT_INT_EQ(u8, 1);
	ASSERT_INT_EQ(bcur_get_be16(&c, &u16), 0);
	ASSERT_INT_EQ(u16, 0x0203);
	ASSERT_INT_EQ(bcur_get_le16(&c, &u16), 0);
	ASSERT_INT_EQ(u16, 0x0504);
	ASSERT_INT_EQ(bcur_get_be32(&c, &u32), -EBADMSG);
	ASSERT_INT_EQ(bcur_left(&c), 2);
	ASSERT_INT_EQ(bcur_peek_be16(&c, 0, &u16), 0);
	ASSERT_INT_EQ(u16, 0x0607);
	ASSERT_INT_EQ(bcur_peek_be16(&c, 1, &u16), -EBADMSG);
	ASSERT_INT_EQ(bcur_peek_u8(&c, 2, &u8), -EBADMSG);
	ASSERT_INT_EQ(bcur_skip(&c, 3), -EBADMSG);
	ASSERT_INT_EQ(bcur_skip(&c, 2), 0);
	ASSERT_INT_EQ(bcur_get_u8(&c, &u8), -EBADMSG);
	c = bcur_make(b, 4);
	ASSERT_INT_EQ(bcur_get_le32(&c, &u32), 0);
	ASSERT_U32_EQ(u32, 0x04030201);
	TEST_DONE();
}

static void
test_tlv(void)
{
	/* Three TLVs with a 2-byte header {type, len}: 2, 0 (bad), 9 (overlong) */
	static const uint8_t b[] = { 0x01, 0x02, 0x02, 0x00, 0x03, 0x09 };
	struct bcur c = bcur_make(b, sizeof b), t;
	uint8_t len;

	TEST_START("TLV child views refuse short and overlong lengths");
	ASSERT_INT_EQ(bcur_peek_u8(&c, 1, &len), 0);
	ASSERT_INT_EQ(bcur_sub_tlv(&c, len, 2, &t), 0);
	ASSERT_INT_EQ(bcur_left(&t), 2);
	ASSERT_INT_EQ(bcur_peek_u8(&c, 1, &len), 0);
	ASSERT_INT_EQ(bcur_sub_tlv(&c, len, 2, &t), -EBADMSG);
	ASSERT_INT_EQ(bcur_left(&c), 4);	/* nothing consumed */
	ASSERT_INT_EQ(bcur_skip(&c, 2), 0);
	ASSERT_INT_EQ(bcur_peek_u8(&c, 1, &len), 0);
	ASSERT_INT_EQ(bcur_sub_tlv(&c, len, 2, &t), -EBADMSG);
	ASSERT_INT_EQ(bcur_find(&c, 0x09), 1);
	ASSERT_INT_EQ(bcur_find(&c, 0x7e), -1);
	ASSERT_TRUE(bcur_starts_with(&c, "\x03\x09", 2));
	ASSERT_FALSE(bcur_starts_with(&c, "\x03\x09\x00", 3));
	TEST_DONE();
}

static void
test_writer(void)
{
	uint8_t out[8];
	struct wbuf w;

	TEST_START("writer error is sticky");
	wbuf_init(&w, out, sizeof out);
	wbuf_put_be16(&w, 0x1001);
	wbuf_put_be32(&w, 0xdeadbeef);
	ASSERT_INT_EQ(wbuf_error(&w), 0);
	ASSERT_INT_EQ(w.len, 6);
	wbuf_put_be32(&w, 1);			/* overflows */
	ASSERT_INT_EQ(wbuf_error(&w), -ENOSPC);
	wbuf_put_u8(&w, 1);			/* would fit, but sticky */
	ASSERT_INT_EQ(w.len, 6);
	ASSERT_INT_EQ(wbuf_error(&w), -ENOSPC);
	TEST_DONE();

	TEST_START("printf, patch, little-endian");
	wbuf_init(&w, out, sizeof out);
	wbuf_printf(&w, "ab%d", 12);
	ASSERT_INT_EQ(w.len, 4);
	ASSERT_MEM_EQ(out, "ab12", 4);
	wbuf_printf(&w, "%s", "wxyz");		/* needs 5 with NUL */
	ASSERT_INT_EQ(wbuf_error(&w), -ENOSPC);
	wbuf_init(&w, out, sizeof out);
	wbuf_put_le16(&w, 0x0014);
	wbuf_put_zero(&w, 2);
	wbuf_patch_be16(&w, 2, 0xabcd);
	ASSERT_MEM_EQ(out, "\x14\x00\xab\xcd", 4);
	wbuf_patch_be16(&w, 3, 1);
	ASSERT_INT_EQ(wbuf_error(&w), -EINVAL);
	TEST_DONE();
}

static void
test_printable(void)
{
	static const uint8_t b[] = { 'E', '=', '6', ' ', 0x00, 0x1f, 0x7f,
	    0x80, 0xff, '~', 'M' };
	struct bcur c = bcur_make(b, sizeof b);
	char out[8];

	TEST_START("printable copy of untrusted text for the log");
	memset(out, 'z', sizeof out);
	ASSERT_INT_EQ(bcur_get_printable(&c, out, sizeof out), 7);
	ASSERT_STR_EQ(out, "E=6 ???");
	ASSERT_INT_EQ(bcur_left(&c), 4);	/* consumed what it copied */
	ASSERT_INT_EQ(bcur_get_printable(&c, out, sizeof out), 4);
	ASSERT_STR_EQ(out, "??~M");
	ASSERT_INT_EQ(bcur_left(&c), 0);
	ASSERT_INT_EQ(bcur_get_printable(&c, out, sizeof out), 0);
	ASSERT_STR_EQ(out, "");
	/* One byte of room holds the NUL only; none is left alone. */
	c = bcur_make(b, sizeof b);
	ASSERT_INT_EQ(bcur_get_printable(&c, out, 1), 0);
	ASSERT_STR_EQ(out, "");
	out[0] = 'z';
	ASSERT_INT_EQ(bcur_get_printable(&c, out, 0), 0);
	ASSERT_INT_EQ(out[0], 'z');
	ASSERT_INT_EQ(bcur_left(&c), sizeof b);
	TEST_DONE();
}

int
main(void)
{
	test_getters();
	test_tlv();
	test_writer();
	test_printable();
	return test_exit();
}
