#!/usr/bin/env bash
# tests/integration/tier-sstpd-qemu.sh - sstpd's pppd backend with real pppd
# and kernel PPP: tier 4 (tier4-qemu.sh) turned around.
#
# sstpd runs in the qemu guest (Debian's kernel under TCG, no network card,
# the image of tests/qemu/build-image.sh, cached) with --pppd: per session
# Debian's real pppd on a pty with kernel PPP, authenticating the client
# against /etc/ppp/chap-secrets (require-mschap-v2), the project's plugin
# reporting pppd's MPPE keys to sstpd, which verifies the client's Compound
# MAC with them.  The client is sstpc --tun on the host, in a network
# namespace of its own (unshare -n: its TUN, qemu's sockets and the relays
# never touch the host's network).
#
# The stream: sstpc -> 127.0.0.1:A -> a socat relay -> 127.0.0.1:B, which
# is the qemu chardev (a TCP client of the relay) of the virtio-serial port
# sstp.CASE -> in the guest, socat from the port to sstpd's 127.0.0.1:443.
# The host drives the guest through the virtio-serial port "ctl" (a qemu
# pipe chardev: the host writes lines into ctl.in); the guest answers on
# the serial console (tests/qemu/guest-init-sstpd.sh lists the lines).
# One guest boot for all cases:
#   a  login (MS-CHAPv2, pppd + chap-secrets + plugin keys, binding
#      verified), ppp0 in the guest has the pool's addresses, pings from
#      the host through the tunnel to pppd's local address; SIGTERM to
#      sstpc: exit 10, pppd gone, no zombie.
#   b  like a, then `sstpd --disconnect ID` in the guest: sstpc exits 8
#      (server's Call Disconnect), pppd gone, no zombie.
#   c  a wrong password: pppd refuses (CHAP Failure, exit 11 -- or 5 when
#      the client's Call Disconnect outruns that exit and sstpd stops it),
#      sstpd ends the session with "authentication failed: pppd refused the
#      login" (it saw pppd's Failure) and reaps it; sstpc exits 7.
#   d  like a, then SIGTERM to pppd in the guest: pppd ends the link,
#      sstpd ends the session, sstpc exits.
# Environment: SSTPC (sstpd and the plugin are taken next to it), SSTPD,
# SSTP_PLUGIN, SSTPC_TEST_CACHE, QEMU, QEMU_ACCEL (tcg), QEMU_TIMEOUT (s,
# default 240), CASES ("a b c d"), KEEP=1.
# Needs root (TUN, network namespace); exit 77 outside CI when a
# prerequisite is missing.
IN_CI=0
[ "${CI:-}" = true ] && IN_CI=1
if [ -z "${SSTPD_QEMU_NETNS:-}" ]; then
	if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
		echo "SKIP tier-sstpd-qemu: needs root and /dev/net/tun"
		[ $IN_CI = 1 ] && exit 1
		exit 77
	fi
	export SSTPD_QEMU_NETNS=1
	exec unshare -n bash "$0" "$@"
fi
ip link set lo up
TIER_NAME=tier-sstpd-qemu
. "$(dirname "$0")/lib.sh"

QDIR="$TOP/tests/qemu"
QEMU=${QEMU:-qemu-system-x86_64}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-240}
QEMU_ACCEL=${QEMU_ACCEL:-tcg}
CASES=${CASES:-a b c d}
SSTPD=${SSTPD:-$(dirname "$SSTPC")/sstpd}
PIDS=()
QPID=
CPID=

stop_all() {
	local p
	[ -n "$CPID" ] && kill -KILL "$CPID" 2>/dev/null
	[ -n "$QPID" ] && kill -KILL "$QPID" 2>/dev/null
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	PIDS=()
	QPID= CPID=
}
trap 'stop_all; cleanup' EXIT

# unavailable WHAT: a prerequisite is missing: skip outside CI, fail in CI
unavailable() {
	if [ $IN_CI = 1 ]; then
		fail "prerequisites" "$1"
		finish
		exit 1
	fi
	echo "SKIP $TIER_NAME: $1"
	exit 77
}

if ! command -v "$QEMU" >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends qemu-system-x86 >/dev/null 2>&1
fi
command -v "$QEMU" >/dev/null 2>&1 ||
    unavailable "$QEMU not found (apt-get install qemu-system-x86)"
command -v socat >/dev/null 2>&1 || unavailable "socat not found"
[ -x "$SSTPC" ] || unavailable "sstpc not built at $SSTPC (set SSTPC)"
[ -x "$SSTPD" ] || unavailable "sstpd not built at $SSTPD (set SSTPD)"
PLUGIN=${SSTP_PLUGIN:-}
if [ -z "$PLUGIN" ]; then
	b=$(dirname "$SSTPC")
	for p in "$b/plugin/.libs/sstp-pppd-plugin.so" "$b/.libs/sstp-pppd-plugin.so"; do
		[ -f "$p" ] && { PLUGIN=$p; break; }
	done
