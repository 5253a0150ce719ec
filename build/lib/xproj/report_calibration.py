"""Label shift and calibration of one target set, as a run reports them.

Per target set: its true class prior (from the test labels), the prior estimated from
unlabelled target documents by EM (Saerens et al. 2002) and BBSE (Lipton et al. 2018),
whether or not ``features.priors`` applies one, the model's predicted class shares; and a
reliability table with its ECE (how far the model's confidences are from its accuracy on the
test set). :func:`target_diagnostics` computes them (stored in ``metrics.json`` under
``priors`` and ``calibration``), :func:`markdown_section` and :func:`plot_reliability` show
them in ``report.md``.
"""

from __future__ import annotations

import numpy as np

from .evaluation import expected_calibration_error, reliability
from .shift import adjust_posteriors, estimate_priors_bbse, estimate_priors_em

#: Confidence bins of the reliability diagram (equal width over [0, 1]).
N_BINS = 10


def _full(values, classes, n_classes) -> list:
    """Values over the model's classes spread over every label (0 for a class it lacks)."""
    out = np.zeros(n_classes)
    out[np.asarray(classes, dtype=np.int64)] = values
    return out.tolist()


def _shares(codes, n_classes) -> list:
    codes = np.asarray(codes, dtype=np.int64)
    return (np.bincount(codes, minlength=n_classes) / max(len(codes), 1)).tolist()


def _raw_proba(model, X, lang):
    """``lang``'s probabilities before any target-prior re-weighting (calibrated if the model
    is): the adjustment is undone exactly, rows re-weighted back to the source prior."""
    P = model.predict_proba(X, lang)
    prior = model._target_priors().get(lang)
    return P if prior is None else adjust_posteriors(P, prior.priors, model.source_priors_)


def prior_estimates(model, lang, unlabelled, y_test, predicted, n_classes, *, source_dev=None) -> dict:
    """True, estimated and predicted class priors of one target set (lists over label codes).

    ``unlabelled``: (documents, what they are) the estimates see; ``source_dev``: labelled
    source dev documents ``(X, y)``, needed by BBSE (None: no BBSE row).
    """
    classes = model.classes_
    docs, origin = unlabelled
    P = _raw_proba(model, docs, lang)
    em, n_iter = estimate_priors_em(P, model.source_priors_)
    out = {"true": _shares(y_test, n_classes), "em": _full(em, classes, n_classes), "em_iterations": n_iter,
           "bbse": None, "predicted": _shares(predicted, n_classes),
           "source": _full(model.source_priors_, classes, n_classes),
           "unlabelled": len(docs), "unlabelled_origin": origin}
    applied = model._target_priors().get(lang)
    out["applied"] = applied.method if applied else None
    if source_dev is not None:
        src = model.source_lang
        codes = lambda labels: np.searchsorted(classes, np.asarray(labels))  # noqa: E731
        out["bbse"] = _full(estimate_priors_bbse(codes(source_dev[1]), codes(model.predict(source_dev[0], lang=src)),
                                                 P.argmax(axis=1), len(classes)), classes, n_classes)
    return out


def calibration_summary(model, lang, X_test, y_test) -> dict:
    """Reliability table (:func:`xproj.evaluation.reliability`) and ECE of the probabilities
    the model predicts ``lang``'s test set with."""
    P = model.predict_proba(X_test, lang)
    y = np.searchsorted(model.classes_, np.asarray(y_test))
    calibrator = getattr(model, "calibrator_", None)
    return {"ece": expected_calibration_error(y, P, N_BINS), "bins": reliability(y, P, N_BINS),
            "calibration": calibrator.method if calibrator is not None else "none"}


def target_diagnostics(model, lang, X_test, y_test, predicted, n_classes, *, unlabelled=None,
                       source_dev=None) -> dict:
    """``{"priors": ..., "calibration": ...}`` of one target set; empty when the model gives
    no probabilities (an SVM without ``model.calibration``). Without unlabelled documents
    the priors are estimated on the test texts (labels unused)."""
    if not model.has_proba or len(X_test) == 0:
        return {}
    unlabelled = unlabelled or (X_test, "test texts, labels unused (transductive)")
    return {"priors": prior_estimates(model, lang, unlabelled, y_test, predicted, n_classes, source_dev=source_dev),
            "calibration": calibration_summary(model, lang, X_test, y_test)}


