"""The vector cache: checksums recorded on write, cheap checks on every load, ``xproj cache``."""

import json
import logging

import numpy as np
import pytest

from xproj.cli import main
from xproj.vectors import load_vectors

VEC = "4 3\nthe 0.1 0.2 0.3\nhotel 1.0 -1.0 0.5\nplaya 2.0 2.0 2.0\nmar -1 0 1\n"
WORDS = ["the", "hotel", "playa", "mar"]


@pytest.fixture
def cached(tmp_path):
    """A source file, its cache folder and the one entry's prefix (``<cdir>/<key>``)."""
    src = tmp_path / "v.vec"
    src.write_text(VEC, encoding="utf-8")
    cdir = tmp_path / "cache"
    load_vectors(src, cache_dir=cdir)
    (marker,) = cdir.glob("*.json")
    return src, cdir, cdir / marker.name[: -len(".json")]


def entry_file(prefix, suffix):
    return prefix.parent / (prefix.name + suffix)


def test_entry_records_sizes_shape_and_checksums(cached):
    _, _, prefix = cached
    meta = json.loads(entry_file(prefix, ".json").read_text())
    files = meta["files"]
    assert files["npy"]["bytes"] == entry_file(prefix, ".npy").stat().st_size
    assert files["npy"]["shape"] == [4, 3] and files["npy"]["dtype"] == "<f4"
    assert len(files["npy"]["sha256"]) == 64 and len(files["vocab"]["sha256"]) == 64
    assert files["vocab"]["bytes"] == entry_file(prefix, ".vocab.txt").stat().st_size


def test_zero_byte_npy_is_rebuilt_with_a_warning(cached, caplog):
    src, cdir, prefix = cached
    entry_file(prefix, ".npy").write_bytes(b"")
    for _ in range(2):  # rebuilt once, then served again
        with caplog.at_level(logging.WARNING):
            wv = load_vectors(src, cache_dir=cdir)
        assert wv.words == WORDS and wv.vectors.shape == (4, 3)
    assert "rebuilding" in caplog.text and entry_file(prefix, ".npy").name in caplog.text


def test_swapped_vocabulary_lines_are_caught_on_load(cached, caplog):
    src, cdir, prefix = cached
    vocab = entry_file(prefix, ".vocab.txt")
    lines = vocab.read_text(encoding="utf-8").splitlines()
    lines[1], lines[2] = lines[2], lines[1]  # same size, wrong word -> row
    vocab.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        wv = load_vectors(src, cache_dir=cdir)
    assert wv.words == WORDS
    np.testing.assert_allclose(wv["hotel"], [1.0, -1.0, 0.5])
    assert "vocabulary" in caplog.text and "rebuilding" in caplog.text


def test_npy_of_another_dtype_is_caught_on_load(cached, caplog):
    src, cdir, prefix = cached
    # Same shape, same byte count: today the integers are converted and served.
    np.save(entry_file(prefix, ".npy"), np.arange(12, dtype=np.int32).reshape(4, 3))
    with caplog.at_level(logging.WARNING):
        wv = load_vectors(src, cache_dir=cdir)
    assert wv.vectors.dtype == np.float32 and wv["playa"][0] == 2.0
    assert "dtype" in caplog.text


def test_verify_reports_a_corrupt_matrix_in_one_line(cached, capsys):
    _, cdir, prefix = cached
    assert main(["cache", "verify", "--cache-dir", str(cdir)]) == 0
    assert "1 entry, all good" in capsys.readouterr().out
    npy = entry_file(prefix, ".npy")
    data = bytearray(npy.read_bytes())
    data[-8:-4] = b"\x00\x00\x80\x7f"  # a middle/late value overwritten: same size, same header
    npy.write_bytes(bytes(data))
    assert main(["cache", "verify", "--cache-dir", str(cdir)]) == 1
    out = capsys.readouterr()
    bad = [line for line in (out.out + out.err).splitlines() if "checksum" in line]
    assert len(bad) == 1 and npy.name in bad[0] and "v.vec" in bad[0]


def test_clear_a_source_or_everything(cached, tmp_path, capsys):
    src, cdir, _ = cached
    other = tmp_path / "w.vec"
    other.write_text("1 2\nx 1 2\n", encoding="utf-8")
    load_vectors(other, cache_dir=cdir)
    load_vectors(src, cache_dir=cdir, limit=2)
    assert len(list(cdir.glob("*.json"))) == 3
    assert main(["cache", "clear", str(src), "--cache-dir", str(cdir)]) == 0
    assert [p.name.split(".")[0] for p in cdir.glob("*.json")] == ["w"]
    assert "removed 2 entries" in capsys.readouterr().out
    assert main(["cache", "clear", "--all", "--cache-dir", str(cdir)]) == 0
    assert list(cdir.iterdir()) == []


def test_clear_needs_a_path_or_all(cached, capsys):
    _, cdir, _ = cached
    assert main(["cache", "clear", "--cache-dir", str(cdir)]) == 2
    assert "--all" in capsys.readouterr().err
