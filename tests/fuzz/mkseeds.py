#!/usr/bin/python3
"""Write the seed corpora of the fuzz targets (tests/fuzz/corpus/<name>/).

Usage:  tests/fuzz/mkseeds.py [--capture] [--out DIR]

Without --capture only the fixed seeds are written: the exact byte
sequences of PROTOCOL.md 2.4, 4.4, 5.2 and 6.1, the HTTP responses of the
test server's http-* scenarios, and hand-made inputs for the URL, command
line, plugin socket and crypto binding targets.  With --capture the test
server (tests/server/sstp_server.py) is started on 127.0.0.1 with a fresh
test PKI and the scripted client (tests/lib/sstptest/client.py) runs real
sessions against it in several scenarios; every byte received and sent is
recorded and turned into seeds (whole SSTP streams, single packets,
conversations, PPP frames, async-HDLC streams).

Seed files are named after what they hold, so re-running the script
rewrites the same files.  Regression seeds (crash-*, finding-*) are never
touched.  Each corpus stays small (tens of files).
"""

import argparse
import asyncio
import os
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))

from sstptest import hdlc as hd   # noqa: E402
from sstptest import pppwire as pw   # noqa: E402
from sstptest import sstpwire as sw  # noqa: E402

H = bytes.fromhex

# --- PROTOCOL.md 2.4 / 4.4 / 5.2 / 6.1 byte sequences ------------------------
CONNECT_REQUEST = H("10 01 00 0E 00 01 00 01 00 01 00 06 00 01")
ECHO_REQUEST = H("10 01 00 08 00 08 00 00")
ECHO_RESPONSE = H("10 01 00 08 00 09 00 00")
DISCONNECT_ACK = H("10 01 00 08 00 07 00 00")
DISCONNECT_ACCEL = H("10 01 00 14 00 06 00 01 00 02 00 0C 00 00 00 00"
                     "00 00 00 00")
ABORT_ACCEL = H("10 01 00 14 00 05 00 01 00 02 00 0C 00 00 00 02 00 00 00 07")
ABORT_SOFTETHER = H("10 01 00 08 00 05 00 00")
DISCONNECT_SOFTETHER = H("10 01 00 08 00 06 00 00")
NAK_SOFTETHER = H("10 01 00 14 00 03 00 01 00 02 00 0C 00 00 00 01"
                  "00 00 00 04")
NAK_ACCEL = H("10 01 00 16 00 03 00 01 00 02 00 0C 00 00 00 01 00 00 00 04"
              "00 00")
ACK_SPEC = H("10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02 41 2B 48 9A"
             "EB D7 EC C7 D0 89 66 F2 6B E7 CD 72 B2 31 A0 E9 21 0D 7C 91"
             "B3 08 86 2B 03 44 C4 35")
NONCE_SPEC = ACK_SPEC[16:48]
CONNECTED_SPEC = H(
    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02"
    "41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72"
    "B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35"
    "79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84"
    "B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D"
    "52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71"
    "65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49")
HLAK_SPEC = H("2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4"
              "8F D3 FA C4 1D 7A 13 15 A1 92 28 D9 02 4C A1 64")
CONNECTED_SHA1 = H(
    "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 01"
    "0F 1A 2D 58 D4 A3 E3 00 0F AD 3C E4 90 6E 07 B7"
    "07 AA 9E 44 1C CE AC 5C BD 7B 2C C1 C9 D8 6C DF"
    "58 26 B6 29 BD A5 9B 8E 6F D8 DC D2 62 2F D3 4C"
    "53 48 05 A5 00 00 00 00 00 00 00 00 00 00 00 00"
    "69 91 5D D5 83 D8 06 2F EF 16 F6 1D B2 F0 32 90"
    "EC 27 CB 6C 00 00 00 00 00 00 00 00 00 00 00 00")
HLAK_SHA1 = H("4B 31 28 F4 39 25 D9 00 6E EF B1 C4 E8 65 15 A1"
              "D8 8E 56 BA B3 CA 2B DF 03 73 B7 F5 A8 A1 3B 19")
