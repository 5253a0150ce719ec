"""Top N words of a ``.vec`` file: cut from a larger cached copy, or fetched over growing HTTP
``Range`` requests (streamed when the server ignores ``Range``; ``.gz`` decompressed on the fly).

Every range after the first carries ``If-Range`` with the first answer's validator: a file that
changes on the server meanwhile comes back whole (200) and the cut starts again from its first
line, so the lines never come from two versions. The file written is recorded in a sidecar
(:mod:`.sidecar`) so that later loads can check it.
"""

from __future__ import annotations

import time
from pathlib import Path

from .._io import atomic_write, open_binary
from ..errors import XprojError
from ..resources import Resource
from .cache import top_candidates
from .gunzip import Gunzip
from .transfer import (BLOCK, NETWORK_ERRORS, Interrupted, NetworkDown, TransferStats, content_range,
                       open_url, validator)
from .mirror import mirror_url
from .progress import progress_bar
from .sidecar import record
from .toplines import TopLines, rewrite_header

_MIN_RANGE = 1 << 16
_PROBE = 1 << 18  # first range at most 256 KiB: enough for the header and line statistics
_ATTEMPTS = 3  # a file that changes this many times during one cut is not cut


class Changed(Exception):
    """The file changed on the server between two ranges (``If-Range`` answered 200)."""


def derive_top_locally(resource: Resource, dest: Path, data_dir) -> Path | None:
    """Cut the top N words out of a larger cached copy (a whole file or a bigger top-M file)."""
    for source in top_candidates(resource, dest, data_dir):
        with open_binary(source) as f, atomic_write(dest, "wb") as out:
            sink = TopLines(out, resource.top, source=str(source))
            while not sink.done:
                block = f.read(1 << 20)
                if not block:
                    break
                sink.feed(block)
            sink.finish()
        if sink.count < resource.top:
            rewrite_header(dest, sink.count, sink.dim)
        record(dest, source=str(source))
        return dest
    return None


def fetch_top(resource: Resource, dest: Path, *, progress: bool, retries: int, timeout: float,
              stats: TransferStats) -> Path:
    url = mirror_url(resource.url)
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            sink = _cut(url, resource, dest, progress=progress, retries=retries, timeout=timeout, stats=stats)
            break
        except Changed:
            if attempt == _ATTEMPTS:
                raise XprojError(
                    f"{url}: the file changed on the server {attempt} times while its top {resource.top} "
                    "words were fetched; nothing was cached, try again later") from None
    if sink.count < resource.top:  # the file has fewer words than asked for
        rewrite_header(dest, sink.count, sink.dim)
    record(dest, source=url)
    return dest


def _cut(url: str, resource: Resource, dest: Path, *, progress, retries, timeout, stats) -> TopLines:
    """One attempt at writing the top words of ``url`` to ``dest`` (nothing is left on failure)."""
    with atomic_write(dest, "wb") as out:
        sink = TopLines(out, resource.top, source=url)
        feeder = Gunzip(sink) if resource.format == "vec.gz" else sink
        with progress_bar(progress, total=resource.top, unit="word", unit_scale=True,
                          desc=Path(dest).name) as bar:
            _ranged_read(url, feeder, sink, resource, bar, retries=retries, timeout=timeout, stats=stats)
        sink.finish()
    return sink


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
    total = version = None
    while not sink.done and (total is None or start < total):
        before = sink.count
        try:
            got, total, ranged, version = _read_range(url, feeder, start, size, timeout, stats, version)
        except (Interrupted, NetworkDown) as exc:
            got, ranged = exc.args[1] if len(exc.args) > 1 else 0, True
            failures = 0 if got else failures + 1
            if start == 0 and not got and isinstance(exc, NetworkDown):
                raise
            if failures > retries:
                raise NetworkDown(f"the transfer from {url} kept failing ({exc.args[0]})") from None
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


def _read_range(url, feeder, start: int, size: int, timeout: float, stats: TransferStats,
                version: str | None):
    """Feed bytes ``start .. start+size-1`` of ``url`` to ``feeder``.

    Returns ``(bytes fed, total size or None, server honoured Range, validator)``. A server
    that answers 200 is read from the beginning (skipping what was already fed) until
    ``feeder`` is done. Raises :class:`Interrupted` (with the bytes fed) when the connection
    drops, and :class:`Changed` when ``version`` (the first answer's validator) is outdated.
    """
    resp = open_url(url, timeout, stats, start, start + size - 1, if_range=version if start else None)
    if getattr(resp, "code", None) == 416:
        _, total = content_range(resp)
        resp.close()
        return 0, total if total is not None else start, True, version
    with resp:
        if resp.status == 206:
            first, total = content_range(resp)
            if first is not None and first != start:
                raise XprojError(f"{url}: asked for bytes from {start}, the server sent from {first}")
            fed = _pump(resp, feeder, stats, skip=0, timeout_url=url)
            return fed, total, True, validator(resp) if start == 0 else version
        if start and version:
            raise Changed()  # 200 to If-Range: another version, whose start we do not have
        # 200: Range ignored. Skip what we already have, then stream until enough lines.
        length = resp.headers.get("Content-Length")
        fed = _pump(resp, feeder, stats, skip=start, timeout_url=url)
        return fed, int(length) if length else None, False, version


def _pump(resp, feeder, stats: TransferStats, *, skip: int, timeout_url: str) -> int:
    """Copy ``resp`` into ``feeder`` (after discarding ``skip`` bytes) until done or EOF."""
    expected = resp.headers.get("Content-Length")
    expected = int(expected) if expected and expected.isdigit() else None
    read = fed = 0
    try:
        while not feeder.done:
            block = resp.read(BLOCK)
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
    except NETWORK_ERRORS as exc:
        raise Interrupted(f"connection dropped after {read} bytes: {exc}", fed) from None
    if not feeder.done and expected is not None and read < expected:
        raise Interrupted(f"connection closed after {read} of {expected} bytes", fed)
    return fed
