"""The few-shot fit's options (``evaluation.few_shot_*``, xproj.run.few_shot): the weights reach
the estimators, C by cross-validation only where the k documents allow it, the same row twice
under a seed, and bad values stopped before any work with one line and exit 2."""

from dataclasses import replace

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from xproj.cli import main
from xproj.config import load_config
from xproj.run import align_targets, build_corpus, load_run_vectors, tokenize
from xproj.run.evaluate import Target, evaluate_target, few_shot_title
from xproj.run.few_shot import CV_MIN_PER_CLASS, few_shot_order, fit_few_shot, target_weight
from xproj.run.train import adaptation_documents

QUIET = lambda *a, **k: None  # noqa: E731
SMALL = ["synthetic.n_words=1500", "synthetic.dim=30", "synthetic.n_train_docs=600", "synthetic.n_test_docs=300",
         "evaluation.bootstrap=20", "model.C=[0.1, 1.0]", "model.class_weight=['balanced']", "model.student=tfidf"]


def stage_es():
    """``(cfg, corpus, es target space)`` of the SMALL synthetic run, before any model."""
    cfg = load_config("synthetic", SMALL)
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, corpus.world, echo=QUIET)
    spaces = align_targets(cfg, vectors, corpus.world, echo=QUIET)
    return cfg, corpus, spaces["es"]


@pytest.fixture(scope="module")
def staged():
    return stage_es()


def target(cfg, corpus, space, overrides=()):
    """The es target with its method fitted, under ``overrides`` of the few-shot options."""
    cfg = load_config("synthetic", SMALL + list(overrides)) if overrides else cfg
    t = Target(cfg, "es", corpus, None, space, adaptation_documents(cfg, corpus, "es"))
    return replace(t, fitted=t.select_and_fit(space.space, "en", vote=True))


def draw(corpus, cfg, k):
    Xt, yt = corpus.get("es", "train")
    idx = few_shot_order(cfg["seed"], len(Xt))[:k]
    return [Xt[i] for i in idx], yt[idx]


@pytest.fixture
def weights_seen(monkeypatch):
    """Every ``sample_weight`` a logistic regression is fitted with (None: none given)."""
    seen, real = [], LogisticRegression.fit

    def spy(self, X, y, sample_weight=None):
        seen.append((type(self).__name__, None if sample_weight is None else np.array(sample_weight)))
        return real(self, X, y, sample_weight=sample_weight)

    monkeypatch.setattr(LogisticRegression, "fit", spy)
    return seen


def test_share_gives_the_k_documents_that_share_of_the_weight():
    cfg = load_config("synthetic", ["evaluation.few_shot_share=0.25"])
    for k in (10, 50, 200):
        w = target_weight(cfg, 1210, k)
        assert k * w / (1210 + k * w) == pytest.approx(0.25)
    assert target_weight(load_config("synthetic", ["evaluation.few_shot_weight=4"]), 1210, 10) == 4.0
    assert target_weight(load_config("synthetic"), 1210, 10) == 1.0


def test_target_weight_reaches_the_english_model(staged, weights_seen):
    cfg, corpus, space = staged
    n_source = len(corpus.get("en", "train")[1])
    Xk, yk = draw(corpus, cfg, 30)
    for overrides, expected in ((["evaluation.few_shot_weight=5"], 5.0),
                                (["evaluation.few_shot_share=0.5"], n_source / 30)):
        t = target(cfg, corpus, space, overrides)
        weights_seen.clear()
        few, record = fit_few_shot(t, Xk, yk)
        assert record["target_weight"] == pytest.approx(expected)
        english = [w for name, w in weights_seen if name == "RowwiseLogisticRegression"]
        assert len(english) == 1  # C kept: one fit, the row's
        np.testing.assert_array_equal(english[0][:n_source], 1.0)
        np.testing.assert_allclose(english[0][n_source:], expected)
        assert len(english[0]) == n_source + 30
    # the default: no weights at all, as the rows were fitted before the options existed
    t = target(cfg, corpus, space)
    weights_seen.clear()
    fit_few_shot(t, Xk, yk)
    assert [w for name, w in weights_seen if name == "RowwiseLogisticRegression"] == [None]


@pytest.mark.parametrize("fit_data", ["train+dev", "cv"])
def test_the_share_counts_every_english_document_the_model_is_fitted_on(staged, weights_seen, fit_data):
    """model.fit_data = train+dev / cv fits on the training and dev splits: the k documents'
    share of the training weight is taken of all of them, not of the training split alone."""
    cfg, corpus, space = staged
    n_source = len(corpus.get("en", "train")[1]) + len(corpus.get("en", "dev")[1])
    Xk, yk = draw(corpus, cfg, 30)
    t = target(cfg, corpus, space, ["evaluation.few_shot_share=0.5", f"model.fit_data={fit_data}"])
    weights_seen.clear()
    few, record = fit_few_shot(t, Xk, yk)
    english = [w for name, w in weights_seen if name == "RowwiseLogisticRegression"]
    assert len(english) == 1 and len(english[0]) == n_source + 30
    assert english[0][n_source:].sum() / english[0].sum() == pytest.approx(0.5)
    assert record["target_weight"] == pytest.approx(n_source / 30)


