"""t tests (Welch, Student, paired) and standardized effect sizes, over scipy.stats.

Estimates are after minus before. Assumptions: independent observations;
means roughly normal (the CLT makes this hold for large groups; for small,
skewed groups prefer :func:`pdcakit.stats.mann_whitney`); Student's test also
assumes equal variances, which is why Welch's is the default.

Effect sizes: Cohen's d = (mean_after - mean_before) / pooled SD; Hedges' g =
d x J with the exact small-sample correction J = Γ(m/2) / (sqrt(m/2) Γ((m-1)/2)),
m = n1 + n2 - 2 (Hedges 1981). Paired designs use d_z = mean difference / SD of
differences.

>>> before = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
>>> after = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
>>> r = welch_t(before, after)   # R: t.test(extra ~ group, data = sleep)
>>> round(r.statistic, 4), round(r.df, 3), round(r.pvalue, 5)
(1.8608, 17.776, 0.07939)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import special
from scipy import stats as sps

from ..words import N_
from ._input import finite
from .result import Comparison

__all__ = ["cohens_d", "hedges_g", "hedges_g_ci", "paired_t", "student_t", "welch_t"]


def _no_variation(*groups: np.ndarray) -> bool:
    return all(np.ptp(g) == 0 for g in groups)


def _moments(g: np.ndarray) -> tuple[int, float, float]:
    """(n, mean, variance with ddof=1) in one pass over the data for the mean."""
    mean = float(g.mean())
    deviations = g - mean
    return g.size, mean, float(np.dot(deviations, deviations)) / (g.size - 1)


def _pooled_d(b: np.ndarray, a: np.ndarray,
              moments: tuple[tuple[int, float, float], ...] | None = None) -> float:
    (n1, m1, v1), (n2, m2, v2) = moments or (_moments(b), _moments(a))
    pooled = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    if pooled == 0:
        raise ValueError("no variation in either group: a standardized effect is undefined")
    return (m2 - m1) / pooled


def _small_sample_j(n1: int, n2: int) -> float:
    m = n1 + n2 - 2
    return math.exp(special.gammaln(m / 2) - special.gammaln((m - 1) / 2)) / math.sqrt(m / 2)


def _hedges_with_ci(b: np.ndarray, a: np.ndarray, confidence: float,
                    moments: tuple[tuple[int, float, float], ...] | None = None,
                    ) -> tuple[float, float, float]:
    n1, n2 = b.size, a.size
    d = _pooled_d(b, a, moments)
    correction = _small_sample_j(n1, n2)
    g = d * correction
    variance = correction**2 * ((n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2)))
    half = sps.norm.isf((1 - confidence) / 2) * math.sqrt(variance)
    return g, g - half, g + half


def cohens_d(before: Sequence[float], after: Sequence[float]) -> float:
    """Cohen's d with the pooled standard deviation (after minus before)."""
    return _pooled_d(finite(before, "before"), finite(after, "after"))


def hedges_g(before: Sequence[float], after: Sequence[float]) -> float:
    """Hedges' g: Cohen's d times the exact small-sample correction J."""
    b, a = finite(before, "before"), finite(after, "after")
    return _pooled_d(b, a) * _small_sample_j(b.size, a.size)


def hedges_g_ci(before: Sequence[float], after: Sequence[float], *,
                confidence: float = 0.95) -> tuple[float, float, float]:
    """Hedges' g with its large-sample CI: ``(g, low, high)``.

    Variance of d: ``(n1 + n2) / (n1 n2) + d^2 / (2 (n1 + n2))``; of g: ``J^2`` times
    that (Hedges & Olkin 1985; Borenstein et al. 2009, *Introduction to Meta-Analysis*,
    ch. 4). The normal approximation is fair from about 10 per group.
    """
    return _hedges_with_ci(finite(before, "before"), finite(after, "after"), confidence)


