/*
 * pppd_args.h - pppd's argv for launch mode, and the option-file line that
 * hands pppd the password.  Pure: no I/O, no globals.
 *
 * The argv is (REFERENCE-CLIENT.md 1.4, with 1.0.18's bugs fixed):
 *
 *   <pppd> <tty> [nodetach] [user <name>] [file /dev/fd/<N>]
 *       [plugin <plugin> sstp-sock <sock>] <user options verbatim...>
 *
 *  - argv[0] is pppd's own path (1.0.18 passed &args[1], so pppd saw the
 *    tty as its argv[0] and never got a device).
 *  - The pty slave is named explicitly as pppd's device; no speed is given
 *    (it means nothing on a pty).
 *  - nodetach is added so that the pid we fork stays pppd's pid for the
 *    session's life, unless the user's options already choose: any of
 *    "nodetach", "-detach" or "updetach" among them leaves the choice to
 *    the user (pppd_args_detaches() tells the caller what pppd will do).
 *    The check is by exact word, so an option ARGUMENT spelled like one of
 *    those (e.g. "ipparam updetach") also counts; options hidden in files
 *    (`file', `call', /etc/ppp/options) cannot be seen.
 *  - The user's options come last, so pppd's last-wins rule lets them
 *    override anything we add (e.g. a second `user').
 *  - The array grows with the option count (1.0.18's fixed 20 slots
 *    overflowed past about 10 user options).
 */
#ifndef SSTPC_PPPD_ARGS_H
#define SSTPC_PPPD_ARGS_H

#include <stdbool.h>
#include <stddef.h>

struct wbuf;

/* pppd's MAXSECRETLEN is 256 including the NUL: longer would be cut. */
#define PPPD_PASSWORD_MAX	255
/* Sanity cap on user options (each is one argv word). */
#define PPPD_ARGS_MAX_OPTS	4096

struct pppd_args_conf {
	const char		*pppd_path;	/* NULL: SSTPC_PPPD_PATH */
	const char		*tty;		/* pty slave, absolute path */
	const char		*user;		/* NULL: no "user" option */
	int			 password_fd;	/* >= 3: /dev/fd/N; -1: none */
	const char		*fd_dir;	/* NULL: "/dev/fd"; or e.g.
						 * "/proc/self/fd" where /dev
						 * has no fd link */
	const char		*plugin;	/* NULL: no plugin */
	const char		*sock_path;	/* sstp-sock (with plugin) */
	const char * const	*opts;		/* user's pppd options */
	size_t			 nopts;
};

/*
 * Build a NULL-terminated argv (every string a private copy) into *argvp;
 * *argcp, if not NULL, gets the count.  Returns 0, -EINVAL (no tty or a
 * relative one, password_fd 0..2 or below -1, plugin without sock_path or
 * the reverse, an empty user or path, a NULL option), -E2BIG (more than
 * PPPD_ARGS_MAX_OPTS options) or -ENOMEM.  Free with pppd_args_free().
 */
int	pppd_args_build(const struct pppd_args_conf *, char ***argvp,
	    size_t *argcp);
/* Free an argv from pppd_args_build (NULL is fine). */
void	pppd_args_free(char **argv);
/* True if the user's options make pppd detach (last of the three wins). */
bool	pppd_args_detaches(const char * const *opts, size_t nopts);
/* True if the user's options already settle detaching (see above). */
bool	pppd_args_has_detach_choice(const char * const *opts, size_t nopts);
/*
 * Append `password "<pw>"\n' to w in pppd's option-file syntax (see
 * pppd_args.c for the quoting rules), pw being pw[0..len).  Returns 0, or
 * -EINVAL (a NUL inside: pppd keeps C strings), -E2BIG (over
 * PPPD_PASSWORD_MAX octets: pppd would silently cut it), or the wbuf error.
 * The line holds the secret: the caller wipes the buffer after use.  On
 * error nothing of the password is left in w.
 */
int	pppd_password_line(struct wbuf *w, const char *pw, size_t len);

#endif /* SSTPC_PPPD_ARGS_H */
