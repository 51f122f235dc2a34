/*
 * priv.c - drop root after setup; see priv.h for the decisions.
 *
 * Capabilities: capabilities(7), prctl(2) PR_SET_KEEPCAPS, PR_CAPBSET_DROP,
 * PR_CAP_AMBIENT, PR_SET_NO_NEW_PRIVS; capset(2) through the raw syscall
 * with _LINUX_CAPABILITY_VERSION_3 (two 32-bit words per set).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <linux/capability.h>
#include <linux/securebits.h>

#include "util/ctype.h"
#include "util/log.h"
#include "sys/priv.h"

#define PRIV_FALLBACK_USER	"nobody"
/*
 * getpw*_r/getgr*_r buffers: on the heap, 1 KiB first (glibc's
 * _SC_GETPW_R_SIZE_MAX), doubled on ERANGE up to 1 MiB (a group with
 * thousands of members).  A 16 KiB stack array cost 4 resident stack pages
 * for the whole run: -fstack-clash-protection probes every page of it.
 */
#define PRIV_PWBUF_FIRST	1024
#define PRIV_PWBUF_MAX		(1024 * 1024)

/* The ids to switch to and where they came from (for messages). */
struct priv_ids {
	uid_t		 uid;
	gid_t		 gid;
	char		 user[64];
	char		 group[64];
};

/* An all-digit string as an id; false if not a plain number. */
static bool
priv_numeric(const char *s, unsigned long *out)
{
	char *end;

	if (!is_digit((uint8_t)s[0]))
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *out < (unsigned long)UINT32_MAX;
}

/*
 * Grow *buf (*len bytes, wiped) to twice its size after ERANGE: 0, -ERANGE
 * past PRIV_PWBUF_MAX, -ENOMEM.  *buf NULL, *len 0 on the first call.
 */
static int
priv_pwbuf_grow(char **buf, size_t *len, size_t first)
{
	size_t n = *len == 0 ? (first > 0 ? first : PRIV_PWBUF_FIRST) :
	    *len * 2;

	if (*buf != NULL)
		explicit_bzero(*buf, *len);
	free(*buf);
	*buf = NULL;
	*len = 0;
	if (n > PRIV_PWBUF_MAX)
		return -ERANGE;
	if ((*buf = malloc(n)) == NULL)
		return -ENOMEM;
	*len = n;
	return 0;
}

/* Wipe and free a priv_pwbuf_grow() buffer. */
static void
priv_pwbuf_free(char *buf, size_t len)
{
	if (buf != NULL)
		explicit_bzero(buf, len);
	free(buf);
}

/*
 * getpwnam_r (byuid false) or getpwuid_r into *pw with a buffer grown as
 * needed (first: its first size, 0 the default); *buf is the caller's to
 * free.  Returns 0 (*res NULL: no such entry) or -errno.
 */
static int
priv_getpw(const char *name, uid_t uid, bool byuid, size_t first,
    struct passwd *pw, char **buf, size_t *len, struct passwd **res)
{
	int r;

	for (;;) {
		*res = NULL;
		if ((r = priv_pwbuf_grow(buf, len, first)) != 0)
			return r;
		r = byuid ? getpwuid_r(uid, pw, *buf, *len, res) :
		    getpwnam_r(name, pw, *buf, *len, res);
		if (r != ERANGE)
			return -r;
	}
}

/*
 * Look up user: 0 with uid and primary gid (*has_gid false for a bare
 * number without a passwd entry), -ENOENT if unknown, other -errno.
 * first: the first buffer size (0: PRIV_PWBUF_FIRST).
 */
static int
priv_lookup_user(const char *user, size_t first, uid_t *uid, gid_t *gid,
    bool *has_gid)
{
	struct passwd pw, *res = NULL;
	unsigned long n;
	char *buf = NULL;
	size_t len = 0;
	int r;

	*has_gid = false;
	r = priv_getpw(user, 0, false, first, &pw, &buf, &len, &res);
	if (r == 0 && res == NULL && priv_numeric(user, &n)) {
		*uid = (uid_t)n;
		priv_pwbuf_free(buf, len);
		buf = NULL;
		len = 0;
		r = priv_getpw(NULL, (uid_t)n, true, first, &pw, &buf, &len,
		    &res);
		if (r == 0 && res != NULL) {
			*gid = res->pw_gid;
			*has_gid = true;
		}
		/* pw_passwd may hold a hash on odd systems: do not leave it. */
		priv_pwbuf_free(buf, len);
		return 0;	/* a bare number: no entry is fine */
	}
	if (r == 0 && res != NULL) {
		*uid = res->pw_uid;
		*gid = res->pw_gid;
		*has_gid = true;
	}
	priv_pwbuf_free(buf, len);
	if (r != 0)
		return r;
	return *has_gid ? 0 : -ENOENT;
}

