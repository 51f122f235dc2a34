#!/usr/bin/env bash
# tests/integration/tier2-ppp.sh - tier 2: the PPP side.  sstpc with the pppd
# stand-in (tests/standin/pppd-standin) against the test server: launch mode
# with MS-CHAPv2 / PAP / EAP-MSCHAPv2 (keys by snooping), pty mode with
# NetworkManager's exact command line (keys over the sstp-api socket), the
# 1.0.18 plugin mode, pppd option pass-through, passwords (encoding, argv
# scrubbing, files, descriptors) and the sstp-api socket byte for byte
# (REFERENCE-CLIENT.md 3.2/3.3).
# Environment: SSTPC, JOBS (default 6), KEEP=1, CASES="name ...".
. "$(dirname "$0")/lib.sh"
TIER_NAME=tier2
RUNDIR=/var/run/sstpc

# srv [server args...]: a server for this case (bounded negotiation)
srv() {
	start_server "$CASE_DIR" valid --once --ppp-restart 1 \
		--negotiation-timeout 20 --http-timeout 20 "$@" ||
		CASE_WHY="server did not start"
}

no_orphans() {
	local i
	for i in $(seq 60); do
		[ -z "$(standin_pids)" ] && return 0
		sleep 0.05
	done
	return 1
}

# --- launch mode, the three auth methods ------------------------------------
launch_auth() {	# auth hlak-kind
	local hl=$2
	new_case "launch-$1"
	srv --auth "$1"
	standin_env 1
	launch_args
	sstpc_bg "${LA[@]}" "localhost:$PORT" lcp-restart 1 3<"$PWFILE"
	sstpc_wait 15
	expect '[ "$RC" = 0 ]' "exit $RC, want 0"
	expect 'wait_event 3 call_connected:binding=ok,hlak=$hl' \
		"binding $(ev_get call_connected binding) hlak $(ev_get call_connected hlak), want ok/$hl"
	expect '[ "$(report_get "r[\"ping\"][\"received\"]")" = 2 ]' "pings lost"
	expect 'no_orphans' "stand-in left running"
	verdict "launch: $1 -> binding ok (HLAK: $hl)"
}
case_launch_mschapv2() { launch_auth mschapv2 keys; }
case_launch_pap() { launch_auth pap zero; }
case_launch_eap() { launch_auth eap-mschapv2 keys; }

# --- pty mode: NetworkManager-sstp's exact command line ---------------------
# (REFERENCE-CLIENT.md 3.5; only --log-file is added, for the test log)
case_pty_nm() {
	local ip="nm-pptp-service-$$" uuid="6f1b7e4a-3c1d-4b7e-9a55-0c2f3e4d5a6b"
	new_case pty-nm
	srv
	standin_env 1
	STANDIN_PASSWORD=$TPASS timeout -k 2 20 "$STANDIN" \
		pty "$SSTPC localhost:$PORT --tls-ext --log-level 5 --nolaunchpppd --ipparam $ip --uuid $uuid --ca-cert $PKI/ca.pem --log-file $CASE_DIR/sstpc.log" \
		debug ipparam "$ip" nodetach lock usepeerdns noipdefault \
		nodefaultroute nodefaultroute6 noauth user "$TUSER" \
		remotename localhost mtu 1400 lcp-echo-failure 0 \
		lcp-echo-interval 0 lcp-restart 1 \
		plugin /usr/lib/pppd/2.4.9/nm-sstp-pppd-plugin.so \
		>"$CASE_DIR/standin.out" 2>&1
	RC=$?
	expect '[ "$RC" = 0 ]' "stand-in exit $RC, want 0"
	expect '[ "$(report_get "r[\"tty\"][\"pty_child_status\"]")" = 0 ]' \
		"sstpc exit $(report_get 'r["tty"]["pty_child_status"]'), want 0"
	expect 'wait_event 3 call_connected:binding=ok,hlak=keys' "binding not ok"
	expect '[ "$(report_get "r[\"plugin\"][\"kind\"]")" = nm ]' "nm plugin not used"
	expect '[ "$(report_get "r[\"plugin\"][\"ack_received\"]")" = true ]' "AUTH not acknowledged"
	expect '[ "$(report_get "r[\"plugin\"][\"addr_reply\"][\"gateway\"]")" = localhost ]' \
		"ADDR gateway $(report_get 'r["plugin"]["addr_reply"]["gateway"]')"
	expect '[ "$(report_get "r[\"plugin\"][\"addr_reply\"][\"addr\"]")" = 127.0.0.1 ]' \
		"ADDR addr $(report_get 'r["plugin"]["addr_reply"]["addr"]')"
	expect '[ "$(report_get "r[\"plugin\"][\"addr_reply\"][\"port\"]")" = "$PORT" ]' \
		"ADDR port $(report_get 'r["plugin"]["addr_reply"]["port"]')"
	expect '[ ! -e "$RUNDIR/sstpc-$ip" ]' "socket left behind"
	verdict "pty: NetworkManager argv, keys via sstp-api, ADDR answered"
}

