#!/usr/bin/env bash
# tests/integration/run.sh - run the integration tiers and sum their counts.
#
# Called by tests/run-all.sh (SSTPC=<build>/sstpc).  Runs, in order:
#   tier1-engine.sh   engine vs the Python test server (certificates, TLS,
#                     HTTP, SSTP bad-server matrix, proxy, keys in logs)
#   tier2-ppp.sh      PPP side with the pppd stand-in (launch/pty/plugin
#                     modes, sstp-api bytes, passwords, pppd options)
#   tier-faults.sh    server death, signals in every phase, pppd faults
#   tier3-softether.sh, tier4-qemu.sh   when present (tier 4's cases g and h
#                     put sstpd --tun, built next to sstpc, on the host
#                     side: as root the tier runs in a namespace of its own)
#   tier-sstpd-smoke.sh (ITIERS name "sstpd") sstpd on loopback
#   tier-sstpd-hostile.sh (ITIERS name "sstpd-hostile") sstpd against the
#                     hostile-client matrix (PROTOCOL.md 8, server's view),
#                     fd count, valgrind subset
#   tier-sstpd-qemu.sh (ITIERS name "sstpd-qemu") sstpd --pppd with real
#                     pppd and kernel PPP in the qemu guest, sstpc --tun
#   tier-sstpd-net.sh (ITIERS name "sstpd-net") sstpd in a namespace with
#                     sstpc --tun clients and the Python client as Windows
#   tier-sstpd-front.sh (ITIERS name "sstpd-front") sstpd behind haproxy
#                     (PROXY v1/v2, TLS offload) and SIGHUP certificate reload
#   tier-sstpd-1018.sh (ITIERS name "sstpd-1018") Debian's sstp-client 1.0.18
#                     (the reference client) against sstpd
#   tier-tun.sh       (ITIERS name "tun") the built-in mode, sstpc --tun,
#                     in two network namespaces against the test server's
#                     own TUN: ping, TCP, iperf3, the PPP bad-server rows
#   any other tier*.sh and check-*.sh in this directory (sorted), so that a
#   new tier is never left out silently
# Each tier ends with a line "[NAME: ]N passed, M failed"; this script prints
# the sum as its last line, "N passed, M failed", and exits non-zero if
# anything failed.  A tier that exits 77 (or is absent) could not run: that
# is a skip, but a failure under CI=true.  A tier that crashes or prints no
# summary counts as one failure.
# Environment: SSTPC, ITIERS="1 2 faults 3 4" to select tiers,
# TIER_TIMEOUT (seconds per tier, default 900), KEEP=1, JOBS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export SSTPC=${SSTPC:-$top/build-main/sstpc}
if [ -n "${ITIERS:-}" ]; then
	tiers=$ITIERS
else
	tiers="1 2 faults 3 4"
	for f in "$here"/tier*.sh "$here"/check-*.sh; do
		[ -f "$f" ] || continue
		case ${f##*/} in
		tier1-engine.sh | tier2-ppp.sh | tier-faults.sh | \
		    tier3-softether.sh | tier4-qemu.sh) ;;
		*) tiers="$tiers ${f##*/}" ;;
		esac
	done
fi
tmo=${TIER_TIMEOUT:-900}
passed=0
failed=0
skipped=()
bad=()

script_for() {
	case $1 in
	1) echo tier1-engine.sh ;;
	2) echo tier2-ppp.sh ;;
	faults) echo tier-faults.sh ;;
	3) echo tier3-softether.sh ;;
	4) echo tier4-qemu.sh ;;
	tun) echo tier-tun.sh ;;
	sstpd) echo tier-sstpd-smoke.sh ;;
	sstpd-hostile) echo tier-sstpd-hostile.sh ;;
	sstpd-qemu) echo tier-sstpd-qemu.sh ;;
	sstpd-net) echo tier-sstpd-net.sh ;;
	sstpd-front) echo tier-sstpd-front.sh ;;
	sstpd-1018) echo tier-sstpd-1018.sh ;;
	*) echo "$1" ;;
	esac
}

cannot_run() {	# name why
	if [ "${CI:-}" = true ]; then
		failed=$((failed + 1)); bad+=("$1 ($2)")
		echo "FAIL $1: cannot run: $2"
	else
		skipped+=("$1 ($2)")
		echo "SKIP $1: $2"
	fi
}

[ -x "$SSTPC" ] || echo "warning: no sstpc binary at $SSTPC" >&2
t_all=$(date +%s)
for t in $tiers; do
	s=$(script_for "$t")
	printf '\n=== %s\n' "$s"
	if [ ! -f "$here/$s" ]; then
		cannot_run "$s" "absent"
		continue
	fi
	out=$(mktemp "${TMPDIR:-/tmp}/itier.XXXXXX")
	t0=$(date +%s)
	timeout -k 10 "$tmo" bash "$here/$s" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	echo "($s: exit $rc, $(( $(date +%s) - t0 )) s)"
	line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)
	rm -f "$out"
	if [ "$rc" = 77 ]; then
		cannot_run "$s" "the tier reported it cannot run here"
		continue
	fi
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		failed=$((failed + 1)); bad+=("$s (timed out after $tmo s)")
	fi
	if [ -z "$line" ]; then
		failed=$((failed + 1)); bad+=("$s (no summary, exit $rc)")
		continue
	fi
	p=${line##*: }; p=${p%% passed*}
	f=${line##*passed, }; f=${f%% failed}
	passed=$((passed + p))
	failed=$((failed + f))
	# a non-zero exit with no failure counted is still a failure
	if [ "$f" = 0 ] && [ "$rc" != 0 ]; then
		failed=$((failed + 1)); bad+=("$s (exit $rc)")
	elif [ "$f" != 0 ]; then
		bad+=("$s ($f failed)")
	fi
done

printf '\n=== integration summary (%s s)\n' "$(( $(date +%s) - t_all ))"
[ ${#skipped[@]} -gt 0 ] && printf 'skipped: %s\n' "${skipped[@]}"
[ ${#bad[@]} -gt 0 ] && printf 'failed: %s\n' "${bad[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
