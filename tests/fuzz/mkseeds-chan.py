#!/usr/bin/env python3
"""mkseeds-chan.py - seed corpus of fuzz_sstp_chan (the SSTP side of a
session between a fake stream and a fake link, session/sstp_chan.c).

Two kinds of seeds, both deterministic:
  seed-conv-*   every corpus/sstp_conv/seed-* re-encoded: the configuration
                byte means the same, and the events that have a direct
                counterpart are mapped (PKT -> PEER_BYTES, ADVANCE,
                TO_DEADLINE, AUTH_DONE -> LINK_KEYS with send_len 32 and the
                HLAK as the send key, DISCONNECT, LOWER_DOWN, START ->
                BEGIN); FRAMING_ERROR and CTRL_DIRECT have none (the
                channel frames its stream itself) and are left out;
  seed-*        hand-made conversations: the happy path after MS-SSTP 4.7
                (Request out, Ack in with the published nonce, LCP both
                ways, keys whose HLAK is 4.7's, Call Connected, IP both
                ways, Echo, Disconnect), Aborts after Call Connected, a
                pause in the middle of a batch, the link's reactions
                (held frames, snooped keys, echo, gone, fail) and so on.

The input layout is in the header comment of fuzz_sstp_chan.c.

usage: tests/fuzz/mkseeds-chan.py [OUTDIR]   (default: tests/fuzz/corpus)
Only seed-* files are written; finding-* files are left alone.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

from sstptest import pppwire as pw  # noqa: E402
from sstptest import sstpwire as sw  # noqa: E402
import mkseeds as ms                 # noqa: E402  (tests/fuzz/mkseeds.py)

# Events of fuzz_sstp_chan.c.
(PEER, ADVANCE, TO_DEADLINE, SEND, KEYS, PAUSE, RESUME, FULL, DISCONNECT,
 LOWER_DOWN, GONE, FAIL, BEGIN, REACT, ASK) = range(15)
# The fake link's reactions (LINK_REACT byte 0).
R_ECHO, R_KEYS_RX, R_HOLD, R_GONE_STOP, R_KEYS_START, R_FAIL_START = (
    0x01, 0x02, 0x04, 0x08, 0x10, 0x20)

# Events of fuzz_sstp_conv.c and their counterparts (None: no direct one).
CONV_COUNT = 9
CONV_MAP = {0: PEER, 1: ADVANCE, 2: TO_DEADLINE, 3: KEYS, 4: DISCONNECT,
            5: LOWER_DOWN, 6: BEGIN, 7: None, 8: None}


def rec(ev, data=b""):
    """One record: u8 event, u16 big-endian length, bytes."""
    data = bytes(data)
    return bytes((ev,)) + struct.pack(">H", len(data)) + data


def keys(send, recv=b""):
    """LINK_KEYS / LINK_REACT key bytes: send_len, recv_len, keys."""
    return bytes((len(send), len(recv))) + bytes(send) + bytes(recv)


def data(frame):
    return sw.data_packet(frame)


def conv_records(buf):
    """Split a fuzz_sstp_conv input as fuzz_record() does."""
    cfg, i, out = buf[0] if buf else 0x03, 1, []
    while i < len(buf):
        tag = buf[i]
        n = int.from_bytes(buf[i + 1:i + 3].ljust(2, b"\0"), "big")
        i += 3
        out.append((tag, buf[i:i + n]))
        i += n
    return cfg, out


def from_conv(buf):
    """A fuzz_sstp_conv input in this target's format."""
    cfg, recs = conv_records(buf)
    out = bytearray((cfg,))
    for tag, body in recs:
        ev = CONV_MAP[tag % CONV_COUNT]
        if ev is None:
            continue
        if ev == KEYS:
            body = keys(body[:32].ljust(32, b"\0"))
        out += rec(ev, body)
    return bytes(out)


# PPP frames (RFC 1661, 1332), all with FF 03.
LCP_CLIENT = ms.LCP_REQ
LCP_SERVER = pw.ppp_frame(pw.PROTO_LCP, pw.build_cp_options(
    pw.CONF_REQ, 1, [pw.opt_mru(1400), pw.opt_auth_mschapv2(),
                     pw.opt_magic(0x55667788)]))
LCP_ACK_SERVER = pw.ppp_frame(pw.PROTO_LCP, pw.build_cp_options(
    pw.CONF_ACK, 1, [pw.opt_mru(1400), pw.opt_auth_mschapv2(),
                     pw.opt_magic(0x55667788)]))
LCP_ACK_CLIENT = pw.ppp_frame(pw.PROTO_LCP, pw.build_cp_options(
    pw.CONF_ACK, 1, [pw.opt_mru(1500), pw.opt_magic(0x11223344)]))
