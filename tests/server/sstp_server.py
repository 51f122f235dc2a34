#!/usr/bin/python3
"""Independent SSTP test server for sstpc integration tests.

Standard library only; shares no code with the C client.  Implements
TLS (ssl module), the SSTP_DUPLEX_POST HTTP exchange, the SSTP server state
machine ([MS-SSTP] 3.3, PROTOCOL.md 3.3/3.4) with crypto-binding
verification, and a server-side PPP peer (LCP, PAP, MS-CHAPv2,
EAP-MSCHAPv2, IPCP, IPV6CP, optional CCP/MPPE) with an ICMP/UDP echo
responder on the server tunnel address, or, with --tun NAME, a TUN device
of its own that carries the client's IP packets into the kernel (and the
kernel's back to the client), so that real traffic (ping, TCP) flows.

Every observable step is written as one JSON object per line to --events
(flushed immediately).  Each line has "t" (seconds since start), "conn"
(connection number, 0 = server-wide) and "event".  See
tests/server/README.md for the event list and --list-scenarios for the
misbehaviour switches.

Only loopback addresses and 192.0.2.0/24 (for a veth link between two
network namespaces of the test harness) may be used for --listen.
"""

import argparse
import asyncio
import email.utils
import fcntl
import hashlib
import ipaddress
import json
import os
import random
import re
import signal
import socket
import ssl
import struct
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))

from sstptest import mscrypto as mc  # noqa: E402
from sstptest import pppwire as pw   # noqa: E402
from sstptest import sstpwire as sw  # noqa: E402

SSTP_URI = "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
ULLONG_MAX = "18446744073709551615"

# name -> description; entries ending in "=" / containing N take a value
SCENARIOS = {
    "hash-sha1": "offer only SHA-1 in the Connect ACK (bitmask 0x01)",
    "hash-sha256": "offer only SHA-256 (bitmask 0x02, softether/Spec 4.7)",
    "hash-both": "offer SHA-1|SHA-256 (bitmask 0x03, the default)",
    "hash-none": "offer bitmask 0x00 (sorz --no-ssl); client must Abort",
    "ack-bad-bitmask-00": "same as hash-none",
    "ack-bad-bitmask-f0": "offer only unknown bits 0xF0; client must Abort",
    "ack-no-binding-req": "Connect ACK without attributes; client must Abort",
    "zero-attr-len": "Connect ACK whose attribute length is 0",
    "num-attrs-overflow": "Connect ACK claiming 5 attributes, carrying 1",
    "no-verify": "do not enforce the crypto binding (still reported)",
    "nak-N": "NAK the first N Connect Requests (softether-style NAK)",
    "nak-accel-N": "NAK the first N Connect Requests with accel's 2 "
                   "trailing bytes",
    "nak-always": "NAK every Connect Request (never Abort)",
    "no-connect-reply": "never answer the Connect Request: no ACK, NAK or "
                        "Abort (the server's negotiation timer is off)",
    "abort-8": "server Abort has 0 attributes (softether); sent "
               "--trigger-delay s after Call Connected unless abort-after",
    "status-info-8": "server Abort carries sorz's 8-byte Status Info; sent "
                     "like abort-8",
    "abort-after=S": "send Call Abort S seconds after Call Connected",
    "disconnect-8": "server Disconnect has 0 attributes (softether); sent "
                    "--trigger-delay s after Call Connected unless "
                    "server-disconnect-after",
    "disconnect-attr0": "server Disconnect carries attribute ID 0 (sorz); "
                        "sent like disconnect-8",
    "server-disconnect-after=S": "S seconds after Call Connected: LCP "
                                 "Terminate, then SSTP Call Disconnect",
    "echo-storm": "send SSTP Echo Request every --echo-interval s "
                  "(default random 3-5 s) once connected",
    "never-answer-echo": "never answer SSTP Echo Request (softether)",
    "silent-after-connect": "send nothing at all once Call Connected and "
                            "IPCP are both done",
    "abort-on-early-echo": "Abort when Echo Request arrives before Call "
                           "Connected (accel); default: answer + event",
    "drop-pipelined-bytes": "discard bytes after the HTTP header block in "
                            "the same read (sorz)",
    "http-status-NNN": "reply status NNN instead of 200 (301/302 carry "
                       "Location), then close",
    "http-no-reason": "reply 'HTTP/1.1 200' without reason phrase",
    "http-1.0": "reply 'HTTP/1.0 200 OK'",
    "http-chunked": "reply 200 with Transfer-Encoding: chunked",
    "http-lf-only": "reply headers terminated by LF only",
    "http-huge-header": "reply 200 + 9 KiB of headers without blank line, "
                        "then stall",
    "http-garbage": "reply non-HTTP bytes, then close",
    "sstp-in-http": "send the first 6 bytes of a data packet in the same "
                    "write as the HTTP header; the rest precedes the ACK",
    "no-http-response": "never answer the HTTP request (stall)",
    "win2016-lcp": "LCP Configure-Request MRU 4091 + Auth EAP + Magic + "
                   "Callback 06 + MRRU 1614 + EPDISC (client must reject "
                   "13/17/19); forces eap-mschapv2",
    "require-ff03": "drop inbound PPP frames without FF 03 (softether)",
    "bad-version": "after Call Connected send a packet with version 0x11",
    "bad-length": "after Call Connected send a packet with length 2",
    "unknown-msg-type": "after Call Connected send message type 0x000A",
    "unknown-msg-type-early": "send message type 0x000A right before the "
                              "Connect ACK",
    "second-ack": "after Call Connected send a second Connect ACK",
    "tls-close-mid": "after Call Connected send TLS close_notify and close",
    "rst-mid": "after Call Connected reset TCP (SO_LINGER 0)",
    "bad-success-s": "MS-CHAPv2 / EAP-MSCHAPv2 Success with a wrong S=",
    "no-success-s": "MS-CHAPv2 / EAP-MSCHAPv2 Success without S=",
    "eap-peap-first": "EAP: propose PEAP (25) first, expect Legacy Nak",
    "data-before-connected": "send an ICMP echo request data packet to the "
                             "client before Call Connected",
    "ccp-offer": "send a CCP Configure-Request (MPPE-128 stateless) and "
                 "record the client's reaction; no enforcement",
    "mppe-required": "CCP MPPE-128 stateless must be negotiated, else LCP "
                     "Terminate; IP is then MPPE-encrypted",
    "mppe-stateful": "like mppe-required but stateful MPPE-128",
    "ipv6-reject": "Protocol-Reject IPV6CP (default: negotiate it)",
    "lcp-echo": "send LCP Echo-Request every --echo-interval s once "
                "IPCP is up (softether does every ~4.8 s)",
    "lcp-mute": "never answer the client's LCP and send no LCP of our own "
                "(the client's Max-Configure must end it)",
    "ipcp-nak-loop": "Nak every IPCP Configure-Request with another "
                     "address (192.0.2.10, .11, ...): IPCP never converges",
}


def scenario_help():
    """Text for --list-scenarios."""
    return "\n".join("%-28s %s" % (k, v) for k, v in SCENARIOS.items())


class Scenarios:
    """Parsed --scenario switches: ``has(name)``, ``value(name)``."""

    _PATTERNS = [
        (re.compile(r"^nak-(\d+)$"), "nak"),
        (re.compile(r"^nak-accel-(\d+)$"), "nak-accel"),
        (re.compile(r"^http-status-(\d{3})$"), "http-status"),
        (re.compile(r"^abort-after=([0-9.]+)$"), "abort-after"),
        (re.compile(r"^server-disconnect-after=([0-9.]+)$"),
         "server-disconnect-after"),
    ]

    def __init__(self, names):
        self.flags = set()
        self.values = {}
        for n in names:
            for part in n.split(","):
                part = part.strip()
                if part:
                    self._add(part)

    def _add(self, name):
        for rx, key in self._PATTERNS:
            m = rx.match(name)
            if m:
                self.values[key] = float(m.group(1)) if "." in m.group(1) \
                    or key.endswith("after") else int(m.group(1))
                self.flags.add(key)
                return
        if name not in SCENARIOS or name.endswith("=S") or "NNN" in name \
                or name.endswith("-N"):
            raise ValueError("unknown scenario %r (see --list-scenarios)"
                             % name)
        self.flags.add(name)

    def has(self, name):
        """True if switch ``name`` is on."""
        return name in self.flags

    def value(self, name, default=None):
        """Parameter of a valued switch."""
        return self.values.get(name, default)

    def names(self):
        """Sorted switch names, for the events log."""
        return sorted(self.flags)


# ---------------------------------------------------------------------------
# events
# ---------------------------------------------------------------------------

class EventLog:
    """JSON-lines event sink (file and/or stderr), flushed per event."""

    def __init__(self, path, verbose):
        self.t0 = time.monotonic()
        self.fh = open(path, "a", encoding="utf-8") if path else None
        self.verbose = verbose

    def emit(self, conn, event, **fields):
        """Write one event."""
        rec = {"t": round(time.monotonic() - self.t0, 4), "conn": conn,
               "event": event}
        rec.update(fields)
        line = json.dumps(rec, sort_keys=False, default=_json_default)
        if self.fh:
            self.fh.write(line + "\n")
            self.fh.flush()
        if self.verbose:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()


def _json_default(o):
    if isinstance(o, (bytes, bytearray)):
        return o.hex()
    return str(o)


# ---------------------------------------------------------------------------
# TUN device (--tun)
# ---------------------------------------------------------------------------

TUNSETIFF = 0x400454CA          # _IOW('T', 202, int), linux/if_tun.h
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
TUN_BATCH = 64                  # packets read per wake-up
TUN_HIGH_WATER = 1 << 20        # TLS bytes queued before reading stops


