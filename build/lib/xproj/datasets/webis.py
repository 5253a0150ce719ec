"""Webis-CLS-10 cross-lingual Amazon reviews (Prettenhofer & Stein 2010), unprocessed release.

Examples
--------
>>> d = load_webis_cls("webis-cls-10", "de", "books", "test")   # doctest: +SKIP
"""

from __future__ import annotations

import html
import re
import tarfile
from pathlib import Path

from ..errors import ConfigError, ResourceNotFoundError
from .base import Dataset
from .common import BINARY_LABELS, Problems, decode, finish, read_bytes, root_path

__all__ = ["WEBIS_DOMAINS", "load_webis_cls"]

WEBIS_DOMAINS = ("books", "dvd", "music")
_WEBIS_SPLITS = ("train", "test", "unlabeled")
_ITEM = re.compile(r"<item\b[^>]*>(.*?)(?:</item\s*>|(?=<item\b)|\Z)", re.S | re.I)


def _tag(block: str, tag: str):
    m = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}\s*>", block, re.S | re.I)
    if m is None:
        m = re.search(rf"<{tag}\b[^>]*/>", block, re.I)
        return "" if m else None
    value = m.group(1)
    value = re.sub(r"<!\[CDATA\[(.*?)\]\]>", r"\1", value, flags=re.S)
    return html.unescape(value).strip()


def _webis_member(root: Path, lang: str, domain: str, split: str):
    """(description, bytes) of ``{lang}/{domain}/{split}.review`` under a folder or in the archive."""
    rel = Path(lang) / domain / f"{split}.review"
    if root.is_file() and (root.name.endswith((".tar.gz", ".tgz", ".tar")) or tarfile.is_tarfile(root)):
        suffix = f"/{lang}/{domain}/{split}.review"
        with tarfile.open(root, "r:*") as tar:
            for m in tar:
                if m.isfile() and ("/" + m.name).endswith(suffix):
                    return f"{root}!{m.name}", tar.extractfile(m).read()
        raise ResourceNotFoundError(f"{root}: archive has no member ending in {suffix.lstrip('/')}")
    if root.is_file():
        return str(root), read_bytes(root)
    for d in (root, root / "cls-acl10-unprocessed"):
        for ext in ("", ".gz", ".xz", ".bz2"):
            p = d / (str(rel) + ext)
            if p.is_file():
                return str(p), read_bytes(p)
    tar = root / "cls-acl10-unprocessed.tar.gz"
    if tar.is_file():
        return _webis_member(tar, lang, domain, split)
    raise ResourceNotFoundError(
        f"{root / rel}: no such file. Expected Webis-CLS-10 'unprocessed' layout "
        "<root>/{en,de,fr,jp}/{books,dvd,music}/{train,test,unlabeled}.review "
        "(or the archive cls-acl10-unprocessed.tar.gz; 'xproj download dataset webis-cls-10')"
    )


def load_webis_cls(root, lang: str, domain: str, split: str = "train", *, include_summary: bool = False,
                   offline: bool = False, errors: str = "skip") -> Dataset:
    """Webis-CLS-10 cross-lingual Amazon reviews, from the *unprocessed* release.

    Parameters
    ----------
    root : str or Path
        The extracted ``cls-acl10-unprocessed`` folder (or its parent), the archive
        ``cls-acl10-unprocessed.tar.gz`` itself (read without extracting), one ``.review``
        file, or the spec ``"webis-cls-10"``.
    lang : str
        ``"en"``, ``"de"``, ``"fr"``, ``"ja"`` (the corpus's folder is ``jp``; both are accepted).
    domain : str
        ``"books"``, ``"dvd"`` or ``"music"``.
    split : str
        ``"train"``, ``"test"`` or ``"unlabeled"``.
    include_summary : bool
        Prepend the review's ``<summary>`` (its title) to the text, separated by a newline.
    errors : str
        ``"skip"`` (default): items that cannot be read (no ``<text>``, no or unparseable
        ``<rating>``, an ``<item>`` never closed) are left out and counted in
        ``meta["unreadable"]`` (= ``meta["skipped"]``). ``"raise"``: the first one raises
        :class:`InputFormatError` with its line.

    The files are not well-formed XML (no root element, unescaped ``&``...), so items are
    found with a regular expression over ``<item>...</item>`` blocks and entities are decoded
    with :func:`html.unescape`. Ratings 1-2 -> 0 ``negative``, 4-5 -> 1 ``positive``; 3 is
    dropped and counted in ``meta["neutral_dropped"]``. Files are UTF-8 (a bad byte raises
    :class:`InputFormatError` naming the line).
    """
    problems = Problems(root, errors)
    lang_dir = {"ja": "jp"}.get(lang, lang)
    if domain not in WEBIS_DOMAINS:
        raise ConfigError(f"Webis-CLS-10 domain must be one of {', '.join(WEBIS_DOMAINS)}; got {domain!r}")
    if split not in _WEBIS_SPLITS:
        raise ConfigError(f"Webis-CLS-10 split must be one of {', '.join(_WEBIS_SPLITS)}; got {split!r}")
    root = root_path(root, offline)
    where, data = _webis_member(root, lang_dir, domain, split)
    problems.path = where
    text, enc = decode(where, data, ("utf-8",))
    texts, labels, neutral = [], [], 0
    line, pos = 1, 0
    for m in _ITEM.finditer(text):
        line += text.count("\n", pos, m.start())  # incremental: files have ~10^5 items
        pos = m.start()
        block = m.group(1)
        closed = re.match(r"</item", text[m.end(1):m.end(1) + 6], re.I) is not None
        if not closed:
            problems("<item> is never closed", line)
            continue
        body = _tag(block, "text")
        rating = _tag(block, "rating")
        if body is None:
            problems("item has no <text>", line)
            continue
        try:
            stars = float(rating)
        except (TypeError, ValueError):
            problems(f"item has no readable <rating> ({rating!r})", line)
            continue
        if not 1 <= stars <= 5:
            problems(f"rating {stars} outside 1-5", line)
            continue
        if stars == 3:
            neutral += 1
            continue
        if include_summary:
            summary = _tag(block, "summary")
            if summary:
                body = f"{summary}\n{body}"
        if not body:
            problems("item has an empty <text>", line)
            continue
        texts.append(body)
        labels.append(1 if stars > 3 else 0)
    meta = problems.into({"source": where, "domain": domain, "encoding": enc, "neutral_dropped": neutral})
    meta["unreadable"] = problems.skipped
    return finish(texts, labels, lang, split, BINARY_LABELS, "webis-cls-10", meta, where)


