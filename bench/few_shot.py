"""The few-shot rows (English training set + k labelled target training documents, drawn as
``xproj.run.evaluate.few_shot_rows`` draws them, fitted by ``xproj.run.few_shot.fit_few_shot``
as a run fits them) under variants of the ``evaluation.few_shot_*`` options, on every shared
target set's *dev* part.

Each variant is a list of config overrides; the reference (``today``) is the preset as it is
(``--reference``: other overrides). The second pass of bench/README.md's few_shot section ran
before its choice was adopted, when the preset's rows were ``evaluation.few_shot_student_weight
= 1`` and ``few_shot_C = "zero-shot"`` (today they are 3 and ``cv``: pass those two as the
reference to re-make its tables). Default variants:

- ``weight 10``: each target document weighs 10 English ones (``evaluation.few_shot_weight``);
- ``share 0.25`` / ``share 0.5``: the k documents carry that share of the English model's
  training weight (``evaluation.few_shot_share``);
- ``student gold weight 10``: each gold document weighs 10 pool documents in the student
  (``evaluation.few_shot_student_weight``);
- ``C by cv``: C cross-validated on the k documents where every class has 20 of them
  (``evaluation.few_shot_C = "cv"``).

The third pass's variants (``--variant``): ``evaluation.few_shot_C = "cv-1se"`` and
``evaluation.few_shot_guard = "cv"`` / ``"cv-1se"`` (bench/README.md, few_shot.py, third pass).

Printed: per set, k and variant what the options made of the row (target weight, C and how it
was chosen), then per k a summary over sets (mean macro-F1, change, sets worse by > 0.01, the
lowest class recall) and per set macro-F1 [95% bootstrap CI], class recalls and the change
against ``today`` with a paired bootstrap 95% interval (same documents, same resamples), and
last, per variant, the (set, k) rows below the set's zero-shot (k = 0) figure. The
mappings come from a run folder of the preset (``--mappings``), as bench/student_transfer.py.

``--split test`` scores the test parts instead: only for figures taken **after** a choice made
on the dev parts (the paired intervals of a change's test rows; the rows themselves equal the
run's few-shot rows, same draw, same fits).

Run::

    python bench/few_shot.py --mappings runs/opener-en-multi
    python bench/few_shot.py --mappings runs/opener-en-multi --sets de --ks 200 \\
        --variant 'w5+g10=evaluation.few_shot_weight=5;evaluation.few_shot_student_weight=10'
    python bench/few_shot.py --mappings runs/opener-en-multi --draws 5 \\
        --variant 'cv=evaluation.few_shot_C=cv'

``--draws d`` fits every (set, k, variant) on d draws of the k documents, as a run's
``evaluation.few_shot_draws``, and prints each cell's mean (sd) and a summary (mean of the cells,
cells worse than the reference by more than 0.02, cells below zero-shot); no paired intervals.
"""

import argparse
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from xproj.config import for_language, load_config  # noqa: E402
from xproj.run import build_corpus, load_run_vectors, tokenize  # noqa: E402
from xproj.run.evaluate import Target  # noqa: E402
from xproj.run.few_shot import few_shot_order, few_shot_seed, fit_few_shot  # noqa: E402
from xproj.run.train import adaptation_documents  # noqa: E402
from dev_variants import dev_sets, run_spaces  # noqa: E402
from features_by_set import paired_delta_ci, print_rows, print_summary, scores  # noqa: E402

REFERENCE = "today"
DEFAULT_VARIANTS = (
    "weight 10=evaluation.few_shot_weight=10",
    "share 0.25=evaluation.few_shot_share=0.25",
    "share 0.5=evaluation.few_shot_share=0.5",
    "student gold weight 10=evaluation.few_shot_student_weight=10",
    "C by cv=evaluation.few_shot_C=cv",
)


def parse_variant(spec) -> tuple:
    """``"name=key=value;key=value"`` -> ``(name, [overrides])``."""
    name, sep, rest = spec.partition("=")
    if not sep or not name.strip() or not rest.strip():
        raise SystemExit(f"--variant {spec!r}: expected NAME=KEY=VALUE[;KEY=VALUE...]")
    return name.strip(), [o.strip() for o in rest.split(";") if o.strip()]


