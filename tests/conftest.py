from pathlib import Path

import pytest

from xproj.paths import shared_dir

SHARED = shared_dir()


def shared_file(*parts) -> Path:
    """A file of ../shared, or skip the test cleanly when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not present (set XPROJ_SHARED to the shared data folder)")
    return p


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    # Tests never write into the user's cache; each gets its own.
    monkeypatch.setenv("XPROJ_DATA", str(tmp_path / "xproj-data"))
    monkeypatch.delenv("XPROJ_CACHE", raising=False)
