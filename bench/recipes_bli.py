"""BLI of the alignment recipes on the real vectors of ../shared, and the choice of their defaults.

Directions en-es, es-en, en-zh, en-de, en-fr, en-ja (``--pairs``), vectors and MUSE dictionaries
found as in ``bench/bench_bli_real.py`` (train ``{s}-{t}.0-5000.txt``, test
``{s}-{t}.5000-6500[.derived].txt``; dictionaries as given: the en-zh files' Traditional
characters are left unconverted, like the VecMap figures quoted in issue 11).

Two modes:

``--tune``
    Chooses the ``supervised`` recipe's re-weighting exponents, then its dimensionality
    reduction at the best exponents (coordinate search), on
    the TRAIN dictionary only: its first 4,000 source words (file order, MUSE-style
    ``split_by_source``) fit the mapping, the next 1,000 are the held-out queries; CSLS P@1 over
    covered held-out queries, per direction and averaged. The test dictionary is not read.
``--tune-refine [refine|more|rounds|rcsls|pivot|prep|auto|one]``
    The same held-out protocol for lists of candidates: ``refine`` (supervised + refinement
    rounds, K, keeping the seed, bidirectional induction, CSLS k), ``more`` (smaller K,
    whitening with a ridge), ``rcsls`` (RCSLS variants against Procrustes and supervised with
    0, 1 or "auto" rounds), ``pivot`` (the source-only ``fixed_target`` variant that
    :func:`~xproj.align.align_to_pivot` uses), ``prep`` (iterative normalisation,
    all-but-the-top, the seed's first translations only, CSLS k and one-way induction in the
    default round), ``auto`` (``refine="auto"`` by 5-fold cross-validation on the seed),
    ``one`` (K and the re-weighting exponents under the default round), ``ortho`` (the round's
    induction by CSLS + a weight x orthographic similarity; also a table over the held-out
    queries that are not identical strings), ``translit`` (the round's orthographic term with the
    languages' declared transliterations, Japanese katakana -> Latin, at weights 0.2 / 0.4 / 0.8,
    against the default without; also a table over the held-out queries without a katakana
    translation). Candidates of the searches before ``ortho`` keep the plain CSLS induction
    they were run with (``orthography=0``), those before ``translit`` no transliteration.
``--pivot``
    Every pair's target language mapped onto the common source language (the pivot) at once
    with ``align_to_pivot(recipe="supervised")``; BLI in that one space next to the pairwise fit.
default
    Fits every recipe in ``--recipes`` on the full train dictionary and prints, per direction,
    P@1 NN / CSLS and P@5 CSLS over covered test queries, coverage and fit time (markdown);
    ``supervised`` also with VecMap's own re-weighting (0.5), without refinement, with the
    previous default (one round, plain CSLS induction) and with ``refine="auto"`` (the rounds
    chosen on held-out train words, shown in the row's name). Each direction also says how many
    test queries are identical strings (among their own translations), and each row gives CSLS
    P@1 over the other queries, so that spelling-driven gains are not read as a test artefact.

The script reads its options and runs a mode; the work is in ``_recipes_directions.py`` (the
directions read from the shared folder, BLI of a mapping, subsets of queries),
``_recipes_candidates.py`` (each search's configurations), ``_recipes_tuning.py`` (the held-out
protocol) and ``_recipes_tables.py`` (the test-split tables).

Usage::

    python bench/recipes_bli.py [--pairs en-es es-en] [--recipes procrustes supervised]
    python bench/recipes_bli.py --tune [--pairs en-es es-en]
    python bench/recipes_bli.py --tune-refine [refine|more|rounds|rcsls|pivot|prep|auto|one|ortho|translit]
                                [--pairs ...]
    python bench/recipes_bli.py --pivot --pairs en-es en-de en-fr en-ja en-zh [--one-script]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _recipes_candidates import PAIRS, SEARCHES  # noqa: E402
from _recipes_directions import read_directions  # noqa: E402
from _recipes_tables import compare, pivot_bli  # noqa: E402
from _recipes_tuning import SEARCH_SUBSETS, tune, tune_refine  # noqa: E402

from xproj.align import RECIPES  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", nargs="+", default=list(PAIRS))
    ap.add_argument("--recipes", nargs="+", default=list(RECIPES), choices=list(RECIPES))
    ap.add_argument("--tune", action="store_true", help="choose supervised defaults on the train dictionary")
    ap.add_argument("--tune-refine", nargs="?", const="refine", choices=tuple(SEARCHES),
                    help="compare supervised + refinement (or fixed-pivot) variants on held-out train words")
    ap.add_argument("--pivot", action="store_true",
                    help="map every pair's target language onto the shared source (pivot) space at once")
    ap.add_argument("--defaults-only", action="store_true",
                    help="compare only the recipes' defaults (no VecMap / no-refinement rows)")
    ap.add_argument("--one-script", action="store_true",
                    help="bring dictionaries to each language's script (en-zh: Simplified)")
    args = ap.parse_args(argv)
    directions = read_directions(args.pairs, args.one_script)
    if not directions:
        print("no direction with both vectors and dictionaries; nothing to do.")
    elif args.tune:
        tune(directions)
    elif args.tune_refine:
        tune_refine(directions, SEARCHES[args.tune_refine], subset=SEARCH_SUBSETS.get(args.tune_refine))
    elif args.pivot:
        pivot_bli(directions, {"recipe": "supervised"})
    else:
        compare(directions, args.recipes, args.defaults_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
