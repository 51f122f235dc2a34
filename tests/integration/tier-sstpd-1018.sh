#!/usr/bin/env bash
# tests/integration/tier-sstpd-1018.sh - an independent client against
# sstpd (issue 13): Debian's sstp-client 1.0.18 (/usr/sbin/sstpc) with the PPP
# stand-in (tests/standin/pppd-standin) as its pppd, against sstpd with the
# built-in backend, in network and mount namespaces of their own
# (unshare -mn: the TUN, the pool route and a bind mount of the stand-in
# over /usr/sbin/pppd, which 1.0.18 runs by that fixed path, stay inside).
#   mschapv2   launch mode (1.0.18's default: it runs pppd with "plugin
#              sstp-pppd-plugin.so sstp-sock ..."), the stand-in reports
#              the MPPE keys on 1.0.18's sstp-api socket (REFERENCE-CLIENT.md
#              3.2/3.3), 1.0.18 sends Call Connected with a real Compound MAC:
#              sstpd verifies it with SHA-256 (1.0.18 takes SHA-256 when
#              offered, 4.2), IPCP gives a pool address, IP packets both
#              ways (the stand-in's pings, a ping from sstpd's side), the
#              session's start, call connected and end lines
#   pty-sha1   pppd pty "sstpc --nolaunchpppd ..." (NetworkManager's way)
#              against sstpd --allow-sha1: 1.0.18 still picks SHA-256
#   pap        sstpd --auth pap: the plugin's AUTH has no keys, the zero
#              HLAK is right for PAP (MS-SSTP 3.2.5.2): verified; a wrong
#              PAP password refused
#   wrong-pw   MS-CHAPv2 with a wrong password: refused, 1.0.18 exits 255
#   zero-hlak  MS-CHAPv2, the plugin's AUTH without keys: 1.0.18 binds with
#              a zero HLAK, the Compound MAC cannot verify: Call Abort
#              (VALUE_NOT_SUPPORTED on CRYPTO_BINDING), 1.0.18 exits 255
#   snoop      launch mode with --user and --password (no plugin): 1.0.18
#              derives the keys itself from the snooped NT-Response: verified
#   pty-nokeys pty mode with --user/--password (no plugin socket): 1.0.18
#              never sends Call Connected; sstpd aborts at
#              --negotiation-timeout and forwards none of the client's IP
#              packets meanwhile
# A 1.0.18 stall after its HTTP request fails its case (no retry).  It was
# 1.0.18's own defect, provoked by a fast server: it arms the read of the
# 200 only when the SSL_write of its request (which drives the whole TLS
# handshake) completes asynchronously; a server flight already in its
# socket at its first read makes the write complete at once and it waits
# forever.  sstpd holds its first flight SRV_TLS_HOLD_MS (XX: in
# src/sstpd/srv_session.c); before that, about 1 connect in 2 stalled here.
# Every client run has a time bound (timeout) and its seconds are checked.
# Needs root, /dev/net/tun and sstp-client (installed with apt-get when
# missing); exits 77 (cannot run) without them.
# Environment: SSTPC (sstpd is looked for next to it) or SSTPD,
# SSTPC_REF (default /usr/sbin/sstpc), KEEP=1.
if [ -z "${SSTPD_1018_NETNS:-}" ]; then
	if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
		echo "tier-sstpd-1018: cannot run: needs root and /dev/net/tun"
		exit 77
	fi
	ref=${SSTPC_REF:-/usr/sbin/sstpc}
	if [ ! -x "$ref" ] && [ "$ref" = /usr/sbin/sstpc ]; then
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq --no-install-recommends sstp-client \
			>/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1;
			apt-get install -y -qq --no-install-recommends \
			sstp-client >/dev/null 2>&1; }
	fi
	# 1.0.18 exits at start-up without OpenSSL's legacy provider.
	if ! ls /usr/lib/*/ossl-modules/legacy.so >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libssl3 \
			>/dev/null 2>&1
	fi
	if [ ! -x "$ref" ] || [ ! -e /usr/sbin/pppd ]; then
		echo "tier-sstpd-1018: cannot run: no sstp-client ($ref) or /usr/sbin/pppd"
		exit 77
	fi
	export SSTPD_1018_NETNS=1
	exec unshare -mn bash "$0" "$@"
fi
ip link set lo up
. "$(dirname "$0")/lib.sh"
TIER_NAME=tier-sstpd-1018
SSTPD=${SSTPD:-$(dirname "$SSTPC")/sstpd}
REF=${SSTPC_REF:-/usr/sbin/sstpc}
if [ ! -x "$SSTPD" ]; then
	echo "tier-sstpd-1018: cannot run: no sstpd at $SSTPD"
	exit 77
fi
SUSER=alice
SPASS='s3cret-p4ss'
NEG=4			# --negotiation-timeout of these runs
DPID=
STALLS=0
T_START=$(date +%s)

# 1.0.18 execs /usr/sbin/pppd: the stand-in takes its place in this mount
# namespace only (unshare -m makes the mounts private).
printf '#!/bin/sh\nexec %s %s "$@"\n' "$PY" "$STANDIN" >"$WORK/pppd"
chmod 755 "$WORK/pppd"
if ! mount --bind "$WORK/pppd" /usr/sbin/pppd; then
	echo "tier-sstpd-1018: cannot run: bind mount over /usr/sbin/pppd failed"
	exit 77
fi
# What 1.0.18 leaves behind (its password file, its plugin socket after the
# privilege drop), removed at the end: only the files of this run.
ls /tmp/sstp-pppd.* 2>/dev/null | sort >"$WORK/tmp-before"

cleanup_1018() {
	[ -n "$DPID" ] && kill -KILL "$DPID" 2>/dev/null
	wait 2>/dev/null
	ls /tmp/sstp-pppd.* 2>/dev/null | sort | comm -13 "$WORK/tmp-before" - |
		xargs -r rm -f
	rm -f /var/run/sstpc/sstpc-t1018-*-$$
	umount /usr/sbin/pppd 2>/dev/null
}
trap 'cleanup_1018; cleanup' EXIT

free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_sstpd [args...]: sstpd for this case (-d: the binding lines); DPID,
# DPORT; its log in CASE_DIR/sstpd.log
start_sstpd() {
	local i=0
	cp "$PKI/valid.pem" "$CASE_DIR/cert.pem"
	cp "$PKI/valid.key" "$CASE_DIR/key.pem"
	printf '%s * "%s" *\n' "$SUSER" "$SPASS" >"$CASE_DIR/secrets"
	chmod 600 "$CASE_DIR/secrets"
	DPORT=$(free_port)
	"$SSTPD" --listen "127.0.0.1:$DPORT" --cert "$CASE_DIR/cert.pem" \
		--key "$CASE_DIR/key.pem" --secrets "$CASE_DIR/secrets" \
		--pool 192.0.2.0/24 --tun sstpd0 --control "$CASE_DIR/ctl.sock" \
		--negotiation-timeout "$NEG" -d "$@" \
		>"$CASE_DIR/sstpd.out" 2>"$CASE_DIR/sstpd.log" &
	DPID=$!
	while ! grep -q 'sstpd ready' "$CASE_DIR/sstpd.log" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
		if [ $i -gt 50 ] || ! kill -0 "$DPID" 2>/dev/null; then
			CASE_WHY="sstpd did not start: $(tail -2 "$CASE_DIR/sstpd.log")"
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

# verdict with the logs' tails on a failure (lib.sh's fail() knows sstpc's
# file names, not these)
eval "$(declare -f verdict | sed '1s/^verdict/lib_verdict/')"
verdict() {
	local f
	if [ -n "${CASE_WHY:-}" ]; then
		for f in sstpc.out sstpd.log standin.log; do
			[ -s "$CASE_DIR/$f" ] || continue
			echo "  --- $f (tail)"
			tail -12 "$CASE_DIR/$f" | sed 's/^/  | /'
		done
	fi
	lib_verdict "$@"
}

dlog_has() { grep -Eq -- "$1" "$CASE_DIR/sstpd.log"; }
rlog_has() { grep -aEq -- "$1" "$CASE_DIR/sstpc.out"; }

# 1.0.18's own options for every run: the plugin socket named per case
ref_opts() {
	RO=(--ipparam "t1018-$CASE_NAME-$$" --ca-cert "$PKI/ca.pem"
		--log-stderr --log-level 3)
}

# ref_start launch|pty SECONDS ARGS...: 1.0.18 in the background (REF_PID,
# T0).  launch: 1.0.18 runs the stand-in as /usr/sbin/pppd, ARGS are its
# options; the pppd options follow the host.  pty: pppd pty "sstpc
# --nolaunchpppd ..." with the stand-in as pppd, ARGS = "sstpc args" then
# pppd options.
ref_start() {
	local kind=$1 t=$2 a
	shift 2
	ref_opts
	rm -f "$STANDIN_REPORT" "$STANDIN_LOG"
	T0=$(date +%s%N)
	if [ "$kind" = launch ]; then
		timeout -k 2 "$t" "$REF" "${RO[@]}" "$@" "localhost:$DPORT" \
			noauth remotename sstpd lcp-restart 1 \
			>"$CASE_DIR/sstpc.out" 2>&1 </dev/null &
	else
		a=$1
		shift
		timeout -k 2 "$t" "$STANDIN" \
			pty "$REF --nolaunchpppd ${RO[*]} $a localhost:$DPORT" \
			nodetach user "$SUSER" remotename sstpd noauth \
			lcp-restart 1 "$@" >"$CASE_DIR/sstpc.out" 2>&1 </dev/null &
	fi
	REF_PID=$!
}

# ref_stalled: 1.0.18 sent its HTTP request ("Connected to") but not its
# Connect Request 2 s later: the stall sstpd's TLS hold avoids (XX: at
# SRV_TLS_HOLD_MS in src/sstpd/srv_session.c).  Not retried: a failure.
ref_stalled() {
	grep -aq 'Connected to' "$CASE_DIR/sstpc.out" 2>/dev/null || return 1
	grep -aq 'Sending Connect-Request' "$CASE_DIR/sstpc.out" && return 1
	[ -n "$STALL_T" ] || STALL_T=$(date +%s%N)
	[ $(( ($(date +%s%N) - STALL_T) / 1000000 )) -ge 2000 ]
}

# run_ref launch|pty SECONDS ARGS...: ref_start, then wait; a 1.0.18 stall
# (ref_stalled) is ended at once and counted (STALLS; the case fails).
# RC: 1.0.18's status (launch) or the stand-in's (pty, with SRC =
# 1.0.18's); ELAPSED (ms).
run_ref() {
	STALL_T=
	STALLED=0
	ref_start "$@"
	while kill -0 "$REF_PID" 2>/dev/null; do
		if ref_stalled; then
			STALLS=$((STALLS + 1))
			STALLED=1
			kill -TERM "$REF_PID" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	wait "$REF_PID"
	RC=$?
	ELAPSED=$(( ($(date +%s%N) - T0) / 1000000 ))
	expect '[ "$STALLED" = 0 ]' "1.0.18 stalled after its HTTP request (no Connect Request 2 s after the TLS connect)"
	SRC=$(report_get 'r["tty"]["pty_child_status"]')
}

# ms_within MS: the client run ended within MS milliseconds
ms_within() { [ "$ELAPSED" -le "$1" ]; }

# session_ok: the checks every accepted session shares (log lines, pool
# address from IPCP, the stand-in's pings answered through the tunnel)
session_ok() {
	local a
	expect 'dlog_has "session [0-9a-f]{16}: start client=127\.0\.0\.1:[0-9]+"' \
		"no start line"
	expect 'dlog_has "session [0-9a-f]{16}: call connected user=$SUSER client=127\.0\.0\.1"' \
		"no call connected line"
	a=$(sed -nE 's/.*network up user=[^ ]+ client=[^ ]+ address=([0-9.]+).*/\1/p' \
		"$CASE_DIR/sstpd.log" | head -1)
	ADDR=$a
	expect '[ -n "$a" ] && [ "$(report_get "r[\"ipcp\"][\"local\"]")" = "$a" ]' \
		"IPCP address '$(report_get 'r["ipcp"]["local"]')' vs sstpd's '$a'"
	expect 'case $a in 192.0.2.1|192.0.2.0|192.0.2.255) false ;; 192.0.2.*) true ;; *) false ;; esac' \
		"address '$a' not a client address of the pool"
	expect '[ "$(report_get "r[\"ping\"][\"received\"]")" = 3 ] &&
	    [ "$(report_get "r[\"ping\"][\"corrupt\"]")" = 0 ]' \
		"pings through the tunnel: $(report_get 'r["ping"]["received"]') of 3"
	expect 'dlog_has "end user=$SUSER client=127\.0\.0\.1:[0-9]+ address=$a duration=[0-9.]+s in=[0-9]+ out=[0-9]+"' \
		"no end line with user, address, duration, bytes"
}

