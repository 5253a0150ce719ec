"""Arabic: orthographic normalisation plus spaCy's blank Arabic tokenizer.

Arabic text written with and without short vowels, or with different hamza carriers on alef,
should map to the same vector. Before tokenising we

* remove diacritics (harakat: fatha, damma, kasra, tanwin, shadda, sukun, superscript alef and
  Quranic marks),
* remove tatweel (kashida, U+0640), the purely typographic letter stretcher,
* normalise alef forms أ إ آ ٱ to bare alef ا.

There is no lemma table for Arabic in spacy-lookups-data: ``lemmatize=True`` raises
:class:`~xproj.errors.ResourceNotFoundError`.

Examples
--------
>>> normalize_arabic("أَهْلاً وَسَهْلاً")
'اهلا وسهلا'
>>> from xproj.lang import get_preprocessor
>>> get_preprocessor("ar")("الفندق جميـــل جداً، لكنّ الغرفة ليست نظيفة.")
['الفندق', 'جميل', 'جدا', 'لكن', 'الغرفة', 'ليست', 'نظيفة']
"""

from __future__ import annotations

from .spacy_based import SpacyPreprocessor

__all__ = ["ArabicPreprocessor", "normalize_arabic"]

_DIACRITICS = (
    [chr(c) for c in range(0x0610, 0x061B)]  # Quranic annotation signs
    + [chr(c) for c in range(0x064B, 0x0660)]  # tanwin, fatha..sukun, maddah, hamza above/below
    + ["\u0670"]  # superscript alef
    + [chr(c) for c in range(0x06D6, 0x06EE)]  # Quranic small high/low signs
)
_TABLE = str.maketrans(
    {**{c: None for c in _DIACRITICS}, "\u0640": None,  # tatweel
     "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627"}
)


def normalize_arabic(text: str) -> str:
    """Remove harakat and tatweel; map أ إ آ ٱ to ا (one ``str.translate`` call)."""
    return text.translate(_TABLE)


class ArabicPreprocessor(SpacyPreprocessor):
    """Arabic (ar) preprocessor; see :class:`~xproj.lang.base.Preprocessor` for the options.

    Arabic has no case, so `lowercase` only affects Latin-script tokens mixed into the text.
    """

    lang = "ar"

    def _normalize_text(self, text: str) -> str:
        return normalize_arabic(text)
