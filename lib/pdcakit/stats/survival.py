"""Durations with open items: the log-rank test and the difference of Kaplan-Meier medians.

An open ticket is right-censored: it has taken at least its age so far. The
log-rank test (scipy ``logrank`` on ``CensoredData``) compares the whole
time-to-event curves, using open tickets for as long as they were at risk. The
statistic reported is the chi-square (``z^2``, 1 df) as R ``survdiff`` prints it.

The estimate is median(after) - median(before) of the Kaplan-Meier curves, with a
seeded percentile bootstrap CI (each ticket resampled with its open/closed flag;
the Kaplan-Meier median of every resample is computed by the compiled kernel of
:mod:`._resample`). Above ``LARGE_SAMPLE`` tickets in a group the CI is the
large-sample one: each median's Brookmeyer-Crowley interval (statsmodels
``SurvfuncRight.quantile_ci``, its default ``cloglog`` transform, i.e. R's
``conf.type = "log-log"``; R ``survfit``'s default is ``"log"``, whose interval is
wider above the median) gives its standard error, combined as Price &
Bonett (2002) do for the difference (or, on the log scale, the ratio) of medians.
The effect size is the ratio of the medians. ``extra`` adds the 90th percentiles
and ``effect_sign``: the direction the log-rank test saw on the duration scale
(-1: items finished sooner after), which can differ from the sign of the median
difference when the change is in the tail. A median not reached (more than half
still open) makes the estimate undefined (NaN) and the result says so.

Kaplan-Meier quantiles follow R ``quantile.survfit``: the first time S(t) <= level,
and where S equals the level on a flat stretch the midpoint of that stretch (to the
next drop, or to the last follow-up time), so complete even-n data give the ordinary
median; the bootstrap kernel uses the same rule.

Sentences state durations in one unit for the KPI (``scale``: minutes, hours or days;
by default the unit :func:`pdcakit.results.duration_unit` picks for the median before);
the numbers stored stay in minutes.

Assumptions: censoring unrelated to how long a ticket would take (open because the
export came, not because it is hard); for the log-rank test's power, roughly
proportional hazards (curves that cross weaken it; the KM plot shows that).

>>> after = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161]        # R survival::aml
>>> after_done = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0]              # Maintained
>>> before = [5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]       # Nonmaintained
>>> before_done = [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
>>> r = logrank(before, before_done, after, after_done, unit="weeks")
>>> round(r.statistic, 2), round(r.pvalue, 4)                  # survdiff: Chisq= 3.4 p= 0.07
(3.4, 0.0653)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from ..results import DURATION_UNITS, duration_unit, format_number, format_signed
from ._memo import ContentCache, content_key
from ._resample import bootstrap_km_quantiles, seed_for
from .bootstrap import DEFAULT_SEED, LARGE_SAMPLE, RatioEstimate
from .result import Comparison, change_sentence

__all__ = ["DurationComparison", "km_median", "km_median_weighted", "logrank",
           "median_difference_ci", "median_ratio"]


def _sentence_scale(scale: str | None, unit: str, typical: float) -> str | None:
    """The one unit a duration's sentences read in: ``scale`` ("minutes", "hours",
    "days") when given, else the unit :func:`pdcakit.results.duration_unit` picks for
    ``typical`` (the median before); None when the durations are not in minutes.

    >>> _sentence_scale(None, "minutes", 130.0), _sentence_scale("days", "minutes", 130.0)
    ('hours', 'days')
    >>> _sentence_scale(None, "weeks", 23.0) is None
    True
    """
    if unit != "minutes":
        if scale is not None:
            raise ValueError(f"scale={scale!r} reads durations held in minutes; these are "
                             f"in {unit or 'no unit'}")
        return None
    if scale is None:
        return duration_unit(typical).name
    if scale not in DURATION_UNITS:
        raise ValueError(f"scale must be one of {', '.join(DURATION_UNITS)}, got {scale!r}")
    return scale


def _signed_in(value: float, scale: str | None) -> str:
    """A signed change of ``value`` minutes in ``scale``, one decimal, without the unit
    (never ``-0.0``); ``scale`` None: the value as it is, four significant figures.

    >>> _signed_in(-64.8, "hours"), _signed_in(-1.0, "hours"), _signed_in(8.03, None)
    ('-1.1', '0.0', '+8.03')
    """
    if scale is None:
        return format_signed(value)
    return format_number(DURATION_UNITS[scale].of(value), 1, sign=True)


@dataclass(frozen=True)
class DurationComparison(Comparison):
    """A :class:`Comparison` of durations whose sentence reads in one unit, ``scale``
    (the estimate and CI stay in minutes); ``scale`` None: as :class:`Comparison`.

    >>> r = DurationComparison(test="log-rank test", statistic=9.0, pvalue=0.003, df=1.0,
    ...     estimate=-66.0, ci=(-84.0, -48.0), effect_size=0.5, n_before=90, n_after=90,
    ...     estimate_label="difference in medians", unit="minutes", scale="hours")
    >>> r.sentence.split(";")[0]
    'The difference in medians (after - before) is -1.1 hours (95% CI -1.4 to -0.8)'
    """

    scale: str | None = None

    @property
    def sentence(self) -> str:
        if self.scale is None:
            return super().sentence
        return change_sentence(self.estimate_label, self.estimate, self.ci, self.scale,
                               self.confidence, self.test, self.pvalue, self.alpha,
                               number=lambda v: _signed_in(v, self.scale), then=self.reason)


def _clean(minutes: Sequence[float], observed: Sequence[bool],
           label: str) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(minutes, dtype=float)
    o = np.asarray(observed, dtype=bool)
    if t.shape != o.shape:
        raise ValueError(f"the {label} durations ({t.size}) and observed flags ({o.size}) "
                         "differ in length")
    keep = np.isfinite(t) & (t >= 0)
    t, o = t[keep], o[keep]
    if not o.any():
        raise ValueError(f"no finished item in the {label} group (all {t.size} still open): "
                         "there is no time-to-event information to compare")
    return t, o


_TOLERANCE = 1.4901161193847656e-08  # sqrt(.Machine$double.eps), R quantile.survfit's


def _weighted_medians(rows: np.ndarray, weights: np.ndarray, level: float = 0.5) -> np.ndarray:
    """Kaplan-Meier time where S falls to ``level``, per row of ``weights``, as survfit.

    ``weights`` holds resample counts; NaN where the curve never falls that low.
    ``rows`` is an (n, 2) array of (duration, observed) sorted by duration.

    R's rule (``survival:::findq``): the first time S(t) <= ``level``; where S equals
    ``level`` (within sqrt(machine epsilon)) on a flat stretch, the midpoint of that
    stretch: from the time S reached it to the next time the curve drops, or to the
    last follow-up time when it never drops again. Complete even-n data thus give the
    ordinary median.
    """
    times, observed = rows[:, 0], rows[:, 1].astype(bool)
    starts = np.flatnonzero(np.r_[True, np.diff(times) > 0])
    unique = times[starts]
    events = np.add.reduceat(weights * observed, starts, axis=1)
    leaving = np.add.reduceat(weights, starts, axis=1)
    at_risk = np.cumsum(leaving[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(at_risk > 0, events / at_risk, 0.0)
    survival = np.cumprod(1 - hazard, axis=1)
    below = survival <= level + _TOLERANCE
    reached = below.any(axis=1)
    first = np.argmax(below, axis=1)
    found = np.where(reached, unique[first], np.nan)
    at_level = reached & (np.abs(survival[np.arange(len(first)), first] - level) < _TOLERANCE)
    for row in np.flatnonzero(at_level):  # rare: S exactly at the level on a flat stretch
        later = np.flatnonzero(survival[row, first[row]:] < level - _TOLERANCE)
        # the stretch ends at the next drop, else at the row's last follow-up time
        end = (unique[first[row] + later[0]] if later.size
               else unique[np.flatnonzero(leaving[row] > 0)[-1]])
        found[row] = (found[row] + end) / 2
    return found


def km_median_weighted(minutes: np.ndarray, observed: np.ndarray, weights: np.ndarray,
                       level: float = 0.5) -> np.ndarray:
    """Kaplan-Meier time where S falls to ``level`` (survfit's rule), per row of ``weights``.

    ``weights`` is (B, n): e.g. resample counts per ticket; NaN where not reached.

    >>> km_median_weighted(np.array([1.0, 2, 3, 4]), np.ones(4, bool), np.ones((1, 4)))
    array([2.5])
    """
    t, o = np.asarray(minutes, float), np.asarray(observed, bool)
    order, rows = _sorted(t, o)
    return _weighted_medians(rows, np.asarray(weights, float)[:, order], level)


#: Sorted durations by content: the KPI's summary, the log-rank test, the median ratio
#: and the shape check sort the same tickets (an argsort of 500k durations is ~60 ms).
SORTED = ContentCache(entries=12, budget_bytes=256 << 20)


def _sorted(t: np.ndarray, o: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order that sorts ``t`` and the sorted (duration, observed) rows, kept by content.

    The order within tied durations fixes which row a bootstrap index picks, so it is
    kept (stable sort) for groups that may be bootstrapped; a group above LARGE_SAMPLE
    never is (its CI is the large-sample one), and every other use sums the tied rows'
    whole-number weights, the same in any order, so the faster sort gives the same
    results there.
    """
    def compute() -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(t, kind="stable" if t.size <= LARGE_SAMPLE else "quicksort")
        return order, np.column_stack([t[order], o[order]])

    return SORTED.get(("sorted durations", content_key(t, o)), compute)


def _sorted_rows(t: np.ndarray, o: np.ndarray) -> np.ndarray:
    """(duration, observed) rows sorted by duration (read-only; see :func:`_sorted`)."""
    return _sorted(np.asarray(t, float), np.asarray(o, bool))[1]


def km_median(minutes: Sequence[float], observed: Sequence[bool]) -> float:
    """Kaplan-Meier median as R ``survfit`` computes it; NaN if never reached.

    The first time S(t) <= 0.5, except where S(t) = 0.5 on a flat stretch: then the
    midpoint of that stretch (see :func:`_weighted_medians`), so complete data with an
    even n give the ordinary median.

    >>> km_median([5, 8, 12, 20], [True, True, False, True])  # R: survfit median 14
    14.0
    >>> km_median([1, 2, 3, 4], [True] * 4)                  # R: 2.5
    2.5
    """
    rows = _sorted_rows(*_clean(minutes, observed, "given"))
    return float(_weighted_medians(rows, np.ones((1, len(rows))))[0])


def _rows(minutes: Sequence[float], observed: Sequence[bool] | None, label: str) -> np.ndarray:
    """Sorted (duration, observed) rows; ``observed`` None means every item finished."""
    flags = np.ones(len(minutes), bool) if observed is None else np.asarray(observed, bool)
    return _sorted_rows(*_clean(minutes, flags, label))


def _median_ci(rows_b: np.ndarray, rows_a: np.ndarray, confidence: float, n_resamples: int,
               seed: int, log: bool = False) -> tuple[float, float]:
    """CI of median(after) - median(before) (of the log medians when ``log``)."""
    if max(len(rows_b), len(rows_a)) > LARGE_SAMPLE:
        return _large_sample_ci(rows_b, rows_a, confidence, log)
    medians = [bootstrap_km_quantiles(rows[:, 0], rows[:, 1].astype(bool),
                                      n_resamples=n_resamples, seed=seed_for(seed, stream))
               for stream, rows in enumerate((rows_b, rows_a))]
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.log(medians[1]) - np.log(medians[0]) if log else medians[1] - medians[0]
    tail = (1 - confidence) / 2
    if np.isnan(values).mean() > tail:
        return (math.nan, math.nan)
    # NaN resamples (median not reached) sort above every value: a conservative upper end.
    low, high = np.quantile(np.where(np.isnan(values), np.inf, values), [tail, 1 - tail])
    return (float(low), float(high))


def _ci_method(rows_b: np.ndarray, rows_a: np.ndarray) -> str:
    if max(len(rows_b), len(rows_a)) > LARGE_SAMPLE:
        return "Brookmeyer-Crowley (large sample)"
    return "percentile bootstrap"


#: Each group's Kaplan-Meier quantile with its Brookmeyer-Crowley interval, by content:
#: the log-rank median CI, the median ratio and the shape check ask for the same ones.
QUANTILE_INTERVALS = ContentCache(entries=32, budget_bytes=1 << 20)


def _quantile_interval(rows: np.ndarray, level: float,
                       confidence: float) -> tuple[float, float, float]:
    """The time where S falls to ``level`` and its Brookmeyer-Crowley interval
    (statsmodels ``quantile_ci``, ``cloglog``), for sorted (duration, observed) rows."""
    def compute() -> tuple[float, float, float]:
        import warnings

        from statsmodels.duration.survfunc import SurvfuncRight

        quantile = float(_weighted_medians(rows, np.ones((1, len(rows))), level)[0])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # log(0) at the curve's ends: outside the interval
            low, high = SurvfuncRight(rows[:, 0], rows[:, 1]).quantile_ci(
                1 - level, alpha=1 - confidence)
        return quantile, float(low), float(high)

    return QUANTILE_INTERVALS.get(("quantile interval", content_key(rows), float(level),
                                   float(confidence)), compute)


def _large_sample_ci(rows_b: np.ndarray, rows_a: np.ndarray, confidence: float,
                     log: bool, level: float = 0.5) -> tuple[float, float]:
    """Price & Bonett (2002) interval of the difference of two Kaplan-Meier quantiles
    (the times where S falls to ``level``: 0.5 the median, 0.1 the 90th percentile),
    from each quantile's Brookmeyer-Crowley interval: its half-width over z is the
    quantile's standard error, the two are added in quadrature (on the log scale when
    ``log``)."""
    z = float(sps.norm.ppf(0.5 + confidence / 2))
    scale = np.log if log else np.asarray
    centres, variances = [], []
    for rows in (rows_b, rows_a):
        median, low, high = _quantile_interval(rows, level, confidence)
        if not (math.isfinite(median) and math.isfinite(low) and math.isfinite(high)
                and (not log or low > 0)):
            return (math.nan, math.nan)
        centres.append(float(scale(median)))
        variances.append(((float(scale(high)) - float(scale(low))) / (2 * z)) ** 2)
    half = z * math.sqrt(sum(variances))
    difference = centres[1] - centres[0]
    return (difference - half, difference + half)


def median_difference_ci(before_minutes: Sequence[float], before_observed: Sequence[bool] | None,
                         after_minutes: Sequence[float], after_observed: Sequence[bool] | None,
                         *, confidence: float = 0.95, n_resamples: int = 2000,
                         seed: int = DEFAULT_SEED) -> tuple[float, float]:
    """Percentile bootstrap CI of KM median(after) - median(before); flags None = all done.

    >>> low, high = median_difference_ci([10, 20, 30] * 20, None, [5, 15, 25] * 20, None)
    >>> low <= -5 <= high
    True
    """
    rows_b = _rows(before_minutes, before_observed, "before")
    rows_a = _rows(after_minutes, after_observed, "after")
    return _median_ci(rows_b, rows_a, confidence, n_resamples, seed)


def median_ratio(before_minutes: Sequence[float], before_observed: Sequence[bool] | None,
                 after_minutes: Sequence[float], after_observed: Sequence[bool] | None, *,
                 confidence: float = 0.95, n_resamples: int = 2000,
                 seed: int = DEFAULT_SEED) -> RatioEstimate:
    """KM median(after) / median(before), open items censored, percentile bootstrap CI.

    The CI comes from the bootstrap of log median(after) - log median(before); the
    gain ``1 - ratio`` is the efficiency gain of source 3.1.2 for cycle times.

    >>> r = median_ratio([10, 20, 30] * 30, None, [8, 16, 24] * 30, None)
    >>> round(r.ratio, 2), round(r.gain, 2)
    (0.8, 0.2)
    """
    rows_b = _rows(before_minutes, before_observed, "before")
    rows_a = _rows(after_minutes, after_observed, "after")
    median_b = float(_weighted_medians(rows_b, np.ones((1, len(rows_b))))[0])
    median_a = float(_weighted_medians(rows_a, np.ones((1, len(rows_a))))[0])
    if not median_b > 0:
        raise ValueError("the median before is 0 or not reached (over half still open): "
                         "a ratio to it is undefined")
    low, high = _median_ci(rows_b, rows_a, confidence, n_resamples, seed, log=True)
    return RatioEstimate(statistic="Kaplan-Meier median", ratio=median_a / median_b,
                         ci=(math.exp(low), math.exp(high)), before=median_b, after=median_a,
                         n_before=len(rows_b), n_after=len(rows_a), confidence=confidence,
                         method=_ci_method(rows_b, rows_a), n_resamples=n_resamples,
                         seed=seed)


@dataclass(frozen=True)
class _LogRankZ:
    statistic: float
    pvalue: float


def _logrank_z(rows_x: np.ndarray, rows_y: np.ndarray) -> _LogRankZ:
    """``scipy.stats.logrank(x, y)`` (two-sided) step for step (``_survival.py``), from
    each group's (duration, observed) rows sorted by duration: the pooled curve's
    distinct times, at-risk counts and deaths as integers, group x's at-risk counts by
    ``searchsorted`` on its distinct times, the same sums in the same order; so the
    same z and p-value without scipy's two sorts and its list of one Python int per
    ticket.
    """
    from scipy import special

    def table(times: np.ndarray, died: np.ndarray):
        first = np.flatnonzero(np.diff(times, prepend=-np.inf) > 0)
        return times[first], times.size - first, np.add.reduceat(died, first)

    pooled = np.concatenate([rows_x[:, 0], rows_y[:, 0]])
    order = np.argsort(pooled, kind="stable")  # two sorted runs: one merge
    died = np.concatenate([rows_x[:, 1], rows_y[:, 1]]).astype(np.int64)[order]
    times_xy, n_xy, d_xy = table(pooled[order], died)
    idx = d_xy.astype(bool)
    times_xy, at_risk_xy, deaths_xy = times_xy[idx], n_xy[idx], d_xy[idx]
    times_x, n_x, _ = table(rows_x[:, 0], rows_x[:, 1].astype(np.int64))
    at_risk_x = np.append(n_x, 0)[np.searchsorted(times_x, times_xy)]
    at_risk_y = at_risk_xy - at_risk_x
    num = at_risk_x * at_risk_y * deaths_xy * (at_risk_xy - deaths_xy)
    den = at_risk_xy**2 * (at_risk_xy - 1)
    i = at_risk_xy > 1
    sum_var = np.sum(num[i] / den[i])
    n_died_x = int(rows_x[:, 1].sum())
    sum_exp_deaths_x = np.sum(at_risk_x * (deaths_xy / at_risk_xy))
    statistic = (n_died_x - sum_exp_deaths_x) / np.sqrt(sum_var)
    return _LogRankZ(float(statistic), float(2 * special.ndtr(-np.abs(statistic))))


def logrank(before_minutes: Sequence[float], before_observed: Sequence[bool],
            after_minutes: Sequence[float], after_observed: Sequence[bool], *,
            confidence: float = 0.95, unit: str = "minutes", n_resamples: int = 2000,
            seed: int = DEFAULT_SEED, scale: str | None = None) -> DurationComparison:
    """Log-rank test of two duration distributions with open items censored.

    ``scale`` ("minutes", "hours", "days"; durations in minutes only) is the unit the
    sentence reads in; None: the one :func:`pdcakit.results.duration_unit` picks for the
    median before. The estimate, CI and ``extra`` stay in ``unit``.
    """
    tb, ob = _clean(before_minutes, before_observed, "before")
    ta, oa = _clean(after_minutes, after_observed, "after")
    rows_b, rows_a = _sorted_rows(tb, ob), _sorted_rows(ta, oa)
    res = _logrank_z(rows_a, rows_b)
    median_b = float(_weighted_medians(rows_b, np.ones((1, len(rows_b))))[0])
    median_a = float(_weighted_medians(rows_a, np.ones((1, len(rows_a))))[0])
    ci = _median_ci(rows_b, rows_a, confidence, n_resamples, seed)
    ratio = median_a / median_b if median_b else math.nan
    ones_b, ones_a = np.ones((1, len(rows_b))), np.ones((1, len(rows_a)))
    p90_b = float(_weighted_medians(rows_b, ones_b, 0.1)[0])
    p90_a = float(_weighted_medians(rows_a, ones_a, 0.1)[0])
    z = float(res.statistic)  # > 0: more items finished after than expected, i.e. faster
    return DurationComparison(
        test="log-rank test (open items censored)", statistic=float(res.statistic) ** 2,
        pvalue=float(res.pvalue), df=1.0, estimate=median_a - median_b, ci=ci,
        effect_size=ratio, effect_size_label="ratio of Kaplan-Meier medians (after / before)",
        n_before=int(tb.size), n_after=int(ta.size),
        estimate_label="difference in Kaplan-Meier medians", unit=unit,
        confidence=confidence, alpha=1 - confidence,
        assumptions=("censoring unrelated to duration",
                     "roughly proportional hazards for full power"),
        extra={"median_before": median_b, "median_after": median_a,
               "open_before": int((~ob).sum()), "open_after": int((~oa).sum()),
               "p90_before": p90_b, "p90_after": p90_a, "z": z,
               "effect_sign": -1 if z > 0 else 1, "ci_method": _ci_method(rows_b, rows_a),
               "n_resamples": n_resamples, "seed": seed},
        scale=_sentence_scale(scale, unit, median_b),
    )