def measure_set(cfgs, space, view, lang, ks, split, seed, echo, draws=1) -> dict:
    """``{(variant, k): [scores of each draw]}`` of one target set's ``split`` part (k = 0: the
    zero-shot method, fitted once, the same for every variant and draw). ``cfgs``: ``{variant:
    config for lang}``, the reference first; ``draws``: as a run's ``evaluation.few_shot_draws``."""
    names = view.label_names
    base = next(iter(cfgs.values()))
    Xt, yt = view.get(lang, "train")
    Xe, ye = view.get(lang, split)
    t = Target(base, lang, view, None, space, adaptation_documents(base, view, lang))
    zero = t.select_and_fit(space.space, t.source_lang, vote=True)
    t = replace(t, fitted=zero)

    def score(model):
        return scores(ye, model.predict(Xe, lang=lang).astype(np.int64), names, seed)

    zero_scores = score(zero.model)
    out = {(v, 0): [zero_scores] for v in cfgs}
    for draw in range(draws):
        order = few_shot_order(few_shot_seed(base["seed"], draw), len(Xt))
        for k in ks:
            measure_k(cfgs, t, zero, zero_scores, [Xt[i] for i in order[:k]], yt[order[:k]], k, score, echo, out)
    return out


def measure_k(cfgs, t, zero, zero_scores, Xk, yk, k, score, echo, out):
    """Each variant's few-shot row on the k documents ``Xk``, ``yk``: appended to ``out[(variant, k)]``."""
    echo(f"  k={k}: positive share {yk.mean():.3f}; zero-shot C={zero.C:g} {zero.class_weight}")
    for variant, cfg in cfgs.items():
        few, record = fit_few_shot(replace(t, cfg=cfg), Xk, yk)
        out.setdefault((variant, k), []).append(s := score(few.model))
        cv = record.get("cv_macro_f1")
        echo(f"    {variant}: target weight {record['target_weight']:.3g}, C={few.C:g} ({record['C_choice']}"
             + (f"; {', '.join(f'{c} {v:.3f}' for c, v in cv.items())}" if cv else "")
             + (f"; guard: {record['guard']}" if "guard" in record else "")
             + f"), macro-F1 {s['f1']:.3f} (zero-shot {zero_scores['f1']:.3f})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="opener-en-multi")
    ap.add_argument("--mappings", required=True, help="a run folder of the preset: its saved mappings")
    ap.add_argument("--sets", default="", help="comma-separated set ids (default: every set with a dev part)")
    ap.add_argument("--ks", default="10,50,200", help="comma-separated numbers of labelled target documents")
    ap.add_argument("--variant", action="append", default=[],
                    help="NAME=KEY=VALUE[;KEY=VALUE...] config overrides of one variant (repeatable; "
                         "default: the second pass's variants)")
    ap.add_argument("--reference", default="",
                    help=f"NAME=KEY=VALUE[;...]: the reference's overrides (default: {REFERENCE!r}, the preset as it is)")
    ap.add_argument("--split", choices=("dev", "test"), default="dev",
                    help="test: only after a choice made on dev, for its paired intervals")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--draws", type=int, default=1,
                    help="fit every (set, k, variant) on this many draws of the k documents, as a run's "
                         "evaluation.few_shot_draws, and print the means (no paired intervals)")
    args = ap.parse_args()
    echo = lambda *a, **k: print(*a, file=sys.stderr, flush=True, **k)  # noqa: E731
    reference = parse_variant(args.reference) if args.reference else (REFERENCE, [])
    variants = [reference] + [parse_variant(v) for v in (args.variant or DEFAULT_VARIANTS)]
    base_over = args.overrides + ["evaluation.few_shot=[]"]
    cfg = load_config(args.preset, base_over)
    variant_cfgs = {name: load_config(args.preset, base_over + over) for name, over in variants}  # checked first
    ks = [int(k) for k in args.ks.split(",")]
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, None, echo)
    spaces = run_spaces(cfg, vectors, args.mappings, echo)
    sets = dev_sets(cfg, corpus, args.sets)
    if args.draws > 1:
        return main_draws(args, sets, variant_cfgs, spaces, corpus, ks, reference[0], echo)
    results = {}  # k -> variant -> {("set", id): scores}, as features_by_set prints them
    for t in sets:
        echo(f"{t.id} ({t.lang})")
        cfgs = {name: for_language(c, t.lang) for name, c in variant_cfgs.items()}
        by = measure_set(cfgs, spaces[t.lang], corpus.for_target(t.id), t.lang, ks, args.split, args.seed, echo)
        for (variant, k), (s,) in by.items():
            results.setdefault(k, {}).setdefault(variant, {})[("set", t.id)] = s
    keys = [("set", t.id) for t in sets]
    print(f"{args.preset}: {args.split} parts" + (" only (test never read)" if args.split == "dev" else
                                                  " (after the choice)")
          + f"; few-shot documents drawn as a run's rows; reference: {reference[0]}; "
            f"overrides {args.overrides or 'none'}")
    for name, over in variants:
        print(f"- {name}: {'; '.join(over) or 'the preset as it is'}")
    for k in [0] + ks:
        print(f"\n## k = {k}" + (" (zero-shot method, every variant the same)" if k == 0 else ""))
        if k:
            print_summary(results[k], keys, reference[0])
        print_rows("set", results[k], corpus.label_names, keys, reference[0])
    print_below_zero_shot(results, keys, ks, len(corpus.label_names))