fi
[ -n "$PLUGIN" ] || unavailable "sstp-pppd-plugin.so not built (set SSTP_PLUGIN)"

# --- kernel and base initramfs (cached, shared with tier 4) --------------------
t_build0=$(date +%s%N)
"$QDIR/build-image.sh" >"$WORK/image.env" 2>"$WORK/image.err"
rc=$?
if [ $rc = 77 ]; then
	unavailable "$(tail -1 "$WORK/image.err")"
elif [ $rc != 0 ]; then
	cat "$WORK/image.err" >&2
	fail "image" "build-image.sh exit $rc"
	finish
	exit 1
fi
. "$WORK/image.env"
t_build=$(( ($(date +%s%N) - t_build0) / 1000000 ))

# --- per-run overlay: sstpd, the plugin, certificate, pppd's files, init ------
OV="$WORK/overlay"
GPLUGIN="/usr/lib/pppd/$QEMU_PPPD_VERSION/sstp-pppd-plugin.so"
mkdir -p "$OV/usr/sbin" "$OV/etc/sstpc-test" "$OV/etc/ppp" "$OV/etc/sstpd" \
    "$OV$(dirname "$GPLUGIN")"
copy_libs() {
	local f=$1 l
	for l in $(ldd "$f" 2>/dev/null |
	    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$OV$(dirname "$l")" && cp -L "$l" "$OV$l" || return 1
	done
}
{ cp "$SSTPD" "$OV/usr/sbin/sstpd" && copy_libs "$SSTPD" &&
    cp "$PLUGIN" "$OV$GPLUGIN" && copy_libs "$PLUGIN"; } ||
    { fail "overlay" "cannot copy sstpd or the plugin"; finish; exit 1; }
printf '%s\n' "$GPLUGIN" >"$OV/etc/sstpc-test/plugin"
cp "$QDIR/guest-init-sstpd.sh" "$OV/init" && chmod 755 "$OV/init"
cp "$PKI/valid.pem" "$OV/etc/sstpd/cert.pem"
cp "$PKI/valid.key" "$OV/etc/sstpd/key.pem"
chmod 600 "$OV/etc/sstpd/key.pem"
echo $CASES >"$OV/etc/sstpc-test/cases"
# pppd authenticates the client (sstpd adds "auth" and the addresses)
cat >"$OV/etc/sstpd/pppd-options" <<'EOF'
require-mschap-v2
refuse-pap
refuse-chap
refuse-mschap
refuse-eap
ms-dns 192.0.2.53
mtu 1400
mru 1400
lcp-echo-interval 0
debug
logfile /tmp/pppd.log
EOF
# chap-secrets: quote the password, escaping \ and "
qpass=$(printf '%s' "$TPASS" | sed 's/[\\"]/\\&/g')
printf '%s * "%s" *\n' "$TUSER" "$qpass" >"$OV/etc/ppp/chap-secrets"
chmod 600 "$OV/etc/ppp/chap-secrets"
printf '127.0.0.1 localhost\n' >"$OV/etc/hosts"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$OV/etc/passwd"
printf 'root:x:0:\ntty:x:5:\n' >"$OV/etc/group"
(cd "$OV" && find . | LC_ALL=C sort |
    "$QEMU_BUSYBOX" cpio -o -H newc -R 0:0 >"$WORK/overlay.cpio" 2>/dev/null) ||
    { fail "overlay" "cpio"; finish; exit 1; }
cat "$QEMU_BASE_CPIO" "$WORK/overlay.cpio" >"$WORK/initrd.cpio"

PWFILE="$WORK/password"
printf '%s\n' "$TPASS" >"$PWFILE"
BADPW="$WORK/badpassword"
printf '%s\n' "not-$TPASS" >"$BADPW"
chmod 600 "$PWFILE" "$BADPW"

# --- relays: one per case (the namespace is ours: fixed ports) -----------------
chardevs=()
declare -A CDIR APORT
i=0
for c in $CASES; do
	new_case "$c"
	CDIR[$c]=$CASE_DIR
	APORT[$c]=$((20000 + i))
	socat "TCP-LISTEN:$((21000 + i)),bind=127.0.0.1,reuseaddr" \
	    "TCP-LISTEN:${APORT[$c]},bind=127.0.0.1,reuseaddr" \
	    2>"$CASE_DIR/relay.err" &
	PIDS+=($!)
	chardevs+=(-chardev "socket,id=s$c,host=127.0.0.1,port=$((21000 + i)),nodelay=on"
	    -device "virtserialport,bus=vser.0,chardev=s$c,name=sstp.$c")
	i=$((i + 1))
done
for p in $(seq $((21000 + i - 1)) -1 21000); do
	n=0
	until ss -ltn | grep -q "127.0.0.1:$p "; do
		n=$((n + 1)); [ $n -gt 50 ] && break; sleep 0.05
	done
done

# --- boot ------------------------------------------------------------------------
CON="$WORK/console.log"
mkfifo "$WORK/ctl.in" "$WORK/ctl.out"
: >"$CON"
t0=$(date +%s%N)
timeout -k 5 "$QEMU_TIMEOUT" "$QEMU" -accel "$QEMU_ACCEL" -cpu max -m 512 \
    -nodefaults -nic none -display none -no-reboot -monitor none \
    -chardev "file,id=con,path=$CON" -serial chardev:con \
    -kernel "$QEMU_KERNEL" -initrd "$WORK/initrd.cpio" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init" \
    -device virtio-serial-pci,id=vser "${chardevs[@]}" \
    -chardev "pipe,id=ctl,path=$WORK/ctl" \
    -device "virtserialport,bus=vser.0,chardev=ctl,name=ctl" \
    >"$WORK/qemu.out" 2>&1 &
QPID=$!
# open read-write: never blocks, and the guest never sees an end of file
exec 7<>"$WORK/ctl.in"

con() { tr -d '\r' <"$CON"; }
# sync NAME SECONDS: the guest printed "@@S NAME"
sync_on() {
	local n=$(($2 * 10))
	while [ $n -gt 0 ]; do
		con | grep -aqx "@@S $1" && return 0
		kill -0 "$QPID" 2>/dev/null || return 1
		n=$((n - 1))
		sleep 0.1
	done
	return 1
}
tell() { printf '%s\n' "$1" >&7; }

# client C PWFILE: sstpc --tun=sstp0 through the case's relay
client() {
	"$SSTPC" --tun=sstp0 --log-file "${CDIR[$1]}/sstpc.log" --log-level 3 \
	    --ca-cert "$PKI/ca.pem" --host localhost --user "$TUSER" \
	    --password-file "$2" "127.0.0.1:${APORT[$1]}" \
	    >"${CDIR[$1]}/sstpc.out" 2>"${CDIR[$1]}/sstpc.err" </dev/null &
	CPID=$!
}

# client_exit C SECONDS WANT: sstpc exits with WANT within SECONDS
client_exit() {
	local c=$1 n=$(($2 * 10)) want=$3 rc
	while [ $n -gt 0 ] && kill -0 "$CPID" 2>/dev/null; do
		n=$((n - 1))
		sleep 0.1
	done
	if kill -0 "$CPID" 2>/dev/null; then
		fail "$c.client_exit" "sstpc still running after $2 s"
		kill -KILL "$CPID"
		wait "$CPID" 2>/dev/null
	else
		wait "$CPID"
		rc=$?
		if [ "$rc" = "$want" ]; then
			pass "$c.client_exit (sstpc exit status $rc)"
		else
			fail "$c.client_exit" "sstpc exit status $rc, want $want"
		fi
	fi
	CPID=
}

# tun_up C SECONDS: sstp0 has an address of the pool with peer 192.0.2.1
# (TUN_ADDR)
tun_up() {
	local c=$1 n=$(($2 * 10)) a=''
	while [ $n -gt 0 ]; do
		a=$(ip -4 addr show dev sstp0 2>/dev/null | grep ' inet ')
		case $a in
		*" inet 192.0.2."*" peer 192.0.2.1/32 "*)
			TUN_ADDR=$(printf '%s\n' "$a" | sed -n 's/.* inet \(192\.0\.2\.[0-9]*\) .*/\1/p')
			pass "$c.client_tun (sstp0: $TUN_ADDR peer 192.0.2.1)"
			return 0 ;;
		esac
		kill -0 "$CPID" 2>/dev/null || break
		n=$((n - 1))
		sleep 0.1
	done
	fail "$c.client_tun" "${a:-no IPv4 address on sstp0}"
	return 1
}

