#!/usr/bin/env python3
"""sstpd_hostile.py - the hostile-client matrix against sstpd (loopback only).

The server's view of docs/PROTOCOL.md section 8: every row opens its own
connection, misbehaves in one way, and checks sstpd's reaction on the wire
(the exact SSTP message with its Status Info, or a close without a word),
the time it took, and the line sstpd logged for the session's end (found in
its log by the row's client port).  The rows run concurrently (each is one
connection), so the matrix costs about its slowest row.

    sstpd_hostile.py --connect 127.0.0.1:PORT --log sstpd.log \
        --user U --password P --negotiation N --hello H [--rows a,b] \
        [--proxy] [--list]

Prints "ok ROW: ..." or "FAIL ROW: ..." per row and exits 1 if one failed.
--proxy runs the PROXY-header rows (sstpd started with --proxy-protocol)
instead of the others.  Uses tests/lib/sstptest (sstpwire, pppwire,
mscrypto, client.SstpClient).
"""

import argparse
import asyncio
import os
import re
import socket
import ssl
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from sstptest import client as sc     # noqa: E402
from sstptest import pppwire as pw     # noqa: E402
from sstptest import sstpwire as sw    # noqa: E402

SSTP_PATH = "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
HTTP_REQ = ("SSTP_DUPLEX_POST %s HTTP/1.1\r\nHost: localhost\r\n"
            "Content-Length: 18446744073709551615\r\n"
            "SSTPCORRELATIONID: {11111111-2222-3333-4444-555555555555}"
            "\r\n\r\n" % SSTP_PATH).encode()
ABORT1 = 3.0        # TIMER_VAL_ABORT_STATE_TIMER_1 (MS-SSTP 3.1.2)
SLACK = 1.5         # scheduling on a shared 2-core machine

A = None            # the parsed arguments


class RowError(Exception):
    """The row's reaction was not the expected one."""


# --- raw connections -------------------------------------------------------

def tls_ctx():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def hostport():
    h, p = A.connect.rsplit(":", 1)
    return h.strip("[]"), int(p)


def tcp():
    """A TCP connection; returns (socket, our port)."""
    s = socket.create_connection(hostport(), timeout=5)
    return s, s.getsockname()[1]


def sstp_conn():
    """TLS + the HTTP request + its 200: returns (socket, port, bytes
    already read past the response head)."""
    raw, port = tcp()
    s = tls_ctx().wrap_socket(raw, server_hostname="localhost")
    s.sendall(HTTP_REQ)
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            raise RowError("closed before the HTTP response")
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    if not head.startswith(b"HTTP/1.1 200 "):
        raise RowError("HTTP %r" % head[:30])
    return s, port, rest


def observe(s, secs, rest=b"", until=None):
    """Read SSTP packets for up to @secs; returns (msgs, closed-after-s or
    None).  msgs: list of (t, name, status-or-None, attr-or-None).  @until
    (msgs) -> bool ends the wait early."""
    t0 = time.monotonic()
    parser = sw.StreamParser()
    msgs = []
    closed = None

    def take(data):
        for p in parser.feed(data):
            if not p.control:
                msgs.append((time.monotonic() - t0, "data", None, None))
                continue
            c = sw.parse_control(p)
            st = at = None
            si = sw.find_attr(c, sw.ATTR_STATUS_INFO)
            if si and len(si[0]) >= 8:
                at, st = si[0][3], struct.unpack(">I", si[0][4:8])[0]
            msgs.append((time.monotonic() - t0,
                         sw.MSG_NAMES.get(c.msg_type, "0x%04x" % c.msg_type),
                         st, at))
    take(rest)
    while time.monotonic() - t0 < secs:
        if until is not None and until(msgs):
            break
        s.settimeout(max(0.05, secs - (time.monotonic() - t0)))
        try:
            d = s.recv(4096)
        except socket.timeout:
            break
        except (ssl.SSLError, OSError):
            d = b""
        if not d:
            closed = time.monotonic() - t0
            break
        take(d)
    return msgs, closed


def fmt(msgs):
    out = []
    for t, n, st, at in msgs:
        out.append("%s%s@%.1f" % (n, "" if st is None else
                                  "(%d,attr %d)" % (st, at), t))
    return " ".join(out) or "nothing"


def expect_msgs(msgs, want):
    """@want: list of (name, status, attr) the server must send, in order,
    and nothing else."""
    got = [(n, st, at) for _, n, st, at in msgs]
    if got != want:
        raise RowError("server sent %s, want %s" % (fmt(msgs), want))


