"""Benchmark MUSE-style refinement: xproj ``fit_mapping(refine=5)`` vs a plain numpy reference.

World: ``make_bilingual_world(n_words=200000, dim=300, noise=..., seed=0, n_train=5000,
n_test=1500)``; seed dictionary: the first ``--seed-pairs`` (500) pairs of ``train_pairs``.

* ``xproj`` -- ``fit_mapping(src, tgt, seed, refine=5, refine_vocab=15000)`` (normalises both
  200k spaces ``unit,center,unit``, Procrustes on the seed, then 5 rounds of mutual-CSLS
  dictionary induction among the 15k most frequent words + Procrustes).
* ``numpy reference`` -- the same algorithm written the straightforward way: the same
  normalisation in numpy, then per round the full 15k x 15k similarity matrix, ``r`` for both
  sides with ``np.partition``, the full CSLS matrix, mutual argmax, and Procrustes by
  ``np.linalg.svd`` of ``X.T @ Z``.

Both mappings are then scored with the same evaluator (``bli_scores``, NN and CSLS P@1 on the
1,500 test queries) restricted to the ``--eval-vocab`` (30,000) most frequent words of each
side (``--eval-vocab 0`` for all words). Printed: wall and CPU time ratios, the load average,
pairs induced per round, P@1 reached, how far apart the two mappings are, and whether issue
11's target (>= 2x, same dictionaries) is met. About 5 minutes on an idle machine (the
reference and the world generation take most of it).

Usage::

    python bench/bench_refine.py            # 200k words, 300-d, 5 rounds over 15k words
    python bench/bench_refine.py --quick    # 50k words, 5k refine vocabulary
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from xproj.align import fit_mapping  # noqa: E402
from xproj.datasets.synthetic import make_bilingual_world  # noqa: E402
from xproj.evaluation import bli_scores  # noqa: E402
from xproj.vectors import WordVectors  # noqa: E402


def _unit(M):
    n = np.linalg.norm(M, axis=1, keepdims=True)
    n[n == 0] = 1
    return M / n


def _normalize(M):
    """unit, center, unit (VecMap's default) in float32."""
    M = _unit(np.asarray(M, dtype=np.float32))
    M = M - M.mean(axis=0, dtype=np.float64).astype(np.float32)
    return _unit(M)


def _svd_procrustes(X, Z):
    U, _, Vt = np.linalg.svd(X.astype(np.float64).T @ Z.astype(np.float64))
    return (U @ Vt).astype(np.float32)


def _topk_mean(S, k, axis):
    n = S.shape[axis]
    return np.partition(S, n - k, axis=axis).take(range(n - k, n), axis=axis).mean(axis=axis)


def reference_refine(src, tgt, seed_pairs, *, rounds=5, vocab=15000, k=10):
    """Returns (W, pairs induced per round)."""
    Xn, Zn = _normalize(src.vectors), _normalize(tgt.vectors)
    rows = [(src.index[s], tgt.index[t]) for s, t in seed_pairs if s in src.index and t in tgt.index]
    si, ti = np.array(rows).T
    W = _svd_procrustes(Xn[si], Zn[ti])
    Kx, Kz = min(vocab, len(src)), min(vocab, len(tgt))
    n_pairs = []
    for _ in range(rounds):
        Xm = Xn[:Kx] @ W
        Zk = Zn[:Kz]
        S = Xm @ Zk.T                       # Kx x Kz cosine similarities
        r_x = _topk_mean(S, k, axis=1)      # each mapped source: mean of its k nearest targets
        r_z = _topk_mean(S, k, axis=0)      # each target: mean of its k nearest mapped sources
        C = 2 * S - r_x[:, None] - r_z[None, :]
        fwd = np.argmax(C, axis=1)          # source -> target
        bwd = np.argmax(C, axis=0)          # target -> source
        src_rows = np.flatnonzero(bwd[fwd] == np.arange(Kx))  # mutual nearest neighbours
        tgt_rows = fwd[src_rows]
        n_pairs.append(len(src_rows))
        W = _svd_procrustes(Xn[src_rows], Zn[tgt_rows])
    return W, n_pairs


def evaluate(src, tgt, W, test, vocab=None):
    """BLI P@1 (NN, CSLS) and coverage, with the first ``vocab`` words of each side as the
    source space and the candidates (all words when None)."""
    Xn, Zn = _normalize(src.vectors), _normalize(tgt.vectors)
    v = vocab or max(len(src), len(tgt))
    res = bli_scores(WordVectors(src.words[:v], Xn[:v] @ W), WordVectors(tgt.words[:v], Zn[:v]), test,
                     methods=("nn", "csls"), ks=(1,))
    return res["nn"]["p@1"], res["csls"]["p@1"], res["covered"], res["queries"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-words", type=int, default=200_000)
    ap.add_argument("--dim", type=int, default=300)
    ap.add_argument("--noise", type=float, default=1.0)
    ap.add_argument("--eval-vocab", type=int, default=30_000,
                    help="evaluate over the first N words of each side (0: all)")
    ap.add_argument("--seed-pairs", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--refine-vocab", type=int, default=15_000)
    ap.add_argument("--repeat", type=int, default=1, help="best of N for both timings")
    ap.add_argument("--quick", action="store_true", help="50k words, 5k refine vocabulary")
    args = ap.parse_args(argv)
    if args.quick:
        args.n_words, args.refine_vocab, args.eval_vocab = 50_000, 5_000, 20_000
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    t = time.perf_counter()
    world = make_bilingual_world(n_words=args.n_words, dim=args.dim, noise=args.noise, seed=0,
                                 n_train=5000, n_test=1500)
    print(f"world {len(world.src):,} src x {len(world.tgt):,} tgt words, dim {args.dim}, noise {args.noise}: "
          f"{time.perf_counter() - t:.1f} s", flush=True)
    seed = world.train_pairs[: args.seed_pairs]
    test = world.test_pairs

    tx = tr = cx = cr = None
    load0 = os.getloadavg()[0]
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        mapping = fit_mapping(world.src, world.tgt, seed, refine=args.rounds, refine_vocab=args.refine_vocab)
        dt, dc = time.perf_counter() - t, time.process_time() - c
        tx, cx = (dt, dc) if tx is None else (min(tx, dt), min(cx, dc))
        print(f"  xproj fit_mapping: {dt:.2f} s (CPU {dc:.2f} s)", flush=True)
        t, c = time.perf_counter(), time.process_time()
        W_ref, ref_pairs = reference_refine(world.src, world.tgt, seed, rounds=args.rounds, vocab=args.refine_vocab)
        dt, dc = time.perf_counter() - t, time.process_time() - c
        tr, cr = (dt, dc) if tr is None else (min(tr, dt), min(cr, dc))
        print(f"  numpy reference:   {dt:.2f} s (CPU {dc:.2f} s)", flush=True)
    load1 = os.getloadavg()[0]
    x_pairs = [h["pairs"] for h in mapping.metadata["history"][1:]]

    # Supervised-only starting point, for context (P@1 before refinement).
    W0 = fit_mapping(world.src, world.tgt, seed).W_
    p0 = evaluate(world.src, world.tgt, W0, test, args.eval_vocab)
    px = evaluate(world.src, world.tgt, mapping.W_, test, args.eval_vocab)
    pr = evaluate(world.src, world.tgt, W_ref, test, args.eval_vocab)
    diff = float(np.abs(mapping.W_ - W_ref).max())

    print()
    print(f"{args.rounds} refinement rounds over the {args.refine_vocab:,} most frequent words, "
          f"{len(world.src):,} x {len(world.tgt):,} words, {args.dim}-d, seed {len(seed)} pairs")
    print()
    print("| | time (s) | speed-up | CPU time (s) | CPU speed-up | pairs induced per round | P@1 NN | P@1 CSLS |")
    print("|---|---:|---:|---:|---:|---|---:|---:|")
    print(f"| seed Procrustes only | - | - | - | - | - | {p0[0]:.4f} | {p0[1]:.4f} |")
    print(f"| xproj fit_mapping(refine={args.rounds}) | {tx:.2f} | {tr / tx:.2f}x | {cx:.2f} | {cr / cx:.2f}x | "
          f"{', '.join(map(str, x_pairs))} | {px[0]:.4f} | {px[1]:.4f} |")
    print(f"| numpy reference | {tr:.2f} | 1.00x | {cr:.2f} | 1.00x | {', '.join(map(str, ref_pairs))} | "
          f"{pr[0]:.4f} | {pr[1]:.4f} |")
    print()
    print(f"P@1 over {px[2]:,} covered of {px[3]:,} test queries, candidates and CSLS sources: the first "
          f"{args.eval_vocab:,} words of each side" if args.eval_vocab else
          f"P@1 over {px[2]:,} covered of {px[3]:,} test queries, all words as candidates")
    print(f"max |W_xproj - W_reference| = {diff:.2e}; same induced dictionary sizes: {x_pairs == ref_pairs}")
    print(f"load average (1 min) {load0:.1f} before, {load1:.1f} after the timings")
    met = tr / tx >= 2 and x_pairs == ref_pairs
    print(f"target (issue 11): {args.rounds} rounds >= 2x the numpy reference, same dictionary sizes: "
          f"{'MET' if met else 'MISSED'} ({tr / tx:.2f}x wall, {cr / cx:.2f}x CPU)")


if __name__ == "__main__":
    main()
