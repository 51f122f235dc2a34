#!/usr/bin/env bash
# tests/integration/tier-sstpd-net.sh - sstpd (issue 13) with real clients
# in two network namespaces joined by a veth (lib-netns.sh):
#
#   client ns NSC  vc0 192.0.2.66/30 <-- veth --> vs0 192.0.2.65/30  NSS
#     sstpc --tun=sstpN, client.py            sstpd A  :443  TUN sstpd0
#                                             pool 192.0.2.0/27 (.1 ours)
#                                             pool6 2001:db8:1::/64
#                                             sstpd B  :4443 TUN sstpd1
#                                             pool 192.0.2.32/28,
#                                             --allow-sha1 --auth +pap
#                                             pool6 2001:db8:200::/56
#                                             (a /64 per session)
#                                             --ra-lifetime 0
#
# 1. sstpc (built-in mode): MS-CHAPv2 login, ping both ways through both
#    TUNs, a TCP transfer with SHA-256 checks (tests/lib/tcpxfer.py), IPv6
#    ping with --pool6 (the client's global address by SLAAC from sstpd's
#    Router Advertisement, a default route via sstpd; none from B's with
#    Router Lifetime 0; B's /56 gives the session a /64 of its own: the
#    client's kernel (use_tempaddr=2) makes an RFC 8981 temporary address
#    in it too, and pings B's server address from it), the start / call connected / network up / end lines
#    (user, client address, assigned address, bytes), --list, three clients
#    at once with distinct addresses, --disconnect ID (sstpc exits 8, the
#    other sessions keep going), SIGTERM of a client (sstpc exits 10).
# 2. The Python client (tests/lib/sstptest/client.py) as the Windows client:
#    SHA-256 binding; SHA-1 only with --allow-sha1 (a forced SHA-1 binding
#    against A is aborted, the log names the field); EAP-MSCHAPv2; PAP with
#    --auth pap (B), PAP refused by A; the Windows LCP and IPCP options
#    (Callback rejected, DNS given); a wrong Compound MAC, nonce,
#    certificate hash, hash protocol -> Abort, the end line names the field;
#    a wrong password -> authentication failure and no address; IP data
#    before the Call Connected never reaches the server's stack (a raw ICMP
#    socket in the server's namespace, tests/integration/icmpcount.py,
#    counts it; the same client's echo requests after the Call Connected
#    are counted as the positive control).
# Every case has a time bound (timeout / deadlines below).
# Needs root, /dev/net/tun and ip netns; exits 77 (cannot run) without.
# Environment: SSTPC (sstpd next to it) or SSTPD, KEEP=1.
. "$(dirname "$0")/lib.sh"
. "$ITEST_DIR/lib-netns.sh"
TIER_NAME=tier-sstpd-net
SSTPD=${SSTPD:-$(dirname "$SSTPC")/sstpd}
if ! why=$(netns_can_run); then
	echo "$TIER_NAME: cannot run: $why"
	exit 77
fi
for x in "$SSTPD" "$SSTPC"; do
	if [ ! -x "$x" ]; then
		echo "$TIER_NAME: cannot run: no $x"
		exit 77
	fi
done
command -v ping >/dev/null || { [ "$(id -u)" = 0 ] &&
	apt-get install -y -qq iputils-ping >/dev/null 2>&1; }
command -v ping >/dev/null || { echo "$TIER_NAME: cannot run: no ping"; exit 77; }

CLIENT="$PY $TOP/tests/lib/sstptest/client.py"
SUSER=alice
SPASS='s3cret-p4ss'
BUSER=bob
BPASS='b0b-secret'
XFER=1000000
POOL6=2001:db8:1::
SRV6=2001:db8:1::1
POOL6B=2001:db8:200::
SRV6B=2001:db8:2::1
DPIDS=()
T_START=$(date +%s)

stop_daemons() {
	local p
	for p in "${DPIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${DPIDS[@]}"; do wait "$p" 2>/dev/null; done
	DPIDS=()
}
trap 'stop_daemons; netns_cleanup_all; cleanup' EXIT

