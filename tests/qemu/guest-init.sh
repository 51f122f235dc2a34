#!/bin/sh
# shellcheck shell=dash
# tests/qemu/guest-init.sh - /init of the tier-4 guest (busybox sh, PID 1).
#
# Loads the PPP and virtio-serial modules, then runs the cases named in
# /etc/sstpc-test/cases with Debian's real pppd and the freshly built sstpc
# against the host's test server, or (cases g and h: /etc/sstpc-test/peer.CASE
# names the server's address) against sstpd on the host, whose pool gives
# ppp0 its address.  Each case has its own virtio-serial port
# (name sstp.CASE); socat relays 127.0.0.1:443 in the guest to it, and qemu
# connects the port to the host server's TCP port.  Results go to the serial
# console as lines the host parses:
#   @@R CHECK ok|fail DETAIL     one check
#   @@P CASE ADDRESS             ppp0's address (cases against sstpd)
#   @@T NAME SECONDS             a timing (guest uptime based)
#   @@F CASE/FILE LINE           a line of a log file, for the host's copy
#   @@END                        all done (then power off)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
T=/etc/sstpc-test
IPP=nm-pptp-service-4242

R() { echo "@@R $1 $2 ${3:-}"; }
up() { cut -d' ' -f1 /proc/uptime; }
# dt T0: seconds since uptime T0
dt() { awk -v a="$1" -v b="$(up)" 'BEGIN { printf "%.2f", b - a }'; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/sstpc /var/lock
# as udev/systemd would (sstpc hands pppd "file /dev/fd/N")
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
chmod 1777 /tmp
hostname guest
ip link set lo up
echo "@@T boot $(up)"

mods_ok=1
for m in $(cat /lib/modules/modules.order); do
	if ! insmod "/lib/modules/$m.ko" 2>/tmp/insmod.err; then
		mods_ok=0
		R guest.insmod fail "$m: $(cat /tmp/insmod.err)"
	fi
done
if [ $mods_ok = 1 ] && [ -c /dev/ppp ]; then
	R guest.modules ok "$(tr '\n' ' ' </lib/modules/modules.order)"
else
	R guest.modules fail "/dev/ppp: $(ls -l /dev/ppp 2>&1)"
fi

# vport NAME: the /dev node of the virtio-serial port called NAME
vport() {
	local d
	for d in /sys/class/virtio-ports/*; do
		[ "$(cat "$d/name" 2>/dev/null)" = "$1" ] &&
		    { echo "/dev/${d##*/}"; return 0; }
	done
	return 1
}

# relay CASE: 127.0.0.1:443 -> the case's virtio port (one connection)
relay() {
	local dev i=0
	dev=$(vport "sstp.$1") || { R "$1.relay" fail "no port sstp.$1"; return 1; }
	socat TCP-LISTEN:443,bind=127.0.0.1,reuseaddr "OPEN:$dev" \
	    2>"/tmp/$1/socat.err" &
	while ! netstat -ltn 2>/dev/null | grep -q '127.0.0.1:443 '; do
		i=$((i + 1))
		[ $i -gt 100 ] && { R "$1.relay" fail "socat not listening"; return 1; }
		sleep 0.05
	done
	return 0
}

# wait_gone SECONDS PID...: 0 when none of the PIDs is alive any more
wait_gone() {
	local n=$(($1 * 10)) p alive
	shift
	while [ $n -gt 0 ]; do
		alive=
		for p in "$@"; do
			kill -0 "$p" 2>/dev/null && alive=1
		done
		[ -z "$alive" ] && return 0
		n=$((n - 1))
		sleep 0.1
	done
	return 1
}

# peer CASE: the server's address on the link: from peer.CASE (sstpd's
# local address), else the test server's 192.0.2.1
peer() { cat $T/peer.$1 2>/dev/null || echo 192.0.2.1; }

