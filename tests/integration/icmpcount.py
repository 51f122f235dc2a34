#!/usr/bin/python3
"""Count ICMP echo requests that reach this network namespace's stack.

Usage: icmpcount.py SECONDS MARKER [MARKER...] [--ready FILE] [--stop FILE]

A raw IPv4 ICMP socket gets a copy of every ICMP packet the kernel takes in
(on any interface of the namespace, the TUN included).  Prints one line
"MARKER COUNT" per marker: the echo requests whose payload starts with
MARKER.  The sstpd network tier (tier-sstpd-net.sh) runs it in the
server's namespace to prove that IP data a client sends before its Call
Connected never reaches the TUN.  --ready FILE is written once the socket
is open; --stop FILE ends the capture early once FILE exists (SECONDS
stays the bound).
"""

import os

import argparse
import select
import socket
import time


def main():
    """Capture for SECONDS, then print the counts."""
    ap = argparse.ArgumentParser()
    ap.add_argument("seconds", type=float)
    ap.add_argument("markers", nargs="+")
    ap.add_argument("--ready")
    ap.add_argument("--stop")
    a = ap.parse_args()
    marks = [m.encode() for m in a.markers]
    counts = dict.fromkeys(marks, 0)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("ready\n")
    end = time.monotonic() + a.seconds
    while True:
        left = end - time.monotonic()
        if left <= 0 or (a.stop and os.path.exists(a.stop)):
            break
        if not select.select([s], [], [], min(left, 0.1))[0]:
            continue
        pkt = s.recv(65535)
        if len(pkt) < 20:
            continue
        ihl = (pkt[0] & 0x0F) * 4
        icmp = pkt[ihl:]
        if len(icmp) < 8 or icmp[0] != 8:
            continue
        body = icmp[8:]
        for m in marks:
            if body.startswith(m):
                counts[m] += 1
    for m in marks:
        print("%s %d" % (m.decode(), counts[m]), flush=True)


if __name__ == "__main__":
    main()
