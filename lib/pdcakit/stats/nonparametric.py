"""Rank tests over scipy.stats: Mann-Whitney U and Wilcoxon signed-rank, with HL estimates.

Estimates are after minus before.

- :func:`mann_whitney`: scipy ``mannwhitneyu(after, before)``; the statistic is R's
  ``W`` (U of the after group). The p-value is exact when both groups have fewer than
  50 values and there are no ties, else the normal approximation with continuity
  correction and tie-corrected variance, as R ``wilcox.test`` decides. The estimate is
  the Hodges-Lehmann shift, the median of all ``m x n`` differences after - before.
  Its CI is R's ``wilcox.test(after, before, conf.int = TRUE)`` interval, consistent
  with the p-value: when the p-value is exact, the order statistics ``D(q)`` and
  ``D(mn + 1 - q)`` with ``q = qwilcox(alpha / 2, m, n)`` from the exact distribution
  of U (Bauer 1972); otherwise the shifts where the continuity-corrected, tie-corrected
  normal statistic crosses ``+-z``, which are ``D(ceil(mn/2 - 1/2 - z s))`` and
  ``D(ceil(mn/2 + 1/2 + z s))`` with ``s`` the statistic's SD (R finds them with
  ``uniroot``, to about 1e-4). The effect size is the rank-biserial correlation
  ``2 U / mn - 1``; ``extra`` has the probability of superiority ``U / mn``.
- :func:`wilcoxon_signed_rank`: on after - before, R's conventions for zeros: zero
  changes are dropped before ranking, and when there are any the p-value is the
  normal approximation (R: "cannot compute exact p-value with zeroes"), never the
  exact one; the estimate and CI use the non-zero changes too. Statistic ``V``, the
  sum of the ranks of the positive changes. Exact p-value when fewer than 50 changes,
  no ties and no zeros, else normal with continuity correction. Estimate: the
  pseudo-median (median of the Walsh averages ``(d_i + d_j)/2, i <= j``); CI as for
  the rank-sum test with the Walsh averages, ``N = n(n + 1)/2`` and
  ``q = qsignrank(alpha / 2, n)`` when exact.

In the normal-approximation case R's point estimate is the root of the standardized
statistic (``uniroot``), which can differ from the median of the differences by less
than one gap between neighbouring differences; here the estimate is always the median.

The medians of pairwise differences are found without building all pairs: a
bisection on the value with a sorted-array count (``searchsorted``), so a
20,000 x 20,000 comparison needs no 400-million-element array.

Assumptions: independent observations (pairs independent of each other); the
shift estimate reads as a location shift when both distributions have the same
shape; the signed-rank test assumes differences symmetric around their median.

>>> x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
>>> y = [1.15, 0.88, 0.90, 0.74, 1.21]   # R ?wilcox.test: wilcox.test(x, y, "greater")
>>> r = mann_whitney(y, x, alternative="greater")
>>> r.statistic, round(r.pvalue, 4)
(35.0, 0.1272)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import stats as sps

from ..words import N_
from ._input import finite
from .result import Comparison

__all__ = ["hodges_lehmann", "mann_whitney", "pseudo_median", "rank_sum_counts",
           "signed_rank_counts", "wilcoxon_signed_rank"]

_EXACT_BELOW = 50


def _kth_smallest(count_at_most: Callable[[float], int], k: int, low: float,
                  high: float) -> float:
    """Smallest value v in [low, high] with ``count_at_most(v) >= k + 1`` (k from 0)."""
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if count_at_most(middle) >= k + 1:
            high = middle
        else:
            low = middle
    return high


def _pairwise_differences(after: np.ndarray, before: np.ndarray):
    """Counter, snapper and range for the ``m x n`` differences after_i - before_j."""
    values_a, counts_a = np.unique(after, return_counts=True)
    values_b, counts_b = np.unique(before, return_counts=True)
    if values_a.size * values_b.size <= max(after.size, before.size):  # few distinct values
        return _difference_table(values_a, counts_a, values_b, counts_b)
    b = np.sort(before)
    n = b.size

    def count(t: float) -> int:  # number of a_i - b_j <= t, i.e. b_j >= a_i - t
        return int((n - np.searchsorted(b, after - t, side="left")).sum())

    def snap(t: float) -> float:  # the largest actual difference <= t
        j = np.searchsorted(b, after - t, side="left")
        ok = j < n
        return float((after[ok] - b[j[ok]]).max())

    return count, snap, (float(after.min() - b[-1]), float(after.max() - b[0]))


def _difference_table(values_a: np.ndarray, counts_a: np.ndarray, values_b: np.ndarray,
                      counts_b: np.ndarray):
    """The same counter and snapper from the distinct values and their counts.

    Scores on a 1-5 or 0-10 scale have a handful of distinct values, so the m x n
    differences take at most (distinct after) x (distinct before) values, each with
    weight count_a x count_b: exact, and O(distinct^2) instead of O(n log n) per step.
    """
    differences = np.subtract.outer(values_a, values_b).ravel()
    weights = np.multiply.outer(counts_a, counts_b).ravel()
    order = np.argsort(differences, kind="stable")
    differences, cumulative = differences[order], np.cumsum(weights[order])

    def count(t: float) -> int:
        index = int(np.searchsorted(differences, t, side="right"))
        return int(cumulative[index - 1]) if index else 0

    def snap(t: float) -> float:
        return float(differences[np.searchsorted(differences, t, side="right") - 1])

    return count, snap, (float(differences[0]), float(differences[-1]))


def _walsh_averages(d: np.ndarray):
    """Counter, snapper and range for the Walsh averages (d_i + d_j)/2, i <= j."""
    s = np.sort(d)

    def count(t: float) -> int:
        ordered = int(np.searchsorted(s, 2 * t - s, side="right").sum())
        diagonal = int((s <= t).sum())
        return (ordered + diagonal) // 2

    def snap(t: float) -> float:  # the largest actual average <= t
        j = np.searchsorted(s, 2 * t - s, side="right") - 1
        ok = j >= 0
        return float(((s[ok] + s[j[ok]]) / 2).max())

    return count, snap, (float(s[0]), float(s[-1]))


def _order_statistic(pairs, k: int) -> float:
    """The k-th smallest (from 0) of the implicit pairwise values."""
    count, snap, (low, high) = pairs
    if count(low) >= k + 1:
        return low
    return snap(_kth_smallest(count, k, low, high))


def _median_of(pairs, total: int) -> float:
    if total % 2:
        return _order_statistic(pairs, total // 2)
    return (_order_statistic(pairs, total // 2 - 1) + _order_statistic(pairs, total // 2)) / 2


def _exact_quantile(counts: list[int], p: float) -> int:
    """Smallest u with P(U <= u) >= p for the exact null counts of U (R's q-functions)."""
    total = sum(counts)
    cumulative = 0
    for u, count in enumerate(counts):
        cumulative += count
        if cumulative >= p * total * (1 - 1e-12):
            return u
    return len(counts) - 1


def rank_sum_counts(m: int, n: int) -> list[int]:
    """Number of arrangements giving each U = 0..mn (the Gaussian binomial coefficient).

    >>> rank_sum_counts(2, 2)   # U of 2 versus 2 values: 0, 1, 2, 2, 3, 4 over 6 orders
    [1, 1, 2, 1, 1]
    """
    size = m * n + 1
    poly = [1] + [0] * (size - 1)
    for i in range(1, m + 1):  # times (1 - q^(n+i)) / (1 - q^i)
        step = n + i
        poly = [poly[u] - (poly[u - step] if u >= step else 0) for u in range(size)]
        for u in range(i, size):
            poly[u] += poly[u - i]
    return poly


def signed_rank_counts(n: int) -> list[int]:
    """Number of sign patterns giving each V = 0..n(n+1)/2 (coefficients of prod(1 + q^i)).

    >>> signed_rank_counts(3)
    [1, 1, 1, 2, 1, 1, 1]
    """
    poly = [1]
    for i in range(1, n + 1):
        poly = [a + b for a, b in zip(poly + [0] * i, [0] * i + poly, strict=True)]
    return poly


def _order_ci(pairs, total: int, sd: float, confidence: float,
              exact_counts: list[int] | None = None) -> tuple[float, float]:
    """R's ``wilcox.test`` CI: exact order statistics, or the corrected-normal crossings."""
    alpha = 1 - confidence
    if exact_counts is not None:
        q = max(_exact_quantile(exact_counts, alpha / 2), 1)
        low, high = q, total + 1 - q  # 1-indexed ranks
    else:
        z = float(sps.norm.isf(alpha / 2))
        low = math.ceil(total / 2 - 0.5 - z * sd)
        high = math.ceil(total / 2 + 0.5 + z * sd)
    low, high = min(max(low, 1), total), min(max(high, 1), total)
    return (_order_statistic(pairs, low - 1), _order_statistic(pairs, high - 1))


def _tie_term(*groups: np.ndarray) -> float:
    """Sum of t^3 - t over groups of equal values within each array (ties that persist
    for every shift between the jump points of the statistic)."""
    total = 0.0
    for values in groups:
        _, t = np.unique(values, return_counts=True)
        total += float(np.sum(t.astype(float) ** 3 - t))
    return total


def hodges_lehmann(before: Sequence[float], after: Sequence[float]) -> float:
    """Median of all differences after_i - before_j (the Hodges-Lehmann shift).

    >>> hodges_lehmann([1, 2, 3], [2, 4, 6])
    2.0
    """
    b, a = finite(before, "before", 1), finite(after, "after", 1)
    return _median_of(_pairwise_differences(a, b), a.size * b.size)


def pseudo_median(differences: Sequence[float]) -> float:
    """Median of the Walsh averages of the differences (the Hodges-Lehmann one-sample estimate).

    >>> pseudo_median([1.0, 2.0, 9.0])   # Walsh averages 1, 1.5, 2, 5, 5.5, 9
    3.5
    """
    d = finite(differences, "differences", 1)
    return _median_of(_walsh_averages(d), d.size * (d.size + 1) // 2)


def _has_ties(*groups: np.ndarray) -> bool:
    values = np.concatenate(groups)
    return np.unique(values).size < values.size


def mann_whitney(before: Sequence[float], after: Sequence[float], *, confidence: float = 0.95,
                 alternative: str = "two-sided", unit: str = "") -> Comparison:
    """Mann-Whitney U (Wilcoxon rank-sum) test with the Hodges-Lehmann shift and its CI."""
    b, a = finite(before, "before", 1), finite(after, "after", 1)
    m, n = a.size, b.size
    if np.ptp(np.concatenate([a, b])) == 0:
        raise ValueError("no variation in either group: every value is the same, so there is "
                         "nothing to test")
    exact = m < _EXACT_BELOW and n < _EXACT_BELOW and not _has_ties(a, b)
    res = sps.mannwhitneyu(a, b, alternative=alternative, use_continuity=True,
                           method="exact" if exact else "asymptotic")
    pairs = _pairwise_differences(a, b)
    total = m * n
    sd = math.sqrt(total / 12 * ((m + n + 1) - _tie_term(a, b) / ((m + n) * (m + n - 1))))
    u = float(res.statistic)
    return Comparison(
        test=N_("Mann-Whitney U test (Wilcoxon rank-sum)"), statistic=u, pvalue=float(res.pvalue),
        df=None, estimate=_median_of(pairs, total),
        ci=_order_ci(pairs, total, sd, confidence,
                     exact_counts=rank_sum_counts(m, n) if exact else None),
        effect_size=2 * u / total - 1, effect_size_label=N_("rank-biserial correlation"),
        n_before=int(n), n_after=int(m), estimate_label=N_("shift (Hodges-Lehmann)"), unit=unit,
        alternative=alternative, confidence=confidence, alpha=1 - confidence,
        assumptions=(N_("independent observations"),
                     N_("shift reads as a location change if both groups have the same shape")),
        extra={"probability_of_superiority": u / total,
               "p_method": "exact" if exact else "normal approximation with continuity "
                                                 "correction",
               "median_before": float(np.median(b)), "median_after": float(np.median(a))},
    )


def wilcoxon_signed_rank(before: Sequence[float], after: Sequence[float], *,
                         confidence: float = 0.95, alternative: str = "two-sided",
                         unit: str = "") -> Comparison:
    """Wilcoxon signed-rank test on paired after - before, with the pseudo-median and CI.

    Pairs with a missing value on either side are dropped; zero changes are dropped
    before ranking, from the test, the estimate and the CI, and their presence makes
    the p-value the normal approximation (all as R ``wilcox.test(paired = TRUE)``).
    """
    b_all, a_all = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    if b_all.shape != a_all.shape:
        raise ValueError(f"paired data need equal lengths: {b_all.size} before, "
                         f"{a_all.size} after")
    keep = np.isfinite(b_all) & np.isfinite(a_all)
    d = finite(a_all[keep] - b_all[keep], "paired", minimum=2)
    nonzero = d[d != 0]
    if nonzero.size < 1:
        raise ValueError("every pair is unchanged: no variation to test")
    k = nonzero.size
    exact = k < _EXACT_BELOW and not _has_ties(np.abs(nonzero)) and k == d.size
    res = sps.wilcoxon(nonzero, alternative=alternative, zero_method="wilcox",
                       correction=not exact, method="exact" if exact else "approx")
    ranks = sps.rankdata(np.abs(nonzero))
    v = float(ranks[nonzero > 0].sum())
    total_pairs = k * (k + 1) // 2
    pairs = _walsh_averages(nonzero)
    sd = math.sqrt(k * (k + 1) * (2 * k + 1) / 24 - _tie_term(nonzero) / 48)
    return Comparison(
        test=N_("Wilcoxon signed-rank test"), statistic=v, pvalue=float(res.pvalue), df=None,
        estimate=_median_of(pairs, total_pairs),
        ci=_order_ci(pairs, total_pairs, sd, confidence,
                     exact_counts=signed_rank_counts(k) if exact else None),
        effect_size=(2 * v - k * (k + 1) / 2) / (k * (k + 1) / 2),
        effect_size_label=N_("matched-pairs rank-biserial correlation"), n_before=int(d.size),
        n_after=int(d.size), estimate_label=N_("pseudo-median change"), unit=unit,
        alternative=alternative, confidence=confidence, alpha=1 - confidence,
        assumptions=(N_("pairs independent of each other"),
                     N_("differences symmetric around their median")),
        extra={"n_zero_changes": int(d.size - k),
               "p_method": "exact" if exact else "normal approximation with continuity "
                                                 "correction"},
    )
