"""Per-document training weights, checked in one place: the classifier's ``sample_weight``
(:meth:`xproj.model.CrossLingualClassifier.fit`) and the student's ``doc_weight``
(:meth:`xproj.student.TfidfStudent.fit`)."""

from __future__ import annotations

import numpy as np


def positive_weights(weights, n: int, name: str, order: str = "") -> np.ndarray:
    """``weights`` as a float64 array, checked: ``n`` of them, each finite and above 0.

    Parameters
    ----------
    weights : array-like
        One weight per document.
    n : int
        How many documents there are.
    name : str
        The argument's name, first in the message.
    order : str
        Which documents, in which order (e.g. ``"X, then extra"``), said in the message.

    Raises
    ------
    ValueError
        ``"<name>: need <n> positive finite weights (<order>), got ..."``: the shape given, or
        the first weight that is zero, negative, infinite or nan and its position.
    """
    w = np.asarray(weights, dtype=np.float64)
    need = f"{name}: need {n} positive finite weights{f' ({order})' if order else ''}, got"
    if w.shape != (n,):
        raise ValueError(f"{need} shape {w.shape}")
    bad = np.flatnonzero(~(np.isfinite(w) & (w > 0)))
    if len(bad):
        others = f" ({len(bad) - 1} more)" if len(bad) > 1 else ""
        raise ValueError(f"{need} {float(w[bad[0]])!r} at position {bad[0]}{others}")
    return w
