#!/usr/bin/env bash
# tests/integration/tier-faults.sh - faults: the server dies mid-session,
# signals to sstpc in every phase, pppd killed, bad pppd path, usage errors.
# Checks the exit status (sstpc(8) EXIT STATUS), a time bound, the Call
# Disconnect where the link is up, no orphaned stand-in and no socket left.
# Environment: SSTPC, JOBS (default 8), KEEP=1, CASES="name ...".
. "$(dirname "$0")/lib.sh"
TIER_NAME=faults
RUNDIR=/var/run/sstpc

# case_procs: processes whose command line carries this case's --ipparam:
# sstpc, its monitor, the child it forked for pppd, the stand-in
case_procs() { pgrep -f -- "it-$CASE_NAME-$$" 2>/dev/null; }

# no_orphans: nothing of this case is left running (within 3 s)
no_orphans() {
	local i
	for i in $(seq 60); do
		[ -z "$(standin_pids)" ] && [ -z "$(case_procs)" ] && return 0
		sleep 0.05
	done
	return 1
}

# plugin_session HOLD [server args...]: a launch-mode session in 1.0.18
# plugin mode (the stand-in plays sstp-pppd-plugin.so on sstp-sock), so
# that the sstp-api socket exists; sets SOCK; sstpc runs in the background
plugin_session() {
	local hold=$1
	shift
	SOCK="$RUNDIR/sstpc-it-$CASE_NAME-$$"
	start_server "$CASE_DIR" valid --once --ppp-restart 1 "$@" ||
		CASE_WHY="server did not start"
	standin_env "$hold"
	STANDIN_PASSWORD=$TPASS sstpc_bg --ca-cert "$PKI/ca.pem" --log-level 3 \
		--user "$TUSER" --pppd "$STANDIN" --ipparam "it-$CASE_NAME-$$" \
		"localhost:$PORT" lcp-restart 1 plugin sstp-pppd-plugin.so \
		sstp-sock "$SOCK"
}

# ms_since T0_NS: milliseconds since a date +%s%N stamp
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# --- the server goes away mid-session -----------------------------------------
server_gone() {	# label [server args]
	local l=$1
	shift
	new_case "gone-$l"
	plugin_session forever "$@"
	if [ "$l" = kill9 ]; then
		wait_event 8 ipcp_up
		sleep 0.5
		T0=$(date +%s%N)
		kill -9 "$SPID"
		wait "$SPID" 2>/dev/null
		SPID=
	else
		wait_event 8 ipcp_up
		T0=$(date +%s%N)
	fi
	sstpc_wait 15
	GONE_MS=$(ms_since "$T0")
	expect '[ "$RC" = 8 ]' "exit $RC, want 8"
	expect 'has_event call_connected:binding=ok' "never connected"
	expect '[ "$GONE_MS" -lt 4000 ]' "exit ${GONE_MS}ms after the fault"
	expect 'no_orphans' "stand-in left running"
	expect '[ ! -e "$SOCK" ]' "socket $SOCK left behind"
	verdict "fault: server $l mid-session -> exit 8, no orphan, socket removed"
}
case_gone_rst() { server_gone rst-mid --scenario rst-mid --trigger-delay 1; }
case_gone_tlsclose() { server_gone tls-close-mid --scenario tls-close-mid --trigger-delay 1; }
case_gone_kill9() { server_gone kill9; }

# --- SIGTERM (and friends) to sstpc in each phase ------------------------------
# blackhole MODE: a loopback listener that never answers; "connect": its
# accept queue is full so SYNs go unanswered; "tls": connections complete
# but nothing is ever read.  Sets BHPID and BHPORT.
blackhole() {
	"$PY" - "$1" "$CASE_DIR/bhport" <<'PYEOF' >/dev/null 2>&1 &
import os, socket, sys, time
mode, pf = sys.argv[1], sys.argv[2]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0 if mode == "connect" else 16)
keep = []
if mode == "connect":
    for _ in range(3):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(s.getsockname())
        except BlockingIOError:
            pass
        keep.append(c)
    time.sleep(0.3)
open(pf + ".tmp", "w").write("%d\n" % s.getsockname()[1])
os.rename(pf + ".tmp", pf)
time.sleep(120)
PYEOF
	BHPID=$!
	local i=0
	while [ ! -s "$CASE_DIR/bhport" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	BHPORT=$(cat "$CASE_DIR/bhport" 2>/dev/null)
}

