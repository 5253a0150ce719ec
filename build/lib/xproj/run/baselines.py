"""Baselines computed beside the method in the same run, as a registry of named functions.

Each entry of :data:`BASELINES` is ``name -> (row title, f(target) -> scores or None)``;
``None`` means the baseline has no resources for this target (e.g. no machine-translated
test set) and its row is left out. ``evaluation.baselines`` names the ones to run; its
allowed values are this registry's keys.
"""

from __future__ import annotations

import numpy as np


def majority(t):
    """Every test document gets the most frequent training label of the source."""
    ytr = t.corpus.get(t.source_lang, "train")[1]
    return t.score(np.full(len(t.y_test), np.bincount(ytr).argmax()))


def unaligned(t):
    """The same pipeline on normalised but unmapped vectors (what alignment buys)."""
    from .spaces import unaligned_space

    space = unaligned_space(t.cfg, t.vectors, t.lang)
    fitted = t.select_and_fit(space, t.source_lang)
    return t.score(fitted.model.predict(t.X_test, lang=t.lang))


def word_by_word(t):
    """Each target word replaced by its first source translation in the seed dictionary, then
    scored by the main model as source text."""
    pairs = t.target_space.dictionary
    if pairs is None or isinstance(pairs, str):
        return None
    from ..translation_vote import first_translations, translate

    translated = translate(t.X_test, first_translations(pairs))
    return t.score(t.fitted.model.predict(translated, lang=t.source_lang))


def translate_test(t):
    """The machine-translated test set (when the corpus ships one) scored as source text."""
    mt = t.corpus.extra.get(("translate-test", t.lang))
    if mt is None:
        return None
    return t.score(t.fitted.model.predict(mt[0], lang=t.source_lang), y=mt[1])


def in_language(t):
    """Trained and selected on the target's own labelled splits: the upper bound."""
    if t.corpus.get(t.lang, "train") is None:
        return None
    fitted = t.select_and_fit(t.target_space.space, t.lang)
    return t.score(fitted.model.predict(t.X_test, lang=t.lang))


BASELINES = {
    "majority": ("majority class", majority),
    "unaligned": ("unaligned vectors", unaligned),
    "word-by-word": ("word-by-word translation", word_by_word),
    "translate-test": ("machine-translated test (MT)", translate_test),
    "in-language": ("in-language upper bound", in_language),
}
