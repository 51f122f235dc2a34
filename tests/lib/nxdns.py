#!/usr/bin/python3
"""nxdns.py: a loopback DNS stub that answers every query with NXDOMAIN.

For tests that need a name that does not resolve without sending a query
off the machine: run the client in a mount namespace whose /etc/resolv.conf
says `nameserver 127.0.0.1:PORT` (libevent's evdns accepts a port there).

    nxdns.py --port-file FILE [--log FILE]

Listens on 127.0.0.1, a free UDP port written to --port-file (atomically);
each query's name and type go to --log, one line each.  SIGTERM ends it.
Standard library only; RFC 1035 4.1 (header, question), RCODE 3.
"""

import argparse
import os
import signal
import socket
import struct
import sys


def qname(msg, off):
    """The question name at off (no compression in a question)."""
    labels = []
    while off < len(msg):
        n = msg[off]
        off += 1
        if n == 0:
            return ".".join(labels), off
        if n > 63 or off + n > len(msg):
            break
        labels.append(msg[off:off + n].decode("ascii", "replace"))
        off += n
    raise ValueError("bad question name")


def answer(msg):
    """NXDOMAIN for a query: same id and question, QR|AA|RD|RA, RCODE 3."""
    if len(msg) < 12:
        raise ValueError("short header")
    qid, flags, qd = struct.unpack("!HHH", msg[:6])
    if flags & 0x8000 or qd != 1:
        raise ValueError("not a one-question query")
    name, end = qname(msg, 12)
    if end + 4 > len(msg):
        raise ValueError("short question")
    qtype = struct.unpack("!H", msg[end:end + 2])[0]
    hdr = struct.pack("!HHHHHH", qid, 0x8400 | (flags & 0x0100) | 0x0080 | 3,
                      1, 0, 0, 0)
    return hdr + msg[12:end + 4], name, qtype


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(tmp, a.port_file)
    log = open(a.log, "a", buffering=1) if a.log else None
    while True:
        msg, peer = s.recvfrom(512)
        try:
            out, name, qtype = answer(msg)
        except ValueError as e:
            if log:
                log.write("bad query: %s\n" % e)
            continue
        s.sendto(out, peer)
        if log:
            log.write("%s %d NXDOMAIN\n" % (name, qtype))


if __name__ == "__main__":
    main()
