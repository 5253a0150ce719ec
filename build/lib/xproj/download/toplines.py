"""The header and the first N lines of a ``.vec`` byte stream, fed in arbitrary blocks, each
line checked (the header's dimension) and the count checked at the end (the header's count)."""

from __future__ import annotations

import shutil
from pathlib import Path

from .._io import atomic_write
from ..errors import InputFormatError

_MAX_HEADER = 1 << 20  # a .vec header line longer than this means the file is not a .vec


class TopLines:
    """Write the header and the first ``top`` lines of a ``.vec`` byte stream to ``out``.

    Bytes come in arbitrary blocks; only complete lines are written, each checked to hold a
    word and ``dim`` values (:class:`~xproj.errors.InputFormatError` naming ``source`` and the
    line otherwise). The header written says ``top dim``: ``top`` is capped by the count the
    source's header announces, and :meth:`finish` fails when fewer lines came (a truncated
    file); a source without a header is fixed up by the caller when it turns out shorter.
    """

    def __init__(self, out, top: int, source: str):
        self.out, self.top, self.source = out, top, source
        self.pending = b""
        self.count = 0
        self.dim = None
        self.announced = None  # the count in the source's header, if it has one
        self._first_line = 2  # source line number of the next word (1 is the header)
        self.header_done = False
        self.done = False

    def feed(self, data: bytes) -> None:
        if self.done or not data:
            return
        data = self.pending + data
        self.pending = b""
        if not self.header_done:
            nl = data.find(b"\n")
            if nl < 0:
                if len(data) > _MAX_HEADER:
                    raise InputFormatError(self.source, "no line break in the first MiB: not a .vec file")
                self.pending = data
                return
            data = self._header(data[: nl + 1], data[nl + 1 :])
        self._lines(data)

    def _header(self, first: bytes, rest: bytes) -> bytes:
        parts = first.split()
        self.header_done = True
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            self.announced, self.dim = int(parts[0]), int(parts[1])
            self.top = min(self.top, self.announced)
        else:  # no header (GloVe style): the first line is already a word
            if len(parts) < 2:
                raise InputFormatError(self.source, "first line is neither a header nor a vector", line=1)
            self.dim = len(parts) - 1
            self._first_line = 1
            rest = first + rest
        self.out.write(f"{self.top} {self.dim}\n".encode())
        if self.top == 0:
            self.done = True
        return rest

    def _lines(self, data: bytes) -> None:
        need = self.top - self.count
        n = data.count(b"\n")
        if n < need:
            last = data.rfind(b"\n")
            self._write(data[: last + 1], n)
            self.pending = data[last + 1 :]
            return
        pos = -1
        for _ in range(need):
            pos = data.find(b"\n", pos + 1)
        self._write(data[: pos + 1], need)
        self.done = True

    def _write(self, lines: bytes, n: int) -> None:
        """Write ``n`` complete lines after checking each has a word and ``dim`` values."""
        for i, line in enumerate(lines.split(b"\n")[:n]):
            problem = vector_line_problem(line, self.dim)
            if problem:
                raise InputFormatError(self.source, problem + _NOT_CACHED,
                                       line=self._first_line + self.count + i)
        self.out.write(lines)
        self.count += n

    def finish(self) -> None:
        """End of stream: a last line without a newline still counts; fewer lines than the
        header announces means the file is truncated."""
        if not self.done and self.pending.strip():
            if not self.header_done:
                self.feed(b"\n")
            else:
                self._lines(self.pending + b"\n")
        self.pending = b""
        if self.announced is not None and self.count < self.top:
            raise InputFormatError(
                self.source, f"ends after {self.count} words, its header announces {self.announced}: "
                "truncated, or changed during the download" + _NOT_CACHED)


_NOT_CACHED = "; nothing was cached, try again"


def vector_line_problem(line: bytes, dim: int) -> str | None:
    """What is wrong with one ``.vec`` line (a word and ``dim`` values), or ``None``."""
    line = line.rstrip()
    if line.count(b" ") == dim:  # the usual single-space layout: no need to split
        return None
    found = len(line.split()) - 1
    return None if found == dim else f"{max(found, 0)} values, the header says {dim}"


def rewrite_header(path: Path, count: int, dim: int | None) -> None:
    """Replace the header line of a (small) top-N file by ``count dim``."""
    with open(path, "rb") as f:
        f.readline()
        with atomic_write(path, "wb") as out:
            out.write(f"{count} {dim or 0}\n".encode())
            shutil.copyfileobj(f, out)

