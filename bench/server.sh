#!/usr/bin/env bash
# bench/server.sh - sstpd at scale (bench/README.md "Server benchmark"), as
# root on Debian 12:
#
#   bench/server.sh           full run (about 3 minutes): 1,000 sessions up
#                             and pinging, sstpd's RSS per idle session and
#                             idle CPU; 5,000 connect/disconnect cycles with
#                             fds/RSS/sessions/wake-ups before and after;
#                             1, 4 and 16 sstpc --tun clients with iperf3
#   bench/server.sh --quick   CI smoke run (well under a minute): 50
#                             sessions, 200 cycles, 1 client for 2 s; PASS
#                             only on correctness, never on timing
#
# Options: --sessions N, --cycles M, --clients LIST (e.g. 1,4,16),
# --secs S (iperf3 seconds), --idle-secs S, --only scale|tput,
# --out FILE (results JSON; the table goes next to it as .txt).
# Environment: BUILD=DIR uses an existing build (else one is made in
# /tmp/sstpc-bench-build), SSTPD=PATH another sstpd.  Every address it uses
# lives in namespaces of its own: veths in 192.0.2.0/26, the IPv4 pool
# 192.0.2.128/25, the IPv6 pool 2001:db8:1::/64 (1,000 IPv6-only sessions).
# Exit status: 0 PASS, 1 FAIL, 2 cannot run.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
args=()
out=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) args+=(--quick) ;;
	--sessions|--cycles|--clients|--secs|--idle-secs|--only)
		args+=("$1" "$2"); shift ;;
	--out) out=$2; shift ;;
	-h|--help) sed -n '2,21p' "$0"; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
fail() { echo "FAIL: $*"; exit "${2:-2}"; }
[ "$(id -u)" -eq 0 ] || fail "run as root (network namespaces, TUN devices)"
[ -c /dev/net/tun ] || fail "no /dev/net/tun"

if ! command -v iperf3 >/dev/null || ! command -v ping >/dev/null; then
	echo "== installing iperf3 and iputils-ping"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends iperf3 iputils-ping \
		>/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1;
		apt-get install -y -qq --no-install-recommends iperf3 \
		iputils-ping >/dev/null 2>&1; }
	command -v iperf3 >/dev/null && command -v ping >/dev/null ||
		fail "iperf3/ping not installed and apt-get failed"
fi

build=${BUILD:-/tmp/sstpc-bench-build}
if [ ! -f "$build/Makefile" ]; then
	echo "== configuring in $build"
	[ -x "$top/configure" ] || (cd "$top" && ./autogen.sh >/dev/null 2>&1) ||
		fail "autogen failed"
	mkdir -p "$build"
	(cd "$build" && "$top/configure" >configure.out 2>&1) ||
		{ tail -20 "$build/configure.out"; fail "configure failed"; }
fi
echo "== building in $build"
make -C "$build" -j2 sstpc sstpd bench/loadgen >"$build/benchsrv-make.out" 2>&1 ||
	{ tail -30 "$build/benchsrv-make.out"; fail "build failed"; }

work=$(mktemp -d /tmp/sstpd-bench.XXXXXX)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
(
	cd "$work" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout ca.key -out ca.pem -days 7 -subj "/CN=sstpd bench CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout srv.key -out srv.csr -subj "/CN=localhost" &&
	printf '%s\n' "subjectAltName=DNS:localhost" \
		"extendedKeyUsage=serverAuth" "basicConstraints=CA:FALSE" >ext.cnf &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
		-days 7 -extfile ext.cnf -out srv.pem
) >/dev/null 2>&1 || fail "cannot make the test PKI (openssl)"

[ -n "$out" ] || out=/tmp/sstpd-bench-results-$(date +%Y%m%d-%H%M%S).json
echo "== running (results: $out)"
"$PY" "$top/bench/server.py" --build "$build" --work "$work" --out "$out" \
	"${args[@]}"
rc=$?
if [ $rc -ne 0 ]; then
	trap - EXIT
	echo "logs kept in $work"
fi
exit $rc
