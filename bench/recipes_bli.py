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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_bli_real import CACHE, find_dictionaries, find_vectors, shared_dir  # noqa: E402
from self_learning import wilson  # noqa: E402

from xproj.align import RECIPES, align_to_pivot, fit_mapping  # noqa: E402
from xproj.align.recipes import SUPERVISED_REFINEMENT, VECMAP_SUPERVISED  # noqa: E402
from xproj.dictionaries import normalize_pairs, split_by_source  # noqa: E402
from xproj.features import AlignedSpace  # noqa: E402
from xproj.lang.kana import is_katakana_word  # noqa: E402
from xproj.evaluation import bli_scores  # noqa: E402
from xproj.vectors import load_vectors  # noqa: E402

PAIRS = ("en-es", "es-en", "en-zh", "en-de", "en-fr", "en-ja")
#: the held-out part of the train dictionary used by --tune (source words, file order)
TUNE_SPLIT = (4000, 1000)
#: --tune: (src_reweight, trg_reweight) tried first, then dim_reduction (0 = off) at the best
REWEIGHTS = ((0.5, 0.5), (0.0, 0.0), (0.25, 0.25), (0.75, 0.75), (1.0, 1.0), (0.0, 1.0), (1.0, 0.0))
DIMS = (0, 50, 75, 90)
#: --tune-refine: supervised (exponents 0.25) + refinement variants, compared on held-out train words
#: no refinement unless a candidate sets it, then plain CSLS induction (as when these ran)
SUP = {"recipe": "supervised", "refine": 0, "orthography": 0.0, "transliterate": False}
REFINE_CANDIDATES = (
    SUP,
    {**SUP, "refine": 1, "refine_vocab": 10000, "keep_seed": True},
    {**SUP, "refine": 3, "refine_vocab": 10000, "keep_seed": True},
    {**SUP, "refine": 3, "refine_vocab": 10000, "keep_seed": False},
    {**SUP, "refine": 3, "refine_vocab": 20000, "keep_seed": True},
    {**SUP, "refine": 3, "refine_vocab": 10000, "keep_seed": True, "induction": "union"},
    {**SUP, "refine": 3, "refine_vocab": 10000, "keep_seed": True, "csls_k": 5},
    {**SUP, "refine": 5, "refine_vocab": 10000, "keep_seed": True},
    {**SUP, "refine": 3, "refine_vocab": 10000, "keep_seed": True, "src_reweight": 0.5, "trg_reweight": 0.5},
)
#: --tune-refine more: the second round of the search (smaller K; whitening with a ridge)
MORE_CANDIDATES = (
    {**SUP, "refine": 3, "refine_vocab": 5000, "keep_seed": True},
    {**SUP, "refine": 3, "refine_vocab": 7500, "keep_seed": True},
    {**SUP, "whiten_ridge": 0.01},
    {**SUP, "whiten_ridge": 0.1},
    {**SUP, "refine": 3, "refine_vocab": 10000, "keep_seed": True, "whiten_ridge": 0.1},
)
#: --tune-refine rounds: refinement or not, for every pair (the default must hold beyond en-es)
ROUNDS_CANDIDATES = (
    {**SUP, "refine": 0},
    {**SUP, "refine": 1},
    {**SUP, "refine": 3},
)

#: --tune-refine rcsls: RCSLS (fastText's settings, a smaller step, the orthogonal variant) against
#: Procrustes, its initialisation, and supervised with 0, 1 or "auto" refinement rounds (result:
#: supervised with 1 round stays the default; RCSLS at best 0.1218 mean, bench/README.md)
RCSLS_CANDIDATES = (
    {"recipe": "procrustes"},
    {"recipe": "rcsls"},
    {"recipe": "rcsls", "lr": 2.0},
    {"recipe": "rcsls", "projection": "orthogonal"},
    {**SUP, "refine": 0},
    {**SUP, "refine": 1},
    {**SUP, "refine": "auto"},
)

