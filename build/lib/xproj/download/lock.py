"""Lock files: the URL, size and SHA-256 of each resource in the cache, written by
``xproj download lock`` for the user to commit, and checked by :func:`~xproj.download.fetch`.

The registry knows no checksums (the publishers give none), so a lock file is how a project
pins the exact files it was run with. :func:`fetch` uses the one named by ``XPROJ_LOCK``, else
``./xproj.lock.json`` when there is one; a resource it does not list is not checked.

Format (JSON)::

    {"version": 1, "resources": {
        "dict:en-es": {"file": "dictionaries/en-es.txt", "url": "...", "size": 1234, "sha256": "..."},
        "opener:es": {"file": "datasets/opener/es", "files": {"train/pos.txt": {"url": ..., ...}}}}}
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from .. import paths
from .._io import atomic_write
from ..errors import ConfigError, InputFormatError
from ..resources import Resource, lookup, spec_of_filename
from .cache import is_complete
from .sidecar import mismatch, sidecar_path, size_and_sha256
from .verify import ChecksumError

LOCK_ENV = "XPROJ_LOCK"
LOCK_NAME = "xproj.lock.json"


def lock_path() -> Path | None:
    """The lock file in use: ``$XPROJ_LOCK`` (which must exist), else ``./xproj.lock.json`` if any."""
    named = os.environ.get(LOCK_ENV, "").strip()
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ConfigError(f"{LOCK_ENV}={named}: no such lock file (write one with 'xproj download lock')")
        return path
    here = Path(LOCK_NAME)
    return here if here.is_file() else None


def read_lock(path: Path) -> dict:
    """``{spec: entry}`` from a lock file; one :class:`InputFormatError` when it is malformed."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputFormatError(path, f"not a readable lock file ({exc})") from None
    entries = data.get("resources") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or not all(isinstance(e, dict) for e in entries.values()):
        raise InputFormatError(path, "not a lock file: expected {\"resources\": {spec: {size, sha256, ...}}}")
    return entries


def locked_entries() -> tuple[Path | None, dict]:
    """The lock file in use (or ``None``) and its entries."""
    path = lock_path()
    return path, (read_lock(path) if path else {})


def check_against_lock(resource: Resource, dest: Path, *, fresh: bool) -> None:
    """Compare ``dest`` with the lock file's entry for ``resource`` (if any); on a mismatch raise
    :class:`ChecksumError` naming the file, expected and actual, after deleting a ``fresh`` file."""
    path, entries = locked_entries()
    entry = entries.get(resource.name)
    if entry is None:
        return
    for file, expected in _expected_files(resource, dest, entry):
        problem = mismatch(file, expected.get("size"), expected.get("sha256"))
        if problem:
            if fresh:
                for leftover in (file, sidecar_path(file)):
                    with contextlib.suppress(FileNotFoundError):
                        leftover.unlink()
            todo = ("the download was deleted" if fresh else
                    "delete it to fetch it again, or run 'xproj download lock' to accept this version")
            raise ChecksumError(f"{file}: {problem} ({path}: {resource.name}); {todo}")


def is_locked(resource: Resource) -> bool:
    """Whether :func:`check_against_lock` has something to check for ``resource``."""
    return resource.name in locked_entries()[1]


def _expected_files(resource: Resource, dest: Path, entry: dict):
    if resource.files:
        listed = entry.get("files") if isinstance(entry.get("files"), dict) else {}
        return [(dest / rel, listed[rel]) for rel, _ in resource.files if isinstance(listed.get(rel), dict)]
    return [(dest, entry)]


def write_lock(target: Path, data_dir=None) -> dict:
    """Write a lock file of every complete resource in the cache; return its entries."""
    root = Path(data_dir).expanduser() if data_dir is not None else paths.data_dir()
    entries = {}
    for found in sorted(root.rglob("*")) if root.is_dir() else ():
        relative = found.relative_to(root).as_posix()
        spec = spec_of_filename(relative)
        if spec is not None and is_complete(lookup(spec), found):
            entries[spec] = _entry(lookup(spec), found, relative)
    with atomic_write(target, "w") as f:
        json.dump({"version": 1, "resources": entries}, f, indent=2, sort_keys=True)
        f.write("\n")
    return entries


def _entry(resource: Resource, found: Path, relative: str) -> dict:
    if resource.files:
        return {"file": relative, "files": {rel: _file(found / rel, url) for rel, url in resource.files}}
    return {"file": relative, **_file(found, resource.url)}


def _file(path: Path, url: str) -> dict:
    size, sha256 = size_and_sha256(path)
    return {"url": url, "size": size, "sha256": sha256}
