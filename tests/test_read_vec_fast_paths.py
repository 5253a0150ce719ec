"""read_vec's fast paths (the compiled parser, polars): the careful reader's bits, words and
errors, or no answer at all.

Every test runs once per fast path (the other one refused) and compares ``read_vec`` with that
path against ``read_vec`` with only the careful line-by-line reader: same words, same float32
bits, or the same one-line error.
"""

import sys
from pathlib import Path
from decimal import Decimal, localcontext

import numpy as np
import pytest

from xproj.errors import InputFormatError
from xproj.vectors import read_vec
from xproj.vectors import text as vec_text
from xproj.vectors import text_numba, text_polars

FAST_PATHS = {"numba": "_parse_block_numba", "polars": "_parse_block_polars"}


def _refuse(*args):
    return None


@pytest.fixture(params=sorted(FAST_PATHS))
def fast(request, monkeypatch):
    """One fast path alone (the other refuses every block): its name."""
    pytest.importorskip(request.param)
    for name, attr in FAST_PATHS.items():
        if name != request.param:
            monkeypatch.setattr(vec_text, attr, _refuse)
    return request.param


def _careful_only(monkeypatch):
    for attr in FAST_PATHS.values():
        monkeypatch.setattr(vec_text, attr, _refuse)
    monkeypatch.setattr(vec_text, "_parse_block", lambda rests, dim: None)


def _outcome(path, **kw):
    """``("ok", words, bits, stats)`` or ``("error", message, line)``."""
    try:
        wv = read_vec(path, **kw)
    except InputFormatError as exc:
        return "error", str(exc), exc.line
    stats = {k: wv.load_stats[k] for k in ("lines", "skipped", "duplicates", "header")}
    return "ok", wv.words, wv.vectors.view(np.uint32).tobytes(), wv.vectors.shape, stats


def _both(path, monkeypatch, **kw):
    every_path = _outcome(path, **kw)
    with monkeypatch.context() as m:
        _careful_only(m)
        careful = _outcome(path, **kw)
    return every_path, careful


def _fast_only(monkeypatch):
    """Fail the test if a block reaches numpy's or the careful reader."""
    def not_expected(*args):
        raise AssertionError("a block the fast path should parse went to the slower readers")

    monkeypatch.setattr(vec_text, "_parse_lines", not_expected)


def _fast_and_careful(path, monkeypatch, **kw):
    """``(outcome with the fast path alone, outcome with the careful reader alone)``."""
    with monkeypatch.context() as m:
        _fast_only(m)
        every_path = _outcome(path, **kw)
    with monkeypatch.context() as m:
        _careful_only(m)
        careful = _outcome(path, **kw)
    return every_path, careful


def _float32_ties(rng, n):
    """Decimals on, just below and just above the midpoint of two adjacent float32 values.

    The careful reader rounds the decimal to the nearest double, then to float32; a reader
    that rounded straight to float32, or a double parse off by one unit, would differ here.
    """
    lo = rng.normal(0, 1, n).astype(np.float32)
    lo = np.concatenate([lo, np.float32([1.0, 0.1, 3.4e38, 1.2e-38, 1e-45])])
    hi = np.nextafter(lo, np.float32(np.inf))
    out = []
    with localcontext(prec=2000):  # exact sums of doubles
        for a, b in zip(lo.astype(np.float64), hi.astype(np.float64)):
            mid = (Decimal(a) + Decimal(b)) / 2  # a double: float32 has fewer bits
            half_ulp = Decimal(np.spacing(float(mid))) / 2  # of that double
            for d in (mid, mid + half_ulp / 3, mid - half_ulp / 3, mid + half_ulp, mid - half_ulp,
                      mid + half_ulp * Decimal("1.0000001")):
                out.append(f"{d:.40e}")
            out.append(repr(float(mid)))
    return out


def _awkward_values(rng):
    vals = [f"{v:.17g}" for v in rng.normal(0, 1, 300)]
    vals += [f"{v:.4f}" for v in rng.normal(0, 0.3, 300)]
    vals += [f"{v:g}" for v in rng.lognormal(0, 12, 200) * rng.choice([-1, 1], 200)]
    vals += [f"{v:.9e}" for v in rng.normal(0, 1, 100)]
    vals += ["-0", "-0.0", "0", "+1.5", ".5", "5.", "-.25", "00001.500", "1E5", "1e+05", "1e-05",
             "1e-400", "-1e-400", "1.4e-45", "7e-46", "3.4028235e38", "3.4028234e38",
             "1" + "0" * 30, "0." + "0" * 40 + "1", "9" * 25, "0.1" + "0" * 800 + "1",
             "1.00000005960464477539062500000000000000001"]
    vals += _float32_ties(rng, 300)
    return vals