def expect_close(closed, lo, hi):
    if closed is None:
        raise RowError("connection still open after %.1f s" % hi)
    if not lo <= closed <= hi:
        raise RowError("closed after %.1f s, want %.1f..%.1f" %
                       (closed, lo, hi))


# --- the log --------------------------------------------------------------

def session_lines(port, end_re, wait=3.0):
    """The line of client port @port's session matching @end_re (polled
    for @wait s).  The session is found by its start line, or (a PROXY
    header refused before the start line) by its one refusal line."""
    t0 = time.monotonic()
    me = r"127\.0\.0\.1:%d\b" % port
    while True:
        with open(A.log, encoding="utf-8", errors="replace") as f:
            text = f.read()
        m = re.search(r"session ([0-9a-f]{16}): start client=" + me, text) \
            or re.search(r"refused connection from " + me +
                         r" \(session ([0-9a-f]{16})\)", text)
        lines = []
        if m:
            sid = m.group(1)
            lines = [ln for ln in text.splitlines()
                     if "session %s:" % sid in ln or
                     "(session %s):" % sid in ln]
            for ln in lines:
                if re.search(end_re, ln):
                    return ln
        if time.monotonic() - t0 > wait:
            raise RowError("no log line /%s/ for client port %d%s" % (
                end_re, port, "" if not lines else ": " + " | ".join(
                    lines[-2:])))
        time.sleep(0.1)


def log_has(pattern):
    """A line of sstpd's log matches @pattern (polled for 2 s).  For the
    machine's own lines, which name no session (the rows run at once)."""
    t0 = time.monotonic()
    while True:
        with open(A.log, encoding="utf-8", errors="replace") as f:
            for ln in f:
                if re.search(pattern, ln):
                    return ln.rstrip("\n")
        if time.monotonic() - t0 > 2:
            raise RowError("no log line /%s/" % pattern)
        time.sleep(0.1)


def end_reason(port, reason_re):
    """The session's end line must name the cause."""
    return session_lines(port, r"(: end .*reason: |\(session [0-9a-f]{16}\)"
                         r": ).*" + reason_re)


# --- rows: framing --------------------------------------------------------

def raw_row(send, want, close_lo, close_hi, reason, after=0.0):
    """Send @send after the 200, expect the messages @want and a close in
    [close_lo, close_hi] s, and @reason in the end line."""
    s, port, rest = sstp_conn()
    for chunk in send if isinstance(send, list) else [send]:
        s.sendall(chunk)
        time.sleep(after)
    msgs, closed = observe(s, close_hi + 1, rest)
    s.close()
    expect_msgs(msgs, want)
    expect_close(closed, close_lo, close_hi)
    return "%s, closed %.1f s; %s" % (fmt(msgs), closed,
                                       end_reason(port, reason).split(
                                           "reason: ", 1)[1])


ABORT = "abort"
REQ = sw.connect_request()
CTRL_INVALID = r"SSTP protocol error, aborted with INVALID_FRAME_RECEIVED"


def ctrl(msg, attrs=(), **kw):
    return sw.control_packet(msg, attrs, **kw)


def encap(proto=1, length=None):
    return sw.attribute(sw.ATTR_ENCAPSULATED_PROTOCOL_ID,
                        struct.pack(">H", proto), length=length)


def abort_row(send, status, attr=0, reason=CTRL_INVALID, pre=None):
    """An Abort with one Status Info (status, attr), then the close at
    TIMER_VAL_ABORT_STATE_TIMER_1 (we never answer it)."""
    want = (pre or []) + [(ABORT, status, attr)]
    return raw_row(send, want, ABORT1 - 0.5, ABORT1 + SLACK, reason)


def row_bad_version():
    # 3.1.5.1: the stream cannot be delineated: close, send nothing.
    return raw_row(b"\x11" + REQ[1:], [], 0, SLACK,
                   r"invalid SSTP framing")


def row_reserved_bits():
    # Reserved bits of byte 1 and the R bits of the length: ignored.
    bent = bytes([0x10, 0xFF, 0xF0 | REQ[2], REQ[3]]) + REQ[4:]
    s, port, rest = sstp_conn()
    s.sendall(bent)
    msgs, _ = observe(s, 3, rest, until=lambda m: m)
    s.close()
    if [n for _, n, _, _ in msgs][:1] != ["connect_ack"]:
        raise RowError("server sent %s, want connect_ack" % fmt(msgs))
    return "connect_ack@%.1f" % msgs[0][0]


def row_length_lt4():
    return raw_row(b"\x10\x01\x00\x02" + REQ[4:], [], 0, SLACK,
                   r"invalid SSTP framing")


