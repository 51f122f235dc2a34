#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/tier3-eap-softether.sh - sstpc --eap-auth against a real
# SoftEther VPN Server (set up by tests/softether/softether.sh, as in
# tier3-softether.sh).  SoftEther proposes EAP first but offers only EAP-TLS
# inside it; sstpc must get to MS-CHAPv2 on its own (EAP Nak'ed, LCP redone)
# and do MS-CHAPv2 itself, with the stand-in playing a pppd that does no
# authentication at all ('noauth', no password, refuses nothing).
#
# Cases:
#   eap-auth       session to IPCP, 3 ICMP echo replies from 192.0.2.1, the
#                  stand-in never authenticated, sstpc verified S=, the
#                  server logs one authentication of alice, exit 0
#   eap-auth-mppe  the same with the stand-in asking for nothing else
#                  (no MPPE over SSTP with SoftEther: nothing encrypted twice)
#   wrong-password the auth-failure exit status (7) and a message in < 5 s
#
# Environment: SSTPC (a binary that accepts --eap-auth), KEEP=1.  Needs root;
# a missing prerequisite skips (77) unless CI=true.
TIER_NAME=tier3-eap-softether
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=../softether/softether.sh
. "$TOP/tests/softether/softether.sh"

CASES=(eap-auth eap-auth-mppe wrong-password)
CHECK="$PY $TOP/tests/softether/check-report.py"

se_cleanup() {
	se_stop >/dev/null 2>&1
	cleanup
}
trap se_cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

cannot_run() {
	local c
	if [ "${CI:-}" = true ]; then
		for c in "${CASES[@]}"; do
			fail "$c" "cannot run: $1"
		done
		finish
		exit 1
	fi
	echo "SKIP $TIER_NAME: $1"
	exit 77
}

[ "$(id -u)" = 0 ] || cannot_run "needs root (namespaces, bind mounts)"
[ -x "$SSTPC" ] || cannot_run "no sstpc at $SSTPC (set SSTPC)"
[ -x "$STANDIN" ] || cannot_run "no PPP stand-in at $STANDIN"
if timeout 5 "$SSTPC" --eap-auth --user u --password p --pppd /bin/false \
    127.0.0.1:9 2>&1 | grep -q "not available"; then
	cannot_run "$SSTPC refuses --eap-auth"
fi
se_install || cannot_run "$SE_WHY"
se_binary || cannot_run "$SE_WHY"
se_start || cannot_run "$SE_WHY"
echo "server: 127.0.0.1:$SE_PORT, certificate SHA-256 $SE_PIN"

verdict() {
	if [ ${#ERRS[@]} -eq 0 ]; then
		pass "$CASE_NAME"
	else
		fail "$CASE_NAME" "$(printf '%s; ' "${ERRS[@]}")"
	fi
}

report_ok() {
	local out
	out=$($CHECK "$CASE_DIR/report.json" "$@") ||
		ERRS+=("$(echo "$out" | tr '\n' ' ')")
}

# eap_session NAME PASSWORD: one --eap-auth session; sets RC, ELAPSED
eap_session() {
	new_case "$1"
	ERRS=()
	(umask 077 && printf '%s\n' "$2" >"$CASE_DIR/pw")
	export STANDIN_REPORT="$CASE_DIR/report.json"
	export STANDIN_LOG="$CASE_DIR/standin.log"
	export STANDIN_PING=3 STANDIN_HOLD=1
	run_sstpc 45 --log-level 4 --server-cert-sha256 "$SE_PIN" \
		--user "$SE_USER" --password-file "$CASE_DIR/pw" --eap-auth \
		--pppd "$STANDIN" "127.0.0.1:$SE_PORT" -- noauth
	unset STANDIN_PING STANDIN_HOLD
}

before=$(se_auth_count)
eap_session eap-auth "$SE_PASS"
[ "$RC" -eq 0 ] || ERRS+=("sstpc exit $RC")
report_ok ipcp.remote=$SE_HOST_IP ping.requested=3 ping.received=3 \
	exit.status=0
# the stand-in did not authenticate: SoftEther never asked it to
[ "$(report_get 'r["auth"]["method"]')" = null ] ||
	ERRS+=("the stand-in authenticated ($(report_get 'r["auth"]["method"]'))")
log_has 'MS-CHAPv2 authentication succeeded \(server.s authenticator' ||
	ERRS+=("sstpc did not do MS-CHAPv2 itself")
log_has 'sstpc>server LCP ConfNak .*<auth chap-mschapv2>|sstpc>server EAP Response id=[0-9]+ Nak' ||
	ERRS+=("EAP was not refused")
log_has 'crypto binding hash SHA256' || ERRS+=("no SHA-256 crypto binding")
log_has 'SSTP call connected' || ERRS+=("no 'SSTP call connected'")
[ "$(se_wait_count se_auth_count $((before + 1)))" -eq $((before + 1)) ] ||
	ERRS+=("server log: not one authentication of $SE_USER")
verdict

eap_session eap-auth-mppe "$SE_PASS"
[ "$RC" -eq 0 ] || ERRS+=("sstpc exit $RC")
report_ok ping.received=3 exit.status=0
log_has 'MPPE-[0-9]+ .* negotiated' && ERRS+=("MPPE negotiated with SoftEther")
verdict

eap_session wrong-password "not-the-password"
[ "$RC" -eq 7 ] || ERRS+=("sstpc exit $RC, want 7 (auth)")
[ "$ELAPSED" -lt 5000 ] || ERRS+=("took $ELAPSED ms, want < 5000")
log_has 'authentication failed: MS-CHAPv2: the server refused the login' ||
	ERRS+=("no auth-failure message in words")
log_has 'SSTP call connected' && ERRS+=("Call Connected sent")
verdict

finish