def test_awkward_numbers_give_the_careful_readers_bits(tmp_path, monkeypatch, fast):
    rng = np.random.default_rng(11)
    vals = _awkward_values(rng)
    if fast == "numba":  # only decimals in its exact range, so that every block must be its
        vals = [v for v in vals if _in_clinger_range(v)]
    dim = 7
    vals += ["0.5"] * (-len(vals) % dim)
    rows = [vals[i:i + dim] for i in range(0, len(vals), dim)]
    rng.shuffle(rows)
    body = "".join(f"w{i} " + " ".join(r) + " \n" for i, r in enumerate(rows))
    path = tmp_path / "v.vec"
    path.write_text(f"{len(rows)} {dim}\n" + body, encoding="utf-8")
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 4096)  # many blocks
    every_path, careful = _fast_and_careful(path, monkeypatch)
    assert every_path[0] == "ok" and every_path == careful
    # and the careful reader's bits are Python's float() rounded to float32
    expected = np.array([[float(v) for v in r] for r in rows]).astype(np.float32)
    assert every_path[2] == expected.view(np.uint32).tobytes()


def _in_clinger_range(token: str) -> bool:
    """Whether the compiled parser takes ``token``: its digits an integer < 2**53, its power of ten within +-22."""
    mantissa, _, exponent = token.lower().partition("e")
    digits = mantissa.lstrip("+-").replace(".", "")
    scale = int(exponent or 0) - len(mantissa.partition(".")[2])
    return int(digits) < 2**53 and (int(digits) == 0 or -22 <= scale <= 22)


def test_compiled_parser_takes_its_exact_range_and_refuses_the_rest(fast):
    # Clinger's fast path: m < 2**53 and a power of ten within +-22 make m * 10**e one correctly
    # rounded operation; beyond it the block must go to the next reader.
    if fast != "numba":
        pytest.skip("the compiled parser's range")
    rng = np.random.default_rng(12)
    tokens = _awkward_values(rng)
    tokens += [f"{v:.14e}" for v in rng.normal(0, 1, 500) * 10.0 ** rng.integers(-20, 20, 500)]
    tokens += ["9007199254740991", "9007199254740992", "1e22", "1e23", "1e-22", "1e-23",
               "0e999", "0.0000000000000000000000001", "1234567890123456.5"]
    taken = refused = 0
    for token in tokens:
        parsed = text_numba.parse_block(f"w 0.5 {token}\n".encode(), 1, 2)
        if parsed is None:
            refused += 1
            assert not _in_clinger_range(token), token
            continue
        taken += 1
        assert _in_clinger_range(token), token
        expected = np.float32([0.5, float(token)])
        assert parsed[0] == ["w"] and parsed[1].view(np.uint32).tolist() == [expected.view(np.uint32).tolist()], token
    assert taken > 1000 and refused > 1000


def test_polars_double_parse_is_correctly_rounded():
    pl = pytest.importorskip("polars")
    # The float32 bits above rest on this: polars' float64 is Python's float, bit for bit.
    rng = np.random.default_rng(5)
    a = rng.normal(0, 1, 2000) * 10.0 ** rng.integers(-300, 300, 2000)
    b = np.nextafter(a, np.inf)
    with localcontext(prec=2000):  # near and on the midpoints of adjacent doubles
        tokens = [f"{(Decimal(x) + Decimal(y)) / 2 + (Decimal(y) - Decimal(x)) * int(k) / 7:.45e}"
                  for x, y, k in zip(a, b, rng.integers(-3, 4, 2000))]
        tokens += [f"{(Decimal(x) + Decimal(y)) / 2}" for x, y in zip(a[:300], b[:300])]
    frame = pl.read_csv(("\n".join(tokens) + "\n").encode(), has_header=False,
                        schema={"v": pl.Float64})
    got = frame.get_column("v").to_numpy()
    assert np.array_equal(got.view(np.uint64), np.array([float(t) for t in tokens]).view(np.uint64))


