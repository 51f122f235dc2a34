#!/bin/sh
# check-config-sstpd.sh - sstpd --check-config with --pppd looks at the
# files the pppd backend needs: a missing --pppd-options or --plugin, or
# a --pppd-path that cannot run, is exit status 2 with one line naming
# it; all of them there is 0.
#
# usage: check-config-sstpd.sh   (top_builddir from make check)
# Exit statuses: 0 all cases as expected, 1 not, 99 no sstpd built.

top_builddir=${top_builddir:-.}
sstpd=$top_builddir/sstpd
[ -x "$sstpd" ] || { echo "check-config-sstpd: no $sstpd"; exit 99; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/check-config-sstpd.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT
: >"$dir/options"
: >"$dir/plugin.so"
: >"$dir/notexec"
bad=0

# case NAME WANT-STATUS WANT-TEXT ARGS...
case_() {
	name=$1 want=$2 text=$3
	shift 3
	out=$("$sstpd" --check-config --no-tls --cert-hash-sha256 \
	    "$(printf '%064d' 0)" --pool 192.0.2.0/24 --pppd "$@" 2>&1)
	st=$?
	if [ "$st" -eq "$want" ] && printf '%s\n' "$out" | grep -qF -- "$text"
	then
		echo "ok: $name"
	else
		echo "FAIL: $name: status $st, wanted $want and '$text':"
		printf '%s\n' "$out"
		bad=1
	fi
}

case_ "every file there" 0 "configuration ok" --pppd-path /bin/sh \
	--pppd-options "$dir/options" --plugin "$dir/plugin.so"
case_ "--pppd-options missing" 2 \
	"--pppd-options $dir/none: cannot read: No such file or directory" \
	--pppd-path /bin/sh --pppd-options "$dir/none" \
	--plugin "$dir/plugin.so"
case_ "--pppd-options a directory" 2 \
	"--pppd-options $dir: not a regular file" \
	--pppd-path /bin/sh --pppd-options "$dir" --plugin "$dir/plugin.so"
case_ "--plugin missing" 2 \
	"--plugin $dir/none.so: cannot read: No such file or directory" \
	--pppd-path /bin/sh --pppd-options "$dir/options" \
	--plugin "$dir/none.so"
case_ "--pppd-path not executable" 2 \
	"--pppd-path $dir/notexec: Permission denied" \
	--pppd-path "$dir/notexec" --pppd-options "$dir/options" \
	--plugin "$dir/plugin.so"
exit $bad
