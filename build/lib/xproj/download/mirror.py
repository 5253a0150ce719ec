"""Where files are downloaded from: the published URLs, rewritten to ``XPROJ_MIRROR`` if set."""

from __future__ import annotations

import os
import urllib.parse

from ..resources import FB_BASE_URL

#: Default host of the fastText / MUSE files (``XPROJ_MIRROR`` overrides it).
BASE_URL = FB_BASE_URL


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
