#!/usr/bin/python3
"""Whole processes on large matrices, tmkit against the Python a user would write, side by side.

Two rows of issue 21's table, each tool in its own process, medians of --runs runs, peak resident
memory (VmHWM) of each process:
  cluster  a given condensed matrix (.npy, jsd of --points Dirichlet rows, K = 50) to flat clusters:
           tm-cluster --matrix y.npy --linkage average --clusters 10 --out DIR (with its default
           cophenetic correlation, dendrogram, Newick tree and profiles) against
           np.load + fastcluster.linkage + scipy fcluster + np.save (python3-fastcluster 1.2.3)
  full     the full N x N Jensen-Shannon matrix of --rows rows (K = 50) to .npy:
           tm-similarity --rows rows.npy --metric js --out full.npy against
           np.load + scipy pdist(jensenshannon) ** 2 + squareform + np.save (python3-scipy 1.10.1)
Both outputs are compared (same partition; matrices equal to 1e-12 where scipy's value is not NaN).

usage: bench/matrix_bench.py [--runs 5] [--points 6000] [--rows 4000] [--threads 2]
The binaries are those of build/release, or of the build directory in $TMKIT_BUILD.
Writes bench/results/matrix.md.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.environ.get("TMKIT_BUILD", os.path.join(ROOT, "build", "release"))
TM_CLUSTER = os.path.join(BUILD, "apps", "tm-cluster")
TM_SIMILARITY = os.path.join(BUILD, "apps", "tm-similarity")

PEER_CLUSTER = r"""
import sys, numpy as np, fastcluster
from scipy.cluster.hierarchy import fcluster
y = np.load(sys.argv[1])
Z = fastcluster.linkage(y, method="average")
np.save(sys.argv[2], fcluster(Z, 10, "maxclust"))
"""

PEER_FULL = r"""
import sys, numpy as np
from scipy.spatial.distance import pdist, squareform
rows = np.load(sys.argv[1])
np.save(sys.argv[2], squareform(pdist(rows, "jensenshannon") ** 2))
"""


def timed(command):
    """(wall seconds, peak MiB) of one process, by GNU time."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + command, capture_output=True,
                         text=True, check=True)
    seconds, kib = out.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kib) / 1024.0


def measure_pair(ours, peer, runs, before=None):
    """Medians and peaks of both commands, their runs interleaved (ours, peer, ours, ...) so that
    a busy spell of this shared machine falls on both alike rather than on one side's runs."""
    results = ([], [])
    for _ in range(runs):
        if before:
            before()
        results[0].append(timed(ours))
        results[1].append(timed(peer))
    return tuple((statistics.median(r[0] for r in side), max(r[1] for r in side))
                 for side in results)


def same_partition(a, b):
    return len(set(zip(a, b))) == len(set(a)) == len(set(b))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--points", type=int, default=6000)
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="tmkit-matrix-")
    rng = np.random.default_rng(3)
    lines = ["# Large matrices: tmkit's whole processes against the Python a user would write", "",
             f"`bench/matrix_bench.py --runs {args.runs} --points {args.points} --rows {args.rows} "
             f"--threads {args.threads}` on {os.cpu_count()} cores; medians of {args.runs} runs "
             "(wall time of the whole process, GNU time; tmkit's and the peer's runs interleaved), peak = "
             "largest resident memory (MiB).",
             "", "| work | tmkit | peer | peer / tmkit | peak tmkit / peer (MiB) | input or output |",
             "|---|---|---|---|---|---|"]

    # Clustering a given condensed matrix.
    theta = rng.dirichlet(np.full(50, 0.1), size=args.points)
    theta_path, y_path = os.path.join(tmp, "theta.npy"), os.path.join(tmp, "y.npy")
    np.save(theta_path, theta)
    subprocess.run([TM_SIMILARITY, "--rows", theta_path, "--metric", "jsd", "--condensed",
                    "--out", y_path, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    y_mb = os.path.getsize(y_path) / 2**20
    out_dir = os.path.join(tmp, "clusters")
    labels_path = os.path.join(tmp, "labels.npy")
    tm, peer = measure_pair(
        [TM_CLUSTER, "--matrix", y_path, "--linkage", "average", "--clusters", "10", "--out",
         out_dir, "--quiet", "--threads", str(args.threads)],
        [sys.executable, "-c", PEER_CLUSTER, y_path, labels_path], args.runs,
        before=lambda: subprocess.run(["rm", "-rf", out_dir], check=True))
    with open(os.path.join(out_dir, "labels.tsv")) as f:
        ours = [line.split("\t")[-1].strip() for line in f if line.strip()]
    theirs = list(np.load(labels_path))
    ours = ours[-len(theirs):]
    if not same_partition(ours, theirs):
        sys.exit("tm-cluster and fastcluster + fcluster disagree")
    lines.append(f"| tm-cluster, condensed .npy of {args.points} points, average, 10 clusters | "
                 f"{tm[0]:.2f} s | {peer[0]:.2f} s (np.load + fastcluster + fcluster + np.save) | "
                 f"{peer[0] / tm[0]:.2f}x | {tm[1]:.0f} / {peer[1]:.0f} | {y_mb:.0f} MiB input |")
    print(lines[-1], flush=True)

    # The full JS matrix.
    rows = rng.dirichlet(np.full(50, 0.1), size=args.rows)
    rows_path, full_path = os.path.join(tmp, "rows.npy"), os.path.join(tmp, "full.npy")
    np.save(rows_path, rows)
    peer_path = os.path.join(tmp, "peer.npy")
    tm, peer = measure_pair(
        [TM_SIMILARITY, "--rows", rows_path, "--metric", "js", "--out", full_path, "--quiet",
         "--threads", str(args.threads)],
        [sys.executable, "-c", PEER_FULL, rows_path, peer_path], args.runs,
        before=lambda: subprocess.run(["rm", "-f", full_path], check=True))
    ours = np.load(full_path)
    theirs = np.load(peer_path)
    finite = np.isfinite(theirs)
    if not np.allclose(ours[finite], theirs[finite], rtol=0, atol=1e-12):
        sys.exit("tm-similarity and scipy disagree")
    out_mb = os.path.getsize(full_path) / 2**20
    lines.append(f"| tm-similarity, full JS matrix of {args.rows} x 50 rows to .npy | "
                 f"{tm[0]:.2f} s | {peer[0]:.2f} s (np.load + pdist + squareform + np.save) | "
                 f"{peer[0] / tm[0]:.1f}x | {tm[1]:.0f} / {peer[1]:.0f} | {out_mb:.0f} MiB output |")
    print(lines[-1], flush=True)
    subprocess.run(["rm", "-rf", tmp], check=True)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "matrix.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