class TunDevice:
    """A TUN device (IFF_TUN | IFF_NO_PI, non-blocking) on the event loop.

    The server only opens it: addresses and link state are the harness's
    (``ip addr add 192.0.2.1 peer 192.0.2.2 dev NAME; ip link set NAME
    up``).  Packets read from it go to the session that registered last
    (``Server.tun_session``)."""

    def __init__(self, name):
        if len(name.encode()) >= 16:
            raise ValueError("TUN name longer than 15 bytes")
        self.fd = os.open("/dev/net/tun",
                          os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            ifr = struct.pack("16sH22x", name.encode(), IFF_TUN | IFF_NO_PI)
            ifr = fcntl.ioctl(self.fd, TUNSETIFF, ifr)
        except OSError:
            os.close(self.fd)
            raise
        self.name = ifr[:16].rstrip(b"\0").decode()
        self.paused = False

    def read_batch(self):
        """Up to TUN_BATCH packets, fewer when the queue runs dry."""
        out = []
        for _ in range(TUN_BATCH):
            try:
                pkt = os.read(self.fd, 65536)
            except (BlockingIOError, InterruptedError):
                break
            if not pkt:
                break
            out.append(pkt)
        return out

    def write(self, pkt):
        """One packet to the kernel; False when it refused it."""
        try:
            return os.write(self.fd, pkt) == len(pkt)
        except OSError:
            return False

    def close(self):
        """Close the descriptor (the kernel deletes the device)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def ipv6_summary(pkt):
    """(src, dst, next header, payload) of an IPv6 packet, or ValueError."""
    if len(pkt) < 40 or pkt[0] >> 4 != 6:
        raise ValueError("not IPv6")
    plen = struct.unpack(">H", pkt[4:6])[0]
    if 40 + plen > len(pkt):
        raise ValueError("bad IPv6 payload length")
    return (str(ipaddress.IPv6Address(pkt[8:24])),
            str(ipaddress.IPv6Address(pkt[24:40])), pkt[6], pkt[40:40 + plen])


# ---------------------------------------------------------------------------
# PPP server side
# ---------------------------------------------------------------------------

class CpState:
    """Minimal per-protocol Configure state (RFC 1661, simplified)."""

    def __init__(self, name):
        self.name = name
        self.our_opts = []
        self.our_id = 0
        self.our_acked = False
        self.peer_acked = False
        self.up = False
        self.tries = 0

    def reset(self):
        """Back to the initial negotiation state (keeps our options)."""
        self.our_acked = False
        self.peer_acked = False
        self.up = False
        self.tries = 0


class PppServer:
    """Server-side PPP peer running over SSTP data packets.

    ``sess`` supplies send_ppp(proto, info), event(name, **kw), later(delay,
    fn), cfg (parsed arguments) and sc (Scenarios).  Results: auth_done,
    auth_ok, hlak (32 bytes), auth_method, user."""

    AUTH_OPT = {"pap": pw.opt_auth_pap, "mschapv2": pw.opt_auth_mschapv2,
                "eap-mschapv2": pw.opt_auth_eap}

    def __init__(self, sess):
        self.s = sess
        cfg = sess.cfg
        self.sc = sess.sc
        self.auth_list = list(cfg.auth)
        if self.sc.has("win2016-lcp"):
            self.auth_list = ["eap-mschapv2"] + [a for a in self.auth_list
                                                 if a != "eap-mschapv2"]
        self.auth_idx = 0
        self.magic = random.getrandbits(32) or 1
        self.lcp = CpState("lcp")
        self.ipcp = CpState("ipcp")
        self.ipv6cp = CpState("ipv6cp")
        self.ccp = CpState("ccp")
        self.ident = random.randrange(256)
        self.peer_mru = 1500
        self.phase = "establish"     # establish/auth/network/terminate/dead
        self.auth_done = False
        self.auth_ok = False
        self.auth_method = None
        self.user = None
        self.hlak = bytes(32)
        self.mppe_keys = None        # (server send, server recv) 16 bytes
        self.mppe_tx = None
        self.mppe_rx = None
        self.want_mppe = (self.sc.has("mppe-required") or
                          self.sc.has("mppe-stateful") or
                          self.sc.has("ccp-offer"))
        self.chap = {}
        self.eap = {}
        self.retrans = {}
        self.counters = {"ip_rx": 0, "ip_tx": 0, "ipv6_rx": 0, "udp_echo": 0,
                         "icmp_echo": 0, "ppp_no_ff03": 0, "tun_in": 0,
                         "tun_in_bytes": 0, "tun_out": 0, "tun_out_bytes": 0,
                         "tun_drop": 0}
        self.server_ip = cfg.server_ip
        self.client_ip = cfg.client_ip
        self.ifid = cfg.ifid or os.urandom(8)
        self.peer_ifid = b""
        self.tun = sess.srv.tun

    # --- helpers -----------------------------------------------------------
    def next_id(self):
        """Fresh identifier for a request we originate."""
        self.ident = (self.ident + 1) & 0xFF
        return self.ident

    def send(self, proto, info):
        """Send one PPP frame to the client."""
        self.s.send_ppp(proto, info)

    def ev(self, name, **kw):
        """Emit an event."""
        self.s.event(name, **kw)

    def _retransmit(self, key, fn, tries=10):
        """Call ``fn`` now and every --ppp-restart s until cancelled."""
        self._cancel(key)
        state = {"n": 0}

        def tick():
            if self.phase == "dead" or state["n"] >= tries:
                self.retrans.pop(key, None)
                return
            state["n"] += 1
            fn()
            self.retrans[key] = self.s.later(self.s.cfg.ppp_restart, tick)

        tick()

    def _cancel(self, key):
        h = self.retrans.pop(key, None)
        if h:
            h.cancel()

    def stop(self):
        """Cancel every timer (session end)."""
        for h in self.retrans.values():
            h.cancel()
        self.retrans.clear()
        self.phase = "dead"

    # --- LCP -------------------------------------------------------------
    def start(self):
        """Begin LCP (called right after the Connect ACK is sent)."""
        self._build_lcp_opts()
        if self.sc.has("lcp-mute"):
            return
        self._retransmit("lcp", self._send_lcp_req)

    def _build_lcp_opts(self):
        if self.sc.has("win2016-lcp"):
            opts = [pw.opt_mru(4091), pw.opt_auth_eap(),
                    pw.opt_magic(self.magic), (pw.LCP_CALLBACK, b"\x06"),
                    (pw.LCP_MRRU, struct.pack(">H", 1614)),
                    (pw.LCP_EPDISC, b"\x01" + os.urandom(16))]
        else:
            opts = [pw.opt_mru(1500),
                    self.AUTH_OPT[self.auth_list[self.auth_idx]](),
                    pw.opt_magic(self.magic)]
        self.lcp.our_opts = opts

    def _send_lcp_req(self):
        self.lcp.our_id = self.next_id()
        self.send(pw.PROTO_LCP, pw.build_cp_options(pw.CONF_REQ,
                                                    self.lcp.our_id,
                                                    self.lcp.our_opts))

    def _auth_name(self):
        for t, v in self.lcp.our_opts:
            if t == pw.LCP_AUTH:
                return pw.auth_option_name(v)
        return None

    def input(self, proto, info):
        """Handle one PPP frame from the client (already de-framed)."""
        if self.phase == "dead":
            return
        if proto == pw.PROTO_LCP:
            self._lcp_in(info)
        elif proto == pw.PROTO_PAP:
            self._pap_in(info)
        elif proto == pw.PROTO_CHAP:
            self._chap_in(info)
        elif proto == pw.PROTO_EAP:
            self._eap_in(info)
        elif proto in (pw.PROTO_IPCP, pw.PROTO_IPV6CP, pw.PROTO_CCP):
            if self.phase != "network":
                self.ev("ncp_before_auth", proto="0x%04x" % proto)
                return
            if proto == pw.PROTO_IPCP:
                self._ipcp_in(info)
            elif proto == pw.PROTO_IPV6CP:
                if self.sc.has("ipv6-reject"):
                    self._proto_reject(proto, info)
                else:
                    self._ipv6cp_in(info)
            else:
                self._ccp_in(info)
        elif proto == pw.PROTO_IP:
            self._ip_in(info, encrypted=False)
        elif proto == pw.PROTO_MPPE:
            self._mppe_in(info)
        elif proto == pw.PROTO_IPV6:
            self._ip6_in(info, encrypted=False)
        else:
            self.ev("ppp_unknown_protocol", proto="0x%04x" % proto)
            self._proto_reject(proto, info)

    def _proto_reject(self, proto, info):
        if self.lcp.up:
            self.send(pw.PROTO_LCP, pw.protocol_reject(self.next_id(), proto,
                                                       info[:1400]))
            self.ev("protocol_reject_sent", proto="0x%04x" % proto)

    def _lcp_in(self, info):
        if self.sc.has("lcp-mute"):
            self.ev("lcp_ignored", code=info[0] if info else None)
            return
        try:
            p = pw.parse_cp(info)
        except ValueError as e:
            self.ev("lcp_malformed", error=str(e), raw=info[:64])
            return
        if p.code == pw.CONF_REQ:
            self._lcp_conf_req(p)
        elif p.code == pw.CONF_ACK:
            if p.ident == self.lcp.our_id and p.data == pw.build_options(
                    self.lcp.our_opts):
                self._cancel("lcp")
                self.lcp.our_acked = True
                self._lcp_maybe_up()
            else:
                self.ev("lcp_bad_ack", ident=p.ident)
        elif p.code == pw.CONF_NAK:
            self._lcp_nak(p)
        elif p.code == pw.CONF_REJ:
            self._lcp_rej(p)
        elif p.code == pw.TERM_REQ:
            self.send(pw.PROTO_LCP, pw.build_cp(pw.TERM_ACK, p.ident))
            self.ev("ppp_terminate", by="client", data=p.data[:64])
            self.phase = "terminate"
            self.lcp.reset()
            self.s.on_ppp_down("client")
        elif p.code == pw.TERM_ACK:
            self._cancel("lcp-term")
            self.ev("ppp_terminate_ack")
            self.s.on_ppp_down("server")
        elif p.code == pw.ECHO_REQ:
            if len(p.data) < 4:
                return
            self.ev("lcp_echo_request", ident=p.ident)
            self.send(pw.PROTO_LCP, pw.echo_packet(pw.ECHO_REP, p.ident,
                                                   self.magic, p.data[4:]))
        elif p.code == pw.ECHO_REP:
            self.ev("lcp_echo_reply", ident=p.ident)
        elif p.code == pw.DISCARD_REQ:
            pass
        elif p.code == pw.CODE_REJ:
            self.ev("lcp_code_reject", data=p.data[:64])
        elif p.code == pw.PROTO_REJ:
            rp = struct.unpack(">H", p.data[:2])[0] if len(p.data) >= 2 else 0
            self.ev("lcp_protocol_reject", proto="0x%04x" % rp)
            if rp == pw.PROTO_CCP:
                self._ccp_refused("protocol-reject")
            elif rp == pw.PROTO_IPV6CP:
                self._cancel("ipv6cp")
        else:
            self.send(pw.PROTO_LCP, pw.build_cp(pw.CODE_REJ, self.next_id(),
                                                info[:1400]))
            self.ev("lcp_unknown_code", code=p.code)

    def _lcp_conf_req(self, p):
        if p.options is None:
            self.ev("lcp_malformed", error="bad options", raw=p.data[:64])
            return
        rej, nak = [], []
        for t, v in p.options:
            if t == pw.LCP_MRU and len(v) == 2:
                mru = struct.unpack(">H", v)[0]
                if mru < 128:
                    nak.append(pw.opt_mru(1500))
                else:
                    self.peer_mru = mru
            elif t == pw.LCP_ACCM and len(v) == 4:
                pass
            elif t == pw.LCP_MAGIC and len(v) == 4:
                m = struct.unpack(">I", v)[0]
                if m == 0 or m == self.magic:
                    nak.append(pw.opt_magic(random.getrandbits(32) | 1))
            elif t in (pw.LCP_PFC, pw.LCP_ACFC) and not v:
                pass
            else:
                rej.append((t, v))
        self.ev("lcp_client_request", ident=p.ident,
                options=[t for t, _ in p.options],
                rejected=[t for t, _ in rej], mru=self.peer_mru)
        if self.lcp.up:
            # renegotiation: back to establish
            self.lcp.reset()
            self._retransmit("lcp", self._send_lcp_req)
        if rej:
            self.send(pw.PROTO_LCP, pw.build_cp_options(pw.CONF_REJ, p.ident,
                                                        rej))
        elif nak:
            self.send(pw.PROTO_LCP, pw.build_cp_options(pw.CONF_NAK, p.ident,
                                                        nak))
        else:
            self.send(pw.PROTO_LCP, pw.build_cp(pw.CONF_ACK, p.ident, p.data))
            self.lcp.peer_acked = True
            self._lcp_maybe_up()

    def _lcp_nak(self, p):
        if p.ident != self.lcp.our_id or p.options is None:
            return
        self._cancel("lcp")
        types = [t for t, _ in p.options]
        self.ev("lcp_nak_received", options=types,
                auth=[pw.auth_option_name(v) for t, v in p.options
                      if t == pw.LCP_AUTH])
        for t, v in p.options:
            if t == pw.LCP_AUTH:
                if self.sc.has("win2016-lcp"):
                    self.ev("auth_fail", method="eap-mschapv2",
                            reason="client-nak-auth")
                    self.terminate("auth")
                    return
                self.auth_idx += 1
                if self.auth_idx >= len(self.auth_list):
                    self.ev("auth_fail", method=None,
                            reason="no-common-auth")
                    self.terminate("no common auth")
                    return
                self._build_lcp_opts()
            elif t == pw.LCP_MRU and len(v) == 2:
                self.lcp.our_opts = [o if o[0] != pw.LCP_MRU else (t, v)
                                     for o in self.lcp.our_opts]
            elif t == pw.LCP_MAGIC:
                self.magic = random.getrandbits(32) | 1
                self.lcp.our_opts = [o if o[0] != pw.LCP_MAGIC else
                                     pw.opt_magic(self.magic)
                                     for o in self.lcp.our_opts]
        self._retransmit("lcp", self._send_lcp_req)

    def _lcp_rej(self, p):
        if p.ident != self.lcp.our_id or p.options is None:
            return
        self._cancel("lcp")
        types = [t for t, _ in p.options]
        self.ev("lcp_reject_received", options=types)
        if pw.LCP_AUTH in types:
            self.ev("auth_fail", method=self._auth_name(),
                    reason="client-rejected-auth")
            self.terminate("auth rejected")
            return
        self.lcp.our_opts = [o for o in self.lcp.our_opts
                             if o[0] not in types]
        self._retransmit("lcp", self._send_lcp_req)

    def _lcp_maybe_up(self):
        if self.lcp.our_acked and self.lcp.peer_acked and not self.lcp.up:
            self.lcp.up = True
            self.auth_method = self._auth_name()
            if self.auth_method == "eap":
                self.auth_method = "eap-mschapv2"
            self.ev("lcp_up", auth=self.auth_method, peer_mru=self.peer_mru,
                    magic="%08x" % self.magic)
            if self.auth_done:
                return
            self.phase = "auth"
            if self.auth_method == "mschapv2":
                self._chap_start()
            elif self.auth_method == "eap-mschapv2":
                self._eap_start()
            # PAP: the client speaks first

    def terminate(self, reason):
        """Send LCP Terminate-Request (retransmitted a few times)."""
        if self.phase in ("terminate", "dead"):
            return
        self.phase = "terminate"
        for k in list(self.retrans):
            self._cancel(k)
        data = reason.encode() if isinstance(reason, str) else reason
        tid = self.next_id()
        self.ev("ppp_terminate", by="server", reason=reason)
        self._retransmit("lcp-term", lambda: self.send(
            pw.PROTO_LCP, pw.build_cp(pw.TERM_REQ, tid, data)), tries=3)

    # --- authentication ---------------------------------------------------
    def _lookup(self, name):
        users = self.s.cfg.users
        if name in users:
            return name, users[name]
        short = name.rsplit("\\", 1)[-1]
        if short in users:
            return short, users[short]
        return name, None

    def _auth_result(self, ok, method, user, reason=None, hlak=None,
                     keys=None, **extra):
        self.auth_done = True
        self.auth_ok = ok
        self.user = user
        if ok:
            self.hlak = hlak if hlak is not None else bytes(32)
            self.mppe_keys = keys
            self.ev("auth_ok", method=method, user=user,
                    hlak="zero" if self.hlak == bytes(32) else "keys",
                    **extra)
            self.phase = "network"
            self.s.on_auth_done()
            self._start_ncp()
        else:
            self.ev("auth_fail", method=method, user=user, reason=reason,
                    **extra)
            self.s.later(0.3, lambda: self.terminate("authentication failed"))

    def _pap_in(self, info):
        try:
            p = pw.parse_pap(info)
        except ValueError as e:
            self.ev("pap_malformed", error=str(e))
            return
        if p.code != pw.PAP_AUTH_REQ:
            return
        if self.auth_method != "pap" or not self.lcp.up:
            self.ev("pap_unexpected")
            return
        user = p.peer_id.decode("utf-8", "replace")
        if self.auth_done:
            # retransmitted request: repeat the verdict
            code = pw.PAP_AUTH_ACK if self.auth_ok else pw.PAP_AUTH_NAK
            self.send(pw.PROTO_PAP, pw.pap_reply(code, p.ident, b""))
            return
        name, pwd = self._lookup(user)
        ok = pwd is not None and pwd.encode("utf-8") == p.password
        self.send(pw.PROTO_PAP, pw.pap_reply(
            pw.PAP_AUTH_ACK if ok else pw.PAP_AUTH_NAK, p.ident,
            b"Login ok" if ok else b"Login incorrect"))
        self._auth_result(ok, "pap", user,
                          reason=None if ok else "bad-credentials")

    def _success_message(self, pwd, nt, peer_ch, auth_ch, user):
        s = mc.generate_authenticator_response(pwd, nt, peer_ch, auth_ch,
                                               user)
        if self.sc.has("bad-success-s"):
            last = s[-1:]
            s = s[:-1] + (b"0" if last != b"0" else b"1")
        if self.sc.has("no-success-s"):
            return b"M=Access granted"
        return s + b" M=Access granted"

    def _verify_mschapv2(self, auth_ch, value, name):
        """Returns (ok, user, pwd, nt, peer_ch, reason)."""
        user = name.decode("utf-8", "replace")
        try:
            peer_ch, nt, _ = pw.parse_mschapv2_response_value(value)
        except ValueError:
            return False, user, None, None, None, "bad-response-length"
        _, pwd = self._lookup(user)
        if pwd is None:
            return False, user, None, nt, peer_ch, "unknown-user"
        want = mc.generate_nt_response(auth_ch, peer_ch, user, pwd)
        if want != nt:
            return False, user, pwd, nt, peer_ch, "bad-nt-response"
        return True, user, pwd, nt, peer_ch, None

    def _chap_start(self):
        self.chap = {"id": self.next_id(), "ch": os.urandom(16)}
        pkt = pw.chap_challenge(self.chap["id"], self.chap["ch"],
                                self.s.cfg.server_name)
        self._retransmit("chap", lambda: self.send(pw.PROTO_CHAP, pkt))

    def _chap_in(self, info):
        try:
            p = pw.parse_chap(info)
        except ValueError as e:
            self.ev("chap_malformed", error=str(e))
            return
        if p.code != pw.CHAP_RESPONSE or not self.chap:
            return
        if p.ident != self.chap["id"]:
            self.ev("chap_wrong_id", ident=p.ident)
            return
        self._cancel("chap")
        if self.auth_done:
            self.send(pw.PROTO_CHAP, self.chap["reply"])
            return
        ok, user, pwd, nt, peer_ch, reason = self._verify_mschapv2(
            self.chap["ch"], p.value, p.name)
        if ok:
            msg = self._success_message(pwd, nt, peer_ch, self.chap["ch"],
                                        user)
            reply = pw.chap_success(p.ident, msg)
            send_k, recv_k = mc.master_keys(pwd, nt, is_server=True)
            self.chap["reply"] = reply
            self.send(pw.PROTO_CHAP, reply)
            self._auth_result(True, "mschapv2", user,
                              hlak=recv_k + send_k, keys=(send_k, recv_k))
        else:
            msg = ("E=691 R=0 C=%s V=3 M=Authentication failure" %
                   os.urandom(16).hex().upper()).encode()
            reply = pw.chap_failure(p.ident, msg)
            self.chap["reply"] = reply
            self.send(pw.PROTO_CHAP, reply)
            self._auth_result(False, "mschapv2", user, reason=reason)

    def _eap_start(self):
        self.eap = {"stage": "identity", "id": self.next_id()}
        pkt = pw.eap_identity_request(self.eap["id"])
        self._retransmit("eap", lambda: self.send(pw.PROTO_EAP, pkt))

    def _eap_send_req(self, pkt):
        self.eap["id"] = pkt[1]
        self._retransmit("eap", lambda: self.send(pw.PROTO_EAP, pkt))

    def _eap_in(self, info):
        try:
            p = pw.parse_eap(info)
        except ValueError as e:
            self.ev("eap_malformed", error=str(e))
            return
        if p.code != pw.EAP_RESPONSE or not self.eap:
            return
        if p.ident != self.eap["id"]:
            self.ev("eap_wrong_id", ident=p.ident, want=self.eap["id"])
            return
        self._cancel("eap")
        st = self.eap["stage"]
        if p.type == pw.EAP_TYPE_NAK:
            self.ev("eap_nak", types=list(p.data), stage=st)
            if st == "peap" and pw.EAP_TYPE_MSCHAPV2 in p.data:
                self._eap_challenge()
                return
            self.send(pw.PROTO_EAP, pw.eap_failure(p.ident))
            self._auth_result(False, "eap-mschapv2", self.eap.get("identity"),
                              reason="eap-nak")
            return
        if st == "identity":
            if p.type != pw.EAP_TYPE_IDENTITY:
                self.ev("eap_unexpected", type=p.type, stage=st)
                return
            self.eap["identity"] = p.data.decode("utf-8", "replace")
            self.ev("eap_identity", identity=self.eap["identity"])
            if self.sc.has("eap-peap-first"):
                self.eap["stage"] = "peap"
                self._eap_send_req(pw.build_eap(
                    pw.EAP_REQUEST, self.next_id(), pw.EAP_TYPE_PEAP,
                    b"\x20"))
                return
            self._eap_challenge()
        elif st == "peap":
            self.ev("eap_unexpected", type=p.type, stage=st)
            self.send(pw.PROTO_EAP, pw.eap_failure(p.ident))
            self._auth_result(False, "eap-mschapv2", self.eap.get("identity"),
                              reason="peap-not-nakked")
        elif st == "challenge":
            if p.type != pw.EAP_TYPE_MSCHAPV2:
                self.ev("eap_unexpected", type=p.type, stage=st)
                return
            try:
                ms = pw.parse_eap_mschapv2(p.data)
            except ValueError as e:
                self.ev("eap_malformed", error=str(e))
                return
            if ms.opcode != pw.MSCHAPV2_OP_RESPONSE or \
                    ms.ms_id != self.eap["ms_id"]:
                self.ev("eap_unexpected", opcode=ms.opcode, ms_id=ms.ms_id)
                return
            ok, user, pwd, nt, peer_ch, reason = self._verify_mschapv2(
                self.eap["ch"], ms.value, ms.name)
            self.eap["user"] = user
            if ok:
                send_k, recv_k = mc.master_keys(pwd, nt, is_server=True)
                self.eap["keys"] = (send_k, recv_k)
                # MSK[0..31] = client send | client recv = server recv | send
                self.eap["hlak"] = recv_k + send_k
                self.eap["stage"] = "success"
                msg = self._success_message(pwd, nt, peer_ch, self.eap["ch"],
                                            user)
                self._eap_send_req(pw.eap_mschapv2_success_request(
                    self.next_id(), self.eap["ms_id"], msg))
            else:
                self.eap["stage"] = "failure"
                self.eap["reason"] = reason
                msg = ("E=691 R=0 C=%s V=3 M=Authentication failure" %
                       os.urandom(16).hex().upper()).encode()
                self._eap_send_req(pw.eap_mschapv2_failure_request(
                    self.next_id(), self.eap["ms_id"], msg))
        elif st in ("success", "failure"):
            want = (pw.MSCHAPV2_OP_SUCCESS if st == "success"
                    else pw.MSCHAPV2_OP_FAILURE)
            if p.type != pw.EAP_TYPE_MSCHAPV2 or p.data[:1] != bytes((want,)):
                self.ev("eap_unexpected", type=p.type, data=p.data[:16],
                        stage=st)
                if st == "success":
                    self.send(pw.PROTO_EAP, pw.eap_failure(p.ident))
                    self._auth_result(False, "eap-mschapv2", self.eap["user"],
                                      reason="client-refused-success")
                return
            self.eap["stage"] = "done"
            if st == "success":
                self.send(pw.PROTO_EAP, pw.eap_success(p.ident))
                self._auth_result(True, "eap-mschapv2", self.eap["user"],
                                  hlak=self.eap["hlak"], keys=self.eap["keys"],
                                  identity=self.eap.get("identity"))
            else:
                self.send(pw.PROTO_EAP, pw.eap_failure(p.ident))
                self._auth_result(False, "eap-mschapv2", self.eap["user"],
                                  reason=self.eap["reason"])

    def _eap_challenge(self):
        self.eap["stage"] = "challenge"
        self.eap["ms_id"] = random.randrange(256)
        self.eap["ch"] = os.urandom(16)
        self._eap_send_req(pw.eap_mschapv2_challenge(
            self.next_id(), self.eap["ms_id"], self.eap["ch"],
            self.s.cfg.server_name))

    # --- NCPs --------------------------------------------------------------
    def _start_ncp(self):
        self.ipcp.our_opts = [pw.opt_ipv4(pw.IPCP_ADDR, self.server_ip)]
        self._retransmit("ipcp", lambda: self._send_cp_req(pw.PROTO_IPCP,
                                                           self.ipcp))
        if not self.sc.has("ipv6-reject"):
            self.ipv6cp.our_opts = [(pw.IPV6CP_IFID, self.ifid)]
            self._retransmit("ipv6cp", lambda: self._send_cp_req(
                pw.PROTO_IPV6CP, self.ipv6cp))
        if self.want_mppe:
            if not self.mppe_keys:
                self.ev("mppe_unavailable", method=self.auth_method)
                if not self.sc.has("ccp-offer"):
                    self.terminate("MPPE required but no keys")
                return
            bits = pw.MPPE_S | (0 if self.sc.has("mppe-stateful")
                                else pw.MPPE_H)
            self.ccp.our_opts = [pw.opt_mppe(bits)]
            self._retransmit("ccp", lambda: self._send_cp_req(pw.PROTO_CCP,
                                                              self.ccp))
            if not self.sc.has("ccp-offer"):
                self.s.later(self.s.cfg.negotiation_timeout,
                             self._mppe_deadline)

    def _mppe_deadline(self):
        if not self.ccp.up and self.phase == "network":
            self.ev("mppe_required_fail", reason="timeout")
            self.terminate("MPPE required")

    def _send_cp_req(self, proto, st):
        st.our_id = self.next_id()
        self.send(proto, pw.build_cp_options(pw.CONF_REQ, st.our_id,
                                             st.our_opts))

    def _cp_common(self, proto, st, p, judge):
        """Generic Configure handling; ``judge(options)`` -> (rej, nak)."""
        key = st.name
        if p.code == pw.CONF_REQ:
            if p.options is None:
                self.ev(key + "_malformed")
                return
            rej, nak = judge(p.options)
            self.ev(key + "_client_request", ident=p.ident,
                    options=[[t, v.hex()] for t, v in p.options])
            if rej:
                self.send(proto, pw.build_cp_options(pw.CONF_REJ, p.ident,
                                                     rej))
            elif nak:
                self.send(proto, pw.build_cp_options(pw.CONF_NAK, p.ident,
                                                     nak))
            else:
                self.send(proto, pw.build_cp(pw.CONF_ACK, p.ident, p.data))
                st.peer_acked = True
                self._cp_maybe_up(st)
        elif p.code == pw.CONF_ACK and p.ident == st.our_id:
            self._cancel(key)
            st.our_acked = True
            self._cp_maybe_up(st)
        elif p.code in (pw.CONF_NAK, pw.CONF_REJ) and p.ident == st.our_id:
            self._cancel(key)
            types = [t for t, _ in (p.options or [])]
            self.ev(key + ("_nak_received" if p.code == pw.CONF_NAK
                           else "_reject_received"), options=types)
            if p.code == pw.CONF_REJ:
                st.our_opts = [o for o in st.our_opts if o[0] not in types]
                if proto == pw.PROTO_CCP:
                    self._ccp_refused("configure-reject")
                    return
            elif proto == pw.PROTO_CCP:
                self._ccp_refused("configure-nak")
                return
            elif proto == pw.PROTO_IPV6CP:
                self.ifid = os.urandom(8)
                st.our_opts = [(pw.IPV6CP_IFID, self.ifid)]
            self._retransmit(key, lambda: self._send_cp_req(proto, st))
        elif p.code == pw.TERM_REQ:
            self.send(proto, pw.build_cp(pw.TERM_ACK, p.ident))
            self.ev(key + "_terminate", by="client")
            st.reset()
        elif p.code == pw.CODE_REJ:
            self.ev(key + "_code_reject")
        elif proto == pw.PROTO_CCP and p.code == pw.RESET_REQ:
            self.ev("ccp_reset_request")
            if self.mppe_tx:
                self.mppe_tx.reset()
            self.send(proto, pw.build_cp(pw.RESET_ACK, p.ident))
        elif proto == pw.PROTO_CCP and p.code == pw.RESET_ACK:
            self.ev("ccp_reset_ack")

    def _cp_maybe_up(self, st):
        if st.our_acked and st.peer_acked and not st.up:
            st.up = True
            if st is self.ipcp:
                self.ev("ipcp_up", local=self.server_ip, peer=self.client_ip)
                self.s.on_ipcp_up()
            elif st is self.ipv6cp:
                self.ev("ipv6cp_up", local_ifid=self.ifid.hex(),
                        peer_ifid=self.peer_ifid.hex())
                self.s.on_ipv6cp_up()
            elif st is self.ccp:
                self._mppe_up()

    def _ipcp_in(self, info):
        try:
            p = pw.parse_cp(info)
        except ValueError as e:
            self.ev("ipcp_malformed", error=str(e))
            return

        def judge(opts):
            rej, nak = [], []
            if self.sc.has("ipcp-nak-loop") and p.code == pw.CONF_REQ:
                self.ipcp.tries += 1
                addr = "192.0.2.%d" % (10 + self.ipcp.tries % 100)
                self.ev("ipcp_nak_loop", count=self.ipcp.tries, addr=addr)
                return [], [pw.opt_ipv4(pw.IPCP_ADDR, addr)]
            for t, v in opts:
                if t == pw.IPCP_ADDR and len(v) == 4:
                    if str(ipaddress.IPv4Address(v)) != self.client_ip:
                        nak.append(pw.opt_ipv4(pw.IPCP_ADDR, self.client_ip))
                elif t in (pw.IPCP_DNS1, pw.IPCP_DNS2) and len(v) == 4 and \
                        self.s.cfg.dns:
                    if str(ipaddress.IPv4Address(v)) != self.s.cfg.dns:
                        nak.append(pw.opt_ipv4(t, self.s.cfg.dns))
                else:
                    rej.append((t, v))
            if pw.IPCP_ADDR not in [t for t, _ in opts] and not rej:
                nak.append(pw.opt_ipv4(pw.IPCP_ADDR, self.client_ip))
            return rej, nak

        self._cp_common(pw.PROTO_IPCP, self.ipcp, p, judge)

    def _ipv6cp_in(self, info):
        try:
            p = pw.parse_cp(info)
        except ValueError as e:
            self.ev("ipv6cp_malformed", error=str(e))
            return

        def judge(opts):
            rej, nak = [], []
            for t, v in opts:
                if t == pw.IPV6CP_IFID and len(v) == 8:
                    if v == bytes(8) or v == self.ifid:
                        nak.append((t, os.urandom(8)))
                    else:
                        self.peer_ifid = v
                else:
                    rej.append((t, v))
            return rej, nak

        self._cp_common(pw.PROTO_IPV6CP, self.ipv6cp, p, judge)

    def _ccp_in(self, info):
        if not self.want_mppe or not self.mppe_keys:
            self._proto_reject(pw.PROTO_CCP, info)
            self.ev("ccp_rejected_by_server")
            return
        try:
            p = pw.parse_cp(info)
        except ValueError as e:
            self.ev("ccp_malformed", error=str(e))
            return
        ours = self.ccp.our_opts[0][1] if self.ccp.our_opts else None

        def judge(opts):
            rej, nak = [], []
            for t, v in opts:
                if t == pw.CCP_MPPE and len(v) == 4 and ours is not None:
                    if v != ours:
                        nak.append((t, ours))
                else:
                    rej.append((t, v))
            return rej, nak

        self._cp_common(pw.PROTO_CCP, self.ccp, p, judge)

    def _ccp_refused(self, how):
        self._cancel("ccp")
        self.ev("ccp_refused_by_client", how=how)
        if (self.sc.has("mppe-required") or self.sc.has("mppe-stateful")) \
                and not self.sc.has("ccp-offer"):
            self.ev("mppe_required_fail", reason=how)
            self.terminate("MPPE required")

    def _mppe_up(self):
        stateless = not self.sc.has("mppe-stateful")
        send_k, recv_k = self.mppe_keys
        self.mppe_tx = mc.MppeContext(send_k, 128, stateless)
        self.mppe_rx = mc.MppeContext(recv_k, 128, stateless)
        self.ev("ccp_up", mppe_bits=128, stateless=stateless)

    # --- data -------------------------------------------------------------
    def _mppe_in(self, info):
        if not self.mppe_rx:
            self.ev("mppe_unexpected")
            return
        try:
            proto, payload = self.mppe_rx.decrypt(info)
        except ValueError as e:
            self.ev("mppe_decrypt_error", error=str(e))
            if not self.mppe_rx.stateless:
                self.send(pw.PROTO_CCP, pw.build_cp(pw.RESET_REQ,
                                                    self.next_id()))
            return
        if proto == pw.PROTO_IP:
            self._ip_in(payload, encrypted=True)
        elif proto == pw.PROTO_IPV6:
            self._ip6_in(payload, encrypted=True)

    def send_ip(self, packet):
        """Send an IPv4 packet to the client (MPPE-encrypted if up)."""
        self.counters["ip_tx"] += 1
        if self.mppe_tx:
            self.send(pw.PROTO_MPPE, self.mppe_tx.encrypt(pw.PROTO_IP,
                                                          packet))
        else:
            self.send(pw.PROTO_IP, packet)

    def _ip_in(self, pkt, encrypted):
        self.counters["ip_rx"] += 1
        if self.mppe_rx and not encrypted:
            self.ev("ip_unencrypted_with_mppe")
            return
        try:
            ip = pw.parse_ipv4(pkt)
        except ValueError as e:
            self.ev("ip_malformed", error=str(e))
            return
        if self.tun:
            self._ip_to_tun(pkt, ip, encrypted)
            return
        if ip.dst != self.server_ip:
            if self.counters["ip_rx"] <= 20:
                self.ev("ip_unrouted", src=ip.src, dst=ip.dst, proto=ip.proto)
            return
        if ip.proto == 1:
            try:
                icmp = pw.parse_icmp_echo(ip.payload)
            except ValueError as e:
                self.ev("icmp_malformed", error=str(e))
                return
            if icmp.type == pw.ICMP_ECHO_REQUEST:
                self.counters["icmp_echo"] += 1
                self.ev("icmp_echo", src=ip.src, dst=ip.dst, id=icmp.ident,
                        seq=icmp.seq, len=len(icmp.payload),
                        mppe=encrypted)
                self.send_ip(pw.icmp_echo_packet(ip.dst, ip.src, icmp.ident,
                                                 icmp.seq, icmp.payload,
                                                 reply=True))
            elif icmp.type == pw.ICMP_ECHO_REPLY:
                self.ev("icmp_echo_reply", src=ip.src, id=icmp.ident,
                        seq=icmp.seq)
        elif ip.proto == 17 and len(ip.payload) >= 8:
            sport, dport, ulen = struct.unpack(">HHH", ip.payload[:6])
            if dport == 7 and 8 <= ulen <= len(ip.payload):
                self.counters["udp_echo"] += 1
                udp = struct.pack(">HHHH", dport, sport, ulen, 0) + \
                    ip.payload[8:ulen]
                self.send_ip(pw.build_ipv4(ip.dst, ip.src, 17, udp))


    # --- the TUN path (--tun) ----------------------------------------------
    def _tun_write(self, pkt):
        if self.tun.write(pkt):
            self.counters["tun_in"] += 1
            self.counters["tun_in_bytes"] += len(pkt)
        else:
            self.counters["tun_drop"] += 1

    def _ip_to_tun(self, pkt, ip, encrypted):
        """IPv4 from the client into the server's TUN (the kernel routes
        and answers).  Only the negotiated client address may send (RFC
        1332 3.3), and only what the IP header says is the packet."""
        if not self.ipcp.up:
            self.ev("ip_before_ipcp", src=ip.src, dst=ip.dst)
            return
        if ip.src != self.client_ip:
            self.counters["tun_drop"] += 1
            if self.counters["tun_drop"] <= 5:
                self.ev("ip_spoofed", src=ip.src, dst=ip.dst)
            return
        if ip.proto == 1 and ip.payload[:1] == bytes((pw.ICMP_ECHO_REQUEST,)) \
                and len(ip.payload) >= 8:
            ident, seq = struct.unpack(">HH", ip.payload[4:8])
            self.counters["icmp_echo"] += 1
            self.ev("icmp_echo", src=ip.src, dst=ip.dst, id=ident, seq=seq,
                    len=len(ip.payload) - 8, mppe=encrypted, via="tun")
        total = struct.unpack(">H", pkt[2:4])[0]
        self._tun_write(bytes(pkt[:total]))

    def _ip6_in(self, pkt, encrypted):
        """IPv6 from the client: counted, and with --tun written to it."""
        self.counters["ipv6_rx"] += 1
        if not self.tun:
            return
        if self.mppe_rx and not encrypted:
            self.ev("ip_unencrypted_with_mppe", version=6)
            return
        if not self.ipv6cp.up:
            self.ev("ipv6_before_ipv6cp")
            return
        try:
            src, dst, nh, payload = ipv6_summary(pkt)
        except ValueError as e:
            self.ev("ipv6_malformed", error=str(e))
            return
        if nh == 58 and payload[:1] == b"\x80" and len(payload) >= 8:
            ident, seq = struct.unpack(">HH", payload[4:8])
            self.ev("icmp6_echo", src=src, dst=dst, id=ident, seq=seq,
                    mppe=encrypted, via="tun")
        self._tun_write(bytes(pkt[:40 + len(payload)]))

    def tun_to_client(self, pkt):
        """A packet the kernel routed into the TUN: to the client, as
        0x0021 or 0x0057 by its version (MPPE-encrypted when CCP is up).
        Dropped unless its NCP is open and it fits the client's MRU."""
        ver = pkt[0] >> 4 if pkt else 0
        if ver == 4 and self.ipcp.up and len(pkt) >= 20:
            proto = pw.PROTO_IP
        elif ver == 6 and self.ipv6cp.up and len(pkt) >= 40:
            proto = pw.PROTO_IPV6
        else:
            self.counters["tun_drop"] += 1
            return
        if len(pkt) > self.peer_mru:
            self.counters["tun_drop"] += 1
            if self.counters["tun_drop"] <= 5:
                self.ev("tun_packet_over_mru", len=len(pkt),
                        mru=self.peer_mru)
            return
        self.counters["tun_out"] += 1
        self.counters["tun_out_bytes"] += len(pkt)
        if proto == pw.PROTO_IP:
            self.counters["ip_tx"] += 1
        if self.mppe_tx:
            self.send(pw.PROTO_MPPE, self.mppe_tx.encrypt(proto, pkt))
        else:
            self.send(proto, pkt)


