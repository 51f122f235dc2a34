#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""binpatch.py - apply a checked binary patch (see proto-container.binpatch).

Usage:
  binpatch.py SPEC key              print the cache key: version-sha256(SPEC)[:12]
  binpatch.py SPEC get FIELD        print one field of SPEC
  binpatch.py SPEC apply OUT        write the patched copy of SPEC's file to OUT
  binpatch.py SPEC verify FILE      exit 0 if FILE has SPEC's sha256-out

apply refuses (exit 1, with a message) unless the input has sha256-in, the
bytes at the offset are exactly `old`, and the result has sha256-out; OUT is
written to a temporary name and renamed, so a cache never holds half a file.
Standard library only.
"""

import hashlib
import os
import sys

FIELDS = ("package", "version", "file", "sha256-in", "offset", "old", "new",
          "sha256-out")


def load(path):
    spec = {}
    with open(path, "rb") as f:
        raw = f.read()
    for n, line in enumerate(raw.decode("ascii").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, val = line.partition(" ")
        if key not in FIELDS or key in spec:
            sys.exit("%s:%d: unknown or repeated field %r" % (path, n, key))
        spec[key] = val.strip()
    missing = [k for k in FIELDS if k not in spec]
    if missing:
        sys.exit("%s: missing %s" % (path, ", ".join(missing)))
    spec["offset"] = int(spec["offset"], 0)
    spec["old"] = bytes.fromhex(spec["old"])
    spec["new"] = bytes.fromhex(spec["new"])
    if len(spec["old"]) != len(spec["new"]):
        sys.exit("%s: old and new differ in length" % path)
    spec["key"] = "%s-%s" % (spec["version"],
                             hashlib.sha256(raw).hexdigest()[:12])
    return spec


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def apply(spec, out):
    with open(spec["file"], "rb") as f:
        data = bytearray(f.read())
    if sha256(data) != spec["sha256-in"]:
        sys.exit("binpatch: %s has sha256 %s, not the %s this patch is for"
                 % (spec["file"], sha256(data), spec["sha256-in"]))
    off, old, new = spec["offset"], spec["old"], spec["new"]
    if bytes(data[off:off + len(old)]) != old:
        sys.exit("binpatch: unexpected bytes at offset %#x" % off)
    data[off:off + len(new)] = new
    if sha256(data) != spec["sha256-out"]:
        sys.exit("binpatch: result has sha256 %s, expected %s"
                 % (sha256(data), spec["sha256-out"]))
    tmp = "%s.tmp.%d" % (out, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o755)
    os.rename(tmp, out)


def main(argv):
    if len(argv) != 4 and not (len(argv) == 3 and argv[2] == "key"):
        sys.exit(__doc__)
    spec = load(argv[1])
    cmd = argv[2]
    if cmd == "key":
        print(spec["key"])
    elif cmd == "get":
        val = spec.get(argv[3])
        if val is None:
            sys.exit("binpatch: no field %r" % argv[3])
        print(val.hex() if isinstance(val, bytes) else val)
    elif cmd == "apply":
        apply(spec, argv[3])
    elif cmd == "verify":
        with open(argv[3], "rb") as f:
            ok = sha256(f.read()) == spec["sha256-out"]
        return 0 if ok else 1
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
