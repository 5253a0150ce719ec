"""``xproj monitor``: is a new batch of texts still like the reference the model was deployed on?

Both files are read as ``xproj predict`` reads its input (CSV/TSV/JSON lines, a text column)
and go through the saved model: the predicted class and its confidence, the token coverage
of the model's vectors, and the document vectors (the pipeline up to its standardisation,
with the language's saved statistics). :mod:`xproj.loop.drift` compares the two samples;
the verdict uses :data:`xproj.loop.drift.THRESHOLDS` (``--thresholds`` overrides them).

With ``--labels-column`` (and ``--group-column``), the batch's labelled rows also get
macro-F1 and calibration error per group with bootstrap intervals, and the largest gap
between groups (reported, not part of the verdict).

Exit status: 0 no drift, 3 drift above the thresholds (for schedulers), 1 bad input
(missing or unreadable file, no scorable document, labels the model does not know), 2 bad
options (as in ``xproj predict``: a column option naming no column, a language the model
does not know, out-of-range thresholds).

Examples
--------
::

    xproj monitor --model runs/opener-en-es/model-es.joblib --lang es \\
        --reference deployed.csv --batch this-week.csv --out monitor/this-week
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import ConfigError, XprojError
from .loop import drift
from .options import seed_option
from .scoring import Scorer, check_input, check_lang_code, check_text_column, text_of
from .tables import Table

EXIT_DRIFT = 3
#: What ``--out`` holds; an existing folder with anything else is never replaced.
MONITOR_FILES = ("summary.json", "report.md", "confidence.png", "class-shares.png")
#: Sampling and display options: name -> (default, minimum, help).
SAMPLING = {"permutations": (200, 1, "random relabellings for the MMD p-value"),
            "mmd_rows": (500, 2, "rows of each file drawn (seeded) for the MMD test"),
            "bootstrap": (1000, 0, "bootstrap resamples of the group-quality intervals"),
            "bins": (10, 2, "equal-width confidence bins of the PSI"),
            "top_words": (20, 0, "new frequent words listed")}


@dataclass
class Sample:
    """One file through the model: every readable row's tokens, and for the scorable ones
    (a word with a vector) the prediction, probabilities and document vector."""

    path: Path
    rows: int
    tokens: list
    oov_rate: float
    scorable: np.ndarray
    predicted: np.ndarray
    proba: np.ndarray | None
    vectors: np.ndarray
    extra: dict = field(default_factory=dict)  # column -> values of the scorable rows


def read_sample(scorer: Scorer, path, option: str, text_column: str, extra_columns=()) -> Sample:
    """Read ``path`` and put its texts through the model (one pass, in memory: a monitoring
    batch is expected to fit)."""
    table = Table(check_input(path, option), format_option="--format")
    for column, col_option in [(text_column, "--text-column"), *extra_columns]:
        check_text_column(table, column, col_option)  # an option naming no column: exit 2, as in predict
    texts, extra, rows = [], {c: [] for c, _ in extra_columns}, 0
    for rec in table:
        rows += 1
        text, _ = text_of(rec.fields, text_column) if rec.error is None else (None, rec.error)
        if text is None:
            continue
        texts.append(text)
        for column, values in extra.items():
            value = text_of(rec.fields, column)[0]
            values.append(value.strip() if value else "")
    tokens = scorer.tokens(texts) if texts else []
    model, lang = scorer.model, scorer.lang
    cov = model.coverage(tokens, lang) if tokens else {"known": np.zeros(0), "tokens": np.zeros(0)}
    ok = np.asarray(cov["known"]) > 0
    if ok.sum() < 2:
        raise XprojError(f"{option} {path}: {int(ok.sum())} of {rows} rows have a text with a word the model "
                         f"knows in {lang!r}; need at least 2 (is it the right --lang and --text-column?)")
    scored = [t for t, keep in zip(tokens, ok) if keep]
    proba = model.predict_proba(scored, lang) if scorer.has_proba else None
    if proba is not None:
        predicted = proba.argmax(axis=1)
    else:  # class codes in the order of label_names (the model's classes_)
        predicted = np.searchsorted(model.classes_, model.predict(scored, lang))
    n_tok = int(np.sum(cov["tokens"]))
    return Sample(Path(path), rows, tokens, 1 - float(np.sum(cov["known"])) / n_tok if n_tok else 0.0, ok, predicted,
                  proba, document_vectors(model, scored, lang),
                  {c: [v for v, keep in zip(vals, ok) if keep] for c, vals in extra.items()})


def document_vectors(model, tokens, lang) -> np.ndarray:
    """The documents as the classifier's features before component removal: embedded and
    standardised with ``lang``'s saved statistics (pipeline steps up to ``standardize``)."""
    import sklearn

    steps = model.pipeline_[: list(model.pipeline_.named_steps).index("standardize") + 1]
    with sklearn.config_context(enable_metadata_routing=True):
        return np.asarray(steps.transform(tokens, lang=lang), dtype=float)


