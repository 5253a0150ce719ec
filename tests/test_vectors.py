import gzip
import lzma
import os
import pickle
import time

import numpy as np
import pytest

from xproj.errors import InputFormatError, ResourceNotFoundError, ShapeError
from xproj.vectors import (
    WordVectors,
    center,
    load_vectors,
    normalize,
    read_vec,
    unit_length,
    write_vec,
)


def write(path, text, mode="w"):
    if isinstance(text, str):
        text = text.encode("utf-8")
    opener = {".gz": gzip.open, ".xz": lzma.open}.get(path.suffix, open)
    with opener(path, "wb") as f:
        f.write(text)
    return path


VEC = "3 2\nthe 0.1 0.2\nHotel 1.0 -1.0\nhotel 2.0 2.0\n"


@pytest.mark.parametrize("suffix", [".vec", ".vec.gz", ".vec.xz"])
def test_read_plain_and_compressed(tmp_path, suffix):
    wv = read_vec(write(tmp_path / ("v" + suffix), VEC))
    assert wv.words == ["the", "Hotel", "hotel"]
    assert wv.vectors.dtype == np.float32
    np.testing.assert_allclose(wv["Hotel"], [1.0, -1.0])
    assert wv.dim == 2 and len(wv) == 3


def test_without_header_and_crlf(tmp_path):
    wv = read_vec(write(tmp_path / "v.vec", "a 1 2 3\r\nb 4 5 6\r\n"))
    assert wv.words == ["a", "b"]
    np.testing.assert_allclose(wv.vectors, [[1, 2, 3], [4, 5, 6]])


def test_limit_vocabulary_and_lowercase_first_wins(tmp_path):
    p = write(tmp_path / "v.vec", VEC)
    assert read_vec(p, limit=2).words == ["the", "Hotel"]
    low = read_vec(p, lowercase=True)
    assert low.words == ["the", "hotel"]
    np.testing.assert_allclose(low["hotel"], [1.0, -1.0])  # the first occurrence (Hotel) wins
    assert low.load_stats["duplicates"] == 1
    assert read_vec(p, vocabulary={"hotel"}).words == ["hotel"]
    assert read_vec(p, vocabulary={"hotel"}, lowercase=True)["hotel"][0] == 1.0


def test_trailing_space_lines(tmp_path):
    wv = read_vec(write(tmp_path / "v.vec", "2 2\na 1 2 \nb 3 4 \n"))
    np.testing.assert_allclose(wv.vectors, [[1, 2], [3, 4]])


