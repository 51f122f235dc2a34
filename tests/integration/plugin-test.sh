#!/usr/bin/env bash
# tests/integration/plugin-test.sh - the pppd plugin, the privilege drop and
# the server route, without a PPP link (the qemu tier runs the plugin inside
# a real pppd session).
#
#  plugin-249-*  make builds plugin/sstp-pppd-plugin.la against Debian 12's
#                pppd 2.4.9 headers; nm -D shows exactly plugin_init and
#                pppd_version; the real /usr/sbin/pppd loads it.
#  plugin-25-*   support/ci/pppd25-headers.sh: builds against pppd 2.5.
#  host-*        a fake pppd: a small C host that defines the pppd symbols
#                the plugin imports (2.4.9 globals/notifier lists, or the 2.5
#                functions), dlopens the .so, calls plugin_init, plays "sstpc"
#                on the unix socket in a child, and fires the notifiers:
#                exact AUTH bytes, AUTH once, PAP (no keys), the ip-up
#                fallback, the 3 s ACK timeout, no socket, a bad ACK, pppd's
#                keys left untouched.
#  priv-*        priv_drop() in forked children: ids, groups, capabilities,
#                setuid(0) fails, a root-only action fails, CAP_NET_ADMIN
#                kept on request, unknown explicit user fails closed, absent
#                default user falls back to nobody, neither it nor nobody
#                (a private mount namespace): refused unless --allow-root.
#  rtdir-*       the plugin socket's runtime directory (owner, mode, no
#                symlink), the socket's mode without chmod(), a client
#                whose credentials cannot be read (private namespaces).
#  route-*       tests/unit/sys/test_route.c in its own network namespace.
#
# Environment: BUILD (a configured build dir; default: configure one under
# the work dir), PPPD25_CACHE (pppd 2.5 header cache for pppd25-headers.sh),
# KEEP=1 keeps the work dir.  Needs root for priv-* and route-* (else SKIP).
# Prints "ok"/"FAIL"/"SKIP" lines and "N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sstpc-plugin-test.XXXXXX")
npass=0
nfail=0
nskip=0
failed=()

pass() { npass=$((npass + 1)); echo "ok   $1"; }
fail() { nfail=$((nfail + 1)); failed+=("$1"); echo "FAIL $1${2:+: $2}"; }
skip() { nskip=$((nskip + 1)); echo "SKIP $1${2:+: $2}"; }
cleanup() { [ "${KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"; }
trap cleanup EXIT

# --- build ---------------------------------------------------------------------
build=${BUILD:-}
if [ -z "$build" ]; then
	build=$work/build
	mkdir -p "$build"
	(cd "$build" && "$top/configure" --enable-werror >configure.out 2>&1) ||
		{ tail -20 "$build/configure.out"; fail build configure; }
fi
if make -C "$build" plugin/sstp-pppd-plugin.la libsstpcore.a \
    >"$work/make.out" 2>&1; then
	pass "plugin-249-build (make plugin/sstp-pppd-plugin.la, -Werror)"
else
	tail -30 "$work/make.out"
	fail plugin-249-build "make failed"
fi
so=$build/plugin/.libs/sstp-pppd-plugin.so
# Tests linked with libsstpcore.a take the build's warning and sanitizer flags.
mkvar() { sed -n "s/^$1 = //p" "$build/Makefile" 2>/dev/null; }
cflags="-O2 -g -I$build -I$top/src -I$top/include -I$top/tests/unit
 $(mkvar WARN_CFLAGS) $(mkvar SAN_CFLAGS)"
ver249=$(sed -n 's/^#define VERSION[ 	]*"\(.*\)"/\1/p' \
	/usr/include/pppd/patchlevel.h 2>/dev/null)

# --- exported symbols, real pppd -------------------------------------------------
if [ -f "$so" ]; then
	exp=$(nm -D --defined-only "$so" | awk '{print $2 " " $3}' | sort |
		tr '\n' ',')
	if [ "$exp" = "D pppd_version,T plugin_init," ]; then
		pass "plugin-249-exports (only plugin_init, pppd_version)"
	else
		fail plugin-249-exports "nm -D: $exp"
	fi
	if nm -D --undefined-only "$so" | grep -qw 'fatal'; then
		fail plugin-249-nofatal "the plugin imports fatal()"
	else
		pass "plugin-249-nofatal (never kills pppd)"
	fi
	if [ -x /usr/sbin/pppd ] && [ "$(id -u)" = 0 ]; then
		out=$(timeout 10 /usr/sbin/pppd plugin "$so" sstp-sock \
			"$work/none.sock" dryrun nodetach notty debug 2>&1)
		if echo "$out" | grep -q "Plugin $so loaded" &&
		    ! echo "$out" | grep -qiE 'is for pppd version|unrecognized option'; then
			pass "plugin-249-pppd-loads (pppd $ver249 loads it, sstp-sock accepted)"
		else
			fail plugin-249-pppd-loads "$(echo "$out" | head -3)"
		fi
	else
		skip plugin-249-pppd-loads "needs root and /usr/sbin/pppd"
	fi
else
	fail plugin-249-exports "no $so"
fi

# --- pppd 2.5 --------------------------------------------------------------------
cache=${PPPD25_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sstpc/pppd25}
"$top/support/ci/pppd25-headers.sh" -c "$cache" >"$work/pppd25.out" 2>&1
rc=$?
sed 's/^/  | /' "$work/pppd25.out"
case $rc in
0) pass "plugin-25-build (support/ci/pppd25-headers.sh)" ;;
77) skip plugin-25-build "pppd 2.5 headers not available" ;;
*) fail plugin-25-build "support/ci/pppd25-headers.sh" ;;
esac
inc25=$cache/root/usr/include
so25=
if [ $rc = 0 ]; then
	so25=$work/sstp-pppd-plugin-25.so
	printf '#define _GNU_SOURCE 1\n#define HAVE_EXPLICIT_BZERO 1\n' \
		>"$work/config.h"
	cc -O2 -g -fPIC -shared -fvisibility=hidden -I"$work" -I"$top/src" \
		-I"$top/include" -I"$inc25" -o "$so25" \
		"$top/plugin/sstp-pppd-plugin.c" "$top/src/wire/plugin_msg.c" \
		"$top/src/util/buf.c" 2>"$work/cc25.err" ||
		{ cat "$work/cc25.err"; fail plugin-25-so "build"; so25=; }
