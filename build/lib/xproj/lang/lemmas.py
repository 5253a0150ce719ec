"""spaCy lookup lemma tables (spacy-lookups-data, optional): which languages have one, and
a loaded table as a read-only ``word -> lemma`` view."""

from __future__ import annotations

import functools
import importlib.util

from ..errors import MissingExtraError, ResourceNotFoundError


def lemma_table_languages() -> list[str]:
    """Languages with a ``lemma_lookup`` table in spacy-lookups-data (empty if not installed)."""
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None:
        return []
    import spacy_lookups_data  # noqa: PLC0415  (optional package, imported on demand)
    import os

    data = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data")
    return sorted(f[: -len("_lemma_lookup.json.gz")] for f in os.listdir(data)
                  if f.endswith("_lemma_lookup.json.gz"))


@functools.lru_cache(maxsize=None)
def load_lemma_table(lang: str):
    """The spaCy lookup lemma table of `lang`, loaded once per process.

    Tables map lower-case word forms to lemmas ("hoteles" -> "hotel"); they are
    case-sensitive, so callers lowercase first.

    Raises
    ------
    ImportError
        spacy-lookups-data is not installed.
    ResourceNotFoundError
        The package has no lemma table for `lang` (e.g. Basque ``eu``, Arabic, Chinese).
    """
    if importlib.util.find_spec("spacy_lookups_data") is None:
        raise MissingExtraError(
            "lemmatisation needs the spaCy lookup tables: pip install 'xproj[lemmas]' "
            "(spacy-lookups-data)"
        )
    available = lemma_table_languages()
    if lang not in available:
        raise ResourceNotFoundError(
            f"no lemma table for language {lang!r} in spacy-lookups-data "
            f"(tables exist for: {', '.join(available)}); use lemmatize=False"
        )
    from spacy.lookups import load_lookups  # noqa: PLC0415

    return LemmaTable(load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup"))


class LemmaTable:
    """Read-only view of a spaCy lemma lookup table returning one lemma string per word.

    Some tables (ca, fr) store a list of candidate lemmas per form; the first is taken.
    """

    def __init__(self, table):
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    def get(self, word: str, default=None):
        value = self._table.get(word)
        if isinstance(value, list):
            value = value[0] if value else None
        return default if value is None else value
