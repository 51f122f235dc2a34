#!/usr/bin/env bash
# tests/run-all.sh - build sstpc and run every test.  This is the README's
# test command and what CI runs (.ci/run).  On a fresh Debian 12 machine it
# installs what it needs with apt-get (run as root).
#
# Steps (each prints PASS/FAIL; the last line is "N passed, M failed"):
#   build, unit     configure --enable-werror, make, make check (unit tests,
#                   fuzz-corpus replay, man page vs --help, compat library)
#   layers          support/check-layers.sh on build-main: no include or
#                   symbol cycle, no folder using a higher layer (after build;
#                   its --selftest first)
#   asan            the same under ASan+UBSan
#   noplugin        ./configure --disable-ppp-plugin && make
#   distcheck       make distcheck
#   pytest          the Python test server and PPP stand-in check themselves
#   plugin          sstp-pppd-plugin.so against pppd 2.4.9 and 2.5 headers
#   fuzz            every libFuzzer target for FUZZ_SECONDS (default 30)
#   integration     tests/integration/run.sh: the tiers (test server, PPP
#                   stand-in, faults, EAP proxy, SoftEther, real pppd in qemu)
#   compat          NetworkManager-sstp's plugin built against our libsstp-api
#   bench           bench/run.sh --quick (no timing is checked: 0 frames lost)
#   benchsrv        bench/server.sh --quick: sstpd with 50 sessions, 200
#                   connect/disconnect cycles, 1 sstpc --tun client (no timing
#                   is checked: all up and pinging, fds/sessions flat)
#   deb             tests/deb/run.sh: the Debian packages built from the
#                   tracked files, lintian, installed in a fresh Debian 12
#                   root (dpkg -i/-r/-P file lists, network-manager-sstp
#                   keeps them and its pppd plugin binds to our library),
#                   tier 4 (qemu) once with the packaged sstpc and plugin
# STEPS="build unit ..." selects steps; KEEP=1 keeps the build directories.
# A step group "a+b" runs its steps at the same time (fuzz with the steps
# that only compile, wait or check no timing: the fuzzers run for a fixed
# time anyway).
# Under CI=true a step that cannot run is a failure, never a skip.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PYTHONDONTWRITEBYTECODE=1
jobs=${JOBS:-$(nproc)}
steps=${STEPS:-"build layers unit asan noplugin distcheck pytest fuzz+deb+plugin+compat integration bench benchsrv"}
logs="$here/build-logs"
rm -rf "$logs"; mkdir -p "$logs"
passed=0
failed=0
failed_names=()
t_all=$(date +%s)

note() { printf '\n=== %s\n' "$*"; }
ok()   { passed=$((passed + 1)); printf 'PASS: %s (%ss)\n' "$1" "$2"; }
bad()  { failed=$((failed + 1)); failed_names+=("$1"); printf 'FAIL: %s (%ss)\n' "$1" "$2"; }

# run_step NAME CMD...: run with output to build-logs/NAME.log, tail on failure
run_step() {
	local name=$1 t0 rc
	shift
	note "$name: $*"
	t0=$(date +%s)
	"$@" >"$logs/$name.log" 2>&1
	rc=$?
	# Show the test summary lines of the step.
	grep -E '^(PASS|FAIL|SKIP|ERROR|ok |not ok|#.*(TOTAL|PASS|FAIL)|.*[0-9]+ passed, [0-9]+ failed)' \
		"$logs/$name.log" | tail -40 | sed 's/^/  | /'
	if [ $rc -eq 0 ]; then
		ok "$name" $(( $(date +%s) - t0 ))
	else
		echo "  --- last lines of $logs/$name.log"
		tail -40 "$logs/$name.log" | sed 's/^/  | /'
		bad "$name" $(( $(date +%s) - t0 ))
	fi
	return $rc
}

# need_script PATH: present, or FAIL under CI / skip otherwise
need_script() {
	[ -e "$1" ] && return 0
	if [ "${CI:-}" = true ]; then bad "missing $1" 0; else echo "skip: $1 missing"; fi
	return 1
}

# --- dependencies ------------------------------------------------------------
need_pkgs=(build-essential autoconf automake libtool pkg-config libssl-dev
	libevent-dev ppp-dev ppp python3 openssl socat iproute2 procps clang
	libclang-rt-14-dev llvm valgrind qemu-system-x86 busybox-static tinyproxy
	squid iperf3 iputils-ping sstp-client)
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

[ -x ./configure ] || ./autogen.sh >"$logs/autogen.log" 2>&1 ||
	{ cat "$logs/autogen.log"; echo "autogen failed" >&2; exit 1; }

