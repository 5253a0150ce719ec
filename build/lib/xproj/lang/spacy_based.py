"""Preprocessors built on spaCy's rule-based tokenizers (``spacy.blank(code)``, no model).

Used by the European languages (:mod:`xproj.lang.european`) and Arabic (:mod:`xproj.lang.ar`).
Only ``nlp.tokenizer`` is run, never the pipeline: a blank pipeline has no components
anyway, and calling the tokenizer directly skips ``Language.__call__`` overhead. Texts over
``nlp.max_length`` characters are still tokenised in pieces (:mod:`xproj.lang.limits`), so
that they never meet spaCy's limit whichever way the pipeline is called; long documents are
fine (use ``max_tokens`` to truncate).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from .base import Preprocessor, load_lemma_table

__all__ = ["SpacyPreprocessor", "blank_nlp"]


@functools.lru_cache(maxsize=None)
def blank_nlp(lang: str):
    """``spacy.blank(lang)``, built once per process and shared by all preprocessors.

    Shared objects are never modified (no special cases are added), so sharing is safe.
    """
    import spacy  # noqa: PLC0415  (heavy: imported on first use)

    return spacy.blank(lang)


class SpacyPreprocessor(Preprocessor):
    """Preprocessor using spaCy's blank tokenizer of :attr:`lang` and lookup-table lemmas.

    See :class:`xproj.lang.base.Preprocessor` for the options.

    With ``lemmatize=True`` the spaCy lookup table of the language is used (package
    spacy-lookups-data, extra ``xproj[lemmas]``). Languages without a table (Basque,
    Arabic) raise :class:`~xproj.errors.ResourceNotFoundError` at construction.

    Examples
    --------
    >>> from xproj.lang import get_preprocessor
    >>> get_preprocessor("es", lemmatize=True)("Los hoteles eran bonitos")
    ['lo', 'hotel', 'ser', 'bonito']
    """

    def _setup(self) -> None:
        self._nlp = blank_nlp(self.lang)
        # Loaded here, not lazily, so that a missing table fails at construction time.
        self._lemmas = load_lemma_table(self.lang) if self.lemmatize else None

    def _transient_attrs(self):
        return ("_nlp", "_lemmas")

    def _input_limits(self):
        return None, self._nlp.max_length

    def _tokenize_batch(self, texts: list[str], batch_size: int) -> Iterable[list[str]]:
        tokenizer = self._nlp.tokenizer
        if len(texts) == 1:
            return [[t.text for t in tokenizer(texts[0])]]
        return ([t.text for t in doc] for doc in tokenizer.pipe(texts, batch_size=batch_size))

    def _lemma(self, word: str) -> str:
        return self._lemmas.get(word, word)
