/*
 * fuzz_ctl_msg.c - the control socket's text (src/sstpd/control.h):
 * ctl_msg_parse on the whole input as one request line, and
 * ctl_msg_format on a session whose fields are filled from the input.
 *
 * Invariants: the parse returns 0 or -EBADMSG; on -EBADMSG the message is
 * non-empty one-line text and the request all zero; on 0 the request is
 * "list" exactly, or "disconnect " and an id of 1 to 16 hex digits which
 * the request holds in lower case (the input equals the request written
 * back, but for the id's case).  The format returns the length of what it
 * wrote or -ENOSPC with "" in the buffer; a line is printable ASCII, ends
 * in its only LF, and splits at blanks into exactly 8 words; the header
 * (no session) likewise.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sstpd/control.h"
#include "util/buf.h"
#include "fuzz.h"

/* The line as words split at blanks: how many. */
static size_t
count_words(const char *s)
{
	size_t n = 0;
	int in = 0;

	for (; *s != '\0' && *s != '\n'; s++) {
		if (*s == ' ')
			in = 0;
		else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

/* Check a formatted line (r from ctl_msg_format into buf[cap]). */
static void
check_line(int r, const char *buf, size_t cap)
{
	size_t i;

	FUZZ_CHECK(r > 0 || r == -ENOSPC);
	FUZZ_CHECK(fuzz_str_ok(buf, cap, 0));
	if (r < 0) {
		FUZZ_CHECK(buf[0] == '\0');
		return;
	}
	FUZZ_CHECK((size_t)r == strlen(buf));
	FUZZ_CHECK(buf[r - 1] == '\n' && strchr(buf, '\n') == buf + r - 1);
	for (i = 0; i + 1 < (size_t)r; i++)
		FUZZ_CHECK(buf[i] >= 0x20 && buf[i] < 0x7f);
	FUZZ_CHECK(count_words(buf) == 8);
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), v;
	struct ctl_session s;
	struct ctl_req req;
	char err[128], back[64], buf[512];
	size_t cap;
	int r;

	memset(err, 'Z', sizeof err);
	r = ctl_msg_parse(data, size, &req, err, sizeof err);
	FUZZ_CHECK(r == 0 || r == -EBADMSG);
	if (r != 0) {
		FUZZ_CHECK(err[0] != '\0' && fuzz_str_ok(err, sizeof err, 1));
		FUZZ_CHECK(fuzz_all_zero(&req, sizeof req));
	} else if (req.cmd == CTL_LIST) {
		FUZZ_CHECK(size == 4 && memcmp(data, "list", 4) == 0);
	} else {
		FUZZ_CHECK(req.cmd == CTL_DISCONNECT);
		FUZZ_CHECK(strlen(req.id) >= 1 && strlen(req.id) <= 16);
		FUZZ_CHECK(strspn(req.id, "0123456789abcdef") ==
		    strlen(req.id));
		(void)snprintf(back, sizeof back, "disconnect %s", req.id);
		FUZZ_CHECK(strlen(back) == size &&
		    strncasecmp(back, (const char *)data, size) == 0);
	}

	/* A session from the input: fields without a NUL end included. */
	memset(&s, 0, sizeof s);
	v = fuzz_take(&in, sizeof s.id);
	(void)bcur_get_bytes(&v, s.id, bcur_left(&v));
	v = fuzz_take(&in, sizeof s.user);
	(void)bcur_get_bytes(&v, s.user, bcur_left(&v));
	v = fuzz_take(&in, sizeof s.client);
	(void)bcur_get_bytes(&v, s.client, bcur_left(&v));
	v = fuzz_take(&in, sizeof s.assigned);
	(void)bcur_get_bytes(&v, s.assigned, bcur_left(&v));
	v = fuzz_take(&in, sizeof s.state);
	(void)bcur_get_bytes(&v, s.state, bcur_left(&v));
	s.age_s = (uint64_t)fuzz_be32(&in) << 32 | fuzz_be32(&in);
	s.bytes_in = (uint64_t)fuzz_be32(&in) << 32 | fuzz_be32(&in);
	s.bytes_out = (uint64_t)fuzz_be32(&in) << 32 | fuzz_be32(&in);
	cap = 1 + fuzz_u8(&in, 255) * 2u;	/* 1..511 */

	r = ctl_msg_format(&s, buf, cap);
	check_line(r, buf, cap);
	r = ctl_msg_format(&s, buf, sizeof buf);
	check_line(r, buf, sizeof buf);
	FUZZ_CHECK(r > 0);
	r = ctl_msg_format(NULL, buf, cap);
	check_line(r, buf, cap);
	return 0;
}
