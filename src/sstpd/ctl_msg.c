/*
 * ctl_msg.c - the control socket's text (control.h), pure: the request
 * line the daemon parses, and the --list lines it sends.
 *
 * Request (one line, the LF not included):
 *	list
 *	disconnect ID		ID: 1 to 16 hex digits (kept in lower case)
 * Nothing else: no blanks around the words, no CR, no other byte.
 *
 * A --list answer is a header line (ctl_msg_format with no session), one
 * line per session, and "ok".  Every field is one word: bytes outside
 * 0x21..0x7E (user names come from the peer) become '?', an empty field
 * is '-', so a line can be cut at its blanks again.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sstpd/control.h"
#include "util/buf.h"
#include "util/ctype.h"

#define CTL_ID_MAX	16

/* The columns: the header and the session lines use the same widths. */
#define CTL_COLS	"%-16s %-20s %-28s %-15s %-8s %8s %12s %12s\n"

/* Record an error for ctl_msg_parse. */
static int
bad(char *err, size_t errlen, const char *why)
{
	if (errlen > 0)
		(void)snprintf(err, errlen, "%s", why);
	return -EBADMSG;
}

/* Parse one request line (control.h). */
int
ctl_msg_parse(const uint8_t *line, size_t len, struct ctl_req *req,
    char *err, size_t errlen)
{
	static const char list[] = "list", disc[] = "disconnect ";
	struct bcur c = bcur_make(line, len);
	size_t n = 0;
	uint8_t b;

	memset(req, 0, sizeof *req);
	if (errlen > 0)
		err[0] = '\0';
	if (len > CTL_LINE_MAX)
		return bad(err, errlen, "request too long");
	if (bcur_left(&c) == sizeof list - 1 &&
	    bcur_starts_with(&c, list, sizeof list - 1)) {
		req->cmd = CTL_LIST;
		return 0;
	}
	if (!bcur_starts_with(&c, disc, sizeof disc - 1))
		return bad(err, errlen, "unknown request (want 'list' or "
		    "'disconnect ID')");
	(void)bcur_skip(&c, sizeof disc - 1);
	if (bcur_left(&c) == 0 || bcur_left(&c) > CTL_ID_MAX)
		return bad(err, errlen, "bad session id (1 to 16 hex digits)");
	while (bcur_get_u8(&c, &b) == 0) {
		if (hex_val(b) < 0) {
			memset(req, 0, sizeof *req);
			return bad(err, errlen, "bad session id (1 to 16 hex "
			    "digits)");
		}
		req->id[n++] = (char)to_lower(b);
	}
	req->id[n] = '\0';
	req->cmd = CTL_DISCONNECT;
	return 0;
}

/*
 * A field of a session as one word: at most cap - 1 bytes of src (which
 * need not be NUL-terminated within srclen), '?' for bytes outside
 * 0x21..0x7E, "-" when empty.
 */
static void
word(char *out, size_t cap, const char *src, size_t srclen)
{
	struct bcur c = bcur_make(src, strnlen(src, srclen));
	size_t n = 0;
	uint8_t b;

	while (n + 1 < cap && bcur_get_u8(&c, &b) == 0)
		out[n++] = is_print(b) && b != ' ' ? (char)b : '?';
	if (n == 0 && cap > 1)
		out[n++] = '-';
	out[n] = '\0';
}

/*
 * One --list line of s into buf (NUL-terminated, LF-ended): its length,
 * or -ENOSPC (buf then holds ""). With s NULL: the header line.
 */
int
ctl_msg_format(const struct ctl_session *s, char *buf, size_t len)
{
	char id[sizeof s->id + 1], user[sizeof s->user + 1];
	char client[sizeof s->client + 1], assigned[sizeof s->assigned + 1];
	char state[sizeof s->state + 1], age[24], in[24], out[24];
	int r;

	if (s == NULL)
		r = snprintf(buf, len, CTL_COLS, "ID", "USER", "CLIENT",
		    "ADDRESS", "STATE", "AGE", "BYTES-IN", "BYTES-OUT");
	else {
		word(id, sizeof id, s->id, sizeof s->id);
		word(user, sizeof user, s->user, sizeof s->user);
		word(client, sizeof client, s->client, sizeof s->client);
		word(assigned, sizeof assigned, s->assigned,
		    sizeof s->assigned);
		word(state, sizeof state, s->state, sizeof s->state);
		(void)snprintf(age, sizeof age, "%" PRIu64 "s", s->age_s);
		(void)snprintf(in, sizeof in, "%" PRIu64, s->bytes_in);
		(void)snprintf(out, sizeof out, "%" PRIu64, s->bytes_out);
		r = snprintf(buf, len, CTL_COLS, id, user, client, assigned,
		    state, age, in, out);
	}
	if (r < 0 || (size_t)r >= len) {
		if (len > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return r;
}
