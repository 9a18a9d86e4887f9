"""Shared fixtures: where the repository and the built apps are, and the bundled corpus as a CSR
matrix. CTest sets TMKIT_SOURCE_DIR and TMKIT_APPS_DIR (tests/CMakeLists.txt)."""
import os
import pathlib

import numpy as np
import pytest
import scipy.sparse as sp

SOURCE = pathlib.Path(os.environ.get("TMKIT_SOURCE_DIR",
                                     pathlib.Path(__file__).resolve().parents[2]))
APPS = pathlib.Path(os.environ.get("TMKIT_APPS_DIR", SOURCE / "build" / "release" / "apps"))
REFERENCE = SOURCE / "tests" / "reference"


def read_uci(path):
    """A UCI docword file as a documents x words CSR matrix of float64 counts."""
    with open(path) as f:
        n_docs, n_words, _ = (int(f.readline()) for _ in range(3))
        entries = np.loadtxt(f, dtype=np.int64, ndmin=2)
    return sp.csr_matrix((entries[:, 2].astype(np.float64), (entries[:, 0] - 1, entries[:, 1] - 1)),
                         shape=(n_docs, n_words))


@pytest.fixture(scope="session")
def kjv():
    return read_uci(SOURCE / "corpora" / "kjv" / "docword.kjv.txt")


@pytest.fixture(scope="session")
def apps():
    if not (APPS / "tm-fit").exists():
        pytest.fail(f"the apps are not built in {APPS} (set TMKIT_APPS_DIR)")
    return APPS