def row_length_zero():
    return raw_row(b"\x10\x00\x00\x00", [], 0, SLACK,
                   r"invalid SSTP framing")


def row_ctrl_lt8():
    # A control packet of 6 octets (no room for type + count) cannot be
    # a control message: a framing error like length < 4 (PROTOCOL.md 8
    # #11 allows the close or an Abort; sstpd closes, sending nothing).
    return raw_row(b"\x10\x01\x00\x06\x00\x01", [], 0, SLACK,
                   r"invalid SSTP framing")


def row_length_max():
    # 4095 octets (the 12-bit maximum), a data packet before the
    # Request: dropped, the stream stays in step, the Request gets its Ack.
    big = sw.data_packet(b"\xff\x03\x00\x21" + bytes(4087))
    assert len(big) == 4095
    s, port, rest = sstp_conn()
    s.sendall(big + REQ)
    msgs, _ = observe(s, 3, rest, until=lambda m: m)
    s.close()
    if [n for _, n, _, _ in msgs][:1] != ["connect_ack"]:
        raise RowError("server sent %s, want connect_ack" % fmt(msgs))
    return "4095-octet packet dropped, then connect_ack"


def row_length_r_bits_big():
    # Length field 0xFFFF: R bits masked, 4095 declared; the 4091 octets
    # following complete it; nothing is read past 4095.
    pkt = b"\x10\x00\xff\xff" + bytes(4091)
    s, port, rest = sstp_conn()
    s.sendall(pkt + REQ)
    msgs, _ = observe(s, 3, rest, until=lambda m: m)
    s.close()
    if [n for _, n, _, _ in msgs][:1] != ["connect_ack"]:
        raise RowError("server sent %s, want connect_ack" % fmt(msgs))
    return "0xFFFF length read as 4095, then connect_ack"


def row_never_completes():
    # 100 octets declared, 10 sent, then silence: no Request within the
    # negotiation timer -> Abort NEGOTIATION_TIMEOUT.
    n = A.negotiation
    return raw_row(b"\x10\x01\x00\x64" + bytes(6),
                   [(ABORT, sw.STATUS_NEGOTIATION_TIMEOUT, 0)],
                   n + ABORT1 - 0.5, n + ABORT1 + SLACK,
                   r"no acceptable Call Connect Request within %d s" % n)


def row_data_before_request():
    # PROTOCOL.md 8 #26, server side: a data packet before the Request is
    # dropped; the Request that follows is acked.
    s, port, rest = sstp_conn()
    s.sendall(sw.data_packet(pw.ppp_frame(pw.PROTO_LCP, pw.build_cp(
        pw.CONF_REQ, 1))) + REQ)
    msgs, _ = observe(s, 3, rest, until=lambda m: m)
    s.close()
    if [n for _, n, _, _ in msgs][:1] != ["connect_ack"]:
        raise RowError("server sent %s, want connect_ack" % fmt(msgs))
    return "dropped, then connect_ack"


# --- rows: lengths and attributes -----------------------------------------

def row_attr_len_zero():
    # Attribute length 0 (never looped on): Abort naming the attribute.
    return abort_row(ctrl(1, [encap(length=0)], length=14),
                     sw.STATUS_INVALID_ATTRIB_VALUE_LENGTH,
                     sw.ATTR_ENCAPSULATED_PROTOCOL_ID,
                     r"INVALID_ATTRIB_VALUE_LENGTH")


def row_attr_len_past_end():
    # An attribute running past the packet: the frame is invalid.
    return abort_row(ctrl(1, [encap(length=40)]),
                     sw.STATUS_INVALID_FRAME_RECEIVED,
                     sw.ATTR_ENCAPSULATED_PROTOCOL_ID)


def row_attr_len_wrong():
    # Encapsulated Protocol ID of 8 octets: not its fixed 6.
    a = sw.attribute(sw.ATTR_ENCAPSULATED_PROTOCOL_ID, b"\x00\x01\x00\x00")
    return abort_row(ctrl(1, [a]), sw.STATUS_INVALID_ATTRIB_VALUE_LENGTH,
                     sw.ATTR_ENCAPSULATED_PROTOCOL_ID,
                     r"INVALID_ATTRIB_VALUE_LENGTH")


def row_count_too_big():
    return abort_row(ctrl(1, [encap()], num_attrs=2),
                     sw.STATUS_INVALID_FRAME_RECEIVED)


def row_count_zero():
    # Num Attributes 0 (the attribute present as trailing octets).
    return abort_row(ctrl(1, [encap()], num_attrs=0),
                     sw.STATUS_REQUIRED_ATTRIBUTE_MISSING,
                     sw.ATTR_ENCAPSULATED_PROTOCOL_ID,
                     r"REQUIRED_ATTRIBUTE_MISSING")


