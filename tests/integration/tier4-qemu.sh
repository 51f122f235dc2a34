#!/usr/bin/env bash
# tests/integration/tier4-qemu.sh - tier 4: real pppd, real kernel PPP.
#
# This machine's kernel has no PPP, so the test boots Debian's own kernel
# (never installed: tests/qemu/build-image.sh unpacks it) under
# qemu-system-x86_64 with TCG and no network card, from an initramfs with
# busybox, the ppp/virtio-serial modules, Debian's pppd and socat, plus the
# freshly built sstpc and sstp-pppd-plugin.so.
#
# Design (chosen and measured):
# - The Python test server runs on the HOST (one per case, each with its own
#   events file; it verifies the crypto binding).  The guest reaches it over
#   virtio-serial: one port per case (name sstp.CASE), whose qemu chardev is
#   a TCP client of that case's server; inside the guest socat relays
#   127.0.0.1:443 to the port, so sstpc connects to "localhost" as usual.
#   No python in the guest, no network card, no host network change.
# - The far end of PPP is the host server, so nothing short-circuits in the
#   guest (192.0.2.1 is not local there) and no network namespace is needed.
# - -kernel gets the uncompressed vmlinux (PVH): ~2.5 s to userspace under
#   TCG, against ~5.6 s for the bzImage.
# - The guest prints results on the serial console (tests/qemu/guest-init.sh
#   describes the lines); this script parses them and the servers' events
#   and prints one ok/FAIL line per check.
# Cases:
#   a  launch mode: sstpc --user U --password-fd 5 localhost -- <pppd opts>;
#      SIGTERM to sstpc.
#   b  NetworkManager-sstp's exact way: pppd pty "sstpc --nolaunchpppd
#      --ipparam X ..." with NM's option set and plugin sstp-pppd-plugin.so
#      sstp-sock /var/run/sstpc/sstpc-X; SIGTERM to pppd (as NM does).
#   c  like b with require-mppe-128 (kernel ppp_mppe, server requires MPPE);
#      SIGTERM to sstpc.
#   d  launch mode with --user only: the password comes from chap-secrets and
#      sstpc has pppd load the plugin from its built-in plugin directory.
#   f  launch mode, the connection refused (127.0.0.1:1, no server): exit 3
#      and sstpc's line as the only output; the real pppd never runs.
# Key source: a derives the HLAK from its own password copy (snooping, by
# design no plugin with a password); b, c and d must get the keys from the
# real plugin.  Every case needs the server's Compound MAC check to pass.
# Environment: SSTPC (the binary), SSTP_PLUGIN (the .so; default: found next
# to sstpc), SSTPC_TEST_CACHE (default /var/cache/sstpc-tests), QEMU,
# QEMU_TIMEOUT (s, default 150), QEMU_ACCEL (default tcg), CASES ("a b c d").
# SSTPC_DEBS=DIR: the guest gets sstpc and sstp-pppd-plugin.so from DIR's
# sstpc_*.deb (unpacked with dpkg-deb -x) instead of SSTPC/SSTP_PLUGIN
# (tests/deb/run.sh runs the tier once that way).
# Exit 77 (outside CI only) when a prerequisite is missing.
TIER_NAME=tier4-qemu
. "$(dirname "$0")/lib.sh"

QDIR="$TOP/tests/qemu"
QEMU=${QEMU:-qemu-system-x86_64}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-150}
QEMU_ACCEL=${QEMU_ACCEL:-tcg}
CASES=${CASES:-a b c d e f}
IN_CI=0
[ "${CI:-}" = true ] && IN_CI=1
SPIDS=()

stop_all() {
	local p
	for p in "${SPIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	SPIDS=()
}
trap 'stop_all; cleanup' EXIT

# unavailable WHAT: a prerequisite is missing: skip outside CI, fail in CI
unavailable() {
	if [ $IN_CI = 1 ]; then
		fail "tier4.prerequisites" "$1"
		finish
		exit 1
	fi
	echo "SKIP $TIER_NAME: $1"
	exit 77
}

