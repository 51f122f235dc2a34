"""Pure-Python MS-CHAPv2 / MPPE / SSTP crypto-binding primitives.

Written from the specifications only (FIPS 46-3 for DES, RFC 1320 for MD4,
RFC 2759 for MS-CHAPv2, RFC 3079 for MPPE keys, RFC 3078 for MPPE packets,
[MS-SSTP] 3.2.5.2 for the crypto binding).  OpenSSL 3 no longer offers MD4
or single DES through hashlib, hence the hand-written versions.  These are
test-only implementations: slow and not constant time.

All functions take and return ``bytes``.  Passwords are ``str`` (encoded to
UTF-16LE as RFC 2759 requires) or ``bytes`` (taken as UTF-8 and decoded).
"""

import hashlib
import hmac
import struct

__all__ = [
    "md4", "des_encrypt", "RC4", "rc4",
    "nt_password_hash", "hash_nt_password_hash", "challenge_hash",
    "challenge_response", "generate_nt_response",
    "generate_authenticator_response", "check_authenticator_response",
    "get_master_key", "get_asymmetric_start_key", "master_keys",
    "client_hlak", "server_hlak", "eap_mschapv2_msk",
    "sstp_cmk", "sstp_cmac", "sstp_call_connected_mac",
    "mppe_initial_session_key", "mppe_change_key", "MppeContext",
]


# ---------------------------------------------------------------------------
# MD4 (RFC 1320)
# ---------------------------------------------------------------------------

def _rotl32(x, n):
    x &= 0xFFFFFFFF
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


def md4(data):
    """Return the 16-byte MD4 digest of ``data`` (RFC 1320)."""
    data = bytes(data)
    bitlen = (8 * len(data)) & 0xFFFFFFFFFFFFFFFF
    msg = data + b"\x80"
    msg += b"\x00" * ((56 - len(msg) % 64) % 64)
    msg += struct.pack("<Q", bitlen)
    a, b, c, d = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476
    for off in range(0, len(msg), 64):
        x = struct.unpack("<16I", msg[off:off + 64])
        aa, bb, cc, dd = a, b, c, d

        def f(x_, y, z):
            return (x_ & y) | (~x_ & z)

        def g(x_, y, z):
            return (x_ & y) | (x_ & z) | (y & z)

        def h(x_, y, z):
            return x_ ^ y ^ z

        # Round 1
        for i in range(0, 16, 4):
            a = _rotl32(a + f(b, c, d) + x[i], 3)
            d = _rotl32(d + f(a, b, c) + x[i + 1], 7)
            c = _rotl32(c + f(d, a, b) + x[i + 2], 11)
            b = _rotl32(b + f(c, d, a) + x[i + 3], 19)
        # Round 2
        for i in range(4):
            k = 0x5A827999
            a = _rotl32(a + g(b, c, d) + x[i] + k, 3)
            d = _rotl32(d + g(a, b, c) + x[i + 4] + k, 5)
            c = _rotl32(c + g(d, a, b) + x[i + 8] + k, 9)
            b = _rotl32(b + g(c, d, a) + x[i + 12] + k, 13)
        # Round 3
        for i in (0, 2, 1, 3):
            k = 0x6ED9EBA1
            a = _rotl32(a + h(b, c, d) + x[i] + k, 3)
            d = _rotl32(d + h(a, b, c) + x[i + 8] + k, 9)
            c = _rotl32(c + h(d, a, b) + x[i + 4] + k, 11)
            b = _rotl32(b + h(c, d, a) + x[i + 12] + k, 15)
        a = (a + aa) & 0xFFFFFFFF
        b = (b + bb) & 0xFFFFFFFF
        c = (c + cc) & 0xFFFFFFFF
        d = (d + dd) & 0xFFFFFFFF
    return struct.pack("<4I", a, b, c, d)


# ---------------------------------------------------------------------------
# DES (FIPS 46-3), encryption of one 64-bit block only
# ---------------------------------------------------------------------------

_IP = (58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
       62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
       57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
       61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7)

_FP = (40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31,
       38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
       36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
       34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25)

_E = (32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13,
      12, 13, 14, 15, 16, 17, 16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25,
      24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1)

_P = (16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
      2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25)

