"""Where xproj keeps downloaded resources and caches.

``XPROJ_DATA`` overrides the location; otherwise the platform's user cache directory is used
(``~/.cache/xproj`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """Root directory for downloaded resources (``$XPROJ_DATA`` or the user cache dir)."""
    env = os.environ.get("XPROJ_DATA")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("xproj", appauthor=False))


def cache_dir() -> Path:
    """Directory of derived caches (memory-mappable ``.npy`` matrices of vector files)."""
    env = os.environ.get("XPROJ_CACHE")
    if env:
        return Path(env).expanduser()
    return data_dir() / "cache"


def shared_dir() -> Path:
    """The shared real-data folder of a development checkout: ``$XPROJ_SHARED`` or
    ``../shared`` beside the repository. It may not exist (users have their own data)."""
    env = os.environ.get("XPROJ_SHARED")
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[2] / "shared"
