"""Complaint cases handled to a close (chapter 4: receive -> resolve -> follow up, an owner
and a deadline at each step): time to close, the share closed by the deadline, overdue
cases by owner and the repeat-complaint rate, and their changes between two windows.

- Time to close: Kaplan-Meier (``scipy.stats.ecdf``), a case still open censored at the
  register's snapshot, never dropped; median and 90th percentile as R's ``survfit``
  (:func:`pdcakit.stats.survival.km_median_weighted`), the median's interval from the
  log-log band (Brookmeyer & Crowley), in days.
- Closed by the deadline: among the cases whose answer is known (closed, or open past
  their deadline), the share closed on or before it, with a Wilson interval; an open case
  not yet due cannot be judged and is left out. A deadline given as a date (no time) is
  met by a close any time that day.
- Overdue by owner: open cases past their deadline at the snapshot.
- Repeat rate: the share of cases that repeat an earlier complaint (``repeat_of``).

>>> day = pd.to_datetime
>>> c = pd.DataFrame({"received_at": day(["2026-03-02", "2026-03-02", "2026-03-03"]),
...                   "deadline": day(["2026-03-04", "2026-03-04", "2026-03-05"]),
...                   "closed_at": day(["2026-03-04 17:00", "2026-03-06 09:00", None]),
...                   "owner": ["Li", "Li", "Wang"], "repeat_of": [None, "C1", None]})
>>> c.attrs["snapshot"] = pd.Timestamp("2026-03-09")
>>> time_to_close(c).median_days, closed_by_deadline(c).value
(4.375, 0.3333333333333333)
>>> overdue_by_owner(c).to_dict("records")
[{'owner': 'Wang', 'open': 1, 'overdue': 1, 'oldest_overdue_days': 3.0}]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pdcakit.metrics.durations import KaplanMeier, kaplan_meier
from pdcakit.metrics.proportions import proportion_estimate
from pdcakit.results import Estimate

__all__ = ["CloseTime", "ComplaintChanges", "close_days", "closed_by_deadline",
           "complaint_changes", "deadline_ends", "overdue_by_owner", "repeat_rate",
           "time_to_close"]

_DAY = pd.Timedelta(days=1)


def _need(complaints: pd.DataFrame, what: str, *columns: str) -> None:
    missing = [c for c in columns if c not in complaints]
    if missing:
        raise ValueError(f"{what} needs the column{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(missing)}; map {'them' if len(missing) > 1 else 'it'} "
                         "under columns: in the mapping")


def _snapshot(complaints: pd.DataFrame) -> pd.Timestamp:
    snap = complaints.attrs.get("snapshot")
    if snap is None:
        raise ValueError("the complaints carry no snapshot (attrs['snapshot']): load them with "
                         "pdcakit.registers.loading.load_complaints")
    return pd.Timestamp(snap)


def close_days(complaints: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Days from receipt to close, and whether the case closed (else censored at the
    snapshot)."""
    _need(complaints, "Time to close", "received_at", "closed_at")
    end = complaints["closed_at"]
    observed = end.notna().to_numpy()
    stop = end.where(end.notna(), _snapshot(complaints))
    days = ((stop - complaints["received_at"]) / _DAY).to_numpy(float)
    return days, observed


@dataclass(frozen=True, eq=False)
class CloseTime:
    """Kaplan-Meier time to close in days: median (its interval), 90th percentile, the
    cases and how many are still open (censored)."""

    median_days: float | None
    median_ci: tuple[float | None, float | None]
    p90_days: float | None
    n: int
    n_open: int
    curve: KaplanMeier
    confidence: float = 0.95

    def as_dict(self) -> dict[str, Any]:
        return {"estimand": "median time to close (Kaplan-Meier, open cases censored)",
                "unit": "days", "median": self.median_days, "median_ci": list(self.median_ci),
                "p90": self.p90_days, "n": self.n, "n_open": self.n_open,
                "confidence": self.confidence}


