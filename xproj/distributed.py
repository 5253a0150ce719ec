"""Score many files on a Dask cluster (``xproj predict --scheduler``), resumably.

A partition is one input file: each file is one task, read, tokenised, featurised and
scored on a worker by the single-process scorer's own code (:func:`xproj.predict.score_table`),
and written atomically (temporary + rename) to ``<stem>.scored.parquet`` (or ``.csv``) in the
output folder, with the input's columns and the scorer's (label, probability, ``p_<class>``,
coverage, error); rows out equal rows in, and unreadable rows are kept with their reason.

The model reaches each worker once: a worker opens the model file from its path (which must
be readable on every worker) and keeps it in a per-process cache keyed by path, size and
modification time; tasks carry only the path, never the model.

``_manifest.json`` in the output folder (written atomically after each finished file) records
per input its size and modification time, the model's sha256, the options and the row
counts, and the output's name and size. Running again skips the inputs whose entry matches
and whose output is there with that size; everything else (new, changed or failed inputs, a
file whose worker died, a missing output) is scored again. A temporary left by a killed
worker never counts: only the renamed output, recorded in the manifest, does.

Examples
--------
>>> summary = score_files("runs/demo/model-es.joblib", "reviews/", "scored/",   # doctest: +SKIP
...                       scheduler="local:2", lang="es")
>>> summary["files"], summary["rows"], summary["skipped"]                      # doctest: +SKIP
(4, 120000, 0)
"""

from __future__ import annotations

import glob
import json
import os
import time
from pathlib import Path

from ._io import atomic_write, file_sha256
from .errors import ConfigError, ResourceNotFoundError, XprojError
from .tables import Record, Table, strip_compression

__all__ = ["MANIFEST", "OUTPUT_FORMATS", "SCHEDULERS", "find_inputs", "output_name", "score_files",
           "score_partition"]

#: ``--scheduler`` forms: a local cluster of N worker processes (default: one per core), or
#: the address of a running Dask scheduler.
SCHEDULERS = ("local", "local:N", "tcp://HOST:PORT")
#: Output formats, one file per input.
OUTPUT_FORMATS = ("parquet", "csv")
#: Input file names taken from a folder (compressed text too: .gz/.xz/.lzma/.bz2).
TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".jsonl", ".json", ".ndjson")
PARQUET_SUFFIX = ".parquet"
MANIFEST = "_manifest.json"
SCORED = ".scored"
#: Parquet rows read at a time on a worker.
PARQUET_BATCH = 5000

# path, size, mtime_ns, lang -> open scorer: one model load per worker process
_SCORERS: dict = {}


def _is_input(path: Path) -> bool:
    name = strip_compression(path.name.lower())
    return not name.startswith(".") and (name.endswith(TEXT_SUFFIXES) or path.name.lower().endswith(PARQUET_SUFFIX))


def find_inputs(spec, out_dir=None) -> list:
    """The input files of ``--input``: one file, a folder (its files in a known format) or a
    glob, sorted; files inside ``out_dir`` (earlier outputs) are left out."""
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
    if not files:
        raise ResourceNotFoundError(f"--input {spec}: no input file (CSV, TSV, JSON lines or Parquet) matches")
    return sorted(files)


def output_name(path, output_format: str) -> str:
    """``reviews.csv.gz`` -> ``reviews.scored.parquet``."""
    stem = Path(strip_compression(Path(path).name)).stem
    return f"{stem}{SCORED}.{output_format}"


def _check_names(files, output_format):
    seen = {}
    for f in files:
        name = output_name(f, output_format)
        if name in seen:
            raise ConfigError(f"--input: {seen[name]} and {f} would both be written to {name}; "
                              f"rename one of them or score them separately")
        seen[name] = f


def _identity(path) -> dict:
    st = Path(path).stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _parquet_records(path):
    """Records of a Parquet file, numbered from 1 (a Parquet row is never unreadable)."""
    from .writers import _pyarrow

    _, pq = _pyarrow()
    row = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH):
        for fields in batch.to_pylist():
            row += 1
            yield Record(row, None, fields)


def _open_records(path, text_column):
    """``(records, columns)`` of one input file, its text column checked."""
    from .scoring import check_text_column

    if Path(path).name.lower().endswith(PARQUET_SUFFIX):
        from .writers import _pyarrow

        _, pq = _pyarrow()
        columns = list(pq.read_schema(path).names)
        if not str(text_column).isdigit() and text_column not in columns:
            raise ConfigError(f"--text-column {text_column!r}: {path} has no such column "
                              f"(its columns: {', '.join(columns)})")
        return _parquet_records(path), columns
    table = Table(path)
    check_text_column(table, text_column)
    return table, table.columns() or []


