"""Score a large CSV, TSV or JSON-lines file with a saved model, streaming in chunks.

Every input row gets exactly one output row, in order: the row number, the input's columns
(all, or those of ``--keep-columns``), the predicted ``label``, its ``probability``, one
``p_<class>`` column per class, ``coverage`` (the share of the text's tokens that have a word
vector) and ``error``. A row gets no label, and ``error`` says why, when it cannot be read
(bad JSON, a missing text field, wrong number of columns, an unclosed quote, bytes that are
not UTF-8) or cannot be scored: an empty text, or one with no word that has a vector (it
would get the label of the zero vector, the same for all such texts). Rows without a label
are also listed by number at the end, and rows continuing over several lines (quoted line
breaks) are counted, so that a stray quote cannot silently swallow the rows after it.

Options are checked before the model is loaded: ``--lang`` must be a language code xproj can
tokenise (or ``auto``), the output must be writable and must not be
the input, ``--adapt-on`` or model file, the text column must exist (an empty file, or a
header row that is not UTF-8, is an error of the file); a file whose first rows mostly cannot
be read in the format given stops at once (the format is wrong).

A row's label depends only on that row and on the model: the language's centering and
scaling statistics are those saved with the model (see ``xproj adapt``), or, with
``--adapt-on FILE``, learnt once from every text of FILE before scoring starts. Output
ending in ``.parquet`` is written as Parquet (pyarrow); anything else as CSV; either way to
a temporary name renamed when complete.

With ``--lang auto`` each row's language is detected on its own (:mod:`xproj.lang.detect`,
the ``langid`` extra) and written to a ``lang`` column; the row is scored by the model of that
language: any language of the model's aligned space, or with ``--model FOLDER`` the model of
the folder that has it as a target language. A row whose language is not identified, or has
no model, gets no label and ``error`` says why; it is never scored with another language's
model.

Examples
--------
::

    xproj predict --model runs/opener-en-es/model-es.joblib --lang es \\
        --input reviews.csv --text-column review --output scored.parquet \\
        --adapt-on reviews.csv --keep-columns id,date --n-jobs 2
    xproj predict --model runs/models/ --lang auto --input mixed.csv --output scored.csv
"""

from __future__ import annotations

import json
import sys
from itertools import islice
from pathlib import Path

from .errors import ConfigError
from .lang import base_code
from .scoring import (LanguageRouter, Scorer, check_chunk_size, check_distinct, check_input, check_lang_code,
                      check_n_jobs, check_output, check_text_column, text_of)
from .tables import SNIFF_ROWS, Table, table_columns
from .writers import open_output, output_format

#: Columns predict adds after the input's (``p_<class>`` per class between probability and coverage).
OWN_COLUMNS = ("row", "label", "probability", "coverage", "error")
#: Rows without a label whose number and reason are kept for the summary.
LISTED = 1000
#: ``--lang`` value that detects each row's language (``auto:en,es`` restricts the choice).
AUTO = "auto"


def parse_lang(value: str):
    """``(lang, candidates)``: ``(code, None)`` for one language; ``("auto", None)`` or
    ``("auto", [codes])`` for detection per row (among the given languages only)."""
    head, sep, rest = str(value).partition(":")
    if head.strip().lower() != AUTO:
        return value, None
    # "auto:zh-TW,ja" chooses between zh and ja: a suffix names its language, as "--lang zh-TW" does
    candidates = list(dict.fromkeys(base_code(c) for c in rest.split(",") if c.strip())) if sep else None
    if sep and not candidates:
        raise ConfigError(f"--lang {value}: give languages after 'auto:', e.g. auto:en,es")
    return AUTO, candidates


def check_lang(value, *, identifier: bool = True):
    """``--lang`` checked before any work: :func:`parse_lang`'s ``(lang, candidates)``.

    One language must be a code xproj can tokenise (whether the model has it is known when
    the model is opened); ``auto`` with ``identifier``: the language identifier is installed
    and knows the candidates."""
    lang, candidates = parse_lang(value)
    if lang != AUTO:
        return check_lang_code(lang, also=" (or auto)"), None
    if identifier:
        from .lang.detect import detect

        try:
            detect([], candidates)
        except ValueError as exc:
            raise ConfigError(f"--lang {AUTO}:{','.join(candidates)}: {exc}") from None
    return lang, candidates


def _open_scorer(model_path, lang, adapt_table):
    """The scorer of ``--lang``, or a :class:`LanguageRouter` for ``--lang auto``."""
    lang, candidates = check_lang(lang)
    if lang != AUTO:
        if Path(model_path).is_dir():
            raise ConfigError(f"--model {model_path}: a folder of models needs --lang auto")
        return Scorer.open(model_path, lang)
    if adapt_table is not None:
        raise ConfigError("--adapt-on: not available with --lang auto; adapt each language's model "
                          "first (xproj adapt), then predict with --lang auto")
    return LanguageRouter.open(model_path, candidates)


