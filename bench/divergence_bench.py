#!/usr/bin/python3
"""Divergence matrices and neighbour search: tmkit against scipy and numpy, side by side.

usage: bench/divergence_bench.py [--runs N] [--sizes 2000,5000,10000] [--topk-sizes 50000,200000]

Rows are document-topic proportions (theta, K = 50) from a real fit: tm-fit on an LDA-generated
corpus of 200,000 documents (built once into bench/data/). For each size N, the first N rows:
  JS   tmkit divergence_matrix(jsd) (the N x N matrix, each symmetric pair computed once)
       against scipy.spatial.distance.pdist(X, 'jensenshannon') (the same pairs, condensed);
  KL   tmkit divergence_matrix(kl) against numpy: (X * log X).sum(1)[:, None] - X @ log(X).T.
Each tool runs in its own process (bench/divergence_timing for tmkit) and reports the seconds of the
call alone and the process's peak resident memory (VmHWM: getrusage's maxrss would include the
high-water mark inherited from this script across fork). Before timing, tmkit's values are checked
against scipy's and numpy's on N = 2000 (JSD to 1e-12; KL to 1e-9, numpy's own rounding).
Top-k: tmkit's 10 nearest rows of every row (JS) for each size in --topk-sizes; the peer, blocked
scipy cdist + argpartition, is timed on 500 query rows against all N and scaled to N queries
(marked 'extrapolated': the full peer run would take hours).
The KL matrix is a product of 2 N^2 K flops; its rate is compared with the machine's peak,
cores x clock x 16 double flops per cycle (two 256-bit FMA pipes: AVX2, or AVX-512 on AMD Zen 4,
which executes it in 256-bit halves).
Writes bench/results/divergence.md; prints the table too.
"""
import argparse
import os
import statistics
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from corpus import generate_lda, write_uci  # noqa: E402

DATA = os.path.join(HERE, "data")
TIMING = os.path.join(ROOT, "build", "release", "bench", "divergence_timing")
TM_FIT = os.path.join(ROOT, "build", "release", "apps", "tm-fit")
TM_SIMILARITY = os.path.join(ROOT, "build", "release", "apps", "tm-similarity")
THETA = os.path.join(DATA, "theta-200k.npy")

PEER = r"""
import sys, time
import numpy as np
from scipy.spatial.distance import cdist, pdist
kind, path = sys.argv[1], sys.argv[2]
X = np.load(path)
start = time.perf_counter()
if kind == "js":
    result = pdist(X, "jensenshannon")
    checksum = result.sum()
elif kind == "kl":
    log_x = np.log(X)
    result = (X * log_x).sum(axis=1)[:, None] - X @ log_x.T
    checksum = result.sum()
else:  # topk: 500 queries against all rows, blocked cdist + argpartition
    k = int(sys.argv[3])
    checksum = 0.0
    for begin in range(0, 500, 50):
        d = cdist(X[begin:begin + 50], X, "jensenshannon")
        d[np.arange(50), np.arange(begin, begin + 50)] = np.inf
        part = np.argpartition(d, k, axis=1)[:, :k]
        checksum += np.take_along_axis(d, part, axis=1).sum()
seconds = time.perf_counter() - start
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024.0
print(f"seconds {seconds:.6f} peak_mib {peak:.1f} checksum {checksum!r}")
"""


