#!/usr/bin/env bash
# tests/compat/build-nm-plugin.sh - the real proof that sstpc's libsstp-api
# replaces sstp-client 1.0.18's: NetworkManager-sstp's own configure finds
# our sstp-client-1.0.pc, and its pppd plugin compiles and links against our
# <sstp-client/sstp-api.h> and libsstp_api-0.so.  Also cross-checks the ABI
# with Debian's libsstp-api-0 / -dev 1.0.18:
#   1. tests/compat/abi-probe.c compiles (-Werror) against both headers;
#   2. tests/compat/test_compat.c built against DEBIAN's header runs against
#      OUR library, and built against OUR header runs (--portable) against
#      DEBIAN's library, both exchanging messages with sstpc's own codec;
#   3. NM-sstp 1.3.0 (Debian's source) configure + plugin build against us;
#      the plugin's object code is then rebuilt against Debian's header and
#      must disassemble identically.
# Not part of make check (network, apt, ~1 min cold); run by hand or by
# tests/run-all.sh.  Inputs are cached in /var/cache/sstpc-tests/compat
# (SSTPC_TEST_CACHE), so a warm run takes a few seconds.  Prints
# PASS/FAIL: build-nm-plugin and exits 0/1.
#
# The NM source comes from a deb-src entry that exists only in a private apt
# configuration under the cache (its own sources.list, lists and caches):
# /etc/apt and /var/lib/apt/lists are never modified, so there is nothing
# to remove or restore afterwards.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
cache=${SSTPC_TEST_CACHE:-/var/cache/sstpc-tests}/compat
log=$cache/build-nm-plugin.log
B=$cache/build-sstpc		# our build (library, core, config.h)
stage=$cache/stage		# our install (prefix $stage/usr)
droot=$cache/deb-root		# Debian's libsstp-api-0 + -dev, unpacked
nmdir=$cache/nm
t=$cache/tmp

step() { printf '== %s\n' "$*"; }
fail() {
	echo "FAIL: build-nm-plugin ($*)"
	[ -f "$log" ] && { echo "--- last lines of $log"; tail -n 25 "$log"; }
	exit 1
}
run() { "$@" >>"$log" 2>&1; }

mkdir -p "$cache" || fail "cannot create $cache"
: >"$log"

# --- 0. packages ------------------------------------------------------------
need=(build-essential autoconf automake libtool pkg-config libssl-dev
	libevent-dev ppp-dev libglib2.0-dev libnm-dev libgnutls28-dev
	intltool gettext binutils)
missing=()
for p in "${need[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || fail "not root; install ${missing[*]}"
	step "apt-get install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	run apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
		{ run apt-get update -qq &&
		  run apt-get install -y -qq --no-install-recommends "${missing[@]}"; } ||
		fail "apt-get install"
fi

# --- 1. Debian's 1.0.18 library and header ----------------------------------
mkdir -p "$cache/debs"
if ! ls "$cache"/debs/libsstp-api-0-dev_*.deb >/dev/null 2>&1 ||
   ! ls "$cache"/debs/libsstp-api-0_*.deb >/dev/null 2>&1; then
	step "apt-get download libsstp-api-0 libsstp-api-0-dev"
	(cd "$cache/debs" && run apt-get download libsstp-api-0 libsstp-api-0-dev) ||
		fail "apt-get download"
fi
if [ ! -f "$droot/usr/include/sstp-client/sstp-api.h" ]; then
	rm -rf "$droot"
	for d in "$cache"/debs/libsstp-api-0*.deb; do
		dpkg-deb -x "$d" "$droot" || fail "dpkg-deb -x $d"
	done
fi
dlibdir=$(dirname "$(ls "$droot"/usr/lib/*/libsstp_api-0.so | head -n 1)")

