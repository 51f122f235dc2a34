/*
 * test_pppd_args.c - pppd argv for launch mode (order, nodetach rules,
 * 200 options, refusals) and the password option line (exact bytes, and a
 * round trip through a reader following pppd's option-file word rules).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "link/pppd/pppd_args.h"
#include "harness.h"

#ifndef SSTPC_PPPD_PATH
#define SSTPC_PPPD_PATH	"/usr/sbin/pppd"
#endif

/* Compare an argv with a NULL-terminated list of expected words. */
static void
check_argv(char **argv, size_t argc, const char * const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		ASSERT_TRUE(i < argc);
		if (i >= argc)
			return;
		ASSERT_STR_EQ(argv[i], want[i]);
	}
	ASSERT_INT_EQ(argc, i);
	ASSERT_PTR_NULL(argv[argc]);
}

static void
test_argv(void)
{
	static const char *opts1[] = { "debug", "mtu", "1400", "noauth" };
	static const char *want0[] = { SSTPC_PPPD_PATH, "/dev/pts/3",
	    "nodetach", NULL };
	static const char *want1[] = { "/opt/pppd", "/dev/pts/7", "nodetach",
	    "user", "DOMAIN\\alice", "file", "/dev/fd/5", "plugin",
	    "/usr/lib/pppd/2.4.9/sstp-pppd-plugin.so", "sstp-sock",
	    "/var/run/sstpc/sstpc-uds-sock", "debug", "mtu", "1400", "noauth",
	    NULL };
	static const char *want2[] = { SSTPC_PPPD_PATH, "/dev/pts/3",
	    "nodetach", "file", "/dev/fd/3", NULL };
	struct pppd_args_conf cf;
	char **argv;
	size_t argc;

	TEST_START("argv: tty only");
	memset(&cf, 0, sizeof cf);
	cf.tty = "/dev/pts/3";
	cf.password_fd = -1;
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, &argc), 0);
	check_argv(argv, argc, want0);
	pppd_args_free(argv);
	TEST_DONE();

	TEST_START("argv: user, password fd, plugin, options in order");
	cf.pppd_path = "/opt/pppd";
	cf.tty = "/dev/pts/7";
	cf.user = "DOMAIN\\alice";
	cf.password_fd = 5;
	cf.plugin = "/usr/lib/pppd/2.4.9/sstp-pppd-plugin.so";
	cf.sock_path = "/var/run/sstpc/sstpc-uds-sock";
	cf.opts = opts1;
	cf.nopts = 4;
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, &argc), 0);
	check_argv(argv, argc, want1);
	/* Private copies: the strings are not the caller's. */
	ASSERT_TRUE(argv[11] != opts1[0]);
	pppd_args_free(argv);
	TEST_DONE();

	TEST_START("argv: password without user, no argc pointer");
	memset(&cf, 0, sizeof cf);
	cf.tty = "/dev/pts/3";
	cf.password_fd = 3;
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, NULL), 0);
	check_argv(argv, 5, want2);
	pppd_args_free(argv);
	pppd_args_free(NULL);
	TEST_DONE();
}

static void
test_many(void)
{
	static char words[200][16];
	const char *opts[PPPD_ARGS_MAX_OPTS + 1];
	struct pppd_args_conf cf;
	char **argv;
	size_t argc, i;

	TEST_START("argv: 200 user options");
	for (i = 0; i < 200; i++) {
		snprintf(words[i], sizeof words[i], "opt%zu", i);
		opts[i] = words[i];
	}
	memset(&cf, 0, sizeof cf);
	cf.tty = "/dev/pts/1";
	cf.password_fd = -1;
	cf.user = "bob";
	cf.opts = opts;
	cf.nopts = 200;
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, &argc), 0);
	ASSERT_INT_EQ(argc, 5 + 200);
	ASSERT_STR_EQ(argv[2], "nodetach");
	ASSERT_STR_EQ(argv[3], "user");
	ASSERT_STR_EQ(argv[4], "bob");
	for (i = 0; i < 200; i++)
		ASSERT_INT_EQ(strcmp(argv[5 + i], words[i]), 0);
	ASSERT_PTR_NULL(argv[argc]);
	pppd_args_free(argv);
	TEST_DONE();

	TEST_START("argv: option cap");
	for (i = 0; i <= PPPD_ARGS_MAX_OPTS; i++)
		opts[i] = "x";
	cf.nopts = PPPD_ARGS_MAX_OPTS;
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, &argc), 0);
	ASSERT_INT_EQ(argc, 5 + PPPD_ARGS_MAX_OPTS);
	pppd_args_free(argv);
	cf.nopts = PPPD_ARGS_MAX_OPTS + 1;
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, &argc), -E2BIG);
	ASSERT_PTR_NULL(argv);
	TEST_DONE();
}

