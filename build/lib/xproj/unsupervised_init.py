"""An initial dictionary with no bilingual data: similarity distributions across languages.

Artetxe, Labaka and Agirre (ACL 2018, VecMap ``--unsupervised``): two spaces of translation
equivalents are isometric up to noise, so a word's similarities to the other words of its own
language have about the same *distribution* as its translation's similarities to the other
words of the other language. The rows of the intra-lingual similarity matrices are not
aligned (the words differ), but sorted they are comparable. For the ``n`` most frequent
words of each side:

1. ``M = sqrt(X X^T)`` (VecMap's "sqrt" variant: the square root flattens the distribution
   and worked best in the paper); with ``X = U S V^T``, ``sqrt(X X^T) = U S U^T``, so an SVD
   of the ``n x d`` matrix gives it without an ``n x n`` eigen-decomposition;
2. each row sorted, then normalised ``unit,center,unit`` (as the vectors);
3. CSLS nearest neighbours between the two sets of sorted rows, in both directions (union).

The result is a noisy dictionary (a few percent right on real vectors) that self-learning
(:mod:`xproj.self_learning`) then improves. Deterministic: no random step.
"""

from __future__ import annotations

import numpy as np

from .retrieval import topk_mean
from .vectors import normalize


def similarity_signatures(X, n: int) -> np.ndarray:
    """Sorted rows of ``sqrt(X[:n] X[:n]^T)``, normalised ``unit,center,unit``; float32 (n, n)."""
    U, s, _ = np.linalg.svd(np.asarray(X[:n], dtype=np.float64), full_matrices=False)
    M = ((U * s) @ U.T).astype(np.float32)
    M.sort(axis=1)
    return normalize(M, "unit,center,unit")


def initial_dictionary(X, Z, n: int = 4000, *, csls_k: int = 10, direction: str = "union"):
    """Translation pairs ``(src_rows, tgt_rows)`` among the ``n`` most frequent words of each
    side, from their similarity signatures.

    Parameters
    ----------
    X, Z : arrays (n_words, d)
        Normalised source and target vectors, most frequent words first.
    n : int
        Words of each side used (VecMap's ``--unsupervised_vocab``, 4,000); cut to the smaller
        vocabulary.
    csls_k : int
        CSLS neighbourhood (0 = plain nearest neighbours).
    direction : {"union", "forward", "backward"}
        ``union`` keeps every source word's and every target word's best match.

    Returns
    -------
    src_rows, tgt_rows : int64 arrays
    """
    n = int(min(n, len(X), len(Z)))
    xs = similarity_signatures(X, n)
    zs = similarity_signatures(Z, n)
    sim = xs @ zs.T  # n x n: 64 MB at n = 4,000
    if csls_k > 0:
        k = min(csls_k, n)
        # Both halves of CSLS's penalty; each row's argmax is the same as with full CSLS.
        sim -= topk_mean(xs, zs, k)[:, None] / 2 + topk_mean(zs, xs, k)[None, :] / 2
    fwd = np.argmax(sim, axis=1)
    bwd = np.argmax(sim, axis=0)
    rows = np.arange(n)
    if direction == "forward":
        return rows, fwd
    if direction == "backward":
        return bwd, rows
    if direction == "union":
        return np.concatenate([rows, bwd]), np.concatenate([fwd, rows])
    raise ValueError(f"direction: unknown value {direction!r}; choose union, forward or backward")


def mutual_fraction(fwd, bwd) -> float:
    """Fraction of source rows ``i`` whose best target ``fwd[i]`` has ``i`` as its best
    source (``bwd[fwd[i]] == i``): how often the two directions of an induction agree."""
    fwd, bwd = np.asarray(fwd), np.asarray(bwd)
    if not len(fwd):
        return 0.0
    return float(np.mean(bwd[fwd] == np.arange(len(fwd))))