LCP_REQ = H("FF 03 C0 21 01 01 00 0E 01 04 05 DC 05 06 11 22 33 44")
LCP_REQ_HDLC = H("7E FF 7D 23 C0 21 7D 21 7D 21 7D 20 7D 2E 7D 21 7D 24 7D 25"
                 "DC 7D 25 7D 26 7D 31 22 33 44 ED D8 7E")
CHAP_RESPONSE = H(
    "FF 03 C2 23 02 01 00 3A 31 21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33"
    "7C 7E 00 00 00 00 00 00 00 00 82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81"
    "CD 83 54 42 33 11 4A 3D 85 D6 DF 00 55 73 65 72")
NT_RESPONSE = CHAP_RESPONSE[34:58]
PEER_CHALLENGE = CHAP_RESPONSE[9:25]


def rec(ev, data):
    """A record of the conversation and snoop targets: u8, u16 BE, data."""
    return bytes([ev]) + struct.pack(">H", len(data)) + data


# events of fuzz_sstp_conv.c
PKT, ADVANCE, TO_DEADLINE, AUTH_DONE, DISCONNECT, LOWER_DOWN, START, \
    FRAMING, DIRECT = range(9)


def ack(bitmask, nonce=NONCE_SPEC):
    return sw.connect_ack(bitmask, nonce)


def http_responses():
    """The response header blocks of the test server's scenarios."""
    date = "Date: Thu, 01 Jan 2026 00:00:00 GMT"
    ok = ["Content-Length: 18446744073709551615",
          "Server: Microsoft-HTTPAPI/2.0", date]
    out = {}

    def block(status_line, hdrs, eol="\r\n"):
        return (eol.join([status_line] + hdrs) + eol + eol).encode()
    out["200"] = block("HTTP/1.1 200 OK", ok)
    out["200-no-reason"] = block("HTTP/1.1 200", ok)
    out["http-1.0"] = block("HTTP/1.0 200 OK", ok)
    out["chunked"] = block("HTTP/1.1 200 OK", ["Transfer-Encoding: chunked",
                                               ok[1], date])
    out["lf-only"] = block("HTTP/1.1 200 OK", ok, "\n")
    for st, reason in ((301, "Moved Permanently"), (404, "Not Found"),
                       (503, "Service Unavailable")):
        hdrs = ["Location: https://other.invalid/"] if st == 301 else []
        hdrs += ["Content-Length: 0", "Connection: close", ok[1], date]
        out["status-%d" % st] = block("HTTP/1.1 %d %s" % (st, reason), hdrs)
    out["accel"] = block("HTTP/1.1 200 OK", [
        date, "Content-Length: 18446744073709551615",
        "Connection: keep-alive"])
    out["sorz"] = block("HTTP/1.1 200 OK", [
        "Content-Length: 18446744073709551615", "Server: SSTP-Server/0.6"])
    out["garbage"] = b"\x00\xffSSH-2.0-not-http\x17\x03\x03garbage\r\n\r\n"
    pad = "".join("X-Pad-%04d: %s\r\n" % (i, "a" * 100) for i in range(90))
    out["huge-header"] = ("HTTP/1.1 200 OK\r\n" + pad).encode()
    out["folded"] = block("HTTP/1.1 200 OK", [
        "Server: Microsoft-HTTPAPI/2.0", " (folded)", ok[0]])
    # the start of the SSTP stream in the same read (PROTOCOL.md 8 row 8)
    out["200+sstp"] = out["200"] + sw.data_packet(
        pw.ppp_frame(pw.PROTO_IP, b""))[:6]
    return out


