"""Check a download against the size and SHA-256 the registry gives for it."""

from __future__ import annotations

from pathlib import Path

from ..errors import XprojError
from .._io import file_sha256
from ..resources import Resource


class ChecksumError(XprojError):
    """A downloaded file does not match the size or SHA-256 the registry gives for it."""


def verify_download(url: str, part: Path, resource: Resource | None) -> None:
    """Check size and SHA-256 against the registry; delete the download when they differ."""
    if resource is None:
        return
    size = part.stat().st_size
    problem = None
    if resource.size is not None and size != resource.size:
        problem = f"size {size} bytes, expected {resource.size}"
    elif resource.sha256:
        digest = file_sha256(part)
        if digest.lower() != resource.sha256.lower():
            problem = f"sha256 {digest}, expected {resource.sha256}"
    if problem:
        part.unlink()
        raise ChecksumError(
            f"{url}: the downloaded file does not match the registry ({problem}). "
            "It was deleted; try again, and if it persists, check XPROJ_MIRROR or report it."
        )
