#!/bin/bash
# run-fuzz.sh - build the libFuzzer targets with clang and run each one.
#
# usage: tests/fuzz/run-fuzz.sh [SECONDS] [TARGET...]
#
#   SECONDS   libFuzzer -max_total_time per target (default 30)
#   TARGET    names such as sstp_wire (default: all of them)
#
# Environment:
#   FUZZ_BUILDDIR  build directory (default /tmp/sstpc-fuzz-build); it is
#                  configured with CC=clang --enable-fuzzing when it holds
#                  no Makefile yet, or one made for another source tree
#                  (another clone would build its own sources, not ours)
#   FUZZ_WORKDIR   corpora and crash artifacts (default $FUZZ_BUILDDIR/fuzz-work)
#   FUZZ_JOBS      targets run at the same time (default 2)
#   CC             compiler for a fresh build directory (default clang)
#
# The seed corpus tests/fuzz/corpus/<name> is read, never written: new
# inputs go to $FUZZ_WORKDIR/corpus/<name>.  One line per target gives its
# result, execs and coverage (a failure adds what failed, the top of the
# stack and the input in base64); the last line is "N passed, M failed".
# Exit status 0 when no target crashed, 1 otherwise, 77 when clang or
# libFuzzer is missing.

set -u

secs=${1:-30}
case $secs in
''|*[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
[ $# -gt 0 ] && shift

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILDDIR:-/tmp/sstpc-fuzz-build}
work=${FUZZ_WORKDIR:-$build/fuzz-work}
jobs=${FUZZ_JOBS:-2}
cc=${CC:-clang}

all="sstp_wire sstp_conv sstp_chan http_resp hdlc sstp_api url cmdline ppp_snoop sstp_bind
    ppp_cp eap_proxy mppe ccp compat_api ppp_engine ppp_auth ppp_authsrv gso ppp_engine_srv
    http_req proxy_hdr secrets sstpd_conf ctl_msg sstp_srvconv nd"
targets=${*:-$all}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "run-fuzz: $cc not found: skipped" >&2
	exit 77
fi

if [ -f "$build/Makefile" ] &&
    ! grep -qxF "abs_top_srcdir = $srcdir" "$build/Makefile"; then
	echo "run-fuzz: $build was configured for another tree: starting anew"
	rm -rf "$build"
fi
mkdir -p "$build" "$work" || exit 1
if [ ! -f "$build/Makefile" ]; then
	echo "run-fuzz: configuring $build (CC=$cc --enable-fuzzing)"
	if ! (cd "$build" && "$srcdir/configure" CC="$cc" --enable-fuzzing \
	    --disable-ppp-plugin >configure.log 2>&1); then
		echo "run-fuzz: configure failed, see $build/configure.log" >&2
		grep -q -i fuzzer "$build/config.log" 2>/dev/null &&
		    exit 77
		exit 1
	fi
fi
bins=
for t in $targets; do
	bins="$bins tests/fuzz/fuzz_$t"
done
echo "run-fuzz: building$bins"
if ! make -C "$build" -j"$jobs" $bins >"$work/build.log" 2>&1; then
	tail -n 30 "$work/build.log" >&2
	echo "run-fuzz: build failed, see $work/build.log" >&2
	exit 1
fi

# Longer inputs where a target needs them (several packets, an 8 KiB
# header block, several frames).
maxlen() {
	case $1 in
	http_resp|http_req) echo 10000 ;;
	sstp_wire|sstp_conv|sstp_chan|sstp_srvconv|hdlc|eap_proxy) echo 8192 ;;
	*) echo 4096 ;;
	esac
}

# Run one target; its summary line goes to $work/<t>.result.
run_one() {
	local t=$1 log=$work/$1.log res=$work/$1.result
	local rc execs cov ft corp art

	mkdir -p "$work/corpus/$t" "$work/artifacts"
	"$build/tests/fuzz/fuzz_$t" \
	    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len="$(maxlen "$t")" -print_final_stats=1 \
	    -dict="$here/$t.dict" \
	    -artifact_prefix="$work/artifacts/$t-" \
	    "$work/corpus/$t" "$here/corpus/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	corp=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	if [ "$rc" -eq 0 ]; then
		printf 'PASS %-10s %10s execs  cov %5s  ft %6s  corpus %5s\n' \
		    "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
		    >"$res"
	else
		art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" |
		    tail -n 1)
		printf 'FAIL %-10s exit %s after %s execs, cov %s; input %s; log %s\n' \
		    "$t" "$rc" "${execs:-?}" "${cov:-?}" "${art:-?}" "$log" \
		    >"$res"
		# What failed and the input itself, so that a CI log alone
		# is enough to reproduce it (the artifact dies with the
		# machine): the invariant or sanitizer line, the top of the
		# stack, the input in base64.
		grep -m 3 -E 'fuzz invariant failed|ERROR: [A-Za-z]+Sanitizer|SUMMARY: |runtime error: ' \
		    "$log" | sed 's/^/    /' >>"$res"
		grep -E '^ +#[0-9]+ .* in [A-Za-z_]' "$log" |
		    grep -v -E 'sanitizer|fuzzer::|libc\.so|nptl/|signal/|stdlib/|fuzz_fail' |
		    head -n 4 | sed 's/^ */    /' >>"$res"
		grep -m 1 '^Base64: ' "$log" | sed 's/^/    /' >>"$res"
	fi
}

running=0
for t in $targets; do
	if [ ! -d "$here/corpus/$t" ]; then
		echo "run-fuzz: unknown target $t" >&2
		exit 2
	fi
	rm -f "$work/$t.result"
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

pass=0
fail=0
for t in $targets; do
	if [ -f "$work/$t.result" ]; then
		cat "$work/$t.result"
		case $(cat "$work/$t.result") in
		PASS*) pass=$((pass + 1)) ;;
		*) fail=$((fail + 1)) ;;
		esac
	else
		echo "FAIL $t: no result (see $work/$t.log)"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
