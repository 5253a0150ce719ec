"""One output file from the scored parts, in input order (``xproj predict --output-file``).

The parts (one per task, :mod:`xproj.distributed`) stay where they are: they are what a
re-run resumes from; the combined file is written again from them, atomically, each time.
Every part must have the same columns (the same input columns and model): a part whose
columns differ stops the combination with one line naming it. Parquet is copied row group by
row group and CSV byte for byte after each part's header, so memory stays bounded by one row
group, whatever the number of rows.

Examples
--------
>>> combine(["a.scored.parquet", "b.scored.parquet"], "all.parquet")   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from ._io import atomic_write
from .errors import ConfigError
from .partitions import parquet_file
from .writers import output_format

__all__ = ["combine", "output_format_of"]


def output_format_of(path) -> str:
    """``"parquet"`` for a name ending in ``.parquet``, else ``"csv"``.

    Raises
    ------
    ConfigError
        A name that says another format (``.jsonl``, ``.tsv``, ``.csv.gz`` ...: what ``xproj
        predict --output`` would write): the parts are combined into Parquet or plain CSV only.
    """
    fmt, compression = output_format(path)
    if fmt not in ("parquet", "csv") or compression:
        raise ConfigError(f"--output-file {path}: the scored parts are combined into Parquet (.parquet) or "
                          f"plain CSV (.csv), not {fmt}{' ' + compression if compression else ''}")
    return fmt


def combine(parts, output_file) -> None:
    """Concatenate ``parts`` (scored files, all Parquet or all CSV) into ``output_file``, atomically."""
    parts = [Path(p) for p in parts]
    (_parquet if output_format_of(output_file) == "parquet" else _csv)(parts, output_file)


def _differs(part, first, what_part, what_first):
    return ConfigError(f"--output-file: {part} has columns {what_part}, but {first} has {what_first}; "
                       f"score files with the same columns together (their parts are kept)")


def _parquet(parts, output_file):
    from .writers import _pyarrow

    _, pq = _pyarrow()
    schema = parquet_file(parts[0]).schema_arrow if parts else None
    with atomic_write(output_file, "wb") as f:
        if schema is None:
            return
        with pq.ParquetWriter(f, schema) as writer:  # closed (into the temporary) on error too
            for part in parts:
                pf = parquet_file(part)
                if not pf.schema_arrow.equals(schema):
                    raise _differs(part, parts[0], pf.schema_arrow.names, schema.names)
                for g in range(pf.num_row_groups):
                    writer.write_table(pf.read_row_group(g))


def _header_bytes(path) -> bytes:
    """The header line exactly as :mod:`xproj.writers` wrote it (a quoted name may hold a line break)."""
    with open(path, encoding="utf-8", newline="") as f:
        names = next(csv.reader(f), [])
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(names)
    return text.getvalue().encode("utf-8")


def _csv(parts, output_file):
    header = _header_bytes(parts[0]) if parts else b""
    with atomic_write(output_file, "wb") as out:
        out.write(header)
        for part in parts:
            with open(part, "rb") as f:
                if f.read(len(header)) != header:
                    raise _differs(part, parts[0], _header_bytes(part).decode().strip(), header.decode().strip())
                shutil.copyfileobj(f, out, 1 << 20)

