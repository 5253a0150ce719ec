"""Whole files: downloaded to ``<name>.part``, resumed with ``Range: bytes=<size>-`` after a
dropped connection, checked against the registry and for their shape (:mod:`.shape`), and renamed
when complete.

A resumption carries ``If-Range`` with the validator recorded when the ``.part`` was started
(:mod:`.resume`): a file changed on the server since comes back whole and replaces the
``.part``, and a ``.part`` with no recorded validator is restarted from zero, never resumed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..errors import XprojError
from ..resources import Resource
from .gunzip import gunzip_file
from .transfer import (BLOCK, NETWORK_ERRORS, Interrupted, NetworkDown, TransferStats, content_range,
                       open_url, validator)
from .mirror import mirror_url
from .progress import progress_bar
from .resume import discard, forget, record_validator, recorded_validator
from .shape import check_shape
from .sidecar import record
from .verify import verify_download


def fetch_whole(resource: Resource, dest: Path, *, progress: bool, retries: int, timeout: float,
                stats: TransferStats) -> Path:
    url = mirror_url(resource.url)
    if resource.format == "bin.gz":
        # fastText loads only uncompressed .bin: download the .gz, check it, then gunzip.
        gz = dest.with_name(dest.name + ".gz")
        _download(url, gz, resource, progress=progress, retries=retries, timeout=timeout, stats=stats)
        try:
            gunzip_file(gz, dest, url)  # decompressing to the end is the check of its shape
        except XprojError:
            gz.unlink()
            raise
        gz.unlink()
    else:
        _download(url, dest, resource, progress=progress, retries=retries, timeout=timeout, stats=stats)
    record(dest, source=url)
    return dest


def fetch_files(resource: Resource, dest: Path, *, progress: bool, retries: int, timeout: float,
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
        except (Interrupted, NetworkDown) as exc:
            now = part.stat().st_size if part.exists() else 0
            if isinstance(exc, NetworkDown) and now == had and failures == 0:
                raise  # could not connect at all: the network is down, retrying will not help
            failures = 0 if now > had else failures + 1
            if failures > retries:
                raise NetworkDown(
                    f"the transfer from {url} kept failing ({exc.args[0]}); "
                    f"the partial file {part} is kept and the next attempt resumes from it if the server "
                    "still has the same version"
                ) from None
            time.sleep(min(0.2 * failures, 2.0))
    try:
        verify_download(url, part, resource)
        check_shape(part, resource.format if resource else "", url)
    except XprojError:
        discard(part)
        raise
    os.replace(part, dest)
    forget(part)


def _transfer(url: str, part: Path, *, progress: bool, timeout: float, stats: TransferStats) -> None:
    have = part.stat().st_size if part.exists() else 0
    version = recorded_validator(part, url) if have else None
    if have and version is None:  # nothing to check it against: it may be another version, or NULs
        discard(part)
        have = 0
    resp = open_url(url, timeout, stats, have or None, if_range=version)
    if getattr(resp, "code", None) == 416:  # the .part already holds the whole file?
        _, total = content_range(resp)
        resp.close()
        if total == have:
            return
        discard(part)
        have = 0
        resp = open_url(url, timeout, stats)
    with resp:
        mode = "ab"
        if resp.status == 206:
            first, total = content_range(resp)
            if first != have:  # not the range we asked for: start over from byte 0
                discard(part)
                raise Interrupted(f"server sent bytes from {first}, not {have}; restarting", 0)
            stats.resumed = stats.resumed or have > 0
        else:
            # 200: a first request, a server that ignores Range, or (If-Range) a file that has
            # changed since the .part was started; in every case the body is the whole file.
            mode, have = "wb", 0
            record_validator(part, url, validator(resp))
            length = resp.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
        with open(part, mode) as f, progress_bar(
            progress, total=total, initial=have, unit="B", unit_scale=True, unit_divisor=1024,
            desc=part.name[: -len(".part")],
        ) as bar:
            got = _copy(resp, f, bar, stats)
        if total is not None and have + got < total:
            raise Interrupted(f"connection closed after {have + got} of {total} bytes")


def _copy(resp, f, bar, stats: TransferStats) -> int:
    got = 0
    try:
        while True:
            block = resp.read(BLOCK)
            if not block:
                return got
            f.write(block)
            got += len(block)
            stats.bytes += len(block)
            bar.update(len(block))
    except NETWORK_ERRORS as exc:
        f.flush()
        raise Interrupted(f"connection dropped after {got} bytes: {exc}") from None
