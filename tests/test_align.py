import numpy as np
import pytest

import xproj.align
from xproj.align import (
    RECIPES,
    VectorMapping,
    align_to_pivot,
    fit_mapping,
    induce_dictionary,
    procrustes,
)
from xproj.align.steps import multi_step, whitening
from xproj.datasets.synthetic import make_bilingual_world
from xproj.dictionaries import NoOverlapError
from xproj.errors import (
    ConfigError,
    InputFormatError,
    ResourceNotFoundError,
    ShapeError,
)
from xproj.evaluation import bli_scores
from xproj.features import AlignedSpace
from xproj.vectors import WordVectors


def test_procrustes_recovers_rotation_exactly():
    world = make_bilingual_world(n_words=3000, dim=40, noise=0.0, synonym_rate=0, seed=1)
    m = fit_mapping(world.src, world.tgt, world.train_pairs, normalization="")
    np.testing.assert_allclose(m.W_, world.W_true, atol=1e-5)
    np.testing.assert_allclose(m.W_ @ m.W_.T, np.eye(40), atol=1e-5)


def test_low_noise_gives_near_perfect_bli():
    world = make_bilingual_world(n_words=4000, dim=50, noise=0.1, seed=2)
    m = fit_mapping(world.src, world.tgt, world.train_pairs)
    res = bli_scores(m.transform(world.src), m.transform(world.tgt, side="target"), world.test_pairs)
    assert res["csls"]["p@1"] >= 0.99 and res["nn"]["p@1"] >= 0.99
    assert res["coverage"] == 1.0
    unaligned = bli_scores(world.src, world.tgt, world.test_pairs, ks=(1,))
    assert unaligned["csls"]["p@1"] < 0.05


def test_refinement_from_small_seed_raises_p1():
    world = make_bilingual_world(n_words=4000, dim=50, noise=0.9, seed=0)
    seed = world.train_pairs[:50]
    m = fit_mapping(world.src, world.tgt, seed, refine=3, refine_vocab=2500,
                    eval_pairs=world.test_pairs)
    hist = m.metadata["history"]
    assert len(hist) == 4 and hist[0]["pairs"] == 50
    assert hist[0]["p@1_csls"] < 0.8
    assert hist[-1]["p@1_csls"] > hist[0]["p@1_csls"] + 0.15


def test_induce_dictionary_mutual():
    world = make_bilingual_world(n_words=1500, dim=30, noise=0.05, seed=3)
    m = fit_mapping(world.src, world.tgt, world.train_pairs)
    X = m.transform(world.src).vectors[:500]
    Z = m.transform(world.tgt, side="target").vectors
    i, j = induce_dictionary(X, Z)
    gold = set(world.gold_pairs)
    induced = {(world.src.words[a], world.tgt.words[b]) for a, b in zip(i, j)}
    # words whose concept B lacks (10%) pair up with B-only words: the rest are gold
    assert len(induced) > 300 and len(induced & gold) / len(induced) > 0.85


def test_mapping_save_load(tmp_path):
    world = make_bilingual_world(n_words=800, dim=16, seed=4)
    m = fit_mapping(world.src, world.tgt, world.train_pairs, src_lang="en", tgt_lang="es")
    base = m.save(tmp_path / "map")
    back = VectorMapping.load(tmp_path / "map.json")
    np.testing.assert_array_equal(back.W_, m.W_)
    assert back.src_lang == "en" and back.normalization == m.normalization
    assert back.metadata["seed_pairs"] == len(world.train_pairs)
    inv = back.inverse()
    np.testing.assert_allclose(inv.W_ @ back.W_, np.eye(16), atol=1e-5)
    with pytest.raises(ResourceNotFoundError):
        VectorMapping.load(tmp_path / "missing")
    np.save(str(base) + ".npy", np.zeros((3, 4)))
    with pytest.raises(InputFormatError, match="square"):
        VectorMapping.load(base)


def test_bad_inputs():
    a = WordVectors(["x", "y"], np.eye(2))
    b = WordVectors(["x", "y"], np.eye(3)[:2])
    with pytest.raises(ShapeError, match="dimension"):
        fit_mapping(a, b, [("x", "x")])
    with pytest.raises(NoOverlapError):
        fit_mapping(a, a, [("p", "q")])
    with pytest.raises(ShapeError):
        procrustes(np.zeros((3, 2)), np.zeros((2, 2)))


