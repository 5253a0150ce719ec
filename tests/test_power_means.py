"""``features.power_means``: the mean, maximum and minimum of a document's word vectors
concatenated (xproj.features.POWER_MEANS, xproj._pooling.segment_extremes), and the run option."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from xproj import _pooling
from xproj.config import load_config
from xproj.errors import ConfigError
from xproj.features import POWER_MEANS, AlignedSpace, DocumentEmbedder
from xproj.model import CrossLingualClassifier
from xproj.vectors import WordVectors

WORDS = ["good", "bad", "room", "staff", "clean", "noisy"]
ALL = ("mean", "max", "min")
DOCS = [["good", "room"], ["NEG_good", "room"], ["NEG_good"], [], ["zzz"], ["clean", "NEG_noisy", "NEG_staff", "good"],
        ["bad", "bad", "noisy", "zzz", "staff"]]


@pytest.fixture(scope="module")
def space():
    rng = np.random.default_rng(0)
    return WordVectors(WORDS, rng.standard_normal((len(WORDS), 5)).astype(np.float32), lang="en")


def embed(space, docs, power_means, **kw):
    return DocumentEmbedder(space, lang="en", power_means=power_means, **kw).fit(docs).transform(docs)


def naive(space, doc, statistic, negation="ignore"):
    """One document's statistic, word by word (the reference for the batched reduction)."""
    rows = [(space.vectors[WORDS.index(t.removeprefix("NEG_"))], t.startswith("NEG_"))
            for t in doc if t.removeprefix("NEG_") in WORDS]
    if negation == "flip":
        rows = [(-v if neg else v, neg) for v, neg in rows]
    if negation == "block":
        return np.hstack([naive_of([v for v, neg in rows if neg == m], statistic) for m in (False, True)])
    return naive_of([v for v, _ in rows], statistic)


def naive_of(vectors, statistic):
    if not vectors:
        return np.zeros(5, dtype=np.float32)
    return {"max": np.max, "min": np.min}[statistic](np.array(vectors), axis=0)


@pytest.mark.parametrize("negation", ["ignore", "flip", "block"])
def test_max_and_min_are_each_documents_own_extremes(space, negation):
    X = embed(space, DOCS, ("max", "min"), negation=negation, unit_length=False)
    width = 10 if negation == "block" else 5
    assert X.shape == (len(DOCS), 2 * width)
    for i, doc in enumerate(DOCS):
        np.testing.assert_array_equal(X[i, :width], naive(space, doc, "max", negation))
        np.testing.assert_array_equal(X[i, width:], naive(space, doc, "min", negation))
    # a document with no known word: zeros, not a neighbour's extremes
    np.testing.assert_array_equal(X[3], 0)
    np.testing.assert_array_equal(X[4], 0)


def test_the_mean_alone_is_the_default_to_the_bit(space):
    for negation in ("ignore", "flip", "block"):
        default = DocumentEmbedder(space, lang="en", negation=negation).fit(DOCS).transform(DOCS)
        np.testing.assert_array_equal(embed(space, DOCS, ["mean"], negation=negation), default)


