"""tmkit.LatentDirichletAllocation against scikit-learn's own estimator checks and against tm-fit."""
import subprocess

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import gammaln, psi
from sklearn.utils.estimator_checks import parametrize_with_checks

import tmkit


# scikit-learn's checks run on data of two features, and tmkit refuses more topics than words, so
# they run with n_components=2 (check_fit2d_1feature sets 1 itself).
@parametrize_with_checks([tmkit.LatentDirichletAllocation(n_components=2),
                          tmkit.LatentDirichletAllocation(n_components=2, learning_method="online")])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_fit_equals_tm_fit_bit_for_bit(kjv, apps, tmp_path):
    out = tmp_path / "model"
    subprocess.run([str(apps / "tm-fit"), "--corpus", str(_kjv_path()), "-k", "10", "--seed",
                    "3", "--out", str(out)], check=True, capture_output=True)
    model, vocab = tmkit.LatentDirichletAllocation.load(out)
    lda = tmkit.LatentDirichletAllocation(n_components=10, random_state=3).fit(kjv)
    assert np.array_equal(lda.components_, model.components_)
    assert np.array_equal(lda._fit_gamma, model._fit_gamma)
    assert lda.doc_topic_prior_ == model.doc_topic_prior_
    assert lda.n_iter_ == model.n_iter_
    assert len(vocab) == kjv.shape[1]
    # And the result does not depend on the thread count.
    one = tmkit.LatentDirichletAllocation(n_components=10, random_state=3, n_jobs=1).fit(kjv)
    assert np.array_equal(one.components_, lda.components_)


def test_online_fit_equals_tm_fit_bit_for_bit(kjv, apps, tmp_path):
    out = tmp_path / "online"
    subprocess.run([str(apps / "tm-fit"), "--corpus", str(_kjv_path()), "-k", "8", "--seed", "2",
                    "--algorithm", "online", "--out", str(out)], check=True, capture_output=True)
    model, _ = tmkit.LatentDirichletAllocation.load(out)
    lda = tmkit.LatentDirichletAllocation(n_components=8, random_state=2, learning_method="online",
                                          batch_size=256).fit(kjv)
    assert np.array_equal(lda.components_, model.components_)
    assert np.array_equal(lda._fit_gamma, model._fit_gamma)


def _kjv_path():
    from conftest import SOURCE
    return SOURCE / "corpora" / "kjv" / "docword.kjv.txt"


def _sklearn_bound(X, lam, gamma, alpha, eta):
    """scikit-learn's _approx_bound (sklearn/decomposition/_lda.py, 1.2), written out."""
    X = sp.csr_matrix(X)
    elog_theta = psi(gamma) - psi(gamma.sum(axis=1))[:, None]
    elog_beta = psi(lam) - psi(lam.sum(axis=1))[:, None]
    score = 0.0
    for d in range(X.shape[0]):
        ids = X.indices[X.indptr[d]:X.indptr[d + 1]]
        cnts = X.data[X.indptr[d]:X.indptr[d + 1]]
        temp = elog_theta[d][:, None] + elog_beta[:, ids]
        norm = np.log(np.sum(np.exp(temp - temp.max(axis=0)), axis=0)) + temp.max(axis=0)
        score += np.dot(cnts, norm)
    score += np.sum((alpha - gamma) * elog_theta)
    score += np.sum(gammaln(gamma) - gammaln(alpha))
    score += np.sum(gammaln(alpha * gamma.shape[1]) - gammaln(gamma.sum(axis=1)))
    score += np.sum((eta - lam) * elog_beta)
    score += np.sum(gammaln(lam) - gammaln(eta))
    score += np.sum(gammaln(eta * lam.shape[1]) - gammaln(lam.sum(axis=1)))
    return score


def test_score_and_perplexity_are_scikit_learns_bound(kjv):
    X = kjv[:300]
    lda = tmkit.LatentDirichletAllocation(n_components=5, random_state=1, max_iter=20).fit(X)
    gamma, _, _ = tmkit._core.infer(tmkit.as_corpus(X), lda.components_, lda._alpha,
                                    lda.topic_word_prior_, 1e-3, 100, 0)
    want = _sklearn_bound(X, lda.components_, gamma, lda.doc_topic_prior_, lda.topic_word_prior_)
    assert lda.score(X) == pytest.approx(want, rel=1e-10)
    assert lda.perplexity(X) == pytest.approx(np.exp(-want / X.sum()), rel=1e-10)
    theta = lda.transform(X)
    assert np.allclose(theta.sum(axis=1), 1.0)
    assert np.allclose(theta, gamma / gamma.sum(axis=1)[:, None])


def test_fractional_counts_fit_and_transform():
    rng = np.random.default_rng(5)
    X = rng.gamma(0.3, 1.0, size=(200, 40)) * (rng.random((200, 40)) < 0.3)
    lda = tmkit.LatentDirichletAllocation(n_components=4, random_state=2).fit(X)
    theta = lda.transform(X)
    assert theta.shape == (200, 4) and np.all(np.isfinite(theta))
    # The ELBO trace of a batch fit never decreases.
    elbos = [row[1] for row in lda.trace_ if not row[4]]
    assert all(b >= a for a, b in zip(elbos, elbos[1:]))
    with pytest.raises(ValueError, match="whole tokens"):
        lda.completion_perplexity(X)


def test_partial_fit_counts_updates_and_keeps_features(kjv):
    lda = tmkit.LatentDirichletAllocation(n_components=5, random_state=1, batch_size=100,
                                          total_samples=kjv.shape[0])
    lda.partial_fit(kjv[:400])
    assert lda.n_batch_iter_ == 4
    before = lda.components_.copy()
    lda.partial_fit(kjv[400:800])
    assert lda.n_batch_iter_ == 8
    assert not np.array_equal(before, lda.components_)
    with pytest.raises(ValueError, match="features"):
        lda.partial_fit(kjv[:10, :100])


def test_model_directory_round_trip(kjv, apps, tmp_path):
    lda = tmkit.LatentDirichletAllocation(n_components=6, random_state=4, max_iter=30).fit(kjv)
    vocab = [f"word{i}" for i in range(kjv.shape[1])]
    lda.save(tmp_path / "m", vocabulary=vocab)
    back, words = tmkit.LatentDirichletAllocation.load(tmp_path / "m")
    assert words == vocab
    assert np.array_equal(back.components_, lda.components_)
    assert np.array_equal(back.transform(kjv[:50]), lda.transform(kjv[:50]))
    topics = subprocess.run([str(apps / "tm-topics"), "--model", str(tmp_path / "m")],
                            capture_output=True, text=True)
    assert topics.returncode == 0, topics.stderr
    assert "word" in topics.stdout
    # A failed save never clobbers: a path under a file cannot be written.
    (tmp_path / "file").write_text("x")
    with pytest.raises(Exception):
        lda.save(tmp_path / "file" / "m")
    assert (tmp_path / "file").read_text() == "x"
