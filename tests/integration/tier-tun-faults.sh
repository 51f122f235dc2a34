#!/usr/bin/env bash
# tests/integration/tier-tun-faults.sh - faults in the built-in mode (sstpc
# --tun, issue 12 "Staying up"), in the network namespaces of lib-netns.sh
# against the Python test server with a TUN of its own:
#   - the server killed (kill -9) without --persist: exit 8 at once, nothing
#     left (no address, no route, sstp0 gone: sstpc created it);
#   - with --persist: reconnects to the restarted server on the same sstp0
#     (same ifindex), ping works again, the --route is still there; with a
#     logging --script the reasons come in order (pre-init, connect,
#     attempt-reconnect, reconnect, disconnect); a server handing out
#     another address: the new one replaces the old;
#   - --persist --maxfail 2 with the server gone for good: gives up after
#     two attempts with the last failure's status (3: connection refused);
#   - authentication refused under --persist: not retried, exit 7;
#   - sstp0 deleted under sstpc: exit 1, one line naming the device;
#   - --script failing on connect: exit 1 naming the script's status;
#   - SIGTERM while connecting, in TLS, in the SSTP negotiation, in PPP
#     (LCP unanswered), with the network up, and while waiting to
#     reconnect: exit 10 within 5 s, nothing left.
# Each case takes seconds.  Needs root, /dev/net/tun, ip netns and ping;
# exits 77 (cannot run) without them.
# Environment: SSTPC, JOBS (default 4), KEEP=1, CASES="name ...".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-netns.sh"
TIER_NAME=tier-tun-faults

if ! why=$(netns_can_run); then
	echo "tier-tun-faults: cannot run: $why"
	exit 77
fi
command -v ping >/dev/null 2>&1 || { echo "tier-tun-faults: cannot run: no ping"; exit 77; }

# nothing_left: no sstp0 in the client namespace (sstpc created it), no
# tunnel address on any interface, no route through the tunnel (within 3 s)
nothing_left() {
	for _ in $(seq 30); do
		if ! ip -n "$NSC" link show dev sstp0 >/dev/null 2>&1 &&
		    ! ip -n "$NSC" -4 addr show | grep -q "inet 192.0.2.[0-9]* peer" &&
		    ! ip -n "$NSC" route | grep -q "sstp0\|192.0.2.128"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}
left_desc() {
	echo "left: $(ip -n "$NSC" -brief addr 2>/dev/null | tr '\n' ';') routes: $(ip -n "$NSC" route 2>/dev/null | tr '\n' ';')"
}

# ifindex DEV: DEV's index in the client namespace
ifindex() { ip -n "$NSC" -o link show dev "${1:-sstp0}" 2>/dev/null | cut -d: -f1; }

# server_again [ARGS]: the server again in NSS, on the same port as before;
# SRV_PEER: the client's address it hands out (default 192.0.2.2)
server_again() {
	local i
	ip netns exec "$NSS" "$PY" "$SERVER" --listen "$NS_SRV_VETH:$PORT" \
		--tun srv0 --ifid "$TUN_SRV_IFID" --cert "$PKI/valid.pem" \
		--key "$PKI/valid.key" --events "$CASE_DIR/events2.jsonl" \
		--user "$TUSER" --password "$TPASS" --once --ppp-restart 1 "$@" \
		>"$CASE_DIR/server2.out" 2>"$CASE_DIR/server2.err" &
	SPID=$!
	for i in $(seq 100); do
		ip -n "$NSS" link show dev srv0 >/dev/null 2>&1 && break
		sleep 0.05
	done
	ip -n "$NSS" addr add "$TUN_SRV_IP" peer "${SRV_PEER:-$TUN_CLI_IP}" dev srv0 &&
		ip -n "$NSS" link set srv0 up
}

