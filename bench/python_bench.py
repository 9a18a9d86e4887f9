#!/usr/bin/python3
"""tmkit's Python estimator against scikit-learn's, and against tm-fit, side by side.

For each corpus, each contender fits in a process of its own (so that its peak memory is its own),
three times; the table holds medians of the fit time (the fit call alone, data already in memory),
the process's peak resident memory, and the training perplexity by the bound (scikit-learn's
perplexity(X), the same formula in both estimators). Contenders, with the same K and priors
(alpha = eta = 1/K, scikit-learn's defaults):
  tmkit (Python), default     tmkit.LatentDirichletAllocation(); tmkit's stopping rule
  tmkit (Python), 10 passes   max_iter=10 (scikit-learn's default pass count)
  scikit-learn, 10 passes     sklearn.decomposition.LatentDirichletAllocation(max_iter=10, n_jobs=-1)
  tm-fit, default             the app on the corpus file (its own "seconds" of the fit)
The overhead of the Python layer is tmkit (Python) default against tm-fit default: the same fit
(bit for bit, python/tests), so the difference is the binding's conversions.

usage: PYTHONPATH=build/release/python bench/python_bench.py [--runs N] [--quick]
writes bench/results/python.md. Peers (Debian 12): python3-sklearn 1.2.1.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)


def peak_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def worker(tool, docword, k, seed):
    from corpus import read_uci
    X, _ = read_uci(docword)
    if tool.startswith("tmkit"):
        import tmkit
        model = tmkit.LatentDirichletAllocation(
            n_components=k, random_state=seed,
            max_iter=10 if tool == "tmkit10" else None)
    else:
        from sklearn.decomposition import LatentDirichletAllocation
        model = LatentDirichletAllocation(n_components=k, max_iter=10, n_jobs=-1,
                                          random_state=seed, learning_method="batch")
    start = time.perf_counter()
    model.fit(X)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib(),
                      "perplexity": float(model.perplexity(X)),
                      "passes": int(model.n_iter_)}))


def run_tm_fit(apps, docword, k, seed):
    out = tempfile.mkdtemp(prefix="tmkit-bench-")
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", os.path.join(apps, "tm-fit"), "--corpus",
                           docword, "-k", str(k), "--seed", str(seed), "--out",
                           os.path.join(out, "m")], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    with open(os.path.join(out, "m", "model.json")) as f:
        meta = json.load(f)
    peak = int(proc.stderr.strip().splitlines()[-1]) / 1024.0
    subprocess.run(["rm", "-rf", out], check=True)
    return {"seconds": meta["seconds"], "process_seconds": wall, "peak_mib": peak,
            "passes": meta["passes"]}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="the bundled corpus only")
    parser.add_argument("--apps", default=os.path.join(ROOT, "build", "release", "apps"))
    args = parser.parse_args()
    corpora = [("kjv (bundled): 1,189 chapters, V = 4,445", os.path.join(ROOT, "corpora", "kjv",
                                                                        "docword.kjv.txt"), 20)]
    if not args.quick:
        from corpus import generate_lda, write_uci
        X, _ = generate_lda(20000, 5000, 30, 80, 0.1, 0.01, seed=7)
        path = os.path.join(tempfile.mkdtemp(prefix="tmkit-bench-"), "docword.lda.txt")
        write_uci(X, [f"w{i}" for i in range(X.shape[1])], path)
        corpora.append(("LDA-drawn (alpha 0.1, eta 0.01, 30 planted topics): 20,000 documents of ~80 tokens, V = 5,000", path, 30))
    env = dict(os.environ)
    lines = ["# tmkit from Python against scikit-learn and tm-fit", "",
             f"`{' '.join(['bench/python_bench.py'] + sys.argv[1:])}` on {os.cpu_count()} cores; "
             f"medians of {args.runs} runs, each contender in its own process. Fit time is the fit "
             "call alone (data in memory); perplexity is the training bound, exp(-ELBO / tokens), "
             "scikit-learn's `perplexity(X)` (lower is better).", ""]
    for title, docword, k in corpora:
        rows = {}
        for tool in ("tmkit", "tmkit10", "sklearn"):
            runs = []
            for _ in range(args.runs):
                out = subprocess.run([sys.executable, __file__, "--worker", tool, docword, str(k),
                                      "1"], capture_output=True, text=True, env=env, check=True)
                runs.append(json.loads(out.stdout))
            rows[tool] = runs
        tm_fit = [run_tm_fit(args.apps, docword, k, 1) for _ in range(args.runs)]
        med = lambda runs, key: statistics.median(r[key] for r in runs)  # noqa: E731
        sk = med(rows["sklearn"], "seconds")
        lines += [f"## {title}, K = {k}", "",
                  "| contender | passes | fit s | vs scikit-learn | peak MiB | perplexity |",
                  "|---|---|---|---|---|---|"]
        names = {"tmkit": "tmkit (Python), default", "tmkit10": "tmkit (Python), 10 passes",
                 "sklearn": "scikit-learn, 10 passes"}
        for tool in ("tmkit", "tmkit10", "sklearn"):
            s = med(rows[tool], "seconds")
            lines.append(f"| {names[tool]} | {med(rows[tool], 'passes'):.0f} | {s:.2f} | "
                         f"{sk / s:.1f}x | {med(rows[tool], 'peak_mib'):.0f} | "
                         f"{med(rows[tool], 'perplexity'):.1f} |")
        fit_s = med(tm_fit, "seconds")
        lines.append(f"| tm-fit, default (app) | {med(tm_fit, 'passes'):.0f} | {fit_s:.2f} | "
                     f"{sk / fit_s:.1f}x | {med(tm_fit, 'peak_mib'):.0f} | (same model) |")
        py = med(rows["tmkit"], "seconds")
        lines += ["", f"Python layer overhead (the same fit): {py:.2f} s from Python against "
                  f"{fit_s:.2f} s in tm-fit, {100 * (py - fit_s) / fit_s:+.1f}%; tm-fit's whole "
                  f"process (reading the file, writing the model) took "
                  f"{med(tm_fit, 'process_seconds'):.2f} s.", ""]
        print("\n".join(lines[-12:]), flush=True)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "python.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
