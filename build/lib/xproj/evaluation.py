"""Evaluation: bilingual lexicon induction (BLI) and, for the sentiment task, classification
metrics with bootstrap intervals.

BLI follows MUSE's conventions: a query (source word) counts as correct at k when any of its
gold translations is among its k retrieved targets. Two accuracies are reported and labelled:
``p@k`` over the *covered* queries (source word and at least one gold translation have
vectors; MUSE's figure) and ``p@k_all`` over *all* queries of the dictionary (missing words
counted wrong).
"""

from __future__ import annotations

import numpy as np

from .dictionaries import group_by_source
from .retrieval import as_unit, retrieve


def bli_scores(mapped_src, tgt, pairs, *, methods=("nn", "csls"), ks=(1, 5, 10), csls_k=10,
               sources=None):
    """Precision at k of translating the dictionary's source words into the target space.

    Parameters
    ----------
    mapped_src : WordVectors
        Source vectors already mapped into the target space.
    tgt : WordVectors
        Target vectors (all of them are candidates).
    pairs : list of (src, tgt)
        Test dictionary.
    methods : sequence of "nn", "csls"
    ks : sequence of int
    csls_k : int
        CSLS neighbourhood.
    sources : array, optional
        Mapped source space for the CSLS hubness term (default: all of ``mapped_src``).

    Returns
    -------
    dict
        ``queries`` (unique source words), ``covered``, ``coverage``, and per method
        ``{"p@1": ..., "p@1_all": ..., ...}``.
    """
    gold = group_by_source(pairs)
    tindex = tgt.index
    q_rows, q_gold = [], []
    for s, ts in gold.items():
        row = mapped_src.index.get(s)
        g = {tindex[t] for t in ts if t in tindex}
        if row is not None and g:
            q_rows.append(row)
            q_gold.append(g)
    n_all, n_cov = len(gold), len(q_rows)
    out = {"queries": n_all, "covered": n_cov, "coverage": n_cov / n_all if n_all else 0.0}
    if n_cov == 0:
        for m in methods:
            out[m] = {f"p@{k}": 0.0 for k in ks} | {f"p@{k}_all": 0.0 for k in ks}
        return out
    S_all = as_unit(sources if sources is not None else mapped_src.vectors)
    Q = S_all[np.array(q_rows)]
    T = as_unit(tgt.vectors)
    kmax = max(ks)
    for m in methods:
        idx, _ = retrieve(Q, T, kmax, method=m, k=csls_k, sources=S_all)
        first_hit = np.full(n_cov, kmax + 1)
        for i, (row, g) in enumerate(zip(idx, q_gold)):
            for rank, j in enumerate(row):
                if int(j) in g:
                    first_hit[i] = rank + 1
                    break
        res = {}
        for k in ks:
            hits = int((first_hit <= k).sum())
            res[f"p@{k}"] = hits / n_cov
            res[f"p@{k}_all"] = hits / n_all
        out[m] = res
    return out


def format_bli(res, title="") -> str:
    """A small text table of :func:`bli_scores` output."""
    ks = sorted({int(k.split("@")[1]) for m in ("nn", "csls") if m in res for k in res[m]
                 if not k.endswith("_all")})
    lines = [title] if title else []
    lines.append(f"queries {res['queries']}, covered {res['covered']} ({res['coverage']:.1%})")
    if res.get("seed_queries_left_out"):
        lines.append(f"({res['seed_queries_left_out']} test queries left out: source words of the seed dictionary)")
    lines.append("method  " + "  ".join(f"P@{k} (covered)  P@{k} (all)" for k in ks))
    for m in ("nn", "csls"):
        if m in res:
            lines.append(f"{m:<7} " + "  ".join(
                f"{res[m][f'p@{k}']:>14.4f}  {res[m][f'p@{k}_all']:>10.4f}" for k in ks))
    return "\n".join(lines)


# -- classification -------------------------------------------------------------------------

def confusion(y_true, y_pred, n_classes) -> np.ndarray:
    """Confusion matrix (rows: true class, columns: predicted)."""
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def _scores_from_confusion(C):
    tp = np.diag(C).astype(float)
    pred = C.sum(axis=0).astype(float)
    true = C.sum(axis=1).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(pred > 0, tp / pred, 0.0)
        recall = np.where(true > 0, tp / true, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    # Macro-F1 over the classes present in the gold labels (scikit-learn averages over the
    # union of labels; classes absent from both would count as 0 there).
    present = (true > 0) | (pred > 0)
    macro = float(f1[present].mean()) if present.any() else 0.0
    acc = float(tp.sum() / C.sum()) if C.sum() else 0.0
    return precision, recall, f1, macro, acc


def one_class_warning(y_true, label_names, what) -> str | None:
    """A warning when the gold labels ``y_true`` hold one class: macro-F1 then measures that
    class alone (1.000 when every document is predicted right) and says nothing about telling
    classes apart. ``what`` names the set, e.g. "the es test set"."""
    present = np.unique(np.asarray(y_true, dtype=np.int64))
    if len(present) != 1:
        return None
    return f"{what} has one class ({label_names[present[0]]}): macro-F1 is not meaningful"


def classification_scores(y_true, y_pred, label_names, *, n_boot=1000, seed=0, alpha=0.05):
    """Macro-F1 and accuracy with bootstrap confidence intervals, per-class precision /
    recall / F1, and the confusion matrix.

    The interval is the percentile interval of ``n_boot`` resamples of the test documents
    (with replacement), seeded.

    Returns
    -------
    dict with ``macro_f1``, ``macro_f1_ci``, ``accuracy``, ``accuracy_ci``, ``per_class``,
    ``confusion``, ``n``.
    """
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    K = len(label_names)
    C = confusion(y_true, y_pred, K)
    p, r, f1, macro, acc = _scores_from_confusion(C)
    out = {
        "n": int(len(y_true)),
        "macro_f1": macro,
        "accuracy": acc,
        "per_class": {name: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f1[i]),
                             "support": int(C[i].sum())} for i, name in enumerate(label_names)},
        "confusion": C.tolist(),
    }
    if n_boot and len(y_true):
        out |= _bootstrap_intervals(y_true, [y_pred], K, n_boot, seed, alpha)
    return out