def compare(ref: Sample, batch: Sample, n_classes: int, thresholds: dict, *, bins=10, permutations=200,
            mmd_rows=500, seed=0) -> dict:
    """Every drift statistic of ``batch`` against ``ref`` and which checks are flagged."""
    t = thresholds
    shares = drift.class_share_test(ref.predicted, batch.predicted, n_classes)
    shares["drift"] = shares["p_value"] < t["alpha"] and shares["max_diff"] >= t["share_diff"]
    checks = {"class_shares": shares}
    if ref.proba is not None:
        rc, bc = ref.proba.max(axis=1), batch.proba.max(axis=1)
        value = drift.psi(rc, bc, bins=bins, value_range=(1 / n_classes, 1.0))
        ks = drift.ks_test(rc, bc)
        checks["confidence"] = {"psi": value, "reading": drift.psi_reading(value), "ks": ks,
                                "mean": [float(rc.mean()), float(bc.mean())],
                                "drift": value >= t["psi"] and ks["p_value"] < t["alpha"]}
    increase = batch.oov_rate - ref.oov_rate
    checks["oov"] = {"reference": ref.oov_rate, "batch": batch.oov_rate, "increase": increase,
                     "drift": increase >= t["oov_increase"]}
    mmd = drift.mmd_test(ref.vectors, batch.vectors, permutations=permutations, max_rows=mmd_rows, seed=seed)
    shift = drift.mean_shift(ref.vectors, batch.vectors)
    checks["vectors"] = {"mean_shift": shift, "mmd": mmd.as_dict(),
                         "drift": mmd.p_value < t["alpha"] and shift >= t["mean_shift"]}
    return checks


def labelled_quality(scorer: Scorer, batch: Sample, labels_column, group_column, *, n_boot, seed) -> dict | None:
    """Group quality of the batch's scorable rows that have a label (None without labels)."""
    if labels_column is None:
        return None
    labels = batch.extra[labels_column]
    groups = batch.extra[group_column] if group_column else ["all"] * len(labels)
    names = [str(n) for n in scorer.label_names]
    unknown = sorted({v for v in labels if v and v not in names})
    if unknown:
        raise XprojError(f"--labels-column {labels_column!r}: {batch.path} has labels the model does not know "
                         f"({', '.join(map(repr, unknown[:5]))}); it knows {', '.join(names)}")
    keep = np.array([bool(v) for v in labels])
    if not keep.any():
        raise XprojError(f"--labels-column {labels_column!r}: no scorable row of {batch.path} has a label")
    y = np.array([names.index(v) for v in labels if v])
    proba = None if batch.proba is None else batch.proba[keep]
    out = drift.group_quality(y, batch.predicted[keep], proba, np.array(groups, dtype=object)[keep], len(names),
                              n_boot=n_boot, seed=seed)
    return {**out, "rows_with_label": int(keep.sum()), "group_column": group_column}


