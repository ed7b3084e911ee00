"""KPI series for charts and tables: per period, Pareto counts, segments.

>>> import pandas as pd
>>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-20"]),
...                   "first_contact_resolved": pd.array([True, False, True], dtype="boolean")})
>>> per_period(t, "fcr", period="W")[["period", "n", "value"]].to_dict("list")["n"]
[2, 0, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..results import Estimate, format_value
from .registry import KPIS

__all__ = ["pareto", "per_period", "segment_estimates", "segment_table"]

_PERIODS = {"D": "D", "W": "W-SUN", "M": "M"}  # weeks run Monday to Sunday


def per_period(tickets: pd.DataFrame, key: str, *, period: str = "W",
               date_column: str = "created_at", **params: Any) -> pd.DataFrame:
    """The KPI per period: ``period`` (start), ``n``, ``value`` (+ ``numerator``,
    ``denominator`` for rates). Periods without tickets are kept with n = 0.

    Rates: share per period. Means: mean per period. Durations: median of the tickets that
    reached the event (a per-period summary for charts; open tickets are not in it, which
    the overall Kaplan-Meier figure does take into account).
    """
    if period not in _PERIODS:
        raise ValueError(f"period must be D, W or M, got {period!r}")
    spec = KPIS[key]
    values = spec.values(tickets, **params)
    stamps = tickets[date_column].dt.to_period(_PERIODS[period])
    full = pd.period_range(stamps.min(), stamps.max(), freq=_PERIODS[period])
    grouped = values.groupby(stamps)
    n = grouped.count().reindex(full, fill_value=0)
    frame = pd.DataFrame({"period": full.start_time, "n": n.to_numpy()})
    if spec.kind == "proportion":
        frame["numerator"] = grouped.sum().reindex(full, fill_value=0).to_numpy()
        frame["denominator"] = frame["n"]
        frame["value"] = frame["numerator"] / frame["denominator"].where(frame["n"] > 0)
    elif spec.kind == "duration":
        frame["value"] = grouped.median().reindex(full).to_numpy()
    else:
        frame["value"] = grouped.mean().reindex(full).to_numpy()
    return frame


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