def test_identical_seed_and_pivot():
    world = make_bilingual_world(n_words=2000, dim=30, noise=0.05, n_numerals=100, seed=5)
    m = fit_mapping(world.src, world.tgt, "identical", refine=2, refine_vocab=1500)
    res = bli_scores(m.transform(world.src), m.transform(world.tgt, side="target"), world.test_pairs, ks=(1,))
    assert res["csls"]["p@1"] > 0.9  # numerals alone bootstrap the alignment
    maps = align_to_pivot({"b": (world.tgt, [(t, s) for s, t in world.train_pairs])}, world.src)
    assert set(maps) == {"b"} and maps["b"].W_.shape == (30, 30)


def test_old_mapping_name_warns_and_is_the_same_class():
    with pytest.warns(DeprecationWarning, match="VectorMapping"):
        from xproj.align import Mapping
    assert Mapping is VectorMapping
    with pytest.warns(DeprecationWarning):
        assert xproj.align.Mapping is VectorMapping
    with pytest.raises(AttributeError, match="no_such_name"):
        xproj.align.no_such_name  # noqa: B018


def test_seed_keyword_is_a_deprecated_alias_of_dictionary():
    world = make_bilingual_world(n_words=800, dim=16, seed=6)
    new = fit_mapping(world.src, world.tgt, dictionary=world.train_pairs)
    with pytest.warns(DeprecationWarning, match="dictionary"):
        old = fit_mapping(world.src, world.tgt, seed=world.train_pairs)
    np.testing.assert_array_equal(old.W_, new.W_)
    with pytest.raises(TypeError, match="both"):
        fit_mapping(world.src, world.tgt, dictionary=world.train_pairs, seed=world.train_pairs)
    with pytest.warns(DeprecationWarning), pytest.raises(TypeError, match="multiple values"):
        fit_mapping(world.src, world.tgt, world.train_pairs, seed=world.train_pairs)


# -- recipes: the multi-step supervised mapping and two-sided mappings ----------------------------


@pytest.fixture(scope="module")
def noisy_world():
    return make_bilingual_world(n_words=2000, dim=20, noise=0.6, seed=7)


def test_whitening_makes_the_dictionary_rows_second_moment_identity():
    rng = np.random.default_rng(0)
    M = rng.normal(size=(300, 12)) @ rng.normal(size=(12, 12))  # correlated columns
    W, W_inv = whitening(M)
    np.testing.assert_allclose((M @ W).T @ (M @ W), np.eye(12), atol=1e-8)
    np.testing.assert_allclose(W @ W_inv, np.eye(12), atol=1e-8)
    with pytest.raises(ShapeError, match="span"):
        whitening(M[:5])  # fewer rows than dimensions: no whitening


def test_supervised_with_every_extra_step_off_is_procrustes(noisy_world):
    w = noisy_world
    plain = fit_mapping(w.src, w.tgt, w.train_pairs)
    off = fit_mapping(w.src, w.tgt, w.train_pairs, recipe="supervised", whiten=False, src_reweight=0,
                      trg_reweight=0, src_dewhiten=None, trg_dewhiten=None, refine=0, instance_k=0)
    assert off.two_sided and off.metadata["recipe"] == "supervised"
    # the shared space is rotated (Wz = V), but Wx Wz^T is the Procrustes solution
    np.testing.assert_allclose(off.W_ @ off.W_tgt_.T, plain.W_, atol=1e-4)
    a = bli_scores(plain.transform(w.src), plain.transform(w.tgt, side="target"), w.test_pairs, ks=(1, 5))
    b = bli_scores(off.transform(w.src), off.transform(w.tgt, side="target"), w.test_pairs, ks=(1, 5))
    for m in ("nn", "csls"):
        assert a[m]["p@1"] == pytest.approx(b[m]["p@1"]) and a[m]["p@5"] == pytest.approx(b[m]["p@5"])


