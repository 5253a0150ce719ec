"""The one way to turn a configured location into a local path: a path (``{shared}`` and
``{data}`` expanded) that exists, else a resource spec fetched through :mod:`xproj.download`.

Examples
--------
>>> locate("{shared}/vectors/es.vec", "vectors.paths.es")   # doctest: +SKIP
PosixPath('/work/shared/vectors/es.vec')
>>> locate("aligned:es@200000", "vectors.paths.es")         # doctest: +SKIP
PosixPath('/home/me/.cache/xproj/vectors/wiki.es.align.top200000.vec')
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ResourceNotFoundError

__all__ = ["PLACEHOLDERS", "expand", "is_spec", "locate"]

#: the placeholders :func:`expand` replaces in a configured location
PLACEHOLDERS = ("{shared}", "{data}")
_SPEC_EXAMPLES = "'aligned:es@200000', 'dict:en-es@train', 'opener:es'; see 'xproj download list'"


def expand(value) -> str:
    """``value`` with ``{shared}`` (the shared data folder) and ``{data}`` (the download cache)
    replaced; other braces (``{lang}``, ``{split}``) are left for the caller."""
    from .paths import data_dir, shared_dir

    text = os.fspath(value)
    if "{shared}" in text:
        text = text.replace("{shared}", str(shared_dir()))
    if "{data}" in text:
        text = text.replace("{data}", str(data_dir()))
    return text


def is_spec(value) -> bool:
    """Whether ``value`` is shaped like a resource spec of a known source (``opener:es``,
    ``marc``); whether that source has it is for :func:`xproj.resources.lookup` to say."""
    from .resources import UnknownResourceError, parse_spec

    if not isinstance(value, str):
        return False
    try:
        parse_spec(value)
    except UnknownResourceError:
        return False
    return True


def locate(value, what: str, *, offline: bool = False, data_dir=None, progress: bool = True) -> Path:
    """A local path for a configured file or folder.

    Parameters
    ----------
    value : str or Path
        A path (``~``, ``{shared}``, ``{data}`` expanded) or a resource spec.
    what : str
        The option or argument the value comes from, named in the error (``"data.root"``).
    offline, data_dir, progress
        For a spec, as in :func:`xproj.download.fetch`.

    Returns
    -------
    Path
        The existing path, or where the spec's resource is in the cache (fetched if needed).

    Raises
    ------
    ResourceNotFoundError
        Empty, or neither an existing path nor a spec; or a spec that cannot be fetched
        (offline or unreachable: the message says where to put the file by hand).
    """
    text, path = check_location(value, what)
    if path.exists():
        return path
    from .download import fetch

    return fetch(text, offline=offline, data_dir=data_dir, progress=progress)


def empty_problem(value, what: str) -> str | None:
    """The line saying that ``value`` (of option ``what``) is empty, or None: a problem of the
    option itself, which :mod:`xproj.config` refuses (exit 2) before any work."""
    if str(value).strip():
        return None
    return f"{what} is empty: give a path or a resource spec ({_SPEC_EXAMPLES})"


def check_location(value, what: str) -> tuple[str, Path]:
    """What :func:`locate` refuses without fetching anything (for options checked before any
    work): :class:`ResourceNotFoundError` when ``value`` is empty or neither an existing path
    nor a resource spec. Returns the expanded text and its path."""
    problem = empty_problem(value, what)
    if problem:
        raise ResourceNotFoundError(problem)
    text = expand(value).strip()
    path = Path(text).expanduser()
    if path.exists() or is_spec(text):
        return text, path
    raise ResourceNotFoundError(f"{what}: {path}: no such file, and not a resource spec either (e.g. {_SPEC_EXAMPLES})")
