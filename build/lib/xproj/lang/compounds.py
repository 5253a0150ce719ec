"""Compound splitting for out-of-vocabulary words: German (de).

German writes compounds as one word (``Kinderbetreuungskosten``, ``Fußballweltmeisterschaft``,
hashtags such as ``#SchönerTag`` become ``schönertag`` once lowercased). A 50,000-word vector
vocabulary holds few of them, but it holds their parts. :func:`split_compound` splits an
unknown word into known parts, the last one (the head) as long as possible, each modifier
known itself or after dropping a linking element (``-s-``, ``-es-``, ``-n-``, ``-en-``,
``-er-``, ``-e-``): ``kinderbetreuungskosten`` -> ``kinder + betreuung(s) + kosten``.

In German the head carries the compound's meaning and class (a ``Fußballweltmeisterschaft``
is a ``Meisterschaft``), so :class:`~xproj.lang.lookup.VocabularyLookup` uses the head's
vector for the whole word (one row per token, as every other fallback step).

The splitter needs the vector vocabulary, so it lives with the lookup, not the tokenizer: the
tokenizer cannot know which parts have vectors, and a split made there would change the
tokens every other consumer (negation scopes, lemma tables, dictionaries) sees.

Examples
--------
>>> known = {"kinder", "betreuung", "kosten", "tag", "schöner"}.__contains__
>>> split_compound("kinderbetreuungskosten", known, "de")
['kinder', 'betreuung', 'kosten']
>>> split_compound("schönertag", known, "de", min_part=3)
['schöner', 'tag']
>>> split_compound("kosten", known, "de") is None
True
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["COMPOUND_LANGUAGES", "split_compound"]

#: Languages whose unknown words are split into known parts, with their linking elements
#: (Fugenelemente: what may join a modifier to the next part). Longest first, so that
#: ``-es-`` is tried before ``-s-``.
COMPOUND_LANGUAGES = {
    "de": ("es", "en", "er", "s", "n", "e"),
}

#: Shortest part accepted (shorter known "words" of a 50k vocabulary are mostly noise:
#: ``an``, ``ei``, ``ab`` would split almost anything).
MIN_PART = 4

#: Heads that are suffixes, not words: a diminutive (``küsschen``) is not a kind of ``chen``.
_NOT_HEADS = frozenset({"chen", "lein", "lich", "isch", "heit", "keit", "schaft", "innen", "rinnen"})

# Depth limit: four parts cover nearly every real compound and keep the search small.
_MAX_PARTS = 4


def split_compound(word: str, known: Callable[[str], bool], lang: str, *,
                   min_part: int = MIN_PART) -> list[str] | None:
    """Known parts of ``word`` (modifiers without their linking elements, head last), or None.

    The head is the longest known suffix that leaves a splittable rest; parts are at least
    ``min_part`` characters; at most four parts. Deterministic: the first split found in
    this order, so the same word always gives the same parts.

    Parameters
    ----------
    word : str
        A lower-case token, unknown to the vocabulary.
    known : callable
        ``known(part) -> bool``: whether a part has a vector.
    lang : str
        Language code; only :data:`COMPOUND_LANGUAGES` are split (others give None).
    min_part : int, default 4
        Shortest part, modifiers and head alike.
    """
    links = COMPOUND_LANGUAGES.get(lang)
    if links is None or len(word) < 2 * min_part or not word.isalpha():
        return None
    return _split(word, known, links, min_part, _MAX_PARTS)


def _split(word, known, links, min_part, max_parts):
    # the head: longest known suffix first
    for cut in range(min_part, len(word) - min_part + 1):
        head = word[cut:]
        if head in _NOT_HEADS or not known(head):
            continue
        rest = _modifier(word[:cut], known, links, min_part, max_parts - 1)
        if rest is not None:
            return rest + [head]
    return None


def _modifier(rest, known, links, min_part, max_parts):
    """``rest`` as known modifier part(s), a linking element dropped from its end if needed."""
    candidates = [rest] + [rest[: -len(s)] for s in links if rest.endswith(s) and len(rest) - len(s) >= min_part]
    for form in candidates:
        if known(form):
            return [form]
    if max_parts > 1:
        for form in candidates:
            if len(form) >= 2 * min_part and (parts := _split(form, known, links, min_part, max_parts)) is not None:
                return parts
    return None
