"""Cut one input file into row ranges scored as separate tasks (``--rows-per-task``).

A *plan* says how a file is cut: its parts, each a run of consecutive rows that starts on a
record boundary, with what a worker needs to read that run alone (the byte offset and line of
its first record for text, the row groups for Parquet), the row number of its first row, and
the file's columns (so that every part keeps the same columns as one process would). A part
is read by the reader of :mod:`xproj.tables` itself, started at the part's first record, and
its rows are numbered as in the whole file: the parts' outputs, in order, are row for row
what ``xproj predict`` writes for the whole file.

What can be cut:

* Parquet: at row-group boundaries (parts of whole row groups; metadata only, no read);
* uncompressed UTF-8 CSV/TSV/JSON lines: at record starts found by one reading pass with the
  real parser (quoted line breaks, malformed quotes, blank lines are where the whole-file
  read puts them), costing a parse but no tokenising or scoring; a JSON line that starts with
  ``[`` never starts a part (one line holding an array may be read as a whole-file array);
  a file that is one JSON array is not cut;
* compressed text (.gz/.xz/.bz2) is not cut: these streams cannot be entered in the middle
  without decompressing everything before (no seek index), so a part would cost as much as
  the whole file before it. Such a file is one task; split it upstream to parallelise it.

Examples
--------
>>> plan = plan_file("big.csv", rows_per_task=100_000)                # doctest: +SKIP
>>> [(p["start_row"], p["n_rows"]) for p in plan["parts"]]             # doctest: +SKIP
[(1, 100000), (100001, 100000), (100002, 7331)]
"""

from __future__ import annotations

import codecs
import io
from collections import deque
from itertools import chain, islice
from pathlib import Path

from .errors import InputFormatError
from .tables import SNIFF_ROWS, Record, Table, infer_format, iter_records, strip_compression

__all__ = ["PARQUET_SUFFIX", "is_parquet", "parquet_file", "part_name", "part_records", "plan_file", "whole_plan"]

PARQUET_SUFFIX = ".parquet"
#: Parquet rows read at a time on a worker.
PARQUET_BATCH = 5000


def is_parquet(path) -> bool:
    return Path(path).name.lower().endswith(PARQUET_SUFFIX)


def _damaged_parquet(path, exc) -> InputFormatError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0].split(". ")[0].rstrip(".")
    return InputFormatError(path, f"not a readable Parquet file ({first}); is it complete, and Parquet?")


def parquet_file(path):
    """``pyarrow.parquet.ParquetFile`` of ``path``; a file that is not Parquet, or whose footer
    is damaged (a truncated copy, an empty file), is one :class:`InputFormatError` naming it."""
    from .writers import _pyarrow

    pa, pq = _pyarrow("reading")
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:  # ArrowInvalid: no magic bytes, 0 bytes, bad footer
        raise _damaged_parquet(path, exc) from None


def whole_plan() -> dict:
    """The plan of a file scored as one task (its columns found by the task)."""
    return {"parts": [{"start_row": 1, "n_rows": None}], "columns": None, "rows": None, "header": None}


def part_name(output_name: str, index: int, n_parts: int) -> str:
    """``a.scored.parquet`` -> ``a.part-00002-of-00005.scored.parquet`` (unchanged for one part)."""
    if n_parts == 1:
        return output_name
    stem, _, rest = output_name.partition(".scored.")
    return f"{stem}.part-{index + 1:05d}-of-{n_parts:05d}.scored.{rest}"


def plan_file(path, rows_per_task=None, text_column="text") -> dict:
    """How to cut ``path`` into parts of about ``rows_per_task`` rows (see the module's docstring).

    Returns
    -------
    dict
        ``parts`` (each ``start_row``, ``n_rows`` and ``offset``/``line`` or ``row_groups``),
        ``columns`` (None: found by the task), ``rows`` (None when not counted), ``header``
        (the CSV/TSV header line, given to the parts after the first).
    """
    if rows_per_task is None:
        return whole_plan()
    if is_parquet(path):
        return _parquet_plan(path, rows_per_task)
    if strip_compression(Path(path).name) != Path(path).name:
        return whole_plan()
    return _text_plan(path, rows_per_task, text_column)


