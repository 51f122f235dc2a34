#!/usr/bin/env python3
"""mkseeds-ppp.py - seed corpora of the PPP-layer fuzz targets (fuzz2):
ppp_cp, eap_proxy, mppe, ccp and compat_api.

The frames are built with tests/lib/sstptest/pppwire.py after the
exchanges of tests/server/sstp_server.py in the scenarios tier-eap.sh
runs (--auth eap-mschapv2 / mschapv2, mppe-required, mppe-stateful,
win2016-lcp, eap-peap-first, bad-success-s, no auth), so that each seed is
a whole, valid conversation the fuzzer mutates from.  Every target's input
layout is in the header comment of its tests/fuzz/fuzz_<name>.c.

usage: tests/fuzz/mkseeds-ppp.py [OUTDIR]   (default: tests/fuzz/corpus)
Only seed-* files are written; finding-* files are left alone.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

from sstptest import pppwire as pw  # noqa: E402
from mkseeds import write_seeds     # noqa: E402  (tests/fuzz/mkseeds.py)

# Selectors of fuzz_eap_proxy.c.
PPPD, SERVER, CLOCK, SERVER_AUTH, TO_DEADLINE, SERVER_MPPE = range(6)
# Placeholder the SERVER_AUTH selector replaces with the right S=.
S_PLACEHOLDER = "S=" + "0" * 40
AUTH_CH = bytes.fromhex("5b5d7c7d7b3f2f3e3c2c602132262628")


def rec(sel, data):
    """One record: u8 selector, u16 big-endian length, bytes."""
    data = bytes(data)
    return bytes((sel,)) + struct.pack(">H", len(data)) + data


def frame(proto, info):
    return pw.ppp_frame(proto, info)


def lcp(code, ident, opts):
    return frame(pw.PROTO_LCP, pw.build_cp_options(code, ident, opts))


def opt_raw(typ, val):
    return (typ, bytes(val))


PPPD_OPTS = [pw.opt_mru(1400), pw.opt_magic(0x11223344)]


def lcp_open(server_opts, auth_opt):
    """pppd's request, the server's, pppd's Ack of the filtered one and
    the server's Ack of pppd's: the link opens."""
    out = rec(PPPD, lcp(pw.CONF_REQ, 1, PPPD_OPTS))
    out += rec(SERVER, lcp(pw.CONF_REQ, 1, server_opts +
                           ([auth_opt] if auth_opt else [])))
    out += rec(PPPD, lcp(pw.CONF_ACK, 1, server_opts))
    out += rec(SERVER, lcp(pw.CONF_ACK, 1, PPPD_OPTS))
    return out


SERVER_OPTS = [pw.opt_mru(1400), pw.opt_magic(0x55667788)]
IPCP_REQ = frame(pw.PROTO_IPCP, pw.build_cp_options(
    pw.CONF_REQ, 1, [pw.opt_ipv4(3, "0.0.0.0"), pw.opt_ipv4(129, "0.0.0.0")]))
IP_PKT = frame(pw.PROTO_IP, pw.icmp_echo_packet("10.0.0.2", "10.0.0.1", 7, 1,
                                                b"sstpc fuzz"))


def eap_auth(peap_first=False, good_s=True):
    out = rec(SERVER, frame(pw.PROTO_EAP, pw.eap_identity_request(1)))
    ident = 2
    if peap_first:
        out += rec(SERVER, frame(pw.PROTO_EAP, pw.build_eap(
            pw.EAP_REQUEST, ident, pw.EAP_TYPE_PEAP, b"\x20")))
        ident += 1
    out += rec(SERVER, frame(pw.PROTO_EAP, pw.eap_mschapv2_challenge(
        ident, ident, AUTH_CH, b"sstp-test")))
    out += rec(SERVER_AUTH if good_s else SERVER, frame(
        pw.PROTO_EAP, pw.eap_mschapv2_success_request(
            ident + 1, ident, S_PLACEHOLDER + " M=Welcome")))
    out += rec(SERVER, frame(pw.PROTO_EAP, pw.eap_success(ident + 1)))
    return out


def chap_auth():
    out = rec(SERVER, frame(pw.PROTO_CHAP, pw.chap_challenge(
        9, AUTH_CH, b"sstp-test")))
    out += rec(SERVER_AUTH, frame(pw.PROTO_CHAP, pw.chap_success(
        9, S_PLACEHOLDER + " M=Welcome")))
    return out


def ccp_mppe(bits):
    """The server's CCP request, its Ack of sstpc's (identifier patched by
    SERVER_AUTH), data both ways, a Reset-Request."""
    opt = [pw.opt_mppe(bits)]
    out = rec(SERVER, frame(pw.PROTO_CCP, pw.build_cp_options(
        pw.CONF_REQ, 1, opt)))
    out += rec(SERVER_AUTH, frame(pw.PROTO_CCP, pw.build_cp_options(
        pw.CONF_ACK, 0, opt)))
    out += rec(PPPD, IP_PKT)
    out += rec(SERVER_MPPE, struct.pack(">H", pw.PROTO_IP) + IP_PKT[4:])
    out += rec(PPPD, IP_PKT)
    out += rec(SERVER_MPPE, struct.pack(">H", pw.PROTO_IP) + IP_PKT[4:])
    out += rec(SERVER, frame(pw.PROTO_CCP, pw.build_cp(14, 5)))
    out += rec(PPPD, IP_PKT)
    return out


def eap_proxy_seeds():
    auth_eap = pw.opt_auth_eap()
    auth_ms = pw.opt_auth_mschapv2()
    win = SERVER_OPTS + [opt_raw(pw.LCP_CALLBACK, b"\x06"),
                         opt_raw(pw.LCP_MRRU, b"\x06\x40"),
                         opt_raw(pw.LCP_EPDISC, b"\x01" + b"\x00" * 6)]
    s = {}
    s["eap-mschapv2"] = (lcp_open(SERVER_OPTS, auth_eap) + rec(PPPD, IPCP_REQ) +
                         eap_auth() + rec(PPPD, IP_PKT) +
                         rec(CLOCK, struct.pack(">I", 30000)))
    s["mppe-required"] = (lcp_open(SERVER_OPTS, auth_eap) + eap_auth() +
                          rec(PPPD, IPCP_REQ) +
                          ccp_mppe(pw.MPPE_S | pw.MPPE_H))
    s["mppe-stateful"] = (lcp_open(SERVER_OPTS, auth_eap) + eap_auth() +
                          ccp_mppe(pw.MPPE_S))
    s["mppe-offer-all"] = (lcp_open(SERVER_OPTS, auth_ms) + chap_auth() +
                           ccp_mppe(pw.MPPE_S | pw.MPPE_M | pw.MPPE_L |
                                    pw.MPPE_H))
    s["mschapv2"] = (lcp_open(SERVER_OPTS, auth_ms) + chap_auth() +
                     rec(PPPD, IPCP_REQ) + rec(PPPD, IP_PKT))
    s["win2016-lcp"] = (rec(PPPD, lcp(pw.CONF_REQ, 1, PPPD_OPTS)) +
                        rec(SERVER, lcp(pw.CONF_REQ, 1, win + [auth_eap])) +
                        lcp_open(SERVER_OPTS, auth_eap) + eap_auth())
    s["eap-peap-first"] = lcp_open(SERVER_OPTS, auth_eap) + eap_auth(True)
    s["bad-success-s"] = (lcp_open(SERVER_OPTS, auth_eap) +
                          eap_auth(good_s=False))
    s["no-auth"] = (lcp_open(SERVER_OPTS, None) + rec(PPPD, IPCP_REQ) +
                    rec(PPPD, IP_PKT))
    s["pap-only"] = lcp_open(SERVER_OPTS, pw.opt_auth_pap()) + rec(
        SERVER, lcp(pw.CONF_REQ, 2, SERVER_OPTS + [pw.opt_auth_pap()]))
    s["eap-stall"] = (lcp_open(SERVER_OPTS, auth_eap) +
                      rec(SERVER, frame(pw.PROTO_EAP, pw.build_eap(
                          pw.EAP_REQUEST, 1, pw.EAP_TYPE_TLS, b"\x20"))) +
                      rec(TO_DEADLINE, b"\x01") + rec(TO_DEADLINE, b"\x01") +
                      rec(SERVER, lcp(pw.CONF_REQ, 7, SERVER_OPTS +
                                      [auth_ms])) + chap_auth())
    s["server-terminate"] = (lcp_open(SERVER_OPTS, auth_eap) + rec(
        SERVER, frame(pw.PROTO_LCP, pw.build_cp(5, 3, b"bye\x01"))) +
        rec(PPPD, lcp(pw.CONF_REQ, 2, PPPD_OPTS)))
    s["echo-protrej"] = (lcp_open(SERVER_OPTS, auth_eap) +
                         rec(SERVER, frame(pw.PROTO_LCP, pw.echo_packet(
                             9, 1, 0x55667788))) +
                         rec(PPPD, frame(pw.PROTO_CCP, pw.build_cp_options(
                             pw.CONF_REQ, 1, [pw.opt_mppe(pw.MPPE_S)]))) +
                         rec(SERVER, frame(pw.PROTO_LCP, pw.protocol_reject(
                             4, pw.PROTO_EAP, b"\x02\x01\x00\x04"))) +
                         rec(CLOCK, struct.pack(">I", 2500)))
    return s


def ppp_cp_seeds(eap):
    """Every frame of the eap_proxy seeds, with a table selector."""
    s = {}
    for name, conv in eap.items():
        i, k = 0, 0
        while i + 3 <= len(conv):
            sel = conv[i]
            n = struct.unpack(">H", conv[i + 1:i + 3])[0]
            data = conv[i + 3:i + 3 + n]
            i += 3 + n
            if sel in (PPPD, SERVER, SERVER_AUTH):
                s["%s-%02d" % (name, k)] = bytes((k % 5,)) + data
                k += 1
    s["pfc-acfc"] = b"\x00" + pw.ppp_frame(pw.PROTO_IP, b"\x45", acfc=True,
                                           pfc=True)
    s["ipv6cp"] = b"\x02" + frame(pw.PROTO_IPV6CP, pw.build_cp_options(
        pw.CONF_REQ, 1, [(1, bytes(8))]))
    s["mppe-data"] = b"\x04" + frame(pw.PROTO_MPPE, b"\x90\x00\x12\x34\x56")
    s["bad-len"] = b"\x00" + frame(pw.PROTO_LCP, b"\x01\x01\x00\x08\x01\x00")
    return s


def mppe_seeds():
    key = bytes(range(0x31, 0x41))

    def r(op, data=b""):
        return rec(op, data)
    trip = r(1, b"\x00\x21" + b"payload" * 3)
    s = {}
    for cfg, name in ((0, "40"), (1, "56"), (2, "128"), (4, "40-stateless"),
                      (5, "56-stateless"), (6, "128-stateless")):
        s[name] = (bytes((cfg,)) + key + trip + r(2, b"\x00\x04") + trip +
                   r(4) + trip + r(3, b"\x02") + trip + trip + r(5) +
                   r(0, b"\x90\x00\x01\x02\x03\x04") +
                   r(0x80, b"\x03\x10\x05\x01\x02\x03\x04"))
    s["flag-packet"] = bytes((2,)) + key + trip + r(2, b"\x00\xfc") + trip
    s["far-stateless"] = bytes((6,)) + key + trip + r(2, b"\x07\xff") + trip
    return s


def ccp_seeds():
    def cp(code, ident, data=b""):
        return pw.build_cp(code, ident, data)

    def mppe(bits):
        return pw.build_options([pw.opt_mppe(bits)])
    S, H = pw.MPPE_S, pw.MPPE_H
    s = {}
    s["stateless"] = (b"\x20" + rec(0, cp(1, 1, mppe(S | H))) +
                      rec(0, cp(2, 0x20, mppe(S | H))) +
                      rec(0, cp(14, 5)) + rec(3, b"") + rec(0, cp(5, 6)))
    s["nak-and-reject"] = (b"\x20" + rec(0, cp(1, 1, mppe(0xe0) +
                                               bytes([17, 6, 0, 0, 0, 0]))) +
                           rec(0, cp(1, 2, mppe(0xe0))) +
                           rec(0, cp(1, 3, mppe(S))) + rec(2, b"") +
                           rec(3, b"") +
                           rec(0, cp(3, 0x20, mppe(pw.MPPE_L))) +
                           rec(0, cp(2, 0x21, mppe(pw.MPPE_L))))
    s["timeouts"] = (b"\x00" + rec(0, cp(1, 1, mppe(S))) +
                     b"".join(rec(2, b"") for _ in range(11)))
    s["rejected"] = b"\xff" + rec(0, cp(1, 1, mppe(S))) + rec(0, cp(4, 0xff))
    return s


def compat_seeds():
    def attr(t, d):
        return struct.pack("<HH", t, len(d)) + d + b"\0" * ((4 - len(d) % 4) % 4)

    def hdr(ln, t):
        return struct.pack("<IHH", 0x73737470, ln, t)
    s = {}
    body = attr(1, bytes(range(16))) + attr(2, bytes(range(16, 32)))
    s["auth"] = bytes((6, 0x03, 0x10)) + hdr(len(body), 1) + body
    sin = struct.pack("<H", 2) + bytes((0, 0, 127, 0, 0, 1)) + bytes(8)
    body = attr(3, b"vpn.example.com") + attr(4, sin)
    s["ack"] = bytes((6, 0x06, 0x05)) + hdr(len(body), 3) + body
    s["addr-req"] = bytes((5, 0x00, 0x00)) + hdr(0, 2)
    s["repeat"] = bytes((17, 0x08, 0x03)) + hdr(8, 3) + attr(1, b"a") + \
        attr(1, b"bcd")
    s["short-len"] = bytes((6, 0x01, 0x02)) + hdr(5, 2) + attr(1, b"abc") + \
        b"\x01"
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    eap = eap_proxy_seeds()
    sets = {"eap_proxy": eap, "ppp_cp": ppp_cp_seeds(eap),
            "mppe": mppe_seeds(), "ccp": ccp_seeds(),
            "compat_api": compat_seeds()}
    write_seeds(out, sets)


if __name__ == "__main__":
    main()
