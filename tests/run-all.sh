#!/usr/bin/env bash
# tests/run-all.sh - build sstpc and run every test tier.  This is the README's
# test command and what CI runs (.ci/run).  On a fresh Debian 12 machine it
# installs what it needs with apt-get (run as root).
#
# Tiers:  unit   - make check (unit tests, fuzz-corpus replay, man page check),
#                  once with -Werror and once with ASan+UBSan
#         1..4   - integration tiers under tests/integration/ (test server,
#                  PPP stand-in, SoftEther, real pppd under qemu) as they exist
# Environment: JOBS (default nproc), KEEP=1 keeps build dirs, TIERS="unit 1 2"
# restricts what runs.  Under CI=true a tier that cannot run is a failure.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
jobs=${JOBS:-$(nproc)}
tiers=${TIERS:-"unit asan integration"}
passed=0
failed=0
failed_names=()

note() { printf '\n=== %s\n' "$*"; }
ok()   { passed=$((passed + 1)); printf 'PASS: %s\n' "$1"; }
bad()  { failed=$((failed + 1)); failed_names+=("$1"); printf 'FAIL: %s\n' "$1"; }

# --- dependencies ------------------------------------------------------------
need_pkgs=(build-essential autoconf automake libtool pkg-config libssl-dev
	libevent-dev ppp-dev ppp python3 openssl socat iproute2 clang
	libclang-rt-14-dev valgrind)
missing=()
for p in "${need_pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	note "installing: ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "run as root (or install: ${missing[*]})" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 || true
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		{ echo "apt-get install failed" >&2; exit 1; }
fi

[ -x ./configure ] || ./autogen.sh >/dev/null 2>&1 || { echo "autogen failed" >&2; exit 1; }

build_and_check() {	# name, configure flags...
	local name=$1; shift
	local dir="$here/build-$name"
	rm -rf "$dir"; mkdir -p "$dir"
	note "build $name: configure $*"
	if ! (cd "$dir" && "$here/configure" "$@" >configure.out 2>&1); then
		tail -30 "$dir/configure.out"; bad "configure-$name"; return 1
	fi
	if ! make -C "$dir" -j"$jobs" >"$dir/make.out" 2>&1; then
		tail -40 "$dir/make.out"; bad "build-$name"; return 1
	fi
	ok "build-$name"
	if make -C "$dir" -j"$jobs" check >"$dir/check.out" 2>&1; then
		grep -E '^(PASS|FAIL|SKIP|XFAIL|ERROR):' "$dir/check.out" | sed "s/^/  [$name] /"
		ok "unit-$name"
	else
		grep -E '^(PASS|FAIL|SKIP|XFAIL|ERROR):' "$dir/check.out" | sed "s/^/  [$name] /"
		for f in $(grep -lE '^(FAIL|ERROR)' "$dir"/tests/unit/*.log "$dir"/tests/*.log 2>/dev/null); do
			echo "--- $f"; tail -30 "$f"
		done
		bad "unit-$name"
	fi
	# A skipped unit test is not a pass.
	if grep -qE '^SKIP:' "$dir/check.out"; then
		grep -E '^SKIP:' "$dir/check.out"
		bad "unit-$name-skips"
	fi
}

for t in $tiers; do
	case $t in
	unit) build_and_check main --enable-werror ;;
	asan) build_and_check asan --enable-werror --enable-asan --enable-ubsan --disable-hardening ;;
	integration)
		if [ -x tests/integration/run.sh ]; then
			note "integration tiers"
			SSTPC="$here/build-main/sstpc" BUILD="$here/build-main" \
				tests/integration/run.sh && ok integration || bad integration
		fi ;;
	esac
done

note "summary"
[ ${#failed_names[@]} -gt 0 ] && printf 'failed: %s\n' "${failed_names[*]}"
[ "${KEEP:-0}" = 1 ] || [ $failed -gt 0 ] || rm -rf "$here"/build-main "$here"/build-asan
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
