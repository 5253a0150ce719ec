"""Vocabulary-aware token lookup with a fallback chain, and OOV statistics.

The document featuriser needs, for each token, the row of its vector. Tokenizer output and
vector vocabularies rarely agree exactly (case, inflection, accents), so
:class:`VocabularyLookup` tries, in order:

1. the token as is;
2. its lower-case form;
3. its lemma (spaCy lookup table of the language, when spacy-lookups-data has one;
   skipped silently otherwise, e.g. for Basque, Chinese, Japanese, Arabic);
4. its accent-stripped form (lower case, then lemma), then the most frequent vector word
   spelt the same without accents and with "ß" as "ss" (user text drops accents: "tres" ->
   "très", "drole" -> "drôle", Swiss and ASCII German writes "scheisse" for "scheiße");
5. for a language that writes compounds as one word (:data:`~xproj.lang.compounds.COMPOUND_LANGUAGES`:
   German), the head of the word split into known parts (``halsschmerzen`` -> ``schmerzen``,
   :func:`~xproj.lang.compounds.split_compound`);
6. for negation-marked tokens (``NEG_good``), the same chain on the unmarked word;
7. with a ``fallback`` lookup (another language's vocabulary in the same aligned space,
   e.g. the English source's for a German target), that vocabulary's row for the word,
   numbered after this vocabulary's rows (``fallback_offset + row``): code-switched text
   (English ``lol``, ``happy``, ``nice`` in German tweets) keeps its words.

Results are cached per token string, so a corpus costs one dict lookup per token after its
vocabulary has been seen.

Examples
--------
>>> vocab = {"the": 0, "room": 1, "habitacion": 2}
>>> lk = VocabularyLookup(vocab, "en")
>>> lk.find("Rooms"), lk.find("zzz")
(1, -1)
>>> lk.rows(["The", "rooms"]).tolist()
[0, 1]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from ..errors import ResourceNotFoundError
from .compounds import COMPOUND_LANGUAGES, split_compound
from .normalize import fold_spelling, strip_accents

__all__ = ["VocabularyLookup", "oov_rate"]

# Which step of the chain found a token (index into the counts of oov_report()).
_STEPS = ("exact", "lower", "lemma", "accents", "negated", "compound", "fallback")


def _as_index(vocab) -> Mapping[str, int]:
    index = getattr(vocab, "index", None)
    if isinstance(index, Mapping):  # WordVectors and friends
        return index
    if isinstance(vocab, Mapping):
        return vocab
    if isinstance(vocab, (set, frozenset)):
        # Sets have no order: sort so that rows are at least reproducible.
        return {w: i for i, w in enumerate(sorted(vocab))}
    if isinstance(vocab, Iterable) and not isinstance(vocab, (str, bytes)):
        index = {}
        for i, w in enumerate(vocab):
            index.setdefault(w, i)  # first occurrence wins, as in frequency-sorted files
        return index
    raise TypeError(
        "vocab must have an .index mapping (e.g. WordVectors), be a mapping word -> row, "
        f"or an iterable of words; got {type(vocab).__name__}"
    )


class VocabularyLookup:
    """Find the vector row of tokens, trying normalised variants when the exact form is absent.

    Parameters
    ----------
    vocab : WordVectors, mapping or iterable of str
        Anything with a ``.index`` dict word -> row (xproj's ``WordVectors``), a mapping
        word -> row, or a sequence/set of words (row = position; sets are sorted first).
    lang : str, optional
        ISO 639-1 code, used for the lemma step. ``None`` or a language without a lemma
        table skips that step.
    lemmatize : bool, default True
        Try lemmas (needs spacy-lookups-data; silently skipped when absent, see
        :attr:`has_lemmas`).
    strip_accents : bool, default True
        Try accent-stripped forms, and vector words that differ from the token only by
        accents or "ß" (:func:`~xproj.lang.normalize.fold_spelling`).
    negation_prefix : str or None, default "NEG_"
        Tokens starting with it that are not in the vocabulary are looked up without it.
    split_compounds : bool, default True
        Split unknown words of a :data:`~xproj.lang.compounds.COMPOUND_LANGUAGES` language
        into known parts, the head's row standing for the word.
    compound_lang : str or None, optional
        That language, when it is not ``lang`` (``lang`` is ``None`` for a language without
        an installed lemma table).
    fallback : VocabularyLookup or None, optional
        Looked up last, for a token no step of this chain finds (the whole token: negation
        marks and compound parts are handled by this chain first).
    fallback_offset : int, default 0
        Added to the fallback's rows (the number of rows of this vocabulary's vectors), so
        that one row number says which vocabulary it belongs to.

    Attributes
    ----------
    has_lemmas : bool
        Whether a lemma table is in use.

    Examples
    --------
    >>> lk = VocabularyLookup(["hotel", "limpio", "habitacion"], "es")
    >>> [lk.find(t) for t in ["Hoteles", "limpias", "habitación", "NEG_limpio"]]
    [0, 1, 2, 1]
    """

    def __init__(self, vocab, lang: str | None = None, *, lemmatize: bool = True,
                 strip_accents: bool = True, negation_prefix: str | None = "NEG_",
                 split_compounds: bool = True, compound_lang: str | None = None,
                 fallback: VocabularyLookup | None = None, fallback_offset: int = 0):
        self.index = _as_index(vocab)
        self.fallback = fallback
        self.fallback_offset = int(fallback_offset)
        self.lang = lang
        self.compound_lang = (compound_lang or lang) if split_compounds else None
        self.strip_accents = strip_accents
        self.negation_prefix = negation_prefix or None
        self._lemmas = None
        if lemmatize and lang:
            from .base import load_lemma_table  # noqa: PLC0415  (imports spaCy lazily)

            try:
                self._lemmas = load_lemma_table(lang)
            except (ImportError, ResourceNotFoundError):
                self._lemmas = None  # documented: the lemma step is skipped
        self._cache: dict[str, tuple[int, int]] = {}
        self._folded_index: dict[str, int] | None = None

    @property
    def has_lemmas(self) -> bool:
        return self._lemmas is not None

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, token) -> bool:
        return self.find(token) >= 0

    def _search(self, token: str, compounds: bool = True) -> tuple[int, int]:
        """(row, step) or (-1, -1): the uncached fallback chain (``compounds``: a whole token,
        with the compound and fallback steps; a compound's parts are looked up without them,
        so that a German word is never split into English parts)."""
        index = self.index
        row = index.get(token)
        if row is not None:
            return row, 0
        low = token.lower()
        if low != token and (row := index.get(low)) is not None:
            return row, 1
        lemma = None
        if self._lemmas is not None:
            lemma = self._lemmas.get(low)
            if lemma and lemma != low and (row := index.get(lemma)) is not None:
                return row, 2
        if self.strip_accents:
            for form in (low, lemma):
                if form:
                    bare = strip_accents(form)
                    if bare != form and (row := index.get(bare)) is not None:
                        return row, 3
            if (row := self._folded().get(fold_spelling(low))) is not None:
                return row, 3
        if compounds and self.compound_lang in COMPOUND_LANGUAGES:
            parts = split_compound(low, self._known_part, self.compound_lang)
            if parts:
                return self._search(parts[-1], compounds=False)[0], 5
        prefix = self.negation_prefix
        if prefix and token.startswith(prefix) and len(token) > len(prefix):
            row, _ = self._search(token[len(prefix):])
            if row >= 0:
                return row, 4
        if compounds and self.fallback is not None and (row := self.fallback.find(token)) >= 0:
            return self.fallback_offset + row, 6
        return -1, -1

    def _known_part(self, part: str) -> bool:
        """Whether a compound's part has a vector (the chain without splitting)."""
        return self._search(part, compounds=False)[0] >= 0

    def _folded(self) -> dict[str, int]:
        """``{folded spelling: row}`` of the vector words that folding changes, the most
        frequent (lowest row) first; built on the first miss."""
        if self._folded_index is None:
            folded: dict[str, int] = {}
            for word, row in self.index.items():
                key = word if word.isascii() else fold_spelling(word)
                if key != word and row < folded.get(key, row + 1):
                    folded[key] = row
            self._folded_index = folded
        return self._folded_index

    def _lookup(self, token: str) -> tuple[int, int]:
        hit = self._cache.get(token)
        if hit is None:
            if not isinstance(token, str):
                raise TypeError(f"tokens must be str, got {type(token).__name__}")
            hit = self._cache[token] = self._search(token)
        return hit

    def find(self, token: str) -> int:
        """Row of `token` (via the fallback chain) or -1 when out of vocabulary."""
        return int(self._lookup(token)[0])

    def rows(self, tokens):
        """Rows of a token sequence as an int64 array (-1 for OOV tokens).

        Examples
        --------
        >>> VocabularyLookup({"good": 3}).rows(["Good", "bad"]).tolist()
        [3, -1]
        """
        if isinstance(tokens, str):
            raise TypeError("rows() expects a sequence of tokens, not a str")
        import numpy as np  # noqa: PLC0415  (keeps `import xproj.lang` cheap)

        lookup = self._lookup
        return np.fromiter((lookup(t)[0] for t in tokens), dtype=np.int64)

    def oov_report(self, docs, top: int = 20) -> dict:
        """Out-of-vocabulary statistics over tokenised documents.

        Parameters
        ----------
        docs : iterable of sequences of str
            Token lists, e.g. the output of ``Preprocessor.pipe``.
        top : int, default 20
            How many of the most frequent OOV tokens to list.

        Returns
        -------
        dict
            ``n_tokens``, ``n_types``, ``oov_tokens``, ``oov_types``, ``token_oov_rate``,
            ``type_oov_rate`` (0.0 when there are no tokens), ``top_oov`` (list of
            ``(token, count)``, most frequent first) and ``found_by`` (how many tokens each
            step of the fallback chain resolved: exact, lower, lemma, accents, negated,
            compound, fallback).

        Examples
        --------
        >>> r = VocabularyLookup({"good": 0}).oov_report([["good", "bad"], ["bad"]])
        >>> r["token_oov_rate"], r["type_oov_rate"], r["top_oov"]
        (0.6666666666666666, 0.5, [('bad', 2)])
        """
        counts: Counter = Counter()
        for i, doc in enumerate(docs):
            if isinstance(doc, str):
                raise TypeError(
                    f"docs[{i}] is a str: oov_report() expects token lists (run a "
                    "preprocessor first)"
                )
            counts.update(doc)
        found_by = dict.fromkeys(_STEPS, 0)
        oov = Counter()
        for tok, n in counts.items():
            row, step = self._lookup(tok)
            if row < 0:
                oov[tok] = n
            else:
                found_by[_STEPS[step]] += n
        n_tokens, n_types = sum(counts.values()), len(counts)
        oov_tokens, oov_types = sum(oov.values()), len(oov)
        return {
            "n_tokens": n_tokens,
            "n_types": n_types,
            "oov_tokens": oov_tokens,
            "oov_types": oov_types,
            "token_oov_rate": oov_tokens / n_tokens if n_tokens else 0.0,
            "type_oov_rate": oov_types / n_types if n_types else 0.0,
            "top_oov": oov.most_common(top),
            "found_by": found_by,
        }


def oov_rate(docs, vocab, lang: str | None = None) -> float:
    """Token out-of-vocabulary rate of tokenised `docs` against `vocab` (fallbacks included).

    Examples
    --------
    >>> oov_rate([["good", "hotel"], ["bad"]], {"good", "hotel"})
    0.3333333333333333
    """
    return VocabularyLookup(vocab, lang).oov_report(docs, top=0)["token_oov_rate"]
