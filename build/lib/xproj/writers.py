"""Output tables written chunk by chunk, in the format the name says: Parquet (``.parquet``),
JSON lines (``.jsonl``, ``.ndjson``, ``.json``), TSV (``.tsv``, ``.tab``), else CSV; a text format
ending in ``.gz``, ``.xz`` or ``.bz2`` is compressed (:func:`output_format`).

Both go to a temporary file renamed on completion (:func:`xproj._io.atomic_write`): a
failure leaves no half-written output. Parquet is written one row group per chunk, so
memory stays bounded by the chunk size; it needs pyarrow (``pip install 'xproj[parquet]'``).

Examples
--------
>>> cols = [("row", "int"), ("label", "str"), ("probability", "float")]
>>> with open_output("scored.parquet", cols) as out:              # doctest: +SKIP
...     out.write([[1, "positive", 0.91], [2, None, None]])
"""

from __future__ import annotations

import bz2
import contextlib
import csv
import gzip
import io
import json
import lzma
from pathlib import Path

from ._io import atomic_write
from .errors import ConfigError, MissingExtraError
from .tables import infer_format, strip_compression

__all__ = ["KINDS", "open_output", "output_format"]

#: Column kinds: Python values of each kind, None for a missing value.
KINDS = ("int", "float", "str")


def _pyarrow(doing: str = "writing"):
    """``(pyarrow, pyarrow.parquet)``; :class:`MissingExtraError` saying what needs them
    (``doing``: "writing" or "reading") and the install command."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtraError(f"{doing} Parquet needs pyarrow: pip install 'xproj[parquet]' (or pyarrow>=14)") from None
    return pa, pq


#: compressors by extension: ``open(binary_file, "wt")`` of each module
_COMPRESSORS = {".gz": gzip, ".xz": lzma, ".lzma": lzma, ".bz2": bz2}


def output_format(path) -> tuple[str, str | None]:
    """``(format, compression)`` an output named ``path`` is written in: ``"parquet"``,
    ``"jsonl"``, ``"tsv"`` or ``"csv"``, and ``".gz"``/``".xz"``/``".lzma"``/``".bz2"`` or None.

    >>> output_format("scored.jsonl.gz"), output_format("scored.txt")
    (('jsonl', '.gz'), ('csv', None))

    Raises
    ------
    ConfigError
        A compressed Parquet name (Parquet compresses inside: drop the extension).
    """
    name = Path(path).name
    base = strip_compression(name)
    compression = name[len(base):].lower() or None
    if base.lower().endswith(".parquet"):
        if compression:
            raise ConfigError(f"{path}: Parquet is compressed inside; name the output {base}")
        return "parquet", None
    try:  # the text formats by extension, as the reader guesses them
        return infer_format(base), compression
    except ConfigError:  # a name that says no format
        return "csv", compression


class _CsvOutput:
    def __init__(self, f, columns, delimiter=","):
        self._w = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        self._w.writerow([name for name, _ in columns])

    def write(self, rows):
        # repr of a float round-trips exactly: what is read back is what was computed
        self._w.writerows(["" if v is None else repr(v) if isinstance(v, float) else v for v in r] for r in rows)


class _JsonLinesOutput:
    """One JSON object a line, keys in ``columns`` order; a missing value is ``null``."""

    def __init__(self, f, columns):
        self._f, self._names = f, [name for name, _ in columns]

    def write(self, rows):
        # json writes a float as its repr: what is read back is what was computed
        self._f.writelines(json.dumps(dict(zip(self._names, r)), ensure_ascii=False) + "\n" for r in rows)


class _ParquetOutput:
    def __init__(self, f, columns):
        pa, pq = _pyarrow()
        types = {"int": pa.int64(), "float": pa.float64(), "str": pa.string()}
        self._pa = pa
        self._schema = pa.schema([(name, types[kind]) for name, kind in columns])
        self._writer = pq.ParquetWriter(f, self._schema)

    def write(self, rows):
        if rows:
            arrays = [self._pa.array(list(col), type=field.type) for col, field in zip(zip(*rows), self._schema)]
            self._writer.write_table(self._pa.Table.from_arrays(arrays, schema=self._schema))

    def close(self):
        self._writer.close()


@contextlib.contextmanager
def open_output(path, columns):
    """A writer of rows (lists of values in ``columns`` order) into ``path``, atomically.

    Parameters
    ----------
    path : str or Path
        ``.parquet``: Parquet; ``.jsonl``/``.ndjson``/``.json``: JSON lines; ``.tsv``/``.tab``:
        TSV with a header row; anything else: CSV with a header row; ``.gz``/``.xz``/``.bz2``
        after a text format: compressed (:func:`output_format`).
    columns : list of (name, kind)
        ``kind`` one of :data:`KINDS`.
    """
    fmt, compression = output_format(path)
    parquet = fmt == "parquet"
    if parquet:
        _pyarrow()  # the install hint before any file is created
    with atomic_write(path, "wb" if parquet or compression else "w") as f:
        if parquet:
            out = _ParquetOutput(f, columns)
            try:
                yield out
            except BaseException:
                # a ParquetWriter left open would write its footer when garbage collected, into
                # the closed temporary: "Exception ignored ..." and a traceback on stderr
                with contextlib.suppress(Exception):
                    out.close()
                raise
            out.close()
            return
        with _text_stream(f, compression) as text:
            yield (_JsonLinesOutput(text, columns) if fmt == "jsonl"
                   else _CsvOutput(text, columns, delimiter="\t" if fmt == "tsv" else ","))


@contextlib.contextmanager
def _text_stream(f, compression):
    """``f`` itself (text), or a UTF-8 text stream compressing into the binary ``f``."""
    if compression is None:
        yield f
        return
    if compression == ".gz":
        # mtime 0 (as gzip -n): the header would otherwise hold the time of writing, and the
        # same scores would make another file each second
        stream = io.TextIOWrapper(gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0),
                                  encoding="utf-8", newline="")
    elif compression == ".lzma":  # the legacy .lzma format its name says (lzma.open writes .xz data)
        stream = lzma.open(f, "wt", format=lzma.FORMAT_ALONE, encoding="utf-8", newline="")
    else:
        stream = _COMPRESSORS[compression].open(f, "wt", encoding="utf-8", newline="")
    try:
        yield stream
    finally:
        # flushes into f, which atomic_write then syncs and renames (or, after an error,
        # removes): left open, the stream would flush when collected, into a closed file
        stream.close()
