"""German compound splitting (xproj.lang.compounds) and the lookup's compound step."""

import pytest

from xproj.lang import VocabularyLookup
from xproj.lang.compounds import COMPOUND_LANGUAGES, split_compound

VOCAB = ["kinder", "betreuung", "kosten", "hals", "schmerzen", "welt", "meisterschaft",
         "fußball", "tag", "schöner", "küss", "chen", "an", "ei"]
known = set(VOCAB).__contains__


@pytest.mark.parametrize("word, parts", [
    ("halsschmerzen", ["hals", "schmerzen"]),
    ("kinderbetreuungskosten", ["kinder", "betreuung", "kosten"]),  # linking -s- dropped
    ("fußballweltmeisterschaft", ["fußball", "welt", "meisterschaft"]),
])
def test_split_into_known_parts_head_last(word, parts):
    assert split_compound(word, known, "de") == parts


def test_no_split_when_a_part_is_unknown_short_or_not_german():
    assert split_compound("halsweh", known, "de") is None          # "weh" unknown
    assert split_compound("schönertag", known, "de") is None       # head "tag" below 4 letters
    assert split_compound("schönertag", known, "de", min_part=3) == ["schöner", "tag"]
    assert split_compound("küsschen", known, "de") is None         # a suffix is not a head
    assert split_compound("anei", known, "de") is None             # too short to hold two parts
    assert split_compound("halsschmerzen", known, "fr") is None    # only COMPOUND_LANGUAGES
    assert split_compound("hals2schmerzen", known, "de") is None   # letters only
    assert "de" in COMPOUND_LANGUAGES


def test_lookup_uses_the_head_row_and_reports_the_step():
    lk = VocabularyLookup(VOCAB, None, compound_lang="de")
    assert lk.find("Halsschmerzen") == VOCAB.index("schmerzen")
    assert lk.find("NEG_halsschmerzen") == VOCAB.index("schmerzen")
    r = lk.oov_report([["halsschmerzen", "hals", "xyz"]])
    assert r["found_by"]["compound"] == 1 and r["oov_tokens"] == 1
    # off for other languages and on request
    assert VocabularyLookup(VOCAB, "es").find("halsschmerzen") == -1
    assert VocabularyLookup(VOCAB, "de", split_compounds=False).find("halsschmerzen") == -1
    # deterministic: a fresh lookup gives the same rows
    assert VocabularyLookup(VOCAB, None, compound_lang="de").find("kinderbetreuungskosten") == lk.find(
        "kinderbetreuungskosten")


@pytest.mark.data
def test_real_german_vocabulary_splits_tweet_compounds(tmp_path):
    from conftest import shared_file

    from xproj.vectors import load_vectors

    de = load_vectors(shared_file("vectors", "de.100d.top50k.vec.xz"), lang="de", cache_dir=tmp_path)
    lk = VocabularyLookup(de, "de")
    plain = VocabularyLookup(de, "de", split_compounds=False)
    for word, parts in [("halsschmerzen", ["hals", "schmerzen"]), ("überwachungsstaat", ["überwachung", "staat"]),
                        ("beziehungsstatus", ["beziehung", "status"])]:
        assert plain.find(word) == -1 and split_compound(word, plain.__contains__, "de") == parts
        assert lk.find(word) == de.index[parts[-1]]
