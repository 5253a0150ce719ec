"""European languages: English, Spanish, French, German, Italian, Portuguese, Catalan,
Basque and Dutch.

All use spaCy's rule-based tokenizer of the language and, for ``lemmatize=True``, spaCy's
lookup lemma tables. Lemma tables exist for en, es, fr, de, it, pt, ca and nl; **Basque (eu)
has none**: ``get_preprocessor("eu", lemmatize=True)`` raises
:class:`~xproj.errors.ResourceNotFoundError` (the vocabulary lookup in
:mod:`xproj.lang.lookup` simply skips the lemma step for it).

Examples
--------
>>> from xproj.lang import get_preprocessor
>>> get_preprocessor("en", negation=True)("I didn't like the room, but the staff was nice")
['i', 'did', "n't", 'NEG_like', 'NEG_the', 'NEG_room', 'but', 'the', 'staff', 'was', 'nice']
"""

from __future__ import annotations

from .script import nfkc_normalizer
from .spacy_based import SpacyPreprocessor

__all__ = ["LANGUAGES", "EuropeanPreprocessor", "make", "script_normalizer"]

#: Words of dictionaries are brought to NFKC, the form the preprocessor gives text.
script_normalizer = nfkc_normalizer

#: Codes handled by this module.
LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ca", "eu", "nl")


class EuropeanPreprocessor(SpacyPreprocessor):
    """Preprocessor for one of :data:`LANGUAGES` (see :class:`~xproj.lang.base.Preprocessor`)."""


def make(lang: str, **options) -> EuropeanPreprocessor:
    """Build the preprocessor of `lang` (a subclass per code, so ``lang`` is a class attribute)."""
    return _CLASSES[lang](**options)


# One tiny subclass per language (EnglishPreprocessor, ...): readable reprs, and each class
# carries its `lang` so that pickling to joblib workers needs nothing else.
_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian",
          "pt": "Portuguese", "ca": "Catalan", "eu": "Basque", "nl": "Dutch"}
_CLASSES = {}
for _code in LANGUAGES:
    _cls = type(f"{_NAMES[_code]}Preprocessor", (EuropeanPreprocessor,),
                {"lang": _code, "__module__": __name__,
                 "__doc__": f"{_NAMES[_code]} ({_code}) preprocessor; see EuropeanPreprocessor."})
    _CLASSES[_code] = _cls
    globals()[_cls.__name__] = _cls
    __all__.append(_cls.__name__)
del _code, _cls
