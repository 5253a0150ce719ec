"""Robustness to long documents: OpeNER Spanish test sentences grouped into 5-sentence
"reviews" of one label, scored by models trained on single English sentences.

The straightforward pipeline collapses to one class on such documents (averages of many word
vectors sit near the language mean and have a small spread); per-language centering and
scaling keep both classes -- when the statistics fit the documents. A model keeps the
statistics it was adapted on (a run adapts ``es`` on its training sentences, labels dropped),
and nothing is learnt from the documents scored. So each model is scored twice:

- as saved: ``es`` statistics from the (short) training sentences;
- adapted on the unlabelled long reviews themselves, on a copy
  (``model.adapt(docs, "es", origin="long reviews (transductive)")``): transductive,
  what ``predict`` used to do implicitly before statistics were explicit.

The script also prints how the reviews' spread compares with the saved statistics. Run the
presets first:

    python run_pipeline.py opener-en-es
    python run_pipeline.py opener-en-es-plain
    python bench/long_reviews.py            # or --models runs/a/model-es.joblib ...
"""

import copy
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
    rows, notes = [], []
    for path in args.models:
        if not Path(path).exists():
            rows.append(f"| {path} | - | (missing: run its preset first) | | | | |")
            continue
        saved = load_model(path)["model"]
        adapted = copy.deepcopy(saved).adapt(docs, "es", origin="long reviews (transductive)")
        for kind, model in (("as saved", saved), ("adapted on the reviews (transductive)", adapted)):
            proba = model.predict_proba(docs, lang="es")
            pred = model.classes_[proba.argmax(axis=1)]
            r = classification_scores(labels, pred, ds.label_names, n_boot=1000, seed=args.seed)
            lo, hi = r["macro_f1_ci"]
            rows.append(f"| {path} | {kind} | {r['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] | {r['accuracy']:.3f} "
                        f"| {pred.mean():.0%} | {proba.max(axis=1).mean():.2f} | {model.adaptation('es')} |")
        # spread of the reviews against the statistics the saved model uses for es
        E = saved.embedder_.transform(docs, lang="es")
        mean, scale = saved.standardizer_.statistics("es")
        if scale is not None:
            ratio = np.median(E.std(axis=0) / scale)
            shift = "" if mean is None else (f"; |mean(reviews) - saved mean| = "
                                             f"{np.linalg.norm(E.mean(axis=0) - mean):.3f}")
            notes.append(f"{path}: the reviews' per-dimension std is {ratio:.2f}x (median) the scale the "
                         f"saved model uses for es{shift}")
    print("| model | es statistics | macro-F1 [95% CI] | accuracy | predicted positive "
          "| mean P(predicted label) | adaptation |\n|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if notes:
        print()
        print("\n".join(notes))


if __name__ == "__main__":
    main()
