"""Tokens and dictionary words spelt as the vectors spell them: script normalisers, apostrophes,
HTML entities, accent- and sharp-s-insensitive lookup (issue 10)."""

from __future__ import annotations

import pytest

from xproj.lang import VocabularyLookup, get_preprocessor
from xproj.lang.normalize import fold_spelling, unescape_html, unify_apostrophes
from xproj.lang.script import get_script_normalizer


@pytest.fixture(scope="module")
def fr():
    return get_preprocessor("fr")


def test_french_elision_with_typographic_apostrophe_matches_straight(fr):
    # The vectors and the lemma table know "l'" (-> le) and "aujourd'hui", not "l’" or "aujourd’hui".
    assert fr("l’hôtel") == fr("l'hôtel") == ["l'", "hôtel"]
    assert fr("Aujourd’hui") == ["aujourd'hui"]
    assert fr("l´accueil qu`il") == ["l'", "accueil", "qu'", "il"]


def test_quotes_that_are_not_apostrophes_are_left(fr):
    assert unify_apostrophes("‘bien’ l’été") == "‘bien’ l'été"
    assert fr("‘Bien’") == ["bien"]


def test_html_entities_are_decoded():
    de = get_preprocessor("de")
    assert de("Danke &amp; Grüße &lt;3 &quot;Das Haus&quot;") == ["danke", "grüße", "<3", "das", "haus"]
    assert unescape_html("a&b &unknown; &#65;") == "a&b &unknown; A"
    assert unescape_html("x&#0;y") == "x\ufffdy"  # no NUL can come back from an entity


def test_german_nouns_are_lowercased_as_in_the_vectors():
    vocab = VocabularyLookup(["haus", "straße", "schön"], "de", lemmatize=False)
    tokens = get_preprocessor("de")("Das Haus an der Straße ist schön")
    assert [vocab.find(t) for t in tokens if t in ("haus", "straße", "schön")] == [0, 1, 2]


def test_lookup_finds_words_typed_without_accents_or_sharp_s():
    lk = VocabularyLookup(["très", "côte", "coté", "scheiße", "cote_rare"], "fr", lemmatize=False)
    assert lk.find("tres") == 0 and lk.find("TRES") == 0
    assert lk.find("cote") == 1  # two accented spellings: the more frequent (lower row) wins
    assert lk.find("scheisse") == 3
    assert lk.oov_report([["tres", "scheisse", "zzz"]])["found_by"]["accents"] == 2
    assert VocabularyLookup(["très"], strip_accents=False).find("tres") == -1
    assert fold_spelling("Straße") == "Strasse"


def test_script_normalizers_declared_per_language():
    assert get_script_normalizer("fr")[0] == "NFKC"
    assert get_script_normalizer("ja")[1]("ＡＢＣ１２") == "ABC12"
    assert get_script_normalizer("ko")[0] == "NFKC"  # a MUSE language without a preprocessor


def test_chinese_script_normalizer_needs_the_extra(monkeypatch):
    from xproj.lang import zh

    def missing():
        raise ImportError("Traditional->Simplified conversion needs ...: pip install 'xproj[zh]'")

    monkeypatch.setattr(zh, "t2s_converter", missing)
    with pytest.raises(ImportError, match=r"xproj\[zh\]"):
        get_script_normalizer("zh")


def test_tilde_is_punctuation_in_chinese_and_japanese():
    assert get_preprocessor("zh")("好～～") == ["好"]
    # it ends a negation scope like the comma it stands for
    neg = get_preprocessor("zh", negation=True)
    assert neg("房间不大～但是很干净") == neg("房间不大，但是很干净") == ["房间", "不", "NEG_大", "但是", "很", "干净"]
    assert "~" in get_preprocessor("en")("a ~ b")  # elsewhere a symbol, kept as before
