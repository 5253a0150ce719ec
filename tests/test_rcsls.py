"""The RCSLS recipe (xproj.align.rcsls), ``refine="auto"``, and the recipe parameters as run
options (xproj.config.RECIPE_PARAMS)."""

import inspect

import numpy as np
import pytest

from xproj.align import RECIPES, fit_mapping
from xproj.align import rcsls as rcsls_module
from xproj.align.fit import AUTO_ROUNDS
from xproj.align.rcsls import PROJECTIONS, loss_and_gradient, rcsls
from xproj.config import OPTIONS, RECIPE_PARAMS, load_config, recipe_params
from xproj.datasets.synthetic import make_bilingual_world
from xproj.errors import ConfigError
from xproj.evaluation import bli_scores


@pytest.fixture(scope="module")
def world():
    return make_bilingual_world(n_words=2000, dim=32, noise=0.8, seed=0)


def _unit(M):
    return (M / np.linalg.norm(M, axis=1, keepdims=True)).astype(np.float32)


def _p1(mapping, world):
    return bli_scores(mapping.transform(world.src), mapping.transform(world.tgt, side="target"),
                      world.test_pairs, methods=("csls",), ks=(1,))["csls"]["p@1"]


@pytest.mark.parametrize("knn", [1, 30])
def test_gradient_matches_finite_differences(knn):
    rng = np.random.default_rng(0)
    d = 6
    X, Y = _unit(rng.normal(size=(40, d))), _unit(rng.normal(size=(40, d)))
    X_neg, Y_neg = _unit(rng.normal(size=(30, d))), _unit(rng.normal(size=(30, d)))
    W = rng.normal(size=(d, d))
    _, grad = loss_and_gradient(W, X, Y, X_neg, Y_neg, knn)
    numeric = np.zeros_like(W)
    eps = 1e-3
    for i in range(d):
        for j in range(d):
            E = np.zeros_like(W)
            E[i, j] = eps
            numeric[i, j] = (loss_and_gradient(W + E, X, Y, X_neg, Y_neg, knn)[0]
                             - loss_and_gradient(W - E, X, Y, X_neg, Y_neg, knn)[0]) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, atol=5e-4)


def test_descent_never_raises_the_loss_and_is_deterministic(world):
    X, Y = _unit(world.src.vectors), _unit(world.tgt.vectors)
    pairs = np.arange(500)
    a = rcsls(X[pairs], Y[pairs], X, Y, n_iter=6, lr=25.0)
    b = rcsls(X[pairs], Y[pairs], X, Y, n_iter=6, lr=25.0)
    assert len(a.losses) >= 2 and all(f1 <= f0 for f0, f1 in zip(a.losses, a.losses[1:]))
    np.testing.assert_array_equal(a.W, b.W)
    # mapped source words have a mean length of 1 (the scale of W is meaningless to the loss)
    assert np.mean(np.linalg.norm(X @ a.W.astype(np.float32), axis=1)) == pytest.approx(1, abs=1e-4)


def test_blocks_do_not_change_the_result(world, monkeypatch):
    X, Y = _unit(world.src.vectors), _unit(world.tgt.vectors)
    pairs = np.arange(300)
    whole = rcsls(X[pairs], Y[pairs], X, Y, n_iter=3)
    monkeypatch.setattr(rcsls_module, "_BLOCK_MEMORY", 4 * len(Y) * 7)  # 7 rows at a time
    blocked = rcsls(X[pairs], Y[pairs], X, Y, n_iter=3)
    np.testing.assert_allclose(blocked.W, whole.W, rtol=1e-5, atol=1e-6)


def test_orthogonal_projection_keeps_an_orthogonal_map(world):
    X, Y = _unit(world.src.vectors), _unit(world.tgt.vectors)
    res = rcsls(X[:400], Y[:400], X, Y, n_iter=3, projection="orthogonal")
    WWt = res.W @ res.W.T
    np.testing.assert_allclose(WWt / WWt[0, 0], np.eye(X.shape[1]), atol=1e-6)