# pings C: three pings and a full-MTU one to pppd's local address
pings() {
	local c=$1 out mtu
	out=$(ping -c 3 -i 0.3 -W 5 -I sstp0 192.0.2.1 2>&1)
	printf '%s\n' "$out" >"${CDIR[$c]}/ping.txt"
	if printf '%s\n' "$out" | grep -q '3 packets transmitted, 3 received'; then
		pass "$c.ping (to pppd's 192.0.2.1 in the guest: $(printf '%s\n' "$out" | tail -1))"
	else
		fail "$c.ping" "$(printf '%s\n' "$out" | grep -E 'transmitted|ping:' | head -2 | tr '\n' ' ')"
	fi
	mtu=$(ip link show sstp0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
	out=$(ping -c 1 -W 5 -M do -s $((mtu - 28)) -I sstp0 192.0.2.1 2>&1)
	printf '%s\n' "$out" >>"${CDIR[$c]}/ping.txt"
	if printf '%s\n' "$out" | grep -q '1 packets transmitted, 1 received'; then
		pass "$c.ping_full_mtu (mtu $mtu)"
	else
		fail "$c.ping_full_mtu" "mtu $mtu: $(printf '%s\n' "$out" | grep -E 'transmitted|ping:' | head -2 | tr '\n' ' ')"
	fi
}

for c in $CASES; do
	CASE_DIR=${CDIR[$c]}
	t_case0=$(date +%s%N)
	tell "go $c"
	if ! sync_on "$c.ready" 90; then
		fail "$c.ready" "the guest did not start case $c"
		break
	fi
	if [ "$c" = c ]; then
		client c "$BADPW"
		client_exit c 60 7
		if grep -q 'authentication' "$CASE_DIR/sstpc.log" 2>/dev/null; then
			pass "c.client_reason ($(grep -m1 -io '[^:]*authentication[^"]*' "$CASE_DIR/sstpc.log" | cut -c1-100))"
		else
			fail "c.client_reason" "no authentication failure in sstpc's log"
		fi
		tell c.down
	else
		client "$c" "$PWFILE"
		if tun_up "$c" 60 && sync_on "$c.up" 30; then
			g=$(con | sed -n "s/^@@P $c //p")
			if [ "$g" = "$TUN_ADDR" ]; then
				pass "$c.same_address (the guest's ppp0 peer is sstp0's $g)"
			else
				fail "$c.same_address" "guest ppp0 peer '$g', host sstp0 '$TUN_ADDR'"
			fi
			pings "$c"
		fi
		tell "$c.pinged"
		case $c in
		a)	sleep 0.2
			kill -TERM "$CPID"
			client_exit a 20 10
			tell a.down ;;
		b)	client_exit b 30 8 ;;
		d)	client_exit d 30 8 ;;
		esac
		if ip link show sstp0 >/dev/null 2>&1; then
			fail "$c.client_tun_removed" "sstp0 still present"
		else
			pass "$c.client_tun_removed"
		fi
	fi
	sync_on "$c.done" 60 || fail "$c.done" "the guest did not finish case $c"
	echo "time $c: $(( ($(date +%s%N) - t_case0) / 1000000 )) ms"
