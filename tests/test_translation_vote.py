"""The translation vote: a target document's probabilities mixed with those of its word-by-word
translation through the seed dictionary (``translation_weight``, ``add_translations``)."""

import json

import joblib
import numpy as np
import pytest
from sklearn.svm import LinearSVC

from xproj.align import fit_mapping
from xproj.cli import main
from xproj.config import load_config
from xproj.datasets.synthetic import make_bilingual_world, make_documents
from xproj.errors import ConfigError
from xproj.features import AlignedSpace
from xproj.model import CrossLingualClassifier, _routed, load_model, save_model
from xproj.translation_vote import Translations, first_translations, translate


@pytest.fixture(scope="module")
def tiny():
    world = make_bilingual_world(n_words=600, dim=16, noise=0.6, seed=3)
    m = fit_mapping(world.src, world.tgt, world.train_pairs)
    space = AlignedSpace.from_mappings("tgt", world.tgt, {"src": (world.src, m)})
    X, y = make_documents(world, 300, side="src", seed=1)
    U, _ = make_documents(world, 150, side="tgt", seed=4)
    T, yT = make_documents(world, 120, side="tgt", seed=2)
    return world, m, space, (X, y), U, (T, yT)


def fitted(tiny, weight, **params):
    world, _, space, (X, y), U, _ = tiny
    clf = CrossLingualClassifier(space, source_lang="src", translation_weight=weight, **params).fit(X, y)
    return clf.adapt(U, "tgt").add_translations("tgt", world.train_pairs)


def test_first_translation_of_each_word_is_kept():
    assert first_translations([("good", "bueno"), ("fine", "bueno"), ("bad", "malo")]) == {"bueno": "good",
                                                                                           "malo": "bad"}
    assert translate([["muy", "bueno"]], {"bueno": "good"}) == [["muy", "good"]]
    # a negation-marked token keeps its mark on the translation; the prefix is the model's option
    assert translate([["NEG_bueno", "NEG_xyz"]], {"bueno": "good"}) == [["NEG_good", "NEG_xyz"]]
    assert translate([["no_bueno"]], {"bueno": "good"}, "no_") == [["no_good"]]
    assert translate([["NEG_bueno"]], {"bueno": "good"}, None) == [["NEG_bueno"]]
    with pytest.raises(ValueError, match="no translation pairs"):
        Translations.from_pairs([])


def test_probabilities_are_the_hand_computed_mix(tiny):
    world, _, _, _, _, (T, _) = tiny
    clf = fitted(tiny, 0.3)
    own = _routed("predict_proba")(clf.pipeline_, T, lang="tgt")
    translated = translate(T, first_translations(world.train_pairs))
    other = _routed("predict_proba")(clf.pipeline_, translated, lang="src")
    P = clf.predict_proba(T, lang="tgt")
    np.testing.assert_array_equal(P, 0.7 * own + 0.3 * other)
    assert not np.array_equal(P, own)
    np.testing.assert_array_equal(clf.predict(T, lang="tgt"), clf.classes_[P.argmax(axis=1)])
    np.testing.assert_allclose(clf.decision_function(T, lang="tgt"), np.log(P[:, 1] / P[:, 0]), rtol=1e-5, atol=1e-6)
    # the source language has no translations: unchanged
    np.testing.assert_array_equal(clf.predict_proba(T, lang="src"), _routed("predict_proba")(clf.pipeline_, T, lang="src"))


def test_weight_zero_gives_todays_probabilities(tiny):
    _, _, space, (X, y), U, (T, _) = tiny
    today = CrossLingualClassifier(space, source_lang="src").fit(X, y).adapt(U, "tgt")
    off = fitted(tiny, 0.0)
    np.testing.assert_array_equal(off.predict_proba(T, lang="tgt"), today.predict_proba(T, lang="tgt"))
    np.testing.assert_array_equal(off.decision_function(T, lang="tgt"), today.decision_function(T, lang="tgt"))
    assert "translation vote off" in off.adaptation("tgt")


def test_an_estimator_without_probabilities_mixes_its_scores(tiny):
    world, _, _, _, _, (T, _) = tiny
    svm = fitted(tiny, 0.5, estimator=LinearSVC())
    own = _routed("decision_function")(svm.pipeline_, T, lang="tgt")
    other = _routed("decision_function")(svm.pipeline_, translate(T, first_translations(world.train_pairs)),
                                         lang="src")
    scores = svm.decision_function(T, lang="tgt")
    np.testing.assert_array_equal(scores, 0.5 * own + 0.5 * other)
    np.testing.assert_array_equal(svm.predict(T, lang="tgt"), svm.classes_[(scores > 0).astype(int)])


