"""The KPI catalogue: each ticket KPI's key, name, kind, unit and better direction.

Words and units only, no computation (and no numpy, pandas or scipy), so the
tracker and the reviewer pages can name a cycle's metric without loading the
statistics stack; :mod:`pdcakit.metrics.registry` adds how each KPI is computed.

>>> KPI_INFO["aht"].name, KPI_INFO["aht"].unit, KPI_INFO["aht"].higher_is_better
('Average handle time', 'minutes', False)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KPI_INFO", "KpiInfo"]


@dataclass(frozen=True)
class KpiInfo:
    """What a KPI is called and how it reads."""

    key: str
    name: str
    kind: str  # "proportion", "mean", "duration"
    unit: str  # "fraction", "minutes", "score", "points"
    higher_is_better: bool


KPI_INFO: dict[str, KpiInfo] = {info.key: info for info in (
    KpiInfo("fcr", "First contact resolution", "proportion", "fraction", True),
    KpiInfo("first_response_time", "First response time", "duration", "minutes", False),
    KpiInfo("time_to_resolve", "Time to resolve", "duration", "minutes", False),
    KpiInfo("aht", "Average handle time", "mean", "minutes", False),
    KpiInfo("csat", "Customer satisfaction (CSAT)", "proportion", "fraction", True),
    KpiInfo("csat_mean", "CSAT mean score", "mean", "score", True),
    KpiInfo("nps", "Net Promoter Score", "mean", "points", True),
    KpiInfo("complaint_rate", "Complaint rate", "proportion", "fraction", False),
    KpiInfo("reopen_rate", "Reopen rate", "proportion", "fraction", False),
    KpiInfo("resolution_rate", "Resolution rate", "proportion", "fraction", True),
    KpiInfo("sla_first_response", "First response within SLA", "proportion", "fraction", True),
    KpiInfo("sla_resolution", "Resolved within SLA", "proportion", "fraction", True),
)}
