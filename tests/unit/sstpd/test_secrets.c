/*
 * test_secrets.c - the chap-secrets parser (src/sstpd/secrets.c): the
 * pppd(8) format (comments, quotes, backslashes, '*' and '-'), the
 * entries sstpd keeps, the lookup's exact-before-wildcard rule, and one
 * input per error with its "FILE:LINE: cause".
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sstpd/secrets.h"

/* Parse a NUL-terminated text for server "vpn1". */
static struct secrets *
parse(const char *text, char *err, size_t errlen)
{
	return secrets_parse((const uint8_t *)text, strlen(text),
	    "chap-secrets", "vpn1", err, errlen);
}

/* Does user's entry have this secret and address ("" = the pool)? */
static int
has(const struct secrets *s, const char *user, const char *secret,
    const char *addr)
{
	struct ppp_secret out;
	struct in_addr a = { 0 };

	if (secrets_lookup(s, user, &out) != 0)
		return 0;
	if (addr[0] != '\0' && inet_pton(AF_INET, addr, &a) != 1)
		return 0;
	return out.len == strlen(secret) &&
	    memcmp(out.secret, secret, out.len + 1) == 0 &&
	    out.addr4 == a.s_addr;
}

static void
test_format(void)
{
	static const char text[] =
	    "# Secrets for authentication using CHAP\n"
	    "# client\tserver\tsecret\t\t\tIP addresses\n"
	    "alice\t*\talicepw\n"
	    "bob vpn1 \"two words\" 192.0.2.10\n"
	    "  carol  vpn2  carolpw  # another server's: skipped\n"
	    "dave * 'it\"s' * 192.0.2.99\n"
	    "erin * a\\ b\\#c\\\\d host.example 192.0.2.11 192.0.2.12\r\n"
	    "\"frank smith\" * pw\\\n"
	    "   192.0.2.13\n"
	    "grace * \"\" -\n"
	    "heidi * pa#ss\n"
	    "ivan * \"q\"'u'ote\"d\" !192.0.2.5 +ua 192.0.2.14\n"
	    "\n"
	    "   \t\n"
	    "# trailing comment without newline";
	struct secrets *s;
	struct ppp_secret out;
	char err[160];

	TEST_START("secrets: pppd's format");
	s = parse(text, err, sizeof err);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL) {
		TEST_DONE();
		return;
	}
	/* alice bob dave erin frank heidi ivan; grace ('-') is refused. */
	ASSERT_INT_EQ(secrets_count(s), 7);
	ASSERT_TRUE(has(s, "alice", "alicepw", ""));
	ASSERT_TRUE(has(s, "bob", "two words", "192.0.2.10"));
	ASSERT_INT_EQ(secrets_lookup(s, "carol", &out), -ENOENT);
	ASSERT_TRUE(has(s, "dave", "it\"s", ""));	/* '*' came first */
	ASSERT_TRUE(has(s, "erin", "a b#c\\d", "192.0.2.11"));
	ASSERT_TRUE(has(s, "frank smith", "pw", "192.0.2.13"));
	ASSERT_INT_EQ(secrets_lookup(s, "grace", &out), -ENOENT);
	ASSERT_TRUE(has(s, "heidi", "pa#ss", ""));
	ASSERT_TRUE(has(s, "ivan", "quoted", "192.0.2.14"));
	/* Names are exact: no prefix, no case folding. */
	ASSERT_INT_EQ(secrets_lookup(s, "alic", &out), -ENOENT);
	ASSERT_INT_EQ(secrets_lookup(s, "alicea", &out), -ENOENT);
	ASSERT_INT_EQ(secrets_lookup(s, "Alice", &out), -ENOENT);
	ASSERT_INT_EQ(secrets_lookup(s, "", &out), -ENOENT);
	ASSERT_INT_EQ(out.len, 0);
	ASSERT_INT_EQ(out.secret[0], '\0');
	secrets_free(s);
	TEST_DONE();
}