fi

# --- the fake pppd host ------------------------------------------------------------
cat >"$work/host.c" <<'EOF'
/* A stand-in for pppd: the symbols the plugin imports, and a driver. */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

typedef void notify_fn(void *, int);
struct host_opt {			/* the leading fields of option_t */
	char		*name;
	int		 type;
	void		*addr;
	char		*description;
	unsigned int	 flags;
};
static struct host_opt *opts;
static char logbuf[8192];
static int nwarn;

static void
host_log(const char *lvl, const char *fmt, va_list ap)
{
	char m[512];

	vsnprintf(m, sizeof m, fmt, ap);
	fprintf(stderr, "  [pppd %s] %s\n", lvl, m);
	strncat(logbuf, m, sizeof logbuf - strlen(logbuf) - 2);
	strcat(logbuf, "\n");
}
#define LOGFN(name) void name(const char *fmt, ...) { va_list ap; \
	va_start(ap, fmt); host_log(#name, fmt, ap); va_end(ap); }
LOGFN(info)
LOGFN(dbglog)
LOGFN(notice)
LOGFN(error)
void warn(const char *fmt, ...) { va_list ap; nwarn++;
	va_start(ap, fmt); host_log("warn", fmt, ap); va_end(ap); }
void fatal(const char *fmt, ...) { (void)fmt; abort(); }

static unsigned char ks[32], kr[32];
static int klen;

#ifndef HOST25
struct notifier { struct notifier *next; notify_fn *func; void *arg; };
struct notifier *auth_up_notifier, *ip_up_notifier, *ipv6_up_notifier,
    *link_down_notifier;
unsigned char mppe_send_key[16], mppe_recv_key[16];
int mppe_keys_set;
void add_options(void *o) { opts = o; }
void
add_notifier(struct notifier **l, notify_fn *f, void *a)
{
	struct notifier *n = calloc(1, sizeof *n);
	n->func = f; n->arg = a; n->next = *l; *l = n;
}
static void fire(struct notifier *l) { for (; l; l = l->next) l->func(l->arg, 0); }
#define FIRE_AUTH()	fire(auth_up_notifier)
#define FIRE_IP()	fire(ip_up_notifier)
#define FIRE_DOWN()	fire(link_down_notifier)
static void
set_keys(int n)
{
	klen = n > 16 ? 16 : n;
	memcpy(mppe_send_key, ks, sizeof mppe_send_key);
	memcpy(mppe_recv_key, kr, sizeof mppe_recv_key);
	mppe_keys_set = n > 0;
}
static bool
keys_intact(void)
{
	return memcmp(mppe_send_key, ks, 16) == 0 &&
	    memcmp(mppe_recv_key, kr, 16) == 0;
}
#else
enum { NF_PID_CHANGE, NF_PHASE_CHANGE, NF_EXIT, NF_SIGNALED, NF_IP_UP,
    NF_IP_DOWN, NF_IPV6_UP, NF_IPV6_DOWN, NF_AUTH_UP, NF_LINK_DOWN, NF_FORK,
    NF_MAX };
static struct { notify_fn *f; void *a; } nf[NF_MAX][4];
void ppp_add_options(void *o) { opts = o; }
void
ppp_add_notify(int t, notify_fn *f, void *a)
{
	int i;
	for (i = 0; i < 4 && nf[t][i].f != NULL; i++)
		;
	if (i < 4) { nf[t][i].f = f; nf[t][i].a = a; }
}
static void fire(int t) { int i; for (i = 0; i < 4 && nf[t][i].f; i++) nf[t][i].f(nf[t][i].a, 0); }
#define FIRE_AUTH()	fire(NF_AUTH_UP)
#define FIRE_IP()	fire(NF_IP_UP)
#define FIRE_DOWN()	fire(NF_LINK_DOWN)
static unsigned char p_s[32], p_r[32];
bool mppe_keys_isset(void) { return klen > 0; }
int
mppe_get_send_key(unsigned char *k, int len)
{
	if (len > klen) len = klen;
	memcpy(k, p_s, len);
	return len;
}
int
mppe_get_recv_key(unsigned char *k, int len)
{
	if (len > klen) len = klen;
	memcpy(k, p_r, len);
	return len;
}
static void set_keys(int n) { klen = n; memcpy(p_s, ks, 32); memcpy(p_r, kr, 32); }
static bool keys_intact(void) { return memcmp(p_s, ks, 32) == 0 && memcmp(p_r, kr, 32) == 0; }
#endif

enum { SRV_ACK, SRV_NOACK, SRV_BADACK };

/* "sstpc": accept, read each whole message, report it on fd, answer. */
static pid_t
serve(const char *path, int mode, int rep)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	unsigned char m[1100], ack[8] = { 0x70, 0x74, 0x73, 0x73, 0, 0, 3, 0 };
	int ls, c, r;
	pid_t pid;
	size_t got, want;

	unlink(path);
	strncpy(sun.sun_path, path, sizeof sun.sun_path - 1);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (void *)&sun, sizeof sun) < 0 || listen(ls, 4) < 0)
		return -1;
	if ((pid = fork()) != 0) {
		close(ls);
		return pid;
	}
	alarm(20);
	if (mode == SRV_BADACK)
		ack[6] = 1;	/* right magic, but AUTH instead of ACK */
	for (;;) {
		if ((c = accept(ls, NULL, NULL)) < 0)
			_exit(1);
		for (got = 0, want = 8; got < want; got += (size_t)r) {
			r = read(c, m + got, want - got);
			if (r <= 0)
				break;
			if (got + r >= 8 && want == 8)
				want = 8 + (m[4] | m[5] << 8);
		}
		if (write(rep, &got, sizeof got) < 0 || write(rep, m, got) < 0)
			_exit(1);
		if (mode == SRV_NOACK)
			sleep(6);
		else if (write(c, ack, sizeof ack) < 0)
			_exit(1);
		close(c);
	}
}

