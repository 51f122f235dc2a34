/*
 * priv.h - dropping root after setup (STYLE.md 8.24; REFERENCE-CLIENT.md
 * 1.6, 9 I4).
 *
 * sstpc starts as root to launch pppd, bind the sstp-api socket and add the
 * server route; it must give root up before the first network byte is
 * parsed.  Unlike sstp-client 1.0.18, which only warned on every failure
 * and stayed root (chrooted) for an unknown user, priv_drop() fails closed.
 *
 * Decisions:
 * - Only when running as root (real or effective uid 0); otherwise it does
 *   nothing and returns PRIV_NOT_ROOT.
 * - An explicitly given user or group that does not exist is an error.  The
 *   configure-time DEFAULT user (PRIV_USER_IS_DEFAULT: no --priv-user given)
 *   may be missing on a system that never created it: then sstpc falls back
 *   to "nobody" (and the "nogroup"/"nobody" group) with a warning; if that
 *   is missing too, sstpc refuses to run (-ENOENT: it would parse network
 *   input as root), unless PRIV_ALLOW_ROOT (--allow-root) says to keep
 *   running as root with a loud warning (PRIV_KEPT_ROOT).  A default GROUP that does not exist is replaced by
 *   the user's primary group.  Resolving to uid 0 or gid 0 is an error.
 *   Names that are all digits are used as numeric ids when no such name
 *   exists (containers without the account).
 * - No chroot: OpenSSL loads --ca-path/CRL hash directories and the system
 *   store lazily during the handshake, and DNS reads /etc/resolv.conf; a
 *   chroot breaks both (1.0.18 chrooted after connecting).  The working
 *   directory becomes dir (default "/"); a missing dir is created 0700 owned
 *   by root, so the dropped user can neither write nor plant files in it.
 * - Supplementary groups are cleared, then gid and uid set (real, effective
 *   and saved), then checked: setuid(0) and setgid(0) must fail.
 * - PR_SET_NO_NEW_PRIVS and PR_SET_DUMPABLE 0 (no ptrace by other processes
 *   of the same user; keys stay private).  Ambient capabilities are cleared
 *   and the bounding set is reduced to what is kept.
 * - PRIV_KEEP_NET_ADMIN keeps CAP_NET_ADMIN (permitted and effective, not
 *   inheritable) so the server route can be removed at exit (route.h); no
 *   other capability survives.  Raw capget/capset syscalls, no libcap.
 * - Without CAP_SETUID or CAP_SETGID in the permitted set (a container
 *   with CAP_NET_ADMIN alone) no user switch is possible: without
 *   PRIV_ALLOW_ROOT that is -EPERM (fail closed, the message says what to
 *   do); with it the process stays uid 0 but clears every capability set
 *   (effective, permitted, inheritable, ambient; the bounding set and
 *   SECBIT_NOROOT as far as allowed), sets NO_NEW_PRIVS and returns
 *   PRIV_ROOT_NO_CAPS.  PRIV_KEEP_NET_ADMIN is not honoured then.
 *
 * Call it while single-threaded (capset acts on the calling thread only).
 */
#ifndef SSTPC_PRIV_H
#define SSTPC_PRIV_H

#include <stddef.h>
#include <sys/types.h>

/* priv_drop() flags. */
#define PRIV_KEEP_NET_ADMIN	0x01	/* keep CAP_NET_ADMIN (route cleanup) */
#define PRIV_USER_IS_DEFAULT	0x02	/* user is the configured default */
#define PRIV_GROUP_IS_DEFAULT	0x04	/* group is the configured default */
#define PRIV_ALLOW_ROOT		0x08	/* no default user, no nobody: stay */

/* priv_drop() results besides 0 (dropped) and negative errno. */
#define PRIV_NOT_ROOT		1	/* not root: nothing to do */
#define PRIV_KEPT_ROOT		2	/* no user to switch to, allowed */
#define PRIV_ROOT_NO_CAPS	3	/* uid 0 kept, every capability gone */

/*
 * Drop root to user (and group; NULL: the user's primary group), chdir to
 * dir (NULL: "/").  flags: PRIV_*.  Returns 0 when dropped, PRIV_NOT_ROOT,
 * PRIV_KEPT_ROOT or PRIV_ROOT_NO_CAPS (only with PRIV_ALLOW_ROOT; logged),
 * or a negative errno
 * with a message in err: -ENOENT unknown user/group (or neither the default
 * user nor nobody exists, without PRIV_ALLOW_ROOT), -EINVAL a name resolving to uid/gid 0,
 * -EPERM a set*id/capability call failed or root could be regained.  After
 * a negative return the process state is unknown: the caller must exit.
 */
int	priv_drop(const char *user, const char *group, const char *dir,
	    unsigned int flags, char *err, size_t errlen);

/*
 * The look-ups priv_drop() makes, alone (for tests): user's uid and primary
 * gid, or (user NULL) group's gid; the getpw*_r/getgr*_r buffer starts at
 * first bytes (0: the default, 1 KiB) and doubles on ERANGE up to 1 MiB.
 * Returns 0, -ENOENT (unknown; for a user also a bare number without a
 * passwd entry), -ERANGE past 1 MiB, other -errno.
 */
int	priv_lookup(const char *user, const char *group, size_t first,
	    uid_t *uid, gid_t *gid);

#endif /* SSTPC_PRIV_H */
