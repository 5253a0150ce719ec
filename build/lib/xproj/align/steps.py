"""The steps of a linear cross-lingual mapping, each a small function on matrices.

Artetxe, Labaka and Agirre (AAAI 2018) describe supervised mappings as a sequence of optional
steps applied to the (normalised) dictionary rows ``X_d`` (source) and ``Z_d`` (target):

1. whitening of each side (:func:`whitening`): ``(X_d W1x)^T (X_d W1x) = I``;
2. an orthogonal map of each side onto their common directions (:func:`orthogonal_map`), the
   SVD ``(X_d W1x)^T (Z_d W1z) = U S V^T``: source rotated by ``U``, target by ``V``;
3. re-weighting of each side by the singular values ``S`` raised to an exponent
   (:func:`reweighting`; 0 = off);
4. de-whitening (:func:`dewhitening`): undo a side's whitening inside the rotated space,
   with the source's or the target's own whitening;
5. dimensionality reduction (:func:`reduce_dimensions`): keep the first (most correlated)
   directions.

Every function returns a matrix that multiplies rows on the right, so a full recipe is the
product of its steps' matrices (float64 here; the mapping stores float32). Orthogonal
Procrustes (:func:`procrustes`) is the special case with whitening, re-weighting and
de-whitening off: then ``U V^T`` is the Procrustes solution.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import orthogonal_procrustes

from ..errors import ShapeError

#: Which side's whitening a de-whitening step undoes: "src", "trg", or None (no de-whitening).
DEWHITEN_CHOICES = ("src", "trg", None)


def _check_pairs(X_d, Z_d, what):
    if X_d.shape != Z_d.shape or X_d.ndim != 2:
        raise ShapeError(f"{what} needs paired matrices of one shape, got {X_d.shape} and {Z_d.shape}")
    if X_d.shape[0] == 0:
        raise ShapeError(f"{what} needs at least one pair")


def procrustes(X_src: np.ndarray, Z_tgt: np.ndarray) -> np.ndarray:
    """Orthogonal ``W`` minimising ``||X_src W - Z_tgt||_F`` (SciPy's orthogonal Procrustes).

    Solved in float64 for accuracy (the SVD of a d x d matrix is cheap), returned as float32.
    """
    X_src, Z_tgt = np.asarray(X_src), np.asarray(Z_tgt)
    _check_pairs(X_src, Z_tgt, "Procrustes")
    W, _ = orthogonal_procrustes(X_src.astype(np.float64), Z_tgt.astype(np.float64))
    return W.astype(np.float32)


def whitening(M: np.ndarray, ridge: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The whitening matrix of the rows ``M`` (n x d) and its inverse.

    With ``M = U S V^T`` (V, S from the eigenvectors of ``M^T M``): ``W = V S^-1 V^T``, so ``(M W)^T (M W) = I`` (the rows' second
    moment, not divided by n: VecMap's convention), and ``W^-1 = V S V^T`` (used to de-whiten).
    ``ridge`` > 0 whitens less: ``S^2`` + ``ridge`` times its mean replaces ``S^2`` (the weak
    directions, mostly noise in a small dictionary, are not blown up); with a ridge the rows need
    not span every dimension (a direction removed from the space by the normalisation, such as
    ``abtt``'s, stays empty).

    Raises
    ------
    ShapeError
        When the rows do not span the space (fewer independent rows than dimensions): there
        is no whitening then.
    """
    M = np.asarray(M, dtype=np.float64)
    # The eigenvectors of the d x d Gram matrix M^T M = V S^2 V^T: the same V and S as the SVD
    # of M, in milliseconds where LAPACK's SVD of a tall n x d matrix takes seconds here.
    eigenvalues, v = np.linalg.eigh(M.T @ M)
    s = np.sqrt(np.clip(eigenvalues, 0, None))
    # eigh sorts ascending. A ridge makes whitening defined without full rank (the null
    # directions, e.g. those an "abtt" normalisation removed, are scaled by 1/sqrt(ridge))
    if M.shape[0] < M.shape[1] or (not ridge and s[0] <= s[-1] * 1e-6):
        raise ShapeError(f"whitening needs dictionary rows that span all {M.shape[1]} dimensions "
                         f"(got {M.shape[0]} rows, rank {int(np.sum(s > s[-1] * 1e-6))}); use more pairs "
                         "or the procrustes recipe")
    if ridge:
        s = np.sqrt(s ** 2 + ridge * np.mean(s ** 2))
    return (v / s) @ v.T, (v * s) @ v.T


def orthogonal_map(X_d: np.ndarray, Z_d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(U, s, V)`` from the SVD ``X_d^T Z_d = U diag(s) V^T``: rotating the source by ``U``
    and the target by ``V`` puts paired rows on common, decreasingly correlated axes."""
    X_d, Z_d = np.asarray(X_d, dtype=np.float64), np.asarray(Z_d, dtype=np.float64)
    _check_pairs(X_d, Z_d, "the orthogonal mapping")
    u, s, vt = np.linalg.svd(X_d.T @ Z_d)
    return u, s, vt.T


def reweighting(s: np.ndarray, exponent: float) -> np.ndarray:
    """``diag(s ** exponent)``: weight each common axis by its singular value (0 = identity)."""
    return np.diag(np.asarray(s, dtype=np.float64) ** float(exponent))


def dewhitening(whiten_inverse: np.ndarray, rotation: np.ndarray) -> np.ndarray:
    """``R^T W1^-1 R``: undo a whitening ``W1`` inside the space rotated by ``R``.

    ``whiten_inverse`` is the second matrix returned by :func:`whitening` for the side whose
    whitening is undone, ``rotation`` that side's orthogonal map (``U`` or ``V``).
    """
    return rotation.T @ whiten_inverse @ rotation


def reduce_dimensions(W: np.ndarray, n_dims: int) -> np.ndarray:
    """The first ``n_dims`` columns of ``W`` (all of them when ``n_dims`` is 0)."""
    if n_dims < 0 or n_dims > W.shape[1]:
        raise ShapeError(f"dim_reduction must be between 0 (off) and {W.shape[1]}, got {n_dims}")
    return W[:, :n_dims] if n_dims else W


def multi_step(X_d, Z_d, *, whiten=True, src_reweight=0.25, trg_reweight=0.25, src_dewhiten="src",
               trg_dewhiten="trg", dim_reduction=0, fixed_target=False,
               whiten_ridge=0.0) -> tuple[np.ndarray, np.ndarray | None]:
    """Source and target matrices ``(Wx, Wz)`` of the multi-step mapping (VecMap's
    "advanced" mapping) learnt from the paired rows ``X_d``, ``Z_d``.

    Mapped spaces are ``X @ Wx`` and ``Z @ Wz``. Defaults are VecMap's ``--supervised`` but
    for the re-weighting exponents (0.25, not 0.5: see :mod:`xproj.align.recipes`).
    De-whitening needs whitening; with ``whiten=False`` it is skipped. ``whiten_ridge``: see
    :func:`whitening` (0 = VecMap's exact whitening).

    ``fixed_target=True`` leaves the target space as it is (``Wz`` is ``None``), so that
    several languages can be mapped onto one pivot: the target is not re-weighted and is
    de-whitened with its own whitening, which makes ``Wz`` the rotation ``V``; folding
    ``V^T`` into the source side (``Wx V^T``) changes no similarity. ``trg_reweight`` and
    ``trg_dewhiten`` are ignored then, and there is no dimensionality reduction.
    """
    if fixed_target:
        if dim_reduction:
            raise ValueError("dim_reduction: a fixed target side keeps all dimensions; use 0")
        Wx, Wz = multi_step(X_d, Z_d, whiten=whiten, src_reweight=src_reweight, trg_reweight=0,
                            src_dewhiten=src_dewhiten, trg_dewhiten="trg", whiten_ridge=whiten_ridge)
        return Wx @ Wz.T, None
    for name, value in (("src_dewhiten", src_dewhiten), ("trg_dewhiten", trg_dewhiten)):
        if value not in DEWHITEN_CHOICES:
            raise ValueError(f"{name}: {value!r} is not one of {DEWHITEN_CHOICES}")
    X_d, Z_d = np.asarray(X_d, dtype=np.float64), np.asarray(Z_d, dtype=np.float64)
    d = X_d.shape[1]
    eye = np.eye(d)
    (wx1, wx1_inv), (wz1, wz1_inv) = ((whitening(X_d, whiten_ridge), whitening(Z_d, whiten_ridge)) if whiten
                                      else ((eye, eye), (eye, eye)))
    u, s, v = orthogonal_map(X_d @ wx1, Z_d @ wz1)
    undo = {"src": dewhitening(wx1_inv, u), "trg": dewhitening(wz1_inv, v), None: eye}
    if not whiten:
        undo = {k: eye for k in undo}
    Wx = wx1 @ u @ reweighting(s, src_reweight) @ undo[src_dewhiten]
    Wz = wz1 @ v @ reweighting(s, trg_reweight) @ undo[trg_dewhiten]
    return reduce_dimensions(Wx, dim_reduction), reduce_dimensions(Wz, dim_reduction)
