"""One reader of tabular text files: CSV, TSV and JSON lines, compressed or not.

Every data row becomes one :class:`Record` carrying all of its columns, its 1-based row
number (header and blank lines excluded), the lines where it starts and ends, and, for a row
that cannot be read (invalid JSON, wrong number of fields, a malformed quote, bytes not valid
in the encoding), the problem in words instead of the fields. The reader never stops at a bad
row: what to do with it (raise, skip, report) is the caller's choice. A quote that is never
closed costs its own row only: reading resumes on the next line. Used by the dataset
loaders, ``xproj predict`` and ``xproj adapt``. Here: the files (format from the name, the
:class:`Table` read as a stream, its header and format checked); the rows of a stream, per
format, are read by :mod:`xproj._records` (:class:`Record` and :func:`iter_records` are
imported from here).

Examples
--------
>>> import io
>>> rows = list(iter_records(io.StringIO("id,text\\n1,good\\n2,bad,extra\\n"), "csv"))
>>> rows[0].fields, rows[1].error
({'id': '1', 'text': 'good'}, '3 columns, expected 2 (id, text)')
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from ._io import open_text
from ._records import _BAD_BYTES, Record, _encoding_name, _without_bom, iter_records, repeated_column
from .errors import ConfigError, InputFormatError

__all__ = ["FORMATS", "Record", "Table", "infer_format", "iter_records", "table_columns"]

#: The formats the reader knows, and the other names (and extensions) accepted for them.
FORMATS = ("csv", "tsv", "jsonl")
_FORMAT_NAMES = {"csv": "csv", "tsv": "tsv", "tab": "tsv", "jsonl": "jsonl", "json": "jsonl",
                 "ndjson": "jsonl", "json-lines": "jsonl", "jsonlines": "jsonl"}
_COMPRESSED = (".gz", ".xz", ".lzma", ".bz2")
#: Rows read before deciding whether the file is in the format it is read in.
SNIFF_ROWS = 100


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
    if first.error is None and repeated_column(first.fields):
        raise InputFormatError(path, repeated_column(first.fields), first.line)


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
