"""Fetch the resources of :mod:`xproj.resources` into the data directory, and only what is needed.

* **Top N words.** Published ``.vec`` files list words by decreasing frequency, so the N most
  frequent words are the first N lines. :func:`fetch` asks for them with HTTP ``Range``
  requests: the first range is an estimate (``N * dim * 8`` bytes), each further range is
  sized from the average line length seen so far (plus 5 %), until N complete lines have
  arrived; the file written says ``N dim`` in its header. A server that ignores ``Range``
  (answers 200) is read as a stream and the connection is closed after N lines. ``.gz``
  sources are decompressed on the fly (``zlib``, ``wbits=31``) and read the same way.
* **Whole files** go to ``<name>.part`` and are renamed when complete: an interrupted download
  resumes from the size of the ``.part`` file (``Range: bytes=<size>-``), also automatically
  when the connection drops mid-transfer. The SHA-256 is checked where the registry knows it;
  on a mismatch the download is deleted and :class:`ChecksumError` raised.
* **Offline.** With ``offline=True``, ``--offline`` or ``XPROJ_OFFLINE=1``, and whenever the
  network cannot be reached, a missing resource raises one :class:`ResourceNotFoundError`
  naming the resource, the URL and the exact path where the file can be put by hand.
* **Mirror.** ``XPROJ_MIRROR`` (a URL prefix) replaces ``https://dl.fbaipublicfiles.com``; other
  hosts are looked up under ``<mirror>/<host>/...`` (``raw.githubusercontent.com``,
  ``zenodo.org``). This is how tests point the real registry at a local server.

Everything lands under :func:`xproj.paths.data_dir` (``$XPROJ_DATA`` or the user cache dir):
``vectors/``, ``dictionaries/``, ``datasets/``. Use :func:`resolve` to turn a config value
(a path or a spec such as ``aligned:es@50000``) into a local path.

Examples
--------
>>> path = resolve("aligned:es@50000")            # doctest: +SKIP
>>> path.name                                      # doctest: +SKIP
'wiki.es.align.top50000.vec'
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import os
import re
import shutil
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

from . import paths
from ._io import atomic_write, open_binary
from .errors import InputFormatError, ResourceNotFoundError, XprojError
from .resources import FB_BASE_URL, MARC_LAYOUT, Resource, list_resources, lookup

__all__ = [
    "ChecksumError",
    "TransferStats",
    "base_url",
    "mirror_url",
    "is_offline",
    "cache_path",
    "fetch",
    "resolve",
    "configure_parser",
    "run_from_args",
]

#: Default host of the fastText / MUSE files (``XPROJ_MIRROR`` overrides it).
BASE_URL = FB_BASE_URL
USER_AGENT = "xproj-downloader/0.1 (+https://github.com/)"
TIMEOUT = 30.0  # seconds without data before a transfer counts as dropped
_BLOCK = 1 << 16
_MIN_RANGE = 1 << 16
_PROBE = 1 << 18  # first range at most 256 KiB: enough for the header and line statistics
_MAX_HEADER = 1 << 20  # a .vec header line longer than this means the file is not a .vec

# Errors after which the transfer may be resumed (or, with no progress, the network is down).
_NETWORK_ERRORS = (
    urllib.error.URLError,
    http.client.HTTPException,  # IncompleteRead, RemoteDisconnected, BadStatusLine
    ConnectionError,
    socket.timeout,
    TimeoutError,
    OSError,
)


class ChecksumError(XprojError):
    """A downloaded file does not match the size or SHA-256 the registry gives for it."""


class _Interrupted(Exception):
    """The server closed the connection before sending everything it announced."""


@dataclass
class TransferStats:
    """What one :func:`fetch` transferred (``fetch(..., return_stats=True)``; for benchmarks
    and tests).

    Attributes
    ----------
    bytes : int
        Bytes received from the network.
    requests : int
        HTTP requests made.
    ranged : bool
        The server answered a ``Range`` request with part of the file.
    resumed : bool
        A whole-file download continued a ``.part`` file.
    """

    bytes: int = 0
    requests: int = 0
    ranged: bool = False
    resumed: bool = False


def __getattr__(name):
    if name == "last_stats":  # a module global until xproj 0.1
        raise AttributeError("xproj.download.last_stats was removed: "
                             "fetch(..., return_stats=True) returns (path, TransferStats)")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- URLs, cache paths, offline ----------------------------------------------------------


def base_url() -> str:
    """The prefix that replaces ``https://dl.fbaipublicfiles.com``: ``$XPROJ_MIRROR`` or that host."""
    return os.environ.get("XPROJ_MIRROR", "").strip().rstrip("/") or BASE_URL