/*
 * Look up group: 0, -ENOENT if unknown, other -errno.  first: the first
 * buffer size (0: PRIV_PWBUF_FIRST).
 */
static int
priv_lookup_group(const char *group, size_t first, gid_t *gid)
{
	struct group gr, *res = NULL;
	unsigned long n;
	char *buf = NULL;
	size_t len = 0;
	int r;

	do {
		res = NULL;
		if ((r = priv_pwbuf_grow(&buf, &len, first)) != 0)
			return r;
		r = getgrnam_r(group, &gr, buf, len, &res);
	} while (r == ERANGE);
	if (r == 0 && res != NULL)
		*gid = res->gr_gid;
	priv_pwbuf_free(buf, len);
	if (r == 0 && res == NULL && priv_numeric(group, &n))
		*gid = (gid_t)n;
	else if (r != 0 || res == NULL)
		return r != 0 ? -r : -ENOENT;
	return 0;
}

/* priv.h; the lookups alone, for tests/unit/sys/test_priv.c. */
int
priv_lookup(const char *user, const char *group, size_t first, uid_t *uid,
    gid_t *gid)
{
	bool has_gid;
	int r;

	if (user != NULL) {
		r = priv_lookup_user(user, first, uid, gid, &has_gid);
		if (r == 0 && !has_gid)
			r = -ENOENT;
		return r;
	}
	return priv_lookup_group(group, first, gid);
}

/*
 * Resolve user and group into *ids with the default/explicit rules of
 * priv.h.  Returns 0, PRIV_KEPT_ROOT, or a negative errno with err set.
 */
static int
priv_resolve(const char *user, const char *group, unsigned int flags,
    struct priv_ids *ids, char *err, size_t errlen)
{
	bool has_gid;
	int r;

	if (user == NULL || user[0] == '\0') {
		snprintf(err, errlen, "no unprivileged user given");
		return -EINVAL;
	}
	r = priv_lookup_user(user, 0, &ids->uid, &ids->gid, &has_gid);
	if (r == -ENOENT && (flags & PRIV_USER_IS_DEFAULT)) {
		const char *dflt = user;

		log_warn("privileges: default user '%s' does not exist; using "
		    "'%s' (create '%s' or give --priv-user)", user,
		    PRIV_FALLBACK_USER, user);
		user = PRIV_FALLBACK_USER;
		if ((flags & PRIV_GROUP_IS_DEFAULT))
			group = NULL;	/* nobody's own group */
		r = priv_lookup_user(user, 0, &ids->uid, &ids->gid, &has_gid);
		if (r == -ENOENT && (flags & PRIV_ALLOW_ROOT)) {
			log_err("privileges: neither the default user nor "
			    "'%s' exists: STILL RUNNING AS ROOT "
			    "(--allow-root)", PRIV_FALLBACK_USER);
			return PRIV_KEPT_ROOT;
		}
		if (r == -ENOENT) {
			/* Fail closed: never parse network input as root. */
			snprintf(err, errlen, "neither the default user '%s' "
			    "nor '%s' exists: refusing to run as root (create "
			    "'%s', give --priv-user, or --allow-root)", dflt,
			    PRIV_FALLBACK_USER, dflt);
			return -ENOENT;
		}
	}
	if (r != 0) {
		snprintf(err, errlen, "unknown user '%s'%s%s", user,
		    r == -ENOENT ? "" : ": ", r == -ENOENT ? "" :
		    strerror(-r));
		return r;
	}
	snprintf(ids->user, sizeof ids->user, "%s", user);
	if (group != NULL && group[0] != '\0') {
		r = priv_lookup_group(group, 0, &ids->gid);
		if (r == -ENOENT && (flags & PRIV_GROUP_IS_DEFAULT) &&
		    has_gid) {
			log_warn("privileges: default group '%s' does not "
			    "exist; using the primary group of '%s'", group,
			    user);
			group = NULL;
			r = 0;
		} else if (r != 0) {
			snprintf(err, errlen, "unknown group '%s'", group);
			return r;
		}
		has_gid = true;
	}
	if (!has_gid) {
		snprintf(err, errlen, "user '%s' has no passwd entry: give "
		    "--priv-group", user);
		return -ENOENT;
	}
	snprintf(ids->group, sizeof ids->group, "%s", group != NULL ? group :
	    "(primary)");
	if (ids->uid == 0 || ids->gid == 0) {
		snprintf(err, errlen, "user '%s' / group '%s' is root: not a "
		    "privilege drop", ids->user, ids->group);
		return -EINVAL;
	}
	return 0;
}

