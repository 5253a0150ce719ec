import numpy as np
import pytest

from xproj.loop import STRATEGIES, select, uncertainty

P = np.array([[0.9, 0.1], [0.55, 0.45], [0.6, 0.4], [0.99, 0.01], [0.5, 0.5]])


def test_uncertainty_measures_by_hand():
    np.testing.assert_allclose(uncertainty(P, "least-confidence"), [0.1, 0.45, 0.4, 0.01, 0.5])
    np.testing.assert_allclose(uncertainty(P, "margin"), [0.2, 0.9, 0.8, 0.02, 1.0])
    h = -(P * np.log(P)).sum(axis=1)
    np.testing.assert_allclose(uncertainty(P, "entropy"), h)


@pytest.mark.parametrize("strategy", ["least-confidence", "margin", "entropy"])
def test_uncertainty_strategies_ask_the_most_uncertain_first(strategy):
    assert select(P, 3, strategy).tolist() == [4, 1, 2]


def test_margin_and_least_confidence_differ_with_three_classes():
    Q = np.array([[0.4, 0.4, 0.2], [0.45, 0.3, 0.25]])
    assert select(Q, 1, "least-confidence").tolist() == [0]  # lower top probability
    assert select(Q, 1, "margin").tolist() == [0]  # zero margin
    Q2 = np.array([[0.5, 0.49, 0.01], [0.4, 0.3, 0.3]])
    assert select(Q2, 1, "least-confidence").tolist() == [1]
    assert select(Q2, 1, "margin").tolist() == [0]


def test_ties_are_broken_by_position_whatever_the_order_of_equal_rows():
    Q = np.array([[0.5, 0.5]] * 4 + [[0.9, 0.1]])
    assert select(Q, 2, "margin").tolist() == [0, 1]


def test_random_is_seeded_and_without_repeats():
    Q = np.tile([0.7, 0.3], (50, 1))
    a, b, c = select(Q, 10, "random", seed=1), select(Q, 10, "random", seed=1), select(Q, 10, "random", seed=2)
    assert a.tolist() == b.tolist() and a.tolist() != c.tolist() and len(set(a.tolist())) == 10


def test_diverse_spreads_the_batch_over_clusters():
    rng = np.random.default_rng(0)
    # 40 near-duplicates that are the most uncertain, and 3 other groups a little less so
    centres = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], dtype=float)
    group = np.repeat(np.arange(4), [40, 10, 10, 10])
    V = centres[group] + rng.normal(scale=0.1, size=(70, 2))
    p = np.where(group == 0, 0.5, 0.6) + rng.uniform(0, 0.01, 70) * (group != 0)
    Q = np.stack([p, 1 - p], axis=1)
    plain = select(Q, 4, "margin")
    assert set(group[plain]) == {0}
    # every document is a candidate: k-means finds the four groups
    diverse = select(Q, 4, "diverse", vectors=V, seed=0, candidates_per_query=20)
    assert set(group[diverse]) == {0, 1, 2, 3}
    assert diverse[0] == plain[0]  # the group of near-duplicates still gives its most uncertain
    assert diverse.tolist() == select(Q, 4, "diverse", vectors=V, seed=0, candidates_per_query=20).tolist()


def test_small_pools_and_bad_input():
    assert select(P, 10, "entropy").size == len(P)
    assert select(P, 0, "margin").size == 0
    assert set(STRATEGIES) >= {"random", "margin", "least-confidence", "entropy", "diverse"}
    with pytest.raises(ValueError, match="unknown query strategy 'smallest'"):
        select(P, 1, "smallest")
    with pytest.raises(ValueError, match="needs the documents' vectors"):
        select(P, 2, "diverse")
    with pytest.raises(ValueError, match="shape"):
        select(np.ones(3), 1, "margin")
    with pytest.raises(ValueError, match=">= 0"):
        select(P, -1, "margin")
