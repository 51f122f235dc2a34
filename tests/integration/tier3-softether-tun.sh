#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/tier3-softether-tun.sh - the built-in mode (sstpc --tun,
# issue 12) against a real SoftEther VPN Server: no pppd, no stand-in; the
# kernel's own ping goes through sstp0 to SoftEther's side of the link.
#
# The server is the one of tier3-softether.sh (tests/softether/softether.sh:
# Debian's vpnserver, patched and cached, in its own mount/net/PID
# namespaces with only loopback; hub SSTPHUB, user alice; SecureNAT with its
# NAT off is only the virtual host 192.0.2.1 and DHCP 192.0.2.10-100).  That
# virtual host is the address that answers on SoftEther's side: SoftEther's
# PPP gives it to sstpc as the IPCP peer address.  sstpc runs in a client
# network namespace of its own that has only loopback and sstp0: a socat in
# it turns 127.0.0.1:PORT into the server's UNIX socket (a path, not a
# network), so no route, address or packet of a case reaches the host's
# networks.
#
#   ping in NSC -> sstp0 -> sstpc -> TLS over NSC's lo -> socat -> UNIX
#     socket -> SoftEther (its own namespace) -> SecureNAT host 192.0.2.1
#
# Cases (one pass/fail line each; a few seconds each):
#   mschapv2   --refuse-eap: MS-CHAPv2 (S= verified by sstpc), SHA-256
#              crypto binding, sstp0 192.0.2.10-100 peer 192.0.2.1, only
#              the peer route in NSC, 3 ICMP echo replies through sstp0, the
#              server logs alice authenticated in SSTPHUB; SIGTERM: exit 10,
#              the session summary (bytes sent), Call Disconnect acked, no
#              Abort, sstp0 gone, the server ends its session
#   pap        the same with PAP only (--refuse-eap --refuse-mschap-v2
#              --refuse-chap)
#   eap        every method allowed (sstpc's default): SoftEther asks for
#              EAP without a Magic-Number and offers only EAP-TLS inside;
#              sstpc steers it to MS-CHAPv2 (the engine's XX: SoftEther, as
#              --eap-auth does) and the session comes up as above
#   eap-only   only EAP allowed: sstpc answers EAP Identity, Naks EAP-TLS
#              asking for EAP-MSCHAPv2 (ppp/eap_peer.c), Naks SoftEther's
#              fallbacks; SoftEther hangs up: exit 7 within 15 s, no sstp0,
#              no address left
#   teardown   the server stopped: no process and no mount left
#
# Environment: SSTPC, KEEP=1, SE_CACHE_ROOT.  Needs root (namespaces,
# /dev/net/tun); outside CI a missing prerequisite skips (exit 77), under
# CI=true it fails every case.
TIER_NAME=tier3-softether-tun
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=../softether/softether.sh
. "$TOP/tests/softether/softether.sh"

CASES=(mschapv2 pap eap eap-only teardown)
NSC=
NSC_SEQ=0
NSC_LIST="$WORK/_netns.list"
CPORT=4443		# socat's port on the client namespace's loopback

# ns_del NAME: kill what runs in the namespace (socat, a stray sstpc), remove it
ns_del() {
	local p
	ip netns list 2>/dev/null | grep -q "^$1\( \|$\)" || return 0
	for p in $(ip netns pids "$1" 2>/dev/null); do kill -TERM "$p" 2>/dev/null; done
	sleep 0.1
	for p in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$1" 2>/dev/null
}

se_cleanup() {
	local n
	[ -n "${SSTPC_PID:-}" ] && kill -KILL "$SSTPC_PID" 2>/dev/null
	if [ -f "$NSC_LIST" ]; then
		while read -r n; do ns_del "$n"; done <"$NSC_LIST"
	fi
	se_stop >/dev/null 2>&1
	cleanup
}
trap se_cleanup EXIT
trap 'exit 130' INT TERM HUP

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
[ -c /dev/net/tun ] || cannot_run "no /dev/net/tun"
command -v ping >/dev/null || cannot_run "no ping (iputils-ping)"
se_install || cannot_run "$SE_WHY"
se_binary || cannot_run "$SE_WHY"
se_start || cannot_run "$SE_WHY"
echo "server: $SE_STATE/sock/se.sock, certificate SHA-256 $SE_PIN"

