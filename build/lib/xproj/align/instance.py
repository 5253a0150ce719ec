"""InstaMap: a non-linear, instance-based correction on top of a linear mapping.

Glavaš and Vulić (ACL 2020), "Non-Linear Instance-Based Cross-Lingual Mapping for Non-Isomorphic
Embedding Spaces". A linear map cannot align spaces that are far from isometric; InstaMap keeps
the global map and then moves each mapped source vector along its own *translation vector*: the
similarity-weighted average of the displacements ``y_i - x_i`` (mapped dictionary source word
``x_i`` to its translation ``y_i``) of its ``k`` nearest dictionary source words in the mapped
space. The two steps alternate: iteration 1 uses the recipe's linear map (whatever recipe), every
further iteration first rotates the moved space onto the dictionary's targets again (orthogonal
Procrustes, the paper's Kabsch step) and then moves every point once more.

What a fitted correction holds (:class:`InstanceCorrection`) is what applying it to new vectors
needs: per iteration, the rotation (none for the first), the dictionary source points where they
stood (unit rows, for the cosine k-NN) and their displacements. Only the source side is moved; the
target side keeps the recipe's map. A source word with several translations moves toward their
mean. Nothing vocabulary x vocabulary is formed: rows go through in blocks against the
dictionary's points (a few thousand), with one similarity buffer reused (VecMap style), float32;
a row's result is the same, bit for bit, however many rows are mapped with it.

Parameters (:data:`INSTANCE_PARAMS`, their ranges :data:`INSTANCE_RANGES`; a recipe's own
defaults :data:`RECIPE_INSTANCE_DEFAULTS`)
------------------------------------------------------------------------
instance_k : int
    Dictionary neighbours averaged per point; 0 = off (the linear mapping alone).
instance_temperature : float
    0: weights are the cosine similarities (negative ones count 0), the paper's weighted
    average; > 0 (at least :data:`MIN_TEMPERATURE`): a softmax of the similarities divided by
    it (small = the nearest dominate).
instance_iterations : int
    Rotation + translation rounds (>= 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError, ShapeError
from ..options import RANGES
from ..vectors.normalize import unit_length
from .steps import procrustes

#: the parameters of the correction and their defaults for a recipe without its own (0 = off)
INSTANCE_PARAMS = {"instance_k": 0, "instance_temperature": 0.0, "instance_iterations": 1}
#: recipes whose default includes the correction. ``supervised``: chosen on held-out TRAIN words
#: of the six MUSE directions (bench/instamap_bli.py --tune, three rounds; first 4,000 source words
#: fit, next 1,000 queried): k=30, softmax temperature 0.05, 2 iterations, mean CSLS P@1 0.2199
#: against 0.1538 for the linear default, every direction up by 0.045 or more, which passed the
#: adoption rule written before the runs (mean > +0.005, no direction < -0.01); 3 iterations tie,
#: temperatures 0.1 / 0.2 / 0.02 / 0.01 and plain similarity weights did less. The gain is on
#: queries whose answer is also a translation in the fit dictionary; on the others it is small,
#: nil or negative (--diagnose, bench/README.md "InstaMap"). align_to_pivot keeps the linear map
#: (instance_k=0); a run too unless alignment.instance_k says otherwise (its transfer effect on the
#: shared sets' dev parts: bench/README.md "InstaMap in the run").
RECIPE_INSTANCE_DEFAULTS = {"supervised": {"instance_k": 30, "instance_temperature": 0.05, "instance_iterations": 2}}
#: the values each parameter allows: the run options' ranges (``alignment.instance_*``,
#: :data:`xproj.options.RANGES`, declared once there), shared by ``xproj align`` and the library
INSTANCE_RANGES = {name: RANGES[f"alignment.{name}"] for name in INSTANCE_PARAMS}
#: the smallest positive temperature: float32 similarity gaps (at most 2) divided by a smaller one
#: overflow, and one below float32's range is 0 (0 / 0: nan weights, nan vectors)
MIN_TEMPERATURE = 1e-30
#: rows moved per block: the similarity buffer is BATCH x dictionary words float32 (5,000
#: dictionary words: 20 MB); fixed, since every block goes to BLAS in this one shape (:func:`displace`)
BATCH = 1024


def recipe_instance_defaults(recipe: str | None) -> dict:
    """The InstaMap parameters a recipe runs with unless told otherwise."""
    return {**INSTANCE_PARAMS, **RECIPE_INSTANCE_DEFAULTS.get(recipe, {})}


def check_instance_params(recipe: str | None = None, **params) -> dict:
    """The InstaMap parameters (``None`` or missing: the ``recipe``'s default,
    :func:`recipe_instance_defaults`), each checked against its type and :data:`INSTANCE_RANGES`;
    :class:`~xproj.errors.ConfigError` naming the first bad one."""
    unknown = set(params) - set(INSTANCE_PARAMS)
    if unknown:
        raise ConfigError(f"{sorted(unknown)[0]}: not an InstaMap parameter ({', '.join(INSTANCE_PARAMS)})")
    out = {**recipe_instance_defaults(recipe), **{k: v for k, v in params.items() if v is not None}}
    for name, value in out.items():
        integral = isinstance(INSTANCE_PARAMS[name], int) and not isinstance(INSTANCE_PARAMS[name], bool)
        kinds = (int, np.integer) if integral else (int, float, np.integer, np.floating)
        if isinstance(value, bool) or not isinstance(value, kinds) or value not in INSTANCE_RANGES[name]:
            raise ConfigError(f"{name}: must be {'an integer' if integral else 'a number'}, allowed "
                              f"{INSTANCE_RANGES[name]}; got {value!r}")
    if 0 < out["instance_temperature"] < MIN_TEMPERATURE:
        raise ConfigError(f"instance_temperature: must be 0 (the similarities as weights) or at least "
                          f"{MIN_TEMPERATURE:g} (a softmax; a smaller one overflows float32), got "
                          f"{out['instance_temperature']!r}")
    return out


@dataclass
class InstanceStep:
    """One iteration: ``rotation`` (d x d, ``None`` in the first one, which follows the linear
    map), the dictionary source points there as unit rows (``anchors``, m x d) and where each
    should move (``displacements``, m x d)."""

    rotation: np.ndarray | None
    anchors: np.ndarray
    displacements: np.ndarray


@dataclass
class InstanceCorrection:
    """A fitted InstaMap correction of a mapping's source side (see the module docstring)."""

    steps: list
    k: int
    temperature: float = 0.0

    @property
    def params(self) -> dict:
        return {"instance_k": self.k, "instance_temperature": self.temperature,
                "instance_iterations": len(self.steps)}

    def apply(self, X: np.ndarray) -> np.ndarray:
        """Rows already through the linear map -> corrected rows (float32; ``X`` untouched)."""
        X = np.asarray(X, dtype=np.float32)
        for step in self.steps:
            if step.rotation is not None:
                X = X @ step.rotation
            X = displace(X, step.anchors, step.displacements, self.k, self.temperature)
        return X

    def arrays(self) -> dict:
        """The arrays to save, by name (``rotation_1``, ``anchors_0``, ...)."""
        out = {}
        for i, step in enumerate(self.steps):
            if step.rotation is not None:
                out[f"rotation_{i}"] = step.rotation
            out[f"anchors_{i}"] = step.anchors
            out[f"displacements_{i}"] = step.displacements
        return out

    @classmethod
    def from_arrays(cls, arrays, *, k: int, temperature: float, iterations: int, dim: int, where) -> InstanceCorrection:
        """The inverse of :meth:`arrays`, every shape checked (``where`` names the file in errors)."""
        from ..errors import InputFormatError

        steps = []
        for i in range(iterations):
            try:
                anchors, disp = arrays[f"anchors_{i}"], arrays[f"displacements_{i}"]
                rotation = arrays[f"rotation_{i}"] if i else None
            except KeyError as exc:
                raise InputFormatError(where, f"missing array {exc.args[0]} of InstaMap iteration {i + 1}") from None
            if anchors.ndim != 2 or anchors.shape[1] != dim or disp.shape != anchors.shape or \
                    (rotation is not None and rotation.shape != (dim, dim)):
                raise InputFormatError(where, f"InstaMap iteration {i + 1}: expected {dim}-column anchors and "
                                       f"displacements of one shape, found {anchors.shape} and {disp.shape}")
            if not all(np.isfinite(a).all() for a in (anchors, disp) + (() if rotation is None else (rotation,))):
                raise InputFormatError(where, f"InstaMap iteration {i + 1}: holds nan or infinite values")
            steps.append(InstanceStep(None if rotation is None else rotation.astype(np.float32),
                                      anchors.astype(np.float32), disp.astype(np.float32)))
        return cls(steps, int(k), float(temperature))