_PC1 = (57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18,
        10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
        63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
        14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4)

_PC2 = (14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10,
        23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
        41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48,
        44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32)

_SHIFTS = (1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1)

_SBOX = (
    (14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
     0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
     4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
     15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13),
    (15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
     3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
     0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
     13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9),
    (10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
     13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
     13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
     1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12),
    (7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
     13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
     10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
     3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14),
    (2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
     14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
     4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
     11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3),
    (12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
     10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
     9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
     4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13),
    (4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
     13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
     1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
     6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12),
    (13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
     1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
     7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
     2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11),
)


def _permute(val, table, inbits):
    """Apply a 1-based DES bit-selection table (bit 1 = MSB) to ``val``."""
    out = 0
    for pos in table:
        out = (out << 1) | ((val >> (inbits - pos)) & 1)
    return out


def _des_subkeys(key8):
    k = _permute(int.from_bytes(key8, "big"), _PC1, 64)
    c, d = k >> 28, k & 0x0FFFFFFF
    subkeys = []
    for s in _SHIFTS:
        c = ((c << s) | (c >> (28 - s))) & 0x0FFFFFFF
        d = ((d << s) | (d >> (28 - s))) & 0x0FFFFFFF
        subkeys.append(_permute((c << 28) | d, _PC2, 56))
    return subkeys


def _des_f(r, k):
    x = _permute(r, _E, 32) ^ k
    out = 0
    for i in range(8):
        six = (x >> (42 - 6 * i)) & 0x3F
        row = ((six >> 4) & 2) | (six & 1)
        col = (six >> 1) & 0xF
        out = (out << 4) | _SBOX[i][row * 16 + col]
    return _permute(out, _P, 32)


def des_key_expand(key7):
    """Expand a 7-byte key to the 8-byte DES form (7 key bits per byte,
    low bit = parity, left 0 as RFC 2759 allows: parity is ignored)."""
    if len(key7) != 7:
        raise ValueError("DES key must be 7 bytes")
    k = int.from_bytes(key7, "big")
    return bytes(((k >> (56 - 7 * (i + 1))) & 0x7F) << 1 for i in range(8))


def des_encrypt(key, block8):
    """DES-encrypt one 8-byte block.  ``key`` is 7 bytes (expanded as in
    RFC 2759 DesEncrypt) or a full 8-byte DES key (parity ignored)."""
    if len(block8) != 8:
        raise ValueError("DES block must be 8 bytes")
    if len(key) == 7:
        key = des_key_expand(key)
    elif len(key) != 8:
        raise ValueError("DES key must be 7 or 8 bytes")
    subkeys = _des_subkeys(bytes(key))
    v = _permute(int.from_bytes(block8, "big"), _IP, 64)
    left, right = v >> 32, v & 0xFFFFFFFF
    for k in subkeys:
        left, right = right, left ^ _des_f(right, k)
    return _permute((right << 32) | left, _FP, 64).to_bytes(8, "big")


# ---------------------------------------------------------------------------
# RC4
# ---------------------------------------------------------------------------

class RC4:
    """RC4 stream cipher with persistent state (needed for stateful MPPE).

    >>> RC4(b"Key").crypt(b"Plaintext").hex()
    'bbf316e8d940af0ad3'
    """

    def __init__(self, key):
        if not key:
            raise ValueError("empty RC4 key")
        s = list(range(256))
        j = 0
        for i in range(256):
            j = (j + s[i] + key[i % len(key)]) & 0xFF
            s[i], s[j] = s[j], s[i]
        self._s = s
        self._i = 0
        self._j = 0

    def crypt(self, data):
        """Encrypt or decrypt ``data`` (same operation), advancing state."""
        s, i, j = self._s, self._i, self._j
        out = bytearray(len(data))
        for n, byte in enumerate(data):
            i = (i + 1) & 0xFF
            j = (j + s[i]) & 0xFF
            s[i], s[j] = s[j], s[i]
            out[n] = byte ^ s[(s[i] + s[j]) & 0xFF]
        self._i, self._j = i, j
        return bytes(out)


def rc4(key, data):
    """One-shot RC4 of ``data`` with a fresh state keyed by ``key``."""
    return RC4(key).crypt(data)


