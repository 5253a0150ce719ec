"""The target-native student (``xproj.student``, ``model.student``): TF-IDF n-grams of the target
text learnt from the English model's probabilities of unlabelled target documents."""

import json

import joblib
import numpy as np
import pytest

from xproj.align import fit_mapping
from xproj.cli import main
from xproj.config import load_config
from xproj.datasets.synthetic import make_bilingual_world, make_documents
from xproj.errors import ConfigError
from xproj.features import AlignedSpace
from xproj.model import CrossLingualClassifier, load_model, save_model
from xproj.student import TfidfStudent, balanced_weights, teacher_targets


@pytest.fixture(scope="module")
def tiny():
    world = make_bilingual_world(n_words=600, dim=16, noise=0.8, seed=3)
    m = fit_mapping(world.src, world.tgt, world.train_pairs)
    space = AlignedSpace.from_mappings("tgt", world.tgt, {"src": (world.src, m)})
    X, y = make_documents(world, 300, side="src", seed=1)
    U, _ = make_documents(world, 400, side="tgt", seed=4)
    T, yT = make_documents(world, 200, side="tgt", seed=2)
    return world, m, space, (X, y), U, (T, yT)


def teacher(tiny, **params):
    world, _, space, (X, y), U, _ = tiny
    clf = CrossLingualClassifier(space, source_lang="src", translation_weight=0.5, **params).fit(X, y)
    return clf.adapt(U, "tgt").add_translations("tgt", world.train_pairs)


def test_soft_and_hard_targets_are_class_balanced():
    P = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.4, 0.6]])
    rows, cls, w = teacher_targets(P, "soft")
    assert rows.tolist() == [0, 0, 1, 1, 2, 2, 3, 3] and cls.tolist() == [0, 1] * 4
    # each class carries half of the total weight, whatever the teacher's balance
    np.testing.assert_allclose(np.bincount(cls, weights=w), [2.0, 2.0])
    np.testing.assert_allclose(w[cls == 0] / w[cls == 0].sum(), P[:, 0] / P[:, 0].sum())
    # hard: share 1 of 4 rows over 2 classes = the 2 most confident of each predicted class
    rows, cls, w = teacher_targets(P, "hard", share=1.0)
    assert rows.tolist() == [0, 1, 3] and cls.tolist() == [0, 0, 1]
    np.testing.assert_allclose(np.bincount(cls, weights=w), [1.5, 1.5])
    # unbalanced: the teacher's proportions (weights as given)
    rows, cls, w = teacher_targets(P, "soft", balance=False)
    np.testing.assert_array_equal(w, P.ravel())
    with pytest.raises(ValueError, match="one class"):
        teacher_targets(np.array([[0.9, 0.1], [0.8, 0.2]]), "hard", share=1.0)
    with pytest.raises(ValueError, match="unknown student labels"):
        teacher_targets(P, "fuzzy")
    assert balanced_weights([0, 0, 1], [1.0, 1.0, 1.0], 3).tolist() == [0.75, 0.75, 1.5]


def test_student_learns_target_words_and_is_deterministic(tiny):
    _, _, _, _, U, (T, yT) = tiny
    clf = teacher(tiny)
    P = clf.predict_proba(U, lang="tgt")
    a = TfidfStudent(seed=0).fit(U, P, clf.classes_)
    b = TfidfStudent(seed=0).fit(list(U), P.copy(), clf.classes_)
    np.testing.assert_array_equal(a.predict_proba(T), b.predict_proba(T))
    # it reads target words the teacher labelled: well above chance on held-out target documents
    assert np.mean(a.predict_proba(T).argmax(axis=1) == yT) > 0.75
    # n-gram ranges: words alone have no two-word features, and characters start at 2
    words, chars = a.vectorisers_
    assert any(" " in f for f in words.vocabulary_) and any(len(f) == 1 for f in chars.vocabulary_)
    c = TfidfStudent(seed=0, word_ngrams=(1, 1), char_ngrams=(2, 5)).fit(U, P, clf.classes_)
    words, chars = c.vectorisers_
    assert not any(" " in f for f in words.vocabulary_)
    assert min(map(len, chars.vocabulary_)) == 2 and max(map(len, chars.vocabulary_)) == 5


