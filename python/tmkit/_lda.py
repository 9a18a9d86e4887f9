"""tmkit.LatentDirichletAllocation: scikit-learn's estimator over tmkit's variational LDA."""
import numbers

import numpy as np
import scipy.sparse as sp
from scipy.special import psi
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, check_non_negative

from . import _core
from ._corpus import as_corpus


def _prior_text(value, name, allowed):
    """A prior option as the library parses it ("0.1", "auto", ...); None means 1/K."""
    if value is None:
        return "symmetric"
    if isinstance(value, str):
        if value not in allowed:
            raise ValueError(f"{name}={value!r} is not one of {sorted(allowed)} or a number > 0")
        return value
    if not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name}={value!r}; expected a number > 0, None (1/n_components) or one "
                         f"of {sorted(allowed)}")
    return repr(float(value))


class LatentDirichletAllocation(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Latent Dirichlet Allocation by variational Bayes, fitted by tmkit.

    The parameters, attributes and methods are scikit-learn's
    (sklearn.decomposition.LatentDirichletAllocation), so the estimator drops into pipelines and
    grid searches written for it. Where tmkit's behaviour differs it is said below.

    Parameters
    ----------
    n_components : int, default 10
        Number of topics K (at most the number of features).
    doc_topic_prior : float, "asymmetric", "auto" or "auto-symmetric", default None
        alpha. None is 1 / n_components; "auto" learns a vector by Newton's method,
        "auto-symmetric" one shared value, "asymmetric" is gensim's fixed 1 / (k + sqrt(K)).
    topic_word_prior : float or "auto", default None
        eta. None is 1 / n_components; "auto" learns it.
    learning_method : "batch" or "online", default "batch"
    learning_decay : float in (0.5, 1], default 0.7
        kappa of the online step size rho_t = (learning_offset + t) ** -learning_decay.
    learning_offset : float >= 0, default 10
        tau0 of the online step size.
    max_iter : int or None, default None
        Passes over the data. None: a batch fit stops by tmkit's rule (held-out perplexity on
        corpora of 2,000 documents or more, else the ELBO; at most 200 passes); an online fit runs
        10 passes. scikit-learn's default is a fixed 10.
    batch_size : int, default 128
        Documents per mini-batch of an online fit and of partial_fit.
    evaluate_every : int, default -1
        Accepted for compatibility; tmkit traces the exact ELBO of every batch pass (trace_).
    total_samples : float, default 1e6
        Corpus size the statistics of partial_fit are scaled to.
    perp_tol : float, default 0.1
        Accepted for compatibility (tmkit's stopping rules are `stop` and `tol`).
    mean_change_tol : float, default 1e-3
        E-step tolerance on the mean absolute change of a document's gamma.
    max_doc_update_iter : int, default 100
        E-step updates per document at most.
    n_jobs : int or None, default None
        Threads; None or -1 uses every core. Results never depend on it.
    verbose : int, default 0
        With verbose > 0, fit prints tmkit's one-line summary of why it stopped.
    random_state : int, RandomState or None
        An int is tmkit's --seed (the fit then equals tm-fit's with the same options bit for bit).
    stop : "auto", "heldout" or "elbo", default "auto"
        tmkit's stopping rule of a batch fit (docs/math/lda.md section 6).
    tol : float, default 1e-5
        Relative ELBO change under the "elbo" rule; 0 runs every pass.
    init : "spa" or "random", default "spa"
        Initial topics: successive projections over the documents, or scikit-learn's random ones.
    max_moves : int, default 12
        Merge-split proposals a batch fit may try (0: none); an online fit makes none.
    warmup_passes : int, default 10
        Tempered passes that begin a batch fit.

    Attributes
    ----------
    components_ : ndarray (n_components, n_features)
        lambda, the variational Dirichlet parameters of the topics.
    exp_dirichlet_component_ : ndarray (n_components, n_features)
        exp(E[log beta]).
    doc_topic_prior_, topic_word_prior_ : the priors used (learned ones at their final value).
    n_iter_ : passes run. n_batch_iter_ : online updates (mini-batches) run.
    bound_ : the training perplexity by the final bound, exp(-ELBO / tokens).
    trace_ : list of (pass, elbo, seconds, after_move, join, fold_in, heldout_perplexity).
    stop_reason_ : why the fit stopped, in words.
    """

    def __init__(self, n_components=10, *, doc_topic_prior=None, topic_word_prior=None,
                 learning_method="batch", learning_decay=0.7, learning_offset=10.0,
                 max_iter=None, batch_size=128, evaluate_every=-1, total_samples=1e6,
                 perp_tol=1e-1, mean_change_tol=1e-3, max_doc_update_iter=100, n_jobs=None,
                 verbose=0, random_state=None, stop="auto", tol=1e-5, init="spa", max_moves=12,
                 warmup_passes=10):
        self.n_components = n_components
        self.doc_topic_prior = doc_topic_prior
        self.topic_word_prior = topic_word_prior
        self.learning_method = learning_method
        self.learning_decay = learning_decay
        self.learning_offset = learning_offset
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.evaluate_every = evaluate_every
        self.total_samples = total_samples
        self.perp_tol = perp_tol
        self.mean_change_tol = mean_change_tol
        self.max_doc_update_iter = max_doc_update_iter
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.random_state = random_state
        self.stop = stop
        self.tol = tol
        self.init = init
        self.max_moves = max_moves
        self.warmup_passes = warmup_passes

    # -- options ---------------------------------------------------------------------------------

    def _seed(self):
        if isinstance(self.random_state, numbers.Integral) and not isinstance(self.random_state,
                                                                               bool):
            if self.random_state < 0:
                raise ValueError(f"random_state={self.random_state}; expected an int >= 0")
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(0, 2**31 - 1))

    def _threads(self):
        if self.n_jobs is None or self.n_jobs == -1:
            return 0
        if not isinstance(self.n_jobs, numbers.Integral) or self.n_jobs < 1:
            raise ValueError(f"n_jobs={self.n_jobs!r}; expected None, -1 or an int >= 1")
        return int(self.n_jobs)

    def _options(self, n_features):
        k = self.n_components
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 1:
            raise ValueError(f"n_components={k!r}; expected an int >= 1")
        if k > n_features:
            raise ValueError(f"n_components={k} is larger than n_features={n_features}; tmkit "
                             "fits at most as many topics as there are words")
        if self.learning_method not in ("batch", "online"):
            raise ValueError(f"learning_method={self.learning_method!r}; expected 'batch' or "
                             "'online'")
        online = self.learning_method == "online"
        if self.max_iter is None:
            passes = 10 if online else 200
        elif isinstance(self.max_iter, numbers.Integral) and self.max_iter >= 1:
            passes = int(self.max_iter)
        else:
            raise ValueError(f"max_iter={self.max_iter!r}; expected None or an int >= 1")
        for name in ("batch_size", "max_doc_update_iter"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{name}={value!r}; expected an int >= 1")
        stop = self.stop
        if self.max_iter is not None and stop == "auto":
            stop = "elbo"  # a pass count given is a pass count run, unless the ELBO converges
        return {
            "algorithm": self.learning_method,
            "n_topics": int(k),
            "alpha": _prior_text(self.doc_topic_prior, "doc_topic_prior",
                                 {"asymmetric", "auto", "auto-symmetric"}),
            "eta": _prior_text(self.topic_word_prior, "topic_word_prior", {"auto"}),
            "max_passes": passes,
            "stop": stop,
            "tol": float(self.tol),
            "estep_tol": float(self.mean_change_tol),
            "estep_max_iter": int(self.max_doc_update_iter),
            "init": self.init,
            # Merge-split moves need every document in each pass: batch fits only (as tm-fit).
            "max_moves": 0 if online else int(self.max_moves),
            "warmup_passes": int(self.warmup_passes),
            "seed": self._seed(),
            "n_threads": self._threads(),
            "batch_size": int(self.batch_size),
            "tau0": float(self.learning_offset),
            "kappa": float(self.learning_decay),
        }

    # -- input -----------------------------------------------------------------------------------

    def _check_X(self, X, reset, whom):
        X = self._validate_data(X, reset=reset, accept_sparse=("csr", "csc"),
                                dtype=(np.float64, np.float32))
        check_non_negative(X, whom)
        return X

    def _set_model(self, lambda_, alpha, eta):
        self.components_ = lambda_
        self.exp_dirichlet_component_ = np.exp(psi(lambda_) - psi(lambda_.sum(axis=1))[:, None])
        alpha = np.asarray(alpha, dtype=np.float64)
        self.doc_topic_prior_ = (float(alpha[0]) if np.all(alpha == alpha[0]) else alpha)
        self._alpha = alpha
        self.topic_word_prior_ = float(eta)

    # -- fitting ---------------------------------------------------------------------------------

    def fit(self, X, y=None):
        """Fits the topics to the documents x words counts X (dense or sparse)."""
        X = self._check_X(X, reset=True, whom="LatentDirichletAllocation.fit")
        options = self._options(X.shape[1])
        result = _core.fit(as_corpus(X), options)
        self._set_model(result["lambda"], result["alpha"], result["eta"])
        self._fit_gamma = result["gamma"]
        self._fit_summary = {key: result[key]
                             for key in ("passes", "converged", "final_elbo", "n_tokens")}
        self._options_used = options
        self.n_iter_ = int(result["passes"])
        self.n_batch_iter_ = (int(result["passes"]) * -(-X.shape[0] // options["batch_size"])
                              if options["algorithm"] == "online" else int(result["passes"]))
        self.bound_ = float(np.exp(-result["final_elbo"] / result["n_tokens"]))
        self.trace_ = list(result["trace"])
        self.stop_reason_ = result["stop"]
        if self.verbose:
            print(f"tmkit: {self.stop_reason_}; {self.n_iter_} passes in "
                  f"{result['seconds']:.2f} s")
        return self

    def partial_fit(self, X, y=None):
        """One online pass over the mini-batches of X, continuing from the topics so far; the
        statistics are scaled to total_samples documents (scikit-learn's partial_fit)."""
        first = not hasattr(self, "components_")
        X = self._check_X(X, reset=first, whom="LatentDirichletAllocation.partial_fit")
        options = self._options(X.shape[1])
        if not first and options["n_topics"] != self.components_.shape[0]:
            raise ValueError("n_components changed since the first partial_fit")
        if not (isinstance(self.total_samples, numbers.Real) and self.total_samples > 0):
            raise ValueError(f"total_samples={self.total_samples!r}; expected a number > 0")
        result = _core.online_update(
            as_corpus(X), None if first else self.components_, None if first else self._alpha,
            0.0 if first else self.topic_word_prior_, 0 if first else self.n_batch_iter_,
            float(self.total_samples), options)
        self._set_model(result["lambda"], result["alpha"], result["eta"])
        self._options_used = options
        self.n_batch_iter_ = int(result["updates"])
        self.n_iter_ = getattr(self, "n_iter_", 0) + 1
        self._fit_gamma = None
        return self

    def fit_transform(self, X, y=None):
        """Fits, then returns the training documents' topic proportions (E[theta] of the fit's
        own gamma, which folding the documents in again reproduces)."""
        self.fit(X, y)
        gamma = self._fit_gamma
        return gamma / gamma.sum(axis=1)[:, None]

    # -- using a fitted model --------------------------------------------------------------------

    def _infer(self, X, whom):
        check_is_fitted(self)
        X = self._check_X(X, reset=False, whom=whom)
        gamma, documents, topics = _core.infer(
            as_corpus(X), self.components_, self._alpha, self.topic_word_prior_,
            float(self.mean_change_tol), int(self.max_doc_update_iter), self._threads())
        return X, gamma, documents + topics

    def transform(self, X):
        """Topic proportions of each document of X (rows sum to 1)."""
        _, gamma, _ = self._infer(X, "LatentDirichletAllocation.transform")
        return gamma / gamma.sum(axis=1)[:, None]

    def score(self, X, y=None):
        """The ELBO of X under the model (scikit-learn's approximate log-likelihood bound)."""
        _, _, bound = self._infer(X, "LatentDirichletAllocation.score")
        return float(bound)

    def perplexity(self, X, sub_sampling=False):
        """exp(-bound / tokens), scikit-learn's perplexity. For held-out perplexity by document
        completion, the honest measure on new documents, see completion_perplexity."""
        X, _, bound = self._infer(X, "LatentDirichletAllocation.perplexity")
        return float(np.exp(-bound / X.sum()))

    def completion_perplexity(self, X, seed=1):
        """Held-out perplexity by document completion: each document's tokens are split in halves
        at random, the first half folded in and the second scored (whole counts only)."""
        check_is_fitted(self)
        X = self._check_X(X, reset=False, whom="LatentDirichletAllocation.completion_perplexity")
        return _core.completion(as_corpus(X), self.components_, self._alpha,
                                self.topic_word_prior_, int(seed), self._threads())["perplexity"]

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def _more_tags(self):
        return {"preserves_dtype": [np.float64], "requires_positive_X": True}

    # -- model directories -----------------------------------------------------------------------

    def save(self, path, vocabulary=None):
        """Writes a tmkit model directory (as tm-fit does) that tm-topics, tm-infer, tm-report
        read. Needs a model fitted by fit (its training gamma is part of the directory).
        vocabulary: the words of the features (default feature_names_in_, else "w0", "w1", ...)."""
        check_is_fitted(self)
        if getattr(self, "_fit_gamma", None) is None:
            raise ValueError("save needs a model fitted by fit (partial_fit keeps no document "
                             "proportions)")
        if vocabulary is None:
            vocabulary = getattr(self, "feature_names_in_", None)
        if vocabulary is None:
            vocabulary = [f"w{i}" for i in range(self.components_.shape[1])]
        term_frequency = getattr(self, "_term_frequency", [])
        _core.save_model(str(path), self.components_, self._fit_gamma, self._alpha,
                         self.topic_word_prior_, [str(w) for w in vocabulary],
                         self._options_used, self._fit_summary, list(term_frequency))

    @classmethod
    def load(cls, path):
        """The model of a tmkit model directory (written by tm-fit or save), ready to transform.
        Returns (estimator, vocabulary)."""
        saved = _core.load_model(str(path))
        estimator = cls(n_components=saved["lambda"].shape[0],
                        learning_method="online" if saved["algorithm"] == "online" else "batch",
                        random_state=int(saved["seed"]))
        estimator._set_model(saved["lambda"], saved["alpha"], saved["eta"])
        estimator.n_features_in_ = saved["lambda"].shape[1]
        estimator.n_iter_ = int(saved["passes"])
        estimator._fit_gamma = saved["gamma"]
        estimator._fit_summary = {"passes": saved["passes"], "converged": saved["converged"],
                                  "final_elbo": saved["final_elbo"],
                                  "n_tokens": float(saved["n_tokens"])}
        estimator._options_used = estimator._options(saved["lambda"].shape[1])
        return estimator, list(saved["vocab"])
