#!/usr/bin/env python3
"""mkseeds-srv.py - seed corpus of fuzz_ppp_engine_srv (the PPP engine's
server role against a hostile client; the input layout is in the header
comment of tests/fuzz/fuzz_ppp_engine_srv.c).

Each seed lets the honest client engine inside the target talk (tag 3)
until the session is up, so that the fuzzer starts deep in the
conversation, then adds the input's own frames (tag 0), altered client
frames (tag 4), IP packets (tag 2), timers (tag 1) or a Close (tag 5).

usage: tests/fuzz/mkseeds-srv.py [OUTDIR]   (default: tests/fuzz/corpus)
Only seed-* files are written; finding-* files are left alone.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from mkseeds import write_seeds     # noqa: E402  (tests/fuzz/mkseeds.py)

FRAME, TIMER, IP, HONEST, XOR, CLOSE = range(6)
# Server byte: offer bits, ALLOW_NONE, IPv6, DNS, Echo, pool empty.
MSCHAP, EAP, PAP, NONE, V6, DNS, ECHO, EMPTY = (1 << i for i in range(8))
# Client byte: bits 0-4 auth_allow (0: all), wrong password, user bob.
C_NONE, C_WRONG, C_BOB = 0x10, 0x20, 0x40


def rec(tag, data=b""):
    """One record: u8 tag, u16 big-endian length, bytes."""
    return bytes((tag,)) + struct.pack(">H", len(data)) + bytes(data)


def honest(n):
    return b"".join(rec(HONEST) for _ in range(n))


def ip4(src, dst, n=40):
    """An IPv4 packet of n octets (RFC 791 Total Length right)."""
    h = bytearray(n)
    h[0] = 0x45
    h[2:4] = struct.pack(">H", n)
    h[8] = 64
    h[9] = 1
    h[12:16] = bytes(src)
    h[16:20] = bytes(dst)
    return bytes(h)


def ppp(proto, code, ident, data=b""):
    """FF 03, protocol, a control packet."""
    return (b"\xff\x03" + struct.pack(">H", proto) +
            bytes((code, ident)) + struct.pack(">H", 4 + len(data)) + data)


SRV4, CLI4 = (192, 0, 2, 1), (192, 0, 2, 100)
HOSTILE = b"".join((
    rec(FRAME, ppp(0x8021, 1, 9, bytes.fromhex(
        "0206002d0f01" "030600000000" "810600000000" "820600000000"))),
    rec(FRAME, ppp(0x8021, 1, 10, bytes.fromhex("0306c0000263"))),
    rec(FRAME, ppp(0x80FD, 1, 1, bytes.fromhex("120601000060"))),
    rec(FRAME, ppp(0xC021, 1, 20, bytes.fromhex(
        "010405dc" "0305c22381" "05061234567" "8" "0d0306"))),
    rec(FRAME, ppp(0xC021, 9, 21, bytes.fromhex("12345678aabb"))),
    rec(FRAME, ppp(0x8057, 1, 3, bytes.fromhex("010a0000000000000000"))),
    rec(FRAME, b"\xff\x03\x00\x21" + ip4(CLI4, SRV4)),
    rec(FRAME, ppp(0xC023, 1, 7, b"\x04user\x06secret")),
    rec(FRAME, ppp(0xC021, 5, 22)),
))

SEEDS = {
    "mschapv2-v6-dns": bytes((MSCHAP | V6 | DNS, 0)) + honest(40) +
    rec(IP, ip4(SRV4, CLI4)) + rec(TIMER) + honest(10) + rec(CLOSE) +
    honest(4) + rec(TIMER),
    "eap": bytes((EAP | DNS, 0)) + honest(40) + rec(IP, ip4(SRV4, CLI4)) +
    HOSTILE,
    "pap-hostile": bytes((PAP | V6, 0)) + honest(30) + HOSTILE +
    honest(10) + rec(TIMER) * 4,
    "pap-wrong": bytes((PAP | MSCHAP, C_WRONG)) + honest(30) +
    rec(TIMER) * 4,
    "bob-pool-empty": bytes((MSCHAP | EMPTY, C_BOB)) + honest(30) +
    rec(TIMER) * 4,
    "steer-nak": bytes((MSCHAP | EAP | PAP, 0x01)) + honest(30) +
    rec(IP, ip4(SRV4, CLI4)),
    "client-rejects": bytes((MSCHAP | NONE, C_NONE)) + honest(30),
    "xor": bytes((MSCHAP | V6 | DNS, 0)) + honest(8) +
    rec(XOR, b"\x00\x00\x00\x00\x00\x00\x00\x01") + honest(4) +
    rec(XOR, b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff") +
    honest(30),
    "timers-echo": bytes((MSCHAP | ECHO, 0)) + honest(40) + rec(TIMER) * 3 +
    honest(30) + rec(TIMER) * 12,
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    write_seeds(out, {"ppp_engine_srv": SEEDS})


if __name__ == "__main__":
    main()
