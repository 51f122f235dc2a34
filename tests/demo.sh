#!/usr/bin/env bash
# tests/demo.sh - the README's "main job": build sstpc, start a local SSTP
# server, connect, show the phases as they happen, ping through the tunnel,
# print a summary, disconnect cleanly and clean up.
#
# The server is the project's own SSTP test server (tests/server, Python,
# verifies the crypto binding like Windows RRAS) on 127.0.0.1.  This machine
# kind has no kernel PPP, so pppd is played by the project's PPP stand-in
# (tests/standin/pppd-standin), which speaks async HDLC on the pty exactly
# as pppd does; with a real pppd use `--pppd /usr/sbin/pppd` instead.
# Inside the tunnel only 192.0.2.0/24 (TEST-NET-1) is used.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
PY=/usr/bin/python3

need=(build-essential autoconf automake libtool pkg-config libssl-dev
	libevent-dev ppp-dev python3 openssl)
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

work=$(mktemp -d)
chmod 700 "$work"
spid=
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

echo "== test PKI (CA + server certificate for localhost)"
sh tests/lib/mkcerts.sh "$work/pki" >/dev/null 2>&1 || exit 1
user=demo
pass=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')

echo "== starting the SSTP server on 127.0.0.1 (MS-CHAPv2, crypto binding verified)"
"$PY" tests/server/sstp_server.py --listen 127.0.0.1:0 --port-file "$work/port" \
	--cert "$work/pki/valid.pem" --key "$work/pki/valid.key" \
	--events "$work/events.jsonl" --auth mschapv2 --once \
	--user "$user" --password "$pass" >/dev/null 2>"$work/server.err" &
spid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port" 2>/dev/null)
[ -n "$port" ] || { echo "server did not start"; cat "$work/server.err"; exit 1; }

echo "== sstpc localhost:$port (password on a pipe, never in argv or a file)"
echo
STANDIN_PING=4 STANDIN_HOLD=1 STANDIN_REPORT="$work/ppp.json" \
"$build/sstpc" --log-stdout --log-level 2 --log-ident sstpc \
	--ca-cert "$work/pki/ca.pem" --user "$user" --password-fd 3 \
	--pppd "$top/tests/standin/pppd-standin" localhost:"$port" 3< <(printf '%s\n' "$pass")
rc=$?
wait "$spid" 2>/dev/null
spid=

echo
echo "== summary"
"$PY" - "$work/ppp.json" "$work/events.jsonl" "$rc" <<'PYEOF'
import json, sys
rep = json.load(open(sys.argv[1]))
ev = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
def first(name):
    return next((e for e in ev if e.get("event") == name), {})
ip = rep.get("ipcp") or {}
pings = rep.get("ping") or rep.get("pings") or {}
cc = first("call_connected")
tls = first("tls_established")
end = first("session_end")
rtts = pings.get("rtts_ms") or pings.get("rtt_ms") or []
print(f"  TLS              {tls.get('version')} {tls.get('cipher')} (SNI {tls.get('sni')})")
print(f"  crypto binding   {cc.get('hash', '?')} compound MAC {cc.get('binding')}")
print(f"  tunnel           local {ip.get('local', '?')}  remote {ip.get('remote', ip.get('peer', '?'))}")
print(f"  ping             {pings.get('received', '?')}/{pings.get('sent', '?')} replies"
      + (f", rtt min/avg/max {min(rtts):.2f}/{sum(rtts)/len(rtts):.2f}/{max(rtts):.2f} ms" if rtts else ""))
print(f"  server counters  {end.get('rx_packets', '?')} SSTP packets in, {end.get('tx_packets', '?')} out")
print(f"  disconnect       {'clean (Call Disconnect acknowledged)' if first('disconnect_ack_sent') else 'NOT clean'}")
print(f"  sstpc exit       {sys.argv[3]}")
ok = cc.get("binding") == "ok" and pings.get("received", 0) > 0 and first("disconnect_ack_sent") and sys.argv[3] == "0"
sys.exit(0 if ok else 1)
PYEOF
