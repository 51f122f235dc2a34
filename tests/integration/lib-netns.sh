#!/usr/bin/env bash
# tests/integration/lib-netns.sh - two network namespaces for the built-in
# mode (sstpc --tun): a client namespace and a server namespace joined by a
# veth pair that carries the TLS connection.  Source it after lib.sh.
#
#   client ns NSC                          server ns NSS
#   sstp0 192.0.2.2 peer 192.0.2.1         srv0 192.0.2.1 peer 192.0.2.2
#     (sstpc --tun=sstp0)                    (sstp_server.py --tun srv0)
#   vc0 192.0.2.66/30  <---- veth ---->    vs0 192.0.2.65/30 (TLS listener)
#
# Only 192.0.2.0/24 is used (RULES.md).  The veth link is the /30
# 192.0.2.64/30; the tunnel is 192.0.2.1 <-> 192.0.2.2 as /32 peer routes,
# outside that /30, so no tunnel route can capture the TLS connection (a
# --defaultroute in the client ns loses to the connected /30).  IPv6 is
# link-local only: the server's srv0 has fe80::1 (the server's IPV6CP
# interface identifier, --ifid 0:0:0:1).
#
# Every pair has unique names (tier, pid, subshell, counter), so parallel
# cases and parallel runs never clash; netns_down removes a pair (after
# killing what runs inside it: only this harness's own processes), and
# every pair still listed is removed when the tier exits, however it exits.
NS_SRV_VETH=192.0.2.65
NS_CLI_VETH=192.0.2.66
TUN_SRV_IP=192.0.2.1
TUN_CLI_IP=192.0.2.2
TUN_SRV_IFID=0:0:0:1
TUN_SRV_LL=fe80::1
NETNS_LIST="$WORK/_netns.list"
NETNS_SEQ=0
NSC=
NSS=

# netns_can_run: prints why this machine cannot run the namespace tiers
netns_can_run() {
	[ "$(id -u)" = 0 ] || { echo "not root"; return 1; }
	[ -c /dev/net/tun ] || { echo "no /dev/net/tun"; return 1; }
	local t="sstpc-probe-$$"
	ip netns add "$t" 2>/dev/null || { echo "ip netns add failed"; return 1; }
	ip netns del "$t"
	return 0
}

# netns_up TAG: creates the pair; sets NSC and NSS
netns_up() {
	NETNS_SEQ=$((NETNS_SEQ + 1))
	local id="${1:-x}-$$-${BASHPID}-$NETNS_SEQ"
	NSC="sstpc-c-$id"
	NSS="sstpc-s-$id"
	printf '%s\n%s\n' "$NSC" "$NSS" >>"$NETNS_LIST"
	ip netns add "$NSC" && ip netns add "$NSS" &&
		ip -n "$NSC" link set lo up && ip -n "$NSS" link set lo up &&
		ip link add vc0 netns "$NSC" type veth peer name vs0 netns "$NSS" &&
		ip -n "$NSC" addr add "$NS_CLI_VETH/30" dev vc0 &&
		ip -n "$NSS" addr add "$NS_SRV_VETH/30" dev vs0 &&
		ip -n "$NSC" link set vc0 up && ip -n "$NSS" link set vs0 up
}

# netns_del NAME: kills what runs in the namespace, then removes it
netns_del() {
	local p i
	ip netns list 2>/dev/null | grep -q "^$1\( \|$\)" || return 0
	for p in $(ip netns pids "$1" 2>/dev/null); do kill -TERM "$p" 2>/dev/null; done
	for i in $(seq 20); do
		[ -z "$(ip netns pids "$1" 2>/dev/null)" ] && break
		sleep 0.05
	done
	for p in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$1" 2>/dev/null
}

# netns_down: removes the pair of this case
netns_down() {
	[ -n "$NSC" ] && netns_del "$NSC"
	[ -n "$NSS" ] && netns_del "$NSS"
	NSC= NSS=
}

# netns_cleanup_all: every pair this tier created (EXIT trap)
netns_cleanup_all() {
	local n
	[ -f "$NETNS_LIST" ] || return 0
	while read -r n; do netns_del "$n"; done <"$NETNS_LIST"
}
trap 'netns_cleanup_all; cleanup' EXIT
trap 'exit 130' INT TERM HUP

# Cases run in subshells (run_cases): their EXIT trap also takes their pair
# down.
eval "$(declare -f case_cleanup | sed '1s/case_cleanup/_lib_case_cleanup/')"
case_cleanup() {
	_lib_case_cleanup
	netns_down
}