# wait_link CASE T0 SECONDS PID: ppp0 carries its address with the peer's
# (the test server: 192.0.2.2 peer 192.0.2.1; sstpd: an address of its
# pool, printed as "@@P CASE ADDRESS" for the host to compare with sstpd's
# log, peer sstpd's local address).  pppd sets the local address and the
# peer address one after the other: poll until both are there; give up
# early when PID exits.
wait_link() {
	local c=$1 t0=$2 n=$(($3 * 10)) a='' p l
	p=$(peer $c)
	while [ $n -gt 0 ]; do
		a=$(ip -4 addr show dev ppp0 2>/dev/null | grep ' inet ')
		case $a in
		*" inet 192.0.2."*" peer $p/32 "*)
			l=$(echo "$a" | sed -n 's/.* inet \(192\.0\.2\.[0-9]*\) peer .*/\1/p')
			echo "@@T $c.link_up $(dt "$t0")"
			if [ -f $T/peer.$c ]; then
				echo "@@P $c $l"
				R "$c.ppp0_address" ok "$l peer $p/32"
				return 0
			elif [ "$l" = 192.0.2.2 ]; then
				R "$c.ppp0_address" ok "192.0.2.2 peer $p/32"
				return 0
			fi
			R "$c.ppp0_address" fail "$l peer $p/32 (want 192.0.2.2)"
			return 1 ;;
		esac
		if ! kill -0 "$4" 2>/dev/null; then
			R "$c.ppp0_address" fail "no address on ppp0: process $4 exited after $(dt "$t0") s"
			return 1
		fi
		n=$((n - 1))
		sleep 0.1
	done
	R "$c.ppp0_address" fail "after $3 s: ${a:-no IPv4 address}: $(ip link show ppp0 2>&1 | head -1)"
	return 1
}

# echo_replies: the kernel's count of ICMP echo replies sent (RFC 1213
# icmpOutEchoReps, /proc/net/snmp)
echo_replies() {
	awk '/^Icmp:/ { if (!k) { for (i = 1; i <= NF; i++)
	    if ($i == "OutEchoReps") k = i } else print $k }' /proc/net/snmp
}

# host_pings CASE BASE: the host pings ppp0's address through sstpd's TUN
# once sstpd logs the session's network up; wait (20 s at most) until this
# kernel has answered 3 echo requests more than BASE (only ppp0 leads out)
host_pings() {
	local c=$1 n=200 got=0
	while [ $n -gt 0 ]; do
		got=$(($(echo_replies) - $2))
		if [ $got -ge 3 ]; then
			R "$c.pinged_from_host" ok "$got echo replies sent through ppp0"
			return 0
		fi
		n=$((n - 1))
		sleep 0.1
	done
	R "$c.pinged_from_host" fail "$got echo replies in 20 s (want 3)"
}

# traffic CASE MTU: pings through the kernel interface, the MTU
traffic() {
	local c=$1 mtu=$2 out
	if ip link show ppp0 | grep -q " mtu $mtu "; then
		R "$c.ppp0_mtu" ok "$mtu"
	else
		R "$c.ppp0_mtu" fail "$(ip link show ppp0 | head -1)"
	fi
	out=$(ping -A -c 3 -W 5 -I ppp0 "$(peer $c)" 2>&1)
	echo "$out" >"/tmp/$c/ping.txt"
	if echo "$out" | grep -q '3 packets transmitted, 3 packets received'; then
		R "$c.ping" ok "$(echo "$out" | tail -1)"
	else
		R "$c.ping" fail "$(echo "$out" | grep -E 'transmitted|ping:' | head -2 | tr '\n' ' ')"
	fi
	# a full-MTU datagram (MTU - 20 IP - 8 ICMP): the largest PPP frames
	out=$(ping -A -c 2 -W 5 -s $((mtu - 28)) -I ppp0 "$(peer $c)" 2>&1)
	echo "$out" >>"/tmp/$c/ping.txt"
	if echo "$out" | grep -q '2 packets transmitted, 2 packets received'; then
		R "$c.ping_full_mtu" ok "$(echo "$out" | grep transmitted)"
	else
		R "$c.ping_full_mtu" fail "$(echo "$out" | grep -E 'transmitted|ping:' | head -2 | tr '\n' ' ')"
	fi
	grep ppp0 /proc/net/dev >"/tmp/$c/netdev.txt"
}

# key_source CASE LOG: which way sstpc got the MPPE keys (HLAK)
key_source() {
	if grep -q 'MPPE keys from the pppd plugin' "$2"; then
		echo plugin
	elif grep -q 'authenticated by sstpc' "$2"; then
		echo eap-auth
	elif grep -q 'snooped' "$2"; then
		echo snooping
	elif grep -q 'zero HLAK' "$2"; then
		echo zero-hlak
	else
		echo unknown
	fi
}

