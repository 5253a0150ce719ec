"""The sparse sums behind :class:`xproj.features.DocumentEmbedder`'s pooling: tokenised documents
to vocabulary rows (:func:`docs_to_rows`), which of those tokens carry a negation mark
(:func:`negated_tokens`), documents x rows counts (:func:`token_counts`) times the vectors
(:func:`times_vectors`), and the IDF weights (:func:`smooth_idf`). Each document's row depends on
that document alone."""

from __future__ import annotations

from itertools import chain

import numpy as np
import scipy.sparse as sp


def docs_to_rows(docs, cache):
    """CSR structure (``indptr``, ``indices``: vocabulary rows) of tokenised documents, and
    the token and OOV counts. ``cache`` maps token -> row (-1 for OOV), see ``xproj.space._RowCache``."""
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    flat = list(chain.from_iterable(docs))
    rows = np.fromiter(map(cache.__getitem__, flat), dtype=np.int64, count=len(flat))
    keep = rows >= 0
    kept_before = np.zeros(len(flat) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    bounds = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    return kept_before[bounds], rows[keep], len(flat), int(len(flat) - keep.sum())


def negated_tokens(docs, cache, prefix) -> np.ndarray:
    """Per token that :func:`docs_to_rows` keeps (those with a row), in the same order:
    whether it carries the negation mark ``prefix`` (``NEG_good``; a bare prefix is no mark)."""
    flat = list(chain.from_iterable(docs))
    rows = np.fromiter(map(cache.__getitem__, flat), dtype=np.int64, count=len(flat))
    n = len(prefix)
    marked = np.fromiter((len(t) > n and t.startswith(prefix) for t in flat), dtype=bool, count=len(flat))
    return marked[rows >= 0]


#: the mark the space's lookups strip themselves (:class:`~xproj.lang.VocabularyLookup`'s default)
LOOKUP_NEGATION_PREFIX = "NEG_"


class MarkedRows(dict):
    """token -> row through ``rows``, a token marked with another ``prefix`` than the lookups'
    own (``preprocess={"negation_prefix": "not_"}``) falling back to its unmarked word."""

    def __init__(self, rows, prefix):
        super().__init__()
        self.rows, self.prefix = rows, prefix

    def __missing__(self, token):
        row = self.rows[token]
        if row < 0 and len(token) > len(self.prefix) and token.startswith(self.prefix):
            row = self.rows[token[len(self.prefix):]]
        self[token] = row
        return row


def token_counts(data, indices, indptr, shape):
    """Documents x vocabulary rows, one entry per token (``data``: its count or sign), repeated
    rows summed."""
    C = sp.csr_matrix((data, indices, indptr), shape=shape)
    C.sum_duplicates()
    return C


def times_vectors(C, blocks, dim) -> np.ndarray:
    """``C`` times the stacked vectors of ``blocks``, float32; each block's columns times its own
    matrix (no stacked copy of the vectors)."""
    if len(blocks) == 1:
        return np.asarray(C @ np.asarray(blocks[0].vectors), dtype=np.float32)
    out, start = np.zeros((C.shape[0], dim), dtype=np.float32), 0
    for wv in blocks:
        out += np.asarray(C[:, start:start + len(wv)] @ np.asarray(wv.vectors), dtype=np.float32)
        start += len(wv)
    return out


def smooth_idf(indptr, indices, n_vocab):
    n_docs = len(indptr) - 1
    doc_of = np.repeat(np.arange(n_docs), np.diff(indptr))
    pairs = np.unique(doc_of * n_vocab + indices) if len(indices) else np.array([], dtype=np.int64)
    df = np.bincount(pairs % n_vocab, minlength=n_vocab) if len(pairs) else np.zeros(n_vocab)
    return np.log((1 + n_docs) / (1 + df)).astype(np.float32) + 1.0  # scikit-learn's smooth idf


#: tokens gathered at once by :func:`segment_extremes` (x the dimension x 4 bytes: 25 MiB at 100-d)
EXTREMES_TOKEN_BUDGET = 1 << 16


def token_vectors(rows, blocks, dim) -> np.ndarray:
    """The vectors of vocabulary ``rows`` (indices into the stacked ``blocks``), float32."""
    out, start = np.empty((len(rows), dim), dtype=np.float32), 0
    for wv in blocks:
        inside = (rows >= start) & (rows < start + len(wv))
        out[inside] = np.asarray(wv.vectors)[rows[inside] - start]
        start += len(wv)
    return out


def subset_segments(indptr, keep) -> np.ndarray:
    """The ``indptr`` of the tokens where ``keep`` is true (``keep``: one flag per token of the
    segments ``indptr`` delimits)."""
    kept_before = np.zeros(len(keep) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    return kept_before[indptr]


def segment_extremes(rows, indptr, blocks, dim, statistics, signs=None) -> dict:
    """Per document (a segment of ``rows``, delimited by ``indptr``), the per-dimension maximum
    and/or minimum of its tokens' vectors (``statistics``: names among ``"max"``, ``"min"``),
    each vector times its token's sign (``signs``: +1 / -1 per token, or None). A document
    without tokens gets zeros. Tokens are gathered in slices of whole documents, at most
    :data:`EXTREMES_TOKEN_BUDGET` tokens each unless one document is longer."""
    ufuncs = {"max": np.maximum, "min": np.minimum}
    n_docs = len(indptr) - 1
    out = {s: np.zeros((n_docs, dim), dtype=np.float32) for s in statistics}
    first = 0
    while first < n_docs:
        # the documents [first, last) whose tokens fit the budget (at least one document)
        last = int(np.searchsorted(indptr, indptr[first] + EXTREMES_TOKEN_BUDGET, side="right")) - 1
        last = min(max(last, first + 1), n_docs)
        lo, hi = indptr[first], indptr[last]
        V = token_vectors(rows[lo:hi], blocks, dim)
        if signs is not None:
            V *= signs[lo:hi, None]
        starts = indptr[first:last] - lo
        full = np.flatnonzero(np.diff(indptr[first:last + 1]) > 0)  # reduceat: no empty segment
        if len(full):
            for s in statistics:
                out[s][first + full] = ufuncs[s].reduceat(V, starts[full], axis=0)
        first = last
    return out
