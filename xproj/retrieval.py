"""Batched nearest-neighbour retrieval over cosine similarity: NN, CSLS and top-k.

Nothing here builds a vocabulary x vocabulary matrix: similarities are computed a batch of
rows at a time into a preallocated buffer and reduced at once (top-k indices, or the mean of
the k largest values).

CSLS (Conneau et al., 2018) for a mapped source vector ``x`` and a target vector ``z``::

    CSLS(x, z) = 2 cos(x, z) - r_Z(x) - r_X(z)

where ``r_Z(x)`` is the mean cosine of ``x`` to its ``k`` nearest targets and ``r_X(z)`` the
mean cosine of ``z`` to its ``k`` nearest (mapped) sources. ``r_X`` over a large source space
is the expensive part (targets x sources); :func:`csls_topk` computes it exactly only for the
targets that can still enter some query's top-n, using a cheap lower bound for the others.

All inputs are expected unit-normalised (see :func:`xproj.vectors.unit_length`) so that dot
products are cosines; :func:`as_unit` does that for you.
"""

from __future__ import annotations

import numpy as np

DEFAULT_BATCH = 2048


def as_unit(M) -> np.ndarray:
    """float32 copy of ``M`` with unit rows (zero rows stay zero)."""
    M = np.array(M, dtype=np.float32, copy=True)
    n = np.linalg.norm(M, axis=1, keepdims=True)
    n[n == 0] = 1
    M /= n
    return M


def _batches(n, batch):
    for start in range(0, n, batch):
        yield start, min(start + batch, n)


def _check(Q, T):
    Q = np.asarray(Q, dtype=np.float32)
    T = np.asarray(T, dtype=np.float32)
    if Q.ndim != 2 or T.ndim != 2 or Q.shape[1] != T.shape[1]:
        from .errors import ShapeError

        raise ShapeError(f"query matrix {Q.shape} and target matrix {T.shape} do not share a dimension")
    return Q, T


def _topk_rows(S, k):
    """Indices and values of the k largest entries of each row of S, sorted descending.

    Selection by threshold rather than a full ``argpartition`` (which costs several times
    the matrix product here): the k-th largest value among a sample of columns is a lower
    bound of the row's k-th largest, so ``S >= threshold`` keeps every top-k entry plus a
    few hundred others, which are then sorted. Exact; ties keep column order.
    """
    n, m = S.shape
    k = min(k, m)
    sample = min(m, max(64 * k, 1024))
    if n == 0 or sample >= m // 4:
        return _topk_rows_partition(S, k)
    # A strided sample: the first columns (most frequent words) are not representative.
    sub = S[:, :: m // sample][:, :sample]
    th = np.partition(sub, sample - k, axis=1)[:, sample - k]
    mask = S >= th[:, None]
    if np.count_nonzero(mask) > 64 * k * n + 4 * m:  # many ties (e.g. zero rows): fall back
        return _topk_rows_partition(S, k)
    rows, cols = np.nonzero(mask)
    vals = S[rows, cols]
    order = np.lexsort((-vals, rows))
    cols, vals = cols[order], vals[order]
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n)[:-1], out=starts[1:])
    sel = starts[:, None] + np.arange(k)[None, :]
    return cols[sel], vals[sel]


