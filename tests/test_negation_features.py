"""``features.negation``: what a negation-marked token (``NEG_good``) does to the aligned
document vector (xproj.features.DocumentEmbedder, NEGATIONS), and the run option around it."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from xproj.config import choices, load_config
from xproj.errors import ConfigError
from xproj.features import NEGATIONS, DocumentEmbedder, Tokenizer, preprocessor_for
from xproj.model import CrossLingualClassifier
from xproj.vectors import WordVectors

WORDS = ["good", "bad", "room", "staff", "clean", "noisy"]


@pytest.fixture(scope="module")
def space():
    rng = np.random.default_rng(0)
    return WordVectors(WORDS, rng.standard_normal((len(WORDS), 5)).astype(np.float32), lang="en")


def embed(space, docs, negation, **kw):
    kw.setdefault("unit_length", False)
    return DocumentEmbedder(space, lang="en", negation=negation, **kw).fit(docs).transform(docs)


DOCS = [["good", "room"], ["NEG_good", "room"], ["NEG_good"], ["good", "NEG_good"], ["NEG_zzz", "bad"],
        ["zzz"], [], ["clean", "NEG_noisy", "NEG_staff", "good", "good"], ["NEG_"]]


def test_a_flipped_token_gives_exactly_minus_its_contribution(space):
    v = {w: space.vectors[i] for i, w in enumerate(WORDS)}
    flip = embed(space, DOCS, "flip")
    np.testing.assert_array_equal(flip[2], -v["good"])          # one negated token: minus its vector
    np.testing.assert_array_equal(flip[3], np.zeros(5))         # "good" and "not good" cancel
    np.testing.assert_array_equal(flip[0], embed(space, DOCS, "ignore")[0])  # no mark: as today
    # the mean keeps its denominator: every known token counts once, whatever its sign
    np.testing.assert_allclose(flip[1], (v["room"] - v["good"]) / 2, rtol=1e-6)
    np.testing.assert_allclose(flip[7], (v["clean"] - v["noisy"] - v["staff"] + 2 * v["good"]) / 5, rtol=1e-5)
    # a linear score of the document: each negated word's term reversed
    w = np.arange(1.0, 6.0, dtype=np.float32)
    assert float(flip[1] @ w) == pytest.approx(float((v["room"] @ w - v["good"] @ w) / 2), rel=1e-5)
    # an unknown negated word is ignored as an unknown word is; a bare prefix is no mark
    np.testing.assert_array_equal(flip[4], v["bad"])
    np.testing.assert_array_equal(flip[8], embed(space, DOCS, "ignore")[8])


def test_block_holds_ignore_and_flip(space):
    ignore, flip, block = (embed(space, DOCS, n) for n in NEGATIONS)
    assert block.shape == (len(DOCS), 10)
    unmarked, marked = block[:, :5], block[:, 5:]
    np.testing.assert_allclose(unmarked + marked, ignore, atol=1e-6)
    np.testing.assert_allclose(unmarked - marked, flip, atol=1e-6)
    np.testing.assert_array_equal(marked[0], np.zeros(5))      # no negated token: an empty second block
    e = DocumentEmbedder(space, lang="en", negation="block").fit(DOCS)
    names = e.get_feature_names_out()
    assert len(names) == e.n_features_out_ == 10 and names[0] == "dim0" and names[5] == "negated_dim0"


@pytest.mark.parametrize("negation", NEGATIONS)
@pytest.mark.parametrize("pooling", ["mean", "tfidf", "sif"])
def test_rows_do_not_depend_on_batch_order_or_neighbours(space, negation, pooling):
    e = DocumentEmbedder(space, lang="en", negation=negation, pooling=pooling).fit(DOCS)
    whole = e.transform(DOCS)
    assert whole.dtype == np.float32
    np.testing.assert_array_equal(whole, np.vstack([e.transform([d]) for d in DOCS]))
    np.testing.assert_array_equal(whole[::-1], e.transform(DOCS[::-1]))
    again = DocumentEmbedder(space, lang="en", negation=negation, pooling=pooling).fit(DOCS).transform(DOCS)
    np.testing.assert_array_equal(whole, again)                 # deterministic


def test_documents_without_marks_are_embedded_as_today(space):
    plain = [d for d in DOCS if not any(t.startswith("NEG_") for t in d)]
    for pooling in ("mean", "tfidf"):
        ignore = embed(space, plain, "ignore", pooling=pooling, unit_length=True)
        np.testing.assert_array_equal(embed(space, plain, "flip", pooling=pooling, unit_length=True), ignore)
        block = embed(space, plain, "block", pooling=pooling, unit_length=True)
        np.testing.assert_array_equal(block[:, :5], ignore)
        np.testing.assert_array_equal(block[:, 5:], 0)


def test_custom_prefix_and_bad_values(space):
    v = space.vectors[WORDS.index("good")]
    out = DocumentEmbedder(space, lang="en", negation="flip", negation_prefix="not_", unit_length=False) \
        .fit([["x"]]).transform([["not_good"], ["NEG_good"]])
    np.testing.assert_array_equal(out[0], -v)   # marked by this prefix: its word's vector, flipped
    np.testing.assert_array_equal(out[1], v)    # another mark: read as its word (the lookups' own rule)
    ignore = DocumentEmbedder(space, lang="en", negation_prefix="not_", unit_length=False).fit([["x"]])
    np.testing.assert_array_equal(ignore.transform([["not_good"]])[0], v)
    with pytest.raises(ValueError, match="negation must be one of"):
        DocumentEmbedder(space, negation="reverse").fit([["good"]])
    with pytest.raises(ValueError, match="needs a negation_prefix"):
        DocumentEmbedder(space, negation="flip", negation_prefix="").fit([["good"]])
    with pytest.raises(InvalidParameterError, match="negation"):
        CrossLingualClassifier(space, negation="reverse").fit([["good"], ["bad"]], [1, 0])


def test_models_and_embedders_saved_before_the_option_read_as_ignore(space):
    e = DocumentEmbedder(space, lang="en").fit(DOCS)
    state = {k: v for k, v in e.__getstate__().items() if k not in ("negation", "negation_prefix")}
    old = DocumentEmbedder.__new__(DocumentEmbedder)
    old.__setstate__(state)
    assert old.negation == "ignore"
    np.testing.assert_array_equal(old.transform(DOCS), e.transform(DOCS))
    m = CrossLingualClassifier(space)
    state = {k: v for k, v in m.__getstate__().items() if k != "negation"}
    old_model = CrossLingualClassifier.__new__(CrossLingualClassifier)
    old_model.__setstate__(state)
    assert old_model.negation == "ignore"


def test_the_classifier_reads_the_mark_it_was_given(space):
    docs = [["good", "room"], ["clean", "staff"], ["bad", "noisy"], ["NEG_good", "room"],
            ["NEG_clean"], ["bad", "room"]] * 3
    y = np.array([1, 1, 0, 0, 0, 0] * 3)
    m = CrossLingualClassifier(space, negation="block", center="none", scale="none").fit(docs, y)
    assert m.embedder_.n_features_out_ == 10 and m.estimator_.coef_.shape == (1, 10)
    assert m.predict([["good"], ["NEG_good"]]).shape == (2,)
    custom = CrossLingualClassifier(space, negation="flip", preprocess={"negation_prefix": "not_"}).fit(docs, y)
    assert custom.embedder_.negation_prefix == "not_"


# -- the run options -----------------------------------------------------------------------

def test_the_option_is_declared_with_the_values_the_code_implements():
    assert choices()["features.negation"] is NEGATIONS
    cfg = load_config("synthetic", ["preprocess.negation=true", "features.negation=block"])
    assert cfg["features"]["negation"] == "block"
    assert load_config("synthetic")["features"]["negation"] == "ignore"


@pytest.mark.parametrize("overrides, message", [
    (["features.negation=reverse"], "features.negation = 'reverse' is not one of 'ignore', 'flip', 'block'"),
    (["features.negation=flip"], "features.negation = 'flip' reads negation marks: set preprocess.negation = true"),
])
def test_bad_values_are_config_errors(overrides, message):
    with pytest.raises(ConfigError, match=message):
        load_config("synthetic", overrides)


def test_a_bad_value_is_one_line_exit_2_before_any_work(tmp_path, capsys):
    from xproj.cli import main

    assert main(["run", "synthetic", "--set", "features.negation=reverse", "--set",
                 f"output.dir='{tmp_path}'", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "features.negation" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not any(tmp_path.iterdir())


def test_run_tokenizer_marks_languages_with_negators_only():
    tok = Tokenizer({"negation": True})
    assert tok.transform(["No me gustó, pero bien"], lang="es") == [["no", "NEG_me", "NEG_gustó", "pero", "bien"]]
    assert tok.transform(["Not good"], lang="en-GB") == [["not", "NEG_good"]]
    pytest.importorskip("sudachipy")
    pytest.importorskip("sudachidict_core")
    # Japanese has no negator list (its negation follows the verb): tokenised as without the option
    text = ["部屋は広くなかったです。"]
    assert tok.transform(text, lang="ja") == Tokenizer().transform(text, lang="ja")
    # the scorer of a saved model builds its tokeniser the same way (xproj.scoring.Scorer)
    assert preprocessor_for("ja", {"negation": True}).negation is False
    with pytest.raises(ConfigError, match="negation marking is not defined"):  # the library's own rule
        from xproj.lang import get_preprocessor

        get_preprocessor("ja", negation=True)
