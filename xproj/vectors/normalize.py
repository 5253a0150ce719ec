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


NORMALIZERS: dict[str, Callable] = {"unit": unit_length, "center": center}


def normalize(x, steps="unit,center,unit"):
    """Apply normalisation steps in order (VecMap's default is ``unit,center,unit``).

    Parameters
    ----------
    x : WordVectors or array
    steps : str or sequence of str
        Comma-separated names from ``unit``, ``center``; ``""`` or ``"none"`` does nothing.

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
