"""``model.fit_data``: which labelled source documents choose C and class weighting and fit the
final model (xproj.run.train.FIT_DATA): the training split (today), refitted on train+dev, or
chosen by cross-validation over train+dev."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.metrics import f1_score

from xproj.config import load_config
from xproj.errors import ConfigError
from xproj.run import run_experiment
from xproj.run.train import CV_FOLDS, FIT_DATA, cv_folds, make_classifier, select_and_fit

from test_run import stage

SMALL = ["synthetic.n_words=1500", "synthetic.dim=30", "synthetic.n_train_docs=400", "synthetic.n_test_docs=200",
         "synthetic.noise=0.6", "evaluation.bootstrap=50", "model.C=[0.01, 1.0]", "model.class_weight=['balanced']"]


@pytest.fixture(scope="module")
def staged():
    cfg, corpus, _, spaces = stage(SMALL)
    return cfg, corpus, spaces["es"].space


def with_fit_data(cfg, value):
    return {**cfg, "model": {**cfg["model"], "fit_data": value}}


def both_splits(corpus):
    (Xtr, ytr), (Xdev, ydev) = corpus.get("en", "train"), corpus.get("en", "dev")
    return list(Xtr) + list(Xdev), np.concatenate([ytr, ydev])


def test_cv_folds_are_stratified_seeded_and_fewer_for_a_small_class():
    y = np.array([0] * 30 + [1] * 10)
    folds = cv_folds(y, seed=0)
    assert len(folds) == CV_FOLDS
    assert sorted(np.concatenate([test for _, test in folds])) == list(range(40))
    assert all(list(np.bincount(y[test])) == [6, 2] for _, test in folds)
    again, other = cv_folds(y, seed=0), cv_folds(y, seed=1)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again))
    assert not all(np.array_equal(a[1], b[1]) for a, b in zip(folds, other))
    assert len(cv_folds(np.array([0] * 10 + [1] * 3), seed=0)) == 3
    assert cv_folds(np.array([0] * 10 + [1]), seed=0) == []


def test_train_dev_chooses_on_dev_then_refits_on_both(staged):
    cfg, corpus, space = staged
    today = select_and_fit(cfg, space, corpus, "en")
    refit = select_and_fit(with_fit_data(cfg, "train+dev"), space, corpus, "en")
    assert refit.dev_scores == today.dev_scores and (refit.C, refit.class_weight) == (today.C, today.class_weight)
    X, y = both_splits(corpus)
    direct = make_classifier(cfg, space, "en", refit.C, refit.class_weight).fit(X, y)
    Xtest = corpus.get("en", "test")[0]
    np.testing.assert_array_equal(refit.model.predict_proba(Xtest), direct.predict_proba(Xtest))
    assert not np.array_equal(refit.model.predict_proba(Xtest), today.model.predict_proba(Xtest))


def test_cv_scores_each_grid_point_on_the_folds_and_fits_on_both(staged):
    cfg, corpus, space = staged
    cv_cfg = with_fit_data(cfg, "cv")
    fitted = select_and_fit(cv_cfg, space, corpus, "en")
    X, y = both_splits(corpus)
    assert set(fitted.dev_scores) == {"C=0.01,class_weight=balanced", "C=1.0,class_weight=balanced"}
    by_hand = np.mean([f1_score(y[test], make_classifier(cv_cfg, space, "en", 1.0, "balanced")
                                .fit([X[i] for i in train], y[train]).predict([X[i] for i in test], lang="en"),
                                average="macro") for train, test in cv_folds(y, cfg["seed"])])
    assert fitted.dev_scores["C=1.0,class_weight=balanced"] == pytest.approx(by_hand, abs=1e-12)
    direct = make_classifier(cfg, space, "en", fitted.C, fitted.class_weight).fit(X, y)
    Xtest = corpus.get("en", "test")[0]
    np.testing.assert_array_equal(fitted.model.predict_proba(Xtest), direct.predict_proba(Xtest))


def test_the_option_is_checked_before_any_work():
    assert FIT_DATA == ("train", "train+dev", "cv")
    assert load_config("synthetic")["model"]["fit_data"] == "train"
    with pytest.raises(ConfigError, match="model.fit_data = 'all' is not one of"):
        load_config("synthetic", ["model.fit_data=all"])
    with pytest.raises(ConfigError, match="calibrates on the dev split, which model.fit_data = 'cv' trains on"):
        load_config("synthetic", ["model.fit_data=cv", "model.calibration=sigmoid"])


def test_the_report_says_how_the_hyper_parameters_were_chosen(tmp_path):
    cfg = load_config("synthetic", SMALL + ["model.fit_data=cv", "output.plots=false",
                                            "evaluation.baselines=['majority']"])
    metrics = run_experiment(cfg, out_dir=tmp_path / "run", echo=lambda *a: None)
    assert metrics["results"]["es"]["xproj (aligned)"]["fit_data"] == "cv"
    report = (tmp_path / "run" / "report.md").read_text()
    assert ("chosen by 5-fold cross-validation over the source training and dev splits, fitted on its training and "
            "dev splits: C=") in report


@pytest.mark.parametrize("fit_data", ["train+dev", "cv"])
def test_a_model_fitted_on_train_and_dev_can_be_retrained(tmp_path, fit_data, capsys):
    """``xproj retrain`` rebuilds the source documents the model was fitted on: with
    ``model.fit_data`` other than train, the training and the dev split (not the training split
    alone, which it took for changed data)."""
    import csv

    from xproj.cli import main
    from xproj.datasets.synthetic import make_bilingual_world, make_documents
    from xproj.persistence import load_model

    out = tmp_path / "run"
    sets = [x for o in SMALL if not o.startswith("evaluation.") for x in ("--set", o)]
    assert main(["run", "synthetic", "--out", str(out), "--quiet", *sets, "--set", f"model.fit_data={fit_data}",
                 "--set", "output.plots=false", "--set", "evaluation.bootstrap=0",
                 "--set", 'evaluation.baselines=["majority"]']) == 0
    model = out / "model-es.joblib"
    world = make_bilingual_world(src_lang="en", tgt_lang="es", n_words=1500, dim=30, noise=0.6, seed=0)
    texts, y = make_documents(world, 60, side="tgt", seed=7)
    pool = tmp_path / "pool.csv"
    with open(pool, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("id", "text")] + [(f"r{i}", " ".join(t)) for i, t in enumerate(texts)])
    assert main(["label-queue", "--model", str(model), "--input", str(pool), "--lang", "es", "--n", "10",
                 "--out", str(tmp_path / "queue.csv")]) == 0
    names = ["negative", "positive"]
    with open(tmp_path / "queue.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["label"] = names[y[int(r["id"][1:])]]
    with open(tmp_path / "filled.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    capsys.readouterr()
    assert main(["retrain", "--model", str(model), "--labels", str(tmp_path / "filled.csv"),
                 "--out", str(tmp_path / "v1.joblib")]) == 0, capsys.readouterr().err
    parent, child = load_model(model)["model"], load_model(tmp_path / "v1.joblib")["model"]
    assert child.standardizer_.n_docs_["en"] == parent.standardizer_.n_docs_["en"]


def test_bbse_which_reads_the_dev_split_is_refused_when_the_model_trains_on_it():
    """BBSE estimates a target prior from the model's confusion matrix on the source dev split:
    on documents the model was fitted on it is the training confusion, not a held-out one."""
    for fit_data in ("train+dev", "cv"):
        with pytest.raises(ConfigError, match="features.priors = 'bbse'.*model.fit_data = " + re.escape(repr(fit_data))):
            load_config("synthetic", [f"model.fit_data={fit_data}", "features.priors=bbse"])
    load_config("synthetic", ["model.fit_data=train", "features.priors=bbse"])
    load_config("synthetic", ["model.fit_data=cv", "features.priors=em"])


def test_the_report_has_no_bbse_estimate_from_a_dev_split_the_model_trained_on(tmp_path):
    cfg = load_config("synthetic", SMALL + ["model.fit_data=train+dev", "output.plots=false",
                                            "evaluation.baselines=['majority']"])
    metrics = run_experiment(cfg, out_dir=tmp_path / "run", echo=lambda *a: None)
    priors = metrics["priors"]["es"]
    assert priors["bbse"] is None and priors["em"] is not None


def test_the_fitted_model_says_how_its_parameters_were_chosen(staged):
    from dataclasses import replace

    cfg, corpus, space = staged
    assert select_and_fit(cfg, space, corpus, "en").how == (
        "chosen on the source dev split, fitted on its training split")
    assert select_and_fit(with_fit_data(cfg, "train+dev"), space, corpus, "en").how == (
        "chosen on the source dev split, fitted on its training and dev splits")
    # a class with 3 documents in train+dev: 3 folds, and the report says 3
    (Xtr, ytr), (Xdev, ydev) = corpus.get("en", "train"), corpus.get("en", "dev")
    keep_tr = np.flatnonzero(ytr == 0).tolist() + np.flatnonzero(ytr == 1)[:2].tolist()
    keep_dev = np.flatnonzero(ydev == 0).tolist() + np.flatnonzero(ydev == 1)[:1].tolist()
    small = replace(corpus, splits={**corpus.splits,
                                    ("en", "train"): ([Xtr[i] for i in keep_tr], ytr[keep_tr]),
                                    ("en", "dev"): ([Xdev[i] for i in keep_dev], ydev[keep_dev])})
    assert select_and_fit(with_fit_data(cfg, "cv"), space, small, "en").how == (
        "chosen by 3-fold cross-validation over the source training and dev splits, "
        "fitted on its training and dev splits")
    # no dev split: cross-validation over the training split alone
    no_dev = replace(corpus, splits={k: v for k, v in corpus.splits.items() if k != ("en", "dev")})
    assert select_and_fit(with_fit_data(cfg, "cv"), space, no_dev, "en").how == (
        "chosen by 5-fold cross-validation over the source training split, fitted on its training split")
    assert select_and_fit(cfg, space, no_dev, "en").how == (
        "the first grid point (no dev split and no cross-validation folds), fitted on its training split")
    one = {**cfg, "model": {**cfg["model"], "C": [1.0]}}
    assert select_and_fit(one, space, corpus, "en").how.startswith("the first grid point (a grid of one point)")
