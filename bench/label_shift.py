"""Does estimating the target's class prior (EM, Saerens et al. 2002; BBSE, Lipton et al.
2018) and calibrating on the source dev split help when the target's class balance is not the
source's? Measured on the Spanish *train and dev* sentences only (never the test split).

The model is the ``opener-en-es`` English model (model selection on the English dev split).
The Spanish train+dev sentences are resampled (seeded, without replacement) to a positive
share of: their natural balance, 50%, 20%. Each resampled set is split in two stratified
halves; one half, unlabelled, gives the Spanish statistics and the class prior, the other is
scored (then the halves swap): what a run does with the target's training split.

Variants: ``none`` (statistics only, today), ``em``, ``bbse`` (confusion matrix on the English
dev split), ``calibrated`` (sigmoid on the English dev split, no prior) and ``calibrated+em``.
Printed per balance: macro-F1 [95% bootstrap CI] over both scored halves, per-class recall,
the estimated positive share beside the true one, ECE (10 bins) of the probabilities::

    python bench/label_shift.py                 # opener-en-es, seed 0
"""

import argparse
import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from xproj.evaluation import classification_scores, expected_calibration_error  # noqa: E402
from _source_model import source_model  # noqa: E402

VARIANTS = ("none", "em", "bbse", "calibrated", "calibrated+em")


def resample(labels, positive_share, rng):
    """Indices of the largest subset with that share of class 1 (all of the limiting class)."""
    pos, neg = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    if positive_share is None:
        return np.arange(len(labels))
    n = min(len(pos) / positive_share, len(neg) / (1 - positive_share))
    n_pos = int(round(n * positive_share))
    return np.sort(np.concatenate([rng.choice(pos, n_pos, replace=False),
                                   rng.choice(neg, int(n) - n_pos, replace=False)]))


def score_variant(variant, base, calibrated, dev, adapt_docs, scored, tgt):
    """Probabilities of ``scored`` and the estimated prior, the model adapted on ``adapt_docs``."""
    m = copy.deepcopy(calibrated if variant.startswith("calibrated") else base).adapt(adapt_docs, tgt)
    method = {"em": "em", "bbse": "bbse", "calibrated+em": "em"}.get(variant)
    if method:
        m.adapt_priors(adapt_docs, tgt, method=method, dev=dev)
    prior = m.target_priors_[tgt].priors[1] if method else np.nan
    return m.predict_proba(scored, tgt), prior


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="opener-en-es")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    sm = source_model(args.preset, args.seed)
    cfg, corpus, fitted, tgt = sm.cfg, sm.corpus, sm.fitted, sm.tgt
    src = cfg["data"]["source_lang"]
    base, dev = fitted.model, corpus.get(src, "dev")
    calibrated = copy.deepcopy(base).calibrate(*dev, method="sigmoid")
    docs, labels = sm.target_train_dev()
    names = corpus.label_names
    print(f"{args.preset}: English model C={fitted.C}, class_weight={fitted.class_weight}, source prior "
          f"{np.round(base.source_priors_, 3).tolist()} (calibrated: {np.round(calibrated.source_priors_, 3).tolist()}); "
          f"{len(docs)} {tgt} train+dev sentences ({labels.mean():.1%} {names[1]}), test split not used\n")
    print(f"| {tgt} balance | variant | macro-F1 [95% CI] | recall {names[0]} | recall {names[1]} | "
          f"true {names[1]} share | estimated (per half) | ECE |\n|---|---|---|---:|---:|---:|---|---:|")
    rng = np.random.default_rng(args.seed)
    for share in (None, 0.5, 0.2):
        idx = resample(labels, share, rng)
        y = labels[idx]
        halves = list(StratifiedKFold(2, shuffle=True, random_state=args.seed).split(idx, y))
        for variant in VARIANTS:
            P, Y, priors = [], [], []
            for adapt_on, scored in halves:
                p, prior = score_variant(variant, base, calibrated, dev, [docs[i] for i in idx[adapt_on]],
                                         [docs[i] for i in idx[scored]], tgt)
                P.append(p), Y.append(y[scored]), priors.append(prior)
            P, Y = np.vstack(P), np.concatenate(Y)
            s = classification_scores(Y, P.argmax(1), names, n_boot=1000, seed=args.seed)
            lo, hi = s["macro_f1_ci"]
            est = "-" if np.isnan(priors[0]) else ", ".join(f"{p:.3f}" for p in priors)
            label = "natural" if share is None else f"{share:.0%} {names[1]}"
            print(f"| {label} (n={len(y)}) | {variant} | {s['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] | "
                  f"{s['per_class'][names[0]]['recall']:.3f} | {s['per_class'][names[1]]['recall']:.3f} | "
                  f"{y.mean():.3f} | {est} | {expected_calibration_error(Y, P):.3f} |", flush=True)


if __name__ == "__main__":
    main()