def displace(X, anchors, displacements, k: int, temperature: float = 0.0) -> np.ndarray:
    """Each row of ``X`` plus the weighted mean displacement of its ``k`` most cosine-similar
    ``anchors`` (unit rows). Rows go through in blocks of :data:`BATCH`; one ``BATCH x m``
    buffer holds the similarities, then (zeroed outside the k) the weights, so the mean is one
    matrix product. Each row's result depends on that row alone, bit for bit, whatever the
    number of rows, their order or their neighbours: every block reaches BLAS in one shape (the
    last one padded with zero rows), because BLAS may sum a product of another shape (a single
    row above all) in another order, and a row mapped alone would then differ from the same row
    mapped with the vocabulary."""
    X = np.asarray(X, dtype=np.float32)
    n, m = X.shape[0], anchors.shape[0]
    if X.shape[1] != anchors.shape[1]:
        raise ShapeError(f"InstaMap: rows of dimension {X.shape[1]} against {anchors.shape[1]}-d anchors")
    k = min(int(k), m)
    out = np.empty_like(X)
    block = np.empty((BATCH, X.shape[1]), dtype=np.float32)
    buf = np.empty((BATCH, m), dtype=np.float32)
    for start in range(0, n, BATCH):
        rows = X[start:start + BATCH]
        block[:len(rows)] = unit_length(rows)
        block[len(rows):] = 0
        np.matmul(block, anchors.T, out=buf)
        sims = buf[:len(rows)]
        nearest = (np.argpartition(sims, m - k, axis=1)[:, m - k:] if k < m  # the k largest, no negated copy
                   else np.broadcast_to(np.arange(m), sims.shape))
        top = np.take_along_axis(sims, nearest, axis=1)
        if temperature:
            w = np.exp((top - top.max(axis=1, keepdims=True)) / np.float32(temperature))
        else:  # the similarities themselves; a row with no positive one: a plain mean
            w = np.clip(top, 0, None)
            w[w.sum(axis=1) == 0] = 1
        w /= w.sum(axis=1, keepdims=True)
        buf.fill(0)  # the padding rows too: they take part in the product below
        np.put_along_axis(sims, nearest, w.astype(np.float32), axis=1)
        out[start:start + len(rows)] = rows + (buf @ displacements)[:len(rows)]
    return out


