"""Active learning simulated with a known oracle: does asking people about the documents the
model is least sure of pay, and after how many labels?

A labelled target pool plays the annotator: its labels are hidden behind an :class:`Oracle`
and revealed only for the documents a query strategy asks about. From 0 to ``budget``
labels, in rounds of ``batch``, the model is retrained in few-shot mode (the source training
set plus every revealed target label, optionally plus pseudo-labels on the rest of the
pool) and scored on a labelled dev set. :func:`simulate_active_learning` returns the
learning curves as a tidy table, one row per (strategy, seed, number of labels).

What a seed changes: the pool (``pool_size`` documents drawn from the labelled pool, when
given), the order of ``random`` and the k-means of ``diverse``. With the whole pool and a
deterministic model, the uncertainty strategies give the same curve for every seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral

import numpy as np

from ._learner import fit_few_shot, macro_f1, predict_proba, take
from .pseudo import _check_options, pseudo_label
from .strategies import STRATEGIES, select


class Oracle:
    """Hidden labels of a pool, revealed on request, each at most once.

    Parameters
    ----------
    labels : array (n_documents,)
        The true labels; document ``i`` of the pool is id ``i``.

    Examples
    --------
    >>> oracle = Oracle([1, 0, 1])
    >>> oracle.reveal([2, 0]).tolist()
    [1, 1]
    >>> oracle.revealed.tolist(), oracle.n_revealed
    ([2, 0], 2)
    """

    def __init__(self, labels):
        self._labels = np.asarray(labels)
        self._asked = np.zeros(self._labels.shape[0], dtype=bool)
        self._order = []

    def __len__(self):
        return self._labels.shape[0]

    def reveal(self, ids) -> np.ndarray:
        """The labels of ``ids``; raises ``ValueError`` for an id outside the pool or asked
        before (nothing is revealed then)."""
        ids = np.asarray(ids)
        if ids.size and not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"oracle: ids must be integers, got {ids.dtype}")
        ids = ids.astype(np.int64).ravel()
        unknown = ids[(ids < 0) | (ids >= len(self))]
        if unknown.size:
            raise ValueError(f"oracle: unknown id {int(unknown[0])} (the pool has ids 0..{len(self) - 1})")
        uniq, counts = np.unique(ids, return_counts=True)
        repeated = np.concatenate([ids[self._asked[ids]], uniq[counts > 1]])
        if repeated.size:
            first = int(repeated[0])
            raise ValueError(f"oracle: id {first} was already asked for; each label is revealed once")
        self._asked[ids] = True
        self._order.extend(ids.tolist())
        return self._labels[ids]

    @property
    def revealed(self) -> np.ndarray:
        """Ids revealed so far, in the order they were asked for."""
        return np.asarray(self._order, dtype=np.int64)

    @property
    def n_revealed(self) -> int:
        return len(self._order)

    def hidden(self) -> np.ndarray:
        """Ids not revealed yet, in increasing order."""
        return np.flatnonzero(~self._asked)


@dataclass
class Simulation:
    """What :func:`simulate_active_learning` returns.

    Attributes
    ----------
    records : list of dict
        The tidy table: ``strategy``, ``seed``, ``n_labels``, ``macro_f1`` (dev), ``n_pseudo``.
    final_models : dict
        ``(strategy, seed) -> `` the model at the last point of that curve (to report a
        test figure for the final points only).
    """

    records: list = field(default_factory=list)
    final_models: dict = field(default_factory=dict)


def _check(budget, batch, strategies, seeds, pool_size, pseudo):
    if not isinstance(batch, Integral) or batch <= 0:
        raise ValueError(f"batch: must be an integer >= 1, got {batch!r}")
    if not isinstance(budget, Integral) or budget < 0:
        raise ValueError(f"budget: must be an integer >= 0, got {budget!r}")
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown or not strategies:
        raise ValueError(f"strategies: unknown {unknown or 'none given'}; choose from {list(STRATEGIES)}")
    if not len(seeds):
        raise ValueError("seeds: give at least one seed")
    if pool_size is not None and (not isinstance(pool_size, Integral) or pool_size < 1):
        raise ValueError(f"pool_size: must be an integer >= 1, got {pool_size!r}")
    if pseudo:
        unknown = set(pseudo) - {"threshold", "top_k_per_class"}
        if unknown:
            raise ValueError(f"pseudo: unknown option(s) {sorted(unknown)}; give threshold and/or top_k_per_class")
        _check_options(pseudo.get("threshold"), pseudo.get("top_k_per_class"))


def simulate_active_learning(model_factory, X_src, y_src, X_pool, y_pool, X_dev, y_dev, *, lang=None,
                             strategies=STRATEGIES, seeds=(0, 1, 2), budget=500, batch=50, pool_size=None,
                             pseudo=None, vectors=None, fit_params=None) -> Simulation:
    """Learning curves (dev macro-F1 against the number of revealed labels), per strategy
    and seed.

    Parameters
    ----------
    model_factory : callable
        Returns a new unfitted, seeded model; retrained every round (keep it cheap: e.g. the
        classifier head on cached features, ``lang=None``).
    X_src, y_src : the source training documents (or feature rows) and labels.
    X_pool, y_pool : the labelled target pool; ``y_pool`` goes behind an :class:`Oracle`.
    X_dev, y_dev : labelled target dev documents every round is scored on.
    lang : str, optional
        Target language for a :class:`~xproj.model.CrossLingualClassifier`; ``None`` for a
        classifier on feature rows.
    strategies : names from :data:`~xproj.loop.strategies.STRATEGIES`
    seeds : sequence of int
    budget : int >= 0
        Stop after this many labels (or when the pool is exhausted).
    batch : int >= 1
        Labels asked for per round.
    pool_size : int, optional
        Per seed, draw this many documents of the pool (default: all of it).
    pseudo : dict, optional
        ``threshold`` and/or ``top_k_per_class`` (:func:`~xproj.loop.pseudo.pseudo_label`):
        each round the current model also pseudo-labels the still hidden documents.
    vectors : array (n_pool, d), optional
        Document vectors for ``diverse`` (default: ``X_pool`` when it is a feature matrix).
    fit_params : dict, optional
        Passed to every ``fit``.

    Returns
    -------
    Simulation
    """
    _check(budget, batch, strategies, seeds, pool_size, pseudo)
    if len(X_pool) != len(y_pool):
        raise ValueError(f"X_pool has {len(X_pool)} documents but y_pool {len(y_pool)} labels")
    if vectors is None and lang is None:
        vectors = np.asarray(X_pool)
    result = Simulation()
    zero = fit_few_shot(model_factory, X_src, y_src, take(X_pool, []), [], lang, fit_params)
    zero_f1 = macro_f1(zero, X_dev, y_dev, lang)
    for seed in seeds:
        pool = _draw_pool(len(y_pool), pool_size, seed)
        for strategy in strategies:
            run = _Run(model_factory, X_src, y_src, take(X_pool, pool), np.asarray(y_pool)[pool], lang,
                       None if vectors is None else np.asarray(vectors)[pool], pseudo, fit_params)
            model = zero
            result.records.append(_row(strategy, seed, 0, zero_f1, 0))
            for round_ in range(1, budget // batch + (budget % batch > 0) + 1):
                n = min(batch, budget - run.oracle.n_revealed)
                if n <= 0 or not run.oracle.hidden().size:
                    break
                model = run.step(model, strategy, n, seed * 100003 + round_)
                f1 = macro_f1(model, X_dev, y_dev, lang)
                result.records.append(_row(strategy, seed, run.oracle.n_revealed, f1, run.n_pseudo))
            result.final_models[(strategy, seed)] = model
    return result


def _row(strategy, seed, n_labels, f1, n_pseudo):
    return {"strategy": strategy, "seed": int(seed), "n_labels": int(n_labels), "macro_f1": float(f1),
            "n_pseudo": int(n_pseudo)}


def _draw_pool(n, pool_size, seed) -> np.ndarray:
    if pool_size is None or pool_size >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, pool_size, replace=False))


class _Run:
    """One learning curve: an oracle over the pool and the labels gathered so far."""

    def __init__(self, model_factory, X_src, y_src, X_pool, y_pool, lang, vectors, pseudo, fit_params):
        self.factory, self.X_src, self.y_src, self.X_pool = model_factory, X_src, y_src, X_pool
        self.lang, self.vectors, self.pseudo, self.fit_params = lang, vectors, pseudo, fit_params
        self.oracle = Oracle(y_pool)
        self.labels = np.empty(0, dtype=np.asarray(y_pool).dtype)
        self.n_pseudo = 0

    def step(self, model, strategy, n, seed):
        """Ask for ``n`` labels chosen by ``strategy`` from ``model``'s view, retrain."""
        hidden = self.oracle.hidden()
        P = predict_proba(model, take(self.X_pool, hidden), self.lang)
        V = None if self.vectors is None else self.vectors[hidden]
        asked = hidden[select(P, n, strategy, vectors=V, seed=seed)]
        self.labels = np.concatenate([self.labels, self.oracle.reveal(asked)])
        ids, labels = self.oracle.revealed, self.labels
        if self.pseudo:
            still = ~np.isin(hidden, asked)
            idx, guessed = pseudo_label(P[still], classes=model.classes_, **self.pseudo)
            ids, labels = np.concatenate([ids, hidden[still][idx]]), np.concatenate([labels, guessed])
            self.n_pseudo = int(idx.size)
        return fit_few_shot(self.factory, self.X_src, self.y_src, take(self.X_pool, ids), labels, self.lang,
                            self.fit_params)
