#!/bin/sh
# shellcheck shell=dash
# tests/qemu/guest-init-sstpd.sh - /init of the sstpd qemu guest (busybox
# sh, PID 1), for tests/integration/tier-sstpd-qemu.sh: the qemu tier turned
# around.  sstpd runs HERE with its pppd backend (--pppd): per session
# Debian's real pppd on a pty with kernel PPP (ppp0), authenticating the
# client with /etc/ppp/chap-secrets, the project's plugin reporting pppd's
# MPPE keys to sstpd for the crypto binding.  The client (sstpc --tun) runs
# on the host.
#
# Paths: each case has a virtio-serial port sstp.CASE, connected on the host
# to a relay the case's client connects to; on the host's "go CASE" this
# script connects the port to sstpd's 127.0.0.1:443 with socat.  The host
# talks to the script through the port "ctl" (one word a line); the script
# answers on the serial console:
#   @@S NAME                     a sync point the host waits for
#   @@R CHECK ok|fail DETAIL     one check
#   @@T NAME SECONDS             a timing (guest uptime based)
#   @@F CASE/FILE LINE           a line of a log file, for the host's copy
#   @@END                        all done (then power off)
# Cases (the host drives the client side):
#   a  login; the host pings, then stops its client (SIGTERM)
#   b  login; the host pings, then sstpd --disconnect ID ends it here
#   c  a wrong password: pppd refuses, sstpd ends the session
#   d  login; the host pings, then pppd gets SIGTERM here (pppd ends it)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
T=/etc/sstpc-test
LOG=/tmp/sstpd.log
PLOG=/tmp/pppd.log
CTL=/run/sstpd.sock

R() { echo "@@R $1 $2 ${3:-}"; }
S() { echo "@@S $1"; }
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
mkdir -p /var/lock
ln -s /proc/self/fd /dev/fd
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

# zombies: "PID COMM" of each zombie child of sstpd (none expected)
zombies() {
	local d
	for d in /proc/[0-9]*; do
		grep -q "^PPid:[[:space:]]*$SPID\$" "$d/status" 2>/dev/null &&
		    grep -q '^State:.*Z' "$d/status" 2>/dev/null &&
		    echo "${d#/proc/} $(cat "$d/comm" 2>/dev/null)"
	done
}

# --- sstpd -------------------------------------------------------------------
CTLDEV=$(vport ctl)
[ -n "$CTLDEV" ] || R guest.ctl fail "no port ctl"
exec 3<"$CTLDEV"
sstpd --listen 127.0.0.1:443 --cert /etc/sstpd/cert.pem \
    --key /etc/sstpd/key.pem --pool 192.0.2.0/24 --pppd \
    --pppd-options /etc/sstpd/pppd-options \
    --plugin "$(cat $T/plugin)" --control $CTL -d \
    >/tmp/sstpd.out 2>$LOG </dev/null &
SPID=$!
i=0
while ! grep -q 'sstpd ready' $LOG 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $SPID 2>/dev/null; then
		R guest.sstpd fail "not ready: $(tail -3 $LOG | tr '\n' '|')"
		break
	fi
	sleep 0.1
done
grep -q 'sstpd ready' $LOG && R guest.sstpd ok "listening on 127.0.0.1:443 (--pppd)"

# ctl WORD [SECONDS]: wait for the host's line WORD on the ctl port
ctl() {
	local n=$((${2:-120} * 10)) l
	while [ $n -gt 0 ]; do
		if read -r l <&3; then
			[ "$l" = "$1" ] && return 0
			continue
		fi
		n=$((n - 1))
		sleep 0.1
	done
	R guest.ctl fail "no '$1' from the host"
	return 1
}

# new_lines N0: the log's lines after line N0 (this case's)
new_lines() { tail -n +$(($1 + 1)) $LOG; }

# sid N0: the id of the case's session (the first one started after N0)
sid() {
	new_lines "$1" | sed -n 's/.*session \([0-9a-f]*\): start client=.*/\1/p' |
	    head -1
}

# wait_log N0 REGEX SECONDS: REGEX in the case's lines of sstpd's log
wait_log() {
	local n=$(($3 * 10))
	while [ $n -gt 0 ]; do
		new_lines "$1" | grep -Eq -- "$2" && return 0
		n=$((n - 1))
		sleep 0.1
	done
	return 1
}

