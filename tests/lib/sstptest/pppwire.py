"""PPP wire formats for tests: frames, control protocols, auth, IPv4/ICMP.

References: RFC 1661 (PPP, LCP), RFC 1332 (IPCP), RFC 5072 (IPV6CP),
RFC 1962 (CCP), RFC 3078 (MPPE option), RFC 1334 (PAP), RFC 1994 /
RFC 2759 (CHAP / MS-CHAPv2), RFC 3748 + draft-kamath-pppext-eap-mschapv2
(EAP, EAP-MSCHAPv2), RFC 791/792 (IPv4, ICMP).

Everything returns ``bytes``; parsers raise ``ValueError`` on malformed
input (never IndexError / struct.error).

Frames: ``ppp_frame(proto, info)`` gives ``FF 03 <proto16> info``;
``parse_ppp_frame(data)`` accepts that form and the ACFC/PFC-compressed
forms and returns ``(proto, info)``.

Control protocols (LCP, IPCP, IPV6CP, CCP) share ``build_cp`` /
``parse_cp``; options are lists of ``(type, value_bytes)`` tuples.
"""

import ipaddress
import struct
from collections import namedtuple

# --- protocol numbers -------------------------------------------------------
PROTO_IP = 0x0021
PROTO_IPV6 = 0x0057
PROTO_MPPE = 0x00FD
PROTO_IPCP = 0x8021
PROTO_IPV6CP = 0x8057
PROTO_CCP = 0x80FD
PROTO_LCP = 0xC021
PROTO_PAP = 0xC023
PROTO_CHAP = 0xC223
PROTO_EAP = 0xC227

PROTO_NAMES = {
    PROTO_IP: "IP", PROTO_IPV6: "IPv6", PROTO_MPPE: "MPPE",
    PROTO_IPCP: "IPCP", PROTO_IPV6CP: "IPV6CP", PROTO_CCP: "CCP",
    PROTO_LCP: "LCP", PROTO_PAP: "PAP", PROTO_CHAP: "CHAP", PROTO_EAP: "EAP",
}

# --- control-protocol codes (RFC 1661 5, RFC 1962 for 14/15) --------------
CONF_REQ = 1
CONF_ACK = 2
CONF_NAK = 3
CONF_REJ = 4
TERM_REQ = 5
TERM_ACK = 6
CODE_REJ = 7
PROTO_REJ = 8
ECHO_REQ = 9
ECHO_REP = 10
DISCARD_REQ = 11
RESET_REQ = 14
RESET_ACK = 15

# --- LCP option types -------------------------------------------------------
LCP_MRU = 1
LCP_ACCM = 2
LCP_AUTH = 3
LCP_QUALITY = 4
LCP_MAGIC = 5
LCP_PFC = 7
LCP_ACFC = 8
LCP_CALLBACK = 13
LCP_MRRU = 17
LCP_EPDISC = 19

# --- IPCP / IPV6CP / CCP options -------------------------------------------
IPCP_ADDR = 3
IPCP_DNS1 = 129
IPCP_DNS2 = 131
IPV6CP_IFID = 1
CCP_MPPE = 18

# MPPE supported bits (RFC 3078 2.1), as a 32-bit big-endian word
MPPE_H = 0x01000000   # stateless
MPPE_M = 0x00000080   # 56-bit
MPPE_S = 0x00000040   # 128-bit
MPPE_L = 0x00000020   # 40-bit
MPPE_D = 0x00000010   # obsolete
MPPE_C = 0x00000001   # MPPC compression

# --- auth ------------------------------------------------------------------
PAP_AUTH_REQ = 1
PAP_AUTH_ACK = 2
PAP_AUTH_NAK = 3

CHAP_CHALLENGE = 1
CHAP_RESPONSE = 2
CHAP_SUCCESS = 3
CHAP_FAILURE = 4
CHAP_ALG_MSCHAPV2 = 0x81

EAP_REQUEST = 1
EAP_RESPONSE = 2
EAP_SUCCESS = 3
EAP_FAILURE = 4
EAP_TYPE_IDENTITY = 1
EAP_TYPE_NOTIFICATION = 2
EAP_TYPE_NAK = 3
EAP_TYPE_MD5 = 4
EAP_TYPE_TLS = 13
EAP_TYPE_PEAP = 25
EAP_TYPE_MSCHAPV2 = 26