/* Build with opts: 1 if we added a "nodetach" of our own, 0 if not. */
static int
added_nodetach(const char **opts, size_t n)
{
	struct pppd_args_conf cf;
	char **argv;
	size_t argc, i;
	int count = 0;

	memset(&cf, 0, sizeof cf);
	cf.tty = "/dev/pts/2";
	cf.password_fd = -1;
	cf.opts = opts;
	cf.nopts = n;
	if (pppd_args_build(&cf, &argv, &argc) != 0)
		return -1;
	for (i = 0; i < argc; i++)
		count += strcmp(argv[i], "nodetach") == 0;
	for (i = 0; i < n; i++)
		count -= strcmp(opts[i], "nodetach") == 0;
	pppd_args_free(argv);
	return count;
}

static void
test_detach(void)
{
	const char *o_none[] = { "debug" };
	const char *o_up[] = { "debug", "updetach" };
	const char *o_no[] = { "nodetach", "debug" };
	const char *o_dash[] = { "-detach" };
	const char *o_up_no[] = { "updetach", "nodetach" };
	const char *o_no_up[] = { "nodetach", "updetach" };

	TEST_START("nodetach rules");
	ASSERT_INT_EQ(added_nodetach(o_none, 1), 1);
	ASSERT_INT_EQ(added_nodetach(NULL, 0), 1);
	ASSERT_INT_EQ(added_nodetach(o_up, 2), 0);
	ASSERT_INT_EQ(added_nodetach(o_no, 2), 0);
	ASSERT_INT_EQ(added_nodetach(o_dash, 1), 0);
	ASSERT_INT_EQ(added_nodetach(o_up_no, 2), 0);
	ASSERT_FALSE(pppd_args_detaches(o_none, 1));
	ASSERT_FALSE(pppd_args_detaches(NULL, 0));
	ASSERT_TRUE(pppd_args_detaches(o_up, 2));
	ASSERT_FALSE(pppd_args_detaches(o_no, 2));
	ASSERT_FALSE(pppd_args_detaches(o_dash, 1));
	ASSERT_FALSE(pppd_args_detaches(o_up_no, 2));
	ASSERT_TRUE(pppd_args_detaches(o_no_up, 2));
	ASSERT_TRUE(pppd_args_has_detach_choice(o_no_up, 2));
	ASSERT_FALSE(pppd_args_has_detach_choice(o_none, 1));
	TEST_DONE();
}

static void
test_refusals(void)
{
	const char *bad_opts[] = { "debug", NULL };
	struct pppd_args_conf cf, base;
	char **argv = (char **)&argv;

	memset(&base, 0, sizeof base);
	base.tty = "/dev/pts/3";
	base.password_fd = -1;

	TEST_START("argv: refusals");
	cf = base;
	cf.tty = NULL;
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, NULL), -EINVAL);
	ASSERT_PTR_NULL(argv);
	cf.tty = "pts/3";
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, NULL), -EINVAL);
	cf = base;
	cf.password_fd = 0;	/* a zeroed config must not mean stdin */
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, NULL), -EINVAL);
	cf.password_fd = 2;
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, NULL), -EINVAL);
	cf.password_fd = -2;
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, NULL), -EINVAL);
	cf = base;
	cf.plugin = "sstp-pppd-plugin.so";
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, NULL), -EINVAL);
	cf = base;
	cf.sock_path = "/run/x";
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, NULL), -EINVAL);
	cf = base;
	cf.user = "";
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, NULL), -EINVAL);
	cf = base;
	cf.opts = bad_opts;
	cf.nopts = 2;
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, NULL), -EINVAL);
	cf.opts = NULL;
	ASSERT_INT_EQ(pppd_args_build(&cf, &argv, NULL), -EINVAL);
	TEST_DONE();
}

/*
 * Read the second word of an option-file line the way pppd's getword()
 * does (backslash escapes incl. octal and hex, single or double quotes,
 * '#' comments, white space).  Written from the documented rules for this
 * test; returns the word length or -1.
 */
