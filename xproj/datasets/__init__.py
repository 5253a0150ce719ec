"""Datasets: the synthetic bilingual world and loaders of real sentiment corpora, all
returning :class:`Dataset`."""

from .base import Dataset
from .loaders import (
    LOADERS,
    load_chnsenticorp,
    load_dataset,
    load_marc,
    load_opener,
    load_opener_translated,
    load_table,
    load_webis_cls,
)
from .synthetic import BilingualWorld, make_bilingual_world, make_documents

__all__ = [
    "Dataset", "LOADERS", "load_chnsenticorp", "load_dataset", "load_marc", "load_opener",
    "load_opener_translated", "load_table", "load_webis_cls",
    "BilingualWorld", "make_bilingual_world", "make_documents",
]
