"""How should C and class weighting be chosen when only the source language has labels?
Measured on the target sets' *dev* parts (never a test part).

Selecting on the English dev split alone can be nearly indifferent between models that
transfer very differently (zh hotel reviews: C=10 unweighted and C=0.1 balanced tie on the
English dev split, 0.786 vs 0.784, and their Chinese negative recall is 0.38 vs 0.60). For
every grid point this script fits the English model once per target language, adapts it to
each target set's unlabelled training part, and scores the set's dev part; then it compares
selection rules that look only at the English dev split:

- ``best``: the best English dev macro-F1 (today's rule);
- ``regularised@d``: among grid points within ``d`` of the best English dev macro-F1, the
  balanced one with the smallest C (then the unweighted one with the smallest C).

Run (about 10 minutes on 2 cores, most of it alignment)::

    python bench/selection_rule.py                      # opener-en-multi, its grid
    python bench/selection_rule.py --set alignment.refine=0
"""

import argparse
import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from xproj.config import load_config  # noqa: E402
from xproj.run import align_targets, build_corpus, load_run_vectors, target_sets, tokenize  # noqa: E402
from xproj.run.train import choose_params, make_classifier  # noqa: E402

DELTAS = (0.005, 0.01, 0.02)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="opener-en-multi")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    args = ap.parse_args()
    cfg = load_config(args.preset, args.overrides + ["evaluation.few_shot=[]"])
    src = cfg["data"]["source_lang"]
    quiet = lambda *a, **k: None  # noqa: E731
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, corpus.world, quiet)
    spaces = align_targets(cfg, vectors, corpus.world, quiet)
    grid = [(C, w) for w in cfg["model"]["class_weight"] for C in cfg["model"]["C"]]
    (Xs, ys), (Xd, yd) = corpus.get(src, "train"), corpus.get(src, "dev")
    source_dev, target_dev = {}, {}  # grid point -> English dev F1; (set, grid point) -> set dev F1
    sets = [t for t in target_sets(cfg) if corpus.for_target(t.id).get(t.lang, "dev") is not None]
    for lang in sorted({t.lang for t in sets}):
        for C, w in grid:
            model = make_classifier(cfg, spaces[lang].space, src, C, w).fit(Xs, ys)
            source_dev[(C, w)] = f1_score(yd, model.predict(Xd, lang=src), average="macro")
            for t in (t for t in sets if t.lang == lang):
                view = corpus.for_target(t.id)
                adapted = copy.deepcopy(model).adapt(view.get(lang, "train")[0], lang)
                Xt, yt = view.get(lang, "dev")
                target_dev[(t.id, (C, w))] = f1_score(yt, adapted.predict(Xt, lang=lang), average="macro")
    rules = {"best": ("best", 0.0)} | {f"regularised@{d}": ("regularised", d) for d in DELTAS}
    print(f"{args.preset}: {len(sets)} target sets with a dev part; grid {grid}\n")
    print("English dev macro-F1 per grid point: " + ", ".join(f"C={c},{w}: {s:.3f}" for (c, w), s in source_dev.items()))
    print("\n| rule | chosen | " + " | ".join(t.id for t in sets) + " | mean |\n|---|---|" + "---|" * (len(sets) + 1))
    for name, (rule, tolerance) in rules.items():
        p = choose_params(grid, source_dev, rule, tolerance)
        scores = [target_dev[(t.id, p)] for t in sets]
        print(f"| {name} | C={p[0]}, {p[1]} | " + " | ".join(f"{s:.3f}" for s in scores) + f" | {np.mean(scores):.3f} |")
    oracle = [max(target_dev[(t.id, p)] for p in grid) for t in sets]
    print("| (per-set best, not a rule) | | " + " | ".join(f"{s:.3f}" for s in oracle) + f" | {np.mean(oracle):.3f} |")


if __name__ == "__main__":
    main()