def time_to_close(complaints: pd.DataFrame, *, confidence: float = 0.95) -> CloseTime:
    """Receipt to close, open cases censored at the snapshot (Kaplan-Meier)."""
    from pdcakit.stats.survival import km_median_weighted

    days, observed = close_days(complaints)
    valid = np.isfinite(days)
    days, observed = days[valid], observed[valid]
    if not observed.any():
        raise ValueError(f"not enough data: none of the {days.size:,} cases is closed, so no "
                         "time to close can be estimated")
    curve = kaplan_meier(days, observed, confidence=confidence)

    def level(q: float) -> float | None:
        v = float(km_median_weighted(days, observed, np.ones((1, days.size)), q)[0])
        return v if math.isfinite(v) else None

    return CloseTime(median_days=level(0.5),
                     median_ci=(curve.first_time_at_or_below(curve.low, 0.5),
                                curve.first_time_at_or_below(curve.high, 0.5)),
                     p90_days=level(0.1), n=int(days.size), n_open=int((~observed).sum()),
                     curve=curve, confidence=confidence)


def deadline_ends(deadline: pd.Series) -> pd.Series:
    """The first moment past each deadline: a deadline given as a date (every value at
    midnight) lasts the whole day, so it is past at the next midnight; a deadline with a
    time is past just after it.

    >>> deadline_ends(pd.Series(pd.to_datetime(["2026-03-04"]))).iloc[0]
    Timestamp('2026-03-05 00:00:00')
    """
    present = deadline.dropna()
    date_only = bool(len(present)) and bool((present == present.dt.normalize()).all())
    return deadline + (_DAY if date_only else pd.Timedelta(microseconds=1))


