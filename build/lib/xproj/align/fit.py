"""Fitting a linear mapping from a seed dictionary: the machinery every recipe shares.

:func:`fit_linear` normalises both spaces, resolves the dictionary to rows, calls a recipe's
*solver* ``(X_d, Z_d) -> (Wx, Wz or None)`` on the paired rows, optionally refines MUSE-style
(induce a dictionary from mutual CSLS neighbours in the mapped spaces, solve again), and
records everything in the returned :class:`~xproj.align.mapping.VectorMapping`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from .._bidirectional import INDUCTION_MODES, best_both_ways, pairs_from_best
from ..dictionaries import identical_strings, numerals, read_dictionary, to_indices
from ..errors import ShapeError
from ..options import RANGES
from ..vectors import WordVectors, normalize
from .mapping import VectorMapping
from .orthography import induce_with_orthography, pair_transliterators

log = logging.getLogger(__name__)


def seed_pairs(seed, src: WordVectors, tgt: WordVectors, *, lowercase=False):
    """Resolve a seed dictionary: a list of pairs, a file path, ``"identical"`` or
    ``"numerals"`` (strings shared by both vocabularies)."""
    if isinstance(seed, (str, Path)):
        if str(seed) == "identical":
            return identical_strings(src.words, tgt.words)
        if str(seed) == "numerals":
            return numerals(src.words, tgt.words)
        return read_dictionary(seed, lowercase=lowercase)
    return list(seed)


def induce_dictionary(X_mapped, Z_tgt, *, method="csls", k=10, mode="mutual"):
    """Translation pairs ``(src_row, tgt_row)`` induced from nearest neighbours.

    ``mode``: ``"mutual"`` keeps pairs that are each other's best match in both directions
    (MUSE's ``S2T&T2S``), ``"forward"`` / ``"union"`` as named.
    """
    if mode not in INDUCTION_MODES:
        raise ValueError(f"induction: {mode!r} is not one of {INDUCTION_MODES}")
    fwd, bwd = best_both_ways(X_mapped, Z_tgt, k=k, method=method)
    return pairs_from_best(fwd, bwd, mode)


#: which of a source word's translations in the seed dictionary the mapping is fitted on
SEED_TRANSLATIONS = ("all", "first")


def first_translations(s_idx: np.ndarray, t_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep each source row's first pair (in dictionary order) of the rows ``(s_idx, t_idx)``
    that :func:`~xproj.dictionaries.to_indices` returned (pairs with both words covered)."""
    _, first = np.unique(s_idx, return_index=True)
    first = np.sort(first)
    return s_idx[first], t_idx[first]


#: a recipe's solver: paired normalised rows -> (source matrix, target matrix or None = identity)
#: or (source matrix, target matrix, dict of facts for the round's history record)
Solver = Callable[[np.ndarray, np.ndarray], tuple]

#: ``refine="auto"``: the refinement rounds tried on held-out words of the seed dictionary
AUTO_ROUNDS = (0, 1, 2, 3)
#: ``refine="auto"``: the share of the seed's source words (the last ones, in file order) held
#: out to choose the rounds (MUSE-style split: 5,000 source words -> 4,000 fit, 1,000 held out)
AUTO_HELD_OUT = 0.2


def check_refine(refine):
    """``refine`` is a number of rounds (an integer >= 0) or "auto"; ``ValueError`` otherwise."""
    if refine == "auto":
        return
    if isinstance(refine, bool) or not isinstance(refine, (int, np.integer)) or refine < 0:
        raise ValueError(f"refine: must be an integer >= 0 or 'auto', got {refine!r}")


def _solve(solver, X_d, Z_d, spaces=None):
    """``(Wx, Wz, facts)`` from a solver. ``spaces``: the whole normalised spaces, for the
    solvers that use them (RCSLS: products of pairs x vocabulary, which BLAS threads help).
    The others run with BLAS/LAPACK on one thread: their SVDs and eigendecompositions of d x d
    matrices run 5-30x slower on two threads when the cores are shared (threads wait for each
    other; bench/README.md, bench_refine.py) and no faster on idle ones."""
    if spaces:
        out = solver(X_d, Z_d, X=spaces[0], Z=spaces[1])
    else:
        with threadpool_limits(1):
            out = solver(X_d, Z_d)
    return out if len(out) == 3 else (*out, {})


def fit_linear(
    src: WordVectors,
    tgt: WordVectors,
    dictionary,
    solver: Solver,
    *,
    recipe: str,
    recipe_params: dict | None = None,
    normalization: str = "unit,center,unit",
    refine: int = 0,
    refine_vocab: int = 10000,
    keep_seed: bool = False,
    induction: str = "mutual",
    csls_k: int = 10,
    seed_translations: str = "all",
    auto_folds: int = 1,
    orthography: float = 0.0,
    transliterate: bool = False,
    eval_pairs=None,
    callback: Callable[[int, dict], None] | None = None,
    src_lang=None,
    tgt_lang=None,
    seed_name: str | None = None,
    solver_uses_spaces: bool = False,
) -> VectorMapping:
    """Learn a mapping with ``solver`` from a seed dictionary (and optional refinement).

    Parameters
    ----------
    src, tgt : WordVectors
    dictionary : list of (src_word, tgt_word), path, "identical" or "numerals"
        The seed (training) dictionary; see :func:`seed_pairs`.
    solver : callable(X_d, Z_d) -> (Wx, Wz or None)
        Learns the matrices from the normalised dictionary rows (one row per pair, repeated
        words repeated).
    recipe, recipe_params :
        The recipe's name and parameters, recorded in the metadata.
    normalization : str
        Applied to both spaces before solving.
    refine : int or "auto"
        MUSE-style refinement rounds: induce a dictionary from mutual CSLS nearest
        neighbours among the ``refine_vocab`` most frequent words of each side (in the mapped
        spaces), solve again. 0 = the seed dictionary only. "auto": the number of rounds
        (:data:`AUTO_ROUNDS`) with the best CSLS P@1 on held-out seed words (the last
        :data:`AUTO_HELD_OUT` of its source words, fitted on the others; ties: fewer rounds),
        then refitted on the whole seed; the trial is in ``metadata["refine_auto"]``.
    auto_folds : int
        ``refine="auto"`` only: 1 = the single held-out part above; k > 1 = k-fold
        cross-validation over the seed's source words (contiguous blocks in file order), every
        seed word a held-out query once (:func:`choose_rounds`): k times the cost, a less noisy
        choice.
    refine_vocab : int
        The most frequent words of each side among which pairs are induced (MUSE: 10,000
        supervised, 15,000 unsupervised).
    keep_seed : bool
        Add the seed pairs to each induced dictionary (MUSE replaces them).
    induction : {"mutual", "union", "forward"}
        Which induced pairs refinement keeps (:func:`induce_dictionary`): mutual CSLS
        neighbours (MUSE), or every word's best match in either direction (``"union"``,
        VecMap's bidirectional induction), or source -> target only.
    csls_k : int
        CSLS neighbourhood for induction and the logged BLI.
    seed_translations : {"all", "first"}
        Fit on every pair of the seed dictionary (a source word with three translations gives
        three rows), or on each source word's first covered translation only
        (:func:`first_translations`).
    orthography : float
        Refinement induces pairs by CSLS + ``orthography`` x the words' orthographic similarity
        (:func:`~xproj.align.orthography.induce_with_orthography`; Riley and Gildea 2018);
        0 = CSLS alone. Shapes the dictionary only: retrieval and the logged BLI stay CSLS.
    transliterate : bool
        With ``orthography``: the words of a language that declares a transliteration
        (:func:`xproj.lang.script.get_transliterator`; Japanese katakana -> Latin) are compared in
        it; the names used are in ``metadata["transliteration"]``. Pairs without one: no effect.
    eval_pairs : list of pairs, optional
        A test dictionary: BLI P@1 (NN and CSLS) is logged after every round and kept in
        ``mapping.metadata["history"]``.
    callback : callable(round, record), optional
    src_lang, tgt_lang : str, optional
        Recorded in the mapping; default the vectors' ``lang``.
    seed_name : str, optional
        How the seed dictionary is named in messages and metadata; default its path.
    solver_uses_spaces : bool
        The solver also takes the whole normalised spaces as ``X=``, ``Z=`` (RCSLS's
        neighbourhoods).
    """
    if src.dim != tgt.dim:
        raise ShapeError(f"{src.describe()} have dimension {src.dim} but {tgt.describe()} have "
                         f"{tgt.dim}; both spaces must have the same dimension")
    check_refine(refine)
    if seed_translations not in SEED_TRANSLATIONS:
        raise ValueError(f"seed_translations: {seed_translations!r} is not one of {SEED_TRANSLATIONS}")
    check_orthography(orthography)
    pairs = seed_pairs(dictionary, src, tgt)
    name = seed_name or (str(dictionary) if isinstance(dictionary, (str, Path)) else "seed dictionary")
    s_idx, t_idx = to_indices(pairs, src, tgt, name=name)
    if seed_translations == "first":
        s_idx, t_idx = first_translations(s_idx, t_idx)
    common = {"recipe": recipe, "recipe_params": recipe_params, "normalization": normalization,
              "refine_vocab": refine_vocab, "keep_seed": keep_seed, "induction": induction,
              "csls_k": csls_k, "seed_translations": seed_translations,
              "solver_uses_spaces": solver_uses_spaces, "orthography": orthography,
              "transliterate": transliterate, "src_lang": src_lang, "tgt_lang": tgt_lang}
    if isinstance(auto_folds, bool) or not isinstance(auto_folds, (int, np.integer)) or auto_folds < 1:
        raise ValueError(f"auto_folds: must be an integer >= 1, got {auto_folds!r}")
    auto = None
    if refine == "auto":
        auto = choose_rounds(src, tgt, pairs, solver, common, folds=auto_folds)
        refine = auto["chosen"]
    # arrays, not WordVectors: no word index rebuilt for each step
    Xn = normalize(np.asarray(src.vectors), normalization)
    Zn = normalize(np.asarray(tgt.vectors), normalization)
    spaces = (Xn, Zn) if solver_uses_spaces else None
    Wx, Wz, facts = _solve(solver, Xn[s_idx], Zn[t_idx], spaces)
    history = []

    def mapped(M, W, rows=None):
        M = M if rows is None else M[:rows]
        return M if W is None else M @ W.astype(np.float32)

    def record(round_, n_pairs, facts):
        rec = {"round": round_, "pairs": int(n_pairs), **facts}
        if eval_pairs is not None:
            from ..evaluation import bli_scores

            res = bli_scores(WordVectors(src.words, mapped(Xn, Wx)), WordVectors(tgt.words, mapped(Zn, Wz)),
                             eval_pairs, methods=("nn", "csls"), ks=(1,), csls_k=csls_k)
            rec.update({"p@1_nn": res["nn"]["p@1"], "p@1_csls": res["csls"]["p@1"], "covered": res["covered"]})
            log.info("round %d: %d pairs, P@1 NN %.4f CSLS %.4f", round_, n_pairs,
                     rec["p@1_nn"], rec["p@1_csls"])
        history.append(rec)
        if callback:
            callback(round_, rec)

    record(0, len(s_idx), facts)
    Kx, Kz = min(refine_vocab, len(src)), min(refine_vocab, len(tgt))
    spellings = pair_transliterators(src_lang or src.lang, tgt_lang or tgt.lang) \
        if transliterate and orthography and refine else {}
    for r in range(1, refine + 1):
        if orthography:
            ri, rj = induce_with_orthography(mapped(Xn, Wx, Kx), mapped(Zn, Wz, Kz), src.words[:Kx],
                                             tgt.words[:Kz], weight=orthography, k=csls_k, mode=induction,
                                             transliterators=spellings)
        else:
            ri, rj = induce_dictionary(mapped(Xn, Wx, Kx), mapped(Zn, Wz, Kz), method="csls", k=csls_k,
                                       mode=induction)
        if len(ri) == 0:
            log.warning("refinement round %d induced no pairs; stopping", r)
            break
        if keep_seed:
            both = np.unique(np.stack([np.concatenate([ri, s_idx]), np.concatenate([rj, t_idx])]), axis=1)
            ri, rj = both[0], both[1]
        Wx, Wz, facts = _solve(solver, Xn[ri], Zn[rj], spaces)
        record(r, len(ri), facts)

    meta = {
        "recipe": recipe,
        "recipe_params": dict(recipe_params or {}),
        "src_vectors": {"source": src.source, "n_words": len(src), "dim": src.dim},
        "tgt_vectors": {"source": tgt.source, "n_words": len(tgt), "dim": tgt.dim},
        "seed": name,
        "seed_pairs": len(pairs),
        "seed_pairs_covered": len(s_idx),
        "refine_rounds": refine,
        "refine_vocab": refine_vocab,
        "keep_seed": keep_seed,
        "induction": induction,
        "orthography": orthography,
        "transliterate": transliterate,
        "transliteration": {side: name for side, (name, _) in spellings.items()},
        "csls_k": csls_k,
        "seed_translations": seed_translations,
        "seed_rows": len(s_idx),
        "history": history,
    }
    if auto is not None:
        meta["refine_auto"] = auto
    def as32(W):
        return None if W is None else np.asarray(W, dtype=np.float32)

    return VectorMapping(as32(Wx), normalization, src_lang or src.lang, tgt_lang or tgt.lang, meta, as32(Wz))


def check_orthography(orthography) -> None:
    """``ValueError`` naming the option unless ``orthography`` is a number in the range of
    ``alignment.orthography`` (:data:`xproj.options.RANGES`: 0 to 2; CSLS scores span [-2, 2]
    and an edit similarity [0, 1], so a weight of 2 already lets spelling outvote any meaning)."""
    allowed = RANGES["alignment.orthography"]
    if isinstance(orthography, bool) or not isinstance(orthography, (int, float, np.integer, np.floating)) \
            or orthography not in allowed:
        raise ValueError(f"orthography: must be a number in {allowed}, got {orthography!r}")


def _folds(sources: list, n_folds: int) -> list[set]:
    """The held-out source words of each trial: the last :data:`AUTO_HELD_OUT` of them (one
    trial, ``n_folds`` = 1), or ``n_folds`` contiguous blocks in file order (cross-validation)."""
    n = len(sources)
    if n_folds == 1:
        return [set(sources[n - round(n * AUTO_HELD_OUT):])]
    bounds = np.linspace(0, n, n_folds + 1).round().astype(int)
    return [set(sources[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def choose_rounds(src, tgt, pairs, solver, common: dict, folds: int = 1) -> dict:
    """``refine="auto"``: fit on part of the seed dictionary's source words with
    ``max(AUTO_ROUNDS)`` refinement rounds, measure CSLS P@1 on the held-out ones after every
    round, and choose the best number of rounds (ties: fewer). ``folds`` = 1 holds out the last
    :data:`AUTO_HELD_OUT` of the source words once; ``folds`` = k > 1 holds out each of k
    contiguous blocks in turn (k-fold cross-validation: every seed word is a held-out query
    once, P@1 pooled over the folds' covered queries). Returns the record kept in the
    mapping's metadata (``chosen``, the P@1 per round, the split)."""
    sources = list(dict.fromkeys(s for s, _ in pairs))
    held_sets = _folds(sources, folds)
    hits = dict.fromkeys(AUTO_ROUNDS, 0.0)
    covered = 0
    for held in held_sets:
        fit_part = [p for p in pairs if p[0] not in held]
        held_out = [p for p in pairs if p[0] in held]
        if not fit_part or not held_out:
            raise ValueError(f"refine='auto' needs a seed dictionary of several source words to hold "
                             f"some out (it has {len(sources)})")
        probe = fit_linear(src, tgt, fit_part, solver, refine=max(AUTO_ROUNDS), eval_pairs=held_out,
                           seed_name="the fit part of the seed dictionary", **common)
        n = probe.metadata["history"][0]["covered"]
        covered += n
        for rec in probe.metadata["history"]:
            if rec["round"] in hits:
                hits[rec["round"]] += rec["p@1_csls"] * n
    scores = {r: round(h / covered, 6) if covered else 0.0 for r, h in hits.items()}
    chosen = max(scores, key=lambda r: (scores[r], -r))
    log.info("refine='auto': held-out CSLS P@1 per round %s; %d rounds chosen", scores, chosen)
    n_held = len(held_sets[0]) if folds == 1 else len(sources)
    return {"rounds_tried": list(scores), "held_out_p@1_csls": [scores[r] for r in scores],
            "chosen": chosen, "fit_sources": len(sources) - n_held if folds == 1 else len(sources),
            "held_out_sources": n_held, "held_out_fraction": AUTO_HELD_OUT if folds == 1 else 1.0,
            "folds": folds, "held_out_covered": covered}