done
n=0
while kill -0 "$QPID" 2>/dev/null && [ $n -lt 300 ]; do
	n=$((n + 1)); sleep 0.1
done
kill -KILL "$QPID" 2>/dev/null
wait "$QPID" 2>/dev/null
qrc=$?
QPID=
t_qemu=$(( ($(date +%s%N) - t0) / 1000000 ))
con >"$WORK/console.txt"

# split the guest's log files into the case directories
while IFS= read -r line; do
	rest=${line#@@F }
	f=${rest%% *}
	c=${f%%/*}
	txt=${rest#"$f"}
	d=${CDIR[$c]:-$WORK/guest}
	mkdir -p "$d"
	printf '%s\n' "${txt# }" >>"$d/${f#*/}"
done < <(grep -a '^@@F ' "$WORK/console.txt")

if grep -aq '^@@END' "$WORK/console.txt"; then
	pass "guest.completed (qemu ${t_qemu} ms, exit $qrc)"
else
	fail "guest.completed" "no @@END on the console (qemu exit $qrc after ${t_qemu} ms)"
	echo "  --- console (tail)"
	grep -av '^@@F ' "$WORK/console.txt" | tail -25 | sed 's/^/  | /'
	sed 's/^/  | qemu: /' "$WORK/qemu.out" | tail -5
fi
# the guest's checks
while IFS= read -r line; do
	set -- $line
	name=$2 st=$3
	shift 3
	c=${name%%.*}
	CASE_DIR=${CDIR[$c]:-}
	if [ "$st" = ok ]; then
		pass "$name${*:+ ($*)}"
	else
		fail "$name" "$*"
		[ -n "$CASE_DIR" ] && [ -f "$CASE_DIR/sstpd.log" ] &&
		    tail -12 "$CASE_DIR/sstpd.log" | sed 's/^/  | sstpd: /'
	fi
done < <(grep -a '^@@R ' "$WORK/console.txt")

echo "timings: tier ${SECONDS} s, image ${t_build} ms, qemu ${t_qemu} ms; guest:" \
    "$(grep -a '^@@T ' "$WORK/console.txt" | cut -d' ' -f2- | tr ' ' '=' | tr '\n' ' ')"
finish