def test_each_part_has_the_same_weight_and_the_whole_unit_length(space):
    X = embed(space, DOCS, ALL)
    mean = embed(space, DOCS, ("mean",))
    assert X.shape == (len(DOCS), 15)
    np.testing.assert_allclose(X[:, :5] * np.sqrt(3), mean, rtol=1e-5, atol=1e-7)
    known = [0, 1, 2, 5, 6]
    for part in (X[:, :5], X[:, 5:10], X[:, 10:]):
        np.testing.assert_allclose(np.linalg.norm(part[known], axis=1), 1 / np.sqrt(3), rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(X[known], axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(X[3], 0)
    # the order asked for is the order of the columns
    Y = embed(space, DOCS, ("min", "mean", "max"))
    np.testing.assert_array_equal(Y, np.hstack([X[:, 10:], X[:, :5], X[:, 5:10]]))


def test_a_flipped_word_turns_its_maximum_into_minus_its_minimum(space):
    neg = [["NEG_good", "NEG_room"]]
    plain = [["good", "room"]]
    flip = embed(space, neg, ("max", "min"), negation="flip", unit_length=False)
    ignore = embed(space, plain, ("max", "min"), unit_length=False)
    np.testing.assert_array_equal(flip[0, :5], -ignore[0, 5:])
    np.testing.assert_array_equal(flip[0, 5:], -ignore[0, :5])


def test_rows_do_not_depend_on_the_batch_or_the_slices(space, monkeypatch):
    rng = np.random.default_rng(1)
    docs = [list(rng.choice(WORDS + ["zzz", "NEG_bad"], size=rng.integers(0, 9))) for _ in range(200)]
    e = DocumentEmbedder(space, lang="en", power_means=ALL, negation="flip").fit(docs)
    whole = e.transform(docs)
    monkeypatch.setattr(_pooling, "EXTREMES_TOKEN_BUDGET", 7)  # many slices, some of one long document
    sliced = e.transform(docs)
    alone = np.vstack([e.transform([d]) for d in docs[::-1]])[::-1]
    np.testing.assert_array_equal(sliced, whole)
    np.testing.assert_array_equal(alone, whole)


def test_extremes_read_the_fallback_language_rows():
    en = WordVectors(["good", "bad"], np.array([[1, 0, 0], [0, -2, 0]], dtype=np.float32), lang="en")
    de = WordVectors(["gut", "schlecht"], np.array([[0, 0, 3], [0, 0, -1]], dtype=np.float32), lang="de")
    space = AlignedSpace({"en": en, "de": de})
    e = DocumentEmbedder(space, lang="de", fallback_lang="en", power_means=("max", "min"),
                         unit_length=False).fit([["gut"]])
    X = e.transform([["gut", "bad"], ["schlecht", "good"]], lang="de")
    np.testing.assert_array_equal(X[0], [0, 0, 3, 0, -2, 0])
    np.testing.assert_array_equal(X[1], [1, 0, 0, 0, 0, -1])


def test_feature_names_follow_the_parts(space):
    e = DocumentEmbedder(space, lang="en", power_means=ALL, negation="block").fit(DOCS)
    names = list(e.get_feature_names_out())
    assert len(names) == e.n_features_out_ == 30
    assert names[0] == "dim0" and names[5] == "negated_dim0"
    assert names[10] == "max_dim0" and names[15] == "max_negated_dim0" and names[20] == "min_dim0"


@pytest.mark.parametrize("bad, message", [([], "empty"), (["mean", "mean"], "repeated"),
                                          (["mean", "median"], "'median' is not one of"), ("max", "list")])
def test_bad_power_means_are_refused_at_fit(space, bad, message):
    with pytest.raises(ValueError, match=message):
        DocumentEmbedder(space, lang="en", power_means=bad).fit(DOCS)


@pytest.mark.parametrize("unordered", [{"max", "min"}, frozenset({"mean", "max"}), (p for p in ("mean", "max"))])
def test_an_unordered_or_one_pass_collection_is_refused(space, unordered):
    """The order of power_means is the order of the columns: a set's order changes with the
    process's string hashing (a saved embedder would swap its columns when loaded elsewhere),
    and a generator is used up by the check."""
    with pytest.raises(ValueError, match="must be a list"):
        DocumentEmbedder(space, lang="en", power_means=unordered).fit(DOCS)


def test_the_classifier_passes_them_on_and_old_models_read_as_the_mean(space):
    docs = [["good", "clean"], ["bad", "noisy"], ["good", "room"], ["bad", "staff"]] * 5
    y = np.array(["pos", "neg", "pos", "neg"] * 5)
    clf = CrossLingualClassifier(space, source_lang="en", power_means=["mean", "max"]).fit(docs, y)
    assert clf.embedder_.n_features_out_ == 10
    assert list(clf.predict([["good"], ["bad"]])) == ["pos", "neg"]
    with pytest.raises(ValueError, match="repeated"):
        CrossLingualClassifier(space, source_lang="en", power_means=["max", "max"]).fit(docs, y)
    # a model pickled before the option existed: its state has no power_means
    old = CrossLingualClassifier(space, source_lang="en").fit(docs, y)
    state = old.__getstate__()
    del state["power_means"]
    embed_state = old.embedder_.__getstate__()
    del embed_state["power_means"]
    old.embedder_.__setstate__(embed_state)
    restored = CrossLingualClassifier.__new__(CrossLingualClassifier)
    restored.__setstate__(state)
    assert restored.power_means == ("mean",) and old.embedder_.power_means == ("mean",)
    restored = pickle.loads(pickle.dumps(restored))
    np.testing.assert_array_equal(restored.predict_proba(docs), old.predict_proba(docs))


def test_the_run_option_is_checked_before_any_work():
    assert load_config("synthetic", overrides=['features.power_means=["mean","max","min"]'])[
        "features"]["power_means"] == list(POWER_MEANS)
    for value, message in (('[]', "at least one"), ('["max","max"]', "once"), ('["mean","p3"]', "'p3' is not one of")):
        with pytest.raises(ConfigError, match=message):
            load_config("synthetic", overrides=[f"features.power_means={value}"])
