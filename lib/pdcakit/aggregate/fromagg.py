"""Statistics from aggregates: the figures the row path computes, from counts and sums.

- shares: successes and n -> :func:`pdcakit.metrics.proportions.proportion_estimate`
  (Wilson interval), the same function the row path calls;
- means: n, sum and sum of squares -> mean and Student t interval
  (:func:`mean_from_moments`); the variance ``(S2 - S1^2 / n) / (n - 1)`` agrees with the
  row path's two-pass variance to about 1e-12 relative on handle times (double sums);
- NPS: counts of promoters and detractors -> :class:`pdcakit.stats.nps.NpsParts`;
- durations: events and censored counts per distinct duration (:class:`EventTable`) ->
  the Kaplan-Meier curve with scipy's log-log band, the median and 90th percentile by
  survfit's rule (the row path's own :func:`pdcakit.stats.survival.km_median_weighted`
  kernel, fed counts as weights), the restricted mean and its variance as
  :func:`pdcakit.stats.shape.rmst`; the log-rank z of two tables as ``scipy.stats.logrank``
  (R ``survdiff``'s chi-square is its square).

>>> table = EventTable.of([1.0, 2, 3, 4], events=[1, 1, 1, 1], censored=[0, 0, 0, 0])
>>> km_quantile(table, 0.5)              # R: survfit median 2.5
2.5
>>> [round(v, 4) for v in rmst_from_table(table, 4)]   # R: rmean 2.5, se 0.559
[2.5, 0.559]
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special
from scipy import stats as sps

from ..metrics._checks import need_n
from ..metrics.durations import DurationSummary, KaplanMeier
from ..results import Estimate
from ..stats.nps import NpsParts
from ..stats.survival import _weighted_medians

__all__ = ["EventTable", "duration_summary", "km_curve", "km_quantile", "logrank_from_tables",
           "mean_from_moments", "naive_median", "nps_estimate", "rmst_from_table"]


@dataclass(frozen=True)
class EventTable:
    """Kaplan-Meier input as counts: per distinct duration (minutes, ascending), the
    events (finished) and the censored (still open at the snapshot)."""

    minutes: np.ndarray
    events: np.ndarray
    censored: np.ndarray

    @classmethod
    def of(cls, minutes: Any, events: Any, censored: Any) -> EventTable:
        """Counts per duration in any order, repeated durations summed."""
        t = np.asarray(minutes, float)
        e = np.asarray(events, float)
        c = np.asarray(censored, float)
        unique, inverse = np.unique(t, return_inverse=True)
        return cls(unique, np.bincount(inverse, weights=e, minlength=unique.size),
                   np.bincount(inverse, weights=c, minlength=unique.size))

    @classmethod
    def from_micros(cls, micros: Any, events: Any, censored: Any) -> EventTable:
        """From whole microseconds, each turned into minutes as pandas does
        (``Timedelta.total_seconds() / 60``), so ties and values match the row path."""
        us = np.asarray(micros, dtype=np.int64)
        if us.size and np.all(us[1:] >= us[:-1]):  # sorted (the queries' order): no sort
            starts = np.flatnonzero(np.r_[True, us[1:] != us[:-1]])
            return cls(us[starts] / 1e6 / 60,
                       np.add.reduceat(np.asarray(events, float), starts),
                       np.add.reduceat(np.asarray(censored, float), starts))
        return cls.of(us / 1e6 / 60, events, censored)

    @property
    def n(self) -> int:
        return int(self.events.sum() + self.censored.sum())

    @property
    def n_events(self) -> int:
        return int(self.events.sum())

    @property
    def at_risk(self) -> np.ndarray:
        """Tickets still waiting just before each duration."""
        leaving = self.events + self.censored
        return np.cumsum(leaving[::-1])[::-1]


def _rows_and_weights(table: EventTable) -> tuple[np.ndarray, np.ndarray]:
    """The (duration, observed) rows :func:`_weighted_medians` reads, counts as weights:
    one event row and one censored row per duration."""
    rows = np.column_stack([np.repeat(table.minutes, 2), np.tile([1.0, 0.0], table.minutes.size)])
    weights = np.column_stack([table.events, table.censored]).ravel()
    return rows, weights[None, :]


def km_quantile(table: EventTable, level: float) -> float:
    """Time where the Kaplan-Meier curve falls to ``level`` (survfit's rule, the row
    path's kernel); NaN when not reached."""
    if table.minutes.size == 0:
        return math.nan
    rows, weights = _rows_and_weights(table)
    return float(_weighted_medians(rows, weights, level)[0])


def km_curve(table: EventTable, *, confidence: float = 0.95) -> KaplanMeier:
    """The curve ``scipy.stats.ecdf`` gives the row path: every distinct duration, S just
    after it, and the log-log pointwise band (Greenwood's variance)."""
    n = table.at_risk
    d = table.events
    complete = table.censored.sum() == 0  # scipy's complete-data branch: S = 1 - F
    survival = 1 - np.cumsum(d) / n[0] if complete else np.cumprod((n - d) / n)
    if table.events.sum() == 0:
        low = high = np.full(table.minutes.size, np.nan)
        return KaplanMeier(times=table.minutes, survival=survival, low=low, high=high)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        var = 1 / np.log(survival) ** 2 * np.cumsum(d / (n * (n - d)))
        z = special.ndtri(1 / 2 + confidence / 2)
        points = np.log(-np.log(survival))
        low = np.exp(-np.exp(points + z * np.sqrt(var)))
        high = np.exp(-np.exp(points - z * np.sqrt(var)))
    return KaplanMeier(times=table.minutes, survival=survival, low=np.clip(low, 0, 1),
                       high=np.clip(high, 0, 1))


def naive_median(table: EventTable) -> float:
    """The ordinary median of the finished durations (open ones dropped), as numpy's."""
    counts = table.events
    total = int(counts.sum())
    if total == 0:
        return math.nan
    cumulative = np.cumsum(counts)
    lower = table.minutes[np.searchsorted(cumulative, (total - 1) // 2 + 1)]
    upper = table.minutes[np.searchsorted(cumulative, total // 2 + 1)]
    return float((lower + upper) / 2)


def duration_summary(table: EventTable, name: str, *, confidence: float = 0.95
                     ) -> DurationSummary:
    """The row path's :class:`~pdcakit.metrics.durations.DurationSummary` from counts."""
    need_n(table.n_events, name, 1)
    curve = km_curve(table, confidence=confidence)

    def td(value: float | None) -> pd.Timedelta | None:
        return None if value is None or not math.isfinite(value) else pd.Timedelta(
            minutes=value)

    return DurationSummary(
        name=name, median=td(km_quantile(table, 0.5)),
        median_ci=(td(curve.first_time_at_or_below(curve.low, 0.5)),
                   td(curve.first_time_at_or_below(curve.high, 0.5))),
        p90=td(km_quantile(table, 0.1)), naive_median=td(naive_median(table)),
        n=table.n, n_open=int(table.censored.sum()), curve=curve, confidence=confidence)


def rmst_from_table(table: EventTable, horizon: float) -> tuple[float, float]:
    """Restricted mean duration up to ``horizon`` and its standard error, as
    :func:`pdcakit.stats.shape.rmst` (R ``print(survfit, rmean = tau)``): the area under
    the curve, variance ``sum A_j^2 d_j / (n_j (n_j - d_j))`` over event times before
    the horizon."""
    from ..stats.shape import rmst_of_km_table

    times, at_risk, events = table.minutes, table.at_risk, table.events
    keep_rows = (events + table.censored) > 0
    times, at_risk, events = times[keep_rows], at_risk[keep_rows], events[keep_rows]
    survival = np.cumprod(1 - events / at_risk)
    return rmst_of_km_table((times, at_risk, events, survival), horizon)


def mean_from_moments(n: int, total: float, total_sq: float, name: str, *,
                      unit: str = "score", confidence: float = 0.95, missing: int = 0,
                      note: str = "", extra: dict | None = None) -> Estimate:
    """Mean with a Student t interval from n, sum and sum of squares: the Estimate
    :func:`pdcakit.metrics.scores.mean_estimate` gives on the values.

    >>> mean_from_moments(4, 16.0, 66.0, "CSI").format()   # values 4, 5, 3, 4
    '4.00 (95% CI 2.70 to 5.30, n=4)'
    """
    need_n(int(n), name, 2)
    mean = total / n
    variance = max((total_sq - total * total / n) / (n - 1), 0.0)
    sem = math.sqrt(variance) / math.sqrt(n)
    if sem > 0:
        low, high = sps.t.interval(confidence, n - 1, loc=mean, scale=sem)
    else:
        low = high = mean
    if missing:
        note = "; ".join(filter(None, [note, f"{missing:,} missing values left out"]))
    return Estimate(name=name, value=float(mean), n=int(n), ci=(float(low), float(high)),
                    unit=unit, method="mean with t interval", confidence=confidence, note=note,
                    extra=dict(extra or {}))


def nps_estimate(n: int, promoters: int, detractors: int, *,
                 confidence: float = 0.95) -> Estimate:
    """The Net Promoter Score Estimate of :func:`pdcakit.metrics.scores.nps` from counts."""
    from ..metrics.scores import nps_from_parts

    need_n(int(n), "NPS", 2)
    return nps_from_parts(NpsParts(n=int(n), promoters=promoters / n, detractors=detractors / n),
                          confidence=confidence)


def logrank_from_tables(first: EventTable, second: EventTable) -> tuple[float, float]:
    """Log-rank z of ``first`` against ``second`` and its two-sided p-value, as
    ``scipy.stats.logrank(first, second)`` (z > 0: more events in ``first`` than expected,
    i.e. it finishes sooner); R ``survdiff`` prints z squared.

    >>> aml = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161], [5, 5, 8, 8, 12, 16, 23, 27,
    ...        30, 33, 43, 45]
    >>> done = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0], [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
    >>> tables = [EventTable.of(t, d, 1 - np.array(d)) for t, d in zip(aml, done)]
    >>> z, p = logrank_from_tables(*tables)
    >>> round(z ** 2, 2), round(p, 4)               # R survdiff: Chisq= 3.4 p= 0.07
    (3.4, 0.0653)
    """
    times = np.union1d(first.minutes, second.minutes)

    def on(table: EventTable) -> tuple[np.ndarray, np.ndarray]:
        at = np.searchsorted(table.minutes, times)
        found = at < table.minutes.size
        found[found] = table.minutes[at[found]] == times[found]
        events = np.zeros(times.size)
        events[found] = table.events[at[found]]
        # at risk: those whose duration is at or after the time
        risk = np.concatenate([table.at_risk, [0.0]])[np.searchsorted(table.minutes, times)]
        return events, risk

    d1, n1 = on(first)
    d2, n2 = on(second)
    d, n = d1 + d2, n1 + n2
    use = (d > 0) & (n > 1)
    expected = d[use] * n1[use] / n[use]
    variance = float(np.sum(d[use] * (n1[use] / n[use]) * (1 - n1[use] / n[use])
                            * (n[use] - d[use]) / (n[use] - 1)))
    z = float((d1[use].sum() - expected.sum()) / math.sqrt(variance))
    return z, float(2 * sps.norm.sf(abs(z)))
