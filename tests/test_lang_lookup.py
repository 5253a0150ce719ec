"""xproj.lang.lookup: VocabularyLookup fallback chain, rows, OOV report."""

from __future__ import annotations

import numpy as np
import pytest

from xproj.lang import VocabularyLookup, get_preprocessor, oov_rate


class FakeVectors:
    """Stands in for xproj.vectors.WordVectors: only `.index` is used."""

    def __init__(self, words):
        self.index = {w: i for i, w in enumerate(words)}


@pytest.fixture(scope="module")
def es_lookup():
    return VocabularyLookup(FakeVectors(["hotel", "limpio", "habitacion", "Madrid", "ser"]), "es")


def test_fallback_chain_order(es_lookup):
    assert es_lookup.find("hotel") == 0  # exact
    assert es_lookup.find("Madrid") == 3  # exact, case kept
    assert es_lookup.find("HOTEL") == 0  # lowercase
    assert es_lookup.find("hoteles") == 0  # lemma
    assert es_lookup.find("limpias") == 1  # lemma
    assert es_lookup.find("habitación") == 2  # accent-stripped
    assert es_lookup.find("habitaciones") == 2  # lemma "habitación", then accent-stripped
    assert es_lookup.find("NEG_limpia") == 1  # negation prefix removed, then lemma
    assert es_lookup.find("xyzzy") == -1
    assert "Hoteles" in es_lookup and "xyzzy" not in es_lookup


def test_exact_form_wins_over_fallbacks():
    lk = VocabularyLookup({"Rooms": 7, "rooms": 8, "room": 9}, "en")
    assert lk.find("Rooms") == 7 and lk.find("ROOMS") == 8 and lk.find("room") == 9


def test_vocab_kinds():
    assert VocabularyLookup({"a": 5}).find("A") == 5
    assert VocabularyLookup(["x", "y", "x"]).find("x") == 0  # first occurrence wins
    assert VocabularyLookup({"b", "a"}).find("b") == 1  # sets are sorted
    with pytest.raises(TypeError, match="vocab"):
        VocabularyLookup(42)


def test_lemma_step_skipped_without_table():
    lk = VocabularyLookup({"etxe": 0}, "eu")  # no Basque lemma table
    assert not lk.has_lemmas
    assert lk.find("etxea") == -1 and lk.find("ETXE") == 0
    assert not VocabularyLookup({"a": 0}, None).has_lemmas
    assert not VocabularyLookup({"a": 0}, "en", lemmatize=False).has_lemmas


def test_optional_steps_can_be_disabled():
    lk = VocabularyLookup({"cafe": 0, "good": 1}, strip_accents=False, negation_prefix=None)
    assert lk.find("café") == -1 and lk.find("NEG_good") == -1


def test_rows(es_lookup):
    rows = es_lookup.rows(["Hoteles", "muy", "limpios"])
    assert rows.dtype == np.int64 and rows.tolist() == [0, -1, 1]
    assert es_lookup.rows([]).shape == (0,)
    with pytest.raises(TypeError):
        es_lookup.rows("hotel")
    with pytest.raises(TypeError, match="must be str"):
        es_lookup.rows(["ok", None])


def test_oov_report(es_lookup):
    docs = [["hotel", "muy", "limpio"], ["muy", "Hoteles", "!"], []]
    r = es_lookup.oov_report(docs, top=5)
    assert r["n_tokens"] == 6 and r["n_types"] == 5
    assert r["oov_tokens"] == 3 and r["oov_types"] == 2
    assert r["token_oov_rate"] == pytest.approx(0.5) and r["type_oov_rate"] == pytest.approx(0.4)
    assert r["top_oov"] == [("muy", 2), ("!", 1)]
    assert r["found_by"] == {"exact": 2, "lower": 0, "lemma": 1, "accents": 0, "negated": 0,
                          "compound": 0, "fallback": 0}


def test_oov_report_empty_and_bad_docs(es_lookup):
    assert es_lookup.oov_report([])["token_oov_rate"] == 0.0
    with pytest.raises(TypeError, match=r"docs\[0\] is a str"):
        es_lookup.oov_report(["not tokenised"])


def test_oov_rate_with_preprocessor_output():
    docs = get_preprocessor("en").pipe(["The rooms were clean", "Clean ROOMS!"])
    vocab = {"the", "room", "be", "clean"}
    assert oov_rate(docs, vocab, "en") == 0.0  # rooms->room, were->be via lemmas
    assert oov_rate(docs, vocab) == pytest.approx(3 / 6)  # no lemmas without a language


def test_cache_is_used(es_lookup):
    es_lookup.find("camas")
    assert "camas" in es_lookup._cache


def test_fallback_vocabulary_is_the_last_step_numbered_after_this_one():
    en = VocabularyLookup(FakeVectors(["lol", "happy", "tag", "sun", "day"]), None, lemmatize=False,
                          strip_accents=False, split_compounds=False)
    de = VocabularyLookup(FakeVectors(["haus", "tür", "tag", "sonne", "kinder", "betreuung"]), None,
                          compound_lang="de", fallback=en, fallback_offset=6)
    assert de.find("tag") == 2                      # German first, whatever English has
    assert de.find("lol") == 6 + 0 and de.find("Happy") == 6 + 1   # English, rows after German's
    assert de.find("NEG_lol") == 6 + 0              # the negation step reaches the fallback too
    assert de.find("kinderbetreuung") == 5          # the German compound step comes first
    assert de.find("sunday") == -1                  # compound parts are never English words
    assert de.find("zzz") == -1
    report = de.oov_report([["lol", "tag", "zzz"]])
    assert report["found_by"]["fallback"] == 1 and report["oov_tokens"] == 1
    assert VocabularyLookup(FakeVectors(["tag"]), None).find("lol") == -1  # no fallback: unchanged