sig_phase() {	# label signal log-regex (then: server|bh-connect|bh-tls|server-args)
	local l=$1 sig=$2 re=$3 how=$4 target
	shift 4
	new_case "sig-$l"
	case $how in
	bh-*)
		blackhole "${how#bh-}"
		target="localhost:$BHPORT" ;;
	*)
		start_server "$CASE_DIR" valid --once --ppp-restart 1 "$@" ||
			CASE_WHY="server did not start"
		target="localhost:$PORT" ;;
	esac
	standin_env forever
	launch_args
	sstpc_bg "${LA[@]}" --connect-timeout 30 --handshake-timeout 30 \
		"$target" lcp-restart 1 3<"$PWFILE"
	if ! wait_file_re "$CASE_DIR/sstpc.log" "$re" 10; then
		CASE_WHY="phase /$re/ not reached"
	fi
	sleep 0.5
	STANDINS=$(standin_pids)
	T0=$(date +%s%N)
	kill -"$sig" "$SSTPC_PID"
	sstpc_wait 15
	SIG_MS=$(ms_since "$T0")
	[ -n "${BHPID:-}" ] && kill "$BHPID" 2>/dev/null
	# pppd is exec'd only once the Call Connect Ack has come
	if [ "$how" = server-connected ]; then
		expect '[ -n "$STANDINS" ]' "no stand-in was running"
	else
		expect '[ -z "$STANDINS" ]' "pppd ran before the Call Connect Ack"
	fi
	expect '[ "$RC" = 10 ]' "exit $RC, want 10"
	expect '[ "$SIG_MS" -lt 3000 ]' "exit ${SIG_MS}ms after SIG$sig"
	expect 'no_orphans' "stand-in left running"
	if [ "$how" = server-connected ]; then
		expect 'wait_event 2 disconnect_received' "no Call Disconnect sent"
		expect 'has_event disconnect_ack_sent' "server did not ack"
	fi
	local extra=
	[ "$how" = server-connected ] && extra=", Call Disconnect sent"
	verdict "signal: SIG$sig while ${l%-*} -> exit 10 in <3 s$extra"
}
case_sig_connect() { sig_phase connect TERM 'connecting to 127' bh-connect; }
case_sig_tls() { sig_phase tls TERM 'TCP connected' bh-tls; }
case_sig_http() { sig_phase http TERM 'SSTP_DUPLEX_POST' server --scenario no-http-response; }
case_sig_connected() { sig_phase connected TERM 'call connected after' server-connected; }
case_sig_connected_int() { sig_phase connected-int INT 'call connected after' server-connected; }
case_sig_connected_hup() { sig_phase connected-hup HUP 'call connected after' server-connected; }

# --- pppd killed --------------------------------------------------------------
case_pppd_killed() {
	local p
	new_case pppd-killed
	plugin_session forever
	wait_event 8 ipcp_up
	sleep 0.3
	p=$(standin_pids)
	T0=$(date +%s%N)
	[ -n "$p" ] && kill -9 $p
	sstpc_wait 15
	KILL_MS=$(ms_since "$T0")
	expect '[ -n "$p" ]' "no stand-in to kill"
	expect '[ "$RC" = 9 ]' "exit $RC, want 9 (pppd exited with an error)"
	expect '[ "$KILL_MS" -lt 3000 ]' "exit ${KILL_MS}ms after the kill"
	expect 'wait_event 2 disconnect_received' "no Call Disconnect sent"
	expect '[ ! -e "$SOCK" ]' "socket left behind"
	verdict "fault: stand-in killed -9 -> Call Disconnect, exit 9"
}

