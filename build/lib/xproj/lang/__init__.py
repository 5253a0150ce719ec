"""Language-specific preprocessing: text -> tokens ready for aligned word-vector lookup.

One module per language or family, in the manner of spaCy's ``spacy/lang/<code>/``:
:mod:`~xproj.lang.european` (en, es, fr, de, it, pt, ca, eu, nl), :mod:`~xproj.lang.zh`,
:mod:`~xproj.lang.ja` and :mod:`~xproj.lang.ar`. Modules are imported when their language is
first requested, and heavy libraries (spaCy, jieba, SudachiPy, OpenCC) only when a
preprocessor is built, so ``import xproj.lang`` is cheap.

Examples
--------
>>> from xproj.lang import get_preprocessor, supported_languages
>>> "es" in supported_languages()
True
>>> pre = get_preprocessor("es", lemmatize=True)
>>> pre("¡Las habitaciones eran muy limpias!")
['los', 'habitación', 'ser', 'muy', 'limpio']
>>> pre.pipe(["Buen hotel", ""])
[['bueno', 'hotel'], []]
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ..errors import UnknownLanguageError
from .base import Preprocessor
from .lookup import VocabularyLookup, oov_rate

__all__ = [
    "Preprocessor",
    "base_code",
    "VocabularyLookup",
    "get_preprocessor",
    "oov_rate",
    "is_supported",
    "register",
    "supported_languages",
]

# code -> "module:factory" (resolved lazily) or a callable registered at run time.
_REGISTRY: dict[str, str | Callable[..., Preprocessor]] = {
    **{code: "xproj.lang.european:make" for code in
       ("en", "es", "fr", "de", "it", "pt", "ca", "eu", "nl")},
    "zh": "xproj.lang.zh:ChinesePreprocessor",
    "ja": "xproj.lang.ja:JapanesePreprocessor",
    "ar": "xproj.lang.ar:ArabicPreprocessor",
}


def _key(code: str) -> str:
    """``"pt_BR"`` -> ``"pt"``: the registry's key of a code (region and script dropped)."""
    return code.strip().replace("_", "-").split("-")[0].lower()


def base_code(code: str) -> str:
    """The language of a code with its region or script dropped (``"zh-TW"`` -> ``"zh"``), as
    :func:`get_preprocessor` reads it; the zh preprocessor brings Traditional text to Simplified."""
    return _key(code)


def is_supported(code) -> bool:
    """Whether :func:`get_preprocessor` knows ``code`` (checked by configs before any work)."""
    return isinstance(code, str) and _key(code) in _REGISTRY


def supported_languages() -> list[str]:
    """ISO 639-1 codes that :func:`get_preprocessor` accepts, sorted.

    Japanese is listed even when its optional extra is missing; building it then raises an
    ImportError with the install command.
    """
    return sorted(_REGISTRY)


def register(code: str, factory: Callable[..., Preprocessor]) -> None:
    """Add or replace the preprocessor factory of `code`.

    Parameters
    ----------
    code : str
        ISO 639-1 code (lower case).
    factory : callable
        Called with the keyword options of :func:`get_preprocessor`; returns a
        :class:`Preprocessor`.
    """
    _REGISTRY[code.lower()] = factory


def _resolve(target):
    if callable(target):
        return target
    module_name, attr = target.split(":")
    factory = getattr(importlib.import_module(module_name), attr)
    if attr == "make":  # family modules build per-language classes
        return factory
    return lambda code, **options: factory(**options)


def get_preprocessor(code: str, **options) -> Preprocessor:
    """The preprocessor of a language.

    Parameters
    ----------
    code : str
        ISO 639-1 code, case-insensitive ("en", "ES", "zh"...). Region suffixes are
        ignored ("pt-BR", "zh_TW" -> "pt", "zh").
    **options
        Options of :class:`~xproj.lang.base.Preprocessor` (lowercase, strip_accents,
        placeholders, max_repeat, keep_punct, remove_stopwords, negation, negation_prefix,
        max_tokens, lemmatize, unicode_form) plus language-specific ones
        (zh: traditional_to_simplified, hmm; ja: split_mode).

    Returns
    -------
    Preprocessor
        A new instance; spaCy pipelines, lemma tables and jieba are shared between
        instances and loaded once per process.

    Raises
    ------
    UnknownLanguageError
        `code` is not supported (the message lists the supported codes).
    ImportError
        An optional dependency of the language or option is missing (the message gives
        the ``pip install 'xproj[...]'`` command).

    Examples
    --------
    >>> get_preprocessor("en", remove_stopwords=True)("It was not a good hotel")
    ['not', 'good', 'hotel']
    """
    if not isinstance(code, str):
        raise TypeError(f"language code must be a str, got {type(code).__name__}")
    key = _key(code)
    target = _REGISTRY.get(key)
    if target is None:
        raise UnknownLanguageError(
            f"unknown language code {code!r}; supported: {', '.join(supported_languages())}"
        )
    factory = _resolve(target)
    if callable(target):  # user-registered factories receive only the options
        return factory(**options)
    return factory(key, **options)