def row_no_protocol_attr():
    return abort_row(ctrl(1, []), sw.STATUS_REQUIRED_ATTRIBUTE_MISSING,
                     sw.ATTR_ENCAPSULATED_PROTOCOL_ID,
                     r"REQUIRED_ATTRIBUTE_MISSING")


def row_unknown_attr():
    return abort_row(ctrl(1, [encap(), sw.attribute(0x07, b"\x00\x00")]),
                     sw.STATUS_UNRECOGNIZED_ATTRIBUTE, 0x07,
                     r"UNRECOGNIZED_ATTRIBUTE")


def row_duplicate_attr():
    return abort_row(ctrl(1, [encap(), encap()]),
                     sw.STATUS_DUPLICATE_ATTRIBUTE,
                     sw.ATTR_ENCAPSULATED_PROTOCOL_ID,
                     r"DUPLICATE_ATTRIBUTE")


def row_wrong_protocol_nak():
    # 3.3.5.2.2: protocol 2 -> Nak, Status Info (attr 1, VALUE_NOT_
    # SUPPORTED); a good Request next is acked.
    s, port, rest = sstp_conn()
    s.sendall(sw.connect_request(protocol=2))
    msgs, _ = observe(s, 3, rest, until=lambda m: m)
    s.sendall(REQ)
    msgs2, _ = observe(s, 3, until=lambda m: m)
    s.close()
    expect_msgs(msgs, [("connect_nak", sw.STATUS_VALUE_NOT_SUPPORTED,
                        sw.ATTR_ENCAPSULATED_PROTOCOL_ID)])
    if [n for _, n, _, _ in msgs2][:1] != ["connect_ack"]:
        raise RowError("after the Nak: %s, want connect_ack" % fmt(msgs2))
    ln = log_has(r"sstp: Call Connect Request for protocol 0x0002 refused: "
                 r"VALUE_NOT_SUPPORTED")
    return "connect_nak(4,attr 1), then connect_ack; " + ln.split(
        "sstp: ")[1]


def row_fourth_request():
    # Three Naks, the 4th refused Request -> Abort RETRY_COUNT_EXCEEDED.
    nak = ("connect_nak", sw.STATUS_VALUE_NOT_SUPPORTED,
           sw.ATTR_ENCAPSULATED_PROTOCOL_ID)
    bad = sw.connect_request(protocol=2)
    return raw_row([bad] * 4, [nak, nak, nak,
                               (ABORT, sw.STATUS_RETRY_COUNT_EXCEEDED, 0)],
                   ABORT1 - 0.5, ABORT1 + SLACK + 0.5,
                   r"Call Connect Request refused 4 times",
                   after=0.1)


def row_status_info_in_request():
    # A Status Info in the Request: Nak STATUS_INFO_NOT_SUPPORTED_IN_MSG.
    s, port, rest = sstp_conn()
    s.sendall(ctrl(1, [encap(), (sw.ATTR_STATUS_INFO,
                                 sw.status_info(0, 7))]))
    msgs, _ = observe(s, 3, rest, until=lambda m: m)
    s.close()
    expect_msgs(msgs, [("connect_nak",
                        sw.STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG,
                        sw.ATTR_STATUS_INFO)])
    ln = log_has(r"sstp: Call Connect Request refused: "
                 r"STATUS_INFO_NOT_SUPPORTED_IN_MSG \(attribute STATUS_INFO\)")
    return fmt(msgs) + "; " + ln.split("sstp: ")[1]


# --- rows: order ----------------------------------------------------------

def row_second_request():
    s, port, rest = sstp_conn()
    s.sendall(REQ)
    m1, _ = observe(s, 3, rest, until=lambda m: m)
    s.sendall(REQ)
    m2, closed = observe(s, ABORT1 + SLACK + 1)
    s.close()
    expect_msgs(m1[:1], [("connect_ack", None, None)])
    expect_msgs([m for m in m2 if m[1] != "data"],
                [(ABORT, sw.STATUS_UNACCEPTED_FRAME_RECEIVED, 0)])
    expect_close(closed, ABORT1 - 0.5, ABORT1 + SLACK)
    return "abort(5), closed %.1f s; %s" % (closed, end_reason(
        port, r"Call Connect Request out of order").split("reason: ")[1])


