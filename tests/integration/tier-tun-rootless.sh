#!/usr/bin/env bash
# tests/integration/tier-tun-rootless.sh - the built-in mode without root
# (issue 12, section 5 "Rootless and contained"), against the Python test
# server's TUN in the namespaces of lib-netns.sh, as tier-tun.sh does:
#
#   ping in NSC -> sstpr0 -> sstpc (uid nobody, no capability) -> TLS over
#     the veth -> sstp_server.py -> srv0 -> the server namespace's kernel
#
# Rootless cases: root prepares the client namespace beforehand, as an
# administrator would for a user: a persistent TUN owned by the user
# (`ip tuntap add dev sstpr0 mode tun user nobody`), its address 192.0.2.2
# peer 192.0.2.1, link up.  Then sstpc runs as nobody (setpriv --reuid
# --regid --clear-groups: no capability survives the switch from root) and
# attaches to it with --tun=sstpr0.  The user is the system's `nobody`
# (as plugin-test.sh uses it): no user is created.
#   rootless         connected (server: IPCP up), ping 192.0.2.1 through
#                    sstpr0, /proc/PID/status of sstpc: uid nobody, CapEff
#                    and CapPrm 0, no child; SIGTERM: exit 10, the summary
#                    line, sstpr0 still there (persistent, root's address
#                    kept: sstpc touched nothing it may not)
#   rootless-script  the same with --script running a logging script: it
#                    runs as nobody, `connect` with TUNDEV=sstpr0 and
#                    INTERNAL_IP4_ADDRESS=192.0.2.2, `disconnect` at the end
# Container cases: root with few capabilities (setpriv --bounding-set,
# inheritable none: no CAP_SYS_ADMIN, CAP_SYS_MODULE ...) in a mount
# namespace whose /dev is a fresh tmpfs with null, zero, random, urandom
# and net/tun only: no /dev/ppp, no pppd.
#   container        CAP_NET_ADMIN, CAP_SETUID, CAP_SETGID (what sstpc's
#                    privilege drop needs; a container's default set has
#                    them): sstpc --tun=sstp0 creates and configures sstp0
#                    itself (its monitor), drops to its user (CapEff 0),
#                    nothing has /dev/ppp open, ping through sstp0; SIGTERM:
#                    exit 10, the summary line, sstp0 gone
#   container-netadmin  CAP_NET_ADMIN alone: sstpc cannot switch users and
#                    fails closed: exit 1 "cannot drop privileges ... lacks
#                    CAP_SETUID/CAP_SETGID ... --allow-root" before TLS,
#                    sstp0 gone
#   container-netadmin-allow-root  CAP_NET_ADMIN alone and --allow-root:
#                    sstpc stays uid 0 with no capability (CapEff, CapPrm
#                    0), its monitor configures sstp0 (address, up), ping
#                    through sstp0; SIGTERM: exit 10, sstp0 gone
# Needs root, /dev/net/tun, ip netns, ping, setpriv and unshare
# (util-linux), the user nobody; exits 77 without them.
# Environment: SSTPC, JOBS (default 3), KEEP=1, CASES="name ...".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-netns.sh"
TIER_NAME=tier-tun-rootless

if ! why=$(netns_can_run); then
	echo "$TIER_NAME: cannot run: $why"
	exit 77
fi
for t in ping setpriv unshare; do
	command -v "$t" >/dev/null 2>&1 || { echo "$TIER_NAME: cannot run: no $t"; exit 77; }
done
RUSER=nobody
RGROUP=$(id -gn nobody 2>/dev/null) || { echo "$TIER_NAME: cannot run: no user nobody"; exit 77; }
# The user reaches its case directory (and only that) through WORK.
chmod 711 "$WORK"

# caps_of PID FIELD: the hex mask of FIELD (CapEff, CapPrm ...) of PID
caps_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null; }