# teardown_checks CASE: after the SIGTERM
teardown_checks() {
	local c=$1
	if ip link show ppp0 >/dev/null 2>&1; then
		R "$c.ppp0_removed" fail "ppp0 still present"
	else
		R "$c.ppp0_removed" ok
	fi
}

# dump CASE: the case's files to the console
dump() {
	local f
	for f in /tmp/$1/*; do
		[ -f "$f" ] || continue
		sed "s|^|@@F $1/${f##*/} |" "$f"
	done
}

# Cases a, d, e and g: launch mode, sstpc starts the real pppd.  a: with
# --password-fd (sstpc derives the keys itself from its copy of the password
# and the MS-CHAPv2 exchange; no plugin by design, sstpc(8)).  d: --user only,
# pppd takes the password from chap-secrets and sstpc has pppd load the
# plugin from its built-in plugin directory.  e: --eap-auth.  g: d against
# sstpd, then the host's pings to ppp0's address.  SIGTERM to sstpc.
case_launch() {
	local c=$1 d=/tmp/$1 t0 spid rc p want e0
	mkdir -p $d
	relay $c || return
	e0=$(echo_replies)
	t0=$(up)
	if [ $c = e ]; then
		want=eap-auth
		sstpc --log-file $d/sstpc.log --log-level 5 --ca-cert $T/ca.pem \
		    --user "$(cat $T/user)" --password-fd 5 --eap-auth localhost -- \
		    noauth refuse-eap noipdefault nodefaultroute mtu 1400 \
		    debug logfile $d/pppd.log \
		    5<$T/password >$d/sstpc.out 2>&1 </dev/null &
	elif [ $c = a ]; then
		want=snooping
		sstpc --log-file $d/sstpc.log --log-level 5 --ca-cert $T/ca.pem \
		    --user "$(cat $T/user)" --password-fd 5 localhost -- \
		    noauth refuse-eap noipdefault nodefaultroute mtu 1400 \
		    debug logfile $d/pppd.log \
		    5<$T/password >$d/sstpc.out 2>&1 </dev/null &
	else
		want=plugin
		sstpc --log-file $d/sstpc.log --log-level 5 --ca-cert $T/ca.pem \
		    --user "$(cat $T/user)" localhost -- \
		    noauth refuse-eap noipdefault nodefaultroute mtu 1400 \
		    remotename localhost debug logfile $d/pppd.log \
		    >$d/sstpc.out 2>&1 </dev/null &
	fi
	spid=$!
	if wait_link $c "$t0" 60 $spid; then
		traffic $c 1400
		[ -f $T/peer.$c ] && host_pings $c "$e0"
	fi
	p=$(key_source $c $d/sstpc.log)
	if [ "$p" = $want ]; then
		R $c.key_source ok "$p"
	else
		R $c.key_source fail "$p (expected $want)"
	fi
	p=$(pidof pppd)
	echo "@@T $c.session $(dt "$t0")"
	t0=$(up)
	kill -TERM $spid
	if wait_gone 15 $spid; then
		wait $spid
		rc=$?
		if [ $rc = 10 ]; then
			R $c.sstpc_exit ok "exit status $rc after SIGTERM"
		else
			R $c.sstpc_exit fail "exit status $rc after SIGTERM (sstpc(8): 10)"
		fi
	else
		R $c.sstpc_exit fail "sstpc still running 15 s after SIGTERM"
		kill -KILL $spid
	fi
	if [ -z "$p" ]; then
		R $c.pppd_exit fail "pppd was not running"
	elif wait_gone 15 $p; then
		R $c.pppd_exit ok "pppd $p gone"
	else
		R $c.pppd_exit fail "pppd $p still running 15 s after SIGTERM"
		kill -KILL $p
	fi
	echo "@@T $c.teardown $(dt "$t0")"
	teardown_checks $c
	ps >$d/ps.txt
	dump $c
}

