#!/usr/bin/env bash
# tests/integration/tier-sstpd-smoke.sh - sstpd (issue 13) on loopback, in a
# network namespace of its own (unshare -n: its TUN and pool routes never
# touch the host), with the test PKI of tests/lib/mkcerts.sh:
#   - HTTP variants with their exact status lines (wrong path 404, GET 405
#     with Allow, HTTP/1.0 400, garbage 400, a head over 8 KiB 431,
#     HTTP/2.0 505; the SSTP request 200 with Content-Length 2^64-1), each
#     error followed by a close;
#   - an idle TCP connection (no TLS byte) and an idle TLS connection (no
#     HTTP byte) closed at --handshake-timeout, with the log line;
#   - PROXY v1 and v2 headers: the real client address in the session's
#     start line; a missing header refused with its cause;
#   - 1,000 idle half-open connections from 127.0.0.2: refused over
#     --max-per-address / closed at the timeout, while a client on
#     127.0.0.1 still gets its 200 (and logs in when end to end works);
#   - a login with the Python client (tests/lib/sstptest/client.py), the
#     session in --list, SIGHUP with a live session: the session survives,
#     new connections see the new certificate; SIGTERM: exit 0, end lines;
#     the session's id on its SSTP, PPP and TUN lines (a forged source).
# Needs root and /dev/net/tun; exits 77 (cannot run) without them.
# Environment: SSTPC (sstpd is looked for next to it) or SSTPD, KEEP=1.
if [ -z "${SSTPD_SMOKE_NETNS:-}" ]; then
	if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
		echo "tier-sstpd-smoke: cannot run: needs root and /dev/net/tun"
		exit 77
	fi
	export SSTPD_SMOKE_NETNS=1
	exec unshare -n bash "$0" "$@"
fi
ip link set lo up
. "$(dirname "$0")/lib.sh"
TIER_NAME=tier-sstpd-smoke
SSTPD=${SSTPD:-$(dirname "$SSTPC")/sstpd}
if [ ! -x "$SSTPD" ]; then
	echo "tier-sstpd-smoke: cannot run: no sstpd at $SSTPD"
	exit 77
fi
PROBE="$PY $ITEST_DIR/sstpd_probe.py"
CLIENT="$PY $TOP/tests/lib/sstptest/client.py"
SPATH='/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/'
SUSER=alice
SPASS='s3cret-p4ss'
HTO=3			# --handshake-timeout of these runs
DPID=

cleanup_sstpd() {
	[ -n "$DPID" ] && kill -KILL "$DPID" 2>/dev/null
	wait 2>/dev/null
}
trap 'cleanup_sstpd; cleanup' EXIT

free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_sstpd DIR [args...]: DPID, DPORT; the log in DIR/sstpd.log
start_sstpd() {
	local dir=$1 i=0
	shift
	mkdir -p "$dir"
	cp "$PKI/valid.pem" "$dir/cert.pem"
	cp "$PKI/valid.key" "$dir/key.pem"
	printf '%s * "%s" *\n' "$SUSER" "$SPASS" >"$dir/secrets"
	chmod 600 "$dir/secrets"
	DPORT=$(free_port)
	"$SSTPD" --listen "127.0.0.1:$DPORT" --cert "$dir/cert.pem" \
		--key "$dir/key.pem" --secrets "$dir/secrets" \
		--pool 192.0.2.0/24 --tun sstpd0 \
		--listen "[::1]:$DPORT" \
		--handshake-timeout "$HTO" --control "$dir/ctl.sock" \
		"$@" >"$dir/sstpd.out" 2>"$dir/sstpd.log" &
	DPID=$!
	while ! grep -q 'sstpd ready' "$dir/sstpd.log" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
		if [ $i -gt 50 ] || ! kill -0 "$DPID" 2>/dev/null; then
			echo "  sstpd did not start:"; sed 's/^/  | /' "$dir/sstpd.log"
			return 1
		fi
	done
}