# wait_connected: the server has IPCP up and sstpc said "call connected"
wait_connected() {
	wait_event 20 ipcp_up call_connected:binding=ok &&
		wait_file_re "$CASE_DIR/sstpc.log" 'SSTP call connected' 5
}

# ping_dev DEV: 3 pings to 192.0.2.1 through DEV from NSC
ping_dev() {
	in_c ping -n -c 3 -i 0.2 -W 2 -I "$1" "$TUN_SRV_IP" \
		>"$CASE_DIR/ping.out" 2>&1 && grep -q ' 3 received' "$CASE_DIR/ping.out"
}

# end_term: SIGTERM, exit 10 and the summary line
end_term() {
	kill -TERM "$SSTPC_PID" 2>/dev/null
	sstpc_wait 15
	expect '[ "$RC" = 10 ]' "exit $RC after SIGTERM, want 10"
	expect 'summary_line | grep -Eq "PPP [1-9][0-9]* bytes sent"' \
		"no session summary with bytes sent: $(summary_line)"
	expect 'wait_event 3 disconnect_received' "no Call Disconnect from sstpc"
}

# rootless_run [SSTPC OPTS...]: the prepared client namespace, sstpc as
# RUSER on sstpr0 in the background
rootless_run() {
	netns_up "$CASE_NAME" || { CASE_WHY="namespaces not made"; return 1; }
	if ! tun_server --once --ppp-restart 1 --negotiation-timeout 30; then
		CASE_WHY="server did not start ($(tail -1 "$CASE_DIR/server.err" 2>/dev/null))"
		return 1
	fi
	ip -n "$NSC" tuntap add dev sstpr0 mode tun user "$RUSER" &&
		ip -n "$NSC" addr add "$TUN_CLI_IP" peer "$TUN_SRV_IP" dev sstpr0 &&
		ip -n "$NSC" link set sstpr0 up || { CASE_WHY="sstpr0 not made"; return 1; }
	# The user's files: its case directory, the CA, its password.
	cp "$PKI/ca.pem" "$CASE_DIR/ca.pem"
	cp "$PWFILE" "$CASE_DIR/password"
	chown -R "$RUSER:$RGROUP" "$CASE_DIR"
	chmod 700 "$CASE_DIR"
	# XX: this machine's /dev/net/tun is 0600; a stock system's is 0666
	# (what a user needs to attach): the user's mount namespace gets one.
	# shellcheck disable=SC2034  # read by sstpc_wait (lib.sh)
	SSTPC_T0=$(date +%s%N)
	ip netns exec "$NSC" unshare --mount --propagation private sh -c '
		mount -t tmpfs -o mode=755 none /dev/net &&
		mknod -m 666 /dev/net/tun c 10 200 && exec "$@"' tun666 \
		setpriv --reuid="$RUSER" --regid="$RGROUP" \
		--clear-groups -- "$SSTPC" --log-file "$CASE_DIR/sstpc.log" \
		--log-level 3 --ca-cert "$CASE_DIR/ca.pem" --host localhost \
		--user "$TUSER" --password-file "$CASE_DIR/password" \
		--tun=sstpr0 "$@" "$NS_SRV_VETH:$PORT" \
		>"$CASE_DIR/sstpc.out" 2>"$CASE_DIR/sstpc.err" </dev/null &
	SSTPC_PID=$!
}

# chk_rootless: connected, ping, uid and capabilities of sstpc
chk_rootless() {
	local uid
	uid=$(id -u "$RUSER")
	expect '[ "$(cat /proc/$SSTPC_PID/comm 2>/dev/null)" = sstpc ]' \
		"pid $SSTPC_PID is not sstpc"
	expect 'grep -Eq "^Uid:[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid" /proc/$SSTPC_PID/status' \
		"sstpc does not run as $RUSER: $(grep ^Uid: /proc/$SSTPC_PID/status)"
	expect '[ "$(caps_of $SSTPC_PID CapEff)" = 0000000000000000 ]' \
		"CapEff $(caps_of $SSTPC_PID CapEff), want 0"
	expect '[ "$(caps_of $SSTPC_PID CapPrm)" = 0000000000000000 ]' \
		"CapPrm $(caps_of $SSTPC_PID CapPrm), want 0"
	expect '[ -z "$(cat /proc/$SSTPC_PID/task/*/children 2>/dev/null)" ]' \
		"sstpc has a child (a monitor?) while not root"
	must_ping sstpr0
}

