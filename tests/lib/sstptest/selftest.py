"""Known-answer self test of sstptest's crypto and wire helpers.

Vectors: PROTOCOL.md 4.4 (MS-SSTP 4.7 crypto binding), 5.2 (HDLC),
6.1 (RFC 2759 9.2), 6.2 (RFC 3079 3.5), plus standard MD4 (RFC 1320 A.5),
DES (FIPS 81 / classic textbook vector) and RC4 test vectors.
Every check compares the full output.  Exit status 0 only if all pass.

Run:  /usr/bin/python3 tests/lib/sstptest/selftest.py
"""

import hashlib
import os
import sys

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))))

from sstptest import hdlc, mscrypto as mc, pppwire as pw  # noqa: E402

_FAILS = []
_COUNT = [0]


def h(s):
    """Hex string (spaces/newlines allowed) to bytes."""
    return bytes.fromhex("".join(s.split()))


def check(name, got, want):
    """Compare and record one result."""
    _COUNT[0] += 1
    if got != want:
        _FAILS.append(name)
        g = got.hex() if isinstance(got, bytes) else repr(got)
        w = want.hex() if isinstance(want, bytes) else repr(want)
        print("FAIL %s\n  got  %s\n  want %s" % (name, g, w))


def test_primitives():
    """MD4, DES, RC4 standard vectors."""
    md4v = [
        (b"", "31d6cfe0d16ae931b73c59d7e0c089c0"),
        (b"a", "bde52cb31de33e46245e05fbdbd6fb24"),
        (b"abc", "a448017aaf21d8525fc10ae87aa6729d"),
        (b"message digest", "d9130a8164549fe818874806e1c7014b"),
        (b"abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
        (b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
         "043f8582f241db351ce627e153e7f0e4"),
        (b"1234567890" * 8, "e33b4ddc9c38f2199c3e7b164fcc0536"),
    ]
    for msg, want in md4v:
        check("md4(%r)" % msg[:12], mc.md4(msg), h(want))
    check("des textbook", mc.des_encrypt(h("133457799BBCDFF1"),
                                         h("0123456789ABCDEF")),
          h("85E813540F0AB405"))
    check("des 7-byte key expand", mc.des_key_expand(h("FFFFFFFFFFFFFF")),
          h("FEFEFEFEFEFEFEFE"))
    check("des zero key", mc.des_encrypt(h("0000000000000000"),
                                         h("0000000000000000")),
          h("8CA64DE9C1B123A7"))
    for sb in mc._SBOX:
        for row in range(4):
            check("sbox row permutation", sorted(sb[row * 16:row * 16 + 16]),
                  list(range(16)))
    check("rc4 Key", mc.rc4(b"Key", b"Plaintext"), h("BBF316E8D940AF0AD3"))
    check("rc4 Wiki", mc.rc4(b"Wiki", b"pedia"), h("1021BF0420"))
    check("rc4 Secret", mc.rc4(b"Secret", b"Attack at dawn"),
          h("45A01F645FC35B383552544B9BF5"))
    r = mc.RC4(b"Key")
    check("rc4 stateful split", r.crypt(b"Plain") + r.crypt(b"text"),
          h("BBF316E8D940AF0AD3"))


# RFC 2759 9.2 / PROTOCOL.md 6.1
USER = "User"
PASSWORD = "clientPass"
AUTH_CH = h("5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28")
PEER_CH = h("21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E")
NT_RESP = h("82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A"
            "3D 85 D6 DF")


def test_mschapv2():
    """RFC 2759 9.2 vector, full chain."""
    check("challenge_hash", mc.challenge_hash(PEER_CH, AUTH_CH, USER),
          h("D0 2E 43 86 BC E9 12 26"))
    check("challenge_hash strips domain",
          mc.challenge_hash(PEER_CH, AUTH_CH, "DOM\\User"),
          h("D0 2E 43 86 BC E9 12 26"))
    ph = mc.nt_password_hash(PASSWORD)
    check("nt_password_hash", ph, h("44 EB BA 8D 53 12 B8 D6 11 47 44 11"
                                    "F5 69 89 AE"))
    check("nt_password_hash utf8 bytes", mc.nt_password_hash(b"clientPass"),
          ph)
    check("hash_nt_password_hash", mc.hash_nt_password_hash(ph),
          h("41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F"))
    check("generate_nt_response",
          mc.generate_nt_response(AUTH_CH, PEER_CH, USER, PASSWORD), NT_RESP)
    ar = mc.generate_authenticator_response(PASSWORD, NT_RESP, PEER_CH,
                                            AUTH_CH, USER)
    check("authenticator response", ar,
          b"S=407A5589115FD0D6209F510FE9C04566932CDA56")
    check("check_authenticator_response ok",
          mc.check_authenticator_response(PASSWORD, NT_RESP, PEER_CH, AUTH_CH,
                                          USER, ar + b" M=welcome"), True)
    check("check_authenticator_response lower-case hex",
          mc.check_authenticator_response(PASSWORD, NT_RESP, PEER_CH, AUTH_CH,
                                          USER, "S=" + ar[2:].decode().lower()),
          True)
    bad = ar[:-1] + (b"7" if ar[-1:] != b"7" else b"8")
    check("check_authenticator_response bad",
          mc.check_authenticator_response(PASSWORD, NT_RESP, PEER_CH, AUTH_CH,
                                          USER, bad), False)
    check("check_authenticator_response short",
          mc.check_authenticator_response(PASSWORD, NT_RESP, PEER_CH, AUTH_CH,
                                          USER, ar[:20]), False)
    frame = pw.ppp_frame(pw.PROTO_CHAP, pw.chap_response(
        1, pw.mschapv2_response_value(PEER_CH, NT_RESP), USER))
    check("chap response frame", frame, h(
        "FF 03 C2 23 02 01 00 3A 31 21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33"
        "7C 7E 00 00 00 00 00 00 00 00 82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81"
        "CD 83 54 42 33 11 4A 3D 85 D6 DF 00 55 73 65 72"))
    c = pw.parse_chap(pw.parse_ppp_frame(frame)[1])
    check("parse chap response", pw.parse_mschapv2_response_value(c.value),
          (PEER_CH, NT_RESP, 0))
    check("parse chap name", c.name, b"User")


def test_mppe():
    """RFC 3079 3.5 vectors and PROTOCOL.md 6.2 self-computed ones."""
    phh = mc.hash_nt_password_hash(mc.nt_password_hash(PASSWORD))
    mk = mc.get_master_key(phh, NT_RESP)
    check("master key", mk, h("FD EC E3 71 7A 8C 83 8C B3 88 E5 27 AE 3C DD 31"))
    send128 = mc.get_asymmetric_start_key(mk, 16, True, True)
    check("server SendStartKey128", send128,
          h("8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB"))
    check("server SendStartKey40", mc.get_asymmetric_start_key(mk, 8, True,
                                                               True),
          h("8B 7C DC 14 9B 99 3A 1B"))
    s128 = mc.mppe_initial_session_key(send128, 128)
    check("SendSessionKey128", s128,
          h("40 5C B2 24 7A 79 56 E6 E2 11 00 7A E2 7B 22 D4"))
    check("SendSessionKey40", mc.mppe_initial_session_key(send128[:8], 40),
          h("D1 26 9E C4 9F A6 2E 3E"))
    check("SendSessionKey56", mc.mppe_initial_session_key(send128[:8], 56),
          h("D1 5C 00 C4 9F A6 2E 3E"))
    csend, crecv = mc.master_keys(PASSWORD, NT_RESP, is_server=False)
    check("client MasterSendKey", csend,
          h("D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26"))
    check("client recv == server send", crecv, send128)
    check("key change 128", mc.mppe_change_key(send128, s128, 128),
          h("72 6F 10 50 0E 2B 54 13 5B 1B 74 D7 68 2F 04 71"))
    s40 = mc.mppe_initial_session_key(send128[:8], 40)
    check("key change 40", mc.mppe_change_key(send128[:8], s40, 40),
          h("D1 26 9E CE 4D 98 D1 81"))
    hl = h("D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26"
           "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB")
    check("client HLAK", mc.client_hlak(PASSWORD, NT_RESP), hl)
    check("server HLAK", mc.server_hlak(PASSWORD, NT_RESP), hl)
    check("EAP MSK", mc.eap_mschapv2_msk(PASSWORD, NT_RESP), hl + bytes(32))
    # MPPE packets: encrypt with one side, decrypt with the other
    for stateless in (True, False):
        for bits in (40, 56, 128):
            tx = mc.MppeContext(send128, bits, stateless)
            rx = mc.MppeContext(send128, bits, stateless)
            ok = True
            for i in range(300):
                pkt = tx.encrypt(0x0021, bytes([i & 0xFF]) * (i % 50 + 1))
                if rx.decrypt(pkt) != (0x0021, bytes([i & 0xFF]) *
                                       (i % 50 + 1)):
                    ok = False
                    break
            check("mppe roundtrip stateless=%s bits=%d" % (stateless, bits),
                  ok, True)
    tx = mc.MppeContext(send128, 128, True)
    first = tx.encrypt(0x0021, b"\x45")
    check("mppe first header stateless", first[:2], h("90 00"))
    check("mppe first stateless key",
          first[2:], mc.rc4(mc.mppe_change_key(send128, s128, 128),
                            h("00 21 45")))
    tx = mc.MppeContext(send128, 128, False)
    first = tx.encrypt(0x0021, b"\x45")
    check("mppe first header stateful", first[:2], h("10 00"))
    check("mppe first stateful key", first[2:], mc.rc4(s128, h("00 21 45")))


def test_binding():
    """Crypto binding vectors, PROTOCOL.md 4.4."""
    hlak = h("2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4 8F D3 FA C4"
             "1D 7A 13 15 A1 92 28 D9 02 4C A1 64")
    pkt = h("""10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02
        41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72
        B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35
        79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84
        B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D
        52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71
        65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49""")
    check("MS-SSTP 4.7 CMK", mc.sstp_cmk(hlak, 2), h(
        "EC F5 9A C9 FE 15 5C F0 A9 E7 D6 6A DC 1B 36 3C"
        "1A D7 BA 91 A9 21 7F 0C EC 2A 53 42 98 82 8D F6"))
    check("MS-SSTP 4.7 CMAC", mc.sstp_cmac(hlak, 2, pkt), pkt[80:112])
    check("MS-SSTP 4.7 rebuild",
          mc.sstp_call_connected_mac(hlak, 2, pkt[16:48], pkt[48:80]), pkt)
    hlak1 = h("4B 31 28 F4 39 25 D9 00 6E EF B1 C4 E8 65 15 A1 D8 8E 56 BA"
              "B3 CA 2B DF 03 73 B7 F5 A8 A1 3B 19")
    pkt1 = h("""10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 01
        0F 1A 2D 58 D4 A3 E3 00 0F AD 3C E4 90 6E 07 B7
        07 AA 9E 44 1C CE AC 5C BD 7B 2C C1 C9 D8 6C DF
        58 26 B6 29 BD A5 9B 8E 6F D8 DC D2 62 2F D3 4C
        53 48 05 A5 00 00 00 00 00 00 00 00 00 00 00 00
        69 91 5D D5 83 D8 06 2F EF 16 F6 1D B2 F0 32 90
        EC 27 CB 6C 00 00 00 00 00 00 00 00 00 00 00 00""")
    check("SHA-1 CMK", mc.sstp_cmk(hlak1, 1), h(
        "A9 8B 86 2A 38 CC 7E 22 4B 42 CD 12 85 86 AC B2 2F 0B D1 E9"))
    check("SHA-1 CMAC", mc.sstp_cmac(hlak1, 1, pkt1), pkt1[80:100])
    check("SHA-1 rebuild",
          mc.sstp_call_connected_mac(hlak1, 1, pkt1[16:48], pkt1[48:68]), pkt1)
    # end-to-end vector tied to RFC 2759 credentials
    hl = mc.client_hlak(PASSWORD, NT_RESP)
    nonce = bytes(range(32))
    c1 = hashlib.sha1(b"not-a-real-certificate").digest()
    c256 = hashlib.sha256(b"not-a-real-certificate").digest()
    check("certSHA1", c1, h("97 01 39 7C BC B0 F2 86 0E 64 DB F0 44 B2 91 BF"
                            "E8 D5 DC F8"))
    check("certSHA256", c256, h(
        "82 6F A5 D7 EE 2F C9 6E EA AB 58 B3 3B D3 F4 83"
        "C3 F7 C1 FE CC 2B BF 82 E4 28 FA 80 59 50 00 81"))
    check("e2e SHA-256 CMK", mc.sstp_cmk(hl, 2), h(
        "15 07 07 E6 82 B1 6F 4C A9 43 05 60 C5 62 89 4A"
        "FD 10 05 0D B4 18 2D 35 C3 E9 E0 62 84 44 52 71"))
    p = mc.sstp_call_connected_mac(hl, 2, nonce, c256)
    check("e2e SHA-256 CMAC", p[80:], h(
        "E3 F4 23 E1 28 E8 13 92 4C B8 E1 75 E2 F1 49 F7"
        "0B DC 4B 7D 8B 94 DE EA 11 FB 03 38 1D F9 59 A9"))
    check("e2e SHA-1 CMK", mc.sstp_cmk(hl, 1), h(
        "3A FB FF 0B A7 9D D9 74 3B D0 99 49 FA 99 F9 D0 C9 2D 36 98"))
    p = mc.sstp_call_connected_mac(hl, 1, nonce, c1)
    check("e2e SHA-1 CMAC", p[80:], h(
        "E1 20 9E F0 4C DE 93 BD CC 5F 94 9F 03 E3 1A CB 00 C5 35 14")
        + bytes(12))
    z = bytes(32)
    check("zero SHA-256 CMK", mc.sstp_cmk(z, 2), h(
        "D3 42 EB 00 47 7D 6A 37 E1 A1 84 FB 01 68 CB 3E"
        "A3 B6 64 5F A0 F2 27 90 4D 20 EE F5 CB 8F 93 27"))
    check("zero SHA-256 CMAC",
          mc.sstp_call_connected_mac(z, 2, nonce, c256)[80:], h(
              "71 D0 19 DC BD 38 85 D0 50 1C C5 B2 07 BD 2A 11"
              "B6 15 82 6C 03 9B C0 59 A6 6E 28 24 D9 21 C1 B5"))
    check("zero SHA-1 CMK", mc.sstp_cmk(z, 1), h(
        "AE 57 1E DE 1E 11 EF B7 BB 85 B8 B4 F0 7E 15 F0 E0 86 76 1A"))
    check("zero SHA-1 CMAC",
          mc.sstp_call_connected_mac(z, 1, nonce, c1)[80:100], h(
              "65 C1 00 51 48 B7 8F 7B 84 37 DC 66 AE 67 23 CF 40 9F 04 8B"))


def test_wire():
    """HDLC example of PROTOCOL.md 5.2 and a few PPP parser checks."""
    f = h("FF 03 C0 21 01 01 00 0E 01 04 05 DC 05 06 11 22 33 44")
    check("lcp build", pw.ppp_frame(pw.PROTO_LCP, pw.build_cp_options(
        pw.CONF_REQ, 1, [pw.opt_mru(1500), pw.opt_magic(0x11223344)])), f)
    check("fcs", hdlc.fcs16(f) ^ 0xFFFF, 0xD8ED)
    check("fcs good", hdlc.fcs16(hdlc.append_fcs(f)), hdlc.GOOD_FCS)
    enc = h("7E FF 7D 23 C0 21 7D 21 7D 21 7D 20 7D 2E 7D 21 7D 24 7D 25 DC"
            "7D 25 7D 26 7D 31 22 33 44 ED D8 7E")
    check("hdlc encode", hdlc.encode(f), enc)
    d = hdlc.Decoder()
    got = []
    for b in enc + enc:
        got += d.feed(bytes([b]))
    check("hdlc decode bytewise", got, [f, f])
    bad = bytearray(enc)
    bad[5] ^= 1
    d = hdlc.Decoder()
    check("hdlc bad fcs dropped", d.feed(bytes(bad)), [])
    check("hdlc bad fcs counted", d.bad_fcs, 1)
    check("acfc/pfc parse", pw.parse_ppp_frame(h("21 45 00")), (0x21, b"\x45\x00"))
    check("acfc parse", pw.parse_ppp_frame(h("C0 21 09")), (0xC021, b"\x09"))
    ping = pw.icmp_echo_packet("192.0.2.2", "192.0.2.1", 7, 1, b"hello")
    rep = pw.parse_ipv4(pw.icmp_echo_reply_for(ping))
    check("icmp reply addrs", (rep.src, rep.dst), ("192.0.2.1", "192.0.2.2"))
    check("icmp reply body", pw.parse_icmp_echo(rep.payload),
          pw.IcmpEcho(0, 0, 7, 1, b"hello"))
    check("mschap msg parse", pw.parse_mschap_message(
        "E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 M=bad password"),
        {"E": "691", "R": "0", "C": "00112233445566778899AABBCCDDEEFF",
         "V": "3", "M": "bad password"})


def main():
    """Run all checks; exit 1 on any failure."""
    for t in (test_primitives, test_mschapv2, test_mppe, test_binding,
              test_wire):
        t()
    print("selftest: %d checks, %d failed" % (_COUNT[0], len(_FAILS)))
    return 1 if _FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