static void
test_wildcard(void)
{
	struct secrets *s;
	struct ppp_secret out;
	char err[160], longname[300];

	TEST_START("secrets: exact before '*', first line wins, '-' blocks");
	s = parse("* * anyone\n"
	    "alice * first 192.0.2.20\n"
	    "alice * second\n"
	    "mallory * pw -\n"
	    "* * later\n", err, sizeof err);
	ASSERT_PTR_NOT_NULL(s);
	if (s == NULL) {
		TEST_DONE();
		return;
	}
	ASSERT_TRUE(has(s, "alice", "first", "192.0.2.20"));
	ASSERT_TRUE(has(s, "zed", "anyone", ""));
	/* '-' admits no one, and not through the '*' line either. */
	ASSERT_INT_EQ(secrets_lookup(s, "mallory", &out), -ENOENT);
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	ASSERT_TRUE(has(s, longname, "anyone", ""));
	ASSERT_INT_EQ(secrets_count(s), 4);
	secrets_free(s);

	/* No server name: only '*' lines. */
	s = secrets_parse((const uint8_t *)"a vpn1 x\nb * y\n", 15, NULL, NULL,
	    err, sizeof err);
	ASSERT_PTR_NOT_NULL(s);
	if (s != NULL) {
		ASSERT_INT_EQ(secrets_count(s), 1);
		ASSERT_TRUE(has(s, "b", "y", ""));
		ASSERT_INT_EQ(secrets_lookup(s, "a", &out), -ENOENT);
		secrets_free(s);
	}
	/* An empty table is valid. */
	s = parse("# nothing\n\n", err, sizeof err);
	ASSERT_PTR_NOT_NULL(s);
	if (s != NULL) {
		ASSERT_INT_EQ(secrets_count(s), 0);
		ASSERT_INT_EQ(secrets_lookup(s, "a", &out), -ENOENT);
		secrets_free(s);
	}
	s = secrets_parse((const uint8_t *)"", 0, "f", "vpn1", err,
	    sizeof err);
	ASSERT_PTR_NOT_NULL(s);
	secrets_free(s);
	TEST_DONE();
}

static void
test_errors(void)
{
	static const struct {
		const char *text;
		const char *err;
	} v[] = {
		{ "alice\n", "chap-secrets:1: fewer than 3 words" },
		{ "# c\n\nalice *   # no secret\n",
		    "chap-secrets:3: fewer than 3 words" },
		{ "a * \"open\n", "chap-secrets:1: unterminated quote" },
		{ "a * 'open", "chap-secrets:1: unterminated quote" },
		{ "a * x\nb * y\\", "chap-secrets:2: backslash at the end" },
		{ "a * x 192.0.2.300\n", "chap-secrets:1: bad address "
		    "'192.0.2.300'" },
		{ "a * x 192.0.2.0/24\n", "chap-secrets:1: bad address" },
		{ "a * x 0.0.0.0\n", "chap-secrets:1: bad address" },
		{ "a * x 255.255.255.255\n", "chap-secrets:1: bad address" },
		{ "a * x - 192.0.2.1\n", "chap-secrets:1: '-' with other" },
		/* Errors count even on another server's lines. */
		{ "a\\\nb * x\nc vpn9 x 1.2\n", "chap-secrets:3: bad address" },
	};
	struct secrets *s;
	char err[160], big[300];
	size_t i;

	TEST_START("secrets: errors name the file, the line and the cause");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		err[0] = '\0';
		s = parse(v[i].text, err, sizeof err);
		TH_CHECK(s == NULL && strncmp(err, v[i].err,
		    strlen(v[i].err)) == 0, "case %zu: \"%s\" not \"%s...\"",
		    i, err, v[i].err);
		secrets_free(s);
	}
	/* A NUL octet. */
	s = secrets_parse((const uint8_t *)"a * x\0y\n", 8, "f", "vpn1", err,
	    sizeof err);
	ASSERT_PTR_NULL(s);
	ASSERT_STR_EQ(err, "f:1: NUL octet");
	/* Words of 255 octets are fine, 256 are not. */
	memcpy(big, "a * ", 4);
	memset(big + 4, 's', 255);
	big[259] = '\0';
	s = parse(big, err, sizeof err);
	ASSERT_PTR_NOT_NULL(s);
	if (s != NULL) {
		struct ppp_secret out;

		ASSERT_INT_EQ(secrets_lookup(s, "a", &out), 0);
		ASSERT_INT_EQ(out.len, 255);
		secrets_free(s);
	}
	big[259] = 's';
	big[260] = '\0';
	s = parse(big, err, sizeof err);
	ASSERT_PTR_NULL(s);
	ASSERT_STR_EQ(err, "chap-secrets:1: word longer than 255 octets");
	/* Over SECRETS_MAX_FILE (blanks and newlines: valid otherwise). */
	{
		uint8_t *huge = malloc(SECRETS_MAX_FILE + 1);

		ASSERT_PTR_NOT_NULL(huge);
		if (huge != NULL) {
			memset(huge, '\n', SECRETS_MAX_FILE + 1);
			s = secrets_parse(huge, SECRETS_MAX_FILE, "f", "vpn1",
			    err, sizeof err);
			ASSERT_PTR_NOT_NULL(s);
			secrets_free(s);
			s = secrets_parse(huge, SECRETS_MAX_FILE + 1, "f",
			    "vpn1", err, sizeof err);
			ASSERT_PTR_NULL(s);
			ASSERT_STR_EQ(err, "f:0: larger than 1048576 octets");
			free(huge);
		}
	}
	TEST_DONE();
}

int
main(void)
{
	test_format();
	test_wildcard();
	test_errors();
	return test_exit();
}