SE_PWFILE="$WORK/se-password"
(umask 077 && printf '%s\n' "$SE_PASS" >"$SE_PWFILE")

why() { CASE_WHY="${CASE_WHY:+$CASE_WHY; }$1"; }
in_c() { ip netns exec "$NSC" "$@"; }

# ns_up: the client namespace (lo only) with the relay to the server socket
ns_up() {
	local i
	NSC_SEQ=$((NSC_SEQ + 1))
	NSC="sstpc-se-$$-$NSC_SEQ"
	echo "$NSC" >>"$NSC_LIST"
	ip netns add "$NSC" && ip -n "$NSC" link set lo up || return 1
	ip netns exec "$NSC" socat TCP-LISTEN:$CPORT,bind=127.0.0.1,fork,reuseaddr \
		UNIX-CONNECT:"$SE_STATE/sock/se.sock" \
		</dev/null >/dev/null 2>"$CASE_DIR/socat.err" &
	for i in $(seq 100); do
		in_c bash -c "exec 3<>/dev/tcp/127.0.0.1/$CPORT" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# sstpc_tun OPTS...: sstpc --tun=sstp0 in NSC, in the background (ip
# netns exec execs sstpc: SSTPC_PID is sstpc's)
sstpc_tun() {
	SSTPC_T0=$(date +%s%N)
	ip netns exec "$NSC" "$SSTPC" --log-file "$CASE_DIR/sstpc.log" --log-level 4 \
		--server-cert-sha256 "$SE_PIN" --user "$SE_USER" \
		--password-file "$SE_PWFILE" --tun=sstp0 "$@" "127.0.0.1:$CPORT" \
		>"$CASE_DIR/sstpc.out" 2>"$CASE_DIR/sstpc.err" </dev/null &
	SSTPC_PID=$!
}

# wait_up SECONDS: sstp0 in NSC is up with an IPv4 address and a peer
wait_up() {
	local end=$(( $(date +%s) + $1 ))
	until ip -n "$NSC" -4 addr show dev sstp0 2>/dev/null | grep -q ' peer ' &&
		ip -n "$NSC" link show dev sstp0 2>/dev/null | grep -q ',UP'; do
		proc_alive "$SSTPC_PID" || return 1
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# sstp0_gone: no sstp0 in NSC and no 192.0.2.x address left (3 s)
sstp0_gone() {
	local i
	for i in $(seq 30); do
		if ! ip -n "$NSC" link show dev sstp0 >/dev/null 2>&1 &&
		    ! ip -n "$NSC" -4 addr show | grep -q 'inet 192\.0\.2\.'; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# summary_ok: the session summary line counts PPP bytes sent
summary_ok() {
	grep -Eq 'session summary: connected .*PPP [1-9][0-9]* bytes sent' \
		"$CASE_DIR/sstpc.log"
}

# tun_case NAME METHOD LOGRE SSTPC-OPTS...: a whole session, ping,
# SIGTERM; the log must also match LOGRE when given
tun_case() {
	local name=$1 method=$2 logre=$3 before after sid addr lip peer t0 i
	shift 3
	new_case "$name"
	CASE_WHY=
	t0=$(date +%s%N)
	before=$(se_auth_count)
	if ! ns_up; then
		why "client namespace or relay not up: $(tail -1 "$CASE_DIR/socat.err" 2>/dev/null)"
	else
		sstpc_tun "$@"
		if wait_up 20; then
			addr=$(ip -n "$NSC" -4 -o addr show dev sstp0)
			lip=$(echo "$addr" | sed -n 's/.* inet \([0-9.]*\) peer.*/\1/p')
			peer=$(echo "$addr" | sed -n 's/.* peer \([0-9.]*\)\/32.*/\1/p')
			[ "$peer" = "$SE_HOST_IP" ] ||
				why "sstp0 peer '$peer', want SoftEther's $SE_HOST_IP"
			echo "$lip" | grep -Eq '^192\.0\.2\.([1-9][0-9]|100)$' ||
				why "sstp0 address '$lip' not from the hub's pool"
			ip -n "$NSC" route show default | grep -q . &&
				why "a default route in the client namespace"
			in_c ping -n -c 3 -i 0.2 -W 2 -I sstp0 "$SE_HOST_IP" \
				>"$CASE_DIR/ping.out" 2>&1
			grep -q ' 3 received' "$CASE_DIR/ping.out" ||
				why "ping $SE_HOST_IP through sstp0: $(grep -E 'received|unreach|connect' "$CASE_DIR/ping.out" | head -1)"
			log_has "authenticated with $method" ||
				why "no 'authenticated with $method' in the log"
			[ -z "$logre" ] || log_has "$logre" ||
				why "no '$logre' in the log"
			log_has 'crypto binding hash SHA256' ||
				why "no SHA-256 crypto binding"
			sid=$(se_session_name)
			[ -n "$sid" ] || why "the server lists no session for $SE_USER"
			kill -TERM "$SSTPC_PID"
			sstpc_wait 15
			[ "$RC" = 10 ] || why "exit $RC after SIGTERM, want 10"
			summary_ok || why "no session summary with bytes sent"
			log_has 'SSTP send CALL_DISCONNECT( |$)' || why "no Call Disconnect sent"
			log_has 'SSTP recv CALL_DISCONNECT_ACK' || why "no Disconnect Ack"
			log_has 'SSTP send.*ABORT' && why "sstpc sent a Call Abort"
			sstp0_gone || why "sstp0 or its address left behind"
			i=0
			until se_session_ended "$sid" || [ $i -ge 150 ]; do
				sleep 0.1; i=$((i + 1))
			done
			se_session_ended "$sid" ||
				why "the server did not end session ${sid:-?}"
			after=$(se_wait_count se_auth_count $((before + 1)))
			[ "$after" -eq $((before + 1)) ] ||
				why "server log: $((after - before)) authentications of $SE_USER, want 1"
		else
			why "sstp0 never came up with an address"
			kill -TERM "$SSTPC_PID" 2>/dev/null
			sstpc_wait 10
		fi
	fi
	ns_del "$NSC"
	printf 'timing: %-10s %6d ms\n' "$name" $(( ($(date +%s%N) - t0) / 1000000 ))
	verdict "$name: $method, ping $SE_HOST_IP through sstp0, SIGTERM -> 10"
}

tun_case mschapv2 MS-CHAPv2 '' --refuse-eap
tun_case pap PAP '' --refuse-eap --refuse-mschap-v2 --refuse-chap
tun_case eap MS-CHAPv2 'asks for EAP without a magic number'

# eap-only: nothing but EAP allowed; SoftEther has only EAP-TLS.
new_case eap-only
CASE_WHY=
if ns_up; then
	sstpc_tun --refuse-pap --refuse-chap --refuse-mschap-v2
	sstpc_wait 15
	# The server ends PPP during authentication: no common method, exit 7.
	[ "$RC" = 7 ] || why "exit $RC, want 7 (authentication: no common method)"
	log_has 'PPP send EAP Response id=[0-9]+ Identity' ||
		why "no EAP Identity response"
	log_has 'server proposes EAP-TLS .*asking for EAP-MSCHAPv2' ||
		why "EAP-TLS not Nak'ed toward EAP-MSCHAPv2"
	log_has 'authenticated with' && why "authenticated without a common method"
	sstp0_gone || why "sstp0 or an address left behind"
else
	why "client namespace or relay not up"
fi
ns_del "$NSC"
verdict "eap-only: EAP-TLS Nak'ed for EAP-MSCHAPv2, server hangs up -> 7"

new_case teardown
if se_stop; then
	pass teardown
else
	fail teardown "$SE_WHY"
fi
finish
