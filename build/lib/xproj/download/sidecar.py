"""Size and SHA-256 of a file xproj wrote into the cache (a top-N ``.vec`` cut locally or fetched
over ranges, a whole download), recorded beside it in ``<name>.sha256.json`` so that later loads
can check it is still what was written, and a lock file can be made without hashing again.

The record also holds the file's modification time: a load whose file has the recorded size and
time is not hashed again (a multi-GB ``.vec`` would take seconds); any other is.
"""

from __future__ import annotations

import json
from pathlib import Path

from .._io import atomic_write, file_sha256
from .verify import ChecksumError


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256.json")


def record(path: Path, source: str | None = None) -> dict:
    """Hash ``path`` and record its size and SHA-256 beside it; return the record."""
    stat = path.stat()
    entry = {"size": stat.st_size, "sha256": file_sha256(path), "mtime_ns": stat.st_mtime_ns}
    if source:
        entry["source"] = source
    with atomic_write(sidecar_path(path), "w") as f:
        json.dump(entry, f, indent=1)
    return entry


def recorded(path: Path) -> dict | None:
    """The record beside ``path``, or ``None`` when there is none (or it cannot be read)."""
    try:
        entry = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict):
        return None
    return entry if isinstance(entry.get("size"), int) and isinstance(entry.get("sha256"), str) else None


def size_and_sha256(path: Path) -> tuple[int, str]:
    """``(size, sha256)`` of ``path``: from its record when the file has not been touched since."""
    stat = path.stat()
    entry = recorded(path)
    if entry and entry["size"] == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns:
        return entry["size"], entry["sha256"]
    return stat.st_size, file_sha256(path)


def mismatch(path: Path, size: int | None, sha256: str | None) -> str | None:
    """``"size A, expected B"`` or ``"sha256 A, expected B"`` when ``path`` differs, else ``None``."""
    actual_size = path.stat().st_size
    if size is not None and actual_size != size:
        return f"size {actual_size}, expected {size}"
    if sha256:
        _, actual = size_and_sha256(path)
        if actual.lower() != sha256.lower():
            return f"sha256 {actual}, expected {sha256}"
    return None


def check_recorded(path: Path) -> None:
    """Raise :class:`ChecksumError` when ``path`` no longer matches its record (if it has one)."""
    entry = recorded(path)
    if entry is None or not path.is_file():
        return
    problem = mismatch(path, entry["size"], entry["sha256"])
    if problem:
        raise ChecksumError(
            f"{path}: {problem} (recorded in {sidecar_path(path).name} when xproj wrote it); "
            "delete both files to fetch it again"
        )
