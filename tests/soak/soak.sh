#!/usr/bin/env bash
# tests/soak/soak.sh [SECONDS] - long-running stability check (not in CI).
#
# One session against the test server (tests/server) for SECONDS (default
# 3600) with continuous ICMP traffic through the tunnel (the PPP stand-in
# pings the server back to back), an SSTP echo storm from the server (an
# Echo Request every second), LCP echo every second, and a hello interval of
# 5 s on both sides.  sstpc's health figures (SIGUSR1: maxrss, open fds,
# libevent events, bytes) are taken after a warm-up minute and at the end;
# they must not grow.  Prints the figures and PASS/FAIL.  Loopback only;
# inside the tunnel 192.0.2.0/24.
set -u
dur=${1:-3600}
top=$(cd "$(dirname "$0")/../.." && pwd)
SSTPC=${SSTPC:-$top/build-main/sstpc}
PY=/usr/bin/python3
work=$(mktemp -d)
spid= cpid=
cleanup() { kill $cpid $spid 2>/dev/null; wait 2>/dev/null; [ "${KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT INT TERM
[ -x "$SSTPC" ] || { echo "build sstpc first (SSTPC=$SSTPC)"; exit 2; }

sh "$top/tests/lib/mkcerts.sh" "$work/pki" >/dev/null 2>&1
"$PY" "$top/tests/server/sstp_server.py" --listen 127.0.0.1:0 --port-file "$work/port" \
	--cert "$work/pki/valid.pem" --key "$work/pki/valid.key" --events "$work/events.jsonl" \
	--auth mschapv2 --user soak --password soakpw --once --hello 5 \
	--scenario echo-storm --scenario lcp-echo --echo-interval 1 \
	>/dev/null 2>"$work/server.err" &
spid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")

STANDIN_PING=100000000 STANDIN_PING_INTERVAL=0.01 STANDIN_PING_TIMEOUT=2 STANDIN_HOLD=forever \
STANDIN_REPORT="$work/ppp.json" \
"$SSTPC" --log-file "$work/sstpc.log" --log-level 2 --ca-cert "$work/pki/ca.pem" \
	--hello-interval 5 --user soak --password-fd 3 \
	--pppd "$top/tests/standin/pppd-standin" localhost:"$port" 3< <(echo soakpw) &
cpid=$!

stats() { kill -USR1 "$cpid"; sleep 1; grep 'stats:' "$work/sstpc.log" | tail -1; }
field() { sed -n "s/.*$1 \([0-9]*\).*/\1/p"; }

sleep 60
first=$(stats)
echo "after 60 s:  $first"
sleep $((dur > 120 ? dur - 60 : 60))
last=$(stats)
echo "after $dur s: $last"
alive=yes
kill -0 "$cpid" 2>/dev/null || alive=no
kill -TERM "$cpid"
wait "$cpid"
rc=$?

rss0=$(echo "$first" | field maxrss) rss1=$(echo "$last" | field maxrss)
fd0=$(echo "$first" | field fds) fd1=$(echo "$last" | field fds)
ev0=$(echo "$first" | field events) ev1=$(echo "$last" | field events)
echo "maxrss KiB: $rss0 -> $rss1; fds: $fd0 -> $fd1; events: $ev0 -> $ev1"
"$PY" - "$work/ppp.json" "$work/events.jsonl" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1])).get("ping", {})
ev = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
echo = sum(1 for e in ev if e.get("event") == "echo_request_sent")
print(f"pings: {r.get('sent')} sent, {r.get('received')} received; "
      f"server echo requests: {echo}")
PYEOF
echo "sstpc exit status after SIGTERM: $rc"
if [ "$alive" = yes ] && [ "$rc" = 10 ] && [ -n "$rss0" ] &&
	[ "$rss1" -le $((rss0 + 512)) ] && [ "$fd1" = "$fd0" ] && [ "$ev1" = "$ev0" ]; then
	echo "PASS: soak $dur s"
else
	echo "FAIL: soak $dur s"
	exit 1
fi