def ready(scorer):
    """Load now what the scorer would load on its first rows, then keep the garbage collector
    off everything loaded so far; returns ``scorer``.

    A language's lookup tables (e.g. spaCy's lemma table, ~500,000 entries for Spanish) are
    built on the first lookup: seconds that belong to opening the model, once per process,
    not to the first chunk. ``gc.freeze`` moves the model's and the tables' objects out of
    the collector's generations: otherwise every full collection walks them again while rows
    are scored (a quarter of the time per row, measured by bench/bench_scale.py). Results do
    not change. Meant for a process that keeps the scorer for its life (a cluster worker,
    :func:`xproj.distributed.score_files`): garbage made before the call is never freed."""
    import gc

    if isinstance(scorer, Scorer):
        scorer.model.coverage(scorer.tokens(["a"]), scorer.lang)
    gc.collect()
    gc.freeze()
    return scorer


def _cell(value):
    """An input value as text: strings as they are, other JSON values as JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def output_columns(input_columns, label_names, has_proba: bool, with_lang: bool = False):
    """``(columns, kept)``: the output's (name, kind) list, and for each kept input column
    its name in the input. A kept column whose name predict uses is renamed ``input_<name>``
    (``input_`` again while the input has a column of that name: no name is given twice);
    ``row`` is left out when the input has a column of that name. ``with_lang`` adds the
    detected ``lang`` before ``label``."""
    probs = [f"p_{n}" for n in label_names] if has_proba else []
    ours = {"label", "probability", "coverage", "error", *probs, *(["lang"] if with_lang else [])}
    kept = list(dict.fromkeys(input_columns))  # a column named twice in --keep-columns: once
    cols = [] if "row" in kept else [("row", "int")]
    taken = ours | {"row"} | set(kept)
    for c in kept:
        name = c
        while c in ours and name in taken:  # beside an input_<c> of the input's own: input_input_<c>
            name = f"input_{name}"
        taken.add(name)
        cols.append((name, "str"))
    cols += [("lang", "str")] if with_lang else []
    cols += [("label", "str"), ("probability", "float")] + [(p, "float") for p in probs]
    return cols + [("coverage", "float"), ("error", "str")], kept


def _kept_columns(table: Table, keep):
    if keep is not None:
        wanted = [c.strip() for c in keep.split(",") if c.strip()]
        if table.fmt != "jsonl" and table.header:
            missing = [c for c in wanted if c not in table.columns()]
            if missing:
                raise ConfigError(f"--keep-columns: {table.path} has no column {', '.join(map(repr, missing))} "
                                  f"(it has {', '.join(table.columns())})")
        elif table.fmt == "jsonl":  # fields may differ by record: a name none of the first has is a typo
            fields = table_columns(islice(table, SNIFF_ROWS))
            missing = [c for c in wanted if c not in fields]
            if fields and missing:
                raise ConfigError(f"--keep-columns: none of the first {SNIFF_ROWS} records of {table.path} has "
                                  f"the field {', '.join(map(repr, missing))} (they have: {', '.join(fields)})")
        return wanted
    return table.columns() or []


def predict_file(model_path, input_path, output_path, *, lang, text_column="text", fmt=None,
                 chunk_size=5000, n_jobs=1, keep_columns=None, adapt_on=None, progress=False, warm=False):
    """Score ``input_path`` into ``output_path`` (in the format its name says,
    :func:`xproj.writers.output_format`: CSV, TSV, JSON lines or Parquet).

    Parameters
    ----------
    keep_columns : str, optional
        Comma-separated input columns to keep (default: all of them).
    adapt_on : str or Path, optional
        A file (may be the input itself) whose readable texts give the language's statistics
        before scoring (``model.adapt``, once).
    warm : bool, default False
        :func:`ready` the scorer before the rows (lookup tables built, the garbage collector
        kept off what is loaded): for a process that scores and exits, as ``xproj predict``;
        results do not change.

    Returns
    -------
    dict
        ``rows_in``, ``rows_out``, ``lines`` (physical lines read, None for one JSON array),
        ``multiline`` (rows over several lines: count and the first ``(row, line, end_line)``),
        ``not_scored`` (rows without a label), ``not_scored_rows`` (the first 1000 ``(row,
        reason)``), ``adaptation`` (one line), ``output``.
    """
    check_lang(lang, identifier=False)
    check_chunk_size(chunk_size)
    check_n_jobs(n_jobs)
    table = Table(check_input(input_path), fmt=fmt, format_option="--format")
    check_distinct(output_path, input_path, "--output", "--input")
    check_distinct(output_path, model_path, "--output", "--model")
    check_output(output_path)
    output_format(output_path)  # a compressed Parquet name, before any work
    adapt_table = None
    if adapt_on is not None:
        check_distinct(output_path, adapt_on, "--output", "--adapt-on")
        same = Path(adapt_on).resolve() == Path(input_path).resolve()
        adapt_table = Table(check_input(adapt_on, "--adapt-on"), fmt=fmt if same else None, format_option="--format")
    for t in filter(None, (table, adapt_table)):
        check_text_column(t, text_column)
    kept = _kept_columns(table, keep_columns)
    scorer = _open_scorer(model_path, lang, adapt_table)
    adapted = None if adapt_table is None else scorer.adapt(adapt_table, text_column, chunk_size=chunk_size,
                                                             n_jobs=n_jobs)
    if warm:
        ready(scorer)
    summary = score_table(scorer, table, output_path, text_column=text_column, kept=kept,
                          chunk_size=chunk_size, n_jobs=n_jobs, progress=progress)
    left_out = adapted.left_out_line(adapt_on) if adapted is not None else None
    return {**summary, "adaptation": scorer.adaptation(), "output": str(output_path), "adapt_left_out": left_out}


def score_table(scorer, records, output_path, *, text_column, kept, chunk_size=5000, n_jobs=1, progress=False):
    """Score every record of ``records`` (a :class:`Table`, or any iterable of
    :class:`~xproj.tables.Record`) with an open scorer into ``output_path``, atomically; the
    one scoring path of ``xproj predict``, in one process or on a cluster's workers
    (:mod:`xproj.distributed`). Returns the tally (see :func:`predict_file`)."""
    routed = isinstance(scorer, LanguageRouter)
    columns, kept = output_columns(kept, scorer.label_names, scorer.has_proba, with_lang=routed)
    tally = _Tally(routed)
    pbar = None
    if progress:
        from tqdm import tqdm

        pbar = tqdm(unit="rows", desc="predict")
    # JSON lines out: the input's values as they are (a JSON input's numbers, objects); else as text
    cell = (lambda value: value) if output_format(output_path)[0] == "jsonl" else _cell
    with open_output(output_path, columns) as out:
        for chunk in _chunks(records, chunk_size):
            out.write(_score_chunk(scorer, chunk, text_column, kept, "row" not in kept, n_jobs, tally, cell))
            if pbar:
                pbar.update(len(chunk))
    if pbar:
        pbar.close()
    return tally.summary()


class _Tally:
    """What the summary says: rows, lines, rows over several lines, rows without a label,
    and with ``--lang auto`` the rows of each detected language."""

    def __init__(self, routed: bool = False):
        self.rows, self.lines, self.multiline, self.first_multiline = 0, 0, 0, None
        self.not_scored, self.not_scored_rows = 0, []
        self.languages = {} if routed else None

    def count(self, rec):
        self.rows += 1
        self.lines = None if rec.end_line is None or self.lines is None else rec.end_line
        if rec.end_line is not None and rec.end_line > rec.line:
            self.multiline += 1
            self.first_multiline = self.first_multiline or (rec.row, rec.line, rec.end_line)

    def unlabelled(self, row, reason):
        self.not_scored += 1
        if len(self.not_scored_rows) < LISTED:
            self.not_scored_rows.append((row, reason))

    def summary(self) -> dict:
        return {"rows_in": self.rows, "rows_out": self.rows, "lines": self.lines,
                "multiline": (self.multiline, self.first_multiline), "not_scored": self.not_scored,
                "not_scored_rows": self.not_scored_rows, "languages": self.languages}


def _chunks(table, size):
    chunk = []
    for rec in table:
        chunk.append(rec)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _score_chunk(scorer, chunk, text_column, kept, with_row, n_jobs, tally, cell=_cell):
    texts = []
    for rec in chunk:
        tally.count(rec)
        texts.append((None, rec.error) if rec.error is not None else text_of(rec.fields, text_column))
    readable = [t for t, _ in texts if t is not None]
    routed = tally.languages is not None
    scores = iter(scorer.score_rows(readable, n_jobs) if routed else
                  [(None, *s) for s in scorer.score(readable, n_jobs)])
    n_probs = len(scorer.label_names) if scorer.has_proba else 0
    rows = []
    for rec, (text, problem) in zip(chunk, texts):
        lang, label, probs, coverage = None, None, None, None
        if text is not None:
            lang, label, probs, coverage, problem = next(scores)
        if problem is not None:
            tally.unlabelled(rec.row, problem)
        fields = rec.fields if isinstance(rec.fields, dict) else {}
        row = ([rec.row] if with_row else []) + [cell(fields.get(c)) for c in kept]
        if routed:
            tally.languages[lang] = tally.languages.get(lang, 0) + 1
            row.append(lang)
        row += [None if label is None else scorer.label_names[label], None if label is None or not probs else probs[label]]
        rows.append(row + (probs or [None] * n_probs) + [coverage, problem])
    return rows


def configure_parser(p):
    p.add_argument("--model", required=True,
                   help="a model-<lang>.joblib written by xproj run (or xproj adapt); with --lang auto, "
                        "also a folder of such models (one per language)")
    p.add_argument("--input", required=True, help="CSV/TSV (with a header) or JSON-lines file, optionally .gz/.xz")
    p.add_argument("--lang", required=True,
                   help="language of the input texts (ISO 639-1), or 'auto' to detect each row's language "
                        "(needs xproj[langid]; 'auto:en,es' chooses among those only) and score it with "
                        "that language's model; the detected language goes to a 'lang' column")
    p.add_argument("--output", default=None,
                   help="output file: .parquet for Parquet (needs pyarrow), .jsonl/.ndjson/.json for JSON "
                        "lines, .tsv for TSV, else CSV; .gz/.xz/.bz2 after a text format compresses it "
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
    p.add_argument("--scheduler", default=None, metavar="local[:N]|tcp://HOST:PORT",
                   help="score on a Dask cluster (xproj[cluster]): --input may then be a folder or a glob, "
                        "one task per file (or per --rows-per-task rows), outputs in --output-dir, "
                        "resumable (see xproj.distributed)")
    p.add_argument("--output-dir", default=None,
                   help="folder of <stem>.scored.parquet outputs and _manifest.json (with --scheduler; "
                        "without it, the files are scored one after the other in this process)")
    p.add_argument("--output-format", choices=["parquet", "csv"], default=None,
                   help="with --output-dir (default parquet)")
    p.add_argument("--output-file", default=None, metavar="OUT.parquet|OUT.csv",
                   help="also write every row, in input order, to this one file (atomically, when every "
                        "part is scored); the parts stay in --output-dir (default OUT.parts/) to resume from")
    p.add_argument("--rows-per-task", type=int, default=None, metavar="N",
                   help="cut files of more rows into tasks of about N rows (Parquet: whole row groups; "
                        "uncompressed text: at record starts; compressed text is never cut); "
                        "default: one task per file")
    p.add_argument("--quiet", action="store_true", help="no progress bar (the summary lines are still printed)")


def run_from_args(args) -> int:
    # the options that do not need a file, checked before any is opened (once, not per input file)
    check_lang(args.lang, identifier=args.scheduler is None)
    if args.scheduler is not None:
        from ._cluster import check_scheduler

        check_scheduler(args.scheduler)
    if any(v is not None for v in (args.scheduler, args.output_dir, args.output_file, args.rows_per_task)):
        from .distributed import run_from_args as run_many

        return run_many(args)
    inp = Path(args.input)
    out = Path(args.output) if args.output else inp.with_name(inp.name + ".predictions.csv")
    summary = predict_file(args.model, inp, out, lang=args.lang, text_column=args.text_column,
                           fmt=args.format, chunk_size=args.chunk_size, n_jobs=args.n_jobs,
                           keep_columns=args.keep_columns, adapt_on=args.adapt_on,
                           progress=not args.quiet and sys.stderr.isatty(), warm=True)
    lines = f" ({summary['lines']} lines read)" if summary["lines"] is not None else ""
    print(f"{summary['rows_in']} rows in{lines}, {summary['rows_out']} rows out -> {out} "
          f"(statistics: {summary['adaptation']})")
    if summary["languages"] is not None:
        counts = sorted(summary["languages"].items(), key=lambda kv: (-kv[1], str(kv[0])))
        print("languages: " + ", ".join(f"{lang or 'not identified'} {n}" for lang, n in counts))
    if summary["adapt_left_out"]:
        print(summary["adapt_left_out"], file=sys.stderr)
    n, first = summary["multiline"]
    if n:
        print(f"{_rows(n)} over several lines (quoted line breaks): row {first[0]} (lines {first[1]}-{first[2]})"
              f"{' ...' if n > 1 else ''}; if that is not expected, look for a stray quote", file=sys.stderr)
    if summary["not_scored"]:
        shown = ", ".join(f"{row} ({why})" for row, why in summary["not_scored_rows"][:20])
        more = " ..." if summary["not_scored"] > 20 else ""
        print(f"{_rows(summary['not_scored'])} not scored (label left empty, reason in 'error'): {shown}{more}",
              file=sys.stderr)
    return 0


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"