ODD_TOKENS = ["1_0", "0x10", "1d5", "nan", "-nan", "inf", "-Infinity", "1e400", "+1", ".5", "5.",
              "00001", "1E+05", "\u0661", "\u0661.\u0665", "1,5", "1.2.3", "e5", "1e", "-", ".",
              "+-1", "--1", "1e+", "1e5.5", "nan(1)", "infin", "1.5f", "0b1", "1.5e-400", "1e39",
              "\uff11", "1\x0b", "1\x0c", "1\x00", "\x00", "1\x1f"]


@pytest.mark.parametrize("token", ODD_TOKENS, ids=[repr(t) for t in ODD_TOKENS])
@pytest.mark.parametrize("errors", ["raise", "skip"])
def test_odd_values_give_the_careful_readers_outcome(tmp_path, monkeypatch, token, errors, fast):
    path = tmp_path / "v.vec"
    path.write_text(f"3 3\na 0.1 0.2 0.3\nb 0.7 {token} 0.25\nc 1 2 3\n", encoding="utf-8")
    every_path, careful = _both(path, monkeypatch, errors=errors)
    assert every_path == careful


ODD_LINES = {
    "empty line": b"\n",
    "blank line": b" \n",
    "leading space": b" 1 2 3\n",
    "word only": b"b\n",
    "word and space": b"b \n",
    "too few values": b"b 1 2\n",
    "too many values": b"b 1 2 3 4\n",
    "too many values then a space": b"b 1 2 3 4 \n",
    "two spaces between values": b"b 1  2 3\n",
    "two spaces after the word": b"b  1 2 3\n",
    "two trailing spaces": b"b 1 2 3  \n",
    "tab between values": b"b 1\t2 3\n",
    "tab in the word": b"b\tc 1 2 3\n",
    "carriage return inside": b"b 1\r2 3\n",
    "carriage return after a value": b"b 1\r 2 3\n",
    "two carriage returns": b"b 1 2 3\r\r\n",
    "crlf": b"b 1 2 3\r\n",
    "bad utf-8": b"\xffb 1 2 3\n",
    "utf-16 surrogate": b"b\xed\xa0\x80 1 2 3\n",
    "overlong utf-8": b"b\xc0\xaf 1 2 3\n",
    "code point beyond unicode": b"b\xf4\x90\x80\x80 1 2 3\n",
    "nul in the word": b"b\x00c 1 2 3\n",
    "byte-order mark": b"\xef\xbb\xbfb 1 2 3\n",
    "quoted word": b'"b c" 1 2 3\n',
    "quote in the word": b'b" 1 2 3\n',
    "hash word": b"#b 1 2 3\n",
    "non-breaking space between values": "b 1\u00a02 3\n".encode(),
    "form feed at the end": b"b 1 2 3\x0c\n",
    "duplicate word": b"a 4 5 6\n",
}


@pytest.mark.parametrize("name", sorted(ODD_LINES))
@pytest.mark.parametrize("errors", ["raise", "skip"])
@pytest.mark.parametrize("trailing", [b"", b" "], ids=["plain", "fastText trailing space"])
def test_odd_lines_give_the_careful_readers_outcome(tmp_path, monkeypatch, name, errors, trailing,
                                                   fast):
    def line(text):
        return text.replace(b"\n", trailing + b"\n")

    body = line(b"a 0.1 0.2 0.3\n") + ODD_LINES[name] + line(b"c 1 2 3\n") + line(b"d 4 5 6\n")
    path = tmp_path / "v.vec"
    path.write_bytes(b"4 3\n" + body)
    every_path, careful = _both(path, monkeypatch, errors=errors)
    assert every_path == careful


def _big_body(rng, n, dim):
    rows = rng.normal(0, 0.3, size=(n, dim)).astype(np.float32)
    return [(f"w{i} " + " ".join("%.4f" % v for v in row) + " \n").encode() for i, row in
            enumerate(rows)]