def test_a_c_grid_is_chosen_on_held_out_pool_documents(tiny):
    _, _, _, _, U, (T, _) = tiny
    clf = teacher(tiny)
    P = clf.predict_proba(U, lang="tgt")
    grid = TfidfStudent(C=(0.01, 1.0), seed=0, balance=False).fit(U, P, clf.classes_)
    assert len(grid.cv_losses_) == 2 and grid.C_ == (0.01, 1.0)[int(np.argmin(grid.cv_losses_))]
    # a near-constant student (C = 0.01) reproduces the teacher's held-out labels worse
    assert grid.cv_losses_[0] > grid.cv_losses_[1]
    single = TfidfStudent(C=grid.C_, seed=0, balance=False).fit(U, P, clf.classes_)
    assert single.cv_losses_ is None
    np.testing.assert_array_equal(grid.predict_proba(T), single.predict_proba(T))
    again = TfidfStudent(C=(0.01, 1.0), seed=0, balance=False).fit(U, P, clf.classes_)
    assert again.cv_losses_ == grid.cv_losses_


def test_a_row_gets_the_same_probabilities_in_any_batch(tiny):
    _, _, _, _, U, (T, _) = tiny
    clf = teacher(tiny).fit_student(U, "tgt", weight=0.5)
    whole = clf.predict_proba(T, lang="tgt")
    alone = np.vstack([clf.predict_proba([doc], lang="tgt") for doc in T[:25]])
    np.testing.assert_array_equal(whole[:25], alone)
    order = np.random.default_rng(0).permutation(len(T))
    np.testing.assert_array_equal(clf.predict_proba([T[i] for i in order], lang="tgt"), whole[order])
    student = clf.students_["tgt"].model
    np.testing.assert_array_equal(student.predict_proba(T[7:9]), student.predict_proba(T)[7:9])


def test_probabilities_are_the_teacher_student_mix(tiny):
    _, _, _, _, U, (T, _) = tiny
    clf = teacher(tiny)
    before = clf.predict_proba(T, lang="tgt")
    clf.fit_student(U, "tgt", weight=0.3, labels="hard", share=0.5)
    own = clf.students_["tgt"].model.predict_proba(T)
    P = clf.predict_proba(T, lang="tgt")
    np.testing.assert_array_equal(P, 0.7 * before + 0.3 * own)
    np.testing.assert_array_equal(clf.predict(T, lang="tgt"), clf.classes_[P.argmax(axis=1)])
    assert clf.student("tgt")["examples"] == 200 and "student tfidf 0.3 (hard labels of 200" in clf.adaptation("tgt")
    # weight 1: the student alone; the source language never has one
    clf.fit_student(U, "tgt", weight=1.0)
    np.testing.assert_array_equal(clf.predict_proba(T, lang="tgt"), clf.students_["tgt"].model.predict_proba(T))
    assert clf.student("src") is None
    # a second round relabels with the mix: another student
    two = teacher(tiny).fit_student(U, "tgt", weight=0.5, rounds=2)
    one = teacher(tiny).fit_student(U, "tgt", weight=0.5)
    assert not np.array_equal(two.predict_proba(T, lang="tgt"), one.predict_proba(T, lang="tgt"))
    # removed: today's probabilities again; a new fit drops them too
    clf.fit_student(U, "tgt", kind="none")
    np.testing.assert_array_equal(clf.predict_proba(T, lang="tgt"), before)
    clf.fit_student(U, "tgt")
    teacher_again = clf.fit(*tiny[3]).adapt(U, "tgt")
    assert teacher_again.student("tgt") is None


