"""Small file helpers: transparent decompression and atomic writes."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import lzma
import os
import tempfile
from pathlib import Path

from .errors import ResourceNotFoundError, XprojError

_OPENERS = {".gz": gzip.open, ".xz": lzma.open, ".lzma": lzma.open, ".bz2": bz2.open}


def open_binary(path):
    """Open ``path`` for reading bytes, decompressing ``.gz``, ``.xz`` and ``.bz2`` on the fly."""
    path = Path(path)
    if not path.exists():
        raise ResourceNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise ResourceNotFoundError(f"{path}: is a directory, expected a file")
    opener = _OPENERS.get(path.suffix.lower(), open)
    try:
        return opener(path, "rb")
    except PermissionError:
        raise XprojError(f"{path}: permission denied (the file is not readable)") from None


def open_text(path, encoding="utf-8", errors="strict"):
    """Open ``path`` as text (universal newlines), decompressing by extension."""
    import io

    return io.TextIOWrapper(open_binary(path), encoding=encoding, errors=errors, newline=None)


@contextlib.contextmanager
def atomic_write(path, mode="wb"):
    """Write to a temporary file beside ``path`` and rename it into place on success.

    Readers never see a half-written file: on any exception the temporary file is removed
    and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_save_npy(path, array):
    """``np.save`` through :func:`atomic_write`."""
    import numpy as np

    with atomic_write(path, "wb") as f:
        np.save(f, array, allow_pickle=False)
