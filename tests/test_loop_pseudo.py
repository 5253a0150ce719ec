import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.semi_supervised import SelfTrainingClassifier

from xproj.loop import pseudo_label, self_train


def _features(seed=0, n_src=200, n_tgt=300, shift=0.7):
    """Two Gaussian classes; the target is shifted (a domain gap self-training can close)."""
    rng = np.random.default_rng(seed)
    y_src, y_tgt = rng.integers(0, 2, n_src), rng.integers(0, 2, n_tgt)
    X_src = rng.normal(size=(n_src, 5)) + np.outer(2 * y_src - 1, [1.5, 0, 0, 0, 0])
    X_tgt = rng.normal(size=(n_tgt, 5)) + np.outer(2 * y_tgt - 1, [1.5, 0, 0, 0, 0]) + [shift, shift, 0, 0, 0]
    return X_src, y_src, X_tgt, y_tgt


def factory():
    return LogisticRegression(C=1.0, random_state=0)


def test_threshold_keeps_confident_rows_with_their_labels():
    P = np.array([[0.95, 0.05], [0.6, 0.4], [0.2, 0.8], [0.1, 0.9], [0.5, 0.5]])
    idx, labels = pseudo_label(P, threshold=0.8)
    assert idx.tolist() == [0, 2, 3] and labels.tolist() == [0, 1, 1]
    idx, labels = pseudo_label(P, threshold=0.8, classes=np.array(["neg", "pos"]))
    assert labels.tolist() == ["neg", "pos", "pos"]
    assert pseudo_label(P, threshold=1.0)[0].size == 0


def test_top_k_per_class_keeps_classes_balanced():
    # 6 rows predicted positive, 2 negative: a global top-4 would take positives only
    P = np.array([[0.02, 0.98]] * 6 + [[0.7, 0.3], [0.8, 0.2]])
    idx, labels = pseudo_label(P, top_k_per_class=2)
    assert np.bincount(labels).tolist() == [2, 2]
    assert idx.tolist() == [0, 1, 6, 7]  # ties among positives broken by position
    idx, labels = pseudo_label(P, threshold=0.75, top_k_per_class=2)  # threshold first: one negative passes
    assert idx.tolist() == [0, 1, 7]


@pytest.mark.parametrize("kw", [{"threshold": 0}, {"threshold": 1.2}, {"threshold": -0.1},
                                {"top_k_per_class": 0}, {"top_k_per_class": 1.5}, {}])
def test_bad_options_are_clear_errors(kw):
    with pytest.raises(ValueError, match="threshold|top_k_per_class"):
        pseudo_label(np.array([[0.9, 0.1]]), **kw)


def test_self_train_records_rounds_and_stops_when_nothing_new_passes():
    X_src, y_src, X_tgt, y_tgt = _features()
    st = self_train(factory, X_src, y_src, X_tgt, rounds=50, threshold=0.99, y_unlab=y_tgt, dev=(X_tgt, y_tgt))
    assert st.stopped == "no new document"
    assert len(st.records) < 51 and st.records[0]["n_pseudo"] == 0
    assert [r["round"] for r in st.records] == list(range(len(st.records)))
    assert sum(r["new"] for r in st.records) == st.indices.size == st.records[-1]["n_pseudo"]
    assert len(set(st.indices.tolist())) == st.indices.size  # a document is pseudo-labelled once
    assert all(0 <= r["accuracy"] <= 1 for r in st.records[1:]) and st.records[-1]["dev_macro_f1"] > 0.5
    np.testing.assert_array_equal(st.labels, st.model.classes_[st.labels])  # labels are classes


def test_self_train_is_deterministic_and_top_k_balanced():
    X_src, y_src, X_tgt, _ = _features(seed=1)
    a = self_train(factory, X_src, y_src, X_tgt, rounds=3, top_k_per_class=20)
    b = self_train(factory, X_src, y_src, X_tgt, rounds=3, top_k_per_class=20)
    assert a.records == b.records and a.indices.tolist() == b.indices.tolist()
    assert [r["new"] for r in a.records] == [0, 40, 40, 40] and np.bincount(a.labels).tolist() == [60, 60]


def test_self_train_stops_when_every_document_is_labelled():
    X_src, y_src, X_tgt, _ = _features(n_tgt=30)
    st = self_train(factory, X_src, y_src, X_tgt, rounds=10, top_k_per_class=30)
    assert st.stopped == "all labelled" and st.indices.size == 30


def test_threshold_mode_matches_sklearn_self_training_classifier():
    X_src, y_src, X_tgt, _ = _features(seed=2)
    ours = self_train(factory, X_src, y_src, X_tgt, rounds=4, threshold=0.8)
    sk = SelfTrainingClassifier(estimator=factory(), threshold=0.8, max_iter=4)
    sk.fit(np.vstack([X_src, X_tgt]), np.concatenate([y_src, np.full(len(X_tgt), -1)]))
    it = sk.labeled_iter_[len(X_src):]
    assert sorted(ours.indices.tolist()) == np.flatnonzero(it > 0).tolist()
    assert [r["new"] for r in ours.records[1:]] == [int((it == k).sum()) for k in range(1, len(ours.records))]
    np.testing.assert_allclose(ours.model.coef_, sk.estimator_.coef_, rtol=1e-9)  # same rows, other order


def test_self_train_rejects_bad_rounds_and_label_counts():
    X_src, y_src, X_tgt, y_tgt = _features()
    with pytest.raises(ValueError, match="rounds"):
        self_train(factory, X_src, y_src, X_tgt, rounds=-1, threshold=0.9)
    with pytest.raises(ValueError, match="y_unlab"):
        self_train(factory, X_src, y_src, X_tgt, threshold=0.9, y_unlab=y_tgt[:5])
