"""Score a large CSV or JSON-lines file with a saved model, streaming in chunks.

Every input row gets exactly one output row, in order: the predicted label and its
probability, or, for a row that cannot be read (bad JSON, a missing text field, wrong
number of columns, bytes that are not UTF-8), an empty label and the reason in ``error``.
Unreadable rows are also listed by number at the end. The output file is written to a
temporary name and renamed when complete.

Examples
--------
::

    xproj predict --model runs/opener-en-es/model-es.joblib --lang es \\
        --input reviews.csv --text-column review --output scored.csv --n-jobs 2
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path


from ._io import atomic_write, open_binary
from .errors import ConfigError, ResourceNotFoundError


@dataclass
class Row:
    number: int  # 1-based data row number (header excluded)
    text: str | None
    error: str | None = None


def _has_surrogates(s: str) -> bool:
    try:
        s.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def iter_rows(path, *, fmt=None, text_column="text", delimiter=None):
    """Yield :class:`Row` for each data row of a CSV/TSV or JSON-lines file, never skipping."""
    path = Path(path)
    fmt = fmt or infer_format(path)
    stream = io.TextIOWrapper(open_binary(path), encoding="utf-8", errors="surrogateescape", newline="")
    with stream:
        if fmt == "jsonl":
            for n, line in enumerate(stream, 1):
                if _has_surrogates(line):
                    yield Row(n, None, "not valid UTF-8")
                    continue
                if not line.strip():
                    yield Row(n, None, "empty line")
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield Row(n, None, f"invalid JSON ({exc.msg})")
                    continue
                if not isinstance(rec, dict) or text_column not in rec:
                    yield Row(n, None, f"no field {text_column!r}")
                    continue
                text = rec[text_column]
                yield Row(n, text, None) if isinstance(text, str) else Row(n, None, f"field {text_column!r} is not a string")
            return
        delim = delimiter or ("\t" if fmt == "tsv" else ",")
        reader = csv.reader(stream, delimiter=delim)
        try:
            header = next(reader)
        except StopIteration:
            return
        if isinstance(text_column, int) or str(text_column).isdigit():
            col = int(text_column)
        elif text_column in header:
            col = header.index(text_column)
        else:
            raise ConfigError(f"{path}: no column {text_column!r} in the header {header}; use --text-column")
        n = 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                n += 1
                yield Row(n, None, f"unreadable CSV ({exc})")
                continue
            n += 1
            if len(fields) != len(header):
                yield Row(n, None, f"{len(fields)} fields, the header has {len(header)}")
            elif _has_surrogates(fields[col]):
                yield Row(n, None, "not valid UTF-8")
            else:
                yield Row(n, fields[col], None)


def infer_format(path) -> str:
    name = Path(path).name.lower()
    for suffix in (".gz", ".xz", ".bz2"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if name.endswith(".tsv"):
        return "tsv"
    if name.endswith(".csv"):
        return "csv"
    raise ConfigError(f"{path}: cannot tell the format from the name; pass --format csv|tsv|jsonl")


def predict_file(model_path, input_path, output_path, *, lang, text_column="text", fmt=None,
                 chunk_size=5000, n_jobs=1, progress=False):
    """Score ``input_path`` into ``output_path`` (CSV). Returns a summary dict."""
    from .model import load_model

    bundle = load_model(model_path)
    model = bundle["model"]
    names = bundle.get("label_names") or [str(c) for c in model.classes_]
    if lang not in model.embedder_.space_:
        raise ConfigError(f"the model has no vectors for {lang!r}; it knows {model.embedder_.space_.languages}")
    from .lang import get_preprocessor

    pre = get_preprocessor(lang, **(model.preprocess or {}))
    has_proba = hasattr(model.estimator_, "predict_proba")
    n_in = n_bad = 0
    bad_rows = []
    cols = ["row", "label", "probability"] + ([f"p_{n}" for n in names] if has_proba else []) + ["error"]
    pbar = None
    if progress:
        from tqdm import tqdm

        pbar = tqdm(unit="rows", desc="predict")
    with atomic_write(output_path, "w") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        chunk: list[Row] = []

        def flush():
            nonlocal n_bad
            good = [r for r in chunk if r.error is None]
            probs = labels = None
            if good:
                tokens = pre.pipe([r.text for r in good], n_jobs=n_jobs)
                if lang not in model.lang_stats_ and len(tokens) >= model.min_center_docs:
                    # Per-language statistics from the first chunk, then fixed: every chunk
                    # is scored the same way, whatever its size.
                    model.adapt(tokens, lang)
                if has_proba:
                    probs = model.predict_proba(tokens, lang=lang)
                    labels = model.classes_[probs.argmax(axis=1)]
                else:
                    labels = model.predict(tokens, lang=lang)
            gi = 0
            for r in chunk:
                if r.error is not None:
                    n_bad += 1
                    if len(bad_rows) < 1000:
                        bad_rows.append((r.number, r.error))
                    w.writerow([r.number, "", "", *([""] * len(names) if has_proba else []), r.error])
                    continue
                lab = int(labels[gi])
                if has_proba:
                    p = probs[gi]
                    w.writerow([r.number, names[lab], f"{p.max():.4f}", *(f"{x:.4f}" for x in p), ""])
                else:
                    w.writerow([r.number, names[lab], "", ""])
                gi += 1
            if pbar:
                pbar.update(len(chunk))
            chunk.clear()

        for row in iter_rows(input_path, fmt=fmt, text_column=text_column):
            n_in += 1
            chunk.append(row)
            if len(chunk) >= chunk_size:
                flush()
        flush()
    if pbar:
        pbar.close()
    return {"rows_in": n_in, "rows_out": n_in, "unreadable": n_bad, "unreadable_rows": bad_rows,
            "output": str(output_path)}


def configure_parser(p):
    p.add_argument("--model", required=True, help="a model-<lang>.joblib written by xproj run")
    p.add_argument("--input", required=True, help="CSV/TSV (with a header) or JSON-lines file, optionally .gz/.xz")
    p.add_argument("--lang", required=True, help="language of the input texts (ISO 639-1)")
    p.add_argument("--output", default=None, help="output CSV (default: <input>.predictions.csv)")
    p.add_argument("--text-column", default="text", help="column or JSON field holding the text (default: text)")
    p.add_argument("--format", choices=["csv", "tsv", "jsonl"], default=None, help="default: from the file name")
    p.add_argument("--chunk-size", type=int, default=5000, help="rows scored at a time (default 5000)")
    p.add_argument("--n-jobs", type=int, default=1, help="tokenisation workers (joblib; default 1)")
    p.add_argument("--quiet", action="store_true")


def run_from_args(args) -> int:
    inp = Path(args.input)
    if not inp.exists():
        raise ResourceNotFoundError(f"{inp}: no such input file")
    if args.chunk_size < 1:
        raise ConfigError("--chunk-size must be at least 1")
    out = Path(args.output) if args.output else inp.with_name(inp.name + ".predictions.csv")
    summary = predict_file(args.model, inp, out, lang=args.lang, text_column=args.text_column,
                           fmt=args.format, chunk_size=args.chunk_size, n_jobs=args.n_jobs,
                           progress=not args.quiet and sys.stderr.isatty())
    print(f"{summary['rows_in']} rows in, {summary['rows_out']} rows out -> {out}")
    if summary["unreadable"]:
        shown = ", ".join(f"{n} ({e})" for n, e in summary["unreadable_rows"][:20])
        more = " ..." if summary["unreadable"] > 20 else ""
        print(f"{summary['unreadable']} unreadable rows (label left empty, reason in 'error'): {shown}{more}",
              file=sys.stderr)
    return 0
