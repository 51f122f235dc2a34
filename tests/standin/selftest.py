#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Self-test of tests/standin/pppd-standin without sstpc.

A tiny fake *server-side* PPP (built on the shared sstptest library:
hdlc, pppwire, mscrypto) talks to the stand-in over a pty, and a fake
sstpc answers the plugin's sstp-api messages on a unix socket.

Scenarios:
  launch    sstpc 1.0.18 launch mode: the stand-in's stdin/stdout is the pty
            slave; password from `file`; server proposes EAP first and gets
            NAK'ed (refuse-eap); MS-CHAPv2 with the RFC 2759 vector, so the
            NT-Response and the plugin's MPPE keys are known answers; IPCP
            NAK; 3 pings; CCP Protocol-Reject; ACCM 0 honoured; clean exit 0.
  pty       `pty "selftest.py --serve ..."` (NetworkManager's way): EAP-
            MSCHAPv2, nm plugin (AUTH + ADDR), password from the env hook.
  badauth   wrong S= authenticator -> exit 19, no plugin AUTH.
  pap       PAP; plugin AUTH without attributes; SIGTERM -> exit 5 +
            LCP Terminate-Request.
  options   unknown option -> exit 2, a device path that is no character
            device -> exit 2; option-file quoting/escapes.

Run:  python3 tests/standin/selftest.py   (exit status 0 = all passed)
"""

import hashlib
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.dont_write_bytecode = True

from sstptest import hdlc, mscrypto, pppwire as pw  # noqa: E402

STANDIN = os.environ.get("STANDIN_SELFTEST_BIN",
                         os.path.join(HERE, "pppd-standin"))

# RFC 2759 9.2 / RFC 3079 3.5 vector (PROTOCOL.md 6.1, 6.2)
RFC_USER = "User"
RFC_PASS = "clientPass"
RFC_AUTH_CH = bytes.fromhex("5B5D7C7D7B3F2F3E3C2C602132262628")
RFC_PEER_CH = bytes.fromhex("21402324255E262A28295F2B3A337C7E")
RFC_NT = bytes.fromhex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF")
RFC_AUTH_RESP = "S=407A5589115FD0D6209F510FE9C04566932CDA56"
# client MasterSendKey (PROTOCOL.md 6.2, self-computed) and client
# MasterReceiveKey = the RFC 3079 server SendStartKey128 (published)
CLIENT_SEND = bytes.fromhex("D5F0E9521E3EA9589645E86051C82226")
CLIENT_RECV = bytes.fromhex("8B7CDC149B993A1BA118CB153F56DCCB")

API_MAGIC = 0x73737470

SERVER_IP = "10.0.0.1"
CLIENT_IP = "10.0.0.2"
DNS1, DNS2 = "10.0.0.53", "10.0.0.54"


# --------------------------------------------------------------------------
# Fake server-side PPP
# --------------------------------------------------------------------------

class FakePeer:
    """Server side of PPP over an fd pair, HDLC framed (RFC 1662)."""

    def __init__(self, rfd, wfd, cfg):
        self.rfd, self.wfd, self.cfg = rfd, wfd, cfg
        self.dec = hdlc.Decoder()
        self.raw = bytearray()
        self.ev = {"lcp_confreqs": [], "lcp_naks_rcvd": [], "auth": None,
                   "ipcp_confreqs": [], "pings_answered": 0,
                   "echo_replies": 0, "termreq": 0, "protrej": [],
                   "raw_ctrl_after_lcp": False, "raw_ctrl_before_lcp": False,
                   "compressed_frames": 0, "errors": []}
        self.magic = 0x5A5A1234
        self.auth = cfg.get("auth", "mschapv2")
        self.proposing = cfg.get("propose_first", self.auth)
        self.lcp_id = 1
        self.lcp_ours_acked = self.lcp_theirs_acked = False
        self.lcp_up = False
        self.auth_done = False
        self.ipcp_ours_acked = self.ipcp_theirs_acked = False
        self.ipcp_up_sent_probe = False
        self.eof = False
        self.ms = {}

    # -- output
    def send(self, proto, info):
        data = hdlc.encode(pw.ppp_frame(proto, info))
        while data:
            n = os.write(self.wfd, data)
            data = data[n:]

    def send_lcp_confreq(self):
        opts = [(pw.LCP_ACCM, b"\x00\x00\x00\x00")]
        method = self.proposing
        opts.append({"mschapv2": pw.opt_auth_mschapv2(),
                     "eap": pw.opt_auth_eap(),
                     "pap": pw.opt_auth_pap()}[method])
        opts.append(pw.opt_magic(self.magic))
        if self.cfg.get("windows_extras") and self.lcp_id == 1:
            opts += [(pw.LCP_CALLBACK, b"\x06"), (pw.LCP_MRRU, b"\x06\x4e"),
                     (pw.LCP_EPDISC, b"\x00")]
        self.send(pw.PROTO_LCP, pw.build_cp_options(pw.CONF_REQ, self.lcp_id,
                                                    opts))
        self.lcp_sent_at = time.monotonic()

    # -- input
    def run(self, timeout, alive=None):
        self.send_lcp_confreq()
        end = time.monotonic() + timeout
        while not self.eof and time.monotonic() < end:
            if alive is not None and not alive():
                break
            r, _, _ = select.select([self.rfd], [], [], 0.2)
            if not self.lcp_ours_acked and \
                    time.monotonic() - self.lcp_sent_at > 1.0:
                # like a real server: retransmit (the first one may have
                # been echoed/flushed before the tty was put in raw mode)
                self.ev["lcp_retransmits"] = \
                    self.ev.get("lcp_retransmits", 0) + 1
                self.send_lcp_confreq()
            if not r:
                continue
            try:
                data = os.read(self.rfd, 65536)
            except OSError:
                data = b""
            if not data:
                self.eof = True
                break
            if any(b < 0x20 for b in data):
                if self.lcp_up:
                    self.ev["raw_ctrl_after_lcp"] = True
                else:
                    self.ev["raw_ctrl_before_lcp"] = data.hex()
            for fr in self.dec.feed(data):
                if fr[:2] != b"\xff\x03":
                    self.ev["compressed_frames"] += 1
                try:
                    proto, info = pw.parse_ppp_frame(fr)
                    self.frame(proto, info)
                except ValueError as e:
                    self.ev["errors"].append("bad frame %s: %s" %
                                             (fr.hex(), e))
        return self.ev

    def frame(self, proto, info):
        if proto == pw.PROTO_LCP:
            self.lcp(pw.parse_cp(info))
        elif proto == pw.PROTO_CHAP:
            self.chap(pw.parse_chap(info))
        elif proto == pw.PROTO_EAP:
            self.eap(pw.parse_eap(info))
        elif proto == pw.PROTO_PAP:
            self.pap(pw.parse_pap(info))
        elif proto == pw.PROTO_IPCP:
            self.ipcp(pw.parse_cp(info))
        elif proto == pw.PROTO_IPV6CP:
            self.ipv6cp(pw.parse_cp(info))
        elif proto == pw.PROTO_IP:
            rep = pw.icmp_echo_reply_for(info)
            if rep is not None:
                self.ev["pings_answered"] += 1
                self.send(pw.PROTO_IP, rep)

    def lcp(self, p):
        if p.code == pw.CONF_REQ:
            if p.options is not None and \
                    dict(p.options).get(pw.LCP_MAGIC) == \
                    struct.pack(">I", self.magic):
                # our own request echoed by a tty not yet in raw mode
                self.ev["own_confreq_echoed"] = True
                return
            self.ev["lcp_confreqs"].append(p.data.hex())
            rej = [(t, v) for t, v in p.options
                   if self.cfg.get("reject_comp") and
                   t in (pw.LCP_PFC, pw.LCP_ACFC)]
            if rej:
                self.send(pw.PROTO_LCP, pw.build_cp_options(
                    pw.CONF_REJ, p.ident, rej))
                return
            self.send(pw.PROTO_LCP, pw.build_cp(pw.CONF_ACK, p.ident, p.data))
            self.lcp_theirs_acked = True
        elif p.code == pw.CONF_ACK and p.ident == self.lcp_id:
            self.lcp_ours_acked = True
        elif p.code == pw.CONF_NAK and p.ident == self.lcp_id:
            self.ev["lcp_naks_rcvd"].append(p.data.hex())
            self.proposing = self.auth
            self.lcp_id += 1
            self.send_lcp_confreq()
        elif p.code == pw.CONF_REJ and p.ident == self.lcp_id:
            self.ev.setdefault("lcp_rejs_rcvd", []).append(p.data.hex())
            self.cfg["windows_extras"] = False
            self.lcp_id += 1
            self.send_lcp_confreq()
        elif p.code == pw.ECHO_REQ:
            self.send(pw.PROTO_LCP, pw.echo_packet(pw.ECHO_REP, p.ident,
                                                   self.magic, p.data[4:]))
        elif p.code == pw.ECHO_REP:
            self.ev["echo_replies"] += 1
        elif p.code == pw.TERM_REQ:
            self.ev["termreq"] += 1
            self.ev["termreq_data"] = p.data.decode("latin-1")
            self.send(pw.PROTO_LCP, pw.build_cp(pw.TERM_ACK, p.ident))
        elif p.code == pw.PROTO_REJ:
            self.ev["protrej"].append(p.data[:2].hex())
        if not self.lcp_up and self.lcp_ours_acked and self.lcp_theirs_acked:
            self.lcp_up = True
            self.start_auth()

    def start_auth(self):
        if self.auth == "mschapv2":
            self.ms["auth_ch"] = RFC_AUTH_CH
            self.send(pw.PROTO_CHAP, pw.chap_challenge(7, RFC_AUTH_CH,
                                                       "srv"))
        elif self.auth == "eap":
            self.send(pw.PROTO_EAP, pw.eap_identity_request(1))

    def check_ms(self, value, name):
        peer_ch, nt, _ = pw.parse_mschapv2_response_value(value)
        user = name.decode("latin-1")
        want = mscrypto.generate_nt_response(self.ms["auth_ch"], peer_ch,
                                             user, self.cfg["password"])
        self.ev["auth"] = {"user": user, "nt": nt.hex(),
                           "peer_ch": peer_ch.hex(), "ok": nt == want}
        if nt != want:
            return None
        msg = mscrypto.generate_authenticator_response(
            self.cfg["password"], nt, peer_ch, self.ms["auth_ch"], user)
        if self.cfg.get("bad_authenticator"):
            msg = msg[:-1] + (b"0" if msg[-1:] != b"0" else b"1")
        return msg + b" M=Welcome"

    def chap(self, c):
        if c.code != pw.CHAP_RESPONSE:
            return
        msg = self.check_ms(c.value, c.name)
        if msg is None:
            self.send(pw.PROTO_CHAP, pw.chap_failure(
                c.ident, "E=691 R=0 C=00000000000000000000000000000000 V=3"))
            return
        self.send(pw.PROTO_CHAP, pw.chap_success(c.ident, msg))
        self.after_auth()

    def eap(self, e):
        if e.code != pw.EAP_RESPONSE:
            return
        if e.type == pw.EAP_TYPE_IDENTITY:
            self.ev["eap_identity"] = e.data.decode("latin-1")
            # first propose PEAP to see the Legacy-Nak, then MS-CHAPv2
            self.send(pw.PROTO_EAP, pw.build_eap(pw.EAP_REQUEST, 2,
                                                 pw.EAP_TYPE_PEAP, b"\x20"))
        elif e.type == pw.EAP_TYPE_NAK:
            self.ev["eap_nak"] = list(e.data)
            self.ms["auth_ch"] = os.urandom(16)
            self.send(pw.PROTO_EAP, pw.eap_mschapv2_challenge(
                3, 0x33, self.ms["auth_ch"], "srv"))
        elif e.type == pw.EAP_TYPE_MSCHAPV2:
            m = pw.parse_eap_mschapv2(e.data)
            if m.opcode == pw.MSCHAPV2_OP_RESPONSE:
                msg = self.check_ms(m.value, m.name)
                self.ev["eap_ms_id_echo"] = m.ms_id == 0x33
                if msg is None:
                    self.send(pw.PROTO_EAP, pw.eap_failure(e.ident + 1))
                    return
                self.send(pw.PROTO_EAP, pw.eap_mschapv2_success_request(
                    e.ident + 1, 0x33, msg))
            elif m.opcode == pw.MSCHAPV2_OP_SUCCESS:
                self.send(pw.PROTO_EAP, pw.eap_success(e.ident + 1))
                self.after_auth()

    def pap(self, p):
        if p.code != pw.PAP_AUTH_REQ:
            return
        ok = p.password == self.cfg["password"].encode()
        self.ev["auth"] = {"user": p.peer_id.decode("latin-1"), "ok": ok}
        self.send(pw.PROTO_PAP, pw.pap_reply(
            pw.PAP_AUTH_ACK if ok else pw.PAP_AUTH_NAK, p.ident, "hi"))
        if ok:
            self.after_auth()

    def after_auth(self):
        if self.auth_done:
            return
        self.auth_done = True
        # a CCP request: pppd with noccp answers LCP Protocol-Reject
        self.send(pw.PROTO_CCP, pw.build_cp_options(
            pw.CONF_REQ, 1, [pw.opt_mppe(pw.MPPE_S)]))
        self.send(pw.PROTO_IPCP, pw.build_cp_options(
            pw.CONF_REQ, 1, [pw.opt_ipv4(pw.IPCP_ADDR, SERVER_IP)]))

    def ipv6cp(self, p):
        if p.code == pw.CONF_REQ:
            self.ev["ipv6cp_req"] = p.data.hex()
            self.send(pw.PROTO_IPV6CP, pw.build_cp(pw.CONF_ACK, p.ident,
                                                   p.data))
            self.send(pw.PROTO_IPV6CP, pw.build_cp_options(
                pw.CONF_REQ, 1, [(pw.IPV6CP_IFID, bytes.fromhex(
                    "0200000000000001"))]))

    def ipcp(self, p):
        if p.code == pw.CONF_REQ:
            self.ev["ipcp_confreqs"].append(p.data.hex())
            want = {pw.IPCP_ADDR: CLIENT_IP, pw.IPCP_DNS1: DNS1,
                    pw.IPCP_DNS2: DNS2}
            rej = [(t, v) for t, v in p.options if t not in want]
            if rej:
                self.send(pw.PROTO_IPCP, pw.build_cp_options(
                    pw.CONF_REJ, p.ident, rej))
                return
            nak = [pw.opt_ipv4(t, want[t]) for t, v in p.options
                   if v != pw.opt_ipv4(t, want[t])[1]]
            if nak:
                self.send(pw.PROTO_IPCP, pw.build_cp_options(
                    pw.CONF_NAK, p.ident, nak))
                return
            self.send(pw.PROTO_IPCP, pw.build_cp(pw.CONF_ACK, p.ident,
                                                 p.data))
            self.ipcp_theirs_acked = True
        elif p.code == pw.CONF_ACK:
            self.ipcp_ours_acked = True
        if self.ipcp_ours_acked and self.ipcp_theirs_acked and \
                not self.ipcp_up_sent_probe:
            self.ipcp_up_sent_probe = True
            self.send(pw.PROTO_LCP, pw.echo_packet(pw.ECHO_REQ, 0x42,
                                                   self.magic, b"probe"))


# --------------------------------------------------------------------------
# Fake sstpc plugin socket (REFERENCE-CLIENT.md 3.2/3.3)
# --------------------------------------------------------------------------

class FakeSstpc(threading.Thread):
    def __init__(self, path):
        threading.Thread.__init__(self, daemon=True)
        self.path = path
        self.msgs = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(1)
        self.sock.settimeout(0.2)
        self.stop = False

    def run(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            with c:
                c.settimeout(5)
                hdr = self.recv(c, 8)
                magic, ln, typ = struct.unpack("=IHH", hdr)
                body = self.recv(c, ln)
                self.msgs.append((hdr + body).hex())
                if typ == 2:
                    gw = b"vpn.example.test"
                    sin = struct.pack("=H", socket.AF_INET) + \
                        struct.pack("!H", 443) + \
                        socket.inet_aton("192.0.2.7") + b"\x00" * 8
                    attrs = self.attr(3, gw) + self.attr(4, sin)
                    c.sendall(struct.pack("=IHH", API_MAGIC, len(attrs), 3) +
                              attrs)
                else:
                    c.sendall(struct.pack("=IHH", API_MAGIC, 0, 3))

    @staticmethod
    def attr(t, d):
        return struct.pack("=HH", t, len(d)) + d + b"\x00" * ((-len(d)) % 4)

    @staticmethod
    def recv(c, n):
        b = b""
        while len(b) < n:
            d = c.recv(n - len(b))
            if not d:
                raise OSError("eof")
            b += d
        return b

    def close(self):
        self.stop = True
        self.join(2)
        self.sock.close()


# --------------------------------------------------------------------------
# Scenario helpers
# --------------------------------------------------------------------------

class Check:
    def __init__(self, name):
        self.name = name
        self.fails = []

    def eq(self, what, got, want):
        if got != want:
            self.fails.append("%s: got %r, want %r" % (what, got, want))

    def true(self, what, cond):
        if not cond:
            self.fails.append(what)

    def done(self):
        if self.fails:
            print("FAIL %s" % self.name)
            for f in self.fails:
                print("     - %s" % f)
        else:
            print("PASS %s" % self.name)
        return not self.fails


def spawn_on_pty(args, env, cfg, timeout=20.0, signal_after=None,
                 device=False, out=None):
    """Run the stand-in with stdin/stdout = pty slave (sstpc 1.0.18 launch
    mode), or with the slave's path as the device argument (device=True,
    stdout then goes to the file ``out``); the fake peer runs on the
    master.  Returns (rc, events)."""
    master, slave = os.openpty()
    if device:
        with open(out, "wb") as outf:
            proc = subprocess.Popen([STANDIN, os.ttyname(slave)] + args,
                                    stdin=subprocess.DEVNULL, stdout=outf,
                                    env=env, close_fds=True)
    else:
        proc = subprocess.Popen([STANDIN] + args, stdin=slave, stdout=slave,
                                env=env, close_fds=True)
    if not device:
        # in device mode keep the slave open until the stand-in has
        # opened it by name, or the master would see a hangup at once
        os.close(slave)
    peer = FakePeer(master, master, cfg)
    if signal_after is not None:
        threading.Timer(signal_after,
                        lambda: proc.send_signal(signal.SIGTERM)).start()
    ev = peer.run(timeout, alive=lambda: proc.poll() is None)
    try:
        rc = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    os.close(master)
    if device:
        os.close(slave)
    return rc, ev


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def base_env(tmp, name):
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("STANDIN_"):
            del env[k]
    env["STANDIN_REPORT"] = os.path.join(tmp, name + ".json")
    env["STANDIN_LOG"] = os.path.join(tmp, name + ".log")
    return env


def scen_launch(tmp):
    c = Check("launch: MS-CHAPv2 (RFC 2759 vector) + sstp plugin + IPCP + "
              "ping")
    sock = os.path.join(tmp, "uds-launch")
    fake = FakeSstpc(sock)
    fake.start()
    pwfile = os.path.join(tmp, "pw-launch")
    with open(pwfile, "w") as f:
        f.write('password "%s"\n' % RFC_PASS)
    env = base_env(tmp, "launch")
    env.update(STANDIN_PEER_CHALLENGE=RFC_PEER_CH.hex(), STANDIN_HOLD="0.3")
    args = ["38400", "user", RFC_USER, "file", pwfile, "plugin",
            "sstp-pppd-plugin.so", "sstp-sock", sock, "refuse-eap",
            "refuse-chap", "refuse-pap", "noccp", "usepeerdns",
            "lcp-restart", "1", "--standin-ping", "3"]
    rc, ev = spawn_on_pty(args, env, {"password": RFC_PASS,
                                      "propose_first": "eap",
                                      "windows_extras": True})
    fake.close()
    rep = load(env["STANDIN_REPORT"])
    c.eq("exit status", rc, 0)
    c.eq("report exit", (rep.get("exit") or {}).get("name"), "EXIT_OK")
    c.true("no fake-peer errors %r" % ev["errors"], not ev["errors"])
    c.true("first bytes fully escaped before LCP is up",
           not ev["raw_ctrl_before_lcp"])
    c.true("ACCM 0 honoured after LCP up (raw control bytes seen)",
           ev["raw_ctrl_after_lcp"])
    first = bytes.fromhex(ev["lcp_confreqs"][0]) if ev["lcp_confreqs"] else b""
    opts = dict(pw.parse_options(first)) if first else {}
    c.eq("LCP ConfReq asyncmap", opts.get(pw.LCP_ACCM), b"\x00" * 4)
    c.true("LCP ConfReq has magic, pcomp, accomp",
           pw.LCP_MAGIC in opts and pw.LCP_PFC in opts and
           pw.LCP_ACFC in opts)
    c.eq("EAP NAK'ed to MS-CHAPv2", ev["lcp_naks_rcvd"][:1],
         ["0305c22381"])
    c.eq("Callback/MRRU/EPDISC rejected", ev.get("lcp_rejs_rcvd", [])[:1],
         ["0d03061104064e130300"])
    c.eq("NT-Response (RFC 2759 9.2)", (ev["auth"] or {}).get("nt"),
         RFC_NT.hex())
    c.eq("auth user", (ev["auth"] or {}).get("user"), RFC_USER)
    c.eq("report auth", (rep.get("auth") or {}).get("result"), "success")
    c.eq("authenticator verified", rep.get("auth", {}).get(
        "authenticator_ok"), True)
    want = struct.pack("=IHH", API_MAGIC, 40, 1) + \
        struct.pack("=HH", 1, 16) + CLIENT_SEND + \
        struct.pack("=HH", 2, 16) + CLIENT_RECV
    c.eq("plugin AUTH bytes", fake.msgs, [want.hex()])
    c.eq("report plugin ack", rep.get("plugin", {}).get("ack_received"), True)
    c.eq("IPCP local", rep.get("ipcp", {}).get("local"), CLIENT_IP)
    c.eq("IPCP remote", rep.get("ipcp", {}).get("remote"), SERVER_IP)
    c.eq("IPCP dns", (rep.get("ipcp", {}).get("dns1"),
                      rep.get("ipcp", {}).get("dns2")), (DNS1, DNS2))
    c.true("IPCP VJ requested then dropped after Reject",
           ev["ipcp_confreqs"] and
           ev["ipcp_confreqs"][0].startswith("0206002d0f01"))
    ping = rep.get("ping") or {}
    c.eq("pings sent/received", (ping.get("sent"), ping.get("received"),
                                 ping.get("corrupt")), (3, 3, 0))
    c.eq("server answered pings", ev["pings_answered"], 3)
    c.eq("CCP Protocol-Rejected", ev["protrej"], ["80fd"])
    c.eq("LCP echo answered", ev["echo_replies"], 1)
    c.eq("LCP Terminate-Request sent", ev["termreq"], 1)
    pwr = rep.get("password", {})
    c.eq("password sha256", pwr.get("sha256"),
         hashlib.sha256(RFC_PASS.encode()).hexdigest())
    c.eq("password source", pwr.get("source"), "file:" + pwfile)
    with open(env["STANDIN_LOG"]) as f:
        log = f.read()
    c.true("password not in log", RFC_PASS not in log)
    c.true("pppd-like log line", "sent [LCP ConfReq id=0x" in log and
           "<asyncmap 0x0>" in log)
    with open(env["STANDIN_REPORT"]) as f:
        c.true("password not in report", RFC_PASS not in f.read())
    return c.done()


def scen_badauth(tmp):
    c = Check("badauth: tty path argument, wrong authenticator -> exit 19")
    sock = os.path.join(tmp, "uds-bad")
    fake = FakeSstpc(sock)
    fake.start()
    env = base_env(tmp, "bad")
    args = ["user", RFC_USER, "password", RFC_PASS, "plugin",
            "/usr/lib/pppd/2.4.9/sstp-pppd-plugin.so", "sstp-sock", sock,
            "lcp-restart", "1", "nodetach"]
    out = os.path.join(tmp, "bad.stdout")
    rc, ev = spawn_on_pty(args, env, {"password": RFC_PASS,
                                      "bad_authenticator": True},
                          device=True, out=out)
    fake.close()
    rep = load(env["STANDIN_REPORT"])
    c.eq("exit status", rc, 19)
    c.eq("tty mode", rep.get("tty", {}).get("mode"), "device")
    with open(out, "rb") as f:
        c.true("device mode logs to stdout",
               b"MS-CHAPv2 mutual authentication failed" in f.read())
    c.eq("authenticator_ok", rep.get("auth", {}).get("authenticator_ok"),
         False)
    c.eq("no plugin AUTH", fake.msgs, [])
    c.eq("TermReq sent", ev["termreq"], 1)
    c.eq("password source", rep.get("password", {}).get("source"), "argv")
    c.true("argv password redacted", RFC_PASS not in json.dumps(rep))
    return c.done()


def scen_pap(tmp):
    c = Check("pap: PAP, plugin AUTH without keys, +ipv6, SIGTERM -> "
              "exit 5")
    sock = os.path.join(tmp, "uds-pap")
    fake = FakeSstpc(sock)
    fake.start()
    env = base_env(tmp, "pap")
    env["STANDIN_HOLD"] = "forever"
    args = ["user", "bob", "password", "pw1", "plugin",
            "sstp-pppd-plugin.so", "sstp-sock", sock, "lcp-restart", "1",
            "nopcomp", "noaccomp", "novj", "+ipv6"]
    rc, ev = spawn_on_pty(args, env, {"password": "pw1", "auth": "pap"},
                          timeout=10, signal_after=2.0)
    fake.close()
    rep = load(env["STANDIN_REPORT"])
    c.eq("exit status", rc, 5)
    c.eq("PAP ok", (ev["auth"] or {}).get("ok"), True)
    c.eq("plugin AUTH header only", fake.msgs,
         [struct.pack("=IHH", API_MAGIC, 0, 1).hex()])
    c.eq("TermReq on SIGTERM", ev["termreq"], 1)
    c.eq("no compressed frames with nopcomp/noaccomp",
         ev["compressed_frames"], 0)
    c.eq("IPCP up", rep.get("ipcp", {}).get("local"), CLIENT_IP)
    c.eq("IPV6CP up", (rep.get("ipv6cp") or {}).get("remote"),
         "fe80::200:0:0:1")
    c.true("IPV6CP ConfReq with interface id",
           ev.get("ipv6cp_req", "").startswith("010a"))
    return c.done()


def scen_pty(tmp):
    c = Check("pty: pty \"CMD\" mode, EAP-MSCHAPv2, nm plugin AUTH + ADDR")
    prefix = os.path.join(tmp, "sstpc-")
    ipparam = "nm-pptp-service-4242"
    fake = FakeSstpc(prefix + ipparam)
    fake.start()
    env = base_env(tmp, "pty")
    res = os.path.join(tmp, "pty-peer.json")
    cfg = {"password": "s3cret", "auth": "eap"}
    cmd = "%s %s --serve '%s' %s" % (sys.executable, os.path.realpath(
        __file__), json.dumps(cfg), res)
    env.update(STANDIN_PASSWORD="s3cret", STANDIN_NM_SOCK_PREFIX=prefix,
               STANDIN_HOLD="0.2", STANDIN_PING="2")
    args = ["pty", cmd, "ipparam", ipparam, "nodetach", "lock", "noauth",
            "user", "DOM\\alice", "remotename", "gw", "refuse-pap",
            "refuse-chap", "refuse-mschap", "mtu", "1400", "unit", "100",
            "plugin", "/usr/lib/pppd/2.4.9/nm-sstp-pppd-plugin.so"]
    proc = subprocess.run([STANDIN] + args, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, timeout=30)
    fake.close()
    rep = load(env["STANDIN_REPORT"])
    ev = load(res)
    c.eq("exit status", proc.returncode, 0)
    c.eq("tty mode", rep.get("tty", {}).get("mode"), "pty")
    c.eq("EAP identity", ev.get("eap_identity"), "DOM\\alice")
    c.eq("EAP Legacy-Nak to 26", ev.get("eap_nak"), [26])
    c.eq("EAP-MSCHAPv2 ok", (ev.get("auth") or {}).get("ok"), True)
    c.eq("MS-CHAPv2 ID echoed", ev.get("eap_ms_id_echo"), True)
    c.eq("auth method", rep.get("auth", {}).get("method"), "eap")
    c.eq("password source", rep.get("password", {}).get("source"),
         "env:STANDIN_PASSWORD")
    keys = rep.get("mppe_keys") or {}
    if ev.get("auth"):
        nt = bytes.fromhex(ev["auth"]["nt"])
        send, recv = mscrypto.master_keys("s3cret", nt, is_server=False)
        want = struct.pack("=IHH", API_MAGIC, 40, 1) + \
            struct.pack("=HH", 1, 16) + send + struct.pack("=HH", 2, 16) + recv
        c.eq("nm plugin AUTH", fake.msgs[:1], [want.hex()])
        c.eq("report keys", keys.get("send"), send.hex())
    c.eq("nm plugin ADDR", fake.msgs[1:],
         [struct.pack("=IHH", API_MAGIC, 0, 2).hex()])
    addr = rep.get("plugin", {}).get("addr_reply") or {}
    c.eq("ADDR reply", (addr.get("gateway"), addr.get("addr"),
                        addr.get("port")),
         ("vpn.example.test", "192.0.2.7", 443))
    c.eq("pings", ((rep.get("ping") or {}).get("received")), 2)
    c.true("pppd logs to stdout in pty mode",
           b"local  IP address 10.0.0.2" in proc.stdout)
    return c.done()


def scen_options(tmp):
    c = Check("options: unknown option -> 2, option-file syntax")
    env = base_env(tmp, "opt")
    p = subprocess.run([STANDIN, "38400", "nodetach", "frobnicate"], env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=10)
    c.eq("unknown option exit", p.returncode, 2)
    c.true("pppd-like message",
           b"unrecognized option 'frobnicate'" in p.stderr)
    # like pppd 2.4.9: a path that is no character device (a pty whose
    # master is gone, a plain file) is not taken for the device
    for dev in ("/dev/pts/nonexistent", "/etc/hostname"):
        p = subprocess.run([STANDIN, dev, "nodetach"], env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=10)
        c.eq("device %s exit" % dev, p.returncode, 2)
        c.true("device %s: pppd-like message" % dev,
               ("unrecognized option '%s'" % dev).encode() in p.stderr)
    p = subprocess.run([STANDIN, "sstp-sock", "/x"], env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=10)
    c.eq("sstp-sock without plugin", p.returncode, 2)
    p = subprocess.run([STANDIN, "user"], env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=10)
    c.eq("missing argument", p.returncode, 2)
    # option file: quotes, escapes, comments; the password hash proves it
    f = os.path.join(tmp, "opts")
    with open(f, "w") as fh:
        fh.write('# comment\nuser "DOM\\\\u"  password "a \\"b\\" \\\\c"'
                 ' # trailing\nmru 1400\n')
    env["STANDIN_HOLD"] = "0"
    rc, ev = spawn_on_pty(["file", f, "lcp-restart", "1"], env,
                          {"password": 'a "b" \\c', "auth": "pap"})
    rep = load(env["STANDIN_REPORT"])
    c.eq("rc", rc, 0)
    c.eq("password sha256", rep.get("password", {}).get("sha256"),
         hashlib.sha256(b'a "b" \\c').hexdigest())
    c.eq("user", rep.get("user"), "DOM\\u")
    c.eq("PAP ok with file password", (ev["auth"] or {}).get("ok"), True)
    c.true("mru 1400 requested", ev["lcp_confreqs"] and
           ev["lcp_confreqs"][0].startswith("0104057802"))
    return c.done()


def serve(cfg_json, result_path):
    """--serve mode: be the fake peer on stdin/stdout (pty master)."""
    cfg = json.loads(cfg_json)
    peer = FakePeer(0, 1, cfg)
    ev = {}

    def dump(*_):
        with open(result_path, "w") as f:
            json.dump(peer.ev, f)
        os._exit(0)
    signal.signal(signal.SIGTERM, dump)
    signal.signal(signal.SIGHUP, dump)
    try:
        ev = peer.run(25.0)
    finally:
        with open(result_path, "w") as f:
            json.dump(ev or peer.ev, f)
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        return serve(sys.argv[2], sys.argv[3])
    ok = True
    with tempfile.TemporaryDirectory(prefix="standin-selftest-") as tmp:
        for scen in (scen_options, scen_launch, scen_badauth, scen_pap,
                     scen_pty):
            try:
                ok = scen(tmp) and ok
            except Exception as e:   # a crashed scenario is a failure
                import traceback
                traceback.print_exc()
                print("FAIL %s: %r" % (scen.__name__, e))
                ok = False
        if not ok and os.environ.get("STANDIN_SELFTEST_KEEP"):
            os.system("cp -r %s /tmp/standin-selftest-failed" % tmp)
    print("selftest: %s" % ("all scenarios passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
