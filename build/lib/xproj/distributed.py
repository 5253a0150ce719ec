"""Score many files on a Dask cluster (``xproj predict --scheduler``), resumably.

A task is one input file, or with ``rows_per_task`` one part of a file (a run of rows,
:mod:`xproj.partitions`), read, tokenised, featurised and scored on a worker by the
single-process scorer's own code (:func:`xproj.predict.score_table`), and written atomically
(temporary + rename) to ``<stem>.scored.parquet`` (or ``.csv``; a part of a file cut in
parts to ``<stem>.part-00002-of-00005.scored.parquet``) in the output folder, with the
input's columns and the scorer's (label, probability, ``p_<class>``, coverage, error); rows
out equal rows in for every input, and unreadable rows are kept with their reason. With
``output_file``, every part is then copied, in input order, into one file
(:mod:`xproj.combine`).

The model reaches each worker once: a worker opens the model file from its path (which must
be readable on every worker) and keeps it in a per-process cache keyed by path, size and
modification time; tasks carry only the path, never the model. Before any input is read or
output written, one task opens it (:func:`open_model`): a ``lang`` the model lacks or a model
that cannot be loaded stops the job with one error, not one failure per file.

``_manifest.json`` in the output folder (written atomically, at most once a second while the
job runs and at the end) records per task the input's identity (size, modification time,
sha256 of its first and last 64 KiB, taken before the task is submitted), the model's
sha256, the options and the row counts, and the output's name and size; and per input cut
in parts, its plan. Running again skips the tasks whose entry matches and whose output is
there with that size; everything else (new, changed or failed inputs, a part whose worker
died, a missing output, parts of another cut, whose outputs are removed) is scored again. A
temporary left by a killed worker never counts: only the renamed output, recorded in the
manifest, does.

Examples
--------
>>> summary = score_files("runs/demo/model-es.joblib", "reviews/", "scored/",   # doctest: +SKIP
...                       scheduler="local:2", lang="es")
>>> summary["files"], summary["rows"], summary["skipped"]                      # doctest: +SKIP
(4, 120000, 0)
"""

from __future__ import annotations

import glob
import os
import time
from pathlib import Path

from ._cluster import SCHEDULERS, executor, one_line
from ._manifest import MANIFEST, Manifest, identity, model_sha256
from .combine import combine, output_format_of
from .errors import ConfigError, ResourceNotFoundError, XprojError
from .partitions import PARQUET_SUFFIX, is_parquet, parquet_file, part_name, part_records, plan_file, whole_plan
from .tables import Table, strip_compression

__all__ = ["MANIFEST", "OUTPUT_FORMATS", "SCHEDULERS", "find_inputs", "output_name", "score_files",
           "score_partition"]

#: Output formats, one file per input.
OUTPUT_FORMATS = ("parquet", "csv")
#: Input file names taken from a folder (compressed text too: .gz/.xz/.lzma/.bz2).
TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".jsonl", ".json", ".ndjson")
SCORED = ".scored"

# path, size, mtime_ns, lang -> open scorer: one model load per worker process
_SCORERS: dict = {}


def _is_input(path: Path) -> bool:
    name = strip_compression(path.name.lower())
    return not name.startswith(".") and (name.endswith(TEXT_SUFFIXES) or path.name.lower().endswith(PARQUET_SUFFIX))


def find_inputs(spec, out_dir=None, exclude=None) -> list:
    """The input files of ``--input``: one file, a folder (its files in a known format) or a
    glob, sorted; files inside ``out_dir`` (earlier outputs) and ``exclude`` (the combined
    output) are left out."""
    spec = str(spec)
    path = Path(spec)
    if path.is_dir():
        files = [p for p in path.iterdir() if p.is_file() and _is_input(p)]
    elif path.is_file():
        files = [path]
    else:
        files = [Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file()]
    if out_dir is not None:
        out = Path(out_dir).resolve()
        files = [p for p in files if p.resolve().parent != out]
    if exclude is not None:
        files = [p for p in files if p.resolve() != Path(exclude).resolve()]
    if not files:
        raise ResourceNotFoundError(f"--input {spec}: no input file (CSV, TSV, JSON lines or Parquet) matches")
    return sorted(files)


