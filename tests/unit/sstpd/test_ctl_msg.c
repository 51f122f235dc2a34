/*
 * test_ctl_msg.c - the control socket's request line and --list lines
 * (src/sstpd/ctl_msg.c).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sstpd/control.h"
#include "harness.h"

static char err[128];

/* Parse a string request. */
static int
parse(const char *s, struct ctl_req *req)
{
	return ctl_msg_parse((const uint8_t *)s, strlen(s), req, err,
	    sizeof err);
}

static void
test_parse_good(void)
{
	struct ctl_req req;

	TEST_START("requests: list, disconnect ID");
	ASSERT_INT_EQ(parse("list", &req), 0);
	ASSERT_INT_EQ(req.cmd, CTL_LIST);
	ASSERT_STR_EQ(req.id, "");
	ASSERT_STR_EQ(err, "");
	ASSERT_INT_EQ(parse("disconnect 0123456789ABCDEF", &req), 0);
	ASSERT_INT_EQ(req.cmd, CTL_DISCONNECT);
	ASSERT_STR_EQ(req.id, "0123456789abcdef");
	ASSERT_INT_EQ(parse("disconnect a", &req), 0);
	ASSERT_STR_EQ(req.id, "a");
	TEST_DONE();
}

static void
test_parse_bad(void)
{
	static const struct {
		const char	*line;
		size_t		 len;	/* 0: strlen */
		const char	*why;
	} bad[] = {
		{ "", 0, "unknown request" },
		{ "lis", 0, "unknown request" },
		{ "list ", 0, "unknown request" },
		{ " list", 0, "unknown request" },
		{ "list\r", 0, "unknown request" },
		{ "LIST", 0, "unknown request" },
		{ "listx", 0, "unknown request" },
		{ "list\0", 5, "unknown request" },
		{ "disconnect", 0, "unknown request" },
		{ "disconnect ", 0, "bad session id" },
		{ "disconnect  1", 0, "bad session id" },
		{ "disconnect 1 ", 0, "bad session id" },
		{ "disconnect 0123456789abcdef0", 0, "bad session id" },
		{ "disconnect 12g4", 0, "bad session id" },
		{ "disconnect 12\0" "4", 14, "bad session id" },
		{ "disconnect\t1", 0, "unknown request" },
		{ "kill 1", 0, "unknown request" },
	};
	struct ctl_req req;
	uint8_t longline[CTL_LINE_MAX + 1];
	size_t i, n;

	TEST_START("requests refused: -EBADMSG and a cause");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = bad[i].len != 0 ? bad[i].len : strlen(bad[i].line);
		memset(&req, 0x55, sizeof req);
		ASSERT_INT_EQ(ctl_msg_parse((const uint8_t *)bad[i].line, n,
		    &req, err, sizeof err), -EBADMSG);
		TH_CHECK(strstr(err, bad[i].why) != NULL, "case %zu: \"%s\"",
		    i, err);
		/* Nothing half-parsed is left. */
		ASSERT_INT_EQ(req.cmd, 0);
		ASSERT_STR_EQ(req.id, "");
	}
	memset(longline, 'a', sizeof longline);
	memcpy(longline, "disconnect 1", 12);
	ASSERT_INT_EQ(ctl_msg_parse(longline, sizeof longline, &req, err,
	    sizeof err), -EBADMSG);
	ASSERT_STR_EQ(err, "request too long");
	/* No error buffer: still refused. */
	ASSERT_INT_EQ(ctl_msg_parse((const uint8_t *)"x", 1, &req, NULL, 0),
	    -EBADMSG);
	TEST_DONE();
}

static void
test_format(void)
{
	struct ctl_session s;
	char buf[512], small[40];
	int n;

	TEST_START("--list lines: one word a field, sanitized, -ENOSPC");
	n = ctl_msg_format(NULL, buf, sizeof buf);
	ASSERT_INT_EQ(n, (int)strlen(buf));
	ASSERT_STR_EQ(buf, "ID               USER                 CLIENT      "
	    "                 ADDRESS         STATE         AGE     BYTES-IN  "
	    "  BYTES-OUT\n");

	memset(&s, 0, sizeof s);
	(void)snprintf(s.id, sizeof s.id, "00c0ffee00000001");
	(void)snprintf(s.user, sizeof s.user, "alice");
	(void)snprintf(s.client, sizeof s.client, "[2001:db8::7]:50123");
	(void)snprintf(s.assigned, sizeof s.assigned, "192.0.2.10");
	(void)snprintf(s.state, sizeof s.state, "up");
	s.age_s = 3600;
	s.bytes_in = 18446744073709551615u;
	s.bytes_out = 0;
	n = ctl_msg_format(&s, buf, sizeof buf);
	ASSERT_INT_EQ(n, (int)strlen(buf));
	ASSERT_STR_EQ(buf, "00c0ffee00000001 alice                "
	    "[2001:db8::7]:50123          192.0.2.10      up          3600s "
	    "18446744073709551615            0\n");

	/* A hostile user name: blanks, controls, 8-bit bytes; no NUL end. */
	memset(s.user, 'u', sizeof s.user);
	memcpy(s.user, "a b\n\x01\xff", 6);
	s.assigned[0] = '\0';
	n = ctl_msg_format(&s, buf, sizeof buf);
	ASSERT_TRUE(n > 0);
	ASSERT_TRUE(strncmp(buf + 17, "a?b???uuuu", 10) == 0);
	/* 64 bytes of user at most, then the next column. */
	ASSERT_TRUE(buf[17 + 64] == ' ');
	ASSERT_TRUE(strstr(buf, " - ") != NULL);	/* empty address */
	ASSERT_TRUE(strchr(buf, '\n') == buf + n - 1);

	memset(small, 'Z', sizeof small);
	ASSERT_INT_EQ(ctl_msg_format(&s, small, sizeof small), -ENOSPC);
	ASSERT_STR_EQ(small, "");
	ASSERT_INT_EQ(ctl_msg_format(NULL, small, 0), -ENOSPC);
	TEST_DONE();
}

int
main(void)
{
	test_parse_good();
	test_parse_bad();
	test_format();
	return test_exit();
}
