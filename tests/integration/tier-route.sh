#!/usr/bin/env bash
# tests/integration/tier-route.sh - --save-server-route end to end, and the
# privilege drop around it, in two network namespaces of our own:
#   client ns  veth 192.0.2.130/30, default route via 192.0.2.129
#   server ns  veth 192.0.2.129/30, server address 192.0.2.200 on lo, socat
#              from 192.0.2.200:443 to the test server on its 127.0.0.1
# sstpc (root, dropping to the unprivileged user) connects to 192.0.2.200;
# while connected the host route 192.0.2.200/32 via 192.0.2.129 must exist in
# the client namespace, and after sstpc exits (SIGTERM, and SIGKILL: the
# monitor cleans up) it must be gone.  No traffic leaves the namespaces.
. "$(dirname "$0")/lib.sh"
TIER_NAME=route
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 1; }
NS_C=sstpc-rt-c-$$ NS_S=sstpc-rt-s-$$
ns_cleanup() {
	ip netns del "$NS_C" 2>/dev/null
	ip netns del "$NS_S" 2>/dev/null
}
trap 'ns_cleanup; cleanup' EXIT
ip netns add "$NS_C" && ip netns add "$NS_S" || { echo "ip netns failed"; exit 1; }
ip link add rtc$$ type veth peer name rts$$ || exit 1
ip link set rtc$$ netns "$NS_C"
ip link set rts$$ netns "$NS_S"
ip -n "$NS_C" link set lo up
ip -n "$NS_S" link set lo up
ip -n "$NS_C" addr add 192.0.2.130/30 dev rtc$$
ip -n "$NS_S" addr add 192.0.2.129/30 dev rts$$
ip -n "$NS_S" addr add 192.0.2.200/32 dev lo
ip -n "$NS_C" link set rtc$$ up
ip -n "$NS_S" link set rts$$ up
ip -n "$NS_C" route add default via 192.0.2.129

# run_route_case NAME SIGNAL [plugin]: connect, check the route, stop with
# SIGNAL.  "plugin": no password for sstpc, so the sstp-api socket exists
# (the stand-in gets the password as NetworkManager's plugin would; the
# server does not verify the binding, scenario no-verify).
run_route_case() {
	local name=$1 sig=$2 mode=${3:-} spid pw=(--password-fd 3) sargs=()
	new_case "$name"
	if [ "$mode" = plugin ]; then
		pw=()
		sargs=(--scenario no-verify)
		export STANDIN_PASSWORD="$TPASS"
	fi
	rm -f "$CASE_DIR/port"
	ip netns exec "$NS_S" "$PY" "$SERVER" --listen 127.0.0.1:0 \
		--cert "$PKI/valid.pem" --key "$PKI/valid.key" \
		--events "$CASE_DIR/events.jsonl" --port-file "$CASE_DIR/port" \
		--user "$TUSER" --password "$TPASS" --auth mschapv2 --once "${sargs[@]}" \
		>/dev/null 2>"$CASE_DIR/server.err" &
	spid=$!
	wait_file_re "$CASE_DIR/port" '[0-9]' 10
	ip netns exec "$NS_S" socat TCP-LISTEN:443,bind=192.0.2.200,reuseaddr,fork \
		TCP:127.0.0.1:"$(cat "$CASE_DIR/port")" 2>/dev/null &
	local socat=$!
	sleep 0.3
	standin_env forever
	STANDIN_PING=2 ip netns exec "$NS_C" "$SSTPC" --log-file "$CASE_DIR/sstpc.log" \
		--log-level 3 --ca-cert "$PKI/ca.pem" --host localhost \
		--save-server-route --user "$TUSER" "${pw[@]}" \
		--pppd "$STANDIN" --ipparam "rt-$name-$$" 192.0.2.200 \
		>"$CASE_DIR/sstpc.out" 2>&1 3<"$PWFILE" &
	local cpid=$!
	wait_event 30 call_connected
	sleep 0.5
	local during
	during=$(ip -n "$NS_C" route show 192.0.2.200/32)
	expect '[ -n "$during" ]' "no host route while connected"
	expect 'echo "$during" | grep -q "via 192.0.2.129"' "route not via the gateway: $during"
	expect 'log_has "privileges: now uid"' "privileges were not dropped"
	expect '[ "$(ps -o user= -p $cpid 2>/dev/null | tr -d " ")" != root ]' "sstpc still runs as root"
	[ "$mode" = plugin ] && expect '[ -S /var/run/sstpc/sstpc-rt-$name-$$ ]' "no plugin socket"
	kill -"$sig" "$cpid"
	wait "$cpid" 2>/dev/null
	RC=$?
	sleep 1
	local after
	after=$(ip -n "$NS_C" route show 192.0.2.200/32)
	expect '[ -z "$after" ]' "route left behind: $after"
	expect '[ ! -e /var/run/sstpc/sstpc-rt-$name-$$ ]' "plugin socket left behind"
	[ "$sig" = TERM ] && expect '[ "$RC" = 10 ]' "exit $RC, want 10"
	verdict "$name"
	kill "$socat" "$spid" 2>/dev/null
	wait "$socat" "$spid" 2>/dev/null
	pkill -f "sstpc-rt-.*$$" 2>/dev/null
}

run_route_case route-sigterm TERM
run_route_case route-sigkill KILL plugin
finish
