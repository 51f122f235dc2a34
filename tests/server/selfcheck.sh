#!/bin/sh
# selfcheck.sh - prove the Python SSTP test server with the Python client.
#
# Runs the crypto self test, generates a PKI into a temp dir, then for each
# case starts tests/server/sstp_server.py on a free loopback port (--once)
# and drives it with tests/lib/sstptest/client.py, asserting on the events
# file.  Exit 0 only if every case passes.  Needs only python3 + openssl.
set -u

here=$(cd "$(dirname "$0")" && pwd)
lib=$here/../lib
PY=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sstp-selfcheck.XXXXXX")
NS="sstp-selfcheck-$$"
nsmade=
cleanup() {
	if [ -n "$nsmade" ]; then
		for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$NS" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok   - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }

if "$PY" "$lib/sstptest/selftest.py"; then ok "crypto selftest"; else ko "crypto selftest"; fi
if sh "$lib/mkcerts.sh" "$tmp/pki" >/dev/null; then ok "mkcerts"; else
	ko "mkcerts"; exit 1; fi

USER=alice
PASS='s3cret-pässword'

# start_server EVFILE ARGS... : sets $spid and $port
start_server() {
	ev=$1
	shift
	rm -f "$tmp/port"
	"$PY" "$here/sstp_server.py" --cert "$tmp/pki/valid.pem" \
	    --key "$tmp/pki/valid.key" --events "$ev" --port-file "$tmp/port" \
	    --user "$USER" --password "$PASS" --user bob --password bobpw \
	    "$@" >"$tmp/server.out" 2>"$tmp/server.err" &
	spid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(cat "$tmp/port" 2>/dev/null)
}

stop_server() {
	i=0
	while kill -0 "$spid" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
}

# case NAME "SERVER ARGS" "CLIENT ARGS" EVENT-SPECS...
case_() {
	name=$1 sargs=$2 cargs=$3
	shift 3
	ev="$tmp/$name.jsonl"
	# shellcheck disable=SC2086
	start_server "$ev" --once $sargs
	if [ -z "$port" ]; then ko "$name (server did not start)"; cat "$tmp/server.err"; return; fi
	# shellcheck disable=SC2086
	"$PY" "$lib/sstptest/client.py" --connect "127.0.0.1:$port" \
	    --ca "$tmp/pki/ca.pem" --user "$USER" --password "$PASS" \
	    --timeout 8 $cargs >"$tmp/client.out" 2>&1
	crc=$?
	stop_server
	if [ $crc -ne 0 ]; then
		ko "$name (client rc=$crc)"; cat "$tmp/client.out" "$tmp/server.err"; return
	fi
	if "$PY" "$lib/sstptest/events.py" --wait 2 "$ev" "$@"; then ok "$name"; else
		ko "$name"; cat "$tmp/client.out" "$tmp/server.err"; fi
}

case_ smoke-mschapv2 "--auth mschapv2" "--ping 2" \
    tls_established http_request:method_ok=true,uri_ok=true,content_length_ok=true \
    connect_request connect_ack_sent:bitmask=3 lcp_up:auth=mschapv2 \
    auth_ok:method=mschapv2,hlak=keys call_connected:binding=ok,hash=sha256 \
    ipcp_up:peer=192.0.2.2 icmp_echo:seq=1 icmp_echo:seq=2 \
    ppp_terminate:by=client disconnect_received disconnect_ack_sent \
    '!abort_sent' '!ppp_no_ff03' session_end
case_ pap "--auth pap" "" \
    auth_ok:method=pap,hlak=zero call_connected:binding=ok icmp_echo '!abort_sent'
case_ eap-mschapv2 "--auth eap-mschapv2" "" \
    eap_identity:identity=$USER auth_ok:method=eap-mschapv2,hlak=keys \
    call_connected:binding=ok icmp_echo
case_ auth-fallthrough "--auth eap-mschapv2,pap,mschapv2" "--auth mschapv2" \
    lcp_nak_received auth_ok:method=mschapv2 call_connected:binding=ok
case_ sha1-only "--scenario hash-sha1" "" \
    connect_ack_sent:bitmask=1 call_connected:binding=ok,hash=sha1
case_ sha1-preferred "" "--hash sha1" call_connected:binding=ok,hash=sha1
case_ wrong-password "" "--password wrong --expect-auth-fail" \
    auth_fail:method=mschapv2,reason=bad-nt-response '!call_connected'
case_ eap-wrong-password "--auth eap-mschapv2" "--password wrong --expect-auth-fail" \
    auth_fail:method=eap-mschapv2 '!auth_ok'
case_ bad-cmac "" "--corrupt cmac --expect-abort" \
    call_connected:binding=bad:cmac abort_sent
case_ zero-hlak "" "--zero-hlak --expect-abort" \
    call_connected:binding=bad:cmac,cmac_matches=zero-hlak abort_sent
case_ bad-nonce "" "--corrupt nonce --expect-abort" call_connected:binding=bad:nonce
case_ bad-cert-hash "" "--corrupt cert --expect-abort" call_connected:binding=bad:cert_hash
case_ bad-hash-proto "" "--corrupt hash --expect-abort" call_connected:binding=bad:hash_protocol
case_ no-verify "--scenario no-verify" "--corrupt cmac" \
    call_connected:binding=bad:cmac,enforced=false icmp_echo '!abort_sent'
case_ nak-2 "--scenario nak-accel-2" "" \
    connect_nak_sent:count=2,accel_trailing=true call_connected:binding=ok
case_ compressed-frames "" "--compressed" ppp_no_ff03 call_connected:binding=ok icmp_echo
case_ early-echo "" "--early-echo" echo_before_connected call_connected:binding=ok
case_ abort-early-echo "--scenario abort-on-early-echo" "--early-echo --expect-abort" \
    echo_before_connected abort_sent
case_ win2016-lcp "--scenario win2016-lcp" "" \
    lcp_reject_received:options=[13,17,19] auth_ok:method=eap-mschapv2 \
    call_connected:binding=ok
case_ mppe-stateless "--scenario mppe-required" "--mppe --ping 3" \
    ccp_up:stateless=true icmp_echo:seq=3,mppe=true call_connected:binding=ok
case_ mppe-stateful "--scenario mppe-stateful" "--mppe --ping 3" \
    ccp_up:stateless=false icmp_echo:seq=3,mppe=true
case_ server-disconnect "--scenario server-disconnect-after=0.3" "--hold 2" \
    ppp_terminate:by=server disconnect_sent disconnect_ack_received
case_ echo-storm "--scenario echo-storm --echo-interval 0.2" "--hold 1" \
    echo_request_sent:why=storm echo_response_received
case_ hello "--hello 0.3" "--hold 1" echo_request_sent:why=hello echo_response_received \
    '!hello_timeout'
case_ negotiation-timeout "--negotiation-timeout 1" "--no-call-connected --hold 2 --expect-abort" \
    negotiation_timeout abort_sent:status=8 '!call_connected'
case_ tls12 "--tls-max 1.2" "" tls_established:version=TLSv1.2 call_connected:binding=ok
case_ malformed-ack "--scenario zero-attr-len" "--expect-abort" abort_received
case_ bad-success-s "--scenario bad-success-s" "--expect-auth-fail" \
    '!call_connected' ppp_terminate:by=client
case_ eap-peap-nak "--auth eap-mschapv2 --scenario eap-peap-first" "" \
    eap_nak:types=[26] auth_ok:method=eap-mschapv2 call_connected:binding=ok

# SNI enforcement: the client sends SNI localhost, server wants another name
ev="$tmp/sni.jsonl"
start_server "$ev" --once --sni-required vpn.example
"$PY" "$lib/sstptest/client.py" --connect "127.0.0.1:$port" --ca "$tmp/pki/ca.pem" \
    --timeout 5 >"$tmp/client.out" 2>&1
crc=$?
stop_server
if [ $crc -ne 0 ] && "$PY" "$lib/sstptest/events.py" --wait 2 "$ev" \
    tls_sni_rejected:sni=localhost tls_failed '!http_request'; then ok "sni-required"
else ko "sni-required"; cat "$tmp/client.out"; fi

# --tun: the server writes the client's IP into a TUN of its own and sends
# back what the kernel routes into it.  In a network namespace of its own:
# the server listens on the namespace's loopback, srv0 gets 192.0.2.1 peer
# 192.0.2.2, and the Python client's echo requests must be answered by the
# kernel (the server's own responder is off with --tun).  With srv0 left
# down nothing can answer: that case must fail, proving the replies came
# through the TUN.
# tun_case NAME LINKUP "SERVER ARGS" "CLIENT ARGS" EVENT-SPECS...
tun_case() {
	name=$1 linkup=$2 sargs=$3 cargs=$4
	shift 4
	ev="$tmp/$name.jsonl"
	rm -f "$tmp/port"
	# shellcheck disable=SC2086
	ip netns exec "$NS" "$PY" "$here/sstp_server.py" --listen 127.0.0.1:0 \
	    --cert "$tmp/pki/valid.pem" --key "$tmp/pki/valid.key" --events "$ev" \
	    --port-file "$tmp/port" --user "$USER" --password "$PASS" --once \
	    --tun srv0 $sargs >"$tmp/server.out" 2>"$tmp/server.err" &
	spid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(cat "$tmp/port" 2>/dev/null)
	if [ -z "$port" ]; then ko "$name (server did not start)"; cat "$tmp/server.err"; return; fi
	ip -n "$NS" addr add 192.0.2.1 peer 192.0.2.2 dev srv0
	[ "$linkup" = up ] && ip -n "$NS" link set srv0 up
	# shellcheck disable=SC2086
	ip netns exec "$NS" "$PY" "$lib/sstptest/client.py" --connect "127.0.0.1:$port" \
	    --ca "$tmp/pki/ca.pem" --user "$USER" --password "$PASS" \
	    --timeout 4 $cargs >"$tmp/client.out" 2>&1
	crc=$?
	stop_server
	if [ "$linkup" != up ]; then
		if [ $crc -ne 0 ] && grep -q "timeout waiting for echo reply" "$tmp/client.out" &&
		    "$PY" "$lib/sstptest/events.py" "$ev" "$@"; then ok "$name"; else
			ko "$name (rc=$crc: got an answer with srv0 down?)"; cat "$tmp/client.out"; fi
		return
	fi
	if [ $crc -ne 0 ]; then
		ko "$name (client rc=$crc)"; cat "$tmp/client.out" "$tmp/server.err"; return
	fi
	if "$PY" "$lib/sstptest/events.py" --wait 2 "$ev" "$@"; then ok "$name"; else
		ko "$name"; cat "$tmp/client.out" "$tmp/server.err"; fi
}
tunwhy=
[ "$(id -u)" = 0 ] || tunwhy="not root"
[ -z "$tunwhy" ] && [ ! -c /dev/net/tun ] && tunwhy="no /dev/net/tun"
if [ -z "$tunwhy" ]; then
	if ip netns add "$NS" 2>/dev/null; then
		nsmade=1
		ip -n "$NS" link set lo up
	else
		tunwhy="ip netns add failed"
	fi
fi
if [ -z "$tunwhy" ]; then
	tun_case tun-ping up "--auth mschapv2" "--ping 3" \
	    listening:tun=srv0 tun_attached icmp_echo:seq=3,via=tun,mppe=false \
	    call_connected:binding=ok '!ip_unrouted'
	"$PY" "$lib/sstptest/events.py" "$tmp/tun-ping.jsonl" session_end >/dev/null &&
	"$PY" - "$tmp/tun-ping.jsonl" <<'PYEOF' && ok "tun-counters" || ko "tun-counters"
import json, sys
e = [json.loads(l) for l in open(sys.argv[1]) if '"session_end"' in l][0]
sys.exit(0 if e["tun_in"] >= 3 and e["tun_out"] >= 3 and e["tun_drop"] == 0
         else 1)
PYEOF
	tun_case tun-mppe up "--scenario mppe-required" "--mppe --ping 3" \
	    ccp_up icmp_echo:seq=3,via=tun,mppe=true '!ip_unencrypted_with_mppe'
	tun_case tun-pap up "--auth pap" "--ping 2" \
	    auth_ok:method=pap icmp_echo:seq=2,via=tun
	tun_case tun-link-down down "--auth mschapv2" "--ping 1" \
	    icmp_echo:seq=1,via=tun
elif [ "${CI:-}" = true ]; then
	ko "tun cases cannot run: $tunwhy"
else
	echo "skip - tun cases: $tunwhy"
fi

# scenario list and SIGTERM
if "$PY" "$here/sstp_server.py" --list-scenarios | grep "^rst-mid" >/dev/null; then
	ok "list-scenarios"; else ko "list-scenarios"; fi
ev="$tmp/term.jsonl"
start_server "$ev"
kill -TERM "$spid"
wait "$spid"
trc=$?
if [ $trc -eq 0 ] && "$PY" "$lib/sstptest/events.py" "$ev" listening server_stop; then
	ok "sigterm"; else ko "sigterm (rc=$trc)"; fi

echo "selfcheck: $pass passed, $fail failed"
[ $fail -eq 0 ]
