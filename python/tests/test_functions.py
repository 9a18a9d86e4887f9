"""The array functions against the scipy and R loo references in tests/reference, and their errors."""
import math

import numpy as np
import pytest

import tmkit
from conftest import REFERENCE

DIV = REFERENCE / "divergences"
CLUSTER = REFERENCE / "cluster"
LOO = REFERENCE / "loo"


@pytest.mark.parametrize("case", ["k2", "k3", "k1000", "counts", "eps"])
@pytest.mark.parametrize("metric", ["kl", "rkl", "skl", "js", "jsd", "hellinger", "tv"])
@pytest.mark.parametrize("base", ["e", "2"])
def test_divergence_matrix_equals_scipy(case, metric, base):
    P, Q = np.load(DIV / f"{case}_p.npy"), np.load(DIV / f"{case}_q.npy")
    want = np.load(DIV / f"{case}_{metric}_{base}.npy")
    got = tmkit.divergence_matrix(P, Q, metric, base=math.e if base == "e" else 2,
                                  zero="epsilon=1e-3" if case == "eps" else "inf",
                                  normalize=case == "counts")
    finite = np.isfinite(want)
    assert np.array_equal(finite, np.isfinite(got))
    assert np.allclose(got[finite], want[finite], rtol=1e-12, atol=1e-13)


def test_pdist_and_neighbours_agree_with_the_full_matrix():
    P = np.load(DIV / "k3_p.npy")
    full = tmkit.divergence_matrix(P, metric="jsd")
    i, j = np.triu_indices(len(P), 1)
    assert np.allclose(tmkit.pdist(P, "jsd"), full[i, j], rtol=1e-12, atol=1e-15)
    index, value = tmkit.nearest_neighbours(P, k=2, metric="jsd")
    masked = full + np.diag(np.full(len(P), np.inf))
    assert np.array_equal(index[:, 0], np.argmin(masked, axis=1))
    assert np.allclose(value[:, 0], masked.min(axis=1), rtol=1e-12)


@pytest.mark.parametrize("data", ["euclid", "tied", "js"])
@pytest.mark.parametrize("method", ["single", "complete", "average", "weighted", "centroid",
                                    "median", "ward"])
def test_linkage_and_what_is_read_off_it_equal_scipy(data, method):
    y = np.load(CLUSTER / f"{data}_y.npy")
    Z = tmkit.linkage(y, method)
    want = np.load(CLUSTER / f"{data}_{method}_Z.npy")
    assert np.array_equal(Z[:, [0, 1, 3]], want[:, [0, 1, 3]])
    assert np.allclose(Z[:, 2], want[:, 2], rtol=0, atol=1e-12)
    labels = np.load(CLUSTER / f"{data}_{method}_fcluster.npy")
    assert np.array_equal(tmkit.fcluster(Z, 4, "maxclust"), labels[0])
    assert np.array_equal(tmkit.fcluster(Z, np.median(want[:, 2]), "distance"), labels[1])
    assert np.array_equal(tmkit.leaves_list(Z), np.load(CLUSTER / f"{data}_{method}_leaves.npy")[0])
    coph = np.load(CLUSTER / f"{data}_{method}_cophenet.npy")
    assert np.allclose(tmkit.cophenet(Z), coph[:-1], rtol=0, atol=1e-12)


def test_linkage_is_usable_by_scipy_dendrogram():
    from scipy.cluster.hierarchy import dendrogram
    Z = tmkit.linkage(np.load(CLUSTER / "js_y.npy"), "average")
    tree = dendrogram(Z, no_plot=True)
    assert tree["leaves"] == list(tmkit.leaves_list(Z))


