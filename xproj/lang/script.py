"""One script per language: the script normaliser of each language, for words of dictionaries.

Word vectors, dictionaries and documents of one language must spell words the same way, or
lookups miss: the MUSE en-zh dictionaries are written in Traditional characters while the
Chinese vectors and reviews are Simplified. Each language module may declare a
``script_normalizer()`` returning ``(name, function)``; languages that declare none use NFKC
(full-width Latin letters and digits to plain ones, ligatures split), the form the
preprocessors give text by default (``unicode_form="NFKC"``). Chinese declares NFKC then OpenCC
t2s (:func:`xproj.lang.zh.script_normalizer`).

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

__all__ = ["get_script_normalizer", "nfkc", "nfkc_normalizer"]


def nfkc(word: str) -> str:
    """NFKC form of `word` (unchanged ASCII returned as is, which is the common case)."""
    return word if word.isascii() else unicodedata.normalize("NFKC", word)


def nfkc_normalizer() -> tuple[str, Callable[[str], str]]:
    """The default script normaliser: ``("NFKC", nfkc)``."""
    return "NFKC", nfkc


def get_script_normalizer(code: str) -> tuple[str, Callable[[str], str]]:
    """``(name, function word -> word)`` bringing words of language `code` to its one script.

    Languages without a preprocessor (e.g. the MUSE "ko", "ru", "hi" dictionaries) get NFKC.

    Raises
    ------
    ImportError
        The language's converter needs a missing extra (zh: ``pip install 'xproj[zh]'``).
    """
    from . import _REGISTRY  # noqa: PLC0415  (the package imports this module lazily)

    key = str(code).strip().replace("_", "-").split("-")[0].lower()
    target = _REGISTRY.get(key)
    if not isinstance(target, str):  # unknown or registered at run time: the default
        return nfkc_normalizer()
    module = importlib.import_module(target.split(":")[0])
    return getattr(module, "script_normalizer", nfkc_normalizer)()
