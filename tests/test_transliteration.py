"""Per-language transliteration for orthographic similarity: Japanese katakana in Latin letters
(xproj.lang.kana, xproj.lang.ja.transliterator) and its use by the refinement round."""

import random

import numpy as np
import pytest

from xproj.align import VectorMapping, fit_mapping, induce_dictionary
from xproj.align.orthography import edit_similarity, induce_with_orthography, pair_transliterators
from xproj.cli import main
from xproj.config import load_config, recipe_params
from xproj.datasets.synthetic import make_bilingual_world
from xproj.dictionaries import write_dictionary
from xproj.errors import ConfigError
from xproj.lang.kana import is_katakana_word, loanword_spelling, romanize
from xproj.lang.script import get_transliterator
from xproj.vectors import WordVectors, write_vec


@pytest.mark.parametrize("kana, latin", [
    ("ホテル", "hoteru"),
    ("コンピュータ", "kompyuta"),  # ン before p: m
    ("コンピューター", "kompyuta"),  # the long-vowel mark is dropped
    ("シンブン", "shimbun"),
    ("ティーパーティー", "tipati"),  # ティ ti
    ("ディスカッション", "disukasshon"),  # ディ di, ッ doubles, ショ sho
    ("ファッション", "fasshon"),
    ("フィルム", "firumu"),
    ("ヴァイオリン", "vaiorin"),  # ヴ v
    ("ヴィクトリア", "vikutoria"),
    ("ウィキペディア", "wikipedia"),  # ウィ wi
    ("ウォーター", "wota"),
    ("シェア", "shea"),
    ("チェック", "chekku"),
    ("ジェット", "jetto"),
    ("ツァー", "tsa"),
    ("トゥモロー", "tumoro"),
    ("イェール", "yeru"),
    ("クァルテット", "kwarutetto"),
    ("キャンプ", "kyampu"),  # contracted sounds
    ("シャツ", "shatsu"),
    ("チョコレート", "chokoreto"),
    ("ニュース", "nyusu"),
    ("フュージョン", "fyujon"),
    ("マッチ", "matchi"),  # ッ before ch: t
    ("ガラッ", "gara"),  # a final ッ is dropped
    ("ひらがな", "hiragana"),  # hiragana through the same table
    ("東京タワー", "東京tawa"),  # other characters kept
    ("hotel", "hotel"),
])
def test_romanize(kana, latin):
    assert romanize(kana) == latin


@pytest.mark.parametrize("kana, latin", [
    ("ホテル", "hoter"),  # final u after a consonant
    ("ベッド", "bed"),  # final o after d, the doubled consonant made single
    ("マッチ", "match"),  # final i after ch
    ("クリスマス", "krismas"),  # u between consonants
    ("テレビ", "terebi"),  # nothing to remove
])
def test_loanword_spelling_drops_epenthetic_vowels(kana, latin):
    assert loanword_spelling(kana) == latin


def test_is_katakana_word():
    assert is_katakana_word("コーヒー") and is_katakana_word("ヴァ")
    assert not any(map(is_katakana_word, ["", "ほてる", "東京タワー", "hotel", "ホテル1"]))


def test_japanese_declares_a_transliteration_of_katakana_words_only():
    name, spell = get_transliterator("ja")
    assert "katakana" in name
    assert [spell(w) for w in ["ホテル", "コンピューター", "ほてる", "部屋", "was"]] == \
        ["hoter", "kompyuta", "ほてる", "部屋", "was"]
    assert get_transliterator("ja_JP")[0] == name
    for code in ("en", "es", "fr", "de", "zh", "ar", "ko", "tgt", None):
        assert get_transliterator(code) is None  # compared as written


def test_orthographic_score_of_a_loanword_and_its_english_source():
    spell = get_transliterator("ja")[1]
    english = ["hotel", "computer", "bed", "table", "coffee"]
    katakana = ["ホテル", "コンピューター", "ベッド", "テーブル", "コーヒー"]
    as_written = edit_similarity(english, katakana)
    transliterated = edit_similarity(english, [spell(w) for w in katakana])
    assert np.all(as_written == 0)  # different scripts: nothing in common
    assert transliterated[0] > 0.5 and transliterated[2] == 1.0  # hoter/hotel 0.8, bed/bed
    assert transliterated[1] == 0.5  # kompyuta/computer: k/c, m, y/u/e, a/r
    assert np.all(transliterated > as_written)
    assert pair_transliterators("en", "ja").keys() == {"tgt"}
    assert pair_transliterators("ja", "en").keys() == {"src"}
    assert pair_transliterators("en", "es") == {}


_SYLLABLES = list("カキクケコサシスセソタテトナニヌネノハヒヘホマミムメモラリルレロガギグゲゴバビブベボパピプペポ")


