"""Batched nearest-neighbour retrieval over cosine similarity: NN, CSLS and top-k.

Nothing here builds a vocabulary x vocabulary matrix: similarities are computed a batch of
rows at a time into a preallocated buffer and reduced at once (top-k indices, or the mean of
the k largest values).

CSLS (Conneau et al., 2018) for a mapped source vector ``x`` and a target vector ``z``::

    CSLS(x, z) = 2 cos(x, z) - r_Z(x) - r_X(z)

where ``r_Z(x)`` is the mean cosine of ``x`` to its ``k`` nearest targets and ``r_X(z)`` the
mean cosine of ``z`` to its ``k`` nearest (mapped) sources. ``r_X`` over a large source space
is the expensive part (targets x sources); :func:`csls_topk` computes it exactly only for the
targets that can still enter some query's top-n, using cheap lower bounds for the others
(:mod:`xproj._csls_bounds`). Its blocks of work run on threads, one BLAS thread each
(:mod:`xproj._threads`), so that the selections after each product use every core too.

All inputs are expected unit-normalised (see :func:`xproj.vectors.unit_length`) so that dot
products are cosines; :func:`as_unit` does that for you.
"""

from __future__ import annotations

import numpy as np

from ._csls_bounds import EXACT, SAMPLE, TargetBounds, exact_r, fine_ladder
from ._rowselect import _topk_mean_rows, _topk_rows, _topk_rows_partition, topk_columns, topk_values  # noqa: F401
from ._threads import Workers, chunks

DEFAULT_BATCH = 2048
_TOPK_MEAN_MEMORY = 256 * 2**20