def _worker_scorer(model_path, lang):
    """The scorer of ``model_path``, loaded once per process and reused by every task."""
    from .predict import _open_scorer

    st = os.stat(model_path)
    key = (str(Path(model_path).resolve()), st.st_size, st.st_mtime_ns, lang)
    if key not in _SCORERS:
        _SCORERS[key] = _open_scorer(model_path, lang, None)
    return _SCORERS[key]


def score_partition(model_path, lang, input_path, output_path, *, text_column="text", chunk_size=5000) -> dict:
    """Score one input file into ``output_path`` (atomically); runs on a worker.

    Returns
    -------
    dict
        ``rows_in``, ``rows_out``, ``not_scored``, ``output_size``, ``seconds``, ``pid``.
    """
    from .predict import score_table

    start = time.perf_counter()
    records, columns = _open_records(input_path, text_column)
    scorer = _worker_scorer(model_path, lang)
    tally = score_table(scorer, records, output_path, text_column=text_column, kept=columns, chunk_size=chunk_size)
    return {"rows_in": tally["rows_in"], "rows_out": tally["rows_out"], "not_scored": tally["not_scored"],
            "output_size": Path(output_path).stat().st_size, "seconds": time.perf_counter() - start,
            "pid": os.getpid()}


class Manifest:
    """``_manifest.json``: what is done, per input (see the module's docstring)."""

    def __init__(self, out_dir, settings: dict):
        self.path = Path(out_dir) / MANIFEST
        self.settings = settings
        self.entries = {}
        if self.path.is_file():
            try:
                self.entries = json.loads(self.path.read_text(encoding="utf-8")).get("inputs", {})
            except (ValueError, AttributeError):  # unreadable: everything is redone
                self.entries = {}

    def is_done(self, input_path, output_path) -> bool:
        entry = self.entries.get(str(Path(input_path).resolve()))
        if not entry or {k: entry.get(k) for k in self.settings} != self.settings:
            return False
        if {k: entry.get(k) for k in ("size", "mtime_ns")} != _identity(input_path):
            return False
        out = Path(output_path)
        return out.name == entry.get("output") and out.is_file() and out.stat().st_size == entry.get("output_size")

    def record(self, input_path, output_path, result: dict):
        self.entries[str(Path(input_path).resolve())] = {
            "input": str(input_path), **_identity(input_path), **self.settings,
            "rows_in": result["rows_in"], "rows_out": result["rows_out"], "not_scored": result["not_scored"],
            "output": Path(output_path).name, "output_size": result["output_size"]}
        with atomic_write(self.path, "w") as f:
            json.dump({"inputs": self.entries}, f, indent=1, sort_keys=True)


def _bokeh() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


def _has_dashboard(client) -> bool:
    """A remote scheduler's dashboard is its own business; a local one needs bokeh here
    (without it the link would lead to a 404 page)."""
    return getattr(client, "cluster", None) is None or _bokeh()


def connect(scheduler: str):
    """A ``distributed.Client`` for a ``--scheduler`` value (see :data:`SCHEDULERS`)."""
    value = str(scheduler).strip()
    head, sep, n = value.partition(":")
    local = head == "local" and (not sep or n.isdigit() and int(n) >= 1)
    if not local and not value.startswith("tcp://"):
        raise ConfigError(f"--scheduler {scheduler}: expected one of {', '.join(SCHEDULERS)}")
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("--scheduler: needs Dask: pip install 'xproj[cluster]'") from None
    if local:
        dashboard = ":0" if _bokeh() else None
        cluster = LocalCluster(n_workers=int(n) if sep else os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, host="127.0.0.1", dashboard_address=dashboard)
        return Client(cluster)
    try:
        return Client(value, timeout="10s")
    except OSError as exc:
        raise ConfigError(f"--scheduler {scheduler}: cannot reach the scheduler ({exc}); "
                          f"is `dask scheduler` running there?") from None


