"""BLI of the alignment recipes on the real vectors of ../shared, and the choice of their defaults.

Directions en-es, es-en, en-zh, en-de, en-fr, en-ja (``--pairs``), vectors and MUSE dictionaries
found as in ``bench/bench_bli_real.py`` (train ``{s}-{t}.0-5000.txt``, test
``{s}-{t}.5000-6500[.derived].txt``; dictionaries as given: the en-zh files' Traditional
characters are left unconverted, like the VecMap figures quoted in issue 11).

Two modes:

``--tune``
    Chooses the ``supervised`` recipe's re-weighting exponents and dimensionality reduction on
    the TRAIN dictionary only: its first 4,000 source words (file order, MUSE-style
    ``split_by_source``) fit the mapping, the next 1,000 are the held-out queries; CSLS P@1 over
    covered held-out queries, per direction and averaged. The test dictionary is not read.
default
    Fits every recipe in ``--recipes`` on the full train dictionary and prints, per direction,
    P@1 NN / CSLS and P@5 CSLS over covered test queries, coverage and fit time (markdown).

Usage::

    python bench/recipes_bli.py [--pairs en-es es-en] [--recipes procrustes supervised]
    python bench/recipes_bli.py --tune [--pairs en-es es-en]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_bli_real import CACHE, find_dictionaries, find_vectors, shared_dir  # noqa: E402

from xproj.align import RECIPES, fit_mapping  # noqa: E402
from xproj.dictionaries import split_by_source  # noqa: E402
from xproj.evaluation import bli_scores  # noqa: E402
from xproj.vectors import load_vectors  # noqa: E402

PAIRS = ("en-es", "es-en", "en-zh", "en-de", "en-fr", "en-ja")
#: the held-out part of the train dictionary used by --tune (source words, file order)
TUNE_SPLIT = (4000, 1000)
#: --tune grid: (src_reweight, trg_reweight) and dim_reduction (0 = off)
REWEIGHTS = ((0.0, 0.0), (0.25, 0.25), (0.5, 0.5), (0.75, 0.75), (1.0, 1.0), (0.0, 1.0), (1.0, 0.0))
DIMS = (0, 50, 75, 90)


def load_direction(pair, vectors, files, muse):
    """(src vectors, tgt vectors, train pairs, test pairs) of ``pair`` ("en-es"), or None."""
    s, t = pair.split("-")
    d = find_dictionaries(muse, s, t)
    if d is None or s not in files or t not in files:
        print(f"{pair}: no vectors or MUSE dictionary; skipped")
        return None
    for lang in (s, t):
        if lang not in vectors:
            vectors[lang] = load_vectors(files[lang], cache_dir=CACHE, lang=lang)
    return vectors[s], vectors[t], d[0], d[1]


def evaluate(mapping, src, tgt, pairs, methods=("nn", "csls"), ks=(1, 5)):
    """BLI of a mapping, both sides through it (two-sided recipes map the target too)."""
    return bli_scores(mapping.transform(src), mapping.transform(tgt, side="target"), pairs,
                      methods=methods, ks=ks)


def tune(directions):
    """Held-out CSLS P@1 of every grid point, per direction and averaged; prints a table."""
    grid = list(itertools.product(REWEIGHTS, DIMS))
    scores = {}
    for pair, (src, tgt, train, _test) in directions.items():
        fit_part, held_out = split_by_source(train, *TUNE_SPLIT)
        base = fit_mapping(src, tgt, fit_part)
        scores[(pair, "procrustes")] = evaluate(base, src, tgt, held_out, ("csls",), (1,))["csls"]["p@1"]
        for (rs, rt), dim in grid:
            m = fit_mapping(src, tgt, fit_part, recipe="supervised", src_reweight=rs, trg_reweight=rt,
                            dim_reduction=dim)
            scores[(pair, (rs, rt, dim))] = evaluate(m, src, tgt, held_out, ("csls",), (1,))["csls"]["p@1"]
        print(f"  {pair}: procrustes {scores[(pair, 'procrustes')]:.4f}, best supervised "
              f"{max(v for k, v in scores.items() if k[0] == pair and k[1] != 'procrustes'):.4f}", flush=True)
    pairs = list(directions)
    print()
    print("| src_reweight | trg_reweight | dim_reduction | " + " | ".join(pairs) + " | mean |")
    print("|---:|---:|---:|" + "---:|" * (len(pairs) + 1))
    rows = [("procrustes", "", "", "procrustes")] + [(rs, rt, dim, (rs, rt, dim)) for (rs, rt), dim in grid]
    means = {}
    for *label, key in rows:
        vals = [scores[(p, key)] for p in pairs]
        means[key] = sum(vals) / len(vals)
        print("| " + " | ".join(map(str, label)) + " | " + " | ".join(f"{v:.4f}" for v in vals)
              + f" | {means[key]:.4f} |")
    best = max((k for k in means if k != "procrustes"), key=lambda k: means[k])
    print(f"\nbest on the held-out train words (mean CSLS P@1): src_reweight={best[0]}, "
          f"trg_reweight={best[1]}, dim_reduction={best[2]} ({means[best]:.4f})")


def compare(directions, recipes):
    rows = []
    for pair, (src, tgt, train, test) in directions.items():
        for recipe in recipes:
            t0 = time.perf_counter()
            m = fit_mapping(src, tgt, train, recipe=recipe)
            t_fit = time.perf_counter() - t0
            res = evaluate(m, src, tgt, test)
            rows.append((pair, recipe, res, t_fit))
            print(f"  {pair} {recipe}: fit {t_fit:.1f} s, P@1 NN {res['nn']['p@1']:.4f} "
                  f"CSLS {res['csls']['p@1']:.4f}", flush=True)
    print()
    print("| pair | recipe | P@1 NN | P@1 CSLS | P@5 CSLS | covered queries | fit (s) |")
    print("|---|---|---:|---:|---:|---|---:|")
    for pair, recipe, res, t_fit in rows:
        print(f"| {pair} | {recipe} | {res['nn']['p@1']:.4f} | {res['csls']['p@1']:.4f} | "
              f"{res['csls']['p@5']:.4f} | {res['covered']:,}/{res['queries']:,} ({res['coverage']:.1%}) | "
              f"{t_fit:.1f} |")
    print("\nP@k over covered test queries (MUSE's figure); all target words are candidates.")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", nargs="+", default=list(PAIRS))
    ap.add_argument("--recipes", nargs="+", default=list(RECIPES), choices=list(RECIPES))
    ap.add_argument("--tune", action="store_true", help="choose supervised defaults on the train dictionary")
    args = ap.parse_args(argv)
    shared = shared_dir()
    vdir, muse = shared / "vectors", shared / "data" / "muse"
    if not vdir.is_dir() or not muse.is_dir():
        print(f"{vdir} or {muse} not found (set XPROJ_SHARED); nothing to do.")
        return 0
    files, vectors, directions = find_vectors(vdir), {}, {}
    for pair in args.pairs:
        d = load_direction(pair, vectors, files, muse)
        if d is not None:
            directions[pair] = d
    if not directions:
        print("no direction with both vectors and dictionaries; nothing to do.")
        return 0
    tune(directions) if args.tune else compare(directions, args.recipes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
