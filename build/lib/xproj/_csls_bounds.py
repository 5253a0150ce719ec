"""Lower bounds of CSLS's target hubness term, raised on demand (for :func:`csls_topk`).

``r(z)``, the mean similarity of a target ``z`` to its ``k`` nearest sources, costs a pass
over every source. The mean of the ``k`` best similarities among any *subset* of the
sources is a lower bound of it, so ``2 cos - bound`` bounds a CSLS score from above, and
only targets that might enter some query's top-n need better. :class:`TargetBounds` keeps a
level per target:

0. a sample of the sources (every target, once);
1. the sources of the target's own cluster (an inverted file, :class:`InvertedFile`);
2. those of its ``n_probes`` nearest clusters;
3. those of its ``3 n_probes`` nearest clusters;
4. ``EXACT``: every source.

That is the default ladder; :class:`TargetBounds` takes others (``ladder``: the clusters read
by each level below the exact one, e.g. :func:`fine_ladder`), whose exact level is then
``len(ladder) + 1``. Each level only reads the clusters the one before did not.

Work is done in blocks (per cluster, or per group of targets) on :class:`~xproj._threads.Workers`.
"""

from __future__ import annotations

import numpy as np

from ._rowselect import topk_values
from ._threads import chunks

EXACT = 4  # level of a target whose r is exact with the default ladder (below: lower bounds)
SAMPLE = 512  # sources of the level-0 bound (at least 32 k)
_TILE_BYTES = 64 * 2**20  # similarities a product writes at once, per thread


def _mean(top):
    """Mean of sorted top-k rows; ``-inf`` when a row has fewer than k finite values."""
    return top.mean(axis=1) if top.shape[1] else np.full(len(top), -np.inf, dtype=np.float32)