MSCHAPV2_OP_CHALLENGE = 1
MSCHAPV2_OP_RESPONSE = 2
MSCHAPV2_OP_SUCCESS = 3
MSCHAPV2_OP_FAILURE = 4
MSCHAPV2_OP_CHANGE_PASSWORD = 7

CODE_NAMES = {
    1: "Configure-Request", 2: "Configure-Ack", 3: "Configure-Nak",
    4: "Configure-Reject", 5: "Terminate-Request", 6: "Terminate-Ack",
    7: "Code-Reject", 8: "Protocol-Reject", 9: "Echo-Request",
    10: "Echo-Reply", 11: "Discard-Request", 14: "Reset-Request",
    15: "Reset-Ack",
}


def is_control_protocol(proto):
    """True for NCP/LCP/auth protocols (0x8000-0xFFFF); False for data
    protocols such as IP (0x0021), IPv6 (0x0057), MPPE (0x00FD)."""
    return proto >= 0x8000


# ---------------------------------------------------------------------------
# PPP frame
# ---------------------------------------------------------------------------

def ppp_frame(proto, info, acfc=False, pfc=False):
    """Build a PPP frame: ``FF 03`` (unless acfc) + protocol (1 byte if pfc
    and it fits, else 2) + information field."""
    out = b"" if acfc else b"\xff\x03"
    if pfc and proto < 0x100 and proto & 1:
        out += bytes((proto,))
    else:
        out += struct.pack(">H", proto)
    return out + bytes(info)


def parse_ppp_frame(data, require_ff03=False):
    """Parse a PPP frame; returns ``(proto, info)``.

    Accepts ``FF 03`` + protocol, or without ``FF 03`` (ACFC), with a 1-byte
    protocol when its first byte is odd (PFC).  ``require_ff03`` rejects
    frames without the address/control bytes."""
    data = bytes(data)
    if data[:2] == b"\xff\x03":
        data = data[2:]
    elif require_ff03:
        raise ValueError("PPP frame without FF 03")
    if not data:
        raise ValueError("PPP frame without protocol")
    if data[0] & 1:
        return data[0], data[1:]
    if len(data) < 2:
        raise ValueError("truncated PPP protocol field")
    proto = (data[0] << 8) | data[1]
    if not proto & 1:
        raise ValueError("invalid PPP protocol 0x%04x" % proto)
    return proto, data[2:]


# ---------------------------------------------------------------------------
# LCP-style control packets (LCP, IPCP, IPV6CP, CCP)
# ---------------------------------------------------------------------------

CpPacket = namedtuple("CpPacket", "code ident data options")
CpPacket.__doc__ = """Parsed control packet.  ``data`` is everything after
the 4-byte header (up to Length); ``options`` is the option list for codes
1-4 or None (also None if the option list is malformed)."""


def build_options(options):
    """Encode ``[(type, value_bytes), ...]`` as an option list."""
    out = b""
    for typ, val in options:
        val = bytes(val)
        if len(val) > 253:
            raise ValueError("option too long")
        out += bytes((typ, len(val) + 2)) + val
    return out


def parse_options(data):
    """Decode an option list; raises ValueError on a bad length."""
    data = bytes(data)
    opts = []
    i = 0
    while i < len(data):
        if i + 2 > len(data):
            raise ValueError("truncated option header")
        typ, ln = data[i], data[i + 1]
        if ln < 2 or i + ln > len(data):
            raise ValueError("bad option length %d" % ln)
        opts.append((typ, data[i + 2:i + ln]))
        i += ln
    return opts


def build_cp(code, ident, data=b""):
    """Build a control packet: code, identifier, length, data."""
    data = bytes(data)
    return struct.pack(">BBH", code, ident & 0xFF, 4 + len(data)) + data


def build_cp_options(code, ident, options):
    """Build a Configure-Request/Ack/Nak/Reject from an option list."""
    return build_cp(code, ident, build_options(options))


def parse_cp(info):
    """Parse a control packet from a PPP information field.  Bytes beyond
    Length (padding) are ignored.  Raises ValueError if Length < 4 or
    larger than the data."""
    info = bytes(info)
    if len(info) < 4:
        raise ValueError("control packet shorter than 4 bytes")
    code, ident, ln = struct.unpack(">BBH", info[:4])
    if ln < 4 or ln > len(info):
        raise ValueError("bad control packet length %d" % ln)
    data = info[4:ln]
    opts = None
    if code in (CONF_REQ, CONF_ACK, CONF_NAK, CONF_REJ):
        try:
            opts = parse_options(data)
        except ValueError:
            opts = None
    return CpPacket(code, ident, data, opts)