# ipcp_up_count N: sstpc logged "IPCP is up" N times (within 10 s)
ipcp_up_count() {
	for _ in $(seq 100); do
		[ "$(grep -c "IPCP is up" "$CASE_DIR/sstpc.log")" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# kill_server: SIGKILL to the server (its TUN goes with it)
kill_server() {
	kill -9 "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=
}

# start [SERVERARGS] -- SSTPCARGS: namespaces, the server, sstpc --tun=sstp0
start() {
	local sa=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sa+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	netns_up "$CASE_NAME" || { CASE_WHY="namespaces not made"; return 1; }
	if ! tun_server --once --ppp-restart 1 "${sa[@]}"; then
		CASE_WHY="server did not start ($(tail -1 "$CASE_DIR/server.err" 2>/dev/null))"
		return 1
	fi
	tun_sstpc --tun=sstp0 "$@"
}

# up_or_why: sstp0 up with the tunnel address within 15 s, else a reason
up_or_why() {
	wait_tun_up sstp0 15 && return 0
	CASE_WHY="${CASE_WHY:+$CASE_WHY; }sstp0 never came up"
	return 1
}

# term_within SECONDS: SIGTERM to sstpc; RC
term_within() {
	kill -TERM "$SSTPC_PID" 2>/dev/null
	local t0
	t0=$(date +%s%N)
	sstpc_wait "$1"
	TERM_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}

end_case() {
	verdict "$1"
	[ -n "$SSTPC_PID" ] && { kill -9 "$SSTPC_PID" 2>/dev/null; wait "$SSTPC_PID" 2>/dev/null; SSTPC_PID=; }
	stop_server
	netns_down
}

# --- the server killed ------------------------------------------------------
case_kill_nopersist() {
	new_case kill-nopersist
	if start -- --route 192.0.2.128/25 && up_or_why; then
		kill_server
		sstpc_wait 5
		expect '[ "$RC" = 8 ]' "exit $RC, want 8"
		expect 'nothing_left' "$(left_desc)"
		expect 'log_has "connection to the server lost"' "no line naming the loss"
	fi
	end_case "tun faults: server killed, no --persist -> exit 8 within 5 s, nothing left"
}

case_persist_reconnect() {
	new_case persist-reconnect
	local idx1 idx2
	if start -- --persist --holdoff 2 --route 192.0.2.128/25 && up_or_why; then
		must_ping 2 "ping before"
		idx1=$(ifindex)
		kill_server
		expect 'wait_file_re "$CASE_DIR/sstpc.log" "reconnect attempt 1 in 1 s \(connection to the server lost" 5' \
			"no 'reconnect attempt 1 in 1 s (...)' line"
		server_again
		# attempt 1 after 1 s (refused if too early), attempt 2 2 s later
		expect 'wait_file_re "$CASE_DIR/sstpc.log" "host configuration of sstp0 kept: the same addresses" 10' \
			"never reconnected, or reconfigured (IPv4 or IPv6 address changed)"
		expect 'ipcp_up_count 2' "IPCP not up again"
		expect '! log_has "other addresses"' "reconfigured after the reconnect"
		idx2=$(ifindex)
		expect '[ -n "$idx1" ] && [ "$idx1" = "$idx2" ]' "ifindex $idx1 before, $idx2 after"
		must_ping 2 "ping after the reconnect"
		expect 'ip -n "$NSC" route show 192.0.2.128/25 | grep -q "dev sstp0"' \
			"--route gone after the reconnect: $(ip -n "$NSC" route | tr '\n' ';')"
		term_within 5
		expect '[ "$RC" = 10 ]' "exit $RC after SIGTERM, want 10"
		expect 'nothing_left' "$(left_desc)"
	fi
	end_case "tun faults: --persist: server killed and restarted -> same ifindex, ping, route back"
}

# must_ping COUNT WHAT
must_ping() {
	tun_ping "$1" || CASE_WHY="${CASE_WHY:+$CASE_WHY; }$2 failed: $(tail -2 "$CASE_DIR/ping.out" | tr '\n' ' ')"
}

case_persist_script() {
	new_case persist-script
	local idx1 idx2 sc="$CASE_DIR/log-reason.sh"
	# the script logs the reason and does what vpnc-script would for the
	# address, so that ping works
	cat >"$sc" <<-EOF
	#!/bin/sh
	echo "\$reason \${INTERNAL_IP4_ADDRESS:-}" >>"$CASE_DIR/reasons"
	case "\$reason" in
	connect) ip addr add "\$INTERNAL_IP4_ADDRESS" peer $TUN_SRV_IP dev "\$TUNDEV" &&
		ip link set "\$TUNDEV" up ;;
	disconnect) ip addr del "\$INTERNAL_IP4_ADDRESS" peer $TUN_SRV_IP dev "\$TUNDEV" ;;
	esac
	exit 0
	EOF
	chmod 755 "$sc"
	# --noipv6: one net_up per connection (IPV6CP opening after IPCP
	# would give the script a second connect)
	if start -- --persist --holdoff 2 --noipv6 --script "$sc" && up_or_why; then
		idx1=$(ifindex)
		kill_server
		expect 'wait_file_re "$CASE_DIR/sstpc.log" "reconnect attempt 1" 5' "no reconnect attempt"
		server_again
		expect 'wait_file_re "$CASE_DIR/reasons" "^reconnect" 10' "no reconnect reason"
		expect 'ipcp_up_count 2' "IPCP not up again"
		idx2=$(ifindex)
		expect '[ -n "$idx1" ] && [ "$idx1" = "$idx2" ]' "ifindex $idx1 before, $idx2 after"
		must_ping 2 "ping after the reconnect"
		term_within 5
		expect '[ "$RC" = 10 ]' "exit $RC after SIGTERM, want 10"
		# attempt-reconnect once per attempt (uniq: one or two of them)
		expect '[ "$(cut -d" " -f1 "$CASE_DIR/reasons" | uniq | tr "\n" " ")" = "pre-init connect attempt-reconnect reconnect disconnect " ]' \
			"reasons: $(cut -d' ' -f1 "$CASE_DIR/reasons" | tr '\n' ' ')"
		expect 'nothing_left' "$(left_desc)"
	fi
	end_case "tun faults: --persist --script: pre-init, connect, attempt-reconnect, reconnect, disconnect"
}

