"""InstaMap (Glavaš and Vulić 2020) on top of the default ``supervised`` recipe: BLI on the real
vectors of ../shared, its parameters chosen on held-out TRAIN words, then the test split once.

Same directions, vectors and MUSE dictionaries as ``bench/recipes_bli.py`` (whose loaders and
evaluation this imports), CSLS P@1 over covered queries.

``--tune``
    On the TRAIN dictionary only (first 4,000 source words fit, next 1,000 are queries, as
    ``recipes_bli.py --tune``): the default ``supervised`` mapping is fitted once per direction,
    then every (k, temperature) of :data:`GRID` adds an InstaMap correction fitted on the same fit
    part with :data:`MAX_ITERATIONS` iterations, measured after each iteration (a correction of T
    iterations is the first T steps of a longer one: the fit is sequential). Prints the table,
    the best candidate by the mean over directions, and whether it passes :data:`RULE`.
    ``--grid second``: :data:`GRID_SECOND` instead (around the first round's best); ``--grid
    third``: :data:`GRID_THIRD` (smaller temperatures: the second round's best was its smallest).
``--diagnose K TEMPERATURE ITERATIONS``
    Held-out TRAIN words again, for one correction: NN and CSLS P@1 with and without it, over
    all held-out queries and split by whether a gold translation is also a target word of the fit
    part. The correction moves the fit part's source words onto their translations, which raises
    those target words' CSLS hubness term; queries whose answer is such a word could be hurt,
    the others helped for that reason alone (MUSE-style splits hold out source words, and most
    held-out answers are new target words): this shows which share of the gain is which.
``--test K TEMPERATURE ITERATIONS``
    The full train dictionary; the default mapping with and without that correction on the test
    split (Wilson 95% intervals), the test split read once after the choice.

Usage::

    python bench/instamap_bli.py --tune [--grid second|third] [--pairs en-es es-en ...]
    python bench/instamap_bli.py --diagnose 30 0.1 1 [--pairs ...]
    python bench/instamap_bli.py --test 30 0.1 1 [--pairs ...]
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _recipes_candidates import PAIRS, TUNE_SPLIT  # noqa: E402
from _recipes_directions import read_directions  # noqa: E402
from self_learning import wilson  # noqa: E402

from xproj.align import fit_mapping  # noqa: E402
from xproj.align.instance import add_instance_correction, displace  # noqa: E402
from xproj.dictionaries import split_by_source  # noqa: E402
from xproj.evaluation import bli_scores  # noqa: E402

#: (k, softmax temperature; 0 = the cosine similarities as weights) tried by --tune
GRID = ((5, 0.0), (10, 0.0), (30, 0.0), (70, 0.0), (30, 0.1))
#: the second round of --tune (``--grid second``), around the first round's best (k=30, 0.1)
GRID_SECOND = ((10, 0.1), (70, 0.1), (30, 0.05), (30, 0.2))
#: the third round (``--grid third``): the second's best was the smallest temperature tried
GRID_THIRD = ((30, 0.02), (30, 0.01))
#: iterations measured (1 .. this) for every pair of GRID
MAX_ITERATIONS = 3
#: the adoption rule, written before the run: the best candidate (mean held-out CSLS P@1 over
#: the six directions) becomes the default only if that mean beats the default without the
#: correction, in the same run, by more than 0.005 (about one standard error of a six-direction
#: mean) and no direction loses more than 0.01
RULE = {"mean_gain": 0.005, "worst_loss": 0.01}


def _p1(src_space, tgt_space, pairs) -> float:
    return bli_scores(src_space, tgt_space, pairs, methods=("csls",), ks=(1,))["csls"]["p@1"]


def tune(directions, grid=GRID) -> dict:
    """{(pair, candidate name): held-out CSLS P@1} of the (k, temperature) pairs of ``grid``;
    prints the table and the rule's verdict."""
    scores, names = {}, ["default (no correction)"]
    for pair, (src, tgt, train, _test) in directions.items():
        fit_part, held_out = split_by_source(train, *TUNE_SPLIT)
        t0 = time.perf_counter()
        linear = fit_mapping(src, tgt, fit_part, recipe="supervised", instance_k=0)
        Xs, Zt = linear.transform(src), linear.transform(tgt, side="target")
        scores[(pair, names[0])] = _p1(Xs, Zt, held_out)
        print(f"  {pair} default: {scores[(pair, names[0])]:.4f} ({time.perf_counter() - t0:.0f} s)", flush=True)
        for k, temperature in grid:
            t0 = time.perf_counter()
            m = add_instance_correction(copy.deepcopy(linear), src, tgt, fit_part, instance_k=k,
                                        instance_temperature=temperature, instance_iterations=MAX_ITERATIONS)
            X = Xs.vectors
            for i, step in enumerate(m.instance_.steps):
                if step.rotation is not None:
                    X = X @ step.rotation
                X = displace(X, step.anchors, step.displacements, k, temperature)
                name = f"k={k}, temperature={temperature}, iterations={i + 1}"
                if name not in names:
                    names.append(name)
                scores[(pair, name)] = _p1(Xs.with_vectors(X), Zt, held_out)
                print(f"  {pair} {name}: {scores[(pair, name)]:.4f} ({time.perf_counter() - t0:.0f} s)", flush=True)
    pairs = list(directions)
    mean = {n: sum(scores[(p, n)] for p in pairs) / len(pairs) for n in names}
    print("\n| configuration | " + " | ".join(pairs) + " | mean |")
    print("|---|" + "---:|" * (len(pairs) + 1))
    for n in names:
        print(f"| {n} | " + " | ".join(f"{scores[(p, n)]:.4f}" for p in pairs) + f" | {mean[n]:.4f} |")
    best = max(names[1:], key=lambda n: mean[n])
    gain = mean[best] - mean[names[0]]
    worst = min(scores[(p, best)] - scores[(p, names[0])] for p in pairs)
    passes = gain > RULE["mean_gain"] and worst >= -RULE["worst_loss"]
    print(f"\nbest on held-out train words: {best} (mean {mean[best]:.4f}, {gain:+.4f} over the default; "
          f"worst direction {worst:+.4f}); rule {RULE}: {'PASSES' if passes else 'fails'}")
    return scores


