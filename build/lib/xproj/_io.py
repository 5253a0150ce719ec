"""Small file helpers: transparent decompression and atomic writes.

Every problem with a file itself (missing, unreadable, a ``.gz`` that is not gzip or is
truncated, a folder that cannot be written) becomes one :class:`~xproj.errors.XprojError`
naming the file, wherever the file is read or written: readers of vectors, dictionaries,
datasets and tables all open files here.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import gzip
import hashlib
import io
import lzma
import os
import re
import signal
import tempfile
import threading
import time
import zlib
from pathlib import Path

from .errors import InputFormatError, ResourceNotFoundError, XprojError

_OPENERS = {".gz": gzip.open, ".xz": lzma.open, ".lzma": lzma.open, ".bz2": bz2.open}
_COMPRESSION = {".gz": "gzip", ".xz": "xz", ".lzma": "lzma", ".bz2": "bzip2"}
# What decompressors raise on damaged input (gzip.BadGzipFile is an OSError).
_DECOMPRESSION_ERRORS = (EOFError, OSError, lzma.LZMAError, zlib.error)
_BUFFER = 1 << 20  # large reads: one Python call per megabyte, not per line

#: A temporary of :func:`atomic_write` is stale when its writer has exited or when it has not
#: been written to for this long (a pid may have been reused by another process).
STALE_AFTER_S = 3600


def _cannot(path, verb: str, exc: OSError) -> XprojError:
    reason = (exc.strerror or str(exc)).lower() if isinstance(exc, OSError) else str(exc)
    return XprojError(f"{path}: cannot {verb} it: {reason}")


class _CheckedReader(io.RawIOBase):
    """A decompressing stream whose read errors name the file, as one InputFormatError."""

    def __init__(self, stream, path: Path):
        self._stream = stream
        self._path = path
        self._kind = _COMPRESSION[path.suffix.lower()]

    def readable(self):
        return True

    def readinto(self, buffer):
        try:
            return self._stream.readinto(buffer)
        except _DECOMPRESSION_ERRORS as exc:
            raise self._damaged(exc) from None

    def _damaged(self, exc) -> XprojError:
        if isinstance(exc, EOFError):
            return InputFormatError(self._path, f"truncated {self._kind} file: the compressed data ends "
                                                "early; copy or download it again")
        if isinstance(exc, OSError) and exc.errno is not None:  # the disk, not the data
            return _cannot(self._path, "read", exc)
        return InputFormatError(self._path, f"not a valid {self._kind} file ({exc}); if it is not "
                                            f"compressed, remove the {self._path.suffix} from its name")

    def close(self):
        self._stream.close()
        super().close()


def open_binary(path, *, skip_bom: bool = False):
    """Open ``path`` for reading bytes, decompressing ``.gz``, ``.xz`` and ``.bz2`` on the fly.

    Parameters
    ----------
    skip_bom : bool
        Skip a UTF-8 byte-order mark at the start (text read as bytes: vectors, dictionaries).

    Raises
    ------
    ResourceNotFoundError
        No such file (or a folder).
    XprojError
        The file cannot be read (permissions); reading a damaged or truncated compressed file
        raises :class:`~xproj.errors.InputFormatError`.
    """
    path = Path(path)
    if not path.exists():
        raise ResourceNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise ResourceNotFoundError(f"{path}: is a directory, expected a file")
    suffix = path.suffix.lower()
    try:
        raw = _OPENERS[suffix](path, "rb") if suffix in _OPENERS else open(path, "rb")
    except OSError as exc:
        raise _cannot(path, "read", exc) from None
    if suffix in _OPENERS:
        raw = io.BufferedReader(_CheckedReader(raw, path), buffer_size=_BUFFER)
    if skip_bom and raw.peek(3)[:3] == codecs.BOM_UTF8:
        raw.read(3)
    return raw


def open_text(path, encoding="utf-8", errors="strict", newline=None):
    """Open ``path`` as text, decompressing by extension; a UTF-8 byte-order mark is dropped.

    ``newline=None``: universal newlines; ``""`` for the :mod:`csv` module.
    """
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"  # the same decoding, except that a leading mark is not text
    return io.TextIOWrapper(open_binary(path), encoding=encoding, errors=errors, newline=newline)


# -- writing ---------------------------------------------------------------------------------

def write_problem(path) -> str | None:
    """Why :func:`atomic_write` could not write ``path``, in words; None when it can.

    Cheap (no file is created): lets a command refuse an output before any work starts.
    """
    path = Path(path)
    if path.is_dir():
        return "is a directory; give a file name"
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is a file, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write in {folder} (permission denied)"
    return None


def _temporary_pattern(name: str):
    # ".<name>.<pid>.<8 random chars>.tmp" (and the older ".<name>.<8 random chars>.tmp")
    return re.compile(rf"\.{re.escape(name)}\.(?:(\d+)\.)?[a-z0-9_]{{8}}\.tmp")


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` may still run: False only when it is certainly gone (a file
    or folder named after it is then an orphan that may be removed)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process, or not a pid we can ask about: leave it
    return True


def remove_dead_folders(parent, pattern) -> None:
    """Remove the folders in ``parent`` whose names ``pattern`` (compiled) matches whole, its
    group 1 the process id of their maker, when that process is gone (:func:`process_alive`):
    the stage folders of commands that were killed (``kill -9``) before they could."""
    import shutil

    with contextlib.suppress(OSError), os.scandir(parent) as entries:
        for entry in entries:
            m = pattern.fullmatch(entry.name)
            if m and entry.is_dir(follow_symlinks=False) and not process_alive(int(m[1])):
                shutil.rmtree(entry.path, ignore_errors=True)


def remove_stale_temporaries(path) -> list:
    """Remove the temporaries that killed writers of ``path`` left beside it; returns them.

    Only names of :func:`atomic_write`'s own pattern for this very target are considered, and
    only those whose writer process is gone or that were not written to for
    :data:`STALE_AFTER_S` seconds.
    """
    path = Path(path)
    pattern, now, removed = _temporary_pattern(path.name), time.time(), []
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            m = pattern.fullmatch(entry.name)
            if not m:
                continue
            with contextlib.suppress(OSError):  # another writer may remove it first
                gone = m.group(1) is not None and not process_alive(int(m.group(1)))
                if gone or now - entry.stat().st_mtime > STALE_AFTER_S:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _new_file_mode(path: Path) -> int:
    """An existing file's permissions, or what ``open`` would give a new file (0666 & ~umask)."""
    with contextlib.suppress(OSError):
        return path.stat().st_mode & 0o7777
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_write(path, mode="wb"):
    """Write to a temporary file beside ``path`` and rename it into place on success.

    Readers never see a half-written file: on any exception the temporary file is removed
    and ``path`` is left as it was. The temporary, ``.<name>.<pid>.<random>.tmp``, carries
    its writer's pid, so that one left by a killed writer is removed by the next write of the
    same target (:func:`remove_stale_temporaries`). The file gets the permissions of the file
    it replaces, or those of any new file (the umask), not mkstemp's private 0600.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _cannot(path, "write", exc) from None
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        try:
            os.chmod(tmp, _new_file_mode(path))
            os.replace(tmp, path)
        except OSError as exc:  # e.g. the target became a folder: one line, the temporary removed
            raise _cannot(path, "write", exc) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def held_interrupts(signals=(signal.SIGINT, signal.SIGTERM)):
    """Hold Ctrl-C and ``kill`` (SIGINT, SIGTERM) while the block runs; deliver them after.

    For a commit of several files (a few unlinks and renames, microseconds): interrupted
    between two of them, a folder would mix two commands' outputs. Only SIGKILL or the
    machine stopping can still cut the block short. Handlers are replaced, not the signal
    mask blocked, because a signal may be delivered to another thread (tqdm's monitor) where
    a mask set here would not hold it. Outside the main thread (where Python cannot set
    handlers) the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = {s: signal.signal(s, lambda signum, frame: received.append(signum)) for s in signals}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        for s in dict.fromkeys(received):
            signal.raise_signal(s)  # now handled as it would have been: KeyboardInterrupt, exit


def atomic_save_npy(path, array):
    """``np.save`` through :func:`atomic_write`."""
    import numpy as np

    with atomic_write(path, "wb") as f:
        np.save(f, array, allow_pickle=False)


def file_sha256(path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks (a file's identity: cache entries,
    downloads, models and inputs of the loop, cluster manifests)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()