@pytest.mark.parametrize("case", ["normal", "outliers", "outliers_t", "lda"])
def test_psis_loo_equals_r_loo(case):
    log_lik = np.load(LOO / f"{case}_ll.npy")
    est = np.load(LOO / f"{case}_estimates.npy").ravel()
    pointwise = np.load(LOO / f"{case}_pointwise.npy")
    got = tmkit.psis_loo(np.asfortranarray(log_lik))
    names = ["elpd_loo", "se_elpd_loo", "p_loo", "se_p_loo", "looic", "se_looic"]
    for name, value in zip(names, est):
        assert got[name] == pytest.approx(value, rel=1e-6), name
    assert np.allclose(got["pointwise_elpd_loo"], pointwise[:, 0], rtol=1e-6)
    assert np.allclose(got["pareto_k"], pointwise[:, 2], rtol=0, atol=1e-4)


def test_information_criteria():
    c = tmkit.information_criteria(-1000.0, 10, 500)
    assert c["aic"] == pytest.approx(2020.0)
    assert c["bic"] == pytest.approx(2000 + 10 * math.log(500))
    assert c["aicc"] == pytest.approx(2020 + 2 * 10 * 11 / (500 - 11))


def test_select_models_prefers_a_candidate_by_every_criterion(kjv):
    result = tmkit.select_models(kjv[:400], n_components=(2, 4), n_draws=20, max_iter=30)
    assert [c["n_components"] for c in result["candidates"]] == [2, 4]
    assert set(result["choice"]) >= {"aic", "bic", "elpd_loo"}
    for c in result["candidates"]:
        assert np.isfinite(c["elpd_loo"]) and len(c["loo"]["pareto_k"]) == result["n_training_docs"]


def test_match_topics_finds_a_permutation():
    rng = np.random.default_rng(1)
    A = rng.dirichlet(np.full(50, 0.1), size=6)
    order = np.array([3, 0, 5, 1, 4, 2])
    result = tmkit.match_topics(A, A[order])
    assert sorted(result["pairs"]) == sorted((int(order[j]), j) for j in range(6))
    assert result["mean"] == pytest.approx(0.0, abs=1e-12)


# ---- bad input: ValueError with the library's message --------------------------------------------

def test_bad_distributions_are_named():
    P = np.array([[0.5, 0.5], [np.nan, 1.0]])
    with pytest.raises(ValueError, match="row 2"):
        tmkit.divergence_matrix(P)
    with pytest.raises(ValueError, match="negative"):
        tmkit.divergence_matrix(np.array([[1.5, -0.5], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="metric"):
        tmkit.divergence_matrix(np.eye(2), metric="cosine")
    with pytest.raises(ValueError, match="2-d"):
        tmkit.divergence_matrix(np.ones(3) / 3)


def test_bad_linkage_and_loo_input_are_named():
    with pytest.raises(ValueError, match="condensed"):
        tmkit.linkage(np.ones(4))
    with pytest.raises(ValueError, match="linkage"):
        tmkit.linkage(np.ones(3), "nearest")
    log_lik = np.zeros((10, 4))
    log_lik[3, 2] = np.nan
    with pytest.raises(ValueError, match="log_lik"):
        tmkit.psis_loo(log_lik)


def test_bad_counts_are_refused_as_scikit_learn_does(kjv):
    lda = tmkit.LatentDirichletAllocation(n_components=3, random_state=1, max_iter=5)
    with pytest.raises(ValueError, match="Negative values"):
        lda.fit(-kjv[:20].toarray())
    with pytest.raises(ValueError, match="NaN"):
        lda.fit(np.full((3, 4), np.nan))
    with pytest.raises(ValueError, match="n_features=4"):
        tmkit.LatentDirichletAllocation(n_components=5).fit(np.ones((3, 4)))
    with pytest.raises(ValueError, match="no words"):
        lda.fit(np.zeros((3, 4)))
    lda.fit(kjv[:100])
    with pytest.raises(ValueError, match="features"):
        lda.transform(np.ones((2, 7)))
    with pytest.raises(ValueError, match="learning_method"):
        tmkit.LatentDirichletAllocation(learning_method="gibbs").fit(kjv[:10])
