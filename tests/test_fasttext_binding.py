"""The fastText binding: vectors that match the subword formula and an independent reader.

We depend on ``fasttext-numpy2-wheel`` (import name ``fasttext``): the official ``fasttext``
0.9.3 has no wheels and its ``predict()`` fails under numpy 2; forks differ. These tests pin
down the property we rely on: ``get_word_vector`` is the mean of the word's input row and
its character n-gram rows (what fastText writes to ``.vec``), so ``.bin`` and ``.vec`` of one
model agree, and vectors for unseen words come from the same formula.
"""

import numpy as np
import pytest

fasttext = pytest.importorskip("fasttext")

from xproj.vectors import load_vectors, read_fasttext_bin, read_vec, write_vec  # noqa: E402


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    d = tmp_path_factory.mktemp("ft")
    rng = np.random.default_rng(0)
    vocab = ["hotel", "room", "clean", "dirty", "staff", "friendly", "rude", "breakfast",
             "good", "bad", "great", "awful", "location", "quiet", "noisy", "the", "was", "very"]
    lines = [" ".join(rng.choice(vocab, size=12)) for _ in range(400)]
    corpus = d / "corpus.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = fasttext.train_unsupervised(str(corpus), model="skipgram", dim=16, epoch=2,
                                        minCount=1, minn=3, maxn=5, thread=1, verbose=0)
    path = d / "tiny.bin"
    model.save_model(str(path))
    return model, path


def test_word_vector_is_mean_of_subword_rows(tiny_model):
    model, _ = tiny_model
    M = model.get_input_matrix()
    for word in ["hotel", "friendly", "unseenword"]:
        _, ids = model.get_subwords(word)
        np.testing.assert_allclose(model.get_word_vector(word), M[ids].mean(axis=0), atol=1e-6)


def test_bin_matches_vec_written_from_same_model(tiny_model, tmp_path):
    model, path = tiny_model
    wv = read_fasttext_bin(path)
    assert wv.words == model.get_words()
    vec = read_vec(write_vec(wv, tmp_path / "tiny.vec", precision=7))
    np.testing.assert_allclose(vec.vectors, wv.vectors, atol=1e-5)
    for w in ["hotel", "rude"]:
        np.testing.assert_allclose(wv[w], model.get_word_vector(w), atol=1e-7)


def test_bin_out_of_vocabulary_from_subwords(tiny_model, tmp_path):
    model, path = tiny_model
    wv = load_vectors(path, cache_dir=tmp_path / "c")
    assert "hotels" not in wv and wv.has_subwords
    v = wv["hotels"]
    np.testing.assert_allclose(v, model.get_word_vector("hotels"), atol=1e-6)
    assert np.linalg.norm(v) > 0  # built from n-grams, not a zero "unknown" vector
    again = load_vectors(path, cache_dir=tmp_path / "c")  # from the cache: OOV still works
    assert isinstance(again.vectors, np.memmap)
    np.testing.assert_allclose(again["hotels"], v, atol=1e-6)
    assert wv.load_stats is None and again.load_stats is None  # only the text reader counts lines


def test_independent_reader_agrees(tiny_model):
    gensim_ft = pytest.importorskip("gensim.models.fasttext")
    model, path = tiny_model
    kv = gensim_ft.load_facebook_vectors(str(path))
    for w in ["hotel", "breakfast", "unseenword"]:
        np.testing.assert_allclose(kv[w], model.get_word_vector(w), atol=1e-5)


def test_not_a_model(tmp_path):
    from xproj.errors import InputFormatError

    p = tmp_path / "x.bin"
    p.write_bytes(b"not a model")
    with pytest.raises(InputFormatError, match="x.bin"):
        read_fasttext_bin(p)
