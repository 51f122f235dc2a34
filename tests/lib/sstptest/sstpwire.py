"""SSTP packet builders and parsers ([MS-SSTP] 2.2, PROTOCOL.md 2).

Builders return ``bytes``.  ``StreamParser`` splits a byte stream into
packets; ``parse_control`` decodes a control packet's attributes.  The
builders take optional overrides so tests can produce malformed packets
(wrong version, wrong lengths, wrong attribute counts).
"""

import struct
from collections import namedtuple

VERSION = 0x10
MAX_PACKET = 4095

# message types (2.2.2)
MSG_CALL_CONNECT_REQUEST = 0x0001
MSG_CALL_CONNECT_ACK = 0x0002
MSG_CALL_CONNECT_NAK = 0x0003
MSG_CALL_CONNECTED = 0x0004
MSG_CALL_ABORT = 0x0005
MSG_CALL_DISCONNECT = 0x0006
MSG_CALL_DISCONNECT_ACK = 0x0007
MSG_ECHO_REQUEST = 0x0008
MSG_ECHO_RESPONSE = 0x0009

MSG_NAMES = {
    1: "connect_request", 2: "connect_ack", 3: "connect_nak",
    4: "call_connected", 5: "abort", 6: "disconnect", 7: "disconnect_ack",
    8: "echo_request", 9: "echo_response",
}

# attribute IDs (2.2.4)
ATTR_NO_ERROR = 0x00
ATTR_ENCAPSULATED_PROTOCOL_ID = 0x01
ATTR_STATUS_INFO = 0x02
ATTR_CRYPTO_BINDING = 0x03
ATTR_CRYPTO_BINDING_REQ = 0x04

ENCAP_PPP = 0x0001

# status codes (2.2.6)
STATUS_NO_ERROR = 0
STATUS_DUPLICATE_ATTRIBUTE = 1
STATUS_UNRECOGNIZED_ATTRIBUTE = 2
STATUS_INVALID_ATTRIB_VALUE_LENGTH = 3
STATUS_VALUE_NOT_SUPPORTED = 4
STATUS_UNACCEPTED_FRAME_RECEIVED = 5
STATUS_RETRY_COUNT_EXCEEDED = 6
STATUS_INVALID_FRAME_RECEIVED = 7
STATUS_NEGOTIATION_TIMEOUT = 8
STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG = 9
STATUS_REQUIRED_ATTRIBUTE_MISSING = 10
STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG = 11

CERT_HASH_SHA1 = 0x01
CERT_HASH_SHA256 = 0x02


class FramingError(ValueError):
    """The byte stream cannot be delineated (bad version, length < 4)."""


Packet = namedtuple("Packet", "control length body raw")
Packet.__doc__ = """One SSTP packet: ``control`` flag, declared length,
``body`` = bytes after the 4-byte header, ``raw`` = the whole packet."""

Control = namedtuple("Control", "msg_type num_attrs attrs trailing")
Control.__doc__ = """Decoded control packet: ``attrs`` is a list of
``(attr_id, value)``; ``trailing`` = bytes after the declared attributes."""


# ---------------------------------------------------------------------------
# builders
# ---------------------------------------------------------------------------

def header(control, length, version=VERSION):
    """The 4-byte SSTP header."""
    return struct.pack(">BBH", version, 1 if control else 0, length & 0xFFFF)


def data_packet(payload, version=VERSION, length=None):
    """SSTP data packet carrying one PPP frame."""
    payload = bytes(payload)
    n = 4 + len(payload) if length is None else length
    if length is None and n > MAX_PACKET:
        raise ValueError("SSTP data packet too long (%d)" % n)
    return header(False, n, version) + payload


def attribute(attr_id, value, length=None):
    """Encode one attribute; ``length`` overrides the length field."""
    value = bytes(value)
    n = 4 + len(value) if length is None else length
    return struct.pack(">BBH", 0, attr_id, n & 0xFFFF) + value


def control_packet(msg_type, attrs=(), num_attrs=None, version=VERSION,
                   length=None, trailing=b""):
    """Control packet from ``attrs`` = list of (id, value) tuples or of
    pre-encoded attribute bytes.  Overrides allow malformed packets."""
    body = b""
    for a in attrs:
        body += a if isinstance(a, (bytes, bytearray)) else attribute(*a)
    body += bytes(trailing)
    n_attrs = len(attrs) if num_attrs is None else num_attrs
    n = 8 + len(body) if length is None else length
    return header(True, n, version) + struct.pack(">HH", msg_type,
                                                  n_attrs) + body


def status_info(attr_id, status, value=b""):
    """Status Info attribute value: Reserved1[3], AttribID, Status u32."""
    return b"\x00\x00\x00" + bytes((attr_id,)) + struct.pack(">I", status) + \
        bytes(value)


def connect_request(protocol=ENCAP_PPP):
    """Call Connect Request (14 bytes)."""
    return control_packet(MSG_CALL_CONNECT_REQUEST,
                          [(ATTR_ENCAPSULATED_PROTOCOL_ID,
                            struct.pack(">H", protocol))])


