"""Japanese: SudachiPy morphological analysis through spaCy's ``ja`` tokenizer.

Needs the optional extra ``xproj[ja]`` (sudachipy + sudachidict-core), imported on first use.
Lemmas (``lemmatize=True``) are Sudachi's dictionary forms (良かっ -> 良い), which depend on
context, so they come from the analyser rather than from a lookup table.

Negation marking is not offered: Japanese negation (ない, ず, ません) follows the word it
negates, so the forward scope rule used for other languages would mark the wrong tokens.

Examples
--------
>>> from xproj.lang import get_preprocessor
>>> get_preprocessor("ja")("部屋はとても綺麗でした。")
['部屋', 'は', 'とても', '綺麗', 'でし', 'た']
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterable

from ..errors import ConfigError, MissingExtraError
from .base import Preprocessor
from .kana import is_katakana_word, loanword_spelling
from .script import nfkc_normalizer

__all__ = ["JapanesePreprocessor", "japanese_nlp", "script_normalizer", "transliterator"]

#: Words of dictionaries are brought to NFKC, the form the preprocessor gives text.
script_normalizer = nfkc_normalizer


def _katakana_in_latin(word: str) -> str:
    return loanword_spelling(word) if is_katakana_word(word) else word


def transliterator():
    """``(name, function)`` giving a Japanese word the Latin spelling that orthographic
    similarity compares (:mod:`xproj.lang.script`, :mod:`xproj.align.orthography`).

    Katakana words only (loanwords: ホテル -> ``hoter``, :func:`xproj.lang.kana.loanword_spelling`);
    other words are returned as they are. Hiragana words are native Japanese: romanised, the
    hiragana translations of the MUSE en-ja train dictionary are no closer to their English
    words than shuffled pairs (mean edit similarity 0.10 against 0.10).

    Examples
    --------
    >>> name, spell = transliterator()
    >>> spell("ホテル"), spell("ほてる"), spell("部屋")
    ('hoter', 'ほてる', '部屋')
    """
    return "katakana -> Latin (Hepburn, loanword vowels dropped)", _katakana_in_latin

_INSTALL_HINT = "Japanese needs SudachiPy and its dictionary: pip install 'xproj[ja]'"
#: SudachiPy (0.6) raises "Input is too long" past this many UTF-8 bytes; longer texts are
#: tokenised in pieces cut at sentence ends (see :mod:`xproj.lang.limits`).
SUDACHI_MAX_BYTES = 49_149


@functools.lru_cache(maxsize=None)
def japanese_nlp(split_mode: str = "A"):
    """``spacy.blank("ja")`` with the given Sudachi split mode, built once per process.

    Raises
    ------
    ImportError
        sudachipy or sudachidict_core is missing.
    """
    for module in ("sudachipy", "sudachidict_core"):
        if importlib.util.find_spec(module) is None:
            raise MissingExtraError(f"{_INSTALL_HINT} (module {module!r} not found)")
    import spacy  # noqa: PLC0415

    return spacy.blank("ja", config={"nlp": {"tokenizer": {"split_mode": split_mode}}})


class JapanesePreprocessor(Preprocessor):
    """Japanese (ja) preprocessor.

    Parameters
    ----------
    split_mode : {"A", "B", "C"}, default "A"
        Sudachi granularity: A is shortest units (選挙/管理/委員/会), C named-entity-length
        units (選挙管理委員会). A matches the short-unit segmentation that most Japanese word
        vectors were trained on and gives the fewest out-of-vocabulary tokens.
    **options
        Shared options of :class:`~xproj.lang.base.Preprocessor` (``negation=True`` is not
        available, see the module docstring).
    """

    lang = "ja"
    punct_symbols = frozenset("~")  # NFKC form of the full-width "～" ("好～")

    def __init__(self, *, split_mode: str = "A", **options):
        if split_mode not in ("A", "B", "C"):
            raise ConfigError(f"split_mode must be 'A', 'B' or 'C', got {split_mode!r}")
        self.split_mode = split_mode
        super().__init__(**options)

    def _extra_options(self):
        return {"split_mode": self.split_mode}

    def _setup(self) -> None:
        self._nlp = japanese_nlp(self.split_mode)

    def _transient_attrs(self):
        return ("_nlp",)

    def _input_limits(self):
        return SUDACHI_MAX_BYTES, None

    def _tokenize_batch(self, texts: list[str], batch_size: int) -> Iterable[list[str]]:
        tokenizer = self._nlp.tokenizer
        if self.lemmatize:
            # The dictionary form replaces the surface before the cached token pass.
            return ([t.lemma_ or t.text for t in tokenizer(t)] if t else [] for t in texts)
        return ([t.text for t in tokenizer(t)] if t else [] for t in texts)
