"""xproj.lang: registry, shared options, European languages, Arabic, bad input, pipe()."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from xproj.errors import ConfigError, ResourceNotFoundError, UnknownLanguageError
from xproj.lang import get_preprocessor, register, supported_languages
from xproj.lang.base import Preprocessor
from xproj.lang.normalize import clean_text, is_number, is_punct, squeeze_repeats, strip_accents

EUROPEAN = ["en", "es", "fr", "de", "it", "pt", "ca", "eu", "nl"]


@pytest.fixture(scope="module")
def en():
    return get_preprocessor("en")


@pytest.fixture(scope="module")
def es():
    return get_preprocessor("es")


# ------------------------------------------------------------------ registry
def test_supported_languages_lists_required_codes():
    langs = supported_languages()
    assert langs == sorted(langs)
    for code in EUROPEAN + ["zh", "ja", "ar"]:
        assert code in langs


def test_unknown_code_raises_with_supported_list():
    with pytest.raises(UnknownLanguageError) as err:
        get_preprocessor("xx")
    assert isinstance(err.value, KeyError)
    msg = str(err.value)
    assert "'xx'" in msg and "en" in msg and "zh" in msg and "eu" in msg


def test_code_is_case_insensitive_and_region_is_ignored():
    assert get_preprocessor("EN").lang == "en"
    assert get_preprocessor("pt-BR").lang == "pt"
    assert get_preprocessor("zh_TW").lang == "zh"


def test_non_string_code_is_type_error():
    with pytest.raises(TypeError):
        get_preprocessor(None)


def test_register_custom_factory():
    class Upper(Preprocessor):
        lang = "xq"

        def _tokenize_batch(self, texts, batch_size):
            return [t.split() for t in texts]

    register("xq", lambda **opts: Upper(**opts))
    try:
        assert get_preprocessor("xq", lowercase=False)("Hi THERE") == ["Hi", "THERE"]
        assert "xq" in supported_languages()
    finally:
        from xproj.lang import _REGISTRY

        _REGISTRY.pop("xq")


def test_import_is_cheap():
    code = ("import sys, xproj.lang; "
            "print(sorted(m for m in ('spacy', 'jieba', 'sudachipy', 'opencc', 'numpy') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


@pytest.mark.parametrize("code", EUROPEAN + ["ar"])
def test_every_spacy_language_tokenizes(code):
    toks = get_preprocessor(code)("Hotel 'Plaza': 5 stars, www.plaza.example, great!")
    assert toks[0] == "hotel" and "<url>" in toks and "5" in toks


# ------------------------------------------------------------------ tokenisation, real sentences
def test_english_sentence(en):
    assert en("Bathroom was nice and well equipped ( including a rubber duck !") == [
        "bathroom", "was", "nice", "and", "well", "equipped", "including", "a", "rubber", "duck"]


def test_english_contractions_split(en):
    assert en("I don't like it") == ["i", "do", "n't", "like", "it"]


def test_spanish_sentence(es):
    assert es("¡La habitación era muy cómoda, y el desayuno excelente!") == [
        "la", "habitación", "era", "muy", "cómoda", "y", "el", "desayuno", "excelente"]


def test_french_elision():
    assert get_preprocessor("fr")("L'hôtel n'était pas propre.") == [
        "l'", "hôtel", "n'", "était", "pas", "propre"]


def test_catalan_and_basque():
    assert get_preprocessor("ca")("L'habitació era molt neta.") == [
        "l'", "habitació", "era", "molt", "neta"]
    assert get_preprocessor("eu")("Hotela oso garbia zegoen.") == [
        "hotela", "oso", "garbia", "zegoen"]


def test_german_and_dutch():
    assert get_preprocessor("de")("Das Zimmer war sauber.") == ["das", "zimmer", "war", "sauber"]
    assert get_preprocessor("nl")("De kamer was schoon.") == ["de", "kamer", "was", "schoon"]


# ------------------------------------------------------------------ lemmas
def test_spanish_lemmas():
    pre = get_preprocessor("es", lemmatize=True)
    assert pre("Los hoteles tenían habitaciones limpias") == [
        "lo", "hotel", "tener", "habitación", "limpio"]


def test_english_lemmas_lowercase_first():
    pre = get_preprocessor("en", lemmatize=True)
    # "Rooms" is not in the (case-sensitive) table; lowercasing first finds "room".
    assert pre("Rooms were BETTER") == ["room", "be", "well"]
    # lemmas are looked up in lower case even when output case is kept
    assert get_preprocessor("en", lemmatize=True, lowercase=False)("Rooms") == ["room"]


def test_lemma_lists_are_flattened():
    # The fr and ca tables store a list of candidate lemmas per form; we take the first.
    from xproj.lang.base import LemmaTable

    assert LemmaTable({"a": ["b", "c"], "d": [], "e": "f"}).get("a") == "b"
    assert LemmaTable({"d": []}).get("d", "d") == "d"
    assert get_preprocessor("fr", lemmatize=True)("Les chambres étaient propres") == [
        "le", "chambre", "être", "propre"]


@pytest.mark.slow  # loading the Catalan table takes ~3 s
def test_catalan_lemmas():
    assert get_preprocessor("ca", lemmatize=True)("habitacions netes") == ["habitació", "net"]


@pytest.mark.parametrize("code", ["eu", "ar"])
def test_languages_without_lemma_table_raise(code):
    with pytest.raises(ResourceNotFoundError, match="no lemma table"):
        get_preprocessor(code, lemmatize=True)


def test_missing_lookups_package_gives_install_hint(monkeypatch):
    import importlib.util

    from xproj.lang import base

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "spacy_lookups_data" else real(name, *a))
    base.load_lemma_table.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"pip install 'xproj\[lemmas\]'"):
            get_preprocessor("it", lemmatize=True)
    finally:
        base.load_lemma_table.cache_clear()


# ------------------------------------------------------------------ options
def test_lowercase_option():
    assert get_preprocessor("en", lowercase=False)("Great Hotel") == ["Great", "Hotel"]
    assert get_preprocessor("en")("Great Hotel") == ["great", "hotel"]


def test_strip_accents_option(es):
    assert get_preprocessor("es", strip_accents=True)("Habitación pequeña") == [
        "habitacion", "pequena"]
    assert es("Habitación pequeña") == ["habitación", "pequeña"]


def test_placeholders_default_and_all():
    text = "Write to ana@hotel.es, see https://hotel.es/rooms?x=1 or @ana_b: 120 euros"
    assert get_preprocessor("es")(text) == [
        "write", "to", "<email>", "see", "<url>", "or", "<user>", "120", "euros"]
    assert get_preprocessor("es", placeholders=True)(text)[-2:] == ["<num>", "euros"]
    assert get_preprocessor("es", placeholders=False)(text)[:3] == ["write", "to", "ana@hotel.es"]
    only_num = get_preprocessor("en", placeholders={"num"})("3.5 stars, 50% off, 2nd floor")
    assert only_num == ["<num>", "stars", "<num>", "off", "<num>", "floor"]


def test_bad_placeholder_kind_is_config_error():
    with pytest.raises(ConfigError, match="placeholder"):
        get_preprocessor("en", placeholders={"phone"})


def test_squeeze_repeats_option(en):
    assert en("sooooo goooood, 1000 stars") == ["soo", "good", "1000", "stars"]
    assert get_preprocessor("en", max_repeat=None)("sooooo") == ["sooooo"]
    assert get_preprocessor("en", max_repeat=1)("sooo") == ["so"]


def test_keep_punct_option(en):
    assert en("Nice , clean !") == ["nice", "clean"]
    assert get_preprocessor("en", keep_punct=True)("Nice, clean!") == ["nice", ",", "clean", "!"]


def test_emoticons_and_emoji_are_kept(en):
    assert en("Loved it :) 🙂 !") == ["loved", "it", ":)", "🙂"]


def test_remove_stopwords_keeps_negators():
    pre = get_preprocessor("en", remove_stopwords=True)
    assert pre("The room was not clean and the staff did nothing") == [
        "room", "not", "clean", "staff", "nothing"]
    assert get_preprocessor("es", remove_stopwords=True)("El hotel no era de lujo") == [
        "hotel", "no", "lujo"]


def test_max_tokens_truncates(en):
    assert get_preprocessor("en", max_tokens=3)("one two three four five") == [
        "one", "two", "three"]
    long_doc = "word " * 200_000
    assert len(get_preprocessor("en", max_tokens=10)(long_doc)) == 10
    assert len(en(long_doc)) == 200_000  # no truncation by default, no max_length error


@pytest.mark.parametrize("kw", [{"max_tokens": 0}, {"max_repeat": 0}, {"unicode_form": "NFD"}])
def test_bad_option_values(kw):
    with pytest.raises(ConfigError):
        get_preprocessor("en", **kw)


def test_unknown_option_is_type_error():
    with pytest.raises(TypeError):
        get_preprocessor("en", lowercasing=True)


def test_options_roundtrip():
    pre = get_preprocessor("es", strip_accents=True, negation=True)
    again = get_preprocessor("es", **pre.options())
    assert again.options() == pre.options()
    assert "SpanishPreprocessor" in repr(pre)


# ------------------------------------------------------------------ negation
@pytest.mark.parametrize("code, text, expected", [
    ("en", "I did not like the room, but the staff was great",
     ["i", "did", "not", "NEG_like", "NEG_the", "NEG_room", "but", "the", "staff", "was", "great"]),
    ("en", "I don't recommend it. Good location",
     ["i", "do", "n't", "NEG_recommend", "NEG_it", "good", "location"]),
    ("es", "No me gustó la cama. El desayuno bien",
     ["no", "NEG_me", "NEG_gustó", "NEG_la", "NEG_cama", "el", "desayuno", "bien"]),
    ("fr", "Ce n'est pas propre ; le lit est bon",
     ["ce", "n'", "NEG_est", "pas", "NEG_propre", "le", "lit", "est", "bon"]),
    ("de", "Das Zimmer war nicht sauber.", ["das", "zimmer", "war", "nicht", "NEG_sauber"]),
    ("it", "La camera non era pulita.", ["la", "camera", "non", "NEG_era", "NEG_pulita"]),
    ("pt", "O quarto não era limpo.", ["o", "quarto", "não", "NEG_era", "NEG_limpo"]),
    ("ca", "L'habitació no era neta.", ["l'", "habitació", "no", "NEG_era", "NEG_neta"]),
    ("eu", "Ez zegoen aire girotua.", ["ez", "NEG_zegoen", "NEG_aire", "NEG_girotua"]),
    ("nl", "De kamer was niet schoon.", ["de", "kamer", "was", "niet", "NEG_schoon"]),
    ("ar", "الغرفة ليست نظيفة، الموقع ممتاز", ["الغرفة", "ليست", "NEG_نظيفة", "الموقع", "ممتاز"]),
])
def test_negation_scope(code, text, expected):
    assert get_preprocessor(code, negation=True)(text) == expected


def test_negation_off_by_default_and_custom_prefix(en):
    assert en("not good") == ["not", "good"]
    assert get_preprocessor("en", negation=True, negation_prefix="not_")("not good") == [
        "not", "not_good"]


def test_negation_does_not_mark_placeholders():
    pre = get_preprocessor("en", negation=True)
    assert pre("never visit www.bad.example again") == ["never", "NEG_visit", "<url>", "NEG_again"]


def test_negation_with_kept_punct():
    pre = get_preprocessor("en", negation=True, keep_punct=True)
    assert pre("not good, fine") == ["not", "NEG_good", ",", "fine"]


# ------------------------------------------------------------------ Arabic
def test_arabic_normalisation():
    pre = get_preprocessor("ar")
    # harakat, tatweel and alef variants all disappear
    assert pre("أَهْلاً بِكُمْ في الفندق الجميـــل") == ["اهلا", "بكم", "في", "الفندق", "الجميل"]
    assert pre("إقامة آمنة") == ["اقامة", "امنة"]
    assert pre("الفندق جميل جدا، لكن الغرفة ليست نظيفة.") == [
        "الفندق", "جميل", "جدا", "لكن", "الغرفة", "ليست", "نظيفة"]


def test_arabic_with_latin_mix():
    assert get_preprocessor("ar")("فندق Hilton ممتاز") == ["فندق", "hilton", "ممتاز"]


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("bad", [None, 3, b"bytes", ["a"]])
def test_call_rejects_non_strings(en, bad):
    with pytest.raises(TypeError, match="expected str"):
        en(bad)


def test_pipe_error_gives_index(en):
    with pytest.raises(TypeError, match=r"texts\[2\] is None"):
        en.pipe(["ok", "fine", None])
    with pytest.raises(TypeError, match=r"texts\[1\] is int"):
        en.pipe(["ok", 5])
    with pytest.raises(TypeError, match="single str"):
        en.pipe("a document")


@pytest.mark.parametrize("text", ["", " ", "\n\t  \r\n", "\u3000"])
def test_empty_and_whitespace(en, text):
    assert en(text) == []


def test_control_chars_and_surrogates(en):
    assert en("good\x00hotel\x07 \ud800nice\udfff \ufeffok") == ["good", "hotel", "nice", "ok"]
    # output must be encodable (no lone surrogates survive)
    for tok in en("a\ud83d b"):
        tok.encode("utf-8")


def test_mixed_scripts(en):
    assert en("Hotel Москва 很好 Ελλάδα") == ["hotel", "москва", "很好", "ελλάδα"]


def test_only_punctuation(en):
    assert en("!!! ... ,,,") == []


def test_fullwidth_is_normalised(en):
    assert en("ＧＯＯＤ　ｈｏｔｅｌ") == ["good", "hotel"]


# ------------------------------------------------------------------ pipe
def test_pipe_length_invariance(en):
    texts = ["Good hotel.", "", "   ", "!!!", "\x00", "Bad\ud800 food", "a " * 1000]
    for batch_size in (1, 2, 3, 1000):
        out = en.pipe(texts, batch_size=batch_size)
        assert len(out) == len(texts)
        assert out == [en(t) for t in texts]
    assert en.pipe([]) == []
    assert en.pipe(t for t in ["x y", ""]) == [["x", "y"], []]


def test_pipe_bad_batch_size(en):
    with pytest.raises(ConfigError):
        en.pipe(["a"], batch_size=0)
    with pytest.raises(ConfigError):
        en.pipe(["a"], n_jobs=0)


def test_pipe_n_jobs_equals_serial():
    # Large enough to take the parallel path (>= 2,000 documents).
    pre = get_preprocessor("es", negation=True)
    base = ["No me gustó nada el hotel, la cama era dura.", "", "Excelente ubicación :)",
            "Habitación 204 con vistas http://x.es", "Muy buen servicio"]
    texts = [f"{t} {i}" if t else t for i, t in enumerate(base * 500)]
    assert pre.pipe(texts, n_jobs=2) == pre.pipe(texts, n_jobs=1)


def test_preprocessor_pickles_without_heavy_state():
    pre = get_preprocessor("en", lemmatize=True)
    pre("rooms")
    blob = pickle.dumps(pre)
    assert len(blob) < 2_000  # options only: no spaCy pipeline or lemma table inside
    assert pickle.loads(blob)("rooms") == ["room"]


# ------------------------------------------------------------------ normalize helpers
def test_normalize_helpers():
    assert clean_text("a\x00b") == "a b"
    assert strip_accents("ÀÉÎõüçñ") == "AEIoucn"
    assert strip_accents("がっこう") == "がっこう"  # kana dakuten are not accents
    assert squeeze_repeats("cooool!!!!", 2) == "cool!!!!"
    assert is_punct("¡¿") and not is_punct("€") and not is_punct("")
    assert is_number("1.000,50") and is_number("١٢") and not is_number("x1")


def test_worker_packing_roundtrip_and_fallback():
    from xproj.lang.parallel import _pipe_chunk, _unpack

    class Split(Preprocessor):
        lang = "xs"

        def _tokenize_batch(self, texts, batch_size):
            return [t.split(" ") for t in texts]

    pre = Split(lowercase=False, max_repeat=None, unicode_form=None)
    texts = ["a b", "", "c", "!!"]
    packed = _pipe_chunk(pre, texts, 2)
    assert isinstance(packed, str) and _unpack(packed) == pre.pipe(texts)
    # a token holding a separator is sent as lists, not mis-split
    pre._cache["x"] = ("x\x1fy", 0)
    assert _pipe_chunk(pre, ["x", "a"], 2) == [["x\x1fy"], ["a"]]
