"""Per-row selections over similarity matrices: the k largest entries (indices and values) or
their mean, for :mod:`xproj.retrieval`.

Rows of 200,000 similarities are common there; a full ``argpartition`` per row costs more
than the matrix product that made them, so wide rows go through group maxima
(:func:`_best_groups`) and mid-sized ones through a sampled threshold. :func:`row_topk`
(strided blocks) serves self-learning's 20,000-column rows, where it is several times faster
than the threshold selection.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

_GROUP = 256  # columns per group in the selections over wide rows (_best_groups)
_LANES_FROM = 8192  # narrower rows: a plain partition is as fast as _lane_blocks


def _topk_rows(S, k):
    """Indices and values of the k largest entries of each row of S, sorted descending.

    Selection by threshold rather than a full ``argpartition`` (which costs several times
    the matrix product here): the k-th largest value among a sample of columns is a lower
    bound of the row's k-th largest, so ``S >= threshold`` keeps every top-k entry plus a
    few hundred others, which are then sorted. Exact; ties keep column order.
    """
    n, m = S.shape
    k = min(k, m)
    if k == 1 and n:
        idx = np.argmax(S, axis=1)[:, None]
        return idx, np.take_along_axis(S, idx, axis=1)
    if n and -(-m // _GROUP) > max(8 * k, 64):
        return _topk_rows_by_groups(S, k)
    # About 32 k survivors per row expected: the sample grows with the row width.
    sample = min(m, max(64 * k, 1024, m // 32))
    if n == 0 or sample >= m // 4:
        return _topk_rows_partition(S, k)
    # A strided sample: the first columns (most frequent words) are not representative.
    sub = S[:, :: m // sample][:, :sample]
    th = np.partition(sub, sample - k, axis=1)[:, sample - k]
    mask = S >= th[:, None]
    expected = k * m // sample
    if np.count_nonzero(mask) > 8 * expected * n + 4 * m:  # many ties (e.g. zero rows): fall back
        return _topk_rows_partition(S, k)
    rows, cols = np.nonzero(mask)
    vals = S[rows, cols]
    order = np.lexsort((-vals, rows))
    cols, vals = cols[order], vals[order]
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n)[:-1], out=starts[1:])
    sel = starts[:, None] + np.arange(k)[None, :]
    return cols[sel], vals[sel]


def _first_k(vals, k):
    """Positions of k entries of each row of ``vals``, in column order: those above the row's
    k-th largest value and, of those equal to it, the first in column order (the tie rule of
    the selections here: the lower column wins). NaN counts as ``-inf``."""
    n, w = vals.shape
    if k == 0:
        return np.empty((n, 0), dtype=np.int64)
    kth = np.partition(vals, w - k, axis=1)[:, w - k, None]
    above, ties = vals > kth, vals == kth
    need = k - np.count_nonzero(above, axis=1)
    keep = above | (ties & (np.cumsum(ties, axis=1, dtype=np.int32) <= need[:, None]))
    found = np.nonzero(keep)
    if found[0].size != n * k:  # NaN entries (sorted last by partition, equal to nothing)
        return _first_k(np.where(np.isnan(vals), np.float32(-np.inf), vals), k)
    return found[1].reshape(n, k)


def _best_groups(S, k):
    """Columns of the ``k`` groups of ``_GROUP`` columns with the largest maxima, per row, in
    column order, and their values (-inf past the last column).

    A row's k largest entries all lie in these groups: a group outside has its maximum below
    k distinct larger entries (the other groups' maxima). Of groups whose maxima tie at the
    k-th place the first are kept, so that of entries tied at a row's k-th value the first in
    column order are among them (ahead of a tied group left out are at least as many tied
    groups kept as places left). One fast max-reduction and a gather replace a selection
    over the whole row.
    """
    n, m = S.shape
    group_max = np.maximum.reduceat(S, np.arange(0, m, _GROUP), axis=1)
    best = _first_k(group_max, k)
    cols = ((best * _GROUP)[:, :, None] + np.arange(_GROUP)).reshape(n, -1)
    vals = np.take_along_axis(S, np.minimum(cols, m - 1), axis=1)
    vals[cols >= m] = -np.inf  # past the last, partial group
    return cols, vals


def _topk_rows_by_groups(S, k):
    """:func:`_topk_rows` for wide rows, through :func:`_best_groups`. Exact; ties keep column
    order (argpartition alone would pick them arbitrarily)."""
    cols, vals = _best_groups(S, k)
    pos = _first_k(vals, k)
    top = np.take_along_axis(vals, pos, axis=1)
    order = np.argsort(-top, axis=1, kind="stable")
    return np.take_along_axis(np.take_along_axis(cols, pos, axis=1), order, axis=1), \
        np.take_along_axis(top, order, axis=1)


def _topk_mean_rows(S, k):
    """Mean of the k largest entries of each row of S (values only, no indices).

    Wide rows go through :func:`_best_groups`: several times faster than :func:`_topk_rows`'
    threshold selection on 200,000 columns. Ties at the k-th value may swap equal entries,
    which leaves the mean unchanged.
    """
    n, m = S.shape
    k = min(k, m)
    if k == 0:
        return S.mean(axis=1)  # no columns: nan, as before
    if -(-m // _GROUP) <= max(2 * k, 64) or n == 0:  # short rows: a plain partition is faster
        return np.partition(S, m - k, axis=1)[:, m - k:].mean(axis=1)
    vals = _best_groups(S, k)[1]
    width = vals.shape[1]
    return np.partition(vals, width - k, axis=1)[:, width - k:].mean(axis=1)


def _topk_rows_partition(S, k):
    """:func:`_topk_rows` by a partition of whole rows (narrow rows, or many ties); ties keep
    column order. A block of rows at a time: :func:`_first_k` keeps a count per entry."""
    n, m = S.shape
    if k == 0:
        return np.empty((n, 0), dtype=np.int64), np.empty((n, 0), dtype=S.dtype)
    if k == m:
        idx = np.argsort(-S, axis=1, kind="stable")
        return idx, np.take_along_axis(S, idx, axis=1)
    idx = np.empty((n, k), dtype=np.int64)
    step = max(1, 2**22 // max(m, 1))
    for a in range(0, n, step):
        block = S[a:a + step]
        part = np.argpartition(-block, k - 1, axis=1)[:, :k]
        kth = np.take_along_axis(block, part, axis=1).min(axis=1, keepdims=True)
        # argpartition keeps any of the entries tied at the k-th value: where some were left
        # out (rare but for ties), the first in column order instead
        left_out = np.count_nonzero(block >= kth, axis=1) > k
        if left_out.any():
            part[left_out] = _first_k(block[left_out], k)
        part.sort(axis=1)  # column order, kept among equal values by the stable sort below
        order = np.argsort(-np.take_along_axis(block, part, axis=1), axis=1, kind="stable")
        idx[a:a + step] = np.take_along_axis(part, order, axis=1)
    return idx, np.take_along_axis(S, idx, axis=1)


def row_topk(S: np.ndarray, k: int, lanes_per_block: int = 16):
    """Exact top-``k`` (indices, values; best first) of each row of ``S``.

    Columns are dealt into ``m / 16`` strided blocks (``c``, ``c + L``, ``c + 2L``...); the k
    largest entries of a row lie in the k blocks of largest maximum (a block holding none of
    them has a smaller maximum than each block that does), so a cheap block maximum, a top-k
    over ``m / 16`` block maxima and a top-k over ``16 k`` candidates replace a partition of
    the whole row (about 6x faster than the threshold selection of :func:`_topk_rows` at
    k = 10, 20,000 columns).
    """
    b, m = S.shape
    k = min(k, m)
    q = lanes_per_block
    L = m // q
    if k * 4 > L:
        part = np.argpartition(-S, k - 1, axis=1)[:, :k]
        vals = np.take_along_axis(S, part, axis=1)
    else:
        block_max = S[:, : q * L].reshape(b, q, L).max(axis=1)
        blocks = np.argpartition(-block_max, k - 1, axis=1)[:, :k]
        cand = (np.arange(q)[None, :, None] * L + blocks[:, None, :]).reshape(b, -1)
        if m > q * L:  # the last m mod q columns are in no block: always candidates
            tail = np.broadcast_to(np.arange(q * L, m), (b, m - q * L))
            cand = np.concatenate([cand, tail], axis=1)
        cand_vals = np.take_along_axis(S, cand, axis=1)
        sel = np.argpartition(-cand_vals, k - 1, axis=1)[:, :k]
        part = np.take_along_axis(cand, sel, axis=1)
        vals = np.take_along_axis(cand_vals, sel, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(vals, order, axis=1)


def _lane_blocks(S, k, max_lanes=64):
    """Candidate columns of the k largest entries of each row of ``S`` (C-contiguous rows):
    the ``L = m // q`` strided blocks ``{b, b + L, b + 2L, ...}`` (``q`` columns each) with the
    k largest maxima, plus the last ``m - qL`` columns, which are in no block.

    The k largest values of a row all lie there: an entry of a block left out is at most its
    block's maximum, which is at most each of the k chosen blocks' maxima (k distinct entries).
    One streaming max over the row (the strided view reduces whole contiguous runs of ``L``
    columns at once) replaces a selection over it. Returns ``(cols, vals)`` of shape
    ``(n, q k + m - q L)``, or ``None`` when the rows are too short to gain anything.
    """
    n, m = S.shape
    q = min(max_lanes, m // (8 * max(k, 1)))  # at least 8 k blocks, so that few are read
    if q < 4 or m < _LANES_FROM or n == 0 or S.strides[1] != S.itemsize:
        return None
    L = m // q
    view = as_strided(S, (n, q, L), (S.strides[0], L * S.strides[1], S.strides[1]), writeable=False)
    block_max = view.max(axis=1)
    blocks = np.argpartition(block_max, L - k, axis=1)[:, L - k:]
    cols = (blocks[:, None, :] + (np.arange(q) * L)[None, :, None]).reshape(n, q * k)
    if m > q * L:
        cols = np.concatenate([cols, np.broadcast_to(np.arange(q * L, m), (n, m - q * L))], axis=1)
    return cols, np.take_along_axis(S, cols, axis=1)


def topk_values(S, k):
    """The k largest entries of each row of ``S``, ascending, shape ``(n, min(k, m))``: exact.

    Sorted so that their mean does not depend on how they were found (CSLS's ``r``; the
    same float32 sum as ``np.sort(S, axis=1)[:, -k:].mean(axis=1)``). Wide rows go through
    :func:`_lane_blocks`.
    """
    n, m = S.shape
    k = min(k, m)
    found = _lane_blocks(S, k) if k else None
    vals = S if found is None else found[1]
    w = vals.shape[1]
    return np.sort(np.partition(vals, w - k, axis=1)[:, w - k:], axis=1)


def topk_columns(S, k):
    """Columns of the k largest entries of each row of ``S`` (in no particular order) and
    the k-th largest value of each row, which bounds every other column: shape ``(n, k)``
    and ``(n,)``. Of equal values at the k-th place, any may be kept."""
    n, m = S.shape
    k = min(k, m)
    found = _lane_blocks(S, k)
    cols, vals = (np.broadcast_to(np.arange(m), (n, m)), S) if found is None else found
    pos = np.argpartition(vals, vals.shape[1] - k, axis=1)[:, vals.shape[1] - k:]
    top = np.take_along_axis(vals, pos, axis=1)
    return np.take_along_axis(cols, pos, axis=1), top.min(axis=1)
