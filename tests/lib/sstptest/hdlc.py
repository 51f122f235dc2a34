"""PPP in HDLC-like framing, asynchronous (RFC 1662).

- ``fcs16(data, fcs=0xFFFF)``: running FCS-16 (reflected polynomial 0x8408,
  RFC 1662 appendix C.2).  Over a frame plus its transmitted FCS the result
  is ``GOOD_FCS`` (0xF0B8).
- ``encode(frame, accm=0xFFFFFFFF)``: returns ``7E <escaped frame+FCS> 7E``.
  Bytes < 0x20 whose bit is set in ``accm`` are escaped, 0x7D and 0x7E
  always.  ``frame`` is the PPP frame as it goes on the wire (normally
  starting ``FF 03``), without FCS.
- ``Decoder``: incremental decoder; ``feed(bytes)`` returns the list of
  complete frames (FCS checked and stripped).  Frames with a bad FCS or
  shorter than 4 bytes (incl. FCS) are counted in ``bad_fcs`` /
  ``runts`` and dropped.  Any 0x7D-escaped byte is un-escaped regardless of
  ACCM (the receiver must not assume the peer's ACCM).
"""

__all__ = ["fcs16", "GOOD_FCS", "INIT_FCS", "append_fcs", "encode",
           "Decoder", "decode_all"]

INIT_FCS = 0xFFFF
GOOD_FCS = 0xF0B8
FLAG = 0x7E
ESC = 0x7D


def _make_table():
    table = []
    for b in range(256):
        v = b
        for _ in range(8):
            v = (v >> 1) ^ 0x8408 if v & 1 else v >> 1
        table.append(v & 0xFFFF)
    return tuple(table)


_FCSTAB = _make_table()


def fcs16(data, fcs=INIT_FCS):
    """Running FCS-16 over ``data`` starting from ``fcs``."""
    for b in data:
        fcs = (fcs >> 8) ^ _FCSTAB[(fcs ^ b) & 0xFF]
    return fcs


def append_fcs(frame):
    """Return ``frame`` + its FCS (one's complement, low byte first)."""
    fcs = fcs16(frame) ^ 0xFFFF
    return bytes(frame) + bytes((fcs & 0xFF, fcs >> 8))


def encode(frame, accm=0xFFFFFFFF):
    """Async-HDLC encode one PPP frame (adds FCS, escapes, flags)."""
    out = bytearray((FLAG,))
    for b in append_fcs(frame):
        if b in (FLAG, ESC) or (b < 0x20 and (accm >> b) & 1):
            out.append(ESC)
            out.append(b ^ 0x20)
        else:
            out.append(b)
    out.append(FLAG)
    return bytes(out)


class Decoder:
    """Incremental async-HDLC decoder.

    ``check_fcs`` (default True) drops frames whose FCS is not good;
    ``max_frame`` drops (counts in ``too_long``) frames longer than that.
    """

    def __init__(self, check_fcs=True, max_frame=65536):
        self.check_fcs = check_fcs
        self.max_frame = max_frame
        self._buf = bytearray()
        self._esc = False
        self._overflow = False
        self.bad_fcs = 0
        self.runts = 0
        self.too_long = 0
        self.frames = 0

    def feed(self, data):
        """Feed raw bytes; return the list of complete decoded frames."""
        out = []
        for b in data:
            if b == FLAG:
                self._finish(out)
                continue
            if self._overflow:
                continue
            if b == ESC:
                self._esc = True
                continue
            if self._esc:
                b ^= 0x20
                self._esc = False
            if len(self._buf) >= self.max_frame + 2:
                self._overflow = True
                self._buf.clear()
                continue
            self._buf.append(b)
        return out

    def _finish(self, out):
        buf, self._buf = bytes(self._buf), bytearray()
        aborted = self._esc       # 7D 7E = abort sequence
        self._esc = False
        if self._overflow:
            self._overflow = False
            self.too_long += 1
            return
        if not buf or aborted:
            return
        if len(buf) < 4:
            self.runts += 1
            return
        if self.check_fcs and fcs16(buf) != GOOD_FCS:
            self.bad_fcs += 1
            return
        self.frames += 1
        out.append(buf[:-2])


def decode_all(data, check_fcs=True):
    """Decode a complete byte string; returns the list of frames."""
    return Decoder(check_fcs=check_fcs).feed(data)
