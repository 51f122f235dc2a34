#!/usr/bin/env bash
# tests/integration/tier-proxy.sh - sstpc through real HTTP proxies from
# Debian, beside the scripted tests/lib/proxy.py of tier 1 (which answers a
# 407 with keep-alive and so could not show the close-after-407 race):
#   tinyproxy  BasicAuth: its 407 is HTTP/1.0 with Connection: close, an
#              HTML body and the FIN in the same segment
#   squid      basic_ncsa_auth (Basic) and digest_file_auth (Digest); its
#              407 keeps the connection alive (Content-Length)
# For each proxy/auth combination: PROXY_RUNS (default 20) connects in a
# row, each must reach "SSTP call connected" (sstpc's log) with a ping
# through the tunnel; then 5 runs with a wrong password and 5 with no
# credentials at all, each must end with exit 3 and the documented message
# ("proxy refused CONNECT host:port: HTTP 407 ... (credentials rejected)",
# tinyproxy: 401; "... (give user:password in --proxy)").
#
# The SSTP server is tests/server/sstp_server.py; each proxy runs as this
# tier's own process (never the system service) with its own configuration
# in a temporary directory, on a free loopback port, and is killed at the
# end.  Missing packages are installed with apt-get when run as root (as
# tests/run-all.sh does); otherwise the tier cannot run (exit 77).
# Environment: SSTPC, PROXY_RUNS, KEEP=1, CASES="tinyproxy_basic ...".
set -u
TIER_PKGS=(tinyproxy squid)
miss=()
for p in "${TIER_PKGS[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || miss+=("$p")
done
if [ ${#miss[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "tier-proxy: missing ${miss[*]} (run as root to install)"
		exit 77
	fi
	echo "tier-proxy: installing ${miss[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 || true
	# policy-rc.d or not: the system services are never used here
	apt-get install -y -qq --no-install-recommends "${miss[@]}" >/dev/null ||
		{ echo "tier-proxy: apt-get install failed"; exit 77; }
fi
TINYPROXY=$(command -v tinyproxy || echo /usr/bin/tinyproxy)
SQUID=$(command -v squid || echo /usr/sbin/squid)
SQUID_HELPERS=/usr/lib/squid
for f in "$TINYPROXY" "$SQUID" "$SQUID_HELPERS/basic_ncsa_auth" \
    "$SQUID_HELPERS/digest_file_auth"; do
	[ -x "$f" ] || { echo "tier-proxy: $f missing"; exit 77; }
done

. "$(dirname "$0")/lib.sh"
TIER_NAME=proxy
RUNS=${PROXY_RUNS:-20}
REFUSALS=5		# wrong-password and no-credential runs per proxy
PXUSER=pxuser
# squid's password has '@' and ':' (percent-encoded in the URL); tinyproxy's
# BasicAuth takes only letters, digits, '-', '_' and '.'.
SQ_PASS='px-p@ss:w'
SQ_PASS_URL='px-p%40ss%3Aw'
TP_PASS='px-p4ss.w'
REALM=sstpc-tier-proxy

# The proxies drop to nobody when started as root: their directory lives
# outside $WORK (0700) and is theirs.
PXROOT=$(mktemp -d "${TMPDIR:-/tmp}/sstpc-proxies.XXXXXX") || exit 1
chmod 755 "$PXROOT"
PXPIDS_FILE="$PXROOT/pids"
: >"$PXPIDS_FILE"
if [ "$(id -u)" -eq 0 ]; then
	PXOWNER=nobody
	PXGROUP=$(id -gn nobody 2>/dev/null || echo nogroup)
else
	PXOWNER=
fi

# Kill the proxies this tier started (by pid), then remove their files.
proxies_cleanup() {
	local p i
	while read -r p; do
		[ -n "$p" ] && kill "$p" 2>/dev/null
	done <"$PXPIDS_FILE"
	while read -r p; do
		[ -n "$p" ] || continue
		for i in $(seq 60); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null
	done <"$PXPIDS_FILE"
	cleanup
	[ "${KEEP:-0}" = 1 ] || rm -rf "$PXROOT"
}
trap proxies_cleanup EXIT

# free_port: a loopback port nobody listens on now
free_port() {
	"$PY" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# px_dir NAME: a directory for one proxy instance, writable by its user
px_dir() {
	local d="$PXROOT/$1"
	mkdir -p "$d"
	[ -n "$PXOWNER" ] && chown "$PXOWNER:$PXGROUP" "$d"
	echo "$d"
}

# wait_listen PORT PID: the proxy accepts connections (10 s at most)
wait_listen() {
	local i
	for i in $(seq 100); do
		kill -0 "$2" 2>/dev/null || return 1
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# start_tinyproxy NAME SERVERPORT: Basic auth; sets PXPORT, PXPID, PXLOG,
# PXPASS_URL
start_tinyproxy() {
	local d
	d=$(px_dir "$1")
	PXPORT=$(free_port)
	PXLOG="$d/tinyproxy.log"
	{
		[ -n "$PXOWNER" ] && printf 'User %s\nGroup %s\n' "$PXOWNER" "$PXGROUP"
		printf 'Port %s\nListen 127.0.0.1\nTimeout 30\n' "$PXPORT"
		printf 'MaxClients 20\nAllow 127.0.0.1\nLogLevel Connect\n'
		printf 'ConnectPort %s\nDisableViaHeader Yes\n' "$2"
		printf 'BasicAuth %s %s\n' "$PXUSER" "$TP_PASS"
	} >"$d/tinyproxy.conf"
	PXPASS_URL=$TP_PASS
	# -d: stay in the foreground, log to stderr
	"$TINYPROXY" -d -c "$d/tinyproxy.conf" >"$PXLOG" 2>&1 &
	PXPID=$!
	echo "$PXPID" >>"$PXPIDS_FILE"
	wait_listen "$PXPORT" "$PXPID"
}

# start_squid NAME SERVERPORT basic|digest: sets PXPORT, PXPID, PXLOG,
# PXPASS_URL
start_squid() {
	local d scheme=$3
	d=$(px_dir "$1")
	PXPORT=$(free_port)
	PXLOG="$d/cache.log"
	if [ "$scheme" = basic ]; then
		printf '%s:%s\n' "$PXUSER" "$(openssl passwd -apr1 "$SQ_PASS")" \
			>"$d/passwd"
	else
		# digest_file_auth -c: user:realm:HA1, no plain password
		printf '%s:%s:%s\n' "$PXUSER" "$REALM" "$(printf '%s' \
			"$PXUSER:$REALM:$SQ_PASS" | md5sum | cut -d' ' -f1)" \
			>"$d/passwd"
	fi
	chmod 644 "$d/passwd"
	PXPASS_URL=$SQ_PASS_URL
	{
		printf 'http_port 127.0.0.1:%s\n' "$PXPORT"
		printf 'pid_filename %s/squid.pid\n' "$d"
		printf 'cache_log %s/cache.log\n' "$d"
		printf 'access_log stdio:%s/access.log\n' "$d"
		printf 'cache_store_log none\nlogfile_rotate 0\n'
		printf 'cache deny all\ncache_mem 4 MB\ncoredump_dir %s\n' "$d"
		printf 'shutdown_lifetime 1 seconds\n'
		[ -n "$PXOWNER" ] && printf 'cache_effective_user %s\ncache_effective_group %s\n' \
			"$PXOWNER" "$PXGROUP"
		if [ "$scheme" = basic ]; then
			printf 'auth_param basic program %s/basic_ncsa_auth %s/passwd\n' \
				"$SQUID_HELPERS" "$d"
			printf 'auth_param basic children 2 startup=1 idle=1\n'
			printf 'auth_param basic realm %s\n' "$REALM"
		else
			printf 'auth_param digest program %s/digest_file_auth -c %s/passwd\n' \
				"$SQUID_HELPERS" "$d"
			printf 'auth_param digest children 2 startup=1 idle=1\n'
			printf 'auth_param digest realm %s\n' "$REALM"
		fi
		printf 'acl sstp_port port %s\n' "$2"
		printf 'acl authed proxy_auth REQUIRED\n'
		printf 'http_access deny !CONNECT\nhttp_access deny !sstp_port\n'
		printf 'http_access allow localhost authed\nhttp_access deny all\n'
	} >"$d/squid.conf"
	# -N: no daemon; the helpers are its children
	"$SQUID" -N -f "$d/squid.conf" >"$d/squid.out" 2>&1 &
	PXPID=$!
	echo "$PXPID" >>"$PXPIDS_FILE"
	wait_listen "$PXPORT" "$PXPID"
}

# stop_proxy: kill the case's proxy and wait for it
stop_proxy() {
	local i
	[ -n "${PXPID:-}" ] || return 0
	kill "$PXPID" 2>/dev/null
	for i in $(seq 60); do
		kill -0 "$PXPID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$PXPID" 2>/dev/null
	wait "$PXPID" 2>/dev/null
	PXPID=
}

# connect_once LABEL URL: one launch-mode session through the proxy
connect_once() {
	new_case "$1"
	standin_env 0.2
	export STANDIN_PING=1
	launch_args
	sstpc_bg "${LA[@]}" --proxy "$2" "$SRVHOST:$PORT" lcp-restart 1 \
		3<"$PWFILE"
	sstpc_wait 20
}

# proxy_combo NAME start-command...: RUNS connects, then the refusals
proxy_combo() {
	local name=$1 scheme=$2 ok=0 i bad=() sdir why
	shift 2
	new_case "$name"
	sdir=$CASE_DIR
	if ! start_server "$sdir" valid --ppp-restart 1 \
	    --negotiation-timeout 20 --http-timeout 20; then
		fail "$name: test server did not start"
		return
	fi
	if ! "$@" "$name" "$PORT"; then
		fail "$name: proxy did not start" "$(tail -5 "$PXLOG" 2>/dev/null)"
		stop_proxy
		return
	fi
	for i in $(seq "$RUNS"); do
		connect_once "$name-$i" \
			"http://$PXUSER:$PXPASS_URL@127.0.0.1:$PXPORT"
		why=
		[ "$RC" = 0 ] || why="exit $RC"
		log_has 'SSTP call connected after' || why="$why, no call connected"
		log_has "proxy: tunnel to $SRVHOST:$PORT established" ||
			why="$why, no tunnel"
		# Digest: Basic first, the 407's challenge, Digest on a new
		# connection; Basic: the first CONNECT is enough.
		if [ "$scheme" = digest ]; then
			log_has 'proxy asks for Digest authentication' ||
				why="$why, no Digest retry"
		elif log_has 'proxy asks for'; then
			why="$why, Basic was not sent first"
		fi
		if [ -z "$why" ]; then
			ok=$((ok + 1))
		else
			bad+=("#$i: ${why#, } ($(sed -n 's/.*session end reason //p' \
				"$CASE_DIR/sstpc.log" | head -1))")
		fi
	done
	CASE_DIR=$sdir
	expect '[ "$ok" = "$RUNS" ]' "$ok/$RUNS; ${bad[*]:0:3}"
	verdict "$name: $ok/$RUNS connects in a row reached Call Connected"

	# A wrong password: exit 3, reported as rejected credentials.
	ok=0
	bad=()
	for i in $(seq "$REFUSALS"); do
		connect_once "$name-badpass-$i" \
			"http://$PXUSER:wrong-pass@127.0.0.1:$PXPORT"
		if [ "$RC" = 3 ] &&
		    log_has "proxy refused CONNECT $SRVHOST:$PORT: HTTP 40[17] .*\(credentials rejected\)" &&
		    ! log_has 'SSTP call connected'; then
			ok=$((ok + 1))
		else
			bad+=("#$i: exit $RC ($(sed -n 's/.*session end reason //p' \
				"$CASE_DIR/sstpc.log" | head -1))")
		fi
	done
	expect '[ "$ok" = "$REFUSALS" ]' "$ok/$REFUSALS; ${bad[*]:0:3}"
	verdict "$name: wrong password -> exit 3, credentials rejected ($ok/$REFUSALS)"

	# No credentials in the URL: the 407 itself must be read and reported
	# (tinyproxy closes right after it).
	ok=0
	bad=()
	for i in $(seq "$REFUSALS"); do
		connect_once "$name-nocred-$i" "http://127.0.0.1:$PXPORT"
		if [ "$RC" = 3 ] &&
		    log_has "proxy refused CONNECT $SRVHOST:$PORT: HTTP 407 .*\(give user:password in --proxy\)"; then
			ok=$((ok + 1))
		else
			bad+=("#$i: exit $RC ($(sed -n 's/.*session end reason //p' \
				"$CASE_DIR/sstpc.log" | head -1))")
		fi
	done
	expect '[ "$ok" = "$REFUSALS" ]' "$ok/$REFUSALS; ${bad[*]:0:3}"
	verdict "$name: no credentials -> exit 3, 407 reported ($ok/$REFUSALS)"
	stop_proxy
}

SRVHOST=localhost
case_tinyproxy_basic() { proxy_combo tinyproxy-basic basic start_tinyproxy; }
case_squid_basic() { proxy_combo squid-basic basic start_squid_basic; }
case_squid_digest() { proxy_combo squid-digest digest start_squid_digest; }
start_squid_basic() { start_squid "$1" "$2" basic; }
start_squid_digest() { start_squid "$1" "$2" digest; }

ALL_CASES="tinyproxy_basic squid_basic squid_digest"
if [ ! -x "$SSTPC" ]; then
	echo "tier-proxy: no sstpc binary at $SSTPC"
	fail "sstpc-binary"
	finish
	exit
fi
t0=$(date +%s)
# shellcheck disable=SC2086
run_cases 3 ${CASES:-$ALL_CASES}
echo "tier-proxy: $(( $(date +%s) - t0 )) s"
finish
