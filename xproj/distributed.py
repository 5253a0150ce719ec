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
from .combine import combine, output_format_of
from .partitions import PARQUET_SUFFIX, is_parquet, part_name, part_records, plan_file, whole_plan
from .tables import Table, strip_compression

__all__ = ["MANIFEST", "OUTPUT_FORMATS", "SCHEDULERS", "find_inputs", "output_name", "score_files",
           "score_partition"]

#: ``--scheduler`` forms: a local cluster of N worker processes (default: one per core), or
#: the address of a running Dask scheduler.
SCHEDULERS = ("local", "local:N", "tcp://HOST:PORT")
#: Output formats, one file per input.
OUTPUT_FORMATS = ("parquet", "csv")
#: Input file names taken from a folder (compressed text too: .gz/.xz/.lzma/.bz2).
TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".jsonl", ".json", ".ndjson")
MANIFEST = "_manifest.json"
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


def _check_names(files, output_format):
    seen = {}
    for f in files:
        name = output_name(f, output_format)
        if name in seen:
            raise ConfigError(f"--input: {seen[name]} and {f} would both be written to {name}; "
                              f"rename one of them or score them separately")
        seen[name] = f


def _model_sha256(path) -> str:
    """The model's identity: its file's sha256, or for a folder of models (``--lang auto``)
    the sha256 of its ``*.joblib`` files' names and sha256s."""
    path = Path(path)
    if not path.is_dir():
        return file_sha256(path)
    import hashlib

    digest = hashlib.sha256()
    for f in sorted(path.glob("*.joblib")):
        digest.update(f"{f.name}\0{file_sha256(f)}\n".encode())
    return digest.hexdigest()


def _identity(path) -> dict:
    st = Path(path).stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _columns(path, text_column):
    """The input columns of a whole file, its text column checked."""
    from .scoring import check_text_column

    if is_parquet(path):
        from .writers import _pyarrow

        _, pq = _pyarrow()
        columns = list(pq.read_schema(path).names)
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


class Manifest:
    """``_manifest.json``: what is done, per input part, and how each input was cut (see the
    module's docstring). Written atomically at most once a second while a job runs (a task
    finished since is redone by the next run if this one dies), and at the end."""

    FLUSH_SECONDS = 1.0

    def __init__(self, out_dir, settings: dict):
        self.path = Path(out_dir) / MANIFEST
        self.settings = settings
        self.entries, self.plans, self._flushed, self._dirty = {}, {}, time.monotonic(), False
        if self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries, self.plans = dict(data.get("inputs", {})), dict(data.get("plans", {}))
            except (ValueError, AttributeError):  # unreadable: everything is redone
                self.entries, self.plans = {}, {}

    def plan(self, input_path, rows_per_task):
        """The cached plan of an unchanged input cut the same way, or None."""
        cached = self.plans.get(str(Path(input_path).resolve()))
        if cached and cached.get("rows_per_task") == rows_per_task and \
                {k: cached.get(k) for k in ("size", "mtime_ns")} == _identity(input_path):
            return cached["plan"]
        return None

    def set_plan(self, input_path, rows_per_task, plan, keys):
        """Keep ``plan``, and forget the parts of the input that are not in it (their outputs removed)."""
        resolved = str(Path(input_path).resolve())
        self.plans[resolved] = {**_identity(input_path), "rows_per_task": rows_per_task, "plan": plan}
        for key in [k for k, e in self.entries.items() if e.get("resolved", k) == resolved and k not in keys]:
            stale = self.path.parent / self.entries.pop(key)["output"]
            stale.unlink(missing_ok=True)
        self._dirty = True

    def is_done(self, key, input_path, output_path) -> bool:
        entry = self.entries.get(key)
        if not entry or {k: entry.get(k) for k in self.settings} != self.settings:
            return False
        if {k: entry.get(k) for k in ("size", "mtime_ns")} != _identity(input_path):
            return False
        out = Path(output_path)
        return out.name == entry.get("output") and out.is_file() and out.stat().st_size == entry.get("output_size")

    def record(self, key, input_path, output_path, result: dict):
        self.entries[key] = {
            "input": str(input_path), "resolved": str(Path(input_path).resolve()), **_identity(input_path),
            **self.settings, "rows_in": result["rows_in"], "rows_out": result["rows_out"],
            "not_scored": result["not_scored"], "output": Path(output_path).name,
            "output_size": result["output_size"]}
        self._dirty = True
        if time.monotonic() - self._flushed >= self.FLUSH_SECONDS:
            self.flush()

    def flush(self):
        if self._dirty:
            with atomic_write(self.path, "w") as f:
                json.dump({"inputs": self.entries, "plans": self.plans}, f, indent=1, sort_keys=True)
            self._flushed, self._dirty = time.monotonic(), False


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
    from .scoring import check_chunk_size, check_output

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
    out_dir = Path(out_dir)
    files = find_inputs(inputs, out_dir, exclude=output_file)
    _check_names(files, output_format)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out_dir, {"model_sha256": _model_sha256(model_path), "lang": lang, "text_column": text_column})
    kwargs = {"text_column": text_column, "chunk_size": chunk_size}
    totals = {"rows": 0, "not_scored": 0, "failed": [], "tasks": 0, "todo": 0}
    start = time.perf_counter()
    with _executor(scheduler, log) as run:
        plans = {f: manifest.plan(f, rows_per_task) if rows_per_task else whole_plan() for f in files}
        calls = [(f, (str(f), rows_per_task, text_column), {}) for f, plan in plans.items() if plan is None]
        for f, plan in run(plan_file, calls, "plan", False):
            if isinstance(plan, BaseException):  # e.g. not in its format: the file fails alone
                totals["failed"].append((str(f), _one_line(plan)))
                plans.pop(f)
            else:
                plans[f] = plan
        tasks = _tasks(files, plans, out_dir, output_format, manifest, rows_per_task)
        failed_plans = len(totals["failed"])
        todo = [t for t in tasks if not manifest.is_done(t[0], t[1], t[2])]
        totals["tasks"], totals["todo"] = len(tasks), len(todo)
        calls = [(t, (str(model_path), lang, str(t[1]), str(t[2])),
                  {**kwargs, "part": t[3], "header": t[4], "columns": t[5]}) for t in todo]
        for (key, inp, out, *_), result in run(score_partition, calls, "score", progress):
            if isinstance(result, BaseException):
                totals["failed"].append((str(inp), _one_line(result)))
                continue
            manifest.record(key, inp, out, result)
            totals["rows"] += result["rows_out"]
            totals["not_scored"] += result["not_scored"]
    manifest.flush()
    if output_file is not None and not totals["failed"]:
        combine([t[2] for t in tasks], output_file)
    seconds = time.perf_counter() - start
    failed_tasks = len(totals["failed"]) - failed_plans
    return {"files": len(files), "tasks": totals["tasks"], "skipped": totals["tasks"] - totals["todo"],
            "scored": totals["todo"] - failed_tasks, "rows": totals["rows"], "not_scored": totals["not_scored"],
            "failed": totals["failed"], "seconds": seconds,
            "rows_per_s": totals["rows"] / seconds if seconds > 0 else 0.0, "manifest": str(manifest.path),
            "output_file": None if output_file is None or totals["failed"] else str(output_file)}