# ---------------------------------------------------------------------------
# SSTP session
# ---------------------------------------------------------------------------

ABORT_STATES = ("abort_pending", "abort_timeout_pending")
PENDING_STATES = ABORT_STATES + ("disconnect_ack_pending",
                                 "disconnect_timeout_pending")


class Session:
    """One client connection: TLS, HTTP, SSTP state machine, PPP."""

    def __init__(self, server, raw_transport, conn):
        self.srv = server
        self.cfg = server.cfg
        self.sc = server.sc
        self.raw = raw_transport
        self.reader = None
        self.writer = None
        self.conn = conn
        self.loop = asyncio.get_running_loop()
        self.state = "http"
        self.closed = False
        self.close_reason = None
        self.parser = sw.StreamParser()
        self.ppp = PppServer(self)
        self.nonce = None
        self.bitmask = None
        self.naks = 0
        self.requests = 0
        self.timers = []
        self.silent = False
        self.last_rx = time.monotonic()
        self.echo_outstanding = False
        self.deferred_connected = None
        self.ipcp_up = False
        self.connected = False
        self.rx_packets = 0
        self.tx_packets = 0
        self.dropped_data = 0
        self.pending_inject = b""
        self.negotiation_timer = None

    # --- infrastructure --------------------------------------------------
    def event(self, name, **kw):
        """Emit an event tagged with this connection."""
        self.srv.log.emit(self.conn, name, **kw)

    def later(self, delay, fn):
        """Schedule ``fn`` (cancelled at session end)."""
        def run():
            if not self.closed:
                fn()
        h = self.loop.call_later(delay, run)
        self.timers.append(h)
        return h

    def write(self, data):
        """Raw write to the TLS stream (honours silent mode)."""
        if self.closed:
            return
        if self.silent:
            return
        self.tx_packets += 1
        self.writer.write(data)

    def send_ppp(self, proto, info):
        """Wrap a PPP frame into an SSTP data packet, with state gating."""
        if not pw.is_control_protocol(proto) and not self.connected:
            self.event("data_tx_dropped_not_connected",
                       proto="0x%04x" % proto)
            return
        if self.state in PENDING_STATES or self.state == "http":
            return
        frame = pw.ppp_frame(proto, info)
        if len(frame) + 4 > sw.MAX_PACKET:
            self.event("ppp_tx_too_long", len=len(frame))
            return
        self.write(sw.data_packet(frame))

    def close(self, reason, rst=False):
        """Close the connection (TLS close_notify unless ``rst``)."""
        if self.closed:
            return
        self.closed = True
        self.close_reason = reason
        self.srv.tun_detach(self)
        for h in self.timers:
            h.cancel()
        self.ppp.stop()
        try:
            if rst or self.writer is None:
                sock = self.raw.get_extra_info("socket")
                if sock is not None and rst:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
                if self.writer is not None:
                    self.writer.transport.abort()
                self.raw.abort()
            else:
                self.writer.close()
        except (OSError, RuntimeError):
            pass

    # --- main ------------------------------------------------------------
    async def run(self):
        """Drive the whole session."""
        peer = self.raw.get_extra_info("peername")
        self.event("tcp_accept", peer=list(peer) if peer else None)
        try:
            if not await self._tls():
                return
            if not await self._http():
                return
            await self._sstp()
        except (ConnectionError, OSError, ssl.SSLError) as e:
            self.event("connection_error", error="%s: %s" %
                       (type(e).__name__, e))
        except asyncio.CancelledError:
            self.event("cancelled")
            raise
        finally:
            if not self.closed:
                self.close(self.close_reason or "eof")
            self.event("session_end", reason=self.close_reason,
                       state=self.state, connected=self.connected,
                       rx_packets=self.rx_packets, tx_packets=self.tx_packets,
                       dropped_data=self.dropped_data, **self.ppp.counters)
            try:
                if self.writer is not None:
                    await asyncio.wait_for(self.writer.wait_closed(), 2)
            except (asyncio.TimeoutError, OSError, ssl.SSLError,
                    ConnectionError):
                pass

    async def _tls(self):
        sni_box = {}
        self.srv.pending_sni = sni_box
        # The raw transport was paused at accept, so no TLS byte has been
        # consumed yet (StreamWriter.start_tls would lose a buffered
        # ClientHello).
        reader = asyncio.StreamReader(limit=1 << 20)
        proto = asyncio.StreamReaderProtocol(reader)
        try:
            tr = await self.loop.start_tls(
                self.raw, proto, self.srv.ssl_ctx, server_side=True,
                ssl_handshake_timeout=self.cfg.http_timeout)
        except (ssl.SSLError, OSError, ConnectionError,
                asyncio.TimeoutError) as e:
            self.event("tls_failed", error="%s: %s" % (type(e).__name__, e),
                       sni=sni_box.get("sni"))
            self.close_reason = "tls_failed"
            self.raw.abort()
            self.closed = True
            return False
        proto.connection_made(tr)
        self.reader = reader
        self.writer = asyncio.StreamWriter(tr, proto, reader, self.loop)
        so = self.writer.get_extra_info("ssl_object")
        sni = getattr(so, "sstp_sni", None)
        self.event("tls_established", version=so.version(),
                   cipher=so.cipher()[0] if so.cipher() else None, sni=sni,
                   alpn=so.selected_alpn_protocol())
        return True

    async def _read_more(self, timeout):
        try:
            return await asyncio.wait_for(self.reader.read(65536), timeout)
        except asyncio.TimeoutError:
            return None

    async def _http(self):
        buf = b""
        deadline = time.monotonic() + self.cfg.http_timeout
        while True:
            m = re.search(rb"\r?\n\r?\n", buf)
            if m:
                break
            if len(buf) > 16384:
                self.event("http_request_too_long", len=len(buf))
                self.close("http_too_long")
                return False
            left = deadline - time.monotonic()
            chunk = await self._read_more(max(left, 0.01))
            if chunk is None:
                self.event("http_timeout", got=buf[:200])
                self.close("http_timeout")
                return False
            if not chunk:
                self.event("http_eof", got=buf[:200])
                self.close("http_eof")
                return False
            buf += chunk
        head, rest = buf[:m.start()], buf[m.end():]
        lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
        parts = lines[0].split(" ")
        headers = []
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            headers.append([k.strip(), v.strip()])
        hmap = {k.lower(): v for k, v in headers}
        method = parts[0] if parts else ""
        uri = parts[1] if len(parts) > 1 else ""
        version = parts[2] if len(parts) > 2 else ""
        ok_method = method == "SSTP_DUPLEX_POST"
        ok_uri = uri == SSTP_URI
        self.event("http_request", request_line=lines[0], method=method,
                   uri=uri, version=version, headers=headers,
                   host=hmap.get("host"),
                   content_length=hmap.get("content-length"),
                   correlation_id=hmap.get("sstpcorrelationid"),
                   method_ok=ok_method, uri_ok=ok_uri,
                   version_ok=version == "HTTP/1.1",
                   content_length_ok=hmap.get("content-length") == ULLONG_MAX,
                   crlf=b"\r\n\r\n" in buf[:m.end()],
                   pipelined_bytes=len(rest))
        if rest and self.sc.has("drop-pipelined-bytes"):
            self.event("pipelined_bytes_dropped", count=len(rest))
            rest = b""
        if not ok_method or not ok_uri or len(parts) != 3:
            self.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                       b"Connection: close\r\n\r\n")
            self.event("http_rejected", status=404)
            await self._drain()
            self.close("http_rejected")
            return False
        return await self._http_reply(rest)

    async def _drain(self):
        try:
            await asyncio.wait_for(self.writer.drain(), 5)
        except (asyncio.TimeoutError, OSError, ConnectionError):
            pass

    async def _http_reply(self, rest):
        sc = self.sc
        date = email.utils.formatdate(usegmt=True)
        status = sc.value("http-status")
        if sc.has("no-http-response"):
            self.event("http_reply", status=None, stalled=True)
            await self._stall()
            return False
        if sc.has("http-garbage"):
            self.write(b"\x00\xffSSH-2.0-not-http\x17\x03\x03garbage\r\n\r\n")
            self.event("http_reply", status=None, garbage=True)
            await self._drain()
            await asyncio.sleep(0.5)
            self.close("http_garbage")
            return False
        if status is not None and status != 200:
            reason = {301: "Moved Permanently", 302: "Found",
                      400: "Bad Request", 403: "Forbidden", 404: "Not Found",
                      500: "Internal Server Error", 501: "Not Implemented",
                      503: "Service Unavailable"}.get(status, "Error")
            resp = "HTTP/1.1 %d %s\r\n" % (status, reason)
            if status in (301, 302, 307, 308):
                resp += "Location: https://other.invalid/\r\n"
            resp += ("Content-Length: 0\r\nConnection: close\r\n"
                     "Server: Microsoft-HTTPAPI/2.0\r\nDate: %s\r\n\r\n"
                     % date)
            self.write(resp.encode())
            self.event("http_reply", status=status)
            await self._drain()
            await asyncio.sleep(0.2)
            self.close("http_status_%d" % status)
            return False
        if sc.has("http-huge-header"):
            pad = "".join("X-Pad-%04d: %s\r\n" % (i, "a" * 100)
                          for i in range(90))
            self.write(("HTTP/1.1 200 OK\r\n" + pad).encode())
            self.event("http_reply", status=200, huge_header=len(pad))
            await self._stall()
            return False
        status_line = "HTTP/1.1 200 OK"
        if sc.has("http-no-reason"):
            status_line = "HTTP/1.1 200"
        if sc.has("http-1.0"):
            status_line = "HTTP/1.0 200 OK"
        hdrs = [status_line]
        if sc.has("http-chunked"):
            hdrs.append("Transfer-Encoding: chunked")
        else:
            hdrs.append("Content-Length: " + ULLONG_MAX)
        hdrs += ["Server: Microsoft-HTTPAPI/2.0", "Date: " + date]
        eol = "\n" if sc.has("http-lf-only") else "\r\n"
        resp = (eol.join(hdrs) + eol + eol).encode()
        inject = b""
        if sc.has("sstp-in-http"):
            # a data packet (dropped by the client before the ACK) split:
            # 6 bytes now, 2 bytes right before the ACK
            pkt = sw.data_packet(pw.ppp_frame(pw.PROTO_IP, b""))
            inject, self.pending_inject = pkt[:6], pkt[6:]
        self.write(resp + inject)
        self.event("http_reply", status=200, status_line=status_line,
                   chunked=sc.has("http-chunked"),
                   lf_only=sc.has("http-lf-only"),
                   injected_sstp_bytes=len(inject))
        if sc.has("http-chunked"):
            await self._drain()
            await asyncio.sleep(1.0)
            self.close("http_chunked")
            return False
        self.state = "wait_request"
        self.negotiation_timer = self.later(self.cfg.negotiation_timeout,
                                            self._negotiation_timeout)
        if rest:
            self.feed(rest)
        return True

    async def _stall(self):
        while not self.closed:
            chunk = await self._read_more(self.cfg.http_timeout)
            if not chunk:
                self.event("stall_end", reason="eof" if chunk == b""
                           else "timeout")
                self.close("stalled")
                return

    async def _sstp(self):
        while not self.closed:
            chunk = await self._read_more(3600)
            if chunk is None:
                continue
            if not chunk:
                self.event("peer_eof", state=self.state)
                self.close_reason = self.close_reason or "peer_eof"
                break
            self.feed(chunk)
            await self._drain()

    # --- SSTP packet handling ---------------------------------------------
    def feed(self, data):
        """Process bytes received from the client."""
        try:
            pkts = self.parser.feed(data)
        except sw.FramingError as e:
            self.event("framing_error", error=str(e), state=self.state)
            self.close("framing_error")
            return
        for p in pkts:
            if self.closed:
                return
            self.rx_packets += 1
            self.last_rx = time.monotonic()
            self.echo_outstanding = False
            if p.raw[2] & 0xF0 or p.raw[1] & 0xFE:
                self.event("reserved_bits_set", header=p.raw[:4])
            if p.control:
                self._control(p)
            else:
                self._data(p)

    def _data(self, p):
        if not p.body:
            self.event("empty_data_packet")
            return
        if self.state == "wait_request":
            self.dropped_data += 1
            self.event("data_before_ack", len=len(p.body))
            return
        if self.state in PENDING_STATES:
            return
        frame = p.body
        if frame[:2] != b"\xff\x03":
            self.ppp.counters["ppp_no_ff03"] += 1
            if self.ppp.counters["ppp_no_ff03"] <= 5:
                self.event("ppp_no_ff03", frame=frame[:8])
            if self.sc.has("require-ff03"):
                return
        try:
            proto, info = pw.parse_ppp_frame(frame)
        except ValueError as e:
            self.event("ppp_bad_frame", error=str(e), frame=frame[:16])
            return
        if not pw.is_control_protocol(proto) and not self.connected:
            self.dropped_data += 1
            self.event("data_before_connected", proto="0x%04x" % proto,
                       state=self.state)
            return
        self.ppp.input(proto, info)

    def _control(self, p):
        try:
            c = sw.parse_control(p)
        except ValueError as e:
            self.event("bad_control", error=str(e), raw=p.raw[:64])
            self.send_abort(sw.STATUS_INVALID_FRAME_RECEIVED, reason=str(e))
            return
        name = sw.MSG_NAMES.get(c.msg_type, "unknown")
        t = c.msg_type
        if t == sw.MSG_CALL_CONNECT_REQUEST:
            self._connect_request(c, p)
        elif t == sw.MSG_CALL_CONNECTED:
            self._call_connected(c, p)
        elif t == sw.MSG_CALL_ABORT:
            self._abort_received(c)
        elif t == sw.MSG_CALL_DISCONNECT:
            self._disconnect_received(c)
        elif t == sw.MSG_CALL_DISCONNECT_ACK:
            self.event("disconnect_ack_received", state=self.state)
            if self.state == "disconnect_ack_pending":
                self.close("disconnect_ack")
            elif self.state not in PENDING_STATES:
                self.send_abort(sw.STATUS_UNACCEPTED_FRAME_RECEIVED,
                                reason="unexpected disconnect_ack")
        elif t == sw.MSG_ECHO_REQUEST:
            self._echo_request()
        elif t == sw.MSG_ECHO_RESPONSE:
            self.event("echo_response_received", state=self.state)
        elif t in (sw.MSG_CALL_CONNECT_ACK, sw.MSG_CALL_CONNECT_NAK):
            self.event("unexpected_message", msg=name, state=self.state)
            if self.state not in PENDING_STATES:
                self.send_abort(sw.STATUS_UNACCEPTED_FRAME_RECEIVED,
                                reason="client sent " + name)
        else:
            self.event("unknown_message", msg_type=t, state=self.state)

    def _connect_request(self, c, p):
        self.requests += 1
        encap = sw.find_attr(c, sw.ATTR_ENCAPSULATED_PROTOCOL_ID)
        self.event("connect_request", count=self.requests, len=p.length,
                   raw=p.raw, state=self.state)
        if self.state != "wait_request":
            if self.state not in PENDING_STATES:
                self.send_abort(sw.STATUS_UNACCEPTED_FRAME_RECEIVED,
                                reason="connect_request in " + self.state)
            return
        if self.sc.has("no-connect-reply"):
            # the client's negotiation timer must end this (MS-SSTP 3.2.2)
            if self.negotiation_timer:
                self.negotiation_timer.cancel()
                self.negotiation_timer = None
            self.event("connect_request_ignored", count=self.requests)
            return
        ok = (len(encap) == 1 and encap[0] == b"\x00\x01" and
              len(c.attrs) == 1)
        nak_n = max(self.sc.value("nak", 0), self.sc.value("nak-accel", 0))
        if not ok or self.sc.has("nak-always") or self.naks < nak_n:
            self.naks += 1
            if not self.sc.has("nak-always") and self.naks > 3 and not ok:
                self.send_abort(sw.STATUS_RETRY_COUNT_EXCEEDED,
                                reason="too many bad requests")
                return
            self.write(sw.connect_nak(
                accel_trailing=self.sc.has("nak-accel")))
            self.event("connect_nak_sent", count=self.naks, request_ok=ok,
                       accel_trailing=self.sc.has("nak-accel"))
            return
        self._send_ack()

    def _send_ack(self):
        sc = self.sc
        bm = 0x03
        if sc.has("hash-sha1"):
            bm = 0x01
        if sc.has("hash-sha256"):
            bm = 0x02
        if sc.has("hash-both"):
            bm = 0x03
        if sc.has("hash-none") or sc.has("ack-bad-bitmask-00"):
            bm = 0x00
        if sc.has("ack-bad-bitmask-f0"):
            bm = 0xF0
        self.nonce = os.urandom(32)
        self.bitmask = bm
        if self.pending_inject:
            self.write(self.pending_inject)
            self.pending_inject = b""
        if sc.has("unknown-msg-type-early"):
            self.write(sw.control_packet(0x000A))
            self.event("injected", what="unknown-msg-type-early")
        value = b"\x00\x00\x00" + bytes((bm,)) + self.nonce
        if sc.has("ack-no-binding-req"):
            pkt = sw.control_packet(sw.MSG_CALL_CONNECT_ACK)
        elif sc.has("zero-attr-len"):
            pkt = sw.control_packet(sw.MSG_CALL_CONNECT_ACK, [
                sw.attribute(sw.ATTR_CRYPTO_BINDING_REQ, value, length=0)])
        elif sc.has("num-attrs-overflow"):
            pkt = sw.control_packet(sw.MSG_CALL_CONNECT_ACK, [
                (sw.ATTR_CRYPTO_BINDING_REQ, value)], num_attrs=5)
        else:
            pkt = sw.connect_ack(bm, self.nonce)
        self.write(pkt)
        self.state = "call_connected_pending"
        self.event("connect_ack_sent", bitmask=bm, nonce=self.nonce,
                   packet_len=len(pkt))
        if self.negotiation_timer:
            self.negotiation_timer.cancel()
        self.negotiation_timer = self.later(self.cfg.negotiation_timeout,
                                            self._negotiation_timeout)
        self.ppp.start()
        if sc.has("data-before-connected"):
            self.later(0.05, self._inject_early_data)

    def _inject_early_data(self):
        pkt = pw.icmp_echo_packet(self.cfg.server_ip, self.cfg.client_ip,
                                  0x5353, 1, b"early")
        self.write(sw.data_packet(pw.ppp_frame(pw.PROTO_IP, pkt)))
        self.event("injected", what="data-before-connected")

    def _negotiation_timeout(self):
        if self.state in ("wait_request", "call_connected_pending"):
            self.event("negotiation_timeout", state=self.state)
            self.send_abort(sw.STATUS_NEGOTIATION_TIMEOUT,
                            reason="negotiation timeout")

    def _call_connected(self, c, p):
        if self.state != "call_connected_pending":
            self.event("unexpected_message", msg="call_connected",
                       state=self.state)
            if self.state not in PENDING_STATES:
                self.send_abort(sw.STATUS_UNACCEPTED_FRAME_RECEIVED,
                                reason="call_connected in " + self.state)
            return
        if not self.ppp.auth_done:
            self.event("call_connected_deferred")
            self.deferred_connected = (c, p)
            return
        self._verify_connected(c, p, deferred=False)

    def on_auth_done(self):
        """PPP authentication finished (ok): run a deferred verification."""
        if self.deferred_connected and self.state == "call_connected_pending":
            c, p = self.deferred_connected
            self.deferred_connected = None
            self._verify_connected(c, p, deferred=True)

    def _binding_check(self, c, p):
        """Return (verdict, details): verdict 'ok' or 'bad:<which>'."""
        d = {}
        binds = sw.find_attr(c, sw.ATTR_CRYPTO_BINDING)
        if len(binds) != 1 or len(c.attrs) != 1:
            return "bad:attribute", d
        v = binds[0]
        if len(v) != 100 or p.length != 112:
            return "bad:attribute_length", d
        proto = v[3]
        d["hash"] = {1: "sha1", 2: "sha256"}.get(proto, "0x%02x" % proto)
        if proto not in (1, 2) or not proto & self.bitmask:
            return "bad:hash_protocol", d
        if v[4:36] != self.nonce:
            return "bad:nonce", d
        n = 20 if proto == 1 else 32
        want_hash = self.srv.cert_hash[proto]
        got_hash = v[36:36 + n]
        if got_hash != want_hash:
            if got_hash == self.srv.cert_hash[3 - proto][:n]:
                d["cert_hash_note"] = "other-algorithm"
            return "bad:cert_hash", d
        mac = bytes(p.raw[80:80 + n])
        hlak = self.ppp.hlak if self.ppp.auth_ok else bytes(32)
        want = mc.sstp_cmac(hlak, proto, p.raw)
        d["hlak"] = "zero" if hlak == bytes(32) else "keys"
        if mac == want:
            d["cmac_matches"] = "server-hlak"
            return "ok", d
        if mac == mc.sstp_cmac(bytes(32), proto, p.raw):
            d["cmac_matches"] = "zero-hlak"
        elif hlak != bytes(32) and mac == mc.sstp_cmac(
                hlak[16:] + hlak[:16], proto, p.raw):
            d["cmac_matches"] = "swapped-hlak"
        else:
            d["cmac_matches"] = "none"
        return "bad:cmac", d

    def _verify_connected(self, c, p, deferred):
        verdict, d = self._binding_check(c, p)
        enforce = self.cfg.verify_binding and not self.sc.has("no-verify")
        self.event("call_connected", binding=verdict, enforced=enforce,
                   deferred=deferred, auth_ok=self.ppp.auth_ok,
                   auth=self.ppp.auth_method, packet=p.raw, **d)
        if verdict != "ok" and enforce:
            self.send_abort(sw.STATUS_INVALID_FRAME_RECEIVED,
                            attr_id=sw.ATTR_CRYPTO_BINDING,
                            reason="crypto binding " + verdict)
            return
        if self.negotiation_timer:
            self.negotiation_timer.cancel()
        self.state = "connected"
        self.connected = True
        self._arm_hello()
        self._schedule_injections()
        if self.ipcp_up and self.sc.has("silent-after-connect"):
            self._go_silent()

    def on_ipcp_up(self):
        """IPCP opened."""
        self.ipcp_up = True
        self.srv.tun_attach(self)
        if self.connected and self.sc.has("silent-after-connect"):
            self._go_silent()
        if self.sc.has("lcp-echo"):
            self._lcp_echo_tick()

    def on_ipv6cp_up(self):
        """IPV6CP opened."""
        self.srv.tun_attach(self)

    def on_ppp_down(self, by):
        """LCP terminated (by client or our terminate acked)."""
        if by == "server" and self.state not in PENDING_STATES:
            self.send_disconnect()

    def _go_silent(self):
        if not self.silent:
            self.event("silent_mode_on")
            self.silent = True

    def _lcp_echo_tick(self):
        if self.ppp.lcp.up:
            self.send_ppp(pw.PROTO_LCP, pw.echo_packet(
                pw.ECHO_REQ, self.ppp.next_id(), self.ppp.magic))
            self.event("lcp_echo_request_sent")
        self.later(self._echo_interval(), self._lcp_echo_tick)

    def _echo_interval(self):
        if self.cfg.echo_interval:
            return self.cfg.echo_interval
        return random.uniform(3.0, 5.0)

    # hello timer (Spec 3.1.2.3)
    def _arm_hello(self):
        self.later(self.cfg.hello, self._hello_tick)

    def _hello_tick(self):
        idle = time.monotonic() - self.last_rx
        if idle + 0.001 < self.cfg.hello:
            self.later(self.cfg.hello - idle, self._hello_tick)
            return
        if self.silent:
            # silent-after-connect: play dead, never close on our own
            self.later(self.cfg.hello, self._hello_tick)
            return
        if self.echo_outstanding:
            self.event("hello_timeout", idle=round(idle, 3))
            self.close("hello_timeout")
            return
        self.echo_outstanding = True
        self.write(sw.simple(sw.MSG_ECHO_REQUEST))
        self.event("echo_request_sent", why="hello")
        self.later(self.cfg.hello, self._hello_tick)

    def _schedule_injections(self):
        sc = self.sc
        td = self.cfg.trigger_delay
        if sc.has("echo-storm"):
            self.later(self._echo_interval(), self._storm_tick)
        if sc.has("abort-after") or sc.has("abort-8") or \
                sc.has("status-info-8"):
            self.later(sc.value("abort-after", td), lambda: self.send_abort(
                sw.STATUS_NO_ERROR, reason="scenario"))
        if sc.has("server-disconnect-after"):
            self.later(sc.value("server-disconnect-after"),
                       lambda: self.ppp.terminate("server disconnect"))
            # if the client never acks the LCP Terminate: disconnect anyway
            self.later(sc.value("server-disconnect-after") + 1.0,
                       self.send_disconnect)
        elif sc.has("disconnect-8") or sc.has("disconnect-attr0"):
            self.later(td, self.send_disconnect)
        for name, fn in (
                ("bad-version", lambda: self._inject(
                    "bad-version", sw.data_packet(b"\xff\x03\x00\x21",
                                                  version=0x11))),
                ("bad-length", lambda: self._inject(
                    "bad-length", b"\x10\x01\x00\x02\x00\x08\x00\x00")),
                ("unknown-msg-type", lambda: self._inject(
                    "unknown-msg-type", sw.control_packet(0x000A))),
                ("second-ack", lambda: self._inject(
                    "second-ack", sw.connect_ack(self.bitmask or 3,
                                                 self.nonce))),
                ("tls-close-mid", lambda: self._kill("tls-close-mid", False)),
                ("rst-mid", lambda: self._kill("rst-mid", True))):
            if sc.has(name):
                self.later(td, fn)

    def _inject(self, what, data):
        self.write(data)
        self.event("injected", what=what, data=data[:16])

    def _kill(self, what, rst):
        self.event("injected", what=what)
        self.close(what, rst=rst)

    def _storm_tick(self):
        if self.state == "connected":
            self.write(sw.simple(sw.MSG_ECHO_REQUEST))
            self.event("echo_request_sent", why="storm")
            self.later(self._echo_interval(), self._storm_tick)

    def _echo_request(self):
        if self.state == "connected":
            if self.sc.has("never-answer-echo"):
                self.event("echo_request_ignored")
                return
            self.write(sw.simple(sw.MSG_ECHO_RESPONSE))
            self.event("echo_request_received", answered=True)
            return
        if self.state in PENDING_STATES:
            return
        self.event("echo_before_connected", state=self.state)
        if self.sc.has("abort-on-early-echo"):
            self.send_abort(sw.STATUS_UNACCEPTED_FRAME_RECEIVED,
                            reason="echo before connected")
        else:
            self.write(sw.simple(sw.MSG_ECHO_RESPONSE))

    # --- teardown ----------------------------------------------------------
    def _abort_style(self):
        if self.sc.has("abort-8"):
            return "softether"
        if self.sc.has("status-info-8"):
            return "sorz"
        return "spec"

    def send_abort(self, status, attr_id=sw.ATTR_STATUS_INFO, reason=""):
        """Send Call Abort and enter Call_Abort_Pending (3 s timer)."""
        if self.state in ABORT_STATES or self.closed:
            return
        self.write(sw.abort(status, attr_id, style=self._abort_style()))
        self.event("abort_sent", status=status, reason=reason,
                   style=self._abort_style(), state=self.state)
        self.state = "abort_pending"
        self.ppp.stop()
        self.later(3.0, lambda: self.close("abort_timer_1"))

    def send_disconnect(self):
        """Send Call Disconnect and wait 5 s for the ack."""
        if self.state in PENDING_STATES or self.closed:
            return
        style = "spec"
        if self.sc.has("disconnect-8"):
            style = "softether"
        elif self.sc.has("disconnect-attr0"):
            style = "sorz"
        self.write(sw.disconnect(style))
        self.event("disconnect_sent", style=style, state=self.state)
        self.state = "disconnect_ack_pending"
        self.ppp.stop()
        self.later(5.0, lambda: self.close("disconnect_timer_1"))

    def _abort_received(self, c):
        info = [sw.describe_status(v) for a, v in c.attrs
                if a == sw.ATTR_STATUS_INFO]
        self.event("abort_received", state=self.state, status_info=info)
        self.ppp.stop()
        if self.state == "abort_pending":
            self.state = "abort_timeout_pending"
            self.later(1.0, lambda: self.close("abort_timer_2"))
        elif self.state not in ("abort_timeout_pending",
                                "disconnect_timeout_pending"):
            self.write(sw.abort(sw.STATUS_NO_ERROR,
                                style=self._abort_style()))
            self.event("abort_sent", status=0, reason="reply",
                       style=self._abort_style(), state=self.state)
            self.state = "abort_timeout_pending"
            self.later(1.0, lambda: self.close("abort_timer_2"))

    def _disconnect_received(self, c):
        info = [sw.describe_status(v) for a, v in c.attrs
                if a == sw.ATTR_STATUS_INFO]
        self.event("disconnect_received", state=self.state, status_info=info)
        if self.state in ("abort_timeout_pending",
                          "disconnect_timeout_pending"):
            return
        self.ppp.stop()
        self.write(sw.simple(sw.MSG_CALL_DISCONNECT_ACK))
        self.event("disconnect_ack_sent")
        self.state = "disconnect_timeout_pending"
        self.later(1.0, lambda: self.close("disconnect_timer_2"))


