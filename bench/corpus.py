"""Corpus helpers shared by the benchmark scripts: UCI bag-of-words in and out, train/held-out
splits, and LDA-generated corpora."""
import os

import numpy as np
import scipy.sparse as sp


def read_uci(docword_path):
    """(X, vocab): X a D x V CSR matrix of counts (float64), vocab the V words."""
    with open(docword_path) as f:
        n_docs, n_words, nnz = (int(f.readline()) for _ in range(3))
        data = np.loadtxt(f, dtype=np.int64, ndmin=2)
    assert data.shape == (nnz, 3), docword_path
    X = sp.csr_matrix((data[:, 2].astype(np.float64), (data[:, 0] - 1, data[:, 1] - 1)),
                      shape=(n_docs, n_words))
    X.sum_duplicates()
    X.sort_indices()
    base = os.path.basename(docword_path)
    vocab_path = os.path.join(os.path.dirname(docword_path), base.replace("docword.", "vocab.", 1))
    with open(vocab_path) as f:
        vocab = [line.rstrip("\n") for line in f]
    assert len(vocab) == n_words, vocab_path
    return X, vocab


def write_uci(X, vocab, docword_path):
    X = sp.csr_matrix(X)
    X.sort_indices()
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    table = np.column_stack([rows + 1, X.indices + 1, X.data.astype(np.int64)])
    with open(docword_path, "w") as f:
        f.write(f"{X.shape[0]}\n{X.shape[1]}\n{X.nnz}\n")
        np.savetxt(f, table, fmt="%d")
    base = os.path.basename(docword_path)
    with open(os.path.join(os.path.dirname(docword_path), base.replace("docword.", "vocab.", 1)), "w") as f:
        f.write("\n".join(vocab) + "\n")


def split_heldout(X, fraction, seed):
    """Training documents, and the held-out documents' tokens split 50/50 (each token to the
    observed or the held-out half at random): (train, observed, heldout), all CSR."""
    rng = np.random.RandomState(seed)
    n_docs = X.shape[0]
    order = rng.permutation(n_docs)
    n_test = int(round(fraction * n_docs))
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    T = X[test].tocsr()
    observed = T.copy()
    observed.data = rng.binomial(T.data.astype(np.int64), 0.5).astype(np.float64)
    heldout = T.copy()
    heldout.data = T.data - observed.data
    observed.eliminate_zeros()
    heldout.eliminate_zeros()
    return X[train].tocsr(), observed, heldout


def draw_topics(n_topics, n_words, eta, rng):
    """K topics from a symmetric Dirichlet(eta), in log space so nothing underflows to zero."""
    log_g = np.log(rng.gamma(eta + 1.0, size=(n_topics, n_words))) + np.log(rng.uniform(size=(n_topics, n_words))) / eta
    topics = np.exp(log_g - log_g.max(axis=1, keepdims=True))
    return topics / topics.sum(axis=1, keepdims=True)


def draw_documents(topics, theta, mean_length, rng):
    """Documents with topic proportions theta (D x K) over topics (K x V): N_d ~ Poisson(mean),
    at least 1, z ~ theta_d, w ~ topics[z]. Returns a D x V CSR matrix of counts."""
    n_docs, n_words = theta.shape[0], topics.shape[1]
    lengths = np.maximum(1, rng.poisson(mean_length, size=n_docs))
    cdf = np.cumsum(topics, axis=1)
    rows, cols, vals = [], [], []
    for d in range(n_docs):
        per_topic = rng.multinomial(lengths[d], theta[d])
        words = np.concatenate([np.searchsorted(cdf[k], rng.uniform(0, cdf[k, -1], size=per_topic[k]), side="right")
                                for k in np.nonzero(per_topic)[0]])
        words = np.minimum(words, n_words - 1)
        ids, counts = np.unique(words, return_counts=True)
        rows.append(np.full(ids.size, d))
        cols.append(ids)
        vals.append(counts)
    return sp.csr_matrix((np.concatenate(vals).astype(np.float64),
                          (np.concatenate(rows), np.concatenate(cols))), shape=(n_docs, n_words))


def generate_lda(n_docs, n_words, n_topics, mean_length, alpha, eta, seed):
    """A corpus from LDA's generative process; returns (X, topics K x V)."""
    rng = np.random.RandomState(seed)
    topics = draw_topics(n_topics, n_words, eta, rng)
    theta = rng.dirichlet(np.full(n_topics, alpha), size=n_docs)
    return draw_documents(topics, theta, mean_length, rng), topics
