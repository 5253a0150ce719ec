"""The header and the first N lines of a ``.vec`` byte stream, fed in arbitrary blocks."""

from __future__ import annotations

import shutil
from pathlib import Path

from .._io import atomic_write
from ..errors import InputFormatError

_MAX_HEADER = 1 << 20  # a .vec header line longer than this means the file is not a .vec


class TopLines:
    """Write the header and the first ``top`` lines of a ``.vec`` byte stream to ``out``.

    Bytes come in arbitrary blocks; only complete lines are written. The header written says
    ``top dim`` (fixed up by the caller when the file turns out to be shorter).
    """

    def __init__(self, out, top: int, source: str):
        self.out, self.top, self.source = out, top, source
        self.pending = b""
        self.count = 0
        self.dim = None
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
            count, self.dim = int(parts[0]), int(parts[1])
            self.top = min(self.top, count)
        else:  # no header (GloVe style): the first line is already a word
            if len(parts) < 2:
                raise InputFormatError(self.source, "first line is neither a header nor a vector", line=1)
            self.dim = len(parts) - 1
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
            self.out.write(data[: last + 1])
            self.pending = data[last + 1 :]
            self.count += n
            return
        pos = -1
        for _ in range(need):
            pos = data.find(b"\n", pos + 1)
        self.out.write(data[: pos + 1])
        self.count = self.top
        self.done = True

    def finish(self) -> None:
        """End of stream: a last line without a newline still counts."""
        if not self.done and self.pending.strip():
            if not self.header_done:
                self.feed(b"\n")
            else:
                self._lines(self.pending + b"\n")
        self.pending = b""


def rewrite_header(path: Path, count: int, dim: int | None) -> None:
    """Replace the header line of a (small) top-N file by ``count dim``."""
    with open(path, "rb") as f:
        f.readline()
        with atomic_write(path, "wb") as out:
            out.write(f"{count} {dim or 0}\n".encode())
            shutil.copyfileobj(f, out)

