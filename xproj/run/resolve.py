"""Configured locations: ``{shared}``/``{data}`` expansion and "path or registry spec"."""

from __future__ import annotations

from pathlib import Path

from ..errors import ResourceNotFoundError


def expand(value: str) -> str:
    """Expand ``{shared}`` and ``{data}`` in a configured path."""
    from ..paths import data_dir, shared_dir

    return value.replace("{shared}", str(shared_dir())).replace("{data}", str(data_dir()))


def resolve_path(value: str, what: str) -> Path:
    """A configured file: a path (after expansion) or a registry spec fetched to the cache."""
    value = expand(value)
    p = Path(value).expanduser()
    if p.exists():
        return p
    if ":" in value and not value.startswith(("/", ".")) and not Path(value).drive:
        from ..download import resolve

        return Path(resolve(value))
    raise ResourceNotFoundError(f"{what}: {p} does not exist")
