/*
 * secrets.c - pppd's chap-secrets format (secrets.h; pppd(8)
 * AUTHENTICATION and its options-file syntax).  Written from the
 * documented format, not from pppd's code.
 *
 * Syntax, as read here:
 *  - one entry per line: client server secret [address ...]; a blank or
 *    comment-only line is skipped; a line of one or two words is an error;
 *  - words are separated by spaces, tabs (and CR, for files edited on
 *    Windows); '#' at the start of a word starts a comment to the end of
 *    the line (inside a word it is an ordinary octet);
 *  - a word may hold "double" or 'single' quoted parts (a quote does not
 *    span lines); a backslash quotes the next octet, inside quotes or
 *    out; a backslash before a newline joins the lines;
 *  - a NUL octet, an unterminated quote and a word over SECRETS_MAX_WORD
 *    octets are errors.
 * Meaning, for sstpd:
 *  - only lines whose server is '*' or @server_name are kept;
 *  - the client '*' matches any user that has no line of its own;
 *  - the first address word that is '*' (the pool) or a literal IPv4
 *    address decides the address; a word that starts with a digit but is
 *    no IPv4 address (a subnet, a typo) is an error; other words
 *    (host names, "!addr", "+...", IPv6) are pppd's and are skipped;
 *  - '-' (it must stand alone) admits no address: sstpd gives IP service
 *    only, so such a user is refused, and not by way of a '*' line.
 * Secrets live in one arena allocated once (never realloc'ed, so no
 * stale copy is left behind) and wiped at free; the word buffers of the
 * parse are wiped too.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "util/buf.h"
#include "util/ctype.h"
#include "sstpd/secrets.h"

#define NAME_PAD	(SECRETS_MAX_WORD + 1)	/* compared this wide */

struct sec_entry {
	size_t		name;		/* arena offset, NUL-terminated */
	size_t		secret;		/* arena offset, NUL-terminated */
	size_t		secret_len;
	uint32_t	addr4;		/* network order; 0: the pool */
	bool		wildcard;	/* client '*' */
	bool		no_addr;	/* '-': refused */
};

struct secrets {
	struct sec_entry *e;
	size_t		 n, cap;
	char		*arena;
	size_t		 arena_len, arena_cap;
};

/* The tokenizer's position. */
struct sec_tok {
	struct bcur	 in;
	unsigned	 line;		/* of the next octet */
	const char	*fname;
	char		*err;
	size_t		 errlen;
};

enum { TOK_WORD = 1, TOK_EOL = 2, TOK_EOF = 3 };

