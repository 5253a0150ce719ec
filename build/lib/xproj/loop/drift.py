"""Drift statistics: is a new batch of documents like the reference the model was deployed on?

Pure functions of arrays (no files, no model): the share of each predicted class
(:func:`class_share_test`), the distribution of confidence (:func:`psi`, :func:`ks_test`),
document-vector shift (:func:`mean_shift`, :func:`mmd_test`), the words that became frequent
(:func:`new_frequent_words`) and quality per group when labels are known
(:func:`group_quality`). :data:`THRESHOLDS` declares, once, when a statistic counts as drift;
:func:`parse_thresholds` validates user overrides of them. ``xproj monitor``
(:mod:`xproj.monitor_cmd`) computes these on a model's outputs and writes the report.

Examples
--------
>>> import numpy as np
>>> round(psi([0.6, 0.7, 0.8, 0.9], [0.6, 0.7, 0.8, 0.9], bins=4, value_range=(0.5, 1.0)), 6)
0.0
>>> psi_reading(0.3)
'large shift'
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np

from ..errors import ConfigError
from ..evaluation import _scores_from_confusion, confusion, expected_calibration_error

#: When a statistic counts as drift: name -> (default, low, high, what it means). Bounds are
#: inclusive; a check is flagged when both its test and its effect size pass their threshold,
#: so a large batch does not flag a tiny but "significant" change.
THRESHOLDS = {
    "alpha": (0.01, 1e-6, 0.5, "p-value below which a test (chi-square, KS, MMD) rejects 'no change'"),
    "share_diff": (0.05, 0.0, 1.0, "largest change of a predicted class's share that counts"),
    "psi": (0.25, 0.0, 10.0, "population stability index of confidence that counts (0.1 moderate, 0.25 large)"),
    "oov_increase": (0.05, 0.0, 1.0, "increase of the token OOV rate that counts"),
    "mean_shift": (0.2, 0.0, 100.0, "distance between document-vector means (reference SD units, RMS) that counts"),
}
#: The usual reading of the population stability index: (upper bound, words).
PSI_READING = ((0.1, "stable"), (0.25, "moderate shift"), (float("inf"), "large shift"))
#: Proportions of an empty bin in PSI (log of 0 otherwise); the usual small constant.
PSI_FLOOR = 1e-4


def default_thresholds() -> dict:
    return {name: spec[0] for name, spec in THRESHOLDS.items()}


def parse_thresholds(text: str | None, option: str = "--thresholds") -> dict:
    """The thresholds with ``"name=value,name=value"`` overrides; unknown names and values out
    of :data:`THRESHOLDS`' range raise :class:`~xproj.errors.ConfigError`."""
    out, given = default_thresholds(), set()
    for item in filter(None, (s.strip() for s in (text or "").split(","))):
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in THRESHOLDS:
            raise ConfigError(f"{option} {item!r}: expected name=value with a name among {', '.join(THRESHOLDS)}")
        if name in given:  # which of the two was meant? the last would silently win
            raise ConfigError(f"{option}: {name} is given twice; give each threshold once")
        given.add(name)
        try:
            number = float(value)
        except ValueError:
            raise ConfigError(f"{option} {name}={value!r}: not a number") from None
        _, lo, hi, _ = THRESHOLDS[name]
        if not lo <= number <= hi:
            raise ConfigError(f"{option} {name}={number:g}: must be between {lo:g} and {hi:g}")
        out[name] = number
    return out


# -- confidence -------------------------------------------------------------------------------

def psi(reference, batch, *, bins: int = 10, value_range=(0.0, 1.0)) -> float:
    """Population stability index of ``batch`` against ``reference`` over ``bins`` fixed
    equal-width bins of ``value_range``: ``sum((b - r) * ln(b / r))`` of the bins'
    proportions (each at least :data:`PSI_FLOOR`). 0 for identical histograms; read with
    :func:`psi_reading`."""
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    edges = np.linspace(value_range[0], value_range[1], bins + 1)
    r, b = (_proportions(np.asarray(v, dtype=float), edges) for v in (reference, batch))
    return float(np.sum((b - r) * np.log(b / r)))


def _proportions(values, edges) -> np.ndarray:
    if not len(values):
        raise ValueError("PSI of an empty sample")
    # values outside the range go to the end bins; the top edge belongs to the last bin
    idx = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    p = np.bincount(idx, minlength=len(edges) - 1) / len(values)
    return np.maximum(p, PSI_FLOOR)


def psi_reading(value: float) -> str:
    return next(words for bound, words in PSI_READING if value < bound)


def ks_test(reference, batch) -> dict:
    """Two-sample Kolmogorov-Smirnov test (:func:`scipy.stats.ks_2samp`): ``statistic``, ``p_value``."""
    from scipy.stats import ks_2samp

    res = ks_2samp(np.asarray(reference, dtype=float), np.asarray(batch, dtype=float))
    return {"statistic": float(res.statistic), "p_value": float(res.pvalue)}


# -- predicted classes ------------------------------------------------------------------------