def test_rcsls_recipe_aligns_and_records_its_parameters(world):
    m = fit_mapping(world.src, world.tgt, world.train_pairs, recipe="rcsls", n_iter=5, lr=10.0)
    base = fit_mapping(world.src, world.tgt, world.train_pairs)
    assert _p1(m, world) > 0.5 and _p1(m, world) > _p1(base, world) - 0.05
    assert not m.two_sided and m.W_.dtype == np.float32
    assert m.metadata["recipe"] == "rcsls"
    assert m.metadata["recipe_params"] == {"knn": 10, "n_iter": 5, "lr": 10.0, "negatives": 200000,
                                           "projection": "none"}
    first = m.metadata["history"][0]
    assert first["rcsls_steps"] >= 1 and len(first["rcsls_loss"]) == first["rcsls_steps"] + 1


@pytest.mark.parametrize("bad", [{"knn": 0}, {"n_iter": -1}, {"lr": 0.0}, {"lr": float("nan")},
                                 {"negatives": 0}, {"projection": "diagonal"}])
def test_rcsls_bad_parameters(world, bad):
    with pytest.raises(ConfigError, match=next(iter(bad))):
        fit_mapping(world.src, world.tgt, world.train_pairs, recipe="rcsls", **bad)


def test_refine_auto_chooses_rounds_on_held_out_seed_words(world):
    m = fit_mapping(world.src, world.tgt, world.train_pairs[:300], recipe="supervised", refine="auto",
                    refine_vocab=1500)
    auto = m.metadata["refine_auto"]
    assert auto["rounds_tried"] == list(AUTO_ROUNDS) and auto["chosen"] in AUTO_ROUNDS
    scores = dict(zip(auto["rounds_tried"], auto["held_out_p@1_csls"]))
    assert scores[auto["chosen"]] == max(scores.values())
    assert min(r for r in scores if scores[r] == max(scores.values())) == auto["chosen"]  # ties: fewer
    assert m.metadata["refine_rounds"] == auto["chosen"] and len(m.metadata["history"]) == auto["chosen"] + 1
    assert auto["held_out_sources"] == round(auto["fit_sources"] / 4)  # a fifth held out
    # the refit uses the whole seed
    assert m.metadata["seed_pairs"] == 300


@pytest.mark.parametrize("bad", [-1, "always", 1.5, True])
def test_refine_bad_values(world, bad):
    with pytest.raises(ValueError, match="refine"):
        fit_mapping(world.src, world.tgt, world.train_pairs, refine=bad)


def test_refine_auto_needs_several_source_words(world):
    with pytest.raises(ValueError, match="several source words"):
        fit_mapping(world.src, world.tgt, world.train_pairs[:1] * 3, refine="auto")


# -- run options -------------------------------------------------------------------------------

def test_recipe_option_defaults_are_the_recipes_defaults():
    from xproj.self_learning import self_learning

    for key, (keyword, recipes) in RECIPE_PARAMS.items():
        for recipe in recipes:
            params = inspect.signature(RECIPES[recipe]).parameters
            if keyword not in params:  # the self-learning recipes pass their options on
                params = inspect.signature(self_learning).parameters
            assert OPTIONS[key][0] == params[keyword].default, key


def test_final_step_of_the_self_learning_recipes_is_a_run_option(tmp_path, capsys):
    from xproj.cli import main
    from xproj.config import choices
    from xproj.self_learning import FINAL_STEPS

    a = load_config("synthetic", ["alignment.recipe=unsupervised", "alignment.refine=0",
                                  "alignment.final_step=multi-step"])["alignment"]
    assert recipe_params(a)["final_step"] == "multi-step"
    assert choices()["alignment.final_step"] == FINAL_STEPS
    with pytest.raises(ConfigError, match="only the self-learning and unsupervised recipe uses it"):
        load_config("synthetic", ["alignment.final_step=multi-step"])  # procrustes: not its option
    with pytest.raises(ConfigError, match="alignment.final_step = 'lasso' is not one of"):
        load_config("synthetic", ["alignment.recipe=unsupervised", "alignment.refine=0",
                                  "alignment.final_step=lasso"])
    code = main(["align", "a.vec", "b.vec", "--dictionary", "none", "--recipe", "unsupervised",
                 "--final-step", "lasso", "--out", str(tmp_path / "m")])
    assert code == 2 and "final" in capsys.readouterr().err


