"""One cache entry: ``<key>.npy`` + ``<key>.vocab.txt`` + ``<key>.json``, and its checks.

The JSON marker, written last, records each file's size and SHA-256 and the matrix's shape
and dtype. Every load checks the cheap invariants (:func:`check_entry`: sizes, the ``.npy``
header, the vocabulary's hash, a few milliseconds for 200k words); a bit flipped inside the
matrix is found only by hashing it all (:func:`verify_entry`, ``xproj cache verify``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .._io import atomic_write, file_sha256
from ..errors import XprojError
from .keyed import WordVectors, sibling

ENTRY_SUFFIXES = (".json", ".npy", ".vocab.txt")  # the marker first: removed first, written last


class CacheEntryError(XprojError):
    """A cache entry whose files do not match what its marker recorded."""


def write_entry(prefix: Path, wv: WordVectors, info: dict) -> None:
    """Save ``wv`` under ``prefix``, then the marker: ``info`` plus the files' description."""
    wv.save(prefix)
    npy, vocab = sibling(prefix, ".npy"), sibling(prefix, ".vocab.txt")
    files = {
        "npy": {"bytes": npy.stat().st_size, "shape": list(wv.vectors.shape),
                "dtype": np.dtype(np.float32).str, "sha256": file_sha256(npy)},
        "vocab": {"bytes": vocab.stat().st_size, "sha256": file_sha256(vocab)},
    }
    with atomic_write(sibling(prefix, ".json"), "w") as f:
        json.dump({**info, "files": files}, f, default=str)


def read_marker(prefix: Path) -> dict:
    """The entry's JSON marker (:class:`CacheEntryError` when unreadable)."""
    marker = sibling(prefix, ".json")
    try:
        meta = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CacheEntryError(f"{marker}: unreadable cache marker ({exc})") from None
    files = meta.get("files") if isinstance(meta, dict) else None
    if not isinstance(files, dict) or not all("sha256" in files.get(p, {}) for p in ("npy", "vocab")):
        raise CacheEntryError(f"{marker}: cache marker without the files' checksums")
    return meta


def check_entry(prefix: Path, meta: dict) -> None:
    """The cheap checks of every load: sizes, ``.npy`` shape and dtype, vocabulary hash."""
    npy, vocab = sibling(prefix, ".npy"), sibling(prefix, ".vocab.txt")
    want = meta["files"]
    for path, recorded in ((npy, want["npy"]), (vocab, want["vocab"])):
        size = path.stat().st_size if path.exists() else None
        if size != recorded["bytes"]:
            found = "missing" if size is None else f"{size} bytes"
            raise CacheEntryError(f"{path}: {found}, the entry recorded {recorded['bytes']} bytes")
    shape, dtype = _npy_header(npy)
    if list(shape) != want["npy"]["shape"] or dtype.str != want["npy"]["dtype"]:
        raise CacheEntryError(f"{npy}: shape {list(shape)} dtype {dtype.str}, the entry recorded "
                              f"shape {want['npy']['shape']} dtype {want['npy']['dtype']}")
    if file_sha256(vocab) != want["vocab"]["sha256"]:
        raise CacheEntryError(f"{vocab}: vocabulary checksum does not match the entry's")


def verify_entry(prefix: Path) -> str | None:
    """The full check: cheap checks and the matrix's SHA-256; the problem, or None."""
    try:
        meta = read_marker(prefix)
        check_entry(prefix, meta)
        npy = sibling(prefix, ".npy")
        if file_sha256(npy) != meta["files"]["npy"]["sha256"]:
            return f"{npy}: matrix checksum does not match the entry's (source {meta.get('source')})"
    except CacheEntryError as exc:
        return str(exc)
    except (OSError, ValueError) as exc:
        return f"{prefix}: {exc}"
    return None


def open_entry(prefix: Path, **kwargs) -> WordVectors:
    """Check an entry cheaply and memory-map it; ``kwargs`` go to :meth:`WordVectors.load`."""
    meta = read_marker(prefix)
    check_entry(prefix, meta)
    return WordVectors.load(prefix, load_stats=meta.get("stats"), **kwargs)


def entry_prefixes(cdir: Path, name: str = "*") -> list[Path]:
    """The entries in ``cdir`` (of source files called ``name``), by their markers."""
    return sorted(m.parent / m.name[: -len(".json")] for m in Path(cdir).glob(f"{name}.*.json"))


def remove_entry(prefix: Path) -> None:
    """Delete an entry's files, the marker first so that no half entry is ever used."""
    for suffix in ENTRY_SUFFIXES:
        sibling(prefix, suffix).unlink(missing_ok=True)


def _npy_header(npy: Path):
    """``(shape, dtype)`` from a ``.npy`` header, without reading the data."""
    fmt = np.lib.format
    try:
        with open(npy, "rb") as f:
            version = fmt.read_magic(f)
            read = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
            shape, _, dtype = read(f)
    except ValueError as exc:
        raise CacheEntryError(f"{npy}: not a .npy file ({exc})") from None
    return shape, dtype
