"""Blocked array work split over threads, one BLAS thread each (for :mod:`xproj.retrieval`).

A multi-threaded BLAS parallelises the matrix products but not the numpy selections that
follow them (top-k, masks, gathers), which cost about as much at 200,000 columns. Running
whole blocks (product and selections) on several Python threads, each product on one BLAS
thread, keeps every core busy; numpy releases the GIL in both. Each block writes its own
rows of the result, so the result does not depend on the number of threads or on their
order (a row's product is the same with one BLAS thread or several).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits


def default_workers() -> int:
    """As many threads as BLAS would use here (its own setting: ``OPENBLAS_NUM_THREADS``, an
    enclosing ``threadpool_limits``...), at most the CPUs this process may run on."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    blas = [info["num_threads"] for info in threadpool_info() if info.get("user_api") == "blas"]
    return max(1, min([cpus] + blas))


class Workers:
    """A pool of ``n`` threads for :meth:`map`, with a scratch buffer per thread.

    Use as a context manager: inside it, BLAS runs one thread per call when ``n > 1``.
    """

    def __init__(self, n=None):
        self.n = default_workers() if n is None else max(1, int(n))
        self._local = threading.local()
        self._pool = self._limits = None

    def __enter__(self):
        if self.n > 1:
            self._limits = threadpool_limits(1, user_api="blas")
            self._pool = ThreadPoolExecutor(self.n)
        return self

    def __exit__(self, *exc):
        if self._pool is not None:
            self._pool.shutdown()
            self._limits.restore_original_limits()
            self._pool = self._limits = None

    def map(self, fn, items):
        """``[fn(item) for item in items]``, on the pool's threads when it has several."""
        items = list(items)
        if self._pool is None or len(items) < 2:
            return [fn(item) for item in items]
        return list(self._pool.map(fn, items))

    def scratch(self, name, shape, dtype=np.float32):
        """This thread's reusable buffer ``name``, viewed as ``shape`` (grown when too small:
        a fresh large array a call costs its page faults each time)."""
        size = int(np.prod(shape))
        buf = getattr(self._local, name, None)
        if buf is None or buf.size < size or buf.dtype != dtype:
            buf = np.empty(size, dtype=dtype)
            setattr(self._local, name, buf)
        return buf[:size].reshape(shape)


def chunks(n, size):
    """``(start, stop)`` ranges covering ``range(n)`` in pieces of at most ``size``."""
    size = max(1, int(size))
    return [(i, min(i + size, n)) for i in range(0, n, size)]
