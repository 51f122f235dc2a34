#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/softether/ns-server.sh STATE BIN - SoftEther inside its own namespaces.
#
# Started by softether.sh as
#   unshare --mount --net --pid --fork --kill-child --propagation private \
#       bash ns-server.sh STATE BIN
# so this shell is PID 1 of a private PID namespace: when it exits, the kernel
# kills every process left inside (vpnserver's watchdog and worker, socat),
# and the mount namespace with its bind mounts goes away with them.
#
# Inside: only loopback (up); SoftEther's compiled-in directories
# /var/lib/softether, /var/log/softether and /run/softether are bind mounts
# of STATE/lib, STATE/log and STATE/run; BIN (the patched copy, with
# hamcore.se2 beside it) runs in the foreground mode `execsvc`; socat relays
# STATE/sock/se.sock to 127.0.0.1:443 inside the namespace.  The host side
# relays its 127.0.0.1:PORT to that socket.  STATE/ready appears once the
# server listens on 443 (SSTP) and 5555 (admin, reached with nsenter only).
# SIGTERM stops everything.
set -eu
S=$1
BIN=$2

for d in lib log run; do
	case $d in
	lib) target=/var/lib/softether ;;
	log) target=/var/log/softether ;;
	run) target=/run/softether ;;
	esac
	mount --bind "$S/$d" "$target"
done
ip link set lo up

"$BIN" execsvc >"$S/vpnserver.out" 2>&1 &
vpid=$!
spid=
# shellcheck disable=SC2317  # called from the trap
stop() {
	trap - TERM INT
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	kill "$vpid" 2>/dev/null
	exit 0
}
trap stop TERM INT

# listening PORT: true once 127.0.0.1:PORT accepts a connection
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

i=0
until listening 443 && listening 5555; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$vpid" 2>/dev/null; then
		echo "vpnserver did not start listening" >&2
		exit 1
	fi
	sleep 0.1
done

socat UNIX-LISTEN:"$S/sock/se.sock",fork,unlink-early,mode=600 \
	TCP:127.0.0.1:443 2>"$S/socat-inner.err" &
spid=$!
i=0
until [ -S "$S/sock/se.sock" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "socat did not bind" >&2; exit 1; }
	sleep 0.05
done
echo ready >"$S/ready"
# `wait` returns early on a trapped signal; the trap then exits.
while kill -0 "$vpid" 2>/dev/null; do
	wait "$vpid" || true
done
echo "vpnserver exited" >&2
exit 1