/* Messages the server reported within ms: count, last one in m/len. */
static int
collect(int rep, unsigned char *m, size_t *len, int ms)
{
	struct pollfd p = { .fd = rep, .events = POLLIN };
	int n = 0;

	while (poll(&p, 1, ms) > 0) {
		if (read(rep, len, sizeof *len) != sizeof *len ||
		    read(rep, m, *len) != (ssize_t)*len)
			break;
		n++;
		ms = 200;
	}
	return n;
}

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int npass, nfail;
#define CHECK(name, cond, ...) do { if (cond) { npass++; printf("ok   host-%s: %s\n", API, name); } \
	else { nfail++; printf("FAIL host-%s: %s: ", API, name); printf(__VA_ARGS__); printf("\n"); } } while (0)
#ifdef HOST25
#define API "25"
#else
#define API "249"
#endif

int
main(int argc, char **argv)
{
	const char *so = argv[1], *want_ver = argv[2];
	char path[108], expect_hdr[] = { 0x70, 0x74, 0x73, 0x73 };
	unsigned char m[1100], exp[200];
	size_t len, elen, kl;
	int (*init)(void), p[2], n, w0, i;
	const char *ver;
	void *h;
	pid_t srv;
	double t;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < 32; i++) {
		ks[i] = (unsigned char)(0xa0 + i);
		kr[i] = (unsigned char)(0x10 + i);
	}
	snprintf(path, sizeof path, "%s", argv[3]);
	h = dlopen(so, RTLD_NOW | RTLD_GLOBAL);
	CHECK("dlopen", h != NULL, "%s", dlerror());
	if (h == NULL)
		return 1;
	ver = dlsym(h, "pppd_version");
	init = (int (*)(void))dlsym(h, "plugin_init");
	CHECK("pppd_version", ver != NULL && strcmp(ver, want_ver) == 0,
	    "\"%s\" != \"%s\"", ver ? ver : "(null)", want_ver);
	CHECK("plugin_init", init != NULL && init() == 0, "failed");
	CHECK("option table", opts != NULL && opts[0].name != NULL &&
	    strcmp(opts[0].name, "sstp-sock") == 0 && opts[0].type == 5 &&
	    (opts[0].flags & 0x1000) && opts[1].name == NULL,
	    "want one o_string OPT_PRIV option sstp-sock");
	if (opts == NULL)
		return 1;

	/* No sstp-sock option: a warning, no hang. */
	set_keys(16);
	w0 = nwarn;
	FIRE_AUTH();
	CHECK("no sstp-sock warns", nwarn == w0 + 1 &&
	    strstr(logbuf, "no sstp-sock") != NULL, "log: %s", logbuf);
	FIRE_DOWN();

	*(char **)opts[0].addr = path;	/* as pppd's option parser does */
	if (pipe(p) < 0 || (srv = serve(path, SRV_ACK, p[1])) < 0)
		return 1;

	/* Keys at auth-up: the exact bytes, once, keys untouched. */
