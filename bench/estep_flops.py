#!/usr/bin/env python3
"""The batch E-step's arithmetic rate, from an operation count: this machine's virtual CPUs expose
no hardware counters (perf sees only cpu-clock), so floating-point operations are counted from the
code instead of measured.

Per document and inner iteration (lib/src/lda/lda_estep.cpp), with K topics and n distinct words:
  column_dots           2 K n   (a multiply and an add per topic and word)
  ratio                 n       (a division per word)
  weighted_column_sum   2 K n   (four columns: 4 multiplies, 4 adds per topic)
  gamma update          4 K     (alpha + t acc, |change|, its sum)
  exp(E[log theta])     95 K    (detail/digamma_parts.hpp: 8 shifts x 4 + 25 for the asymptotic
                                 series; detail/vector_special.hpp: 37 for exp, 1 for y exp(...))
so K (4 n + 99) + n. The iterations per pass come from elbo.csv (its mean over documents, which
weighs a long document like a short one: an estimate, not a count). Passes are timed from elbo.csv's
clock; the sufficient statistics (2 K n per document) and the ELBO terms are left out, so the rate
is a lower bound on what the cores did.

usage: bench/estep_flops.py DOCWORD MODEL_DIR [--peak-gflops G]
"""
import argparse
import csv
import json
import os


def corpus_shape(path):
    """(documents, nonzeros) from a UCI docword file's header."""
    with open(path) as f:
        n_docs = int(f.readline())
        f.readline()
        nnz = int(f.readline())
    return n_docs, nnz


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("docword")
    parser.add_argument("model_dir")
    parser.add_argument("--peak-gflops", type=float, default=134.0,
                        help="the cores' double-precision FMA peak (default: 2 cores x 2.1 GHz x "
                             "2 AVX-512 FMA units x 8 lanes x 2 flops)")
    args = parser.parse_args()
    n_docs, nnz = corpus_shape(args.docword)
    with open(os.path.join(args.model_dir, "model.json")) as f:
        k = int(json.load(f)["K"])
    with open(os.path.join(args.model_dir, "elbo.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["event"] == "pass"]
    print(f"{n_docs} documents, {nnz} nonzeros, K = {k}; peak {args.peak_gflops:g} GFLOP/s")
    print("| pass | s | mean iterations | GFLOP | GFLOP/s | of peak |")
    print("|---|---|---|---|---|---|")
    total_flops = total_seconds = 0.0
    for previous, row in zip(rows, rows[1:]):
        seconds = float(row["seconds"]) - float(previous["seconds"])
        iterations = float(row["mean_estep_iterations"])
        if iterations == 0 or seconds <= 0:
            continue
        flops = iterations * (k * (4.0 * nnz + 99.0 * n_docs) + nnz)
        total_flops += flops
        total_seconds += seconds
        rate = flops / seconds / 1e9
        print(f"| {row['pass']} | {seconds:.3f} | {iterations:.2f} | {flops / 1e9:.2f} | "
              f"{rate:.1f} | {100 * rate / args.peak_gflops:.1f}% |")
    if total_seconds > 0:
        rate = total_flops / total_seconds / 1e9
        print(f"| all | {total_seconds:.3f} | | {total_flops / 1e9:.2f} | {rate:.1f} | "
              f"{100 * rate / args.peak_gflops:.1f}% |")


if __name__ == "__main__":
    main()