def echo_packet(code, ident, magic, payload=b""):
    """LCP Echo-Request/Reply or Discard-Request: magic number + data."""
    return build_cp(code, ident, struct.pack(">I", magic) + bytes(payload))


def protocol_reject(ident, proto, info):
    """LCP Protocol-Reject for a frame of ``proto`` with ``info``."""
    return build_cp(PROTO_REJ, ident, struct.pack(">H", proto) + bytes(info))


# option value helpers
def opt_mru(mru):
    """LCP MRU option."""
    return (LCP_MRU, struct.pack(">H", mru))


def opt_magic(magic):
    """LCP Magic-Number option."""
    return (LCP_MAGIC, struct.pack(">I", magic))


def opt_auth_pap():
    """LCP Authentication-Protocol = PAP."""
    return (LCP_AUTH, struct.pack(">H", PROTO_PAP))


def opt_auth_mschapv2():
    """LCP Authentication-Protocol = CHAP with MS-CHAPv2 (0x81)."""
    return (LCP_AUTH, struct.pack(">HB", PROTO_CHAP, CHAP_ALG_MSCHAPV2))


def opt_auth_eap():
    """LCP Authentication-Protocol = EAP."""
    return (LCP_AUTH, struct.pack(">H", PROTO_EAP))


def opt_ipv4(typ, addr):
    """IPCP address-type option (3 address, 129/131 DNS) from a string."""
    return (typ, ipaddress.IPv4Address(addr).packed)


def opt_mppe(bits):
    """CCP MPPE option (18) with 32-bit supported-bits word."""
    return (CCP_MPPE, struct.pack(">I", bits))


def auth_option_name(value):
    """Name an LCP auth option value: 'pap', 'mschapv2', 'eap', 'chap-md5',
    'mschapv1' or 'unknown:<hex>'."""
    value = bytes(value)
    if value == struct.pack(">H", PROTO_PAP):
        return "pap"
    if value == struct.pack(">H", PROTO_EAP):
        return "eap"
    if value[:2] == struct.pack(">H", PROTO_CHAP) and len(value) == 3:
        return {0x81: "mschapv2", 0x80: "mschapv1",
                0x05: "chap-md5"}.get(value[2], "unknown:" + value.hex())
    return "unknown:" + value.hex()


# ---------------------------------------------------------------------------
# PAP (RFC 1334)
# ---------------------------------------------------------------------------

PapPacket = namedtuple("PapPacket", "code ident peer_id password message")


def pap_request(ident, peer_id, password):
    """PAP Authenticate-Request."""
    peer_id = _b(peer_id)
    password = _b(password)
    return build_cp(PAP_AUTH_REQ, ident, bytes((len(peer_id),)) + peer_id +
                    bytes((len(password),)) + password)


def pap_reply(code, ident, message=b""):
    """PAP Authenticate-Ack (2) / Nak (3) with a message."""
    message = _b(message)
    return build_cp(code, ident, bytes((len(message),)) + message)


def parse_pap(info):
    """Parse PAP; returns PapPacket (peer_id/password for requests,
    message for Ack/Nak, other fields None)."""
    p = parse_cp(info)
    d = p.data
    if p.code == PAP_AUTH_REQ:
        if len(d) < 1 or len(d) < 1 + d[0] + 1:
            raise ValueError("truncated PAP request")
        n = d[0]
        peer = d[1:1 + n]
        m = d[1 + n]
        if len(d) < 2 + n + m:
            raise ValueError("truncated PAP password")
        return PapPacket(p.code, p.ident, peer, d[2 + n:2 + n + m], None)
    if p.code in (PAP_AUTH_ACK, PAP_AUTH_NAK):
        if not d:
            return PapPacket(p.code, p.ident, None, None, b"")
        if len(d) < 1 + d[0]:
            raise ValueError("truncated PAP message")
        return PapPacket(p.code, p.ident, None, None, d[1:1 + d[0]])
    raise ValueError("unknown PAP code %d" % p.code)


