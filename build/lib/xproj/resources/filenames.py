"""From a cached file's name back to the spec of the resource it holds (for lock files): the
inverse of :attr:`Resource.filename`, confirmed by looking the spec up again."""

from __future__ import annotations

import re

from ..errors import XprojError
from .specs import lookup

_TOP = r"(?:\.top(?P<top>\d+))?"
#: (pattern of a path relative to the data directory, source); tried in order
_PATTERNS = [
    (rf"vectors/wiki\.(?P<arg>[^./]+)\.align{_TOP}\.vec", "aligned"),
    (rf"vectors/wiki\.multi\.(?P<arg>[^./]+){_TOP}\.vec", "muse"),
    (rf"vectors/wiki\.(?P<arg>[^./]+){_TOP}\.vec", "wiki"),
    (rf"vectors/cc\.(?P<arg>[^./]+)\.300{_TOP}\.vec(?:\.gz)?", "cc"),
    (r"vectors/cc\.(?P<arg>[^./]+)\.300\.bin", "cc-bin"),
    (r"dictionaries/(?P<arg>[a-z]+-[a-z]+)(?P<split>\.0-5000|\.5000-6500)?\.txt", "dict"),
    (r"datasets/opener/(?P<arg>[a-z]+)", "opener"),
    (r"datasets/webis-cls-10/cls-acl10-unprocessed\.tar\.gz", "webis-cls-10"),
]
_SPLITS = {".0-5000": "train", ".5000-6500": "test"}


def spec_of_filename(relative: str) -> str | None:
    """The spec whose cached copy is at ``relative`` (``/``-separated, under the data
    directory), or ``None`` when no resource is cached under that name.

    Examples
    --------
    >>> spec_of_filename("vectors/wiki.es.align.top50000.vec")
    'aligned:es@50000'
    >>> spec_of_filename("dictionaries/en-es.0-5000.txt")
    'dict:en-es@train'
    """
    for pattern, source in _PATTERNS:
        m = re.fullmatch(pattern, relative)
        if not m:
            continue
        parts = m.groupdict()
        option = parts.get("top") or _SPLITS.get(parts.get("split") or "")
        spec = source + (f":{parts['arg']}" if parts.get("arg") else "") + (f"@{option}" if option else "")
        try:
            if lookup(spec).filename == relative:
                return spec
        except XprojError:
            continue
    return None
