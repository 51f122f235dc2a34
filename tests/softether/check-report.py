#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-report.py - assertions on a pppd-standin JSON report.

Usage: check-report.py [--wait SECONDS] REPORT SPEC...
  SPEC = PATH=VALUE    the value (str() of it; JSON true/false/null as
                       true/false/null) equals VALUE
         PATH~REGEX    the value matches REGEX (re.fullmatch)
         PATH>=N       the value is a number >= N
  PATH is dotted: auth.method, ping.received, exit.status ...
Exit 0 only if every spec holds; otherwise print each failing spec with the
value found and exit 1.  --wait polls (every 0.1 s) until all hold or the
time is up (the stand-in rewrites the report at each milestone).
Standard library only.
"""

import json
import re
import sys
import time


def lookup(doc, path):
    cur = doc
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None, False
        cur = cur[part]
    return cur, True


def text(val):
    if isinstance(val, bool):
        return "true" if val else "false"
    if val is None:
        return "null"
    return str(val)


def check(doc, spec):
    m = re.fullmatch(r"([A-Za-z0-9_.]+)(>=|=|~)(.*)", spec)
    if m is None:
        return "bad spec"
    path, op, want = m.groups()
    val, found = lookup(doc, path)
    if not found:
        return "missing"
    if op == "=" and text(val) == want:
        return None
    if op == "~" and re.fullmatch(want, text(val)):
        return None
    if op == ">=" and isinstance(val, (int, float)) and \
            not isinstance(val, bool) and val >= float(want):
        return None
    return "is %s" % json.dumps(val)


def run(path, specs):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return ["%s: %s" % (path, e)]
    bad = []
    for s in specs:
        why = check(doc, s)
        if why is not None:
            bad.append("%s: %s" % (s, why))
    return bad


def main(argv):
    wait = 0.0
    if len(argv) > 2 and argv[1] == "--wait":
        wait = float(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) < 3:
        sys.exit(__doc__)
    end = time.monotonic() + wait
    while True:
        bad = run(argv[1], argv[2:])
        if not bad or time.monotonic() >= end:
            break
        time.sleep(0.1)
    for b in bad:
        print("report: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