def _topk_rows_partition(S, k):
    if k == S.shape[1]:
        idx = np.argsort(-S, axis=1, kind="stable")
    else:
        part = np.argpartition(-S, k - 1, axis=1)[:, :k]
        vals = np.take_along_axis(S, part, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")
        idx = np.take_along_axis(part, order, axis=1)
    return idx, np.take_along_axis(S, idx, axis=1)


def topk_mean(A, B, k=10, *, batch=DEFAULT_BATCH) -> np.ndarray:
    """For each row of ``A``, the mean of its ``k`` largest dot products with the rows of ``B``.

    This is CSLS's neighbourhood term (``r``), computed in batches of ``A``'s rows.
    """
    A, B = _check(A, B)
    k = min(k, B.shape[0])
    out = np.empty(A.shape[0], dtype=np.float32)
    buf = np.empty((min(batch, max(A.shape[0], 1)), B.shape[0]), dtype=np.float32)
    BT = B.T
    for i, j in _batches(A.shape[0], batch):
        S = buf[: j - i]
        np.matmul(A[i:j], BT, out=S)
        if k == B.shape[0]:
            out[i:j] = S.mean(axis=1)
        else:
            out[i:j] = _topk_rows(S, k)[1].mean(axis=1)
    return out


def nn_topk(Q, T, topn=1, *, batch=DEFAULT_BATCH):
    """Nearest neighbours by cosine (dot product of unit rows).

    Returns
    -------
    indices : ndarray of shape (n_queries, topn), best first
    scores : ndarray of shape (n_queries, topn)
    """
    Q, T = _check(Q, T)
    topn = min(topn, T.shape[0])
    idx = np.empty((Q.shape[0], topn), dtype=np.int64)
    val = np.empty((Q.shape[0], topn), dtype=np.float32)
    buf = np.empty((min(batch, max(Q.shape[0], 1)), T.shape[0]), dtype=np.float32)
    for i, j in _batches(Q.shape[0], batch):
        S = buf[: j - i]
        np.matmul(Q[i:j], T.T, out=S)
        idx[i:j], val[i:j] = _topk_rows(S, topn)
    return idx, val


def csls_topk(
    Q,
    T,
    topn=1,
    *,
    k=10,
    sources=None,
    r_targets=None,
    queries_in_sources=None,
    batch=256,
    lower_bound_size=16,
    direct_limit=25_000 * 25_000,
):
    """CSLS retrieval of the ``topn`` best targets for each query, exact.

    Parameters
    ----------
    Q : array (n_queries, d)
        Mapped, unit-normalised source vectors to translate.
    T : array (n_targets, d)
        Unit-normalised target vectors.
    topn : int
    k : int
        Neighbourhood size (10 in MUSE).
    sources : array (n_sources, d), optional
        The whole mapped source space, over which each target's hubness ``r_X(z)`` is taken.
        Defaults to ``Q`` (as when both sides are the same word lists, e.g. refinement).
    queries_in_sources : bool, optional
        Whether every query is also a row of ``sources`` (true in lexicon induction, where
        queries are source words). Then the queries tighten the lower bound of ``r_X`` for
        the targets near them, which are the ones that matter. Default: ``sources is None``.
    r_targets : array (n_targets,), optional
        Precomputed ``r_X`` for all targets (then nothing is pruned).
    batch : int
        Queries per batch.
    lower_bound_size : int
        Number of source clusters for the cheap lower bound of ``r_X`` (see
        :func:`_lower_bound_r`). The result does not depend on it; the time does.
    direct_limit : int
        When ``n_sources * n_targets`` is at most this, ``r_X`` is computed for every target
        (cheaper than pruning for small spaces).

    Returns
    -------
    indices, scores : ndarrays of shape (n_queries, topn); scores are full CSLS values.
    """
    Q, T = _check(Q, T)
    S_all = Q if sources is None else _check(sources, T)[0]
    n_t = T.shape[0]
    topn = min(topn, n_t)
    r_q = topk_mean(Q, T, k)  # r_Z(x): mean similarity of each query to its k nearest targets

    if r_targets is not None:
        r_t = np.asarray(r_targets, dtype=np.float32)
        known = np.ones(n_t, dtype=bool)
    elif S_all.shape[0] * n_t <= direct_limit or S_all.shape[0] <= max(lower_bound_size, k):
        # Small enough: compute r_X(z) for every target directly.
        r_t = topk_mean(T, S_all, k)
        known = np.ones(n_t, dtype=bool)
    else:
        # Lower bound of r_X(z): the k largest similarities among a subset of sources are no
        # larger than the k largest among all of them. Exact values come later, on demand.
        r_t = _lower_bound_r(T, S_all, k, lower_bound_size)
        known = np.zeros(n_t, dtype=bool)

    def make_exact(cols):
        cols = cols[~known[cols]]
        if cols.size:
            r_t[cols] = topk_mean(T[cols], S_all, k)
            known[cols] = True

    idx = np.empty((Q.shape[0], topn), dtype=np.int64)
    val = np.empty((Q.shape[0], topn), dtype=np.float32)
    buf = np.empty((min(batch, max(Q.shape[0], 1)), n_t), dtype=np.float32)
    for i, j in _batches(Q.shape[0], batch):
        S = buf[: j - i]
        np.matmul(Q[i:j], T.T, out=S)
        S *= 2
        # Scores with the current r_t: exact where known, an upper bound elsewhere. The top-n
        # is final once all of its members are exact, since no other target can beat them.
        scores = S - r_t
        while True:
            cand, cand_scores = _topk_rows(scores, topn)
            if known[cand].all():
                break
            # A slightly wider net than top-n saves rounds; each exact r_X costs a pass over
            # all sources, so not much wider.
            wide, _ = _topk_rows(scores, min(n_t, topn + 4))
            cols = np.unique(wide[~known[wide]])
            make_exact(cols)
            scores[:, cols] = S[:, cols] - r_t[cols]
        idx[i:j] = cand
        val[i:j] = cand_scores - r_q[i:j, None]
    return idx, val


def _lower_bound_r(T, S, k, n_clusters, seed=0):
    """A lower bound of ``topk_mean(T, S, k)`` for every target, at a small fraction of its cost.

    The mean of the k largest similarities over any subset of sources is no larger than over
    all sources. The subset that makes the bound tight is the target's own neighbourhood, so
    sources are clustered (spherical k-means on a sample, a few Lloyd rounds) and each target
    is compared with the sources of its nearest cluster only (an inverted-file search). Any
    clustering gives a valid bound; a good one gives a tight bound.
    """
    n_s = S.shape[0]
    c = int(max(1, min(n_clusters, n_s // max(4 * k, 64))))
    rng = np.random.default_rng(seed)
    sample = S[rng.choice(n_s, size=min(n_s, 64 * c), replace=False)]
    C = sample[rng.choice(sample.shape[0], size=c, replace=False)].copy()
    for _ in range(8):
        assign = np.argmax(sample @ C.T, axis=1)
        for j in range(c):
            members = sample[assign == j]
            if len(members):
                v = members.sum(axis=0)
                C[j] = v / (np.linalg.norm(v) or 1)
    s_assign = np.concatenate([np.argmax(S[i:j] @ C.T, axis=1) for i, j in _batches(n_s, 16384)])
    t_assign = np.concatenate([np.argmax(T[i:j] @ C.T, axis=1) for i, j in _batches(T.shape[0], 16384)])
    out = np.empty(T.shape[0], dtype=np.float32)
    fill = S[: max(k, 64)]  # so that every cluster has at least k sources to average
    for j in range(c):
        t_rows = np.flatnonzero(t_assign == j)
        if t_rows.size == 0:
            continue
        members = np.flatnonzero(s_assign == j)
        sub = np.vstack([S[members], fill]) if members.size < k else S[members]
        out[t_rows] = topk_mean(T[t_rows], sub, k)
    return out


def retrieve(Q, T, topn=1, *, method="csls", k=10, sources=None, queries_in_sources=None, batch=None):
    """Top-``topn`` targets per query by ``method`` ("nn" or "csls"); see :func:`csls_topk`."""
    if method == "nn":
        return nn_topk(Q, T, topn, batch=batch or DEFAULT_BATCH)
    if method == "csls":
        return csls_topk(Q, T, topn, k=k, sources=sources, queries_in_sources=queries_in_sources,
                         batch=batch or 256)
    raise ValueError(f"unknown retrieval method {method!r}; choose 'nn' or 'csls'")