@pytest.fixture(scope="module")
def loanword_world():
    """A noisy en-ja world whose target words are all katakana; every other source word is the
    Latin spelling of its translation (a loanword), the rest keep their own Latin names."""
    w = make_bilingual_world(n_words=1500, dim=20, noise=1.0, synonym_rate=0, seed=11)
    rng = random.Random(3)
    katakana, latin = {}, set(w.src.words)
    for t in w.tgt.words:
        while True:
            word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 5)))
            if word not in katakana.values() and loanword_spelling(word) not in latin:
                break
        katakana[t] = word
        latin.add(loanword_spelling(word))
    gold = dict(w.gold_pairs)
    loans = {s: loanword_spelling(katakana[t]) for i, (s, t) in enumerate(gold.items()) if i % 2 == 0}
    src = WordVectors([loans.get(s, s) for s in w.src.words], np.asarray(w.src.vectors), lang="en")
    tgt = WordVectors([katakana[t] for t in w.tgt.words], np.asarray(w.tgt.vectors), lang="ja")
    gold = {loans.get(s, s): katakana[t] for s, t in gold.items()}
    return src, tgt, gold, w.W_true


def _correct(src, tgt, gold, rows):
    return sum(gold.get(src.words[i]) == tgt.words[j] for i, j in zip(*rows))


def test_transliteration_lets_orthography_see_loanwords(loanword_world):
    src, tgt, gold, W_true = loanword_world
    X = np.asarray(src.vectors)[:800] @ W_true
    X = X / np.linalg.norm(X, axis=1, keepdims=True)
    Z = np.asarray(tgt.vectors)[:800]
    Z = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    plain = induce_dictionary(X, Z)
    as_written = induce_with_orthography(X, Z, src.words[:800], tgt.words[:800], weight=0.4)
    spelt = induce_with_orthography(X, Z, src.words[:800], tgt.words[:800], weight=0.4,
                                    transliterators=pair_transliterators("en", "ja"))
    # without the transliteration, Latin against katakana scores 0: plain CSLS induction
    assert all(np.array_equal(a, b) for a, b in zip(plain, as_written))
    assert _correct(src, tgt, gold, spelt) > _correct(src, tgt, gold, plain) + 50


def test_fit_mapping_transliterates_only_pairs_that_declare_one(loanword_world):
    src, tgt, gold, _ = loanword_world
    seed, test = list(gold.items())[:150], list(gold.items())[600:900]
    kw = {"recipe": "supervised", "refine": 1, "refine_vocab": 1000, "eval_pairs": test}
    off = fit_mapping(src, tgt, seed, transliterate=False, **kw)
    on = fit_mapping(src, tgt, seed, transliterate=True, **kw)
    assert off.metadata["transliteration"] == {} and off.metadata["transliterate"] is False
    assert on.metadata["transliteration"] == {"tgt": get_transliterator("ja")[0]}
    assert on.metadata["history"][1]["p@1_csls"] > off.metadata["history"][1]["p@1_csls"] + 0.02
    assert fit_mapping(src, tgt, seed, transliterate=True, orthography=0, **kw).metadata["transliteration"] == {}
    # the same vectors and words declared as languages without a transliteration: unchanged
    for lang_pair in (("en", "es"), ("en", "zh")):
        kw2 = {**kw, "src_lang": lang_pair[0], "tgt_lang": lang_pair[1]}
        a = fit_mapping(src, tgt, seed, transliterate=True, **kw2)
        b = fit_mapping(src, tgt, seed, transliterate=False, **kw2)
        assert a.metadata["transliteration"] == {}
        np.testing.assert_array_equal(a.W_, b.W_)
        np.testing.assert_array_equal(a.W_tgt_, b.W_tgt_)
        assert a.metadata["history"] == b.metadata["history"]


def test_transliterate_is_a_supervised_run_option_and_an_align_flag(tmp_path, loanword_world):
    a = load_config("synthetic", ["alignment.recipe=supervised", "alignment.transliterate=true"])["alignment"]
    assert recipe_params(a)["transliterate"] is True
    with pytest.raises(ConfigError, match="only the supervised recipe uses it"):
        load_config("synthetic", ["alignment.transliterate=true"])  # procrustes: not its option

    src, tgt, gold, _ = loanword_world
    write_vec(src, tmp_path / "en.vec")
    write_vec(tgt, tmp_path / "ja.vec")
    write_dictionary(list(gold.items())[:150], tmp_path / "train.txt")
    args = ["align", str(tmp_path / "en.vec"), str(tmp_path / "ja.vec"), "--dictionary", str(tmp_path / "train.txt"),
            "--recipe", "supervised", "--src-lang", "en", "--tgt-lang", "ja", "--refine", "1"]
    assert main([*args, "--transliterate", "--out", str(tmp_path / "m")]) == 0
    meta = VectorMapping.load(tmp_path / "m" / "mapping").metadata
    assert meta["transliterate"] is True and meta["transliteration"] == {"tgt": get_transliterator("ja")[0]}
