#!/usr/bin/python3
"""Model selection: a five-candidate tm-select grid against fitting the same five models one after
another, and the cost of the leave-one-out part relative to the fits.

usage: bench/select_bench.py [--runs N] [--topics 5,10,20,40,80] [--draws 100]

On the bundled corpus (corpora/kjv, 1,189 chapters), each run measures, as whole processes
(wall time, peak resident memory of the largest process):
  grid        tm-select -k 5,10,20,40,80 --threads 2: the five candidates fitted in parallel, one
              core each, with every criterion (held-out perplexity, AIC..HQIC, PSIS-LOO from
              --draws draws, held-out elpd, coherence);
  one by one  tm-select -k K --threads 2 for each K in turn: the same work, one candidate at a
              time with both cores;
  tm-fit      tm-fit -k K --threads 2 for each K in turn: the fits alone, as a user choosing K by
              hand would run them (on all documents: no held-out slice, no scoring).
From the grid's selection.json: the fit seconds and the scoring seconds (pointwise log-likelihoods
of the training and held-out documents plus PSIS) summed over candidates, and their ratio.
The same candidates give the same numbers in the grid and one by one (checked on every run).
Reports medians of --runs runs; writes bench/results/select.md and prints it.
The binaries are those of build/release, or of the build directory in $TMKIT_BUILD.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.environ.get("TMKIT_BUILD", os.path.join(ROOT, "build", "release"))
TM_SELECT = os.path.join(BUILD, "apps", "tm-select")
TM_FIT = os.path.join(BUILD, "apps", "tm-fit")
KJV = os.path.join(ROOT, "corpora", "kjv", "docword.kjv.txt")


def run(command):
    """Wall seconds and peak resident MiB of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024.0


def candidates(path):
    with open(os.path.join(path, "selection.json")) as f:
        return json.load(f)["candidates"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--topics", default="5,10,20,40,80")
    parser.add_argument("--draws", type=int, default=100)
    args = parser.parse_args()
    topics = [int(k) for k in args.topics.split(",")]
    common = ["--corpus", KJV, "--draws", str(args.draws), "--threads", "2", "--quiet"]
    rows = {"grid": [], "one by one": [], "tm-fit": []}
    peaks = {"grid": 0.0, "one by one": 0.0, "tm-fit": 0.0}
    fit_seconds, score_seconds = [], []
    with tempfile.TemporaryDirectory() as work:
        for r in range(args.runs):
            out = os.path.join(work, f"grid{r}")
            seconds, peak = run([TM_SELECT, "-k", args.topics, "--out", out] + common)
            rows["grid"].append(seconds)
            peaks["grid"] = max(peaks["grid"], peak)
            grid = {c["k"]: c for c in candidates(out)}
            fit_seconds.append(sum(c["fit_seconds"] for c in grid.values()))
            score_seconds.append(sum(c["loo_seconds"] for c in grid.values()))
            total = 0.0
            for k in topics:
                single = os.path.join(work, f"one{r}-{k}")
                seconds, peak = run([TM_SELECT, "-k", str(k), "--out", single] + common)
                total += seconds
                peaks["one by one"] = max(peaks["one by one"], peak)
                alone = candidates(single)[0]
                for field in ("elbo", "heldout_perplexity", "aic", "elpd_loo", "heldout_elpd"):
                    if alone[field] != grid[k][field]:
                        raise SystemExit(f"K = {k}: {field} differs between grid and single run")
            rows["one by one"].append(total)
            total = 0.0
            for k in topics:
                seconds, peak = run([TM_FIT, "--corpus", KJV, "-k", str(k), "--threads", "2",
                                     "--quiet", "--out", os.path.join(work, f"fit{r}-{k}")])
                total += seconds
                peaks["tm-fit"] = max(peaks["tm-fit"], peak)
            rows["tm-fit"].append(total)
            print(f"run {r + 1}: grid {rows['grid'][-1]:.1f} s, one by one "
                  f"{rows['one by one'][-1]:.1f} s, tm-fit {rows['tm-fit'][-1]:.1f} s", flush=True)

    grid_median = statistics.median(rows["grid"])
    lines = [
        "# Model selection: a tm-select grid against one model after another",
        "",
        f"`bench/select_bench.py --runs {args.runs} --topics {args.topics} --draws {args.draws}`; "
        f"corpus: corpora/kjv (1,189 documents, V = 4,445); 2 threads; medians of {args.runs} "
        "runs; peak = largest resident memory of one process.",
        "",
        "| how | what runs | wall time | ratio to the grid | peak memory (MiB) |",
        "|---|---|---|---|---|",
    ]
    what = {"grid": f"tm-select -k {args.topics}: candidates in parallel, every criterion",
            "one by one": "tm-select -k K for each K in turn: the same work, 2 threads each",
            "tm-fit": "tm-fit -k K for each K in turn: the fits alone, no scoring"}
    for name in ("grid", "one by one", "tm-fit"):
        median = statistics.median(rows[name])
        lines.append(f"| {name} | {what[name]} | {median:.1f} s | {median / grid_median:.2f}x | "
                     f"{peaks[name]:.0f} |")
    fit = statistics.median(fit_seconds)
    score = statistics.median(score_seconds)
    lines += [
        "",
        f"Inside the grid (summed over the {len(topics)} candidates, one core each): fits "
        f"{fit:.1f} s; pointwise log-likelihoods ({args.draws} draws of q(beta), training and "
        f"held-out documents) and PSIS-LOO {score:.1f} s, that is {100 * score / fit:.0f}% of the "
        "fits.",
    ]
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "select.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
