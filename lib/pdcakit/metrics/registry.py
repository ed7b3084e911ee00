"""The ticket KPIs by key: what each needs, which way is better, and how to compute it.

>>> KPIS["fcr"].name, KPIS["fcr"].kind, KPIS["fcr"].higher_is_better
('First contact resolution', 'proportion', True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..kpis import KPI_INFO
from ..results import Estimate
from ..stats.nps import nps_points
from . import durations, proportions, scores
from ._checks import kpi_frame

__all__ = ["KPIS", "KpiSpec", "Scorecard", "scorecard"]

#: Default SLA thresholds when none are given: the method's service standards (4.2: first
#: response within 30 minutes; resolved within a day).
DEFAULT_PARAMS = {"sla_first_response_minutes": 30.0, "sla_resolution_hours": 24.0}


@dataclass(frozen=True)
class KpiSpec:
    """One ticket KPI.

    ``per_ticket`` gives each ticket's contribution (1/0 for rates, the value for means and
    durations, NaN where the ticket does not count) so that per-period series and segment
    tables use the same definition as the overall figure.
    """

    key: str
    name: str
    kind: str  # "proportion", "mean", "duration"
    unit: str
    higher_is_better: bool
    columns: tuple[str, ...]
    compute: Callable[..., Any]
    per_ticket: Callable[..., pd.Series]
    params: tuple[str, ...] = field(default=())

    def func(self, tickets: pd.DataFrame, **params: Any) -> Any:
        """The KPI's own result (an Estimate, or a DurationSummary for durations)."""
        return self.compute(tickets, **self._params(params))

    def estimate(self, tickets: pd.DataFrame, **params: Any) -> Estimate:
        """The KPI as an Estimate (durations: the Kaplan-Meier median in minutes)."""
        result = self.func(tickets, **params)
        return result.as_estimate("minutes") if hasattr(result, "as_estimate") else result

    def values(self, tickets: pd.DataFrame, **params: Any) -> pd.Series:
        """Each ticket's contribution (NaN where it does not count)."""
        return self.per_ticket(tickets, **self._params(params))

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        merged = {**DEFAULT_PARAMS, **{k: v for k, v in params.items() if v is not None}}
        return {name: merged[name] for name in self.params}


def _flag(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    def values(tickets: pd.DataFrame) -> pd.Series:
        return tickets[column].astype("Float64").astype(float)
    return values


def _numeric(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    def values(tickets: pd.DataFrame) -> pd.Series:
        return pd.to_numeric(tickets[column], errors="coerce").astype(float)
    return values


def _resolved(tickets: pd.DataFrame) -> pd.Series:
    return tickets["resolved_at"].notna().astype(float)


def _satisfied(tickets: pd.DataFrame) -> pd.Series:
    score = pd.to_numeric(tickets["csat"], errors="coerce")
    return (score >= 4).astype(float).where(score.notna())


def _nps_points(tickets: pd.DataFrame) -> pd.Series:
    score = pd.to_numeric(tickets["nps"], errors="coerce")
    return pd.Series(nps_points(score.to_numpy(float)), index=tickets.index)


def _duration(key: str) -> Callable[[pd.DataFrame], pd.Series]:
    def values(tickets: pd.DataFrame) -> pd.Series:
        minutes, observed = durations.duration_minutes(tickets, key)
        return pd.Series(np.where(observed, minutes, np.nan), index=tickets.index)
    return values


def _sla_first(tickets: pd.DataFrame, sla_first_response_minutes: float) -> pd.Series:
    return proportions.sla_met(tickets, threshold_minutes=sla_first_response_minutes,
                               event="first_response")


def _sla_resolution(tickets: pd.DataFrame, sla_resolution_hours: float) -> pd.Series:
    return proportions.sla_met(tickets, threshold_minutes=sla_resolution_hours * 60,
                               event="resolution")


def _spec(key: str, compute: Callable[..., Any], per_ticket: Callable[..., pd.Series],
          params: tuple[str, ...] = ()) -> KpiSpec:
    """The catalogue's words and columns for ``key`` (:mod:`pdcakit.kpis`) with how to
    compute it."""
    info = KPI_INFO[key]
    return KpiSpec(key, info.name, info.kind, info.unit, info.higher_is_better, info.columns,
                   compute, per_ticket, params)


KPIS: dict[str, KpiSpec] = {spec.key: spec for spec in (
    _spec("fcr", proportions.fcr, _flag("first_contact_resolved")),
    _spec("first_response_time", durations.first_response_time, _duration("first_response_time")),
    _spec("time_to_resolve", durations.time_to_resolve,
          _duration("time_to_resolve")),
    _spec("aht", scores.aht, _numeric("handle_minutes")),
    _spec("csat", proportions.csat, _satisfied),
    _spec("csat_mean", scores.csat_mean, _numeric("csat")),
    _spec("nps", scores.nps, _nps_points),
    _spec("complaint_rate", proportions.complaint_rate, _flag("complaint")),
    _spec("reopen_rate", proportions.reopen_rate, _flag("reopened")),
    _spec("resolution_rate", proportions.resolution_rate, _resolved),
    _spec("sla_first_response", lambda t, sla_first_response_minutes: proportions.sla_attainment(
              t, threshold_minutes=sla_first_response_minutes, event="first_response"),
          _sla_first, ("sla_first_response_minutes",)),
    _spec("sla_resolution", lambda t, sla_resolution_hours: proportions.sla_attainment(
              t, threshold_minutes=sla_resolution_hours * 60, event="resolution"),
          _sla_resolution, ("sla_resolution_hours",)),
)}
if set(KPIS) != set(KPI_INFO):  # pragma: no cover - caught by the first import in any test
    raise RuntimeError("pdcakit.kpis and the registry must list the same KPIs")


@dataclass(frozen=True)
class Scorecard:
    """KPI estimates by key, and the KPIs skipped with the reason."""

    estimates: dict[str, Estimate]
    skipped: dict[str, str]

    def frame(self) -> pd.DataFrame:
        """One row per KPI: value, CI, n, unit, method, note."""
        rows = [{"kpi": key, "name": e.name, "value": e.value,
                 "ci_low": e.ci[0] if e.ci else None, "ci_high": e.ci[1] if e.ci else None,
                 "n": e.n, "unit": e.unit, "method": e.method, "note": e.note}
                for key, e in self.estimates.items()]
        return pd.DataFrame(rows)


def scorecard(tickets: pd.DataFrame, keys: Sequence[str] | None = None,
              **params: Any) -> Scorecard:
    """Estimates of the KPIs ``keys`` (default: all); KPIs whose data are absent are skipped.

    ``params``: ``sla_first_response_minutes``, ``sla_resolution_hours``.
    """
    estimates: dict[str, Estimate] = {}
    skipped: dict[str, str] = {}
    tickets = kpi_frame(tickets)
    for key in keys or list(KPIS):
        spec = KPIS[key]
        try:
            estimates[key] = spec.estimate(tickets, **params)
        except ValueError as exc:
            skipped[key] = str(exc)
    return Scorecard(estimates=estimates, skipped=skipped)