# --- 2. NetworkManager-sstp's Debian source ----------------------------------
orig=$(ls "$cache"/src/network-manager-sstp_*.orig.tar.* 2>/dev/null | head -n 1)
if [ -z "$orig" ]; then
	step "apt-get source network-manager-sstp (private deb-src entry)"
	a=$cache/apt
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$cache/src"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
	    "http://deb.debian.org/debian bookworm main" >"$a/sources.list"
	O=(-o "Dir::Etc::SourceList=$a/sources.list"
	   -o "Dir::Etc::SourceParts=/dev/null"
	   -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache")
	run apt-get "${O[@]}" update || fail "private apt-get update"
	(cd "$cache/src" &&
	 run apt-get "${O[@]}" source --download-only network-manager-sstp) ||
		fail "apt-get source"
	rm -rf "$a/lists" "$a/cache"		# only the source is kept
	orig=$(ls "$cache"/src/network-manager-sstp_*.orig.tar.* | head -n 1)
fi
if [ ! -f "$nmdir/configure" ]; then
	rm -rf "$nmdir"; mkdir -p "$nmdir"
	tar -C "$nmdir" --strip-components=1 -xf "$orig" || fail "untar $orig"
fi

# --- 3. our library, installed into a staging prefix --------------------------
step "build and stage libsstp_api-0.so from $here"
[ -x "$here/configure" ] || (cd "$here" && run ./autogen.sh) || fail "autogen"
if [ ! -f "$B/config.status" ] || [ "$(cat "$B/.srcdir" 2>/dev/null)" != "$here" ]; then
	rm -rf "$B"; mkdir -p "$B"
	(cd "$B" && run "$here/configure" --enable-werror --prefix="$stage/usr" \
	    --libdir="$stage/usr/lib" --disable-ppp-plugin) || fail "configure sstpc"
	echo "$here" >"$B/.srcdir"
fi
run make -C "$B" libsstp_api.la libsstpcore.a compat/sstp-client-1.0.pc ||
	fail "make libsstp_api.la"
rm -rf "$stage"
run make -C "$B" install-libLTLIBRARIES install-sstpclientincludeHEADERS \
    install-pkgconfigDATA || fail "make install (staging)"
export PKG_CONFIG_PATH=$stage/usr/lib/pkgconfig
[ "$(pkg-config --modversion sstp-client-1.0)" = 1.0.18 ] ||
	fail "pkg-config sstp-client-1.0 does not report 1.0.18"

# --- 4. header and library cross-checks against Debian's ----------------------
rm -rf "$t"; mkdir -p "$t"
CFLAGS_T=(-std=gnu11 -O2 -Wall -Wextra -Werror -I"$B" -I"$here/src"
	-I"$here/include")
for hdr in "$stage/usr/include" "$droot/usr/include"; do
	run gcc "${CFLAGS_T[@]}" -I"$hdr" -c "$here/tests/compat/abi-probe.c" \
	    -o "$t/probe.o" || fail "abi-probe.c against $hdr/sstp-client"
done
step "abi-probe: our header and Debian's declare the same interface"
run gcc "${CFLAGS_T[@]}" -c "$here/tests/compat/ref_codec.c" -o "$t/ref.o" ||
	fail "ref_codec.c"
# Debian's header, our library.
run gcc "${CFLAGS_T[@]}" -I"$droot/usr/include" \
    "$here/tests/compat/test_compat.c" "$t/ref.o" "$B/libsstpcore.a" \
    -L"$stage/usr/lib" -lsstp_api -o "$t/deb-hdr-our-lib" ||
	fail "test_compat.c against Debian's header"
LD_LIBRARY_PATH=$stage/usr/lib run "$t/deb-hdr-our-lib" ||
	fail "Debian's header + our library"
step "test_compat (Debian's header, our library): $(tail -n 1 "$log")"
# Our header, Debian's library.
run gcc "${CFLAGS_T[@]}" -I"$stage/usr/include" \
    "$here/tests/compat/test_compat.c" "$t/ref.o" "$B/libsstpcore.a" \
    -L"$dlibdir" -lsstp_api -o "$t/our-hdr-deb-lib" ||
	fail "test_compat.c against our header + Debian's library"
LD_LIBRARY_PATH=$dlibdir run "$t/our-hdr-deb-lib" --portable ||
	fail "our header + Debian's library"
step "test_compat --portable (our header, Debian's library): $(tail -n 1 "$log")"

# --- 5. NetworkManager-sstp ------------------------------------------------------
cd "$nmdir" || fail "cd $nmdir"
if [ ! -f config.status ] || [ "$(cat .sstpc-stage 2>/dev/null)" != "$stage" ]; then
	step "configure NetworkManager-sstp (--without-gnome, as Debian otherwise)"
	run ./configure --without-gnome --disable-static \
	    --with-pppd-auth-notify-support \
	    --with-pppd-plugin-dir=/usr/lib/pppd/2.4.9 ||
		fail "NM-sstp configure"
	echo "$stage" >.sstpc-stage
fi
grep -q "^SSTPC_CFLAGS = .*$stage/usr/include" Makefile ||
	fail "NM-sstp's configure did not take SSTPC_CFLAGS from our .pc"
grep -q "^SSTPC_LIBS = .*-lsstp_api" Makefile || fail "SSTPC_LIBS"

plugin_objs() {
	find src shared -name '*nm_sstp_pppd_plugin_la*' -exec rm -f {} + 2>/dev/null
	rm -rf src/nm-sstp-pppd-plugin.la src/.libs/nm-sstp-pppd-plugin.*
}
step "build src/nm-sstp-pppd-plugin.la against our header and library"
plugin_objs
make V=1 src/nm-sstp-pppd-plugin.la >"$t/nm-build.log" 2>&1 || {
	cat "$t/nm-build.log" >>"$log"; fail "NM-sstp plugin build"; }
cat "$t/nm-build.log" >>"$log"
if grep -E 'warning|error' "$t/nm-build.log" | grep -qiE 'sstp-api|sstp_api'; then
	grep -E 'warning|error' "$t/nm-build.log" | grep -iE 'sstp-api|sstp_api'
	fail "diagnostics about the sstp-api in the NM-sstp build"
fi
nwarn=$(grep -c 'warning:' "$t/nm-build.log")
so=src/.libs/nm-sstp-pppd-plugin.so
readelf -d "$so" | grep -q 'NEEDED.*\[libsstp_api-0.so\]' ||
	fail "plugin does not link libsstp_api-0.so"
used=$(nm -D --undefined-only "$so" | awk '$NF ~ /^sstp_api_/ { print $NF }' | sort)
[ -n "$used" ] || fail "plugin uses no sstp_api_ symbol"
for s in $used; do
	nm -D --defined-only "$stage/usr/lib/libsstp_api-0.so" |
		grep -q " T $s\$" || fail "our library lacks $s"
done
LD_LIBRARY_PATH=$stage/usr/lib ldd "$so" 2>/dev/null |
	grep -q "libsstp_api-0.so => $stage/usr/lib/libsstp_api-0.so" ||
	fail "libsstp_api-0.so does not resolve to ours"
echo "   uses: $(echo $used)"
echo "   NM-sstp's own warnings in the plugin build: $nwarn (none about sstp-api)"

# Same plugin source against Debian's header: identical machine code.
obj=src/.libs/nm_sstp_pppd_plugin_la-nm-sstp-pppd-plugin.o
[ -f "$obj" ] || fail "no $obj"
objdump -dr --no-show-raw-insn "$obj" | tail -n +4 >"$t/ours.dis"
grep -q "R_X86_64_PLT32[[:space:]]*sstp_api_attr_parse" "$t/ours.dis" || fail "disassembly of $obj"
plugin_objs
make V=1 src/nm-sstp-pppd-plugin.la \
    SSTPC_CFLAGS="-I$droot/usr/include/sstp-client -I$droot/usr/include" \
    SSTPC_LIBS="-L$dlibdir -lsstp_api" >>"$log" 2>&1 ||
	fail "NM-sstp plugin build against Debian's header"
[ -f "$obj" ] || fail "no $obj (Debian's header)"
objdump -dr --no-show-raw-insn "$obj" | tail -n +4 >"$t/deb.dis"
cmp -s "$t/ours.dis" "$t/deb.dis" ||
	fail "plugin code differs between our header and Debian's"
step "nm-sstp-pppd-plugin.o: identical code with our header and Debian's"
plugin_objs
make src/nm-sstp-pppd-plugin.la >>"$log" 2>&1	# leave ours built

echo "PASS: build-nm-plugin"
exit 0
