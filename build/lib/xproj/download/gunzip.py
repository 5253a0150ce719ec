"""gzip: decompress a byte stream on the fly (``wbits=31``), or a whole downloaded file."""

from __future__ import annotations

import shutil
import zlib
from pathlib import Path

from .._io import atomic_write
from ..errors import InputFormatError


class Gunzip:
    """Feed gzip bytes, pass decompressed bytes on (handles concatenated gzip members)."""

    def __init__(self, sink):
        self.sink = sink
        self.z = zlib.decompressobj(wbits=31)

    @property
    def done(self):
        return self.sink.done

    def feed(self, data: bytes) -> None:
        while data and not self.sink.done:
            self.sink.feed(self.z.decompress(data))
            data = self.z.unused_data if self.z.eof else b""
            if self.z.eof:
                self.z = zlib.decompressobj(wbits=31)


def gunzip_file(src: Path, dest: Path, url: str) -> None:
    """Decompress ``src`` (downloaded from ``url``) to ``dest``; nothing is left at ``dest`` and
    one :class:`~xproj.errors.InputFormatError` is raised when it is not a complete gzip file."""
    import gzip

    try:
        with gzip.open(src, "rb") as f, atomic_write(dest, "wb") as out:
            shutil.copyfileobj(f, out, 1 << 20)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputFormatError(url, f"not a complete gzip file ({exc}); the download was deleted, "
                                    "try again") from None
