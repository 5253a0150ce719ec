import numpy as np
import pytest
from sklearn.svm import LinearSVC

from xproj.align import fit_mapping
from xproj.datasets.synthetic import make_bilingual_world, make_documents
from xproj.errors import InputFormatError, ResourceNotFoundError
from xproj.features import AlignedSpace
from xproj.model import CrossLingualClassifier, load_model, save_model
from xproj.vectors import normalize


@pytest.fixture(scope="module")
def setup():
    world = make_bilingual_world(n_words=3000, dim=40, noise=0.5, seed=11)
    m = fit_mapping(world.src, world.tgt, world.train_pairs)
    aligned = AlignedSpace.from_mappings("tgt", world.tgt, {"src": (world.src, m)})
    unaligned = AlignedSpace({"src": normalize(world.src), "tgt": normalize(world.tgt)})
    X, y = make_documents(world, 1500, side="src", seed=1)
    Xt, yt = make_documents(world, 800, side="tgt", seed=2)
    return world, m, aligned, unaligned, (X, y), (Xt, yt)


def test_transfer_needs_alignment(setup):
    _, _, aligned, unaligned, (X, y), (Xt, yt) = setup
    acc = CrossLingualClassifier(aligned, source_lang="src").fit(X, y).score(Xt, yt, lang="tgt")
    chance = CrossLingualClassifier(unaligned, source_lang="src").fit(X, y).score(Xt, yt, lang="tgt")
    assert acc >= 0.85
    assert abs(chance - 0.5) < 0.1


def test_long_target_documents_keep_both_classes(setup):
    """Target documents 5x longer than the training ones: per-language scaling keeps the
    predictions from collapsing to one class."""
    world, _, aligned, _, (X, y), _ = setup
    Xl, yl = make_documents(world, 600, side="tgt", length=(100, 150), positive_rate=0.5, seed=5)
    clf = CrossLingualClassifier(aligned, source_lang="src", scale="language").fit(X, y)
    pred = clf.predict(Xl, lang="tgt")
    assert 0.3 < pred.mean() < 0.7 and clf.score(Xl, yl, lang="tgt") > 0.85


def test_probabilities_svm_and_few_shot(setup):
    _, _, aligned, _, (X, y), (Xt, yt) = setup
    clf = CrossLingualClassifier(aligned, source_lang="src").fit(X, y)
    P = clf.predict_proba(Xt[:10], lang="tgt")
    assert P.shape == (10, 2) and np.allclose(P.sum(axis=1), 1)
    svm = CrossLingualClassifier(aligned, source_lang="src", estimator=LinearSVC()).fit(X, y)
    with pytest.raises(AttributeError, match="predict_proba"):
        svm.predict_proba(Xt[:3], lang="tgt")
    assert svm.decision_function(Xt[:3], lang="tgt").shape == (3,)
    few = CrossLingualClassifier(aligned, source_lang="src").fit(
        X, y, extra=[(Xt[:20], yt[:20], "tgt")])
    assert few.score(Xt[20:], yt[20:], lang="tgt") > 0.8
    assert few.adaptation("tgt") == "tgt: own statistics from 20 labelled training documents"


def test_a_calibrated_svm_gives_probabilities_everywhere(setup, tmp_path):
    """One test of "has probabilities" for the model, the scorer of ``xproj predict`` and the
    report: an SVM has none until it is calibrated."""
    from xproj.report_calibration import target_diagnostics
    from xproj.scoring import Scorer

    _, _, aligned, _, (X, y), (Xt, yt) = setup
    space = AlignedSpace({"en": aligned["src"], "es": aligned["tgt"]})  # codes with preprocessors
    svm = CrossLingualClassifier(space, source_lang="en", estimator=LinearSVC()).fit(X[:1000], y[:1000])
    assert not svm.has_proba and not Scorer({"model": svm}, "es").has_proba
    assert target_diagnostics(svm, "es", Xt[:50], yt[:50], svm.predict(Xt[:50], "es"), 2) == {}
    svm.calibrate(X[1000:], y[1000:])
    P = svm.predict_proba(Xt[:10], lang="es")
    assert svm.has_proba and Scorer({"model": svm}, "es").has_proba
    assert P.shape == (10, 2) and np.allclose(P.sum(axis=1), 1)
    assert "calibration" in target_diagnostics(svm, "es", Xt[:50], yt[:50], svm.predict(Xt[:50], "es"), 2)


