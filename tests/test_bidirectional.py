"""best_both_ways (refinement's induction): the full CSLS / cosine matrix's argmax both ways."""

import numpy as np
import pytest

from xproj import _bidirectional
from xproj._bidirectional import best_both_ways
from xproj.retrieval import as_unit


def _reference(X, Z, k):
    S = X @ Z.T
    r_x = np.partition(S, S.shape[1] - k, axis=1)[:, -k:].mean(axis=1)
    r_z = np.partition(S, S.shape[0] - k, axis=0)[-k:].mean(axis=0)
    C = 2 * S - r_x[:, None] - r_z[None, :]
    return S, C


@pytest.mark.parametrize("shape, dim, shortlist, block_rows", [
    ((700, 500), 16, 16, 97),   # several blocks, a short last one
    ((300, 400), 8, 10, 1000),  # low dimension: flat similarities, many rows recomputed
    ((50, 60), 4, 10, 7),
])
def test_matches_the_full_matrix(monkeypatch, shape, dim, shortlist, block_rows):
    rng = np.random.default_rng(dim)
    X = as_unit(rng.standard_normal((shape[0], dim)) + 0.2)  # off-centre: hubs exist
    Z = as_unit(rng.standard_normal((shape[1], dim)))
    monkeypatch.setattr(_bidirectional, "_BLOCK_MEMORY", 4 * shape[1] * block_rows)
    S, C = _reference(X, Z, 10)
    fwd, bwd = best_both_ways(X, Z, k=10, shortlist=shortlist)
    assert (fwd == C.argmax(axis=1)).mean() > 0.998  # float32 rounding of r aside
    assert (bwd == C.argmax(axis=0)).mean() > 0.998
    fwd, bwd = best_both_ways(X, Z, method="nn")
    assert (fwd == S.argmax(axis=1)).all() and (bwd == S.argmax(axis=0)).all()


def test_rows_outside_the_shortlist_are_recomputed(monkeypatch):
    # A shortlist of one column: rows whose CSLS winner is not their cosine NN must be redone.
    rng = np.random.default_rng(1)
    X = as_unit(rng.standard_normal((400, 8)) + 0.3)
    Z = as_unit(rng.standard_normal((300, 8)))
    redone = []
    blocks = _bidirectional._blocks
    monkeypatch.setattr(_bidirectional, "_blocks", lambda A, B: (redone.append(len(A)), blocks(A, B))[1])
    _, C = _reference(X, Z, 10)
    fwd, _ = best_both_ways(X, Z, k=10, shortlist=1)
    assert redone[2] > 0  # the passes: x rows, z rows, then the x rows redone
    assert (fwd == C.argmax(axis=1)).mean() > 0.998


def test_ties_go_to_the_lower_index():
    X = as_unit(np.ones((3, 4)))
    Z = as_unit(np.ones((5, 4)))
    fwd, bwd = best_both_ways(X, Z, k=2)
    assert (fwd == 0).all() and (bwd == 0).all()


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown method"):
        best_both_ways(np.eye(3), np.eye(3), method="cosine")
