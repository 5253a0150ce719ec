"""The few-shot rows' guards (xproj.run.few_shot): ``few_shot_C = "cv-1se"`` keeps the zero-shot
C unless the cv-best C beats it by more than a standard error; ``few_shot_guard = "cv"`` keeps
the few-shot fit only if the k documents, cross-validated, do not rate it below the zero-shot
model, and otherwise the row *is* the zero-shot model. Both deterministic under a seed."""

from dataclasses import replace

import numpy as np
import pytest

from xproj.config import load_config
from xproj.run import few_shot
from xproj.run.evaluate import Target, evaluate_target, few_shot_title
from xproj.run.few_shot import CV_MIN_PER_CLASS, fit_few_shot, macro_f1, stratified_folds
from xproj.run.train import adaptation_documents

from test_few_shot_options import SMALL, draw, stage_es

GUARD = ["evaluation.few_shot_guard=cv"]
# The guards' estimates never fit a student (fold models have the vote alone, xproj.run.few_shot),
# so most tests here run without one: it is most of a few-shot fit's time. The ones that keep it
# cover the guard in models that have one (the zero-shot and few-shot rows of a run).
NO_STUDENT = SMALL + ["model.student=none"]


@pytest.fixture(scope="module")
def stage():
    return stage_es()


def _staged(stage, base):
    _, corpus, space = stage
    cfg = load_config("synthetic", base)
    zero = Target(cfg, "es", corpus, None, space, adaptation_documents(cfg, corpus, "es"))
    return cfg, corpus, space, replace(zero, fitted=zero.select_and_fit(space.space, "en", vote=True)), base


@pytest.fixture(scope="module")
def staged(stage):
    return _staged(stage, NO_STUDENT)


@pytest.fixture(scope="module")
def staged_student(stage):
    return _staged(stage, SMALL)


def under(staged, overrides):
    """The staged es target (its zero-shot model fitted once) under few-shot ``overrides``."""
    cfg, corpus, space, t, base = staged
    return replace(t, cfg=load_config("synthetic", base + list(overrides)))


def test_folds_are_seeded_stratified_and_cover_every_document():
    y = np.array([0] * 3 + [1] * 17)  # a class with fewer documents than folds: no warning, still a split
    folds = stratified_folds(y, seed=0)
    held = np.concatenate([h for _, h in folds])
    assert len(folds) == 5 and sorted(held) == list(range(20))
    assert all(len(set(tr) & set(h)) == 0 for tr, h in folds)
    assert all(y[h].sum() in (3, 4) for _, h in folds)  # 17 positives spread 3-4 a fold
    again = stratified_folds(y, seed=0)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again))
    assert not all(np.array_equal(a[1], b[1]) for a, b in zip(folds, stratified_folds(y, seed=1)))
    assert len(stratified_folds(np.array([0, 1, 1]), seed=0)) == 2  # as many folds as the largest class allows
    assert stratified_folds(np.array([0, 1]), seed=0) == []  # no class with 2 documents: no folds


def test_macro_f1_counts_every_class():
    # an absent class scores 0 for any model: two models' figures move alike
    assert macro_f1(np.array([1, 1]), np.array([1, 1]), 2) == pytest.approx(0.5)
    assert macro_f1(np.array([0, 1]), np.array([0, 1]), 2) == 1.0


def check_guard(t, zero_t, Xk, yk):
    """The row ``fit_few_shot`` gives under the guard, checked against the guard's estimates;
    returns ``(Fitted, record, fell back)``."""
    few, record = fit_few_shot(t, Xk, yk)
    est = record["guard_macro_f1"]
    # the zero-shot estimate is the zero-shot model's macro-F1 on the k documents
    assert est["zero-shot"] == pytest.approx(macro_f1(yk, zero_t.fitted.model.predict(Xk, lang="es"), 2))
    fell_back = est["few-shot (cv)"] < est["zero-shot"]
    assert record["guard"].startswith("zero-shot" if fell_back else "few-shot")
    # falling back, the row is the zero-shot model itself; else a model that learnt the k documents
    assert (few is zero_t.fitted) == fell_back
    return few, record, fell_back


def test_guard_keeps_a_few_shot_fit_the_k_documents_rate_higher_and_is_deterministic(staged_student):
    staged = staged_student
    cfg, corpus, space, zero_t, _ = staged
    X_test = corpus.get("es", "test")[0]
    Xk, yk = draw(corpus, cfg, 120)
    few, first, fell_back = check_guard(under(staged, GUARD), zero_t, Xk, yk)
    assert not fell_back
    plain = fit_few_shot(under(staged, []), Xk, yk)[0]  # the same fit without the guard
    np.testing.assert_array_equal(few.model.predict_proba(X_test, lang="es"),
                                  plain.model.predict_proba(X_test, lang="es"))
    # the same row again: the same folds, estimates and decision
    again, record = fit_few_shot(under(staged, GUARD), Xk, yk)
    assert record == first
    np.testing.assert_array_equal(again.model.predict_proba(X_test, lang="es"),
                                  few.model.predict_proba(X_test, lang="es"))