static int
pppd_word2(const char *line, char *out, size_t cap)
{
	const char *p = line;
	size_t len = 0;
	int quote = 0, v, n, words = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '\n' || *p == '#')
			return -1;
		len = 0;
		quote = 0;
		while (*p != '\0') {
			if (*p == '\\') {
				p++;
				if (*p == '\n') {
					p++;
					continue;
				}
				switch (*p) {
				case 'a': v = '\a'; p++; break;
				case 'b': v = '\b'; p++; break;
				case 'f': v = '\f'; p++; break;
				case 'n': v = '\n'; p++; break;
				case 'r': v = '\r'; p++; break;
				case 's': v = ' '; p++; break;
				case 't': v = '\t'; p++; break;
				default:
					if (*p >= '0' && *p <= '7') {
						for (v = 0, n = 0; n < 3 &&
						    *p >= '0' && *p <= '7'; n++)
							v = v * 8 +
							    (*p++ - '0');
					} else if (*p == 'x') {
						/* \xhh: never emitted */
						return -1;
					} else
						v = (unsigned char)*p++;
				}
				if (len < cap)
					out[len++] = (char)v;
				continue;
			}
			if (quote != 0) {
				if (*p == quote) {
					quote = 0;
					p++;
					continue;
				}
			} else if (*p == '"' || *p == '\'') {
				quote = *p++;
				continue;
			} else if (*p == ' ' || *p == '\t' || *p == '\n' ||
			    *p == '\r' || *p == '\v' || *p == '\f' || *p == '#')
				break;
			if (len < cap)
				out[len++] = *p;
			p++;
		}
		if (quote != 0)
			return -1;
		if (++words == 2)
			return (int)len;
	}
}

/* Build the line for pw and compare with the expected text. */
static void
check_line(const char *pw, size_t len, const char *want)
{
	char buf[2048], word[1024];
	struct wbuf w;
	int n;

	wbuf_init(&w, buf, sizeof buf - 1);
	ASSERT_INT_EQ(pppd_password_line(&w, pw, len), 0);
	buf[w.len] = '\0';
	if (want != NULL) {
		ASSERT_INT_EQ(w.len, strlen(want));
		ASSERT_MEM_EQ(buf, want, strlen(want) + 1);
	}
	/* One line only, and it reads back as the password. */
	ASSERT_TRUE(memchr(buf, '\n', w.len) == buf + w.len - 1);
	n = pppd_word2(buf, word, sizeof word);
	ASSERT_INT_EQ(n, len);
	if (n >= 0 && (size_t)n == len)
		ASSERT_MEM_EQ(word, pw, len);
	explicit_bzero(buf, sizeof buf);
}

static void
test_password(void)
{
	char pw[300], buf[64];
	struct wbuf w;
	size_t i;

	TEST_START("password line: plain, quotes, backslashes, spaces");
	check_line("secret", 6, "password \"secret\"\n");
	check_line("a\"b\\c", 5, "password \"a\\\"b\\\\c\"\n");
	check_line("\\\"", 2, "password \"\\\\\\\"\"\n");
	check_line("pass word # not a comment", 25,
	    "password \"pass word # not a comment\"\n");
	check_line("it's", 4, "password \"it's\"\n");
	check_line("", 0, "password \"\"\n");
	TEST_DONE();

	TEST_START("password line: control characters and UTF-8");
	check_line("a\nb\tc", 5, "password \"a\\012b\\011c\"\n");
	check_line("\x01" "7", 2, "password \"\\0017\"\n");
	check_line("\x7f\x1f", 2, "password \"\\177\\037\"\n");
	check_line("p\xc3\xa4ss\xe2\x82\xac", 8,
	    "password \"p\xc3\xa4ss\xe2\x82\xac\"\n");
	/* Every octet 1..255 in one password round-trips. */
	for (i = 0; i < 255; i++)
		pw[i] = (char)(i + 1);
	check_line(pw, 255, NULL);
	TEST_DONE();

	TEST_START("password line: refusals leave nothing behind");
	wbuf_init(&w, buf, sizeof buf);
	ASSERT_INT_EQ(pppd_password_line(&w, "a\0b", 3), -EINVAL);
	ASSERT_INT_EQ(w.len, 0);
	memset(pw, 'x', sizeof pw);
	ASSERT_INT_EQ(pppd_password_line(&w, pw, 256), -E2BIG);
	ASSERT_INT_EQ(pppd_password_line(&w, NULL, 1), -EINVAL);
	ASSERT_INT_EQ(wbuf_error(&w), 0);
	/* Too small a buffer: ENOSPC, length back to where it was, wiped. */
	memset(buf, 0, sizeof buf);
	wbuf_init(&w, buf, sizeof buf);
	wbuf_put_str(&w, "# x\n");
	ASSERT_INT_EQ(pppd_password_line(&w, pw, 100), -ENOSPC);
	ASSERT_INT_EQ(w.len, 4);
	for (i = 4; i < sizeof buf; i++)
		if (buf[i] != 0)
			break;
	ASSERT_INT_EQ(i, sizeof buf);
	/* A failed wbuf stays failed. */
	ASSERT_INT_EQ(pppd_password_line(&w, "a", 1), -ENOSPC);
	TEST_DONE();
}

int
main(void)
{
	test_argv();
	test_many();
	test_detach();
	test_refusals();
	test_password();
	return test_exit();
}
