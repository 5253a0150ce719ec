"""Which documents should a target language's statistics come from? Measured on the target's
*training and dev* sentences only (never its test split).

The scored set is each of K folds of the Spanish train+dev sentences in turn; the model is the
``opener-en-es`` English model. Target statistics (per-language centering and scaling) come
from:

- ``disjoint``: the other K-1 folds, unlabelled (what a run does by default: the target's
  training split, then scoring other documents with those saved statistics);
- ``transductive``: the scored fold itself (what ``predict`` used to do per batch);
- ``source``: no target statistics at all (the English ones).

Macro-F1 per fold (labels used only to score), mean and spread over folds::

    python bench/adaptation_choice.py                  # opener-en-es, 5 folds
    python bench/adaptation_choice.py --preset opener-en-es-4class
"""

import argparse
import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from _source_model import source_model  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="opener-en-es")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    sm = source_model(args.preset, args.seed)
    tgt = sm.tgt
    model = sm.fitted.model  # English only: no target statistics
    docs, labels = sm.target_train_dev()
    print(f"{args.preset}: {len(docs)} {tgt} train+dev sentences, {args.folds} folds (test split not used)\n")
    scores = {"disjoint": [], "transductive": [], "source": []}
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed).split(docs, labels)
    for rest, fold in folds:
        scored = [docs[i] for i in fold]
        for name, adapt_on in (("disjoint", rest), ("transductive", fold), ("source", None)):
            m = copy.deepcopy(model)
            if adapt_on is not None:
                m.adapt([docs[i] for i in adapt_on], tgt)
            scores[name].append(f1_score(labels[fold], m.predict(scored, lang=tgt), average="macro"))
    print("| target statistics from | macro-F1 mean | std over folds | per fold |\n|---|---|---|---|")
    for name, s in scores.items():
        print(f"| {name} | {np.mean(s):.3f} | {np.std(s):.3f} | {', '.join(f'{x:.3f}' for x in s)} |")
    diff = np.array(scores["disjoint"]) - np.array(scores["transductive"])
    print(f"\ndisjoint - transductive: mean {diff.mean():+.3f}, per fold {', '.join(f'{x:+.3f}' for x in diff)}")


if __name__ == "__main__":
    main()
