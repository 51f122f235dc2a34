#!/usr/bin/env python3
"""mkseeds-nd.py - seed corpus of fuzz_nd (sstpd's Router Solicitation check
and Router Advertisement builder, src/wire/nd.c; RFC 4861): valid Router
Solicitations to ff02::2 and to the router's fe80::1:2:3:4, from :: and
from a link-local address, with and without options, and refused ones
(hop limit, code, checksum, an option of length 0, a source link-layer
address from ::).  The input layout is in the header comment of fuzz_nd.c.

usage: tests/fuzz/mkseeds-nd.py [OUTDIR]   (default: tests/fuzz/corpus)
Only seed-* files are written.
"""

import ipaddress
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
A = lambda s: ipaddress.IPv6Address(s).packed  # noqa: E731
SELF = A("fe80::1:2:3:4")
CLIENT = A("fe80::aaaa:bbbb:cccc:dddd")
UNSPEC = A("::")
ALLR = A("ff02::2")


def csum(src, dst, msg):
    b = src + dst + struct.pack("!IxxxB", len(msg), 58) + msg
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def rs(src=CLIENT, dst=ALLR, opts=b"", hop=255, code=0, bad_sum=False):
    msg = struct.pack("!BBHI", 133, code, 0, 0) + opts
    c = csum(src, dst, msg) ^ (1 if bad_sum else 0)
    msg = msg[:2] + struct.pack("!H", c) + msg[4:]
    return struct.pack("!IHBB", 0x60000000, len(msg), 58, hop) + src + dst + msg


SLLA = b"\x01\x01\x02\x00\x00\x00\x00\x01"
SEEDS = {
    "rs-all-routers": (0, rs()),
    "rs-self": (0, rs(dst=SELF)),
    "rs-unspec": (0, rs(src=UNSPEC)),
    "rs-slla": (0, rs(opts=SLLA)),
    "rs-unknown-opt": (0, rs(opts=b"\x0e\x02" + b"\0" * 14)),
    "rs-unspec-slla": (0, rs(src=UNSPEC, opts=SLLA)),
    "rs-hop64": (0, rs(hop=64)),
    "rs-code1": (0, rs(code=1)),
    "rs-bad-sum": (0, rs(bad_sum=True)),
    "rs-opt-len0": (0, rs(opts=b"\x01\x00" + b"\0" * 6)),
    "rs-opt-past-end": (0, rs(opts=b"\x01\x02" + b"\0" * 6)),
    "rs-repair-len-sum": (3, rs(opts=SLLA)[:40] + b"\x85\x00\x00\x00" +
                          b"\0" * 4 + SLLA),
    "rs-repair-to-self": (7, rs()),
    "rs-short": (3, rs()[:44]),
    "not-icmp6": (1, struct.pack("!IHBB", 0x60000000, 0, 17, 255) +
                  CLIENT + ALLR),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    d = os.path.join(out, "nd")
    os.makedirs(d, exist_ok=True)
    for name, (mode, pkt) in SEEDS.items():
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(bytes([mode]) + pkt)


if __name__ == "__main__":
    main()
