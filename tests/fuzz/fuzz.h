/*
 * fuzz.h - shared declarations of the fuzz targets (tests/fuzz/).
 *
 * Every target is one file fuzz_<name>.c defining LLVMFuzzerTestOneInput.
 * Built with clang --enable-fuzzing it links libFuzzer's main; built with
 * any compiler for `make check' it links fuzz_main.c, which replays the
 * seed corpus tests/fuzz/corpus/<name>/ (model: hostap tests/fuzzing).
 * fuzz_common.c holds LLVMFuzzerInitialize (log sink setup) and the
 * failure reporter, shared by both builds.
 *
 * Invariant violations call fuzz_fail(), which prints file:line and
 * aborts, so that libFuzzer and the replay driver both see a crash.
 * The input is untrusted like any wire byte: it is read through the
 * bounded cursor of buf.h.
 */
#ifndef SSTPC_FUZZ_H
#define SSTPC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Largest input a target looks at; libFuzzer's default -max_len is 4096. */
#define FUZZ_INPUT_MAX	(1024 * 1024)

/* libFuzzer entry points (declared here for -Wmissing-prototypes). */
int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken invariant and abort. */
void	fuzz_fail(const char *file, int line, const char *what)
	    __attribute__((noreturn));

#define FUZZ_CHECK(cond) do {						\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
} while (0)

/*
 * Take up to n bytes from the input cursor as a child view (fewer when
 * the input is shorter): the targets' way to split their input.
 */
struct bcur	fuzz_take(struct bcur *in, size_t n);
/* Next input byte, or dflt when the input is exhausted. */
uint8_t		fuzz_u8(struct bcur *in, uint8_t dflt);
/* Next big-endian u16 (short input: the bytes that are left, zero-filled). */
uint16_t	fuzz_be16(struct bcur *in);
/* Next big-endian u32, likewise. */
uint32_t	fuzz_be32(struct bcur *in);
/*
 * One record of a conversation input: a tag byte (0 when the input is
 * exhausted), a big-endian u16 length, then that many bytes (fewer at the
 * end of the input) returned as a child view.
 */
struct bcur	fuzz_record(struct bcur *in, uint8_t *tag);
/*
 * Copy a view into a fresh NUL-terminated heap string of exactly
 * len + 1 bytes (so that ASan sees any overread); NULL on ENOMEM.
 * The view may contain NUL bytes: the string then ends early.
 */
char		*fuzz_strdup(const struct bcur *v);
/*
 * Check an HTTP request header block: only CRLF line ends (no bare CR or
 * LF, no NUL), quoted-strings (RFC 9110 5.6.4, backslash escapes) closed
 * on the line that opens them, and a final empty line.  Returns the
 * number of CRLFs, or -1 if the block is malformed.
 */
int		fuzz_http_lines(const uint8_t *buf, size_t len);
/* Is buf[0..cap) NUL-terminated, and does it hold no byte < 0x20? */
int		fuzz_str_ok(const char *buf, size_t cap, int printable);
/* Is every byte of p[0..n) zero?  (What a failed parse must leave.) */
int		fuzz_all_zero(const void *p, size_t n);

#endif /* SSTPC_FUZZ_H */
