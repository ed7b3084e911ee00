"""Rate KPIs: shares of tickets, each with a Wilson score interval.

The Wilson interval (statsmodels ``proportion_confint(method="wilson")``)
keeps within [0, 1] and stays valid at 0% and 100%, unlike the Wald interval.

>>> import pandas as pd
>>> t = pd.DataFrame({"first_contact_resolved": [True, True, False, None]})
>>> e = fcr(t)
>>> round(e.value, 3), e.n
(0.667, 3)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from ..results import MINUTES, Estimate, duration_unit
from ._checks import need_n, require, snapshot

__all__ = ["automation_share", "complaint_rate", "csat", "fcr", "proportion_estimate",
           "reopen_rate", "resolution_rate", "sla_attainment", "sla_met"]


def proportion_estimate(successes: int, n: int, name: str, *, confidence: float = 0.95,
                        note: str = "", extra: dict | None = None) -> Estimate:
    """A share with its Wilson score interval.

    >>> [round(v, 4) for v in proportion_estimate(81, 263, "Example").ci]  # Newcombe 1998 Table I
    [0.2553, 0.3662]
    """
    need_n(n, name)
    low, high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    value = successes / n
    # Rounding can put an end a hair past the estimate at 0% and 100%: keep it inside.
    low, high = max(0.0, min(float(low), value)), min(1.0, max(float(high), value))
    return Estimate(name=name, value=value, n=int(n), ci=(low, high),
                    unit="fraction", method="Wilson score interval", confidence=confidence,
                    note=note, extra=dict(extra or {}))


def _flag_share(tickets: pd.DataFrame, column: str, name: str, confidence: float) -> Estimate:
    require(tickets, name, column)
    flags = tickets[column].astype("boolean")
    missing = int(flags.isna().sum())
    known = flags.dropna()
    note = f"{missing:,} tickets without a value left out" if missing else ""
    return proportion_estimate(int(known.sum()), len(known), name, confidence=confidence,
                               note=note)


def fcr(tickets: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """First contact resolution rate: share resolved at the first contact (3.1.2, 3.4)."""
    return _flag_share(tickets, "first_contact_resolved", "First contact resolution", confidence)


def complaint_rate(tickets: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """Complaint rate: share of tickets that led to a complaint (2.1); per 1,000 in ``extra``."""
    est = _flag_share(tickets, "complaint", "Complaint rate", confidence)
    return replace(est, extra={"per_1000": est.value * 1000})


def reopen_rate(tickets: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """Share of tickets reopened after being resolved."""
    return _flag_share(tickets, "reopened", "Reopen rate", confidence)


def resolution_rate(tickets: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """Resolution rate: share of tickets resolved by the export time (2.1)."""
    require(tickets, "Resolution rate", "created_at")
    resolved = (tickets["resolved_at"].notna() if "resolved_at" in tickets
                else pd.Series(False, index=tickets.index))
    return proportion_estimate(int(resolved.sum()), len(tickets), "Resolution rate",
                               confidence=confidence)


def csat(tickets: pd.DataFrame, *, satisfied_at: float = 4, confidence: float = 0.95) -> Estimate:
    """Customer satisfaction % = satisfied / total answers (4.3.1): share of csat >= 4 (of 1-5)."""
    require(tickets, "CSAT", "csat")
    scores = pd.to_numeric(tickets["csat"], errors="coerce").dropna()
    return proportion_estimate(int((scores >= satisfied_at).sum()), len(scores),
                               "Customer satisfaction (CSAT)", confidence=confidence,
                               note=f"share of answers scoring {satisfied_at:g} or more")


def automation_share(tickets: pd.DataFrame, *, automated_channels: Sequence[str] = ("web",),
                     confidence: float = 0.95) -> Estimate:
    """Share of tickets handled through an automated channel (3.4)."""
    require(tickets, "Automation share", "channel")
    channel = tickets["channel"].dropna()
    return proportion_estimate(int(channel.isin(list(automated_channels)).sum()), len(channel),
                               "Automation share", confidence=confidence,
                               note=f"automated channels: {', '.join(automated_channels)}")


_EVENTS = {"first_response": ("first_response_at", "First response within SLA"),
           "resolution": ("resolved_at", "Resolved within SLA")}


def sla_met(tickets: pd.DataFrame, *, threshold_minutes: float,
            event: str = "first_response") -> pd.Series:
    """Per ticket: 1.0 met, 0.0 missed, NaN not decidable yet (open and younger than the SLA).

    An open ticket already older than the threshold at the export time is a miss.
    """
    if event not in _EVENTS:
        raise ValueError(f"event must be one of {', '.join(_EVENTS)}, got {event!r}")
    column, name = _EVENTS[event]
    if not (isinstance(threshold_minutes, int | float) and math.isfinite(threshold_minutes)
            and threshold_minutes > 0):
        raise ValueError(f"{name}: the SLA threshold must be a positive time, not "
                         f"{threshold_minutes!r} minutes (sla_first_response_minutes / "
                         "sla_resolution_hours)")
    require(tickets, name, "created_at", column)
    limit = pd.Timedelta(minutes=float(threshold_minutes))
    elapsed = tickets[column] - tickets["created_at"]
    age = snapshot(tickets) - tickets["created_at"]
    met = np.where(elapsed.notna(), (elapsed <= limit).astype(float),
                   np.where(age > limit, 0.0, np.nan))
    return pd.Series(met, index=tickets.index, name=f"{event}_sla")


def sla_attainment(tickets: pd.DataFrame, *, threshold_minutes: float,
                   event: str = "first_response", confidence: float = 0.95) -> Estimate:
    """Share of tickets whose first response (or resolution) came within the threshold.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05 09:00"] * 3),
    ...     "first_response_at": pd.to_datetime(["2026-01-05 09:10", "2026-01-05 11:00", None])})
    >>> t.attrs["snapshot"] = pd.Timestamp("2026-01-06")
    >>> sla_attainment(t, threshold_minutes=30).value  # the open one is a miss by now
    0.3333333333333333
    """
    met = sla_met(tickets, threshold_minutes=threshold_minutes, event=event)
    pending = int(met.isna().sum())
    decided = met.dropna()
    in_minutes = duration_unit(threshold_minutes) is MINUTES  # the one rule (results.py)
    limit = (f"{threshold_minutes:g} minutes" if in_minutes
             else f"{threshold_minutes / 60:g} hours")
    note = f"threshold {limit}"
    if pending:
        note += f"; {pending:,} open tickets younger than the threshold not yet counted"
    return proportion_estimate(int(decided.sum()), len(decided),
                               f"{_EVENTS[event][1]} ({limit})", confidence=confidence,
                               note=note, extra={"pending": pending,
                                                 "threshold_minutes": threshold_minutes})