def proxy_responses():
    """Proxy replies to CONNECT, with challenges (RFC 7616 3.9.1 values)."""
    d = ('Digest realm="http-auth@example.org", qop="auth, auth-int", '
         'algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo'
         '0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"')
    d5 = ('Digest realm="testrealm@host.com", qop="auth,auth-int", '
          'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", '
          'opaque="5ccc069c403ebaf9f0171e9517f40e41"')
    out = {}
    out["proxy-200"] = b"HTTP/1.1 200 Connection established\r\n\r\n"
    out["proxy-407-basic"] = (
        b"HTTP/1.1 407 Proxy Authentication Required\r\n"
        b'Proxy-Authenticate: Basic realm="proxy"\r\n'
        b"Content-Length: 0\r\n\r\n")
    out["proxy-407-digest"] = (
        "HTTP/1.1 407 Proxy Authentication Required\r\n"
        "Proxy-Authenticate: %s\r\nProxy-Authenticate: %s\r\n"
        'Proxy-Authenticate: Basic realm="x"\r\n\r\n' % (d, d5)).encode()
    out["proxy-200-chunked"] = (b"HTTP/1.1 200 OK\r\n"
                                b"Transfer-Encoding: chunked\r\n\r\n")
    return out, [d, d5, 'Basic realm="proxy", charset="UTF-8"',
                 'Newauth realm="apps", type=1, title="Login", ' + d5,
                 'Digest realm="r", nonce="n", algorithm=MD5-sess, '
                 'qop=auth, stale=TRUE',
                 r'Digest realm="back\\", nonce="q\"uote", opaque="\\"']