def test_raw_texts_are_tokenised(setup):
    _, _, aligned, _, (X, y), (Xt, yt) = setup
    # Strings are tokenised with the language's preprocessor (so codes must be real ones).
    space = AlignedSpace({"en": aligned["src"], "es": aligned["tgt"]})
    clf = CrossLingualClassifier(space, source_lang="en").fit([" ".join(d) for d in X], y)
    assert clf.score([" ".join(d) for d in Xt], yt, lang="es") >= 0.85


def test_persistence(setup, tmp_path):
    _, m, aligned, _, (X, y), (Xt, yt) = setup
    clf = CrossLingualClassifier(aligned, source_lang="src").fit(X, y)
    save_model(clf, tmp_path / "m.joblib", mapping=m, config={"seed": 1}, label_names=["neg", "pos"])
    bundle = load_model(tmp_path / "m.joblib")
    assert bundle["label_names"] == ["neg", "pos"] and bundle["config"] == {"seed": 1}
    np.testing.assert_array_equal(bundle["model"].predict(Xt, lang="tgt"), clf.predict(Xt, lang="tgt"))
    assert (tmp_path / "m.joblib.json").exists()
    (tmp_path / "bad.joblib").write_bytes(b"nonsense")
    with pytest.raises(InputFormatError, match="bad.joblib"):
        load_model(tmp_path / "bad.joblib")
    with pytest.raises(ResourceNotFoundError):
        load_model(tmp_path / "none.joblib")


def test_a_failed_save_leaves_the_old_model_and_sidecar(setup, tmp_path, monkeypatch):
    _, m, aligned, _, (X, y), _ = setup
    clf = CrossLingualClassifier(aligned, source_lang="src").fit(X, y)
    path = tmp_path / "m.joblib"
    save_model(clf, path, mapping=m, config={"seed": 1}, label_names=["neg", "pos"])
    before = path.read_bytes(), (tmp_path / "m.joblib.json").read_bytes()

    import joblib

    import xproj.persistence

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    for target, name in ((xproj.persistence, "package_versions"), (joblib, "dump")):  # the sidecar, the model
        with monkeypatch.context() as mp:
            mp.setattr(target, name, broken)
            with pytest.raises(OSError, match="No space"):
                save_model(clf, path, mapping=m, config={"seed": 2}, label_names=["neg", "pos"])
        # neither file replaced, no temporary left behind
        assert (path.read_bytes(), (tmp_path / "m.joblib.json").read_bytes()) == before, name
        assert sorted(p.name for p in tmp_path.iterdir()) == ["m.joblib", "m.joblib.json"]


def test_bad_training_input(setup):
    _, _, aligned, _, (X, y), _ = setup
    with pytest.raises(ValueError, match="single class"):
        CrossLingualClassifier(aligned, source_lang="src").fit(X[:5], np.ones(5))
    with pytest.raises(ValueError, match="labels"):
        CrossLingualClassifier(aligned, source_lang="src").fit(X[:5], y[:4])
    with pytest.raises(ValueError, match="center"):
        CrossLingualClassifier(aligned, source_lang="src", center="median").fit(X, y)
    clf = CrossLingualClassifier(aligned, source_lang="src").fit(X, y)
    with pytest.raises(ValueError, match="training language"):
        clf.adapt(X[:50], "src")


def test_pipeline_steps_are_named_and_swappable(setup):
    _, _, aligned, _, (X, y), (Xt, yt) = setup
    clf = CrossLingualClassifier(aligned, source_lang="src", remove_pc=1,
                                 estimator=LinearSVC(C=0.5)).fit(X, y)
    assert list(clf.pipeline_.named_steps) == ["tokenize", "embed", "standardize", "remove_pc", "classify"]
    assert type(clf.estimator_).__name__ == "RowwiseLinearSVC" and clf.estimator_.C == 0.5
    assert "LanguageStandardizer" in repr(clf.pipeline_)
    svm = CrossLingualClassifier(aligned, source_lang="src", estimator=LinearSVC(C=0.5)).fit(X, y)
    assert svm.score(Xt, yt, lang="tgt") > 0.8


@pytest.fixture(scope="module")
def shifted(setup):
    """A target language whose document vectors sit off the source's centre (a domain or
    length shift): long target documents."""
    world = setup[0]
    U, _ = make_documents(world, 600, side="tgt", length=(60, 90), positive_rate=0.5, seed=21)
    T, yT = make_documents(world, 400, side="tgt", length=(60, 90), positive_rate=0.5, seed=22)
    return U, (T, yT)


