"""Score a large CSV, TSV or JSON-lines file with a saved model, streaming in chunks.

Every input row gets exactly one output row, in order: the row number, the input's columns
(all, or those of ``--keep-columns``), the predicted ``label``, its ``probability``, one
``p_<class>`` column per class, and ``error``: for a row that cannot be read (bad JSON, a
missing text field, wrong number of columns, bytes that are not UTF-8) the label is empty
and ``error`` says why. Unreadable rows are also listed by number at the end.

A row's label depends only on that row and on the model: the language's centering and
scaling statistics are those saved with the model (see ``xproj adapt``), or, with
``--adapt-on FILE``, learnt once from every text of FILE before scoring starts. Output
ending in ``.parquet`` is written as Parquet (pyarrow); anything else as CSV; either way to
a temporary name renamed when complete.

Examples
--------
::

    xproj predict --model runs/opener-en-es/model-es.joblib --lang es \\
        --input reviews.csv --text-column review --output scored.parquet \\
        --adapt-on reviews.csv --keep-columns id,date --n-jobs 2
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .errors import ConfigError
from .scoring import Scorer, check_chunk_size, check_distinct, check_input, text_of
from .tables import Table
from .writers import open_output

#: Columns predict adds after the input's (``p_<class>`` per class between probability and error).
OWN_COLUMNS = ("row", "label", "probability", "error")


def _cell(value):
    """An input value as text: strings as they are, other JSON values as JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def output_columns(input_columns, label_names, has_proba: bool):
    """``(columns, kept)``: the output's (name, kind) list, and for each kept input column
    its name in the input. A kept column whose name predict uses is renamed ``input_<name>``;
    ``row`` is left out when the input has a column of that name."""
    probs = [f"p_{n}" for n in label_names] if has_proba else []
    ours = {"label", "probability", "error", *probs}
    kept = list(input_columns)
    cols = [] if "row" in kept else [("row", "int")]
    cols += [(f"input_{c}" if c in ours else c, "str") for c in kept]
    cols += [("label", "str"), ("probability", "float")] + [(p, "float") for p in probs] + [("error", "str")]
    return cols, kept


def _kept_columns(table: Table, keep):
    if keep is not None:
        wanted = [c.strip() for c in keep.split(",") if c.strip()]
        if table.fmt != "jsonl" and table.header:
            missing = [c for c in wanted if c not in table.columns()]
            if missing:
                raise ConfigError(f"--keep-columns: {table.path} has no column {', '.join(map(repr, missing))} "
                                  f"(it has {', '.join(table.columns())})")
        return wanted
    return table.columns() or []


def predict_file(model_path, input_path, output_path, *, lang, text_column="text", fmt=None,
                 chunk_size=5000, n_jobs=1, keep_columns=None, adapt_on=None, progress=False):
    """Score ``input_path`` into ``output_path`` (CSV, or Parquet for ``.parquet``).

    Parameters
    ----------
    keep_columns : str, optional
        Comma-separated input columns to keep (default: all of them).
    adapt_on : str or Path, optional
        A file (may be the input itself) whose readable texts give the language's statistics
        before scoring (``model.adapt``, once).

    Returns
    -------
    dict
        ``rows_in``, ``rows_out``, ``unreadable``, ``unreadable_rows`` (first 1000 (row,
        reason)), ``adaptation`` (one line), ``output``.
    """
    check_chunk_size(chunk_size)
    table = Table(check_input(input_path), fmt=fmt)
    check_distinct(output_path, input_path, "--output", "--input")
    if table.fmt != "jsonl" and not str(text_column).isdigit() and text_column not in table.columns():
        raise ConfigError(f"{input_path}: no column {text_column!r} in the header {table.columns()}; "
                          "use --text-column")
    adapt_table = None
    if adapt_on is not None:
        same = Path(adapt_on).resolve() == Path(input_path).resolve()
        adapt_table = Table(check_input(adapt_on, "--adapt-on"), fmt=fmt if same else None)
    kept = _kept_columns(table, keep_columns)
    scorer = Scorer.open(model_path, lang)
    if adapt_table is not None:
        scorer.adapt(adapt_table, text_column, chunk_size=chunk_size, n_jobs=n_jobs)
    has_proba = hasattr(scorer.model, "predict_proba") and hasattr(scorer.model.estimator_, "predict_proba")
    columns, kept = output_columns(kept, scorer.label_names, has_proba)
    with_row = "row" not in kept
    n_in, bad_rows, n_bad = 0, [], 0
    pbar = None
    if progress:
        from tqdm import tqdm

        pbar = tqdm(unit="rows", desc="predict")
    with open_output(output_path, columns) as out:
        chunk = []
        for rec in _chunks_end(table):
            if rec is not None:
                n_in += 1
                chunk.append(rec)
            if chunk and (rec is None or len(chunk) >= chunk_size):
                rows, errors = _score_chunk(scorer, chunk, text_column, kept, with_row, has_proba, n_jobs)
                out.write(rows)
                n_bad += len(errors)
                bad_rows += errors[: max(0, 1000 - len(bad_rows))]
                if pbar:
                    pbar.update(len(chunk))
                chunk = []
    if pbar:
        pbar.close()
    return {"rows_in": n_in, "rows_out": n_in, "unreadable": n_bad, "unreadable_rows": bad_rows,
            "adaptation": scorer.adaptation(), "output": str(output_path)}


