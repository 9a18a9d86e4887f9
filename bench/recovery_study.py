#!/usr/bin/env python3
"""Recovery study: does tm-fit find the topics a corpus was drawn from, on every seed?

Every cell of a grid draws corpora from LDA (tmkit's generator, eta = 0.01) and fits them three ways
a user would: batch with the defaults, batch with --passes 40, online with 20 passes (batch size
256). Each fit is scored by the Hungarian-matched Jensen-Shannon divergence between planted and
fitted topics (natural log). A cell passes when, for every seed, the mean matched JS is below 0.03
and no topic is above 0.05.

Each (cell, seed) is also fitted from the planted topics themselves (the "oracle" start): where that
fit ends is the accuracy the corpus allows at all, sampling noise being what it is. Cells whose
oracle misses the criterion cannot be passed by any method; they are reported as such, not hidden.

  bench/recovery_study.py                    the whole grid (many hours on 2 cores)
  bench/recovery_study.py --docs 4500        only the cells with D = 4500
  bench/recovery_study.py --quick            the subset CI runs as a test (K = 30 and 10)

Results are appended to bench/results/recovery_runs.jsonl (a run is skipped when its line is
there already, so the study can be stopped and resumed) and the table is written to
docs/recovery-study.md; a cell the log lacks keeps its row from the table as it was (the log is a
working file, not committed), so a study resumed on a fresh checkout adds rows without losing any.
"""
import argparse
import itertools
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CELL = os.path.join(ROOT, "build", "release", "bench", "recovery_cell")

TOPICS = (10, 30, 50)
WORDS = (5000, 20000)
DOCS = (4500, 45000)
LENGTHS = (40, 120)
ALPHAS = (0.05, 0.1, 0.5)
SEEDS = (1, 2, 3, 4, 5)
MODES = {
    "oracle": ["oracle=1", "moves=0", "stop=elbo", "warmup=0"],
    "batch default": [],
    "batch --passes 40": ["passes=40"],
    "online 20 passes": ["algorithm=online", "passes=20"],
}
MEAN_LIMIT, MAX_LIMIT = 0.03, 0.05


def run(cell, seed, mode, threads):
    k, v, d, length, alpha = cell
    args = [CELL, f"k={k}", f"v={v}", f"d={d}", f"length={length}", f"alpha={alpha}",
            f"corpus_seed={seed}", f"seed={seed}", f"threads={threads}"] + MODES[mode]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def key(cell, seed, mode):
    return json.dumps([list(cell), seed, mode])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, choices=DOCS, help="only cells with this D")
    parser.add_argument("--k", type=int, nargs="+", choices=TOPICS, help="only cells with these K")
    parser.add_argument("--v", type=int, nargs="+", choices=WORDS, help="only cells with these V")
    parser.add_argument("--length", type=int, nargs="+", choices=LENGTHS, help="only these lengths")
    parser.add_argument("--alpha", type=float, nargs="+", choices=ALPHAS, help="only these alphas")
    parser.add_argument("--quick", action="store_true", help="the subset of the test suite")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", default=os.path.join(HERE, "results", "recovery_runs.jsonl"))
    parser.add_argument("--table", default=os.path.join(ROOT, "docs", "recovery-study.md"))
    args = parser.parse_args()
    if not os.path.exists(CELL):
        sys.exit(f"{CELL} is missing: build the release preset first (bash .ci/bootstrap demo)")

    cells = list(itertools.product(TOPICS, WORDS, DOCS, LENGTHS, ALPHAS))
    for index, chosen in ((0, args.k), (1, args.v), (2, [args.docs] if args.docs else None),
                          (3, args.length), (4, args.alpha)):
        if chosen:
            cells = [c for c in cells if c[index] in chosen]
    if args.quick:
        cells = [(30, 5000, 4500, 80, 0.1), (10, 5000, 4500, 40, 0.5)]
    done = {}
    if os.path.exists(args.runs):
        with open(args.runs) as f:
            for line in f:
                entry = json.loads(line)
                done[entry["key"]] = entry["result"]
    os.makedirs(os.path.dirname(args.runs), exist_ok=True)
    with open(args.runs, "a") as log:
        for cell in cells:
            for seed in SEEDS:
                for mode in MODES:
                    k = key(cell, seed, mode)
                    if k in done:
                        continue
                    result = run(cell, seed, mode, args.threads)
                    done[k] = result
                    log.write(json.dumps({"key": k, "result": result}) + "\n")
                    log.flush()
                    print(f"K={cell[0]} V={cell[1]} D={cell[2]} len={cell[3]} alpha={cell[4]} "
                          f"seed {seed} {mode}: mean {result['mean_js']:.4f} "
                          f"max {result['max_js']:.4f} ({result['passes']} passes, "
                          f"{result['seconds']:.1f} s)", flush=True)
    # The table covers the whole grid: every cell whose runs are all in the log, whatever was chosen.
    write_table(list(itertools.product(TOPICS, WORDS, DOCS, LENGTHS, ALPHAS)), done, args.table)


