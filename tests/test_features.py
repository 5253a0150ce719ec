import copy

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from xproj.errors import ShapeError, UnknownLanguageError
from xproj.features import AlignedSpace, DocumentEmbedder, Tokenizer
from xproj.standardize import LanguageStandardizer, PrincipalComponentRemover
from xproj.vectors import WordVectors


@parametrize_with_checks([PrincipalComponentRemover(), PrincipalComponentRemover(n_components=2),
                          LanguageStandardizer(), LanguageStandardizer(center="source", scale="none"),
                          LanguageStandardizer(center="none", scale=True)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_language_standardizer_statistics():
    rng = np.random.default_rng(0)
    E_en = rng.normal(2.0, 3.0, (500, 4))
    E_es = rng.normal(-1.0, 0.5, (400, 4))
    st = LanguageStandardizer().fit(E_en, lang="en").fit_lang(E_es, "es")
    Z = st.transform(E_es, lang="es")
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(Z.std(axis=0), 1, atol=1e-9)
    # one code per row gives, row for row, what one code per call gives
    both = np.vstack([E_en[:5], E_es[:5]])
    mixed = st.transform(both, lang=["en"] * 5 + ["es"] * 5)
    np.testing.assert_array_equal(mixed[5:], st.transform(E_es[:5], lang="es"))
    np.testing.assert_array_equal(mixed[:5], st.transform(E_en[:5], lang="en"))
    # a language without statistics falls back to the source's, and says so
    np.testing.assert_array_equal(st.transform(E_es[:3], lang="fr"), st.transform(E_es[:3], lang="en"))
    assert st.describe("fr") == "fr: no statistics of its own; uses those of en (500 documents)"
    assert st.describe("es") == "es: own statistics from 400 unlabelled documents"
    source_only = LanguageStandardizer(center="source", scale="source").fit(E_en, lang="en")
    assert "source (en) statistics for every language" in source_only.describe("es")
    with pytest.raises(ValueError, match="source language"):
        st.fit_lang(E_es, "en")
    with pytest.raises(ValueError, match="at least 2"):
        st.fit_lang(E_es[:1], "de")
    with pytest.raises(ValueError, match="3 codes for 10 rows"):
        st.transform(both, lang=["en", "es", "es"])


def test_row_results_do_not_depend_on_the_batch():
    rng = np.random.default_rng(1)
    E = rng.standard_normal((300, 30)).astype(np.float32)
    for step in (LanguageStandardizer().fit(E), PrincipalComponentRemover(3).fit(E)):
        whole = step.transform(E)
        chunks = np.vstack([step.transform(E[i:i + 7]) for i in range(0, len(E), 7)])
        np.testing.assert_array_equal(whole, chunks)
        np.testing.assert_array_equal(whole[::-1], step.transform(E[::-1]))


def test_principal_component_removal():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 5)) + np.array([5, 0, 0, 0, 0])
    Z = PrincipalComponentRemover().fit(X).transform(X)
    assert abs(Z[:, 0]).mean() < 0.5  # the dominant common direction is gone


@pytest.fixture
def space():
    en = WordVectors(["good", "bad", "hotel", "the"],
                     np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32), lang="en")
    es = WordVectors(["bueno", "malo", "hotel", "el"], en.vectors.copy(), lang="es")
    return AlignedSpace({"en": en, "es": es})


def test_mean_pooling_and_oov(space):
    emb = DocumentEmbedder(space, lang="en", unit_length=False).fit([["good"]])
    docs = [["good", "hotel", "zzz"], [], ["qqq"]]
    X = emb.transform(docs)
    np.testing.assert_allclose(X[0], [0.5, 0.5, 0])  # OOV tokens ignored
    assert (X[1] == 0).all() and (X[2] == 0).all()  # empty and all-OOV documents: zero vector
    assert emb.coverage(docs) == {"tokens": 4, "oov_tokens": 2, "oov_rate": 0.5, "empty_docs": 2}
    Xes = emb.transform_lang([["Bueno", "hotel"]], "es")  # case falls back via the lookup chain
    np.testing.assert_allclose(Xes[0], [0.5, 0.5, 0])


def test_tfidf_and_sif_weighting(space):
    docs = [["good", "the"], ["bad", "the"], ["hotel", "the"]]
    tf = DocumentEmbedder(space, lang="en", pooling="tfidf", unit_length=False).fit(docs)
    X = tf.transform([["good", "the"]])
    assert X[0, 0] > X[0, 2]  # "the" (in every document) weighs less than "good"
    sif = DocumentEmbedder(space, lang="en", pooling="sif", unit_length=False).fit(docs)
    Y = sif.transform([["good", "the"]])
    # SIF weights by frequency rank in the vector file: "good" is rank 0 (most frequent, the
    # smallest weight), "the" rank 3 here.
    assert Y[0, 0] < Y[0, 2]
    p = space.sif_probability("en")
    assert p[0] > p[-1] and abs(p.sum() - 1) < 1e-5
    # tf-idf for another language: without its IDF, term frequency only (nothing is learnt
    # from the documents being embedded); with fit_lang, IDF from its unlabelled documents
    es_docs = [["bueno", "el"], ["malo", "el"]]
    np.testing.assert_allclose(tf.transform(es_docs, lang="es")[0], [0.5, 0, 0.5])
    Z = tf.fit_lang(es_docs, "es").transform(es_docs, lang="es")
    assert Z[0, 0] > Z[0, 2]
    with pytest.warns(DeprecationWarning, match="unit_length"):
        old = DocumentEmbedder(space, lang="en", normalize=False).fit(docs)
    np.testing.assert_allclose(old.transform([["good", "the"]]), [[0.5, 0, 0.5]])


