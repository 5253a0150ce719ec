"""Alignment recipes by name, and :func:`fit_mapping`, which runs one.

``RECIPES`` is a plain dict ``name -> function(src, tgt, dictionary, **params) -> VectorMapping``:
``src``/``tgt`` are :class:`~xproj.vectors.WordVectors`, ``dictionary`` a seed dictionary as
:func:`~xproj.align.fit.seed_pairs` accepts it (pairs, a path, "identical", "numerals"), and
``params`` the recipe's own parameters plus the common ones of
:func:`~xproj.align.fit.fit_linear` (normalization, refine, eval_pairs, src_lang, ...). A
recipe records its name and parameters in ``mapping.metadata["recipe"/"recipe_params"]``. New
recipes register by adding an entry; ``alignment.recipe`` (:mod:`xproj.config`) reads its
choices from this dict.

Recipes
-------
procrustes
    Orthogonal Procrustes on the normalised spaces; only the source is mapped.
supervised
    Artetxe, Labaka and Agirre (AAAI 2018), VecMap's ``--supervised``: whitening of both
    sides, orthogonal mapping, re-weighting by the singular values (exponent 0.25 each side;
    VecMap's 0.5 is ``src_reweight=0.5, trg_reweight=0.5``, :data:`VECMAP_SUPERVISED`),
    de-whitening of each side with its own whitening, optional dimensionality reduction
    (:func:`xproj.align.steps.multi_step`); both sides are mapped. Then one round of MUSE-style
    refinement keeping the seed pairs, whose induced pairs are chosen by CSLS + 0.4 x their
    orthographic similarity (:data:`SUPERVISED_REFINEMENT`, :mod:`xproj.align.orthography`).
    Through :func:`fit_mapping`, then InstaMap's non-linear correction of the source side
    (:data:`~xproj.align.instance.RECIPE_INSTANCE_DEFAULTS`; ``instance_k=0`` for the linear map,
    which the sentiment pipeline and :func:`align_to_pivot` use).
rcsls
    Joulin et al. (2018), fastText's ``alignment/align.py``: the source map is learnt by
    gradient descent on the relaxed CSLS loss over the most frequent words, from the
    Procrustes solution (:mod:`xproj.align.rcsls`); not orthogonal by default.
self-learning, unsupervised
    :mod:`xproj.self_learning` from the seed dictionary, or from none
    (:mod:`xproj.align.learned`); only the source is mapped.

After any recipe that has a seed dictionary, :func:`fit_mapping`'s ``instance_k`` > 0 adds
InstaMap's non-linear correction of the source side (:mod:`xproj.align.instance`; by default for
``supervised`` only).

Examples
--------
>>> from xproj.datasets.synthetic import make_bilingual_world
>>> world = make_bilingual_world(n_words=2000, dim=32, noise=0.02, seed=0)
>>> mapping = fit_mapping(world.src, world.tgt, world.train_pairs)
>>> mapping.W_.shape, mapping.two_sided
((32, 32), False)
>>> mapping = fit_mapping(world.src, world.tgt, world.train_pairs, recipe="supervised")
>>> mapping.metadata["recipe"], mapping.two_sided, mapping.linear
('supervised', True, False)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from .._deprecate import renamed_keyword
from ..errors import ConfigError
from .fit import fit_linear
from .instance import add_instance_correction, check_instance_params
from .learned import SELF_LEARNING_RECIPES
from .mapping import VectorMapping
from .rcsls import RCSLS_DEFAULTS, check_params, rcsls
from .steps import multi_step, procrustes

#: VecMap's ``--supervised`` settings (map_embeddings.py); ``supervised`` keeps all but the
#: re-weighting exponent, 0.25 here: chosen on held-out words of the MUSE en-es and es-en TRAIN
#: dictionaries (CSLS P@1 0.220 against 0.213 at 0.5; dimensionality reduction 50/75/90 did not
#: help), bench/recipes_bli.py --tune, bench/README.md
#: VecMap's mapping is linear: ``instance_k=0`` (no InstaMap; a :func:`fit_mapping` keyword)
VECMAP_SUPERVISED = {"whiten": True, "src_reweight": 0.5, "trg_reweight": 0.5,
                     "src_dewhiten": "src", "trg_dewhiten": "trg", "dim_reduction": 0, "instance_k": 0}

#: ``supervised``'s default refinement (MUSE-style, in the mapped spaces, seed pairs kept): one
#: round among the 10,000 most frequent words, chosen on held-out TRAIN words of all six MUSE
#: directions (bench/recipes_bli.py --tune-refine): mean CSLS P@1 0.1512 against 0.1465 without
#: refinement and 0.1461 with 3 rounds (which hurt en-zh and en-ja); on en-es/es-en alone 1 and 3
#: rounds tie (0.2279, 0.2285), K 5,000/20,000, dropping the seed, bidirectional induction,
#: CSLS k=5 and a whitening ridge did no better. Nor did ``refine="auto"`` (rounds chosen per pair
#: on a held-out fifth of the seed: mean 0.1485) or the rcsls recipe (at best 0.1218;
#: bench/recipes_bli.py --tune-refine rcsls), pre-processing both spaces (iterative normalisation
#: 0.1481, all-but-the-top 0.1355 and less), fitting on first translations only (0.1449), CSLS k
#: 5 / 20 or one-way induction in the round (0.1477 / 0.1496 / 0.1484), K 5,000 / 20,000, exponents
#: 0.5 with the round, or ``refine="auto"`` by 5-fold cross-validation (0.1498; --tune-refine
#: prep / one / auto). Orthography-aware induction in the round (Riley and Gildea 2018: CSLS +
#: 0.4 x edit similarity) was then the best of --tune-refine ortho / ortho2: mean 0.1538 against
#: 0.1511 (weights 0.1 / 0.2 / 0.8: 0.1523 / 0.1535 / 0.1537; with 2 or 3 rounds 0.1519; seed
#: pairs counted twice or three times, identical strings added to the seed, or induced pairs
#: of unseeded words only: 0.1417-0.1487). bench/README.md has the tables. ``transliterate`` (the
#: orthographic term through a language's declared transliteration: Japanese katakana in Latin
#: letters, xproj.lang.kana) stays off: held-out en-ja 0.0649 against 0.0699 without (weights
#: 0.2 / 0.8: 0.0699 / 0.0682), the five other directions identical (--tune-refine translit).
SUPERVISED_REFINEMENT = {"refine": 1, "refine_vocab": 10000, "keep_seed": True, "orthography": 0.4,
                         "transliterate": False}


def _procrustes_solver(X_d, Z_d):
    return procrustes(X_d, Z_d), None


def procrustes_recipe(src, tgt, dictionary, **options) -> VectorMapping:
    """Orthogonal Procrustes (+ optional refinement): the source mapped onto the target."""
    return fit_linear(src, tgt, dictionary, _procrustes_solver, recipe="procrustes", **options)


def supervised_recipe(src, tgt, dictionary, *, whiten=True, src_reweight=0.25, trg_reweight=0.25,
                      src_dewhiten="src", trg_dewhiten="trg", dim_reduction=0, fixed_target=False,
                      whiten_ridge=0.0, refine=SUPERVISED_REFINEMENT["refine"],
                      refine_vocab=SUPERVISED_REFINEMENT["refine_vocab"],
                      keep_seed=SUPERVISED_REFINEMENT["keep_seed"],
                      orthography=SUPERVISED_REFINEMENT["orthography"],
                      transliterate=SUPERVISED_REFINEMENT["transliterate"],
                      **options) -> VectorMapping:
    """The multi-step supervised mapping (see :func:`xproj.align.steps.multi_step` for the
    parameters); both sides mapped into the shared space, or only the source with
    ``fixed_target=True`` (what :func:`align_to_pivot` uses). By default followed by one
    refinement round among the 10,000 most frequent words, keeping the seed pairs, inducing
    pairs by CSLS + ``orthography`` x edit similarity (:data:`SUPERVISED_REFINEMENT`;
    ``refine=0`` for the seed dictionary alone, ``orthography=0`` for CSLS alone); with
    ``transliterate``, a language that declares a transliteration (Japanese katakana) is
    compared in Latin letters (:mod:`xproj.align.orthography`)."""
    params = {"whiten": whiten, "src_reweight": src_reweight, "trg_reweight": trg_reweight,
              "src_dewhiten": src_dewhiten, "trg_dewhiten": trg_dewhiten, "dim_reduction": dim_reduction,
              "fixed_target": fixed_target, "whiten_ridge": whiten_ridge}
    return fit_linear(src, tgt, dictionary, partial(multi_step, **params), recipe="supervised",
                      recipe_params=params, refine=refine, refine_vocab=refine_vocab, keep_seed=keep_seed,
                      orthography=orthography, transliterate=transliterate, **options)


def _rcsls_solver(X_d, Z_d, *, X, Z, **params):
    result = rcsls(X_d, Z_d, X, Z, **params)
    return result.W, None, {"rcsls_loss": [round(f, 6) for f in result.losses],
                            "rcsls_steps": result.steps, "rcsls_final_lr": result.lr,
                            "rcsls_scale": round(result.scale, 6)}


def rcsls_recipe(src, tgt, dictionary, *, knn=RCSLS_DEFAULTS["knn"], n_iter=RCSLS_DEFAULTS["n_iter"],
                 lr=RCSLS_DEFAULTS["lr"], negatives=RCSLS_DEFAULTS["negatives"],
                 projection=RCSLS_DEFAULTS["projection"], **options) -> VectorMapping:
    """RCSLS (:func:`xproj.align.rcsls.rcsls`, fastText's ``align.py``): from the Procrustes
    solution, gradient descent on the relaxed CSLS loss; only the source is mapped, by a
    matrix that is not orthogonal unless ``projection="orthogonal"``."""
    params = {"knn": knn, "n_iter": n_iter, "lr": lr, "negatives": negatives, "projection": projection}
    try:
        check_params(**params)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return fit_linear(src, tgt, dictionary, partial(_rcsls_solver, **params), recipe="rcsls",
                      recipe_params=params, solver_uses_spaces=True, **options)


RECIPES: dict[str, Callable[..., VectorMapping]] = {
    "procrustes": procrustes_recipe,
    "supervised": supervised_recipe,
    "rcsls": rcsls_recipe,
    **SELF_LEARNING_RECIPES,  # "self-learning" (from a weak seed), "unsupervised" (from none)
}


@renamed_keyword("seed", "dictionary")
def fit_mapping(src, tgt, dictionary, *, recipe: str = "procrustes", instance_k: int | None = None,
                instance_temperature: float | None = None, instance_iterations: int | None = None,
                **params) -> VectorMapping:
    """Learn a mapping from ``src`` onto ``tgt`` with a named recipe.

    Parameters
    ----------
    src, tgt : WordVectors
    dictionary : list of (src_word, tgt_word), path, "identical" or "numerals"
        The seed (training) dictionary. Called ``seed`` up to xproj 0.1: ``seed=`` is still
        accepted for one release, with a ``DeprecationWarning``.
    recipe : str
        A key of :data:`RECIPES`: "procrustes" (the default), "supervised", "self-learning" or
        "unsupervised".
    **params
        The recipe's parameters and the common ones of :func:`~xproj.align.fit.fit_linear`:
        ``normalization``, ``refine``, ``refine_vocab``, ``keep_seed``, ``csls_k``,
        ``orthography``, ``transliterate``, ``eval_pairs``, ``callback``, ``src_lang``, ``tgt_lang``, ``seed_name``.
    instance_k, instance_temperature, instance_iterations :
        InstaMap (:mod:`xproj.align.instance`): with ``instance_k`` > 0, the recipe's mapping
        gets a non-linear correction of its source side fitted on the seed dictionary (then
        :attr:`VectorMapping.linear` is False); 0: the recipe's mapping as it is. ``None``: the
        recipe's default (:data:`~xproj.align.instance.RECIPE_INSTANCE_DEFAULTS`: ``supervised``
        k=30, temperature 0.05, 2 iterations; the other recipes off).

    Returns
    -------
    VectorMapping
    """
    if recipe not in RECIPES:
        raise ConfigError(f"recipe: {recipe!r} is not one of {', '.join(RECIPES)}")
    instance = check_instance_params(recipe, instance_k=instance_k, instance_temperature=instance_temperature,
                                     instance_iterations=instance_iterations)
    if instance["instance_k"] and dictionary in (None, "none"):
        raise ConfigError("instance_k: InstaMap moves points by the seed dictionary's translations; "
                          f"the {recipe} recipe was given none")
    mapping = RECIPES[recipe](src, tgt, dictionary, **params)
    if instance["instance_k"]:
        mapping = add_instance_correction(mapping, src, tgt, dictionary, seed_name=params.get("seed_name"),
                                          **instance)
    return mapping


#: parameters a recipe needs to leave the pivot side alone (one pivot space for all languages)
PIVOT_PARAMS = {"supervised": {"fixed_target": True}}


def align_to_pivot(spaces, pivot, *, recipe: str = "procrustes", **kwargs) -> dict[str, VectorMapping]:
    """Map several languages onto one pivot space (English, usually).

    Every mapping leaves the pivot side as it is (normalised only): two-sided recipes run
    with their :data:`PIVOT_PARAMS` (``supervised``: ``fixed_target=True``), so the mappings
    share one :class:`~xproj.features.AlignedSpace` (``AlignedSpace.from_mappings``). The
    mappings are linear (``instance_k=0``) unless ``instance_k`` is given: InstaMap was chosen on
    pairwise BLI, not measured in one pivot space.

    Parameters
    ----------
    spaces : dict lang -> (vectors, seed dictionary lang->pivot)
    pivot : WordVectors
    recipe : str
        A key of :data:`RECIPES`.
    **kwargs : passed to :func:`fit_mapping`.
    """
    kwargs = {**PIVOT_PARAMS.get(recipe, {}), "instance_k": 0, **kwargs}
    return {lang: fit_mapping(wv, pivot, dictionary, recipe=recipe, src_lang=lang, tgt_lang=pivot.lang,
                              **kwargs)
            for lang, (wv, dictionary) in spaces.items()}
