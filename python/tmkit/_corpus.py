"""Counts matrices to the form the C++ library reads in place."""
import numpy as np
import scipy.sparse as sp

from . import _core


def as_corpus(X):
    """The documents x words counts matrix ``X`` as a tmkit._core.CsrCorpus.

    A scipy CSR matrix with float64 counts, int32 column indices sorted within each row and no
    explicit zeros is read in place: the library sees its ``data`` and ``indices`` arrays, not a
    copy (only the row pointers, one per document, are widened to int64). Anything else (dense
    arrays, other sparse formats, other dtypes, unsorted indices) is converted once.
    Counts may be any non-negative finite numbers (tf-idf weights included); validation of the
    values happens in the library.
    """
    if not sp.issparse(X):
        X = sp.csr_matrix(np.asarray(X, dtype=np.float64))
    elif X.format != "csr":
        X = X.tocsr()
    if X.shape[1] >= 2**31:
        raise ValueError(f"X has {X.shape[1]} features; tmkit reads at most 2^31 - 1")
    if X.dtype != np.float64:
        X = X.astype(np.float64)
    if not X.has_canonical_format or (X.data == 0).any():
        X = X.copy()
        X.sum_duplicates()  # sorts the indices and sums duplicates
        X.eliminate_zeros()
    indices = X.indices
    if indices.dtype != np.int32:
        indices = indices.astype(np.int32)
    indptr = np.asarray(X.indptr, dtype=np.int64)
    return _core.csr_corpus(indptr, indices, X.data, X.shape[1])
