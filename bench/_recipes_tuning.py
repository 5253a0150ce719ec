"""The held-out protocol of ``recipes_bli.py --tune`` / ``--tune-refine``: mappings fitted on
the first source words of the TRAIN dictionary, CSLS P@1 on the next ones (the test dictionary
is never read), a table per search and the best configuration by the mean over directions."""

from __future__ import annotations

import time

from _recipes_candidates import DIMS, LINEAR, REFINE_CANDIDATES, REWEIGHTS, TUNE_SPLIT
from _recipes_directions import evaluate, without_identical, without_katakana

from xproj.align import fit_mapping
from xproj.dictionaries import split_by_source

#: ``--tune-refine NAME``: the searches that also get a table over a subset of the held-out queries
SEARCH_SUBSETS = {"ortho": without_identical, "translit": without_katakana}


def _held_out_scores(directions, configs, other=None, subset=without_identical):
    """{(pair, config): held-out CSLS P@1} for supervised ``configs`` (dicts of parameters).
    ``other``: a dict that receives the same P@1 over ``subset(held-out pairs)`` (default: the
    queries that are not identical strings, :func:`without_identical`)."""
    out = {}
    for pair, (src, tgt, train, _test) in directions.items():
        fit_part, held_out = split_by_source(train, *TUNE_SPLIT)
        for config in configs:
            t0 = time.perf_counter()
            m = fit_mapping(src, tgt, fit_part, **{**LINEAR, **config})
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