# ---------------------------------------------------------------------------
# server
# ---------------------------------------------------------------------------

class _RawAccept(asyncio.Protocol):
    """Accept-time protocol: pause reading at once, hand over to Server."""

    def __init__(self, server):
        self.server = server

    def connection_made(self, transport):
        transport.pause_reading()
        self.server.spawn(transport)

    def data_received(self, data):
        pass

    def connection_lost(self, exc):
        pass


class Server:
    """Listening socket, TLS context, sessions."""

    def __init__(self, cfg, sc, log):
        self.cfg = cfg
        self.sc = sc
        self.log = log
        self.sessions = set()
        self.nconn = 0
        self.pending_sni = {}
        self.done = asyncio.Event()
        self.ssl_ctx = self._make_ctx()
        self.cert_hash = self._cert_hashes()
        self.tun = None
        self.tun_session = None
        self.tun_idle_drops = 0
        if cfg.tun:
            self.tun = TunDevice(cfg.tun)

    # --- the TUN (--tun) ----------------------------------------------------
    def tun_attach(self, sess):
        """``sess`` gets what the kernel routes into the TUN from now on."""
        if self.tun and self.tun_session is not sess:
            self.tun_session = sess
            sess.event("tun_attached", tun=self.tun.name)

    def tun_detach(self, sess):
        """``sess`` ended: packets from the TUN are dropped until the next."""
        if self.tun_session is sess:
            self.tun_session = None

    def _tun_readable(self):
        tun = self.tun
        for pkt in tun.read_batch():
            sess = self.tun_session
            if sess is None or not sess.connected or sess.closed or \
                    sess.state != "connected":
                self.tun_idle_drops += 1
                continue
            sess.ppp.tun_to_client(pkt)
        sess = self.tun_session
        # back-pressure: stop reading the TUN while TLS is behind
        if sess is not None and sess.writer is not None and \
                sess.writer.transport.get_write_buffer_size() > \
                TUN_HIGH_WATER and not tun.paused:
            tun.paused = True
            asyncio.get_running_loop().remove_reader(tun.fd)
            asyncio.get_running_loop().create_task(self._tun_resume(sess))

    async def _tun_resume(self, sess):
        try:
            await asyncio.wait_for(sess.writer.drain(), 30)
        except (asyncio.TimeoutError, OSError, ConnectionError,
                ssl.SSLError):
            pass
        if self.tun.fd >= 0:
            self.tun.paused = False
            asyncio.get_running_loop().add_reader(self.tun.fd,
                                                  self._tun_readable)

    def _make_ctx(self):
        cfg = self.cfg
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        vers = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
                "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}
        if cfg.tls_min in ("1.0", "1.1") or cfg.tls_max in ("1.0", "1.1"):
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            # TLS 1.0/1.1 are deprecated, but legacy-server tests need them
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = vers[cfg.tls_min]
            if cfg.tls_max:
                ctx.maximum_version = vers[cfg.tls_max]
        ctx.load_cert_chain(cfg.cert, cfg.key)
        ctx.sni_callback = self._sni_cb
        return ctx

    def _sni_cb(self, sslobj, name, ctx):
        try:
            sslobj.sstp_sni = name
        except AttributeError:
            pass
        self.pending_sni["sni"] = name
        if self.cfg.sni_required is not None and name != self.cfg.sni_required:
            self.log.emit(self.nconn, "tls_sni_rejected", sni=name,
                          required=self.cfg.sni_required)
            return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
        return None

    def _cert_hashes(self):
        with open(self.cfg.cert, encoding="ascii") as f:
            pem = f.read()
        m = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE"
                      r"-----", pem, re.S)
        if not m:
            raise SystemExit("no certificate in %s" % self.cfg.cert)
        der = ssl.PEM_cert_to_DER_cert(m.group(0))
        return {1: hashlib.sha1(der).digest(),
                2: hashlib.sha256(der).digest()}

    def spawn(self, raw_transport):
        """New TCP connection (reading paused): run a Session task."""
        self.nconn += 1
        sess = Session(self, raw_transport, self.nconn)
        task = asyncio.get_running_loop().create_task(self._run(sess))
        self.sessions.add(task)

    async def _run(self, sess):
        try:
            await sess.run()
        finally:
            self.sessions.discard(asyncio.current_task())
            if self.cfg.once:
                self.done.set()

    async def main(self):
        """Listen until SIGTERM/SIGINT (or one session with --once)."""
        host, port = self.cfg.listen_host, self.cfg.listen_port
        loop = asyncio.get_running_loop()
        srv = await loop.create_server(lambda: _RawAccept(self), host, port,
                                       reuse_address=True)
        real_port = srv.sockets[0].getsockname()[1]
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.done.set)
        if self.tun:
            loop.add_reader(self.tun.fd, self._tun_readable)
        self.log.emit(0, "listening", host=host, port=real_port,
                      scenarios=self.sc.names(), auth=self.cfg.auth,
                      cert_sha1=self.cert_hash[1].hex(),
                      cert_sha256=self.cert_hash[2].hex(), pid=os.getpid(),
                      tun=self.tun.name if self.tun else None,
                      ifid=self.cfg.ifid.hex() if self.cfg.ifid else None)
        if self.cfg.port_file:
            tmp = self.cfg.port_file + ".tmp"
            with open(tmp, "w", encoding="ascii") as f:
                f.write("%d\n" % real_port)
            os.replace(tmp, self.cfg.port_file)
        print("LISTENING %s %d" % (host, real_port), flush=True)
        await self.done.wait()
        srv.close()
        for t in list(self.sessions):
            t.cancel()
        if self.sessions:
            await asyncio.wait(list(self.sessions), timeout=3)
        if self.tun:
            loop.remove_reader(self.tun.fd)
            self.tun.close()
        self.log.emit(0, "server_stop", tun_idle_drops=self.tun_idle_drops)