#: --tune-refine prep: pre-processing of both spaces before the mapping (iterative normalisation,
#: Zhang et al. 2019; all-but-the-top, Mu and Viswanath 2018), the seed's first translation only,
#: and the refinement's induction (CSLS k, one-way), each against the default (1 round)
ITERNORM5 = ",".join(["unit,center"] * 5 + ["unit"])
#: the default these searches were run against: one round, plain CSLS induction (the
#: orthography weight came later, --tune-refine ortho)
DEFAULT = {"recipe": "supervised", "orthography": 0.0, "transliterate": False}
PREP_CANDIDATES = (
    DEFAULT,
    {**DEFAULT, "normalization": ITERNORM5},
    {**DEFAULT, "normalization": "unit,center,abtt,unit", "whiten_ridge": 1e-6},
    {**DEFAULT, "normalization": "unit,center,abtt,abtt,unit", "whiten_ridge": 1e-6},
    {**DEFAULT, "normalization": "unit,center,abtt,abtt,abtt,unit", "whiten_ridge": 1e-6},
    {**DEFAULT, "seed_translations": "first"},
    {**DEFAULT, "csls_k": 5},
    {**DEFAULT, "csls_k": 20},
    {**DEFAULT, "induction": "forward"},
)

#: --tune-refine auto: the rounds chosen per pair at fit time from the training dictionary alone,
#: by one held-out fifth (``refine="auto"``) or 5-fold cross-validation over its source words
AUTO_CANDIDATES = (
    {**DEFAULT, "refine": "auto", "auto_folds": 5},
)
#: --tune-refine one: the one default round's vocabulary K and the re-weighting exponents under it
#: (K and the exponents were chosen without refinement or with 3 rounds, on en-es / es-en only)
ONE_ROUND_CANDIDATES = (
    {**DEFAULT, "refine_vocab": 5000},
    {**DEFAULT, "refine_vocab": 20000},
    {**DEFAULT, "src_reweight": 0.5, "trg_reweight": 0.5},
)

#: --tune-refine ortho: the default round's induction by CSLS + a weight x orthographic similarity
#: (Riley and Gildea 2018), weights 0.1-0.8, and 2 or 3 rounds at 0.4 (a cleaner induced
#: dictionary may carry further). Chosen: 0.4, one round (``SUPERVISED_REFINEMENT``). Three more
#: ideas of that search lost and were removed from the library (bench/README.md, commit 3df50e5):
#: the seed pairs counted 2 or 3 times in the round, identical strings among the 10,000 / 50,000
#: most frequent words of both sides added to the seed, induced pairs of unseeded words only.
ORTHO_CANDIDATES = (
    DEFAULT,
    *({**DEFAULT, "orthography": w} for w in (0.1, 0.2, 0.4, 0.8)),
    {**DEFAULT, "orthography": 0.4, "refine": 2},
    {**DEFAULT, "orthography": 0.4, "refine": 3},
)

#: --tune-refine translit: the default round (orthography 0.4) with the languages' declared
#: transliterations (xproj.lang.script.get_transliterator: Japanese katakana -> Latin letters),
#: at 0.2 / 0.4 / 0.8; directions without one must come out identical to the first row
TRANSLIT_CANDIDATES = (
    {"recipe": "supervised", "transliterate": False},
    *({"recipe": "supervised", "orthography": w, "transliterate": True} for w in (0.2, 0.4, 0.8)),
)

#: --tune-refine pivot: the source-only (fixed pivot) variant's re-weighting and de-whitening
FIXED = {"recipe": "supervised", "fixed_target": True, "orthography": 0.0, "transliterate": False}  # the refinement then
PIVOT_CANDIDATES = (
    FIXED,
    {**FIXED, "src_reweight": 0.5},
    {**FIXED, "src_reweight": 0.5, "src_dewhiten": "trg"},
)


def load_direction(pair, vectors, files, muse, one_script=False):
    """(src vectors, tgt vectors, train pairs, test pairs) of ``pair`` ("en-es"), or None.
    ``one_script``: both dictionaries brought to each language's script (``normalize_pairs``)."""
    s, t = pair.split("-")
    d = find_dictionaries(muse, s, t)
    if d is None or s not in files or t not in files:
        print(f"{pair}: no vectors or MUSE dictionary; skipped")
        return None
    for lang in (s, t):
        if lang not in vectors:
            vectors[lang] = load_vectors(files[lang], cache_dir=CACHE, lang=lang)
    train, test = d[0], d[1]
    if one_script:
        (train, _), (test, _) = normalize_pairs(train, s, t), normalize_pairs(test, s, t)
    return vectors[s], vectors[t], train, test


