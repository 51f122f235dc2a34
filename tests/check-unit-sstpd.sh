#!/bin/sh
# check-unit-sstpd.sh - the systemd unit make wrote (support/sstpd.service
# from support/sstpd.service.in) runs the sstpd this configure installs:
# every ExecStart=/ExecStartPre= names $sbindir/sstpd, and no @...@ is
# left unreplaced.
#
# usage: check-unit-sstpd.sh   (top_builddir and sbindir from make check)
# Exit statuses: 0 the unit is right, 1 it is not, 99 it was not written.

top_builddir=${top_builddir:-.}
unit=$top_builddir/support/sstpd.service
if [ -z "$sbindir" ] || [ ! -f "$unit" ]; then
	echo "check-unit-sstpd: no $unit or no \$sbindir (run by make check)"
	exit 99
fi
bad=0
n=$(grep -c '^ExecStart\(Pre\)\?=' "$unit")
if [ "$n" -ne 2 ]; then
	echo "check-unit-sstpd: $n ExecStart=/ExecStartPre= lines, expected 2"
	bad=1
fi
grep '^ExecStart\(Pre\)\?=' "$unit" | while IFS= read -r line; do
	case ${line#*=} in
	"$sbindir/sstpd "*) ;;
	*)	echo "check-unit-sstpd: not $sbindir/sstpd: $line"
		exit 1 ;;
	esac
done || bad=1
if grep -n '@[a-z_]*@' "$unit"; then
	echo "check-unit-sstpd: unreplaced @...@ above"
	bad=1
fi
[ "$bad" -eq 0 ] && echo "check-unit-sstpd: ExecStart names $sbindir/sstpd"
exit $bad