def test_the_aligned_view_is_read_per_row_and_saved(tiny, tmp_path):
    _, m, _, _, U, (T, _) = tiny
    clf = teacher(tiny).fit_student(U, "tgt", weight=1.0, view="text+aligned")
    student = clf.students_["tgt"]
    assert student.needs_dense and clf.student("tgt")["view"] == "text+aligned"
    tokens = clf.pipeline_[0].transform(T, lang="tgt")
    dense = clf.aligned_features(tokens, "tgt")
    # the aligned block is a unit-length copy of the English model's features, beside the TF-IDF blocks
    X = student.model.features(tokens, dense)
    n_text = sum(len(v.vocabulary_) for v in student.model.vectorisers_)
    assert X.shape[1] == n_text + dense.shape[1]
    np.testing.assert_allclose(np.linalg.norm(X[:, n_text:].toarray(), axis=1), 1.0)
    # it reads them: the text-only student gives other probabilities, and the dense rows are required
    text_only = teacher(tiny).fit_student(U, "tgt", weight=1.0)
    assert not np.allclose(clf.predict_proba(T, lang="tgt"), text_only.predict_proba(T, lang="tgt"))
    with pytest.raises(ValueError, match="dense view"):
        student.model.predict_proba(tokens)
    whole = clf.predict_proba(T, lang="tgt")
    alone = np.vstack([clf.predict_proba([doc], lang="tgt") for doc in T[:20]])
    np.testing.assert_allclose(alone, whole[:20], rtol=0, atol=1e-12)
    save_model(clf, tmp_path / "m.joblib", mapping=m)
    np.testing.assert_array_equal(load_model(tmp_path / "m.joblib")["model"].predict_proba(T, lang="tgt"), whole)


def test_the_em_prior_reweights_the_pseudo_labels_only(tiny):
    from xproj.shift import estimate_priors_em

    _, _, _, _, U, (T, _) = tiny
    base = teacher(tiny)
    P_teacher = base.predict_proba(U, lang="tgt")
    # a pool of one class mostly: EM sees it, and the student learns the re-weighted labels
    skewed = [doc for doc, p in zip(U, P_teacher) if p[1] > 0.3]
    expected, _ = estimate_priors_em(base.predict_proba(skewed, lang="tgt"), base.source_priors_)
    em = teacher(tiny).fit_student(skewed, "tgt", weight=0.5, prior="em")
    assert em.student("tgt")["prior"] == pytest.approx(expected.tolist())
    assert expected[1] > 0.6 and "prior" in em.adaptation("tgt")
    plain = teacher(tiny).fit_student(skewed, "tgt", weight=0.5)
    assert plain.student("tgt")["prior"] is None
    # EM puts more weight on the class it finds more often than the teacher's prior says
    share = [m.predict_proba(T, lang="tgt")[:, 1].mean() for m in (plain, em)]
    assert share[1] > share[0]
    # the mix keeps the teacher's own probabilities: only the student changed
    own = em.students_["tgt"].model.predict_proba(T)
    np.testing.assert_allclose(em.predict_proba(T, lang="tgt"), 0.5 * base.predict_proba(T, lang="tgt") + 0.5 * own)


def test_bad_student_options_are_refused(tiny):
    _, _, _, _, U, _ = tiny
    clf = teacher(tiny)
    with pytest.raises(ValueError, match="unknown student"):
        clf.fit_student(U, "tgt", kind="bert")
    with pytest.raises(ValueError, match="weight"):
        clf.fit_student(U, "tgt", weight=1.5)
    with pytest.raises(ValueError, match="rounds"):
        clf.fit_student(U, "tgt", rounds=0)
    with pytest.raises(ValueError, match="training language"):
        clf.fit_student(U, "src")
    with pytest.raises(ValueError, match="unknown student view"):
        clf.fit_student(U, "tgt", view="images")
    with pytest.raises(ValueError, match="unknown student prior"):
        clf.fit_student(U, "tgt", prior="uniform")
    for bad, key in [("model.student=bert", "model.student"), ("model.student_weight=1.2", "model.student_weight"),
                     ("model.student_share=0", "model.student_share"), ("model.student_C=0", "model.student_C"),
                     ("model.student_rounds=0", "model.student_rounds"),
                     ("model.student_balance=2", "model.student_balance"),
                     ("model.student_labels=fuzzy", "model.student_labels")]:
        with pytest.raises(ConfigError, match=key):
            load_config("synthetic", [bad])
    with pytest.raises(ConfigError, match="learns from probabilities"):
        load_config("synthetic", ["model.student=tfidf", "model.estimator=linear_svm"])
    load_config("synthetic", ["model.student=tfidf", "model.estimator=linear_svm", "model.calibration=sigmoid"])
    assert main(["run", "synthetic", "--set", "model.student_weight=-0.1"]) == 2


