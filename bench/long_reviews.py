"""Robustness to long documents: OpeNER Spanish test sentences grouped into 5-sentence
"reviews" of one label, scored by models trained on single English sentences.

The straightforward pipeline collapses to one class on such documents (averages of many word
vectors sit near the language mean and have a small spread); per-language centering and
scaling keep both classes. Run the presets first:

    python run_pipeline.py opener-en-es
    python run_pipeline.py opener-en-es-plain
    python bench/long_reviews.py            # or --models runs/a/model-es.joblib ...
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from xproj.datasets import load_opener  # noqa: E402
from xproj.evaluation import classification_scores  # noqa: E402
from xproj.lang import get_preprocessor  # noqa: E402
from xproj.model import load_model  # noqa: E402
from xproj.paths import shared_dir  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", default=["runs/opener-en-es/model-es.joblib",
                                                     "runs/opener-en-es-plain/model-es.joblib"])
    ap.add_argument("--group", type=int, default=5, help="sentences per review")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    root = shared_dir() / "data" / "opener"
    if not root.exists():
        sys.exit(f"{root} not found (set XPROJ_SHARED)")
    ds = load_opener(root, "es", "test")
    toks = get_preprocessor("es").pipe(ds.texts)
    rng = np.random.default_rng(args.seed)
    docs, labels = [], []
    for lab in (0, 1):
        idx = rng.permutation(np.flatnonzero(ds.labels == lab))
        for g in range(0, len(idx) - args.group + 1, args.group):
            docs.append([t for i in idx[g:g + args.group] for t in toks[i]])
            labels.append(lab)
    labels = np.array(labels)
    print(f"{len(docs)} reviews of {args.group} sentences ({np.bincount(labels)[0]} negative, "
          f"{np.bincount(labels)[1]} positive), {np.mean([len(d) for d in docs]):.0f} tokens on average\n")
    print("| model | macro-F1 [95% CI] | accuracy | predicted positive |\n|---|---|---|---|")
    for path in args.models:
        if not Path(path).exists():
            print(f"| {path} | (missing: run its preset first) | | |")
            continue
        pred = load_model(path)["model"].predict(docs, lang="es")
        r = classification_scores(labels, pred, ds.label_names, n_boot=1000, seed=args.seed)
        lo, hi = r["macro_f1_ci"]
        print(f"| {path} | {r['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] | {r['accuracy']:.3f} | {pred.mean():.0%} |")


if __name__ == "__main__":
    main()