def _bootstrap_intervals(y_true, preds, K, n_boot, seed, alpha) -> dict:
    """``macro_f1_ci`` and ``accuracy_ci``: percentile intervals of ``n_boot`` seeded resamples of
    the test documents, each round the same documents for every prediction in ``preds`` and the
    mean of their scores there (one prediction: its own interval)."""
    rng = np.random.default_rng(seed)
    codes = [y_true * K + p for p in preds]
    f1s, accs = np.empty(n_boot), np.empty(n_boot)
    for b in range(n_boot):
        rows = rng.integers(0, len(y_true), len(y_true))
        scores = [_scores_from_confusion(np.bincount(c[rows], minlength=K * K).reshape(K, K)) for c in codes]
        f1s[b] = np.mean([s[3] for s in scores])
        accs[b] = np.mean([s[4] for s in scores])
    lo, hi = 100 * alpha / 2, 100 * (1 - alpha / 2)
    return {"macro_f1_ci": [float(np.percentile(f1s, lo)), float(np.percentile(f1s, hi))],
            "accuracy_ci": [float(np.percentile(accs, lo)), float(np.percentile(accs, hi))]}


def mean_classification_scores(y_true, predictions, label_names, *, n_boot=1000, seed=0, alpha=0.05):
    """:func:`classification_scores` of several models' predictions of the same documents (e.g.
    few-shot rows fitted on different draws of their k labelled documents), averaged.

    ``macro_f1``, ``accuracy`` and each class's precision, recall and F1 are the means over the
    predictions; ``confusion`` is their sum. The interval resamples the test documents once per
    bootstrap round for every prediction together and takes the mean of their scores there, so
    it is the test-sampling interval of the averaged figure (the spread between predictions is
    ``macro_f1_sd`` and ``macro_f1_each``). One prediction gives :func:`classification_scores`
    with ``macro_f1_each`` added.
    """
    y_true = np.asarray(y_true, dtype=np.int64)
    preds = [np.asarray(p, dtype=np.int64) for p in predictions]
    if not preds:
        raise ValueError("no predictions to average")
    each = [classification_scores(y_true, p, label_names, n_boot=0) for p in preds]
    K = len(label_names)
    out = {
        "n": int(len(y_true)),
        "macro_f1": float(np.mean([s["macro_f1"] for s in each])),
        "accuracy": float(np.mean([s["accuracy"] for s in each])),
        "per_class": {name: {m: float(np.mean([s["per_class"][name][m] for s in each]))
                             for m in ("precision", "recall", "f1")} | {"support": each[0]["per_class"][name]["support"]}
                      for name in label_names},
        "confusion": np.sum([s["confusion"] for s in each], axis=0).tolist(),
        "macro_f1_each": [s["macro_f1"] for s in each],
        "macro_f1_sd": float(np.std([s["macro_f1"] for s in each])),
    }
    if n_boot and len(y_true):
        out |= _bootstrap_intervals(y_true, preds, K, n_boot, seed, alpha)
    return out


# -- calibration ----------------------------------------------------------------------------

def reliability(y_true, P, n_bins=10) -> list[dict]:
    """Reliability table of probabilities ``P`` (documents x classes, columns in the order of
    the class codes ``y_true``): documents binned by their confidence (the top probability)
    into ``n_bins`` equal-width bins of [0, 1].

    Returns one dict per non-empty bin: ``lo``, ``hi``, ``confidence`` (mean top
    probability), ``accuracy`` (share whose top class is right), ``count``.
    """
    y_true = np.asarray(y_true, dtype=np.int64)
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or len(P) != len(y_true):
        raise ValueError(f"{len(y_true)} labels but probabilities of shape {P.shape}")
    confidence = P.max(axis=1)
    correct = P.argmax(axis=1) == y_true
    # a confidence of exactly 1 belongs to the last bin
    bins = np.minimum((confidence * n_bins).astype(np.int64), n_bins - 1)
    table = []
    for b in range(n_bins):
        in_bin = bins == b
        if in_bin.any():
            table.append({"lo": b / n_bins, "hi": (b + 1) / n_bins, "confidence": float(confidence[in_bin].mean()),
                          "accuracy": float(correct[in_bin].mean()), "count": int(in_bin.sum())})
    return table


def expected_calibration_error(y_true, P, n_bins=10) -> float:
    """ECE: the mean over documents of |accuracy - confidence| of their reliability bin
    (:func:`reliability`); 0 for probabilities that mean what they say."""
    table = reliability(y_true, P, n_bins)
    n = sum(row["count"] for row in table)
    return float(sum(row["count"] * abs(row["accuracy"] - row["confidence"]) for row in table) / n) if n else 0.0


def format_reliability(table, title="") -> str:
    """A markdown table of :func:`reliability` output."""
    lines = [title] if title else []
    lines += ["| confidence bin | mean confidence | accuracy | documents |", "|---|---:|---:|---:|"]
    lines += [f"| {r['lo']:.1f}-{r['hi']:.1f} | {r['confidence']:.3f} | {r['accuracy']:.3f} | {r['count']} |"
              for r in table]
    return "\n".join(lines)