static int	sec_fail(struct sec_tok *, unsigned, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Write "FILE:LINE: cause" and return -EINVAL. */
static int
sec_fail(struct sec_tok *t, unsigned line, const char *fmt, ...)
{
	char cause[160];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(cause, sizeof cause, fmt, ap);
	va_end(ap);
	if (t->errlen > 0)
		(void)snprintf(t->err, t->errlen, "%s:%u: %s", t->fname, line,
		    cause);
	return -EINVAL;
}

/* Skip blanks and a comment; leave the cursor on '\n', a word or the end. */
static void
sec_skip_blank(struct sec_tok *t)
{
	uint8_t b;
	long nl;

	while (bcur_peek_u8(&t->in, 0, &b) == 0) {
		if (b == ' ' || b == '\t' || b == '\r') {
			(void)bcur_skip(&t->in, 1);
		} else if (b == '#') {
			nl = bcur_find(&t->in, '\n');
			(void)bcur_skip(&t->in, nl < 0 ? bcur_left(&t->in) :
			    (size_t)nl);
		} else if (b == '\\' && bcur_peek_u8(&t->in, 1, &b) == 0 &&
		    b == '\n') {
			(void)bcur_skip(&t->in, 2);	/* joined lines */
			t->line++;
		} else
			return;
	}
}

/*
 * The next token: TOK_WORD with the word in w (NUL-terminated, *wlen
 * octets), TOK_EOL (a newline consumed), TOK_EOF, or -EINVAL.
 */
static int
sec_token(struct sec_tok *t, char w[NAME_PAD], size_t *wlen)
{
	uint8_t b, quote = 0;
	size_t n = 0;

	sec_skip_blank(t);
	if (bcur_peek_u8(&t->in, 0, &b) != 0)
		return TOK_EOF;
	if (b == '\n') {
		(void)bcur_skip(&t->in, 1);
		t->line++;
		return TOK_EOL;
	}
	/* The blank or newline that ends the word is left in place. */
	while (bcur_peek_u8(&t->in, 0, &b) == 0) {
		if (quote == 0 && (b == ' ' || b == '\t' || b == '\r' ||
		    b == '\n'))
			break;
		(void)bcur_skip(&t->in, 1);
		if (b == '\0')
			return sec_fail(t, t->line, "NUL octet");
		if (b == '\n')
			return sec_fail(t, t->line, "unterminated quote");
		if (b == quote) {
			quote = 0;
			continue;
		}
		if (quote == 0 && (b == '"' || b == '\'')) {
			quote = b;
			continue;
		}
		if (b == '\\') {
			if (bcur_get_u8(&t->in, &b) != 0)
				return sec_fail(t, t->line,
				    "backslash at the end of the file");
			if (b == '\n') {
				t->line++;	/* joined lines */
				continue;
			}
			if (b == '\0')
				return sec_fail(t, t->line, "NUL octet");
		}
		if (n == SECRETS_MAX_WORD)
			return sec_fail(t, t->line,
			    "word longer than %d octets", SECRETS_MAX_WORD);
		w[n++] = (char)b;
	}
	if (quote != 0)
		return sec_fail(t, t->line, "unterminated quote");
	w[n] = '\0';
	*wlen = n;
	return TOK_WORD;
}

/* Copy a word into the arena; its offset. */
static size_t
sec_store(struct secrets *s, const char *w, size_t n)
{
	size_t off = s->arena_len;

	memcpy(s->arena + off, w, n);
	s->arena[off + n] = '\0';
	s->arena_len += n + 1;
	return off;
}

/* One address word into *e (see the top); 0 or -EINVAL. */
static int
sec_address(struct sec_tok *t, unsigned line, const char *w,
    struct sec_entry *e, bool *decided)
{
	struct in_addr a;
	char shown[48];
	struct bcur v;

	if (strcmp(w, "*") == 0) {
		*decided = true;
		return 0;
	}
	if (!is_digit((uint8_t)w[0]))
		return 0;	/* pppd's forms we do not use */
	if (inet_pton(AF_INET, w, &a) != 1 || a.s_addr == 0 ||
	    a.s_addr == 0xffffffffU) {
		v = bcur_make(w, strlen(w));
		(void)bcur_get_printable(&v, shown, sizeof shown);
		return sec_fail(t, line, "bad address '%s'", shown);
	}
	if (!*decided)
		e->addr4 = a.s_addr;
	*decided = true;
	return 0;
}

/* Room for one more entry. */
static int
sec_grow(struct secrets *s)
{
	struct sec_entry *ne;
	size_t cap;

	if (s->n < s->cap)
		return 0;
	cap = s->cap == 0 ? 16 : s->cap * 2;
	if ((ne = reallocarray(s->e, cap, sizeof *ne)) == NULL)
		return -ENOMEM;
	s->e = ne;
	s->cap = cap;
	return 0;
}

/* Parse the words of one entry after its first: 1 kept, 0 not, -errno. */
static int
sec_entry(struct sec_tok *t, struct secrets *s, const char *server_name,
    char w[3][NAME_PAD], size_t wl[3])
{
	struct sec_entry e;
	char addr[NAME_PAD];
	unsigned line = t->line;
	size_t i = 1, alen, n_addr = 0;
	bool decided = false, dash = false, ours;
	int rc = 0;

	memset(&e, 0, sizeof e);
	for (; i < 3; i++) {
		if ((rc = sec_token(t, w[i], &wl[i])) < 0)
			return rc;
		if (rc != TOK_WORD)
			return sec_fail(t, line, "fewer than 3 words "
			    "(client server secret)");
	}
	ours = strcmp(w[1], "*") == 0 ||
	    (server_name != NULL && strcmp(w[1], server_name) == 0);
	while ((rc = sec_token(t, addr, &alen)) == TOK_WORD) {
		n_addr++;
		if (strcmp(addr, "-") == 0)
			dash = true;
		else if ((rc = sec_address(t, line, addr, &e, &decided)) != 0)
			break;
	}
	explicit_bzero(addr, sizeof addr);
	if (rc < 0)
		return rc;
	if (dash && n_addr > 1)
		return sec_fail(t, line, "'-' with other addresses");
	if (!ours)
		return 0;
	if ((rc = sec_grow(s)) != 0)
		return sec_fail(t, line, "out of memory");
	e.wildcard = strcmp(w[0], "*") == 0;
	e.no_addr = dash;
	e.name = sec_store(s, w[0], wl[0]);
	e.secret = sec_store(s, w[2], wl[2]);
	e.secret_len = wl[2];
	s->e[s->n++] = e;
	return 1;
}

/* Parse a chap-secrets text (see secrets.h). */
struct secrets *
secrets_parse(const uint8_t *text, size_t len, const char *fname,
    const char *server_name, char *err, size_t errlen)
{
	struct sec_tok t = {
		.in = bcur_make(text, len), .line = 1,
		.fname = fname != NULL ? fname : "secrets",
		.err = err, .errlen = errlen
	};
	struct secrets *s;
	char w[3][NAME_PAD];
	size_t wl[3];
	int rc;

	if (errlen > 0)
		err[0] = '\0';
	if (len > SECRETS_MAX_FILE) {
		(void)sec_fail(&t, 0, "larger than %d octets",
		    SECRETS_MAX_FILE);
		return NULL;
	}
	if ((s = calloc(1, sizeof *s)) == NULL ||
	    (s->arena = malloc(2 * len + 2)) == NULL) {
		(void)sec_fail(&t, 0, "out of memory");
		free(s);
		return NULL;
	}
	s->arena_cap = 2 * len + 2;
	/* Every stored word comes from at least one octet, + its NUL. */
	while ((rc = sec_token(&t, w[0], &wl[0])) != TOK_EOF) {
		if (rc < 0)
			break;
		if (rc == TOK_EOL)
			continue;
		if ((rc = sec_entry(&t, s, server_name, w, wl)) < 0)
			break;
	}
	explicit_bzero(w, sizeof w);
	if (rc < 0) {
		secrets_free(s);
		return NULL;
	}
	return s;
}

/* Entries that can log in. */
size_t
secrets_count(const struct secrets *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		if (!s->e[i].no_addr)
			n++;
	return n;
}

/* The entry of @user (see secrets.h). */
int
secrets_lookup(const struct secrets *s, const char *user,
    struct ppp_secret *out)
{
	char ubuf[NAME_PAD], ebuf[NAME_PAD];
	const struct sec_entry *e, *exact = NULL, *wild = NULL;
	size_t i, ulen;
	bool eq;

	memset(out, 0, sizeof *out);
	memset(ubuf, 0, sizeof ubuf);
	ulen = strnlen(user, sizeof ubuf);
	if (ulen < sizeof ubuf)
		memcpy(ubuf, user, ulen);
	for (i = 0; i < s->n; i++) {
		e = &s->e[i];
		memset(ebuf, 0, sizeof ebuf);
		memcpy(ebuf, s->arena + e->name, strlen(s->arena + e->name));
		/* Every entry, the whole width: no early exit on a name. */
		eq = crypto_memeq(ebuf, ubuf, sizeof ebuf) &&
		    ulen < sizeof ubuf;
		if (!e->wildcard && eq && exact == NULL)
			exact = e;
		if (e->wildcard && wild == NULL)
			wild = e;
	}
	explicit_bzero(ebuf, sizeof ebuf);
	explicit_bzero(ubuf, sizeof ubuf);
	if ((e = exact != NULL ? exact : wild) == NULL || e->no_addr)
		return -ENOENT;
	memcpy(out->secret, s->arena + e->secret, e->secret_len + 1);
	out->len = e->secret_len;
	out->addr4 = e->addr4;
	return 0;
}

/* Wipe and free. */
void
secrets_free(struct secrets *s)
{
	if (s == NULL)
		return;
	if (s->arena != NULL) {
		explicit_bzero(s->arena, s->arena_cap);
		free(s->arena);
	}
	if (s->e != NULL) {
		explicit_bzero(s->e, s->cap * sizeof *s->e);
		free(s->e);
	}
	explicit_bzero(s, sizeof *s);
	free(s);
}
