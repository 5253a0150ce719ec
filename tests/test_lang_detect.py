"""``xproj.lang.detect``: each text's language on its own, None with a reason for texts
without one, candidates restriction, and the install hint when py3langid is missing."""

import sys

import pytest

from xproj.lang import detect as detect_module
from xproj.lang.detect import detect, detect_language

pytest.importorskip("py3langid")

SENTENCES = {
    "en": ["The room was clean and the staff were very friendly.",
           "I would not recommend this hotel to anyone, the service was awful.",
           "Breakfast was great but the bathroom was small."],
    "es": ["La habitación estaba limpia y el personal fue muy amable.",
           "No recomendaría este hotel a nadie, el servicio fue horrible.",
           "El desayuno estuvo genial pero el baño era pequeño."],
    "fr": ["La chambre était propre et le personnel très aimable.",
           "Je ne recommande pas cet hôtel, le service était épouvantable."],
    "de": ["Das Zimmer war sauber und das Personal sehr freundlich.",
           "Ich würde dieses Hotel niemandem empfehlen, der Service war furchtbar."],
    "it": ["La camera era pulita e il personale molto gentile."],
    "pt": ["O quarto estava limpo e os funcionários foram muito simpáticos."],
    "nl": ["De kamer was schoon en het personeel was erg vriendelijk."],
    "zh": ["房间很干净，服务员也非常热情。", "这家酒店的服务太差了，不推荐。"],
    "ja": ["部屋はとても清潔で、スタッフも親切でした。", "このホテルは二度と利用しません。"],
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_a_handful_of_sentences_per_language(lang):
    assert detect_language(SENTENCES[lang]) == [lang] * len(SENTENCES[lang])


def test_no_language_for_empty_emoji_only_or_too_short_text():
    found = detect(["", "   ", "👍👍🎉", "12 !!", "a", None])
    assert [d.lang for d in found] == [None] * 6
    reasons = [d.reason for d in found]
    assert reasons[:2] == ["empty text", "empty text"]
    assert all("no letters" in r for r in reasons[2:4])
    assert "too short" in reasons[4] and reasons[5] == "empty text"


def test_undecidable_text_gets_none_with_the_best_guess_in_the_reason():
    (d,) = detect(["ok"])
    assert d.lang is None and "not identified" in d.reason and d.confidence < 0.3


def test_candidates_restrict_the_answer():
    texts = ["Hotel bueno", "Super", *SENTENCES["fr"]]
    answers = detect_language(texts, candidates=["en", "es"])
    assert answers[0] == "es"
    assert set(answers) <= {"en", "es", None}
    assert detect_language(SENTENCES["es"], candidates=["ES", " en"]) == ["es"] * 3


@pytest.mark.parametrize("candidates, message", [(["en", "xx"], "does not know xx"), ([], "empty")])
def test_bad_candidates_are_refused(candidates, message):
    with pytest.raises(ValueError, match=message):
        detect_language(["hello world"], candidates=candidates)


def test_a_text_gets_the_same_answer_whatever_its_neighbours():
    texts = [t for ts in SENTENCES.values() for t in ts]
    alone = [detect([t])[0] for t in texts]
    assert detect(texts) == alone
    assert detect(texts[::-1]) == alone[::-1]


def test_missing_py3langid_gives_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "py3langid", None)
    monkeypatch.setitem(sys.modules, "py3langid.langid", None)
    detect_module._identifier.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"pip install 'xproj\[langid\]'"):
            detect_language(["hello"])
    finally:
        detect_module._identifier.cache_clear()
