"""Datasets: the synthetic bilingual world and loaders of real sentiment corpora, all
returning :class:`Dataset`; :data:`DATASETS` describes every corpus and :func:`load_split`
gives one split of one language of any of them."""

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
from .registry import DATASETS, DatasetSpec, dataset_spec
from .splits import dataset_location, load_split
from .synthetic import BilingualWorld, make_bilingual_world, make_documents

__all__ = [
    "Dataset", "DATASETS", "DatasetSpec", "LOADERS", "dataset_location", "dataset_spec", "load_chnsenticorp",
    "load_dataset", "load_marc", "load_opener", "load_opener_translated", "load_split", "load_table",
    "load_webis_cls", "BilingualWorld", "make_bilingual_world", "make_documents",
]
