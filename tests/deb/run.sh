#!/usr/bin/env bash
# tests/deb/run.sh - the Debian packages (issue 14), end to end:
#   1. build: dpkg-buildpackage -us -uc -b in a copy of the git-tracked
#      files only (untracked files cannot leak in); debian/changelog's
#      version must be configure.ac's;
#   2. lintian on the .debs: no error and no warning (lintian's tags other
#      than info/pedantic are failures; none is overridden);
#   3. a fresh Debian 12 root (mmdebstrap --variant=apt, cached as a
#      tarball; apt's .debs cached too), our .debs installed with apt:
#      - dpkg -P, -i, -r, -P: the file lists before/after.  dpkg -i adds
#        exactly the files dpkg -L names (plus deb-systemd-helper's state);
#        -r leaves only the conffiles (/etc/sstpd/sstpd.conf) and that state;
#        -P leaves the list as it was before -i.  The users created through
#        sysusers.d (sstpc, sstpd) stay in /etc/passwd: systemd-sysusers
#        never deletes users (a uid may own files anywhere);
#      - apt-get install network-manager-sstp keeps our sstpc and
#        libsstp-api-0 (Debian's sstp-client is not installed), and pppd
#        loads NM-sstp's nm-sstp-pppd-plugin.so with every sstp_api_*
#        symbol bound to OUR libsstp_api-0.so (LD_DEBUG=bindings), as the
#        compat step's checks (NEEDED, the symbols it uses) on the
#        installed files;
#   4. tier 4 (qemu, real pppd) with sstpc and the plugin from sstpc's .deb
#      and sstpd (cases g, h, i) from sstpd's (SSTPC_DEBS; run under
#      /tmp/sstpc-integration.lock).
# Needs root (chroot, mounts) and Debian's archive (apt, mmdebstrap); no
# other network.  Cache: $SSTPC_TEST_CACHE/deb (default
# /var/cache/sstpc-tests/deb): the base root as a zstd tarball (60 MB, with
# apt's lists; made once, ~2 min) and apt's archives (~20 MB).
# Output: one "ok"/"FAIL" line per check, then "deb: N passed, M failed";
# the .debs stay in $DEBS_OUT (default build-debs/ in the tree).
# Exit 0/1; 77 outside CI when a prerequisite is missing.
# DEB_QEMU=0 leaves out step 4.
set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")/../.." && pwd)
cache=${SSTPC_TEST_CACHE:-/var/cache/sstpc-tests}/deb
out=${DEBS_OUT:-$here/build-debs}
base=$cache/bookworm-apt.tar.zst
arch=$cache/archives
passed=0
failed=0
t_start=$(date +%s)

ok()   { passed=$((passed + 1)); echo "ok $1"; }
bad()  { failed=$((failed + 1)); echo "FAIL $1: $2"; }
check() { local n=$1 m=$2; shift 2; if "$@"; then ok "$n"; else bad "$n" "$m"; fi; }
finish() {
	echo "deb: $passed passed, $failed failed ($(( $(date +%s) - t_start )) s)"
	[ $failed -eq 0 ] && exit 0
	exit 1
}
unavailable() {
	if [ "${CI:-}" = true ]; then bad prerequisites "$1"; finish; fi
	echo "SKIP deb: $1"
	exit 77
}
secs() { echo "$(( $(date +%s) - $1 ))"; }

[ "$(id -u)" -eq 0 ] || unavailable "needs root (chroot, mounts, apt-get)"
git -C "$here" rev-parse --git-dir >/dev/null 2>&1 ||
	unavailable "$here is not a git tree (the build copies its tracked files)"
need=(debhelper dpkg-dev lintian mmdebstrap autoconf automake libtool
	pkg-config libssl-dev libevent-dev ppp-dev binutils zstd)
missing=()
for p in "${need[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		{ apt-get update -qq >/dev/null && apt-get install -y -qq \
		    --no-install-recommends "${missing[@]}" >/dev/null; } ||
		unavailable "apt-get install ${missing[*]}"
fi

