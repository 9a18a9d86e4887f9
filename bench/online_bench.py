#!/usr/bin/python3
"""Online tm-fit against gensim's online LDA (LdaModel, and LdaMulticore with 2 workers) and
scikit-learn's online LDA, side by side on one synthetic corpus of 200,000 training documents, with
the same K, priors, mini-batch size, step schedule (tau0, kappa) and passes. Every model is judged by
the same document-completion evaluator (evaluate.py) on the same 5,000 held-out documents.

Time to reach the same held-out perplexity: tmkit is also run for 1..P passes; for each peer, the
first tmkit pass count whose perplexity is at least as good as the peer's after P passes gives
tmkit's time to reach it, and the ratio is the peer's time over that. Two tmkit times are given:
"topics ready", the process time up to the end of its last pass (the process time less its last
step, read from elbo.csv: folding every training document into the final topics to write gamma.npy
and the exact ELBO, which leaves the topics, and so the perplexity, unchanged, and which neither
peer does), and the whole process. The headline ratio uses the first; the second is also shown.

usage: bench/online_bench.py [--runs N] [--passes P] [--batch-size B] [--tools ...]
Results go to stdout and bench/results/online.md. Needs the release build, python3-sklearn,
python3-gensim, python3-scipy (Debian 12).
"""
import argparse
import csv
import json
import os
import shutil
import statistics
import sys
import tempfile

import numpy as np
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from corpus import generate_lda, read_uci, split_heldout, write_uci  # noqa: E402
from evaluate import document_completion_perplexity  # noqa: E402
from lda_bench import SEED, TM_FIT, run_with_rusage, tmkit_peak  # noqa: E402

N_DOCS, N_HELDOUT, N_WORDS, K, LENGTH, ALPHA, ETA = 205000, 5000, 10000, 50, 100, 0.1, 0.01
TAU0, KAPPA = 10.0, 0.7


def prepare(data_dir):
    os.makedirs(data_dir, exist_ok=True)
    train_path = os.path.join(data_dir, "docword.online-train.txt")
    split_path = os.path.join(data_dir, "online-heldout.npz")
    if not (os.path.exists(train_path) and os.path.exists(split_path)):
        X, _ = generate_lda(N_DOCS, N_WORDS, K, LENGTH, ALPHA, ETA, seed=20261123)
        train, observed, heldout = split_heldout(X, N_HELDOUT / N_DOCS, SEED)
        write_uci(train, [f"w{w}" for w in range(N_WORDS)], train_path)
        np.savez(split_path, o_data=observed.data, o_indices=observed.indices, o_indptr=observed.indptr,
                 h_data=heldout.data, h_indices=heldout.indices, h_indptr=heldout.indptr,
                 shape=np.array(observed.shape))
    parts = np.load(split_path)
    shape = tuple(parts["shape"])
    observed = sp.csr_matrix((parts["o_data"], parts["o_indices"], parts["o_indptr"]), shape=shape)
    heldout = sp.csr_matrix((parts["h_data"], parts["h_indices"], parts["h_indptr"]), shape=shape)
    return train_path, observed, heldout