def output_name(path, output_format: str) -> str:
    """``reviews.csv.gz`` -> ``reviews.scored.parquet``."""
    stem = Path(strip_compression(Path(path).name)).stem
    return f"{stem}{SCORED}.{output_format}"


def _check_pyarrow(files, output_format):
    """A missing pyarrow stops here, once, before the output folder is made (not once per file):
    when Parquet is written, or an input is Parquet."""
    from .writers import _pyarrow

    if output_format == "parquet":
        _pyarrow("writing")
    if any(is_parquet(f) for f in files):
        _pyarrow("reading")


def _check_names(files, output_format):
    seen = {}
    for f in files:
        name = output_name(f, output_format)
        if name in seen:
            raise ConfigError(f"--input: {seen[name]} and {f} would both be written to {name}; "
                              f"rename one of them or score them separately")
        seen[name] = f


def _columns(path, text_column):
    """The input columns of a whole file, its text column checked."""
    from .scoring import check_text_column

    if is_parquet(path):
        columns = list(parquet_file(path).schema_arrow.names)
        if not str(text_column).isdigit() and text_column not in columns:
            raise ConfigError(f"--text-column {text_column!r}: {path} has no such column "
                              f"(its columns: {', '.join(columns)})")
        return columns
    table = Table(path)
    check_text_column(table, text_column)
    return table.columns() or []


def _worker_scorer(model_path, lang):
    """The scorer of ``model_path``, loaded once per process and reused by every task."""
    from .predict import _open_scorer, ready

    st = os.stat(model_path)
    key = (str(Path(model_path).resolve()), st.st_size, st.st_mtime_ns, lang)
    if key not in _SCORERS:
        _SCORERS[key] = ready(_open_scorer(model_path, lang, None))
    return _SCORERS[key]


def open_model(model_path, lang):
    """Open the scorer of ``model_path`` where tasks run (:func:`_worker_scorer`; the model
    stays there): None, or why it cannot be opened, an :class:`XprojError`."""
    try:
        _worker_scorer(model_path, lang)
    except XprojError as exc:
        return exc
    except ImportError as exc:  # an extra not installed there; the message says which
        return XprojError(str(exc))
    except OSError as exc:  # e.g. a path the workers cannot read
        return XprojError(f"--model {model_path}: cannot be opened: {one_line(exc)}")
    return None


def score_partition(model_path, lang, input_path, output_path, *, text_column="text", chunk_size=5000,
                    part=None, header=None, columns=None) -> dict:
    """Score one input file, or one part of it (:mod:`xproj.partitions`), into ``output_path``
    (atomically); runs on a worker. ``columns``: the whole file's (found here when None).

    Returns
    -------
    dict
        ``rows_in``, ``rows_out``, ``not_scored``, ``output_size``, ``seconds``, ``pid``.
    """
    from .predict import score_table

    start = time.perf_counter()
    if columns is None:
        columns = _columns(input_path, text_column)
    records = part_records(input_path, part or whole_plan()["parts"][0], header)
    scorer = _worker_scorer(model_path, lang)
    tally = score_table(scorer, records, output_path, text_column=text_column, kept=columns, chunk_size=chunk_size)
    return {"rows_in": tally["rows_in"], "rows_out": tally["rows_out"], "not_scored": tally["not_scored"],
            "output_size": Path(output_path).stat().st_size, "seconds": time.perf_counter() - start,
            "pid": os.getpid()}