must_ping() {
	ping_dev "$1" || CASE_WHY="${CASE_WHY:+$CASE_WHY; }ping 192.0.2.1 through $1: $(grep -E 'received|unreach|connect:' "$CASE_DIR/ping.out" | head -1)"
}

# the persistent device and root's address stay after sstpc ends
chk_persist() {
	expect 'ip -n "$NSC" -4 addr show dev sstpr0 | grep -q "inet $TUN_CLI_IP peer"' \
		"sstpr0 or its address is gone after sstpc ended"
}

case_rootless() {
	new_case rootless
	if rootless_run && wait_connected; then
		chk_rootless
		end_term
		chk_persist
	else
		CASE_WHY="${CASE_WHY:-not connected: $(tail -2 "$CASE_DIR/sstpc.log" 2>/dev/null | tr '\n' ' ')}"
	fi
	verdict "rootless: $RUSER on a persistent sstpr0, ping, CapEff 0, SIGTERM -> 10"
	stop_server
	netns_down
}

case_rootless_script() {
	local uid
	new_case rootless-script
	uid=$(id -u "$RUSER")
	cat >"$CASE_DIR/log-script.sh" <<-'EOF'
		#!/bin/sh
		# logs what a vpnc-script gets; sets nothing (no privilege)
		echo "reason=$reason uid=$(id -u) TUNDEV=$TUNDEV IP4=$INTERNAL_IP4_ADDRESS" >>"${0%/*}/script.log"
	EOF
	chmod 755 "$CASE_DIR/log-script.sh"
	if rootless_run --script "$CASE_DIR/log-script.sh" && wait_connected; then
		chk_rootless
		expect 'wait_file_re "$CASE_DIR/script.log" "^reason=connect uid=$uid TUNDEV=sstpr0 IP4=$TUN_CLI_IP\$" 5' \
			"no connect line by uid $uid: $(tr '\n' ';' <"$CASE_DIR/script.log" 2>/dev/null)"
		end_term
		expect 'grep -q "^reason=disconnect uid=$uid TUNDEV=sstpr0" "$CASE_DIR/script.log"' \
			"no disconnect line: $(tr '\n' ';' <"$CASE_DIR/script.log" 2>/dev/null)"
		chk_persist
	else
		CASE_WHY="${CASE_WHY:-not connected: $(tail -2 "$CASE_DIR/sstpc.log" 2>/dev/null | tr '\n' ' ')}"
	fi
	verdict "rootless: --script runs as $RUSER (connect, disconnect), ping, CapEff 0"
	stop_server
	netns_down
}

# The container's /dev: a tmpfs with the few nodes a container gets.
CONTAINER_DEV='mount -t tmpfs -o mode=755 none /dev &&
for n in null zero random urandom; do touch /dev/$n; mount --bind /run/ctr-dev/$n /dev/$n; done &&
mkdir /dev/net && touch /dev/net/tun && mount --bind /run/ctr-dev/tun /dev/net/tun &&
[ ! -e /dev/ppp ] && echo "no /dev/ppp" >"$CASE_DIR/dev.txt" && ls -R /dev >>"$CASE_DIR/dev.txt" &&
exec setpriv --inh-caps=-all --bounding-set="-all,$CTR_CAPS" -- "$@"'

