"""A ``.vec`` file's lines in blocks: read (:func:`read_blocks`), and parsed on worker threads a
bounded number ahead, handed back in order (:func:`parse_ahead`).

:func:`parse_ahead` runs the fast block parser (polars' per block,
:func:`xproj.vectors.text_polars.parse_block`) on ``workers`` threads, one block each: polars
releases the GIL while it parses and numpy while it copies, so two blocks use both cores
where one polars call on a block of a few MB does not (bench/bench_read_vec.py). The rows of
a block are written straight into their rows of the preallocated matrix (line ``i`` of the
body into row ``i``), which spares a copy and spreads the first touch of the matrix over the
workers; :meth:`~xproj.vectors.rows.KeptRows.add` then finds them in place (or moves them up
when earlier lines were dropped).

Results come back in file order, and every block's result depends on its text only, so words
and bits are the same whatever the number of workers or the block size. A block the fast
parser refuses (or a worker that fails in any way) comes back as None, and the caller parses
it with its own readers in the calling thread, which name a malformed line exactly as they
would without threads. At most ``workers`` blocks are being parsed at any time.
"""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

WORKERS = 2  # blocks parsed at once; 1 parses in the calling thread (no thread at all)


def parse_ahead(blocks, dim: int, kept, parse, workers: int = WORKERS):
    """Yield ``(first line number, block, number of lines, parsed or None)`` in file order.

    Parameters
    ----------
    blocks : iterable of (int, bytes, int)
        ``(number of the first line, whole lines, number of lines)``, as :func:`read_blocks`
        gives them.
    dim : int
    kept : KeptRows
        Its :meth:`~KeptRows.rows_for` says where a block's values may be written.
    parse : callable
        ``parse(block, n_lines, dim, out)`` -> ``(words, values)`` or None; it must not
        raise for a malformed block (None instead) and may run on any thread.
    workers : int

    Notes
    -----
    Close the generator (``contextlib.closing``) when the caller stops early (an error in a
    block): that waits for the blocks being parsed, so no thread writes into the matrix after
    the read has ended.
    """
    if workers <= 1:
        line = 0
        for start, block, n_lines in blocks:
            yield start, block, n_lines, _parse_quietly(parse, block, n_lines, dim,
                                                        kept.rows_for(line, n_lines))
            line += n_lines
        return
    line = 0  # data lines before the block: where its rows go when nothing was dropped
    with ThreadPoolExecutor(workers, thread_name_prefix="xproj-read-vec") as pool:
        pending = deque()
        try:
            for start, block, n_lines in blocks:
                out = kept.rows_for(line, n_lines)
                future = pool.submit(_parse_quietly, parse, block, n_lines, dim, out)
                pending.append((start, block, n_lines, future))
                line += n_lines
                if len(pending) >= workers:  # wait for the oldest before reading another block
                    start, block, n_lines, future = pending.popleft()
                    yield start, block, n_lines, future.result()
            while pending:
                start, block, n_lines, future = pending.popleft()
                yield start, block, n_lines, future.result()
        finally:
            for *_, future in pending:
                future.cancel()  # not started yet; the ones running are waited for on exit


def _parse_quietly(parse, block, n_lines, dim, out):
    """``parse``'s answer, or None when it fails: the careful reader then has the last word."""
    try:
        return parse(block, n_lines, dim, out)
    except (KeyboardInterrupt, SystemExit):
        raise
    # e.g. MemoryError, or a panic inside polars (pyo3's PanicException is a BaseException)
    except BaseException as exc:
        log.debug("fast block parser failed (%s: %s); the careful reader takes the block",
                  type(exc).__name__, exc)
        return None


def read_blocks(f, first: list[bytes], lineno: int, limit: int | None, size: int):
    """``(number of the first line, whole lines as bytes, number of lines)``, ``limit`` lines at most.

    ``first`` are the data lines the header check already read, from line ``lineno``; the
    rest come from ``f``, about ``size`` bytes at a time. Lines end at ``\\n`` only, as when
    iterating over ``f``.
    """
    first = first[:limit]  # limit >= 1, so line 1 always fits
    n_lines = len(first)
    if first:
        yield lineno, b"".join(first), n_lines
    lineno += n_lines
    while limit is None or n_lines < limit:
        block = f.read(size)
        if not block:
            return
        if not block.endswith(b"\n"):
            block += f.readline()  # finish the last line
        n_block = block.count(b"\n") + (not block.endswith(b"\n"))
        if limit is not None and n_lines + n_block > limit:
            block, n_block = _first_lines(block, limit - n_lines), limit - n_lines
        yield lineno, block, n_block
        lineno += n_block
        n_lines += n_block


def _first_lines(block: bytes, n: int) -> bytes:
    """The first ``n`` lines of ``block`` (which has more)."""
    end = -1
    for _ in range(n):
        end = block.index(b"\n", end + 1)
    return block[: end + 1]
