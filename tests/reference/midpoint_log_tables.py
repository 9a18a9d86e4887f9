#!/usr/bin/python3
"""Prints the constants of lib/src/divergence/midpoint_xlogx.cpp, the table-driven log behind JS matrices.

usage: tests/reference/midpoint_log_tables.py   (needs python3-mpmath; run by hand, not by tests)

For c_i = 1 + (i + 1/2)/16, i = 0..15: 1/c_i rounded to double, and -log of exactly that double
(so that r = f * (1/c_i) - 1 and log f = log1p(r) - log(1/c_i) hold for the stored value). Then
g(r) = (log1p(r) - r) / r^2 fitted on [-1/32, 1/32] by a degree-6 Chebyshev fit in 60-digit
arithmetic (near minimax), highest degree first, and the largest error it leaves in log1p(r).
"""
import mpmath as mp

mp.mp.dps = 60


def g(r):
    r = mp.mpf(r)
    return mp.mpf(-0.5) if r == 0 else (mp.log1p(r) - r) / r**2


def rows(values):
    return ",\n    ".join(", ".join(v.hex() for v in values[i:i + 4]) for i in range(0, len(values), 4))


inverse = [1.0 / (1.0 + (i + 0.5) / 16) for i in range(16)]
log_c = [float(-mp.log(mp.mpf(v))) for v in inverse]
quarter = mp.mpf(1) / 32
poly, error = mp.chebyfit(g, [-quarter, quarter], 7, error=True)
print("kInverse[16] = {\n    " + rows(inverse) + "};")
print("kLogC[16] = {\n    " + rows(log_c) + "};")
print("kG[7] = {" + ", ".join(float(c).hex() for c in poly) + "};")
print("largest error in log1p(r): " + mp.nstr(error * quarter**2, 3))