def evaluate(mapping, src, tgt, pairs, methods=("nn", "csls"), ks=(1, 5)):
    """BLI of a mapping, both sides through it (two-sided recipes map the target too)."""
    return bli_scores(mapping.transform(src), mapping.transform(tgt, side="target"), pairs,
                      methods=methods, ks=ks)


def katakana_queries(pairs) -> set:
    """Source words of ``pairs`` with a translation written in katakana (ホテル for hotel)."""
    return {s for s, t in pairs if is_katakana_word(t)}


def without_katakana(pairs) -> list:
    """``pairs`` without the queries of :func:`katakana_queries` (all their pairs)."""
    kana = katakana_queries(pairs)
    return [p for p in pairs if p[0] not in kana]


def identical_queries(pairs) -> set:
    """Source words of ``pairs`` that are among their own translations (``hotel``/``hotel``)."""
    return {s for s, t in pairs if s == t}


def without_identical(pairs) -> list:
    """``pairs`` without the queries of :func:`identical_queries` (all their pairs)."""
    same = identical_queries(pairs)
    return [p for p in pairs if p[0] not in same]


def _held_out_scores(directions, configs, other=None, subset=without_identical):
    """{(pair, config): held-out CSLS P@1} for supervised ``configs`` (dicts of parameters).
    ``other``: a dict that receives the same P@1 over ``subset(held-out pairs)`` (default: the
    queries that are not identical strings, :func:`without_identical`)."""
    out = {}
    for pair, (src, tgt, train, _test) in directions.items():
        fit_part, held_out = split_by_source(train, *TUNE_SPLIT)
        for config in configs:
            t0 = time.perf_counter()
            m = fit_mapping(src, tgt, fit_part, **config)
            out[(pair, _key(config))] = evaluate(m, src, tgt, held_out, ("csls",), (1,))["csls"]["p@1"]
            auto = m.metadata.get("refine_auto")
            chosen = f" (rounds chosen: {auto['chosen']})" if auto else ""
            if other is not None:
                other[(pair, _key(config))] = evaluate(m, src, tgt, subset(held_out), ("csls",),
                                                       (1,))["csls"]["p@1"]
                chosen += f", {subset.__name__} {other[(pair, _key(config))]:.4f}"
            print(f"  {pair} {_key(config)}: {out[(pair, _key(config))]:.4f}{chosen} "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)
    return out


def _key(config):
    return ", ".join(f"{k}={v}" for k, v in config.items())


def tune(directions):
    """Coordinate search on the held-out train words: the re-weighting exponents first (no
    dimensionality reduction), then the dimensionality reduction at the best exponents.
    Prints a table of held-out CSLS P@1 per direction and the mean; returns the best config."""
    configs = [{"recipe": "procrustes"}] + [
        {"recipe": "supervised", "src_reweight": rs, "trg_reweight": rt, "refine": 0} for rs, rt in REWEIGHTS]
    scores = _held_out_scores(directions, configs)
    pairs = list(directions)
    mean = {k: sum(scores[(p, _key(c))] for p in pairs) / len(pairs) for c in configs for k in [_key(c)]}
    best = max(configs[1:], key=lambda c: mean[_key(c)])
    more = [{**best, "dim_reduction": d} for d in DIMS if d]
    scores.update(_held_out_scores(directions, more))
    configs += more
    mean.update({_key(c): sum(scores[(p, _key(c))] for p in pairs) / len(pairs) for c in more})
    best = max(configs[1:], key=lambda c: mean[_key(c)])
    return _print_held_out(configs, scores, pairs, mean, best)


