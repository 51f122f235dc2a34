#!/usr/bin/env bash
# tests/integration/tier-vpnc-script.sh - --script with the stock
# vpnc-script (Debian vpnc-scripts, installed with apt-get when missing):
# src/sys/script.c's environment, run through tests/integration/
# script-driver.c, must make the real script set the address, the routes
# and DNS on "connect" and remove all of it on "disconnect".
#
# Everything runs in a private network and mount namespace (unshare -n -m):
# a TUN "vpn0", a veth "up0" 192.0.2.162/27 with the default route via
# 192.0.2.161, the server 192.0.2.200; /etc/resolv.conf and /run/vpnc are
# private (a bind mount and a tmpfs), so the host's DNS and files are
# never touched.  The script finds neither resolvconf nor systemd-resolved
# there and writes /etc/resolv.conf itself (modify_resolvconf_generic).
# Needs root.  Environment: BUILD (the build directory), KEEP=1.
set -u
VPNC_SCRIPT=/usr/share/vpnc-scripts/vpnc-script
if [ "$(id -u)" -ne 0 ]; then
	echo "tier-vpnc-script: needs root"
	exit 77
fi
if [ "${TIER_VPNC_INNER:-}" != 1 ]; then
	if [ ! -x "$VPNC_SCRIPT" ]; then
		echo "tier-vpnc-script: installing vpnc-scripts"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null 2>&1 || true
		apt-get install -y -qq --no-install-recommends vpnc-scripts \
		    >/dev/null || { echo "tier-vpnc-script: apt-get install failed"; exit 77; }
	fi
	command -v unshare >/dev/null || { echo "tier-vpnc-script: no unshare"; exit 77; }
	TIER_VPNC_INNER=1 exec unshare --net --mount --propagation private \
	    bash "$0" "$@"
fi

. "$(dirname "$0")/lib.sh"
TIER_NAME=vpnc-script
BUILD=${BUILD:-$(dirname "$SSTPC")}
DRIVER="$WORK/script-driver"
if ! cc -O2 -g -I"$BUILD" -I"$TOP/src" -I"$TOP/include" -o "$DRIVER" \
    "$TOP/tests/integration/script-driver.c" "$TOP/src/sys/script.c" \
    "$BUILD/libsstpcore.a" 2>"$WORK/driver.err"; then
	cat "$WORK/driver.err"
	fail driver-build "script-driver does not build"
	finish
	exit
fi

# --- the namespace: private resolv.conf and /run/vpnc, TUN, veth ----------
printf 'nameserver 192.0.2.183\nsearch example.org\n' >"$WORK/resolv.conf"
cp "$WORK/resolv.conf" "$WORK/resolv.orig"
mount --bind "$WORK/resolv.conf" /etc/resolv.conf || { echo "bind mount failed"; exit 1; }
mkdir -p /run/vpnc && mount -t tmpfs tmpfs /run/vpnc || { echo "tmpfs failed"; exit 1; }
ip link set lo up
ip tuntap add dev vpn0 mode tun
ip link add up0 type veth peer name up0p
ip link set up0 addrgenmode none
ip link set up0p addrgenmode none
ip addr add 192.0.2.162/27 dev up0
ip link set up0 up
ip link set up0p up
ip route add default via 192.0.2.161

snapshot() {
	# The stock script leaves the MTU it set (it only sets the link down).
	ip -o link show dev vpn0 | sed 's/qdisc [^ ]* //; s/state [A-Z]* //; s/mtu [0-9]* //'
	ip -o addr show dev vpn0
	ip -4 route show table all
	ip -6 route show table all
	cat /etc/resolv.conf
}

drive() {	# REASON [extra driver args]
	local reason=$1
	shift
	"$DRIVER" "$VPNC_SCRIPT" "$reason" vpn0 192.0.2.200 192.0.2.2 \
	    192.0.2.1 192.0.2.53 192.0.2.54 "$@" >"$CASE_DIR/$reason.out" 2>&1
}