tmp=$(mktemp -d /var/tmp/sstpc-deb.XXXXXX)
root=$tmp/root
mounts=()
cleanup() {
	local i
	for (( i=${#mounts[@]}-1; i>=0; i-- )); do
		umount -l "${mounts[$i]}" 2>/dev/null
	done
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

# --- 1. build -------------------------------------------------------------------
pkgs=(sstpc libsstp-api-0 libsstp-api-0-dev sstpd)
t0=$(date +%s)
if [ "${DEBS_REUSE:-0}" = 1 ] && [ "${CI:-}" != true ]; then
	# (development only: test the .debs already in $out)
	v_deb=$(cd "$here" && dpkg-parsechangelog -S Version)
	echo "  DEBS_REUSE=1: the .debs in $out, not built"
else
mkdir -p "$tmp/src"
(cd "$here" && git ls-files -z | tar --null -T - -cf -) | tar -C "$tmp/src" -xf - ||
	{ bad build "copying the tracked files"; finish; }
v_ac=$(sed -n 's/^AC_INIT(\[sstpc\], \[\([^]]*\)\].*/\1/p' "$tmp/src/configure.ac")
v_deb=$(cd "$tmp/src" && dpkg-parsechangelog -S Version)
check version "debian/changelog $v_deb, configure.ac $v_ac" [ "$v_ac" = "$v_deb" ]
(cd "$tmp/src" && DEB_BUILD_OPTIONS="noddebs parallel=${JOBS:-2}" \
    dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	tail -30 "$tmp/build.log"
	bad build "dpkg-buildpackage exit $rc"
	finish
fi
rm -rf "$out" && mkdir -p "$out" && mv "$tmp"/*.deb "$tmp"/*.changes "$tmp"/*.buildinfo "$out"/ ||
	{ bad build "moving the .debs to $out"; finish; }
for p in "${pkgs[@]}"; do
	[ -f "$out/${p}_${v_deb}_$(dpkg --print-architecture).deb" ] ||
		bad build "no $p .deb"
done
ok "build ($(secs "$t0") s: $(cd "$out" && echo *.deb))"
fi

# --- 2. lintian -------------------------------------------------------------------
t0=$(date +%s)
lintian --pedantic --display-info --fail-on error,warning \
    "$out"/*.deb >"$tmp/lintian.log" 2>&1
lrc=$?
grep -E '^[EWIPN]: ' "$tmp/lintian.log" | cut -c1 | sort | uniq -c |
	sed 's/^/  lintian tags: /'
sed 's/^/  | /' "$tmp/lintian.log"
check lintian "exit $lrc, errors or warnings (above)" \
	bash -c "[ $lrc = 0 ] && ! grep -qE '^[EW]: ' '$tmp/lintian.log'"
echo "  ($(secs "$t0") s)"

# --- 3. a fresh Debian 12 root ------------------------------------------------------
t0=$(date +%s)
mkdir -p "$cache" "$arch/partial"
sources=$(ls /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources 2>/dev/null)
if [ ! -f "$base" ]; then
	# apt's lists stay in the tarball: each run only refreshes them (its
	# binary caches are rebuilt from them).
	echo "  mmdebstrap --variant=apt bookworm (once; cached in $base)"
	# shellcheck disable=SC2086
	mmdebstrap --quiet --mode=root --variant=apt --skip=cleanup/apt/lists \
	    --format=tar --customize-hook='rm -f "$1"/var/cache/apt/*.bin' \
	    bookworm "$tmp/base.tar" $sources >"$tmp/mmdebstrap.log" 2>&1 &&
	    zstd -q -f -T2 --rm "$tmp/base.tar" -o "$base.tmp" &&
	    mv "$base.tmp" "$base" ||
		{ tail -20 "$tmp/mmdebstrap.log"; rm -f "$base.tmp";
		  bad chroot "mmdebstrap"; finish; }
fi
mkdir -p "$root" && zstd -dc "$base" | tar -C "$root" -xf - ||
	{ bad chroot "unpacking $base"; finish; }
bindm() { mount --bind "$1" "$2" && mounts+=("$2"); }
mount -t proc proc "$root/proc" && mounts+=("$root/proc")
bindm /dev "$root/dev"
mkdir -p "$root/mnt/debs"
bindm "$out" "$root/mnt/debs"
bindm "$arch" "$root/var/cache/apt/archives"
# apt reaches the mirror by name; no service may start in the root.
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
# Each sources file as configured on this machine.
rm -f "$root"/etc/apt/sources.list "$root"/etc/apt/sources.list.d/*
for s in $sources; do cp "$s" "$root$s"; done
export DEBIAN_FRONTEND=noninteractive
inroot() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
inroot apt-get update -qq >"$tmp/apt.log" 2>&1 ||
	{ tail "$tmp/apt.log"; bad chroot "apt-get update"; finish; }
ok "chroot ($(secs "$t0") s)"

# flist: every path in the root but the kernel's, apt's and dpkg's own
# bookkeeping and the logs (contents are not compared: paths only)
flist() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./dev -o \
	    -path ./mnt/debs -o -path ./var/cache/apt -o -path ./var/lib/apt \
	    -o -path ./var/lib/dpkg -o -path ./var/log -o -path ./tmp \
	    -o -path ./run \) -prune -o -print | LC_ALL=C sort)
}
# dpkg -L names /lib/...; on a merged-/usr root that is /usr/lib/... on disk.
canon() { inroot sh -c 'while read -r p; do [ "$p" = /. ] ||
	echo "$(readlink -m "$(dirname "$p")")/$(basename "$p")"; done' | sed 's|^//|/|'; }
debs=()
for p in "${pkgs[@]}"; do debs+=("/mnt/debs/${p}_${v_deb}_$(dpkg --print-architecture).deb"); done

# 3a. the dependencies of our packages (apt-get satisfy: their Depends
# without our own names), so that the dpkg round trip below starts from a
# root that has everything but our files.
t0=$(date +%s)
deps=$(for d in "${debs[@]}"; do dpkg-deb -f "$root$d" Depends; echo; done |
	tr ',' '\n' | sed 's/^ *//; s/ *$//' | grep -v '^$' |
	grep -vE "^($(IFS='|'; echo "${pkgs[*]}"))( |$)" | LC_ALL=C sort -u |
	paste -sd, -)
echo "  dependencies: $deps"
inroot apt-get satisfy -y -qq --no-install-recommends "$deps" >"$tmp/apt.log" 2>&1 ||
	{ tail -20 "$tmp/apt.log"; bad deps "apt-get satisfy"; finish; }
flist >"$tmp/l0"

# 3b. dpkg -i / -r / -P against that baseline
inroot dpkg -i "${debs[@]}" >>"$tmp/apt.log" 2>&1 || bad dpkg-i "dpkg -i"
flist >"$tmp/l1"
for p in "${pkgs[@]}"; do inroot dpkg -L "$p"; done | canon | LC_ALL=C sort -u >"$tmp/owned"
conff=$(for p in "${pkgs[@]}"; do inroot dpkg-query -W -f='${Conffiles}\n' "$p"; done |
	awk 'NF { print $1 }' | LC_ALL=C sort)
# deb-systemd-helper keeps the state of sstpd.service (needed to restore
# "enabled" on reinstall) until the purge.
dsh='^/var/lib/systemd/deb-systemd-helper-'
comm -13 "$tmp/l0" "$tmp/l1" | sed 's/^\.//' >"$tmp/added"
extra=$(comm -23 "$tmp/added" "$tmp/owned" | grep -vE "$dsh")
check dpkg-i-files "added beyond dpkg -L: $extra" [ -z "$extra" ]
missing_f=$(comm -13 "$tmp/added" "$tmp/owned" | while read -r f; do
	grep -qxF ".$f" "$tmp/l0" || echo "$f"; done)
check dpkg-i-complete "dpkg -L paths not on disk: $missing_f" [ -z "$missing_f" ]
echo "  files: before $(wc -l <"$tmp/l0"), after dpkg -i $(wc -l <"$tmp/l1") (+$(wc -l <"$tmp/added")), conffiles: $(echo $conff)"
check sysusers "users sstpc, sstpd" bash -c \
	"chroot '$root' getent passwd sstpc >/dev/null && chroot '$root' getent passwd sstpd >/dev/null"
en=$(find "$root/etc/systemd" -name 'sstpd.service' 2>/dev/null)
check sstpd-not-enabled "enabled: $en" [ -z "$en" ]
check unit-path "sstpd.service's ExecStart is not an installed file" bash -c \
	"p=\$(sed -n 's/^ExecStart=\\([^ ]*\\).*/\\1/p' '$root/lib/systemd/system/sstpd.service'); [ -x \"$root\$p\" ]"
# sstpc dlopen()s libevent_extra for a host name (src/net/dns.h), which
# dpkg-shlibdeps cannot see: debian/rules adds its package to Depends, and
# apt-get satisfy above installed only what the Depends named.  So a name
# must get as far as the resolver (in a namespace of its own: no network,
# no query leaves) and fail there, not at loading it.
evx_dir=$(pkg-config --variable=libdir libevent_extra)
evx=$(objdump -p "$evx_dir/libevent_extra.so" | sed -n 's/^ *SONAME  *//p')
evx_pkg=$(dpkg-query -S "$evx_dir/$evx" | sed -n '1s/:.*//p')
sdeps=$(dpkg-deb -f "$root${debs[0]}" Depends)
in_deps() { tr ',' '\n' <<<"$sdeps" | sed 's/^ *//; s/ .*//' | grep -qx "$evx_pkg"; }
check dlopen-depends "sstpc's Depends [$sdeps] lacks ${evx_pkg:-?} (holds $evx)" \
	in_deps
res=$(unshare -n chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	sh -c 'sleep 3 | timeout 10 sstpc --nolaunchpppd --log-stderr \
	--connect-timeout 1 nonexistent.invalid | cat' 2>&1)
check dlopen-resolver "sstpc with a host name: $(tail -2 <<<"$res" | tr '\n' '|')" \
	grep -q '^sstpc: cannot resolve nonexistent\.invalid' <<<"$res"

inroot dpkg -r "${pkgs[@]}" >>"$tmp/apt.log" 2>&1 || bad dpkg-r "dpkg -r"
flist >"$tmp/l2"
kept=$(comm -13 "$tmp/l0" "$tmp/l2" | sed 's/^\.//' | grep -vE "$dsh")
want=$(printf '%s\n' $conff | while read -r f; do
	d=$(dirname "$f"); grep -qxF ".$d" "$tmp/l0" || echo "$d"; echo "$f"; done |
	LC_ALL=C sort -u)
check dpkg-r-conffiles "after -r: [$(echo $kept)], want [$(echo $want)]" \
	[ "$kept" = "$want" ]
gone=$(comm -23 "$tmp/l0" "$tmp/l2")
check dpkg-r-nothing-lost "lost: $gone" [ -z "$gone" ]
inroot dpkg -P "${pkgs[@]}" >>"$tmp/apt.log" 2>&1 || bad dpkg-P "dpkg -P"
flist >"$tmp/l3"
check dpkg-P "after -P differs from before -i: $(diff "$tmp/l0" "$tmp/l3" | grep '^[<>]' | head -5 | tr '\n' ' ')" \
	cmp -s "$tmp/l0" "$tmp/l3"
echo "  files after -r: $(wc -l <"$tmp/l2"), after -P: $(wc -l <"$tmp/l3") ($(secs "$t0") s)"

# 3c. NetworkManager-sstp against our packages
t0=$(date +%s)
inroot dpkg -i "${debs[@]}" >>"$tmp/apt.log" 2>&1 || bad dpkg-i2 "dpkg -i (again)"
inroot apt-get install -y -qq --no-install-recommends network-manager-sstp \
    >"$tmp/nm.log" 2>&1 ||
	{ tail -20 "$tmp/nm.log"; bad nm-install "apt-get install network-manager-sstp"; }
st() { inroot dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$1" 2>/dev/null; }
check nm-installed "network-manager-sstp: $(st network-manager-sstp)" \
	bash -c "chroot '$root' dpkg-query -W -f='\${db:Status-Abbrev}' network-manager-sstp | grep -q '^ii'"
for p in sstpc libsstp-api-0; do
	check "nm-keeps-$p" "$p is $(st "$p")" [ "$(st "$p")" = "ii $v_deb" ]
done
check nm-no-sstp-client "sstp-client: $(st sstp-client)" \
	bash -c "! chroot '$root' dpkg-query -W -f='\${db:Status-Abbrev}' sstp-client 2>/dev/null | grep -q '^ii'"

# The compat checks on the installed files: NM's plugin needs
# libsstp_api-0.so, every sstp_api_* it uses is defined in our library...
plug=$(cd "$root" && ls usr/lib/pppd/*/nm-sstp-pppd-plugin.so 2>/dev/null | head -n 1)
lib=usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/libsstp_api-0.so
[ -n "$plug" ] || plug=usr/lib/pppd/missing/nm-sstp-pppd-plugin.so
check nm-plugin-needed "NEEDED libsstp_api-0.so in $plug" bash -c \
	"readelf -d '$root/$plug' | grep -q 'NEEDED.*\\[libsstp_api-0.so\\]'"
check nm-lib-ours "/$lib belongs to libsstp-api-0 $v_deb" bash -c \
	"chroot '$root' dpkg -S /$lib | grep -q '^libsstp-api-0:' && [ \"\$(chroot '$root' dpkg-query -W -f='\${Version}' libsstp-api-0)\" = '$v_deb' ]"
used=$(nm -D --undefined-only "$root/$plug" 2>/dev/null | awk '$NF ~ /^sstp_api_/ { print $NF }' | sort)
undef=$(for s in $used; do nm -D --defined-only "$root/$lib" | grep -q " T $s\$" || echo "$s"; done)
check nm-symbols "uses [$(echo $used)], ours lacks [$(echo $undef)]" \
	test -n "$used" -a -z "$undef"
# ...and pppd itself loads the plugin (dlopen RTLD_NOW): every sstp_api_*
# symbol binds to our library.  The plugin's init then fails to reach
# NetworkManager on D-Bus, and "dryrun" stops pppd before any device.
inroot env LD_BIND_NOW=1 LD_DEBUG=bindings pppd nodetach dryrun \
    plugin "/$plug" >"$tmp/bindings" 2>&1
grep -vE '^ *[0-9]+:' "$tmp/bindings" >"$tmp/pppd.log"
bound=$(grep -E "binding file /$plug .* to (/usr)?/${lib#usr/} .*symbol \`sstp_api_" "$tmp/bindings" |
	sed -n "s/.*symbol \`\\(sstp_api_[a-z_]*\\)'.*/\\1/p" | sort -u)
check nm-plugin-loads "pppd: $(head -c 300 "$tmp/pppd.log" | tr '\n' ' '); bound [$(echo $bound)], used [$(echo $used)]" \
	test -n "$used" -a "$(echo $bound)" = "$(echo $used)"
echo "  ($(secs "$t0") s)"

# --- 4. tier 4 with the packaged sstpc and plugin --------------------------------
if [ "${DEB_QEMU:-1}" != 0 ]; then
	t0=$(date +%s)
	flock /tmp/sstpc-integration.lock env SSTPC_DEBS="$out" \
	    "$here/tests/integration/tier4-qemu.sh" >"$tmp/tier4.log" 2>&1
	rc=$?
	grep -E '^(ok|FAIL|SKIP)|passed, .* failed' "$tmp/tier4.log" | sed 's/^/  | /'
	check tier4-qemu-debs "tier4-qemu.sh with SSTPC_DEBS exit $rc" [ $rc -eq 0 ]
	echo "  ($(secs "$t0") s)"
fi
finish