def score_files(model_path, inputs, out_dir=None, *, scheduler="local:2", lang, text_column="text",
                output_format="parquet", chunk_size=5000, rows_per_task=None, output_file=None,
                progress=False, log=None) -> dict:
    """Score every input file into ``out_dir``, one task per file (or per part of a file),
    skipping finished ones.

    Parameters
    ----------
    inputs : str or Path
        One file, a folder or a glob of CSV/TSV/JSON-lines (compressed too) or Parquet files.
    out_dir : str or Path, optional
        The folder of scored parts and the manifest; default ``<output_file>.parts``.
    scheduler : str or None
        ``local``, ``local:N`` or ``tcp://HOST:PORT``; None scores the files one after the
        other in this process (no Dask).
    rows_per_task : int, optional
        Cut files of more rows into parts of about that many rows, each its own task
        (:mod:`xproj.partitions`: Parquet by row groups, uncompressed text at record starts;
        compressed text is never cut). Default: one task per file.
    output_file : str or Path, optional
        Also write every row, in input order, to this one file (``.parquet``, else CSV; the
        parts are written in its format), atomically, once every part is scored.
    progress : bool
        A progress bar over tasks; ``log`` (a callable taking one line) gets the dashboard link.

    Returns
    -------
    dict
        ``files``, ``tasks``, ``skipped`` and ``scored`` (tasks), ``rows`` (scored in this run),
        ``not_scored``, ``seconds``, ``rows_per_s``, ``failed`` (``[(input, one-line reason)]``),
        ``manifest``, ``output_file``.
    """
    from ._cluster import check_scheduler
    from .predict import check_lang
    from .scoring import check_chunk_size, check_distinct, check_output, check_output_folder

    check_lang(lang, identifier=False)  # the identifier of --lang auto is checked where the tasks run
    local_workers = check_scheduler(scheduler) if scheduler is not None else None
    check_chunk_size(chunk_size)
    if rows_per_task is not None:
        check_chunk_size(rows_per_task, "--rows-per-task")
    if output_file is not None:
        check_output(output_file, "--output-file")
        output_format = output_format_of(output_file)
        out_dir = Path(f"{output_file}.parts") if out_dir is None else out_dir
    if out_dir is None:
        raise ConfigError("--output-dir: give the folder of scored files (or --output-file)")
    if output_format not in OUTPUT_FORMATS:
        raise ConfigError(f"--output-format {output_format}: expected one of {', '.join(OUTPUT_FORMATS)}")
    model_path = Path(model_path)
    if not model_path.exists():
        raise ResourceNotFoundError(f"--model {model_path}: no such file")
    if output_file is not None:
        check_distinct(output_file, model_path, "--output-file", "--model")
        if Path(inputs).is_file():  # (a folder or glob leaves the combined output of a past run out)
            check_distinct(output_file, inputs, "--output-file", "--input")
    out_dir = check_output_folder(out_dir, "--output-dir")
    files = find_inputs(inputs, out_dir, exclude=output_file)
    _check_names(files, output_format)
    if scheduler is None or local_workers is not None:  # the tasks run with this environment's packages
        _check_pyarrow(files, output_format)
    kwargs = {"text_column": text_column, "chunk_size": chunk_size}
    totals = {"rows": 0, "not_scored": 0, "failed": [], "tasks": 0, "todo": 0}
    start = time.perf_counter()
    with executor(scheduler, log) as run:  # an address that does not answer stops here
        # The model opened once where the tasks run (and kept there for them), before anything is
        # read or written: a --lang the model lacks, or a model the workers cannot load, stops
        # here with one line (exit 2 or 1), not once per file.
        run.once(open_model, str(model_path), lang)
        out_dir.mkdir(parents=True, exist_ok=True)
        manifest = Manifest(out_dir, {"model_sha256": model_sha256(model_path), "lang": lang,
                                      "text_column": text_column})
        identities, n_files = {}, len(files)
        for f in files:
            try:
                identities[f] = identity(f)
            except OSError as exc:  # unreadable: that file fails alone
                totals["failed"].append((str(f), f"cannot read it ({exc.strerror or exc})"))
        files = [f for f in files if f in identities]
        plans = {f: manifest.plan(f, identities[f], rows_per_task) if rows_per_task else whole_plan() for f in files}
        calls = [(f, (str(f), rows_per_task, text_column), {}) for f, plan in plans.items() if plan is None]
        for f, plan in run(plan_file, calls, "plan", False):
            if isinstance(plan, BaseException):  # e.g. not in its format: the file fails alone
                totals["failed"].append((str(f), one_line(plan)))
                plans.pop(f)
            else:
                plans[f] = plan
        tasks = _tasks(files, plans, identities, out_dir, output_format, manifest, rows_per_task)
        failed_plans = len(totals["failed"])
        todo = [t for t in tasks if not manifest.is_done(t[0], identities[t[1]], t[2])]
        totals["tasks"], totals["todo"] = len(tasks), len(todo)
        calls = [(t, (str(model_path), lang, str(t[1]), str(t[2])),
                  {**kwargs, "part": t[3], "header": t[4], "columns": t[5]}) for t in todo]
        for (key, inp, out, *_), result in run(score_partition, calls, "score", progress):
            if isinstance(result, BaseException):
                totals["failed"].append((str(inp), one_line(result)))
                continue
            manifest.record(key, inp, identities[inp], out, result)
            totals["rows"] += result["rows_out"]
            totals["not_scored"] += result["not_scored"]
    manifest.flush()
    if output_file is not None and not totals["failed"]:
        combine([t[2] for t in tasks], output_file)
    seconds = time.perf_counter() - start
    failed_tasks = len(totals["failed"]) - failed_plans
    return {"files": n_files, "tasks": totals["tasks"], "skipped": totals["tasks"] - totals["todo"],
            "scored": totals["todo"] - failed_tasks, "rows": totals["rows"], "not_scored": totals["not_scored"],
            "failed": totals["failed"], "seconds": seconds,
            "rows_per_s": totals["rows"] / seconds if seconds > 0 else 0.0, "manifest": str(manifest.path),
            "output_file": None if output_file is None or totals["failed"] else str(output_file)}


