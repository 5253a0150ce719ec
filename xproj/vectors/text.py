"""fastText/word2vec text files (``.vec``): reading and writing.

A file is an optional ``count dim`` header, then one ``word v1 ... vdim`` line a word; plain,
``.gz``, ``.xz`` or ``.bz2``. :func:`read_vec` reads blocks of whole lines and tries four
parsers on each, quickest first, each giving the same float32 bits as the next: a compiled
parser when numba is installed (:mod:`xproj.vectors.text_numba`: all cores, plain blocks of
decimals it can round exactly), polars' CSV reader when polars is installed
(:mod:`xproj.vectors.text_polars`: plain blocks), then one ``np.loadtxt`` call (numpy's C
parser), then the careful reader, line by line, which names a malformed line or accepts an
unusual but valid one (tabs, double spaces). The next block is read (and decompressed) on
another thread while one is parsed.

What the reader meets and lets through (skipped lines, a header that disagrees with the body
in skip mode, vectors that are all zeros) is kept in ``load_stats["warnings"]`` and logged by
:func:`log_load_warnings`, on the first read and on every load from the cache.
"""

from __future__ import annotations

import codecs
import io
import logging
import queue
import threading
import warnings
from contextlib import closing
from pathlib import Path
from typing import Iterable

import numpy as np

from .._io import atomic_write, open_binary
from ..errors import InputFormatError
from .keyed import WordVectors
from .rows import KeptRows, wanted_words
from .text_numba import parse_block as _parse_block_numba
from .text_polars import parse_block as _parse_block_polars

log = logging.getLogger(__name__)

# Text read at once (whole lines): a share of the matrix, so that the reader's peak stays near
# the matrix (polars' reader peaks at ~8x its block); and large enough that polars' cost per
# call does not show (bench/bench_read_vec.py). _BLOCK_BYTES set (tests): that size.
_BLOCK_SHARE = 48
_BLOCK_RANGE = (1 << 20, 8 << 20)
_BLOCK_BYTES: int | None = None
_BLOCK_LINES = 2048  # lines written at once by write_vec
_FIRST_CAPACITY = 65536  # rows allocated when no header gives the count
# A row or two of zeros (padding, "</s>") is common; beyond this share the file is suspect.
_ZERO_SHARE_WARNED = 0.1
# The run option vectors.on_bad_line -> the readers' ``errors``; and how a message advises it.
ON_BAD_LINE = {"error": "raise", "skip": "skip"}
SKIP_ADVICE = ('set vectors.on_bad_line = "skip" in a run (xproj align/bli: --on-bad-line skip; '
               'load_vectors: errors="skip")')


