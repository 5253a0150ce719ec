"""read_vec's blocks parsed on worker threads (xproj/vectors/text_ahead.py): the same words,
bits and one-line errors as the careful reader, whatever the workers or the block size."""

import threading

import numpy as np
import pytest

from xproj.errors import InputFormatError
from xproj.vectors import read_vec
from xproj.vectors import text as vec_text
from xproj.vectors import text_ahead
from xproj.vectors.rows import KeptRows
from xproj.vectors.text_polars import parse_block

pytest.importorskip("polars")


def _careful_only(monkeypatch):
    monkeypatch.setattr(vec_text, "_parse_block_polars", lambda block, n_lines, dim, out: None)
    monkeypatch.setattr(vec_text, "_parse_block", lambda rests, dim: None)


def _outcome(path, **kw):
    """``("ok", words, bits, shape, stats)`` or ``("error", message, line)``."""
    try:
        wv = read_vec(path, **kw)
    except InputFormatError as exc:
        return "error", str(exc), exc.line
    stats = {k: wv.load_stats[k] for k in ("lines", "skipped", "duplicates", "filtered", "header")}
    return "ok", wv.words, wv.vectors.view(np.uint32).tobytes(), wv.vectors.shape, stats


def _careful(path, monkeypatch, **kw):
    with monkeypatch.context() as m:
        _careful_only(m)
        return _outcome(path, **kw)


def _lines(rng, n, dim, words=None):
    rows = rng.normal(0, 0.3, size=(n, dim)).astype(np.float32)
    words = words or [f"w{i}" for i in range(n)]
    return [(f"{w} " + " ".join("%.6g" % v for v in row) + " \n").encode()
            for w, row in zip(words, rows)]


def _write(tmp_path, lines, header=True, name="v.vec"):
    path = tmp_path / name
    dim = len(lines[0].split()) - 1
    path.write_bytes((f"{len(lines)} {dim}\n".encode() if header else b"") + b"".join(lines))
    return path


CASES = {
    "plain": ({}, {}),
    "lowercase, duplicates": ({"lowercase": True}, {"upper": True}),
    "vocabulary": ({"vocabulary": [f"w{i}" for i in range(0, 400, 3)]}, {}),
    "skip malformed lines": ({"errors": "skip"}, {"bad": True}),
    "limit": ({"limit": 257}, {}),
    "header says fewer words (skip)": ({"errors": "skip"}, {"header": 100}),
    "no header, more rows than first allocated": ({}, {"header": None}),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("block_bytes", [600, 4000, None])
def test_same_words_and_bits_whatever_the_workers_and_block_size(
        tmp_path, monkeypatch, case, workers, block_bytes):
    kw, layout = CASES[case]
    rng = np.random.default_rng(8)
    words = [f"W{i % 150}" if layout.get("upper") and i % 2 else f"w{i}" for i in range(400)]
    lines = _lines(rng, 400, 6, words)
    if layout.get("bad"):
        for i in (0, 41, 42, 199, 399):
            lines[i] = lines[i].replace(b" ", b" x", 1)
    header = layout.get("header", 400)
    body = b"".join(lines)
    path = tmp_path / "v.vec"
    path.write_bytes((f"{header} 6\n".encode() if header else b"") + body)
    monkeypatch.setattr(vec_text, "_FIRST_CAPACITY", 64)  # files without a header: grown 3 times
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(vec_text, "_WORKERS", workers)
    got = _outcome(path, **kw)
    assert got[0] == "ok"
    assert got == _careful(path, monkeypatch, **kw)


def _second_block_in_its_own_thread(monkeypatch, bad_block_start: bytes):
    """Parse the first two blocks at the same time on two threads, the second on the one that
    did not take the first; return what was seen: ``{first bytes of a block: thread name}``."""
    first_waits = threading.Event()
    seen = {}
    real = vec_text._parse_block_polars

    def parse(block, n_lines, dim, out):
        seen[block[:12]] = threading.current_thread().name
        if not first_waits.is_set() and not block.startswith(bad_block_start):
            first_waits.wait(10)  # until the second block is being parsed elsewhere
        if block.startswith(bad_block_start):
            first_waits.set()
        return real(block, n_lines, dim, out)

    monkeypatch.setattr(vec_text, "_parse_block_polars", parse)
    return seen


def test_a_malformed_line_in_the_second_threads_block_gives_the_same_error(tmp_path, monkeypatch):
    lines = _lines(np.random.default_rng(9), 300, 8)
    lines[150] = b"w150 0,5 " + b" ".join(lines[150].split()[2:]) + b" \n"  # block 2, line 152
    path = _write(tmp_path, lines)
    careful = _careful(path, monkeypatch)
    assert careful[0] == "error" and careful[2] == 152 and "'0,5' is not a number" in careful[1]
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", sum(map(len, lines[:150])))  # 2 blocks
    monkeypatch.setattr(vec_text, "_WORKERS", 2)
    seen = _second_block_in_its_own_thread(monkeypatch, lines[150][:12])
    assert _outcome(path) == careful
    assert len(seen) == 2 and len(set(seen.values())) == 2  # two blocks, two threads at once
    assert not [t for t in threading.enumerate() if t.name.startswith("xproj-read-vec")]


def _panic():
    import polars as pl

    return pl.exceptions.PanicException("polars panicked")  # a BaseException, not an Exception


@pytest.mark.parametrize("error", [RuntimeError("boom"), MemoryError(), ValueError("x"), _panic()],
                         ids=["RuntimeError", "MemoryError", "ValueError", "PanicException"])
@pytest.mark.parametrize("bad_line", [False, True])
def test_an_error_raised_in_a_worker_gives_the_careful_readers_outcome(
        tmp_path, monkeypatch, error, bad_line):
    lines = _lines(np.random.default_rng(10), 200, 5)
    if bad_line:
        lines[120] = b"w120 1 2 3\n"
    path = _write(tmp_path, lines)
    careful = _careful(path, monkeypatch)
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 2000)
    real = vec_text._parse_block_polars

    def failing(block, n_lines, dim, out):
        if b"w12" in block:  # the block of w120-w129, and some more
            raise error
        return real(block, n_lines, dim, out)

    monkeypatch.setattr(vec_text, "_parse_block_polars", failing)
    got = _outcome(path)
    assert got == careful
    if bad_line:
        assert got[0] == "error" and got[2] == 122 and "has 3 values, expected 5" in got[1]


