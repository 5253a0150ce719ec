"""The self-learning recipes (:mod:`xproj.self_learning`) with the registry's signature.

``RECIPES["self-learning"]`` starts from the seed dictionary; ``RECIPES["unsupervised"]``
from none (the similarity distributions of the two spaces). Both take the common keywords of
:func:`~xproj.align.fit.fit_linear` that apply to them (``normalization``, ``csls_k``,
``eval_pairs``, ``callback``, ``src_lang``, ``tgt_lang``, ``seed_name``) and the loop's own
(``vocabulary_cutoff``, ``max_minutes``, ``seed``, ...: :func:`xproj.self_learning.self_learning`).
``refine_vocab`` and ``keep_seed`` belong to MUSE refinement, which self-learning replaces:
they are accepted (a run config always passes them) and not used; ``refine > 0`` is an error.
The loop's random seed is ``random_seed`` here: :func:`~xproj.align.fit_mapping` still reads
``seed=`` as the deprecated name of its dictionary.
"""

from __future__ import annotations

import logging

from ..errors import ConfigError
from .mapping import VectorMapping

log = logging.getLogger(__name__)

#: what "no dictionary" may be called: the unsupervised recipe takes one of these
NO_DICTIONARY = (None, "none")


def _loop_options(recipe: str, options: dict) -> dict:
    """``options`` without the refinement keywords, which self-learning does not use."""
    options = dict(options)
    if "random_seed" in options:
        options["seed"] = options.pop("random_seed")
    if options.pop("refine", 0):
        raise ConfigError(f"refine: the {recipe} recipe iterates by itself (its budget is "
                          "max_minutes / max_iterations); set refine to 0")
    options.pop("refine_vocab", None)
    options.pop("keep_seed", None)
    return options


def self_learning_recipe(src, tgt, dictionary, **options) -> VectorMapping:
    """Self-learning from a weak seed (identical strings, numerals, a short list or a file)."""
    from ..self_learning import self_learning

    if dictionary in NO_DICTIONARY:
        raise ConfigError("dictionary: the self-learning recipe needs a seed dictionary "
                          "('identical', 'numerals' or pairs); use the unsupervised recipe for none")
    return self_learning(src, tgt, dictionary, **_loop_options("self-learning", options))


def unsupervised_recipe(src, tgt, dictionary=None, **options) -> VectorMapping:
    """Self-learning from the initial dictionary of the spaces' similarity distributions; a
    dictionary given (a run config always has one) is not used, and recorded as such."""
    from ..self_learning import unsupervised

    mapping = unsupervised(src, tgt, None, **_loop_options("unsupervised", options))
    if dictionary not in NO_DICTIONARY:
        log.warning("the unsupervised recipe does not use the seed dictionary it was given")
        mapping.metadata["dictionary_not_used"] = options.get("seed_name") or str(dictionary)[:200]
    return mapping


#: the recipes of this module, by registry name: they iterate by themselves (``max_minutes``,
#: ``seed``) instead of MUSE refinement
SELF_LEARNING_RECIPES = {"self-learning": self_learning_recipe, "unsupervised": unsupervised_recipe}
