"""One reader of tabular text files: CSV, TSV and JSON lines, compressed or not.

Every data row becomes one :class:`Record` carrying all of its columns, its 1-based row
number (header and blank lines excluded), the line where it starts, and, for a row that
cannot be read (invalid JSON, wrong number of fields, bytes not valid in the encoding), the
problem in words instead of the fields. The reader never stops at a bad row: what to do with
it (raise, skip, report) is the caller's choice. Used by the dataset loaders,
``xproj predict`` and ``xproj adapt``.

Examples
--------
>>> import io
>>> rows = list(iter_records(io.StringIO("id,text\\n1,good\\n2,bad,extra\\n"), "csv"))
>>> rows[0].fields, rows[1].error
({'id': '1', 'text': 'good'}, '3 columns, expected 2 (id, text)')
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ._io import open_binary
from .errors import ConfigError, InputFormatError

__all__ = ["FORMATS", "Record", "Table", "infer_format", "iter_records", "table_columns"]

#: The formats the reader knows, and the other names (and extensions) accepted for them.
FORMATS = ("csv", "tsv", "jsonl")
_FORMAT_NAMES = {"csv": "csv", "tsv": "tsv", "tab": "tsv", "jsonl": "jsonl", "json": "jsonl",
                 "ndjson": "jsonl", "json-lines": "jsonl", "jsonlines": "jsonl"}
_COMPRESSED = (".gz", ".xz", ".lzma", ".bz2")


@dataclass(frozen=True)
class Record:
    """One data row.

    Attributes
    ----------
    row : int
        1-based number among the data rows (the header and blank lines are not rows).
    line : int or None
        1-based line of the file where the row starts (None for records of one JSON array).
    fields : dict, list or None
        The columns: ``{name: value}`` (CSV/TSV with a header, JSON objects) or a list (no
        header, JSON arrays); None when the row could not be read.
    error : str or None
        Why the row could not be read.
    """

    row: int
    line: int | None
    fields: dict | list | None
    error: str | None = None


def strip_compression(name: str) -> str:
    """``"a.csv.gz"`` -> ``"a.csv"``."""
    for ext in _COMPRESSED:
        if name.lower().endswith(ext):
            return name[: -len(ext)]
    return name


def infer_format(path, fmt=None) -> str:
    """``"csv"``, ``"tsv"`` or ``"jsonl"``: ``fmt`` normalised, or guessed from the file name.

    >>> infer_format("reviews.jsonl.gz"), infer_format("x.data", "json")
    ('jsonl', 'jsonl')

    Raises
    ------
    ConfigError
        An unknown ``fmt``, or a name whose extension says nothing.
    """
    if fmt is not None:
        f = _FORMAT_NAMES.get(str(fmt).lower().lstrip("."))
        if f is None:
            raise ConfigError(f"format must be 'csv', 'tsv', 'jsonl' or 'json'; got {fmt!r}")
        return f
    suffix = Path(strip_compression(Path(path).name)).suffix.lower()
    f = _FORMAT_NAMES.get(suffix.lstrip("."))
    if f is None:
        raise ConfigError(f"{path}: cannot tell the format from {suffix or 'no'} extension; "
                          "give the format (csv, tsv or jsonl)")
    return f


def _bad_bytes(values, encoding: str) -> str | None:
    # Text decoded with errors="surrogateescape" keeps undecodable bytes as lone surrogates.
    for v in values:
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return f"not valid {'UTF-8' if encoding.lower().replace('_', '-') in ('utf-8', 'utf8') else encoding}"
    return None


def iter_records(stream, fmt: str, *, delimiter=None, header: bool = True, path=None, encoding="utf-8"):
    """Yield a :class:`Record` for each data row of a text stream (``newline=""``).

    Parameters
    ----------
    stream : iterable of str
        Lines of the file (an open text file or :class:`io.StringIO`).
    fmt : {"csv", "tsv", "jsonl"}
        JSON lines may also be one JSON array of records.
    delimiter : str, optional
        Default ``","`` (``"\\t"`` for TSV).
    header : bool
        Whether the first CSV/TSV row names the columns (ignored for JSON).
    path : str or Path, optional
        Named in the errors that end reading (a whole-file JSON array that does not parse,
        CSV the reader cannot move past).
    encoding : str
        Named in the per-row error of undecodable bytes.
    """
    if fmt == "jsonl":
        yield from _json_records(iter(stream), path, encoding)
    else:
        yield from _csv_records(stream, delimiter or ("\t" if fmt == "tsv" else ","), header, path, encoding)


def _json_records(lines, path, encoding):
    buffered = []
    for first in lines:  # leading blank lines, then the first content line
        buffered.append(first)
        if first.strip():
            break
    else:
        return
    if first.lstrip().startswith("["):
        try:
            json.loads(first)
        except json.JSONDecodeError:
            # an array spread over several lines: one JSON document, read whole
            text = "".join(buffered) + "".join(lines)
            try:
                arr = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputFormatError(path, f"invalid JSON: {exc.msg}", exc.lineno) from None
            yield from _array_records(arr, path)
            return
        rest = next(lines, None)
        while rest is not None and not rest.strip():
            buffered.append(rest)
            rest = next(lines, None)
        if rest is None:  # the whole file is one line holding one array
            arr = json.loads(first)
            if all(isinstance(r, (dict, list)) for r in arr):
                yield from _array_records(arr, path)
                return
        else:
            buffered.append(rest)
    row = 0
    for n, line in enumerate(_chain(buffered, lines), 1):
        if not line.strip():
            continue
        row += 1
        bad = _bad_bytes([line], encoding)
        if bad:
            yield Record(row, n, None, bad)
            continue
        try:
            yield Record(row, n, json.loads(line))
        except json.JSONDecodeError as exc:
            yield Record(row, n, None, f"invalid JSON line ({exc.msg} at column {exc.colno})")


def _chain(first, rest):
    yield from first
    yield from rest


def _array_records(arr, path):
    if not isinstance(arr, list) or not all(isinstance(r, (dict, list)) for r in arr):
        raise InputFormatError(path, "a JSON array must hold records (objects or arrays)")
    for i, rec in enumerate(arr, 1):
        yield Record(i, None, rec)  # records of one array have no line of their own


def _csv_records(stream, delimiter, has_header, path, encoding):
    reader = csv.reader(stream, delimiter=delimiter)
    header, row = None, 0
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if reader.line_num < start:  # the reader cannot move past this point
                raise InputFormatError(path, f"unreadable CSV: {exc}", start) from None
            row += 1
            yield Record(row, start, None, f"unreadable CSV row: {exc}")
            continue
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if has_header and header is None:
            header = [h.strip() for h in fields]
            continue
        row += 1
        bad = _bad_bytes(fields, encoding)
        if bad:
            yield Record(row, start, None, bad)
        elif header is None:
            yield Record(row, start, fields)
        elif len(fields) != len(header):
            yield Record(row, start, None, f"{len(fields)} columns, expected {len(header)} ({', '.join(header)})")
        else:
            yield Record(row, start, dict(zip(header, fields)))


class Table:
    """A CSV/TSV/JSON-lines file (``.gz``/``.xz``/``.bz2`` decompressed), read as a stream.

    Iterating yields :class:`Record` objects; each iteration reads the file again, so a
    caller may make several passes with bounded memory.

    Parameters
    ----------
    path : str or Path
    fmt : str, optional
        Default: from the file name (:func:`infer_format`).
    delimiter : str, optional
    header : bool
        CSV/TSV: the first row names the columns.
    encoding : str
        Undecodable bytes make their row unreadable (``Record.error``), never the file.

    Examples
    --------
    >>> for rec in Table("reviews.csv"):          # doctest: +SKIP
    ...     print(rec.row, rec.error or rec.fields["text"])
    """

    def __init__(self, path, *, fmt=None, delimiter=None, header: bool = True, encoding: str = "utf-8"):
        self.path = Path(path)
        self.fmt = infer_format(self.path, fmt)
        self.delimiter = delimiter
        self.header = header
        self.encoding = encoding

    def _open(self):
        return io.TextIOWrapper(open_binary(self.path), encoding=self.encoding, errors="surrogateescape",
                                newline="")

    def __iter__(self):
        with self._open() as stream:
            yield from iter_records(stream, self.fmt, delimiter=self.delimiter, header=self.header,
                                    path=self.path, encoding=self.encoding)

    def columns(self) -> list | None:
        """Names of the columns: the CSV/TSV header, or the top-level fields of the JSON
        objects in order of first appearance (one pass over the file); None without a header."""
        if self.fmt != "jsonl":
            if not self.header:
                return None
            with self._open() as stream:
                first = next(iter_records(_header_only(stream), self.fmt, delimiter=self.delimiter,
                                          header=False, path=self.path, encoding=self.encoding), None)
            return [str(h).strip() for h in first.fields] if first is not None and first.fields else []
        return table_columns(self)


def _header_only(stream):
    """The lines of a stream up to its first CSV row (enough for the header)."""
    for line in stream:
        yield line
        if line.strip():
            # a quoted header cell spanning lines is not supported: headers are one line
            return


def table_columns(records) -> list:
    """Union of the keys of the dict records, in order of first appearance."""
    seen = {}
    for rec in records:
        if isinstance(rec.fields, dict):
            for k in rec.fields:
                seen.setdefault(str(k), None)
    return list(seen)