# ctr_start [SSTPC OPTS...]: sstpc --tun=sstp0 in the container (root,
# capabilities CTR_CAPS only, the /dev above) in NSC, in the background
ctr_start() {
	# shellcheck disable=SC2034  # read by sstpc_wait (lib.sh)
	SSTPC_T0=$(date +%s%N)
	# /run/ctr-dev: the host's nodes, bound before /dev is covered
	env CTR_CAPS="$CTR_CAPS" CASE_DIR="$CASE_DIR" ip netns exec "$NSC" unshare --mount \
		--propagation private sh -c '
		mkdir -p /run/ctr-dev && mount -t tmpfs none /run/ctr-dev &&
		for n in null zero random urandom; do touch /run/ctr-dev/$n; mount --bind /dev/$n /run/ctr-dev/$n; done &&
		touch /run/ctr-dev/tun && mount --bind /dev/net/tun /run/ctr-dev/tun && '"$CONTAINER_DEV" \
		ctr "$SSTPC" --log-file "$CASE_DIR/sstpc.log" --log-level 3 \
		--ca-cert "$PKI/ca.pem" --host localhost --user "$TUSER" \
		--password-file "$PWFILE" --tun=sstp0 "$@" "$NS_SRV_VETH:$PORT" \
		>"$CASE_DIR/sstpc.out" 2>"$CASE_DIR/sstpc.err" </dev/null &
	SSTPC_PID=$!
}

# container: CAP_NET_ADMIN for the TUN and the host configuration, and
# CAP_SETUID/CAP_SETGID for sstpc's own privilege drop (a container's
# default set has them; no CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_DAC_OVERRIDE)
case_container() {
	local eff CTR_CAPS=+net_admin,+setuid,+setgid
	new_case container
	if netns_up "$CASE_NAME" &&
	    tun_server --once --ppp-restart 1 --negotiation-timeout 30; then
		ctr_start
		if wait_tun_up sstp0 20; then
			expect 'grep -q "no /dev/ppp" "$CASE_DIR/dev.txt"' "/dev/ppp in the container"
			expect '[ "$(cat /proc/$SSTPC_PID/comm 2>/dev/null)" = sstpc ]' \
				"pid $SSTPC_PID is not sstpc"
			# after sstpc's drop: no capability left (the monitor,
			# its child, keeps CAP_NET_ADMIN for the addresses)
			eff=$(caps_of "$SSTPC_PID" CapEff)
			expect '[ "$eff" = 0000000000000000 ]' "CapEff $eff, want 0"
			expect 'log_has "privileges: now uid"' "no privilege drop logged"
			expect '! ls -l /proc/$SSTPC_PID/fd 2>/dev/null | grep -q /dev/ppp' \
				"sstpc has /dev/ppp open"
			must_ping sstp0
			end_term
			expect 'sstp0_gone' "sstp0 left behind"
		else
			CASE_WHY="sstp0 never came up: $(tail -2 "$CASE_DIR/sstpc.log" "$CASE_DIR/sstpc.err" 2>/dev/null | tr '\n' ' ' | cut -c1-300)"
			kill -TERM "$SSTPC_PID" 2>/dev/null
			sstpc_wait 10
		fi
	else
		CASE_WHY="namespaces or server not up"
	fi
	verdict "container: root, CAP_NET_ADMIN+SETUID+SETGID, no /dev/ppp: sstp0, ping, SIGTERM -> 10"
	stop_server
	netns_down
}

