"""Word-by-word translation through a seed dictionary, as a second voter of the classifier.

:meth:`xproj.model.CrossLingualClassifier.add_translations` keeps a language's
:class:`Translations`; with ``translation_weight = w > 0`` the model's probabilities of a
document of that language are ``(1 - w) * p(document as the language) + w * p(its word-by-word
translation as the source language)`` (late fusion: where the mapping of a small, noisy space
is wrong, the dictionary often knows the word; bench/README.md, ``dictionary_and_mapping.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def first_translations(pairs) -> dict:
    """``{target word: source word}`` from ``(source word, target word)`` pairs: the first
    translation of each target word, in dictionary order (as the word-by-word baseline)."""
    table = {}
    for s_word, t_word in pairs:
        table.setdefault(t_word, s_word)
    return table


def translate(docs, table, negation_prefix: str | None = "NEG_") -> list:
    """Each token replaced by its translation in ``table``; tokens without one are kept (a
    word spelt the same in both languages, a name, a number still has a vector). A token
    marked as negated (``preprocess.negation``: ``NEG_bueno``) keeps its mark on the
    translation (``NEG_good``), so the source side reads the same negation scope.

    >>> translate([["NEG_bueno", "hotel", "malo"]], {"bueno": "good", "malo": "bad"})
    [['NEG_good', 'hotel', 'bad']]
    """
    def one(w):
        if w in table:
            return table[w]
        if negation_prefix and w.startswith(negation_prefix) and w[len(negation_prefix):] in table:
            return negation_prefix + table[w[len(negation_prefix):]]
        return w

    return [[one(w) for w in doc] for doc in docs]


@dataclass(frozen=True)
class Translations:
    """A language's word-by-word translation table and what it came from (for reports)."""

    table: dict = field(repr=False)
    origin: str = "seed dictionary"

    @classmethod
    def from_pairs(cls, pairs, origin="seed dictionary") -> Translations:
        table = first_translations(pairs)
        if not table:
            raise ValueError(f"{origin}: no translation pairs")
        return cls(table, origin)

    def describe(self, weight) -> str:
        """One line, e.g. ``"translation vote 0.25 (12,345 words of the seed dictionary)"``;
        ``"translation vote off"`` at weight 0."""
        if not weight:
            return f"translation vote off ({len(self.table):,} words of the {self.origin} attached)"
        return f"translation vote {weight:g} ({len(self.table):,} words of the {self.origin})"

    def summary(self, weight) -> dict:
        """What a run records in ``metrics.json``."""
        return {"weight": float(weight), "words": len(self.table), "origin": self.origin}


def mix(own, translated, weight):
    """``(1 - weight) * own + weight * translated``, row by row (elementwise: a row's result
    does not depend on the other rows)."""
    return (1.0 - weight) * np.asarray(own) + weight * np.asarray(translated)


class TranslationVote:
    """The translation vote's part of :class:`~xproj.model.CrossLingualClassifier`: attaching a
    language's translations and saying whether they vote. The mixing itself is in the
    classifier's ``predict_proba`` / ``decision_function``."""

    def __setstate__(self, state):
        # models saved before the translation vote: off
        super().__setstate__({"translation_weight": 0.0, **state})

    def add_translations(self, lang, pairs, *, origin="seed dictionary"):
        """Attach ``lang``'s word-by-word translation (``(source word, ``lang`` word)`` pairs,
        the first translation of each word kept) for the translation vote
        (``translation_weight``); kept and saved with the model until replaced.

        Calibration maps each side's scores (both are the estimator's scores); the two
        calibrated probabilities are mixed, and ``lang``'s prior (:meth:`adapt_priors`, which
        this drops: call it afterwards) re-weights the mix, which refers to the source prior as
        both sides do.
        """
        self._check_fitted()
        if lang == self.fitted_lang_:
            raise ValueError(f"{lang!r} is the training language: it needs no translation")
        self._translations()[lang] = Translations.from_pairs(pairs, origin)
        self._target_priors().pop(lang, None)  # estimated on the probabilities without the vote
        return self

    def _translations(self) -> dict:
        # models saved before the translation vote have none
        if getattr(self, "translations_", None) is None:
            self.translations_ = {}
        return self.translations_

    def _vote(self, lang) -> Translations | None:
        """``lang``'s translations when they vote (weight > 0), else None."""
        if not self.translation_weight or not isinstance(lang, str):
            return None
        return self._translations().get(lang)

    def translation_vote(self, lang) -> dict | None:
        """What a run records of ``lang``'s translation vote: ``weight``, ``words``, ``origin``
        (None without translations)."""
        found = self._translations().get(lang)
        return None if found is None else found.summary(self.translation_weight)

    def _check_fitted(self):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "pipeline_")