def _row_blocks(n, workers, most=1024):
    """Equal blocks of ``range(n)``, a multiple of ``workers.n`` of them, at most ``most`` rows
    each: a product packs its other operand once per call, which costs as much as the product
    itself below a few hundred rows."""
    n_blocks = workers.n * -(-n // (workers.n * most))
    return chunks(n, -(-n // max(n_blocks, 1)))


def exact_r(T, S, k, workers, rows=None):
    """Mean of the k largest similarities of each row of ``T`` (or of ``T[rows]``) with all
    rows of ``S``, in blocks of rows on ``workers``; each block's similarities computed a
    chunk of sources at a time (``_TILE_BYTES``), and its top k merged over the chunks.
    The result does not depend on the blocks (the same products, the same sorted values)."""
    n, n_s = (T.shape[0] if rows is None else len(rows)), S.shape[0]
    out = np.empty(n, dtype=np.float32)
    spans = _row_blocks(n, workers)
    src = chunks(n_s, max(1024, _TILE_BYTES // (4 * max(1, spans[0][1] - spans[0][0] if spans else 1))))

    def block(span):
        i, j = span
        A = T[i:j] if rows is None else T[rows[i:j]]
        tops = np.full((j - i, len(src) * k), -np.inf, dtype=np.float32)
        for c, (a, b) in enumerate(src):
            sims = workers.scratch("tile", (j - i, b - a))
            np.matmul(A, S[a:b].T, out=sims)
            top = topk_values(sims, k)
            tops[:, c * k:c * k + top.shape[1]] = top
        out[i:j] = _mean(topk_values(tops, k))

    workers.map(block, spans)
    return out


def sample_bound(T, sample, k, workers):
    """A lower bound of ``r`` for every row of ``T`` from a sample of the sources: the mean
    of the k largest of the maxima of ``L >= k`` disjoint groups of the sample (k distinct
    sources, so at most the mean of the sample's k best; cheaper to select, and about as
    tight: 0.0007 lower on average on the bench's 200k world)."""
    L = min(len(sample), max(4 * k, 64))
    q = len(sample) // L
    sample = sample[:q * L]

    def block(span):
        i, j = span
        sims = T[i:j] @ sample.T
        best = sims.reshape(j - i, q, L).max(axis=1)
        out[i:j] = _mean(np.sort(np.partition(best, L - k, axis=1)[:, L - k:], axis=1))

    out = np.empty(T.shape[0], dtype=np.float32)
    workers.map(block, _row_blocks(T.shape[0], workers, most=8192))
    return out


def fine_ladder(n_probes, n_clusters):
    """A ladder for :class:`TargetBounds` with a level every ``n_probes`` clusters past the
    first ``n_probes`` (and one at half of them): ``1, 4, 8, 16, 24, ..., 56`` of 64 clusters
    for 8 probes. For a top-10, about a fifth of the targets whose bounds reach the 24
    nearest clusters still never need their exact value; steps of 8 clusters stop many of
    them on the way (4.98G pairs instead of 5.82G on the bench's 200k world, with every
    query's final 10th score known in advance)."""
    p = max(1, int(n_probes))
    return tuple(sorted({1, max(1, p // 2), p} | set(range(2 * p, n_clusters, p))))


class InvertedFile:
    """Sources grouped by their nearest of ``n_clusters`` centroids (spherical k-means on a
    sample, a few Lloyd rounds), each cluster's sources contiguous. Any clustering keeps the
    bounds below valid; a good one makes them tight (a word's neighbours mostly share its
    cluster)."""

    def __init__(self, S, n_clusters, k, seed=0):
        n_s = S.shape[0]
        c = self.size(n_s, n_clusters, k)
        rng = np.random.default_rng(seed)
        sample = S[rng.choice(n_s, size=min(n_s, 64 * c), replace=False)]
        C = sample[rng.choice(sample.shape[0], size=c, replace=False)].copy()
        for _ in range(8):
            assign = np.argmax(sample @ C.T, axis=1)
            for j in range(c):
                members = sample[assign == j]
                if len(members):
                    v = members.sum(axis=0)
                    C[j] = v / (np.linalg.norm(v) or 1)
        self.C = C
        s_assign = np.concatenate([np.argmax(S[i:j] @ C.T, axis=1) for i, j in chunks(n_s, 16384)])
        order = np.argsort(s_assign, kind="stable")
        self.S = S[order]
        self.bounds = np.searchsorted(s_assign[order], np.arange(c + 1))

    @staticmethod
    def size(n_sources, n_clusters, k):
        """Clusters made for ``n_sources`` sources (at most ``n_clusters``, ~``4 k`` sources
        each at least)."""
        return int(max(1, min(n_clusters, n_sources // max(4 * k, 64))))

    def members(self, j):
        return self.S[self.bounds[j]:self.bounds[j + 1]]

    def topk_by_cluster(self, T, rows, clusters, k, workers, floor=None):
        """Sorted top-k similarities of ``T[rows[i]]`` among the sources of ``clusters[i]``,
        shape ``(len(rows), k)`` (``-inf`` past a cluster's size); one block per cluster.

        ``floor`` (optional, one value per pair): the caller's k-th best so far. Then only the
        values above it are returned (the k largest of them, ``-inf`` for the rest): the
        others could not change the caller's k best values, ties included. One comparison
        with the floor and one flat ``nonzero`` (a sixth of the product over a cluster's
        ~3,000 sources) replace the selection (two-thirds of it): far clusters rarely hold
        any value above the floor. Pairs whose floor is ``-inf`` (nothing read yet) get a
        full selection."""
        out = np.full((len(rows), k), -np.inf, dtype=np.float32)
        order = np.argsort(clusters, kind="stable")
        cuts = np.searchsorted(clusters[order], np.arange(len(self.C) + 1))

        def block(j):
            pos = order[cuts[j]:cuts[j + 1]]
            members = self.members(j)
            if not pos.size or not len(members):
                return
            sims = workers.scratch("sims", (pos.size, len(members)))  # no fresh pages a call
            np.matmul(T[rows[pos]], members.T, out=sims)
            if floor is None:
                top = topk_values(sims, k)
                out[pos, k - top.shape[1]:] = top
                return
            f = floor[pos]
            first = np.isneginf(f)
            if first.any():
                top = topk_values(sims if first.all() else sims[first], k)
                out[pos[first], k - top.shape[1]:] = top
                if first.all():
                    return
                f = np.where(first, np.float32(np.inf), f)  # those rows are done
            above = workers.scratch("above", sims.shape, dtype=bool)
            np.greater(sims, f[:, None], out=above)
            _above_into(out, pos, sims, above, k)

        workers.map(block, [j for j in range(len(self.C)) if cuts[j + 1] > cuts[j]])
        return out


def _above_into(out, pos, sims, above, k):
    """``out[pos[i]]``: the k largest values of ``sims[i]`` where ``above[i]`` holds,
    ascending, after ``-inf`` padding; rows with none are left as they are. (One flat
    ``nonzero``: a 2-d one costs five times as much.)"""
    flat = np.flatnonzero(above)
    if not flat.size:
        return
    vals = sims.ravel()[flat]
    r = flat // sims.shape[1]
    o = np.lexsort((vals, r))  # by row, ascending within a row
    r, vals = r[o], vals[o]
    end = np.cumsum(np.bincount(r, minlength=len(pos)))
    from_end = end[r] - 1 - np.arange(r.size)  # 0 for a row's largest
    take = from_end < k
    out[pos[r[take]], k - 1 - from_end[take]] = vals[take]


class TargetBounds:
    """Per-target lower bounds of ``r`` (``self.r``) and their level (``self.level``).

    From level 1 on, a target reads the clusters of the inverted file in the order of its
    similarity to their centroids: 1, then ``n_probes``, then ``3 n_probes`` (or the counts of
    ``ladder``), then all of them (level ``self.exact``), keeping the k best similarities read
    so far, so that no level repeats the work of the one before.

    Parameters
    ----------
    T, S : arrays
        Unit targets and sources.
    k : int
    workers : xproj._threads.Workers
    n_clusters, n_probes : int
        Clusters of the inverted file and how many of a target's nearest ones level 2 reads.
    ladder : sequence of int, optional
        Clusters read by levels 1, 2... below the exact one (default ``(1, n_probes,
        3 n_probes)``; counts past the number of clusters mean all of them). More levels
        stop more targets short of their exact value, in more rounds.
    seed : int
        Seed of the sample and of the clustering (the bounds, never the result, depend on it).
    """

    def __init__(self, T, S, k, workers, *, n_clusters=64, n_probes=8, ladder=None, seed=0):
        self.T, self.S, self.k, self.workers = T, S, k, workers
        self.n_clusters, self.seed = n_clusters, seed
        n_t, n_s = T.shape[0], S.shape[0]
        n_c = InvertedFile.size(n_s, n_clusters, k)
        ladder = (1, n_probes, 3 * n_probes) if ladder is None else tuple(ladder)
        self.steps = [0] + [min(n_c, int(v)) for v in ladder] + [n_c]  # clusters read by level
        self.exact = len(self.steps) - 1  # the level of an exact value
        rng = np.random.default_rng(seed)
        sample = S[np.sort(rng.choice(n_s, size=min(n_s, max(32 * k, SAMPLE)), replace=False))]
        self.r = sample_bound(T, sample, k, workers)
        self.level = np.zeros(n_t, dtype=np.int8)
        self.ivf = None
        self.history = np.full((n_t, self.exact), np.nan, dtype=np.float32)  # bound at each level

    def gaps(self):
        """Median of ``exact r - bound`` at each level over the targets already exact (0 when
        none; 0 at ``EXACT``): how much a level's bound typically rises on the way."""
        done = np.flatnonzero(self.level == self.exact)
        out = np.zeros(self.exact + 1, dtype=np.float32)
        if done.size:
            gap = self.r[done, None] - self.history[done]
            for lv in range(self.exact):
                seen = gap[:, lv][~np.isnan(gap[:, lv])]
                if seen.size:
                    out[lv] = np.median(seen)
        return out

    def finish(self):
        """Exact ``r`` for every target still below the exact level."""
        rest = np.flatnonzero(self.level < self.exact)
        if rest.size:
            self.r[rest] = exact_r(self.T, self.S, self.k, self.workers, rest)
            self.level[rest] = self.exact

    def upgrade(self, cols):
        """Raise the bounds of ``cols`` one level; True when every target became exact."""
        level, exact = self.level, self.exact
        if np.count_nonzero(level == exact) + np.count_nonzero(level[cols] == exact - 1) > level.size // 3:
            # Pruning no longer pays (hubness everywhere): finish directly.
            self.finish()
            return True
        if self.ivf is None:
            self._start()
        by_level = [cols[level[cols] == lv] for lv in range(exact)]  # before any change
        for lv, rows in enumerate(by_level):
            self.history[rows, lv] = self.r[rows]
        self._read_clusters([(rows, self.steps[lv], self.steps[lv + 1]) for lv, rows in enumerate(by_level)
                             if rows.size])
        n_c = len(self.ivf.C)
        for lv, rows in enumerate(by_level):
            level[rows] = exact if self.steps[lv + 1] == n_c else lv + 1
        return False

    def _start(self):
        self.ivf = InvertedFile(self.S, self.n_clusters, self.k, self.seed)
        n_c, n_t = len(self.ivf.C), self.level.size
        assert n_c == self.steps[-1]
        self.order = np.empty((n_t, n_c), dtype=np.int16)  # rows filled as targets reach level 1
        self.top = np.full((n_t, self.k), -np.inf, dtype=np.float32)  # k best so far, ascending

    def _read_clusters(self, groups):
        """For each ``(rows, start, stop)`` of ``groups``, read the clusters ``start:stop`` of
        each row's order (distinct clusters, so the sources read so far are a subset: their k
        best give a lower bound; all of them: the value). All groups share one product per
        cluster."""
        if not groups:
            return
        ivf, k, n_c = self.ivf, self.k, len(self.ivf.C)
        fresh = np.concatenate([rows for rows, start, _ in groups if start == 0] + [np.empty(0, int)])
        if fresh.size:
            self.order[fresh] = np.argsort(-(self.T[fresh] @ ivf.C.T), axis=1, kind="stable")
        pair_rows = [np.repeat(rows, stop - start) for rows, start, stop in groups]
        pair_clusters = [self.order[rows, start:stop].ravel() for rows, start, stop in groups]
        # each pair's floor: its row's k-th best so far (-inf before the first cluster)
        floor = np.concatenate([np.repeat(self.top[rows, 0], stop - start) for rows, start, stop in groups])
        top = ivf.topk_by_cluster(self.T, np.concatenate(pair_rows), np.concatenate(pair_clusters),
                                  k, self.workers, floor)
        at = 0
        for (rows, start, stop), pr in zip(groups, pair_rows):
            w = stop - start
            new = top[at:at + pr.size].reshape(len(rows), w * k)
            at += pr.size
            self.top[rows] = topk_values(np.concatenate([self.top[rows], new], axis=1), k)
            r = _mean(self.top[rows])
            self.r[rows] = r if stop == n_c else np.maximum(self.r[rows], r)