def fold_in_seconds(elbo_csv):
    """Seconds tm-fit spent after its last pass: the fold-in line's time less the last pass's."""
    with open(elbo_csv) as f:
        rows = list(csv.DictReader(f))
    passes = [float(r["seconds"]) for r in rows if r["event"] != "fold-in"]
    fold = [float(r["seconds"]) for r in rows if r["event"] == "fold-in"]
    return fold[-1] - passes[-1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--tools", default="tmkit,sklearn,gensim-1,gensim-2")
    args = parser.parse_args()
    train_path, observed, heldout = prepare(os.path.join(HERE, "data"))
    with open(train_path) as f:
        n_train = int(f.readline())
    print(f"online: {n_train} training documents, {observed.shape[0]} held out, V = {N_WORDS}, K = {K}, "
          f"alpha = {ALPHA}, eta = {ETA}, batch {args.batch_size}, tau0 = {TAU0}, kappa = {KAPPA}, "
          f"{args.passes} passes, {args.runs} runs", flush=True)
    schedule = ["online", str(args.batch_size), repr(TAU0), repr(KAPPA)]
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(args.runs):
            for tool in args.tools.split(","):
                for passes in (range(1, args.passes + 1) if tool == "tmkit" else [args.passes]):
                    name = f"{tool}@{passes}" if tool == "tmkit" else tool
                    out = os.path.join(scratch, f"{name}-{run}")
                    if tool == "tmkit":
                        command = [TM_FIT, "--corpus", train_path, "-k", str(K), "--alpha", repr(ALPHA),
                                   "--eta", repr(ETA), "--seed", str(SEED), "--threads", "2", "--quiet",
                                   "--algorithm", "online", "--batch-size", str(args.batch_size),
                                   "--tau0", repr(TAU0), "--kappa", repr(KAPPA), "--passes", str(passes),
                                   "--out", out]
                        stdout, wall, _ = run_with_rusage(command)
                        rss = tmkit_peak(stdout)
                        with open(os.path.join(out, "model.json")) as f:
                            fit_seconds = json.load(f)["seconds"]
                        ready = wall - fold_in_seconds(os.path.join(out, "elbo.csv"))
                        lam = np.load(os.path.join(out, "lambda.npy"))
                        alpha_used = np.full(K, ALPHA)
                    else:
                        peer, _, workers = tool.partition("-")
                        command = [sys.executable, os.path.join(HERE, "peers.py"), peer, train_path, str(K),
                                   repr(ALPHA), repr(ETA), str(passes), workers or "1", str(SEED), out] + schedule
                        stdout, wall, _ = run_with_rusage(command)
                        report = json.loads(stdout.strip().splitlines()[-1])
                        fit_seconds, rss = report["fit_seconds"], report["peak_mib"]
                        lam = np.load(os.path.join(out, "lambda.npy"))
                        alpha_used = np.load(os.path.join(out, "alpha.npy"))
                        ready = wall
                    entry = results.setdefault(name, {"fit": [], "wall": [], "ready": [], "rss": [],
                                                      "passes": passes})
                    entry["fit"].append(fit_seconds)
                    entry["wall"].append(wall)
                    entry["ready"].append(ready)
                    entry["rss"].append(rss)
                    if "perplexity" not in entry:
                        entry["perplexity"] = document_completion_perplexity(lam, alpha_used, observed, heldout)
                    print(f"  run {run + 1} {name:10s} fit {fit_seconds:8.2f} s  process {wall:8.2f} s  "
                          f"topics ready {ready:8.2f} s  "
                          f"peak {rss:7.1f} MiB  perplexity {entry['perplexity']:.2f}", flush=True)
                    shutil.rmtree(out, ignore_errors=True)
    tmkit_runs = sorted((e["passes"], statistics.median(e["ready"]), statistics.median(e["wall"]),
                         e["perplexity"], max(e["rss"]))
                        for n, e in results.items() if n.startswith("tmkit@"))
    lines = ["| tool | passes | process s (median) | topics ready s (median) | peak MiB | held-out perplexity | "
             "tmkit reaches it after | time ratio (peer / tmkit topics ready) | time ratio (peer / tmkit process) | "
             "memory ratio (tmkit / peer) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, entry in results.items():
        wall = statistics.median(entry["wall"])
        ready = statistics.median(entry["ready"])
        rss = max(entry["rss"])
        if name.startswith("tmkit@"):
            lines.append(f"| {name} | {entry['passes']} | {wall:.2f} | {ready:.2f} | {rss:.0f} | "
                         f"{entry['perplexity']:.2f} | | | | |")
            continue
        reach = next(((p, r, w, m) for p, r, w, pp, m in tmkit_runs if pp <= entry["perplexity"]), None)
        if reach:
            cells = (f"{reach[0]} pass(es): topics {reach[1]:.2f} s, process {reach[2]:.2f} s | "
                     f"{wall / reach[1]:.1f}x | {wall / reach[2]:.1f}x | {reach[3] / rss:.2f} |")
        else:
            cells = "not within the passes run | - | - | - |"
        lines.append(f"| {name} | {entry['passes']} | {wall:.2f} | | {rss:.0f} | {entry['perplexity']:.2f} | {cells}")
    table = "\n".join(lines)
    print(table)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "online.md"), "w") as f:
        f.write(f"Online LDA: {n_train} training documents, {observed.shape[0]} held out, V = {N_WORDS}, K = {K}, "
                f"alpha = {ALPHA}, eta = {ETA}; mini-batches of {args.batch_size}, tau0 = {TAU0}, kappa = {KAPPA}; "
                f"{args.runs} runs on {os.cpu_count()} cores. Times are whole processes (reading included); "
                f"tmkit's 'topics ready' is its process time less the final fold-in of the training "
                f"documents (gamma.npy), which leaves the topics unchanged and which the peers do not do.\n\n"
                + table + "\n")


if __name__ == "__main__":
    main()
