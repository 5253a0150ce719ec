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

from .._bidirectional import best_both_ways
from ..dictionaries import identical_strings, numerals, read_dictionary, to_indices
from ..errors import ShapeError
from ..vectors import WordVectors, normalize
from .mapping import VectorMapping

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


#: the ways refinement turns nearest neighbours into a dictionary (:func:`induce_dictionary`)
INDUCTION_MODES = ("mutual", "forward", "union")


def induce_dictionary(X_mapped, Z_tgt, *, method="csls", k=10, mode="mutual"):
    """Translation pairs ``(src_row, tgt_row)`` induced from nearest neighbours.

    ``mode``: ``"mutual"`` keeps pairs that are each other's best match in both directions
    (MUSE's ``S2T&T2S``), ``"forward"`` / ``"union"`` as named.
    """
    if mode not in INDUCTION_MODES:
        raise ValueError(f"induction: {mode!r} is not one of {INDUCTION_MODES}")
    fwd, bwd = best_both_ways(X_mapped, Z_tgt, k=k, method=method)
    src = np.arange(len(fwd))
    if mode == "mutual":
        keep = bwd[fwd] == src
        return src[keep], fwd[keep]
    if mode == "forward":
        return src, fwd
    # union: sorted by (source, target), each pair once
    a = np.unique(np.stack([np.concatenate([src, bwd]), np.concatenate([fwd, np.arange(len(bwd))])]), axis=1)
    return a[0], a[1]


def _solve(solver, X_d, Z_d):
    """``solver(X_d, Z_d)`` with BLAS/LAPACK on one thread: its SVDs and eigendecompositions
    of d x d matrices run 5-30x slower on two threads when the cores are shared (threads
    wait for each other; bench/README.md, bench_refine.py) and no faster on idle ones."""
    with threadpool_limits(1):
        return solver(X_d, Z_d)


#: a recipe's solver: paired normalised rows -> (source matrix, target matrix or None = identity)
Solver = Callable[[np.ndarray, np.ndarray], tuple]


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
    eval_pairs=None,
    callback: Callable[[int, dict], None] | None = None,
    src_lang=None,
    tgt_lang=None,
    seed_name: str | None = None,
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
    refine : int
        MUSE-style refinement rounds: induce a dictionary from mutual CSLS nearest
        neighbours among the ``refine_vocab`` most frequent words of each side (in the mapped
        spaces), solve again. 0 = the seed dictionary only.
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
    eval_pairs : list of pairs, optional
        A test dictionary: BLI P@1 (NN and CSLS) is logged after every round and kept in
        ``mapping.metadata["history"]``.
    callback : callable(round, record), optional
    src_lang, tgt_lang : str, optional
        Recorded in the mapping; default the vectors' ``lang``.
    seed_name : str, optional
        How the seed dictionary is named in messages and metadata; default its path.
    """
    if src.dim != tgt.dim:
        raise ShapeError(f"{src.describe()} have dimension {src.dim} but {tgt.describe()} have "
                         f"{tgt.dim}; both spaces must have the same dimension")
    pairs = seed_pairs(dictionary, src, tgt)
    name = seed_name or (str(dictionary) if isinstance(dictionary, (str, Path)) else "seed dictionary")
    s_idx, t_idx = to_indices(pairs, src, tgt, name=name)
    # arrays, not WordVectors: no word index rebuilt for each step
    Xn = normalize(np.asarray(src.vectors), normalization)
    Zn = normalize(np.asarray(tgt.vectors), normalization)
    Wx, Wz = _solve(solver, Xn[s_idx], Zn[t_idx])
    history = []

    def mapped(M, W, rows=None):
        M = M if rows is None else M[:rows]
        return M if W is None else M @ W.astype(np.float32)

    def record(round_, n_pairs):
        rec = {"round": round_, "pairs": int(n_pairs)}
        if eval_pairs is not None:
            from ..evaluation import bli_scores

            res = bli_scores(WordVectors(src.words, mapped(Xn, Wx)), WordVectors(tgt.words, mapped(Zn, Wz)),
                             eval_pairs, methods=("nn", "csls"), ks=(1,), csls_k=csls_k)
            rec.update({"p@1_nn": res["nn"]["p@1"], "p@1_csls": res["csls"]["p@1"]})
            log.info("round %d: %d pairs, P@1 NN %.4f CSLS %.4f", round_, n_pairs,
                     rec["p@1_nn"], rec["p@1_csls"])
        history.append(rec)
        if callback:
            callback(round_, rec)

    record(0, len(s_idx))
    Kx, Kz = min(refine_vocab, len(src)), min(refine_vocab, len(tgt))
    for r in range(1, refine + 1):
        ri, rj = induce_dictionary(mapped(Xn, Wx, Kx), mapped(Zn, Wz, Kz), method="csls", k=csls_k,
                                   mode=induction)
        if len(ri) == 0:
            log.warning("refinement round %d induced no pairs; stopping", r)
            break
        if keep_seed:
            both = np.unique(np.stack([np.concatenate([ri, s_idx]), np.concatenate([rj, t_idx])]), axis=1)
            ri, rj = both[0], both[1]
        Wx, Wz = _solve(solver, Xn[ri], Zn[rj])
        record(r, len(ri))

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
        "csls_k": csls_k,
        "history": history,
    }
    as32 = (lambda W: None if W is None else np.asarray(W, dtype=np.float32))
    return VectorMapping(as32(Wx), normalization, src_lang or src.lang, tgt_lang or tgt.lang, meta, as32(Wz))