# ---------------------------------------------------------------------------
# CHAP / MS-CHAPv2 (RFC 1994, RFC 2759)
# ---------------------------------------------------------------------------

ChapPacket = namedtuple("ChapPacket", "code ident value name message")
ChapPacket.__doc__ = """Parsed CHAP packet: value/name for Challenge and
Response, message for Success/Failure (other fields None)."""


def chap_challenge(ident, challenge, name):
    """CHAP Challenge: value-size, value (16 bytes for MS-CHAPv2), name."""
    challenge = bytes(challenge)
    return build_cp(CHAP_CHALLENGE, ident, bytes((len(challenge),)) +
                    challenge + _b(name))


def mschapv2_response_value(peer_challenge, nt_response, flags=0):
    """The 49-byte MS-CHAPv2 response value: PeerChallenge(16) | 8 x 00 |
    NT-Response(24) | Flags(1)."""
    if len(peer_challenge) != 16 or len(nt_response) != 24:
        raise ValueError("bad MS-CHAPv2 response sizes")
    return bytes(peer_challenge) + b"\x00" * 8 + bytes(nt_response) + \
        bytes((flags,))


def parse_mschapv2_response_value(value):
    """Split a 49-byte response value: (peer_challenge, nt_response, flags)."""
    if len(value) != 49:
        raise ValueError("MS-CHAPv2 response value must be 49 bytes")
    return bytes(value[:16]), bytes(value[24:48]), value[48]


def chap_response(ident, value, name):
    """CHAP Response: value-size, value, name."""
    value = bytes(value)
    return build_cp(CHAP_RESPONSE, ident, bytes((len(value),)) + value +
                    _b(name))


def chap_success(ident, message):
    """CHAP Success with message (MS-CHAPv2: ``S=<hex> M=<text>``)."""
    return build_cp(CHAP_SUCCESS, ident, _b(message))


def chap_failure(ident, message):
    """CHAP Failure with message (MS-CHAPv2: ``E=691 R=0 C=.. V=3 M=..``)."""
    return build_cp(CHAP_FAILURE, ident, _b(message))


def parse_chap(info):
    """Parse a CHAP packet into a ChapPacket."""
    p = parse_cp(info)
    d = p.data
    if p.code in (CHAP_CHALLENGE, CHAP_RESPONSE):
        if not d or len(d) < 1 + d[0]:
            raise ValueError("truncated CHAP value")
        return ChapPacket(p.code, p.ident, d[1:1 + d[0]], d[1 + d[0]:], None)
    if p.code in (CHAP_SUCCESS, CHAP_FAILURE):
        return ChapPacket(p.code, p.ident, None, None, d)
    raise ValueError("unknown CHAP code %d" % p.code)


def parse_mschap_message(message):
    """Split an MS-CHAPv2 Success/Failure message into a dict of its
    ``X=value`` fields (M= takes the rest of the string)."""
    if isinstance(message, (bytes, bytearray)):
        message = bytes(message).decode("latin-1")
    out = {}
    rest = message
    while rest:
        rest = rest.lstrip(" ")
        if len(rest) < 2 or rest[1] != "=":
            break
        key = rest[0]
        if key == "M":
            out["M"] = rest[2:]
            break
        sp = rest.find(" ")
        if sp < 0:
            out[key] = rest[2:]
            break
        out[key] = rest[2:sp]
        rest = rest[sp + 1:]
    return out


# ---------------------------------------------------------------------------
# EAP (RFC 3748) and EAP-MSCHAPv2
# ---------------------------------------------------------------------------

EapPacket = namedtuple("EapPacket", "code ident type data")
EapPacket.__doc__ = """Parsed EAP packet: type/data are None for Success
and Failure."""

MsChapV2 = namedtuple("MsChapV2", "opcode ms_id ms_length value name message")
MsChapV2.__doc__ = """Parsed EAP-MSCHAPv2 type data.  Challenge/Response:
value + name; Success/Failure request: message; the peer's one-byte
Success/Failure response has ms_id = ms_length = None."""


def build_eap(code, ident, typ=None, data=b""):
    """Build an EAP packet; ``typ`` only for Request/Response."""
    body = b"" if typ is None else bytes((typ,)) + bytes(data)
    return struct.pack(">BBH", code, ident & 0xFF, 4 + len(body)) + body


