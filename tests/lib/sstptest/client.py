#!/usr/bin/python3
"""A small scripted SSTP client (TLS + HTTP + SSTP + PPP) for tests.

It exists to prove the test server before the C client exists, and to
fuzz-script the server: every step can be bent with an option (wrong
binding field, zero HLAK, no Call Connected, early echo, compressed PPP
frames, raw bytes after the handshake ...).

Usage (exit status 0 when the scripted session completed as expected):
    client.py --connect 127.0.0.1:PORT --ca ca.pem --host localhost \
              --user u --password p [--ping 3] [--hash sha256]
              [--corrupt nonce|cert|cmac|hash] [--zero-hlak]
              [--expect-auth-fail] [--expect-abort] [--mppe]
              [--force-hash sha1|sha256] [--windows] [--early-ip N]
              [--bind ADDR] [--late-ping N] [--delay-http SEC]
              [--spoof ADDR]

--windows asks what the Windows client asks for: LCP Magic, PFC, ACFC and
Callback (MS-SSTP servers reject 13; PROTOCOL.md 7.4), IPCP address, DNS
and NBNS (129..132); rejected options are dropped and the request resent,
NAKed values taken (RFC 1661 5.3, 5.4).  --early-ip N sends N ICMP echo
requests (payload "EARLYIP...") to the server once IPCP is up but BEFORE
the Call Connected; the later --ping payloads start "LATEIP" so a capture
on the server's side can tell them apart.  --spoof ADDR sends one ICMP
echo request with the source ADDR (not the client's own) after the pings;
the server must drop it.

Library use: ``SstpClient(**kw).run()`` (a coroutine) returns a dict
with the outcome; ``client.log`` lists what happened.
"""

import argparse
import asyncio
import hashlib
import ipaddress
import os
import random
import ssl
import struct
import sys
import time

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))))

from sstptest import mscrypto as mc  # noqa: E402
from sstptest import pppwire as pw   # noqa: E402
from sstptest import sstpwire as sw  # noqa: E402

SSTP_URI = "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"


class ClientError(Exception):
    """The scripted session did not go as expected."""