def _tasks(files, plans, out_dir, output_format, manifest, rows_per_task):
    """``(key, input, output, part, header, columns)`` of every part of every planned file, in input order."""
    tasks = []
    for f in files:
        plan = plans.get(f)
        if plan is None:
            continue
        parts, resolved = plan["parts"], str(Path(f).resolve())
        keys = [resolved if len(parts) == 1 else f"{resolved}#{i + 1}/{len(parts)}" for i in range(len(parts))]
        manifest.set_plan(f, rows_per_task, plan, keys)
        name = output_name(f, output_format)
        tasks += [(key, f, out_dir / part_name(name, i, len(parts)), part, plan["header"], plan["columns"])
                  for i, (key, part) in enumerate(zip(keys, parts))]
    return tasks


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__) if isinstance(exc, XprojError) else \
        f"{type(exc).__name__}: {text[0] if text else ''}"


def _bar(progress, total):
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="task", desc="predict")


class _Runner:
    """``run(fn, calls, name, progress)``: yields ``(tag, result or exception)`` for each
    ``(tag, args, kwargs)`` call, in this process (``client`` None) or as cluster tasks finish."""

    def __init__(self, client=None):
        self.client = client

    def __call__(self, fn, calls, name, progress):
        bar = _bar(progress, len(calls))
        for tag, result in (self._cluster if self.client is not None else self._local)(fn, calls, name):
            if bar:
                bar.update()
            yield tag, result
        if bar:
            bar.close()

    @staticmethod
    def _local(fn, calls, _name):
        for tag, args, kwargs in calls:
            try:
                yield tag, fn(*args, **kwargs)
            except (XprojError, OSError) as exc:
                yield tag, exc

    def _cluster(self, fn, calls, name):
        import uuid

        from distributed import as_completed

        token = uuid.uuid4().hex[:8]
        futures = {self.client.submit(fn, *args, **kwargs, key=f"xproj-{name}-{Path(args[2 if name == 'score' else 0]).name}"
                                      f"-{i}-{token}", pure=False): tag for i, (tag, args, kwargs) in enumerate(calls)}
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # a bad file, or a worker lost too often: that part is redone next run
                result = exc
            yield futures[future], result


class _executor:
    """A :class:`_Runner` for ``--scheduler`` (None: this process); a local cluster it
    started is closed on exit."""

    def __init__(self, scheduler, log):
        self.scheduler, self.log, self.client = scheduler, log, None

    def __enter__(self):
        if self.scheduler is not None:
            self.client = connect(self.scheduler)
            if self.log and _has_dashboard(self.client):
                self.log(f"Dask dashboard: {self.client.dashboard_link}")
        return _Runner(self.client)

    def __exit__(self, *exc):
        if self.client is not None:
            cluster = getattr(self.client, "cluster", None)
            self.client.close()
            if cluster is not None:
                cluster.close()


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
        print(f"{inp}: {why}", file=sys.stderr)
    return 1 if summary["failed"] else 0
