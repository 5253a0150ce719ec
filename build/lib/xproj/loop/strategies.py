"""Which unlabelled documents to ask people about: active-learning query strategies by name.

Every strategy ranks the pool from the model's class probabilities (and, for ``diverse``,
the documents' vectors) and returns the indices of the ``n`` documents to label, best first.
Ties are broken by pool position, so the same probabilities give the same queue; the only
random steps (``random``, the k-means of ``diverse``) take a seed.

- ``random``: the baseline every other strategy must beat;
- ``least-confidence``: the lowest top-class probability (Lewis and Gale 1994);
- ``margin``: the smallest gap between the two most probable classes (Scheffer et al. 2001);
- ``entropy``: the highest entropy of the class distribution (Settles 2009, sec. 3.1);
- ``diverse``: margin uncertainty within k-means clusters of the document vectors: the
  ``candidates_per_query * n`` most uncertain documents are clustered into ``n`` groups and
  the most uncertain of each group is taken, so a batch is not ``n`` near-duplicates
  (in the spirit of Zhdanov 2019, "Diverse mini-batch active learning").

Examples
--------
>>> import numpy as np
>>> proba = np.array([[0.9, 0.1], [0.55, 0.45], [0.6, 0.4], [0.99, 0.01]])
>>> select(proba, 2, "margin").tolist()
[1, 2]
>>> uncertainty(proba, "least-confidence").round(2).tolist()
[0.1, 0.45, 0.4, 0.01]
"""

from __future__ import annotations

import numpy as np

#: Query strategies (``xproj label-queue --strategy``, the loop's simulations); ``random`` is the baseline.
STRATEGIES = ("least-confidence", "margin", "entropy", "diverse", "random")
#: Documents considered per query by ``diverse`` (the most uncertain ones are clustered).
CANDIDATES_PER_QUERY = 10


def _check_proba(proba) -> np.ndarray:
    P = np.asarray(proba, dtype=np.float64)
    if P.ndim != 2 or P.shape[1] < 2:
        raise ValueError(f"class probabilities must be a (documents, classes >= 2) matrix, got shape {P.shape}")
    if P.size and (not np.all(np.isfinite(P)) or P.min() < 0):
        raise ValueError("class probabilities must be finite and non-negative")
    return P


def uncertainty(proba, strategy: str) -> np.ndarray:
    """How unsure the model is about each document (higher = ask first).

    ``least-confidence``: ``1 - max p``; ``margin`` and ``diverse``: ``1 - (p_1 - p_2)`` for
    the two largest probabilities; ``entropy``: ``-sum p log p`` (natural log).
    """
    P = _check_proba(proba)
    if strategy == "least-confidence":
        return 1.0 - P.max(axis=1)
    if strategy in ("margin", "diverse"):
        top2 = np.sort(P, axis=1)[:, -2:]
        return 1.0 - (top2[:, 1] - top2[:, 0])
    if strategy == "entropy":
        with np.errstate(divide="ignore", invalid="ignore"):
            return -np.where(P > 0, P * np.log(P), 0.0).sum(axis=1)
    raise ValueError(f"no uncertainty for strategy {strategy!r}; uncertainty strategies: "
                     f"{[s for s in STRATEGIES if s != 'random']}")


def _most_uncertain(u: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` largest values of ``u``; ties by position (stable)."""
    order = np.lexsort((np.arange(u.size), -u))
    return order[:n]


def select(proba, n: int, strategy: str = "margin", *, vectors=None, seed: int = 0,
           candidates_per_query: int = CANDIDATES_PER_QUERY) -> np.ndarray:
    """The pool positions of the ``n`` documents to label next, best first.

    Parameters
    ----------
    proba : array (n_documents, n_classes)
        The current model's class probabilities for the unlabelled pool.
    n : int
        How many to query (all of the pool when it is smaller).
    strategy : one of :data:`STRATEGIES`
    vectors : array (n_documents, d), optional
        Document vectors; needed by ``diverse`` only.
    seed : int
        Seed of ``random`` and of the k-means of ``diverse``.

    Returns
    -------
    ndarray of int
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown query strategy {strategy!r}; choose one of {list(STRATEGIES)}")
    if n < 0:
        raise ValueError(f"the number of documents to query must be >= 0, got {n}")
    P = _check_proba(proba)
    n = min(int(n), P.shape[0])
    if n == 0:
        return np.empty(0, dtype=np.int64)
    if strategy == "random":
        return np.random.default_rng(seed).permutation(P.shape[0])[:n].astype(np.int64)
    u = uncertainty(P, strategy)
    if strategy != "diverse" or n == 1:
        return _most_uncertain(u, n).astype(np.int64)
    if vectors is None:
        raise ValueError("the 'diverse' strategy needs the documents' vectors")
    V = np.asarray(vectors, dtype=np.float64)
    if V.ndim != 2 or V.shape[0] != P.shape[0]:
        raise ValueError(f"vectors must have one row per document ({P.shape[0]}), got shape {V.shape}")
    return _diverse(u, V, n, seed, candidates_per_query)


def _diverse(u, V, n, seed, candidates_per_query) -> np.ndarray:
    from sklearn.cluster import KMeans

    cand = _most_uncertain(u, min(u.size, max(n, candidates_per_query * n)))
    if cand.size <= n:
        return cand.astype(np.int64)
    labels = KMeans(n_clusters=n, n_init=1, random_state=seed).fit_predict(V[cand])
    # the most uncertain member of each cluster (cand is sorted by uncertainty, then position)
    _, first = np.unique(labels, return_index=True)
    picked = cand[np.sort(first)]
    if picked.size < n:  # k-means left clusters empty (duplicate vectors): top up by uncertainty
        rest = cand[~np.isin(cand, picked)]
        picked = np.concatenate([picked, rest[: n - picked.size]])
    return picked.astype(np.int64)
