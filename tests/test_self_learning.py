import numpy as np
import pytest

from xproj.align import fit_mapping
from xproj.datasets.synthetic import make_bilingual_world
from xproj.errors import ShapeError
from xproj.evaluation import bli_scores
from xproj.self_learning import row_topk, self_learning, stochastic_argmax, unsupervised
from xproj.unsupervised_init import initial_dictionary, mutual_fraction
from xproj.vectors import WordVectors, normalize

FAST = dict(vocabulary_cutoff=1000, stochastic_interval=1, threshold=1e-4, max_minutes=1)


def p_at_1(m, world):
    res = bli_scores(m.transform(world.src), m.transform(world.tgt, side="target"),
                     world.test_pairs, ks=(1,))
    return res["csls"]["p@1"]


@pytest.fixture(scope="module")
def world():
    # Low dimension, low noise: isotropic Gaussian concepts have nearly identical similarity
    # distributions in high dimension, and the signatures could not tell words apart.
    return make_bilingual_world(n_words=1000, dim=12, noise=0.03, seed=3)


def test_row_topk_is_exact_with_and_without_blocks():
    rng = np.random.default_rng(0)
    for m in (50, 3001):
        S = rng.standard_normal((40, m)).astype(np.float32)
        for k in (1, 10, 64):
            idx, vals = row_topk(S, k)
            ref = -np.sort(-S, axis=1)[:, :min(k, m)]
            np.testing.assert_array_equal(vals, ref)
            np.testing.assert_array_equal(np.take_along_axis(S, idx, axis=1), ref)


def test_stochastic_argmax_matches_dropout_distribution_and_is_seeded():
    scores = np.tile(np.arange(200, dtype=np.float32)[::-1], (4000, 1))  # column 0 best
    picks = stochastic_argmax(scores, 0.3, np.random.default_rng(1))
    # The first kept entry is the r-th best with probability 0.3 * 0.7^r.
    assert abs(np.mean(picks == 0) - 0.3) < 0.03 and abs(np.mean(picks == 1) - 0.21) < 0.03
    again = stochastic_argmax(scores, 0.3, np.random.default_rng(1))
    np.testing.assert_array_equal(picks, again)
    np.testing.assert_array_equal(stochastic_argmax(scores, 1.0, None), np.zeros(4000))


def test_unsupervised_init_finds_many_pairs(world):
    X, Z = normalize(world.src.vectors), normalize(world.tgt.vectors)
    s, t = initial_dictionary(X, Z, 800)
    gold = {(world.src.index[a], world.tgt.index[b]) for a, b in world.gold_pairs}
    assert np.mean([(i, j) in gold for i, j in zip(s, t)]) > 0.2


def test_unsupervised_recovers_the_rotation(world):
    m = unsupervised(world.src, world.tgt, **FAST)
    assert m.metadata["recipe"] == "unsupervised" and m.metadata["stopped_by"] == "converged"
    assert p_at_1(m, world) > 0.95
    supervised = fit_mapping(world.src, world.tgt, world.gold_pairs)
    assert np.abs(m.W_ - supervised.W_).max() < 0.05


def test_same_seed_same_dictionary_other_seed_other_path(world):
    runs = [self_learning(world.src, world.tgt, "numerals", seed=s, max_iterations=3, **FAST)
            for s in (5, 5, 6)]
    np.testing.assert_array_equal(runs[0].W_, runs[1].W_)
    assert [h["objective"] for h in runs[0].metadata["history"]] == \
        [h["objective"] for h in runs[1].metadata["history"]]
    assert not np.array_equal(runs[0].W_, runs[2].W_)


def test_self_learning_from_identical_strings_beats_the_seed_alone():
    # 8 numerals: too few for Procrustes in 12 dimensions on noisy vectors
    noisy = make_bilingual_world(n_words=600, dim=12, noise=0.3, n_numerals=8, seed=4)
    seed_only = fit_mapping(noisy.src, noisy.tgt, "identical")
    learned = self_learning(noisy.src, noisy.tgt, "identical", **FAST)
    assert p_at_1(learned, noisy) > p_at_1(seed_only, noisy) + 0.2
    assert learned.metadata["seed"] == "identical" and learned.metadata["seed_pairs_used"] == 8


def test_test_dictionary_p1_is_logged_per_iteration(world):
    m = self_learning(world.src, world.tgt, "numerals", eval_pairs=world.test_pairs,
                      max_iterations=3, eval_every=2, **FAST)
    hist = m.metadata["history"]
    assert [("p@1_csls" in h) for h in hist] == [True, False, True, True]
    # the last record is the returned mapping's own figure
    assert hist[-1]["final"] and hist[-1]["p@1_csls"] == p_at_1(m, world)
    assert m.metadata["stopped_by"] == "max_iterations"


def test_dimension_mismatch_and_empty_space_are_one_line_errors(world):
    other = WordVectors(["a", "b"], np.ones((2, 5), dtype=np.float32), lang="xx")
    with pytest.raises(ShapeError, match="same dimension") as exc:
        self_learning(world.src, other, "identical")
    assert "\n" not in str(exc.value)
    empty = WordVectors([], np.zeros((0, 12), dtype=np.float32), lang="yy")
    with pytest.raises(ShapeError, match="no words") as exc:
        unsupervised(empty, world.tgt)
    assert "\n" not in str(exc.value)
    with pytest.raises(ValueError, match="takes no dictionary"):
        unsupervised(world.src, world.tgt, "identical")


def test_multi_step_final_step_maps_both_sides(world):
    m = unsupervised(world.src, world.tgt, final_step="multi-step", **FAST)
    assert m.two_sided and m.metadata["params"]["final_step"] == "multi-step"
    assert p_at_1(m, world) > 0.95
    vecmap = unsupervised(world.src, world.tgt, final_step="multi-step",
                          final_params={"src_reweight": 0.5, "trg_reweight": 0.5}, **FAST)
    assert vecmap.metadata["params"]["final_params"] == {"src_reweight": 0.5, "trg_reweight": 0.5}
    assert not np.allclose(vecmap.W_, m.W_)
    with pytest.raises(ValueError, match="final_step: unknown value 'whiten'"):
        unsupervised(world.src, world.tgt, final_step="whiten")


def test_budget_counts_the_start_and_still_maps_with_a_full_dictionary(world):
    # A budget spent before the loop begins: no iteration, but the mapping is still solved on
    # a dictionary induced without dropout from the initial one.
    m = unsupervised(world.src, world.tgt, **{**FAST, "max_minutes": 1e-9})
    assert m.metadata["stopped_by"] == "max_minutes" and m.metadata["iterations"] == 0
    cutoff = FAST["vocabulary_cutoff"]  # union: every word under the cut-off, on each side
    assert m.metadata["dictionary_size"] == min(cutoff, len(world.src)) + min(cutoff, len(world.tgt))


def test_mutual_best_matches_are_recorded_for_union_only(world):
    union = self_learning(world.src, world.tgt, "numerals", max_iterations=2, **FAST)
    assert all(0 <= h["mutual"] <= 1 for h in union.metadata["history"])
    fwd = self_learning(world.src, world.tgt, "numerals", max_iterations=2, direction="forward", **FAST)
    assert all(h["mutual"] is None for h in fwd.metadata["history"])
    assert mutual_fraction([1, 0, 2], [1, 0, 0]) == 2 / 3 and mutual_fraction([], []) == 0.0
