"""One self-learning iteration: xproj's induction against VecMap's way of computing it.

Both induce the bidirectional CSLS dictionary with stochastic dropout among the ``--cutoff``
most frequent words of a synthetic world (``--dim``, default 100 like the shared vectors),
from the same mapping:

* ``xproj`` -- :class:`xproj.self_learning._Inducer`: three products per iteration into one
  preallocated float32 buffer, top-k by ``row_topk``, dropout drawn as one geometric rank per
  row (:func:`xproj.self_learning.stochastic_argmax`);
* ``VecMap way`` -- ``map_embeddings.py``'s loop written in numpy: four products per
  iteration (each side's CSLS neighbourhood recomputed in its own pass), ``np.partition`` for
  the top-k means, and a full random mask per batch for the dropout.

Printed: CPU and wall seconds of each (median of ``--repeat``), their ratio, and the agreement
of the two dictionaries at keep probability 1 (no dropout: both are exact and must agree up to
ties). CPU seconds are the comparable figure on a shared machine.

Usage::

    python bench/self_learning_speed.py [--cutoff 20000] [--dim 100] [--keep 0.1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xproj.self_learning import _Inducer  # noqa: E402


def vecmap_induction(xw, zw, keep_prob, rng, k=10, batch=1000):
    """VecMap's union CSLS induction with dropout (dropped entries are zeroed, as there)."""
    n, m = len(xw), len(zw)
    simfwd = np.empty((batch, m), dtype=np.float32)
    simbwd = np.empty((batch, n), dtype=np.float32)

    def topk_mean(S):
        return -np.partition(-S, k - 1, axis=1)[:, :k].mean(axis=1)

    def dropout(S):
        return S if keep_prob >= 1 else S * (rng.random(S.shape) < keep_prob)

    knn_bwd = np.empty(m, dtype=np.float32)
    for i in range(0, m, batch):
        j = min(i + batch, m)
        np.matmul(zw[i:j], xw.T, out=simbwd[: j - i])
        knn_bwd[i:j] = topk_mean(simbwd[: j - i])
    fwd = np.empty(n, dtype=np.int64)
    for i in range(0, n, batch):
        j = min(i + batch, n)
        np.matmul(xw[i:j], zw.T, out=simfwd[: j - i])
        simfwd[: j - i] -= knn_bwd / 2
        fwd[i:j] = dropout(simfwd[: j - i]).argmax(axis=1)
    knn_fwd = np.empty(n, dtype=np.float32)
    for i in range(0, n, batch):
        j = min(i + batch, n)
        np.matmul(xw[i:j], zw.T, out=simfwd[: j - i])
        knn_fwd[i:j] = topk_mean(simfwd[: j - i])
    bwd = np.empty(m, dtype=np.int64)
    for i in range(0, m, batch):
        j = min(i + batch, m)
        np.matmul(zw[i:j], xw.T, out=simbwd[: j - i])
        simbwd[: j - i] -= knn_fwd / 2
        bwd[i:j] = dropout(simbwd[: j - i]).argmax(axis=1)
    return np.concatenate([np.arange(n), bwd]), np.concatenate([fwd, np.arange(m)])


def timed(fn, repeat):
    cpu, wall, out = [], [], None
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        out = fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return float(np.median(cpu)), float(np.median(wall)), out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cutoff", type=int, default=20000)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--keep", type=float, default=0.1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    n, d = args.cutoff, args.dim
    X = rng.standard_normal((n, d)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    Z = X @ Q.astype(np.float32) + 0.3 * rng.standard_normal((n, d)).astype(np.float32) / np.sqrt(d)
    Z /= np.linalg.norm(Z, axis=1, keepdims=True)
    Xw = X @ Q.astype(np.float32)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores; "
          f"{n} x {n} words, dim {d}, keep probability {args.keep}, median of {args.repeat}")
    inducer = _Inducer(n, n, 10, "union", 1024)
    for keep in (args.keep, 1.0):
        ours = timed(lambda keep=keep: inducer(Xw, Z, keep, np.random.default_rng(1))[:2], args.repeat)
        ref = timed(lambda keep=keep: vecmap_induction(Xw, Z, keep, np.random.default_rng(1)), args.repeat)
        print(f"keep {keep}: xproj {ours[0]:.1f} s CPU ({ours[1]:.1f} s wall), VecMap way "
              f"{ref[0]:.1f} s CPU ({ref[1]:.1f} s wall): {ref[0] / ours[0]:.2f}x CPU, "
              f"{ref[1] / ours[1]:.2f}x wall", flush=True)
        if keep >= 1:
            agree = np.mean((ours[2][0] == ref[2][0]) & (ours[2][1] == ref[2][1]))
            print(f"  dictionaries at keep 1: {agree:.4f} of the pairs identical")


if __name__ == "__main__":
    main()
