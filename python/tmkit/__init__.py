"""tmkit from Python: variational LDA with scikit-learn's estimator interface, and the toolkit's
divergences, clustering and model selection over numpy arrays.

    import tmkit
    lda = tmkit.LatentDirichletAllocation(n_components=20, random_state=1).fit(X)
    theta = lda.transform(X)

The computations run in tmkit's C++ library (tmkit._core) with the GIL released; Ctrl-C stops
them with KeyboardInterrupt. Documentation: docs/python.md.
"""
from . import _core
from ._functions import (
    cophenet,
    divergence_matrix,
    fcluster,
    ib_linkage,
    information_criteria,
    leaves_list,
    linkage,
    match_topics,
    nearest_neighbours,
    pdist,
    psis_loo,
    select_models,
)
from ._corpus import as_corpus
from ._lda import LatentDirichletAllocation

__version__ = _core.__version__

__all__ = [
    "LatentDirichletAllocation",
    "as_corpus",
    "cophenet",
    "divergence_matrix",
    "fcluster",
    "ib_linkage",
    "information_criteria",
    "leaves_list",
    "linkage",
    "match_topics",
    "nearest_neighbours",
    "pdist",
    "psis_loo",
    "select_models",
]
