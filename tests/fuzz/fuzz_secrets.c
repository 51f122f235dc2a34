/*
 * fuzz_secrets.c - the chap-secrets parser and its lookup
 * (src/sstpd/secrets.h; pppd(8) AUTHENTICATION).
 *
 * Input:	byte 0	bit 0: server name "vpn1", else none (only '*'
 *			lines are ours)
 *		rest	the file's text
 *
 * Invariants: a refusal says "secrets:LINE: cause" (printable, LINE
 * within the file's lines); a table holds no more entries than the file
 * has lines; the same text parses the same; a lookup of the first raw
 * word of each line (and of "", "*", a 300-octet name) is 0 or -ENOENT,
 * a found secret is NUL-terminated at its length with no NUL inside, a
 * missing one leaves the output zero.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "sstpd/secrets.h"

#define LOOKUPS_MAX	64

/* Look one name up; check the output. */
static void
check_lookup(const struct secrets *s, const char *user)
{
	struct ppp_secret out;
	int r;

	r = secrets_lookup(s, user, &out);
	FUZZ_CHECK(r == 0 || r == -ENOENT);
	if (r != 0) {
		FUZZ_CHECK(fuzz_all_zero(&out, sizeof out));
		return;
	}
	FUZZ_CHECK(out.len < PPP_SECRET_MAX);
	FUZZ_CHECK(out.secret[out.len] == '\0');
	FUZZ_CHECK(strlen(out.secret) == out.len);
	explicit_bzero(&out, sizeof out);
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), text, line, word;
	const char *server;
	struct secrets *s, *again;
	char err[160], err2[160], name[300], *user;
	unsigned long lines = 1, at;
	size_t i, looked = 0;
	long nl, sp;
	uint8_t b;

	server = (fuzz_u8(&in, 0) & 1) ? "vpn1" : NULL;
	text = fuzz_take(&in, bcur_left(&in));
	for (i = 0; bcur_peek_u8(&text, i, &b) == 0; i++)
		if (b == '\n')
			lines++;
	s = secrets_parse(bcur_ptr(&text), bcur_left(&text), NULL, server,
	    err, sizeof err);
	again = secrets_parse(bcur_ptr(&text), bcur_left(&text), NULL, server,
	    err2, sizeof err2);
	FUZZ_CHECK((s == NULL) == (again == NULL));
	if (s == NULL) {
		FUZZ_CHECK(fuzz_str_ok(err, sizeof err, 1));
		FUZZ_CHECK(strcmp(err, err2) == 0);
		FUZZ_CHECK(sscanf(err, "secrets:%lu: ", &at) == 1);
		FUZZ_CHECK(at >= 1 && at <= lines);
		return 0;
	}
	FUZZ_CHECK(secrets_count(s) == secrets_count(again));
	FUZZ_CHECK(secrets_count(s) <= lines);
	secrets_free(again);

	check_lookup(s, "");
	check_lookup(s, "*");
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	check_lookup(s, name);
	/* The first raw word of each line (up to LOOKUPS_MAX). */
	while (bcur_left(&text) > 0 && looked++ < LOOKUPS_MAX) {
		nl = bcur_find(&text, '\n');
		if (bcur_get_view(&text, nl < 0 ? bcur_left(&text) : (size_t)nl,
		    &line) != 0)
			break;
		(void)bcur_skip(&text, 1);
		sp = bcur_find(&line, ' ');
		word = line;
		if (sp >= 0)
			(void)bcur_get_view(&line, (size_t)sp, &word);
		if ((user = fuzz_strdup(&word)) == NULL)
			break;
		check_lookup(s, user);
		free(user);
	}
	secrets_free(s);
	return 0;
}