# Cases b and c: NetworkManager-sstp's way, pppd runs sstpc on its pty and
# loads the plugin (NM's option set, REFERENCE-CLIENT.md 3.5).  Logs go to
# syslog as under NM.  b: no MPPE, NM stops pppd with SIGTERM.  c: with
# require-mppe-128 (real kernel MPPE), sstpc gets the SIGTERM.  h: b against
# sstpd, with the host's pings to ppp0's address.
case_nm() {
	local c=$1 d=/tmp/$1 t0 ppid spid rc mppe='' sl e0
	mkdir -p $d
	relay $c || return
	e0=$(echo_replies)
	syslogd -n -S -O $d/syslog.log &
	sl=$!
	[ $c = c ] && mppe=require-mppe-128
	t0=$(up)
	pppd pty "sstpc localhost --tls-ext --log-level 5 --nolaunchpppd --ipparam $IPP --uuid {5C2EA0F1-35B6-4D6B-9C2B-1F1E2D3C4B5A} --ca-cert $T/ca.pem" \
	    debug ipparam $IPP nodetach lock usepeerdns noipdefault noipv6 \
	    nodefaultroute nodefaultroute6 noauth \
	    user "$(cat $T/user)" remotename localhost mtu 1400 $mppe \
	    lcp-echo-failure 0 lcp-echo-interval 0 \
	    plugin sstp-pppd-plugin.so sstp-sock /var/run/sstpc/sstpc-$IPP \
	    >$d/pppd.out 2>&1 </dev/null &
	ppid=$!
	if wait_link $c "$t0" 60 $ppid; then
		# pppd keeps 4 bytes of the MTU for the MPPE header
		if [ $c = c ]; then traffic c 1396; else traffic $c 1400; fi
		[ -f $T/peer.$c ] && host_pings $c "$e0"
		if grep -q '^nameserver 192.0.2.53' /etc/ppp/resolv.conf 2>/dev/null; then
			R $c.usepeerdns ok "/etc/ppp/resolv.conf: 192.0.2.53"
		else
			R $c.usepeerdns fail "$(cat /etc/ppp/resolv.conf 2>&1)"
		fi
	fi
	if [ $c = c ]; then
		if grep -q 'MPPE 128-bit stateless compression enabled' $d/syslog.log; then
			R c.kernel_mppe ok "pppd: MPPE 128-bit stateless enabled"
		else
			R c.kernel_mppe fail "no MPPE in pppd's log"
		fi
	fi
	rc=$(key_source $c $d/syslog.log)
	if [ "$rc" = plugin ]; then
		R $c.key_source ok "$rc"
	else
		R $c.key_source fail "$rc (expected plugin)"
	fi
	spid=$(pidof sstpc)
	echo "@@T $c.session $(dt "$t0")"
	t0=$(up)
	if [ $c = b ] || [ $c = h ]; then
		kill -TERM $ppid
	else
		kill -TERM $spid
	fi
	if wait_gone 15 $ppid; then
		wait $ppid
		rc=$?
		if [ $c != h ] || [ $rc = 5 ]; then
			R $c.pppd_exit ok "pppd exit status $rc"
		else
			R $c.pppd_exit fail "pppd exit status $rc after SIGTERM (pppd(8): 5)"
		fi
	else
		R $c.pppd_exit fail "pppd still running 15 s after SIGTERM"
		kill -KILL $ppid
	fi
	if [ -z "$spid" ]; then
		R $c.sstpc_exit fail "sstpc was not running"
	elif wait_gone 15 $spid; then
		rc=$(sed -n 's/.*exit status \([0-9]*\).*/\1/p' $d/syslog.log | tail -1)
		if [ $c != h ] || [ "$rc" = 10 ]; then
			R $c.sstpc_exit ok "sstpc gone, logged exit status ${rc:-?}"
		else
			R $c.sstpc_exit fail "sstpc logged exit status ${rc:-none} (sstpc(8): 10, pppd's SIGTERM)"
		fi
	else
		R $c.sstpc_exit fail "sstpc still running 15 s after SIGTERM"
		kill -KILL $spid
	fi
	echo "@@T $c.teardown $(dt "$t0")"
	teardown_checks $c
	sleep 0.2
	kill $sl
	cp /etc/ppp/resolv.conf $d/resolv.conf 2>/dev/null
	rm -f /etc/ppp/resolv.conf
	ps >$d/ps.txt
	dump $c
}

