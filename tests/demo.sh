#!/usr/bin/env bash
# tests/demo.sh - the README's first command: build sstpc and show it
# working against the project's own SSTP test server (tests/server, Python,
# verifies the crypto binding like Windows RRAS).  Two scenarios:
#
#   ./tests/demo.sh          the built-in mode (sstpc --tun, no pppd): a real
#                            kernel interface sstp0 in a client network
#                            namespace, the server with a TUN of its own in a
#                            server namespace; `ip addr`, ping and a TCP
#                            transfer through sstp0, then SIGTERM and the
#                            session summary.  Needs root and /dev/net/tun.
#   ./tests/demo.sh --pppd   the pppd launch mode on 127.0.0.1, with the
#                            project's PPP stand-in playing pppd (it speaks
#                            async HDLC on the pty as pppd does; this machine
#                            kind has no kernel PPP).
#
# Both install what they need with apt-get (only what is missing), build
# sstpc in build-demo/, clean up everything they started (namespaces,
# server, temporary files) however they end, and exit 0 only when the
# tunnel worked.  Inside the tunnel only 192.0.2.0/24 (TEST-NET-1) is used;
# the namespaces are those of tests/integration/lib-netns.sh:
#
#   client ns: sstp0 192.0.2.2 peer 192.0.2.1   (sstpc --tun=sstp0)
#   server ns: srv0  192.0.2.1 peer 192.0.2.2   (sstp_server.py --tun srv0)
#   joined by a veth 192.0.2.66/30 <-> 192.0.2.65/30 carrying the TLS
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
PY=/usr/bin/python3
mode=tun
case "${1:-}" in
"") ;;
--pppd) mode=pppd ;;
-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) echo "usage: $0 [--pppd]" >&2; exit 2 ;;
esac

need=(build-essential autoconf automake libtool pkg-config libssl-dev
	libevent-dev ppp-dev python3 openssl)