def test_malformed_line_deep_in_a_big_file_gives_the_same_one_line_error(tmp_path, monkeypatch, fast):
    lines = _big_body(np.random.default_rng(3), 12_000, 50)  # ~3.6 MB: several blocks of the default size
    lines[9_876] = lines[9_876].replace(b" 0.", b" 0,", 1)
    path = tmp_path / "big.vec"
    path.write_bytes(b"12000 50\n" + b"".join(lines))
    bad = lines[9_876].split()[1:]
    bad = next(v.decode() for v in bad if b"," in v)
    with pytest.raises(InputFormatError) as every_path:
        read_vec(path)
    assert str(every_path.value) == (
        f"{path}, line 9878: value {bad!r} is not a number; to skip such lines, "
        f"{vec_text.SKIP_ADVICE}")
    assert every_path.value.line == 9878
    with monkeypatch.context() as m:
        _careful_only(m)
        with pytest.raises(InputFormatError) as careful:
            read_vec(path)
    assert str(careful.value) == str(every_path.value)
    skipped = read_vec(path, errors="skip")
    assert len(skipped) == 11_999 and skipped.load_stats["skipped"] == 1


@pytest.mark.parametrize("layout", ["trailing space", "no trailing space", "crlf",
                                    "crlf and trailing space", "unicode words", "no header",
                                    "no final newline", "limit"])
def test_plain_files_take_the_fast_path_with_the_same_result(tmp_path, monkeypatch, layout, fast):
    rng = np.random.default_rng(4)
    lines = _big_body(rng, 400, 9)
    if "trailing space" not in layout:
        lines = [ln.replace(b" \n", b"\n") for ln in lines]
    if layout.startswith("crlf"):
        lines = [ln.replace(b"\n", b"\r\n") for ln in lines]
    if layout == "unicode words":
        for i, word in enumerate(["new\u00a0york", "caf\u00e9", "\u4e2d\u6587", "a\tb", "\U0001f600"]):
            lines[i * 50] = word.encode() + lines[i * 50][lines[i * 50].index(b" "):]
    text = b"".join(lines)
    if layout == "no final newline":
        text = text.rstrip(b"\n")
    if layout != "no header":
        text = b"400 9\n" + text
    path = tmp_path / "v.vec"
    path.write_bytes(text)
    kw = {"limit": 123} if layout == "limit" else {}
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 1000)  # ~20 blocks; lines cut across reads
    every_path, careful = _fast_and_careful(path, monkeypatch, **kw)
    assert every_path[0] == "ok" and every_path == careful
    assert every_path[3] == ((123 if kw else 400), 9)


def test_a_block_cut_at_the_limit_keeps_later_errors_unread(tmp_path, monkeypatch, fast):
    lines = _big_body(np.random.default_rng(6), 50, 4)
    lines[30] = b"bad 1 2\n"
    path = tmp_path / "v.vec"
    path.write_bytes(b"50 4\n" + b"".join(lines))
    assert len(read_vec(path, limit=30)) == 30  # line 32 is never parsed
    with pytest.raises(InputFormatError, match="line 32: has 2 values, expected 4"):
        read_vec(path, limit=31)


def test_without_polars_the_reader_falls_back_cleanly(tmp_path, monkeypatch):
    lines = _big_body(np.random.default_rng(7), 60, 5)
    path = tmp_path / "v.vec"
    path.write_bytes(b"60 5\n" + b"".join(lines))
    with_polars = _outcome(path)
    monkeypatch.setitem(sys.modules, "polars", None)  # "import polars" raises ImportError
    monkeypatch.setattr(text_polars, "_polars_module", None)
    assert text_polars.polars() is None
    assert text_polars.parse_block(b"a 1 2\n", 1, 2) is None
    assert _outcome(path) == with_polars


def test_without_numba_the_reader_falls_back_cleanly(tmp_path, monkeypatch):
    lines = _big_body(np.random.default_rng(8), 60, 5)
    path = tmp_path / "v.vec"
    path.write_bytes(b"60 5\n" + b"".join(lines))
    with_numba = _outcome(path)
    monkeypatch.setitem(sys.modules, "numba", None)  # "import numba" raises ImportError
    monkeypatch.setitem(sys.modules, "xproj.vectors._vec_kernel", None)
    monkeypatch.delattr("xproj.vectors._vec_kernel", raising=False)
    monkeypatch.setattr(text_numba, "_kernel", None)
    assert text_numba.kernel() is None
    assert text_numba.parse_block(b"a 1 2\n", 1, 2) is None
    assert _outcome(path) == with_numba


@pytest.mark.parametrize("kw", [{}, {"lowercase": True}, {"vocabulary": ["w1", "W2", "w3", "dup", "w399"]},
                                {"vocabulary": ["w1", "w2", "dup"], "lowercase": True}, {"limit": 77}],
                         ids=["all", "lowercase", "vocabulary", "vocabulary lowercase", "limit"])