CHAP_SUCCESS = pw.ppp_frame(pw.PROTO_CHAP, pw.chap_success(
    1, b"S=407A5589115FD0D6209F510FE9C04566932CDA56 M=OK"))
IP_OUT = bytes.fromhex("0021 4500 0014 0000 0000 4001 0000 c000 0201"
                       "c000 0202")
IP_IN = bytes.fromhex("0021 4500 0014 0001 0000 4001 0000 c000 0202"
                      "c000 0201")
IP_PFC = b"\x21" + IP_IN[2:]
# MS-SSTP 4.7: MS-CHAPv2 keys whose send | recv is the published HLAK.
SPEC_KEYS = keys(ms.HLAK_SPEC[:16], ms.HLAK_SPEC[16:])


def connected(cfg=b"\x03"):
    """Through the Ack, LCP both ways and the keys: Call Connected out."""
    return (cfg + rec(PEER, ms.ACK_SPEC) + rec(SEND, LCP_CLIENT)
            + rec(PEER, data(LCP_SERVER)) + rec(SEND, LCP_ACK_SERVER)
            + rec(PEER, data(LCP_ACK_CLIENT)) + rec(KEYS, SPEC_KEYS))


def hand_seeds():
    s = {}
    # (hello_fails 1: a silent minute makes us send an Echo Request.)
    s["happy"] = (connected(b"\x13") + rec(SEND, IP_OUT)
                  + rec(PEER, data(IP_IN))
                  + rec(ADVANCE, struct.pack(">I", 30000))
                  + rec(PEER, ms.ECHO_REQUEST)
                  + rec(ADVANCE, struct.pack(">I", 60000))
                  + rec(PEER, ms.ECHO_RESPONSE) + rec(DISCONNECT)
                  + rec(PEER, ms.DISCONNECT_ACK))
    # The Abort that refuses the binding (MS-SSTP 3.3.5.2.3), and one
    # after IP came back (an ordinary Abort).
    s["abort-after-connected"] = (connected()
                                  + rec(ADVANCE, struct.pack(">I", 500))
                                  + rec(PEER, ms.ABORT_SOFTETHER)
                                  + rec(TO_DEADLINE))
    s["abort-after-ip"] = (connected() + rec(PEER, data(IP_IN))
                           + rec(PEER, ms.ABORT_ACCEL) + rec(TO_DEADLINE))
    s["abort-late"] = (connected() + rec(ADVANCE, struct.pack(">I", 5000))
                       + rec(PEER, ms.ABORT_ACCEL) + rec(TO_DEADLINE))
    # The link pauses in the second frame of a batch of four; resumed.
    batch = b"".join(data(IP_IN[:-1] + bytes((i,))) for i in range(4))
    s["pause-mid-batch"] = (connected() + rec(PAUSE, b"\x02")
                            + rec(PEER, batch + ms.ECHO_REQUEST)
                            + rec(ADVANCE, struct.pack(">I", 10))
                            + rec(RESUME) + rec(PEER, data(IP_PFC)))
    # Paused at once, a sloppy stream feeding anyway: one packet a call.
    s["pause-sloppy"] = (connected() + rec(PAUSE) + rec(FULL, b"\x04")
                         + rec(PEER, batch) + rec(ADVANCE, b"\0\0\0\1")
                         + rec(ADVANCE, b"\0\0\0\1") + rec(RESUME))
    # A pause asked before the stream exists; BEGIN applies it.
    s["pause-before-begin"] = (b"\x0b" + rec(PAUSE) + rec(PEER, ms.ACK_SPEC)
                               + rec(BEGIN) + rec(RESUME)
                               + rec(SEND, LCP_CLIENT))
    # pppd_link.c: frames held until the Ack go from inside ppp_start;
    # keys snooped from the server's Success, inside sstp_chan_input.
    s["held-and-snooped"] = (b"\x03" + rec(REACT, bytes((R_HOLD,))
                                           + SPEC_KEYS)
                             + rec(SEND, LCP_CLIENT)
                             + rec(SEND, LCP_ACK_SERVER)
                             + rec(PEER, ms.ACK_SPEC + data(LCP_SERVER))
                             + rec(REACT, bytes((R_KEYS_RX,)) + SPEC_KEYS)
                             + rec(PEER, data(CHAP_SUCCESS) + data(IP_IN))
                             + rec(SEND, IP_OUT))
    # A link answering every frame at once (a loopback PPP peer).
    s["echo-link"] = (connected() + rec(REACT, bytes((R_ECHO,)))
                      + rec(PEER, data(IP_IN) + data(LCP_SERVER)
                            + data(b"\xff\x03") + data(b""))
                      + rec(PEER, data(IP_PFC)[:5])
                      + rec(PEER, data(IP_PFC)[5:]))
    # Gating: IP before Call Connected both ways, frames before the Ack.
    s["gating"] = (b"\x03" + rec(SEND, LCP_CLIENT) + rec(PEER, data(IP_IN))
                   + rec(PEER, data(LCP_SERVER)) + rec(PEER, ms.ACK_SPEC)
                   + rec(SEND, IP_OUT) + rec(PEER, data(IP_IN))
                   + rec(SEND, LCP_CLIENT) + rec(SEND, b"\xff")
                   + rec(SEND, bytes(4092)))
    # Keys before the Ack, then the first after it, then others.
    s["keys-order"] = (b"\x01" + rec(KEYS, keys(b"\x01" * 16, b"\x02" * 16))
                       + rec(PEER, ms.ack(1))
                       + rec(KEYS, keys(bytes(range(40))))
                       + rec(KEYS, SPEC_KEYS) + rec(KEYS, b"\x00\x00"))
    s["keys-short"] = (b"\x02" + rec(PEER, ms.ack(2))
                       + rec(KEYS, keys(b"\xaa" * 5, b"\xbb" * 40)))
    # The link ends: gone -> Call Disconnect; fail -> stop -> gone.
    s["link-gone"] = (connected() + rec(GONE, b"\x02")
                      + rec(TO_DEADLINE) + rec(GONE))
    s["link-fail"] = (connected() + rec(REACT, bytes((R_GONE_STOP,)))
                      + rec(FAIL, b"\x01") + rec(PEER, ms.DISCONNECT_ACK))
    s["link-fail-pending"] = (b"\x03" + rec(FAIL, b"\x03") + rec(ASK, b"\x0f")
                              + rec(GONE) + rec(PEER, ms.ACK_SPEC))
    # Full stream: above the high mark, then without room at all.
    s["stream-full"] = (b"\x03" + rec(PEER, ms.ACK_SPEC) + rec(FULL, b"\x01")
                        + rec(ASK) + rec(FULL, b"\x02")
                        + rec(SEND, LCP_CLIENT) + rec(KEYS, SPEC_KEYS)
                        + rec(FULL, b"\x00") + rec(SEND, IP_OUT)
                        + rec(TO_DEADLINE))
    # The stream breaks in the middle; the stream cannot be framed.
    s["lower-down"] = (connected() + rec(PEER, data(IP_IN)[:7])
                       + rec(LOWER_DOWN) + rec(SEND, IP_OUT) + rec(ASK))
    s["framing-mid-batch"] = (connected() + rec(PEER, data(IP_IN)
                                                + b"\x11\x00\x00\x08"
                                                + data(IP_IN)))
    # Not begun: bytes wait in the stream until BEGIN.
    s["late-begin"] = (b"\x0b" + rec(PEER, ms.ACK_SPEC) + rec(SEND, IP_OUT)
                       + rec(ASK) + rec(DISCONNECT) + rec(BEGIN)
                       + rec(KEYS, SPEC_KEYS) + rec(PEER, data(IP_IN)))
    # A receive buffer that fills up: packets of 4095 bytes back to back.
    big = data(b"\x00\x21" + bytes(4089))
    s["big-packets"] = (connected() + rec(PEER, big * 3) + rec(PAUSE, b"\x01")
                        + rec(PEER, big) + rec(RESUME))
    # A Nak (the Request goes again) and the Ack in one batch.
    s["nak-ack-one-batch"] = (b"\x43" + rec(PEER, ms.NAK_ACCEL + ms.ACK_SPEC
                                             + data(LCP_SERVER))
                              + rec(SEND, LCP_CLIENT))
    # The link asks twice (one flag, one call); a frame too big for SSTP.
    s["pause-twice"] = (connected() + rec(PAUSE) + rec(PAUSE)
                        + rec(PEER, data(IP_IN)) + rec(RESUME) + rec(RESUME))
    s["too-big"] = connected() + rec(SEND, IP_OUT + bytes(4080))
    # The stream breaks before the SSTP phase.
    s["lower-before-begin"] = (b"\x0b" + rec(LOWER_DOWN) + rec(BEGIN)
                               + rec(PEER, ms.ACK_SPEC) + rec(DISCONNECT))
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    seeds = hand_seeds()
    conv = os.path.join(HERE, "corpus", "sstp_conv")
    for name in sorted(os.listdir(conv)):
        if not name.startswith("seed-"):
            continue
        with open(os.path.join(conv, name), "rb") as f:
            name = name[len("seed-"):]
            if not name.startswith("conv-"):
                name = "conv-" + name
            seeds[name] = from_conv(f.read())
    ms.write_seeds(out, {"sstp_chan": seeds})


if __name__ == "__main__":
    main()
