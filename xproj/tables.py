"""One reader of tabular text files: CSV, TSV and JSON lines, compressed or not.

Every data row becomes one :class:`Record` carrying all of its columns, its 1-based row
number (header and blank lines excluded), the lines where it starts and ends, and, for a row
that cannot be read (invalid JSON, wrong number of fields, a malformed quote, bytes not valid
in the encoding), the problem in words instead of the fields. The reader never stops at a bad
row: what to do with it (raise, skip, report) is the caller's choice. A quote that is never
closed costs its own row only: reading resumes on the next line. Used by the dataset
loaders, ``xproj predict`` and ``xproj adapt``.

Examples
--------
>>> import io
>>> rows = list(iter_records(io.StringIO("id,text\\n1,good\\n2,bad,extra\\n"), "csv"))
>>> rows[0].fields, rows[1].error
({'id': '1', 'text': 'good'}, '3 columns, expected 2 (id, text)')
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from ._io import open_text
from .errors import ConfigError, InputFormatError

__all__ = ["FORMATS", "Record", "Table", "infer_format", "iter_records", "table_columns"]

#: The formats the reader knows, and the other names (and extensions) accepted for them.
FORMATS = ("csv", "tsv", "jsonl")
_FORMAT_NAMES = {"csv": "csv", "tsv": "tsv", "tab": "tsv", "jsonl": "jsonl", "json": "jsonl",
                 "ndjson": "jsonl", "json-lines": "jsonl", "jsonlines": "jsonl"}
_COMPRESSED = (".gz", ".xz", ".lzma", ".bz2")
#: Rows read before deciding whether the file is in the format it is read in.
SNIFF_ROWS = 100


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
    end_line : int or None
        The line where the row ends (after ``line`` when a quoted field holds line breaks).
    """

    row: int
    line: int | None
    fields: dict | list | None
    error: str | None = None
    end_line: int | None = None


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
    if suffix == ".parquet":  # a format of its own, read by one command only
        raise ConfigError(f"{path}: Parquet is read only by xproj predict with --output-dir or --output-file "
                          "(one process, or --scheduler); here give CSV, TSV or JSON lines")
    if f is None:
        raise ConfigError(f"{path}: cannot tell the format from {suffix or 'no'} extension; "
                          "give the format (csv, tsv or jsonl)")
    return f


_BAD_BYTES = "not valid "  # how the error of a row with undecodable bytes starts


def _encoding_name(encoding: str) -> str:
    """How messages name an encoding ("UTF-8" for any spelling of it)."""
    return "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _bad_bytes(values, encoding: str) -> str | None:
    # Text decoded with errors="surrogateescape" keeps undecodable bytes as lone surrogates.
    for v in values:
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return _BAD_BYTES + _encoding_name(encoding)
    return None


def _without_bom(stream):
    """The lines of ``stream``, a byte-order mark removed from the first (it is not text)."""
    lines = iter(stream)
    first = next(lines, None)
    if first is not None:
        yield first.removeprefix("\ufeff")
        yield from lines


def iter_records(stream, fmt: str, *, delimiter=None, header: bool = True, path=None, encoding="utf-8",
                 first_line: int = 1):
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
    first_line : int
        The number of the stream's first line (a part of a file read from its middle,
        :mod:`xproj.partitions`).
    """
    stream = _without_bom(stream)
    if fmt == "jsonl":
        yield from _json_records(stream, path, encoding, first_line)
    else:
        yield from _csv_records(stream, delimiter or ("\t" if fmt == "tsv" else ","), header, path, encoding,
                                first_line)


def _json_records(lines, path, encoding, first_line=1):
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
    for n, line in enumerate(_chain(buffered, lines), first_line):
        if not line.strip():
            continue
        row += 1
        bad = _bad_bytes([line], encoding)
        if bad:
            yield Record(row, n, None, bad, n)
            continue
        try:
            yield Record(row, n, json.loads(line), None, n)
        except json.JSONDecodeError as exc:
            yield Record(row, n, None, f"invalid JSON line ({exc.msg} at column {exc.colno})", n)


def _chain(first, rest):
    yield from first
    yield from rest


def _array_records(arr, path):
    if not isinstance(arr, list) or not all(isinstance(r, (dict, list)) for r in arr):
        raise InputFormatError(path, "a JSON array must hold records (objects or arrays)")
    for i, rec in enumerate(arr, 1):
        yield Record(i, None, rec)  # records of one array have no line of their own


class _Lines:
    """The physical lines of a stream, counted, those of the current record kept, and a way to
    put lines back: after a malformed quote, reading resumes on the line after the row's first."""

    def __init__(self, stream, first_line=1):
        self._lines = iter(stream)
        self._back = []
        self.number = first_line - 1  # number of the last line given
        self.taken = []  # lines of the record being read

    def __iter__(self):
        return self

    def __next__(self):
        line = self._back.pop() if self._back else next(self._lines)
        self.number += 1
        self.taken.append(line)
        return line

    def start(self) -> int:
        """The line where the record being read starts."""
        return self.number - len(self.taken) + 1

    def put_back_all_but_first(self):
        rest = self.taken[1:]
        self._back.extend(reversed(rest))
        self.number -= len(rest)


