"""xproj.lang: tokenisers' input limits and bad text that reaches a preprocessor via predict."""

from __future__ import annotations

import pytest

from xproj.lang import get_preprocessor
from xproj.lang.limits import split_text
from xproj.lang.spacy_based import blank_nlp


# ------------------------------------------------------------------ split_text
def test_short_text_is_one_piece():
    assert split_text("Good hotel.", max_bytes=100) == ["Good hotel."]
    assert split_text("", max_chars=5) == [""]


def test_pieces_end_at_sentence_boundaries_and_join_back():
    text = "一文目です。二文目です！三文目？\n" * 50
    pieces = split_text(text, max_bytes=100)
    assert "".join(pieces) == text
    assert all(len(p.encode()) <= 100 for p in pieces)
    assert all(p[-1] in "。！？\n" for p in pieces[:-1])


def test_sentence_over_the_limit_is_cut_between_characters():
    text = "a😀ホテル" * 1000  # 1-, 4- and 3-byte characters, no sentence boundary
    for limit in (7, 8, 9, 10, 50):
        pieces = split_text(text, max_bytes=limit)
        assert "".join(pieces) == text
        assert all(0 < len(p.encode()) <= limit for p in pieces)


def test_long_sentence_is_cut_at_a_space_when_there_is_one():
    text = "word " * 100
    pieces = split_text(text, max_chars=32)
    assert "".join(pieces) == text
    assert all(len(p) <= 32 and p.endswith(" ") for p in pieces)


def test_limit_smaller_than_one_character_is_rejected():
    with pytest.raises(ValueError):
        split_text("😀", max_bytes=3)


# ------------------------------------------------------------------ spaCy's max_length
class _SpyTokenizer:
    """Stands in for ``nlp.tokenizer``: records the length of every text it is given."""

    def __init__(self, tokenizer):
        self.tokenizer, self.lengths = tokenizer, []

    def __call__(self, text):
        self.lengths.append(len(text))
        return self.tokenizer(text)

    def pipe(self, texts, batch_size=1000):
        for text in texts:
            yield self(text)


@pytest.mark.parametrize("code", ["en", "ar"])
def test_spacy_never_gets_more_than_max_length(code, monkeypatch):
    nlp = blank_nlp(code)
    spy = _SpyTokenizer(nlp.tokenizer)
    monkeypatch.setattr(nlp, "tokenizer", spy)
    monkeypatch.setattr(nlp, "max_length", 100)
    pre = get_preprocessor(code)
    text = "Good hotel! " * 50  # 600 characters
    assert pre(text) == ["good", "hotel"] * 50
    assert pre.pipe(["Nice", text])[1] == ["good", "hotel"] * 50
    assert spy.lengths and max(spy.lengths) <= 100


# ------------------------------------------------------------------ bad text
@pytest.mark.parametrize("code", ["en", "zh", "ar"])
def test_invisible_format_characters_do_not_stick_to_tokens(code):
    # bidi marks/overrides, soft hyphen and word joiner are invisible: "ho\xadtel" is "hotel"
    text = "\u202egood\u202c \u200fho\u00adtel\u200e \u2066nice\u2069 wi\u2060fi"
    assert get_preprocessor(code)(text) == ["good", "hotel", "nice", "wifi"]


@pytest.mark.slow
@pytest.mark.parametrize("code", ["en", "zh", "ar", "ja"])
def test_ten_megabyte_line_gives_tokens(code):
    if code == "ja":
        pytest.importorskip("sudachipy")
    text = "good hotel, nice room! " * 450_000  # ~10 MB, one line
    tokens = get_preprocessor(code)(text)
    assert tokens[:4] == ["good", "hotel", "nice", "room"] and len(tokens) == 4 * 450_000
