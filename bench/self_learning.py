"""Self-learning from a weak seed and alignment with no dictionary, on the shared en-es vectors.

Vectors ``<shared>/vectors/{en,es}.100d.top50k.vec.xz`` (``--limit`` keeps the most frequent
words), test dictionary MUSE ``en-es.5000-6500.derived.txt``; CSLS and NN P@1 over covered
queries. Rows: supervised Procrustes on the MUSE train split (the reference), then
:func:`xproj.self_learning.self_learning` from identical strings, from numerals and from 25
train pairs (the first 25 source words' first translations), and
:func:`xproj.self_learning.unsupervised` (no dictionary). ``--synthetic N`` adds the same on
a synthetic world of N words (the rotation is known: ``|W - W_true|`` is printed). The train
split is the dev dictionary: ``--dev`` logs its P@1 every ``--eval-every`` iterations
(defaults were chosen on it, never on the test split).

Usage::

    python bench/self_learning.py [--cutoff 20000] [--interval 50] [--max-minutes 10]
                                  [--methods identical numerals pairs25 none] [--limit N]
                                  [--synthetic 20000] [--dev] [--eval-every 5]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xproj.align import fit_mapping  # noqa: E402
from xproj.dictionaries import read_dictionary  # noqa: E402
from xproj.evaluation import bli_scores  # noqa: E402
from xproj.paths import shared_dir  # noqa: E402
from xproj.self_learning import self_learning  # noqa: E402
from xproj.vectors import load_vectors  # noqa: E402

SEEDS = {"identical": "identical", "numerals": "numerals", "none": None}


def first_pairs(pairs, n):
    """The first translation of each of the first ``n`` source words."""
    out = {}
    for s, t in pairs:
        if len(out) == n:
            break
        out.setdefault(s, t)
    return list(out.items())


def wilson(p, n, z=1.96):
    """95% Wilson interval of a proportion ``p`` over ``n`` queries."""
    if n == 0:
        return 0.0, 0.0
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def bli_row(name, seed, m, src, tgt, test, times):
    r = bli_scores(m.transform(src), m.prepare(tgt), test, ks=(1,))
    lo, hi = wilson(r["csls"]["p@1"], r["covered"])
    meta = m.metadata
    iters = f"{meta['iterations']} ({meta['stopped_by']})" if "iterations" in meta else "-"
    return (f"| {name} | {seed} | {meta.get('seed_pairs_used', meta.get('seed_pairs_covered'))} | "
            f"{r['nn']['p@1']:.4f} | {r['csls']['p@1']:.4f} [{lo:.3f}, {hi:.3f}] | "
            f"{r['covered']}/{r['queries']} | "
            f"{iters} | {times[0]:.0f} s | {times[1]:.0f} s |")


def elapsed(start):
    """(wall seconds, CPU seconds of this process) since ``start`` = (wall, cpu)."""
    return time.perf_counter() - start[0], time.process_time() - start[1]


def now():
    return time.perf_counter(), time.process_time()


def run(src, tgt, train, test, args, extra=lambda m: ""):
    print("| method | seed | seed pairs used | P@1 NN | P@1 CSLS [95% CI] | covered | iterations | wall | CPU |")
    print("|---|---|---|---|---|---|---|---|---|")
    t = now()
    m = fit_mapping(src, tgt, train)
    print(bli_row("Procrustes (reference)", "train split", m, src, tgt, test, elapsed(t))
          + extra(m), flush=True)
    params = dict(vocabulary_cutoff=args.cutoff, stochastic_interval=args.interval,
                  max_minutes=args.max_minutes, eval_pairs=train if args.dev else None,
                  eval_every=args.eval_every)
    for method in args.methods:
        seed = first_pairs(train, 25) if method == "pairs25" else SEEDS[method]
        if seed is not None:
            t = now()
            m = fit_mapping(src, tgt, seed)
            print(bli_row("Procrustes on the seed alone", method, m, src, tgt, test, elapsed(t))
                  + extra(m), flush=True)
        t = now()
        m = self_learning(src, tgt, seed, **params)
        name = "unsupervised" if seed is None else "self-learning"
        print(bli_row(name, method, m, src, tgt, test, elapsed(t)) + extra(m), flush=True)
        if args.dev:
            print("  dev (train split) P@1 CSLS by iteration:",
                  [(h["iteration"], round(h["p@1_csls"], 3)) for h in m.metadata["history"] if "p@1_csls" in h])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cutoff", type=int, default=20000)
    ap.add_argument("--interval", type=int, default=50)
    ap.add_argument("--max-minutes", type=float, default=10)
    ap.add_argument("--methods", nargs="+", default=["identical", "numerals", "pairs25", "none"],
                    choices=["identical", "numerals", "pairs25", "none"])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--synthetic", type=int, help="also on a synthetic world of N words")
    ap.add_argument("--no-real", action="store_true")
    ap.add_argument("--dev", action="store_true", help="log dev (train split) P@1 per iteration")
    ap.add_argument("--eval-every", type=int, default=5)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.synthetic:
        from xproj.datasets.synthetic import make_bilingual_world

        w = make_bilingual_world(n_words=args.synthetic, dim=16, noise=0.05, seed=0)
        print(f"\nSynthetic world: {args.synthetic} words, dim 16, noise 0.05, seed 0\n")
        run(w.src, w.tgt, w.train_pairs, w.test_pairs, args,
            extra=lambda m: f" max abs(W - W_true) {np.abs(m.W_ - w.W_true).max():.3f}")
    if args.no_real:
        return
    sh = shared_dir()
    src = load_vectors(sh / "vectors/en.100d.top50k.vec.xz", limit=args.limit)
    tgt = load_vectors(sh / "vectors/es.100d.top50k.vec.xz", limit=args.limit)
    train = read_dictionary(sh / "data/muse/en-es.0-5000.txt")
    test = read_dictionary(sh / "data/muse/en-es.5000-6500.derived.txt")
    print(f"\nen -> es, {len(src)} x {len(tgt)} words, cutoff {args.cutoff}, interval "
          f"{args.interval}, budget {args.max_minutes} min\n")
    run(src, tgt, train, test, args)


if __name__ == "__main__":
    main()
