#!/usr/bin/env bash
# tests/integration/tier-eap.sh - sstpc --eap-auth against the independent
# Python test server: sstpc authenticates itself (EAP-MSCHAPv2 or
# MS-CHAPv2), pppd is the stand-in with 'noauth' and never sees an
# authentication option; the Compound MAC over the HLAK sstpc derived must
# be accepted; MPPE-128 stateless and stateful when the server requires it;
# wrong S=, wrong password, PEAP first, the Windows 2016 LCP set, PAP.
#
# Environment: SSTPC (binary), JOBS, KEEP=1, CASES="name ...".  Exits 77
# when the binary still refuses --eap-auth (main.c).
. "$(dirname "$0")/lib.sh"
TIER_NAME=tier-eap

# esess T HOLD [server args...] -- [sstpc args...]: one --eap-auth session
# (stand-in without authentication, password on fd 3) bounded by T seconds
esess() {
	local t=$1 hold=$2 sa=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sa+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	if ! start_server "$CASE_DIR" valid --once --ppp-restart 1 \
	    --negotiation-timeout 20 --http-timeout 20 "${sa[@]}"; then
		CASE_WHY="server did not start"
		RC=-1
		return 1
	fi
	standin_env "$hold"
	launch_args
	LA[3]=4		# --log-level 4: the PPP dissector lines
	sstpc_bg "${LA[@]}" --eap-auth "$@" "localhost:$PORT" lcp-restart 1 \
		noauth 3<"$PWFILE"
	sstpc_wait "$t"
	return 0
}

# ok_eap METHOD: a clean session authenticated by sstpc with METHOD
ok_eap() {
	WANT=$1
	expect '[ "$RC" = 0 ]' "exit $RC, want 0"
	expect 'wait_event 3 call_connected:binding=ok' "no call_connected binding=ok"
	expect '[ "$(ev_get auth_ok method)" = "$WANT" ]' \
		"auth method $(ev_get auth_ok method), want $WANT"
	expect '[ "$(ev_get auth_ok hlak)" = keys ]' "server HLAK not from keys"
	expect 'has_event icmp_echo' "no ICMP echo reached the server"
	expect '[ "$(report_get "r[\"ping\"][\"received\"]")" = 2 ]' \
		"stand-in got $(report_get 'r["ping"]["received"]') ping replies"
	# pppd never authenticated and never saw an auth option
	expect '[ "$(report_get "r[\"auth\"][\"method\"]")" = null ]' \
		"the stand-in authenticated: $(report_get 'r["auth"]["method"]')"
	expect '! grep -q "sstpc>pppd LCP ConfReq.*<auth" "$CASE_DIR/sstpc.log"' \
		"pppd was shown an auth option"
	expect '! grep -qF -- "$TPASS" "$CASE_DIR/sstpc.log"' "password in the log"
}

# auth_failed REGEX: exit 7 within 5 s, LCP Terminate, no Call Connected
auth_failed() {
	WANT=$1
	expect '[ "$RC" = 7 ]' "exit $RC, want 7"
	expect '[ "$ELAPSED" -lt 5000 ]' "took ${ELAPSED}ms"
	expect 'log_has "$WANT"' "no message matching /$WANT/"
	expect '! has_event call_connected' "Call Connected was sent"
	expect 'has_event ppp_terminate:by=client' "no LCP Terminate from sstpc"
}

