"""Tokenising many documents in worker processes (:meth:`Preprocessor.pipe` with ``n_jobs``).

The preprocessor is pickled with its options only (its resources are rebuilt per process),
each worker runs the serial pipe on a contiguous chunk, and the chunks come back in input
order, so the tokens are the same whatever the number of workers.
"""

from __future__ import annotations

import os

from ..errors import ConfigError

# Separators for shipping a chunk's tokens back from a worker as one string: pickling one
# big str is several times faster than pickling tens of thousands of small lists, and these
# two control characters cannot occur in tokens (clean_text replaces them).
_DOC_SEP, _TOK_SEP = "\x1e", "\x1f"


def effective_jobs(n_jobs) -> int:
    """Worker count for ``n_jobs`` (None -> 1, -1 -> all cores, -2 -> all but one, ...)."""
    if n_jobs is None:
        return 1
    if not isinstance(n_jobs, int) or n_jobs == 0:
        raise ConfigError(f"n_jobs must be a non-zero int (-1 = all cores), got {n_jobs!r}")
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return n_jobs


def pipe_in_workers(pre, texts: list[str], batch_size: int, n_workers: int) -> list[list[str]]:
    """Tokens of ``texts`` (in input order) from ``n_workers`` processes running ``pre``."""
    from joblib import Parallel, delayed  # noqa: PLC0415  (only needed here)

    # A few chunks per worker balances load without paying per-batch IPC.
    n_chunks = n_workers * 4
    size = -(-len(texts) // n_chunks)
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    # No backend named here: processes (loky) by default, or whatever the caller set with
    # joblib.parallel_config(backend=...), e.g. "dask" on a cluster (the `cluster` extra).
    results = Parallel(n_jobs=n_workers)(delayed(_pipe_chunk)(pre, chunk, batch_size) for chunk in chunks)
    out: list[list[str]] = []
    for part in results:
        out.extend(_unpack(part) if isinstance(part, str) else part)
    return out


def _pipe_chunk(pre, texts: list[str], batch_size: int):
    """Worker entry point (module level so that it pickles): packed tokens of `texts`."""
    docs = pre._pipe_serial(texts, batch_size)
    packed = _DOC_SEP.join(_TOK_SEP.join(doc) for doc in docs)
    # Safety net: a custom tokenizer or option could still emit a separator; then (and for
    # an empty chunk) send the lists themselves rather than risk a wrong split.
    n_tok_seps = sum(len(doc) - 1 for doc in docs if doc)
    if (not docs or packed.count(_DOC_SEP) != len(docs) - 1
            or packed.count(_TOK_SEP) != n_tok_seps
            or any(doc == [""] for doc in docs)):
        return docs
    return packed


def _unpack(packed: str) -> list[list[str]]:
    return [doc.split(_TOK_SEP) if doc else [] for doc in packed.split(_DOC_SEP)]