def score_files(model_path, inputs, out_dir, *, scheduler="local:2", lang, text_column="text",
                output_format="parquet", chunk_size=5000, progress=False, log=None) -> dict:
    """Score every input file into ``out_dir``, one task per file, skipping finished ones.

    Parameters
    ----------
    inputs : str or Path
        One file, a folder or a glob of CSV/TSV/JSON-lines (compressed too) or Parquet files.
    scheduler : str or None
        ``local``, ``local:N`` or ``tcp://HOST:PORT``; None scores the files one after the
        other in this process (no Dask).
    progress : bool
        A progress bar over files; ``log`` (a callable taking one line) gets the dashboard link.

    Returns
    -------
    dict
        ``files``, ``skipped``, ``scored``, ``rows`` (scored in this run), ``not_scored``,
        ``seconds``, ``rows_per_s``, ``failed`` (``[(input, one-line reason)]``), ``manifest``.
    """
    from .scoring import check_chunk_size

    check_chunk_size(chunk_size)
    if output_format not in OUTPUT_FORMATS:
        raise ConfigError(f"--output-format {output_format}: expected one of {', '.join(OUTPUT_FORMATS)}")
    model_path = Path(model_path)
    if not model_path.is_file():
        raise ResourceNotFoundError(f"--model {model_path}: no such file")
    out_dir = Path(out_dir)
    files = find_inputs(inputs, out_dir)
    _check_names(files, output_format)
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = {"model_sha256": file_sha256(model_path), "lang": lang, "text_column": text_column}
    manifest = Manifest(out_dir, settings)
    todo = [(f, out_dir / output_name(f, output_format)) for f in files]
    todo = [(f, o) for f, o in todo if not manifest.is_done(f, o)]
    kwargs = {"text_column": text_column, "chunk_size": chunk_size}
    start = time.perf_counter()
    results = (_run_local if scheduler is None else _run_cluster)(model_path, lang, todo, kwargs, progress, log,
                                                                 scheduler)
    totals = {"rows": 0, "not_scored": 0, "failed": []}
    for (inp, out), result in results:
        if isinstance(result, BaseException):
            totals["failed"].append((str(inp), _one_line(result)))
            continue
        manifest.record(inp, out, result)
        totals["rows"] += result["rows_out"]
        totals["not_scored"] += result["not_scored"]
    seconds = time.perf_counter() - start
    return {"files": len(files), "skipped": len(files) - len(todo), "scored": len(todo) - len(totals["failed"]),
            **totals, "seconds": seconds, "rows_per_s": totals["rows"] / seconds if seconds > 0 else 0.0,
            "manifest": str(manifest.path)}


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__) if isinstance(exc, XprojError) else \
        f"{type(exc).__name__}: {text[0] if text else ''}"


def _bar(progress, total):
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="predict")


def _run_local(model_path, lang, todo, kwargs, progress, log, _scheduler):
    """Each file in turn in this process; yields ``((input, output), result or exception)``."""
    bar = _bar(progress, len(todo))
    for inp, out in todo:
        try:
            result = score_partition(model_path, lang, inp, out, **kwargs)
        except (XprojError, OSError) as exc:
            result = exc
        if bar:
            bar.update()
        yield (inp, out), result
    if bar:
        bar.close()


def _run_cluster(model_path, lang, todo, kwargs, progress, log, scheduler):
    """One task per file on the cluster; yields results as tasks finish."""
    client = connect(scheduler)
    try:
        if log and _has_dashboard(client):
            log(f"Dask dashboard: {client.dashboard_link}")
        if not todo:
            return
        from distributed import as_completed

        futures = {client.submit(score_partition, str(model_path), lang, str(inp), str(out), **kwargs,
                                 key=f"xproj-score-{i}-{Path(inp).name}", pure=False): (inp, out)
                   for i, (inp, out) in enumerate(todo)}
        bar = _bar(progress, len(todo))
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # a bad file, or a worker lost too often: that file is redone next run
                result = exc
            if bar:
                bar.update()
            yield futures[future], result
        if bar:
            bar.close()
    finally:
        cluster = client.cluster if hasattr(client, "cluster") else None
        client.close()
        if cluster is not None:
            cluster.close()


def run_from_args(args) -> int:
    """``xproj predict`` with ``--scheduler`` or ``--output-dir``."""
    import sys

    if args.output_dir is None:
        raise ConfigError("--scheduler: give --output-dir (the folder of scored files and the manifest)")
    for option, value in (("--output", args.output), ("--adapt-on", args.adapt_on), ("--format", args.format),
                          ("--keep-columns", args.keep_columns)):
        if value is not None:
            raise ConfigError(f"{option}: not available with --scheduler/--output-dir (each file keeps all "
                              f"its columns; adapt the model first with xproj adapt)")
    summary = score_files(args.model, args.input, args.output_dir, scheduler=args.scheduler, lang=args.lang,
                          text_column=args.text_column, output_format=args.output_format,
                          chunk_size=args.chunk_size, progress=not args.quiet and sys.stderr.isatty(),
                          log=None if args.quiet else lambda line: print(line, file=sys.stderr))
    print(f"{summary['files']} files ({summary['skipped']} already done, {summary['scored']} scored, "
          f"{len(summary['failed'])} failed), {summary['rows']} rows, {summary['rows_per_s']:.0f} rows/s, "
          f"{summary['not_scored']} rows not scored -> {args.output_dir}")
    for inp, why in summary["failed"]:
        print(f"{inp}: {why}", file=sys.stderr)
    return 1 if summary["failed"] else 0