#ifdef HOST25
	kl = 32;
#else
	kl = 16;
#endif
	set_keys((int)kl);
	elen = 0;
	memcpy(exp, expect_hdr, 4);
	exp[4] = (unsigned char)(2 * (4 + kl)); exp[5] = 0; exp[6] = 1; exp[7] = 0;
	elen = 8;
	exp[elen++] = 1; exp[elen++] = 0; exp[elen++] = (unsigned char)kl; exp[elen++] = 0;
	memcpy(exp + elen, ks, kl); elen += kl;
	exp[elen++] = 2; exp[elen++] = 0; exp[elen++] = (unsigned char)kl; exp[elen++] = 0;
	memcpy(exp + elen, kr, kl); elen += kl;
	w0 = nwarn;
	t = now();
	FIRE_AUTH();
	t = now() - t;
	n = collect(p[0], m, &len, 1000);
	CHECK("auth-up sends the keys", n == 1 && len == elen &&
	    memcmp(m, exp, elen) == 0 && nwarn == w0,
	    "n=%d len=%zu want %zu, warnings %d", n, len, elen, nwarn - w0);
	CHECK("ACK returns at once", t < 1.0, "%.2f s", t);
	CHECK("pppd's keys untouched", keys_intact(), "keys changed");
	FIRE_IP();
	n = collect(p[0], m, &len, 500);
	CHECK("AUTH exactly once (ip-up after auth-up)", n == 0, "n=%d", n);

	/* New link, no auth-up, no keys (PAP): fallback at ip-up, header only. */
	FIRE_DOWN();
	set_keys(0);
	w0 = nwarn;
	FIRE_IP();
	n = collect(p[0], m, &len, 1000);
	exp[4] = 0;
	CHECK("ip-up fallback, PAP: bare AUTH", n == 1 && len == 8 &&
	    memcmp(m, exp, 4) == 0 && m[4] == 0 && m[5] == 0 && m[6] == 1 &&
	    m[7] == 0, "n=%d len=%zu", n, len);
	CHECK("fallback is warned", nwarn == w0 + 1 &&
	    strstr(logbuf, "auth-up was not notified") != NULL, "warnings %d",
	    nwarn - w0);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);

	/* sstpc never answers: bounded wait, warning, pppd goes on. */
	srv = serve(path, SRV_NOACK, p[1]);
	FIRE_DOWN();
	set_keys((int)kl);
	w0 = nwarn;
	t = now();
	FIRE_AUTH();
	t = now() - t;
	n = collect(p[0], m, &len, 500);
	CHECK("no ACK: gives up after ~3 s", n == 1 && t > 2.5 && t < 4.5 &&
	    nwarn == w0 + 1 && strstr(logbuf, "no answer from sstpc") != NULL,
	    "n=%d %.2f s, warnings %d", n, t, nwarn - w0);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);

	/* A bad ACK is reported. */
	srv = serve(path, SRV_BADACK, p[1]);
	FIRE_DOWN();
	w0 = nwarn;
	FIRE_AUTH();
	n = collect(p[0], m, &len, 500);
	CHECK("bad ACK warns", n == 1 && nwarn == w0 + 1 &&
	    strstr(logbuf, "Protocol error") != NULL, "n=%d warnings %d", n,
	    nwarn - w0);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);

	/* Nobody listening: immediate warning. */
	unlink(path);
	FIRE_DOWN();
	w0 = nwarn;
	t = now();
	FIRE_AUTH();
	t = now() - t;
	CHECK("no socket: warns at once", nwarn == w0 + 1 && t < 0.5,
	    "%.2f s, warnings %d", t, nwarn - w0);
	printf("host-%s: %d passed, %d failed\n", API, npass, nfail);
	return nfail == 0 ? 0 : 1;
}
EOF
run_host() {	# api so version
	local api=$1 so_=$2 v=$3 def=
	[ "$api" = 25 ] && def=-DHOST25
	if ! cc -O1 -g $def -rdynamic -o "$work/host$api" "$work/host.c" -ldl \
	    2>"$work/host$api.err"; then
		cat "$work/host$api.err"; fail "host-$api" "host does not build"
		return
	fi
	"$work/host$api" "$so_" "$v" "$work/s$api.sock" 2>"$work/host$api.log" |
		tee "$work/host$api.out" | grep -v ': [0-9]* passed'
	npass=$((npass + $(grep -c '^ok' "$work/host$api.out")))
	local f
	f=$(grep -c '^FAIL' "$work/host$api.out")
	nfail=$((nfail + f))
	[ "$f" -gt 0 ] && failed+=("host-$api") && sed 's/^/  | /' "$work/host$api.log"
	grep -q ': [0-9]* passed' "$work/host$api.out" ||
		fail "host-$api" "host crashed (see above)"
}
[ -f "$so" ] && run_host 249 "$so" "$ver249"
if [ -n "$so25" ]; then
	ver25=$(sed -n 's/^#define PPPD_VERSION[ 	]*"\(.*\)"/\1/p' \
		"$inc25/pppd/pppdconf.h")
	run_host 25 "$so25" "$ver25"
