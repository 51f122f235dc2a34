#!/bin/sh
# tests/compat/check-abi.sh - the ABI of libsstp_api-0.so (make check).
#
# Always: the built library exports exactly sstp-client 1.0.18's five
# functions, unversioned, with SONAME libsstp_api-0.so, and the -lsstp_api
# development link exists.  Then, when Debian's libsstp-api-0 .deb is in
# the test cache (/var/cache/sstpc-tests/compat/debs, filled by
# tests/compat/build-nm-plugin.sh, or fetched here with `apt-get download'
# when running as root), the same facts are compared with Debian's binary
# and tests/compat/test_compat_diff checks that both libraries build and
# parse byte-identical messages.  Without the .deb that part is reported as
# not run; the checks above still decide the result.
set -u
b=${top_builddir:-.}
cache=${SSTPC_TEST_CACHE:-/var/cache/sstpc-tests}/compat
lib=$b/.libs/libsstp_api-0.so
fail=0
ok()  { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

exports() {	# defined dynamic symbols of $1, "type name", sorted
	nm -D --defined-only "$1" | awk '{ print $(NF - 1), $NF }' | sort
}
soname() {
	objdump -p "$1" | awk '$1 == "SONAME" { print $2 }'
}

[ -f "$lib" ] || { echo "FAIL: $lib was not built"; exit 1; }
want="T sstp_api_attr_add
T sstp_api_attr_parse
T sstp_api_msg_len
T sstp_api_msg_new
T sstp_api_msg_type"
got=$(exports "$lib")
if [ "$got" = "$want" ]; then
	ok "exactly the five 1.0.18 symbols are exported"
else
	bad "exports differ from 1.0.18's five:"; echo "$got" | sed 's/^/    /'
fi
[ "$(soname "$lib")" = libsstp_api-0.so ] &&
	ok "SONAME libsstp_api-0.so" || bad "SONAME is '$(soname "$lib")'"
if readelf -V "$lib" | grep -q 'Version definition'; then
	bad "symbols carry a version (1.0.18's are unversioned)"
else
	ok "no symbol versions (as 1.0.18)"
fi
[ -e "$b/.libs/libsstp_api.so" ] && ok "libsstp_api.so link for -lsstp_api" ||
	bad "no libsstp_api.so development link"

# --- Debian's libsstp-api-0 -------------------------------------------------
deb=$(ls "$cache"/debs/libsstp-api-0_*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
	mkdir -p "$cache/debs" &&
	(cd "$cache/debs" && timeout 60 apt-get download -qq libsstp-api-0 \
	    libsstp-api-0-dev >/dev/null 2>&1)
	deb=$(ls "$cache"/debs/libsstp-api-0_*.deb 2>/dev/null | head -n 1)
fi
if [ -z "$deb" ]; then
	echo "note: Debian's libsstp-api-0 .deb is not available: comparison not run"
else
	tmp=$(mktemp -d) || exit 1
	trap 'rm -rf "$tmp"' EXIT
	dpkg-deb -x "$deb" "$tmp"
	dlib=$(ls "$tmp"/usr/lib/*/libsstp_api-0.so 2>/dev/null | head -n 1)
	if [ -z "$dlib" ]; then
		bad "no libsstp_api-0.so in $deb"
	else
		[ "$(exports "$dlib")" = "$got" ] &&
			ok "same exports as Debian's $(basename "$deb")" ||
			bad "exports differ from Debian's $(basename "$deb")"
		[ "$(soname "$dlib")" = "$(soname "$lib")" ] &&
			ok "same SONAME as Debian's" || bad "SONAME differs from Debian's"
		if "$b/tests/compat/test_compat_diff" "$lib" "$dlib" >"$tmp/diff.out" 2>&1; then
			ok "test_compat_diff: $(tail -n 1 "$tmp/diff.out")"
		else
			sed 's/^/    /' "$tmp/diff.out" | tail -n 20
			bad "test_compat_diff (built messages differ from 1.0.18's)"
		fi
	fi
fi
[ $fail -eq 0 ] && echo "PASS: check-abi" || echo "FAIL: check-abi"
exit $fail
