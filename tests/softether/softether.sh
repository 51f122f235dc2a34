#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/softether/softether.sh - run Debian's SoftEther VPN Server for tests.
#
# Sourced by tests/integration/tier3-softether.sh (after lib.sh, which sets
# WORK).  See README.md here for why the packaged binary is patched and
# what it costs.  Functions return 0/1 and leave a reason in SE_WHY.
#
#   se_install      install the Debian packages and tools when missing
#   se_binary       the patched vpnserver, cached under $SE_CACHE_ROOT; sets
#                   SE_BIN, SE_BIN_KIND (cached|patched|stock)
#   se_start        server in private mount+net+PID namespaces, configured
#                   (hub, user, SecureNAT without NAT, pool in 192.0.2.0/24),
#                   host relay 127.0.0.1:SE_PORT; sets SE_PIN (cert SHA-256)
#   se_vpncmd CMD.. run vpncmd commands (admin port, via nsenter) into
#                   $SE_STATE/vpncmd.out; fails unless every command completed
#   se_stop         stop all of it; fails if a process or mount is left
#   se_auth_count   how often the server log says user SE_USER authenticated
#   se_wait_count   poll one of the *_count functions (the log lags)
#
# Traffic: the server has only its own loopback; the host relay listens on
# 127.0.0.1 only; inside the tunnel there is only 192.0.2.0/24.
# shellcheck disable=SC2034  # SE_BIN_KIND, SE_PIN ...: used by the caller
SE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SE_SPEC="$SE_DIR/proto-container.binpatch"
SE_CACHE_ROOT=${SE_CACHE_ROOT:-/var/cache/sstpc-tests}
SE_PKG_BIN=/usr/libexec/softether/vpnserver/vpnserver
SE_HUB=SSTPHUB
SE_USER=alice
# No characters that vpncmd's /PARAM:value parser would treat specially.
SE_PASS='Se-s3cret.p4ss_7'
SE_HOST_IP=192.0.2.1
SE_WHY=
SE_BIN=
SE_BIN_KIND=
SE_STATE=
SE_UPID=
SE_NSPID=
SE_SOCAT=
SE_PORT=
SE_PIN=

se_binpatch() { "${PY:-python3}" "$SE_DIR/binpatch.py" "$SE_SPEC" "$@"; }

# se_missing: names of the packages whose tools are absent
se_missing() {
	local m=()
	[ -x "$SE_PKG_BIN" ] || m+=(softether-vpnserver)
	command -v vpncmd >/dev/null || m+=(softether-vpncmd)
	command -v socat >/dev/null || m+=(socat)
	command -v openssl >/dev/null || m+=(openssl)
	command -v ip >/dev/null || m+=(iproute2)
	command -v unshare >/dev/null && command -v nsenter >/dev/null ||
		m+=(util-linux)
	echo "${m[@]}"
}

