#!/usr/bin/env python3
"""mkseeds-parse.py - seed corpora of fuzz_http_req (the server's HTTP
request parser, src/wire/http_req.c), fuzz_proxy_hdr (the PROXY header,
src/wire/proxy_hdr.c) and fuzz_secrets (chap-secrets, src/sstpd/secrets.c):
the requests of PROTOCOL.md 1.2 and of each client variant, one per HTTP
error status; the PROXY examples of haproxy's doc/proxy-protocol.txt 2.1
and 2.2 and refused ones; chap-secrets files in pppd's format.  The input
layouts are in the header comments of the targets.

usage: tests/fuzz/mkseeds-parse.py [OUTDIR]   (default: tests/fuzz/corpus)
Only seed-* files are written.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

URI = b"/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
LINE = b"SSTP_DUPLEX_POST " + URI + b" HTTP/1.1\r\n"

HTTP = {
    "sstpc": LINE + b"Host: vpn.example.com\r\n"
    b"Content-Length: 18446744073709551615\r\n"
    b"SSTPCORRELATIONID: {6F9619FF-8B86-D011-B42D-00C04FC964FF}\r\n\r\n",
    "osc": LINE + b"Content-Length: 18446744073709551615\r\n"
    b"Host: vpn.example.com:443\r\n"
    b"SSTPCORRELATIONID: c3f5b8c4-1111-2222-3333-444455556666\r\n\r\n",
    "pipelined": LINE + b"Host: h\r\n\r\n\x10\x01\x00\x0e\x00\x01\x00\x01"
    b"\x01\x00\x00\x06\x00\x01",
    "tenant": b"SSTP_DUPLEX_POST " + URI + b"?tenantid=x HTTP/1.1\r\n"
    b"Host: h\r\nUser-Agent: MSRPC\r\nX-Forwarded-For: 192.0.2.9\r\n\r\n",
    "404": b"GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
    "405": b"GET " + URI + b" HTTP/1.1\r\nHost: h\r\n\r\n",
    "505": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    "400-nohost": b"SSTP_DUPLEX_POST " + URI + b" HTTP/1.0\r\n\r\n",
    "400-fold": LINE + b"Host: h\r\n X: y\r\n\r\n",
    "400-lf": b"GET / HTTP/1.1\nHost: h\n\n",
    "400-clen": LINE + b"Host: h\r\nContent-Length: 0\r\n\r\n",
    "400-te": LINE + b"Host: h\r\nTransfer-Encoding: chunked\r\n\r\n",
    "431-fields": LINE + b"".join(b"X-%d: v\r\n" % i for i in range(70))
    + b"\r\n",
    "431-size": LINE + b"Host: h\r\n" + b"X: " + b"a" * 4000 + b"\r\n"
    + b"Y: " + b"b" * 4000 + b"\r\n" + b"Z: " + b"c" * 300 + b"\r\n\r\n",
    "tls": bytes.fromhex("160301020001000001fc0303") + b"\0" * 32,
}

SIG = bytes.fromhex("0d0a0d0a000d0a515549540a")


def v2(vc, fam, body):
    return SIG + bytes([vc, fam]) + struct.pack("!H", len(body)) + body


A4 = bytes([192, 168, 0, 1, 192, 168, 0, 11]) + struct.pack("!HH", 56324,
                                                             443)
A6 = (bytes.fromhex("20010db8000000000000000000000001") +
      bytes.fromhex("20010db8000000000000000000000002") +
      struct.pack("!HH", 1234, 443))
TLVS = b"\x04\x00\x02\x00\x00" + b"\x01\x00\x02h2" + b"\x05\x00\x00"

PROXY = {
    "v1-tcp4": b"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"
    b"GET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n",
    "v1-tcp4-max": b"PROXY TCP4 255.255.255.255 255.255.255.255 "
    b"65535 65535\r\n",
    "v1-tcp6": b"PROXY TCP6 2001:db8::1 ::1 0 443\r\n\x16\x03\x01",
    "v1-tcp6-max": b"PROXY TCP6 " + b":".join([b"ffff"] * 8) + b" "
    + b":".join([b"ffff"] * 8) + b" 65535 65535\r\n",
    "v1-unknown": b"PROXY UNKNOWN\r\n",
    "v1-unknown-max": b"PROXY UNKNOWN " + b":".join([b"ffff"] * 8) + b" "
    + b":".join([b"ffff"] * 8) + b" 65535 65535\r\n",
    "v1-bad-zero": b"PROXY TCP4 1.2.3.04 1.2.3.4 1 1\r\n",
    "v1-bad-lf": b"PROXY TCP4 1.2.3.4 1.2.3.4 1 1\n",
    "v2-local": v2(0x20, 0x00, b""),
    "v2-local-block": v2(0x20, 0x11, A4),
    "v2-tcp4": v2(0x21, 0x11, A4) + b"\x16\x03\x01",
    "v2-tcp6": v2(0x21, 0x21, A6),
    "v2-tlvs": v2(0x21, 0x11, A4 + TLVS),
    "v2-udp": v2(0x21, 0x12, A4),
    "v2-unix": v2(0x21, 0x31, b"\0" * 216),
    "v2-unspec": v2(0x21, 0x00, b""),
    "v2-bad-tlv": v2(0x21, 0x11, A4 + b"\x04\x00\x05\x00"),
    "v2-bad-short": v2(0x21, 0x21, A4),
    "v2-bad-cmd": v2(0x22, 0x11, A4),
}

SECRETS = {
    "basic": b"\x01# client server secret addresses\n"
    b"alice\t*\talicepw\n"
    b"bob vpn1 \"two words\" 192.0.2.10\n"
    b"carol vpn2 carolpw\n"
    b"dave * 'it\"s' * 192.0.2.99\n"
    b"erin * a\\ b\\#c\\\\d host.example 192.0.2.11\r\n"
    b"\"frank smith\" * pw\\\n   192.0.2.13\n"
    b"grace * \"\" -\n"
    b"* * anyone\n",
    "noserver": b"\x00a vpn1 x\nb * y\n* * z 192.0.2.5\n",
    "bad-quote": b"\x01a * \"open\n",
    "bad-addr": b"\x01a * x 192.0.2.0/24\n",
    "bad-dash": b"\x01a * x - 192.0.2.1\n",
    "bad-words": b"\x01a *\n",
}


def write(outdir, name, items):
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    for k, v in items.items():
        with open(os.path.join(d, "seed-" + k), "wb") as f:
            f.write(v)


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE,
                                                                "corpus")
    write(outdir, "http_req", HTTP)
    write(outdir, "proxy_hdr", PROXY)
    write(outdir, "secrets", SECRETS)


if __name__ == "__main__":
    main()
