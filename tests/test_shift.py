"""Label-shift estimation and adjustment (xproj.shift), calibration and reliability."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, log_loss
from sklearn.svm import LinearSVC

from xproj.align import fit_mapping
from xproj.datasets.synthetic import make_bilingual_world, make_documents
from xproj.evaluation import expected_calibration_error, format_reliability, reliability
from xproj.features import AlignedSpace
from xproj.model import CrossLingualClassifier, load_model, make_estimator, save_model
from xproj.shift import adjust_posteriors, effective_priors, estimate_priors_bbse, estimate_priors_em


def gaussian_posteriors(n, positive_rate, seed):
    """Exact source posteriors (prior 0.5) of two unit Gaussians at -1 and +1, for documents
    drawn with ``positive_rate``."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < positive_rate).astype(int)
    x = rng.normal(2.0 * y - 1.0, 1.0)
    p1 = 1 / (1 + np.exp(-2 * x))
    return np.column_stack([1 - p1, p1]), y


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.83])
def test_em_recovers_a_known_prior(rate):
    P, y = gaussian_posteriors(4000, rate, seed=1)
    prior, n_iter = estimate_priors_em(P, [0.5, 0.5])
    assert abs(prior[1] - rate) < 0.03 and 1 <= n_iter < 1000
    adjusted = adjust_posteriors(P, [0.5, 0.5], prior)
    # Bayes' rule with the right prior: at least as accurate as the source's decision
    assert accuracy_score(y, adjusted.argmax(1)) >= accuracy_score(y, P.argmax(1)) - 0.005


def test_adjustment_is_bayes_rule_row_by_row():
    P, _ = gaussian_posteriors(50, 0.5, seed=2)
    np.testing.assert_allclose(adjust_posteriors(P, [0.5, 0.5], [0.5, 0.5]), P)
    A = adjust_posteriors(P, [0.5, 0.5], [0.2, 0.8])
    np.testing.assert_allclose(A.sum(1), 1)
    odds = (A[:, 1] / A[:, 0]) / (P[:, 1] / P[:, 0])
    np.testing.assert_allclose(odds, 4.0)
    alone = np.vstack([adjust_posteriors(P[i:i + 1], [0.5, 0.5], [0.2, 0.8]) for i in range(len(P))])
    np.testing.assert_array_equal(alone, A)
    with pytest.raises(ValueError, match="target priors"):
        adjust_posteriors(P, [0.5, 0.5], [1.0, 0.0])


def test_bbse_recovers_a_known_prior():
    Pd, yd = gaussian_posteriors(4000, 0.5, seed=3)
    Pt, _ = gaussian_posteriors(4000, 0.2, seed=4)
    prior = estimate_priors_bbse(yd, Pd.argmax(1), Pt.argmax(1), 2)
    assert abs(prior[1] - 0.2) < 0.03


def test_effective_priors_follow_class_weights():
    y = np.array([0] * 20 + [1] * 80)
    np.testing.assert_allclose(effective_priors(y, [0, 1]), [0.2, 0.8])
    np.testing.assert_allclose(effective_priors(y, [0, 1], "balanced"), [0.5, 0.5])


def test_reliability_table_and_ece():
    y = np.array([1, 1, 0, 1, 0, 0])
    P = np.array([[0.05, 0.95], [0.1, 0.9], [0.2, 0.8], [0.4, 0.6], [0.6, 0.4], [1.0, 0.0]])
    table = reliability(y, P, n_bins=5)
    assert [(r["lo"], r["count"]) for r in table] == [(0.6, 2), (0.8, 4)]  # 1.0 in the last bin
    assert table[0]["accuracy"] == 1.0 and np.isclose(table[0]["confidence"], 0.6)
    assert table[1]["accuracy"] == 0.75 and np.isclose(table[1]["confidence"], (0.95 + 0.9 + 0.8 + 1.0) / 4)
    ece = expected_calibration_error(y, P, n_bins=5)
    assert np.isclose(ece, (2 * 0.4 + 4 * abs(0.75 - 0.9125)) / 6)
    assert "| 0.8-1.0 | 0.913 | 0.750 | 4 |" in format_reliability(table)
    assert expected_calibration_error([0, 1], [[1.0, 0.0], [0.0, 1.0]]) == 0.0
    with pytest.raises(ValueError, match="2 labels"):
        reliability([0, 1], P)