def test_supervised_defaults_follow_vecmap_and_reduce_dimensions(noisy_world):
    w = noisy_world
    m = fit_mapping(w.src, w.tgt, w.train_pairs, recipe="supervised")
    assert m.metadata["recipe_params"] == {"whiten": True, "src_reweight": 0.25, "trg_reweight": 0.25,
                                           "src_dewhiten": "src", "trg_dewhiten": "trg", "dim_reduction": 0,
                                           "fixed_target": False, "whiten_ridge": 0.0}
    assert (m.metadata["refine_rounds"], m.metadata["refine_vocab"], m.metadata["keep_seed"]) == (1, 10000, True)
    res = bli_scores(m.transform(w.src), m.transform(w.tgt, side="target"), w.test_pairs, ks=(1,))
    assert res["csls"]["p@1"] > 0.5
    small = fit_mapping(w.src, w.tgt, w.train_pairs, recipe="supervised", dim_reduction=8)
    assert small.W_.shape == small.W_tgt_.shape == (20, 8)
    assert small.transform(w.src).dim == small.transform(w.tgt, side="target").dim == 8
    with pytest.raises(ShapeError, match="dim_reduction"):
        fit_mapping(w.src, w.tgt, w.train_pairs, recipe="supervised", dim_reduction=21)
    with pytest.raises(ValueError, match="src_dewhiten"):
        multi_step(np.eye(3), np.eye(3), src_dewhiten="both")


def test_supervised_refinement_induces_in_the_mapped_spaces(noisy_world):
    w = noisy_world
    m = fit_mapping(w.src, w.tgt, w.train_pairs[:300], recipe="supervised", refine=1, refine_vocab=1000,
                    keep_seed=True, eval_pairs=w.test_pairs)
    hist = m.metadata["history"]
    assert [h["round"] for h in hist] == [0, 1] and hist[1]["pairs"] > 300


def test_unknown_recipe_and_config_choices():
    from xproj.config import choices, load_config

    with pytest.raises(ConfigError, match="recipe: 'bogus'"):
        fit_mapping(None, None, [], recipe="bogus")
    assert choices()["alignment.recipe"] == tuple(RECIPES)
    assert load_config("synthetic", ["alignment.recipe=supervised"])["alignment"]["recipe"] == "supervised"
    with pytest.raises(ConfigError, match="alignment.recipe"):
        load_config("synthetic", ["alignment.recipe=bogus"])


def test_two_sided_mapping_save_load_round_trip(tmp_path, noisy_world):
    w = noisy_world
    m = fit_mapping(w.src, w.tgt, w.train_pairs, recipe="supervised", dim_reduction=10, src_lang="en",
                    tgt_lang="es", instance_k=0)  # linear: InstaMap's save/load in test_align_instance.py
    base = m.save(tmp_path / "map")
    assert (tmp_path / "map.tgt.npy").exists()
    back = VectorMapping.load(base)
    np.testing.assert_array_equal(back.W_, m.W_)
    np.testing.assert_array_equal(back.W_tgt_, m.W_tgt_)
    assert back.metadata["recipe"] == "supervised" and back.metadata["recipe_params"]["dim_reduction"] == 10
    np.testing.assert_array_equal(back.transform(w.tgt, side="target").vectors,
                                  m.transform(w.tgt, side="target").vectors)
    inv = back.inverse()  # the same shared space, roles swapped
    np.testing.assert_array_equal(inv.W_, m.W_tgt_)
    np.testing.assert_array_equal(inv.W_tgt_, m.W_)
    (tmp_path / "map.tgt.npy").unlink()
    with pytest.raises(ResourceNotFoundError, match="target matrix"):
        VectorMapping.load(base)
    np.save(tmp_path / "map.tgt.npy", np.zeros((20, 3)))
    with pytest.raises(InputFormatError, match="one shape"):
        VectorMapping.load(base)


def test_old_single_matrix_files_still_load(tmp_path):
    import json

    W = np.linalg.qr(np.random.default_rng(1).normal(size=(6, 6)))[0].astype(np.float32)
    np.save(tmp_path / "old.npy", W)
    (tmp_path / "old.json").write_text(json.dumps({  # written by xproj 0.1: no recipe, no target matrix
        "format": "xproj-mapping/1", "src_lang": "en", "tgt_lang": "es", "normalization": "unit,center,unit",
        "dim": 6, "metadata": {"seed": "x.txt", "refine_rounds": 0}}))
    m = VectorMapping.load(tmp_path / "old")
    assert not m.two_sided and m.W_tgt_ is None
    np.testing.assert_array_equal(m.W_, W)
    tgt = WordVectors(["a", "b"], np.arange(12, dtype=np.float32).reshape(2, 6))
    np.testing.assert_array_equal(m.transform(tgt, side="target").vectors, m.prepare(tgt).vectors)


