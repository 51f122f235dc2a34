#!/usr/bin/env bash
# tests/integration/tier-tun.sh - the built-in mode (sstpc --tun, issue 12)
# end to end through real kernel networking.  Each case has two network
# namespaces of its own (lib-netns.sh): sstpc --tun=sstp0 in the client
# namespace, the Python test server with a TUN of its own (--tun srv0) in the
# server namespace, the TLS connection over a veth between them:
#
#   ping / TCP in NSC -> sstp0 -> sstpc -> TLS over veth -> sstp_server.py
#     -> srv0 -> the server namespace's kernel (answers, TCP peer)
#
# Full sessions (PAP, MS-CHAPv2 with the Compound MAC verified by the server,
# EAP-MSCHAPv2, MPPE required, IPv6 link-local, --noipv6, --route and
# --defaultroute, --usepeerdns): ping through sstp0, a TCP transfer with
# SHA-256 checks both ways (tests/lib/tcpxfer.py) and iperf3 each way (no
# receiver interval without data), then
# SIGTERM: exit 10, the session summary, LCP Terminate and Call Disconnect
# seen by the server, sstp0 and its routes gone.  Then the bad-server rows of
# tier 1 that involve PPP, in built-in mode, with their exit statuses
# (doc/sstpc.8): authentication refused 7, server's authenticator response
# wrong or missing 7, no common authentication 7, the server hangs up 8,
# a silent server found by LCP Echo 8, LCP or IPCP never converging 9
# (the PPP side failed: LINK_END_PPP), MPPE required but refused 9.
# Needs root, /dev/net/tun, ip netns, ping (iputils-ping) and iperf3; exits
# 77 (cannot run) without them.
# Environment: SSTPC, JOBS (default 4), KEEP=1, CASES="name ...".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-netns.sh"
TIER_NAME=tier-tun

if ! why=$(netns_can_run); then
	echo "tier-tun: cannot run: $why"
	exit 77
fi
for t in ping iperf3 ss; do
	command -v "$t" >/dev/null 2>&1 || { echo "tier-tun: cannot run: no $t"; exit 77; }
done

XFER=4000000		# bytes each way of the checked TCP transfer
IPERF_S=2		# seconds of each iperf3 run (time-based: see iperf_ok)
IPERF_MIN=2000000	# bytes its receiver must get at least (1 MB/s)

# must OUTFILE WHAT CMD...: CMD must succeed; else the case fails naming
# WHAT and the end of OUTFILE (read after CMD ran)
must() {
	local out=$1 what=$2
	shift 2
	"$@" && return 0
	CASE_WHY="${CASE_WHY:+$CASE_WHY; }$what failed: $(tail -3 "$out" 2>/dev/null | tr '\n' ' ' | cut -c1-240)"
	return 1
}

# ev_count NAME: how many NAME events the case's server logged
ev_count() { grep -c "\"event\": \"$1\"" "$CASE_DIR/events.jsonl" 2>/dev/null; }

# sstp0_gone: the client namespace has no sstp0 (within 3 s)
sstp0_gone() {
	local i
	for _ in $(seq 30); do
		ip -n "$NSC" link show dev sstp0 >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	return 1
}

# summary_ok MINSENT: the summary line is there and counts at least MINSENT
# bytes sent
summary_ok() {
	local l sent
	l=$(summary_line)
	[ -n "$l" ] || return 1
	sent=$(printf '%s\n' "$l" | sed -n 's/.* \([0-9][0-9]*\) bytes sent.*/\1/p')
	[ -n "$sent" ] && [ "$sent" -ge "$1" ]
}

# start SERVERARGS -- SSTPCARGS: namespaces, server, sstpc --tun=sstp0
start() {
	local sa=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sa+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	netns_up "$CASE_NAME" || { CASE_WHY="namespaces not made"; return 1; }
	# PRESTART: a case's own set-up of the namespaces before the server
	if [ -n "${PRESTART:-}" ] && ! "$PRESTART"; then
		CASE_WHY="set-up $PRESTART failed"
		return 1
	fi
	if ! tun_server --once --ppp-restart 1 --negotiation-timeout 30 \
	    --http-timeout 20 "${sa[@]}"; then
		CASE_WHY="server did not start ($(tail -1 "$CASE_DIR/server.err" 2>/dev/null))"
		return 1
	fi
	tun_sstpc --tun=sstp0 "$@"
}

