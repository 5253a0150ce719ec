"""Which language a text is written in, offline, one text at a time.

The identifier is py3langid (a naive Bayes classifier over byte n-grams, 97 languages, its
model inside the wheel; the optional extra ``pip install 'xproj[langid]'``). It was chosen
over lingua and CLD3 on the shared texts (``bench/language_id.py``): the most accurate of the
three, short texts included, 2-4x faster than lingua and a 5 MB wheel instead of 96 MB.

Each text is identified on its own (deterministic: the same text always gets the same
answer, whatever else is in the list). A text gets no language, and a reason, when it is
empty, has no letters (emoji, digits or punctuation only), has fewer than
:data:`MIN_LETTERS` letters, or the identifier's best guess has a probability below
``min_confidence`` (:data:`MIN_CONFIDENCE` by default).

Examples
--------
>>> detect_language(["The room was clean and quiet", "La habitación era muy bonita", "👍👍"])  # doctest: +SKIP
['en', 'es', None]
>>> detect_language(["Hotel bueno"], candidates=["en", "es"])                              # doctest: +SKIP
['es']
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from ..errors import MissingExtraError

__all__ = ["MIN_CONFIDENCE", "MIN_LETTERS", "Detection", "detect", "detect_language", "identifier_languages"]

#: Below this probability (py3langid's normalised one) the best guess is not trusted: on the
#: bench's texts (every language, no restriction) it sets aside 5% of the texts and takes the
#: accuracy of the rest from 0.962 to 0.982; more than half of those set aside were wrong.
MIN_CONFIDENCE = 0.3
#: A text with fewer letters than this has no language we could trust.
MIN_LETTERS = 2
_INSTALL_HINT = "language detection needs py3langid: pip install 'xproj[langid]' (or py3langid>=0.3)"


class Detection(NamedTuple):
    """One text's language (None when not identified), the identifier's probability for it
    (None when it did not run) and why there is no language (None when there is one)."""

    lang: str | None
    confidence: float | None
    reason: str | None


@lru_cache(maxsize=None)
def _identifier(candidates: tuple | None):
    """A py3langid identifier restricted to ``candidates`` (all its languages for None);
    one per set of candidates, built once per process."""
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        raise MissingExtraError(_INSTALL_HINT) from None
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if candidates is not None:
        ident.set_languages(list(candidates))
    return ident


def identifier_languages() -> list:
    """Every language code the identifier knows (ISO 639-1 where there is one)."""
    return sorted(_identifier(None).labels)


def _candidates(candidates) -> tuple | None:
    if candidates is None:
        return None
    wanted = tuple(sorted({str(c).strip().lower() for c in candidates if str(c).strip()}))
    if not wanted:
        raise ValueError("candidates: empty list of languages")
    unknown = [c for c in wanted if c not in set(identifier_languages())]
    if unknown:
        raise ValueError(f"candidates: the language identifier does not know {', '.join(unknown)}")
    return wanted


def _no_language(text) -> str | None:
    """Why ``text`` cannot be identified before the identifier runs, or None."""
    if not isinstance(text, str) or not text.strip():
        return "empty text"
    letters = 0
    for ch in text:  # counting stops at MIN_LETTERS: long texts cost nothing here
        letters += ch.isalpha()
        if letters >= MIN_LETTERS:
            return None
    if letters == 0:
        return "no letters (emoji, digits or punctuation only)"
    return f"too short to identify the language ({letters} letter)"


def detect(texts, candidates=None, *, min_confidence: float = MIN_CONFIDENCE) -> list:
    """One :class:`Detection` per text, in order.

    Parameters
    ----------
    texts : iterable of str
    candidates : iterable of str, optional
        Languages to choose from (ISO 639-1 codes the identifier knows); default: all 97.
        Restricting helps when the texts' languages are known (e.g. a file of en and es
        reviews), but a text in another language is then given the nearest candidate.
    min_confidence : float
        Best guesses with a lower probability give no language.

    Raises
    ------
    ImportError
        py3langid is not installed (the message gives the command).
    ValueError
        A candidate the identifier does not know, or an empty list.
    """
    ident = _identifier(_candidates(candidates))
    out = []
    for text in texts:
        problem = _no_language(text)
        if problem is not None:
            out.append(Detection(None, None, problem))
            continue
        lang, confidence = ident.classify(text)
        confidence = float(confidence)
        if confidence < min_confidence:
            out.append(Detection(None, confidence, f"language not identified (best guess {lang}, "
                                                   f"probability {confidence:.2f} < {min_confidence})"))
        else:
            out.append(Detection(lang, confidence, None))
    return out


def detect_language(texts, candidates=None, *, min_confidence: float = MIN_CONFIDENCE) -> list:
    """The language code of each text, or None (see :func:`detect` for the reasons).

    Examples
    --------
    >>> detect_language(["Das Zimmer war sauber", ""])   # doctest: +SKIP
    ['de', None]
    """
    return [d.lang for d in detect(texts, candidates, min_confidence=min_confidence)]
