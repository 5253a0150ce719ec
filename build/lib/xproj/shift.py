"""Label shift: the target's class balance differs from the source's.

A classifier's posteriors ``p_s(y|x)`` are tied to the class balance ``p_s(y)`` it was trained
(or calibrated) on. When only the balance changes (``p(x|y)`` stays, "label shift"), the
target posteriors follow by Bayes' rule: ``p_t(y|x) ∝ p_s(y|x) p_t(y) / p_s(y)``
(:func:`adjust_posteriors`). The target balance ``p_t(y)`` is unknown but can be estimated
from unlabelled target documents:

- :func:`estimate_priors_em`: the EM of Saerens, Latinne and Decaestecker (2002), "Adjusting
  the outputs of a classifier to new a priori probabilities", Neural Computation 14(1);
- :func:`estimate_priors_bbse`: black-box shift estimation (Lipton, Wang and Smola 2018),
  from the source dev split's confusion matrix and the target's predicted-label rates.

Both adjust a whole class column by one factor and renormalise each row on its own, so an
adjusted row depends on that row and the stored priors only, never on the other rows.
:class:`PriorShift` gives :class:`~xproj.model.CrossLingualClassifier` its per-language
priors (``adapt_priors``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.utils.validation import check_is_fitted

#: How a target language's class prior is estimated (the run's ``features.priors``):
#: ``em`` (Saerens et al.), ``bbse`` (confusion matrix, Lipton et al.), ``none`` (no adjustment).
PRIOR_METHODS = ("em", "bbse", "none")


def _as_prior(p, n_classes, what):
    p = np.asarray(p, dtype=np.float64)
    if p.shape != (n_classes,) or not np.all(np.isfinite(p)) or np.any(p <= 0):
        raise ValueError(f"{what}: need {n_classes} positive class probabilities, got {p.tolist()}")
    return p / p.sum()


def effective_priors(y, classes, class_weight=None, sample_weight=None) -> np.ndarray:
    """The class balance a classifier's probabilities refer to: the share of each class in
    the training loss, i.e. label frequencies (summed ``sample_weight``) times class weights.

    With ``class_weight="balanced"`` every class weighs the same in the loss, so the model
    behaves as if trained on a uniform prior, whatever the label frequencies.
    """
    from sklearn.utils.class_weight import compute_class_weight

    classes = np.asarray(classes)
    y = np.asarray(y)
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    counts = np.array([sw[y == c].sum() for c in classes], dtype=np.float64)
    if class_weight is None:
        weights = np.ones(len(classes))
    else:
        weights = compute_class_weight(class_weight, classes=classes, y=y, sample_weight=sample_weight)
    share = counts * weights
    return _as_prior(share, len(classes), "training labels")


def adjust_posteriors(P, source_priors, target_priors) -> np.ndarray:
    """Re-weight posteriors ``P`` (rows: documents, columns: classes) from ``source_priors``
    to ``target_priors`` and renormalise each row (Bayes' rule under label shift)."""
    P = np.asarray(P, dtype=np.float64)
    ratio = _as_prior(target_priors, P.shape[1], "target priors") / _as_prior(
        source_priors, P.shape[1], "source priors")
    W = P * ratio
    return W / W.sum(axis=1, keepdims=True)


def estimate_priors_em(P, source_priors, tol=1e-6, max_iter=1000):
    """Target class priors by EM on posteriors ``P`` of unlabelled target documents.

    Start from ``source_priors``; repeat: re-weight each document's posterior by
    ``prior / source_priors`` and renormalise (E step), the new prior is the mean re-weighted
    posterior (M step); stop when no class prior moves by more than ``tol``.

    Returns
    -------
    priors : ndarray of shape (n_classes,)
    n_iter : int
        Iterations run (``max_iter`` when it did not converge).
    """
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or len(P) == 0:
        raise ValueError("need posteriors of at least one document (n_documents x n_classes)")
    source = _as_prior(source_priors, P.shape[1], "source priors")
    prior = source.copy()
    for n_iter in range(1, max_iter + 1):
        new = adjust_posteriors(P, source, prior).mean(axis=0)
        # a class the documents never support would reach 0 and stop the ratio: keep it tiny
        new = np.maximum(new, 1e-12)
        new /= new.sum()
        if np.max(np.abs(new - prior)) < tol:
            return new, n_iter
        prior = new
    return prior, max_iter


def estimate_priors_bbse(y_dev, predicted_dev, predicted_target, n_classes) -> np.ndarray:
    """Target class priors by black-box shift estimation (Lipton et al. 2018).

    ``C[i, j] = P_source(predicted i, true j)`` on the labelled source dev split; ``mu[i]``
    the share of target documents predicted ``i``. Under label shift ``mu = C w`` with
    ``w = p_t / p_dev``: solve, clip negative weights, return ``w p_dev`` normalised.
    """
    from .evaluation import confusion

    y_dev = np.asarray(y_dev, dtype=np.int64)
    C = confusion(predicted_dev, y_dev, n_classes).astype(np.float64) / len(y_dev)
    mu = np.bincount(np.asarray(predicted_target, dtype=np.int64), minlength=n_classes) / len(predicted_target)
    w, *_ = np.linalg.lstsq(C, mu, rcond=None)
    dev_prior = np.bincount(y_dev, minlength=n_classes) / len(y_dev)
    prior = np.maximum(w, 0) * dev_prior
    return np.full(n_classes, 1 / n_classes) if prior.sum() == 0 else np.maximum(prior / prior.sum(), 1e-12)


@dataclass(frozen=True)
class TargetPrior:
    """A target language's estimated class prior, kept in the model and applied at predict."""

    priors: np.ndarray
    method: str
    n_documents: int
    n_iter: int | None = None

    def describe(self, classes) -> str:
        shares = ", ".join(f"{c} {p:.2f}" for c, p in zip(classes, self.priors))
        return f"class prior {shares} ({self.method} on {self.n_documents:,} unlabelled documents)"


class PriorShift:
    """Label-shift adjustment of a fitted classifier's probabilities per language: the
    :class:`~xproj.model.CrossLingualClassifier` methods that estimate and keep a target
    language's class prior (read by its ``predict_proba``)."""

    def adapt_priors(self, X_unlabelled, lang, *, method="em", dev=None, tol=1e-6, max_iter=1000):
        """Estimate ``lang``'s class prior from unlabelled documents of it, all at once, and
        keep it (saved with the model): :meth:`predict_proba` and :meth:`predict` of ``lang``
        then re-weight each row's probabilities from the source prior to it
        (:func:`xproj.shift.adjust_posteriors`).

        Call it after :meth:`adapt` (the prior is estimated on the adapted probabilities;
        :meth:`adapt` drops it). ``method``: ``"em"`` (Saerens et al. 2002) or ``"bbse"``
        (Lipton et al. 2018; needs ``dev = (X, y)``, labelled source documents), ``"none"``
        removes the prior.
        """
        check_is_fitted(self, "pipeline_")
        if method not in PRIOR_METHODS:
            raise ValueError(f"unknown prior method {method!r}; choose one of {', '.join(PRIOR_METHODS)}")
        priors = self._target_priors()
        priors.pop(lang, None)
        if method == "none":
            return self
        if method == "em":
            estimate, n_iter = estimate_priors_em(self.predict_proba(X_unlabelled, lang), self.source_priors_,
                                                  tol=tol, max_iter=max_iter)
        else:
            if dev is None:
                raise ValueError("method='bbse' needs dev=(documents, labels) of the source language")
            n_iter, K = None, len(self.classes_)
            codes = lambda labels: np.searchsorted(self.classes_, labels)  # noqa: E731
            estimate = estimate_priors_bbse(codes(np.asarray(dev[1])), codes(self.predict(dev[0])),
                                            codes(self.predict(X_unlabelled, lang)), K)
        priors[lang] = TargetPrior(estimate, method, len(X_unlabelled), n_iter)
        return self

    def _target_priors(self) -> dict:
        # models saved before label-shift adjustment have none
        if getattr(self, "target_priors_", None) is None:
            self.target_priors_ = {}
        return self.target_priors_