def mirror_url(url: str) -> str:
    """``url`` rewritten to the mirror named by ``XPROJ_MIRROR``, if any.

    fastText/MUSE paths go to the mirror's root (``<mirror>/fasttext/...``); other hosts go to
    ``<mirror>/<host>/<path>`` so one mirror can serve the GitHub and Zenodo files too.
    """
    mirror = os.environ.get("XPROJ_MIRROR", "").strip().rstrip("/")
    if not mirror:
        return url
    if url.startswith(BASE_URL):
        return mirror + url[len(BASE_URL) :]
    parts = urllib.parse.urlsplit(url)
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{mirror}/{parts.netloc}{rest}"


def is_offline(offline: bool = False) -> bool:
    """True when ``offline`` is set or ``XPROJ_OFFLINE`` is ``1``/``true``/``yes``."""
    env = os.environ.get("XPROJ_OFFLINE", "").strip().lower()
    return bool(offline) or env in ("1", "true", "yes", "on")


def _progress_enabled(progress: bool) -> bool:
    # CI logs fill up with progress bars redrawn thousands of times.
    return bool(progress) and not os.environ.get("CI")


def cache_path(resource, data_dir=None) -> Path:
    """Where ``resource`` (a :class:`Resource` or spec) is, or would be, cached."""
    resource = lookup(resource)
    root = Path(data_dir).expanduser() if data_dir is not None else paths.data_dir()
    return root / resource.filename


