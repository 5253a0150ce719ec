"""The quickest path for a block of ``.vec`` text: a compiled parser (numba, optional dependency).

:func:`parse_block` parses a block of whole lines in one compiled pass on all cores and
returns its words and float32 values, or None whenever the block is anything but plain: then
:mod:`xproj.vectors.text` parses it again with its other readers, which name a malformed line
or accept an unusual but valid one (tabs, double spaces, ``1_0``, ``nan``). So this path only
ever says "these values" or "not me", never an error. The kernel is compiled by numba once per
machine and its machine code saved; later processes load it without numba
(:mod:`xproj.vectors._vec_object`).

What it accepts, line by line: a non-empty word up to the first space, then exactly ``dim``
decimals each after one space, then at most one space and one carriage return before the
newline. A decimal is ``[+-]digits[.digits][(e|E)[+-]digits]`` (or ``[+-].digits...``) whose
digits make an integer ``m < 2**53`` and whose power of ten ``e`` (the exponent minus the
fraction digits) is within +-22: then ``m * 10**e`` (or ``m / 10**-e``) is one IEEE operation
on two exact doubles, hence the correctly rounded double (Clinger 1990, the "fast path" of
every ``strtod``), and rounding it to float32 gives the careful reader's bits, which round
Python's ``float`` to float32. fastText's 4-5 decimals are always in it; a longer decimal
sends its block to the next reader.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading

import numpy as np

log = logging.getLogger(__name__)

_kernel = None  # the loaded kernel; False when it cannot be
_kernel_lock = threading.Lock()
# Threads sharing a block's lines (the kernel releases the GIL): the cores this process may use.
_WORKERS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
_MIN_ROWS_PER_WORKER = 256  # a thread's start costs more than parsing fewer lines

# 10**0 .. 10**22: every one exact in a double (5**22 < 2**53).
_POW10 = np.array([float(10**k) for k in range(23)])


def _import_kernel():
    # NUMBA_DISABLE_JIT=1 (numba's debugging switch) would run the byte loop as Python, ~50x
    # slower; read without it then. Read from the environment: importing numba costs 0.2 s.
    if _flag(os.environ.get("NUMBA_DISABLE_JIT", "0")):
        return False
    if importlib.util.find_spec("numba") is None:  # the fastread extra is not installed
        return False
    from ._vec_object import load_kernel  # a saved object, or numba compiles it once (~3 s)

    return load_kernel()


def _flag(value: str) -> bool:
    """An environment switch read as numba reads it (an integer; anything else is off)."""
    try:
        return int(value) != 0
    except ValueError:
        return False


def kernel():
    """The compiled kernel (its ``parse_rows``), or None when numba is not installed (or the
    kernel cannot be built)."""
    global _kernel
    with _kernel_lock:  # two threads reading at once build or load it once
        if _kernel is None:
            try:
                _kernel = _import_kernel()
            except ImportError:  # numba not installed
                _kernel = False
            except Exception as exc:  # e.g. the kernel cannot be built: say so, read without it
                _unavailable(exc)
    return _kernel or None


def _unavailable(exc: Exception):
    """Say once why the kernel cannot be used, and read without it from now on."""
    global _kernel
    log.warning("the compiled .vec parser is unavailable (%s: %s); reading without it",
                type(exc).__name__, exc)
    _kernel = False


def parse_block(block: bytes, n_lines: int, dim: int, out: np.ndarray | None = None,
                newlines: np.ndarray | None = None):
    """``(words, float32 values)`` of a block of ``n_lines`` well-formed lines, else None.

    Parameters
    ----------
    block : bytes
        Whole lines (the last one may lack its newline), no header.
    n_lines : int
        Lines in ``block``; a block with another number of lines is refused.
    dim : int
        Values a line must have.
    out : ndarray of shape (n_lines, dim), float32, optional
        Where to write the values (e.g. the reader's matrix, which spares a copy); returned as
        the values. Its rows are undefined when the block is refused.
    newlines : ndarray of int64, optional
        The offsets of the block's newlines, when the caller has them already.
    """
    compiled = kernel()
    if compiled is None or not block:
        return None
    buf = np.frombuffer(block, dtype=np.uint8)
    # numpy's vectorised compare finds the newlines quicker than a compiled loop
    ends = np.flatnonzero(buf == 10) if newlines is None else newlines
    if not block.endswith(b"\n"):
        ends = np.append(ends, len(buf))
    if len(ends) != n_lines:
        return None
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    values = np.empty((n_lines, dim), dtype=np.float32) if out is None else out
    word_ends = np.empty(n_lines, dtype=np.int64)
    try:
        plain = _parse_rows(compiled.parse_rows, (buf, starts, ends, dim, values, word_ends, _POW10),
                            n_lines)
    except Exception as exc:  # a kernel that fails (a test's stand-in; ValueError on bad arguments)
        _unavailable(exc)
        return None
    if not plain:
        return None
    try:
        words = [block[a:b].decode("utf-8") for a, b in zip(starts.tolist(), word_ends.tolist())]
    except UnicodeDecodeError:
        return None
    # Every value is finite: within the exact range |m * 10**e| < 2**53 * 10**22, below float32's
    # largest (3.4e38), so no check for inf is needed here.
    return words, values


def _parse_rows(parse_rows, args, n_lines: int) -> bool:
    """Run ``parse_rows(*args, first, stop)`` over ``range(n_lines)`` split among the workers."""
    n_workers = max(1, min(_WORKERS, n_lines // _MIN_ROWS_PER_WORKER))
    bounds = np.linspace(0, n_lines, n_workers + 1).astype(np.int64).tolist()
    plain = [False] * n_workers
    failed = []  # a thread's exception, raised here once every thread is done

    def work(i):
        try:
            plain[i] = parse_rows(*args, bounds[i], bounds[i + 1])
        except Exception as exc:
            failed.append(exc)

    threads = []
    for i in range(1, n_workers):
        thread = threading.Thread(target=work, args=(i,))
        try:
            thread.start()
        except RuntimeError:  # "can't start new thread": this thread does that share too
            work(i)
            continue
        threads.append(thread)
    work(0)
    for thread in threads:  # every share done before the caller reads (or rewrites) the rows
        thread.join()
    if failed:
        raise failed[0]
    return all(plain)
