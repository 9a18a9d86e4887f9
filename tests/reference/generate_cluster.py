#!/usr/bin/python3
"""Reference linkages, flat clusters and cophenetic distances for tmkit's cluster library, from scipy.

Tool versions (Debian 12): python3-scipy 1.10.1, python3-numpy 1.24.2.
Inputs (condensed distance matrices, written to cluster/INPUT_y.npy):
  euclid  - 30 points in R^5, Euclidean distances (no ties)
  tied    - 14 points on an integer grid, city-block distances: many tied
            distances, and coinciding points (distance 0)
  js      - 40 Dirichlet(0.3) distributions over 8 topics, Jensen-Shannon distance (jsd)
For every input and each of scipy's seven linkages writes to cluster/:
  INPUT_METHOD_Z.npy             - scipy.cluster.hierarchy.linkage(y, METHOD)
  INPUT_METHOD_cophenet.npy      - condensed cophenetic distances, then the cophenetic
                                   correlation as the last entry (scipy's cophenet(Z, y))
  INPUT_METHOD_inconsistent.npy  - inconsistent(Z, d=2)
  INPUT_METHOD_fcluster.npy      - rows of fcluster labels: maxclust 4, distance at the median
                                   merge height, inconsistent t=0.8 (depth 2)
  INPUT_METHOD_leaves.npy        - leaves_list(Z), and on a second row
                                   leaves_list(optimal_leaf_ordering(Z, y))
  INPUT_METHOD_olo_Z.npy         - optimal_leaf_ordering(Z, y)
And agreement.npy: rows of (cluster labels, true labels) pairs drawn at random, each followed by
scikit-learn's (1.2.1) normalized_mutual_info_score and adjusted_rand_score and the purity, as
agreement.npy with one case per row: [n, clusters..., labels..., nmi, ari, purity].
Usage: tests/reference/generate_cluster.py   (from anywhere)
"""
import os

import numpy as np
from scipy.cluster import hierarchy
from scipy.spatial.distance import jensenshannon, pdist

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cluster")
METHODS = ["single", "complete", "average", "weighted", "centroid", "median", "ward"]


def inputs():
    rng = np.random.RandomState(20261123)
    yield "euclid", pdist(rng.normal(size=(30, 5)))
    grid = rng.randint(0, 4, size=(14, 2)).astype(float)
    yield "tied", pdist(grid, "cityblock")
    theta = rng.dirichlet(np.full(8, 0.3), size=40)
    yield "js", pdist(theta, jensenshannon)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, y in inputs():
        np.save(os.path.join(OUT, f"{name}_y.npy"), y)
        for method in METHODS:
            z = hierarchy.linkage(y, method)
            prefix = os.path.join(OUT, f"{name}_{method}")
            np.save(prefix + "_Z.npy", z)
            c, d = hierarchy.cophenet(z, y)
            np.save(prefix + "_cophenet.npy", np.append(d, c))
            np.save(prefix + "_inconsistent.npy", hierarchy.inconsistent(z, 2))
            labels = [
                hierarchy.fcluster(z, 4, criterion="maxclust"),
                hierarchy.fcluster(z, float(np.median(z[:, 2])), criterion="distance"),
                hierarchy.fcluster(z, 0.8, criterion="inconsistent", depth=2),
            ]
            np.save(prefix + "_fcluster.npy", np.array(labels, dtype=float))
            olo = hierarchy.optimal_leaf_ordering(z, y)
            np.save(prefix + "_olo_Z.npy", olo)
            np.save(prefix + "_leaves.npy",
                    np.array([hierarchy.leaves_list(z), hierarchy.leaves_list(olo)], dtype=float))
            print(name, method, "heights", z[0, 2], "...", z[-1, 2], "coph", c)


def agreement():
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
    rng = np.random.RandomState(7)
    rows = []
    for n, r, s in [(40, 4, 3), (40, 3, 3), (25, 5, 2), (30, 1, 4), (12, 1, 1), (60, 6, 6)]:
        clusters = rng.randint(1, r + 1, size=n)
        labels = rng.randint(0, s, size=n)
        if n == 60:  # a clustering close to its labels
            labels = np.where(rng.rand(n) < 0.8, clusters - 1, labels)
        table = np.zeros((r + 1, s + 1))
        np.add.at(table, (clusters, labels), 1)
        purity = table.max(axis=1).sum() / n
        rows.append(np.concatenate([[n], clusters, labels,
                                    [normalized_mutual_info_score(labels, clusters),
                                     adjusted_rand_score(labels, clusters), purity]]))
    width = max(len(r) for r in rows)
    out = np.full((len(rows), width), np.nan)
    for i, row in enumerate(rows):
        out[i, :len(row)] = row
    np.save(os.path.join(OUT, "agreement.npy"), out)


if __name__ == "__main__":
    agreement()
    main()
