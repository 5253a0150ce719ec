"""Dictionary anchoring: words a bilingual dictionary translates pulled toward their translations.

A mapping learnt from a few thousand pairs places each word only roughly (lexicon induction
P@1 0.04-0.18 on the shared 100-d spaces), while the dictionary it was learnt from says exactly
what its own words mean. After alignment, :func:`anchor_to_dictionary` moves every dictionary
word of one language (``move``) toward the mean of its translations' vectors in the other::

    z_w <- unit((1 - a) * z_w + a * mean(x_t for t in translations(w)))

``a = 0`` leaves the space as it is, ``a = 1`` puts a dictionary word exactly on its
translations (word-by-word translation for known words, the mapping for all others). Both
sides are unit-length vectors in the run's aligned space (``alignment.normalization``), so the
blend is brought back to unit length; the per-language statistics
(:mod:`xproj.standardize`) are learnt afterwards on the anchored vectors. Memory: one copy
of the moved language's matrix (float32) and one row per dictionary pair; nothing quadratic.

``alignment.dictionary_anchor`` (a run option, the strength ``a``, default 0.5) moves the
target language's words toward their mapped English translations; the English side stays as
the model was trained on it. Chosen on the dev parts of the seven shared target sets, never a
test part (``bench/dictionary_and_mapping.py``, opener-en-multi's refined mappings): mean
macro-F1 0.651 (a = 0), 0.669 (0.5), 0.664 (0.75), 0.662 (1); 0.5 gains on five sets (es +0.023,
zh +0.023 and +0.008, de +0.050, fr +0.021) and is level on two (fr restaurants -0.001, ja -0.003).
Moving the English words instead (``move="source"``) helped ja but lost on both zh sets.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .features import AlignedSpace

#: which language's dictionary words move: the target's toward the source ("target", what
#: the run option does), or the source's toward the target ("source", measured only).
MOVES = ("target", "source")


@dataclass(frozen=True)
class AnchorRecord:
    """What :func:`anchor_to_dictionary` did (kept in a run's ``metrics.json``)."""

    strength: float
    moved_lang: str        # the language whose words moved
    toward_lang: str       # the language of the translations they moved toward
    pairs_used: int        # dictionary pairs with both words in the space
    words_moved: int       # distinct words of ``moved_lang`` that moved
    vocabulary: int        # words of ``moved_lang`` in the space

    def as_dict(self) -> dict:
        return asdict(self)


def anchor_to_dictionary(space: AlignedSpace, pairs, src: str, tgt: str, strength: float,
                         move: str = "target") -> tuple[AlignedSpace, AnchorRecord]:
    """A new space where ``move``'s dictionary words are pulled toward their translations.

    Parameters
    ----------
    space : AlignedSpace
        Holds ``src`` and ``tgt`` in one space (unit-length rows, as a run's aligned space).
    pairs : iterable of (str, str)
        ``(src word, tgt word)`` dictionary pairs; pairs with a word outside the space are
        skipped. A word with several translations moves toward their mean.
    strength : float in [0, 1]
        0: nothing moves; 1: a dictionary word is placed at its translations' mean.
    move : {"target", "source"}
        Whose words move: ``tgt``'s toward ``src`` (default) or ``src``'s toward ``tgt``.

    Returns
    -------
    (AlignedSpace, AnchorRecord)
        The input space is not modified; other languages are shared with it.

    Examples
    --------
    >>> from xproj.vectors import WordVectors
    >>> s = AlignedSpace({"en": WordVectors(["good"], [[1.0, 0.0]]),
    ...                   "es": WordVectors(["bueno", "casa"], [[0.0, 1.0], [0.6, 0.8]])})
    >>> out, record = anchor_to_dictionary(s, [("good", "bueno")], "en", "es", 1.0)
    >>> out["es"]["bueno"].tolist(), record.words_moved
    ([1.0, 0.0], 1)
    """
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"strength must be in [0, 1], got {strength}")
    if move not in MOVES:
        raise ValueError(f"move must be one of {MOVES}, got {move!r}")
    moved, toward = (tgt, src) if move == "target" else (src, tgt)
    moving, anchors = space[moved], space[toward]
    rows_moved, rows_toward = _pair_rows(pairs, moving, anchors, moved_first=move == "source")
    words = np.unique(rows_moved)
    record = AnchorRecord(float(strength), moved, toward, int(len(rows_moved)),
                          int(len(words)) if strength > 0 else 0, len(moving))
    if strength == 0 or not len(words):
        return space, record
    targets = _mean_by_row(rows_moved, anchors.vectors[rows_toward], words)
    M = np.array(moving.vectors, dtype=np.float32, copy=True)
    blend = (1.0 - strength) * M[words] + strength * targets
    norms = np.linalg.norm(blend, axis=1, keepdims=True)
    norms[norms == 0] = 1  # a word exactly opposite its translations' mean stays at zero
    # Each moved word keeps its own length (1 after the default unit,center,unit; not after a
    # two-sided recipe or other normalisations): lengths weigh words in mean pooling.
    M[words] = blend / norms * np.linalg.norm(M[words], axis=1, keepdims=True)
    return AlignedSpace({**space.spaces, moved: moving.with_vectors(M)}), record


def _pair_rows(pairs, moving, anchors, *, moved_first):
    """Row arrays (moving word, translation) of the pairs with both words in the space."""
    got_m, got_a = moving.index.get, anchors.index.get
    out_m, out_a = [], []
    for s_word, t_word in pairs:
        m_word, a_word = (s_word, t_word) if moved_first else (t_word, s_word)
        i, j = got_m(m_word), got_a(a_word)
        if i is not None and j is not None:
            out_m.append(i)
            out_a.append(j)
    return np.asarray(out_m, dtype=np.int64), np.asarray(out_a, dtype=np.int64)


def _mean_by_row(rows, values, unique_rows):
    """Mean of ``values`` grouped by ``rows``, in the order of ``unique_rows`` (sorted)."""
    group = np.searchsorted(unique_rows, rows)
    sums = np.zeros((len(unique_rows), values.shape[1]), dtype=np.float64)
    np.add.at(sums, group, values)
    counts = np.bincount(group, minlength=len(unique_rows))
    return (sums / counts[:, None]).astype(np.float32)
