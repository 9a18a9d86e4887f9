#!/usr/bin/python3
"""Validation study of tm-select: which criteria recover the true number of topics K*?

usage: bench/selection_study.py [--docs 2000] [--words 1000] [--length 100] [--kfold 5]
                                [--topics 3,5,8,10,15,20,30,40] [--seeds 1,2]

Four corpora of --docs documents over --words words (mean length --length), each with its topics
drawn from Dirichlet(0.05):
  lda-5, lda-10, lda-20  LDA's own generative process with K* = 5, 10, 20 and alpha = 0.1;
  ctm-10                 K* = 10 topics, but topic proportions from a logistic normal with
                         correlated topics (the correlated topic model, Blei & Lafferty 2007):
                         theta_d = softmax(x_d), x_d ~ N(mu, Sigma) with mu = 0, variance 4 and
                         correlation 0.8 between topics 2i and 2i + 1 - a model LDA is not.
Each corpus is written in UCI form and given to
  tm-select --corpus CORPUS -k TOPICS --seeds SEEDS --kfold KFOLD --draws 100 --out DIR
and the choice of every criterion is read from DIR/selection.json. Writes
bench/results/selection_study.md (the table of chosen K per corpus and criterion, and each
candidate's held-out perplexity and elpd) and prints it. Corpora seeds are fixed (1, 2, 3, 4).
The binaries are those of build/release, or of the build directory in $TMKIT_BUILD.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import corpus  # noqa: E402

BUILD = os.environ.get("TMKIT_BUILD", os.path.join(ROOT, "build", "release"))
TM_SELECT = os.path.join(BUILD, "apps", "tm-select")

CRITERIA = ["heldout_perplexity", "heldout_elpd", "elpd_kfold", "elpd_loo", "elbo", "aic", "aicc",
            "bic", "hqic", "umass", "npmi", "stability_js"]


def ctm_theta(n_docs, n_topics, rng, variance=4.0, correlation=0.8):
    sigma = np.eye(n_topics) * variance
    for i in range(0, n_topics - 1, 2):
        sigma[i, i + 1] = sigma[i + 1, i] = correlation * variance
    x = rng.multivariate_normal(np.zeros(n_topics), sigma, size=n_docs)
    x -= x.max(axis=1, keepdims=True)
    theta = np.exp(x)
    return theta / theta.sum(axis=1, keepdims=True)


def make_corpus(name, args, seed, path):
    rng = np.random.RandomState(seed)
    k_true = int(name.split("-")[1])
    topics = corpus.draw_topics(k_true, args.words, 0.05, rng)
    if name.startswith("lda"):
        theta = rng.dirichlet(np.full(k_true, 0.1), size=args.docs)
    else:
        theta = ctm_theta(args.docs, k_true, rng)
    X = corpus.draw_documents(topics, theta, args.length, rng)
    corpus.write_uci(X, [f"w{i}" for i in range(args.words)], path)
    return k_true


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--length", type=float, default=100)
    parser.add_argument("--kfold", type=int, default=5)
    parser.add_argument("--topics", default="3,5,8,10,15,20,30,40")
    parser.add_argument("--seeds", default="1,2")
    args = parser.parse_args()
    corpora = ["lda-5", "lda-10", "lda-20", "ctm-10"]
    results = {}
    with tempfile.TemporaryDirectory() as work:
        for seed, name in enumerate(corpora, start=1):
            path = os.path.join(work, f"docword.{name}.txt")
            k_true = make_corpus(name, args, seed, path)
            out = os.path.join(work, name)
            start = time.perf_counter()
            subprocess.run([TM_SELECT, "--corpus", path, "-k", args.topics, "--seeds", args.seeds,
                            "--kfold", str(args.kfold), "--draws", "100", "--quiet", "--out", out],
                           check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(out, "selection.json")) as f:
                results[name] = (k_true, json.load(f), time.perf_counter() - start)
            print(f"{name}: {results[name][2]:.0f} s", flush=True)

    lines = [
        "# Which criteria recover the true number of topics?",
        "",
        f"`bench/selection_study.py --docs {args.docs} --words {args.words} --length {args.length:g} "
        f"--kfold {args.kfold} --topics {args.topics} --seeds {args.seeds}`. Each cell is the K a "
        "criterion chooses (over all seeds); **bold** when it is the true K*.",
        "",
        "| corpus | K* | " + " | ".join(CRITERIA) + " |",
        "|---|---|" + "---|" * len(CRITERIA),
    ]
    for name in corpora:
        k_true, selection, _ = results[name]
        cells = []
        for criterion in CRITERIA:
            k = selection["choice"].get(criterion)
            cells.append("-" if k is None else (f"**{k}**" if k == k_true else str(k)))
        lines.append(f"| {name} | {k_true} | " + " | ".join(cells) + " |")
    lines += ["", "Held-out perplexity / held-out elpd / elpd_kfold of each K (seed 1), and the share "
              "of training documents with Pareto k-hat above 0.7:", ""]
    for name in corpora:
        k_true, selection, seconds = results[name]
        lines.append(f"- {name} (K* = {k_true}, {seconds:.0f} s): " + "; ".join(
            f"K={c['k']}: {c['heldout_perplexity']:.1f} / {c['heldout_elpd']:.0f} / "
            f"{c['elpd_kfold']:.0f} / {100 * c['n_pareto_k_over_0_7'] / selection['split']['training_documents']:.0f}%"
            for c in selection["candidates"] if c["seed"] == 1))
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "selection_study.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
