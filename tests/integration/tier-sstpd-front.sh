#!/usr/bin/env bash
# tests/integration/tier-sstpd-front.sh - sstpd behind a real haproxy
# (Debian's package) and sstpd's certificate reload with sessions up, in a
# network namespace of its own (unshare -n), with the Python client
# (tests/lib/sstptest/client.py) logging in and pinging through the TUN:
#   proxy-v2   haproxy `mode tcp` + `send-proxy-v2`, TLS end to end at sstpd
#              (--proxy-protocol): the client's own source address
#              (127.0.0.5, not haproxy's 127.0.0.1) in the session's lines,
#              and --max-per-address 1 counted on it;
#   offload    haproxy terminates TLS (`bind ... ssl crt`) and sends PROXY
#              v2 to sstpd --no-tls --cert-hash-sha256 <haproxy's leaf>: the
#              client's crypto binding verifies; with a wrong hash it is
#              refused (Call Abort, logged);
#   proxy-v1   haproxy `send-proxy` (PROXY v1): the address again;
#   reload     SIGHUP with sessions up: session A (certificate 1) still
#              answers pings afterwards; a session whose TLS handshake was
#              before the reload and its Call Connected after binds to
#              certificate 1; a new session B gets certificate 2 and binds
#              to it; a broken certificate file, or a key that does not
#              match, keeps the current one and logs the cause.
# haproxy: `haproxy` on PATH, or $HAPROXY, or Debian's package fetched with
# `apt-get download` and unpacked with dpkg-deb into
# $SSTPC_TEST_CACHE/haproxy (default /var/cache/sstpc-tests; nothing is
# installed, no service is started); it runs in the foreground (-db) with
# its own configuration, on loopback inside the namespace.
# Needs root and /dev/net/tun; exits 77 (cannot run) without them or haproxy.
# Environment: SSTPC (sstpd is looked for next to it) or SSTPD, HAPROXY,
# KEEP=1.
set -u
if [ -z "${SSTPD_FRONT_NETNS:-}" ]; then
	if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
		echo "tier-sstpd-front: cannot run: needs root and /dev/net/tun"
		exit 77
	fi
	# Before the namespace: apt needs the network.
	CACHE=${SSTPC_TEST_CACHE:-/var/cache/sstpc-tests}/haproxy
	HAPROXY_LIBS=
	if [ -z "${HAPROXY:-}" ] && command -v haproxy >/dev/null 2>&1; then
		HAPROXY=$(command -v haproxy)
	elif [ -z "${HAPROXY:-}" ]; then
		HAPROXY="$CACHE/root/usr/sbin/haproxy"
		HAPROXY_LIBS=$(printf '%s:' "$CACHE"/root/usr/lib/*-linux-gnu \
		    "$CACHE"/root/lib/*-linux-gnu)
		if ! LD_LIBRARY_PATH=$HAPROXY_LIBS "$HAPROXY" -v >/dev/null 2>&1 &&
		    mkdir -p "$CACHE/debs" "$CACHE/root" 2>/dev/null; then
			# haproxy and, recursively, each dependency this machine
			# lacks (bookworm: liblua5.3-0, the opentracing wrapper);
			# unpacked only, nothing installed or started.
			want=haproxy
			get=
			while [ -n "$want" ]; do
				p=${want%% *}
				want=${want#"$p"}
				want=${want# }
				case " $get " in *" $p "*) continue ;; esac
				get="$get $p"
				for d in $(apt-cache depends "$p" 2>/dev/null |
				    sed -n 's/^  Depends: *\([^<> ]*\).*/\1/p'); do
					dpkg -s "$d" 2>/dev/null |
					    grep -q '^Status: install ok installed' ||
					    want="$want $d"
				done
			done
			(cd "$CACHE/debs" && apt-get download -q $get >/dev/null 2>&1)
			for f in "$CACHE"/debs/*.deb; do
				[ -f "$f" ] && dpkg-deb -x "$f" "$CACHE/root"
			done
			HAPROXY_LIBS=$(printf '%s:' "$CACHE"/root/usr/lib/*-linux-gnu \
			    "$CACHE"/root/lib/*-linux-gnu)
		fi
	fi
	if ! LD_LIBRARY_PATH=$HAPROXY_LIBS "$HAPROXY" -v >/dev/null 2>&1; then
		echo "tier-sstpd-front: cannot run: no working haproxy (apt-get download haproxy into $CACHE failed?)"
		exit 77
	fi
	export HAPROXY HAPROXY_LIBS SSTPD_FRONT_NETNS=1
	exec unshare -n bash "$0" "$@"
fi
ip link set lo up
. "$(dirname "$0")/lib.sh"
TIER_NAME=tier-sstpd-front
SSTPD=${SSTPD:-$(dirname "$SSTPC")/sstpd}
if [ ! -x "$SSTPD" ]; then
	echo "tier-sstpd-front: cannot run: no sstpd at $SSTPD"
	exit 77
fi
CLIENT="$PY $TOP/tests/lib/sstptest/client.py"
PROBE="$PY $ITEST_DIR/sstpd_probe.py"
SUSER=alice
SPASS='s3cret-p4ss'
PIDS=()

cleanup_front() {
	local p
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap 'cleanup_front; cleanup' EXIT

free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# sha256 of a PEM certificate's DER encoding (the binding's hash)
cert_hash() { openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }

# start_sstpd DIR TUN POOL [args...]: DIR/pid, DIR/port; log DIR/sstpd.log
start_sstpd() {
	local dir=$1 tun=$2 pool=$3 port i=0 pid
	shift 3
	mkdir -p "$dir"
	printf '%s * "%s" *\n' "$SUSER" "$SPASS" >"$dir/secrets"
	chmod 600 "$dir/secrets"
	port=$(free_port)
	"$SSTPD" --listen "127.0.0.1:$port" --secrets "$dir/secrets" \
		--pool "$pool" --tun "$tun" --control "$dir/ctl.sock" \
		--handshake-timeout 5 -d "$@" \
		>"$dir/sstpd.out" 2>"$dir/sstpd.log" &
	pid=$!
	PIDS+=("$pid")
	echo "$pid" >"$dir/pid"
	echo "$port" >"$dir/port"
	while ! grep -q 'sstpd ready' "$dir/sstpd.log" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
		if [ $i -gt 50 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "  sstpd did not start:"; sed 's/^/  | /' "$dir/sstpd.log"
			return 1
		fi
	done
}

# stop_sstpd DIR: SIGTERM, wait; DIR/rc
stop_sstpd() {
	local pid
	pid=$(cat "$1/pid" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo $? >"$1/rc"
	rm -f "$1/pid"
}

# has DIR REGEX: sstpd's log in DIR matches
has() { grep -Eq -- "$2" "$1/sstpd.log"; }

# client LOG SECONDS [client args...]: the Python client through
# 127.0.0.1:$FPORT, bounded by SECONDS; RC, SECS
client() {
	local log=$1 t=$2 t0
	shift 2
	t0=$(date +%s%N)
	timeout -k 2 "$t" $CLIENT --ca "$PKI/ca.pem" --host localhost \
		--user "$SUSER" --password "$SPASS" --auth mschapv2 -v "$@" \
		>"$log" 2>&1
	RC=$?
	SECS=$(( ($(date +%s%N) - t0) / 1000000 ))
	SECS=$((SECS / 1000)).$(printf '%03d' $((SECS % 1000)))
	return "$RC"
}

# the peer certificate's SHA-256 the client saw (its "tls" note)
client_cert() { sed -n "s/.*'cert_sha256': '\([0-9a-f]*\)'.*/\1/p" "$1" | head -1; }

# wait_for DIR REGEX TENTHS: until sstpd's log in DIR matches
wait_for() {
	local i=0
	while ! has "$1" "$2" && [ $i -lt "$3" ]; do sleep 0.1; i=$((i + 1)); done
	has "$1" "$2"
}

# --- haproxy in front of three sstpd ---------------------------------------
new_case front
FDIR=$CASE_DIR
# A: TLS at sstpd, PROXY v1 or v2 first (one sstpd for both fronts).
cp "$PKI/valid.pem" "$FDIR/sstpd-cert.pem"
cp "$PKI/valid.key" "$FDIR/sstpd-key.pem"
# haproxy's own certificate for the TLS offload (leaf + intermediate + key).
cat "$PKI/chain-leaf-full.pem" "$PKI/chain-leaf.key" >"$FDIR/haproxy.pem"
HHASH=$(cert_hash "$PKI/chain-leaf.pem")
SHASH=$(cert_hash "$PKI/valid.pem")
ok=1
start_sstpd "$FDIR/tls" sstpdA 192.0.2.0/26 --proxy-protocol \
	--cert "$FDIR/sstpd-cert.pem" --key "$FDIR/sstpd-key.pem" \
	--max-per-address 1 || ok=0
start_sstpd "$FDIR/plain" sstpdB 192.0.2.64/26 --proxy-protocol --no-tls \
	--cert-hash-sha256 "$HHASH" || ok=0
# the hash of another certificate than the one haproxy serves
start_sstpd "$FDIR/wrong" sstpdC 192.0.2.128/26 --proxy-protocol --no-tls \
	--cert-hash-sha256 "$SHASH" || ok=0
P_V2=$(free_port) P_OFF=$(free_port) P_WRONG=$(free_port) P_V1=$(free_port)
cat >"$FDIR/haproxy.cfg" <<EOF
global
	log stderr format raw local0 info
	nbthread 1
	maxconn 64
defaults
	mode tcp
	log global
	option tcplog
	timeout connect 3s
	timeout client 60s
	timeout server 60s
frontend v2
	bind 127.0.0.1:$P_V2
	default_backend sstpd-v2
backend sstpd-v2
	server a 127.0.0.1:$(cat "$FDIR/tls/port") send-proxy-v2
frontend v1
	bind 127.0.0.1:$P_V1
	default_backend sstpd-v1
backend sstpd-v1
	server a 127.0.0.1:$(cat "$FDIR/tls/port") send-proxy
frontend offload
	bind 127.0.0.1:$P_OFF ssl crt $FDIR/haproxy.pem
	default_backend sstpd-plain
backend sstpd-plain
	server b 127.0.0.1:$(cat "$FDIR/plain/port") send-proxy-v2
frontend offload-wrong
	bind 127.0.0.1:$P_WRONG ssl crt $FDIR/haproxy.pem
	default_backend sstpd-wrong
backend sstpd-wrong
	server c 127.0.0.1:$(cat "$FDIR/wrong/port") send-proxy-v2
EOF
if [ $ok = 1 ] && LD_LIBRARY_PATH=$HAPROXY_LIBS "$HAPROXY" -c -f "$FDIR/haproxy.cfg" \
    >"$FDIR/haproxy-check.log" 2>&1; then
	LD_LIBRARY_PATH=$HAPROXY_LIBS "$HAPROXY" -db -f "$FDIR/haproxy.cfg" \
		>"$FDIR/haproxy.log" 2>&1 &
	HPID=$!
	PIDS+=("$HPID")
	i=0
	while ! $PY -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$P_WRONG" 2>/dev/null &&
	    [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	if kill -0 "$HPID" 2>/dev/null; then
		pass "haproxy $(LD_LIBRARY_PATH=$HAPROXY_LIBS "$HAPROXY" -v | sed -n '1s/^HAProxy version \([^ ]*\).*/\1/p') and three sstpd up"
	else
		fail "haproxy starts" "$(tail -3 "$FDIR/haproxy.log")"
		ok=0
	fi
else
	fail "haproxy configuration and three sstpd" "$(tail -3 "$FDIR/haproxy-check.log" 2>/dev/null)"
	ok=0
fi

if [ $ok = 1 ]; then
	T=$FDIR/tls
	# (a) PROXY v2, TLS end to end at sstpd.
	client "$FDIR/c-v2.log" 15 --connect "127.0.0.1:$P_V2" --bind 127.0.0.5 --ping 2
	if [ $RC = 0 ] && [ "$(client_cert "$FDIR/c-v2.log")" = "$SHASH" ] &&
	    has "$T" 'PROXY v2: client 127\.0\.0\.5:[0-9]+ via 127\.0\.0\.1:' &&
	    has "$T" 'session [0-9a-f]{16}: start client=127\.0\.0\.5:[0-9]+' &&
	    has "$T" 'call connected user=alice client=127\.0\.0\.5:' &&
	    wait_for "$T" 'end user=alice client=127\.0\.0\.5:[0-9]+ address=192\.0\.2\.' 20; then
		pass "proxy-v2: TLS end to end, login + 2 pings, client 127.0.0.5 in start/connected/end lines (${SECS}s)"
	else
		fail "proxy-v2: client 127.0.0.5 seen through haproxy" "rc=$RC ${SECS}s; $(grep -E 'start client|PROXY' "$T/sstpd.log" | tail -2)"
	fi
	# --max-per-address 1 counts the real address: a second session from
	# 127.0.0.5 is refused while one is up, one from 127.0.0.6 is not
	# (both reach sstpd from haproxy's 127.0.0.1).
	n0=$(grep -c 'call connected user=alice client=127\.0\.0\.5' "$T/sstpd.log")
	client "$FDIR/c-hold.log" 20 --connect "127.0.0.1:$P_V2" --bind 127.0.0.5 \
		--hold 3 --late-ping 1 &
	hpid=$!
	i=0
	while [ "$(grep -c 'call connected user=alice client=127\.0\.0\.5' "$T/sstpd.log")" -le "$n0" ] &&
	    [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	client "$FDIR/c-second.log" 10 --connect "127.0.0.1:$P_V2" --bind 127.0.0.5
	rc2=$RC s2=$SECS
	client "$FDIR/c-other.log" 15 --connect "127.0.0.1:$P_V2" --bind 127.0.0.6
	rc3=$RC s3=$SECS
	wait $hpid
	rch=$?
	# the first one gone, 127.0.0.5 may come back
	wait_for "$T" "end user=alice client=127\.0\.0\.5:[0-9]+ .*reason: " 20
	client "$FDIR/c-again.log" 15 --connect "127.0.0.1:$P_V2" --bind 127.0.0.5
	rc4=$RC
	if [ $rch = 0 ] && [ $rc2 != 0 ] && [ $rc3 = 0 ] && [ $rc4 = 0 ] &&
	    has "$T" 'refused connection from 127\.0\.0\.5:[0-9]+ \(session [0-9a-f]{16}\): --max-per-address 1 reached \(1 refused\)' &&
	    ! has "$T" 'refused connection from 127\.0\.0\.6' &&
	    has "$T" 'call connected user=alice client=127\.0\.0\.6:'; then
		pass "proxy-v2: --max-per-address 1 on the real address: 2nd from 127.0.0.5 refused (${s2}s), 127.0.0.6 logs in (${s3}s), the first kept; 127.0.0.5 again once it ended"
	else
		fail "proxy-v2: --max-per-address on the real address" "held rc=$rch second rc=$rc2 other rc=$rc3 again rc=$rc4; $(grep refused "$T/sstpd.log" | tail -2)"
	fi
	# (c) PROXY v1 via send-proxy.
	client "$FDIR/c-v1.log" 15 --connect "127.0.0.1:$P_V1" --bind 127.0.0.8 --ping 2
	if [ $RC = 0 ] &&
	    has "$T" 'PROXY v1: client 127\.0\.0\.8:[0-9]+ via 127\.0\.0\.1:' &&
	    has "$T" 'call connected user=alice client=127\.0\.0\.8:'; then
		pass "proxy-v1: haproxy send-proxy, login + 2 pings, client 127.0.0.8 logged (${SECS}s)"
	else
		fail "proxy-v1: client 127.0.0.8 seen through haproxy" "rc=$RC; $(grep -E 'PROXY' "$T/sstpd.log" | tail -2)"
	fi

	# (b) TLS terminated by haproxy, sstpd --no-tls with its hash.
	P=$FDIR/plain
	client "$FDIR/c-off.log" 15 --connect "127.0.0.1:$P_OFF" --bind 127.0.0.7 --ping 2
	if [ $RC = 0 ] && [ "$(client_cert "$FDIR/c-off.log")" = "$HHASH" ] &&
	    has "$P" 'SSTP crypto binding verified \(SHA256\)' &&
	    has "$P" 'call connected user=alice client=127\.0\.0\.7:'; then
		pass "offload: haproxy's certificate, binding verified (MS-CHAPv2 keys), 2 pings, client 127.0.0.7 (${SECS}s)"
	else
		fail "offload: binding with --cert-hash-sha256" "rc=$RC; $(tail -3 "$FDIR/c-off.log")"
	fi
	client "$FDIR/c-off-sha1.log" 15 --connect "127.0.0.1:$P_OFF" --hash sha1 --auth eap-mschapv2
	if [ $RC = 0 ] && [ "$(grep -c 'SSTP crypto binding verified (SHA256)' "$P/sstpd.log")" = 2 ]; then
		pass "offload: EAP-MSCHAPv2 client preferring SHA-1 binds with SHA-256, the only hash offered (${SECS}s)"
	else
		fail "offload: SHA-1-preferring client" "rc=$RC; $(tail -3 "$FDIR/c-off-sha1.log")"
	fi
	W=$FDIR/wrong
	client "$FDIR/c-wrong.log" 15 --connect "127.0.0.1:$P_WRONG" --bind 127.0.0.9 --expect-abort
	if [ $RC = 0 ] && grep -q "rx_abort" "$FDIR/c-wrong.log" &&
	    has "$W" 'crypto binding refused: certificate hash is not our certificate' &&
	    ! has "$W" 'call connected' &&
	    wait_for "$W" 'end user=alice client=127\.0\.0\.9:[0-9]+ .*reason: crypto binding of the Call Connected refused' 20; then
		pass "offload: a wrong --cert-hash-sha256 refuses the binding: Call Abort, cause logged (${SECS}s)"
	else
		fail "offload: wrong hash refused" "rc=$RC; $(grep -E 'binding|end ' "$W/sstpd.log" | tail -2)"
	fi
fi
for d in tls plain wrong; do stop_sstpd "$FDIR/$d"; done
[ -n "${HPID:-}" ] && kill -TERM "$HPID" 2>/dev/null && wait "$HPID" 2>/dev/null

# --- certificate reload with sessions up -----------------------------------
new_case reload
R=$CASE_DIR
cp "$PKI/valid.pem" "$R/cert.pem"
cp "$PKI/valid.key" "$R/key.pem"
H1=$(cert_hash "$PKI/valid.pem")
H2=$(cert_hash "$PKI/chain-leaf.pem")
if start_sstpd "$R" sstpdR 192.0.2.0/26 --cert "$R/cert.pem" --key "$R/key.pem"; then
	RPORT=$(cat "$R/port") RPID=$(cat "$R/pid")
	# A: up on certificate 1, answers pings after the reload.
	client "$R/a.log" 20 --connect "127.0.0.1:$RPORT" --hold 4 --late-ping 3 &
	apid=$!
	wait_for "$R" 'call connected user=alice' 100
	# D: TLS before the reload; HTTP, SSTP, PPP and the binding after it.
	client "$R/d.log" 20 --connect "127.0.0.1:$RPORT" --delay-http 2 &
	dpid=$!
	touch "$R/d.log"
	i=0
	while ! grep -q "client: tls " "$R/d.log" && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	cp "$PKI/chain-leaf-full.pem" "$R/cert.pem"
	cp "$PKI/chain-leaf.key" "$R/key.pem"
	kill -HUP "$RPID"
	wait_for "$R" 'reload: certificate /CN=' 20
	# B: a new session on certificate 2.
	client "$R/b.log" 20 --connect "127.0.0.1:$RPORT" --hold 3 --late-ping 2 &
	bpid=$!
	wait $apid; rca=$?
	wait $dpid; rcd=$?
	if has "$R" 'reload: certificate /CN=localhost' && [ $rca = 0 ] &&
	    [ "$(client_cert "$R/a.log")" = "$H1" ] &&
	    ! grep -q 'rx_disconnect {\|rx_abort' "$R/a.log"; then
		pass "reload: session A (certificate 1) answered 3 pings after SIGHUP, not disconnected"
	else
		fail "reload: session A kept" "rc=$rca; $(tail -2 "$R/a.log")"
	fi
	if [ $rcd = 0 ] && [ "$(client_cert "$R/d.log")" = "$H1" ] &&
	    grep -q 'call_connected_sent' "$R/d.log" &&
	    [ "$(grep -c 'SSTP crypto binding verified' "$R/sstpd.log")" -ge 2 ]; then
		pass "reload: a handshake across the reload binds to the certificate it saw (1)"
	else
		fail "reload: handshake across the reload" "rc=$rcd; $(tail -2 "$R/d.log")"
	fi
	# a broken certificate file: the current one stays, the cause logged
	head -c 300 "$PKI/valid.pem" >"$R/cert.pem"
	kill -HUP "$RPID"
	if wait_for "$R" "reload: certificate kept: --cert $R/cert.pem: PEM routines: bad end line" 20; then
		pass "reload: a truncated certificate file is refused, the cause logged (PEM: bad end line)"
	else
		fail "reload: broken certificate logged"
	fi
	# a certificate that does not match the key
	cp "$PKI/valid.pem" "$R/cert.pem"
	kill -HUP "$RPID"
	if wait_for "$R" "reload: certificate kept: --key $R/key.pem: .*key values mismatch" 20; then
		pass "reload: a certificate not matching the key is refused, logged"
	else
		fail "reload: key mismatch logged"
	fi
	# still certificate 2 for new sessions, and B still up
	client "$R/e.log" 20 --connect "127.0.0.1:$RPORT"
	rce=$RC
	wait $bpid; rcb=$?
	if [ $rcb = 0 ] && [ "$(client_cert "$R/b.log")" = "$H2" ]; then
		pass "reload: new session B got certificate 2 and its binding verified against it"
	else
		fail "reload: session B on certificate 2" "rc=$rcb; $(client_cert "$R/b.log"); $(tail -2 "$R/b.log")"
	fi
	if [ $rce = 0 ] && [ "$(client_cert "$R/e.log")" = "$H2" ]; then
		pass "reload: after the refused reloads new sessions keep certificate 2 and log in (B lived through them)"
	else
		fail "reload: certificate 2 kept after bad reloads" "rc=$rce $(client_cert "$R/e.log")"
	fi
	n=$(grep -c 'SSTP crypto binding verified (SHA256)' "$R/sstpd.log")
	if [ "$n" = 4 ] && ! has "$R" 'binding refused'; then
		pass "reload: sstpd verified all 4 bindings (A, D on certificate 1; B, E on 2)"
	else
		fail "reload: 4 bindings verified" "$n; $(grep binding "$R/sstpd.log" | tail -2)"
	fi
	stop_sstpd "$R"
else
	fail "sstpd starts for the reload cases"
fi

finish
