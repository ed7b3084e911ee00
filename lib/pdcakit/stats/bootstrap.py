"""Ratios after / before of means or medians, and differences of means, with bootstrap CIs.

Efficiency gain (source 3.1.2) is ``(before - after) / before = 1 - ratio``, so a
CI of the ratio of mean handle times is a CI of the gain. The two groups are
resampled independently; the method is BCa (bias-corrected and accelerated, Efron
1987; Efron & Tibshirani 1993, 14.3), falling back to percentile when BCa is
undefined (e.g. a degenerate jackknife on tied medians). Seeded: the same data and
seed give the same interval.

Statistics of means (ratio, difference) resample through the compiled kernel of
:mod:`._resample` (400 million draws in well under a second) and take the BCa
acceleration from the exact leave-one-out means; the interval equals scipy's
``_bca_interval`` applied to the same bootstrap replicates (tested). Medians go
through ``scipy.stats.bootstrap``. Above :data:`LARGE_SAMPLE` values in a group the
interval of a mean statistic is the normal (delta-method) interval the bootstrap
converges to: the bootstrap would spend seconds to move the third digit.

Assumptions: independent observations within and between groups; enough data for
the bootstrap distribution to resemble the sampling distribution (a few dozen per
group at least; the result warns below 20).

>>> r = ratio_of_means([10, 12, 9, 11, 13] * 8, [8, 9, 7, 9, 10] * 8, seed=1)
>>> round(r.ratio, 3), round(r.gain, 3)
(0.782, 0.218)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats as sps
from scipy.special import ndtr, ndtri

from ..words import N_
from ._input import finite
from ._resample import bootstrap_means, seed_for

__all__ = ["DEFAULT_SEED", "LARGE_SAMPLE", "RatioEstimate",
           "mean_difference_ci", "ratio_of_means", "ratio_of_medians"]

#: The seed used when none is given: results are reproducible run to run.
DEFAULT_SEED = 20260406
#: Above this many values in a group, CIs of mean statistics and of Kaplan-Meier
#: medians use their large-sample (normal) form instead of resampling.
LARGE_SAMPLE = 100_000
_SMALL = 20


@dataclass(frozen=True)
class RatioEstimate:
    """after / before of a statistic, its bootstrap CI, and the gain 1 - ratio."""

    statistic: str
    ratio: float
    ci: tuple[float, float]
    before: float
    after: float
    n_before: int
    n_after: int
    confidence: float
    method: str
    n_resamples: int
    seed: int

    @property
    def gain(self) -> float:
        """Reduction as a share of before: (before - after) / before."""
        return 1 - self.ratio

    @property
    def gain_ci(self) -> tuple[float, float]:
        return (1 - self.ci[1], 1 - self.ci[0])

    @property
    def sentence(self) -> str:
        message = (N_("The {statistic} after is {change} lower than before ({before} to "
                      "{after}; ratio {ratio}, {level} CI {low} to {high}, {method} bootstrap, "
                      "{resamples} resamples).") if self.ratio < 1 else
                   N_("The {statistic} after is {change} higher than before ({before} to "
                      "{after}; ratio {ratio}, {level} CI {low} to {high}, {method} bootstrap, "
                      "{resamples} resamples)."))
        return message.format(
            statistic=self.statistic, change=f"{abs(1 - self.ratio):.1%}",
            before=f"{self.before:,.2f}", after=f"{self.after:,.2f}",
            ratio=f"{self.ratio:.3f}", level=f"{self.confidence:.0%}",
            low=f"{self.ci[0]:.3f}", high=f"{self.ci[1]:.3f}", method=self.method,
            resamples=f"{self.n_resamples:,}")

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ci"] = list(self.ci)
        out.update(gain=self.gain, gain_ci=list(self.gain_ci), sentence=self.sentence)
        return out


def _interval(statistic: Callable[..., np.ndarray], samples: tuple[np.ndarray, ...], *,
              confidence: float, n_resamples: int, seed: int) -> tuple[tuple[float, float], str]:
    """scipy bootstrap CI: BCa, or percentile where BCa is undefined."""
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # BCa's degenerate-jackknife warning: we fall back
            res = sps.bootstrap(samples, statistic, vectorized=True, paired=False,
                                confidence_level=confidence, n_resamples=n_resamples,
                                method=method, rng=np.random.default_rng(seed), batch=500)
        low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if math.isfinite(low) and math.isfinite(high):
            return (low, high), method
    return (low, high), method


def bca_interval(theta_hat: float, replicates: np.ndarray, jackknife: Sequence[np.ndarray],
                 confidence: float) -> tuple[float, float] | None:
    """BCa interval from bootstrap ``replicates`` and one jackknife array per sample.

    Efron & Tibshirani (1993) 14.3 and eq. 15.36, exactly as ``scipy.stats.bootstrap``
    computes it; None when undefined (z0 or the acceleration is not finite).
    """
    share = (np.count_nonzero(replicates < theta_hat)
             + np.count_nonzero(replicates <= theta_hat)) / (2 * replicates.size)
    z0 = float(ndtri(share))
    nums = dens = 0.0
    for values in jackknife:
        n = float(values.size)
        u = (n - 1) * (values.mean() - values)
        nums += float(np.sum(u ** 3)) / n ** 3
        dens += float(np.sum(u ** 2)) / n ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        accel = nums / 6 / dens ** 1.5 if dens > 0 else math.nan
    if not (math.isfinite(z0) and math.isfinite(accel)):
        return None
    z = float(ndtri((1 - confidence) / 2))
    levels = [float(ndtr(z0 + (z0 + q) / (1 - accel * (z0 + q)))) for q in (z, -z)]
    low, high = np.percentile(replicates, [100 * levels[0], 100 * levels[1]])
    return float(low), float(high)


def _of_means(combine: Callable[[Any, Any], Any], b: np.ndarray, a: np.ndarray,
              confidence: float, n_resamples: int, seed: int) -> tuple[tuple[float, float], str]:
    """CI of ``combine(mean_before, mean_after)``: BCa bootstrap, or normal for large groups."""
    mean_b, mean_a = float(b.mean()), float(a.mean())
    theta = float(combine(mean_b, mean_a))
    if max(b.size, a.size) > LARGE_SAMPLE:
        return _normal_of_means(combine, b, a, theta, confidence), "normal (delta method)"
    replicates = combine(bootstrap_means(b, n_resamples=n_resamples, seed=seed_for(seed, 0)),
                         bootstrap_means(a, n_resamples=n_resamples, seed=seed_for(seed, 1)))
    jackknife = [combine((b.sum() - b) / max(b.size - 1, 1), mean_a),
                 combine(mean_b, (a.sum() - a) / max(a.size - 1, 1))]
    bca = bca_interval(theta, replicates, jackknife, confidence)
    if bca is not None and all(math.isfinite(v) for v in bca):
        return bca, "BCa"
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(replicates, [tail, 100 - tail])
    return (float(low), float(high)), "percentile"


def _normal_of_means(combine: Callable[[Any, Any], Any], b: np.ndarray, a: np.ndarray,
                     theta: float, confidence: float) -> tuple[float, float]:
    """Delta-method interval: the limit of the bootstrap interval as the groups grow.

    A difference of means: +/- z * sqrt(se_b^2 + se_a^2). A ratio: the same on the
    log scale, sqrt((se_b / mean_b)^2 + (se_a / mean_a)^2).
    """
    z = float(ndtri(0.5 + confidence / 2))
    se_b = float(b.std(ddof=1)) / math.sqrt(b.size)
    se_a = float(a.std(ddof=1)) / math.sqrt(a.size)
    if combine is _divide:
        half = z * math.hypot(se_b / float(b.mean()), se_a / float(a.mean()))
        return theta * math.exp(-half), theta * math.exp(half)
    half = z * math.hypot(se_b, se_a)
    return theta - half, theta + half


def _divide(before: Any, after: Any) -> Any:
    return after / before


def _subtract(before: Any, after: Any) -> Any:
    return after - before


def _ratio(name: str, func: Callable[..., np.ndarray], before: Sequence[float],
           after: Sequence[float], confidence: float, n_resamples: int,
           seed: int) -> RatioEstimate:
    b, a = finite(before, "before"), finite(after, "after")
    centre_b = float(func(b))
    if centre_b == 0:
        raise ValueError(f"the {name} before is 0: a ratio to it is undefined")
    if func is np.mean:
        ci, method = _of_means(_divide, b, a, confidence, n_resamples, seed)
    else:
        def statistic(before_sample: np.ndarray, after_sample: np.ndarray, axis: int = -1):
            return func(after_sample, axis=axis) / func(before_sample, axis=axis)

        ci, method = _interval(statistic, (b, a), confidence=confidence,
                               n_resamples=n_resamples, seed=seed)
    if min(a.size, b.size) < _SMALL:
        warnings.warn(f"bootstrap CI of the {name} ratio rests on only "
                      f"{min(a.size, b.size)} values in a group; read it as rough",
                      stacklevel=3)
    return RatioEstimate(statistic=name, ratio=float(func(a)) / centre_b, ci=ci,
                         before=centre_b, after=float(func(a)), n_before=int(b.size),
                         n_after=int(a.size), confidence=confidence, method=method,
                         n_resamples=n_resamples, seed=seed)


def ratio_of_means(before: Sequence[float], after: Sequence[float], *,
                   confidence: float = 0.95, n_resamples: int = 4000,
                   seed: int = DEFAULT_SEED) -> RatioEstimate:
    """mean(after) / mean(before) with a seeded BCa bootstrap CI."""
    return _ratio("mean", np.mean, before, after, confidence, n_resamples, seed)


def ratio_of_medians(before: Sequence[float], after: Sequence[float], *,
                     confidence: float = 0.95, n_resamples: int = 4000,
                     seed: int = DEFAULT_SEED) -> RatioEstimate:
    """median(after) / median(before) with a seeded bootstrap CI (BCa, else percentile)."""
    return _ratio("median", np.median, before, after, confidence, n_resamples, seed)


def mean_difference_ci(before: Sequence[float], after: Sequence[float], *,
                       confidence: float = 0.95, n_resamples: int = 4000,
                       seed: int = DEFAULT_SEED) -> tuple[float, float]:
    """BCa bootstrap CI of mean(after) - mean(before): no normality needed.

    >>> low, high = mean_difference_ci([3, 4, 5, 4] * 10, [4, 5, 5, 4] * 10)
    >>> low < 0.5 < high
    True
    """
    b, a = finite(before, "before"), finite(after, "after")
    return _of_means(_subtract, b, a, confidence, n_resamples, seed)[0]