def monitor(model_path, reference, batch, *, lang, text_column="text", labels_column=None, group_column=None,
            thresholds=None, bins=10, permutations=200, mmd_rows=500, bootstrap=1000, top_words=20, seed=0):
    """Compare ``batch`` with ``reference`` through the model; the summary dict (JSON-ready)
    with ``drift`` (the flagged checks) and ``samples`` (the two :class:`Sample`)."""
    check_lang_code(lang)
    thresholds = drift.default_thresholds() if thresholds is None else thresholds
    if group_column and not labels_column:
        raise ConfigError("--group-column needs --labels-column (group quality needs labels)")
    extra = [(c, o) for c, o in ((labels_column, "--labels-column"), (group_column, "--group-column")) if c]
    for path, option, columns in ((reference, "--reference", []), (batch, "--batch", extra)):  # before the model
        table = Table(check_input(path, option), format_option="--format")
        for column, col_option in [(text_column, "--text-column"), *columns]:
            check_text_column(table, column, col_option)
    scorer = Scorer.open(model_path, lang)
    ref = read_sample(scorer, reference, "--reference", text_column)
    new = read_sample(scorer, batch, "--batch", text_column, extra)
    names = [str(n) for n in scorer.label_names]
    checks = compare(ref, new, len(names), thresholds, bins=bins, permutations=permutations, mmd_rows=mmd_rows,
                     seed=seed)
    return {
        "model": str(model_path), "lang": lang, "labels": names, "thresholds": thresholds, "seed": seed,
        "reference": {"path": str(reference), "rows": ref.rows, "scored": int(ref.scorable.sum())},
        "batch": {"path": str(batch), "rows": new.rows, "scored": int(new.scorable.sum())},
        "checks": checks,
        "new_words": drift.new_frequent_words(ref.tokens, new.tokens, top=top_words),
        "group_quality": labelled_quality(scorer, new, labels_column, group_column, n_boot=bootstrap, seed=seed),
        "drift": [name for name, check in checks.items() if check["drift"]],
        "samples": (ref, new),
    }


# -- command line ------------------------------------------------------------------------------

def configure_parser(p):
    p.add_argument("--model", required=True, help="a model-<lang>.joblib written by xproj run (or xproj adapt)")
    p.add_argument("--reference", required=True, help="texts the model was deployed on (CSV/TSV/JSON lines)")
    p.add_argument("--batch", required=True, help="the new texts to compare with the reference")
    p.add_argument("--lang", required=True, help="language of both files (ISO 639-1)")
    p.add_argument("--out", default=None, help="folder for report.md, summary.json and plots (default: none)")
    p.add_argument("--text-column", default="text", help="column or JSON field holding the text (default: text)")
    p.add_argument("--labels-column", default=None, help="batch column with gold labels: quality per group")
    p.add_argument("--group-column", default=None, help="batch column naming each row's group (needs labels)")
    names = ", ".join(f"{k} ({v[0]:g})" for k, v in drift.THRESHOLDS.items())
    p.add_argument("--thresholds", default=None, metavar="NAME=V,...", help=f"override drift thresholds: {names}")
    for name, (default, low, help_) in SAMPLING.items():
        p.add_argument(f"--{name.replace('_', '-')}", type=int, default=default,
                       help=f"{help_} (default {default}, at least {low})")
    p.add_argument("--seed", type=seed_option, default=0, help="seed of the MMD sample and permutations and the bootstrap")


def _check_sampling(args):
    for name, (_, low, _) in SAMPLING.items():
        if getattr(args, name) < low:
            raise ConfigError(f"--{name.replace('_', '-')} must be at least {low}, got {getattr(args, name)}")


def run_from_args(args) -> int:
    from .monitor_report import format_summary, write_report
    from .run.folder import check_run_place

    thresholds = drift.parse_thresholds(args.thresholds)
    _check_sampling(args)
    alpha = thresholds.get("alpha")
    if alpha is not None and 1 / (args.permutations + 1) > alpha:
        # the smallest p-value a permutation test can give is 1/(P+1): below it the check never fires
        raise ConfigError(f"--permutations {args.permutations}: the MMD test's smallest p-value, "
                          f"1/{args.permutations + 1}, is above alpha = {alpha}; use at least "
                          f"{int(np.ceil(1 / alpha)) - 1} permutations")
    kinds = {"files": MONITOR_FILES, "marker": "summary.json"}
    if args.out:
        check_run_place(args.out, "--out", **kinds)
    summary = monitor(args.model, args.reference, args.batch, lang=args.lang, text_column=args.text_column,
                      labels_column=args.labels_column, group_column=args.group_column, thresholds=thresholds,
                      bins=args.bins, permutations=args.permutations, mmd_rows=args.mmd_rows,
                      bootstrap=args.bootstrap, top_words=args.top_words, seed=args.seed)
    if args.out:
        write_report(summary, args.out, **kinds)
    print(format_summary(summary))
    return EXIT_DRIFT if summary["drift"] else 0


def summary_json(summary) -> str:
    return json.dumps({k: v for k, v in summary.items() if k != "samples"}, indent=2, ensure_ascii=False)