stop_sstpd() {
	[ -n "$DPID" ] || return 0
	kill -TERM "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DRC=$?
	DPID=
}

dlog_has() { grep -Eq -- "$1" "$CASE_DIR/sstpd.log"; }

# http_case NAME REQUEST(printf format) EXPECTED-STATUS-LINE EXPECTED-END [EXTRA]
http_case() {
	local name=$1 req=$2 want=$3 end=$4 extra=${5:-} out
	printf "$req" >"$CASE_DIR/req.$name"
	out=$($PROBE http "127.0.0.1:$DPORT" "$CASE_DIR/req.$name" 2>&1)
	if [ "$(printf '%s\n' "$out" | head -1)" != "$want" ]; then
		fail "http $name" "got '$(printf '%s\n' "$out" | head -1)', want '$want'"
	elif [ "$(printf '%s\n' "$out" | tail -1)" != "$end" ]; then
		fail "http $name" "connection $(printf '%s\n' "$out" | tail -1), want $end"
	elif [ -n "$extra" ] && ! printf '%s\n' "$out" | grep -qxF -- "$extra"; then
		fail "http $name" "no '$extra' in: $out"
	else
		pass "http $name: $want, $end"
	fi
}

# --- one daemon for the HTTP, timeout, flood and session cases -------------
new_case main
if ! start_sstpd "$CASE_DIR"; then
	fail "sstpd starts"
	finish
	exit
fi
pass "sstpd starts and listens"

# 90 fields of 100 octets: over 8 KiB and over 64 fields (431); one line
# of 9000 octets is a line too long (400).
big=$(for i in $(seq 1 90); do printf 'X-F%02d: %092d\\r\\n' "$i" 0; done)
long=$(head -c 9000 /dev/zero | tr '\0' a)
http_case wrong-path "SSTP_DUPLEX_POST /other/ HTTP/1.1\r\nHost: localhost\r\n\r\n" \
	"HTTP/1.1 404 Not Found" closed
http_case get "GET $SPATH HTTP/1.1\r\nHost: localhost\r\n\r\n" \
	"HTTP/1.1 405 Method Not Allowed" closed "Allow: SSTP_DUPLEX_POST"
http_case http10 "SSTP_DUPLEX_POST $SPATH HTTP/1.0\r\n\r\n" \
	"HTTP/1.1 400 Bad Request" closed
http_case garbage "hello there\r\n\r\n" "HTTP/1.1 400 Bad Request" closed
http_case too-big "SSTP_DUPLEX_POST $SPATH HTTP/1.1\r\nHost: localhost\r\n$big\r\n" \
	"HTTP/1.1 431 Request Header Fields Too Large" closed
http_case long-line "SSTP_DUPLEX_POST $SPATH HTTP/1.1\r\nHost: localhost\r\nX-Big: $long\r\n\r\n" \
	"HTTP/1.1 400 Bad Request" closed
http_case http2 "SSTP_DUPLEX_POST $SPATH HTTP/2.0\r\nHost: localhost\r\n\r\n" \
	"HTTP/1.1 505 HTTP Version Not Supported" closed
http_case sstp "SSTP_DUPLEX_POST $SPATH HTTP/1.1\r\nHost: localhost\r\nSSTPCORRELATIONID: {0}\r\nContent-Length: 18446744073709551615\r\n\r\n" \
	"HTTP/1.1 200 OK" open "Content-Length: 18446744073709551615"
printf "SSTP_DUPLEX_POST /v6/ HTTP/1.1\r\nHost: localhost\r\n\r\n" >"$CASE_DIR/req.v6"
out=$($PROBE http "[::1]:$DPORT" "$CASE_DIR/req.v6" | head -1)
if [ "$out" = "HTTP/1.1 404 Not Found" ] && dlog_has 'start client=\[::1\]:[0-9]+'; then
	pass "IPv6 listener: [::1] served and logged"
