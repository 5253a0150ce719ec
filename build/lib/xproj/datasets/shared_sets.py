"""The labelled sets of the shared data folder that are one ``label,text`` CSV file each
(header row; 1 = positive, 0 = negative), registered as datasets (one language each).

They are read as ``negative``/``positive`` (the convention of every binary set), so a run
needs no ``data.target_label_map`` for them. Their origin, size and licence are in the shared
folder's README (``<shared>/data/README.md``).

Examples
--------
>>> [s.name for s in SHARED_SETS][:2]
['online-shopping', 'sb10k']
>>> load_binary_csv("../shared/data/sb10k/de.csv", lang="de").counts()   # doctest: +SKIP
{'negative': 1130, 'positive': 1717}
"""

from __future__ import annotations

from typing import NamedTuple

from .base import Dataset
from .common import BINARY_LABELS
from .table import load_table

__all__ = ["SHARED_SETS", "SharedSet", "load_binary_csv"]


class SharedSet(NamedTuple):
    name: str          # data.dataset / data.targets name
    folder: str        # under <shared>/data
    file: str          # inside the folder
    lang: str
    aliases: tuple = ()


SHARED_SETS = (
    SharedSet("online-shopping", "online_shopping_10_cats", "zh.csv", "zh", ("online-shopping-10-cats",)),
    SharedSet("sb10k", "sb10k", "de.csv", "de"),
    SharedSet("allocine-tv", "allocine_tv", "fr.csv", "fr", ("allocine",)),
    SharedSet("tripadvisor-restaurants", "tripadvisor_restaurants", "fr.csv", "fr", ("tripadvisor",)),
    SharedSet("chabsa", "chabsa", "ja.csv", "ja"),
)


def load_binary_csv(path, *, lang: str, split: str = "all", name: str = "table", errors: str = "raise") -> Dataset:
    """A ``label,text`` CSV file with a header row, labels ``0`` (negative) and ``1``
    (positive); any other label is a malformed row (``errors``: ``"raise"`` or ``"skip"``)."""
    return load_table(path, text_column="text", label_column="label", lang=lang, format="csv",
                      label_map={"0": 0, "1": 1}, label_names=list(BINARY_LABELS), split=split, name=name,
                      errors=errors)