def test_recipe_options_reach_the_recipe():
    cfg = load_config("synthetic", ["alignment.recipe=rcsls", "alignment.rcsls_lr=5",
                                    "alignment.rcsls_projection=spectral", "alignment.refine=\"auto\""])
    a = cfg["alignment"]
    assert a["refine"] == "auto"
    assert recipe_params(a) == {"knn": 10, "n_iter": 10, "lr": 5.0, "negatives": 200000, "projection": "spectral"}
    sup = load_config("synthetic", ["alignment.recipe=supervised", "alignment.whiten=false"])["alignment"]
    assert recipe_params(sup) == {"whiten": False, "src_reweight": 0.25, "trg_reweight": 0.25, "dim_reduction": 0,
                                   "orthography": 0.4, "transliterate": False}


@pytest.mark.parametrize("override, message", [
    ("alignment.rcsls_lr=0", "alignment.rcsls_lr = 0.0 is out of range"),
    ("alignment.rcsls_knn=0", "alignment.rcsls_knn = 0 is out of range"),
    ("alignment.src_reweight=1.5", "alignment.src_reweight = 1.5 is out of range"),
    ("alignment.rcsls_projection=\"diagonal\"", "alignment.rcsls_projection = 'diagonal' is not one of"),
    ("alignment.refine=\"sometimes\"", "alignment.refine must be int or 'auto'"),
    ("alignment.rcsls_iterations=20", "only the rcsls recipe uses it"),
    ("alignment.whiten=false", "only the supervised recipe uses it"),
])
def test_bad_recipe_options_one_line(override, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")) as err:
        load_config("synthetic", [override])
    assert "\n" not in str(err.value)


def test_projections_are_the_options_choices():
    from xproj.config import choices

    assert choices()["alignment.rcsls_projection"] == PROJECTIONS


def test_inverse_of_a_map_that_is_not_orthogonal_keeps_the_shared_space(world):
    m = fit_mapping(world.src, world.tgt, world.train_pairs, recipe="rcsls", n_iter=3)
    inv = m.inverse()
    assert inv.two_sided and (inv.src_lang, inv.tgt_lang) == (m.tgt_lang, m.src_lang)
    np.testing.assert_allclose(inv.transform(world.src, side="target").vectors,
                               m.transform(world.src).vectors, rtol=1e-6)
    np.testing.assert_allclose(inv.transform(world.tgt).vectors, m.transform(world.tgt, side="target").vectors)


def test_refine_auto_with_folds_holds_out_every_seed_word_once(world):
    pairs = world.train_pairs[:300]
    m = fit_mapping(world.src, world.tgt, pairs, recipe="supervised", refine="auto", auto_folds=3,
                    refine_vocab=1500)
    auto = m.metadata["refine_auto"]
    n_sources = len(dict.fromkeys(s for s, _ in pairs))
    assert auto["folds"] == 3 and auto["held_out_sources"] == n_sources
    assert 0 < auto["held_out_covered"] <= len(pairs)
    scores = dict(zip(auto["rounds_tried"], auto["held_out_p@1_csls"]))
    assert scores[auto["chosen"]] == max(scores.values())
    assert m.metadata["refine_rounds"] == auto["chosen"] and m.metadata["seed_pairs"] == 300
    # the default is one trial on the last fifth
    one = fit_mapping(world.src, world.tgt, pairs, recipe="supervised", refine="auto", refine_vocab=1500)
    assert one.metadata["refine_auto"]["folds"] == 1
    with pytest.raises(ValueError, match="auto_folds"):
        fit_mapping(world.src, world.tgt, pairs, recipe="supervised", refine="auto", auto_folds=0)
