"""A fitted mapping between two word-vector spaces, self-describing and saveable.

A mapping sends both spaces into one: ``normalize(X_src) @ W_`` and ``normalize(Z_tgt) @ W_tgt_``.
Orthogonal Procrustes maps the source only (``W_tgt_`` is ``None``: the target space, normalised,
is the shared space); multi-step recipes such as ``supervised`` map both sides. A mapping may
also carry a non-linear InstaMap correction of its source side (``instance_``,
:mod:`xproj.align.instance`), applied after ``W_`` wherever the mapping maps source vectors.
"""

from __future__ import annotations

import json
import platform
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__
from .._io import atomic_save_npy, atomic_write
from ..errors import InputFormatError, ResourceNotFoundError, ShapeError
from ..vectors import WordVectors, normalize
from .instance import InstanceCorrection

#: the two sides a mapping transforms
SIDES = ("source", "target")
#: the file of an InstaMap correction, beside the mapping's ``.npy`` / ``.json``
INSTANCE_SUFFIX = ".instance.npz"
#: the ``format`` values :meth:`VectorMapping.load` reads: one-sided (1), two-sided (2), with an
#: InstaMap correction (3, one- or two-sided)
FORMATS = ("xproj-mapping/1", "xproj-mapping/2", "xproj-mapping/3")


