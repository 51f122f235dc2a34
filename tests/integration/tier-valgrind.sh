#!/usr/bin/env bash
# tests/integration/tier-valgrind.sh - a subset of the bad-server matrix and
# the faults under valgrind: zero memory errors and no definite leaks, in
# the normal path and in every kind of ending (HTTP refusal, SSTP abort,
# certificate refusal, connection reset, signal).  The sstpc process is
# checked, and its privileged monitor (a fork, same binary), not pppd.
. "$(dirname "$0")/lib.sh"
TIER_NAME=valgrind
command -v valgrind >/dev/null || { echo "valgrind missing"; exit 1; }
REAL_SSTPC=$SSTPC
SSTPC="$WORK/sstpc-vg"
cat >"$SSTPC" <<WRAP
#!/bin/sh
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite \\
	--error-exitcode=99 --log-file="\$VG_LOG.%p" "$REAL_SSTPC" "\$@"
WRAP
chmod +x "$SSTPC"

# vg_clean: no error in any valgrind log of the case
vg_clean() {
	! grep -qsE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|Invalid (read|write)|uninitialised' \
		"$CASE_DIR"/vg.log.*
}

# vg_case NAME EXPECTED_RC CERT "SERVER ARGS" [extra sstpc args]
vg_case() {
	local name=$1 want=$2 cert=$3 sargs=$4
	shift 4
	new_case "vg-$name"
	export VG_LOG="$CASE_DIR/vg.log"
	# shellcheck disable=SC2086
	start_server "$CASE_DIR" "$cert" --once --ppp-restart 1 $sargs || {
		fail "vg-$name" "server did not start"; return; }
	standin_env 1
	launch_args
	sstpc_bg "${LA[@]}" "$@" localhost:"$PORT" lcp-restart 1 3<"$PWFILE"
	sstpc_wait 90
	expect '[ "$RC" = "$want" ]' "exit $RC, want $want"
	expect vg_clean "valgrind reported errors (see vg.log.*)"
	verdict "vg-$name"
	stop_server
}

case_full() { vg_case full 0 valid "--auth mschapv2"; }
case_http404() { vg_case http404 5 valid "--scenario http-status-404"; }
case_hashnone() { vg_case hashnone 6 valid "--scenario hash-none"; }
case_badname() { vg_case badname 4 wrongname ""; }
case_nak() { vg_case nak2 0 valid "--auth mschapv2 --scenario nak-2"; }
case_rst() { vg_case rst 8 valid "--auth mschapv2 --scenario rst-mid --trigger-delay 1"; }
case_sigterm() {
	new_case vg-sigterm
	export VG_LOG="$CASE_DIR/vg.log"
	start_server "$CASE_DIR" valid --once --ppp-restart 1 --auth mschapv2 || {
		fail vg-sigterm "server did not start"; return; }
	standin_env forever
	launch_args
	sstpc_bg "${LA[@]}" localhost:"$PORT" lcp-restart 1 3<"$PWFILE"
	wait_event 60 call_connected
	sleep 1
	kill -TERM "$SSTPC_PID"
	sstpc_wait 60
	expect '[ "$RC" = 10 ]' "exit $RC, want 10"
	expect 'has_event disconnect_received' "no Call Disconnect at the server"
	expect vg_clean "valgrind reported errors (see vg.log.*)"
	verdict vg-sigterm
	stop_server
}

run_cases 2 full http404 hashnone badname nak rst sigterm
finish