@pytest.fixture(scope="module")
def world():
    w = make_bilingual_world(n_words=2000, dim=30, noise=0.5, seed=11)
    m = fit_mapping(w.src, w.tgt, w.train_pairs)
    return w, AlignedSpace.from_mappings("tgt", w.tgt, {"src": (w.src, m)})


def docs(w, n, side, rate, seed):
    return make_documents(w, n, side=side, polar_rate=0.3, positive_rate=rate, seed=seed)


def test_model_estimates_the_target_prior_and_keeps_it(world, tmp_path):
    """Source at 50% positive, target at 20%: EM on unlabelled target documents finds 0.2,
    the model keeps it (saved) and re-weights that language's probabilities with it."""
    w, space = world
    X, y = docs(w, 800, "src", 0.5, 1)
    U, _ = docs(w, 800, "tgt", 0.2, 3)
    T, yt = docs(w, 800, "tgt", 0.2, 2)
    clf = CrossLingualClassifier(space, source_lang="src", center="source", scale="source").fit(X, y)
    before = clf.predict(T, "tgt").mean()
    clf.adapt_priors(U, "tgt")
    prior = clf.target_priors_["tgt"].priors
    assert abs(prior[1] - 0.2) < 0.05
    assert clf.predict(T, "tgt").mean() < before  # fewer documents given the minority class
    assert clf.adaptation("tgt").endswith(f"class prior 0 {prior[0]:.2f}, 1 {prior[1]:.2f} "
                                          "(em on 800 unlabelled documents)")
    np.testing.assert_array_equal(clf.predict(X[:30]), clf.pipeline_.predict(X[:30]))  # source untouched
    save_model(clf, tmp_path / "m.joblib")
    again = load_model(tmp_path / "m.joblib")["model"]
    np.testing.assert_array_equal(again.predict_proba(T, "tgt"), clf.predict_proba(T, "tgt"))
    clf.adapt(U, "tgt")  # new statistics: the old prior no longer applies
    assert "class prior" not in clf.adaptation("tgt")


def test_prior_adjustment_undoes_a_skewed_source(world):
    """A classifier trained without class weights on 80% positive sources over-predicts
    positive on a 20% positive target; with the EM prior its probabilities fit the target
    better (log-loss: Bayes' rule optimises probabilities and accuracy, not macro-F1)."""
    w, space = world
    X, y = docs(w, 800, "src", 0.8, 1)
    U, _ = docs(w, 800, "tgt", 0.2, 3)
    T, yt = docs(w, 800, "tgt", 0.2, 2)
    clf = CrossLingualClassifier(space, source_lang="src", center="source", scale="source",
                                 estimator=make_estimator(class_weight=None)).fit(X, y)
    np.testing.assert_allclose(clf.source_priors_, [np.mean(y == 0), np.mean(y == 1)])
    before = log_loss(yt, clf.predict_proba(T, "tgt"))
    clf.adapt_priors(U, "tgt")
    assert abs(clf.target_priors_["tgt"].priors[1] - 0.2) < 0.05
    assert log_loss(yt, clf.predict_proba(T, "tgt")) < before - 0.05
    bbse = clf.adapt_priors(U, "tgt", method="bbse", dev=docs(w, 400, "src", 0.8, 4)).target_priors_["tgt"]
    assert abs(bbse.priors[1] - 0.2) < 0.05 and bbse.method == "bbse"
    assert "tgt" not in clf.adapt_priors(U, "tgt", method="none").target_priors_
    with pytest.raises(ValueError, match="dev="):
        clf.adapt_priors(U, "tgt", method="bbse")


def test_calibration_on_dev_and_svm_probabilities(world):
    w, space = world
    X, y = docs(w, 800, "src", 0.5, 1)
    D, yd = docs(w, 400, "src", 0.5, 4)
    H, yh = docs(w, 600, "src", 0.5, 5)
    svm = CrossLingualClassifier(space, source_lang="src", estimator=LinearSVC(C=10)).fit(X, y)
    with pytest.raises(AttributeError, match="calibrate"):
        svm.predict_proba(H)
    svm.calibrate(D, yd)
    P = svm.predict_proba(H)
    assert P.shape == (600, 2) and expected_calibration_error(yh, P) < 0.06
    np.testing.assert_array_equal(svm.predict(H), svm.classes_[P.argmax(1)])
    with pytest.raises(ValueError, match="calibration"):
        svm.calibrate(D, yd, method="beta")
