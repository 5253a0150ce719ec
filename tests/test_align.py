import numpy as np
import pytest

import xproj.align
from xproj.align import VectorMapping, align_to_pivot, fit_mapping, induce_dictionary, procrustes
from xproj.datasets.synthetic import make_bilingual_world
from xproj.dictionaries import NoOverlapError
from xproj.errors import InputFormatError, ResourceNotFoundError, ShapeError
from xproj.evaluation import bli_scores
from xproj.vectors import WordVectors


def test_procrustes_recovers_rotation_exactly():
    world = make_bilingual_world(n_words=3000, dim=40, noise=0.0, synonym_rate=0, seed=1)
    m = fit_mapping(world.src, world.tgt, world.train_pairs, normalization="")
    np.testing.assert_allclose(m.W_, world.W_true, atol=1e-5)
    np.testing.assert_allclose(m.W_ @ m.W_.T, np.eye(40), atol=1e-5)


def test_low_noise_gives_near_perfect_bli():
    world = make_bilingual_world(n_words=4000, dim=50, noise=0.1, seed=2)
    m = fit_mapping(world.src, world.tgt, world.train_pairs)
    res = bli_scores(m.transform(world.src), m.prepare(world.tgt), world.test_pairs)
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
    Z = m.prepare(world.tgt).vectors
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
    res = bli_scores(m.transform(world.src), m.prepare(world.tgt), world.test_pairs, ks=(1,))
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