# stop_term: SIGTERM to sstpc; RC, the usual end checks of a full session
stop_term() {
	local minsent=$1
	kill -TERM "$SSTPC_PID" 2>/dev/null
	sstpc_wait 15
	expect '[ "$RC" = 10 ]' "exit $RC after SIGTERM, want 10"
	expect 'summary_ok $minsent' "summary line missing or under $minsent bytes sent: $(summary_line)"
	expect 'wait_event 3 ppp_terminate:by=client' "no LCP Terminate-Request from sstpc"
	expect 'wait_event 3 disconnect_received' "no Call Disconnect from sstpc"
	expect 'sstp0_gone' "sstp0 left behind"
}

# full LABEL CHECKFN SERVERARGS -- SSTPCARGS: a whole session: tunnel up,
# ping x3, checked TCP transfer both ways, CHECKFN, SIGTERM
full() {
	local label=$1 check=$2
	shift 2
	if start "$@" && wait_tun_up sstp0 20; then
		must "$CASE_DIR/ping.out" "ping 192.0.2.1 through sstp0" tun_ping 3
		must "$CASE_DIR/xfer.out" "TCP transfer ($XFER bytes each way)" \
			tun_xfer "$XFER" "$XFER"
		expect '[ "$(ev_count icmp_echo)" -ge 3 ]' "server saw $(ev_count icmp_echo) echo requests"
		[ -n "$check" ] && "$check"
		stop_term "$XFER"
		# CHECKFN_end: what must be gone once sstpc has ended
		[ -n "$check" ] && declare -F "${check}_end" >/dev/null &&
			"${check}_end"
	else
		[ -n "${CASE_WHY:-}" ] || CASE_WHY="sstp0 never came up with $TUN_CLI_IP"
		[ -n "$SSTPC_PID" ] && { kill -TERM "$SSTPC_PID" 2>/dev/null; sstpc_wait 10; }
	fi
	expect 'wait_event 3 session_end' "server session did not end"
	verdict "$label"
	stop_server
	netns_down
}

# --- the harness itself, without sstpc -----------------------------------------
# The Python client (tests/lib/sstptest/client.py) in the client namespace,
# over the veth, pings 192.0.2.1: the server writes the requests into srv0
# and only the server namespace's kernel can answer them.
case_harness() {
	new_case harness
	if netns_up "$CASE_NAME" && tun_server --once --ppp-restart 1; then
		must "$CASE_DIR/client.out" "Python client ping over the veth" \
			in_c "$PY" "$TOP/tests/lib/sstptest/client.py" \
			--connect "$NS_SRV_VETH:$PORT" --ca "$PKI/ca.pem" \
			--host localhost --user "$TUSER" --password "$TPASS" \
			--ping 3 --timeout 8 >"$CASE_DIR/client.out" 2>&1
		expect 'wait_event 3 icmp_echo:seq=3,via=tun call_connected:binding=ok' \
			"no echo through srv0"
		expect 'wait_event 3 session_end' "server session did not end"
	else
		CASE_WHY="namespaces or server not up: $(tail -1 "$CASE_DIR/server.err" 2>/dev/null)"
	fi
	verdict "harness: Python client over the veth, echoes answered by the server ns kernel"
	stop_server
	netns_down
}

# --- full sessions ----------------------------------------------------------
chk_binding_keys() {
	expect 'has_event call_connected:binding=ok,hlak=keys,cmac_matches=server-hlak' \
		"binding $(ev_get call_connected binding) hlak $(ev_get call_connected hlak)"
}
chk_binding_zero() {
	expect 'has_event call_connected:binding=ok,hlak=zero' \
		"binding $(ev_get call_connected binding) hlak $(ev_get call_connected hlak)"
}
# iperf_ok MINBYTES: the iperf3 run of iperf.json (time-based, with
# --get-server-output) had its receiver get at least MINBYTES, and no
# whole receiver interval without a byte (a stall of the tunnel).  Not
# -n BYTES: iperf3 ends such a test when the sender has *written* the
# last byte, and the receiver drops what is still in flight (its RST;
# esnet/iperf#382), so "bytes received" was never "bytes sent" there.
iperf_ok() {
	"$PY" - "$CASE_DIR/iperf.json" "$1" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1]))