# wait_link C SECONDS: ppp0 carries 192.0.2.1 (sstpd's --local, the pool's
# first) with the peer address sstpd took from its pool for the session;
# "@@P C ADDR" tells the host, which checks its sstp0 has ADDR
wait_link() {
	local c=$1 n=$(($2 * 10)) a='' pa
	pa=$(new_lines "$3" | sed -n 's/.*pppd argv\[[0-9]*\] = 192\.0\.2\.1:\(192\.0\.2\.[0-9]*\)$/\1/p' | head -1)
	while [ -n "$pa" ] && [ $n -gt 0 ]; do
		a=$(ip -4 addr show dev ppp0 2>/dev/null | grep ' inet ')
		case $a in
		*" inet 192.0.2.1 peer $pa/32 "*)
			R "$c.ppp0_address" ok "192.0.2.1 peer $pa/32 (sstpd's pool)"
			echo "@@P $c $pa"
			return 0 ;;
		esac
		# the session ended (the binding refused, ...): no waiting
		new_lines "$3" | grep -q ': end user=' && break
		n=$((n - 1))
		sleep 0.1
	done
	R "$c.ppp0_address" fail "after $2 s: want 192.0.2.1 peer '$pa': ${a:-no IPv4 address}: $(ip link show ppp0 2>&1 | head -1)"
	return 1
}

# login_checks C N0: the session is up with a verified crypto binding
login_checks() {
	local c=$1 n0=$2 s
	s=$(sid "$n0")
	if new_lines "$n0" | grep -q "session $s: pppd (pid [0-9]*) on /dev/pts/"; then
		R "$c.pppd_spawned" ok "$(new_lines "$n0" | grep -o 'pppd (pid [0-9]*) on [^ ]*' | head -1)"
	else
		R "$c.pppd_spawned" fail "no pppd line for session '$s'"
	fi
	if new_lines "$n0" | grep -q "PPP authentication done (MPPE keys from pppd's plugin)"; then
		R "$c.plugin_keys" ok "MPPE keys from pppd's plugin"
	else
		R "$c.plugin_keys" fail "$(new_lines "$n0" | grep -E 'PPP keys|authentication done|plugin' | head -2 | tr '\n' '|')"
	fi
	if new_lines "$n0" | grep -q 'sstp: crypto binding verified (SHA256)' &&
	    new_lines "$n0" | grep -q "session $s: call connected"; then
		R "$c.binding_verified" ok "Compound MAC verified over pppd's keys, call connected"
	else
		R "$c.binding_verified" fail "$(new_lines "$n0" | grep -E 'binding|abort|Abort|end ' | head -3 | tr '\n' '|')"
	fi
	wait_link "$c" 30 "$n0"
	if grep -q '^sent \[CHAP Success id=0x[0-9a-f]* "S=[0-9A-F]\{40\} ' $PLOG 2>/dev/null &&
	    grep -q '^peer from calling number 127\.0\.0\.1 authorized' $PLOG; then
		R "$c.pppd_auth" ok "pppd: MS-CHAPv2 Success from chap-secrets, remotenumber 127.0.0.1"
	else
		R "$c.pppd_auth" fail "$(grep -i 'auth\|chap' $PLOG 2>/dev/null | tail -2 | tr '\n' '|')"
	fi
}

# end_checks C N0 PID REASON-REGEX: pppd gone and reaped, the end line
end_checks() {
	local c=$1 n0=$2 p=$3 why=$4 s z
	s=$(sid "$n0")
	if [ -z "$p" ]; then
		R "$c.pppd_gone" fail "pppd was not running"
	elif wait_gone 15 "$p"; then
		R "$c.pppd_gone" ok "pppd $p gone"
	else
		R "$c.pppd_gone" fail "pppd $p still running 15 s on"
	fi
	sleep 0.2
	z=$(zombies)
	if [ -z "$z" ] && ! pidof pppd >/dev/null; then
		R "$c.no_zombie" ok "no pppd process, no zombie"
	else
		R "$c.no_zombie" fail "zombies: ${z:-none}; pppd: $(pidof pppd)"
	fi
	if wait_log "$n0" "session $s: end .*$why" 10; then
		R "$c.end_line" ok "$(new_lines "$n0" | grep "session $s: end " | sed 's/.*reason: /reason: /')"
	else
		R "$c.end_line" fail "$(new_lines "$n0" | grep "session $s: end " | cut -c1-200)"
	fi
	if ip link show ppp0 >/dev/null 2>&1; then
		R "$c.ppp0_removed" fail "ppp0 still present"
	else
		R "$c.ppp0_removed" ok
	fi
}

# dump C N0: the case's log lines to the console
dump() {
	new_lines "$2" | sed "s|^|@@F $1/sstpd.log |"
	[ -f $PLOG ] && sed "s|^|@@F $1/pppd.log |" $PLOG
	rm -f $PLOG
}