def _late(complaints: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per case: closed in time, closed late, open past its deadline (at the snapshot)."""
    ends = deadline_ends(complaints["deadline"])
    closed = complaints["closed_at"]
    has = ends.notna()
    on_time = has & closed.notna() & (closed < ends)
    late = has & closed.notna() & (closed >= ends)
    overdue = has & closed.isna() & (ends <= _snapshot(complaints))
    return on_time, late, overdue


def closed_by_deadline(complaints: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """The share of cases closed by their deadline, among those whose answer is known
    (closed, or open past the deadline), with its Wilson interval; ``extra`` counts the
    cases left out (open and not yet due, or without a deadline)."""
    _need(complaints, "Closed by the deadline", "deadline", "closed_at")
    on_time, late, overdue = _late(complaints)
    known = int(on_time.sum() + late.sum() + overdue.sum())
    no_deadline = int(complaints["deadline"].isna().sum())
    not_due = int(len(complaints) - known - no_deadline)
    left = []
    if not_due:
        left.append(f"{not_due:,} open cases not yet due")
    if no_deadline:
        left.append(f"{no_deadline:,} cases without a deadline")
    return proportion_estimate(
        int(on_time.sum()), known, "Complaints closed by the deadline", confidence=confidence,
        note=("left out: " + ", ".join(left)) if left else "",
        extra={"closed_on_time": int(on_time.sum()), "closed_late": int(late.sum()),
               "open_overdue": int(overdue.sum()), "open_not_yet_due": not_due,
               "no_deadline": no_deadline})


def overdue_by_owner(complaints: pd.DataFrame) -> pd.DataFrame:
    """Per owner with open cases: open cases, those past their deadline at the snapshot
    and how many days the oldest is overdue; most overdue first (an empty owner reads
    ``(no owner)``)."""
    _need(complaints, "Overdue cases by owner", "owner", "deadline", "closed_at")
    snap = _snapshot(complaints)
    _, _, overdue = _late(complaints)
    open_ = complaints["closed_at"].isna()
    owner = complaints["owner"].astype(object).where(complaints["owner"].notna(), "(no owner)")
    days_over = ((snap - deadline_ends(complaints["deadline"])) / _DAY).where(overdue)
    frame = pd.DataFrame({"owner": owner, "open": open_.astype(int),
                          "overdue": overdue.astype(int), "days": days_over})[open_]
    if frame.empty:
        return pd.DataFrame(columns=["owner", "open", "overdue", "oldest_overdue_days"])
    table = frame.groupby("owner", sort=False).agg(open=("open", "sum"),
                                                   overdue=("overdue", "sum"),
                                                   oldest_overdue_days=("days", "max"))
    table = table.reset_index().sort_values(["overdue", "oldest_overdue_days", "owner"],
                                            ascending=[False, False, True], kind="stable")
    return table.reset_index(drop=True).astype({"open": int, "overdue": int})


def repeat_rate(complaints: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """The share of cases repeating an earlier complaint (``repeat_of`` filled)."""
    _need(complaints, "Repeat-complaint rate", "repeat_of")
    repeats = int(complaints["repeat_of"].notna().sum())
    return proportion_estimate(repeats, len(complaints), "Repeat complaints",
                               confidence=confidence)


@dataclass(frozen=True)
class ComplaintChanges:
    """Before/after of the complaint KPIs: each entry ``{estimand, before, after,
    difference, ci, test, pvalue, p_adjusted, significant}``, adjusted over the entries
    (``multiplicity``); ``skipped``: KPI -> why it was not compared."""

    entries: dict[str, dict[str, Any]]
    skipped: dict[str, str]
    alpha: float
    multiplicity: str

    def as_dict(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "multiplicity": self.multiplicity,
                "family_size": len(self.entries), "kpis": self.entries,
                "skipped": self.skipped}


def _share_change(b: Estimate, a: Estimate, confidence: float) -> dict[str, Any]:
    from pdcakit import stats

    x1, x2 = round(b.value * b.n), round(a.value * a.n)
    r = stats.two_proportions(int(x1), b.n, int(x2), a.n, confidence=confidence)
    return {"estimand": "share of cases", "unit": "fraction", "before": b.as_dict(),
            "after": a.as_dict(), "difference": float(r.estimate), "ci": list(r.ci),
            "test": r.test, "pvalue": float(r.pvalue)}


def complaint_changes(before: pd.DataFrame, after: pd.DataFrame, *, alpha: float = 0.05,
                      multiplicity: str = "holm", confidence: float = 0.95) -> ComplaintChanges:
    """Time to close (log-rank test, open cases censored; the difference of Kaplan-Meier
    medians with its bootstrap interval), the share closed by the deadline and the repeat
    rate (two proportions), each where its columns exist and both windows have cases; the
    p-values adjusted over the KPIs compared."""
    from pdcakit import stats

    entries: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    kpis = {"closed_by_deadline": closed_by_deadline, "repeat_rate": repeat_rate}
    try:
        db, ob = close_days(before)
        da, oa = close_days(after)
        if not (ob.any() and oa.any()):
            raise ValueError("needs closed cases in both windows")
        r = stats.logrank(db * 1440, ob, da * 1440, oa, confidence=confidence)
        tb, ta = time_to_close(before, confidence=confidence), time_to_close(after,
                                                                             confidence=confidence)
        entries["time_to_close"] = {
            "estimand": "median time to close (Kaplan-Meier, open cases censored)",
            "unit": "days", "before": tb.as_dict(), "after": ta.as_dict(),
            "difference": None if not math.isfinite(r.estimate) else r.estimate / 1440,
            "ci": [None if not math.isfinite(v) else v / 1440 for v in r.ci],
            "test": r.test, "pvalue": float(r.pvalue)}
    except ValueError as exc:
        skipped["time_to_close"] = str(exc)
    for key, kpi in kpis.items():
        try:
            entries[key] = _share_change(kpi(before, confidence=confidence),
                                         kpi(after, confidence=confidence), confidence)
        except ValueError as exc:
            skipped[key] = str(exc)
    keys = list(entries)
    adjusted = stats.adjust_pvalues([entries[k]["pvalue"] for k in keys], multiplicity) \
        if keys else []
    for key, p in zip(keys, adjusted, strict=True):
        entries[key]["p_adjusted"] = float(p)
        entries[key]["significant"] = bool(p < alpha)
    return ComplaintChanges(entries=entries, skipped=skipped, alpha=alpha,
                            multiplicity=multiplicity)