def _tasks(files, plans, identities, out_dir, output_format, manifest, rows_per_task):
    """``(key, input, output, part, header, columns)`` of every part of every planned file, in input order."""
    tasks = []
    for f in files:
        plan = plans.get(f)
        if plan is None:
            continue
        parts, resolved = plan["parts"], str(Path(f).resolve())
        keys = [resolved if len(parts) == 1 else f"{resolved}#{i + 1}/{len(parts)}" for i in range(len(parts))]
        manifest.set_plan(f, identities[f], rows_per_task, plan, keys)
        name = output_name(f, output_format)
        tasks += [(key, f, out_dir / part_name(name, i, len(parts)), part, plan["header"], plan["columns"])
                  for i, (key, part) in enumerate(zip(keys, parts))]
    return tasks


def run_from_args(args) -> int:
    """``xproj predict`` with ``--scheduler``, ``--output-dir`` or ``--output-file``."""
    import sys

    from .scoring import check_chunk_size

    if args.rows_per_task is not None:
        check_chunk_size(args.rows_per_task, "--rows-per-task")
    if args.output_dir is None and args.output_file is None:
        option = "--scheduler" if args.scheduler is not None else "--rows-per-task"
        raise ConfigError(f"{option}: give --output-dir (the folder of scored files and the manifest) "
                          f"or --output-file")
    for option, value in (("--output", args.output), ("--adapt-on", args.adapt_on), ("--format", args.format),
                          ("--keep-columns", args.keep_columns)):
        if value is not None:
            raise ConfigError(f"{option}: not available with --scheduler/--output-dir/--output-file (each file "
                              f"keeps all its columns; adapt the model first with xproj adapt)")
    if args.output_file is not None and args.output_format is not None and \
            args.output_format != output_format_of(args.output_file):
        raise ConfigError(f"--output-format {args.output_format}: --output-file {args.output_file} is "
                          f"{output_format_of(args.output_file)} (the parts are written in its format)")
    summary = score_files(args.model, args.input, args.output_dir, scheduler=args.scheduler, lang=args.lang,
                          text_column=args.text_column, output_format=args.output_format or "parquet",
                          chunk_size=args.chunk_size, rows_per_task=args.rows_per_task,
                          output_file=args.output_file, progress=not args.quiet and sys.stderr.isatty(),
                          log=None if args.quiet else lambda line: print(line, file=sys.stderr))
    parts = f", {summary['tasks']} tasks" if summary["tasks"] != summary["files"] else ""
    where = summary["output_file"] or Path(summary["manifest"]).parent
    print(f"{summary['files']} files{parts} ({summary['skipped']} already done, {summary['scored']} scored, "
          f"{len(summary['failed'])} failed), {summary['rows']} rows, {summary['rows_per_s']:.0f} rows/s, "
          f"{summary['not_scored']} rows not scored -> {where}")
    for inp, why in summary["failed"]:
        print(why if why.startswith(inp) else f"{inp}: {why}", file=sys.stderr)  # one line naming the file
    return 1 if summary["failed"] else 0