# start_sstpd NAME PORT TUN POOL [args...]: sstpd in NSS on the veth; its
# log in $WORK/NAME/sstpd.log, its control socket $WORK/NAME/ctl.sock
start_sstpd() {
	local name=$1 port=$2 tun=$3 pool=$4 dir="$WORK/$1" i=0 pid
	shift 4
	mkdir -p "$dir"
	cp "$PKI/valid.pem" "$dir/cert.pem"
	cp "$PKI/valid.key" "$dir/key.pem"
	printf '%s * "%s" *\n%s * "%s" *\n' "$SUSER" "$SPASS" "$BUSER" \
		"$BPASS" >"$dir/secrets"
	chmod 600 "$dir/secrets"
	in_s "$SSTPD" --listen "$NS_SRV_VETH:$port" --cert "$dir/cert.pem" \
		--key "$dir/key.pem" --secrets "$dir/secrets" --pool "$pool" \
		--tun "$tun" --control "$dir/ctl.sock" --dns 192.0.2.53 \
		--handshake-timeout 5 --negotiation-timeout 10 "$@" \
		>"$dir/sstpd.out" 2>"$dir/sstpd.log" &
	pid=$!
	DPIDS+=("$pid")
	while ! grep -q 'sstpd ready' "$dir/sstpd.log" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
		if [ $i -gt 50 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "  sstpd $name did not start:"
			sed 's/^/  | /' "$dir/sstpd.log"
			return 1
		fi
	done
}

ALOG="$WORK/A/sstpd.log"
BLOG="$WORK/B/sstpd.log"
alog_has() { grep -Eq -- "$1" "$ALOG"; }

# check NAME CMD...: pass when CMD succeeds, else fail with the log tail
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# --- sstpc ---------------------------------------------------------------
PWF="$WORK/alice.pw"
printf '%s\n' "$SPASS" >"$PWF"
chmod 600 "$PWF"
declare -A CPID

# sstpc_up N [PORT]: sstpc --tun=sstpN in NSC against sstpd A (PORT 443)
# or B (4443); log sstpcN.log
sstpc_up() {
	ip netns exec "$NSC" "$SSTPC" --log-file "$WORK/sstpc$1.log" \
		--log-level 3 --ca-cert "$PKI/ca.pem" --host localhost \
		--user "$SUSER" --password-file "$PWF" --tun="sstp$1" \
		"$NS_SRV_VETH:${2:-443}" >"$WORK/sstpc$1.out" 2>&1 </dev/null &
	CPID[$1]=$!
}

# tun_addr N: the IPv4 address of sstpN in NSC (empty while not up)
tun_addr() {
	ip -n "$NSC" -4 -o addr show dev "sstp$1" 2>/dev/null |
		sed -n 's/.* inet \([0-9.]*\).*/\1/p' | head -1
}

# wait_up N SECONDS: sstpN is up with an address
wait_up() {
	local end=$(( $(date +%s) + $2 ))
	until [ -n "$(tun_addr "$1")" ] &&
	    ip -n "$NSC" link show dev "sstp$1" 2>/dev/null | grep -q ',UP'; do
		kill -0 "${CPID[$1]}" 2>/dev/null || return 1
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# wait_exit PID SECONDS: RC is its exit status (124 if still running)
wait_exit() {
	local end=$(( $(date +%s) + $2 ))
	while kill -0 "$1" 2>/dev/null; do
		if [ "$(date +%s)" -ge "$end" ]; then RC=124; return; fi
		sleep 0.1
	done
	wait "$1"
	RC=$?
}

# sid_of ADDR: sstpd A's session id whose network came up with ADDR
sid_of() {
	sed -n "s/.*session \([0-9a-f]*\): network up .*address=$1\( .*\)\{0,1\}\$/\1/p" \
		"$ALOG" | tail -1
}

ping_ok() {	# NS COUNT ARGS...: COUNT echo replies
	local ns=$1 n=$2 out
	shift 2
	out=$(ip netns exec "$ns" ping -n -c "$n" -i 0.2 -W 2 "$@" 2>&1)
	printf '%s\n' "$out" | grep -q " $n received" ||
		{ printf '%s\n' "$out" | tail -3 | sed 's/^/  | /'; return 1; }
}

xfer_ok() {	# client.py-free TCP transfer 192.0.2.1 <- NSC, both ways
	local i
	rm -f "$WORK/xfer.port"
	in_s "$PY" "$TOP/tests/lib/tcpxfer.py" serve 192.0.2.1 \
		--port-file "$WORK/xfer.port" --timeout 30 \
		>"$WORK/xfer-server.out" 2>&1 &
	i=0
	while [ ! -s "$WORK/xfer.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ -s "$WORK/xfer.port" ] || return 1
	in_c "$PY" "$TOP/tests/lib/tcpxfer.py" send 192.0.2.1 \
		"$(cat "$WORK/xfer.port")" --up $XFER --down $XFER --timeout 30 \
		>"$WORK/xfer.out" 2>&1 || { tail -3 "$WORK/xfer.out"; return 1; }
}

# --- client.py -------------------------------------------------------------
# pyc NAME PORT ARGS...: client.py in NSC against 192.0.2.65:PORT, bounded
# by 25 s; output in $WORK/py-NAME.out, status and milliseconds in
# $WORK/py-NAME.rc
pyc() {
	local name=$1 port=$2 t0 rc
	shift 2
	t0=$(date +%s%N)
	timeout -k 2 25 ip netns exec "$NSC" $CLIENT \
		--connect "$NS_SRV_VETH:$port" --ca "$PKI/ca.pem" --host localhost \
		--timeout 10 "$@" >"$WORK/py-$name.out" 2>&1
	rc=$?
	echo "$rc $(( ($(date +%s%N) - t0) / 1000000 ))" >"$WORK/py-$name.rc.tmp"
	mv "$WORK/py-$name.rc.tmp" "$WORK/py-$name.rc"
}

# res NAME KEY: a field of client.py's result dict
res() {
	"$PY" -c 'import ast, sys
for l in open(sys.argv[1]):
    if l.startswith("client result: "):
        print(ast.literal_eval(l[15:]).get(sys.argv[2], ""))' \
		"$WORK/py-$1.out" "$2" 2>/dev/null
}

# sid_port LOG PORT: the session id of the connection from vc0:PORT
sid_port() {
	sed -n "s/.*session \([0-9a-f]*\): start client=$NS_CLI_VETH:$2\$/\1/p" "$1" | head -1
}

# py_line NAME LOG REGEX: the log's lines of NAME's session match REGEX
py_line() {
	local sid
	sid=$(sid_port "$2" "$(res "$1" local_port)")
	[ -n "$sid" ] && grep "session $sid: " "$2" | grep -Eq -- "$3"
}

pyrc() { cut -d' ' -f1 "$WORK/py-$1.rc" 2>/dev/null; }

# ===========================================================================
netns_up net || { echo "$TIER_NAME: namespaces not made"; exit 1; }
if ! start_sstpd A 443 sstpd0 192.0.2.0/27 --pool6 "$POOL6/64" ||
    ! start_sstpd B 4443 sstpd1 192.0.2.32/28 --allow-sha1 \
	--auth mschapv2,eap,pap --pool6 "$POOL6B/56" --ra-lifetime 0; then
	fail "sstpd A and B start in the server namespace"
	finish
	exit
fi
pass "sstpd A (pool 192.0.2.0/27, pool6 /64) and B (--allow-sha1, pap, pool6 /56, RA lifetime 0) start"
# The server's IPv6 address on its TUN (inside pool6: a peer's /128 never
# takes ::1, an interface identifier is never 0:0:0:1 from sstpc).
ip -n "$NSS" -6 addr add "$SRV6/128" dev sstpd0 nodad
# B's: outside its /56 (every /64 of it may be a session's).
ip -n "$NSS" -6 addr add "$SRV6B/128" dev sstpd1 nodad

# --- 1. sstpc --tun ---------------------------------------------------------
# The client's kernel takes sstpd's Router Advertisements on the sstpN it
# makes (RFC 4862 SLAAC): accept_ra=2, so that it does even when the new
# namespace forwards (net.core.devconf_inherit_init_net may hand it the
# host's forwarding=1; with forwarding=0 the default 1 would do), and
# autoconf=1 (the default, said); on "default": the TUNs do not exist yet.
ip netns exec "$NSC" sysctl -qw net.ipv6.conf.default.accept_ra=2 \
	net.ipv6.conf.default.autoconf=1
t0=$(date +%s)
sstpc_up 0
if wait_up 0 15; then
	a0=$(tun_addr 0)
	pass "sstpc: MS-CHAPv2 login, sstp0 up with $a0 in $(( $(date +%s) - t0 )) s"
else
	fail "sstpc: login, sstp0 up within 15 s" "$(tail -3 "$WORK/sstpc0.log")"
	a0=none
fi
sstpc_up 3 4443
check "ping 192.0.2.1 (sstpd0) from the client through sstp0" \
	ping_ok "$NSC" 3 -I sstp0 192.0.2.1
check "ping $a0 (the client's sstp0) from the server through sstpd0" \
	ping_ok "$NSS" 3 "$a0"
t1=$(date +%s)
if xfer_ok; then
	pass "TCP transfer $XFER bytes each way, SHA-256 checked, $(( $(date +%s) - t1 )) s"
else
	fail "TCP transfer through the tunnel" "$(tail -2 "$WORK/xfer.out")"
fi
# IPv6: sstpc's link-local identifier from IPV6CP (its fe80:: address with
# a peer, the only one: sstpc turns the kernel's own off); sstpd's Router
# Advertisement gives the pool6 prefix (L=1 A=1) and the client's kernel
# makes prefix::ID by SLAAC, the identifier inherited from that fe80::
# (a TUN has no link-layer address to make an EUI-64 from) -- the /128
# the hub routes to this session.  Router Lifetime 1800: a default route
# via sstpd's fe80:: on sstp0 (proto ra).
# slaac_addr N PREFIX: sstpN's fe80:: identifier under PREFIX (empty if none)
slaac_addr() {
	local ll= i
	for i in $(seq 50); do
		ll=$(ip -n "$NSC" -6 -o addr show dev "sstp$1" scope link 2>/dev/null |
			sed -n 's/.* inet6 \(fe80::[0-9a-f:]*\) peer .*/\1/p' | head -1)
		[ -n "$ll" ] && break
		sleep 0.1
	done
	[ -n "$ll" ] && "$PY" -c 'import ipaddress, sys
ll = int(ipaddress.IPv6Address(sys.argv[1])) & ((1 << 64) - 1)
print(ipaddress.IPv6Address(int(ipaddress.IPv6Address(sys.argv[2])) | ll))' "$ll" "$2"
}
# wait_global N ADDR SECONDS: sstpN has ADDR/64 from SLAAC (dynamic)
wait_global() {
	local end=$(( $(date +%s) + $3 ))
	until ip -n "$NSC" -6 -o addr show dev "sstp$1" scope global 2>/dev/null |
	    grep -q " inet6 $2/64 .*dynamic"; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}
t1=$(date +%s)
g6=$(slaac_addr 0 "$POOL6")
if [ -n "$g6" ] && wait_global 0 "$g6" 10; then
	pass "IPv6: SLAAC from sstpd's RA: sstp0 has $g6/64 ($(( $(date +%s) - t1 )) s)"
	check "IPv6: a default route via sstpd's fe80:: on sstp0 (RA, lifetime 1800)" \
		eval 'ip -n "$NSC" -6 route show default | grep -Eq "^default via fe80::[0-9a-f:]+ dev sstp0 proto ra .*expires"'
	check "IPv6: ping $SRV6 from the client ($g6) through both TUNs" \
		ping_ok "$NSC" 3 -6 -I "$g6" "$SRV6"
	check "IPv6: ping the client's $g6 from the server" \
		ping_ok "$NSS" 3 -6 "$g6"
else
	fail "IPv6: sstp0 gets $POOL6/64 + its IPV6CP identifier by SLAAC within 10 s" \
		"ll-derived '$g6'; $(ip -n "$NSC" -6 -o addr show dev sstp0 | tr '\n' ' ')"
fi
# B's RAs have Router Lifetime 0: the address, the prefix on-link, no
# default route through sstp3.  B's pool6 is a /56: the session's own /64
# (its network up line says which) is the RA's prefix.
p64b=
wait_up 3 15
for i in $(seq 30); do
	p64b=$(sed -n 's|.*: network up user=.* ipv6 prefix6=\(2001:db8:200:[0-9a-f:]*\)/64$|\1|p' "$BLOG" | head -1)
	[ -n "$p64b" ] && break
	sleep 0.1
done
if [ -n "$p64b" ] && g6b=$(slaac_addr 3 "$p64b") && [ -n "$g6b" ] &&
    wait_global 3 "$g6b" 10; then
	if ip -n "$NSC" -6 route show "$p64b/64" | grep -q "dev sstp3 proto kernel" &&
	    ! ip -n "$NSC" -6 route show default | grep -q "dev sstp3"; then
		pass "IPv6: B (--ra-lifetime 0, /56): sstp3 has $g6b/64 in its own $p64b/64, on-link, no default route"
	else
		fail "IPv6: B (--ra-lifetime 0): no default route via sstp3" \
			"$(ip -n "$NSC" -6 route | tr '\n' ' ')"
	fi
	# The kernel's temporary address (a random identifier, RFC 8981) in
	# the same /64: not the /128 of the IPV6CP identifier, yet B's.
	# XX: Linux never makes them on a TUN (ARPHRD_NONE: ipv6_add_dev sets
	# use_tempaddr -1, whatever "default" says): on sstp3 itself, now,
	# as Ubuntu's default (2), then a Router Solicitation (RFC 4861
	# 6.3.7) brings the next RA (sstpd: 3 s after its last one) and the
	# kernel makes an RFC 8981 temporary address, not sstp3's /128.
	ip netns exec "$NSC" sysctl -qw net.ipv6.conf.sstp3.use_tempaddr=2
	for i in $(seq 100); do
		t6b=$(ip -n "$NSC" -6 -o addr show dev sstp3 scope global temporary |
			sed -n 's/.* inet6 \([0-9a-f:]*\)\/64 .*/\1/p' | head -1)
		[ -n "$t6b" ] && break
		[ "$i" = 1 ] && ip netns exec "$NSC" "$PY" -c 'import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.sendto(bytes([133, 0, 0, 0, 0, 0, 0, 0]),
    ("ff02::2", 0, 0, socket.if_nametoindex("sstp3")))'
		sleep 0.1
	done
	ip -n "$NSC" -6 route add "$SRV6B/128" dev sstp3
	if [ -n "$t6b" ] && [ "$t6b" != "$g6b" ] && "$PY" -c 'import ipaddress, sys
sys.exit(ipaddress.IPv6Address(sys.argv[1]) not in
    ipaddress.IPv6Network(sys.argv[2] + "/64"))' "$t6b" "$p64b"; then
		check "IPv6: ping $SRV6B from sstp3's temporary address $t6b (B's /64 per session)" \
			ping_ok "$NSC" 3 -6 -I "$t6b" "$SRV6B"
	else
		fail "IPv6: sstp3 makes a temporary address in $p64b/64 (use_tempaddr=2)" \
			"'$t6b'; $(ip -n "$NSC" -6 -o addr show dev sstp3 2>&1 | tr '\n' ' '); $(ip netns exec "$NSC" sysctl net.ipv6.conf.sstp3.use_tempaddr net.ipv6.conf.sstp3.addr_gen_mode net.ipv6.conf.sstp3.accept_ra 2>&1 | tr '\n' ' ')"
	fi
else
	fail "IPv6: B: sstp3 gets a /64 of $POOL6B/56 + its identifier by SLAAC" \
		"'$p64b' '$g6b'; $(ip -n "$NSC" -6 -o addr show dev sstp3 2>&1 | tr '\n' ' ')"
fi
kill -TERM "${CPID[3]}" 2>/dev/null
wait_exit "${CPID[3]}" 10
sleep 0.3
check "B's end line shows the session's prefix6=$p64b/64" \
	grep -Eq -- ": end user=$SUSER .* prefix6=$p64b/64 duration=" "$BLOG"
sid0=$(sid_of "$a0")
if [ -n "$sid0" ] &&
    alog_has "session $sid0: start client=$NS_CLI_VETH:[0-9]+" &&
    alog_has "session $sid0: call connected user=$SUSER client=$NS_CLI_VETH:[0-9]+" &&
    alog_has "session $sid0: network up user=$SUSER client=$NS_CLI_VETH:[0-9]+ address=$a0 ipv6"; then
	pass "log: start, call connected, network up (user, client, $a0, ipv6)"
else
	fail "log: start / call connected / network up lines" "$(tail -5 "$ALOG")"
fi

# Three clients at once: distinct addresses, each one pings.
t1=$(date +%s)
sstpc_up 1
sstpc_up 2
ok=0
wait_up 1 15 && wait_up 2 15 && ok=1
a1=$(tun_addr 1)
a2=$(tun_addr 2)
# distinct, from the pool, none the server's own 192.0.2.1
inpool() {
	"$PY" -c 'import ipaddress, sys
a = [ipaddress.ip_address(x) for x in sys.argv[1:]]
n = ipaddress.ip_network("192.0.2.0/27")
sys.exit(not (len(set(a)) == 3 and all(x in n and x != n[0] and
    x != n[1] and x != n[-1] for x in a)))' "$@" 2>/dev/null
}
if [ $ok = 1 ] && inpool "$a0" "$a1" "$a2"; then
	pass "3 clients at once: distinct pool addresses $a0 $a1 $a2 ($(( $(date +%s) - t1 )) s)"
else
	fail "3 clients at once with distinct addresses" "'$a0' '$a1' '$a2'"
fi
check "ping 192.0.2.1 through sstp1 and sstp2" \
	eval 'ping_ok "$NSC" 2 -I sstp1 192.0.2.1 && ping_ok "$NSC" 2 -I sstp2 192.0.2.1'
list=$(in_s "$SSTPD" --list --control "$WORK/A/ctl.sock" 2>&1)
if [ -n "$sid0" ] && printf '%s\n' "$list" | grep "$sid0" | grep -q "$SUSER" &&
    [ "$(printf '%s\n' "$list" | grep -c "$SUSER")" = 3 ] &&
    printf '%s\n' "$list" | grep -q "$a2"; then
	pass "sstpd --list: the 3 sessions (id, user, address)"
else
	fail "sstpd --list shows the sessions" "$list"
fi

# --disconnect ID: that sstpc ends with 8 (the server ended the session).
t1=$(date +%s)
dout=$(in_s "$SSTPD" --disconnect "$sid0" --control "$WORK/A/ctl.sock" 2>&1)
drc=$?
wait_exit "${CPID[0]}" 10
if [ $drc = 0 ] && [ "$RC" = 8 ]; then
	pass "sstpd --disconnect $sid0: sstpc exits 8 in $(( $(date +%s) - t1 )) s"
else
	fail "sstpd --disconnect: sstpc exits 8" "disconnect rc=$drc ($dout), sstpc rc=$RC"
fi
if alog_has "session $sid0: end user=$SUSER client=$NS_CLI_VETH:[0-9]+ address=$a0 duration=[0-9.]+s in=[0-9]+ out=[0-9]+"; then
	inb=$(sed -n "s/.*session $sid0: end .* in=\([0-9]*\) out=\([0-9]*\).*/\1 \2/p" "$ALOG")
	if [ "${inb% *}" -gt $XFER ] && [ "${inb#* }" -gt $XFER ]; then
		pass "end line: user, client, $a0, duration, bytes ($inb)"
	else
		fail "end line counts the transfer" "in/out $inb"
	fi
else
	fail "end line of the disconnected session" "$(grep "$sid0" "$ALOG" | tail -2)"
fi
check "the other two sessions keep going after --disconnect" \
	eval 'ping_ok "$NSC" 2 -I sstp1 192.0.2.1 && ping_ok "$NSC" 2 -I sstp2 192.0.2.1'
kill -TERM "${CPID[1]}" "${CPID[2]}" 2>/dev/null
wait_exit "${CPID[1]}" 10
r1=$RC
wait_exit "${CPID[2]}" 10
if [ "$r1" = 10 ] && [ "$RC" = 10 ] && sleep 0.3 &&
    [ "$(grep -c ": end user=$SUSER client=$NS_CLI_VETH.*address=192" "$ALOG")" = 3 ]; then
	pass "SIGTERM to the clients: exit 10, sstpd logs their ends"
else
	fail "SIGTERM to the clients" "rc $r1 $RC; $(grep -c ': end ' "$ALOG") end lines"
fi
T1=$(( $(date +%s) - t0 ))

# --- 2. the Python client as the Windows client ----------------------------
t0=$(date +%s)
in_s "$PY" "$ITEST_DIR/icmpcount.py" 40 EARLYIP LATEIP --ready "$WORK/cap.ready" \
	--stop "$WORK/cap.stop" >"$WORK/cap.out" 2>&1 &
cap=$!
i=0
while [ ! -s "$WORK/cap.ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
pyc sha256 443 --user $SUSER --password "$SPASS" --auth mschapv2 --ping 3 &
pyc sha1-refused 443 --user $SUSER --password "$SPASS" --auth mschapv2 \
	--force-hash sha1 --expect-abort &
pyc sha1-allowed 4443 --user $SUSER --password "$SPASS" --auth mschapv2 \
	--hash sha1 &
pyc eap 443 --user $BUSER --password "$BPASS" --auth eap-mschapv2 &
pyc pap 4443 --user $BUSER --password "$BPASS" --auth pap &
pyc pap-refused 443 --user $BUSER --password "$BPASS" --auth pap &
pyc windows 443 --user $SUSER --password "$SPASS" --windows --ping 2 &
for c in nonce cert cmac hash; do
	pyc $c 443 --user $SUSER --password "$SPASS" --auth mschapv2 \
		--corrupt $c --expect-abort &
done
pyc badpass 443 --user $SUSER --password "wrong-$SPASS" --auth mschapv2 \
	--expect-auth-fail &
pyc early 443 --user $BUSER --password "$BPASS" --auth mschapv2 \
	--early-ip 3 --ping 2 &
PYCASES="sha256 sha1-refused sha1-allowed eap pap pap-refused windows nonce
	cert cmac hash badpass early"
for c in $PYCASES; do
	while [ ! -s "$WORK/py-$c.rc" ]; do sleep 0.1; done	# pyc: <= 27 s
done
touch "$WORK/cap.stop"	# the early client is done: its packets are in
wait "$cap" 2>/dev/null
slow=$(for c in $PYCASES; do echo "$(cut -d' ' -f2 "$WORK/py-$c.rc") $c"; done |
	sort -n | tail -1)
sleep 0.5	# the end lines of the aborted sessions

pyok() {	# NAME: client.py exited 0 (its own expectation met)
	[ "$(pyrc "$1")" = 0 ] || { tail -2 "$WORK/py-$1.out" | sed 's/^/  | /'; return 1; }
}
if pyok sha256 && [ "$(res sha256 bitmask)" = 2 ] && [ "$(res sha256 hash)" = 2 ] &&
    [ "$(res sha256 pings)" = 3 ]; then
	pass "client.py: SHA-256 binding (A offers 0x02 only), 3 pings"
else
	fail "client.py: SHA-256 binding" "$(tail -1 "$WORK/py-sha256.out")"
fi
if pyok sha1-refused && py_line sha1-refused "$ALOG" 'end .*reason: .*hash protocol not one we offered'; then
	pass "client.py: SHA-1 binding without --allow-sha1: Abort, logged"
else
	fail "client.py: SHA-1 refused without --allow-sha1" "$(tail -1 "$WORK/py-sha1-refused.out")"
fi
if pyok sha1-allowed && [ "$(res sha1-allowed bitmask)" = 3 ] &&
    [ "$(res sha1-allowed hash)" = 1 ] && py_line sha1-allowed "$BLOG" 'call connected'; then
	pass "client.py: SHA-1 binding with --allow-sha1 (B offers 0x03)"
else
	fail "client.py: SHA-1 binding with --allow-sha1" "$(tail -1 "$WORK/py-sha1-allowed.out")"
fi
if pyok eap && [ "$(res eap auth)" = eap-mschapv2 ] &&
    py_line eap "$ALOG" "call connected user=$BUSER"; then
	pass "client.py: EAP-MSCHAPv2 login (keys bound)"
else
	fail "client.py: EAP-MSCHAPv2" "$(tail -1 "$WORK/py-eap.out")"
fi
if pyok pap && [ "$(res pap auth)" = pap ] && py_line pap "$BLOG" "network up user=$BUSER"; then
	pass "client.py: PAP with --auth ...,pap (zero HLAK binding)"
else
	fail "client.py: PAP" "$(tail -1 "$WORK/py-pap.out")"
fi
if [ "$(pyrc pap-refused)" = 1 ] && ! py_line pap-refused "$ALOG" 'network up' &&
    py_line pap-refused "$ALOG" 'end .*reason: .*no common authentication protocol'; then
	pass "client.py: PAP only, not in A's --auth: no login, reason logged"
else
	fail "client.py: PAP refused by A" "$(tail -1 "$WORK/py-pap-refused.out")"
fi
if pyok windows && res windows lcp_rejected | grep -q 13 &&
    res windows ipcp_rejected | grep -qv '^\[\]$' &&
    [ "$(res windows dns)" = "['192.0.2.53']" ]; then
	pass "client.py --windows: LCP (Callback rejected: $(res windows lcp_rejected)), IPCP DNS 192.0.2.53 (NBNS rejected)"
else
	fail "client.py --windows" "$(tail -1 "$WORK/py-windows.out")"
fi
for c in nonce:'nonce differs' cert:'certificate hash is not' \
    cmac:'Compound MAC does not match' hash:'hash protocol'; do
	n=${c%%:*}
	if pyok "$n" && py_line "$n" "$ALOG" "end .*reason: .*$(printf '%s' "${c#*:}")" &&
	    ! py_line "$n" "$ALOG" 'call connected'; then
		pass "client.py --corrupt $n: Abort, the end line names the field"
	else
		fail "client.py --corrupt $n" "$(tail -1 "$WORK/py-$n.out"; grep "$(sid_port "$ALOG" "$(res "$n" local_port)")" "$ALOG" | tail -1)"
	fi
done
if pyok badpass &&
    py_line badpass "$ALOG" 'end .*address=- .*reason: .*authentication failed: MS-CHAPv2: wrong password' &&
    ! py_line badpass "$ALOG" 'network up'; then
	pass "client.py wrong password: authentication failure, no address"
else
	fail "client.py wrong password" "$(tail -1 "$WORK/py-badpass.out")"
fi
if pyok early && [ "$(res early early_replies)" = 0 ] &&
    grep -qx 'EARLYIP 0' "$WORK/cap.out" && grep -qx 'LATEIP 2' "$WORK/cap.out"; then
	pass "IP data before Call Connected: 0 of 3 reached the server (2 after it did)"
else
	fail "IP data before Call Connected not forwarded" "$(tr '\n' ' ' <"$WORK/cap.out") replies=$(res early early_replies) rc=$(pyrc early)"
fi
T2=$(( $(date +%s) - t0 ))
echo "  client.py: 13 clients at once, the slowest: ${slow#* } in ${slow%% *} ms"

stop_daemons
if ! grep -q 'AddressSanitizer\|runtime error' "$ALOG" "$BLOG"; then
	pass "sstpd A and B stop; no sanitizer report"
else
	fail "sanitizer report in the sstpd logs"
fi
echo "  seconds: sstpc part $T1, client.py part $T2, tier $(( $(date +%s) - T_START ))"
finish
