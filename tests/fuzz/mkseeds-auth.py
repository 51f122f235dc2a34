#!/usr/bin/env python3
"""mkseeds-auth.py - seed corpus of fuzz_ppp_auth (src/ppp/ppp_auth.c).

Whole conversations of each method, in the input layout of
tests/fuzz/fuzz_ppp_auth.c: protocol byte, flags byte, then records
"u8 event, u16 big-endian length, bytes".  The MS-CHAPv2 values are the
RFC 2759 9.2 vector; the SUCCESS event makes the fuzzer fill in the right
S= itself.

usage: tests/fuzz/mkseeds-auth.py [OUTDIR]   (default: tests/fuzz/corpus)
Only seed-* files are written; finding-* files are left alone.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# enum ppp_auth_proto, and the events of fuzz_ppp_auth.c.
NONE, PAP, CHAP_MD5, MSCHAPV2, EAP = range(5)
OWN, ANY, TIMEOUT, SUCCESS, START = range(5)
AUTH_CH = bytes.fromhex("5b5d7c7d7b3f2f3e3c2c602132262628")


def rec(ev, data=b""):
    """One record: u8 event, u16 big-endian length, bytes."""
    data = bytes(data)
    return bytes((ev,)) + struct.pack(">H", len(data)) + data


def cp(code, ident, data=b""):
    """A control packet: Code, Identifier, Length, data (RFC 1661 5)."""
    data = bytes(data)
    return bytes((code, ident)) + struct.pack(">H", 4 + len(data)) + data


def eap_ms(code, ident, op, ms_id, body):
    """EAP-MSCHAPv2 (draft-kamath): Type 26, OpCode, ID, MS-Length."""
    td = bytes((op, ms_id)) + struct.pack(">H", 4 + len(body)) + body
    return cp(code, ident, b"\x1a" + td)


def seeds():
    ch = b"\x10" + AUTH_CH + b"srv"
    e691 = b"E=691 R=0 C=00000000000000000000000000000000 V=3 M=denied"
    s = {}
    s["pap-ack"] = bytes((PAP, 0)) + rec(TIMEOUT) + \
        rec(OWN, cp(2, 2, b"\x02ok"))
    s["pap-nak"] = bytes((PAP, 1)) + rec(OWN, cp(3, 1, b"\x06no\x01way")) + \
        rec(TIMEOUT)
    s["pap-timeouts"] = bytes((PAP, 0)) + rec(TIMEOUT) * 11
    s["pap-small-out"] = bytes((PAP, 4)) + rec(TIMEOUT)
    s["chap-md5"] = bytes((CHAP_MD5, 0)) + \
        rec(OWN, cp(1, 0x2a, b"\x10" + bytes(range(16)) + b"srv")) + \
        rec(OWN, cp(1, 0x2a, b"\x10" + bytes(range(16)) + b"srv")) + \
        rec(OWN, cp(3, 0x2a, b"Welcome")) + \
        rec(OWN, cp(1, 0x2b, b"\x08" + bytes(8)))
    s["chap-md5-failure"] = bytes((CHAP_MD5, 1)) + \
        rec(OWN, cp(1, 7, b"\x01\xaa")) + rec(OWN, cp(4, 7, b"bad")) + \
        rec(OWN, cp(1, 8, b"\x01\xbb"))
    s["chap-md5-empty-password"] = bytes((CHAP_MD5, 3)) + \
        rec(OWN, cp(1, 7, b"\x01\xaa")) + rec(OWN, cp(3, 7))
    s["mschapv2"] = bytes((MSCHAPV2, 0)) + rec(OWN, cp(1, 1, ch)) + \
        rec(OWN, cp(1, 1, ch)) + rec(SUCCESS, b"ok") + \
        rec(OWN, cp(1, 2, ch))
    s["mschapv2-bad-s"] = bytes((MSCHAPV2, 1)) + rec(OWN, cp(1, 1, ch)) + \
        rec(OWN, cp(3, 1, b"S=" + b"0" * 40 + b" M=x"))
    s["mschapv2-failure"] = bytes((MSCHAPV2, 2)) + rec(OWN, cp(1, 1, ch)) + \
        rec(OWN, cp(4, 1, e691))
    s["eap-mschapv2"] = bytes((EAP, 0)) + rec(OWN, cp(1, 1, b"\x01")) + \
        rec(OWN, cp(1, 2, b"\x19\x21")) + \
        rec(OWN, eap_ms(1, 3, 1, 7, ch)) + rec(SUCCESS, b"\x04ok") + \
        rec(OWN, cp(3, 4))
    s["eap-notification-failure"] = bytes((EAP, 1)) + \
        rec(OWN, cp(1, 1, b"\x01")) + rec(OWN, cp(1, 2, b"\x02hello")) + \
        rec(OWN, eap_ms(1, 3, 1, 7, ch)) + \
        rec(OWN, eap_ms(1, 4, 4, 7, e691)) + \
        rec(OWN, cp(4, 4))
    s["eap-early-success"] = bytes((EAP, 0)) + rec(OWN, cp(1, 1, b"\x01")) + \
        rec(OWN, cp(3, 1)) + rec(START)
    s["mixed-protocols"] = bytes((EAP, 0)) + \
        rec(ANY, b"\xc2\x23" + cp(1, 1, ch)) + \
        rec(ANY, b"\xc0\x23" + cp(2, 1, b"\x00")) + \
        rec(ANY, b"\xc2\x27" + cp(1, 1, b"\x01"))
    s["none"] = bytes((NONE, 0)) + rec(OWN, cp(2, 1, b"\x00")) + rec(START)
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    d = os.path.join(out, "ppp_auth")
    os.makedirs(d, exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(data)
    print("%-10s %3d seeds" % ("ppp_auth", len(seeds())))


if __name__ == "__main__":
    main()
