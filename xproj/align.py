"""Aligning two word-vector spaces: orthogonal Procrustes, MUSE-style refinement, pivots.

The mapping ``W`` is orthogonal and sends (normalised) source vectors onto the target space:
``X_src @ W ~ Z_tgt`` for dictionary pairs. Vectors are normalised first (VecMap's
``unit,center,unit`` by default), and the same normalisation is applied whenever the mapping
is used, so a saved mapping is self-describing.

Examples
--------
>>> from xproj.datasets.synthetic import make_bilingual_world
>>> world = make_bilingual_world(n_words=2000, dim=32, noise=0.02, seed=0)
>>> mapping = fit_mapping(world.src, world.tgt, world.train_pairs)
>>> mapping.W_.shape
(32, 32)
"""

from __future__ import annotations

import json
import logging
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping as MappingT

import numpy as np
from scipy.linalg import orthogonal_procrustes

from . import __version__
from ._deprecate import renamed_attributes, renamed_keyword
from ._io import atomic_save_npy, atomic_write
from .dictionaries import identical_strings, numerals, read_dictionary, to_indices
from .errors import InputFormatError, ResourceNotFoundError, ShapeError
from .retrieval import csls_topk, nn_topk, topk_mean
from .vectors import WordVectors, normalize

log = logging.getLogger(__name__)


def procrustes(X_src: np.ndarray, Z_tgt: np.ndarray) -> np.ndarray:
    """Orthogonal ``W`` minimising ``||X_src W - Z_tgt||_F`` (SciPy's orthogonal Procrustes).

    Solved in float64 for accuracy (the SVD of a d x d matrix is cheap), returned as float32.
    """
    X_src = np.asarray(X_src)
    Z_tgt = np.asarray(Z_tgt)
    if X_src.shape != Z_tgt.shape or X_src.ndim != 2:
        raise ShapeError(f"Procrustes needs paired matrices of one shape, got {X_src.shape} and {Z_tgt.shape}")
    if X_src.shape[0] == 0:
        raise ShapeError("Procrustes needs at least one pair")
    W, _ = orthogonal_procrustes(X_src.astype(np.float64), Z_tgt.astype(np.float64))
    return W.astype(np.float32)


