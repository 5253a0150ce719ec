"""Datasets: the synthetic bilingual world and loaders of real sentiment corpora."""

from .synthetic import BilingualWorld, make_bilingual_world, make_documents

__all__ = ["BilingualWorld", "make_bilingual_world", "make_documents"]