# one_case C: the guest's side of case C
one_case() {
	local c=$1 n0 t0 p s dev out
	n0=$(wc -l <$LOG)
	dev=$(vport "sstp.$c") || { R "$c.relay" fail "no port sstp.$c"; S "$c.ready"; return; }
	socat "OPEN:$dev" TCP:127.0.0.1:443 2>/tmp/socat.$c.err &
	t0=$(up)
	S "$c.ready"
	if [ $c = c ]; then
		ctl c.down 90
		p=$(new_lines "$n0" | sed -n 's/.*: pppd (pid \([0-9]*\)) on .*/\1/p' | head -1)
		s=$(sid "$n0")
		# pppd(8): 11 = the peer failed to authenticate to us; or 5 when
		# the client's Call Disconnect (sent on pppd's CHAP Failure)
		# outran that exit and sstpd stopped pppd with SIGTERM: a race
		# the end line's reason does not depend on (checked below)
		if wait_log "$n0" "session $s: pppd \(pid $p\) exit status (11 |5 \(terminated by signal\))" 15; then
			R c.pppd_exit ok "$(new_lines "$n0" | grep -Eo 'pppd \(pid [0-9]*\) exit status (11|5) [^)]*\)' | head -1)"
		else
			R c.pppd_exit fail "$(new_lines "$n0" | grep -E 'pppd exited|end ' | head -2 | tr '\n' '|')"
		fi
		if new_lines "$n0" | grep -q "session $s: call connected"; then
			R c.no_call_connected fail "call connected with a wrong password"
		else
			R c.no_call_connected ok
		fi
		if grep -q '^Peer alice failed CHAP authentication' $PLOG 2>/dev/null; then
			R c.pppd_refused ok "pppd: Peer alice failed CHAP authentication"
		else
			R c.pppd_refused fail "$(grep -i 'chap\|auth' $PLOG 2>/dev/null | tail -2 | tr '\n' '|')"
		fi
		end_checks c "$n0" "$p" 'address=- .*reason: authentication failed: pppd refused the login \(pppd exited: exit status (11 \(peer failed to authenticate\)|5 \(terminated by signal\))\)$'
		dump c "$n0"
		S c.done
		return
	fi
	if ! wait_log "$n0" 'call connected|end ' 60; then
		R "$c.login" fail "no call connected within 60 s"
	fi
	echo "@@T $c.login $(dt "$t0")"
	p=$(pidof pppd)
	login_checks $c "$n0"
	# the end line names the client's address
	ADDR_RE="address=$(new_lines "$n0" | sed -n 's/.*pppd argv\[[0-9]*\] = 192\.0\.2\.1:\(192\.0\.2\.[0-9]*\)$/\1/p' | head -1) .*reason: "
	S "$c.up"
	ctl "$c.pinged" 90
	grep ppp0 /proc/net/dev >/tmp/netdev.$c
	t0=$(up)
	case $c in
	a)	ctl a.down 60
		end_checks a "$n0" "$p" "$ADDR_RE"'client disconnected the call$' ;;
	b)	s=$(sid "$n0")
		out=$(sstpd --list --control $CTL 2>&1)
		if echo "$out" | grep -q "^$s .* $(echo "$ADDR_RE" | sed 's/address=\([^ ]*\) .*/\1/') "; then
			R b.list ok "session $s listed with its address"
		else
			R b.list fail "$(echo "$out" | head -3 | tr '\n' '|')"
		fi
		sstpd --disconnect "$s" --control $CTL >/tmp/disc.out 2>&1
		R b.disconnect_cmd "$([ $? = 0 ] && echo ok || echo fail)" "$(head -1 /tmp/disc.out)"
		end_checks b "$n0" "$p" "$ADDR_RE"'disconnected by the operator$' ;;
	d)	kill -TERM "$p"
		end_checks d "$n0" "$p" "$ADDR_RE"'pppd exited: exit status 5 ' ;;
	esac
	echo "@@T $c.teardown $(dt "$t0")"
	dump $c "$n0"
	S "$c.done"
}

for c in $(cat $T/cases); do
	echo "@@C $c $(up)"
	ctl "go $c" 120 || break
	one_case $c
	for p in $(pidof socat); do kill "$p"; done 2>/dev/null
done
kill -TERM $SPID
if wait_gone 10 $SPID; then
	wait $SPID
	R guest.sstpd_exit "$([ $? = 0 ] && echo ok || echo fail)" "sstpd exit status after SIGTERM"
else
	R guest.sstpd_exit fail "sstpd still running 10 s after SIGTERM"
fi
sed "s|^|@@F guest/sstpd.log |" $LOG
echo "@@END $(up)"
sync
poweroff -f