def test_aligned_space_maps_the_pivot_through_the_target_side(noisy_world):
    w = noisy_world
    m = fit_mapping(w.src, w.tgt, w.train_pairs, recipe="supervised")
    space = AlignedSpace.from_mappings("tgt", w.tgt, {"src": (w.src, m)})
    np.testing.assert_array_equal(space["tgt"].vectors, m.transform(w.tgt, side="target").vectors)
    np.testing.assert_array_equal(space["src"].vectors, m.transform(w.src).vectors)
    other = fit_mapping(w.src, w.tgt, w.train_pairs[:500], recipe="supervised")
    with pytest.raises(ValueError, match="one target-side matrix"):
        AlignedSpace.from_mappings("tgt", w.tgt, {"a": (w.src, m), "b": (w.src, other)})


def test_run_alignment_uses_the_configured_recipe():
    from xproj.config import load_config
    from xproj.run import align_targets

    # no dictionary anchoring: the target space is then exactly the mapping's target side
    cfg = load_config("synthetic", ["synthetic.n_words=800", "synthetic.dim=16", "alignment.recipe=supervised",
                                    "alignment.dictionary_anchor=0"])
    world = make_bilingual_world(n_words=800, dim=16, noise=0.3, seed=8)
    vectors = {cfg["data"]["source_lang"]: world.src, cfg["data"]["target_langs"][0]: world.tgt}
    (ts,) = align_targets(cfg, vectors, world, echo=lambda *a: None).values()
    assert ts.mapping.metadata["recipe"] == "supervised" and ts.mapping.two_sided
    tgt = cfg["data"]["target_langs"][0]
    np.testing.assert_array_equal(ts.space[tgt].vectors, ts.mapping.transform(world.tgt, side="target").vectors)
    assert ts.bli["csls"]["p@1"] > 0.8


