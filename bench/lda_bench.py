#!/usr/bin/python3
"""tm-fit against scikit-learn's batch LDA and gensim's LdaModel, side by side on the same training
documents, with the same K and priors; every model judged by the same document-completion evaluator
(evaluate.py) on the same held-out documents.

usage: bench/lda_bench.py [--corpus kjv|gcide|synthetic] [--runs N] [--passes P] [--tools LIST]
  kjv        the bundled corpus (1189 chapters), K = 20, alpha = eta = 1/K
  gcide      62,722 dictionary entries from Debian's dict-gcide (gcide_corpus.py), K = 50,
             alpha = eta = 0.02
  synthetic  LDA-generated: D = 50,000, V = 20,000, K = 50, ~120 tokens, alpha = 0.1, eta = 0.01
Tools: tmkit-default (tm-fit's defaults: it decides when to stop), tmkit-pN (the defaults within a
budget of N passes), tmkit (exactly P passes, no moves, as the peers run), sklearn (batch, P
passes), gensim-0 (LdaModel, P passes), gensim-W (LdaMulticore with W workers). P = 10.
Reports, per tool: median fit seconds and process seconds over the runs, peak resident memory of
the process, held-out perplexity; then, against each peer, the default fit's speed-up and how soon
a tmkit fit reaches the peer's perplexity. Results go to stdout and to bench/results/<corpus>.md.
Needs the release build (build/release/apps/tm-fit), python3-sklearn, python3-gensim,
python3-scipy (Debian 12).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from corpus import generate_lda, read_uci, split_heldout, write_uci  # noqa: E402
from evaluate import document_completion_perplexity  # noqa: E402

TM_FIT = os.path.join(ROOT, "build", "release", "apps", "tm-fit")
SEED = 1
HELDOUT_FRACTION = 0.1


def run_with_rusage(command):
    """Runs a command; returns (stdout, wall seconds, the child's ru_maxrss in MiB). That maxrss
    includes the resident memory of this Python process at the fork (Linux counts the copied page
    tables), so the peak reported is the one each tool measures of itself: tmkit's summary line
    "peak memory N MiB" and peers.py's "peak_mib", both VmHWM after exec."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        out = os.open(os.path.join(tempfile.gettempdir(), f"bench-{os.getpid()}.out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(out, 1)
        os.dup2(devnull, 2)
        os.execv(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    path = os.path.join(tempfile.gettempdir(), f"bench-{pid}.out")
    with open(path) as f:
        stdout = f.read()
    os.remove(path)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed")
    return stdout, wall, usage.ru_maxrss / 1024.0


def tmkit_peak(stdout):
    """The peak resident memory tm-fit reports of itself in its summary."""
    for line in stdout.splitlines():
        if line.startswith("peak memory "):
            return float(line.split()[2])
    raise RuntimeError("tm-fit printed no peak memory line")


def gcide_docword(data_dir):
    """The dictionary corpus (gcide_corpus.py), imported by tm-import: stop words out, words in at
    least 5 and at most half of the entries."""
    docword = os.path.join(data_dir, "docword.gcide.txt")
    if not os.path.exists(docword):
        text = os.path.join(data_dir, "gcide.tsv")
        subprocess.run([sys.executable, os.path.join(HERE, "gcide_corpus.py"), text], check=True)
        subprocess.run([os.path.join(ROOT, "build", "release", "apps", "tm-import"), "--corpus", text,
                        "--columns", "id-label-text", "--min-df", "5", "--max-df", "0.5",
                        "--out", docword], check=True, stdout=subprocess.DEVNULL)
    return docword


def prepare(name, data_dir):
    os.makedirs(data_dir, exist_ok=True)
    train_path = os.path.join(data_dir, f"docword.{name}-train.txt")
    split_path = os.path.join(data_dir, f"{name}-heldout.npz")
    if os.path.exists(train_path) and os.path.exists(split_path):
        parts = np.load(split_path)
        observed = sp.csr_matrix((parts["o_data"], parts["o_indices"], parts["o_indptr"]), shape=tuple(parts["shape"]))
        heldout = sp.csr_matrix((parts["h_data"], parts["h_indices"], parts["h_indptr"]), shape=tuple(parts["shape"]))
        return train_path, observed, heldout
    if name == "kjv":
        X, vocab = read_uci(os.path.join(ROOT, "corpora", "kjv", "docword.kjv.txt"))
    elif name == "gcide":
        X, vocab = read_uci(gcide_docword(data_dir))
    else:
        X, _ = generate_lda(50000, 20000, 50, 120, 0.1, 0.01, seed=20261122)
        vocab = [f"w{w}" for w in range(X.shape[1])]
    train, observed, heldout = split_heldout(X, HELDOUT_FRACTION, SEED)
    # Training documents that the split left empty cannot occur (documents are never empty); held-out
    # halves may be empty for one-token documents and simply contribute nothing.
    write_uci(train, vocab, train_path)
    np.savez(split_path, o_data=observed.data, o_indices=observed.indices, o_indptr=observed.indptr,
             h_data=heldout.data, h_indices=heldout.indices, h_indptr=heldout.indptr,
             shape=np.array(observed.shape))
    return train_path, observed, heldout


def run_tool(tool, run, scratch, train_path, k, alpha, eta, passes):
    """One fit by one tool: (fit seconds, process seconds, peak MiB, passes, lambda, alpha used)."""
    out = os.path.join(scratch, f"{tool}-{run}")
    if tool.startswith("tmkit"):
        command = [TM_FIT, "--corpus", train_path, "-k", str(k), "--alpha", repr(alpha),
                   "--eta", repr(eta), "--seed", str(SEED), "--threads", "2", "--quiet", "--out", out]
        if tool == "tmkit":  # exactly `passes` passes, as the peers run
            command += ["--passes", str(passes), "--stop", "elbo", "--tol", "0", "--moves", "0"]
        elif tool.startswith("tmkit-p"):  # the defaults within a budget of N passes
            command += ["--passes", tool[len("tmkit-p"):]]
        stdout, wall, _ = run_with_rusage(command)
        with open(os.path.join(out, "model.json")) as f:
            info = json.load(f)
        return (info["seconds"], wall, tmkit_peak(stdout), info["passes"],
                np.load(os.path.join(out, "lambda.npy")), np.asarray(info["alpha"]))
    name, _, workers = tool.partition("-")
    command = [sys.executable, os.path.join(HERE, "peers.py"), name, train_path, str(k), repr(alpha),
               repr(eta), str(passes), workers or "2", str(SEED), out]
    stdout, wall, _ = run_with_rusage(command)
    report = json.loads(stdout.strip().splitlines()[-1])
    return (report["fit_seconds"], wall, report["peak_mib"], passes,
            np.load(os.path.join(out, "lambda.npy")), np.load(os.path.join(out, "alpha.npy")))


TOOL_NAMES = {"tmkit-default": "tmkit, defaults", "tmkit": "tmkit, exactly P passes",
              "sklearn": "scikit-learn batch", "gensim-0": "gensim LdaModel",
              "gensim-1": "gensim LdaMulticore, 1 worker", "gensim-2": "gensim LdaMulticore, 2 workers"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", choices=["kjv", "gcide", "synthetic"], default="kjv")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--passes", type=int, default=None)
    parser.add_argument("--tools", default="tmkit-default,tmkit-p4,tmkit-p8,tmkit-p12,tmkit-p16,"
                                           "sklearn,gensim-0")
    args = parser.parse_args()
    if args.corpus == "kjv":
        k, alpha, eta, passes = 20, 1 / 20, 1 / 20, args.passes or 10
    elif args.corpus == "gcide":
        k, alpha, eta, passes = 50, 0.02, 0.02, args.passes or 10
    else:
        k, alpha, eta, passes = 50, 0.1, 0.01, args.passes or 10
    data_dir = os.path.join(HERE, "data")
    train_path, observed, heldout = prepare(args.corpus, data_dir)
    X_train, _ = read_uci(train_path)
    header = (f"{args.corpus}: {X_train.shape[0]} training documents, {observed.shape[0]} held out, "
              f"V = {X_train.shape[1]}, {int(X_train.sum())} training tokens; K = {k}, "
              f"alpha = {alpha:g}, eta = {eta:g}; peers run {passes} passes; {args.runs} runs on "
              f"{os.cpu_count()} cores")
    print(header, flush=True)
    tools = args.tools.split(",")
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(args.runs):
            for tool in tools:
                fit, wall, rss, passes_run, lam, alpha_used = run_tool(
                    tool, run, scratch, train_path, k, alpha, eta, passes)
                entry = results.setdefault(tool, {"fit": [], "wall": [], "rss": [], "passes": []})
                entry["fit"].append(fit)
                entry["wall"].append(wall)
                entry["rss"].append(rss)
                entry["passes"].append(passes_run)
                if "perplexity" not in entry:  # every run of a tool fits the same model
                    entry["perplexity"] = document_completion_perplexity(lam, alpha_used, observed,
                                                                         heldout)
                print(f"  run {run + 1} {tool:14s} fit {fit:8.2f} s  process {wall:8.2f} s  "
                      f"peak {rss:7.1f} MiB  {passes_run:3d} passes  perplexity "
                      f"{entry['perplexity']:.2f}", flush=True)
    median = {tool: statistics.median(entry["fit"]) for tool, entry in results.items()}
    lines = ["| tool | passes | fit s (median) | process s (median) | peak MiB | held-out perplexity |",
             "|---|---|---|---|---|---|"]
    for tool, entry in results.items():
        lines.append(f"| {TOOL_NAMES.get(tool, tool)} | {statistics.median(entry['passes']):g} | "
                     f"{median[tool]:.2f} | {statistics.median(entry['wall']):.2f} | "
                     f"{max(entry['rss']):.0f} | {entry['perplexity']:.2f} |")
    # Against each peer: the default fit's speed-up at its perplexity, and how soon a tmkit fit
    # (the defaults within some pass budget) reaches the peer's perplexity.
    tmkit_runs = [t for t in results if t.startswith("tmkit") and t != "tmkit"]
    peers = [t for t in results if not t.startswith("tmkit")]
    comparison = ["", "| peer | peer fit s | peer perplexity | tmkit default: fit s, perplexity, "
                  "speed-up | tmkit's time to the peer's perplexity (budget) | speed-up |",
                  "|---|---|---|---|---|---|"]
    for peer in peers:
        target = results[peer]["perplexity"]
        reached = [(median[t], t) for t in tmkit_runs if results[t]["perplexity"] <= target]
        default = results.get("tmkit-default")
        default_text = (f"{median['tmkit-default']:.2f} s, {default['perplexity']:.2f}, "
                        f"{median[peer] / median['tmkit-default']:.1f}x") if default else "-"
        if reached:
            seconds, tool = min(reached)
            budget = "defaults" if tool == "tmkit-default" else f"--passes {tool[len('tmkit-p'):]}"
            reach_text, speedup = f"{seconds:.2f} s ({budget})", f"{median[peer] / seconds:.1f}x"
        else:
            reach_text, speedup = "not reached by the runs made", "-"
        comparison.append(f"| {TOOL_NAMES.get(peer, peer)} | {median[peer]:.2f} | {target:.2f} | "
                          f"{default_text} | {reach_text} | {speedup} |")
    table = "\n".join(lines + comparison)
    print(table)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", f"{args.corpus}.md"), "w") as f:
        f.write(header + ".\n\n" + table + "\n")


if __name__ == "__main__":
    main()