/* chdir to dir (NULL: "/"), creating it 0700 root-owned if missing. */
static int
priv_chdir(const char *dir, char *err, size_t errlen)
{
	if (dir == NULL || dir[0] == '\0')
		dir = "/";
	if (dir[0] != '/') {
		snprintf(err, errlen, "--priv-dir must be absolute: %s", dir);
		return -EINVAL;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir,
		    strerror(errno));
		return -errno;
	}
	if (chdir(dir) < 0) {
		snprintf(err, errlen, "cannot chdir to %s: %s", dir,
		    strerror(errno));
		return -errno;
	}
	return 0;
}

/* capget/capset (no libc wrapper without libcap). */
static int
priv_capget(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};

	memset(d, 0, 2 * sizeof d[0]);
	return syscall(SYS_capget, &h, d) == 0 ? 0 : -errno;
}

static int
priv_capset(const struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};

	return syscall(SYS_capset, &h, d) == 0 ? 0 : -errno;
}

/* The 64-bit capability mask of one set, from the two 32-bit words. */
static uint64_t
priv_capmask(const struct __user_cap_data_struct d[2], int which)
{
	uint32_t lo, hi;

	switch (which) {
	case 0:
		lo = d[0].effective;
		hi = d[1].effective;
		break;
	case 1:
		lo = d[0].permitted;
		hi = d[1].permitted;
		break;
	default:
		lo = d[0].inheritable;
		hi = d[1].inheritable;
		break;
	}
	return (uint64_t)hi << 32 | lo;
}

/*
 * Reduce the bounding set to keep (a mask) and clear the ambient set.
 * Best effort (old kernels, containers without CAP_SETPCAP): NO_NEW_PRIVS
 * already prevents regaining anything through exec.
 */
static void
priv_limit_caps(uint64_t keep)
{
	int cap;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		log_debug("privileges: ambient capabilities: %s",
		    strerror(errno));
	for (cap = 0; cap < 64; cap++) {
		if (keep & ((uint64_t)1 << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno != EINVAL)
				log_debug("privileges: bounding set: %s",
				    strerror(errno));
			break;		/* EINVAL: past the last capability */
		}
	}
}

/* Check that the drop stuck and root cannot be regained. */
static int
priv_verify(const struct priv_ids *ids, uint64_t keep, char *err,
    size_t errlen)
{
	struct __user_cap_data_struct d[2];
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	int r;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 ||
	    ru != ids->uid || eu != ids->uid || su != ids->uid ||
	    rg != ids->gid || eg != ids->gid || sg != ids->gid) {
		snprintf(err, errlen, "ids did not change");
		return -EPERM;
	}
	if (getgroups(0, NULL) != 0) {
		snprintf(err, errlen, "supplementary groups remain");
		return -EPERM;
	}
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 ||
	    setegid(0) == 0) {
		snprintf(err, errlen, "root could be regained after the drop");
		return -EPERM;
	}
	if ((r = priv_capget(d)) != 0) {
		snprintf(err, errlen, "capget: %s", strerror(-r));
		return r;
	}
	if (priv_capmask(d, 0) != keep || priv_capmask(d, 1) != keep ||
	    priv_capmask(d, 2) != 0) {
		snprintf(err, errlen, "unexpected capabilities remain "
		    "(permitted %#llx)",
		    (unsigned long long)priv_capmask(d, 1));
		return -EPERM;
	}
	return 0;
}

/*
 * Can this process switch users?  setgroups/setresgid need CAP_SETGID,
 * setresuid CAP_SETUID, in the permitted set (capabilities(7)): a
 * container started with CAP_NET_ADMIN alone has neither.
 */
static bool
priv_can_switch(void)
{
	struct __user_cap_data_struct d[2];
	uint64_t need = (uint64_t)1 << CAP_SETUID | (uint64_t)1 << CAP_SETGID;

	if (priv_capget(d) != 0)
		return true;	/* unknown: try, and fail closed below */
	return (priv_capmask(d, 1) & need) == need;
}