def parse_eap(info):
    """Parse an EAP packet (bytes after Length are ignored)."""
    info = bytes(info)
    if len(info) < 4:
        raise ValueError("EAP packet shorter than 4 bytes")
    code, ident, ln = struct.unpack(">BBH", info[:4])
    if ln < 4 or ln > len(info):
        raise ValueError("bad EAP length %d" % ln)
    if code in (EAP_REQUEST, EAP_RESPONSE):
        if ln < 5:
            raise ValueError("EAP request/response without type")
        return EapPacket(code, ident, info[4], info[5:ln])
    if code in (EAP_SUCCESS, EAP_FAILURE):
        return EapPacket(code, ident, None, None)
    raise ValueError("unknown EAP code %d" % code)


def eap_identity_request(ident, prompt=b""):
    """EAP-Request/Identity."""
    return build_eap(EAP_REQUEST, ident, EAP_TYPE_IDENTITY, _b(prompt))


def eap_identity_response(ident, identity):
    """EAP-Response/Identity."""
    return build_eap(EAP_RESPONSE, ident, EAP_TYPE_IDENTITY, _b(identity))


def eap_nak(ident, types=(EAP_TYPE_MSCHAPV2,)):
    """EAP-Response/Legacy-Nak listing the desired auth types."""
    return build_eap(EAP_RESPONSE, ident, EAP_TYPE_NAK, bytes(types))


def eap_success(ident):
    """EAP-Success (4 bytes)."""
    return build_eap(EAP_SUCCESS, ident)


def eap_failure(ident):
    """EAP-Failure (4 bytes)."""
    return build_eap(EAP_FAILURE, ident)


def _ms_body(opcode, ms_id, body):
    # MS-Length = EAP Length - 5 = 4 (opcode, id, len) + body
    return struct.pack(">BBH", opcode, ms_id & 0xFF, 4 + len(body)) + body


def eap_mschapv2_challenge(ident, ms_id, challenge, name):
    """EAP-Request/MSCHAPv2 Challenge (OpCode 1)."""
    challenge = bytes(challenge)
    return build_eap(EAP_REQUEST, ident, EAP_TYPE_MSCHAPV2,
                     _ms_body(MSCHAPV2_OP_CHALLENGE, ms_id,
                              bytes((len(challenge),)) + challenge + _b(name)))


def eap_mschapv2_response(ident, ms_id, value49, name):
    """EAP-Response/MSCHAPv2 Response (OpCode 2) with a 49-byte value."""
    value49 = bytes(value49)
    return build_eap(EAP_RESPONSE, ident, EAP_TYPE_MSCHAPV2,
                     _ms_body(MSCHAPV2_OP_RESPONSE, ms_id,
                              bytes((len(value49),)) + value49 + _b(name)))


def eap_mschapv2_success_request(ident, ms_id, message):
    """EAP-Request/MSCHAPv2 Success Request (OpCode 3), ``S=... M=...``."""
    return build_eap(EAP_REQUEST, ident, EAP_TYPE_MSCHAPV2,
                     _ms_body(MSCHAPV2_OP_SUCCESS, ms_id, _b(message)))


def eap_mschapv2_failure_request(ident, ms_id, message):
    """EAP-Request/MSCHAPv2 Failure Request (OpCode 4), ``E=... R=...``."""
    return build_eap(EAP_REQUEST, ident, EAP_TYPE_MSCHAPV2,
                     _ms_body(MSCHAPV2_OP_FAILURE, ms_id, _b(message)))


def eap_mschapv2_ack(ident, opcode=MSCHAPV2_OP_SUCCESS):
    """Peer's one-byte EAP-Response/MSCHAPv2 (03 after Success, 04 after
    Failure)."""
    return build_eap(EAP_RESPONSE, ident, EAP_TYPE_MSCHAPV2, bytes((opcode,)))


def parse_eap_mschapv2(data):
    """Parse EAP-MSCHAPv2 type data (the bytes after the EAP type)."""
    data = bytes(data)
    if not data:
        raise ValueError("empty EAP-MSCHAPv2 data")
    op = data[0]
    if len(data) == 1:
        return MsChapV2(op, None, None, None, None, None)
    if len(data) < 4:
        raise ValueError("truncated EAP-MSCHAPv2 header")
    ms_id = data[1]
    ms_len = struct.unpack(">H", data[2:4])[0]
    body = data[4:]
    if op in (MSCHAPV2_OP_CHALLENGE, MSCHAPV2_OP_RESPONSE):
        if not body or len(body) < 1 + body[0]:
            raise ValueError("truncated EAP-MSCHAPv2 value")
        return MsChapV2(op, ms_id, ms_len, body[1:1 + body[0]],
                        body[1 + body[0]:], None)
    if op in (MSCHAPV2_OP_SUCCESS, MSCHAPV2_OP_FAILURE):
        return MsChapV2(op, ms_id, ms_len, None, None, body)
    return MsChapV2(op, ms_id, ms_len, body, None, None)