def row_connected_before_ack():
    # A Call Connected instead of the Request (its 112 octets, zero MAC).
    pkt = ctrl(4, [(sw.ATTR_CRYPTO_BINDING, bytes(3) + b"\x02" +
                    bytes(96))])
    return abort_row(pkt, sw.STATUS_UNACCEPTED_FRAME_RECEIVED, 0,
                     r"aborted with UNACCEPTED_FRAME_RECEIVED")


def row_echo_before_request():
    return abort_row(sw.simple(sw.MSG_ECHO_REQUEST),
                     sw.STATUS_UNACCEPTED_FRAME_RECEIVED, 0,
                     r"aborted with UNACCEPTED_FRAME_RECEIVED")


def row_disconnect_ack_unexpected():
    # 3.4 rule 4: a Disconnect Ack outside Call_Disconnect_Ack_Pending.
    return abort_row(sw.simple(sw.MSG_CALL_DISCONNECT_ACK),
                     sw.STATUS_UNACCEPTED_FRAME_RECEIVED, 0,
                     r"aborted with UNACCEPTED_FRAME_RECEIVED")


def row_unknown_type():
    # Type 0x000A during negotiation: Abort (PROTOCOL.md 8 #24).
    return abort_row(ctrl(0x0A), sw.STATUS_INVALID_FRAME_RECEIVED, 0,
                     CTRL_INVALID)


def row_peer_abort():
    # 3.4 rule 3: an Abort from the client -> our Abort, close after 1 s.
    return raw_row(sw.abort(), [(ABORT, None, None)], 0.5, 1 + SLACK,
                   r"client aborted the call")


def row_peer_disconnect():
    # 3.4 Disconnect rule 3: Disconnect Ack, close after 1 s.
    return raw_row(sw.disconnect(), [("disconnect_ack", None, None)], 0.5,
                   1 + SLACK, r"client disconnected the call")


class Scripted(sc.SstpClient):
    """SstpClient with hooks for the rows that need PPP up."""

    def __init__(self, mode, **kw):
        h, p = hostport()
        super().__init__(host=h, port=p, insecure=True, sni="localhost",
                         user=A.user, password=A.password,
                         auth=("mschapv2",), timeout=10, **kw)
        self.mode = mode
        self.rx = []            # (t, name, status) of control packets
        self.t_echo = None
        self.silent = False

    def dispatch(self, p):
        if p.control:
            c = sw.parse_control(p)
            si = sw.find_attr(c, sw.ATTR_STATUS_INFO)
            st = struct.unpack(">I", si[0][4:8])[0] if si and \
                len(si[0]) >= 8 else None
            self.rx.append((time.monotonic(), sw.MSG_NAMES.get(
                c.msg_type, "?"), st))
            if self.silent and c.msg_type == sw.MSG_ECHO_REQUEST:
                return          # the dead client answers nothing
        if self.silent:
            return
        super().dispatch(p)

    def _call_connected(self):
        super()._call_connected()
        if self.mode == "connected-twice":
            self.connected_pkt = True
            super()._call_connected()

    async def _sstp(self):
        res = {}
        self.write(sw.connect_request())
        await self.until(lambda: self.st["ack"] or self.st["abort"], "ACK")
        self.port = self.writer.get_extra_info("sockname")[1]
        res["port"] = self.port
        if self.mode == "echo-before-connected":
            self.write(sw.simple(sw.MSG_ECHO_REQUEST))
            await self.until(lambda: self.st["abort"] or self.st["eof"],
                             "Abort", 5)
            res["t_abort"] = True
            return res
        self.send_lcp_req()
        await self.until(lambda: self.st["lcp_ours"] and
                         self.st["lcp_peer"], "LCP up")
        await self.until(lambda: self.st["auth_ok"] is not None, "auth")
        if not self.st["auth_ok"]:
            raise sc.ClientError("authentication failed")
        if self.mode == "no-connected":
            self.t_auth = time.monotonic()
            await self.until(lambda: self.st["eof"], "close",
                             A.negotiation + ABORT1 + 5)
            return res
        if self.mode == "ip-before-connected":
            self.send_ipcp_req()
            await self.until(lambda: self.st["ipcp_ours"] and
                             self.st["ipcp_peer"], "IPCP up")
            res["before"] = await self._ping(1)
            self._call_connected()
            await asyncio.sleep(0.3)
            res["after"] = await self._ping(2)
            res["abort"] = self.st["abort"]
            await self._teardown()
            return res
        self._call_connected()
        self.send_ipcp_req()
        await self.until(lambda: (self.st["ipcp_ours"] and
                                  self.st["ipcp_peer"]) or
                         self.st["abort"], "IPCP up")
        if self.mode == "connected-twice":
            await self.until(lambda: self.st["eof"], "close", ABORT1 + 5)
            return res
        if self.mode == "silent":
            res["ping"] = await self._ping(1)
            self.silent = True
            self.t_silent = time.monotonic()
            await self.until(lambda: self.st["eof"], "close",
                             3 * A.hello + 5)
            self.t_eof = time.monotonic()
            return res
        return res

    async def _ping(self, seq):
        payload = os.urandom(40)
        self.send_ip(pw.icmp_echo_packet(self.ip, self.server_ip, 0x4242,
                                         seq, payload))
        try:
            await self.until(lambda: seq in self.echo_replies, "reply", 1.5)
        except sc.ClientError:
            return False
        return True


