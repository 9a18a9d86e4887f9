"""The toolkit over numpy arrays: divergences (tm-kl, tm-similarity), clustering (tm-cluster) and
model selection (tm-select). Distributions are rows; metrics, zero policies and bases are tm-kl's:
metric in {"kl", "rkl", "skl", "js", "jsd", "hellinger", "tv"}, zero "inf" (exact: KL is +inf
where q is 0 and p is not) or "epsilon=E" (add E to every entry, renormalise), base e or 2.
"""
import math

import numpy as np

from . import _core
from ._corpus import as_corpus


def _threads(n_jobs):
    return 0 if n_jobs is None or n_jobs == -1 else int(n_jobs)


def divergence_matrix(P, Q=None, metric="js", *, base=math.e, zero="inf", normalize=False,
                      n_jobs=None):
    """The matrix d(P[i], Q[j]) (or d(P[i], P[j]) without Q), shape (len(P), len(Q)).

    Rows must be distributions (non-negative, summing to 1 within 1e-9) unless normalize=True;
    every row is divided by its sum either way, as scipy does. Raises ValueError naming the row
    for NaN, negative values or all-zero rows."""
    return _core.divergence_matrix(P, Q, metric, float(base), zero, bool(normalize),
                                   _threads(n_jobs))


def pdist(P, metric="jsd", *, base=math.e, zero="inf", normalize=False, n_jobs=None):
    """The condensed matrix of a symmetric metric between the rows of P (scipy's pdist form), the
    input of linkage."""
    return _core.condensed_divergences(P, metric, float(base), zero, bool(normalize),
                                       _threads(n_jobs))


def nearest_neighbours(P, Q=None, k=10, metric="js", *, base=math.e, zero="inf", normalize=False,
                       n_jobs=None):
    """The k rows of Q nearest each row of P (of P itself, without the row, when Q is None):
    (index, value), both of shape (len(P), k), ascending, ties to the lower index."""
    return _core.nearest_neighbours(P, Q, int(k), metric, float(base), zero, bool(normalize),
                                    _threads(n_jobs))


def match_topics(A, B, metric="js", *, base=math.e, n_jobs=None):
    """The one-to-one matching of the topics (rows) of A and B minimising the summed divergence
    (Hungarian method): a dict with pairs [(i, j)], matched divergences, their mean and the full
    divergence matrix. Rows may be lambda (components_) or distributions."""
    return _core.match_topics(A, B, metric, float(base), _threads(n_jobs))


def linkage(y, method="average", *, n_jobs=None):
    """Hierarchical clustering of a condensed distance matrix y (pdist's form), returning scipy's
    linkage matrix Z ((n - 1) x 4: the two clusters merged, the height, the size), usable by
    scipy.cluster.hierarchy.dendrogram. method: single, complete, average, weighted, centroid,
    median or ward (centroid, median and ward expect Euclidean distances, as scipy's)."""
    return _core.linkage(np.ascontiguousarray(y, dtype=np.float64), method, _threads(n_jobs))


def ib_linkage(P, *, n_jobs=None):
    """Information-bottleneck clustering of the distributions in the rows of P (each weighing
    1/n): merges cost (w_a + w_b) JS_pi in nats. Returns scipy's linkage matrix."""
    return _core.ib_linkage(P, _threads(n_jobs))


def fcluster(Z, t, criterion="maxclust", *, depth=2):
    """Flat clusters (labels 1..k per leaf), as scipy.cluster.hierarchy.fcluster: criterion
    "maxclust", "distance" or "inconsistent"."""
    return np.asarray(_core.fcluster(Z, float(t), criterion, int(depth)), dtype=np.int32)


def leaves_list(Z):
    """The leaves in the order a dendrogram draws them (scipy's leaves_list)."""
    return np.asarray(_core.leaves_list(Z), dtype=np.int64)


def cophenet(Z):
    """Cophenetic distances of the leaves, condensed (scipy's cophenet(Z))."""
    return np.asarray(_core.cophenet(Z), dtype=np.float64)


def psis_loo(log_lik, *, n_jobs=None):
    """PSIS-LOO (Vehtari, Gelman & Gabry 2017) of an S x N matrix of pointwise log-likelihoods
    (draws x observations, as R's loo takes it): a dict with elpd_loo, p_loo, looic and their
    standard errors (se_elpd_loo, ...), pointwise_elpd_loo, pointwise_p_loo, pointwise_looic,
    lpd and pareto_k. A Fortran-ordered array is read without a copy."""
    return _core.psis_loo(log_lik, _threads(n_jobs))


def information_criteria(log_likelihood, n_parameters, n_observations):
    """AIC, AICc, BIC and HQIC of a maximised log-likelihood (dict)."""
    return _core.information_criteria(float(log_likelihood), float(n_parameters),
                                      float(n_observations))


def select_models(X, n_components=(5, 10, 20), *, doc_topic_prior=("symmetric",),
                  topic_word_prior=("symmetric",), seeds=(1,), heldout_fraction=0.1, n_draws=100,
                  draw_iterations=100, kfold=0, max_iter=200, split_seed=1, n_jobs=None):
    """tm-select's grid over the documents x words counts X (whole counts): every candidate is
    fitted and scored by ELBO, information criteria, PSIS-LOO, held-out elpd and perplexity,
    coherence and stability. Returns a dict: candidates (one dict each, with its loo), choice
    (criterion -> index of the preferred candidate), unreliable_choices and sizes.
    Priors are given as text as tm-select takes them ("symmetric" is 1/K, "0.1", "auto", ...);
    draw_iterations is tm-select's --draw-iterations."""
    return _core.select_models(as_corpus(X), [int(k) for k in n_components],
                               [str(a) for a in doc_topic_prior], [str(e) for e in topic_word_prior],
                               [int(s) for s in seeds], float(heldout_fraction), int(n_draws),
                               int(draw_iterations), int(kfold), int(max_iter), int(split_seed),
                               _threads(n_jobs))
