"""The shape of a whole download, checked before it is renamed into the cache: a ``.vec`` has
the lines its header announces, each with the header's dimension; a dictionary has two columns
a line; a gzip file decompresses to its end (its CRC catches two versions spliced together).

Every check raises one :class:`~xproj.errors.InputFormatError` naming the URL and the problem.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from ..errors import InputFormatError
from .toplines import vector_line_problem

_EDGE = 1 << 20  # a whole .vec: every line of its first and last MiB is checked
_BLOCK = 1 << 22


def check_shape(path: Path, fmt: str, url: str) -> None:
    """Check ``path`` (a finished download of format ``fmt``); other formats pass unchecked."""
    checker = {"vec": _check_vec, "dict": _check_dict, "vec.gz": _check_gzip, "tar.gz": _check_gzip}.get(fmt)
    if checker is not None:
        problem, line = checker(path)
        if problem:
            raise InputFormatError(url, problem + "; the download was deleted, try again", line=line)


def _check_dict(path: Path):
    data = path.read_bytes()  # MUSE dictionaries are a few MB at most
    if b"\0" in data:
        return "NUL bytes in a text file", None
    for number, line in enumerate(data.splitlines(), 1):
        columns = len(line.split())
        if columns != 2:
            return f"{columns} columns, expected 2 ('source target')", number
    return None, None


def _check_vec(path: Path):
    """Header, every line of the first and last MiB, and the number of lines."""
    with open(path, "rb") as f:
        head = f.read(_EDGE)
        header = head.split(b"\n", 1)[0].split()
        if len(header) != 2 or not all(p.isdigit() for p in header):
            return "the first line is not a '.vec' header ('count dim')", 1
        count, dim = int(header[0]), int(header[1])
        lines = head.split(b"\n")[1:-1]  # the last piece may be cut
        for number, line in enumerate(lines, 2):
            problem = vector_line_problem(line, dim)
            if problem:
                return problem, number
        f.seek(0)
        newlines = sum(block.count(b"\n") for block in iter(lambda: f.read(_BLOCK), b""))
        f.seek(max(0, f.tell() - _EDGE))
        tail = f.read()
    if not tail.endswith(b"\n"):
        newlines += 1  # a last line without its newline
    if newlines != count + 1:
        return f"{newlines - 1} words, its header announces {count}: truncated or spliced", None
    for line in tail.rstrip(b"\n").split(b"\n")[1:]:
        problem = vector_line_problem(line, dim)
        if problem:
            return f"{problem} (near the end)", None
    return None, None


def _check_gzip(path: Path):
    """Decompress to the end (concatenated members too) without keeping the output."""
    z = zlib.decompressobj(wbits=31)
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(_BLOCK), b""):
                while block:
                    z.decompress(block, 0)
                    block = z.unused_data if z.eof else b""
                    if z.eof and block:
                        z = zlib.decompressobj(wbits=31)
    except zlib.error as exc:
        return f"not a complete gzip file ({exc})", None
    if not z.eof:
        return "not a complete gzip file (it ends before the end of the compressed data)", None
    return None, None