else
	fail "IPv6 listener" "got '$out'"
fi
if dlog_has 'session [0-9a-f]{16}: HTTP 404 from 127\.0\.0\.1'; then
	pass "HTTP refusal logged with the session id and client"
else
	fail "HTTP refusal logged with the session id and client"
fi

# Idle connections: closed at the handshake timeout, in TCP and in TLS.
t=$($PROBE wait-close "127.0.0.1:$DPORT")
if awk -v t="$t" -v h=$HTO 'BEGIN { exit !(t >= h - 0.5 && t <= h + 1.5) }'; then
	pass "idle TCP connection closed at the handshake timeout (${t}s)"
else
	fail "idle TCP connection closed at the handshake timeout" "after '$t'"
fi
t=$($PROBE wait-close "127.0.0.1:$DPORT" --tls)
if awk -v t="$t" -v h=$HTO 'BEGIN { exit !(t >= h - 0.5 && t <= h + 1.5) }' &&
    dlog_has 'handshake timeout: no HTTP request'; then
	pass "idle TLS connection closed at the handshake timeout (${t}s)"
else
	fail "idle TLS connection closed at the handshake timeout" "after '$t'"
fi
if dlog_has 'end .*reason: handshake timeout: no TLS handshake within'; then
	pass "the timeout is the session's end reason"
else
	fail "the timeout is the session's end reason"
fi

# 1,000 idle half-open connections from 127.0.0.2 must not stop a login
# from 127.0.0.1.
ulimit -n 4096
fds0=$(ls "/proc/$DPID/fd" | wc -l)
$PROBE idle "127.0.0.1:$DPORT" 1000 $((HTO + 2)) --bind 127.0.0.2 \
	>"$CASE_DIR/idle.out" 2>&1 &
ipid=$!
sleep 0.5
printf "SSTP_DUPLEX_POST $SPATH HTTP/1.1\r\nHost: localhost\r\n\r\n" >"$CASE_DIR/req.ok"
t0=$(date +%s%N)
out=$($PROBE http "127.0.0.1:$DPORT" "$CASE_DIR/req.ok" | head -1)
t1=$(date +%s%N)
# Well under the handshake timeout: not served only once the idle ones went.
if [ "$out" = "HTTP/1.1 200 OK" ] && [ $(( (t1 - t0) / 1000000 )) -lt 1500 ]; then
	pass "200 within $(( (t1 - t0) / 1000000 )) ms during 1,000 idle connections"
else
	fail "200 during 1,000 idle connections" "got '$out'"
fi
if $CLIENT --connect "127.0.0.1:$DPORT" --ca "$PKI/ca.pem" --host localhost \
    --user "$SUSER" --password "$SPASS" --timeout 10 \
    >"$CASE_DIR/client-flood.log" 2>&1; then
	pass "login during 1,000 idle connections"
else
	fail "login during 1,000 idle connections" "$(tail -2 "$CASE_DIR/client-flood.log")"
fi
wait $ipid
# The refusal lines are rate-limited: 10 a second one by one, then a
# summary with the count held back and the totals.
nref=$(grep -c 'refused connection from 127\.0\.0\.2:[0-9]*: --max-per-address 16 reached' "$CASE_DIR/sstpd.log")
nsum=$(grep -o 'refused [0-9]* more connection(s), not logged one by one' "$CASE_DIR/sstpd.log" |
	awk '{ n += $2 } END { print n + 0 }')
if grep -qx 'alive 0' "$CASE_DIR/idle.out" &&
    [ "$nref" -le 30 ] && [ $((nref + nsum)) -eq 984 ] &&
    dlog_has 'refused in all: 0 over --max-sessions, 984 over --max-per-address'; then
	pass "idle flood: 984 refused over --max-per-address ($nref lines, $nsum in summaries), 16 closed at the timeout"