def parse_listen(s):
    """'127.0.0.1:PORT' / '[::1]:PORT' -> (host, port); loopback, or
    192.0.2.0/24 (a test harness's veth between network namespaces)."""
    host, _, port = s.rpartition(":")
    host = host.strip("[]")
    addr = ipaddress.ip_address(host)
    if not addr.is_loopback and addr not in ipaddress.ip_network(
            "192.0.2.0/24"):
        raise argparse.ArgumentTypeError("only loopback addresses and "
                                         "192.0.2.0/24 allowed")
    return host, int(port)


def parse_ifid(s):
    """--ifid: 16 hex digits, or four 16-bit groups as in an IPv6
    address ('0:0:0:1'); not all zero (RFC 5072 4.1)."""
    h = s
    if ":" in s:
        groups = s.split(":")
        if len(groups) != 4 or not all(re.fullmatch(r"[0-9a-fA-F]{1,4}", g)
                                       for g in groups):
            raise argparse.ArgumentTypeError("want four groups A:B:C:D")
        h = "".join(g.rjust(4, "0") for g in groups)
    if not re.fullmatch(r"[0-9a-fA-F]{16}", h) or int(h, 16) == 0:
        raise argparse.ArgumentTypeError("want 16 hex digits, not all zero")
    return bytes.fromhex(h)


