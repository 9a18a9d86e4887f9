#!/usr/bin/python3
"""Scale on one machine: a 1,000,000-document corpus (~100 million tokens) fitted online, and strong
scaling of tm-fit over threads and MPI ranks.

usage: bench/scaling_bench.py [--docs 1000000] [--words 20000] [--length 100] [--topics 50]
                              [--batch-topics 20] [--skip-batch]

1. Draws the corpus from LDA (bench/make_corpus: K = 50 topics, V = --words, Poisson(--length)
   tokens per document, seed 7) straight into a .tmc file, once (reused when present).
2. Online fit, one pass plus the fold-in pass, -k --topics --batch-size 4096, in three layouts:
   1 process x 1 thread, 1 process x 2 threads, mpirun -np 2 x 1 thread. For each: wall time, the
   training pass's seconds (elbo.csv), tokens per second per core in that pass, peak resident
   memory (the largest process: wait4 on the process, or on mpirun, whose rusage covers its ranks),
   and the statistics each rank summed per pass (tm-fit's summary).
3. Batch fit (unless --skip-batch), -k --batch-topics, --init random --moves 0 --passes 2, the
   same three layouts: seconds per pass (the median of the passes' durations), peak memory, bytes
   summed per pass. Every layout must give the same model (lambda within 1e-9: bench/npy_close is
   tests/npy_close).
Writes bench/results/scaling.md and prints it. One run per layout (a full set takes ~25 minutes
on 2 cores): the ratios are the result; treat absolute times as this machine's.
"""
import argparse
import csv
import os
import re
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.environ.get("TMKIT_BUILD", os.path.join(ROOT, "build", "release"))
TM_FIT = os.path.join(BUILD, "apps", "tm-fit")
MAKE_CORPUS = os.path.join(BUILD, "bench", "make_corpus")
NPY_CLOSE = os.path.join(BUILD, "tests", "npy_close")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def run(command, env):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = process.stdout.read().decode()
    err = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err}")
    return seconds, usage.ru_maxrss / 1024.0, out


def layouts(args_common):
    one = [TM_FIT] + args_common
    return [
        ("1 process x 1 thread", one + ["--threads", "1"], 1),
        ("1 process x 2 threads", one + ["--threads", "2"], 2),
        ("mpirun -np 2 x 1 thread", ["mpirun", "-np", "2", "--bind-to", "none"] + one + ["--threads", "1"], 2),
    ]


def pass_seconds(model_dir):
    with open(os.path.join(model_dir, "elbo.csv")) as f:
        rows = [r for r in csv.DictReader(f)]
    times = [float(r["seconds"]) for r in rows]
    events = [r["event"] for r in rows]
    return times, events


def summed_mib(out):
    m = re.search(r"([0-9.]+) MiB of statistics summed per rank per pass", out)
    return float(m.group(1)) if m else 0.0


def measure(title, common, tokens, work, reference=None):
    rows = []
    for name, command, cores in layouts(common):
        out_dir = os.path.join(work, re.sub(r"[^a-z0-9]+", "-", name))
        seconds, peak, out = run(command + ["--out", out_dir, "--quiet"], ENV)
        times, events = pass_seconds(out_dir)
        # Durations of the training passes (the fold-in line and the initial state excluded).
        bounds = [t for t, e in zip(times, events) if e == "pass"]
        durations = [b - a for a, b in zip(bounds, bounds[1:])] or bounds[:1]
        durations.sort()
        per_pass = durations[len(durations) // 2]
        if reference is None:
            reference = out_dir
        else:
            check = subprocess.run([NPY_CLOSE, f"{reference}/lambda.npy", f"{out_dir}/lambda.npy", "1e-9"],
                                   capture_output=True, text=True)
            if check.returncode != 0:
                raise SystemExit(f"{name}: model differs from the first layout's: {check.stdout}")
        rows.append((name, cores, seconds, per_pass, tokens / per_pass / cores, peak, summed_mib(out)))
        print(f"{title}, {name}: {seconds:.1f} s, pass {per_pass:.1f} s, peak {peak:.0f} MiB", flush=True)
    base = rows[0][3]
    lines = [f"| layout | wall time | seconds per pass | speed-up | tokens/s per core | peak memory (MiB) | statistics summed per rank per pass (MiB) |",
             "|---|---|---|---|---|---|---|"]
    for name, cores, seconds, per_pass, tps, peak, mib in rows:
        lines.append(f"| {name} | {seconds:.1f} s | {per_pass:.1f} s | {base / per_pass:.2f}x | {tps:,.0f} | {peak:.0f} | {mib:.1f} |")
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1000000)
    parser.add_argument("--words", type=int, default=20000)
    parser.add_argument("--length", type=float, default=100)
    parser.add_argument("--topics", type=int, default=50)
    parser.add_argument("--batch-topics", type=int, default=20)
    parser.add_argument("--corpus", default=os.path.join(tempfile.gettempdir(), "tmkit-scaling"))
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.corpus, exist_ok=True)
    path = os.path.join(args.corpus, f"lda-{args.docs}-{args.words}.tmc")
    if not os.path.exists(path):
        _, peak, out = run([MAKE_CORPUS, str(args.docs), str(args.words), "50", str(args.length), "7", path], ENV)
        print(out.strip(), flush=True)
    size = os.path.getsize(path)
    # Tokens: from the generator's summary line, or the .tmc header (bytes 40-47).
    with open(path, "rb") as f:
        header = f.read(48)
    tokens = int.from_bytes(header[40:48], "little")
    docs = int.from_bytes(header[16:24], "little")
    work = tempfile.mkdtemp(prefix="tmkit-scaling-")
    report = ["# Scale: a million documents on one machine", "",
              f"`bench/scaling_bench.py`; corpus: {docs:,} documents drawn from LDA (K = 50, V = {args.words:,}), "
              f"{tokens:,} tokens, a {size / 2**20:.0f} MiB .tmc file; 2 cores; one run per layout.", "",
              f"## Online, -k {args.topics}, --batch-size 4096, 1 pass + the fold-in pass", ""]
    report += measure("online", ["--corpus", path, "-k", str(args.topics), "--algorithm", "online",
                                 "--batch-size", "4096", "--passes", "1"], tokens, work)
    if not args.skip_batch:
        report += ["", f"## Batch, -k {args.batch_topics}, --init random --moves 0 --passes 2", ""]
        report += measure("batch", ["--corpus", path, "-k", str(args.batch_topics), "--init", "random",
                                    "--moves", "0", "--passes", "2"], tokens, work)
    report += ["", "Every layout gave the same lambda as the first to 1e-9 relative (checked).", ""]
    text = "\n".join(report)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "scaling.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
