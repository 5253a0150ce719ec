"""One script per language: the script normaliser of each language, for words of dictionaries.

Word vectors, dictionaries and documents of one language must spell words the same way, or
lookups miss: the MUSE en-zh dictionaries are written in Traditional characters while the
Chinese vectors and reviews are Simplified. Each language module may declare a
``script_normalizer()`` returning ``(name, function)``; languages that declare none use NFKC
(full-width Latin letters and digits to plain ones, ligatures split), the form the
preprocessors give text by default (``unicode_form="NFKC"``). Chinese declares NFKC then OpenCC
t2s (:func:`xproj.lang.zh.script_normalizer`).

A language written in another script than Latin may also declare a ``transliterator()``
returning ``(name, function)``: the Latin spelling that orthographic similarity
(:mod:`xproj.align.orthography`) compares with the other language's words. Japanese declares one
for katakana loanwords (:func:`xproj.lang.ja.transliterator`); languages that declare none are
compared as written (:func:`get_transliterator` gives ``None``). Chinese declares none: pinyin of
a Chinese word is its sound, not a borrowed spelling (酒店 ``jiudian``, not ``hotel``), and
phonetic loans (沙发 ``shafa``/sofa) are rare among the words of a bilingual dictionary.

Examples
--------
>>> name, convert = get_script_normalizer("fr")
>>> name, convert("ﬁlm")
('NFKC', 'film')
"""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Callable

__all__ = ["get_script_normalizer", "get_transliterator", "nfkc", "nfkc_normalizer"]


def nfkc(word: str) -> str:
    """NFKC form of `word` (unchanged ASCII returned as is, which is the common case)."""
    return word if word.isascii() else unicodedata.normalize("NFKC", word)


def nfkc_normalizer() -> tuple[str, Callable[[str], str]]:
    """The default script normaliser: ``("NFKC", nfkc)``."""
    return "NFKC", nfkc


def _language_module(code: str):
    """The module of language ``code``'s preprocessor, or None (unknown, or registered at run
    time as a callable)."""
    from . import _REGISTRY  # noqa: PLC0415  (the package imports this module lazily)

    key = str(code).strip().replace("_", "-").split("-")[0].lower()
    target = _REGISTRY.get(key)
    return importlib.import_module(target.split(":")[0]) if isinstance(target, str) else None


def get_transliterator(code) -> tuple[str, Callable[[str], str]] | None:
    """``(name, function word -> Latin spelling)`` declared by language ``code`` for
    orthographic similarity, or ``None`` when it declares none (its words are compared as
    written). ``code`` None: None.

    Examples
    --------
    >>> get_transliterator("fr") is None, get_transliterator("ja")[1]("ホテル")
    (True, 'hoter')
    """
    module = None if code is None else _language_module(code)
    declared = getattr(module, "transliterator", None)
    return declared() if declared is not None else None


def get_script_normalizer(code: str) -> tuple[str, Callable[[str], str]]:
    """``(name, function word -> word)`` bringing words of language `code` to its one script.

    Languages without a preprocessor (e.g. the MUSE "ko", "ru", "hi" dictionaries) get NFKC.

    Raises
    ------
    ImportError
        The language's converter needs a missing extra (zh: ``pip install 'xproj[zh]'``).
    """
    module = _language_module(code)
    if module is None:  # unknown or registered at run time: the default
        return nfkc_normalizer()
    return getattr(module, "script_normalizer", nfkc_normalizer)()
