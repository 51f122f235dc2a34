#!/usr/bin/env bash
# support/ci/pppd25-headers.sh - build plugin/sstp-pppd-plugin.c against the
# pppd 2.5 headers (Debian trixie's ppp-dev) on a Debian 12 machine, whose own
# ppp-dev is 2.4.9.  The plugin must build against both APIs
# (REFERENCE-CLIENT.md 3.4; STYLE.md 8.19).
#
# How: apt-get fetches trixie's package lists into a TEMPORARY state directory
# through a temporary sources list, `apt-get download ppp-dev` puts the .deb in
# the cache directory, and `dpkg -x` unpacks it there.  Nothing is installed,
# and the machine's apt configuration, lists and caches are not touched.  The
# unpacked headers are reused on later runs.
#
# Then the plugin, src/wire/plugin_msg.c and src/util/buf.c are compiled with -fPIC into a
# real shared object with the project's warning flags and -Werror, and the
# exported symbols are checked (plugin_init and pppd_version only, the 2.5
# API used, pppd_version reads "2.5.x" when the .so is dlopen'ed lazily).
# Prints "PASS: ..." or "FAIL: ..." lines and exits 0/1;
# exits 77 (SKIP) when the headers cannot be fetched and CI is not set.
#
# Usage: support/ci/pppd25-headers.sh [-c CACHE_DIR] [-s SUITE] [-k]
#   -c  cache directory (default ${XDG_CACHE_HOME:-$HOME/.cache}/sstpc/pppd25)
#   -s  Debian suite to take ppp-dev from (default trixie)
#   -k  keep the temporary build directory
# Environment: CC (default cc), MIRROR (default http://deb.debian.org/debian).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/sstpc/pppd25
suite=trixie
keep=0
mirror=${MIRROR:-http://deb.debian.org/debian}
cc=${CC:-cc}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

while getopts c:s:k o; do
	case $o in
	c) cache=$OPTARG ;;
	s) suite=$OPTARG ;;
	k) keep=1 ;;
	*) echo "usage: $0 [-c CACHE_DIR] [-s SUITE] [-k]" >&2; exit 2 ;;
	esac
done

fail() { echo "FAIL: pppd25-$1${2:+: $2}"; exit 1; }
skip() {
	if [ "${CI:-}" = true ]; then fail "$1" "$2"; fi
	echo "SKIP: pppd25-$1: $2"; exit 77
}

# --- fetch the headers once ---------------------------------------------------
inc=$cache/root/usr/include
if [ ! -f "$inc/pppd/pppdconf.h" ]; then
	command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
		skip fetch "apt-get/dpkg not available"
	[ -r "$keyring" ] || skip fetch "no $keyring"
	mkdir -p "$cache" || fail fetch "cannot create $cache"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/pppd25-apt.XXXXXX") || fail fetch mktemp
	mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/deb"
	printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" \
		>"$tmp/sources.list"
	# Every path apt writes is redirected into $tmp; the status file is
	# only read.  Debug::NoLocking: the system lock is not ours to take.
	aptopt=(-q -o Dir::Etc::sourcelist="$tmp/sources.list"
		-o Dir::Etc::sourceparts=- -o Dir::State::Lists="$tmp/lists"
		-o Dir::Cache="$tmp/cache" -o Dir::Cache::pkgcache=
		-o Dir::Cache::srcpkgcache= -o APT::Get::List-Cleanup=false
		-o Debug::NoLocking=true -o Acquire::Languages=none
		-o APT::Architectures::=)
	if ! apt-get "${aptopt[@]}" update >"$tmp/update.log" 2>&1; then
		tail -5 "$tmp/update.log"
		rm -rf "$tmp"
		skip fetch "apt-get update for $suite failed"
	fi
	if ! (cd "$tmp/deb" && apt-get "${aptopt[@]}" download ppp-dev) \
	    >"$tmp/download.log" 2>&1; then
		tail -5 "$tmp/download.log"
		rm -rf "$tmp"
		skip fetch "apt-get download ppp-dev ($suite) failed"
	fi
	deb=$(ls "$tmp"/deb/ppp-dev_*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || { rm -rf "$tmp"; fail fetch "no .deb downloaded"; }
	rm -rf "$cache/root"
	dpkg -x "$deb" "$cache/root" || { rm -rf "$tmp"; fail fetch "dpkg -x"; }
	cp "$deb" "$cache/"
	rm -rf "$tmp"
	[ -f "$inc/pppd/pppdconf.h" ] || fail fetch "no pppd/pppdconf.h in $deb"
fi
ver=$(sed -n 's/^#define PPPD_VERSION[ 	]*"\(.*\)"/\1/p' "$inc/pppd/pppdconf.h")
case $ver in
2.5*) echo "PASS: pppd25-fetch ($ver headers in $inc)" ;;
*) fail fetch "unexpected PPPD_VERSION '$ver'" ;;
esac