def fit_instance_correction(X_d, goals, *, k: int, temperature: float = 0.0, iterations: int = 1) -> InstanceCorrection:
    """Fit the correction from the dictionary's mapped source points ``X_d`` (one row per source
    word, already through the linear map) and where each should go (``goals``: its translation in
    the mapped target space, the mean of several). See the module docstring."""
    if k < 1:
        raise ConfigError(f"instance_k: must be >= 1 to fit a correction, got {k}")
    P = np.asarray(X_d, dtype=np.float32)
    goals = np.asarray(goals, dtype=np.float32)
    if P.shape != goals.shape or P.ndim != 2 or not len(P):
        raise ShapeError(f"InstaMap needs paired dictionary rows of one shape, got {P.shape} and {goals.shape}")
    steps = []
    for i in range(iterations):
        rotation = None
        if i:  # the Kabsch step: the moved points rotated onto their goals again
            rotation = procrustes(P, goals)
            P = P @ rotation
        step = InstanceStep(rotation, unit_length(P), goals - P)
        steps.append(step)
        P = displace(P, step.anchors, step.displacements, k, temperature)
    return InstanceCorrection(steps, int(k), float(temperature))


def dictionary_goals(Xs_d, Zt_d, s_idx, t_idx) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(source rows, their mapped points, their goals)``: one entry per distinct source row of
    the pairs ``(s_idx, t_idx)``; ``Xs_d`` / ``Zt_d`` are the mapped rows of those pairs (one per
    pair). A source word with several translations gets their mean as goal."""
    sources, which = np.unique(np.asarray(s_idx), return_inverse=True)
    goals = np.zeros((len(sources), Zt_d.shape[1]), dtype=np.float64)
    np.add.at(goals, which, np.asarray(Zt_d, dtype=np.float64))
    goals /= np.bincount(which, minlength=len(sources))[:, None]
    first = np.unique(which, return_index=True)[1]
    return sources, np.asarray(Xs_d, dtype=np.float32)[first], goals.astype(np.float32)


def add_instance_correction(mapping, src, tgt, dictionary, *, instance_k: int, instance_temperature: float = 0.0,
                            instance_iterations: int = 1, seed_name=None):
    """``mapping`` (any fitted recipe) with an InstaMap correction fitted on the seed
    ``dictionary`` (as :func:`~xproj.align.fit.seed_pairs` accepts it); the parameters are
    recorded in ``metadata["instance"]``. Returns the same object, changed."""
    from ..dictionaries import to_indices
    from .fit import seed_pairs

    if mapping.instance_ is not None:
        raise ValueError("this mapping already has an InstaMap correction")
    if dictionary is None or (isinstance(dictionary, str) and dictionary == "none"):
        raise ConfigError("instance_k: InstaMap moves points by the seed dictionary's translations; "
                          "it needs a dictionary")
    pairs = seed_pairs(dictionary, src, tgt)
    s_idx, t_idx = to_indices(pairs, src, tgt, name=seed_name or "seed dictionary")
    Xs = mapping.transform_matrix(mapping.prepare(src).vectors[s_idx])
    Zt = mapping.transform_matrix(mapping.prepare(tgt).vectors[t_idx], side="target")
    _, X_d, goals = dictionary_goals(Xs, Zt, s_idx, t_idx)
    mapping.instance_ = fit_instance_correction(X_d, goals, k=instance_k, temperature=instance_temperature,
                                                iterations=instance_iterations)
    mapping.metadata["instance"] = {**mapping.instance_.params, "method": "InstaMap (Glavaš and Vulić 2020)",
                                    "dictionary_sources": len(X_d)}
    return mapping
