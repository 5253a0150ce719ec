"""Self-learning alignment from a weak seed, and alignment with no dictionary at all.

The robust self-learning of Artetxe, Labaka and Agirre (ACL 2018; VecMap's
``--semi_supervised`` and ``--unsupervised``): start from a small or noisy dictionary, then
repeat

1. solve the mapping on the current dictionary (orthogonal Procrustes unless ``solve=``);
2. induce a new dictionary among the ``vocabulary_cutoff`` most frequent words of each side:
   every source word's best target and every target word's best source (``direction``
   ``"union"``), by CSLS, with *stochastic dictionary induction*: each similarity entry is
   kept with probability ``p`` and the best kept entry wins, so that early, unreliable
   mappings cannot lock the dictionary into a bad local optimum;

until the objective (mean best cosine of each word, averaged over both directions) stops
improving. ``p`` starts at ``stochastic_initial`` and doubles whenever the objective has not
improved by ``threshold`` for ``stochastic_interval`` iterations; once ``p = 1`` and it still
does not improve, the loop ends with a last mapping on the final dictionary.

Dropout here removes entries (as ``-inf``), where VecMap zeroes them; the difference shows only
when every kept score of a row is negative. It is drawn exactly and cheaply: the best kept
entry of a row is its ``g``-th largest, ``g ~ Geometric(p)``, so one random number per row
replaces a random mask over the whole ``cutoff x cutoff`` matrix. Every random step is seeded.

Nothing builds a ``cutoff x cutoff`` matrix: similarities are computed a batch of rows at a
time into one preallocated float32 buffer (``batch x cutoff``).

Examples
--------
>>> from xproj.datasets.synthetic import make_bilingual_world
>>> w = make_bilingual_world(n_words=1500, dim=20, noise=0.05, seed=0)
>>> m = self_learning(w.src, w.tgt, "identical", vocabulary_cutoff=1000, stochastic_interval=2)
>>> m.W_.shape
(20, 20)
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

import numpy as np

from ._rowselect import row_topk
from .align import VectorMapping, procrustes, seed_pairs
from .align.steps import multi_step
from .dictionaries import to_indices
from .errors import ShapeError
from .unsupervised_init import initial_dictionary, mutual_fraction
from .vectors import WordVectors, normalize

log = logging.getLogger(__name__)

DIRECTIONS = ("union", "forward", "backward")
#: the mapping solved on the final dictionary: "procrustes" (orthogonal, the source side only,
#: as in the loop) or "multi-step" (VecMap's last step of ``--unsupervised`` and
#: ``--semi_supervised``: whitening, orthogonal map, re-weighting and de-whitening of both
#: sides, :func:`xproj.align.steps.multi_step` with ``final_params``)
FINAL_STEPS = ("procrustes", "multi-step")
# Ranks searched for a row's first kept entry; rows beyond the last (probability (1-p)^64:
# 0.1% at p = 0.1) are resolved on the full row.
_SHORTLISTS = (16, 64)


def check_spaces(src: WordVectors, tgt: WordVectors) -> None:
    """One-line errors for spaces that cannot be aligned (empty, different dimensions)."""
    for wv in (src, tgt):
        if len(wv) == 0:
            raise ShapeError(f"{wv.describe()}: the space has no words; nothing to align")
    if src.dim != tgt.dim:
        raise ShapeError(f"{src.describe()} have dimension {src.dim} but {tgt.describe()} have "
                         f"{tgt.dim}; both spaces must have the same dimension")


def stochastic_argmax(scores: np.ndarray, keep_prob: float, rng: np.random.Generator) -> np.ndarray:
    """Per row, the column of the best entry among those kept with probability ``keep_prob``.

    Exactly the argmax after dropping each entry independently (dropped = ``-inf``): the first
    kept entry in descending order sits at rank ``g ~ Geometric(keep_prob)``. A row where no
    entry is kept (``g`` beyond the row) takes its last-ranked entry.
    """
    n, m = scores.shape
    if keep_prob >= 1 or n == 0:
        return np.argmax(scores, axis=1)
    rank = np.minimum(rng.geometric(keep_prob, size=n), m) - 1  # 0-based
    out = np.empty(n, dtype=np.int64)
    rows = np.arange(n)
    # Shortlists of growing length: most rows need only their first few entries.
    for short in _SHORTLISTS:
        short = min(m, short, int(rank[rows].max()) + 1)
        top, _ = row_topk(scores[rows], short)
        ok = rank[rows] < short
        out[rows[ok]] = top[ok, rank[rows[ok]]]
        rows = rows[~ok]
        if not rows.size:
            return out
    for i in rows:  # rare: the whole row
        out[i] = np.argpartition(-scores[i], rank[i])[rank[i]]
    return out


class _Inducer:
    """Bidirectional CSLS dictionary induction between the first ``n_x`` mapped source rows
    and the first ``n_z`` target rows, reusing one similarity buffer across iterations."""

    def __init__(self, n_x, n_z, csls_k, direction, batch):
        self.n_x, self.n_z, self.k, self.direction = n_x, n_z, csls_k, direction
        self.batch = batch
        # Flat, so that each pass views a contiguous (rows x its width) block of it.
        self.buf = np.empty(min(batch, max(n_x, n_z)) * max(n_x, n_z), dtype=np.float32)

    def _pass(self, A, B, penalty, keep_prob, rng, want_knn):
        """Rows of ``A`` against ``B``: best cosine, best match by ``cos - penalty``, and
        (``want_knn``) each row's CSLS neighbourhood mean, all from one product per batch."""
        n, m = len(A), len(B)
        best = np.empty(n, dtype=np.float32)
        match = np.empty(n, dtype=np.int64)
        knn = np.empty(n, dtype=np.float32) if want_knn else None
        BT = B.T
        for i in range(0, n, self.batch):
            j = min(i + self.batch, n)
            S = self.buf[: (j - i) * m].reshape(j - i, m)
            np.matmul(A[i:j], BT, out=S)
            top = row_topk(S, max(self.k, 1))[1]
            best[i:j] = top[:, 0]
            if want_knn:
                knn[i:j] = top[:, : self.k].mean(axis=1)
            if penalty is not None:
                S -= penalty  # CSLS up to the row's own term, which does not change its argmax
            match[i:j] = stochastic_argmax(S, keep_prob, rng)
        return best, match, knn

    def _knn(self, A, B):
        """Mean of each row of ``A``'s k best similarities with ``B`` (CSLS's ``r``)."""
        out = np.empty(len(A), dtype=np.float32)
        for i in range(0, len(A), self.batch):
            j = min(i + self.batch, len(A))
            S = self.buf[: (j - i) * len(B)].reshape(j - i, len(B))
            np.matmul(A[i:j], B.T, out=S)
            out[i:j] = row_topk(S, self.k)[1].mean(axis=1)
        return out

    def __call__(self, Xw, Z, keep_prob, rng):
        """Returns (src_rows, tgt_rows, objective, mutual): ``mutual`` is the fraction of
        source words whose best target picks them back (``union`` only, else ``None``)."""
        X, Zc = Xw[: self.n_x], Z[: self.n_z]
        k = self.k
        # Each target's neighbourhood among mapped sources (halved: CSLS = 2cos - r_x - r_z).
        knn_z = self._knn(Zc, X) / 2 if k > 0 else None
        best_f, fwd, knn_x = self._pass(X, Zc, knn_z, keep_prob, rng, want_knn=k > 0)
        parts, objective, bwd = [], [], None
        if self.direction in ("union", "forward"):
            parts.append((np.arange(self.n_x), fwd))
            objective.append(best_f.mean())
        if self.direction in ("union", "backward"):
            best_b, bwd, _ = self._pass(Zc, X, knn_x / 2 if k > 0 else None, keep_prob, rng, False)
            parts.append((bwd, np.arange(self.n_z)))
            objective.append(best_b.mean())
        src = np.concatenate([p[0] for p in parts])
        tgt = np.concatenate([p[1] for p in parts])
        mutual = mutual_fraction(fwd, bwd) if bwd is not None else None
        return src, tgt, float(np.mean(objective)), mutual


