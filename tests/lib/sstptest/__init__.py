"""sstptest: independent Python helpers for testing sstpc.

Standard library only.  Nothing here shares code with the C client, so a
bug mirrored in both cannot make a test pass.

Modules:
    mscrypto  - MD4, DES, RC4 (pure Python), MS-CHAPv2 (RFC 2759), MPPE key
                derivation and packet encryption (RFC 3079 / RFC 3078), SSTP
                crypto binding (CMK / Compound MAC, MS-SSTP 3.2.5.2).
    hdlc      - PPP async-HDLC framing: FCS-16, encoder with ACCM,
                incremental decoder (RFC 1662).
    pppwire   - PPP frame / LCP / IPCP / IPV6CP / CCP / PAP / CHAP / EAP
                builders and parsers, tiny IPv4 + ICMP echo helpers.
    sstpwire  - SSTP packet builders and parsers (MS-SSTP 2.2).
    client    - a small SSTP client driver (TLS + HTTP + SSTP + PPP).
    selftest  - known-answer self test of all the crypto (run it as
                ``python3 -m sstptest.selftest`` with tests/lib on sys.path).
"""

__all__ = ["mscrypto", "hdlc", "pppwire", "sstpwire"]