else
	fail "idle flood refused and timed out" "$(cat "$CASE_DIR/idle.out"; grep -c refused "$CASE_DIR/sstpd.log")"
fi
sleep 1
fds1=$(ls "/proc/$DPID/fd" | wc -l)
if [ "$fds1" -le "$fds0" ]; then
	pass "no descriptor left behind by the flood ($fds0 -> $fds1)"
else
	fail "no descriptor left behind by the flood" "$fds0 -> $fds1"
fi

# A session: login, --list, SIGHUP with it live, then SIGTERM.
n0=$(grep -c 'call connected user=alice' "$CASE_DIR/sstpd.log")
$CLIENT --connect "127.0.0.1:$DPORT" --ca "$PKI/ca.pem" --host localhost \
	--user "$SUSER" --password "$SPASS" --hold 6 --timeout 20 \
	--spoof 192.0.2.250 >"$CASE_DIR/client-hold.log" 2>&1 &
cpid=$!
i=0
while [ "$(grep -c 'call connected user=alice' "$CASE_DIR/sstpd.log")" -le "$n0" ] &&
    [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
if [ "$(grep -c 'call connected user=alice' "$CASE_DIR/sstpd.log")" -gt "$n0" ] &&
    dlog_has 'session [0-9a-f]{16}: call connected user=alice client=127\.0\.0\.1'; then
	pass "login: call connected, user and client in the log"
else
	fail "login: call connected" "$(tail -3 "$CASE_DIR/client-hold.log")"
fi
# The engine's and the SSTP machine's own lines carry the session's id.
sid=$(grep -Eo 'session [0-9a-f]{16}: call connected user=alice' "$CASE_DIR/sstpd.log" |
	tail -1 | cut -d' ' -f2 | tr -d :)
if [ -n "$sid" ] &&
    dlog_has "session $sid: PPP: the client \"alice\" authenticated with " &&
    dlog_has "session $sid: SSTP crypto binding verified \(SHA256\)" &&
    dlog_has "session $sid: IPCP is up"; then
	pass "PPP and SSTP lines carry the session id ($sid)"
else
	fail "PPP and SSTP lines carry the session id" "sid=$sid; $(grep -E 'authenticated|binding verified|IPCP is up' "$CASE_DIR/sstpd.log" | tail -3)"
fi
if "$SSTPD" --list --control "$CASE_DIR/ctl.sock" 2>&1 | grep -q 'alice'; then
	pass "--list shows the live session"
else
	fail "--list shows the live session"
fi
h1=$($PROBE certhash "127.0.0.1:$DPORT")
cp "$PKI/iponly.pem" "$CASE_DIR/cert.pem"
cp "$PKI/iponly.key" "$CASE_DIR/key.pem"
kill -HUP "$DPID"
sleep 0.5
h2=$($PROBE certhash "127.0.0.1:$DPORT")
if [ -n "$h1" ] && [ -n "$h2" ] && [ "$h1" != "$h2" ] &&
    [ "$h2" = "$(openssl x509 -in "$PKI/iponly.pem" -outform DER | sha256sum | cut -d' ' -f1)" ] &&
    dlog_has 'reload: certificate'; then
	pass "SIGHUP: new connections get the new certificate"
else
	fail "SIGHUP: new certificate" "h1=$h1 h2=$h2"
fi
if wait $cpid; then
	pass "SIGHUP: the live session kept going to its end"
else
	fail "SIGHUP: the live session kept going" "$(tail -3 "$CASE_DIR/client-hold.log")"
fi
if dlog_has 'end user=alice client=127\.0\.0\.1:[0-9]+ address=192\.0\.2\.[0-9]+ duration=[0-9.]+s in=[0-9]+ out=[0-9]+'; then
	pass "end line: user, client, address, duration, bytes"
else
	fail "end line: user, client, address, duration, bytes"
fi
# The built-in backend's lines about the session carry its id too.
if [ -n "$sid" ] &&
    dlog_has "warning: session $sid: TUN sstpd0: dropped a packet from alice with the source 192\.0\.2\.250, not its own \(1 so far\)" &&
    dlog_has "session $sid: TUN sstpd0: session dropped 0 packet\(s\) from the TUN .* 1 toward it \(IP check 0, spoofed source 1, TUN full 0\)"; then
	pass "TUN lines of the session carry its id (forged source, drops)"
else
	fail "TUN lines of the session carry its id" "sid=$sid; $(grep -E 'TUN sstpd0: (dropped|session dropped)' "$CASE_DIR/sstpd.log" | tail -2)"
fi
n0=$(grep -c 'call connected user=alice' "$CASE_DIR/sstpd.log")
$CLIENT --connect "127.0.0.1:$DPORT" --ca "$PKI/ca.pem" --host 127.0.0.1 \
	--user "$SUSER" --password "$SPASS" --hold 20 --timeout 30 -v \
	>"$CASE_DIR/client-term.log" 2>&1 &
cpid=$!
i=0
while [ "$(grep -c 'call connected user=alice' "$CASE_DIR/sstpd.log")" -le "$n0" ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
t0=$(date +%s)
stop_sstpd
t1=$(date +%s)
sleep 0.3
kill "$cpid" 2>/dev/null
wait $cpid 2>/dev/null
if [ "$DRC" = 0 ] && [ $((t1 - t0)) -le 5 ] &&
    dlog_has 'SIGTERM: stopping, 1 session' &&
    dlog_has 'reason: sstpd stopping' &&
    grep -q "client: rx_disconnect " "$CASE_DIR/client-term.log"; then
	pass "SIGTERM: Call Disconnect to the session, exit 0 in $((t1 - t0)) s"
else
	fail "SIGTERM: exit 0 with the session ended" "rc=$DRC after $((t1 - t0)) s"
fi

# --- PROXY protocol --------------------------------------------------------
new_case proxy
if start_sstpd "$CASE_DIR" --proxy-protocol; then
	printf "SSTP_DUPLEX_POST /x/ HTTP/1.1\r\nHost: localhost\r\n\r\n" >"$CASE_DIR/req"
	out=$($PROBE http "127.0.0.1:$DPORT" "$CASE_DIR/req" --proxy v1 --src 198.51.100.7:5555 | head -1)
	if [ "$out" = "HTTP/1.1 404 Not Found" ] &&
	    dlog_has 'session [0-9a-f]{16}: start client=198\.51\.100\.7:5555'; then
		pass "PROXY v1: the real client address in the start line"
	else
		fail "PROXY v1" "got '$out'"
	fi
	out=$($PROBE http "127.0.0.1:$DPORT" "$CASE_DIR/req" --proxy v2 --src 203.0.113.9:6666 | head -1)
	if [ "$out" = "HTTP/1.1 404 Not Found" ] &&
	    dlog_has 'session [0-9a-f]{16}: start client=203\.0\.113\.9:6666' &&
	    dlog_has 'end .*client=203\.0\.113\.9:6666'; then
		pass "PROXY v2 (with a TLV): the real client address in the log"
	else
		fail "PROXY v2" "got '$out'"
	fi
	out=$($PROBE http "127.0.0.1:$DPORT" "$CASE_DIR/req" | tail -1)
	if [ "$out" = closed ] &&
	    dlog_has 'refused connection from 127\.0\.0\.1:[0-9]+ \(session [0-9a-f]{16}\): bad PROXY header: '; then
		pass "no PROXY header: refused, cause logged"
	else
		fail "no PROXY header refused" "got '$out'"
	fi
	stop_sstpd
else
	fail "sstpd starts with --proxy-protocol"
fi

# --- operations: sd_notify, --user, the limits --------------------------
new_case ops
# As systemd's: a socket anybody may send to (sstpd reports after --user).
NDIR=$(mktemp -d "${TMPDIR:-/tmp}/sstpd-notify.XXXXXX")
chmod 755 "$NDIR"
$PY -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(4096).decode() + "\n"); f.flush()
 ' "$NDIR/notify.sock" "$CASE_DIR/notify.log" &
npid=$!
sleep 0.3
chmod 777 "$NDIR/notify.sock"
export NOTIFY_SOCKET="$NDIR/notify.sock"
start_sstpd "$CASE_DIR" --user nobody --max-handshakes 2 --max-per-address 100
ok=$?
unset NOTIFY_SOCKET
if [ $ok = 0 ]; then
	if grep -qx 'READY=1' "$CASE_DIR/notify.log" 2>/dev/null; then
		pass "sd_notify: READY=1 once listening"
	else
		fail "sd_notify: READY=1" "$(cat "$CASE_DIR/notify.log" 2>/dev/null)"
	fi
	uid=$(awk '/^Uid:/ { print $3 }' "/proc/$DPID/status")
	if [ "$uid" = "$(id -u nobody)" ] && dlog_has 'running as nobody'; then
		pass "--user nobody: privileges dropped after the TUN and the listeners"
	else
		fail "--user nobody" "effective uid $uid"
	fi
	$PROBE idle "127.0.0.1:$DPORT" 3 1 --bind 127.0.0.3 >"$CASE_DIR/idle.out" 2>&1
	if dlog_has 'refused connection from 127\.0\.0\.3:[0-9]+: --max-handshakes 2 reached \(1 refused\)'; then
		pass "--max-handshakes 2: the third connection in flight refused, logged, counted"
	else
		fail "--max-handshakes 2" "$(grep refused "$CASE_DIR/sstpd.log")"
	fi
	sleep 0.5
	if $CLIENT --connect "127.0.0.1:$DPORT" --ca "$PKI/ca.pem" --host localhost \
	    --user "$SUSER" --password "$SPASS" --ping 2 --timeout 10 \
	    >"$CASE_DIR/client.log" 2>&1; then
		pass "login and ping through the TUN after the privilege drop"
	else
		fail "login after the privilege drop" "$(tail -2 "$CASE_DIR/client.log")"
	fi
	kill -HUP "$DPID"
	sleep 0.5
	stop_sstpd
	sleep 0.2
	if [ "$DRC" = 0 ] && [ "$(tr '\n' ' ' <"$CASE_DIR/notify.log")" = "READY=1 RELOADING=1 READY=1 STOPPING=1 " ]; then
		pass "sd_notify: RELOADING=1 / READY=1 on SIGHUP, STOPPING=1, exit 0"
	else
		fail "sd_notify sequence" "rc=$DRC: $(tr '\n' ' ' <"$CASE_DIR/notify.log")"
	fi
	# nobody cannot unlink in root's directory: said, and the next start
	# (the --max-sessions case below, same path) replaces the stale file.
	if dlog_has 'control socket .*/ctl\.sock left behind \(Permission denied\): the next start replaces it'; then
		pass "--user: the control socket left behind is logged"
	else
		fail "--user: control socket left behind" "$(tail -2 "$CASE_DIR/sstpd.log")"
	fi
else
	fail "sstpd starts with --user nobody"
fi
kill "$npid" 2>/dev/null
rm -rf "$NDIR"

new_case limits
if start_sstpd "$CASE_DIR" --max-sessions 2 --max-per-address 100; then
	$PROBE idle "127.0.0.1:$DPORT" 3 1 >"$CASE_DIR/idle.out" 2>&1
	if dlog_has 'refused connection from 127\.0\.0\.1:[0-9]+: --max-sessions 2 reached \(1 refused\)'; then
		pass "--max-sessions 2: the third connection refused, logged, counted"
	else
		fail "--max-sessions 2" "$(grep refused "$CASE_DIR/sstpd.log")"
	fi
	stop_sstpd
else
	fail "sstpd starts with --max-sessions 2"
fi

finish