def test_bad_weight_and_language_are_refused(tiny):
    world, _, space, (X, y), _, _ = tiny
    with pytest.raises(ValueError, match="translation_weight"):
        CrossLingualClassifier(space, source_lang="src", translation_weight=1.5).fit(X, y)
    with pytest.raises(ValueError, match="training language"):
        fitted(tiny, 0.5).add_translations("src", world.train_pairs)
    with pytest.raises(ConfigError, match="model.translation_weight"):
        load_config("synthetic", ["model.translation_weight=1.2"])
    assert main(["run", "synthetic", "--set", "model.translation_weight=-0.1"]) == 2


def test_saved_model_keeps_translations_and_old_files_load_with_the_vote_off(tiny, tmp_path):
    _, m, _, _, _, (T, _) = tiny
    clf = fitted(tiny, 0.5)
    save_model(clf, tmp_path / "m.joblib", mapping=m)
    again = load_model(tmp_path / "m.joblib")["model"]
    assert again.translation_vote("tgt") == clf.translation_vote("tgt") == {
        "weight": 0.5, "words": len(clf.translations_["tgt"].table), "origin": "seed dictionary"}
    assert "translation vote 0.5" in again.adaptation("tgt")
    meta = json.loads((tmp_path / "m.joblib.json").read_text())
    assert meta["translation_vote"] == {"tgt": clf.translation_vote("tgt")}
    np.testing.assert_array_equal(again.predict_proba(T, lang="tgt"), clf.predict_proba(T, lang="tgt"))
    # a model saved before the vote: neither the parameter nor the attribute
    old = fitted(tiny, 0.0)
    expected = old.predict_proba(T, lang="tgt")
    del old.translation_weight, old.translations_
    joblib.dump({"model": old, "mapping": m}, tmp_path / "old.joblib")
    loaded = load_model(tmp_path / "old.joblib")["model"]
    assert loaded.get_params()["translation_weight"] == 0.0 and loaded.translation_vote("tgt") is None
    np.testing.assert_array_equal(loaded.predict_proba(T, lang="tgt"), expected)


def test_prior_is_estimated_on_the_mixed_probabilities(tiny):
    from xproj.shift import adjust_posteriors, estimate_priors_em

    _, _, _, _, U, (T, _) = tiny
    clf = fitted(tiny, 0.5)
    mixed_U, mixed_T = clf.predict_proba(U, lang="tgt"), clf.predict_proba(T, lang="tgt")
    estimate, _ = estimate_priors_em(mixed_U, clf.source_priors_)
    clf.adapt_priors(U, "tgt")
    np.testing.assert_array_equal(clf.target_priors_["tgt"].priors, estimate)
    np.testing.assert_array_equal(clf.predict_proba(T, lang="tgt"),
                                  adjust_posteriors(mixed_T, clf.source_priors_, estimate))
    clf.add_translations("tgt", [("a", "b")])  # new translations: the old prior no longer fits
    assert "tgt" not in clf.target_priors_


def test_a_run_with_the_vote_records_it(tmp_path):
    from xproj.run import run_experiment

    fast = ["synthetic.n_words=300", "synthetic.dim=10", "synthetic.n_train_docs=100", "synthetic.n_test_docs=40",
            "evaluation.bootstrap=0", "model.C=[1.0]", "model.class_weight=['none']",
            "evaluation.baselines=['word-by-word']", "output.save_model=false", "output.plots=false"]
    metrics = run_experiment(load_config("synthetic", fast + ["model.translation_weight=0.25"]),
                             out_dir=tmp_path / "run", echo=lambda *a: None)
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())
    (tgt, rows), = saved["results"].items()
    vote = rows["xproj (aligned)"]["translation_vote"]
    assert vote["weight"] == 0.25 and vote["words"] > 0 and vote["origin"] == "seed dictionary"
    assert "translation vote 0.25" in metrics["adaptation"][tgt]
    assert "word-by-word translation" in rows
    report = (tmp_path / "run" / "report.md").read_text()
    assert "Translation vote: weight 0.25" in report and "0.75 x aligned + 0.25 x word-by-word" in report
    off = run_experiment(load_config("synthetic", fast + ["model.translation_weight=0"]),
                         out_dir=tmp_path / "off", echo=lambda *a: None)
    assert next(iter(off["results"].values()))["xproj (aligned)"]["translation_vote"] is None
    assert "Translation vote: off" in (tmp_path / "off" / "report.md").read_text()