def read_vec(
    path,
    *,
    limit: int | None = None,
    vocabulary: Iterable[str] | None = None,
    lowercase: bool = False,
    errors: str = "raise",
    lang: str | None = None,
) -> WordVectors:
    """Read a fastText/word2vec text file (``.vec``; plain, ``.gz``, ``.xz`` or ``.bz2``).

    Parameters
    ----------
    path : str or Path
    limit : int, optional
        Read only the first ``limit`` words of the file (the most frequent ones in published
        files), before any vocabulary filter.
    vocabulary : iterable of str, optional
        Keep only these words (compared after lowercasing when ``lowercase``).
    lowercase : bool
        Lowercase words; when two words collide the first occurrence wins, as in MUSE.
    errors : {"raise", "skip"}
        What to do with a malformed line (wrong number of values, non-numbers, bad UTF-8):
        raise :class:`~xproj.errors.InputFormatError` naming the file and line, or skip it
        and log the count. A header whose word count disagrees with the body raises too, or
        is logged in skip mode. A first line that is neither a header nor a vector line like
        the second always raises: no dimension can be trusted. Duplicate words always keep
        the first occurrence (counted).
    lang : str, optional

    Returns
    -------
    WordVectors
        With :attr:`~WordVectors.load_stats`: lines read, skipped lines, duplicates, words
        filtered out, header, all-zero vectors kept, and the warnings logged.
    """
    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    if limit is not None and limit <= 0:
        raise ValueError(f"limit must be positive, got {limit}")
    path = Path(path)
    malformed = _Malformed(path, errors)
    with open_binary(path) as f:
        header, dim, first = _read_header(f, path)
        capacity = _capacity(header, limit)
        kept = KeptRows(capacity, dim, lowercase, wanted_words(vocabulary, lowercase))
        size = _BLOCK_BYTES or int(np.clip(capacity * dim * 4 // _BLOCK_SHARE, *_BLOCK_RANGE))
        n_lines = 0  # data lines consumed (for limit and the header check)
        # closing(): on an error below too, the reading thread ends before the file is closed
        with closing(_read_ahead(_blocks(f, first, 1 if header is None else 2, limit, size))) as blocks:
            for start, block, n_block, newlines in blocks:
                n_lines += n_block
                parsed = _parse_block_numba(block, n_block, dim, kept.free_rows(n_block), newlines)
                if parsed is not None:  # parsed straight into the matrix
                    kept.add_in_place(parsed[0])
                    continue
                parsed = _parse_block_polars(block, n_block, dim)  # numba absent, or not a plain block
                if parsed is None:  # then numpy, then line by line
                    parsed = _parse_lines(io.BytesIO(block).readlines(), start, dim, header, malformed)
                kept.add(*parsed)
    line_count = _line_count_problem(header, limit, n_lines)
    if line_count:
        malformed.whole_file(line_count)
    if not kept.words:
        raise InputFormatError(path, "no word vectors could be read" + (
            " (none of the requested vocabulary is in the file)" if kept.keep is not None else ""))
    matrix = kept.matrix()
    n_zero = int(np.count_nonzero(~matrix.any(axis=1)))
    stats = {"lines": n_lines, "skipped": malformed.count, "duplicates": kept.duplicates,
             "filtered": kept.filtered, "header": header, "zero_vectors": n_zero,
             "warnings": malformed.warnings + _zero_warning(n_zero, len(matrix))}
    if stats["skipped"]:
        stats["warnings"].append(f"skipped {stats['skipped']} malformed lines")
    if stats["duplicates"] and not lowercase:  # a word listed twice (lowercasing collisions are expected)
        n = stats["duplicates"]
        stats["warnings"].append(f"{n} {'word appears' if n == 1 else 'words appear'} more than once; kept the "
                                 "first vector of each")
    log_load_warnings(path, stats)
    if stats["duplicates"] and lowercase:
        log.info("%s: %d duplicate words, kept the first occurrence", path, stats["duplicates"])
    return WordVectors(kept.words, matrix, lang=lang, source=str(path), load_stats=stats)


def log_load_warnings(path, stats: dict | None):
    """Log what a read let through (``load_stats["warnings"]``), one line each, naming ``path``."""
    for warning in (stats or {}).get("warnings") or ():
        log.warning("%s: %s", path, warning)


# -- the reader's steps ----------------------------------------------------------------------

def _parse_header(line: bytes):
    parts = line.split()
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[1])
    return None


def _read_header(f, path: Path):
    """Read the header: ``(header or None, dim, the data lines already read)``.

    Without a header (GloVe style) the dimension is the number of values on line 1, which
    must agree with line 2's: both are returned as data lines.
    """
    first = f.readline()
    if not first:
        raise InputFormatError(path, "empty file: expected a 'count dim' header or vectors")
    # A byte-order mark (Windows editors) would glue itself to the count or the first word;
    # this is the one place the reader sees the start of the file.
    first = first.removeprefix(codecs.BOM_UTF8)
    header = _parse_header(first)
    if header is not None:
        if header[1] <= 0:
            raise InputFormatError(path, f"header gives dimension {header[1]}", line=1)
        return header, header[1], []
    dim, second = _n_values(first), f.readline()
    n_second = _n_values(second) if second.strip() else dim
    if dim <= 0 or n_second != dim:
        shown = first.decode("utf-8", "replace").strip()[:60]
        detail = (f"it has {dim} values after the first word, line 2 has {n_second}" if dim > 0
                  else "no values after the first word")
        raise InputFormatError(path, "first line is not a '<count> <dim>' header nor a vector "
                               f"line ({detail}): {shown!r}", line=1)
    return None, dim, [first, second] if second else [first]


def _n_values(line: bytes) -> int:
    """Values on a vector line: its fields but the word."""
    return len(line.split()) - 1


def _capacity(header, limit: int | None) -> int:
    """Rows to allocate first: the header's count (or a guess), at most ``limit``."""
    capacity = header[0] if header is not None else _FIRST_CAPACITY
    if limit is not None:
        capacity = min(capacity, limit)
    return max(capacity, 1)


def _blocks(f, first: list[bytes], lineno: int, limit: int | None, size: int):
    """``(number of the first line, whole lines as bytes, number of lines, the offsets of their
    newlines)``, ``limit`` lines at most.

    ``first`` are the data lines the header check already read, from line ``lineno``; the
    rest come from ``f``, about ``size`` bytes at a time. Lines end at ``\\n`` only, as when
    iterating over ``f``; only the file's last line may lack its newline.
    """
    first = first[:limit]  # limit >= 1, so line 1 always fits
    n_lines = len(first)
    if first:
        block = b"".join(first)
        yield lineno, block, n_lines, _newlines(block)
    lineno += n_lines
    while limit is None or n_lines < limit:
        block = f.read(size)
        if not block:
            return
        if not block.endswith(b"\n"):
            block += f.readline()  # finish the last line
        newlines = _newlines(block)
        n_block = len(newlines) + (not block.endswith(b"\n"))
        if limit is not None and n_lines + n_block > limit:  # whole lines up to the limit's
            n_block = limit - n_lines
            newlines = newlines[:n_block]
            block = block[: newlines[-1] + 1]
        yield lineno, block, n_block, newlines
        lineno += n_block
        n_lines += n_block


def _read_ahead(blocks):
    """Yield the items of the iterator ``blocks``, produced one item ahead on another thread.

    The next block is read (and decompressed, and its newlines found) while this one is parsed:
    file reads, ``zlib``/``lzma`` and numpy release the GIL. At most two blocks wait beside the one
    being parsed. Close the generator (or exhaust it) before closing the file: its ``finally``
    stops the thread and waits for it.
    """
    ready = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand_over(message) -> bool:
        # Never waits for good: if the caller's cleanup is itself interrupted (Ctrl-C twice),
        # nobody takes the message, and stop is set.
        while not stop.is_set():
            try:
                ready.put(message, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for item in blocks:
                if not hand_over(("item", item)):
                    return
            hand_over(("end", None))
        except BaseException as exc:  # raised where the block is read, in the caller's thread
            hand_over(("error", exc))

    thread = threading.Thread(target=produce, name="xproj-read-ahead", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # "can't start new thread": read each block when it is parsed
        yield from blocks
        return
    try:
        while True:
            kind, item = ready.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a pending put
            try:
                ready.get(timeout=0.05)
            except queue.Empty:
                pass
        thread.join()


def _newlines(block: bytes) -> np.ndarray:
    # numpy's vectorised compare finds them ~2.5x faster than bytes.count counts them
    # (bench/bench_read_vec.py); the compiled parser splits the block's lines at these offsets.
    return np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)


def _parse_lines(lines: list[bytes], start: int, dim: int, header, malformed):
    """``(words, values)`` of lines from line ``start``: ``np.loadtxt``, or line by line."""
    nums, words, rests = _split_words(lines, start, malformed)
    if not words:
        return [], np.empty((0, dim), dtype=np.float32)
    values = _parse_block(rests, dim)
    if values is None:  # some line is malformed: find which, line by line
        words, values = _parse_each(nums, words, rests, dim, header, malformed)
    return words, values


def _split_words(lines: list[bytes], start: int, malformed):
    """Decode lines and split off the word: ``(line numbers, words, value strings)``."""
    nums, words, rests = [], [], []
    for num, raw in enumerate(lines, start):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            malformed(num, f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
            continue
        text = text.rstrip("\r\n")
        word, sep, rest = text.partition(" ")
        if not sep or not word:
            malformed(num, "no vector values after the word" if text.strip() else "empty line")
            continue
        nums.append(num)
        words.append(word)
        rests.append(rest.rstrip())  # fastText writes a space after the last value
    return nums, words, rests


def _parse_block(rests: list[str], dim: int):
    """Parse a block's values at once with numpy's C text parser; None if any line is malformed.

    ``np.loadtxt`` (C since numpy 1.23) parses about 1.5x faster than ``np.fromstring`` and
    checks each line's count of values itself (bench/bench_read_vec.py). It is strict where
    :func:`_parse_line` is lenient (two spaces in a row, a tab): such a block returns None and
    is parsed line by line, which gives the same float32 values (both round the decimal to
    the nearest double, then to float32).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "input contained no data" on a block of ""
        try:
            values = np.loadtxt(rests, dtype=np.float32, delimiter=" ", comments=None,
                                quotechar=None, ndmin=2)
        except (ValueError, Warning):
            return None
    # loadtxt drops empty lines ("word " has no values): the row count catches them.
    if values.shape != (len(rests), dim) or not np.isfinite(values).all():
        return None
    return values


def _parse_each(nums, words, rests, dim: int, header, malformed):
    """Parse a block line by line, reporting the malformed lines: ``(words, values)``."""
    good_words, good_rows = [], []
    for num, word, rest in zip(nums, words, rests):
        row, problem = _parse_line(rest, dim)
        if problem:
            if header is not None and problem.startswith("has ") and num == 2:
                problem = problem.replace(f", expected {dim}", f" but the header says {dim}")
            malformed(num, problem)
            continue
        good_words.append(word)
        good_rows.append(row)
    return good_words, np.array(good_rows, dtype=np.float32).reshape(-1, dim)


def _parse_line(rest: str, dim: int):
    parts = rest.split()
    if len(parts) != dim:
        return None, f"has {len(parts)} values, expected {dim}"
    try:
        # a value beyond float32's range becomes inf, reported just below as the line's problem
        with np.errstate(over="ignore"):
            row = np.array([float(p) for p in parts], dtype=np.float32)
    except ValueError:
        bad = next(p for p in parts if not _is_float(p))
        return None, f"value {bad!r} is not a number"
    if not np.all(np.isfinite(row)):
        return None, "has a non-finite value (nan or inf)"
    return row, None


def _is_float(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


class _Malformed:
    """What to do with a malformed line: raise, naming the file and line, or count it.

    A problem of the whole file (:meth:`whole_file`) raises too, or becomes a warning.
    """

    def __init__(self, path: Path, errors: str):
        self.path, self.skip, self.count = path, errors == "skip", 0
        self.warnings: list[str] = []

    def __call__(self, line: int, problem: str):
        if not self.skip:
            raise InputFormatError(self.path, f"{problem}; to skip such lines, {SKIP_ADVICE}",
                                   line=line)
        self.count += 1

    def whole_file(self, problem: str):
        if not self.skip:
            raise InputFormatError(self.path, f"{problem}; to use the lines there are, {SKIP_ADVICE}")
        self.warnings.append(problem)


def _line_count_problem(header, limit: int | None, n_lines: int) -> str | None:
    """How the body disagrees with the header's word count, as far as ``limit`` lets us see."""
    if header is None:
        return None
    n_expected = header[0]
    if n_lines > n_expected:  # reading stopped at limit (> the count) or at the end
        at_least = "at least " if limit is not None and n_lines == limit else ""
        return f"header says {n_expected} words, the file has {at_least}{n_lines}"
    if n_lines < n_expected and (limit is None or n_lines < limit):
        return f"header says {n_expected} words, the file has {n_lines}"
    return None


def _zero_warning(n_zero: int, n_rows: int) -> list[str]:
    if n_zero and n_zero >= _ZERO_SHARE_WARNED * n_rows:
        return [f"{n_zero} of {n_rows} vectors are all zeros (a truncated or badly converted file?)"]
    return []


# -- writing ---------------------------------------------------------------------------------

def write_vec(wv: WordVectors, path, *, precision: int = 4) -> Path:
    """Write ``wv`` as a fastText text file with a ``count dim`` header, atomically.

    ``.gz``/``.xz`` suffixes are compressed. Values are written with ``precision`` decimals
    (4, like the published aligned files).
    """
    import gzip
    import lzma

    path = Path(path)
    fmt = f"%.{precision}f"
    with atomic_write(path, "wb") as raw:
        if path.suffix == ".gz":
            f = gzip.GzipFile(fileobj=raw, mode="wb")
        elif path.suffix == ".xz":
            f = lzma.LZMAFile(raw, mode="wb")
        else:
            f = raw
        f.write(f"{len(wv)} {wv.dim}\n".encode())
        for start in range(0, len(wv), _BLOCK_LINES):
            stop = min(start + _BLOCK_LINES, len(wv))
            block = np.asarray(wv.vectors[start:stop])
            lines = []
            for word, row in zip(wv.words[start:stop], block):
                lines.append(word + " " + " ".join(fmt % v for v in row))
            f.write(("\n".join(lines) + "\n").encode("utf-8"))
        if f is not raw:
            f.close()
    return path
