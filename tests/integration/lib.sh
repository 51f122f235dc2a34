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

# ---------------------------------------------------------------------------
# Added for tiers 1, 2 and faults: parallel cases, background sstpc, the
# standard launch-mode command line.  Everything below only adds helpers.
# ---------------------------------------------------------------------------
PWFILE="$WORK/password"
printf '%s\n' "$TPASS" >"$PWFILE"
chmod 600 "$PWFILE"
SSTPC_PID=

# run_cases JOBS NAME...: runs the functions case_NAME in parallel (at most
# JOBS at a time), each in its own subshell with its own server; prints their
# ok/FAIL lines in the given order and adds their counts to this shell's.
run_cases() {
	local jobs=$1 n running=0 f cnt
	shift
	mkdir -p "$WORK/_res"
	for n in "$@"; do
		(
			ITEST_PASS=0 ITEST_FAIL=0 ITEST_FAILED=() SPID='' SSTPC_PID=''
			trap 'case_cleanup' EXIT
			"case_$n"
			printf '%s %s\n' "$ITEST_PASS" "$ITEST_FAIL" >"$WORK/_res/$n.cnt"
			[ ${#ITEST_FAILED[@]} -gt 0 ] &&
				printf '%s\n' "${ITEST_FAILED[@]}" >"$WORK/_res/$n.failed"
		) >"$WORK/_res/$n.out" 2>&1 &
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then
			wait -n 2>/dev/null
			running=$((running - 1))
		fi
	done
	wait
	for n in "$@"; do
		cat "$WORK/_res/$n.out" 2>/dev/null
		f="$WORK/_res/$n.cnt"
		if [ ! -s "$f" ]; then
			ITEST_FAIL=$((ITEST_FAIL + 1)); ITEST_FAILED+=("$n")
			echo "FAIL $n: case did not finish"
			continue
		fi
		read -r cnt <"$f"
		ITEST_PASS=$((ITEST_PASS + ${cnt% *}))
		ITEST_FAIL=$((ITEST_FAIL + ${cnt#* }))
		[ -s "$WORK/_res/$n.failed" ] &&
			mapfile -t -O "${#ITEST_FAILED[@]}" ITEST_FAILED <"$WORK/_res/$n.failed"
	done
}

# case_cleanup: stop what a case started (its server, a stray sstpc)
case_cleanup() {
	[ -n "${SSTPC_PID:-}" ] && kill -9 "$SSTPC_PID" 2>/dev/null
	stop_server
}

# proc_alive PID: the process exists and is not a zombie
proc_alive() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

# sstpc_bg ARGS...: starts sstpc in the background with the case's log file
# (fd 3 is the password file unless the caller redirects it); sets SSTPC_PID
sstpc_bg() {
	SSTPC_T0=$(date +%s%N)
	"$SSTPC" --log-file "$CASE_DIR/sstpc.log" "$@" \
		>"$CASE_DIR/sstpc.out" 2>"$CASE_DIR/sstpc.err" </dev/null &
	SSTPC_PID=$!
}

# sstpc_wait TIMEOUT: waits for the background sstpc; sets RC and ELAPSED
# (ms since sstpc_bg); after TIMEOUT seconds it is killed and RC=124
sstpc_wait() {
	local end=$(( $(date +%s%N) + $1 * 1000000000 ))
	RC=
	while proc_alive "$SSTPC_PID"; do
		if [ "$(date +%s%N)" -ge "$end" ]; then
			kill -9 "$SSTPC_PID" 2>/dev/null
			wait "$SSTPC_PID" 2>/dev/null
			RC=124
			break
		fi
		sleep 0.05
	done
	if [ -z "$RC" ]; then
		wait "$SSTPC_PID" 2>/dev/null
		RC=$?
	fi
	SSTPC_END=$(date +%s%N)
	ELAPSED=$(( (SSTPC_END - SSTPC_T0) / 1000000 ))
	SSTPC_PID=
	# NET_MS: from sstpc's first "connecting to" log line to its exit, so
	# that time bounds leave out process start-up (slow under sanitizers)
	local t
	t=$(log_ms 'connecting to')
	if [ -n "$t" ]; then
		NET_MS=$(( SSTPC_END / 1000000 - t ))
	else
		NET_MS=$ELAPSED
	fi
}

# log_ms REGEX: epoch milliseconds of the first sstpc.log line matching REGEX
# (lines start "YYYY-MM-DD HH:MM:SS.mmm"); empty if none
log_ms() {
	local l
	l=$(grep -Em1 -- "$1" "$CASE_DIR/sstpc.log" 2>/dev/null | cut -c1-23)
	[ -n "$l" ] && date -d "$l" +%s%3N 2>/dev/null
}

# wait_file_re FILE REGEX SECONDS: polls until FILE matches REGEX
wait_file_re() {
	local end=$(( $(date +%s%N) + $3 * 1000000000 ))
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		[ "$(date +%s%N)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

# wait_event SECONDS SPEC...: events.py --wait on the case's event file
wait_event() {
	local t=$1
	shift
	$EVENTS --wait "$t" "$CASE_DIR/events.jsonl" "$@" >/dev/null 2>&1
}

# standin_env: the stand-in writes its report and log into the case dir,
# pings twice and ends the link after HOLD seconds (default 1)
standin_env() {
	export STANDIN_REPORT="$CASE_DIR/report.json"
	export STANDIN_LOG="$CASE_DIR/standin.log"
	export STANDIN_PING=${STANDIN_PING:-2}
	export STANDIN_HOLD=${1:-1}
}

# launch_args: sets the array LA to the sstpc options of a launch-mode
# session with the stand-in, the test CA, the password on fd 3 and a
# per-case plugin socket name.  Use as:
#   launch_args; sstpc_bg "${LA[@]}" localhost:$PORT lcp-restart 1 3<"$PWFILE"
launch_args() {
	LA=(--ca-cert "$PKI/ca.pem" --log-level 3 --user "$TUSER"
		--password-fd 3 --pppd "$STANDIN" --ipparam "it-$CASE_NAME-$$")
}

# report_get EXPR: a value from the stand-in's JSON report (python expr on r)
report_get() {
	"$PY" -c 'import json,sys
r=json.load(open(sys.argv[1]))
v=eval(sys.argv[2])
print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' \
		"$CASE_DIR/report.json" "$1" 2>/dev/null
}

# ev_get NAME FIELD: FIELD of the first NAME event of the case
ev_get() {
	"$PY" -c 'import json,sys
for l in open(sys.argv[1]):
    try: e=json.loads(l)
    except ValueError: continue
    if e.get("event")==sys.argv[2]:
        v=e.get(sys.argv[3]); print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v); break' \
		"$CASE_DIR/events.jsonl" "$1" "$2" 2>/dev/null
}

# standin_pids: pids of stand-in processes whose report goes to this case
standin_pids() {
	local p a1
	for p in $(pgrep -f "pppd-standin" 2>/dev/null); do
		# argv[1] is the script (argv[0] the interpreter); not sstpc
		a1=$(tr '\0' '\n' 2>/dev/null <"/proc/$p/cmdline" | sed -n 2p)
		case $a1 in */pppd-standin) ;; *) continue ;; esac
		grep -qz "^STANDIN_REPORT=$CASE_DIR/report.json$" \
			"/proc/$p/environ" 2>/dev/null && echo "$p"
	done
}

# expect COND MSG: records a failure reason (checked by verdict)
expect() {
	if ! eval "$1"; then
		CASE_WHY="${CASE_WHY:+$CASE_WHY; }${2:-$1}"
	fi
}

# verdict NAME: pass if every expect held, else fail with the reasons
verdict() {
	# an ASan/UBSan build reports on stderr: always a failure
	if grep -Eqs 'Sanitizer|runtime error:' "$CASE_DIR/sstpc.err"; then
		CASE_WHY="${CASE_WHY:+$CASE_WHY; }sanitizer report in sstpc.err"
	fi
	if [ -z "${CASE_WHY:-}" ]; then
		pass "$1"
	else
		fail "$1" "$CASE_WHY (rc=${RC:-?}, ${ELAPSED:-?} ms, net ${NET_MS:-?} ms)"
	fi
	CASE_WHY=
}
