#!/usr/bin/python3
"""Fits one peer's LDA on a UCI corpus and saves what the evaluator needs; run by lda_bench.py as a
separate process so that its wall time and peak memory are its own.

usage: peers.py sklearn|gensim TRAIN_DOCWORD K ALPHA ETA PASSES WORKERS SEED OUT_DIR
(gensim with WORKERS 0: LdaModel, gensim's single-process trainer; otherwise LdaMulticore)
                [online BATCH_SIZE TAU0 KAPPA]
Batch fits by default; with "online", each library's online VB (Hoffman et al. 2010) with that
mini-batch size and step schedule rho_t = (tau0 + t)^-kappa (sklearn: batch_size, learning_offset,
learning_decay; gensim: chunksize, offset, decay). Writes OUT_DIR/lambda.npy (K x V), OUT_DIR/alpha.npy, and prints {"load_seconds", "fit_seconds"}.
Peers (Debian 12): python3-sklearn 1.2.1, python3-gensim 4.2.0.
"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import read_uci  # noqa: E402


def peak_resident_mib():
    """This process's own peak resident memory (VmHWM). getrusage's maxrss, seen from the parent,
    would include the memory of the Python process that forked this one."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    tool, docword, k, alpha, eta, passes, workers, seed, out = sys.argv[1:10]
    online = len(sys.argv) > 10 and sys.argv[10] == "online"
    if online:
        batch_size, tau0, kappa = int(sys.argv[11]), float(sys.argv[12]), float(sys.argv[13])
    k, alpha, eta, passes, workers, seed = int(k), float(alpha), float(eta), int(passes), int(workers), int(seed)
    start = time.perf_counter()
    X, vocab = read_uci(docword)
    if tool == "gensim":
        from gensim.matutils import Sparse2Corpus
        corpus = list(Sparse2Corpus(X, documents_columns=False))
        id2word = dict(enumerate(vocab))
    loaded = time.perf_counter()
    if tool == "sklearn":
        from sklearn.decomposition import LatentDirichletAllocation
        schedule = dict(learning_method="online", batch_size=batch_size, learning_offset=tau0,
                        learning_decay=kappa, total_samples=X.shape[0]) if online else dict(learning_method="batch")
        model = LatentDirichletAllocation(
            n_components=k, doc_topic_prior=alpha, topic_word_prior=eta, max_iter=passes,
            evaluate_every=-1, mean_change_tol=1e-3, max_doc_update_iter=100, n_jobs=workers,
            random_state=seed, **schedule)
        model.fit(X)
        lam, alpha_used = model.components_, np.full(k, alpha)
    elif tool == "gensim":
        from gensim.models import LdaModel, LdaMulticore
        schedule = dict(chunksize=batch_size, offset=tau0, decay=kappa) if online else {}
        common = dict(corpus=corpus, id2word=id2word, num_topics=k, passes=passes,
                      alpha=np.full(k, alpha), eta=eta, iterations=100, gamma_threshold=1e-3,
                      eval_every=None, random_state=seed, **schedule)
        if (online and workers == 1) or workers == 0:  # LdaModel: gensim's single-process trainer
            model = LdaModel(**common)
        else:
            model = LdaMulticore(workers=workers, **common)
        lam, alpha_used = model.state.get_lambda(), np.asarray(model.alpha)
    else:
        raise SystemExit(f"unknown tool {tool}")
    fitted = time.perf_counter()
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "lambda.npy"), lam)
    np.save(os.path.join(out, "alpha.npy"), alpha_used)
    print(json.dumps({"load_seconds": loaded - start, "fit_seconds": fitted - loaded,
                      "peak_mib": peak_resident_mib()}))


if __name__ == "__main__":
    main()
