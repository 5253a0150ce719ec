"""The directions of ``recipes_bli.py``: vectors and MUSE dictionaries read from the shared
folder, BLI of a mapping, and the subsets of queries the tables are also given over
(identical strings, katakana translations)."""

from __future__ import annotations

from bench_bli_real import CACHE, find_dictionaries, find_vectors, shared_dir

from xproj.dictionaries import normalize_pairs
from xproj.evaluation import bli_scores
from xproj.lang.kana import is_katakana_word
from xproj.vectors import load_vectors


def load_direction(pair, vectors, files, muse, one_script=False):
    """(src vectors, tgt vectors, train pairs, test pairs) of ``pair`` ("en-es"), or None.
    ``one_script``: both dictionaries brought to each language's script (``normalize_pairs``)."""
    s, t = pair.split("-")
    d = find_dictionaries(muse, s, t)
    if d is None or s not in files or t not in files:
        print(f"{pair}: no vectors or MUSE dictionary; skipped")
        return None
    for lang in (s, t):
        if lang not in vectors:
            vectors[lang] = load_vectors(files[lang], cache_dir=CACHE, lang=lang)
    train, test = d[0], d[1]
    if one_script:
        (train, _), (test, _) = normalize_pairs(train, s, t), normalize_pairs(test, s, t)
    return vectors[s], vectors[t], train, test


def evaluate(mapping, src, tgt, pairs, methods=("nn", "csls"), ks=(1, 5)):
    """BLI of a mapping, both sides through it (two-sided recipes map the target too)."""
    return bli_scores(mapping.transform(src), mapping.transform(tgt, side="target"), pairs,
                      methods=methods, ks=ks)


def katakana_queries(pairs) -> set:
    """Source words of ``pairs`` with a translation written in katakana (ホテル for hotel)."""
    return {s for s, t in pairs if is_katakana_word(t)}


def without_katakana(pairs) -> list:
    """``pairs`` without the queries of :func:`katakana_queries` (all their pairs)."""
    kana = katakana_queries(pairs)
    return [p for p in pairs if p[0] not in kana]


def identical_queries(pairs) -> set:
    """Source words of ``pairs`` that are among their own translations (``hotel``/``hotel``)."""
    return {s for s, t in pairs if s == t}


def without_identical(pairs) -> list:
    """``pairs`` without the queries of :func:`identical_queries` (all their pairs)."""
    same = identical_queries(pairs)
    return [p for p in pairs if p[0] not in same]


def read_directions(pairs, one_script=False) -> dict:
    """{pair: (src vectors, tgt vectors, train, test)} for the pairs found in the shared folder."""
    vdir, muse = shared_dir() / "vectors", shared_dir() / "data" / "muse"
    if not (vdir.is_dir() and muse.is_dir()):
        print(f"{vdir} or {muse} not found (set XPROJ_SHARED)")
        return {}
    files, vectors = find_vectors(vdir), {}
    found = {pair: load_direction(pair, vectors, files, muse, one_script) for pair in pairs}
    return {pair: d for pair, d in found.items() if d is not None}