def scripted(mode, **kw):
    cl = Scripted(mode, **kw)
    t0 = time.monotonic()
    res = asyncio.run(cl.run())
    return cl, res, t0


def rx_names(cl, t0):
    return " ".join("%s%s@%.1f" % (n, "" if s is None else "(%d)" % s,
                                   t - t0) for t, n, s in cl.rx)


def row_connected_twice():
    cl, res, t0 = scripted("connected-twice")
    got = [(n, s) for _, n, s in cl.rx if n != "echo_request"]
    want = [("connect_ack", None),
            (ABORT, sw.STATUS_UNACCEPTED_FRAME_RECEIVED)]
    if got != want:
        raise RowError("server sent %s, want %s" % (rx_names(cl, t0), want))
    ln = end_reason(res["port"], r"aborted with UNACCEPTED_FRAME_RECEIVED")
    return "%s; %s" % (rx_names(cl, t0), ln.split("reason: ")[1])


def row_echo_before_connected():
    cl, res, t0 = scripted("echo-before-connected")
    got = [(n, s) for _, n, s in cl.rx]
    want = [("connect_ack", None),
            (ABORT, sw.STATUS_UNACCEPTED_FRAME_RECEIVED)]
    if got != want:
        raise RowError("server sent %s, want %s" % (rx_names(cl, t0), want))
    ln = end_reason(res["port"], r"aborted with UNACCEPTED_FRAME_RECEIVED")
    return "%s; %s" % (rx_names(cl, t0), ln.split("reason: ")[1])


def row_ip_before_connected():
    cl, res, t0 = scripted("ip-before-connected")
    if res.get("before"):
        raise RowError("an IP packet before Call Connected was answered")
    if not res.get("after") or res.get("abort"):
        raise RowError("no reply after Call Connected: %s" % res)
    return "ping before Call Connected: no reply; after: reply"


def row_no_connected():
    cl, res, t0 = scripted("no-connected")
    ab = [(t, s) for t, n, s in cl.rx if n == ABORT]
    if len(ab) != 1 or ab[0][1] != sw.STATUS_NEGOTIATION_TIMEOUT:
        raise RowError("server sent %s, want abort(8)" % rx_names(cl, t0))
    # The timer runs from the Ack; auth took a moment of it already.
    ack_t = [t for t, n, s in cl.rx if n == "connect_ack"][0]
    dt = ab[0][0] - ack_t
    if not A.negotiation - 0.5 <= dt <= A.negotiation + SLACK:
        raise RowError("Abort %.1f s after the Ack, want %d" %
                       (dt, A.negotiation))
    ln = end_reason(res["port"], r"no Call Connected within %d s of the "
                    r"Call Connect Ack" % A.negotiation)
    return "abort(8) %.1f s after the Ack; %s" % (dt,
                                                   ln.split("reason: ")[1])


def row_silent():
    cl, res, t0 = scripted("silent")
    if not res.get("ping"):
        raise RowError("the call did not come up")
    ev = [(t - cl.t_silent, n) for t, n, s in cl.rx if t >= cl.t_silent]
    names = [n for _, n in ev]
    if names != ["echo_request"]:
        raise RowError("while silent the server sent %s, want one "
                       "echo_request and no abort" % ev)
    te, tc = ev[0][0], cl.t_eof - cl.t_silent
    h = A.hello
    if not h - 0.5 <= te <= h + SLACK or \
            not 2 * h - 0.5 <= tc <= 2 * h + SLACK:
        raise RowError("echo at %.1f s, close at %.1f s; want %d and %d" %
                       (te, tc, h, 2 * h))
    ln = end_reason(res["port"], r"client silent for %d s" % (2 * h))
    return "echo_request at %.1f s, close at %.1f s, no abort; %s" % (
        te, tc, ln.split("reason: ")[1])


# --- rows: TLS ------------------------------------------------------------

