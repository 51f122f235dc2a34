#!/usr/bin/env bash
# tests/integration/check-scenarios.sh - every scenario switch of the test
# server is exercised by at least one client test (a tier script passes it
# with --scenario NAME or inside a scenario list).  Patterned switches
# (nak-N, http-status-NNN, abort-after=S ...) count when any instance is
# used.  Prints one line per unused switch and "N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
names=$(/usr/bin/python3 "$top/tests/server/sstp_server.py" --list-scenarios |
	awk '{print $1}')
pass=0 fail=0
for n in $names; do
	# nak-N -> nak-[0-9]+, http-status-NNN -> http-status-[0-9]+, abort-after=S -> abort-after=[0-9.]+
	re=$(printf '%s' "$n" | sed -E 's/-N$/-[0-9]+/; s/-NNN$/-[0-9]+/; s/=S$/=[0-9.]+/; s/\./\\./g')
	if grep -Eq -- "(^|[^a-z0-9-])$re([^a-z0-9-]|$)" "$top"/tests/integration/tier*.sh; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: scenario $n is not used by any client test"
	fi
done
echo "scenario coverage: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
