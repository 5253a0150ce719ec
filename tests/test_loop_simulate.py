import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from xproj.loop import STRATEGIES, Oracle, simulate_active_learning
from xproj.loop._learner import fit_few_shot, macro_f1


def _features(seed=0, n_src=150, n_pool=200, n_dev=100):
    rng = np.random.default_rng(seed)

    def draw(n, shift):
        y = rng.integers(0, 2, n)
        return rng.normal(size=(n, 4)) + np.outer(2 * y - 1, [1.2, 0, 0, 0]) + shift, y

    (Xs, ys), (Xp, yp), (Xd, yd) = draw(n_src, 0.0), draw(n_pool, [0.8, 0.5, 0, 0]), draw(n_dev, [0.8, 0.5, 0, 0])
    return Xs, ys, Xp, yp, Xd, yd


def factory():
    return LogisticRegression(C=1.0, random_state=0)


def test_oracle_reveals_each_label_once_and_only_known_ids():
    oracle = Oracle(np.array([1, 0, 1, 0]))
    assert oracle.reveal([3, 1]).tolist() == [0, 0]
    assert oracle.revealed.tolist() == [3, 1] and oracle.hidden().tolist() == [0, 2]
    with pytest.raises(ValueError, match="already asked"):
        oracle.reveal([0, 1])
    with pytest.raises(ValueError, match="already asked"):
        oracle.reveal([2, 2])
    with pytest.raises(ValueError, match="unknown id 4"):
        oracle.reveal([4])
    with pytest.raises(ValueError, match="unknown id -1"):
        oracle.reveal([-1])
    assert oracle.n_revealed == 2  # failed requests revealed nothing


class CountingOracle(Oracle):
    asked: list  # every request, set by the test

    def reveal(self, ids):
        CountingOracle.asked.append(np.asarray(ids).tolist())
        return super().reveal(ids)


def test_simulation_reveals_only_what_the_strategy_asks_for(monkeypatch):
    import xproj.loop.simulate as simulate

    monkeypatch.setattr(simulate, "Oracle", CountingOracle)
    CountingOracle.asked = []
    Xs, ys, Xp, yp, Xd, yd = _features()
    simulate_active_learning(factory, Xs, ys, Xp, yp, Xd, yd, strategies=("margin",), seeds=(0,), budget=60, batch=25)
    assert [len(a) for a in CountingOracle.asked] == [25, 25, 10]
    flat = [i for request in CountingOracle.asked for i in request]
    assert len(set(flat)) == 60


def test_curves_have_the_right_shape_and_start_at_zero_shot():
    Xs, ys, Xp, yp, Xd, yd = _features()
    sim = simulate_active_learning(factory, Xs, ys, Xp, yp, Xd, yd, seeds=(0, 1), budget=60, batch=25)
    rows = sim.records
    assert {r["strategy"] for r in rows} == set(STRATEGIES)
    for s in STRATEGIES:
        for seed in (0, 1):
            ns = [r["n_labels"] for r in rows if r["strategy"] == s and r["seed"] == seed]
            assert ns == [0, 25, 50, 60]
    zero = macro_f1(factory().fit(Xs, ys), Xd, yd)
    assert all(r["macro_f1"] == zero for r in rows if r["n_labels"] == 0)
    assert set(sim.final_models) == {(s, seed) for s in STRATEGIES for seed in (0, 1)}


def test_same_seed_same_curve_and_pool_exhaustion():
    Xs, ys, Xp, yp, Xd, yd = _features()
    kw = dict(strategies=("random", "diverse"), budget=500, batch=50, pool_size=120)
    a = simulate_active_learning(factory, Xs, ys, Xp, yp, Xd, yd, seeds=(3,), **kw).records
    b = simulate_active_learning(factory, Xs, ys, Xp, yp, Xd, yd, seeds=(3,), **kw).records
    c = simulate_active_learning(factory, Xs, ys, Xp, yp, Xd, yd, seeds=(4,), **kw).records
    assert a == b and a != c
    assert [r["n_labels"] for r in a if r["strategy"] == "random"] == [0, 50, 100, 120]  # pool of 120 exhausted


def test_pseudo_labels_join_training():
    Xs, ys, Xp, yp, Xd, yd = _features()
    rows = simulate_active_learning(factory, Xs, ys, Xp, yp, Xd, yd, strategies=("margin",), seeds=(0,),
                                    budget=50, batch=25, pseudo={"threshold": 0.8}).records
    assert rows[0]["n_pseudo"] == 0 and all(r["n_pseudo"] > 0 for r in rows[1:])


@pytest.mark.parametrize("kw, match", [({"batch": 0}, "batch"), ({"batch": -5}, "batch"), ({"budget": -1}, "budget"),
                                       ({"strategies": ("oracle",)}, "strategies"), ({"seeds": ()}, "seeds"),
                                       ({"pool_size": 0}, "pool_size"), ({"pseudo": {"threshold": 1.5}}, "threshold"),
                                       ({"pseudo": {"treshold": 0.9}}, "pseudo"), ({"budget": 0, "batch": 0}, "batch")])
def test_bad_options_are_clear_errors(kw, match):
    Xs, ys, Xp, yp, Xd, yd = _features()
    with pytest.raises(ValueError, match=match):
        simulate_active_learning(factory, Xs, ys, Xp, yp, Xd, yd, **({"budget": 0, "batch": 25} | kw))


def test_cached_head_gives_the_full_refit_figure():
    """Retraining the head on cached features equals a full CrossLingualClassifier refit in
    few-shot mode when the target statistics come from the whole (unlabelled) pool."""
    from xproj.align import fit_mapping
    from xproj.datasets.synthetic import make_bilingual_world, make_documents
    from xproj.features import AlignedSpace
    from xproj.model import CrossLingualClassifier

    world = make_bilingual_world(n_words=1500, dim=20, noise=0.3, seed=0)
    m = fit_mapping(world.tgt, world.src, [(t, s) for s, t in world.train_pairs])
    space = AlignedSpace.from_mappings("src", world.src, {"tgt": (world.tgt, m)})
    X, y = make_documents(world, 300, side="src", seed=1)
    pool, y_pool = make_documents(world, 200, side="tgt", seed=2)
    dev, y_dev = make_documents(world, 150, side="tgt", seed=3)
    make = lambda: CrossLingualClassifier(space, source_lang="src")  # noqa: E731
    zero = make().fit(X, y, unlabelled={"tgt": pool})
    idx = np.arange(0, 200, 4)
    full = make().fit(X, y, extra=[([pool[i] for i in idx], y_pool[idx], "tgt")], unlabelled={"tgt": pool})
    head = fit_few_shot(lambda: clone(zero.estimator_), zero.transform(X), y, zero.transform(pool, "tgt")[idx],
                        y_pool[idx])
    np.testing.assert_array_equal(full.predict(dev, lang="tgt"), head.predict(zero.transform(dev, "tgt")))
    assert macro_f1(full, dev, y_dev, "tgt") == macro_f1(head, zero.transform(dev, "tgt"), y_dev)