def parse_args(argv):
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", default="127.0.0.1:0",
                    help="loopback address:port (port 0 = pick one; the "
                         "chosen port is printed as 'LISTENING host port')")
    ap.add_argument("--port-file", help="also write the port to this file")
    ap.add_argument("--cert", help="server certificate PEM (leaf first)")
    ap.add_argument("--key", help="server private key PEM")
    ap.add_argument("--events", help="JSON-lines event file (appended)")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="also print events on stderr")
    ap.add_argument("--user", action="append", default=[])
    ap.add_argument("--password", action="append", default=[])
    ap.add_argument("--auth", action="append", default=[],
                    help="pap, mschapv2, eap-mschapv2: comma list and/or "
                         "repeated, in order of preference (an LCP NAK of "
                         "the auth option falls through it); default "
                         "mschapv2")
    ap.add_argument("--ip-pool", default="192.0.2.1,192.0.2.2",
                    help="server,client IPv4 addresses (192.0.2.0/24)")
    ap.add_argument("--dns", help="DNS address to hand out via IPCP 129/131")
    ap.add_argument("--scenario", action="append", default=[])
    ap.add_argument("--list-scenarios", action="store_true")
    ap.add_argument("--once", action="store_true",
                    help="exit after the first session ends")
    ap.add_argument("--sni-required", help="reject TLS without this SNI")
    ap.add_argument("--verify-binding", choices=("on", "off"), default="on")
    ap.add_argument("--tls-min", choices=("1.0", "1.1", "1.2", "1.3"),
                    default="1.2")
    ap.add_argument("--tls-max", choices=("1.0", "1.1", "1.2", "1.3"))
    ap.add_argument("--hello", type=float, default=60.0,
                    help="SSTP hello interval, s")
    ap.add_argument("--negotiation-timeout", type=float, default=60.0)
    ap.add_argument("--http-timeout", type=float, default=60.0)
    ap.add_argument("--echo-interval", type=float, default=0.0,
                    help="echo-storm / lcp-echo interval (0 = random 3-5 s)")
    ap.add_argument("--trigger-delay", type=float, default=1.0,
                    help="delay after Call Connected for injected faults")
    ap.add_argument("--ppp-restart", type=float, default=3.0,
                    help="PPP Configure/Challenge retransmit interval, s")
    ap.add_argument("--server-name", default="sstp-test-server",
                    help="name in CHAP / EAP challenges")
    ap.add_argument("--tun", metavar="NAME",
                    help="open TUN device NAME: the client's IP packets go "
                         "to the kernel through it and what the kernel "
                         "routes into it goes to the client (the caller "
                         "sets its addresses and brings it up)")
    ap.add_argument("--ifid", type=parse_ifid,
                    help="IPV6CP interface identifier, 16 hex digits "
                         "(default random); fe80::IFID is then the "
                         "server's link-local address")
    cfg = ap.parse_args(argv)
    if cfg.list_scenarios:
        try:
            print(scenario_help(), flush=True)
        except BrokenPipeError:
            pass
        sys.exit(0)
    if not cfg.cert or not cfg.key:
        ap.error("--cert and --key are required")
    try:
        cfg.listen_host, cfg.listen_port = parse_listen(cfg.listen)
    except (ValueError, argparse.ArgumentTypeError) as e:
        ap.error("--listen: %s" % e)
    if len(cfg.user) != len(cfg.password):
        ap.error("give one --password per --user")
    cfg.users = dict(zip(cfg.user, cfg.password))
    cfg.auth = [a.strip() for v in (cfg.auth or ["mschapv2"])
                for a in v.split(",") if a.strip()]
    for a in cfg.auth:
        if a not in PppServer.AUTH_OPT:
            ap.error("unknown auth method %r" % a)
    net = ipaddress.ip_network("192.0.2.0/24")
    try:
        cfg.server_ip, cfg.client_ip = [str(ipaddress.IPv4Address(x.strip()))
                                        for x in cfg.ip_pool.split(",")]
    except ValueError:
        ap.error("--ip-pool wants SERVER,CLIENT")
    for a in (cfg.server_ip, cfg.client_ip) + ((cfg.dns,) if cfg.dns else ()):
        if ipaddress.IPv4Address(a) not in net:
            ap.error("addresses must be in 192.0.2.0/24")
    cfg.verify_binding = cfg.verify_binding == "on"
    try:
        sc = Scenarios(cfg.scenario)
    except ValueError as e:
        ap.error(str(e))
    return cfg, sc


def main(argv=None):
    """Entry point."""
    cfg, sc = parse_args(sys.argv[1:] if argv is None else argv)
    log = EventLog(cfg.events, cfg.verbose)
    try:
        server = Server(cfg, sc, log)
    except OSError as e:
        sys.stderr.write("sstp_server: %s\n" % e)
        return 1
    try:
        asyncio.run(server.main())
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