# container-netadmin: CAP_NET_ADMIN and nothing else.  sstpc cannot switch
# to its unprivileged user (setgroups needs CAP_SETGID) and fails closed
# (session.c): exit 1 with the reason, before any network byte, and the
# sstp0 it created is gone.
case_container_netadmin() {
	local CTR_CAPS=+net_admin
	new_case container-netadmin
	if netns_up "$CASE_NAME" &&
	    tun_server --once --ppp-restart 1 --negotiation-timeout 30; then
		ctr_start
		sstpc_wait 10
		expect '[ "$RC" = 1 ]' "exit $RC, want 1"
		expect 'log_has "cannot drop privileges: .*lacks CAP_SETUID/CAP_SETGID: give them, or --allow-root"' \
			"no 'cannot drop privileges ... lacks CAP_SETUID/CAP_SETGID ... --allow-root'"
		expect '! has_event tls_established' "TLS was set up before the drop"
		expect 'grep -q "no /dev/ppp" "$CASE_DIR/dev.txt"' "/dev/ppp in the container"
		expect 'sstp0_gone' "sstp0 left behind"
	else
		CASE_WHY="namespaces or server not up"
	fi
	verdict "container: root with CAP_NET_ADMIN only: privilege drop impossible -> exit 1, nothing left"
	stop_server
	netns_down
}

# container-netadmin-allow-root: CAP_NET_ADMIN alone, --allow-root.
# sstpc stays uid 0 but holds no capability once set up (priv.c); the
# monitor, forked before, keeps CAP_NET_ADMIN and configures sstp0.
case_container_netadmin_allow_root() {
	local CTR_CAPS=+net_admin
	new_case container-netadmin-allow-root
	if netns_up "$CASE_NAME" &&
	    tun_server --once --ppp-restart 1 --negotiation-timeout 30; then
		ctr_start --allow-root
		if wait_tun_up sstp0 20 && wait_connected; then
			expect 'grep -q "no /dev/ppp" "$CASE_DIR/dev.txt"' "/dev/ppp in the container"
			expect '[ "$(cat /proc/$SSTPC_PID/comm 2>/dev/null)" = sstpc ]' \
				"pid $SSTPC_PID is not sstpc"
			expect 'grep -Eq "^Uid:[[:space:]]+0[[:space:]]+0[[:space:]]+0" /proc/$SSTPC_PID/status' \
				"sstpc not uid 0: $(grep ^Uid: /proc/$SSTPC_PID/status)"
			expect '[ "$(caps_of $SSTPC_PID CapEff)" = 0000000000000000 ]' \
				"CapEff $(caps_of $SSTPC_PID CapEff), want 0"
			expect '[ "$(caps_of $SSTPC_PID CapPrm)" = 0000000000000000 ]' \
				"CapPrm $(caps_of $SSTPC_PID CapPrm), want 0"
			expect '[ "$(caps_of $SSTPC_PID CapInh)" = 0000000000000000 ]' \
				"CapInh $(caps_of $SSTPC_PID CapInh), want 0"
			expect '[ "$(caps_of $SSTPC_PID CapAmb)" = 0000000000000000 ]' \
				"CapAmb $(caps_of $SSTPC_PID CapAmb), want 0"
			expect 'grep -Eq "^NoNewPrivs:[[:space:]]+1" /proc/$SSTPC_PID/status' \
				"NoNewPrivs not set"
			expect 'log_has "staying uid 0 with no capabilities \(--allow-root\)"' \
				"no 'staying uid 0 with no capabilities' line"
			must_ping sstp0
			end_term
			expect 'sstp0_gone' "sstp0 left behind"
		else
			CASE_WHY="sstp0 never came up: $(tail -2 "$CASE_DIR/sstpc.log" "$CASE_DIR/sstpc.err" 2>/dev/null | tr '\n' ' ' | cut -c1-300)"
			kill -TERM "$SSTPC_PID" 2>/dev/null
			sstpc_wait 10
		fi
	else
		CASE_WHY="namespaces or server not up"
	fi
	verdict "container: root with CAP_NET_ADMIN only, --allow-root: uid 0, no capability, sstp0 by the monitor, ping, SIGTERM -> 10"
	stop_server
	netns_down
}

sstp0_gone() {
	local _
	for _ in $(seq 30); do
		ip -n "$NSC" link show dev sstp0 >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	return 1
}

ALL="rootless rootless_script container container_netadmin container_netadmin_allow_root"
# shellcheck disable=SC2086
run_cases "${JOBS:-3}" ${CASES:-$ALL}
finish
