import numpy as np
import pytest

from xproj.errors import ShapeError
from xproj.retrieval import _topk_rows, _topk_rows_partition, as_unit, csls_topk, nn_topk, topk_mean


def brute_csls(Q, T, S, k):
    """The CSLS formula computed on full matrices."""
    sim_qt = Q @ T.T
    r_q = np.sort(sim_qt, axis=1)[:, -k:].mean(axis=1)
    r_t = np.sort(T @ S.T, axis=1)[:, -k:].mean(axis=1)
    return 2 * sim_qt - r_q[:, None] - r_t[None, :]


@pytest.fixture(scope="module")
def spaces():
    rng = np.random.default_rng(0)
    S = as_unit(rng.standard_normal((3000, 16)))
    T = as_unit(rng.standard_normal((2500, 16)) + 0.3)  # an off-centre cloud: hubs exist
    return S, T


def test_nn_matches_brute_force(spaces):
    S, T = spaces
    Q = S[:200]
    idx, val = nn_topk(Q, T, 5, batch=64)
    full = Q @ T.T
    ref = np.argsort(-full, axis=1)[:, :5]
    assert (idx == ref).all()
    np.testing.assert_allclose(val, np.take_along_axis(full, ref, 1), rtol=1e-5)


def test_topk_mean_matches_brute_force(spaces):
    S, T = spaces
    ref = np.sort(T @ S.T, axis=1)[:, -10:].mean(axis=1)
    np.testing.assert_allclose(topk_mean(T, S, 10, batch=333), ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("direct_limit", [10**12, 0])  # direct r for all targets, and pruned
def test_csls_matches_brute_force(spaces, direct_limit):
    S, T = spaces
    Q = S[100:400]
    ref = brute_csls(Q, T, S, 10)
    ref_idx = np.argsort(-ref, axis=1, kind="stable")[:, :3]
    idx, val = csls_topk(Q, T, 3, sources=S, batch=50,
                         direct_limit=direct_limit, n_clusters=8)
    assert (idx == ref_idx).mean() > 0.999  # float32 ties aside
    np.testing.assert_allclose(val, np.take_along_axis(ref, idx, 1), atol=1e-5)


def test_csls_pruned_without_query_membership(spaces):
    S, T = spaces
    rng = np.random.default_rng(3)
    Q = as_unit(rng.standard_normal((50, 16)))  # queries that are not source rows
    ref = brute_csls(Q, T, S, 10)
    idx, _ = csls_topk(Q, T, 1, sources=S, direct_limit=0)
    assert (idx[:, 0] == ref.argmax(axis=1)).all()


def test_csls_differs_from_nn_on_hubs(spaces):
    S, T = spaces
    nn_idx, _ = nn_topk(S[:500], T, 1)
    cs_idx, _ = csls_topk(S[:500], T, 1, sources=S)
    # NN concentrates on a few hub targets; CSLS spreads the answers out.
    assert len(np.unique(cs_idx)) > len(np.unique(nn_idx))


def test_topk_selection_equals_partition():
    rng = np.random.default_rng(2)
    S = rng.standard_normal((300, 20000)).astype(np.float32)
    a, b = _topk_rows(S, 7), _topk_rows_partition(S, 7)
    assert (a[0] == b[0]).all()
    Z = np.zeros((4, 20000), dtype=np.float32)  # all ties: falls back, still k per row
    assert _topk_rows(Z, 3)[0].shape == (4, 3)


def test_shape_errors():
    with pytest.raises(ShapeError):
        nn_topk(np.zeros((2, 3)), np.zeros((4, 5)))


@pytest.mark.parametrize("topn, batch", [(1, 7), (5, 64), (2, None)])
def test_csls_pruned_is_exact_whatever_the_batching(spaces, topn, batch):
    # The shortlists of every batch are refined together; the answer must not depend on it.
    S, T = spaces
    Q = S[::10]
    ref = brute_csls(Q, T, S, 10)
    ref_idx = np.argsort(-ref, axis=1, kind="stable")[:, :topn]
    idx, val = csls_topk(Q, T, topn, sources=S, batch=batch, direct_limit=0, n_clusters=8)
    assert (idx == ref_idx).mean() > 0.999
    np.testing.assert_allclose(val, np.take_along_axis(ref, idx, 1), atol=1e-5)


@pytest.mark.parametrize("topn, with_gaps", [(1, True), (3, True), (1, False), (3, False)])
def test_settle_tightens_until_the_top_is_exact(topn, with_gaps):
    # Candidate rows (padded with -inf) whose bounds are raised one level a call until the
    # top-n of each row are exact; the result is the exact top-n, ties in column order,
    # whatever the gap estimates (they only change how many passes it takes).
    from xproj import retrieval
    from xproj.retrieval import _settle

    rng = np.random.default_rng(4)
    two_cos = rng.uniform(-1, 1, size=(6, 500)).astype(np.float32)
    two_cos[0, 10:20] = 0.75  # ties
    r_exact = rng.uniform(0, 0.5, size=500).astype(np.float32)
    r_exact[10:20] = 0.25
    r_t = r_exact - rng.uniform(0, 0.3, size=500).astype(np.float32)  # lower bounds
    exact = retrieval.EXACT
    level = np.zeros(500, dtype=np.int8)
    calls = []

    def upgrade(cols):
        calls.append(cols.size)
        level[cols] += 1
        r_t[cols] = np.where(level[cols] == exact, r_exact[cols], (r_t[cols] + r_exact[cols]) / 2)
        return False

    def gaps():  # the typical gap of each level: halved at each
        return np.float32(0.15) / 2.0 ** np.arange(exact + 1, dtype=np.float32) * (np.arange(exact + 1) < exact)

    C = np.tile(np.arange(500)[::-1], (6, 1))  # any column order
    C[5, 400:] = 0  # a padded row: 400 candidates
    V = np.take_along_axis(two_cos, C, axis=1)
    V[5, 400:] = -np.inf
    cand, scores = _settle(C, V, r_t, level, topn, upgrade, gaps if with_gaps else None)
    full = two_cos - r_exact
    full[5, :100] = -np.inf  # the columns row 5 did not offer
    assert (cand == np.argsort(-full, axis=1, kind="stable")[:, :topn]).all()
    np.testing.assert_allclose(scores, np.take_along_axis(full, cand, 1))
    assert (level < exact).sum() > 400  # most columns never needed their exact value
    if with_gaps:
        assert len(calls) < 12  # a few passes, not one per column


def test_csls_rows_outside_their_shortlist_search_the_full_row(spaces, monkeypatch):
    # Shortlists of topn columns: many answers lie outside them and are found on full rows.
    from xproj import retrieval

    S, T = spaces
    Q = S[::7]
    ref = brute_csls(Q, T, S, 10)
    settled, settle = [], retrieval._settle

    def recording_settle(C, *args):
        settled.append(C.shape)
        return settle(C, *args)

    monkeypatch.setattr(retrieval, "_shortlist_width", lambda topn, n: topn)
    monkeypatch.setattr(retrieval, "_settle", recording_settle)
    idx, _ = csls_topk(Q, T, 2, sources=S, direct_limit=0, n_clusters=8)
    assert len(settled) > 1 and settled[1][1] > 2  # full rows were searched, wider than 2
    assert (idx == np.argsort(-ref, axis=1, kind="stable")[:, :2]).mean() > 0.999


def test_topk_mean_caps_its_buffer(monkeypatch, spaces):
    from xproj import retrieval

    S, T = spaces
    monkeypatch.setattr(retrieval, "_TOPK_MEAN_MEMORY", 4 * len(S) * 3)  # 3 rows a batch
    ref = np.sort(T[:20] @ S.T, axis=1)[:, -10:].mean(axis=1)
    np.testing.assert_allclose(topk_mean(T[:20], S, 10), ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("m", [5, 300, 20000, 20001])
def test_topk_mean_by_groups_equals_sorting(m):
    from xproj.retrieval import _topk_mean_rows

    rng = np.random.default_rng(m)
    S = rng.standard_normal((30, m)).astype(np.float32)
    S[0] = 0.5  # all ties
    S[1, -3:] = 9  # the largest in the last, partial group
    k = min(10, m)
    ref = np.sort(S, axis=1)[:, -k:].mean(axis=1)
    np.testing.assert_allclose(_topk_mean_rows(S, 10), ref, rtol=1e-6)


def test_topk_by_groups_on_wide_rows_equals_partition():
    rng = np.random.default_rng(5)
    S = rng.standard_normal((40, 50001)).astype(np.float32)
    S[3, -1] = 50  # the largest in the last, partial group
    S[4, 1000:1040] = 7  # more ties than k, spread over groups: column order kept
    a = _topk_rows(S, 32)
    ref = np.argsort(-S, axis=1, kind="stable")[:, :32]
    assert (a[0] == ref).all() and (a[1] == np.take_along_axis(S, ref, 1)).all()


@pytest.mark.parametrize("m, k", [(300, 5), (3000, 10), (10000, 10), (40000, 5), (40000, 1), (3000, 0)])
def test_topk_rows_ties_go_to_the_lower_column_on_every_path(m, k):
    """Narrow rows (a partition), mid-sized (a sampled threshold), wide (group maxima): of
    entries tied at the k-th value the lower columns win, and tied entries come in column
    order; a tie spread over many groups of equal maxima (the groups' selection used to keep
    an arbitrary subset of them, the partition an arbitrary subset of the ties)."""
    rng = np.random.default_rng(m + k)
    S = np.round(rng.standard_normal((64, m)), 1).astype(np.float32)  # many natural ties
    S[0] = 0.5  # all tied
    S[1, ::97] = 9  # far more ties than k, in every group
    S[2, ::97], S[2, 5] = 9, 10  # one above them
    ref = np.argsort(-S, axis=1, kind="stable")[:, :k]
    idx, vals = _topk_rows(S, k)
    np.testing.assert_array_equal(idx, ref)
    np.testing.assert_array_equal(vals, np.take_along_axis(S, ref, 1))
    S[3, rng.choice(m, 3, replace=False)] = np.nan  # NaN (no order promised): k columns, no error
    assert _topk_rows(S, k)[0].shape == (64, k)


@pytest.mark.parametrize("n_probes", [4, 8])
def test_target_bounds_rise_level_by_level_to_the_exact_value(spaces, n_probes):
    from xproj._csls_bounds import EXACT, TargetBounds
    from xproj._threads import Workers

    S, T = spaces
    exact = np.sort(T @ S.T, axis=1)[:, -10:].mean(axis=1)
    with Workers(2) as workers:
        b = TargetBounds(T, S, 10, workers, n_clusters=8, n_probes=n_probes)
        rows = np.arange(0, len(T), 7)
        seen = [b.r[rows].copy()]
        for _ in range(EXACT):
            assert not b.upgrade(rows)
            seen.append(b.r[rows].copy())
    assert (b.level[rows] == EXACT).all() and (b.level[1:7] == 0).all()
    for lower, higher in zip(seen, seen[1:]):
        assert (lower <= higher).all()  # each level at least as tight
        assert (lower <= exact[rows] + 1e-6).all()  # and a lower bound
    np.testing.assert_array_equal(seen[-1], exact[rows])  # the same float32 as sorting
    if n_probes == 8:  # every cluster read at level 2: exact already
        np.testing.assert_allclose(seen[2], exact[rows], rtol=1e-6)
    assert (seen[1] > seen[0]).mean() > 0.5  # the own cluster beats the sample mostly


@pytest.mark.parametrize("ladder", [(1, 2, 4, 6), (1, 1, 3, 20)])  # 20: past the clusters
def test_target_bounds_climb_any_ladder_to_the_value_of_sorting(ladder):
    """A finer ladder (csls_topk's for several places): one level a call, each at least as
    tight and still a lower bound, the last the same float32 as sorting, on dyadic vectors
    whose similarities tie often (at the k-th place too)."""
    from xproj._csls_bounds import TargetBounds, fine_ladder
    from xproj._threads import Workers

    rng = np.random.default_rng(3)
    # half the sources 50 copies each of 30 vectors: ties inside the k best
    S = (rng.integers(-2, 3, size=(3000, 16)) / 4).astype(np.float32)
    S[:1500] = np.repeat(S[:30], 50, axis=0)
    S = S[rng.permutation(3000)]
    T = (rng.integers(-2, 3, size=(400, 16)) / 4).astype(np.float32)
    sims = T @ S.T
    exact = np.sort(sims, axis=1)[:, -10:].mean(axis=1)
    assert (np.sort(sims, axis=1)[:, -10] == np.sort(sims, axis=1)[:, -11]).mean() > 0.5  # ties at the k-th
    with Workers(2) as workers:
        b = TargetBounds(T, S, 10, workers, n_clusters=8, ladder=ladder)
        rows = np.arange(0, len(T), 4)  # (a third of all would finish every target directly)
        seen = [b.r[rows].copy()]
        for _ in range(b.exact):
            assert not b.upgrade(rows)
            seen.append(b.r[rows].copy())
    assert b.exact == len(ladder) + 1
    assert (b.level[rows] == b.exact).all()
    for lower, higher in zip(seen, seen[1:]):
        assert (lower <= higher).all() and (lower <= exact[rows]).all()
    np.testing.assert_array_equal(seen[-1], exact[rows])
    assert fine_ladder(8, 64) == (1, 4, 8, 16, 24, 32, 40, 48, 56)
    assert fine_ladder(2, 8) == (1, 2, 4, 6)


@pytest.mark.parametrize("tied", [False, True])
def test_topk_by_cluster_returns_only_values_above_the_floor(spaces, tied):
    """With a floor per pair, a pair returns the k largest of its values above the floor
    (fewer: -inf first), whatever their number: none (skipped), some, more than k; and a full
    selection where the floor is -inf. Merged into a k-best list whose k-th value is the
    floor, the same k values as the full selection, ties at the floor included."""
    from xproj._csls_bounds import InvertedFile
    from xproj._rowselect import topk_values
    from xproj._threads import Workers

    S, T = spaces
    if tied:  # dyadic vectors: many equal similarities, some equal to the floor
        rng = np.random.default_rng(7)
        S = (rng.integers(-2, 3, size=S.shape) / 4).astype(np.float32)
        T = (rng.integers(-2, 3, size=T.shape) / 4).astype(np.float32)
    ivf = InvertedFile(S, 8, 10)
    rng = np.random.default_rng(1)
    rows = rng.integers(0, len(T), 500)
    clusters = rng.integers(0, len(ivf.C), 500)
    with Workers(2) as workers:
        full = ivf.topk_by_cluster(T, rows, clusters, 10, workers)
        # floors above each pair's best, at it (nothing strictly above), at its 4th best, at
        # its k-th, far below (more than k above), -inf
        case = np.arange(500) % 6
        floor = np.select([case == 0, case == 1, case == 2, case == 3, case == 4],
                          [full[:, -1] + 0.05, full[:, -1], full[:, -4], full[:, 0], full[:, 0] - 1],
                          -np.inf).astype(np.float32)
        cut = ivf.topk_by_cluster(T, rows, clusters, 10, workers, floor)
    expected = np.where(full > floor[:, None], full, -np.inf)  # ascending: -inf first already
    np.testing.assert_array_equal(cut, expected)
    assert np.isneginf(cut[case <= 1]).all() and np.isfinite(cut[case >= 4]).all()
    # merged into a k-best list whose k-th value is the floor, the same values either way
    held = np.sort(np.concatenate([floor[:, None], np.full((500, 9), 2.0)], axis=1), axis=1).astype(np.float32)
    finite = np.isfinite(floor)
    np.testing.assert_array_equal(topk_values(np.concatenate([held, cut], axis=1), 10)[finite],
                                  topk_values(np.concatenate([held, full], axis=1), 10)[finite])
    if tied:  # exercised: values equal to the floor, left out
        assert ((full == floor[:, None]).sum(axis=1) > 1).any()


def test_exact_r_does_not_depend_on_blocks_or_threads(spaces, monkeypatch):
    from xproj import _csls_bounds
    from xproj._threads import Workers

    S, T = spaces
    with Workers(1) as one:
        ref = _csls_bounds.exact_r(T, S, 10, one)
    monkeypatch.setattr(_csls_bounds, "_TILE_BYTES", 4 * 7 * 1000)  # chunks of 1,024 sources
    rows = np.arange(len(T))[::-3]
    with Workers(3) as three:
        got = _csls_bounds.exact_r(T, S, 10, three, rows)
    np.testing.assert_array_equal(got, ref[rows])


@pytest.mark.parametrize("m", [5, 300, 8191, 20001, 218_005])
def test_topk_values_and_columns_equal_sorting(m):
    # Plain partition below 8,192 columns, lane blocks above; ties, and the largest values
    # in the last columns (outside every lane block).
    from xproj._rowselect import topk_columns, topk_values

    rng = np.random.default_rng(m)
    S = rng.standard_normal((12 if m > 100_000 else 40, m)).astype(np.float32)
    S[0] = 0.5  # all ties
    S[1, -3:] = 9
    S[2] = np.round(S[2])  # many ties at the k-th value
    k = min(10, m)
    ref = np.sort(S, axis=1)[:, -k:]
    np.testing.assert_array_equal(topk_values(S, 10), ref)
    cols, kth = topk_columns(S, 10)
    assert (np.sort(cols, axis=1)[:, 1:] > np.sort(cols, axis=1)[:, :-1]).all()  # distinct
    np.testing.assert_array_equal(np.sort(np.take_along_axis(S, cols, 1), axis=1), ref)
    np.testing.assert_array_equal(kth, ref[:, 0])


def _tied_world(seed=7):
    """Sources and targets with exact duplicates (tied scores), queries among the sources."""
    rng = np.random.default_rng(seed)
    S = as_unit(rng.standard_normal((2400, 12)))
    T = as_unit(rng.standard_normal((2000, 12)) + 0.2)
    T[1000:1300] = T[:300]  # duplicate targets: equal 2 cos and equal r
    S[1200:1500] = S[:300]  # duplicate sources: ties inside the top k of r
    return S, T


@pytest.mark.parametrize("narrow", [False, True])
@pytest.mark.parametrize("topn, k", [(1, 10), (3, 10), (5, 1), (2, 4)])
def test_csls_pruned_is_exact_with_ties(topn, k, narrow, monkeypatch):
    from xproj import retrieval

    if narrow:  # shortlists of n columns: twins often straddle their edge
        monkeypatch.setattr(retrieval, "_shortlist_width", lambda topn, n: topn)
    S, T = _tied_world()
    Q = S[::9]
    sim = Q @ T.T
    r_t = np.sort(T @ S.T, axis=1)[:, -k:].mean(axis=1)
    score = 2 * sim - r_t  # csls_topk's order (r_q is constant per row)
    ref = np.argsort(-score, axis=1, kind="stable")[:, :topn]  # ties: lower column first
    idx, val = csls_topk(Q, T, topn, k=k, sources=S, direct_limit=0, n_clusters=8, n_probes=2)
    np.testing.assert_array_equal(idx, ref)
    r_q = np.sort(sim, axis=1)[:, -k:].mean(axis=1)
    np.testing.assert_allclose(val, np.take_along_axis(score, ref, 1) - r_q[:, None], atol=1e-6)
    # exercised: answers with an exact twin (column + 1000, the same score), which must
    # come after it
    assert (ref < 300).sum() > 10


def test_csls_does_not_depend_on_threads_or_batches():
    S, T = _tied_world(seed=8)
    Q = S[::5]
    runs = [csls_topk(Q, T, 3, sources=S, direct_limit=0, n_clusters=8, n_jobs=j, batch=b)
            for j, b in ((1, None), (3, 7), (2, 1000))]
    for idx, val in runs[1:]:
        np.testing.assert_array_equal(idx, runs[0][0])
        np.testing.assert_array_equal(val, runs[0][1])


def _dyadic(rng, n, d=8):
    """Rows of multiples of 1/8 in [-1, 1]: every dot product, mean of 4 of them and CSLS score
    is exact in float32 whatever the order of the sums, so equal scores are equal bits."""
    return (rng.integers(-8, 9, size=(n, d)) / 8).astype(np.float32)


def _highest_columns_among_ties(S, k):
    """:func:`topk_columns` keeping, of equal values at the k-th place, the highest columns (its
    contract allows any): the lowest-indexed of tied columns, the one the tie rule prefers,
    is then left outside a shortlist."""
    n, m = S.shape
    k = min(k, m)
    order = np.lexsort((-np.broadcast_to(np.arange(m), (n, m)), -S), axis=1)[:, :k]
    return order, np.take_along_axis(S, order, axis=1).min(axis=1)


@pytest.mark.parametrize("direct_limit", [0, 10**12])  # pruned, and r exact for every target
@pytest.mark.parametrize("topn, place", [(1, 0), (5, 4), (3, 2)])
def test_csls_tie_outside_the_shortlist_goes_to_the_lower_index(topn, place, direct_limit, monkeypatch):
    """A column outside the shortlist (and outside the reserve: more copies than both hold)
    ties a query's n-th score exactly (``place`` = n - 1), and the bounds are exact from the
    start (the sources are 100 copies each of 12 vectors: any sample holds a target's k best),
    so the bound outside equals that score: the answer must still be brute force with ties
    to the lower column. Pins the ``<=`` that keeps such rows open: with ``<`` they would
    settle on a higher-indexed copy in the shortlist."""
    from xproj import retrieval

    monkeypatch.setattr(retrieval, "topk_columns", _highest_columns_among_ties)
    rng = np.random.default_rng(11)
    S = np.repeat(_dyadic(rng, 12), 100, axis=0)[rng.permutation(1200)]
    Q, T, k = _dyadic(rng, 40), _dyadic(rng, 3000), 4
    brute = lambda T: 2 * (Q @ T.T) - np.sort(T @ S.T, axis=1)[:, -k:].mean(axis=1)  # noqa: E731
    ranked = np.argsort(-brute(T)[0], kind="stable")
    tied = ranked[place]  # query 0's n-th target, copied over 200 columns ranked below it
    copies = rng.choice(ranked[place + 1:], size=200, replace=False)
    T[copies] = T[tied]
    score = brute(T).astype(np.float64)
    ref = np.argsort(-score, axis=1, kind="stable")[:, :topn]  # ties: lower column first
    assert ref[0, place] == min(tied, copies.min()) and (score[0] == score[0, ref[0, place]]).sum() > 200
    idx, val = csls_topk(Q, T, topn, k=k, sources=S, direct_limit=direct_limit, n_clusters=8, n_probes=2)
    np.testing.assert_array_equal(idx, ref)
    r_q = np.sort(Q @ T.T, axis=1)[:, -k:].mean(axis=1)
    np.testing.assert_array_equal(val, (np.take_along_axis(score, ref, 1) - r_q[:, None]).astype(np.float32))
