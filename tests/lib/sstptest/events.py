#!/usr/bin/python3
"""Read and assert on the test server's JSON-lines event file.

Library:
    load(path)                      -> list of event dicts
    find(events, name, **match)     -> matching events (values compared
                                       after str(), so binding="ok",
                                       status=404 and status="404" all work;
                                       a list/dict field is compared with
                                       the JSON-decoded string)
    wait_for(path, name, timeout=10, **match) -> first match or None
                                       (polls the file)

Command line (exit 0 only if every spec holds):
    events.py FILE SPEC...
    SPEC = [!]NAME[:KEY=VALUE[,KEY=VALUE...]]
    '!' means "no such event".  Example:
    events.py ev.jsonl call_connected:binding=ok icmp_echo '!abort_sent'
Add --wait SECONDS to poll until the positive specs appear.
"""

import json
import re
import sys
import time


def load(path):
    """All events in ``path`` (ignores a torn last line)."""
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    except FileNotFoundError:
        pass
    return out


def _match(ev, name, match):
    if ev.get("event") != name:
        return False
    for k, v in match.items():
        if k not in ev:
            return False
        got = ev[k]
        if isinstance(got, (list, dict)) and isinstance(v, str):
            try:
                v = json.loads(v)
            except ValueError:
                return False
            if got != v:
                return False
        elif isinstance(got, bool) or isinstance(v, bool):
            if str(got).lower() != str(v).lower():
                return False
        elif str(got) != str(v):
            return False
    return True


def find(events, name, **match):
    """Events called ``name`` whose fields equal ``match``."""
    return [e for e in events if _match(e, name, match)]


def wait_for(path, name, timeout=10.0, **match):
    """Poll ``path`` until a matching event appears; None on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        hits = find(load(path), name, **match)
        if hits:
            return hits[0]
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


def parse_spec(spec):
    """'!name:k=v,k2=v2' -> (negated, name, {k: v})."""
    neg = spec.startswith("!")
    spec = spec.lstrip("!")
    name, _, rest = spec.partition(":")
    match = {}
    if rest:
        for kv in re.split(r",(?=[A-Za-z_][A-Za-z0-9_]*=)", rest):
            k, _, v = kv.partition("=")
            match[k] = v
    return neg, name, match


def main(argv):
    """CLI entry."""
    wait = 0.0
    if len(argv) >= 2 and argv[0] == "--wait":
        wait = float(argv[1])
        argv = argv[2:]
    if not argv:
        sys.stderr.write(__doc__)
        return 2
    path, specs = argv[0], [parse_spec(s) for s in argv[1:]]
    deadline = time.monotonic() + wait
    while True:
        evs = load(path)
        bad = []
        for neg, name, match in specs:
            hit = bool(find(evs, name, **match))
            if hit == neg:
                bad.append(("!" if neg else "") + name + (
                    ":" + ",".join("%s=%s" % kv for kv in match.items())
                    if match else ""))
        if not bad or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    for b in bad:
        print("events: FAILED %s" % b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