def row_tls_stalls():
    # A ClientHello's first 50 octets, then nothing: closed at
    # --handshake-timeout.
    s, port = tcp()
    ctx = tls_ctx()
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    o = ctx.wrap_bio(inc, out, server_hostname="localhost")
    try:
        o.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = out.read()
    s.sendall(hello[:50])
    msgs, closed = observe(s, A.handshake + SLACK + 1)
    s.close()
    expect_close(closed, A.handshake - 0.5, A.handshake + SLACK)
    ln = end_reason(port, r"handshake timeout: no TLS handshake within")
    return "closed %.1f s; %s" % (closed, ln.split("reason: ")[1])


def row_tls_not_tls():
    s, port = tcp()
    s.sendall(b"SSTP_DUPLEX_POST / HTTP/1.1\r\nHost: x\r\n\r\n")
    t0 = time.monotonic()
    s.settimeout(SLACK + 1)
    data = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
    except (socket.timeout, OSError):
        pass
    dt = time.monotonic() - t0
    s.close()
    if dt > SLACK:
        raise RowError("not closed within %.1f s" % SLACK)
    if data and not data.startswith(b"\x15\x03"):
        raise RowError("answered %r" % data[:20])
    ln = end_reason(port, r"TLS|tls|handshake")
    return "closed %.1f s (%s); %s" % (dt, "alert" if data else
                                       "no bytes", ln.split("reason: ")[1])


# --- rows: PROXY headers (sstpd --proxy-protocol) --------------------------

def proxy_row(send, reason, lo, hi, close_after_send=False):
    s, port = tcp()
    s.sendall(send)
    if close_after_send:
        s.shutdown(socket.SHUT_WR)
    msgs, closed = observe(s, hi + 1)
    s.close()
    expect_close(closed, lo, hi)
    ln = end_reason(port, reason)
    return "closed %.1f s; %s" % (closed, re.split(
        r"reason: |\(session [0-9a-f]{16}\): ", ln, maxsplit=1)[1])


V2SIG = b"\r\n\r\n\x00\r\nQUIT\n"


def row_proxy_truncated_eof():
    return proxy_row(b"PROXY TCP4 198.51.100.7 127.0.0.1 55", 
                     r"connection closed in the PROXY header", 0, SLACK,
                     close_after_send=True)


def row_proxy_truncated_stall():
    return proxy_row(V2SIG + b"\x21\x11\x00\x0c\xc6\x33",
                     r"handshake timeout: no PROXY header within",
                     A.handshake - 0.5, A.handshake + SLACK)


def row_proxy_v1_oversized():
    # v1 is at most 107 octets with its CRLF (the PROXY spec 2.1).
    return proxy_row(b"PROXY TCP4 " + b"1" * 200 + b"\r\n",
                     r"bad PROXY header", 0, SLACK)


def row_proxy_v2_oversized():
    # v2 declaring 65535 octets (the most the format can: a receiver
    # must take TLVs up to that), 64 sent, then nothing: no more than
    # that is buffered, and the handshake timeout closes it.
    return proxy_row(V2SIG + b"\x21\x11\xff\xff" + bytes(64),
                     r"handshake timeout: no PROXY header within",
                     A.handshake - 0.5, A.handshake + SLACK)


def row_proxy_bad_signature():
    return proxy_row(b"\r\n\r\n\x00\r\nQUIX\n\x21\x11\x00\x0c" + bytes(12),
                     r"bad PROXY header", 0, SLACK)


def row_proxy_v2_local():
    # LOCAL (health check): the connection's own address is kept, and
    # the connection is served.
    s, port = tcp()
    s.sendall(V2SIG + b"\x20\x00\x00\x00")
    t = tls_ctx().wrap_socket(s, server_hostname="localhost")
    t.sendall(HTTP_REQ)
    data = t.recv(4096)
    t.close()
    if not data.startswith(b"HTTP/1.1 200 "):
        raise RowError("answered %r" % data[:30])
    session_lines(port, r"start client=127\.0\.0\.1:%d" % port)
    return "served, client 127.0.0.1:%d in the start line" % port


