"""The test-split tables of ``recipes_bli.py``: every recipe (and the supervised recipe's
variants) on each direction (the default mode), and one pivot space against pairwise fits
(``--pivot``)."""

from __future__ import annotations

import time

from _recipes_candidates import LINEAR
from _recipes_directions import evaluate, identical_queries, katakana_queries, without_identical, without_katakana
from self_learning import wilson

from xproj.align import align_to_pivot, fit_mapping
from xproj.align.recipes import SUPERVISED_REFINEMENT, VECMAP_SUPERVISED
from xproj.evaluation import bli_scores
from xproj.features import AlignedSpace


def compare(directions, recipes, defaults_only=False):
    variants = {r: {"recipe": r} for r in recipes}
    other_translit = not SUPERVISED_REFINEMENT["transliterate"]
    if "supervised" in recipes and not defaults_only:  # VecMap's own settings, xproj's before refinement
        variants = {"supervised (VecMap's reweight 0.5)": {"recipe": "supervised", **VECMAP_SUPERVISED, "refine": 0},
                    "supervised, no refinement": {"recipe": "supervised", "refine": 0},
                    "supervised, 1 round, CSLS induction (the default before)": {"recipe": "supervised",
                                                                                "orthography": 0.0},
                    "supervised, refine auto": {"recipe": "supervised", "refine": "auto"},
                    f"supervised, transliterate={other_translit}": {"recipe": "supervised",
                                                                    "transliterate": other_translit},
                    **variants}
    rows = []
    for pair, (src, tgt, train, test) in directions.items():
        same, kana = identical_queries(test), katakana_queries(test)
        print(f"  {pair}: {len(same)} of {len({s for s, _ in test})} test queries have themselves as a "
              f"translation (identical strings), {len(kana)} a katakana translation", flush=True)
        for recipe, params in variants.items():
            t0 = time.perf_counter()
            m = fit_mapping(src, tgt, train, **{**LINEAR, **params})
            t_fit = time.perf_counter() - t0
            res = evaluate(m, src, tgt, test)
            res["other"] = evaluate(m, src, tgt, without_identical(test), ("csls",), (1,))
            if kana:  # the queries a transliteration can help, and the others
                res["kana"] = evaluate(m, src, tgt, [p for p in test if p[0] in kana], ("csls",), (1,))
                res["no kana"] = evaluate(m, src, tgt, without_katakana(test), ("csls",), (1,))
            auto = m.metadata.get("refine_auto")
            if auto:  # the rounds chosen on held-out train words
                recipe = f"{recipe.split(' (')[0]} ({auto['chosen']} chosen)"
            rows.append((pair, recipe, res, t_fit))
            print(f"  {pair} {recipe}: fit {t_fit:.1f} s, P@1 NN {res['nn']['p@1']:.4f} "
                  f"CSLS {res['csls']['p@1']:.4f}", flush=True)
            if kana:
                print(f"    katakana-translated queries: CSLS P@1 {res['kana']['csls']['p@1']:.4f} "
                      f"({res['kana']['covered']} covered); others {res['no kana']['csls']['p@1']:.4f} "
                      f"({res['no kana']['covered']} covered)", flush=True)
    print()
    print("| pair | recipe | P@1 NN | P@1 CSLS [95% CI] | P@5 CSLS | covered queries | P@1 CSLS, not identical "
          "(covered) | fit (s) |")
    print("|---|---|---:|---|---:|---|---|---:|")
    for pair, recipe, res, t_fit in rows:
        lo, hi = wilson(res["csls"]["p@1"], res["covered"])
        other = res["other"]
        print(f"| {pair} | {recipe} | {res['nn']['p@1']:.4f} | {res['csls']['p@1']:.4f} [{lo:.3f}, {hi:.3f}] | "
              f"{res['csls']['p@5']:.4f} | {res['covered']:,}/{res['queries']:,} ({res['coverage']:.1%}) | "
              f"{other['csls']['p@1']:.4f} ({other['covered']:,}) | {t_fit:.1f} |")
    print("\nP@k over covered test queries (MUSE's figure); all target words are candidates; Wilson "
          "intervals; 'not identical': the queries that are not among their own translations.")


def pivot_bli(directions, config):
    """Every ``pivot-x`` direction's language mapped onto the pivot with :func:`align_to_pivot`
    (the reversed train dictionary: x -> pivot), then BLI pivot -> x in the one shared space,
    next to the pairwise two-sided fit of the same dictionary. Prints a markdown table."""
    pivots = {pair.split("-")[0] for pair in directions}
    if len(pivots) != 1:
        print("--pivot needs directions from one pivot language (en-es en-de ...)")
        return
    params = {k: v for k, v in config.items() if k != "recipe"}
    src0 = next(iter(directions.values()))[0]
    spaces = {pair.split("-")[1]: (tgt, [(b, a) for a, b in train])
              for pair, (_src, tgt, train, _test) in directions.items()}
    t0 = time.perf_counter()
    maps = align_to_pivot(spaces, src0, recipe=config["recipe"], **{**LINEAR, **params})
    shared = AlignedSpace.from_mappings(src0.lang, src0, {x: (wv, maps[x]) for x, (wv, _) in spaces.items()})
    print(f"  {len(maps)} languages onto {src0.lang} in {time.perf_counter() - t0:.1f} s", flush=True)
    print("\n| pair | pairwise (two-sided) CSLS P@1 | one pivot space CSLS P@1 | covered queries |")
    print("|---|---:|---:|---|")
    for pair, (src, tgt, train, test) in directions.items():
        x = pair.split("-")[1]
        one = bli_scores(shared[src.lang], shared[x], test, methods=("csls",), ks=(1,))
        two = evaluate(fit_mapping(src, tgt, train, **{**LINEAR, **config}), src, tgt, test, ("csls",), (1,))
        print(f"| {pair} | {two['csls']['p@1']:.4f} | {one['csls']['p@1']:.4f} | "
              f"{one['covered']:,}/{one['queries']:,} |", flush=True)