[ "$mode" = tun ] && need+=(iproute2 iputils-ping)
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
	echo "== installing ${missing[*]}"
	[ "$(id -u)" -eq 0 ] || { echo "run as root to install packages" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null || exit 1
fi

build="$top/build-demo"
echo "== building sstpc"
[ -x ./configure ] || ./autogen.sh >/dev/null 2>&1 || exit 1
mkdir -p "$build"
if [ ! -f "$build/Makefile" ]; then
	(cd "$build" && "$top/configure" >/dev/null) || { echo "configure failed" >&2; exit 1; }
fi
make -C "$build" -j"$(nproc)" sstpc >/dev/null || { echo "build failed" >&2; exit 1; }
t_start=$(date +%s%N)

WORK=$(mktemp -d)
chmod 700 "$WORK"
SPID=
SSTPC_PID=
cleanup() {
	[ -n "$SSTPC_PID" ] && kill -TERM "$SSTPC_PID" 2>/dev/null
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

echo "== test PKI (CA + server certificate for localhost)"
PKI="$WORK/pki"
sh tests/lib/mkcerts.sh "$PKI" >/dev/null 2>&1 || exit 1
TUSER=demo
TPASS=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')

# The summary of the server's side of the session (its events.jsonl).
server_summary() {
	"$PY" - "$1" <<'PYEOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def first(name):
    return next((e for e in ev if e.get("event") == name), {})
cc = first("call_connected")
tls = first("tls_established")
end = first("session_end")
auth = first("auth_ok")
print(f"  TLS              {tls.get('version')} {tls.get('cipher')} (SNI {tls.get('sni')})")
print(f"  authentication   {auth.get('method', '?')}")
print(f"  crypto binding   {cc.get('hash', '?')} compound MAC {cc.get('binding')}")
print(f"  server counters  {end.get('rx_packets', '?')} SSTP packets in, {end.get('tx_packets', '?')} out")
print(f"  disconnect       {'clean (Call Disconnect acknowledged)' if first('disconnect_ack_sent') else 'NOT clean'}")
sys.exit(0 if cc.get("binding") == "ok" and first("disconnect_ack_sent") else 1)
PYEOF
}

# --- the pppd launch mode with the PPP stand-in --------------------------------
demo_pppd() {
	local port rc
	echo "== starting the SSTP server on 127.0.0.1 (MS-CHAPv2, crypto binding verified)"
	"$PY" tests/server/sstp_server.py --listen 127.0.0.1:0 --port-file "$WORK/port" \
		--cert "$PKI/valid.pem" --key "$PKI/valid.key" \
		--events "$WORK/events.jsonl" --auth mschapv2 --once \
		--user "$TUSER" --password "$TPASS" >/dev/null 2>"$WORK/server.err" &
	SPID=$!
	for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
	port=$(cat "$WORK/port" 2>/dev/null)
	[ -n "$port" ] || { echo "server did not start"; cat "$WORK/server.err"; exit 1; }

	echo "== sstpc localhost:$port (pppd launch mode; password on a pipe, never in argv or a file)"
	echo
	STANDIN_PING=4 STANDIN_HOLD=1 STANDIN_REPORT="$WORK/ppp.json" \
	"$build/sstpc" --log-stdout --log-level 2 --log-ident sstpc \
		--ca-cert "$PKI/ca.pem" --user "$TUSER" --password-fd 3 \
		--pppd "$top/tests/standin/pppd-standin" localhost:"$port" \
		3< <(printf '%s\n' "$TPASS")
	rc=$?
	wait "$SPID" 2>/dev/null
	SPID=

	echo
	echo "== summary"
	"$PY" - "$WORK/ppp.json" "$rc" <<'PYEOF'
import json, sys
rep = json.load(open(sys.argv[1]))
ip = rep.get("ipcp") or {}
pings = rep.get("ping") or rep.get("pings") or {}
rtts = pings.get("rtts_ms") or pings.get("rtt_ms") or []
print(f"  tunnel           local {ip.get('local', '?')}  remote {ip.get('remote', ip.get('peer', '?'))}")
print(f"  ping             {pings.get('received', '?')}/{pings.get('sent', '?')} replies"
      + (f", rtt min/avg/max {min(rtts):.2f}/{sum(rtts)/len(rtts):.2f}/{max(rtts):.2f} ms" if rtts else ""))
print(f"  sstpc exit       {sys.argv[2]}")
sys.exit(0 if pings.get("received", 0) > 0 and sys.argv[2] == "0" else 1)
PYEOF
	local ok=$?
	server_summary "$WORK/events.jsonl" || ok=1
	return $ok
}

# --- the built-in mode: sstpc --tun in network namespaces --------------------
demo_tun() {
	local why rc ok=0 xport
	SERVER="$top/tests/server/sstp_server.py"
	TOP=$top
	CASE_DIR="$WORK/tun"
	mkdir -p "$CASE_DIR"
	# what lib-netns.sh expects of the harness (tests/integration/lib.sh)
	case_cleanup() { :; }
	proc_alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
	. "$top/tests/integration/lib-netns.sh"
	trap 'netns_cleanup_all; cleanup' EXIT
	if ! why=$(netns_can_run); then
		echo "cannot run the built-in mode demo here: $why" >&2
		echo "(./tests/demo.sh --pppd needs neither root nor /dev/net/tun)" >&2
		exit 1
	fi

	echo "== network namespaces: client $NS_CLI_VETH/30 <-veth-> server $NS_SRV_VETH/30"
	netns_up demo || { echo "cannot make the namespaces" >&2; exit 1; }
	echo "== starting the SSTP server in the server namespace, TUN srv0 $TUN_SRV_IP (MS-CHAPv2, crypto binding verified)"
	if ! tun_server --once --auth mschapv2; then
		echo "server did not start"; cat "$CASE_DIR/server.err"; exit 1
	fi

	echo "== sstpc --tun=sstp0 in the client namespace (no pppd; password on a pipe)"
	echo
	ip netns exec "$NSC" "$build/sstpc" --log-stdout --log-level 2 \
		--log-ident sstpc --ca-cert "$PKI/ca.pem" --host localhost \
		--user "$TUSER" --password-fd 3 --tun=sstp0 \
		"$NS_SRV_VETH:$PORT" 3< <(printf '%s\n' "$TPASS") </dev/null &
	SSTPC_PID=$!
	if ! wait_tun_up sstp0 20; then
		echo "sstp0 did not come up with $TUN_CLI_IP" >&2
		exit 1
	fi

	echo
	echo "== ip addr show sstp0   (client namespace)"
	in_c ip addr show sstp0
	echo
	echo "== ping -c 3 $TUN_SRV_IP   (through sstp0; the server namespace's kernel answers)"
	in_c ping -n -c 3 -i 0.2 -W 2 "$TUN_SRV_IP" || ok=1
	echo
	echo "== TCP transfer through sstp0: 32 MB each way, SHA-256 checked (tests/lib/tcpxfer.py)"
	if tun_xfer 32000000 32000000; then
		cat "$CASE_DIR/xfer.out"
	else
		cat "$CASE_DIR/xfer.out" "$CASE_DIR/xfer-server.out" 2>/dev/null
		ok=1
	fi
	echo "   (the Python server relays every packet through its own TUN:"
	echo "    it, not sstpc, sets this pace; bench/run.sh measures sstpc)"
	echo
	echo "== SIGTERM to sstpc"
	kill -TERM "$SSTPC_PID"
	wait "$SSTPC_PID"
	rc=$?
	SSTPC_PID=
	wait "$SPID" 2>/dev/null
	SPID=
	echo
	echo "== summary"
	server_summary "$CASE_DIR/events.jsonl" || ok=1
	if in_c ip link show sstp0 >/dev/null 2>&1; then
		echo "  sstp0            STILL THERE"
		ok=1
	else
		echo "  sstp0            removed"
	fi
	if [ "$rc" = 10 ]; then
		echo "  sstpc exit       10 (terminated by a signal, cleanly: sstpc(8) EXIT STATUS)"
	else
		echo "  sstpc exit       $rc (want 10: sstpc(8) EXIT STATUS)"
		ok=1
	fi
	netns_down
	return $ok
}

if [ "$mode" = pppd ]; then demo_pppd; else demo_tun; fi
rc=$?
echo "== $([ $rc = 0 ] && echo OK || echo FAILED) in $(( ($(date +%s%N) - t_start) / 1000000000 )) s (after the build)"
exit $rc
