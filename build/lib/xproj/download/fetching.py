"""The entry points :func:`fetch` and :func:`resolve`: what is cached is returned, what is not
is cut from a larger cached copy or downloaded, and offline (or unreachable) a missing resource
raises one :class:`~xproj.errors.ResourceNotFoundError` saying where to put the file by hand."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ResourceNotFoundError
from ..resources import MARC_LAYOUT, Resource, lookup
from .cache import cache_path, is_complete
from .lock import check_against_lock, is_locked
from .transfer import TIMEOUT, NetworkDown, TransferStats
from .mirror import mirror_url
from .progress import progress_enabled
from .sidecar import check_recorded
from .top import derive_top_locally, fetch_top
from .whole import fetch_files, fetch_whole


def is_offline(offline: bool = False) -> bool:
    """True when ``offline`` is set or ``XPROJ_OFFLINE`` is ``1``/``true``/``yes``."""
    env = os.environ.get("XPROJ_OFFLINE", "").strip().lower()
    return bool(offline) or env in ("1", "true", "yes", "on")


def fetch(
    spec_or_resource,
    *,
    top: int | None = None,
    offline: bool = False,
    data_dir=None,
    progress: bool = True,
    retries: int = 3,
    timeout: float = TIMEOUT,
    return_stats: bool = False,
) -> Path | tuple[Path, TransferStats]:
    """Make sure a resource is in the data directory and return its local path.

    Parameters
    ----------
    spec_or_resource : str or Resource
        A spec (``"aligned:es@50000"``, ``"dict:en-es@train"``, ``"opener:es"``) or a record
        from :func:`xproj.resources.lookup`.
    top : int, optional
        Keep only the ``top`` most frequent words (text vectors); same as ``@top`` in the spec.
    offline : bool
        Never touch the network (also ``XPROJ_OFFLINE=1``): return the cached file or raise.
    data_dir : str or Path, optional
        Root of the cache; default :func:`xproj.paths.data_dir`.
    progress : bool
        Show tqdm progress bars on stderr (never when the ``CI`` variable is set).
    retries : int
        How many times a dropped connection is resumed before giving up.
    timeout : float
        Seconds to wait for the server before a connection counts as dropped.
    return_stats : bool
        Also return what was transferred.

    Returns
    -------
    path : Path
        The file (or, for datasets made of several files, the directory).
    stats : TransferStats
        Only with ``return_stats=True``: ``(path, stats)``; all zero when nothing was
        downloaded.

    Raises
    ------
    ResourceNotFoundError
        Offline or unreachable and not cached; the message says where to put the file by hand.
    ChecksumError
        The file does not match the registry's size or SHA-256, the lock file's (``XPROJ_LOCK``
        or ``./xproj.lock.json``), or, cached, the sidecar xproj wrote with it; a new download
        that does not match is deleted.
    InputFormatError
        The download is truncated or malformed (nothing is left cached).
    """
    stats = TransferStats()
    path = _fetch(lookup(spec_or_resource), top, offline, data_dir, stats,
                  progress=progress_enabled(progress), retries=retries, timeout=timeout)
    return (path, stats) if return_stats else path


def _fetch(resource: Resource, top, offline, data_dir, stats: TransferStats, **opts) -> Path:
    """:func:`fetch`, counting what is transferred in ``stats``."""
    if top is not None:
        resource = resource.with_top(top)
    dest = cache_path(resource, data_dir)
    if is_complete(resource, dest):
        if is_locked(resource):
            check_against_lock(resource, dest, fresh=False)
        else:
            check_recorded(dest)
        return dest
    if resource.format == "user":
        return _user_supplied(resource, dest)
    path = _make(resource, dest, offline, data_dir, stats, **opts)
    check_against_lock(resource, path, fresh=True)
    return path


def _make(resource: Resource, dest: Path, offline, data_dir, stats: TransferStats, **opts) -> Path:
    """Cut ``resource`` from a larger cached copy, or download it."""
    if resource.top is not None:
        local = derive_top_locally(resource, dest, data_dir)
        if local is not None:
            return local
    if is_offline(offline):
        raise _missing(resource, dest, "xproj is offline (offline=True, --offline or XPROJ_OFFLINE=1)")
    try:
        if resource.files:
            return fetch_files(resource, dest, stats=stats, **opts)
        if resource.top is not None:
            return fetch_top(resource, dest, stats=stats, **opts)
        return fetch_whole(resource, dest, stats=stats, **opts)
    except NetworkDown as exc:
        raise _missing(resource, dest, str(exc)) from None


def resolve(spec_or_path, *, offline: bool = False, data_dir=None, progress: bool = True) -> Path:
    """Turn a config value into a local path: an existing path as is, a spec via :func:`fetch`
    (:func:`xproj.locate.locate`, which also expands ``{shared}`` and ``{data}``).

    Parameters
    ----------
    spec_or_path : str, Path or Resource
        ``"~/vectors/es.vec"`` (returned when it exists) or ``"aligned:es@50000"``.
    offline, data_dir, progress
        As in :func:`fetch`.

    Returns
    -------
    Path

    Raises
    ------
    ResourceNotFoundError
        A path that does not exist and is not a spec either, or a spec that cannot be fetched.
    """
    if isinstance(spec_or_path, Resource):
        return fetch(spec_or_path, offline=offline, data_dir=data_dir, progress=progress)
    # One resolver for every caller: this name stays for code written against it.
    from ..locate import locate

    return locate(spec_or_path, "resource", offline=offline, data_dir=data_dir, progress=progress)


def _user_supplied(resource: Resource, dest: Path) -> Path:
    env = os.environ.get("XPROJ_MARC")
    if env and Path(env).expanduser().is_dir():
        return Path(env).expanduser()
    raise ResourceNotFoundError(
        f"{resource.name}: {resource.description}.\nExpected it at {dest}"
        + (f" (XPROJ_MARC={env} does not exist)" if env else "")
        + f".\n{MARC_LAYOUT.replace('<data_dir>', str(dest.parent.parent))}"
    )


def _missing(resource: Resource, dest: Path, reason: str) -> ResourceNotFoundError:
    lines = [f"{resource.name} ({resource.description}) is not in the cache and {reason}."]
    if resource.files:
        lines.append(f"Put its {len(resource.files)} files by hand under {dest}/:")
        for rel, url in resource.files:
            lines.append(f"  {mirror_url(url)}\n      -> {dest / rel}")
    else:
        url = mirror_url(resource.url)
        lines.append(f"  URL:  {url}")
        lines.append(f"  Put the file by hand at: {dest}")
        if resource.top is not None:
            whole = dest.parent / Path(lookup(resource.name.split("@", 1)[0]).filename).name
            lines.append(
                f"  (or put the whole file at {whole}: the top {resource.top} words are cut from it)"
            )
        if resource.format == "bin.gz":
            lines.append("  (that is the file at the URL, decompressed with gunzip)")
    return ResourceNotFoundError("\n".join(lines))