else
	skip host-25 "no pppd 2.5 build"
fi

# --- privilege drop ------------------------------------------------------------------
cat >"$work/privtest.c" <<'EOF'
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include "sys/priv.h"

static unsigned long long
caps_eff(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof d);
	syscall(SYS_capget, &h, d);
	return (unsigned long long)d[1].effective << 32 | d[0].effective;
}

/* What the child reports: one line, checked by the shell. */
int
main(int argc, char **argv)
{
	const char *user = argv[1], *group = argv[2][0] ? argv[2] : NULL;
	const char *dir = argv[3][0] ? argv[3] : NULL;
	unsigned flags = (unsigned)strtoul(argv[4], NULL, 0);
	char err[256] = "";
	char cwd[256];
	int r, fd;

	r = priv_drop(user, group, dir, flags, err, sizeof err);
	printf("r=%d uid=%ld euid=%ld gid=%ld egid=%ld ngroups=%d ", r,
	    (long)getuid(), (long)geteuid(), (long)getgid(), (long)getegid(),
	    getgroups(0, NULL));
	printf("setuid0=%s ", setuid(0) == 0 ? "ok" : "EPERM");
	fd = open("/etc/shadow", O_RDONLY);
	printf("shadow=%s ", fd >= 0 ? "readable" : "denied");
	printf("caps=%#llx nnp=%d dumpable=%d ", caps_eff(),
	    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0),
	    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	printf("cwd=%s ", getcwd(cwd, sizeof cwd) ? cwd : "?");
	/* A root-only action without CAP_NET_ADMIN: a raw socket. */
	fd = socket(AF_INET, SOCK_RAW, 1);
	printf("raw=%s ", fd >= 0 ? "ok" : "denied");
	printf("err=[%s]\n", err);
	return 0;
}
EOF
if [ "$(id -u)" != 0 ]; then
	skip priv "needs root"
