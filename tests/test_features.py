import copy

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from xproj.errors import ShapeError, UnknownLanguageError
from xproj.features import AlignedSpace, DocumentEmbedder, MeanCenterer, PrincipalComponentRemover
from xproj.vectors import WordVectors


@parametrize_with_checks([MeanCenterer(), PrincipalComponentRemover(), PrincipalComponentRemover(n_components=2)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_principal_component_removal():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 5)) + np.array([5, 0, 0, 0, 0])
    Z = PrincipalComponentRemover().fit(X).transform(X)
    assert abs(Z[:, 0]).mean() < 0.5  # the dominant common direction is gone
    np.testing.assert_allclose(MeanCenterer().fit(X).transform(X).mean(axis=0), 0, atol=1e-12)


@pytest.fixture
def space():
    en = WordVectors(["good", "bad", "hotel", "the"],
                     np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32), lang="en")
    es = WordVectors(["bueno", "malo", "hotel", "el"], en.vectors.copy(), lang="es")
    return AlignedSpace({"en": en, "es": es})


def test_mean_pooling_and_oov(space):
    emb = DocumentEmbedder(space, lang="en", normalize=False).fit([["good"]])
    X = emb.transform([["good", "hotel", "zzz"], [], ["qqq"]])
    np.testing.assert_allclose(X[0], [0.5, 0.5, 0])  # OOV tokens ignored
    assert (X[1] == 0).all() and (X[2] == 0).all()  # empty and all-OOV documents: zero vector
    assert emb.oov_["en"]["oov_tokens"] == 2 and emb.oov_["en"]["empty_docs"] == 2
    Xes = emb.transform_lang([["Bueno", "hotel"]], "es")  # case falls back via the lookup chain
    np.testing.assert_allclose(Xes[0], [0.5, 0.5, 0])


def test_tfidf_and_sif_weighting(space):
    docs = [["good", "the"], ["bad", "the"], ["hotel", "the"]]
    tf = DocumentEmbedder(space, lang="en", pooling="tfidf", normalize=False).fit(docs)
    X = tf.transform([["good", "the"]])
    assert X[0, 0] > X[0, 2]  # "the" (in every document) weighs less than "good"
    sif = DocumentEmbedder(space, lang="en", pooling="sif", normalize=False).fit(docs)
    Y = sif.transform([["good", "the"]])
    # SIF weights by frequency rank in the vector file: "good" is rank 0 (most frequent, the
    # smallest weight), "the" rank 3 here.
    assert Y[0, 0] < Y[0, 2]
    p = space.sif_probability("en")
    assert p[0] > p[-1] and abs(p.sum() - 1) < 1e-5
    # tf-idf for a language not seen in fit: IDF from the documents themselves
    Z = tf.transform_lang([["bueno", "el"], ["malo", "el"]], "es")
    assert Z[0, 0] > Z[0, 2]


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