def diagnose(directions, k: int, temperature: float, iterations: int) -> None:
    """Held-out P@1 (NN, CSLS) with and without one correction, split by whether a query's gold
    translations include a target word of the fit part (see the module docstring)."""
    print("\n| pair | queries (covered) | mapping | P@1 NN | P@1 CSLS | CSLS, answer among fit targets (n) "
          "| CSLS, new answer (n) |")
    print("|---|---|---|---:|---:|---|---|")
    for pair, (src, tgt, train, _test) in directions.items():
        fit_part, held_out = split_by_source(train, *TUNE_SPLIT)
        fit_targets = {t for _, t in fit_part}
        seen = {s for s, t in held_out if t in fit_targets}
        parts = {"seen": [p for p in held_out if p[0] in seen], "new": [p for p in held_out if p[0] not in seen]}
        linear = fit_mapping(src, tgt, fit_part, recipe="supervised", instance_k=0)
        inst = add_instance_correction(copy.deepcopy(linear), src, tgt, fit_part, instance_k=k,
                                       instance_temperature=temperature, instance_iterations=iterations)
        for name, m in (("default", linear), (f"+ InstaMap k={k}, T={temperature}, {iterations} it.", inst)):
            Xs, Zt = m.transform(src), m.transform(tgt, side="target")
            res = bli_scores(Xs, Zt, held_out, methods=("nn", "csls"), ks=(1,))
            sub = {key: bli_scores(Xs, Zt, pairs, methods=("csls",), ks=(1,)) for key, pairs in parts.items()}
            print(f"| {pair} | {res['covered']:,} | {name} | {res['nn']['p@1']:.4f} | {res['csls']['p@1']:.4f} | "
                  f"{sub['seen']['csls']['p@1']:.4f} ({sub['seen']['covered']}) | "
                  f"{sub['new']['csls']['p@1']:.4f} ({sub['new']['covered']}) |", flush=True)