# Case i: Debian's sstp-client 1.0.18 (/opt/sstp-1018: its sstpc and its
# own plugin, by absolute path) in NetworkManager's way against sstpd: pppd
# pty "sstpc --nolaunchpppd ...", the MPPE keys from 1.0.18's plugin over
# its sstp-api socket.  SIGTERM to pppd.
case_ref() {
	local c=$1 d=/tmp/$1 t0 ppid spid rc sl e0 r=/opt/sstp-1018
	mkdir -p $d
	relay $c || return
	syslogd -n -S -O $d/syslog.log &
	sl=$!
	e0=$(echo_replies)
	t0=$(up)
	pppd pty "$r/sstpc --log-level 4 --nolaunchpppd --ipparam $IPP --ca-cert $T/ca.pem localhost" \
	    debug ipparam $IPP nodetach lock usepeerdns noipdefault noipv6 \
	    nodefaultroute noauth user "$(cat $T/user)" remotename localhost \
	    mtu 1400 lcp-echo-failure 0 lcp-echo-interval 0 \
	    plugin $r/sstp-pppd-plugin.so sstp-sock /var/run/sstpc/sstpc-$IPP \
	    >$d/pppd.out 2>&1 </dev/null &
	ppid=$!
	if wait_link $c "$t0" 60 $ppid; then
		traffic $c 1400
		host_pings $c "$e0"
	fi
	spid=$(pidof sstpc)
	echo "@@T $c.session $(dt "$t0")"
	t0=$(up)
	kill -TERM $ppid
	if wait_gone 15 $ppid; then
		wait $ppid
		rc=$?
		# XX: 1.0.18 takes the group's SIGTERM and may close first:
		# pppd then sees the hangup (16) rather than its own end (5)
		if [ $rc = 5 ] || [ $rc = 16 ]; then
			R $c.pppd_exit ok "pppd exit status $rc"
		else
			R $c.pppd_exit fail "pppd exit status $rc after SIGTERM (pppd(8): 5, or 16 when 1.0.18 hung up first)"
		fi
	else
		R $c.pppd_exit fail "pppd still running 15 s after SIGTERM"
		kill -KILL $ppid
	fi
	if [ -z "$spid" ]; then
		R $c.sstpc_exit fail "1.0.18's sstpc was not running"
	elif wait_gone 15 $spid; then
		R $c.sstpc_exit ok "1.0.18's sstpc gone"
	else
		R $c.sstpc_exit fail "1.0.18's sstpc still running 15 s after SIGTERM"
		kill -KILL $spid
	fi
	echo "@@T $c.teardown $(dt "$t0")"
	teardown_checks $c
	sleep 0.2
	kill $sl
	rm -f /etc/ppp/resolv.conf
	ps >$d/ps.txt
	dump $c
}

# Case f: launch mode, the connection refused before the Call Connect Ack.
# sstpc forks pppd's process early but lets it exec pppd only after the Ack,
# so sstpc's line is all the user sees: no pppd usage text about a pty that
# sstpc has already hung up.
case_early() {
	local c=$1 d=/tmp/$1 rc n
	mkdir -p $d
	sstpc --log-stderr --ca-cert $T/ca.pem --user "$(cat $T/user)" \
	    --password-fd 5 127.0.0.1:1 -- noauth refuse-eap noipdefault \
	    nodefaultroute 5<$T/password >$d/out 2>$d/err </dev/null
	rc=$?
	if [ $rc = 3 ]; then
		R $c.sstpc_exit ok "exit status 3"
	else
		R $c.sstpc_exit fail "exit status $rc (sstpc(8): 3)"
	fi
	n=$(wc -l <$d/err)
	if [ "$n" = 1 ] && grep -q '^sstpc: cannot connect to 127.0.0.1 port 1' $d/err &&
	    [ ! -s $d/out ]; then
		R $c.stderr_one_line ok "$(cat $d/err)"
	else
		R $c.stderr_one_line fail "$n lines: $(head -c 240 $d/err | tr '\n' '|')"
	fi
	if pidof pppd >/dev/null; then
		R $c.no_pppd fail "pppd still running: $(pidof pppd)"
		kill -KILL $(pidof pppd)
	else
		R $c.no_pppd ok
	fi
	dump $c
}

for c in $(cat $T/cases); do
	echo "@@C $c $(up)"
	case $c in
	a|d|e|g) case_launch $c ;;
	b|c|h) case_nm $c ;;
	i) case_ref $c ;;
	f) case_early $c ;;
	esac
	# the relay has exited with its connection; make sure
	for p in $(pidof socat); do kill "$p"; done 2>/dev/null
done
echo "@@END $(up)"
sync
poweroff -f