elif ! cc $cflags -o "$work/privtest" "$work/privtest.c" "$top/src/sys/priv.c" \
    "$build/libsstpcore.a" 2>"$work/priv.err"; then
	cat "$work/priv.err"; fail priv-build "privtest does not build"
else
	nob=$(id -u nobody); nog=$(id -g nobody)
	priv_case() {	# name expected-regex user group dir flags
		local name=$1 want=$2 out
		shift 2
		out=$("$work/privtest" "$@" 2>&1)
		if echo "$out" | grep -Eq -- "$want"; then
			pass "$name"
		else
			fail "$name" "$out"
		fi
	}
	priv_case "priv-drop-nobody (ids, no groups, setuid(0) fails, no caps)" \
		"^r=0 uid=$nob euid=$nob gid=$nog egid=$nog ngroups=0 setuid0=EPERM shadow=denied caps=0 nnp=1 dumpable=0 cwd=/ raw=denied" \
		nobody "" "" 0
	priv_case "priv-keep-net-admin (only CAP_NET_ADMIN = 1<<12 left)" \
		"^r=0 uid=$nob .* setuid0=EPERM shadow=denied caps=0x1000 nnp=1 dumpable=0 " \
		nobody nogroup "" 1
	mkdir -p "$work/pd"
	priv_case "priv-dir (chdir, created 0700 when missing)" \
		"^r=0 .*cwd=$work/pd/new " nobody "" "$work/pd/new" 0
	if [ "$(stat -c '%a %u' "$work/pd/new" 2>/dev/null)" = "700 0" ]; then
		pass "priv-dir-mode (0700 root)"
	else
		fail priv-dir-mode "$(stat -c '%a %u' "$work/pd/new" 2>&1)"
	fi
	priv_case "priv-unknown-explicit-user (fails closed, stays root-checked)" \
		"^r=-2 uid=0 .*err=\[unknown user 'no-such-user-x'\]" \
		no-such-user-x "" "" 0
	priv_case "priv-unknown-explicit-group (fails closed)" \
		"^r=-2 uid=0 .*err=\[unknown group 'no-such-group-x'\]" \
		nobody no-such-group-x "" 0
	priv_case "priv-absent-default-user (falls back to nobody)" \
		"^r=0 uid=$nob euid=$nob gid=$nog .*setuid0=EPERM" \
		no-such-default-x no-such-default-x "" 6
	priv_case "priv-root-target (uid 0 refused)" \
		"^r=-22 uid=0 .*err=\[user 'root'" root "" "" 0
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$work/privtest" nobody "" "" 0 2>&1)
	if echo "$out" | grep -q "^r=1 uid=$nob"; then
		pass "priv-not-root (nothing to do)"
	else
		fail priv-not-root "$out"
	fi
	# Neither the default user nor nobody: a private mount namespace
	# whose /etc/passwd has root only, and files-only NSS (nss-systemd
	# would make up a nobody).
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$work/passwd.min"
	printf 'root:x:0:\n' >"$work/group.min"
	printf 'passwd: files\ngroup: files\nshadow: files\n' >"$work/nss.min"
	nouser() {	# command...: run without any user to drop to
		unshare -m bash -c 'mount --bind "$1" /etc/passwd &&
			mount --bind "$2" /etc/group &&
			mount --bind "$3" /etc/nsswitch.conf && shift 3 &&
			exec "$@"' nouser "$work/passwd.min" "$work/group.min" \
			"$work/nss.min" "$@"
	}
	out=$(nouser "$work/privtest" no-such-default-x no-such-default-x "" 6 2>&1)
	if echo "$out" | grep -Eq "^r=-2 uid=0 .*err=\[neither the default user 'no-such-default-x' nor 'nobody' exists: refusing to run as root"; then
		pass "priv-no-user-at-all (fails closed)"
	else
		fail priv-no-user-at-all "$out"
	fi
	out=$(nouser "$work/privtest" no-such-default-x no-such-default-x "" 14 2>&1)
	if echo "$out" | grep -Eq "^r=2 uid=0 " && echo "$out" | grep -q "STILL RUNNING AS ROOT"; then
		pass "priv-no-user-allow-root (PRIV_ALLOW_ROOT keeps root, loudly)"
	else
		fail priv-no-user-allow-root "$out"
	fi
	# sstpc itself: exit 1 with one line before any connect; with
	# --allow-root it goes on (and meets the refused port: exit 3).  pty
	# mode on pipes (stdout too: pty mode refuses what it cannot poll),
	# the plugin socket named after this run.
	if make -C "$build" sstpc >"$work/make-sstpc.out" 2>&1; then
		sstpc_nouser() {	# extra args...
			nouser bash -c 'sleep 5 | "$@" 2>&1 | cat
				exit "${PIPESTATUS[1]}"' sh "$build/sstpc" \
				--nolaunchpppd --log-stderr --log-level 2 \
				--ipparam "pt-nouser-$$" "$@" 127.0.0.1:1
		}
		out=$(sstpc_nouser); rc=$?
		if [ $rc = 1 ] && echo "$out" | grep -q "cannot drop privileges: neither the default user .* refusing to run as root" &&
		    ! echo "$out" | grep -q "connecting to"; then
			pass "priv-no-user-sstpc (exit 1, nothing dialled)"
		else
			fail priv-no-user-sstpc "exit $rc: $out"
		fi
		out=$(sstpc_nouser --allow-root); rc=$?
		if [ $rc = 3 ] && echo "$out" | grep -q "STILL RUNNING AS ROOT (--allow-root)"; then
			pass "priv-no-user-sstpc-allow-root (goes on as root)"
		else
			fail priv-no-user-sstpc-allow-root "exit $rc: $out"
		fi
	else
		tail -20 "$work/make-sstpc.out"; fail priv-no-user-sstpc "make sstpc"
	fi