def _distance(p, q) -> float:
    """Total variation distance between two class priors (half the L1 distance)."""
    return 0.5 * float(np.abs(np.asarray(p) - np.asarray(q)).sum())


def prior_table(priors, label_names) -> str:
    """Markdown table of :func:`prior_estimates`: one row per prior, its distance to the true one."""
    rows = [("true (test labels)", priors["true"]),
            (f"EM estimate ({priors['unlabelled']:,} unlabelled documents)", priors["em"]),
            ("BBSE estimate (source dev confusion matrix)", priors["bbse"]),
            ("predicted class shares (test)", priors["predicted"]),
            ("source prior the probabilities refer to", priors["source"])]
    out = ["| prior | " + " | ".join(label_names) + " | distance to true |", "|---|" + "---:|" * (len(label_names) + 1)]
    for title, p in rows:
        if p is not None:
            out.append(f"| {title} | " + " | ".join(f"{x:.3f}" for x in p) + f" | {_distance(p, priors['true']):.3f} |")
    return "\n".join(out)


def markdown_section(priors, calibration, label_names, plot=None) -> list:
    """Report lines for one target set: the prior table, then ECE, diagram and reliability table."""
    from .evaluation import format_reliability

    lines = []
    if priors:
        applied = (f"applied to the predictions ({priors['applied']}, `features.priors`)" if priors["applied"]
                   else "shown only: `features.priors = \"none\"`, predictions not re-weighted")
        lines += [f"Class prior of the target (estimates from {priors['unlabelled_origin']}; {applied}; "
                  "distance: total variation):", "", prior_table(priors, label_names), ""]
    if calibration:
        lines += [f"Reliability of the test probabilities (calibration: {calibration['calibration']}): "
                  f"ECE {calibration['ece']:.3f} over {N_BINS} confidence bins.", ""]
        if plot:
            lines += [f"![{plot}]({plot})", ""]
        lines += [format_reliability(calibration["bins"]), ""]
    return lines


def plot_reliability(calibration, path, *, title=""):
    """Reliability diagram: accuracy per confidence bin (bars, document counts above them)
    against the diagonal of perfect calibration, mean confidence marked in each bin."""
    from .report import _plt, _save

    plt = _plt()
    bins = calibration["bins"]
    fig, ax = plt.subplots(figsize=(5, 4.6))
    ax.plot([0, 1], [0, 1], ls="--", color="0.5", lw=1, label="perfect calibration")
    width = 1 / N_BINS
    ax.bar([b["lo"] for b in bins], [b["accuracy"] for b in bins], width=width, align="edge",
           color="tab:blue", alpha=0.7, edgecolor="white", label="accuracy")
    ax.scatter([b["confidence"] for b in bins], [b["accuracy"] for b in bins], s=14, color="tab:red", zorder=3,
               label="bin: (mean confidence, accuracy)")
    for b in bins:
        ax.text(b["lo"] + width / 2, min(b["accuracy"] + 0.02, 0.97), str(b["count"]), ha="center", fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (top class probability)")
    ax.set_ylabel("accuracy")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(f"{title + ': ' if title else ''}ECE {calibration['ece']:.3f}")
    return _save(fig, path)


def format_priors_line(priors, label_names) -> str:
    """One plain-text line of a target's priors (printed at the end of ``xproj run``)."""
    def fmt(p):
        return "/".join(f"{x:.2f}" for x in p)

    est = f"EM {fmt(priors['em'])}" + (f", BBSE {fmt(priors['bbse'])}" if priors["bbse"] else "")
    return f"class prior ({'/'.join(label_names)}): true {fmt(priors['true'])}, {est}, predicted {fmt(priors['predicted'])}"