def main_draws(args, sets, variant_cfgs, spaces, corpus, ks, reference, echo):
    """``--draws d``: every (set, k, variant) cell is the mean macro-F1 of d draws of the k
    documents (each draw as :func:`few_shot_rows` draws it in a run)."""
    f1 = {}  # (set id, k, variant) -> [macro-F1 of each draw]; k = 0: zero-shot
    for t in sets:
        cfgs = {name: for_language(c, t.lang) for name, c in variant_cfgs.items()}
        echo(f"{t.id} ({t.lang}), {args.draws} draws")
        by = measure_set(cfgs, spaces[t.lang], corpus.for_target(t.id), t.lang, ks, args.split, args.seed,
                         echo, draws=args.draws)
        for (variant, k), each in by.items():
            f1[(t.id, k, variant)] = [s["f1"] for s in each]
    variants = list(variant_cfgs)
    print(f"{args.preset}: {args.split} parts" + (" only (test never read)" if args.split == "dev" else "")
          + f"; each cell the mean macro-F1 of {args.draws} draws of the k documents (sd); reference: {reference}\n")
    print("| set | k | " + " | ".join(variants) + " | zero-shot |\n|---|---:|" + "---|" * (len(variants) + 1))
    for t in sets:
        zero = np.mean(f1[(t.id, 0, reference)])
        for k in ks:
            cells = [f"{np.mean(f1[(t.id, k, v)]):.3f} ({np.std(f1[(t.id, k, v)]):.3f})" for v in variants]
            print(f"| {t.id} | {k} | " + " | ".join(cells) + f" | {zero:.3f} |")
    print("\n| variant | mean of the cells | change | cells worse than the reference by > 0.02 | "
          "cells below zero-shot |\n|---|---:|---:|---:|---:|")
    cells = [(t.id, k) for t in sets for k in ks]
    ref_mean = np.mean([np.mean(f1[(s, k, reference)]) for s, k in cells])
    for v in variants:
        means = {c: np.mean(f1[(c[0], c[1], v)]) for c in cells}
        worse = sum(means[c] < np.mean(f1[(c[0], c[1], reference)]) - 0.02 for c in cells)
        below = sum(means[c] < np.mean(f1[(c[0], 0, reference)]) for c in cells)
        mean = np.mean(list(means.values()))
        print(f"| {v} | {mean:.3f} | {mean - ref_mean:+.3f} | {worse} | {below} |")


def print_below_zero_shot(results, keys, ks, n_classes):
    """Per variant, the (set, k) rows whose macro-F1 is below the set's zero-shot figure (the
    k = 0 row), with the gap [paired bootstrap 95% CI]: what a few-shot row should never do in
    expectation."""
    print("\n## rows below the zero-shot figure\n\n| variant | rows below | (set, k): few-shot - zero-shot "
          "[paired 95% CI] |\n|---|---:|---|")
    for variant in results[ks[0]]:
        below = []
        for k in ks:
            for key in keys:
                zero, few = results[0][variant][key], results[k][variant][key]
                if few["f1"] < zero["f1"]:
                    lo, hi = paired_delta_ci(zero, few, n_classes, 0)
                    below.append(f"{key[1]} +{k} {few['f1'] - zero['f1']:+.3f} [{lo:+.3f}, {hi:+.3f}]")
        print(f"| {variant} | {len(below)} | {', '.join(below) or '-'} |")


if __name__ == "__main__":
    main()