def class_share_test(reference, batch, n_classes: int) -> dict:
    """Shares of each class code among ``reference`` and ``batch`` predictions and a
    chi-square test of homogeneity (classes predicted in neither sample left out).

    Returns ``reference``, ``batch`` (shares per class), ``max_diff`` (largest absolute
    change), ``chi2``, ``p_value`` (1 when fewer than two classes are predicted at all).
    """
    from scipy.stats import chi2_contingency

    counts = np.array([np.bincount(np.asarray(x, dtype=np.int64), minlength=n_classes) for x in (reference, batch)])
    if (counts.sum(axis=1) == 0).any():
        raise ValueError("class shares of an empty sample")
    shares = counts / counts.sum(axis=1, keepdims=True)
    used = counts.sum(axis=0) > 0
    chi2, p = 0.0, 1.0
    if used.sum() >= 2:
        res = chi2_contingency(counts[:, used], correction=False)
        chi2, p = float(res.statistic), float(res.pvalue)
    return {"reference": shares[0].tolist(), "batch": shares[1].tolist(),
            "max_diff": float(np.abs(shares[1] - shares[0]).max()), "chi2": chi2, "p_value": p}


# -- document vectors -------------------------------------------------------------------------

def mean_shift(reference, batch) -> float:
    """Distance between the mean vectors in the reference's standard-deviation units: the root
    mean square over dimensions of ``(mean_batch - mean_ref) / sd_ref`` (a dimension constant
    in the reference counts with unit scale)."""
    R, B = np.asarray(reference, dtype=float), np.asarray(batch, dtype=float)
    sd = R.std(axis=0)
    sd[sd == 0] = 1.0
    return float(np.sqrt(np.mean(((B.mean(axis=0) - R.mean(axis=0)) / sd) ** 2)))


@dataclass(frozen=True)
class MMDResult:
    """Maximum mean discrepancy with a Gaussian kernel and its permutation p-value."""

    mmd2: float  # unbiased estimate of the squared MMD (may be slightly negative)
    p_value: float  # (1 + permutations at least as large) / (1 + permutations)
    bandwidth: float  # kernel width: the median pairwise distance of the pooled sample
    n_reference: int  # rows used (after the cap)
    n_batch: int
    permutations: int

    def as_dict(self) -> dict:
        return asdict(self)


def mmd_test(reference, batch, *, permutations: int = 200, max_rows: int = 500, seed: int = 0) -> MMDResult:
    """Two-sample MMD test of two sets of vectors (Gretton et al. 2012).

    Each sample is capped at ``max_rows`` rows drawn without replacement, so that the
    kernel matrix stays small; the bandwidth is the median heuristic; the p-value comes from
    ``permutations`` random relabellings of the pooled rows. Everything is seeded.
    """
    rng = np.random.default_rng(seed)
    X, Y = (_capped(np.asarray(a, dtype=float), max_rows, rng) for a in (reference, batch))
    if len(X) < 2 or len(Y) < 2:
        raise ValueError("the MMD test needs at least two rows in each sample")
    Z = np.vstack([X, Y])
    sq = np.maximum(np.sum(Z ** 2, 1)[:, None] + np.sum(Z ** 2, 1)[None, :] - 2 * Z @ Z.T, 0.0)
    off = sq[np.triu_indices(len(Z), 1)]
    bandwidth = float(np.sqrt(np.median(off[off > 0]))) if (off > 0).any() else 1.0
    K = np.exp(-sq / (2 * bandwidth ** 2))
    n = len(X)
    masks = np.vstack([np.arange(len(Z)) < n] + [rng.permutation(len(Z)) < n for _ in range(permutations)])
    values = _mmd2(K, masks)
    observed, null = values[0], values[1:]
    p = (1 + int(np.sum(null >= observed))) / (1 + permutations)
    return MMDResult(float(observed), float(p), bandwidth, len(X), len(Y), permutations)


def _capped(A, max_rows, rng):
    return A if len(A) <= max_rows else A[rng.choice(len(A), max_rows, replace=False)]


def _mmd2(K, in_x) -> np.ndarray:
    """Unbiased squared MMD for each row of ``in_x`` (boolean, labellings x rows): the rows
    marked against the others, kernel matrix ``K`` (with ones on its diagonal). All
    labellings at once: sums of kernel blocks as quadratic forms of the indicators."""
    a = in_x.astype(float)
    b = 1.0 - a
    Ka, Kb = K @ a.T, K @ b.T
    sxx, syy, sxy = np.sum(a.T * Ka, 0), np.sum(b.T * Kb, 0), np.sum(b.T * Ka, 0)
    m, n = a.sum(1), b.sum(1)
    dx, dy = a @ np.diag(K), b @ np.diag(K)
    return (sxx - dx) / (m * (m - 1)) + (syy - dy) / (n * (n - 1)) - 2 * sxy / (m * n)


# -- vocabulary -------------------------------------------------------------------------------

