#!/usr/bin/python3
"""A TCP transfer both ways with SHA-256 checks, for tests through a tunnel.

    tcpxfer.py serve HOST [--port N] [--port-file F] [--timeout S]
    tcpxfer.py send HOST PORT --up BYTES --down BYTES [--timeout S]

The sender connects, sends an 8-byte big-endian length, UP random bytes and
their SHA-256; the server checks the digest, answers one status byte (1:
match), then sends DOWN random bytes (the length it was asked for in the
same header) followed by their SHA-256, which the sender checks.  Both sides
print one line and exit 0 only when every byte arrived intact.  The server
serves one connection.  Standard library only.
"""

import argparse
import hashlib
import os
import socket
import struct
import sys
import time

CHUNK = 65536


def recv_exact(sock, n):
    """n bytes or ConnectionError."""
    out = bytearray()
    while len(out) < n:
        b = sock.recv(min(CHUNK, n - len(out)))
        if not b:
            raise ConnectionError("EOF after %d of %d bytes" % (len(out), n))
        out += b
    return bytes(out)


def send_random(sock, n):
    """n random bytes, then their SHA-256."""
    h = hashlib.sha256()
    left = n
    while left:
        b = os.urandom(min(CHUNK, left))
        h.update(b)
        sock.sendall(b)
        left -= len(b)
    sock.sendall(h.digest())


def recv_checked(sock, n):
    """n bytes hashed as they come, then the peer's digest: True if equal."""
    h = hashlib.sha256()
    left = n
    while left:
        b = sock.recv(min(CHUNK, left))
        if not b:
            raise ConnectionError("EOF with %d bytes left" % left)
        h.update(b)
        left -= len(b)
    return recv_exact(sock, 32) == h.digest()


def serve(a):
    """One connection."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.host, a.port))
    ls.listen(1)
    ls.settimeout(a.timeout)
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write("%d\n" % ls.getsockname()[1])
        os.replace(tmp, a.port_file)
    conn, peer = ls.accept()
    conn.settimeout(a.timeout)
    up, down = struct.unpack(">QQ", recv_exact(conn, 16))
    ok = recv_checked(conn, up)
    conn.sendall(b"\x01" if ok else b"\x00")
    send_random(conn, down)
    conn.shutdown(socket.SHUT_WR)
    conn.recv(1)
    print("tcpxfer serve: from %s up %d bytes %s, sent %d" %
          (peer[0], up, "intact" if ok else "CORRUPT", down), flush=True)
    return 0 if ok else 1


def send(a):
    """Connect, send, receive, check."""
    t0 = time.monotonic()
    s = socket.create_connection((a.host, a.port), timeout=a.timeout)
    s.settimeout(a.timeout)
    s.sendall(struct.pack(">QQ", a.up, a.down))
    send_random(s, a.up)
    up_ok = recv_exact(s, 1) == b"\x01"
    down_ok = recv_checked(s, a.down)
    s.close()
    dt = max(time.monotonic() - t0, 1e-6)
    print("tcpxfer send: up %d bytes %s, down %d bytes %s, %.2f s, "
          "%.1f MB/s" % (a.up, "intact" if up_ok else "CORRUPT", a.down,
                         "intact" if down_ok else "CORRUPT", dt,
                         (a.up + a.down) / dt / 1e6), flush=True)
    return 0 if up_ok and down_ok else 1


def main(argv=None):
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("host")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--port-file")
    s.add_argument("--timeout", type=float, default=30.0)
    c = sub.add_parser("send")
    c.add_argument("host")
    c.add_argument("port", type=int)
    c.add_argument("--up", type=int, default=1 << 20)
    c.add_argument("--down", type=int, default=1 << 20)
    c.add_argument("--timeout", type=float, default=30.0)
    a = ap.parse_args(argv)
    try:
        return serve(a) if a.cmd == "serve" else send(a)
    except (OSError, ConnectionError) as e:
        print("tcpxfer %s: %s: %s" % (a.cmd, type(e).__name__, e),
              flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