def fixed_seeds():
    """name -> {seed name: bytes} for every target."""
    s = {t: {} for t in ("sstp_wire", "sstp_conv", "http_resp", "hdlc",
                         "sstp_api", "url", "cmdline", "ppp_snoop",
                         "sstp_bind")}

    # sstp_wire: every fixed message, and a stream of several
    w = s["sstp_wire"]
    for name, pkt in (("connect-request", CONNECT_REQUEST),
                      ("echo-request", ECHO_REQUEST),
                      ("echo-response", ECHO_RESPONSE),
                      ("disconnect-ack", DISCONNECT_ACK),
                      ("disconnect-accel", DISCONNECT_ACCEL),
                      ("abort-accel", ABORT_ACCEL),
                      ("abort-softether", ABORT_SOFTETHER),
                      ("nak-softether", NAK_SOFTETHER),
                      ("nak-accel", NAK_ACCEL),
                      ("ack-spec", ACK_SPEC),
                      ("connected-sha256", CONNECTED_SPEC),
                      ("connected-sha1", CONNECTED_SHA1)):
        w["pkt-" + name] = pkt
    w["pkt-data-lcp"] = sw.data_packet(LCP_REQ)
    w["pkt-data-chap"] = sw.data_packet(CHAP_RESPONSE)
    w["pkt-data-acfc-pfc"] = sw.data_packet(b"\x21" + bytes(20))
    w["pkt-data-empty"] = sw.data_packet(b"")
    w["pkt-ack-sha1"] = ack(1)
    w["pkt-ack-none"] = ack(0)
    w["pkt-status-8"] = sw.control_packet(
        sw.MSG_CALL_ABORT, [sw.attribute(sw.ATTR_STATUS_INFO,
                                         bytes(4))])
    w["pkt-unknown-type"] = sw.control_packet(0x000A, [])
    w["pkt-rbits"] = b"\x10\x01\xf0\x08\x00\x08\x00\x00"
    w["stream-several"] = (ACK_SPEC + sw.data_packet(LCP_REQ) + ECHO_REQUEST
                           + NAK_ACCEL + ABORT_ACCEL)
    w["stream-bad-version"] = ECHO_REQUEST + b"\x11\x01\x00\x08\x00\x08\x00\x00"
    w["stream-partial"] = ACK_SPEC + ACK_SPEC[:30]

    # sstp_conv: scripted conversations (config byte, records)
    c = s["sstp_conv"]
    hl = HLAK_SPEC
    c["conv-happy"] = (b"\x03" + rec(PKT, ACK_SPEC) + rec(ADVANCE, H("00000bb8"))
                       + rec(PKT, sw.data_packet(LCP_REQ))
                       + rec(AUTH_DONE, hl) + rec(PKT, ECHO_REQUEST)
                       + rec(ADVANCE, H("0000ea60")) + rec(PKT, ECHO_RESPONSE)
                       + rec(DISCONNECT, b"") + rec(PKT, DISCONNECT_ACK))
    c["conv-nak-retries"] = (b"\xc3" + rec(PKT, NAK_ACCEL)
                             + rec(PKT, NAK_SOFTETHER) + rec(PKT, NAK_ACCEL)
                             + rec(PKT, NAK_ACCEL) + rec(TO_DEADLINE, b"\x00")
                             + rec(TO_DEADLINE, b"\x00"))
    c["conv-timeouts"] = (b"\x13" + rec(TO_DEADLINE, b"\x01")
                          + rec(TO_DEADLINE, b"\x00") + rec(PKT, ack(3))
                          + rec(TO_DEADLINE, b"\x00")
                          + rec(TO_DEADLINE, b"\x00"))
    c["conv-hello"] = (b"\x13" + rec(PKT, ack(2)) + rec(AUTH_DONE, bytes(32))
                       + rec(TO_DEADLINE, b"\x00") + rec(TO_DEADLINE, b"\x00")
                       + rec(TO_DEADLINE, b"\x00"))
    c["conv-peer-abort"] = (b"\x01" + rec(PKT, ack(1)) + rec(PKT, ABORT_ACCEL)
                            + rec(PKT, ABORT_SOFTETHER)
                            + rec(ADVANCE, H("000003e8")))
    c["conv-peer-disconnect"] = (b"\x03" + rec(PKT, ACK_SPEC)
                                 + rec(AUTH_DONE, hl)
                                 + rec(PKT, DISCONNECT_ACCEL)
                                 + rec(PKT, DISCONNECT_SOFTETHER)
                                 + rec(TO_DEADLINE, b""))
    c["conv-split-packets"] = (b"\x03" + rec(PKT, ACK_SPEC[:3])
                               + rec(PKT, ACK_SPEC[3:20])
                               + rec(PKT, ACK_SPEC[20:] + ECHO_REQUEST[:5])
                               + rec(PKT, ECHO_REQUEST[5:]))
    c["conv-sha256-required"] = b"\x07" + rec(PKT, ack(1))
    c["conv-second-ack"] = (b"\x03" + rec(PKT, ACK_SPEC) + rec(AUTH_DONE, hl)
                            + rec(PKT, ACK_SPEC) + rec(PKT, ABORT_ACCEL))
    c["conv-unknown-type"] = (b"\x03" + rec(PKT, sw.control_packet(0x0A, []))
                              + rec(PKT, ACK_SPEC))
    c["conv-framing"] = (b"\x03" + rec(PKT, ACK_SPEC)
                         + rec(PKT, b"\x10\x00\x00\x02"))
    # row 25: client-only messages sent by the server
    c["conv-server-sends-request"] = b"\x03" + rec(PKT, CONNECT_REQUEST)
    c["conv-server-sends-connected"] = (b"\x03" + rec(PKT, ACK_SPEC)
                                        + rec(PKT, CONNECTED_SPEC))
    c["conv-direct"] = (b"\x0b" + rec(DIRECT, ACK_SPEC) + rec(START, b"")
                        + rec(DIRECT, ACK_SPEC[:40])
                        + rec(DISCONNECT, b"") + rec(LOWER_DOWN, b""))

    # http_resp: control byte (bit 7 proxy, bit 6 challenge, 0-5 split)
    hr = s["http_resp"]
    for i, (name, resp) in enumerate(sorted(http_responses().items())):
        hr["sstp-" + name] = bytes([(i * 7) % 64]) + resp
    presp, challenges = proxy_responses()
    for i, (name, resp) in enumerate(sorted(presp.items())):
        hr[name] = bytes([0x80 | ((i * 11) % 64)]) + resp
    for i, ch in enumerate(challenges):
        hr["challenge-%d" % i] = b"\x40" + ch.encode()

    # hdlc: headroom, buffer size, ACCM mode, read seed, stream
    hs = s["hdlc"]
    frames = [LCP_REQ, CHAP_RESPONSE, pw.ppp_frame(pw.PROTO_IP, bytes(range(64))),
              pw.ppp_frame(pw.PROTO_IPCP, H("01 02 00 0a 03 06 00 00 00 00"))]
    stream = b"".join(hd.encode(f) for f in frames)
    hs["lcp-example"] = b"\x04\x00\x00\x07" + LCP_REQ_HDLC
    hs["frames-accm-all"] = b"\x04\x00\x01\x33" + stream
    hs["frames-accm0"] = b"\x00\x00\x00\x81" + b"".join(
        hd.encode(f, accm=0) for f in frames)
    hs["frames-small-buf"] = b"\x08\x02\x00\x05" + stream
    hs["garbage-abort"] = (b"\x04\x00\x02\x11" + b"junk\x7d\x7e" + stream[:20]
                           + b"\x7d\x7e\x7e" + stream)
    hs["long-frame"] = b"\x04\x00\x00\x90" + hd.encode(
        pw.ppp_frame(pw.PROTO_IP, bytes(4200)))
    hs["xon-xoff"] = b"\x00\x00\x02\x22" + stream.replace(b"\x7e\xff",
                                                          b"\x7e\x11\xff")

    # sstp_api: host-order (x86) messages of include/sstpc-plugin.h
    def api_hdr(typ, mlen):
        return struct.pack("<IHH", 0x73737470, mlen, typ)

    def api_attr(typ, data):
        pad = (-len(data)) % 4
        return struct.pack("<HH", typ, len(data)) + data + bytes(pad)
    sa4 = struct.pack("<H", socket.AF_INET) + struct.pack(">H", 443) + \
        bytes([127, 0, 0, 1]) + bytes(8)
    sa6 = struct.pack("<H", socket.AF_INET6) + struct.pack(">H", 443) + \
        bytes(4) + bytes(15) + b"\x01" + bytes(4)
    keys = api_attr(1, bytes(range(16))) + api_attr(2, bytes(range(16, 32)))
    a = s["sstp_api"]
    a["auth-keys"] = api_hdr(1, len(keys)) + keys
    a["auth-none"] = api_hdr(1, 0)
    a["addr-req"] = api_hdr(2, 0)
    a["ack"] = api_hdr(3, 0)
    body = api_attr(3, b"vpn.example.com") + api_attr(4, sa4)
    a["ack-addr4"] = api_hdr(3, len(body)) + body
    body = api_attr(3, b"v6.example.com") + api_attr(4, sa6)
    a["ack-addr6"] = api_hdr(3, len(body)) + body
    a["two-messages"] = a["auth-keys"] + a["ack"]
    a["bad-magic"] = b"sstp" + a["ack"][4:]
    a["too-long"] = api_hdr(1, 2000)
    a["attr-overrun"] = api_hdr(1, 8) + struct.pack("<HH", 1, 64) + bytes(4)

    # url
    u = s["url"]
    for i, url in enumerate((
            "vpn.example.com", "https://vpn.example.com:8443/path",
            "192.0.2.1:443", "[2001:db8::1]:4433", "2001:db8::1",
            "https://[fe80::1%eth0]/", "http://user:p%40ss@proxy:3128",
            "http://proxy.example", "https://u@h:0", "https://h:65536",
            "ftp://host", "https://a:b:c@host/x?y#z", "http://us%2Fer:@h/",
            "HTTPS://Vpn.Example.COM.", "[::ffff:192.0.2.1]",
            "https://:443", "http://@/", "[]:1", "[zz::1]", "[::1]x")):
        u["url-%02d" % i] = url.encode()

    # cmdline: NUL-separated arguments after argv[0]
    cl = s["cmdline"]
    for i, args in enumerate((
            ["vpn.example.com"],
            ["--user", "alice", "--password", "s3cret", "vpn.example.com",
             "--", "noauth", "debug"],
            ["--nolaunchpppd", "--ipparam", "sstp0", "vpn.example.com:8443"],
            ["--proxy", "http://u:p@proxy:3128", "--ca-cert", "/etc/ca.pem",
             "[2001:db8::1]:443"],
            ["--log-syslog", "--log-level", "4", "--debug", "host"],
            ["--log-file=/tmp/x.log", "--password=pw", "--tls-min", "1.3",
             "h", "mtu", "1400"],
            ["--help"], ["--version"],
            ["--server-cert-sha256", "6f977881cc836d79d8704cc500bceb719036"
             "17d7fc1e22617fdd3cc2d57d7576", "--require-sha256", "h"],
            ["--proxy-env", "--connect-timeout", "5", "--hello-interval",
             "30", "vpn.example.com", "vpn.example.com"],
            ["--pass", "secret", "--nolaunch", "h"],
            ["--bogus", "h"],
            # the built-in PPP mode (--tun)
            ["--tun", "--user", "u", "--password-fd", "3", "h"],
            ["--tun=sstp0", "--user", "u", "--password", "p", "--mtu",
             "1400", "--mru=1500", "--defaultroute", "--usepeerdns",
             "--route", "192.0.2.0/24", "--route", "2001:db8::/32",
             "vpn.example.com"],
            ["--tun-fd", "5", "--user", "u", "--password-file", "/pw",
             "--noipv6", "--mtu", "576", "--script",
             "sudo -E /usr/share/vpnc-scripts/vpnc-script", "h"],
            ["--tun", "--user", "u", "--password", "p", "--refuse-pap",
             "--refuse-chap", "--refuse-eap", "--require-mschap-v2",
             "--require-mppe", "--lcp-echo-interval", "0",
             "--lcp-echo-failure=9", "--persist", "--maxfail", "0",
             "--holdoff", "3", "h"],
            ["--tun", "--user", "u", "--password", "p", "--noip",
             "--nomppe", "--route", "::ffff:192.0.2.0/120", "--route",
             "fe80::1/64", "h"],
            ["--mtu", "1400", "h", "mtu", "1400"],
            ["--tun", "--nolaunchpppd", "--eap-auth", "--ipparam", "x",
             "h", "--", "noauth"],
            ["--tun=..", "--tun-fd", "2", "--route", "10.0.0.1/8",
             "--us", "u", "--pers", "h"])):
        cl["args-%02d" % i] = b"\0".join(a.encode() for a in args)

    # ppp_snoop: records (flags bit 0 = from server)
    ps = s["ppp_snoop"]
    ms_value = bytes([49]) + PEER_CHALLENGE + bytes(8) + NT_RESPONSE + b"\0"
    eap_resp = pw.ppp_frame(pw.PROTO_EAP, pw.eap_mschapv2_response(
        2, 1, ms_value[1:], b"User"))
    ps["mschapv2"] = (rec(0, CHAP_RESPONSE) + rec(1, pw.ppp_frame(
        pw.PROTO_CHAP, pw.chap_success(
            1, b"S=407A5589115FD0D6209F510FE9C04566932CDA56 M=OK"))))
    ps["mschapv2-failure"] = (rec(0, CHAP_RESPONSE) + rec(1, pw.ppp_frame(
        pw.PROTO_CHAP, pw.chap_failure(
            1, b"E=691 R=0 C=00000000000000000000000000000000 V=3 "
               b"M=Authentication failure\x01\x1b[31m"))))
    ps["eap-mschapv2"] = (rec(0, pw.ppp_frame(pw.PROTO_EAP,
                                              pw.eap_identity_response(
                                                  1, b"User")))
                          + rec(0, eap_resp)
                          + rec(1, pw.ppp_frame(pw.PROTO_EAP,
                                                pw.eap_success(3))))
    ps["pap"] = (rec(0, pw.ppp_frame(pw.PROTO_PAP, pw.pap_request(
        1, b"User", b"pw"))) + rec(1, pw.ppp_frame(
            pw.PROTO_PAP, pw.pap_reply(2, 1, b"ok"))))
    ps["pap-nak"] = rec(1, pw.ppp_frame(pw.PROTO_PAP, pw.pap_reply(
        3, 1, b"bad password")))
    ps["lcp-term-acfc"] = rec(1, b"\xc0\x21\x05\x01\x00\x04")
    ps["eap-peap-nak"] = rec(0, pw.ppp_frame(pw.PROTO_EAP, pw.eap_nak(2)))
    ps["lcp-accm"] = (rec(0, LCP_REQ) + rec(1, H(
        "FF 03 C0 21 02 01 00 0E 02 06 00 0A 00 00 05 06 11 22 33 44"))
        + rec(1, H("FF 03 C0 21 04 02 00 0A 02 06 FF FF")))

    # sstp_bind: ctl, HLAK, nonce, cert hash, then XOR pairs or a message
    b = s["sstp_bind"]
    b["spec-sha256"] = (b"\x01" + HLAK_SPEC + NONCE_SPEC
                        + CONNECTED_SPEC[48:80])
    b["spec-sha256-msg"] = (b"\x41" + HLAK_SPEC + NONCE_SPEC
                            + CONNECTED_SPEC[48:80] + CONNECTED_SPEC)
    b["spec-sha1-msg"] = (b"\x40" + HLAK_SHA1 + CONNECTED_SHA1[16:48]
                          + CONNECTED_SHA1[48:80] + CONNECTED_SHA1)
    b["sha1-pad-flip"] = (b"\x00" + HLAK_SHA1 + CONNECTED_SHA1[16:48]
                          + CONNECTED_SHA1[48:80] + b"\x64\x01\x50\x80")
    b["sha256-mac-flip"] = (b"\x01" + bytes(96) + b"\x50\x01\x0f\x01")
    b["bad-hash"] = b"\x81" + bytes(96)
    return s