def test_saved_model_keeps_its_student_and_old_files_load_without_one(tiny, tmp_path):
    _, m, _, _, U, (T, _) = tiny
    clf = teacher(tiny).fit_student(U, "tgt", weight=0.5)
    save_model(clf, tmp_path / "m.joblib", mapping=m)
    again = load_model(tmp_path / "m.joblib")["model"]
    np.testing.assert_array_equal(again.predict_proba(T, lang="tgt"), clf.predict_proba(T, lang="tgt"))
    assert again.student("tgt") == clf.student("tgt") and again.student("tgt")["pool"] == len(U)
    meta = json.loads((tmp_path / "m.joblib.json").read_text())
    assert meta["student"] == {"tgt": clf.student("tgt")}
    # a model saved before the student
    old = teacher(tiny)
    expected = old.predict_proba(T, lang="tgt")
    del old.students_
    joblib.dump({"model": old, "mapping": m}, tmp_path / "old.joblib")
    loaded = load_model(tmp_path / "old.joblib")["model"]
    assert loaded.student("tgt") is None
    np.testing.assert_array_equal(loaded.predict_proba(T, lang="tgt"), expected)


FAST = ["synthetic.n_words=300", "synthetic.dim=10", "synthetic.n_train_docs=200", "synthetic.n_test_docs=60",
        "evaluation.bootstrap=0", "model.C=[1.0]", "model.class_weight=['balanced']",
        "evaluation.baselines=['word-by-word']", "output.plots=false"]


def test_a_run_fits_saves_and_records_the_student(tmp_path):
    from xproj.run import run_experiment

    cfg = load_config("synthetic", FAST + ["model.student=tfidf", "model.student_weight=0.5",
                                           "features.adapt=train"])
    metrics = run_experiment(cfg, out_dir=tmp_path / "run", echo=lambda *a: None)
    (tgt, rows), = metrics["results"].items()
    student = rows["xproj (aligned)"]["student"]
    assert student["kind"] == "tfidf" and student["weight"] == 0.5 and student["pool"] > 0
    assert "student tfidf 0.5" in metrics["adaptation"][tgt]
    saved = load_model(tmp_path / "run" / f"model-{tgt}.joblib")["model"]
    assert saved.student(tgt) == student
    off = run_experiment(load_config("synthetic", FAST + ["features.adapt=train"]), out_dir=tmp_path / "off",
                         echo=lambda *a: None)
    assert next(iter(off["results"].values()))["xproj (aligned)"]["student"] is None


def test_a_student_never_learns_from_the_test_texts(tmp_path):
    from xproj.run import run_experiment

    cfg = load_config("synthetic", FAST + ["model.student=tfidf", "features.adapt=test"])
    with pytest.raises(ConfigError, match="only ones are the test texts"):
        run_experiment(cfg, out_dir=tmp_path / "run", echo=lambda *a: None)


def test_presets_carry_the_student_chosen_on_dev():
    multi = load_config("opener-en-multi")["model"]
    assert (multi["student"], multi["student_labels"], multi["student_balance"], multi["student_weight"]) == (
        "tfidf", "soft", False, 0.75)
    for lang in ("es", "zh", "de", "fr", "ja"):  # each row of the multi run scores as its language's preset
        one = load_config(f"opener-en-{lang}")["model"]
        assert {k: v for k, v in one.items() if k.startswith("student")} == {
            k: v for k, v in multi.items() if k.startswith("student")}
    assert load_config("opener-en-es-plain")["model"]["student"] == "none"
    assert load_config("synthetic")["model"]["student"] == "none"