if [ -n "${SSTPC_DEBS:-}" ]; then
	deb=$(ls "$SSTPC_DEBS"/sstpc_*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || unavailable "no sstpc_*.deb in $SSTPC_DEBS"
	dpkg-deb -x "$deb" "$WORK/debroot" || unavailable "dpkg-deb -x $deb"
	SSTPC=$WORK/debroot/usr/sbin/sstpc
	SSTP_PLUGIN=$(ls "$WORK"/debroot/usr/lib/pppd/*/sstp-pppd-plugin.so | head -n 1)
	echo "sstpc and plugin from $deb"
fi
command -v "$QEMU" >/dev/null 2>&1 ||
    unavailable "$QEMU not found (apt-get install qemu-system-x86)"
[ -x "$SSTPC" ] || unavailable "sstpc not built at $SSTPC (set SSTPC)"

# the plugin: SSTP_PLUGIN, else next to sstpc in the build tree
PLUGIN=${SSTP_PLUGIN:-}
if [ -z "$PLUGIN" ]; then
	b=$(dirname "$SSTPC")
	for p in "$b/.libs/sstp-pppd-plugin.so" "$b/plugin/.libs/sstp-pppd-plugin.so" \
	    "$b/sstp-pppd-plugin.so" "$b/plugin/sstp-pppd-plugin.so"; do
		[ -f "$p" ] && { PLUGIN=$p; break; }
	done
fi
# the plugin directory sstpc was built for (launch mode looks there)
SSTPC_PLUGIN_DIR=$(strings -a "$SSTPC" 2>/dev/null |
    grep -m1 -E '^/[^ ]*/pppd/[0-9][0-9.]*$')
[ -n "$SSTPC_PLUGIN_DIR" ] || SSTPC_PLUGIN_DIR=/usr/local/lib/pppd/2.4.9

run_cases=
for c in $CASES; do
	case $c in
	a|e|f) run_cases="$run_cases $c" ;;
	b|c|d)
		if [ -n "$PLUGIN" ]; then
			run_cases="$run_cases $c"
		elif [ $IN_CI = 1 ]; then
			fail "$c.prerequisites" "sstp-pppd-plugin.so not built (set SSTP_PLUGIN)"
		else
			echo "SKIP case $c: sstp-pppd-plugin.so not built (set SSTP_PLUGIN)"
		fi ;;
	*) fail "tier4.cases" "unknown case '$c'" ;;
	esac
done
[ -n "$run_cases" ] || { [ $IN_CI = 1 ] && { finish; exit 1; }; echo "SKIP $TIER_NAME: no case can run"; exit 77; }

# --- kernel and base initramfs (cached) ----------------------------------------
t_build0=$(date +%s%N)
"$QDIR/build-image.sh" >"$WORK/image.env" 2>"$WORK/image.err"
rc=$?
if [ $rc = 77 ]; then
	unavailable "$(tail -1 "$WORK/image.err")"
elif [ $rc != 0 ]; then
	cat "$WORK/image.err" >&2
	fail "tier4.image" "build-image.sh exit $rc"
	finish
	exit 1
fi
. "$WORK/image.env"
t_build=$(( ($(date +%s%N) - t_build0) / 1000000 ))

# --- per-run overlay: sstpc, plugin, certificates, init --------------------------
OV="$WORK/overlay"
mkdir -p "$OV/usr/sbin" "$OV/etc/sstpc-test" "$OV/etc/ppp" \
    "$OV$SSTPC_PLUGIN_DIR" "$OV/usr/lib/pppd/$QEMU_PPPD_VERSION"