def connect_ack(bitmask, nonce):
    """Call Connect Ack (48 bytes) with a Crypto Binding Request."""
    if len(nonce) != 32:
        raise ValueError("nonce must be 32 bytes")
    return control_packet(MSG_CALL_CONNECT_ACK,
                          [(ATTR_CRYPTO_BINDING_REQ,
                            b"\x00\x00\x00" + bytes((bitmask,)) +
                            bytes(nonce))])


def connect_nak(status=STATUS_VALUE_NOT_SUPPORTED,
                attr_id=ATTR_ENCAPSULATED_PROTOCOL_ID, accel_trailing=False):
    """Call Connect NAK; ``accel_trailing`` appends accel's 2 stray bytes."""
    return control_packet(MSG_CALL_CONNECT_NAK,
                          [(ATTR_STATUS_INFO, status_info(attr_id, status))],
                          trailing=b"\x00\x00" if accel_trailing else b"")


def simple(msg_type):
    """An attribute-less control message (8 bytes): echo, disconnect ack,
    or softether-style abort / disconnect."""
    return control_packet(msg_type)


def abort(status=STATUS_INVALID_FRAME_RECEIVED, attr_id=ATTR_STATUS_INFO,
          style="spec"):
    """Call Abort.  style: 'spec' (12-byte Status Info), 'softether'
    (no attributes), 'sorz' (Status Info of attribute length 8 carrying
    only the 4-byte status)."""
    if style == "softether":
        return simple(MSG_CALL_ABORT)
    if style == "sorz":
        return control_packet(MSG_CALL_ABORT,
                              [(ATTR_STATUS_INFO, struct.pack(">I", status))])
    return control_packet(MSG_CALL_ABORT,
                          [(ATTR_STATUS_INFO, status_info(attr_id, status))])


def disconnect(style="spec"):
    """Call Disconnect.  style: 'spec' (Status Info NO_ERROR, accel),
    'softether' (no attributes), 'sorz' (attribute ID 0, 4-byte value)."""
    if style == "softether":
        return simple(MSG_CALL_DISCONNECT)
    if style == "sorz":
        return control_packet(MSG_CALL_DISCONNECT,
                              [(ATTR_NO_ERROR, struct.pack(">I", 0))])
    return control_packet(MSG_CALL_DISCONNECT,
                          [(ATTR_STATUS_INFO, status_info(0, 0))])


# ---------------------------------------------------------------------------
# parsers
# ---------------------------------------------------------------------------

class StreamParser:
    """Incremental SSTP packet splitter.

    ``feed(data)`` returns complete packets; raises FramingError when the
    stream cannot be delineated (version != 0x10 or length < 4).  R bits and
    reserved bits are masked off unless ``strict``."""

    def __init__(self, strict=False):
        self.buf = bytearray()
        self.strict = strict

    def feed(self, data):
        """Append bytes; return the list of complete Packets."""
        self.buf += data
        out = []
        while len(self.buf) >= 4:
            ver, flags, ln = struct.unpack(">BBH", self.buf[:4])
            if ver != VERSION:
                raise FramingError("bad SSTP version 0x%02x" % ver)
            if self.strict and (ln & 0xF000 or flags & 0xFE):
                raise FramingError("reserved bits set")
            ln &= 0x0FFF
            if ln < 4:
                raise FramingError("SSTP length %d < 4" % ln)
            if len(self.buf) < ln:
                break
            raw = bytes(self.buf[:ln])
            del self.buf[:ln]
            out.append(Packet(bool(flags & 1), ln, raw[4:], raw))
        return out


def parse_control(pkt):
    """Decode a control Packet.  Raises ValueError if the packet is shorter
    than 8, an attribute length is < 4 or runs past the end, or Num
    Attributes does not fit."""
    body = pkt.body
    if len(body) < 4:
        raise ValueError("control packet shorter than 8 bytes")
    msg_type, num = struct.unpack(">HH", body[:4])
    attrs = []
    off = 4
    for _ in range(num):
        if off + 4 > len(body):
            raise ValueError("Num Attributes exceeds packet")
        _, aid, aln = struct.unpack(">BBH", body[off:off + 4])
        aln &= 0x0FFF
        if aln < 4 or off + aln > len(body):
            raise ValueError("bad attribute length %d" % aln)
        attrs.append((aid, bytes(body[off + 4:off + aln])))
        off += aln
    return Control(msg_type, num, attrs, bytes(body[off:]))


def find_attr(ctrl, attr_id):
    """Values of all attributes with ``attr_id`` in a Control."""
    return [v for a, v in ctrl.attrs if a == attr_id]


def describe_status(value):
    """Decode a Status Info value into a dict (tolerates short forms)."""
    if len(value) >= 8:
        return {"attrib_id": value[3],
                "status": struct.unpack(">I", value[4:8])[0],
                "value": value[8:].hex()}
    if len(value) == 4:
        return {"status": struct.unpack(">I", value)[0], "short": True}
    return {"raw": value.hex()}