# ---------------------------------------------------------------------------
# IPv4 / ICMP echo (RFC 791, RFC 792)
# ---------------------------------------------------------------------------

Ipv4Packet = namedtuple("Ipv4Packet", "src dst proto ttl ident payload")
IcmpEcho = namedtuple("IcmpEcho", "type code ident seq payload")

ICMP_ECHO_REPLY = 0
ICMP_ECHO_REQUEST = 8


def inet_checksum(data):
    """Internet checksum (RFC 1071) of ``data``."""
    data = bytes(data)
    if len(data) & 1:
        data += b"\x00"
    s = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def build_ipv4(src, dst, proto, payload, ttl=64, ident=0):
    """Build an IPv4 packet (no options, DF clear) with a valid checksum."""
    payload = bytes(payload)
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                      0, ttl, proto, 0, ipaddress.IPv4Address(src).packed,
                      ipaddress.IPv4Address(dst).packed)
    csum = inet_checksum(hdr)
    return hdr[:10] + struct.pack(">H", csum) + hdr[12:] + payload


def parse_ipv4(data, check=True):
    """Parse an IPv4 packet; checks version, IHL, total length and (if
    ``check``) the header checksum.  Returns Ipv4Packet with str addrs."""
    data = bytes(data)
    if len(data) < 20 or data[0] >> 4 != 4:
        raise ValueError("not IPv4")
    ihl = (data[0] & 0xF) * 4
    total = struct.unpack(">H", data[2:4])[0]
    if ihl < 20 or total < ihl or total > len(data):
        raise ValueError("bad IPv4 lengths")
    if check and inet_checksum(data[:ihl]) != 0:
        raise ValueError("bad IPv4 header checksum")
    return Ipv4Packet(str(ipaddress.IPv4Address(data[12:16])),
                      str(ipaddress.IPv4Address(data[16:20])), data[9],
                      data[8], struct.unpack(">H", data[4:6])[0],
                      data[ihl:total])


def build_icmp_echo(typ, ident, seq, payload=b""):
    """ICMP Echo Request (8) / Reply (0) message with checksum."""
    msg = struct.pack(">BBHHH", typ, 0, 0, ident, seq) + bytes(payload)
    return msg[:2] + struct.pack(">H", inet_checksum(msg)) + msg[4:]


def parse_icmp_echo(data, check=True):
    """Parse an ICMP echo message; returns IcmpEcho."""
    data = bytes(data)
    if len(data) < 8:
        raise ValueError("ICMP message too short")
    if check and inet_checksum(data) != 0:
        raise ValueError("bad ICMP checksum")
    typ, code, _, ident, seq = struct.unpack(">BBHHH", data[:8])
    return IcmpEcho(typ, code, ident, seq, data[8:])


def icmp_echo_packet(src, dst, ident, seq, payload=b"", reply=False):
    """A complete IPv4 packet carrying an ICMP echo request (or reply)."""
    typ = ICMP_ECHO_REPLY if reply else ICMP_ECHO_REQUEST
    return build_ipv4(src, dst, 1, build_icmp_echo(typ, ident, seq, payload))


def icmp_echo_reply_for(packet):
    """Given an IPv4 ICMP Echo Request, return the matching Echo Reply
    packet (addresses swapped, same id/seq/payload); None otherwise."""
    try:
        ip = parse_ipv4(packet)
        if ip.proto != 1:
            return None
        icmp = parse_icmp_echo(ip.payload)
    except ValueError:
        return None
    if icmp.type != ICMP_ECHO_REQUEST:
        return None
    return icmp_echo_packet(ip.dst, ip.src, icmp.ident, icmp.seq,
                            icmp.payload, reply=True)


def _b(s):
    if isinstance(s, str):
        return s.encode("utf-8")
    return bytes(s)
