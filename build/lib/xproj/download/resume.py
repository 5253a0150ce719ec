"""Whether a ``.part`` file may be resumed: the validator (``ETag`` or ``Last-Modified``) of the
version it holds, recorded beside it in ``<name>.part.json`` when its transfer started.

A ``.part`` without a record (a crashed run, a server that sent no validator, a file put there
by something else) cannot be checked against the server's current version, so it is restarted
from zero rather than resumed: resuming it blindly could splice two versions of the file.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from .._io import atomic_write


def _record_path(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def recorded_validator(part: Path, url: str) -> str | None:
    """The validator recorded for ``part`` when it was fetched from ``url``, or ``None``."""
    try:
        record = json.loads(_record_path(part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("url") != url:
        return None  # another mirror may serve another version
    value = record.get("validator")
    return value if isinstance(value, str) and value else None


def record_validator(part: Path, url: str, value: str | None) -> None:
    """Record the version a new transfer into ``part`` holds (forget it when there is none)."""
    if value is None:
        forget(part)
        return
    with atomic_write(_record_path(part), "w") as f:
        json.dump({"url": url, "validator": value}, f)


def forget(part: Path) -> None:
    """Remove the record of ``part`` (once renamed into the cache, or when it is discarded)."""
    with contextlib.suppress(FileNotFoundError):
        _record_path(part).unlink()


def discard(part: Path) -> None:
    """Remove ``part`` and its record: the next transfer starts from zero."""
    with contextlib.suppress(FileNotFoundError):
        part.unlink()
    forget(part)