# --- capture from the test server ------------------------------------------
def capture(tmp):
    """Run sessions against the test server; returns a list of dicts."""
    from sstptest.client import SstpClient, ClientError

    pki = os.path.join(tmp, "pki")
    subprocess.run(["sh", os.path.join(TOP, "tests", "lib", "mkcerts.sh"),
                    pki], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)

    class Recorder(SstpClient):
        """Client that records every byte it reads and writes."""

        def __init__(self, **kw):
            super().__init__(**kw)
            self.rx = bytearray()
            self.tx = []
            self.events = []    # ("rx", bytes) / ("tx", bytes) in order

        def write(self, data):
            self.tx.append(bytes(data))
            self.events.append(("tx", bytes(data)))
            super().write(data)

        async def run(self):
            orig = asyncio.open_connection

            async def opener(*a, **kw):
                reader, writer = await orig(*a, **kw)
                real_read = reader.read

                async def read(n=-1):
                    d = await real_read(n)
                    self.rx += d
                    self.events.append(("rx", bytes(d)))
                    return d
                reader.read = read
                return reader, writer
            asyncio.open_connection = opener
            try:
                return await super().run()
            finally:
                asyncio.open_connection = orig

    sessions = []
    plans = [
        ("mschapv2", [], dict(auth=("mschapv2",), ping=2)),
        ("eap", ["win2016-lcp"], dict(auth=("eap-mschapv2",))),
        ("pap", [], dict(auth=("pap",), hash_pref="sha1")),
        ("nak", ["nak-accel-2"], dict(auth=("mschapv2",))),
        ("echo-storm", ["echo-storm", "ccp-offer"],
         dict(auth=("mschapv2",), hold=1.5)),
        ("abort8", ["abort-8", "unknown-msg-type"],
         dict(auth=("mschapv2",), hold=1.5)),
        ("sstp-in-http", ["sstp-in-http", "http-no-reason"],
         dict(auth=("mschapv2",))),
        ("disconnect-attr0", ["disconnect-attr0"],
         dict(auth=("mschapv2",), hold=1.5)),
    ]
    for name, scen, kw in plans:
        port_file = os.path.join(tmp, "port-" + name)
        args = [sys.executable, os.path.join(TOP, "tests", "server",
                                             "sstp_server.py"),
                "--listen", "127.0.0.1:0", "--port-file", port_file,
                "--cert", os.path.join(pki, "valid.pem"),
                "--key", os.path.join(pki, "valid.key"),
                "--user", "User", "--password", "clientPass", "--once",
                "--echo-interval", "0.5", "--trigger-delay", "0.5"]
        for a in kw.get("auth", ()):
            args += ["--auth", a]
        for sc in scen:
            args += ["--scenario", sc]
        srv = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                if os.path.exists(port_file) and \
                        open(port_file).read().strip():
                    break
                time.sleep(0.05)
            port = int(open(port_file).read().strip())
            kw2 = dict(kw)
            kw2.pop("auth", None)
            cl = Recorder(host="127.0.0.1", port=port,
                          ca=os.path.join(pki, "ca.pem"), sni="localhost",
                          user="User", password="clientPass",
                          auth=kw["auth"], timeout=8.0, **{
                              k: v for k, v in kw2.items()})
            try:
                asyncio.run(cl.run())
            except (ClientError, OSError, ssl.SSLError) as e:
                sys.stderr.write("capture %s: %s\n" % (name, e))
            sessions.append(dict(name=name, rx=bytes(cl.rx), tx=cl.tx,
                                 events=cl.events))
        finally:
            srv.terminate()
            try:
                srv.wait(5)
            except subprocess.TimeoutExpired:
                srv.kill()
    return sessions