rev = j["start"]["test_start"].get("reverse", 0)
got = int(j["end"]["sum_received"]["bytes"])
iv = j["intervals"] if rev else j.get("server_output_json", {}).get("intervals", [])
full = [i["sum"] for i in iv if i["sum"]["seconds"] >= 0.4]
stalls = [round(i["start"], 1) for i in full if i["bytes"] == 0]
print("received %d bytes, %d receiver intervals, stalled at %s" % (got, len(full), stalls))
sys.exit(0 if got >= int(sys.argv[2]) and len(full) >= 3 and not stalls else 1)
PYEOF
}
chk_iperf() {
	local dir
	chk_binding_keys
	for dir in up down; do
		must "$CASE_DIR/iperf.err" "iperf3 $dir" tun_iperf -t "$IPERF_S" \
			-i 0.5 --get-server-output $([ $dir = down ] && echo -R) &&
			expect 'iperf_ok $IPERF_MIN >"$CASE_DIR/iperf-$dir.check"' \
				"iperf3 $dir: $(iperf_ok $IPERF_MIN)"
		cp "$CASE_DIR/iperf.json" "$CASE_DIR/iperf-$dir.json" 2>/dev/null
	done
}
case_pap() {
	new_case pap
	full "tun: PAP, ping + TCP both ways, SIGTERM -> 10" chk_binding_zero \
		--auth pap --
}
case_mschapv2() {
	new_case mschapv2
	full "tun: MS-CHAPv2, Compound MAC verified, ping + TCP + iperf3 both ways" \
		chk_iperf --auth mschapv2 --
}
chk_eap() {
	chk_binding_keys
	expect 'has_event auth_ok:method=eap-mschapv2' "no EAP-MSCHAPv2 auth"
}
case_eap() {
	new_case eap
	full "tun: EAP-MSCHAPv2, binding with the EAP keys, ping + TCP" chk_eap \
		--auth eap-mschapv2 --
}
chk_mppe() {
	expect 'has_event ccp_up:stateless=true' "no CCP/MPPE"
	expect 'has_event icmp_echo:mppe=true' "echo requests not MPPE-encrypted"
	expect '! has_event ip_unencrypted_with_mppe' "plain IP after MPPE was up"
}
case_mppe() {
	local XFER=300000	# the server's MPPE is pure Python RC4
	new_case mppe
	full "tun: MPPE required (--require-mppe), encrypted ping + TCP" chk_mppe \
		--auth mschapv2 --scenario mppe-required -- --require-mppe
}
chk_ipv6() {
	expect 'wait_event 5 ipv6cp_up' "IPV6CP not up"
	expect 'wait_ll6 sstp0 10' "no usable link-local address on sstp0"
	must "$CASE_DIR/ping6.out" "ping6 $TUN_SRV_LL%sstp0" tun_ping6 3
	expect '[ "$(ev_count icmp6_echo)" -ge 3 ]' "server saw $(ev_count icmp6_echo) ICMPv6 echo requests"
}
case_ipv6() {
	new_case ipv6
	full "tun: IPv6 link-local: ping6 fe80::1%sstp0" chk_ipv6 --auth mschapv2 --
}
chk_noipv6() {
	expect '! has_event ipv6cp_up' "IPV6CP came up despite --noipv6"
	expect 'has_event lcp_protocol_reject:proto=0x8057 || has_event ipv6cp_reject_received || has_event ipv6cp_terminate' \
		"IPV6CP neither Protocol-Rejected nor refused"
	expect '! ip -n "$NSC" -6 addr show dev sstp0 scope global | grep -q inet6' "a global IPv6 address on sstp0"
}
case_noipv6() {
	new_case noipv6
	full "tun: --noipv6 refuses IPV6CP, IPv4 fine" chk_noipv6 --auth mschapv2 -- --noipv6
}
# routes_in_c: the client namespace's IPv4 routes on one line
routes_in_c() { ip -n "$NSC" route | tr '\n' ';'; }
# route_dev PREFIX DEV: the route of exactly PREFIX in NSC goes out DEV
route_dev() { ip -n "$NSC" route show exact "$1" | grep -q "dev $2\( \|$\)"; }
# --defaultroute is the two halves 0.0.0.0/1 + 128.0.0.0/1 via the TUN (the
# old default stays: src/sys/hostconf.c, sstpc.8); the server's host route
# keeps the TLS connection on the old path (here the veth: on-link, no
# gateway) while the halves are in place.
chk_routes() {
	expect 'route_dev 192.0.2.128/25 sstp0' \
		"no --route 192.0.2.128/25 via sstp0: $(routes_in_c)"
	expect 'route_dev 0.0.0.0/1 sstp0 && route_dev 128.0.0.0/1 sstp0' \
		"--defaultroute: no 0.0.0.0/1 + 128.0.0.0/1 via sstp0: $(routes_in_c)"
	expect 'route_dev "$NS_SRV_VETH/32" vc0' \
		"no host route to the server $NS_SRV_VETH via vc0: $(routes_in_c)"
	expect 'old_default_there' "the old default route replaced: $(routes_in_c)"
	# the TLS connection still goes over the veth /30
	must "$CASE_DIR/ping.out" "ping after the routes were set" tun_ping 2
}
chk_routes_end() {
	expect '! route_dev 0.0.0.0/1 sstp0 && ! route_dev 128.0.0.0/1 sstp0 &&
		! route_dev 192.0.2.128/25 sstp0' "tunnel routes left: $(routes_in_c)"
	expect '[ -z "$(ip -n "$NSC" route show exact "$NS_SRV_VETH/32")" ]' \
		"server host route left: $(routes_in_c)"
	expect 'old_default_there' "the old default route gone: $(routes_in_c)"
}
# the client namespace's "old" default route, via the veth (before sstpc)
add_old_default() { ip -n "$NSC" route add default via "$NS_SRV_VETH" dev vc0; }
old_default_there() {
	ip -n "$NSC" route show exact default | grep -q "via $NS_SRV_VETH dev vc0"
}
case_routes() {
	local PRESTART=add_old_default
	new_case routes
	full "tun: --route 192.0.2.128/25 --defaultroute set, removed at the end" \
		chk_routes --auth mschapv2 -- --route 192.0.2.128/25 --defaultroute
}
chk_dns() {
	# sstpc asked for DNS 129 and took the server's 192.0.2.53 (c0000235)
	expect '"$PY" -c "import json,sys
ok=any(e.get(\"event\")==\"ipcp_client_request\" and [129,\"c0000235\"] in e.get(\"options\",[])
       for e in map(json.loads, open(sys.argv[1])))
sys.exit(0 if ok else 1)" "$CASE_DIR/events.jsonl"' "no IPCP request with DNS 192.0.2.53"
}
case_usepeerdns() {
	new_case usepeerdns
	full "tun: --usepeerdns asks for DNS (IPCP 129) and takes the server's" \
		chk_dns --auth mschapv2 --dns 192.0.2.53 -- --usepeerdns
}
chk_win2016() {
	expect 'has_event lcp_reject_received:options=[13,17,19]' "options 13/17/19 not rejected"
	expect 'has_event auth_ok:method=eap-mschapv2' "no EAP-MSCHAPv2"
}
case_win2016() {
	new_case win2016
	full "tun: win2016-lcp option set (MRU 4091, EAP, 13/17/19 rejected)" \
		chk_win2016 --scenario win2016-lcp --
}
chk_ff03() {
	expect 'has_event session_end:ppp_no_ff03=0 || ! has_event ppp_no_ff03' \
		"frames without FF 03 (SoftEther drops them)"
}
case_require_ff03() {
	new_case require-ff03
	full "tun: require-ff03 (SoftEther): every frame carries FF 03" chk_ff03 \
		--auth mschapv2 --scenario require-ff03 --
}
chk_lcp_echo() {
	sleep 3
	expect 'has_event lcp_echo_reply' "server LCP echoes not answered"
}
case_lcp_echo() {
	new_case lcp-echo
	full "tun: server LCP Echo-Requests answered by the engine" chk_lcp_echo \
		--scenario lcp-echo --echo-interval 1 --
}
chk_ccp_offer() {
	expect 'has_event ccp_refused_by_client || has_event lcp_protocol_reject:proto=0x80fd' \
		"CCP neither refused nor rejected"
	expect '! has_event ccp_up' "CCP came up without --require-mppe"
}
case_ccp_offer() {
	new_case ccp-offer
	full "tun: a server's CCP offer refused without --require-mppe" \
		chk_ccp_offer --scenario ccp-offer --
}
chk_ipv6_reject() {
	expect 'has_event protocol_reject_sent:proto=0x8057' "server sent no Protocol-Reject"
}
case_ipv6_reject() {
	new_case ipv6-reject
	full "tun: server Protocol-Rejects IPV6CP, IPv4 fine" chk_ipv6_reject \
		--scenario ipv6-reject --
}
case_data_before() {
	new_case data-before
	full "tun: data before Call Connected dropped, session fine" "" \
		--scenario data-before-connected --
}

# --- failures: the PPP rows of the bad-server matrix ------------------------
# bad LABEL WANT BOUND_S [EVENTSPEC ...] -- SERVERARGS -- SSTPCARGS
bad() {
	local label=$1 want=$2 bound=$3 evs=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do evs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	if start "$@"; then
		sstpc_wait "$bound"
		expect '[ "$RC" = "$want" ]' "exit $RC, want $want"
		[ ${#evs[@]} -gt 0 ] && expect 'wait_event 3 "${evs[@]}"' \
			"server events not as wanted: ${evs[*]}"
		expect 'sstp0_gone' "sstp0 left behind"
		expect '! ip -n "$NSC" -4 addr show | grep -q "$TUN_CLI_IP"' "$TUN_CLI_IP left on an interface"
	fi
	verdict "$label"
	stop_server
	netns_down
}
WRONGPW="$WORK/wrong-password"
printf 'not-the-password\n' >"$WRONGPW"
chmod 600 "$WRONGPW"
authfail() {	# method
	new_case "authfail-$1"
	bad "tun: $1 with a wrong password -> exit 7" 7 20 \
		"auth_fail:method=$1" '!call_connected:binding=ok' -- \
		--auth "$1" -- --password-file "$WRONGPW"
}
case_authfail_pap() { authfail pap; }
case_authfail_mschapv2() { authfail mschapv2; }
case_authfail_eap() { authfail eap-mschapv2; }
case_bad_success_s() {
	new_case bad-success-s
	bad "tun: wrong MS-CHAPv2 authenticator response (S=) -> exit 7" 7 20 \
		auth_ok '!call_connected' -- --scenario bad-success-s --
}
case_no_success_s() {
	new_case no-success-s
	bad "tun: MS-CHAPv2 Success without S= -> exit 7" 7 20 \
		auth_ok '!call_connected' -- --scenario no-success-s --
}
case_eap_bad_success_s() {
	new_case eap-bad-success-s
	bad "tun: wrong EAP-MSCHAPv2 authenticator response -> exit 7" 7 20 \
		'!call_connected' -- --auth eap-mschapv2 --scenario bad-success-s --
}
case_no_common_auth() {
	new_case no-common-auth
	bad "tun: server offers only PAP, sstpc --refuse-pap -> exit 7" 7 20 \
		'!auth_ok' '!call_connected' -- --auth pap -- --refuse-pap
}
case_server_hangup() {
	new_case server-hangup
	bad "tun: server LCP Terminate + Call Disconnect -> exit 8" 8 20 \
		call_connected:binding=ok disconnect_ack_received -- \
		--scenario server-disconnect-after=2 --
}
case_silent_lcp_echo() {
	new_case silent-lcp-echo
	# SSTP hello at 60 s: only the LCP Echo (1 s x 3) can find the dead peer
	bad "tun: silent server found by LCP Echo (1 s x 3) -> exit 8" 8 15 \
		call_connected:binding=ok silent_mode_on -- \
		--scenario silent-after-connect -- --lcp-echo-interval 1 \
		--lcp-echo-failure 3 --hello-interval 60
}
case_mppe_refused() {
	new_case mppe-refused
	bad "tun: server requires MPPE, sstpc --nomppe -> exit 8 (server hangs up)" 8 25 \
		mppe_required_fail ppp_terminate:by=server -- \
		--scenario mppe-required -- --nomppe
}
case_mppe_unavailable() {
	new_case mppe-unavailable
	bad "tun: --require-mppe, server offers no CCP -> exit 9" 9 45 \
		'!ccp_up' -- --auth mschapv2 -- --require-mppe
}
case_lcp_mute() {
	new_case lcp-mute
	# 10 Configure-Requests 3 s apart (RFC 1661 4.6 defaults), then give up
	bad "tun: LCP never answered -> Max-Configure, exit 9" 9 50 \
		lcp_ignored '!lcp_up' -- --scenario lcp-mute --negotiation-timeout 120 --
}
case_ipcp_nak_loop() {
	new_case ipcp-nak-loop
	bad "tun: IPCP Nak loop (a new address every time) -> exit 9" 9 50 \
		'!ipcp_up' -- --scenario ipcp-nak-loop --negotiation-timeout 120 --
}

ALL="harness pap mschapv2 eap mppe ipv6 noipv6 routes usepeerdns win2016 require_ff03
lcp_echo ccp_offer ipv6_reject data_before authfail_pap authfail_mschapv2
authfail_eap bad_success_s no_success_s eap_bad_success_s no_common_auth
server_hangup silent_lcp_echo mppe_refused mppe_unavailable lcp_mute
ipcp_nak_loop"
# shellcheck disable=SC2086
run_cases "${JOBS:-4}" ${CASES:-$ALL}
finish
