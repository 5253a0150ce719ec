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
        start = len(self.words)
        kept = self._keep(words)
        if not kept:
            return
        stop = len(self.words)
        while stop > self.M.shape[0]:
            self.M = _grow(self.M)
        self.M[start:stop] = values if len(kept) == len(values) else values[kept]

    def free_rows(self, n: int) -> np.ndarray:
        """The next ``n`` rows of the matrix (grown if need be), for a reader to parse into.

        Then :meth:`add_in_place` keeps those of them that are wanted and new; rows written
        here and never added are overwritten by the next block."""
        start = len(self.words)
        while start + n > self.M.shape[0]:
            self.M = _grow(self.M)
        return self.M[start:start + n]

    def add_in_place(self, words: list[str]):
        """Keep the rows a reader wrote into :meth:`free_rows` (``len(words)`` of them)."""
        start = len(self.words)
        kept = self._keep(words)
        if kept and len(kept) < len(words):  # close the gaps left by dropped words
            self.M[start:start + len(kept)] = self.M[start:start + len(words)][kept]

    def _keep(self, words: list[str]) -> list[int]:
        """Count and record the wanted, new words; their indices in ``words``."""
        keep, seen, kept = self.keep, self.seen, []
        new = set(words) if keep is None and not self.lowercase else None
        if new is not None and len(new) == len(words) and seen.isdisjoint(new):
            # the common block (every word new, none filtered): set operations in C, not a loop
            seen |= new
            self.words.extend(words)
            return list(range(len(words)))
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
        return kept

    def matrix(self) -> np.ndarray:
        """The filled rows (the matrix itself when it was sized exactly)."""
        n = len(self.words)
        return self.M if self.M.shape[0] == n else self.M[:n].copy()


def _grow(M):
    bigger = np.empty((M.shape[0] * 2, M.shape[1]), dtype=np.float32)
    bigger[: M.shape[0]] = M
    return bigger