case_persist_newaddr() {
	new_case persist-newaddr
	local idx1 idx2
	if start -- --persist --holdoff 2 && up_or_why; then
		idx1=$(ifindex)
		kill_server
		SRV_PEER=192.0.2.3 server_again --ip-pool 192.0.2.1,192.0.2.3
		expect 'ipcp_up_count 2' "IPCP not up again"
		for _ in $(seq 30); do
			ip -n "$NSC" -4 addr show dev sstp0 | grep -q "inet 192.0.2.3 " && break
			sleep 0.1
		done
		expect 'ip -n "$NSC" -4 addr show dev sstp0 | grep -q "inet 192.0.2.3 "' \
			"192.0.2.3 not on sstp0: $(ip -n "$NSC" -brief addr show dev sstp0)"
		expect '! ip -n "$NSC" -4 addr show dev sstp0 | grep -q "inet $TUN_CLI_IP "' \
			"the old $TUN_CLI_IP still on sstp0"
		idx2=$(ifindex)
		expect '[ -n "$idx1" ] && [ "$idx1" = "$idx2" ]' "ifindex $idx1 before, $idx2 after"
		term_within 5
		expect '[ "$RC" = 10 ]' "exit $RC after SIGTERM, want 10"
		expect 'nothing_left' "$(left_desc)"
	fi
	end_case "tun faults: --persist: another address after the reconnect replaces the old one"
}

case_maxfail() {
	new_case maxfail
	if start -- --persist --maxfail 2 --holdoff 1 --route 192.0.2.128/25 && up_or_why; then
		kill_server
		sstpc_wait 10
		expect '[ "$RC" = 3 ]' "exit $RC, want 3 (the last failure: connection refused)"
		expect '[ "$(grep -c "reconnect attempt" "$CASE_DIR/sstpc.log")" = 2 ]' \
			"$(grep -c "reconnect attempt" "$CASE_DIR/sstpc.log") attempts, want 2"
		expect 'log_has "giving up after 2 failed attempts in a row \(--maxfail 2\)"' "no give-up line"
		expect 'nothing_left' "$(left_desc)"
	fi
	end_case "tun faults: --persist --maxfail 2, server gone -> 2 attempts, exit 3, nothing left"
}