@dataclass
class VectorMapping:
    """A fitted map from a source space (and, for two-sided recipes, a target space) into a
    shared space, and how it was made: linear, unless an InstaMap correction of the source side
    follows ``W_`` (``instance_``; then :attr:`linear` is False and there is no :meth:`inverse`).

    Attributes
    ----------
    W_ : ndarray (d, k)
        ``mapped source = normalize(X_src) @ W_`` (square and orthogonal for Procrustes).
    normalization : str
        Steps applied to both spaces before mapping (see :func:`xproj.vectors.normalize`).
    src_lang, tgt_lang : str or None
    metadata : dict
        Recipe and its parameters, vectors' identity, dictionary sizes, refinement history.
    W_tgt_ : ndarray (d, k) or None
        ``mapped target = normalize(Z_tgt) @ W_tgt_``; ``None`` is the identity (the target
        is only normalised), as for Procrustes.
    instance_ : InstanceCorrection or None
        A non-linear InstaMap correction applied to the source side after ``W_``
        (:mod:`xproj.align.instance`); ``None``: the mapping is linear.

    Notes
    -----
    Called ``Mapping`` up to xproj 0.1, a name that hid :class:`typing.Mapping`;
    ``xproj.align.Mapping`` still works for one release, with a ``DeprecationWarning``.
    """

    W_: np.ndarray
    normalization: str = "unit,center,unit"
    src_lang: str | None = None
    tgt_lang: str | None = None
    metadata: dict = field(default_factory=dict)
    W_tgt_: np.ndarray | None = None
    instance_: InstanceCorrection | None = None

    @property
    def linear(self) -> bool:
        """True when both sides are plain matrix products (no InstaMap correction)."""
        return self.instance_ is None

    @property
    def two_sided(self) -> bool:
        """True when the target space is mapped too (``W_tgt_`` is set)."""
        return self.W_tgt_ is not None

    def prepare(self, wv: WordVectors) -> WordVectors:
        """Normalise a space the way the mapping expects (both sides), without mapping it."""
        return normalize(wv, self.normalization)

    def matrix(self, side: str = "source") -> np.ndarray | None:
        """The matrix applied to ``side`` ("source" or "target"; ``None``: identity): the whole
        map unless the source side has an InstaMap correction (:attr:`linear`), which follows it."""
        if side not in SIDES:
            raise ValueError(f"side: {side!r} is not one of {SIDES}")
        return self.W_ if side == "source" else self.W_tgt_

    def transform(self, wv: WordVectors, side: str = "source") -> WordVectors:
        """Normalise a space and map it into the shared space (``side``: the source space by
        default, or the target space)."""
        W = self.matrix(side)
        if wv.dim != self.W_.shape[0]:
            raise ShapeError(f"vectors of dimension {wv.dim} cannot go through a {self.W_.shape} mapping")
        prepared = self.prepare(wv)
        if W is None:
            return prepared
        return prepared.with_vectors(self.transform_matrix(np.asarray(prepared.vectors), side))

    def transform_matrix(self, X, side: str = "source") -> np.ndarray:
        """Map already-normalised rows of ``side`` (source rows: through the InstaMap correction
        too, when there is one)."""
        W = self.matrix(side)
        X = np.asarray(X, dtype=np.float32)
        X = X if W is None else X @ W
        if side == "source" and self.instance_ is not None:
            X = self.instance_.apply(X)
        return X

    def same_target_side(self, other: VectorMapping) -> bool:
        """True when ``other`` treats the target space exactly as this mapping does (one
        normalisation, one target matrix): mappings onto one pivot must."""
        if self.normalization != other.normalization or self.two_sided != other.two_sided:
            return False
        return not self.two_sided or np.array_equal(self.W_tgt_, other.W_tgt_)

    def inverse(self) -> VectorMapping:
        """The target -> source mapping: ``W.T`` for an orthogonal one-sided map, the two
        matrices swapped for a two-sided one or a one-sided map that is not orthogonal (RCSLS:
        the identity on the new source side; the shared space is the same)."""
        if not self.linear:
            raise ValueError("an InstaMap-corrected mapping has no inverse (its source side is not a "
                             "matrix product); fit one in the other direction")
        meta = {**self.metadata, "inverted": not self.metadata.get("inverted", False)}
        if self.two_sided:
            return VectorMapping(self.W_tgt_.copy(), self.normalization, self.tgt_lang, self.src_lang,
                                 meta, self.W_.copy())
        W = self.W_.astype(np.float64)
        if W.shape[0] != W.shape[1] or not np.allclose(W @ W.T, np.eye(W.shape[0]), atol=1e-4):
            return VectorMapping(np.eye(W.shape[0], dtype=np.float32), self.normalization, self.tgt_lang,
                                 self.src_lang, meta, self.W_.copy())
        return VectorMapping(self.W_.T.copy(), self.normalization, self.tgt_lang, self.src_lang, meta)

    # -- persistence ---------------------------------------------------------------------
    def save(self, path) -> Path:
        """Save as ``<path>.npy`` (the source matrix), ``<path>.tgt.npy`` (the target matrix,
        two-sided mappings only), ``<path>.instance.npz`` (an InstaMap correction's arrays, when
        there is one) and ``<path>.json`` (metadata), atomically."""
        base = _mapping_base(path)
        atomic_save_npy(_sibling(base, ".npy"), self.W_)
        fmt = FORMATS[2] if not self.linear else FORMATS[1] if self.two_sided else FORMATS[0]
        meta = {
            "format": fmt,
            "src_lang": self.src_lang,
            "tgt_lang": self.tgt_lang,
            "normalization": self.normalization,
            "dim": int(self.W_.shape[0]),
            "metadata": self.metadata,
            "versions": {"xproj": __version__, "numpy": np.__version__, "python": platform.python_version()},
        }
        if self.two_sided:
            atomic_save_npy(_sibling(base, ".tgt.npy"), self.W_tgt_)
            meta["target_matrix"] = base.name + ".tgt.npy"
        if not self.linear:
            with atomic_write(_sibling(base, INSTANCE_SUFFIX), "wb") as f:
                np.savez(f, **self.instance_.arrays())
            meta["instance"] = {**self.instance_.params, "file": base.name + INSTANCE_SUFFIX}
        with atomic_write(_sibling(base, ".json"), "w") as f:
            json.dump(meta, f, indent=2, default=_json_default)
        return base

    @classmethod
    def load(cls, path) -> VectorMapping:
        """Read a mapping written by :meth:`save` (one-sided files of xproj 0.1 included): any
        format of :data:`FORMATS`; a file of another format, a damaged file, or an
        ``xproj-mapping/3`` whose InstaMap record or ``.instance.npz`` is missing or does not
        match is an :class:`~xproj.errors.InputFormatError` /
        :class:`~xproj.errors.ResourceNotFoundError` naming the file, never a linear reading of
        a corrected mapping."""
        base = _mapping_base(path)
        npy, js = _sibling(base, ".npy"), _sibling(base, ".json")
        for p in (npy, js):
            if not p.exists():
                raise ResourceNotFoundError(f"{p}: no such file (a mapping is saved as .npy + .json)")
        try:
            meta = json.loads(js.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise InputFormatError(js, f"not valid JSON ({exc})") from None
        if not isinstance(meta, dict):
            raise InputFormatError(js, "not a mapping's metadata (expected a JSON object)")
        fmt = meta.get("format", FORMATS[0])  # xproj 0.1 wrote none
        if fmt not in FORMATS:
            raise InputFormatError(js, f"format {fmt!r} is not one this xproj reads ({', '.join(FORMATS)}); "
                                   "written by a newer xproj?")
        if (fmt == FORMATS[2]) != bool(meta.get("instance")):  # never read a corrected mapping as linear
            raise InputFormatError(js, f"format {fmt} {'without' if fmt == FORMATS[2] else 'with'} an InstaMap "
                                   "record (\"instance\"): the file was changed or is damaged")
        W = _load_array(npy, "a mapping")
        dim = meta.get("dim", W.shape[0] if W.ndim else None)
        W_tgt = None
        if meta.get("target_matrix"):
            W_tgt = _load_target(base.parent / meta["target_matrix"], W, dim)
        elif W.ndim != 2 or W.shape[0] != W.shape[1] or W.shape[0] != dim:
            raise InputFormatError(npy, f"expected a square {dim}-d matrix, found shape {W.shape}")
        instance = _load_instance(base.parent, meta["instance"], W, js) if meta.get("instance") else None
        return cls(W.astype(np.float32), meta.get("normalization", ""), meta.get("src_lang"),
                   meta.get("tgt_lang"), meta.get("metadata", {}), W_tgt, instance)


def _load_instance(folder: Path, info, W: np.ndarray, js: Path) -> InstanceCorrection:
    """The InstaMap correction of a mapping (``info``: the ``"instance"`` record of ``js``), its
    parameters checked as :func:`~xproj.align.instance.check_instance_params` checks them (k >= 1)
    and its arrays against the matrix: one :class:`InputFormatError` naming the file at fault."""
    from ..errors import ConfigError
    from .instance import INSTANCE_PARAMS, check_instance_params

    if not isinstance(info, dict) or not isinstance(info.get("file"), str) or Path(info["file"]).name != info["file"]:
        raise InputFormatError(js, f"the InstaMap record is not an object naming its file beside the mapping, "
                               f"got {info!r}")
    try:
        params = check_instance_params(**{key: info[key] for key in INSTANCE_PARAMS})
    except KeyError as exc:
        raise InputFormatError(js, f"the InstaMap record lacks {exc.args[0]}") from None
    except ConfigError as exc:
        raise InputFormatError(js, f"the InstaMap record's {exc}") from None
    if params["instance_k"] < 1:
        raise InputFormatError(js, f"the InstaMap record's instance_k is {params['instance_k']}: a saved "
                               "correction has k >= 1")
    path = folder / info["file"]
    if not path.is_file():
        raise ResourceNotFoundError(f"{path}: no such file (the InstaMap correction of the mapping)")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, AttributeError) as exc:
        raise InputFormatError(path, f"not an InstaMap correction saved by xproj ({type(exc).__name__}: "
                               f"{str(exc) or 'unreadable'})") from None
    correction = InstanceCorrection.from_arrays(arrays, k=params["instance_k"],
                                                temperature=params["instance_temperature"],
                                                iterations=params["instance_iterations"], dim=W.shape[1],
                                                where=path)
    extra = sorted(set(arrays) - set(correction.arrays()))
    if extra:  # e.g. the record says fewer iterations than were saved: never drop one silently
        raise InputFormatError(path, f"holds {extra[0]}, which the mapping's record "
                               f"({params['instance_iterations']} iterations) does not account for")
    return correction


