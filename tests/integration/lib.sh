#!/usr/bin/env bash
# tests/integration/lib.sh - helpers for the integration tiers.
#
# Each tier script sources this file, calls the case helpers, and ends with
# `finish`, which prints "N passed, M failed" and sets the exit status.
# Traffic goes only to 127.0.0.1 (and, inside tunnels, 192.0.2.0/24).
set -u
ITEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$ITEST_DIR/../.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
SSTPC=${SSTPC:-$TOP/build-main/sstpc}
SERVER="$TOP/tests/server/sstp_server.py"
STANDIN="$TOP/tests/standin/pppd-standin"
EVENTS="$PY $TOP/tests/lib/sstptest/events.py"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sstpc-itest.XXXXXX")
ITEST_PASS=0
ITEST_FAIL=0
ITEST_FAILED=()
SPID=
PORT=
TUSER=alice
TPASS='s3cret-p4ss"w\ord'

cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

pass() { ITEST_PASS=$((ITEST_PASS + 1)); printf 'ok   %s\n' "$1"; }
fail() {
	ITEST_FAIL=$((ITEST_FAIL + 1)); ITEST_FAILED+=("$1")
	printf 'FAIL %s%s\n' "$1" "${2:+: $2}"
	if [ -n "${CASE_DIR:-}" ] && [ -d "$CASE_DIR" ]; then
		for f in "$CASE_DIR"/sstpc.log "$CASE_DIR"/server.err; do
			[ -s "$f" ] && { echo "  --- $(basename "$f") (tail)"; tail -15 "$f" | sed 's/^/  | /'; }
		done
	fi
}

finish() {
	echo "${TIER_NAME:-integration}: $ITEST_PASS passed, $ITEST_FAIL failed"
	[ ${#ITEST_FAILED[@]} -gt 0 ] && printf '  failed: %s\n' "${ITEST_FAILED[@]}"
	[ "$ITEST_FAIL" -eq 0 ]
}

# Test PKI, made fresh for every run (nothing committed).
PKI="$WORK/pki"
sh "$TOP/tests/lib/mkcerts.sh" "$PKI" >/dev/null 2>&1 || { echo "mkcerts failed"; exit 1; }

# start_server CASE_DIR CERTNAME [server args...]: sets SPID, PORT
start_server() {
	local dir=$1 cert=$2
	shift 2
	rm -f "$dir/port"
	"$PY" "$SERVER" --listen 127.0.0.1:0 --cert "$PKI/$cert.pem" \
		--key "$PKI/$cert.key" --events "$dir/events.jsonl" \
		--port-file "$dir/port" --user "$TUSER" --password "$TPASS" \
		"$@" >"$dir/server.out" 2>"$dir/server.err" &
	SPID=$!
	local i=0
	while [ ! -s "$dir/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	PORT=$(cat "$dir/port" 2>/dev/null)
	[ -n "$PORT" ]
}

stop_server() {
	[ -n "$SPID" ] || return 0
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=
}

# new_case NAME: a fresh directory in CASE_DIR
new_case() {
	CASE_NAME=$1
	CASE_DIR="$WORK/$1"
	mkdir -p "$CASE_DIR"
}

# run_sstpc TIMEOUT ARGS...: runs sstpc with a log file; sets RC and ELAPSED
run_sstpc() {
	local t=$1
	shift
	local t0 t1
	t0=$(date +%s%N)
	timeout -k 2 "$t" "$SSTPC" --log-file "$CASE_DIR/sstpc.log" "$@" \
		>"$CASE_DIR/sstpc.out" 2>"$CASE_DIR/sstpc.err" </dev/null
	RC=$?
	t1=$(date +%s%N)
	ELAPSED=$(( (t1 - t0) / 1000000 ))
}

# has_event SPEC...: events.py assertions on the case's event file
has_event() { $EVENTS "$CASE_DIR/events.jsonl" "$@" >/dev/null 2>&1; }
# log_has REGEX: the sstpc log (level chosen by the case) matches
log_has() { grep -Eq -- "$1" "$CASE_DIR/sstpc.log" "$CASE_DIR/sstpc.err" 2>/dev/null; }
