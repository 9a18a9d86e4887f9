#!/usr/bin/python3
"""Hierarchical clustering: tmkit against fastcluster and scipy, side by side.

usage: bench/cluster_bench.py [--runs N] [--sizes 2000,10000,20000] [--methods average,ward]
                              [--clusters 20]

Rows are document-topic proportions (theta, K = 50) of a real fit (the first N of the 200,000 rows
bench/divergence_bench.py builds into bench/data/). Two measurements for each size N:

1. Linkage alone, on the same condensed matrix: the Jensen-Shannon distances (jsd) of the N rows,
   written once to a .npy file (by tm-similarity --condensed). Each tool runs in its own process
   and reports the seconds of the linkage call alone and its peak resident memory (VmHWM):
   tmkit (bench/cluster_timing), fastcluster.linkage (python3-fastcluster 1.2.3) and
   scipy.cluster.hierarchy.linkage (python3-scipy 1.10.1). Before timing, tmkit's linkage matrix
   is compared with scipy's on every size and method: merges and sizes must be identical and
   heights equal to 1e-12.
2. End to end, from the N rows of theta in a .npy file to a flat clustering into --clusters
   clusters written to disk, as whole processes (wall time):
   tmkit   tm-cluster --rows theta.npy --linkage METHOD --clusters C --out DIR (which also writes
           the Newick tree, the dendrogram, cluster profiles and the cophenetic correlation);
   python  np.load, scipy pdist(X, "jensenshannon"), fastcluster.linkage, scipy fcluster
           (maxclust), np.savetxt of the labels: the pipeline a user would write, with one
           repair: np.nan_to_num on pdist's output, which holds NaN for near-identical rows at
           N = 20,000 (fastcluster refuses NaN); the count is reported.
   The flat clusters of the two must agree (same partition).
The binaries are those of build/release, or of the build directory in $TMKIT_BUILD.
Reports medians of --runs runs, ratios (peer time / tmkit time) and peak memory. Writes
bench/results/cluster.md and prints the table.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from divergence_bench import prepare_theta  # noqa: E402

BUILD = os.environ.get("TMKIT_BUILD", os.path.join(ROOT, "build", "release"))
TIMING = os.path.join(BUILD, "bench", "cluster_timing")
TM_SIMILARITY = os.path.join(BUILD, "apps", "tm-similarity")
TM_CLUSTER = os.path.join(BUILD, "apps", "tm-cluster")

PEAK = ('peak = next(int(l.split()[1]) for l in open("/proc/self/status") '
        'if l.startswith("VmHWM:")) / 1024.0')

LINKAGE_PEER = r"""
import sys, time
import numpy as np
tool, method, path = sys.argv[1:4]
y = np.load(path)
if tool == "fastcluster":
    import fastcluster
    start = time.perf_counter()
    z = fastcluster.linkage(y, method)
else:
    from scipy.cluster.hierarchy import linkage
    start = time.perf_counter()
    z = linkage(y, method)
seconds = time.perf_counter() - start
if len(sys.argv) > 4:
    np.save(sys.argv[4], z)
