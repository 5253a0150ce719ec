"""Loading word vectors through a cache: ``.npy`` + vocabulary + JSON marker, memory-mapped.

The first load of a file reads it (:func:`~xproj.vectors.read_vec` or
:func:`~xproj.vectors.read_fasttext_bin`) and writes an entry keyed by the source file and the
load options; later loads check the entry cheaply (:mod:`.cache_entry`) and memory-map its
matrix. An entry that fails the check is removed and rebuilt from the source, with a warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Iterable

from ..errors import ResourceNotFoundError, XprojError
from .cache_entry import entry_prefixes, open_entry, remove_entry, write_entry
from .fasttext_bin import FastTextOOV, read_fasttext_bin
from .keyed import WordVectors, sibling
from .text import log_load_warnings, read_vec

log = logging.getLogger(__name__)

CACHE_FORMAT = 2  # 2: the marker records the files' sizes, shape and checksums


def cache_key(path, options: Mapping) -> str:
    """Key of a cached load: the source file's identity (path, size, mtime) and the options."""
    path = Path(path).resolve()
    st = path.stat()
    ident = {"path": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns,
             "options": dict(options), "format": CACHE_FORMAT}
    digest = hashlib.sha256(json.dumps(ident, sort_keys=True, default=list).encode()).hexdigest()[:20]
    return f"{path.name}.{digest}"


def load_vectors(
    path,
    *,
    limit: int | None = None,
    vocabulary: Iterable[str] | None = None,
    lowercase: bool = False,
    cache: bool = True,
    cache_dir=None,
    errors: str = "raise",
    lang: str | None = None,
) -> WordVectors:
    """Load word vectors from a ``.vec`` text file (plain/``.gz``/``.xz``) or a fastText ``.bin``,
    through a memory-mapped cache.

    The first load writes ``<key>.npy``, ``<key>.vocab.txt`` and ``<key>.json`` into
    ``cache_dir`` (default :func:`xproj.paths.cache_dir`); the key covers the file's path,
    size and modification time and the load options, so a changed file or other options
    make a new entry. Later loads check the entry's sizes, matrix header and vocabulary
    checksum, then memory-map the matrix (read-only); an entry failing the check is removed
    and rebuilt, with a warning (``xproj cache verify`` also hashes the matrices). All writes
    are atomic: the ``.json`` marker is written last, so a half-written entry is never used.
    The warnings of the first read (skipped lines, zero vectors...) are logged on every load.

    Parameters are those of :func:`~xproj.vectors.read_vec`; ``cache=False`` reads the file
    every time.

    Returns
    -------
    WordVectors
        Its :attr:`~WordVectors.load_stats` are those of the first read, kept in the entry.

    Examples
    --------
    >>> wv = load_vectors("wiki.es.align.vec", limit=50000)   # doctest: +SKIP
    """
    path = Path(path)
    if not path.exists():
        raise ResourceNotFoundError(f"{path}: no such vector file")
    is_bin = path.suffix == ".bin"
    vocab_list = None if vocabulary is None else sorted(set(vocabulary))
    options = {"limit": limit, "lowercase": lowercase, "errors": errors,
               "vocabulary": hashlib.sha256("\n".join(vocab_list).encode("utf-8", "surrogatepass")).hexdigest()
               if vocab_list is not None else None}

    def read():
        if is_bin:
            return read_fasttext_bin(path, limit=limit, vocabulary=vocab_list, lowercase=lowercase, lang=lang)
        return read_vec(path, limit=limit, vocabulary=vocab_list, lowercase=lowercase, errors=errors, lang=lang)

    if not cache:
        return read()
    from ..paths import cache_dir as default_cache_dir

    cdir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = cache_key(path, options)
    prefix = cdir / key
    oov = FastTextOOV(path) if is_bin else None
    if sibling(prefix, ".json").exists():
        try:
            wv = open_entry(prefix, lang=lang, source=str(path), oov=oov)
            log_load_warnings(path, wv.load_stats)  # what the first read let through, again
            return wv
        except (XprojError, ValueError, OSError, EOFError) as exc:  # damaged: rebuild it
            log.warning("%s: unusable cache entry (%s); removing it and rebuilding from %s",
                        prefix, exc, path)
            with contextlib.suppress(OSError):  # a read-only cache: the write below says so
                remove_entry(prefix)
    wv = read()
    try:
        write_entry(prefix, wv, {"source": str(path.resolve()), "options": options,
                                 "n_words": len(wv), "dim": wv.dim, "stats": wv.load_stats})
        _remove_stale(cdir, path.name, keep=prefix)
    except OSError as exc:  # a read-only cache directory must not break loading
        log.warning("could not write the vector cache in %s: %s", cdir, exc)
        return wv
    return open_entry(prefix, lang=lang, source=str(path), oov=oov)


def _remove_stale(cdir: Path, name: str, keep: Path):
    """Drop cache entries of an older version of the same file (same name, other key, and
    whose recorded source path no longer matches size/mtime). Only entries for this file name."""
    for prefix in entry_prefixes(cdir, name):
        if prefix == keep:
            continue
        try:
            meta = json.loads(sibling(prefix, ".json").read_text())
            src = Path(meta["source"])
            # Another entry of the same file with different options is still valid.
            if src.exists() and cache_key(src, meta["options"]) == prefix.name:
                continue
            remove_entry(prefix)
        except (OSError, ValueError, KeyError):
            continue