/*
 * --allow-root without CAP_SETUID/CAP_SETGID: stay uid 0 but give up every
 * capability (capabilities(7)): the bounding set as far as allowed (needs
 * CAP_SETPCAP), SECBIT_NOROOT locked if settable (same), ambient cleared,
 * effective/permitted/inheritable emptied by capset (ambient can no longer
 * hold anything), then NO_NEW_PRIVS so no execve gives root's capabilities
 * back.
 */
static int
priv_stay_root(char *err, size_t errlen)
{
	struct __user_cap_data_struct d[2];
	int r;

	priv_limit_caps(0);
	if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED,
	    0, 0, 0) < 0)
		log_debug("privileges: SECBIT_NOROOT: %s", strerror(errno));
	memset(d, 0, sizeof d);
	if ((r = priv_capset(d)) != 0) {
		snprintf(err, errlen, "capset: %s", strerror(-r));
		return r;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		snprintf(err, errlen, "prctl: %s", strerror(errno));
		return -errno;
	}
	if ((r = priv_capget(d)) != 0) {
		snprintf(err, errlen, "capget: %s", strerror(-r));
		return r;
	}
	if (priv_capmask(d, 0) != 0 || priv_capmask(d, 1) != 0 ||
	    priv_capmask(d, 2) != 0) {
		snprintf(err, errlen, "capabilities remain (permitted %#llx)",
		    (unsigned long long)priv_capmask(d, 1));
		return -EPERM;
	}
	log_info("privileges: no CAP_SETUID/CAP_SETGID to switch users: "
	    "staying uid 0 with no capabilities (--allow-root)");
	return PRIV_ROOT_NO_CAPS;
}

/* Drop root; see priv.h. */
int
priv_drop(const char *user, const char *group, const char *dir,
    unsigned int flags, char *err, size_t errlen)
{
	struct __user_cap_data_struct d[2];
	struct priv_ids ids;
	uint64_t keep = 0;
	int r;

	if (getuid() != 0 && geteuid() != 0)
		return PRIV_NOT_ROOT;
	memset(&ids, 0, sizeof ids);
	if ((r = priv_resolve(user, group, flags, &ids, err, errlen)) != 0)
		return r;
	if ((r = priv_chdir(dir, err, errlen)) != 0)
		return r;
	if (!priv_can_switch()) {
		if (flags & PRIV_ALLOW_ROOT)
			return priv_stay_root(err, errlen);
		snprintf(err, errlen, "uid 0 lacks CAP_SETUID/CAP_SETGID: "
		    "give them, or --allow-root to stay uid 0 with no "
		    "capabilities");
		return -EPERM;
	}
	if (flags & PRIV_KEEP_NET_ADMIN)
		keep = (uint64_t)1 << CAP_NET_ADMIN;
	priv_limit_caps(keep);

	if (keep != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "PR_SET_KEEPCAPS: %s", strerror(errno));
		return -errno;
	}
	if (setgroups(0, NULL) < 0 ||
	    setresgid(ids.gid, ids.gid, ids.gid) < 0 ||
	    setresuid(ids.uid, ids.uid, ids.uid) < 0) {
		snprintf(err, errlen, "cannot switch to %s/%s: %s", ids.user,
		    ids.group, strerror(errno));
		return -EPERM;
	}
	if (keep != 0) {
		/* KEEPCAPS kept all of permitted: cut to CAP_NET_ADMIN. */
		memset(d, 0, sizeof d);
		d[CAP_TO_INDEX(CAP_NET_ADMIN)].effective =
		    CAP_TO_MASK(CAP_NET_ADMIN);
		d[CAP_TO_INDEX(CAP_NET_ADMIN)].permitted =
		    CAP_TO_MASK(CAP_NET_ADMIN);
		if ((r = priv_capset(d)) != 0) {
			snprintf(err, errlen, "capset: %s", strerror(-r));
			return r;
		}
		if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) {
			snprintf(err, errlen, "PR_SET_KEEPCAPS: %s",
			    strerror(errno));
			return -errno;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		snprintf(err, errlen, "prctl: %s", strerror(errno));
		return -errno;
	}
	if ((r = priv_verify(&ids, keep, err, errlen)) != 0)
		return r;
	log_info("privileges: now uid %ld (%s), gid %ld%s",
	    (long)ids.uid, ids.user, (long)ids.gid,
	    keep != 0 ? ", keeping CAP_NET_ADMIN" : "");
	return 0;
}