# ---------------------------------------------------------------------------
# MS-CHAPv2 (RFC 2759)
# ---------------------------------------------------------------------------

_MAGIC1 = b"Magic server to client signing constant"
_MAGIC2 = b"Pad to make it do more than one iteration"


def _pw_bytes(password):
    if isinstance(password, (bytes, bytearray)):
        password = bytes(password).decode("utf-8")
    return password.encode("utf-16-le")


def _strip_domain(username):
    if isinstance(username, str):
        username = username.encode("utf-8")
    # RFC 2759 8.2: only the user part after the last backslash
    idx = username.rfind(b"\\")
    return username[idx + 1:] if idx >= 0 else username


def nt_password_hash(password):
    """NtPasswordHash: MD4(UTF-16LE(password)), 16 bytes (RFC 2759 8.3).
    ``password`` is str, or bytes holding UTF-8."""
    return md4(_pw_bytes(password))


def hash_nt_password_hash(password_hash):
    """HashNtPasswordHash: MD4(PasswordHash) (RFC 2759 8.4)."""
    return md4(password_hash)


def challenge_hash(peer_challenge, auth_challenge, username):
    """ChallengeHash (RFC 2759 8.2): SHA1(peer|auth|user)[0:8]; a
    ``DOMAIN\\`` prefix in ``username`` is stripped first."""
    return hashlib.sha1(bytes(peer_challenge) + bytes(auth_challenge) +
                        _strip_domain(username)).digest()[:8]


def challenge_response(challenge8, password_hash):
    """ChallengeResponse (RFC 2759 8.5): three DES encryptions, 24 bytes."""
    z = bytes(password_hash) + b"\x00" * 5
    return (des_encrypt(z[0:7], challenge8) + des_encrypt(z[7:14], challenge8)
            + des_encrypt(z[14:21], challenge8))


def generate_nt_response(auth_challenge, peer_challenge, username, password):
    """GenerateNTResponse (RFC 2759 8.1), 24 bytes."""
    ch = challenge_hash(peer_challenge, auth_challenge, username)
    return challenge_response(ch, nt_password_hash(password))


def generate_authenticator_response(password, nt_response, peer_challenge,
                                    auth_challenge, username):
    """GenerateAuthenticatorResponse (RFC 2759 8.7): returns the 42-byte
    ASCII string ``S=<40 upper-case hex>`` as bytes."""
    phh = hash_nt_password_hash(nt_password_hash(password))
    d = hashlib.sha1(phh + bytes(nt_response) + _MAGIC1).digest()
    ch = challenge_hash(peer_challenge, auth_challenge, username)
    d = hashlib.sha1(d + ch + _MAGIC2).digest()
    return b"S=" + d.hex().upper().encode("ascii")


def check_authenticator_response(password, nt_response, peer_challenge,
                                 auth_challenge, username, received):
    """CheckAuthenticatorResponse (RFC 2759 8.8).  ``received`` is the
    Success message (bytes or str); its first 42 bytes must be ``S=...``
    (hex compared case-insensitively).  Returns True or False."""
    if isinstance(received, str):
        received = received.encode("ascii", "replace")
    want = generate_authenticator_response(password, nt_response,
                                           peer_challenge, auth_challenge,
                                           username)
    got = bytes(received[:42])
    if len(got) != 42 or not got.startswith(b"S="):
        return False
    return hmac.compare_digest(got.upper(), want)


# ---------------------------------------------------------------------------
# MPPE key derivation (RFC 3079 section 3)
# ---------------------------------------------------------------------------

_MPPE_MASTER_MAGIC = b"This is the MPPE Master Key"
_KEY_MAGIC2 = (b"On the client side, this is the send key; on the server "
               b"side, it is the receive key.")
_KEY_MAGIC3 = (b"On the client side, this is the receive key; on the server "
               b"side, it is the send key.")
_SHSPAD1 = b"\x00" * 40
_SHSPAD2 = b"\xf2" * 40


def get_master_key(password_hash_hash, nt_response):
    """GetMasterKey (RFC 3079 3.4): 16 bytes."""
    return hashlib.sha1(bytes(password_hash_hash) + bytes(nt_response) +
                        _MPPE_MASTER_MAGIC).digest()[:16]


