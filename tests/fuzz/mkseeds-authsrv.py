#!/usr/bin/env python3
"""mkseeds-authsrv.py - seed corpus of fuzz_ppp_authsrv (src/ppp/ppp_authsrv.c).

Whole conversations with the authenticator, in the input layout of
tests/fuzz/fuzz_ppp_authsrv.c: method byte, flags byte, then records
"u8 event, u16 big-endian length, bytes".  The GOOD event makes the fuzzer
compute the right answer itself (RFC 2759 8.1); with flags bit 4 the rand
hook gives the Identifiers 0x5b, 0x5c, ... so that hand-made frames match.

usage: tests/fuzz/mkseeds-authsrv.py [OUTDIR]   (default: tests/fuzz/corpus)
Only seed-* files are written; finding-* files are left alone.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Methods and events of fuzz_ppp_authsrv.c.
PAP, MSCHAPV2, EAP = range(3)
OWN, ANY, TIMEOUT, GOOD, START = range(5)
DOM, BADUTF8, SMALL, BADLEN, RAND = 1, 2, 4, 8, 16
ID0 = 0x5B                              # first Identifier with the hook
PEER_CH = bytes.fromhex("21402324255e262a28295f2b3a337c7e")


def rec(ev, data=b""):
    """One record: u8 event, u16 big-endian length, bytes."""
    data = bytes(data)
    return bytes((ev,)) + struct.pack(">H", len(data)) + data


def cp(code, ident, data=b""):
    """A control packet: Code, Identifier, Length, data (RFC 1661 5)."""
    data = bytes(data)
    return bytes((code, ident)) + struct.pack(">H", 4 + len(data)) + data


def pap_req(ident, user, pw):
    """Authenticate-Request (RFC 1334 2.2.1)."""
    return cp(1, ident, bytes((len(user),)) + user + bytes((len(pw),)) + pw)


def ms_value(nt, name):
    """The MS-CHAPv2 Response value (RFC 2759 4) and the Name."""
    return b"\x31" + PEER_CH + bytes(8) + nt + b"\x00" + name


def eap_ms(ident, op, ms_id, body=b""):
    """EAP-MSCHAPv2 Response: Type 26, OpCode, MS-CHAPv2-ID, MS-Length."""
    if op == 2:
        td = bytes((op, ms_id)) + struct.pack(">H", 4 + len(body)) + body
    else:
        td = bytes((op,))
    return cp(2, ident, b"\x1a" + td)


def seeds():
    s = {}
    s["pap-good"] = bytes((PAP, 0)) + rec(GOOD, b"\x01") + \
        rec(GOOD, b"\x02") + rec(OWN, pap_req(3, b"fz", b"nope"))
    s["pap-wrong"] = bytes((PAP, 0)) + \
        rec(OWN, pap_req(1, b"fz", b"fuzz-secret-Pw")) + \
        rec(OWN, pap_req(2, b"fz", b"fuzz-secret-Pw1")) + rec(TIMEOUT)
    s["pap-unknown"] = bytes((PAP, DOM)) + \
        rec(OWN, pap_req(1, b"fz", b"fuzz-secret-Pw1"))
    s["pap-badlen"] = bytes((PAP, BADLEN)) + rec(GOOD, b"\x07")
    s["pap-notutf8"] = bytes((PAP, BADUTF8)) + rec(GOOD) + \
        rec(OWN, b"\x01\x09\x00\x05")
    s["pap-small-out"] = bytes((PAP, SMALL)) + rec(GOOD) + rec(GOOD)
    s["ms-good"] = bytes((MSCHAPV2, RAND)) + rec(TIMEOUT) + \
        rec(GOOD, PEER_CH) + rec(GOOD, bytes(16)) + rec(TIMEOUT) + \
        rec(START)
    s["ms-good-random"] = bytes((MSCHAPV2, 0)) + rec(GOOD, PEER_CH)
    s["ms-domain"] = bytes((MSCHAPV2, DOM | RAND)) + rec(GOOD, PEER_CH)
    s["ms-wrong"] = bytes((MSCHAPV2, RAND)) + \
        rec(OWN, cp(2, ID0 - 1, ms_value(bytes(24), b"fz"))) + \
        rec(OWN, cp(2, ID0, ms_value(bytes(24), b"fz"))) + \
        rec(OWN, cp(2, ID0, ms_value(bytes(24), b"fz"))) + \
        rec(GOOD, PEER_CH)
    s["ms-bad-name"] = bytes((MSCHAPV2, RAND)) + \
        rec(OWN, cp(2, ID0, ms_value(bytes(24), b"f\nz")))
    s["ms-timeouts"] = bytes((MSCHAPV2, RAND)) + rec(TIMEOUT) * 11 + \
        rec(GOOD, PEER_CH)
    s["ms-notutf8"] = bytes((MSCHAPV2, BADUTF8 | RAND)) + \
        rec(GOOD, PEER_CH) + rec(OWN, cp(2, ID0, ms_value(bytes(24), b"fz")))
    s["ms-badlen"] = bytes((MSCHAPV2, BADLEN | RAND)) + rec(GOOD, PEER_CH)
    s["ms-small-out"] = bytes((MSCHAPV2, SMALL | RAND)) + rec(TIMEOUT)
    s["eap-good"] = bytes((EAP, RAND)) + rec(TIMEOUT) + rec(GOOD) + \
        rec(GOOD) + rec(GOOD, PEER_CH) + rec(GOOD) + \
        rec(OWN, eap_ms(ID0 + 2, 3, 0)) + rec(TIMEOUT)
    s["eap-good-random"] = bytes((EAP, 0)) + rec(GOOD) + \
        rec(GOOD, PEER_CH) + rec(GOOD)
    s["eap-nak-26"] = bytes((EAP, RAND)) + rec(GOOD) + \
        rec(OWN, cp(2, ID0 + 1, b"\x03\x1a")) + rec(GOOD, PEER_CH) + \
        rec(GOOD)
    s["eap-nak-25"] = bytes((EAP, RAND)) + rec(GOOD) + \
        rec(OWN, cp(2, ID0 + 1, b"\x03\x19\x0d"))
    s["eap-wrong"] = bytes((EAP, RAND)) + rec(GOOD) + \
        rec(OWN, eap_ms(ID0 + 1, 2, ID0 + 1, ms_value(bytes(24), b"fz"))) + \
        rec(OWN, eap_ms(ID0 + 1, 2, ID0 + 1, ms_value(bytes(24), b"fz"))) + \
        rec(GOOD) + rec(TIMEOUT)
    s["eap-refuse-s"] = bytes((EAP, RAND)) + rec(GOOD) + \
        rec(GOOD, PEER_CH) + rec(OWN, eap_ms(ID0 + 2, 4, 0))
    s["eap-identity-other"] = bytes((EAP, DOM | RAND)) + \
        rec(OWN, cp(2, ID0, b"\x01fz")) + rec(GOOD, PEER_CH) + rec(GOOD)
    s["eap-fail-timeouts"] = bytes((EAP, BADUTF8 | RAND)) + rec(GOOD) + \
        rec(OWN, eap_ms(ID0 + 1, 2, ID0 + 1, ms_value(bytes(24), b"fz"))) + \
        rec(TIMEOUT) * 10
    s["mixed-protocols"] = bytes((EAP, RAND)) + \
        rec(ANY, b"\xc2\x23" + cp(2, ID0, ms_value(bytes(24), b"fz"))) + \
        rec(ANY, b"\xc0\x23" + pap_req(ID0, b"fz", b"fuzz-secret-Pw1")) + \
        rec(ANY, b"\xc2\x27" + cp(1, ID0, b"\x01")) + rec(GOOD)
    return s


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    d = os.path.join(outdir, "ppp_authsrv")
    os.makedirs(d, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds()), d))


if __name__ == "__main__":
    main()