""" + PEAK + r"""
print(f"seconds {seconds:.6f} peak_mib {peak:.1f} checksum {z[:, 2].sum()!r}")
"""

PIPELINE_PEER = r"""
import sys
import numpy as np
import fastcluster
from scipy.cluster.hierarchy import fcluster
from scipy.spatial.distance import pdist
path, method, clusters, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
X = np.load(path)
y = pdist(X, "jensenshannon")
nans = int(np.isnan(y).sum())
y = np.nan_to_num(y, nan=0.0)  # scipy's sqrt of a rounded-negative JS: fastcluster refuses NaN
z = fastcluster.linkage(y, method)
labels = fcluster(z, clusters, criterion="maxclust")
np.savetxt(out, labels, fmt="%d")
""" + PEAK + r"""
print(f"peak_mib {peak:.1f} nans {nans}")
"""


def run_timing(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()
    return float(out[1]), float(out[3])


def check_against_scipy(y_path, method, n):
    with tempfile.TemporaryDirectory() as tmp:
        want_path = os.path.join(tmp, "z.npy")
        run_timing([sys.executable, "-c", LINKAGE_PEER, "scipy", method, y_path, want_path])
        want = np.load(want_path)
        out = os.path.join(tmp, "c")
        subprocess.run([TM_CLUSTER, "--matrix", y_path, "--linkage", method, "--no-cophenet",
                        "--clusters", "2", "--out", out, "--quiet"], check=True,
                       stdout=subprocess.DEVNULL)
        got = np.load(os.path.join(out, "linkage.npy"))
    same = (got[:, [0, 1, 3]] == want[:, [0, 1, 3]]).all()
    worst = np.abs(got[:, 2] - want[:, 2]).max()
    if not same or worst > 1e-12:
        sys.exit(f"N={n} {method}: tmkit's linkage differs from scipy's (merges identical: {same}, "
                 f"largest height difference {worst:.3g})")
    return worst


def same_partition(a, b):
    pairs = set(zip(a, b))
    return len(pairs) == len(set(a)) == len(set(b))


def end_to_end(theta_path, method, clusters, runs, tmp):
    tm_times, tm_peaks, py_times, py_peaks = [], [], [], []
    for _ in range(runs):
        out = os.path.join(tmp, "tm")
        start = time.perf_counter()
        stdout = subprocess.run([TM_CLUSTER, "--rows", theta_path, "--linkage", method,
                                 "--clusters", str(clusters), "--out", out, "--quiet",
                                 "--threads", "2"], check=True, capture_output=True,
                                text=True).stdout
        tm_times.append(time.perf_counter() - start)
        tm_peaks.append(float(stdout.split("peak memory ")[1].split()[0]))
        labels_py = os.path.join(tmp, "py.txt")
        start = time.perf_counter()
        stdout = subprocess.run([sys.executable, "-c", PIPELINE_PEER, theta_path, method,
                                 str(clusters), labels_py], check=True, capture_output=True,
                                text=True).stdout
        py_times.append(time.perf_counter() - start)
        py_peaks.append(float(stdout.split()[1]))
        nans = int(stdout.split()[3])
    tm_labels = [line.split("\t")[1] for line in open(os.path.join(out, "labels.tsv"))][1:]
    py_labels = open(labels_py).read().split()
    agree = same_partition(tm_labels, py_labels)
    return (statistics.median(tm_times), max(tm_peaks), statistics.median(py_times),
            max(py_peaks), agree, nans)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="2000,10000,20000")
    parser.add_argument("--methods", default="average,ward")
    parser.add_argument("--clusters", type=int, default=20)
    args = parser.parse_args()
    theta = prepare_theta()
    sizes = [int(s) for s in args.sizes.split(",")]
    methods = args.methods.split(",")
    linkage_rows, pipeline_rows = [], []
    with tempfile.TemporaryDirectory(dir=os.path.join(HERE, "data")) as tmp:
        for n in sizes:
            theta_path = os.path.join(tmp, f"theta-{n}.npy")
            np.save(theta_path, theta[:n])
            y_path = os.path.join(tmp, f"y-{n}.npy")
            subprocess.run([TM_SIMILARITY, "--rows", theta_path, "--metric", "jsd", "--condensed",
                            "--max-memory", "64G", "--out", y_path, "--quiet"], check=True)
            for method in methods:
                worst = check_against_scipy(y_path, method, n)
                times = {"tmkit": [], "fastcluster": [], "scipy": []}
                peaks = {"tmkit": [], "fastcluster": [], "scipy": []}
                for _ in range(args.runs):
                    for tool in times:
                        if tool == "tmkit":
                            s, p = run_timing([TIMING, method, y_path])
                        else:
                            s, p = run_timing([sys.executable, "-c", LINKAGE_PEER, tool, method,
                                               y_path])
                        times[tool].append(s)
                        peaks[tool].append(p)
                med = {tool: statistics.median(v) for tool, v in times.items()}
                row = (n, method, med["tmkit"], max(peaks["tmkit"]), med["fastcluster"],
                       max(peaks["fastcluster"]), med["scipy"], max(peaks["scipy"]), worst)
                linkage_rows.append(row)
                print("linkage N=%d %s: tmkit %.3f s %.0f MiB | fastcluster %.3f s %.0f MiB | "
                      "scipy %.3f s %.0f MiB | max height diff vs scipy %.2g" % row, flush=True)
                e2e = end_to_end(theta_path, method, args.clusters, args.runs, tmp)
                pipeline_rows.append((n, method) + e2e)
                print("end to end N=%d %s: tm-cluster %.2f s %.0f MiB | python %.2f s %.0f MiB | "
                      "same partition %s | NaN in scipy's pdist %d" % ((n, method) + e2e),
                      flush=True)
            os.remove(y_path)
    lines = ["# Hierarchical clustering: tmkit against fastcluster and scipy", "",
             f"`bench/cluster_bench.py --runs {args.runs} --sizes {args.sizes} "
             f"--methods {args.methods} --clusters {args.clusters}`; medians of {args.runs} runs, "
             "peak = largest VmHWM of the runs. Rows: theta (K = 50) of a fit of 200,000 "
             "LDA-generated documents; distances: Jensen-Shannon distance (jsd).", "",
             "## Linkage alone, same condensed matrix", "",
             "| N | linkage | tmkit | fastcluster | scipy | fastcluster / tmkit | scipy / tmkit | "
             "peak tmkit / fastcluster / scipy (MiB) | heights vs scipy |",
             "|---|---|---|---|---|---|---|---|---|"]
    for n, m, t, tp, f, fp, s, sp, worst in linkage_rows:
        lines.append(f"| {n} | {m} | {t:.3f} s | {f:.3f} s | {s:.3f} s | {f / t:.2f}x | "
                     f"{s / t:.2f}x | {tp:.0f} / {fp:.0f} / {sp:.0f} | {worst:.1e} |")
    lines += ["", "## End to end: theta (.npy) to flat clusters on disk", "",
              "| N | linkage | tm-cluster | python (pdist + fastcluster + fcluster) | ratio | "
              "peak tm-cluster / python (MiB) | same partition | NaN in scipy's pdist |",
              "|---|---|---|---|---|---|---|---|"]
    for n, m, t, tp, p, pp, agree, nans in pipeline_rows:
        lines.append(f"| {n} | {m} | {t:.2f} s | {p:.2f} s | {p / t:.2f}x | {tp:.0f} / {pp:.0f} "
                     f"| {'yes' if agree else 'NO'} | {nans} |")
    lines += ["", "scipy's `pdist(X, 'jensenshannon')` returns NaN for pairs of (nearly) identical "
              "rows, whose JS it computes as a tiny negative number before the square root, and "
              "fastcluster then refuses the matrix (`FloatingPointError: NaN dissimilarity "
              "value`); the Python pipeline replaces NaN by 0 with `np.nan_to_num`. tmkit's "
              "JS is computed so that it is never negative."]
    report = "\n".join(lines) + "\n"
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "cluster.md"), "w") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
