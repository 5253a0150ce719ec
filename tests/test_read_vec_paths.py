"""read_vec's parsers agree bit for bit: the compiled parser and polars per block (when
installed), ``np.loadtxt`` per block, and the careful line-by-line reader
(tests/test_read_vec_fast_paths.py tests the first two more closely)."""

import numpy as np
import pytest

from xproj.vectors import read_vec
from xproj.vectors import text as vec_text


def _random_body(rng, n, dim, fmt, sep=" ", end="\n", trailing=""):
    rows = rng.normal(0, 0.3, size=(n, dim))
    rows[0, 0] = -0.0  # "-0.0000": the sign of zero must survive both paths
    lines = [f"w{i}{sep}" + sep.join(fmt % v for v in row) + trailing for i, row in enumerate(rows)]
    return f"{n} {dim}{end}" + end.join(lines) + end


BODIES = {
    "4 decimals": lambda rng: _random_body(rng, 40, 7, "%.4f"),
    "fastText style (%g, exponents)": lambda rng: _random_body(rng, 40, 7, "%g", trailing=" "),
    "17 significant digits": lambda rng: _random_body(rng, 40, 7, "%.17g"),
    "CRLF line ends": lambda rng: _random_body(rng, 40, 7, "%.5f", end="\r\n"),
    "trailing spaces": lambda rng: _random_body(rng, 40, 7, "%.4f", trailing="  "),
    "no final newline": lambda rng: _random_body(rng, 40, 7, "%.4f").rstrip("\n"),
    "word with a non-breaking space": lambda rng: _random_body(rng, 40, 7, "%.4f").replace(
        "w3 ", "new\u00a0york ", 1),
    "no header": lambda rng: _random_body(rng, 40, 7, "%.6f").split("\n", 1)[1],
    "large and tiny values": lambda rng: _random_body(rng, 40, 7, "%.3e").replace("e-01", "e+30"),
}


def _read_both(path, monkeypatch, **kw):
    fast = read_vec(path, **kw)
    with monkeypatch.context() as m:
        _without_fast_paths(m)
        m.setattr(vec_text, "_parse_block", lambda rests, dim: None)
        careful = read_vec(path, **kw)
    return fast, careful


def _without_fast_paths(monkeypatch):
    """Neither the compiled parser nor polars: ``np.loadtxt``, then the careful reader."""
    monkeypatch.setattr(vec_text, "_parse_block_numba", lambda *args: None)
    monkeypatch.setattr(vec_text, "_parse_block_polars", lambda block, n_lines, dim: None)


def _assert_same(a, b):
    assert a.words == b.words
    assert a.vectors.shape == b.vectors.shape
    assert np.array_equal(a.vectors.view(np.uint32), b.vectors.view(np.uint32))


@pytest.mark.parametrize("name", sorted(BODIES))
def test_fast_and_careful_paths_give_identical_matrices(tmp_path, monkeypatch, name):
    path = tmp_path / "v.vec"
    path.write_bytes(BODIES[name](np.random.default_rng(0)).encode("utf-8"))
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 700)  # several blocks, a short last one
    fast, careful = _read_both(path, monkeypatch)
    assert len(fast) == 40
    _assert_same(fast, careful)
    _without_fast_paths(monkeypatch)
    _assert_same(read_vec(path), careful)


@pytest.mark.parametrize("name", ["4 decimals", "CRLF line ends", "trailing spaces",
                                  "no final newline", "word with a non-breaking space"])
def test_common_layouts_take_the_loadtxt_path(tmp_path, monkeypatch, name):
    path = tmp_path / "v.vec"
    path.write_bytes(BODIES[name](np.random.default_rng(1)).encode("utf-8"))
    _without_fast_paths(monkeypatch)

    def careful_not_expected(*args):
        raise AssertionError("a well-formed block went to the line-by-line reader")

    monkeypatch.setattr(vec_text, "_parse_each", careful_not_expected)
    assert read_vec(path).vectors.shape == (40, 7)


@pytest.mark.parametrize("odd", ["0.5\t0.25", "0.5  0.25", "+0.5 1_0", "\u0661.5 0.25"])
def test_lines_the_fast_path_refuses_are_read_like_before(tmp_path, monkeypatch, odd):
    # Tabs, double spaces, "+", underscores, non-ASCII digits: valid for float(), refused
    # by np.loadtxt; the careful reader takes the block and gives the same values.
    path = tmp_path / "v.vec"
    path.write_text(f"3 3\na 0.1 0.2 0.3\nb 0.7 {odd}\nc 1 2 3\n", encoding="utf-8")
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 1)  # one line a block
    fast, careful = _read_both(path, monkeypatch)
    _assert_same(fast, careful)
    assert fast.words == ["a", "b", "c"]


def test_skip_mode_keeps_the_same_rows_on_both_paths(tmp_path, monkeypatch):
    body = _random_body(np.random.default_rng(2), 40, 5, "%.4f").split("\n")
    body[7] = "bad 0.1 0.2"  # too few values
    body[20] = "worse 0.1 x 0.3 0.4 0.5"
    body[0] = "38 5"
    path = tmp_path / "v.vec"
    path.write_text("\n".join(body), encoding="utf-8")
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 700)
    fast, careful = _read_both(path, monkeypatch, errors="skip")
    _assert_same(fast, careful)
    assert len(fast) == 38 and fast.load_stats["skipped"] == 2
