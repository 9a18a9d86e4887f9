"""Held-out perplexity by document completion (Wallach et al. 2009, §4.2): the one evaluator every
tool's model is judged by. For each held-out document, theta is fitted on its observed half with the
topics fixed (the variational E-step, Blei et al. 2003 eqs. 6-7, run to a mean change of gamma below
1e-6), then the other half is scored:

    log p(held-out half) = sum_w n_w log sum_k E[theta_k] E[beta_kw]
    perplexity = exp(- sum over documents of log p / held-out tokens)     (natural log)

Input of every tool: lambda (K x V Dirichlet parameters of the topics; scikit-learn's components_,
gensim's state.get_lambda(), tmkit's lambda.npy) and the alpha it used."""
import numpy as np
from scipy.special import psi


def document_completion_perplexity(lam, alpha, observed, heldout, tol=1e-6, max_iter=1000):
    lam = np.asarray(lam, dtype=np.float64)
    n_topics = lam.shape[0]
    alpha = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (n_topics,))
    exp_elog_beta = np.exp(psi(lam) - psi(lam.sum(axis=1, keepdims=True)))
    beta = lam / lam.sum(axis=1, keepdims=True)
    total_loglik, total_tokens = 0.0, 0.0
    for d in range(observed.shape[0]):
        ids = observed.indices[observed.indptr[d]:observed.indptr[d + 1]]
        cts = observed.data[observed.indptr[d]:observed.indptr[d + 1]]
        gamma = alpha + cts.sum() / n_topics
        if ids.size:
            eb = exp_elog_beta[:, ids]
            for _ in range(max_iter):
                t = np.exp(psi(gamma) - psi(gamma.sum()))
                new = alpha + t * (eb @ (cts / (t @ eb)))
                change = np.abs(new - gamma).mean()
                gamma = new
                if change < tol:
                    break
        theta = gamma / gamma.sum()
        hid = heldout.indices[heldout.indptr[d]:heldout.indptr[d + 1]]
        hct = heldout.data[heldout.indptr[d]:heldout.indptr[d + 1]]
        total_loglik += hct @ np.log(theta @ beta[:, hid])
        total_tokens += hct.sum()
    return float(np.exp(-total_loglik / total_tokens))