def tune_refine(directions, candidates=REFINE_CANDIDATES, subset=None):
    """Held-out CSLS P@1 (train words only, as :func:`tune`) of supervised + refinement
    variants; prints the table and returns the best candidate by the mean over directions.
    ``subset`` (:func:`without_identical`, :func:`without_katakana`): a second table over the
    held-out pairs it keeps."""
    other = {} if subset else None
    if subset is not None:
        for pair, (_s, _t, train, _test) in directions.items():
            held_out = split_by_source(train, *TUNE_SPLIT)[1]
            print(f"  {pair}: {len({s for s, _ in subset(held_out)})} of {len({s for s, _ in held_out})} "
                  f"held-out queries kept by {subset.__name__}", flush=True)
    scores = _held_out_scores(directions, candidates, other, subset or without_identical)
    pairs = list(directions)

    def means(table):
        return {_key(c): sum(table[(p, _key(c))] for p in pairs) / len(pairs) for c in candidates}

    mean = means(scores)
    best = max(candidates, key=lambda c: mean[_key(c)])
    if other is not None:
        print(f"\nheld-out queries kept by {subset.__name__}:")
        _print_held_out(candidates, other, pairs, means(other), best)
        print("\nall held-out queries (the rule):")
    return _print_held_out(candidates, scores, pairs, mean, best)


def _print_held_out(configs, scores, pairs, mean, best):
    """The held-out table (markdown) and the best configuration's line; returns ``best``."""
    print()
    print("| configuration | " + " | ".join(pairs) + " | mean |")
    print("|---|" + "---:|" * (len(pairs) + 1))
    for c in configs:
        print(f"| {_key(c)} | " + " | ".join(f"{scores[(p, _key(c))]:.4f}" for p in pairs)
              + f" | {mean[_key(c)]:.4f} |")
    print(f"\nbest on the held-out train words (mean CSLS P@1): {_key(best)} ({mean[_key(best)]:.4f})")
    return best


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
            m = fit_mapping(src, tgt, train, **params)
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
    maps = align_to_pivot(spaces, src0, recipe=config["recipe"], **params)
    shared = AlignedSpace.from_mappings(src0.lang, src0, {x: (wv, maps[x]) for x, (wv, _) in spaces.items()})
    print(f"  {len(maps)} languages onto {src0.lang} in {time.perf_counter() - t0:.1f} s", flush=True)
    print("\n| pair | pairwise (two-sided) CSLS P@1 | one pivot space CSLS P@1 | covered queries |")
    print("|---|---:|---:|---|")
    for pair, (src, tgt, train, test) in directions.items():
        x = pair.split("-")[1]
        one = bli_scores(shared[src.lang], shared[x], test, methods=("csls",), ks=(1,))
        two = evaluate(fit_mapping(src, tgt, train, **config), src, tgt, test, ("csls",), (1,))
        print(f"| {pair} | {two['csls']['p@1']:.4f} | {one['csls']['p@1']:.4f} | "
              f"{one['covered']:,}/{one['queries']:,} |", flush=True)


def read_directions(pairs, one_script=False) -> dict:
    """{pair: (src vectors, tgt vectors, train, test)} for the pairs found in the shared folder."""
    vdir, muse = shared_dir() / "vectors", shared_dir() / "data" / "muse"
    if not (vdir.is_dir() and muse.is_dir()):
        print(f"{vdir} or {muse} not found (set XPROJ_SHARED)")
        return {}
    files, vectors = find_vectors(vdir), {}
    found = {pair: load_direction(pair, vectors, files, muse, one_script) for pair in pairs}
    return {pair: d for pair, d in found.items() if d is not None}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", nargs="+", default=list(PAIRS))
    ap.add_argument("--recipes", nargs="+", default=list(RECIPES), choices=list(RECIPES))
    ap.add_argument("--tune", action="store_true", help="choose supervised defaults on the train dictionary")
    ap.add_argument("--tune-refine", nargs="?", const="refine",
                    choices=("refine", "more", "rounds", "rcsls", "pivot", "prep", "auto", "one", "ortho",
                             "translit"),
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
        tune_refine(directions, {"refine": REFINE_CANDIDATES, "more": MORE_CANDIDATES, "rounds": ROUNDS_CANDIDATES,
                                 "rcsls": RCSLS_CANDIDATES, "pivot": PIVOT_CANDIDATES,
                                 "prep": PREP_CANDIDATES, "auto": AUTO_CANDIDATES,
                                 "one": ONE_ROUND_CANDIDATES, "ortho": ORTHO_CANDIDATES,
                                 "translit": TRANSLIT_CANDIDATES}[args.tune_refine],
                    subset={"ortho": without_identical, "translit": without_katakana}.get(args.tune_refine))
    elif args.pivot:
        pivot_bli(directions, {"recipe": "supervised"})
    else:
        compare(directions, args.recipes, args.defaults_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
