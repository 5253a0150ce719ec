"""Orthography-aware dictionary induction for refinement (Riley and Gildea, 2018).

Words spelt alike are often translations between languages of one script (``hotel``/``hotel``,
``nation``/``nación``). :func:`induce_with_orthography` induces refinement pairs by CSLS plus
``weight`` times the orthographic similarity of the two words (:func:`edit_similarity`: one
minus the Levenshtein distance over the longer length, accents removed). Only the dictionary the
mapping is fitted on changes; retrieval and every reported P@1 stay pure CSLS.

The orthographic term is computed for each word's ``shortlist`` most similar words by cosine
(the candidates :func:`xproj._bidirectional.first_passes` keeps anyway), never for a whole
vocabulary x vocabulary matrix: a word's pair is the best of its shortlist by CSLS + ``weight``
x similarity, unless its plain CSLS best (exact, over all words) scores higher on its own.

Words of another script are compared through their language's transliteration when it declares
one (:func:`xproj.lang.script.get_transliterator`; Japanese: katakana loanwords in Latin
letters, ホテル -> ``hoter`` against ``hotel``), with ``transliterate=True``; a pair of languages
without one is compared as written.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import numpy as np

from .._bidirectional import INDUCTION_MODES, best_from_passes, first_passes, pairs_from_best

#: candidates per word that get the orthographic term (cosine neighbours)
SHORTLIST = 16
#: pairs compared in one vectorised batch (memory: a few arrays of batch x (longest word + 1))
_BATCH = 16384


def _skeleton(word: str) -> str:
    """``word`` without combining marks (``nación`` -> ``nacion``), NFC otherwise."""
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _distinct(words: list[str]) -> tuple[np.ndarray, list[str]]:
    """Each item's row among the distinct words (first-seen order), and those words: a
    shortlist repeats every word many times, so per-word work is done once."""
    index: dict[str, int] = {}
    rows = np.fromiter((index.setdefault(w, len(index)) for w in words), dtype=np.int64, count=len(words))
    return rows, list(index)


def _codes(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of ``words`` in a (len(words), longest or 1) int32 array padded with -1, and
    their lengths."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    out = np.full((len(words), max(int(lengths.max(initial=0)), 1)), -1, dtype=np.int32)
    for i, w in enumerate(words):
        if w:
            out[i, :len(w)] = np.frombuffer(w.encode("utf-32-le"), dtype=np.int32)
    return out, lengths


def levenshtein(a: list[str], b: list[str]) -> np.ndarray:
    """Edit distances (insertions, deletions, substitutions, cost 1) of the pairs ``a[i], b[i]``,
    vectorised over the pairs: the dynamic programme runs one cell at a time for every pair of a
    batch, the batch sorted by length so short words are not padded to the longest."""
    if len(a) != len(b):
        raise ValueError(f"levenshtein: {len(a)} words against {len(b)}")
    (ra, da), (rb, db) = _distinct(a), _distinct(b)
    return _levenshtein_rows(ra, *_codes(da), rb, *_codes(db))


def _levenshtein_rows(ra, A, La, rb, B, Lb):
    """:func:`levenshtein` of the pairs ``(ra[i], rb[i])``, rows of the distinct words' code
    points ``A``, ``B`` with lengths ``La``, ``Lb``."""
    la, lb = La[ra], Lb[rb]
    out = np.empty(len(ra), dtype=np.int64)
    order = np.argsort(np.maximum(la, lb), kind="stable")
    for start in range(0, len(order), _BATCH):
        idx = order[start:start + _BATCH]
        wa, wb = max(int(la[idx].max(initial=0)), 1), max(int(lb[idx].max(initial=0)), 1)
        out[idx] = _levenshtein_batch(A[ra[idx], :wa], B[rb[idx], :wb], la[idx], lb[idx])
    return out


def _levenshtein_batch(A, B, la, lb):
    wa, wb = int(la.max(initial=0)), int(lb.max(initial=0))
    n = len(A)
    prev = np.broadcast_to(np.arange(wb + 1, dtype=np.int64), (n, wb + 1)).copy()
    out = prev[np.arange(n), lb].copy()  # la == 0: the distance is len(b)
    for i in range(1, wa + 1):
        cur = np.empty_like(prev)
        cur[:, 0] = i
        sub = A[:, i - 1:i] != B  # (n, wb) substitution costs of row i
        diag = prev[:, :-1] + sub
        up = prev[:, 1:] + 1
        best = np.minimum(diag, up)
        for j in range(1, wb + 1):  # the left neighbour is this row's own, hence the loop
            np.minimum(best[:, j - 1], cur[:, j - 1] + 1, out=cur[:, j])
        done = la == i
        out[done] = cur[done, lb[done]]
        prev = cur
    return out


def edit_similarity(a: list[str], b: list[str]) -> np.ndarray:
    """``1 - levenshtein / max(len)`` of the pairs ``a[i], b[i]`` after removing accents
    (float32 in [0, 1]; two empty strings: 1)."""
    if len(a) != len(b):
        raise ValueError(f"levenshtein: {len(a)} words against {len(b)}")
    (ra, da), (rb, db) = _distinct(a), _distinct(b)
    (A, La), (B, Lb) = _codes([_skeleton(w) for w in da]), _codes([_skeleton(w) for w in db])
    longest = np.maximum(np.maximum(La[ra], Lb[rb]), 1).astype(np.float64)
    return (1.0 - _levenshtein_rows(ra, A, La, rb, B, Lb) / longest).astype(np.float32)


def pair_transliterators(src_lang, tgt_lang) -> dict[str, tuple[str, Callable[[str], str]]]:
    """``{"src"|"tgt": (name, function)}`` for the sides whose language declares a
    transliteration (:func:`xproj.lang.script.get_transliterator`); empty for most pairs."""
    from ..lang.script import get_transliterator  # noqa: PLC0415  (xproj.lang is imported lazily)

    found = {"src": get_transliterator(src_lang), "tgt": get_transliterator(tgt_lang)}
    return {side: t for side, t in found.items() if t is not None}


def _best_with_bonus(A, B, a_words, b_words, r_a, r_b, cols, sims, plain, weight):
    """Per row of ``A``: the best of its cosine shortlist ``cols`` by CSLS + weight x edit
    similarity, or its exact plain-CSLS best ``plain`` when that scores higher alone."""
    n, m = cols.shape
    rows = np.repeat(np.arange(n), m)
    bonus = edit_similarity([a_words[i] for i in rows], [b_words[j] for j in cols.ravel()]).reshape(n, m)
    scored = 2 * sims - r_a[:, None] - r_b[cols] + np.float32(weight) * bonus
    pick = np.argmax(scored, axis=1)
    best_cols, best_scores = cols[np.arange(n), pick], scored[np.arange(n), pick]
    plain_scores = 2 * np.einsum("ij,ij->i", A, B[plain]) - r_a - r_b[plain]
    return np.where(plain_scores > best_scores, plain, best_cols)


def induce_with_orthography(X, Z, src_words, tgt_words, *, weight, k=10, mode="mutual",
                            shortlist=SHORTLIST, transliterators=None):
    """Translation pairs ``(src_row, tgt_row)`` from nearest neighbours by CSLS + ``weight`` x
    :func:`edit_similarity` (see the module docstring for the candidates).

    Parameters
    ----------
    X, Z : arrays (n_x, d), (n_z, d)
        The mapped, unit-normalised rows among which pairs are induced.
    src_words, tgt_words : sequences of str
        The words of those rows.
    weight : float
        0 = plain CSLS (:func:`xproj.align.fit.induce_dictionary`).
    k : int
        CSLS neighbourhood.
    mode : {"mutual", "forward", "union"}
        As :func:`xproj.align.fit.induce_dictionary`.
    transliterators : dict, optional
        ``{"src"|"tgt": (name, function)}`` (:func:`pair_transliterators`): that side's words are
        compared in the spelling the function gives them.
    """
    if mode not in INDUCTION_MODES:
        raise ValueError(f"induction: {mode!r} is not one of {INDUCTION_MODES}")
    X = np.ascontiguousarray(X, dtype=np.float32)
    Z = np.ascontiguousarray(Z, dtype=np.float32)
    passes = first_passes(X, Z, k, shortlist)  # one pass each way: the plain best and the candidates
    fwd, bwd = best_from_passes(passes, X, Z)
    if weight:
        (r_x, x_cols, x_sims), (r_z, z_cols, z_sims) = passes
        src_words, tgt_words = list(src_words), list(tgt_words)
        transliterators = transliterators or {}
        if "src" in transliterators:
            src_words = [transliterators["src"][1](w) for w in src_words]
        if "tgt" in transliterators:
            tgt_words = [transliterators["tgt"][1](w) for w in tgt_words]
        fwd = _best_with_bonus(X, Z, src_words, tgt_words, r_x, r_z, x_cols, x_sims, fwd, weight)
        bwd = _best_with_bonus(Z, X, tgt_words, src_words, r_z, r_x, z_cols, z_sims, bwd, weight)
    return pairs_from_best(fwd, bwd, mode)
