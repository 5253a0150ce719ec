"""The cache: where a resource is (or would be) stored, and what the cache already holds."""

from __future__ import annotations

import re
from pathlib import Path

from .. import paths
from ..resources import Resource, lookup


def cache_path(resource, data_dir=None) -> Path:
    """Where ``resource`` (a :class:`Resource` or spec) is, or would be, cached."""
    resource = lookup(resource)
    root = Path(data_dir).expanduser() if data_dir is not None else paths.data_dir()
    return root / resource.filename


def is_complete(resource: Resource, dest: Path) -> bool:
    if resource.files:
        return all((dest / rel).is_file() for rel, _ in resource.files)
    if resource.format == "user":
        return dest.is_dir()
    return dest.is_file()


def top_candidates(resource: Resource, dest: Path, data_dir):
    """Cached files that hold at least the wanted top words, smallest first."""
    base = lookup(resource.name.split("@", 1)[0])
    whole = cache_path(base, data_dir)
    found = []
    stem = dest.name[: dest.name.index(".top")]
    pattern = re.compile(re.escape(stem) + r"\.top(\d+)\.vec$")
    if dest.parent.is_dir():
        for p in dest.parent.iterdir():
            m = pattern.match(p.name)
            if m and int(m.group(1)) >= resource.top:
                found.append((int(m.group(1)), p))
    found.sort()
    if whole.is_file():
        found.append((float("inf"), whole))
    return [p for _, p in found]
