"""Normalising word-vector spaces: unit length, mean centering, and VecMap-style sequences.

Each step takes a :class:`~xproj.vectors.WordVectors` or a plain matrix and returns a new
object of the same kind; the input is never modified (it may be a read-only memory map).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .keyed import WordVectors


def _matrix(x):
    return x.vectors if isinstance(x, WordVectors) else np.asarray(x, dtype=np.float32)


def _rewrap(x, M):
    return x.with_vectors(M) if isinstance(x, WordVectors) else M


def unit_length(x):
    """Scale every row to unit Euclidean norm (zero rows stay zero). Returns a new object."""
    M = np.array(_matrix(x), dtype=np.float32, copy=True)
    norms = np.linalg.norm(M, axis=1, keepdims=True)
    norms[norms == 0] = 1
    M /= norms
    return _rewrap(x, M)


def center(x):
    """Subtract the mean vector (mean centering). Returns a new object."""
    M = np.array(_matrix(x), dtype=np.float32, copy=True)
    M -= M.mean(axis=0, dtype=np.float64).astype(np.float32)
    return _rewrap(x, M)


def remove_top_component(x):
    """Mean-centre, then remove the projection of every row on the top principal direction
    (Mu and Viswanath's "all-but-the-top", one component; repeat the step to remove more:
    after one is removed, the next step's top direction is the original second one).

    The direction comes from the d x d covariance (nothing vocabulary-sized beyond the copy);
    its sign does not matter, so the result is deterministic. Returns a new object.
    """
    M = np.asarray(_matrix(center(x)), dtype=np.float32)
    gram = M.T.astype(np.float64) @ M.astype(np.float64)
    _, vecs = np.linalg.eigh(gram)  # ascending: the last column is the top direction
    top = vecs[:, -1].astype(np.float32)
    M = M - np.outer(M @ top, top)
    return _rewrap(x, M.astype(np.float32, copy=False))


NORMALIZERS: dict[str, Callable] = {"unit": unit_length, "center": center, "abtt": remove_top_component}


def normalize(x, steps="unit,center,unit"):
    """Apply normalisation steps in order (VecMap's default is ``unit,center,unit``).

    Parameters
    ----------
    x : WordVectors or array
    steps : str or sequence of str
        Comma-separated names from ``unit``, ``center``, ``abtt`` (remove the top principal
        component, :func:`remove_top_component`); ``""`` or ``"none"`` does nothing. Zhang et
        al.'s (2019) iterative normalisation is ``unit,center`` repeated, then ``unit``.

    Returns
    -------
    WordVectors or ndarray
        The same kind as ``x``.
    """
    if isinstance(steps, str):
        steps = [s.strip() for s in steps.split(",") if s.strip() and s.strip() != "none"]
    for step in steps:
        try:
            x = NORMALIZERS[step](x)
        except KeyError:
            raise ValueError(
                f"unknown normalisation step {step!r}; choose from {sorted(NORMALIZERS)}"
            ) from None
    return x
