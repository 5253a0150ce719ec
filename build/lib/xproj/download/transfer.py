"""HTTP requests for the downloader: one GET (optionally a byte range), ``Content-Range``, the
errors after which a transfer may be resumed, and the counts of what was transferred."""

from __future__ import annotations

import http.client
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass

from ..errors import ResourceNotFoundError

USER_AGENT = "xproj-downloader/0.1 (+https://github.com/)"
TIMEOUT = 30.0  # seconds without data before a transfer counts as dropped
BLOCK = 1 << 16

# Errors after which the transfer may be resumed (or, with no progress, the network is down).
NETWORK_ERRORS = (
    urllib.error.URLError,
    http.client.HTTPException,  # IncompleteRead, RemoteDisconnected, BadStatusLine
    ConnectionError,
    socket.timeout,
    TimeoutError,
    OSError,
)


class Interrupted(Exception):
    """The server closed the connection before sending everything it announced."""


class NetworkDown(Exception):
    """The server cannot be reached; carries a one-line reason."""


@dataclass
class TransferStats:
    """What one :func:`~xproj.download.fetch` transferred (``fetch(..., return_stats=True)``;
    for benchmarks and tests).

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


def _reason(url: str, exc: BaseException) -> str:
    detail = getattr(exc, "reason", None) or exc
    return f"the network is unreachable (could not get {url}: {detail})"


def open_url(url: str, timeout: float, stats: TransferStats, start: int | None = None,
             end: int | None = None, if_range: str | None = None):
    """GET ``url`` (optionally a byte range); HTTP errors other than 416 raise XprojError.

    With ``if_range`` (a validator from :func:`validator`) the server sends the range only if
    the file is still that version, else the whole new file with status 200.
    """
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if start is not None:
        headers["Range"] = f"bytes={start}-" + ("" if end is None else str(end))
        if if_range:
            headers["If-Range"] = if_range
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
    except NETWORK_ERRORS as exc:
        raise NetworkDown(_reason(url, exc)) from None


def content_range(resp) -> tuple[int | None, int | None]:
    """``(first byte, total size)`` from a ``Content-Range`` header (``None`` when absent)."""
    value = resp.headers.get("Content-Range", "")
    m = re.match(r"bytes\s+(\d+|\*)(?:-\d+)?/(\d+|\*)", value)
    if not m:
        return None, None
    first = None if m.group(1) == "*" else int(m.group(1))
    total = None if m.group(2) == "*" else int(m.group(2))
    return first, total


def validator(resp) -> str | None:
    """What names this version of the file for ``If-Range``: a strong ``ETag``, else
    ``Last-Modified`` (weak ETags may not be used there); ``None`` when the server sends neither."""
    etag = resp.headers.get("ETag")
    if etag and not etag.startswith("W/"):
        return etag
    return resp.headers.get("Last-Modified") or None