fi

# --- the plugin socket's runtime directory ------------------------------------------
# In private mount and network namespaces: the runtime directory's parent is
# a fresh tmpfs, the directory is set up per case, and sstpc (pty mode on a
# socketpair) dials a listener that never answers, so it stays up.
#   rtdir-*     world-writable, foreign-owned or symlinked directory: exit 1
#   rtdir-ok    the socket is 0600 from bind() on, no chmod() by name
#               (strace), and a client whose credentials cannot be read
#               (getsockopt shim) is refused naming that, not a made-up uid
cat >"$work/rtdir.py" <<'EOF'
import os, socket, stat, subprocess, sys, time
kind, rundir, ipparam, log = sys.argv[1:5]
cmd = sys.argv[5:]
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
parent = os.path.dirname(rundir)
subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "rt", parent],
               check=True)
if kind == "ww":
    os.mkdir(rundir)
    os.chmod(rundir, 0o777)
elif kind == "owner":
    os.mkdir(rundir, 0o755)
    os.chown(rundir, 65534, -1)
elif kind == "link":
    os.mkdir(os.path.join(parent, "elsewhere"), 0o755)
    os.symlink(os.path.join(parent, "elsewhere"), rundir)
else:
    os.mkdir(rundir, 0o755)
lsn = socket.socket()
lsn.bind(("127.0.0.1", 4433))
lsn.listen()
a, b = socket.socketpair()
p = subprocess.Popen(cmd + ["--nolaunchpppd", "--log-stderr",
                            "--log-level", "3", "--ipparam", ipparam,
                            "127.0.0.1:4433"],
                     stdin=b, stdout=b, stderr=open(log, "w"))
b.close()
if kind == "ok":
    path = os.path.join(rundir, "sstpc-" + ipparam)
    t = time.time()
    while not os.path.exists(path) and time.time() - t < 5:
        time.sleep(0.05)
    try:
        print("mode=%o" % stat.S_IMODE(os.lstat(path).st_mode))
        c = socket.socket(socket.AF_UNIX)
        c.connect(path)
        time.sleep(0.5)
        c.close()
    except OSError as e:
        print("socket: %s" % e)
    p.terminate()