# --- 1.0.18 plugin mode: launch mode without a password ---------------------
# sstpc adds "plugin <dir>/sstp-pppd-plugin.so sstp-sock <sock>" only if the
# .so exists; here it does not (no such plugin installed), so sstpc must
# warn, fall back to a zero HLAK after its grace time, and the server (which
# verifies the binding) refuses: exit 7 with a clear message.
case_plugin_absent() {
	new_case plugin-absent
	srv
	standin_env 1
	STANDIN_PASSWORD=$TPASS sstpc_bg --ca-cert "$PKI/ca.pem" --log-level 3 \
		--user "$TUSER" --pppd "$STANDIN" --ipparam "it-$CASE_NAME-$$" \
		"localhost:$PORT" lcp-restart 1
	sstpc_wait 20
	if report_get 'r["argv"]' | grep -q sstp-sock; then
		expect '[ "$RC" = 0 ]' "exit $RC with the plugin options added"
		expect 'wait_event 3 call_connected:binding=ok' "binding not ok"
		verdict "plugin mode: sstpc added plugin + sstp-sock, binding ok"
		return
	fi
	expect 'log_has "sstp-pppd-plugin.so"' "no warning about the missing plugin"
	expect '[ "$RC" = 7 ]' "exit $RC, want 7 (binding refused with a zero HLAK)"
	expect 'has_event call_connected:hlak=keys' "server auth had no keys"
	expect '! has_event call_connected:binding=ok' "binding accepted with a zero HLAK?"
	expect 'no_orphans' "stand-in left running"
	verdict "plugin mode without the .so: warning, zero HLAK, exit 7"
}
# The stand-in as sstp-pppd-plugin.so, the options given by the user.
case_plugin_sock() {
	local ip="it-plugin-$$"
	new_case plugin-sock
	srv
	standin_env 1
	STANDIN_PASSWORD=$TPASS sstpc_bg --ca-cert "$PKI/ca.pem" --log-level 3 \
		--user "$TUSER" --pppd "$STANDIN" --ipparam "$ip" \
		"localhost:$PORT" lcp-restart 1 plugin sstp-pppd-plugin.so \
		sstp-sock "$RUNDIR/sstpc-$ip"
	wait_file_re "$CASE_DIR/sstpc.log" 'listening on' 5
	SOCKMODE=$(stat -c %a "$RUNDIR/sstpc-$ip" 2>/dev/null)
	sstpc_wait 15
	expect '[ "$RC" = 0 ]' "exit $RC, want 0"
	expect 'wait_event 3 call_connected:binding=ok,hlak=keys' "binding not ok"
	expect '[ "$(report_get "r[\"plugin\"][\"ack_received\"]")" = true ]' "AUTH not acknowledged"
	expect '[ "$SOCKMODE" = 600 ]' "socket mode $SOCKMODE, want 600"
	expect '[ ! -e "$RUNDIR/sstpc-$ip" ]' "socket left behind"
	verdict "plugin mode: sstp-pppd-plugin.so AUTH over sstp-sock, binding ok"
}