# tun_server [server args...]: sstp_server.py --tun srv0 in NSS, listening
# on the veth address; then srv0 gets its addresses and goes up.  Sets
# SPID and PORT; false if it did not start.
tun_server() {
	local i
	rm -f "$CASE_DIR/port"
	ip netns exec "$NSS" "$PY" "$SERVER" --listen "$NS_SRV_VETH:0" \
		--tun srv0 --ifid "$TUN_SRV_IFID" --cert "$PKI/valid.pem" \
		--key "$PKI/valid.key" --events "$CASE_DIR/events.jsonl" \
		--port-file "$CASE_DIR/port" --user "$TUSER" --password "$TPASS" \
		"$@" >"$CASE_DIR/server.out" 2>"$CASE_DIR/server.err" &
	SPID=$!
	i=0
	while [ ! -s "$CASE_DIR/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	PORT=$(cat "$CASE_DIR/port" 2>/dev/null)
	[ -n "$PORT" ] || return 1
	ip -n "$NSS" addr add "$TUN_SRV_IP" peer "$TUN_CLI_IP" dev srv0 &&
		ip -n "$NSS" -6 addr add "$TUN_SRV_LL/64" dev srv0 nodad &&
		ip -n "$NSS" link set srv0 up
}

# in_c CMD...: runs CMD in the client namespace; in_s: in the server's
in_c() { ip netns exec "$NSC" "$@"; }
in_s() { ip netns exec "$NSS" "$@"; }

# tun_sstpc ARGS...: sstpc in NSC, in the background (like sstpc_bg): the
# test CA, the name in the certificate (--host localhost, the address is
# the veth's), the password from a file; ARGS come before the server
tun_sstpc() {
	SSTPC_T0=$(date +%s%N)
	ip netns exec "$NSC" "$SSTPC" --log-file "$CASE_DIR/sstpc.log" \
		--log-level 3 --ca-cert "$PKI/ca.pem" --host localhost \
		--user "$TUSER" --password-file "$PWFILE" "$@" \
		"$NS_SRV_VETH:$PORT" \
		>"$CASE_DIR/sstpc.out" 2>"$CASE_DIR/sstpc.err" </dev/null &
	SSTPC_PID=$!
}

# wait_tun_up [DEV [SECONDS]]: DEV (sstp0) in NSC is up with 192.0.2.2
wait_tun_up() {
	local dev=${1:-sstp0} end=$(( $(date +%s%N) + ${2:-15} * 1000000000 ))
	until ip -n "$NSC" -4 addr show dev "$dev" 2>/dev/null |
		grep -q "inet $TUN_CLI_IP" &&
		ip -n "$NSC" link show dev "$dev" 2>/dev/null | grep -q ',UP'; do
		proc_alive "$SSTPC_PID" || return 1
		[ "$(date +%s%N)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# wait_ll6 [DEV [SECONDS]]: DEV in NSC has a usable (not tentative)
# link-local address
wait_ll6() {
	local dev=${1:-sstp0} end=$(( $(date +%s%N) + ${2:-10} * 1000000000 ))
	until ip -n "$NSC" -6 addr show dev "$dev" scope link 2>/dev/null |
		grep 'inet6 fe80' | grep -vq tentative; do
		[ "$(date +%s%N)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# tun_ping COUNT: ping the server's tunnel address from NSC through sstp0
tun_ping() {
	in_c ping -n -c "$1" -i 0.2 -W 2 -I sstp0 "$TUN_SRV_IP" \
		>"$CASE_DIR/ping.out" 2>&1 &&
		grep -q " $1 received" "$CASE_DIR/ping.out"
}

# tun_ping6 COUNT: ping6 the server's link-local address through sstp0
tun_ping6() {
	in_c ping -6 -n -c "$1" -i 0.2 -W 2 "$TUN_SRV_LL%sstp0" \
		>"$CASE_DIR/ping6.out" 2>&1 &&
		grep -q " $1 received" "$CASE_DIR/ping6.out"
}

# tun_xfer UP DOWN: a TCP transfer through the tunnel with SHA-256 checks
# (tests/lib/tcpxfer.py): UP bytes client -> server, DOWN back
tun_xfer() {
	local i
	rm -f "$CASE_DIR/xfer.port"
	in_s "$PY" "$TOP/tests/lib/tcpxfer.py" serve "$TUN_SRV_IP" \
		--port-file "$CASE_DIR/xfer.port" --timeout 60 \
		>"$CASE_DIR/xfer-server.out" 2>&1 &
	i=0
	while [ ! -s "$CASE_DIR/xfer.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ -s "$CASE_DIR/xfer.port" ] || return 1
	in_c "$PY" "$TOP/tests/lib/tcpxfer.py" send "$TUN_SRV_IP" \
		"$(cat "$CASE_DIR/xfer.port")" --up "$1" --down "$2" --timeout 60 \
		>"$CASE_DIR/xfer.out" 2>&1
}

# tun_iperf ARGS...: iperf3 client in NSC against a one-off iperf3 server
# on the server's tunnel address in NSS; JSON to iperf.json
tun_iperf() {
	local i
	# -J -i 0.5: with the client's --get-server-output, the receiver's
	# half-second intervals as JSON (tier-tun.sh iperf_ok)
	in_s iperf3 -s -1 -J -i 0.5 -B "$TUN_SRV_IP" -p 5201 >"$CASE_DIR/iperf-server.out" 2>&1 &
	for i in $(seq 50); do
		in_s ss -Htln 2>/dev/null | grep -q "$TUN_SRV_IP:5201" && break
		sleep 0.1
	done
	in_c timeout 60 iperf3 -c "$TUN_SRV_IP" -p 5201 -J "$@" \
		>"$CASE_DIR/iperf.json" 2>"$CASE_DIR/iperf.err"
}

# iperf_bytes: bytes the iperf3 receiver got (from iperf.json), 0 if none
iperf_bytes() {
	"$PY" -c 'import json,sys
try: print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bytes"]))
except Exception: print(0)' "$CASE_DIR/iperf.json"
}

# summary_line: sstpc's "session summary" log line
summary_line() { grep -m1 'session summary' "$CASE_DIR/sstpc.log" 2>/dev/null; }
