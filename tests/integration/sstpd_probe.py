#!/usr/bin/env python3
"""sstpd_probe.py - small raw clients for tier-sstpd-smoke.sh (loopback only).

  http HOST:PORT REQFILE [--proxy v1|v2 --src ADDR:PORT] [--plain]
        send the bytes of REQFILE (after an optional PROXY header, then TLS
        unless --plain) and print the response's status line, then
        "closed" if the server closed the connection within 3 s, "open"
        otherwise.
  idle HOST:PORT N SECONDS [--bind ADDR]
        open N TCP connections that never send a byte, keep them SECONDS,
        print how many were still open at the end (not closed by sstpd).
  wait-close HOST:PORT [--tls]
        connect (and with --tls finish the handshake), send nothing, print
        the seconds until the server closes (or "timeout" after 30 s).
  certhash HOST:PORT
        the SHA-256 of the certificate the server presents, hex.
"""
import argparse
import hashlib
import socket
import ssl
import struct
import sys
import time

SSTP_PATH = "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"


def hostport(s):
    h, p = s.rsplit(":", 1)
    return h.strip("[]"), int(p)


def tls_wrap(sock):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx.wrap_socket(sock, server_hostname="localhost")


def proxy_header(version, src, dst):
    sh, sp = hostport(src)
    dh, dp = dst
    if version == "v1":
        return ("PROXY TCP4 %s %s %d %d\r\n" % (sh, dh, sp, dp)).encode()
    sig = b"\r\n\r\n\x00\r\nQUIT\n"
    body = socket.inet_aton(sh) + socket.inet_aton(dh) + struct.pack(
        ">HH", sp, dp)
    # A TLV the parser must skip (PP2_TYPE_NOOP 0x04).
    body += b"\x04\x00\x02xx"
    return sig + bytes([0x21, 0x11]) + struct.pack(">H", len(body)) + body


def read_status(sock, deadline=3.0):
    sock.settimeout(deadline)
    data = b""
    t0 = time.monotonic()
    closed = False
    while time.monotonic() - t0 < deadline:
        try:
            chunk = sock.recv(4096)
        except (socket.timeout, ssl.SSLError, ConnectionResetError):
            break
        if not chunk:
            closed = True
            break
        data += chunk
        if b"\r\n\r\n" in data and b" 200 " in data.split(b"\r\n")[0]:
            break
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    return line, data, closed


def cmd_http(a):
    host, port = hostport(a.addr)
    with open(a.reqfile, "rb") as f:
        req = f.read()
    sock = socket.create_connection((host, port), timeout=5)
    if a.proxy:
        sock.sendall(proxy_header(a.proxy, a.src, (host, port)))
    if not a.plain:
        try:
            sock = tls_wrap(sock)
        except (OSError, ssl.SSLError) as e:
            print("(no TLS: %s)" % e)
            print("closed")
            return 0
    sock.sendall(req)
    line, data, closed = read_status(sock)
    print(line)
    for h in data.split(b"\r\n")[1:]:
        if h.lower().startswith(b"allow:") or \
                h.lower().startswith(b"content-length:"):
            print(h.decode("latin-1"))
    print("closed" if closed else "open")
    return 0


def cmd_idle(a):
    host, port = hostport(a.addr)
    socks = []
    for _ in range(a.n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if a.bind:
            s.bind((a.bind, 0))
        s.setblocking(False)
        try:
            s.connect((host, port))
        except BlockingIOError:
            pass
        socks.append(s)
    print("opened %d" % len(socks), flush=True)
    time.sleep(a.seconds)
    alive = 0
    for s in socks:
        try:
            d = s.recv(1, socket.MSG_PEEK)
            if d:
                alive += 1
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
        s.close()
    print("alive %d" % alive)
    return 0


def cmd_wait_close(a):
    host, port = hostport(a.addr)
    sock = socket.create_connection((host, port), timeout=5)
    if a.tls:
        sock = tls_wrap(sock)
    t0 = time.monotonic()
    sock.settimeout(30)
    try:
        while True:
            if not sock.recv(4096):
                break
    except socket.timeout:
        print("timeout")
        return 1
    except (OSError, ssl.SSLError):
        pass
    print("%.1f" % (time.monotonic() - t0))
    return 0


def cmd_certhash(a):
    host, port = hostport(a.addr)
    sock = tls_wrap(socket.create_connection((host, port), timeout=5))
    der = sock.getpeercert(binary_form=True)
    print(hashlib.sha256(der).hexdigest())
    sock.close()
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("http")
    h.add_argument("addr")
    h.add_argument("reqfile")
    h.add_argument("--proxy", choices=["v1", "v2"])
    h.add_argument("--src", default="198.51.100.7:5555")
    h.add_argument("--plain", action="store_true")
    i = sub.add_parser("idle")
    i.add_argument("addr")
    i.add_argument("n", type=int)
    i.add_argument("seconds", type=float)
    i.add_argument("--bind")
    w = sub.add_parser("wait-close")
    w.add_argument("addr")
    w.add_argument("--tls", action="store_true")
    c = sub.add_parser("certhash")
    c.add_argument("addr")
    a = p.parse_args()
    return {"http": cmd_http, "idle": cmd_idle, "wait-close": cmd_wait_close,
            "certhash": cmd_certhash}[a.cmd](a)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:     # the caller kept only the first line
        sys.exit(0)