copy_libs() {
	local f=$1 l
	for l in $(ldd "$f" 2>/dev/null |
	    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$OV$(dirname "$l")" && cp -L "$l" "$OV$l" || return 1
	done
}
cp "$SSTPC" "$OV/usr/sbin/sstpc" && copy_libs "$SSTPC" ||
    { fail "tier4.overlay" "cannot copy sstpc"; finish; exit 1; }
if [ -n "$PLUGIN" ]; then
	# pppd's own plugin dir (for "plugin sstp-pppd-plugin.so") and the
	# one sstpc's launch mode checks
	cp "$PLUGIN" "$OV/usr/lib/pppd/$QEMU_PPPD_VERSION/sstp-pppd-plugin.so" &&
	    copy_libs "$PLUGIN" ||
	    { fail "tier4.overlay" "cannot copy the plugin"; finish; exit 1; }
	[ "$SSTPC_PLUGIN_DIR" = "/usr/lib/pppd/$QEMU_PPPD_VERSION" ] ||
	    cp "$PLUGIN" "$OV$SSTPC_PLUGIN_DIR/sstp-pppd-plugin.so"
fi
cp "$QDIR/guest-init.sh" "$OV/init" && chmod 755 "$OV/init"
cp "$PKI/ca.pem" "$OV/etc/sstpc-test/ca.pem"
printf '%s\n' "$TUSER" >"$OV/etc/sstpc-test/user"
printf '%s\n' "$TPASS" >"$OV/etc/sstpc-test/password"
chmod 600 "$OV/etc/sstpc-test/password"
echo $run_cases >"$OV/etc/sstpc-test/cases"
# chap-secrets for b/c: quote the password, escaping \ and "
qpass=$(printf '%s' "$TPASS" | sed 's/[\\"]/\\&/g')
printf '%s * "%s" *\n' "$TUSER" "$qpass" >"$OV/etc/ppp/chap-secrets"
chmod 600 "$OV/etc/ppp/chap-secrets"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$OV/etc/hosts"
printf 'hosts: files\npasswd: files\ngroup: files\n' >"$OV/etc/nsswitch.conf"
printf 'root:x:0:0:root:/root:/bin/sh\nsstpc:x:101:101:sstpc:/run/sstpc:/bin/false\n' \
    >"$OV/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nsstpc:x:101:\n' >"$OV/etc/group"
(cd "$OV" && find . | LC_ALL=C sort |
    "$QEMU_BUSYBOX" cpio -o -H newc -R 0:0 >"$WORK/overlay.cpio" 2>/dev/null) ||
    { fail "tier4.overlay" "cpio"; finish; exit 1; }
cat "$QEMU_BASE_CPIO" "$WORK/overlay.cpio" >"$WORK/initrd.cpio"

# --- servers: one per case -------------------------------------------------------
chardevs=()
declare -A CDIR
for c in $run_cases; do
	new_case "$c"
	CDIR[$c]=$CASE_DIR
	[ "$c" = f ] && continue	# no server: the connection is refused
	sargs=(--http-timeout 300 --dns 192.0.2.53)
	[ "$c" = c ] && sargs+=(--scenario mppe-required)
	[ "$c" = e ] && sargs+=(--auth eap-mschapv2)
	if ! start_server "$CASE_DIR" valid "${sargs[@]}"; then
		fail "$c.server" "test server did not start"
		finish
		exit 1
	fi
	SPIDS+=("$SPID")
	SPID=
	chardevs+=(-chardev "socket,id=s$c,host=127.0.0.1,port=$PORT,nodelay=on"
	    -device "virtserialport,bus=vser.0,chardev=s$c,name=sstp.$c")
done

# --- boot ----------------------------------------------------------------------
CON="$WORK/console.log"
t0=$(date +%s%N)
timeout -k 5 "$QEMU_TIMEOUT" "$QEMU" -accel "$QEMU_ACCEL" -cpu max -m 512 \
    -nodefaults -nic none -display none -no-reboot -monitor none \
    -chardev "file,id=con,path=$CON" -serial chardev:con \
    -kernel "$QEMU_KERNEL" -initrd "$WORK/initrd.cpio" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init" \
    -device virtio-serial-pci,id=vser "${chardevs[@]}" \
    >"$WORK/qemu.out" 2>&1
qrc=$?
t_qemu=$(( ($(date +%s%N) - t0) / 1000000 ))
stop_all
tr -d '\r' <"$CON" >"$WORK/console.txt"

# split the guest's log files into the case directories
while IFS= read -r line; do
	rest=${line#@@F }
	f=${rest%% *}
	c=${f%%/*}
	[ -n "${CDIR[$c]:-}" ] || continue
	txt=${rest#"$f"}
	printf '%s\n' "${txt# }" >>"${CDIR[$c]}/${f#*/}"
done < <(grep -a '^@@F ' "$WORK/console.txt")
for c in $run_cases; do
	d=${CDIR[$c]}
	# b/c log through syslog as under NM: sstpc's and pppd's lines, kept
	# as sstpc.log so that a failure shows both
	[ -f "$d/syslog.log" ] && cp "$d/syslog.log" "$d/sstpc.log"
done

if grep -aq '^@@END' "$WORK/console.txt"; then
	pass "guest.completed (qemu ${t_qemu} ms, exit $qrc)"
else
	fail "guest.completed" "no @@END on the console (qemu exit $qrc after ${t_qemu} ms)"
	echo "  --- console (tail)"
	grep -av '^@@F ' "$WORK/console.txt" | tail -25 | sed 's/^/  | /'
	sed 's/^/  | qemu: /' "$WORK/qemu.out" | tail -5
fi

# guest checks, in order
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
	fi
done < <(grep -a '^@@R ' "$WORK/console.txt")

# server-side checks, per case
for c in $run_cases; do
	CASE_DIR=${CDIR[$c]}
	ev="$CASE_DIR/events.jsonl"
	if ! grep -aq "^@@C $c " "$WORK/console.txt"; then
		fail "$c.ran" "the guest did not reach case $c"
		continue
	fi
	[ "$c" = f ] && continue	# guest checks only
	if has_event call_connected:binding=ok; then
		pass "$c.server_crypto_binding (Call Connected, Compound MAC verified)"
	else
		fail "$c.server_crypto_binding" "$(grep -a -o '"event": "call_connected".*' "$ev" | cut -c1-160)"
	fi
	n=$(grep -ac '"event": "icmp_echo"' "$ev")
	if [ "$c" = c ]; then
		nm=$(grep -a '"event": "icmp_echo"' "$ev" | grep -ac '"mppe": true')
		if [ "$nm" -ge 5 ] && [ "$nm" = "$n" ]; then
			pass "$c.server_echo_mppe ($nm ICMP echoes, all MPPE-encrypted)"
		else
			fail "$c.server_echo_mppe" "$n echoes, $nm MPPE"
		fi
	elif [ "$n" -ge 5 ]; then
		pass "$c.server_echo ($n ICMP echoes)"
	else
		fail "$c.server_echo" "$n ICMP echoes seen by the server"
	fi
	if has_event disconnect_received; then
		pass "$c.server_call_disconnect"
	else
		fail "$c.server_call_disconnect" "server saw no Call Disconnect: $(grep -a -o '"event": "\(ppp_terminate\|session_end\|abort[a-z_]*\)"[^}]*' "$ev" | tr '\n' ' ' | cut -c1-200)"
	fi
	# pppd's LCP Terminate-Request before the Call Disconnect: the order
	# of a clean PPP-over-SSTP teardown.  Checked in launch mode, where
	# sstpc controls it; in pty mode pppd hands its SIGTERM to sstpc too
	# (same process group), so only reported.
	lt=$(grep -a -n '"event": "ppp_terminate", "by": "client"' "$ev" | head -1 | cut -d: -f1)
	dc=$(grep -a -n '"event": "disconnect_received"' "$ev" | head -1 | cut -d: -f1)
	if [ -n "$lt" ] && [ -n "$dc" ] && [ "$lt" -lt "$dc" ]; then
		ord="LCP Terminate-Request, then Call Disconnect"
	else
		ord="no LCP Terminate-Request from pppd reached the server before the Call Disconnect"
	fi
	if [ "$c" = a ] || [ "$c" = d ] || [ "$c" = e ]; then
		case $ord in
		LCP*) pass "$c.server_lcp_terminate_first ($ord)" ;;
		*) fail "$c.server_lcp_terminate_first" "$ord" ;;
		esac
	else
		[ "$c" = b ] && echo "info $c.teardown_order: $ord"
	fi
	if has_event '!icmp_malformed' '!ip_malformed' '!ppp_bad_frame' \
	    '!framing_error' '!mppe_decrypt_error' '!ip_unencrypted_with_mppe'; then
		pass "$c.server_clean_data_path (no malformed frame or packet)"
	else
		fail "$c.server_clean_data_path" "$(grep -a -o '"event": "\(icmp_malformed\|ip_malformed\|ppp_bad_frame\|framing_error\|mppe_decrypt_error\|ip_unencrypted_with_mppe\)"[^}]*' "$ev" | head -2 | tr '\n' ' ')"
	fi
	if has_event '!abort_sent' '!abort_received'; then
		pass "$c.server_no_abort"
	else
		fail "$c.server_no_abort" "$(grep -a -o '"event": "abort[a-z_]*"[^}]*' "$ev" | head -2 | tr '\n' ' ')"
	fi
done

echo "timings: image ${t_build} ms, qemu ${t_qemu} ms; guest:" \
    "$(grep -a '^@@T ' "$WORK/console.txt" | cut -d' ' -f2- | tr ' ' '=' | tr '\n' ' ')"
finish
