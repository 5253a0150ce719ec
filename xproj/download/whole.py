"""Whole files: downloaded to ``<name>.part``, resumed with ``Range: bytes=<size>-`` after a
dropped connection, checked against the registry and renamed when complete."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..resources import Resource
from .gunzip import gunzip_file
from .transfer import BLOCK, NETWORK_ERRORS, Interrupted, NetworkDown, TransferStats, content_range, open_url
from .mirror import mirror_url
from .progress import progress_bar
from .verify import verify_download


def fetch_whole(resource: Resource, dest: Path, *, progress: bool, retries: int, timeout: float,
                stats: TransferStats) -> Path:
    url = mirror_url(resource.url)
    if resource.format == "bin.gz":
        # fastText loads only uncompressed .bin: download the .gz, check it, then gunzip.
        gz = dest.with_name(dest.name + ".gz")
        _download(url, gz, resource, progress=progress, retries=retries, timeout=timeout, stats=stats)
        gunzip_file(gz, dest)
        gz.unlink()
        return dest
    _download(url, dest, resource, progress=progress, retries=retries, timeout=timeout, stats=stats)
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
                    f"the partial file {part} is kept and the next attempt resumes from it"
                ) from None
            time.sleep(min(0.2 * failures, 2.0))
    verify_download(url, part, resource)
    os.replace(part, dest)


def _transfer(url: str, part: Path, *, progress: bool, timeout: float, stats: TransferStats) -> None:
    have = part.stat().st_size if part.exists() else 0
    resp = open_url(url, timeout, stats, have if have else None)
    if getattr(resp, "code", None) == 416:  # the .part already holds the whole file?
        _, total = content_range(resp)
        resp.close()
        if total == have:
            return
        part.unlink()
        have = 0
        resp = open_url(url, timeout, stats)
    with resp:
        mode = "ab"
        if resp.status == 206:
            first, total = content_range(resp)
            if first != have:  # not the range we asked for: start over from byte 0
                part.unlink()
                raise Interrupted(f"server sent bytes from {first}, not {have}; restarting", 0)
            stats.resumed = stats.resumed or have > 0
        else:
            mode, have = "wb", 0  # 200: the server ignored Range; start over
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
