#!/usr/bin/env python3
# support/gen-hdlc-tables.py - regenerate the SIMD tables and PCLMULQDQ fold
# constants of src/hdlc.c (printed to stdout; paste over the tables there).
# Generates the hdlc.c SIMD tables and PCLMUL constants from their definitions.
def xmod(n, P=0x11021):
    # x^n mod P(x), P = x^16 + x^12 + x^5 + 1, normal bit order
    r = 1
    for _ in range(n):
        r <<= 1
        if r & 0x10000:
            r ^= P
    return r
def refl64(c):
    # 64-bit reflected form: bit (63 - d) for term x^d
    v = 0
    for d in range(16):
        if c >> d & 1:
            v |= 1 << (63 - d)
    return v
for n in (191, 127, 575, 511):
    print("x^%d mod P = 0x%04x refl64 0x%016x" % (n, xmod(n), refl64(xmod(n))))
print("/* enc */")
rows = []
for m in range(256):
    b = []
    for j in range(8):
        if m >> j & 1:
            b += [8, 0x20 | j]
        else:
            b += [j]
    b += [8] * (16 - len(b))
    lo = sum(v << (8 * k) for k, v in enumerate(b[:8]))
    hi = sum(v << (8 * k) for k, v in enumerate(b[8:]))
    rows.append("{ 0x%016x, 0x%016x }," % (lo, hi))
for i in range(0, 256, 2):
    print("\t" + rows[i] + " " + rows[i + 1])
print("/* dec */")
rows = []
for m in range(256):
    b = [j for j in range(8) if not m >> j & 1]
    b += [0x80] * (8 - len(b))
    rows.append("0x%016x," % sum(v << (8 * k) for k, v in enumerate(b)))
for i in range(0, 256, 3):
    print("\t" + " ".join(rows[i:i + 3]))
