"""One space for the word vectors of several languages (:class:`AlignedSpace`).

The vectors are already mapped into one space (:mod:`xproj.align`); this class holds them by
language, answers word lookups with the out-of-vocabulary policy of
:class:`xproj.lang.VocabularyLookup`, and gives the SIF word probabilities
(:mod:`xproj.features` reads them).
"""

from __future__ import annotations

import numpy as np

from .errors import ShapeError, UnknownLanguageError
from .vectors import WordVectors


class AlignedSpace:
    """Vectors of several languages in one space: ``{lang: WordVectors}``.

    Build it from already-mapped vectors, or with :meth:`from_mappings`. Shared, never
    copied: ``copy.deepcopy`` (and so ``sklearn.clone``) returns the same object, since the
    matrices can be gigabytes and are treated as read-only.

    Examples
    --------
    >>> import numpy as np
    >>> from xproj.vectors import WordVectors
    >>> space = AlignedSpace({"en": WordVectors(["good"], np.ones((1, 2)))})
    >>> space.languages
    ['en']
    """

    def __init__(self, spaces: dict):
        if not spaces:
            raise ValueError("an AlignedSpace needs at least one language")
        dims = {lang: wv.dim for lang, wv in spaces.items()}
        if len(set(dims.values())) != 1:
            raise ShapeError("languages have different dimensions: " + ", ".join(
                f"{wv.describe()} {wv.dim}-d" for wv in spaces.values()))
        self.spaces = dict(spaces)
        self._lookups = {}
        self._sif_prob = {}

    @classmethod
    def from_mappings(cls, pivot_lang: str, pivot: WordVectors, others: dict):
        """``others``: ``{lang: (WordVectors, VectorMapping onto the pivot)}``. The pivot goes
        through the mappings' target side (normalised; also mapped by two-sided recipes);
        every other language through its mapping's source side."""
        spaces = {}
        first = None
        for lang, (wv, mapping) in others.items():
            spaces[lang] = mapping.transform(wv)
            if first is not None and not mapping.same_target_side(first):
                raise ValueError("all mappings onto one pivot must treat it alike (one normalisation, "
                                 "one target-side matrix): fit them with xproj.align.align_to_pivot, "
                                 "which leaves the pivot side alone")
            first = first or mapping
        from .vectors import normalize

        spaces[pivot_lang] = first.transform(pivot, side="target") if first else normalize(pivot, "")
        return cls(spaces)

    @property
    def languages(self):
        return sorted(self.spaces)

    @property
    def dim(self):
        return next(iter(self.spaces.values())).dim

    def __getitem__(self, lang) -> WordVectors:
        try:
            return self.spaces[lang]
        except KeyError:
            raise UnknownLanguageError(
                f"no vectors for language {lang!r} in this space; it has {self.languages}") from None

    def __contains__(self, lang):
        return lang in self.spaces

    def __deepcopy__(self, memo):
        return self

    def __getstate__(self):
        return {"spaces": self.spaces}

    def __setstate__(self, state):
        self.__init__(state["spaces"])

    def lookup(self, lang, fallback=None):
        """token -> row mapping of a language (-1 for OOV), backed by its
        :class:`~xproj.lang.VocabularyLookup` (token, lowercase, lemma, accent-stripped,
        compound head). ``fallback``: another language of the space whose vector stands for
        a token that ``lang`` has none for (its rows numbered after ``lang``'s, see
        :meth:`row_blocks`); ignored for ``lang`` itself."""
        fallback = self._fallback(lang, fallback)
        key = lang if fallback is None else (lang, fallback)
        if key not in self._lookups:
            from .lang.lookup import VocabularyLookup

            other = None
            if fallback is not None:  # the other language's word as it is (or lower-cased)
                other = VocabularyLookup(self[fallback], None, lemmatize=False, strip_accents=False,
                                         split_compounds=False)
            lookup = VocabularyLookup(self[lang], _lemma_lang(lang), compound_lang=lang, fallback=other,
                                      fallback_offset=len(self[lang]))
            self._lookups[key] = _RowCache(lookup)
        return self._lookups[key]

    def row_blocks(self, lang, fallback=None) -> list:
        """The vectors that :meth:`lookup`'s rows index, in order: ``[lang's]`` or ``[lang's,
        fallback's]`` (rows ``len(lang's)`` and above are the fallback's)."""
        fallback = self._fallback(lang, fallback)
        return [self[lang]] + ([self[fallback]] if fallback is not None else [])

    def _fallback(self, lang, fallback):
        if fallback is None or fallback == lang:
            return None
        self[fallback]  # an unknown language is an error, never silently no fallback
        return fallback

    def sif_probability(self, lang, fallback=None) -> np.ndarray:
        """Zipf estimate of each word's probability from its rank in the vector file (for the
        rows of :meth:`row_blocks`: each block's own estimate)."""
        if self._fallback(lang, fallback) is not None:
            return np.concatenate([self.sif_probability(wv_lang) for wv_lang in (lang, fallback)])
        if lang not in self._sif_prob:
            n = len(self[lang])
            p = 1.0 / (np.arange(n, dtype=np.float64) + 2.7)
            self._sif_prob[lang] = (p / p.sum()).astype(np.float32)
        return self._sif_prob[lang]


def _lemma_lang(lang):
    from .lang.base import lemma_table_languages

    try:
        return lang if lang in lemma_table_languages() else None
    except Exception:  # spacy-lookups-data missing: no lemma step
        return None


def _as_space(space):
    if isinstance(space, AlignedSpace):
        return space
    if isinstance(space, WordVectors):
        return AlignedSpace({space.lang or "xx": space})
    if isinstance(space, dict):
        return AlignedSpace(space)
    raise TypeError(f"space must be an AlignedSpace, a WordVectors or a dict lang -> WordVectors, got {type(space).__name__}")


class _RowCache(dict):
    """token -> vector row (-1 when out of vocabulary); misses go through the lookup's
    fallback chain once. Indexing it from C (``map(cache.__getitem__, tokens)``) keeps the
    per-token cost of featurisation to one dict access."""

    def __init__(self, lookup):
        super().__init__()
        self.find = lookup.find

    def __missing__(self, token):
        row = self[token] = self.find(token)
        return row