WRONGPW="$WORK/wrong-password"
printf 'not-the-password\n' >"$WRONGPW"
chmod 600 "$WRONGPW"
case_persist_auth() {
	new_case persist-auth
	if start --auth mschapv2 -- --persist --holdoff 1 --password-file "$WRONGPW"; then
		sstpc_wait 15
		expect '[ "$RC" = 7 ]' "exit $RC, want 7"
		expect 'log_has "not reconnecting: authentication refused \(exit 7\) is not retried"' \
			"no 'not retried' line"
		expect '! log_has "reconnect attempt"' "an authentication failure was retried"
		expect 'nothing_left' "$(left_desc)"
	fi
	end_case "tun faults: --persist, authentication refused -> not retried, exit 7"
}

# --- the device and the script ------------------------------------------------
case_tun_deleted() {
	new_case tun-deleted
	if start -- --persist && up_or_why; then
		ip -n "$NSC" link del sstp0
		sstpc_wait 5
		expect '[ "$RC" = 1 ]' "exit $RC, want 1"
		expect '[ "$(grep -c "TUN device sstp0 failed" "$CASE_DIR/sstpc.log")" -ge 1 ]' \
			"no line naming sstp0"
		expect '! log_has "reconnect attempt"' "a deleted device was retried"
		expect 'nothing_left' "$(left_desc)"
	fi
	end_case "tun faults: sstp0 deleted under sstpc (--persist) -> exit 1, one clear line"
}

case_script_fail() {
	new_case script-fail
	local sc="$CASE_DIR/fail.sh"
	printf '#!/bin/sh\n[ "$reason" = connect ] && exit 3\nexit 0\n' >"$sc"
	chmod 755 "$sc"
	if start -- --script "$sc"; then
		sstpc_wait 10
		expect '[ "$RC" = 1 ]' "exit $RC, want 1"
		expect 'log_has "script connect failed.*(status|exit).* 3"' \
			"no line with the script's status: $(grep -m1 'script' "$CASE_DIR/sstpc.log")"
		expect 'nothing_left' "$(left_desc)"
	fi
	end_case "tun faults: --script failing on connect -> exit 1 naming its status"
}

# --- SIGTERM in every phase ----------------------------------------------------
# sig_case NAME LABEL WAITRE -- SERVERARGS -- SSTPCARGS: SIGTERM once the log
# matches WAITRE (the phase is reached), exit 10 within 5 s, nothing left
sig_case() {
	local name=$1 label=$2 re=$3
	shift 3
	[ "${1:-}" = -- ] && shift
	new_case "$name"
	if start "$@"; then
		if wait_file_re "$CASE_DIR/sstpc.log" "$re" 10; then
			sleep 0.3
			term_within 5
			expect '[ "$RC" = 10 ]' "exit $RC, want 10 (${TERM_MS} ms)"
			expect 'nothing_left' "$(left_desc)"
		else
			CASE_WHY="phase never reached ($re)"
		fi
	fi
	end_case "tun faults: SIGTERM $label -> exit 10 within 5 s, nothing left"
}

