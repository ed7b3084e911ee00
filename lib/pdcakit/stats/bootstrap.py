"""Ratios after / before of means or medians with bootstrap CIs (scipy ``bootstrap``).

Efficiency gain (source 3.1.2) is ``(before - after) / before = 1 - ratio``, so a
CI of the ratio of mean handle times is a CI of the gain. The two groups are
resampled independently; the statistic is vectorized, so scipy evaluates all
resamples in batches without a Python loop; the default method is BCa (bias-
corrected and accelerated, Efron 1987), falling back to percentile when BCa is
undefined (e.g. a degenerate jackknife on tied medians). Seeded: the same data and
seed give the same interval.

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

from ._input import finite

__all__ = ["DEFAULT_SEED", "RatioEstimate", "bootstrap_difference", "mean_difference_ci",
           "ratio_of_means", "ratio_of_medians"]

#: The seed used when none is given: results are reproducible run to run.
DEFAULT_SEED = 20260406
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
        direction = "lower" if self.ratio < 1 else "higher"
        return (f"The {self.statistic} after is {abs(1 - self.ratio):.1%} {direction} than "
                f"before ({self.before:,.2f} to {self.after:,.2f}; ratio {self.ratio:.3f}, "
                f"{self.confidence:.0%} CI {self.ci[0]:.3f} to {self.ci[1]:.3f}, "
                f"{self.method} bootstrap, {self.n_resamples:,} resamples).")

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


def _ratio(name: str, func: Callable[..., np.ndarray], before: Sequence[float],
           after: Sequence[float], confidence: float, n_resamples: int,
           seed: int) -> RatioEstimate:
    b, a = finite(before, "before"), finite(after, "after")
    centre_b = float(func(b))
    if centre_b == 0:
        raise ValueError(f"the {name} before is 0: a ratio to it is undefined")

    def statistic(before_sample: np.ndarray, after_sample: np.ndarray, axis: int = -1):
        return func(after_sample, axis=axis) / func(before_sample, axis=axis)

    ci, method = _interval(statistic, (b, a), confidence=confidence, n_resamples=n_resamples,
                           seed=seed)
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

    def statistic(before_sample: np.ndarray, after_sample: np.ndarray, axis: int = -1):
        return np.mean(after_sample, axis=axis) - np.mean(before_sample, axis=axis)

    return _interval(statistic, (b, a), confidence=confidence, n_resamples=n_resamples,
                     seed=seed)[0]


def bootstrap_difference(statistic: Callable[[np.ndarray, np.ndarray], np.ndarray],
                         before: np.ndarray, after: np.ndarray, *, confidence: float = 0.95,
                         n_resamples: int = 2000, seed: int = DEFAULT_SEED,
                         ) -> tuple[float, float]:
    """Percentile CI of ``statistic(after_rows) - statistic(before_rows)`` over row resamples.

    ``statistic(rows, weights)`` receives the group's rows and a (batch, n) matrix of
    resample counts and returns one value per resample row; NaN marks a resample where
    the statistic is undefined (e.g. a median never reached). Used for Kaplan-Meier
    medians, where a resample must keep each duration with its open/closed flag.
    """
    rng = np.random.default_rng(seed)

    def counts(n: int, size: int) -> np.ndarray:
        picks = rng.integers(0, n, size=(size, n)) + n * np.arange(size)[:, None]
        return np.bincount(picks.ravel(), minlength=size * n).reshape(size, n)

    diffs = []
    for start in range(0, n_resamples, 250):
        size = min(250, n_resamples - start)
        diffs.append(statistic(after, counts(len(after), size))
                     - statistic(before, counts(len(before), size)))
    values = np.concatenate(diffs)
    tail = (1 - confidence) / 2
    if np.isnan(values).mean() > tail:
        return (math.nan, math.nan)
    # NaN resamples (undefined statistic) sort above every value: a conservative upper end.
    low, high = np.quantile(np.where(np.isnan(values), np.inf, values), [tail, 1 - tail])
    return (float(low), float(high))
