"""The GIL is released during computations, Ctrl-C raises KeyboardInterrupt promptly, and large
inputs are read in place rather than copied."""
import os
import signal
import threading
import time

import numpy as np
import pytest
import scipy.sparse as sp

import tmkit


def _big_corpus(n_docs=6000, n_words=3000, seed=0):
    X = sp.random(n_docs, n_words, density=0.02, random_state=seed, format="csr")
    X.data = np.ceil(X.data * 5)
    return X


def test_the_gil_is_released_during_a_fit():
    X = _big_corpus()
    ticks = []
    done = threading.Event()

    def fit():
        tmkit.LatentDirichletAllocation(n_components=20, random_state=1, max_iter=15,
                                        n_jobs=1).fit(X)
        done.set()

    worker = threading.Thread(target=fit)
    start = time.monotonic()
    worker.start()
    while not done.is_set():
        ticks.append(time.monotonic())
        time.sleep(0.01)
    worker.join()
    elapsed = time.monotonic() - start
    # The main thread ran Python throughout: with the GIL held it would have ticked about once.
    assert elapsed > 0.2
    assert len(ticks) > 0.5 * elapsed / 0.01 * 0.5


def test_ctrl_c_raises_keyboard_interrupt_promptly():
    X = _big_corpus(n_docs=20000)
    lda = tmkit.LatentDirichletAllocation(n_components=50, random_state=1, max_iter=500, tol=0)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        lda.fit(X)
    stopped = time.monotonic() - start
    timer.join()
    assert stopped < 0.5 + 3.0, f"the fit took {stopped:.1f} s to stop"
    assert not hasattr(lda, "components_")  # nothing half-fitted left behind


def test_a_canonical_csr_matrix_is_read_in_place():
    X = _big_corpus(n_docs=500)
    corpus = tmkit.as_corpus(X)
    assert corpus.shares_memory_with_arrays()
    assert np.shares_memory(corpus.data, X.data) and np.shares_memory(corpus.indices, X.indices)
    # Fitting reads the caller's matrix and never changes it.
    before = X.data.copy()
    tmkit.LatentDirichletAllocation(n_components=3, random_state=1, max_iter=3).fit(X)
    assert np.array_equal(X.data, before)


def test_results_are_handed_over_without_copies():
    X = _big_corpus(n_docs=300)
    lda = tmkit.LatentDirichletAllocation(n_components=4, random_state=1, max_iter=3).fit(X)
    # components_ is the library's lambda itself: numpy views it, owned by a capsule.
    assert not lda.components_.flags.owndata
    assert type(lda.components_.base).__name__ == "PyCapsule"
    D = tmkit.divergence_matrix(np.full((4, 3), 1 / 3))
    assert not D.flags.owndata
