"""The rows a reader keeps: vocabulary filter, lowercasing, first occurrence wins.

Readers hand over blocks of ``(words, values)``; :class:`KeptRows` keeps the wanted, new
words and copies their rows into one float32 matrix.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np


def wanted_words(vocabulary: Iterable[str] | None, lowercase: bool) -> set[str] | None:
    """The set a reader filters on (lowercased like the words it is compared with), or None."""
    if vocabulary is None:
        return None
    return {w.lower() for w in vocabulary} if lowercase else set(vocabulary)


class KeptRows:
    """The words kept and their rows: lowercased if asked, filtered, first occurrence wins.

    The matrix is allocated once (header count or limit) and doubled when a file without a
    header has more words, so the text of only one block is held beside it.

    Parameters
    ----------
    capacity, dim : int
        Shape of the first allocation.
    lowercase : bool
        Lowercase words before filtering and comparing them.
    keep : set of str or None
        The wanted words (see :func:`wanted_words`); None keeps all.

    Attributes
    ----------
    words : list of str
        The words kept so far, in file order.
    duplicates, filtered : int
        Words dropped as repeats of a kept word, and as not wanted.
    """

    def __init__(self, capacity: int, dim: int, lowercase: bool, keep: set[str] | None):
        self.M = np.empty((capacity, dim), dtype=np.float32)
        self.lowercase, self.keep = lowercase, keep
        self.words: list[str] = []
        self.seen: set[str] = set()
        self.duplicates = self.filtered = 0

    def add(self, words: list[str], values: np.ndarray):
        """Append the rows of ``values`` whose words are wanted and new."""
        keep, seen, kept = self.keep, self.seen, []
        for j, word in enumerate(words):
            if self.lowercase:
                word = word.lower()
            if keep is not None and word not in keep:
                self.filtered += 1
                continue
            if word in seen:
                self.duplicates += 1
                continue
            seen.add(word)
            self.words.append(word)
            kept.append(j)
        if not kept:
            return
        stop = len(self.words)
        while stop > self.M.shape[0]:
            self.M = _grow(self.M)
        rows = self.M[stop - len(kept):stop]
        if len(kept) < len(values):
            rows[...] = values[kept]  # a copy first: the rows may overlap values (rows_for)
        elif not _same_memory(rows, values):  # numpy copies overlapping rows correctly
            rows[...] = values

    def rows_for(self, first: int, n: int) -> np.ndarray | None:
        """Rows ``first:first + n`` of the matrix, where a block's values can be written
        before :meth:`add` (None when they are beyond it, or with a vocabulary filter, which
        keeps few rows: the rest of the matrix is never touched then).

        When every earlier word was kept, :meth:`add` finds the values in place; otherwise it
        moves them up, never down, so rows of later blocks are never overwritten.
        """
        if self.keep is not None or first + n > self.M.shape[0]:
            return None
        return self.M[first:first + n]

    def matrix(self) -> np.ndarray:
        """The filled rows (the matrix itself when it was sized exactly)."""
        n = len(self.words)
        return self.M if self.M.shape[0] == n else self.M[:n].copy()


def _same_memory(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``b`` is exactly the array ``a`` (same start, shape and strides)."""
    return (a.shape == b.shape and a.strides == b.strides and a.dtype == b.dtype
            and a.__array_interface__["data"][0] == b.__array_interface__["data"][0])


def _grow(M):
    bigger = np.empty((M.shape[0] * 2, M.shape[1]), dtype=np.float32)
    bigger[: M.shape[0]] = M
    return bigger