class SstpClient:
    """Scripted SSTP client; options mirror the command line."""

    def __init__(self, host="127.0.0.1", port=443, ca=None, sni="localhost",
                 http_host=None, user="user", password="password",
                 auth=("pap", "mschapv2", "eap-mschapv2"), hash_pref="sha256",
                 corrupt=None, zero_hlak=False, send_connected=True,
                 early_echo=False, compressed=False, ping=1, mppe=False,
                 timeout=10.0, hold=0.0, verbose=False, insecure=False,
                 raw_after_ack=None, disconnect=True, force_hash=None,
                 windows=False, early_ip=0, bind=None, late_ping=0,
                 delay_http=0.0, spoof=None):
        self.host, self.port = host, port
        self.ca, self.sni, self.insecure = ca, sni, insecure
        self.http_host = http_host or sni or host
        self.user, self.password = user, password
        self.auth_ok_methods = list(auth)
        self.hash_pref = hash_pref
        self.corrupt = corrupt
        self.zero_hlak = zero_hlak
        self.send_connected = send_connected
        self.early_echo = early_echo
        self.compressed = compressed
        self.ping_count = ping
        self.mppe = mppe
        self.timeout = timeout
        self.hold = hold
        self.verbose = verbose
        self.raw_after_ack = raw_after_ack
        self.do_disconnect = disconnect
        self.force_hash = force_hash
        self.windows = windows
        self.early_ip = early_ip
        self.early_replies = 0
        self.chosen_hash = None
        self.lcp_rejected = []
        self.ipcp_rejected = []
        self.dns = []
        self.bind = bind
        self.late_ping = late_ping
        self.delay_http = delay_http
        self.spoof = spoof
        self.log = []
        self.parser = sw.StreamParser()
        self.changed = asyncio.Event()
        self.magic = random.getrandbits(32) | 1
        self.ident = 0
        self.st = {"lcp_ours": False, "lcp_peer": False, "auth": None,
                   "auth_ok": None, "ipcp_ours": False, "ipcp_peer": False,
                   "ack": None, "nak": 0, "abort": False, "disconnect": False,
                   "disconnect_ack": False, "term_ack": False, "eof": False,
                   "ccp_ours": False, "ccp_peer": False}
        self.ip = "0.0.0.0"
        self.server_ip = None
        self.nt = None
        self.echo_replies = {}
        self.mppe_tx = self.mppe_rx = None
        self.lcp_req_id = None
        self.ipcp_req_id = None
        self.ccp_opts = None
        self.connected_sent = False
        self.local_port = None
        if windows:
            # MS-SSTP clients: Magic, PFC, ACFC, Callback (operation 6)
            self.lcp_opts = [(pw.LCP_MAGIC, struct.pack(">I", self.magic)),
                             (pw.LCP_PFC, b""), (pw.LCP_ACFC, b""),
                             (pw.LCP_CALLBACK, b"\x06")]
            self.ipcp_opts = [(pw.IPCP_ADDR, bytes(4)),
                              (pw.IPCP_DNS1, bytes(4)), (130, bytes(4)),
                              (pw.IPCP_DNS2, bytes(4)), (132, bytes(4))]
        else:
            self.lcp_opts = [(pw.LCP_MRU, struct.pack(">H", 1500)),
                             (pw.LCP_MAGIC, struct.pack(">I", self.magic))]
            self.ipcp_opts = [(pw.IPCP_ADDR, bytes(4))]

    # --- plumbing ---------------------------------------------------------
    def note(self, what, **kw):
        """Record (and maybe print) a step."""
        self.log.append((round(time.monotonic(), 3), what, kw))
        if self.verbose:
            sys.stderr.write("client: %s %s\n" % (what, kw))

    def next_id(self):
        """Fresh PPP identifier."""
        self.ident = (self.ident + 1) & 0xFF
        return self.ident

    def write(self, data):
        """Write raw bytes to TLS."""
        self.writer.write(data)

    def send_ppp(self, proto, info):
        """Send one PPP frame in an SSTP data packet."""
        frame = pw.ppp_frame(proto, info, acfc=self.compressed,
                             pfc=self.compressed)
        self.write(sw.data_packet(frame))

    async def until(self, pred, what, timeout=None):
        """Wait until ``pred()`` is true (re-checked after each packet)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while not pred():
            if self.st["eof"] and not pred():
                raise ClientError("connection closed while waiting for "
                                  + what)
            left = deadline - time.monotonic()
            if left <= 0:
                raise ClientError("timeout waiting for " + what)
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def reader_task(self):
        """Receive loop: split SSTP packets and dispatch."""
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    break
                for p in self.parser.feed(data):
                    self.dispatch(p)
                self.changed.set()
        except (ConnectionError, OSError, ssl.SSLError, sw.FramingError) as e:
            self.note("read_error", error=str(e))
        except ValueError as e:
            # malformed control message: Abort like a client should
            self.note("malformed", error=str(e))
            self.write(sw.abort(sw.STATUS_INVALID_FRAME_RECEIVED))
            self.st["abort"] = True
        self.st["eof"] = True
        self.note("eof")
        self.changed.set()

    # --- dispatch -----------------------------------------------------------
    def dispatch(self, p):
        """Handle one SSTP packet from the server."""
        if p.control:
            c = sw.parse_control(p)
            name = sw.MSG_NAMES.get(c.msg_type, "unknown")
            self.note("rx_" + name, attrs=[(a, v.hex()) for a, v in c.attrs])
            if c.msg_type == sw.MSG_CALL_CONNECT_ACK:
                v = sw.find_attr(c, sw.ATTR_CRYPTO_BINDING_REQ)
                if v and len(v[0]) == 36:
                    self.st["ack"] = (v[0][3], v[0][4:36])
                else:
                    self.st["ack"] = (None, None)
            elif c.msg_type == sw.MSG_CALL_CONNECT_NAK:
                self.st["nak"] += 1
            elif c.msg_type == sw.MSG_CALL_ABORT:
                self.st["abort"] = True
            elif c.msg_type == sw.MSG_CALL_DISCONNECT:
                self.st["disconnect"] = True
                self.write(sw.simple(sw.MSG_CALL_DISCONNECT_ACK))
            elif c.msg_type == sw.MSG_CALL_DISCONNECT_ACK:
                self.st["disconnect_ack"] = True
            elif c.msg_type == sw.MSG_ECHO_REQUEST:
                self.write(sw.simple(sw.MSG_ECHO_RESPONSE))
            return
        if not p.body:
            return
        try:
            proto, info = pw.parse_ppp_frame(p.body)
        except ValueError:
            self.note("bad_ppp_frame", frame=p.body[:16].hex())
            return
        handler = {pw.PROTO_LCP: self.lcp_in, pw.PROTO_PAP: self.pap_in,
                   pw.PROTO_CHAP: self.chap_in, pw.PROTO_EAP: self.eap_in,
                   pw.PROTO_IPCP: self.ipcp_in, pw.PROTO_CCP: self.ccp_in,
                   pw.PROTO_IP: self.ip_in,
                   pw.PROTO_MPPE: self.mppe_in}.get(proto)
        if handler:
            handler(info)
        elif proto >= 0x8000 and self.st["lcp_ours"]:
            self.send_ppp(pw.PROTO_LCP, pw.protocol_reject(
                self.next_id(), proto, info))
            self.note("protocol_reject_sent", proto="0x%04x" % proto)

    # LCP
    def send_lcp_req(self):
        """Our LCP Configure-Request: MRU 1500 + Magic (or --windows')."""
        self.lcp_req_id = self.next_id()
        self.send_ppp(pw.PROTO_LCP, pw.build_cp_options(
            pw.CONF_REQ, self.lcp_req_id, self.lcp_opts))

    @staticmethod
    def _cp_adjust(opts, p, rejected):
        """RFC 1661 5.3/5.4: drop rejected options, take NAKed values."""
        got = p.options or []
        if p.code == pw.CONF_REJ:
            gone = [t for t, _ in got]
            rejected.extend(gone)
            return [(t, v) for t, v in opts if t not in gone]
        naked = dict(got)
        return [(t, naked.get(t, v)) for t, v in opts]

    def lcp_in(self, info):
        """LCP from the server."""
        p = pw.parse_cp(info)
        if p.code == pw.CONF_REQ:
            rej, nak = [], []
            auth = None
            for t, v in p.options or []:
                if t == pw.LCP_AUTH:
                    name = pw.auth_option_name(v)
                    if name == "eap":
                        name = "eap-mschapv2"
                    if name in self.auth_ok_methods:
                        auth = name
                    else:
                        nak.append(self._auth_opt(self.auth_ok_methods[0]))
                elif t in (pw.LCP_MRU, pw.LCP_MAGIC, pw.LCP_ACCM):
                    pass
                else:
                    rej.append((t, v))
            self.note("lcp_server_request",
                      options=[t for t, _ in p.options or []],
                      rejecting=[t for t, _ in rej])
            if rej:
                self.send_ppp(pw.PROTO_LCP, pw.build_cp_options(
                    pw.CONF_REJ, p.ident, rej))
            elif nak:
                self.send_ppp(pw.PROTO_LCP, pw.build_cp_options(
                    pw.CONF_NAK, p.ident, nak))
            else:
                self.send_ppp(pw.PROTO_LCP, pw.build_cp(pw.CONF_ACK, p.ident,
                                                        p.data))
                self.st["lcp_peer"] = True
                self.st["auth"] = auth
                self._maybe_pap()
        elif p.code == pw.CONF_ACK and p.ident == self.lcp_req_id:
            self.st["lcp_ours"] = True
            self._maybe_pap()
        elif p.code in (pw.CONF_NAK, pw.CONF_REJ) and \
                p.ident == self.lcp_req_id:
            self.note("lcp_nak_or_rej", code=p.code,
                      options=[t for t, _ in p.options or []])
            self.lcp_opts = self._cp_adjust(self.lcp_opts, p,
                                            self.lcp_rejected)
            self.send_lcp_req()
        elif p.code == pw.ECHO_REQ:
            self.send_ppp(pw.PROTO_LCP, pw.echo_packet(pw.ECHO_REP, p.ident,
                                                       self.magic,
                                                       p.data[4:]))
        elif p.code == pw.TERM_REQ:
            self.send_ppp(pw.PROTO_LCP, pw.build_cp(pw.TERM_ACK, p.ident))
            self.note("server_terminate")
            self.st["server_term"] = True
        elif p.code == pw.TERM_ACK:
            self.st["term_ack"] = True
        elif p.code == pw.PROTO_REJ:
            self.note("lcp_protocol_reject", data=p.data[:2].hex())

    def _maybe_pap(self):
        """PAP: the peer speaks first, once LCP is Opened."""
        if self.st["lcp_ours"] and self.st["lcp_peer"] and \
                self.st["auth"] == "pap" and not self.st.get("pap_sent"):
            self.st["pap_sent"] = True
            self.send_ppp(pw.PROTO_PAP, pw.pap_request(
                self.next_id(), self.user, self.password))

    @staticmethod
    def _auth_opt(name):
        return {"pap": pw.opt_auth_pap, "mschapv2": pw.opt_auth_mschapv2,
                "eap-mschapv2": pw.opt_auth_eap}[name]()

    # auth
    def pap_in(self, info):
        """PAP Ack/Nak."""
        p = pw.parse_pap(info)
        self.st["auth_ok"] = p.code == pw.PAP_AUTH_ACK
        self.note("pap_result", ok=self.st["auth_ok"])

    def _ms_response(self, auth_ch):
        peer_ch = os.urandom(16)
        nt = mc.generate_nt_response(auth_ch, peer_ch, self.user,
                                     self.password)
        self.nt = nt
        self.ms = (peer_ch, auth_ch)
        return pw.mschapv2_response_value(peer_ch, nt)

    def _check_s(self, msg):
        peer_ch, auth_ch = self.ms
        return mc.check_authenticator_response(self.password, self.nt,
                                               peer_ch, auth_ch, self.user,
                                               msg)

    def chap_in(self, info):
        """MS-CHAPv2 Challenge / Success / Failure."""
        p = pw.parse_chap(info)
        if p.code == pw.CHAP_CHALLENGE:
            self.send_ppp(pw.PROTO_CHAP, pw.chap_response(
                p.ident, self._ms_response(p.value), self.user))
        elif p.code == pw.CHAP_SUCCESS:
            ok = self._check_s(p.message)
            self.note("chap_success", s_valid=ok)
            self.st["auth_ok"] = ok
        elif p.code == pw.CHAP_FAILURE:
            self.note("chap_failure", message=p.message.decode("latin-1"))
            self.st["auth_ok"] = False

    def eap_in(self, info):
        """EAP requests."""
        p = pw.parse_eap(info)
        if p.code == pw.EAP_REQUEST:
            if p.type == pw.EAP_TYPE_IDENTITY:
                self.send_ppp(pw.PROTO_EAP, pw.eap_identity_response(
                    p.ident, self.user))
            elif p.type == pw.EAP_TYPE_MSCHAPV2:
                ms = pw.parse_eap_mschapv2(p.data)
                if ms.opcode == pw.MSCHAPV2_OP_CHALLENGE:
                    self.send_ppp(pw.PROTO_EAP, pw.eap_mschapv2_response(
                        p.ident, ms.ms_id, self._ms_response(ms.value),
                        self.user))
                elif ms.opcode == pw.MSCHAPV2_OP_SUCCESS:
                    ok = self._check_s(ms.message)
                    self.note("eap_success_request", s_valid=ok)
                    if ok:
                        self.send_ppp(pw.PROTO_EAP, pw.eap_mschapv2_ack(
                            p.ident, pw.MSCHAPV2_OP_SUCCESS))
                    else:
                        self.st["auth_ok"] = False
                elif ms.opcode == pw.MSCHAPV2_OP_FAILURE:
                    self.send_ppp(pw.PROTO_EAP, pw.eap_mschapv2_ack(
                        p.ident, pw.MSCHAPV2_OP_FAILURE))
            else:
                self.note("eap_nak_sent", type=p.type)
                self.send_ppp(pw.PROTO_EAP, pw.eap_nak(p.ident))
        elif p.code == pw.EAP_SUCCESS:
            self.st["auth_ok"] = True
        elif p.code == pw.EAP_FAILURE:
            self.st["auth_ok"] = False

    # NCP
    def send_ipcp_req(self):
        """IPCP Configure-Request for our current address."""
        self.ipcp_req_id = self.next_id()
        self.ipcp_opts = [(t, ipaddress.IPv4Address(self.ip).packed
                           if t == pw.IPCP_ADDR else v)
                          for t, v in self.ipcp_opts]
        self.send_ppp(pw.PROTO_IPCP, pw.build_cp_options(
            pw.CONF_REQ, self.ipcp_req_id, self.ipcp_opts))

    def ipcp_in(self, info):
        """IPCP from the server."""
        p = pw.parse_cp(info)
        if p.code == pw.CONF_REQ:
            for t, v in p.options or []:
                if t == pw.IPCP_ADDR:
                    self.server_ip = str(ipaddress.IPv4Address(v))
            self.send_ppp(pw.PROTO_IPCP, pw.build_cp(pw.CONF_ACK, p.ident,
                                                     p.data))
            self.st["ipcp_peer"] = True
        elif p.code in (pw.CONF_NAK, pw.CONF_REJ) and \
                p.ident == self.ipcp_req_id:
            for t, v in p.options or []:
                if t == pw.IPCP_ADDR and p.code == pw.CONF_NAK:
                    self.ip = str(ipaddress.IPv4Address(v))
            self.ipcp_opts = self._cp_adjust(self.ipcp_opts, p,
                                             self.ipcp_rejected)
            self.send_ipcp_req()
        elif p.code == pw.CONF_ACK and p.ident == self.ipcp_req_id:
            self.st["ipcp_ours"] = True
            self.dns = [str(ipaddress.IPv4Address(v))
                        for t, v in p.options or []
                        if t in (pw.IPCP_DNS1, pw.IPCP_DNS2) and len(v) == 4]

    def ccp_in(self, info):
        """CCP: reject unless --mppe (then mirror the server's offer)."""
        if not self.mppe:
            self.send_ppp(pw.PROTO_LCP, pw.protocol_reject(
                self.next_id(), pw.PROTO_CCP, info))
            self.note("ccp_protocol_rejected")
            return
        p = pw.parse_cp(info)
        if p.code == pw.CONF_REQ:
            self.ccp_opts = p.options
            self.send_ppp(pw.PROTO_CCP, pw.build_cp(pw.CONF_ACK, p.ident,
                                                    p.data))
            self.st["ccp_peer"] = True
            self.ccp_req_id = self.next_id()
            self.send_ppp(pw.PROTO_CCP, pw.build_cp_options(
                pw.CONF_REQ, self.ccp_req_id, p.options))
        elif p.code == pw.CONF_ACK:
            self.st["ccp_ours"] = True
        self._maybe_mppe()

    def _maybe_mppe(self):
        if self.st["ccp_ours"] and self.st["ccp_peer"] and not self.mppe_tx:
            bits = struct.unpack(">I", dict(self.ccp_opts)[pw.CCP_MPPE])[0]
            stateless = bool(bits & pw.MPPE_H)
            send_k, recv_k = mc.master_keys(self.password, self.nt, False)
            self.mppe_tx = mc.MppeContext(send_k, 128, stateless)
            self.mppe_rx = mc.MppeContext(recv_k, 128, stateless)
            self.note("mppe_up", stateless=stateless)

    # data
    def ip_in(self, pkt, encrypted=False):
        """IPv4 from the server: collect echo replies."""
        try:
            ip = pw.parse_ipv4(pkt)
            if ip.proto == 1:
                e = pw.parse_icmp_echo(ip.payload)
                if e.type == pw.ICMP_ECHO_REPLY and \
                        e.payload.startswith(b"EARLYIP"):
                    self.early_replies += 1
                elif e.type == pw.ICMP_ECHO_REPLY:
                    self.echo_replies[e.seq] = (e.payload, encrypted)
                elif e.type == pw.ICMP_ECHO_REQUEST:
                    self.note("icmp_request_from_server", seq=e.seq)
        except ValueError as err:
            self.note("bad_ip", error=str(err))

    def mppe_in(self, info):
        """Encrypted IP."""
        if not self.mppe_rx:
            self.note("mppe_without_ccp")
            return
        proto, payload = self.mppe_rx.decrypt(info)
        if proto == pw.PROTO_IP:
            self.ip_in(payload, encrypted=True)

    def send_ip(self, pkt):
        """Send IPv4 (encrypted when MPPE is up)."""
        if self.mppe_tx:
            self.send_ppp(pw.PROTO_MPPE, self.mppe_tx.encrypt(pw.PROTO_IP,
                                                              pkt))
        else:
            self.send_ppp(pw.PROTO_IP, pkt)

    # --- the script -------------------------------------------------------
    def _ssl_ctx(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if self.insecure:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        else:
            ctx.load_verify_locations(self.ca)
            ctx.check_hostname = bool(self.sni)
        return ctx

    def _call_connected(self):
        bitmask, nonce = self.st["ack"]
        proto = 2 if (bitmask & 2 and self.hash_pref == "sha256") or \
            not bitmask & 1 else 1
        if self.force_hash:
            # whatever the server offered (a client the server must refuse)
            proto = 2 if self.force_hash == "sha256" else 1
        self.chosen_hash = proto
        der = self.writer.get_extra_info("ssl_object").getpeercert(True)
        cert_hash = (hashlib.sha256 if proto == 2 else hashlib.sha1)(
            der).digest()
        if self.st["auth"] in ("mschapv2", "eap-mschapv2") and \
                not self.zero_hlak:
            hlak = mc.client_hlak(self.password, self.nt)
        else:
            hlak = bytes(32)
        if self.corrupt == "nonce":
            nonce = bytes([nonce[0] ^ 1]) + nonce[1:]
        if self.corrupt == "cert":
            cert_hash = bytes([cert_hash[0] ^ 1]) + cert_hash[1:]
        if self.corrupt == "hlak":
            hlak = bytes([hlak[0] ^ 1]) + hlak[1:]
        pkt = mc.sstp_call_connected_mac(hlak, proto, nonce, cert_hash)
        if self.corrupt == "cmac":
            pkt = pkt[:80] + bytes([pkt[80] ^ 1]) + pkt[81:]
        if self.corrupt == "hash":
            pkt = pkt[:15] + bytes([3]) + pkt[16:]
        self.note("call_connected_sent", hash=proto, corrupt=self.corrupt)
        self.write(pkt)
        self.connected_sent = True

    async def run(self):
        """Run the script; returns a result dict, raises ClientError."""
        ctx = self._ssl_ctx()
        try:
            self.reader, self.writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port, ssl=ctx,
                                        server_hostname=self.sni or None,
                                        local_addr=(self.bind, 0)
                                        if self.bind else None),
                self.timeout)
        except asyncio.TimeoutError:
            raise ClientError("timeout in TCP/TLS connect") from None
        so = self.writer.get_extra_info("ssl_object")
        self.local_port = self.writer.get_extra_info("sockname")[1]
        self.note("tls", version=so.version(), cert_sha256=hashlib.sha256(
            so.getpeercert(True)).hexdigest())
        if self.delay_http:
            await asyncio.sleep(self.delay_http)
        self.write(("SSTP_DUPLEX_POST %s HTTP/1.1\r\nHost: %s\r\n"
                    "Content-Length: 18446744073709551615\r\n"
                    "SSTPCORRELATIONID: {%s}\r\n\r\n" %
                    (SSTP_URI, self.http_host, _guid())).encode())
        buf = b""
        while b"\r\n\r\n" not in buf and b"\n\n" not in buf:
            try:
                chunk = await asyncio.wait_for(self.reader.read(4096),
                                               self.timeout)
            except asyncio.TimeoutError:
                raise ClientError("timeout waiting for HTTP response") \
                    from None
            if not chunk:
                raise ClientError("EOF during HTTP response")
            buf += chunk
            if len(buf) > 8192:
                raise ClientError("HTTP header too long")
        sep = b"\r\n\r\n" if b"\r\n\r\n" in buf else b"\n\n"
        head, rest = buf.split(sep, 1)
        status = head.split(b"\r\n")[0].split(b" ")
        self.note("http_response", status_line=head.split(b"\n")[0].decode(
            "latin-1").strip())
        if len(status) < 2 or status[1] != b"200":
            raise ClientError("HTTP status %r" % head[:40])
        for p in self.parser.feed(rest):
            self.dispatch(p)
        rtask = asyncio.create_task(self.reader_task())
        try:
            return await self._sstp()
        finally:
            rtask.cancel()
            try:
                self.writer.close()
                await asyncio.wait_for(self.writer.wait_closed(), 2)
            except (OSError, ssl.SSLError, asyncio.TimeoutError,
                    ConnectionError):
                pass

    async def _sstp(self):
        res = {"auth_ok": None, "pings": 0, "aborted": False,
               "local_port": self.local_port}
        for attempt in range(4):
            self.write(sw.connect_request())
            await self.until(lambda: self.st["ack"] or self.st["nak"] >
                             attempt or self.st["abort"], "Connect ACK")
            if self.st["ack"] or self.st["abort"]:
                break
        if self.st["abort"] or not self.st["ack"]:
            res["aborted"] = self.st["abort"]
            res["naks"] = self.st["nak"]
            return res
        if self.st["ack"][0] is None:
            raise ClientError("ACK without crypto binding request")
        if self.raw_after_ack:
            self.write(self.raw_after_ack)
        if self.early_echo:
            self.write(sw.simple(sw.MSG_ECHO_REQUEST))
        self.send_lcp_req()
        await self.until(lambda: (self.st["lcp_ours"] and
                                  self.st["lcp_peer"]) or self.st["abort"],
                         "LCP up")
        await self.until(lambda: self.st["auth_ok"] is not None or
                         self.st["abort"], "auth result")
        res["auth_ok"] = self.st["auth_ok"]
        res["auth"] = self.st["auth"]
        res["bitmask"] = self.st["ack"][0]
        res["lcp_rejected"] = self.lcp_rejected
        if not self.st["auth_ok"]:
            await self._teardown()
            return res
        if self.send_connected and not self.early_ip:
            self._call_connected()
        self.send_ipcp_req()
        try:
            await self.until(lambda: (self.st["ipcp_ours"] and
                                      self.st["ipcp_peer"]) or
                             self.st["abort"], "IPCP up")
        except ClientError:
            if not self.st["abort"]:
                raise
        if self.st["abort"]:
            res["aborted"] = True
            self.write(sw.abort(sw.STATUS_NO_ERROR))
            return res
        res["ip"] = self.ip
        res["ipcp_rejected"] = self.ipcp_rejected
        res["dns"] = self.dns
        if self.early_ip:
            # IP data while the call is still Call Connected Pending: the
            # server must not forward it (MS-SSTP 3.3.5.2.2 / 3.3.7.1)
            for seq in range(1, self.early_ip + 1):
                self.send_ip(pw.icmp_echo_packet(
                    self.ip, self.server_ip, 0x4321, seq,
                    b"EARLYIP" + os.urandom(16)))
            await asyncio.sleep(1.0)
            res["early_replies"] = self.early_replies
            if self.send_connected:
                self._call_connected()
            await asyncio.sleep(0.2)
        res["hash"] = self.chosen_hash
        if self.mppe:
            await self.until(lambda: self.mppe_tx is not None, "MPPE up")
        res["pings"] = await self._pings(1, self.ping_count)
        if self.spoof:
            self.send_ip(pw.icmp_echo_packet(self.spoof, self.server_ip,
                                             0x5350, 1, b"SPOOFED"))
            await asyncio.sleep(0.2)
        if self.hold:
            await asyncio.sleep(self.hold)
        if self.late_ping:
            # The session must still be there after the hold.
            if self.st["eof"] or self.st["disconnect"] or self.st["abort"]:
                raise ClientError("session gone during the hold")
            res["late_pings"] = await self._pings(self.ping_count + 1,
                                                  self.late_ping)
        res["aborted"] = self.st["abort"]
        if self.do_disconnect and not self.st["abort"]:
            await self._teardown()
        return res

    async def _pings(self, first, count):
        """Echo Requests first..first+count-1 to the server's address."""
        n = 0
        for seq in range(first, first + count):
            payload = (b"LATEIP" if self.early_ip else b"") + \
                os.urandom(32 + seq)
            self.send_ip(pw.icmp_echo_packet(self.ip, self.server_ip, 0x1234,
                                             seq, payload))
            await self.until(lambda: seq in self.echo_replies or
                             self.st["abort"], "echo reply %d" % seq)
            if self.echo_replies.get(seq, (None,))[0] != payload:
                raise ClientError("echo reply payload mismatch")
            n += 1
        return n

    async def _teardown(self):
        if self.st["eof"] or self.st["disconnect"]:
            return
        self.send_ppp(pw.PROTO_LCP, pw.build_cp(pw.TERM_REQ, self.next_id(),
                                                b"bye"))
        try:
            await self.until(lambda: self.st["term_ack"], "Terminate-Ack", 3)
        except ClientError:
            pass
        if self.st["disconnect"]:
            return
        self.write(sw.disconnect())
        await self.until(lambda: self.st["disconnect_ack"] or
                         self.st["disconnect"], "Disconnect Ack", 5)