@pytest.mark.parametrize("header", [True, False], ids=["header", "no header (matrix grows)"])
def test_filters_duplicates_and_growth_keep_the_careful_readers_rows(tmp_path, monkeypatch, fast, kw, header):
    # The compiled path writes each block straight into the matrix and then closes the gaps of
    # dropped words; it must keep exactly the careful reader's rows.
    lines = _big_body(np.random.default_rng(9), 400, 6)
    for i in range(0, 400, 7):  # repeats and case collisions scattered over the blocks
        lines[i] = (b"dup" if i % 2 else b"W" + str(i // 3).encode()) + lines[i][lines[i].index(b" "):]
    path = tmp_path / "v.vec"
    path.write_bytes((b"400 6\n" if header else b"") + b"".join(lines))
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 900)
    monkeypatch.setattr(vec_text, "_FIRST_CAPACITY", 16)  # without a header: grown several times
    every_path, careful = _fast_and_careful(path, monkeypatch, **kw)
    assert every_path[0] == "ok" and every_path == careful
    assert every_path[4]["duplicates"] > 0 or "vocabulary" in kw or "limit" in kw


@pytest.mark.parametrize("workers", [2, 3, 7])
def test_compiled_parser_split_among_threads_gives_the_same_rows(tmp_path, monkeypatch, workers):
    pytest.importorskip("numba")
    lines = _big_body(np.random.default_rng(10), 500, 5)
    lines[333] = lines[333].replace(b" ", b"  ", 1)  # one line for the careful reader, in a late share
    path = tmp_path / "v.vec"
    path.write_bytes(b"500 5\n" + b"".join(lines))
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 8000)
    monkeypatch.setattr(vec_text, "_parse_block_polars", _refuse)
    monkeypatch.setattr(text_numba, "_WORKERS", workers)
    monkeypatch.setattr(text_numba, "_MIN_ROWS_PER_WORKER", 1)
    split = _outcome(path)
    with monkeypatch.context() as m:
        _careful_only(m)
        careful = _outcome(path)
    assert split[0] == "ok" and split == careful
    block = b"".join(lines[:40])
    words, values = text_numba.parse_block(block, 40, 5)
    assert words == [f"w{i}" for i in range(40)]
    assert np.array_equal(values, np.array([[float(v) for v in ln.split()[1:]] for ln in lines[:40]], np.float32))
    assert text_numba.parse_block(b"".join(lines[300:340]), 40, 5) is None  # refused by the share that has it


def test_a_numba_that_cannot_be_used_is_said_once_and_read_without(tmp_path, monkeypatch, caplog):
    # e.g. numba's "cannot cache function: no locator available" on a read-only install
    lines = _big_body(np.random.default_rng(12), 30, 4)
    path = tmp_path / "v.vec"
    path.write_bytes(b"30 4\n" + b"".join(lines))
    expected = _outcome(path)

    def broken():
        raise RuntimeError("cannot cache function 'parse_line': no locator available")

    monkeypatch.setattr(text_numba, "_import_kernel", broken)
    monkeypatch.setattr(text_numba, "_kernel", None)
    with caplog.at_level("WARNING", logger="xproj.vectors.text_numba"):
        assert _outcome(path) == expected
        assert _outcome(path) == expected
    warned = [r.getMessage() for r in caplog.records if r.name == "xproj.vectors.text_numba"]
    assert warned == ["the compiled .vec parser is unavailable (RuntimeError: cannot cache function "
                      "'parse_line': no locator available); reading without it"]