def prepare_theta():
    if os.path.exists(THETA):
        return np.load(THETA)
    os.makedirs(DATA, exist_ok=True)
    print("building 200,000 rows of theta: generating a corpus and fitting K = 50 ...", flush=True)
    X, _ = generate_lda(200000, 5000, 50, 60, 0.1, 0.01, seed=20261122)
    docword = os.path.join(DATA, "docword.divergence.txt")
    write_uci(X, [f"w{w}" for w in range(X.shape[1])], docword)
    model = os.path.join(DATA, "divergence-model")
    subprocess.run([TM_FIT, "--corpus", docword, "-k", "50", "--passes", "10", "--seed", "1",
                    "--out", model, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    gamma = np.load(os.path.join(model, "gamma.npy"))
    theta = gamma / gamma.sum(axis=1, keepdims=True)
    np.save(THETA, theta)
    return theta


def measure(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()
    return float(out[1]), float(out[3])


def tmkit(mode, metric, path, k=None):
    return measure([TIMING, mode, metric, path] + ([str(k)] if k else []))


def peer(kind, path, k=None):
    return measure([sys.executable, "-c", PEER, kind, path] + ([str(k)] if k else []))


def check_values(path):
    """tmkit against scipy and numpy on the same rows, before any timing."""
    from scipy.spatial.distance import pdist
    X = np.load(path)
    out = os.path.join(DATA, "check.npy")
    subprocess.run([TM_SIMILARITY, "--rows", path, "--normalize", "--metric", "jsd", "--condensed",
                    "--out", out, "--quiet"], check=True)
    js_error = np.abs(np.load(out) - pdist(X, "jensenshannon")).max()
    subprocess.run([TM_SIMILARITY, "--rows", path, "--normalize", "--metric", "kl", "--out", out,
                    "--quiet"], check=True)
    X = X / X.sum(axis=1, keepdims=True)
    log_x = np.log(X)
    kl = (X * log_x).sum(axis=1)[:, None] - X @ log_x.T
    np.fill_diagonal(kl, 0.0)
    kl_error = np.abs(np.load(out) - kl).max()
    os.remove(out)
    assert js_error <= 1e-12, f"JSD differs from scipy's by {js_error}"
    assert kl_error <= 1e-9, f"KL differs from numpy's by {kl_error}"
    return js_error, kl_error


def peak_flops():
    cores = os.cpu_count()
    mhz = 0.0
    flags = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("cpu MHz") and not mhz:
                mhz = float(line.split(":")[1])
            if line.startswith("flags") and not flags:
                flags = line
    per_cycle = 16 if " fma " in flags else 4
    return cores * mhz * 1e6 * per_cycle, f"{cores} cores x {mhz:.0f} MHz x {per_cycle} flops/cycle"


def median(values):
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="2000,5000,10000")
    parser.add_argument("--topk-sizes", default="50000,200000")
    args = parser.parse_args()
    theta = prepare_theta()
    paths = {}
    sizes = [int(s) for s in args.sizes.split(",") if s]
    topk_sizes = [int(s) for s in args.topk_sizes.split(",") if s]
    for n in sorted(set(sizes + topk_sizes + [2000])):
        paths[n] = os.path.join(DATA, f"theta-{n}.npy")
        if not os.path.exists(paths[n]):
            np.save(paths[n], theta[:n])
    js_error, kl_error = check_values(paths[2000])
    print(f"values on N = 2000: JSD within {js_error:.2g} of scipy, KL within {kl_error:.2g} of numpy",
          flush=True)
    peak, peak_text = peak_flops()

    rows = []
    for n in sizes:
        times = {"tmkit js": [], "scipy js": [], "tmkit kl": [], "numpy kl": []}
        memory = {key: 0.0 for key in times}
        for run in range(args.runs):
            for key, call in (("tmkit js", lambda: tmkit("full", "jsd", paths[n])),
                              ("scipy js", lambda: peer("js", paths[n])),
                              ("tmkit kl", lambda: tmkit("full", "kl", paths[n])),
                              ("numpy kl", lambda: peer("kl", paths[n]))):
                seconds, mib = call()
                times[key].append(seconds)
                memory[key] = max(memory[key], mib)
                print(f"  N = {n} run {run + 1} {key:9s} {seconds:9.3f} s  peak {mib:8.1f} MiB", flush=True)
        t = {key: median(value) for key, value in times.items()}
        rate = 2.0 * n * n * 50 / t["tmkit kl"]
        rows.append(f"| {n} | {t['tmkit js']:.3f} | {t['scipy js']:.3f} | {t['scipy js'] / t['tmkit js']:.1f}x "
                    f"| {memory['tmkit js']:.0f} / {memory['scipy js']:.0f} "
                    f"| {t['tmkit kl']:.3f} | {t['numpy kl']:.3f} | {t['numpy kl'] / t['tmkit kl']:.2f}x "
                    f"| {memory['tmkit kl']:.0f} / {memory['numpy kl']:.0f} "
                    f"| {rate / 1e9:.1f} ({100 * rate / peak:.0f}%) |")

    topk_rows = []
    for n in topk_sizes:
        times, peer_times, mib_max, peer_mib = [], [], 0.0, 0.0
        for run in range(args.runs):
            seconds, mib = tmkit("topk", "js", paths[n], 10)
            times.append(seconds)
            mib_max = max(mib_max, mib)
            print(f"  top-10 N = {n} run {run + 1} tmkit {seconds:9.3f} s  peak {mib:8.1f} MiB", flush=True)
        seconds, mib = peer("topk", paths[n], 10)  # one run: it is the slow side
        peer_times.append(seconds * n / 500.0)
        peer_mib = mib
        print(f"  top-10 N = {n} scipy 500 queries {seconds:9.3f} s  peak {mib:8.1f} MiB", flush=True)
        t = median(times)
        topk_rows.append(f"| {n} | {t:.1f} | {peer_times[0]:.0f} (extrapolated from 500 queries) "
                         f"| {peer_times[0] / t:.0f}x | {mib_max:.0f} | {peer_mib:.0f} "
                         f"| {8.0 * n * n / 2**30:.0f} GiB |")

    report = (
        f"Divergence matrices on theta rows (K = 50) of a 200,000-document fit; medians of {args.runs} runs "
        f"on {os.cpu_count()} cores; seconds of the call alone, peak resident memory of each process.\n"
        f"Values checked first on N = 2000: JSD within {js_error:.2g} of scipy, KL within {kl_error:.2g} of numpy.\n\n"
        "| N | tmkit JSD s | scipy pdist s | scipy / tmkit | MiB tmkit / scipy | tmkit KL s | numpy KL s "
        "| numpy / tmkit | MiB tmkit / numpy | KL GFLOP/s (of peak) |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Peak: {peak / 1e9:.0f} GFLOP/s = {peak_text}. tmkit computes the full N x N matrix (numpy too); "
        "scipy the condensed upper triangle.\n\n"
        "Top-10 neighbours (JS) of every row:\n\n"
        "| N | tmkit s | scipy cdist + argpartition s | ratio | tmkit MiB | scipy MiB (500 queries) | full matrix would need |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(topk_rows) + "\n")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "divergence.md"), "w") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