# se_install: install what is missing (root, apt-get).  The packages'
# maintainer scripts must not start a system-wide vpnserver: a policy-rc.d
# that denies service starts is put in place for the install when there is
# none, and removed again.
se_install() {
	local missing own_policy=0 rc
	missing=$(se_missing)
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		SE_WHY="missing $missing (needs root and apt-get to install)"
		return 1
	fi
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		own_policy=1
	fi
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing >"$WORK/apt.log" 2>&1 || {
		apt-get update -q >>"$WORK/apt.log" 2>&1
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $missing >>"$WORK/apt.log" 2>&1
	}
	rc=$?
	[ $own_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
	missing=$(se_missing)
	if [ $rc -ne 0 ] || [ -n "$missing" ]; then
		SE_WHY="apt-get install failed (still missing: ${missing:-?}); see apt.log"
		tail -5 "$WORK/apt.log" >&2
		return 1
	fi
	return 0
}

# se_binary: the vpnserver to run.  5.02 and later carry the upstream fix
# and run as packaged; the 5.01 build the patch is for runs as a patched
# copy, cached by package version and patch hash.
se_binary() {
	local ver want key dir
	ver=$(dpkg-query -W -f='${Version}' softether-vpnserver 2>/dev/null)
	if [ -z "$ver" ]; then
		SE_WHY="softether-vpnserver is not installed"
		return 1
	fi
	if dpkg --compare-versions "$ver" ge 5.02~; then
		SE_BIN=$SE_PKG_BIN
		SE_BIN_KIND=stock
		return 0
	fi
	want=$(se_binpatch get version) || { SE_WHY="bad patch spec"; return 1; }
	if [ "$ver" != "$want" ]; then
		SE_WHY="softether-vpnserver $ver installed; the patch is for $want only (update tests/softether/proto-container.binpatch)"
		return 1
	fi
	key=$(se_binpatch key) || { SE_WHY="bad patch spec"; return 1; }
	dir="$SE_CACHE_ROOT/softether-$key"
	SE_BIN="$dir/vpnserver"
	if [ -f "$SE_BIN" ] && se_binpatch verify "$SE_BIN"; then
		SE_BIN_KIND=cached
	else
		mkdir -p "$dir" || { SE_WHY="cannot create $dir"; return 1; }
		se_binpatch apply "$SE_BIN" 2>"$WORK/binpatch.err" || {
			SE_WHY="binary patch refused: $(cat "$WORK/binpatch.err")"
			return 1
		}
		SE_BIN_KIND=patched
	fi
	# vpnserver loads hamcore.se2 from its own directory.
	ln -sfn "$(dirname "$SE_PKG_BIN")/hamcore.se2" "$dir/hamcore.se2"
	return 0
}

# se_vpncmd CMD...: run the commands in one vpncmd session
se_vpncmd() {
	local n=$# ok
	printf '%s\n' "$@" >"$SE_STATE/vpncmd.in"
	timeout 60 nsenter -t "$SE_NSPID" -n -m vpncmd localhost:5555 /SERVER \
		/IN:"$SE_STATE/vpncmd.in" </dev/null >"$SE_STATE/vpncmd.out" 2>&1
	cat "$SE_STATE/vpncmd.out" >>"$SE_STATE/vpncmd.log"
	ok=$(grep -c 'The command completed successfully' "$SE_STATE/vpncmd.out")
	if [ "$ok" -ne "$n" ]; then
		SE_WHY="vpncmd: $ok of $n commands completed (see vpncmd.log)"
		return 1
	fi
	return 0
}

# se_free_port: an unused TCP port on 127.0.0.1
se_free_port() {
	"${PY:-python3}" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# se_start: start and configure the server; sets SE_PORT and SE_PIN
se_start() {
	local d i
	SE_STATE="$WORK/softether"
	mkdir -p "$SE_STATE"/lib "$SE_STATE"/log "$SE_STATE"/run "$SE_STATE"/sock
	chmod 700 "$SE_STATE"
	rm -f "$SE_STATE/ready"
	# The bind-mount targets must exist (the package leaves their creation
	# to systemd).  They stay empty on the host and are not removed
	# afterwards: a concurrent run may have them mounted in its namespace.
	for d in /var/lib/softether /var/log/softether /run/softether; do
		[ -d "$d" ] || mkdir -p "$d"
	done
	unshare --mount --net --pid --fork --kill-child --propagation private \
		bash "$SE_DIR/ns-server.sh" "$SE_STATE" "$SE_BIN" \
		>"$SE_STATE/ns.out" 2>"$SE_STATE/ns.err" </dev/null &
	SE_UPID=$!
	i=0
	while [ ! -e "$SE_STATE/ready" ]; do
		i=$((i + 1))
		if [ $i -gt 400 ] || ! kill -0 "$SE_UPID" 2>/dev/null; then
			SE_WHY="server did not start: $(tail -3 "$SE_STATE/ns.err" | tr '\n' ' ')"
			return 1
		fi
		sleep 0.1
	done
	read -r SE_NSPID _ <"/proc/$SE_UPID/task/$SE_UPID/children" || true
	if [ -z "$SE_NSPID" ]; then
		SE_WHY="no namespace init process"
		return 1
	fi
	# Hub with one user; SecureNAT only as the 192.0.2.1 host and DHCP
	# server (its NAT off, so nothing is forwarded anywhere); names without
	# a hub go to SE_HUB (IPsecEnable /DEFAULTHUB, which SSTP's PPP also
	# uses); DEFAULT removed so that a wrong hub cannot work by accident.
	se_vpncmd \
		"HubCreate $SE_HUB /PASSWORD:hub-admin-unused" \
		"Hub $SE_HUB" \
		"UserCreate $SE_USER /GROUP:none /REALNAME:none /NOTE:none" \
		"UserPasswordSet $SE_USER /PASSWORD:$SE_PASS" \
		"SecureNatEnable" \
		"NatDisable" \
		"SecureNatHostSet /MAC:none /IP:$SE_HOST_IP /MASK:255.255.255.0" \
		"DhcpSet /START:192.0.2.10 /END:192.0.2.100 /MASK:255.255.255.0 /EXPIRE:7200 /GW:none /DNS:none /DNS2:none /DOMAIN:none /LOG:yes /PUSHROUTE:none" \
		"Hub" \
		"HubDelete DEFAULT" \
		"IPsecEnable /L2TP:no /L2TPRAW:no /ETHERIP:no /PSK:unused12 /DEFAULTHUB:$SE_HUB" \
		"ProtoOptionsSet SSTP /NAME:Enabled /VALUE:True" || return 1
	SE_PORT=$(se_free_port)
	socat TCP-LISTEN:"$SE_PORT",bind=127.0.0.1,fork,reuseaddr \
		UNIX-CONNECT:"$SE_STATE/sock/se.sock" 2>"$SE_STATE/socat-host.err" &
	SE_SOCAT=$!
	i=0
	until (exec 3<>"/dev/tcp/127.0.0.1/$SE_PORT") 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			SE_WHY="host relay on 127.0.0.1:$SE_PORT did not come up"
			return 1
		fi
		sleep 0.05
	done
	# The self-signed certificate SoftEther generated, fetched through the
	# relay (which this also checks end to end).
	SE_PIN=$(timeout 10 openssl s_client -connect "127.0.0.1:$SE_PORT" \
		</dev/null 2>/dev/null | openssl x509 -outform DER 2>/dev/null |
		sha256sum | cut -d' ' -f1)
	if [ -z "$SE_PIN" ] ||
	    [ "$SE_PIN" = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ]; then
		SE_WHY="could not read the server certificate through the relay"
		return 1
	fi
	return 0
}

# se_stop: stop relay and server; fails if anything is left behind
se_stop() {
	local i left exe real
	SE_WHY=
	if [ -n "$SE_SOCAT" ]; then
		kill "$SE_SOCAT" 2>/dev/null
		wait "$SE_SOCAT" 2>/dev/null
	fi
	if [ -n "$SE_UPID" ]; then
		[ -n "$SE_NSPID" ] && kill -TERM "$SE_NSPID" 2>/dev/null
		i=0
		while kill -0 "$SE_UPID" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		# --kill-child: killing unshare kills the namespace's init, and
		# with it everything inside.
		kill -0 "$SE_UPID" 2>/dev/null && kill -KILL "$SE_UPID" 2>/dev/null
		wait "$SE_UPID" 2>/dev/null
	fi
	# Nothing may be left: no process running our binary or from our
	# namespace, no relay, no mount.
	left=
	if [ -n "$SE_BIN" ]; then
		real=$(readlink -f "$SE_BIN")
		for i in 1 2 3 4 5 6 7 8 9 10; do
			left=
			for exe in /proc/[0-9]*/exe; do
				[ "$(readlink "$exe" 2>/dev/null)" = "$real" ] &&
					left="$left ${exe#/proc/}"
			done
			[ -z "$left" ] && break
			sleep 0.2
		done
	fi
	[ -n "$SE_SOCAT" ] && kill -0 "$SE_SOCAT" 2>/dev/null && left="$left socat:$SE_SOCAT"
	[ -n "$SE_NSPID" ] && kill -0 "$SE_NSPID" 2>/dev/null && left="$left init:$SE_NSPID"
	[ -n "$left" ] && SE_WHY="processes left:${left//\/exe/}"
	if grep -qE ' (/var/lib|/var/log|/run)/softether ' /proc/self/mountinfo; then
		SE_WHY="${SE_WHY:+$SE_WHY; }mounts left on the host"
	fi
	SE_UPID=
	SE_NSPID=
	SE_SOCAT=
	[ -z "$SE_WHY" ]
}

# se_auth_count: successful authentications of SE_USER in SE_HUB so far
se_auth_count() {
	cat "$SE_STATE"/log/server_log/*.log 2>/dev/null |
		grep -F "[HUB \"$SE_HUB\"]" |
		grep -cF "Successfully authenticated as user \"$SE_USER\""
}

# se_wait_count FUNC MIN [SECONDS]: poll FUNC (a *_count function here) until
# it prints at least MIN or SECONDS (default 10) pass; prints the last count.
# SoftEther's logger is a thread that writes its queue to the file some time
# after the event, so a count read right after sstpc exits can lag behind.
se_wait_count() {
	local fn=$1 min=$2 tries=$(( ${3:-10} * 10 )) n
	n=$($fn)
	while [ "$n" -lt "$min" ] && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
		n=$($fn)
	done
	echo "$n"
}

# se_session_name: the server's newest session name for SE_USER ("" if
# none).  Names end in a counter (SID-ALICE-[SSTP]-9); the previous case's
# session can still be listed for a moment after its client left, and the
# list is in name order (-10 before -9), so take the highest counter.
se_session_name() {
	se_vpncmd "Hub $SE_HUB" "SessionList" >/dev/null 2>&1 || return 1
	sed -n 's/^Session Name *|\(SID-[^ ]*\)$/\1/p' "$SE_STATE/vpncmd.out" |
		grep -i -- "-$SE_USER-" |
		awk -F- '{ print $NF "\t" $0 }' | sort -n | tail -1 | cut -f2
}

# se_session_ended SID: the server log says session SID was terminated
se_session_ended() {
	[ -n "$1" ] && cat "$SE_STATE"/log/server_log/*.log 2>/dev/null |
		grep -qF "Session \"$1\": The session has been terminated"
}

# se_sstp_down_count: PPP sessions the server ended because SSTP went down
se_sstp_down_count() {
	cat "$SE_STATE"/log/server_log/*.log 2>/dev/null |
		grep -cF 'disconnected because the upper-layer protocol "SSTP" has been disconnected'
}