def get_asymmetric_start_key(master_key, length, is_send, is_server):
    """GetAsymmetricStartKey (RFC 3079 3.4): ``length`` = 8 or 16."""
    if is_send ^ is_server:
        s = _KEY_MAGIC2
    else:
        s = _KEY_MAGIC3
    return hashlib.sha1(bytes(master_key) + _SHSPAD1 + s +
                        _SHSPAD2).digest()[:length]


def master_keys(password, nt_response, is_server):
    """Return (MasterSendKey, MasterReceiveKey), 16 bytes each, from one
    side's point of view, for an MS-CHAPv2 exchange."""
    phh = hash_nt_password_hash(nt_password_hash(password))
    mk = get_master_key(phh, nt_response)
    return (get_asymmetric_start_key(mk, 16, True, is_server),
            get_asymmetric_start_key(mk, 16, False, is_server))


def client_hlak(password, nt_response):
    """Client HLAK for MS-CHAPv2 (MS-SSTP 3.2.5.2.2): client MasterSendKey |
    MasterReceiveKey, 32 bytes."""
    send, recv = master_keys(password, nt_response, is_server=False)
    return send + recv


def server_hlak(password, nt_response):
    """Server HLAK for MS-CHAPv2 (MS-SSTP 3.3.5.2.3): server
    MasterReceiveKey | MasterSendKey, 32 bytes (equal to client_hlak)."""
    send, recv = master_keys(password, nt_response, is_server=True)
    return recv + send


def eap_mschapv2_msk(password, nt_response):
    """EAP-MSCHAPv2 MSK (64 bytes) as used for the SSTP HLAK: client
    MasterSendKey | client MasterReceiveKey | 32 zero bytes."""
    return client_hlak(password, nt_response) + b"\x00" * 32


# ---------------------------------------------------------------------------
# SSTP crypto binding ([MS-SSTP] 3.2.5.2.2 / 3.2.5.2.4)
# ---------------------------------------------------------------------------

_CMK_SEED = b"SSTP inner method derived CMK"
HASH_SHA1 = 1
HASH_SHA256 = 2


def _hashmod(proto):
    if proto == HASH_SHA1:
        return hashlib.sha1
    if proto == HASH_SHA256:
        return hashlib.sha256
    raise ValueError("hash protocol must be 1 (SHA-1) or 2 (SHA-256)")


def sstp_cmk(hlak, proto):
    """CMK = HMAC-H(HLAK, seed | LEN16le | 0x01); 20 or 32 bytes."""
    hm = _hashmod(proto)
    n = hm().digest_size
    seed = _CMK_SEED + struct.pack("<H", n) + b"\x01"
    return hmac.new(bytes(hlak), seed, hm).digest()


def sstp_cmac(hlak, proto, packet112):
    """Compound MAC over a 112-byte Call Connected packet (bytes 80..111
    are zeroed before hashing).  Returns 20 or 32 bytes."""
    if len(packet112) != 112:
        raise ValueError("Call Connected must be 112 bytes")
    p = bytes(packet112[:80]) + b"\x00" * 32
    return hmac.new(sstp_cmk(hlak, proto), p, _hashmod(proto)).digest()


def sstp_call_connected_mac(hlak, proto, nonce, cert_hash):
    """Build a complete, correctly MAC'ed 112-byte Call Connected packet."""
    ch = bytes(cert_hash).ljust(32, b"\x00")
    if len(nonce) != 32 or len(ch) != 32:
        raise ValueError("bad nonce / cert hash length")
    p = (bytes.fromhex("10010070000400010003006800000000")[:15]
         + bytes([proto]) + bytes(nonce) + ch + b"\x00" * 32)
    mac = sstp_cmac(hlak, proto, p)
    return p[:80] + mac.ljust(32, b"\x00")


# ---------------------------------------------------------------------------
# MPPE session keys and packets (RFC 3079 3.x, 7; RFC 3078)
# ---------------------------------------------------------------------------

def _get_new_key_from_sha(start_key, session_key, length):
    return hashlib.sha1(bytes(start_key[:length]) + _SHSPAD1 +
                        bytes(session_key[:length]) + _SHSPAD2).digest()[:length]