def test_compiled_parser_run_as_python_gives_the_same_bits(tmp_path, monkeypatch):
    # NUMBA_DISABLE_JIT=1 (numba's debugging switch) runs the kernel as plain Python on numpy
    # scalars: a uint8 byte must not carry its type into the mantissa (uint8 arithmetic wraps,
    # "300" read as 44) or the exponent.
    pytest.importorskip("numba")
    import os
    import subprocess

    path = tmp_path / "v.vec"
    path.write_bytes(b"3 3\na 300 1.5 123456\nb -0.25 1e21 70000e-3\nc 9007199254740991 2 255.5\n")
    script = ("import sys, numpy as np\n"
              "from xproj.vectors import _vec_kernel, read_vec, text, text_numba\n"
              "text_numba._kernel = _vec_kernel  # read_vec would not use it as Python\n"
              "text._parse_block_polars = lambda *a: None\n"
              "text._BLOCK_BYTES = 1  # a block a line\n"
              "slow, careful = [], text._parse_lines\n"
              "text._parse_lines = lambda *a: slow.append(1) or careful(*a)\n"
              "wv = read_vec(sys.argv[1])\n"
              "sys.stdout.write(' '.join(wv.words) + '|' + wv.vectors.view(np.uint32).tobytes().hex()"
              " + f'|{len(slow)} slow')\n")
    env = dict(os.environ, NUMBA_DISABLE_JIT="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).parents[1]),
                                                        os.environ.get("PYTHONPATH")])))
    run = subprocess.run([sys.executable, "-c", script, str(path)],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    _careful_only(monkeypatch)
    careful = read_vec(path)
    expected = " ".join(careful.words) + "|" + careful.vectors.view(np.uint32).tobytes().hex()
    assert run.stdout == expected + "|0 slow"


@pytest.mark.parametrize("workers", [1, 3])
def test_a_compiled_parser_failing_on_its_first_call_is_said_once_and_read_without(
        tmp_path, monkeypatch, caplog, workers):
    # A kernel that raises in whichever thread calls it (the loaded kernel raises ValueError on
    # arguments it refuses; an OSError stands for any other failure).
    import threading
    import types

    lines = _big_body(np.random.default_rng(13), 40, 4)
    path = tmp_path / "v.vec"
    path.write_bytes(b"40 4\n" + b"".join(lines))
    with monkeypatch.context() as m:
        _careful_only(m)
        expected = _outcome(path)

    def failing(*args):
        raise OSError(28, "No space left on device")

    thread_errors = []
    monkeypatch.setattr(threading, "excepthook", thread_errors.append)
    monkeypatch.setattr(vec_text, "_parse_block_polars", _refuse)
    monkeypatch.setattr(text_numba, "_kernel", types.SimpleNamespace(parse_rows=failing))
    monkeypatch.setattr(text_numba, "_WORKERS", workers)
    monkeypatch.setattr(text_numba, "_MIN_ROWS_PER_WORKER", 1)
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 300)  # several blocks
    with caplog.at_level("WARNING", logger="xproj.vectors.text_numba"):
        assert _outcome(path) == expected
    warned = [r.getMessage() for r in caplog.records if r.name == "xproj.vectors.text_numba"]
    assert warned == ["the compiled .vec parser is unavailable (OSError: [Errno 28] No space left "
                      "on device); reading without it"]
    assert thread_errors == [] and text_numba.kernel() is None


def test_numba_debug_mode_reads_without_the_kernel(tmp_path):
    # As Python the byte loop is ~50x slower than numpy's reader (NUMBA_DISABLE_JIT=1 is set for
    # debugging and coverage runs): read_vec must not take it then.
    pytest.importorskip("numba")
    import os
    import subprocess

    env = dict(os.environ, NUMBA_DISABLE_JIT="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).parents[1]),
                                                        os.environ.get("PYTHONPATH")])))
    script = ("from xproj.vectors import text_numba\n"
              "print(text_numba.kernel() is None, text_numba.parse_block(b'a 1\\n', 1, 1) is None)\n")
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "True"]


def test_a_thread_that_cannot_start_leaves_its_share_to_the_caller(tmp_path, monkeypatch):
    # "can't start new thread" (a process's thread limit): the shares of the threads that did
    # start must not be left running into the matrix while the block goes to the next reader.
    pytest.importorskip("numba")
    import threading

    lines = _big_body(np.random.default_rng(14), 300, 5)
    path = tmp_path / "v.vec"
    path.write_bytes(b"300 5\n" + b"".join(lines))
    with monkeypatch.context() as m:
        _careful_only(m)
        expected = _outcome(path)

    class Limited(threading.Thread):
        started = 0

        def start(self):
            Limited.started += 1
            if Limited.started % 2 == 0:
                raise RuntimeError("can't start new thread")
            super().start()

    monkeypatch.setattr(text_numba.threading, "Thread", Limited)
    monkeypatch.setattr(vec_text, "_parse_block_polars", _refuse)
    monkeypatch.setattr(text_numba, "_WORKERS", 4)
    monkeypatch.setattr(text_numba, "_MIN_ROWS_PER_WORKER", 1)
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 3000)
    _fast_only(monkeypatch)
    assert _outcome(path) == expected
    assert Limited.started > 3 and text_numba.kernel() is not None
