#!/usr/bin/env python3
"""mkseeds-gso.py - seed corpus of fuzz_gso (the TUN super-packet segmenter,
src/wire/gso.c): valid IPv4 (with and without options) and IPv6 TCP
super-packets with a virtio_net_hdr (virtio 1.x 5.1.6) in both byte orders
and sizes, a NEEDS_CSUM single packet, and a few refused ones.  The input
layout is in the header comment of fuzz_gso.c.

usage: tests/fuzz/mkseeds-gso.py [OUTDIR]   (default: tests/fuzz/corpus)
Only seed-* files are written.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def tcp(paylen, doff=5, flags=0x18):
    opts = b"\x01" * (doff * 4 - 20)
    pay = bytes((i * 7 + (i >> 8)) & 255 for i in range(paylen))
    return struct.pack("!HHIIBBHHH", 40000, 5201, 0xFFFFFC00, 1,
                       doff << 4, flags, 502, 0x1234, 0) + opts + pay


def ip4(t, ihl=5):
    opts = b"\x01" * (ihl * 4 - 20)
    return struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(t),
                       0xFFFE, 0x4000, 64, 6, 0, bytes([192, 0, 2, 2]),
                       bytes([192, 0, 2, 1])) + opts + t


def ip6(t):
    return struct.pack("!IHBB16s16s", 0x60000000, len(t), 6, 64,
                       bytes.fromhex("20010db8" + "00" * 11 + "02"),
                       bytes.fromhex("20010db8" + "00" * 11 + "01")) + t


def vnet(flags, typ, hdr_len, mss, cs, co, le=True, n=10):
    f = "<" if le else ">"
    h = struct.pack(f + "BBHHHH", flags, typ, hdr_len, mss, cs, co)
    return h + (b"\0\0" if n == 12 else b"")


def seeds():
    yield "tcp4", b"\0\0" + vnet(1, 1, 54, 1448, 20, 16) + ip4(tcp(4000))
    yield "tcp4-opts-ecn", b"\0\0" + vnet(1, 0x81, 0, 500, 24, 16) + \
        ip4(tcp(1600, 8, 0x99), 6)
    yield "tcp4-be-12", b"\x03\0" + vnet(1, 1, 0, 100, 20, 16, False, 12) + \
        ip4(tcp(333))
    yield "tcp4-smallroom", b"\0\x05" + vnet(1, 1, 0, 64, 20, 16) + \
        ip4(tcp(300))
    yield "tcp6", b"\x04\0" + vnet(1, 4, 0, 1428, 40, 16) + ip6(tcp(3000, 8))
    yield "tcp6-tiny-mss", b"\0\0" + vnet(1, 4, 0, 3, 40, 16) + \
        ip6(tcp(10, 5, 0x19))
    single = ip4(tcp(77))
    ph = csum(single[12:20] + struct.pack("!HH", 6, len(single) - 20))
    single = single[:36] + struct.pack("!H", ph) + single[38:]
    yield "needs-csum", b"\0\0" + vnet(1, 0, 0, 0, 20, 16) + single
    yield "none", b"\0\0" + vnet(0, 0, 0, 0, 0, 0) + ip4(tcp(5))
    yield "udp-refused", b"\0\0" + vnet(1, 3, 0, 1000, 20, 6) + ip4(tcp(50))
    yield "ext-hdr", b"\0\0" + vnet(1, 4, 0, 100, 40, 16) + \
        ip6(tcp(300))[:6] + b"\0" + ip6(tcp(300))[7:]


def main():
    out = os.path.join(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(HERE, "corpus"), "gso")
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
