import numpy as np
import pytest

from conftest import shared_file
from xproj.dictionaries import (
    NoOverlapError,
    dictionary_stats,
    group_by_source,
    unseen_queries,
    identical_strings,
    numerals,
    read_dictionary,
    split_by_source,
    to_indices,
    write_dictionary,
)
from xproj.errors import InputFormatError
from xproj.vectors import WordVectors


def test_space_and_tab_separated(tmp_path):
    p = tmp_path / "d.txt"
    p.write_text("the el\nthe la\ncat\tgato\n\nthe el\n", encoding="utf-8")
    assert read_dictionary(p) == [("the", "el"), ("the", "la"), ("cat", "gato")]


def test_bad_line_is_named(tmp_path):
    p = tmp_path / "d.txt"
    p.write_text("a b\nonlyone\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"d.txt, line 2: expected 'source target'"):
        read_dictionary(p)
    assert read_dictionary(p, errors="skip") == [("a", "b")]
    (tmp_path / "e.txt").write_text("", encoding="utf-8")
    with pytest.raises(InputFormatError, match="no pairs"):
        read_dictionary(tmp_path / "e.txt")


def test_split_by_unique_source_in_file_order():
    pairs = [("a", "1"), ("a", "2"), ("b", "3"), ("c", "4"), ("c", "5"), ("d", "6")]
    train, test = split_by_source(pairs, 2, 1)
    assert train == pairs[:3] and test == [("c", "4"), ("c", "5")]
    assert group_by_source(pairs)["c"] == ["4", "5"]


def test_stats_and_overlap_error(tmp_path):
    pairs = [("a", "x"), ("a", "y"), ("b", "b")]
    st = dictionary_stats(pairs, {"a"}, {"x"})
    assert (st.pairs, st.sources, st.max_translations, st.identical_pairs, st.covered_pairs) == (3, 2, 2, 1, 1)
    src = WordVectors(["q"], np.eye(1))
    with pytest.raises(NoOverlapError, match="none of its 3 pairs"):
        to_indices(pairs, src, src, name="mydict.txt")
    write_dictionary(pairs, tmp_path / "o.txt")
    assert read_dictionary(tmp_path / "o.txt") == pairs


def test_identical_and_numeral_seeds():
    src = ["the", "hotel", "1990", "3,5", "taxi"]
    tgt = ["el", "hotel", "1990", "3,5", "taxi"]
    assert identical_strings(src, tgt) == [("hotel", "hotel"), ("1990", "1990"), ("3,5", "3,5"), ("taxi", "taxi")]
    assert numerals(src, tgt) == [("1990", "1990"), ("3,5", "3,5")]


@pytest.mark.data
def test_real_muse_dictionaries():
    full = read_dictionary(shared_file("data", "muse", "en-es.txt"))
    assert len(full) == 112580
    train = read_dictionary(shared_file("data", "muse", "en-es.0-5000.txt"))
    test = read_dictionary(shared_file("data", "muse", "en-es.5000-6500.derived.txt"))
    assert len({s for s, _ in train}) == 5000 and len({s for s, _ in test}) == 1500
    assert len(test) == 2975
    # The shared splits are the MUSE prefix splits of the full file.
    tr, te = split_by_source(full, 5000, 1500)
    assert te == test
    ja = read_dictionary(shared_file("data", "muse", "en-ja.0-5000.txt"))  # TAB-separated
    assert all(len(p) == 2 for p in ja) and len(ja) > 1000


# -- issue 9: every bad input gets one clear line ---------------------------------------------


def test_byte_order_mark_keeps_the_first_pair(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes("\ufeffthe el\ncat gato\n".encode("utf-8"))
    assert read_dictionary(p) == [("the", "el"), ("cat", "gato")]


def test_mislabelled_gzip_dictionary_gives_one_line(tmp_path):
    from xproj.errors import XprojError

    p = tmp_path / "d.txt.gz"
    p.write_bytes(b"a b\n")
    with pytest.raises(XprojError, match="d.txt.gz"):
        read_dictionary(p)


def test_unreadable_dictionary_gives_one_line(tmp_path, monkeypatch):
    from test_vectors import deny_reading
    from xproj.errors import XprojError

    p = tmp_path / "locked.txt"
    p.write_text("a b\n", encoding="utf-8")
    deny_reading(p, monkeypatch)
    with pytest.raises(XprojError, match="locked.txt: cannot read it: permission denied"):
        read_dictionary(p)


# -- one script per language (issue 10) -------------------------------------------------------

def test_normalize_pairs_converts_traditional_and_records_it(tmp_path):
    pytest.importorskip("opencc")
    from xproj.dictionaries import normalize_pairs

    pairs = [("also", "還有"), ("also", "还有"), ("from", "來自"), ("hotel", "酒店"), ("ＴＶ", "電視")]
    out, rec = normalize_pairs(pairs, "en", "zh")
    assert out == [("also", "还有"), ("from", "来自"), ("hotel", "酒店"), ("TV", "电视")]
    assert (rec.src_words_changed, rec.tgt_words_changed, rec.pairs_before, rec.pairs_after) == (1, 3, 5, 4)
    assert rec.tgt_normalizer == "NFKC + OpenCC t2s" and rec.as_dict()["src_normalizer"] == "NFKC"
    assert "zh words to NFKC + OpenCC t2s (3 changed)" in rec.describe()
    p = tmp_path / "d.txt"
    p.write_text("".join(f"{s} {t}\n" for s, t in pairs), encoding="utf-8")
    assert read_dictionary(p, normalize_lang={"src": "en", "tgt": "zh"}) == out
    assert read_dictionary(p) == pairs  # unchanged unless asked


def test_run_records_script_normalization_or_warns(monkeypatch):
    pytest.importorskip("opencc")
    from xproj.run.spaces import one_script

    scripts, warnings = {}, []
    assert one_script([("also", "還有")], "en", "zh", "seed", scripts, warnings) == [("also", "还有")]
    assert scripts["seed"]["tgt_words_changed"] == 1 and not warnings
    assert one_script("identical", "en", "zh", "seed", {}, warnings) == "identical"
    assert one_script(None, "en", "zh", "test", {}, warnings) is None

    import xproj.dictionaries as d

    def missing(*args):
        raise ImportError("pip install 'xproj[zh]'")

    monkeypatch.setattr(d, "normalize_pairs", missing)
    scripts = {}
    assert one_script([("also", "還有")], "en", "zh", "test", scripts, warnings) == [("also", "還有")]
    assert scripts == {} and "test dictionary not brought to one script" in warnings[0]


@pytest.mark.data
@pytest.mark.slow
def test_muse_en_zh_coverage_doubles_after_t2s():
    pytest.importorskip("opencc")
    from xproj.dictionaries import normalize_pairs
    from xproj.vectors import load_vectors

    test = read_dictionary(shared_file("data", "muse", "en-zh.5000-6500.derived.txt"))
    en = load_vectors(shared_file("vectors", "en.100d.top50k.vec.xz"), limit=50000, lowercase=True)
    zh = load_vectors(shared_file("vectors", "zh.100d.top50k.vec.xz"), limit=50000, lowercase=True)
    before = dictionary_stats(test, en.index, zh.index).covered_sources
    after = dictionary_stats(normalize_pairs(test, "en", "zh")[0], en.index, zh.index).covered_sources
    assert (before, after) == (422, 875)


def test_unseen_queries_drop_every_pair_of_a_seed_source_word():
    test = [("a", "1"), ("a", "2"), ("b", "3"), ("c", "4")]
    kept, left_out = unseen_queries(test, [("a", "9"), ("z", "8")])
    assert kept == [("b", "3"), ("c", "4")] and left_out == 1
    assert unseen_queries(test, "identical") == (test, 0)  # no pairs to compare with
    assert unseen_queries(None, [("a", "1")]) == (None, 0)