def _parquet_plan(path, rows_per_task):
    pf = parquet_file(path)
    meta = pf.metadata
    parts, start, groups, n = [], 1, [], 0
    for g in range(meta.num_row_groups):
        groups.append(g)
        n += meta.row_group(g).num_rows
        if n >= rows_per_task:
            parts.append({"start_row": start, "n_rows": n, "row_groups": groups})
            start, groups, n = start + n, [], 0
    if groups or not parts:
        parts.append({"start_row": start, "n_rows": n, "row_groups": groups})
    return {"parts": parts, "columns": list(pf.schema_arrow.names), "rows": meta.num_rows, "header": None}


def _text_plan(path, rows_per_task, text_column):
    """One pass of the real parser over the file, noting the byte offset of a record start
    every ``rows_per_task`` rows."""
    from .scoring import check_text_column

    table = Table(path)
    check_text_column(table, text_column)
    fmt = infer_format(path)
    with open(path, "rb") as raw:
        pos = len(codecs.BOM_UTF8) if raw.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8 else 0
        raw.seek(pos)
        stream = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")
        seen = deque()  # (line, offset, starts with "[") of the lines read since the last record's start
        state = {"line": 0, "pos": pos, "header": None}

        def lines():
            for line in stream:
                state["line"] += 1
                seen.append((state["line"], state["pos"], line.lstrip().startswith("[")))
                state["pos"] += len(line.encode("utf-8", "surrogateescape"))
                if state["header"] is None and line.strip():
                    state["header"] = line
                yield line

        parts, head, columns, rows = [], [], {}, 0
        for rec in iter_records(lines(), fmt, path=path):
            rows += 1
            if len(head) < SNIFF_ROWS:
                head.append(rec)
                if len(head) == SNIFF_ROWS:
                    table._check_format(head)
            if rec.line is None:  # one JSON array: not cut
                return whole_plan()
            while seen[0][0] < rec.line:
                seen.popleft()
            if isinstance(rec.fields, dict):
                columns.update(dict.fromkeys(map(str, rec.fields)))
            before = rows - parts[-1]["start_row"] if parts else 0
            if not parts or before >= rows_per_task and not (fmt == "jsonl" and seen[0][2]):
                if parts:
                    parts[-1]["n_rows"] = before
                parts.append({"start_row": rows, "n_rows": None, "offset": seen[0][1], "line": rec.line})
        if len(head) < SNIFF_ROWS:
            table._check_format(head)
    if len(parts) <= 1:  # read whole, as one process would
        return {**whole_plan(), "columns": list(columns) if fmt == "jsonl" else table.columns(), "rows": rows}
    parts[-1]["n_rows"] = rows - parts[-1]["start_row"] + 1
    header = None if fmt == "jsonl" else state["header"]
    return {"parts": parts, "columns": list(columns) if fmt == "jsonl" else table.columns(), "rows": rows,
            "header": header}


def part_records(path, part: dict, header=None):
    """The records of one part of a plan (``header``: the plan's), numbered (rows and lines)
    as in the whole file; a part without ``offset`` or ``row_groups`` is the whole file."""
    if is_parquet(path):
        return _parquet_records(path, part.get("row_groups"), part["start_row"])
    if "offset" not in part:
        return iter(Table(path))
    return _text_part(path, header, part)


def _parquet_records(path, row_groups, start_row):
    """Records of a Parquet file (or of some of its row groups); a Parquet row is never unreadable,
    but damaged data (a page that does not decode) stops the file with one :class:`InputFormatError`."""
    from .writers import _pyarrow

    pa, _ = _pyarrow("reading")
    row = start_row - 1
    batches = parquet_file(path).iter_batches(batch_size=PARQUET_BATCH, row_groups=row_groups)
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as exc:  # e.g. "Index not in dictionary bounds"
            raise _damaged_parquet(path, exc) from None
        if batch is None:
            return
        for fields in batch.to_pylist():
            row += 1
            yield Record(row, None, fields)


def _text_part(path, header, part):
    fmt = infer_format(path)
    with open(path, "rb") as raw:
        raw.seek(part["offset"])
        stream = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")
        lines = stream if header is None else chain([header], stream)
        first_line = part["line"] - (0 if header is None else 1)  # the header is put just before
        records = iter_records(lines, fmt, header=header is not None, path=path, first_line=first_line)
        for rec in islice(records, part["n_rows"]):
            yield Record(rec.row + part["start_row"] - 1, rec.line, rec.fields, rec.error, rec.end_line)