def _quote_problem(exc: csv.Error, lines: _Lines) -> str:
    if len(lines.taken) > 1 or str(exc) == "unexpected end of data":
        return ("unclosed quote: the quoted field that opens on this row never ends properly "
                f"({exc}, line {lines.number}); row left out, reading resumes on the next line")
    return f"malformed quoting ({exc})"


def _csv_records(stream, delimiter, has_header, path, encoding, first_line=1):
    lines = _Lines(stream, first_line)
    # strict: a quote closed in the middle of a field is an error, not more text; so a stray
    # quote is found within the rows after it, not at the end of the file
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header, row = None, 0
    while True:
        lines.taken.clear()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            start, problem = lines.start(), _quote_problem(exc, lines)
            lines.put_back_all_but_first()
            if has_header and header is None:
                raise InputFormatError(path, f"unreadable header: {problem}", start) from None
            row += 1
            yield Record(row, start, None, problem, start)
            continue
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if has_header and header is None:
            header = [h.strip() for h in fields]
            continue
        row += 1
        yield Record(row, lines.start(), *_csv_fields(fields, header, encoding), lines.number)


def _csv_fields(fields, header, encoding):
    """``(fields, error)`` of one CSV row."""
    bad = _bad_bytes(fields, encoding)
    if bad:
        return None, bad
    if header is None:
        return fields, None
    if len(fields) != len(header):
        return None, f"{len(fields)} columns, expected {len(header)} ({', '.join(header)})"
    return dict(zip(header, fields)), None


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
    format_option : str, optional
        The option that sets the format (e.g. ``"--format"``), suggested when the file does
        not look like ``fmt``.

    Raises
    ------
    InputFormatError
        While iterating, when more than half of the first :data:`SNIFF_ROWS` rows cannot be
        read in the format (a CSV file read as JSON lines): the format is wrong, not the rows.

    Examples
    --------
    >>> for rec in Table("reviews.csv"):          # doctest: +SKIP
    ...     print(rec.row, rec.error or rec.fields["text"])
    """

    def __init__(self, path, *, fmt=None, delimiter=None, header: bool = True, encoding: str = "utf-8",
                 format_option: str | None = None):
        self.path = Path(path)
        self.fmt = infer_format(self.path, fmt)
        self.delimiter = delimiter
        self.header = header
        self.encoding = encoding
        self.format_option = format_option

    def _open(self):
        return open_text(self.path, self.encoding, errors="surrogateescape", newline="")

    def __iter__(self):
        with self._open() as stream:
            records = iter_records(stream, self.fmt, delimiter=self.delimiter, header=self.header,
                                   path=self.path, encoding=self.encoding)
            head = list(islice(records, SNIFF_ROWS))
            self._check_format(head)
            yield from head
            yield from records

    def _check_format(self, head):
        """Raise when most of the first rows are unreadable for a reason other than bytes."""
        bad = [r for r in head if r.error is not None and not r.error.startswith(_BAD_BYTES)]
        if len(bad) * 2 <= len(head):
            return
        looks = self.looks_like()
        hint = (f"is it really {self.fmt}? check the delimiter and the header" if looks == self.fmt else
                f"it looks like {looks}: " + (f"try {self.format_option} {looks}" if self.format_option
                                              else f"read it as {looks}"))
        raise InputFormatError(self.path, f"{len(bad)} of the first {len(head)} rows cannot be read as "
                                          f"{self.fmt} (row {bad[0].row}: {bad[0].error}); {hint}")

    def looks_like(self) -> str:
        """The format the first non-blank line suggests: ``"jsonl"``, ``"tsv"`` or ``"csv"``."""
        with self._open() as stream:
            first = next((line for line in _without_bom(stream) if line.strip()), "").strip()
        return "jsonl" if first.startswith(("{", "[")) else "tsv" if "\t" in first else "csv"

    def columns(self) -> list | None:
        """Names of the columns: the CSV/TSV header, or the top-level fields of the JSON
        objects in order of first appearance (one pass over the file); None without a header."""
        if self.fmt != "jsonl":
            if not self.header:
                return None
            with self._open() as stream:
                first = next(iter_records(_header_only(stream), self.fmt, delimiter=self.delimiter,
                                          header=False, path=self.path, encoding=self.encoding), None)
            if first is not None:
                _check_header(self.path, first, self.encoding)
            return [str(h).strip() for h in first.fields] if first is not None and first.fields else []
        return table_columns(self)


def _check_header(path, first: Record, encoding: str) -> None:
    """A header row that cannot name columns stops the file: every row would be read under
    names no option can match (and the rows of a UTF-16 file as text full of NUL bytes)."""
    name = _encoding_name(encoding)
    if first.error is not None and first.error.startswith(_BAD_BYTES):
        raise InputFormatError(path, f"the header row is {first.error}: save the file as {name} "
                                     "(a UTF-16 or Latin-1 file is not read)", first.line)
    if first.error is None and any("\x00" in str(h) for h in first.fields):
        raise InputFormatError(path, f"the header row holds NUL bytes: is the file UTF-16? save it as {name}",
                               first.line)


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