@pytest.mark.parametrize(
    "body, line, problem",
    [
        ("2 2\na 1 2\nb 1 2 3\n", 3, "has 3 values, expected 2"),
        ("2 2\na 1 2\nb 1 x\n", 3, "'x' is not a number"),
        ("2 3\na 1 2\nb 1 2\n", 2, "header says 3"),
        ("3 2\na 1 2\nb 1 2\n", None, "header says 3 words, the file has 2"),
        ("2 2\na 1 2\nb\n", 3, "no vector values"),
        ("2 2\na 1 2\nb nan 1\n", 3, "non-finite"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, body, line, problem):
    p = write(tmp_path / "bad.vec", body)
    with pytest.raises(InputFormatError) as e:
        read_vec(p)
    msg = str(e.value)
    assert "bad.vec" in msg and problem in msg
    assert e.value.line == line


def test_skip_mode_counts_bad_lines(tmp_path):
    p = write(tmp_path / "bad.vec", b"a 1 2\nb 1 x\n\xff\xfe 1 2\nc 3 4\n")
    wv = read_vec(p, errors="skip")
    assert wv.words == ["a", "c"] and wv.load_stats["skipped"] == 2


def test_non_utf8_raises_with_line(tmp_path):
    p = write(tmp_path / "bad.vec", b"2 2\na 1 2\n\xff\xfe 1 2\n")
    with pytest.raises(InputFormatError, match=r"line 3: not valid UTF-8"):
        read_vec(p)


def test_empty_and_missing_files(tmp_path):
    with pytest.raises(InputFormatError, match="empty file"):
        read_vec(write(tmp_path / "e.vec", ""))
    with pytest.raises(ResourceNotFoundError, match="nope.vec"):
        load_vectors(tmp_path / "nope.vec")


def test_duplicates_keep_first(tmp_path):
    wv = read_vec(write(tmp_path / "d.vec", "a 1 1\nb 2 2\na 3 3\n"))
    assert wv.words == ["a", "b"] and wv["a"][0] == 1 and wv.load_stats["duplicates"] == 1


def test_write_read_roundtrip(tmp_path):
    rng = np.random.default_rng(0)
    wv = WordVectors([f"w{i}" for i in range(50)], rng.standard_normal((50, 7)))
    for name in ("r.vec", "r.vec.gz", "r.vec.xz"):
        back = read_vec(write_vec(wv, tmp_path / name))
        assert back.words == wv.words
        np.testing.assert_allclose(back.vectors, wv.vectors, atol=5.1e-5)


def test_cache_memory_maps_and_invalidates(tmp_path):
    p = write(tmp_path / "v.vec", VEC)
    cdir = tmp_path / "cache"
    first = load_vectors(p, cache_dir=cdir)
    assert isinstance(first.vectors, np.memmap)
    files = sorted(os.listdir(cdir))
    assert len(files) == 3 and not any(f.endswith(".tmp") for f in files)
    again = load_vectors(p, cache_dir=cdir)
    assert isinstance(again.vectors, np.memmap) and again.words == first.words
    # Other options: another entry, same source.
    assert load_vectors(p, cache_dir=cdir, limit=2).words == ["the", "Hotel"]
    assert len(os.listdir(cdir)) == 6
    # A changed source file invalidates its entries.
    time.sleep(0.01)
    write(p, "2 2\nnew 5 5\nwords 6 6\n")
    os.utime(p, ns=(time.time_ns(), time.time_ns() + 10**9))
    changed = load_vectors(p, cache_dir=cdir)
    assert changed.words == ["new", "words"]
    assert sum(f.endswith(".json") for f in os.listdir(cdir)) == 1  # stale entries removed


def test_damaged_cache_entry_is_rebuilt(tmp_path):
    p = write(tmp_path / "v.vec", VEC)
    cdir = tmp_path / "cache"
    load_vectors(p, cache_dir=cdir)
    npy = next(cdir.glob("*.npy"))
    npy.write_bytes(b"garbage")
    assert load_vectors(p, cache_dir=cdir).words == ["the", "Hotel", "hotel"]


def test_failed_read_leaves_no_cache_files(tmp_path):
    p = write(tmp_path / "bad.vec", "2 2\na 1 2\nb 1\n")
    cdir = tmp_path / "cache"
    with pytest.raises(InputFormatError):
        load_vectors(p, cache_dir=cdir)
    assert not cdir.exists() or os.listdir(cdir) == []


def test_default_cache_dir_follows_env(tmp_path, monkeypatch):
    monkeypatch.setenv("XPROJ_DATA", str(tmp_path / "data"))
    load_vectors(write(tmp_path / "v.vec", VEC))
    assert any((tmp_path / "data" / "cache").glob("v.vec.*.npy"))


def test_normalisation_steps():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((100, 5)) * 3 + 2
    U = unit_length(X)
    np.testing.assert_allclose(np.linalg.norm(U, axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(center(X).mean(axis=0), 0, atol=1e-5)
    V = normalize(X, "unit,center,unit")
    np.testing.assert_allclose(np.linalg.norm(V, axis=1), 1, rtol=1e-5)
    assert abs(V.mean(axis=0)).max() < 0.2
    wv = WordVectors([str(i) for i in range(100)], X)
    assert isinstance(normalize(wv, "unit"), WordVectors)
    np.testing.assert_allclose(wv.vectors, X.astype(np.float32))  # inputs untouched
    with pytest.raises(ValueError, match="unknown normalisation"):
        normalize(X, "unit,whiten")
    assert unit_length(np.zeros((2, 3))).sum() == 0  # zero rows stay zero, no NaN


def test_wordvectors_shape_and_duplicates():
    with pytest.raises(ShapeError):
        WordVectors(["a", "b"], np.zeros((3, 2)))
    with pytest.raises(ValueError, match="duplicate"):
        WordVectors(["a", "a"], np.zeros((2, 2)))
    wv = WordVectors(["a", "b", "c"], np.eye(3))
    assert wv.rows(["c", "zz", "a"]).tolist() == [2, -1, 0]
    assert wv.head(2).words == ["a", "b"]
    assert wv.subset(["c", "a", "q"]).words == ["a", "c"]
    with pytest.raises(KeyError, match="not in the vocabulary"):
        wv["zz"]


def test_save_load_prefix(tmp_path):
    wv = WordVectors(["a", "b"], np.eye(2))
    wv.save(tmp_path / "kv")
    back = WordVectors.load(tmp_path / "kv")
    assert back.words == ["a", "b"] and isinstance(back.vectors, np.memmap)


def test_from_spacy_pipeline_vectors():
    spacy = pytest.importorskip("spacy")
    from xproj.vectors import from_spacy

    nlp = spacy.blank("es")
    nlp.vocab.set_vector("hotel", np.array([1.0, 0.0, 2.0], dtype=np.float32))
    nlp.vocab.set_vector("playa", np.array([0.0, 3.0, 0.0], dtype=np.float32))
    wv = from_spacy(nlp)
    assert set(wv.words) == {"hotel", "playa"} and wv.lang == "es" and wv.dim == 3
    np.testing.assert_allclose(wv["playa"], [0, 3, 0])
    with pytest.raises(InputFormatError, match="no word vectors"):
        from_spacy(spacy.blank("en"))
    with pytest.raises(ResourceNotFoundError, match="not installed"):
        from_spacy("xx_no_such_pipeline")


# -- declared attributes: load_stats and oov --------------------------------------------------


def test_load_stats_are_declared_and_survive_the_cache(tmp_path):
    assert WordVectors(["a"], np.ones((1, 2))).load_stats is None  # not read from a file
    p = write(tmp_path / "v.vec", VEC)
    read = read_vec(p, lowercase=True, vocabulary={"hotel"})
    assert read.load_stats == {"lines": 3, "skipped": 0, "duplicates": 1, "filtered": 1,
                               "header": (3, 2), "zero_vectors": 0, "warnings": []}
    cdir = tmp_path / "cache"
    first = load_vectors(p, cache_dir=cdir, lowercase=True, vocabulary={"hotel"})
    again = load_vectors(p, cache_dir=cdir, lowercase=True, vocabulary={"hotel"})
    for wv in (first, again):  # the entry keeps them (JSON: the header becomes a list)
        assert wv.load_stats == {**read.load_stats, "header": [3, 2]}
    assert load_vectors(p, cache=False).load_stats["lines"] == 3


def test_stats_is_a_deprecated_alias_of_load_stats(tmp_path):
    wv = read_vec(write(tmp_path / "v.vec", VEC))
    with pytest.warns(DeprecationWarning, match="load_stats"):
        assert wv.stats is wv.load_stats


def test_oov_builder_is_a_declared_attribute():
    wv = WordVectors(["a", "b"], np.eye(2), oov=lambda w: np.full(2, len(w), dtype=np.float32))
    assert wv.has_subwords and wv.oov is not None
    np.testing.assert_allclose(wv["abc"], [3, 3])
    assert wv.with_vectors(2 * wv.vectors).oov is wv.oov  # same words: unseen words too
    assert wv.head(1).oov is None  # other words: no builder
    plain = WordVectors(["a"], np.ones((1, 2)))
    assert plain.oov is None and not plain.has_subwords


def test_pickles_keep_the_attributes_and_read_the_old_names():
    wv = WordVectors(["a", "b"], np.eye(2), lang="es", load_stats={"lines": 2})
    back = pickle.loads(pickle.dumps(wv))
    assert back.words == wv.words and back.load_stats == {"lines": 2} and back.oov is None
    # State written by xproj 0.1, whose WordVectors kept ``_oov`` and (from readers) ``stats``.
    old_state = {k: v for k, v in wv.__getstate__().items() if k not in ("oov", "load_stats")}
    old = WordVectors.__new__(WordVectors)
    old.__setstate__({**old_state, "_oov": None, "stats": {"lines": 2}})
    assert old.load_stats == {"lines": 2} and old.oov is None and old["b"][1] == 1
    old.__setstate__({**old_state, "_oov": None})  # built in memory: had no stats at all
    assert old.load_stats is None and not old.has_subwords


def test_package_reexports_the_public_names():
    import xproj.vectors as vectors
    from xproj.vectors.fasttext_bin import FastTextOOV

    for name in ("WordVectors", "read_vec", "write_vec", "read_fasttext_bin", "from_spacy",
                 "load_vectors", "cache_key", "CACHE_FORMAT", "unit_length", "center",
                 "normalize", "NORMALIZERS"):
        assert name in vectors.__all__ and hasattr(vectors, name)
    assert vectors._FastTextOOV is FastTextOOV  # the name pickled in models saved by xproj 0.1


# -- issue 9: every bad input gets one clear line ---------------------------------------------


def test_header_count_above_the_body_names_both_counts(tmp_path, caplog):
    p = write(tmp_path / "short.vec", "50000 2\n" + "".join(f"w{i} 1 2\n" for i in range(3000)))
    with pytest.raises(InputFormatError, match="short.vec: header says 50000 words, the file has 3000"):
        read_vec(p, limit=10000)
    with caplog.at_level("WARNING"):  # skip mode: a warning, and the words that are there
        wv = read_vec(p, limit=10000, errors="skip")
    assert len(wv) == 3000 and "short.vec: header says 50000 words, the file has 3000" in caplog.text


def test_header_count_below_the_body_is_caught_when_limit_exceeds_it(tmp_path):
    p = write(tmp_path / "long.vec", "3 2\n" + "".join(f"w{i} 1 2\n" for i in range(50)))
    with pytest.raises(InputFormatError, match="long.vec: header says 3 words, the file has at least 10"):
        read_vec(p, limit=10)
    assert len(read_vec(p, limit=3)) == 3  # within the header's count: nothing to compare


def test_zero_vectors_are_reported_with_file_and_count(tmp_path, caplog):
    p = write(tmp_path / "zeros.vec", "4 2\na 0 0\nb 0.0 0.0\nc 0 0\nd 1 2\n")
    with caplog.at_level("WARNING"):
        wv = read_vec(p)
    assert wv.load_stats["zero_vectors"] == 3
    assert "zeros.vec: 3 of 4 vectors are all zeros" in caplog.text
    caplog.clear()
    cdir = tmp_path / "cache"
    for _ in range(2):  # the cache repeats the warning on every load
        with caplog.at_level("WARNING"):
            load_vectors(p, cache_dir=cdir)
        assert "3 of 4 vectors are all zeros" in caplog.text
        caplog.clear()
    with caplog.at_level("WARNING"):  # a padding row among many is normal
        wv = read_vec(write(tmp_path / "ok.vec", "pad 0 0\n" + "".join(f"w{i} 1 2\n" for i in range(20))))
    assert wv.load_stats["zero_vectors"] == 1 and "zeros" not in caplog.text


@pytest.mark.parametrize("body, words", [
    ("\ufeff2 3\na 1 2 3\nb 4 5 6\n", ["a", "b"]),
    ("\ufeffa 1 2 3\nb 4 5 6\n", ["a", "b"]),
])
def test_byte_order_mark_is_stripped(tmp_path, body, words):
    wv = read_vec(write(tmp_path / "bom.vec", body))
    assert wv.words == words and wv.dim == 3


@pytest.mark.parametrize("first", ["3,3", "200 300 400x", "300"])
def test_malformed_header_line_is_named_as_such(tmp_path, first):
    p = write(tmp_path / "h.vec", first + "\n" + "".join(f"w{i} 1 2 3\n" for i in range(4)))
    for errors in ("raise", "skip"):  # no dimension to trust: skipping cannot help
        with pytest.raises(InputFormatError) as e:
            read_vec(p, errors=errors)
        assert e.value.line == 1
        assert "h.vec, line 1: first line is not a '<count> <dim>' header nor a vector line" in str(e.value)


def test_skip_advice_names_the_config_key(tmp_path):
    from xproj.vectors import ON_BAD_LINE

    assert ON_BAD_LINE == {"error": "raise", "skip": "skip"}  # for config choices and the run
    with pytest.raises(InputFormatError, match=r'set vectors.on_bad_line = "skip" in a run \(xproj align/bli: '
                                               r'--on-bad-line skip; load_vectors: errors="skip"\)'):
        read_vec(write(tmp_path / "bad.vec", "2 2\na 1 2\nb 1 x\n"))


def test_dimension_mismatch_names_both_files_and_languages(tmp_path):
    from xproj.align import fit_mapping
    from xproj.features import AlignedSpace

    en = read_vec(write(tmp_path / "en.vec", "2 3\na 1 2 3\nb 4 5 6\n"), lang="en")
    es = read_vec(write(tmp_path / "es.vec", "2 2\na 1 2\nb 4 5\n"), lang="es")
    with pytest.raises(ShapeError) as e:
        fit_mapping(en, es, [("a", "a"), ("b", "b")])
    assert all(s in str(e.value) for s in ("en vectors", "en.vec", "es vectors", "es.vec", "3", "2"))
    with pytest.raises(ShapeError) as e:
        AlignedSpace({"en": en, "es": es})
    assert all(s in str(e.value) for s in ("en.vec", "es.vec"))


@pytest.mark.parametrize("name, content", [
    ("notgzip.vec.gz", b"2 2\na 1 2\nb 3 4\n"),  # a plain file named .gz
    ("cut.vec.xz", lzma.compress(b"2 2\na 1 2\nb 3 4\n" * 50)[:40]),  # truncated
])
def test_broken_compressed_vectors_give_one_line(tmp_path, name, content):
    p = tmp_path / name
    p.write_bytes(content)
    from xproj.errors import XprojError

    with pytest.raises(XprojError, match=name):
        load_vectors(p)


def deny_reading(path, monkeypatch):
    """``chmod 0``, and for root (whom chmod does not stop) an ``open`` that refuses ``path``."""
    import builtins

    path.chmod(0)
    if os.access(path, os.R_OK):
        real_open = builtins.open

        def refusing_open(file, *args, **kwargs):
            if isinstance(file, (str, os.PathLike)) and os.fspath(file) == os.fspath(path):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", refusing_open)


@pytest.mark.parametrize("name", ["locked.vec", "locked.vec.gz"])
def test_unreadable_vector_file_gives_one_line(tmp_path, monkeypatch, name):
    from xproj.errors import XprojError

    p = write(tmp_path / name, VEC)
    deny_reading(p, monkeypatch)
    with pytest.raises(XprojError, match=f"{name}: cannot read it: permission denied"):
        load_vectors(p)


def test_remove_top_component_is_all_but_the_top():
    from xproj.vectors.normalize import remove_top_component

    rng = np.random.default_rng(2)
    # a strong common direction (as frequency is in fastText spaces) on top of isotropic noise
    X = rng.standard_normal((500, 6)) + np.outer(rng.standard_normal(500) * 5, [1, 1, 0, 0, 0, 0])
    Xc = X - X.mean(axis=0)
    _, _, vt = np.linalg.svd(Xc, full_matrices=False)
    one = remove_top_component(X)
    np.testing.assert_allclose(one @ vt[0], 0, atol=1e-3)  # the top direction is gone
    np.testing.assert_allclose(one, Xc - np.outer(Xc @ vt[0], vt[0]), atol=1e-4)
    # repeating the step removes the top two: Mu and Viswanath's D=2
    two = normalize(X, "abtt,abtt")
    np.testing.assert_allclose(two, Xc - Xc @ vt[:2].T @ vt[:2], atol=1e-4)
    wv = WordVectors([str(i) for i in range(500)], X)
    out = normalize(wv, "unit,center,abtt,unit")
    assert isinstance(out, WordVectors) and out.vectors.dtype == np.float32
    np.testing.assert_allclose(wv.vectors, X.astype(np.float32))  # input untouched
