"""Bilingual dictionaries: MUSE files, train/test splits, seed dictionaries, statistics.

A dictionary is a list of ``(source, target)`` word pairs in file order (source words in
frequency order for MUSE files). A source word may have several translations.

MUSE files have one ``src tgt`` pair a line, separated by a space in most files and by a TAB
in some (en-ja, en-ca): both are accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ._io import atomic_write, open_binary
from .errors import InputFormatError, XprojError

Pairs = list  # list[tuple[str, str]]


class NoOverlapError(XprojError, ValueError):
    """No dictionary pair has both words in the vector vocabularies."""


def read_dictionary(path, *, lowercase=False, errors="raise", normalize_lang=None) -> Pairs:
    """Read a MUSE-style dictionary file (``src tgt`` a line, space or TAB separated).

    Blank lines and a byte-order mark are ignored; duplicate pairs keep their first
    occurrence. A line without
    exactly two fields raises :class:`~xproj.errors.InputFormatError` naming the line
    (``errors="skip"`` skips it). ``normalize_lang={"src": "en", "tgt": "zh"}`` brings each
    side to its language's one script (:func:`normalize_pairs`; what changed is then
    returned by that function).
    """
    path = Path(path)
    pairs, seen = [], set()
    with open_binary(path) as f:
        for lineno, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError as exc:
                if errors == "skip":
                    continue
                raise InputFormatError(path, f"not valid UTF-8 ({exc.reason})", line=lineno) from None
            if lineno == 1:  # a byte-order mark (Windows editors) would join the first word
                line = line.removeprefix("\ufeff").strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2:
                if errors == "skip":
                    continue
                raise InputFormatError(
                    path, f"expected 'source target' (2 fields), found {len(parts)}: {line[:60]!r}",
                    line=lineno)
            if lowercase:
                parts = [p.lower() for p in parts]
            pair = (parts[0], parts[1])
            if pair not in seen:
                seen.add(pair)
                pairs.append(pair)
    if not pairs:
        raise InputFormatError(path, "the dictionary has no pairs")
    if normalize_lang:
        pairs, _ = normalize_pairs(pairs, normalize_lang["src"], normalize_lang["tgt"])
    return pairs


@dataclass(frozen=True)
class ScriptNormalization:
    """What :func:`normalize_pairs` did to a dictionary (for the run report)."""

    src_lang: str
    tgt_lang: str
    src_normalizer: str      # e.g. "NFKC"
    tgt_normalizer: str      # e.g. "NFKC + OpenCC t2s"
    src_words_changed: int   # distinct words whose spelling changed
    tgt_words_changed: int
    pairs_before: int
    pairs_after: int         # fewer when two spellings of a pair merged

    def as_dict(self):
        return dict(self.__dict__)

    def describe(self) -> str:
        """One line, e.g. "en-zh: zh words to NFKC + OpenCC t2s (2,102 changed), ..."."""
        return (f"{self.src_lang}-{self.tgt_lang}: {self.src_lang} words to {self.src_normalizer} "
                f"({self.src_words_changed:,} changed), {self.tgt_lang} words to "
                f"{self.tgt_normalizer} ({self.tgt_words_changed:,} changed); "
                f"{self.pairs_before:,} -> {self.pairs_after:,} pairs")


def normalize_pairs(pairs, src_lang: str, tgt_lang: str):
    """Bring both sides of a dictionary to the one script of their language.

    Uses :func:`xproj.lang.script.get_script_normalizer` (zh: Traditional -> Simplified, others
    NFKC), so that dictionary words are spelt as in the vectors and in the preprocessed text.
    Pairs that become identical are kept once, in first-occurrence order.

    Returns
    -------
    (list of (str, str), ScriptNormalization)

    Raises
    ------
    ImportError
        A language's converter needs a missing extra (zh: ``pip install 'xproj[zh]'``).
    """
    from .lang.script import get_script_normalizer

    (src_name, to_src), (tgt_name, to_tgt) = get_script_normalizer(src_lang), get_script_normalizer(tgt_lang)
    src_map = {w: to_src(w) for w in {s for s, _ in pairs}}
    tgt_map = {w: to_tgt(w) for w in {t for _, t in pairs}}
    out = list(dict.fromkeys((src_map[s], tgt_map[t]) for s, t in pairs))
    record = ScriptNormalization(
        src_lang, tgt_lang, src_name, tgt_name,
        src_words_changed=sum(a != b for a, b in src_map.items()),
        tgt_words_changed=sum(a != b for a, b in tgt_map.items()),
        pairs_before=len(pairs), pairs_after=len(out))
    return out, record


def write_dictionary(pairs: Iterable[tuple[str, str]], path, sep=" ") -> Path:
    """Write pairs one a line (atomic)."""
    path = Path(path)
    with atomic_write(path, "w") as f:
        for s, t in pairs:
            f.write(f"{s}{sep}{t}\n")
    return path


def split_by_source(pairs: Sequence[tuple[str, str]], n_train=5000, n_test=1500):
    """Split like MUSE: the first ``n_train`` unique source words (file order) with all their
    pairs for training, the next ``n_test`` unique source words for testing."""
    order = list(dict.fromkeys(s for s, _ in pairs))
    train_src = set(order[:n_train])
    test_src = set(order[n_train:n_train + n_test])
    train = [p for p in pairs if p[0] in train_src]
    test = [p for p in pairs if p[0] in test_src]
    return train, test


def group_by_source(pairs) -> dict[str, list[str]]:
    """``{source: [targets...]}`` in file order."""
    out: dict[str, list[str]] = {}
    for s, t in pairs:
        out.setdefault(s, []).append(t)
    return out


def unseen_queries(test, seed):
    """``(test pairs, queries left out)``: ``test`` without the queries (source words) that are
    also source words of the ``seed`` pairs the mapping was fitted on.

    BLI measures what a mapping generalises to; a test query that was a seed word scores the
    fit, not the generalisation (a sentiment lexicon added to MUSE's training split shares
    160 of the en-es test split's 1,500 English words). ``seed`` that is not a list of pairs
    ("identical", "numerals", None) leaves ``test`` as it is.
    """
    if not isinstance(seed, list) or not test:
        return test, 0
    seen = {s for s, _ in seed}
    kept = [(s, t) for s, t in test if s not in seen]
    return kept, len({s for s, _ in test if s in seen})


def any_covered(pairs, src_vectors, tgt_vectors) -> bool:
    """Whether some pair has both words in the vectors (a BLI query that can be scored)."""
    si, ti = src_vectors.index, tgt_vectors.index
    return any(s in si and t in ti for s, t in pairs)


def bli_test_pairs(test, seed, src_vectors, tgt_vectors, seed_name):
    """``(test pairs, queries left out, problem)``: :func:`unseen_queries`, and when they leave
    no query that BLI can score, the test pairs None and why (naming the seed ``seed_name``);
    else the problem None. ``xproj align`` refuses the problem, a run warns of it."""
    test, left_out = unseen_queries(test, seed)
    if left_out and not test:
        return None, left_out, f"every query is a source word of {seed_name}"
    if left_out and not any_covered(test, src_vectors, tgt_vectors):  # P@k over 0 covered queries is no figure
        return None, left_out, (f"every query with vectors is a source word of {seed_name} ({left_out:,} left out; "
                                f"the {len(test):,} other pairs lack vectors)")
    return test, left_out, None


@dataclass
class DictionaryStats:
    pairs: int
    sources: int
    targets: int
    mean_translations: float
    max_translations: int
    identical_pairs: int
    covered_pairs: int | None = None
    covered_sources: int | None = None

    def as_dict(self):
        return dict(self.__dict__)


def dictionary_stats(pairs, src_vocab=None, tgt_vocab=None) -> DictionaryStats:
    """Counts of pairs, unique words, translations per source, identical pairs and (given
    vocabularies) pairs and source words covered by the vectors."""
    by_src = group_by_source(pairs)
    counts = [len(v) for v in by_src.values()] or [0]
    st = DictionaryStats(
        pairs=len(pairs),
        sources=len(by_src),
        targets=len({t for _, t in pairs}),
        mean_translations=float(np.mean(counts)),
        max_translations=int(max(counts)),
        identical_pairs=sum(s == t for s, t in pairs),
    )
    if src_vocab is not None and tgt_vocab is not None:
        cov = [(s, t) for s, t in pairs if s in src_vocab and t in tgt_vocab]
        st.covered_pairs = len(cov)
        st.covered_sources = len({s for s, _ in cov})
    return st


def to_indices(pairs, src_vectors, tgt_vectors, *, name="dictionary"):
    """Row indices ``(src_rows, tgt_rows)`` of the pairs whose two words have vectors.

    Raises :class:`NoOverlapError` (naming ``name``, e.g. the file) when none do.
    """
    si, ti = src_vectors.index, tgt_vectors.index
    rows = [(si[s], ti[t]) for s, t in pairs if s in si and t in ti]
    if not rows:
        example = ", ".join(f"{s}-{t}" for s, t in list(pairs)[:3])
        raise NoOverlapError(
            f"{name}: none of its {len(pairs)} pairs (e.g. {example}) has both words in the "
            f"vectors ({len(src_vectors)} source words, {len(tgt_vectors)} target words); "
            "check the languages, the direction and lowercasing")
    a = np.array(rows, dtype=np.int64)
    return a[:, 0], a[:, 1]


# -- seed dictionaries without a file --------------------------------------------------------

_NUMERAL = re.compile(r"^[0-9]+([.,][0-9]+)*$")


def identical_strings(src_words: Iterable[str], tgt_words: Iterable[str], *, limit=None,
                      min_length=1) -> Pairs:
    """Pairs of identical strings present in both vocabularies (Artetxe et al.'s
    "identical" seed), in source order; ``limit`` keeps the first N."""
    tgt = set(tgt_words)
    out = [(w, w) for w in src_words if w in tgt and len(w) >= min_length]
    return out[:limit] if limit else out


def numerals(src_words: Iterable[str], tgt_words: Iterable[str]) -> Pairs:
    """Pairs of identical numerals (``1990``, ``3,5``) present in both vocabularies
    (VecMap's ``--init_numerals``)."""
    tgt = {w for w in tgt_words if _NUMERAL.match(w)}
    return [(w, w) for w in src_words if _NUMERAL.match(w) and w in tgt]
