#!/usr/bin/python3
"""Reference values for tmkit's E-step and M-step from scikit-learn's batch LDA.

Tool versions (Debian 12): python3-sklearn 1.2.1, python3-numpy 1.24.2.
Writes sklearn_lda/: a tiny corpus drawn from LDA (UCI docword + vocab), a starting lambda, and
  gamma.npy        - sklearn.decomposition._lda._update_doc_distribution run to mean change < 1e-13
  lambda_next.npy  - eta + expected sufficient statistics, sklearn's batch M-step
  params.txt       - alpha, eta
Usage: tests/reference/generate_sklearn_lda.py   (from the repository root)
"""
import os

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition._lda import _update_doc_distribution
from sklearn.decomposition._online_lda_fast import _dirichlet_expectation_2d

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sklearn_lda")
N_DOCS, N_WORDS, N_TOPICS = 40, 25, 4
ALPHA, ETA = 0.5, 0.1


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(20261122)
    topics = rng.dirichlet(np.full(N_WORDS, 0.3), size=N_TOPICS)
    rows, cols, vals = [], [], []
    for d in range(N_DOCS):
        theta = rng.dirichlet(np.full(N_TOPICS, ALPHA))
        length = 20 + rng.poisson(30)
        z = rng.choice(N_TOPICS, size=length, p=theta)
        words = [rng.choice(N_WORDS, p=topics[k]) for k in z]
        counts = np.bincount(words, minlength=N_WORDS)
        for w in np.nonzero(counts)[0]:
            rows.append(d)
            cols.append(w)
            vals.append(counts[w])
    X = sp.csr_matrix((np.array(vals, dtype=np.float64), (rows, cols)), shape=(N_DOCS, N_WORDS))
    X.sort_indices()
    with open(os.path.join(OUT, "docword.tiny.txt"), "w") as f:
        f.write(f"{N_DOCS}\n{N_WORDS}\n{X.nnz}\n")
        for d in range(N_DOCS):
            for i in range(X.indptr[d], X.indptr[d + 1]):
                f.write(f"{d + 1} {X.indices[i] + 1} {int(X.data[i])}\n")
    with open(os.path.join(OUT, "vocab.tiny.txt"), "w") as f:
        for w in range(N_WORDS):
            f.write(f"word{w}\n")
    lam = rng.gamma(100.0, 0.01, (N_TOPICS, N_WORDS)) + 3.0 * topics * N_WORDS
    np.save(os.path.join(OUT, "lambda.npy"), lam)
    exp_elog_beta = np.exp(_dirichlet_expectation_2d(lam))
    gamma, sstats = _update_doc_distribution(
        X, exp_elog_beta, ALPHA, max_doc_update_iter=100000, mean_change_tol=1e-13,
        cal_sstats=True, random_state=np.random.RandomState(0))
    np.save(os.path.join(OUT, "gamma.npy"), gamma)
    np.save(os.path.join(OUT, "lambda_next.npy"), ETA + sstats * exp_elog_beta)
    with open(os.path.join(OUT, "params.txt"), "w") as f:
        f.write(f"alpha {ALPHA!r}\neta {ETA!r}\n")


if __name__ == "__main__":
    main()