def _chunks_end(table):
    yield from table
    yield None  # flush the last chunk


def _score_chunk(scorer, chunk, text_column, kept, with_row, has_proba, n_jobs):
    texts, errors = [], []
    for rec in chunk:
        text, err = (None, rec.error) if rec.error is not None else text_of(rec.fields, text_column)
        texts.append(text)
        if err is not None:
            errors.append((rec.row, err))
    good = [t for t in texts if t is not None]
    probs = labels = None
    if good:
        tokens = scorer.tokens(good, n_jobs)
        if has_proba:
            probs = scorer.model.predict_proba(tokens, lang=scorer.lang)
            labels = probs.argmax(axis=1)
        else:
            labels = [list(scorer.model.classes_).index(c) for c in scorer.model.predict(tokens, lang=scorer.lang)]
    n_probs = len(scorer.label_names) if has_proba else 0
    rows, gi, err_of = [], 0, dict(errors)
    for rec, text in zip(chunk, texts):
        fields = rec.fields if isinstance(rec.fields, dict) else {}
        row = ([rec.row] if with_row else []) + [_cell(fields.get(c)) for c in kept]
        if text is None:
            row += [None, None] + [None] * n_probs + [err_of[rec.row]]
        else:
            lab = int(labels[gi])
            p = [float(x) for x in probs[gi]] if has_proba else []
            row += [scorer.label_names[lab], p[lab] if p else None] + p + [None]
            gi += 1
        rows.append(row)
    return rows, errors


def configure_parser(p):
    p.add_argument("--model", required=True, help="a model-<lang>.joblib written by xproj run (or xproj adapt)")
    p.add_argument("--input", required=True, help="CSV/TSV (with a header) or JSON-lines file, optionally .gz/.xz")
    p.add_argument("--lang", required=True, help="language of the input texts (ISO 639-1)")
    p.add_argument("--output", default=None,
                   help="output file: .parquet for Parquet (needs pyarrow), else CSV "
                        "(default: <input>.predictions.csv)")
    p.add_argument("--text-column", default="text", help="column or JSON field holding the text (default: text)")
    p.add_argument("--keep-columns", default=None, metavar="A,B",
                   help="input columns copied to the output (default: all)")
    p.add_argument("--adapt-on", default=None, metavar="FILE",
                   help="learn the language's statistics from every text of FILE (may be the input) "
                        "before scoring; default: the statistics saved with the model")
    p.add_argument("--format", choices=["csv", "tsv", "jsonl"], default=None, help="default: from the file name")
    p.add_argument("--chunk-size", type=int, default=5000, help="rows scored at a time (default 5000)")
    p.add_argument("--n-jobs", type=int, default=1, help="tokenisation workers (joblib; default 1)")
    p.add_argument("--quiet", action="store_true")


def run_from_args(args) -> int:
    inp = Path(args.input)
    out = Path(args.output) if args.output else inp.with_name(inp.name + ".predictions.csv")
    summary = predict_file(args.model, inp, out, lang=args.lang, text_column=args.text_column,
                           fmt=args.format, chunk_size=args.chunk_size, n_jobs=args.n_jobs,
                           keep_columns=args.keep_columns, adapt_on=args.adapt_on,
                           progress=not args.quiet and sys.stderr.isatty())
    print(f"{summary['rows_in']} rows in, {summary['rows_out']} rows out -> {out} "
          f"(statistics: {summary['adaptation']})")
    if summary["unreadable"]:
        shown = ", ".join(f"{n} ({e})" for n, e in summary["unreadable_rows"][:20])
        more = " ..." if summary["unreadable"] > 20 else ""
        print(f"{summary['unreadable']} unreadable rows (label left empty, reason in 'error'): {shown}{more}",
              file=sys.stderr)
    return 0
