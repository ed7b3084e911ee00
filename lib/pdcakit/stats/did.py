"""Did training change the trained agents' service? Difference in differences.

The trained agents' KPI (FCR, CSAT, handle time) before and after their training,
against the untrained agents' over the same weeks. The model is the two-way fixed
effects regression

    y_at = agent_a + week_t + delta * trained_after_at + e_at

on agent-week cells: ``y_at`` is the cell's mean (a share for FCR), weighted by its
tickets (WLS). With every term constant within a cell this gives exactly the
ticket-level OLS estimate, and its cluster-robust covariance by agent has the same
sandwich (only the small-sample factor's ticket count differs): aggregate first, no
rows kept. ``delta`` is the change in the trained agents' KPI beyond the change the
untrained agents saw. Standard errors are cluster-robust by agent (statsmodels
``cov_type="cluster"``, t with agents - 1 degrees of freedom), so weeks of one agent
are not counted as independent evidence.

It rests on **parallel trends**: without training, both groups would have moved
alike. Two checks are shown:

- the **pre-period trend difference**: on the weeks before each trained agent's
  training (untrained agents over the same weeks), the difference in linear weekly
  trend between the groups, with its interval and p-value (a small p says the trends
  already differed);
- the **event study**: one coefficient per week relative to the training week (the
  week before it, -1, is the reference; weeks beyond ``window`` are pooled at the
  ends), which should hover around zero before training.

When agents were trained on different dates the two-way estimate averages
comparisons that can mislead if the effect grows over time (Goodman-Bacon 2021); the
result says how many dates there were and the event study shows the effect by week.

>>> import pandas as pd
>>> cells = pd.DataFrame({"unit": list("aabbccdd"), "period": [0, 1] * 4,
...                       "n": [10] * 8, "value": [5, 8, 5, 8, 5, 6, 5, 6]})
>>> found = difference_in_differences(cells, {"a": 1, "b": 1})
>>> round(found.estimate, 6), found.n_trained, found.n_untrained
(2.0, 2, 2)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["DiD", "EventTime", "PreTrend", "difference_in_differences"]

#: The model, named for a reviewer.
MODEL = ("two-way fixed effects (agent and week), WLS on agent-week means weighted by "
         "tickets, cluster-robust standard errors by agent")


@dataclass(frozen=True)
class EventTime:
    """The trained agents' difference ``k`` weeks from their first week after training
    (the last week before it that they have, usually ``k = -1``, is the reference: 0 by
    definition), with its interval."""

    k: int
    estimate: float
    ci: tuple[float, float]
    pooled: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"k": self.k, "estimate": self.estimate, "ci": list(self.ci),
                "pooled": self.pooled}


@dataclass(frozen=True)
class PreTrend:
    """The difference in weekly linear trend, trained minus untrained, before training."""

    slope_difference: float
    ci: tuple[float, float]
    pvalue: float
    n_periods: int

    def as_dict(self) -> dict[str, Any]:
        return {"slope_difference": self.slope_difference, "ci": list(self.ci),
                "pvalue": self.pvalue, "n_periods": self.n_periods}


@dataclass(frozen=True)
class DiD:
    """A difference-in-differences estimate with its checks.

    ``estimate``: the change in the trained agents' KPI beyond the untrained agents'
    (the KPI's own unit: a fraction for a share); ``ci`` at ``confidence``; ``pvalue``
    two-sided; ``raw``: the four means (trained/untrained, before/after, tickets
    weighted; "before" for untrained agents: weeks before the first training date);
    ``pretrend`` None when fewer than 3 weeks precede training; ``dates``: the
    distinct training periods.
    """

    estimate: float
    ci: tuple[float, float]
    se: float
    pvalue: float
    confidence: float
    n_trained: int
    n_untrained: int
    n_cells: int
    n_tickets: int
    n_dates: int
    pretrend: PreTrend | None
    events: tuple[EventTime, ...]
    raw: dict[str, float] = field(default_factory=dict)
    model: str = MODEL

    @property
    def parallel_trends_doubtful(self) -> bool:
        """True when the pre-period trends differ at the 5% level."""
        return self.pretrend is not None and self.pretrend.pvalue < 0.05

    def as_dict(self) -> dict[str, Any]:
        return {"estimate": self.estimate, "ci": list(self.ci), "se": self.se,
                "pvalue": self.pvalue, "confidence": self.confidence,
                "n_trained": self.n_trained, "n_untrained": self.n_untrained,
                "n_cells": self.n_cells, "n_tickets": self.n_tickets,
                "n_dates": self.n_dates, "model": self.model, "raw": dict(self.raw),
                "pretrend": None if self.pretrend is None else self.pretrend.as_dict(),
                "parallel_trends_doubtful": self.parallel_trends_doubtful,
                "events": [e.as_dict() for e in self.events]}


def _fit(frame: pd.DataFrame, terms: list[str]) -> Any:
    """WLS of ``value`` on agent and week effects plus ``terms``, clustered by agent."""
    from statsmodels.regression.linear_model import WLS

    design = pd.concat([
        pd.Series(1.0, index=frame.index, name="const"),
        frame[terms].astype(float),
        pd.get_dummies(frame["unit"], prefix="u", drop_first=True, dtype=float),
        pd.get_dummies(frame["period"], prefix="t", drop_first=True, dtype=float),
    ], axis=1)
    groups = pd.factorize(frame["unit"])[0]
    return WLS(frame["value"].astype(float), design, weights=frame["n"].astype(float)
               ).fit(method="qr", cov_type="cluster", cov_kwds={"groups": groups},
                     use_t=True)


def _check(cells: pd.DataFrame, trained: Mapping[Any, Any]) -> pd.DataFrame:
    missing = [c for c in ("unit", "period", "n", "value") if c not in cells]
    if missing:
        raise ValueError(f"difference in differences: the cells need the columns unit, "
                         f"period, n, value; missing {', '.join(missing)}")
    frame = cells.loc[cells["n"] > 0, ["unit", "period", "n", "value"]].copy()
    frame = frame[np.isfinite(frame["value"].astype(float))]
    frame["unit"] = frame["unit"].astype(str)
    when = {str(k): v for k, v in trained.items() if v is not None and not pd.isna(v)}
    frame["trained_from"] = frame["unit"].map(when)
    frame["trained"] = frame["trained_from"].notna()
    groups = frame.groupby("trained")["unit"].nunique()
    n_trained, n_untrained = int(groups.get(True, 0)), int(groups.get(False, 0))
    if n_trained < 2 or n_untrained < 2:
        raise ValueError(f"difference in differences needs at least 2 trained and 2 "
                         f"untrained agents with tickets; found {n_trained} trained and "
                         f"{n_untrained} untrained")
    frame["after"] = frame["trained"] & (frame["period"] >= frame["trained_from"])
    treated = frame[frame["trained"]]
    if not treated["after"].any() or treated["after"].all():
        raise ValueError("difference in differences needs weeks both before and after "
                         "training for the trained agents")
    return frame


def _mean(frame: pd.DataFrame) -> float:
    return float((frame["value"] * frame["n"]).sum() / frame["n"].sum()) if len(
        frame) else math.nan


def _period_index(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each cell's period as 0, 1, 2 ... and its agent's training period on the same
    count (the first period on or after the training; NaN untrained)."""
    periods = np.sort(frame["period"].unique())
    at = pd.Series(np.searchsorted(periods, frame["period"]), index=frame.index, dtype=float)
    trained = frame["trained_from"]
    start = pd.Series(np.nan, index=frame.index)
    known = trained.notna()
    start[known] = np.searchsorted(periods, trained[known].to_numpy())
    return at, start


def _pretrend(frame: pd.DataFrame, alpha: float) -> PreTrend | None:
    last = frame.loc[frame["trained"], "trained_from"].max()
    pre = frame[~frame["after"] & (frame["period"] < last)].copy()
    at, _ = _period_index(pre)
    n_periods = int(at.nunique())
    if n_periods < 3 or pre["trained"].nunique() < 2:
        return None
    pre["trend_x_trained"] = at * pre["trained"]
    fit = _fit(pre, ["trend_x_trained"])
    low, high = fit.conf_int(alpha).loc["trend_x_trained"]
    return PreTrend(slope_difference=float(fit.params["trend_x_trained"]),
                    ci=(float(low), float(high)),
                    pvalue=float(fit.pvalues["trend_x_trained"]), n_periods=n_periods)


def _events(frame: pd.DataFrame, window: int, alpha: float) -> tuple[EventTime, ...]:
    at, start = _period_index(frame)
    rel = (at - start).clip(-window, window)
    # the reference: the last week before training that the trained agents have (-1,
    # unless that week was left out, e.g. the training week itself)
    before = [int(k) for k in rel.dropna().unique() if k < 0]
    reference = max(before) if before else -1
    present = sorted(int(k) for k in rel.dropna().unique() if k != reference)
    frame = frame.copy()
    names = [f"k{k:+d}" for k in present]
    for k, name in zip(present, names, strict=True):
        frame[name] = (rel == k).astype(float)
    fit = _fit(frame, names)
    ci = fit.conf_int(alpha)
    found = [EventTime(k=reference, estimate=0.0, ci=(0.0, 0.0))]
    for k, name in zip(present, names, strict=True):
        found.append(EventTime(k=k, estimate=float(fit.params[name]),
                               ci=(float(ci.loc[name, 0]), float(ci.loc[name, 1])),
                               pooled=abs(k) == window))
    return tuple(sorted(found, key=lambda e: e.k))


def difference_in_differences(cells: pd.DataFrame, trained_on: Mapping[Any, Any], *,
                              confidence: float = 0.95, window: int = 6) -> DiD:
    """The two-way fixed-effects difference in differences (module docstring).

    ``cells``: one row per agent and period with ``unit``, ``period`` (sortable: a week
    start), ``n`` (tickets) and ``value`` (the KPI's mean over them; a share for a yes/no
    KPI). ``trained_on``: agent -> the first period counted as after training (agents
    missing or None: untrained). ``window``: event-study weeks each side of training
    before pooling. ValueError naming what is missing when fewer than 2 agents are on
    either side or the trained agents have no weeks before or after training.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    frame = _check(cells, trained_on)
    alpha = 1 - confidence
    frame["trained_after"] = frame["after"].astype(float)
    fit = _fit(frame, ["trained_after"])
    low, high = fit.conf_int(alpha).loc["trained_after"]
    treated, control = frame[frame["trained"]], frame[~frame["trained"]]
    first = treated["trained_from"].min()
    raw = {"trained_before": _mean(treated[~treated["after"]]),
           "trained_after": _mean(treated[treated["after"]]),
           "untrained_before": _mean(control[control["period"] < first]),
           "untrained_after": _mean(control[control["period"] >= first])}
    return DiD(estimate=float(fit.params["trained_after"]), ci=(float(low), float(high)),
               se=float(fit.bse["trained_after"]),
               pvalue=float(fit.pvalues["trained_after"]), confidence=confidence,
               n_trained=int(treated["unit"].nunique()),
               n_untrained=int(control["unit"].nunique()), n_cells=len(frame),
               n_tickets=int(frame["n"].sum()), n_dates=int(treated["trained_from"].nunique()),
               pretrend=_pretrend(frame, alpha), events=_events(frame, window, alpha),
               raw=raw)