configure_in() {	# DIR, configure flags...
	local dir=$1
	shift
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" && "$here/configure" "$@"
}

# do_step NAME: run one step (see the list above)
do_step() {
	local s=$1
	case $s in
	build)
		run_step build bash -c "$(declare -f configure_in); here=$here; configure_in '$here/build-main' --enable-werror && make -j$jobs" ;;
	layers)
		# The checker checks itself, then the tree's includes and objects.
		run_step layers bash -c "'$here/support/check-layers.sh' --selftest && '$here/support/check-layers.sh' --verbose '$here/build-main'" ;;
	unit)
		# A skipped unit test is not a pass.
		run_step unit bash -c "make -C '$here/build-main' -j$jobs check && ! grep -E '^SKIP:' '$here/build-main/test-suite.log'" ;;
	asan)
		run_step asan bash -c "$(declare -f configure_in); here=$here; configure_in '$here/build-asan' --enable-werror --enable-asan --enable-ubsan --disable-hardening && make -j$jobs && make -j$jobs check && ! grep -E '^SKIP:' test-suite.log" ;;
	noplugin)
		run_step noplugin bash -c "$(declare -f configure_in); here=$here; configure_in '$here/build-noplugin' --disable-ppp-plugin && make -j$jobs" ;;
	distcheck)
		run_step distcheck make -C "$here/build-main" -j"$jobs" distcheck ;;
	pytest)
		run_step pytest bash -c "'$here/tests/server/selfcheck.sh' && /usr/bin/python3 '$here/tests/standin/selftest.py'" ;;
	plugin)
		need_script tests/integration/plugin-test.sh &&
		run_step plugin bash -c "'$here/support/ci/pppd25-headers.sh' && BUILD='$here/build-main' '$here/tests/integration/plugin-test.sh'" ;;
	fuzz)
		need_script tests/fuzz/run-fuzz.sh &&
		run_step fuzz "$here/tests/fuzz/run-fuzz.sh" "${FUZZ_SECONDS:-30}" ;;
	integration)
		need_script tests/integration/run.sh &&
		run_step integration env SSTPC="$here/build-main/sstpc" BUILD="$here/build-main" \
			"$here/tests/integration/run.sh" ;;
	compat)
		need_script tests/compat/build-nm-plugin.sh &&
		run_step compat env BUILD="$here/build-main" "$here/tests/compat/build-nm-plugin.sh" ;;
	bench)
		need_script bench/run.sh &&
		run_step bench env BUILD="$here/build-main" "$here/bench/run.sh" --quick ;;
	benchsrv)
		need_script bench/server.sh &&
		run_step benchsrv env BUILD="$here/build-main" "$here/bench/server.sh" --quick ;;
	deb)
		need_script tests/deb/run.sh &&
		run_step deb env DEBS_OUT="$here/build-debs" "$here/tests/deb/run.sh" ;;
	*)
		echo "unknown step $s" >&2; bad "$s" 0 ;;
	esac
}

# do_group A+B...: run the steps at the same time, each into its own file,
# then print their output in order and count their PASS/FAIL lines here
# (the counters of a background subshell are its own).  Only steps that
# check no timing are grouped: a fuzzer runs for a fixed time whatever the
# load, so a step that mostly waits (downloads, dpkg) hides behind it.
do_group() {
	local g=$1 m pids=() n
	for m in ${g//+/ }; do
		( do_step "$m" ) >"$logs/$m.out" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	for m in ${g//+/ }; do
		cat "$logs/$m.out"
		n=$(grep -c '^PASS: ' "$logs/$m.out")
		passed=$((passed + n))
		while read -r _ n _; do
			failed=$((failed + 1)); failed_names+=("$n")
		done < <(grep '^FAIL: ' "$logs/$m.out")
		rm -f "$logs/$m.out"
	done
}

for s in $steps; do
	case $s in
	*+*) do_group "$s" ;;
	*) do_step "$s" ;;
	esac
done

note "summary ($(( $(date +%s) - t_all )) s)"
# The failing cases again, with their reasons, so that the end of the output
# (all a CI page may keep) names them.
for n in "${failed_names[@]}"; do
	[ -f "$logs/$n.log" ] || continue
	grep -E '^(FAIL|not ok|ERROR)' "$logs/$n.log" | tail -20 | sed "s/^/  $n | /"
done
[ ${#failed_names[@]} -gt 0 ] && printf 'failed: %s\n' "${failed_names[*]}"
[ "${KEEP:-0}" = 1 ] || [ $failed -gt 0 ] ||
	rm -rf "$here"/build-main "$here"/build-asan "$here"/build-noplugin "$here"/build-debs
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
