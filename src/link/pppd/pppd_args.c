/*
 * pppd_args.c - pppd's argv for launch mode and the password option line
 * (see pppd_args.h for the argv layout and the nodetach rule).
 *
 * Password quoting.  pppd reads an option file word by word (options.c
 * getword()): a word ends at white space or '#' (which starts a comment)
 * unless quoted; "..." or '...' quote; a backslash escapes the next
 * character anywhere, with C-like meanings for a b f n r s t, \ooo (up to
 * three octal digits) and \xhh, and a backslash-newline is dropped.  So the
 * password is written as one double-quoted word in which
 *   - '\' and '"' are backslash-escaped,
 *   - every control character (0x01..0x1F, 0x7F; newline included) is
 *     written as a three-digit octal escape, so the line stays one line and
 *     a digit after it cannot join the escape,
 *   - everything else, '#', '\'', spaces and UTF-8 octets included, is
 *     copied as is (inside quotes they are ordinary).
 * Only NUL cannot be represented (pppd stores C strings), and pppd cuts a
 * password at MAXSECRETLEN - 1 = 255 octets without a word, so both are
 * refused rather than silently changed.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/ctype.h"
#include "link/pppd/pppd_args.h"

#ifndef SSTPC_PPPD_PATH
#define SSTPC_PPPD_PATH	"/usr/sbin/pppd"
#endif

/* Where building an argv has got to. */
struct pppd_argv {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

/* Append a private copy of s. */
static int
pppd_argv_add(struct pppd_argv *a, const char *s)
{
	/* cap counts the NULL terminator, fixed when the array was sized. */
	if (a->n + 1 >= a->cap)
		return -E2BIG;
	if ((a->v[a->n] = strdup(s)) == NULL)
		return -ENOMEM;
	a->n++;
	return 0;
}

/* Free an argv from pppd_args_build. */
void
pppd_args_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* True if the user's options contain a detach keyword. */
bool
pppd_args_has_detach_choice(const char * const *opts, size_t nopts)
{
	size_t i;

	for (i = 0; i < nopts; i++) {
		if (opts[i] == NULL)
			continue;
		if (strcmp(opts[i], "nodetach") == 0 ||
		    strcmp(opts[i], "-detach") == 0 ||
		    strcmp(opts[i], "updetach") == 0)
			return true;
	}
	return false;
}

/*
 * True if pppd will detach: the last of nodetach / -detach / updetach
 * wins (updetach clears nodetach, and nodetach overrides an earlier
 * updetach); with none of them we add nodetach.
 */
bool
pppd_args_detaches(const char * const *opts, size_t nopts)
{
	bool detach = false;
	size_t i;

	for (i = 0; i < nopts; i++) {
		if (opts[i] == NULL)
			continue;
		if (strcmp(opts[i], "updetach") == 0)
			detach = true;
		else if (strcmp(opts[i], "nodetach") == 0 ||
		    strcmp(opts[i], "-detach") == 0)
			detach = false;
	}
	return detach;
}

/* Check the configuration before allocating anything. */
static int
pppd_args_check(const struct pppd_args_conf *cf)
{
	size_t i;

	if (cf->tty == NULL || cf->tty[0] != '/')
		return -EINVAL;
	if (cf->password_fd < -1 || (cf->password_fd >= 0 &&
	    cf->password_fd <= 2))
		return -EINVAL;
	if ((cf->plugin == NULL) != (cf->sock_path == NULL))
		return -EINVAL;
	if (cf->plugin != NULL && (cf->plugin[0] == '\0' ||
	    cf->sock_path[0] == '\0'))
		return -EINVAL;
	if (cf->user != NULL && cf->user[0] == '\0')
		return -EINVAL;
	if (cf->pppd_path != NULL && cf->pppd_path[0] == '\0')
		return -EINVAL;
	if (cf->nopts > PPPD_ARGS_MAX_OPTS)
		return -E2BIG;
	if (cf->nopts > 0 && cf->opts == NULL)
		return -EINVAL;
	for (i = 0; i < cf->nopts; i++)
		if (cf->opts[i] == NULL)
			return -EINVAL;
	return 0;
}

/* Build pppd's argv; see pppd_args.h. */
int
pppd_args_build(const struct pppd_args_conf *cf, char ***argvp,
    size_t *argcp)
{
	struct pppd_argv a;
	char fdpath[64];
	size_t i;
	int r;

	*argvp = NULL;
	if ((r = pppd_args_check(cf)) != 0)
		return r;
	/* pppd tty nodetach user U file F plugin P sstp-sock S opts NULL */
	a.cap = 11 + cf->nopts + 1;
	a.n = 0;
	if ((a.v = calloc(a.cap, sizeof *a.v)) == NULL)
		return -ENOMEM;
	if ((r = pppd_argv_add(&a, cf->pppd_path != NULL ? cf->pppd_path :
	    SSTPC_PPPD_PATH)) != 0 ||
	    (r = pppd_argv_add(&a, cf->tty)) != 0)
		goto fail;
	if (!pppd_args_has_detach_choice(cf->opts, cf->nopts) &&
	    (r = pppd_argv_add(&a, "nodetach")) != 0)
		goto fail;
	if (cf->user != NULL &&
	    ((r = pppd_argv_add(&a, "user")) != 0 ||
	    (r = pppd_argv_add(&a, cf->user)) != 0))
		goto fail;
	if (cf->password_fd >= 0) {
		if ((size_t)snprintf(fdpath, sizeof fdpath, "%s/%d",
		    cf->fd_dir != NULL ? cf->fd_dir : "/dev/fd",
		    cf->password_fd) >= sizeof fdpath) {
			r = -EINVAL;
			goto fail;
		}
		if ((r = pppd_argv_add(&a, "file")) != 0 ||
		    (r = pppd_argv_add(&a, fdpath)) != 0)
			goto fail;
	}
	if (cf->plugin != NULL &&
	    ((r = pppd_argv_add(&a, "plugin")) != 0 ||
	    (r = pppd_argv_add(&a, cf->plugin)) != 0 ||
	    (r = pppd_argv_add(&a, "sstp-sock")) != 0 ||
	    (r = pppd_argv_add(&a, cf->sock_path)) != 0))
		goto fail;
	for (i = 0; i < cf->nopts; i++)
		if ((r = pppd_argv_add(&a, cf->opts[i])) != 0)
			goto fail;
	a.v[a.n] = NULL;
	*argvp = a.v;
	if (argcp != NULL)
		*argcp = a.n;
	return 0;
fail:
	pppd_args_free(a.v);
	return r;
}

/* Append pppd's password option line; see pppd_args.h. */
int
pppd_password_line(struct wbuf *w, const char *pw, size_t len)
{
	size_t start, i;
	uint8_t c;

	if (wbuf_error(w) != 0)
		return wbuf_error(w);
	if ((pw == NULL && len > 0) ||
	    (len > 0 && memchr(pw, '\0', len) != NULL))
		return -EINVAL;
	if (len > PPPD_PASSWORD_MAX)
		return -E2BIG;
	start = w->len;
	wbuf_put_str(w, "password \"");
	for (i = 0; i < len; i++) {
		c = (uint8_t)pw[i];
		if (c == '\\' || c == '"') {
			wbuf_put_u8(w, '\\');
			wbuf_put_u8(w, c);
		} else if (is_ctl(c)) {
			wbuf_put_u8(w, '\\');
			wbuf_put_u8(w, (uint8_t)('0' + (c >> 6)));
			wbuf_put_u8(w, (uint8_t)('0' + ((c >> 3) & 7)));
			wbuf_put_u8(w, (uint8_t)('0' + (c & 7)));
		} else
			wbuf_put_u8(w, c);
	}
	wbuf_put_str(w, "\"\n");
	if (wbuf_error(w) != 0) {
		/* Leave no part of the password behind. */
		explicit_bzero(w->p + start, w->len - start);
		w->len = start;
	}
	return wbuf_error(w);
}