def test_tokenizer_by_language():
    tok = Tokenizer()
    assert tok.transform(["Muy bueno.", "Very good."], lang=["es", "en"]) == [["muy", "bueno"], ["very", "good"]]
    assert tok.transform([["already", "tokens"]], lang="en") == [["already", "tokens"]]


def test_pipeline_and_clone_share_vectors(space):
    pipe = Pipeline([("embed", DocumentEmbedder(space, lang="en")), ("scale", StandardScaler()),
                     ("clf", LogisticRegression())])
    X = [["good"], ["good", "hotel"], ["bad"], ["bad", "hotel"]]
    pipe.fit(X, [1, 1, 0, 0])
    assert pipe.predict([["good", "the"]])[0] == 1
    c = clone(pipe)
    assert c.named_steps["embed"].space is space  # not copied
    assert copy.deepcopy(space["en"]) is space["en"]


def test_bad_inputs(space):
    emb = DocumentEmbedder(space, lang="en").fit([["good"]])
    with pytest.raises(TypeError, match="list of tokens"):
        emb.transform(["a raw string"])
    with pytest.raises(UnknownLanguageError, match="no vectors for language 'fr'"):
        emb.transform_lang([["x"]], "fr")
    with pytest.raises(ValueError, match="pooling"):
        DocumentEmbedder(space, pooling="max").fit([["good"]])
    with pytest.raises(ShapeError):
        AlignedSpace({"a": WordVectors(["x"], np.ones((1, 2))), "b": WordVectors(["y"], np.ones((1, 3)))})


def _code_switched_space():
    en = WordVectors(["good", "lol", "haus"], np.array([[1, 0], [0, 1], [5, 5]], dtype=np.float32), lang="en")
    de = WordVectors(["gut", "haus"], np.array([[1, 0.1], [0.3, 0.3]], dtype=np.float32), lang="de")
    return AlignedSpace({"en": en, "de": de})


@pytest.mark.parametrize("pooling", ["mean", "tfidf", "sif"])
def test_source_fallback_embeds_unknown_target_words_with_the_source_vector(pooling):
    space = _code_switched_space()
    on = DocumentEmbedder(space, lang="en", pooling=pooling, unit_length=False, fallback_lang="en")
    off = DocumentEmbedder(space, lang="en", pooling=pooling, unit_length=False)
    docs = [["gut", "lol", "haus", "zzz"]]
    for e in (on, off):
        e.fit([["good"], ["lol"]]).fit_lang([["gut", "lol"], ["haus"]], "de")
    assert on.coverage(docs, "de")["oov_tokens"] == 1 and off.coverage(docs, "de")["oov_tokens"] == 2
    # "lol" is the English vector, "haus" stays the German one (the target's own words come first)
    with_lol = on.transform([["gut", "lol"]], lang="de")
    alone = on.transform([["gut"]], lang="de")
    assert not np.allclose(with_lol, alone)
    np.testing.assert_allclose(off.transform([["gut", "lol"]], lang="de"), alone)
    if pooling == "mean":
        np.testing.assert_allclose(on.transform(docs, lang="de"), [[(1 + 0 + 0.3) / 3, (0.1 + 1 + 0.3) / 3]], rtol=1e-6)
    # the source language itself has no fallback
    np.testing.assert_array_equal(on.transform([["good", "gut"]], lang="en"), off.transform([["good", "gut"]], lang="en"))
    with pytest.raises(UnknownLanguageError):
        DocumentEmbedder(space, lang="en", fallback_lang="fr").fit([["good"]]).transform([["gut"]], lang="de")


def test_source_fallback_is_a_model_parameter_kept_when_saved(tmp_path):
    from xproj.model import CrossLingualClassifier, load_model, save_model

    space = _code_switched_space()
    X, y = [["good"], ["lol"], ["good", "good"], ["lol", "lol"]], np.array([1, 0, 1, 0])
    clf = CrossLingualClassifier(space, source_lang="en", fallback_lang="en").fit(X, y)
    save_model(clf, tmp_path / "m.joblib")
    saved = load_model(tmp_path / "m.joblib")["model"]
    assert saved.fallback_lang == "en" and saved.embedder_.fallback_lang == "en"
    assert saved.predict([["lol"]], lang="de")[0] == 0 and saved.scorable([["lol"]], lang="de").all()
    state = saved.__getstate__()
    state.pop("fallback_lang")  # a model saved before the option existed loads with it off
    old = CrossLingualClassifier.__new__(CrossLingualClassifier)
    old.__setstate__(state)
    assert old.fallback_lang is None