case_pppd_badpath() {
	new_case pppd-badpath
	start_server "$CASE_DIR" valid --once || CASE_WHY="server did not start"
	launch_args
	LA[${#LA[@]}-3]=/nonexistent/dir/pppd	# the --pppd value
	sstpc_bg "${LA[@]}" "localhost:$PORT" 3<"$PWFILE"
	sstpc_wait 10
	expect '[ "$RC" = 9 ]' "exit $RC, want 9"
	expect '[ "$ELAPSED" -lt 2000 ]' "took ${ELAPSED}ms"
	expect 'log_has "/nonexistent/dir/pppd"' "message does not name the path"
	verdict "pppd: bad --pppd path -> exit 9 naming it"
}
case_pppd_notexec() {
	new_case pppd-notexec
	start_server "$CASE_DIR" valid --once || CASE_WHY="server did not start"
	launch_args
	LA[${#LA[@]}-3]=$PKI/ca.pem
	sstpc_bg "${LA[@]}" "localhost:$PORT" 3<"$PWFILE"
	sstpc_wait 10
	expect '[ "$RC" = 9 ]' "exit $RC, want 9"
	expect '[ "$ELAPSED" -lt 2000 ]' "took ${ELAPSED}ms"
	expect 'log_has "ca.pem"' "message does not name the path"
	verdict "pppd: non-executable --pppd -> exit 9 naming it"
}

# --- launch mode, the connection fails before the Ack: one line, no pppd ------
# pppd is forked early (privileges) but exec'd only after the Call Connect
# Ack, so a failure before that shows sstpc's line and nothing else: no pppd
# usage text about a pty that is gone, no "Modem hangup".  The stand-in gets
# no STANDIN_LOG, so, like pppd, it would print on stderr if it ran; its
# report file shows whether it ran at all.
# nxdns: a DNS stub answering NXDOMAIN (tests/lib/nxdns.py); sstpc runs in
# a mount namespace whose /etc/resolv.conf names it, so no query leaves the
# machine.  Sets NS (the command prefix) and DNSPID.
nxdns() {
	local i=0
	"$PY" "$TOP/tests/lib/nxdns.py" --port-file "$CASE_DIR/dnsport" \
		--log "$CASE_DIR/dns.log" 2>"$CASE_DIR/dns.err" &
	DNSPID=$!
	while [ ! -s "$CASE_DIR/dnsport" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	echo "nameserver 127.0.0.1:$(cat "$CASE_DIR/dnsport" 2>/dev/null)" \
		>"$CASE_DIR/resolv.conf"
	NS=(unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift &&
		exec "$@"' sh "$CASE_DIR/resolv.conf")
}
# deadns: the same, in a network namespace of its own as well (loopback
# down, no route at all): every query fails at sendto() with "Network is
# unreachable", nothing leaves the namespace.  evdns keeps retrying a
# failed server, so the deadline ends it; libevent's own lines ("[msg]
# All nameservers have failed") go to sstpc's log, not to stderr.
deadns() {
	echo "nameserver 127.0.0.1" >"$CASE_DIR/resolv.conf"
	NS=(unshare -n -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift &&
		exec "$@"' sh "$CASE_DIR/resolv.conf")
}
early_fail() {	# label server regex
	local l=$1 target=$2 re=$3 extra=()
	new_case "early-$l"
	NS=() DNSPID=
	[ "$l" = unresolvable ] && nxdns
	[ "$l" = nameserver-down ] && { deadns; extra=(--connect-timeout 2); }
	T0=$(date +%s%N)
	STANDIN_REPORT="$CASE_DIR/report.json" timeout -k 2 20 "${NS[@]}" \
		"$SSTPC" --log-stderr "${extra[@]}" --user "$TUSER" --password-fd 3 \
		--pppd "$STANDIN" --ipparam "it-$CASE_NAME-$$" "$target" \
		3<"$PWFILE" >"$CASE_DIR/out" 2>"$CASE_DIR/err" </dev/null
	RC=$?
	ELAPSED=$(ms_since "$T0")
	expect 'no_orphans' "processes left running: $(case_procs | tr '\n' ' ')"
	[ -n "$DNSPID" ] && kill "$DNSPID" 2>/dev/null
	expect '[ "$RC" = 3 ]' "exit $RC, want 3"
	expect '[ "$ELAPSED" -lt 5000 ]' "took ${ELAPSED}ms"
	expect '[ "$(wc -l <"$CASE_DIR/err")" = 1 ] && grep -Eq "^sstpc: $re" "$CASE_DIR/err"' \
		"stderr is not just sstpc's line: $(head -c 300 "$CASE_DIR/err" | tr '\n' '|')"
	expect '[ ! -s "$CASE_DIR/out" ]' "output on stdout"
	expect '[ ! -e "$CASE_DIR/report.json" ]' "the stand-in (pppd) was exec'd"
	[ "$l" = unresolvable ] && expect 'grep -qi "^nonexistent.invalid " "$CASE_DIR/dns.log"' \
		"the name was not asked of the stub"
	verdict "launch: $l server -> exit 3, stderr only sstpc's line, pppd never exec'd"
}
case_early_unresolvable() {
	early_fail unresolvable nonexistent.invalid 'cannot resolve nonexistent\.invalid'
}
case_early_nameserver_down() {
	early_fail nameserver-down nonexistent.invalid \
		'cannot resolve nonexistent\.invalid: no answer from the name servers$'
}
case_early_refused() {
	local port
	port=$(free_port)
	early_fail refused "127.0.0.1:$port" "cannot connect to 127\.0\.0\.1 port $port: Connection refused"
}

# --- pty mode with a standard input/output that cannot be polled -------------
# (/dev/null, a file): one sstpc line naming it, exit 9, no libevent
# "[warn] Epoll ADD(1) on fd 0 failed", no connection attempted.
pty_unpollable() {	# label which(input|output) description
	local l=$1 which=$2 port
	port=$(free_port)
	new_case "pty-$l"
	T0=$(date +%s%N)
	if [ "$which" = input ]; then
		timeout -k 2 10 "$SSTPC" --nolaunchpppd --log-stderr \
			--user "$TUSER" --password-fd 3 --ipparam "it-$CASE_NAME-$$" \
			"127.0.0.1:$port" 3<"$PWFILE" </dev/null \
			>"$CASE_DIR/out" 2>"$CASE_DIR/err"
		RC=$?
	else
		: | timeout -k 2 10 "$SSTPC" --nolaunchpppd --log-stderr \
			--user "$TUSER" --password-fd 3 --ipparam "it-$CASE_NAME-$$" \
			"127.0.0.1:$port" 3<"$PWFILE" \
			>"$CASE_DIR/out" 2>"$CASE_DIR/err"
		RC=${PIPESTATUS[1]}
	fi
	ELAPSED=$(ms_since "$T0")
	expect '[ "$RC" = 9 ]' "exit $RC, want 9"
	expect '[ "$ELAPSED" -lt 2000 ]' "took ${ELAPSED}ms"
	expect '[ "$(wc -l <"$CASE_DIR/err")" = 1 ] && grep -q "^sstpc: --nolaunchpppd: standard $which cannot be polled" "$CASE_DIR/err"' \
		"stderr is not one line naming standard $which: $(head -c 300 "$CASE_DIR/err" | tr '\n' '|')"
	expect '[ ! -s "$CASE_DIR/out" ]' "output written to stdout"
	verdict "pty mode: $3 -> one line naming standard $which, exit 9"
}
# free_port: a loopback port nothing listens on (bound, then closed)
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
case_pty_devnull() { pty_unpollable devnull input "stdin /dev/null"; }
case_pty_stdout_file() { pty_unpollable stdout-file output "stdout to a file"; }

# --- usage errors: exit 2 with one line ------------------------------------------
usage_case() {	# label args...
	local l=$1
	shift
	new_case "usage-$l"
	T0=$(date +%s%N)
	timeout 5 "$SSTPC" "$@" >"$CASE_DIR/out" 2>"$CASE_DIR/err" </dev/null
	RC=$?
	ELAPSED=$(ms_since "$T0")
	expect '[ "$RC" = 2 ]' "exit $RC, want 2"
	expect '[ "$(wc -l <"$CASE_DIR/err")" = 1 ]' "$(wc -l <"$CASE_DIR/err") lines on stderr: $(head -c 200 "$CASE_DIR/err")"
	expect '[ ! -s "$CASE_DIR/out" ]' "output on stdout"
	expect '[ "$ELAPSED" -lt 1000 ]' "took ${ELAPSED}ms"
	verdict "usage: $l -> exit 2, one line"
}
case_usage_unknown() { usage_case unknown-option --no-such-option localhost; }
case_usage_noarg() { usage_case missing-argument localhost --log-level; }
case_usage_twopw() { usage_case two-passwords --user a --password x --password-file /etc/hostname localhost; }
case_usage_noserver() { usage_case no-server --user a; }

ALL_CASES="gone_rst gone_tlsclose gone_kill9 sig_connect sig_tls sig_http
sig_connected sig_connected_int sig_connected_hup pppd_killed pppd_badpath
pppd_notexec early_unresolvable early_nameserver_down early_refused pty_devnull
pty_stdout_file
usage_unknown usage_noarg usage_twopw usage_noserver"

if [ ! -x "$SSTPC" ]; then
	echo "faults: no sstpc binary at $SSTPC"
	fail "sstpc-binary"
	finish
	exit
fi
# shellcheck disable=SC2086
run_cases "${JOBS:-8}" ${CASES:-$ALL_CASES}
finish