def _third_language(world, seed):
    """A third language: the target space rotated at random, with noise and its own words."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((world.tgt.dim, world.tgt.dim)))
    vectors = np.asarray(world.tgt.vectors) @ q + 0.3 * rng.standard_normal(world.tgt.vectors.shape)
    return WordVectors([f"c_{w}" for w in world.tgt.words], vectors.astype(np.float32), lang="c")


def test_supervised_fixed_target_leaves_the_target_alone_and_keeps_similarities(noisy_world):
    w = noisy_world
    X_d, Z_d = (np.asarray(v.vectors)[:600] for v in (w.src, w.tgt))
    Wx, Wz = multi_step(X_d, Z_d, trg_reweight=0, trg_dewhiten="trg")
    np.testing.assert_allclose(Wz @ Wz.T, np.eye(w.tgt.dim), atol=1e-8)  # a rotation
    folded, none = multi_step(X_d, Z_d, fixed_target=True, trg_reweight=0.7)  # trg_reweight ignored
    assert none is None
    np.testing.assert_allclose(X_d @ folded @ Z_d.T, (X_d @ Wx) @ (Z_d @ Wz).T, atol=1e-6)
    with pytest.raises(ValueError, match="dim_reduction"):
        multi_step(X_d, Z_d, fixed_target=True, dim_reduction=5)


def test_supervised_puts_three_languages_into_one_pivot_space(noisy_world):
    w = noisy_world
    c = _third_language(w, seed=11)
    to_pivot = {"tgt": [(t, s) for s, t in w.train_pairs], "c": [(f"c_{t}", s) for s, t in w.train_pairs]}
    tests = {"tgt": [(t, s) for s, t in w.test_pairs], "c": [(f"c_{t}", s) for s, t in w.test_pairs]}
    spaces = {"tgt": (w.tgt, to_pivot["tgt"]), "c": (c, to_pivot["c"])}
    maps = align_to_pivot(spaces, w.src, recipe="supervised")
    assert all(not m.two_sided and m.metadata["recipe_params"]["fixed_target"] for m in maps.values())
    space = AlignedSpace.from_mappings("src", w.src, {lang: (wv, maps[lang]) for lang, (wv, _) in spaces.items()})
    for lang, (wv, train) in spaces.items():
        shared = bli_scores(space[lang], space["src"], tests[lang], ks=(1,))["csls"]["p@1"]
        pair = fit_mapping(wv, w.src, train, recipe="supervised", instance_k=0)  # linear, as the pivot's
        pairwise = bli_scores(pair.transform(wv), pair.transform(w.src, side="target"), tests[lang],
                              ks=(1,))["csls"]["p@1"]
        assert shared > 0.8 and abs(shared - pairwise) < 0.03, (lang, shared, pairwise)
    between = [(t, f"c_{t}") for _, t in w.test_pairs]  # tgt -> c through the pivot space
    assert bli_scores(space["tgt"], space["c"], between, ks=(1,))["csls"]["p@1"] > 0.8


def test_whitening_with_a_ridge_whitens_less_and_stays_invertible(noisy_world):
    M = np.asarray(noisy_world.src.vectors)[:300].astype(np.float64)
    W, W_inv = whitening(M, ridge=0.1)
    np.testing.assert_allclose(W @ W_inv, np.eye(M.shape[1]), atol=1e-8)
    moments = np.linalg.eigvalsh((M @ W).T @ (M @ W))
    assert moments.max() < 1 and moments.min() > 0  # shrunk towards, not onto, the identity


def test_whitening_of_rows_missing_a_direction_needs_a_ridge(noisy_world):
    from xproj.vectors.normalize import remove_top_component

    M = remove_top_component(np.asarray(noisy_world.src.vectors)).astype(np.float64)[:300]  # rank d-1
    with pytest.raises(ShapeError, match="span"):
        whitening(M)
    W, W_inv = whitening(M, ridge=1e-6)
    np.testing.assert_allclose(W @ W_inv, np.eye(M.shape[1]), atol=1e-6)
    moments = np.linalg.eigvalsh((M @ W).T @ (M @ W))
    assert moments[0] < 1e-3 and np.allclose(moments[1:], 1, atol=1e-3)  # the missing one stays empty
    m = fit_mapping(noisy_world.src, noisy_world.tgt, noisy_world.train_pairs, recipe="supervised",
                    normalization="unit,center,abtt,unit", whiten_ridge=1e-6, refine=0)
    assert np.isfinite(m.W_).all() and np.isfinite(m.W_tgt_).all()


def test_induction_modes_and_their_check(noisy_world):
    w = noisy_world
    X, Z = (np.asarray(v.vectors)[:400] for v in (w.src, w.tgt))
    pairs = {mode: set(zip(*induce_dictionary(X, Z, mode=mode))) for mode in ("mutual", "forward", "union")}
    assert pairs["mutual"] <= pairs["forward"] <= pairs["union"] and len(pairs["forward"]) == 400
    with pytest.raises(ValueError, match="induction"):
        induce_dictionary(X, Z, mode="both")


def test_solvers_run_with_one_blas_thread():
    # d x d SVDs on two BLAS threads ran 5-30x slower on shared cores (bench/README.md).
    from threadpoolctl import threadpool_info

    from xproj.align.fit import _solve

    seen = []

    def solver(X_d, Z_d):
        seen.append({pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"})
        return np.eye(X_d.shape[1], dtype=np.float32), None

    _solve(solver, np.eye(3), np.eye(3))
    assert seen == [{1}] or seen == [set()]


def test_seed_translations_first_fits_each_source_words_first_pair_only(noisy_world):
    w = noisy_world
    pairs = list(dict(reversed(w.train_pairs[:400])).items())[::-1]  # each source word's first pair
    # a second, wrong translation for every other source word (the first one stays first)
    noisy = [p for i, (s, t) in enumerate(pairs) for p in ([(s, t), (s, w.tgt.words[-1 - i])] if i % 2
                                                             else [(s, t)])]
    first = fit_mapping(w.src, w.tgt, noisy, refine=0, seed_translations="first")
    clean = fit_mapping(w.src, w.tgt, pairs, refine=0)
    every = fit_mapping(w.src, w.tgt, noisy, refine=0)
    assert first.metadata["seed_translations"] == "first" and every.metadata["seed_translations"] == "all"
    assert first.metadata["seed_rows"] == len(pairs) < every.metadata["seed_rows"] == len(noisy)
    np.testing.assert_allclose(first.W_, clean.W_, atol=1e-6)
    assert not np.allclose(every.W_, clean.W_, atol=1e-3)
    with pytest.raises(ValueError, match="seed_translations"):
        fit_mapping(w.src, w.tgt, pairs, seed_translations="last")