try:
    p.wait(5)
except subprocess.TimeoutExpired:
    p.kill()
    p.wait()
print("rc=%d" % p.returncode)
EOF
cat >"$work/nopeercred.c" <<'EOF'
/* LD_PRELOAD shim: SO_PEERCRED cannot be read (every other option can). */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>

int
getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	static int (*real)(int, int, int, void *, socklen_t *);

	if (level == SOL_SOCKET && name == SO_PEERCRED) {
		errno = ENOPROTOOPT;
		return -1;
	}
	if (real == NULL)
		real = (int (*)(int, int, int, void *, socklen_t *))
		    dlsym(RTLD_NEXT, "getsockopt");
	return real(fd, level, name, val, len);
}
EOF
rundir=$(sed -n 's/^#define SSTPC_RUNTIME_DIR "\(.*\)"$/\1/p' "$build/config.h")
if [ "$(id -u)" != 0 ]; then
	skip rtdir "needs root"
elif ! make -C "$build" sstpc >"$work/make-rt.out" 2>&1 ||
    ! cc -shared -fPIC -o "$work/nopeercred.so" "$work/nopeercred.c" -ldl \
    2>"$work/shim.err"; then
	cat "$work/shim.err"; fail rtdir-build "sstpc or the shim does not build"
else
	rt_case() {	# kind [command prefix...]
		local kind=$1
		shift
		unshare -m -n python3 "$work/rtdir.py" "$kind" "$rundir" \
			"rt$kind$$" "$work/rt-$kind.log" "$@" "$build/sstpc"
	}
	rt_refused() {	# kind regex
		local out
		out=$(rt_case "$1" 2>&1)
		if [ "$out" = rc=1 ] && grep -Eq -- "$2" "$work/rt-$1.log"; then
			pass "rtdir-$1 (refused: $2)"
		else
			fail "rtdir-$1" "$out; $(tail -2 "$work/rt-$1.log")"
		fi
	}
	rt_refused ww "runtime directory $rundir is writable by group or others"
	rt_refused owner "runtime directory $rundir is owned by uid 65534"
	rt_refused link "runtime directory $rundir is not a directory"
	out=$(rt_case ok strace -f -qq -e trace=chmod,fchmodat \
		-o "$work/rt-ok.strace" env LD_PRELOAD="$work/nopeercred.so" 2>&1)
	if echo "$out" | grep -q '^mode=600$'; then
		pass "rtdir-ok-mode (socket 0600)"
	else
		fail rtdir-ok-mode "$out"
	fi
	if [ -f "$work/rt-ok.strace" ] && ! [ -s "$work/rt-ok.strace" ]; then
		pass "rtdir-ok-nochmod (no chmod() by name)"
	else
		fail rtdir-ok-nochmod "$(head -3 "$work/rt-ok.strace" 2>&1)"
	fi
	if grep -q "refusing a client whose credentials cannot be read" "$work/rt-ok.log"; then
		pass "rtdir-ok-peercred (a getsockopt failure is named, no uid made up)"
	else
		fail rtdir-ok-peercred "$(grep -i 'sstp-api' "$work/rt-ok.log" | head -3)"
	fi
fi

# --- server route in a private namespace ------------------------------------------------
if cc $cflags -o "$work/test_route" "$top/tests/unit/sys/test_route.c" \
    "$top/src/sys/route.c" "$top/src/sys/nl.c" "$build/libsstpcore.a" \
    2>"$work/route.err"; then
	"$work/test_route" >"$work/route.out" 2>&1
	rc=$?
	sed 's/^/  | /' "$work/route.out"
	case $rc in
	0) pass "route-netns (tests/unit/sys/test_route.c: $(tail -1 "$work/route.out"))" ;;
	77) skip route-netns "$(grep SKIP "$work/route.out")" ;;
	*) fail route-netns "see above" ;;
	esac
else
	cat "$work/route.err"; fail route-build "test_route does not build"
fi

echo
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "plugin-test: $npass passed, $nfail failed${nskip:+, $nskip skipped}"
[ "$nfail" -eq 0 ]
