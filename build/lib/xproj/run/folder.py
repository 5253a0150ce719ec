"""A run's folder is one complete run or nothing: written beside its place, then swapped in.

A run writes into a hidden temporary folder next to its target (``.<name>.<pid>.<random>
.partial``) and renames it into place when every file is written; an earlier run's folder is
renamed aside (``.old``) and removed. Two runs into the same place therefore never mix their
files (the last to finish wins), and a run that dies half-way leaves the previous result as
it was. A place that exists but is not a run folder (user files in it) is never replaced.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import shutil
import uuid
from pathlib import Path

from ..errors import ConfigError, XprojError

#: what a run writes; a folder holding anything else is not replaced
RUN_FILES = ("metrics.json", "report.md", "config.toml", "versions.json", "confusion-*.png", "pca-*.png",
             "reliability-*.png", "model-*.joblib", "model-*.joblib.json", "mapping-*.npy", "mapping-*.json",
             "mapping-*.instance.npz")
_SWAP_ATTEMPTS = 5


def is_run_folder(path, files=RUN_FILES, marker="metrics.json") -> bool:
    """True for an empty folder or one holding only ``files`` (name patterns), ``marker``
    among them: by default, the files a run writes (with its metrics)."""
    names = [p.name for p in Path(path).iterdir()]
    foreign = [n for n in names if not any(fnmatch.fnmatch(n, pattern) for pattern in files)]
    return not names or (not foreign and marker in names)


def check_run_place(out, option, **kinds) -> None:
    """Raise :class:`ConfigError` (naming ``option``) unless ``out`` can take a run folder:
    absent, an empty folder or an earlier run's folder, under folders (not files).
    ``kinds``: ``files`` and ``marker`` of :func:`is_run_folder` (another command's folder)."""
    out = Path(os.path.abspath(out))
    if out == Path.cwd() or out in Path.cwd().parents:
        raise ConfigError(f"{option}: {out} is the current folder or holds it; name a folder of its own")
    blocker = next((p for p in [out, *out.parents] if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise ConfigError(f"{option}: {blocker} is a file, expected a folder (a run writes a folder)")
    parent = next(p for p in out.parents if p.exists())  # where the folder is staged and swapped in
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError(f"{option}: {out}: cannot write in {parent} (permission denied)")
    if out.is_dir() and not is_run_folder(out, **kinds):
        foreign = sorted(p.name for p in out.iterdir())[:3]
        raise ConfigError(f"{option}: {out} exists and is not a run folder (it holds {', '.join(foreign)}, ...); "
                          "choose another place: a run replaces only an earlier run's folder")


@contextlib.contextmanager
def staged_run_dir(out, option="output folder", **kinds):
    """Yield an empty temporary folder beside ``out``; when the block ends without error it
    replaces ``out`` whole, else it is removed and ``out`` is left as it was. ``kinds``: the
    folder's ``files`` and ``marker`` when it is not a run's (:func:`is_run_folder`)."""
    out = Path(os.path.abspath(out))
    check_run_place(out, option, **kinds)
    tmp = _sibling(out, "partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(out)
        tmp.mkdir()  # not mkdtemp: the run folder gets the usual permissions (umask), not 0700
    except OSError as exc:  # checked above; a disk or a folder that changed since
        raise XprojError(f"{option}: {out}: cannot write it: {(exc.strerror or str(exc)).lower()}") from None
    try:
        yield tmp
        _swap_into_place(tmp, out, option, kinds)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _sibling(out: Path, kind: str) -> Path:
    """A unique hidden name beside ``out``: ``.<name>.<pid>.<random>.<kind>``."""
    return out.parent / f".{out.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.{kind}"


def _swap_into_place(new: Path, out: Path, option, kinds) -> None:
    for _ in range(_SWAP_ATTEMPTS):
        check_run_place(out, option, **kinds)  # again: the place may have changed during the run
        old = _sibling(out, "old")
        with contextlib.suppress(FileNotFoundError):
            os.replace(out, old)
        try:
            os.replace(new, out)
            return
        except OSError:  # another run swapped its folder in between: set that one aside too
            continue
        finally:
            shutil.rmtree(old, ignore_errors=True)
    raise ConfigError(f"{option}: {out} keeps being replaced by other runs; run them one at a time")


def remove_stale(out) -> None:
    """Remove temporary folders of ``out`` left by runs that died (their process is gone)."""
    from .._io import remove_dead_folders

    out = Path(out)
    remove_dead_folders(out.parent, re.compile(rf"\.{re.escape(out.name)}\.(\d+)\.\w+\.(partial|old)"))