CASE_DIR="$WORK/split"; mkdir -p "$CASE_DIR"
before=$(snapshot)
drive pre-init
expect '[ $? -eq 0 ]' "pre-init failed: $(cat "$CASE_DIR/pre-init.out")"
drive connect 192.0.2.128/28 2001:db8:7::/48
expect '[ $? -eq 0 ]' "connect failed: $(cat "$CASE_DIR/connect.out")"
during=$(snapshot)
echo "$during" >"$CASE_DIR/during"
expect 'ip -o -4 addr show dev vpn0 | grep -q "inet 192.0.2.2/32"' "no address: $during"
expect 'ip -o link show dev vpn0 | grep -q "mtu 1400"' "MTU not 1400"
expect 'ip route show 192.0.2.128/28 | grep -q "dev vpn0"' "no --route 192.0.2.128/28"
expect 'ip route show 192.0.2.1 | grep -q "dev vpn0"' "no host route to the peer"
expect 'ip -6 route show 2001:db8:7::/48 | grep -q "dev vpn0"' "no IPv6 --route"
expect 'ip route show default | grep -q "via 192.0.2.161 dev up0"' "the default route moved without --defaultroute"
expect '! ip route show | grep -q "^default dev vpn0"' "a default route into the tunnel without --defaultroute"
expect 'grep -q "^nameserver 192.0.2.53" /etc/resolv.conf' "DNS 1 not in resolv.conf: $(cat /etc/resolv.conf)"
expect 'grep -q "^nameserver 192.0.2.54" /etc/resolv.conf' "DNS 2 not in resolv.conf"
expect '! grep -q "^nameserver 192.0.2.183" /etc/resolv.conf' "the old nameserver is still there"
drive disconnect 192.0.2.128/28 2001:db8:7::/48
expect '[ $? -eq 0 ]' "disconnect failed: $(cat "$CASE_DIR/disconnect.out")"
after=$(snapshot)
expect '[ "$after" = "$before" ]' "left behind: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
expect 'cmp -s /etc/resolv.conf "$WORK/resolv.orig"' "resolv.conf not restored: $(cat /etc/resolv.conf)"
verdict "split routes (--route v4 + v6), DNS: set on connect, gone after disconnect"

CASE_DIR="$WORK/default"; mkdir -p "$CASE_DIR"
before=$(snapshot)
drive connect defaultroute
expect '[ $? -eq 0 ]' "connect failed: $(cat "$CASE_DIR/connect.out")"
during=$(snapshot)
expect 'ip route show default | grep -q "dev vpn0"' "--defaultroute: default not into the tunnel: $during"
expect 'ip route show 192.0.2.200 | grep -q "via 192.0.2.161 dev up0"' "no host route to the server via the old gateway: $during"
expect 'ip route get 192.0.2.250 | grep -q "dev vpn0"' "traffic does not go into the tunnel"
expect 'ip route get 192.0.2.200 | grep -q "dev up0"' "the server is not reached the old way"
drive disconnect defaultroute
expect '[ $? -eq 0 ]' "disconnect failed: $(cat "$CASE_DIR/disconnect.out")"
after=$(snapshot)
expect '[ "$after" = "$before" ]' "left behind: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
verdict "--defaultroute: default into the tunnel, server via the old gateway, restored"

CASE_DIR="$WORK/fail"; mkdir -p "$CASE_DIR"
printf '#!/bin/sh\necho "refusing $reason" >&2\nexit 4\n' >"$WORK/bad-script"
chmod 755 "$WORK/bad-script"
"$DRIVER" "$WORK/bad-script" connect vpn0 192.0.2.200 192.0.2.2 - - - \
    >"$CASE_DIR/out" 2>&1
RC=$?
expect '[ $RC -eq 1 ]' "a failing script was not reported (rc $RC)"
expect 'grep -q "connect: exit status 4" "$CASE_DIR/out"' "no exit status: $(cat "$CASE_DIR/out")"
verdict "a failing script: its exit status is reported"
finish