@dataclass
class VectorMapping:
    """A fitted linear map from a source space to a target space, and how it was made.

    Attributes
    ----------
    W_ : ndarray (d, d)
        ``mapped = normalize(X_src) @ W_``.
    normalization : str
        Steps applied to both spaces before mapping (see :func:`xproj.vectors.normalize`).
    src_lang, tgt_lang : str or None
    metadata : dict
        Vectors' identity, dictionary sizes, refinement history, versions.

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

    def prepare(self, wv: WordVectors) -> WordVectors:
        """Normalise a space the way the mapping expects (both sides)."""
        return normalize(wv, self.normalization)

    def transform(self, wv: WordVectors) -> WordVectors:
        """Normalise a source space and map it into the target space."""
        if wv.dim != self.W_.shape[0]:
            raise ShapeError(f"vectors of dimension {wv.dim} cannot go through a {self.W_.shape} mapping")
        prepared = self.prepare(wv)
        out = prepared.with_vectors(np.asarray(prepared.vectors) @ self.W_)
        return out

    def transform_matrix(self, X) -> np.ndarray:
        """Map already-normalised source rows."""
        return np.asarray(X, dtype=np.float32) @ self.W_

    def inverse(self) -> "VectorMapping":
        """The target -> source mapping (``W.T``, since ``W`` is orthogonal)."""
        return VectorMapping(self.W_.T.copy(), self.normalization, self.tgt_lang, self.src_lang,
                       {**self.metadata, "inverted": not self.metadata.get("inverted", False)})

    # -- persistence ---------------------------------------------------------------------
    def save(self, path) -> Path:
        """Save as ``<path>.npy`` (the matrix) and ``<path>.json`` (metadata), atomically."""
        base = _mapping_base(path)
        atomic_save_npy(base.parent / (base.name + ".npy"), self.W_)
        meta = {
            "format": "xproj-mapping/1",
            "src_lang": self.src_lang,
            "tgt_lang": self.tgt_lang,
            "normalization": self.normalization,
            "dim": int(self.W_.shape[0]),
            "metadata": self.metadata,
            "versions": {"xproj": __version__, "numpy": np.__version__, "python": platform.python_version()},
        }
        with atomic_write(base.parent / (base.name + ".json"), "w") as f:
            json.dump(meta, f, indent=2, default=_json_default)
        return base

    @classmethod
    def load(cls, path) -> "VectorMapping":
        base = _mapping_base(path)
        npy, js = base.parent / (base.name + ".npy"), base.parent / (base.name + ".json")
        for p in (npy, js):
            if not p.exists():
                raise ResourceNotFoundError(f"{p}: no such file (a mapping is saved as .npy + .json)")
        try:
            meta = json.loads(js.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise InputFormatError(js, f"not valid JSON ({exc})") from None
        W = np.load(npy, allow_pickle=False)
        if W.ndim != 2 or W.shape[0] != W.shape[1] or W.shape[0] != meta.get("dim", W.shape[0]):
            raise InputFormatError(npy, f"expected a square {meta.get('dim')}-d matrix, found shape {W.shape}")
        return cls(W.astype(np.float32), meta.get("normalization", ""), meta.get("src_lang"),
                   meta.get("tgt_lang"), meta.get("metadata", {}))


def _mapping_base(path) -> Path:
    """``map``, ``map.npy`` and ``map.json`` all name the mapping saved as ``map.{npy,json}``."""
    path = Path(path)
    for suffix in (".json", ".npy"):
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


def seed_pairs(seed, src: WordVectors, tgt: WordVectors, *, lowercase=False):
    """Resolve a seed dictionary: a list of pairs, a file path, ``"identical"`` or
    ``"numerals"`` (strings shared by both vocabularies)."""
    if isinstance(seed, (str, Path)):
        if str(seed) == "identical":
            return identical_strings(src.words, tgt.words)
        if str(seed) == "numerals":
            return numerals(src.words, tgt.words)
        return read_dictionary(seed, lowercase=lowercase)
    return list(seed)


def induce_dictionary(X_mapped, Z_tgt, *, method="csls", k=10, mode="mutual"):
    """Translation pairs ``(src_row, tgt_row)`` induced from nearest neighbours.

    ``mode``: ``"mutual"`` keeps pairs that are each other's best match in both directions
    (MUSE's ``S2T&T2S``), ``"forward"`` / ``"union"`` as named.
    """
    if method == "csls":
        # Each side's neighbourhood term once, shared by both directions.
        r_x = topk_mean(X_mapped, Z_tgt, k)
        r_z = topk_mean(Z_tgt, X_mapped, k)
        fwd, _ = csls_topk(X_mapped, Z_tgt, 1, k=k, r_queries=r_x, r_targets=r_z)
        bwd, _ = csls_topk(Z_tgt, X_mapped, 1, k=k, r_queries=r_z, r_targets=r_x)
    else:
        fwd, _ = nn_topk(X_mapped, Z_tgt, 1)
        bwd, _ = nn_topk(Z_tgt, X_mapped, 1)
    f = {(i, int(j)) for i, j in enumerate(fwd[:, 0])}
    b = {(int(i), j) for j, i in enumerate(bwd[:, 0])}
    pairs = {"mutual": f & b, "forward": f, "union": f | b}[mode]
    a = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    return a[:, 0], a[:, 1]


@renamed_keyword("seed", "dictionary")
def fit_mapping(
    src: WordVectors,
    tgt: WordVectors,
    dictionary,
    *,
    normalization: str = "unit,center,unit",
    refine: int = 0,
    refine_vocab: int = 10000,
    keep_seed: bool = False,
    csls_k: int = 10,
    eval_pairs=None,
    callback: Callable[[int, dict], None] | None = None,
    src_lang=None,
    tgt_lang=None,
    seed_name: str | None = None,
) -> VectorMapping:
    """Learn an orthogonal mapping from ``src`` onto ``tgt``.

    Parameters
    ----------
    src, tgt : WordVectors
    dictionary : list of (src_word, tgt_word), path, "identical" or "numerals"
        The seed (training) dictionary; see :func:`seed_pairs`. Called ``seed`` up to
        xproj 0.1: ``seed=`` is still accepted for one release, with a ``DeprecationWarning``.
    normalization : str
        Applied to both spaces before solving.
    refine : int
        MUSE-style refinement rounds: induce a dictionary from mutual CSLS nearest
        neighbours among the ``refine_vocab`` most frequent words of each side, re-solve
        Procrustes. 0 = supervised Procrustes only.
    refine_vocab : int
        K: the most frequent words of each side among which pairs are induced (MUSE: 10,000
        supervised, 15,000 unsupervised).
    keep_seed : bool
        Add the seed pairs (``dictionary``) to each induced dictionary (helps when the seed
        dictionary is large and the vectors noisy; MUSE replaces it).
    eval_pairs : list of pairs, optional
        A test dictionary: BLI P@1 (NN and CSLS) is logged after every round and kept in
        ``mapping.metadata["history"]``.
    callback : callable(round, record), optional
    src_lang, tgt_lang : str, optional
        Recorded in the mapping; default the vectors' ``lang``.
    seed_name : str, optional
        How the seed dictionary is named in messages and metadata; default its path.

    Returns
    -------
    VectorMapping
    """
    if src.dim != tgt.dim:
        raise ShapeError(f"{src.describe()} have dimension {src.dim} but {tgt.describe()} have "
                         f"{tgt.dim}; both spaces must have the same dimension")
    pairs = seed_pairs(dictionary, src, tgt)
    name = seed_name or (str(dictionary) if isinstance(dictionary, (str, Path)) else "seed dictionary")
    s_idx, t_idx = to_indices(pairs, src, tgt, name=name)
    Xn = np.asarray(normalize(src, normalization).vectors)
    Zn = np.asarray(normalize(tgt, normalization).vectors)
    W = procrustes(Xn[s_idx], Zn[t_idx])
    history = []

    def record(round_, n_pairs):
        rec = {"round": round_, "pairs": int(n_pairs)}
        if eval_pairs is not None:
            from .evaluation import bli_scores

            res = bli_scores(WordVectors(src.words, Xn @ W), WordVectors(tgt.words, Zn),
                             eval_pairs, methods=("nn", "csls"), ks=(1,), csls_k=csls_k)
            rec.update({"p@1_nn": res["nn"]["p@1"], "p@1_csls": res["csls"]["p@1"]})
            log.info("round %d: %d pairs, P@1 NN %.4f CSLS %.4f", round_, n_pairs,
                     rec["p@1_nn"], rec["p@1_csls"])
        history.append(rec)
        if callback:
            callback(round_, rec)

    record(0, len(s_idx))
    Kx, Kz = min(refine_vocab, len(src)), min(refine_vocab, len(tgt))
    for r in range(1, refine + 1):
        ri, rj = induce_dictionary(Xn[:Kx] @ W, Zn[:Kz], method="csls", k=csls_k)
        if len(ri) == 0:
            log.warning("refinement round %d induced no pairs; stopping", r)
            break
        if keep_seed:
            both = np.unique(np.stack([np.concatenate([ri, s_idx]), np.concatenate([rj, t_idx])]), axis=1)
            ri, rj = both[0], both[1]
        W = procrustes(Xn[ri], Zn[rj])
        record(r, len(ri))

    meta = {
        "src_vectors": {"source": src.source, "n_words": len(src), "dim": src.dim},
        "tgt_vectors": {"source": tgt.source, "n_words": len(tgt), "dim": tgt.dim},
        "seed": name,
        "seed_pairs": len(pairs),
        "seed_pairs_covered": int(len(s_idx)),
        "refine_rounds": refine,
        "refine_vocab": refine_vocab,
        "keep_seed": keep_seed,
        "csls_k": csls_k,
        "history": history,
    }
    return VectorMapping(W, normalization, src_lang or src.lang, tgt_lang or tgt.lang, meta)


def align_to_pivot(spaces: MappingT[str, tuple[WordVectors, object]], pivot: WordVectors,
                   **kwargs) -> dict[str, VectorMapping]:
    """Map several languages onto one pivot space (English, usually).

    Parameters
    ----------
    spaces : dict lang -> (vectors, seed dictionary lang->pivot)
    pivot : WordVectors
    **kwargs : passed to :func:`fit_mapping`.
    """
    return {lang: fit_mapping(wv, pivot, dictionary, src_lang=lang, tgt_lang=pivot.lang, **kwargs)
            for lang, (wv, dictionary) in spaces.items()}


# Deprecated names, kept for one release.
__getattr__ = renamed_attributes(__name__, Mapping=VectorMapping)