def test_guard_falls_back_from_a_fit_that_overweights_a_few_documents(staged):
    # 20 target documents each weighing 1,000 English ones: the English model follows them,
    # the held-out folds say so, and the test part agrees that the zero-shot model is better
    cfg, corpus, space, zero_t, _ = staged
    Xk, yk = draw(corpus, cfg, 20)
    few, _, fell_back = check_guard(under(staged, GUARD + ["evaluation.few_shot_weight=1000"]), zero_t, Xk, yk)
    assert fell_back and few.C == zero_t.fitted.C
    X_test, y_test = corpus.get("es", "test")
    unguarded = fit_few_shot(under(staged, ["evaluation.few_shot_weight=1000"]), Xk, yk)[0]
    assert (macro_f1(y_test, unguarded.model.predict(X_test, lang="es"), 2)
            < macro_f1(y_test, zero_t.fitted.model.predict(X_test, lang="es"), 2))


def test_guard_falls_back_whenever_the_zero_shot_estimate_wins(staged, monkeypatch):
    cfg, corpus, space, zero_t, _ = staged
    Xk, yk = draw(corpus, cfg, 20)
    # a margin of -1 makes every few-shot estimate lose: the row must be the zero-shot model
    monkeypatch.setattr(few_shot, "GUARD_MARGIN", -1.0)
    few, record = fit_few_shot(under(staged, GUARD), Xk, yk)
    assert few is zero_t.fitted and few.C == zero_t.fitted.C and record["guard"].startswith("zero-shot")
    # and a margin of +1 never falls back
    monkeypatch.setattr(few_shot, "GUARD_MARGIN", 1.0)
    few, record = fit_few_shot(under(staged, GUARD), Xk, yk)
    assert few is not zero_t.fitted and record["guard"].startswith("few-shot")


def test_guard_1se_puts_the_burden_of_proof_on_the_zero_shot_model(staged):
    cfg, corpus, space, zero_t, _ = staged
    outcomes = []
    for k, overrides in ((120, []), (20, ["evaluation.few_shot_weight=1000"])):
        Xk, yk = draw(corpus, cfg, k)
        few, record = fit_few_shot(under(staged, ["evaluation.few_shot_guard=cv-1se"] + overrides), Xk, yk)
        est, stderr = record["guard_macro_f1"], record["guard_stderr"]
        fell_back = est["zero-shot"] - est["few-shot (cv)"] > stderr
        assert (few is zero_t.fitted) == fell_back and record["guard"].startswith("zero-shot" if fell_back else "few")
        # fold means of the same folds as the plain guard, whose pooled estimates it records
        plain = fit_few_shot(under(staged, GUARD + overrides), Xk, yk)[1]["guard_macro_f1"]
        assert est != plain and all(0 <= v <= 1 for v in (*est.values(), *plain.values()))
        outcomes.append(fell_back)
    assert outcomes == [False, True]  # 120 documents at weight 1 kept; 20 overweighted ones refused


def test_one_standard_error_rule(staged):
    cfg, corpus, space, zero_t, _ = staged
    Xk, yk = draw(corpus, cfg, 150)
    assert np.bincount(yk).min() >= CV_MIN_PER_CLASS
    records = []
    for grid in ("[0.1, 1.0]", "[0.001, 0.1, 1.0, 10.0]"):
        t = under(staged, ["evaluation.few_shot_C=cv-1se", f"model.C={grid}", "model.class_weight=['balanced']"])
        t = replace(t, fitted=zero_t.fitted)
        few, record = fit_few_shot(t, Xk, yk)
        means = {float(c[2:]): s for c, s in record["cv_macro_f1"].items()}
        assert zero_t.fitted.C in means  # the zero-shot C is always scored
        best = max(means, key=lambda c: (round(means[c], 6), -list(means).index(c)))
        beats = means[best] - means[zero_t.fitted.C] > record["cv_stderr"]
        assert few.C == (best if beats else zero_t.fitted.C)
        assert record["C_choice"].startswith("cv-1se") and record["cv_stderr"] > 0
        records.append(record)
        assert fit_few_shot(t, Xk, yk)[1] == record  # the same folds, the same choice
    # a grid without the zero-shot C still compares against it
    t = replace(under(staged, ["evaluation.few_shot_C=cv-1se", "model.C=[0.001, 10.0]"]), fitted=zero_t.fitted)
    record = fit_few_shot(t, Xk, yk)[1]
    assert set(record["cv_macro_f1"]) == {"C=0.001", "C=10", f"C={zero_t.fitted.C:g}"}


def test_rows_record_the_guard(staged):
    cfg = load_config("synthetic", SMALL + ["evaluation.few_shot=[10, 20]", "evaluation.baselines=['majority']"]
                      + GUARD)
    _, corpus, space, zero_t, _ = staged
    r = evaluate_target(cfg, corpus, None, space, "es")
    for k in (10, 20):
        row = r.rows[few_shot_title(k)]
        assert row["guard"].split(" ")[0] in ("zero-shot", "few-shot")
        assert set(row["guard_macro_f1"]) == {"zero-shot", "few-shot (cv)"}
        if row["guard"].startswith("zero-shot"):  # the zero-shot row's figures, exactly
            assert row["macro_f1"] == r.rows["xproj (aligned)"]["macro_f1"] and row["C"] == zero_t.fitted.C
    assert "guard" not in r.rows["xproj (aligned)"]
