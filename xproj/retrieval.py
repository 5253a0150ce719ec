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

from ._rowselect import _topk_mean_rows, _topk_rows, _topk_rows_partition  # noqa: F401

DEFAULT_BATCH = 2048
_SAMPLE = 512  # sources of csls_topk's first, cheapest bound
EXACT = 3  # csls_topk's level of a target whose r is exact (below: lower bounds)
_TOPK_MEAN_MEMORY = 256 * 2**20


def as_unit(M) -> np.ndarray:
    """``M`` as float32 with unit rows (zero rows stay zero). Rows already of unit length
    (mapped, normalised spaces) are returned without a copy; the input is never modified."""
    M = np.asarray(M, dtype=np.float32)
    n = np.linalg.norm(M, axis=1, keepdims=True)
    if np.all(np.abs(n - 1) < 1e-4):
        return M
    n[n == 0] = 1
    return M / n


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


def topk_mean(A, B, k=10, *, batch=DEFAULT_BATCH, buffer=None) -> np.ndarray:
    """For each row of ``A``, the mean of its ``k`` largest dot products with the rows of ``B``.

    This is CSLS's neighbourhood term (``r``), computed in batches of ``A``'s rows.
    ``buffer``: an optional float32 array of ``(rows, len(B))`` reused for the similarities
    (callers that make many calls save the page faults of a fresh one each time).
    """
    A, B = _check(A, B)
    k = min(k, B.shape[0])
    # At most _TOPK_MEAN_MEMORY bytes of similarities (2048 x 200,000 would be 1.6 GB)
    batch = max(1, min(batch, _TOPK_MEAN_MEMORY // (4 * max(B.shape[0], 1))))
    out = np.empty(A.shape[0], dtype=np.float32)
    if buffer is not None and buffer.shape[1] == B.shape[0] and buffer.dtype == np.float32:
        buf, batch = buffer, len(buffer)
    else:
        buf = np.empty((min(batch, max(A.shape[0], 1)), B.shape[0]), dtype=np.float32)
    BT = B.T
    for i, j in _batches(A.shape[0], batch):
        S = buf[: j - i]
        np.matmul(A[i:j], BT, out=S)
        out[i:j] = _topk_mean_rows(S, k)
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
    r_queries=None,
    batch=None,
    n_clusters=64,
    n_probes=8,
    direct_limit=40_000 * 40_000,
    memory=512 * 2**20,
    seed=0,
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
    r_targets, r_queries : arrays, optional
        Precomputed ``r_X`` of every target / ``r_Z`` of every query (then not recomputed).
    batch : int, optional
        Queries per batch (default: as many as fit in ``memory`` bytes of similarities).
    n_clusters, n_probes : int
        Source clusters of the inverted-file lower bounds, and how many of the nearest ones
        the second of them reads (see Notes). The result does not depend on them; the time does.
    direct_limit : int
        When ``n_sources * n_targets`` is at most this, ``r_X`` is computed for every target
        (cheaper than pruning for small spaces).

    Notes
    -----
    ``r_X`` over all targets costs ``n_targets x n_sources`` similarities: 40 billion at
    200,000 words, minutes on a CPU. It is only needed exactly for targets that can enter a
    top-n. Every target starts with a cheap lower bound (the mean of its k best similarities
    among a sample of sources; any subset gives a bound no larger than the true value), so
    ``2 cos - r`` is an upper bound of its score. Targets that reach a query's top-n on
    upper bounds are refined to tighter bounds (the sources of their own cluster: an
    inverted file; then of their ``n_probes`` nearest clusters) and then computed exactly,
    until every query's top-n is exact; nothing outside can beat it. The result equals the
    full computation.

    Returns
    -------
    indices, scores : ndarrays of shape (n_queries, topn); scores are full CSLS values.
    """
    Q, T = _check(Q, T)
    S_all = Q if sources is None else _check(sources, T)[0]
    n_t, n_s = T.shape[0], S_all.shape[0]
    topn = min(topn, n_t)
    # r_Z(x): mean similarity of each query to its k nearest targets (from the batches below
    # unless given: the query x target similarities are computed there anyway)
    r_q = np.empty(Q.shape[0], dtype=np.float32) if r_queries is None else np.asarray(r_queries, dtype=np.float32)

    # level of each target's r: 0 = sample bound, 1 = own cluster, 2 = nearest clusters, EXACT
    if r_targets is not None:
        r_t = np.asarray(r_targets, dtype=np.float32)
        level = np.full(n_t, EXACT, dtype=np.int8)
    elif n_s * n_t <= direct_limit or n_s <= max(64 * k, _SAMPLE):
        r_t = topk_mean(T, S_all, k)
        level = np.full(n_t, EXACT, dtype=np.int8)
    else:
        rng = np.random.default_rng(seed)
        sample = S_all[np.sort(rng.choice(n_s, size=max(64 * k, _SAMPLE), replace=False))]
        r_t = topk_mean(T, sample, k)
        level = np.zeros(n_t, dtype=np.int8)
    ivf = exact_buf = None

    def exact_r(rows):
        nonlocal exact_buf
        if exact_buf is None:  # one buffer for every exact pass
            exact_buf = np.empty((max(1, _TOPK_MEAN_MEMORY // (4 * n_s)), n_s), dtype=np.float32)
        return topk_mean(T[rows], S_all, k, buffer=exact_buf)

    def upgrade(cols):
        """Tighten the bounds of ``cols`` one level; True when everything became exact."""
        nonlocal ivf
        if np.count_nonzero(level == EXACT) + cols.size > n_t // 3:
            # Pruning no longer pays (spaces where hubness is everywhere): finish directly.
            rest = np.flatnonzero(level < EXACT)
            r_t[rest] = exact_r(rest)
            level[rest] = EXACT
            return True
        by_level = [cols[level[cols] == lv] for lv in range(EXACT)]  # before any changes
        to_exact = by_level[EXACT - 1]
        if to_exact.size:
            r_t[to_exact] = exact_r(to_exact)
            level[to_exact] = EXACT
        for lv in (0, 1):
            up = by_level[lv]
            if up.size:
                if ivf is None:
                    ivf = _InvertedFile(S_all, n_clusters, k, seed)
                r_t[up] = np.maximum(r_t[up], ivf.topk_mean(T[up], k, 1 if lv == 0 else n_probes))
                level[up] = lv + 1
        return False

    n_q = Q.shape[0]
    if batch is None:  # two buffers of batch x n_targets: 2 cos, and scores on current bounds
        batch = max(1, min(n_q, memory // (8 * max(n_t, 1))))
    exact = level.min() == EXACT
    M = _shortlist_width(topn, n_t)
    idx = np.empty((n_q, topn if exact else M), dtype=np.int64)
    val = np.empty((n_q, topn if exact else M), dtype=np.float32)
    outside = np.full(n_q, -np.inf, dtype=np.float32)
    two_cos = np.empty((min(batch, max(n_q, 1)), n_t), dtype=np.float32)
    scores = np.empty_like(two_cos)  # reused: a fresh batch x n_targets array costs page faults
    for i, j in _batches(n_q, batch):
        S, sc = two_cos[: j - i], scores[: j - i]
        np.matmul(Q[i:j], T.T, out=S)
        if r_queries is None:
            r_q[i:j] = _topk_mean_rows(S, k)
        S *= 2
        # Scores with the current r_t: exact at level EXACT, upper bounds elsewhere.
        np.subtract(S, r_t, out=sc)
        if exact:
            idx[i:j], val[i:j] = _topk_rows(sc, topn)
            continue
        # Pruned: keep each query's shortlist (its M best upper bounds, their 2 cos) and the
        # M-th bound, which bounds every column outside; all queries are refined together
        # below, so that each pass over the sources serves all of them.
        idx[i:j], ub = _topk_rows(sc, M)
        if M < n_t:
            outside[i:j] = ub[:, -1]
        val[i:j] = np.take_along_axis(S, idx[i:j], axis=1)
    if not exact:
        def two_cos_rows(rows):
            return 2 * (Q[rows] @ T.T)

        idx, val = _refine_topn(idx, val, outside, two_cos_rows, r_t, level, topn, upgrade, batch)
    return idx, val - r_q[:, None]


def _shortlist_width(topn, n_targets):
    """Columns kept per query after the first pass (see :func:`_refine_topn`): wide enough
    that the answer is rarely outside, narrow enough to sort cheaply."""
    return min(n_targets, 4 * topn + 28)


def _refine_topn(short, short_2cos, outside, two_cos_rows, r_t, level, topn, upgrade, batch):
    """Top-n by exact CSLS from each query's shortlist (``short``: the M best columns by upper
    bound; ``short_2cos``: their ``2 cos``; ``outside``: a bound on every other column).

    Once a shortlist's top-n are exact and no worse than ``outside``, they are the answer.
    Rows where that fails redo the search over their full rows (``two_cos_rows(rows)``), but
    only among the columns whose bound still reaches the row's n-th exact score.
    Returns ``(indices, scores)`` with scores ``2 cos - r_t``.
    """
    # Cluster bounds for all shortlists at once (cheap), then exact values where needed.
    first = np.unique(short[level[short] == 0])
    if first.size:
        upgrade(first)
    cand, cand_scores = _settle(short, short_2cos, r_t, level, topn, upgrade)
    # Rows whose exact top-n is below the shortlist's last upper bound: a column outside it
    # might still win. Their candidates: every column whose bound reaches the n-th score.
    open_rows = np.flatnonzero(cand_scores[:, -1] < outside)
    for i, j in _batches(open_rows.size, batch):
        rows = open_rows[i:j]
        F = two_cos_rows(rows)
        keep = (F - r_t) >= cand_scores[rows, -1:]
        counts = keep.sum(axis=1)
        width = int(counts.max())
        C = np.zeros((len(rows), width), dtype=np.int64)
        V = np.full((len(rows), width), -np.inf, dtype=np.float32)
        r, c = np.nonzero(keep)
        pos = np.arange(r.size) - np.repeat(np.cumsum(counts) - counts, counts)
        C[r, pos], V[r, pos] = c, F[r, c]
        cand[rows], cand_scores[rows] = _settle(C, V, r_t, level, topn, upgrade)
    return cand, cand_scores


def _settle(C, V, r_t, level, topn, upgrade):
    """Exact top-n of each row among its candidate columns ``C`` (``V``: their ``2 cos``;
    ``-inf`` pads a row), tightening bounds until the n best by current score are exact.

    Each round raises, per open row, the bounds of the columns ranked above its n-th exact
    score (its contenders), best first and at most ``2 ** round`` of them: few passes over
    the sources, few columns tightened that a better exact score would have ruled out.
    Ties keep column order. Returns ``(indices, scores)`` with scores ``2 cos - r_t``.
    """
    order = np.argsort(C, axis=1, kind="stable")  # candidates in column order: ties as a full row
    C, V = np.take_along_axis(C, order, axis=1), np.take_along_axis(V, order, axis=1)
    n = len(C)
    cand = np.empty((n, topn), dtype=np.int64)
    cand_scores = np.empty((n, topn), dtype=np.float32)
    active = np.arange(n)
    budget = 1
    while active.size:
        c = C[active]
        cur = V[active] - r_t[c]
        order = np.argsort(-cur, axis=1, kind="stable")
        c, cur = np.take_along_axis(c, order, axis=1), np.take_along_axis(cur, order, axis=1)
        exact = level[c] == EXACT
        settled = exact[:, :topn].all(axis=1)
        cand[active[settled]], cand_scores[active[settled]] = c[settled, :topn], cur[settled, :topn]
        open_ = ~settled
        active = active[open_]
        if active.size:
            # contenders: not exact, ranked before the row's n-th exact column
            cont = ~exact[open_] & (np.cumsum(exact[open_], axis=1) < topn) & np.isfinite(cur[open_])
            cont &= np.cumsum(cont, axis=1) <= budget
            upgrade(np.unique(c[open_][cont]))
            budget *= 2
    return cand, cand_scores


class _InvertedFile:
    """Sources grouped by their nearest of ``n_clusters`` centroids (spherical k-means on a
    sample, a few Lloyd rounds). For a target, the mean of its k best similarities among the
    sources of its own cluster is a lower bound of ``r_X`` (a subset), and a tight one, since
    a word's nearest neighbours mostly share its cluster. Any clustering keeps it a bound."""

    def __init__(self, S, n_clusters, k, seed=0):
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
        self.C = C
        s_assign = np.concatenate([np.argmax(S[i:j] @ C.T, axis=1) for i, j in _batches(n_s, 16384)])
        # Each cluster's sources contiguous (one copy of S, made once): gathering a cluster's
        # rows for every call cost more than the similarities.
        order = np.argsort(s_assign, kind="stable")
        self.S = S[order]
        self.bounds = np.searchsorted(s_assign[order], np.arange(c + 1))
        self.n_fill = min(n_s, max(k, 64))  # so that every cluster has >= k sources

    def topk_mean(self, T, k, probes=1):
        """Lower bounds of ``r`` for the rows of ``T``: the mean of their k best similarities
        among the sources of their ``probes`` nearest clusters (distinct clusters: a subset)."""
        if probes > 1:
            return self._topk_mean_probes(T, k, min(probes, len(self.C)))
        out = np.empty(T.shape[0], dtype=np.float32)
        t_assign = np.argmax(T @ self.C.T, axis=1)
        for j in np.unique(t_assign):
            rows = np.flatnonzero(t_assign == j)
            lo, hi = self.bounds[j], self.bounds[j + 1]
            members = self.S[lo:hi]
            if hi - lo < k:  # a small cluster: with the first sources too (each once: a subset)
                members = self.S[np.union1d(np.arange(lo, hi), np.arange(self.n_fill))]
            out[rows] = topk_mean(T[rows], members, k)
        return out

    def _topk_mean_probes(self, T, k, probes):
        near = np.argpartition(-(T @ self.C.T), probes - 1, axis=1)[:, :probes]
        best = np.full((len(T), probes, k), -np.inf, dtype=np.float32)
        for j in np.unique(near):
            rows, slot = np.nonzero(near == j)
            members = self.S[self.bounds[j]:self.bounds[j + 1]]
            kk = min(k, len(members))
            if kk:
                sims = T[rows] @ members.T
                best[rows, slot, :kk] = np.partition(sims, sims.shape[1] - kk, axis=1)[:, -kk:]
        flat = best.reshape(len(T), probes * k)
        return np.partition(flat, flat.shape[1] - k, axis=1)[:, -k:].mean(axis=1)


#: the methods :func:`retrieve` implements
RETRIEVALS = ("nn", "csls")


def retrieve(Q, T, topn=1, *, method="csls", k=10, sources=None, batch=None):
    """Top-``topn`` targets per query by ``method`` ("nn" or "csls"); see :func:`csls_topk`."""
    if method == "nn":
        return nn_topk(Q, T, topn, batch=batch or DEFAULT_BATCH)
    if method == "csls":
        return csls_topk(Q, T, topn, k=k, sources=sources, batch=batch)
    raise ValueError(f"unknown retrieval method {method!r}; choose 'nn' or 'csls'")
