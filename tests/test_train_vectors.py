"""Tests of xproj.train_vectors: a fast run on generated text, a slow one on real English text."""

from __future__ import annotations

import lzma
import os
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from xproj import cli
from xproj.errors import ConfigError, InputFormatError, ResourceNotFoundError
from xproj.train_vectors import train_vectors

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    return Path(os.environ.get("XPROJ_SHARED") or REPO.parent / "shared")


@pytest.fixture(autouse=True)
def _data(tmp_path, monkeypatch):
    monkeypatch.setenv("XPROJ_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("XPROJ_CACHE", raising=False)


POS = ["good", "great", "nice", "excellent", "lovely"]
NEG = ["bad", "awful", "poor", "terrible", "dreadful"]
NOUNS = ["room", "staff", "food", "hotel", "view", "bed"]


def generated_corpus(path: Path, n=400, seed=0) -> Path:
    """Hotel-review-like lines: positive and negative adjectives never share a line."""
    rng = random.Random(seed)
    lines = []
    for _ in range(n):
        adjectives = POS if rng.random() < 0.5 else NEG
        parts = [f"the {rng.choice(NOUNS)} was {rng.choice(adjectives)}" for _ in range(rng.randint(2, 4))]
        lines.append(" and ".join(parts) + " .")
    with lzma.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def read_vec(path: Path):
    with open(path, encoding="utf-8") as f:
        count, dim = map(int, f.readline().split())
        rows = [line.rstrip("\n").split(" ") for line in f]
    words = [r[0] for r in rows]
    matrix = np.array([[float(x) for x in r[1:]] for r in rows], dtype=np.float32)
    return count, dim, words, matrix


def neighbours(words, matrix, word, k=10):
    unit = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
    sims = unit @ unit[words.index(word)]
    order = [i for i in np.argsort(-sims) if words[i] != word]
    return [words[i] for i in order[:k]]


def test_fast_training_on_generated_text(tmp_path):
    corpus = generated_corpus(tmp_path / "corpus.txt.xz")
    vec = train_vectors(
        "en", [corpus], tmp_path / "out" / "toy.20d", dim=20, epochs=30, min_count=2,
        threads=1, seed=3, minn=3, maxn=4, preprocess=False,
    )
    assert vec == tmp_path / "out" / "toy.20d.vec"
    assert (tmp_path / "out" / "toy.20d.bin").is_file()
    count, dim, words, matrix = read_vec(vec)
    assert dim == 20 and count == len(words) == matrix.shape[0]
    # frequency order: "the" and "was" (in every clause) come before any adjective
    text = lzma.open(corpus, "rt").read().split()
    freq = Counter(text)
    counts = [freq[w] for w in words if w in freq]
    assert counts == sorted(counts, reverse=True)
    assert set(words[:3]) >= {"the", "was"}
    assert set(POS + NEG + NOUNS) <= set(words)
    # no leftover training files beside the outputs
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["toy.20d.bin", "toy.20d.vec"]


def test_single_thread_with_seed_is_repeatable(tmp_path):
    corpus = generated_corpus(tmp_path / "c.txt.xz", n=200)
    opts = dict(dim=10, epochs=5, min_count=1, threads=1, seed=7, minn=3, maxn=4,
                preprocess=False, warm_cache=False)
    a = train_vectors("en", corpus, tmp_path / "a", **opts)
    b = train_vectors("en", corpus, tmp_path / "b", **opts)
    assert a.read_bytes() == b.read_bytes()


def test_preprocessing_and_cache_warming(tmp_path):
    vectors = pytest.importorskip("xproj.vectors")
    pytest.importorskip("xproj.lang")
    corpus = tmp_path / "raw.txt"
    corpus.write_text("The Room was GREAT!\nThe staff, however, was rude.\n" * 50, encoding="utf-8")
    vec = train_vectors("en", corpus, tmp_path / "pre", dim=8, epochs=2, min_count=1,
                        threads=1, seed=1, minn=3, maxn=4)
    words = read_vec(vec)[2]
    assert "room" in words and "great" in words  # lowercased and split from punctuation
    assert "GREAT!" not in words
    wv = vectors.load_vectors(vec)  # served from the cache the training run warmed
    assert wv.dim == 8 and "staff" in wv.words


def test_errors_name_the_problem(tmp_path):
    with pytest.raises(ResourceNotFoundError, match="missing.txt"):
        train_vectors("en", tmp_path / "missing.txt", tmp_path / "x", preprocess=False)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(InputFormatError, match="no tokens"):
        train_vectors("en", empty, tmp_path / "x", preprocess=False)
    few = tmp_path / "few.txt"
    few.write_text("one two three\n")
    with pytest.raises(InputFormatError, match="fastText could not train"):
        train_vectors("en", few, tmp_path / "x", preprocess=False, min_count=5)


def test_cli_train_vectors(tmp_path, capsys):
    corpus = generated_corpus(tmp_path / "c.txt.xz", n=100)
    code = cli.main([
        "train-vectors", "--lang", "en", "--corpus", str(corpus), "--out", str(tmp_path / "cli"),
        "--dim", "8", "--epochs", "2", "--min-count", "1", "--threads", "1", "--minn", "3",
        "--maxn", "4", "--no-preprocess",
    ])
    assert code == 0
    out = capsys.readouterr().out.split()
    assert out == [str(tmp_path / "cli.bin"), str(tmp_path / "cli.vec")]


@pytest.mark.slow
@pytest.mark.data
def test_real_english_text_gives_sensible_neighbours(tmp_path):
    corpus = shared_dir() / "corpora" / "en.sample.txt.xz"
    if not corpus.exists():
        pytest.skip(f"{corpus} not present (set XPROJ_SHARED to the shared folder)")
    # ~500k words of reviews and novels: about 25 s with 2 threads
    vec = train_vectors("en", [corpus], tmp_path / "en.50d", dim=50, epochs=5, min_count=5,
                        threads=2, seed=1, max_lines=5000)
    count, dim, words, matrix = read_vec(vec)
    assert dim == 50 and count > 5000
    assert words.index("the") < 3
    bad = set(neighbours(words, matrix, "bad"))
    assert bad & {"terrible", "horrible", "awful", "stupid", "lame", "poor", "worst", "dumb",
                  "silly", "badly", "horribly"}, bad
    terrible = set(neighbours(words, matrix, "terrible"))
    assert terrible & {"horrible", "awful", "bad", "horribly", "awfully", "terribly", "dreadful",
                       "lame"}, terrible


# ------------------------------------------------------------------ bad options, failed runs
def run_cli(tmp_path, *options, corpus=None, out=None):
    """``xproj train-vectors`` on a small generated corpus; returns the exit code."""
    corpus = corpus or generated_corpus(tmp_path / "c.txt.xz", n=100)
    return cli.main([
        "train-vectors", "--lang", "en", "--corpus", str(corpus),
        "--out", str(out or tmp_path / "out" / "v"), "--dim", "8", "--epochs", "1",
        "--min-count", "1", "--threads", "1", "--no-preprocess", *options,
    ])


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.parametrize("options, option", [
    (["--dim", "0"], "--dim"), (["--dim", "-3"], "--dim"), (["--epochs", "0"], "--epochs"),
    (["--min-count", "0"], "--min-count"), (["--threads", "0"], "--threads"),
    (["--minn", "-1"], "--minn"), (["--minn", "5", "--maxn", "3"], "--minn"),
    (["--max-lines", "0"], "--max-lines"),
])
def test_bad_option_exits_2_before_any_work(tmp_path, capsys, options, option):
    assert run_cli(tmp_path, *options) == 2
    assert option in one_error_line(capsys)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kw, name", [
    ({"dim": 0}, "dim"), ({"ws": 0}, "ws"), ({"lr": 0.0}, "lr"), ({"model": "glove"}, "model"),
    ({"epochs": 1.5}, "epochs"),
])
def test_bad_argument_is_config_error(tmp_path, kw, name):
    with pytest.raises(ConfigError, match=name):
        train_vectors("en", generated_corpus(tmp_path / "c.txt.xz", n=10), tmp_path / "o" / "v",
                      preprocess=False, **kw)
    assert not (tmp_path / "o").exists()


def test_output_folder_that_is_a_file_exits_2(tmp_path, capsys):
    (tmp_path / "taken").write_text("a file")
    assert run_cli(tmp_path, out=tmp_path / "taken" / "v") == 2
    assert "--out" in one_error_line(capsys)


def test_missing_or_empty_corpus_exits_1_before_any_work(tmp_path, capsys):
    assert run_cli(tmp_path, corpus=tmp_path / "missing.txt") == 1
    assert "missing.txt" in one_error_line(capsys)
    (tmp_path / "empty.txt").write_bytes(b"")
    assert run_cli(tmp_path, corpus=tmp_path / "empty.txt") == 1
    assert "empty.txt" in one_error_line(capsys)
    assert not (tmp_path / "out").exists()


def test_failure_after_training_leaves_no_outputs(tmp_path, capsys, monkeypatch):
    import xproj.vectors

    def disk_full(wv, path, **kw):
        Path(path).write_bytes(b"12 8\nthe 0.1")  # half a file, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xproj.vectors, "write_vec", disk_full)
    assert run_cli(tmp_path) == 1
    assert "No space left" in one_error_line(capsys)
    assert list((tmp_path / "out").iterdir()) == []  # no .bin, no .vec, no temporaries
