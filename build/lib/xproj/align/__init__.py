"""Aligning two word-vector spaces: recipes (orthogonal Procrustes, the multi-step supervised
mapping, RCSLS), MUSE-style refinement, pivots, and the saved :class:`VectorMapping`.

Vectors are normalised first (VecMap's ``unit,center,unit`` by default), and the same
normalisation is applied whenever the mapping is used, so a saved mapping is self-describing.

Modules: :mod:`~xproj.align.steps` (the steps as matrix functions), :mod:`~xproj.align.fit`
(dictionary -> fitted mapping, refinement), :mod:`~xproj.align.orthography` (refinement's
orthography-aware dictionary induction), :mod:`~xproj.align.rcsls` (the relaxed CSLS
loss and its descent), :mod:`~xproj.align.instance` (InstaMap's non-linear correction after a
linear map), :mod:`~xproj.align.recipes` (``RECIPES`` by name,
:func:`fit_mapping`), :mod:`~xproj.align.mapping` (:class:`VectorMapping`, save/load).
"""

from .._deprecate import renamed_attributes
from .fit import fit_linear, induce_dictionary, seed_pairs
from .mapping import VectorMapping
from .recipes import RECIPES, align_to_pivot, fit_mapping
from .steps import procrustes

__all__ = ["RECIPES", "VectorMapping", "align_to_pivot", "fit_linear", "fit_mapping",
           "induce_dictionary", "procrustes", "seed_pairs"]

# Deprecated names, kept for one release.
__getattr__ = renamed_attributes(__name__, Mapping=VectorMapping)