# --- sstp-api socket, byte for byte (REFERENCE-CLIENT.md 3.2/3.3) -----------
case_api_bytes() {
	local ip="it-api-$$"
	new_case api-bytes
	srv
	standin_env 2
	# launch mode without a password: sstpc serves the socket and waits for
	# a plugin; this test client is the plugin (keys from the stand-in's
	# report, computed by the stand-in from the password)
	STANDIN_PASSWORD=$TPASS sstpc_bg --ca-cert "$PKI/ca.pem" --log-level 3 \
		--user "$TUSER" --pppd "$STANDIN" --ipparam "$ip" \
		"localhost:$PORT" lcp-restart 1
	"$PY" - "$RUNDIR/sstpc-$ip" "$CASE_DIR/report.json" "$PORT" \
		>"$CASE_DIR/api.out" 2>&1 <<'PYEOF'
import json, os, socket, stat, struct, sys, time
path, rep, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
MAGIC = 0x73737470
def attr(t, d):
    return struct.pack("=HH", t, len(d)) + d + b"\0" * ((-len(d)) % 4)
def xchg(msg):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    s.sendall(msg)
    out = b""
    while True:
        try:
            d = s.recv(4096)
        except socket.timeout:
            break
        if not d:
            break
        out += d
        if len(out) >= 8 and len(out) >= 8 + struct.unpack("=H", out[4:6])[0]:
            s.settimeout(0.3)   # anything beyond the declared length?
    s.close()
    return out
ok = True
def check(name, cond, detail=""):
    global ok
    print(("ok   " if cond else "FAIL ") + name + (" " + detail if detail else ""))
    ok = ok and cond
t_end = time.time() + 8
keys = None
while time.time() < t_end:
    try:
        r = json.load(open(rep))
        if r.get("mppe_keys"):
            keys = r["mppe_keys"]; break
    except (OSError, ValueError):
        pass
    time.sleep(0.02)
check("stand-in authenticated", keys is not None)
mode = stat.S_IMODE(os.stat(path).st_mode)
check("socket mode 0600", mode == 0o600, oct(mode))
auth = attr(1, bytes.fromhex(keys["send"])) + attr(2, bytes.fromhex(keys["recv"]))
msg = struct.pack("=IHH", MAGIC, len(auth), 1) + auth
check("AUTH is 48 bytes", len(msg) == 48)
got = xchg(msg)
want = struct.pack("=IHH", MAGIC, 0, 3)
check("AUTH -> 8-byte ACK", got == want, got.hex())
got = xchg(struct.pack("=IHH", MAGIC, 0, 2))
sin = struct.pack("=H", socket.AF_INET) + struct.pack("!H", port) + \
    socket.inet_aton("127.0.0.1") + b"\0" * 8
body = attr(3, b"localhost") + attr(4, sin)
want = struct.pack("=IHH", MAGIC, len(body), 3) + body
check("ADDR -> ACK + GATEWAY + ADDR", got == want,
      "got %s want %s" % (got.hex(), want.hex()))
sys.exit(0 if ok else 1)
PYEOF
	APIRC=$?
	sstpc_wait 15
	expect '[ "$APIRC" = 0 ]' "$(grep FAIL "$CASE_DIR/api.out" | tr '\n' ' ')"
	expect '[ "$RC" = 0 ]' "exit $RC, want 0"
	expect 'wait_event 3 call_connected:binding=ok,hlak=keys' "binding not ok with the keys from AUTH"
	expect '[ ! -e "$RUNDIR/sstpc-$ip" ]' "socket left behind"
	verdict "sstp-api: AUTH -> 8-byte ACK, ADDR -> ACK+GATEWAY+ADDR, 0600, removed"
}

# --- pppd options ----------------------------------------------------------
case_options_200() {
	local i opts=()
	new_case options-200
	for i in $(seq 1 200); do opts+=(ms-wins "10.$((i / 250)).$((i % 250)).$((i % 7))"); done
	srv
	standin_env 1
	launch_args
	sstpc_bg "${LA[@]}" "localhost:$PORT" lcp-restart 1 "${opts[@]}" 3<"$PWFILE"
	sstpc_wait 15
	printf '%s\n' "${opts[@]}" | paste - - | tr '\t' ' ' >"$CASE_DIR/want.txt"
	report_get '"\n".join(o[1] + " " + str(o[2]) for o in r["options"] if o[0] == "argv" and o[1] == "ms-wins")' \
		>"$CASE_DIR/got.txt"
	expect '[ "$RC" = 0 ]' "exit $RC, want 0"
	expect 'cmp -s "$CASE_DIR/want.txt" "$CASE_DIR/got.txt"' \
		"options differ: $(diff "$CASE_DIR/want.txt" "$CASE_DIR/got.txt" | head -3 | tr '\n' ' ')"
	expect '[ "$(report_get "[o[1] for o in r[\"options\"] if o[0]==\"argv\"][-1]")" = ms-wins ]' \
		"pppd options not last/in order"
	verdict "pppd: 200 options passed through in order"
}

# --- passwords ---------------------------------------------------------------
# A password with quotes, backslashes, spaces, '#' and UTF-8 reaches pppd
# intact (the stand-in reports its SHA-256) and authenticates.
case_password_special() {
	local pw pwf sha
	new_case password-special
	pw=$'a "b" \'c\' \\d\\\\ e#f $x ä€𝄞 '"z$$"
	pwf="$CASE_DIR/pw"
	printf '%s\n' "$pw" >"$pwf"
	sha=$(printf '%s' "$pw" | sha256sum | cut -d' ' -f1)
	start_server "$CASE_DIR" valid --once --ppp-restart 1 --password "$pw" \
		--user "$TUSER" || CASE_WHY="server did not start"
	standin_env 1
	launch_args
	STANDIN_PW_ENCODING=utf8 sstpc_bg "${LA[@]}" "localhost:$PORT" \
		lcp-restart 1 3<"$pwf"
	sstpc_wait 15
	expect '[ "$RC" = 0 ]' "exit $RC, want 0"
	expect '[ "$(report_get "r[\"password\"][\"sha256\"]")" = "$sha" ]' \
		"stand-in got another password (len $(report_get 'r["password"]["length"]'))"
	expect 'wait_event 3 call_connected:binding=ok,hlak=keys' \
		"binding $(ev_get call_connected binding) (sstpc's snooped keys)"
	verdict "password: quotes, backslashes, spaces, UTF-8 reach pppd intact"
}

