"""Nearest neighbours in both directions between two word lists, by CSLS or cosine, in two
matrix products (refinement's dictionary induction).

:func:`best_both_ways` returns, for every source row, its best target and, for every target
row, its best source, exactly as the full ``n_x x n_z`` CSLS matrix would (MUSE's
``2 S - r_x[:, None] - r_z[None, :]``, then argmax along each axis) without holding it. One
pass over each side's rows gives that side's neighbourhood term and each row's ``M`` most
similar columns; once both terms are known, a row's best CSLS column is among its ``M`` unless
a column outside could still reach it (its score is at most ``2 s_M - r_row - min r``): only
such rows are computed again. Separate calls (``topk_mean`` both ways, then retrieval both
ways) cost four products. The target side's similarities come from ``Z @ X.T``, whose float32
sums may differ from ``(X @ Z.T).T`` in the last bit: an exact tie in one can be a near-tie in
the other (tests allow for it; bench_refine.py found the same dictionaries and W).
"""

from __future__ import annotations

import numpy as np

from ._rowselect import row_topk

_BLOCK_MEMORY = 128 * 2**20  # bytes of similarities per block
SHORTLIST = 16  # columns kept per row by the first pass
#: the ways refinement turns nearest neighbours into a dictionary (:func:`pairs_from_best`)
INDUCTION_MODES = ("mutual", "forward", "union")


def best_both_ways(X, Z, *, k=10, method="csls", shortlist=SHORTLIST):
    """Best target of each row of ``X`` and best row of ``X`` for each row of ``Z``.

    Parameters
    ----------
    X, Z : arrays (n_x, d), (n_z, d)
        Unit-normalised rows (dot products are cosines).
    k : int
        CSLS neighbourhood.
    method : {"csls", "nn"}
    shortlist : int
        Columns kept per row between the passes; the result does not depend on it.

    Returns
    -------
    fwd : ndarray (n_x,) of target rows
    bwd : ndarray (n_z,) of source rows
        Ties go to the lower index, as ``np.argmax`` on the full matrix.
    """
    if method not in ("csls", "nn"):
        raise ValueError(f"unknown method {method!r}; choose 'csls' or 'nn'")
    X = np.ascontiguousarray(X, dtype=np.float32)
    Z = np.ascontiguousarray(Z, dtype=np.float32)
    if method == "nn":
        return _first_pass(X, Z, 1, 1)[1][:, 0], _first_pass(Z, X, 1, 1)[1][:, 0]
    return best_from_passes(first_passes(X, Z, k, shortlist), X, Z)


def first_passes(X, Z, k, shortlist=SHORTLIST):
    """Both directions' first passes over contiguous float32 unit rows:
    ``((r_x, x_cols, x_sims), (r_z, z_cols, z_sims))`` (see :func:`_first_pass`)."""
    k = min(k, len(X), len(Z))
    m = max(k, min(shortlist, len(X), len(Z)))
    return _first_pass(X, Z, k, m), _first_pass(Z, X, k, m)


def best_from_passes(passes, X, Z):
    """``(fwd, bwd)`` best CSLS rows both ways from :func:`first_passes`' shortlists."""
    (r_x, x_cols, x_sims), (r_z, z_cols, z_sims) = passes
    return (_resolve(x_cols, x_sims, r_x, r_z, X, Z, rows_first=True),
            _resolve(z_cols, z_sims, r_z, r_x, Z, X, rows_first=False))


def _blocks(A, B):
    """Row blocks of ``A @ B.T`` in one reused buffer: ``(start, block)``."""
    n, n_b = len(A), len(B)
    size = max(1, min(n, _BLOCK_MEMORY // (4 * max(n_b, 1))))
    buf = np.empty((size, n_b), dtype=np.float32)
    BT = B.T
    for i in range(0, n, size):
        S = buf[: min(size, n - i)]
        np.matmul(A[i:i + len(S)], BT, out=S)
        yield i, S


def _first_pass(A, B, k, m):
    """Per row of ``A``: the mean of its k largest similarities to ``B`` and its m most similar
    rows of ``B`` (indices and similarities, best first)."""
    r = np.empty(len(A), dtype=np.float32)
    cols = np.empty((len(A), m), dtype=np.int64)
    sims = np.empty((len(A), m), dtype=np.float32)
    for i, S in _blocks(A, B):
        j = i + len(S)
        cols[i:j], sims[i:j] = row_topk(S, m)
        r[i:j] = sims[i:j, :k].mean(axis=1)
    return r, cols, sims


def _csls(sims, r_rows, r_cols, rows_first):
    """The reference's ``(2 S - r_x) - r_z`` in float32, in that order whichever side the
    rows are (``rows_first``: the rows are the x side)."""
    out = 2 * sims
    if rows_first:
        out -= r_rows[:, None]
        out -= r_cols
    else:
        out -= r_cols
        out -= r_rows[:, None]
    return out


def _resolve(cols, sims, r_rows, r_cols, A, B, rows_first):
    """Best CSLS column of each row from its shortlist; rows a column outside it could still
    reach are computed in full."""
    sc = _csls(sims, r_rows, r_cols[cols], rows_first)
    best = sc.max(axis=1)
    # ties: the lowest column index among the best, as argmax over the full row
    best_col = np.where(sc == best[:, None], cols, np.iinfo(np.int64).max).min(axis=1)
    # any column outside has similarity <= the shortlist's last, and r >= min(r_cols)
    bound = _csls(sims[:, -1:], r_rows, np.array([r_cols.min()], dtype=np.float32), rows_first)[:, 0]
    redo = np.flatnonzero(~(best > bound)) if sims.shape[1] < len(B) else np.array([], dtype=np.int64)
    for i, S in _blocks(A[redo], B):
        rows = redo[i:i + len(S)]
        best_col[rows] = np.argmax(_csls(S, r_rows[rows], r_cols, rows_first), axis=1)
    return best_col


def pairs_from_best(fwd: np.ndarray, bwd: np.ndarray, mode: str = "mutual"):
    """``(src_rows, tgt_rows)`` from each source row's best target ``fwd`` and each target
    row's best source ``bwd``, as ``mode`` says: ``"mutual"`` the pairs that are each other's
    best (MUSE's ``S2T&T2S``), ``"forward"`` every source row's best, ``"union"`` both
    directions' (each pair once)."""
    src = np.arange(len(fwd))
    if mode == "mutual":
        keep = bwd[fwd] == src
        return src[keep], fwd[keep]
    if mode == "forward":
        return src, fwd
    # union: sorted by (source, target), each pair once
    a = np.unique(np.stack([np.concatenate([src, bwd]), np.concatenate([fwd, np.arange(len(bwd))])]), axis=1)
    return a[0], a[1]
