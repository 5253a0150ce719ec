"""Pseudo-labels and self-training: the model's confident predictions on unlabelled target
documents become target-language training examples.

:func:`pseudo_label` picks the confident documents of one prediction (a confidence
threshold, or the ``k`` most confident per predicted class so that one class does not
swamp the other); :func:`self_train` repeats predict -> pick -> retrain until ``rounds`` are
done or no new document passes, and records each round.

Why not only scikit-learn's :class:`~sklearn.semi_supervised.SelfTrainingClassifier`? With
the threshold criterion on a plain feature matrix, :func:`self_train` picks the same
documents in the same rounds (a test checks it), and that class is the simpler choice there.
:func:`self_train` is needed for what it cannot do: a
:class:`~xproj.model.CrossLingualClassifier` whose target documents must travel with their
language (``fit(..., extra=[(X, y, lang)])``), class-balanced top-k per class (its
``k_best`` is global, so the majority class takes everything), and per-round records
(pseudo-label accuracy when the true labels are known, target dev macro-F1).

Examples
--------
>>> import numpy as np
>>> proba = np.array([[0.95, 0.05], [0.6, 0.4], [0.2, 0.8], [0.1, 0.9]])
>>> idx, labels = pseudo_label(proba, threshold=0.8)
>>> idx.tolist(), labels.tolist()
([0, 2, 3], [0, 1, 1])
>>> idx, labels = pseudo_label(proba, top_k_per_class=1)
>>> idx.tolist(), labels.tolist()
([0, 3], [0, 1])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np

from ._learner import fit_few_shot, macro_f1, predict_proba, take


def _check_options(threshold, top_k_per_class):
    if threshold is None and top_k_per_class is None:
        raise ValueError("pseudo_label: give threshold or top_k_per_class (or both)")
    if threshold is not None and (not isinstance(threshold, Real) or not 0 < threshold <= 1):
        raise ValueError(f"threshold: must be in (0, 1], got {threshold!r}")
    if top_k_per_class is not None and (not isinstance(top_k_per_class, Integral) or top_k_per_class < 1):
        raise ValueError(f"top_k_per_class: must be an integer >= 1, got {top_k_per_class!r}")


def pseudo_label(proba, threshold=None, top_k_per_class=None, classes=None):
    """The documents confident enough to become pseudo-labels, and their labels.

    Parameters
    ----------
    proba : array (n_documents, n_classes)
        Class probabilities of the unlabelled documents.
    threshold : float in (0, 1], optional
        Keep documents whose top probability is at least ``threshold``.
    top_k_per_class : int >= 1, optional
        Keep, for each predicted class, the ``k`` documents most confidently predicted as it
        (after the threshold when both are given): classes stay balanced.
    classes : array, optional
        Label of each column (a model's ``classes_``); default: the column indices.

    Returns
    -------
    indices : ndarray of int
        Rows of ``proba`` kept, in increasing order.
    labels : ndarray
        Their predicted labels.
    """
    _check_options(threshold, top_k_per_class)
    P = np.asarray(proba, dtype=np.float64)
    if P.ndim != 2 or P.shape[1] < 2:
        raise ValueError(f"class probabilities must be a (documents, classes >= 2) matrix, got shape {P.shape}")
    confidence, predicted = P.max(axis=1), P.argmax(axis=1)
    keep = np.ones(P.shape[0], dtype=bool) if threshold is None else confidence >= threshold
    if top_k_per_class is not None:
        balanced = np.zeros_like(keep)
        for c in range(P.shape[1]):
            members = np.flatnonzero(keep & (predicted == c))
            # most confident first, ties by position
            order = members[np.lexsort((members, -confidence[members]))]
            balanced[order[:top_k_per_class]] = True
        keep = balanced
    indices = np.flatnonzero(keep)
    labels = predicted[indices] if classes is None else np.asarray(classes)[predicted[indices]]
    return indices, labels


@dataclass
class SelfTraining:
    """What :func:`self_train` returns.

    Attributes
    ----------
    model : fitted classifier (the last round's)
    records : list of dict
        One per round (round 0 = the model without pseudo-labels): ``round``, ``new``
        (pseudo-labels added this round), ``n_pseudo`` (in total), ``accuracy`` (of all
        pseudo-labels so far, when the true labels were given), ``dev_macro_f1`` (when a dev
        set was given).
    indices, labels : ndarray
        The pseudo-labelled documents (rows of ``X_unlab``) and their labels, in the order
        they were added.
    stopped : str
        ``"rounds"``, ``"no new document"`` or ``"all labelled"``.
    """

    model: object
    records: list = field(default_factory=list)
    indices: np.ndarray = None
    labels: np.ndarray = None
    stopped: str = "rounds"


def self_train(model_factory, X_src, y_src, X_unlab, lang=None, rounds=5, *, threshold=None,
               top_k_per_class=None, y_unlab=None, dev=None, fit_params=None) -> SelfTraining:
    """Self-training from source labels: predict the unlabelled target documents, keep the
    confident ones (:func:`pseudo_label`) as target examples, retrain; repeat.

    A pseudo-label, once given, is kept (as in scikit-learn's ``SelfTrainingClassifier``);
    each round only looks at documents without one. The loop stops after ``rounds`` rounds,
    or earlier when no new document passes or every document has a pseudo-label.

    Parameters
    ----------
    model_factory : callable
        Returns a new unfitted model (seed it: the loop is then deterministic).
    X_src, y_src : source documents (or feature rows) and labels.
    X_unlab : unlabelled target documents (or feature rows).
    lang : str, optional
        The target language for a :class:`~xproj.model.CrossLingualClassifier`; ``None`` for
        a plain classifier on feature rows.
    rounds : int >= 0
    threshold, top_k_per_class : see :func:`pseudo_label`.
    y_unlab : array, optional
        True labels of ``X_unlab``, used only to report the pseudo-labels' accuracy.
    dev : (X, y), optional
        Labelled target dev documents: each round's macro-F1 on them is recorded.
    fit_params : dict, optional
        Passed to every ``fit`` (e.g. ``unlabelled={lang: docs}`` so the target statistics
        do not change with the pseudo-labelled documents).

    Returns
    -------
    SelfTraining
    """
    _check_options(threshold, top_k_per_class)
    if not isinstance(rounds, Integral) or rounds < 0:
        raise ValueError(f"rounds: must be an integer >= 0, got {rounds!r}")
    n = len(X_unlab)
    if y_unlab is not None and len(y_unlab) != n:
        raise ValueError(f"y_unlab: {len(y_unlab)} labels for {n} unlabelled documents")
    chosen, labels = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.asarray(y_src).dtype)

    def fit():
        return fit_few_shot(model_factory, X_src, y_src, take(X_unlab, chosen), labels, lang, fit_params)

    def record(round_, model, new):
        row = {"round": round_, "new": int(new), "n_pseudo": int(chosen.size), "accuracy": None,
               "dev_macro_f1": None}
        if y_unlab is not None and chosen.size:
            row["accuracy"] = float(np.mean(np.asarray(y_unlab)[chosen] == labels))
        if dev is not None:
            row["dev_macro_f1"] = macro_f1(model, dev[0], dev[1], lang)
        return row

    model = fit()
    result = SelfTraining(model, [record(0, model, 0)])
    for round_ in range(1, rounds + 1):
        remaining = np.setdiff1d(np.arange(n), chosen)
        if remaining.size == 0:
            result.stopped = "all labelled"
            break
        P = predict_proba(model, take(X_unlab, remaining), lang)
        idx, new_labels = pseudo_label(P, threshold, top_k_per_class, classes=model.classes_)
        if idx.size == 0:
            result.stopped = "no new document"
            break
        chosen = np.concatenate([chosen, remaining[idx]])
        labels = np.concatenate([labels, new_labels])
        model = fit()
        result.records.append(record(round_, model, idx.size))
    result.model, result.indices, result.labels = model, chosen, labels
    return result