def _objective_stalled(it, last_improvement, interval):
    return it - last_improvement > interval


def run_self_learning(X, Z, src_rows, tgt_rows, *, vocabulary_cutoff=20000, csls_k=10,
                      direction="union", stochastic_initial=0.1, stochastic_multiplier=2.0,
                      stochastic_interval=50, threshold=1e-6, max_iterations=1000,
                      max_minutes=None, solve=procrustes, batch=1024, seed=0,
                      on_iteration: Callable[[dict, np.ndarray], None] | None = None,
                      started: float | None = None):
    """The self-learning loop on normalised matrices, from a dictionary of row indices.

    ``max_minutes`` is a budget, counted from ``started`` (a :func:`time.perf_counter`
    value; default: now) so that a caller's own preparation counts too: an iteration starts
    only if it, and the full induction that closes a stopped run, fit in what is left at the
    pace of the last iteration (callbacks included, such as ``on_iteration``'s evaluation).

    Returns
    -------
    W : ndarray (d, d)
        The mapping solved on the final dictionary.
    info : dict
        ``iterations``, ``stopped_by`` ("converged", "max_iterations" or "max_minutes"),
        ``objective``, ``keep_prob``, ``dictionary_size``, ``seconds``, ``history`` (one
        record per iteration: objective, keep probability, dictionary size, ``mutual`` (the
        fraction of mutual best matches, with ``direction="union"``), seconds) and
        ``final_dictionary`` (the row indices ``W`` was solved on).
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction: unknown value {direction!r}; choose one of {', '.join(DIRECTIONS)}")
    rng = np.random.default_rng(seed)
    n_x, n_z = min(vocabulary_cutoff, len(X)), min(vocabulary_cutoff, len(Z))
    induce = _Inducer(n_x, n_z, csls_k, direction, batch)
    start = time.perf_counter() if started is None else started
    best, keep_prob, it, last_improvement = -np.inf, stochastic_initial, 1, 0
    history, stopped_by, objective = [], None, float("nan")
    last_check, pace, induction = None, 0.0, 0.0  # seconds: last iteration, its induction
    while True:
        if _objective_stalled(it, last_improvement, stochastic_interval):
            if keep_prob >= 1:
                stopped_by = "converged"
            keep_prob = min(1.0, stochastic_multiplier * keep_prob)
            last_improvement = it
        W = solve(X[src_rows], Z[tgt_rows])
        now = time.perf_counter()
        pace, last_check = (now - last_check if last_check else 0.0), now
        if stopped_by is None and it > max_iterations:
            stopped_by = "max_iterations"
        # The next iteration, and a closing full induction if it would be a stochastic one.
        needed = pace + (induction if keep_prob < 1 else 0.0)
        if stopped_by is None and max_minutes is not None and now - start + needed > 60 * max_minutes:
            stopped_by = "max_minutes"
        if stopped_by and keep_prob < 1:
            # Stopped early: the last dictionary is a stochastic one. Map with a full one.
            src_rows, tgt_rows, _, _ = induce(X[: n_x] @ W, Z, 1.0, rng)
            W = solve(X[src_rows], Z[tgt_rows])
        if stopped_by:
            break
        src_rows, tgt_rows, objective, mutual = induce(X[: n_x] @ W, Z, keep_prob, rng)
        induction = time.perf_counter() - now
        if objective - best >= threshold:
            last_improvement, best = it, objective
        rec = {"iteration": it, "objective": objective, "keep_prob": keep_prob,
               "pairs": int(len(src_rows)), "mutual": mutual,
               "seconds": round(time.perf_counter() - start, 2)}
        log.info("iteration %d: objective %.5f, keep %.2f, %d pairs", it, objective, keep_prob,
                 len(src_rows))
        if on_iteration:
            on_iteration(rec, W)
        history.append(rec)
        it += 1
    info = {"iterations": it - 1, "stopped_by": stopped_by, "objective": best,
            "keep_prob": keep_prob, "dictionary_size": int(len(src_rows)),
            "seconds": round(time.perf_counter() - start, 2), "history": history,
            "final_dictionary": (src_rows, tgt_rows)}
    return W, info


def _bli_recorder(src, tgt, Xn, Zn, eval_pairs, csls_k, every):
    """``on_iteration(rec, W, W_tgt=None)`` that adds test-dictionary P@1 (NN and CSLS) to
    the records."""
    from .evaluation import bli_scores

    def record(rec, W, W_tgt=None):
        if eval_pairs is None or (rec["iteration"] - 1) % every:
            return
        Zm = Zn if W_tgt is None else Zn @ W_tgt
        res = bli_scores(WordVectors(src.words, Xn @ W), WordVectors(tgt.words, Zm), eval_pairs,
                         methods=("nn", "csls"), ks=(1,), csls_k=csls_k)
        rec.update({"p@1_nn": res["nn"]["p@1"], "p@1_csls": res["csls"]["p@1"]})
        log.info("iteration %d: P@1 NN %.4f CSLS %.4f", rec["iteration"], rec["p@1_nn"], rec["p@1_csls"])

    return record


def self_learning(src: WordVectors, tgt: WordVectors, pairs, *,
                  normalization: str = "unit,center,unit",
                  vocabulary_cutoff: int = 20000,
                  csls_k: int = 10,
                  direction: str = "union",
                  stochastic_initial: float = 0.1,
                  stochastic_multiplier: float = 2.0,
                  stochastic_interval: int = 50,
                  threshold: float = 1e-6,
                  max_iterations: int = 1000,
                  max_minutes: float | None = None,
                  solve: Callable[[np.ndarray, np.ndarray], np.ndarray] = procrustes,
                  final_step: str = "procrustes",
                  final_params: dict | None = None,
                  batch: int = 1024,
                  seed: int = 0,
                  init_vocab: int = 4000,
                  eval_pairs=None,
                  eval_every: int = 1,
                  callback: Callable[[int, dict], None] | None = None,
                  src_lang: str | None = None,
                  tgt_lang: str | None = None,
                  seed_name: str | None = None) -> VectorMapping:
    """Align ``src`` onto ``tgt`` by self-learning from a weak seed dictionary.

    Parameters
    ----------
    src, tgt : WordVectors
        Most frequent words first (the cut-off keeps the first rows).
    pairs : list of (src_word, tgt_word), path, "identical", "numerals" or None
        The seed (see :func:`xproj.align.seed_pairs`): 25 pairs are enough on most spaces.
        ``None``: no dictionary, the initial one from similarity distributions (see
        :func:`unsupervised`).
    normalization : str
        Applied to both spaces first.
    vocabulary_cutoff : int
        Words of each side among which dictionaries are induced (VecMap: 20,000).
    csls_k : int
        CSLS neighbourhood of the induction (0 = nearest neighbours).
    direction : {"union", "forward", "backward"}
    stochastic_initial, stochastic_multiplier, stochastic_interval, threshold
        The keep probability starts at ``stochastic_initial`` and is multiplied by
        ``stochastic_multiplier`` when the objective has not improved by ``threshold`` over
        ``stochastic_interval`` iterations (VecMap: 0.1, 2, 50, 1e-6).
    max_iterations : int
    max_minutes : float, optional
        Time budget, from the call (the initial dictionary and normalisation count): an
        iteration starts only if it fits in what is left (see :func:`run_self_learning`).
    solve : callable(X_pairs, Z_pairs) -> W
        The mapping step (orthogonal Procrustes by default).
    final_step : {"procrustes", "multi-step"}
        The mapping solved on the final dictionary (:data:`FINAL_STEPS`): ``"multi-step"``
        maps both sides (VecMap's last step; whitening and re-weighting need a dictionary
        that spans every dimension).
    final_params : dict, optional
        Keywords of :func:`xproj.align.steps.multi_step` for ``final_step="multi-step"``
        (default: its own, the ``supervised`` recipe's; VecMap uses
        ``src_reweight=0.5, trg_reweight=0.5``).
    batch : int
        Rows of a similarity batch (memory: ``batch x cutoff`` float32).
    seed : int
        Seeds the stochastic induction: the same seed gives the same dictionaries.
    init_vocab : int
        With ``pairs=None``: words of each side whose similarity distributions are compared
        (VecMap: 4,000).
    eval_pairs : list of pairs, optional
        A test dictionary: P@1 (NN and CSLS, over covered queries) of every ``eval_every``-th
        iteration is added to ``metadata["history"]``.
    callback : callable(iteration, record), optional

    Returns
    -------
    VectorMapping
        ``metadata`` holds the recipe, the seed, the parameters and the loop's history.
    """
    check_spaces(src, tgt)
    started = time.perf_counter()
    if final_step not in FINAL_STEPS:
        raise ValueError(f"final_step: unknown value {final_step!r}; choose one of {', '.join(FINAL_STEPS)}")
    loop_params = dict(vocabulary_cutoff=vocabulary_cutoff, direction=direction,
                       stochastic_initial=stochastic_initial,
                       stochastic_multiplier=stochastic_multiplier,
                       stochastic_interval=stochastic_interval, threshold=threshold,
                       max_iterations=max_iterations, max_minutes=max_minutes, solve=solve,
                       batch=batch, seed=seed)
    Xn = np.asarray(normalize(src, normalization).vectors)
    Zn = np.asarray(normalize(tgt, normalization).vectors)
    if pairs is None:
        seed_meta = {"recipe": "unsupervised", "seed": "none (similarity distributions)",
                     "init_vocab": init_vocab}
        rows = initial_dictionary(Xn, Zn, init_vocab, csls_k=csls_k)
    else:
        resolved = seed_pairs(pairs, src, tgt)
        name = seed_name or (str(pairs) if isinstance(pairs, (str, Path)) else f"{len(resolved)} pairs")
        seed_meta = {"recipe": "self-learning", "seed": name, "seed_pairs": len(resolved)}
        rows = to_indices(resolved, src, tgt, name=name)
    recorder = _bli_recorder(src, tgt, Xn, Zn, eval_pairs, csls_k, eval_every)

    def on_iteration(rec, W):
        recorder(rec, W)
        if callback:
            callback(rec["iteration"], rec)

    W, info = run_self_learning(Xn, Zn, *rows, csls_k=csls_k, on_iteration=on_iteration,
                                started=started, **loop_params)
    s_rows, t_rows = info.pop("final_dictionary")
    W_tgt = None
    if final_step == "multi-step":
        W, W_tgt = multi_step(Xn[s_rows], Zn[t_rows], **(final_params or {}))
        W, W_tgt = W.astype(np.float32), None if W_tgt is None else W_tgt.astype(np.float32)
    if eval_pairs is not None:
        # The returned mapping is solved once more, on the last (full) dictionary: record it too.
        final = {"iteration": info["iterations"] + 1, "final": True, "pairs": info["dictionary_size"]}
        _bli_recorder(src, tgt, Xn, Zn, eval_pairs, csls_k, 1)(final, W, W_tgt)
        info["history"].append(final)
    loop_params["solve"] = getattr(solve, "__name__", str(solve))
    loop_params.update(final_step=final_step, final_params=dict(final_params or {}))
    meta = {
        **seed_meta,
        "src_vectors": {"source": src.source, "n_words": len(src), "dim": src.dim},
        "tgt_vectors": {"source": tgt.source, "n_words": len(tgt), "dim": tgt.dim},
        "seed_pairs_used": int(len(rows[0])),
        "params": {**loop_params, "csls_k": csls_k, "normalization": normalization},
        **info,
    }
    return VectorMapping(W, normalization, src_lang or src.lang, tgt_lang or tgt.lang, meta, W_tgt)


def unsupervised(src: WordVectors, tgt: WordVectors, pairs=None, **params) -> VectorMapping:
    """Align with no dictionary: :func:`self_learning` from the initial dictionary that the
    similarity distributions of the ``init_vocab`` most frequent words give
    (:func:`xproj.unsupervised_init.initial_dictionary`). ``**params`` are
    :func:`self_learning`'s keywords; ``pairs`` is there for the recipe signature and must
    be ``None``.
    """
    if pairs is not None:
        raise ValueError("unsupervised: takes no dictionary (pairs must be None); "
                         "use self_learning to start from a seed")
    return self_learning(src, tgt, None, **params)
