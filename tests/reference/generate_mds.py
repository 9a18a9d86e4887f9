#!/usr/bin/python3
"""Reference classical MDS (principal coordinates) for tmkit's report/mds.hpp, from numpy.

Tool versions (Debian 12): python3-numpy 1.24.2, python3-scipy 1.10.1.
For each case writes to mds/:
  CASE_distances.npy   - an n x n symmetric distance matrix
  CASE_coords.npy      - its classical MDS in 2 dimensions: the eigenvectors of
                         B = -J (D*D) J / 2 (J the centring matrix) for the two largest eigenvalues
                         (numpy.linalg.eigh), scaled by their square roots, each column's sign
                         fixed so that its entry of largest magnitude is positive (LDAvis's
                         js_PCoA computes the same coordinates, up to that sign)
Cases: Jensen-Shannon distances (scipy.spatial.distance.jensenshannon, base e) between the rows of
random topic-word matrices, K = 5, 12 and 40 over 300 words (as tm-report's topic map); Euclidean
distances of points in the plane (MDS recovers them up to rotation: the check of the method).
Usage: tests/reference/generate_mds.py   (from anywhere)
"""
import os

import numpy as np
from scipy.spatial.distance import jensenshannon, pdist, squareform

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mds")


def mds(d, dims=2):
    n = d.shape[0]
    j = np.eye(n) - np.ones((n, n)) / n
    b = -0.5 * j @ (d * d) @ j
    values, vectors = np.linalg.eigh(b)
    order = np.argsort(values)[::-1][:dims]
    coords = np.zeros((n, dims))
    for c, e in enumerate(order):
        if values[e] <= 0:
            continue
        col = vectors[:, e] * np.sqrt(values[e])
        if col[np.argmax(np.abs(col))] < 0:
            col = -col
        coords[:, c] = col
    return coords


def js_distances(topics):
    k = topics.shape[0]
    d = np.zeros((k, k))
    for a in range(k):
        for b in range(a + 1, k):
            d[a, b] = d[b, a] = jensenshannon(topics[a], topics[b])
    return d


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(20261203)
    cases = {}
    for k in (5, 12, 40):
        topics = rng.dirichlet(np.full(300, 0.05), size=k)
        cases["js_k%d" % k] = js_distances(topics)
    points = rng.normal(size=(8, 2))
    cases["plane"] = squareform(pdist(points))
    for name, d in cases.items():
        np.save(os.path.join(OUT, name + "_distances.npy"), d)
        np.save(os.path.join(OUT, name + "_coords.npy"), mds(d))
        print(name, d.shape)


if __name__ == "__main__":
    main()