# --- public entry points ---------------------------------------------------------------------


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
        The download does not match the registry's size or SHA-256 (nothing is left cached).
    """
    stats = TransferStats()
    path = _fetch(lookup(spec_or_resource), top, offline, data_dir, stats,
                  progress=_progress_enabled(progress), retries=retries, timeout=timeout)
    return (path, stats) if return_stats else path


def _fetch(resource: Resource, top, offline, data_dir, stats: TransferStats, **opts) -> Path:
    """:func:`fetch`, counting what is transferred in ``stats``."""
    if top is not None:
        resource = resource.with_top(top)
    dest = cache_path(resource, data_dir)
    if _is_complete(resource, dest):
        return dest
    if resource.format == "user":
        return _user_supplied(resource, dest)
    if resource.top is not None:
        local = _derive_top_locally(resource, dest, data_dir)
        if local is not None:
            return local
    if is_offline(offline):
        raise _missing(resource, dest, "xproj is offline (offline=True, --offline or XPROJ_OFFLINE=1)")
    try:
        if resource.files:
            return _fetch_files(resource, dest, stats=stats, **opts)
        if resource.top is not None:
            return _fetch_top(resource, dest, stats=stats, **opts)
        return _fetch_whole(resource, dest, stats=stats, **opts)
    except _NetworkDown as exc:
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
    from .locate import locate

    return locate(spec_or_path, "resource", offline=offline, data_dir=data_dir, progress=progress)


# --- cache state -----------------------------------------------------------------------------


def _is_complete(resource: Resource, dest: Path) -> bool:
    if resource.files:
        return all((dest / rel).is_file() for rel, _ in resource.files)
    if resource.format == "user":
        return dest.is_dir()
    return dest.is_file()


def _user_supplied(resource: Resource, dest: Path) -> Path:
    env = os.environ.get("XPROJ_MARC")
    if env and Path(env).expanduser().is_dir():
        return Path(env).expanduser()
    raise ResourceNotFoundError(
        f"{resource.name}: {resource.description}.\nExpected it at {dest}"
        + (f" (XPROJ_MARC={env} does not exist)" if env else "")
        + f".\n{MARC_LAYOUT.replace('<data_dir>', str(dest.parent.parent))}"
    )


def _top_candidates(resource: Resource, dest: Path, data_dir):
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


def _derive_top_locally(resource: Resource, dest: Path, data_dir) -> Path | None:
    """Cut the top N words out of a larger cached copy (a whole file or a bigger top-M file)."""
    for source in _top_candidates(resource, dest, data_dir):
        with open_binary(source) as f, atomic_write(dest, "wb") as out:
            sink = _TopLines(out, resource.top, source=str(source))
            while not sink.done:
                block = f.read(1 << 20)
                if not block:
                    break
                sink.feed(block)
            sink.finish()
        if sink.count < resource.top:
            _rewrite_header(dest, sink.count, sink.dim)
        return dest
    return None


# --- errors ----------------------------------------------------------------------------------


class _NetworkDown(Exception):
    """The server cannot be reached; carries a one-line reason."""


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


def _reason(url: str, exc: BaseException) -> str:
    detail = getattr(exc, "reason", None) or exc
    return f"the network is unreachable (could not get {url}: {detail})"


# --- HTTP ------------------------------------------------------------------------------------


def _open(url: str, timeout: float, stats: TransferStats, start: int | None = None, end: int | None = None):
    """GET ``url`` (optionally a byte range); HTTP errors other than 416 raise XprojError."""
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if start is not None:
        headers["Range"] = f"bytes={start}-" + ("" if end is None else str(end))
    stats.requests += 1
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416:
            return exc  # range starts past the end: the caller decides
        raise ResourceNotFoundError(
            f"{url}: the server answered {exc.code} {exc.reason}"
            + (" (no such file: check the language code and the mirror)" if exc.code == 404 else "")
        ) from None
    except _NETWORK_ERRORS as exc:
        raise _NetworkDown(_reason(url, exc)) from None


def _content_range(resp) -> tuple[int | None, int | None]:
    """``(first byte, total size)`` from a ``Content-Range`` header (``None`` when absent)."""
    value = resp.headers.get("Content-Range", "")
    m = re.match(r"bytes\s+(\d+|\*)(?:-\d+)?/(\d+|\*)", value)
    if not m:
        return None, None
    first = None if m.group(1) == "*" else int(m.group(1))
    total = None if m.group(2) == "*" else int(m.group(2))
    return first, total


def _progress_bar(enabled: bool, **kwargs):
    if not enabled:
        return contextlib.nullcontext(_NoBar())
    from tqdm.auto import tqdm

    return tqdm(file=sys.stderr, dynamic_ncols=True, miniters=1, **kwargs)


class _NoBar:
    def update(self, n=1):
        pass

    def set_postfix_str(self, s):
        pass


# --- top N words by ranges ----------------------------------------------------------------


class _TopLines:
    """Write the header and the first ``top`` lines of a ``.vec`` byte stream to ``out``.

    Bytes come in arbitrary blocks; only complete lines are written. The header written says
    ``top dim`` (fixed up by the caller when the file turns out to be shorter).
    """

    def __init__(self, out, top: int, source: str):
        self.out, self.top, self.source = out, top, source
        self.pending = b""
        self.count = 0
        self.dim = None
        self.header_done = False
        self.done = False

    def feed(self, data: bytes) -> None:
        if self.done or not data:
            return
        data = self.pending + data
        self.pending = b""
        if not self.header_done:
            nl = data.find(b"\n")
            if nl < 0:
                if len(data) > _MAX_HEADER:
                    raise InputFormatError(self.source, "no line break in the first MiB: not a .vec file")
                self.pending = data
                return
            data = self._header(data[: nl + 1], data[nl + 1 :])
        self._lines(data)

    def _header(self, first: bytes, rest: bytes) -> bytes:
        parts = first.split()
        self.header_done = True
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            count, self.dim = int(parts[0]), int(parts[1])
            self.top = min(self.top, count)
        else:  # no header (GloVe style): the first line is already a word
            if len(parts) < 2:
                raise InputFormatError(self.source, "first line is neither a header nor a vector", line=1)
            self.dim = len(parts) - 1
            rest = first + rest
        self.out.write(f"{self.top} {self.dim}\n".encode())
        if self.top == 0:
            self.done = True
        return rest

    def _lines(self, data: bytes) -> None:
        need = self.top - self.count
        n = data.count(b"\n")
        if n < need:
            last = data.rfind(b"\n")
            self.out.write(data[: last + 1])
            self.pending = data[last + 1 :]
            self.count += n
            return
        pos = -1
        for _ in range(need):
            pos = data.find(b"\n", pos + 1)
        self.out.write(data[: pos + 1])
        self.count = self.top
        self.done = True

    def finish(self) -> None:
        """End of stream: a last line without a newline still counts."""
        if not self.done and self.pending.strip():
            if not self.header_done:
                self.feed(b"\n")
            else:
                self._lines(self.pending + b"\n")
        self.pending = b""


class _Gunzip:
    """Feed gzip bytes, pass decompressed bytes on (handles concatenated gzip members)."""

    def __init__(self, sink):
        self.sink = sink
        self.z = zlib.decompressobj(wbits=31)

    @property
    def done(self):
        return self.sink.done

    def feed(self, data: bytes) -> None:
        while data and not self.sink.done:
            self.sink.feed(self.z.decompress(data))
            data = self.z.unused_data if self.z.eof else b""
            if self.z.eof:
                self.z = zlib.decompressobj(wbits=31)


def _fetch_top(resource: Resource, dest: Path, *, progress: bool, retries: int, timeout: float,
               stats: TransferStats) -> Path:
    url = mirror_url(resource.url)
    gz = resource.format == "vec.gz"
    with atomic_write(dest, "wb") as out:
        sink = _TopLines(out, resource.top, source=url)
        feeder = _Gunzip(sink) if gz else sink
        with _progress_bar(progress, total=resource.top, unit="word", unit_scale=True,
                           desc=Path(dest).name) as bar:
            _ranged_read(url, feeder, sink, resource, bar, retries=retries, timeout=timeout, stats=stats)
        sink.finish()
    if sink.count < resource.top:  # the file has fewer words than asked for
        _rewrite_header(dest, sink.count, sink.dim)
    return dest


def _first_range(resource: Resource) -> int:
    """Size of the first range: an estimate of the whole need, capped to a probe.

    The estimate is ``top * dim * 8`` bytes (about 8 bytes a value, "-0.0123 "; a quarter
    of that for gzip). It is capped at :data:`_PROBE` bytes because the registry's ``dim`` and
    the number format may be wrong for a mirror's file; the next range is then sized from the
    lines actually received, so a big request never goes far past what is needed.
    """
    dim = resource.dim or 300
    estimate = resource.top * dim * 8 + 4096
    if resource.format == "vec.gz":
        estimate //= 4
    return max(_MIN_RANGE, min(estimate, _PROBE))


def _ranged_read(url, feeder, sink, resource, bar, *, retries, timeout, stats) -> None:
    """Grow a byte range from 0 until ``sink`` holds its lines (or stream, if Range is ignored)."""
    start, size, failures = 0, _first_range(resource), 0
    total = None
    while not sink.done and (total is None or start < total):
        before = sink.count
        try:
            got, total, ranged = _read_range(url, feeder, start, size, timeout, stats)
        except (_Interrupted, _NetworkDown) as exc:
            got, ranged = exc.args[1] if len(exc.args) > 1 else 0, True
            failures = 0 if got else failures + 1
            if start == 0 and not got and isinstance(exc, _NetworkDown):
                raise
            if failures > retries:
                raise _NetworkDown(f"the transfer from {url} kept failing ({exc.args[0]})") from None
            start += got
            bar.update(sink.count - before)
            time.sleep(min(0.2 * failures, 2.0))
            continue
        start += got
        stats.ranged = stats.ranged or ranged
        bar.update(sink.count - before)
        if got == 0 or not ranged:
            break  # end of file, or the server streamed the whole file in one answer
        size = _next_range(sink, start, size)


def _next_range(sink, consumed: int, previous: int) -> int:
    """Bytes to ask for next: the average bytes per line so far times the lines still missing."""
    if sink.count == 0:
        return previous * 2  # not one complete line yet: double
    per_line = consumed / sink.count
    missing = sink.top - sink.count
    return max(_MIN_RANGE, int(per_line * missing * 1.05) + 4096)


def _read_range(url, feeder, start: int, size: int, timeout: float, stats: TransferStats):
    """Feed bytes ``start .. start+size-1`` of ``url`` to ``feeder``.

    Returns ``(bytes fed, total size or None, server honoured Range)``. A server that answers
    200 is read from the beginning (skipping what was already fed) until ``feeder`` is done.
    Raises :class:`_Interrupted` (with the bytes fed) when the connection drops.
    """
    resp = _open(url, timeout, stats, start, start + size - 1)
    if getattr(resp, "code", None) == 416:
        _, total = _content_range(resp)
        resp.close()
        return 0, total if total is not None else start, True
    with resp:
        if resp.status == 206:
            first, total = _content_range(resp)
            if first is not None and first != start:
                raise XprojError(f"{url}: asked for bytes from {start}, the server sent from {first}")
            return _pump(resp, feeder, stats, skip=0, timeout_url=url), total, True
        # 200: Range ignored. Skip what we already have, then stream until enough lines.
        length = resp.headers.get("Content-Length")
        fed = _pump(resp, feeder, stats, skip=start, timeout_url=url)
        return fed, int(length) if length else None, False


def _pump(resp, feeder, stats: TransferStats, *, skip: int, timeout_url: str) -> int:
    """Copy ``resp`` into ``feeder`` (after discarding ``skip`` bytes) until done or EOF."""
    expected = resp.headers.get("Content-Length")
    expected = int(expected) if expected and expected.isdigit() else None
    read = fed = 0
    try:
        while not feeder.done:
            block = resp.read(_BLOCK)
            if not block:
                break
            read += len(block)
            stats.bytes += len(block)
            if skip:
                cut = min(skip, len(block))
                skip -= cut
                block = block[cut:]
            feeder.feed(block)
            fed += len(block)
    except _NETWORK_ERRORS as exc:
        raise _Interrupted(f"connection dropped after {read} bytes: {exc}", fed) from None
    if not feeder.done and expected is not None and read < expected:
        raise _Interrupted(f"connection closed after {read} of {expected} bytes", fed)
    return fed


def _rewrite_header(path: Path, count: int, dim: int | None) -> None:
    """Replace the header line of a (small) top-N file by ``count dim``."""
    with open(path, "rb") as f:
        f.readline()
        with atomic_write(path, "wb") as out:
            out.write(f"{count} {dim or 0}\n".encode())
            shutil.copyfileobj(f, out)


# --- whole files ---------------------------------------------------------------------------


def _fetch_whole(resource: Resource, dest: Path, *, progress: bool, retries: int, timeout: float,
                 stats: TransferStats) -> Path:
    url = mirror_url(resource.url)
    if resource.format == "bin.gz":
        # fastText loads only uncompressed .bin: download the .gz, check it, then gunzip.
        gz = dest.with_name(dest.name + ".gz")
        _download(url, gz, resource, progress=progress, retries=retries, timeout=timeout, stats=stats)
        _gunzip_file(gz, dest)
        gz.unlink()
        return dest
    _download(url, dest, resource, progress=progress, retries=retries, timeout=timeout, stats=stats)
    return dest


def _fetch_files(resource: Resource, dest: Path, *, progress: bool, retries: int, timeout: float,
                 stats: TransferStats) -> Path:
    for rel, url in resource.files:
        target = dest / rel
        if not target.is_file():
            _download(mirror_url(url), target, None, progress=progress, retries=retries, timeout=timeout,
                      stats=stats)
    return dest


def _download(url: str, dest: Path, resource: Resource | None, *, progress, retries, timeout, stats) -> None:
    """Download ``url`` to ``dest`` through ``dest.part``, resuming after dropped connections."""
    part = dest.with_name(dest.name + ".part")
    part.parent.mkdir(parents=True, exist_ok=True)
    failures = 0
    while True:
        had = part.stat().st_size if part.exists() else 0
        try:
            _transfer(url, part, progress=progress, timeout=timeout, stats=stats)
            break
        except (_Interrupted, _NetworkDown) as exc:
            now = part.stat().st_size if part.exists() else 0
            if isinstance(exc, _NetworkDown) and now == had and failures == 0:
                raise  # could not connect at all: the network is down, retrying will not help
            failures = 0 if now > had else failures + 1
            if failures > retries:
                raise _NetworkDown(
                    f"the transfer from {url} kept failing ({exc.args[0]}); "
                    f"the partial file {part} is kept and the next attempt resumes from it"
                ) from None
            time.sleep(min(0.2 * failures, 2.0))
    _verify(url, part, resource)
    os.replace(part, dest)


def _transfer(url: str, part: Path, *, progress: bool, timeout: float, stats: TransferStats) -> None:
    have = part.stat().st_size if part.exists() else 0
    resp = _open(url, timeout, stats, have if have else None)
    if getattr(resp, "code", None) == 416:  # the .part already holds the whole file?
        _, total = _content_range(resp)
        resp.close()
        if total == have:
            return
        part.unlink()
        have = 0
        resp = _open(url, timeout, stats)
    with resp:
        mode = "ab"
        if resp.status == 206:
            first, total = _content_range(resp)
            if first != have:  # not the range we asked for: start over from byte 0
                part.unlink()
                raise _Interrupted(f"server sent bytes from {first}, not {have}; restarting", 0)
            stats.resumed = stats.resumed or have > 0
        else:
            mode, have = "wb", 0  # 200: the server ignored Range; start over
            length = resp.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
        with open(part, mode) as f, _progress_bar(
            progress, total=total, initial=have, unit="B", unit_scale=True, unit_divisor=1024,
            desc=part.name[: -len(".part")],
        ) as bar:
            got = _copy(resp, f, bar, stats)
        if total is not None and have + got < total:
            raise _Interrupted(f"connection closed after {have + got} of {total} bytes")


def _copy(resp, f, bar, stats: TransferStats) -> int:
    got = 0
    try:
        while True:
            block = resp.read(_BLOCK)
            if not block:
                return got
            f.write(block)
            got += len(block)
            stats.bytes += len(block)
            bar.update(len(block))
    except _NETWORK_ERRORS as exc:
        f.flush()
        raise _Interrupted(f"connection dropped after {got} bytes: {exc}") from None


def _verify(url: str, part: Path, resource: Resource | None) -> None:
    """Check size and SHA-256 against the registry; delete the download when they differ."""
    if resource is None:
        return
    size = part.stat().st_size
    problem = None
    if resource.size is not None and size != resource.size:
        problem = f"size {size} bytes, expected {resource.size}"
    elif resource.sha256:
        digest = _sha256(part)
        if digest.lower() != resource.sha256.lower():
            problem = f"sha256 {digest}, expected {resource.sha256}"
    if problem:
        part.unlink()
        raise ChecksumError(
            f"{url}: the downloaded file does not match the registry ({problem}). "
            "It was deleted; try again, and if it persists, check XPROJ_MIRROR or report it."
        )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _gunzip_file(src: Path, dest: Path) -> None:
    import gzip

    with gzip.open(src, "rb") as f, atomic_write(dest, "wb") as out:
        shutil.copyfileobj(f, out, 1 << 20)


# --- command line ----------------------------------------------------------------------------


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add ``xproj download`` subcommands: vectors, dictionary, dataset, get, list."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--offline", action="store_true",
                        help="do not use the network; fail with instructions if not cached")
    common.add_argument("--data-dir", default=None,
                        help="cache directory (default: $XPROJ_DATA or the user cache dir)")
    common.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    sub = parser.add_subparsers(dest="what", metavar="WHAT")

    p = sub.add_parser("vectors", parents=[common], help="word vectors for one language")
    p.add_argument("lang", help="language code, e.g. es")
    p.add_argument("--source", default="aligned", choices=["aligned", "muse", "wiki", "cc", "cc-bin"],
                   help="which published vectors (default: aligned)")
    p.add_argument("--top", type=int, default=None,
                   help="only the N most frequent words (fetched with range requests)")

    p = sub.add_parser("dictionary", parents=[common], help="a MUSE bilingual dictionary")
    p.add_argument("pair", help="language pair, e.g. en-es")
    p.add_argument("--split", default="full", choices=["full", "train", "test"],
                   help="full file, train (0-5000) or test (5000-6500)")

    p = sub.add_parser("dataset", parents=[common], help="a sentiment dataset")
    p.add_argument("name", choices=["opener", "webis-cls-10", "marc"])
    p.add_argument("lang", nargs="?", help="language (opener: en, es, ca, eu)")

    p = sub.add_parser("get", parents=[common], help="any resource by spec, e.g. aligned:es@50000")
    p.add_argument("spec")

    sub.add_parser("list", help="print the registry of resources")


def _spec_from_args(args) -> str:
    if args.what == "vectors":
        return f"{args.source}:{args.lang}" + (f"@{args.top}" if args.top else "")
    if args.what == "dictionary":
        return f"dict:{args.pair}" + ("" if args.split == "full" else f"@{args.split}")
    if args.what == "dataset":
        if args.name == "opener":
            if not args.lang:
                raise XprojError("dataset opener needs a language: en, es, ca or eu")
            return f"opener:{args.lang}"
        return args.name
    return args.spec


def _print_list(out=None) -> None:
    out = out or sys.stdout  # looked up at call time (tests capture sys.stdout)
    for row in list_resources():
        print(f"{row['source']:<13} {row['description']}", file=out)
        print(f"{'':<13} e.g. {row['example']}   licence: {row['licence']}", file=out)
        print(f"{'':<13} {row['url']}", file=out)
        if row["languages"]:
            print(f"{'':<13} {len(row['languages'])}: {' '.join(row['languages'])}", file=out)
        print(file=out)
    print(f"cache: {paths.data_dir()}   mirror: {base_url()}", file=out)


def run_from_args(args) -> int:
    """Run ``xproj download ...``; print the local path of what was fetched."""
    if getattr(args, "what", None) in (None, "list"):
        _print_list()
        return 0
    spec = _spec_from_args(args)
    path = fetch(spec, offline=args.offline, data_dir=args.data_dir, progress=not args.quiet)
    print(path)
    return 0
