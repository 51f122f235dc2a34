#!/usr/bin/env python3
"""mkseeds-srvconv.py - seed corpus of fuzz_sstp_srvconv (a client's bytes
into a channel in the server role, session/sstp_chan.c + the server rows
of sstp/sstp_ctrl.c).

Hand-made conversations, deterministic: the MS-SSTP 4.7 happy path (the
fuzzer's Ack nonce and certificate hash are 4.7's, so the published Call
Connected verifies with the published HLAK), keys before and after the
Call Connected, keys from inside the PPP side's from_server, SHA-1, PAP
(zero HLAK), an EAP MSK, Naks and their limit, a second Request, the
timers, one-byte mutants of the binding, pauses, teardown from either
side.  The input layout is in the header comment of fuzz_sstp_srvconv.c.

usage: tests/fuzz/mkseeds-srvconv.py [OUTDIR]   (default: tests/fuzz/corpus)
Only seed-* files are written; finding-* files are left alone.
"""

import os
import struct
import sys

# Events of fuzz_sstp_srvconv.c.
(CLIENT, ADVANCE, TO_DEADLINE, SEND, KEYS, ARM, CONNECTED, DISCONNECT,
 LOWER_DOWN, BEGIN, PAUSE) = range(11)

# Configuration byte.
C_SHA1, C_NOBEGIN, C_CHAPKEYS = 0x01, 0x08, 0x40


def nak_max(n):
    return (n & 3) << 1


def hello_fails(n):
    return (n & 3) << 4


def h(s):
    return bytes.fromhex(s.replace(" ", ""))


# MS-SSTP 4.7 (PROTOCOL.md 4.4).
SPEC_NONCE = h("412B489AEBD7ECC7D08966F26BE7CD72B231A0E9210D7C91B308862B0344C435")
SPEC_CERT = h("7993EF314C493DACE9F02D60E7E61C84B6690AAFE9D7AEEA92CBBE8AD599422D")
SPEC_HLAK = h("2A1BB40D55AB0F5EF32F06F2B3CC73C48FD3FAC41D7A1315A19228D9024CA164")
SPEC_CONNECTED = (h("1001007000040001000300680000 0002") + SPEC_NONCE +
                  SPEC_CERT +
                  h("52A68EFD8CFFBF52770B8F0FE8EC737165 83AF6D611EB6D179B3B20840985449"))
assert len(SPEC_CONNECTED) == 112

REQUEST = h("1001000E 0001 0001 0001 0006 0001")
REQUEST_P2 = h("1001000E 0001 0001 0001 0006 0002")
REQUEST_SI = h("1001001A 0001 0002 0001 0006 0001 0002000C 00000000 00000004")
ECHO_REQ = h("10010008 0008 0000")
ECHO_RESP = h("10010008 0009 0000")
DISC = h("10010008 0006 0000")
DISC_ACK = h("10010008 0007 0000")
ABORT = h("10010008 0005 0000")
UNKNOWN = h("10010008 000A 0000")

LCP_REQ = h("FF03C021 01010004")
CHAP_RESP = h("FF03C223 02010004")
EAP_RESP = h("FF03C227 02010005 01")
IP = h("0021 45000014 00000000 40010000 C0000201 C0000202")


def data(frame):
    """An SSTP data packet around one PPP frame."""
    return struct.pack(">BBH", 0x10, 0x00, 4 + len(frame)) + frame


def rec(ev, payload=b""):
    """One record: u8 event, u16 big-endian length, bytes."""
    payload = bytes(payload)
    return bytes((ev,)) + struct.pack(">H", len(payload)) + payload


def keys(send, recv=b""):
    """LINK_KEYS / KEYS_ARM bytes: send_len, recv_len, keys."""
    return bytes((len(send), len(recv))) + bytes(send) + bytes(recv)


SPEC_KEYS = keys(SPEC_HLAK[:16], SPEC_HLAK[16:])
E2E_KEYS = keys(h("D5F0E9521E3EA9589645E86051C82226"),
                h("8B7CDC149B993A1BA118CB153F56DCCB"))


