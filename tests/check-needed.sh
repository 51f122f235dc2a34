#!/bin/sh
# check-needed.sh - sstpc does not link libevent_extra: evdns is dlopen()ed
# on the first host name (src/net/dns.h), so a run against an address
# literal never maps it.  Checks the program's DT_NEEDED entries.
#
# usage: check-needed.sh   (top_builddir from make check; readelf)
# Exit statuses: 0 not linked, 1 linked, 77 no readelf, 99 no sstpc.

top_builddir=${top_builddir:-.}
prog=$top_builddir/sstpc
if [ ! -x "$prog" ]; then
	echo "check-needed: no $prog (run by make check)"
	exit 99
fi
command -v readelf >/dev/null 2>&1 || { echo "check-needed: no readelf"; exit 77; }
needed=$(readelf -d "$prog" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
echo "check-needed: sstpc needs: $needed"
case " $needed" in
*" libevent_extra"*)
	echo "check-needed: sstpc links libevent_extra; it must be dlopen()ed (src/net/dns.h)"
	exit 1 ;;
*" libevent_core"*) exit 0 ;;
*)
	echo "check-needed: sstpc does not need libevent_core?"
	exit 1 ;;
esac