# --- compile a real shared object ----------------------------------------------
bdir=$(mktemp -d "${TMPDIR:-/tmp}/pppd25-build.XXXXXX") || fail build mktemp
cleanup() { [ "$keep" = 1 ] && echo "kept $bdir" || rm -rf "$bdir"; }
trap cleanup EXIT
# The plugin needs only what every file includes first: a config.h.
cat >"$bdir/config.h" <<'EOF'
/* minimal config.h for the out-of-tree pppd 2.5 plugin build */
#define _GNU_SOURCE 1
#define HAVE_EXPLICIT_BZERO 1
EOF
warn="-Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes -Wstrict-prototypes
 -Wmissing-declarations -Wimplicit-fallthrough -Wpointer-arith -Wwrite-strings
 -Wundef -Wsign-compare -Wvla -Wno-unused-parameter -Werror"
cflags="-O2 -fPIC -fvisibility=hidden -std=gnu11 -I$bdir -I$top/src -I$top/include -I$inc"
objs=
for src in plugin/sstp-pppd-plugin.c src/wire/plugin_msg.c src/util/buf.c; do
	obj=$bdir/$(basename "$src" .c).o
	# shellcheck disable=SC2086
	if ! $cc $cflags $warn -c "$top/$src" -o "$obj" 2>"$bdir/cc.err"; then
		head -40 "$bdir/cc.err"
		fail build "$src does not compile against pppd $ver"
	fi
	objs="$objs $obj"
done
echo "PASS: pppd25-build (plugin compiles against pppd $ver with -Werror)"
so=$bdir/sstp-pppd-plugin.so
# shellcheck disable=SC2086
$cc -shared -fPIC -o "$so" $objs 2>"$bdir/ld.err" ||
	{ cat "$bdir/ld.err"; fail link "shared object does not link"; }

# --- exported symbols ----------------------------------------------------------
syms=$(nm -D --defined-only "$so" | awk '{print $3}' | sort | tr '\n' ' ')
[ "$syms" = "plugin_init pppd_version " ] || fail symbols "exports are: $syms"
# The pppd 2.5 API only: no 2.4.9 globals may be referenced.
undef=$(nm -D --undefined-only "$so" | awk '{print $2}')
for s in ppp_add_notify ppp_add_options mppe_get_send_key mppe_get_recv_key \
    mppe_keys_isset; do
	echo "$undef" | grep -qx "$s" || fail symbols "does not use $s"
done
for s in auth_up_notifier ip_up_notifier mppe_send_key mppe_recv_key \
    mppe_keys_set add_options add_notifier; do
	echo "$undef" | grep -qx "$s" && fail symbols "still uses 2.4.9's $s"
done
echo "PASS: pppd25-symbols (exports only plugin_init, pppd_version; 2.5 API)"

# --- pppd_version: pppd compares it with its own and refuses a mismatch ---------
# The 2.5 build references pppd functions only, so a lazy dlopen succeeds
# outside pppd and the string can be read back.
cat >"$bdir/vcheck.c" <<'EOF'
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
int
main(int argc, char **argv)
{
	void *h = dlopen(argv[1], RTLD_LAZY | RTLD_LOCAL);
	const char *v;

	if (h == NULL) {
		printf("dlopen: %s\n", dlerror());
		return 1;
	}
	v = dlsym(h, "pppd_version");
	printf("%s\n", v != NULL ? v : "(no pppd_version)");
	return v != NULL && strcmp(v, argv[2]) == 0 ? 0 : 1;
}
EOF
$cc -o "$bdir/vcheck" "$bdir/vcheck.c" -ldl 2>"$bdir/cc.err" ||
	{ cat "$bdir/cc.err"; fail version "checker does not build"; }
got=$("$bdir/vcheck" "$so" "$ver") ||
	fail version "pppd_version is \"$got\", want \"$ver\""
echo "PASS: pppd25-version (pppd_version = \"$got\")"