def _two_sample(before: Sequence[float], after: Sequence[float], *, equal_var: bool,
                confidence: float, alternative: str, unit: str) -> Comparison:
    b, a = finite(before, "before"), finite(after, "after")
    if _no_variation(b, a):
        if b[0] == a[0]:
            raise ValueError(f"no variation: every value in both groups is {b[0]:g}, so there "
                             "is nothing to test")
        raise ValueError(f"no variation within the groups (every before value is {b[0]:g}, "
                         f"every after value {a[0]:g}): the t test needs spread within groups; "
                         "the rank test (mann_whitney) can compare them")
    moments = (_moments(b), _moments(a))
    # scipy tests a - b when given (a, b): the estimate is after minus before.
    res = sps.ttest_ind(a, b, equal_var=equal_var, alternative=alternative)
    ci = res.confidence_interval(confidence_level=confidence)
    name = N_("Student two-sample t test") if equal_var else N_("Welch two-sample t test")
    assumptions = (N_("independent observations"), N_("means approximately normal"),
                   N_("equal variances") if equal_var else N_("variances may differ (Welch)"))
    g = _hedges_with_ci(b, a, confidence, moments)  # from the moments computed once above
    return Comparison(
        test=name, statistic=float(res.statistic), pvalue=float(res.pvalue), df=float(res.df),
        estimate=moments[1][1] - moments[0][1], ci=(float(ci.low), float(ci.high)),
        effect_size=g[0], effect_size_label=N_("Hedges' g"), n_before=int(b.size),
        n_after=int(a.size), estimate_label=N_("difference in means"), unit=unit,
        alternative=alternative, confidence=confidence, alpha=1 - confidence,
        assumptions=assumptions,
        extra=dict(zip(("hedges_g", "effect_size_ci_low", "effect_size_ci_high"), g,
                       strict=True)),
    )


def welch_t(before: Sequence[float], after: Sequence[float], *, confidence: float = 0.95,
            alternative: str = "two-sided", unit: str = "") -> Comparison:
    """Welch's t test, as R's ``t.test(after, before, var.equal = FALSE)``."""
    return _two_sample(before, after, equal_var=False, confidence=confidence,
                       alternative=alternative, unit=unit)


def student_t(before: Sequence[float], after: Sequence[float], *, confidence: float = 0.95,
              alternative: str = "two-sided", unit: str = "") -> Comparison:
    """Student's t test with pooled variance, as R's ``t.test(var.equal = TRUE)``."""
    return _two_sample(before, after, equal_var=True, confidence=confidence,
                       alternative=alternative, unit=unit)


def paired_t(before: Sequence[float], after: Sequence[float], *, confidence: float = 0.95,
             alternative: str = "two-sided", unit: str = "") -> Comparison:
    """Paired t test on after - before, as R's ``t.test(after, before, paired = TRUE)``.

    Pairs with a missing value on either side are dropped.
    """
    b_all, a_all = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    if b_all.shape != a_all.shape:
        raise ValueError(f"paired data need equal lengths: {b_all.size} before, "
                         f"{a_all.size} after")
    keep = np.isfinite(b_all) & np.isfinite(a_all)
    b, a = finite(b_all[keep], "paired"), a_all[keep]
    diff = a - b
    if np.ptp(diff) == 0:
        raise ValueError("every pair changed by the same amount: no variation to test")
    res = sps.ttest_rel(a, b, alternative=alternative)
    ci = res.confidence_interval(confidence_level=confidence)
    return Comparison(
        test=N_("paired t test"), statistic=float(res.statistic), pvalue=float(res.pvalue),
        df=float(res.df), estimate=float(diff.mean()), ci=(float(ci.low), float(ci.high)),
        effect_size=float(diff.mean() / diff.std(ddof=1)), effect_size_label=N_("Cohen's d_z"),
        n_before=int(b.size), n_after=int(a.size), estimate_label=N_("mean change"), unit=unit,
        alternative=alternative, confidence=confidence, alpha=1 - confidence,
        assumptions=(N_("pairs independent of each other"),
                     N_("differences approximately normal")),
    )
