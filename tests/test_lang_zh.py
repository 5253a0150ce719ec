"""xproj.lang.zh: jieba segmentation, Traditional -> Simplified, Chinese negation."""

from __future__ import annotations

import pytest

from xproj.lang import get_preprocessor


@pytest.fixture(scope="module")
def zh():
    return get_preprocessor("zh")


def test_known_sentence_segmentation(zh):
    assert zh("我们在这家酒店住了三晚，房间很干净，服务也很好。") == [
        "我们", "在", "这家", "酒店", "住", "了", "三晚", "房间", "很", "干净", "服务", "也", "很", "好"]


def test_chnsenticorp_style_row(zh):
    assert zh("早餐太差，无论去多少人，那边也不加食品的。") == [
        "早餐", "太", "差", "无论", "去", "多少", "人", "那边", "也", "不加", "食品", "的"]


def test_keep_punct_and_fullwidth(zh):
    # NFKC maps the full-width comma to ","; "。" has no narrow form and is kept as is.
    assert get_preprocessor("zh", keep_punct=True)("很好，很干净。") == ["很", "好", ",", "很", "干净", "。"]


def test_mixed_latin_and_numbers(zh):
    assert zh("WiFi信号很差，等了30分钟") == ["wifi", "信号", "很差", "等", "了", "30", "分钟"]
    assert get_preprocessor("zh", placeholders=True)("等了30分钟") == ["等", "了", "<num>", "分钟"]


def test_url_placeholder_in_chinese(zh):
    assert zh("详情见http://www.example.com酒店") == ["详情", "见", "<url>", "酒店"]


def test_traditional_to_simplified():
    pytest.importorskip("opencc")
    pre = get_preprocessor("zh", traditional_to_simplified=True)
    assert pre("這家飯店的服務很好，房間乾淨") == ["这家", "饭店", "的", "服务", "很", "好", "房间", "干净"]
    # on by default (the vectors are Simplified) when opencc is installed; off on request
    assert get_preprocessor("zh")("這家飯店") == ["这家", "饭店"]
    assert get_preprocessor("zh").options()["traditional_to_simplified"] is True
    assert "這家" in get_preprocessor("zh", traditional_to_simplified=False)("這家飯店")


def test_default_without_opencc_warns_and_keeps_text(monkeypatch):
    from xproj.lang import zh as zh_mod

    monkeypatch.setattr(zh_mod, "_t2s_available", lambda: False)
    with pytest.warns(UserWarning, match=r"pip install 'xproj\[zh\]'"):
        pre = get_preprocessor("zh")
    assert pre.traditional_to_simplified is False and "這家" in pre("這家飯店")


def test_fullwidth_punctuation_and_symbols_dropped(zh):
    # The vectors keep word-character tokens only: full-width punctuation must not survive
    # as tokens (NFKC maps ！？，～ to their narrow forms, then the punctuation filter).
    assert zh("好！！真的好？～～（推荐）【赞】") == ["好", "真的", "好", "推荐", "赞"]


def test_script_normalizer_converts_dictionary_words():
    pytest.importorskip("opencc")
    from xproj.lang.script import get_script_normalizer

    name, convert = get_script_normalizer("zh")
    assert name == "NFKC + OpenCC t2s"
    assert [convert(w) for w in ["還有", "來自", "酒店", "ＴＶ"]] == ["还有", "来自", "酒店", "TV"]
    assert get_script_normalizer("zh_TW")[0] == name


def test_missing_opencc_gives_install_hint(monkeypatch):
    import builtins

    from xproj.lang import zh as zh_mod

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "opencc":
            raise ImportError("No module named 'opencc'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    zh_mod.t2s_converter.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"pip install 'xproj\[zh\]'"):
            get_preprocessor("zh", traditional_to_simplified=True)
    finally:
        zh_mod.t2s_converter.cache_clear()


def test_negation(zh):
    pre = get_preprocessor("zh", negation=True)
    assert pre("房间不大，但是很干净。没有早餐") == ["房间", "不", "NEG_大", "但是", "很", "干净", "没有", "NEG_早餐"]


def test_stopwords(zh):
    assert get_preprocessor("zh", remove_stopwords=True)("我们在这家酒店住了三晚") == [
        "这家", "酒店", "住", "三晚"]


def test_lemmatize_is_noop(zh):
    assert get_preprocessor("zh", lemmatize=True)("房间很干净") == zh("房间很干净")


def test_bad_input_and_pipe(zh):
    assert zh("") == [] and zh("　") == []
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        zh.pipe(["好", None])
    texts = ["房间很好", "", "不错\ud800", "\x00"]
    assert zh.pipe(texts) == [["房间", "很", "好"], [], ["不错"], []]


def test_jieba_is_quiet(capfd):
    from xproj.lang.zh import jieba_tokenizer

    jieba_tokenizer.cache_clear()
    get_preprocessor("zh")("测试")
    assert "Building prefix dict" not in capfd.readouterr().err