case_sig_connect() {
	new_case sig-connect
	netns_up "$CASE_NAME" || CASE_WHY="namespaces not made"
	# the server namespace drops what is not its own: SYNs go unanswered
	ip -n "$NSC" route add 192.0.2.200/32 via "$NS_SRV_VETH"
	PORT=443
	SSTPC_T0=$(date +%s%N)
	ip netns exec "$NSC" "$SSTPC" --log-file "$CASE_DIR/sstpc.log" \
		--log-level 3 --ca-cert "$PKI/ca.pem" --host localhost \
		--user "$TUSER" --password-file "$PWFILE" --tun=sstp0 --persist \
		192.0.2.200:443 >"$CASE_DIR/sstpc.out" 2>"$CASE_DIR/sstpc.err" </dev/null &
	SSTPC_PID=$!
	if wait_file_re "$CASE_DIR/sstpc.log" "connecting to 192.0.2.200" 10; then
		sleep 0.5
		expect '! log_has "connected to"' "connected?"
		term_within 5
		expect '[ "$RC" = 10 ]' "exit $RC, want 10 (${TERM_MS} ms)"
		expect 'nothing_left' "$(left_desc)"
	else
		CASE_WHY="no connecting line"
	fi
	end_case "tun faults: SIGTERM while connecting -> exit 10 within 5 s, nothing left"
}

case_sig_tls() {
	new_case sig-tls
	local i
	netns_up "$CASE_NAME" || CASE_WHY="namespaces not made"
	# a TCP listener that never says a word: the TLS handshake stalls
	in_s "$PY" -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 0)); s.listen(4)
open(sys.argv[2], "w").write(str(s.getsockname()[1]))
c=s.accept(); time.sleep(30)' "$NS_SRV_VETH" "$CASE_DIR/port" >/dev/null 2>&1 &
	SPID=$!
	for i in $(seq 100); do [ -s "$CASE_DIR/port" ] && break; sleep 0.05; done
	PORT=$(cat "$CASE_DIR/port" 2>/dev/null)
	tun_sstpc --tun=sstp0
	if wait_file_re "$CASE_DIR/sstpc.log" "info: connected to " 10; then
		sleep 0.3
		term_within 5
		expect '[ "$RC" = 10 ]' "exit $RC, want 10 (${TERM_MS} ms)"
		expect 'nothing_left' "$(left_desc)"
	else
		CASE_WHY="never connected"
	fi
	end_case "tun faults: SIGTERM in the TLS handshake -> exit 10 within 5 s, nothing left"
}

case_sig_sstp() {
	sig_case sig-sstp "in the SSTP negotiation (no Connect Ack)" \
		"SSTP_DUPLEX_POST accepted" -- --scenario no-connect-reply -- --persist
}
case_sig_ppp() {
	sig_case sig-ppp "in PPP (LCP never answered)" \
		"SSTP_DUPLEX_POST accepted" -- --scenario lcp-mute -- --persist
}
case_sig_up() {
	new_case sig-up
	if start -- --persist --route 192.0.2.128/25 && up_or_why; then
		term_within 5
		expect '[ "$RC" = 10 ]' "exit $RC, want 10 (${TERM_MS} ms)"
		expect 'wait_event 3 ppp_terminate:by=client disconnect_received' \
			"no LCP Terminate-Request and Call Disconnect"
		expect 'nothing_left' "$(left_desc)"
	fi
	end_case "tun faults: SIGTERM with the network up -> LCP Terminate, Call Disconnect, exit 10, nothing left"
}
case_sig_wait() {
	new_case sig-wait
	if start -- --persist --holdoff 30 --route 192.0.2.128/25 && up_or_why; then
		kill_server
		if wait_file_re "$CASE_DIR/sstpc.log" "reconnect attempt 2 in 2 s" 10; then
			term_within 5
			expect '[ "$RC" = 10 ]' "exit $RC, want 10 (${TERM_MS} ms)"
			expect 'nothing_left' "$(left_desc)"
		else
			CASE_WHY="no second reconnect attempt"
		fi
	fi
	end_case "tun faults: SIGTERM while waiting to reconnect -> exit 10 within 5 s, nothing left"
}

ALL="kill_nopersist persist_reconnect persist_script persist_newaddr maxfail
persist_auth tun_deleted script_fail sig_connect sig_tls sig_sstp sig_ppp
sig_up sig_wait"
# shellcheck disable=SC2086
run_cases "${JOBS:-4}" ${CASES:-$ALL}
finish
