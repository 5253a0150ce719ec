"""Class names of a loaded dataset renamed and put in another dataset's order.

A run trains on one dataset and scores others: their classes must be the same names in the
same order. :func:`relabel` applies a configured renaming (``data.label_map``,
``data.target_label_map``: ``old = "new"``); :func:`match_labels` reorders a dataset's class
ids to the source's names, or says which option maps them.

Convention: binary sets name their classes ``negative`` and ``positive`` (a ``0``/``1`` file
means 0 = negative, 1 = positive).

Examples
--------
>>> from xproj.datasets.base import Dataset
>>> d = Dataset(["bad", "good", "meh"], [0, 1, 2], "en", "all", ["0", "1", "2"])
>>> r = relabel(d, {"0": "negative", "1": "positive", "2": ""})
>>> r.label_names, r.labels.tolist(), r.texts
(['negative', 'positive'], [0, 1], ['bad', 'good'])
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from .base import Dataset

__all__ = ["match_labels", "relabel"]


def relabel(ds: Dataset, label_map: dict | None) -> Dataset:
    """``ds`` with its class names renamed by ``label_map`` (old name -> new name; ``""``
    drops that class's rows; names that several old ones get are merged into one class).
    Names not in the map are kept, so one map can serve several datasets."""
    if not label_map:
        return ds
    lm = {str(k).strip(): str(v).strip() for k, v in label_map.items()}
    renamed = [lm.get(name, name) for name in ds.label_names]
    names = list(dict.fromkeys(n for n in renamed if n))
    new_id = np.array([names.index(n) if n else -1 for n in renamed], dtype=np.int64)
    y = new_id[ds.labels] if len(ds) else ds.labels
    keep = np.flatnonzero(y >= 0)
    meta = {**ds.meta, "label_map": lm, "label_map_dropped": int(len(ds) - len(keep))}
    return Dataset([ds.texts[i] for i in keep], y[keep], ds.lang, ds.split, names, ds.name, meta)


def match_labels(ds: Dataset, label_names: list, what: str, option: str) -> Dataset:
    """``ds`` with class ids in the order of ``label_names`` (same names, any order), else a
    :class:`ConfigError` naming ``option``, the renaming that would fix it."""
    if list(ds.label_names) == list(label_names):
        return ds
    if sorted(ds.label_names) != sorted(label_names):
        example = " ".join(f"--set {option}.{a}={b}" for a, b in zip(ds.label_names, label_names))
        raise ConfigError(f"{what} has classes {list(ds.label_names)} but the source data has {list(label_names)}: "
                          f"rename them with {option} (e.g. {example}) or data.label_map (the source's), or choose "
                          "datasets and data.task that agree")
    order = np.array([list(label_names).index(n) for n in ds.label_names], dtype=np.int64)
    return Dataset(list(ds.texts), order[ds.labels] if len(ds) else ds.labels, ds.lang, ds.split,
                   list(label_names), ds.name, dict(ds.meta))