def split_http(rx):
    """(header block, rest) of a received byte stream."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = rx.find(sep)
        if i >= 0:
            return rx[:i + len(sep)], rx[i + len(sep):]
    return rx, b""


def packets(stream):
    """Split an SSTP stream into whole packets."""
    out = []
    while len(stream) >= 4:
        n = struct.unpack(">H", stream[2:4])[0] & 0x0FFF
        if n < 4 or n > len(stream):
            break
        out.append(stream[:n])
        stream = stream[n:]
    return out


def captured_seeds(sessions, s):
    """Turn captured sessions into seeds (added to s)."""
    for ses in sessions:
        name = ses["name"]
        head, rest = split_http(ses["rx"])
        if head:
            s["http_resp"]["cap-" + name] = bytes([len(head) % 64]) + head
        if rest:
            # the whole stream (several packets), cut to 8 KiB
            s["sstp_wire"]["cap-stream-" + name] = rest[:8192]
        # conversation: received reads in order, a timer step between them
        conv = bytearray(b"\x03")
        seen_http = False
        buf = b""
        for kind, data in ses["events"]:
            if kind == "tx":
                # what the client did locally, as machine events
                for p in packets(data):
                    if p[1] & 1 and p[4:6] == b"\x00\x04":
                        conv += rec(AUTH_DONE, bytes(32))
                    elif p[1] & 1 and p[4:6] == b"\x00\x06":
                        conv += rec(DISCONNECT, b"")
                continue
            if not seen_http:
                buf += data
                h, r = split_http(buf)
                if h == buf and not buf.endswith(b"\n"):
                    continue
                seen_http = True
                data = r
                if not data:
                    continue
            conv += rec(PKT, data[:4096]) + rec(ADVANCE, H("00000064"))
            if len(conv) > 6000:
                break
        s["sstp_conv"]["cap-" + name] = bytes(conv)
        # PPP frames both ways, for the snooper and the HDLC codec
        frames = []
        for p in packets(rest):
            if p[1] & 1 == 0 and len(p) > 4:
                frames.append((1, p[4:]))
        for t in ses["tx"]:
            for p in packets(t):
                if p[1] & 1 == 0 and len(p) > 4:
                    frames.append((0, p[4:]))
        auth = [f for f in frames if f[1][2:4] in (b"\xc2\x23", b"\xc2\x27",
                                                   b"\xc0\x23")]
        if auth:
            s["ppp_snoop"]["cap-" + name] = b"".join(
                rec(d, f) for d, f in auth[:12])
        tx_frames = [f for d, f in frames if d == 0][:12]
        if tx_frames:
            s["hdlc"]["cap-" + name] = b"\x04\x00\x00\x45" + b"".join(
                hd.encode(f, accm=0) for f in tx_frames)


def write_seeds(out, seeds):
    """Write {target: {name: bytes}} as OUT/<target>/seed-<name> (also used
    by mkseeds-ppp.py); finding-* files are left alone."""
    for target, files in seeds.items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(d, "seed-" + name), "wb") as f:
                f.write(data)
        print("%-10s %3d seeds" % (target, len(files)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--capture", action="store_true",
                    help="also capture sessions with the test server")
    ap.add_argument("--out", default=os.path.join(HERE, "corpus"))
    args = ap.parse_args()
    seeds = fixed_seeds()
    if args.capture:
        tmp = tempfile.mkdtemp(prefix="sstpc-seeds-")
        try:
            captured_seeds(capture(tmp), seeds)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    write_seeds(args.out, seeds)


if __name__ == "__main__":
    main()
