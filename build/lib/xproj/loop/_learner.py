"""How the loop fits a model on source documents plus labelled target documents, and reads
its probabilities, for the two kinds of model it accepts.

- ``lang`` given: a :class:`~xproj.model.CrossLingualClassifier` (documents are texts or
  token lists): target documents join training as ``fit(X, y, extra=[(X_k, y_k, lang)])``
  (few-shot mode) and are scored with ``predict_proba(X, lang=lang)``;
- ``lang=None``: any scikit-learn classifier on precomputed feature rows (e.g. the
  classifier head on cached standardised features): source and target rows are stacked.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score


def take(X, idx):
    """Rows ``idx`` of a feature matrix or of a list of documents."""
    idx = np.asarray(idx, dtype=np.int64)
    if isinstance(X, np.ndarray):
        return X[idx]
    return [X[i] for i in idx]


def fit_few_shot(model_factory, X_src, y_src, X_extra, y_extra, lang=None, fit_params=None):
    """A new model from ``model_factory()`` fit on the source documents plus ``X_extra``
    (labelled target documents; none when ``y_extra`` is empty)."""
    model = model_factory()
    y_extra = np.asarray(y_extra)
    fit_params = dict(fit_params or {})
    if lang is None:
        if len(y_extra):
            X_all = np.vstack([np.asarray(X_src), np.asarray(X_extra)])
            return model.fit(X_all, np.concatenate([np.asarray(y_src), y_extra]), **fit_params)
        return model.fit(X_src, y_src, **fit_params)
    extra = [(list(X_extra), y_extra, lang)] if len(y_extra) else None
    return model.fit(X_src, y_src, extra=extra, **fit_params)


def predict_proba(model, X, lang=None):
    """Class probabilities of ``X`` (of ``lang`` when the model routes languages)."""
    return model.predict_proba(X) if lang is None else model.predict_proba(X, lang=lang)


def macro_f1(model, X, y, lang=None) -> float:
    """Macro-F1 of the model's predictions on labelled documents."""
    predicted = model.predict(X) if lang is None else model.predict(X, lang=lang)
    return float(f1_score(y, predicted, average="macro"))