# --password on the command line: sampled /proc/*/cmdline of sstpc and the
# stand-in while connected, files under /tmp and the runtime dir written
# during the case, and the level-6 log never hold it.
case_password_argv() {
	local pw p leaks="" f
	new_case password-argv
	pw="argv-secret-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	touch "$CASE_DIR/.t0"
	start_server "$CASE_DIR" valid --once --ppp-restart 1 --password "$pw" \
		--user "$TUSER" || CASE_WHY="server did not start"
	standin_env 4
	sstpc_bg --ca-cert "$PKI/ca.pem" --log-level 6 --user "$TUSER" \
		--password "$pw" --pppd "$STANDIN" --ipparam "it-pw-$$" \
		"localhost:$PORT" lcp-restart 1
	wait_event 8 ipcp_up
	for p in "$SSTPC_PID" $(standin_pids); do
		tr '\0' ' ' <"/proc/$p/cmdline" >"$CASE_DIR/cmdline.$p" 2>/dev/null
		grep -qF -- "$pw" "$CASE_DIR/cmdline.$p" && leaks="$leaks cmdline:$p"
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qF -- "$pw" &&
			leaks="$leaks environ:$p"
	done
	NSAMPLED=$(ls "$CASE_DIR"/cmdline.* 2>/dev/null | wc -l)
	sstpc_wait 15
	for f in $(find /tmp "$RUNDIR" -xdev -type f -newer "$CASE_DIR/.t0" \
	    -size -2M 2>/dev/null | grep -v "^$WORK/"); do
		grep -qF -- "$pw" "$f" 2>/dev/null && leaks="$leaks file:$f"
	done
	grep -qF -- "$pw" "$CASE_DIR/sstpc.log" "$CASE_DIR/sstpc.out" \
		"$CASE_DIR/sstpc.err" && leaks="$leaks log"
	expect '[ "$RC" = 0 ]' "exit $RC, want 0"
	expect '[ "$NSAMPLED" -ge 2 ]' "sampled only $NSAMPLED processes"
	expect '[ -z "$leaks" ]' "password found in:$leaks"
	expect 'has_event call_connected:binding=ok' "binding not ok"
	verdict "password: --password scrubbed from cmdline, not in /tmp, runtime dir or log"
}
case_password_file() {
	new_case password-file
	srv
	standin_env 1
	sstpc_bg --ca-cert "$PKI/ca.pem" --log-level 3 --user "$TUSER" \
		--password-file "$PWFILE" --pppd "$STANDIN" --ipparam "it-pf-$$" \
		"localhost:$PORT" lcp-restart 1
	sstpc_wait 15
	expect '[ "$RC" = 0 ]' "exit $RC, want 0"
	expect 'wait_event 3 call_connected:binding=ok,hlak=keys' "binding not ok"
	expect '[ "$(report_get "r[\"password\"][\"sha256\"]")" = "$(printf %s "$TPASS" | sha256sum | cut -d" " -f1)" ]' \
		"stand-in got another password"
	verdict "password: --password-file works"
}
case_password_fd() {
	new_case password-fd
	srv
	standin_env 1
	sstpc_bg --ca-cert "$PKI/ca.pem" --log-level 3 --user "$TUSER" \
		--password-fd 7 --pppd "$STANDIN" --ipparam "it-pfd-$$" \
		"localhost:$PORT" lcp-restart 1 7<"$PWFILE"
	sstpc_wait 15
	expect '[ "$RC" = 0 ]' "exit $RC, want 0"
	expect 'wait_event 3 call_connected:binding=ok,hlak=keys' "binding not ok"
	expect '[ "$(report_get "r[\"password\"][\"sha256\"]")" = "$(printf %s "$TPASS" | sha256sum | cut -d" " -f1)" ]' \
		"stand-in got another password"
	expect '! grep -q "/dev/fd/7\|password-fd" "$CASE_DIR/report.json"' "fd 7 leaked to pppd's argv"
	verdict "password: --password-fd 7 works"
}

ALL_CASES="launch_mschapv2 launch_pap launch_eap pty_nm plugin_absent
plugin_sock api_bytes options_200 password_special password_argv
password_file password_fd"

if [ ! -x "$SSTPC" ]; then
	echo "tier2: no sstpc binary at $SSTPC"
	fail "sstpc-binary"
	finish
	exit
fi
# shellcheck disable=SC2086
run_cases "${JOBS:-6}" ${CASES:-$ALL_CASES}
finish
