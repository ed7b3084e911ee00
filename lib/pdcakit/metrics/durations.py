"""Duration KPIs with open tickets right-censored (Kaplan-Meier), never dropped.

A ticket still open at the export time is known to take *at least* its age
so far. Dropping it biases the median down; counting it as done at the
export time biases it too. The Kaplan-Meier estimator (``scipy.stats.ecdf``
on ``CensoredData``) uses it correctly.

Median and 90th percentile as R's ``survfit`` computes them
(:func:`pdcakit.stats.survival.km_median_weighted`): the first time the survival
curve S(t) falls to 0.5 (0.1); where S equals the level on a flat stretch, the
midpoint of that stretch (so complete even-n data give the ordinary median). CI of
the median (Brookmeyer & Crowley 1982): the times where the lower and the upper
pointwise band of S first reach 0.5. The bands are the **log-log** intervals
(``conf.type = "log-log"`` in R; survfit's own default is ``"log"``, which gives
somewhat different ends). An end that is never reached is None ("not reached").

>>> import pandas as pd
>>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05 09:00"] * 4),
...     "resolved_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 11:00",
...                                    "2026-01-05 13:00", None])})
>>> t.attrs["snapshot"] = pd.Timestamp("2026-01-05 18:00")
>>> s = time_to_resolve(t)   # S = 0.5 from 2 h to 4 h: survfit's midpoint, 3 h
>>> str(s.median), s.n, s.n_open
('0 days 03:00:00', 4, 1)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..results import DurationUnit, Estimate, duration_unit
from ._checks import need_n, require, snapshot

__all__ = ["DurationSummary", "duration_minutes", "first_response_time", "kaplan_meier",
           "time_to_resolve"]

_COLUMNS = {"first_response_time": ("first_response_at", "First response time"),
            "time_to_resolve": ("resolved_at", "Time to resolve")}


@dataclass(frozen=True)
class KaplanMeier:
    """Survival curve: times (minutes) and share of tickets still waiting, with bands."""

    times: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def first_time_at_or_below(self, curve: np.ndarray, level: float) -> float | None:
        hits = np.flatnonzero(np.nan_to_num(curve, nan=1.0) <= level + 1e-12)
        return float(self.times[hits[0]]) if hits.size else None


def kaplan_meier(minutes: np.ndarray, observed: np.ndarray, *,
                 confidence: float = 0.95) -> KaplanMeier:
    """Kaplan-Meier curve of durations; ``observed`` False marks censored (still open) ones.

    With open tickets, the same numbers as ``scipy.stats.ecdf`` on ``CensoredData`` and
    its ``confidence_interval(method="log-log")``, computed from the tickets sorted once
    for every duration figure (:func:`pdcakit.stats.survival._sorted_rows`, kept by
    content) instead of scipy's own sort and its list of one Python int per ticket.
    """
    from scipy import stats as sps  # on first use: importing this module stays light

    minutes = np.asarray(minutes, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    if observed.all():
        sf = sps.ecdf(minutes).sf
    elif observed.any():
        return _censored_kaplan_meier(minutes, observed, confidence)
    else:
        sf = sps.ecdf(sps.CensoredData(right=minutes)).sf
    if observed.any():
        with warnings.catch_warnings():  # undefined where S is 0 or 1: not reached, by design
            warnings.simplefilter("ignore", RuntimeWarning)
            band = sf.confidence_interval(confidence_level=confidence, method="log-log")
        low, high = band.low.probabilities, band.high.probabilities
    else:
        low = high = np.full(sf.quantiles.size, np.nan)
    return KaplanMeier(times=sf.quantiles, survival=sf.probabilities, low=low, high=high)


def _censored_kaplan_meier(minutes: np.ndarray, observed: np.ndarray,
                           confidence: float) -> KaplanMeier:
    """scipy's right-censored ``ecdf`` and log-log band, step for step (``_survival.py``:
    ``sf = cumprod((n - d) / n)`` over the distinct times with n at risk and d deaths as
    integers; exponential Greenwood ``var = cumsum(d / (n (n - d))) / log(sf)^2``),
    from the sorted rows: bit for bit the same numbers."""
    from scipy import special

    from ..stats.survival import _sorted_rows

    rows = _sorted_rows(minutes, observed)
    times, died = rows[:, 0], rows[:, 1].astype(np.int64)
    first = np.flatnonzero(np.diff(times, prepend=-np.inf) > 0)
    n = times.size - first                                    # at risk, as scipy's arange
    d = np.add.reduceat(died, first)                          # deaths per distinct time
    sf = np.cumprod((n - d) / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = 1 / np.log(sf) ** 2 * np.cumsum(d / (n * (n - d)))
        z_se = special.ndtri(1 / 2 + confidence / 2) * np.sqrt(var)
        points = np.log(-np.log(sf))
        low = np.exp(-np.exp(points + z_se))
        high = np.exp(-np.exp(points - z_se))
    return KaplanMeier(times=times[first], survival=sf, low=np.clip(low, 0, 1),
                       high=np.clip(high, 0, 1))


@dataclass(frozen=True)
class DurationSummary:
    """Median, its CI and the 90th percentile of a duration, open tickets censored."""

    name: str
    median: pd.Timedelta | None
    median_ci: tuple[pd.Timedelta | None, pd.Timedelta | None]
    p90: pd.Timedelta | None
    naive_median: pd.Timedelta | None
    n: int
    n_open: int
    curve: KaplanMeier
    confidence: float = 0.95

    @property
    def sentence(self) -> str:
        """Median, p90 and the effect of the open tickets, in words."""
        unit = self.unit

        def fmt(value: pd.Timedelta | None) -> str:
            return "not reached" if value is None else unit.format(_minutes(value))

        text = (f"{self.name}: median {fmt(self.median)} ({self.confidence:.0%} CI "
                f"{fmt(self.median_ci[0])} to {fmt(self.median_ci[1])}), 90th percentile "
                f"{fmt(self.p90)}, over {self.n:,} tickets of which {self.n_open:,} are still "
                "open and counted as censored (Kaplan-Meier).")
        if self.naive_median is not None and self.median is not None and self.n_open:
            text += (f" Dropping the open tickets would give a median of "
                     f"{fmt(self.naive_median)}.")
        return text

    @property
    def unit(self) -> DurationUnit:
        """The readable unit of this duration, from its median (else its naive median)."""
        typical = self.median if self.median is not None else self.naive_median
        return duration_unit(None if typical is None else _minutes(typical))

    def as_estimate(self, unit: str = "minutes") -> Estimate:
        """The median as an Estimate in ``unit`` (minutes or hours)."""
        scale = pd.Timedelta(minutes=1) if unit == "minutes" else pd.Timedelta(hours=1)

        def num(value: pd.Timedelta | None) -> float:
            return math.nan if value is None else float(value / scale)

        return Estimate(name=f"{self.name} (median)", value=num(self.median), n=self.n,
                        ci=(num(self.median_ci[0]), num(self.median_ci[1])), unit=unit,
                        method="Kaplan-Meier median, open tickets censored",
                        confidence=self.confidence,
                        note=f"{self.n_open:,} open tickets censored",
                        extra={"p90": num(self.p90), "naive_median": num(self.naive_median),
                               "n_open": self.n_open})

    def as_dict(self) -> dict[str, Any]:
        est = self.as_estimate("minutes")
        return {"name": self.name, "unit": "minutes", "median": est.value,
                "median_ci": list(est.ci or ()), "p90": est.extra["p90"],
                "naive_median": est.extra["naive_median"], "n": self.n, "n_open": self.n_open,
                "sentence": self.sentence}


def _minutes(value: pd.Timedelta) -> float:
    return float(value / pd.Timedelta(minutes=1))


def duration_minutes(tickets: pd.DataFrame, key: str) -> tuple[np.ndarray, np.ndarray]:
    """Minutes from creation to the event, and whether the event happened (else censored).

    Censored durations run to the export time.
    """
    column, name = _COLUMNS[key]
    require(tickets, name, "created_at")
    if column not in tickets.columns:
        raise ValueError(f"{name} needs the column '{column}'; map it under `columns:`")
    end = tickets[column]
    observed = end.notna().to_numpy()
    stop = end.where(end.notna(), snapshot(tickets))
    minutes = ((stop - tickets["created_at"]).dt.total_seconds() / 60).to_numpy(float)
    return minutes, observed


def _summary(tickets: pd.DataFrame, key: str, confidence: float) -> DurationSummary:
    minutes, observed = duration_minutes(tickets, key)
    name = _COLUMNS[key][1]
    valid = np.isfinite(minutes) & (minutes >= 0)
    minutes, observed = minutes[valid], observed[valid]
    need_n(int(observed.sum()), name, 1)
    curve = kaplan_meier(minutes, observed, confidence=confidence)

    def td(value: float | None) -> pd.Timedelta | None:
        return None if value is None or not math.isfinite(value) else pd.Timedelta(
            minutes=value)

    from ..stats.survival import km_median_weighted

    def quantile(level: float) -> float:
        return float(km_median_weighted(minutes, observed, np.ones((1, minutes.size)),
                                        level)[0])

    return DurationSummary(
        name=name,
        median=td(quantile(0.5)),
        median_ci=(td(curve.first_time_at_or_below(curve.low, 0.5)),
                   td(curve.first_time_at_or_below(curve.high, 0.5))),
        p90=td(quantile(0.1)),
        naive_median=td(float(np.median(minutes[observed]))),
        n=int(minutes.size), n_open=int((~observed).sum()), curve=curve, confidence=confidence,
    )


def time_to_resolve(tickets: pd.DataFrame, *, confidence: float = 0.95) -> DurationSummary:
    """Creation to resolution, open tickets censored at the export time (Kaplan-Meier)."""
    return _summary(tickets, "time_to_resolve", confidence)


def first_response_time(tickets: pd.DataFrame, *, confidence: float = 0.95) -> DurationSummary:
    """Creation to first response, unanswered tickets censored at the export time."""
    return _summary(tickets, "first_response_time", confidence)