def test(directions, k: int, temperature: float, iterations: int) -> None:
    """The test split, default with and without the correction (full train dictionary); also
    CSLS P@1 split by whether a test query's gold translations include a train target word (an
    analysis of the same fits, no choice made on it)."""
    rows = []
    for pair, (src, tgt, train, test_pairs) in directions.items():
        train_targets = {t for _, t in train}
        seen = {s for s, t in test_pairs if t in train_targets}
        parts = {"seen": [p for p in test_pairs if p[0] in seen], "new": [p for p in test_pairs if p[0] not in seen]}
        t0 = time.perf_counter()
        linear = fit_mapping(src, tgt, train, recipe="supervised", instance_k=0)
        t_lin = time.perf_counter() - t0
        t0 = time.perf_counter()
        inst = add_instance_correction(copy.deepcopy(linear), src, tgt, train, instance_k=k,
                                       instance_temperature=temperature, instance_iterations=iterations)
        t_inst = time.perf_counter() - t0
        for name, m, t_fit in (("supervised, linear (before)", linear, t_lin),
                               (f"supervised + InstaMap k={k}, T={temperature}, {iterations} it.", inst, t_inst)):
            Xs, Zt = m.transform(src), m.transform(tgt, side="target")
            res = bli_scores(Xs, Zt, test_pairs, methods=("nn", "csls"), ks=(1, 5))
            res.update({key: bli_scores(Xs, Zt, pairs, methods=("csls",), ks=(1,)) for key, pairs in parts.items()})
            rows.append((pair, name, res, t_fit))
            print(f"  {pair} {name}: P@1 CSLS {res['csls']['p@1']:.4f} ({t_fit:.0f} s)", flush=True)
    print("\n| pair | mapping | P@1 NN | P@1 CSLS [95% CI] | P@5 CSLS | covered | CSLS, answer among train "
          "targets (n) | CSLS, new answer (n) | fit (s) |")
    print("|---|---|---:|---|---:|---|---|---|---:|")
    for pair, name, res, t_fit in rows:
        lo, hi = wilson(res["csls"]["p@1"], res["covered"])
        print(f"| {pair} | {name} | {res['nn']['p@1']:.4f} | {res['csls']['p@1']:.4f} [{lo:.3f}, {hi:.3f}] | "
              f"{res['csls']['p@5']:.4f} | {res['covered']:,}/{res['queries']:,} | "
              f"{res['seen']['csls']['p@1']:.4f} ({res['seen']['covered']}) | "
              f"{res['new']['csls']['p@1']:.4f} ({res['new']['covered']}) | {t_fit:.1f} |")
    print("\nfit (s): the linear mapping's fit, and for the InstaMap row the correction's alone.")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", nargs="+", default=list(PAIRS))
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--tune", action="store_true", help="choose k / temperature / iterations on train words")
    mode.add_argument("--diagnose", nargs=3, metavar=("K", "TEMPERATURE", "ITERATIONS"),
                      help="held-out train words: NN / CSLS with and without this correction, by answer kind")
    mode.add_argument("--test", nargs=3, metavar=("K", "TEMPERATURE", "ITERATIONS"),
                      help="the test split with and without this correction")
    ap.add_argument("--grid", choices=("first", "second", "third"), default="first", help="--tune: which grid")
    args = ap.parse_args(argv)
    directions = read_directions(args.pairs)
    if not directions:
        print("no direction with both vectors and dictionaries; nothing to do.")
    elif args.tune:
        tune(directions, {"first": GRID, "second": GRID_SECOND, "third": GRID_THIRD}[args.grid])
    elif args.diagnose:
        diagnose(directions, int(args.diagnose[0]), float(args.diagnose[1]), int(args.diagnose[2]))
    else:
        test(directions, int(args.test[0]), float(args.test[1]), int(args.test[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
