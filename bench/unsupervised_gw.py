"""Is the translation the optimum of a no-dictionary objective? Gromov-Wasserstein on gold pairs.

The most favourable no-dictionary problem: both sides reduced to the ``--n`` most frequent
words that have a translation in the dev dictionary (MUSE ``{pair}.0-5000``, the train split),
one target per source word, so that the translation is a permutation to find. For it, the
Gromov-Wasserstein square loss ``mean (C_x[i, j] - C_z[p(i), p(j)])^2`` of the intra-lingual
cosine matrices is computed for the gold permutation and for random ones, and POT's
Frank-Wolfe solver (``ot.gromov.gromov_wasserstein``) is run twice: from the uniform coupling,
and from the gold permutation itself. If the solver ends at a lower loss than the gold
permutation's with few gold pairs kept, the objective itself prefers a wrong matching and no
solver of it can find the translation. ``--synthetic`` runs the same on the synthetic world.

Needs the POT library (``pip install pot``), which xproj does not depend on.

Usage::

    python bench/unsupervised_gw.py [--pair en-es|es-en] [--n 300 1000] [--synthetic]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xproj.dictionaries import read_dictionary  # noqa: E402
from xproj.paths import shared_dir  # noqa: E402
from xproj.vectors import load_vectors, normalize  # noqa: E402


def one_to_one(pairs, src, tgt, n):
    """Row indices of the first ``n`` pairs (source order), one target per source and per target."""
    used_s, used_t, out = set(), set(), []
    for s, t in pairs:
        i, j = src.index.get(s), tgt.index.get(t)
        if i is None or j is None or i in used_s or j in used_t:
            continue
        used_s.add(i)
        used_t.add(j)
        out.append((i, j))
    out.sort()
    return np.array(out[:n])


def study(name, src, tgt, pairs, sizes, ot):
    X = np.asarray(normalize(src).vectors, dtype=np.float64)
    Z = np.asarray(normalize(tgt).vectors, dtype=np.float64)
    rng = np.random.default_rng(0)
    for n in sizes:
        rows = one_to_one(pairs, src, tgt, n)
        m = len(rows)
        Cx = X[rows[:, 0]] @ X[rows[:, 0]].T
        Cz = Z[rows[:, 1]] @ Z[rows[:, 1]].T
        iu = np.triu_indices(m, 1)
        pearson = np.corrcoef(Cx[iu], Cz[iu])[0, 1]

        def loss(perm, Cx=Cx, Cz=Cz):
            return float(np.mean((Cx - Cz[np.ix_(perm, perm)]) ** 2))

        gold = np.arange(m)
        p = np.full(m, 1 / m)
        random_loss = np.mean([loss(rng.permutation(m)) for _ in range(5)])
        print(f"{name}, {m} gold pairs (Pearson of their cosines {pearson:.3f}): GW loss of the "
              f"gold matching {loss(gold):.5f}, of random matchings {random_loss:.5f}", flush=True)
        for start, G0 in (("the uniform coupling", None), ("the gold matching", np.eye(m) / m)):
            t = time.process_time()
            T = ot.gromov.gromov_wasserstein(Cx, Cz, p, p, "square_loss", G0=G0, max_iter=200)
            perm = T.argmax(axis=1)
            print(f"  Frank-Wolfe from {start}: {np.mean(perm == gold):.3f} of the gold pairs, "
                  f"loss {loss(perm):.5f}, {time.process_time() - t:.1f} s CPU", flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pair", default="en-es", choices=["en-es", "es-en"])
    ap.add_argument("--n", type=int, nargs="+", default=[300, 1000])
    ap.add_argument("--synthetic", action="store_true", help="the synthetic world as well")
    args = ap.parse_args(argv)
    try:
        import ot
    except ImportError:
        sys.exit("bench/unsupervised_gw.py: needs the POT library (pip install pot)")
    if args.synthetic:
        from xproj.datasets.synthetic import make_bilingual_world

        w = make_bilingual_world(n_words=5000, dim=16, noise=0.05, seed=0)
        study("synthetic (5,000 words, dim 16, noise 0.05)", w.src, w.tgt, w.train_pairs, args.n, ot)
    sh = shared_dir()
    s_lang, t_lang = args.pair.split("-")
    src = load_vectors(sh / f"vectors/{s_lang}.100d.top50k.vec.xz")
    tgt = load_vectors(sh / f"vectors/{t_lang}.100d.top50k.vec.xz")
    study(args.pair, src, tgt, read_dictionary(sh / f"data/muse/{args.pair}.0-5000.txt"), args.n, ot)


if __name__ == "__main__":
    main()
