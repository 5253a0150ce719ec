"""One fetchable resource (:class:`Resource`) and the error for a spec that names none."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..errors import XprojError


class UnknownResourceError(XprojError, KeyError):
    """A spec string that names no resource in the registry."""

    def __str__(self):  # KeyError quotes its message; show it plainly
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Resource:
    """One fetchable resource.

    Attributes
    ----------
    name : str
        Canonical spec, e.g. ``"aligned:es@50000"``.
    kind : str
        ``"vectors"``, ``"dictionary"`` or ``"dataset"``.
    source : str
        Registry source (``"aligned"``, ``"muse"``, ``"wiki"``, ``"cc"``, ``"cc-bin"``,
        ``"dict"``, ``"opener"``, ``"webis-cls-10"``, ``"marc"``).
    url : str or None
        Where the (single) file is published; ``None`` for user-supplied resources.
    format : str
        ``"vec"``, ``"vec.gz"``, ``"bin.gz"``, ``"dict"``, ``"opener"``, ``"tar.gz"``, ``"user"``.
    lang : str or None
        Language code, or ``"src-tgt"`` for dictionaries.
    licence : str
        Licence as stated by the publisher.
    filename : str
        Path of the cached copy, relative to the data directory (``xproj.paths.data_dir()``).
        For multi-file resources, the directory holding ``files``.
    size : int or None
        Size in bytes of the published file, when known.
    sha256 : str or None
        Hex digest of the published file, when known (verified after whole-file downloads).
    top : int or None
        Only the ``top`` most frequent words are wanted (text vectors only).
    dim : int or None
        Vector dimension, when known (used to estimate how many bytes ``top`` words take).
    files : tuple of (str, str)
        For multi-file resources: ``(path relative to filename, url)`` pairs.
    description : str
        One line for ``xproj download list`` and error messages.
    """

    name: str
    kind: str
    source: str
    url: str | None
    format: str
    lang: str | None
    licence: str
    filename: str
    size: int | None = None
    sha256: str | None = None
    top: int | None = None
    dim: int | None = None
    files: tuple = field(default=())
    description: str = ""

    @property
    def urls(self) -> tuple:
        """All URLs this resource is fetched from."""
        if self.files:
            return tuple(url for _, url in self.files)
        return (self.url,) if self.url else ()

    def with_top(self, top: int | None) -> "Resource":
        """The same resource restricted to its ``top`` most frequent words."""
        if top is None:
            return self
        if self.format not in ("vec", "vec.gz"):
            raise XprojError(f"{self.name}: only text vectors (.vec) can be cut to the top N words")
        if int(top) <= 0:
            raise XprojError(f"{self.name}: top must be a positive number of words, got {top}")
        top = int(top)
        base = self.name.split("@", 1)[0]
        stem = self.filename
        for ext in (".vec.gz", ".vec"):
            if stem.endswith(ext):
                stem = stem[: -len(ext)]
                break
        # The top-N file is always written uncompressed: it is small and read often.
        return replace(
            self,
            name=f"{base}@{top}",
            top=top,
            filename=f"{stem}.top{top}.vec",
            size=None,
            sha256=None,  # the checksum is of the whole published file
            description=f"{self.description} (top {top} words)",
        )