def test_weighting_the_targets_changes_the_model(staged):
    cfg, corpus, space = staged
    Xk, yk = draw(corpus, cfg, 30)
    coef = [fit_few_shot(target(cfg, corpus, space, o), Xk, yk)[0].model.estimator_.coef_
            for o in ([], ["evaluation.few_shot_weight=20"])]
    assert not np.allclose(coef[0], coef[1])


def test_gold_weight_reaches_the_student(staged, weights_seen):
    cfg, corpus, space = staged
    Xk, yk = draw(corpus, cfg, 30)
    t = target(cfg, corpus, space, ["evaluation.few_shot_student_weight=7"])
    pool = len(t.adaptation.documents) - 30  # the k documents leave the unlabelled pool
    weights_seen.clear()
    few, record = fit_few_shot(t, Xk, yk)
    assert record["student_gold_weight"] == 7.0
    (student,) = [w for name, w in weights_seen if name == "LogisticRegression"]
    # soft labels, unbalanced: a pool document's examples weigh its probabilities (sum 1),
    # a gold document's one example weighs 7; gold examples come last
    assert len(student) > 30 and student.sum() == pytest.approx(pool + 7 * 30)
    np.testing.assert_allclose(student[-30:], 7.0)
    # weight 1: each gold document counts as one pool document, the student as before
    same = fit_few_shot(target(cfg, corpus, space, ["evaluation.few_shot_student_weight=1"]), Xk, yk)[0].model
    default = same.students_["es"].model.estimator_.coef_
    assert not np.allclose(default, few.model.students_["es"].model.estimator_.coef_)


def test_student_doc_weight_is_checked():
    from xproj.student import TfidfStudent

    docs = [["muy", "bueno"], ["malo"], ["bueno", "hotel"], ["hotel", "malo"]] * 3
    proba = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.9, 0.1]] * 3)
    with pytest.raises(ValueError, match="doc_weight: need 12 positive finite weights"):
        TfidfStudent(min_df=1).fit(docs, proba, np.array([0, 1]), doc_weight=np.zeros(12))


def test_cv_chooses_C_on_the_target_documents_only_where_k_allows(staged):
    cfg, corpus, space = staged
    t = target(cfg, corpus, space, ["evaluation.few_shot_C=cv"])
    Xk, yk = draw(corpus, cfg, 150)
    assert np.bincount(yk).min() >= CV_MIN_PER_CLASS
    few, record = fit_few_shot(t, Xk, yk)
    assert record["C_choice"].startswith("cv") and set(record["cv_macro_f1"]) == {"C=0.1", "C=1"}
    assert few.C in (0.1, 1.0) and few.class_weight == t.fitted.class_weight
    # one C in model.C: nothing to cross-validate
    one = target(cfg, corpus, space, ["evaluation.few_shot_C=cv", "model.C=[1.0]"])
    assert fit_few_shot(one, Xk, yk)[1]["C_choice"] == "zero-shot (one C in model.C)"
    # the same row again: the same folds, C and predictions (seeded)
    again, record2 = fit_few_shot(t, Xk, yk)
    assert record2 == record
    X_test = corpus.get("es", "test")[0]
    np.testing.assert_array_equal(few.model.predict_proba(X_test, lang="es"),
                                  again.model.predict_proba(X_test, lang="es"))
    # too few documents of a class: the method's C, said so
    Xs, ys = draw(corpus, cfg, 20)
    small, rec = fit_few_shot(t, Xs, ys)
    assert small.C == t.fitted.C and rec["C_choice"].startswith("zero-shot (fewer than 20")


def test_rows_record_the_options(staged):
    cfg, corpus, space = staged
    cfg = load_config("synthetic", SMALL + ["evaluation.few_shot=[20]", "evaluation.few_shot_weight=3",
                                            "evaluation.few_shot_student_weight=2", "evaluation.baselines=['majority']"])
    r = evaluate_target(cfg, corpus, None, space, "es")
    row = r.rows[few_shot_title(20)]
    assert (row["target_weight"], row["student_gold_weight"]) == (3.0, 2.0)
    assert row["C_choice"] == "zero-shot"  # the default since the fourth pass (stop 22)
    assert "target_weight" not in r.rows["xproj (aligned)"]  # the zero-shot row is untouched


