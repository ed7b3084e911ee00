"""Net Promoter Score: the score of one group and the difference between two.

NPS = share of promoters (9-10) minus share of detractors (0-6), in points (x100).
Each respondent is a draw from a three-way multinomial (promoter, passive,
detractor), so the NPS is the mean of a +1 / 0 / -1 coding with variance
``pP + pD - (pP - pD)^2`` per respondent (Rocks 2016, "Interval estimation for
the 'net promoter score'", The American Statistician 70:365-372).

The difference of two independent NPS values is tested with a z test on that
variance (Wald). Its CI is the adjusted Wald interval, which Rocks (2016) found to
cover close to the nominal level where the plain Wald interval covers 84-94% for a
nominal 95% in small samples: each group gets 3 pseudo-respondents, 3/4 promoter,
3/4 detractor and 3/2 passive (``n + 3``, ``P + 3/4``, ``D + 3/4``; the form given by
Sauro's summary of Rocks, measuringu.com/nps-confidence-intervals), and the interval
is ``NPS~_a - NPS~_b +- z sqrt(var~_a + var~_b)`` with the adjusted shares in the
variance above. The plain Wald CI stays in ``extra``. The adjustment shrinks the
centre slightly towards 0, so near the 5% boundary the CI and the Wald p-value can
disagree by a hair; the estimate is the plain difference.

Assumptions: independent respondents; enough of them that the normal approximation
holds (at least about 30 per group, and not all in one class).

>>> r = nps_difference([10, 9, 7, 3, 10, 6, 8, 9] * 10, [10, 9, 9, 3, 10, 8, 8, 9] * 10)
>>> round(r.estimate, 1), round(r.pvalue, 4)
(25.0, 0.0402)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from ..words import N_
from .result import Comparison

__all__ = ["DETRACTOR_MAX", "PROMOTER_MIN", "NpsParts", "nps_difference", "nps_interval",
           "nps_parts", "nps_points"]

#: The NPS coding (Reichheld): 9-10 promoters, 0-6 detractors, 7-8 passives.
PROMOTER_MIN = 9
DETRACTOR_MAX = 6


def nps_points(scores: Sequence[float]) -> np.ndarray:
    """Each 0-10 score as its NPS points: +100 promoter, -100 detractor, 0 passive (NaN
    stays NaN). Their mean is the NPS.

    >>> nps_points([10, 8, 3, float("nan")]).tolist()
    [100.0, 0.0, -100.0, nan]
    """
    values = np.asarray(scores, dtype=float)
    points = np.select([values >= PROMOTER_MIN, values <= DETRACTOR_MAX], [100.0, -100.0], 0.0)
    return np.where(np.isfinite(values), points, np.nan)


@dataclass(frozen=True)
class NpsParts:
    """Shares of promoters and detractors, the NPS (as a fraction) and its variance."""

    n: int
    promoters: float
    detractors: float

    @property
    def value(self) -> float:
        return self.promoters - self.detractors

    @property
    def variance(self) -> float:
        """Variance of the NPS fraction: ``(pP + pD - (pP - pD)^2) / n``."""
        return max(self.promoters + self.detractors - self.value**2, 0.0) / self.n

    def adjusted(self) -> NpsParts:
        """Rocks' adjusted-Wald shares: 3/4 promoter and 3/4 detractor added, n + 3.

        >>> a = NpsParts(n=10, promoters=0.5, detractors=0.2).adjusted()
        >>> a.n, round(a.promoters, 4), round(a.detractors, 4)   # (5.75/13, 2.75/13)
        (13, 0.4423, 0.2115)
        """
        n = self.n + 3
        return NpsParts(n=n, promoters=(self.promoters * self.n + 0.75) / n,
                        detractors=(self.detractors * self.n + 0.75) / n)


def nps_interval(parts: NpsParts, confidence: float = 0.95) -> tuple[float, float]:
    """Adjusted-Wald CI of one NPS, in points (Rocks 2016), clipped to -100..100.

    >>> [round(v, 2) for v in nps_interval(NpsParts(n=10, promoters=0.5, detractors=0.2))]
    [-19.05, 65.2]
    """
    a = parts.adjusted()
    half = float(sps.norm.isf((1 - confidence) / 2)) * math.sqrt(a.variance)
    return (100 * max(-1.0, a.value - half), 100 * min(1.0, a.value + half))


def nps_parts(scores: Sequence[float], label: str = "NPS") -> NpsParts:
    """Promoter and detractor shares of 0-10 scores (missing values dropped).

    >>> nps_parts([10, 9, 8, 2]).value
    0.25
    """
    values = np.asarray(scores, dtype=float)
    values = values[np.isfinite(values)]
    if values.size < 2:
        raise ValueError(f"not enough data: n={values.size} {label} scores, need >= 2")
    outside = values[(values < 0) | (values > 10)]
    if outside.size:
        raise ValueError(f"{label} scores must lie between 0 and 10; found {outside[:5].tolist()}")
    return NpsParts(n=int(values.size), promoters=float((values >= PROMOTER_MIN).mean()),
                    detractors=float((values <= DETRACTOR_MAX).mean()))


def nps_difference(before: Sequence[float], after: Sequence[float], *,
                   confidence: float = 0.95) -> Comparison:
    """Difference in NPS (after - before, points) with a Wald z test and CI."""
    b, a = nps_parts(before, "NPS before"), nps_parts(after, "NPS after")
    se = math.sqrt(b.variance + a.variance)
    if se == 0:
        raise ValueError("no variation: every respondent in both groups is in the same class")
    diff = a.value - b.value
    z = diff / se
    critical = sps.norm.isf((1 - confidence) / 2)
    half = critical * se
    adj_b, adj_a = b.adjusted(), a.adjusted()
    adj_diff = adj_a.value - adj_b.value
    adj_half = critical * math.sqrt(adj_a.variance + adj_b.variance)
    return Comparison(
        test=N_("z test for a difference in NPS"), statistic=float(z),
        pvalue=float(2 * sps.norm.sf(abs(z))), df=None, estimate=100 * diff,
        ci=(float(100 * max(-2.0, adj_diff - adj_half)),
            float(100 * min(2.0, adj_diff + adj_half))),
        effect_size=None, n_before=b.n, n_after=a.n, estimate_label=N_("difference in NPS"),
        unit="points", confidence=confidence, alpha=1 - confidence,
        assumptions=(N_("independent respondents"),
                     N_("normal approximation (n >= 30 per group)")),
        extra={"nps_before": 100 * b.value, "nps_after": 100 * a.value,
               "promoters_before": b.promoters, "promoters_after": a.promoters,
               "detractors_before": b.detractors, "detractors_after": a.detractors,
               "ci_method": "adjusted Wald (Rocks 2016: 3/4 promoter and 3/4 detractor "
                            "added to each group, n + 3)",
               "ci_wald_low": float(100 * max(-2.0, diff - half)),
               "ci_wald_high": float(100 * min(2.0, diff + half))},
    )
