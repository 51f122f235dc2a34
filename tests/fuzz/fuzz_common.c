/*
 * fuzz_common.c - pieces shared by every fuzz target, in both the
 * libFuzzer and the replay build: the log sink setup and small input
 * helpers (see fuzz.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "util/log.h"

/*
 * Called once before the first input (by libFuzzer, or by fuzz_main.c).
 * By default every log line, hex dumps included, is formatted and written
 * to /dev/null, so that the formatting of hostile bytes is fuzzed too.
 * SSTPC_FUZZ_LOG=N sends level N and below to stderr instead (N = -1:
 * nothing at all), for looking at what a crashing input does.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct log_conf lc = {
		.level = LOG_LVL_DUMP,
		.sink = LOG_SINK_FILE,
		.ident = "fuzz",
		.path = "/dev/null",
		.lineno = true,
	};
	const char *env = getenv("SSTPC_FUZZ_LOG");

	(void)argc;
	(void)argv;
	if (env != NULL && *env != '\0') {
		lc.level = atoi(env);
		lc.sink = LOG_SINK_STDERR;
		lc.path = NULL;
		if (lc.level < 0) {
			/* Level 0 with a filter matching no source file. */
			lc.level = 0;
			lc.filter = "-";
		}
	}
	if (log_open(&lc) != 0) {
		lc.level = LOG_LVL_ERR;
		lc.sink = LOG_SINK_STDERR;
		(void)log_open(&lc);
	}
	return 0;
}

/* Report a broken invariant and abort (a crash for libFuzzer). */
void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", file, line,
	    what);
	fflush(stderr);
	abort();
}

/* Up to n bytes of the input as a child view. */
struct bcur
fuzz_take(struct bcur *in, size_t n)
{
	struct bcur v;

	if (n > bcur_left(in))
		n = bcur_left(in);
	if (bcur_get_view(in, n, &v) != 0)
		v = bcur_make(NULL, 0);
	return v;
}

/* Next input byte or a default. */
uint8_t
fuzz_u8(struct bcur *in, uint8_t dflt)
{
	uint8_t b;

	return bcur_get_u8(in, &b) == 0 ? b : dflt;
}

/* Next big-endian u16, zero-filled when short. */
uint16_t
fuzz_be16(struct bcur *in)
{
	uint16_t v = 0;
	uint8_t b;
	int i;

	for (i = 0; i < 2; i++)
		v = (uint16_t)(v << 8 | (bcur_get_u8(in, &b) == 0 ? b : 0));
	return v;
}

/* Next big-endian u32, zero-filled when short. */
uint32_t
fuzz_be32(struct bcur *in)
{
	uint32_t v = 0;
	uint8_t b;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 8 | (bcur_get_u8(in, &b) == 0 ? b : 0);
	return v;
}

/* Tag byte, u16 length, that many bytes: one conversation record. */
struct bcur
fuzz_record(struct bcur *in, uint8_t *tag)
{
	*tag = fuzz_u8(in, 0);
	return fuzz_take(in, fuzz_be16(in));
}

/* Exact-size NUL-terminated heap copy of a view. */
char *
fuzz_strdup(const struct bcur *v)
{
	struct bcur c = *v;
	size_t n = bcur_left(&c);
	char *s;

	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	if (n > 0 && bcur_get_bytes(&c, s, n) != 0) {
		free(s);
		return NULL;
	}
	s[n] = '\0';
	return s;
}

/* Line structure of a request header block (see fuzz.h). */
int
fuzz_http_lines(const uint8_t *buf, size_t len)
{
	struct bcur c = bcur_make(buf, len);
	int lines = 0, quoted = 0;
	uint8_t b, next;

	while (bcur_get_u8(&c, &b) == 0) {
		if (b == '\0' || b == '\n')
			return -1;
		if (b == '\r') {
			if (bcur_get_u8(&c, &next) != 0 || next != '\n' ||
			    quoted)
				return -1;
			lines++;
			continue;
		}
		if (quoted && b == '\\') {
			/* quoted-pair: the next octet is literal, not CR/LF. */
			if (bcur_get_u8(&c, &next) != 0 || next == '\r' ||
			    next == '\n' || next == '\0')
				return -1;
		} else if (b == '"')
			quoted = !quoted;
	}
	if (len < 4 || memcmp(buf + len - 4, "\r\n\r\n", 4) != 0)
		return -1;
	return lines;
}

/* NUL-terminated within cap, and (optionally) free of control bytes. */
int
fuzz_str_ok(const char *buf, size_t cap, int printable)
{
	const char *nul = memchr(buf, '\0', cap);
	const unsigned char *p;

	if (nul == NULL)
		return 0;
	if (printable) {
		for (p = (const unsigned char *)buf; *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f)
				return 0;
	}
	return 1;
}

int
fuzz_all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}