def _salt(key, bits):
    if bits == 40:
        return b"\xd1\x26\x9e" + key[3:8]
    if bits == 56:
        return b"\xd1" + key[1:8]
    return key


def _keylen(bits):
    if bits not in (40, 56, 128):
        raise ValueError("MPPE strength must be 40, 56 or 128")
    return 16 if bits == 128 else 8


def mppe_initial_session_key(start_key, bits):
    """Initial MPPE session key (RFC 3079 7.x): GetNewKeyFromSHA(start,
    start) plus the 40/56-bit salt."""
    n = _keylen(bits)
    return _salt(_get_new_key_from_sha(start_key, start_key, n), bits)


def mppe_change_key(start_key, session_key, bits):
    """MPPE key change (RFC 3079 3.1/7): interim = GetNewKeyFromSHA(start,
    current); new = RC4(interim, interim) then salted."""
    n = _keylen(bits)
    interim = _get_new_key_from_sha(start_key, session_key, n)
    return _salt(rc4(interim, interim), bits)


MPPE_BIT_A = 0x80   # flushed
MPPE_BIT_B = 0x40
MPPE_BIT_C = 0x20   # compressed (MPPC, not supported here)
MPPE_BIT_D = 0x10   # encrypted


class MppeContext:
    """One direction of MPPE (RFC 3078) encryption or decryption.

    ``start_key`` is this direction's 8/16-byte start key (the sender's
    MasterSendKey or the receiver's MasterReceiveKey).  The coherency count
    starts so that the first packet carries count 0.  In stateless mode the
    key is changed before every packet; in stateful mode when the low byte
    of the count is 0xFF, and after reset() (CCP Reset-Request).

    ``encrypt(proto, payload)`` returns the PPP information field of a
    protocol 0x00FD packet; ``decrypt(info)`` returns (proto, payload) or
    raises ValueError.
    """

    def __init__(self, start_key, bits=128, stateless=True):
        n = _keylen(bits)
        self.bits = bits
        self.stateless = stateless
        self.start_key = bytes(start_key[:n])
        self.session_key = mppe_initial_session_key(self.start_key, bits)
        self._rc4 = RC4(self.session_key)
        self.ccount = 0xFFF
        self._flush = False

    def _rekey(self):
        self.session_key = mppe_change_key(self.start_key, self.session_key,
                                           self.bits)
        self._rc4 = RC4(self.session_key)

    def reset(self):
        """Force a rekey + A bit on the next packet (after Reset-Request)."""
        self._flush = True

    def encrypt(self, proto, payload):
        """Encrypt [proto(2) | payload]; returns header(2) + ciphertext."""
        self.ccount = (self.ccount + 1) & 0xFFF
        flags = MPPE_BIT_D
        if self.stateless or (self.ccount & 0xFF) == 0xFF or self._flush:
            self._rekey()
            flags |= MPPE_BIT_A
            self._flush = False
        hdr = struct.pack(">H", (flags << 8) | self.ccount)
        return hdr + self._rc4.crypt(struct.pack(">H", proto) + bytes(payload))

    def decrypt(self, info):
        """Decrypt an MPPE information field; returns (proto, payload)."""
        if len(info) < 4:
            raise ValueError("MPPE packet too short")
        word = struct.unpack(">H", info[:2])[0]
        flags, count = word >> 8 & 0xF0, word & 0xFFF
        if not flags & MPPE_BIT_D:
            raise ValueError("MPPE packet without D bit")
        if flags & MPPE_BIT_C:
            raise ValueError("MPPC compression not supported")
        if self.stateless:
            steps = (count - self.ccount) & 0xFFF
            if steps == 0:
                raise ValueError("MPPE coherency count repeated")
            for _ in range(steps):
                self._rekey()
        elif flags & MPPE_BIT_A:
            # flushed packet (flag packet or after a Reset-Request):
            # the sender changed its key exactly once
            self._rekey()
        elif count != (self.ccount + 1) & 0xFFF:
            raise ValueError("MPPE stateful: lost sync (send Reset-Request)")
        self.ccount = count
        plain = self._rc4.crypt(info[2:])
        return struct.unpack(">H", plain[:2])[0], plain[2:]