def test_at_most_workers_blocks_are_parsed_or_waiting(monkeypatch):
    dim, n_blocks = 3, 40
    pulled, handed, running, most = [0], [0], [0], [0, 0]
    lock = threading.Lock()

    def blocks():
        for i in range(n_blocks):
            # blocks read but not yet handed back: at most the workers' and the one just read
            most[1] = max(most[1], pulled[0] - handed[0])
            pulled[0] += 1
            yield i + 1, f"w{i} 1 2 3\n".encode(), 1

    def parse(block, n_lines, d, out):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        threading.Event().wait(0.002)
        with lock:
            running[0] -= 1
        return parse_block(block, n_lines, d, out)

    kept = KeptRows(n_blocks, dim, False, None)
    got = []
    for start, block, n, parsed in text_ahead.parse_ahead(blocks(), dim, kept, parse, workers=2):
        handed[0] += 1
        got.append(parsed[0])
        kept.add(*parsed)
    assert got == [[f"w{i}"] for i in range(n_blocks)]
    assert most[0] <= 2 and most[1] <= 2
    assert np.array_equal(kept.matrix(), np.tile(np.float32([1, 2, 3]), (n_blocks, 1)))


def test_rows_for_keeps_the_matrix_untouched_with_a_vocabulary():
    assert KeptRows(10, 3, False, {"a"}).rows_for(0, 2) is None
    kept = KeptRows(10, 3, False, None)
    assert kept.rows_for(8, 3) is None and kept.rows_for(8, 2).shape == (2, 3)
    # values already in place are not copied; values below their place are moved up
    kept.rows_for(0, 2)[...] = [[1, 1, 1], [2, 2, 2]]
    kept.add(["a", "b"], kept.rows_for(0, 2))
    kept.rows_for(2, 3)[...] = [[3, 3, 3], [4, 4, 4], [5, 5, 5]]
    kept.add(["a", "c", "d"], kept.rows_for(2, 3))  # "a" again: c and d move up one row
    assert kept.words == ["a", "b", "c", "d"]
    assert kept.matrix().tolist() == [[1] * 3, [2] * 3, [4] * 3, [5] * 3]