def test_adaptation_is_explicit_saved_and_reported(setup, shifted, tmp_path):
    _, m, aligned, _, (X, y), _ = setup
    U, (T, yT) = shifted
    clf = CrossLingualClassifier(aligned, source_lang="src").fit(X, y)
    assert clf.adaptation("tgt") == "tgt: no statistics of its own; uses those of src (1,500 documents)"
    before = clf.predict_proba(T, lang="tgt")
    clf.adapt(U, "tgt")
    assert clf.adaptation("tgt") == "tgt: own statistics from 600 unlabelled documents"
    after = clf.predict_proba(T, lang="tgt")
    assert not np.array_equal(before, after)
    assert clf.score(T, yT, lang="tgt") > 0.85
    save_model(clf, tmp_path / "m.joblib", mapping=m)
    again = load_model(tmp_path / "m.joblib")["model"]
    assert again.adaptation("tgt") == clf.adaptation("tgt")
    np.testing.assert_array_equal(again.predict_proba(T, lang="tgt"), after)
    # the same through fit(unlabelled=...)
    fitted = CrossLingualClassifier(aligned, source_lang="src").fit(X, y, unlabelled={"tgt": U})
    np.testing.assert_array_equal(fitted.predict_proba(T, lang="tgt"), after)


@pytest.mark.parametrize("params", [{}, {"pooling": "tfidf", "remove_pc": 2},
                                    {"pooling": "sif", "center": "source", "scale": "source"},
                                    {"translation_weight": 0.5}, {"pooling": "tfidf", "translation_weight": 0.25}])
def test_a_row_scores_the_same_in_any_batch(setup, shifted, params):
    """Label and probability of a document are a function of the document and the model:
    identical to the last bit whatever the order, chunk size and neighbouring rows (with the
    word-by-word translation's vote too)."""
    world, _, aligned, _, (X, y), (Xt, _) = setup
    U, (T, _) = shifted
    clf = CrossLingualClassifier(aligned, source_lang="src", **params).fit(X, y).adapt(U, "tgt")
    clf.add_translations("tgt", world.train_pairs)
    assert_rows_independent(clf, list(T) + list(Xt))


def assert_rows_independent(clf, docs):
    """The same probabilities and labels whole, in chunks of 7, shuffled and one by one."""
    whole = clf.predict_proba(docs, lang="tgt")
    chunked = np.vstack([clf.predict_proba(docs[i:i + 7], lang="tgt") for i in range(0, len(docs), 7)])
    np.testing.assert_array_equal(whole, chunked)
    order = np.random.default_rng(0).permutation(len(docs))
    shuffled = clf.predict_proba([docs[i] for i in order], lang="tgt")
    np.testing.assert_array_equal(whole[order], shuffled)
    alone = np.vstack([clf.predict_proba([d], lang="tgt") for d in docs[:40]])
    np.testing.assert_array_equal(whole[:40], alone)
    np.testing.assert_array_equal(clf.predict(docs[:40], lang="tgt"), whole[:40].argmax(axis=1))


def test_old_models_are_refused_with_a_clear_message(setup, tmp_path):
    import joblib

    joblib.dump({"model": object(), "mapping": None}, tmp_path / "old.joblib")
    with pytest.raises(InputFormatError, match="older xproj"):
        load_model(tmp_path / "old.joblib")


@pytest.mark.parametrize("calibration", ["sigmoid", "isotonic"])
@pytest.mark.parametrize("weight", [0.0, 0.5])
def test_calibrated_and_prior_adjusted_rows_score_the_same_in_any_batch(setup, shifted, calibration, weight):
    """Calibration maps each row's scores on their own and the target prior is stored in the
    model: rows stay identical to the last bit whatever the batch."""
    world, _, aligned, _, (X, y), (Xt, _) = setup
    U, (T, _) = shifted
    clf = CrossLingualClassifier(aligned, source_lang="src", translation_weight=weight).fit(X[:1000], y[:1000])
    clf.adapt(U, "tgt").add_translations("tgt", world.train_pairs)
    clf.calibrate(X[1000:], y[1000:], method=calibration).adapt_priors(U[:300], "tgt")
    assert_rows_independent(clf, list(T) + list(Xt))