def count_row(line, modes, summary):
    """Adds a kept row's verdicts to the summary of feasible cells passed."""
    fields = [x.strip() for x in line.strip().strip("|").split("|")]
    if "infeasible" in fields[5]:
        return
    for m, text in zip(modes, fields[6:]):
        summary[m][0] += " pass " in f" {text} "
        summary[m][1] += 1


def table_rows(path):
    """The rows of an existing table, by cell: the run log is a working file (not committed), so a
    study resumed on another checkout keeps the rows it cannot recompute."""
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            fields = [x.strip() for x in line.strip().strip("|").split("|")]
            if len(fields) < 6 or not fields[0].isdigit():
                continue
            cell = (int(fields[0]), int(fields[1]), int(fields[2]), int(fields[3]), float(fields[4]))
            rows[cell] = line.rstrip("\n")
    return rows


def write_table(cells, done, path):
    modes = [m for m in MODES if m != "oracle"]
    kept = table_rows(path)
    lines = [
        "# Recovery study",
        "",
        "Generated by `bench/recovery_study.py` (do not edit by hand). Corpora drawn from LDA with",
        "eta = 0.01; each cell fitted for seeds " + ", ".join(map(str, SEEDS)) + " (the seed draws the",
        "corpus and seeds the fit). Figures: the worst over the seeds of the mean matched JS and of the",
        "largest matched JS (natural log). A cell passes when every seed has mean < 0.03 and no topic",
        "above 0.05. *oracle*: the fit started from the planted topics, i.e. the accuracy the corpus",
        "allows; where it misses the criterion the cell is marked infeasible: no start does better.",
        "",
        "| K | V | D | length | alpha | oracle mean / max | " + " | ".join(modes) + " |",
        "|---|---|---|---|---|---|" + "---|" * len(modes),
    ]
    summary = {m: [0, 0] for m in modes}
    not_run = []
    for cell in cells:
        rows = {m: [done.get(key(cell, s, m)) for s in SEEDS] for m in MODES}
        if any(r is None for rs in rows.values() for r in rs):
            if cell in kept:
                lines.append(kept[cell])
                count_row(kept[cell], modes, summary)
            else:
                not_run.append(cell)
            continue
        oracle_mean = max(r["mean_js"] for r in rows["oracle"])
        oracle_max = max(r["max_js"] for r in rows["oracle"])
        feasible = oracle_mean < MEAN_LIMIT and oracle_max < MAX_LIMIT
        cells_text = []
        for m in modes:
            worst_mean = max(r["mean_js"] for r in rows[m])
            worst_max = max(r["max_js"] for r in rows[m])
            ok = worst_mean < MEAN_LIMIT and worst_max < MAX_LIMIT
            passes = sorted(r["passes"] for r in rows[m])[len(SEEDS) // 2]
            if feasible:
                summary[m][0] += ok
                summary[m][1] += 1
            mark = "pass" if ok else ("FAIL" if feasible else "miss")
            cells_text.append(f"{worst_mean:.4f} / {worst_max:.4f} {mark} ({passes} p.)")
        k, v, d, length, alpha = cell
        floor = f"{oracle_mean:.4f} / {oracle_max:.4f}" + ("" if feasible else " infeasible")
        lines.append(f"| {k} | {v} | {d} | {length} | {alpha} | {floor} | " +
                     " | ".join(cells_text) + " |")
    lines += ["", "Feasible cells passed: " +
              "; ".join(f"{m}: {ok} of {n}" for m, (ok, n) in summary.items()) + ".",
              "(`p.`: median passes over the seeds; `miss` marks a cell no method can pass.)"]
    if not_run:
        by_docs = {}
        for cell in not_run:
            by_docs[cell[2]] = by_docs.get(cell[2], 0) + 1
        lines.append("Not run yet: " + ", ".join(f"{n} cells with D = {d}" for d, n in
                                                 sorted(by_docs.items())) +
                     " (`python3 bench/recovery_study.py --docs D` runs them; runs resume).")
    lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines[-3:]))


if __name__ == "__main__":
    main()
