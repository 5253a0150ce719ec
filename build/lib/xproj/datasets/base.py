"""The one structure every dataset loader returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Dataset:
    """Labelled texts of one language and split.

    Attributes
    ----------
    texts : list of str
        Raw documents (or pre-tokenised sentences joined by spaces, as OpeNER ships them).
    labels : ndarray of int
        Class ids, indexing ``label_names``.
    lang : str
        ISO 639-1 code.
    split : str
        ``"train"``, ``"dev"``, ``"test"`` or ``"all"``.
    label_names : list of str
        E.g. ``["negative", "positive"]``; index = class id.
    name : str
        Corpus name, e.g. ``"opener"``.
    meta : dict
        Anything else (source path, counts of skipped rows...).
    """

    texts: list
    labels: np.ndarray
    lang: str
    split: str
    label_names: list
    name: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        self.labels = np.asarray(self.labels, dtype=np.int64)
        if len(self.texts) != len(self.labels):
            raise ValueError(f"{self.name or 'dataset'}: {len(self.texts)} texts but {len(self.labels)} labels")

    def __len__(self):
        return len(self.texts)

    def counts(self) -> dict:
        """``{label_name: count}``."""
        c = np.bincount(self.labels, minlength=len(self.label_names))
        return {n: int(k) for n, k in zip(self.label_names, c)}

    def subset(self, idx) -> "Dataset":
        idx = np.asarray(idx)
        return Dataset([self.texts[i] for i in idx], self.labels[idx], self.lang, self.split,
                       self.label_names, self.name, dict(self.meta))

    def __repr__(self):
        return f"Dataset({self.name!r}, lang={self.lang!r}, split={self.split!r}, n={len(self)}, counts={self.counts()})"