ROWS = [
    # group, name, function, PROTOCOL.md 8 row (server's view)
    ("framing", "bad-version", row_bad_version, "10"),
    ("framing", "reserved-bits", row_reserved_bits, "12"),
    ("framing", "length-lt-4", row_length_lt4, "11"),
    ("framing", "length-zero", row_length_zero, "11"),
    ("framing", "control-lt-8", row_ctrl_lt8, "11"),
    ("framing", "length-4095", row_length_max, "13"),
    ("framing", "length-0xffff", row_length_r_bits_big, "12,13"),
    ("framing", "length-never-completes", row_never_completes, "13"),
    ("framing", "data-before-request", row_data_before_request, "26"),
    ("attrs", "attr-length-0", row_attr_len_zero, "17"),
    ("attrs", "attr-past-end", row_attr_len_past_end, "17"),
    ("attrs", "attr-length-wrong", row_attr_len_wrong, "18"),
    ("attrs", "count-too-big", row_count_too_big, "15"),
    ("attrs", "count-zero", row_count_zero, "21"),
    ("attrs", "no-protocol-attr", row_no_protocol_attr, "21"),
    ("attrs", "unknown-attr", row_unknown_attr, "20"),
    ("attrs", "duplicate-attr", row_duplicate_attr, "21"),
    ("attrs", "wrong-protocol-nak", row_wrong_protocol_nak, "23"),
    ("attrs", "status-info-in-request", row_status_info_in_request, "23"),
    ("attrs", "fourth-request-abort", row_fourth_request, "23"),
    ("order", "second-request", row_second_request, "25"),
    ("order", "connected-before-ack", row_connected_before_ack, "25"),
    ("order", "echo-before-request", row_echo_before_request, "25"),
    ("order", "echo-before-connected", row_echo_before_connected, "25"),
    ("order", "connected-twice", row_connected_twice, "25"),
    ("order", "disconnect-ack-unexpected", row_disconnect_ack_unexpected,
     "33"),
    ("order", "unknown-type", row_unknown_type, "24"),
    ("order", "peer-abort", row_peer_abort, "31"),
    ("order", "peer-disconnect", row_peer_disconnect, "32"),
    ("order", "ip-before-connected", row_ip_before_connected, "27"),
    ("timers", "no-connected-in-time", row_no_connected, "37"),
    ("timers", "silent-after-connected", row_silent, "36"),
    ("tls", "tls-stalls", row_tls_stalls, "1,9"),
    ("tls", "not-tls", row_tls_not_tls, "1,44"),
]
PROXY_ROWS = [
    ("proxy", "proxy-truncated-eof", row_proxy_truncated_eof, "-"),
    ("proxy", "proxy-truncated-stall", row_proxy_truncated_stall, "-"),
    ("proxy", "proxy-v1-oversized", row_proxy_v1_oversized, "-"),
    ("proxy", "proxy-v2-oversized", row_proxy_v2_oversized, "-"),
    ("proxy", "proxy-bad-signature", row_proxy_bad_signature, "-"),
    ("proxy", "proxy-v2-local", row_proxy_v2_local, "-"),
]


def run_row(row, results):
    group, name, fn, ref = row
    t0 = time.monotonic()
    try:
        detail = fn()
        ok = True
    except (RowError, sc.ClientError, OSError, ssl.SSLError,
            asyncio.TimeoutError, ValueError) as e:
        detail = "%s: %s" % (type(e).__name__, e)
        ok = False
    results[name] = (ok, group, ref, time.monotonic() - t0, detail)


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("--connect", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--user", default="alice")
    ap.add_argument("--password", default="")
    ap.add_argument("--negotiation", type=int, default=4)
    ap.add_argument("--hello", type=int, default=2)
    ap.add_argument("--handshake", type=int, default=3)
    ap.add_argument("--rows", help="comma-separated row names")
    ap.add_argument("--proxy", action="store_true")
    ap.add_argument("--serial", action="store_true",
                    help="one row after the other (e.g. under valgrind)")
    ap.add_argument("--slack", type=float, default=SLACK)
    ap.add_argument("--list", action="store_true")
    A = ap.parse_args()
    globals()["SLACK"] = A.slack
    rows = PROXY_ROWS if A.proxy else ROWS
    if A.list:
        for g, n, _, ref in rows:
            print("%-7s %-26s PROTOCOL.md 8 #%s" % (g, n, ref))
        return 0
    if A.rows:
        want = A.rows.split(",")
        unknown = set(want) - {r[1] for r in ROWS + PROXY_ROWS}
        if unknown:
            ap.error("unknown rows: %s" % ",".join(sorted(unknown)))
        rows = [r for r in ROWS + PROXY_ROWS if r[1] in want]
    results = {}
    threads = []
    for r in rows:
        th = threading.Thread(target=run_row, args=(r, results))
        th.start()
        if A.serial:
            th.join()
        threads.append(th)
        time.sleep(0.05)
    for th in threads:
        th.join()
    bad = 0
    for g, n, _, ref in rows:
        ok, group, ref, dt, detail = results[n]
        bad += not ok
        print("%s %s/%s (#%s, %.1f s): %s" % ("ok" if ok else "FAIL", group,
                                              n, ref, dt, detail),
              flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
