"""Records of a text stream, one reader per format: CSV/TSV (:func:`_csv_records`) and JSON
lines (:func:`_json_records`, also one JSON array of records); :func:`iter_records` picks one.

Every data row becomes one :class:`Record`; a row that cannot be read carries the problem in
words instead of its fields, and reading goes on (see :mod:`xproj.tables`, which reads files
with these and is where callers import them from).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass

from .errors import InputFormatError


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
    if str(exc).startswith("field larger than field limit"):  # one line, no quote involved
        return f"a field longer than {csv.field_size_limit():,} characters, the CSV reader's limit; row left out"
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
            problem = repeated_column(header)
            if problem:
                raise InputFormatError(path, problem, lines.start())
            continue
        row += 1
        yield Record(row, lines.start(), *_csv_fields(fields, header, encoding), lines.number)


def repeated_column(header) -> str | None:
    """The problem of a header that names a column twice (each row would keep only the last
    column of that name, the other's values silently lost), or None."""
    names = [str(h).strip() for h in header]
    for i, name in enumerate(names):
        if name in names[:i]:
            return f"the header names the column {name!r} twice (columns {names.index(name) + 1} and {i + 1}); rename one"
    return None


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