def new_frequent_words(reference_docs, batch_docs, *, min_count: int = 5, min_ratio: float = 5.0,
                       alpha: float = 0.01, top: int = 20) -> list[dict]:
    """Tokens much more frequent in the batch than in the reference.

    A token qualifies when it occurs at least ``min_count`` times in the batch, its rate
    there is at least ``min_ratio`` times its reference rate (reference count plus one, so
    that a token never seen before has a finite ratio), and the excess is not chance: given
    the token's occurrences in both, the batch's share of them is tested against the batch's
    share of all tokens (one-sided binomial test), at ``alpha`` divided by the number of
    tokens tested (Bonferroni: thousands of words are tested, a few would pass by luck).
    The ``top`` by batch count, as ``{"token", "batch_count", "reference_count", "ratio",
    "p_value"}``.
    """
    from scipy.stats import binom

    ref, new = Counter(t for d in reference_docs for t in d), Counter(t for d in batch_docs for t in d)
    n_ref, n_new = max(sum(ref.values()), 1), max(sum(new.values()), 1)
    frequent = [t for t, c in new.items() if c >= min_count]
    batch_share = n_new / (n_new + n_ref)
    rows = []
    for token in frequent:
        count, before = new[token], ref[token]
        ratio = (count / n_new) / ((before + 1) / n_ref)
        p = float(binom.sf(count - 1, count + before, batch_share))
        if ratio >= min_ratio and p < alpha / len(frequent):
            rows.append({"token": token, "batch_count": count, "reference_count": before, "ratio": ratio,
                         "p_value": p})
    rows.sort(key=lambda r: (-r["batch_count"], -r["ratio"], r["token"]))
    return rows[:top]


# -- quality per group ------------------------------------------------------------------------

#: Groups with fewer labelled documents are listed but left out of the largest gap: a 3-document
#: group's macro-F1 of 1.0 says nothing about the model.
MIN_GROUP_SIZE = 20


def group_quality(y_true, y_pred, P, groups, n_classes: int, *, n_boot: int = 1000, seed: int = 0,
                  alpha: float = 0.05, min_size: int = MIN_GROUP_SIZE) -> dict:
    """Macro-F1 and expected calibration error per group, with percentile bootstrap intervals,
    and the largest gap between groups.

    Each bootstrap round resamples the documents of every group (with replacement, within the
    group) and recomputes every group's figures and the gaps (max - min over groups), so that
    the gap's interval accounts for the noise of both groups. ``P`` may be None (no
    probabilities: no ECE).

    Groups with fewer than ``min_size`` documents are listed (``"in_gap": False``) but not
    compared; with fewer than two groups left, ``"gap"`` is None.

    Returns ``{"groups": {name: {"n", "macro_f1", "macro_f1_ci", "ece", "ece_ci", "in_gap"}},
    "gap": {"macro_f1": ..., "macro_f1_ci", "ece", "ece_ci", "between": (worst, best)} or None}``.
    """
    y_true, y_pred, groups = np.asarray(y_true, np.int64), np.asarray(y_pred, np.int64), np.asarray(groups)
    names = sorted(set(groups.tolist()), key=str)
    members = {g: np.flatnonzero(groups == g) for g in names}

    def figures(idx_of):
        out = {}
        for g in names:
            idx = idx_of[g]
            f1 = _scores_from_confusion(confusion(y_true[idx], y_pred[idx], n_classes))[3]
            ece = None if P is None else expected_calibration_error(y_true[idx], P[idx])
            out[g] = (f1, ece)
        return out

    point = figures(members)
    rng = np.random.default_rng(seed)
    boot = [figures({g: idx[rng.integers(0, len(idx), len(idx))] for g, idx in members.items()})
            for _ in range(n_boot)]
    lo, hi = 100 * alpha / 2, 100 * (1 - alpha / 2)

    def interval(values):
        values = [v for v in values if v is not None]
        return [float(np.percentile(values, lo)), float(np.percentile(values, hi))] if values else None

    table = {str(g): {"n": len(members[g]), "macro_f1": float(point[g][0]),
                      "macro_f1_ci": interval([b[g][0] for b in boot]),
                      "ece": point[g][1], "ece_ci": interval([b[g][1] for b in boot]),
                      "in_gap": len(members[g]) >= min_size} for g in names}
    compared = [g for g in names if len(members[g]) >= min_size]
    if len(compared) < 2:
        return {"groups": table, "gap": None}
    worst = min(compared, key=lambda g: point[g][0])
    best = max(compared, key=lambda g: point[g][0])
    gap = {"macro_f1": float(point[best][0] - point[worst][0]),
           "macro_f1_ci": interval([_spread([b[g][0] for g in compared]) for b in boot]),
           "between": [str(worst), str(best)]}
    if P is not None:
        gap["ece"] = _spread([point[g][1] for g in compared])
        gap["ece_ci"] = interval([_spread([b[g][1] for g in compared]) for b in boot])
    return {"groups": table, "gap": gap}


def _spread(values) -> float:
    return float(max(values) - min(values))