def test_xproj_predict_uses_the_saved_student_row_by_row(tmp_path):
    """A saved run model with a student: ``xproj predict`` gives a review the same label and
    probabilities alone, among other reviews, in any order and chunk size."""
    import csv
    import random

    out = tmp_path / "run"
    small = [a for o in FAST + ["model.student=tfidf", "features.adapt=train", "synthetic.n_words=1500",
                                "synthetic.dim=20", "synthetic.n_train_docs=400", "synthetic.n_test_docs=200"]
             for a in ("--set", o)]
    assert main(["run", "synthetic", "--out", str(out), "--quiet", *small]) == 0
    model = out / "model-es.joblib"
    assert load_model(model)["model"].student("es")["weight"] == 0.75
    world = make_bilingual_world(n_words=1500, dim=20, noise=0.6, seed=0, src_lang="en", tgt_lang="es")

    def rows(prefix, n, seed, **kw):
        texts, _ = make_documents(world, n, side="tgt", seed=seed, **kw)
        return [(f"{prefix}{i}", " ".join(t)) for i, t in enumerate(texts)]

    def predict(rows_, name, *extra):
        with open(tmp_path / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([("id", "text"), *rows_])
        assert main(["predict", "--model", str(model), "--input", str(tmp_path / f"{name}.csv"), "--lang", "es",
                     "--output", str(tmp_path / f"{name}-out.csv"), "--quiet", *extra]) == 0
        with open(tmp_path / f"{name}-out.csv", newline="", encoding="utf-8") as f:
            return {r["id"]: (r["label"], r["p_negative"], r["p_positive"]) for r in csv.DictReader(f)}

    mine = rows("a", 60, 1)
    mixed = mine + rows("b", 150, 2, positive_rate=0.95)
    random.Random(0).shuffle(mixed)
    alone = predict(mine, "alone")
    among = predict(mixed, "mixed", "--chunk-size", "7")
    assert alone == {k: among[k] for k in alone} == predict(mine[::-1], "reversed", "--chunk-size", "5")
    assert {v[0] for v in alone.values()} == {"negative", "positive"}


def test_labelled_documents_are_learnt_with_their_gold_labels(tiny):
    """Few-shot: the k labelled target documents join the student's pool with their gold
    labels (one-hot targets), not the teacher's guess of them."""
    _, _, _, _, U, (T, yT) = tiny
    L, yL = T[:40], 1 - yT[:40]  # labels the teacher would not give: the student must read them
    clf = teacher(tiny)
    P = clf.predict_proba(U, lang="tgt")
    clf.fit_student(U, "tgt", weight=1.0, labelled=(L, yL))
    gold = np.eye(2)[yL]
    direct = TfidfStudent(seed=0, balance=True).fit(list(U) + list(L), np.vstack([P, gold]), clf.classes_)
    np.testing.assert_allclose(clf.students_["tgt"].model.predict_proba(T), direct.predict_proba(T))
    assert clf.student("tgt")["pool"] == len(U) + len(L)
    # the flipped labels are learnt: the student follows them on those documents, unlike without
    without = teacher(tiny).fit_student(U, "tgt", weight=1.0)
    agree = lambda m: np.mean(m.predict(L, lang="tgt") == yL)  # noqa: E731
    assert agree(clf) > agree(without) + 0.3
    # further rounds relabel the unlabelled documents only: the gold rows stay
    two = teacher(tiny).fit_student(U, "tgt", weight=0.5, rounds=2, labelled=(L, yL))
    assert two.student("tgt")["pool"] == len(U) + len(L)


@pytest.mark.parametrize("bad, got", [(-1.0, "-1.0 at position 7"), (0.0, "0.0 at position 7"),
                                      (np.nan, "nan at position 7"), (np.inf, "inf at position 7")])
def test_the_classifier_and_the_student_check_weights_alike(tiny, bad, got):
    """One check, one message for the classifier's ``sample_weight`` and the student's
    ``doc_weight``: the first weight that is not positive and finite, and where it is (it used to
    say "got shape (n,)", the right shape, whatever was wrong)."""
    world, _, space, (X, y), U, (T, yT) = tiny
    weights = np.ones(len(X) + 20)
    weights[7] = bad
    with pytest.raises(ValueError) as info:
        CrossLingualClassifier(space, source_lang="src").fit(X, y, extra=[(T[:20], yT[:20], "tgt")],
                                                               sample_weight=weights)
    assert str(info.value) == f"sample_weight: need {len(X) + 20} positive finite weights (X, then extra), got {got}"
    docs = [["muy", "bueno"], ["malo"], ["bueno", "hotel"], ["hotel", "malo"]] * 3
    proba = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.9, 0.1]] * 3)
    with pytest.raises(ValueError) as info:
        TfidfStudent(min_df=1).fit(docs, proba, np.array([0, 1]), doc_weight=weights[:12])
    assert str(info.value) == f"doc_weight: need 12 positive finite weights, got {got}"
    with pytest.raises(ValueError, match=r"^doc_weight: need 12 positive finite weights, got shape \(11,\)$"):
        TfidfStudent(min_df=1).fit(docs, proba, np.array([0, 1]), doc_weight=weights[:11])
