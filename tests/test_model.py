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


def test_bad_training_input(setup):
    _, _, aligned, _, (X, y), _ = setup
    with pytest.raises(ValueError, match="single class"):
        CrossLingualClassifier(aligned, source_lang="src").fit(X[:5], np.ones(5))
    with pytest.raises(ValueError, match="labels"):
        CrossLingualClassifier(aligned, source_lang="src").fit(X[:5], y[:4])
    with pytest.raises(ValueError, match="center"):
        CrossLingualClassifier(aligned, source_lang="src", center="median").fit(X, y)
