#!/bin/sh
# check-manpage.sh - the long options listed by "sstpc --help" and those
# documented in doc/sstpc.8 must be the same set.
#
# usage: check-manpage.sh [PROGRAM [MANPAGE]]
#   PROGRAM  what prints --help (default $top_builddir/sstpc)
#   MANPAGE  the page to compare (default $top_srcdir/doc/sstpc.8)
# (check-manpage-sstpd.sh runs it for sstpd and doc/sstpd.8.)
#
# Run by "make check" with top_srcdir and top_builddir in the environment.
# The man page writes every option as \-\-name (hyphens inside names may be
# \- too); roff comment lines are ignored.  Exit: 0 same set, 1 differences
# (listed), 77 skipped (no sstpc binary, or its --help lists no options yet),
# 99 hard error.

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
bin=${1:-$top_builddir/sstpc}
man=${2:-$top_srcdir/doc/sstpc.8}
prog=$(basename "$bin")
page=$(basename "$man")

if [ ! -r "$man" ]; then
	echo "ERROR: cannot read $man"
	exit 99
fi
if [ ! -x "$bin" ]; then
	echo "SKIP: $bin is not built"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-manpage.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' HUP INT TERM

"$bin" --help >"$tmp/help" 2>&1
rc=$?
grep -o -e '--[a-z0-9][a-z0-9-]*' "$tmp/help" | sort -u >"$tmp/help.opts"
if [ ! -s "$tmp/help.opts" ]; then
	echo "SKIP: '$bin --help' lists no options yet"
	exit 77
fi
if [ "$rc" -ne 0 ]; then
	echo "FAIL: '$bin --help' exited with status $rc (want 0)"
	exit 1
fi

sed -e '/^\.\\"/d' -e "/^'\\\\\"/d" -e 's/\\-/-/g' "$man" |
	grep -o -e '--[a-z0-9][a-z0-9-]*' | sort -u >"$tmp/man.opts"

comm -23 "$tmp/help.opts" "$tmp/man.opts" >"$tmp/only-help"
comm -13 "$tmp/help.opts" "$tmp/man.opts" >"$tmp/only-man"
if [ -s "$tmp/only-help" ] || [ -s "$tmp/only-man" ]; then
	echo "FAIL: $prog --help and $page differ"
	if [ -s "$tmp/only-help" ]; then
		echo "in --help but not in the man page:"
		sed 's/^/  /' "$tmp/only-help"
	fi
	if [ -s "$tmp/only-man" ]; then
		echo "in the man page but not in --help:"
		sed 's/^/  /' "$tmp/only-man"
	fi
	exit 1
fi
echo "ok: $(wc -l <"$tmp/help.opts") options in both --help and the man page"
exit 0
