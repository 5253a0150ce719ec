"""RCSLS: a linear map trained on the relaxed CSLS loss (Joulin et al., EMNLP 2018, "Loss in
translation"), as fastText's ``alignment/align.py`` does it.

For paired (normalised) rows ``x_i``, ``y_i`` and the map ``W`` (mapped source ``x W``)::

    loss(W) = -1/n sum_i [ 2 x_i W . y_i
                           - 1/k sum_{z in N_k(x_i W, Z_tgt)} x_i W . z
                           - 1/k sum_{z in N_k(y_i, Z_src W)} z W . y_i ]

``N_k(q, T)``: the ``k`` rows of ``T`` most similar to ``q`` (the "negatives": the most frequent
words of each side). The loss is CSLS between each pair, relaxed by keeping ``W`` unconstrained
(or in the spectral ball); it is minimised by full-batch gradient descent from the Procrustes
solution, halving the learning rate whenever a step would raise the loss (the step is then
not taken: fastText means to revert, but reverts to an array it has already modified in place).

Nothing ``n x n_vocab`` is kept: similarities are computed a block of pairs at a time, reduced
to the top-k values and the sum of the top-k rows. Full-batch and exact: no random step, so
no seed; the same inputs give the same map.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from .._rowselect import row_topk
from .steps import _check_pairs, procrustes

log = logging.getLogger(__name__)

#: what is done to ``W`` after every gradient step: nothing (fastText's default), the spectral
#: ball (singular values clipped to [0, 1], fastText's ``--model spectral``), or the nearest
#: orthogonal matrix (singular values set to 1)
PROJECTIONS = ("none", "spectral", "orthogonal")

#: fastText's settings (alignment/example.sh: ``--lr 25 --niter 10``; knn 10, maxneg 200000)
RCSLS_DEFAULTS = {"knn": 10, "n_iter": 10, "lr": 25.0, "negatives": 200000, "projection": "none"}

#: the learning rate below which the descent stops (fastText's 1e-4)
MIN_LR = 1e-4

#: bytes of similarities computed at once (a block of pairs x the negatives)
_BLOCK_MEMORY = 128 * 2**20


@dataclass
class RCSLSResult:
    """The fitted map and how the descent went."""

    W: np.ndarray
    losses: list = field(default_factory=list)  # the loss after each accepted step (first: init)
    lr: float = 0.0  # the learning rate at the end
    steps: int = 0  # accepted steps
    scale: float = 1.0  # the mean length of the mapped negatives, divided out of W


def neighbour_terms(Q: np.ndarray, T: np.ndarray, k: int, rows: np.ndarray | None = None
                    ) -> tuple[float, np.ndarray]:
    """For each row ``q`` of ``Q``, its ``k`` most similar rows of ``T`` (dot product):
    the sum over all ``q`` of their similarities, and per ``q`` the sum of the matching rows of
    ``rows`` (default ``T``; ``len(Q) x d``, float64), computed a block of ``Q`` at a time."""
    rows = T if rows is None else rows
    k = min(k, T.shape[0])
    total, sums = 0.0, np.zeros((Q.shape[0], rows.shape[1]), dtype=np.float64)
    block = max(1, _BLOCK_MEMORY // (4 * max(T.shape[0], 1)))
    TT = T.T
    for i in range(0, Q.shape[0], block):
        S = Q[i:i + block] @ TT
        idx, vals = row_topk(S, k)
        total += float(vals.sum(dtype=np.float64))
        sums[i:i + block] = rows[idx].sum(axis=1, dtype=np.float64)
    return total, sums


def loss_and_gradient(W, X_d, Y_d, X_neg, Y_neg, knn):
    """The RCSLS loss at ``W`` and its gradient (d x d, float64) for pairs ``X_d``, ``Y_d``
    and negatives ``X_neg`` (source side, mapped by ``W``) and ``Y_neg`` (target side)."""
    W32 = W.astype(np.float32)
    XW = X_d @ W32
    n = X_d.shape[0]
    fit = 2.0 * float(np.sum(XW * Y_d, dtype=np.float64))
    grad = 2.0 * (X_d.T.astype(np.float64) @ Y_d.astype(np.float64))
    # the target-side neighbourhood of each mapped source word, and the (mapped) source-side
    # neighbourhood of each target word
    f_tgt, sum_tgt = neighbour_terms(XW, Y_neg, knn)
    f_src, sum_src = neighbour_terms(Y_d, X_neg @ W32, knn, rows=X_neg)
    k = min(knn, Y_neg.shape[0]), min(knn, X_neg.shape[0])
    fit -= f_tgt / k[0] + f_src / k[1]
    # d(x W . z)/dW = x^T z: the target neighbours' sums pair with x, the (unmapped) source
    # neighbours' sums with y
    grad -= X_d.T.astype(np.float64) @ sum_tgt / k[0]
    grad -= sum_src.T @ Y_d.astype(np.float64) / k[1]
    return -fit / n, -grad / n


def project(W: np.ndarray, projection: str) -> np.ndarray:
    """``W`` after a step: as it is, in the spectral ball, or the nearest orthogonal matrix."""
    if projection == "none":
        return W
    u, s, vt = np.linalg.svd(W)
    s = np.clip(s, 0.0, 1.0) if projection == "spectral" else np.ones_like(s)
    return (u * s) @ vt


def check_params(knn, n_iter, lr, negatives, projection):
    """Raise ``ValueError`` naming the first parameter out of its range."""
    if projection not in PROJECTIONS:
        raise ValueError(f"projection: {projection!r} is not one of {PROJECTIONS}")
    for name, value, lo in (("knn", knn, 1), ("n_iter", n_iter, 0), ("negatives", negatives, 1)):
        if int(value) != value or value < lo:
            raise ValueError(f"{name}: must be an integer >= {lo}, got {value!r}")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr: must be a positive number, got {lr!r}")


def rcsls(X_d, Y_d, X_all, Y_all, *, knn=10, n_iter=10, lr=25.0, negatives=200000,
          projection="none", W_init=None) -> RCSLSResult:
    """Minimise the RCSLS loss by full-batch gradient descent.

    Parameters
    ----------
    X_d, Y_d : ndarray (n, d)
        Normalised rows of the dictionary pairs (source, target).
    X_all, Y_all : ndarray
        The whole normalised spaces, most frequent words first: their first ``negatives`` rows
        are the neighbourhoods of the loss.
    knn : int
        Neighbourhood size of the loss (CSLS's k).
    n_iter : int
        Gradient steps tried (a step that raises the loss halves the learning rate instead).
    lr : float
        Initial learning rate (fastText's example: 25).
    negatives : int
        The most frequent words of each side that are neighbours (fastText's ``maxneg``).
    projection : {"none", "spectral", "orthogonal"}
        See :data:`PROJECTIONS`.
    W_init : ndarray (d, d), optional
        Start here instead of the Procrustes solution.
    """
    check_params(knn, n_iter, lr, negatives, projection)
    X_d, Y_d = np.asarray(X_d, dtype=np.float32), np.asarray(Y_d, dtype=np.float32)
    _check_pairs(X_d, Y_d, "RCSLS")
    X_neg = np.asarray(X_all[:negatives], dtype=np.float32)
    Y_neg = np.asarray(Y_all[:negatives], dtype=np.float32)
    W = np.asarray(procrustes(X_d, Y_d) if W_init is None else W_init, dtype=np.float64)
    f, g = loss_and_gradient(W, X_d, Y_d, X_neg, Y_neg, knn)
    result = RCSLSResult(W, [f], lr)
    for it in range(1, n_iter + 1):
        if lr < MIN_LR:
            break
        W_new = project(W - lr * g, projection)
        f_new, g_new = loss_and_gradient(W_new, X_d, Y_d, X_neg, Y_neg, knn)
        if f_new > f:  # the loss rose: halve the rate, keep W
            lr /= 2
            log.info("RCSLS step %d: loss would rise to %.4f; learning rate halved to %g", it, f_new, lr)
            continue
        W, f, g = W_new, f_new, g_new
        result.losses.append(f)
        result.steps += 1
        log.info("RCSLS step %d: loss %.4f", it, f)
    # The loss falls without bound as W grows (an unconstrained W scales up): the scale says
    # nothing to cosine retrieval, but a classifier reads the mapped vectors, so the mapped
    # source words are brought back to a mean length of 1, as the normalised target's.
    scale = float(np.mean(np.linalg.norm(X_neg @ W.astype(np.float32), axis=1)))
    result.W, result.lr, result.scale = W / scale if scale > 0 else W, lr, scale
    return result