def test_draws_average_independent_learning_curves_the_first_being_the_single_draw(staged):
    cfg, corpus, space = staged
    base = SMALL + ["evaluation.few_shot=[15, 40]", "evaluation.baselines=['majority']"]
    one = evaluate_target(load_config("synthetic", base), corpus, None, space, "es").rows
    three = evaluate_target(load_config("synthetic", base + ["evaluation.few_shot_draws=3"]),
                            corpus, None, space, "es").rows
    for k in (15, 40):
        single, mean = one[few_shot_title(k)], three[few_shot_title(k)]
        assert "C" in single and "draws" not in single  # one draw: the row as before
        assert len(mean["draws"]) == 3 and len(mean["macro_f1_each"]) == 3
        assert mean["macro_f1_each"][0] == pytest.approx(single["macro_f1"])  # draw 1 is the single draw
        assert mean["macro_f1"] == pytest.approx(np.mean(mean["macro_f1_each"]))
        assert len(set(mean["macro_f1_each"])) > 1  # other documents, other models
        assert mean["macro_f1_ci"][0] <= mean["macro_f1"] <= mean["macro_f1_ci"][1]
        assert sum(map(sum, mean["confusion"])) == 3 * mean["n"]
    # each draw is nested: its 15 documents are the first 15 of its 40
    from xproj.run.few_shot import few_shot_seed
    n = len(corpus.get("es", "train")[1])
    orders = [few_shot_order(few_shot_seed(cfg["seed"], d), n) for d in range(3)]
    assert orders[0].tolist() == few_shot_order(cfg["seed"], n).tolist()
    assert orders[1][:40].tolist() != orders[0][:40].tolist() != orders[2][:40].tolist()


def test_mean_scores_of_one_prediction_are_the_scores():
    from xproj.evaluation import classification_scores, mean_classification_scores

    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 80), rng.integers(0, 2, 80)
    one = mean_classification_scores(y, [p], ["negative", "positive"], n_boot=50, seed=3)
    ref = classification_scores(y, p, ["negative", "positive"], n_boot=50, seed=3)
    assert {k: one[k] for k in ref} == ref and one["macro_f1_each"] == [ref["macro_f1"]]
    two = mean_classification_scores(y, [p, 1 - p], ["negative", "positive"], n_boot=50, seed=3)
    flipped = classification_scores(y, 1 - p, ["negative", "positive"], n_boot=0)
    assert two["macro_f1"] == pytest.approx((ref["macro_f1"] + flipped["macro_f1"]) / 2)
    assert two["per_class"]["positive"]["recall"] == pytest.approx(
        (ref["per_class"]["positive"]["recall"] + flipped["per_class"]["positive"]["recall"]) / 2)


@pytest.mark.parametrize("option, message", [
    ("evaluation.few_shot_weight=0", "evaluation.few_shot_weight = 0.0 is out of range: allowed > 0"),
    ("evaluation.few_shot_weight=-1", "evaluation.few_shot_weight = -1.0 is out of range: allowed > 0"),
    ("evaluation.few_shot_share=1", "evaluation.few_shot_share = 1.0 is out of range: allowed [0.0, 1.0)"),
    ("evaluation.few_shot_student_weight=nan", "evaluation.few_shot_student_weight = nan is out of range"),
    ("evaluation.few_shot_C=grid", "evaluation.few_shot_C = 'grid' is not one of 'zero-shot', 'cv', 'cv-1se'"),
    ("evaluation.few_shot_guard=yes", "evaluation.few_shot_guard = 'yes' is not one of 'none', 'cv', 'cv-1se'"),
    ("evaluation.few_shot_draws=0", "evaluation.few_shot_draws = 0 is out of range"),
    ("evaluation.few_shot_draws=1.5", "evaluation.few_shot_draws"),
    ("evaluation.few_shot_share=0.3;evaluation.few_shot_weight=2",
     "evaluation.few_shot_share = 0.3 and evaluation.few_shot_weight = 2.0 both weight"),
])
def test_bad_values_are_one_line_exit_2(tmp_path, capsys, option, message):
    sets = [a for o in option.split(";") for a in ("--set", o)]
    assert main(["run", "synthetic", *sets, "--out", str(tmp_path / "run"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert not (tmp_path / "run").exists()


def test_the_report_says_rows_are_means_over_draws():
    from xproj.report import few_shot_draws_line

    rows = {"few-shot (+10 target labels)": {"macro_f1": 0.6, "macro_f1_each": [0.5, 0.7]},
            "xproj (aligned)": {"macro_f1": 0.7}}
    text = "\n".join(few_shot_draws_line({"results": {"es": rows}}))
    assert "mean over 2 seeded draws" in text and "- es (+10 target labels): 0.500, 0.700" in text
    single = {"few-shot (+10 target labels)": {"macro_f1": 0.6, "macro_f1_each": [0.6]}}
    assert few_shot_draws_line({"results": {"es": single}}) == []
