#!/usr/bin/python3
"""Reference divergence matrices for tmkit's divergence library, from scipy.

Tool versions (Debian 12): python3-scipy 1.10.1, python3-numpy 1.24.2.
For each case (a pair of row sets P, Q) writes to divergences/:
  CASE_p.npy, CASE_q.npy               - the inputs, one distribution per row
  CASE_METRIC_BASE.npy                 - the |P| x |Q| matrix d(P[i], Q[j]), BASE e or 2
and for the case 'eps' the inputs are smoothed with epsilon = 1e-3 first (add, renormalize), as
tmkit's --zero epsilon=1e-3 does; for 'counts' the inputs are unnormalized and every function
divides them by their sums, as scipy does.
Sources: kl, rkl, skl from scipy.special.rel_entr (checked against scipy.stats.entropy);
js from scipy.spatial.distance.jensenshannon squared, jsd from it directly; hellinger and tv
(scipy has neither) from their definitions with numpy.
Exception: where JS < 1e-6 (nearly equal rows) scipy's sum of rel_entr terms of both signs has
lost digits (its JSD can be off by 3e-11), so there the reference is the exact value, computed in
60-digit decimal arithmetic from the float64 inputs; the script prints scipy's error at each.
Usage: tests/reference/generate_divergences.py   (from anywhere)
"""
import os

from decimal import Decimal, getcontext

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr
from scipy.stats import entropy

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "divergences")
METRICS = ["kl", "rkl", "skl", "js", "jsd", "hellinger", "tv"]
EPSILON = 1e-3
LARGE_CASE_METRICS = ["kl", "js", "jsd", "hellinger"]


def cases():
    rng = np.random.RandomState(20261122)
    k3_p = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    k3_q = np.array([[0.5, 0.5, 0.0], [0.1, 0.2, 0.7], [0.0, 0.5, 0.5], [0.2, 0.3, 0.5],
                     [0.0, 0.0, 1.0]])
    yield "k3", k3_p, k3_q
    yield "k2", np.array([[0.5, 0.5], [0.9, 0.1], [1.0, 0.0]]), np.array(
        [[0.5, 0.5], [0.1, 0.9], [0.0, 1.0], [0.9, 0.1]])
    # K = 1000, sparse Dirichlet rows with exact zeros, and rows a hair away from others (tiny JS).
    p = rng.dirichlet(np.full(1000, 0.05), size=6)
    p[:, :100] = 0.0
    p /= p.sum(axis=1, keepdims=True)
    q = rng.dirichlet(np.full(1000, 0.05), size=5)
    q[0] = p[0]
    q[1] = p[1] * (1 + 1e-6 * rng.uniform(-1, 1, 1000))
    q[1] /= q[1].sum()
    yield "k1000", p, q
    # K = 100, 170 rows of a theta-like matrix (no zeros, many tiny values), against itself:
    # crosses the tile boundaries of the direct kernels (163 rows at K = 100). Kept small on disk:
    # only the metrics in LARGE_CASE_METRICS, natural log.
    theta = rng.dirichlet(np.full(100, 0.1), size=170)
    theta[7] = theta[3]
    yield "k100", theta, theta
    yield "eps", k3_p, k3_q
    counts = rng.randint(0, 20, size=(4, 7)).astype(float)
    counts[0, :3] = 0
    yield "counts", counts, rng.randint(1, 9, size=(3, 7)).astype(float)


def smooth(x):
    x = x / x.sum(axis=1, keepdims=True) + EPSILON
    return x / x.sum(axis=1, keepdims=True)


def exact_js(p, q, base):
    """JS of two float64 rows in 60-digit decimal arithmetic (rounded to float64 at the end)."""
    if np.array_equal(p, q):
        return Decimal(0)
    getcontext().prec = 60
    total = Decimal(0)
    for x, y in zip(p, q):
        x, y = Decimal(float(x)), Decimal(float(y))
        m = (x + y) / 2
        if x > 0:
            total += x * (x / m).ln()
        if y > 0:
            total += y * (y / m).ln()
    js = max(total / 2, Decimal(0))  # 60-digit rounding can leave -1e-61 for equal rows
    if base == 2:
        js /= Decimal(2).ln()
    return js


def pair(metric, p, q, base):
    p = p / p.sum()
    q = q / q.sum()
    scale = np.log(2.0) if base == 2 else 1.0
    if metric in ("kl", "rkl", "skl"):
        forward = rel_entr(p, q).sum()
        backward = rel_entr(q, p).sum()
        for value, a, b in ((forward, p, q), (backward, q, p)):
            check = entropy(a, b, base=base if base == 2 else None)
            assert (np.isinf(value) and np.isinf(check)) or abs(value / scale - check) < 1e-13
        return {"kl": forward, "rkl": backward, "skl": 0.5 * (forward + backward)}[metric] / scale
    if metric in ("js", "jsd"):
        distance = jensenshannon(p, q, base=base if base == 2 else None)
        if distance ** 2 < 1e-6:
            exact = exact_js(p, q, base)
            exact_distance = float(exact.sqrt())
            if distance != exact_distance:
                print(f"  near-equal rows: scipy's JSD {distance!r} differs from the exact "
                      f"{exact_distance!r} by {abs(distance - exact_distance):.3g}")
            return float(exact) if metric == "js" else exact_distance
        return distance ** 2 if metric == "js" else distance
    if metric == "hellinger":
        return np.sqrt(0.5 * ((np.sqrt(p) - np.sqrt(q)) ** 2).sum())
    return 0.5 * np.abs(p - q).sum()


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, p, q in cases():
        np.save(os.path.join(OUT, f"{name}_p.npy"), p)
        np.save(os.path.join(OUT, f"{name}_q.npy"), q)
        if name == "eps":
            p, q = smooth(p), smooth(q)
        for metric in LARGE_CASE_METRICS if name == "k100" else METRICS:
            for base in ("e",) if name == "k100" else ("e", "2"):
                out = np.empty((len(p), len(q)))
                for i in range(len(p)):
                    for j in range(len(q)):
                        out[i, j] = pair(metric, p[i], q[j], 2 if base == "2" else None)
                np.save(os.path.join(OUT, f"{name}_{metric}_{base}.npy"), out)


if __name__ == "__main__":
    main()