def conv(cfg, *records):
    return bytes((cfg,)) + b"".join(records)


def seeds():
    s = {}
    s["happy-spec"] = conv(
        hello_fails(1), rec(CLIENT, REQUEST), rec(CLIENT, data(LCP_REQ)),
        rec(SEND, LCP_REQ), rec(SEND, IP), rec(CLIENT, SPEC_CONNECTED),
        rec(CLIENT, data(IP)), rec(KEYS, SPEC_KEYS), rec(CLIENT, data(IP)),
        rec(SEND, IP), rec(CLIENT, ECHO_REQ), rec(ADVANCE, h("0000EA60")),
        rec(CLIENT, ECHO_RESP), rec(CLIENT, DISC), rec(TO_DEADLINE))
    s["keys-first-spec"] = conv(
        0, rec(CLIENT, REQUEST), rec(KEYS, SPEC_KEYS),
        rec(CLIENT, SPEC_CONNECTED + data(IP)), rec(DISCONNECT),
        rec(CLIENT, DISC_ACK))
    s["built-sha1"] = conv(
        C_SHA1, rec(CLIENT, REQUEST), rec(KEYS, E2E_KEYS),
        rec(CONNECTED, b"\x01\x00\x00"), rec(CLIENT, data(IP)))
    s["built-sha1-not-offered"] = conv(
        0, rec(CLIENT, REQUEST), rec(KEYS, E2E_KEYS),
        rec(CONNECTED, b"\x01\x00\x00"))
    s["chap-keys-in-from-server"] = conv(
        C_CHAPKEYS, rec(CLIENT, REQUEST), rec(ARM, E2E_KEYS),
        rec(CLIENT, data(CHAP_RESP)), rec(CONNECTED, b"\x00\x00\x00"),
        rec(CLIENT, data(IP)))
    s["eap-keys-after-connected"] = conv(
        C_CHAPKEYS | C_SHA1, rec(CLIENT, REQUEST), rec(ARM, E2E_KEYS),
        rec(CONNECTED, b"\x01\x00\x00"), rec(CLIENT, data(EAP_RESP)),
        rec(CLIENT, data(IP)))
    s["pap-zero-hlak"] = conv(
        0, rec(CLIENT, REQUEST), rec(KEYS, keys(b"")),
        rec(CONNECTED, b"\x00\x00\x00"))
    s["eap-msk-64"] = conv(
        0, rec(CLIENT, REQUEST), rec(KEYS, keys(SPEC_HLAK + b"\xff" * 32)),
        rec(CLIENT, SPEC_CONNECTED))
    s["naks-to-abort"] = conv(
        nak_max(3), rec(CLIENT, REQUEST_P2), rec(CLIENT, REQUEST_SI),
        rec(CLIENT, REQUEST_P2), rec(CLIENT, REQUEST_P2),
        rec(TO_DEADLINE), rec(TO_DEADLINE))
    s["nak-then-ack"] = conv(
        nak_max(1), rec(CLIENT, REQUEST_P2 + REQUEST),
        rec(KEYS, SPEC_KEYS), rec(CLIENT, SPEC_CONNECTED))
    s["second-request"] = conv(
        0, rec(CLIENT, REQUEST), rec(CLIENT, REQUEST), rec(TO_DEADLINE))
    s["request-after-connected"] = conv(
        0, rec(CLIENT, REQUEST + SPEC_CONNECTED), rec(KEYS, SPEC_KEYS),
        rec(CLIENT, REQUEST))
    s["no-request"] = conv(
        0, rec(TO_DEADLINE), rec(TO_DEADLINE), rec(TO_DEADLINE))
    s["no-keys"] = conv(
        0, rec(CLIENT, REQUEST), rec(CLIENT, SPEC_CONNECTED),
        rec(TO_DEADLINE), rec(KEYS, SPEC_KEYS), rec(TO_DEADLINE))
    s["no-connected"] = conv(
        0, rec(CLIENT, REQUEST), rec(KEYS, SPEC_KEYS), rec(TO_DEADLINE))
    for name, off, x in (("nonce", 16, 1), ("cert", 48, 1), ("cmac", 80, 1),
                         ("hash", 15, 3), ("rbits", 2, 0x10),
                         ("reserved", 13, 1)):
        s["mutant-" + name] = conv(
            C_SHA1, rec(CLIENT, REQUEST), rec(KEYS, E2E_KEYS),
            rec(CONNECTED, bytes((0, off, x))))
    for name, sel, off in (("nonce", 2, 5), ("cert", 4, 31),
                           ("cert-sha1", 5, 19)):
        s["honest-mac-wrong-" + name] = conv(
            C_SHA1, rec(CLIENT, REQUEST), rec(KEYS, E2E_KEYS),
            rec(CONNECTED, bytes((sel, off, 0x01))))
    s["mutant-spec-cmac-keys-after"] = conv(
        0, rec(CLIENT, REQUEST),
        rec(CLIENT, SPEC_CONNECTED[:100] + b"\x00" + SPEC_CONNECTED[101:]),
        rec(KEYS, SPEC_KEYS))
    s["two-connected"] = conv(
        0, rec(CLIENT, REQUEST), rec(CLIENT, SPEC_CONNECTED + SPEC_CONNECTED),
        rec(KEYS, SPEC_KEYS))
    s["echo-before-connected"] = conv(
        0, rec(CLIENT, REQUEST), rec(CLIENT, ECHO_REQ))
    s["unknown-types"] = conv(
        0, rec(CLIENT, REQUEST + SPEC_CONNECTED), rec(KEYS, SPEC_KEYS),
        rec(CLIENT, UNKNOWN), rec(CLIENT, h("10010008 0002 0000")))
    s["pause-mid-batch"] = conv(
        0, rec(CLIENT, REQUEST), rec(PAUSE, b"\x01"),
        rec(CLIENT, data(LCP_REQ) + SPEC_CONNECTED + data(IP)),
        rec(KEYS, SPEC_KEYS), rec(PAUSE, b"\x00"), rec(CLIENT, data(IP)))
    s["begin-late"] = conv(
        C_NOBEGIN, rec(CLIENT, REQUEST), rec(KEYS, SPEC_KEYS), rec(BEGIN),
        rec(CLIENT, SPEC_CONNECTED), rec(KEYS, SPEC_KEYS))
    s["hello-timeout"] = conv(
        hello_fails(2), rec(CLIENT, REQUEST + SPEC_CONNECTED),
        rec(KEYS, SPEC_KEYS), rec(TO_DEADLINE), rec(TO_DEADLINE),
        rec(TO_DEADLINE), rec(TO_DEADLINE))
    s["client-abort"] = conv(
        0, rec(CLIENT, REQUEST), rec(KEYS, SPEC_KEYS), rec(CLIENT, ABORT),
        rec(CLIENT, SPEC_CONNECTED), rec(ADVANCE, h("000003E8")))
    s["lower-down-pending"] = conv(
        0, rec(CLIENT, REQUEST), rec(KEYS, SPEC_KEYS), rec(LOWER_DOWN),
        rec(CLIENT, SPEC_CONNECTED))
    s["split-packets"] = conv(
        0, rec(CLIENT, REQUEST[:3]), rec(CLIENT, REQUEST[3:]),
        rec(CLIENT, SPEC_CONNECTED[:50]), rec(KEYS, SPEC_KEYS),
        rec(CLIENT, SPEC_CONNECTED[50:]), rec(CLIENT, data(IP)[:5]),
        rec(CLIENT, data(IP)[5:]))
    s["framing-error"] = conv(
        0, rec(CLIENT, REQUEST), rec(CLIENT, h("11010008 0008 0000")))
    return s


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    d = os.path.join(out, "sstp_srvconv")
    os.makedirs(d, exist_ok=True)
    for old in os.listdir(d):
        if old.startswith("seed-"):
            os.unlink(os.path.join(d, old))
    for name, body in sorted(seeds().items()):
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(body)
    print("mkseeds-srvconv: %d seeds in %s" % (len(seeds()), d))


if __name__ == "__main__":
    main()