def as_unit(M) -> np.ndarray:
    """``M`` as float32 with unit rows (zero rows stay zero). Rows already of unit length
    (mapped, normalised spaces) are returned without a copy; the input is never modified."""
    M = np.asarray(M, dtype=np.float32)
    # The check without linalg.norm's temporary copy of M (0.02 s instead of up to 0.7 s at
    # 200,000 x 300, most of it page faults); the division below as before.
    if M.ndim == 2 and np.all(np.abs(np.sqrt(np.einsum("ij,ij->i", M, M)) - 1) < 1e-4):
        return M
    n = np.linalg.norm(M, axis=1, keepdims=True)
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
    indices : ndarray of shape (n_queries, topn), best first (equal scores: the lower index first)
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
    direct_limit=None,
    memory=512 * 2**20,
    seed=0,
    n_jobs=None,
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
        Queries per block (default: as many as fit in ``memory`` bytes of similarities,
        shared by the threads).
    n_clusters, n_probes : int
        Source clusters of the inverted-file lower bounds, and how many of a target's nearest
        ones its second bound reads (its third: ``3 n_probes``; see Notes; for ``topn > 1``,
        a level every ``n_probes`` clusters after that, :func:`~xproj._csls_bounds.fine_ladder`).
        The result does not depend on them; the time does.
    direct_limit : int, optional
        When ``n_sources * n_targets`` is at most this, ``r_X`` is computed for every target
        (cheaper than pruning for small spaces). Default ``topn x 10,000 x 10,000``: the more
        places, the more exact values pruning needs; on the bench's world at 30,000 words,
        pruning takes 1.4 s for the top 1 (direct: 6.6 s), 3.6 s for the top 5 and 8.8 s for
        the top 10 (direct: 6.4 s).
    seed : int
        Seed of the bounds' source sample and clustering (the time depends on it, not the result).
    n_jobs : int, optional
        Threads (default: as many as BLAS would use, at most the usable CPUs). Blocks of
        queries or targets run whole on a thread (product and selections), each product on
        one BLAS thread; the result does not depend on ``n_jobs`` or ``batch``.

    Notes
    -----
    ``r_X`` over all targets costs ``n_targets x n_sources`` similarities: 40 billion at
    200,000 words, minutes on a CPU. It is only needed exactly for targets that can enter a
    top-n. Every target starts with a cheap lower bound (the mean of its k best similarities
    among a sample of sources; any subset gives a bound no larger than the true value), so
    ``2 cos - r`` is an upper bound of its score. Targets that reach a query's top-n on
    upper bounds are refined to tighter bounds (the sources of their own cluster: an
    inverted file; then of their ``n_probes`` and ``3 n_probes`` nearest clusters, and for
    ``topn > 1`` of ``n_probes`` more at each further level) and then computed exactly, until every query's top-n is exact; nothing outside can beat it. The
    result equals the full computation (see :mod:`xproj._csls_bounds`).

    Returns
    -------
    indices, scores : ndarrays of shape (n_queries, topn); scores are full CSLS values. Equal
        scores: the lower target index first (pruned or not).
    """
    Q, T = _check(Q, T)
    S_all = Q if sources is None else _check(sources, T)[0]
    n_q, n_t, n_s = Q.shape[0], T.shape[0], S_all.shape[0]
    topn = min(topn, n_t)
    # a neighbourhood larger than the space is all of it (as in topk_mean): beyond, the means
    # of "k largest" would be taken over fewer than k values (-inf) and every score be inf
    k_t, k_q = min(k, n_s), min(k, n_t)
    with Workers(n_jobs) as workers:
        bounds = None
        if r_targets is not None:
            r_t = np.asarray(r_targets, dtype=np.float32)
        elif n_s * n_t <= (direct_limit if direct_limit is not None else topn * 10_000**2) \
                or n_s <= max(64 * k_t, SAMPLE):
            r_t = exact_r(T, S_all, k_t, workers)
        else:
            # several places: a finer ladder (fine_ladder); the top 1 keeps the default, it is no faster with it
            ladder = fine_ladder(n_probes, n_clusters) if topn > 1 else None
            bounds = TargetBounds(T, S_all, k_t, workers, n_clusters=n_clusters, n_probes=n_probes,
                                  ladder=ladder, seed=seed)
            r_t = bounds.r
        if batch is None:  # two buffers of batch x n_targets per thread: cos, and halved scores
            batch = max(1, min(-(-n_q // workers.n), memory // (8 * max(n_t, 1) * workers.n)))
        # r_Z(x): mean similarity of each query to its k nearest targets, from the query x
        # target similarities computed below anyway (unless given)
        r_q = np.empty(n_q, dtype=np.float32) if r_queries is None else np.asarray(r_queries, dtype=np.float32)
        width = topn if bounds is None else _shortlist_width(topn, n_t)
        # a reserve of the next best columns per query, for rows whose answer is outside
        # their shortlist (no second product over their full rows)
        wide = width if bounds is None else min(n_t, 4 * width)
        idx = np.empty((n_q, wide), dtype=np.int64)
        val = np.empty((n_q, wide), dtype=np.float32)
        outside = np.full((n_q, 2), -np.inf, dtype=np.float32)  # beyond shortlist, reserve
        # Scores are compared halved, cos - r/2: the same order, and doubled the same float32
        # as 2 cos - r (halving and doubling are exact), without a pass doubling the cosines.
        half_r = r_t / 2

        def query_block(span):
            i, j = span
            C = workers.scratch("cos", (j - i, n_t))
            np.matmul(Q[i:j], T.T, out=C)
            if r_queries is None:
                r_q[i:j] = topk_values(C, k_q).mean(axis=1)
            H = workers.scratch("half", (j - i, n_t))
            np.subtract(C, half_r, out=H)
            if bounds is None:  # r exact: the scores themselves
                idx[i:j], h = _topk_rows(H, topn)
                val[i:j] = 2 * h
                return
            # Pruned: keep each query's best columns by upper bound, best first, their 2 cos,
            # and bounds on the columns outside the shortlist and outside the reserve; all
            # queries are refined together below, so that each pass over the sources serves
            # all of them.
            cols, kth = topk_columns(H, wide)
            h = np.take_along_axis(H, cols, axis=1)
            order = np.argsort(-h, axis=1, kind="stable")
            idx[i:j] = np.take_along_axis(cols, order, axis=1)
            val[i:j] = 2 * np.take_along_axis(C, idx[i:j], axis=1)
            if width < n_t:
                outside[i:j, 0] = 2 * np.take_along_axis(h, order[:, width:width + 1], axis=1)[:, 0]
            if wide < n_t:
                outside[i:j, 1] = 2 * kth

        workers.map(query_block, chunks(n_q, batch))
        if bounds is not None:
            def full_rows(rows, floor):  # on the bounds as tightened by then
                return _columns_reaching(Q, T, bounds.r / 2, rows, floor, workers, batch)

            idx, val = _refine_topn(idx, val, outside, full_rows, bounds, topn)
    return idx, val - r_q[:, None]


def _shortlist_width(topn, n_targets):
    """Columns kept per query after the first pass (see :func:`_refine_topn`): wide enough
    that the answer is rarely outside, narrow enough to refine cheaply."""
    return min(n_targets, 4 * topn + 28)


def _columns_reaching(Q, T, half_r, rows, floor, workers, batch):
    """For each query of ``rows``, every column whose current upper bound ``2 cos - r`` is at
    least ``floor`` (one per row), in column order, and its ``2 cos``; rows padded with
    column 0 and ``-inf``. Returns ``(C, V)`` of shape ``(len(rows), widest)``."""
    found = [None] * len(rows)

    def block(span):
        i, j = span
        C = workers.scratch("cos", (j - i, T.shape[0]))
        np.matmul(Q[rows[i:j]], T.T, out=C)
        H = workers.scratch("half", C.shape)
        np.subtract(C, half_r, out=H)
        r, c = np.nonzero(H >= (floor[i:j] / 2)[:, None])
        cut = np.searchsorted(r, np.arange(j - i + 1))
        two_cos = 2 * C[r, c]
        for a in range(j - i):
            found[i + a] = c[cut[a]:cut[a + 1]], two_cos[cut[a]:cut[a + 1]]

    workers.map(block, chunks(len(rows), batch))
    widest = max([1] + [len(f[0]) for f in found])
    C = np.zeros((len(rows), widest), dtype=np.int64)
    V = np.full((len(rows), widest), -np.inf, dtype=np.float32)
    for a, (c, v) in enumerate(found):
        C[a, :len(c)], V[a, :len(v)] = c, v
    return C, V


def _refine_topn(ranked, ranked_2cos, outside, full_rows, bounds, topn):
    """Top-n by exact CSLS from each query's best columns by upper bound (``ranked``, best
    first; ``ranked_2cos``: their ``2 cos``), of which the first ``_shortlist_width`` are its
    shortlist and the rest a reserve. ``outside[:, 0]`` bounds every column outside the
    shortlist, ``outside[:, 1]`` every column outside both.

    Once a row's top-n are exact and better than the bound outside what was searched, they
    are the answer. Rows where the shortlist fails search their reserve too; rows where that
    fails search their full rows again (``full_rows(rows, floor)``), among the columns whose
    bound still reaches the row's n-th exact score. Returns ``(indices, scores)`` with scores
    ``2 cos - r_t``.
    """
    r_t, level = bounds.r, bounds.level
    width = min(_shortlist_width(topn, len(r_t)), ranked.shape[1])
    short = ranked[:, :width]
    def settle(C, V):
        return _settle(C, V, r_t, level, topn, bounds.upgrade, bounds.gaps, bounds.exact)

    cand, cand_scores = settle(short, ranked_2cos[:, :width])
    # Rows whose n-th exact score does not beat the bound outside: a column outside might
    # still win (or tie with a lower index). All such rows are settled together.
    open_rows = np.flatnonzero(cand_scores[:, -1] <= outside[:, 0])
    if open_rows.size and ranked.shape[1] > width:
        cand[open_rows], cand_scores[open_rows] = settle(ranked[open_rows], ranked_2cos[open_rows])
        open_rows = open_rows[cand_scores[open_rows, -1] <= outside[open_rows, 1]]
    if open_rows.size:  # every column whose bound reaches the n-th score
        C, V = full_rows(open_rows, cand_scores[open_rows, -1])
        # with the columns already ranked, their 2 cos as first computed (a product of other
        # shape may round differently in the last bit)
        C = np.concatenate([ranked[open_rows], C], axis=1)
        V = np.concatenate([ranked_2cos[open_rows], V], axis=1)
        cand[open_rows], cand_scores[open_rows] = settle(C, V)
    return cand, cand_scores


def _settle(C, V, r_t, level, topn, upgrade, gaps=None, exact_level=EXACT):
    """Exact top-n of each row among its candidate columns ``C`` (``V``: their ``2 cos``;
    ``-inf`` pads a row), tightening bounds until the n best by current score are exact.

    A column offered twice in a row counts once, with its first ``2 cos``.

    Each round raises, per open row, the bounds of some of the columns ranked above its n-th
    exact score (its contenders) by one level: those whose upper bound reaches the row's
    likely n-th score, where a column's likely score is its bound lowered by the typical gap
    of its level (``gaps()``: one value per level, e.g. the median gap seen so far; zeros
    when not given), and always the first contender. Few columns are tightened that the
    answer rules out, in few passes over the sources; the gaps only change how fast the
    bounds rise, never the result. ``exact_level``: the level of an exact value (the
    bounds' ``exact``). Ties keep column order. Returns ``(indices, scores)``
    with scores ``2 cos - r_t``.
    """
    if C.shape[1] < topn:  # fewer candidates than places: padding
        C = np.concatenate([C, np.zeros((len(C), topn - C.shape[1]), dtype=C.dtype)], axis=1)
        V = np.concatenate([V, np.full((len(V), topn - V.shape[1]), -np.inf, dtype=V.dtype)], axis=1)
    order = np.argsort(C, axis=1, kind="stable")  # candidates in column order: ties as a full row
    C, V = np.take_along_axis(C, order, axis=1), np.take_along_axis(V, order, axis=1)
    V[:, 1:][C[:, 1:] == C[:, :-1]] = -np.inf  # a column offered twice: its first offer counts
    n = len(C)
    cand = np.empty((n, topn), dtype=np.int64)
    cand_scores = np.empty((n, topn), dtype=np.float32)
    active = np.arange(n)
    while active.size:
        c = C[active]
        cur = V[active] - r_t[c]
        order = np.argsort(-cur, axis=1, kind="stable")
        c, cur = np.take_along_axis(c, order, axis=1), np.take_along_axis(cur, order, axis=1)
        exact = level[c] == exact_level
        cont = ~exact & (np.cumsum(exact, axis=1) < topn) & np.isfinite(cur)
        settled = exact[:, :topn].all(axis=1) | ~cont.any(axis=1)  # (the latter: padding only)
        cand[active[settled]], cand_scores[active[settled]] = c[settled, :topn], cur[settled, :topn]
        open_ = ~settled
        active, c, cur, cont = active[open_], c[open_], cur[open_], cont[open_]
        if active.size:
            g = np.zeros(exact_level + 1, dtype=np.float32) if gaps is None else gaps()
            likely = cur - g[level[c]]
            nth = np.partition(likely, likely.shape[1] - topn, axis=1)[:, -topn]
            first = cur[np.arange(len(cur)), np.argmax(cont, axis=1)]
            cont &= cur >= np.minimum(nth, first)[:, None]
            upgrade(np.unique(c[cont]))
    return cand, cand_scores


#: the methods :func:`retrieve` implements
RETRIEVALS = ("nn", "csls")


def retrieve(Q, T, topn=1, *, method="csls", k=10, sources=None, batch=None):
    """Top-``topn`` targets per query by ``method`` ("nn" or "csls"); see :func:`csls_topk`."""
    if method == "nn":
        return nn_topk(Q, T, topn, batch=batch or DEFAULT_BATCH)
    if method == "csls":
        return csls_topk(Q, T, topn, k=k, sources=sources, batch=batch)
    raise ValueError(f"unknown retrieval method {method!r}; choose 'nn' or 'csls'")
