"""xproj.lang.ja: SudachiPy through spaCy's ``ja`` (optional extra ``xproj[ja]``)."""

from __future__ import annotations

import pytest

from xproj.errors import ConfigError
from xproj.lang import get_preprocessor

pytest.importorskip("sudachipy")
pytest.importorskip("sudachidict_core")

pytestmark = pytest.mark.filterwarnings(
    # spaCy 3.8 calls Dictionary.create(), deprecated in SudachiPy 0.7 (fine with 0.6.x)
    "ignore:Dictionary.create:DeprecationWarning"
)


@pytest.fixture(scope="module")
def ja():
    return get_preprocessor("ja")


def test_segmentation(ja):
    assert ja("このホテルはとても良かったです。") == ["この", "ホテル", "は", "とても", "良かっ", "た", "です"]


def test_lemmas():
    pre = get_preprocessor("ja", lemmatize=True)
    assert pre("部屋は広くなかったです。") == ["部屋", "は", "広い", "ない", "た", "です"]


def test_split_modes():
    text = "選挙管理委員会"
    assert get_preprocessor("ja", split_mode="A")(text) == ["選挙", "管理", "委員", "会"]
    assert get_preprocessor("ja", split_mode="C")(text) == ["選挙管理委員会"]
    with pytest.raises(ConfigError):
        get_preprocessor("ja", split_mode="D")


def test_halfwidth_katakana_and_fullwidth_latin(ja):
    # NFKC: ﾎﾃﾙ -> ホテル, ＷｉＦｉ -> wifi
    assert ja("ﾎﾃﾙのＷｉＦｉ") == ["ホテル", "の", "wifi"]


def test_negation_not_available():
    with pytest.raises(ConfigError, match="negation"):
        get_preprocessor("ja", negation=True)


def test_bad_input_and_pipe(ja):
    assert ja("") == [] and ja("　\n") == []
    assert ja.pipe(["良い", "", "\ud800"]) == [["良い"], [], []]
    with pytest.raises(TypeError):
        ja(None)


def test_missing_sudachi_gives_install_hint(monkeypatch):
    import importlib.util

    from xproj.lang import ja as ja_mod

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "sudachipy" else real(name, *a))
    ja_mod.japanese_nlp.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"pip install 'xproj\[ja\]'"):
            get_preprocessor("ja", split_mode="B")
    finally:
        ja_mod.japanese_nlp.cache_clear()


# ------------------------------------------------------------------ Sudachi's input limit
SUDACHI_MAX_BYTES = 49_149  # SudachiPy 0.6 refuses longer input ("Input is too long")


def test_text_longer_than_sudachi_limit_gives_its_tokens(ja):
    sentence = "部屋はとても綺麗でした。"
    text = sentence * (200_000 // len(sentence.encode()))  # ~200 KB
    assert len(text.encode()) > 4 * SUDACHI_MAX_BYTES
    assert ja(text) == ja(sentence) * (200_000 // len(sentence.encode()))


def test_long_sentence_without_boundaries_is_cut_between_characters(ja):
    # one "sentence" of 1- and 3-byte characters: byte cuts must fall between characters
    text = "aホテル" * 20_000  # 200 KB, no 。！？ or newline
    tokens = ja(text)
    assert tokens and "\ufffd" not in "".join(tokens)
    assert set("".join(tokens)) == set("aホテル")


def test_long_document_does_not_fail_its_batch(ja):
    long = "良いホテルでした！" * 10_000
    out = ja.pipe(["良い", long, "悪い"], batch_size=3)
    assert out[0] == ["良い"] and out[2] == ["悪い"]
    assert out[1] == ja("良いホテルでした！") * 10_000
