"""The run report's class priors (true, EM, BBSE, predicted) and reliability diagram."""

import json

import numpy as np
import pytest

from xproj.config import load_config
from xproj.evaluation import expected_calibration_error
from xproj.report_calibration import (
    N_BINS,
    calibration_summary,
    prior_table,
    target_diagnostics,
)
from xproj.run import run_experiment
from xproj.shift import estimate_priors_bbse, estimate_priors_em

FAST = ["synthetic.n_words=300", "synthetic.dim=10", "synthetic.n_train_docs=100", "synthetic.n_test_docs=60",
        "evaluation.bootstrap=0", "model.C=[1.0]", "model.class_weight=['balanced']", "evaluation.baselines=[]",
        "output.save_model=false", "output.plots=true"]


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "synthetic"
    metrics = run_experiment(load_config("synthetic", FAST), out_dir=out, echo=lambda *a, **k: None)
    return out, metrics


def test_report_shows_priors_and_reliability_diagram(synthetic_run):
    out, metrics = synthetic_run
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| prior | negative | positive | distance to true |" in report
    for row in ("| true (test labels) |", "| EM estimate (", "| BBSE estimate", "| predicted class shares (test) |"):
        assert row in report
    assert "shown only: `features.priors = \"none\"`" in report
    png = out / "reliability-es.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![reliability-es.png](reliability-es.png)" in report and "ECE " in report
    saved = json.loads((out / "metrics.json").read_text())
    priors, calibration = saved["priors"]["es"], saved["calibration"]["es"]
    assert np.isclose(sum(priors["true"]), 1) and np.isclose(sum(priors["em"]), 1)
    assert sum(b["count"] for b in calibration["bins"]) == metrics["results"]["es"]["xproj (aligned)"]["n"]
    assert 0 <= calibration["ece"] <= 1


class _Fixed:
    """A stand-in model with fixed probabilities (what target_diagnostics reads of a model)."""

    classes_ = np.array([0, 1])
    source_priors_ = np.array([0.5, 0.5])
    source_lang = "en"
    has_proba = True

    def __init__(self, P):
        self.P = np.asarray(P, dtype=float)
        self.priors = {}

    def predict_proba(self, X, lang=None):
        return self.P[np.asarray(X)]

    def predict(self, X, lang=None):
        return self.predict_proba(X).argmax(1)

    def _target_priors(self):
        return self.priors


def test_ece_of_a_hand_computed_example():
    # confidences 0.9, 0.9 (one right) -> bin 0.9-1.0: |0.5 - 0.9| = 0.4 over 2 docs;
    # 0.7, 0.7 (both right) -> bin 0.7-0.8: |1 - 0.7| = 0.3 over 2 docs; ECE = (2*0.4 + 2*0.3) / 4
    P = [[0.9, 0.1], [0.1, 0.9], [0.7, 0.3], [0.3, 0.7]]
    y = [0, 0, 0, 1]
    summary = calibration_summary(_Fixed(P), "xx", [0, 1, 2, 3], y)
    assert summary["ece"] == pytest.approx(0.35)
    assert summary["ece"] == pytest.approx(expected_calibration_error(y, P, N_BINS))
    assert [(b["lo"], b["count"]) for b in summary["bins"]] == [(0.7, 2), (0.9, 2)]


def _shifted_sample(n, positive_share, rng):
    """Posteriors of a classifier trained on a 50/50 source (two Gaussians, a known model)."""
    y = (rng.random(n) < positive_share).astype(int)
    x = rng.normal(np.where(y == 1, 1.0, -1.0), 1.0)
    p1 = 1 / (1 + np.exp(-2 * x))  # the exact posterior under equal priors
    return np.c_[1 - p1, p1], y


