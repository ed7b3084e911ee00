"""KPI series for charts and tables: per period, Pareto counts, segments.

>>> import pandas as pd
>>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-20"]),
...                   "first_contact_resolved": pd.array([True, False, True], dtype="boolean")})
>>> per_period(t, "fcr", period="W")[["period", "n", "value"]].to_dict("list")["n"]
[2, 0, 1]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..periods import PANDAS_PERIOD
from ..results import Estimate, format_value
from ..stats.survival import km_median
from ._checks import kpi_frame
from .durations import duration_minutes
from .registry import KPIS

__all__ = ["MIN_PERIOD_CASES", "SPARSE_SHARE", "PeriodCounts", "open_share_note", "pareto",
           "per_period",
           "period_records", "segment_estimates", "segment_table", "sparse_periods",
           "sparse_threshold", "unjudged_note"]



#: A period with fewer cases than this is ``sparse`` whatever the others hold.
MIN_PERIOD_CASES = 5
#: ... and so is one with fewer than this share of the median period's cases.
SPARSE_SHARE = 0.25


def sparse_periods(n: Any) -> np.ndarray:
    """Periods with too few cases to weigh like the others: ``0 < n < threshold``, where
    the threshold is ``MIN_PERIOD_CASES`` (5) or ``SPARSE_SHARE`` (a quarter) of the
    median n of the periods that have cases, whichever is larger. Empty periods (n = 0)
    are gaps, not sparse. Charts draw sparse periods but never let them set the limits.

    >>> sparse_periods([400, 380, 1, 90, 0, 410]).tolist()
    [False, False, True, True, False, False]
    """
    counts = np.asarray(n, dtype=float)
    return (counts > 0) & (counts < sparse_threshold(counts))


def sparse_threshold(n: Any) -> float:
    """The fewest cases a period needs not to be sparse (see :func:`sparse_periods`).

    >>> sparse_threshold([400, 380, 1, 90, 0, 410])
    95.0
    """
    counts = np.asarray(n, dtype=float)
    filled = counts[counts > 0]
    share = SPARSE_SHARE * float(np.median(filled)) if filled.size else 0.0
    return max(float(MIN_PERIOD_CASES), share)


def unjudged_note(n: Any, sparse: Any, median_reached: Any, period_word: str) -> str:
    """The periods a chart cannot judge, in words: none, few cases, no median yet.

    >>> unjudged_note([300, 0, 1, 40], [False, False, True, False],
    ...               [True, False, True, False], "month")
    ' Not judged: 1 month without cases (gap); 1 month whose median is not reached yet (over \
half still open; marked at the top); 1 month with few cases (fewer than 10), drawn hollow and \
not used for the limits.'
    """
    counts = np.asarray(n, dtype=float)

    def times(k: int) -> str:
        return f"{k} {period_word}{'' if k == 1 else 's'}"

    parts = []
    empty = int((counts == 0).sum())
    if empty:
        parts.append(f"{times(empty)} without cases ({'gap' if empty == 1 else 'gaps'})")
    if median_reached is not None:
        unreached = int(((counts > 0) & ~np.asarray(median_reached, dtype=bool)).sum())
        if unreached:
            parts.append(f"{times(unreached)} whose median is not reached yet (over half "
                         "still open; marked at the top)")
    few = int(np.asarray(sparse, dtype=bool).sum())
    if few:
        parts.append(f"{times(few)} with few cases (fewer than "
                     f"{math.ceil(sparse_threshold(counts)):g}), drawn hollow and not used "
                     "for the limits")
    return (" Not judged: " + "; ".join(parts) + ".") if parts else ""


def per_period(tickets: pd.DataFrame, key: str, *, period: str = "W",
               date_column: str = "created_at", **params: Any) -> pd.DataFrame:
    """The KPI per period, one row per period from the first to the last (empty ones kept).

    Columns: ``period`` (start), ``n`` (cases created in the period that carry the KPI,
    open ones included), ``n_open`` (of those, still open at the snapshot), ``value``,
    ``sparse`` (see :func:`sparse_periods`), plus ``numerator`` and ``denominator`` for
    rates and ``median_reached`` for durations. Empty periods have n = 0 and value NaN.

    Rates: share per period. Means: mean per period. Durations: the Kaplan-Meier median of
    the period's cases, open ones censored at the snapshot (``tickets.attrs["snapshot"]``,
    else the latest timestamp); where more than half are still open the median is not
    reached: value NaN, ``median_reached`` False. ``n_open`` counts, for durations, the
    cases whose event had not happened by the snapshot; for other KPIs the open cases
    (``is_open``; 0 without that column).

    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05"] * 3 + ["2026-02-02"] * 3),
    ...     "resolved_at": pd.to_datetime(["2026-01-06", "2026-01-07", None,
    ...                                    "2026-02-03", None, None])})
    >>> t.attrs["snapshot"] = pd.Timestamp("2026-03-01")
    >>> f = per_period(t, "time_to_resolve", period="M")
    >>> (f["value"] / 1440).tolist(), f["n_open"].tolist(), f["median_reached"].tolist()
    ([2.0, nan], [1, 2], [True, False])
    """
    if period not in PANDAS_PERIOD:
        raise ValueError(f"period must be D, W or M, got {period!r}")
    spec = KPIS[key]
    tickets = kpi_frame(tickets)
    created = tickets[date_column]
    if created.dt.tz is not None:  # local time in the export's zone names its periods
        created = created.dt.tz_localize(None)
    stamps = created.dt.to_period(PANDAS_PERIOD[period])
    full = pd.period_range(stamps.min(), stamps.max(), freq=PANDAS_PERIOD[period])
    frame = pd.DataFrame({"period": full.start_time})
    if spec.kind == "duration":
        frame = frame.join(_duration_periods(tickets, key, stamps, full))
    else:
        values = spec.values(tickets, **params)
        grouped = values.groupby(stamps)
        frame["n"] = grouped.count().reindex(full, fill_value=0).to_numpy()
        if "is_open" in tickets:
            open_ = tickets["is_open"].astype(bool) & values.notna()
            frame["n_open"] = open_.groupby(stamps).sum().reindex(full, fill_value=0).to_numpy()
        else:
            frame["n_open"] = 0
        if spec.kind == "proportion":
            frame["numerator"] = grouped.sum().reindex(full, fill_value=0).to_numpy()
            frame["denominator"] = frame["n"]
            frame["value"] = frame["numerator"] / frame["denominator"].where(frame["n"] > 0)
        else:
            frame["value"] = grouped.mean().reindex(full).to_numpy()
    frame["n"] = frame["n"].astype(int)
    frame["n_open"] = frame["n_open"].astype(int)
    frame["sparse"] = sparse_periods(frame["n"])
    return frame


def _duration_periods(tickets: pd.DataFrame, key: str, stamps: pd.Series,
                      full: pd.PeriodIndex) -> pd.DataFrame:
    """n, n_open, Kaplan-Meier median and whether it is reached, per period of ``full``."""
    minutes, observed = duration_minutes(tickets, key)
    valid = np.isfinite(minutes) & (minutes >= 0)
    codes = full.get_indexer(pd.PeriodIndex(stamps[valid]))
    minutes, observed = minutes[valid], observed[valid]
    order = np.argsort(codes, kind="stable")
    codes, minutes, observed = codes[order], minutes[order], observed[order]
    n = np.bincount(codes, minlength=len(full))
    n_open = np.bincount(codes, weights=~observed, minlength=len(full))
    value = np.full(len(full), np.nan)
    bounds = np.r_[0, np.cumsum(n)]
    has_event = np.bincount(codes, weights=observed, minlength=len(full)) > 0
    for i in np.flatnonzero(has_event):  # all open: the median is not reached (NaN)
        rows = slice(bounds[i], bounds[i + 1])
        value[i] = km_median(minutes[rows], observed[rows])
    return pd.DataFrame({"n": n, "n_open": n_open, "value": value,
                         "median_reached": np.isfinite(value)})


def period_records(periods: Any, values: Any, n: Any, n_open: Any) -> list[dict[str, Any]]:
    """The per-period series as results.json holds it: one dict per period with
    ``period_start`` (YYYY-MM-DD), ``value`` (None without one), ``n`` and ``n_open``.

    >>> period_records(pd.to_datetime(["2026-01-01", "2026-02-01"]), [12.5, float("nan")],
    ...                [4, 0], [1, 0])[1]
    {'period_start': '2026-02-01', 'value': None, 'n': 0, 'n_open': 0}
    """
    return [{"period_start": f"{pd.Timestamp(start):%Y-%m-%d}",
             "value": float(value) if np.isfinite(value) else None,
             "n": int(count), "n_open": int(still_open)}
            for start, value, count, still_open in zip(
                periods, np.asarray(values, dtype=float), n, n_open, strict=True)]


def open_share_note(n: Any, n_open: Any, period_word: str, last: int = 3) -> str:
    """One sentence on the cases still open in the last ``last`` periods (and overall),
    for duration charts: recent periods' medians rest on the cases that closed quickly.

    >>> open_share_note([100, 100, 80, 60, 40], [0, 1, 10, 20, 30], "month")
    '33% of the cases of the last 3 months are still open (16% of all), counted as censored.'
    """
    counts, still_open = np.asarray(n, dtype=float), np.asarray(n_open, dtype=float)
    if not counts.sum() or not still_open.sum():
        return ""
    recent = counts[-last:].sum()
    share = still_open[-last:].sum() / recent if recent else 0.0
    overall = still_open.sum() / counts.sum()
    return (f"{share:.0%} of the cases of the last {last} {period_word}s are still open "
            f"({overall:.0%} of all), counted as censored.")


def pareto(tickets: pd.DataFrame, column: str = "category", *,
           where: str | None = None) -> pd.DataFrame:
    """Counts by ``column``, largest first, with share and cumulative share.

    ``where`` names a yes/no column to restrict to (e.g. ``"complaint"``).
    """
    if column not in tickets:
        raise ValueError(f"Pareto needs the column '{column}'")
    rows = tickets
    if where is not None:
        rows = tickets[tickets[where].fillna(False).astype(bool)]
    counts = rows[column].fillna("(missing)").value_counts()
    total = counts.sum()
    frame = pd.DataFrame({"count": counts.astype(int)})
    frame["share"] = frame["count"] / total if total else 0.0
    frame["cumulative_share"] = frame["share"].cumsum()
    frame.index.name = column
    return frame


def segment_estimates(tickets: pd.DataFrame, by: str, keys: Sequence[str],
                      **params: Any) -> dict[str, dict[str, Estimate]]:
    """Estimates of each KPI within each value of ``by`` (segments too small are left out)."""
    out: dict[str, dict[str, Estimate]] = {}
    tickets = kpi_frame(tickets)
    for segment, rows in tickets.groupby(by, sort=True, observed=True):
        rows = rows.copy()
        rows.attrs = dict(tickets.attrs)
        found: dict[str, Estimate] = {}
        for key in keys:
            try:
                found[key] = KPIS[key].estimate(rows, **params)
            except ValueError:
                continue
        out[str(segment)] = found
    return out


def segment_table(segments: dict[str, dict[str, Estimate]]) -> pd.DataFrame:
    """Readable table: one row per segment, 'value (low to high)' per KPI."""
    rows = {}
    for segment, estimates in segments.items():
        row: dict[str, str] = {}
        for key, est in estimates.items():
            text = format_value(est.value, est.unit)
            if est.ci is not None:
                text += (f" ({format_value(est.ci[0], est.unit)} to "
                         f"{format_value(est.ci[1], est.unit)})")
            row[KPIS[key].name] = text
        row["Tickets"] = f"{max((e.n for e in estimates.values()), default=0):,}"
        rows[segment] = row
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True, kw_only=True)
class PeriodCounts:
    """What every per-period KPI series carries besides its values: each period's cases
    (``n``, open included), those still open (``n_open``), the periods with few cases
    (``sparse``), whether each period's median is reached (durations), the unit durations
    read in (``scale``) and the period's word. The baseline's headline series and the
    compare stage's time view both build on it, so their counts, results.json records and
    notes are one code.

    A subclass has ``periods``, ``values`` and ``is_duration``.

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Weekly(PeriodCounts):
    ...     periods: object
    ...     values: object
    ...     is_duration: bool = True
    >>> series = Weekly(pd.to_datetime(["2026-01-05", "2026-01-12"]), [30.0, float("nan")],
    ...                 n=np.array([12, 0]), n_open=np.array([1, 0]), period_word="week")
    >>> series.records()[1]
    {'period_start': '2026-01-12', 'value': None, 'n': 0, 'n_open': 0}
    >>> series.gaps_note()
    ' Not judged: 1 week without cases (gap). 8% of the cases of the last 3 weeks are still \
open (8% of all), counted as censored.'
    """

    n: np.ndarray | None = None
    n_open: np.ndarray | None = None
    sparse: np.ndarray | None = None
    median_reached: np.ndarray | None = None
    scale: str | None = None
    period_word: str = "period"

    @property
    def counts(self) -> np.ndarray:
        """Cases per period (zeros when the series has no counts)."""
        return np.zeros(len(self.periods), dtype=int) if self.n is None else self.n

    @property
    def open_counts(self) -> np.ndarray:
        return np.zeros(len(self.counts), dtype=int) if self.n_open is None else self.n_open

    @property
    def sparse_periods(self) -> np.ndarray:
        return np.zeros(len(self.counts), bool) if self.sparse is None else self.sparse

    def records(self) -> list[dict[str, Any]]:
        """The series for results.json: period_start, value (None: no cases or median not
        reached), n and n_open per period (durations in minutes)."""
        return period_records(self.periods, self.values, self.counts, self.open_counts)

    @property
    def open_note(self) -> str:
        """The share still open in the last periods (durations; "" otherwise)."""
        if not self.is_duration:
            return ""
        return open_share_note(self.counts, self.open_counts, self.period_word)

    def gaps_note(self) -> str:
        """Words for the periods a chart cannot judge, and the share still open."""
        text = unjudged_note(self.counts, self.sparse_periods, self.median_reached,
                             self.period_word)
        return text + (f" {self.open_note}" if self.open_note else "")