case_eap_basic() {
	new_case eap-basic
	esess 20 1 --auth eap-mschapv2
	ok_eap eap-mschapv2
	expect 'has_event eap_identity:identity=alice' "no EAP identity alice"
	expect 'log_has "authenticator response verified"' "S= not reported"
	expect 'log_has "eap-auth server>sstpc EAP Request id=[0-9]+ MSCHAPv2 Challenge"' \
		"no level-4 dissector line"
	verdict "eap: EAP-MSCHAPv2 by sstpc, S= verified, CMAC accepted, ICMP"
}
case_eap_mppe_stateless() {
	new_case eap-mppe-stateless
	esess 20 1 --auth eap-mschapv2 --scenario mppe-required
	ok_eap eap-mschapv2
	expect 'has_event ccp_up:stateless=true' "no stateless ccp_up"
	expect 'has_event icmp_echo:mppe=true' "ICMP not MPPE-encrypted"
	expect '! has_event mppe_decrypt_error' "server could not decrypt"
	expect '! has_event ip_unencrypted_with_mppe' "plain IP with MPPE on"
	verdict "eap: MPPE-128 stateless required by the server"
}
case_eap_mppe_stateful() {
	new_case eap-mppe-stateful
	esess 20 1 --auth eap-mschapv2 --scenario mppe-stateful
	ok_eap eap-mschapv2
	expect 'has_event ccp_up:stateless=false' "no stateful ccp_up"
	expect 'has_event icmp_echo:mppe=true' "ICMP not MPPE-encrypted"
	expect '! has_event mppe_decrypt_error' "server could not decrypt"
	verdict "eap: MPPE-128 stateful required by the server"
}
case_eap_bad_s() {
	new_case eap-bad-s
	esess 15 forever --auth eap-mschapv2 --scenario bad-success-s
	auth_failed 'authenticator response \(S=\)'
	verdict "eap: wrong S= is an authentication failure (exit 7)"
}
case_eap_no_s() {
	new_case eap-no-s
	esess 15 forever --auth eap-mschapv2 --scenario no-success-s
	auth_failed 'authenticator response \(S=\)'
	verdict "eap: Success without S= is an authentication failure"
}
case_eap_wrong_password() {
	new_case eap-wrong-password
	printf 'not-the-password\n' >"$CASE_DIR/pw"
	PWFILE="$CASE_DIR/pw" esess 15 forever --auth eap-mschapv2
	auth_failed 'error 691 \(authentication failure: wrong user name or password'
	verdict "eap: wrong password: E=691 in words, exit 7 in < 5 s"
}
case_eap_peap_first() {
	new_case eap-peap-first
	esess 20 1 --auth eap-mschapv2 --scenario eap-peap-first
	ok_eap eap-mschapv2
	expect 'has_event eap_nak' "no Legacy Nak"
	expect '[ "$(ev_get eap_nak types)" = "[26]" ]' \
		"Nak types $(ev_get eap_nak types)"
	verdict "eap: PEAP proposed first: Legacy Nak 26, then EAP-MSCHAPv2"
}
case_eap_win2016() {
	new_case eap-win2016
	esess 20 1 --scenario win2016-lcp
	ok_eap eap-mschapv2
	expect '[ "$(ev_get lcp_reject_received options)" = "[13, 17, 19]" ]' \
		"rejected $(ev_get lcp_reject_received options)"
	verdict "eap: Windows 2016 LCP set: 13/17/19 rejected by sstpc"
}
case_eap_mschapv2() {
	new_case eap-mschapv2
	esess 20 1 --auth mschapv2
	ok_eap mschapv2
	verdict "eap: plain MS-CHAPv2 server, answered by sstpc"
}
case_eap_pap_first() {
	new_case eap-pap-first
	esess 20 1 --auth pap,mschapv2
	ok_eap mschapv2
	expect 'has_event lcp_nak_received' "PAP was not Nak'ed"
	verdict "eap: server offering PAP first is steered to MS-CHAPv2"
}
case_eap_pap_only() {
	new_case eap-pap-only
	esess 15 forever --auth pap
	expect '[ "$RC" = 7 ]' "exit $RC, want 7"
	expect '[ "$ELAPSED" -lt 5000 ]' "took ${ELAPSED}ms"
	expect '! has_event call_connected' "Call Connected was sent"
	expect 'log_has "before authentication|insists on PAP"' "no clear message"
	verdict "eap: PAP-only server: clear auth failure"
}
case_eap_mschapv2_mppe() {
	new_case eap-mschapv2-mppe
	esess 20 1 --auth mschapv2 --scenario mppe-stateful
	ok_eap mschapv2
	expect 'has_event icmp_echo:mppe=true' "ICMP not MPPE-encrypted"
	verdict "eap: MS-CHAPv2 + stateful MPPE-128"
}

ALL_CASES="eap_basic eap_mppe_stateless eap_mppe_stateful eap_bad_s eap_no_s
eap_wrong_password eap_peap_first eap_win2016 eap_mschapv2 eap_pap_first
eap_pap_only eap_mschapv2_mppe"

if [ ! -x "$SSTPC" ]; then
	echo "tier-eap: no sstpc binary at $SSTPC"
	fail "sstpc-binary"
	finish
	exit
fi
if timeout 5 "$SSTPC" --eap-auth --user u --password p --pppd /bin/false \
    127.0.0.1:9 2>&1 | grep -q "not available"; then
	echo "tier-eap: $SSTPC refuses --eap-auth: skipped"
	exit 77
fi
# shellcheck disable=SC2086
run_cases "${JOBS:-6}" ${CASES:-$ALL_CASES}
finish
