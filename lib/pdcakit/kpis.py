"""The KPI catalogue: each ticket KPI's key, name, kind, unit and better direction.

Words and units only, no computation (and no numpy, pandas or scipy), so the
tracker and the reviewer pages can name a cycle's metric without loading the
statistics stack; :mod:`pdcakit.metrics.registry` adds how each KPI is computed.

>>> KPI_INFO["aht"].name, KPI_INFO["aht"].unit, KPI_INFO["aht"].higher_is_better
('Average handle time', 'minutes', False)

Names are English message ids; :func:`kpi_name` gives one in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pdcakit.words import N_, words

__all__ = ["KPI_INFO", "SCORE_KPI_INFO", "KpiInfo", "is_score_kpi", "kpi_name",
           "missing_columns", "score_kpi_name", "supported_kpis"]


@dataclass(frozen=True)
class KpiInfo:
    """What a KPI is called and how it reads."""

    key: str
    name: str
    kind: str  # "proportion", "mean", "duration"
    unit: str  # "fraction", "minutes", "score", "points"
    higher_is_better: bool
    columns: tuple[str, ...] = ()  # canonical ticket columns the KPI needs


KPI_INFO: dict[str, KpiInfo] = {info.key: info for info in (
    KpiInfo("fcr", N_("First contact resolution"), "proportion", "fraction", True,
             ("first_contact_resolved",)),
    KpiInfo("first_response_time", N_("First response time"), "duration", "minutes", False,
             ("created_at", "first_response_at")),
    KpiInfo("time_to_resolve", N_("Time to resolve"), "duration", "minutes", False,
             ("created_at", "resolved_at")),
    KpiInfo("aht", N_("Average handle time"), "mean", "minutes", False, ("handle_minutes",)),
    KpiInfo("csat", N_("Customer satisfaction (CSAT)"), "proportion", "fraction", True, ("csat",)),
    KpiInfo("csat_mean", N_("CSAT mean score"), "mean", "score", True, ("csat",)),
    KpiInfo("nps", N_("Net Promoter Score"), "mean", "points", True, ("nps",)),
    KpiInfo("complaint_rate", N_("Complaint rate"), "proportion", "fraction", False,
             ("complaint",)),
    KpiInfo("reopen_rate", N_("Reopen rate"), "proportion", "fraction", False, ("reopened",)),
    KpiInfo("resolution_rate", N_("Resolution rate"), "proportion", "fraction", True,
             ("resolved_at",)),
    KpiInfo("sla_first_response", N_("First response within SLA"), "proportion", "fraction", True,
             ("created_at", "first_response_at")),
    KpiInfo("sla_resolution", N_("Resolved within SLA"), "proportion", "fraction", True,
             ("created_at", "resolved_at")),
)}


#: The score KPIs of the method, measured from surveys, audits, mystery-shopper visits and
#: the standards table (not from ticket columns): each can be a cycle's aim and is
#: compared by :mod:`pdcakit.stages.compare_scores`. A part of one is keyed
#: ``KEY.PART`` (``csi.服务响应时间``, ``tps.normativity``, ``standards.<standard>``).
SCORE_KPI_INFO: dict[str, KpiInfo] = {info.key: info for info in (
    KpiInfo("csi", N_("Customer satisfaction index (CSI)"), "mean", "score", True),
    KpiInfo("tps", N_("Process audit score (TPS)"), "mean", "score", True),
    KpiInfo("tds", N_("Mystery-shopper score (TDS)"), "mean", "score", True),
    KpiInfo("standards", N_("Standards conformance (weighted)"), "proportion", "fraction",
            True),
    KpiInfo("composite", N_("Composite performance score"), "proportion", "fraction", True),
)}


def is_score_kpi(key: str) -> bool:
    """Whether ``key`` is a score KPI or a part of one.

    >>> is_score_kpi("csi"), is_score_kpi("csi.服务态度"), is_score_kpi("fcr")
    (True, True, False)
    """
    return key.split(".", 1)[0] in SCORE_KPI_INFO


def score_kpi_name(key: str, language: str = "en") -> str:
    """A score KPI's name, a part's as "whole: part".

    >>> score_kpi_name("tps.normativity")
    'Process audit score (TPS): normativity'
    """
    whole, _, part = key.partition(".")
    name = words(language)._(SCORE_KPI_INFO[whole].name)
    return f"{name}: {part}" if part else name


def kpi_name(key: str, language: str = "en") -> str:
    """KPI ``key``'s name in ``language`` (the method's own term in Chinese); a key not in
    the catalogue is its own name.

    >>> kpi_name("aht"), kpi_name("fcr", "zh-CN"), kpi_name("made_up", "zh-CN")
    ('Average handle time', '首次解决率', 'made_up')
    >>> kpi_name("csi")
    'Customer satisfaction index (CSI)'
    """
    if is_score_kpi(key):
        return score_kpi_name(key, language)
    info = KPI_INFO.get(key)
    return key if info is None else words(language)._(info.name)


def missing_columns(key: str, present: Iterable[str]) -> tuple[str, ...]:
    """The canonical columns KPI ``key`` needs that ``present`` lacks (empty: computable).

    >>> missing_columns("aht", ["id", "created_at"])
    ('handle_minutes',)
    """
    have = set(present)
    return tuple(c for c in KPI_INFO[key].columns if c not in have)


def supported_kpis(present: Iterable[str], keys: Iterable[str] | None = None
                   ) -> tuple[tuple[str, ...], dict[str, str]]:
    """Split ``keys`` (default: every KPI) into those ``present`` columns support and the
    rest, each with one line naming the column that would enable it.

    ``present`` is the set of canonical columns that hold data (a column mapped but
    empty in every row does not count).

    >>> usable, skipped = supported_kpis(["id", "created_at", "resolved_at"],
    ...                                  ["fcr", "time_to_resolve"])
    >>> usable
    ('time_to_resolve',)
    >>> skipped["fcr"]
    'needs the column first_contact_resolved (map it under columns: in the mapping)'
    """
    have = set(present)
    usable: list[str] = []
    skipped: dict[str, str] = {}
    for key in (KPI_INFO if keys is None else keys):
        missing = missing_columns(key, have)
        if missing:
            word = "column" if len(missing) == 1 else "columns"
            skipped[key] = (f"needs the {word} {', '.join(missing)} "
                            "(map it under columns: in the mapping)")
        else:
            usable.append(key)
    return tuple(usable), skipped