def _load_array(path: Path, what: str) -> np.ndarray:
    """``np.load`` of one saved matrix, an unreadable file an :class:`InputFormatError` naming it."""
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise InputFormatError(path, f"not {what} saved by xproj align ({type(exc).__name__}: "
                               f"{str(exc) or 'unreadable'})") from None
    if not isinstance(array, np.ndarray):  # an .npz archive under the matrix's name
        array.close()
        raise InputFormatError(path, f"not {what} saved by xproj align (an archive of arrays, not one matrix)")
    return array


def _load_target(path: Path, W: np.ndarray, dim) -> np.ndarray:
    """The target matrix of a two-sided mapping, checked against the source matrix."""
    if not path.exists():
        raise ResourceNotFoundError(f"{path}: no such file (the target matrix of a two-sided mapping)")
    W_tgt = _load_array(path, "the target matrix of a mapping")
    if W.ndim != 2 or W.shape[0] != dim or W_tgt.shape != W.shape:
        raise InputFormatError(path, f"expected two {dim}-row matrices of one shape, found "
                               f"{W.shape} and {W_tgt.shape}")
    return W_tgt.astype(np.float32)


def _sibling(base: Path, suffix: str) -> Path:
    return base.parent / (base.name + suffix)


def _mapping_base(path) -> Path:
    """``map``, ``map.npy``, ``map.tgt.npy`` and ``map.json`` all name the mapping saved as
    ``map.{npy,json}``."""
    path = Path(path)
    for suffix in (".json", ".tgt.npy", INSTANCE_SUFFIX, ".npy"):
        if path.name.endswith(suffix):
            return path.with_name(path.name[: -len(suffix)])
    return path


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
