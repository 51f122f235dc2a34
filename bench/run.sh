#!/usr/bin/env bash
# bench/run.sh - benchmark sstpc against Debian's sstp-client 1.0.18, side by
# side in one run (bench/README.md).  Run as root on Debian 12:
#
#   bench/run.sh            full run (about 3-5 minutes): pty data path both
#                           ways, one /proc-sampled memory run each way,
#                           connect latency on loopback and through a
#                           namespace with 50 ms RTT, the codecs alone
#   bench/run.sh --quick    CI smoke run (well under a minute): tiny
#                           transfers, no 50 ms namespace, a 2-second
#                           built-in run each way; PASS only if sstpc
#                           delivered every frame intact (never on timing)
#
# Options: --reps N, --frames N, --no-netns, --no-ref (sstpc alone),
# --mem-only (only the memory pass and its table, a few minutes),
# --mem-runs N (memory runs each way per client, 5; 1 in the quick run),
# --no-builtin (leave out sstpc --tun), --tun-secs N (iperf3 seconds),
# --out FILE (results JSON; a .txt with the table is written next to it),
# --results FILE (JSON lines, one object per run).
# Environment: BUILD=DIR uses an existing build (else one is made in
# /tmp/sstpc-bench-build), SSTPC_REF=PATH another reference binary.
# Exit status: 0 PASS, 1 FAIL, 2 cannot run.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
args=()
quick=0
no_builtin=0
use_ref=1
out=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; args+=(--quick) ;;
	--no-ref) use_ref=0 ;;
	--no-netns) args+=(--no-netns) ;;
	--mem-only) args+=(--mem-only) ;;
	--no-builtin) args+=(--no-builtin); no_builtin=1 ;;
	--reps|--frames|--tun-secs|--results|--mem-runs) args+=("$1" "$2"); shift ;;
	--out) out=$2; shift ;;
	-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
fail() { echo "FAIL: $*"; exit "${2:-2}"; }
[ "$(id -u)" -eq 0 ] || fail "run as root (pty, sstp-api socket in /var/run/sstpc, network namespace)"

# --- the reference client: Debian's sstp-client 1.0.18 ------------------------
ref=${SSTPC_REF:-/usr/sbin/sstpc}
if [ $use_ref -eq 1 ] && [ ! -x "$ref" ]; then
	echo "== installing sstp-client (Debian's 1.0.18)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends sstp-client >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq \
		--no-install-recommends sstp-client >/dev/null 2>&1; }
fi
# 1.0.18 exits at start-up without OpenSSL's legacy provider.
if [ $use_ref -eq 1 ] && [ -x "$ref" ] &&
    ! ls /usr/lib/*/ossl-modules/legacy.so >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libssl3 >/dev/null 2>&1
fi
if [ $use_ref -eq 1 ] && [ ! -x "$ref" ]; then
	[ $quick -eq 1 ] || fail "sstp-client 1.0.18 is not installed and apt-get failed"
	echo "note: sstp-client not available; the quick run checks sstpc alone"
	use_ref=0
fi
[ $use_ref -eq 1 ] && args+=(--ref "$ref")

# --- the built-in mode's tools: iperf3 and ping (Debian packages) -------------
if [ $no_builtin -eq 0 ] && { ! command -v iperf3 >/dev/null ||
    ! command -v ping >/dev/null; }; then
	echo "== installing iperf3 and iputils-ping"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends iperf3 iputils-ping \
		>/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1;
		apt-get install -y -qq --no-install-recommends iperf3 \
		iputils-ping >/dev/null 2>&1; }
	command -v iperf3 >/dev/null && command -v ping >/dev/null ||
		fail "iperf3/ping not installed and apt-get failed (--no-builtin leaves the built-in mode out)"
fi

# --- build -------------------------------------------------------------------
build=${BUILD:-/tmp/sstpc-bench-build}
progs="sstpc bench/bench_hdlc bench/bench_sstp_wire bench/bench_pty bench/sstp_sink bench/delayline
	bench/sstp_tun_server bench/tls_pipe"
if [ ! -f "$build/Makefile" ]; then
	echo "== configuring in $build"
	[ -x "$top/configure" ] || (cd "$top" && ./autogen.sh >/dev/null 2>&1) ||
		fail "autogen failed"
	mkdir -p "$build"
	(cd "$build" && "$top/configure" >configure.out 2>&1) ||
		{ tail -20 "$build/configure.out"; fail "configure failed"; }
fi
echo "== building in $build"
# shellcheck disable=SC2086
make -C "$build" -j"$(nproc)" $progs >"$build/bench-make.out" 2>&1 ||
	{ tail -30 "$build/bench-make.out"; fail "build failed"; }

# --- work dir and test PKI (EC P-256; SAN for loopback and the netns address) --
work=$(mktemp -d /tmp/sstpc-bench.XXXXXX)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
(
	cd "$work" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout ca.key -out ca.pem -days 7 -subj "/CN=sstpc bench CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout srv.key -out srv.csr -subj "/CN=localhost" &&
	printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:192.0.2.134" \
		"extendedKeyUsage=serverAuth" "basicConstraints=CA:FALSE" >ext.cnf &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
		-days 7 -extfile ext.cnf -out srv.pem
) >/dev/null 2>&1 || fail "cannot make the test PKI (openssl)"
mkdir -p /var/run/sstpc

[ -n "$out" ] || out=/tmp/sstpc-bench-results-$(date +%Y%m%d-%H%M%S).json
echo "== running (results: $out)"
"$PY" "$top/bench/report.py" --build "$build" --work "$work" \
	--ours "$build/sstpc" --out "$out" "${args[@]}"
rc=$?
[ $rc -le 1 ] || echo "FAIL: report.py exited $rc"
if [ $rc -ne 0 ]; then
	trap - EXIT
	echo "client logs of failed runs kept in $work"
fi
exit $rc