# refused_ok: nothing of a session was up
refused_ok() {
	expect '! dlog_has "call connected user="' "a call was connected"
	expect '[ "$(report_get "r[\"ping\"][\"received\"]" 2>/dev/null)" != 3 ]' \
		"pings were answered"
}

# --- (a) MS-CHAPv2, keys on 1.0.18's plugin socket, launch mode -------------
new_case mschapv2
if start_sstpd; then
	export STANDIN_REPORT="$CASE_DIR/report.json" STANDIN_LOG="$CASE_DIR/standin.log"
	# the ping from sstpd's side runs while the stand-in holds the link
	(
		wait_file_re "$CASE_DIR/sstpd.log" 'network up user=' 30
		a=$(sed -nE 's/.*network up user=[^ ]+ client=[^ ]+ address=([0-9.]+).*/\1/p' \
			"$CASE_DIR/sstpd.log" | head -1)
		[ -n "$a" ] && ping -n -c 2 -i 0.3 -W 2 "$a" >"$CASE_DIR/ping.out" 2>&1 &&
			touch "$CASE_DIR/ping.ok"
	) &
	hp=$!
	STANDIN_PASSWORD=$SPASS STANDIN_PING=3 STANDIN_HOLD=3 \
		run_ref launch 20 --user "$SUSER"
	wait $hp
	a=$(sed -nE 's/.*network up user=[^ ]+ client=[^ ]+ address=([0-9.]+).*/\1/p' \
		"$CASE_DIR/sstpd.log" | head -1)
	stop_sstpd
	expect '[ "$RC" = 0 ]' "1.0.18 exit $RC, want 0"
	expect 'ms_within 8000' "1.0.18 took $ELAPSED ms (hold 3 s)"
	expect '[ "$(report_get "r[\"plugin\"][\"kind\"]")" = sstp ] &&
	    report_get "r[\"argv\"]" | grep -q "sstp-sock"' \
		"1.0.18 did not run pppd with its plugin and socket"
	expect '[ "$(report_get "r[\"plugin\"][\"auth_attrs\"]")" = "[\"MPPE_SEND\", \"MPPE_RECV\"]" ] &&
	    [ "$(report_get "r[\"plugin\"][\"ack_received\"]")" = true ]' \
		"plugin AUTH with both keys not acknowledged"
	expect 'rlog_has "Received callback from sstp-plugin" && rlog_has "Sending Connected Message"' \
		"1.0.18 did not send Call Connected on the plugin's callback"
	expect 'dlog_has "Call Connect Request accepted after [0-9]+ Nak\(s\), offering SHA256" &&
	    dlog_has "sstp: crypto binding verified \(SHA256\)"' \
		"Compound MAC not verified with SHA-256"
	session_ok
	expect '[ -e "$CASE_DIR/ping.ok" ] && [ "$(report_get "r[\"counters\"][\"echo_requests_answered\"]")" -ge 2 ]' \
		"ping from sstpd's side to $a: $(tail -2 "$CASE_DIR/ping.out" 2>/dev/null | head -1)"
	expect '[ "$DRC" = 0 ]' "sstpd exit $DRC"
	verdict "mschapv2: 1.0.18 keys via sstp-api, SHA-256 binding verified, $ADDR, 3+2 pings, start/end lines (${ELAPSED} ms)"
else
	verdict "mschapv2: sstpd starts"
fi

# --- (a') NetworkManager's way (pty mode), sstpd offering SHA-1 too ---------
new_case pty-sha1
if start_sstpd --allow-sha1; then
	export STANDIN_REPORT="$CASE_DIR/report.json" STANDIN_LOG="$CASE_DIR/standin.log"
	STANDIN_PASSWORD=$SPASS STANDIN_PING=3 STANDIN_HOLD=0.5 \
		run_ref pty 20 "" plugin sstp-pppd-plugin.so \
		sstp-sock "/var/run/sstpc/sstpc-t1018-$CASE_NAME-$$"
	stop_sstpd
	expect '[ "$RC" = 0 ] && [ "$SRC" = 0 ]' "stand-in exit $RC, 1.0.18 exit $SRC, want 0/0"
	expect 'ms_within 6000' "took $ELAPSED ms"
	expect 'dlog_has "crypto binding offered with SHA1 and SHA256|offering SHA1\+SHA256|offering SHA1 SHA256|SHA1.*SHA256"' \
		"sstpd did not offer both hashes"
	expect 'dlog_has "sstp: crypto binding verified \(SHA256\)"' \
		"1.0.18 did not bind with SHA-256 when both were offered"
	session_ok
	verdict "pty-sha1: pppd pty \"sstpc --nolaunchpppd\", SHA-1+SHA-256 offered, 1.0.18 binds SHA-256 (${ELAPSED} ms)"
else
	verdict "pty-sha1: sstpd starts"
fi

# --- (b) PAP: the plugin reports no keys, zero HLAK verified ----------------
new_case pap
if start_sstpd --auth pap; then
	export STANDIN_REPORT="$CASE_DIR/report.json" STANDIN_LOG="$CASE_DIR/standin.log"
	STANDIN_PASSWORD=$SPASS STANDIN_PING=3 STANDIN_HOLD=0.5 \
		run_ref launch 20 --user "$SUSER"
	expect '[ "$RC" = 0 ]' "1.0.18 exit $RC, want 0"
	expect 'ms_within 6000' "took $ELAPSED ms"
	expect 'dlog_has "the client \"$SUSER\" authenticated with PAP|authenticated with PAP"' \
		"not authenticated with PAP"
	expect '[ "$(report_get "r[\"plugin\"][\"auth_msg_len\"]")" = 0 ] &&
	    [ "$(report_get "r[\"plugin\"][\"ack_received\"]")" = true ]' \
		"the plugin's AUTH was not the empty one"
	expect 'dlog_has "sstp: crypto binding verified \(SHA256\)"' \
		"zero-HLAK binding not verified for PAP"
	session_ok
	# a wrong PAP password, same daemon
	n0=$(grep -c 'authentication failed' "$CASE_DIR/sstpd.log")
	export STANDIN_REPORT="$CASE_DIR/report-bad.json"
	STANDIN_PASSWORD=wrong-one STANDIN_PING=3 STANDIN_HOLD=0.5 \
		run_ref launch 20 --user "$SUSER"
	sleep 0.2
	stop_sstpd
	expect '[ "$RC" != 0 ]' "1.0.18 exit 0 with a wrong PAP password"
	expect 'ms_within 6000' "wrong password took $ELAPSED ms"
	expect '[ "$(grep -c "authentication failed: PAP" "$CASE_DIR/sstpd.log")" -gt "$n0" ]' \
		"no 'authentication failed: PAP' line"
	expect '[ "$(grep -c "call connected user=" "$CASE_DIR/sstpd.log")" = 1 ]' \
		"a call connected with the wrong PAP password"
	verdict "pap: zero HLAK verified, $ADDR, pings; wrong PAP password refused (exit $RC)"
else
	verdict "pap: sstpd starts"
fi

# --- (c) MS-CHAPv2, wrong password ------------------------------------------
new_case wrong-pw
if start_sstpd; then
	export STANDIN_REPORT="$CASE_DIR/report.json" STANDIN_LOG="$CASE_DIR/standin.log"
	STANDIN_PASSWORD=not-the-password STANDIN_PING=3 STANDIN_HOLD=0.5 \
		run_ref launch 20 --user "$SUSER"
	sleep 0.2
	stop_sstpd
	expect '[ "$RC" = 255 ]' "1.0.18 exit $RC, want 255"
	expect 'ms_within 5000' "took $ELAPSED ms"
	expect 'dlog_has "authentication failed: MS-CHAPv2: wrong password for user \"$SUSER\""' \
		"no wrong-password line"
	expect 'dlog_has "end user=- client=127\.0\.0\.1:[0-9]+ address=- .*reason: PPP ended: authentication failed"' \
		"no end line with the reason"
	expect '[ "$(report_get "r[\"exit\"][\"name\"]")" = EXIT_AUTH_TOPEER_FAILED ]' \
		"the stand-in did not see an authentication failure"
	# the Call Disconnect 1.0.18 can parse: it answers it with an Ack
	expect 'rlog_has "Sending Disconnect Ack Message" && dlog_has "on RX_DISCONNECT_ACK"' \
		"1.0.18 did not ack sstpd's Call Disconnect"
	refused_ok
	verdict "wrong-pw: MS-CHAPv2 refused, Disconnect acked, 1.0.18 exit $RC (${ELAPSED} ms)"
else
	verdict "wrong-pw: sstpd starts"
fi

# --- (d) MS-CHAPv2, the plugin's AUTH without keys: zero HLAK ---------------
new_case zero-hlak
if start_sstpd; then
	export STANDIN_REPORT="$CASE_DIR/report.json" STANDIN_LOG="$CASE_DIR/standin.log"
	STANDIN_PASSWORD=$SPASS STANDIN_PLUGIN_KEYS=none STANDIN_PING=3 \
		STANDIN_HOLD=0.5 run_ref launch 20 --user "$SUSER"
	sleep 0.2
	stop_sstpd
	expect '[ "$RC" = 255 ]' "1.0.18 exit $RC, want 255"
	expect 'ms_within 5000' "took $ELAPSED ms"
	expect 'rlog_has "No MPPE-Send-Key present" && rlog_has "Sending Connected Message"' \
		"1.0.18 did not send its zero-HLAK Call Connected"
	expect 'dlog_has "crypto binding refused: Compound MAC does not match the PPP keys"' \
		"no binding refusal line"
	expect 'dlog_has "aborting: VALUE_NOT_SUPPORTED \(attribute CRYPTO_BINDING\)" &&
	    rlog_has "Connection was aborted, Value of attribute is incorrect"' \
		"no Call Abort (VALUE_NOT_SUPPORTED, CRYPTO_BINDING) seen by 1.0.18"
	expect 'dlog_has "end user=$SUSER .*reason: crypto binding of the Call Connected refused"' \
		"no end line with the binding reason"
	refused_ok
	verdict "zero-hlak: MS-CHAPv2 without keys -> Call Abort (CRYPTO_BINDING), 1.0.18 exit $RC (${ELAPSED} ms)"
else
	verdict "zero-hlak: sstpd starts"
fi

# --- (d') no plugin, launch mode: 1.0.18 snoops the keys itself -------------
new_case snoop
if start_sstpd; then
	export STANDIN_REPORT="$CASE_DIR/report.json" STANDIN_LOG="$CASE_DIR/standin.log"
	# --password: 1.0.18 writes it to /tmp/sstp-pppd.XXXXXX for pppd's
	# "file" option (removed at the end of this tier)
	STANDIN_PING=3 STANDIN_HOLD=0.5 \
		run_ref launch 20 --user "$SUSER" --password "$SPASS"
	stop_sstpd
	expect '[ "$RC" = 0 ]' "1.0.18 exit $RC, want 0"
	expect 'ms_within 6000' "took $ELAPSED ms"
	expect '! report_get "r[\"argv\"]" | grep -q "sstp-sock"' \
		"1.0.18 loaded its plugin with --password"
	expect 'dlog_has "sstp: crypto binding verified \(SHA256\)"' \
		"snooped keys not verified"
	session_ok
	verdict "snoop: no plugin, 1.0.18's own keys (snooped NT-Response) verified (${ELAPSED} ms)"
else
	verdict "snoop: sstpd starts"
fi

# --- (d'') no plugin, pty mode: no Call Connected ever ----------------------
new_case pty-nokeys
if start_sstpd; then
	export STANDIN_REPORT="$CASE_DIR/report.json" STANDIN_LOG="$CASE_DIR/standin.log"
	STANDIN_PASSWORD=$SPASS STANDIN_PING=3 STANDIN_PING_TIMEOUT=0.5 \
		STANDIN_HOLD=forever run_ref pty 20 "--user $SUSER --password $SPASS"
	sleep 0.2
	stop_sstpd
	expect '[ "$SRC" = 255 ]' "1.0.18 exit $SRC, want 255"
	expect '[ "$ELAPSED" -ge $((NEG * 1000 - 500)) ] && ms_within $((NEG * 1000 + 2500))' \
		"ended after $ELAPSED ms, want the ${NEG} s negotiation timeout"
	expect '! rlog_has "Sending Connected Message"' "1.0.18 sent Call Connected?"
	expect 'dlog_has "no Call Connected within $((NEG * 1000)) ms of our Ack" &&
	    dlog_has "aborting: NEGOTIATION_TIMEOUT"' "no negotiation-timeout abort"
	expect 'dlog_has "end user=$SUSER .*reason: no Call Connected within $NEG s"' \
		"no end line with the timeout"
	# IP data is held until Call Connected: the client's pings went nowhere
	expect '[ "$(report_get "r[\"ping\"][\"sent\"]")" -ge 2 ] &&
	    [ "$(report_get "r[\"ping\"][\"received\"]")" = 0 ]' \
		"pings: $(report_get 'r["ping"]') before Call Connected"
	# (the hub's exit line names what it wrote to the TUN; no line at all
	# means nothing went either way)
	expect '! dlog_has "TUN sstpd0: [0-9]+ packets in, [1-9][0-9]* out"' \
		"IP packets reached the TUN before Call Connected"
	verdict "pty-nokeys: no Call Connected -> Abort at ${NEG} s, no IP forwarded, 1.0.18 exit $SRC (${ELAPSED} ms)"
else
	verdict "pty-nokeys: sstpd starts"
fi

echo "(tier-sstpd-1018: $(( $(date +%s) - T_START )) s; 1.0.18 stalls after its HTTP request: $STALLS, not retried)"
finish
