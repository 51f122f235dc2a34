#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""proxy.py: a small HTTP CONNECT proxy on loopback for the integration tests.

Written from RFC 9110 (CONNECT, 407, Proxy-Authenticate/-Authorization),
RFC 7617 (Basic) and RFC 7616 (Digest); standard library only.

It logs every request it reads as one JSON line (--log): the request line,
the headers, the Proxy-Authorization value and, once decoded, the user and
password it carried (these are test credentials), and what it did.  Then,
depending on the options, it:
  --auth none|basic|digest   demands that proxy authentication (407 first)
  --refuse CODE              answers every CONNECT with CODE (403, 502, ...)
  --drop                     closes the connection after reading the request
  (default)                  connects to the target (loopback only) and
                             relays bytes both ways after "200 Connection
                             established"
A 407 keeps the connection open (Content-Length: 0) so that a client may
answer on the same connection or on a new one.

Usage: proxy.py --port-file F --log L [--auth basic --user U --password P]
                [--digest-alg MD5|SHA-256] [--refuse 403] [--drop]
"""

import argparse
import base64
import hashlib
import json
import os
import re
import socket
import socketserver
import sys
import threading
import time

LOCK = threading.Lock()
CFG = None


def log(**rec):
    """Append one JSON event to the log file."""
    rec["t"] = round(time.monotonic() - CFG.t0, 4)
    line = json.dumps(rec, sort_keys=True)
    with LOCK:
        if CFG.log:
            with open(CFG.log, "a", encoding="utf-8") as f:
                f.write(line + "\n")
        if CFG.verbose:
            sys.stderr.write(line + "\n")


def read_head(sock, buf):
    """Read until CRLFCRLF (or LFLF); returns (head, rest) or (None, buf)."""
    while True:
        m = re.search(b"\r?\n\r?\n", buf)
        if m:
            return buf[:m.start()], buf[m.end():]
        if len(buf) > 16384:
            return None, buf
        try:
            d = sock.recv(4096)
        except OSError:
            return None, buf
        if not d:
            return None, buf
        buf += d


def parse_params(s):
    """Digest auth-params: k=v or k="v", comma separated."""
    out = {}
    for m in re.finditer(r'([A-Za-z0-9_-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]*)',
                         s):
        v = m.group(3) if m.group(3) is not None else m.group(2)
        out[m.group(1).lower()] = re.sub(r"\\(.)", r"\1", v)
    return out


def digest_hash(alg, data):
    """H() of RFC 7616 3.4.1 for MD5 or SHA-256."""
    name = "sha256" if alg.upper().startswith("SHA-256") else "md5"
    return hashlib.new(name, data.encode("utf-8")).hexdigest()


def check_auth(method, hdrs, nonce):
    """(ok, user, password-or-None, detail) for the Proxy-Authorization."""
    val = hdrs.get("proxy-authorization")
    if val is None:
        return False, None, None, "missing"
    scheme, _, rest = val.strip().partition(" ")
    if CFG.auth == "basic":
        if scheme.lower() != "basic":
            return False, None, None, "scheme %s" % scheme
        try:
            dec = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return False, None, None, "bad base64"
        user, _, pw = dec.partition(":")
        ok = user == CFG.user and pw == CFG.password
        return ok, user, pw, "basic"
    if scheme.lower() != "digest":
        return False, None, None, "scheme %s" % scheme
    p = parse_params(rest)
    user = p.get("username")
    alg = p.get("algorithm", "MD5")
    if p.get("nonce") != nonce or p.get("realm") != CFG.realm:
        return False, user, None, "nonce/realm"
    ha1 = digest_hash(alg, "%s:%s:%s" % (CFG.user, CFG.realm, CFG.password))
    ha2 = digest_hash(alg, "%s:%s" % (method, p.get("uri", "")))
    if p.get("qop"):
        exp = digest_hash(alg, "%s:%s:%s:%s:%s:%s" % (
            ha1, nonce, p.get("nc", ""), p.get("cnonce", ""), p["qop"], ha2))
    else:
        exp = digest_hash(alg, "%s:%s:%s" % (ha1, nonce, ha2))
    ok = user == CFG.user and p.get("response", "").lower() == exp
    return ok, user, None, "digest uri=%s qop=%s alg=%s" % (
        p.get("uri"), p.get("qop"), alg)


def relay(a, b, name):
    """Copy bytes a -> b until EOF (--dump logs the first bytes)."""
    first = True
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            if first and CFG.dump:
                log(event="relay", dir=name, first_bytes=d[:48].hex(),
                    len=len(d))
                first = False
            b.sendall(d)
    except OSError:
        pass
    for s in (b,):
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class Handler(socketserver.BaseRequestHandler):
    """One client connection: possibly several requests (after a 407)."""

    def handle(self):
        c = self.request
        buf = b""
        # one nonce per proxy run: a client may answer a 407 on a new
        # connection (as squid allows)
        nonce = CFG.nonce
        while True:
            head, buf = read_head(c, buf)
            if head is None:
                log(event="eof", peer=list(self.client_address))
                return
            lines = head.decode("latin-1").splitlines()
            reqline = lines[0] if lines else ""
            hdrs, hlist = {}, []
            for ln in lines[1:]:
                k, _, v = ln.partition(":")
                hlist.append([k.strip(), v.strip()])
                hdrs[k.strip().lower()] = v.strip()
            parts = reqline.split()
            method = parts[0] if parts else ""
            target = parts[1] if len(parts) > 1 else ""
            rec = {"event": "request", "line": reqline, "method": method,
                   "target": target, "headers": hlist,
                   "proxy_authorization": hdrs.get("proxy-authorization")}
            if CFG.drop:
                log(action="drop", **rec)
                return
            if method != "CONNECT":
                log(action="405", **rec)
                c.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n"
                          b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                return
            if CFG.auth != "none":
                ok, user, pw, detail = check_auth(method, hdrs, nonce)
                rec.update(auth_ok=ok, user=user, password=pw,
                           auth_detail=detail)
                if not ok:
                    log(action="407", **rec)
                    if CFG.auth == "basic":
                        chal = 'Basic realm="%s"' % CFG.realm
                    else:
                        chal = ('Digest realm="%s", nonce="%s", qop="auth", '
                                'algorithm=%s' % (CFG.realm, nonce,
                                                  CFG.digest_alg))
                    c.sendall(("HTTP/1.1 407 Proxy Authentication Required"
                               "\r\nProxy-Authenticate: %s\r\n"
                               "Content-Length: 0\r\n\r\n" % chal)
                              .encode("latin-1"))
                    continue
            if CFG.refuse:
                log(action=str(CFG.refuse), **rec)
                c.sendall(("HTTP/1.1 %d Refused\r\nContent-Length: 0\r\n"
                           "Connection: close\r\n\r\n" % CFG.refuse)
                          .encode("latin-1"))
                return
            host, _, port = target.rpartition(":")
            host = host.strip("[]")
            if host not in ("localhost", "127.0.0.1", "::1") or \
                    not port.isdigit():
                log(action="403-not-loopback", **rec)
                c.sendall(b"HTTP/1.1 403 Forbidden\r\n"
                          b"Content-Length: 0\r\n\r\n")
                return
            try:
                up = socket.create_connection(
                    ("127.0.0.1" if host != "::1" else host, int(port)), 5)
            except OSError as e:
                log(action="502", error=str(e), **rec)
                c.sendall(b"HTTP/1.1 502 Bad Gateway\r\n"
                          b"Content-Length: 0\r\n\r\n")
                return
            log(action="200", **rec)
            c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if buf:
                up.sendall(buf)
            up.settimeout(None)
            t = threading.Thread(target=relay, args=(up, c, "down"),
                                 daemon=True)
            t.start()
            relay(c, up, "up")
            t.join(5)
            up.close()
            log(event="closed", target=target)
            return


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global CFG
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--auth", choices=("none", "basic", "digest"),
                    default="none")
    ap.add_argument("--user", default="u")
    ap.add_argument("--password", default="p")
    ap.add_argument("--realm", default="itest")
    ap.add_argument("--digest-alg", default="MD5",
                    choices=("MD5", "SHA-256"))
    ap.add_argument("--refuse", type=int, default=0)
    ap.add_argument("--drop", action="store_true")
    ap.add_argument("--dump", action="store_true",
                    help="log the first bytes relayed each way")
    ap.add_argument("--verbose", "-v", action="store_true")
    CFG = ap.parse_args()
    CFG.t0 = time.monotonic()
    CFG.nonce = os.urandom(12).hex()
    host, _, port = CFG.listen.rpartition(":")
    if host not in ("127.0.0.1", "localhost", "::1"):
        ap.error("loopback only")
    srv = Server((host, int(port)), Handler)
    port = srv.server_address[1]
    print("LISTENING %s %d" % (host, port), flush=True)
    if CFG.port_file:
        tmp = CFG.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, CFG.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