def _guid():
    b = os.urandom(16).hex().upper()
    return "%s-%s-%s-%s-%s" % (b[:8], b[8:12], b[12:16], b[16:20], b[20:])


def main(argv=None):
    """Command-line driver."""
    ap = argparse.ArgumentParser(description="scripted SSTP test client")
    ap.add_argument("--connect", required=True,
                    help="HOST:PORT (loopback or 192.0.2.0/24)")
    ap.add_argument("--ca", help="CA file to verify the server")
    ap.add_argument("--insecure", action="store_true")
    ap.add_argument("--host", default="localhost",
                    help="SNI / certificate name ('' = no SNI)")
    ap.add_argument("--user", default="user")
    ap.add_argument("--password", default="password")
    ap.add_argument("--auth", default="pap,mschapv2,eap-mschapv2",
                    help="methods this client accepts, preferred first")
    ap.add_argument("--hash", choices=("sha1", "sha256"), default="sha256")
    ap.add_argument("--corrupt",
                    choices=("nonce", "cert", "cmac", "hash", "hlak"))
    ap.add_argument("--force-hash", choices=("sha1", "sha256"),
                    help="bind with this hash whatever the server offers")
    ap.add_argument("--windows", action="store_true",
                    help="the Windows client's LCP and IPCP options")
    ap.add_argument("--early-ip", type=int, default=0, metavar="N",
                    help="N echo requests before the Call Connected")
    ap.add_argument("--zero-hlak", action="store_true")
    ap.add_argument("--no-call-connected", action="store_true")
    ap.add_argument("--early-echo", action="store_true")
    ap.add_argument("--compressed", action="store_true",
                    help="send PPP frames without FF 03 / with 1-byte proto")
    ap.add_argument("--mppe", action="store_true")
    ap.add_argument("--ping", type=int, default=1)
    ap.add_argument("--hold", type=float, default=0.0)
    ap.add_argument("--bind", help="local (source) address to connect from")
    ap.add_argument("--late-ping", type=int, default=0,
                    help="pings after --hold (the session must be alive)")
    ap.add_argument("--delay-http", type=float, default=0.0,
                    help="seconds between the TLS handshake and the "
                    "HTTP request")
    ap.add_argument("--spoof", metavar="ADDR",
                    help="one echo request from ADDR (192.0.2.0/24)")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--expect-auth-fail", action="store_true")
    ap.add_argument("--expect-abort", action="store_true")
    ap.add_argument("--verbose", "-v", action="store_true")
    a = ap.parse_args(argv)
    host, _, port = a.connect.rpartition(":")
    host = host.strip("[]")
    addr = ipaddress.ip_address(host)
    if not addr.is_loopback and addr not in ipaddress.ip_network(
            "192.0.2.0/24"):
        ap.error("loopback or 192.0.2.0/24 (a test namespace's veth) only")
    if a.bind:
        baddr = ipaddress.ip_address(a.bind)
        if not baddr.is_loopback and baddr not in ipaddress.ip_network(
                "192.0.2.0/24"):
            ap.error("--bind: loopback or 192.0.2.0/24 only")
    if a.spoof and ipaddress.ip_address(a.spoof) not in ipaddress.ip_network(
            "192.0.2.0/24"):
        ap.error("--spoof: 192.0.2.0/24 only")
    cl = SstpClient(host=host, port=int(port), ca=a.ca, sni=a.host,
                    insecure=a.insecure, user=a.user, password=a.password,
                    auth=[x for x in a.auth.split(",") if x],
                    hash_pref=a.hash, corrupt=a.corrupt,
                    zero_hlak=a.zero_hlak,
                    send_connected=not a.no_call_connected,
                    early_echo=a.early_echo, compressed=a.compressed,
                    ping=a.ping, mppe=a.mppe, timeout=a.timeout, hold=a.hold,
                    verbose=a.verbose, force_hash=a.force_hash,
                    windows=a.windows, early_ip=a.early_ip, bind=a.bind,
                    late_ping=a.late_ping, delay_http=a.delay_http,
                    spoof=a.spoof)
    try:
        res = asyncio.run(cl.run())
    except (ClientError, OSError, ssl.SSLError, asyncio.TimeoutError) as e:
        res = {"error": "%s: %s" % (type(e).__name__, e),
               "aborted": cl.st["abort"], "local_port": cl.local_port}
    print("client result: %s" % res, flush=True)
    if a.expect_abort:
        return 0 if res.get("aborted") else 1
    if a.expect_auth_fail:
        return 0 if res.get("auth_ok") is False else 1
    ok = (res.get("auth_ok") and res.get("pings") == a.ping and
          res.get("late_pings", 0) == a.late_ping and
          not res.get("aborted") and "error" not in res)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
