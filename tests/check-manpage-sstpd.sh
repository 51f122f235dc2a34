#!/bin/sh
# check-manpage-sstpd.sh - "sstpd --help" and doc/sstpd.8 must list the same
# long options (tests/check-manpage.sh does the comparison).
#
# usage: check-manpage-sstpd.sh [PROGRAM]
#   PROGRAM  what prints sstpd's --help: by default $top_builddir/sstpd, or,
#            while that program is not built, tests/unit/sstpd/sstpd_help
#            (a driver printing sstpd_conf_help(), the same text).
# Exit statuses as check-manpage.sh's.

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
export top_srcdir top_builddir
bin=$1
if [ -z "$bin" ]; then
	bin=$top_builddir/sstpd
	[ -x "$bin" ] || bin=$top_builddir/tests/unit/sstpd/sstpd_help
fi
exec sh "$top_srcdir/tests/check-manpage.sh" "$bin" "$top_srcdir/doc/sstpd.8"