def test_prior_estimates_on_a_shifted_sample_are_close_to_the_truth():
    rng = np.random.default_rng(0)
    Pd, yd = _shifted_sample(3000, 0.5, rng)
    Pt, yt = _shifted_sample(3000, 0.2, rng)
    em, _ = estimate_priors_em(Pt, [0.5, 0.5])
    bbse = estimate_priors_bbse(yd, Pd.argmax(1), Pt.argmax(1), 2)
    assert abs(em[1] - yt.mean()) < 0.03 and abs(bbse[1] - yt.mean()) < 0.03
    # the same through the report's diagnostics (dev documents 0..2999, target 3000..5999)
    model = _Fixed(np.vstack([Pd, Pt]))
    target = np.arange(3000, 6000)
    d = target_diagnostics(model, "xx", target, yt, model.predict(target), 2, source_dev=(np.arange(3000), yd))
    p = d["priors"]
    assert p["true"][1] == pytest.approx(yt.mean()) and p["em"][1] == pytest.approx(em[1])
    assert p["bbse"][1] == pytest.approx(bbse[1]) and p["applied"] is None
    assert "test texts" in p["unlabelled_origin"]  # no unlabelled documents given: the test texts
    assert p["predicted"][1] > p["em"][1]  # predictions over-shoot the minority class; EM corrects it
    table = prior_table(p, ["negative", "positive"])
    assert "| true (test labels) | 0.800 |" in table.replace(f"{1 - yt.mean():.3f}", "0.800")


def test_estimates_undo_an_applied_prior():
    """With features.priors on, the model's probabilities are re-weighted; the estimates start
    from the unadjusted ones, so they do not depend on whether the option is on."""
    from xproj.shift import TargetPrior

    rng = np.random.default_rng(1)
    Pt, yt = _shifted_sample(2000, 0.3, rng)
    plain = target_diagnostics(_Fixed(Pt), "xx", np.arange(2000), yt, Pt.argmax(1), 2)
    adjusted_model = _Fixed(Pt)
    adjusted_model.priors["xx"] = TargetPrior(np.array([0.7, 0.3]), "em", 2000)

    def adjusted_proba(X, lang=None):
        from xproj.shift import adjust_posteriors

        return adjust_posteriors(Pt[np.asarray(X)], [0.5, 0.5], [0.7, 0.3])

    adjusted_model.predict_proba = adjusted_proba
    adjusted = target_diagnostics(adjusted_model, "xx", np.arange(2000), yt, Pt.argmax(1), 2)
    np.testing.assert_allclose(adjusted["priors"]["em"], plain["priors"]["em"], atol=1e-6)
    assert adjusted["priors"]["applied"] == "em"


def test_no_diagnostics_without_probabilities():
    model = _Fixed([[0.5, 0.5]])
    model.has_proba = False  # an SVM without model.calibration
    assert target_diagnostics(model, "xx", [0], [0], [0], 2) == {}


def test_pca_plot_of_words_without_glyphs_warns_once(tmp_path):
    # Chinese words and no CJK font: matplotlib warned once per missing character (73 lines
    # in a small opener-en-zh run); one line names the plot
    import warnings

    from matplotlib import font_manager

    from xproj.report import plot_pca_pairs

    rng = np.random.default_rng(0)
    pairs = [("good", "好"), ("bad", "坏"), ("hotel", "酒店"), ("room", "房间"), ("price", "价格")]
    space = {"en": {s: rng.normal(size=4) for s, _ in pairs}, "zh": {t: rng.normal(size=4) for _, t in pairs}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert plot_pca_pairs(space, "en", "zh", pairs, tmp_path / "pca-zh.png") == "pca-zh.png"
    assert (tmp_path / "pca-zh.png").stat().st_size > 0
    font = font_manager.get_font(font_manager.findfont(font_manager.FontProperties()))
    drawn_as_boxes = not all(font.get_char_index(ord(c)) for _, t in pairs for c in t)
    messages = [str(w.message) for w in caught]
    assert len(messages) == int(drawn_as_boxes), messages
    if drawn_as_boxes:
        assert messages[0].startswith("pca-zh.png: ") and "CJK font" in messages[0]
